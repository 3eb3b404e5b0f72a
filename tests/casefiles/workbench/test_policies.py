"""惠企政策's pages in the admin: 免申即享兑现 (the list, its filter and light, a benefit, the payout
that concludes the case, who may record it) and 资质认定 (recording a qualification by USCC), the menu."""

import datetime
import json

import pytest
from freezegun import freeze_time

from casefiles.cases.models import Status
from casefiles.policies import benefits
from casefiles.policies.models import Benefit, Qualification, QualificationHeld, Source
from tests.casefiles.conftest import fresh
from tests.casefiles.policies.conftest import TODAY, policy_world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

GREEN, RED = 'class="wb-light wb-light--green"', 'class="wb-light wb-light--red"'


@pytest.fixture(autouse=True)
def _today():
    with freeze_time(f"{TODAY.isoformat()} 02:00:00"):  # 10:00 in Beijing
        yield


@pytest.fixture
def confirmed(policy_world):
    w = policy_world
    benefits.find(TODAY)
    return benefits.confirm(Benefit.objects.get(policy=w.catering), fresh(w.applicant))


def test_staff_see_their_departments_benefits_with_the_case_link(policy_world, confirmed, client):
    w = policy_world
    client.force_login(w.clerk)
    answer = client.get("/admin/policies/benefits/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert w.enterprise.name in page and w.catering.title in page and "3000" in page
    assert f"/admin/cases/{confirmed.case.number}/" in page and f"/admin/policies/benefits/{confirmed.pk}/" in page
    assert confirmed.payout_due.isoformat() in page and GREEN in page and RED not in page
    assert w.catering.title not in client.get("/admin/policies/benefits/?status=paid").content.decode()
    assert w.catering.title in client.get("/admin/policies/benefits/?status=confirmed").content.decode()
    assert client.get("/admin/policies/benefits/?status=bogus").status_code == 400
    client.force_login(w.other_clerk)
    assert w.catering.title not in client.get("/admin/policies/benefits/").content.decode()
    assert client.get(f"/admin/policies/benefits/{confirmed.pk}/").status_code == 404
    client.force_login(w.applicant)
    assert client.get("/admin/policies/benefits/").status_code in (302, 403)


def test_an_overdue_payout_is_red(policy_world, confirmed, client):
    client.force_login(policy_world.clerk)
    Benefit.objects.filter(pk=confirmed.pk).update(payout_due=TODAY - datetime.timedelta(days=1))
    page = client.get("/admin/policies/benefits/").content.decode()
    assert RED in page and "逾期" in page and GREEN not in page


def test_the_decider_records_the_payout_and_the_case_concludes(policy_world, confirmed, client):
    w = policy_world
    url = f"/admin/policies/benefits/{confirmed.pk}/"
    client.force_login(w.clerk)
    page = client.get(url).content.decode()
    assert 'id="form-payout"' not in page and 'id="benefit-reason-list"' in page
    for reason in confirmed.reasons:
        assert reason in page
    refused = client.post(url, {"amount": "3000", "reference": "ZF001"})
    assert refused.status_code == 403
    client.force_login(w.decider)
    assert 'id="form-payout"' in client.get(url).content.decode()
    too_much = client.post(url, {"amount": "5000", "reference": "ZF001"})
    assert too_much.status_code == 400 and "3000.00" in too_much.content.decode()
    assert client.post(url, {"amount": "3000", "reference": ""}).status_code == 400
    done = client.post(url, {"amount": "3000", "reference": "ZF20260615001"})
    assert done.status_code == 302 and done["Location"] == url
    benefit = Benefit.objects.get(pk=confirmed.pk)
    assert benefit.status == Benefit.Status.PAID and benefit.payout_reference == "ZF20260615001"
    assert benefit.paid_on == TODAY and benefit.case.status == Status.CONCLUDED
    page = client.get(url).content.decode()
    assert "ZF20260615001" in page and 'id="form-payout"' not in page
    assert client.post(url, {"amount": "3000", "reference": "ZF2"}).status_code == 409  # paid already


def test_a_department_records_a_qualification_by_uscc(policy_world, client):
    w = policy_world
    client.force_login(w.clerk)
    page = client.get("/admin/policies/qualifications/")
    assert page.status_code == 200 and "高新技术企业" in page.content.decode()
    answer = client.post("/admin/policies/qualifications/", {
        "uscc": w.enterprise.uscc.lower(), "qualification": "high-tech", "certificate_number": "GR202644000123",
        "valid_until": "2029-06-14"})
    assert answer.status_code == 302
    held = QualificationHeld.objects.get(enterprise=w.enterprise)
    assert held.source == Source.VERIFIED and held.recorded_by == w.clerk and held.certificate_number == "GR202644000123"
    listing = client.get("/admin/policies/qualifications/").content.decode()
    assert w.enterprise.name in listing and "GR202644000123" in listing

    malformed = client.post("/admin/policies/qualifications/", {"uscc": "12345", "qualification": "high-tech"})
    assert malformed.status_code == 400
    unknown = client.post("/admin/policies/qualifications/", {"uscc": "91440400MA0000000X", "qualification": "high-tech"})
    assert unknown.status_code == 400
    assert QualificationHeld.objects.count() == 1


def test_only_a_departments_staff_record_and_only_their_own_qualifications(policy_world, client):
    w = policy_world
    Qualification.objects.create(code="specialised", name="专精特新中小企业", recognised_by=w.other_department)
    client.force_login(w.reviewer)  # a reviewer is not among the roles that record
    assert client.get("/admin/policies/qualifications/").status_code in (302, 403)
    client.force_login(w.supervisor)
    assert client.post("/admin/policies/qualifications/", {"uscc": w.enterprise.uscc,
                                                           "qualification": "high-tech"}).status_code in (302, 403)
    assert not QualificationHeld.objects.exists()
    client.force_login(w.lead)
    page = client.get("/admin/policies/qualifications/").content.decode()
    assert "高新技术企业" in page and "专精特新中小企业" not in page  # another department recognises it
    refused = client.post("/admin/policies/qualifications/", {"uscc": w.enterprise.uscc, "qualification": "specialised"})
    assert refused.status_code == 400 and not QualificationHeld.objects.exists()
    client.force_login(w.other_clerk)
    assert client.post("/admin/policies/qualifications/", {"uscc": w.enterprise.uscc,
                                                           "qualification": "specialised"}).status_code == 302


def test_the_menu(policy_world, client):
    w = policy_world
    client.force_login(w.clerk)
    page = client.get("/admin/").content.decode()
    assert "/admin/policies/benefits/" in page and "/admin/policies/qualifications/" in page
    assert json.dumps("惠企政策")[1:-1] in page  # the sidebar's labels, as its JSON writes them
    client.force_login(w.reviewer)
    page = client.get("/admin/").content.decode()
    assert "/admin/policies/benefits/" in page and "/admin/policies/qualifications/" not in page
