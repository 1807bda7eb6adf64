"""The orchestrator: run a design through the model stages in order (like pvlib's ModelChain).

Stages, in order (each is a module with ``run(design, upstream) -> StageResult`` and
``report(result) -> list[Section]``):

=============  ==========================================================================
materials      Li–Si phases, capacity, volume, voltage with hysteresis, composites, ICE
mechanics      particle stress, fracture, pore accommodation, electrode swelling
life           SEI growth and breathing, calendar ageing, lithium inventory, cycle life
echem          electrochemical simulation on PyBaMM (rate table)
cell           stack design, Wh/kg and Wh/L, prelithiation dose, cost
=============  ==========================================================================

Each stage reads what earlier ones computed from ``upstream``; every stage also stays usable
on its own as plain functions. A stage whose module is not installed is skipped, so callers
never change when stages are added.
"""
from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterable

from sianode.design.schema import Design
from sianode.errors import InputError, SianodeError
from sianode.results import ChainResult, StageResult

#: Stage name -> module implementing it, in execution order.
STAGES: dict[str, str] = {
    "materials": "sianode.materials.stage",
    "mechanics": "sianode.mechanics.stage",
    "life": "sianode.life.stage",
    "echem": "sianode.echem.stage",
    "cell": "sianode.cell.stage",
}


@dataclass
class StageFailure:
    """A stage that raised: the chain goes on with the stages that do not need it."""

    stage: str
    message: str
    detail: str = ""


@dataclass
class ChainRun(ChainResult):
    failures: list[StageFailure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def available_stages() -> list[str]:
    """Stages whose module can be imported in this installation."""
    out = []
    for name, mod in STAGES.items():
        try:
            m = importlib.import_module(mod)
        except ImportError:
            continue
        if hasattr(m, "run"):
            out.append(name)
    return out


def stage_module(name: str):
    if name not in STAGES:
        raise InputError(f"unknown stage {name!r}; stages are: {', '.join(STAGES)}", field="stages")
    return importlib.import_module(STAGES[name])


class ModelChain:
    """Run a :class:`~sianode.design.schema.Design` through the stages.

    Parameters
    ----------
    design : Design
        A validated design.
    stages : iterable of str, optional
        Stages to run (default: every available stage), always in the canonical order.
    """

    def __init__(self, design: Design, stages: Iterable[str] | None = None):
        if not isinstance(design, Design):
            raise InputError("ModelChain needs a sianode Design (use sianode.design.load_design)", field="design")
        self.design = design
        wanted = list(stages) if stages is not None else list(STAGES)
        for s in wanted:
            if s not in STAGES:
                raise InputError(f"unknown stage {s!r}; stages are: {', '.join(STAGES)}", field="stages")
        self.stages = [s for s in STAGES if s in wanted]

    def run(self, progress: Callable[[str], None] | None = None) -> ChainRun:
        """Run the stages in order; InputError propagates, other failures are recorded."""
        result = ChainRun(design=self.design)
        for name in self.stages:
            try:
                mod = importlib.import_module(STAGES[name])
            except ImportError:
                result.skipped.append(name)
                continue
            if not hasattr(mod, "run"):
                result.skipped.append(name)
                continue
            if progress:
                progress(name)
            try:
                res = mod.run(self.design, dict(result.stages))
            except InputError:
                raise
            except SianodeError as e:
                result.failures.append(StageFailure(name, str(e)))
                continue
            except Exception as e:  # noqa: BLE001 - a stage bug must not lose the other stages' results
                result.failures.append(StageFailure(name, f"{type(e).__name__}: {e}", traceback.format_exc()))
                continue
            if not isinstance(res, StageResult):
                result.failures.append(StageFailure(name, "stage did not return a StageResult"))
                continue
            result.stages[name] = res
        return result


def run_design(design: Design, stages: Iterable[str] | None = None) -> ChainRun:
    """Shortcut: ``ModelChain(design, stages).run()``."""
    return ModelChain(design, stages).run()
