"""minimize / maximize: short loops over CrossEntropyOptimizer.ask / tell."""

from __future__ import annotations

import math
import os
import time

import numpy as np

from cemethod._limits import check_memory
from cemethod._validation import format_value
from cemethod.optimize._checkpoint import load_checkpoint, write_checkpoint
from cemethod.optimize._constraints import as_constraints
from cemethod.optimize._evaluation import BatchEvaluator
from cemethod.optimize._noisy import check_noisy, finish_noisy
from cemethod.optimize._optimizer import CrossEntropyOptimizer
from cemethod.optimize._options import OPTION_NAMES, check_bool, check_int
from cemethod.optimize._polish import check_polish, polish_result
from cemethod.optimize._progress import Progress

__all__ = ["maximize", "minimize"]


def _run(
    func,
    direction,
    fun,
    family,
    *,
    vectorized,
    workers,
    on_error,
    callback,
    checkpoint,
    progress,
    rng,
    constraints,
    replications,
    noise_seed,
    reevaluate_elite,
    options,
    noisy_options=None,
):
    # "_refine": private hook (X, values) -> (X, values) applied to the sampled
    # batch between its evaluation and ``tell`` (the memetic TSP loop polishes
    # its best tours there); ``values`` are those of X's rows only.
    refine = options.pop("_refine", None)
    polish = options.pop("polish", "auto")
    eval_timeout = options.pop("eval_timeout", None)
    for name in options:
        if name not in OPTION_NAMES or name in ("direction", "callback", "rng"):
            raise TypeError(f"{func}() got an unexpected keyword argument {name!r}")
    replications = check_int(replications, param="replications", func=func, low=1)
    batch = options.get("n_samples") or 100  # checked again, with the rest, later
    if replications > 1 and isinstance(batch, int):
        check_memory(
            func,
            f"replications={replications} of {batch} samples",
            16.0 * replications * batch,
            "the seeds and values of every replication",
        )
    for name, flag in [
        ("vectorized", vectorized),
        ("progress", progress),
        ("noise_seed", noise_seed),
        ("reevaluate_elite", reevaluate_elite),
    ]:
        check_bool(flag, param=name, func=func)
    if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
        raise TypeError(
            f"The 'checkpoint' parameter of {func} must be None or a path. "
            f"Got {format_value(checkpoint)} instead."
        )
    if checkpoint is not None and not os.path.isdir(
        os.path.dirname(os.path.abspath(checkpoint))
    ):
        raise ValueError(
            f"The 'checkpoint' parameter of {func} must be a path in an existing "
            f"directory. Got {format_value(os.fspath(checkpoint))} instead."
        )
    constraints = as_constraints(constraints, family, func)
    noisy = check_noisy(func, noisy_options or {"noisy": False})
    if noisy is not None:
        options.setdefault("noise_window", noisy.pop("noise_window"))
    declared_noisy = (
        noisy is not None or replications > 1 or noise_seed or reevaluate_elite
    )
    polish = check_polish(
        polish, constraints=constraints, family=family, noisy=declared_noisy, func=func
    )
    options = dict(
        options, direction=direction, callback=callback, rng=rng, on_error=on_error
    )
    if checkpoint is not None and os.path.exists(checkpoint):
        opt = load_checkpoint(checkpoint, func, direction, family)
        opt.callback = callback
    else:
        opt = CrossEntropyOptimizer._create(func, family, options)
    worst = math.inf if direction == "minimize" else -math.inf
    bar = Progress(progress, opt._settings["maxiter"], opt.nit)
    last = None  # the last batch: its points, fresh values and violations
    try:
        with BatchEvaluator(
            fun,
            vectorized=vectorized,
            workers=workers,
            on_error=on_error,
            worst=worst,
            func=func,
            eval_timeout=eval_timeout,
        ) as evaluate:
            while not opt.stop():
                X = opt.ask()
                n = X.shape[0]
                kept = opt.kept_points if reevaluate_elite else None
                batch = X if kept is None else np.concatenate([X, kept])
                deadline = _deadline(opt)
                row_level = kept is None and replications == 1 and not noise_seed
                evaluate.deadline = deadline if row_level else None
                values, passes = _evaluate(
                    evaluate, batch, opt, replications, noise_seed,
                    None if row_level else deadline,
                )  # fmt: skip
                rows = evaluate.evaluated_rows
                if rows is not None:  # the time limit passed within the batch
                    n = rows.size
                    X = batch = X[rows]
                fresh = values[:n]
                if refine is not None:
                    X, fresh = refine(X, fresh)
                violation = None
                if constraints is not None:
                    violation = np.asarray(constraints(X), dtype=np.float64)
                last = (X, fresh, violation)
                opt.tell(
                    X,
                    fresh,
                    violation=violation,
                    n_evaluations=batch.shape[0] * passes,
                    kept_values=None if kept is None else values[n:],
                )
                if checkpoint is not None:
                    write_checkpoint(opt, checkpoint)
                if bar.enabled:
                    bar.update(opt._iteration_records()[-1])
            if noisy is not None:
                evaluate.deadline = None
                return finish_noisy(opt, evaluate, last, noise_seed, noisy)
    finally:
        bar.close()
    return polish_result(
        opt.result(),
        fun,
        method=polish,
        vectorized=vectorized,
        constraints=constraints,
        family=opt.family,
        settings=opt._settings,
    )


