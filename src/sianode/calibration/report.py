"""The calibration's HTML report: data and fit overlaid, residuals, the forecast, the posterior against the prior."""
from __future__ import annotations

import html as _html
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.calibration.calibrate import CalibrationResult
from sianode.calibration.output import key_table


def sections(result: CalibrationResult) -> list:
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, paragraph, table

    fc = result.forecast
    rows = key_table(result)
    lvl = int(round(100 * result.level))
    ptab = pd.DataFrame(rows, columns=["parameter", "value", f"{lvl} % interval", "unit", "status"])
    fsum = {"fitted cycles": f"1-{fc['fit_cycles']}", "held-out cycles checked": fc["checked_cycles"],
            "capacity error of the forecast (MAPE, %)": fc["capacity_mape_pct"],
            f"held-out points inside the {lvl} % predictive band (%)": fc["band_coverage_pct"],
            "capacity RMSE of the fit (%)": fc["fit_rmse_pct"]}
    body = (kv_table(fsum, "forecast on the held-out cycles") + table(ptab)
            + paragraph("Method: " + result.method + ". Status: 'identified' = posterior interval under half the prior's; "
                        "'weakly constrained' = under 90 %; 'prior' = the data do not constrain it (its value stays the "
                        "model's nominal, its interval is the prior range). See docs/calibration.md."))
    if result.warnings:
        body += "<p><b>Warnings</b></p><ul>" + "".join(f"<li>{_html.escape(w)}</li>" for w in result.warnings) + "</ul>"
    if result.notes:
        body += "<p><b>Notes</b></p><ul>" + "".join(f"<li>{_html.escape(n)}</li>" for n in result.notes) + "</ul>"
    secs = [Section("Calibration summary", body)]

    cur = result.curves
    for cell, info in zip(result.cells, result.per_cell):
        df = cur[cur["cell"] == cell.name]
        capcol = [c for c in df.columns if c.startswith("capacity_")][0]
        unit = cell.unit
        fig, ax = plt.subplots(1, 3, figsize=(14, 4))
        c = df["cycle"]
        fit = df["fitted"].to_numpy()
        ax[0].fill_between(c, df["predictive_low"], df["predictive_high"], color="C0", alpha=0.15,
                           label=f"{lvl} % predictive band")
        ax[0].fill_between(c, df["model_low"], df["model_high"], color="C0", alpha=0.35, label=f"{lvl} % model band")
        ax[0].plot(c, df["model_p50"], color="C0", label="model (median)")
        ax[0].plot(c[fit], df[capcol][fit], "o", color="k", ms=4, label="data, fitted")
        if (~fit).any():
            ax[0].plot(c[~fit], df[capcol][~fit], "o", mfc="none", color="C3", ms=5, label="data, held out")
            ax[0].axvline(result.fit_cycles + 0.5, color="grey", ls=":")
        ax[0].set_xlabel("cycle")
        ax[0].set_ylabel(f"delithiation capacity ({unit})")
        ax[0].legend(fontsize=7)
        ax[1].axhline(0, color="grey", lw=0.8)
        ax[1].plot(c[fit], df["residual_pct"][fit], "o", color="k", ms=4)
        ax[1].plot(c[~fit], df["residual_pct"][~fit], "o", mfc="none", color="C3", ms=5)
        ax[1].set_xlabel("cycle")
        ax[1].set_ylabel("model median / data - 1 (%)")
        ax[1].set_title("residuals (fitted: filled, held out: open)", fontsize=9)
        ax[2].plot(c, 100 * df["ce"], "o", color="k", ms=4, label="data")
        ce_m = df["ce_model_p50"].to_numpy()
        if info["ce_mode"] == "offset":  # only the trend was fitted: show the model with the fitted offset
            sel = fit & (c.to_numpy() >= 2)
            off = float(np.nanmean(df["ce"].to_numpy()[sel] - ce_m[sel]))
            ax[2].plot(c, 100 * (ce_m + off), "-", color="C0", label=f"model (median) {100 * off:+.2f} pp offset")
        else:
            ax[2].plot(c, 100 * ce_m, "-", color="C0", label="model (median)")
        ax[2].set_xlabel("cycle")
        ax[2].set_ylabel("coulombic efficiency (%)")
        ax[2].set_title(f"CE used as: {info['ce_mode']}", fontsize=9)
        ax[2].legend(fontsize=7)
        fig.tight_layout()
        facts = {"files": ", ".join(f.rsplit('/', 1)[-1] for f in info["files"]),
                 "sha256": ", ".join(h[:16] for h in info["sha256"]), "unit": unit,
                 "active mass (mg)": info["active_mass_mg"], "C-rate of the fitted cycles (1/h)": info["c_rate_fit"],
                 "cycles fitted": info["cycles_fitted"], "cycles checked": info["cycles_checked"] or "none",
                 "capacity noise (median, %)": info["capacity_noise_pct_p50"],
                 "forecast error (MAPE, %)": info.get("capacity_mape_pct")}
        for k in ("reversible_capacity_mAh_g", "ice"):
            if k in info:
                v = info[k]
                facts[k] = f"{v['value']:.4g} ({v['ci_low']:.4g} - {v['ci_high']:.4g})"
        cols = ["cycle", "fitted", "c_rate", capcol, "model_p50", "predictive_low", "predictive_high", "residual_pct",
                "ce", "ce_model_p50"]
        secs.append(Section(f"Cell {cell.name}: data, fit and forecast",
                            figure(fig, f"capacity, residuals and CE of {cell.name}") + kv_table(facts) + table(df[cols])))

    names = [k for k in result.samples if k in result.parameters and result.parameters[k].get("prior_low") is not None]
    if names:
        n = len(names)
        ncol = 4
        fig, axes = plt.subplots((n + ncol - 1) // ncol, ncol, figsize=(14, 2.6 * ((n + ncol - 1) // ncol)))
        for ax, k in zip(np.ravel(axes), names):
            p = result.parameters[k]
            x = np.asarray(result.samples[k], float)
            log = p["prior_high"] / p["prior_low"] > 5
            bins = np.geomspace(p["prior_low"], p["prior_high"], 25) if log else np.linspace(p["prior_low"], p["prior_high"], 25)
            ax.hist(x, bins=bins, color="C0", alpha=0.7)
            ax.axvline(p["nominal"], color="k", ls="--", lw=0.8)
            if log:
                import matplotlib.ticker as mt

                ax.set_xscale("log")
                ax.xaxis.set_major_locator(mt.LogLocator(numticks=4))
                ax.xaxis.set_minor_formatter(mt.NullFormatter())
            ax.tick_params(labelsize=7)
            ax.set_title(f"{k} ({p['status']})", fontsize=8)
            ax.set_yticks([])
        for ax in np.ravel(axes)[n:]:
            ax.axis("off")
        fig.tight_layout()
        secs.append(Section("Posterior of the calibrated parameters", figure(fig, "posterior histograms") + paragraph(
            "Histograms of the stored posterior samples over the full prior range (x axis = prior bounds, for measured properties their plausible range; dashed: the "
            "model's nominal value). A flat histogram is a parameter the data do not identify.")))
    return secs


def write_report(result: CalibrationResult, path: str | Path, title: str) -> Path:
    from sianode.report.html import paragraph, render

    intro = paragraph("sianode calibrate: the design's uncertain parameters fitted on measured half cells, the held-out "
                      "cycles forecast from the fit. The calibrated design (calibrated.toml) carries the values, "
                      "intervals and posterior samples; `sianode run calibrated.toml` propagates them.")
    return render(title, sections(result), Path(path), intro)
