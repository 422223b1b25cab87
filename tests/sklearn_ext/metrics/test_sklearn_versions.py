"""sklearn_ext's scikit-learn conventions against the real scikit-learn, by version.

The references in ``tests/sklearn_ext/data/sklearn_versions/`` were written by
``tests/sklearn_ext/data/make_sklearn_versions_reference.py`` run with each old
scikit-learn installed (exact float64 results and the warnings raised); nothing
of sklearn_ext was imported there. The claims checked are the rows of the tables
"scikit-learn by version" in ``docs/metric_conventions.md``, parsed from the page
itself, so the page cannot say more than the tests show:

* "bit for bit": every case equal (NaN equals NaN, an error matches an error);
* "bit for bit where scikit-learn returns a value": the same on the cases where
  that version returned a value, and at least one case where it raised and
  sklearn_ext returns a finite value;
* "within N ulp": every case within N units in the last place of the float64
  result;
* "differs because ...": at least one case differs (a claimed difference that
  is not there is a wrong page too).

The warnings column is checked the same way ("same": the same set of warning
texts in every case).
"""

import importlib.util
import json
import math
import pathlib
import re
import warnings

import numpy as np
import pytest

from sklearn_ext.metrics import d2_log_loss_score, log_loss

ROOT = pathlib.Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "sklearn_ext" / "data"
DOCS = ROOT / "docs" / "metric_conventions.md"
FUNCTIONS = {"log_loss": log_loss, "d2_log_loss_score": d2_log_loss_score}


