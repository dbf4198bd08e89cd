"""What the demo loaders share (used by `load_demo`): they create what is missing and never change a row that
exists, and count both, per kind of row, so the command can say what it created and what it left alone.

A planner's edit of a commitment's title, a meeting's figures or the demo survey's questions survives every
restart: `make run` runs `load_demo` each time, and a second run changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadTally:
    """Rows created and rows found already there (left as they are), per kind ("commitments", "parishes"...)."""

    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    def add(self, kind: str, *, created: bool, count: int = 1) -> None:
        (self.created if created else self.skipped)[kind] += count

    @staticmethod
    def _line(counts: Counter) -> str:
        return ", ".join(f"{kind}: {count}" for kind, count in counts.items() if count) or "nothing"

    def summary(self) -> str:
        return f"Created: {self._line(self.created)}.\nAlready there, left as they are: {self._line(self.skipped)}."


def create_missing(model, keys: dict, values: dict, *, tally: LoadTally, kind: str):
    """The row of `model` with `keys`: created with `values` when there is none, else left exactly as it is (no
    save, no signal, no new `updated_at`). Returns (row, created)."""
    row = model.objects.filter(**keys).first()
    if row is not None:
        tally.add(kind, created=False)
        return row, False
    row = model.objects.create(**keys, **values)
    tally.add(kind, created=True)
    return row, True
