"""The cell stage of the chain: bill of materials, Wh/kg and Wh/L per state, prelithiation dose, cost, criteria.

``run(design, upstream)`` reads ``upstream["materials"].data`` (``CompositeProperties``: per-component
capacity, ICE, envelope density, expansion and voltage curve), ``upstream["mechanics"].data``
(``electrode_thickness_change`` at full lithiation and ``irreversible_swelling_per_cycle``: the charged and
swollen thickness) and ``upstream["life"].summary`` (capacity retention after the protocol's cycles: the
end-of-life energy); all are required (the chain runs them first).

Shared rules come from the foundation layer: loadings (:func:`sianode.electrode.loading.full_cell_loadings`:
the cathode loading if given, or fixed by the cathode's thickness and packing, fixes the anode loading;
otherwise ``electrode.loading_mg_cm2`` fixes the cathode loading), the coatings
(:func:`sianode.electrode.coating.anode_coating`, :func:`~sianode.electrode.coating.cathode_coating`), the
first-cycle lithium and the prelithiation dose (:mod:`sianode.electrode.formation`), the cathode
(:func:`sianode.cathodes.design_cathode`) and the design's electrolyte amount (:mod:`sianode.electrolyte_amount`,
the same E/C the life stage uses). The format is :func:`sianode.cell.formats.format_from_design`; the graphite
reference cell is :func:`sianode.cell.reference.graphite_reference` (cell section only). Designs outside the
practical ranges of :mod:`sianode.cell.practical` get warnings (not errors).

Half cells: the stage reports the anode's areal capacity and what a *matched NCM811 pouch* would deliver
-- assumption: the anode as designed (same loading) facing an NCM811 cathode sized for N/P = 1.1
(reversible basis), default pouch format, no prelithiation, electrolyte filling that pouch's pores, no
fade (the life stage simulated the half cell, not this pouch).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sianode.cathodes import design_cathode, get_cathode
from sianode.cell import cost as _cost
from sianode.cell import criteria as _criteria
from sianode.cell import practical as _practical
from sianode.cell.anode import AnodeBlend, StackedBlend, anode_blends, two_component
from sianode.cell.formats import format_from_design
from sianode.cell.reference import (MATCHED_CATHODE, MATCHED_FORMAT, MATCHED_NP, graphite_component,
                                    graphite_reference, separator_kwargs)
from sianode.cell.stack import CellResult, cell_model
from sianode.electrode.coating import Coating, anode_coating, cathode_coating, formulation_key, stack_coatings
from sianode.electrode.formation import design_dose_mAh_cm2, formation_q_cells
from sianode.electrode.loading import design_loadings
from sianode.electrolyte_amount import design_electrolytes
from sianode.errors import InputError
from sianode.results import StageResult, check_batch, require

#: Earlier stages this stage reads.
REQUIRES: tuple[str, ...] = ("materials", "mechanics", "life")


def _mechanics(mech, cycles: int) -> dict:
    """Anode swelling from the mechanics stage (its owner): reversible, and the delithiated thickness change
    after the protocol's cycles (SEI + locked-in pulverisation / binder failure) spread over those cycles, so
    ``eol_cycles * irreversible_swelling_per_cycle`` is exactly the mechanics stage's end-of-life swelling."""
    d = mech.data
    return {"anode_thickness_change": float(d.electrode_thickness_change),
            "irreversible_swelling_per_cycle": float(d.end_of_life_swelling) / max(int(cycles), 1)}


def model_kwargs(design, upstream) -> dict[str, Any]:
    """Keyword arguments of :func:`sianode.cell.stack.cell_model` for a design (full or matched half cell).

    ``upstream`` holds the materials, mechanics and life results (the chain's).
    """
    return _model_inputs(design, upstream)[0]


def _model_inputs(design, upstream):
    """(:func:`model_kwargs`, the design's loadings, its electrolyte amount or None): :func:`_inputs` of one."""
    return _inputs([design], [upstream])[0]


