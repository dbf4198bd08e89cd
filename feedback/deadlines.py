"""When a suggestion, complaint or question is due for an answer: SUGGESTION_RESPONSE_WORKING_DAYS working days
after the day it was received. Working days are Monday to Friday, except the dates listed in
SUGGESTION_RESPONSE_HOLIDAYS (national and local holidays, which change every year by decree: staff list them).

The deadline is computed, never stored: changing the setting moves every deadline at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def holidays() -> frozenset[date]:
    try:
        return frozenset(date.fromisoformat(str(day)) for day in settings.SUGGESTION_RESPONSE_HOLIDAYS)
    except ValueError as error:
        raise ImproperlyConfigured(f"SUGGESTION_RESPONSE_HOLIDAYS lists dates as YYYY-MM-DD: {error}") from error


def is_working_day(day: date, days_off: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in days_off


def add_working_days(start: date, days: int, days_off: frozenset[date] = frozenset()) -> date:
    """The `days`-th working day after `start`: something received on a Friday with one working day to answer
    is due on Monday; with none, on the day it came."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, days_off):
            left -= 1
    return day


def response_deadline(received_on: date) -> date:
    return add_working_days(received_on, settings.SUGGESTION_RESPONSE_WORKING_DAYS, holidays())


def last_day_received_past_deadline(today: date) -> date:
    """The latest day of receipt whose deadline is before `today`: whatever was received on it or earlier, and
    is still unanswered, is late. The deadline never moves back when the day of receipt moves on, so this one day
    splits late from in time, and a filter on `received_on` finds the late ones in SQL."""
    days_off = holidays()
    day = today - timedelta(days=1)
    while add_working_days(day, settings.SUGGESTION_RESPONSE_WORKING_DAYS, days_off) >= today:
        day -= timedelta(days=1)
    return day
