"""Synthetic Si/Li half-cell cycling with known answers (tests, benchmarks, examples).

Each half cycle is constant current; the voltage follows a charge–voltage relation built
from logistic steps, ``Q(V) = Σ_k Q_k / (1 + exp(±(V − V_k)/w_k))``, so that the exact
differential capacity is a sum of ``sech²`` peaks at the chosen ``V_k`` (default: the a-Si
lithiation peaks at 0.25 and 0.09 V and delithiation peaks at 0.30 and 0.50 V of
Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103). The capacity passed is exactly
``|I| t``. Optional Gaussian voltage noise uses an explicit seed.

This is a generator of known inputs, not a model of a Si electrode.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.iotools.schema import build_tidy

LITHIATION_PEAKS = ((0.25, 0.035, 0.45), (0.09, 0.025, 0.55))  # (V_k, w_k, fraction of Q)
DELITHIATION_PEAKS = ((0.30, 0.04, 0.55), (0.50, 0.04, 0.45))
LI15SI4_PEAK = (0.44, 0.006)  # sharp two-phase plateau (V_k, w_k)


def _v_of_q(frac: np.ndarray, peaks, lithiation: bool) -> np.ndarray:
    """Invert the monotone Q(V) of logistic steps at fractions ``frac`` of the half cycle."""
    v = np.linspace(-0.2, 1.3, 20001)
    if lithiation:  # Q grows as V falls
        q = sum(f / (1 + np.exp((v - c) / w)) for c, w, f in peaks)
        q = q[::-1]
        vv = v[::-1]
    else:
        q = sum(f / (1 + np.exp(-(v - c) / w)) for c, w, f in peaks)
        vv = v
    q = (q - q[0]) / (q[-1] - q[0])
    return np.interp(frac, q, vv)


def synthetic_half_cell(n_cycles: int = 5, *, capacity_mAh: float = 1.6, fade_per_cycle: float = 0.01,
                        ice: float = 0.85, ce: float = 0.995, current_mA: float | list = 0.16,
                        points_per_half_cycle: int = 400, rest_s: float = 600.0,
                        noise_V: float = 0.0, seed: int = 0, li15si4_fraction: float = 0.0,
                        active_mass_g: float | None = 0.8e-3, currents_by_cycle=None,
                        rest_points: int = 20) -> pd.DataFrame:
    """Tidy table of a Si/Li half cell: per cycle lithiation (I < 0), rest, delithiation, rest.

    Cycle ``n`` lithiates ``Q_in(n)`` and delithiates ``Q_out(n)``:
    ``Q_out(n) = capacity_mAh (1 − fade)^(n−1)``, ``Q_in(1) = Q_out(1)/ice``, else ``Q_out/ce``.
    ``li15si4_fraction`` moves that fraction of the delithiation charge into a sharp plateau
    at 0.44 V. ``currents_by_cycle`` (list, mA) overrides the current per cycle (rate tests).
    ``rest_points`` records are written per rest.
    """
    rng = np.random.default_rng(seed)
    t_all, i_all, v_all, k_all = [], [], [], []
    t0 = 0.0
    key = 0
    dpeaks = list(DELITHIATION_PEAKS)
    if li15si4_fraction > 0:
        dpeaks = [(c, w, f * (1 - li15si4_fraction)) for c, w, f in dpeaks] + [
            (LI15SI4_PEAK[0], LI15SI4_PEAK[1], li15si4_fraction)]
    for n in range(1, n_cycles + 1):
        qout = capacity_mAh * (1 - fade_per_cycle) ** (n - 1)
        qin = qout / (ice if n == 1 else ce)
        cur = (currents_by_cycle[n - 1] if currents_by_cycle is not None else current_mA)
        for q_mAh, sign, lith in ((qin, -1.0, True), (qout, 1.0, False)):
            dur = q_mAh / cur * 3600.0
            tt = np.linspace(0.0, dur, points_per_half_cycle)
            frac = tt / dur
            v = _v_of_q(frac, LITHIATION_PEAKS if lith else dpeaks, lith)
            if noise_V:
                v = v + rng.normal(0.0, noise_V, v.size)
            key += 1
            t_all.append(t0 + tt)
            i_all.append(np.full(tt.size, sign * cur / 1000.0))
            v_all.append(v)
            k_all.append(np.full(tt.size, key))
            t0 += dur
            # rest
            key += 1
            tr = np.linspace(rest_s / rest_points, rest_s, rest_points)
            t_all.append(t0 + tr)
            i_all.append(np.zeros(tr.size))
            v_all.append(np.full(tr.size, v[-1] + (0.03 if lith else -0.03)))
            k_all.append(np.full(tr.size, key))
            t0 += rest_s
    return build_tidy(np.concatenate(t_all), np.concatenate(i_all), np.concatenate(v_all),
                      source="synthetic", fmt="synthetic", reader="sianode.iotools.synthetic",
                      step_key=np.concatenate(k_all), active_mass_g=active_mass_g)
