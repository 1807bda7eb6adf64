"""Regression tests for what real files exposed (issue 16): each finding on a real or a
realistically damaged file. Tests that read ../shared/realdata skip without it."""
from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sianode.analysis.cycling import EFFICIENCY_MAX, analyze_cycling, cycle_summary
from sianode.analysis.dqdv import MAX_CURVES, MAX_GRID_POINTS, dqdv_cycles
from sianode.errors import InputError
from sianode.iotools import detect_format, read
from sianode.iotools.schema import build_tidy
from sianode.iotools.synthetic import synthetic_half_cell

DATA = Path(__file__).parents[1] / "data"
REAL = Path(__file__).parents[2] / ".." / "shared" / "realdata"


def _access_reader() -> bool:
    from sianode.iotools.arbin import access_parser_available, mdbtools_available
    return mdbtools_available() or access_parser_available()


def _mirror(df: pd.DataFrame, v0: float = 4.2) -> pd.DataFrame:
    """A full cell from a half cell: current and step types swapped, voltage mirrored."""
    return build_tidy(df.time_s, -df.current_A, v0 - df.voltage_V, source="full", fmt="t", reader="t",
                      step_key=df.step)


# --------------------------------------------------------------- 1. corrupt voltage: bounded work
def test_corrupt_voltage_row_is_dropped_and_named():
    df = synthetic_half_cell(3)
    v = df.voltage_V.to_numpy().copy()
    v[500] = 237693.0  # one flipped byte in a Neware voltage record
    t = build_tidy(df.time_s, df.current_A, v, source="flipped.nda", fmt="t", reader="t", step_key=df.step)
    assert len(t) == len(df) - 1 and t.voltage_V.abs().max() < 10
    assert any("237693" in w and "row 501" in w for w in t.attrs["warnings"])


def test_dqdv_grid_is_bounded_even_for_a_corrupt_table():
    """dQ/dV on a table that still holds a 237 693 V point (read by other code): grid capped."""
    df = synthetic_half_cell(4).copy()
    df.loc[700, "voltage_V"] = 237693.0
    curves = dqdv_cycles(df, sigma_V=0.005)
    assert curves["voltage_V"].nunique() <= MAX_GRID_POINTS + 1
    # the stray point sits outside the 0.05–99.95 % window: the grid stays on the real range
    assert curves["voltage_V"].max() < 2.0
    curves = dqdv_cycles(df, sigma_V=0.005, v_range=(0.0, 237693.0))
    assert curves["voltage_V"].nunique() <= MAX_GRID_POINTS + 1


def test_flipped_byte_in_real_nda_voltage(tmp_path, realdata):
    """TestFile.nda with one voltage record's exponent byte flipped: analysed, the row dropped."""
    src = bytearray(realdata("NewareNDA/TestFile.nda").read_bytes())
    clean = read(REAL / "NewareNDA/TestFile.nda")
    # the voltage of record 3000 is a float32 in this BTS 9 file: find it by its value
    off = src.find(struct.pack("<f", clean.voltage_V.iloc[3000]), 1024)
    assert off > 0
    src[off + 3] ^= 0x08  # one bit of the exponent: 4.17 V -> 1.1e5 V
    p = tmp_path / "flipped.nda"
    p.write_bytes(bytes(src))
    df = read(p)
    assert df.voltage_V.abs().max() < 10 and df.attrs["dropped_rows"] >= 1
    res = analyze_cycling(df)
    assert res.metrics["ICE_percent"] == pytest.approx(analyze_cycling(clean).metrics["ICE_percent"], rel=1e-3)


