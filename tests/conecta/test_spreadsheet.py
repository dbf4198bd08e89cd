"""CSV cells are never run as formulas when the open data is opened in a spreadsheet."""

import pytest

from conecta.spreadsheet import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+593 99 123", "'+593 99 123"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("Mesa técnica = 3", "Mesa técnica = 3"),
        ("Ñukanchik 🙂", "Ñukanchik 🙂"),
        (None, ""),
        (42, "42"),
    ],
)
def test_a_formula_like_start_is_quoted_and_anything_else_is_kept(value, expected):
    assert safe_cell(value) == expected
