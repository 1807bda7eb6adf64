"""Pure-Python export of one table of an MS-Access (Jet) database as CSV on stdout.

``python -m sianode.iotools.access_dump FILE TABLE`` mirrors ``mdb-export FILE TABLE`` so
that :mod:`sianode.iotools.arbin` can run either in a subprocess with the same time-out and
memory cap. The parsing is done by ``access-parser`` (Apache-2.0,
github.com/ClarotyICS/access_parser). Exit code 1 and a one-line message on stderr when the
table cannot be read.
"""
from __future__ import annotations

import logging
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m sianode.iotools.access_dump FILE TABLE", file=sys.stderr)
        return 2
    path, table = argv
    logging.disable(logging.CRITICAL)  # the parser logs to stdout/stderr; keep stdout pure CSV
    try:
        import pandas as pd
        from access_parser import AccessParser

        db = AccessParser(path)
        if table not in db.catalog:
            print(f"no table {table!r} in the database", file=sys.stderr)
            return 1
        data = db.parse_table(table)
        df = pd.DataFrame({k: list(v) for k, v in data.items()})
    except Exception as e:  # any parser failure is one clear line
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1
    df.to_csv(sys.stdout, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
