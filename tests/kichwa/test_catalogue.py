"""The Kichwa catalogue in the review queue (kichwa.catalogue): loading the .po file, applying the approved
corrections over the compiled catalogue (contexts and plurals), refusing broken placeholders, and writing the
reviews back into the .po file (export_kichwa_catalogue)."""

from __future__ import annotations

import io
import shutil
import subprocess
import textwrap
from pathlib import Path

import polib
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from kichwa import catalogue
from kichwa.catalogue import (
    APPROVE,
    APPROVE_CORRECTED,
    CATALOGUE_ORGANISATION,
    NEEDS_EDITING,
    PLURAL_SEPARATOR,
    interface_string_review,
    sync_catalogue,
)
from kichwa.models import InterfaceString, ReviewerProfile, ReviewState
from kichwa.roles import KICHWA_REVIEWER

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

QU = textwrap.dedent(
    """\
    msgid ""
    msgstr ""
    "Language: qu\\n"
    "Content-Type: text/plain; charset=UTF-8\\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\\n"

    # review: a river (sourced term wanted)
    #. review: a river (sourced term wanted)
    #: templates/x.html:1
    msgid "River"
    msgstr "Yaku"

    #: templates/x.html:2
    msgid "Water"
    msgstr "Yaku"

    # reviewed: Organización Kichwa de prueba, 2026-03-04
    msgid "Road"
    msgstr "Ñan"

    # review: the month, abbreviated
    #. review: the month, abbreviated
    msgctxt "abbrev. month"
    msgid "Jan."
    msgstr "Kull."

    # review: days late
    #. review: days late
    #, python-format
    msgid "%(days)s day late"
    msgid_plural "%(days)s days late"
    msgstr[0] "%(days)s puncha"
    msgstr[1] "%(days)s punchakuna"

    msgid "Not translated yet"
    msgstr ""
    """
)
ES = textwrap.dedent(
    """\
    msgid ""
    msgstr ""
    "Language: es\\n"
    "Content-Type: text/plain; charset=UTF-8\\n"

    msgid "River"
    msgstr "Río"

    msgid "Water"
    msgstr "Agua"

    msgid "Road"
    msgstr "Vía"

    msgctxt "abbrev. month"
    msgid "Jan."
    msgstr "ene."

    msgid "%(days)s day late"
    msgid_plural "%(days)s days late"
    msgstr[0] "%(days)s día"
    msgstr[1] "%(days)s días"
    """
)


@pytest.fixture(autouse=True)
def fresh_corrections():
    """Each test starts as a process that has loaded no correction, and leaves the process as it found it (the
    corrections it had loaded, the cache's version), so that no correction and no reload leaks into another test."""
    saved = catalogue._loaded_version, catalogue._corrections, cache.get(catalogue.VERSION_KEY)
    cache.delete(catalogue.VERSION_KEY)
    catalogue.forget_loaded()
    yield
    catalogue._loaded_version, catalogue._corrections, version = saved
    if version is None:
        cache.delete(catalogue.VERSION_KEY)
    else:
        cache.set(catalogue.VERSION_KEY, version, None)
    catalogue._install()


@pytest.fixture
def small(tmp_path) -> tuple[Path, Path]:
    """A catalogue of six messages, loaded into a queue that holds nothing else."""
    InterfaceString.objects.all().delete()
    qu, es = tmp_path / "qu.po", tmp_path / "es.po"
    qu.write_text(QU, encoding="utf-8")
    es.write_text(ES, encoding="utf-8")
    return qu, es


@pytest.fixture
def reviewer(db):
    user = UserFactory(username="revisora-kichwa", groups=[KICHWA_REVIEWER])
    ReviewerProfile.objects.create(user=user, organisation="Organización Kichwa de prueba")
    return user


def row(msgid: str, msgctxt: str = "") -> InterfaceString:
    return InterfaceString.objects.get(msgid=msgid, msgctxt=msgctxt)


def sync(paths) -> catalogue.SyncResult:
    qu, es = paths
    return sync_catalogue(path=qu, spanish_path=es)


# Loading the catalogue.


def test_the_real_catalogue_is_in_the_queue_after_migrate():
    entries = {(entry.msgctxt or "", entry.msgid) for entry in polib.pofile(str(catalogue.po_path()))}
    queue = set(InterfaceString.objects.filter(in_catalogue=True).values_list("msgctxt", "msgid"))
    nav = row("Commitments")

    # As the catalogue stood when the test database was made (others may append to it during a run).
    assert queue <= entries and len(queue) > 3000
    assert nav.spanish == "Compromisos"
    assert nav.kichwa == nav.kichwa_catalogue != ""


