"""Noisy objectives: the final ranking and selection (KN) and the honest value.

At the end of a run with ``noisy=True`` the driver (``_minimize``)

1. compares the best points of the last pool by the fully sequential
   indifference-zone procedure KN of Kim & Nelson (2001), "A fully sequential
   procedure for indifference-zone selection in simulation", ACM TOMACS
   11(3):251-273, on fresh replications, and returns the winner;
2. evaluates the winner again on replications from a third, independent seed
   stream: their mean is an unbiased estimate of its value (the in-run value is
   the best of many noisy estimates, biased towards optimism), reported with
   its standard error and Student-t interval.

Both streams are spawned from the run's generator (``SeedSequence.spawn``): they
are independent of every draw of the run and of each other, and spawning does
not advance the run's own stream.
"""

from __future__ import annotations

import math

import numpy as np

from cemethod.optimize._result import HonestValue, Selection

__all__ = ["honest_value", "kn_select", "spawn_streams"]

# Default window of the stop rule noise_stalled (docstring of minimize).
NOISE_WINDOW = 10


def spawn_streams(rng, n):
    """``n`` generators independent of ``rng``'s stream (which is not advanced)."""
    try:
        return rng.spawn(n)
    except AttributeError:  # numpy < 1.25
        return [np.random.default_rng(s) for s in rng.bit_generator._seed_seq.spawn(n)]


def kn_select(draw, k, *, indifference_zone=None, confidence=0.95, n0=10):
    """Procedure KN of Kim & Nelson (2001), for the smallest mean.

    Parameters
    ----------
    draw : callable
        ``draw(idx) -> (len(idx),)``: one new replication of each candidate in
        ``idx`` (an int array); one call may share its noise across the
        candidates (common random numbers: KN's variances are those of the
        pairwise differences, so the shared noise cancels).
    k : int
        Number of candidates (>= 1).
    indifference_zone : float, optional
        ``delta > 0``. None: half the pooled standard deviation of one
        replication, measured in the first stage (a data-chosen zone).
    confidence : float
        ``1 - alpha`` in (0, 1).
    n0 : int
        First-stage replications per candidate (>= 2).

    Returns
    -------
    (int, Selection)
        The index of the chosen candidate and the record of the selection.
    """
    alpha = 1.0 - confidence
    first = np.array([draw(np.arange(k)) for _ in range(n0)]).T  # (k, n0)
    sums = first.sum(axis=1)
    n_eval = k * n0
    zone_chosen = "user"
    if indifference_zone is None:
        zone_chosen = "data"
        indifference_zone = 0.5 * math.sqrt(float(np.mean(first.var(axis=1, ddof=1))))
        if indifference_zone == 0.0:  # noise-free candidates: any zone works
            indifference_zone = 1.0
    delta = float(indifference_zone)

    def record(chosen, stages, eliminated):
        return Selection(
            "KN", k, delta, zone_chosen, confidence, n_eval, stages, chosen, eliminated
        )

    if k == 1:
        return 0, record(0, n0, True)
    # Kim & Nelson (2001), Section 3, procedure KN: eta and h^2 of the setup.
    eta = 0.5 * ((2.0 * alpha / (k - 1)) ** (-2.0 / (n0 - 1)) - 1.0)
    h2 = 2.0 * eta * (n0 - 1)
    diff = first[:, None, :] - first[None, :, :]  # (k, k, n0)
    s2 = diff.var(axis=2, ddof=1)  # S^2_il, variance of X_ij - X_lj
    n_max = np.floor(h2 * s2 / delta**2).max(axis=1)  # N_i = max_l N_il
    active = np.arange(k)
    r = n0
    if n0 > n_max.max():
        return int(np.argmin(sums)), record(int(np.argmin(sums)), r, False)
    while True:
        # Screening: keep i if Xbar_i(r) <= Xbar_l(r) + W_il(r) for all l != i,
        # W_il(r) = max(0, delta / (2 r) * (h^2 S^2_il / delta^2 - r)).
        mean = sums[active] / r
        w = np.maximum(
            0.0, delta / (2.0 * r) * (h2 * s2[np.ix_(active, active)] / delta**2 - r)
        )
        keep = np.all(mean[:, None] <= mean[None, :] + w, axis=1)
        active = active[keep]
        if active.size == 1:
            return int(active[0]), record(int(active[0]), r, True)
        sums[active] += draw(active)
        n_eval += active.size
        r += 1
        if r >= n_max[active].max() + 1:
            best = int(active[np.argmin(sums[active])])
            return best, record(best, r, False)


