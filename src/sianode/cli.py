"""The ``sianode`` command line (typer + rich).

Exit codes: 0 success, 2 invalid input (design, data file, option), 1 internal failure
(a model that could not be solved, a bug). Set SIANODE_DEBUG=1 to see tracebacks.
"""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from sianode.clitools import _esc, design_out_dir, ensure_out_dir, key_results_table, os_reason, print_outputs
from sianode.errors import InputError, SianodeError, SolverError

app = typer.Typer(
    name="sianode",
    help="Silicon-anode science, computable: design and predict Si anodes, analyse measured data, "
    "compare with the published record.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


def _version_callback(value: bool) -> None:
    if value:
        from sianode import __version__

        console.print(f"sianode {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Print the sianode version and exit."),
) -> None:
    """Silicon-anode science, computable: design and predict Si anodes, analyse measured data, compare with
    the published record."""


def _load(design: Optional[Path]):
    from sianode.design import load_design, load_example

    return load_example() if design is None else load_design(design)


@app.command()
def run(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file. Omit to run the bundled default "
                                            "design (CVD Si–C in porous carbon)."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Folder for report.html, CSV tables and "
                                           "summary.json. Default: sianode-output/<design file name>/."),
    stages: Optional[list[str]] = typer.Option(None, "--stage", "-s", help="Run only these stages (repeatable): "
                                               "materials, mechanics, life, echem, cell. Default: all."),
) -> None:
    """Run a design through every model stage and write an HTML report, CSV tables and a JSON summary."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from sianode.chain import ModelChain
    from sianode.report.design_report import write_report

    d = _load(design)
    chain = ModelChain(d, stages)
    with design_out_dir(design, out_dir) as out_dir:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err_console, transient=True) as prog:
            task = prog.add_task("starting", total=None)
            result = chain.run(progress=lambda s: prog.update(task, description=f"stage: {s}"))
            prog.update(task, description="writing report")
            files = result.write(out_dir)
            report = write_report(result, out_dir)
    kr = result.key_results()
    if len(kr):
        console.print(key_results_table(kr, f"sianode: {result.design.name} — key results", show_stage=True))
    print_outputs(console, out_dir, files, report)
    if result.failures:
        for f in result.failures:
            err_console.print(f"[red]stage {f.stage} failed:[/red] {f.message}", highlight=False)
        raise typer.Exit(1)


@app.command()
def validate(design: Path = typer.Argument(..., help="Design TOML file to check.")) -> None:
    """Check a design file; print what is wrong (exit 2) or the design's main choices (exit 0)."""
    d = _load(design)
    console.print(f"[green]valid[/green]: {design} — {d.name}", highlight=False)
    console.print(_design_table(d))
    console.print(f"next: [bold]sianode run {design}[/bold] (every stage) or one stage, e.g. "
                  f"[bold]sianode materials {design}[/bold]; all fields: [bold]sianode schema[/bold]",
                  highlight=False, soft_wrap=True)


def _design_table(d) -> Table:
    """The main choices of a design with units (what `validate` confirms back to the user)."""
    from rich.markup import escape

    t = Table(show_header=False)
    t.add_column("field", style="bold")
    t.add_column("value")
    a, e, el, c, p = d.active, d.electrode, d.electrolyte, d.cell, d.protocol
    si = getattr(a, "silicon", a)  # Si/graphite: the Si component
    size = next((f"{getattr(si, k):g} {u}" for k, u in (("diameter_nm", "nm"), ("diameter_um", "µm"),
                                                       ("skeleton_size_um", "µm skeleton"))
                 if getattr(si, k, None) is not None), "")
    content = next((f"{100 * getattr(a, k):g} wt% Si" for k in ("si_fraction", "si_wt_frac")
                    if getattr(a, k, None) is not None), "")
    rows = [("active material", ", ".join(x for x in (a.family, content, size) if x)),
            ("electrode", f"{e.loading_mg_cm2:g} mg/cm2, {100 * e.active_wt_frac:g} wt% active, binder {e.binder}"),
            ("electrolyte", f"{el.kind}" + (f", {el.salt} {el.salt_molarity_M:g} mol/L" if getattr(el, "salt", None)
                                             else "")),
            ("cell", "half cell vs Li metal" if c.kind == "half"
             else f"full cell vs {c.cathode}, N/P {c.np_ratio:g} ({c.np_basis})"),
            ("protocol", (f"{p.c_rate:g}C" if p.c_rate is not None else f"{p.current_A_g:g} A/g")
             + f", {p.v_min_V:g}–{p.v_max_V:g} V, {p.temperature_C:g} °C, {p.cycles} cycles")]
    for k, v in rows:
        t.add_row(k, escape(v))
    return t


