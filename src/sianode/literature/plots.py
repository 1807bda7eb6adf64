"""Ashby-style plots of the published records with a result highlighted.

Four panels, each a matplotlib figure (Agg backend):

* capacity after cycling (mAh/g) vs cycles, coloured by capacity retention — only capacities
  published *after* the stated cycles (an initial capacity is never plotted at N cycles);
* capacity retention vs cycles (cycling tests only, never calendar storage);
* ICE of the comparable records by structure family (a strip per family);
* areal capacity (mAh/cm2) vs cycles.

Only records of the result's cell type and electrolyte class are drawn (all cycling records
when no result is given). Values published as lower bounds ("over 80 %") are drawn as ▲,
upper bounds as ▼ (the true value lies beyond the marker); ranges and repeated values are
left out. The result is a red star labelled with its name. Cycle axes are logarithmic.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sianode.literature import query  # noqa: E402

# (x, y, colour, xlabel, ylabel, logx, title, capacity bases shown, result capacity basis)
_PANELS = [
    ("cycles", "capacity_mAh_g", "retention_pct", "Cycles", "Specific capacity after cycling (mAh/g)", True,
     "Capacity after cycling vs cycles (colour: retention %)", ("after_cycling",), "after_cycling"),
    ("cycles", "retention_pct", None, "Cycles", "Capacity retention (%)", True, "Retention vs cycles", None, None),
    ("ice_pct", "family", None, "ICE (%)", "", False, "ICE by structure family", None, None),
    ("cycles", "areal_capacity_mAh_cm2", None, "Cycles", "Areal capacity (mAh/cm²)", True,
     "Areal capacity vs cycles", None, None),
]


def _result_point(result, x: str, y: str, basis: str | None):
    """(x, y) of the result on a panel, or None if the result lacks one of them."""
    if result is None:
        return None
    ms = getattr(result, "metrics", None)
    if ms is None:  # a plain dict
        return (result[x], result[y]) if x in result and y in result else None
    vals = {}
    for m in ms:
        if m.key == "capacity_mAh_g" and basis and ((basis == "after_cycling") != (m.basis == "after_cycling")):
            continue
        vals.setdefault(m.key, m)
    if x == "cycles" and y in vals and vals[y].cycles is not None:
        return (vals[y].cycles, vals[y].value)
    if x in vals and y in vals:
        return (vals[x].value, vals[y].value)
    return None


def _select(pub: pd.DataFrame, result) -> pd.DataFrame:
    d = pub[pub["metric_kind"] == "cycling"]
    if result is not None and getattr(result, "metrics", None):
        cells = [m.cell for m in result.metrics]
        d = d[(d["cell"] == max(set(cells), key=cells.count)) & (d["electrolyte"] == result.electrolyte)]
    return d


def ashby(pub: pd.DataFrame, x: str, y: str, colour: str | None = None, result=None,
          xlabel: str = "", ylabel: str = "", logx: bool = False, title: str = "",
          bases: tuple[str, ...] | None = None, result_basis: str | None = None):
    """One scatter panel of published records with ``result`` highlighted; returns the figure."""
    fig, ax = plt.subplots(figsize=(6.2, 4.3))
    d = _select(pub, result)
    if bases is not None:
        d = d[d["capacity_basis"].isin(bases)]
    b = query.bounds_of(d) if len(d) else pd.Series(dtype=object)
    op = pd.Series([bb.get(y, (None,))[0] if isinstance(bb, dict) else None for bb in b], index=d.index, dtype=object)
    num = d[[x, y] + ([colour] if colour else [])].apply(pd.to_numeric, errors="coerce")
    keep = num[x].notna() & num[y].notna() & ~op.isin(["range"])
    if logx:
        keep &= num[x] > 0
    num, op = num[keep], op[keep]
    plain = ~op.isin([">", "≥", "<", "≤"])
    if colour and num.loc[plain, colour].notna().any():
        has = plain & num[colour].notna()
        ax.scatter(num.loc[plain & ~has, x], num.loc[plain & ~has, y], c="0.7", s=22,
                   label="published (no retention given)")
        sc = ax.scatter(num.loc[has, x], num.loc[has, y], c=num.loc[has, colour], cmap="viridis", s=30,
                        edgecolors="k", linewidths=0.3, label="published")
        fig.colorbar(sc, ax=ax, label=colour.replace("_pct", " (%)"))
    else:
        ax.scatter(num.loc[plain, x], num.loc[plain, y], c="tab:blue", s=26, alpha=0.7, edgecolors="k",
                   linewidths=0.3, label="published")
    for ops, marker, lab in (((">", "≥"), "^", "published lower bound"), (("<", "≤"), "v", "published upper bound")):
        sel = op.isin(ops)
        if sel.any():
            ax.scatter(num.loc[sel, x], num.loc[sel, y], marker=marker, facecolors="none", edgecolors="tab:blue",
                       s=40, label=lab)
    n = int(len(num))
    pt = _result_point(result, x, y, result_basis)
    name = (getattr(result, "name", None) or (result.get("name") if isinstance(result, dict) else None)
            or "this result")
    if pt is not None:
        ax.scatter([pt[0]], [pt[1]], marker="*", s=320, c="red", edgecolors="k", zorder=5, label=name)
        ax.annotate(name, pt, textcoords="offset points", xytext=(8, 8), color="red", fontsize=9)
    elif result is not None:
        ax.text(0.02, 0.02, f"the result gives no {ylabel.split(' (')[0].lower()} on this axis",
                transform=ax.transAxes, fontsize=8, color="0.4")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    ax.set_title(f"{title}\n{n} comparable published records", fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def ice_strip(pub: pd.DataFrame, result=None, title: str = "ICE by structure family"):
    """ICE of the comparable records, one strip per structure family, the result as a red line."""
    d = _select(pub, result)
    if result is not None and getattr(result, "metrics", None) is not None:
        d = d[d["prelithiated"].notna() if result.prelithiated else d["prelithiated"].isna()]
    b = query.bounds_of(d) if len(d) else pd.Series(dtype=object)
    op = pd.Series([bb.get("ice_pct", (None,))[0] for bb in b], index=d.index, dtype=object)
    d = d.assign(ice=pd.to_numeric(d["ice_pct"], errors="coerce"), op=op).dropna(subset=["ice"])
    fams = sorted(d["family"].unique())
    fig, ax = plt.subplots(figsize=(6.2, 0.9 + 0.32 * max(len(fams), 3)))
    for i, f in enumerate(fams):
        g = d[d["family"] == f]
        plain = ~g["op"].isin([">", "≥", "<", "≤", "range"])
        ax.scatter(g.loc[plain, "ice"], np.full(plain.sum(), i), c="tab:blue", s=26, alpha=0.7, edgecolors="k",
                   linewidths=0.3, label="published" if i == 0 else None)
        lower = g["op"].isin([">", "≥"])
        if lower.any():
            ax.scatter(g.loc[lower, "ice"], np.full(lower.sum(), i), marker=">", facecolors="none",
                       edgecolors="tab:blue", s=40, label="published lower bound")
    ax.set_yticks(range(len(fams)), fams)
    v = result.value("ice_pct") if result is not None and hasattr(result, "value") else (
        result.get("ice_pct") if isinstance(result, dict) else None)
    if v is not None:
        ax.axvline(v, color="red", lw=2, label=f"{getattr(result, 'name', None) or 'this result'}: {v:.1f} %")
    elif result is not None:
        ax.text(0.02, 0.02, "the result gives no ICE", transform=ax.transAxes, fontsize=8, color="0.4")
    ax.set_xlabel("ICE (%)")
    ax.set_title(f"{title}\n{len(d)} comparable published records", fontsize=10)
    ax.grid(True, axis="x", alpha=0.25)
    if len(d) or v is not None:
        ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def ashby_figures(pub: pd.DataFrame, result=None) -> list[tuple[str, object]]:
    """All panels as ``(alt text, figure)`` pairs."""
    out = []
    for x, y, c, xl, yl, logx, title, bases, rb in _PANELS:
        if y == "family":
            out.append((title, ice_strip(pub, result, title)))
        else:
            out.append((title, ashby(pub, x, y, c, result, xl, yl, logx, title, bases, rb)))
    return out


def summary_counts(pub: pd.DataFrame) -> pd.DataFrame:
    """How many cycling records give each plotted pair (for docs and tests)."""
    rows = []
    for x, y, _c, _xl, _yl, logx, _t, bases, _rb in _PANELS:
        if y == "family":
            continue
        d = pub[pub["metric_kind"] == "cycling"]
        if bases is not None:
            d = d[d["capacity_basis"].isin(bases)]
        num = d[[x, y]].apply(pd.to_numeric, errors="coerce").dropna()
        rows.append({"x": x, "y": y, "n": int(np.sum(num[x] > 0) if logx else len(num))})
    return pd.DataFrame(rows)
