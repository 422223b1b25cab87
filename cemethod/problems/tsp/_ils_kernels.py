"""Compiled (numba) local search with candidate lists and don't-look bits, and
the iterated local search (ILS) built on it. Kernels: no validation here.

A tour is an array ``tour`` (city at each position) with its inverse ``pos``.
A queue of "active" cities replaces the don't-look bits (a city not in the
queue has its bit set): a city is processed by trying the moves that add an
edge from it to one of its ``k`` candidate neighbours, O(k) evaluations; the
first improving move is applied and the end cities of every changed edge go
back into the queue. The search stops when the queue is empty.

Moves:

* 2-opt (symmetric only): reverse a path; the shorter side of the cycle is
  reversed (the same cycle walked the other way for the rest).
* Or-opt (both): move a segment of 1 to 3 cities between two adjacent cities,
  forwards or, on a symmetric instance only, reversed. The cities between the
  segment and its new place are shifted, on the shorter side, without being
  reversed, so the move is exact for an ATSP.

ILS: a random double bridge (swap two adjacent blocks ``A B C -> A C B`` of
random lengths up to ``max_block``: three edges change, nothing is reversed, so
it is valid for an ATSP), then the local search from the six cities at the
kick only; the new tour is kept when it is not longer, else the previous one
is restored.
"""

from __future__ import annotations

import numba
import numpy as np

from cemethod._splitmix import uniform_below

__all__ = ["ils", "local_search_nb", "tour_cost"]


@numba.njit(cache=True, nogil=True)
def tour_cost(D, tour):  # pragma: no cover - compiled
    n = tour.shape[0]
    s = 0.0
    for i in range(n - 1):
        s += D[tour[i], tour[i + 1]]
    return s + D[tour[n - 1], tour[0]]


@numba.njit(cache=True, nogil=True)
def _push(x, queue, inq, qs):  # pragma: no cover - compiled
    # qs = [head, tail, count]; the queue holds each city at most once
    if not inq[x]:
        inq[x] = True
        n = queue.shape[0]
        queue[qs[1]] = x
        qs[1] = (qs[1] + 1) % n
        qs[2] += 1