# --------------------------------------------------------------- 2. orientation-aware efficiencies
def test_half_cell_energy_efficiency_below_one_real_si(realdata):
    p = realdata("cellpy/20160805_test001_45_cc_01.res")
    if not _access_reader():
        pytest.skip("no Access reader")
    res = analyze_cycling(p)
    c = res.cycles[res.cycles.included]
    assert res.cell_type == "anode half cell"
    # EE = lithiation energy / delithiation energy = (V_lith / V_delith) / CE (was 375 % and ~220 %)
    np.testing.assert_allclose(c.energy_efficiency, c.avg_lithiation_voltage_V / c.avg_delithiation_voltage_V
                               / c.coulombic_efficiency, rtol=1e-9)
    assert c.energy_efficiency.between(0.0, 1.0).all()
    assert c.coulombic_efficiency.iloc[1:6].gt(1.0).all()  # real Si behaviour, kept
    assert "delithiation" in res.convention


def test_full_cell_that_starts_with_discharge_real_neware(realdata):
    res = analyze_cycling(realdata("NewareNDA/TestFile.nda"))
    assert res.cell_type == "full cell" and res.cycles.attrs["paired_with_next_cycle"]
    # each charge paired with the discharge after it: 5806.6 / 5811.0 mAh (was 153 % and EE 176 %)
    assert res.metrics["ICE_percent"] == pytest.approx(100 * 5806.646 / 5811.025, rel=1e-5)
    assert 0.85 < res.cycles.energy_efficiency.iloc[0] < 1.0
    assert "starts with a discharge" in res.convention


@pytest.mark.parametrize("start", ["forward", "reverse"])
def test_synthetic_full_cell_both_starts(start):
    half = synthetic_half_cell(5, ice=0.9, ce=0.99)
    full = _mirror(half)
    if start == "reverse":  # drop the first charge: the test starts with a discharge
        first_dis = int(np.flatnonzero(full.current_A.to_numpy() < 0)[0])
        full = build_tidy(full.time_s[first_dis:], full.current_A[first_dis:], full.voltage_V[first_dis:],
                          source="f", fmt="t", reader="t", step_key=full.step[first_dis:])
    cyc = cycle_summary(full)
    assert cyc.attrs["cell_type"] == "full cell"
    ce = cyc.loc[cyc.included, "coulombic_efficiency"].to_numpy()
    expect = [0.9, 0.99, 0.99, 0.99, 0.99] if start == "forward" else [0.99, 0.99, 0.99, 0.99]
    np.testing.assert_allclose(ce, expect, rtol=1e-6)
    assert (cyc.loc[cyc.included, "energy_efficiency"] < 1).all()


def test_half_cell_starting_with_delithiation():
    df = synthetic_half_cell(4, ce=0.98)
    first_ch = int(np.flatnonzero(df.current_A.to_numpy() > 0)[0])
    d = build_tidy(df.time_s[first_ch:], df.current_A[first_ch:], df.voltage_V[first_ch:], source="h",
                   fmt="t", reader="t", step_key=df.step[first_ch:])
    cyc = cycle_summary(d)
    assert cyc.attrs["cell_type"] == "anode half cell" and cyc.attrs["paired_with_next_cycle"]
    np.testing.assert_allclose(cyc.loc[cyc.included, "coulombic_efficiency"], 0.98, rtol=1e-6)


def test_impossible_ce_is_flagged_and_excluded():
    df = synthetic_half_cell(5, ce=0.99).copy()
    cyc = df.cycle.to_numpy()
    charge = (df.current_A > 0).to_numpy()
    df.loc[(cyc == 3) & charge, "capacity_Ah"] *= 1.5  # a corrupt counter: 150 % CE in cycle 3
    res = analyze_cycling(df)
    c3 = res.cycles.set_index("cycle").loc[3]
    assert not c3.included and "above 120 %" in c3.flag
    assert res.metrics["mean_CE_after_first_percent"] == pytest.approx(99.0, rel=1e-6)
    assert any("cycle 3" == f["quantity"] for f in res.flags)


