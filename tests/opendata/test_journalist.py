"""The issue's "done when": a journalist downloads the milestones as XLSX from the catalogue, and the same numbers
come back from the API."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_the_milestones_xlsx_and_the_api_say_the_same(citizen, real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    catalogue = citizen.get("/es/datos/hitos/").text
    assert 'href="/datos/hitos.xlsx"' in catalogue

    sheet = load_workbook(BytesIO(citizen.get("/datos/hitos.xlsx").content), read_only=True).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    from_file = {
        row[header.index("id")]: (
            row[header.index("avance")],
            row[header.index("nivel_irm")],
            row[header.index("compromiso")],
        )
        for row in rows
    }
    results, url = [], "/api/v1/milestones/?page_size=100"
    while url:
        page = citizen.get(url).json()
        results += page["results"]
        url = page["next"]
    from_api = {m["id"]: (m["progress"], m["level"], m["commitment"]) for m in results}

    assert from_file and from_file == from_api
