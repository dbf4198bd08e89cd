"""Test settings: only what makes tests faster or hermetic."""

import os
import tempfile
from pathlib import Path

from .settings import *  # noqa: F403
from .settings import CELERY_BROKER_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="conecta-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="conecta-static-")
REPORTS_ROOT = Path(tempfile.mkdtemp(prefix="conecta-reports-"))
MINUTES_ROOT = Path(tempfile.mkdtemp(prefix="conecta-minutes-"))
AUDIO_ROOT = Path(tempfile.mkdtemp(prefix="conecta-audio-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run Celery eagerly; the real-worker tests (tests/worker.py and its users) talk to the real broker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
TEST_BROKER_URL = CELERY_BROKER_URL or os.environ.get("CELERY_BROKER_URL", "")
PUBLIC_PAGE_CACHE_SECONDS = 0  # tests of caching turn it on with the settings fixture
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
IMPORT_TMP_DIR = Path(tempfile.mkdtemp(prefix="conecta-import-tmp-"))
