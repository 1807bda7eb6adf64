"""HTML report sections for a cycling test: the figures papers show.

Capacity and coulombic efficiency vs cycle, voltage profiles of chosen cycles, dQ/dV of
chosen cycles with assigned Li–Si peaks, a dQ/dV heat map over all cycles, peak positions vs
cycle, average voltages and hysteresis, the rate-capability table, and the per-cycle table.
"""
from __future__ import annotations


import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sianode.iotools.merge import step_directions  # noqa: E402
from sianode.report.html import Section, figure, kv_table, paragraph, table  # noqa: E402


def _esc(x) -> str:
    import html
    return html.escape(str(x))


def choose_cycles(cycles: pd.DataFrame, max_n: int = 6) -> list[int]:
    """Cycles to draw: 1, 2, 5, 10, 20, 50, 100... and the last included one."""
    use = cycles["included"] if "included" in cycles else cycles["complete"]
    comp = cycles.loc[use, "cycle"].tolist() or cycles["cycle"].tolist()
    if not comp:
        return []
    want = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
    chosen = [c for c in want if c in comp][: max_n - 1]
    if comp[-1] not in chosen:
        chosen.append(comp[-1])
    return chosen


def _cap_axis(cycles: pd.DataFrame):
    spec = "reversible_capacity_mAh_g" in cycles
    return ("_mAh_g", "mAh g$^{-1}$") if spec else ("_mAh", "mAh")


def fig_capacity(cycles: pd.DataFrame, title: str):
    suf, unit = _cap_axis(cycles)
    half = cycles.attrs.get("half_cell", False)
    fig, ax = plt.subplots(figsize=(7, 4))
    a, b = ("lithiation", "delithiation") if half else ("discharge", "charge")
    ca = f"{a}_capacity{suf}" if f"{a}_capacity{suf}" in cycles else f"discharge_capacity{suf}"
    cb = f"{b}_capacity{suf}" if f"{b}_capacity{suf}" in cycles else f"charge_capacity{suf}"
    ax.plot(cycles["cycle"], cycles[ca], "o", mfc="none", label=a)
    ax.plot(cycles["cycle"], cycles[cb], "s", ms=4, label=b)
    ax.set_xlabel("cycle")
    ax.set_ylabel(f"capacity / {unit}")
    ax2 = ax.twinx()
    inc = cycles["included"] if "included" in cycles else cycles["complete"]
    ax2.plot(cycles["cycle"].where(inc), 100 * cycles["coulombic_efficiency"].where(inc), "-", color="tab:green",
             lw=1, label="CE")
    bad = cycles[~inc & cycles["coulombic_efficiency"].notna()]
    if len(bad):
        ax2.plot(bad["cycle"], 100 * bad["coulombic_efficiency"].clip(upper=150), "x", color="tab:red",
                 label="CE, flagged (excluded)")
    ax2.set_ylabel("coulombic efficiency / %", color="tab:green")
    ax.legend(loc="lower left")
    ax.set_title(title)
    return fig


def fig_profiles(df: pd.DataFrame, cycles_to_show: list[int], mass_g, half: bool):
    starts, d = step_directions(df)
    n = len(df)
    row_dir = np.repeat(d, np.diff(np.concatenate([starts, [n]])))
    cyc = df["cycle"].to_numpy()
    v = df["voltage_V"].to_numpy()
    q = df["capacity_Ah"].to_numpy() * 1000.0
    fig, ax = plt.subplots(figsize=(7, 4.5))
    cmap = plt.get_cmap("viridis")
    for k, c in enumerate(cycles_to_show):
        col = cmap(k / max(len(cycles_to_show) - 1, 1))
        for dirn, ls in ((-1, "-"), (1, "--")):
            rows = np.flatnonzero((cyc == c) & (row_dir == dirn))
            if rows.size < 2:
                continue
            # chain steps of one direction
            sid = np.searchsorted(starts, rows, side="right") - 1
            seg = np.concatenate([[0], np.flatnonzero(np.diff(sid) != 0) + 1])
            qq = q[rows].copy()
            seg_end = np.concatenate([qq[seg[1:] - 1], [0.0]])  # charge at the end of each step
            offs = np.concatenate([[0.0], np.cumsum(seg_end[:-1])])
            qq += np.repeat(offs, np.diff(np.concatenate([seg, [qq.size]])))
            x = qq / mass_g if mass_g else qq  # mAh -> mAh/g
            ax.plot(x, v[rows], ls, color=col, lw=1.2, label=f"cycle {c}" if dirn == -1 else None)
    ax.set_xlabel("capacity / " + ("mAh g$^{-1}$" if mass_g else "mAh"))
    ax.set_ylabel("voltage / V" + (" vs Li/Li$^+$" if half else ""))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    ax.set_title("Voltage profiles (solid: " + ("lithiation" if half else "discharge") + ", dashed: "
                 + ("delithiation" if half else "charge") + ")")
    return fig


