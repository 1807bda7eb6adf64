"""Shared pieces of the command line: exit codes, output folders, help rendering.

Every command uses these so that the same user error gets the same message and exit code:
InputError (and any path the user can fix) -> message + exit 2; SolverError -> exit 1.
"""
from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import typer

from sianode.errors import InputError, SianodeError, SolverError

#: Parent of the default output folders (``sianode-output/<design or file stem>/``).
DEFAULT_OUT_ROOT = Path("sianode-output")


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


def default_out_dir(stem: str | None, fallback: str = "default") -> Path:
    """Default output folder for one input: ``sianode-output/<stem>/`` (stem of the design or data file)."""
    name = (stem or fallback).strip() or fallback
    safe = "".join(ch if (ch.isalnum() or ch in "-_.") else "_" for ch in name)
    return DEFAULT_OUT_ROOT / safe


def ensure_out_dir(path: str | Path, option: str = "-o/--out-dir") -> Path:
    """Create ``path`` as a writable folder or raise :class:`InputError` saying what to do.

    Checks, before any model runs: the path is not an existing file, it can be created, and a file
    can be written in it (so a long run never fails at the very end on a permission problem).
    """
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"{p} exists and is a file, not a folder; give a folder name with {option}",
                         field=option)
    try:
        p.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=p, prefix=".sianode-write-test-"):
            pass
    except OSError as e:
        raise InputError(f"cannot write to {p}: {os_reason(e)}; choose a folder you can write to with {option}",
                         field=option) from None
    return p


def os_reason(e: OSError) -> str:
    """A short, user-facing reason for an OSError (no Python class names)."""
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied" if e.errno != errno.EROFS else "read-only file system"
    if e.errno == errno.ENOENT:
        return "a parent folder does not exist or cannot be created"
    if e.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if e.errno == errno.ENOSPC:
        return "no space left on the device"
    return e.strerror or os.strerror(e.errno or 0) or str(e)


def _hide_flag_types() -> None:
    """Typer prints ``<bool>`` in the type column of every on/off flag; a flag takes no value, so show none."""
    try:
        from typer.core import TyperOption
    except ImportError:  # pragma: no cover - typer layout changed; help still works
        return
    if getattr(TyperOption, "_sianode_flag_patch", False) or not hasattr(TyperOption, "display_type_rich"):
        return
    original = TyperOption.display_type_rich

    def display_type_rich(self, ctx):
        if getattr(self, "is_flag", False):
            return None
        return original(self, ctx)

    TyperOption.display_type_rich = display_type_rich
    TyperOption._sianode_flag_patch = True


_hide_flag_types()


def write_atomic(files: dict) -> list[Path]:
    """Write ``{path: DataFrame | str}`` through temporary files renamed at the end: a failure never leaves
    partial output. DataFrames are written as CSV."""
    tmp = []
    try:
        for p, obj in files.items():
            p = Path(p)
            p.parent.mkdir(parents=True, exist_ok=True)
            t = p.with_name(p.name + ".part")
            if hasattr(obj, "to_csv"):
                obj.to_csv(t, index=False)
            else:
                t.write_text(obj, encoding="utf-8")
            tmp.append((t, p))
        for t, p in tmp:
            os.replace(t, p)
    finally:
        for t, _ in tmp:
            if t.exists():
                t.unlink()
    return [Path(p) for p in files]


def run_stage_cli(design, stage: str, chain_progress=None, **options):
    """The result of ``stage`` for ``design`` through the chain (requirements first, same numbers as
    ``sianode run``); ``options`` go to the stage's ``run``. Raises if the stage or a requirement failed."""
    from sianode.chain import ModelChain

    run = ModelChain(design, [stage], {stage: options} if options else None).run(progress=chain_progress)
    return run.result(stage)
