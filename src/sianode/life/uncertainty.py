"""The uncertain parameters of the life model in ONE registry, sampled (seeded) and run vectorised.

Each entry names a field of :class:`sianode.life.fade.LifeInputs`, how it varies around the design's
(nominal) value and why. The spread is a multiplicative factor: log-uniform between ``low`` and ``high``
(a decade of uncertainty is symmetric in log space) or uniform. :func:`sample` turns one design's
inputs into ``n`` parameter sets (a 1-D array per field) with an explicit seed; :func:`sianode.life.fade.simulate`
runs them all at once (the samples are its "designs" axis), and :func:`percentile_bands` reduces the
trajectories to 5th / 50th / 95th percentiles. Issue 17 (``sianode calibrate``) replaces these priors by
fitted posteriors with the same names; issue 18 (sweeps) stacks designs x samples on the same axis.

The ranges are the spread of the published values each nominal comes from (sources per entry) or, where
only an order of magnitude is known, one decade around it (marked "order of magnitude").

Two kinds of entries (``target``):

* ``"life"``: a field of :class:`~sianode.life.fade.LifeInputs`; the factor multiplies the design's nominal value.
  These are the priors of the life stage's bands.
* ``"materials"``: a material property that measurements fix (reversible capacity, ICE, Si diffusivity;
  :mod:`sianode.materials.measured`). Their factor range is a plausibility range around the materials stage's
  estimate, used by ``sianode calibrate``; they are not sampled for the prior bands (the materials stage's
  estimate is the design's value until a calibration measures it).

Posteriors. ``sianode calibrate`` writes joint posterior samples of the same names into the design's
``[calibration]`` section (absolute values in each entry's unit, with the model's nominal value at calibration).
:class:`Posterior` reads them: :meth:`Posterior.draw` gives the rows the bands run on, and life entries are
carried onto a (possibly changed) design as factors ``sample / nominal`` on that design's own nominal value, so a
half-cell calibration applies to the same anode in a full cell.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, fields, replace

import numpy as np

from sianode.errors import InputError

#: Number of samples and seed the life stage uses for its bands (0 samples: no bands).
DEFAULT_SAMPLES = 64
DEFAULT_SEED = 20250614


@dataclass(frozen=True)
class Uncertain:
    """One uncertain input: a multiplicative factor on the nominal value, ``low..high``."""

    name: str  # LifeInputs field
    low: float
    high: float
    distribution: str  # "loguniform" | "uniform"
    unit: str
    source: str
    target: str = "life"  # "life": LifeInputs field (prior bands); "materials": measured property (calibration)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.distribution == "loguniform":
            return np.exp(rng.uniform(np.log(self.low), np.log(self.high), n))
        if self.distribution == "uniform":
            return rng.uniform(self.low, self.high, n)
        raise InputError(f"unknown distribution {self.distribution!r}", field=f"uncertainty.{self.name}")


#: The registry: every uncertain parameter of the life model, once.
REGISTRY: tuple[Uncertain, ...] = (
    Uncertain("solvent_diffusivity", 0.1, 10.0, "loguniform", "m2/s",
              "SEI solvent diffusivity: OKane2022 value 2.5e-22 m2/s, fitted to one graphite cell (O'Kane et al., "
              "PCCP 24 (2022) 7909); Single et al., ChemSusChem 11 (2018) 1950 span decades (order of magnitude)"),
    Uncertain("electron_conductivity", 0.1, 10.0, "loguniform", "S/m",
              "SEI electronic conductivity 8.95e-14 S/m (Single et al. 2018, graphite SEI); higher on Si (seeds/000 §3: "
              "Si's SEI passivates electrons poorly) (order of magnitude)"),
    Uncertain("kinetic_rate_constant", 0.1, 10.0, "loguniform", "m/s",
              "SEI kinetic rate constant 1e-12 m/s of OKane2022 (order of magnitude)"),
    Uncertain("sei_fracture_area_strain", 0.5, 2.0, "loguniform", "-",
              "SEI fracture strain of a few per cent (Kolzenberg et al., Batteries & Supercaps 5 (2022) e202100216); "
              "FEC/LHCE SEI tougher (seeds/001 §3.1): a factor 2 each way"),
    Uncertain("debris_permeability", 0.3, 3.0, "loguniform", "-",
              "transport through cracked SEI debris relative to dense SEI (sianode.life.lam, assumed magnitude)"),
    Uncertain("isolation_thickness", 0.75, 1.3, "uniform", "m",
              "SEI thickness that isolates particles: 100-130 nm on cycled Si (seeds/001 §3.1, Yoon et al.)"),
    Uncertain("fracture_beta", 0.5, 2.0, "loguniform", "1/cycle",
              "LAM per fully strained cycle of fractured particles (OKane2022 LAM constant, Reniers et al. 2019 law)"),
    Uncertain("binder_beta", 0.3, 3.0, "loguniform", "1/cycle",
              "binder fatigue loss at the tolerable strain (sianode.life.lam, assumed magnitude)"),
    # material properties a calibration measures (sianode.materials.measured); not in the prior bands
    Uncertain("reversible_capacity_mAh_g", 0.1, 1.2, "uniform", "mAh/g",
              "measured reversible capacity over the materials stage's estimate: real Si electrodes deliver 10-100 % "
              "of it (seeds/001 Table 1, seeds/002 §3.2: 1909 of ~3000 mAh/g); up to 120 % for the weighing error of "
              "a sub-mg electrode", target="materials"),
    Uncertain("ice", 0.4, 1.3, "uniform", "-",
              "measured first-cycle efficiency over the materials stage's estimate: Si anodes 40-92 % (seeds/001 "
              "Table 1, seeds/000 §4.1.2) against estimates of 70-93 % for the bundled designs; capped at 1",
              target="materials"),
    Uncertain("si_diffusivity_m2_s", 0.01, 10.0, "loguniform", "m2/s",
              "Li diffusivity in lithiated Si over D_ASI = 1e-16 m2/s (seeds/004 §2.3, Ding et al. 2009: 1e-17-1e-16 "
              "m2/s; seeds/001 §2.3.3: 3.9e-18 m2/s by GITT on SiOx@C); a decade beyond each end for apparent values",
              target="materials"),
)

#: Names by target.
LIFE_NAMES = tuple(u.name for u in REGISTRY if u.target == "life")
MATERIALS_NAMES = tuple(u.name for u in REGISTRY if u.target == "materials")


def entry(name: str) -> Uncertain:
    """The registry entry ``name`` (InputError listing the names if unknown)."""
    for u in REGISTRY:
        if u.name == name:
            return u
    raise InputError(f"{name!r} is not an uncertain parameter; known: {', '.join(u.name for u in REGISTRY)}",
                     field="calibration.parameters")


def registry_table():
    """The registry as a tidy table (name, distribution, low, high, unit, source)."""
    import pandas as pd

    return pd.DataFrame([{"name": u.name, "target": u.target, "distribution": u.distribution, "factor_low": u.low,
                          "factor_high": u.high, "unit": u.unit, "source": u.source} for u in REGISTRY])


def sample(inputs, n: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED, registry=None):
    """``n`` parameter sets of ONE design: its inputs with every life entry of the registry multiplied by a seeded draw.

    Returns a :class:`~sianode.life.fade.LifeInputs` whose fields are arrays of length ``n`` (fields not in the
    registry are repeated). Same seed, same samples.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"number of samples must be a positive integer, got {n!r}", field="samples")
    names = {f.name for f in fields(inputs)}
    arr = inputs.arrays()
    if len(next(iter(arr.values()))) != 1:
        raise InputError("sample() takes the inputs of one design", field="inputs")
    rng = np.random.default_rng(seed)
    changes = {}
    registry = tuple(u for u in REGISTRY if u.target == "life") if registry is None else registry
    for u in registry:
        if u.name not in names:
            raise InputError(f"registry entry {u.name!r} is not a LifeInputs field", field="uncertainty")
        changes[u.name] = arr[u.name][0] * u.draw(rng, n)
    return replace(inputs, **{k: np.repeat(v[0], n) for k, v in arr.items() if k not in changes}, **changes)


