"""Self-contained HTML reports: figures embedded as base64 PNG, tables as HTML.

Every report (design run, analysis, literature comparison) is a list of
:class:`Section` rendered by :func:`render`. Figures are matplotlib figures
(Agg backend, no screen needed).
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


@dataclass
class Section:
    """One report section: a title, free HTML (paragraphs, tables, figures) and sub-sections."""

    title: str
    body: str = ""
    children: list["Section"] = field(default_factory=list)


def figure(fig, alt: str = "") -> str:
    """Embed a matplotlib figure as a base64 PNG ``<img>`` tag and close the figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"/></figure>'


def table(df: pd.DataFrame, float_format: str = "{:.4g}", max_rows: int = 60) -> str:
    """Render a DataFrame as an HTML table (first ``max_rows`` rows)."""
    shown = df.head(max_rows)
    out = shown.to_html(index=False, border=0, classes="tbl",
                        float_format=lambda v: float_format.format(v), na_rep="")
    if len(df) > max_rows:
        out += f"<p class='note'>{len(df) - max_rows} more rows in the CSV.</p>"
    return out


def kv_table(items: dict, caption: str = "") -> str:
    """Two-column table of ``name: value`` pairs."""
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_fmt(v))}</td></tr>" for k, v in items.items()
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table class='kv'>{cap}{rows}</table>"


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


_CSS = """
body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.45}
h1{border-bottom:2px solid #345}h2{margin-top:1.8em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}th,td{padding:.2em .6em;border-bottom:1px solid #e4e4e4;text-align:right}
th{text-align:left;background:#f4f6f8}.kv th{font-weight:600}caption{text-align:left;font-weight:600}
figure{margin:.8em 0}img{max-width:100%}.note{color:#666;font-size:.9em}.pass{color:#1a7f37}.fail{color:#b42318}
nav ul{columns:2}
"""


def _render_section(s: Section, level: int) -> str:
    h = min(level, 6)
    anchor = html.escape(s.title.lower().replace(" ", "-"))
    inner = "".join(_render_section(c, level + 1) for c in s.children)
    return f'<section id="{anchor}"><h{h}>{html.escape(s.title)}</h{h}>{s.body}{inner}</section>'


def render(title: str, sections: list[Section], path: str | Path, intro: str = "") -> Path:
    """Write a self-contained HTML report and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    toc = "".join(
        f'<li><a href="#{html.escape(s.title.lower().replace(" ", "-"))}">{html.escape(s.title)}</a></li>'
        for s in sections
    )
    body = "".join(_render_section(s, 2) for s in sections)
    doc = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>{intro}"
        f"<nav><ul>{toc}</ul></nav>{body}</body></html>"
    )
    path.write_text(doc, encoding="utf-8")
    return path
