"""Plumbing shared by the ``cemethod`` subcommands: options, outputs, progress.

Outputs (the ``--json`` file and the ``--plot`` PNG files) are rendered in memory
after the run succeeded and then written all at once, each to a temporary file in
its target folder renamed with ``os.replace``: a failed or interrupted run leaves
no file, and no file is ever half written.
"""

from __future__ import annotations

import io
import json
import math
import os
import sys
import tempfile

import numpy as np

__all__ = [
    "InputError",
    "Outputs",
    "add_common_options",
    "optimizer_options",
]


from cemethod.cli._options import (  # noqa: F401 (re-exported)
    ALL_COMMON,
    InputError,
    MissingExtra,
    add_common_options,
    elite,
    nonnegative_int,
    nonnegative_real,
    positive_int,
    positive_real,
    probability,
    seed_int,
    smoothing_real,
)


def optimizer_options(args, defaults: dict) -> dict:
    """The problem's default options overridden by the command-line options."""
    opts = dict(defaults)
    if getattr(args, "samples", None) is not None:
        opts["n_samples"] = args.samples
        if opts.get("n_elite") is not None and opts["n_elite"] > args.samples:
            opts["n_elite"] = None  # a default count larger than N: use the fraction
    if getattr(args, "elite", None) is not None:
        key, value = args.elite
        opts.pop("elite_fraction", None)
        opts["n_elite"] = None
        opts[key] = value
    if getattr(args, "smoothing", None) is not None:
        opts["smoothing"] = args.smoothing
    if getattr(args, "time_limit", None) is not None:
        opts["time_limit"] = args.time_limit
    if getattr(args, "eval_timeout", None) is not None:
        # a sample stopped by the limit is a failure, not the end of the run
        opts["eval_timeout"] = args.eval_timeout
        opts["on_error"] = "worst"
    if getattr(args, "workers", None) not in (None, 1):
        opts["workers"] = getattr(args, "pool", None) or args.workers
    return opts


def _ignore_sigint() -> None:  # pragma: no cover (runs in the worker processes)
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_pool(args):
    """The process pool of ``--workers K`` (None for one process). Its workers
    ignore Ctrl-C, which the terminal sends to the whole process group: the main
    process alone stops the run, and the workers print no tracebacks. A worker
    that dies is replaced (``WorkerPool``), and the workers exit with the
    command."""
    k = getattr(args, "workers", None)
    if k is None or k == 1:
        return None
    from cemethod.optimize._pool import WorkerPool

    return WorkerPool(k, initializer=_ignore_sigint)


def check_input_file(path: str) -> str:
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a folder, expected a file")
    # Every reader holds the text, its lines and their values at once as Python
    # objects: a peak of 8 (G-set), 20 (edge list) and 28 (jobs CSV) bytes a
    # byte of file, measured with tracemalloc on files of 200000 lines.
    from cemethod._limits import check_memory

    size = os.path.getsize(path)
    check_memory(path, f"a file of {size} bytes", 30.0 * size, "its text and lines")
    return path


def check_output_places(args) -> None:
    """Fail before the run, not after it, when an output cannot be written."""
    if getattr(args, "json", None):
        folder = os.path.dirname(os.path.abspath(args.json))
        if not os.path.isdir(folder):
            raise InputError(f"--json {args.json}: the folder {folder} does not exist")
        if os.path.isdir(args.json):
            raise InputError(f"--json {args.json}: is a folder, expected a file name")
    if getattr(args, "plot", None):
        if os.path.exists(args.plot) and not os.path.isdir(args.plot):
            raise InputError(f"--plot {args.plot}: exists and is not a folder")
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise MissingExtra(
                "--plot needs matplotlib, which is not installed: "
                'pip install "cemethod[plot]"'
            ) from None


# -- JSON ------------------------------------------------------------------------
def _clean(value):
    """Plain JSON values: numpy scalars and arrays as Python ones, NaN as null and
    infinities as the strings "inf" / "-inf" (strict JSON has neither)."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def to_json_text(payload: dict) -> str:
    return json.dumps(_clean(payload), indent=2, allow_nan=False) + "\n"


def history_dict(result) -> dict:
    """Per-iteration columns of a CEResult's history (iteration, gamma, best, nfev)."""
    h = result.history
    return {
        "iteration": h.iteration.tolist(),
        "gamma": h.gamma.tolist(),
        "best": h.best.tolist(),
        "nfev": h.nfev.tolist(),
    }


def honest_line(result, what="value") -> str:
    """One line on the honest value of a noisy run (``noisy=True``)."""
    h, sel = result.honest, result.selection
    line = (
        f"honest {what} {h.value:.5g} +- {h.std_error:.2g} (95% interval "
        f"{h.interval[0]:.5g} to {h.interval[1]:.5g}, {h.n_replications} fresh "
        f"replications; in-run value {result.fun:.5g} is optimistic)"
    )
    if sel is not None:
        line += (
            f"; chosen among {sel.n_candidates} by KN (indifference zone "
            f"{sel.indifference_zone:.3g}, confidence {sel.confidence:g})"
        )
    return line


