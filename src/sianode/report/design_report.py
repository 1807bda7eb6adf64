"""Assemble the HTML report of ``sianode run``: the design, each stage's sections,
the literature comparison and anything that failed."""
from __future__ import annotations

import html
import importlib
from pathlib import Path

from sianode.chain import STAGES, ChainRun
from sianode.report.html import Section, kv_table, paragraph, render


def _design_section(design) -> Section:
    d = design.model_dump(mode="json")
    parts = [paragraph(design.description)] if design.description else []
    for key in ("active", "electrode", "electrolyte", "cell", "protocol"):
        parts.append(kv_table(_flatten(d[key]), caption=key))
    return Section("Design", "".join(parts))


def _flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        elif v is not None:
            out[f"{prefix}{k}"] = v
    return out


def literature_summary(run: ChainRun) -> dict:
    """The numbers the literature comparison places among published results."""
    s = {"family": run.design.active.family, "loading_mg_cm2": run.design.electrode.loading_mg_cm2}
    size_nm = getattr(run.design.active, "diameter_nm", None)
    if size_nm is not None:
        s["particle_diameter_nm"] = size_nm
    m = run.stages.get("materials")
    if m is not None and "anode_loading_mg_cm2" in m.summary:
        s["loading_mg_cm2"] = m.summary["anode_loading_mg_cm2"]
    if m is not None:
        for k in ("reversible_capacity_mAh_g", "ice_pct", "areal_capacity_mAh_cm2"):
            if k in m.summary:
                s[k.replace("reversible_", "")] = m.summary[k]
    life = run.stages.get("life")
    if life is not None:
        if "final_retention_pct" in life.summary:
            s["retention_pct"] = life.summary["final_retention_pct"]
        if "cycles" in life.summary:
            s["cycles"] = life.summary["cycles"]
    return s


#: Headline numbers shown first in the report: (stage, summary key, label).
KEY_RESULTS = [
    ("materials", "reversible_capacity_mAh_g", "reversible capacity (mAh/g)"),
    ("materials", "ice_pct", "initial coulombic efficiency (%)"),
    ("materials", "areal_capacity_mAh_cm2", "areal capacity (mAh/cm2)"),
    ("materials", "particle_expansion_pct", "particle volume expansion at full lithiation (%)"),
    ("mechanics", "critical_diameter_nm", "critical Si size for fracture (nm)"),
    ("mechanics", "fractures", "particles fracture"),
    ("mechanics", "electrode_thickness_change_pct", "electrode thickness change at full lithiation (%)"),
    ("life", "final_retention_pct", "capacity retention at the last simulated cycle (%)"),
    ("life", "cycles_to_80pct", "cycles to 80 % retention"),
    ("life", "mean_ce_pct", "mean coulombic efficiency (%)"),
    ("echem", "capacity_high_rate_mAh_g", "capacity at the highest rate of the rate table (mAh/g)"),
    ("echem", "plating_margin_3C_25C_V", "Li-plating margin at 3C, 25 °C (V)"),
    ("cell", "specific_energy_Wh_kg", "cell specific energy (Wh/kg)"),
    ("cell", "energy_density_Wh_L", "cell energy density, charged and swollen (Wh/L)"),
    ("cell", "prelithiation_dose_mAh_cm2", "prelithiation dose (mAh/cm2)"),
]


def _band(summary: dict, key: str) -> str:
    """' (5th-95th percentile: a - b)' when the summary has the key's bands, else ''."""
    lo, hi = summary.get(f"{key}_p05"), summary.get(f"{key}_p95")
    if lo is None or hi is None:
        return ""
    f = (lambda x: "not reached" if x != x else f"{x:.4g}")
    return f" (5th-95th percentile: {f(lo)} - {f(hi)})"


_BAND_KEYS = {"final_retention_pct": "final_retention_pct", "cycles_to_80pct": "cycles_to_80pct",
              "specific_energy_Wh_kg": "specific_energy_Wh_kg", "energy_density_Wh_L": "energy_density_Wh_L"}


