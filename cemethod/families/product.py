"""Independent blocks of columns, each from its own family: the CE family for
mixed vectors (continuous and discrete decisions side by side)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from cemethod._validation import parameter_error
from cemethod.families._base import SamplingFamily
from cemethod.families._discrete_common import check_alpha, check_n_samples

__all__ = ["Product"]


def _to_dtype(block: np.ndarray, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """``block`` cast to ``dtype`` and a row mask of the rows that survive the
    cast unchanged (integer and boolean parts need integral values in range)."""
    if dtype.kind == "b":
        good = (block == 0) | (block == 1)
    elif np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        with np.errstate(invalid="ignore"):
            good = (block >= info.min) & (block <= info.max)
            if not np.issubdtype(block.dtype, np.integer):
                good &= block == np.floor(block)
    else:
        return block.astype(dtype, copy=False), np.ones(block.shape[0], dtype=bool)
    ok = good.all(axis=1)
    if not ok.all():
        block = np.where(good, block, 0)
    return block.astype(dtype, copy=False), ok


@dataclass(frozen=True, eq=False)
class Product:
    """A vector made of independent blocks of columns, one family per block.

    Parameters
    ----------
    parts : sequence of SamplingFamily
        The families, in column order; any objects following the
        :class:`~cemethod.families.SamplingFamily` protocol with 1-D events.
    widths : sequence of int, optional
        Number of columns of each part, inferred from ``part.mode().size`` when
        omitted and checked against it when given.

    Notes
    -----
    Samples are float64 arrays of shape ``(n, sum(widths))``: discrete parts
    come back as integer-valued float columns. Each part receives its block
    cast back to the dtype of its own ``mode()`` (e.g. ``int8`` for
    :class:`Bernoulli`), so ``log_pdf`` is ``-inf`` on rows whose discrete
    columns are not integers. The joint density is the product of the parts',
    so ``log_pdf`` is the sum, and the weighted maximum-likelihood fit (the CE
    update) and the smoothing of de Boer et al. (2005), eq. (12), act part by
    part. ``dispersion`` is the largest part dispersion; the product is
    degenerate when every part is.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.families import Bernoulli, Categorical, Product
    >>> fam = Product([Bernoulli([0.5, 0.9]), Categorical([[0.2, 0.3, 0.5]])])
    >>> fam.widths
    (2, 1)
    >>> x = fam.sample(4, np.random.default_rng(0))
    >>> x.shape, x.dtype
    ((4, 3), dtype('float64'))
    >>> fam.mode()
    array([0., 1., 2.])
    >>> float(np.exp(fam.log_pdf([[1.0, 1.0, 2.0]]))[0])  # 0.5 * 0.9 * 0.5
    0.225
    """

    parts: tuple
    widths: tuple | None = None

    def __post_init__(self):
        func = "Product"
        try:
            parts = tuple(self.parts)
        except TypeError:
            raise parameter_error(
                func, "parts", "a sequence of families", self.parts
            ) from None
        if not parts:
            raise parameter_error(
                func, "parts", "a non-empty sequence of families", parts
            )
        for i, part in enumerate(parts):
            if not isinstance(part, SamplingFamily):
                raise TypeError(
                    f"The 'parts' parameter of {func} must hold SamplingFamily "
                    f"objects. Part {i} is a {type(part).__name__}."
                )
        # One mode() per part gives its width and the dtype its block is cast to.
        modes = [np.asarray(p.mode()) for p in parts]
        for i, m in enumerate(modes):
            if m.ndim != 1:
                raise parameter_error(
                    func,
                    "parts",
                    f"families of 1-D vectors (part {i} has events of shape {m.shape})",
                    parts[i],
                )
        inferred = tuple(m.size for m in modes)
        if self.widths is None:
            widths = inferred
        else:
            widths = tuple(self.widths)
            if len(widths) != len(parts) or not all(
                isinstance(w, numbers.Integral) and not isinstance(w, bool) and w >= 1
                for w in widths
            ):
                raise parameter_error(
                    func,
                    "widths",
                    f"{len(parts)} positive integers (one per part)",
                    self.widths,
                )
            widths = tuple(int(w) for w in widths)
            if widths != inferred:
                raise parameter_error(
                    func,
                    "widths",
                    f"the event sizes of the parts {inferred}",
                    self.widths,
                )
        dtypes = tuple(m.dtype for m in modes)
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "widths", widths)
        object.__setattr__(self, "_dtypes", dtypes)
        object.__setattr__(self, "_bounds", np.cumsum((0, *widths)))

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.widths == other.widths and self.parts == other.parts

    def __hash__(self):
        return hash((type(self).__name__, self.parts, self.widths))

    def __reduce__(self):
        return (type(self), (self.parts, self.widths))

    @property
    def n_dims(self) -> int:
        """Total number of columns."""
        return int(self._bounds[-1])

    def _blocks(self, x, func: str):
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.n_dims:
            raise parameter_error(
                func, "x", f"a 2-D array with {self.n_dims} columns", x
            )
        b = self._bounds
        return [x[:, b[i] : b[i + 1]] for i in range(len(self.parts))]

    def sample(self, n: int, rng=None) -> np.ndarray:
        """``n`` draws, float64 of shape ``(n, sum(widths))``; the parts draw in
        order from the one generator."""
        n = check_n_samples(n, "Product.sample")
        rng = np.random.default_rng(rng)
        out = np.empty((n, self.n_dims))
        b = self._bounds
        for i, part in enumerate(self.parts):
            out[:, b[i] : b[i + 1]] = np.asarray(part.sample(n, rng)).reshape(n, -1)
        return out

    def log_pdf(self, x) -> np.ndarray:
        """Sum of the parts' log densities; ``-inf`` where a discrete block is not
        integer-valued."""
        blocks = self._blocks(x, "Product.log_pdf")
        total = np.zeros(blocks[0].shape[0])
        for part, dtype, block in zip(self.parts, self._dtypes, blocks, strict=True):
            cast, ok = _to_dtype(block, dtype)
            lp = np.asarray(part.log_pdf(cast), dtype=float)
            total += np.where(ok, lp, -np.inf)
        return total

    def fit(self, x, weights=None) -> Product:
        """Each part fitted to its block with the same weights: the CE update."""
        func = "Product.fit"
        blocks = self._blocks(x, func)
        parts = []
        for i, (part, dtype, block) in enumerate(
            zip(self.parts, self._dtypes, blocks, strict=True)
        ):
            cast, ok = _to_dtype(block, dtype)
            if not ok.all():
                raise parameter_error(
                    func,
                    "x",
                    f"integer values in the columns of part {i} ({dtype})",
                    block,
                )
            parts.append(part.fit(cast, weights))
        return Product(tuple(parts), widths=self.widths)

    def smooth(self, previous: Product, alpha: float) -> Product:
        """Part-by-part smoothing (de Boer et al. 2005, eq. (12))."""
        func = "Product.smooth"
        alpha = check_alpha(alpha, func)
        if type(previous) is not Product:
            raise TypeError(
                f"The 'previous' parameter of {func} must be a Product. "
                f"Got {type(previous).__name__} instead."
            )
        if previous.widths != self.widths:
            raise parameter_error(
                func,
                "previous",
                f"a Product with widths {self.widths}",
                previous.widths,
            )
        parts = tuple(
            p.smooth(q, alpha) for p, q in zip(self.parts, previous.parts, strict=True)
        )
        return Product(parts, widths=self.widths)

    def mode(self) -> np.ndarray:
        """The parts' modes side by side, float64 of shape ``(sum(widths),)``."""
        return np.concatenate(
            [np.asarray(p.mode(), dtype=float).ravel() for p in self.parts]
        )

    def is_degenerate(self, atol: float = 1e-8) -> bool:
        """True when every part is degenerate."""
        return all(bool(p.is_degenerate(atol)) for p in self.parts)

    def dispersion(self) -> float:
        """The largest dispersion of the parts."""
        return max(float(p.dispersion()) for p in self.parts)
