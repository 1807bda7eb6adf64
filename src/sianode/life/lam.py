"""Loss of active material (LAM): fracture, dead Si isolated by SEI, binder fatigue.

Three mechanisms, each a per-cycle law on vectors of designs:

1. **Particle fracture** (stress-driven LAM; Laresgoiti et al. 2015, Reniers et al. 2019, the
   PyBaMM "stress-driven" LAM submodel): the fraction of the remaining active material lost
   per cycle is

       dLAM_f = beta_f (eps / eps_ref)^m_f       if the particle fractures (mechanics stage)

   where ``eps`` is the surface hoop strain amplitude in the actual SOC window and ``eps_ref``
   the amplitude of a full (0–100 %) cycle, so ``beta_f`` is the loss per full cycle. For
   linear-elastic particles stress is proportional to strain, so this is PyBaMM's
   ``(sigma/sigma_c)^m`` law evaluated once per cycle. Particles below the critical size
   (seeds/004 §2.1: ~150 nm) do not fracture (``fractures = False``).

2. **Dead Si** (seeds/000 §3): as the SEI thickens it breaks the percolation between particles
   and the conductive network. With a Weibull distribution of the SEI thickness each contact
   tolerates (scale ``L_iso``, shape ``m``) the isolated fraction is

       I(L) = 1 - exp(-(L / L_iso)^m).

3. **Binder fatigue**: cyclic strain of the electrode fatigues the binder network (power-law
   Basquin/Coffin–Manson form), ``dLAM_b = beta_b (eps / eps_b)^m_b`` with a binder-specific
   tolerable strain ``eps_b``.

The combined active fraction is ``a = (1 - I(L)) * prod_n (1 - dLAM_f - dLAM_b)``.

References: Laresgoiti et al., J. Power Sources 300 (2015) 112; Reniers, Mulder & Howey,
J. Electrochem. Soc. 166 (2019) A3189; seeds/000 §3 (dead Si), seeds/004 §2.1 (critical
diameter), seeds/001 §3.3 (binders).
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError
from sianode.life.window import positive_ratio
from sianode.provenance import Parameter

_ASSUMED = "assumed magnitude (calibrate with sianode calibrate)"

LAM_PARAMETERS: dict[str, Parameter] = {
    "debris_permeability": Parameter(
        10.0, "1", "transport through the cracked SEI debris left after breathing, relative to dense SEI; cracked "
        "SEI is porous and electrolyte-filled (seeds/000 §3: breathing leaves accumulating porous SEI debris)",
        _ASSUMED),
    "fracture_beta": Parameter(2e-3, "1/cycle", "PyBaMM OKane2022 'LAM constant proportional term' 2.78e-7 1/s "
                               "= 1e-3 per hour, i.e. ~2e-3 per 2 h cycle (Reniers et al. 2019 law)", _ASSUMED),
    "fracture_exponent": Parameter(2.0, "1", "PyBaMM OKane2022 'LAM constant exponential term' (Reniers et al. 2019)"),
    "isolation_thickness": Parameter(100e-9, "m", "seeds/000 §3 (thickening SEI isolates Si); SEI on cycled Si "
                                     "reaches ~100 nm (seeds/001 §3.1, Yoon et al. critical 100-130 nm)", _ASSUMED),
    "isolation_shape": Parameter(2.0, "1", "Weibull shape of contact tolerance", _ASSUMED),
    "binder_beta": Parameter(1e-5, "1/cycle", "loss per cycle at the binder's tolerable strain, which is defined "
                             "as the strain amplitude with a fatigue life of ~1e5 cycles", _ASSUMED),
    "binder_exponent": Parameter(3.0, "1", "Basquin-type fatigue exponent of polymers (typ. 2-4)", _ASSUMED),
}

#: Tolerable cyclic strain of the binder network (higher = more fatigue resistant).
BINDER_STRAIN: dict[str, Parameter] = {
    "PVDF": Parameter(0.05, "1", "seeds/001 §3.3: PVDF binds by weak van der Waals forces, fails on Si", _ASSUMED),
    "CMC": Parameter(0.10, "1", "seeds/001 §3.3: carboxyl groups bond to Si surface OH", _ASSUMED),
    "CMC/SBR": Parameter(0.15, "1", "seeds/001 §3.3: SBR adds elasticity to CMC", _ASSUMED),
    "PAA": Parameter(0.15, "1", "seeds/001 §3.3: dense carboxyl hydrogen bonding", _ASSUMED),
    "LiPAA": Parameter(0.15, "1", "seeds/001 §3.3", _ASSUMED),
    "alginate": Parameter(0.15, "1", "seeds/001 §3.3", _ASSUMED),
    "PI": Parameter(0.20, "1", "seeds/001 §3.3: high-modulus, tough polyimide", _ASSUMED),
    "other": Parameter(0.10, "1", "generic", _ASSUMED),
}


def binder_strain(binder: str) -> float:
    """Tolerable cyclic strain of a binder from :data:`BINDER_STRAIN`."""
    if binder not in BINDER_STRAIN:
        raise InputError(f"unknown binder {binder!r}; allowed: {', '.join(BINDER_STRAIN)}", field="electrode.binder")
    return float(BINDER_STRAIN[binder])


def fracture_loss_per_cycle(strain_amplitude, reference_strain, fractures, beta=2e-3, exponent=2.0,
                            reference_positive=None):
    """Fraction of remaining active material lost to fracture in one cycle (mechanism 1).

    ``reference_positive``: True when every reference strain is known to be finite and > 0
    (:func:`sianode.life.window.positive_ratio`)."""
    ratio = positive_ratio(strain_amplitude, reference_strain, positive=reference_positive)
    return (np.asarray(fractures, float) * np.asarray(beta, float) * ratio ** np.asarray(exponent, float)).clip(0.0, 1.0)


def isolated_fraction(total_sei_thickness_m, isolation_thickness_m=100e-9, shape=2.0):
    """Fraction of particles electrically isolated by an SEI of given thickness (mechanism 2)."""
    L = np.asarray(total_sei_thickness_m, float)
    return 1.0 - np.exp(-(np.maximum(L, 0.0) / np.asarray(isolation_thickness_m, float)) ** np.asarray(shape, float))


def binder_loss_per_cycle(strain_amplitude, tolerable_strain, beta=1e-5, exponent=3.0):
    """Fraction of remaining active material disconnected by binder fatigue per cycle (mechanism 3)."""
    eps = np.asarray(strain_amplitude, float)
    return (np.asarray(beta, float) * (eps / np.asarray(tolerable_strain, float)) ** np.asarray(exponent, float)).clip(0.0, 1.0)