def _generator():
    path = DATA / "make_sklearn_versions_reference.py"
    spec = importlib.util.spec_from_file_location("sklearn_versions_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
CASES = GENERATOR.cases()
REFERENCES = {
    json.loads(p.read_text())["sklearn"]: json.loads(p.read_text())
    for p in sorted((DATA / "sklearn_versions").glob("sklearn-*.json"))
}
ROW = re.compile(
    r"^\| (?P<function>log_loss|d2_log_loss_score) \| (?P<version>[\d.]+) "
    r"\| (?P<dtype>float\d+) \| `(?P<convention>[^`]+)` \| (?P<value>[^|]+) "
    r"\| (?P<warnings>[^|]+) \|$"
)


def _claims():
    rows = [m.groupdict() for m in map(ROW.match, DOCS.read_text().splitlines()) if m]
    return [pytest.param(r, id="-".join(r.values())[:60]) for r in rows]


CLAIMS = _claims()


def _ours(function, case, convention):
    kwargs = dict(case["kwargs"])
    if function == "d2_log_loss_score":
        kwargs.pop("normalize", None)
    kwargs["convention"] = convention
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            func = FUNCTIONS[function]
            value = float(func(case["y_true"], case["y_proba"], **kwargs))
            error = None
        except ValueError as exc:
            value, error = None, type(exc).__name__
    texts = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    return value, error, texts


def _ulps(expected, got):
    """Distance in units in the last place of float64 (0 when equal, NaN = NaN)."""
    if expected is None or got is None:
        return 0.0 if expected is got else math.inf
    if expected == got or (math.isnan(expected) and math.isnan(got)):
        return 0.0
    if not (math.isfinite(expected) and math.isfinite(got)):
        return math.inf
    return abs(expected - got) / np.spacing(max(abs(expected), abs(got)))


def _comparisons(claim):
    reference = REFERENCES[claim["version"]]
    out = []
    for case, row in zip(CASES, reference["cases"], strict=True):
        if case["dtype"] != claim["dtype"] or claim["function"] not in row:
            continue
        ref = row[claim["function"]]
        expected = None if ref["value"] is None else float.fromhex(ref["value"])
        ref_error = None if ref["error"] is None else ref["error"].split(":")[0]
        value, error, texts = _ours(claim["function"], case, claim["convention"])
        ulps = _ulps(expected, value) if ref_error == error else math.inf
        out.append((case["name"], ulps, texts == ref["warnings"], ref, value, texts))
    return out


def _where_value(comparisons):
    """The comparisons where scikit-learn returned a value; checks the others."""
    raised = [c for c in comparisons if c[3]["error"] is not None]
    assert raised, "the page claims an error the references do not show"
    assert all(c[4] is not None and math.isfinite(c[4]) for c in raised), raised
    return [c for c in comparisons if c[3]["error"] is None]


def test_references_rebuild_the_same_inputs_and_cover_the_versions():
    assert set(REFERENCES) >= {
        "1.1.3", "1.2.2", "1.3.2", "1.4.2", "1.5.2", "1.6.1", "1.7.2", "1.8.0", "1.9.1"
    }  # fmt: skip
    for version, reference in REFERENCES.items():
        assert reference["sklearn"] == version
        assert len(reference["cases"]) == len(CASES)
        for case, row in zip(CASES, reference["cases"], strict=True):
            assert (row["name"], row["dtype"]) == (case["name"], case["dtype"])
            assert row["digest"] == GENERATOR.input_digest(case), (version, row)


def test_every_version_and_dtype_has_a_bit_for_bit_or_bounded_claim():
    matched = {
        (c.values[0]["version"], c.values[0]["dtype"])
        for c in CLAIMS
        if c.values[0]["function"] == "log_loss"
        and not c.values[0]["value"].startswith("differs")
    }
    wanted = {(v, d) for v in REFERENCES for d in GENERATOR.DTYPES}
    assert matched == wanted
    assert len(CLAIMS) >= 20  # the page's tables were parsed


@pytest.mark.parametrize("claim", CLAIMS)
def test_claim(claim):
    comparisons = _comparisons(claim)
    assert comparisons, claim
    worst = max(c[1] for c in comparisons)
    value_claim = claim["value"].strip()
    if value_claim.startswith("bit for bit where scikit-learn returns a value"):
        kept = _where_value(comparisons)
        assert max(c[1] for c in kept) == 0, [c for c in kept if c[1] != 0][:3]
    elif value_claim == "bit for bit":
        assert worst == 0, [c for c in comparisons if c[1] != 0][:3]
    elif m := re.fullmatch(r"within (\d+) ulp", value_claim):
        assert worst <= int(m.group(1)), [c for c in comparisons if c[1] > 0][:3]
    else:
        assert value_claim.startswith("differs because"), value_claim
        assert worst > 0, "the page claims a difference the references do not show"
    warnings_claim = claim["warnings"].strip()
    if warnings_claim == "same":
        assert all(c[2] for c in comparisons), [c for c in comparisons if not c[2]][:3]
    else:
        assert warnings_claim.startswith("differ because"), warnings_claim
        assert not all(c[2] for c in comparisons)


def test_old_sklearn_float32_binary_certain_predictions_are_nan_as_in_1_1():
    # sklearn 1.1.3 (reference): 1 - p with p clipped to 1 - 1e-15 is 0 in float32,
    # and its one-hot * log(0) = 0 * -inf is NaN
    ref = REFERENCES["1.1.3"]["cases"]
    rows = {(r["name"], r["dtype"]): r["log_loss"] for r in ref}
    assert rows["binary_p0_p1", "float32"]["repr"] == "nan"
    assert rows["binary_p1_true0", "float32"]["repr"] == "inf"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = log_loss(
            [0, 1], np.array([1.0, 1.0], np.float32), convention="sklearn<1.2"
        )
    assert math.isnan(got)
    assert sorted(str(w.message) for w in caught) == [
        "divide by zero encountered in log",
        "invalid value encountered in multiply",
    ]
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        got = log_loss([0, 1], np.float32([1.0, 0.5]), convention="sklearn<1.2")
    assert got == math.inf
    # float64 never reaches 0 there (1 - (1 - 1e-15) > 0): no NaN, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isfinite(log_loss([0, 1], [1.0, 1.0], convention="sklearn<1.2"))
