"""The portal's legal words under zh-hans: a refused file did not pass the checks (it is not 不予受理,
the refusal of a whole application); a list of materials says which list it is; a file's review is
合格 or 不合格."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from casefiles.handling import workflow
from casefiles.materials.models import Material
from casefiles.workbench.forms import ReviewForm
from tests.casefiles.conftest import pdf_upload

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def page(client, case) -> str:
    body = client.get(reverse("casefiles:case", kwargs={"number": case.number})).content.decode()
    return re.sub(r"\s+", " ", body)


def headings(body) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", body)]


def test_a_refused_upload_did_not_pass_the_checks(world, client, submitted_case):
    case = submitted_case
    rejected = Material.objects.get(case=case, is_current=True, requirement=world.requirements[1])
    workflow.perform(case, "request_correction", world.clerk, problems=[
        {"material": "营业执照", "material_id": rejected.pk, "problem": "复印件不清晰"},
    ])
    client.force_login(world.applicant)
    response = client.post(reverse("casefiles:case", kwargs={"number": case.number}), {
        f"replace-{rejected.pk}": SimpleUploadedFile("扫描件.pdf", EXECUTABLE, content_type="application/pdf"),
        "version": case.version, "action": "save",
    })
    assert response.status_code == 400
    errors = re.findall(r'<ul class="slot-errors"[^>]*>(.*?)</ul>', re.sub(r"\s+", " ", response.content.decode()))
    assert errors and "未通过校验" in errors[0] and "不予受理" not in errors[0]


def test_a_first_submission_lists_the_materials_submitted(world, client, submitted_case):
    client.force_login(world.applicant)
    titles = headings(page(client, submitted_case))
    assert "已提交的材料" in titles
    assert "已补交的材料" not in titles


def test_only_the_materials_given_in_answer_to_a_correction_notice_are_supplied_ones(world, client, submitted_case):
    case = submitted_case
    licence = world.requirements[1]
    rejected = Material.objects.get(case=case, is_current=True, requirement=licence)
    workflow.perform(case, "request_correction", world.clerk, problems=[
        {"material": "营业执照", "material_id": rejected.pk, "problem": "复印件不清晰"},
    ])
    client.force_login(world.applicant)
    client.post(reverse("casefiles:case", kwargs={"number": case.number}), {
        f"replace-{rejected.pk}": pdf_upload("营业执照-清晰.pdf"), "action": "submit", "version": case.version,
    })
    body = page(client, case)
    assert headings(body).count("已提交的材料") == 1
    supplied = re.search(r'aria-labelledby="corrections-title">(.*?)</section>', body).group(1)
    assert "已补交的材料" in supplied and "营业执照-清晰.pdf" in supplied
    assert rejected.original_name not in supplied  # submitted with the application, not in answer


def test_a_files_review_reads_pass_or_fail(world, submitted_case):
    material = Material.objects.filter(case=submitted_case, is_current=True).first()
    with translation.override("zh-hans"):
        labels = [str(label) for _value, label in ReviewForm(material).fields["state"].choices]
    assert labels == ["合格", "不合格"]
