"""sianode.echem: electrochemical simulation of silicon anodes on PyBaMM.

* :func:`sianode.echem.parameters.from_design` -- design -> parameter set with provenance
* :class:`sianode.echem.simulate.CellSimulator` -- one compiled PyBaMM model, many currents/temperatures
* :mod:`sianode.echem.experiments` -- rate, fast charge, temperature, partial SOC, GITT
* :func:`sianode.echem.simulate.expansion_amplitude` -- Si expansion swing of an anode-SOC window (life stage)
* :mod:`sianode.echem.calibrate`, :mod:`sianode.echem.bpx_io`, :mod:`sianode.echem.stage`
"""