def test_a_flagged_entry_awaits_review_with_its_note_and_an_unflagged_one_is_vouched_for_by_the_catalogue(small):
    result = sync(small)

    river, water = row("River"), row("Water")
    assert (result.created, result.awaiting) == (6, 4)
    assert (river.state, river.note, river.spanish, river.kichwa) == (
        ReviewState.AWAITING,
        "a river (sourced term wanted)",
        "Río",
        "Yaku",
    )
    assert (water.state, water.organisation, water.reviewed_by) == (ReviewState.APPROVED, CATALOGUE_ORGANISATION, None)
    assert row("Not translated yet").state == ReviewState.AWAITING  # nothing to approve yet


def test_a_reviewed_mark_written_by_the_export_comes_back_as_that_review(small):
    sync(small)

    road = row("Road")
    assert (road.state, road.organisation, road.reviewed_at.date().isoformat()) == (
        ReviewState.APPROVED,
        "Organización Kichwa de prueba",
        "2026-03-04",
    )


def test_contexts_and_plurals_are_read(small):
    sync(small)

    month, days = row("Jan.", "abbrev. month"), row("%(days)s day late")
    assert (month.kichwa, month.spanish) == ("Kull.", "ene.")
    assert days.msgid_plural == "%(days)s days late"
    assert days.kichwa.split(PLURAL_SEPARATOR) == ["%(days)s puncha", "%(days)s punchakuna"]
    assert days.spanish.split(PLURAL_SEPARATOR) == ["%(days)s día", "%(days)s días"]


def test_a_second_sync_writes_nothing(small):
    sync(small)
    before = list(InterfaceString.objects.order_by("pk").values())

    with CaptureQueriesContext(connection) as queries:
        result = sync(small)

    assert not result.changed
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert list(InterfaceString.objects.order_by("pk").values()) == before


def test_known_rows_keep_their_review_and_their_correction(small, reviewer):
    sync(small)
    interface_string_review(string=row("River"), decision=APPROVE_CORRECTED, by=reviewer, kichwa="Hatun yaku")
    interface_string_review(string=row("Water"), decision=NEEDS_EDITING, by=reviewer, comment="¿Yaku o unu?")
    qu, es = small
    qu.write_text(QU.replace('msgstr "Yaku"', 'msgstr "Yakuta"'), encoding="utf-8")
    es.write_text(ES.replace("Río", "Río grande"), encoding="utf-8")

    sync(small)

    river, water = row("River"), row("Water")
    assert (river.state, river.kichwa, river.kichwa_catalogue, river.spanish) == (
        ReviewState.APPROVED,
        "Hatun yaku",
        "Yakuta",
        "Río grande",
    )
    # Water's Kichwa changed in the catalogue: its text follows (no correction), its review state too.
    assert (water.kichwa, water.state) == ("Yakuta", ReviewState.APPROVED)


def test_a_text_a_person_approved_goes_back_to_review_when_the_catalogue_changes_it(small, reviewer):
    sync(small)
    interface_string_review(string=row("River"), decision=APPROVE, by=reviewer)
    qu, _es = small
    qu.write_text(QU.replace('msgstr "Yaku"\n\n#: templates/x.html:2', 'msgstr "Mayu"\n\n#: templates/x.html:2'))

    result = sync(small)

    river = row("River")
    assert result.reopened == 1
    assert (river.kichwa, river.state, river.reviewed_by, river.organisation) == (
        "Mayu",
        ReviewState.AWAITING,
        None,
        "",
    )


def test_entries_gone_from_the_catalogue_leave_the_queue_and_come_back(small):
    sync(small)
    qu, _es = small
    qu.write_text(QU.replace('msgid "Water"\nmsgstr "Yaku"\n', ""), encoding="utf-8")

    assert sync(small).gone == 1
    assert not row("Water").in_catalogue

    qu.write_text(QU, encoding="utf-8")
    sync(small)
    assert row("Water").in_catalogue


# Corrections in force.


def kichwa(function, *args):
    with translation.override("qu"):
        return function(*args)


