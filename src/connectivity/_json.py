"""JSON output shared by the command line and the scenario results: numbers that JSON
cannot hold (NaN, infinities) become ``null``, never the non-standard ``NaN`` token.

>>> finite({"a": [1.0, float("inf")], "b": float("nan")})
{'a': [1.0, None], 'b': None}
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["finite"]


def finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float, at any depth of dicts, lists and
    tuples (tuples become lists), replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value