def _charge_span(curves: pd.DataFrame, ycol: str) -> tuple[float, float]:
    """Voltage span holding 99.5 % of the dQ/dV area (where the charge is), padded by 5 %."""
    w = curves.groupby("voltage_V")[ycol].sum()
    vv = w.index.to_numpy()
    total = float(w.sum())
    if vv.size == 0:
        return 0.0, 1.0
    if not (total > 0):  # no charge anywhere (an all-rest file): show the whole grid
        return float(vv[0]), float(vv[-1]) + 1e-3
    cs = np.cumsum(w.to_numpy()) / total
    last = vv.size - 1
    lo = vv[min(int(np.searchsorted(cs, 0.0025)), last)]
    hi = vv[min(int(np.searchsorted(cs, 0.9975)), last)]
    pad = 0.05 * (hi - lo + 1e-3)
    return lo - pad, hi + pad


def fig_dqdv(curves: pd.DataFrame, peaks: pd.DataFrame, cycles_to_show: list[int], ycol: str):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    cmap = plt.get_cmap("viridis")
    dirs = [str(x) for x in pd.unique(curves["direction"].to_numpy(dtype=object))]
    keys: dict[str, tuple[int, float]] = {}  # peak assignment -> (number on the plot, voltage)
    for k, c in enumerate(cycles_to_show):
        col = cmap(k / max(len(cycles_to_show) - 1, 1))
        for dirn in dirs:
            g = curves[(curves.cycle == c) & (curves.direction == dirn)]
            if len(g) == 0:
                continue
            sign = -1 if dirn in ("lithiation", "discharge") else 1
            ax.plot(g["voltage_V"], sign * g[ycol], color=col, lw=1.1,
                    label=f"cycle {c}" if dirn == dirs[0] else None)
            label_it = len(peaks) and c in (cycles_to_show[0], cycles_to_show[-1])
            pk = peaks[(peaks.cycle == c) & (peaks.direction == dirn) & (peaks.assignment != "")] if label_it else []
            for _, p in (pk.iterrows() if len(pk) else []):
                # a number at the peak, the names in a key beside the axes: long names never run into the
                # title, the axis labels or each other
                num = keys.setdefault(p.assignment, (len(keys) + 1, p.peak_V))[0]
                ax.annotate(str(num), (p.peak_V, sign * np.interp(p.peak_V, g["voltage_V"], g[ycol])),
                            xytext=(0, 3 * sign), textcoords="offset points", fontsize=7, fontweight="bold",
                            ha="center", va="bottom" if sign > 0 else "top")
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlim(*_charge_span(curves, ycol))
    ax.set_xlabel("voltage / V")
    ax.set_ylabel("dQ/dV / " + ("mAh g$^{-1}$ V$^{-1}$" if ycol.endswith("g_V") else "mAh V$^{-1}$"))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="lower right")
    ax.margins(y=0.12)  # room for the peak numbers inside the axes
    if keys:
        ax.text(1.02, 1.0, "peaks\n" + "\n".join(f"{n}  {name} ({v:.2f} V)" for name, (n, v) in keys.items()),
                transform=ax.transAxes, va="top", ha="left", fontsize=7)
    ax.set_title("Differential capacity (lithiation/discharge negative)", pad=8)
    return fig


