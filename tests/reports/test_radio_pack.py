"""The radio pack of a published quarterly report (issue 16): a ZIP with the report's published recordings, a
presenter's script in Spanish and Kichwa, a README.txt and SHA256SUMS; written once, in editions when the report's
recordings change (an edition holding a withdrawn recording is withdrawn with it), linked from the report's page
and listed in the open data."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import translation

from conecta.extensions import published_files
from kichwa.models import Recording, RecordingState, audio_storage
from opendata.datasets import dataset
from reports import radio, services
from reports.models import Report, ReportFrozenError, ReportOutreachFile
from reports.periods import Period

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL.rstrip("/")
UNZIP = shutil.which("unzip") or ("/usr/bin/unzip" if Path("/usr/bin/unzip").exists() else None)
# Stand-ins for converted files: the pack copies a recording's bytes as they are, whatever the codec.
OPUS, MP3 = b"OggS\x00\x02 a Kichwa voice note, converted" * 50, b"ID3\x04 the same voice note as MP3" * 80


@pytest.fixture(autouse=True)
def audio_root(settings, tmp_path):
    settings.AUDIO_ROOT = tmp_path / "audio"


@pytest.fixture
def contact(settings):
    settings.CONTACT_PHONE = "(03) 288 5000"
    settings.CONTACT_WHATSAPP = "099 123 4567"


def packs(report) -> list[ReportOutreachFile]:
    return list(ReportOutreachFile.objects.radio_packs().filter(report=report).order_by("version"))


def recording_for(report, *, language: str = "qu", title: str = "Willachik, kimsa killa") -> Recording:
    """A published, converted recording of `report`, as kichwa's pipeline leaves one (its files written once)."""
    files = {}
    for field, body in (("original", OPUS), ("opus", OPUS), ("mp3", MP3)):
        name = audio_storage.save(f"test/{language}-{field}.{'mp3' if field == 'mp3' else 'opus'}", ContentFile(body))
        files[field] = name
    return Recording.objects.create(
        content_type=ContentType.objects.get_for_model(Report),
        object_id=report.pk,
        language=language,
        title=title,
        original=files["original"],
        opus=files["opus"],
        opus_size=len(OPUS),
        opus_sha256=hashlib.sha256(OPUS).hexdigest(),
        mp3=files["mp3"],
        mp3_size=len(MP3),
        mp3_sha256=hashlib.sha256(MP3).hexdigest(),
        duration=151.4,
        state=RecordingState.READY,
        is_published=True,
    )


def unpack(path: Path, into: Path) -> Path:
    """Test the ZIP as `unzip -t` does, extract it, and return the pack's folder."""
    if UNZIP:
        tested = subprocess.run([UNZIP, "-t", str(path)], capture_output=True, text=True)
        assert tested.returncode == 0 and "No errors detected" in tested.stdout, tested.stdout + tested.stderr
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        archive.extractall(into)
    (folder,) = into.iterdir()
    return folder


def sums_check(folder: Path) -> str:
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return checked.stdout


def sweep(capture) -> int:
    with capture(execute=True):
        return services.reports_queue_outreach()


