"""Battery Parameter eXchange (BPX, package ``bpx`` 1.x): export and import of our parameter sets.

:class:`~sianode.echem.parameters.CellParameters` already uses BPX conventions (reaction rate
constant k in mol m-2 s-1 with j0 = F k sqrt(c_e/c_e0 sto (1 - sto)); Arrhenius activation
energies; transport efficiency = porosity^b), so the mapping is one to one:

* Cell, Electrolyte (expressions in ``x`` = c_e), Separator -> BPX sections of the same name;
* anode -> "Negative electrode" (``ElectrodeSingle`` or, for Si/graphite, ``ElectrodeBlended``
  with particles named after the phases); OCP branches as ``InterpolatedTable`` (lithiation,
  delithiation and mean) sampled from the materials stage;
* cathode -> "Positive electrode";
* what BPX has no field for (anode active mass, Bruggeman exponent of the electrode
  conductivity, initial electrolyte concentration is in State) -> "User-defined".

BPX describes full cells only. A half cell (vs Li metal) is exported as the design's full cell
(its ``cell.cathode`` at its ``np_ratio``); :func:`export_design` says so in the header.
"""
from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np

from sianode.echem import parameters as P
from sianode.echem.ocp import OCPTable
from sianode.errors import InputError

BPX_VERSION = "1.0.0"
_CATHODE_CODES = {"NCM811": 0, "LFP": 1}  # BPX user-defined values must be numbers or functions
_UD = "sianode: "


def _table(t: OCPTable) -> dict:
    return {"x": [float(v) for v in t.sto], "y": [float(v) for v in t.volts]}


def _particle(ph: P.PhaseParams) -> dict:
    return {
        "Minimum stoichiometry": ph.minimum_stoichiometry,
        "Maximum stoichiometry": ph.maximum_stoichiometry,
        "Maximum concentration [mol.m-3]": ph.max_concentration,
        "Particle radius [m]": ph.particle_radius,
        "Surface area per unit volume [m-1]": ph.surface_area_per_unit_volume,
        "Diffusivity [m2.s-1]": ph.diffusivity,
        "Diffusivity activation energy [J.mol-1]": ph.diffusivity_activation_energy,
        "OCP [V]": _table(ph.ocp_mean),
        "OCP (lithiation) [V]": _table(ph.ocp_lith),
        "OCP (delithiation) [V]": _table(ph.ocp_delith),
        "Reaction rate constant [mol.m-2.s-1]": ph.reaction_rate_constant,
        "Reaction rate constant activation energy [J.mol-1]": ph.reaction_rate_constant_activation_energy,
    }


def _electrode(el: P.ElectrodeParams) -> dict:
    d = {"Thickness [m]": el.thickness, "Porosity": el.porosity,
         "Transport efficiency": el.porosity ** el.bruggeman, "Conductivity [S.m-1]": el.conductivity}
    if len(el.phases) == 1:
        d.update(_particle(el.phases[0]))
    else:
        d["Particle"] = {ph.name: _particle(ph) for ph in el.phases}
    return d


def to_bpx_dict(cp: P.CellParameters, description: str = "") -> dict:
    """BPX JSON mapping of a full-cell parameter set."""
    if cp.kind != "full":
        raise InputError("BPX describes full cells only; export the design's full cell "
                         "(sianode.echem.bpx_io.export_design does this) or set cell.kind = 'full'",
                         field="cell.kind")
    P.check_representable(cp)
    e = cp.electrolyte
    refs = sorted({p.source for p in cp.provenance.values()})
    return {
        "Header": {"BPX": BPX_VERSION, "Title": cp.title or "sianode parameter set",
                   "Description": description or "Exported by sianode.echem (values and sources in References).",
                   "References": "; ".join(refs)[:20000], "Model": "DFN"},
        "Parameterisation": {
            "Cell": {"Electrode area [m2]": cp.area_m2,
                     "Number of electrode pairs connected in parallel to make a cell": 1,
                     "Lower voltage cut-off [V]": cp.lower_voltage_cutoff,
                     "Upper voltage cut-off [V]": cp.upper_voltage_cutoff,
                     "Nominal cell capacity [A.h]": cp.nominal_capacity_Ah,
                     "Reference temperature [K]": cp.reference_temperature,
                     # geometry for PyBaMM's thermal bookkeeping (unused by isothermal models)
                     "External surface area [m2]": 2 * cp.area_m2,
                     "Volume [m3]": cp.area_m2 * (cp.anode.thickness + cp.separator_thickness + cp.cathode.thickness)},
            "Electrolyte": {"Cation transference number": e.cation_transference_number,
                            "Diffusivity [m2.s-1]": e.diffusivity,
                            "Diffusivity activation energy [J.mol-1]": e.diffusivity_activation_energy,
                            "Conductivity [S.m-1]": e.conductivity,
                            "Conductivity activation energy [J.mol-1]": e.conductivity_activation_energy},
            "Negative electrode": _electrode(cp.anode),
            "Positive electrode": _electrode(cp.cathode),
            "Separator": {"Thickness [m]": cp.separator_thickness, "Porosity": cp.separator_porosity,
                          "Transport efficiency": cp.separator_porosity ** cp.separator_bruggeman},
            "User-defined": {
                _UD + "anode active mass [kg]": cp.anode_active_mass_kg,
                _UD + "negative electrode Bruggeman exponent": cp.anode.bruggeman,
                _UD + "positive electrode Bruggeman exponent": cp.cathode.bruggeman,
                _UD + "separator Bruggeman exponent": cp.separator_bruggeman,
                _UD + "cathode code (0 NCM811, 1 LFP, 2 other)": float(_CATHODE_CODES.get(cp.cathode.phases[0].name, 2)),
            },
        },
        "State": {"Initial conditions": {"Initial electrolyte concentration [mol.m-3]": e.initial_concentration,
                                         "Initial temperature [K]": cp.reference_temperature},
                  "Thermal environment": {"Ambient temperature [K]": cp.reference_temperature}},
    }