def _inputs(designs, upstreams, shared: dict | None = None) -> list[tuple]:
    """(:func:`model_kwargs`, loadings, electrolyte amount or None) of each design, each computed once; the
    electrolyte amounts of the full liquid cells together (:func:`_electrolytes`). ``shared``: the batch's
    :func:`_per_sections` memo."""
    shared = {} if shared is None else shared
    out, need = [], []
    for design, upstream in zip(designs, upstreams):
        props = require(upstream, "materials", "cell").data
        mech = require(upstream, "mechanics", "cell")
        life = require(upstream, "life", "cell")
        c = design.cell
        kw: dict[str, Any] = dict(anode_coating=anode_coating(design), eol_cycles=design.protocol.cycles)
        kw.update(_mechanics(mech, design.protocol.cycles))
        kw.update(_per_sections(shared, separator_kwargs, design))
        loads = design_loadings(design, props)
        if c.kind == "full":
            kw.update(cathode_loading_mg_cm2=loads.cathode_mg_cm2, np_ratio=c.np_ratio, np_basis=c.np_basis,
                      allow_np_below_1=c.allow_np_below_1,
                      cell_format=_per_sections(shared, format_from_design, design),
                      cathode_coating=_per_sections(shared, cathode_coating, design),
                      prelithiation=c.prelithiation.method, dose_mAh_cm2=c.prelithiation.dose_mAh_cm2,
                      eol_energy_retention=float(life.summary["final_retention_pct"]) / 100.0)
            if design.electrolyte.kind != "solid":  # the design's one E/C (the life stage reads the same)
                need.append((len(out), design, props, loads))
        else:
            cathode = get_cathode(MATCHED_CATHODE)
            anode_areal = loads.anode_mg_cm2 * 1e-3 * float(props.reversible_capacity_mAh_g)
            kw.update(cathode_loading_mg_cm2=anode_areal / MATCHED_NP / (cathode.reversible_capacity_mAh_g * 1e-3),
                      np_ratio=MATCHED_NP, np_basis="reversible", cell_format=MATCHED_FORMAT, prelithiation="none")
            if c.ec_ratio_g_Ah is not None:
                kw.update(electrolyte="ec_ratio", ec_ratio_g_Ah=c.ec_ratio_g_Ah)
        out.append((kw, loads, None))
    if need:
        coats = [out[i][0]["cathode_coating"] for i, _, _, _ in need]
        for (i, _, _, _), amount in zip(need, _electrolytes(*zip(*((d, p, ld) for _, d, p, ld in need)), coats)):
            kw, loads, _ = out[i]
            kw.update(electrolyte="ec_ratio", ec_ratio_g_Ah=amount.ec_ratio_g_Ah)
            out[i] = (kw, loads, amount)
    return out


def _per_sections(shared: dict, fn, design):
    """``fn(design)`` for a function of the design's cell and electrolyte sections and cycle count only (the
    cathode's coating and format, the separator, the graphite reference), once per batch for the designs that
    share those section objects (a sweep's designs share the sections it does not vary). ``shared`` is the batch's
    memo: its keys hold the sections' ids, which stay valid while the batch holds the designs. Treat the values
    as read-only."""
    key = (fn, id(design.cell), id(design.electrolyte), design.protocol.cycles)
    if key not in shared:
        shared[key] = fn(design)
    return shared[key]


def _electrolytes(designs, props, loads, cathode_coatings) -> list:
    """The designs' electrolyte amounts (full cells) at their first-cycle capacities
    (:func:`sianode.electrode.formation.formation_q_cells` over the designs at once, then
    :func:`sianode.electrolyte_amount.design_electrolytes` with the designs' cathode coatings and the anode coating
    geometries the materials stage solved, ``extras["anode_geometry"]``)."""
    args = []
    for design, pr, ld in zip(designs, props, loads):
        cathode = design_cathode(design)
        m_a = ld.anode_mg_cm2 * 1e-3
        qc_rev = ld.cathode_mg_cm2 * 1e-3 * cathode.reversible_capacity_mAh_g
        dose = design_dose_mAh_cm2(design, qc_rev, cathode.ice, pr.ice)
        args.append((qc_rev, cathode.ice, m_a * pr.reversible_capacity_mAh_g, pr.ice, dose))
    return design_electrolytes(designs, [float(pr.density_g_cm3) for pr in props], [ld.anode_mg_cm2 for ld in loads],
                               [ld.cathode_mg_cm2 for ld in loads], formation_q_cells(args),
                               [getattr(pr, "extras", {}).get("anode_geometry") for pr in props], cathode_coatings)