def _deadline(opt):
    """The time.perf_counter() at which the time limit passes (None without
    one). A batch evaluated one row at a time (in this process or by workers)
    leaves out the rows not started by then and the iteration ends with the
    rows evaluated so far: the limit is kept to within one evaluation (per
    worker), not one batch. With replications or re-evaluated elite points
    (common random numbers: every candidate needs every replication) the
    limit is checked between the replications instead: the batch keeps the
    mean of those done by then (at least one)."""
    limit = opt._settings["time_limit"]
    if limit is None:
        return None
    return opt._t_ask + limit - opt._elapsed


def _evaluate(evaluate, X, opt, replications, noise_seed, deadline=None):
    """Mean of ``replications`` evaluations per candidate, and how many
    replications that mean is of (fewer when ``deadline`` passed).

    With ``noise_seed`` every call gets ``seed=s_j``; the seeds are drawn from
    the optimizer's generator and shared by all candidates of the iteration:
    common random numbers (Rubinstein & Kroese 2004, "The Cross-Entropy
    Method", on noisy optimization; Law & Kelton, "Simulation Modeling and
    Analysis", Ch. 11, variance reduction), which make the comparison of
    candidates far less noisy than independent streams.
    """
    if not noise_seed:
        calls = [{}] * replications
    else:
        seeds = opt._rng.integers(0, 2**63 - 1, size=replications)
        calls = [{"seed": int(seed)} for seed in seeds]
    runs = []
    for kwargs in calls:
        runs.append(evaluate(X, **kwargs)[0])
        if deadline is not None and time.perf_counter() >= deadline:
            break
    if len(runs) == 1:
        return runs[0], 1
    # A failed replication (worst value) makes the mean the worst value too.
    return np.mean(runs, axis=0), len(runs)


