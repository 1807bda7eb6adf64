"""Ashby-style plots of the published records with a result highlighted.

Four panels, each a matplotlib figure (Agg backend):

* capacity (mAh/g) vs cycles, coloured by capacity retention;
* capacity retention vs cycles (many records give retention but no capacity);
* ICE vs capacity;
* areal capacity (mAh/cm2) vs cycles.

Published points are grey circles when the colour variable is missing; the result is a
red star labelled with its name. Cycle axes are logarithmic.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

_PANELS = [
    # (x, y, colour, xlabel, ylabel, logx, title)
    ("cycles", "capacity_mAh_g", "retention_pct", "Cycles", "Specific capacity (mAh/g)", True,
     "Capacity vs cycles (colour: retention %)"),
    ("cycles", "retention_pct", None, "Cycles", "Capacity retention (%)", True, "Retention vs cycles"),
    ("capacity_mAh_g", "ice_pct", None, "Specific capacity (mAh/g)", "ICE (%)", False, "ICE vs capacity"),
    ("cycles", "areal_capacity_mAh_cm2", None, "Cycles", "Areal capacity (mAh/cm²)", True, "Areal capacity vs cycles"),
]


def ashby(pub: pd.DataFrame, x: str, y: str, colour: str | None = None, result: dict | None = None,
          xlabel: str = "", ylabel: str = "", logx: bool = False, title: str = ""):
    """One scatter panel of published records with ``result`` highlighted; returns the figure."""
    fig, ax = plt.subplots(figsize=(6.2, 4.3))
    d = pub[[x, y] + ([colour] if colour else [])].apply(pd.to_numeric, errors="coerce").dropna(subset=[x, y])
    if logx:
        d = d[d[x] > 0]
    if colour and d[colour].notna().any():
        has = d[colour].notna()
        ax.scatter(d.loc[~has, x], d.loc[~has, y], c="0.7", s=22, label="published (no colour value)")
        sc = ax.scatter(d.loc[has, x], d.loc[has, y], c=d.loc[has, colour], cmap="viridis", s=30,
                        edgecolors="k", linewidths=0.3, label="published")
        fig.colorbar(sc, ax=ax, label=colour.replace("_pct", " (%)"))
    else:
        ax.scatter(d[x], d[y], c="tab:blue", s=26, alpha=0.7, edgecolors="k", linewidths=0.3, label="published")
    n = len(d)
    if result and x in result and y in result:
        ax.scatter([result[x]], [result[y]], marker="*", s=320, c="red", edgecolors="k", zorder=5,
                   label=result.get("name", "this result"))
        ax.annotate(result.get("name", "this result"), (result[x], result[y]), textcoords="offset points",
                    xytext=(8, 8), color="red", fontsize=9)
    elif result:
        ax.text(0.02, 0.02, "result lacks " + " / ".join(k for k in (x, y) if k not in result),
                transform=ax.transAxes, fontsize=8, color="0.4")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    ax.set_title(f"{title} — {n} published records", fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def ashby_figures(pub: pd.DataFrame, result: dict | None = None) -> list[tuple[str, object]]:
    """All panels as ``(alt text, figure)`` pairs."""
    out = []
    for x, y, c, xl, yl, logx, title in _PANELS:
        out.append((title, ashby(pub, x, y, c, result, xl, yl, logx, title)))
    return out


def summary_counts(pub: pd.DataFrame) -> pd.DataFrame:
    """How many records give each plotted pair (for docs and tests)."""
    rows = []
    for x, y, *_ in _PANELS:
        d = pub[[x, y]].apply(pd.to_numeric, errors="coerce").dropna()
        rows.append({"x": x, "y": y, "n": int(np.sum((d[x] > 0) if x == "cycles" else np.ones(len(d), bool)))})
    return pd.DataFrame(rows)