def test_a_published_quarterly_report_gets_a_pack_with_both_scripts_and_checksums(
    contact, published, citizen, tmp_path
):
    (pack,) = packs(published)
    assert (pack.version, pack.recordings, pack.download_name) == (1, [], "conecta-pastaza-radio-2025-T3-1.zip")
    page = citizen.get("/es/informes/2025-t3/").content.decode()
    url = f"/es/informes/2025-t3/difusion/{pack.sha256[:16]}/{pack.download_name}"
    assert f'href="{url}"' in page and pack.sha256 in page and "aún sin grabación" in page
    response = citizen.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == pack.sha256 and len(body) == pack.size
    (tmp_path / "pack.zip").write_bytes(body)

    folder = unpack(tmp_path / "pack.zip", tmp_path / "out")
    assert folder.name == "conecta-pastaza-radio-2025-T3-1"
    assert sorted(p.name for p in folder.iterdir()) == ["README.txt", "SHA256SUMS", "guion-es.txt", "guion-qu.txt"]
    assert sums_check(folder).count(": OK") == 3
    spanish = (folder / "guion-es.txt").read_text(encoding="utf-8")
    kichwa = (folder / "guion-qu.txt").read_text(encoding="utf-8")
    assert "Buenos días, queridos oyentes" in spanish and "de T3 2025" not in spanish
    # The period as a presenter says it, and the Kichwa of the portal's periods ("2025 watapak 3-niki kimsa killa").
    assert "al terminar el tercer trimestre de 2025, del 1 de julio de 2025 al 30 de septiembre de 2025" in spanish
    assert "2025 watapak kimsaniki kimsa killa tukurikpi" in kichwa
    assert "Alli puncha, kuyashka uyakkuna" in kichwa and "Buenos días" not in kichwa
    # The three figures of the snapshot, what is overdue, and how to take part without the internet.
    totals = published.snapshot["totals"]
    assert f"al {totals['average_progress']} por ciento" in spanish
    assert totals["milestones_complete"] == 1  # said in the singular: "1 … estaba cumplido", not "1 estaban"
    assert f"Segundo: 1 de los {totals['milestones']} hitos del plan estaba cumplido." in spanish
    assert "Mantenimiento de vías (compromiso TEST0002)" in spanish
    assert "Ñankunata allichina (TEST0002 ari nishka rurana)" in kichwa
    assert "(03) 288 5000" in spanish and "099 123 4567" in kichwa
    # Where to find the report, said in words: the host without the scheme and the menu's section, no raw URL.
    host = SITE.split("://", 1)[1]
    assert f"está en {host}, sección Informes." in spanish and f"{host}-pi, Willachikkuna rakipimi" in kichwa
    assert "http" not in spanish + kichwa and "/informes/" not in spanish + kichwa
    # Two to three minutes read aloud: about 130 words a minute.
    for script in (spanish, kichwa):
        assert 150 <= len(re.findall(r"\w+", script)) <= 450
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "Aún no hay grabación" in readme and "Manarak uyarina tiyanchu" in readme
    assert "sha256sum -c SHA256SUMS" in readme


def figures_of(snapshot: dict, **changes) -> dict:
    """`snapshot` with its feedback and road figures replaced by `changes` (suggestions, received, fixed)."""
    feedback = {"figures": [{"key": "suggestions.received", "value": changes["suggestions"]}]}
    roads = {**(snapshot.get("roads") or {}), "requests": {"received": changes["received"], "fixed": changes["fixed"]}}
    return {**snapshot, "feedback": feedback, "roads": roads}


def test_the_script_never_reads_a_zero_aloud_nor_says_twice_that_nothing_was_overdue(published):
    published.snapshot = figures_of(published.snapshot, suggestions=0, received=2, fixed=0)
    published.snapshot["commitments"] = [  # nothing overdue
        {**c, "milestones": [{**m, "overdue": False} for m in c.get("milestones", [])]}
        for c in published.snapshot.get("commitments", [])
    ]
    spanish, kichwa = radio.script_text(published, "es"), radio.script_text(published, "qu")
    assert not re.search(r"(?<![\d.,:])0(?![\d.,:])", spanish), spanish
    assert "En el trimestre, nadie envió sugerencias, quejas ni preguntas." in spanish
    assert "La ciudadanía pidió 2 arreglos de vías en el trimestre." in spanish
    assert "En el trimestre no se arregló ninguna vía." in spanish
    assert spanish.lower().count("ningún hito estaba vencido") <= 1
    assert "pipash mana yuyachiykunata" in kichwa and "mana ima ñanpash allichishkachu" in kichwa

    published.snapshot = figures_of(published.snapshot, suggestions=1, received=0, fixed=1)
    spanish = radio.script_text(published, "es")
    assert "envió 1 sugerencia, queja o pregunta" in spanish and "nadie pidió arreglar una vía" in spanish
    assert "En el trimestre se hizo 1 arreglo." in spanish


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (60, "Menos de un minuto"),
        (150, "Alrededor de un minuto"),
        (230, "Un minuto y medio"),
        (250, "Un minuto y medio"),
        (300, "Unos dos minutos"),
        (335, "Unos dos minutos"),
        (420, "Unos tres minutos"),
        (900, "Unos 6 minutos"),
    ],
)
def test_the_script_says_how_long_it_is_from_its_words(words, said):
    with translation.override("es"):
        assert radio.spoken_length(words).startswith(said)


def test_the_script_s_claimed_length_matches_its_words(published):
    for language in ("es", "qu"):
        script = radio.script_text(published, language)
        with translation.override(language):
            assert radio.spoken_length(radio.read_aloud_words(script)) in script.split("\n")[2]
    assert "dos a tres minutos" not in radio.script_text(published, "es")