def test_an_approved_correction_replaces_the_compiled_text(reviewer):
    compiled = kichwa(gettext, "Commitments")
    interface_string_review(
        string=row("Commitments"), decision=APPROVE_CORRECTED, by=reviewer, kichwa="Rurana yuyaykuna"
    )

    catalogue.ensure_current()

    assert kichwa(gettext, "Commitments") == "Rurana yuyaykuna" != compiled
    with translation.override("es"):
        assert gettext("Commitments") == "Compromisos"


def test_a_correction_of_a_message_with_a_context_applies_to_that_context_only(reviewer):
    may = row("May", "abbrev. month")
    plain = kichwa(gettext, "May")
    interface_string_review(string=may, decision=APPROVE_CORRECTED, by=reviewer, kichwa="Ayma.")

    catalogue.ensure_current()

    assert kichwa(pgettext, "abbrev. month", "May") == "Ayma."
    assert kichwa(gettext, "May") == plain


def test_a_correction_of_a_plural_message_applies_to_each_form(reviewer):
    plural = InterfaceString.objects.filter(in_catalogue=True, msgctxt="").exclude(msgid_plural="").first()
    forms = [f"{form} (allichishka)" for form in plural.kichwa.split(PLURAL_SEPARATOR)]
    interface_string_review(string=plural, decision=APPROVE_CORRECTED, by=reviewer, kichwa=PLURAL_SEPARATOR.join(forms))

    catalogue.ensure_current()

    assert kichwa(ngettext, plural.msgid, plural.msgid_plural, 1) == forms[0]
    assert kichwa(ngettext, plural.msgid, plural.msgid_plural, 5) == forms[1]


def test_a_plural_message_with_a_context_is_corrected_too(small, reviewer):
    sync(small)
    days = InterfaceString.objects.get(msgid="%(days)s day late")
    InterfaceString.objects.filter(pk=days.pk).update(msgctxt="late")  # the small catalogue has no such entry
    interface_string_review(
        string=days, decision=APPROVE_CORRECTED, by=reviewer, kichwa=f"%(days)s p{PLURAL_SEPARATOR}%(days)s pk"
    )

    catalogue.ensure_current()

    assert kichwa(npgettext, "late", "%(days)s day late", "%(days)s days late", 1) == "%(days)s p"
    assert kichwa(npgettext, "late", "%(days)s day late", "%(days)s days late", 2) == "%(days)s pk"


def test_a_withdrawn_correction_gives_the_compiled_text_back(reviewer):
    compiled = kichwa(gettext, "Commitments")
    nav = row("Commitments")
    interface_string_review(string=nav, decision=APPROVE_CORRECTED, by=reviewer, kichwa="Rurana yuyaykuna")
    catalogue.ensure_current()
    interface_string_review(string=nav, decision=NEEDS_EDITING, by=reviewer, comment="Mejor como estaba.")
    catalogue.bump_version()  # what the commit of the review does

    catalogue.ensure_current()

    assert kichwa(gettext, "Commitments") == compiled


# Placeholders.


@pytest.mark.parametrize(
    "msgid, wrong, right",
    [
        ("%(count)s records", "%(cuenta)s killkakuna", "killkakuna %(count)s"),
        ("Page %s of %s", "Panka %s", "Panka %s, %s manta"),
        ("Hello {name}", "Alli puncha", "Alli puncha {name}"),
        ("%(count)d items", "%(count)s ruraykuna", "%(count)d ruraykuna"),
    ],
)
def test_a_correction_must_keep_the_placeholders_of_the_english(reviewer, msgid, wrong, right):
    string = InterfaceString.objects.create(msgid=msgid, kichwa="x", kichwa_catalogue="x")

    with pytest.raises(ValidationError) as refused:
        interface_string_review(string=string, decision=APPROVE_CORRECTED, by=reviewer, kichwa=wrong)
    assert list(refused.value.message_dict) == ["kichwa"]
    assert InterfaceString.objects.get(pk=string.pk).kichwa == "x"

    interface_string_review(string=string, decision=APPROVE_CORRECTED, by=reviewer, kichwa=right)
    assert InterfaceString.objects.get(pk=string.pk).kichwa == right


def test_each_plural_form_keeps_the_placeholders_and_every_form_is_written(reviewer):
    string = InterfaceString.objects.create(
        msgid="%(count)s day", msgid_plural="%(count)s days", kichwa=f"a{PLURAL_SEPARATOR}b", kichwa_catalogue="x"
    )

    for wrong in (f"%(count)s puncha{PLURAL_SEPARATOR}punchakuna", "%(count)s puncha"):
        with pytest.raises(ValidationError):
            interface_string_review(string=string, decision=APPROVE_CORRECTED, by=reviewer, kichwa=wrong)


