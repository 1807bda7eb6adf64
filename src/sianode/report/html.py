"""Self-contained HTML reports: figures embedded as base64 PNG, tables as HTML.

Every report (design run, stage commands, analysis, literature comparison, validation) is a list of
:class:`Section` rendered by :func:`render`. Figures are matplotlib figures (Agg backend, no screen
needed). The page rules every report shares live here:

* every table sits in a box that scrolls sideways when it is wider than the page (``div.scroll``);
* a table longer than :data:`COLLAPSE_ROWS` rows is collapsed behind a toggle (``<details>``), and
  every data table can be downloaded as CSV (a ``data:`` link, so the report stays one file);
* text columns wrap at a readable width, numbers never wrap;
* figures scale down to the page width;
* seed references in the text become the papers' citations (:func:`sianode.provenance.cite_seeds`).
"""
from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

#: Tables with more rows than this are collapsed behind a toggle.
COLLAPSE_ROWS = 15
#: Rows drawn in the page at most (the CSV link carries every row).
MAX_HTML_ROWS = 500
#: Largest CSV embedded as a download link; bigger tables point at the CSV files beside the report.
MAX_CSV_BYTES = 1_500_000
#: Width of report figures in inches at :data:`FIGURE_DPI` (about the page's text width).
FIGURE_DPI = 110


@dataclass
class Section:
    """One report section: a title, free HTML (paragraphs, tables, figures) and sub-sections."""

    title: str
    body: str = ""
    children: list["Section"] = field(default_factory=list)


def figure(fig, alt: str = "") -> str:
    """Embed a matplotlib figure as a base64 PNG ``<img>`` tag and close the figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"/></figure>'


def _cell(v, float_format: str) -> str:
    if v is None:
        return ""
    if isinstance(v, float) or (hasattr(v, "dtype") and getattr(v.dtype, "kind", "") == "f"):
        return "" if v != v else float_format.format(float(v))
    return html.escape(str(v))


def _header(name) -> str:
    # let long machine names (delithiation_capacity_mAh_g) break after an underscore instead of widening the
    # table, never inside their unit suffix (current_A_g -> "current_" / "A_g")
    from sianode.units import SUFFIX_PATTERN

    name = str(name)
    m = SUFFIX_PATTERN.search(name)
    stem, unit = (name[: m.start()], name[m.start() + 1:]) if m else (name, "")
    return "_<wbr>".join(html.escape(part) for part in stem.split("_")) + (f"_<wbr>{html.escape(unit)}" if unit else "")


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return s or "table"


def _kind(col: pd.Series) -> str:
    """CSS class of a column: numbers (right, no wrap), short text (no wrap) or long text (wraps)."""
    if col.dtype.kind in "iufb":
        return "num"
    longest = max((len(str(v)) for v in col.head(MAX_HTML_ROWS)), default=0)
    return "txt long" if longest > 32 else "txt"


def csv_link(df: pd.DataFrame, name: str) -> str:
    """A download link carrying ``df`` as CSV (every row), or a note when it is too large to embed."""
    data = df.to_csv(index=False).encode("utf-8")
    if len(data) > MAX_CSV_BYTES:
        return "<span class='note'>full table: the CSV files beside this report</span>"
    b64 = base64.b64encode(data).decode("ascii")
    return (f"<a class='csv' download='{_slug(name)}.csv' href='data:text/csv;charset=utf-8;base64,{b64}'>"
            f"download CSV</a>")


def table(df: pd.DataFrame, float_format: str = "{:.4g}", max_rows: int = MAX_HTML_ROWS, name: str = "table",
          csv: bool = True) -> str:
    """Render a DataFrame as an HTML table in a sideways-scrolling box.

    Numeric columns are right-aligned and never wrap; text columns wrap at a readable width. More than
    :data:`COLLAPSE_ROWS` rows: collapsed behind a toggle. ``csv``: a link downloads every row as
    ``<name>.csv``. At most ``max_rows`` rows are drawn.
    """
    shown = df.head(max_rows)
    kinds = [_kind(df[c]) for c in df.columns]
    head = "".join(f"<th class='{k}'>{_header(c)}</th>" for c, k in zip(df.columns, kinds))
    body = "".join("<tr>" + "".join(f"<td class='{k}'>{_cell(v, float_format)}</td>"
                                    for v, k in zip(row, kinds)) + "</tr>"
                   for row in shown.itertuples(index=False, name=None))
    out = f"<div class='scroll'><table class='tbl'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    more = f"<p class='note'>{len(df) - max_rows} more rows in the CSV.</p>" if len(df) > max_rows else ""
    link = csv_link(df, name) if csv else ""
    if len(df) > COLLAPSE_ROWS:
        what = f"table: {len(df)} rows × {len(df.columns)} columns"
        return (f"<details class='long'><summary>{html.escape(what)} (click to show)</summary>{out}{more}</details>"
                + (f"<p class='dl'>{link}</p>" if link else ""))
    return out + more + (f"<p class='dl'>{link}</p>" if link else "")


def kv_table(items: dict, caption: str = "") -> str:
    """Two-column table of ``name: value`` pairs; more than :data:`COLLAPSE_ROWS` pairs: collapsed behind a
    toggle, as :func:`table` does."""
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_fmt(v))}</td></tr>" for k, v in items.items()
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    out = f"<div class='scroll'><table class='kv'>{cap}{rows}</table></div>"
    if len(items) > COLLAPSE_ROWS:
        what = f"{caption + ': ' if caption else ''}{len(items)} values"
        return f"<details class='long'><summary>{html.escape(what)} (click to show)</summary>{out}</details>"
    return out


def quantities_table(df: pd.DataFrame, show_stage: bool = False) -> str:
    """A key-results frame (:mod:`sianode.key_results`: stage, quantity, value, unit, note) as an HTML table;
    ``show_stage`` starts each stage's rows with its name."""
    rows, last = [], None
    for r in df.itertuples():
        stage = ""
        if show_stage:
            stage = f"<td class='stage'>{html.escape(str(r.stage)) if r.stage != last else ''}</td>"
            last = r.stage
        rows.append(f"<tr>{stage}<th>{html.escape(str(r.quantity))}</th><td class='num'>{html.escape(str(r.value))}</td>"
                    f"<td class='unit'>{html.escape(str(r.unit))}</td><td class='note'>{html.escape(str(r.note))}</td></tr>")
    return f"<div class='scroll'><table class='kv key'>{''.join(rows)}</table></div>"


