"""The orchestrator: run a design through the model stages (like pvlib's ModelChain).

Stages, in order (each is a module with ``REQUIRES``, ``run(design, upstream) -> StageResult`` and
``report(result) -> list[Section]``):

=============  ==========================================================================
materials      Li–Si phases, capacity, volume, voltage with hysteresis, composites, ICE
mechanics      particle stress, fracture, pore accommodation, electrode swelling
life           SEI growth and breathing, calendar ageing, lithium inventory, cycle life
echem          electrochemical simulation on PyBaMM (rate table)
cell           stack design, Wh/kg and Wh/L, prelithiation dose, cost
=============  ==========================================================================

Dependencies: each stage module declares the earlier stages it reads (``REQUIRES``). Asking for some
stages runs their requirements first, through the same stage functions, so ``ModelChain(d,
["cell"])`` gives the cell stage exactly the numbers of the full run; a stage never computes an
earlier stage's quantity itself. A stage receives in ``upstream`` the results of its (transitive)
requirements only.

Failures: an :class:`~sianode.errors.InputError` stops the run (the design is wrong); any other failure
of a stage -- including a stage module that cannot be imported -- is recorded in
``ChainRun.failures``, every stage that needs it fails too with a message naming it, and the
independent stages still run. ``sianode run`` then exits with code 1.

What is reported: ``ChainRun.stages`` holds the requested stages (what ``summary``, ``write`` and the
report show); the requirements that were run only to feed them are in ``ChainRun.upstream``.
"""
from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

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
    """A stage that raised, could not be imported, or whose requirement failed."""

    stage: str
    message: str
    detail: str = ""


@dataclass
class ChainRun(ChainResult):
    failures: list[StageFailure] = field(default_factory=list)
    upstream: dict[str, StageResult] = field(default_factory=dict)

    def result(self, name: str) -> StageResult:
        """The result of stage ``name`` (requested or run as a requirement); raises if it failed."""
        if name in self.stages:
            return self.stages[name]
        if name in self.upstream:
            return self.upstream[name]
        why = [f.message for f in self.failures if f.stage == name]
        raise StageFailed(name, why[0] if why else "not run")


class StageFailed(SianodeError):
    """A stage asked for by name did not produce a result (the message says why)."""

    def __init__(self, stage: str, message: str):
        self.stage = stage
        super().__init__(f"stage {stage} failed: {message}")


def stage_module(name: str):
    """Import the module of stage ``name`` (an import failure propagates: it is a bug, never skipped)."""
    if name not in STAGES:
        raise InputError(f"unknown stage {name!r}; stages are: {', '.join(STAGES)}", field="stages")
    return importlib.import_module(STAGES[name])


def _check_names(names: Iterable[str]) -> list[str]:
    names = list(names)
    for s in names:
        if s not in STAGES:
            raise InputError(f"unknown stage {s!r}; stages are: {', '.join(STAGES)}", field="stages")
    return names


