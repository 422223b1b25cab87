"""The readers of the ``cemethod`` commands on arbitrary files (issue 17, item 6):
every file is read or refused with a ``ValueError`` / ``InputError`` (a
``SizeLimitError`` for a declared size above the limit), never another exception,
and, with the memory limit lowered to 64 MiB, without a large allocation. Also:
a UTF-8 byte-order mark is accepted by every reader."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cemethod as ce
from cemethod.cli._options import InputError
from cemethod.cli._readers import read_buffer_config, read_graph, read_jobs_csv
from cemethod.cli._text_readers import read_predictions
from cemethod.problems import read_fasta, read_orlib_wt
from cemethod.problems.maxcut import read_dimacs, read_gset
from cemethod.problems.tsp.tsplib import read_tsplib

READERS = {
    "tsplib": read_tsplib,
    "gset": read_gset,
    "dimacs": read_dimacs,
    "fasta": read_fasta,
    "orlib": lambda p: read_orlib_wt(p, n_jobs=2),
    "edges": lambda p: read_graph(p, "weight"),
    "network": lambda p: read_graph(p, "q", max_edges=1000),
    "matrix": lambda p: read_graph(p.with_suffix(".csv"), "weight"),
    "jobs": read_jobs_csv,
    "buffer": read_buffer_config,
    "predictions": lambda p: read_predictions(p, p),
}

# Tokens of the formats, sizes small and huge, and punctuation: random files that
# get past the first lines of each reader.
_WORDS = (
    "0 1 2 3 -1 2.5 1e15 nan inf 1000000000 99999999999999999999 a x Q ACGT > ; # "
    "c p e edge NAME: TYPE: TSP ATSP TOUR DIMENSION: DIMENSION : EDGE_WEIGHT_TYPE: "
    "EUC_2D GEO EXPLICIT EDGE_WEIGHT_FORMAT: FULL_MATRIX UPPER_ROW "
    "NODE_COORD_SECTION EDGE_WEIGHT_SECTION TOUR_SECTION EOF p,w,d , { } [ ] : "
    '"service_rates" "total_buffer" "horizon" "problem" true null \ufeff'
)
TOKENS = st.sampled_from([*_WORDS.split(" "), " ", "\n", "\r\n", "\t"])
FILES = st.one_of(
    st.lists(TOKENS, max_size=60).map(lambda t: " ".join(t).encode()),
    st.text(max_size=200).map(str.encode),
    st.binary(max_size=100),
)


@pytest.fixture
def small_limit():
    previous = ce.set_max_memory("64M")
    yield
    ce.set_max_memory(previous)


@pytest.mark.parametrize("name", sorted(READERS))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(content=FILES)
@example(content=b"99999999999999999999")  # once an OverflowError in read_orlib_wt
def test_any_file_is_read_or_refused_clearly(name, content, tmp_path, small_limit):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    path.with_suffix(".csv").write_bytes(content)
    tracemalloc.start()
    try:
        READERS[name](path)
    except (ValueError, InputError) as exc:
        assert str(exc), name  # a message, whatever it says
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 128 << 20, (name, peak)


TSP = "NAME: t\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\n"
BOM_CASES = {
    "tsplib": (TSP + "NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\nEOF\n", read_tsplib),
    "gset": ("3 2\n1 2 1\n2 3 -1\n", read_gset),
    "dimacs": ("p edge 3 2\ne 1 2\ne 2 3\n", read_dimacs),
    "fasta": (">a\nACGT\n", read_fasta),
    "orlib": ("1 2 3 4 5 6\n", lambda p: read_orlib_wt(p, n_jobs=2)),
    "edges": ("0 1 2\n1 2 3\n", lambda p: read_graph(p, "weight")),
    "jobs": ("p,w,d\n1,2,3\n4,5,6\n", read_jobs_csv),
    "buffer": ('{"service_rates": [1, 2], "total_buffer": 3}', read_buffer_config),
    "predictions": ("a,b\n0.9,0.1\n0.2,0.8\n", None),
}


def _same(a, b):
    if hasattr(a, "__dataclass_fields__"):
        a, b = vars(a), vars(b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a if k != "path")
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if hasattr(a, "processing"):  # a WeightedTardiness
        return np.array_equal(a.processing, b.processing)
    return a == b


@pytest.mark.parametrize("name", sorted(BOM_CASES))
def test_a_byte_order_mark_is_accepted(name, tmp_path):
    text, reader = BOM_CASES[name]
    plain, marked = tmp_path / "plain.txt", tmp_path / "marked.txt"
    plain.write_text(text, encoding="utf-8")
    marked.write_text(text, encoding="utf-8-sig")  # EF BB BF first
    assert marked.read_bytes().startswith(b"\xef\xbb\xbf")
    if name == "predictions":
        labels = tmp_path / "y.csv"
        labels.write_text("a\nb\n", encoding="utf-8-sig")
        got, want = read_predictions(labels, marked), read_predictions(labels, plain)
        assert list(got[2]) == ["a", "b"] and list(got[0]) == ["a", "b"]
    else:
        got, want = reader(marked), reader(plain)
    assert _same(got, want)
