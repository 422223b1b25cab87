"""The ``cemethod`` subcommands on small files, each checked against a reference
computed here from scratch (brute force, closed forms, the TSPLIB distance
formula, scikit-learn). Every subcommand runs at least once as a subprocess, as a
user runs it; further cases call ``cemethod.cli.main`` in this process (the same
code path, without paying an interpreter start and the imports again)."""

import contextlib
import io
import itertools
import json
import math
import re
from types import SimpleNamespace

import numpy as np
import pytest
from cli_helpers import DATA, run_cli

CLI = DATA / "cli"


def run_main(*args):
    """``cemethod.cli.main`` in this process, with its output captured."""
    from cemethod.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return SimpleNamespace(
        returncode=code, stdout=out.getvalue(), stderr=err.getvalue()
    )


def run_json(tmp_path, *args, inproc=False):
    out = tmp_path / "out.json"
    proc = (run_main if inproc else run_cli)(*args, "--json", out)
    assert proc.returncode == 0, proc.stderr
    return proc, json.loads(out.read_text())


# -- tsp --
def _geo_distance(a, b):
    """TSPLIB 95, Section 2.4 (GEO): degrees.minutes to radians, then the
    rounded great-circle distance on the idealized sphere."""

    def rad(x):
        deg = int(x)
        return 3.141592 * (deg + 5.0 * (x - deg) / 3.0) / 180.0

    lat_a, lon_a, lat_b, lon_b = rad(a[0]), rad(a[1]), rad(b[0]), rad(b[1])
    q1 = math.cos(lon_a - lon_b)
    q2 = math.cos(lat_a - lat_b)
    q3 = math.cos(lat_a + lat_b)
    return int(6378.388 * math.acos(0.5 * ((1 + q1) * q2 - (1 - q1) * q3)) + 1.0)


def test_tsp_burma14_reaches_the_published_optimum_and_writes_json_and_plots(
    tmp_path,
):
    path = DATA / "tsplib" / "burma14.tsp"
    plots = tmp_path / "plots"
    proc, payload = run_json(
        tmp_path, "tsp", path, "--samples", 400, "--quiet", "--plot", plots
    )
    assert "3323" in proc.stdout
    assert payload["optimum"] == 3323 and payload["length"] == 3323  # published
    # the tour is a permutation of the TSPLIB nodes 1..14 whose length,
    # recomputed with the TSPLIB GEO formula, is the reported one
    coords = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            coords[int(parts[0])] = (float(parts[1]), float(parts[2]))
    tour = payload["tour"]
    assert sorted(tour) == list(range(1, 15))
    length = sum(
        _geo_distance(coords[a], coords[b])
        for a, b in zip(tour, tour[1:] + tour[:1], strict=True)
    )
    assert length == 3323
    assert payload["ce"]["nit"] == len(payload["ce"]["history"]["best"])
    for name in ("tour.png", "convergence.png"):
        data = (plots / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "plots"]


# -- maxcut --
def _brute_force_cut(W):
    n = len(W)
    best = 0.0
    for bits in itertools.product((0, 1), repeat=n - 1):
        x = np.array((0, *bits))
        best = max(best, float(W[x == 0][:, x == 1].sum()))
    return best


@pytest.mark.parametrize("name", ["maxcut5.csv", "maxcut5.txt"])
def test_maxcut_de_boer_example_is_28(tmp_path, name):
    W = np.loadtxt(CLI / "maxcut5.csv", delimiter=",")
    assert _brute_force_cut(W) == 28.0  # de Boer et al. (2005), Section 3.1
    # pure CE: the default tabu mode runs in one process
    workers = ["--workers", 2, "--pure-ce"] if name.endswith(".txt") else []
    proc, payload = run_json(
        tmp_path,
        "maxcut",
        CLI / name,
        "--seed",
        1,
        "--samples",
        300,
        *workers,
        inproc=name.endswith(".csv"),
    )
    assert payload["cut"] == 28.0
    assert payload["ce"]["history"]["nfev"][0] == 300  # --samples reached the CE
    assert "maxcut: iteration 1," in proc.stderr  # progress, one line per iteration
    x = np.array(payload["x"])
    assert W[x == 0][:, x == 1].sum() == 28.0
    assert "cut weight 28" in proc.stdout


