"""Assemble the HTML report of ``sianode run``: the design, each stage's sections,
the literature comparison and anything that failed."""
from __future__ import annotations

import html
import importlib
import re
from pathlib import Path

from sianode.chain import STAGES, ChainRun
from sianode.report.html import Section, collapsible, kv_table, paragraph, quantities_table, render


def _design_section(design) -> Section:
    d = design.model_dump(mode="json")
    parts = [paragraph(design.description)] if design.description else []
    cards = "".join(kv_table(_flatten(d[key]), caption=key)
                    for key in ("active", "electrode", "electrolyte", "cell", "protocol"))
    return Section("Design", "".join(parts) + f"<div class='cards'>{cards}</div>")


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
    d = run.design
    s = {"family": d.active.family, "loading_mg_cm2": d.electrode.loading_mg_cm2, "name": "this design (predicted)",
         # compared with records of the same cell type and electrolyte (a full cell fades unlike a half cell)
         "cell": d.cell.kind, "electrolyte": d.electrolyte.kind,
         "prelithiated": getattr(getattr(d.cell, "prelithiation", None), "method", "none") != "none"}
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


#: Section titles of the stages in the report.
STAGE_TITLES = {"materials": "Materials", "mechanics": "Mechanics", "life": "Cycle life",
                "echem": "Electrochemistry (PyBaMM)", "cell": "Cell"}


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
    """The headline numbers (one owner: :mod:`sianode.key_results`, the same table ``sianode run`` prints)."""
    note = ""
    cell = run.stages.get("cell")
    if cell is not None and cell.summary.get("cell_kind") == "half":
        note = paragraph("Cell numbers are for the anode as designed facing an NCM811 cathode in a pouch cell "
                         "(the design is a half cell); see the Cell section for the assumptions.")
    return Section("Key results", quantities_table(run.key_results(), show_stage=True) + note)


_TABLES = re.compile(r"(<div class='scroll'>)?<table\b.*?</table>(</div>)?", re.S)


def stage_section(name: str, res) -> Section:
    """One stage's section: its key results (:mod:`sianode.key_results`) with the text of the stage report's
    own "... summary" section, every summary value behind a toggle, then the stage report's other sections."""
    from sianode.key_results import stage_key_results

    mod = importlib.import_module(STAGES[name])
    children: list[Section] = []
    if hasattr(mod, "report"):
        try:
            children = list(mod.report(res))
        except Exception as e:  # noqa: BLE001 - a figure bug must not lose the report
            children = [Section("Figures unavailable", paragraph(f"report failed: {type(e).__name__}: {e}"))]
    body = quantities_table(stage_key_results(res))
    if children and children[0].title.lower().endswith("summary"):
        # the stage's own summary section: its text stays, its tables are the key results above and the
        # list of every value below (one summary per section)
        head = children.pop(0)
        body += _TABLES.sub("", head.body)
        children = head.children + children
    body += collapsible(f"all {len(res.summary)} summary values of the {name} stage (as in summary.json)",
                        kv_table(res.summary))
    return Section(STAGE_TITLES.get(name, name.capitalize()), body, children)


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
        if res is not None:
            sections.append(stage_section(name, res))
    try:
        from sianode.literature.compare import report_sections

        lit = list(report_sections(literature_summary(run)))
        if lit:
            lit[0].body = paragraph(PREDICTION_CAVEAT) + lit[0].body
        sections += lit
    except Exception as e:  # noqa: BLE001 - an import failure too is shown, never hidden
        sections.append(Section("How this compares with the literature",
                                paragraph(f"comparison unavailable: {type(e).__name__}: {e}")))
    if run.failures:
        items = "".join(f"<li><b>{html.escape(f.stage)}</b>: {html.escape(f.message)}</li>" for f in run.failures)
        sections.append(Section("Stages that failed", f"<ul>{items}</ul>"))
    return sections


#: Shown above the literature comparison of a design run: the star is a model prediction.
PREDICTION_CAVEAT = ("The red star marks sianode's prediction for this design, not a measurement. The published "
                     "points were measured on other materials, loadings, currents and voltage windows; a prediction "
                     "above the published record is a reason to check the model's assumptions (docs/validation.md "
                     "lists how far each model is from published data), not evidence that the design is better.")


def write_report(run: ChainRun, outdir: str | Path) -> Path:
    """Write ``report.html`` (self-contained) into ``outdir`` and return its path."""
    outdir = Path(outdir)
    intro = paragraph(
        "Generated by sianode. Every model, its equations, assumptions and sources are documented in docs/; "
        "tables of every result are the CSV files beside this report."
    )
    return render(f"sianode report: {run.design.name}", build_sections(run), outdir / "report.html", intro)


def write_stage_report(name: str, res, path: str | Path, title: str) -> Path:
    """The report of one stage command (``sianode mechanics``, ``sianode life``): the same summary, sections and
    toggled list of every value as that stage's section of the ``sianode run`` report."""
    sec = stage_section(name, res)
    sections = [Section("Summary", sec.body)] + sec.children
    return render(title, sections, path, paragraph(
        "Generated by sianode. The models, equations, assumptions and sources are documented in docs/; the "
        "tables are the CSV files beside this report."))
