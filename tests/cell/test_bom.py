"""The bill of materials recomputed by hand from the design files (issue 15 "Done when").

For the bundled graphite | NCM811 pouch and the SiOx-graphite | NCA 18650 the test reads the TOML inputs and
rebuilds every component's mass and volume with its own arithmetic: X-ray densities from the unit cells,
handbook densities, the layer count and areas of the format, the can's walls. The only numbers it takes from
sianode are the anode material's capacity, ICE and envelope density, which the materials stage owns (inputs of
the cell stage, not its intermediates). The cell stage's BOM must agree row by row and in its sums, and its
Wh/kg and Wh/L must be the energy over those sums.
"""
from __future__ import annotations

import math
import tomllib

import pytest

from sianode.chain import run_stage, upstream_for
from sianode.design.loader import example_text, load_example

N_A = 6.02214076e23
# handbook densities (g/cm3): CRC Handbook (Al, Cu, Ni, steel ~ iron), Polymer Handbook (polymers, PE separator)
RHO = {"Al": 2.70, "Cu": 8.96, "Ni": 8.91, "steel": 7.90, "nylon": 1.14, "pp": 0.90, "PVDF": 1.78, "CMC/SBR": 1.25,
       "carbon_black": 1.90}
M = {"Li": 6.941, "Ni": 58.693, "Co": 58.933, "Mn": 54.938, "Al": 26.982, "O": 15.999}


def xray_density(formula: dict, a: float, c: float, z: int = 3) -> float:
    """rho = Z M / (N_A V), hexagonal R-3m cell (Å)."""
    m = sum(M[k] * n for k, n in formula.items())
    return z * m / (N_A * math.sqrt(3) / 2 * a * a * c * 1e-24)


RHO_NCM811 = xray_density({"Li": 1, "Ni": 0.8, "Co": 0.1, "Mn": 0.1, "O": 2}, 2.872, 14.20)  # Noh et al. 2013
RHO_NCA = xray_density({"Li": 1, "Ni": 0.8, "Co": 0.15, "Al": 0.05, "O": 2}, 2.864, 14.18)
CAP = {"NCM811": (200.0, 225.0), "NCA": (195.0, 215.0)}  # reversible, first charge (mAh/g): Noh 2013, Schmuch 2018


def coating(loading_mg, fr, rho, porosity):
    """Per cm2 of one side: mass by part (g) and thickness (cm) from the formulation and the porosity."""
    total = loading_mg * 1e-3 / fr["active"]
    parts = {k: total * f for k, f in fr.items()}
    v_solid = sum(parts[k] / rho[k] for k in parts)
    return parts, v_solid / (1 - porosity)


def both_coatings(m_c, ce, rho_cathode, m_a, el, rho_anode):
    """Cathode (PVDF, carbon black) and anode (CMC/SBR, carbon black) coatings of the design files' sections."""
    def fr(sec):
        return {"active": sec["active_wt_frac"], "binder": sec["binder_wt_frac"], "conductive": sec["conductive_wt_frac"]}

    return (coating(m_c, fr(ce), {"active": rho_cathode, "binder": RHO["PVDF"], "conductive": RHO["carbon_black"]},
                    ce["porosity"]),
            coating(m_a, fr(el), {"active": rho_anode, "binder": RHO["CMC/SBR"], "conductive": RHO["carbon_black"]},
                    el["porosity"]))


def compare(bom, mine: dict, rel=1e-6):
    got = bom.set_index("component")
    for comp, (m, v) in mine.items():
        assert got.loc[comp, "mass_g"] == pytest.approx(m, rel=rel, abs=1e-12), comp
        assert got.loc[comp, "volume_cm3"] == pytest.approx(v, rel=rel, abs=1e-12), comp
    parts = got.drop(index="total")
    assert parts["mass_g"].sum() == pytest.approx(got.loc["total", "mass_g"], rel=1e-12)
    return got


