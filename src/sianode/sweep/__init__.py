"""Design-space sweeps (an interface, like the CLI): SPEC -> designs -> evaluation (local or Dask) -> Parquet + report.

Modules: :mod:`.spec` (the SPEC file), :mod:`.sampling` (grid / random / Latin hypercube designs),
:mod:`.evaluate` (the evaluator interface: per-design chain and batch), :mod:`.runner` (chunks, Dask,
resume), :mod:`.store` (Parquet parts), :mod:`.report` (report.html, best designs), :mod:`.cli`.
"""
