"""Benchmark: read a 1,000,000-row cycling file and compute per-cycle metrics.

sianode (galvani-wrapped reader + vectorised metrics) against cellpy and navani reading the
**same** BioLogic ``.mpr`` file, all timed in this run. cellpy and navani need numpy/pandas
ranges that differ from each other and from sianode's, so each lives in its own throwaway
virtual environment under /tmp, created (and reused) by this script, and runs as a
subprocess that times only its own read + summary (imports excluded, as for sianode). Each
tool runs ``--repeat`` times (default 3) and its best time counts, which damps the noise of a
shared machine equally for all three.

The file is written by this script: the byte layout (modules, headers, column set) is that of
navani's real example ``tests/data/00_test_02_MB_C01.mpr``; the records are a synthetic Si
half cell (:func:`sianode.iotools.synthetic.synthetic_half_cell`, seed 0) with galvanostatic
cycles of 2,000 points per half cycle.

**Agreement before ratios.** Each tool also reports, per cycle, the lithiation and the
delithiation capacity it found (navani: its cycle summary; cellpy: its summary's lithiation
column and, because its summary writes 0 for the delithiation of a BioLogic half cell, the
maximum of its raw delithiation counter per cycle). The non-zero values must match sianode's
in order (within 0.1 %) and the cycle counts within one trailing partial cycle; a tool that
does not agree gets no ratio (``nan``) and the reason is printed.

**Many cycles, end to end.** A second synthetic file (no real one of that size exists in
../shared/realdata): 9 250 cycles of 10 points per half cycle and 2 per rest, 222 000 rows,
written the same way, then ``sianode.analysis.cli.run_analysis`` — read, cycle metrics, dQ/dV,
peaks, report with figures, tables, summary.json — timed in this (warm) process; the floor is
5 s. The cycle count is checked against the generator first. The CLI wall time (a fresh
process, imports included) is printed too.

Also reports the EIS series-fit speed-up (``sianode.analysis.eis.benchmark_series_fit``). The
last line is::

    rows=<n> speedup_vs_cellpy=<x> speedup_vs_navani=<y> many_cycles_end_to_end_s=<t> eis_speedup_vs_loop=<z>

Usage: ``python benchmarks/readers.py [--rows N] [--no-install]``
"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tests" / "data" / "00_test_02_MB_C01.mpr"
WORK = Path("/tmp/sianode_bench")
ENVS = {"cellpy": (Path("/tmp/sianode_bench_cellpy"), "cellpy"),
        "navani": (Path("/tmp/sianode_bench_navani"), "navani")}

BASELINE = {
    "cellpy": """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import cellpy
best = float("inf")
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    c = cellpy.get(sys.argv[1], instrument="biologics_mpr")
    s = c.data.summary
    best = min(best, time.perf_counter() - t)
# after timing: what it found. cellpy calls lithiation "charge" (anode mode); its summary
# writes 0 for the delithiation here, so that one comes from its raw counter per cycle
lith = s["charge_capacity"].tolist()
raw = c.data.raw
delith = raw.groupby("cycle_index")["discharge_capacity"].max().tolist()
print(json.dumps({"seconds": best, "rows": int(len(raw)), "cycles": int(len(s)),
                  "lith_mAh": lith, "delith_mAh": delith}))
""",
    "navani": """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
from navani import echem as ec
best = float("inf")
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    df = ec.echem_file_loader(sys.argv[1])
    s = ec.cycle_summary(df)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"seconds": best, "rows": int(len(df)), "cycles": int(len(s)),
                  "lith_mAh": s["Discharge Capacity"].tolist(), "delith_mAh": s["Charge Capacity"].tolist()}))
