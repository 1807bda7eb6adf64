"""Fixtures shared across test modules."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def example_runs():
    """One full chain run (every stage) per bundled example design, shared by the tests that need one
    (summaries in tests/test_consistency.py, report pages in tests/report/test_report_pages.py)."""
    from sianode.chain import ModelChain
    from sianode.design.loader import example_names, load_example

    return {name: ModelChain(load_example(name)).run() for name in example_names()}
