"""Cycler readers: agreement with the originating projects' readers and the cyclers' own
capacity columns, clear errors on bad files, inputs never modified."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sianode.errors import InputError
from sianode.iotools import COLUMNS, STEP_TYPES, detect_format, read, read_many
from sianode.iotools.arbin import mdbtools_available
from sianode.iotools.biologic import NotCyclingData
from sianode.iotools.schema import integrate_capacity, segment_starts

DATA = Path(__file__).parents[1] / "data"
REAL = Path(__file__).parents[2] / ".." / "shared" / "realdata"


def real(rel: str) -> Path:
    p = REAL / rel
    if not p.exists():
        pytest.skip(f"shared real data not present: {rel}")
    return p


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def check_schema(df: pd.DataFrame):
    for c in COLUMNS:
        assert c in df.columns
    assert list(df["step_type"].cat.categories) == STEP_TYPES
    assert (df["capacity_Ah"] >= 0).all() and (df["energy_Wh"] >= 0).all()
    assert np.all(np.diff(df["step"].to_numpy()) >= 0)
    assert np.all(np.diff(df["cycle"].to_numpy()) >= 0)
    assert df["time_s"].iloc[0] == 0.0
    # within-step capacity restarts at each step and never decreases inside a step
    q = df["capacity_Ah"].to_numpy()
    st = df["step"].to_numpy()
    same = st[1:] == st[:-1]
    assert np.all(np.diff(q)[same] >= -1e-12)


# ---------------------------------------------------------------- Neware
def test_ndax_matches_neware_own_csv_export():
    """fastnda's interp-test.ndax against the Neware BTS software's CSV export of the same test."""
    nd = read(DATA / "interp-test.ndax")
    csv = pd.read_csv(DATA / "interp-test.csv", encoding="latin-1")
    check_schema(nd)
    assert len(nd) == len(csv)
    v_csv = csv["Voltage(mV)"].to_numpy(float) / 1000.0
    # the export rounds to 0.1 mV: agreement to half a digit
    np.testing.assert_allclose(nd["voltage_V"].to_numpy(), v_csv, atol=0.05e-3 + 1e-9)
    t = pd.to_timedelta(csv["Total Time"]).dt.total_seconds().to_numpy()
    np.testing.assert_allclose(nd["time_s"].to_numpy(), t - t[0], atol=1e-3)


def test_neware_csv_reader_equals_ndax_reader():
    a = read(DATA / "interp-test.ndax")
    b = read(DATA / "interp-test.csv")
    assert detect_format(DATA / "interp-test.csv") == "neware-csv"
    np.testing.assert_allclose(a["voltage_V"], b["voltage_V"], atol=0.05e-3 + 1e-9)
    np.testing.assert_allclose(a["time_s"], b["time_s"], atol=1e-3)


def test_ndax_agrees_with_newarenda():
    """Our wrapper (fastnda) against the independent NewareNDA reader on a real .ndax."""
    NewareNDA = pytest.importorskip("NewareNDA")
    p = DATA / "test.ndax"
    ours = read(p)
    ref = NewareNDA.read(str(p))
    check_schema(ours)
    assert len(ours) == len(ref)
    np.testing.assert_allclose(ours["voltage_V"], ref["Voltage"], atol=1e-4)
    np.testing.assert_allclose(ours["current_A"], ref["Current(mA)"] / 1000.0, atol=1e-7)
    # step capacity: NewareNDA's charge + discharge counters at the end of each step
    ref_q = (ref["Charge_Capacity(mAh)"] + ref["Discharge_Capacity(mAh)"]).groupby(ref["Step"]).max() / 1000
    ours_q = ours.groupby("step")["capacity_Ah"].max()
    np.testing.assert_allclose(np.sort(ours_q.to_numpy()), np.sort(ref_q.to_numpy()), rtol=1e-5, atol=1e-9)


def test_real_ndax_capacity_integrates_to_cycler_counter():
    """∫|I|dt per step equals Neware's own capacity counter (test_2.ndax, ~108k rows)."""
    df = read(real("NewareNDA/test_2.ndax"))
    check_schema(df)
    starts = segment_starts(df["step"].to_numpy())
    qi = integrate_capacity(df["time_s"].to_numpy(), df["current_A"].to_numpy(), starts)
    g = pd.DataFrame({"step": df["step"], "cycler": df["capacity_Ah"], "integ": qi}).groupby("step").max()
    big = g["cycler"] > 0.05 * g["cycler"].max()
    assert big.sum() > 20
    rel = (g["integ"][big] - g["cycler"][big]).abs() / g["cycler"][big]
    assert rel.median() < 5e-3
    assert rel.max() < 3e-2


