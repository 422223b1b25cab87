"""The progress display of minimize / maximize (``progress=True``)."""

from __future__ import annotations

import sys

__all__ = ["Progress"]


class Progress:
    """tqdm bar if tqdm is importable, else one stderr line per iteration."""

    def __init__(self, enabled, total, initial):
        self.bar = None
        self.enabled = enabled
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, initial=initial, unit="it", desc="CE")

    def update(self, record):
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_postfix(gamma=f"{record.gamma:.6g}", best=f"{record.best:.6g}")
            self.bar.update(1)
        else:
            print(
                f"CE iteration {record.iteration}: gamma={record.gamma:.6g} "
                f"best={record.best:.6g} nfev={record.nfev}",
                file=sys.stderr,
            )

    def close(self):
        if self.bar is not None:
            self.bar.close()
