"""OR-Library weighted tardiness reader and the shipped wt40 data."""

import numpy as np
import pytest

from cemethod.problems import load_wt40, read_orlib_wt, read_orlib_wt_optima


def _plain(order, p, w, d):
    t, total = 0.0, 0.0
    for j in order:
        t += p[j]
        total += w[j] * max(0.0, t - d[j])
    return total


def test_shipped_wt40_layout():
    probs = load_wt40()
    assert len(probs) == 125 and all(p.n_jobs == 40 for p in probs)
    # Record k is OR-Library instance k + 1 (Crauwels, Potts & Van Wassenhove
    # 1998): instance 1 has processing times 26 24 79 ..., weights 1 10 9 ...
    # and optimum 913; instance 20 (100 47 68 ...) has optimum 63229.
    assert probs[0].processing[:3].tolist() == [26, 24, 79]
    assert probs[0].weights[:3].tolist() == [1, 10, 9]
    assert [p.optimum for p in probs[:3]] == [913.0, 1225.0, 537.0]
    assert probs[18].optimum == 77122.0
    assert probs[19].processing[:3].tolist() == [100, 47, 68]
    assert probs[19].optimum == 63229.0
    assert all(p.optimum is not None and p.optimum >= 0 for p in probs)
    assert sum(p.optimum == 0 for p in probs) > 0  # easy instances exist


def test_due_dates_follow_the_published_generation_scheme():
    # Potts & Van Wassenhove (1985), used for the OR-Library sets: five
    # instances per (RDD, TF) pair, TF = 0.2 .. 1.0 varying fastest, due dates
    # drawn from [P (1 - TF - RDD / 2), P (1 - TF + RDD / 2)] (negative ones
    # set to 0), P the total processing time. A record out of its place (the
    # shared copy starts with instance 20, TF 0.8) falls outside its window.
    for k, prob in enumerate(load_wt40()):
        tf, rdd = 0.2 * (k // 5 % 5 + 1), 0.2 * (k // 25 + 1)
        total = prob.processing.sum()
        low = max(0.0, np.floor(total * (1 - tf - rdd / 2)))
        high = np.ceil(total * (1 - tf + rdd / 2))
        assert low <= prob.due.min() and prob.due.max() <= high, k


def test_no_order_beats_a_listed_optimum_of_the_formerly_rotated_records():
    # Instances 1-20 were misaligned in older copies (instances or optima
    # rotated by one). A descent from the earliest-due-date and from the
    # d_j - p_j order is an independent heuristic: it must never go below the
    # listed optimum (that would prove a mispairing) and reaches it exactly,
    # by the plain definition, on most of these instances, including both ends
    # of the old rotation (913, 77122, 63229).
    probs = load_wt40()[:20]
    hits = []
    for k, prob in enumerate(probs):
        p, w, d = prob.processing, prob.weights, prob.due
        best = np.inf
        for key in (d, d - p):
            order, value, _ = prob.local_search(np.argsort(key, kind="stable"))
            assert _plain(order, p, w, d) == value
            best = min(best, value)
        assert best >= prob.optimum, (k, best, prob.optimum)
        hits.append(best == prob.optimum)
    assert hits[0] and hits[18] and hits[19]
    assert sum(hits) >= 15


def test_round_trip_of_a_written_file(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.integers(1, 100, size=(2, 3, 5))
    path = tmp_path / "wt5.txt"
    path.write_text("\n".join(" ".join(map(str, blk.ravel())) for blk in data))
    opt = tmp_path / "wtopt5.txt"
    opt.write_text("12\n34\n")
    probs = read_orlib_wt(path, n_jobs=5, optima=opt)
    assert [p.optimum for p in probs] == [12.0, 34.0]
    for prob, (p, w, d) in zip(probs, data, strict=True):
        assert prob.processing.tolist() == p.tolist()
        assert prob.weights.tolist() == w.tolist()
        assert prob.due.tolist() == d.tolist()
    assert read_orlib_wt_optima(opt).tolist() == [12.0, 34.0]


def test_bad_files(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2 3\n4 x 6\n")
    with pytest.raises(ValueError, match=r"bad.txt, line 2: expected an integer"):
        read_orlib_wt(bad, n_jobs=1)
    short = tmp_path / "short.txt"
    short.write_text("1 2 3 4\n")
    with pytest.raises(ValueError, match="multiple of 3"):
        read_orlib_wt(short, n_jobs=1)
    good = tmp_path / "good.txt"
    good.write_text("1 2 3\n")
    with pytest.raises(ValueError, match="optima"):
        read_orlib_wt(good, n_jobs=1, optima=[1.0, 2.0])
    with pytest.raises(ValueError, match="n_jobs"):
        read_orlib_wt(good, n_jobs=0)


def test_ce_with_polish_reaches_listed_optima():
    probs = load_wt40()
    for k in (16, 20, 30):  # instance 17 was misaligned in older copies
        prob = probs[k]
        res = prob.solve(rng=k, polish=True)
        assert res.fun == prob.optimum
        assert _plain(res.x, prob.processing, prob.weights, prob.due) == res.fun