# ---------------------------------------------------------------- BioLogic
def test_mpr_agrees_with_galvani_and_eclab_counters():
    galvani = pytest.importorskip("galvani.BioLogic")
    p = real("cellpy/biol.mpr")
    df = read(p)
    check_schema(df)
    raw = pd.DataFrame(galvani.MPRfile(str(p)).data)
    np.testing.assert_allclose(df["voltage_V"], raw["Ewe/V"], atol=1e-9)
    np.testing.assert_allclose(df["current_A"], raw["I/mA"] / 1000.0, atol=1e-12)
    # per half cycle, our step capacities add up to EC-Lab's |Q charge/discharge| counter
    hc = raw["half cycle"].to_numpy()
    ec = raw["Q charge/discharge/mA.h"].abs().groupby(hc).apply(lambda s: s.iloc[-1]).to_numpy()
    steps = df.groupby("step").agg(q=("capacity_Ah", "max"))
    ours = df.assign(hc=hc).groupby(["hc", "step"])["capacity_Ah"].max().groupby("hc").sum().to_numpy() * 1000
    big = ec > 0.05 * ec.max()
    np.testing.assert_allclose(ours[big], ec[big], rtol=2e-3)
    assert len(steps) > 5
    # EC-Lab's |Energy| counter agrees with integrating |I V| dt
    from sianode.iotools.schema import integrate_energy
    starts = segment_starts(df["step"].to_numpy())
    ei = integrate_energy(df["time_s"], df["current_A"], df["voltage_V"], starts)
    g = pd.DataFrame({"s": df["step"], "c": df["energy_Wh"], "i": ei}).groupby("s").max()
    bigE = g["c"] > 0.1 * g["c"].max()
    np.testing.assert_allclose(g["i"][bigE], g["c"][bigE], rtol=3e-3)


def test_mpr_without_current_column_uses_charge_increments():
    """GCPL files store dq, not I: I = dq/dt must integrate back to the charge counter."""
    p = real("navani/jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr")
    df = read(p)
    check_schema(df)
    starts = segment_starts(df["step"].to_numpy())
    qi = integrate_capacity(df["time_s"].to_numpy(), df["current_A"].to_numpy(), starts)
    g = pd.DataFrame({"step": df["step"], "c": df["capacity_Ah"], "i": qi}).groupby("step").max()
    big = g["c"] > 0.1 * g["c"].max()
    np.testing.assert_allclose(g["i"][big], g["c"][big], rtol=1e-2)


def test_eis_and_cv_biologic_files_are_handed_over():
    p = real("yadg/eclab/peis.mpr")
    with pytest.raises(NotCyclingData) as e:
        read(p)
    assert e.value.kind == "eis" and str(p) in str(e.value)
    with pytest.raises(NotCyclingData) as e:
        read(real("ixdat/Pt_poly_cv.mpt"))
    assert e.value.kind == "cv"


# ---------------------------------------------------------------- Arbin
needs_mdb = pytest.mark.skipif(not mdbtools_available(), reason="mdb-export (Debian package mdbtools) absent")


@needs_mdb
def test_arbin_res_agrees_with_arbin_counters():
    """Total charge/discharge over the test equals the sum of Arbin's per-cycle counters."""
    import io
    import subprocess
    p = real("cellpy/20160805_test001_45_cc_01.res")
    df = read(p)
    check_schema(df)
    raw = pd.read_csv(io.BytesIO(subprocess.run(["mdb-export", str(p), "Channel_Normal_Table"],
                                                capture_output=True, check=True).stdout))
    per_cyc = raw.groupby("Cycle_Index")[["Charge_Capacity", "Discharge_Capacity"]].max().sum()
    from sianode.analysis.cycling import cycle_summary
    cyc = cycle_summary(df)
    assert cyc["charge_capacity_mAh"].sum() / 1000 == pytest.approx(per_cyc["Charge_Capacity"], rel=1e-6)
    assert cyc["discharge_capacity_mAh"].sum() / 1000 == pytest.approx(per_cyc["Discharge_Capacity"], rel=1e-6)
    assert df.attrs["active_mass_g"] == pytest.approx(0.00085283798)
    # and the counters agree with integrating the current
    starts = segment_starts(df["step"].to_numpy())
    qi = integrate_capacity(df["time_s"].to_numpy(), df["current_A"].to_numpy(), starts)
    g = pd.DataFrame({"step": df["step"], "c": df["capacity_Ah"], "i": qi}).groupby("step").max()
    big = g["c"] > 0.1 * g["c"].max()
    np.testing.assert_allclose(g["i"][big], g["c"][big], rtol=1e-2)


