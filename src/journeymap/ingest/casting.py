"""All-or-nothing Arrow casts made element-wise: bad elements become null, found by halving.

Arrow's casts fail the whole array on one bad value. These helpers keep the fast path (one
cast for a clean array) and, only when a cast fails, halve the array until each bad element
is isolated: O(k log n) casts for k bad values, never a Python loop over every row.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def cast_or_null(values: pa.Array, target: pa.DataType, *, safe: bool = True) -> pa.Array:
    """``values`` cast to ``target``, with null where an element does not convert."""
    if values.type.equals(target):
        return values
    return convert_or_null(values, lambda part: pc.cast(part, target, safe=safe), target)


def convert_or_null(
    values: pa.Array, convert: Callable[[pa.Array], pa.Array], target: pa.DataType
) -> pa.Array:
    """Apply an all-or-nothing ``convert``; elements it cannot handle become null."""
    try:
        return convert(values)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if len(values) <= 1:
            return pa.nulls(len(values), target)
    middle = len(values) // 2
    return pa.concat_arrays(
        [
            convert_or_null(values.slice(0, middle), convert, target),
            convert_or_null(values.slice(middle), convert, target),
        ]
    )


def failed(before: pa.Array, after: pa.Array) -> np.ndarray:
    """Mask of the elements that had a value before a conversion and lost it."""
    lost = pc.and_(pc.is_valid(before), pc.is_null(after))
    return np.asarray(lost.to_numpy(zero_copy_only=False), dtype=bool)
