"""/api/v1/ of 惠企政策: the calculator (政策计算器), the enterprise's file (一企一档) and its
declaration, subscriptions, 免申即享's benefits and 一键申报 — statuses, strangers' 404s, the reasons."""

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from casefiles.cases.models import Status
from casefiles.policies import benefits
from casefiles.policies.models import Benefit, Declaration, QualificationHeld, Source, Subscription
from tests.casefiles.conftest import fresh
from tests.casefiles.policies.conftest import TODAY, policy_world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

CALCULATOR = "/api/v1/policies/calculator/"


@pytest.fixture(autouse=True)
def _today(settings):
    settings.YIWANG_RATE_LIMITS = {**settings.YIWANG_RATE_LIMITS, "policy-calculator": (1000, 60)}
    with freeze_time(f"{TODAY.isoformat()} 02:00:00"):  # 10:00 in Beijing
        yield


def api(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(fresh(user))
    return client


def by_title(results):
    return {r["policy"]["title"]: r for r in results}


# --- 政策计算器 ----------------------------------------------------------------------------------

def test_anyone_answers_the_questionnaire_and_reads_why(policy_world):
    w = policy_world
    answer = api().post(CALCULATOR, {"industry_code": "I6513", "employees": 12, "qualifications": ["high-tech"]},
                        format="json")
    assert answer.status_code == 200
    results = answer.json()
    # the answers stand for what the records would say: met by them, ranked before the unmet
    assert [r["policy"]["title"] for r in results] == [w.innovation.title, w.catering.title]
    innovation = by_title(results)[w.innovation.title]
    assert innovation["state"] == "met" and innovation["proven"] is False
    assert innovation["policy"]["benefit_amount"] == "200000.00" and innovation["policy"]["free_to_enjoy"] is False
    assert innovation["policy"]["department"] == {"code": w.department.code, "name": w.department.name}
    conditions = {c["kind"]: c for c in innovation["conditions"]}
    assert (conditions["industry"]["state"], conditions["industry"]["basis"]) == ("met", "declared")
    assert "You answered" in conditions["industry"]["reason"]
    assert (conditions["employees"]["state"], conditions["employees"]["basis"]) == ("met", "declared")
    assert conditions["employees"]["reason"] == "You answered 12 employees."
    assert conditions["qualification"]["state"] == "met" and conditions["qualification"]["checked_by"] == "declared"
    catering = by_title(results)[w.catering.title]
    assert catering["state"] == "unmet" and catering["policy"]["free_to_enjoy"] is True
    assert {c["kind"]: c["state"] for c in catering["conditions"]} == {"industry": "unmet", "scale": "unknown",
                                                                       "years": "unknown"}
    scale = next(c for c in catering["conditions"] if c["kind"] == "scale")
    assert scale["reason"] == "Not answered." and scale["settle"]
    # a scale that is not the one asked for: unmet, and why
    results = api().post(CALCULATOR, {"industry_code": "H6210", "scale": "large"}, format="json").json()
    catering = by_title(results)[w.catering.title]
    assert catering["state"] == "unmet"
    assert next(c for c in catering["conditions"] if c["kind"] == "scale")["reason"] == "You answered Large."


def test_unreadable_answers_are_refused_with_every_message(policy_world):
    answer = api().post(CALCULATOR, {"industry_code": "Z9", "scale": "huge", "established_on": "yesterday",
                                     "employees": "2.5"}, format="json")
    assert answer.status_code == 400
    body = answer.json()
    assert "There is no such industry code." in body["messages"] and "There is no such scale." in body["messages"]
    assert "Give the date of establishment as YYYY-MM-DD." in body["messages"]
    assert "The number of employees is a whole number." in body["messages"]


def test_a_member_asks_with_the_enterprises_file_a_stranger_is_not_found(policy_world):
    w = policy_world
    answer = api(w.applicant).post(CALCULATOR, {"enterprise_uscc": w.enterprise.uscc}, format="json")
    assert answer.status_code == 200
    first = answer.json()[0]
    assert first["policy"]["title"] == w.catering.title and first["state"] == "met" and first["proven"] is True
    assert all(c["basis"] == "verified" for c in first["conditions"])
    assert any("On record" in c["reason"] for c in first["conditions"])
    assert api(w.stranger).post(CALCULATOR, {"enterprise_uscc": w.enterprise.uscc}, format="json").status_code == 404
    assert api().post(CALCULATOR, {"enterprise_uscc": w.enterprise.uscc}, format="json").status_code == 404


def test_the_calculator_is_rate_limited_per_address(db, settings):
    from django.core.cache import cache

    cache.clear()
    settings.YIWANG_RATE_LIMITS = {**settings.YIWANG_RATE_LIMITS, "policy-calculator": (2, 60)}
    client = api()
    assert [client.post(CALCULATOR, {}, format="json").status_code for _ in range(3)] == [200, 200, 429]


# --- 一企一档 -------------------------------------------------------------------------------------

def test_the_file_shows_each_fact_with_its_source_and_the_declaration_replaces(policy_world):
    w = policy_world
    QualificationHeld.objects.create(enterprise=w.enterprise, qualification=w.high_tech, source=Source.VERIFIED)
    url = f"/api/v1/enterprises/{w.enterprise.uscc}/file/"
    answer = api(w.applicant).get(url)
    assert answer.status_code == 200
    body = answer.json()
    facts = {f["name"]: f for f in body["facts"]}
    assert facts["industry_code"] == {"name": "industry_code", "value": "H6210", "source": "verified",
                                      "verified": "H6210", "declared": None}
    assert facts["registered_capital"]["value"] == "50" and facts["employees"]["source"] == ""
    assert body["qualifications"] == [{"code": "high-tech", "name": "高新技术企业", "source": "verified"}]
    assert body["declaration"] is None and body["enterprise"]["uscc"] == w.enterprise.uscc

    declared = api(w.applicant).put(url + "declaration/", {"employees": 12, "annual_revenue": "380"}, format="json")
    assert declared.status_code == 200
    facts = {f["name"]: f for f in declared.json()["facts"]}
    assert facts["employees"] == {"name": "employees", "value": "12", "source": "declared", "verified": None,
                                  "declared": "12"}
    assert declared.json()["declaration"]["annual_revenue"] == "380.00"
    assert api(w.applicant).put(url + "declaration/", {"employees": "many"}, format="json").status_code == 400
    assert Declaration.objects.get(enterprise=w.enterprise).employees == 12

    assert api(w.stranger).get(url).status_code == 404
    assert api(w.stranger).put(url + "declaration/", {"employees": 1}, format="json").status_code == 404
    assert api().get(url).status_code == 403
    assert api(w.applicant).get("/api/v1/enterprises/91440400MA0000000X/file/").status_code == 404


# --- subscriptions ---------------------------------------------------------------------------------

def test_subscribe_list_and_unsubscribe_only_ones_own(policy_world):
    w = policy_world
    created = api(w.applicant).post("/api/v1/policy-subscriptions/", {"industries": ["h62"], "categories": ["subsidy"]},
                                    format="json")
    assert created.status_code == 201
    assert created.json()["industries"] == ["H62"] and created.json()["enterprise"] is None
    mine = api(w.applicant).post("/api/v1/policy-subscriptions/",
                                 {"matches_me": True, "enterprise_uscc": w.enterprise.uscc}, format="json")
    assert mine.status_code == 201 and mine.json()["enterprise"]["uscc"] == w.enterprise.uscc
    assert w.enterprise.name in mine.json()["description"]
    assert api(w.applicant).post("/api/v1/policy-subscriptions/", {}, format="json").status_code == 400
    # another's enterprise: refused as one not chosen
    assert api(w.stranger).post("/api/v1/policy-subscriptions/", {"matches_me": True,
                                                                  "enterprise_uscc": w.enterprise.uscc},
                                format="json").status_code == 400
    listing = api(w.applicant).get("/api/v1/policy-subscriptions/").json()
    assert {s["id"] for s in listing} == {created.json()["id"], mine.json()["id"]}
    assert api(w.stranger).get("/api/v1/policy-subscriptions/").json() == []
    url = f"/api/v1/policy-subscriptions/{created.json()['id']}/"
    assert api(w.stranger).delete(url).status_code == 404
    assert api(w.applicant).delete(url).status_code == 204
    assert api(w.applicant).delete(url).status_code == 404
    assert list(Subscription.objects.values_list("pk", flat=True)) == [mine.json()["id"]]


# --- 免申即享 -------------------------------------------------------------------------------------

def test_the_enterprise_confirms_or_declines_its_benefit(policy_world):
    w = policy_world
    benefits.find(TODAY)
    benefit = Benefit.objects.get(policy=w.catering)
    listing = api(w.applicant).get("/api/v1/benefits/")
    assert listing.status_code == 200
    row = listing.json()["results"][0]
    assert row["id"] == benefit.pk and row["status"] == "offered" and row["case"] == benefit.case.number
    assert row["policy"]["title"] == w.catering.title and row["amount"] == "3000.00" and row["reasons"]
    assert api(w.stranger).get("/api/v1/benefits/").json()["results"] == []
    assert api(w.applicant).get("/api/v1/benefits/?status=paid").json()["results"] == []
    url = f"/api/v1/benefits/{benefit.pk}/"
    assert api(w.applicant).get(url).json()["confirm_by"] == benefit.confirm_by.isoformat()
    assert api(w.stranger).get(url).status_code == 404
    assert api(w.stranger).post(url + "confirm/").status_code == 404
    assert api(w.applicant).get("/api/v1/benefits/999999/").status_code == 404
    assert api(w.applicant).post(url + "decline/", {"reason": "x" * 301}, format="json").status_code == 400

    confirmed = api(w.applicant).post(url + "confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed" and confirmed.json()["payout_due"]
    assert api(w.applicant).post(url + "confirm/").status_code == 409
    assert api(w.applicant).post(url + "decline/", {"reason": "晚了"}, format="json").status_code == 409


def test_a_declined_benefit_withdraws_its_case(policy_world):
    w = policy_world
    benefits.find(TODAY)
    benefit = Benefit.objects.get(policy=w.catering)
    declined = api(w.applicant).post(f"/api/v1/benefits/{benefit.pk}/decline/", {"reason": "暂不需要"}, format="json")
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined" and declined.json()["decline_reason"] == "暂不需要"
    benefit.case.refresh_from_db()
    assert benefit.case.status == Status.WITHDRAWN


# --- 一键申报 -------------------------------------------------------------------------------------

def test_apply_in_one_step_gives_the_draft(policy_world):
    w = policy_world
    url = f"/api/v1/policies/{w.innovation.pk}/apply/"
    answer = api(w.applicant).post(url, {"enterprise_uscc": w.enterprise.uscc}, format="json")
    assert answer.status_code == 201
    body = answer.json()
    assert body["status"] == "draft" and body["item"]["code"] == w.benefit_item.item_code
    assert body["applicant"]["name"] == w.enterprise.name
    assert answer["Location"].endswith(f"/api/v1/cases/{body['number']}/") and answer["ETag"]
    assert api(w.stranger).post(url, {"enterprise_uscc": w.enterprise.uscc}, format="json").status_code == 404
    assert api(w.applicant).post("/api/v1/policies/999999/apply/", {"enterprise_uscc": w.enterprise.uscc},
                                 format="json").status_code == 404
    assert api(w.applicant).post(url, {}, format="json").status_code == 400
    assert api().post(url, {"enterprise_uscc": w.enterprise.uscc}, format="json").status_code == 403


def test_a_policy_not_in_force_is_a_conflict(policy_world):
    w = policy_world
    expired = w.make_policy("已失效的补贴", [{"kind": "scale", "scale": "micro"}])
    expired.expiry_date = TODAY.replace(month=1)
    expired.effective_date = TODAY.replace(year=2025)
    expired.save_revision().publish()
    answer = api(w.applicant).post(f"/api/v1/policies/{expired.pk}/apply/", {"enterprise_uscc": w.enterprise.uscc},
                                   format="json")
    assert answer.status_code == 409


def test_the_schema_documents_the_policies_endpoints():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {"200", "400", "404", "429"} <= set(paths["/api/v1/policies/calculator/"]["post"]["responses"])
    assert {"201", "404", "409"} <= set(paths["/api/v1/policies/{policy_id}/apply/"]["post"]["responses"])
    assert {"200", "409"} <= set(paths["/api/v1/benefits/{benefit_id}/confirm/"]["post"]["responses"])
    assert "BenefitStatusEnum" in schema["components"]["schemas"]
