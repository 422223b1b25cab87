"""CrossEntropyOptimizer: the ask / tell core of the cross-entropy method.

One iteration is Algorithm 2.1 of de Boer, Kroese, Mannor & Rubinstein (2005),
"A tutorial on the cross-entropy method", Ann. Oper. Res. 134:19-67:

1. draw ``N`` samples from the current family (``ask``);
2. compute the level gamma_t, the sample (1 - rho) quantile of the performances
   (the rho quantile on the minimization scale used here);
3. refit the family to the elite samples (equal weights: the CE update of
   eq. (8)-(10) is the maximum-likelihood estimate from the elite);
4. smooth the parameters, eq. (12): ``v_t = alpha * w_t + (1 - alpha) * v_{t-1}``.
"""

from __future__ import annotations

import math
import time
from dataclasses import astuple

import numpy as np

from cemethod.optimize._face import FaceSteps
from cemethod.optimize._injection import maybe_inject
from cemethod.optimize._options import validate_options
from cemethod.optimize._ranking import join_violations, rank
from cemethod.optimize._restart import maybe_restart, new_adaptive_update
from cemethod.optimize._result import CEResult, History, IterationRecord
from cemethod.optimize._stopping import fired_rules, status_of
from cemethod.optimize._tell_checks import TellChecks

__all__ = ["CrossEntropyOptimizer"]


