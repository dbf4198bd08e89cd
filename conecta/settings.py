"""Settings for Conecta Pastaza.

One file for every environment: a laptop gets working defaults (SQLite under var/, no broker, so Celery tasks
run in-process); production differs only by the environment variables listed in README.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] if value.strip() else default


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or "insecure-local-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its admin patches apply.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "import_export",
    # The public read-only API /api/v1/ (opendata/api/) and its OpenAPI 3.1 description.
    "rest_framework",
    "drf_spectacular",
    # Staff sign-in and page security (conecta/security.py, signin.py, twofactor.py); before conecta, whose
    # admin.py replaces two of their admin pages.
    "csp",
    "conecta.apps.LockoutConfig",  # django-axes, named in Spanish and Kichwa
    "django_otp",
    "conecta.apps.SecondFactorConfig",  # django-otp's TOTP devices, named in Spanish and Kichwa
    "conecta.apps.ConectaConfig",
    # Recordings, the community's review of Kichwa and the glossary: under every app that shows content.
    "kichwa.apps.KichwaConfig",
    "commitments.apps.CommitmentsConfig",
    "meetings.apps.MeetingsConfig",
    "feedback.apps.FeedbackConfig",
    "surveys.apps.SurveysConfig",
    "roads.apps.RoadsConfig",
    "reports.apps.ReportsConfig",
    "opendata.apps.OpendataConfig",
    "alerts.apps.AlertsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The policies go on every response, error pages and static files included.
    "conecta.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The Kichwa interface texts' corrections approved by reviewers (issue 16), reloaded when one is saved.
    "kichwa.middleware.InterfaceCorrectionsMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads request.POST (the CSRF check does): a form in another encoding is a 400.
    "conecta.security.RequestEncodingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "conecta.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "conecta.audit.ActorMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into our lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conecta.urls"
WSGI_APPLICATION = "conecta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "conecta.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file under var/ unless DATABASE_URL points elsewhere (postgres://user@host:5432/name).
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'conecta.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while an import writes; the timeout waits out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Only disposable things live in the cache (public pages, rate-limit counters): with CACHE_URL, a Redis that stops
# answering is treated as an empty cache (conecta.cache_backend: short timeouts, a circuit breaker, logged once).
CACHES = {
    "default": (
        {"BACKEND": "conecta.cache_backend.ResilientRedisCache", "LOCATION": env_str("CACHE_URL")}
        if env_str("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "conecta"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages. Django has no Kichwa: "qu" (the ISO 639-1 Quechua macrolanguage code that browsers and CLDR use
# for Ecuadorian Kichwa, see shared/reference/pastaza-facts.md C.1) is registered here so that language
# pickers, get_language_info() and LocaleMiddleware know it.
LANG_INFO["qu"] = {"bidi": False, "code": "qu", "name": "Kichwa", "name_local": "Kichwa"}
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("qu", _("Kichwa"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["conecta.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Guayaquil"
LANGUAGE_COOKIE_NAME = "conecta_lang"

MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_LANGUAGES = ("es", "qu")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("es",)
# The tabbed admin needs jQuery UI; ours is vendored under static/ because nothing may load from a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG and bool(env_str("DATABASE_URL")))
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
# Uploads larger than this are refused by the forms that take files (evidence, spreadsheets).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Evidence files are stored under MEDIA_ROOT with random names, and nothing serves MEDIA_ROOT directly (a reverse
# proxy must not either): commitments.views.evidence_file serves the files of published evidence, with safe headers.
# What an upload is comes from its bytes (conecta/uploads.py), checked within these bounds: the pixels of a photo
# (it is decoded to strip its metadata), the pages of a PDF and what one of its streams may unpack to, and what an
# office document's ZIP would unpack to.
UPLOAD_IMAGE_MAX_PIXELS = env_int("UPLOAD_IMAGE_MAX_PIXELS", 50_000_000)
UPLOAD_PDF_MAX_PAGES = env_int("UPLOAD_PDF_MAX_PAGES", 2000)
UPLOAD_PDF_MAX_STREAM_BYTES = env_int("UPLOAD_PDF_MAX_STREAM_BYTES", 8 * 1024 * 1024)
UPLOAD_PDF_MAX_OBJECTS = env_int("UPLOAD_PDF_MAX_OBJECTS", 500_000)
UPLOAD_OFFICE_MAX_UNPACKED_BYTES = env_int("UPLOAD_OFFICE_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# Roads (roads/): a citizen's photo of a road problem (re-encoded without metadata), and a GPS track of a road work
# (GPX, KML or GeoJSON), refused above these sizes; a track of more points than this is refused before it is
# simplified (roads/geometry.py).
ROAD_REQUEST_PHOTO_MAX_BYTES = env_int("ROAD_REQUEST_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
ROAD_TRACK_MAX_BYTES = env_int("ROAD_TRACK_MAX_BYTES", 5 * 1024 * 1024)
ROAD_TRACK_MAX_POINTS = env_int("ROAD_TRACK_MAX_POINTS", 200_000)
# The prefix of the road works' OC4IDS project ids ("<prefix>-<work code>", roads/oc4ids.py): "oc4ids-" and six
# lowercase letters or digits. The Open Contracting Partnership assigns one per publisher; until the province
# registers its own, "oc4ids-gadppz" (GAD Provincial de Pastaza) names it. Changing it changes every project's id.
ROADS_OC4IDS_PREFIX = env_str("ROADS_OC4IDS_PREFIX", "oc4ids-gadppz")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# E-mail: printed to the console on a laptop; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"),
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Conecta Pastaza <conecta@pastaza.gob.ec>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Conecta Pastaza", a) for a in env_list("ADMINS", [])]

# Celery: with no broker, tasks run in-process (eagerly), so `make run` needs nothing but Python.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL) or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# No caller reads a task's result: none is stored, and sending a task never subscribes to the result backend (which,
# with Redis down, retried 20 times a second apart before giving up: a staff save waited 19 s). Saves and citizen
# submissions queue through conecta.queue (short timeouts, no publish retry, a circuit breaker; sweeps send later).
CELERY_TASK_IGNORE_RESULT = True
# With Redis an unacknowledged task (its worker died) is delivered again this many seconds after a worker took it;
# every worker looks for such tasks every 10 s (unacked_restore_throttle 1), so recovery takes about 5 minutes.
# A task still running is never delivered again: every task is stopped (soft limit: an exception the task records;
# hard limit: its process is killed) well before the visibility timeout. The longest task, a report's PDFs, takes
# about 40 s for 300 commitments. conecta.celery warns at a worker's start when the three do not fit.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 180)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 210)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# E-mail alerts (alerts/): how often the sweep looks for changes (the "at once" windows), how long a confirmation
# link lasts, when daily and weekly alerts go out (Pastaza's time), how many confirmation e-mails one address may
# get a day, and how long an address is kept after its last subscription ended (then anonymised).
ALERTS_SWEEP_MINUTES = env_int("ALERTS_SWEEP_MINUTES", 5)
ALERTS_CONFIRM_HOURS = env_int("ALERTS_CONFIRM_HOURS", 72)
ALERTS_SEND_HOUR = env_int("ALERTS_SEND_HOUR", 7)
ALERTS_CONFIRMATIONS_PER_DAY = env_int("ALERTS_CONFIRMATIONS_PER_DAY", 3)
ALERTS_RETENTION_MONTHS = env_int("ALERTS_RETENTION_MONTHS", 12)
ALERTS_BATCH = env_int("ALERTS_BATCH", 200)
# At most this many changes are listed in one alert (the newest); the e-mail says how many more the portal has.
ALERTS_MAX_ITEMS = env_int("ALERTS_MAX_ITEMS", 40)
CELERY_BEAT_SCHEDULE: dict = {
    "notify-pending-updates": {"task": "commitments.tasks.notify_pending_updates_task", "schedule": 15 * 60},
    # Daily, just after midnight in Pastaza: drafts of the periods that ended (reports.services).
    "report-period-drafts": {"task": "reports.tasks.create_period_drafts_task", "schedule": crontab(hour=0, minute=30)},
    "report-requeue-stuck-renders": {"task": "reports.tasks.requeue_stuck_renders_task", "schedule": 10 * 60},
    # Recordings (kichwa.tasks): conversions never started (the broker was down) or interrupted (the worker died).
    "recordings-requeue-stuck": {"task": "kichwa.tasks.requeue_stuck_recordings_task", "schedule": 10 * 60},
    # Citizen participation (feedback.tasks): the planners' morning digest, e-mails the broker missed, and the
    # anonymisation of personal data kept long enough (PARTICIPATION_RETENTION_MONTHS).
    "participation-digest": {"task": "feedback.tasks.send_daily_digest_task", "schedule": crontab(hour=7, minute=0)},
    "participation-notify-pending": {"task": "feedback.tasks.notify_pending_suggestions_task", "schedule": 15 * 60},
    "participation-notify-comment-responses": {
        "task": "feedback.tasks.notify_pending_comment_responses_task",
        "schedule": 15 * 60,
    },
    "road-request-confirmations": {"task": "roads.tasks.send_pending_request_confirmations_task", "schedule": 15 * 60},
    "participation-anonymise-expired": {
        "task": "feedback.tasks.anonymise_expired_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every published file (report PDFs, FCD documents, minutes, evidence) read again and compared with the SHA-256
    # and size the portal shows; the planners are e-mailed when one differs (manage.py verify_files).
    "verify-published-files": {
        "task": "conecta.tasks.verify_published_files_task",
        "schedule": crontab(hour=4, minute=30),
    },
    # Spreadsheet uploads previewed but never confirmed (IMPORT_TMP_DIR).
    "import-tmp-sweep": {"task": "commitments.tasks.sweep_import_uploads_task", "schedule": crontab(hour=4, minute=0)},
    # Nightly, the whole open-data catalogue as one ZIP (opendata.bundle): one a day, kept 31 days, each month's first
    # for good; listed at /es/datos/historial/ (manage.py opendata_bundle does the same by hand).
    "opendata-bundle": {"task": "opendata.tasks.create_bundle_task", "schedule": crontab(hour=1, minute=15)},
    # E-mail alerts (alerts/): notice the published changes, build the runs due (at once, daily, weekly) and send
    # what is not sent yet; then, nightly, wipe the addresses kept long enough.
    "alerts-sweep": {"task": "alerts.tasks.alerts_sweep_task", "schedule": ALERTS_SWEEP_MINUTES * 60},
    "alerts-anonymise": {"task": "alerts.tasks.alerts_anonymise_task", "schedule": crontab(hour=3, minute=45)},
}

# Progress reports (reports/): PDFs and the monitor's uploads live here, outside MEDIA_ROOT, and are served only
# through the reports views (never a draft, never an unpublished upload).
REPORTS_ROOT = Path(env_str("REPORTS_ROOT", str(VAR_DIR / "reports")))
REPORTS_UPLOAD_MAX_BYTES = env_int("REPORTS_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Recordings (kichwa/): the originals as uploaded and the Opus and MP3 made of them, outside MEDIA_ROOT, served only
# by kichwa's views. An upload is refused above AUDIO_MAX_BYTES or AUDIO_MAX_SECONDS; AUDIO_OPUS_BITRATE (kbit/s)
# suits slow rural connections (speech stays clear at 24); FFMPEG is the program that converts them.
AUDIO_ROOT = Path(env_str("AUDIO_ROOT", str(VAR_DIR / "audio")))
# Under the reverse proxy's PROXY_MAX_BODY (25 MB): a recording at the limit still reaches the portal, which explains.
AUDIO_MAX_BYTES = env_int("AUDIO_MAX_BYTES", 24 * 1024 * 1024)
AUDIO_MAX_SECONDS = env_int("AUDIO_MAX_SECONDS", 20 * 60)
AUDIO_OPUS_BITRATE = env_int("AUDIO_OPUS_BITRATE", 24)
FFMPEG = env_str("FFMPEG", "ffmpeg")
FFPROBE = env_str("FFPROBE", "ffprobe")
# Signed minutes of meetings (meetings/): outside MEDIA_ROOT too, served only for published meetings.
MINUTES_ROOT = Path(env_str("MINUTES_ROOT", str(VAR_DIR / "minutes")))
# The sweep queues again a report still "queued" after this many minutes, or "rendering" after the second figure.
REPORTS_STUCK_MINUTES = env_int("REPORTS_STUCK_MINUTES", 15)
REPORTS_RENDER_STALE_MINUTES = env_int("REPORTS_RENDER_STALE_MINUTES", 60)
# Commitments laid out per part of a PDF: WeasyPrint's memory grows with each part, not with the whole report.
REPORTS_PDF_CHUNK = env_int("REPORTS_PDF_CHUNK", 40)
# A report of up to this many commitments is laid out as one document and written as a tagged PDF (PDF/UA-1);
# above it, in parts joined by pypdf, which drops the tags (reports/pdf.py; bench/reports.py measures both).
REPORTS_PDF_SINGLE_MAX = env_int("REPORTS_PDF_SINGLE_MAX", 100)
# Test hook only: seconds a rendering waits after claiming a report, so a worker test can kill it mid-render.
REPORTS_RENDER_DELAY = env_int("REPORTS_RENDER_DELAY", 0)

# Public participation forms (feedback/protection.py): attempts allowed per network address, per form, per window
# (attempts, minutes). Generous, because a community centre or a school shares one address among many people.
# PARTICIPATION_RATE_LIMIT sets every form's attempts at once (benchmarks raise it).
_RATE = env_int("PARTICIPATION_RATE_LIMIT", 0)
PARTICIPATION_RATE_LIMITS = {
    "default": (_RATE or 20, 15),
    "suggestion": (_RATE or 20, 15),
    "comment": (_RATE or 20, 15),
    "evaluation": (_RATE or 30, 15),
    "survey": (_RATE or 20, 15),
    "track": (_RATE or 60, 15),
    "reply": (_RATE or 10, 15),
    "road_request": (_RATE or 20, 15),
    "follow": (_RATE or 10, 15),
}
# How many reverse proxies of our own stand in front of the application server (conecta/net.py): the visitor's
# address is the TRUSTED_PROXIES-th entry from the right of X-Forwarded-For; 0 (the default) takes REMOTE_ADDR
# only, whatever a request writes in that header. BEHIND_PROXY concerns only the proxy's HTTPS header.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
# Personal data of participation are anonymised this many months after the last thing that happened to the item,
# whatever its state (privacy notice).
PARTICIPATION_RETENTION_MONTHS = env_int("PARTICIPATION_RETENTION_MONTHS", 24)
# Network addresses are hashed with a random key that changes every this many days and is deleted when its period
# ends (feedback.models.AddressKey): what one address sent can be linked within a period, never after it.
PARTICIPATION_ADDRESS_KEY_DAYS = env_int("PARTICIPATION_ADDRESS_KEY_DAYS", 30)
# A suggestion, complaint or question is due for an answer this many working days (Monday to Friday, but the
# dates of SUGGESTION_RESPONSE_HOLIDAYS, YYYY-MM-DD) after the day it was received (feedback.deadlines).
SUGGESTION_RESPONSE_WORKING_DAYS = env_int("SUGGESTION_RESPONSE_WORKING_DAYS", 15)
SUGGESTION_RESPONSE_HOLIDAYS = env_list("SUGGESTION_RESPONSE_HOLIDAYS", [])
# A form refused for its missing or wrong security token gets a page in the visitor's language.
CSRF_FAILURE_VIEW = "feedback.views.csrf_failure"

# Public pages are cached this long at most (and dropped as soon as staff change anything public); 0 disables.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)

# The plan the public portal shows. `seed_scale` builds synthetic plans beside it; benchmarks point here.
CONECTA_PLAN_SLUG = env_str("CONECTA_PLAN_SLUG", "pastaza-2024-2027")
# Where a Kichwa reader reports a translation error (the Kichwa pages link to it).
TRANSLATION_FEEDBACK_URL = env_str("TRANSLATION_FEEDBACK_URL", "mailto:transparency@pastaza.gob.ec")

# Transport and browser security. `manage.py check --deploy` is clean under the production environment of
# README.md (CI runs it, tests/conecta/test_deploy_check.py too).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", False)
# The container's health check asks over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy (django-csp). Public pages have no script at all, so they allow none; their one inline
# CSS, the <style> of base.html that gives the print stylesheet SITE_URL, is allowed by its hash, which
# conecta.security.ContentSecurityPolicyMiddleware adds. A response that sets its own policy keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The staff admin (everything under /admin/) runs Django's admin scripts, modeltranslation's tabs (jQuery UI,
# vendored) and import-export's, all files under STATIC_URL: scripts from this origin only, never inline. Django's
# admin templates and import-export's carry <style> blocks and style attributes, hence inline styles (styles only:
# tests/browser/test_staff_pages.py checks that no page of it reports a violation).
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page of the portal uses any of these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection", "interest-cohort",
        "magnetometer", "microphone", "midi", "payment", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}

# Staff sign-in (conecta/signin.py, conecta/twofactor.py).
# django-axes counts failed sign-ins per account and per network address (conecta.net.client_ip, the address the
# participation rate limits count; conecta.signin.lockout_parameters): LOGIN_FAILURE_LIMIT for one account, or
# LOGIN_ADDRESS_FAILURE_LIMIT from one address (higher: a whole office shares one), locks sign-in for
# LOGIN_LOCKOUT_MINUTES (0: until a planner unlocks it: admin, "Intentos fallidos de inicio de sesión" (axes'
# access attempts), action "Unlock"; or `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`).
AUTHENTICATION_BACKENDS = [
    "conecta.signin.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30)) or None
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_LOCKOUT_PARAMETERS = "conecta.signin.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "conecta.net.client_ip"
AXES_USERNAME_CALLABLE = "conecta.signin.attempted_username"
AXES_LOCKOUT_CALLABLE = "conecta.signin.lockout_response"
AXES_VERBOSE = False  # no banner on every manage.py command
# A second factor (TOTP, django-otp) for superusers and members of this group, when OTP_REQUIRED is on: after the
# password they enrol once (QR code), then give a code at every sign-in. The same group may unlock sign-ins and
# reset another person's second factor in the admin. Must name commitments.roles.PLANNER (a test checks it).
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
STAFF_SECURITY_GROUP = "Planificación"
OTP_TOTP_ISSUER = "Conecta Pastaza"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sessions are only ever staff sessions (the public site keeps none): a working day from sign-in.
STAFF_SESSION_HOURS = env_int("STAFF_SESSION_HOURS", 10)
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint (reports/pdf.py) logs every layout step at INFO.
    "loggers": {"django.db.backends": {"level": "INFO"}, "weasyprint.progress": {"level": "WARNING"}},
}

# Spreadsheets: implementers (change permission) may import, the monitor (view permission) may export.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# An upload waits here between an import's preview and its confirmation (conecta.spreadsheet.ImportTempStorage);
# a daily sweep removes what nobody confirmed within IMPORT_TMP_MAX_AGE_HOURS.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "conecta.spreadsheet.ImportTempStorage"
IMPORT_TMP_DIR = Path(env_str("IMPORT_TMP_DIR", str(VAR_DIR / "import-tmp")))
IMPORT_TMP_MAX_AGE_HOURS = env_int("IMPORT_TMP_MAX_AGE_HOURS", 24)
# What an imported spreadsheet may hold, checked before anything parses it (a 4 MB zip bomb unpacks to GBs).
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 25 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 10_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 60)

# The contact channels of people without the internet, or who would rather call or come by (conecta.contact): shown
# on the participation pages, in every page's footer and in the reports' PDFs. Empty by default: each one is shown
# only once it is set, so the portal never prints a number nobody answers.
CONTACT_PHONE = env_str("CONTACT_PHONE")
CONTACT_WHATSAPP = env_str("CONTACT_WHATSAPP")
CONTACT_OFFICE_ADDRESS = env_str("CONTACT_OFFICE_ADDRESS")
CONTACT_OFFICE_HOURS = env_str("CONTACT_OFFICE_HOURS")
CONTACT_EMAIL = env_str("CONTACT_EMAIL")

# The public API, /api/v1/ (opendata/api/): read-only, anonymous, JSON only; each view sets the rest itself
# (opendata.api.views.PublicApiView: its rate limit, pagination, errors and OpenAPI description). No session or
# user is ever read, so no API answer depends on who asks.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
# Requests one network address (conecta.net.client_ip) may make to the API, per second, minute, hour or day
# ("120/minute"); past it the API answers 429 with Retry-After. Empty: no limit (benchmarks).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/minute")
# The API's OpenAPI 3.1 document (/api/v1/openapi.json and .yaml), which the documentation page /es/api/ is made
# from. Its title and description are in Spanish, its operations in the language of ?lang= (Spanish by default);
# the data's licence is the portal's.
SPECTACULAR_SETTINGS = {
    "OAS_VERSION": "3.1.0",
    "TITLE": "Conecta Pastaza: API de datos abiertos",
    "DESCRIPTION": (
        "Datos abiertos del plan de acción de Gobierno Abierto de Pastaza 2024-2027 (OGP Local): compromisos, "
        "hitos, avances, indicadores, territorio, informes, reuniones y acuerdos, obras viales y solicitudes "
        "ciudadanas sobre vías. Solo lectura y sin clave; solo datos publicados, nunca datos personales. Textos en "
        "castellano (es) o kichwa (qu) con ?lang=; documentación en /es/api/."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "CONTACT": {
        "name": "Gobierno Autónomo Descentralizado Provincial de Pastaza",
        "url": SITE_URL,
        **({"email": CONTACT_EMAIL} if CONTACT_EMAIL else {}),
    },
    "EXTERNAL_DOCS": {"url": f"{SITE_URL.rstrip('/')}/es/api/", "description": "Documentación"},
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # In the order of opendata/api/urls.py, which the documentation page follows.
    "SORT_OPERATIONS": False,
    # The enums that several records share (an IRM level is a milestone's, a commitment's and an observation's),
    # named once.
    "ENUM_NAME_OVERRIDES": {
        "IrmLevelEnum": "commitments.models.IrmLevel",
        "AxisEnum": "commitments.models.Axis",
        "WorkStatusEnum": "roads.models.WorkStatus",
        "WorkKindEnum": "roads.models.WorkKind",
        "SurfaceEnum": "roads.models.Surface",
        "RoadRequestStatusEnum": "roads.models.RoadRequest.Status",
        "RoadRequestKindEnum": "roads.models.RoadRequest.Kind",
        "AgreementStatusEnum": "meetings.models.Agreement.Status",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "InstitutionKindEnum": "commitments.models.Institution.Kind",
        "ParishKindEnum": "commitments.models.Parish.Kind",
        "ReportKindEnum": "reports.models.Report.Kind",
        "VerdictEnum": "commitments.models.IndicatorVerification.Status",
    },
}
