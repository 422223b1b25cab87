"""The ``cemethod`` command, driven as a subprocess as a user would run it."""

import functools
import json
import re

import cli_helpers

run_cli = functools.partial(cli_helpers.run_cli, timeout=600)  # the whole demo


def test_demo_prints_a_passing_summary_and_writes_json_and_plots(tmp_path):
    out = tmp_path / "results.json"
    plots = tmp_path / "plots"
    proc = run_cli("demo", "--json", str(out), "--plot", str(plots))
    assert proc.returncode == 0, proc.stderr
    assert "capability" in proc.stdout
    assert "FAIL" not in proc.stdout
    # progress: stderr is not a terminal here, so one line per section
    progress = [line for line in proc.stderr.splitlines() if line.startswith("demo: ")]
    assert len(progress) == 9 and all(line.endswith(": ok") for line in progress)
    # announced: the whole run's duration first, then each section before it runs
    lines = proc.stderr.splitlines()
    assert re.match(r"cemethod demo: 9 sections, about \d+ s", lines[0]), lines[0]
    starts = [i for i, line in enumerate(lines) if re.match(r"\[\d/9\] ", line)]
    ends = [i for i, line in enumerate(lines) if line.startswith("demo: ")]
    assert len(starts) == 9 and all(s < e for s, e in zip(starts, ends, strict=True))
    assert all(re.search(r"\(about [\d.]+ s\) \.\.\.$", lines[i]) for i in starts)
    # and during the long ones: the search's generations, the optimizers' iterations
    assert "generation 3: best score" in proc.stdout
    assert "... iteration 5: best tour length" in proc.stdout
    names = {p.name for p in plots.iterdir()}
    assert {
        "tsp_tour.png",
        "tsp_convergence.png",
        "bridge_levels.png",
        "classifier_reliability.png",
    } <= names
    for png in plots.iterdir():
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 1000
    payload = json.loads(out.read_text())
    assert payload["seed"] == 0
    names = [row["name"] for row in payload["results"]]
    assert "log loss (breast cancer)" in names
    assert all(row["ok"] for row in payload["results"])
    assert all("plots" not in row for row in payload["results"])
    # no temporary file is left behind by the atomic writes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plots", "results.json"]
    assert not [p for p in plots.iterdir() if p.name.startswith(".")]


def test_help_explains_options_with_an_example():
    proc = run_cli("demo", "--help")
    assert proc.returncode == 0
    assert "--seed" in proc.stdout
    assert "Example:" in proc.stdout


def test_unknown_command_fails_with_a_message():
    proc = run_cli("frobnicate")
    assert proc.returncode != 0
    assert "invalid choice" in proc.stderr
