"""Many designs' electrolyte amounts and coating pores at once (issue #18): each design's numbers are those it had
alone (the formulas as written before the batching, here as the reference), and a bad design raises its own
error."""
import numpy as np
import pytest

from sianode.cathodes import design_cathode
from sianode.chain import run_stage
from sianode.design.loader import example_names, load_example
from sianode.design.schema import SolidElectrolyte
from sianode.electrode.coating import (STACK_DEFAULTS, AnodeGeometry, anode_coating, anode_coating_default,
                                       anode_geometries, anode_geometry, cathode_coating, coating_geometry,
                                       coating_pores, packing_source)
from sianode.electrode.loading import design_loadings, full_cell_loadings
from sianode.electrolyte_amount import HALF_CELL_EC_G_AH, design_electrolyte, design_electrolytes
from sianode.materials.measured import apply_measured
from sianode.errors import InputError

def _designs():
    """The examples and copies with other cell, electrode and electrolyte sections (model_copy: no schema)."""
    out = []
    for ex in example_names():
        d = load_example(ex)
        c, ce = d.cell, d.cell.cathode_electrode
        cells = [{}, {"kind": "full"}, {"kind": "half"}, {"ec_ratio_g_Ah": 3.0},
                 {"electrolyte_excess": 0.3, "electrolyte_density_g_cm3": 1.2},
                 {"separator_um": 20.0, "separator_porosity": 0.45}, {"cathode": "LFP"},
                 {"cathode_electrode": ce.model_copy(update={"press_density_g_cm3": 3.4})},
                 {"cathode_electrode": ce.model_copy(update={"porosity": 0.3, "press_density_g_cm3": None})}]
        out += [d.model_copy(update={"cell": c.model_copy(update=u)}) for u in cells]
        out.append(d.model_copy(update={"electrode": d.electrode.model_copy(update={"porosity": 0.35,
                                                                                     "press_density_g_cm3": None})}))
        out.append(d.model_copy(update={"electrolyte": SolidElectrolyte(sse_class="sulfide", anode_sse_wt_frac=0.2)}))
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


def test_electrolytes_read_the_callers_geometries_and_coatings_only_where_they_fit():
    """The caller's anode geometries (at the design's loading and density) and cathode coatings give the same amounts;
    a geometry at another loading or density is not read (a posterior row's copy of the nominal extras)."""
    rng = np.random.default_rng(19)
    ds = _designs()
    rho = rng.uniform(2.1, 2.6, len(ds)).tolist()
    m_a = rng.uniform(2.0, 12.0, len(ds)).tolist()
    m_c = [float(x) if d.cell.kind == "full" else None for x, d in zip(rng.uniform(10, 25, len(ds)), ds)]
    q = rng.uniform(1.0, 5.0, len(ds)).tolist()
    ref = design_electrolytes(ds, rho, m_a, m_c, q)
    coats = [cathode_coating(d) if d.cell.kind == "full" else None for d in ds]
    geos = anode_geometries(ds, rho, m_a)
    assert design_electrolytes(ds, rho, m_a, m_c, q, geos, coats) == ref
    off = anode_geometries(ds, [r * 1.01 for r in rho[:10]] + rho[10:], [m * 1.01 for m in m_a[:5]] + m_a[5:])
    assert design_electrolytes(ds, rho, m_a, m_c, q, off, coats) == ref


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


def test_anode_geometries_of_many_designs_equal_each_alone_and_the_reference():
    """Mixed formulations and packings in one batch: each design's geometry is the one coating_geometry gives it alone
    (the formula as written before the batching), in the design's own place."""
    rng = np.random.default_rng(7)
    ds = _designs()
    rho = rng.uniform(2.1, 2.6, len(ds)).tolist()
    m_a = rng.uniform(2.0, 12.0, len(ds)).tolist()
    many = anode_geometries(ds, rho, m_a)
    assert len({anode_coating(d).porosity for d in ds}) > 1 and len({anode_coating(d).sse_wt_frac for d in ds}) > 1
    for i, d in enumerate(ds):
        g = {k: float(np.asarray(v)) for k, v in coating_geometry(anode_coating(d), m_a[i], rho[i],
                                                                   where="electrode").items()}
        ref = AnodeGeometry(m_a[i], g["thickness"] * 1e4, g["porosity"], g["mass"] / g["thickness"], g["phi_active"],
                            g["phi_binder"], g["phi_conductive"], g["phi_sse"], rho[i], packing_source(d))
        assert many[i] == ref == anode_geometry(d, rho[i], m_a[i]), d.name


def test_a_batch_raises_its_first_invalid_designs_own_error():
    """Two invalid designs in two formulation groups, the later group's one first in the batch: its error is the
    batch's (as each design alone, in order, would raise)."""
    ds = _designs()
    liquid = ds[0]
    solid = next(d for d in ds if d.name == liquid.name and d.electrolyte.kind == "solid")
    assert liquid.electrolyte.kind != "solid"
    with pytest.raises(InputError) as alone:
        anode_geometry(solid, -1.0, 5.0)
    with pytest.raises(InputError) as ei:
        anode_geometries([liquid, solid, liquid, liquid], [2.3, -1.0, -2.0, 2.3], [5.0] * 4)
    assert "-1.0" in str(alone.value) and str(ei.value) == str(alone.value) and ei.value.field == alone.value.field


def test_stored_loadings_are_read_only_for_the_inputs_they_were_computed_from():
    """The materials stage's loadings are read again for its design; another N/P, anode loading, electrolyte kind or
    capacity (a posterior row's copy of the extras) gets its own."""
    d = load_example("nano_si_graphite")
    props = run_stage(d, "materials").data
    assert design_loadings(d, props) is props.extras["loadings"].loadings == full_cell_loadings(d, props)
    others = [d.model_copy(update={"cell": d.cell.model_copy(update={"np_ratio": d.cell.np_ratio * 1.1})}),
              d.model_copy(update={"electrode": d.electrode.model_copy(update={"loading_mg_cm2": 3.3})}),
              d.model_copy(update={"cell": d.cell.model_copy(update={"kind": "half"})})]
    assert full_cell_loadings(others[0], props) != props.extras["loadings"].loadings
    for o in others:
        assert design_loadings(o, props) == full_cell_loadings(o, props)
    row = apply_measured(props, reversible_capacity_mAh_g=0.9 * props.reversible_capacity_mAh_g, source="row",
                         tables=False)
    assert design_loadings(d, row) == full_cell_loadings(d, row) != props.extras["loadings"].loadings
    row = apply_measured(props, si_diffusivity_m2_s=1e-16, source="row", tables=False)  # the same loadings' inputs
    assert design_loadings(d, row) is props.extras["loadings"].loadings


def test_the_life_stage_reads_the_same_electrolyte():
    """The life stage's E/C (design_electrolyte, a batch of one) is the cell stage's (design_electrolytes)."""
    d = load_example("nano_si_graphite")
    life = run_stage(d, "life")
    cell = run_stage(d, "cell")
    assert life.summary["ec_ratio_g_Ah"] == cell.data["model_kwargs"]["ec_ratio_g_Ah"]
    assert anode_coating(d) == cell.data["model_kwargs"]["anode_coating"]
