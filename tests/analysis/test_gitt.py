"""GITT: Weppner–Huggins recovers D from exact (series-solution) diffusion transients."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sianode.analysis import gitt
from sianode.errors import InputError

D_TRUE = 1e-14  # m²/s = 1e-10 cm²/s: illustrative Li-in-Si order (seeds/000 §2 compares c-Si/a-Si D)


def test_planar_film_recovers_D_within_1_percent_in_valid_regime():
    L = 2e-6
    df = gitt.synthetic_gitt(D_TRUE, L, geometry="planar", tau_s=10, rest_s=3000, n_pulses=3)
    res = gitt.gitt_analysis(df, L_m=L)
    assert len(res) == 3
    assert (res.short_time_ratio < 0.1).all() and res.valid.all()
    np.testing.assert_allclose(res.D_m2_s, D_TRUE, rtol=0.01)
    # IR drop of the pulse (R = 0.5 Ω, I = -1e-4 A → +5e-5 V) removed from ΔEτ
    np.testing.assert_allclose(res.ir_drop_V, 0.5 * 1e-4, rtol=0.05)


def test_sphere_recovers_D_within_5_percent_when_tau_small():
    R = 5e-6  # Dτ/R² = 2e-4, curvature bias (4/3)√(πDτ)/R ≈ 3 %
    df = gitt.synthetic_gitt(D_TRUE, R, geometry="sphere", tau_s=0.5, rest_s=3000, n_pulses=2,
                             dt_s=0.025, dt_rest_s=5.0)
    res, sections = gitt.gitt_from_cycling(df, particle_radius_m=R)
    assert res.short_time_ok.all()
    np.testing.assert_allclose(res.D_m2_s, D_TRUE, rtol=0.05)
    assert sections and "Weppner" in sections[0].body


def test_long_pulses_are_flagged_and_biased():
    """Outside τ ≪ L²/D Weppner–Huggins underestimates D and the check says so."""
    R = 5e-6
    df = gitt.synthetic_gitt(D_TRUE, R, geometry="sphere", tau_s=60, rest_s=3000, n_pulses=1)
    res = gitt.gitt_analysis(df, L_m=R / 3, geometry="sphere")
    assert not res.short_time_ok.any()
    assert (res.D_m2_s < 0.8 * D_TRUE).all()


def test_planar_geometry_from_molar_volume_and_mass():
    # L = (m/M) V_M / S: 1e-3 g of M = 28.0855 g/mol Si, V_M = 1.2e-5 m³/mol, S = 1e-4 m²
    L = gitt.diffusion_length(molar_volume_m3_mol=1.2e-5, active_mass_g=1e-3,
                              molar_mass_g_mol=28.0855, electrode_area_m2=1e-4)
    assert L == pytest.approx(1e-3 / 28.0855 * 1.2e-5 / 1e-4)
    df = gitt.synthetic_gitt(D_TRUE, L, geometry="planar", tau_s=10, rest_s=3000, n_pulses=1)
    res, _ = gitt.gitt_from_cycling(df, molar_volume_m3_mol=1.2e-5, active_mass_g=1e-3,
                                    molar_mass_g_mol=28.0855, electrode_area_m2=1e-4)
    np.testing.assert_allclose(res.D_m2_s, D_TRUE, rtol=0.01)


def test_without_geometry_reports_D_over_L2():
    L = 2e-6
    df = gitt.synthetic_gitt(D_TRUE, L, geometry="planar", tau_s=10, rest_s=3000, n_pulses=1)
    res, _ = gitt.gitt_from_cycling(df)
    assert res.D_m2_s.isna().all()
    np.testing.assert_allclose(res.D_over_L2_per_s, D_TRUE / L**2, rtol=0.01)


def test_unrelaxed_rest_is_flagged():
    L = 2e-6  # rest far too short for L²/D = 400 s → potential still drifting
    df = gitt.synthetic_gitt(D_TRUE, L, geometry="planar", tau_s=10, rest_s=30, n_pulses=3)
    res = gitt.gitt_analysis(df, L_m=L)
    assert not res.relaxed_ok.all()


def test_state_of_charge_monotonic_and_bad_input():
    df = gitt.synthetic_gitt(D_TRUE, 2e-6, geometry="planar", tau_s=10, rest_s=2000, n_pulses=4)
    res = gitt.gitt_analysis(df, L_m=2e-6)
    assert res.state_of_charge.is_monotonic_decreasing or res.state_of_charge.is_monotonic_increasing
    with pytest.raises(InputError):
        gitt.gitt_analysis(df.drop(columns=["voltage_V"]))
    with pytest.raises(InputError):
        gitt.gitt_analysis(df.assign(current_A=0.0))
    with pytest.raises(InputError):
        gitt.diffusion_length(particle_radius_m=-1.0)
    with pytest.raises(InputError):
        gitt.diffusion_length(molar_volume_m3_mol=1e-5)


def test_gunther2025_set_is_impedance_not_time_domain():
    """The PyBOP Gunther2025 parquet holds GITT transformed to impedance spectra (f, Z), not
    E(t): it loads as an EIS series and cannot feed Weppner–Huggins (documented)."""
    p = Path(__file__).parents[2] / ".." / "shared" / "realdata" / "pybop" / "Gunther2025" / \
        "monolayer_17_microns.parquet"
    if not p.exists():
        pytest.skip("shared/realdata not present")
    from sianode.analysis import spectra

    assert spectra.detect_spectrum_kind(p) == "eis"
    df = spectra.read_eis(p)
    assert df.spectrum.nunique() == 20
    cols = set(pd.read_parquet(p).columns)
    assert not {"time_s", "voltage_V"} & cols


def test_real_cellpy_full_cell_gitt_part2():
    """cellpy 20210210_FC_01_cc_02.res (MIT): full cell, ~180 s pulses with 15 min rests
    (the README counts about 183 pulses). Read with part A's Arbin reader (needs mdbtools)."""
    import shutil

    p = Path(__file__).parents[2] / ".." / "shared" / "realdata" / "cellpy" / "20210210_FC_01_cc_02.res"
    if not p.exists() or shutil.which("mdb-export") is None:
        pytest.skip("shared/realdata or mdbtools not present")
    from sianode import iotools as iot
    df = iot.read(p)
    res, sections = gitt.gitt_from_cycling(df, min_rest_s=60)
    assert 170 <= len(res) <= 190
    np.testing.assert_allclose(res.tau_s, 180, atol=1)
    # physics signs: the IR step and the relaxed-voltage change follow the current direction
    assert (np.sign(res.ir_drop_V) == np.sign(res.current_A)).all()
    assert (np.sign(res.dEs_V) == np.sign(res.current_A)).mean() > 0.95
    assert (res.D_over_L2_per_s > 0).all() and res.D_m2_s.isna().all()  # no geometry given
    # the flags are informative, not all-pass: many 15-min rests are still drifting
    assert 0 < res.relaxed_ok.sum() < len(res)


def test_incomplete_geometry_reports_D_over_L2_with_note():
    df = gitt.synthetic_gitt(D_TRUE, 2e-6, geometry="planar", tau_s=10, rest_s=2000, n_pulses=1)
    res, secs = gitt.gitt_from_cycling(df, molar_volume_m3_mol=1.2e-5, active_mass_g=1e-3,
                                       electrode_area_m2=1e-4)  # molar mass missing
    assert res.D_m2_s.isna().all() and (res.D_over_L2_per_s > 0).all()
    assert "molar_mass_g_mol" in secs[0].body
    with pytest.raises(InputError):
        gitt.gitt_from_cycling(df, particle_radius_m=-1e-6)
