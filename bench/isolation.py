"""What every benchmark script does first: a throwaway database and no external service, whatever the shell
exported (bench/run.py, bench/reports.py)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EXPORTED_SETTINGS = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CACHE_URL",
    "ALLOWED_HOSTS",
    "DEBUG",
    "STATIC_MANIFEST",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "EMAIL_HOST",
    "CONECTA_PLAN_SLUG",
    "REPORTS_ROOT",
    "REPORTS_RENDER_DELAY",
)


def isolate_environment(var_dir: str) -> None:
    for name in EXPORTED_SETTINGS:
        os.environ.pop(name, None)
    os.environ["VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "conecta.settings"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
