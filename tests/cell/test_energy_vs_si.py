"""The energy-vs-Si report table: a design that fits its can never fails because other Si contents do not."""
import numpy as np

from sianode.chain import run_stage
from sianode.design.loader import load_example


def _roll(si_fraction: float, length_mm: float):
    """The bundled 18650 (fixed cathode strip) with more SiOx and a longer strip."""
    d = load_example("siox_graphite_nca_18650")
    cyl = d.cell.cylindrical.model_copy(update={"cathode_length_mm": length_mm})
    return d.model_copy(update={"active": d.active.model_copy(update={"si_fraction": si_fraction}),
                                "cell": d.cell.model_copy(update={"cylindrical": cyl})})


def test_infeasible_si_contents_are_empty_rows_with_the_reason():
    # 700 mm fits with 40 % SiOx but not with the thicker graphite-rich anodes of the table's low Si contents
    r = run_stage(_roll(0.4, 700.0), "cell")
    assert r.summary["specific_energy_Wh_kg"] > 0
    es = r.tables["energy_vs_si"]
    assert len(es) == 41
    bad = es["note"] != ""
    assert bad.iloc[0] and not bad.iloc[-1]  # pure graphite does not fit, the pure Si component does
    assert es["note"][bad].str.contains("cathode_length_mm").all()
    assert es.loc[bad, "specific_energy_Wh_kg"].isna().all()
    assert np.isfinite(es.loc[~bad, "specific_energy_Wh_kg"]).all()
    # a feasible point has the numbers it has in a table where every point fits (the shorter roll: same stack)
    ok = run_stage(_roll(0.4, 500.0), "cell").tables["energy_vs_si"]
    assert (ok["note"] == "").all()
    i = int(np.flatnonzero(~bad.to_numpy())[-1])
    assert es["average_voltage_V"].iloc[i] == ok["average_voltage_V"].iloc[i]
