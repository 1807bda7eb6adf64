"""Fracture of Si particles during two-phase lithiation: critical particle size.

Mechanism (Liu et al., ACS Nano 6 (2012) 1522; McDowell et al., Nano Lett. 13 (2013) 758; seeds/004
§2.1, §4.2): crystalline Si lithiates by a sharp front between a pristine core and an amorphous
Li-rich shell (Li3.75Si). The shell flows plastically; as the front moves inward the outer shell is
pushed out and stretched, so the surface hoop stress reverses from compression to tension (up to the
yield stress). Amorphous Si also lithiates by a front in its first step, but to Li~2.5Si (McDowell
2013), with a stiffer product.

Model
-----
1. Stress: :func:`sianode.mechanics.plasticity.plastic_sphere` (finite strain, elastic–perfectly-plastic,
   E(x)) driven by a sharp front that moves from the surface to the centre; optional confining
   pressure on the outer surface (stack pressure / solid electrolyte).
   Closed-form check, rigid-plastic shell (Zhao et al., J. Electrochem. Soc. 159 (2012) A238):
   ``sigma_t(r) = sigma_Y (1 - 2 ln(b/r))`` in the shell, ``sigma_t(b) = sigma_Y``.
2. Driving force: surface crack of depth c in the current hoop-stress profile, stress intensity by
   the edge-crack weight function (Glinka & Shen, Eng. Fract. Mech. 40 (1991) 1135; Bueckner 1970)

       K(c) = int_0^c sigma_t(s) m(s, c) ds,   G = K^2 (1 - nu^2) / E_shell

   The problem has no intrinsic length (rate-independent plasticity, sharp front), so G scales with
   the particle size: ``G_max = g * R0`` with g the maximum over front positions and crack depths.
3. Criterion: fracture when G_max >= Gamma → critical pristine diameter ``D_c = 2 Gamma / g``.
   Gamma is the fracture energy of Li-rich LixSi, Pharr, Suo & Vlassak, Nano Lett. 13 (2013) 5570:
   5.4 ± 2.2 to 6.9 ± 1.9 J/m2 at ~Li2.8Si (midpoint 6.15 J/m2 used), the measured composition
   closest to the Li2.5Si / Li3.75Si shell. D_c is proportional to Gamma.

Relation to the scaling estimate ``G = Z sigma_Y^2 h / E`` (Liu et al. 2012; Hutchinson & Suo,
Adv. Appl. Mech. 29 (1992) 63, channel crack Z = 1.976): :func:`uniform_tension_estimate` puts the
full yield stress on the whole tension layer ``h = b (1 - e^{-1/2})`` of the rigid-plastic shell. The
actual hoop stress falls linearly from sigma_Y at the surface to zero at that depth, so the weight-function
G is 2–4x smaller and D_c correspondingly larger; the estimate is a lower bound on D_c (tested).

Assumptions: spherical symmetry and isotropy (the anisotropic lithiation of c-Si, which concentrates
stress at {110} facets, is not modelled), plane-strain edge crack (upper bound on K for shallow
surface cracks), constant yield stress and fracture energy.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from sianode.errors import InputError
from sianode.materials import lisi
from sianode.mechanics.plasticity import plastic_sphere
from sianode.mechanics import lisi_law
from sianode.mechanics.properties import LISI, lisi_young_modulus

# Glinka & Shen (1991) weight-function coefficients for an edge crack in a half plane.
_M1, _M2, _M3 = 0.0719768, 0.246984, 0.529659

# Hutchinson & Suo, Adv. Appl. Mech. 29 (1992) 63: channel crack in a film without elastic mismatch.
CHANNEL_CRACK_Z = 1.976
# Pharr et al. 2013 ~Li2.8Si: lower bound minus its error, upper bound plus its error (J/m2).
FRACTURE_ENERGY_RANGE = (5.4 - 2.2, 6.9 + 1.9)

# Lithiated phase behind the first-lithiation front (x in LixSi).
FRONT_PRODUCT_X = {
    "crystalline": (3.75, "Liu et al., ACS Nano 6 (2012) 1522; Obrovac & Christensen 2004 (Li3.75Si)"),
    "amorphous": (2.5, "McDowell et al., Nano Lett. 13 (2013) 758 (first step a-Si -> Li~2.5Si)"),
}
OBSERVED_CRITICAL_DIAMETER_NM = {
    "crystalline": (150.0, "Liu et al., ACS Nano 6 (2012) 1522; seeds/004 §2.1, seeds/001 §1"),
    "amorphous": (870.0, "McDowell et al., Nano Lett. 13 (2013) 758 (no fracture up to 870 nm); seeds/004 §4.2"),
}


def edge_crack_K(depth, stress_profile):
    """Stress intensity (Pa sqrt(m)) of an edge crack of depth ``depth`` (m) in a stress field.

    ``stress_profile(s)`` gives the crack-opening stress (Pa) at depth s below the surface.
    Weight-function integral with the substitution s = c (1 - u^2), exact for the constant case
    (K = 1.1215 sigma sqrt(pi c)) to 0.5 %.
    """
    c = np.asarray(depth, dtype=float)[..., None]
    u = np.linspace(0.0, 1.0, 401)
    s = c * (1 - u ** 2)
    m = 2.0 / np.sqrt(2 * np.pi) * (1 + _M1 * u + _M2 * u ** 2 + _M3 * u ** 3)
    k = np.trapezoid(stress_profile(s) * m * 2 * np.sqrt(c), u, axis=-1)
    return float(k) if k.ndim == 0 else k


@dataclass
class FrontStressResult:
    front_fraction: np.ndarray  # reference front radius / R0 for each step
    r: np.ndarray               # current radius at Gauss points (n_steps, n_g), normalised by R0
    hoop: np.ndarray            # Pa
    radial: np.ndarray          # Pa
    outer: np.ndarray           # current outer radius / R0

    @property
    def surface_hoop(self):
        return self.hoop[:, -1]


@lru_cache(maxsize=64)
def _front_stress(phase: str, pressure: float, yield_stress: float | None, n_nodes: int, n_steps: int) -> FrontStressResult:
    x_l = FRONT_PRODUCT_X[phase][0]
    R = np.linspace(0.0, 1.0, n_nodes)  # unit reference radius (problem is scale free)
    fronts = np.linspace(1.0, 0.04, n_steps)
    xh = np.array([np.where(R > f + 1e-12, x_l, 0.0) for f in fronts])
    # smear the front over one element so the jump sits inside an element
    res = plastic_sphere(R, xh, yield_stress=yield_stress, host=phase, external_pressure=pressure)
    return FrontStressResult(front_fraction=fronts, r=res.r, hoop=res.hoop, radial=res.radial, outer=res.outer_radius)


def front_stress(phase: str = "crystalline", pressure: float = 0.0, yield_stress: float | None = None,
                 n_nodes: int = 61, n_steps: int = 40) -> FrontStressResult:
    """Stress history of a unit sphere during sharp-front lithiation (see module docstring)."""
    if phase not in FRONT_PRODUCT_X:
        raise InputError(f"phase must be 'crystalline' or 'amorphous', got {phase!r}", field="active.phase")
    if pressure < 0:
        raise InputError("confining pressure must be >= 0", field="stack_pressure")
    sy = None if yield_stress is None else float(yield_stress)
    if sy is not None and sy <= 0:
        raise InputError("yield stress must be > 0", field="yield_stress")
    return _front_stress(phase, float(pressure), sy, int(n_nodes), int(n_steps))


@dataclass
class CriticalSize:
    phase: str
    critical_diameter_m: float
    g_per_radius: float          # max G / R0, J/m3
    max_surface_hoop_Pa: float
    worst_front_fraction: float
    worst_crack_depth_fraction: float  # c / current outer radius
    pressure_Pa: float
    fracture_energy: float
    shell_modulus: float
    observed_nm: float
    observed_source: str


def critical_diameter(phase: str = "crystalline", pressure: float = 0.0, fracture_energy: float | None = None,
                      yield_stress: float | None = None, n_nodes: int = 61, n_steps: int = 40) -> CriticalSize:
    """Critical pristine particle diameter (m) below which two-phase lithiation cannot drive a surface crack.

    pressure : confining pressure on the particle surface, Pa (raises the critical size).
    fracture_energy : J/m2 (default: the law's Gamma(x) at the shell composition, Pharr et al. 2013:
        6.15 J/m2 for the Li3.75Si shell of c-Si, 6.49 J/m2 for the Li2.5Si shell of a-Si).
    yield_stress : Pa (default: the LixSi law, x- and stress-sign dependent; a number for a constant value).
    Returns ``inf`` when the hoop stress never becomes tensile (fully confined).

    Results are cached per argument set (the problem is scale free: one solve per phase and pressure serves
    every particle size of a sweep); each call returns its own copy.
    """
    if phase not in FRONT_PRODUCT_X:
        raise InputError(f"phase must be 'crystalline' or 'amorphous', got {phase!r}", field="active.phase")
    fe = None if fracture_energy is None else float(fracture_energy)
    ys = None if yield_stress is None else float(yield_stress)
    return replace(_critical_diameter(phase, float(pressure), fe, ys, int(n_nodes), int(n_steps)))


@lru_cache(maxsize=256)
def _critical_diameter(phase: str, pressure: float, fracture_energy: float | None, yield_stress: float | None,
                       n_nodes: int, n_steps: int) -> CriticalSize:
    if phase not in FRONT_PRODUCT_X:
        raise InputError(f"phase must be 'crystalline' or 'amorphous', got {phase!r}", field="active.phase")
    x_l = FRONT_PRODUCT_X[phase][0]
    gam = float(lisi_law.fracture_energy(x_l) if fracture_energy is None else fracture_energy)
    if gam <= 0:
        raise InputError("fracture energy must be > 0", field="fracture_energy")
    fs = front_stress(phase, pressure, yield_stress, n_nodes, n_steps)
    E_s = float(lisi_young_modulus(x_l, host=phase))
    nu = float(lisi_law.poisson_ratio(x_l))
    best = (0.0, 0.0, 0.0)
    for k in range(len(fs.front_fraction)):
        b = fs.outer[k]
        depth = b - fs.r[k]           # depth below the current surface (per unit R0)
        order = np.argsort(depth)
        d_s, h_s = depth[order], fs.hoop[k][order]
        if h_s[0] <= 0:
            continue

        def prof(s, d_s=d_s, h_s=h_s):
            return np.interp(s, d_s, h_s)

        cfs = np.linspace(0.02, 0.8, 40)
        K = edge_crack_K(cfs * b, prof)
        g = np.where(K > 0, K ** 2 * (1 - nu ** 2) / E_s, 0.0)  # J/m2 for R0 = 1 m
        i = int(np.argmax(g))
        if g[i] > best[0]:
            best = (float(g[i]), fs.front_fraction[k], float(cfs[i]))
    obs, src = OBSERVED_CRITICAL_DIAMETER_NM[phase]
    g = best[0]
    d_c = 2 * gam / g if g > 0 else np.inf
    return CriticalSize(phase=phase, critical_diameter_m=float(d_c), g_per_radius=float(g),
                        max_surface_hoop_Pa=float(np.max(fs.surface_hoop)), worst_front_fraction=float(best[1]),
                        worst_crack_depth_fraction=float(best[2]), pressure_Pa=float(pressure), fracture_energy=gam,
                        shell_modulus=E_s, observed_nm=obs, observed_source=src)


def uniform_tension_estimate(phase: str = "crystalline", Z: float = CHANNEL_CRACK_Z, fracture_energy: float | None = None,
                             yield_stress: float | None = None) -> float:
    """Critical pristine diameter (m) from the scaling estimate ``G = Z sigma_Y^2 h / E_bar``.

    Uniform tension sigma_Y over the tension layer of the fully lithiated rigid-plastic shell,
    ``h = b (1 - exp(-1/2))`` with ``b = V(x)^{1/3} R0`` (zero of ``sigma_Y (1 - 2 ln(b/r))``, Zhao et al. 2012);
    ``E_bar = E_shell / (1 - nu^2)``; Z = 1.976 (channel crack, Hutchinson & Suo 1992) or
    ``pi 1.1215^2`` (edge crack). Overestimates G because the real hoop stress decays to zero across h,
    so it is a lower bound on :func:`critical_diameter` (same Gamma, sigma_Y, E).
    """
    if phase not in FRONT_PRODUCT_X:
        raise InputError(f"phase must be 'crystalline' or 'amorphous', got {phase!r}", field="active.phase")
    x_l = FRONT_PRODUCT_X[phase][0]
    gam = float(lisi_law.fracture_energy(x_l) if fracture_energy is None else fracture_energy)
    sy = float(lisi_law.flow_stress_tension(x_l) if yield_stress is None else yield_stress)
    if gam <= 0 or sy <= 0 or Z <= 0:
        raise InputError("fracture energy, yield stress and Z must be > 0", field="fracture_energy")
    e_bar = float(lisi_young_modulus(x_l, host=phase)) / (1 - float(lisi_law.poisson_ratio(x_l)) ** 2)
    h_per_r0 = float(lisi.volume_ratio(x_l, host=phase)) ** (1 / 3) * (1 - np.exp(-0.5))
    return 2 * gam * e_bar / (Z * sy ** 2 * h_per_r0)


def rigid_plastic_shell_hoop(r, outer_radius, yield_stress):
    """Closed-form hoop stress in a fully plastic lithiated shell (Zhao et al. 2012): sigma_Y (1 - 2 ln(b/r))."""
    return yield_stress * (1 - 2 * np.log(outer_radius / np.asarray(r, dtype=float)))


def confining_pressure(stack_pressure: float, sse_poisson_ratio: float | None = None) -> float:
    """Mean confining stress on a particle from a uniaxial stack pressure P (Pa).

    Laterally constrained elastic layer (oedometric): lateral stress = P nu/(1-nu), so the mean
    normal stress on an embedded particle is ``P (1 + 2 nu/(1-nu)) / 3``. Without a solid electrolyte
    (liquid cells) pass ``sse_poisson_ratio=None``: the liquid transmits no confinement and 0 is returned
    unless a stack pressure acts on a dense electrode, which we ignore (liquid-cell stack pressures
    are ~0.1–1 MPa).
    """
    if stack_pressure < 0:
        raise InputError("stack pressure must be >= 0", field="electrolyte.stack_pressure_MPa")
    if sse_poisson_ratio is None:
        return 0.0
    nu = sse_poisson_ratio
    return float(stack_pressure * (1 + 2 * nu / (1 - nu)) / 3.0)


def critical_diameter_scaled(phase: str, fracture_energy, flow_stress, shell_modulus, shell_poisson_ratio,
                             pressure: float = 0.0):
    """Vectorised critical diameter (m) for design sweeps: ``D_c = 2 Gamma E_bar_ref sigma_ref^2 / (g_ref E_bar sigma^2)``.

    The front problem has no length scale, and in the rigid-plastic limit the hoop stress scales with
    the flow stress (``sigma_t = sigma_Y (1 - 2 ln(b/r))``, Zhao et al. 2012), so ``G = g R0`` with
    ``g ∝ sigma^2 / E_bar``. ``g_ref`` comes from one full :func:`critical_diameter` solve with the
    LixSi law for ``phase`` (cached); the other designs follow by scaling. Exact in Gamma; in sigma it
    reproduces full solves with a constant flow stress to < 1 % (tested); the 1/E_bar scaling is the
    rigid-plastic limit (it neglects the elastic part of the stress profile).
    """
    c = critical_diameter(phase, pressure=pressure)
    x_l = FRONT_PRODUCT_X[phase][0]
    s_ref = float(lisi_law.flow_stress_tension(x_l))
    eb_ref = c.shell_modulus / (1 - float(lisi_law.poisson_ratio(x_l)) ** 2)
    gam, sig, E, nu = (np.asarray(a, dtype=float) for a in (fracture_energy, flow_stress, shell_modulus, shell_poisson_ratio))
    if np.any(gam <= 0) or np.any(sig <= 0) or np.any(E <= 0) or np.any((nu <= -1) | (nu >= 0.5)):
        raise InputError("fracture energy, flow stress and modulus must be > 0, Poisson ratio in (-1, 0.5)",
                         field="fracture_energy")
    e_bar = E / (1 - nu * nu)
    g = c.g_per_radius * (sig / s_ref) ** 2 * (eb_ref / e_bar)
    return 2.0 * gam / g
