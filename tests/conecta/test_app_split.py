"""Meetings and surveys left `feedback` for apps of their own (issue 10) without copying a row: their tables keep
their names, and the migrations move their content types, so the role groups' permissions on them and the staff
admin's history of their rows follow them to the new apps."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

SPLIT_APPS = {"feedback", "meetings", "surveys"}


def migrate(targets):
    """Migrate to `targets` (an app's None: none of its migrations) and return the models as they were then."""
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state([t for t in targets if t[1] is not None]).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_a_database_of_the_old_layout_keeps_its_rows_permissions_and_history():
    old = migrate(
        [node for node in leaves() if node[0] not in SPLIT_APPS]
        + [("feedback", "0004_address_keys_write_once_minutes"), ("meetings", None), ("surveys", None)]
    )
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission, Group = old.get_model("auth", "Permission"), old.get_model("auth", "Group")
    LogEntry = old.get_model("admin", "LogEntry")
    User = old.get_model("auth", "User")
    # As the old layout left them: the content types under feedback (this test database made the new ones).
    ContentType.objects.filter(app_label__in=["meetings", "surveys"]).delete()
    meeting_type = ContentType.objects.create(app_label="feedback", model="meeting")
    survey_type = ContentType.objects.create(app_label="feedback", model="survey")
    change_meeting = Permission.objects.create(content_type=meeting_type, codename="change_meeting", name="x")
    view_survey = Permission.objects.create(content_type=survey_type, codename="view_survey", name="y")
    group = Group.objects.create(name="Old planners")
    group.permissions.add(change_meeting, view_survey)
    Meeting = old.get_model("feedback", "Meeting")
    meeting = Meeting.objects.create(slug="taller-1", kind="cocreation_workshop", title_es="Taller", date="2024-11-21")
    user = User.objects.create(username="planner")
    LogEntry.objects.create(
        user=user, content_type=meeting_type, object_id=str(meeting.pk), object_repr="Taller", action_flag=2
    )

    migrate(leaves())

    from django.contrib.admin.models import LogEntry as NewLogEntry
    from django.contrib.auth.models import Group as NewGroup

    from meetings.models import Meeting as NewMeeting

    assert NewMeeting.objects.get(slug="taller-1").title == "Taller"
    held = NewGroup.objects.get(name="Old planners").permissions.values_list("content_type__app_label", "codename")
    assert sorted(held) == [("meetings", "change_meeting"), ("surveys", "view_survey")]
    entry = NewLogEntry.objects.get(object_repr="Taller")
    assert entry.get_edited_object() == NewMeeting.objects.get(slug="taller-1")
