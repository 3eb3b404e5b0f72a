"""The application form (申请表) in the workbench: the window clerk fills it in with the applicant
(pre-filled as online, the same checks and messages); the department reads it as filed."""

import pytest
from django.urls import reverse

from casefiles.frontdesk import window as frontdesk
from casefiles.handling import applications, workflow
from casefiles.materials import uploads
from tests.casefiles.conftest import pdf_upload
from tests.casefiles.forms.samples import SAMPLE, give_form


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def item(world):
    world.item = give_form(world.item, SAMPLE)
    return world.item


@pytest.fixture
def filing(world, item):
    return frontdesk.file(world.window, item, world.enterprise.uscc, contact_phone="0756-2212345")


def scan_url(case):
    return reverse("casefiles_workbench:frontdesk_scan", args=[case.number])


def test_filing_at_the_window_starts_pre_filled(world, filing):
    assert filing.form_data["shop_name"] == world.enterprise.name
    assert filing.form_data["uscc"] == world.enterprise.uscc


def test_the_clerk_sees_the_form_pre_filled_with_its_sources(world, filing, client):
    client.force_login(world.window)
    page = client.get(scan_url(filing)).content.decode()
    assert 'id="application-form"' in page and 'form="scan-form"' in page and 'id="scan-form"' in page
    assert f'value="{world.enterprise.name}"' in page
    assert 'for="af-capital"' in page


def test_the_clerk_saves_the_form_with_the_same_checks(world, filing, client):
    client.force_login(world.window)
    response = client.post(scan_url(filing), {"application_form": "1", "action": "save_form", "af-capital": "lots",
                                              "af-shop_name": "海湾餐厅"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a number." in page and 'value="lots"' in page and 'value="海湾餐厅"' in page
    response = client.post(scan_url(filing), {"application_form": "1", "action": "save_form", "af-capital": "800",
                                              "af-shop_name": "海湾餐厅", "af-kind": "food"})
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.form_data["capital"] == 800.0 and filing.form_data["kind"] == "food"
    assert filing.form_data["uscc"] == world.enterprise.uscc  # locked: kept
    assert filing.events.filter(action="edit_form", actor=world.window).exists()


def test_the_department_reads_the_form_as_filed_and_a_supervisor_masked(world, client):
    item = give_form(world.item, [block for block in SAMPLE if block[1]["key"] in ("shop_name", "mobile", "kind")])
    case = applications.start(world.applicant, item, world.enterprise,
                              form_data={"shop_name": "海湾餐厅", "mobile": "13800138000", "kind": "food"})
    for requirement in world.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(), world.applicant)
    workflow.perform(case, "submit", world.applicant)
    give_form(item, [("text", {"key": "other", "label": "后来的字段"})])  # the guide changed since: the case keeps its own
    client.force_login(world.clerk)
    page = client.get(reverse("casefiles_workbench:case", args=[case.number])).content.decode()
    assert 'id="application-form"' in page and "店铺名称" in page and "海湾餐厅" in page and "食品销售" in page
    assert "后来的字段" not in page
    assert "13800138000" in page
    client.force_login(world.supervisor)
    page = client.get(reverse("casefiles_workbench:case", args=[case.number])).content.decode()
    assert 'id="application-form"' in page
    assert "13800138000" not in page and "138****8000" in page
