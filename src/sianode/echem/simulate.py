"""Run PyBaMM on a sianode parameter set: build once, solve for many currents and temperatures.

:class:`CellSimulator` builds and discretises one PyBaMM model (DFN by default, small mesh) in
which the current, the temperature, the lower voltage cut-off, the initial anode stoichiometry
and two Si kinetic factors are ``pybamm.InputParameter`` s. Every case of a rate table,
temperature sweep or calibration is then a solve of the *same* compiled model with new inputs;
rebuilding per case is what :mod:`benchmarks/echem.py` compares against.

Sign convention used in this module: ``current_A > 0`` always *lithiates the anode* (a
"discharge" of a half cell vs Li, a "charge" of a full cell). Capacities are reported per gram of
anode active material (mAh/g, like the papers) and per cell (A h).

Plating margin: the anode potential vs Li/Li+ at the anode/separator interface,
``phi_s - phi_e`` there (PyBaMM's "surface potential difference at separator interface"), the
place where plating starts first; its minimum over a lithiation is the margin (< 0: plating is
thermodynamically possible). It is compared at EQUAL charged capacity: the constant-current charge
runs to the target state of charge with the voltage cut-offs relaxed, so a cold cell whose voltage
would hit the limit early is not credited with a larger margin for having charged less; the state of
charge at which the normal cut-off would have stopped the charge is reported beside it
(``soc_at_voltage_limit``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sianode.echem import parameters as P
from sianode.errors import InputError, SolverError

DEFAULT_VAR_PTS = {"x_n": 6, "x_s": 4, "x_p": 6, "r_n": 10, "r_p": 10,
                   "r_n_prim": 10, "r_n_sec": 10, "r_p_prim": 10, "r_p_sec": 10}
MODELS = ("DFN", "SPMe", "SPM")
RTOL, ATOL = 1e-4, 1e-6  # PyBaMM's defaults; capacities agree with 1e-6/1e-8 to < 0.1 mAh/g
PLATING_CUTOFF_V = -0.5  # relaxed lower cut-off while probing plating (cell voltage, V)
PLATING_UPPER_RELAX_V = (0.6, 0.3, 0.0)  # full cells: upper cut-off raised by this while probing plating (V);
# the next smaller one is tried when the solver cannot follow the relaxed charge (electrolyte depletion)


def _pybamm():
    import warnings

    import pybamm
    pybamm.set_logging_level("ERROR")
    # our decay rate is defined for the >= 25.10 convention (see parameters.HYSTERESIS_DECAY)
    warnings.filterwarnings("ignore", message="The definition of the hysteresis decay rate")
    return pybamm


@dataclass
class Leg:
    """One constant-current leg: its columns (NumPy arrays), termination, and a tidy ``curve``.

    The DataFrame is built on first access only: a rate table reads a few end values per leg
    and does not need one (it was a measurable share of the per-current time).
    """

    data: dict
    termination: str
    step: str = ""
    current_A: float = 0.0
    _curve: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def curve(self) -> pd.DataFrame:
        if self._curve is None:
            d = self.data
            self._curve = pd.DataFrame({"step": self.step, "time_s": d["time_s"], "current_A": self.current_A,
                                        **{k: v for k, v in d.items() if k != "time_s"}})
        return self._curve


class CellSimulator:
    """One compiled PyBaMM model of a :class:`~sianode.echem.parameters.CellParameters`.

    Parameters
    ----------
    cp : CellParameters
    model : "DFN" | "SPMe" | "SPM"
    hysteresis : "current sigmoid" | "one-state hysteresis" | "none"
        How the lithiation/delithiation OCP branches are used (see ``parameters.model_options``).
    var_pts : dict, optional
        Mesh; small by default (results converge to < 1 % in capacity on this mesh for the
        example designs).
    compile : bool, default False
        Ahead-of-time compile the model's CasADi functions to C (IDAKLU option ``"compile"``; needs
        a C compiler, falls back to the CasADi virtual machine otherwise). Solves become about 2x
        faster; the first build of a parameter set costs several seconds of compilation, cached on
        disk by PyBaMM (``$PYBAMM_CASADI_AOT_CACHE``, default ``$TMPDIR/pybamm_casadi_aot``).
        Worth it for long sweeps/calibrations; the results agree with the default to round-off.
    """

    def __init__(self, cp: P.CellParameters, model: str = "DFN", hysteresis="current sigmoid",
                 var_pts: dict | None = None, compile: bool = False):
        pybamm = _pybamm()
        if model not in MODELS:
            raise InputError(f"model {model!r} unknown; use one of {MODELS}", field="model")
        self.cp = cp
        self.model_name = model
        self.hysteresis = hysteresis
        pv, opts = P.to_pybamm(cp, inputs=True, hysteresis=hysteresis)
        pv["Lower voltage cut-off [V]"] = pybamm.InputParameter("Lower voltage cut-off [V]")
        pv["Upper voltage cut-off [V]"] = pybamm.InputParameter("Upper voltage cut-off [V]")
        self.options = opts
        half = cp.kind == "half"
        dom = "positive" if half else "negative"
        n = len(cp.anode.phases)
        names = [p.name for p in cp.anode.phases]
        si_idx = names.index("silicon") if "silicon" in names else 0
        tag = "" if n == 1 else ("primary " if si_idx == 0 else "secondary ")
        self.var_si_sto = f"Average {dom} {tag}particle stoichiometry"
        self.var_anode_potential = f"{dom.capitalize()} electrode surface potential difference at separator interface [V]"
        # only the variables we read are post-processed (IDAKLU output_variables): faster solves
        outputs = ["Time [s]", "Voltage [V]", "Discharge capacity [A.h]", self.var_si_sto, self.var_anode_potential]
        try:
            m = getattr(pybamm.lithium_ion, model)(opts)
            sim = pybamm.Simulation(m, parameter_values=pv, var_pts=var_pts or DEFAULT_VAR_PTS,
                                    solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL, output_variables=outputs,
                                                              options={"compile": bool(compile)}))
            sim.build()
        except InputError:
            raise
        except Exception as err:  # noqa: BLE001 - PyBaMM raises many types
            raise SolverError(f"building the PyBaMM {model} model failed: {err}") from None
        self.model = sim.built_model
        self.solver = sim.solver
        self.sign = 1.0 if half else -1.0  # PyBaMM current for +1 A of anode lithiation
        self.anode_capacity_Ah = cp.anode.capacity_Ah_m2() * cp.area_m2
        self.active_mass_g = cp.anode_active_mass_kg * 1000
        self._sto_cache: dict = {}

    # ------------------------------------------------------------------ low level
    def inputs(self, current_A=0.0, temperature_K=P.T_REF, sto0=None, d_factor=1.0, k_factor=1.0,
               v_min=None, v_max=None) -> dict:
        """PyBaMM inputs; ``sto0`` = initial anode SOC (None: empty) or a dict {phase: sto}."""
        if not isinstance(sto0, dict):
            sto0 = self._sto_cache.setdefault(sto0, P.initial_stoichiometries(self.cp, sto0))
        d = {P.INPUT_CURRENT: self.sign * current_A, P.INPUT_TEMPERATURE: temperature_K,
             P.INPUT_D_FACTOR: d_factor, P.INPUT_K_FACTOR: k_factor,
             "Lower voltage cut-off [V]": self.cp.lower_voltage_cutoff if v_min is None else v_min,
             "Upper voltage cut-off [V]": self.cp.upper_voltage_cutoff if v_max is None else v_max}
        d.update({P.INPUT_STO0.format(k): v for k, v in sto0.items()})
        return d

    def _columns(self, sol) -> dict:
        """The leg's columns (time, voltage, charge from the leg start, anode potential, Si sto)."""
        q = sol["Discharge capacity [A.h]"].entries * self.sign  # + = lithiation charge
        return {"time_s": sol.t, "voltage_V": sol["Voltage [V]"].entries, "charge_Ah": q - q[0],
                "anode_potential_V": sol[self.var_anode_potential].entries,
                "si_stoichiometry": sol[self.var_si_sto].entries}

    def _fail(self, what: str, inputs: dict, err: Exception):
        T = inputs.get(P.INPUT_TEMPERATURE, float("nan"))
        raise SolverError(f"PyBaMM {self.model_name} failed in step '{what}' at "
                          f"{abs(inputs[P.INPUT_CURRENT]):.4g} A, {T - 273.15:.1f} °C: {err}") from None

    def run_legs(self, legs: list[tuple[str, float, float]], temperature_K=P.T_REF, sto0=None,
                 d_factor=1.0, k_factor=1.0, v_min=None, n_points=120, v_max=None) -> list[Leg]:
        """Constant-current legs run back to back on one state.

        ``legs`` = [(name, current_A (+ lithiates the anode), max_duration_s), ...]; each leg ends at
        its duration or at a voltage cut-off, whichever comes first.
        """
        out, seg = [], None
        for name, current, duration in legs:
            inp = self.inputs(current, temperature_K, sto0, d_factor, k_factor, v_min, v_max)
            try:
                if seg is None:
                    seg = self.solver.solve(self.model, [0.0, duration], inputs=inp,
                                            t_interp=np.linspace(0, duration, n_points))
                else:
                    seg.termination = "final time"  # allow stepping past the previous leg's cut-off
                    # save=False: only the new leg is returned (the legs are reported separately, so
                    # concatenating the solutions of the previous legs would be wasted work)
                    seg = self.solver.step(seg, self.model, duration, inputs=inp, save=False,
                                           t_interp=np.linspace(0, duration, n_points))
            except Exception as err:  # noqa: BLE001
                self._fail(name, inp, err)
            out.append(Leg(self._columns(seg), str(seg.termination), name, current))
        return out

    # ------------------------------------------------------------------ experiments on the compiled model
    def cycle(self, current_A: float, temperature_K=P.T_REF, **kw) -> tuple[Leg, Leg]:
        """Lithiate to the lower cut-off, then delithiate to the upper one, at ``current_A``."""
        t_max = 1.3 * 3600 * self.anode_capacity_Ah / current_A + 60
        lith, deli = self.run_legs([("lithiation", current_A, t_max), ("delithiation", -current_A, t_max)],
                                   temperature_K, **kw)
        return lith, deli

    def summarize_cycle(self, lith: Leg, deli: Leg) -> dict:
        L, D = lith.data, deli.data
        ql, qd = L["charge_Ah"], -D["charge_Ah"]
        ql_end, qd_end = float(ql[-1]), float(qd[-1])
        vl = _avg(L["voltage_V"], ql)
        vd = _avg(D["voltage_V"], qd)
        return {
            "lithiation_capacity_mAh_g": ql_end * 1000 / self.active_mass_g,
            "delithiation_capacity_mAh_g": qd_end * 1000 / self.active_mass_g,
            "lithiation_capacity_Ah": ql_end, "delithiation_capacity_Ah": qd_end,
            "avg_lithiation_V": vl, "avg_delithiation_V": vd,
            "min_anode_potential_V": float(L["anode_potential_V"].min()),
            "si_sto_max": float(L["si_stoichiometry"].max()),
            "termination": f"{lith.termination} / {deli.termination}",
        }

    def plating_margin(self, current_A: float, temperature_K=P.T_REF, soc_target=0.8, **kw) -> dict:
        """Minimum anode potential vs Li/Li+ over a CC lithiation from empty to ``soc_target``, at equal charge.

        Both voltage cut-offs are relaxed (lower to ``PLATING_CUTOFF_V``, upper by ``PLATING_UPPER_RELAX_V``)
        so that every temperature and rate is charged to the same ``soc_target`` and the margins compare at
        equal charged capacity (module docstring). ``soc_at_voltage_limit`` is where the cell's own cut-off
        would have ended the CC charge (the capacity a CC charge reaches). When the particle surface
        saturates before the target the run ends there (``soc_reached`` < target; the margin is then the
        value at that charge) and ``soc_at_plating_onset`` (first SOC with the anode potential below 0 V)
        is the more robust measure.
        """
        dur = soc_target * 3600 * self.cp.nominal_capacity_Ah / current_A
        relax = PLATING_UPPER_RELAX_V if self.cp.kind == "full" else (0.0,)
        for i, dv in enumerate(relax):
            try:
                (leg,) = self.run_legs([("charge", current_A, dur)], temperature_K, v_min=PLATING_CUTOFF_V,
                                       v_max=self.cp.upper_voltage_cutoff + dv, **kw)
                break
            except SolverError:
                if i == len(relax) - 1:
                    raise
        c, phi = leg.curve, leg.data["anode_potential_V"]
        soc = leg.data["charge_Ah"] / self.cp.nominal_capacity_Ah
        v = leg.data["voltage_V"]
        below = np.nonzero(phi < 0.0)[0]
        hit = np.nonzero(v >= self.cp.upper_voltage_cutoff)[0] if self.cp.kind == "full" else \
            np.nonzero(v <= self.cp.lower_voltage_cutoff)[0]
        return {"plating_margin_V": float(phi.min()),
                "soc_reached": float(soc[-1]),
                "soc_at_voltage_limit": float(soc[hit[0]]) if hit.size else float(soc[-1]),
                "soc_at_plating_onset": float(soc[below[0]]) if below.size else float(soc[-1]),
                "termination": leg.termination, "curve": c}


