"""The packaging basics: a license file named by an SPDX expression, authors, a
changelog for the current version, and an sdist recipe with the docs, examples
and tests (built for real in a fresh virtualenv by hand; see CHANGELOG.md)."""

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

import cemethod  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_license_is_an_spdx_expression_with_its_file():
    assert PROJECT["license"] == "BSD-3-Clause"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("BSD 3-Clause License")
    assert "the cemethod developers" in text


def test_authors_urls_and_a_changelog_for_this_version():
    assert PROJECT["authors"] and PROJECT["urls"]
    assert PROJECT["version"] == cemethod.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(cemethod.__version__)}\b", changelog, re.M)


def test_the_sdist_recipe_carries_docs_examples_and_tests():
    manifest = (ROOT / "MANIFEST.in").read_text().split("\n")
    for folder in ("docs", "examples", "tests", "benchmarks", "cemethod/data"):
        assert f"graft {folder}" in manifest, folder
    assert any(line.startswith("include LICENSE CHANGELOG.md") for line in manifest)
