"""The API's OpenAPI document (/api/v1/openapi.json and .yaml): valid OpenAPI 3.1, in the language asked for, and
true to what the API answers. Schemathesis drives every operation with requests made from the document, in
process through the portal's WSGI application, and checks each answer against it: no server error, only the
status codes, headers, content types and bodies the document describes."""

from __future__ import annotations

import pytest
import schemathesis
import yaml
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from opendata.api.views import openapi_document
from tests.opendata.test_api import build_open_data

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "plans_list",
    "plans_retrieve",
    "commitments_list",
    "commitments_retrieve",
    "milestones_list",
    "updates_list",
    "indicators_list",
    "institutions_list",
    "cantons_list",
    "parishes_list",
    "reports_list",
    "meetings_list",
    "agreements_list",
    "road_works_list",
    "road_works_retrieve",
    "road_requests_list",
}
# Requests Schemathesis makes for each operation, valid and invalid: the run (16 operations) stays under a minute.
EXAMPLES = 15


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)
    info = document["info"]
    assert info["license"]["name"] == "CC BY 4.0"
    assert info["contact"]["name"]
    assert "datos abiertos" in info["title"].lower()
    operations = {op["operationId"] for methods in document["paths"].values() for op in methods.values()}
    assert operations == OPERATIONS


def test_the_document_comes_as_yaml_too(client):
    response = client.get("/api/v1/openapi.yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["openapi"] == "3.1.0"


def test_the_document_is_in_the_language_asked_for(client):
    spanish = client.get("/api/v1/openapi.json?lang=es").json()
    kichwa = client.get("/api/v1/openapi.json?lang=qu").json()
    summary = spanish["paths"]["/api/v1/commitments/"]["get"]["summary"]
    assert summary == "Compromisos"
    assert kichwa["paths"]["/api/v1/commitments/"]["get"]["summary"] == "Ari nishka ruranakuna"
    assert client.get("/api/v1/openapi.json?lang=xx").status_code == 400


def test_every_description_is_translated(client):
    """No English left in the Spanish or Kichwa document: every text of it has both translations."""
    english = openapi_document.__wrapped__("en")
    for language in ("es", "qu"):
        translated = openapi_document(language)
        for path, methods in english["paths"].items():
            for method, operation in methods.items():
                other = translated["paths"][path][method]
                assert other["summary"] != operation["summary"], (language, path)
                assert other["description"] != operation["description"], (language, path)
                for mine, theirs in zip(operation["parameters"], other["parameters"], strict=True):
                    assert theirs["description"] != mine["description"], (language, path, mine["name"])


# Schemathesis.


@pytest.fixture
def api_schema(plan, gad, department, settings):
    """The document as Schemathesis loads it from the running portal, with published data to answer from, no rate
    limit (it sends hundreds of requests) and the test's database connection kept open between requests, as
    Django's test client keeps it."""
    settings.API_RATE_LIMIT = ""
    cache.clear()
    build_open_data(plan, gad, department, rows=2)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_answer_conforms_to_the_document(api_schema):
    """Each operation, EXAMPLES valid requests and EXAMPLES invalid ones made from the document (schemathesis'
    Python API: its pytest integration does not run under this pytest), every answer checked with all of
    Schemathesis' checks: no 5xx, documented status codes, headers, content type and body; valid requests
    accepted, invalid ones refused."""
    checked = set()
    for found in api_schema.get_all_operations():
        operation = found.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def answers_as_documented(case):
                case.call_and_validate()

            answers_as_documented()
        checked.add(operation.definition.raw["operationId"])
    assert checked == OPERATIONS