def _si_sweep(cathode, blend: AnodeBlend, kw) -> pd.DataFrame:
    """Energy vs Si-material content: the design's Si component blended with graphite, 0..100 %.

    A point the cell model refuses (e.g. a roll of fixed ``cathode_length_mm`` that does not fit the can with the
    thicker, graphite-rich anodes of low Si contents) is left empty with the reason in ``note``: the design itself
    was checked by its own model call, so the table never fails the design's run."""
    comps = blend.components
    si = [c for c in comps if "graphite" not in c.name]
    if not si:
        return pd.DataFrame()
    g = [c for c in comps if "graphite" in c.name]
    g = g[0] if g else graphite_component()
    f = np.linspace(0.0, 1.0, 41)
    try:
        return _si_sweep_at(cathode, g, si[0], f, kw)
    except InputError:  # some contents are infeasible: each point alone, the infeasible ones empty
        pass
    rows = []
    for fi in f:
        try:
            rows.append(_si_sweep_at(cathode, g, si[0], np.array([fi]), kw))
        except InputError as e:
            rows.append(pd.DataFrame({"si_material_fraction": [fi], "note": [f"not feasible: {e}"]}))
    return pd.concat(rows, ignore_index=True)[SI_SWEEP_COLUMNS]


#: Columns of the energy-vs-Si table (``note``: empty, or why that Si content is not feasible).
SI_SWEEP_COLUMNS = ["si_material_fraction", "specific_energy_Wh_kg", "energy_density_made_Wh_L", "energy_density_Wh_L",
                    "energy_density_swollen_Wh_L", "average_voltage_V", "anode_thickness_change_charged",
                    "prelithiation_dose_mAh_cm2", "note"]


def _si_sweep_at(cathode, graphite, si, f, kw) -> pd.DataFrame:
    """The energy-vs-Si table at Si-material fractions ``f`` (one cell-model call; raises if any is infeasible)."""
    # the mechanics stage's numbers belong to the design's own composition: the sweep uses the
    # particle-expansion swelling and scales the irreversible growth with the reversible swelling
    # (irreversible / reversible ratio of the design held constant -- an assumption); the life stage's
    # fade belongs to the design too, so the sweep has no end-of-life energy
    kws = {k: v for k, v in kw.items() if k not in ("anode_thickness_change", "irreversible_swelling_per_cycle",
                                                    "eol_energy_retention")}
    blend_f = two_component(graphite, si, f)
    res = cell_model(cathode, blend_f, **kws)
    irr = kw.get("irreversible_swelling_per_cycle")
    dh = kw.get("anode_thickness_change")
    if irr is not None and dh:
        v0 = res.values
        eps_full = np.asarray(v0["anode_thickness_change_charged"]) / np.asarray(v0["anode_utilisation_top_of_charge"])
        res = cell_model(cathode, blend_f, **kws, irreversible_swelling_per_cycle=irr / dh * eps_full)
    df = res.to_frame()
    df.insert(0, "si_material_fraction", f)
    df["note"] = ""
    return df[SI_SWEEP_COLUMNS]


#: The four states of the cell (key suffix, label): Wh/L of each, and Wh/kg at BOL and EOL.
STATES = (("made", "as made"), ("charged", "charged"), ("swollen", "swollen"), ("eol", "end of life"))


def states_table(v: dict) -> pd.DataFrame:
    """Energy, mass, volume, Wh/kg and Wh/L of the cell as made, charged, swollen and at end of life."""
    rows = []
    for key, label in STATES:
        vol = v["volume_swollen_cm3"] if key == "eol" else v[f"volume_{key}_cm3"]
        e = v["energy_eol_Wh"] if key == "eol" else v["energy_Wh"]
        rows.append({"state": label, "energy_Wh": e, "mass_g": v["mass_g"], "volume_cm3": vol,
                     "specific_energy_Wh_kg": e / v["mass_g"] * 1e3, "energy_density_Wh_L": e / vol * 1e3})
    return pd.DataFrame(rows)


def run(design, upstream=None) -> StageResult:
    """Run the cell stage for a validated design (see module docstring): a batch of one (:func:`run_batch`)."""
    return run_batch([design], [upstream])[0]


