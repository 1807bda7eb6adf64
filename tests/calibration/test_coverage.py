"""The calibration's 95 % intervals contain the truth >= 90 % of the time over synthetic cells (issue 17)."""
from sianode.calibration.coverage import coverage_experiment


def test_95_percent_intervals_cover_the_truth_over_many_synthetic_data_sets():
    # 40 data sets x 40 cycles, truths drawn from the priors, 0.3 % capacity and 0.05 pp CE noise; ~10 s
    df = coverage_experiment(n_sets=40, n_cycles=40, n_particles=300, seed=11)
    n = len(df)
    assert n == 40 * 10  # 8 life parameters + capacity + ICE per data set
    cov = df["covered"].mean()
    assert cov >= 0.90, df.groupby("parameter")["covered"].mean()
    # not vacuous: the data identify something (a posterior much narrower than the prior), and the identified
    # parameters' intervals cover too
    ident = df[df["width_ratio"] < 0.5]
    assert len(ident) >= 20
    assert ident["covered"].mean() >= 0.85
    assert (df.groupby("parameter")["covered"].mean() >= 0.75).all()