def test_graphite_ncm811_pouch_bill_of_materials_by_hand():
    t = tomllib.loads(example_text("graphite_ncm811_pouch"))
    el, c, ce, pz = t["electrode"], t["cell"], t["cell"]["cathode_electrode"], t["cell"]["pouch"]
    d = load_example("graphite_ncm811_pouch")
    props = upstream_for(d, "cell")["materials"].data
    res = run_stage(d, "cell")
    q_rev_c, q_ch_c = CAP["NCM811"]
    assert props.ice > q_rev_c / q_ch_c  # graphite keeps more Li than NCM811 returns: cathode-limited
    assert props.reversible_capacity_mAh_g == pytest.approx(t["active"]["graphite_capacity_mAh_g"])
    # coatings per cm2 of one side
    m_c = c["cathode_loading_mg_cm2"]
    q = m_c * q_rev_c * 1e-3  # mAh/cm2 delivered (cathode-limited)
    m_a = c["np_ratio"] * q / props.reversible_capacity_mAh_g * 1e3
    (cat, t_c), (ano, t_a) = both_coatings(m_c, ce, RHO_NCM811, m_a, el, props.density_g_cm3)
    assert res.summary["cathode_thickness_um"] == pytest.approx(t_c * 1e4, rel=1e-9)
    # areas (cm2) and layer count
    n = pz["n_cathodes"]
    L, W, o, so = pz["electrode_length_mm"], pz["electrode_width_mm"], pz["anode_overhang_mm"], pz["separator_overhang_mm"]
    a_c, a_a, a_s = L * W / 100, (L + 2 * o) * (W + 2 * o) / 100, (L + 2 * o + 2 * so) * (W + 2 * o + 2 * so) / 100
    tab = t["cell"]["pouch"]["tabs"]
    tab_foil = tab["width_mm"] * pz["tab_headspace_mm"] / 100
    t_al, t_cu, t_s = ce["al_foil_um"] * 1e-4, el["current_collector_thickness_um"] * 1e-4, c["separator_um"] * 1e-4
    cap_Ah = q * 2 * n * a_c * 1e-3
    mine = {
        "cathode_active": (cat["active"] * 2 * n * a_c, cat["active"] * 2 * n * a_c / RHO_NCM811),
        "cathode_binder": (cat["binder"] * 2 * n * a_c, cat["binder"] * 2 * n * a_c / RHO["PVDF"]),
        "anode_active": (ano["active"] * 2 * n * a_a, ano["active"] * 2 * n * a_a / props.density_g_cm3),
        "anode_binder": (ano["binder"] * 2 * n * a_a, ano["binder"] * 2 * n * a_a / RHO["CMC/SBR"]),
        "al_foil": (n * (a_c + tab_foil) * t_al * RHO["Al"], n * (a_c + tab_foil) * t_al),
        "cu_foil": ((n + 1) * (a_a + tab_foil) * t_cu * RHO["Cu"], (n + 1) * (a_a + tab_foil) * t_cu),
        "separator": (2 * n * a_s * t_s * (1 - c["separator_porosity"]) * c["separator_density_g_cm3"],
                      2 * n * a_s * t_s * (1 - c["separator_porosity"])),
        "electrolyte": (c["ec_ratio_g_Ah"] * cap_Ah, c["ec_ratio_g_Ah"] * cap_Ah / c["electrolyte_density_g_cm3"]),
    }
    body_l = (L + 2 * o + 2 * so + 2 * pz["seal_mm"] + 2 * pz["tab_headspace_mm"]) / 10  # tabs on opposite edges
    body_w = (W + 2 * o + 2 * so + 2 * pz["seal_mm"]) / 10
    film_area = 2 * body_l * body_w
    for layer, rho in (("nylon", RHO["nylon"]), ("al", RHO["Al"]), ("pp", RHO["pp"])):
        v = film_area * pz[f"film_{layer}_um"] * 1e-4
        mine[f"pouch_film_{layer}"] = (v * rho, v)
    tab_v = tab["thickness_mm"] * tab["width_mm"] * (pz["tab_headspace_mm"] + pz["seal_mm"] + tab["outside_mm"]) / 1000
    mine["tab_positive"] = (tab_v * RHO["Al"], tab_v)
    mine["tab_negative"] = (tab_v * RHO["Cu"], tab_v)  # Ni-plated Cu
    got = compare(res.tables["bom"], mine)
    # the envelope: stack of layers / packing factor + two films, terminals sticking out on both tab edges
    layers = n * (2 * t_c + t_al) + (n + 1) * t_cu + 2 * n * (t_a + t_s)
    thick = layers / pz["packing_factor"] + 2 * (pz["film_nylon_um"] + pz["film_al_um"] + pz["film_pp_um"]) * 1e-4
    volume = (body_l + 2 * tab["outside_mm"] / 10) * body_w * thick
    mass = sum(m for m, _ in mine.values()) + got.loc["cathode_conductive", "mass_g"] + got.loc["anode_conductive",
                                                                                                 "mass_g"]
    assert got.loc["anode_conductive", "mass_g"] == pytest.approx(ano["conductive"] * 2 * n * a_a, rel=1e-9)
    assert got.loc["total", "volume_cm3"] == pytest.approx(volume, rel=1e-9)
    assert got.loc["total", "mass_g"] == pytest.approx(mass, rel=1e-9)
    s = res.summary
    assert s["capacity_Ah"] == pytest.approx(cap_Ah, rel=1e-9)
    assert s["specific_energy_Wh_kg"] == pytest.approx(s["energy_Wh"] / mass * 1e3, rel=1e-9)
    assert s["energy_density_made_Wh_L"] == pytest.approx(s["energy_Wh"] / volume * 1e3, rel=1e-9)


