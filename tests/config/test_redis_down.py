"""With REDIS_URL set and Redis not answering (a closed port), the site degrades and keeps working:
every page and the API answer without a server error, every write lands in the database, and the
deferred work (text extraction, the applicant's email, index updates) is done in the process."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from casefiles.cases.models import CaseFile, Status
from casefiles.journal.models import CaseEvent
from casefiles.materials.models import Material
from tests.casefiles.conftest import pdf_upload, world  # noqa: F401  (the case-file tests' small world)
from tests.casefiles.materials.test_uploads import DOCX

PASSWORD = "pw-for-tests-only"


@pytest.fixture
def site(redis_down, world):  # noqa: F811
    """The world built while Redis is down too: publishing must not need it either."""
    return world


def answers(response, *expected):
    assert response.status_code < 500, (response.status_code, response.content[:500])
    if expected:
        assert response.status_code in expected, (response.status_code, response.content[:500])
    return response


def test_the_public_pages_answer_while_redis_is_down(site, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    for url in ["/", site.item.url, "/search/?q=食品经营", "/progress/", "/accounts/login/", "/api/v1/docs/"]:
        answers(client.get(url), 200)
    # The anonymous page cache still works, within the process.
    answers(client.get(site.item.url), 200)
    assert client.get(site.item.url)["X-Page-Cache"] == "hit"
    health = answers(client.get("/healthz"), 200).json()
    assert health["status"] == "degraded" and health["database"]["status"] == "ok"
    # Rate limits still count, each process on its own.
    statuses = [client.get("/api/v1/progress/", {"number": "44040020991231999999", "code": "AAAAAAAA"}).status_code
                for _ in range(11)]
    assert statuses == [404] * 10 + [429]


def test_an_applicant_signs_in_applies_uploads_and_submits_while_redis_is_down(
        site, client, django_capture_on_commit_callbacks):
    w = site
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    answers(client.post("/accounts/login/", {"login": "applicant", "password": PASSWORD}), 302)
    with django_capture_on_commit_callbacks(execute=True):
        answers(client.post(w.item.apply_url, {
            "applicant": f"enterprise:{w.enterprise.pk}", "contact_name": "林晓燕", "contact_phone": "13800000000",
            "contact_email": "lin@haiwan.example.cn",
        }), 302)
    case = CaseFile.objects.get()
    page = reverse("casefiles:case", kwargs={"number": case.number})
    answers(client.get(page), 200)
    form, licence = w.requirements[0], w.requirements[1]
    with django_capture_on_commit_callbacks(execute=True):
        answers(client.post(page, {
            f"files-{form.pk}": [SimpleUploadedFile("承诺书.docx", DOCX)], f"files-{licence.pk}": [pdf_upload("营业执照.pdf")],
            "version": case.version, "action": "save",
        }), 302)
    stored = Material.objects.get(case=case, requirement=form, is_current=True)
    assert "法定代表人承诺书" in stored.extracted_text  # the deferred extraction ran here
    with django_capture_on_commit_callbacks(execute=True):
        answers(client.post(page, {"action": "submit", "version": case.version}), 302)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert len(mail.outbox) == 1 and "lin@haiwan.example.cn" in mail.outbox[0].to  # the receipt went out all the same
    answers(client.get(reverse("casefiles:progress"), {"number": case.number, "code": case.verification_code}), 200)


def test_the_api_works_while_redis_is_down(site, django_capture_on_commit_callbacks):
    w = site
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token = answers(api.post("/api/v1/auth/token/", {"username": "applicant", "password": PASSWORD}, format="json"), 200)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.data['token']}")
    answers(api.get("/api/v1/cases/"), 200)
    with django_capture_on_commit_callbacks(execute=True):
        created = answers(api.post("/api/v1/cases/", {
            "item": w.item.item_code, "enterprise_uscc": w.enterprise.uscc, "contact_phone": "0756-2212345",
        }, format="json"), 201)
    number = created.data["number"]
    for requirement in w.requirements[:2]:
        with django_capture_on_commit_callbacks(execute=True):
            answers(api.post(f"/api/v1/cases/{number}/materials/", {"requirement": requirement.pk, "file": pdf_upload()},
                             format="multipart"), 201)
    case = CaseFile.objects.get(number=number)
    with django_capture_on_commit_callbacks(execute=True):
        answers(api.post(f"/api/v1/cases/{number}/transitions/submit/", {}, format="json",
                         HTTP_IF_MATCH=f'"{case.version}"'), 200)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert Material.objects.filter(case=case, is_current=True).count() == 2
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True).order_by("pk")) == [
        "create", "add_material", "add_material", "submit"]
    progress = answers(APIClient().get("/api/v1/progress/", {"number": number, "code": case.verification_code}), 200)
    assert progress.data["status"] == Status.SUBMITTED
    answers(api.get(f"/api/v1/cases/{number}/"), 200)
    answers(api.get(f"/api/v1/cases/{number}/events/"), 200)