def run_batch(designs, upstreams, *, tables: bool = True) -> list[StageResult]:
    """The cell stage for many designs; ``run`` is this with one design (one implementation).

    The designs that share the model's non-numeric inputs (cathode, format, N/P basis, prelithiation method,
    electrolyte mode, coatings' formulation, number of anode components, ...: :func:`_group_key`) go through
    :func:`sianode.cell.stack.cell_model` in one call with arrays (their anode blends stacked,
    :class:`sianode.cell.anode.StackedBlend`); each design's numbers are those of the design alone.
    ``tables=False`` (what a sweep does) skips the tidy tables, among them the energy-vs-Si-content sweep and the
    bills of materials; the summary and ``data`` are the same, except ``data["notes"]``: without tables, the notes of
    a group of several designs are the group call's (a format's sizing note quotes the group's extreme). Raises the error of the first invalid design of
    a failing group, the one that design raises alone (a sweep then splits the batch).
    """
    check_batch(designs, upstreams)
    preps = _prepare(designs, upstreams)
    groups: dict = {}
    keys: dict = {}
    for i, p in enumerate(preps):
        # with tables, a design's notes are its own (a format's sizing notes quote the batch's extreme)
        groups.setdefault(_group_key(p, keys) if not tables else i, []).append(i)
    out: list = [None] * len(preps)
    memo: dict = {}  # the graphite references' costs (designs of a sweep share their reference)
    for idx in groups.values():
        try:
            done = _run_group([preps[i] for i in idx], tables, memo)
        except Exception:
            if len(idx) == 1:
                raise
            for i in idx:  # raise the first failing design's own error (its message names its numbers)
                _run_group([preps[i]], tables)
            raise
        for i, r in zip(idx, done):
            out[i] = r
    return out


def _prepare(designs, upstreams) -> list[dict]:
    """Each design's own inputs of the cell model: blend, cathode, :func:`model_kwargs`, loadings, electrolyte, and
    the batch's :func:`_per_sections` memo (``shared``)."""
    shared: dict = {}
    inputs = _inputs(designs, upstreams, shared)
    blends = anode_blends([upstream["materials"].data for upstream in upstreams])
    out = []
    for design, upstream, blend, (kw, loads, amount) in zip(designs, upstreams, blends, inputs):
        half = design.cell.kind == "half"
        out.append(dict(design=design, upstream=upstream, blend=blend, kw=kw, loads=loads, amount=amount, half=half,
                        cathode=get_cathode(MATCHED_CATHODE) if half else design_cathode(design), shared=shared))
    return out


def _is_number(v) -> bool:
    if type(v) is float:  # the common case, first
        return True
    return isinstance(v, (float, int, np.floating, np.integer)) and not isinstance(v, (bool, np.bool_))


def _arg_key(v):
    """The part of one model argument a batch must share: numbers batch, the rest must be equal."""
    if _is_number(v):
        return "number"
    if isinstance(v, Coating):
        return formulation_key(v)
    try:
        hash(v)
    except TypeError:  # an unhashable argument: only designs that share the object itself share a call
        return ("object", id(v))
    return v


def _group_key(p: dict, memo: dict | None = None):
    """Designs with equal keys share one :func:`sianode.cell.stack.cell_model` call: the same cathode, number of
    anode components and model arguments' :func:`_arg_key`. With ``memo`` (a batch's), each part that is not a
    number is computed once per object (a sweep's designs share their sections' objects) and stands as its rank
    among the batch's distinct parts (cheap to hash); the objects stay alive with the batch, so their ids do."""
    kw = p["kw"]
    if memo is None:
        return (p["cathode"], len(p["blend"].components), tuple(kw), tuple(map(_arg_key, kw.values())))
    by_id = memo.setdefault("by_id", {})
    ranks = memo.setdefault("ranks", {})

    def part(v, key=_arg_key):
        if type(v) is float:  # the common case, first
            return "number"
        r = by_id.get(id(v))
        if r is None:
            k = key(v)
            r = by_id[id(v)] = k if isinstance(k, str) and k == "number" else ranks.setdefault(k, len(ranks))
        return r

    return (part(p["cathode"], lambda v: v), len(p["blend"].components), tuple(kw), tuple(map(part, kw.values())))


def _stack_arg(vals: list):
    """One model argument of a group: numbers as an array (shape (B,)), coatings with array packing, else the one
    value the group shares (:func:`_group_key`)."""
    v0 = vals[0]
    if _is_number(v0):
        return np.array(vals, dtype=float)
    if isinstance(v0, Coating):
        return stack_coatings(vals)
    return v0


def _split(res: CellResult, n: int) -> list[CellResult]:
    """The designs of a batched :class:`~sianode.cell.stack.CellResult` (arrays of shape (n,) or shared scalars):
    one result each, its numbers as floats."""
    def col(v):
        if not (isinstance(v, np.ndarray) and v.ndim):
            return [v] * n
        return (v if v.shape == (n,) else np.broadcast_to(v, (n,))).tolist()

    def rows(d):  # the designs' dicts: the columns transposed at once
        if not d:
            return [{} for _ in range(n)]
        return [dict(zip(d, r)) for r in zip(*(col(v) for v in d.values()))]

    parts = [rows(d) for d in (res.values, res.mass_g, res.volume_cm3, res.inputs, res.geometry)]
    return [CellResult(v, m, vol, list(res.notes), inp, geo) for v, m, vol, inp, geo in zip(*parts)]