def test_siox_graphite_nca_18650_bill_of_materials_by_hand():
    t = tomllib.loads(example_text("siox_graphite_nca_18650"))
    el, c, ce, cy = t["electrode"], t["cell"], t["cell"]["cathode_electrode"], t["cell"]["cylindrical"]
    d = load_example("siox_graphite_nca_18650")
    props = upstream_for(d, "cell")["materials"].data
    res = run_stage(d, "cell")
    q_rev_c, q_ch_c = CAP["NCA"]
    m_c = c["cathode_loading_mg_cm2"]
    qc_rev, qc_ch = m_c * q_rev_c * 1e-3, m_c * q_ch_c * 1e-3
    m_a = c["np_ratio"] * qc_rev / props.reversible_capacity_mAh_g * 1e3
    qa_first = m_a * props.reversible_capacity_mAh_g / props.ice * 1e-3
    q = min(min(qc_ch, qa_first) * props.ice, qc_rev)  # first-cycle Li: the anode keeps ICE_a of what it takes
    (cat, t_c), (ano, t_a) = both_coatings(m_c, ce, RHO_NCA, m_a, el, props.density_g_cm3)
    # strips (cm): cathode given; anode and separator longer and taller by the overhangs
    o, so = cy["anode_overhang_mm"] / 10, cy["separator_overhang_mm"] / 10
    height = 65.0 / 10  # an 18650 is 65 mm tall and 18 mm across
    h_s = height - (cy["can_bottom_mm"] + cy["headspace_mm"] + cy["cap_height_mm"]) / 10
    h_a, h_c = h_s - 2 * so, h_s - 2 * so - 2 * o
    l_c = cy["cathode_length_mm"] / 10
    l_a, l_s = l_c + 2 * o, l_c + 2 * o + 2 * so
    pair = 2 * l_c * h_c
    t_al, t_cu, t_s = ce["al_foil_um"] * 1e-4, el["current_collector_thickness_um"] * 1e-4, c["separator_um"] * 1e-4
    eps_s = c["separator_porosity"]
    v_pore = el["porosity"] * t_a + ce["porosity"] * t_c + eps_s * t_s  # per cm2 of electrode pair
    m_el = v_pore * (1 + c["electrolyte_excess"]) * c["electrolyte_density_g_cm3"] * pair
    r_can, r_in = 0.9, 0.9 - cy["can_wall_mm"] / 10
    v_can = math.pi * (r_can ** 2 - r_in ** 2) * (height - (cy["cap_height_mm"] + cy["can_bottom_mm"]) / 10) \
        + math.pi * r_can ** 2 * cy["can_bottom_mm"] / 10
    tab = cy["tabs"]
    tab_v = tab["thickness_mm"] * tab["width_mm"] * tab["length_mm"] / 1000
    mine = {
        "cathode_active": (cat["active"] * pair, cat["active"] * pair / RHO_NCA),
        "cathode_conductive": (cat["conductive"] * pair, cat["conductive"] * pair / RHO["carbon_black"]),
        "anode_active": (ano["active"] * 2 * l_a * h_a, ano["active"] * 2 * l_a * h_a / props.density_g_cm3),
        "anode_binder": (ano["binder"] * 2 * l_a * h_a, ano["binder"] * 2 * l_a * h_a / RHO["CMC/SBR"]),
        "al_foil": (l_c * h_c * t_al * RHO["Al"], l_c * h_c * t_al),
        "cu_foil": (l_a * h_a * t_cu * RHO["Cu"], l_a * h_a * t_cu),
        "separator": (2 * l_s * h_s * t_s * (1 - eps_s) * c["separator_density_g_cm3"], 2 * l_s * h_s * t_s * (1 - eps_s)),
        "electrolyte": (m_el, m_el / c["electrolyte_density_g_cm3"]),
        "can": (v_can * RHO["steel"], v_can),
        "header": (cy["cap_mass_g"], math.pi * r_can ** 2 * cy["cap_height_mm"] / 10),
        "tab_positive": (tab_v * RHO["Al"], tab_v),
        "tab_negative": (tab_v * RHO["Ni"], tab_v),
    }
    got = compare(res.tables["bom"], mine)
    volume = math.pi * r_can ** 2 * height  # the rigid can is the envelope in every state
    mass = sum(m for m, _ in mine.values()) + got.loc["cathode_binder", "mass_g"] + got.loc["anode_conductive", "mass_g"]
    assert got.loc["cathode_binder", "mass_g"] == pytest.approx(cat["binder"] * pair, rel=1e-9)
    assert got.loc["anode_conductive", "mass_g"] == pytest.approx(ano["conductive"] * 2 * l_a * h_a, rel=1e-9)
    assert got.loc["total", "volume_cm3"] == pytest.approx(volume, rel=1e-9)
    assert got.loc["total", "mass_g"] == pytest.approx(mass, rel=1e-9)
    s = res.summary
    assert s["capacity_Ah"] == pytest.approx(q * pair * 1e-3, rel=1e-9)
    for st in ("made", "charged", "swollen"):
        assert s[f"volume_{st}_cm3"] == pytest.approx(volume, rel=1e-9)
    assert s["specific_energy_Wh_kg"] == pytest.approx(s["energy_Wh"] / mass * 1e3, rel=1e-9)
    assert s["energy_density_made_Wh_L"] == pytest.approx(s["energy_Wh"] / volume * 1e3, rel=1e-9)
    # the roll as made fits: layers of the anode strip length take less than the annulus (packing factor)
    r_o, r_i = r_in - cy["clearance_mm"] / 10, cy["core_diameter_mm"] / 20
    unit = 2 * t_c + t_al + 2 * t_a + t_cu + 2 * t_s
    fill = l_a * unit / cy["packing_factor"] / (math.pi * (r_o ** 2 - r_i ** 2))
    assert s["geometry_roll_fill_made"] == pytest.approx(fill, rel=1e-9) and fill < 1