@app.command()
def examples(write: Optional[Path] = typer.Option(None, "--write", help="Copy the example designs into this directory."),
             with_data: bool = typer.Option(False, "--with-data", help="With --write: also write the bundled measured "
                                            "half cells (cellpy's Arbin Si half cell, a Neware CSV; MIT) for "
                                            "`sianode analyze` and `sianode calibrate`.")) -> None:
    """List the bundled example designs, or write them (and measured example files) to a directory to edit."""
    from sianode.design.loader import DEFAULT_EXAMPLE, example_names, example_text, load_example

    if write is not None:  # a folder that cannot be written is said first, before any output
        ensure_out_dir(write, "--write")

    t = Table(title="bundled example designs")
    t.add_column("name")
    t.add_column("family")
    t.add_column("description")
    for n in example_names():
        d = load_example(n)
        t.add_row(n + (" (default)" if n == DEFAULT_EXAMPLE else ""), d.active.family, d.description)
    console.print(t)
    if write is not None:
        wrote, kept = [], []
        for n in example_names():
            p = write / f"{n}.toml"
            if p.exists():  # never overwrite a design the user may have edited
                kept.append(p.name)
                continue
            p.write_text(example_text(n), encoding="utf-8")
            wrote.append(p.name)
        if with_data:
            from sianode.validation.cases.realdata import BUNDLED_FILES, bundled_bytes

            for name in BUNDLED_FILES:
                p = write / name
                if p.exists():
                    kept.append(p.name)
                    continue
                p.write_bytes(bundled_bytes(name))
                wrote.append(p.name)
        if kept:
            err_console.print(f"[yellow]kept existing[/yellow] (not overwritten): {', '.join(kept)}", highlight=False)
        console.print(f"[bold]wrote:[/bold] {', '.join(wrote) or 'nothing new'} in {write.resolve()}",
                      highlight=False, soft_wrap=True)
        first = write / f"{DEFAULT_EXAMPLE}.toml"
        console.print(f"next: edit a design, check it with [bold]sianode validate {first}[/bold], run it with "
                      f"[bold]sianode run {first}[/bold]", highlight=False, soft_wrap=True)
        if with_data:
            console.print("the measured files are real Si half cells (source and licence: docs/calibration.md); "
                          f"try [bold]sianode calibrate {write / BUNDLED_FILES[0]} --design {first}[/bold]",
                          highlight=False, soft_wrap=True)
    elif with_data:
        raise InputError("--with-data writes files: give the folder with --write", field="--with-data")
    else:
        console.print("copy them to edit: [bold]sianode examples --write my-designs[/bold]; run one as is: "
                      "[bold]sianode run[/bold] (the default)", highlight=False)


def _broken(command: str, module: str, err: Exception):
    """A command whose module failed to import: it stays listed and says why (exit 1), never vanishes."""
    def cmd() -> None:
        err_console.print(f"[red]internal error:[/red] the '{command}' command could not load {module}: "
                          f"{type(err).__name__}: {err}", highlight=False)
        raise typer.Exit(1)
    cmd.__doc__ = f"(unavailable: {module} failed to import)"
    return cmd


def _mount(command: str, module: str, attr: str) -> None:
    """Register a command implemented in a stage package (an import failure is reported, not hidden)."""
    try:
        fn = getattr(importlib.import_module(module), attr)
    except Exception as e:  # noqa: BLE001 - a broken module of this package is a failure to show
        fn = _broken(command, module, e)
    app.command(command)(fn)


