"""The package map of docs/architecture.md, checked from the code: who imports whom,
module sizes, one folder per subsystem, a docstring in every package.

Imports are read with ``ast`` (function-level imports included), so a lazy import
counts as much as one at the top of a module.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cemethod", "sklearn_ext")
MAX_LINES = 520  # "no module over ~500 lines"

CORE = {"base", "families", "optimize", "rare_event"}
# Which units a unit may import (besides third-party code other than scikit-learn).
ALLOWED = {
    "base": {"base"},
    "families": {"base", "families"},
    "optimize": {"base", "families", "optimize"},
    "rare_event": {"base", "families", "optimize", "rare_event"},
    "top": {"base", "optimize", "rare_event"},
    "testing": CORE | {"testing"},
    "problems": {"problem"},  # cemethod.problems re-exports its folders
    "sklearn_ext": CORE | {"top", "sklearn_ext", "sklearn"},
}


def unit(module: str) -> str:
    """The unit of the package map a dotted module name belongs to."""
    parts = module.split(".")
    if parts[0] == "sklearn":
        return "sklearn"
    if parts[0] == "sklearn_ext":
        return "sklearn_ext"
    if parts[0] != "cemethod":
        return "third-party"
    if len(parts) == 1:
        return "top"
    head = parts[1]
    if head in ("_validation", "_splitmix", "_limits"):
        return "base"
    if head == "__main__":
        return "cli"
    if head == "problems":
        return "problems" if len(parts) == 2 else f"problem:{parts[2]}"
    return head


def allowed(importer: str, imported: str) -> bool:
    if importer == "cli" or imported == "third-party":
        return True
    if importer.startswith("problem:"):
        return imported in CORE | {"top", importer}
    if importer == "problems":
        return imported.startswith("problem:")
    return imported in ALLOWED[importer]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imported_modules(path: Path):
    """Absolute names of the modules a file imports (relative ones resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            yield base


def source_files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def import_map():
    """{importing module: {imported module, ...}} over both packages."""
    return {module_name(p): set(imported_modules(p)) for p in source_files()}


def violations(imports):
    found = []
    for importer, modules in sorted(imports.items()):
        for imported in sorted(modules):
            if not allowed(unit(importer), unit(imported)):
                found.append(f"{importer} imports {imported}")
    return found


def test_the_code_follows_the_dependency_rules():
    imports = import_map()
    assert len(imports) > 100  # the walk found the packages
    assert violations(imports) == []


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("cemethod.optimize._minimize", "cemethod.cli._common"),
        ("cemethod.optimize._minimize", "cemethod.problems.tsp"),
        ("cemethod.families.gaussian", "cemethod.optimize._options"),
        ("cemethod.rare_event._estimate", "sklearn_ext.metrics"),
        ("cemethod.rare_event._estimate", "sklearn.utils"),
        ("cemethod.problems.tsp._tsp", "cemethod.problems.maxcut"),
        ("cemethod.problems.networks._reliability", "cemethod.cli"),
        ("cemethod.testing._problems", "cemethod.problems"),
        ("sklearn_ext.report", "cemethod.cli._demo"),
        ("sklearn_ext.model_selection", "cemethod.problems.tsp"),
    ],
)
def test_a_forbidden_import_is_reported(importer, imported):
    assert violations({importer: {imported}}) == [f"{importer} imports {imported}"]


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("cemethod.cli._demo", "sklearn_ext.display"),
        ("cemethod.cli._estimate", "cemethod.problems.networks._exact"),
        ("cemethod.problems.tsp._tsp", "cemethod.optimize._minimize"),
        ("cemethod.problems.tsp._tsp", "cemethod.problems.tsp.tsplib"),
        ("cemethod.problems.networks._reliability", "cemethod.rare_event._result"),
        ("cemethod.problems", "cemethod.problems.maxcut"),
        ("cemethod.rare_event._estimate", "cemethod.optimize._evaluation"),
        ("sklearn_ext.model_selection", "cemethod.families"),
        ("cemethod.families.gaussian", "numpy"),
    ],
)
def test_an_allowed_import_passes(importer, imported):
    assert violations({importer: {imported}}) == []


def test_modules_stay_small():
    long = {
        str(p.relative_to(ROOT)): n
        for p in source_files()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def name_prefix(path: Path) -> str:
    """``_line_markov.py`` -> ``line``: the first word of a module's name."""
    return re.split(r"_", path.stem.lstrip("_"), maxsplit=1)[0]


def test_no_prefix_does_a_folders_job():
    crowded = []
    folders = {p.parent for p in source_files()}
    for folder in sorted(folders):
        groups = defaultdict(list)
        for p in folder.glob("*.py"):
            if p.name != "__init__.py":
                groups[name_prefix(p)].append(p.name)
        crowded += [sorted(g) for g in groups.values() if len(g) >= 3]
    assert crowded == []


def test_every_package_says_what_lives_there():
    for init in (p for p in source_files() if p.name == "__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and len(doc.split()) >= 5, init


def test_tests_mirror_the_packages():
    tests = ROOT / "tests"
    for sub in ("optimize", "rare_event", "families", "cli", "testing"):
        assert (ROOT / "cemethod" / sub).is_dir()
        assert list((tests / sub).glob("test_*.py")), sub
    problems = [p for p in (ROOT / "cemethod" / "problems").iterdir() if p.is_dir()]
    for folder in problems:
        if folder.name != "__pycache__":
            assert list((tests / "problems" / folder.name).glob("test_*.py")), folder
