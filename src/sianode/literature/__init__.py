"""sianode.literature: the published Si-anode record, queryable and comparable.

Curated from the five seed reviews (``seeds/000`` … ``004``): performance records
(one measurement configuration each, numbers as published plus normalised columns,
provenance on every row) and property tables (anode materials, solid electrolytes,
synthesis routes, industrial targets). Source of truth: the CSV files in
``sianode/literature/data/``; they are validated and loaded into an embedded SQLite
database at first use (:func:`sianode.literature.build.connect`).

Main entry points
-----------------
* :func:`records` — filter the records (``family``, ``electrolyte``, ``min_cycles`` …)
* :func:`show` — one record with all fields
* :func:`table` — a property table
* :func:`compare_result` / :func:`load_result` — rank a result among the published ones
  (module :mod:`sianode.literature.compare`)
* :func:`report_sections` — the "How this compares with the literature" report section
"""
from sianode.literature import compare  # noqa: F401  (module, so sianode.literature.compare.X works)
from sianode.literature.compare import compare as compare_result
from sianode.literature.compare import load_result, report_sections, write_report
from sianode.literature.query import records, show, table

__all__ = ["records", "show", "table", "compare_result", "load_result", "report_sections", "write_report"]
