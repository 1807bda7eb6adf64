"""Line numbers of the keys and array strings of a TOML text (tomllib keeps none), for error messages.

A small line scanner, not a TOML parser: the text has already been parsed by :mod:`tomllib`; this only
finds where each key was written so an error can say ``spec.toml line 12``. It understands table headers
(``[a.b]``, ``[[a]]``), bare / quoted / dotted keys, keys inside one-line inline tables and the string
items of (multi-line) arrays, which is what a sweep SPEC uses.
"""
from __future__ import annotations

import re

_KEY = r'(?:[A-Za-z0-9_\-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=")
_INLINE_KEY = re.compile(rf"[{{,]\s*({_DOTTED})\s*=")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


def split_key(dotted: str) -> tuple[str, ...]:
    """``a."b.c".d`` -> ``("a", "b.c", "d")``."""
    parts = re.findall(_KEY, dotted)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def _strip_comment(line: str) -> str:
    out, quote = [], None
    for ch in line:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        out.append(ch)
    return "".join(out)


def key_lines(text: str) -> dict[tuple, int]:
    """``{key path: 1-based line}``; array string items are keyed ``path + (index,)``.

    Paths of keys inside ``[[array]]`` tables get the table's item index: ``("objectives", 0, "maximize")``.
    """
    lines: dict[tuple, int] = {}
    prefix: tuple = ()
    counts: dict[tuple, int] = {}
    array_key: tuple | None = None
    depth = 0
    item = 0
    for no, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        if depth > 0 and array_key is not None:  # continuation of a multi-line array
            for _ in _STRING.finditer(line):
                lines.setdefault(array_key + (item,), no)
                item += 1
            depth += line.count("[") - line.count("]")
            if depth <= 0:
                array_key, depth = None, 0
            continue
        h = _HEADER.match(line)
        if h:
            path = split_key(h.group(2))
            if h.group(1) == "[[":
                i = counts.get(path, 0)
                counts[path] = i + 1
                prefix = path + (i,)
            else:
                prefix = path
            lines.setdefault(prefix, no)
            continue
        a = _ASSIGN.match(line)
        if not a:
            continue
        key = prefix + split_key(a.group(1))
        lines.setdefault(key, no)
        value = line[a.end():]
        for m in _INLINE_KEY.finditer(value):
            lines.setdefault(key + split_key(m.group(1)), no)
        if value.lstrip().startswith("["):
            array_key, item = key, 0
            for _ in _STRING.finditer(value):
                lines.setdefault(key + (item,), no)
                item += 1
            depth = value.count("[") - value.count("]")
            if depth <= 0:
                array_key, depth = None, 0
    return lines


def line_of(lines: dict[tuple, int], path: tuple) -> int | None:
    """Line of ``path`` or of its nearest written ancestor."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