# Writing the reviews back.


@pytest.fixture
def po_copy(tmp_path) -> Path:
    copy = tmp_path / "django.po"
    shutil.copyfile(catalogue.po_path(), copy)
    return copy


def test_the_export_writes_the_reviews_into_the_po_file_and_leaves_the_rest_alone(po_copy, reviewer):
    original = po_copy.read_text(encoding="utf-8")
    interface_string_review(
        string=row("Commitments"), decision=APPROVE_CORRECTED, by=reviewer, kichwa="Rurana yuyaykuna"
    )
    interface_string_review(string=row("Jan.", "abbrev. month"), decision=APPROVE, by=reviewer)

    call_command("export_kichwa_catalogue", path=po_copy, stdout=io.StringIO())

    exported = polib.pofile(str(po_copy))
    nav, month = exported.find("Commitments"), exported.find("Jan.", msgctxt="abbrev. month")
    assert nav.msgstr == "Rurana yuyaykuna"
    assert nav.tcomment == f"reviewed: Organización Kichwa de prueba, {timezone_today()}"
    assert "review:" not in nav.comment
    assert month.msgstr == polib.pofile(str(catalogue.po_path())).find("Jan.", msgctxt="abbrev. month").msgstr
    assert month.tcomment.startswith("reviewed: ")
    assert "\n\n\n" not in po_copy.read_text(encoding="utf-8")
    # Every other line is where it was, as it was.
    reviewed = {("", "Commitments"), ("abbrev. month", "Jan.")}
    before, after = blocks(original), blocks(po_copy.read_text(encoding="utf-8"))
    assert [key for key, _lines in after] == [key for key, _lines in before]
    assert [block for block in after if block[0] not in reviewed] == [
        block for block in before if block[0] not in reviewed
    ]
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_copy)], check=True)


def timezone_today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def blocks(text: str) -> list[tuple[tuple[str, str], list[str]]]:
    """The file's lines, cut at each entry's first line: the header, then each entry (with the blank lines after
    it) under its (context, message)."""
    lines = text.split("\n")
    entries = sorted(polib.pofile(text), key=lambda entry: entry.linenum)
    starts = [entry.linenum for entry in entries] + [len(lines) + 1]
    out = [(("", "<header>"), lines[: starts[0] - 1])]
    for index, entry in enumerate(entries):
        out.append((((entry.msgctxt or ""), entry.msgid), lines[starts[index] - 1 : starts[index + 1] - 1]))
    return out


def test_the_check_fails_until_the_file_has_the_reviews_and_the_dry_run_writes_nothing(po_copy, reviewer):
    interface_string_review(
        string=row("Commitments"), decision=APPROVE_CORRECTED, by=reviewer, kichwa="Rurana yuyaykuna"
    )
    before = po_copy.read_bytes()

    with pytest.raises(CommandError) as lacking:
        call_command("export_kichwa_catalogue", path=po_copy, check=True, stdout=io.StringIO())
    assert lacking.value.returncode == 1

    call_command("export_kichwa_catalogue", path=po_copy, dry_run=True, stdout=io.StringIO())
    assert po_copy.read_bytes() == before

    call_command("export_kichwa_catalogue", path=po_copy, stdout=io.StringIO())
    call_command("export_kichwa_catalogue", path=po_copy, check=True, stdout=io.StringIO())  # passes now


def test_what_the_catalogue_vouches_for_is_not_written_back(po_copy):
    before = po_copy.read_bytes()
    assert InterfaceString.objects.filter(organisation=CATALOGUE_ORGANISATION).exists()

    call_command("export_kichwa_catalogue", path=po_copy, check=True, stdout=io.StringIO())

    assert po_copy.read_bytes() == before


def test_an_exported_catalogue_synced_into_an_empty_database_keeps_the_reviews(po_copy, reviewer):
    interface_string_review(
        string=row("Commitments"), decision=APPROVE_CORRECTED, by=reviewer, kichwa="Rurana yuyaykuna"
    )
    call_command("export_kichwa_catalogue", path=po_copy, stdout=io.StringIO())
    InterfaceString.objects.all().delete()

    sync_catalogue(path=po_copy)

    nav = row("Commitments")
    assert (nav.kichwa, nav.state, nav.organisation, nav.corrected) == (
        "Rurana yuyaykuna",
        ReviewState.APPROVED,
        "Organización Kichwa de prueba",
        False,
    )