_DOC_PARAMETERS = """
    Parameters
    ----------
    fun : callable
        ``fun(x) -> float`` for one sample ``x`` (a row of ``family.sample``),
        or ``fun(X) -> (n,)`` for a batch when ``vectorized=True``.
    family : SamplingFamily
        Initial sampling distribution.
    vectorized : bool, default=False
        Evaluate the batch with one call (per chunk of rows with ``workers``).
    workers : None, int, Executor or map-like callable, optional
        ``None``/``1``: in this process; ``int``: a process pool of that size
        that survives a dying worker (a row that keeps killing it fails, or
        raises :class:`~cemethod.WorkerDied`) and exits with this process;
        a ``concurrent.futures.Executor`` (threads, processes, or the executor
        of a ``dask.distributed`` client), a ``ray.util.multiprocessing.Pool``,
        anything with ``map``/``submit``, or a map-like callable such as
        ``multiprocessing.Pool.map``. Results
        are put back in sample order, so the run does not depend on ``workers``.
    on_error : {"raise", "worst"}, default="raise"
        With "worst" an evaluation that raises or returns NaN or inf gives the
        worst value to its candidate and is counted in ``result.n_failures``;
        a vectorized call that raises is redone row by row to isolate the
        failing rows.
    eval_timeout : float, optional
        Seconds one call of ``fun`` may take (a row, or a chunk when
        vectorized); a longer one is a failure for ``on_error`` (else a
        TimeoutError): stopped by SIGALRM in a main thread, given up on (it
        runs on) in a thread (user guide, "Parallel and distributed evaluation").
    callback : callable, optional
        ``callback(result)`` after each iteration with the current
        :class:`CEResult`; return True to stop.
    checkpoint : str or path-like, optional
        After each iteration the pickled optimizer is written there atomically
        (temporary file + ``os.replace``). If the file exists when the call
        starts, the run resumes from it and continues bit for bit: ``fun``,
        ``workers``, ``callback`` and ``progress`` are taken from this call,
        ``family``, ``rng`` and the options from the checkpoint. A finished
        run's checkpoint returns its result at once. Loading resolves only
        cemethod's classes, numpy arrays and generators and the class of
        ``family``: a file that refers to anything else (a crafted pickle) is
        refused before it can run code.
    progress : bool, default=False
        Show a tqdm bar (iteration, gamma_t, best) if tqdm is installed, else
        one line per iteration on stderr.
    rng : None, int or numpy.random.Generator
        Source of all randomness; the same seed gives the same ``x``, ``fun``,
        ``nfev`` and history whatever ``workers`` is.
    constraints : callable, scipy constraint object or list of them, optional
        ``constraints(X) -> (n,)`` violation ``>= 0`` (0 = feasible) for a batch,
        or ``scipy.optimize.LinearConstraint`` / ``NonlinearConstraint`` /
        ``Bounds`` objects (inequalities; the violation is then the summed
        distance of every row to ``[lb, ub]``, exactly 0 on the feasible set).
        Ranking is feasibility first; ``result.x`` is the best feasible point,
        and if none was found ``success`` is False (status 6).
    replications : int, default=1
        Evaluations averaged per candidate (noisy objectives).
    noise_seed : bool, default=False
        Call ``fun(x, seed=s)``: per iteration ``replications`` seeds are drawn
        from ``rng`` and shared by all candidates (common random numbers).
        Without it, replications rely on ``fun``'s own randomness.
    reevaluate_elite : bool, default=False
        Evaluate the points carried by ``elitism`` again in every iteration
        (noisy objectives): a lucky noise draw then cannot keep a point in the
        elite, and ``result.x`` is the best point of the last pool by its fresh
        value (``history.best`` is then not monotone).
    polish : {"auto", True, False, "SLSQP", "trust-constr"}, default="auto"
        (keyword) A final local run of ``scipy.optimize.minimize`` from
        ``result.x`` with the constraint objects and the family's box, for
        optima on a constraint boundary that the CE sample approaches but does
        not reach. The polished point is kept only if it is feasible (violation
        exactly 0; an overshoot is pulled back towards the CE point) and better;
        its evaluations count in ``nfev`` and ``message`` says what happened.
        "auto" polishes with SLSQP when ``constraints`` are scipy objects, the
        family is continuous and the objective is not declared noisy; True
        means "SLSQP". A noisy objective (``noisy=True``, ``replications > 1``,
        ``noise_seed``, ``reevaluate_elite``) refuses True / a method name; if
        ``fun`` is noisy by itself, pass ``polish=False`` or ``noisy=True``.
    noisy : bool, default=False
        Declare ``fun`` noisy. The run then stops also by the noise-aware rule
        ``"noise_stalled"`` (option ``noise_window``, default 10: the mean of
        the last 10 levels gamma_t not significantly below the mean of the 10
        before), with or without ``noise_seed``; ``x`` is chosen among the
        best points of the last batch by ranking and selection
        (``result.selection``); and ``result.honest`` holds the unbiased
        value of ``x`` from fresh replications with its standard error and
        95% interval (``fun`` stays the optimistic in-run value). Selection
        and honest replications use seed streams spawned from ``rng``,
        independent of the run's draws, and are not counted in ``nfev``
        (see ``result.selection.n_evaluations`` and
        ``result.honest.n_replications``).
    honest_replications : int, optional
        Fresh replications for ``result.honest`` (default 30).
    honest_std_error : float, optional
        Instead of a number: replicate until this standard error is reached
        (one first stage of 10 estimates the spread), at most
        ``max_honest_replications``.
    max_honest_replications : int, default=1000
        Bound on the honest replications.
    selection : {"kn", None}, default="kn"
        Final selection: the fully sequential procedure of Kim & Nelson (2001)
        among the run's best point and the best distinct points of the last
        batch (at most 20, one replication per stage, shared seeds with
        ``noise_seed``); None returns the run's best point.
    indifference_zone : float, optional
        ``delta`` of KN: differences smaller than it are not worth telling
        apart. None: half the pooled standard deviation of one replication
        in the first stage.
    selection_confidence : float, default=0.95
        KN's probability of correct selection when the best is ``delta``
        better than the others.
    **options
        Settings of :class:`CrossEntropyOptimizer`: ``update`` (default: AMaLGaM's
        adaptive update for the Gaussian families), ``restarts`` (IPOP, by
        default with that update and ``max_evaluations``), ``population_growth``,
        ``n_samples``, ``elite_fraction``, ``n_elite``, ``smoothing``,
        ``std_smoothing``, ``std_smoothing_power``, ``elitism``, ``patience``,
        ``tol``, ``degenerate_tol``, ``maxiter``, ``max_evaluations``,
        ``target``, ``time_limit``, ``sample_growth``, ``max_n_samples``,
        ``injection``, ``max_injections``, ``noise_window``. ``time_limit`` is also kept
        within a batch: evaluated one row at a time (``vectorized=False``, in
        this process or by workers) the rows not started when it passes are
        left out, so a run ends within one evaluation (per worker) of it; a
        vectorized chunk sent to a worker after it is not started; with
        ``replications`` or re-evaluated elite points the batch keeps the mean
        of the replications done when it passes (at least one). A noisy run's
        final selection and honest replications come on top.

    Returns
    -------
    CEResult
"""


