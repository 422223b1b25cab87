"""Result objects of the cross-entropy optimizer: CEResult and its history.

Field names follow :class:`scipy.optimize.OptimizeResult` (``x``, ``fun``,
``success``, ``status``, ``message``, ``nit``, ``nfev``) so that code written for
scipy reads a :class:`CEResult` unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

__all__ = ["CEResult", "History", "HonestValue", "IterationRecord", "Selection"]


@dataclass(frozen=True)
class IterationRecord:
    """What happened in one iteration of the cross-entropy method.

    Attributes
    ----------
    iteration : int
        Iteration number ``t``, starting at 1.
    gamma : float
        The level ``gamma_t``: the objective value of the worst elite sample of
        this iteration, i.e. the sample quantile of de Boer et al. (2005),
        Algorithm 2.1, step 2 (in the caller's direction; ``inf`` (minimize) or
        ``-inf`` (maximize) when that sample failed or is infeasible).
    best : float
        Best feasible objective value found so far (``nan`` if none yet).
    nfev : int
        Cumulative number of objective evaluations.
    n_failures : int
        Evaluations of this iteration that raised or returned NaN or inf.
    elapsed : float
        Cumulative wall-clock seconds spent in iterations (survives a resume).
    dispersion : float
        ``family.dispersion()`` of the updated sampling distribution.
    n_samples : int
        Sample size ``N`` used in this iteration.

    Examples
    --------
    >>> rec = IterationRecord(1, 2.5, 1.0, 100, 0, 0.01, 0.3, 100)
    >>> rec.gamma, rec.nfev
    (2.5, 100)
    """

    iteration: int
    gamma: float
    best: float
    nfev: int
    n_failures: int
    elapsed: float
    dispersion: float
    n_samples: int


_COLUMNS = tuple(f.name for f in fields(IterationRecord))


@dataclass(frozen=True)
class History:
    """Read-only, column-oriented view of the iteration records.

    Indexing and iteration give :class:`IterationRecord` objects; the attributes
    ``iteration``, ``gamma``, ``best``, ``nfev``, ``n_failures``, ``elapsed``,
    ``dispersion`` and ``n_samples`` give read-only numpy arrays, one entry per
    iteration.

    Examples
    --------
    >>> rec = IterationRecord(1, 2.5, 1.0, 100, 0, 0.01, 0.3, 100)
    >>> h = History((rec,))
    >>> len(h), h.gamma, h[0].nfev
    (1, array([2.5]), 100)
    >>> sorted(h.to_dict())[:3]
    ['best', 'dispersion', 'elapsed']
    """

    records: tuple[IterationRecord, ...] = ()

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        return self.records[index]

    def __iter__(self):
        return iter(self.records)

    def _column(self, name: str) -> np.ndarray:
        dtype = (
            np.float64 if name in {"gamma", "best", "elapsed", "dispersion"} else int
        )
        values = np.array([getattr(r, name) for r in self.records], dtype=dtype)
        values.setflags(write=False)
        return values

    def __getattr__(self, name: str):
        if name in _COLUMNS:
            return self._column(name)
        raise AttributeError(f"'History' object has no attribute {name!r}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(_COLUMNS))

    def to_dict(self) -> dict[str, list]:
        """The columns as a dict of plain lists (e.g. for ``pandas.DataFrame``)."""
        return {name: [getattr(r, name) for r in self.records] for name in _COLUMNS}

    def __repr__(self) -> str:
        if not self.records:
            return "History(0 iterations)"
        last = self.records[-1]
        return (
            f"History({len(self)} iterations; last: gamma={last.gamma:.6g}, "
            f"best={last.best:.6g}, nfev={last.nfev})"
        )


@dataclass(frozen=True)
class HonestValue:
    """Unbiased estimate of the returned point's value (noisy objectives).

    The in-run value ``CEResult.fun`` is the best of many noisy estimates and
    so biased towards optimism; this one is the mean of ``n_replications``
    fresh evaluations of ``CEResult.x`` drawn from a seed stream independent
    of every draw of the run and of the final selection.

    Attributes
    ----------
    value : float
        Mean of the fresh replications.
    std_error : float
        ``std(ddof=1) / sqrt(n_replications)``.
    interval : tuple of float
        ``confidence`` Student-t interval ``value -+ t * std_error``.
    confidence : float
        Confidence level of ``interval`` (0.95).
    n_replications : int
        Fresh evaluations used.
    target_std_error : float or None
        The requested standard error when the number was chosen by it; the
        count then stops at ``max_honest_replications`` even if it is not met.

    Examples
    --------
    >>> h = HonestValue(1.0, 0.1, (0.8, 1.2), 0.95, 30, None)
    >>> h.value, h.interval
    (1.0, (0.8, 1.2))
    """

    value: float
    std_error: float
    interval: tuple
    confidence: float
    n_replications: int
    target_std_error: float | None = None


@dataclass(frozen=True)
class Selection:
    """Final ranking-and-selection among the last elite (noisy objectives).

    The fully sequential procedure KN of Kim & Nelson (2001), "A fully
    sequential procedure for indifference-zone selection in simulation",
    ACM TOMACS 11:251-273: ``x`` is the best candidate with probability at
    least ``confidence`` whenever the best is better than all others by at
    least ``indifference_zone`` (normal noise).

    Attributes
    ----------
    method : str
        ``"KN"``.
    n_candidates : int
        Candidates compared (the best points of the final pool).
    indifference_zone : float
        ``delta`` of the procedure (objective units).
    zone_chosen : str
        ``"user"`` or ``"data"`` (half the pooled one-replication standard
        deviation of the first stage: the guarantee then holds only
        approximately, the zone being data dependent).
    confidence : float
        ``1 - alpha``.
    n_evaluations : int
        Evaluations the selection spent.
    stages : int
        Replications ``r`` reached (first stage included).
    chosen : int
        Index of the chosen candidate (0 = the run's own best point).
    eliminated : bool
        True when all other candidates were eliminated; False when the
        procedure reached its last stage and took the best sample mean.

    Examples
    --------
    >>> s = Selection("KN", 5, 0.5, "user", 0.95, 120, 20, 0, True)
    >>> s.method, s.confidence
    ('KN', 0.95)
    """

    method: str
    n_candidates: int
    indifference_zone: float
    zone_chosen: str
    confidence: float
    n_evaluations: int
    stages: int
    chosen: int
    eliminated: bool


@dataclass(frozen=True, eq=False)
class CEResult:
    """Outcome of :func:`cemethod.minimize` / :func:`cemethod.maximize`.

    Attributes
    ----------
    x : ndarray
        Best feasible point found (if no feasible point was found: the point of
        smallest constraint violation, and ``success`` is False).
    fun : float
        Objective value at ``x`` (the maximum for :func:`cemethod.maximize`).
    success : bool
        True when the run converged (level ``gamma_t`` stalled or the sampling
        distribution degenerated) or reached ``target``.
    status : int
        0 converged, 1 target reached, 2 ``maxiter``, 3 ``max_evaluations``,
        4 ``time_limit``, 5 stopped by the callback, 6 no feasible point,
        7 no improvement with the largest sample of the fully adaptive CE
        (``sample_growth > 1``: the problem is declared hard), -1 still
        running (a result taken in the middle of a run).
    message : str
        Human-readable description of ``status``.
    nit : int
        Number of iterations.
    nfev : int
        Number of objective evaluations.
    family : SamplingFamily
        Final sampling distribution.
    x_mode : ndarray
        Mode of the final sampling distribution (often the answer of the CE
        method in the literature, de Boer et al. 2005, Section 2).
    history : History
        One :class:`IterationRecord` per iteration.
    n_failures : int
        Evaluations that raised or returned NaN/inf (with ``on_error="worst"``).
    stop_reasons : dict
        Every stop rule that fired, name -> message.
    elapsed : float
        Wall-clock seconds spent in iterations (cumulative across resumes).
    direction : str
        ``"minimize"`` or ``"maximize"``.
    constraint_violation : float or None
        Constraint violation at ``x`` (0 when feasible); None without constraints.
    injections : tuple of int
        Iterations after which variance injection widened the family (option
        ``injection``); empty without it.
    restarts : tuple of int
        Iterations after which the run restarted from its initial family with
        a larger sample (option ``restarts``, IPOP); empty without restarts.
    honest : HonestValue or None
        With ``noisy=True``: the unbiased value of ``x`` from fresh
        replications, with its standard error and 95% interval (``fun`` is
        then the optimistic in-run value). None otherwise.
    selection : Selection or None
        With ``noisy=True``: how ``x`` was chosen among the last elite
        (ranking and selection, its indifference zone and confidence).

    Examples
    --------
    >>> import numpy as np
    >>> res = CEResult(
    ...     x=np.array([1.0]),
    ...     fun=0.5,
    ...     success=True,
    ...     status=0,
    ...     message="done",
    ...     nit=3,
    ...     nfev=300,
    ...     family=None,
    ...     x_mode=np.array([1.0]),
    ... )
    >>> res["fun"], res.nfev, res.keys()[:3]
    (0.5, 300, ['x', 'fun', 'success'])
    >>> print(repr(res).splitlines()[1])
                     fun: 0.5
    """

    x: np.ndarray
    fun: float
    success: bool
    status: int
    message: str
    nit: int
    nfev: int
    family: object
    x_mode: np.ndarray
    history: History = field(default_factory=History)
    n_failures: int = 0
    stop_reasons: dict = field(default_factory=dict)
    elapsed: float = 0.0
    direction: str = "minimize"
    constraint_violation: float | None = None
    injections: tuple = ()
    restarts: tuple = ()
    honest: HonestValue | None = None
    selection: Selection | None = None

    def __repr__(self) -> str:
        # Aligned "name: value" lines, like scipy's OptimizeResult.
        names = [f.name for f in fields(self)]
        width = max(map(len, names))
        lines = []
        for name in names:
            text = repr(getattr(self, name))
            text = text.replace("\n", "\n" + " " * (width + 2))
            lines.append(f"{name.rjust(width)}: {text}")
        return "\n".join(lines)

    def keys(self) -> list[str]:
        """Field names, as for a scipy ``OptimizeResult``."""
        return [f.name for f in fields(self)]

    def __getitem__(self, key: str):
        # Dict-style access like scipy's OptimizeResult (res["x"]).
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)
