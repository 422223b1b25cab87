"""Stop rules of the cross-entropy optimizer and the status they map to."""

from __future__ import annotations

import math

__all__ = [
    "STATUS",
    "fired_rules",
    "noise_stalled",
    "stall_fired",
    "stall_levels",
    "status_of",
]

# status code, success, message template; the first rule in this order that
# fired decides the status of the result.
STATUS = {
    "target": (1, True, "The target value was reached."),
    "stalled": (
        0,
        True,
        "The worst value kept in the elite (the level gamma_t) stayed the same "
        "for {patience} iterations.",
    ),
    "noise_stalled": (
        0,
        True,
        "The worst value kept in the elite (the level gamma_t) stopped "
        "improving beyond its noise: the mean of the last {window} levels is "
        "not below the mean of the {window} before "
        "(one-sided t-test at the 5% level, t = {t:.3g}).",
    ),
    "degenerate": (0, True, "The sampling distribution degenerated to one point."),
    "no_improvement": (
        0,
        True,
        "No sample improved on the best point for so long that the adaptive "
        "variance multiplier fell below 1e-10 (AMaLGaM's convergence rule).",
    ),
    "hard": (
        7,
        False,
        "Neither the worst elite value (gamma_t) nor the best value improved with "
        "the largest sample size (max_n_samples): the fully adaptive CE method "
        "gives up on this problem as too hard.",
    ),
    "callback": (5, False, "The callback asked to stop."),
    "time_limit": (4, False, "The time limit was reached."),
    "max_evaluations": (3, False, "The maximum number of evaluations was reached."),
    "maxiter": (2, False, "The maximum number of iterations was reached."),
}
FACE_STALLED = (
    "The best value stayed the same for {patience} accepted iterations (fully "
    "adaptive CE)."
)
RUNNING = (-1, False, "The optimization is running: no stop rule has fired.")
INFEASIBLE = (
    6,
    False,
    "No feasible point was found; x is the point of smallest constraint "
    "violation ({violation:.6g}).",
)


def gamma_stalled(gammas, patience, tol, start=0) -> bool:
    """de Boer et al. (2005), Section 2: stop when gamma_t = ... = gamma_{t-d}.

    ``gammas`` are on the minimization scale; equality is up to
    ``tol * max(1, |gamma_t|)``, and infinite levels (failed or infeasible
    elite) never count as stalled. Levels before index ``start`` are ignored.
    """
    if patience is None or len(gammas) - start < patience + 1:
        return False
    last = gammas[-(patience + 1) :]
    if not all(math.isfinite(g) for g in last):
        return False
    return max(last) - min(last) <= tol * max(1.0, abs(last[-1]))


def noise_stalled(gammas, window, start=0):
    """The noise-aware stop rule: ``(fired, t)``.

    The levels of a noisy objective never repeat exactly (with common random
    numbers every iteration's level carries that iteration's shared draw), so
    the equality test of :func:`gamma_stalled` waits for the cap. This rule
    compares the mean of the last ``window`` levels (the smoothed level) with
    the mean of the ``window`` before, one-sided at the 5% level, and fires
    when the improvement is not significant: what the run could still gain is
    below what its noise lets it see. The noise variance of one level is the
    mean square successive difference of the last ``window`` levels over 2
    (von Neumann et al. 1941), which a trend barely inflates, so a steep but
    steady descent does not look like noise.
    """
    levels = gammas[start:]
    if window is None or len(levels) < 2 * window:
        return False, math.nan
    a, b = levels[-2 * window : -window], levels[-window:]
    if not all(math.isfinite(g) for g in a + b):
        return False, math.nan
    gain = (sum(a) - sum(b)) / window  # minimization scale: > 0 = went down
    mssd = sum((b[i + 1] - b[i]) ** 2 for i in range(window - 1)) / (window - 1)
    se = math.sqrt(mssd / window)  # sd of a difference of two window means
    if se == 0.0:
        return gain <= 0.0, math.inf if gain > 0 else -math.inf
    from scipy import stats  # lazily: importing the optimizer stays fast

    t = gain / se
    return bool(t <= stats.t.ppf(0.95, window - 1)), t


def stall_levels(opt) -> list:
    """The values the stall rule watches: the levels gamma_t, or with FACE the
    best value after each accepted iteration."""
    return opt._face_best if opt._settings["sample_growth"] > 1.0 else opt._gammas


def stall_fired(opt) -> bool:
    """The stall rule: gamma_t unchanged for ``patience`` iterations (FACE: the
    best value over the last ``patience`` accepted iterations), counted from the
    last variance injection if there was one."""
    s = opt._settings
    return gamma_stalled(stall_levels(opt), s["patience"], s["tol"], opt._stall_from)


def fired_rules(opt) -> dict[str, str]:
    """The stop rules that fired for the optimizer state ``opt``, name -> message."""
    s = opt._settings
    fired = {}
    if (
        s["target"] is not None
        and opt._best_violation == 0.0
        and opt._best_score <= opt._sign * s["target"]
    ):
        fired["target"] = STATUS["target"][2]
    if opt._face_hard:  # FACE (Rubinstein & Kroese 2004): no gain at N_max
        fired["hard"] = STATUS["hard"][2]
    if stall_fired(opt):
        fired["stalled"] = (
            FACE_STALLED if s["sample_growth"] > 1.0 else STATUS["stalled"][2]
        ).format(patience=s["patience"])
    window = s.get("noise_window")  # absent from older checkpoints
    if window is not None:
        fired_noise, t = noise_stalled(opt._gammas, window, opt._stall_from)
        if fired_noise:
            fired["noise_stalled"] = STATUS["noise_stalled"][2].format(
                window=window, t=t
            )
    if opt._adaptive is not None and opt._adaptive.converged:
        fired["no_improvement"] = STATUS["no_improvement"][2]
    if opt._nit > 0 and opt._degenerate():
        fired["degenerate"] = STATUS["degenerate"][2]
    if opt._callback_stop:
        fired["callback"] = STATUS["callback"][2]
    if s["time_limit"] is not None and opt._elapsed >= s["time_limit"]:
        fired["time_limit"] = STATUS["time_limit"][2]
    if s["max_evaluations"] is not None and opt._nfev >= s["max_evaluations"]:
        fired["max_evaluations"] = STATUS["max_evaluations"][2]
    if s["maxiter"] is not None and opt._nit >= s["maxiter"]:
        fired["maxiter"] = STATUS["maxiter"][2]
    return fired


def status_of(fired: dict[str, str], feasible: bool, violation: float):
    """``(status, success, message)`` for the rules that fired."""
    if not fired:
        return RUNNING
    if not feasible:
        code, success, template = INFEASIBLE
        return code, success, template.format(violation=violation)
    name = next(name for name in STATUS if name in fired)
    code, success, _ = STATUS[name]
    return code, success, fired[name]
