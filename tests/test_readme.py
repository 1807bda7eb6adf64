"""The README's "Using it" block, walked command by command in an empty folder (issue 20).

Every ``$S ...`` line of the block is run as a user would run it (``python -m sianode``, a fresh
temporary working directory holding only links to the repository's ``examples/`` and ``tests/``
folders that the README names). Each must exit 0 without a traceback and print its key numbers
(a pattern per command below; a README command without a pattern fails the test, so a new line
in the README gets a check; a line naming a placeholder file in capitals, such as ``SPEC.toml``, shows
the syntax and is not run). Speed: ``sianode validation`` runs every published case, the FEM
among them (minutes), so the walk runs it on one case (``--case lisi-capacity``) through the same
command; the commands after ``examples --write`` are independent and run two at a time.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NUM = r"-?\d[\d.,]*"

#: command (first one or two words after $S) -> patterns its output must contain (key numbers with units)
KEY_OUTPUT = {
    "examples": [r"wrote: .*siox\.toml"],
    "validate": [r"valid", rf"{NUM} mg/cm2"],
    "schema": [r"loading_mg_cm2 \(mg/cm2\)", r"allowed: > 0\.0"],
    "run": [rf"reversible capacity\s*│\s*{NUM}\s*│ mAh/g", rf"initial coulombic efficiency \(ICE\)\s*│\s*{NUM}",
            r"particle fracture\s*│\s*(does not fracture|fractures)", rf"cycles to 80 % retention\s*│\s*>? ?{NUM}",
            rf"cell specific energy\s*│\s*{NUM}\s*│ Wh/kg", rf"{NUM}\s*│ Wh/L", r"prelithiation dose",
            r"report: .*report\.html"],
    "materials": [rf"reversible capacity\s*│\s*{NUM}\s*│ mAh/g", r"Li15Si4", r"outputs: "],
    "mechanics": [rf"critical Si size for fracture\s*│\s*{NUM}\s*│ nm", rf"electrode swelling.*{NUM}\s*│ %",
                  r"report: .*report\.html"],
    "life": [rf"cycles to 80 % retention\s*│\s*>? ?{NUM}", r"5–95th pct", rf"capacity retention after 500 cycles\s*│\s*{NUM}"],
    "simulate": [r"current \(A/g\)", rf"│\s*{NUM}\s*│", r"delithiation", r"outputs: "],
    "cell": [r"Wh/kg", r"Wh/L", rf"{NUM}"],
    "analyze": [r"quantity", rf"{NUM}", r"outputs: "],
    "calibrate": [r"posterior", r"calibrated\.toml"],
    "literature query": [r"published records", rf"{NUM}"],
    "literature show": [r"source", r"001-232-mss"],
    "compare": [r"percentile|rank", r"report: .*compare\.html"],
    "validation": [r"predictions passed \d+/\d+"],
    "sweep": [r"designs", r"report: "],
    "diff": [r"differ", r"report: "],
}
#: options added to a README command to keep the walk fast (the reason is in the module docstring)
FAST = {"validation": ["--case", "lisi-capacity"]}


#: a file named in capitals (SPEC.toml, DESIGN.toml) is a placeholder: such a line shows the syntax, it is not run
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_]*\.[a-z]+$")


def readme_commands() -> list[list[str]]:
    """The runnable ``$S ...`` lines of the README's "Using it" block, as argument lists (comments removed;
    lines naming a placeholder file left out)."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index("## Using it"):]
    block = block[block.index("```bash") + len("```bash"):]
    block = block[:block.index("```")]
    out = []
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("$S "):
            args = shlex.split(line[3:], comments=True)
            if not any(PLACEHOLDER.match(a) for a in args):
                out.append(args)
    return out


def _key(args: list[str]) -> str:
    return " ".join(args[:2]) if args[0] == "literature" else args[0]


def _outputs(args: list[str]) -> set[str]:
    """Folders a command writes (its -o/--out-dir/--write value)."""
    return {b.rstrip("/") for a, b in zip(args, args[1:]) if a in ("-o", "--out-dir", "--write")}


def _chains(cmds: list[list[str]]) -> list[list[list[str]]]:
    """The commands grouped so that one reading a folder an earlier command writes runs after it, in README order
    (``examples --write ex --with-data`` -> ``calibrate ex/...`` -> ``run cal/calibrated.toml``); chains run in
    parallel."""
    chains: list[list[list[str]]] = []
    owner: dict[str, int] = {}
    for c in cmds:
        reads = {a.split("/", 1)[0] for a in c if "/" in a}
        k = next((owner[r] for r in reads if r in owner), None)
        if k is None:
            chains.append([c])
            k = len(chains) - 1
        else:
            chains[k].append(c)
        for o in _outputs(c):
            owner[o] = k
    return chains


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "140", "PYBAMM_DISABLE_TELEMETRY": "true"}
    env.pop("SIANODE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "sianode", *args], cwd=cwd, capture_output=True, text=True,
                          env=env)


def test_readme_block_is_found_and_every_command_has_a_check():
    cmds = readme_commands()
    assert len(cmds) >= 10 and cmds[0][:2] == ["examples", "--write"]
    missing = sorted({_key(c) for c in cmds} - set(KEY_OUTPUT))
    assert not missing, f"add the key output of these README commands to KEY_OUTPUT: {missing}"


@pytest.mark.skipif(not (ROOT / "tests" / "data" / "test.ndax").exists(), reason="source checkout only")
def test_readme_using_it_block_runs_in_an_empty_folder(tmp_path):
    for name in ("examples", "tests"):  # the repository folders the README names
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    cmds = readme_commands()
    first, rest = cmds[0], cmds[1:]
    results = [(first, _run(first, tmp_path))]
    assert results[0][1].returncode == 0, results[0][1].stderr
    runs = [c + FAST.get(c[0], []) for c in rest]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for chain in pool.map(lambda ch: [(c, _run(c, tmp_path)) for c in ch], _chains(runs)):
            results += chain
    problems = []
    for args, r in results:
        shown = " ".join(args)
        if r.returncode != 0 or "Traceback" in r.stderr + r.stdout:
            problems.append(f"`sianode {shown}` exited {r.returncode}: {r.stderr[-800:]}")
            continue
        for pat in KEY_OUTPUT[_key(args)]:
            if not re.search(pat, r.stdout):
                problems.append(f"`sianode {shown}` printed no match for {pat!r}:\n{r.stdout[-1500:]}")
    assert not problems, "\n\n".join(problems)
    # where the README says the outputs go
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "summary.json").exists()
    assert (tmp_path / "sianode-output" / "siox" / "materials" / "summary.json").exists()
    assert (tmp_path / "sianode-output" / "porous_micro_si" / "mechanics" / "report.html").exists()
    assert (tmp_path / "sianode-output" / "siox" / "life" / "summary.json").exists()