""",
}


def write_mpr(path: Path, n_rows: int, pphc: int = 2000, rest_points: int = 20) -> Path:
    """Write an EC-Lab .mpr with ``n_rows`` records of a synthetic Si half cell
    (``pphc`` points per half cycle, ``rest_points`` per rest)."""
    from galvani import BioLogic

    from sianode.iotools.synthetic import synthetic_half_cell

    blob = TEMPLATE.read_bytes()
    magic = BioLogic.MPR_MAGIC
    assert blob.startswith(magic)
    m = BioLogic.MPRfile(str(TEMPLATE))
    dtype = m.data.dtype
    n_cycles = math.ceil(n_rows / (2 * (pphc + rest_points)))
    df = synthetic_half_cell(n_cycles, points_per_half_cycle=pphc, noise_V=0.0005, seed=0,
                             current_mA=0.16, fade_per_cycle=0.001 if pphc > 100 else 2e-5,
                             rest_points=rest_points).iloc[:n_rows]
    t = df["time_s"].to_numpy()
    i_mA = df["current_A"].to_numpy() * 1000.0
    dt = np.diff(t, prepend=t[0])
    im = 0.5 * (i_mA + np.concatenate([i_mA[:1], i_mA[:-1]]))
    dq = im * dt / 3600.0  # signed mAh per row
    step = df["step"].to_numpy()
    new_step = np.concatenate([[True], step[1:] != step[:-1]])
    dq[new_step] = 0.0
    active = i_mA != 0
    # EC-Lab's half-cycle counter and its within-half-cycle charge
    sign = np.sign(i_mA)
    last = np.maximum.accumulate(np.where(active, np.arange(sign.size), 0))
    hsign = sign[last]
    half = np.concatenate([[0], np.cumsum(hsign[1:] != hsign[:-1])])
    starts = np.flatnonzero(np.concatenate([[True], half[1:] != half[:-1]]))
    cs = np.cumsum(dq)
    qhalf = cs - np.repeat(cs[starts] - dq[starts], np.diff(np.concatenate([starts, [cs.size]])))
    rec = np.zeros(len(df), dtype=dtype)
    mode = np.where(active, 1, 3).astype(np.uint8)  # 1 CC, 3 rest
    rec["flags"] = mode | (np.where(i_mA > 0, 4, 0).astype(np.uint8)) | np.where(new_step, 32, 0).astype(np.uint8)
    rec["Ns"] = np.where(active, np.where(i_mA < 0, 0, 2), 1).astype(np.uint16)
    rec["I Range"] = 38
    rec["time/s"] = t
    rec["control/V"] = 0.0
    rec["Ewe/V"] = df["voltage_V"].to_numpy()
    rec["I/mA"] = i_mA
    rec["dq/mA.h"] = dq
    rec["(Q-Qo)/mA.h"] = cs
    rec["|Energy|/W.h"] = np.cumsum(np.abs(dq * df["voltage_V"].to_numpy())) / 1000.0  # never decreases
    rec["Q charge/discharge/mA.h"] = qhalf
    rec["half cycle"] = half.astype(np.uint32)
    # rebuild the modules in the classic layout every reader knows (pre-11.50 module headers,
    # data module version 2: u2 column ids, records from byte 405)
    out = bytearray(magic)
    pos = len(magic)
    h1 = BioLogic.VMPmodule_hdr_v1
    while pos < len(blob):
        assert blob[pos:pos + 6] == b"MODULE"
        pos += 6
        hdt = BioLogic.VMPmodule_hdr_v2 if blob[pos + 35:pos + 39] == b"\xff\xff\xff\xff" else h1
        hdr = np.frombuffer(blob[pos:pos + hdt.itemsize], dtype=hdt)
        pos += hdt.itemsize
        length = int(hdr["length"][0])
        data = blob[pos:pos + length]
        pos += length
        version = int(hdr["version"][0])
        if hdr["shortname"][0] == b"VMP data  ":
            cols = np.asarray(m.cols, dtype="<u2")
            # the older id of "Q charge/discharge/mA.h" (467) is the one cellpy knows; galvani knows both
            cols[cols == 211] = 467
            head = bytearray(405)
            head[:4] = np.uint32(len(rec)).tobytes()
            head[4:5] = np.uint8(cols.size).tobytes()
            head[5:5 + 2 * cols.size] = cols.tobytes()
            data = bytes(head) + rec.tobytes()
            version = 2
        new = np.zeros(1, dtype=h1)
        new["shortname"], new["longname"], new["date"] = hdr["shortname"], hdr["longname"], hdr["date"]
        new["length"], new["version"] = len(data), version
        out += b"MODULE" + new.tobytes() + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def ensure_env(name: str, install: bool) -> Path | None:
    """Python of the throwaway env for ``name`` (created and filled with pip if needed)."""
    env, pkg = ENVS[name]
    py = env / "bin" / "python"
    if py.exists() and subprocess.run([str(py), "-c", f"import {pkg}"], capture_output=True).returncode == 0:
        return py
    if not install:
        return None
    base = getattr(sys, "_base_executable", sys.executable)
    print(f"creating {env} and installing {pkg} (once)...", flush=True)
    if not py.exists():
        subprocess.run([base, "-m", "venv", str(env)], check=True)
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", pkg], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"  could not install {pkg}: {r.stderr.strip().splitlines()[-1:]}", flush=True)
        return None
    return py


def run_baseline(name: str, py: Path, path: Path, repeat: int) -> dict | None:
    try:
        r = subprocess.run([str(py), "-c", BASELINE[name], str(path), str(repeat)], capture_output=True, text=True,
                           timeout=3600)
    except subprocess.TimeoutExpired:
        print(f"  {name}: timed out", flush=True)
        return None
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        print(f"  {name} failed: {(r.stderr or r.stdout).strip().splitlines()[-3:]}", flush=True)
        return None
    return json.loads(lines[-1])


def run_sianode(path: Path, repeat: int = 1) -> dict:
    from sianode.analysis.cycling import analyze_cycling
    from sianode.iotools import read
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        df = read(path)
        res = analyze_cycling(df)
        best = min(best, time.perf_counter() - t)
    c = res.cycles
    return {"seconds": best, "rows": len(df), "cycles": int(len(c)),
            "lith_mAh": c["discharge_capacity_mAh"].tolist(), "delith_mAh": c["charge_capacity_mAh"].tolist()}


def agreement(ours: dict, other: dict, rel: float = 1e-3) -> str | None:
    """None if ``other`` found the same cycles and capacities as sianode, else the reason."""
    if abs(ours["rows"] - other["rows"]) > 0:
        return f"rows differ ({ours['rows']} vs {other['rows']})"
    if abs(ours["cycles"] - other["cycles"]) > 1:
        return f"cycle counts differ ({ours['cycles']} vs {other['cycles']})"
    for key in ("lith_mAh", "delith_mAh"):
        a = np.array([x for x in ours[key] if x > 1e-9])
        b = np.array([x for x in other.get(key, []) if x > 1e-9])
        n = min(a.size, b.size)
        if n == 0 or abs(a.size - b.size) > 1:
            return f"{key}: {a.size} vs {b.size} non-zero cycles"
        # the last cycle may be cut by the row limit: compare the complete ones
        err = np.max(np.abs(a[: n - 1] - b[: n - 1]) / np.maximum(a[: n - 1], 1e-12)) if n > 1 else 0.0
        if err > rel:
            return f"{key} differ by up to {100 * err:.2f} %"
    return None


def many_cycles_end_to_end(n_cycles: int = 9250) -> dict:
    """Read + analyse + report a 222 000-row, 9 250-cycle file (see module docstring)."""
    from sianode.analysis.cli import run_analysis
    pphc, rest = 10, 2
    rows = n_cycles * 2 * (pphc + rest)
    path = WORK / f"si_many_cycles_{n_cycles}.mpr"
    if not path.exists():
        write_mpr(path, rows, pphc=pphc, rest_points=rest)
    small = WORK / "si_many_cycles_warm.mpr"
    if not small.exists():
        write_mpr(small, 2400, pphc=pphc, rest_points=rest)
    run_analysis([small], WORK / "warm_out", show_progress=False)
    t = time.perf_counter()
    res = run_analysis([path], WORK / "many_out", show_progress=False)
    dt = time.perf_counter() - t
    (name, summ), = res["tests"].items()
    found = summ["metrics"]["n_cycles"]
    if found != n_cycles:
        raise SystemExit(f"many-cycles file: sianode found {found} cycles, the generator wrote {n_cycles}")
    t = time.perf_counter()
    cli = subprocess.run([sys.executable, "-m", "sianode.cli", "analyze", str(path), "-o", str(WORK / "many_cli")],
                         capture_output=True, text=True)
    cli_s = time.perf_counter() - t
    return {"rows": rows, "cycles": found, "seconds": dt, "cli_seconds": cli_s if cli.returncode == 0 else float("nan")}


def eis_speedup() -> float:
    try:
        from sianode.analysis.eis import benchmark_series_fit
    except (ImportError, AttributeError):
        return float("nan")
    try:
        return float(benchmark_series_fit(n_spectra=100))
    except Exception as e:  # report, never hide the cycling numbers
        print(f"  eis benchmark failed: {type(e).__name__}: {e}", flush=True)
        return float("nan")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per tool; the best counts")
    ap.add_argument("--no-install", action="store_true", help="do not create the baseline envs")
    args = ap.parse_args(argv)
    path = WORK / f"si_half_cell_{args.rows}.mpr"
    if not path.exists():
        write_mpr(path, args.rows)
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB)", flush=True)
    # warm-up on a small file so first-call import costs are not counted for sianode
    small = WORK / "si_half_cell_5000.mpr"
    if not small.exists():
        write_mpr(small, 5000)
    run_sianode(small)
    ours = run_sianode(path, args.repeat)
    print(f"sianode: {ours['seconds']:.3f} s, rows={ours['rows']}, cycles={ours['cycles']}", flush=True)
    results = {}
    for name in ("cellpy", "navani"):
        py = ensure_env(name, not args.no_install)
        results[name] = run_baseline(name, py, path, args.repeat) if py else None
    # agreement first: a ratio is printed only for a tool that found the same cycles and capacities
    speed = {}
    for name, res in results.items():
        if not res:
            speed[name] = float("nan")
            continue
        why = agreement(ours, res)
        print(f"{name}: {res['seconds']:.3f} s, rows={res['rows']}, cycles={res['cycles']}; "
              + ("agrees with sianode on rows, cycles and per-cycle capacities (0.1 %)" if why is None
                 else f"DISAGREES: {why}"), flush=True)
        speed[name] = res["seconds"] / ours["seconds"] if why is None else float("nan")
    many = many_cycles_end_to_end()
    print(f"many cycles: rows={many['rows']} cycles={many['cycles']} end to end {many['seconds']:.2f} s in process "
          f"(floor 5 s: {'met' if many['seconds'] <= 5.0 else 'NOT met'}), CLI {many['cli_seconds']:.2f} s "
          "with a fresh interpreter", flush=True)
    z = eis_speedup()
    print(f"rows={ours['rows']} speedup_vs_cellpy={speed['cellpy']:.1f} "
          f"speedup_vs_navani={speed['navani']:.1f} many_cycles_end_to_end_s={many['seconds']:.2f} "
          f"eis_speedup_vs_loop={z:.1f}")


if __name__ == "__main__":
    main()
