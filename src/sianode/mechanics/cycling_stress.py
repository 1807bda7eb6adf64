"""Stress in a Si sphere over one galvanostatic lithiation and delithiation, and its master curve.

What is modelled
----------------
Amorphous LixSi cycled at a constant C-rate: the Li profile of
:func:`sianode.mechanics.diffusion.galvanostatic_sphere` (Fick, constant D, surface cut-off at Li3.75Si
or at 0) drives

* the finite-strain elasto-plastic sphere, :func:`sianode.mechanics.plasticity.plastic_sphere` (LixSi law of
  :mod:`sianode.mechanics.lisi_law`, optional confining pressure on the surface), and
* the small-strain linear-elastic sphere, :func:`sianode.mechanics.sphere.elastic_sphere_stress`
  (eigenstrain relative to the start of each half cycle; what many papers report).

Delithiation starts from the uniformly lithiated, stress-free state. ``N_FRAMES`` frames per half cycle
(evenly spaced in time steps) are kept: state of lithiation, surface hoop, largest and surface von Mises,
centre hydrostatic stress.

Why a master curve
------------------
The problem has no intrinsic length. With ``rho = r / R`` and ``tau = t D / R^2`` the diffusion problem
depends only on the dimensionless rate

    beta = C R^2 / (3600 s x D)        (C-rate in 1/h, R particle radius, D Li diffusivity)

(surface flux ``-dx/drho = x_max beta / 3``, duration ``tau = 1 / beta``, time step ``1/(400 beta)``), and the
stress of a sphere depends only on the profile ``x(rho)`` (plasticity and elasticity have no length
scale either). So the frames are a function of ``(beta, host, confining pressure)`` alone.
:func:`solve` is the direct solve on the unit sphere. :func:`cycling_stress` reads the frames for unconfined
particles (``pressure = 0``, every liquid and gel cell) from a table of direct solves on a log grid of beta
(``data/cycling_stress_master.npz``, written by ``python -m sianode.mechanics.cycling_stress``) and
interpolates linearly in ``log10 beta``; it is vectorised over beta, so a batch of designs costs one table
look-up instead of four Newton solves per design.

Accuracy, measured against direct solves midway between all 160 table nodes (1/16 decade apart) and tested
at points spread over the range (tests/mechanics/test_cycling_stress.py):

* the maxima the stage uses (largest von Mises stress, plastic and linear elastic; largest surface von
  Mises stress, the binder load) are within 2 % of the direct solve (largest deviation seen 2.0 %, typically
  < 0.5 %), or within 0.1 MPa where they are below 5 MPa (beta < 1e-4: there the direct solve itself is
  only accurate to ~0.1 MPa, its Newton tolerance being 1e-6 of ``E R^2`` in the residual);
* individual frames (the report's stress-vs-lithiation curves) are within 15 % of their half cycle's peak
  stress: when beta changes, the run's number of time steps changes by whole steps and the frames (taken
  at step indices) shift in time, which the interpolation does not follow;
* the state of lithiation of each frame within 0.005.

Below the table (beta < ``BETA_MIN``, stresses < 0.01 MPa) the stresses are scaled by ``beta / BETA_MIN`` (the
small-gradient limit: stress proportional to the Li gradient, proportional to beta); above it (beta >
``BETA_MAX``, particles that reach the cut-off within a few time steps) the direct solve is used. Confined
particles (solid electrolytes, ``pressure > 0``) and ``host="crystalline"`` are solved directly and cached per
``(beta, host, pressure)``: the table has no pressure axis yet.

The table carries a fingerprint of everything it depends on (the LixSi law and the Li-Si volume law on a
grid of x, the solver settings); a table that does not match the code is not used (a warning is emitted,
direct solves are used instead) and the test suite fails until the table is regenerated.
"""
from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from sianode.errors import InputError
from sianode.materials import lisi
from sianode.materials.utilisation import si_diffusivity_m2_s
from sianode.mechanics import lisi_law
from sianode.mechanics.diffusion import galvanostatic_sphere
from sianode.mechanics.plasticity import plastic_sphere
from sianode.mechanics.properties import LISI
from sianode.mechanics.sphere import elastic_sphere_stress

