"""The malformed-input corpus of issue 17: every file in ``corpus/`` (written by
``corpus/make_corpus.py``, listed in ``corpus/cases.json``) makes its command exit
with code 2 and a message on stderr that names the file (and the line where it
applies), with no traceback. Oversized files are oversized by what they declare,
so each is refused by a size check before anything is allocated.

The fast test runs the command in this process (the code path of ``cemethod``,
without an interpreter start per file); the slow one runs each file as a user
would, in a subprocess limited to 2 GiB of address space and 60 s.
"""

import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from cli_helpers import ENV, ROOT

from cemethod.cli import main

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = json.loads((CORPUS / "cases.json").read_text())
COMMANDS = ("tsp", "maxcut", "reliability", "buffer", "align", "schedule", "evaluate")
# The last-resort handler of cemethod/cli/_main.py: a refusal must come from a
# size check, not from an allocation that failed.
FALLBACK = "needs more memory than this process could get"


def _argv(case):
    path = str(CORPUS / case["file"])
    argv = [
        a.replace("{file}", path).replace("{corpus}", str(CORPUS)) for a in case["argv"]
    ]
    return [*argv, "--quiet"], path


def _check(code, err, case, path):
    assert code == 2, (case["file"], err)
    assert "Traceback" not in err, err
    assert f"cemethod {case['argv'][0]}: error: " in err, err
    assert path in err, err
    for phrase in case["expect"]:
        assert phrase in err, (case["file"], phrase, err)
    assert FALLBACK not in err, err


def test_the_corpus_has_100_files_over_every_command():
    counts = Counter(case["argv"][0] for case in CASES)
    assert len(CASES) >= 100 and set(counts) == set(COMMANDS), counts
    assert min(counts.values()) >= 12, counts
    files = {p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*")}
    listed = {case["file"] for case in CASES}
    assert listed <= files  # plus the two well-formed companions of evaluate
    assert all((CORPUS / f).stat().st_size < 100_000 for f in files)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_corpus_file_exits_2_naming_the_file(case, capsys):
    argv, path = _argv(case)
    start = time.perf_counter()
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    seconds = time.perf_counter() - start
    _check(code, capsys.readouterr().err, case, path)
    assert seconds < 10, seconds  # refused before any run


def _limit_memory():  # pragma: no cover (runs in the child)
    limit = 2 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_corpus_file_in_a_subprocess_under_2_gib_and_60_s(case):
    argv, path = _argv(case)
    proc = subprocess.run(
        [sys.executable, "-m", "cemethod", *argv],
        capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=60,
        preexec_fn=_limit_memory,
    )  # fmt: skip
    _check(proc.returncode, proc.stderr, case, path)


def _run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


def test_max_memory_raises_the_limit_for_one_run(capsys):
    path = CORPUS / "tsp" / "dimension_20000.tsp"  # 3 cities of a declared 20000
    code, err = _run(["tsp", path, "--quiet"], capsys)
    assert code == 2 and "DIMENSION 20000 needs about 11.9 GiB" in err
    code, err = _run(["tsp", path, "--max-memory", "16G", "--quiet"], capsys)
    assert code == 2 and "needs about" not in err
    assert "line 9: expected NODE_COORD_SECTION: 20000 lines" in err  # read on
    code, err = _run(["tsp", path, "--quiet"], capsys)  # the next run: 2 GiB again
    assert "needs about 11.9 GiB" in err
    code, err = _run(["tsp", path, "--max-memory", "lots"], capsys)
    assert code == 2 and "argument --max-memory: expected a byte count" in err


@pytest.mark.parametrize(
    "argv",
    [["tsp", "{f}"], ["maxcut", "{f}"], ["reliability", "{f}"], ["buffer", "{f}"],
     ["align", "{f}", "ACGT"], ["schedule", "{f}"], ["evaluate", "{f}", "{f}"]],
)  # fmt: skip
def test_a_file_too_large_to_read_is_refused_unread(argv, tmp_path, capsys):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(100 << 20)  # sparse: 100 MiB declared, nothing on disk
    code, err = _run([a.replace("{f}", str(big)) for a in argv] + ["--quiet"], capsys)
    assert code == 2, err
    assert f"{big}: a file of {100 << 20} bytes needs about 2.93 GiB" in err
