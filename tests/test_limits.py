"""The memory limit of issue 17 (cemethod/_limits.py): sizes refused before
allocation with a message naming the size, the estimate and the way to raise the
limit; the limit set by its environment variable, by ``set_max_memory`` and by
``--max-memory``. Inputs are given as zero-memory broadcasts or declared sizes,
so a check that failed to fire would show as a large allocation, not a pass."""

import math
import tracemalloc

import numpy as np
import pytest

import cemethod as ce
from cemethod._limits import (
    DEFAULT_MAX_MEMORY,
    check_memory,
    format_bytes,
    max_memory,
    parse_bytes,
)
from cemethod.families import Gaussian, Permutation
from cemethod.problems import (
    ATSP,
    TSP,
    BufferAllocation,
    MaxCut,
    SequenceAlignment,
    ThroughputMaximization,
    WeightedTardiness,
    align_dp,
)
from cemethod.problems.tsp.tsplib import read_tsplib


def _broadcast_matrix(n):
    return np.lib.stride_tricks.as_strided(np.ones(1), shape=(n, n), strides=(0, 0))


@pytest.fixture(autouse=True)
def _default_limit(monkeypatch):
    monkeypatch.delenv("CEMETHOD_MAX_MEMORY", raising=False)
    previous = ce.set_max_memory(None)
    yield
    ce.set_max_memory(previous)


@pytest.mark.parametrize(
    ("text", "value"),
    [("8G", 8 << 30), ("512M", 512 << 20), ("1.5GiB", 3 << 29), ("3000", 3000),
     ("2 gb", 2 << 30), (4096, 4096)],
)  # fmt: skip
def test_parse_bytes_reads_units_as_powers_of_1024(text, value):
    assert parse_bytes(text) == value


@pytest.mark.parametrize("text", ["", "lots", "-1G", "0", "8X", "1e9"])
def test_parse_bytes_refuses_what_is_not_a_byte_count(text):
    with pytest.raises(ValueError, match="byte count"):
        parse_bytes(text)


def test_the_limit_comes_from_the_setter_else_the_environment_else_2_gib(
    monkeypatch,
):
    assert max_memory() == DEFAULT_MAX_MEMORY == 2 << 30
    monkeypatch.setenv("CEMETHOD_MAX_MEMORY", "3G")
    assert max_memory() == 3 << 30
    ce.set_max_memory("1G")
    assert max_memory() == 1 << 30
    ce.set_max_memory(None)
    monkeypatch.setenv("CEMETHOD_MAX_MEMORY", "much")
    with pytest.raises(ValueError, match="CEMETHOD_MAX_MEMORY"):
        max_memory()


def test_the_message_names_size_estimate_limit_and_options():
    with pytest.raises(ce.SizeLimitError) as info:
        check_memory("f", "n = 7", 3 * 2**30, "a table")
    text = str(info.value)
    assert text.startswith("f: n = 7 needs about 3 GiB for a table")
    assert "memory limit of 2 GiB" in text and "--max-memory" in text
    assert "CEMETHOD_MAX_MEMORY=4G" in text and "set_max_memory" in text
    assert isinstance(info.value, ValueError) and isinstance(info.value, MemoryError)
    check_memory("f", "n = 7", 2 * 2**30)  # at the limit: accepted
    assert format_bytes(1023) == "1023 B" and format_bytes(1.5 * 2**40) == "1.5 TiB"


def test_minimize_refuses_a_huge_sample_naming_n_samples():
    family = Gaussian(np.zeros(3), np.ones(3))
    with pytest.raises(ce.SizeLimitError, match=r"minimize: n_samples=10{12}"):
        ce.minimize(lambda X: (X**2).sum(1), family, n_samples=10**12, vectorized=True)
    with pytest.raises(ValueError, match="'n_samples' parameter"):  # a float
        ce.minimize(lambda X: (X**2).sum(1), family, n_samples=1e12, vectorized=True)
    with pytest.raises(ce.SizeLimitError, match="replications=1000000000000"):
        ce.minimize(
            lambda X: (X**2).sum(1), family, replications=10**12, vectorized=True
        )


