"""Truncation check for delimited text exports.

A file cut short by a crashed copy or a full disk ends inside a line: no line break at the
end, and a last line with fewer fields than the header. Readers call
:func:`check_complete_last_line` before parsing, so a truncated export is refused with a
message instead of being analysed as if the test had ended there.
"""
from __future__ import annotations

import os
from pathlib import Path

from sianode.errors import InputError


def _last_lines(path: Path, n_bytes: int = 65536) -> list[bytes]:
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - n_bytes), os.SEEK_SET)
        tail = fh.read()
    return tail.splitlines()


def check_complete_last_line(path: str | Path, sep: str | None = None, header_fields: int | None = None) -> None:
    """InputError if ``path`` ends inside a line whose field count is below the header's.

    ``sep``: the field separator (guessed from the last complete line if None);
    ``header_fields``: expected number of fields (taken from the second-to-last line if None).
    A last line without a line break but with the full number of fields is accepted (many
    hand-written files end that way).
    """
    path = Path(path)
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) in (b"\n", b"\r"):
            return
    lines = [ln for ln in _last_lines(path) if ln.strip()]
    if len(lines) < 2:
        return
    last, prev = lines[-1].decode("latin-1"), lines[-2].decode("latin-1")
    if sep is None:
        sep = max(("\t", ",", ";"), key=prev.count)
    want = header_fields if header_fields is not None else prev.count(sep) + 1
    have = last.count(sep) + 1
    if have < want:
        raise InputError(f"truncated file: the last line ends after {have} of {want} fields and has no "
                         "line break (the file was cut short; copy it again from the instrument)",
                         field=str(path))
