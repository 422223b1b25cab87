"""LocalEditPaths (sampled start cell + walk) and local alignment by CE against
Smith-Waterman."""

import pickle

import numpy as np
import pytest
from alignment_paths import all_paths, hit_rate, padded, random_dna

from cemethod.problems import (
    EditGraphPaths,
    LocalEditPaths,
    SequenceAlignment,
)
from cemethod.testing import check_family


def _all(m, n):
    return padded(list(all_paths(m, n)), m + n)


def _random_family(m, n, rng):
    start = rng.random((m, n)) + 0.1
    probs = rng.random((m, n, 3)) + 0.1
    return LocalEditPaths(start / start.sum(), probs / probs.sum(2, keepdims=True))


def _canonical(path):
    """Brute-force reading of the family's support: gaps in b, then gaps in
    a, then a diagonal."""
    k = 0
    while k < len(path) and path[k] == 1:
        k += 1
    while k < len(path) and path[k] == 2:
        k += 1
    return k < len(path) and path[k] == 0


@pytest.mark.parametrize("shape", [(3, 2), (2, 4), (1, 1), (4, 1)])
def test_pdf_sums_to_one_over_all_paths(shape):
    fam = _random_family(*shape, np.random.default_rng(sum(shape)))
    X = _all(*shape)
    lp = fam.log_pdf(X)
    support = np.array([_canonical(list(p[p >= 0])) for p in X])
    assert np.all(np.isfinite(lp) == support)
    assert np.exp(lp).sum() == pytest.approx(1.0)


def test_sample_frequencies_match_pdf():
    rng = np.random.default_rng(1)
    fam = _random_family(2, 2, rng)
    X = fam.sample(40000, rng)
    P = _all(2, 2)
    p = np.exp(fam.log_pdf(P))
    keep = p > 0
    counts = np.array([np.all(row == X, axis=1).sum() for row in P])
    assert counts.sum() == 40000 and np.all(counts[~keep] == 0)
    chi2 = np.sum((counts[keep] - 40000 * p[keep]) ** 2 / (40000 * p[keep]))
    # 99.9 % quantile of chi2 with (number of paths in the support - 1) df.
    assert keep.sum() == 6 and chi2 < 20.5  # 3 walks from (0, 0), 1 from the rest


def test_samples_are_edit_graph_paths():
    X = LocalEditPaths.initial(7, 5).sample(300, np.random.default_rng(2))
    assert X.dtype == np.int8 and X.shape == (300, 12)
    assert np.all(np.isfinite(EditGraphPaths.uniform(7, 5).log_pdf(X)))


@pytest.mark.parametrize("seed", range(6))
def test_mode_is_the_most_likely_path(seed):
    rng = np.random.default_rng(seed)
    m, n = rng.integers(1, 5, size=2)
    fam = _random_family(int(m), int(n), rng)
    X = _all(int(m), int(n))
    lp = fam.log_pdf(X)
    assert fam.log_pdf(fam.mode()[None])[0] == pytest.approx(lp.max())


def test_check_family():
    assert set(check_family(LocalEditPaths.initial(3, 2, 1 / 3)).values()) == {"passed"}
    # With diagonal 0.7 a 100-sample fit misses some moves (probability 0), and
    # smooth(previous, 1e-9) then gives those rows a finite log_pdf: the check
    # compares infinities exactly, so it is left out here.
    report = check_family(LocalEditPaths.initial(4, 3), skip=("smooth",))
    assert report["fit_recovery"] == report["normalization"] == "passed"


def test_fit_counts_start_cells_and_walk_moves():
    fam = LocalEditPaths.initial(2, 3)
    # Rows 1-2: start (0, 1) = "2 0", walk from (1, 2): 1, then the tail 2.
    # Row 3: start (0, 0) = "0" (not a walk move), walk from (1, 1): 2, 0.
    X = np.array([[2, 0, 1, 2, -1], [2, 0, 1, 2, -1], [0, 2, 0, -1, -1]])
    fitted = fam.fit(X)
    assert fitted.start.ravel().tolist() == pytest.approx([1 / 3, 2 / 3, 0, 0, 0, 0])
    assert fitted.probs[1, 2].tolist() == pytest.approx([1 / 3, 2 / 3, 0])
    assert fitted.probs[1, 1].tolist() == pytest.approx([0, 0, 1])
    # Cells no walk visits keep their probabilities.
    assert fitted.probs[0, 0].tolist() == pytest.approx([0.7, 0.15, 0.15])
    w = fam.fit(X, weights=[1.0, 0.0, 3.0])
    assert w.start.ravel().tolist() == pytest.approx([0.75, 0.25, 0, 0, 0, 0])
    mix = fitted.smooth(fam, 0.5)
    assert mix.start[0, 1] == pytest.approx(1 / 3 + 1 / 12)
    assert mix.probs[1, 2].tolist() == pytest.approx([31 / 60, 49 / 120, 0.075])
    one = fam.fit(X[:1])
    assert one.is_degenerate() and one.dispersion() == 0.0
    assert one.mode().tolist() == X[0].tolist()
    assert not fitted.is_degenerate() and fitted.dispersion() > 0
    assert pickle.loads(pickle.dumps(fitted)) == fitted