def honest_summary(result) -> dict:
    """The honest value and the selection of a noisy run, for JSON."""
    h, sel = result.honest, result.selection
    out = {
        "value": h.value,
        "std_error": h.std_error,
        "interval": list(h.interval),
        "n_replications": h.n_replications,
    }
    if sel is not None:
        out["selection"] = {
            "method": sel.method,
            "n_candidates": sel.n_candidates,
            "indifference_zone": sel.indifference_zone,
            "confidence": sel.confidence,
            "n_evaluations": sel.n_evaluations,
        }
    return out


def ce_summary(result) -> dict:
    """The scalar fields of a CEResult, for JSON (with ``honest`` for a noisy run)."""
    if getattr(result, "honest", None) is not None:
        return {**_ce_fields(result), "honest": honest_summary(result)}
    return _ce_fields(result)


def _ce_fields(result) -> dict:
    return {
        "fun": result.fun,
        "nit": result.nit,
        "nfev": result.nfev,
        "success": bool(result.success),
        "status": result.status,
        "message": result.message,
        "elapsed": result.elapsed,
        "history": history_dict(result),
    }


# -- figures and atomic files --
def render_png(draw, title: str) -> bytes:
    """Run ``draw(ax)`` on a fresh Agg figure and return the PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")  # no display; before pyplot (displays import it)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.8))
    ax = fig.add_subplot()
    draw(ax)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def convergence_plot(result, label: str, noise_window: int | None = None):
    """A ``draw(ax)`` of the best value and the level gamma per iteration.

    With ``noise_window`` (a noisy objective) the best of each iteration is
    drawn as points, being one noisy draw on that iteration's random numbers,
    and its moving mean over ``noise_window`` iterations as the line."""
    h = history_dict(result)

    def draw(ax):
        if noise_window is None:
            ax.plot(h["iteration"], h["best"], marker="o", ms=3, label="best")
        else:
            best = np.asarray(h["best"], dtype=float)
            mean = np.cumsum(best)
            mean[noise_window:] = mean[noise_window:] - mean[:-noise_window]
            mean /= np.minimum(np.arange(1, best.size + 1), noise_window)
            noisy = "best of the iteration (noisy)"
            trend = f"its mean over the last {noise_window} iterations"
            ax.plot(h["iteration"], best, "o", ms=3, alpha=0.5, label=noisy)
            ax.plot(h["iteration"], mean, "-", label=trend)
        ax.plot(
            h["iteration"],
            h["gamma"],
            marker=".",
            ms=3,
            # noisy values: points, a line through them would show the noise
            linestyle="-" if noise_window is None else "none",
            label="worst elite value (gamma_t)",
        )
        ax.set_xlabel("CE iteration")
        ax.set_ylabel(label)
        ax.legend()

    return draw


def tour_plot(xy, tour, geo: bool, *, labelled: bool = False):
    """A ``draw(ax)`` of the closed ``tour`` through the points ``xy`` (first two
    columns; GEO files give latitude, longitude: drawn as longitude across).
    ``labelled`` names the axes and keeps their ticks; otherwise the plot keeps
    the aspect ratio and has no ticks."""
    xy = np.asarray(xy)[:, :2]
    closed = np.r_[tour, tour[:1]]
    across, up = (1, 0) if geo else (0, 1)

    def draw(ax):
        ax.plot(xy[closed, across], xy[closed, up], "-o", ms=4)
        if labelled:
            ax.set_xlabel("longitude" if geo else "x")
            ax.set_ylabel("latitude" if geo else "y")
        else:
            ax.set_aspect("equal", adjustable="datalim")
            ax.set_xticks([])
            ax.set_yticks([])

    return draw


class Outputs:
    """Files to write when, and only when, the run has succeeded."""

    def __init__(self, args):
        self.json_path = getattr(args, "json", None)
        self.plot_dir = getattr(args, "plot", None)
        self.figures: list[tuple[str, object, str]] = []

    def add_figure(self, name: str, draw, title: str = "") -> None:
        if self.plot_dir:
            self.figures.append((name, draw, title))

    def commit(self, payload: dict) -> list[str]:
        """Render everything in memory, then write each file atomically."""
        files = []
        if self.plot_dir:
            for name, draw, title in self.figures:
                files.append(
                    (os.path.join(self.plot_dir, name), render_png(draw, title))
                )
        if self.json_path:
            files.append((self.json_path, to_json_text(payload).encode()))
        if self.plot_dir and self.figures:
            os.makedirs(self.plot_dir, exist_ok=True)
        elif self.plot_dir:
            print("--plot: this run has nothing to plot", file=sys.stderr)
        write_atomically(files)
        return [path for path, _ in files]


def write_atomically(files) -> None:
    """Write every ``(path, bytes)`` to a temporary file beside it, then rename
    them all: an error before the renames leaves no new file behind."""
    temps = []
    mask = os.umask(0)  # mkstemp makes 0600 files; give the usual permissions
    os.umask(mask)
    try:
        for path, data in files:
            folder = os.path.dirname(os.path.abspath(path))
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".cemethod-", suffix=".tmp")
            temps.append(tmp)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o666 & ~mask)
        for (path, _), tmp in zip(files, temps, strict=True):
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