# -- reliability --
def _brute_force_unreliability(edges, q, s, t, n):
    total = 0.0
    for up in itertools.product((0, 1), repeat=len(edges)):
        prob = math.prod(1 - qe if u else qe for u, qe in zip(up, q, strict=True))
        reach, frontier = {s}, [s]
        while frontier:
            a = frontier.pop()
            for (u, v), ok in zip(edges, up, strict=True):
                for x, y in ((u, v), (v, u)):
                    if ok and x == a and y not in reach:
                        reach.add(y)
                        frontier.append(y)
        total += prob * (t not in reach)
    return total


def test_reliability_equals_brute_force_and_the_ce_estimate_agrees(tmp_path):
    edges = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (3, 4), (2, 4)]
    q = [0.1, 0.2, 0.05, 0.1, 0.3, 0.02, None]  # the last edge takes --q
    lines = ["# u v q"] + [
        f"{u} {v}" + ("" if p is None else f" {p}")
        for (u, v), p in zip(edges, q, strict=True)
    ]
    graph = tmp_path / "net.txt"
    graph.write_text("\n".join(lines) + "\n")
    proc, payload = run_json(
        tmp_path, "reliability", graph, "--source", 0, "--target", 4, "--q", 0.15
    )
    exact = _brute_force_unreliability(edges, [*q[:-1], 0.15], 0, 4, 5)
    assert payload["exact"] == pytest.approx(exact, rel=1e-12)
    assert "exact unreliability" in proc.stdout and "enumeration" in proc.stdout
    est = payload["estimate"]
    assert abs(est["estimate"] - exact) < 4 * est["std_error"]
    assert est["relative_error"] == pytest.approx(est["std_error"] / est["estimate"])


def test_reliability_all_terminal_matrix_with_crude_monte_carlo(tmp_path):
    # triangle 0-1-2, q = 0.1 each: disconnected unless at most one link fails
    matrix = tmp_path / "tri.csv"
    matrix.write_text("0,0.1,0.1\n0.1,0,0.1\n0.1,0.1,0\n")
    exact = 1 - (0.9**3 + 3 * 0.1 * 0.9**2)
    _, payload = run_json(
        tmp_path,
        "reliability",
        matrix,
        "--method",
        "crude",
        "--samples",
        20000,
        inproc=True,
    )
    est = payload["estimate"]
    assert "exact" not in payload and est["method"] == "crude"
    assert abs(est["estimate"] - exact) < 4 * est["std_error"]


def test_reliability_splitting_method(tmp_path):
    matrix = tmp_path / "tri.csv"
    matrix.write_text("0,0.1,0.1\n0.1,0,0.1\n0.1,0.1,0\n")
    exact = 1 - (0.9**3 + 3 * 0.1 * 0.9**2)
    proc, payload = run_json(
        tmp_path, "reliability", matrix, "--method", "splitting", "--samples", 500,
        inproc=True,
    )  # fmt: skip
    est = payload["estimate"]
    assert est["method"] == "splitting" and "splitting estimate" in proc.stdout
    assert abs(est["estimate"] - exact) < 4 * est["std_error"]


# -- align --
def _nw(a, b, match=1.0, mismatch=-1.0, gap=2.0, local=False):
    """Needleman-Wunsch (Smith-Waterman if local) with linear gaps, from scratch."""
    H = np.zeros((len(a) + 1, len(b) + 1))
    if not local:
        H[:, 0] = -gap * np.arange(len(a) + 1)
        H[0, :] = -gap * np.arange(len(b) + 1)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            s = match if a[i - 1] == b[j - 1] else mismatch
            H[i, j] = max(H[i - 1, j - 1] + s, H[i - 1, j] - gap, H[i, j - 1] - gap)
            if local:
                H[i, j] = max(H[i, j], 0.0)
    return H.max() if local else H[-1, -1]


def test_align_fasta_files_reach_the_dp_score(tmp_path):
    # GATTACA / GCATGCT with gap 1: G-ATTACA over GCAT-GCT scores
    # 1 - 1 + 1 + 1 - 1 - 1 - 1 + ... = 0 by hand (4 matches, 2 mismatches, 2 gaps)
    assert _nw("GATTACA", "GCATGCT", gap=1.0) == 0.0
    proc, payload = run_json(
        tmp_path, "align", CLI / "seq1.fasta", CLI / "seq2.fasta", "--gap-open", 1
    )
    assert payload["dp_score"] == 0.0 and payload["ce_score"] == 0.0
    assert "dynamic programming optimum 0" in proc.stdout