N_NODES = 41          # reference nodes of the plastic sphere (40 diffusion shells)
N_FRAMES = 25         # frames kept per half cycle
HOSTS = ("amorphous", "crystalline")
PROCESSES = ("cycling lithiation", "cycling delithiation")
#: Per-frame fields of the plastic model (per host) and of the linear-elastic model (host independent).
PLASTIC_FIELDS = ("surface_hoop_Pa", "max_von_mises_Pa", "center_hydrostatic_Pa", "surface_von_mises_Pa")
LINEAR_FIELDS = ("surface_hoop_Pa", "max_von_mises_Pa", "center_hydrostatic_Pa")
#: Table range in beta and grid spacing (decades per node).
BETA_MIN, BETA_MAX, DECADE_STEP = 1e-6, 1e4, 1.0 / 16.0
TABLE_FILE = "cycling_stress_master.npz"
#: Bump when the direct solve changes in a way the law fingerprint does not see.
SOLVER_VERSION = 1


def dimensionless_rate(radius_m, c_rate, diffusivity_m2_s=None):
    """``beta = C R^2 / (3600 D)`` (module docstring); vectorised. D: the given (calibrated) value, else the a-Si
    default (:func:`sianode.materials.utilisation.si_diffusivity_m2_s`, the one owner of that default)."""
    R = np.asarray(radius_m, dtype=float)
    C = np.asarray(c_rate, dtype=float)
    D = np.asarray(si_diffusivity_m2_s(diffusivity_m2_s), dtype=float)
    if np.any(~np.isfinite(R)) or np.any(R <= 0):
        raise InputError(f"particle radius must be > 0, got {radius_m}", field="radius_m")
    if np.any(~np.isfinite(C)) or np.any(C <= 0):
        raise InputError(f"C-rate must be > 0, got {c_rate}", field="protocol.c_rate")
    if np.any(np.asarray(D) <= 0):
        raise InputError("diffusivity must be > 0", field="diffusivity_m2_s")
    return C * R ** 2 / (3600.0 * D)


@dataclass
class Frames:
    """Frames of one lithiation (index 0) and delithiation (index 1), leading axis = designs.

    ``state_of_lithiation``: (n, 2, N_FRAMES); ``plastic`` / ``linear``: ``{field: (n, 2, N_FRAMES)}`` in Pa.
    """

    state_of_lithiation: np.ndarray
    plastic: dict
    linear: dict

    @property
    def max_von_mises_Pa(self) -> np.ndarray:
        """Largest von Mises stress anywhere in the particle, plastic model (n,)."""
        return self.plastic["max_von_mises_Pa"].max(axis=(-2, -1))

    @property
    def max_von_mises_linear_Pa(self) -> np.ndarray:
        return self.linear["max_von_mises_Pa"].max(axis=(-2, -1))

    @property
    def max_surface_von_mises_Pa(self) -> np.ndarray:
        return self.plastic["surface_von_mises_Pa"].max(axis=(-2, -1))

    @property
    def max_surface_hoop_tension_Pa(self) -> np.ndarray:
        return np.maximum(self.plastic["surface_hoop_Pa"].max(axis=(-2, -1)), 0.0)

    def rows(self, i: int = 0) -> list[dict]:
        """Tidy rows (process, model, state_of_lithiation, surface_hoop_Pa, max_von_mises_Pa,
        center_hydrostatic_Pa) of design ``i``, for reports."""
        out = []
        for p, proc in enumerate(PROCESSES):
            for model, f in (("finite-strain plastic", self.plastic), ("linear elastic", self.linear)):
                for j in range(N_FRAMES):
                    out.append({"process": proc, "model": model,
                                "state_of_lithiation": float(self.state_of_lithiation[i, p, j]),
                                "surface_hoop_Pa": float(f["surface_hoop_Pa"][i, p, j]),
                                "max_von_mises_Pa": float(f["max_von_mises_Pa"][i, p, j]),
                                "center_hydrostatic_Pa": float(f["center_hydrostatic_Pa"][i, p, j])})
        return out


