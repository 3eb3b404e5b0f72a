"""免提交 on the portal: a slot whose material accepts a license the applicant holds offers it,
chosen by default, against uploading a file; the choice is posted with the materials."""

import re

import pytest
from django.urls import reverse

from casefiles.cases.models import CaseFile
from casefiles.licenses import lifecycle
from casefiles.licenses.models import LicenseUse
from tests.casefiles.conftest import pdf_upload


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def apply(world, client):
    client.force_login(world.applicant)
    client.post(world.item.apply_url, {
        "applicant": f"enterprise:{world.enterprise.pk}", "contact_name": "林晓燕",
        "contact_phone": "0756-2212345", "contact_email": "lin@haiwan.example.cn",
    })
    return CaseFile.objects.get(enterprise=world.enterprise)


def case_url(case):
    return reverse("casefiles:case", kwargs={"number": case.number})


def test_the_draft_offers_the_held_license_selected_by_default(world, client, held_license):
    case = apply(world, client)
    assert LicenseUse.objects.get(case=case).license == held_license
    body = text(client.get(case_url(case)))
    key = world.requirements[1].pk
    assert f"Use my electronic license: 营业执照 No. {held_license.number} (long-term)" in body
    assert re.search(rf'name="source-{key}" value="license:{re.escape(held_license.identifier)}" checked', body)
    assert f'name="source-{key}" value="upload">' in body  # the other choice, not selected
    assert f'name="source-{world.requirements[0].pk}"' not in body  # a material no license replaces
    assert "status-good" in body and ">valid<" in body


def test_choosing_upload_and_back_through_the_form(world, client, held_license):
    case = apply(world, client)
    key = world.requirements[1].pk
    response = client.post(case_url(case), {"version": case.version, f"source-{key}": "upload",
                                            f"files-{key}": pdf_upload("营业执照.pdf")})
    assert response.status_code == 302
    assert not LicenseUse.objects.filter(case=case).exists()
    assert case.materials.filter(requirement=world.requirements[1], is_current=True).exists()
    client.post(case_url(case), {"version": case.version, f"source-{key}": f"license:{held_license.identifier}"})
    assert LicenseUse.objects.filter(case=case, license=held_license).exists()


def test_a_strangers_license_posted_is_refused_in_its_slot(world, client, held_license):
    foreign = lifecycle.issue(world.business_license_type, issuer=world.department, holder=world.other_enterprise)
    case = apply(world, client)
    key = world.requirements[1].pk
    client.post(case_url(case), {"version": case.version, f"source-{key}": "upload"})
    response = client.post(case_url(case), {"version": case.version, f"source-{key}": f"license:{foreign.identifier}"})
    assert response.status_code == 400
    assert "This license cannot stand in for that material." in text(response)
    assert not LicenseUse.objects.filter(case=case).exists()


def test_a_license_suspended_after_choosing_shows_its_status_and_submission_says_what_to_do(world, client, held_license):
    case = apply(world, client)
    lifecycle.suspend(held_license, world.decider, "核查经营场所")
    body = text(client.get(case_url(case)))
    assert ">suspended<" in body and "This license is no longer valid" in body
    response = client.post(case_url(case), {"version": case.version, "action": "submit",
                                            f"files-{world.requirements[0].pk}": pdf_upload()})
    assert response.status_code == 400
    assert "营业执照: the license" in text(response) and "Upload the material or choose another license." in text(response)


def test_the_submitted_case_shows_the_license_in_place_of_a_file(world, client, held_license):
    case = apply(world, client)
    response = client.post(case_url(case), {"version": case.version, "action": "submit",
                                            f"files-{world.requirements[0].pk}": pdf_upload()})
    assert response.status_code == 302
    body = text(client.get(case_url(case)))
    assert "Electronic license (免提交)" in body and held_license.number in body
    assert f'name="source-{world.requirements[1].pk}"' not in body  # no longer a choice