def test_a_recording_added_later_makes_a_new_edition_and_the_first_stays(
    published, citizen, tmp_path, django_capture_on_commit_callbacks
):
    (first,) = packs(published)
    first_bytes = Path(first.file.path).read_bytes()
    recording = recording_for(published)

    assert sweep(django_capture_on_commit_callbacks) == 1
    old, new = packs(published)
    assert old.pk == first.pk and Path(old.file.path).read_bytes() == first_bytes and old.withdrawn_at is None
    assert new.version == 2 and new.download_name == "conecta-pastaza-radio-2025-T3-2.zip"
    assert new.recordings == [
        {
            "recording": recording.pk,
            "language": "qu",
            "opus_sha256": recording.opus_sha256,
            "mp3_sha256": recording.mp3_sha256,
        }
    ]
    folder = unpack(Path(new.file.path), tmp_path / "v2")
    audio = folder / "audio"
    assert (audio / f"conecta-pastaza-grabacion-{recording.pk}-qu.opus").read_bytes() == OPUS
    assert (audio / f"conecta-pastaza-grabacion-{recording.pk}-qu.mp3").read_bytes() == MP3
    assert sums_check(folder).count(": OK") == 5
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "grabación en Kichwa (2:31): Willachik, kimsa killa" in readme
    # Both editions are listed, the newest first; nothing more to do until the recordings change again.
    page = citizen.get("/es/informes/2025-t3/").content.decode()
    assert page.index(new.sha256) < page.index(old.sha256) and "1 grabación" in page
    assert sweep(django_capture_on_commit_callbacks) == 0
    assert len(packs(published)) == 2


def test_an_edition_holding_a_withdrawn_recording_is_withdrawn(published, citizen, django_capture_on_commit_callbacks):
    recording = recording_for(published)
    sweep(django_capture_on_commit_callbacks)
    Recording.objects.filter(pk=recording.pk).update(is_published=False)  # staff unpublish it

    assert sweep(django_capture_on_commit_callbacks) == 1
    first, second, third = packs(published)
    assert first.withdrawn_at is None and third.withdrawn_at is None and third.recordings == []
    assert second.withdrawn_at is not None and not Path(second.file.path).exists()
    assert second.sha256 and second.size  # its fingerprint stays on record
    url = f"/es/informes/2025-t3/difusion/{second.sha256[:16]}/{second.download_name}"
    assert citizen.get(url).status_code == 404
    page = citizen.get("/es/informes/2025-t3/").content.decode()
    assert second.download_name not in page and first.download_name in page and third.download_name in page
    assert second.file.name not in {item.name for item in published_files()}


def test_a_pack_is_written_once(published, rerender):
    (pack,) = packs(published)
    pack.sha256 = "0" * 64
    with pytest.raises(ReportFrozenError):
        pack.save()
    with pytest.raises(ReportFrozenError):
        ReportOutreachFile.objects.filter(pk=pack.pk).update(recordings=[{"recording": 1}])
    with pytest.raises(services.ReportActionRefused):
        rerender(published)  # nothing is missing: nothing is written again
    assert packs(published)[0].sha256 == ReportOutreachFile.objects.get(pk=pack.pk).sha256 != "0" * 64
    assert pack.file.name in {item.name for item in published_files()}


def test_the_same_parts_make_the_same_bytes(published, tmp_path):
    (pack,) = packs(published)
    again = tmp_path / "again.zip"
    radio.pack_write(published, version=1, recordings=[], target=again)
    assert hashlib.sha256(again.read_bytes()).hexdigest() == pack.sha256


def test_the_pack_is_listed_in_the_open_data(published, citizen):
    (pack,) = packs(published)
    rows = {row["archivo"]: row for row in dataset("archivos-de-informes").rows()}
    row = rows["conecta-pastaza-radio-2025-T3-1.zip"]
    assert (row["formato"], row["idioma"], row["sha256"], row["tamano_bytes"]) == ("zip", None, pack.sha256, pack.size)
    body = b"".join(citizen.get(row["url"].removeprefix(SITE)).streaming_content)
    assert hashlib.sha256(body).hexdigest() == pack.sha256


def test_drafts_and_annual_reports_have_no_pack(
    plan_with_progress, draft, planner, second_planner, rerender, django_capture_on_commit_callbacks
):
    rerender(draft)
    assert not ReportOutreachFile.objects.exists()
    year = services.report_draft_for_period(plan=plan_with_progress, period=Period(2025))
    year.summary_es = "Resumen del año."
    year.save()
    services.report_submit(report=year, by=planner)
    services.report_approve(report=year, by=second_planner)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=year, by=planner)
    assert not ReportOutreachFile.objects.exists()
    assert sweep(django_capture_on_commit_callbacks) == 0
