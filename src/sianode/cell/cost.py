"""Materials cost per kWh with process yields (inputs with sources, user-overridable).

Model (BatPaC-style bill of materials; Nelson et al., ANL-12/55, 2012)::

    cost_cell = sum_i m_i p_i / Y_electrode  (coatings)  +  sum_j m_j p_j / Y_cell  (other parts)
    cost per kWh = cost_cell / E_cell

with masses m_i from :func:`sianode.cell.stack.cell_model`, unit prices p_i (USD/kg) and yields
Y (scrap in electrode making and cell assembly). Prices are materials only (no labour,
depreciation, overhead), so they are a lower bound of the cell price.

seeds/001 §4 gives the relative anchor: commercial Si/C composite costs twice artificial graphite
(it prints 13.12 CNY/kg for Si/C, which is far below market prices and probably a typo, so only the
ratio is used), and Si/C-based cells cost 1.3 CNY/Wh vs 0.65 CNY/Wh for graphite cells (2x).
Absolute prices below are engineering estimates of 2023-24 market levels; override them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.provenance import Parameter

_EST = "engineering estimate, 2023-24 market level (user-overridable)"
PRICES_USD_KG = {
    "NCM811": Parameter(25.0, "USD/kg", _EST), "NCM622": Parameter(22.0, "USD/kg", _EST),
    "NCM523": Parameter(20.0, "USD/kg", _EST), "NCA": Parameter(25.0, "USD/kg", _EST),
    "LFP": Parameter(8.0, "USD/kg", _EST), "LCO": Parameter(35.0, "USD/kg", _EST),
    "LMO": Parameter(8.0, "USD/kg", _EST),
    "graphite": Parameter(7.0, "USD/kg", _EST),
    "si_material_vs_graphite": Parameter(2.0, "-", "seeds/001 §4: commercial Si/C composite costs twice artificial graphite"),
    "binder": Parameter(15.0, "USD/kg", _EST + " (PVDF; CMC/SBR cheaper)"),
    "conductive": Parameter(10.0, "USD/kg", _EST),
    "electrolyte": Parameter(10.0, "USD/kg", _EST),
    "separator_usd_m2": Parameter(1.0, "USD/m2", _EST),
    "al_foil": Parameter(6.0, "USD/kg", _EST),
    "cu_foil": Parameter(12.0, "USD/kg", _EST),
    "li_metal": Parameter(150.0, "USD/kg", _EST + " (battery-grade Li foil/powder)"),
    "li5feo4": Parameter(30.0, "USD/kg", _EST),
    "packaging": Parameter(8.0, "USD/kg", _EST + " (laminate film or steel can, formed)"),
    "tabs_cap": Parameter(15.0, "USD/kg", _EST),
    "sse": Parameter(50.0, "USD/kg", _EST + " (sulfide SSE at scale, highly uncertain)"),
}
YIELDS = {
    "electrode": Parameter(0.95, "-", "BatPaC structure (ANL-12/55): electrode-making yield; value engineering estimate"),
    "cell": Parameter(0.95, "-", "BatPaC structure (ANL-12/55): cell assembly/formation yield; value engineering estimate"),
}
CNY_PER_USD = Parameter(7.2, "CNY/USD", "approximate 2024 average exchange rate")
SEED_CELL_COST_CNY_WH = {"si_c": Parameter(1.3, "CNY/Wh", "seeds/001 §4"),
                         "graphite": Parameter(0.65, "CNY/Wh", "seeds/001 §4")}


def cost_columns(result, cathode_name: str, anode_si_cost_share=0.0, prelithiation: str = "none",
                 prices: dict | None = None, yields: dict | None = None) -> tuple[list[tuple[str, np.ndarray]], np.ndarray]:
    """The model of the module docstring for every design of a :class:`~sianode.cell.stack.CellResult` at once:
    ``([(item, USD per cell), ...], cell energy in kWh)``, arrays of the result's shape (``()`` for one design).
    The one place the cost is computed (:func:`cost_items` picks one design, :func:`materials_cost` tabulates it,
    :func:`materials_costs_usd_per_kWh` totals it).

    ``anode_si_cost_share`` (one, or one per design) is the mass fraction of the anode active blend priced as a
    Si material (priced ``si_material_vs_graphite`` x graphite).
    """
    p = {k: v.value for k, v in PRICES_USD_KG.items()}
    p.update(prices or {})
    y = {k: v.value for k, v in YIELDS.items()}
    y.update(yields or {})
    si = np.asarray(anode_si_cost_share, dtype=float)
    shape = np.broadcast_shapes(np.shape(result.values["energy_Wh"]), si.shape)

    def col(v) -> np.ndarray:  # a (batched) quantity over every design
        return np.broadcast_to(np.asarray(v, dtype=float), shape)

    m = {k: col(v) / 1000.0 for k, v in result.mass_g.items()}  # kg

    def g(*keys):
        return sum(m.get(k, 0.0) for k in keys)

    e_kwh = col(result.values["energy_Wh"]) / 1000.0
    area_m2 = col(result.values["electrode_pair_area_cm2"]) / 1e4
    p_anode = p["graphite"] * ((1 - si) + si * p["si_material_vs_graphite"])
    pre = p["li5feo4"] if prelithiation in ("li5feo4", "li2nio2") else p["li_metal"]
    rows = [
        ("cathode active", m["cathode_active"] * p.get(cathode_name, p["NCM811"]) / y["electrode"]),
        ("cathode inactive", (g("cathode_binder", "cathode_conductive") * p["binder"] + g("cathode_sse") * p["sse"])
         / y["electrode"]),
        ("anode active", m["anode_active"] * p_anode / y["electrode"]),
        ("anode inactive", (g("anode_binder", "anode_conductive") * p["binder"] + g("anode_sse") * p["sse"])
         / y["electrode"]),
        ("prelithiation", g("prelithiation_li", "prelithiation_residue", "cathode_additive") * pre / y["cell"]),
        ("foils", (m["al_foil"] * p["al_foil"] + m["cu_foil"] * p["cu_foil"]) / y["electrode"]),
        ("separator", area_m2 * p["separator_usd_m2"] / y["cell"]),
        ("electrolyte", m["electrolyte"] * p["electrolyte"] / y["cell"]),
        ("packaging", (g("pouch_film_nylon", "pouch_film_al", "pouch_film_pp", "can") * p["packaging"]
                       + g("header", "lid_terminals", "tab_positive", "tab_negative") * p["tabs_cap"]) / y["cell"]),
    ]
    return [(k, np.broadcast_to(v, shape)) for k, v in rows], e_kwh


def cost_items(result, cathode_name: str, anode_si_cost_share=0.0, prelithiation: str = "none",
               prices: dict | None = None, yields: dict | None = None, index=()) -> tuple[list[tuple[str, float]], float]:
    """:func:`cost_columns` of one design (``index`` selects it in a batched result; its Si share is one number):
    ``([(item, USD per cell), ...], cell energy in kWh)``."""
    rows, e_kwh = cost_columns(result, cathode_name, float(np.asarray(anode_si_cost_share)), prelithiation,
                               prices, yields)
    return [(k, float(v[index])) for k, v in rows], float(e_kwh[index])


def materials_costs_usd_per_kWh(*args, **kwargs) -> np.ndarray:
    """Total materials cost per kWh of every design of a result (:func:`cost_columns`, same arguments): the last
    row of each design's :func:`materials_cost`, an array of the result's shape."""
    rows, e_kwh = cost_columns(*args, **kwargs)
    usd = np.stack([v for _, v in rows], axis=-1)  # (..., items): each design's items contiguous, summed as a row
    return _per_kWh(usd, e_kwh).sum(axis=-1)


def _per_kWh(usd_per_cell: np.ndarray, e_kwh) -> np.ndarray:
    """USD per kWh of each item (``usd_per_cell`` shaped (..., items)) over the designs' energies (shape ...);
    NaN where the energy is not > 0."""
    e = np.asarray(e_kwh, dtype=float)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(e > 0, usd_per_cell / e, np.nan)


def materials_cost_usd_per_kWh(*args, index=(), **kwargs) -> float:
    """Total materials cost per kWh of one design (the last row of :func:`materials_cost`; same arguments),
    without the table: :func:`materials_costs_usd_per_kWh` at ``index``."""
    return float(materials_costs_usd_per_kWh(*args, **kwargs)[index])


def materials_cost(*args, **kwargs) -> pd.DataFrame:
    """Cost breakdown table (USD per cell and USD/kWh per item, and the total) of :func:`cost_items` (same
    arguments)."""
    rows, e_kwh = cost_items(*args, **kwargs)
    usd = np.array([v for _, v in rows])
    per = _per_kWh(usd, e_kwh)
    return pd.DataFrame({"item": [k for k, _ in rows] + ["total (materials)"],
                         "usd_per_cell": np.append(usd, usd.sum()), "usd_per_kWh": np.append(per, per.sum())})
