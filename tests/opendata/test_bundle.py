"""The nightly bundle (opendata.bundle): one ZIP a day with every dataset's CSV and JSON (the downloads' very
bytes), the Data Package and SHA256SUMS; made once a day whatever runs it; kept 31 days, and each month's first
for good; served with safe headers; listed on the history page; never anything personal in it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from conecta import extensions
from conecta.published_files import PublishedFileFrozen, published_files_verify
from opendata import bundle as bundles
from opendata import datasets
from opendata.datasets import Column, Dataset
from opendata.models import Bundle, bundle_storage
from opendata.roles import opendata_roles_grant
from opendata.tasks import create_bundle_task
from tests.feedback.factories import AnsweredSuggestionFactory
from tests.roads.factories import RoadRequestFactory

pytestmark = pytest.mark.django_db

PASTAZA = dt.timezone(dt.timedelta(hours=-5))


def at(year: int, month: int, day: int, hour: int = 1):
    """The clock at `hour` o'clock of that day in Pastaza (the nightly task runs after midnight)."""
    return time_machine.travel(dt.datetime(year, month, day, hour, 15, tzinfo=PASTAZA), tick=False)


ROWS = [{"codigo": "A-1", "nombre": "Puyo"}, {"codigo": "A-2", "nombre": "Mera"}]
SMALL = Dataset(
    key="prueba-paquete",
    title="Datos de prueba",
    description="Un conjunto de datos para las pruebas del paquete.",
    theme="plan",
    columns=(Column("codigo", "string", "Código", required=True), Column("nombre", "string", "Nombre")),
    rows=lambda: [dict(row) for row in ROWS],
    primary_key=("codigo",),
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def only_small(monkeypatch):
    """The catalogue holds one small dataset (the real ones are bundled in the tests that load the demo)."""
    monkeypatch.setattr(datasets, "_datasets", {})
    datasets.register(SMALL)


def members(bundle: Bundle) -> dict[str, bytes]:
    """The bundle's files by their path inside its folder."""
    with bundle_storage.open(bundle.file.name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    folder = f"conecta-pastaza-datos-{bundle.day.isoformat()}/"
    names = archive.namelist()
    assert all(name.startswith(folder) for name in names), names
    return {name.removeprefix(folder): archive.read(name) for name in names}


def old_bundle(day: dt.date) -> Bundle:
    """A recorded bundle of an earlier day (its file a few bytes: what pruning reads is the row and the name)."""
    name = bundle_storage.save(f"datos/paquetes/antiguo-{day.isoformat()}.zip", ContentFile(b"PK old"))
    return Bundle.objects.create(day=day, file=name, size=6, sha256="0" * 64, datasets=1, created_at=timezone.now())


# What a bundle holds.


def test_a_bundle_holds_every_datasets_csv_and_json_the_descriptor_and_the_sums(only_small, client):
    with at(2026, 3, 2):
        bundle, created = bundles.bundle_create()

    assert created
    files = members(bundle)
    assert sorted(files) == [
        "SHA256SUMS",
        "data/prueba-paquete.csv",
        "data/prueba-paquete.json",
        "datapackage.json",
    ]
    # The downloads' very bytes.
    assert files["data/prueba-paquete.csv"] == client.get("/datos/prueba-paquete.csv").content
    assert files["data/prueba-paquete.json"] == client.get("/datos/prueba-paquete.json").content
    package = json.loads(files["datapackage.json"])
    assert package["created"] == "2026-03-02T01:15:00-05:00"
    assert [r["path"] for r in package["resources"]] == ["data/prueba-paquete.csv"]
    assert bundle.datasets == 1
    assert bundle.download_name == "conecta-pastaza-datos-2026-03-02.zip"


def test_the_sums_file_checks_every_other_file_as_sha256sum_reads_it(only_small):
    with at(2026, 3, 2):
        bundle, _created = bundles.bundle_create()

    files = members(bundle)
    lines = files.pop("SHA256SUMS").decode("ascii").splitlines()
    expected = [f"{hashlib.sha256(content).hexdigest()}  {path}" for path, content in sorted(files.items())]
    assert lines == expected


def test_the_record_holds_the_files_size_and_sha256_and_the_file_is_read_only(only_small):
    with at(2026, 3, 2):
        bundle, _created = bundles.bundle_create()

    path = Path(bundle.file.path)
    content = path.read_bytes()
    assert bundle.size == len(content)
    assert bundle.sha256 == hashlib.sha256(content).hexdigest()
    assert path.stat().st_mode & 0o777 == 0o444
    assert bundle.file.name.startswith("datos/paquetes/conecta-pastaza-datos-2026-03-02-")


# One a day.


def test_running_twice_a_day_makes_one_bundle(only_small):
    with at(2026, 3, 2, hour=1):
        first, created = bundles.bundle_create()
    with at(2026, 3, 2, hour=23):
        again, created_again = bundles.bundle_create()

    assert created and not created_again
    assert again == first
    assert Bundle.objects.count() == 1
    assert len(list(Path(first.file.path).parent.iterdir())) == 1  # no second file left behind


def test_unchanged_data_on_the_next_day_still_make_that_days_bundle(only_small):
    with at(2026, 3, 2):
        bundles.bundle_create()
    with at(2026, 3, 3):
        bundles.bundle_create()

    assert list(Bundle.objects.order_by("day").values_list("day", flat=True)) == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 3),
    ]
    first, second = Bundle.objects.order_by("day")
    # The same data: the same files inside, under each day's folder.
    assert members(first)["data/prueba-paquete.csv"] == members(second)["data/prueba-paquete.csv"]