def export_bpx(cp: P.CellParameters, path: str | Path, description: str = "") -> Path:
    """Validate with the ``bpx`` package and write a BPX JSON file."""
    import bpx

    d = to_bpx_dict(cp, description)
    try:
        bpx.parse_bpx_obj(copy.deepcopy(d))
    except Exception as err:  # noqa: BLE001 - pydantic ValidationError
        raise InputError(f"parameter set does not validate as BPX: {err}", field="bpx") from None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(d, indent=1), encoding="utf-8")
    return path


def export_design(design, path: str | Path, upstream_for) -> Path:
    """Export a design's electrochemistry; a half-cell design is exported as its full cell.

    ``upstream_for(design, "echem")`` gives the materials result of the exported design (pass
    ``sianode.chain.upstream_for``): the full cell of a half-cell design has its own first-stage numbers.
    """
    note = ""
    if design.cell.kind == "half":
        v = (2.5, 3.65) if design.cell.cathode == "LFP" else (2.8, 4.2)
        design = design.model_copy(update={
            "cell": design.cell.model_copy(update={"kind": "full"}),
            "protocol": design.protocol.model_copy(update={"v_min_V": v[0], "v_max_V": v[1]})})
        note = (f"Half-cell design exported as its full cell vs {design.cell.cathode} at N/P "
                f"{design.cell.np_ratio:g}, {v[0]}-{v[1]} V (BPX has no Li-metal counter electrode).")
    return export_bpx(P.from_design(design, upstream_for(design, "echem")), path, note)


# --------------------------------------------------------------------------- import
def _num(v, where: str) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    raise InputError(f"{where}: only constant values are supported here (got a function/table)", field=where)


def _ocp_table(v, where: str, source: str) -> OCPTable:
    if isinstance(v, dict) and "x" in v and "y" in v:
        x, y = np.asarray(v["x"], float), np.asarray(v["y"], float)
        return OCPTable(x, y, source)
    if isinstance(v, str):
        import bpx
        f = bpx.Function(v).to_python_function(preamble="from numpy import exp, tanh, cosh, sqrt, log")
        x = np.linspace(1e-3, 1 - 1e-3, 161)
        return OCPTable(x, np.asarray([f(xi) for xi in x], float), source)
    if isinstance(v, (int, float)):
        x = np.linspace(0, 1, 2)
        return OCPTable(x, np.full(2, float(v)), source)
    raise InputError(f"{where}: OCP must be a table, an expression or a number", field=where)


def _phase_from(name: str, d: dict, where: str, source: str) -> P.PhaseParams:
    ocp = _ocp_table(d["OCP [V]"], where + ".OCP", source)
    lith = _ocp_table(d["OCP (lithiation) [V]"], where, source) if "OCP (lithiation) [V]" in d else ocp
    deli = _ocp_table(d["OCP (delithiation) [V]"], where, source) if "OCP (delithiation) [V]" in d else ocp
    R = _num(d["Particle radius [m]"], where)
    a = _num(d["Surface area per unit volume [m-1]"], where)
    return P.PhaseParams(name, _num(d["Maximum concentration [mol.m-3]"], where), R, a * R / 3.0,
                         _num(d["Diffusivity [m2.s-1]"], where + ".Diffusivity"),
                         float(d.get("Diffusivity activation energy [J.mol-1]", 0.0)),
                         _num(d["Reaction rate constant [mol.m-2.s-1]"], where),
                         float(d.get("Reaction rate constant activation energy [J.mol-1]", 0.0)),
                         lith, deli, ocp, _num(d["Minimum stoichiometry"], where), _num(d["Maximum stoichiometry"], where))