def collapsible(summary: str, body: str) -> str:
    """``body`` behind a toggle labelled ``summary``."""
    return f"<details class='long'><summary>{html.escape(summary)}</summary>{body}</details>"


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


_CSS = """
body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{border-bottom:2px solid #345;overflow-wrap:anywhere}h2{margin-top:1.8em;border-bottom:1px solid #ccc}
.scroll{overflow-x:auto;max-width:100%;margin:.6em 0}
table{border-collapse:collapse;font-size:.9em}th,td{padding:.2em .6em;border-bottom:1px solid #e4e4e4;text-align:right;
vertical-align:top}
th{text-align:left;background:#f4f6f8}.kv th{font-weight:600}caption{text-align:left;font-weight:600}
.tbl th{vertical-align:bottom}.tbl td.num{white-space:nowrap}
.tbl td.txt,.tbl th.txt{text-align:left}.tbl td.txt{white-space:nowrap}
.tbl td.long,.tbl th.long{min-width:14em;max-width:30em;white-space:normal}
.cards{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}
.key td.unit{text-align:left;white-space:nowrap}.key td.note{text-align:left;color:#555;min-width:12em}
.key td.stage{text-align:left;font-weight:600;color:#345}.key td.num{white-space:nowrap}
details.long{margin:.6em 0}details.long>summary{cursor:pointer;color:#345;font-size:.92em}
p.dl{margin:.2em 0 .8em;font-size:.85em}
figure{margin:.8em 0}img{max-width:100%;height:auto}.note{color:#666;font-size:.9em}.pass{color:#1a7f37}
.fail{color:#b42318}nav ul{columns:2}@media (max-width:700px){nav ul{columns:1}}
"""


def _anchor(title: str) -> str:
    return html.escape(title.lower().replace(" ", "-"))


def _render_section(s: Section, level: int) -> str:
    h = min(level, 6)
    inner = "".join(_render_section(c, level + 1) for c in s.children)
    return f'<section id="{_anchor(s.title)}"><h{h}>{html.escape(s.title)}</h{h}>{s.body}{inner}</section>'


_DATA_URI = re.compile(r"""(data:[^"'\s>]+)""")


def cite_in_html(doc: str) -> str:
    """:func:`sianode.provenance.cite_seeds` on the text of an HTML page (embedded data is left alone)."""
    from sianode.provenance import cite_seeds

    parts = _DATA_URI.split(doc)
    return "".join(p if p.startswith("data:") else cite_seeds(p) for p in parts)


def render(title: str, sections: list[Section], path: str | Path, intro: str = "") -> Path:
    """Write a self-contained HTML report and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    toc = "".join(f'<li><a href="#{_anchor(s.title)}">{html.escape(s.title)}</a></li>' for s in sections)
    body = "".join(_render_section(s, 2) for s in sections)
    doc = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>{intro}"
        f"<nav><ul>{toc}</ul></nav>{body}</body></html>"
    )
    path.write_text(cite_in_html(_boxed_tables(doc)), encoding="utf-8")
    return path


_BARE_TABLE = re.compile(r"(?<!<div class='scroll'>)(<table\b.*?</table>)", re.S)


def _boxed_tables(doc: str) -> str:
    """Put every table that a report built by hand (not with :func:`table`) into a sideways-scrolling box."""
    return _BARE_TABLE.sub(r"<div class='scroll'>\1</div>", doc)