def _run_group(preps: list[dict], tables: bool, memo: dict | None = None) -> list[StageResult]:
    """:func:`sianode.cell.stack.cell_model` once for designs of one :func:`_group_key` (twice when prelithiated:
    the no-prelithiation twin), then each design's summary."""
    n = len(preps)
    p0 = preps[0]
    if n == 1:  # a design alone: its own numbers and blend (the model's one-design fast paths)
        kw, blend = dict(p0["kw"]), p0["blend"]
    else:
        kw = {k: _stack_arg([p["kw"][k] for p in preps]) for k in p0["kw"]}
        blend = StackedBlend([p["blend"] for p in preps])
    cathode = p0["cathode"]
    res = cell_model(cathode, blend, **kw)
    pre = kw.get("prelithiation", "none") != "none"
    res_nopre = cell_model(cathode, blend, **{**kw, "prelithiation": "none"}) if pre else res
    one = _split(res, n) if n > 1 else [res]
    nopre = (_split(res_nopre, n) if n > 1 else [res_nopre]) if pre else one
    memo = {} if memo is None else memo
    shares = [_si_share(p["blend"]) for p in preps]
    costs, passed, total = _group_numbers(res, kw, cathode.name, shares, n)
    geo_keys = [(k[len("geometry_"):], k) for k in res.values if k.startswith("geometry_")]
    return [_result(p, r, r0, v, tables, memo, sh, c, (k, total), geo_keys)
            for p, r, r0, v, sh, c, k in zip(preps, one, nopre, _value_rows(res.values, n), shares, costs, passed)]


def _value_rows(values: dict, n: int) -> list[dict]:
    """Each design's model values as floats, from the group's (arrays of shape (n,), or one design's scalars and
    0-d arrays): the columns converted at once, then one dict per design."""
    cols = [np.broadcast_to(np.asarray(x, dtype=float), (n,)).tolist() for x in values.values()]
    return [dict(zip(values, r)) for r in zip(*cols)]


def _si_share(blend: AnodeBlend) -> float:
    """Mass fraction of a design's anode blend priced as a Si material (its components other than graphite)."""
    return float(sum(w for w, comp in zip(blend.weights.ravel(), blend.components) if "graphite" not in comp.name))


def _group_numbers(res: CellResult, kw: dict, cathode_name: str, shares: list, n: int):
    """Each design's materials cost (USD/kWh) and criteria passed, and the criteria evaluated, from the group's
    model result (arrays of its ``n`` designs, or one design's numbers): :func:`sianode.cell.cost.cost_columns`
    and :func:`sianode.cell.criteria.passed_counts` over the group at once."""
    passed, total = _criteria.passed_counts({**res.values, "np_ratio": kw["np_ratio"]})
    cost = _cost.materials_costs_usd_per_kWh(res, cathode_name, np.array(shares) if n > 1 else shares[0],
                                             kw.get("prelithiation", "none"))
    return np.broadcast_to(cost, (n,)).tolist(), np.broadcast_to(passed, (n,)).tolist(), total


