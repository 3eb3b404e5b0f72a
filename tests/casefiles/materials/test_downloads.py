"""Every path a case's file is served by — portal, API, workbench, front desk, bundles, agents'
authorisations, notices — sends the detected type, nosniff, the sandbox, and a name that ends
in the detected kind's extension, whatever the uploader called the file."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casefiles.agents import authorisations as agents
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile
from casefiles.materials import uploads
from casefiles.notices.models import Notice
from tests.casefiles.conftest import pdf_upload

DISGUISES = ["scan.hta", "申请材料.html", "form.exe", "notice.svg"]


def served_name(response) -> str:
    disposition = response["Content-Disposition"]
    encoded = re.search(r"filename\*=utf-8''([^;]+)", disposition, re.IGNORECASE)
    return unquote(encoded.group(1)) if encoded else re.search(r'filename="([^"]*)"', disposition).group(1)


def assert_served(response, name, content_type="application/pdf", disposition="attachment"):
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert response["Content-Disposition"].startswith(disposition)
    assert served_name(response) == name
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def disguised_case(world):
    """A submitted case whose optional slot holds a PDF under each disguise."""
    case = applications.start(world.applicant, world.item, world.enterprise)
    for requirement in world.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), world.applicant)
    for name in DISGUISES:
        uploads.add(case, world.requirements[2], pdf_upload(name), world.applicant)
    workflow.perform(case, "submit", world.applicant)
    case.refresh_from_db()
    return case


def disguised(case):
    return [(m, m.original_name.rsplit(".", 1)[0] + ".pdf") for m in case.materials.filter(original_name__in=DISGUISES).order_by("pk")]


def test_the_portal_serves_each_material_under_its_detected_kind(world, disguised_case, client):
    client.force_login(world.applicant)
    for material, name in disguised(disguised_case):
        assert_served(client.get(reverse("casefiles:material_file", args=[disguised_case.number, material.pk])), name)


def test_the_api_serves_each_material_under_its_detected_kind(world, disguised_case):
    for material, name in disguised(disguised_case):
        url = f"/api/v1/cases/{disguised_case.number}/materials/{material.pk}/file"
        for reader in (world.applicant, world.clerk):
            assert_served(api(reader).get(url), name)


def test_the_workbench_downloads_and_previews_each_material_under_its_detected_kind(world, disguised_case, client):
    client.force_login(world.clerk)
    for material, name in disguised(disguised_case):
        args = [disguised_case.number, material.pk]
        assert_served(client.get(reverse("casefiles_workbench:material_download", args=args)), name)
        assert_served(client.get(reverse("casefiles_workbench:material_preview", args=args)), name, disposition="inline")


def test_a_material_of_an_unknown_type_is_downloaded_as_bytes_never_shown(world, disguised_case, client):
    material, _name = disguised(disguised_case)[0]
    type(material).objects.filter(pk=material.pk).update(content_type="text/html")  # a row from before the checks
    client.force_login(world.clerk)
    response = client.get(reverse("casefiles_workbench:material_preview", args=[disguised_case.number, material.pk]))
    assert response["Content-Type"] == "application/octet-stream" and response["Content-Disposition"].startswith("attachment")
    assert served_name(response) == "scan.bin" and response["X-Content-Type-Options"] == "nosniff"


def test_notices_are_served_as_pdfs_with_nosniff_everywhere(world, disguised_case, client):
    workflow.perform(disguised_case, "accept", world.clerk)
    notice = Notice.objects.get(case=disguised_case)
    name = f"{notice.number}.pdf"
    client.force_login(world.applicant)
    assert_served(client.get(reverse("casefiles:notice_pdf", args=[disguised_case.number, notice.pk])), name,
                  disposition="inline")
    assert_served(api(world.applicant).get(f"/api/v1/notices/{notice.number}/pdf"), name, disposition="inline")
    client.force_login(world.clerk)
    args = [disguised_case.number, notice.pk]
    assert_served(client.get(reverse("casefiles_workbench:notice_download", args=args)), name)
    assert_served(client.get(reverse("casefiles_workbench:notice_view", args=args)), name, disposition="inline")


def test_the_front_desks_scans_are_served_under_their_detected_kind(world, client):
    client.force_login(world.window)
    client.post("/admin/cases/frontdesk/", {"item": world.item.pk, "applicant_code": world.enterprise.uscc,
                                            "contact_phone": "0756-2212345"})
    case = CaseFile.objects.get(item=world.item)
    response = client.post(f"/admin/cases/frontdesk/{case.number}/", {
        f"files-{world.requirements[0].pk}": [pdf_upload("扫描件.exe")], "action": "save"})
    assert response.status_code == 302
    material = case.materials.get()
    assert material.file.name.endswith(".pdf")
    assert_served(client.get(reverse("casefiles_workbench:material_download", args=[case.number, material.pk])),
                  "扫描件.pdf")


def test_a_bundles_shared_material_is_served_under_its_detected_kind_by_every_part(bundle_world, client):
    from casefiles.bundles import applications as bundles

    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    licence = next(slot for slot in bundles.slots(parent) if slot.material.name == "营业执照")
    answer = api(w.applicant).post(f"/api/v1/bundles/{parent.number}/materials/",
                                   {"material": licence.key, "file": pdf_upload("营业执照.svg")}, format="multipart")
    assert answer.status_code == 201, answer.json()
    client.force_login(w.applicant)
    rows = [part.materials.get() for part in parent.children.order_by("pk")]
    assert len(rows) == 2 and rows[0].file.name == rows[1].file.name and rows[0].file.name.endswith(".pdf")
    for row in rows:
        assert_served(client.get(reverse("casefiles:material_file", args=[row.case.number, row.pk])), "营业执照.pdf")
        assert_served(api(w.applicant).get(f"/api/v1/cases/{row.case.number}/materials/{row.pk}/file"), "营业执照.pdf")


def test_an_agents_authorisation_is_served_under_its_detected_kind_everywhere(world, disguised_case, client, django_user_model):
    helper = django_user_model.objects.create_user("helper", password="pw-for-tests-only")
    now = timezone.now()
    authorisation = agents.authorise(disguised_case, world.applicant, helper, pdf_upload("授权委托书.html"),
                                     valid_until=now + datetime.timedelta(days=10), now=now)
    assert authorisation.document.name.endswith(".pdf")
    client.force_login(world.applicant)
    assert_served(client.get(f"/my/cases/{disguised_case.number}/agents/{authorisation.pk}/document/"), "授权委托书.pdf")
    assert_served(api(world.applicant).get(f"/api/v1/cases/{disguised_case.number}/authorisations/{authorisation.pk}/document"),
                  "授权委托书.pdf")
    client.force_login(world.clerk)
    assert_served(client.get(f"/admin/cases/{disguised_case.number}/authorisations/{authorisation.pk}/document/"),
                  "授权委托书.pdf")