def margin_up_to(soc, anode_potential, soc_limit: float) -> float:
    """Minimum anode potential over the part of a charge curve with ``soc <= soc_limit`` (V).

    Used to compare plating margins of runs that reached different charges at one common charge.
    """
    soc = np.asarray(soc, float)
    phi = np.asarray(anode_potential, float)
    keep = soc <= soc_limit + 1e-12
    end = float(np.interp(soc_limit, soc, phi)) if soc_limit <= soc[-1] else float(phi[-1])
    return float(min(phi[keep].min() if keep.any() else np.inf, end))


def _avg(v, q) -> float:
    q = np.asarray(q, float)
    v = np.asarray(v, float)
    if len(q) < 2 or q[-1] - q[0] <= 0:
        return float("nan")
    return float(np.trapezoid(v, q) / (q[-1] - q[0]))


# --------------------------------------------------------------------------- tables
def rate_table(sim: CellSimulator, currents_A, temperature_K=P.T_REF, with_plating=True,
               with_curves=False, **kw):
    """Rate capability on one compiled model: a tidy row per current (and curves if asked)."""
    rows, curves = [], []
    cap = sim.cp.nominal_capacity_Ah
    for I in currents_A:
        lith, deli = sim.cycle(float(I), temperature_K, **kw)
        row = {"current_A": float(I), "current_A_g": float(I) / sim.active_mass_g,
               "c_rate": float(I) / cap, "temperature_C": temperature_K - 273.15}
        row.update(sim.summarize_cycle(lith, deli))
        if with_plating:  # at equal charge (80 % SOC), with where the voltage limit would have stopped the CC charge
            pm = sim.plating_margin(float(I), temperature_K, **kw)
            row.update({"plating_margin_V": pm["plating_margin_V"], "plating_soc_reached": pm["soc_reached"],
                        "soc_at_voltage_limit": pm["soc_at_voltage_limit"]})
        rows.append(row)
        if with_curves:
            for leg in (lith, deli):
                c = leg.curve.copy()
                c["current_A_g"] = row["current_A_g"]
                c["temperature_C"] = row["temperature_C"]
                curves.append(c)
    df = pd.DataFrame(rows)
    if with_curves:
        return df, pd.concat(curves, ignore_index=True)
    return df