def fig_heatmap(curves: pd.DataFrame, ycol: str):
    dirs = [str(x) for x in pd.unique(curves["direction"].to_numpy(dtype=object))]
    fig, axes = plt.subplots(1, len(dirs), figsize=(5 * len(dirs), 4), squeeze=False)
    for ax, dirn in zip(axes[0], dirs):
        g = curves[curves.direction == dirn]
        mat = g.pivot(index="cycle", columns="voltage_V", values=ycol)
        vv = mat.columns.to_numpy()
        cc = mat.index.to_numpy()
        z = mat.to_numpy()
        step = max(1, vv.size // 400)  # at most ~400 voltage columns drawn (the image is ~500 px wide)
        if step > 1:
            m = (vv.size // step) * step
            z = z[:, :m].reshape(z.shape[0], -1, step).mean(axis=2)
            vv = vv[:m].reshape(-1, step).mean(axis=1)
        im = ax.pcolormesh(vv, cc, z, shading="nearest", cmap="magma",
                           vmax=np.nanpercentile(z, 99.5) if np.isfinite(z).any() else None)
        ax.set_xlabel("voltage / V")
        ax.set_ylabel("cycle")
        ax.set_title(f"dQ/dV, {dirn}")
        ax.set_xlim(*_charge_span(curves, ycol))
        fig.colorbar(im, ax=ax)
    return fig


def fig_peaks(peaks: pd.DataFrame):
    fig, ax = plt.subplots(figsize=(7, 4))
    lab = peaks[peaks.assignment != ""]
    for name, g in lab.groupby("assignment"):
        ax.plot(g["cycle"], g["peak_V"], "o-", ms=4, label=name)
    ax.set_xlabel("cycle")
    ax.set_ylabel("peak voltage / V")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    ax.set_title("Assigned dQ/dV peaks vs cycle")
    return fig


def fig_voltages(cycles: pd.DataFrame):
    half = cycles.attrs.get("half_cell", False)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    comp = cycles[cycles["included"] if "included" in cycles else cycles["complete"]]
    ax.plot(comp["cycle"], comp["avg_charge_voltage_V"], "^-", ms=4,
            label="avg delithiation V" if half else "avg charge V")
    ax.plot(comp["cycle"], comp["avg_discharge_voltage_V"], "v-", ms=4,
            label="avg lithiation V" if half else "avg discharge V")
    ax.plot(comp["cycle"], comp["voltage_hysteresis_V"], "k.-", label="hysteresis")
    ax.set_xlabel("cycle")
    ax.set_ylabel("voltage / V")
    ax.legend(fontsize=8)
    return fig


def cycling_sections(name: str, df: pd.DataFrame, res: dict, curves: pd.DataFrame,
                     peaks: pd.DataFrame, crystal: pd.DataFrame, extra: list[Section] | None = None) -> list[Section]:
    """Report sections for one cycling test (see module docstring)."""
    cycles = res["cycles"]
    metrics = res["metrics"]
    half = cycles.attrs.get("half_cell", False)
    mass = cycles.attrs.get("active_mass_g")
    info = {
        "source files": ", ".join(df.attrs.get("source_files", [])),
        "format / reader": f"{df.attrs.get('format')} / {df.attrs.get('reader')}",
        "rows": len(df), "steps": int(df["step"].iloc[-1]) if len(df) else 0,
        "active mass (mg)": "unknown" if not mass else round(mass * 1000, 4),
        "cell type": cycles.attrs.get("cell_type", "anode half cell" if half else "full cell"),
        "efficiency convention": cycles.attrs.get("convention", ""),
        "sign convention": df.attrs.get("sign_convention", ""),
    }
    info.update({k: v for k, v in metrics.items()})
    warns = df.attrs.get("warnings") or []
    body = kv_table(info, "Test and headline metrics")
    flags = list(getattr(res, "flags", []) or [])
    if flags:
        body += "<p class='fail'>Flagged (excluded from the headline metrics):</p><ul>" + "".join(
            f"<li>{_esc(f['quantity'])}: {_esc(f['reason'])}</li>" for f in flags) + "</ul>"
    if warns:
        body += paragraph("Reader warnings: " + "; ".join(map(str, warns)))
    children = []
    chosen = choose_cycles(cycles)
    if len(cycles):
        children.append(Section("Capacity and coulombic efficiency", figure(fig_capacity(cycles, name))))
        children.append(Section("Voltage profiles", figure(fig_profiles(df, chosen, mass, half))))
    if len(cycles[cycles["complete"]]):
        children.append(Section("Average voltages and hysteresis", figure(fig_voltages(cycles))))
    if len(curves):
        ycol = "dqdv_mAh_g_V" if "dqdv_mAh_g_V" in curves else "dqdv_mAh_V"
        sig = curves.attrs.get("sigma_V", float("nan"))
        b = paragraph(f"Kernel dQ/dV with Gaussian width σ = {1000 * sig:.1f} mV (charge-conserving; "
                      "no division by ΔV, so flat plateaus stay finite).")
        if curves.attrs.get("cycles_sampled"):
            b += paragraph(f"dQ/dV computed for {curves['cycle'].nunique()} of "
                           f"{curves.attrs.get('n_cycles_total')} cycles (evenly sampled, first ten and last kept).")
        b += figure(fig_dqdv(curves, peaks, chosen, ycol))
        if curves["cycle"].nunique() > 1:
            b += figure(fig_heatmap(curves, ycol))
        if len(peaks) and (peaks.assignment != "").any():
            b += figure(fig_peaks(peaks))
        if len(crystal) and crystal["li15si4_detected"].any():
            cyc_list = crystal.loc[crystal.li15si4_detected, "cycle"].tolist()
            b += paragraph(f"Li15Si4 delithiation peak (0.43–0.45 V, sharp) found in cycles {cyc_list}: "
                           "the lithiated Si crystallised (lithiation below ~50 mV; Obrovac & Christensen 2004).")
        elif half:
            b += paragraph("No sharp Li15Si4 delithiation peak: Si stayed amorphous on delithiation.")
        if len(peaks):
            b += table(peaks.round(4), max_rows=40)
        children.append(Section("Differential capacity dQ/dV", b))
    if len(res["rate"]):
        children.append(Section("Rate capability", table(res["rate"])))
    if res["gitt"]["is_gitt"]:
        children.append(Section("GITT pulses detected",
                                paragraph(f"{res['gitt']['n_pulses']} current pulses followed by rests in "
                                          f"cycles {res['gitt']['cycles']}.")))
    cols = [c for c in cycles.columns if c not in ("complete",)]
    children.append(Section("Per-cycle table", table(cycles[cols])))
    children += extra or []
    return [Section(f"Cycling: {name}", body, children)]
