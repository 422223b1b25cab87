"""``--eval-timeout SEC``: the optimizer commands bound one evaluation; a
sample over the limit is a failure (worst value), a run whose every
evaluation fails stops with exit 2 and a message, and a limit that is never
reached changes nothing."""

import pytest
from cli_helpers import DATA, run_cli

CLI = DATA / "cli"
COMMANDS = {
    "tsp": [DATA / "tsplib" / "burma14.tsp"],
    "maxcut": [CLI / "maxcut5.txt"],
    "buffer": [CLI / "line.json"],
    "align": [CLI / "seq1.fasta", CLI / "seq2.fasta"],
    "schedule": [CLI / "jobs.csv"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_optimizer_command_offers_it(command):
    proc = run_cli(command, "--help")
    assert proc.returncode == 0 and "--eval-timeout SEC" in proc.stdout


@pytest.mark.parametrize("workers", [[], ["--workers", "2"]])
def test_every_evaluation_over_the_limit_is_exit_2_with_a_message(workers):
    # 1 microsecond: no simulation of the shipped line is that short
    proc = run_cli("buffer", CLI / "line.json", "--eval-timeout", "1e-6", *workers)
    assert proc.returncode == 2
    assert "--eval-timeout 1e-06: all 100 evaluations" in proc.stderr
    assert "raise it" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["buffer", "schedule"])
def test_a_limit_never_reached_changes_nothing(command):
    args = [command, *COMMANDS[command], "--seed", "3", "--quiet"]
    plain = run_cli(*args)
    bounded = run_cli(*args, "--eval-timeout", "60")
    assert plain.returncode == bounded.returncode == 0, bounded.stderr
    assert bounded.stdout == plain.stdout
    assert "eval-timeout" not in bounded.stderr  # no failure reported


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "nan"])
def test_the_limit_must_be_a_positive_number(bad):
    proc = run_cli("buffer", CLI / "line.json", "--eval-timeout", bad)
    assert proc.returncode == 2
    assert f"--eval-timeout: expected a number > 0, got '{bad}'" in proc.stderr
