"""Many designs' electrolyte amounts and coating pores at once (issue #18): each design's numbers are those it had
alone (the formulas as written before the batching, here as the reference), and a bad design raises its own
error."""
import copy
import tomllib

import numpy as np
import pytest

from sianode.cathodes import design_cathode
from sianode.chain import run_stage
from sianode.design.loader import design_from_dict, example_names, example_text
from sianode.electrode.coating import (STACK_DEFAULTS, anode_coating, anode_coating_default, anode_geometry,
                                       cathode_coating, coating_geometry, coating_pores)
from sianode.electrolyte_amount import HALF_CELL_EC_G_AH, design_electrolyte, design_electrolytes
from sianode.errors import InputError

MODS = [{}, {"cell.kind": "full"}, {"cell.kind": "half"}, {"cell.ec_ratio_g_Ah": 3.0},
        {"cell.electrolyte_excess": 0.3, "cell.electrolyte_density_g_cm3": 1.2},
        {"cell.separator_um": 20.0, "cell.separator_porosity": 0.45}, {"cell.cathode": "LFP"},
        {"cell.cathode_electrode.press_density_g_cm3": 3.4}, {"cell.cathode_electrode.porosity": 0.3},
        {"electrode.porosity": 0.35, "electrode.press_density_g_cm3": None},
        {"electrolyte": {"kind": "solid", "sse_class": "sulfide", "anode_sse_wt_frac": 0.2}}]


def _set(d, path, v):
    ks = path.split(".")
    for k in ks[:-1]:
        d = d.setdefault(k, {})
    if v is None:
        d.pop(ks[-1], None)
    else:
        d[ks[-1]] = v


def _designs():
    out = []
    for ex in example_names():
        base = tomllib.loads(example_text(ex))
        for mod in MODS:
            d = copy.deepcopy(base)
            for p, v in mod.items():
                _set(d, p, v)
            try:
                out.append(design_from_dict(d))
            except Exception:  # noqa: BLE001 - a change the schema rejects for this example
                pass
    return out


def _reference(design, rho, m_a, m_c, q):
    """design_electrolyte as written before issue 18 (one design; module docstring of sianode.electrolyte_amount)."""
    d = {k: v.value for k, v in STACK_DEFAULTS.items()}
    c = design.cell
    rho_el = d["electrolyte_density_g_cm3"] if c.electrolyte_density_g_cm3 is None else c.electrolyte_density_g_cm3
    excess = d["electrolyte_margin"] if c.electrolyte_excess is None else c.electrolyte_excess
    ano = anode_geometry(design, rho, m_a)
    v_pore = ano.porosity * ano.thickness_um * 1e-4
    if c.kind == "full":
        cg = coating_geometry(cathode_coating(design), m_c, design_cathode(design).density_g_cm3, where="cathode")
        v_pore += float(cg["porosity"] * cg["thickness"])
        t_s = (d["separator_um"] if c.separator_um is None else c.separator_um) * 1e-4
        eps_s = d["separator_porosity"] if c.separator_porosity is None else c.separator_porosity
    else:
        t_s, eps_s = d["coin_separator_um"] * 1e-4, d["coin_separator_porosity"]
    v_pore += eps_s * t_s
    fill = v_pore * rho_el / (q * 1e-3)
    if design.electrolyte.kind == "solid":
        return float("inf"), fill, 0.0, q
    if c.ec_ratio_g_Ah is not None:
        ec = float(c.ec_ratio_g_Ah)
    elif c.kind == "full":
        ec = fill * (1 + excess)
    else:
        ec = float(HALF_CELL_EC_G_AH)
    return float(ec), float(fill), float(ec * q), q


def test_electrolytes_of_many_designs_equal_each_alone_and_the_reference():
    rng = np.random.default_rng(18)
    ds = _designs()
    assert len(ds) > 40
    rho = rng.uniform(2.1, 2.6, len(ds)).tolist()
    m_a = rng.uniform(2.0, 12.0, len(ds)).tolist()
    m_c = [float(x) if d.cell.kind == "full" else None for x, d in zip(rng.uniform(10, 25, len(ds)), ds)]
    q = rng.uniform(1.0, 5.0, len(ds)).tolist()
    many = design_electrolytes(ds, rho, m_a, m_c, q)
    for i, d in enumerate(ds):
        ref = _reference(d, rho[i], m_a[i], m_c[i], q[i])
        one = design_electrolyte(d, rho[i], m_a[i], m_c[i], q[i])
        assert many[i] == one
        assert (one.ec_ratio_g_Ah, one.pore_fill_g_Ah, one.mass_mg_cm2, one.capacity_mAh_cm2) == ref, d.name


def test_coating_pores_batch_and_errors():
    rng = np.random.default_rng(3)
    coats = [anode_coating_default(porosity=float(p)) for p in rng.uniform(0.2, 0.5, 5)]
    coats += [anode_coating_default(porosity=None, press_density_g_cm3=float(p)) for p in rng.uniform(1.2, 1.7, 5)]
    coats += [anode_coating_default(porosity=None, thickness_um=float(t)) for t in rng.uniform(60, 90, 3)]
    m, rho = rng.uniform(3, 8, len(coats)), rng.uniform(1.8, 2.3, len(coats))
    por, thick = coating_pores(coats, m, rho, "electrode")
    for i, c in enumerate(coats):
        g = coating_geometry(c, float(m[i]), float(rho[i]), where="electrode")
        assert por[i] == g["porosity"] and thick[i] == g["thickness"]
    bad = anode_coating_default(porosity=None, press_density_g_cm3=3.5)  # above the solids' density
    with pytest.raises(InputError) as alone:
        coating_geometry(bad, 5.0, 2.0, where="electrode")
    batch = coats[5:7] + [bad] + coats[7:10]
    with pytest.raises(InputError) as ei:
        coating_pores(batch, np.r_[m[5:7], 5.0, m[7:10]], np.r_[rho[5:7], 2.0, rho[7:10]], "electrode")
    assert str(ei.value) == str(alone.value) and ei.value.field == alone.value.field


def test_the_life_stage_reads_the_same_electrolyte():
    """The life stage's E/C (design_electrolyte, a batch of one) is the cell stage's (design_electrolytes)."""
    from sianode.design.loader import load_example

    d = load_example("nano_si_graphite")
    life = run_stage(d, "life")
    cell = run_stage(d, "cell")
    assert life.summary["ec_ratio_g_Ah"] == cell.data["model_kwargs"]["ec_ratio_g_Ah"]
    assert anode_coating(d) == cell.data["model_kwargs"]["anode_coating"]