@needs_mdb
def test_arbin_multifile_merge_in_order():
    p1, p2 = real("cellpy/20210210_FC_01_cc_01.res"), real("cellpy/20210210_FC_01_cc_02.res")
    a, b = read(p1), read(p2)
    m = read_many([p1, p2])
    check_schema(m)
    assert len(m) == len(a) + len(b)
    assert m["time_s"].iloc[len(a)] > a["time_s"].iloc[-1]
    assert m["step"].max() == a["step"].max() + b["step"].max()
    # cycle numbers continue across the part boundary instead of restarting
    assert m["cycle"].iloc[len(a)] >= a["cycle"].iloc[-1]
    assert m.attrs["source_files"] == [str(p1), str(p2)]


# ---------------------------------------------------------------- Maccor, BDF, CSV
def test_maccor_text_export():
    df = read(DATA / "maccor_two.txt")
    assert detect_format(DATA / "maccor_two.txt") == "maccor-txt"
    check_schema(df)
    assert len(df) == 213
    assert df["voltage_V"].iloc[0] == pytest.approx(0.1377)
    # decimal comma parsed; TestTime counts minutes in this export: its clock column (DPT Time)
    # advances 60 s from record 1 to record 2 while TestTime goes 0,0 -> 1,0
    assert df["time_s"].iloc[1] == pytest.approx(60.0)
    assert any("minutes" in w for w in df.attrs["warnings"])
    assert (df["step_type"] == "rest").all()


def test_maccor_modes_sign_the_current(tmp_path):
    hdr = "Rec\tCycle P\tCycle C\tStep\tTestTime\tStepTime\tCap. [Ah]\tEner. [Wh]\tCurrent [A]\tVoltage [V]\tMd\tES\n"
    rows = []
    t = 0.0
    for step, md, cur in ((1, "D", 0.001), (2, "R", 0.0), (3, "C", 0.001)):
        for k in range(10):
            t += 36.0
            cap = cur * 36.0 * (k + 1) / 3600 if md != "R" else 0.0
            rows.append(f"{len(rows)+1}\t0\t1\t{step}\t{t:.1f}\t0\t{cap:.8f}\t0\t{cur}\t{0.5 if md != 'C' else 0.6}\t{md}\t0")
    p = tmp_path / "m.txt"
    p.write_text(hdr + "\n".join(rows) + "\n")
    df = read(p)
    assert (df.loc[df.step_type == "discharge", "current_A"] < 0).all()
    assert (df.loc[df.step_type == "charge", "current_A"] > 0).all()
    assert df.groupby("step")["capacity_Ah"].max().iloc[0] == pytest.approx(1e-4)


def test_bdf_counters():
    df = read(DATA / "test_with_capacity.bdf")
    q = df.groupby("step")["capacity_Ah"].max().to_numpy()
    np.testing.assert_allclose(q, [0.0004, 0.0005], atol=1e-12)
    assert list(df.groupby("step")["step_type"].first()) == ["charge", "discharge"]


def test_generic_csv_with_mapping_and_units(tmp_path):
    t = np.arange(0, 7200.0, 60.0)
    i = np.where(t < 3600, -2.0, 2.0)  # mA
    v = np.where(t < 3600, 0.3 - t / 36000, 0.2 + (t - 3600) / 36000)
    p = tmp_path / "x.csv"
    pd.DataFrame({"Zeit": t / 3600, "I": i, "E": v}).to_csv(p, sep=";", index=False)
    df = read(p, columns={"time_s": "Zeit", "current_A": "I", "voltage_V": "E"},
              units={"time_s": "h", "current_A": "mA"}, sep=";")
    check_schema(df)
    q = df.groupby("step")["capacity_Ah"].max().to_numpy()
    np.testing.assert_allclose(q, [2e-3 * (3540 / 3600), 2e-3 * (3540 / 3600)], rtol=1e-9)
    with pytest.raises(InputError, match="Zeitx"):
        read(p, columns={"time_s": "Zeitx", "current_A": "I", "voltage_V": "E"}, sep=";")
    with pytest.raises(InputError, match="units.current_A"):
        read(p, columns={"time_s": "Zeit", "current_A": "I", "voltage_V": "E"}, units={"current_A": "kA"}, sep=";")


