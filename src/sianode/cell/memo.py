"""A bounded memo keyed by a caller-built key, for pure functions of a design's sections.

Used where a quantity depends on a few design sections only (the cell format, the graphite reference cell), so
the designs of a sweep that share those sections share one result. The key is built by the caller (e.g. the
sections as JSON); a build that raises stores nothing; past ``maxsize`` keys the oldest entry is forgotten.
Results are shared: treat them as read-only.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable


class KeyedMemo:
    def __init__(self, maxsize: int = 64):
        self.maxsize = maxsize
        self._values: dict[Hashable, Any] = {}

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value stored under ``key``, built with ``build()`` the first time."""
        if key not in self._values:
            value = build()
            if len(self._values) >= self.maxsize:
                del self._values[next(iter(self._values))]
            self._values[key] = value
        return self._values[key]