@pytest.mark.parametrize(
    ("a", "b", "extra", "kwargs"),
    [
        ("ACGTTGCA", "ACGTGCA", [], {}),
        (
            "ACGTTGCAAT",
            "TTGCA",
            ["--mode", "local", "--match", 2, "--mismatch", -3, "--gap-open", 1],
            {"local": True, "match": 2, "mismatch": -3, "gap": 1},
        ),
    ],
)
def test_align_literal_sequences_equal_a_from_scratch_dp(tmp_path, a, b, extra, kwargs):
    _, payload = run_json(tmp_path, "align", a, b, *extra, "--quiet", inproc=True)
    assert payload["dp_score"] == _nw(a, b, **kwargs)
    assert payload["ce_score"] == payload["dp_score"]
    assert payload["matrix"] == "dna"
    (i0, i1), (j0, j1) = payload["aligned_part"].values()
    top, bottom = payload["alignment"]
    assert top.replace("-", "") == a[i0 - 1 : i1]
    assert bottom.replace("-", "") == b[j0 - 1 : j1]


# -- schedule --
def test_schedule_six_jobs_equals_brute_force(tmp_path):
    rows = [line.split(",") for line in (CLI / "jobs.csv").read_text().split()[1:]]
    p, w, d = (np.array([float(r[k]) for r in rows]) for k in range(3))
    best = min(
        sum(
            w[j] * max(0.0, c - d[j])
            for j, c in zip(o, np.cumsum(p[list(o)]), strict=True)
        )
        for o in itertools.permutations(range(6))
    )
    proc, payload = run_json(tmp_path, "schedule", CLI / "jobs.csv", "--quiet")
    assert proc.stderr == ""  # --quiet: no progress, no "wrote" line
    assert payload["total_weighted_tardiness"] == best
    order = [j - 1 for j in payload["order"]]
    c = np.cumsum(p[order])
    assert (
        sum(w[j] * max(0.0, cj - d[j]) for j, cj in zip(order, c, strict=True)) == best
    )


def test_schedule_orlib_instance_with_polish(tmp_path):
    # instance 1 of the shipped wt40 file (OR-Library order) has the optimum 913
    _, payload = run_json(
        tmp_path,
        "schedule",
        DATA / "orlib" / "wt40.txt",
        "--instance",
        1,
        "--optimum",
        913,
        "--polish",
        "final",
        "--time-limit",
        2,
        "--samples",
        400,
        "--quiet",
    )
    assert payload["n_jobs"] == 40
    assert payload["total_weighted_tardiness"] >= 913
    assert payload["gap"] == payload["total_weighted_tardiness"] - 913
    assert sorted(payload["order"]) == list(range(1, 41))


# -- buffer --
def test_buffer_two_machine_line_matches_the_birth_death_closed_form(tmp_path):
    # Two reliable machines, blocking after service, b buffer slots: the number
    # of parts past machine 1 is a birth-death chain on 0..b+2 with rates mu1,
    # mu2, so the throughput is mu2 (1 - pi_0), pi_n proportional to (mu1/mu2)^n.
    config = tmp_path / "line.json"
    config.write_text(
        json.dumps({"service_rates": [1.0, 2.0], "total_buffer": 3, "horizon": 200})
    )
    _, payload = run_json(
        tmp_path, "buffer", config, "--exact", "--samples", 50, "--quiet"
    )
    closed = 2.0 * (1 - 1 / sum(0.5**n for n in range(3 + 3)))
    assert payload["x"] == [3]
    assert payload["exact_throughput"] == pytest.approx(closed, rel=1e-10)


def test_buffer_shipped_line_finds_the_enumerated_optimum(tmp_path):
    _, payload = run_json(
        tmp_path,
        "buffer",
        CLI / "line.json",
        "--enumerate",
        "--exact",
        "--seed",
        2,
        inproc=True,
    )
    assert payload["x"] in payload["enumeration"]["x"]
    assert payload["exact_throughput"] == pytest.approx(payload["enumeration"]["fun"])


