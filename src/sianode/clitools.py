"""Shared pieces of the stage commands' CLIs: exit codes for sianode errors."""
from __future__ import annotations

from contextlib import contextmanager

import typer

from sianode.errors import InputError, SolverError


@contextmanager
def exit_codes(err_console, failed: str = "model failed"):
    """Turn :class:`InputError` into a red message + exit 2 and :class:`SolverError` into exit 1."""
    try:
        yield
    except InputError as e:
        err_console.print(f"[red]invalid input:[/red] {e}", highlight=False)
        raise typer.Exit(2)
    except SolverError as e:
        err_console.print(f"[red]{failed}:[/red] {e}", highlight=False)
        raise typer.Exit(1)
