"""/api/v1/bundles/ and /api/v1/activities/."""

import pytest
from rest_framework.test import APIClient

from casefiles.bundles.models import Activity
from casefiles.handling import workflow
from casefiles.cases.models import CaseFile, Status
from casefiles.materials.models import Material
from tests.casefiles.conftest import pdf_upload


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_filing_a_bundle_over_the_api(bundle_world, api):
    w = bundle_world
    api.force_authenticate(w.applicant)
    created = api.post("/api/v1/bundles/", {"bundle": "ZH-YJS-TEST", "contact_phone": "13800000000"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    number = body["number"]
    assert body["status"] == "draft" and len(body["parts"]) == 2
    slots = {slot["name"]: slot for slot in body["materials"]}
    assert slots["营业执照"]["shared"] and len(slots["营业执照"]["items"]) == 2
    for name in ("营业执照", "食品经营许可申请书", "施工许可申请表"):
        answer = api.post(f"/api/v1/bundles/{number}/materials/",
                          {"material": slots[name]["key"], "file": pdf_upload(f"{name}.pdf")}, format="multipart")
        assert answer.status_code == 201, answer.json()
    shared = {slot["name"]: slot for slot in answer.json()["materials"]}["营业执照"]["files"]
    assert len(shared) == 1 and shared[0]["shared_by"] == 2
    submitted = api.post(f"/api/v1/bundles/{number}/submit/", {"version": answer.json()["version"]}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    stale = api.post(f"/api/v1/bundles/{number}/withdraw/", {"version": 0}, format="json")
    assert stale.status_code == 409
    # A department sees the bundle through its part; no materials of the bundle as such.
    api.force_authenticate(w.other_clerk)
    seen = api.get(f"/api/v1/bundles/{number}/").json()
    assert seen["materials"] == [] and sorted(p["visible"] for p in seen["parts"]) == [False, True]
    assert seen["verification_code"] == ""
    api.force_authenticate(w.stranger)
    assert api.get(f"/api/v1/bundles/{number}/").status_code == 404
    # Withdrawal by the applicant.
    api.force_authenticate(w.applicant)
    withdrawn = api.post(f"/api/v1/bundles/{number}/withdraw/", {"reason": "改期"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert {p["outcome"] for p in withdrawn.json()["parts"]} == {"withdrawn"}


def test_the_parent_refuses_steps_of_its_own(bundle_world, api):
    w = bundle_world
    api.force_authenticate(w.applicant)
    number = api.post("/api/v1/bundles/", {"bundle": "ZH-YJS-TEST"}, format="json").json()["number"]
    answer = api.post(f"/api/v1/cases/{number}/transitions/submit/", {"version": 0}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "not_allowed_now"


def test_a_missing_material_is_named_and_nothing_is_submitted(bundle_world, api):
    w = bundle_world
    api.force_authenticate(w.applicant)
    number = api.post("/api/v1/bundles/", {"bundle": "ZH-YJS-TEST"}, format="json").json()["number"]
    answer = api.post(f"/api/v1/bundles/{number}/submit/", {}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "guard_failed"
    assert any(m.startswith("建筑工程施工许可证核发: ") for m in answer.json()["messages"])
    assert CaseFile.objects.get(number=number).status == Status.DRAFT


def test_activities_and_their_proposal(bundle_world, api, settings):
    w = bundle_world
    settings.YIWANG_BUSINESS_REGISTRATION_ITEM = w.item2.item_code
    Activity.objects.create(code="catering", name="餐饮服务").items.set([w.item])
    listed = api.get("/api/v1/activities/").json()
    assert listed[0]["code"] == "catering" and listed[0]["items"] == [w.item.item_code]
    proposal = api.get("/api/v1/activities/proposal/", {"activity": ["catering", "nope"]}).json()
    assert [i["code"] for i in proposal["items"]] == [w.item2.item_code, w.item.item_code]
    assert proposal["items"][1]["needed_for"] == ["餐饮服务"] and proposal["unknown"] == ["nope"]
    api.force_authenticate(w.applicant)
    created = api.post("/api/v1/bundles/", {"activities": ["catering"]}, format="json")
    assert created.status_code == 201 and len(created.json()["parts"]) == 2
    refused = api.post("/api/v1/bundles/", {"activities": ["nope"]}, format="json")
    assert refused.status_code == 400
    neither = api.post("/api/v1/bundles/", {}, format="json")
    assert neither.status_code == 400


def test_a_window_clerk_files_a_bundle_at_the_window_over_the_api(bundle_world, api):
    w = bundle_world
    api.force_authenticate(w.window)
    created = api.post("/api/v1/bundles/", {"bundle": "ZH-YJS-TEST", "channel": "window",
                                            "enterprise_uscc": w.enterprise.uscc}, format="json")
    assert created.status_code == 201, created.json()
    parent = CaseFile.objects.get(number=created.json()["number"])
    assert parent.channel == "window" and {c.channel for c in parent.children.all()} == {"window"}
    assert parent.enterprise == w.enterprise
