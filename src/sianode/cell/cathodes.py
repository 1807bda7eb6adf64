"""Moved to the foundation layer: :mod:`sianode.cathodes` (kept here so old imports keep working)."""
from sianode.cathodes import (CATHODES, CathodeMaterial, get_cathode, mean_voltage_V,  # noqa: F401
                              xray_density_g_cm3)
