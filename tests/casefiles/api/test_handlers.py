"""/api/v1/: a case's handlers (承办人), assigning, claiming and transferring a stage, my cases —
the same refusals with the same statuses as the workbench."""

from rest_framework.test import APIClient

from casefiles.journal.models import CaseEvent
from casefiles.supervision import handlers
from casefiles.supervision.models import Stage


def api(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def url(case, *rest):
    return f"/api/v1/cases/{case.number}/handlers/" + "".join(f"{part}/" for part in rest)


def test_the_handlers_and_each_stages_clock(world, submitted_case):
    handlers.claim(submitted_case, Stage.REVIEW, world.reviewer)
    answer = api(world.lead).get(url(submitted_case))
    assert answer.status_code == 200
    stages = {s["stage"]: s for s in answer.json()["stages"]}
    assert stages["acceptance"]["handler"] is None and stages["acceptance"]["changes_hands"]
    assert stages["acceptance"]["due"] == submitted_case.acceptance_due.isoformat()
    assert stages["acceptance"]["light"]["light"] in {"green", "yellow"}
    assert stages["review"]["handler"]["handler"]["username"] == "reviewer"
    assert [h["how"] for h in answer.json()["history"]] == ["claimed"]
    assert api(world.applicant).get(url(submitted_case)).status_code == 403  # staff are never named to applicants
    assert api(world.other_clerk).get(url(submitted_case)).status_code == 404


def test_claim_assign_transfer_and_their_refusals(world, submitted_case):
    assert api(world.clerk).post(url(submitted_case, "acceptance", "claim")).status_code == 200
    taken = api(world.window).post(url(submitted_case, "acceptance", "claim"))
    assert taken.status_code == 409 and taken.json()["code"] == "conflict"
    assert api(world.reviewer).post(url(submitted_case, "decision", "claim")).status_code == 403
    assert api(world.supervisor).post(url(submitted_case, "decision", "assign"),
                                      {"handler": "decider"}).status_code == 403
    wrong = api(world.lead).post(url(submitted_case, "decision", "assign"), {"handler": "reviewer"})
    assert wrong.status_code == 400 and "reviewer" in wrong.json()["detail"]
    answer = api(world.lead).post(url(submitted_case, "decision", "assign"), {"handler": "decider"})
    assert answer.status_code == 200
    assert {s["stage"]: (s["handler"] or {}).get("how") for s in answer.json()["stages"]}["decision"] == "assigned"
    assert api(world.decider).post(url(submitted_case, "decision", "transfer"),
                                   {"handler": "decider2"}).status_code == 400  # no reason
    moved = api(world.decider).post(url(submitted_case, "decision", "transfer"), {"handler": "decider2", "reason": "出差"})
    assert moved.status_code == 200
    assert CaseEvent.objects.filter(case=submitted_case, action=handlers.TRANSFER, comment="出差").exists()
    assert api(world.lead).post(url(submitted_case, "nowhere", "claim")).status_code == 400
    assert api(world.other_clerk).post(url(submitted_case, "acceptance", "claim")).status_code == 404


def test_my_cases(world, submitted_case):
    handlers.claim(submitted_case, Stage.DECISION, world.decider)
    answer = api(world.decider).get("/api/v1/staff/my-cases/")
    assert answer.status_code == 200
    assert [c["number"] for c in answer.json()["results"]] == [submitted_case.number]
    assert api(world.reviewer).get("/api/v1/staff/my-cases/").json()["results"] == []
    assert api().get("/api/v1/staff/my-cases/").status_code in (401, 403)