def _mount_group(name: str, module: str, attr: str, help: str) -> None:
    try:
        sub = getattr(importlib.import_module(module), attr)
    except Exception as e:  # noqa: BLE001
        app.command(name)(_broken(name, module, e))
        return
    app.add_typer(sub, name=name, help=help)


@app.command()
def schema(section: Optional[str] = typer.Argument(None, help="Section to show: active, electrode, electrolyte, "
                                                   "cell, protocol (or a sub-section such as cell.prelithiation). "
                                                   "Omit for every section.")) -> None:
    """Print the design fields with their units, defaults and allowed ranges."""
    from sianode.design.docs import allowed_text, default_text, schema_sections, unit_of

    sections = schema_sections()
    if section:
        want = section.strip().lower()
        sections = [(t, m) for t, m in sections
                    if any(lbl.split(" (")[0].lower() == want or lbl.lower().startswith(want + " (")
                           or lbl.lower().startswith(want + ".") for lbl in t.split(" | "))]
        if not sections:
            import difflib

            names = sorted({lbl.split(" (")[0] for t, _ in schema_sections() for lbl in t.split(" | ")} - {"(top level)"})
            close = difflib.get_close_matches(want, names, n=1)
            raise InputError(f"no design section {section!r}" + (f"; did you mean {close[0]!r}?" if close else "")
                             + f" Sections: {', '.join(names)}", field="section")
    from rich.markup import escape
    from rich.padding import Padding
    from rich.text import Text

    from sianode.provenance import cite_seeds

    for title, model in sections:
        console.print(f"\n[bold cyan]{escape('[' + title + ']')}[/bold cyan]", highlight=False)
        for name, f in model.model_fields.items():
            unit = unit_of(name, f.description)
            head = f"  [bold]{name}[/bold]" + (f" ({unit})" if unit else "")
            console.print(f"{head}  default {default_text(f)}; allowed: {allowed_text(f)}", highlight=False)
            if f.description:
                console.print(Padding(Text(cite_seeds(f.description), style="dim"), (0, 0, 0, 6)))


_mount("materials", "sianode.materials.cli", "materials")
_mount("mechanics", "sianode.mechanics.cli", "mechanics")
_mount("life", "sianode.life.cli", "life")
_mount("simulate", "sianode.echem.cli", "simulate")
_mount("cell", "sianode.cell.cli", "cell")
_mount("analyze", "sianode.analysis.cli", "analyze")
_mount("calibrate", "sianode.calibration.cli", "calibrate")
_mount("compare", "sianode.literature.cli", "compare")
_mount("validation", "sianode.validation.cli", "validation")
_mount("sweep", "sianode.sweep.cli", "sweep")
_mount("diff", "sianode.diff", "diff")
_mount_group("literature", "sianode.literature.cli", "literature_app", "Query the published silicon-anode record.")


def main() -> None:
    """Console entry point: turn sianode errors into messages and exit codes."""
    from pydantic import ValidationError

    debug = bool(os.environ.get("SIANODE_DEBUG"))
    try:
        app()
    except InputError as e:
        err_console.print(f"[red]error:[/red] {_esc(e)}", markup=True, highlight=False, soft_wrap=True)
        sys.exit(2)
    except ValidationError as e:
        from sianode.design.loader import format_validation_error

        err_console.print(f"[red]error:[/red] {_esc(format_validation_error(e, 'input'))}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except SolverError as e:
        err_console.print(f"[red]model failed:[/red] {_esc(e)}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except OSError as e:  # a path the user gave cannot be read or written: theirs to fix
        where = f" {e.filename}" if getattr(e, "filename", None) else ""
        err_console.print(f"[red]error:[/red] cannot use{where}: {os_reason(e)}; check the path and its "
                          "permissions, or choose another with -o", highlight=False, soft_wrap=True)
        sys.exit(2)
    except SianodeError as e:
        err_console.print(f"[red]error:[/red] {_esc(e)}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except Exception as e:  # noqa: BLE001
        if debug:
            raise
        err_console.print(f"[red]internal error:[/red] {type(e).__name__}: {e}\n"
                          "[dim]Please report it; SIANODE_DEBUG=1 shows the traceback.[/dim]", highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
