"""The reliability problem set of benchmarks/_reliability_problems.py: every limit
state evaluates, and the references agree with independent small computations
(other formulas, crude Monte Carlo, design-point importance sampling)."""

import importlib
import math
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
R = importlib.import_module("_reliability_problems")

NAMES = [p.name for p in R.problems()]
OTBENCHMARK = [n for n in NAMES if n.startswith("RP") or n == "four-branch"]


def _phi_tail(beta):
    return 0.5 * math.erfc(beta / math.sqrt(2.0))


def test_the_set_spans_the_otbenchmark_problems():
    assert len(OTBENCHMARK) >= 12
    ds = {R.by_name(n).d for n in OTBENCHMARK}
    refs = [R.by_name(n).reference for n in OTBENCHMARK]
    assert max(ds) >= 100 and min(ds) == 2
    assert min(refs) < 1e-6 and max(refs) > 1e-2


@pytest.mark.parametrize("name", NAMES)
def test_limit_state_evaluates_a_batch(name):
    p = R.by_name(name)
    g = p(np.random.default_rng(0).standard_normal((5, p.d)))
    assert g.shape == (5,)
    assert np.all(np.isfinite(g))
    assert 0.0 < p.reference < 1.0
    assert p.source


def test_wrong_dimension_is_refused():
    with pytest.raises(ValueError):
        R.by_name("RP22")(np.zeros((3, 4)))


@pytest.mark.parametrize(
    ("name", "beta"),
    [("RP107", 5.0), ("linear-100", R.BETA_1E6), ("linear-1000", R.BETA_1E6)],
)
def test_linear_references_are_phi_of_minus_beta(name, beta):
    assert R.by_name(name).reference == pytest.approx(_phi_tail(beta), rel=1e-12)
    # and g is that plane: zero at the design point
    p = R.by_name(name)
    u = np.full((1, p.d), beta / math.sqrt(p.d))
    assert abs(p(u)[0]) < 1e-9


def test_union_and_two_planes_closed_forms():
    p1, p2 = _phi_tail(4.0), _phi_tail(5.0)
    assert R.by_name("RP110").reference == pytest.approx(p1 + p2 - p1 * p2, rel=1e-12)
    two = R.by_name("two-planes-20").reference
    assert two == pytest.approx(2 * _phi_tail(R.BETA_2PLANES), rel=1e-12)
    assert two == pytest.approx(1e-6, rel=1e-9)


def test_sum_of_exponentials_by_the_poisson_sum():
    t = 8.951
    cdf = 1.0 - sum(math.exp(-t) * t**k / math.factorial(k) for k in range(20))
    assert R.by_name("RP54").reference == pytest.approx(cdf, rel=1e-9)


def test_product_tails_by_the_bessel_density():
    # U1 U2 has the density K0(|z|)/pi.
    from scipy import integrate, special

    def tail(c):
        return integrate.quad(
            lambda z: special.k0(z) / math.pi, c, np.inf, epsabs=0, epsrel=1e-12
        )[0]

    assert R.by_name("RP75").reference == pytest.approx(tail(3.0), rel=1e-7)
    assert R.by_name("RP111").reference == pytest.approx(2 * tail(12.5), rel=1e-6)
    assert R.by_name("product").reference == pytest.approx(tail(R.C_PRODUCT), rel=1e-6)


def test_four_branch_far_reference():
    assert R.by_name("four-branch-far").reference == pytest.approx(3.2502e-7, rel=1e-4)


def test_tail_accurate_transforms():
    from scipy import stats

    u = np.array([-9.0, -3.0, 0.0, 3.0, 9.0])
    gum = R._RP14_GUMBEL
    assert np.allclose(R.gumbel_from_u(gum, u), R.to_marginal(gum, u), rtol=1e-10)
    # upper tail of the uniform: 1 - Phi(-9) kept to the last digit
    top = R.uniform_from_u(0.0, 1.0, np.array([9.0]))[0]
    assert 1.0 - top == pytest.approx(stats.norm.sf(9.0), rel=1e-6)
    assert R.exponential_from_u(1.0, np.array([9.0]))[0] == pytest.approx(
        -stats.norm.logsf(9.0), rel=1e-12
    )
    m, s = R.lognormal_mu_sigma(120.0, 12.0)
    assert math.exp(m + s * s / 2) == pytest.approx(120.0)


CHEAP_MC = [n for n in NAMES if R.by_name(n).reference >= 2e-3 and R.by_name(n).d <= 20]


@pytest.mark.parametrize("name", CHEAP_MC)
def test_reference_against_crude_monte_carlo(name):
    p = R.by_name(name)
    est, rel = R.crude_mc(p.g_standard, p.d, 200_000, seed=2024)
    se = math.hypot(rel * max(est, p.reference), p.reference_rel_error * p.reference)
    assert abs(est - p.reference) < 4.5 * se


@pytest.mark.parametrize(
    "name",
    ["RP28", "RP77", "RP110", "RP111", "product", "four-branch-far", "two-planes-20"],
)
def test_rare_reference_against_design_point_importance_sampling(name):
    p = R.by_name(name)
    est, rel = R.mixture_is(p.g_standard, R._centers(name), 40_000, seed=11)
    assert abs(est - p.reference) < 4.5 * rel * est


def test_published_flags():
    # exact agreement with a 17-digit published value: no flag
    assert R.by_name("four-branch").published_flag() == ""
    # the known discrepancies of the published set
    for name in ("RP77", "RP111", "RP107", "RP60"):
        assert R.by_name(name).published_flag() == "FLAG >1%", name


# -- OpenTURNS runners -------------------------------------------------------


def test_openturns_runners():
    pytest.importorskip("openturns")
    p = R.by_name("RP22")
    for method in R.OT_METHODS:
        run = R.run_openturns(p, method, 3000, seed=3, per_level=1000)
        assert run.error == "", run.error
        assert run.n_evaluations >= 1000
        assert run.cpu_seconds >= 0.0
        assert 0.3 < run.estimate / p.reference < 3.0, (method, run)
        assert np.isfinite(run.cov)
    run = R.run_openturns(p, "CE", 3000, seed=3, per_level=1000)
    assert run.n_evaluations == 1000 * run.steps


def test_openturns_runner_reports_a_failure():
    pytest.importorskip("openturns")

    def broken(u):
        raise RuntimeError("boom")

    p = R.Problem("broken", 2, broken, 1e-3, "none")
    run = R.run_openturns(p, "NAIS", 1000, seed=0, per_level=500)
    assert math.isnan(run.estimate)
    assert "boom" in run.error


def test_openturns_runner_stops_at_its_evaluation_cap():
    pytest.importorskip("openturns")
    p = R.by_name("RP111")  # four symmetric modes: CE levels creep
    run = R.run_openturns(
        p, "SubsetSampling", 1000, seed=0, per_level=500, cap_factor=1.5
    )
    assert run.n_evaluations <= 1500
    assert math.isnan(run.estimate)
    assert "cap" in run.error
