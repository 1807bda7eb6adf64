"""The cycling protocol as the models need it: one C-rate per design (foundation layer)."""
from __future__ import annotations

from sianode.errors import InputError

#: C-rate used when the protocol gives neither ``c_rate`` nor ``current_A_g`` (schema ``c_rate_or_default``).
DEFAULT_C_RATE = 0.1


def c_rate(protocol, reversible_capacity_mAh_g: float) -> float:
    """C-rate (1/h) of a protocol: ``c_rate``, or ``current_A_g`` over the reversible capacity (1 A/g = 1000 mA/g)."""
    if protocol.c_rate is not None:
        return float(protocol.c_rate)
    if protocol.current_A_g is not None:
        if not reversible_capacity_mAh_g > 0:
            raise InputError("a current in A/g needs a reversible capacity > 0 to become a C-rate",
                             field="protocol.current_A_g")
        return float(protocol.current_A_g) * 1000.0 / float(reversible_capacity_mAh_g)
    return DEFAULT_C_RATE
