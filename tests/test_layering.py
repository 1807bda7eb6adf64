"""Import layering of src/sianode (docs/architecture.md, ../shared/GUIDE.md "Layers"), checked by AST scan.

* No stage package imports a later stage (materials < mechanics < life < echem < cell), and no stage
  imports another stage's ``stage`` module (earlier results come from ``upstream``, never a re-run).
* The foundation imports no stage package, no chain, no interface.
* Only interfaces import the chain (``sianode.cli``, the stage CLIs, ``report``, ``validation``).
Every import is seen, including ones inside functions.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "sianode"
STAGE_ORDER = ["materials", "mechanics", "life", "echem", "cell"]
FOUNDATION = {"constants", "errors", "provenance", "design", "electrode", "cathodes", "graphite",
              "electrolyte_amount", "protocol", "results"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = _module_name(path).split(".")
    if path.name != "__init__.py":
        pkg = pkg[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(pkg[:len(pkg) - node.level + 1])
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            out.append(mod)
            out += [f"{mod}.{a.name}" for a in node.names]  # "from sianode.x import stage"
    return [m for m in out if m == "sianode" or m.startswith("sianode.")]


def _top(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_interface(mod: str) -> bool:
    parts = mod.split(".")
    return (mod in ("sianode.cli", "sianode.__main__", "sianode.clitools") or parts[-1] in ("cli", "validation")
            or (len(parts) > 1 and parts[1] in ("report", "validation")))


MODULES = sorted(p for p in SRC.rglob("*.py"))


def test_scan_sees_the_package():
    names = {_module_name(p) for p in MODULES}
    assert {"sianode.chain", "sianode.materials.stage", "sianode.cell.stage", "sianode.electrode.loading"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_layering(path):
    me = _module_name(path)
    top = _top(me)
    bad = []
    for imp in set(_imports(path)):
        t = _top(imp)
        if _is_interface(me):
            continue
        if imp == "sianode.chain" or imp.startswith("sianode.chain."):
            bad.append(f"{imp}: only interfaces import the chain")
        if t in ("cli",) or imp.startswith("sianode.report.design_report"):
            bad.append(f"{imp}: an interface")
        if top in FOUNDATION and t in STAGE_ORDER:
            bad.append(f"{imp}: the foundation imports no stage package")
        if top in STAGE_ORDER and t in STAGE_ORDER:
            if STAGE_ORDER.index(t) > STAGE_ORDER.index(top):
                bad.append(f"{imp}: {top} must not import the later stage {t}")
            if t != top and imp.split(".")[-1] == "stage":
                bad.append(f"{imp}: read the {t} stage's result from upstream instead of importing its stage")
    assert not bad, f"{me}: " + "; ".join(sorted(bad))


def test_every_stage_declares_its_requirements():
    import importlib

    from sianode.chain import STAGES

    for name, modname in STAGES.items():
        mod = importlib.import_module(modname)
        reqs = mod.REQUIRES
        assert all(r in STAGES and STAGE_ORDER.index(r) < STAGE_ORDER.index(name) for r in reqs), (name, reqs)
        # what a stage module reads through require(upstream, ...) it declares
        text = (SRC / name / "stage.py").read_text(encoding="utf-8")
        for other in STAGE_ORDER:
            if f'require(upstream, "{other}"' in text:
                assert other in reqs, f"{name} reads {other} but does not declare it in REQUIRES"
