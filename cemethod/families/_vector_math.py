"""Private: an ``exp`` that numba can vectorize, for the EM kernels.

numba calls libm's ``exp`` one value at a time (~4 ns); this branch-free
version compiles to SIMD loops (~0.7 ns). Cody & Waite's range reduction with
a two-part ``log 2`` (as in fdlibm), then the Taylor series on
``|r| <= log(2) / 2`` to degree 13 (truncation below 1e-17): at most 1 ulp from
libm on a million draws. Only the range the kernels use, ``x <= 0``
(``x < -708`` returns ``exp(-708)``, 3e-308, where libm underflows). Compiled
with ``contract`` only (FMA): reassociation would undo the two-part reduction.
"""

from __future__ import annotations

import numba
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

__all__ = ["exp_nonpositive"]

_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # fdlibm's split: n * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10


@intrinsic
def _as_double(typingctx, bits):  # pragma: no cover - compiled
    """The float64 whose IEEE bits are the int64 ``bits``."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@numba.njit(cache=True, nogil=True, fastmath={"contract"}, inline="always")
def exp_nonpositive(x):  # pragma: no cover - compiled
    """``exp(x)`` for ``x <= 0``."""
    x = max(x, -708.0)
    n = float(int(x * _LOG2E - 0.5))  # round to nearest (x * log2 e <= 0)
    r = (x - n * _LN2_HI) - n * _LN2_LO
    p = 1.6059043836821613e-10  # 1 / 13!
    p = p * r + 2.08767569878681e-09
    p = p * r + 2.505210838544172e-08
    p = p * r + 2.755731922398589e-07
    p = p * r + 2.7557319223985893e-06
    p = p * r + 2.48015873015873e-05
    p = p * r + 0.0001984126984126984
    p = p * r + 0.001388888888888889
    p = p * r + 0.008333333333333333
    p = p * r + 0.041666666666666664
    p = p * r + 0.16666666666666666
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    return p * _as_double((int(n) + 1023) << 52)  # times 2**n
