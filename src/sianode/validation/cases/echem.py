"""Echem case: the 002 rate table, with the points used for calibration marked as fits."""
from __future__ import annotations

from sianode.validation.cases import CaseOutput, adapter

#: The 002 rate points (A/g -> reversible mAh/g) passed to the calibration. The values are the
#: references of case rate-002 (references.toml); the calibration reads them from there.
FIT_CURRENTS_A_G = (1.0, 8.0)
PREDICT_CURRENT_A_G = 5.0


@adapter("rate-002")
def rate_002() -> CaseOutput:
    from sianode.chain import upstream_for
    from sianode.echem import parameters as P
    from sianode.echem.calibrate import calibrate
    from sianode.echem.simulate import CellSimulator
    from sianode.validation.designs import load_case_design
    from sianode.validation.references import load

    points = {float(q.key): q.reference for q in load().cases["rate-002"].quantities}
    design = load_case_design("p_msi_002_half.toml")
    up = upstream_for(design, "echem")
    cal = calibrate(design, points=points, fit_currents=FIT_CURRENTS_A_G, predict_current=PREDICT_CURRENT_A_G,
                    upstream=up)
    vals = {f"{r.current_A_g:.1f}": float(r.simulated_mAh_g) for r in cal["table"].itertuples()}
    # the remaining rate points, predicted with the fitted factors on the same model
    sim = CellSimulator(P.from_design(design, up))
    for cur in sorted(set(points) - {float(k) for k in vals}):
        lith, deli = sim.cycle(cur * sim.active_mass_g, d_factor=cal["d_factor"], k_factor=cal["k_factor"])
        vals[f"{cur:.1f}"] = float(sim.summarize_cycle(lith, deli)["delithiation_capacity_mAh_g"])
    return CaseOutput(vals, details={"fitted Si diffusivity factor": cal["d_factor"],
                                     "fitted Si rate-constant factor": cal["k_factor"],
                                     "fitted Si diffusivity (m2/s)": cal["diffusivity_m2_s"],
                                     "fit RMS relative error": cal["fit_rms_rel_error"]})
