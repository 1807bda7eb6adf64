"""Shared fixtures of the analysis tests."""
from __future__ import annotations

from pathlib import Path

import pytest

REAL = Path(__file__).parents[2] / ".." / "shared" / "realdata"


@pytest.fixture
def realdata():
    """``realdata("cellpy/x.res")``: the path in ../shared/realdata, or skip when it is absent."""
    def get(rel: str) -> Path:
        p = REAL / rel
        if not p.exists():
            pytest.skip(f"shared real data not present: {rel}")
        return p
    return get