def _result(p: dict, res: CellResult, res_nopre: CellResult, v: dict, tables: bool, memo: dict, si_share: float,
            cost: float, criteria: tuple[int, int], geo_keys: list[tuple[str, str]]) -> StageResult:
    """One design's stage result from its cell-model result (and its no-prelithiation twin), its values as floats
    (:func:`_value_rows`), its Si cost share, materials cost and (criteria passed, evaluated)
    (:func:`_group_numbers`); ``memo`` keeps the numbers of each
    graphite reference cell (a read-only, memoised result) for the batch; ``geo_keys``: (geometry name, value key)
    of the group's geometry values."""
    design, upstream, blend, kw, loads, amount, half, cathode = (
        p[k] for k in ("design", "upstream", "blend", "kw", "loads", "amount", "half", "cathode"))
    c = design.cell
    notes = []
    anode_areal = loads.anode_mg_cm2 * 1e-3 * float(blend.reversible_capacity_mAh_g)
    if half:
        notes.append(f"half-cell design: 'matched pouch' = this anode ({design.electrode.loading_mg_cm2:g} mg/cm2, "
                     f"{anode_areal:.3g} mAh/cm2 reversible) against NCM811 sized for N/P = {MATCHED_NP} "
                     "(reversible basis), default pouch, no prelithiation; no fade at end of life (the life stage "
                     "simulated the half cell)")
    else:
        notes.append(loads.note + " (one rule for every stage: sianode.electrode.loading)")
    res_gr = _per_sections(p["shared"], graphite_reference, design)
    gr_wh_kg, gr_wh_l, gr_ah, gr_cost = _reference_numbers(res_gr, cathode.name, memo)
    notes += res.notes
    v["np_ratio"] = float(kw["np_ratio"])
    n_passed, n_criteria = criteria
    cost_args = (res, cathode.name, si_share, kw.get("prelithiation", "none"))
    np_rev = loads.np_ratio_reversible if loads.np_ratio_reversible is not None else MATCHED_NP
    pore_fill = amount.pore_fill_g_Ah if amount is not None else None
    warnings = _practical.check(v, np_rev, v["electrolyte_g_per_Ah"] if design.electrolyte.kind != "solid" else None,
                                pore_fill)
    geo = {g: v[k] for g, k in geo_keys}
    pf = getattr(kw.get("cell_format"), "packing_factor", None)
    if pf is not None:
        warnings += _practical.roll_fit(geo, pf)
    summary = {
        "cell_kind": c.kind,
        "cell_format": c.format if not half else MATCHED_FORMAT,
        "cathode": cathode.name,
        "np_ratio": v["np_ratio"],
        "np_basis": kw.get("np_basis", "reversible"),
        "anode_loading_mg_cm2": v["anode_loading_mg_cm2"],
        "cathode_loading_mg_cm2": float(kw["cathode_loading_mg_cm2"]),
        "anode_areal_capacity_design_mAh_cm2": anode_areal,
        "capacity_Ah": v["capacity_Ah"],
        "energy_Wh": v["energy_Wh"],
        "mass_g": v["mass_g"],
        "volume_made_cm3": v["volume_made_cm3"],
        "volume_charged_cm3": v["volume_charged_cm3"],
        "volume_swollen_cm3": v["volume_swollen_cm3"],
        "specific_energy_Wh_kg": v["specific_energy_Wh_kg"],
        "specific_energy_eol_Wh_kg": v["specific_energy_eol_Wh_kg"],
        "energy_density_made_Wh_L": v["energy_density_made_Wh_L"],
        "energy_density_Wh_L": v["energy_density_Wh_L"],
        "energy_density_swollen_Wh_L": v["energy_density_swollen_Wh_L"],
        "energy_density_eol_Wh_L": v["energy_density_eol_Wh_L"],
        "eol_cycles": int(design.protocol.cycles),
        "eol_energy_retention": v["eol_energy_retention"],
        "swelling_volume_cm3": v["swelling_volume_cm3"],
        "electrode_pair_area_cm2": v["electrode_pair_area_cm2"],
        "areal_capacity_mAh_cm2": v["areal_capacity_mAh_cm2"],
        "average_voltage_V": v["average_voltage_V"],
        "anode_average_delithiation_V": v["anode_average_delithiation_V"],
        "round_trip_energy_efficiency": v["energy_efficiency"],
        "anode_ice": v["anode_ice"],
        "cathode_utilisation": v["cathode_utilisation"],
        "prelithiation_method": kw.get("prelithiation", "none"),
        "prelithiation_dose_mAh_cm2": v["prelithiation_dose_mAh_cm2"],
        "prelithiation_li_mg_cm2": v["prelithiation_li_mg_cm2"],
        "prelithiation_energy_gain_pct": 100 * (v["specific_energy_Wh_kg"]
                                                / float(res_nopre.values["specific_energy_Wh_kg"]) - 1),
        "anode_thickness_um": v["anode_thickness_um"],
        "anode_thickness_charged_um": v["anode_thickness_charged_um"],
        "anode_thickness_swollen_um": v["anode_thickness_swollen_um"],
        "cathode_thickness_um": v["cathode_thickness_um"],
        "cathode_porosity": v["cathode_porosity"],
        "electrolyte_g_per_Ah": v["electrolyte_g_per_Ah"],
        "plated_li_mAh_cm2": v["plated_li_mAh_cm2"],
        "plated_li_um": v["plated_li_um"],
        "anode_potential_top_of_charge_V": v["anode_potential_top_of_charge_V"],
        "li_reservoir_mAh_cm2": v["li_reservoir_mAh_cm2"],
        "anode_coating_thickness_um": v["anode_coating_thickness_um"],
        "graphite_reference_Wh_kg": gr_wh_kg,
        "graphite_reference_Wh_L": gr_wh_l,
        "graphite_reference_capacity_Ah": gr_ah,
        "materials_cost_usd_per_kWh": cost,
        "graphite_reference_cost_usd_per_kWh": gr_cost,
        "criteria_passed": int(n_passed),
        "criteria_total": int(n_criteria),
        "practical_range_warnings": int(len(warnings)),
        "swelling_source": "mechanics stage",
        **{k: v[k] for _, k in geo_keys},
    }
    tabs = {
        "bom": res.bom(),
        "states": states_table(v),
        "design": res.to_frame(),
        "criteria": _criteria.evaluate(v),
        "warnings": _practical.table(warnings),
        "cost": _cost.materials_cost(*cost_args),
        "energy_vs_si": _si_sweep(cathode, blend, kw),
        "graphite_reference_bom": res_gr.bom(),
        "notes": pd.DataFrame({"note": notes}),
    } if tables else {}
    out = StageResult(name="cell", summary=summary, tables=tabs,
                      data={"result": res, "graphite_reference": res_gr, "no_prelithiation": res_nopre,
                            "cathode": cathode, "anode": blend, "model_kwargs": kw, "notes": notes,
                            "warnings": warnings})
    if getattr(design, "calibration", None) is not None:  # a calibrated design: Wh/kg and Wh/L bands
        from sianode.cell.posterior import add_cell_bands

        add_cell_bands(design, {**upstream, "cell": out})
    return out


