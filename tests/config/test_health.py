"""/healthz: a status per part for monitors, the reasons only in the log."""

import logging
from unittest import mock

import pytest
from django.db import OperationalError

PARTS = {"database", "cache", "storage", "search", "tasks"}


def parts_of(body):
    return {name: part["status"] for name, part in body.items() if name != "status"}


def test_healthz_reports_every_part(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert parts_of(body) == dict.fromkeys(PARTS, "ok")
    assert body["search"]["backend"] == "database"
    assert body["tasks"]["backend"] == "ImmediateBackend"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_database_is_down_and_says_no_more(client, db, caplog):
    secret = "password authentication failed for user yiwang at db.internal:5432"
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError(secret)):
        with caplog.at_level(logging.WARNING, logger="health_check"):
            response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and body["database"] == {"status": "down"}
    assert "password" not in response.content.decode() and "db.internal" not in response.content.decode()
    assert secret in caplog.text  # the detail is for the operator's log


def test_healthz_is_degraded_but_serving_when_search_is_down(client, db, settings):
    from search.backends import _backend

    _backend.cache_clear()
    settings.YIWANG_SEARCH = {**settings.YIWANG_SEARCH, "BACKEND": "elasticsearch", "ELASTICSEARCH_URL": "http://127.0.0.1:9"}
    try:
        response = client.get("/healthz")
    finally:
        _backend.cache_clear()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["search"] == {"status": "down", "backend": "elasticsearch"}
    assert "127.0.0.1:9" not in response.content.decode()


def test_healthz_is_degraded_but_serving_when_redis_is_down(client, db, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["cache"] == {"status": "degraded"}  # answering from the process's own memory
    assert body["tasks"] == {"status": "down", "backend": "DegradingRQBackend"}
    assert body["database"]["status"] == body["storage"]["status"] == "ok"
    assert "127.0.0.1:1" not in response.content.decode() and "Error" not in response.content.decode()


def test_healthz_counts_the_jobs_that_failed_for_good(client, db, settings, real_redis):
    import django_rq

    from tests.conftest import point_redis_services_at

    point_redis_services_at(settings, real_redis)
    assert client.get("/healthz").json()["tasks"] == {"status": "ok", "backend": "DegradingRQBackend", "failed_jobs": 0}
    queue = django_rq.get_queue("default")
    job = queue.create_job("tests.config.test_health.nothing")
    job.save()
    queue.failed_job_registry.add(job, ttl=60, exc_string="Traceback: RuntimeError: boom")
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["tasks"] == {"status": "degraded", "backend": "DegradingRQBackend", "failed_jobs": 1}
    assert "boom" not in str(body)


def nothing():
    pass


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_answers_reads(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
