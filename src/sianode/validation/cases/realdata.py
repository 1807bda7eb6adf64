"""Real-data case: cellpy's example Si half cell (Arbin .res) through the reader and analysis pipeline."""
from __future__ import annotations

import lzma
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import numpy as np

from sianode.validation.cases import CaseNotRun, CaseOutput, adapter

BUNDLED_RES = "20160805_test001_45_cc_01.res"  # stored as data/<name>.xz (MIT, cellpy; see data/ATTRIBUTION.md)


#: Measured files bundled with the package (xz-compressed, otherwise unmodified; data/ATTRIBUTION.md).
BUNDLED_FILES = (BUNDLED_RES, "neware_uio.csv")


def bundled_bytes(name: str) -> bytes:
    """An unmodified bundled file, decompressed from ``data/<name>.xz``."""
    if name not in BUNDLED_FILES:
        from sianode.errors import InputError

        raise InputError(f"no bundled file {name!r}; bundled: {', '.join(BUNDLED_FILES)}", field="bundled data")
    f = resources.files("sianode.validation").joinpath("data", name + ".xz")
    with f.open("rb") as fh, lzma.open(fh) as z:
        return z.read()


def bundled_res_bytes() -> bytes:
    """The unmodified Arbin file of cellpy's Si half cell."""
    return bundled_bytes(BUNDLED_RES)


@adapter("halfcell-realdata")
def halfcell_realdata() -> CaseOutput:
    from sianode.analysis.cycling import analyze_cycling
    from sianode.analysis.dqdv import crystallisation_by_cycle, dqdv_cycles, track_peaks
    from sianode.iotools import read
    from sianode.iotools.arbin import mdbtools_available

    if not mdbtools_available():
        raise CaseNotRun("the Arbin .res reader needs 'mdb-export' (Debian/Ubuntu package mdbtools: "
                         "apt-get install mdbtools)")
    tmp = Path(tempfile.mkdtemp(prefix="sianode-validation-"))
    try:
        path = tmp / BUNDLED_RES
        path.write_bytes(bundled_res_bytes())
        df = read(path)  # the reader `sianode analyze` uses
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    mass = df.attrs.get("active_mass_g")
    res = analyze_cycling(df, active_mass_g=mass)
    m, cyc = res["metrics"], res["cycles"]
    comp = cyc[cyc["complete"]]
    peaks = track_peaks(dqdv_cycles(df, active_mass_g=mass, half_cell=True))
    crystal = crystallisation_by_cycle(peaks)
    first = crystal[crystal.li15si4_detected]
    de = peaks[(peaks.direction == "delithiation") & (peaks.cycle >= 2) & (peaks.peak_V > 0.38)]
    high_v = de.sort_values("height").groupby("cycle").tail(1)  # the high-voltage peak of each later cycle
    vals = {
        "ice": m["ICE_percent"],
        "first_delithiation_mAh": m["first_reversible_capacity_mAh"],
        "mean_ce": 100 * float(comp["coulombic_efficiency"].iloc[1:].mean()),
        "first_delithiation_mAh_g": m["first_reversible_capacity_mAh_g"],
        "li15si4_peak": float(first.li15si4_peak_V.iloc[0]) if len(first) else float("nan"),
        "high_v_peak": float(np.median(high_v.peak_V)) if len(high_v) else float("nan"),
    }
    details = {"active mass (mg, from the file)": 1000 * mass if mass else None,
               "complete cycles": m["n_complete_cycles"],
               "cycles with a Li15Si4 delithiation peak": ", ".join(str(c) for c in first.cycle) or "none",
               "assignment of the high-voltage peak, cycles 2+": ", ".join(sorted(set(high_v.assignment)))}
    return CaseOutput(vals, details=details, table=comp[["cycle", "lithiation_capacity_mAh_g",
                                                         "delithiation_capacity_mAh_g", "coulombic_efficiency",
                                                         "avg_delithiation_voltage_V"]].head(6))
