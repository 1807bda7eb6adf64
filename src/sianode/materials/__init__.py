"""sianode.materials: Li–Si phases, voltage with hysteresis, composites (capacity, ICE, expansion).

Modules: :mod:`~sianode.materials.lisi` (phases, capacity, volume), :mod:`~sianode.materials.voltage`
(OCV branches, graphite), :mod:`~sianode.materials.surface` (areas, SEI charge),
:mod:`~sianode.materials.composites` (composite properties), :mod:`~sianode.materials.stage`
(chain stage ``run``/``report``).
"""
from sianode.materials.composites import CompositeProperties, composite_properties
from sianode.materials.lisi import (PHASES, X_MAX_PRACTICAL, X_MAX_THEORETICAL, capacity_mAh_g_from_x,
                                    theoretical_capacity_mAh_g, volume_ratio, volumetric_expansion,
                                    x_from_capacity_mAh_g)
from sianode.materials.voltage import (GRAPHITE_CAPACITY_MAH_G, graphite_ocv_V, hysteresis_V,
                                       ocv_delithiation_V, ocv_lithiation_V, ocv_mean_V)

__all__ = ["CompositeProperties", "composite_properties", "PHASES", "X_MAX_PRACTICAL", "X_MAX_THEORETICAL",
           "capacity_mAh_g_from_x", "theoretical_capacity_mAh_g", "volume_ratio", "volumetric_expansion",
           "x_from_capacity_mAh_g", "GRAPHITE_CAPACITY_MAH_G", "graphite_ocv_V", "hysteresis_V",
           "ocv_delithiation_V", "ocv_lithiation_V", "ocv_mean_V"]