def _frame_index(n_t: int) -> np.ndarray:
    idx = np.unique(np.linspace(0, n_t - 1, N_FRAMES).astype(int))
    return np.concatenate([idx, np.full(N_FRAMES - len(idx), idx[-1])])  # pad short runs with the last frame


def _diffusion(beta: float):
    """Li profiles of the two half cycles on the unit sphere (c-rate 1, D = 1 / (3600 beta))."""
    D = 1.0 / (3600.0 * beta)
    return [galvanostatic_sphere(1.0, D, 1.0, lithiation=lith, n_r=N_NODES - 1) for lith in (True, False)]


def solve(beta: float, hosts=HOSTS, pressure: float = 0.0) -> dict:
    """Direct solve at one beta: ``{"state_of_lithiation": (2, F), "linear": {...}, "plastic": {host: {...}}}``.

    ``pressure``: confining (Cauchy) pressure on the particle surface, Pa, for the plastic model.
    """
    if not np.isfinite(beta) or beta <= 0:
        raise InputError(f"dimensionless rate must be > 0, got {beta}", field="beta")
    R = np.linspace(0.0, 1.0, N_NODES)
    E_lin, nu = LISI["E_host_amorphous"].value, LISI["nu"].value
    x_full = lisi.X_MAX_PRACTICAL
    sol = np.zeros((2, N_FRAMES))
    lin = {f: np.zeros((2, N_FRAMES)) for f in LINEAR_FIELDS}
    pl = {h: {f: np.zeros((2, N_FRAMES)) for f in PLASTIC_FIELDS} for h in hosts}
    for p, d in enumerate(_diffusion(beta)):
        lith = p == 0
        idx = _frame_index(len(d.t))
        sol[p] = d.x_mean[idx] / x_full
        xn = np.array([np.interp(R, d.r, d.x[i]) for i in idx])
        if not lith:  # start delithiation from the fully lithiated, stress-free state
            xn = np.vstack([np.full(N_NODES, x_full), xn])
        for h in hosts:
            res = plastic_sphere(R, xn, host=h, external_pressure=pressure)
            s = slice(1, None) if not lith else slice(0, None)
            rad, hoop = res.radial[s], res.hoop[s]
            pl[h]["surface_hoop_Pa"][p] = hoop[:, -1]
            pl[h]["max_von_mises_Pa"][p] = np.max(np.abs(rad - hoop), axis=1)
            pl[h]["surface_von_mises_Pa"][p] = np.abs(rad - hoop)[:, -1]
            pl[h]["center_hydrostatic_Pa"][p] = (rad[:, 0] + 2 * hoop[:, 0]) / 3
        eig = np.asarray(lisi.linear_strain(d.x[idx], host="amorphous"))
        if not lith:
            eig = eig - float(lisi.linear_strain(x_full, host="amorphous"))
        el = elastic_sphere_stress(np.concatenate([[0.0], d.r, [1.0]]),
                                   np.concatenate([eig[:, :1], eig, eig[:, -1:]], axis=1), E_lin, nu)
        lin["surface_hoop_Pa"][p] = el.hoop[:, -1]
        lin["max_von_mises_Pa"][p] = np.max(el.von_mises, axis=1)
        lin["center_hydrostatic_Pa"][p] = el.hydrostatic[:, 0]
    return {"state_of_lithiation": sol, "linear": lin, "plastic": pl}