def test_the_day_is_pastazas_not_utcs(only_small):
    # 22:00 in Pastaza on 2 March is 03:00 on 3 March in UTC.
    with time_machine.travel(dt.datetime(2026, 3, 2, 22, 0, tzinfo=PASTAZA), tick=False):
        bundle, _created = bundles.bundle_create()

    assert bundle.day == dt.date(2026, 3, 2)


def test_a_run_that_loses_the_race_keeps_the_other_runs_bundle_and_drops_its_file(only_small, monkeypatch):
    with at(2026, 3, 2):
        winner, _created = bundles.bundle_create()
        # As if another run had checked just before the winner recorded its bundle.
        monkeypatch.setattr(bundles.Bundle.objects, "filter", lambda **kw: Bundle.objects.none())
        found, created = bundles.bundle_create()

    assert not created
    assert found.pk == winner.pk
    assert len(list(Path(winner.file.path).parent.iterdir())) == 1


def test_the_bundle_row_refuses_another_file_or_fingerprint(only_small):
    with at(2026, 3, 2):
        bundle, _created = bundles.bundle_create()

    bundle.sha256 = "f" * 64
    with pytest.raises(PublishedFileFrozen):
        bundle.save()


# Kept for 31 days, and each month's first for good.


def test_days_kept_are_the_last_31_and_each_months_first():
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(0, 90)]
    kept = bundles.days_kept(days, today=dt.date(2026, 3, 31))

    recent = {dt.date(2026, 3, 31) - dt.timedelta(days=n) for n in range(31)}
    assert kept == recent | {dt.date(2026, 1, 1), dt.date(2026, 2, 1)}


def test_a_months_first_bundle_is_the_first_that_was_made_in_it():
    days = [dt.date(2025, 11, 17), dt.date(2025, 11, 20), dt.date(2025, 12, 3)]

    assert bundles.days_kept(days, today=dt.date(2026, 6, 1)) == {dt.date(2025, 11, 17), dt.date(2025, 12, 3)}


