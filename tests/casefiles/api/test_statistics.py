"""/api/v1/statistics/<figure>/ and /api/v1/public/figures/: the figures' rows, with the page's rules."""

from freezegun import freeze_time

from casefiles.supervision import statistics
from tests.casefiles.supervision.test_statistics import PERIOD, TODAY, by_key, figures_world  # noqa: F401 (fixture)


def test_a_figure_for_a_supervisor_equals_the_domain_rows(figures_world, client):
    w = figures_world
    client.force_login(w.supervisor)
    response = client.get("/api/v1/statistics/returns/", {"from": "2025-01-01", "to": "2025-06-30"})
    assert response.status_code == 200
    body = response.json()
    assert [c["name"] for c in body["columns"]] == [c.name for c in statistics.FIGURES["returns"].columns]
    expected = by_key(statistics.returns(PERIOD))
    got = {row["key"]: row for row in body["rows"]}
    assert got[str(w.ids["a"])]["either"] == expected[str(w.ids["a"])].either
    assert got[""]["rate"] == expected[""].rate


def test_a_lead_gets_their_department_and_is_refused_another(figures_world, client):
    w = figures_world
    client.force_login(w.lead)
    rows = client.get("/api/v1/statistics/volumes-by-department/").json()["rows"]
    assert [row["key"] for row in rows] == [str(w.ids["a"])]
    refused = client.get("/api/v1/statistics/on-time/", {"department": [w.ids["b"]]})
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"
    client.force_login(w.stranger)
    assert client.get("/api/v1/statistics/on-time/").status_code == 403
    assert client.get("/api/v1/statistics/no-such/").status_code == 404


def test_bad_dates_are_refused(figures_world, client):
    client.force_login(figures_world.supervisor)
    assert client.get("/api/v1/statistics/on-time/", {"from": "2025-07-01", "to": "2025-01-01"}).status_code == 400


@freeze_time("2025-06-20 12:00:00")
def test_public_figures_for_everyone(figures_world, client):
    w = figures_world
    response = client.get("/api/v1/public/figures/")
    assert response.status_code == 200
    rows = response.json()
    assert set(rows[0]) == {"department", "month", "submitted", "decided", "on_time", "rate"}
    march = next(r for r in rows if r["department"] == w.department.name and r["month"] == "2025-03")
    assert (march["submitted"], march["decided"], march["on_time"], march["rate"]) == (2, 2, 1, 0.5)
    assert len({r["month"] for r in rows}) == 12 and TODAY.strftime("%Y-%m") in {r["month"] for r in rows}