def test_rows_outside_the_family_and_bad_parameters():
    fam = LocalEditPaths.initial(2, 2)
    bad = np.array(
        [
            [2, 1, 0, -1],  # gap in a before gap in b: not this family's form
            [1, 1, 2, 2],  # no aligned pair at all
            [0, 0, 0, -1],  # leaves the graph
            [0, -1, 0, -1],  # padding in the middle
        ]
    )
    assert np.all(fam.log_pdf(bad) == -np.inf)
    with pytest.raises(ValueError, match="start their aligned part"):
        fam.fit(bad[:1])
    with pytest.raises(ValueError, match=r"'x'.*4 columns"):
        fam.log_pdf(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"'start'.*summing to 1"):
        LocalEditPaths(np.full((2, 2), 0.3), fam.probs)
    with pytest.raises(ValueError, match=r"'probs'.*shape \(2, 2, 3\)"):
        LocalEditPaths(fam.start, np.full((2, 3, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"'probs'.*\[0, 1\]"):
        LocalEditPaths(fam.start, np.broadcast_to([1.2, -0.1, -0.1], (2, 2, 3)))
    with pytest.raises(ValueError, match=r"'m'.*>= 1"):
        LocalEditPaths.initial(0, 3)
    with pytest.raises(ValueError, match="'diagonal'"):
        LocalEditPaths.initial(2, 2, diagonal=1.0)
    with pytest.raises(TypeError, match="'previous'"):
        fam.smooth(EditGraphPaths.uniform(2, 2), 0.5)


def test_default_family_and_the_dp_path():
    rng = np.random.default_rng(4)
    prob = SequenceAlignment(
        random_dna(rng, 14), random_dna(rng, 11), gap_open=3.0, mode="local"
    )
    fam = prob.default_family()
    assert isinstance(fam, LocalEditPaths) and fam.shape == (14, 11)
    assert np.isfinite(fam.log_pdf(prob.optimal_solution[None])[0])
    assert prob.default_options()["n_samples"] == 60 * 25
    X = fam.sample(2000, rng)
    assert np.all(prob(X) <= prob.optimum) and prob(X).max() > 0
    empty = SequenceAlignment("", "ACG", mode="local")
    assert isinstance(empty.default_family(), EditGraphPaths)
    assert empty.compare(empty.solve(rng=0))["reached"]


def test_ce_reaches_smith_waterman_where_whole_paths_did_not():
    # The fast subset of the length-50 check below: seeds 1-4, where the
    # whole-path family (EditGraphPaths, N = 2000) reached the optimum in none.
    rate = hit_rate(50, range(1, 5), gap_open=2.0, gap_extend=2.0, mode="local")
    assert rate >= 0.75


@pytest.mark.slow
@pytest.mark.parametrize("gaps", [(2.0, 2.0), (3.0, 1.0)])
def test_ce_reaches_smith_waterman_length_50_in_90_percent_of_seeds(gaps):
    # Issue #5 target for local mode: random DNA of length 50 (match 1,
    # mismatch -1), the Smith-Waterman / Gotoh optimum in >= 90 % of 20 seeds
    # (20/20 measured for both gap settings; 45-50 % with the whole-path
    # family).
    gap_open, gap_extend = gaps
    rate = hit_rate(
        50, range(20), gap_open=gap_open, gap_extend=gap_extend, mode="local"
    )
    assert rate >= 0.9


def _score_rows(top, bottom, match=1.0, mismatch=-1.0, gap_open=3.0, gap_extend=1.0):
    """Score of two gapped rows, column by column (Gotoh's affine gaps)."""
    total, prev = 0.0, None
    for x, y in zip(top, bottom, strict=True):
        kind = "a" if x == "-" else "b" if y == "-" else None
        if kind is None:
            total += match if x == y else mismatch
        else:
            total -= gap_extend if kind == prev else gap_open
        prev = kind
    return total


@pytest.mark.parametrize("seed", range(4))
def test_format_and_span_show_the_scored_stretch(seed):
    rng = np.random.default_rng(seed)
    a, b = random_dna(rng, 25), random_dna(rng, 20)
    prob = SequenceAlignment(a, b, gap_open=3.0, gap_extend=1.0, mode="local")
    for path in (prob.optimal_solution, prob.default_family().sample(1, rng)[0]):
        top, bottom = prob.format(path).split("\n")
        (i0, i1), (j0, j1) = prob.local_span(path)
        assert top.replace("-", "") == a[i0:i1] and bottom.replace("-", "") == b[j0:j1]
        assert _score_rows(top, bottom) == pytest.approx(prob(path[None])[0])
    assert _score_rows(*prob.format(prob.optimal_solution).split("\n")) == prob.optimum
    glob = SequenceAlignment(a, b, gap_open=3.0, gap_extend=1.0)
    assert glob.local_span(glob.optimal_solution) == ((0, 25), (0, 20))
    with pytest.raises(ValueError, match=r"'path'.*edit-graph path"):
        prob.format(np.zeros(45, dtype=np.int8))