def rate_table_rebuild(cp: P.CellParameters, currents_A, temperature_K=P.T_REF, model="DFN", **kw) -> pd.DataFrame:
    """The same rate table, rebuilding the PyBaMM model for every current (the benchmark baseline)."""
    rows = []
    for I in currents_A:
        sim = CellSimulator(cp, model=model, **kw)
        rows.append(rate_table(sim, [I], temperature_K, with_plating=False))
    return pd.concat(rows, ignore_index=True)


def half_cell_of(cp: P.CellParameters) -> P.CellParameters:
    """The anode of ``cp`` against Li metal, in its own 0.005–1.2 V window (materials voltage window)."""
    if cp.kind == "half":
        return cp
    sep_L, sep_eps = P._separator("half")
    from sianode.materials.voltage import U_HIGH, U_LOW
    return cp.copy(kind="half", cathode=None, cathode_name=None, separator_thickness=sep_L.value,
                   separator_porosity=sep_eps.value, lower_voltage_cutoff=U_LOW, upper_voltage_cutoff=U_HIGH)


# --------------------------------------------------------------------------- partial SOC / life hand-off
def partial_soc_cycle(sim: CellSimulator, window=(0.0, 1.0), c_rate=0.5, temperature_K=P.T_REF) -> dict:
    """One cycle of the anode inside an anode-SOC window (seeds/000 §5, anode-tailored full-cell design).

    The anode starts at stoichiometry ``lo``, is lithiated by ``(hi - lo) Q_anode`` (or until the
    lower cut-off) and delithiated by the same charge (or until the upper cut-off). Returns the
    delivered (delithiation) capacity and the swing of the bulk-average Si x = 3.75 sto, from which
    the volumetric expansion swing follows with the materials stage's ``volumetric_expansion(x)``.
    """
    lo, hi = float(window[0]), float(window[1])
    if not 0.0 <= lo < hi <= 1.0:
        raise InputError(f"soc_window must satisfy 0 <= lo < hi <= 1, got {window!r}", field="soc_window")
    from sianode.materials.lisi import X_MAX_PRACTICAL, volumetric_expansion

    I = c_rate * sim.anode_capacity_Ah
    dur = (hi - lo) * 3600 * sim.anode_capacity_Ah / I
    lo_eff = None if lo <= P.STO_EMPTY else lo
    # a full window runs to the cut-offs (1.3x time), a partial one by charge
    f = 1.3 if hi >= 1.0 else 1.0
    g = 1.3 if lo <= P.STO_EMPTY else 1.0
    lith, deli = sim.run_legs([("lithiation", I, f * dur), ("delithiation", -I, g * dur)], temperature_K, sto0=lo_eff)
    x_all = np.concatenate([lith.curve["si_stoichiometry"], deli.curve["si_stoichiometry"]]) * X_MAX_PRACTICAL
    x_lo, x_hi = float(np.clip(x_all.min(), 0, X_MAX_PRACTICAL)), float(np.clip(x_all.max(), 0, X_MAX_PRACTICAL))
    q = float(-deli.curve["charge_Ah"].iloc[-1])
    return {
        "soc_lo": lo, "soc_hi": hi, "c_rate": c_rate,
        "delivered_capacity_Ah": q, "delivered_capacity_mAh_g": q * 1000 / sim.active_mass_g,
        "x_min": x_lo, "x_max": x_hi, "x_swing": x_hi - x_lo,
        "expansion_amplitude": float(volumetric_expansion(x_hi) - volumetric_expansion(x_lo)),
        "min_anode_potential_V": float(lith.curve["anode_potential_V"].min()),
    }


def expansion_amplitude(design, upstream, soc_window=(0.0, 1.0), c_rate=0.5, model="SPMe") -> float:
    """Volumetric expansion swing of the Si (ΔV/V0 between the extremes of x) in an anode-SOC window.

    For the life stage: the Si of ``design`` is cycled in the anode-SOC window ``soc_window``
    (anode vs Li metal, so the window is the anode's own) and the swing of the bulk-average x is
    converted with :func:`sianode.materials.lisi.volumetric_expansion`. See :func:`partial_soc_cycle`.
    """
    cp = half_cell_of(P.from_design(design, upstream))
    sim = CellSimulator(cp, model=model)
    return partial_soc_cycle(sim, soc_window, c_rate)["expansion_amplitude"]
