"""Shared pieces of the stage commands' CLIs: exit codes for sianode errors, stages run through the chain."""
from __future__ import annotations

from contextlib import contextmanager

import typer

from sianode.errors import InputError, SianodeError, SolverError


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
    except SianodeError as e:  # e.g. a stage whose requirement failed (sianode.chain.StageFailed)
        err_console.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(1)


def run_stage_cli(design, stage: str, chain_progress=None, **options):
    """The result of ``stage`` for ``design`` through the chain (requirements first, same numbers as
    ``sianode run``); ``options`` go to the stage's ``run``. Raises if the stage or a requirement failed."""
    from sianode.chain import ModelChain

    run = ModelChain(design, [stage], {stage: options} if options else None).run(progress=chain_progress)
    return run.result(stage)
