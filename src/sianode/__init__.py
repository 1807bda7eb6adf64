"""sianode: silicon-anode science, computable.

Design an anode and predict what it does (materials, mechanics, interphase, life,
electrochemistry, cell), analyse measured data, and compare with the published record.
"""
import os as _os

# Machines here have no internet; PyBaMM must never try to phone home.
_os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

__version__ = "0.1.0"

from sianode.errors import SianodeError, InputError, SolverError  # noqa: E402

__all__ = ["__version__", "SianodeError", "InputError", "SolverError"]