def test_every_real_cycling_file_has_plausible_or_flagged_efficiencies():
    if not REAL.exists():
        pytest.skip("no shared real data")
    checked = 0
    for p in sorted(REAL.rglob("*")):
        if p.suffix.lower() == ".res" and not _access_reader():
            continue
        if p.is_dir() or "galpynostatic" in str(p) or "pybop" in str(p) or p.suffix in (".md", ".tsv"):
            continue
        try:
            res = analyze_cycling(p)
        except InputError:
            continue
        c = res.cycles
        for col in ("coulombic_efficiency", "energy_efficiency"):
            x = c[col]
            ok = x.isna() | x.between(0, EFFICIENCY_MAX)
            assert (ok | (c.flag != "")).all(), (p, col, c.loc[~ok, ["cycle", col]])
            assert x[c.included].dropna().between(0, EFFICIENCY_MAX).all(), (p, col)
        checked += 1
    assert checked >= 15


# --------------------------------------------------------------- 3. faded cells keep their cycles
def test_faded_cell_keeps_every_cycle():
    """160 cycles fading to 1/2000 of the first: the old rule (0.1 % of the largest step)
    merged the late cycles; the local rule keeps all 160."""
    cur = list(0.16 * np.exp(-np.arange(160) * np.log(2000) / 159))
    df = synthetic_half_cell(160, points_per_half_cycle=12, capacity_mAh=1.6, fade_per_cycle=0.0,
                             currents_by_cycle=cur, rest_s=60)
    # same duration each cycle at a fading current: capacity falls 2000x
    assert df.cycle.max() == 160


def test_arbin_transition_records_still_ignored(realdata):
    p = realdata("cellpy/20160805_test001_45_cc_01.res")
    if not _access_reader():
        pytest.skip("no Access reader")
    assert read(p).cycle.max() == 18  # as cellpy: 17 complete + the unfinished 18th


# --------------------------------------------------------------- 4. interrupted last cycle
def test_interrupted_last_cycle_real_neware_csv(realdata):
    res = analyze_cycling(realdata("cellpy/neware_uio.csv"))
    c = res.cycles.set_index("cycle")
    assert not c.loc[5, "included"] and "interrupted" in c.loc[5, "flag"]
    assert res.metrics["last_cycle"] == 4
    assert res.metrics["last_retention_percent"] == pytest.approx(100 * 3.59294 / 4.24934, rel=1e-3)
    assert res.metrics["mean_CE_after_first_percent"] > 97  # was 84.3 % with the cut cycle


