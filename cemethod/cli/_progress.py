"""Progress of the ``cemethod`` command on stderr (see :class:`Progress`)."""

from __future__ import annotations

import sys

__all__ = ["Progress"]


class Progress:
    """Progress on stderr: a tqdm bar when stderr is a terminal and tqdm is
    installed, otherwise one plain line per step; nothing with ``quiet``. The
    bar is opened at the first step, after the command's header line."""

    def __init__(self, quiet: bool, total=None, desc: str = "CE", unit: str = "it"):
        self.enabled = not quiet
        self.bar = None
        # Set by a command that runs a noisy objective (see callback).
        self.noise_window: int | None = None
        self._bests: list[float] = []
        # --eval-timeout (set by main): the failures of the run so far
        self.eval_timeout: float | None = None
        self.failures = 0
        self._tqdm = None
        self.desc, self.total, self.unit = desc, total, unit
        if self.enabled and sys.stderr.isatty():
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self._tqdm = tqdm

    def open(self) -> None:
        """Show the bar now (it opens at the first step otherwise)."""
        if self.enabled and self._tqdm is not None and self.bar is None:
            self.bar = self._tqdm(
                total=self.total, desc=self.desc, unit=self.unit, file=sys.stderr
            )

    def stdout(self):
        """A stdout for text printed while the bar shows: whole lines go
        through ``tqdm.write``, which clears the bar and draws it again below."""
        return _BarSafeStdout(self._tqdm, sys.stdout) if self.bar else sys.stdout

    def step(self, text: str) -> None:
        if not self.enabled:
            return
        if self._tqdm is not None:
            self.open()
            self.bar.set_postfix_str(text, refresh=False)
            self.bar.update(1)
        else:
            print(f"{self.desc}: {text}", file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        """A line of its own on stderr (above the bar, if one shows)."""
        if not self.enabled:
            return
        if self.bar is not None:
            self._tqdm.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def callback(self, result) -> bool:
        """For ``callback=`` of the optimizer: one step per CE iteration.

        With ``noise_window`` set (a noisy objective) the iteration's best is
        the best of that iteration's noisy values, on random numbers that
        change from one iteration to the next, so it goes up and down; the
        line says so and adds the mean of the last ``noise_window`` of them,
        the trend that the stop rule ``noise_stalled`` watches.

        With ``eval_timeout`` set it counts the failed evaluations, and a run
        whose every evaluation so far failed (each ran longer than the limit)
        stops with an :class:`InputError`: its answer would mean nothing."""
        if self.eval_timeout is not None:
            self.failures = int(result.n_failures)
            if 0 < result.nfev <= self.failures:
                from cemethod.cli._options import InputError

                raise InputError(
                    f"--eval-timeout {self.eval_timeout:g}: all {result.nfev} "
                    f"evaluations of the first {result.nit} CE iteration(s) failed "
                    "(each ran longer than the limit): raise it"
                )
        if self.noise_window is None:
            self.step(f"iteration {result.nit}, best {result.fun:.6g}")
            return False
        self._bests.append(float(result.fun))
        recent = self._bests[-self.noise_window :]
        self.step(
            f"iteration {result.nit}, best of this iteration {result.fun:.6g} "
            f"(noisy), mean of the last {len(recent)} {sum(recent) / len(recent):.6g}"
        )
        return False

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class _BarSafeStdout:
    def __init__(self, tqdm, file):
        self.tqdm, self.file, self.pending = tqdm, file, ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.tqdm.write(line, file=self.file)
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.tqdm.write(self.pending, file=self.file)
            self.pending = ""
        self.file.flush()