def _key_results(run: ChainRun) -> Section:
    items = {}
    for stage, key, label in KEY_RESULTS:
        res = run.stages.get(stage)
        if res is not None and key in res.summary:
            v = res.summary[key]
            if isinstance(v, float) and v != v:  # NaN: not reached / not defined
                v = f"not reached in {res.summary.get('cycles', '?')} cycles" if key == "cycles_to_80pct" else "n/a"
            band = _band(res.summary, _BAND_KEYS[key]) if key in _BAND_KEYS else ""
            if band:
                v = (f"{v:.4g}" if isinstance(v, float) else str(v)) + band
            items[label] = v
    note = ""
    cell = run.stages.get("cell")
    if cell is not None and cell.summary.get("cell_kind") == "half":
        note = paragraph("Cell numbers are for the anode as designed facing an NCM811 cathode in a pouch cell "
                         "(the design is a half cell); see the Cell section for the assumptions.")
    return Section("Key results", kv_table(items) + note)


def _calibration_section(design) -> Section | None:
    """The design's [calibration]: parameters with intervals, where they came from, how."""
    cal = getattr(design, "calibration", None)
    if cal is None:
        return None
    import pandas as pd

    from sianode.report.html import table

    rows = [{"parameter": k, "value": p.value, "ci_low": p.ci_low, "ci_high": p.ci_high, "unit": p.unit,
             "status": p.status, "note": p.note} for k, p in cal.parameters.items()]
    src = pd.DataFrame([s.model_dump() for s in cal.sources])
    n = len(next(iter(cal.samples.values()))) if cal.samples else 0
    text = (f"Values calibrated on measured cells by `sianode calibrate` ({cal.method}). The materials stage uses the "
            "measured capacity, ICE and Si diffusivity; the life stage the calibrated life-model parameters; the "
            f"bands (5th-95th percentile) of the life and cell stages come from the {n} joint posterior samples. "
            f"Intervals: {int(round(100 * cal.level))} % credible. See docs/calibration.md.")
    return Section("Calibration (measured cells)", paragraph(text) + table(pd.DataFrame(rows)) + table(src))


def build_sections(run: ChainRun) -> list[Section]:
    sections = [_key_results(run), _design_section(run.design)]
    cal = _calibration_section(run.design)
    if cal is not None:
        sections.append(cal)
    for name in STAGES:
        res = run.stages.get(name)
        if res is None:
            continue
        mod = importlib.import_module(STAGES[name])
        body = kv_table(res.summary, caption=f"{name} summary")
        children = []
        if hasattr(mod, "report"):
            try:
                children = list(mod.report(res))
            except Exception as e:  # noqa: BLE001 - a figure bug must not lose the report
                children = [Section("Figures unavailable", paragraph(f"report failed: {type(e).__name__}: {e}"))]
        sections.append(Section(name.capitalize(), body, children))
    try:
        from sianode.literature.compare import report_sections

        sections += list(report_sections(literature_summary(run)))
    except Exception as e:  # noqa: BLE001 - an import failure too is shown, never hidden
        sections.append(Section("How this compares with the literature",
                                paragraph(f"comparison unavailable: {type(e).__name__}: {e}")))
    if run.failures:
        items = "".join(f"<li><b>{html.escape(f.stage)}</b>: {html.escape(f.message)}</li>" for f in run.failures)
        sections.append(Section("Stages that failed", f"<ul>{items}</ul>"))
    return sections


def write_report(run: ChainRun, outdir: str | Path) -> Path:
    """Write ``report.html`` (self-contained) into ``outdir`` and return its path."""
    outdir = Path(outdir)
    intro = paragraph(
        "Generated by sianode. Every model, its equations, assumptions and sources are documented in docs/; "
        "tables of every result are the CSV files beside this report."
    )
    return render(f"sianode report: {run.design.name}", build_sections(run), outdir / "report.html", intro)
