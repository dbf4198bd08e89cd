"""Celery tasks of the portal as a whole (the apps' own tasks live in their tasks.py)."""

import io

from celery import shared_task
from django.core.management import CommandError, call_command


@shared_task(acks_late=True)
def verify_published_files_task() -> str:
    """Daily (Celery beat): read every published file again and e-mail the planners, in Spanish, when one is
    missing or differs from what the portal shows (`manage.py verify_files --notify`). It only reads, so running
    it twice is safe (the planners would get the same e-mail twice). Returns the command's summary."""
    out = io.StringIO()
    try:
        call_command("verify_files", notify=True, stdout=out)
    except CommandError as exc:
        return str(exc)
    lines = out.getvalue().strip().splitlines()
    return lines[-1] if lines else ""