def test_buffer_progress_names_the_noise_and_prints_the_moving_mean(tmp_path):
    # The best of each iteration is one noisy draw on that iteration's random
    # numbers: the line says so and adds the mean of the last 10 of them.
    proc = run_main("buffer", CLI / "line.json", "--seed", 0)
    assert proc.returncode == 0, proc.stderr
    pattern = re.compile(
        r"iteration (\d+), best of this iteration (\S+) \(noisy\), "
        r"mean of the last (\d+) (\S+)"
    )
    rows = [m.groups() for m in map(pattern.search, proc.stderr.splitlines()) if m]
    assert len(rows) >= 12
    bests = [float(b) for _, b, _, _ in rows]
    for i, (nit, _, k, mean) in enumerate(rows):
        assert int(nit) == i + 1 and int(k) == min(i + 1, 10)
        window = bests[max(0, i - 9) : i + 1]
        assert float(mean) == pytest.approx(sum(window) / len(window), rel=1e-5)


def test_noisy_convergence_plot_draws_points_and_their_moving_mean():
    from cemethod.cli._common import convergence_plot

    best = np.array([3.0, 1.0, 2.0, 6.0, 5.0])
    history = SimpleNamespace(
        iteration=np.arange(1, 6), gamma=best - 1, best=best, nfev=np.arange(5)
    )
    calls = []
    ax = SimpleNamespace(
        plot=lambda *a, **k: calls.append((a, k)),
        set_xlabel=lambda *a: None,
        set_ylabel=lambda *a: None,
        legend=lambda: None,
    )
    convergence_plot(SimpleNamespace(history=history), "y", noise_window=2)(ax)
    (points, _), (line, _), (_, gamma_kw) = calls
    assert points[2] == "o" and gamma_kw["linestyle"] == "none"
    np.testing.assert_allclose(line[1], [3.0, 2.0, 1.5, 4.0, 5.5])


# -- evaluate --
def test_evaluate_equals_sklearn_log_loss(tmp_path):
    from sklearn.metrics import log_loss

    y = [line for line in (CLI / "y_true.csv").read_text().split()[1:]]
    lines = (CLI / "y_proba.csv").read_text().split()
    labels = lines[0].split(",")
    P = np.array([[float(v) for v in row.split(",")] for row in lines[1:]])
    plots = tmp_path / "plots"
    proc, payload = run_json(
        tmp_path, "evaluate", CLI / "y_true.csv", CLI / "y_proba.csv", "--plot", plots
    )
    expected = log_loss(y, P, labels=labels)
    assert payload["report"]["overall"]["log_loss"] == pytest.approx(
        expected, rel=1e-12
    )
    assert f"{expected:.4f}" in proc.stdout
    for name in ("reliability_diagram.png", "per_class_loss.png"):
        assert (plots / name).read_bytes().startswith(b"\x89PNG")


def test_evaluate_integer_labels_without_headers(tmp_path):
    from sklearn.metrics import log_loss

    y = [2, 0, 1, 1, 0, 2]
    P = np.array(
        [
            [0.2, 0.2, 0.6],
            [0.7, 0.2, 0.1],
            [0.1, 0.8, 0.1],
            [0.3, 0.4, 0.3],
            [0.5, 0.25, 0.25],
            [0.1, 0.1, 0.8],
        ]
    )
    (tmp_path / "y.csv").write_text("\n".join(map(str, y)) + "\n")
    np.savetxt(tmp_path / "p.csv", P, delimiter=",")
    _, payload = run_json(
        tmp_path, "evaluate", tmp_path / "y.csv", tmp_path / "p.csv", inproc=True
    )
    assert payload["report"]["overall"]["log_loss"] == pytest.approx(
        log_loss(y, P), rel=1e-12
    )


@pytest.mark.parametrize(
    "proba",
    [
        "0.2\n0.7\n0.9\n0.4\n",  # P(larger label), no header
        "1\n0.2\n0.7\n0.9\n0.4\n",  # one column named by its class
        "0\n0.8\n0.3\n0.1\n0.6\n",
        "0,1\n0.8,0.2\n0.3,0.7\n0.1,0.9\n0.6,0.4\n",  # integer class names
        "1,0\n0.2,0.8\n0.7,0.3\n0.9,0.1\n0.4,0.6\n",  # in any column order
    ],
)
def test_evaluate_binary_layouts_equal_sklearn(tmp_path, proba):
    from sklearn.metrics import log_loss

    (tmp_path / "y.csv").write_text("y\n0\n1\n1\n0\n")
    (tmp_path / "p.csv").write_text(proba)
    _, payload = run_json(
        tmp_path, "evaluate", tmp_path / "y.csv", tmp_path / "p.csv", inproc=True
    )
    expected = log_loss([0, 1, 1, 0], [0.2, 0.7, 0.9, 0.4])
    assert payload["report"]["overall"]["log_loss"] == pytest.approx(expected)
