"""`sianode validation`: every model held against the published record, in one command.

Data: ``references.toml`` (reference values with units and sources, tolerances with justifications,
cases), ``known_gaps.toml`` (why a quantity misses today), ``recorded_status.json`` (the status the
test suite guards against regressions). Code: ``cases/`` (one adapter per case, the only place a
case calls a model), :mod:`.status` (pass / known-gap / fail), :mod:`.runner`, :mod:`.report`
(HTML, JSON, table), :mod:`.record` (recorded status, docs/validation.md).
"""
from sianode.validation.references import load as load_record
from sianode.validation.runner import Row, Run, run, score, score_line

__all__ = ["Row", "Run", "load_record", "run", "score", "score_line"]