def honest_value(draw, *, n_replications=None, target_std_error=None, max_n=1000):
    """Mean, standard error and 95% t interval of fresh replications of a point.

    ``draw(m) -> (m,)`` gives ``m`` fresh independent replications. With
    ``target_std_error`` a first stage of ``min(10, max_n)`` replications
    estimates the standard deviation ``s``, and the total is
    ``ceil((s / target)^2)`` clipped to ``[first stage, max_n]`` (Law &
    Kelton, "Simulation Modeling and Analysis", Section 9.4.1, the sequential
    fixed-precision rule with one stage).
    """
    if target_std_error is None:
        values = np.asarray(draw(n_replications), dtype=np.float64)
    else:
        values = np.asarray(draw(min(10, max_n)), dtype=np.float64)
        sd = float(values.std(ddof=1))
        need = min(max_n, max(values.size, math.ceil((sd / target_std_error) ** 2)))
        if need > values.size:
            more = np.asarray(draw(need - values.size), dtype=np.float64)
            values = np.concatenate([values, more])
    from scipy import stats  # lazily: importing the optimizer stays fast

    n = values.size
    mean = float(values.mean())
    se = float(values.std(ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf(0.975, n - 1)) * se
    return HonestValue(
        value=mean,
        std_error=se,
        interval=(mean - half, mean + half),
        confidence=0.95,
        n_replications=n,
        target_std_error=target_std_error,
    )


NOISY_DEFAULTS = {
    "honest_replications": None,
    "honest_std_error": None,
    "max_honest_replications": 1000,
    "selection": "kn",
    "indifference_zone": None,
    "selection_confidence": 0.95,
}


def check_noisy(func, given):
    """The noisy settings of minimize / maximize, checked; None when off."""
    from cemethod._validation import check_real, parameter_error
    from cemethod.optimize._options import check_bool, check_int

    s = dict(NOISY_DEFAULTS, **given)
    noisy = check_bool(s.pop("noisy"), param="noisy", func=func)
    if not noisy:
        for name, default in NOISY_DEFAULTS.items():
            if s[name] != default:
                raise parameter_error(
                    func,
                    name,
                    f"left at its default ({default!r}) unless noisy=True",
                    s[name],
                )
        return None
    s["max_honest_replications"] = check_int(
        s["max_honest_replications"], param="max_honest_replications", func=func, low=2
    )
    s["honest_replications"] = check_int(
        s["honest_replications"],
        param="honest_replications",
        func=func,
        low=2,
        high=s["max_honest_replications"],
        allow_none=True,
    )
    if s["honest_std_error"] is not None:
        if s["honest_replications"] is not None:
            raise parameter_error(
                func,
                "honest_std_error",
                "None when honest_replications is given (one or the other)",
                s["honest_std_error"],
            )
        s["honest_std_error"] = check_real(
            s["honest_std_error"],
            param="honest_std_error",
            func=func,
            low=0,
            low_inclusive=False,
        )
    elif s["honest_replications"] is None:
        s["honest_replications"] = min(30, s["max_honest_replications"])
    if s["selection"] is not None and s["selection"] != "kn":
        raise parameter_error(func, "selection", "'kn' or None", s["selection"])
    if s["indifference_zone"] is not None:
        s["indifference_zone"] = check_real(
            s["indifference_zone"],
            param="indifference_zone",
            func=func,
            low=0,
            low_inclusive=False,
        )
    s["selection_confidence"] = check_real(
        s["selection_confidence"],
        param="selection_confidence",
        func=func,
        low=0.5,
        high=1,
        high_inclusive=False,
    )
    s["noise_window"] = NOISE_WINDOW
    return s


def _candidates(opt, last, limit):
    """The run's best point, then the best distinct feasible points of the last
    batch by their in-run values (minimization scale), at most ``limit``."""
    x0 = np.asarray(opt._best_x)
    points, scores = [x0], [opt._best_score]
    if last is not None:
        X, values, violation = last
        s = opt._sign * np.asarray(values, dtype=np.float64)
        ok = np.isfinite(s) if violation is None else np.isfinite(s) & (violation == 0)
        for i in np.flatnonzero(ok)[np.argsort(s[ok], kind="stable")]:
            if len(points) >= limit:
                break
            if not any(np.array_equal(X[i], p) for p in points):
                points.append(np.asarray(X[i]))
                scores.append(float(s[i]))
    return np.array(points), np.array(scores)


def finish_noisy(opt, evaluate, last, noise_seed, settings):
    """Select among the last elite (KN), then estimate the winner's value on
    fresh replications; the run's result with ``x``, ``fun``, ``selection``
    and ``honest`` set. The run's own counters (``nfev``) are unchanged."""
    import dataclasses

    res = opt.result()
    if opt._best_x is None or opt._best_violation > 0:
        return res  # nothing feasible to estimate
    kn_rng, honest_rng = spawn_streams(opt._rng, 2)
    sign = opt._sign

    def run(X, rng):
        if noise_seed:  # one seed per call: common random numbers across rows
            seed = int(rng.integers(0, 2**63 - 1))
            return evaluate(X, seed=seed)[0]
        return evaluate(X)[0]

    x, fun, selection = res.x, res.fun, None
    if settings["selection"] == "kn":
        C, scores = _candidates(opt, last, min(20, max(2, opt._n_elite)))
        chosen, selection = kn_select(
            lambda idx: sign * run(C[idx], kn_rng),
            len(C),
            indifference_zone=settings["indifference_zone"],
            confidence=settings["selection_confidence"],
        )
        x, fun = C[chosen].copy(), sign * float(scores[chosen])

    def draw(m):
        if noise_seed:  # independent replications: one seed each
            return np.array([run(x[None], honest_rng)[0] for _ in range(m)])
        return run(np.repeat(x[None], m, axis=0), honest_rng)

    honest = honest_value(
        draw,
        n_replications=settings["honest_replications"],
        target_std_error=settings["honest_std_error"],
        max_n=settings["max_honest_replications"],
    )
    return dataclasses.replace(res, x=x, fun=fun, selection=selection, honest=honest)
