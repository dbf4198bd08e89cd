"""Reporting periods: calendar quarters and years, in Pastaza's time zone (America/Guayaquil).

A period is written as a key: "2025-Q3" (1 July-30 September 2025) or "2025" (the whole year). File names use
the Spanish "T" (trimestre): conecta-pastaza-informe-2025-T3-es.pdf.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext

QUARTERLY = "quarterly"
ANNUAL = "annual"
_KEY = re.compile(r"^(?P<year>\d{4})(?:-[QqTt](?P<quarter>[1-4]))?$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year

    @classmethod
    def parse(cls, key: str) -> Period:
        """ "2025-Q3" (or 2025-T3) is a quarter, "2025" a year; anything else is a ValueError."""
        match = _KEY.match((key or "").strip())
        if not match or not 2000 <= int(match["year"]) <= 2100:
            raise ValueError(f"not a period: {key!r} (expected e.g. 2025-Q3 or 2025)")
        return cls(int(match["year"]), int(match["quarter"]) if match["quarter"] else None)

    @property
    def kind(self) -> str:
        return ANNUAL if self.quarter is None else QUARTERLY

    @property
    def key(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def file_label(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-T{self.quarter}"

    @property
    def starts_on(self) -> date:
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def ends_on(self) -> date:
        if self.quarter is None or self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    def has_ended(self, today: date) -> bool:
        return today > self.ends_on

    def label(self) -> str:
        """ "Q3 2025" or "2025", in the active language."""
        if self.quarter is None:
            return str(self.year)
        return gettext("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}

    def __str__(self) -> str:
        return self.key


def periods_ended(*, starts_on: date, ends_on: date, today: date) -> list[Period]:
    """Every quarter and year that overlaps [starts_on, ends_on] and had ended by `today`, oldest first
    (a year after its fourth quarter)."""
    found: list[Period] = []
    for year in range(starts_on.year, ends_on.year + 1):
        for quarter in (1, 2, 3, 4, None):
            period = Period(year, quarter)
            if period.ends_on < starts_on or period.starts_on > ends_on or not period.has_ended(today):
                continue
            found.append(period)
    return found
