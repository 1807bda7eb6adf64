"""The life stage of the chain: cycle life of a design (capacity, CE, LLI, LAM, SEI vs cycle).

``run(design, upstream)`` reads what earlier stages own and never recomputes it:

* materials (``upstream["materials"]``): reversible capacity, ICE and irreversible capacity, surface
  area, Si diffusion radius, average lithiation / delithiation voltages;
* mechanics (``upstream["mechanics"]``): surface hoop strain amplitude, particle volume expansion,
  fracture verdict and the crack surface of fractured particles.

Rules shared with other stages come from the foundation layer: loadings and the N/P basis conversion
(:mod:`sianode.electrode.loading`), the first-cycle lithium bookkeeping and the automatic prelithiation
dose (:mod:`sianode.electrode.formation`), the cathode's mean voltage integrated from its OCP
(:mod:`sianode.cathodes`) and the electrolyte amount (:mod:`sianode.electrolyte_amount`). Options a
user may vary for a what-if (cycles, anode SOC cap, E/C, rest, temperature, C-rate) are keyword
arguments of :func:`run`; without them the design's values are used.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import fields

import numpy as np
import pandas as pd

from sianode.cathodes import design_cathode
from sianode.electrode.formation import design_dose_mAh_cm2
from sianode.electrode.loading import design_loadings
from sianode.electrolyte_amount import design_electrolytes
from sianode.errors import InputError
from sianode.interphase import calendar, electrolytes, sei
from sianode.life import fade, knee, lam, uncertainty
from sianode.protocol import c_rate as protocol_c_rate
from sianode.provenance import Parameter
from sianode.results import StageResult, check_batch, require

#: Earlier stages this stage reads.
REQUIRES: tuple[str, ...] = ("materials", "mechanics")

#: Options not in the design schema, with their sources.
OPTION_DEFAULTS: dict[str, Parameter] = {
    "storage_days": Parameter(30.0, "d", "calendar-ageing table: one month"),
    "storage_temperatures_C": Parameter(float("nan"), "°C", "25 and 60 °C (high-temperature storage, seeds/000 §3)"),
}


def _full_charge_potential(mat) -> float:
    """Relaxed anode potential at full charge: mean a-Si branch at the end-of-lithiation x (materials)."""
    return _ocv_at_full_charge(float(getattr(mat, "x_end", 3.75)))


@functools.lru_cache(maxsize=256)
def _ocv_at_full_charge(x_end: float) -> float:
    """``ocv_mean_V(0.98 x_end)`` (a pure function of ``x_end``: cached, designs of a sweep share few values)."""
    from sianode.materials import voltage

    return float(voltage.ocv_mean_V(0.98 * x_end))


def inputs_from_design(design, upstream, soc_max: float | None = None, ec_ratio_g_Ah: float | None = None,
                       ec_min_g_Ah: float | None = None, rest_h: float | None = None,
                       temperature_C: float | None = None, c_rate: float | None = None, calibrated: bool = True):
    """Build :class:`~sianode.life.fade.LifeInputs` for a design from its upstream; returns ``(inputs, info)``.

    ``upstream`` must hold the materials and mechanics results (the chain provides them:
    ``sianode.chain.upstream_for(design, "life")``). A design with a ``[calibration]`` section gets its calibrated
    life-model parameters (posterior medians, as factors on the model's nominal values; ``calibrated=False``: the
    model's own values, e.g. as the prior of a new calibration). :func:`inputs_from_designs` of one design.
    """
    return inputs_from_designs([design], [upstream], soc_max=soc_max, ec_ratio_g_Ah=ec_ratio_g_Ah,
                               ec_min_g_Ah=ec_min_g_Ah, rest_h=rest_h, temperature_C=temperature_C, c_rate=c_rate,
                               calibrated=calibrated)[0]


def inputs_from_designs(designs, upstreams, soc_max: float | None = None, ec_ratio_g_Ah: float | None = None,
                        ec_min_g_Ah: float | None = None, rest_h: float | None = None,
                        temperature_C: float | None = None, c_rate: float | None = None,
                        calibrated: bool = True) -> list[tuple]:
    """:func:`inputs_from_design` of many designs: ``[(inputs, info), ...]``, one per design.

    What a design object answers is read per design; the electrolyte amounts of all designs come from one call
    (:func:`sianode.electrolyte_amount.design_electrolytes`). A design's inputs are those it has alone; an
    invalid design raises its own error.
    """
    from sianode.electrode.formation import formation_q_cells
    from sianode.materials.utilisation import si_diffusivity_m2_s

    first = []  # per design: what the electrolyte amount needs, and what the inputs read after it
    factors = {}  # electrolyte factors by key (a batch has few electrolytes)
    forming = []  # full cells: (design index, formation arguments)
    for design, upstream in zip(designs, upstreams):
        if not hasattr(design, "active") or not hasattr(design, "cell"):
            raise InputError("design must be a sianode.design.Design", field="design")
        mres = require(upstream, "materials", "life")
        kd = require(upstream, "mechanics", "life").data
        mat = mres.data
        full = design.cell.kind == "full"
        q = float(mat.reversible_capacity_mAh_g)
        ice = float(mat.ice)
        el_key = electrolytes.electrolyte_key(design.electrolyte)
        ef = factors.get(el_key)
        if ef is None:
            ef = factors[el_key] = electrolytes.get(el_key).values()
        pr = design.protocol
        c = protocol_c_rate(pr, q) if c_rate is None else c_rate
        if not full:  # a half cell delivers its Si's utilisation at this rate (the one owner, materials.utilisation)
            q = float(mat.delivered_capacity_mAh_g(c))
        loads = design_loadings(design, mat)
        loading_g_cm2 = loads.anode_mg_cm2 * 1e-3
        if full:
            cathode = design_cathode(design)
            np_rev = float(loads.np_ratio_reversible)
            qc_rev_cm2 = loads.cathode_mg_cm2 * 1e-3 * cathode.reversible_capacity_mAh_g
            dose_cm2 = design_dose_mAh_cm2(design, qc_rev_cm2, cathode.ice, ice)
            forming.append((len(first), (qc_rev_cm2, cathode.ice, q * loading_g_cm2, ice, dose_cm2)))
            capacity_cm2 = None  # formation's Q_cell, below
            cathode_ice, v_cathode = cathode.ice, cathode.average_voltage_V()
        else:
            np_rev, dose_cm2, cathode_ice = 1.0, 0.0, 1.0
            capacity_cm2 = q * loading_g_cm2
            v_cathode = float("nan")
        first.append((mres, kd, full, q, ice, el_key, ef, c, loads, loading_g_cm2, np_rev, dose_cm2, cathode_ice,
                      v_cathode, capacity_cm2))
    if forming:  # the formation of all full cells at once (a design it rejects raises its own error)
        for (i, _), qc in zip(forming, formation_q_cells([a for _, a in forming])):
            first[i] = first[i][:-1] + (qc,)
    # the anode coating's geometry as the materials stage solved it (at its loading and envelope density)
    amounts = design_electrolytes(designs, [float(f[0].data.density_g_cm3) for f in first],
                                  [f[8].anode_mg_cm2 for f in first], [f[8].cathode_mg_cm2 for f in first],
                                  [f[14] for f in first],
                                  [getattr(f[0].data, "extras", {}).get("anode_geometry") for f in first]
                                  ) if designs else []
    out = []
    for design, f, amount in zip(designs, first, amounts):
        mres, kd, full, q, ice, el_key, ef, c, loads, loading_g_cm2, np_rev, dose_cm2, cathode_ice, v_cathode, _ = f
        mat, ms = mres.data, mres.summary
        pr = design.protocol
        ec = amount.ec_ratio_g_Ah if ec_ratio_g_Ah is None else float(ec_ratio_g_Ah)
        ec_min = amount.pore_fill_g_Ah if ec_min_g_Ah is None else float(ec_min_g_Ah)
        u_lith = float(ms["average_lithiation_voltage_V"])
        u_delith = float(ms["average_delithiation_voltage_V"])
        inp = fade.LifeInputs(
            full_cell=1.0 if full else 0.0, capacity_mAh_g=q, ice=ice, np_ratio=np_rev,
            prelithiation_mAh_g=dose_cm2 / loading_g_cm2, cathode_ice=cathode_ice,
            soc_max=float(pr.anode_soc_max) if soc_max is None else soc_max,
            c_rate=c, rest_h=float(pr.rest_h) if rest_h is None else rest_h,
            temperature_K=(pr.temperature_C if temperature_C is None else temperature_C) + 273.15,
            # SEI keeps growing on the surface the electrolyte still reaches after formation (mechanics owns it;
            # the first-cycle SEI on the whole BET area is in the materials stage's ICE)
            surface_area_m2_g=float(kd.sei_growth_surface_m2_g),
            crack_surface_area_m2_g=float(kd.crack_surface_area_m2_g),
            strain_amplitude=float(kd.surface_hoop_strain_amplitude),
            volumetric_expansion=max(float(kd.particle_volume_expansion), 1e-9),
            particle_radius_m=float(mat.si_diffusion_radius_m),
            diffusivity_m2_s=float(si_diffusivity_m2_s(getattr(mat, "si_diffusivity_m2_s", None))),
            anode_potential_V=0.5 * (u_lith + u_delith),
            electron_factor=ef["electron_factor"] * float(calendar.MATERIAL_SEI_FACTORS["silicon"]),
            solvent_factor=ef["solvent_factor"], sei_fracture_area_strain=ef["sei_fracture_area_strain"],
            fresh_surface_wetting=ef["fresh_surface_wetting"], fractures=1.0 if bool(kd.fractures) else 0.0,
            binder_strain=lam.binder_strain(design.electrode.binder), ec_ratio_g_Ah=ec, ec_min_g_Ah=ec_min,
            cathode_voltage_V=v_cathode if full else fade.LifeInputs.cathode_voltage_V,
            anode_delithiation_voltage_V=u_delith,
        )
        post = uncertainty.Posterior.from_calibration(getattr(design, "calibration", None)) if calibrated else None
        if post is not None:
            inp = uncertainty.apply_factors(inp, post.median_factors())
        info = {"electrolyte": el_key, "materials": mres, "loading_g_cm2": loading_g_cm2,
                "anode_loading_mg_cm2": loads.anode_mg_cm2, "cathode_loading_mg_cm2": loads.cathode_mg_cm2,
                "loading_note": loads.note, "prelithiation_dose_mAh_cm2": dose_cm2, "electrolyte_amount": amount,
                "cathode_mean_voltage_V": v_cathode, "np_ratio_reversible": np_rev,
                "u_anode_V": 0.5 * (u_lith + u_delith), "u_full_V": _full_charge_potential(mat)}
        out.append((inp, info))
    return out


def run(design, upstream=None, cycles: int | None = None, progress=None,
        samples: int = uncertainty.DEFAULT_SAMPLES, seed: int = uncertainty.DEFAULT_SEED, **options) -> StageResult:
    """Run the life stage. ``cycles`` defaults to ``design.protocol.cycles``; options: see
    :func:`inputs_from_design` (``soc_max``, ``ec_ratio_g_Ah``, ``ec_min_g_Ah``, ``rest_h``,
    ``temperature_C``, ``c_rate``). ``samples`` parameter sets of :mod:`sianode.life.uncertainty` (seeded by
    ``seed``; 0: none) run vectorised beside the nominal one and give the 5th/95th percentile bands.
    A batch of one (:func:`run_batch`)."""
    return run_batch([design], [upstream], cycles=cycles, progress=progress, samples=samples, seed=seed,
                     **options)[0]


#: Summary values that are NaN when their event did not happen within the simulated cycles (right-censored: a cell
#: still above 80 % after ``cycles`` has ``cycles_to_80pct`` NaN) -> the summary key of their lower bound.
CENSORED_AT: dict[str, str] = {"cycles_to_80pct": "cycles"}
#: Trajectories the summary reads (what a batch without tables records).
SUMMARY_RECORD = ("capacity_mAh_g", "retention", "ce", "lli_mAh_g", "lam", "sei_thickness_m", "r_sei_ohm_m2",
                  "strain_amplitude", "fresh_fraction", "electrolyte_remaining", "energy_mWh_g")
#: Memory of the trajectories one vectorised fade call of a batch records (bytes); it sets the designs per call
#: (500 cycles: 2272 designs without tables, 1250 with). Larger calls spread the per-cycle NumPy overhead over more
#: designs; the numbers do not depend on the grouping.
BATCH_BYTES = 100 * 1000**2


def run_batch(designs, upstreams, *, tables: bool = True, cycles: int | None = None, progress=None,
              samples: int = uncertainty.DEFAULT_SAMPLES, seed: int = uncertainty.DEFAULT_SEED,
              **options) -> list[StageResult]:
    """The life stage for many designs at once; ``run`` is this with one design (one implementation).

    Inputs are built per design (:func:`inputs_from_design`: what a design object answers) and stacked once; the
    fade model runs once for all designs with the same number of cycles (designs x cycles in one array operation,
    :func:`sianode.life.fade.simulate`), in groups bounded by :data:`BATCH_BYTES`, and the summaries are read
    from the group's trajectories as arrays (:func:`_results`). ``tables=False`` records only the trajectories the
    summary reads and skips the tidy tables (the summary is the same). Uncertainty bands (``samples`` > 0) are
    sampled per design.
    """
    check_batch(designs, upstreams)
    built = inputs_from_designs(designs, upstreams, **options)
    n_cycles = [int(d.protocol.cycles if cycles is None else cycles) for d in designs]
    record = fade.RECORDABLE if tables else SUMMARY_RECORD
    out: list = [None] * len(designs)
    if not designs:
        return out
    stacked = uncertainty.stack_inputs([b[0] for b in built])
    for n_cyc in sorted(set(n_cycles)):
        same = [i for i, c in enumerate(n_cycles) if c == n_cyc]
        size = max(1, BATCH_BYTES // fade.memory_bytes(1, n_cyc, record))
        for g in range(0, len(same), size):
            idx = same[g:g + size]
            group = stacked if len(idx) == len(designs) else _take(stacked, idx)
            traj = fade.simulate(group, n_cyc, record=record, progress=progress)
            pre = [k for k, i in enumerate(idx) if designs[i].cell.kind == "full" and built[i][0].prelithiation_mAh_g > 0]
            ref = fade.simulate(dataclasses.replace(_take(group, pre), prelithiation_mAh_g=0.0), n_cyc,
                                record=("capacity_mAh_g",)) if pre else None
            knees = _knees(traj["retention"], n_cyc)
            c80 = fade.cycles_to_retention(traj["retention"], 0.8)
            res = _results([designs[i] for i in idx], [upstreams[i] for i in idx], group, [built[i] for i in idx],
                           n_cyc, traj, ref, pre, tables, samples, seed, options, knees, c80)
            for i, r in zip(idx, res):
                out[i] = r
    return out


def _take(inp: fade.LifeInputs, idx) -> fade.LifeInputs:
    """Designs ``idx`` of stacked inputs (fields that are arrays over the designs; scalars are shared)."""
    return dataclasses.replace(inp, **{f.name: v[idx] for f in fields(inp)
                                       if isinstance(v := getattr(inp, f.name), np.ndarray)})


def _knees(retention, n_cyc: int) -> np.ndarray:
    """Knee cycle of every design of a batch in one vectorised fit (:func:`sianode.life.knee.knee_point`); NaN
    where there are too few cycles, None where the curve is not finite (that design's own call raises)."""
    out = np.full(retention.shape[1], np.nan, dtype=object)
    if n_cyc < 11:
        return out
    ok = np.all(np.isfinite(retention), axis=0)
    out[:] = None
    if ok.all():  # the usual case: every curve, without a copy
        out[:] = knee.knee_point(retention)
    elif ok.any():
        out[ok] = knee.knee_point(retention[:, ok])
    return out


def _columns(traj: dict) -> list[dict]:
    """Every design of batch trajectories, each shaped as a batch of one: ``v[:, k:k + 1]`` of a (cycles, designs)
    array, ``v[k:k + 1]`` of a per-design one (views; each array is split once, not sliced once per design)."""
    split = [list(v.reshape(v.shape + (1,)).swapaxes(0, 1)) if v.ndim == 2 else list(v.reshape(-1, 1))
             for v in traj.values()]
    return [dict(zip(traj, cols)) for cols in zip(*split)]


#: Stacked LifeInputs fields the summaries read.
_SUMMARY_INPUTS = ("solvent_diffusivity", "solvent_factor", "solvent_concentration", "electron_conductivity",
                   "electron_factor", "anode_potential_V", "sei_ocp", "fractures", "crack_surface_area_m2_g",
                   "surface_area_m2_g")


def _results(designs, upstreams, inp, built, n_cyc, traj, ref, pre, tables, samples, seed, options, knees,
             c80) -> list[StageResult]:
    """The StageResults of a batch from its trajectories (``traj``: shape ``(cycles, designs)``; ``inp``: the stacked
    inputs, ``built``: each design's ``(inputs, info)``; ``ref``: the designs ``pre`` again without prelithiation);
    ``knees``, ``c80``: knee and cycles to 80 % of every design, computed for the whole batch (a knee None: a curve
    that is not finite, whose own knee fit then raises the error naming it). Every summary number is one array
    operation over the batch, then one dict per design."""
    a = {k: np.asarray(getattr(inp, k), float) for k in _SUMMARY_INPUTS}  # stacked, validated by fade.simulate
    cap, ret, ce = traj["capacity_mAh_g"], traj["retention"], traj["ce"]
    loading_g_cm2 = np.array([b[1]["loading_g_cm2"] for b in built], float)
    area_per_m2 = a["surface_area_m2_g"] * loading_g_cm2 * 1e4  # m2 particle surface per m2 electrode
    regime = sei.regime(a["solvent_diffusivity"] * a["solvent_factor"], a["solvent_concentration"],
                        a["electron_conductivity"] * a["electron_factor"], a["anode_potential_V"], a["sei_ocp"])
    # per design along its own contiguous row: the same summation as a design alone
    mean_ce = np.nanmean(np.ascontiguousarray(ce.T), axis=1)
    c = {key: np.asarray(v).tolist() for key, v in {
        "init": cap[0], "final": cap[-1], "ret": 100 * ret[-1], "c80": c80, "ce0": 100 * ce[0], "ce1": 100 * ce[-1],
        "mean_ce": 100 * mean_ce, "lli": traj["lli_mAh_g"][-1], "lam": 100 * traj["lam"][-1],
        "sei": traj["sei_thickness_m"][-1] * 1e9, "r_sei": traj["r_sei_ohm_m2"][-1] / area_per_m2 * 1e4,
        "strain": traj["strain_amplitude"][0], "fresh": traj["fresh_fraction"][0],
        "el": 100 * traj["electrolyte_remaining"][-1], "energy": traj["energy_mWh_g"][-1],
        "plated": traj["_li_plated_mAh_g"], "crack": a["crack_surface_area_m2_g"], "fractures": a["fractures"] > 0.5,
        "regime": regime}.items()}
    ref_of = {k: j for j, k in enumerate(pre)}
    out = []
    for k, (design, traj_k) in enumerate(zip(designs, _columns(traj))):
        kn, (one, info_k) = knees[k], built[k]
        amount = info_k["electrolyte_amount"]
        post = uncertainty.Posterior.from_calibration(getattr(design, "calibration", None))
        bands, band_tab = _bands(design, upstreams[k], one, post, n_cyc, samples, seed, options) if samples else ({}, {})
        summary = {
            "cell_kind": design.cell.kind, "cycles": n_cyc, "electrolyte_model": info_k["electrolyte"],
            "strain_source": "mechanics stage", "sei_regime": str(c["regime"][k]),
            "initial_capacity_mAh_g": c["init"][k], "final_capacity_mAh_g": c["final"][k],
            "final_retention_pct": c["ret"][k], "cycles_to_80pct": float(c["c80"][k]),
            "knee_cycle": float(knee.knee_point(ret[:, k]) if kn is None else kn),
            "first_cycle_ce_pct_after_formation": c["ce0"][k], "final_ce_pct": c["ce1"][k],
            "mean_ce_pct": c["mean_ce"][k], "lli_mAh_g": c["lli"][k], "lam_pct": c["lam"][k],
            "sei_thickness_nm": c["sei"][k], "r_sei_ohm_cm2": c["r_sei"][k],
            "strain_amplitude_first_cycle": c["strain"][k], "fresh_surface_fraction_first_cycle": c["fresh"][k],
            "electrolyte_remaining_pct": c["el"][k], "fractures": c["fractures"][k],
            "anode_loading_mg_cm2": float(info_k["anode_loading_mg_cm2"]),
            "np_ratio_reversible": float(info_k["np_ratio_reversible"]),
            "ec_ratio_g_Ah": float(amount.ec_ratio_g_Ah),
            "electrolyte_wetting_threshold_g_Ah": float(amount.pore_fill_g_Ah),
            "crack_surface_area_m2_g": c["crack"][k],
        }
        summary.update(bands)
        if info_k["cathode_loading_mg_cm2"] is not None:
            summary["cathode_loading_mg_cm2"] = float(info_k["cathode_loading_mg_cm2"])
        if design.cell.kind == "full":
            summary["final_energy_mWh_g"] = c["energy"][k]
            summary["cathode_mean_voltage_V"] = float(info_k["cathode_mean_voltage_V"])
            summary["prelithiation_dose_mAh_cm2"] = float(info_k["prelithiation_dose_mAh_cm2"])
            summary["plated_li_mAh_g"] = c["plated"][k]
        if k in ref_of:
            # the same cell without prelithiation: prelithiation adds capacity and Si swing; it never shortens the
            # time the cell stays above a given capacity (80 % of what the unprelithiated cell starts with)
            q_ref = ref["capacity_mAh_g"][:, ref_of[k]]
            q = cap[:, k]
            below = np.nonzero(q < 0.8 * q_ref[0])[0]
            summary["initial_capacity_without_prelithiation_mAh_g"] = float(q_ref[0])
            summary["cycles_above_80pct_of_unprelithiated_capacity"] = float(below[0] if below.size else n_cyc)
            below_ref = np.nonzero(q_ref < 0.8 * q_ref[0])[0]
            summary["cycles_above_80pct_without_prelithiation"] = float(below_ref[0] if below_ref.size else n_cyc)
        tabs = {}
        if tables:
            df = fade.to_frame(traj_k).drop(columns=["design"])
            for key, (lo, mid, hi) in band_tab.items():
                df[f"{key}_p05"], df[f"{key}_p50"], df[f"{key}_p95"] = lo, mid, hi
            df["sei_thickness_nm"] = df["sei_thickness_m"] * 1e9
            df["r_sei_ohm_cm2"] = traj_k["r_sei_ohm_m2"][:, 0] / area_per_m2[k] * 1e4
            params = pd.DataFrame([{"name": key, "value": float(v[0])} for key, v in one.arrays().items()])
            tabs = {"cycles": df, "inputs": params, "calendar": calendar_table(one, info_k),
                    "uncertainty": uncertainty.registry_table()}
        out.append(StageResult(name="life", summary=summary, tables=tabs, data={"inputs": one, "trajectories": traj_k}))
    return out


def _bands(design, upstream, inp, post, n_cyc, samples, seed, options):
    """Uncertainty bands of one design (``inp``: its inputs, ``post``: its calibration posterior or None): summary
    entries and the capacity / retention bands."""
    band_tab = {}
    if post is None:
        band_inputs, band_source = uncertainty.sample(inp, int(samples), seed), "registry priors"
    else:  # the calibration's joint posterior replaces the priors (all its rows)
        band_inputs = posterior_inputs(design, upstream, post, **options)
        samples, band_source = band_inputs.n_designs, "calibration posterior"
    st = fade.simulate(band_inputs, n_cyc, record=("capacity_mAh_g", "retention"))
    for key in ("capacity_mAh_g", "retention"):
        band_tab[key] = uncertainty.percentile_bands(st[key], axis=1)
    c80_s = fade.cycles_to_retention(st["retention"], 0.8)
    censored = ~np.isfinite(c80_s)
    lo, mid, hi = uncertainty.percentile_bands(np.where(censored, np.inf, c80_s))
    bands = {"uncertainty_source": band_source, "uncertainty_samples": int(samples), "uncertainty_seed": int(seed),
             "cycles_to_80pct_p05": float(lo), "cycles_to_80pct_p50": float(mid), "cycles_to_80pct_p95": float(hi),
             "cycles_to_80pct_censored_fraction": float(censored.mean()),
             "final_capacity_mAh_g_p05": float(band_tab["capacity_mAh_g"][0][-1]),
             "final_capacity_mAh_g_p95": float(band_tab["capacity_mAh_g"][2][-1]),
             "final_retention_pct_p05": float(100 * band_tab["retention"][0][-1]),
             "final_retention_pct_p95": float(100 * band_tab["retention"][2][-1])}
    return bands, band_tab


def posterior_inputs(design, upstream, post, **options) -> fade.LifeInputs:
    """LifeInputs of every posterior row of a calibrated design (its designs axis = the rows).

    Measured material properties of a row (capacity, ICE, Si diffusivity) go through the materials stage's owner
    (:func:`sianode.materials.measured.apply_measured`) and this stage's :func:`inputs_from_design`, so the N/P
    basis, the prelithiation dose and the electrolyte amount follow each row; life-model rows are factors on the
    design's nominal values.
    """
    import dataclasses

    from sianode.materials.measured import apply_measured

    draws = post.draw()
    mat_names = [k for k in draws if k in uncertainty.MATERIALS_NAMES]
    if mat_names:
        mres = require(upstream, "materials", "life")
        rows = []
        for i in range(post.n_rows):
            props = apply_measured(mres.data, **{k: float(draws[k][i]) for k in mat_names}, source="posterior row",
                                   tables=False)
            up = {**upstream, "materials": dataclasses.replace(mres, data=props)}
            rows.append(inputs_from_design(design, up, calibrated=False, **options)[0])
        base = uncertainty.stack_inputs(rows)
    else:
        base = uncertainty.stack_inputs([inputs_from_design(design, upstream, calibrated=False, **options)[0]]
                                        * post.n_rows)
    return uncertainty.apply_factors(base, post.life_factors(draws))


def calendar_table(inp: fade.LifeInputs, info: dict, days: float | None = None) -> pd.DataFrame:
    """Storage at full charge, 25 and 60 °C, Si vs graphite SEI (seeds/000 §3)."""
    a = inp.arrays()
    days = float(OPTION_DEFAULTS["storage_days"]) if days is None else days
    frames = []
    ef = {"solvent_factor": float(a["solvent_factor"][0]),
          "electron_factor": float(a["electron_factor"][0]) / float(calendar.MATERIAL_SEI_FACTORS["silicon"])}
    for material in ("silicon", "graphite"):
        for t_c in (25.0, 60.0):
            df = calendar.storage(days, 1.0, t_c, info["u_full_V"], float(a["surface_area_m2_g"][0]),
                                  float(a["capacity_mAh_g"][0]), material=material, electrolyte_factors=ef, n_steps=60)
            df["material"] = material
            frames.append(df)
    return pd.concat(frames, ignore_index=True)


def report(result: StageResult):
    """Sections: summary, capacity/CE/LLI/LAM/SEI vs cycle with knee and 80 % line, calendar ageing."""
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, paragraph, table

    from sianode.key_results import stage_key_results
    from sianode.report.html import quantities_table

    s = result.summary
    df = result.tables["cycles"]
    secs = [Section("Cycle life summary", quantities_table(stage_key_results(result)) + paragraph(
        "Fade model of sianode.life.fade: SEI growth (solvent diffusion + electron leakage, Arrhenius), "
        "breathing on the strained Si surface, loss of active material (fracture, SEI isolation, binder "
        "fatigue, dry-out) and the lithium inventory of the cell. Bands: 5th to 95th percentile of the "
        "parameter uncertainty (below). See docs/life.md."))]
    fig, ax = plt.subplots(2, 3, figsize=(11, 6))
    c = df["cycle"]
    ax[0, 0].plot(c, df["capacity_mAh_g"], label="nominal")
    if "capacity_mAh_g_p05" in df:
        ax[0, 0].fill_between(c, df["capacity_mAh_g_p05"], df["capacity_mAh_g_p95"], color="C0", alpha=0.2,
                              label="5th-95th percentile")
    ax[0, 0].set_ylabel("discharge capacity (mAh/g)")
    if np.isfinite(s.get("knee_cycle", np.nan)):
        ax[0, 0].axvline(s["knee_cycle"], color="r", ls="--", label="knee")
    if np.isfinite(s.get("cycles_to_80pct", np.nan)):
        ax[0, 0].axvline(s["cycles_to_80pct"], color="k", ls=":", label="80 %")
    ax[0, 0].legend(loc="best")
    ax[0, 1].plot(c, 100 * df["ce"])
    ax[0, 1].set_ylabel("coulombic efficiency (%)")
    ax[0, 2].plot(c, df["lli_mAh_g"])
    ax[0, 2].set_ylabel("lithium lost, LLI (mAh/g)")
    ax[1, 0].plot(c, 100 * df["lam"])
    ax[1, 0].set_ylabel("loss of active material (%)")
    ax[1, 1].plot(c, df["sei_thickness_nm"], label="total")
    ax[1, 1].plot(c, df["passivating_sei_m"] * 1e9, label="passivating")
    ax[1, 1].set_ylabel("SEI thickness (nm)")
    ax[1, 1].legend()
    ax[1, 2].plot(c, df["r_sei_ohm_cm2"])
    ax[1, 2].set_ylabel("R_SEI (ohm cm2)")
    for a_ in ax.flat:
        a_.set_xlabel("cycle")
    fig.tight_layout()
    cols = [k for k in ("cycle", "capacity_mAh_g", "capacity_mAh_g_p05", "capacity_mAh_g_p95", "ce", "lli_mAh_g",
                        "lam", "sei_thickness_nm", "r_sei_ohm_cm2", "soc_lo", "soc_hi") if k in df]
    secs.append(Section("Capacity, CE, LLI, LAM and SEI vs cycle", figure(fig, "life trajectories")
                        + table(df[cols], name="life_cycles")))
    unc = result.tables.get("uncertainty")
    if unc is not None and "uncertainty_samples" in s:
        n = s.get("cycles", "?")
        lo, hi = (f"{v:.0f}" if np.isfinite(v) else f"more than {n}"
                  for v in (s["cycles_to_80pct_p05"], s["cycles_to_80pct_p95"]))
        origin = ("rows of the calibration's joint posterior (the design's [calibration] section, sianode calibrate; "
                  "registry below for the names and priors)" if s.get("uncertainty_source") == "calibration posterior"
                  else f"parameter sets (random seed {s['uncertainty_seed']}) drawn from the ranges below")
        secs.append(Section("Uncertainty of the cycle life", paragraph(
            f"{s['uncertainty_samples']} {origin} (sianode.life.uncertainty) run vectorised beside the nominal design; "
            "the band in the capacity plot "
            "and the *_p05 / *_p95 summary values are their 5th and 95th percentiles. Cycles to 80 %: "
            f"{lo} to {hi} (5th to 95th percentile; {100 * s['cycles_to_80pct_censored_fraction']:.0f} % of the "
            f"samples stay above 80 % for the {n} simulated cycles).") + table(unc, name="life_uncertainty")))
    cal = result.tables.get("calendar")
    if cal is not None and len(cal):
        fig, ax = plt.subplots(figsize=(6, 4))
        for (mat, t), g in cal.groupby(["material", "temperature_C"]):
            ax.plot(g["day"], g["lli_pct"], label=f"{mat}, {t:g} °C")
        ax.set_xlabel("storage time (days)")
        ax.set_ylabel("lithium lost (% of capacity)")
        ax.legend()
        secs.append(Section("Calendar ageing at full charge", figure(fig, "calendar ageing") + paragraph(
            "SEI growth at rest (electron leakage grows at low anode potential; Arrhenius). Si SEI leaks more "
            "electrons than graphite SEI (Energy Environ. Sci. 2025 CVD Si–C perspective, §3).")))
    return secs
