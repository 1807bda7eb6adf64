"""SSE class properties (seeds/004 §5.5, Table 3) and the confinement / contact-loss model."""
import pytest

from sianode.design.schema import SolidElectrolyte
from sianode.errors import InputError
from sianode.solidstate.electrolytes import SSE_CLASSES, sse_properties, sse_table
from sianode.solidstate.pressure import confined_particle, mean_confining_stress


def test_class_moduli_from_seeds():
    E = {k: v.young_modulus.value / 1e9 for k, v in SSE_CLASSES.items()}
    assert 72 <= E["oxide"] <= 148          # LLTO 72–148 GPa
    assert 18 <= E["sulfide"] <= 25         # Li2S-P2S5 glass 18–25 GPa
    assert E["polymer"] == pytest.approx(1.5)
    assert E["composite"] == pytest.approx(15.0)
    assert E["oxide"] > E["sulfide"] > E["composite"] > E["polymer"]
    assert SSE_CLASSES["sulfide"].ionic_conductivity.value == pytest.approx(1.1)  # 1.1e-2 S/cm in S/m
    for p in SSE_CLASSES.values():
        assert "seeds/004" in p.young_modulus.source and p.density.value > 0
    assert len(sse_table()) == 4


def test_design_overrides_and_compound():
    p = sse_properties(SolidElectrolyte(sse_class="sulfide", name="LGPS", young_modulus_GPa=30.0))
    assert p.young_modulus.value == pytest.approx(30e9)
    assert p.ionic_conductivity.value == pytest.approx(1.2)
    assert sse_properties(SolidElectrolyte(sse_class="oxide", name="LLZO")).young_modulus.value == pytest.approx(149.8e9)


def test_liquid_rejected():
    class Liquid:
        kind = "liquid"
    with pytest.raises(InputError) as ei:
        sse_properties(Liquid())
    assert ei.value.field == "electrolyte.kind"


def test_confinement_and_contact_loss():
    strain = 0.3  # outward linear strain of a swelling particle
    poly = sse_properties(SolidElectrolyte(sse_class="polymer", name="PEO"))
    sulf = sse_properties(SolidElectrolyte(sse_class="sulfide"))
    oxide = sse_properties(SolidElectrolyte(sse_class="oxide", name="LLZO"))
    r_poly = confined_particle(strain, 12e9, 0.22, poly, 50e6)
    r_sulf = confined_particle(strain, 12e9, 0.22, sulf, 50e6)
    r_sulf_hi = confined_particle(strain, 12e9, 0.22, sulf, 1000e6)
    r_ox = confined_particle(strain, 12e9, 0.22, oxide, 50e6)
    # stiffer electrolyte, higher elastic confinement pressure
    assert r_ox.elastic_pressure_Pa > r_sulf.elastic_pressure_Pa > r_poly.elastic_pressure_Pa
    assert not r_poly.contact_lost_on_delithiation        # soft polymer re-flows under 50 MPa
    assert r_sulf.contact_lost_on_delithiation and not r_sulf_hi.contact_lost_on_delithiation
    assert r_ox.sse_cracked and r_ox.contact_lost_on_delithiation
    assert r_sulf.sse_hoop_stress_Pa > 0  # tension in the electrolyte around the particle


def test_confining_stress_and_bad_pressure():
    assert mean_confining_stress(90e6, 0.25) == pytest.approx(90e6 * (1 + 2 / 3) / 3)
    with pytest.raises(InputError) as ei:
        mean_confining_stress(-1.0, 0.3)
    assert ei.value.field == "electrolyte.stack_pressure_MPa"
