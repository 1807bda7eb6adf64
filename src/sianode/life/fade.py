"""Cycle-by-cycle fade model, vectorised over designs (loop over cycles, NumPy over designs).

Each cycle, for every design at once:

1. lithium inventory sets the charge and the anode SOC window (:mod:`sianode.life.inventory`);
2. the window and the C-rate set the surface strain amplitude (:mod:`sianode.life.window`);
3. breathing opens fresh surface (:mod:`sianode.interphase.breathing`);
4. SEI grows on intact and fresh surface over the cycle time, exactly integrated
   (:mod:`sianode.interphase.sei`): lithium lost ``S``, electrolyte consumed;
5. active material is lost to fracture, binder fatigue, SEI isolation and electrolyte dry-out
   (:mod:`sianode.life.lam`); lithium in isolated particles is trapped (``T``);
6. discharge; capacity, coulombic efficiency, energy.

The SEI is tracked as two thicknesses per unit surface of connected particles: the
*passivating* layer that limits growth, and the *total* layer (passivating + cracked debris)
that sets R_SEI and isolates particles. Isolated particles stop growing SEI. Fresh surface
regrows SEI beneath the porous debris of earlier cycles (seeds/000 §3: porosified SEI lets
electrolyte reach the Si), which adds a series transport resistance ``L_debris / (psi K)``
(``psi`` = ``debris_permeability``, transport through debris relative to dense SEI): the
per-cycle loss therefore falls as debris accumulates and the CE climbs towards 100 %.

Electrolyte: one solvent molecule per lithium bound (2 EC + 2 Li -> Li2EDC + C2H4). When the
remaining electrolyte falls below the amount needed to wet the pores (``ec_min_g_Ah``), the
un-wetted fraction of the electrode stops working (dry-out, seeds/003 §4.2).

Simplifications: one particle size, one mean SEI per design, constant rates within a cycle
(cycle-averaged anode potential), no lithium plating, no cathode degradation, energy from mean
voltages (no impedance). See ``docs/life.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from sianode.electrode.formation import formation
from sianode.errors import InputError
from sianode.interphase import electrolytes, sei
from sianode.life import inventory, lam, window

#: Outputs recorded per cycle (shape ``(cycles, designs)``).
RECORDABLE = (
    "capacity_mAh_g", "charge_capacity_mAh_g", "ce", "retention", "lli_mAh_g", "lam",
    "sei_thickness_m", "passivating_sei_m", "r_sei_ohm_m2", "soc_lo", "soc_hi", "strain_amplitude",
    "fresh_fraction", "electrolyte_remaining", "energy_mWh_g", "li_sei_mAh_g", "li_trapped_mAh_g",
    "li_cathode_mAh_g", "li_anode_mAh_g", "li_supplied_mAh_g",
)

#: Default per-process memory budget for recorded trajectories (bytes).
MEMORY_LIMIT_BYTES = 2 * 1024**3

_SEI = {k: float(v) for k, v in sei.SEI_PARAMETERS.items()}
_LAM = {k: float(v) for k, v in lam.LAM_PARAMETERS.items()}
# default electrolyte factors of LifeInputs: the FEC-containing carbonate of sianode.interphase.electrolytes
_ELECTROLYTE_DEFAULT = electrolytes.get("fec").values()


@dataclass
class LifeInputs:
    """Inputs of :func:`simulate`; every field is a scalar or a 1-D array over designs.

    Units are SI unless the name says otherwise. Defaults: a nano-Si/carbon anode in a half
    cell with a carbonate + FEC electrolyte at 25 °C (sources of the physical parameters in
    :data:`sianode.interphase.sei.SEI_PARAMETERS`, :data:`sianode.life.lam.LAM_PARAMETERS`
    and :mod:`sianode.interphase.electrolytes`).
    """

    # cell and inventory
    full_cell: float = 0.0  # 1 = full cell, 0 = half cell
    capacity_mAh_g: float = 1500.0  # reversible anode capacity per g active
    ice: float = 0.85
    np_ratio: float = 1.1  # reversible basis (sianode.electrode.loading.np_ratio_reversible)
    prelithiation_mAh_g: float = 0.0
    cathode_ice: float = 1.0  # cathode reversible / first-charge capacity (sianode.cathodes)
    soc_min: float = 0.0  # half-cell lower anode SOC (full cells: set by the reserve)
    soc_max: float = 1.0  # anode SOC cap (anode-tailored design: < 1)
    c_rate: float = 0.5
    rest_h: float = 0.0
    temperature_K: float = 298.15
    # interphase
    surface_area_m2_g: float = 20.0
    crack_surface_area_m2_g: float = 0.0  # fracture faces of pulverised Si, re-exposed every cycle (mechanics)
    strain_amplitude: float = 0.3  # surface hoop strain amplitude of a full 0..1 window
    volumetric_expansion: float = 2.0  # particle volume expansion at full lithiation
    particle_radius_m: float = 50e-9
    diffusivity_m2_s: float = 1e-16
    anode_potential_V: float = 0.25  # cycle-averaged, for electron leakage
    sei_rate_factor: float = 1.0  # calibration multiplier on all SEI rates
    solvent_factor: float = float(_ELECTROLYTE_DEFAULT["solvent_factor"])
    sei_fracture_area_strain: float = float(_ELECTROLYTE_DEFAULT["sei_fracture_area_strain"])
    fresh_surface_wetting: float = 1.0
    electron_factor: float = 1.0
    debris_permeability: float = _LAM["debris_permeability"]  # cracked SEI debris vs dense SEI (lam.py)
    solvent_diffusivity: float = _SEI["solvent_diffusivity"]
    solvent_concentration: float = _SEI["solvent_concentration"]
    kinetic_rate_constant: float = _SEI["kinetic_rate_constant"]
    electron_conductivity: float = _SEI["electron_conductivity"]
    sei_ocp: float = _SEI["sei_ocp"]
    partial_molar_volume: float = _SEI["partial_molar_volume"]
    li_per_sei: float = _SEI["li_per_sei"]
    initial_thickness: float = _SEI["initial_thickness"]
    activation_energy: float = _SEI["activation_energy"]
    resistivity: float = _SEI["resistivity"]
    # loss of active material
    fractures: float = 0.0
    fracture_beta: float = _LAM["fracture_beta"]
    fracture_exponent: float = _LAM["fracture_exponent"]
    isolation_thickness: float = _LAM["isolation_thickness"]
    isolation_shape: float = _LAM["isolation_shape"]
    binder_beta: float = _LAM["binder_beta"]
    binder_exponent: float = _LAM["binder_exponent"]
    binder_strain: float = 0.15
    isolation_soc_fraction: float = 0.5  # where in the charge particles are isolated (0 = bottom, 1 = top)
    # electrolyte inventory
    ec_ratio_g_Ah: float = 40.0  # flooded coin cell by default
    ec_min_g_Ah: float = 1.0
    solvent_molar_mass_g_mol: float = 88.06  # EC (C3H4O3)
    solvent_per_li: float = 1.0  # Li2EDC: 2 EC per 2 Li
    # energy
    cathode_voltage_V: float = 3.7
    anode_delithiation_voltage_V: float = 0.4

    def arrays(self) -> dict[str, np.ndarray]:
        """All fields broadcast to 1-D float arrays of one common length; validated."""
        raw = {f.name: np.atleast_1d(np.asarray(getattr(self, f.name), dtype=float)) for f in fields(self)}
        for k, v in raw.items():
            if v.ndim != 1:
                raise InputError(f"must be a scalar or a 1-D array over designs, got shape {v.shape}", field=k)
        try:
            n = np.broadcast_shapes(*(v.shape for v in raw.values()))
        except ValueError:
            lens = {k: len(v) for k, v in raw.items() if len(v) != 1}
            raise InputError(f"inconsistent numbers of designs across inputs: {lens}", field="LifeInputs") from None
        out = {k: np.broadcast_to(v, n).copy() for k, v in raw.items()}
        _validate(out)
        return out

    @property
    def n_designs(self) -> int:
        return len(next(iter(self.arrays().values())))


_POSITIVE = ("capacity_mAh_g", "np_ratio", "c_rate", "temperature_K", "surface_area_m2_g", "volumetric_expansion",
             "particle_radius_m", "diffusivity_m2_s", "solvent_diffusivity", "solvent_concentration",
             "kinetic_rate_constant", "partial_molar_volume", "li_per_sei", "isolation_thickness", "isolation_shape",
             "binder_strain", "debris_permeability", "ec_ratio_g_Ah", "ec_min_g_Ah", "solvent_molar_mass_g_mol")
_NONNEG = ("prelithiation_mAh_g", "crack_surface_area_m2_g", "rest_h", "strain_amplitude", "sei_rate_factor", "solvent_factor",
           "sei_fracture_area_strain", "electron_factor", "electron_conductivity", "initial_thickness",
           "activation_energy", "resistivity", "fracture_beta", "fracture_exponent", "binder_beta",
           "binder_exponent", "solvent_per_li")
_UNIT = ("full_cell", "soc_min", "soc_max", "fresh_surface_wetting", "fractures", "isolation_soc_fraction")


_MAY_BE_INF = ("ec_ratio_g_Ah",)  # no liquid electrolyte (solid state): dry-out never limits


def _validate(a: dict[str, np.ndarray]) -> None:
    for k, v in a.items():
        ok = ~np.isnan(v) & (np.isfinite(v) | ((v > 0) & (k in _MAY_BE_INF)))
        if not np.all(ok):
            raise InputError("contains NaN or infinite values", field=k)
    for k in _POSITIVE:
        if np.any(a[k] <= 0):
            raise InputError(f"must be > 0 (got min {a[k].min():g})", field=k)
    for k in _NONNEG:
        if np.any(a[k] < 0):
            raise InputError(f"must be >= 0 (got min {a[k].min():g})", field=k)
    for k in _UNIT:
        if np.any((a[k] < 0) | (a[k] > 1)):
            raise InputError("must be within [0, 1]", field=k)
    if np.any((a["ice"] <= 0) | (a["ice"] > 1)):
        raise InputError("initial coulombic efficiency must be within (0, 1]", field="ice")
    if np.any((a["cathode_ice"] <= 0) | (a["cathode_ice"] > 1)):
        raise InputError("cathode first-cycle efficiency must be within (0, 1]", field="cathode_ice")
    if np.any(a["soc_min"] >= a["soc_max"]):
        raise InputError("soc_min must be below soc_max", field="soc_min")


def memory_bytes(n_designs: int, cycles: int, record) -> int:
    """Memory the recorded trajectories need (float64)."""
    return int(n_designs) * int(cycles) * len(tuple(record)) * 8


def simulate(inputs: LifeInputs, cycles: int, record=RECORDABLE, memory_limit_bytes: int = MEMORY_LIMIT_BYTES,
             progress=None) -> dict[str, np.ndarray]:
    """Run the fade model for ``cycles`` cycles; return ``{name: array (cycles, designs)}``.

    ``record`` selects outputs from :data:`RECORDABLE` (fewer = less memory). ``progress`` is
    an optional callable ``progress(cycles_done)`` called every 50 cycles.

    Raises :class:`~sianode.errors.InputError` for invalid inputs or when the trajectories
    would not fit in ``memory_limit_bytes``.
    """
    if isinstance(cycles, bool) or not isinstance(cycles, (int, np.integer)) or cycles < 1:
        raise InputError(f"cycles must be a positive integer, got {cycles!r}", field="cycles")
    record = tuple(record)
    unknown = [r for r in record if r not in RECORDABLE]
    if unknown:
        raise InputError(f"unknown outputs {unknown}; allowed: {', '.join(RECORDABLE)}", field="record")
    p = inputs.arrays()
    n = len(p["capacity_mAh_g"])
    need = memory_bytes(n, cycles, record)
    if need > memory_limit_bytes:
        raise InputError(
            f"{n} designs x {cycles} cycles x {len(record)} outputs need {need / 1e9:.2f} GB, more than the "
            f"{memory_limit_bytes / 1e9:.2f} GB allowed; record fewer outputs, fewer cycles or split the designs",
            field="cycles")
    out = {r: np.empty((cycles, n)) for r in record}

    full = p["full_cell"] > 0.5
    qa0 = p["capacity_mAh_g"]
    qirr = inventory.irreversible_first_cycle_mAh_g(qa0, p["ice"])
    qc = np.where(full, qa0 / p["np_ratio"], np.inf)
    # lithium after formation: C (cathode), A (anode reserve), plated (dead Li metal): one bookkeeping
    # for every stage (sianode.electrode.formation); half-cell entries get harmless placeholders
    form = formation(np.where(full, qc, 1.0), np.where(full, p["cathode_ice"], 1.0), np.where(full, qa0, 1.0),
                     p["ice"], np.where(full, p["prelithiation_mAh_g"], 0.0))
    qirr = np.where(full, form.lost, qirr)  # full cell: the loss of the Li that entered (charge-passed)
    C = np.where(full, form.q_cell, 0.0)
    A = np.where(full, form.reservoir, p["soc_min"] * qa0)
    plated = np.where(full, form.plated, 0.0)
    supplied = np.where(full, 0.0, qirr + A)  # half cell: net lithium from the counter electrode

    # rates at this temperature (Arrhenius) in SI
    arr = sei.arrhenius(p["temperature_K"], p["activation_energy"]) * p["sei_rate_factor"]
    K = arr * sei.transport_constant(p["solvent_diffusivity"] * p["solvent_factor"], p["solvent_concentration"],
                                     p["electron_conductivity"] * p["electron_factor"], p["anode_potential_V"], p["sei_ocp"])
    nr = arr * p["kinetic_rate_constant"] * p["solvent_concentration"] * p["solvent_factor"]
    vz = p["partial_molar_volume"] / p["li_per_sei"]
    mAh_per_mol_m2 = p["surface_area_m2_g"] * sei.FARADAY_C_MOL * sei.MAH_PER_C
    crack_ratio = p["crack_surface_area_m2_g"] / p["surface_area_m2_g"]
    overshoot = window.surface_soc_overshoot(p["c_rate"], p["particle_radius_m"], p["diffusivity_m2_s"])
    theta = p["isolation_soc_fraction"]

    # nominal capacity (for cycle time and electrolyte amount): first-cycle charge
    q_nom = np.where(full, inventory.full_cell_charge(C, A, qa0, p["soc_max"]), (p["soc_max"] - p["soc_min"]) * qa0)
    q_nom_safe = np.maximum(q_nom, 1e-12)
    # the electrolyte is a fixed amount of the design: E/C refers to the delivered first-cycle capacity of the
    # full window (full cell: formation's Q_cell; half cell: the anode's capacity), not to the charge an SOC
    # cap lets through (sianode.electrolyte_amount)
    q_ref = np.where(full, form.q_cell, qa0)
    m_el0 = p["ec_ratio_g_Ah"] * q_ref / 1000.0  # g electrolyte per g anode active
    m_req = p["ec_min_g_Ah"] * q_ref / 1000.0
    g_solvent_per_mAh = 3.6 / sei.FARADAY_C_MOL * p["solvent_per_li"] * p["solvent_molar_mass_g_mol"]

    Lp = p["initial_thickness"].copy()
    Lt = Lp.copy()
    mech = np.ones(n)
    wet = np.ones(n)
    act = (1.0 - lam.isolated_fraction(Lt, p["isolation_thickness"], p["isolation_shape"]))
    # formation SEI is already there: define the isolation reference so that cycle 1 starts fully active
    iso0 = 1.0 - act
    act = np.ones(n)
    m_used = np.zeros(n)
    sum_S = np.zeros(n)
    sum_T = np.zeros(n)
    cap1 = None
    eps_full_ref = p["strain_amplitude"]

    # loop invariants, hoisted (each the same expression as inside the loop, so the same numbers)
    all_full, any_full = bool(full.all()), bool(full.any())  # homogeneous batches skip the other cell kind
    soc_max, win = p["soc_max"], np.maximum(p["soc_max"] - p["soc_min"], 0.0)
    full_lin = window.linear_strain_between(0.0, 1.0, p["volumetric_expansion"])
    # the strain references are fixed: whether they are finite and > 0 is tested once (window.positive_ratio)
    full_pos = bool(np.all(np.isfinite(full_lin) & (full_lin > 0)))
    ref_pos = bool(np.all(np.isfinite(eps_full_ref) & (eps_full_ref > 0)))
    fracture_area = 1.0 + p["sei_fracture_area_strain"]
    rest_s = 3600.0 * p["rest_h"]
    inv_nr, debris_K = 1.0 / nr, p["debris_permeability"] * K
    offset, two_K = sei.reaction_offset(K, nr), 2.0 * K  # eq. (2) of sei.thickness_after for the intact surface
    active0 = 1.0 - iso0
    a_half_per_act = p["soc_min"] * qa0
    dv = p["cathode_voltage_V"] - p["anode_delithiation_voltage_V"]
    rec_ce, rec_lli = "ce" in out, "lli_mAh_g" in out

    for k in range(cycles):
        qa = qa0 * act
        qa_safe = np.maximum(qa, 1e-300)
        if all_full:
            Q = inventory.full_cell_charge(C, A, qa, soc_max)
        elif not any_full:
            Q = win * qa
        else:
            Q = np.where(full, inventory.full_cell_charge(C, A, qa, soc_max), win * qa)
        AQ = A + Q
        has_qa = qa > 0
        if has_qa.all():  # the usual case: nothing to select (the same quotients)
            s_lo, s_hi = A / qa_safe, AQ / qa_safe
        else:
            s_lo = np.where(has_qa, A / qa_safe, 0.0)
            s_hi = np.where(has_qa, AQ / qa_safe, 0.0)
        s_hi_surf = np.minimum(1.0, s_hi + overshoot)
        eps = window.window_strain_amplitude(eps_full_ref, np.minimum(s_lo, 1.0), s_hi_surf, p["volumetric_expansion"],
                                             full_linear_strain=full_lin, full_positive=full_pos)
        f = p["fresh_surface_wetting"] * np.maximum(0.0, 1.0 - fracture_area / ((1.0 + eps) ** 2))
        dt = 2.0 * 3600.0 * (Q / q_nom_safe) / p["c_rate"] + rest_s

        # SEI growth over the cycle, sei.thickness_after by its parts (K, N_r and dt shared by both surfaces)
        two_ka = two_K * (vz * dt)
        Lp1 = sei.grown_thickness(Lp, offset, two_ka)
        # fresh surface grows under the cracked debris layer (porous, permeability psi): series resistance
        nr_fresh = 1.0 / (inv_nr + (Lt - Lp) / debris_K)
        Lf1 = sei.grown_thickness(0.0, sei.reaction_offset(K, nr_fresh), two_ka)
        intact, fresh = 1.0 - f, f * Lf1
        dL = intact * (Lp1 - Lp) + fresh  # new SEI volume per surface area
        # crack faces of pulverised particles are re-exposed every cycle (mechanics stage): fresh growth
        dL_crack = p["fresh_surface_wetting"] * Lf1 * crack_ratio
        S = (dL + dL_crack) / vz * mAh_per_mol_m2 * act  # only connected particles grow SEI
        S = np.minimum(S, AQ)
        Lp = intact * Lp1 + fresh
        Lt = Lt + dL + dL_crack  # SEI grown in the cracks isolates fragments (dead Si, seeds/000 §3)

        m_used = m_used + S * g_solvent_per_mAh
        wet = ((m_el0 - m_used) / m_req).clip(0.0, 1.0)  # the method: np.clip's wrapper costs more than the clip
        mech = mech * (1.0 - lam.fracture_loss_per_cycle(eps, eps_full_ref, p["fractures"], p["fracture_beta"],
                                                         p["fracture_exponent"], reference_positive=ref_pos)) \
            * (1.0 - lam.binder_loss_per_cycle(eps, p["binder_strain"], p["binder_beta"], p["binder_exponent"]))
        iso = lam.isolated_fraction(Lt, p["isolation_thickness"], p["isolation_shape"])
        act_new = np.minimum(act, mech * (1.0 - iso) / active0 * wet)
        alive = act > 0
        phi = 1.0 - act_new / np.maximum(act, 1e-300)
        if not alive.all():
            phi = np.where(alive, phi, 0.0)
        T = np.minimum(phi * (A + theta * Q), AQ - S)

        if all_full:
            dis, C, A = inventory.full_cell_discharge(C, A, Q, S, T, qc)
            chg = Q
        else:
            # half cell: reserve stays at soc_min of the remaining active capacity
            A_half = a_half_per_act * act_new
            delith = AQ - T - A_half
            lith = Q + S
            if any_full:
                ret, C_new, A_new = inventory.full_cell_discharge(C, A, Q, S, T, qc)
                dis = np.where(full, ret, delith)
                chg = np.where(full, Q, lith)
                C = np.where(full, C_new, 0.0)
                A = np.where(full, A_new, A_half)
                supplied = supplied + np.where(full, 0.0, lith - delith)
            else:
                dis, chg, A = delith, lith, A_half
                supplied = supplied + (lith - delith)
        sum_S += S
        sum_T += T
        act = act_new
        if cap1 is None:
            cap1 = np.maximum(dis, 1e-300)

        state = {
            "capacity_mAh_g": dis, "charge_capacity_mAh_g": chg, "lli_mAh_g": sum_S + sum_T if rec_lli else None,
            "sei_thickness_m": Lt, "passivating_sei_m": Lp, "soc_lo": s_lo, "soc_hi": s_hi,
            "strain_amplitude": eps, "fresh_fraction": f, "li_sei_mAh_g": sum_S, "li_trapped_mAh_g": sum_T,
            "li_cathode_mAh_g": C, "li_anode_mAh_g": A, "li_supplied_mAh_g": supplied,
            # stored raw, converted after the loop (below)
            "retention": dis, "lam": act, "r_sei_ohm_m2": Lt, "electrolyte_remaining": m_used, "energy_mWh_g": dis,
        }
        for r in record:
            if r != "ce":
                out[r][k] = state[r]
        if rec_ce:
            ce, charged = dis / np.maximum(chg, 1e-300), chg > 0
            out["ce"][k] = ce if charged.all() else np.where(charged, ce, np.nan)
        if progress is not None and (k + 1) % 50 == 0:
            progress(k + 1)
    # the same expressions as per cycle, on the whole (cycles, designs) trajectory at once
    after = {
        "retention": lambda v: np.divide(v, cap1, out=v), "lam": lambda v: np.subtract(1.0, v, out=v),
        "r_sei_ohm_m2": lambda v: np.multiply(p["resistivity"], v, out=v),
        "electrolyte_remaining": lambda v: np.subtract(1.0, np.divide(v, m_el0, out=v), out=v),
        "energy_mWh_g": lambda v: np.copyto(np.multiply(v, dv, out=v), np.nan, where=~full),  # NaN: half cells
    }
    for r, convert in after.items():
        if r in out:  # once per output, even if ``record`` names it twice
            convert(out[r])
    out["_li_formation_mAh_g"] = qirr
    out["_li_initial_mAh_g"] = np.where(full, form.li_in, np.nan)
    out["_li_plated_mAh_g"] = plated
    return out


def cycles_to_retention(retention: np.ndarray, threshold: float = 0.8) -> np.ndarray:
    """First cycle number (1-based, linearly interpolated) at which retention falls below ``threshold``.

    ``retention`` has shape ``(cycles, designs)``; NaN where it never does.
    """
    r = np.asarray(retention, float)
    below = r < threshold
    any_below = below.any(axis=0)
    idx = np.argmax(below, axis=0)  # first cycle below (0-based); 0 where none
    cols = np.arange(r.shape[1])
    r0 = r[np.maximum(idx - 1, 0), cols]  # the cycle before (1-based: idx) and the first one below (idx + 1)
    r1 = r[idx, cols]
    with np.errstate(divide="ignore", invalid="ignore"):
        interp = np.where(r0 != r1, idx + (r0 - threshold) / (r0 - r1), idx + 1.0)
    return np.where(any_below, np.where(idx == 0, 1.0, interp), np.nan)


def to_frame(traj: dict[str, np.ndarray], design_ids=None) -> pd.DataFrame:
    """Tidy table: one row per (design, cycle) with every recorded output."""
    keys = [k for k in traj if not k.startswith("_")]
    cycles, n = traj[keys[0]].shape
    ids = np.arange(n) if design_ids is None else np.asarray(design_ids)
    df = pd.DataFrame({"design": np.repeat(ids, cycles), "cycle": np.tile(np.arange(1, cycles + 1), n)})
    for k in keys:
        df[k] = traj[k].T.reshape(-1)
    return df