def _electrode_from(d: dict, where: str, brug: float | None, names: list[str] | None, source: str) -> P.ElectrodeParams:
    eps = _num(d["Porosity"], where)
    te = _num(d["Transport efficiency"], where)
    b = brug if brug is not None else math.log(te) / math.log(eps)
    if "Particle" in d:
        items = list(d["Particle"].items())
        phases = [_phase_from(k, v, f"{where}.Particle.{k}", source) for k, v in items]
    else:
        phases = [_phase_from((names or ["active"])[0], d, where, source)]
    return P.ElectrodeParams(_num(d["Thickness [m]"], where), eps, _num(d["Conductivity [S.m-1]"], where), b, phases)


def from_bpx(path_or_dict) -> P.CellParameters:
    """Read a BPX file (or mapping) into :class:`CellParameters` (validated by the ``bpx`` package)."""
    import bpx

    if isinstance(path_or_dict, (str, Path)):
        path = Path(path_or_dict)
        if not path.exists():
            raise InputError("BPX file not found", field=str(path))
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InputError(f"not a BPX JSON file: {err}", field=str(path)) from None
        src = f"BPX file {path.name}"
    else:
        raw, src = path_or_dict, "BPX mapping"
    try:
        bpx.parse_bpx_obj(copy.deepcopy(raw))
    except Exception as err:  # noqa: BLE001
        raise InputError(f"invalid BPX: {err}", field=src) from None
    par = raw["Parameterisation"]
    ud = par.get("User-defined", {}) or {}
    cell, el, sep = par["Cell"], par["Electrolyte"], par["Separator"]
    code = ud.get(_UD + "cathode code (0 NCM811, 1 LFP, 2 other)")
    cname = {0: "NCM811", 1: "LFP"}.get(int(code) if code is not None else 2, "cathode")
    anode = _electrode_from(par["Negative electrode"], "Negative electrode", ud.get(_UD + "negative electrode Bruggeman exponent"),
                            ["silicon"], src)
    cathode = _electrode_from(par["Positive electrode"], "Positive electrode", ud.get(_UD + "positive electrode Bruggeman exponent"),
                              [cname], src)
    sep_eps = _num(sep["Porosity"], "Separator")
    sep_b = ud.get(_UD + "separator Bruggeman exponent") or math.log(_num(sep["Transport efficiency"], "Separator")) / math.log(sep_eps)
    c0 = (raw.get("State") or {}).get("Initial conditions", {}).get("Initial electrolyte concentration [mol.m-3]", 1000.0)

    def expr(v, where):
        if isinstance(v, str):
            return v
        return repr(_num(v, where))

    electrolyte = P.ElectrolyteParams(float(c0), _num(el["Cation transference number"], "Electrolyte"),
                                      expr(el["Diffusivity [m2.s-1]"], "Electrolyte.Diffusivity"),
                                      expr(el["Conductivity [S.m-1]"], "Electrolyte.Conductivity"),
                                      float(el.get("Diffusivity activation energy [J.mol-1]", 0.0)),
                                      float(el.get("Conductivity activation energy [J.mol-1]", 0.0)))
    area = _num(cell["Electrode area [m2]"], "Cell")
    mass = ud.get(_UD + "anode active mass [kg]")
    if mass is None:  # not a sianode file: no active mass known; report per-area capacities only
        mass = float("nan")
    prov = {"bpx.source": P.Parameter(float("nan"), "-", src + (": " + raw["Header"].get("References", "") if raw["Header"].get("References") else ""))}
    cp = P.CellParameters("full", anode, cathode, _num(sep["Thickness [m]"], "Separator"), sep_eps, float(sep_b),
                          electrolyte, area, _num(cell["Lower voltage cut-off [V]"], "Cell"),
                          _num(cell["Upper voltage cut-off [V]"], "Cell"), float(mass),
                          cathode_name=cathode.phases[0].name,
                          reference_temperature=float(cell.get("Reference temperature [K]", P.T_REF)),
                          title=raw["Header"].get("Title", ""), provenance=prov)
    P.check_representable(cp)
    return cp
