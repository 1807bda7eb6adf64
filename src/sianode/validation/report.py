"""What `sianode validation` shows: the JSON rows, the rich table, the HTML report with a parity plot."""
from __future__ import annotations

import html
import json
import math
from pathlib import Path

import numpy as np

from sianode.validation import status as st
from sianode.validation.references import load as load_record
from sianode.validation.runner import CaseResult, Row, Run, score, score_line

STATUS_COLOURS = {st.PASS: "#1a7f37", st.KNOWN_GAP: "#c2410c", st.FAIL: "#b42318", st.NOT_RUN: "#6b7280"}
RICH_STYLES = {st.PASS: "green", st.KNOWN_GAP: "dark_orange", st.FAIL: "bold red", st.NOT_RUN: "dim"}


def to_json(rows: list[Row]) -> str:
    """The JSON list of row objects (the issue's fields, plus fitted_on / reason where they apply)."""
    return json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False)


def _fmt(v, digits: int = 4) -> str:
    return "–" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{v:.{digits}g}"


#: Below this terminal width the tolerance column is left out (it is in the JSON and HTML), so that the
#: status column is never cut.
NARROW_COLUMNS = 100


def rich_table(rows: list[Row], width: int | None = None):
    """A rich Table of the rows, grouped by case (sources and reasons are in the JSON and HTML); ``width``: the
    terminal's, narrower than :data:`NARROW_COLUMNS` drops the tolerance column."""
    from rich import box
    from rich.padding import Padding
    from rich.table import Table

    narrow = width is not None and width < NARROW_COLUMNS
    caption = score_line(rows) + ("\n(tolerances: widen the terminal, or --format html / json)" if narrow else "")
    t = Table(title="sianode validation", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, caption=caption,
              caption_justify="left", caption_style="bold")
    t.add_column("case / quantity", ratio=1, min_width=16)
    t.add_column("model", justify="right", no_wrap=True)
    t.add_column("reference", justify="right", no_wrap=True)
    t.add_column("deviation", justify="right", no_wrap=True)
    if not narrow:
        t.add_column("tolerance", no_wrap=True)
    t.add_column("status", no_wrap=True, min_width=len("known-gap"))
    last = None
    for r in rows:
        if r.id != last:
            t.add_row(f"[bold]{r.id}[/bold]", end_section=False)
            last = r.id
        s = RICH_STYLES.get(r.status, "")
        unit = "" if r.quantity.unit in ("-", "") else f" {r.quantity.unit}"
        kind = "" if r.kind == "prediction" else " [italic](fit)[/italic]"
        tol = [] if narrow else [r.quantity.tolerance.text(r.quantity.unit).replace("reference", "ref.")]
        t.add_row(Padding(f"{r.quantity.name}{kind}", (0, 0, 0, 2)), _fmt(r.model), _fmt(r.reference) + unit,
                  r.deviation_text(), *tol, f"[{s}]{r.status}[/{s}]")
    return t


# ------------------------------------------------------------------------------------------ figures
def normalised_deviation(r: Row, clip: float = 5.0) -> float | None:
    """Deviation in units of the tolerance (|x| <= 1 inside a two-sided band); clipped to ±clip."""
    if r.deviation is None:
        return None
    tol = r.quantity.tolerance
    if tol.type == "at_least":
        x = 0.0 if st.within(r.model, r.reference, tol) else -clip
        if tol.value > 0:
            x = r.deviation / tol.value
    elif tol.value > 0:
        x = r.deviation / tol.value
    else:
        x = 0.0 if r.deviation == 0 else math.copysign(clip, r.deviation)
    return float(np.clip(x, -clip, clip))