class CrossEntropyOptimizer(FaceSteps, TellChecks):
    """Adaptive cross-entropy optimizer with an ask / tell interface.

    The object holds the whole state of a run, its random generator included,
    and is picklable: a checkpoint is ``pickle.dumps(opt)`` and the unpickled
    optimizer continues bit for bit (the callback is not pickled; set
    ``opt.callback`` again after loading).

    Parameters
    ----------
    family : SamplingFamily
        Initial sampling distribution ``f(.; v_0)``.
    update : {"auto", "ce", "amalgam"}, default="auto"
        How the family is refitted. "ce": the plain CE update of steps 3-4.
        "amalgam": AMaLGaM's adaptive Gaussian update (variance scaling with
        the SDR trigger, anticipated mean shift, incremental covariance; see
        ``cemethod.optimize._amalgam``), for Gaussian, MultivariateGaussian and
        TruncatedGaussian families. "auto": "amalgam" for those, unless
        ``std_smoothing``, ``sample_growth`` or ``injection`` (options of the
        plain update) is given; "ce" otherwise.
    restarts : "auto" or int >= 0, default="auto"
        Restarts from the initial family with ``population_growth`` times the
        sample when the run converged (stalled, degenerate, no improvement) and
        a budget rule has not fired (IPOP, Auger & Hansen 2005). "auto": until
        ``max_evaluations`` is spent with the adaptive update and a budget,
        else none. ``result.restarts`` lists the iterations.
    population_growth : float >= 1, default=2.0
    n_samples : int, optional
        Sample size ``N`` per iteration; default ``max(100, 10 * d)`` with ``d``
        the number of entries of a sample, ``max(10, 10 sqrt(d))`` with the
        adaptive update (Bosman, Grahl & Thierens 2013, Table 1).
    elite_fraction : float, optional
        Rarity parameter ``rho`` in (0, 1]: the elite is the ``ceil(rho * N)``
        best samples; default 0.1, 0.5 with the adaptive update (weighted by
        rank, see ``cemethod.optimize._amalgam``).
    n_elite : int, optional
        Elite size ``N^e``; overrides ``elite_fraction``.
    smoothing : float, optional
        Smoothing parameter ``alpha`` of de Boer et al. (2005), eq. (12), default
        0.7; 1.0 means no smoothing. With the adaptive update the covariance
        learning rate (default: iAMaLGaM's for a full covariance, 1 otherwise).
    std_smoothing : float, optional
        ``beta`` of the dynamic smoothing of Kroese, Porotsky & Rubinstein (2006),
        "The cross-entropy method for continuous multi-extremal optimization",
        Methodol. Comput. Appl. Probab. 8:383-407: the standard deviations are
        smoothed with ``beta_t = beta - beta * (1 - 1/t)**q``, which slows their
        collapse. Only for families whose ``smooth`` accepts ``std_alpha=``
        (checked on the signature; otherwise a ValueError).
    std_smoothing_power : float, default=7.0
        ``q`` of the dynamic smoothing (the paper suggests 5 to 10).
    elitism : bool or int, default=True
        Number of best samples so far carried into the next elite (True = 1).
    patience : int or None, default=5
        Stop when gamma_t did not change (within ``tol``) for ``patience``
        iterations, de Boer et al. (2005), Section 2 (their ``d``).
    tol : float, default=1e-8
        Relative tolerance for "gamma did not change".
    degenerate_tol : float, default=1e-8
        ``atol`` passed to ``family.is_degenerate``; a degenerate family stops.
    maxiter : int or None, optional
        Maximum number of iterations: 1000; with the adaptive update 10,000, or
        None (the budget decides) when ``max_evaluations`` is given.
    max_evaluations : int, optional
        Stop once this many evaluations were told (checked between iterations).
    target : float, optional
        Stop once a feasible value at least this good was found.
    time_limit : float, optional
        Stop after this many seconds spent in iterations (from ``ask`` to the end
        of ``tell``, cumulated across resumes; checked between iterations).
    callback : callable, optional
        ``callback(result)`` after every ``tell`` with the current
        :class:`CEResult`; returning True stops the run.
    direction : {"minimize", "maximize"}, default="minimize"
    on_error : {"raise", "worst"}, default="raise"
        What ``tell`` does with NaN or infinite values: raise, or give them the
        worst rank and count them in ``n_failures``.
    rng : None, int or numpy.random.Generator
        Source of all randomness.
    sample_growth : float, default=1.0
        Values above 1 switch on the adaptive sample size of the fully
        adaptive CE (FACE) of Rubinstein & Kroese (2004), "The Cross-Entropy
        Method", Springer, Chapter 5, with
        ``N_min = n_samples``, ``N_max = max_n_samples``, the elite size
        ``N^e = n_elite`` fixed and ``c = patience``. An iteration improves
        when the level gamma_t or the best value so far gets better (by more
        than ``tol``, relative); without one the family is kept and the next
        :meth:`ask` grows the sample by this factor; if even ``N_max`` samples
        bring none, the run stops with status 7 (rule ``"hard"``). See
        ``cemethod.optimize._face``. 1.0 (the default) keeps ``N`` fixed.
    max_n_samples : int, optional
        ``N_max`` of FACE (default ``10 * n_samples``).
    injection : float in (0, 1], optional
        Variance injection (Botev & Kroese 2004; see ``cemethod.optimize._injection``):
        when the stall rule fires or the family degenerates, the family instead
        gets this share of its initial spread back (Gaussian families: the
        standard deviations / covariance, mean kept; discrete families: the
        probabilities pulled towards the initial ones) and the run goes on
        from the best region found, up to ``max_injections`` times; the stall
        rule restarts its count after each one. Helps multimodal problems
        (Rastrigin-10 with its default options and 60,000 evaluations: the
        global minimum in 10 of 10 seeds with 0.5, against 5 of 10 without) at
        the price of more evaluations. None (default): off.
    max_injections : int, default=10
        Most injections per run; after the last one the usual stop rules apply.
    noise_window : int >= 2, optional
        Noisy objectives: stop (rule ``"noise_stalled"``) when the mean of the
        last ``noise_window`` levels gamma_t is not significantly below the
        mean of the ``noise_window`` before (one-sided Welch t-test, 5%).
        Works with and without common random numbers. None (default): off.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.families import Gaussian
    >>> opt = CrossEntropyOptimizer(Gaussian([3.0, -2.0], [2.0, 2.0]), rng=0)
    >>> while not opt.stop():
    ...     X = opt.ask()
    ...     opt.tell(X, np.sum((X - 1.0) ** 2, axis=1))
    >>> res = opt.result()
    >>> res.success, bool(np.allclose(res.x, 1.0, atol=1e-3))
    (True, True)
    >>> list(opt.stop())
    ['stalled']
    """

    def __init__(self, family, **options):
        self._configure("CrossEntropyOptimizer", family, options)

    def _configure(self, func, family, options):
        s = validate_options(func, family, **options)
        self.callback = s.pop("callback")
        self._rng = s.pop("rng")
        self._settings = s
        self._sign = 1.0 if s["direction"] == "minimize" else -1.0
        self.family = family
        self._n_samples = s["n_samples"]
        self._n_elite = s["n_elite"]
        self._nit = 0
        self._nfev = 0
        self._n_failures = 0
        self._elapsed = 0.0
        self._t_ask = None
        self._gammas = []  # levels on the minimization scale
        self._rows = []  # one tuple of IterationRecord fields per iteration
        self._records = []  # IterationRecord objects, built on demand from _rows
        self._has_constraints = False
        self._best_x = None
        self._best_score = math.inf  # minimization scale
        self._best_violation = math.inf
        self._keep = None  # (X, scores, violations) carried by elitism
        self._callback_stop = False
        self._pending = None  # FACE: (X, scores, violation) of a growing sample
        self._face_gamma = math.inf  # FACE: level of the last accepted iteration
        self._face_best = []  # FACE: best score after each accepted iteration
        self._face_hard = False  # FACE: no improvement at max_n_samples
        self._initial_family = family  # variance injection widens towards it
        self._injections = []  # iterations after which the family was widened
        self._stall_from = 0  # the stall rule looks at levels from here on
        self._adaptive = new_adaptive_update(family, s)  # None: plain CE update
        self._restarts = []  # iterations after which the run restarted (IPOP)

    @classmethod
    def _create(cls, func, family, options):
        self = cls.__new__(cls)
        self._configure(func, family, options)
        return self

    # -- pickling: everything but the callback and the perf_counter stamp ----
    def __getstate__(self):
        state = self.__dict__.copy()
        state["callback"] = None
        state["_t_ask"] = None
        state.pop("_degenerate_memo", None)
        return state

    def __setstate__(self, state):
        if "_rows" not in state:  # a checkpoint written before _rows existed
            state["_rows"] = [astuple(r) for r in state["_records"]]
        for name, default in [
            ("_pending", None),
            ("_face_gamma", math.inf),
            ("_face_best", []),
            ("_face_hard", False),
            ("_initial_family", state["family"]),
            ("_injections", []),
            ("_stall_from", 0),
            ("_adaptive", None),
            ("_restarts", []),
        ]:
            state.setdefault(name, default)
        for name, default in [("update", "ce"), ("restarts", 0)]:
            state["_settings"].setdefault(name, default)
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return (
            f"CrossEntropyOptimizer(family={self.family!r}, "
            f"direction={self.direction!r}, nit={self._nit}, nfev={self._nfev}, "
            f"n_samples={self._n_samples}, n_elite={self._n_elite})"
        )

    @property
    def direction(self) -> str:
        """``"minimize"`` or ``"maximize"``."""
        return self._settings["direction"]

    @property
    def n_samples(self) -> int:
        """Sample size ``N`` of the next ``ask``."""
        return self._n_samples

    @property
    def nit(self) -> int:
        """Number of completed iterations."""
        return self._nit

    @property
    def kept_points(self):
        """The best points carried into the next elite (elitism), or None."""
        return None if self._keep is None else self._keep[0].copy()

    def ask(self) -> np.ndarray:
        """Draw the next batch, shape ``(n_samples, ...)``, from the current family."""
        self._t_ask = time.perf_counter()
        X = self.family.sample(self._n_samples, self._rng)
        if self._adaptive is not None:
            X = self._adaptive.shift(X, self.family)
        return X

    def tell(self, X, values, *, violation=None, n_evaluations=None, kept_values=None):
        """Update the family from a batch and its objective values.

        Parameters
        ----------
        X : array, shape (n, ...)
            The batch (normally from :meth:`ask`).
        values : array, shape (n,)
            Objective values in the optimizer's direction.
        violation : array, shape (n,), optional
            Constraint violation, ``>= 0`` with 0 = feasible. Ranking is
            feasibility first: feasible samples by value, then infeasible ones
            by violation (then value).
        n_evaluations : int, optional
            Objective evaluations this batch cost (default ``n``, plus the
            kept points if re-evaluated; more with replications).
        kept_values : array, shape (len(kept_points),), optional
            Fresh values of :attr:`kept_points` (noisy objectives): they replace
            the stale values in the elite selection, and the best point becomes
            the best of this iteration's pool by its fresh value instead of the
            best value ever observed (which a lucky noise draw would bias).
        """
        t_start = time.perf_counter() if self._t_ask is None else self._t_ask
        X, scores, v, n_bad = self._check_tell(X, values, violation)
        keep, n_bad_kept = self._check_kept(kept_values)
        n = X.shape[0]
        n_bad += n_bad_kept
        self._nit += 1
        if n_evaluations is None:
            n_evaluations = n + (0 if kept_values is None else len(keep[0]))
        self._nfev += int(n_evaluations)
        self._n_failures += n_bad
        if self._pending is not None:
            # FACE: this iteration's sample grows; the earlier draws come first.
            X0, s0, v0 = self._pending
            v = join_violations(v0, len(s0), v, n)
            X, scores = np.concatenate([X0, X]), np.concatenate([s0, scores])
            n = X.shape[0]

        # Step 2: the level gamma_t from the current (with FACE possibly grown)
        # sample only, not the kept points; lexsort's last key is the primary
        # one (feasibility first, then violation, then value).
        order = rank(scores, v)
        m = min(self._n_elite, n)
        k = order[m - 1]
        gamma = float(scores[k]) if v is None or v[k] == 0 else math.inf
        self._gammas.append(gamma)

        # Step 3: the elite, with the best points so far carried in (elitism).
        # Only the m best of the sample can enter the elite of the pool (sample
        # + kept points), so the candidates are those m, in rank order, then
        # the kept points: their stable rank is the pool's stable rank, the
        # pool index breaking ties in both (sample rows before kept points).
        if keep is not None:
            top = order[:m]
            X_c = np.concatenate([X[top], keep[0]])
            s_c = np.concatenate([scores[top], keep[1]])
            v_c = join_violations(
                None if v is None else v[top], m, keep[2], len(keep[1])
            )
            c_order = rank(s_c, v_c)
        else:
            X_c, s_c, v_c, c_order = X, scores, v, order

        # Best so far, in the same feasibility-first order; with fresh values
        # of the kept points, simply the best of the current pool.
        if kept_values is not None:
            j = c_order[0]
            x_b, s_b = X_c[j], float(s_c[j])
            v_b = 0.0 if v_c is None else float(v_c[j])
            better = True
        else:
            j = order[0]
            x_b, s_b = X[j], float(scores[j])
            v_b = 0.0 if v is None else float(v[j])
            best_key = (self._best_violation > 0, self._best_violation)
            better = (v_b > 0, v_b, s_b) < (*best_key, self._best_score)
        face = self._settings["sample_growth"] > 1.0
        improved = not face or self._face_improved(gamma, s_b, v_b)
        if better:
            self._best_x = np.array(x_b, copy=True)
            self._best_score = s_b
            self._best_violation = v_b
        if not improved:
            # FACE: no update; draw more samples from the same family.
            self._face_grow(X, scores, v)
            self._finish_tell(t_start, gamma, n_bad, n)
            return
        if face:
            self._face_accept(gamma)

        elite = c_order[: self._n_elite]
        n_keep = self._settings["n_keep"]
        if n_keep:
            kept = c_order[:n_keep]  # fancy indexing copies
            self._keep = (X_c[kept], s_c[kept], None if v_c is None else v_c[kept])
        if self._adaptive is not None:
            # AMaLGaM's update (cemethod.optimize._amalgam) replaces steps 3-4;
            # improvements in the ranking's order (violation, then value).
            self.family = self._adaptive.update(
                self.family, X, scores, X_c[elite], X_c[c_order[0]], v
            )
        else:
            self.family = self._ce_update(X_c[elite])
        if self._settings["injection"] is not None:
            maybe_inject(self)
        elif self._settings["restarts"] != 0:
            maybe_restart(self)

        self._finish_tell(t_start, gamma, n_bad, n)

    def _ce_update(self, elite):
        """Steps 3-4: the MLE from the elite (equal weights, eq. (8)-(10)),
        smoothed by eq. (12) of de Boer et al. (2005); the standard deviations
        optionally with beta_t of Kroese et al. (2006)."""
        fitted = self.family.fit(elite)
        alpha = self._settings["smoothing"]
        beta = self._settings["std_smoothing"]
        if beta is not None:
            q = self._settings["std_smoothing_power"]
            beta_t = beta - beta * (1.0 - 1.0 / self._nit) ** q
            return fitted.smooth(self.family, alpha, std_alpha=beta_t)
        if alpha < 1.0:
            return fitted.smooth(self.family, alpha)
        return fitted

    def _degenerate(self) -> bool:
        """``family.is_degenerate(degenerate_tol)``, asked once per family object
        (families are immutable): the injection hook and the driver's ``stop``
        of the same iteration share one answer."""
        memo = getattr(self, "_degenerate_memo", None)
        if memo is None or memo[0] is not self.family:
            tol = self._settings["degenerate_tol"]
            memo = (self.family, bool(self.family.is_degenerate(tol)))
            self._degenerate_memo = memo
        return memo[1]

    def _finish_tell(self, t_start, gamma, n_bad, n):
        self._elapsed += time.perf_counter() - t_start
        self._t_ask = None
        best = self._sign * self._best_score if self._best_violation == 0 else math.nan
        # Plain tuples in the hot path; IterationRecord objects on demand.
        self._rows.append(
            (
                self._nit,
                self._sign * gamma,
                best,
                self._nfev,
                n_bad,
                self._elapsed,
                float(self.family.dispersion()),
                n,
            )
        )
        if self.callback is not None and self.callback(self.result()):
            self._callback_stop = True

    def _iteration_records(self) -> list[IterationRecord]:
        """The history as IterationRecord objects (built once per iteration)."""
        records = self._records
        for row in self._rows[len(records) :]:
            records.append(IterationRecord(*row))
        return records

    def stop(self) -> dict[str, str]:
        """The stop rules that fired, name -> message; empty while running.

        Names: ``"target"``, ``"stalled"`` (gamma_t unchanged for ``patience``
        iterations), ``"noise_stalled"``, ``"degenerate"``, ``"callback"``,
        ``"time_limit"``, ``"max_evaluations"``, ``"maxiter"``.
        """
        return fired_rules(self)

    def result(self) -> CEResult:
        """The current :class:`CEResult` (also usable in the middle of a run)."""
        fired = self.stop()
        feasible = self._best_violation == 0.0
        status, success, message = status_of(
            fired, feasible or self._best_x is None, self._best_violation
        )
        if self._best_x is None:
            x, fun = np.array(self.family.mode(), copy=True), math.nan
        else:
            x, fun = self._best_x.copy(), self._sign * self._best_score
        return CEResult(
            x=x,
            fun=fun,
            success=success,
            status=status,
            message=message,
            nit=self._nit,
            nfev=self._nfev,
            family=self.family,
            x_mode=np.asarray(self.family.mode()),
            history=History(tuple(self._iteration_records())),
            n_failures=self._n_failures,
            stop_reasons=fired,
            elapsed=self._elapsed,
            direction=self.direction,
            constraint_violation=(
                self._best_violation if self._has_constraints else None
            ),
            injections=tuple(self._injections),
            restarts=tuple(self._restarts),
        )
