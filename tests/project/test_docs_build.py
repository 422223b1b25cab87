"""The documentation builds without warnings and its worked examples run.

``sphinx -W`` turns every warning (a malformed docstring section, a broken
cross-reference, a page outside the toctree) into a failure; the doctest builder
executes the ``.. doctest::`` blocks of the guide and problem pages, so their
reference values (entropy 0.811 bits, code lengths 2.23 / 2.42 / 4.58 bits, the
spam/ham log loss 0.21616187468057912) are checked against the library.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("numpydoc")
pytest.importorskip("myst_parser")

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _sphinx(builder, out):
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder]
    cmd += ["-d", str(out / "doctrees"), str(DOCS), str(out / builder)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_docs_build_and_worked_examples(tmp_path):
    # one test, so that the doctest build reuses the parsed pages of the html build
    proc = _sphinx("html", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = tmp_path / "html"
    api = (html / "api.html").read_text(encoding="utf-8")
    for name in (
        "cemethod.minimize",
        "cemethod.estimate_rare_event",
        "cemethod.families.Bernoulli",
        "cemethod.problems.MaxCut",
        "cemethod.testing.check_family",
        "sklearn_ext.metrics.log_loss",
        "sklearn_ext.scorers.make_proba_scorer",
        "sklearn_ext.report.cross_entropy_report",
    ):
        assert f'id="{name}"' in api, name
    for page in ("metric_conventions.html", "scorers.html", "benchmarks.html"):
        assert (html / page).is_file(), page

    proc = _sphinx("doctest", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = (tmp_path / "doctest" / "output.txt").read_text(encoding="utf-8")
    assert "0 failures in tests" in report
    # the reference values are among the examples actually run
    guide = (DOCS / "guide" / "information_theory.rst").read_text(encoding="utf-8")
    for value in ("0.811", "2.23", "2.42", "4.58", "0.21616187468057912"):
        assert f"\n   {value}\n" in guide, value