def test_interrupted_last_cycle_synthetic():
    df = synthetic_half_cell(5, ce=0.99, fade_per_cycle=0.0)
    last_ch = np.flatnonzero((df.cycle == 5).to_numpy() & (df.current_A > 0).to_numpy())
    cut = last_ch[len(last_ch) // 3]
    d = build_tidy(df.time_s[:cut], df.current_A[:cut], df.voltage_V[:cut], source="c", fmt="t", reader="t",
                   step_key=df.step[:cut])
    cyc = cycle_summary(d)
    assert not cyc.included.iloc[-1] and "interrupted" in cyc.flag.iloc[-1]
    assert np.isnan(cyc.retention.iloc[-1])
    # a capacity-limited test (same charge each cycle, end voltage free) is not flagged
    assert cycle_summary(df).included.all()


def test_unfinished_cycle_has_no_retention():
    df = synthetic_half_cell(3)
    last = int(np.flatnonzero((df.cycle == 3).to_numpy() & (df.current_A > 0).to_numpy())[0])
    d = build_tidy(df.time_s[:last], df.current_A[:last], df.voltage_V[:last], source="u", fmt="t",
                   reader="t", step_key=df.step[:last])
    cyc = cycle_summary(d)
    assert np.isnan(cyc.retention.iloc[-1])  # was written as 0.0
    assert "no delithiation" in cyc.flag.iloc[-1]


# --------------------------------------------------------------- 5. silly masses, corrupt and truncated files
def test_sub_microgram_mass_is_ignored_and_flagged():
    df = synthetic_half_cell(3)
    df.attrs["active_mass_g"] = 6e-9  # 6e-6 mg, as test_2.ndax records
    res = analyze_cycling(df)
    assert res.cycles.attrs["active_mass_g"] is None and "reversible_capacity_mAh_g" not in res.cycles
    assert any(f["quantity"] == "active mass" for f in res.flags)
    with pytest.raises(InputError, match="1 µg"):
        cycle_summary(df, active_mass_g=6e-9)


def test_real_test_2_ndax_mass_flagged(realdata):
    res = analyze_cycling(realdata("NewareNDA/test_2.ndax"))
    assert any("below 1 µg" in f["reason"] for f in res.flags)
    assert "first_reversible_capacity_mAh_g" not in res.metrics


def test_capacity_above_li22si5_flags_the_mass():
    res = analyze_cycling(synthetic_half_cell(3, active_mass_g=0.1e-3))  # 1.6 mAh / 0.1 mg = 16 000 mAh/g
    assert any("4200" in f["reason"] for f in res.flags)
    assert "first_reversible_capacity_mAh_g" not in res.metrics


def _cli():
    import typer

    from sianode.analysis.cli import analyze
    app = typer.Typer()
    app.command("analyze")(analyze)
    app.command("version")(lambda: None)
    return app


def test_corrupt_ndax_reader_warnings_printed(tmp_path):
    from typer.testing import CliRunner

    r = CliRunner().invoke(_cli(), ["analyze", str(DATA / "Unit27_Example_Corrupt.ndax"), "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "reader warning" in r.output and "TestInfo.xml" in r.output


@pytest.mark.parametrize("frac", [0.5, 0.9])
def test_truncated_nda_refused(tmp_path, frac, realdata):
    src = realdata("NewareNDA/TestFile.nda").read_bytes()
    p = tmp_path / "cut.nda"
    p.write_bytes(src[: int(len(src) * frac)])
    with pytest.raises(InputError, match="truncated .nda"):
        read(p)


@pytest.mark.parametrize("frac", [0.5, 0.9])
def test_truncated_neware_csv_refused(tmp_path, frac):
    src = (DATA / "interp-test.csv").read_bytes()
    cut = int(len(src) * frac)
    cut = src.find(b",", src.rfind(b"\n", 0, cut) + 1) + 2  # inside a line
    p = tmp_path / "cut.csv"
    p.write_bytes(src[:cut])
    with pytest.raises(InputError, match="truncated"):
        read(p)


@pytest.mark.parametrize("frac", [0.5, 0.9])
def test_truncated_mpt_refused(tmp_path, frac, realdata):
    src = realdata("yadg/eclab/cp.mpt").read_bytes()
    cut = int(len(src) * frac)
    cut = src.find(b"\t", src.rfind(b"\n", 0, cut) + 1) + 2
    p = tmp_path / "cut.mpt"
    p.write_bytes(src[:cut])
    with pytest.raises(InputError, match="truncated"):
        read(p)


# --------------------------------------------------------------- 6. dQ/dV work tied to the data
def test_many_cycles_bounded_dqdv():
    df = synthetic_half_cell(1500, points_per_half_cycle=10, rest_s=30, fade_per_cycle=1e-4)
    curves = dqdv_cycles(df)
    assert curves.groupby(["cycle", "direction"]).ngroups <= MAX_CURVES
    assert curves.attrs["cycles_sampled"] and curves.attrs["n_cycles_total"] == 1500
    assert {1, 2, 10, 1500} <= set(curves.cycle.unique())
    # the charge is conserved for a sampled curve: ∫ dQ/dV dV = Q of the half cycle
    g = curves[(curves.cycle == 1500) & (curves.direction == "delithiation")]
    h = curves.attrs["resolution_V"]
    q = cycle_summary(df).set_index("cycle").loc[1500, "charge_capacity_mAh"]
    assert g.dqdv_mAh_V.sum() * h == pytest.approx(q, rel=1e-3)


# --------------------------------------------------------------- 7. technique recognised
def test_voltammetry_techniques_are_not_cycling():
    from sianode.iotools.biologic import _classify
    cols = {"time/s": [0.0], "Ewe/V": [0.1], "<I>/mA": [0.0]}
    for tech in (0x06, 0x30, 0x33, 0x6C):  # CV, CV, CVA, LSV
        assert _classify(cols, tech) == "cv"
    assert _classify(cols, 0x18) == "ca"
    assert _classify(cols, None, "Linear Sweep Voltammetry\n") == "cv"
    assert _classify(cols, 0x04) == "cycling" and _classify(cols, 0x19) == "cycling"


def test_chronopotentiometry_text_with_bracketed_ewe(realdata):
    df = read(realdata("yadg/eclab/cp.mpt"))
    assert len(df) > 100 and df.voltage_V.abs().max() < 10


def test_eis_csv_headed_f_z_z(tmp_path):
    from sianode.analysis.spectra import detect_spectrum_kind, read_eis
    f = np.logspace(5, -1, 30)
    z = 10 + 50 / (1 + 1j * 2 * np.pi * f * 50 * 1e-5)
    p = tmp_path / "spec.csv"
    pd.DataFrame({"f": f, "Z'": z.real, "Z''": z.imag}).to_csv(p, index=False)
    assert detect_spectrum_kind(p) == "eis"
    d = read_eis(p)
    np.testing.assert_allclose(d.z_imag_ohm, z.imag)


def test_charge_span_with_zero_area():
    from sianode.analysis.report import _charge_span
    curves = pd.DataFrame({"voltage_V": np.linspace(3, 4, 50), "dqdv_mAh_V": 0.0, "cycle": 1,
                           "direction": "charge"})
    lo, hi = _charge_span(curves, "dqdv_mAh_V")
    assert lo < hi


# --------------------------------------------------------------- 8. formats users have
def test_maccor_raw_rec_hash_export():
    p = DATA / "maccor_example.001"
    assert detect_format(p) == "maccor-txt"
    df = read(p)
    assert len(df) == 8 and df.time_s.iloc[-1] == pytest.approx(70.0, abs=0.01)  # "Test (Min)" 1.1667 min
    assert df.voltage_V.iloc[0] == pytest.approx(3.30678264)


def test_arbin_csv_export_uses_the_cycler_counters():
    p = DATA / "FastCharge_000025_CH8.csv"
    assert detect_format(p) == "arbin-csv"
    df = read(p)
    raw = pd.read_csv(p)
    # within-step charge from Arbin's counters: the test's total equals the counters' totals
    from sianode.analysis.cycling import step_summary
    steps = step_summary(df)
    total = raw.Charge_Capacity.max() + raw.Discharge_Capacity.max()
    assert steps.capacity_Ah.sum() == pytest.approx(total, rel=1e-6)


def test_excel_exports_arbin_and_record_sheets(realdata):
    a = read(realdata("navani/bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"))
    assert a.attrs["format"] == "excel" and a.attrs["sheets"] == ["Channel_11_1"]
    res = analyze_cycling(a)
    assert res.cell_type == "anode half cell"  # graphite vs Li, 50 mV - 1 V
    b = read(realdata("navani/NJK_CC_156_C30_C_x30.xlsx"))
    assert b.cycle.max() == 30 and b.attrs["sheets"] == ["Record"]


def test_zplot_and_other_impedance_py_formats(tmp_path):
    from sianode.analysis.spectra import detect_spectrum_kind, read_eis
    z = read_eis(DATA / "spectra" / "exampleDataZPlot.z")
    assert len(z) > 10 and (z.frequency_Hz > 0).all()
    f = np.logspace(5, -1, 25)
    Z = 20 + 100 / (1 + 1j * 2 * np.pi * f * 100 * 2e-5)
    files = {
        "chi.txt": "A.C. Impedance\nInstrument Model:  CHI660E\n\nFreq/Hz, Z'/ohm, Z\"/ohm, Z/ohm, Phase/deg\n\n"
                   + "".join(f"{a:.6e}, {b.real:.6e}, {b.imag:.6e}, {abs(b):.6e}, 0\n" for a, b in zip(f, Z)),
        "powersuite.txt": "Frequency\t Zre\t Zimg\n" + "".join(f"{a}\t {b.real}\t {b.imag}\n" for a, b in zip(f, Z)),
        "parstat.txt": "Potential (V)\tCurrent (A)\tElapsed Time (s)\tFrequency (Hz)\tZre (ohms)\tZim (ohms)\t\n"
                       + "".join(f"0\t0\t{k}\t{a}\t{b.real}\t{b.imag}\t\n" for k, (a, b) in enumerate(zip(f, Z))),
        "autolab.txt": '"Z60W Data File: Version 1.1"\n""\n0,2,0\n25\n"  Freq (Hz)    Ampl     Bias   Time(Sec)   '
                       "Z'(a)    Z''(b)    GD   Err   Range\"\n"
                       + "".join(f"{a},0,0,0,{b.real},{b.imag},0,0,0\n" for a, b in zip(f, Z)),
    }
    for name, text in files.items():
        p = tmp_path / name
        p.write_text(text)
        assert detect_spectrum_kind(p) == "eis", name
        d = read_eis(p)
        np.testing.assert_allclose(d.z_real_ohm, Z.real, rtol=1e-5, err_msg=name)
        np.testing.assert_allclose(d.z_imag_ohm, Z.imag, rtol=1e-5, err_msg=name)


def test_pec_and_novonix_csv(tmp_path):
    df = synthetic_half_cell(3, capacity_mAh=1.6)
    from sianode.analysis.cycling import step_summary
    ref = cycle_summary(df)
    q = df.capacity_Ah.to_numpy() * 1000
    ch, dis = (df.current_A > 0).to_numpy(), (df.current_A < 0).to_numpy()
    # PEC: unsigned current in mA, voltage in mV, per-step counters in mAh
    pec = pd.DataFrame({"Test": 1, "Cell": 1, "Rack": 1, "Shelf": 1, "Position": 1, "Cell ID": "x",
                        "Step": df.step, "Cycle": df.cycle, "Total Time (Seconds)": df.time_s,
                        "Load On Time (Seconds)": 0, "Step Time (Seconds)": 0,
                        "Voltage (mV)": df.voltage_V * 1000, "Current (mA)": df.current_A.abs() * 1000,
                        "Charge Capacity (mAh)": np.where(ch, q, 0), "Discharge Capacity (mAh)": np.where(dis, q, 0)})
    p = tmp_path / "pec.csv"
    p.write_text("Test:,1\nStart Time:,02/22/2019 16:21:35\n#RESULTS CHECK\nReqYear,Test\n2019,187,\n"
                 "#END RESULTS CHECK\n" + pec.to_csv(index=False))
    assert detect_format(p) == "pec-csv"
    got = cycle_summary(read(p))
    np.testing.assert_allclose(got.coulombic_efficiency, ref.coulombic_efficiency, rtol=1e-6)
    # Novonix: signed current in A, run time in h, one per-step capacity counter
    nov = pd.DataFrame({"Date and Time": "2021-01-01 00:00:00", "Cycle Number": df.cycle, "Step Type": 0,
                        "Run Time (h)": df.time_s / 3600, "Step Time (h)": 0, "Current (A)": df.current_A,
                        "Potential (V)": df.voltage_V, "Capacity (Ah)": df.capacity_Ah, "Step Number": df.step})
    p = tmp_path / "novonix.csv"
    p.write_text("[Summary]\nCell: x\n[End Summary]\n[Data]\n" + nov.to_csv(index=False))
    assert detect_format(p) == "novonix-csv"
    got = cycle_summary(read(p))
    np.testing.assert_allclose(got.coulombic_efficiency, ref.coulombic_efficiency, rtol=1e-6)
    assert len(step_summary(read(p))) == len(step_summary(df))


def test_zipped_nda_equals_the_file(tmp_path):
    p = tmp_path / "run.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.write(DATA / "interp-test.ndax", "interp-test.ndax")
    a, b = read(p), read(DATA / "interp-test.ndax")
    np.testing.assert_array_equal(a.voltage_V, b.voltage_V)
    assert a.attrs["source_files"] == [str(p)]
    bad = tmp_path / "two.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("a.nda", b"x"), zf.writestr("b.nda", b"y")
    with pytest.raises(InputError, match="exactly one file"):
        read(bad)


# --------------------------------------------------------------- 9. .res without mdbtools, time-outs
def test_res_pure_python_equals_mdbtools(realdata):
    from sianode.iotools.arbin import access_parser_available, mdbtools_available, read_res
    p = realdata("navani/arbin_example.res")
    if not (mdbtools_available() and access_parser_available()):
        pytest.skip("needs both Access readers")
    a, b = read_res(p, engine="python"), read_res(p, engine="mdbtools")
    assert len(a) == len(b)
    np.testing.assert_allclose(a.voltage_V, b.voltage_V)
    np.testing.assert_allclose(a.capacity_Ah, b.capacity_Ah)


def test_hanging_mdb_export_is_stopped(tmp_path, monkeypatch):
    """A database mdb-export loops on: stopped after the time-out, reported as the file's problem."""
    from sianode.iotools import arbin
    fake = tmp_path / "bin"
    fake.mkdir()
    exe = fake / "mdb-export"
    exe.write_text("#!/bin/sh\nsleep 60\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(arbin, "EXPORT_TIMEOUT_BASE_S", 0.5)
    monkeypatch.setattr(arbin, "EXPORT_TIMEOUT_PER_MB_S", 0.0)
    db = tmp_path / "x.res"
    db.write_bytes(b"\x00\x01\x00\x00Standard Jet DB\x00" + b"\x00" * (4096 - 20))
    t0 = time.monotonic()
    with pytest.raises(InputError, match="did not finish"):
        arbin.read_res(db, engine="mdbtools")
    assert time.monotonic() - t0 < 30  # the 60 s child was stopped (a bound, not a speed test)


# --------------------------------------------------------------- done-when: every real file
def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_every_real_file_analysed_or_refused_unmodified(tmp_path):
    """Each file of ../shared/realdata: analysed (outputs written) or refused with a message naming
    it; no input file changes (hashes before/after)."""
    from sianode.analysis.cli import run_analysis
    if not REAL.exists():
        pytest.skip("no shared real data")
    files = sorted(p for p in REAL.rglob("*") if p.is_file() and p.name not in ("MANIFEST.tsv",)
                   and p.suffix != ".md")
    if not _access_reader():
        files = [p for p in files if p.suffix.lower() != ".res"]
    before = {p: _sha(p) for p in files}
    outcome = {}
    for k, p in enumerate(files):
        res = run_analysis([p], tmp_path / f"o{k}", show_progress=False)
        if res["failed"]:
            msg = res["failed"][str(p)]
            assert str(p) in msg, msg
            outcome[p.name] = "refused"
        else:
            (name, s), = res["tests"].items()
            assert Path(s["outputs"]["report"]).exists()
            json.loads(Path(s["outputs"]["summary"]).read_text())
            outcome[p.name] = s["kind"]
    assert {p: _sha(p) for p in files} == before
    assert outcome["20160805_test001_45_cc_01.res"] == "cycling" if _access_reader() else True
    assert outcome["exampleDataZPlot.z"] == "eis" and outcome["cp.mpt"] == "cycling"
    assert outcome["maccor_example.001"] == "cycling" and outcome["FastCharge_000025_CH8.csv"] == "cycling"
    assert outcome["empty.ndax"] == "refused"


def test_voltage_profile_chains_steps_once(realdata):
    """Three lithiation steps with rests between (real Neware CSV): the drawn profile ends at the
    cycle's lithiation capacity (the old chaining added earlier offsets twice)."""
    from sianode.analysis.report import fig_profiles
    df = read(realdata("cellpy/neware_uio.csv"))
    fig = fig_profiles(df, [1], None, True)
    ends = [max(line.get_xdata()) for line in fig.axes[0].get_lines()]
    cyc = cycle_summary(df).set_index("cycle").loc[1]
    assert ends[0] == pytest.approx(cyc.lithiation_capacity_mAh, rel=1e-9)
    assert ends[1] == pytest.approx(cyc.delithiation_capacity_mAh, rel=1e-9)