class ModelChain:
    """Run a :class:`~sianode.design.schema.Design` through the stages.

    Parameters
    ----------
    design : Design
        A validated design.
    stages : iterable of str, optional
        Stages to run and report (default: all), always in the canonical order; their requirements
        are run too (module docstring).
    options : dict, optional
        ``{stage: {keyword: value}}`` passed to that stage's ``run`` (e.g. ``{"life": {"cycles": 500}}``).
    """

    def __init__(self, design: Design, stages: Iterable[str] | None = None,
                 options: dict[str, dict[str, Any]] | None = None):
        if not isinstance(design, Design):
            raise InputError("ModelChain needs a sianode Design (use sianode.design.load_design)", field="design")
        self.design = design
        wanted = _check_names(stages) if stages is not None else list(STAGES)
        self.stages = [s for s in STAGES if s in wanted]
        self.options = {k: dict(v) for k, v in (options or {}).items()}
        _check_names(self.options)

    def run(self, progress: Callable[[str], None] | None = None) -> ChainRun:
        """Run the requested stages and their requirements in order; InputError propagates."""
        result = ChainRun(design=self.design)
        done: dict[str, StageResult] = {}
        failed: dict[str, str] = {}
        requires: dict[str, tuple[str, ...]] = {}
        modules: dict[str, Any] = {}

        def need(name: str) -> None:  # resolve the closure of requirements, importing modules
            if name in requires or name in failed:
                return
            try:
                mod = importlib.import_module(STAGES[name])
            except Exception as e:  # noqa: BLE001 - a broken stage module is a failure, never "skipped"
                failed[name] = f"module {STAGES[name]} could not be imported: {type(e).__name__}: {e}"
                result.failures.append(StageFailure(name, failed[name], traceback.format_exc()))
                return
            reqs = tuple(getattr(mod, "REQUIRES", ()))
            bad = [r for r in reqs if r not in STAGES or list(STAGES).index(r) >= list(STAGES).index(name)]
            if bad or not callable(getattr(mod, "run", None)):
                failed[name] = (f"{STAGES[name]} must define run() and REQUIRES of earlier stages only "
                                f"(got {bad})" if bad else f"{STAGES[name]} has no run()")
                result.failures.append(StageFailure(name, failed[name]))
                return
            modules[name], requires[name] = mod, reqs
            for r in reqs:
                need(r)

        for name in self.stages:
            need(name)

        def closure(name: str) -> list[str]:
            out: list[str] = []
            for r in requires.get(name, ()):
                out += [x for x in closure(r) + [r] if x not in out]
            return out

        for name in STAGES:
            if name not in modules or name in failed:
                continue
            missing = [r for r in closure(name) if r not in done]
            if missing:
                why = "; ".join(f"{r}: {failed.get(r, 'not run')}" for r in missing)
                failed[name] = f"needs the {', '.join(missing)} stage{'s' if len(missing) > 1 else ''}, which failed ({why})"
                result.failures.append(StageFailure(name, failed[name]))
                continue
            if progress:
                progress(name)
            upstream = {r: done[r] for r in closure(name)}
            try:
                res = modules[name].run(self.design, upstream, **self.options.get(name, {}))
            except InputError:
                raise
            except SianodeError as e:
                failed[name] = str(e)
                result.failures.append(StageFailure(name, str(e)))
                continue
            except Exception as e:  # noqa: BLE001 - a stage bug must not lose the other stages' results
                failed[name] = f"{type(e).__name__}: {e}"
                result.failures.append(StageFailure(name, failed[name], traceback.format_exc()))
                continue
            if not isinstance(res, StageResult):
                failed[name] = "stage did not return a StageResult"
                result.failures.append(StageFailure(name, failed[name]))
                continue
            done[name] = res
        if getattr(self.design, "calibration", None) is not None and "cell" in done:
            # a calibrated design: the cell stage's Wh/kg and Wh/L get the posterior's bands (the life stage draws
            # its own); sianode.calibration.propagate evaluates the cell stage's model on every posterior row
            try:
                from sianode.calibration.propagate import add_cell_bands

                add_cell_bands(self.design, done)
            except InputError:
                raise
            except Exception as e:  # noqa: BLE001 - a failure is shown, never hidden
                result.failures.append(StageFailure("cell", f"posterior bands failed: {type(e).__name__}: {e}",
                                                    traceback.format_exc()))
        for name, res in done.items():
            (result.stages if name in self.stages else result.upstream)[name] = res
        return result


def run_design(design: Design, stages: Iterable[str] | None = None,
               options: dict[str, dict[str, Any]] | None = None) -> ChainRun:
    """Shortcut: ``ModelChain(design, stages, options).run()``."""
    return ModelChain(design, stages, options).run()


def run_stage(design: Design, stage: str, **options) -> StageResult:
    """One stage of a design with its requirements run by the chain; raises :class:`StageFailed` on failure.

    ``options`` go to the stage's ``run`` (e.g. ``run_stage(d, "life", cycles=500)``).
    """
    res = ModelChain(design, [stage], {stage: options} if options else None).run()
    return res.result(stage)


def upstream_for(design: Design, stage: str) -> dict[str, StageResult]:
    """The ``upstream`` mapping the chain hands to ``stage`` for ``design`` (its requirements, run)."""
    mod = stage_module(stage)
    reqs = list(getattr(mod, "REQUIRES", ()))
    if not reqs:
        return {}
    res = ModelChain(design, reqs).run()
    return {r: res.result(r) for r in list(res.upstream) + list(res.stages)}
