"""Checks every dataset's rows must pass (the rules of opendata.datasets), for any open-data test to reuse:

rows = check_types(dataset, dataset.rows())
check_primary_key(dataset, rows)
check_foreign_keys({key: rows_of_that_dataset, ...})
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from opendata.datasets import Dataset, dataset


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# What a value of each Table Schema type is in a row (JSON-native values, see opendata.datasets).
TYPE_CHECKS = {
    "string": lambda value: isinstance(value, str),
    "integer": _whole,
    "number": lambda value: _whole(value) or isinstance(value, (Decimal, float)),
    "boolean": lambda value: isinstance(value, bool),
    "date": lambda value: isinstance(value, date) and not isinstance(value, datetime),
    "datetime": lambda value: isinstance(value, datetime),
    "year": _whole,
}


def check_types(dataset: Dataset, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row has exactly the dataset's columns, in their order, and each value is of its column's type, or
    None where the column is not required. Returns the rows as a list, for further checks."""
    rows = list(rows)
    for number, row in enumerate(rows):
        assert list(row) == dataset.column_names, f"{dataset.key} row {number}: columns {list(row)}"
        for column in dataset.columns:
            value = row[column.name]
            where = f"{dataset.key} row {number}, {column.name} = {value!r}"
            if value is None:
                assert not column.required, f"{where}: the column is required"
            else:
                assert TYPE_CHECKS[column.type](value), f"{where}: not a {column.type}"
    return rows


def key_of(row: dict[str, Any], names: tuple[str, ...]) -> tuple:
    return tuple(row[name] for name in names)


def check_primary_key(dataset: Dataset, rows: list[dict[str, Any]]) -> None:
    """The primary key is given, unique, and the rows come in its order (a stable order: the same data gives the
    same bytes)."""
    keys = [key_of(row, dataset.primary_key) for row in rows]
    assert all(None not in key for key in keys), f"{dataset.key}: an empty primary key"
    assert len(set(keys)) == len(keys), f"{dataset.key}: a primary key repeats"
    assert keys == sorted(keys), f"{dataset.key}: rows not in primary-key order"


def check_foreign_keys(rows_by_key: dict[str, list[dict[str, Any]]]) -> None:
    """Each foreign key of each dataset in `rows_by_key` names a row of the dataset it references (which must be in
    `rows_by_key` too); an empty reference names nothing and passes."""
    for key, rows in rows_by_key.items():
        for foreign_key in dataset(key).foreign_keys:
            referenced = {key_of(row, foreign_key.reference) for row in rows_by_key[foreign_key.dataset]}
            for row in rows:
                value = key_of(row, foreign_key.fields)
                if None in value:
                    continue
                assert value in referenced, f"{key}.{foreign_key.fields} = {value} is not in {foreign_key.dataset}"