def test_crude_monte_carlo_refuses_a_huge_sample():
    with pytest.raises(ce.SizeLimitError, match="crude_monte_carlo: n_samples"):
        ce.crude_monte_carlo(
            lambda X: X[:, 0], 5.0, Gaussian([0.0], [1.0]), n_samples=10**12
        )


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (
            lambda: Permutation.uniform(20_000),
            "Permutation.uniform: n=20000 needs about 8.94 GiB",
        ),
        (
            lambda: SequenceAlignment("A" * 20_000, "C" * 20_000),
            "sequences of 20000 and 20000 letters",
        ),
        (lambda: align_dp("A" * 100_000, "C" * 20_000), "100000 and 20000 letters"),
        (
            lambda: WeightedTardiness(*[np.ones(200_000)] * 3),
            "WeightedTardiness: 200000 jobs needs about 894 GiB",
        ),
        (
            lambda: MaxCut.from_edge_list([(0, 10**6)]),
            "MaxCut.from_edge_list: 1000001 nodes",
        ),
        (
            lambda: BufferAllocation([1.0, 1.0], None, None, total_buffer=10**12),
            "total_buffer=1000000000000",
        ),
        (
            lambda: ThroughputMaximization(total_rate=10**12),
            "total_rate=1000000000000",
        ),
        (  # a zero-memory 20,000 x 20,000 matrix: 18 bytes per entry = 6.71 GiB
            lambda: TSP(_broadcast_matrix(20_000)),
            r"TSP: distances of 20000 cities \(20000 x 20000\) needs about 6.71 GiB",
        ),
        (
            lambda: ATSP(_broadcast_matrix(12_000)),
            r"ATSP: distances of 12000 cities .* needs about 2.41 GiB",
        ),
    ],
)
def test_constructors_refuse_before_allocating(make, phrase):
    tracemalloc.start()
    try:
        with pytest.raises(ce.SizeLimitError, match=phrase):
            make()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, peak  # refused before the large arrays


def test_a_raised_limit_lets_the_declared_size_through(tmp_path):
    # DIMENSION 20000 with three cities: refused at 2 GiB (about 12 GiB); with
    # the limit raised, the reader goes on and finds the missing cities.
    path = tmp_path / "big.tsp"
    path.write_text(
        "NAME: big\nTYPE: TSP\nDIMENSION: 20000\nEDGE_WEIGHT_TYPE: EUC_2D\n"
        "NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\nEOF\n"
    )
    with pytest.raises(ce.SizeLimitError, match="line 3: DIMENSION 20000 needs"):
        read_tsplib(path)
    ce.set_max_memory("16G")
    with pytest.raises(ValueError, match="line 9: expected NODE_COORD_SECTION") as info:
        read_tsplib(path)
    assert not isinstance(info.value, ce.SizeLimitError)
    ce.set_max_memory("64M")  # and a lowered one refuses a small problem
    with pytest.raises(ce.SizeLimitError, match="memory limit of 64 MiB"):
        SequenceAlignment("A" * 1100, "C" * 1100)


@pytest.mark.parametrize(
    ("kwargs", "steps"),
    [
        ({"horizon": 1e15}, 3e15 + 300),
        ({"warmup": 1e15}, 3e15 + 3000),
        ({"service_rates": [1e15, 1e15, 1e15]}, 3e15 * 1100),
    ],
)
def test_simulations_too_long_are_refused_by_max_steps(kwargs, steps):
    args = {"service_rates": [1.0, 1.0, 1.0], **kwargs}
    rates = args.pop("service_rates")
    with pytest.raises(ValueError, match="max_steps=10000000") as info:
        BufferAllocation(rates, None, None, 4, **args)
    # rate = sum(max(mu + f, r)) = 3 mu here (f = 0, r = 1)
    reported = float(info.value.args[0].split("takes about ")[1].split(" steps")[0])
    assert math.isclose(reported, steps, rel_tol=1e-2)
    # the same line within a raised bound is accepted
    BufferAllocation([1.0, 1.0, 1.0], None, None, 4, horizon=1e6, max_steps=10**7)
    with pytest.raises(ValueError, match="max_steps"):
        BufferAllocation([1.0, 1.0, 1.0], None, None, 4, horizon=1e6, max_steps=10**6)


def test_enumerations_too_large_are_refused_before_building_them():
    line = BufferAllocation([1.0] * 12, None, None, total_buffer=200)
    count = math.comb(200 + 10, 10)  # stars and bars: 11 buffers
    with pytest.raises(ValueError, match=f"{count} decisions"):
        line.enumerate_optimum()
    small = BufferAllocation([1.0, 1.2, 1.0], None, None, total_buffer=4)
    assert small.check_enumeration() == 5 == small.enumerate_optimum().n_candidates
    published = ThroughputMaximization()  # 3 stations, 20 and 20: 3249 points
    assert published.check_enumeration() == math.comb(19, 2) * math.comb(19, 1)