# ---------------------------------------------------------------- bad input
def test_empty_ndax_clear_error():
    with pytest.raises(InputError, match="no data records") as e:
        read(DATA / "empty.ndax")
    assert "empty.ndax" in str(e.value)


def test_damaged_ndax_loads_with_warnings():
    """fastnda's 'corrupt' example has damaged aux metadata but intact records: load, warn."""
    df = read(DATA / "Unit27_Example_Corrupt.ndax")
    check_schema(df)
    assert len(df) == 301
    assert any("TestInfo" in w for w in df.attrs["warnings"])


@pytest.mark.parametrize("name,src", [
    ("t.ndax", DATA / "test.ndax"),
    ("t.mpr", None),
    ("t.res", None),
])
def test_truncated_files_clear_error(tmp_path, name, src):
    if src is None:
        src = real("cellpy/biol.mpr") if name.endswith(".mpr") else real("navani/arbin_example.res")
    blob = src.read_bytes()
    p = tmp_path / name
    p.write_bytes(blob[: len(blob) // 3 + 7])
    with pytest.raises(InputError) as e:
        read(p)
    assert str(p) in str(e.value)


@pytest.mark.parametrize("ext", [".ndax", ".nda", ".mpr", ".mpt", ".res", ".txt", ".csv"])
def test_zero_byte_files(tmp_path, ext):
    p = tmp_path / f"empty{ext}"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read(p)


def test_garbage_with_known_extension(tmp_path):
    p = tmp_path / "fake.mpr"
    p.write_bytes(b"\x00\x01garbage" * 100)
    with pytest.raises(InputError, match="signature|format"):
        read(p)
    with pytest.raises(InputError, match="not found"):
        read(tmp_path / "missing.ndax")


def test_damaged_excel_export_refused(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match="Excel workbook"):
        read(p)


def test_readers_never_modify_inputs(tmp_path):
    files = [DATA / f for f in ("interp-test.ndax", "interp-test.csv", "maccor_two.txt", "test.ndax",
                                "test_with_capacity.bdf", "Unit27_Example_Corrupt.ndax")]
    before = {f: (sha(f), f.stat().st_mtime_ns) for f in files}
    for f in files:
        read(f)
    assert before == {f: (sha(f), f.stat().st_mtime_ns) for f in files}


def _real_files():
    if not REAL.exists():
        return []
    return sorted(p for p in REAL.rglob("*") if p.is_file() and p.name not in ("README.md", "MANIFEST.tsv"))


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: str(p.relative_to(REAL)))
def test_every_real_file_loads_or_fails_clearly(path):
    """Each file in ../shared/realdata either loads into the schema or raises InputError
    naming the file (impedance/CV files raise NotCyclingData, an InputError)."""
    if path.suffix == ".res" and not mdbtools_available():
        pytest.skip("mdb-export absent")
    h = sha(path)
    try:
        df = read(path)
    except InputError as e:
        assert str(path) in str(e) or path.name in str(e)
    else:
        check_schema(df)
    assert sha(path) == h


@needs_mdb
def test_arbin_res_agrees_with_cellpy_summary():
    """Per-cycle capacities and CE equal cellpy's own summary of its example Si half cell."""
    from sianode.analysis.cycling import cycle_summary
    df = read(real("cellpy/20160805_test001_45_cc_01.res"))
    ref = pd.read_csv(DATA / "cellpy_summary_20160805_test001_45_cc_01.csv", comment="#")
    cyc = cycle_summary(df)
    assert len(cyc) == len(ref)
    np.testing.assert_allclose(cyc["charge_capacity_mAh"] / 1000, ref["charge_capacity_Ah"], rtol=1e-8, atol=1e-15)
    np.testing.assert_allclose(cyc["discharge_capacity_mAh"] / 1000, ref["discharge_capacity_Ah"], rtol=1e-8,
                               atol=1e-15)
    full = ref["charge_capacity_Ah"] > 0
    np.testing.assert_allclose(100 * cyc["coulombic_efficiency"][full], ref["coulombic_efficiency_percent"][full],
                               rtol=1e-8)