def test_making_a_bundle_deletes_those_no_longer_kept_rows_and_files(only_small, django_capture_on_commit_callbacks):
    kept_forever = old_bundle(dt.date(2026, 1, 5))
    dropped = old_bundle(dt.date(2026, 1, 6))
    recent = old_bundle(dt.date(2026, 2, 1))
    dropped_path = Path(dropped.file.path)

    with at(2026, 2, 10), django_capture_on_commit_callbacks(execute=True):
        create_bundle_task.delay()

    assert set(Bundle.objects.values_list("day", flat=True)) == {
        kept_forever.day,
        recent.day,
        dt.date(2026, 2, 10),
    }
    assert not dropped_path.exists()
    assert Path(kept_forever.file.path).exists()


def test_the_task_says_what_it_did(only_small):
    old_bundle(dt.date(2026, 1, 5))
    old_bundle(dt.date(2026, 1, 6))

    with at(2026, 2, 10):
        said = create_bundle_task.delay().get()
        said_again = create_bundle_task.delay().get()

    assert said.startswith("conecta-pastaza-datos-2026-02-10.zip: made, ")
    assert said.endswith("; 1 old bundle(s) deleted")
    assert said_again.startswith("conecta-pastaza-datos-2026-02-10.zip: already made, ")


def test_the_command_makes_todays_bundle(only_small):
    out = io.StringIO()
    with at(2026, 3, 2):
        call_command("opendata_bundle", stdout=out)
        call_command("opendata_bundle", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("conecta-pastaza-datos-2026-03-02.zip (made now): 1 datasets, ")
    assert lines[1].startswith("conecta-pastaza-datos-2026-03-02.zip (already made today): ")
    assert Bundle.objects.count() == 1


def test_the_daily_check_of_published_files_reads_every_kept_bundle(only_small, monkeypatch):
    with at(2026, 3, 2):
        bundle, _created = bundles.bundle_create()
    monkeypatch.setattr(extensions, "_published_file_providers", [])
    extensions.register_published_files(bundles.published_bundle_files)

    files = list(extensions.published_files())
    checked, problems = published_files_verify()

    assert [(f.what, f.name, f.sha256, f.size) for f in files] == [
        ("Paquete de datos abiertos del 2026-03-02", bundle.file.name, bundle.sha256, bundle.size)
    ]
    assert (checked, problems) == (1, [])


# Served.


def test_the_latest_bundle_is_served_with_safe_headers_to_every_site(only_small, client):
    with at(2026, 3, 1):
        bundles.bundle_create()
    with at(2026, 3, 2):
        latest, _created = bundles.bundle_create()

    response = client.get("/datos/paquete.zip")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == Path(latest.file.path).read_bytes()
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="conecta-pastaza-datos-2026-03-02.zip"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] == f'"{latest.sha256}"'
    # The address passes to the next bundle every night: never cached for good.
    assert response["Cache-Control"] == "public, max-age=60"


def test_each_kept_bundle_has_an_address_of_its_own_cached_for_good(only_small, client):
    with at(2026, 3, 1):
        first, _created = bundles.bundle_create()
    with at(2026, 3, 2):
        bundles.bundle_create()

    response = client.get("/datos/paquetes/conecta-pastaza-datos-2026-03-01.zip")

    assert first.get_absolute_url() == "/datos/paquetes/conecta-pastaza-datos-2026-03-01.zip"
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == Path(first.file.path).read_bytes()
    assert "immutable" in response["Cache-Control"]
    again = client.get(first.get_absolute_url(), HTTP_IF_NONE_MATCH=f'"{first.sha256}"')
    assert again.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/datos/paquetes/conecta-pastaza-datos-2026-03-09.zip",
        "/datos/paquetes/conecta-pastaza-datos-2026-02-30.zip",
        "/datos/paquetes/otra-cosa.zip",
    ],
)
def test_a_day_without_a_bundle_is_a_404(only_small, client, url):
    with at(2026, 3, 2):
        bundles.bundle_create()

    assert client.get(url).status_code == 404


def test_with_no_bundle_yet_the_latest_is_a_404(only_small, client):
    assert client.get("/datos/paquete.zip").status_code == 404


def test_a_bundle_refuses_post(only_small, client):
    with at(2026, 3, 2):
        bundles.bundle_create()

    assert client.post("/datos/paquete.zip").status_code == 405


