"""Claiming a one-off piece of work on a row (an e-mail, the daily digest), so that it is done once whatever runs
twice: a task delivered again, the periodic sweep's copy of it, two workers.

The claim is one conditional UPDATE that sets a moment field still empty (`filter(pk=pk, sent_at=None)
.update(sent_at=now)`); only the run whose update changed the row goes on. A run whose work then fails releases
its own claim (and only its own: the moment it set), so that a retry can take it again.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone


def claim(model: type[models.Model], *, pk: int, field: str, **conditions) -> datetime | None:
    """Set `field` of row `pk` to now where it is still empty (and the row meets `conditions`): the moment claimed,
    or None when another run already claimed it (or the row does not qualify)."""
    now = timezone.now()
    claimed = model.objects.filter(pk=pk, **{field: None}, **conditions).update(**{field: now})
    return now if claimed == 1 else None


def release(model: type[models.Model], *, pk: int, field: str, claimed_at: datetime) -> None:
    """Undo a claim whose work failed, so that the task's retry can do it; a claim taken since by another run
    stays."""
    model.objects.filter(pk=pk, **{field: claimed_at}).update(**{field: None})
