"""The ``cemethod`` command, driven as a subprocess as a user would run it."""

import functools
import json

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