def fingerprint() -> str:
    """Hash of everything the frames depend on besides beta: the laws on a grid of x and the solver settings."""
    x = np.linspace(0.0, lisi.X_MAX_PRACTICAL, 76)
    p = np.linspace(-3e9, 3e9, 13)
    parts = [np.asarray(lisi.volume_ratio(x, host=h), dtype=float) for h in HOSTS]
    parts += [np.asarray(lisi_law.young_modulus(x, h), dtype=float) for h in HOSTS]
    parts += [np.asarray(lisi_law.poisson_ratio(x), dtype=float), np.asarray(lisi.linear_strain(x, host="amorphous"))]
    parts += [np.asarray(lisi_law.flow_stress(x[:, None], p[None, :], host=h), dtype=float).ravel() for h in HOSTS]
    parts += [np.array([LISI["E_host_amorphous"].value, LISI["nu"].value, lisi.X_MAX_PRACTICAL,
                        lisi.X_MAX_THEORETICAL, N_NODES, N_FRAMES, SOLVER_VERSION], dtype=float)]
    # 9 significant digits: stable against last-bit differences of libm between machines
    text = ";".join(",".join(f"{v:.9g}" for v in np.ravel(a)) for a in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def beta_grid() -> np.ndarray:
    n = int(round((np.log10(BETA_MAX) - np.log10(BETA_MIN)) / DECADE_STEP)) + 1
    return np.logspace(np.log10(BETA_MIN), np.log10(BETA_MAX), n)


def build_table(betas=None, workers: int = 1) -> dict:
    """Direct solves on the beta grid (amorphous host, unconfined) as arrays ready for :func:`write_table`."""
    betas = beta_grid() if betas is None else np.asarray(betas, dtype=float)
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as ex:
            sols = list(ex.map(_solve_amorphous, betas))
    else:
        sols = [_solve_amorphous(b) for b in betas]
    out = {"log10_beta": np.log10(betas), "state_of_lithiation": np.array([s["state_of_lithiation"] for s in sols])}
    for f in LINEAR_FIELDS:
        out[f"linear/{f}"] = np.array([s["linear"][f] for s in sols])
    for f in PLASTIC_FIELDS:
        out[f"plastic/{f}"] = np.array([s["plastic"]["amorphous"][f] for s in sols])
    return out


def _solve_amorphous(beta: float) -> dict:
    return solve(beta, ("amorphous",))


def write_table(path, table: dict) -> None:
    np.savez_compressed(path, fingerprint=np.array(fingerprint()),
                        **{k.replace("/", "__"): (v if k == "log10_beta" else v.astype(np.float32))
                           for k, v in table.items()})


@lru_cache(maxsize=1)
def _table():
    """The shipped table as float64 arrays, or None (with a warning) when it does not match the code."""
    try:
        ref = resources.files("sianode.mechanics").joinpath("data", TABLE_FILE)
        with ref.open("rb") as fh, np.load(fh) as z:
            data = {k.replace("__", "/"): np.asarray(z[k], dtype=float) for k in z.files if k != "fingerprint"}
            fp = str(z["fingerprint"])
    except FileNotFoundError:
        warnings.warn(f"sianode.mechanics: {TABLE_FILE} is missing; cycling stress is solved per design (slow). "
                      "Write it with `python -m sianode.mechanics.cycling_stress`", stacklevel=3)
        return None
    if fp != fingerprint():
        warnings.warn(f"sianode.mechanics: {TABLE_FILE} was built with other LixSi laws or solver settings "
                      f"({fp} != {fingerprint()}); cycling stress is solved per design (slow). Regenerate it with "
                      "`python -m sianode.mechanics.cycling_stress`", stacklevel=3)
        return None
    return data


@lru_cache(maxsize=4096)
def _solve_cached(beta: float, host: str, pressure: float):
    s = solve(beta, (host,), pressure)
    return s["state_of_lithiation"], s["linear"], s["plastic"][host]


def _direct(betas, host, pressure) -> Frames:
    sols = [_solve_cached(float(b), host, float(pressure)) for b in betas]
    return Frames(state_of_lithiation=np.array([s[0] for s in sols]),
                  linear={f: np.array([s[1][f] for s in sols]) for f in LINEAR_FIELDS},
                  plastic={f: np.array([s[2][f] for s in sols]) for f in PLASTIC_FIELDS})


def cycling_stress(beta, host: str = "amorphous", pressure: float = 0.0, method: str = "table") -> Frames:
    """Frames of one cycle for each beta (1-D array or scalar), ``host`` 'amorphous' or 'crystalline'.

    ``method="table"`` (default): the master curve where it applies (module docstring), otherwise the direct
    solve; ``"direct"``: always the direct solve (the reference the table is checked against).
    """
    b = np.atleast_1d(np.asarray(beta, dtype=float))
    if b.ndim != 1 or np.any(~np.isfinite(b)) or np.any(b <= 0):
        raise InputError(f"dimensionless rate must be finite and > 0, got {beta}", field="beta")
    if host not in HOSTS:
        raise InputError(f"host must be one of {HOSTS}, got {host!r}", field="active.phase")
    if method not in ("table", "direct"):
        raise InputError(f"method must be 'table' or 'direct', got {method!r}", field="method")
    if not np.isfinite(pressure) or pressure < 0:
        raise InputError("confining pressure must be >= 0", field="pressure")
    table = _table() if (method == "table" and pressure == 0.0 and host == "amorphous") else None
    if table is None:
        return _direct(b, host, pressure)
    lb = table["log10_beta"]
    inside = b <= BETA_MAX * (1 + 1e-12)
    out = Frames(state_of_lithiation=np.empty((len(b), 2, N_FRAMES)),
                 linear={f: np.empty((len(b), 2, N_FRAMES)) for f in LINEAR_FIELDS},
                 plastic={f: np.empty((len(b), 2, N_FRAMES)) for f in PLASTIC_FIELDS})
    if np.any(inside):
        x = np.log10(np.maximum(b[inside], BETA_MIN))
        i = np.clip(np.searchsorted(lb, x, side="right") - 1, 0, len(lb) - 2)
        w = ((x - lb[i]) / (lb[i + 1] - lb[i]))[:, None, None]
        # below the table: stress proportional to beta (small-gradient limit), state of lithiation unchanged
        scale = (np.minimum(b[inside], BETA_MIN) / BETA_MIN)[:, None, None]

        def lerp(a, stress=True):
            v = (1 - w) * a[i] + w * a[i + 1]
            return v * scale if stress else v

        out.state_of_lithiation[inside] = lerp(table["state_of_lithiation"], stress=False)
        for f in LINEAR_FIELDS:
            out.linear[f][inside] = lerp(table[f"linear/{f}"])
        for f in PLASTIC_FIELDS:
            out.plastic[f][inside] = lerp(table[f"plastic/{f}"])
    if not np.all(inside):
        d = _direct(b[~inside], host, pressure)
        out.state_of_lithiation[~inside] = d.state_of_lithiation
        for f in LINEAR_FIELDS:
            out.linear[f][~inside] = d.linear[f]
        for f in PLASTIC_FIELDS:
            out.plastic[f][~inside] = d.plastic[f]
    return out


def _main() -> None:  # python -m sianode.mechanics.cycling_stress [--workers N]
    import argparse
    import time
    from pathlib import Path

    ap = argparse.ArgumentParser(description="Write the cycling-stress master table (direct solves on the beta grid).")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / TABLE_FILE)
    a = ap.parse_args()
    t0 = time.perf_counter()
    table = build_table(workers=a.workers)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    write_table(a.out, table)
    print(f"wrote {a.out} ({len(table['log10_beta'])} beta nodes, fingerprint {fingerprint()}) "
          f"in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    _main()
