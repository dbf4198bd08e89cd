"""docker-compose.yml, read as the structure production relies on (there is no Docker engine in tests or CI; the
file is validated against the Compose specification by `make check-compose`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from ruamel.yaml import YAML

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _mounts(service: dict) -> dict[str, str]:
    """Container path -> source (a named volume or a host path) of a service's short-syntax volumes."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = re.fullmatch(r"(\$\{[^}]*\}|[^:]+):([^:]+)(?::r[ow])?", volume).groups()
        mounts[target] = source
    return mounts


def test_only_the_proxy_is_reachable_from_outside(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert set(services["proxy"]["ports"]) == {"80:80", "443:443", "443:443/udp"}


def test_the_proxy_runs_the_caddyfile_of_the_repository_read_only(services):
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:2")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    # Certificates, the ACME account and the local CA survive a restart (or every start asks for new ones).
    assert _mounts(proxy)["/data"] == "caddy-data"
    assert _mounts(proxy)["/etc/caddy/certs"] == "${CERTS_DIR:-./deploy/certs}"
    assert (ROOT / "deploy" / "certs" / ".gitignore").read_text().splitlines()[-2:] == ["*", "!.gitignore"]
    assert proxy["environment"]["SITE_URL"].startswith("${SITE_URL:?")
    assert proxy["environment"]["CADDY_TLS"].startswith("${CADDY_TLS:?")
    assert proxy["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_cache_and_broker_are_two_redis_so_eviction_never_drops_a_task(services):
    cache, broker = services["cache"]["command"], services["broker"]["command"]
    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert cache[cache.index("--maxmemory") + 1] == "${CACHE_MAXMEMORY:-256mb}"
    assert cache[cache.index("--appendonly") + 1] == "no" and cache[cache.index("--save") + 1] == ""
    assert "volumes" not in services["cache"]
    assert broker[broker.index("--maxmemory-policy") + 1] == "noeviction"
    assert broker[broker.index("--appendonly") + 1] == "yes"
    assert _mounts(services["broker"])["/data"] == "broker"

    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert urlsplit(environment["CACHE_URL"]).hostname == "cache"
        assert urlsplit(environment["CELERY_BROKER_URL"]).hostname == "broker"
        assert urlsplit(environment["CELERY_RESULT_BACKEND"]).hostname == "broker"
    for name in ("web", "worker", "beat"):
        assert set(services[name]["depends_on"]) == {"db", "cache", "broker", "migrate"}


@pytest.mark.parametrize("setting", ["MEDIA_ROOT", "REPORTS_ROOT", "MINUTES_ROOT"])
def test_files_live_on_volumes_that_web_worker_and_the_backup_share(services, setting):
    path = services["web"]["environment"][setting]
    volume = _mounts(services["web"]).get(path)
    assert volume, f"{setting}={path} is not on a volume: its files die with the container"
    for name in APP_SERVICES:
        assert services[name]["environment"][setting] == path
        assert _mounts(services[name]).get(path) == volume, name
    # The backup archives it (read-only) from the path its own environment names; restore writes it back.
    backup_path = services["backup"]["environment"][setting]
    assert _mounts(services["backup"])[backup_path] == volume
    assert f"{volume}:{backup_path}:ro" in services["backup"]["volumes"]
    assert f"{volume}:{services['restore']['environment'][setting]}" in services["restore"]["volumes"]


def test_the_production_settings_are_on(services):
    environment = services["web"]["environment"]
    assert environment["DEBUG"] == "0"
    assert environment["SSL_REDIRECT"] == "1"
    assert environment["SECURE_COOKIES"] == "1"
    assert environment["HSTS_SECONDS"] == "${HSTS_SECONDS:-31536000}"
    assert environment["OTP_REQUIRED"] == "${OTP_REQUIRED:-1}"
    assert environment["STAFF_SESSION_HOURS"] == "${STAFF_SESSION_HOURS:-10}"
    assert environment["LOGIN_FAILURE_LIMIT"] == "${LOGIN_FAILURE_LIMIT:-5}"
    assert environment["LOGIN_LOCKOUT_MINUTES"] == "${LOGIN_LOCKOUT_MINUTES:-30}"
    assert environment["CELERY_VISIBILITY_TIMEOUT"] == "${CELERY_VISIBILITY_TIMEOUT:-300}"
    # One proxy (Caddy) in front of gunicorn, which trusts its X-Forwarded-Proto.
    assert environment["TRUSTED_PROXIES"] == "1"
    assert environment["BEHIND_PROXY"] == "1"


@pytest.mark.django_db
def test_the_web_health_check_is_answered_with_https_redirects_on(services, client, settings):
    """With SSL_REDIRECT on, a plain-HTTP request is redirected to https://localhost, where nothing listens: the
    container's own health check (plain HTTP to gunicorn) must still get its 200, or web never becomes healthy."""
    check = " ".join(services["web"]["healthcheck"]["test"])
    url = re.search(r"Request\('([^']+)'", check).group(1)
    headers = ast.literal_eval(re.search(r"headers=(\{[^}]*\})", check).group(1))
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["conecta.pastaza.gob.ec", "localhost"]
    settings.CELERY_BROKER_URL = ""

    response = client.get(urlsplit(url).path, headers=headers)

    assert response.status_code == 200, response.get("Location")


def test_the_backup_service_runs_the_scripts_of_the_repository(services, compose):
    backup, restore = services["backup"], services["restore"]
    for service, script in ((backup, "backup-daily.sh"), (restore, "restore.sh")):
        assert service["image"] == services["db"]["image"], "pg_dump and pg_restore of the server's version"
        assert service["entrypoint"] == ["sh", f"/deploy/{script}"]
        assert (ROOT / "deploy" / script).exists()
        assert "./deploy:/deploy:ro" in service["volumes"]
        assert _mounts(service)["/backups"] == "${BACKUP_HOST_DIR:-backups}"
        assert service["environment"]["PGHOST"] == "db"
        assert service["environment"]["BACKUP_DIR"] == "/backups"
    assert "backups" in compose["volumes"]
    assert backup["environment"]["BACKUP_TIME"] == "${BACKUP_TIME:-02:30}"
    assert backup["environment"]["BACKUP_KEEP_DAYS"] == "${BACKUP_KEEP_DAYS:-14}"
    # `up` never starts a restore.
    assert restore["profiles"] == ["restore"]
    assert "/backups:ro" in " ".join(restore["volumes"])


def test_every_variable_the_file_requires_is_in_the_readmes_env_example():
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text()))
    readme = (ROOT / "README.md").read_text()
    production = readme[readme.index("## Production") :]
    example = re.search(r"cat > \.env <<'ENV'\n(.*?)\nENV\n", production, re.S).group(1)
    given = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line and not line.startswith("#")}
    assert required <= given, required - given
