"""Echem case: the 002 rate table, with the points used for calibration marked as fits."""
from __future__ import annotations

from sianode.validation.cases import CaseOutput, adapter

#: The 002 rate points (A/g -> reversible mAh/g) passed to the calibration. The values are the
#: references of case rate-002 (references.toml); the calibration reads them from there. The Si
#: diffusivity and rate-constant factors are fitted on the three low-rate points; 2, 5 and 8 A/g are
#: extrapolations beyond the fitted range.
FIT_CURRENTS_A_G = (0.2, 0.5, 1.0)
PREDICT_CURRENTS_A_G = (5.0, 2.0, 8.0)


@adapter("rate-002")
def rate_002() -> CaseOutput:
    from sianode.chain import upstream_for
    from sianode.echem.calibrate import calibrate
    from sianode.validation.designs import load_case_design
    from sianode.validation.references import load

    points = {float(q.key): q.reference for q in load().cases["rate-002"].quantities}
    design = load_case_design("p_msi_002_half.toml")
    up = upstream_for(design, "echem")
    cal = calibrate(design, points=points, fit_currents=FIT_CURRENTS_A_G, predict_currents=PREDICT_CURRENTS_A_G,
                    upstream=up, fit_k=True)
    vals = {f"{r.current_A_g:.1f}": float(r.simulated_mAh_g) for r in cal["table"].itertuples()}
    mat = up["materials"].data
    return CaseOutput(vals, details={"fitted Si diffusivity factor": cal["d_factor"],
                                     "fitted Si rate-constant factor": cal["k_factor"],
                                     "fitted Si diffusivity (m2/s)": cal["diffusivity_m2_s"],
                                     "Si diffusion radius (m)": mat.si_diffusion_radius_m,
                                     "formed capacity of the materials stage (mAh/g)": mat.reversible_capacity_mAh_g,
                                     "fit RMS relative error": cal["fit_rms_rel_error"]},
                      table=cal["table"])
