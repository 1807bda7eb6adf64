"""Mechanics stage contract, seeds/002 swelling comparison, solid-state confinement and the CLI."""
import pytest
import typer
from typer.testing import CliRunner

from sianode.chain import run_stage, upstream_for
from sianode.design import load_example
from sianode.design.schema import (Coating, Coatings, Design, Electrode, PorousMicroSi, Protocol, SiParticles,
                                   SolidElectrolyte)
from sianode.mechanics import stage
from sianode.mechanics.cli import mechanics
from sianode.report.html import Section

CONTRACT = ["surface_hoop_strain_amplitude", "particle_volume_expansion", "critical_diameter_m", "fractures",
            "fracture_margin", "electrode_thickness_change", "irreversible_swelling_per_cycle", "max_von_mises_Pa"]


@pytest.fixture(scope="module")
def default_result():
    return run_stage(load_example(), "mechanics")


def test_contract_fields(default_result):
    r = default_result
    assert r.name == "mechanics"
    for f in CONTRACT:
        assert hasattr(r.data, f)
    d = r.data
    assert d.fracture_margin == pytest.approx(d.critical_diameter_m / d.feature_size_m)
    assert d.fractures == (d.fracture_margin < 1)
    assert d.surface_hoop_strain_amplitude == pytest.approx((1 + d.particle_volume_expansion) ** (1 / 3) - 1)
    from sianode.mechanics.lisi_law import LAW
    # plastic flow caps the stress at the LixSi law's largest flow stress (1.75 GPa, Sethuraman 2010)
    assert 0 < d.max_von_mises_Pa <= LAW["flow_compression_low_x"].value * 1.01
    assert d.max_von_mises_linear_elastic_Pa >= 0
    for name in ("stress_vs_state_of_lithiation", "swelling_vs_cycle", "pore_matching_map", "critical_size_vs_pressure"):
        assert len(r.tables[name]) > 0


def test_report_sections(default_result):
    secs = stage.report(default_result)
    titles = [s.title for s in secs]
    assert all(isinstance(s, Section) for s in secs)
    for t in ("Stress vs state of lithiation", "Fracture verdict", "Pore-matching map", "Electrode swelling"):
        assert t in titles


def test_uses_upstream_materials(default_result):
    from sianode.errors import InputError

    d = load_example()
    up = upstream_for(d, "mechanics")
    r = stage.run(d, up)
    assert r.data.particle_volume_expansion == pytest.approx(up["materials"].data.particle_expansion)
    with pytest.raises(InputError, match="materials"):
        stage.run(d, {})  # no private recomputation of the materials stage


def _electrode_002():
    # seeds/002 §2.3: 70 % active, 10 % Na-CMC, 20 % conductive carbon, ~0.7 mg/cm2 (porosity not given: 0.5 assumed)
    return Electrode(active_wt_frac=0.7, binder_wt_frac=0.1, conductive_wt_frac=0.2, binder="CMC",
                     loading_mg_cm2=0.7, porosity=0.5)


def test_seeds_002_swelling_ordering():
    proto = Protocol(current_A_g=1.0, v_min_V=0.01, v_max_V=1.0, cycles=100)
    mats = {
        "mSi": SiParticles(phase="crystalline", diameter_nm=3000),
        "mSi@C": SiParticles(phase="crystalline", diameter_nm=3000,
                             coatings=Coatings(outer=Coating(material="carbon", thickness_nm=150))),
        "p-mSi@SiOx/C": PorousMicroSi(phase="crystalline", diameter_um=5.0, porosity=0.14, pore_diameter_nm=400,
                                      coatings=Coatings(outer=Coating(material="SiOx/C", thickness_nm=50),
                                                        pore=Coating(material="SiOx/C", thickness_nm=20))),
    }
    res = {k: run_stage(Design(name=k, active=a, electrode=_electrode_002(), protocol=proto), "mechanics")
           for k, a in mats.items()}
    after = {k: r.summary["thickness_change_after_100_cycles_pct"] for k, r in res.items()}
    # seeds/002 §3.3: 230.6 / 76.2 / 45.6 %: mSi > mSi@C > p-mSi@SiOx/C. Both dense ones fracture
    # (micron c-Si, SEI on critical-size fragments) and the porous one does not (ligaments below the
    # critical size); carbon dilution lowers the strain, fresh surface and Si content of mSi@C.
    assert after["mSi"] > after["mSi@C"] > after["p-mSi@SiOx/C"]
    irr = {k: r.data.extras["irreversible_swelling"] for k, r in res.items()}
    assert irr["mSi"]["fresh_fraction"] > irr["mSi@C"]["fresh_fraction"]
    assert irr["mSi"]["sei_surface_per_si_volume_m"] > 5 * irr["p-mSi@SiOx/C"]["sei_surface_per_si_volume_m"]
    assert res["mSi"].data.fractures and res["mSi@C"].data.fractures
    assert not res["p-mSi@SiOx/C"].data.fractures


def test_solid_state_pressure_raises_critical_size_and_reports_sse():
    base = dict(active=SiParticles(phase="crystalline", diameter_nm=400), electrode=Electrode(porosity=0.3))
    liquid = run_stage(Design(**base), "mechanics")
    low = run_stage(Design(electrolyte=SolidElectrolyte(sse_class="sulfide", stack_pressure_MPa=10.0), **base), "mechanics")
    high = run_stage(Design(electrolyte=SolidElectrolyte(sse_class="sulfide", stack_pressure_MPa=300.0), **base),
                     "mechanics")
    assert liquid.data.critical_diameter_m < low.data.critical_diameter_m < high.data.critical_diameter_m
    assert liquid.data.fractures and not high.data.fractures
    assert low.data.solid_state is not None and "sse_hoop_stress_Pa" in low.data.solid_state
    assert "sse_contact_lost_on_delithiation" in low.summary


def _app():
    app = typer.Typer()
    app.command()(mechanics)
    return app


def test_cli_prints_critical_size_and_verdict(tmp_path):
    r = CliRunner().invoke(_app(), ["-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "critical diameter" in r.output and "fracture" in r.output
    assert (tmp_path / "report.html").exists()


def test_cli_bad_design_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[active]\nfamily = 'si_particles'\ndiameter_nm = -5\n")
    r = CliRunner().invoke(_app(), [str(bad)])
    assert r.exit_code == 2
    assert "diameter_nm" in r.output