def percentile_bands(values, q=(5.0, 50.0, 95.0), axis=-1):
    """Percentiles along the samples axis (NaN-safe; a censored value is passed as ``inf``)."""
    v = np.asarray(values, float)
    with np.errstate(invalid="ignore"):  # inf - inf between two censored samples
        out = np.percentile(v, q, axis=axis)
    return np.where(np.isfinite(out), out, np.nan)


# --------------------------------------------------------------------------- posteriors (sianode calibrate)
@dataclass(frozen=True)
class Posterior:
    """Joint posterior samples of registry parameters, read from a design's ``[calibration]`` section.

    ``samples[name]`` are absolute values (the entry's unit), one row per parameter set; ``nominal[name]`` is the
    model's value of a life entry for the calibrated design (the factor carried to another design is
    ``sample / nominal``); ``value[name]`` the posterior median the nominal run uses.
    """

    samples: dict
    nominal: dict
    value: dict

    @classmethod
    def from_calibration(cls, cal) -> "Posterior | None":
        """The posterior of a ``schema.Calibration`` (None when there is no calibration)."""
        if cal is None:
            return None
        for name in cal.parameters:
            entry(name)  # unknown names: a clear error
        nominal, value = {}, {}
        for name, p in cal.parameters.items():
            value[name] = float(p.value)
            if entry(name).target == "life":
                if p.nominal is None or not p.nominal > 0:
                    raise InputError("a calibrated life-model parameter needs its nominal (> 0) to carry it to a design",
                                     field=f"calibration.parameters.{name}.nominal")
                nominal[name] = float(p.nominal)
        samples = {k: np.asarray(v, float) for k, v in cal.samples.items()}
        return cls(samples, nominal, value)

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.samples.values()))) if self.samples else 0

    def draw(self, n: int | None = None, seed: int = DEFAULT_SEED) -> dict:
        """``n`` joint rows (all rows in order when ``n`` is None or not smaller; else a seeded subset)."""
        rows = self.n_rows
        if rows == 0:
            return {}
        if n is None or n >= rows:
            idx = np.arange(rows)
        else:
            idx = np.sort(np.random.default_rng(seed).choice(rows, size=int(n), replace=False))
        return {k: v[idx] for k, v in self.samples.items()}

    def life_factors(self, draws: dict) -> dict:
        """Factors ``sample / nominal`` of the life entries in ``draws``."""
        return {k: np.asarray(v, float) / self.nominal[k] for k, v in draws.items() if k in self.nominal}

    def median_factors(self) -> dict:
        """Factors ``value / nominal`` of the calibrated life entries (the nominal run)."""
        return {k: self.value[k] / self.nominal[k] for k in self.nominal}