def minimize(
    fun,
    family,
    *,
    vectorized=False,
    workers=None,
    on_error="raise",
    callback=None,
    checkpoint=None,
    progress=False,
    rng=None,
    constraints=None,
    replications=1,
    noise_seed=False,
    reevaluate_elite=False,
    noisy=False,
    honest_replications=None,
    honest_std_error=None,
    max_honest_replications=1000,
    selection="kn",
    indifference_zone=None,
    selection_confidence=0.95,
    **options,
):
    return _run(
        "minimize",
        "minimize",
        fun,
        family,
        vectorized=vectorized,
        workers=workers,
        on_error=on_error,
        callback=callback,
        checkpoint=checkpoint,
        progress=progress,
        rng=rng,
        constraints=constraints,
        replications=replications,
        noise_seed=noise_seed,
        reevaluate_elite=reevaluate_elite,
        options=options,
        noisy_options={
            "noisy": noisy,
            "honest_replications": honest_replications,
            "honest_std_error": honest_std_error,
            "max_honest_replications": max_honest_replications,
            "selection": selection,
            "indifference_zone": indifference_zone,
            "selection_confidence": selection_confidence,
        },
    )


def maximize(
    fun,
    family,
    *,
    vectorized=False,
    workers=None,
    on_error="raise",
    callback=None,
    checkpoint=None,
    progress=False,
    rng=None,
    constraints=None,
    replications=1,
    noise_seed=False,
    reevaluate_elite=False,
    noisy=False,
    honest_replications=None,
    honest_std_error=None,
    max_honest_replications=1000,
    selection="kn",
    indifference_zone=None,
    selection_confidence=0.95,
    **options,
):
    return _run(
        "maximize",
        "maximize",
        fun,
        family,
        vectorized=vectorized,
        workers=workers,
        on_error=on_error,
        callback=callback,
        checkpoint=checkpoint,
        progress=progress,
        rng=rng,
        constraints=constraints,
        replications=replications,
        noise_seed=noise_seed,
        reevaluate_elite=reevaluate_elite,
        options=options,
        noisy_options={
            "noisy": noisy,
            "honest_replications": honest_replications,
            "honest_std_error": honest_std_error,
            "max_honest_replications": max_honest_replications,
            "selection": selection,
            "indifference_zone": indifference_zone,
            "selection_confidence": selection_confidence,
        },
    )


minimize.__doc__ = (
    """Minimize ``fun`` with the cross-entropy method.

    A loop over :class:`CrossEntropyOptimizer` ``ask`` / evaluate / ``tell``
    until a stop rule fires (de Boer et al. 2005, Algorithm 2.1).
"""
    + _DOC_PARAMETERS
    + """
    Examples
    --------
    >>> import numpy as np
    >>> import cemethod as ce
    >>> from cemethod.families import Gaussian
    >>> res = ce.minimize(
    ...     lambda X: np.sum((X - 1.5) ** 2, axis=1),
    ...     Gaussian([0.0, 0.0], [5.0, 5.0]),
    ...     vectorized=True,
    ...     rng=0,
    ... )
    >>> res.success, bool(np.allclose(res.x, 1.5, atol=1e-3))
    (True, True)
"""
)

maximize.__doc__ = (
    """Maximize ``fun`` with the cross-entropy method; ``result.fun`` is the maximum.
"""
    + _DOC_PARAMETERS
    + """
    Examples
    --------
    >>> import numpy as np
    >>> import cemethod as ce
    >>> from cemethod.families import Bernoulli
    >>> res = ce.maximize(lambda x: float(x.sum()), Bernoulli(np.full(8, 0.5)), rng=0)
    >>> res.fun, res.x.astype(int).tolist()
    (8.0, [1, 1, 1, 1, 1, 1, 1, 1])
"""
)
