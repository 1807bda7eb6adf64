"""Fuzz every reader and the analysis pipeline with damaged copies of real files.

Truncation at any byte, flipped bytes, and rows with empty or huge values: the result is
either an :class:`InputError` naming the file, or a table whose every number is physically
possible and whose headline metrics are plausible or flagged — never a crash, a hang or
unbounded work. Bounded and reproducible: few examples per reader, derandomised, no
deadline (timing is not asserted).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sianode.analysis.cycling import EFFICIENCY_MAX, analyze_cycling
from sianode.analysis.dqdv import MAX_CURVES, MAX_GRID_POINTS, dqdv_cycles
from sianode.errors import InputError
from sianode.iotools import read
from sianode.iotools.schema import CURRENT_LIMIT_A, VOLTAGE_LIMIT_V

DATA = Path(__file__).parents[1] / "data"
REAL = Path(__file__).parents[2] / ".." / "shared" / "realdata"

CYCLER_FILES = ["interp-test.ndax", "interp-test.csv", "maccor_two.txt", "maccor_example.001", "test.ndax",
                "test_with_capacity.bdf", "00_test_02_MB_C01.mpr", "FastCharge_000025_CH8.csv"]
FUZZ = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check_outcome(path: Path, name: str):
    """Read and analyse ``path``: InputError, or physically possible numbers (see module docstring)."""
    try:
        df = read(path)
    except InputError as e:
        assert str(path) in str(e) or name in str(e), f"error does not name the file: {e}"
        return "refused"
    for col in ("time_s", "current_A", "voltage_V", "capacity_Ah", "energy_Wh"):
        assert np.isfinite(df[col].to_numpy()).all(), col
    assert (df["voltage_V"].abs() <= VOLTAGE_LIMIT_V).all()
    assert (df["current_A"].abs() <= CURRENT_LIMIT_A).all()
    try:
        res = analyze_cycling(df)
    except InputError:
        return "refused"
    cyc = res.cycles
    inc = cyc[cyc["included"]]
    assert (inc["coulombic_efficiency"].between(0, EFFICIENCY_MAX)).all()
    assert (inc["energy_efficiency"].dropna().between(0, EFFICIENCY_MAX)).all()
    bad = cyc[cyc["complete"] & ((cyc["coulombic_efficiency"] > EFFICIENCY_MAX)
                                 | (cyc["energy_efficiency"] > EFFICIENCY_MAX))]
    assert (bad["flag"] != "").all() and not bad["included"].any()
    curves = dqdv_cycles(df, half_cell=res.cell_type == "anode half cell")
    if len(curves):
        assert curves.groupby(["cycle", "direction"]).ngroups <= MAX_CURVES
        assert curves["voltage_V"].nunique() <= MAX_GRID_POINTS + 1
        assert np.isfinite(curves["dqdv_mAh_V"]).all()
    return "analysed"


@pytest.mark.parametrize("name", CYCLER_FILES)
@FUZZ
@given(frac=st.floats(min_value=0.0, max_value=0.999))
def test_truncated_copies(tmp_path, name, frac):
    src = (DATA / name).read_bytes()
    p = tmp_path / name
    p.write_bytes(src[: int(len(src) * frac)])
    _check_outcome(p, name)


@pytest.mark.parametrize("name", CYCLER_FILES)
@FUZZ
@given(flips=st.lists(st.tuples(st.floats(min_value=0.0, max_value=0.9999), st.integers(1, 255)),
                      min_size=1, max_size=4))
def test_byte_flipped_copies(tmp_path, name, flips):
    b = bytearray((DATA / name).read_bytes())
    for where, xor in flips:
        b[int(where * len(b))] ^= xor
    p = tmp_path / name
    p.write_bytes(bytes(b))
    _check_outcome(p, name)


@FUZZ
@given(rows=st.lists(st.integers(0, 300), min_size=1, max_size=5),
       value=st.sampled_from(["", "nan", "1e308", "-1e308", "237693", "inf", "9" * 40, "x"]),
       column=st.sampled_from(["Voltage(mV)", "Current(ÂµA)", "Total Time", "Chg. Cap.(mAs)"]))
def test_empty_and_huge_values_in_neware_csv(tmp_path, rows, value, column):
    import pandas as pd

    raw = pd.read_csv(DATA / "interp-test.csv", encoding="latin-1", dtype=str, keep_default_na=False)
    col = next(c for c in raw.columns if c.startswith(column.split("(")[0]))
    for r in rows:
        raw.loc[r % len(raw), col] = value
    p = tmp_path / "damaged.csv"
    raw.to_csv(p, index=False, encoding="latin-1")
    _check_outcome(p, "damaged.csv")


@pytest.mark.parametrize("rel", ["NewareNDA/TestFile.nda", "cellpy/neware_uio.csv", "yadg/eclab/cp.mpt"])
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frac=st.floats(min_value=0.05, max_value=0.95))
def test_truncated_real_files_are_refused(tmp_path, rel, frac):
    """Truncated .nda, .mpt and CSV exports are refused, not analysed as a shorter test
    (the cut lands inside a record or a line: the file's own structure shows it)."""
    src_path = REAL / rel
    if not src_path.exists():
        pytest.skip(f"shared real data not present: {rel}")
    src = src_path.read_bytes()
    cut = int(len(src) * frac)
    if rel.endswith((".csv", ".mpt")):  # cut inside a line (not after its last field)
        nl = src.rfind(b"\n", 0, cut)
        sep = b"\t" if rel.endswith(".mpt") else b","
        first_sep = src.find(sep, nl + 1)
        cut = first_sep + 2 if first_sep > 0 else cut
    p = tmp_path / Path(rel).name
    p.write_bytes(src[:cut])
    with pytest.raises(InputError, match="truncated"):
        read(p)


@FUZZ
@given(frac=st.floats(min_value=0.0, max_value=0.999),
       name=st.sampled_from(["spectra/exampleData.csv", "spectra/exampleDataBioLogic.mpt",
                             "spectra/exampleDataGamry.DTA", "spectra/exampleDataZPlot.z"]))
def test_spectra_readers_truncated(tmp_path, frac, name):
    from sianode.analysis.spectra import read_eis

    src = (DATA / name).read_bytes()
    p = tmp_path / Path(name).name
    p.write_bytes(src[: int(len(src) * frac)])
    try:
        df = read_eis(p)
    except InputError as e:
        assert p.name in str(e)
        return
    assert np.isfinite(df[["frequency_Hz", "z_real_ohm", "z_imag_ohm"]].to_numpy()).all()
    assert (df["frequency_Hz"] > 0).all()
