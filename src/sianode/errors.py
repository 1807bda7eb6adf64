"""Error types that the CLI turns into clear messages and exit codes.

* :class:`InputError` -- the user's input (design, data file, parameter) is invalid.
  The message names the field, file or byte and says what is allowed. CLI exit code 2.
* :class:`SolverError` -- a numerical model failed (did not converge, solver error). The
  message says which model/step failed and why. CLI exit code 1.
"""
from __future__ import annotations


class SianodeError(Exception):
    """Base class of every error sianode raises on purpose."""


class InputError(SianodeError, ValueError):
    """Invalid user input.

    Parameters
    ----------
    message : str
        What is wrong and what is allowed.
    field : str, optional
        Dotted name of the offending field (``electrode.porosity``) or a file path.
    """

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class SolverError(SianodeError, RuntimeError):
    """A model could not be solved; the message says which model/step and why."""
