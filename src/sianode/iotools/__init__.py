"""sianode.iotools: cycler files (Neware, BioLogic, Arbin, Maccor, CSV) -> one tidy schema.

>>> from sianode.iotools import read, read_many
>>> df = read("cell.ndax")            # format auto-detected
>>> df = read_many(["t_01.res", "t_02.res"])   # parts of one test, merged in order

See :mod:`sianode.iotools.schema` for the columns and the sign convention.
"""
from sianode.iotools.detect import FORMATS, detect_format, read, read_many
from sianode.iotools.merge import group_parts, merge_tests
from sianode.iotools.schema import COLUMNS, SIGN_CONVENTION, STEP_TYPES

__all__ = ["read", "read_many", "detect_format", "merge_tests", "group_parts", "FORMATS",
           "COLUMNS", "STEP_TYPES", "SIGN_CONVENTION"]
