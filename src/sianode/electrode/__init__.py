"""Electrode and cell-balance rules shared by several stages (foundation layer).

* :mod:`.loading`   -- anode and cathode loadings from the N/P rule; N/P basis conversion.
* :mod:`.coating`   -- coating geometry (thickness, porosity, volume fractions), component densities,
  stack design defaults.
* :mod:`.formation` -- first-cycle lithium bookkeeping of a full cell: cell capacity, Li reservoir,
  plated Li, and the automatic prelithiation dose.

Nothing here imports a stage package (materials, mechanics, life, echem, cell): the stages pass in
what they computed (capacities, ICE, densities) and read back one answer.
"""