# The history page.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_history_page_lists_kept_bundles_with_size_and_sha256(only_small, client, lang):
    old_bundle(dt.date(2026, 1, 5))
    with at(2026, 3, 2):
        bundle, _created = bundles.bundle_create()
        page = client.get(f"/{lang}/datos/historial/")

    assert page.status_code == 200
    html = page.content.decode()
    assert bundle.sha256 in html and "0" * 64 in html
    assert 'href="/datos/paquetes/conecta-pastaza-datos-2026-03-02.zip"' in html
    assert 'href="/datos/paquetes/conecta-pastaza-datos-2026-01-05.zip"' in html
    assert 'href="/datos/paquete.zip"' in html
    assert 'href="/datos/datapackage.json"' in html and 'href="/datos/dcat.ttl"' in html
    assert html.index("2026-03-02") < html.index("2026-01-05")  # newest first


def test_the_history_page_says_how_long_each_bundle_is_kept(only_small, client):
    old_bundle(dt.date(2026, 2, 1))
    old_bundle(dt.date(2026, 2, 20))
    with at(2026, 3, 2):
        html = client.get("/es/datos/historial/").content.decode()

    assert "para siempre (el primero de su mes)" in html
    assert "hasta el 22 de marzo de 2026" in html


def test_the_history_page_before_the_first_bundle(only_small, client):
    html = client.get("/es/datos/historial/").content.decode()

    assert "Todavía no se ha hecho ningún paquete" in html
    assert 'href="/datos/paquete.zip"' not in html


@pytest.mark.parametrize("count", [3, 30])
def test_the_history_page_makes_as_many_queries_for_3_bundles_as_for_30(
    only_small, client, count, django_assert_max_num_queries
):
    for n in range(count):
        old_bundle(dt.date(2026, 1, 1) + dt.timedelta(days=n))

    with django_assert_max_num_queries(1):
        response = client.get("/es/datos/historial/")
    assert response.status_code == 200


# Staff.


def test_staff_read_the_bundles_in_the_admin_and_change_none(only_small, planner_client):
    opendata_roles_grant()  # what OpendataConfig.ready connects to post_migrate
    with at(2026, 3, 2):
        bundle, _created = bundles.bundle_create()

    listing = planner_client.get("/admin/opendata/bundle/")
    change = planner_client.get(f"/admin/opendata/bundle/{bundle.pk}/change/")

    assert listing.status_code == 200
    assert 'href="/datos/paquetes/conecta-pastaza-datos-2026-03-02.zip"' in listing.content.decode()
    assert change.status_code == 200 and bundle.sha256 in change.content.decode()
    assert planner_client.get("/admin/opendata/bundle/add/").status_code == 403
    assert planner_client.post(f"/admin/opendata/bundle/{bundle.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Bundle.objects.filter(pk=bundle.pk).exists()


# Never anything personal.


def test_no_bundle_holds_the_personal_data_of_anyone_who_wrote(real_plan):
    AnsweredSuggestionFactory(
        name="Rosalinda Tzerembo",
        email="rosalinda.tzerembo@example.org",
        phone="0991234567",
        commitment=real_plan.commitments.first(),
        text="Pedimos más datos abiertos.",
    )
    RoadRequestFactory(
        name="Baltazar Nenquimo",
        email="baltazar.nenquimo@example.org",
        phone="0987654321",
        description="Bache frente a la casa de Baltazar.",
    )
    personal = (
        "Rosalinda",
        "Tzerembo",
        "Baltazar",
        "Nenquimo",
        "@example.org",
        "0991234567",
        "0987654321",
        "ip-hash-rosa",
        "suggestion-token",
    )

    bundle, _created = bundles.bundle_create()

    files = members(bundle)
    assert len(files) == 2 * len(datasets.all_datasets()) + 2
    for path, content in files.items():
        text = content.decode("utf-8")
        found = [word for word in personal if word in text]
        assert not found, (path, found)
