"""The house's floors (README, "Layout"): an app imports only the apps below it, never another app's admin.py,
and never a name another app keeps private (one that starts with "_"). Read from the source, lazy imports
inside functions included; migrations are history and may name any app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Which apps each app may import. meetings, feedback and surveys share a floor: surveys builds on feedback's
# participation kit (a response is a contribution like the others), and feedback learns about surveys only
# through its registries (feedback.contributions, conecta.extensions). roads stands on them: a road request is a
# contribution, and a road work may name the meeting where communities were consulted.
MAY_IMPORT = {
    "conecta": set(),
    # Recordings and the review of Kichwa: every app that shows content may attach or show them.
    "kichwa": {"conecta"},
    "commitments": {"conecta", "kichwa"},
    "meetings": {"conecta", "kichwa", "commitments"},
    "feedback": {"conecta", "kichwa", "commitments"},
    "surveys": {"conecta", "kichwa", "commitments", "feedback"},
    "roads": {"conecta", "kichwa", "commitments", "meetings", "feedback"},
    "reports": {"conecta", "kichwa", "commitments", "meetings", "feedback", "surveys", "roads"},
    "opendata": {"conecta", "kichwa", "commitments", "meetings", "feedback", "surveys", "roads", "reports"},
    # Alerts follow everything the others publish; nothing imports them (they add to the pages through panels).
    "alerts": {"conecta", "kichwa", "commitments", "meetings", "feedback", "surveys", "roads", "reports"},
}
# What spans apps sits on the top floor (README): the root URLs and the commands that load or check everything.
TOP_FLOOR = {"conecta/urls.py", "conecta/management/commands"}


def app_modules():
    for app in MAY_IMPORT:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or any(relative.startswith(top) for top in TOP_FLOOR):
                continue
            yield app, relative, path


def imports_of(path: Path):
    """(module imported, names imported from it) for every import statement of the file."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, [alias.name for alias in node.names]


def problems_of(app: str, relative: str, path: Path) -> list[str]:
    found = []
    for module, names in imports_of(path):
        other = module.split(".")[0]
        if other not in MAY_IMPORT or other == app:
            continue
        if other not in MAY_IMPORT[app]:
            found.append(f"{relative} imports {module}: {app} may not import {other}")
        if module.split(".")[-1] == "admin" or "admin" in names and module == other:
            found.append(f"{relative} imports {module} {names}: another app's admin.py")
        private = [name for name in names if name.startswith("_")]
        if private or any(part.startswith("_") for part in module.split(".")[1:]):
            found.append(f"{relative} imports {module} {private}: a name {other} keeps private")
    return found


def test_the_floors_hold():
    problems = [problem for app, relative, path in app_modules() for problem in problems_of(app, relative, path)]
    assert problems == []


@pytest.mark.parametrize(
    "source, app, expected",
    [
        ("from reports.models import Report\n", "commitments", "commitments may not import reports"),
        ("from commitments.admin import ScopedMixin\n", "reports", "another app's admin.py"),
        ("from feedback.services import _save_once\n", "surveys", "a name feedback keeps private"),
        ("def f():\n    from surveys.selectors import surveys_open\n", "feedback", "feedback may not import surveys"),
    ],
)
def test_it_finds_each_kind_of_breach(tmp_path, source, app, expected):
    """The check itself can fail: each breach of the rules is reported, lazy imports included."""
    path = tmp_path / "module.py"
    path.write_text(source)
    assert any(expected in problem for problem in problems_of(app, "module.py", path))


def test_a_lawful_module_has_no_problem(tmp_path):
    path = tmp_path / "module.py"
    path.write_text("from commitments.models import Commitment\nfrom feedback.contributions import Sender\n")
    assert problems_of("surveys", "module.py", path) == []
