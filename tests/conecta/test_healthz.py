"""`/healthz` tells the load balancer whether the portal can serve: the database, and the broker if any."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_answers_200_with_the_database_ok(client, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"
    assert "not configured" in body["broker"]


def test_it_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_answers_503_when_the_database_fails(client, settings, monkeypatch):
    from django.db import OperationalError

    from conecta import views

    class Down:
        def cursor(self):
            raise OperationalError("database is down")

    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr(views, "connection", Down())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "database": "error", "broker": "not configured (tasks run in-process)", "status": "error",
    }


def test_it_answers_503_when_a_configured_broker_is_unreachable(client, settings, monkeypatch):
    from conecta.celery import app

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    monkeypatch.setattr(app, "connection_for_write", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error", "status": "error"}


def test_it_tells_the_public_nothing_of_why_and_logs_it_for_staff(client, settings, monkeypatch, caplog):
    from django.db import OperationalError

    from conecta import views

    class Down:
        def cursor(self):
            raise OperationalError('connection to server at "db" (10.0.0.5), port 5432 failed: password')

    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr(views, "connection", Down())

    with caplog.at_level("ERROR", logger="conecta.views"):
        response = client.get("/healthz")

    body = response.content.decode()
    assert "OperationalError" not in body
    assert "10.0.0.5" not in body and "password" not in body
    assert any(record.exc_info and "10.0.0.5" in str(record.exc_info[1]) for record in caplog.records)
