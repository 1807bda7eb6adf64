"""Moved to the foundation layer: :mod:`sianode.electrode.loading` (kept so old imports keep working)."""
from sianode.electrode.loading import (FullCellLoadings, full_cell_loadings, implied_np_ratio,  # noqa: F401
                                       np_ratio_on_basis, np_ratio_reversible)