def apply_factors(inputs, factors: dict):
    """``inputs`` (LifeInputs) with the named fields multiplied by ``factors`` (scalars or arrays over designs)."""
    if not factors:
        return inputs
    arr = inputs.arrays()
    n = len(next(iter(arr.values())))
    m = max([n] + [np.size(f) for f in factors.values()])
    changes = {}
    for k, f in factors.items():
        if k not in arr:
            raise InputError(f"{k!r} is not a LifeInputs field", field="calibration.parameters")
        changes[k] = np.broadcast_to(arr[k], (m,)) * np.broadcast_to(np.asarray(f, float), (m,))
    rest = {k: (np.broadcast_to(v, (m,)).copy() if m != n else v) for k, v in arr.items() if k not in changes}
    out = replace(inputs, **rest, **changes)
    if n == 1 and m == 1:  # keep a scalar design scalar
        out = replace(out, **{k: float(np.asarray(v).ravel()[0]) for k, v in {**rest, **changes}.items()})
    return out


def stack_inputs(items: list):
    """One LifeInputs whose designs axis holds ``items`` (LifeInputs) in order: field ``f`` of the result is
    ``[items[0].f, items[1].f, ...]``.

    Scalar items (the usual case: one design each) are stacked straight from their fields, one ``np.array`` per
    field, without validating them one by one: the stacked inputs are validated once where they are used
    (:meth:`sianode.life.fade.LifeInputs.arrays`, called by :func:`sianode.life.fade.simulate`), with the same
    messages naming the field. Items holding arrays are broadcast (and validated) item by item and concatenated.
    """
    names = [f.name for f in fields(items[0])]
    # all scalar (the usual case): one (items, fields) array; each field's column is the np.array of that field
    get = operator.attrgetter(*names)
    try:
        rows = np.array([get(x) for x in items], dtype=float)
    except (TypeError, ValueError):  # ragged: some items hold arrays
        rows = None
    if rows is not None and rows.shape == (len(items), len(names)):
        return replace(items[0], **{k: rows[:, j].copy() for j, k in enumerate(names)})
    stacked = {}
    for k in names:
        col = [getattr(x, k) for x in items]
        try:
            v = np.array(col, dtype=float)
        except (TypeError, ValueError):  # ragged: some items hold arrays
            v = None
        if v is None or v.ndim != 1:
            arrs = [x.arrays() for x in items]
            return replace(items[0], **{k: np.concatenate([a[k] for a in arrs]) for k in arrs[0]})
        stacked[k] = v
    return replace(items[0], **stacked)