def _reference_numbers(res_gr: CellResult, cathode_name: str, memo: dict) -> tuple[float, float, float, float]:
    """Wh/kg, Wh/L, capacity (Ah) and materials cost (USD/kWh) of a graphite reference cell, once per reference and
    cathode in a batch."""
    key = (id(res_gr), cathode_name)
    if key not in memo:
        v = res_gr.values
        memo[key] = (res_gr, (float(v["specific_energy_Wh_kg"]), float(v["energy_density_Wh_L"]),
                              float(v["capacity_Ah"]),
                              _cost.materials_cost_usd_per_kWh(res_gr, cathode_name, 0.0)))  # holds res_gr: id stays
    return memo[key][1]


# --------------------------------------------------------------------------- report
def report(result: StageResult):
    """Sections: summary, energy per state, bill of materials (chart + table), warnings, energy vs Si content,
    criteria, cost, assumptions."""
    import html as _html

    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, paragraph, table

    s = result.summary
    secs = []
    keys = ["cell_kind", "cell_format", "cathode", "capacity_Ah", "energy_Wh", "mass_g", "specific_energy_Wh_kg",
            "energy_density_made_Wh_L", "energy_density_Wh_L", "energy_density_swollen_Wh_L", "energy_density_eol_Wh_L",
            "eol_cycles", "eol_energy_retention", "np_ratio", "np_basis", "anode_loading_mg_cm2",
            "cathode_loading_mg_cm2", "anode_thickness_um", "anode_thickness_charged_um", "anode_thickness_swollen_um",
            "cathode_thickness_um", "cathode_porosity", "areal_capacity_mAh_cm2", "average_voltage_V",
            "anode_average_delithiation_V", "round_trip_energy_efficiency", "anode_ice", "cathode_utilisation",
            "electrolyte_g_per_Ah", "prelithiation_method", "prelithiation_dose_mAh_cm2", "prelithiation_li_mg_cm2",
            "prelithiation_energy_gain_pct", "graphite_reference_Wh_kg", "graphite_reference_Wh_L",
            "graphite_reference_capacity_Ah", "materials_cost_usd_per_kWh", "swelling_source"]
    keys += [k for k in s if k.startswith("geometry_")]
    intro = ("Wh/L in four states: as made (discharged after formation), charged (the anode's reversible swelling "
             "from the mechanics stage), swollen (charged after the protocol's cycles of irreversible swelling) and "
             "end of life (the swollen cell delivering the life stage's remaining capacity). The volume is the cell's "
             "bounding box, terminals included; cans are rigid (swelling fills their free space). "
             f"N/P basis: {s['np_basis']}.")
    if s["cell_kind"] == "half":
        intro += (" Half-cell design: the numbers are for a matched NCM811 pouch (N/P 1.1, reversible basis) built "
                  "around this anode -- an assumption, not the tested cell.")
    secs.append(Section("Cell summary", paragraph(intro) + table(result.tables["states"])
                        + kv_table({k: s[k] for k in keys if k in s}, "Cell")))
    w = result.tables.get("warnings")
    if w is not None and len(w):
        items = "".join(f"<li>{_html.escape(m)}</li>" for m in w["message"])
        secs.append(Section("Practical-range warnings", paragraph("The design is possible but outside what cell "
                                                                  "makers build; each range names its source.")
                            + f"<ul class='warn'>{items}</ul>"))

    bd = result.tables["bom"]
    parts = bd[bd["component"] != "total"]
    fig, axs = plt.subplots(1, 2, figsize=(10, 4.5))
    m = parts[parts["mass_g"] > 0].sort_values("mass_g")
    axs[0].barh(m["component"], m["mass_pct"], color="C0")
    axs[0].set_xlabel("mass (%)")
    axs[0].set_title("mass")
    vv = parts[parts["volume_cm3"] > 0].sort_values("volume_cm3")
    axs[1].barh(vv["component"], vv["volume_pct"], color="C1")
    axs[1].set_xlabel("volume as made (%)")
    axs[1].set_title("volume")
    fig.tight_layout()
    secs.append(Section("Bill of materials", figure(fig, "mass and volume of every component")
                        + paragraph("Every component's mass and material volume (mass / density); the empty-space rows "
                                    "close the volume to the cell's envelope, so mass and volume sum to the cell "
                                    "(the 'total' row) and Wh/kg = energy / total mass, Wh/L = energy / total volume. "
                                    "Also in cell_bom.csv.")
                        + table(bd, max_rows=80)))

    es = result.tables.get("energy_vs_si")
    if es is not None and len(es):
        fig, ax = plt.subplots(1, 2, figsize=(10, 4))
        ax[0].plot(100 * es["si_material_fraction"], es["specific_energy_Wh_kg"], "C0-")
        ax[0].set_xlabel("Si material in the anode blend (wt%)")
        ax[0].set_ylabel("Wh/kg")
        ax[1].plot(100 * es["si_material_fraction"], es["energy_density_made_Wh_L"], "C1--", label="as made")
        ax[1].plot(100 * es["si_material_fraction"], es["energy_density_Wh_L"], "C1-", label="charged")
        ax[1].plot(100 * es["si_material_fraction"], es["energy_density_swollen_Wh_L"], "C3:", label="swollen")
        ax[1].set_xlabel("Si material in the anode blend (wt%)")
        ax[1].set_ylabel("Wh/L")
        ax[1].legend(fontsize=8)
        fig.tight_layout()
        secs.append(Section("Energy vs Si content", figure(fig, "energy vs Si content")
                            + paragraph("The design's Si-containing component blended with graphite; same cathode, N/P, "
                                        "format and prelithiation policy. Swelling along the sweep from the particle "
                                        "expansion (materials stage), with the design's irreversible/reversible swelling "
                                        "ratio from the mechanics stage when present; the design point in the summary "
                                        "uses the mechanics stage's thickness change directly.")))
    crit = result.tables["criteria"]
    rows = "".join(
        f"<tr><td>{_html.escape(r.criterion)}</td><td>{r.value:.4g} {_html.escape(r.unit)}</td>"
        f"<td>{_html.escape(r.requirement)}</td><td class='{'pass' if r.passed else 'fail'}'>"
        f"{'pass' if r.passed else 'FAIL'}</td><td>{r.margin:+.3g}</td><td>{_html.escape(r.source)}</td></tr>"
        for r in crit.itertuples())
    secs.append(Section("Industrial criteria", "<table><tr><th>criterion</th><th>value</th><th>requirement</th>"
                        f"<th>result</th><th>margin</th><th>source</th></tr>{rows}</table>"))
    secs.append(Section("Materials cost", table(result.tables["cost"])
                        + paragraph("Materials only, with electrode and cell yields; prices are user-overridable "
                                    "estimates (see docs/cell.md). seeds/001 §4: Si/C cells cost ~2x graphite cells "
                                    "(1.3 vs 0.65 CNY/Wh).")))
    secs.append(Section("Assumptions", "".join(paragraph(n) for n in result.tables["notes"]["note"])))
    return secs
