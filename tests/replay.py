"""Loaders that write many rows (`load_demo`, a synthetic plan of 300 commitments), run once and then replayed.

The first test that asks for a load runs the loader for real and records what it did to each table: the rows it
inserted, changed and deleted, and SQLite's sequences after it. A later test that starts from exactly the same
database (every row of every table and every sequence compared, on the same day) gets those rows written back with
plain SQL, which takes a fraction of the time; the rows, their ids and the sequences are what the loader would have
left. Anything else runs the loader for real: another starting state, PostgreSQL, a transactional test (in
autocommit the loader's on-commit work, such as rendering the example report's PDFs, runs too and must not be
skipped).

What a replay does not repeat: the loader's signals and on-commit callbacks (inside a test's transaction they never
run anyway), and the clock: replayed rows carry the time of their recording, earlier in the same run, the same day.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils import timezone

Row = tuple[Any, ...]


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    pk: int  # index of the primary key in columns


@dataclass
class _Changes:
    deleted: dict[str, list[Any]]
    updated: dict[str, list[Row]]
    inserted: dict[str, list[Row]]
    sequences: dict[str, int]


_recorded: dict[str, _Changes] = {}  # by the loader's key, the date and the database it started from


def replayed(key: str, load: Callable[[], Any]) -> bool:
    """Run `load` (a loader whose outcome depends only on the database and the date), or replay its recorded
    rows when this database is in the state it recorded them from. `key` names the loader and its arguments.
    Returns whether it replayed."""
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        load()
        return False
    tables = _tables()
    before = _read(tables)
    state = f"{key}|{timezone.localdate().isoformat()}|{_fingerprint(before)}"
    changes = _recorded.get(state)
    if changes is not None:
        _write(tables, changes)
        return True
    load()
    _recorded[state] = _changes(tables, before, _read(tables))
    return False


def _tables() -> dict[str, _Table]:
    """Every table of an installed model (many-to-many tables included) that exists in the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        existing = {name for (name,) in cursor.fetchall()}
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or meta.db_table in tables or meta.db_table not in existing:
            continue
        columns = tuple(field.column for field in meta.local_concrete_fields)
        tables[meta.db_table] = _Table(meta.db_table, columns, columns.index(meta.pk.column))
    return dict(sorted(tables.items()))


def _read(tables: dict[str, _Table]) -> dict[str, dict[Any, Row]]:
    """Every row of every table by primary key, as SQLite stores it (the unary + turns off Django's converters,
    so that writing a value back stores exactly what was read), and the sequences under the key '' ."""
    qn = connection.ops.quote_name
    state: dict[str, dict[Any, Row]] = {}
    with connection.cursor() as cursor:
        for table in tables.values():
            cursor.execute(f"SELECT {', '.join('+' + qn(c) for c in table.columns)} FROM {qn(table.name)}")
            state[table.name] = {row[table.pk]: row for row in cursor.fetchall()}
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
        state[""] = {name: (name, seq) for name, seq in cursor.fetchall()}
    return state


def _fingerprint(state: dict[str, dict[Any, Row]]) -> str:
    digest = hashlib.sha256()
    for name, rows in state.items():
        digest.update(repr((name, sorted(rows.items()))).encode())
    return digest.hexdigest()


def _changes(tables: dict[str, _Table], before: dict, after: dict) -> _Changes:
    changes = _Changes(deleted={}, updated={}, inserted={}, sequences={})
    for name in tables:
        old, new = before[name], after[name]
        if deleted := [pk for pk in old if pk not in new]:
            changes.deleted[name] = deleted
        if updated := [row for pk, row in new.items() if pk in old and old[pk] != row]:
            changes.updated[name] = updated
        if inserted := [row for pk, row in new.items() if pk not in old]:
            changes.inserted[name] = inserted
    changes.sequences = {name: seq for name, (_name, seq) in after[""].items()}
    return changes


def _write(tables: dict[str, _Table], changes: _Changes) -> None:
    """Deletions first, then changes, then new rows, so that no unique value is taken twice on the way; foreign
    keys are checked at the end of the test's transaction, as for the loader's own writes."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, pks in changes.deleted.items():
            pk = qn(tables[name].columns[tables[name].pk])
            cursor.executemany(f"DELETE FROM {qn(name)} WHERE {pk} = %s", [(value,) for value in pks])
        for name, rows in changes.updated.items():
            table = tables[name]
            assignments = ", ".join(f"{qn(c)} = %s" for c in table.columns)
            cursor.executemany(
                f"UPDATE {qn(name)} SET {assignments} WHERE {qn(table.columns[table.pk])} = %s",
                [(*row, row[table.pk]) for row in rows],
            )
        for name, rows in changes.inserted.items():
            table = tables[name]
            cursor.executemany(
                f"INSERT INTO {qn(name)} ({', '.join(qn(c) for c in table.columns)}) "
                f"VALUES ({', '.join(['%s'] * len(table.columns))})",
                rows,
            )
        # An insert moves a table's sequence only up to its highest id; the loader may have gone further.
        for name, seq in changes.sequences.items():
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [seq, name])
            if cursor.rowcount == 0:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, seq])


def load_demo() -> None:
    """`manage.py load_demo`, replayed where it can be."""
    from django.core.management import call_command

    replayed("load_demo", lambda: call_command("load_demo", stdout=io.StringIO()))


def synthetic_plan(*, commitments: int):
    """`synthetic_plan_load(commitments=N)`, replayed where it can be; the plan it made."""
    from commitments.loaders import synthetic_plan_load
    from commitments.models import ActionPlan

    replayed(f"synthetic_plan_load({commitments})", lambda: synthetic_plan_load(commitments=commitments))
    return ActionPlan.objects.get(slug=f"sintetico-{commitments}")
