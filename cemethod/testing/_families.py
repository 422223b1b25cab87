"""Conformance kit: check that an object behaves as a cross-entropy sampling family.

:func:`check_family` runs a battery of protocol-only checks (it calls nothing
but the methods of :class:`~cemethod.families.SamplingFamily`), so it applies
to the families of this package and to a user's own. A failed check raises
``AssertionError`` naming the check and what went wrong.
"""

from __future__ import annotations

import math
import pickle

import numpy as np

from cemethod._validation import check_real, parameter_error

__all__ = ["FAMILY_CHECKS", "check_family"]

#: Names of the checks run by :func:`check_family`, in order (for ``skip``).
FAMILY_CHECKS = (
    "shapes",
    "reproducible",
    "pickle",
    "normalization",
    "fit_recovery",
    "weights",
    "smooth",
    "mode",
    "collapse",
    "immutable",
)


def _fail(check: str, message: str):
    raise AssertionError(f"check_family[{check}]: {message}")


def _same(a, b, rtol: float, atol: float) -> bool:
    """Log-densities equal within tolerance; equal infinities count as equal."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    inf = np.isinf(a) | np.isinf(b)
    if np.any(a[inf] != b[inf]) or np.any(np.isnan(a) | np.isnan(b)):
        return False
    return bool(np.allclose(a[~inf], b[~inf], rtol=rtol, atol=atol))


def _max_diff(a, b) -> float:
    with np.errstate(invalid="ignore"):
        d = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
    return float(np.nanmax(np.where(np.isnan(d), np.inf, d))) if d.size else 0.0


def _compare(check, what, fa, fb, points, rtol):
    la, lb = fa.log_pdf(points), fb.log_pdf(points)
    if not _same(la, lb, rtol, rtol):
        _fail(
            check,
            f"{what}: log_pdf differs by up to {_max_diff(la, lb):.3g} "
            f"(rtol={rtol:g}); got {fa!r} and {fb!r}",
        )


def _check_shapes(family, x, n, seeds):
    if not isinstance(x, np.ndarray) or x.ndim < 1 or x.shape[0] != n:
        _fail("shapes", f"sample({n}, rng) must be an array with {n} rows")
    event = x.shape[1:]
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        _fail("shapes", f"samples must be numeric, got dtype {x.dtype}")
    for m in (1, 3):
        y = family.sample(m, np.random.default_rng(seeds[0]))
        if not isinstance(y, np.ndarray) or y.shape != (m, *event):
            _fail(
                "shapes",
                f"sample({m}, rng) has shape {np.shape(y)}, expected {(m, *event)}",
            )
    lp = family.log_pdf(x)
    if not isinstance(lp, np.ndarray) or lp.shape != (n,):
        _fail(
            "shapes", f"log_pdf of {n} rows has shape {np.shape(lp)}, expected ({n},)"
        )
    bad = np.isnan(lp) | (lp == -np.inf)
    if bad.any():
        _fail(
            "shapes",
            f"log_pdf is -inf or nan on {int(bad.sum())} of the "
            f"family's own samples, e.g. row {x[np.argmax(bad)]!r}",
        )
    # Rows are independent: order and batch size do not matter.
    rev = family.log_pdf(x[:50][::-1])[::-1]
    if not _same(rev, lp[:50], 1e-12, 1e-12):
        _fail("shapes", "log_pdf of a row depends on the other rows of the batch")
    mode = np.asarray(family.mode())
    if mode.shape != event:
        _fail("shapes", f"mode() has shape {mode.shape}, expected {event}")
    disp = family.dispersion()
    if (
        not isinstance(disp, (float, np.floating))
        or not math.isfinite(disp)
        or (disp < 0)
    ):
        _fail("shapes", f"dispersion() must be a finite float >= 0, got {disp!r}")
    return event


def _check_normalization(family, x, y, gen, n, norm_tol):
    """Importance-sampling (continuous) or Good-Turing (discrete) mass check."""
    flat = x.reshape(n, -1).astype(float)
    integral = np.all(flat == np.round(flat), axis=0) | np.all(flat == flat[:1], axis=0)
    if not np.issubdtype(x.dtype, np.floating):
        integral[:] = True
    lp_y = family.log_pdf(y)
    if integral.all():
        # Discrete: mass of the distinct observed rows plus the Good-Turing
        # estimate N1 / n of the unobserved mass must be 1.
        _, first, counts = np.unique(
            flat, axis=0, return_index=True, return_counts=True
        )
        p = np.exp(family.log_pdf(x[first]))
        n1, n2 = np.sum(counts == 1), np.sum(counts == 2)
        total = p.sum() + n1 / n
        tol = norm_tol or 5 * math.sqrt(n1 + 2 * n2) / n + 0.01
        if abs(total - 1) > tol:
            _fail(
                "normalization",
                f"observed mass {p.sum():.4f} + unobserved "
                f"(Good-Turing) {n1 / n:.4f} = {total:.4f}, not 1 (tol {tol:.3g})",
            )
        big = counts >= 100
        dev = np.abs(counts[big] / n - p[big])
        lim = 6 * np.sqrt(p[big] * (1 - p[big]) / n) + 1e-3
        if np.any(dev > lim):
            _fail(
                "normalization",
                "the frequencies of frequent sample rows do not match exp(log_pdf)",
            )
        return "passed"
    disc, cont = flat[:, integral], flat[:, ~integral]
    # Proposal q = (empirical pmf of the discrete columns) x (normal with 0.81
    # times the sample covariance, restricted to the sample's bounding box);
    # E_f[q / f] = 1 when the box lies in the support, and q / f stays bounded
    # because q is narrower than f.
    if disc.shape[1]:
        patterns, counts = np.unique(disc, axis=0, return_counts=True)
        if len(patterns) > n / 50:
            return "skipped: too many discrete patterns for the proposal"
    m = cont.mean(axis=0)
    cov = np.atleast_2d(np.cov(cont, rowvar=False)) * 0.81
    eig = np.linalg.eigvalsh(cov)
    if eig[0] <= 1e-10 * eig[-1]:
        return "skipped: the samples have a singular covariance"
    chol = np.linalg.cholesky(cov)
    lo, hi = cont.min(axis=0), cont.max(axis=0)
    yc = y.reshape(n, -1)[:, ~integral]
    z = np.linalg.solve(chol, (yc - m).T)
    log_q = (
        -0.5 * np.sum(z * z, axis=0)
        - np.log(np.diag(chol)).sum()
        - (0.5 * cont.shape[1] * math.log(2 * math.pi))
    )
    in_box = np.all((yc >= lo) & (yc <= hi), axis=1)
    if disc.shape[1]:
        yd = y.reshape(n, -1)[:, integral]
        pos = {tuple(r): c / n for r, c in zip(patterns, counts, strict=True)}
        qd = np.array([pos.get(tuple(r), 0.0) for r in yd])
        in_box &= qd > 0
        log_q = log_q + np.log(np.where(qd > 0, qd, 1.0))
    ratio = np.where(in_box, np.exp(np.where(in_box, log_q - lp_y, 0.0)), 0.0)
    q_cont = m + gen.standard_normal((n, cont.shape[1])) @ chol.T
    p_box = np.mean(np.all((q_cont >= lo) & (q_cont <= hi), axis=1))
    est = ratio.mean() / p_box
    se = math.hypot(ratio.std() / math.sqrt(n), math.sqrt(p_box * (1 - p_box) / n))
    tol = norm_tol or 6 * se + 0.01
    if not abs(est - 1) <= tol:
        _fail(
            "normalization",
            f"the density integrates to {est:.4f} by importance "
            f"sampling, not 1 (tol {tol:.3g})",
        )
    return "passed"


def _check_fit_recovery(family, x, x2, y, n, size, fit_tol):
    lf = family.log_pdf(y)
    lg = family.fit(x).log_pdf(y)
    lg2 = family.fit(x2).log_pdf(y)
    lost = np.isneginf(lg) | np.isneginf(lg2)
    if np.mean(lost) > 0.01:
        _fail(
            "fit_recovery",
            "fit(sample) gives zero density to "
            f"{np.mean(lost):.2%} of fresh samples of the family",
        )
    d_true = np.mean(np.abs(lf - lg)[~lost])
    d_noise = np.mean(np.abs(lg - lg2)[~lost])
    tol = fit_tol or 3 * d_noise + 4 * math.sqrt(size / n)
    if not d_true <= tol:
        _fail(
            "fit_recovery",
            f"fit of a sample of {n} does not recover the "
            f"family: mean |log f - log f_fit| = {d_true:.4g} > {tol:.4g} (two "
            f"fits on independent samples differ by {d_noise:.4g})",
        )


def _check_weights(family, x, gen, points, rtol):
    m = min(len(x), 200)
    sub = x[:m]
    w = gen.integers(1, 4, size=m)
    _compare(
        "weights",
        "integer weights must act as repetition",
        family.fit(sub, w.astype(float)),
        family.fit(np.repeat(sub, w, axis=0)),
        points,
        rtol,
    )
    w0 = w * (gen.random(m) < 0.7)
    w0[0] = 1
    keep = w0 > 0
    _compare(
        "weights",
        "zero weights must act as removal",
        family.fit(sub, w0.astype(float)),
        family.fit(sub[keep], w0[keep].astype(float)),
        points,
        rtol,
    )
    wr = gen.random(m) + 0.1
    _compare(
        "weights",
        "scaling all weights must change nothing",
        family.fit(sub, 7.3 * wr),
        family.fit(sub, wr),
        points,
        rtol,
    )
    _compare(
        "weights",
        "weights=None must equal unit weights",
        family.fit(sub),
        family.fit(sub, np.ones(m)),
        points,
        rtol,
    )


def _check_smooth(family, x, points, rtol):
    prev = family.fit(x[: min(len(x), 100)])
    _compare(
        "smooth",
        "smooth(previous, 1.0) must be the family itself",
        family.smooth(prev, 1.0),
        family,
        points,
        rtol,
    )
    _compare(
        "smooth",
        "smooth(self, 0.3) must be the family itself",
        family.smooth(family, 0.3),
        family,
        points,
        max(rtol, 1e-10),
    )
    _compare(
        "smooth",
        "smooth(previous, 1e-9) must be (nearly) previous",
        family.smooth(prev, 1e-9),
        prev,
        points,
        max(rtol, 1e-6),
    )


def check_family(
    family,
    *,
    n_samples: int = 20000,
    rng=0,
    rtol: float = 1e-7,
    exact_fit: bool = True,
    fit_tol: float | None = None,
    norm_tol: float | None = None,
    skip=(),
) -> dict[str, str]:
    """Run the conformance battery on a sampling family.

    Checks (names for ``skip``, see ``FAMILY_CHECKS``):

    ``shapes``
        ``sample(n, rng)`` is a numeric array of shape ``(n, *event_shape)``,
        the same ``event_shape`` for every ``n``; ``log_pdf`` has shape
        ``(n,)``, is neither ``nan`` nor ``-inf`` on the family's own samples
        (``+inf`` is allowed, for densities unbounded at a point), and treats
        rows independently; ``mode()`` has the event shape;
        ``dispersion()`` is a finite float ``>= 0``.
    ``reproducible``
        The same seed gives the same sample.
    ``pickle``
        A pickled and restored family samples the same and has the same
        ``log_pdf``.
    ``normalization``
        ``exp(log_pdf)`` is a probability density or mass. Discrete samples
        (integer, boolean, or integral floats): the mass of the distinct
        observed rows plus the Good-Turing estimate of the unobserved mass is 1,
        and rows seen at least 100 times have frequencies matching their mass.
        Continuous samples: ``E_f[q / f] = 1`` by importance sampling, where
        ``q`` is a normal with 0.81 times the sample covariance restricted to
        the sample's bounding box (its mass estimated by sampling); columns
        with integral values (mixed families) get the empirical pmf of their
        patterns. This assumes that the support contains the bounding box of a
        sample (true for box supports); skip it otherwise. Default tolerances:
        six estimated standard errors plus 0.01 (continuous), five times
        ``sqrt(N1 + 2 N2) / n`` plus 0.01 (discrete, ``Nk`` rows seen ``k``
        times). A constant error of a few percent in the density is caught
        in low dimension; the check is skipped, with the reason in the
        report, when the samples have a singular covariance or too many
        discrete patterns for the proposal.
    ``fit_recovery`` (only if ``exact_fit``)
        ``fit`` of a large sample recovers the family: ``mean |log f - log g|``
        on fresh samples is at most ``fit_tol``, by default three times the same
        distance between two fits on independent samples plus
        ``4 * sqrt(event_size / n_samples)``.
    ``weights``
        Integer weights act as repetition, zero weights as removal, scaling all
        weights changes nothing, and ``weights=None`` equals unit weights.
    ``smooth``
        ``smooth(previous, 1.0)`` is the family itself, so is
        ``smooth(self, 0.3)``, and ``smooth(previous, 1e-9)`` is ``previous``.
    ``mode``
        ``log_pdf(mode)`` is at least the largest ``log_pdf`` of the samples.
    ``collapse``
        A family whose samples are spread out is not ``is_degenerate()``;
        ``fit`` of one row repeated is degenerate and samples that row (skip
        it for scale families, which cannot collapse to a non-zero point).
    ``immutable``
        All of the above left the family's ``log_pdf`` unchanged.

    Families are compared through their ``log_pdf`` on a fixed set of points
    (``rtol`` relative and absolute tolerance), which needs nothing but the
    protocol.

    Parameters
    ----------
    family : SamplingFamily
        The family to check.
    n_samples : int, default 20000
        Sample size of the statistical checks.
    rng : None, int or numpy.random.Generator, default 0
        Source of all randomness; the default makes the battery deterministic.
    rtol : float, default 1e-7
        Tolerance of the deterministic comparisons.
    exact_fit : bool, default True
        Whether ``fit`` is the exact maximum-likelihood estimate, so that it
        recovers the family from a large sample. ``False`` skips
        ``fit_recovery`` (e.g. for a heuristic update such as
        :class:`~cemethod.families.TruncatedGaussian`'s).
    fit_tol, norm_tol : float, optional
        Override the tolerances of ``fit_recovery`` and ``normalization``.
    skip : collection of str, default ()
        Names of checks not to run.

    Returns
    -------
    dict
        Each check name mapped to ``"passed"`` or ``"skipped: <reason>"``.

    Raises
    ------
    AssertionError
        When a check fails; the message names the check.

    Examples
    --------
    >>> from cemethod.families import Gaussian
    >>> from cemethod.testing import check_family
    >>> check_family(Gaussian([0.0, 1.0], 2.0), n_samples=2000)["weights"]
    'passed'
    """
    func = "check_family"
    if (
        isinstance(n_samples, bool)
        or not isinstance(n_samples, (int, np.integer))
        or (n_samples < 200)
    ):
        raise parameter_error(func, "n_samples", "an integer >= 200", n_samples)
    rtol = check_real(rtol, param="rtol", func=func, low=0.0, high=1.0)
    skip = set(skip)
    unknown = skip - set(FAMILY_CHECKS)
    if unknown:
        raise parameter_error(
            func, "skip", "a collection of names from FAMILY_CHECKS", sorted(unknown)
        )
    n = int(n_samples)
    seeds = np.random.default_rng(rng).integers(0, 2**62, size=8)
    gen = np.random.default_rng(seeds[7])
    report = {name: "skipped: asked" for name in FAMILY_CHECKS}

    def run(name):
        return name not in skip

    x = family.sample(n, np.random.default_rng(seeds[1]))
    if run("shapes"):
        _check_shapes(family, x, n, seeds)
        report["shapes"] = "passed"
    y = family.sample(n, np.random.default_rng(seeds[2]))
    x2 = family.sample(n, np.random.default_rng(seeds[3]))
    points = np.concatenate([x[:200], y[:200]])
    before = family.log_pdf(points)
    size = int(np.prod(x.shape[1:], dtype=int))
    if run("reproducible"):
        again = family.sample(n, np.random.default_rng(seeds[1]))
        if not np.array_equal(again, x):
            _fail("reproducible", "two samples with the same seed differ")
        report["reproducible"] = "passed"
    if run("pickle"):
        copy = pickle.loads(pickle.dumps(family))
        if not np.array_equal(
            copy.sample(100, np.random.default_rng(seeds[4])),
            family.sample(100, np.random.default_rng(seeds[4])),
        ) or not _same(copy.log_pdf(points), before, 0.0, 0.0):
            _fail("pickle", "a pickled and restored family behaves differently")
        report["pickle"] = "passed"
    if run("normalization"):
        report["normalization"] = _check_normalization(family, x, y, gen, n, norm_tol)
    if run("fit_recovery"):
        if exact_fit:
            _check_fit_recovery(family, x, x2, y, n, size, fit_tol)
            report["fit_recovery"] = "passed"
        else:
            report["fit_recovery"] = "skipped: exact_fit=False"
    if run("weights"):
        _check_weights(family, x, gen, points, rtol)
        report["weights"] = "passed"
    if run("smooth"):
        _check_smooth(family, x, points, rtol)
        report["smooth"] = "passed"
    if run("mode"):
        lm = family.log_pdf(np.asarray(family.mode())[None])[0]
        top = family.log_pdf(x).max()
        if not lm >= top - 1e-7 * (1 + abs(top)):
            _fail(
                "mode",
                f"log_pdf(mode()) = {lm!r} is below the largest log_pdf "
                f"of the samples, {top!r}",
            )
        report["mode"] = "passed"
    if run("collapse"):
        spread = np.ptp(x.reshape(n, -1).astype(float), axis=0).max()
        if spread > 1e-6 and family.is_degenerate():
            _fail(
                "collapse",
                "is_degenerate() is True but samples are spread out "
                f"(largest range {spread:.3g})",
            )
        row = x[:1]
        collapsed = family.fit(np.repeat(row, 20, axis=0))
        if not collapsed.is_degenerate():
            _fail(
                "collapse", f"fit of one row repeated is not degenerate: {collapsed!r}"
            )
        draws = collapsed.sample(5, np.random.default_rng(seeds[4]))
        if not np.allclose(
            draws.astype(float),
            row.astype(float),
            rtol=0,
            atol=1e-6 * (1 + np.abs(row).max()),
        ):
            _fail("collapse", "a collapsed fit samples points other than its row")
        report["collapse"] = "passed"
    if run("immutable"):
        if not _same(family.log_pdf(points), before, 0.0, 0.0):
            _fail("immutable", "the family changed while being checked")
        report["immutable"] = "passed"
    return report
