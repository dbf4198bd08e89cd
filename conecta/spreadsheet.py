"""Open data that people open in a spreadsheet: a CSV cell must never be run as a formula (CSV injection)."""

from __future__ import annotations

# A cell starting like a formula is opened by spreadsheets as one; a leading apostrophe keeps it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as CSV text a spreadsheet shows as it is: None is empty, a formula-like start is quoted."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text
