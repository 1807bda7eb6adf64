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
"""
from __future__ import annotations

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
)


def registry_table():
    """The registry as a tidy table (name, distribution, low, high, unit, source)."""
    import pandas as pd

    return pd.DataFrame([{"name": u.name, "distribution": u.distribution, "factor_low": u.low,
                          "factor_high": u.high, "unit": u.unit, "source": u.source} for u in REGISTRY])


def sample(inputs, n: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED, registry=REGISTRY):
    """``n`` parameter sets of ONE design: its inputs with every registry entry multiplied by a seeded draw.

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
