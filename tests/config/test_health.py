from unittest import mock

from django.db import OperationalError


def test_healthz_reports_every_part(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["search"] == {**body["search"], "backend": "database", "ok": True}
    assert body["tasks"]["backend"] == "ImmediateBackend" and body["tasks"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"]["ok"] is False
    assert "gone" in body["database"]["error"]


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
    assert body["search"]["backend"] == "elasticsearch" and body["search"]["ok"] is False
