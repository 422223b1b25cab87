"""Compiled (numba) kernel of the uniformized line simulation.

It follows ``_simulation._advance_numpy`` (this package) event for event (the
same machine-choice rule, the same release cascade), so the same
uniforms give the same counts with or without numba. Each line keeps its
machine states and buffer levels in small local arrays. Imported only when
numba is installed.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["advance_compiled"]

_W, _D, _B, _S = 0, 1, 2, 3


@numba.njit(cache=True, nogil=True, inline="always")
def _pull(st, lv, j):  # pragma: no cover - compiled
    while True:
        if j == 0:
            st[0] = _W
            return
        if st[j - 1] == _B:
            st[j] = _W
            j -= 1
        elif lv[j - 1] > 0:
            lv[j - 1] -= 1
            st[j] = _W
            return
        else:
            st[j] = _S
            return


@numba.njit(cache=True, nogil=True)
def advance_compiled(
    state, level, mu, f, r, cap, lam, u, stream, t0, warm, total, done, busy
):  # pragma: no cover - compiled
    n_lines, m = mu.shape
    n_steps = u.shape[1]
    st = np.empty(m, dtype=np.int8)
    lv = np.empty(level.shape[1], dtype=np.int64)
    cp = np.empty(level.shape[1], dtype=np.int64)
    cum = np.empty(m)
    start = np.empty(m)
    muf = np.empty(m)
    for l in range(n_lines):
        acc = 0.0
        for i in range(m):
            start[i] = acc
            acc += max(mu[l, i] + f[l, i], r[l, i])
            cum[i] = acc
            muf[i] = mu[l, i] + f[l, i]
        for i in range(m):
            st[i] = state[l, i]
        for i in range(lv.size):
            lv[i] = level[l, i]
            cp[i] = cap[l, i]
        stop = min(t0 + n_steps, total[l])
        row = u[stream[l]]
        la = lam[l]
        w = warm[l]
        n_done = 0
        n_busy = 0
        for t in range(t0, stop):
            measuring = t >= w
            if measuring and st[m - 1] == _W:
                n_busy += 1
            x = row[t - t0] * la
            i = 0
            while i < m and cum[i] <= x:
                i += 1
            if i == m:  # the padding of the uniformization rate: no event
                continue
            off = x - start[i]
            s = st[i]
            if s == _W:
                if off < mu[l, i]:
                    if i == m - 1:
                        if measuring:
                            n_done += 1
                        _pull(st, lv, i)
                    elif st[i + 1] == _S:
                        st[i + 1] = _W
                        _pull(st, lv, i)
                    elif lv[i] < cp[i]:
                        lv[i] += 1
                        _pull(st, lv, i)
                    else:
                        st[i] = _B
                elif off < muf[i]:
                    st[i] = _D
            elif s == _D and off < r[l, i]:
                st[i] = _W
        for i in range(m):
            state[l, i] = st[i]
        for i in range(lv.size):
            level[l, i] = lv[i]
        done[l] += n_done
        busy[l] += n_busy