def parity_figure(rows: list[Row]):
    """Model vs reference for every judged row; log axes when the values span more than two decades."""
    import matplotlib.pyplot as plt

    pts = [r for r in rows if r.model is not None and r.reference is not None and math.isfinite(r.model)]
    pos = [r for r in pts if r.model > 0 and r.reference > 0]
    fig, ax = plt.subplots(figsize=(5.6, 5.2))
    vals = np.array([v for r in pos for v in (r.model, r.reference)] or [1.0])
    log = vals.max() / vals.min() > 100
    for s, colour in STATUS_COLOURS.items():
        for kind, marker in (("prediction", "o"), ("fit", "s")):
            sel = [r for r in pos if r.status == s and r.kind == kind]
            if not sel:
                continue
            ax.scatter([r.reference for r in sel], [r.model for r in sel], s=28, marker=marker,
                       facecolors=colour if kind == "prediction" else "none", edgecolors=colour,
                       label=f"{s} ({kind}, {len(sel)})", zorder=3)
    lo, hi = vals.min() / (2 if log else 1), vals.max() * (2 if log else 1.05)
    if not log:
        lo = min(0.0, lo)
    ax.plot([lo, hi], [lo, hi], color="k", lw=0.8, zorder=1)
    for f, ls in ((1.3, ":"), (1 / 1.3, ":")):
        ax.plot([lo, hi], [lo * f, hi * f], color="0.5", lw=0.6, ls=ls, zorder=1)
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xlabel("published reference (each quantity in its own unit)")
    ax.set_ylabel("sianode model")
    ax.set_title("parity: model vs reference (dotted: ±30 %)", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    skipped = len(pts) - len(pos)
    return fig, skipped


def _short(label: str, n: int = 52) -> str:
    return label if len(label) <= n else label[:n - 1] + "…"


def deviation_figure(rows: list[Row], clip: float = 5.0):
    """Each row's deviation in units of its tolerance: inside the shaded band is a pass."""
    import matplotlib.pyplot as plt

    judged = [(r, normalised_deviation(r, clip)) for r in rows]
    judged = [(r, x) for r, x in judged if x is not None]
    n = max(len(judged), 1)
    fig, ax = plt.subplots(figsize=(6.0, 0.9 + 0.2 * n))
    y = np.arange(len(judged))[::-1]
    ax.axvspan(-1, 1, color="#1a7f37", alpha=0.08, zorder=0)
    ax.axvline(0, color="k", lw=0.6)
    for yi, (r, x) in zip(y, judged):
        ax.barh(yi, x, color=STATUS_COLOURS[r.status], height=0.7,
                hatch="//" if r.kind == "fit" else None, edgecolor="white" if r.kind == "fit" else None)
    ax.set_yticks(y)
    ax.set_yticklabels([_short(f"{r.id}: {r.quantity.name}") for r, _ in judged], fontsize=7.5)
    ax.set_xlim(-clip - 0.2, clip + 0.2)
    ax.set_ylim(-0.8, len(judged) - 0.2)
    ax.set_xlabel(f"deviation / tolerance (clipped at ±{clip:g})\nshaded: inside a two-sided band; hatched: fit",
                  fontsize=8)
    ax.set_title("how far each quantity is from its reference, in tolerances", fontsize=10)
    ax.tick_params(axis="x", labelsize=8)
    return fig


# ------------------------------------------------------------------------------------------ HTML
def _status_span(s: str) -> str:
    return (f'<span style="color:{STATUS_COLOURS.get(s, "#222")};font-weight:600;white-space:nowrap">'
            f"{html.escape(s)}</span>")


def _rows_table(rows: list[Row]) -> str:
    head = ("<tr><th>quantity</th><th>model</th><th>reference</th><th>unit</th><th>deviation</th>"
            "<th>tolerance</th><th>status</th><th>kind</th></tr>")
    body = "".join(
        f"<tr><th>{html.escape(r.quantity.name)}</th><td>{_fmt(r.model)}</td><td>{_fmt(r.reference)}</td>"
        f"<td>{html.escape(r.quantity.unit)}</td><td>{html.escape(r.deviation_text())}</td>"
        f"<td>{html.escape(r.quantity.tolerance.text(r.quantity.unit))}</td><td>{_status_span(r.status)}</td>"
        f"<td>{html.escape(r.kind)}</td></tr>" for r in rows)
    return f"<div class='wide'><table class='tbl'>{head}{body}</table></div>"


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else ""


def case_section(c: CaseResult):
    from sianode.report.html import Section, kv_table, paragraph, table

    rows = c.rows
    body = paragraph(c.case.what) + _rows_table(rows)
    body += "<p><b>Sources</b></p>" + _list([f"{html.escape(r.quantity.name)}: {html.escape(r.quantity.source)}"
                                               for r in rows])
    fits = [r for r in rows if r.kind == "fit"]
    if fits:
        body += "<p><b>Fitted (not counted as predictions)</b></p>" + _list(
            [f"{html.escape(r.quantity.name)}: {html.escape(r.quantity.fitted_on)}" for r in fits])
    why = [r for r in rows if r.reason]
    if why:
        body += "<p><b>Why it misses / did not run</b></p>" + _list(
            [f"{_status_span(r.status)} <b>{html.escape(r.quantity.name)}</b>: {html.escape(r.reason)}" for r in why])
    for title, text in load_record().notes.get(c.case.id, []):
        body += f"<p><b>{html.escape(title)}.</b> {html.escape(text)}</p>"
    if c.output is not None and c.output.details:
        body += kv_table({k: v for k, v in c.output.details.items() if v is not None}, caption="details")
    if c.output is not None and c.output.table is not None and len(c.output.table):
        body += f"<div class='wide'>{table(c.output.table)}</div>"
    body += f"<p class='note'>case run time {c.seconds:.1f} s</p>"
    return Section(f"{c.case.id}: {c.case.title}", body)


def write_html(run: Run, path: Path) -> Path:
    """validation.html: score, parity plot, deviation chart, case summary, one section per case."""
    from sianode.report.html import Section, figure, paragraph, render

    rows = run.rows
    sc = score(rows)
    fig, skipped = parity_figure(rows)
    parity = figure(fig, "parity plot: model vs published reference")
    note = f" {skipped} row(s) with a zero or negative value are not on the log axes." if skipped else ""
    summary = "".join(
        f"<tr><th><a href='#{html.escape(_anchor(c))}'>{html.escape(c.case.id)}</a></th>"
        f"<td style='text-align:left'>{html.escape(c.case.title)}</td>"
        + "".join(f"<td>{sum(r.status == s for r in c.rows)}</td>" for s in st.STATUSES)
        + f"<td>{c.seconds:.1f}</td></tr>" for c in run.results)
    summary = ("<div class='wide'><table class='tbl'><tr><th>case</th><th>title</th>"
               + "".join(f"<th>{s}</th>" for s in st.STATUSES) + "<th>s</th></tr>" + summary + "</table></div>")
    overview = Section("Score", (
        f"<p style='font-size:1.15em'><b>{html.escape(score_line(rows))}</b></p>"
        + paragraph(f"{sc['predictions']} predicted quantities judged; fits are shown but not scored. "
                    "A known gap is a miss with a written reason, not a pass. Run time "
                    f"{run.seconds:.0f} s.")
        + parity + paragraph("Each point is one quantity (model against its published value), in its own unit; "
                             "hollow squares are fits." + note)
        + figure(deviation_figure(rows), "deviation in units of tolerance")
        + summary))
    sections = [overview] + [case_section(c) for c in run.results]
    intro = paragraph("Every model held against the published record: each reference case runs through the "
                      "same public functions users call. Reference values, tolerances (with their "
                      "justification) and known-gap reasons come from the data files of "
                      "sianode.validation; docs/validation.md holds the recorded status.")
    out = render("sianode validation", sections, path, intro=intro)
    # small additions to the shared stylesheet: wide tables scroll on narrow screens
    text = out.read_text(encoding="utf-8").replace(
        "</style>", ".wide{overflow-x:auto}.tbl th{text-align:left}body{padding:0 1em}</style>", 1)
    out.write_text(text, encoding="utf-8")
    return out


def _anchor(c: CaseResult) -> str:
    return f"{c.case.id}: {c.case.title}".lower().replace(" ", "-")


def write_outputs(run: Run, out_dir: Path) -> tuple[Path, Path]:
    """Write ``validation.html`` and ``validation.json`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    js = out_dir / "validation.json"
    js.write_text(to_json(run.rows) + "\n", encoding="utf-8")
    return write_html(run, out_dir / "validation.html"), js
