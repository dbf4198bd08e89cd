"""`manage.py check --deploy` is clean (not even a warning) under the production environment, run exactly as CI
runs it: the environment is read from the "Deploy check" line of .ci/run, so the two cannot drift apart."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def ci_deploy_check() -> tuple[dict[str, str], list[str], list[str]]:
    """(variables set, variables unset, manage.py arguments) of the deploy check line of .ci/run."""
    script = (ROOT / ".ci" / "run").read_text().replace("\\\n", " ")
    line = next(line for line in script.splitlines() if line.startswith('check "Deploy check'))
    words = shlex.split(line)[2:]
    assert words[0] == "env", line
    variables: dict[str, str] = {}
    unset: list[str] = []
    rest = words[1:]
    while rest:
        if rest[0] == "-u":
            unset.append(rest[1])
            rest = rest[2:]
        elif re.match(r"^[A-Z_][A-Z0-9_]*=", rest[0]):
            name, value = rest[0].split("=", 1)
            variables[name] = value
            rest = rest[1:]
        else:
            break
    assert rest[:2] == [".venv/bin/python", "manage.py"], line
    return variables, unset, rest[2:]


def test_ci_checks_the_production_environment_of_the_readme():
    variables, _unset, arguments = ci_deploy_check()

    assert arguments == ["check", "--deploy", "--fail-level", "WARNING"]
    assert variables["DEBUG"] == "0"
    assert len(variables["SECRET_KEY"]) >= 50
    for name in ("SECURE_COOKIES", "BEHIND_PROXY", "SSL_REDIRECT", "OTP_REQUIRED", "HSTS_INCLUDE_SUBDOMAINS"):
        assert variables[name] == "1", name
    assert int(variables["HSTS_SECONDS"]) >= 31536000


def test_check_deploy_is_clean_under_the_production_environment(tmp_path):
    variables, unset, arguments = ci_deploy_check()
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.pop("DJANGO_SETTINGS_MODULE", None)  # the real settings, not the test ones
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' live server, never in CI's line
    environment.update(variables, VAR_DIR=str(tmp_path))

    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