@numba.njit(cache=True, nogil=True)
def _reverse(tour, pos, i, j):  # pragma: no cover - compiled
    """Reverse the cyclic positions i..j, or the complement when shorter."""
    n = tour.shape[0]
    length = (j - i) % n + 1
    if 2 * length > n:
        i, j = (j + 1) % n, (i - 1) % n
        length = n - length
    for _ in range(length // 2):
        a = tour[i]
        b = tour[j]
        tour[i] = b
        pos[b] = i
        tour[j] = a
        pos[a] = j
        i += 1
        if i == n:
            i = 0
        j -= 1
        if j < 0:
            j = n - 1


@numba.njit(cache=True, nogil=True)
def _two_opt(D, nbr, eps, tour, pos, a, queue, inq, qs):  # pragma: no cover
    n = tour.shape[0]
    for direction in range(2):
        pa = pos[a]
        b = tour[(pa + 1) % n] if direction == 0 else tour[(pa - 1) % n]
        dab = D[a, b]
        for m in range(nbr.shape[1]):
            c = nbr[a, m]
            dac = D[a, c]
            if dac >= dab:  # exact: the other new edge is scanned from b's side
                break
            pc = pos[c]
            d = tour[(pc + 1) % n] if direction == 0 else tour[(pc - 1) % n]
            if c == b or d == a:
                continue
            delta = dac + D[b, d] - dab - D[c, d]
            if delta < -eps:
                if direction == 0:  # a b ... c d -> a c ... b d
                    _reverse(tour, pos, pos[b], pc)
                else:  # a ... d c ... b -> reverse a..d
                    _reverse(tour, pos, pa, pos[d])
                _push(a, queue, inq, qs)
                _push(b, queue, inq, qs)
                _push(c, queue, inq, qs)
                _push(d, queue, inq, qs)
                return delta
    return 0.0


@numba.njit(cache=True, nogil=True)
def _move_segment(tour, pos, i, L, j, rev, buf):  # pragma: no cover - compiled
    """Move the segment at positions i..i+L-1 between positions j and j+1
    (j outside the segment), reversed if ``rev``; shifts the shorter side."""
    n = tour.shape[0]
    for t in range(L):
        buf[t] = tour[(i + t) % n]
    len_after = (j - (i + L)) % n + 1  # positions i+L .. j
    len_before = n - L - len_after  # positions j+1 .. i-1
    if len_after <= len_before:
        for t in range(len_after):
            x = tour[(i + L + t) % n]
            p = (i + t) % n
            tour[p] = x
            pos[x] = p
        start = (i + len_after) % n
    else:
        for t in range(len_before - 1, -1, -1):
            x = tour[(j + 1 + t) % n]
            p = (j + 1 + t + L) % n
            tour[p] = x
            pos[x] = p
        start = (j + 1) % n
    for t in range(L):
        x = buf[L - 1 - t] if rev else buf[t]
        p = (start + t) % n
        tour[p] = x
        pos[x] = p


@numba.njit(cache=True, nogil=True)
def _or_opt(D, nbr_out, nbr_in, sym, eps, tour, pos, a, queue, inq, qs, buf):
    # pragma: no cover - compiled
    n = tour.shape[0]
    k = nbr_out.shape[1]
    for L in range(1, 4):
        if n - L < 3:
            break
        for side in range(2):
            i = pos[a] if side == 0 else (pos[a] - L + 1) % n
            if side == 1 and L == 1:
                break
            s1 = tour[i]
            s2 = tour[(i + L - 1) % n]
            p = tour[(i - 1) % n]
            q = tour[(i + L) % n]
            gain = D[p, s1] + D[s2, q] - D[p, q]
            # candidates: (c, d = succ c) with c -> s1 (forward, in-list of s1),
            # (c = pred d, d) with s2 -> d (forward, out-list of s2); on a
            # symmetric instance also the reversed insertions c -> s2, s1 -> d.
            best = -eps
            bj = -1
            brev = False
            for variant in range(4 if sym else 2):
                for m in range(k):
                    if variant == 0:  # c -> s1 ... s2 -> succ(c)
                        c = nbr_in[s1, m]
                        pc = pos[c]
                        d = tour[(pc + 1) % n]
                        add = D[c, s1] + D[s2, d]
                    elif variant == 1:  # pred(d) -> s1 ... s2 -> d
                        d = nbr_out[s2, m]
                        pc = (pos[d] - 1) % n
                        c = tour[pc]
                        add = D[c, s1] + D[s2, d]
                    elif variant == 2:  # c -> s2 ... s1 -> succ(c)
                        c = nbr_out[s2, m]
                        pc = pos[c]
                        d = tour[(pc + 1) % n]
                        add = D[c, s2] + D[s1, d]
                    else:  # pred(d) -> s2 ... s1 -> d
                        d = nbr_out[s1, m]
                        pc = (pos[d] - 1) % n
                        c = tour[pc]
                        add = D[c, s2] + D[s1, d]
                    if (pc - i) % n < L or (pc + 1 - i) % n < L:
                        continue  # the edge touches the segment
                    delta = add - D[c, d] - gain
                    if delta < best:
                        best = delta
                        bj = pc
                        brev = variant >= 2
            if bj >= 0:
                c = tour[bj]
                d = tour[(bj + 1) % n]
                _move_segment(tour, pos, i, L, bj, brev, buf)
                for x in (p, q, s1, s2, c, d):
                    _push(x, queue, inq, qs)
                return best
    return 0.0


@numba.njit(cache=True, nogil=True)
def _run_queue(D, nbr_out, nbr_in, sym, eps, tour, pos, queue, inq, qs, buf):
    # pragma: no cover - compiled
    total = 0.0
    n = tour.shape[0]
    while qs[2] > 0:
        a = queue[qs[0]]
        qs[0] = (qs[0] + 1) % n
        qs[2] -= 1
        inq[a] = False
        delta = 0.0
        if sym:
            delta = _two_opt(D, nbr_out, eps, tour, pos, a, queue, inq, qs)
        if delta == 0.0:
            delta = _or_opt(
                D, nbr_out, nbr_in, sym, eps, tour, pos, a, queue, inq, qs, buf
            )
        if delta != 0.0:
            total += delta
            _push(a, queue, inq, qs)
    return total


@numba.njit(cache=True, nogil=True)
def _setup(tour0):  # pragma: no cover - compiled
    n = tour0.shape[0]
    tour = tour0.copy()
    pos = np.empty(n, dtype=np.intp)
    for i in range(n):
        pos[tour[i]] = i
    queue = np.empty(n, dtype=np.intp)
    inq = np.zeros(n, dtype=np.bool_)
    qs = np.zeros(3, dtype=np.intp)
    return tour, pos, queue, inq, qs


@numba.njit(cache=True, nogil=True)
def _settle(D, nbr_out, nbr_in, sym, eps, tour, pos, queue, inq, qs, buf):
    # pragma: no cover - compiled
    """Every city active, until a whole pass finds nothing: a move whose
    candidate's tour neighbours changed (no bit reset) is found too."""
    total = 0.0
    while True:
        for x in tour:
            _push(x, queue, inq, qs)
        delta = _run_queue(D, nbr_out, nbr_in, sym, eps, tour, pos, queue, inq, qs, buf)
        total += delta
        if delta == 0.0:
            return total


@numba.njit(cache=True, nogil=True)
def local_search_nb(D, nbr_out, nbr_in, sym, eps, tour0):  # pragma: no cover
    """2-opt (symmetric) + Or-opt from ``tour0`` until no candidate move
    improves."""
    tour, pos, queue, inq, qs = _setup(tour0)
    buf = np.empty(3, dtype=np.intp)
    _settle(D, nbr_out, nbr_in, sym, eps, tour, pos, queue, inq, qs, buf)
    return tour


@numba.njit(cache=True, nogil=True)
def ils(D, nbr_out, nbr_in, sym, eps, tour0, n_kicks, max_block, seed):
    # pragma: no cover - compiled
    """Local search, then ``n_kicks`` double-bridge kicks each followed by the
    local search around the kick; returns the best tour (a local optimum)."""
    state = np.array([seed], dtype=np.uint64)  # seeded by the caller's Generator
    n = tour0.shape[0]
    tour, pos, queue, inq, qs = _setup(tour0)
    buf = np.empty(3, dtype=np.intp)
    cur = tour_cost(D, tour)
    cur += _settle(D, nbr_out, nbr_in, sym, eps, tour, pos, queue, inq, qs, buf)
    if n < 8:
        return tour
    best = tour.copy()
    best_pos = pos.copy()
    best_len = cur
    cap = min(max_block, (n - 2) // 2)
    block = np.empty(2 * cap, dtype=np.intp)
    for _ in range(n_kicks):
        i = uniform_below(state, n)
        l1 = 1 + uniform_below(state, cap)
        l2 = 1 + uniform_below(state, cap)
        a = tour[(i - 1) % n]
        b1 = tour[i]
        b2 = tour[(i + l1 - 1) % n]
        c1 = tour[(i + l1) % n]
        c2 = tour[(i + l1 + l2 - 1) % n]
        d = tour[(i + l1 + l2) % n]
        cur += D[a, c1] + D[c2, b1] + D[b2, d] - D[a, b1] - D[b2, c1] - D[c2, d]
        for t in range(l2):
            block[t] = tour[(i + l1 + t) % n]
        for t in range(l1):
            block[l2 + t] = tour[(i + t) % n]
        for t in range(l1 + l2):
            p = (i + t) % n
            tour[p] = block[t]
            pos[block[t]] = p
        for x in (a, b1, b2, c1, c2, d):
            _push(x, queue, inq, qs)
        cur += _run_queue(D, nbr_out, nbr_in, sym, eps, tour, pos, queue, inq, qs, buf)
        if cur <= best_len + eps:
            best_len = min(cur, best_len)
            best[:] = tour
            best_pos[:] = pos
        else:
            tour[:] = best
            pos[:] = best_pos
            cur = best_len
    _settle(D, nbr_out, nbr_in, sym, eps, best, best_pos, queue, inq, qs, buf)
    return best
