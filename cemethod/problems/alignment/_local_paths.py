"""The sampling family for local (Smith-Waterman) alignment by CE.

A local alignment is a stretch of an edit-graph path; where it starts matters
as much as how it runs. Growing it out of a whole-path Markov chain from
``(0, 0)`` (``EditGraphPaths``) leaves that start to the chain's drift, which
rarely reaches a segment far off the main diagonal: CE then settles on a
nearby, lower-scoring stretch (45-50 % of random length-50 DNA pairs reached
the Smith-Waterman optimum). Here the first aligned pair is a categorical
coordinate of its own, learned by the CE update like the moves, and the walk
starts there:

1. draw the first aligned pair ``(i0, j0)`` from ``start`` (an ``m x n``
   table);
2. align ``a[i0]`` with ``b[j0]`` (a diagonal move into ``(i0+1, j0+1)``);
3. walk with move probabilities ``probs[i, j]`` while ``i < m`` and ``j < n``.

The sample is still the whole path, so it is scored like any other: gaps in
``a`` then gaps in ``b`` up to ``(i0, j0)``, the diagonal, the walk, and the
remaining gaps to ``(m, n)``; Smith-Waterman's score is the best stretch of it
(the walk's best prefix, as the leading and trailing gaps only cost).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cemethod._validation import check_int_at_least, check_real, parameter_error
from cemethod.families._discrete_common import (
    ArrayFamilyMixin,
    check_alpha,
    check_n_samples,
    check_same_kind,
    check_weights,
    entropy_rows,
    readonly,
)
from cemethod.problems.alignment._dp import DIAG, GAP_A, GAP_B
from cemethod.problems.alignment._edit_graph_walks import (
    _SUM_TOL,
    most_likely_walk,
    move_frequencies,
    move_rows,
    pad_path,
    path_steps,
    sample_walks,
)

__all__ = ["LocalEditPaths"]


def _check_probabilities(P, axis, what, func):
    if not np.all((P >= 0) & (P <= 1)):
        raise parameter_error(func, what, "probabilities in [0, 1]", P)
    sums = P.sum(axis=axis)
    if np.any(np.abs(sums - 1.0) > _SUM_TOL):
        raise parameter_error(func, what, f"summing to 1 over axis {axis}", sums)


@dataclass(frozen=True, eq=False)
class LocalEditPaths(ArrayFamilyMixin):
    """Edit-graph paths that start their aligned part at a sampled cell: the
    family :class:`SequenceAlignment` uses in local mode.

    Parameters
    ----------
    start : array_like of shape (m, n)
        Probability that the local part starts by aligning ``a[i]`` with
        ``b[j]``; sums to 1.
    probs : array_like of shape (m, n, 3)
        Move probabilities (diagonal, gap in b, gap in a) out of each inner
        cell ``(i, j)``, ``i < m`` and ``j < n``; each cell's sum to 1.

    Notes
    -----
    Samples are whole paths from ``(0, 0)`` to ``(m, n)``, ``int8`` rows of
    length ``m + n`` padded with -1, as for :class:`EditGraphPaths`: first
    ``i0`` moves 1, ``j0`` moves 2 and a diagonal (the start), then the walk
    until the last row or column, then the gaps that finish the path. A path
    that does not begin this way has probability 0. ``fit`` is the weighted
    frequency of the start cells and of the moves out of each cell of the
    walks (de Boer et al. 2005, eq. (33)); cells no walk visits keep their
    probabilities. ``mode`` is the most likely path; ``is_degenerate`` and
    ``dispersion`` look at the start table and at the cells of its walk.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.problems import LocalEditPaths
    >>> fam = LocalEditPaths.initial(3, 2)
    >>> x = fam.sample(2, np.random.default_rng(1))
    >>> x.shape
    (2, 5)
    >>> fam.fit([[1, 0, 0, -1, -1]]).mode().tolist()
    [1, 0, 0, -1, -1]
    """

    start: np.ndarray
    probs: np.ndarray

    def __post_init__(self):
        func = "LocalEditPaths"
        S = np.asarray(self.start)
        if S.ndim != 2 or S.shape[0] < 1 or S.shape[1] < 1:
            raise parameter_error(func, "start", "an array of shape (m, n)", S)
        S = S.astype(float)
        P = np.asarray(self.probs)
        if P.shape != (*S.shape, 3):
            raise parameter_error(
                func, "probs", f"an array of shape {(*S.shape, 3)}", P
            )
        P = P.astype(float)
        _check_probabilities(S, None, "start", func)
        _check_probabilities(P, 2, "probs", func)
        object.__setattr__(self, "start", readonly(S))
        object.__setattr__(self, "probs", readonly(P))

    @classmethod
    def initial(cls, m: int, n: int, diagonal: float = 0.7) -> LocalEditPaths:
        """Every start cell equally likely; each move diagonal with probability
        ``diagonal``, the two gaps sharing the rest.

        The default 0.7 makes the first walks look like alignments (aligned
        pairs with a few gaps); see :meth:`SequenceAlignment.default_options`
        for what it changed.
        """
        func = "LocalEditPaths.initial"
        m = check_int_at_least(m, param="m", func=func)
        n = check_int_at_least(n, param="n", func=func)
        d = check_real(
            diagonal,
            param="diagonal",
            func=func,
            low=0.0,
            low_inclusive=False,
            high=1.0,
            high_inclusive=False,
        )
        probs = np.empty((m, n, 3))
        probs[..., DIAG] = d
        probs[..., GAP_B] = probs[..., GAP_A] = (1.0 - d) / 2.0
        return cls(np.full((m, n), 1.0 / (m * n)), probs)

    @property
    def shape(self) -> tuple[int, int]:
        """``(m, n)``: the lengths of the two sequences."""
        return self.start.shape

    def sample(self, n: int, rng=None) -> np.ndarray:
        """``n`` paths, an ``int8`` array of shape ``(n, m + n)`` (-1 padded)."""
        n = check_n_samples(n, "LocalEditPaths.sample")
        rng = np.random.default_rng(rng)
        m, k = self.shape
        L = m + k
        cum = np.cumsum(self.start.ravel())
        first = np.searchsorted(cum, rng.random(n) * cum[-1], side="right")
        i0, j0 = np.divmod(np.minimum(first, m * k - 1), k)
        u = rng.random((n, L))
        walk, i, j = sample_walks(*self._grid(), i0 + 1, j0 + 1, u)
        n_walk = (walk >= 0).sum(axis=1)
        # The whole path, position by position: GAP_B^i0 GAP_A^j0 DIAG walk,
        # then GAP_B^(m-i) GAP_A^(k-j) (one of the two is empty).
        t = np.arange(L)[None, :]
        diag_at = (i0 + j0)[:, None]
        walk_end = diag_at + 1 + n_walk[:, None]
        tail_b_end = walk_end + (m - i)[:, None]
        path_end = tail_b_end + (k - j)[:, None]
        walk_moves = np.take_along_axis(walk, np.clip(t - diag_at - 1, 0, L - 1), 1)
        out = np.select(
            [
                t < i0[:, None],
                t < diag_at,
                t == diag_at,
                t < walk_end,
                t < tail_b_end,
                t < path_end,
            ],
            [GAP_B, GAP_A, DIAG, walk_moves, GAP_B, GAP_A],
            default=-1,
        )
        return out.astype(np.int8)

    def _decode(self, x, func):
        """Start cells, the cells before each step, a mask of the walk's steps
        and a mask of the rows this family can sample."""
        m, k = self.shape
        Xi, i_before, j_before, step, ok = path_steps(x, m, k, func)
        t = np.arange(m + k)[None, :]
        i0 = np.argmax(Xi != GAP_B, axis=1)  # leading gaps in b ...
        diag_at = np.argmax((Xi != GAP_A) & (t >= i0[:, None]), axis=1)  # ... in a
        j0 = diag_at - i0
        # A path whose first move after the leading gaps is the diagonal.
        ok &= Xi[np.arange(Xi.shape[0]), diag_at] == DIAG
        walk = step & (t > diag_at[:, None]) & (i_before < m) & (j_before < k)
        # Clipped so that invalid rows still index safely (they are masked).
        i0, j0 = np.minimum(i0, m - 1), np.clip(j0, 0, k - 1)
        i_before, j_before = np.minimum(i_before, m - 1), np.minimum(j_before, k - 1)
        return Xi, i0, j0, i_before, j_before, walk, ok

    def log_pdf(self, x) -> np.ndarray:
        """Log-probability of each path; ``-inf`` for rows the family cannot
        sample."""
        Xi, i0, j0, ib, jb, walk, ok = self._decode(x, "LocalEditPaths.log_pdf")
        with np.errstate(divide="ignore"):
            steps = np.where(walk, np.log(self.probs[ib, jb, np.clip(Xi, 0, 2)]), 0.0)
            out = np.log(self.start[i0, j0]) + steps.sum(axis=1)
        out[~ok] = -np.inf
        return out

    def fit(self, x, weights=None) -> LocalEditPaths:
        """Weighted frequencies of the start cells and of the moves out of each
        cell of the walks: the CE update."""
        func = "LocalEditPaths.fit"
        Xi, i0, j0, ib, jb, walk, ok = self._decode(x, func)
        if not ok.all():
            raise parameter_error(
                func, "x", "paths that start their aligned part with a diagonal", x
            )
        w = check_weights(weights, Xi.shape[0], func)
        m, k = self.shape
        start = np.bincount(i0 * k + j0, w, minlength=m * k).reshape(m, k)
        probs = move_frequencies(Xi, ib, jb, walk, w, self.probs)
        return LocalEditPaths(start / start.sum(), probs)

    def smooth(self, previous: LocalEditPaths, alpha: float) -> LocalEditPaths:
        """``alpha * self + (1 - alpha) * previous`` for both tables (de Boer
        et al. 2005, eq. (12))."""
        func = "LocalEditPaths.smooth"
        alpha = check_alpha(alpha, func)
        check_same_kind(self, previous, func, shape=self.shape)
        return LocalEditPaths(
            np.minimum(alpha * self.start + (1.0 - alpha) * previous.start, 1.0),
            np.minimum(alpha * self.probs + (1.0 - alpha) * previous.probs, 1.0),
        )

    def _grid(self):
        """Move probabilities on the whole ``(m+1) x (n+1)`` grid (0 on the
        last row and column) and the mask of the cells where walks stop."""
        m, k = self.shape
        probs = np.zeros((m + 1, k + 1, 3))
        probs[:m, :k] = self.probs
        ended = np.ones((m + 1, k + 1), dtype=bool)
        ended[:m, :k] = False
        return probs, ended

    def _most_likely(self):
        """The most likely path (Viterbi) and the cells of its walk."""
        m, k = self.shape
        V, walk = most_likely_walk(*self._grid())
        with np.errstate(divide="ignore"):
            total = np.log(self.start) + V[1:, 1:]
        i0, j0 = np.unravel_index(int(np.argmax(total)), (m, k))
        moves, cells = walk(i0 + 1, j0 + 1)
        i = i0 + 1 + sum(mv != GAP_A for mv in moves)
        j = j0 + 1 + sum(mv != GAP_B for mv in moves)
        path = [GAP_B] * i0 + [GAP_A] * j0 + [DIAG] + moves
        return path + [GAP_B] * (m - i) + [GAP_A] * (k - j), cells

    def mode(self) -> np.ndarray:
        """The most likely path (exact: a Viterbi sweep over the cells)."""
        m, k = self.shape
        return pad_path(self._most_likely()[0], m + k)

    def is_degenerate(self, atol: float = 1e-8) -> bool:
        """True when the start cell and every move of the mode's walk have
        probability >= 1 - atol."""
        if self.start.max() < 1.0 - atol:
            return False
        rows = move_rows(self.probs, self._most_likely()[1])
        return bool(np.all(rows.max(axis=1) >= 1.0 - atol))

    def dispersion(self) -> float:
        """Largest entropy (nats) of the start table and of the moves out of
        the cells of the mode's walk."""
        rows = move_rows(self.probs, self._most_likely()[1])
        start = float(entropy_rows(self.start.ravel()))
        return max(start, float(entropy_rows(rows).max(initial=0.0)))
