"""The CE sampler of CrossEntropySearchCV: floors, space-filling first
generation and reproducibility, checked against scipy and counting."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sklearn_ext._search_ce import CESampler, default_sizes
from sklearn_ext._search_space import SearchSpace

SPACE = {
    "k": ["a", "b", "c", "d"],
    "w": [0, 1],
    "c": stats.loguniform(1e-3, 1e2),
    "n": stats.randint(1, 31),
}


def sampler(seed, **kw):
    kw = {
        "elite_fraction": 0.2,
        "min_elite": 3,
        "smoothing": 0.7,
        "keep_best": True,
        "category_floor": 0.2,
        "min_std": 0.05,
        **kw,
    }
    space = SearchSpace(SPACE, "test")
    return CESampler(space, np.random.default_rng(seed), **kw)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.05, 0.2, 0.5]))
def test_category_and_std_floors_hold_whatever_the_scores(seed, floor):
    rng = np.random.default_rng(seed)
    s = sampler(seed, category_floor=floor)
    for n in (8, 3, 3, 3, 3):
        params = s.ask(n)
        # Adversarial scores: always reward the same category.
        s.tell([10.0 * (p["k"] == "a") + rng.normal() for p in params])
        cat, num = s.families
        for j, kj in enumerate(cat.n_values):
            assert cat.probs[j, :kj].min() >= floor / kj - 1e-12
        # Sorted names: c on its log box, n on [1/2, 30 + 1/2].
        widths = np.array([np.log(1e2) - np.log(1e-3), 30.0])
        assert np.all(num.std >= 0.05 * widths - 1e-12)


def test_first_generation_is_a_latin_hypercube_with_balanced_categories():
    space = SearchSpace(SPACE, "test")
    n = 12
    idx, z = space.first_generation(n, np.random.default_rng(3), stratified=True)
    params, _, _ = space.decode(idx, z)
    # Every category n // k or n // k + 1 times.
    for j, (_, values) in enumerate(space.categorical):
        counts = np.bincount(idx[:, j], minlength=len(values))
        assert counts.min() >= n // len(values) and counts.max() <= -(-n // len(values))
    # One value in each of the n equal-probability strata (scipy's own cdf).
    c = np.array([p["c"] for p in params])
    strata = np.floor(stats.loguniform(1e-3, 1e2).cdf(c) * n).astype(int)
    assert sorted(strata) == list(range(n))


def test_same_seed_same_candidates():
    def run(seed):
        s = sampler(seed)
        out = []
        for n in (8, 3, 3):
            params = s.ask(n)
            s.tell([-abs(np.log10(p["c"])) for p in params])
            out += params
        return out

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_default_sizes():
    assert default_sizes(30, 3) == (10, 3)
    assert default_sizes(300, 4) == (40, 30)
    assert default_sizes(6, 1) == (3, 3)
    assert default_sizes(None, 4) == (20, 10)
    assert default_sizes(30, 3, per_generation=5, n_initial=7) == (7, 5)
