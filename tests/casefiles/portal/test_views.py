"""The applicant portal: apply from the guide, upload, promise, submit, follow, correct, withdraw."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, Status
from casefiles.deadlines import working_days
from casefiles.materials import uploads
from casefiles.materials.models import Material
from tests.casefiles.conftest import PDF, pdf_upload

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@pytest.fixture
def client(client):
    # English UI: the assertions read the source strings, whatever the catalogue says.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def draft(world):
    return applications.start(world.applicant, world.item, world.enterprise, contact_phone="13800000000")


def case_url(case, name="casefiles:case", **kwargs):
    return reverse(name, kwargs={"number": case.number, **kwargs})


def slot(requirement, prefix="files"):
    return f"{prefix}-{requirement.pk}"


def current(case, requirement=None):
    found = Material.objects.filter(case=case, is_current=True)
    if requirement is not None:
        found = found.filter(requirement=requirement)
    return found


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- applying -----------------------------------------------------------------------------

def test_the_guides_apply_button_leads_to_the_apply_page(world, client):
    url = world.item.apply_url
    assert url == f"/apply/{world.item.item_code}/"
    guide = client.get(world.item.url)
    assert guide.status_code == 200
    assert f'href="{url}"' in guide.content.decode()


def test_applying_needs_a_login(world, client):
    response = client.get(world.item.apply_url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/apply/{world.item.item_code}/"


def test_an_unknown_or_offline_item_cannot_be_applied_for(world, client):
    client.force_login(world.applicant)
    assert client.get(reverse("casefiles:apply", args=["NO-SUCH-ITEM"])).status_code == 404
    world.item.online_depth = 2
    world.item.save_revision().publish()
    response = client.get(reverse("casefiles:apply", args=[world.item.item_code]))
    assert response.status_code == 403
    assert "cannot be applied for online" in text(response)


def test_step_one_offers_the_users_applicants_read_only_and_creates_the_draft(world, client):
    client.force_login(world.applicant)
    page = client.get(world.item.apply_url)
    assert page.status_code == 200
    body = text(page)
    assert world.enterprise.name in body and world.enterprise.uscc in body
    assert world.other_enterprise.name not in body  # not the user's enterprise
    assert 'value="applicant@example.org"' in body  # contact email pre-filled

    response = client.post(world.item.apply_url, {
        "applicant": f"enterprise:{world.enterprise.pk}", "contact_name": "林晓燕",
        "contact_phone": "0756-2212345", "contact_email": "lin@haiwan.example.cn",
    })
    case = CaseFile.objects.get(enterprise=world.enterprise)
    assert response.status_code == 302 and response["Location"] == case_url(case)
    assert case.status == Status.DRAFT and case.contact_email == "lin@haiwan.example.cn"
    assert case.contact_phone == "0756-2212345" and case.submitted_by == world.applicant


def test_step_one_refuses_someone_elses_enterprise_and_a_bad_phone(world, client):
    client.force_login(world.applicant)
    response = client.post(world.item.apply_url, {
        "applicant": f"enterprise:{world.other_enterprise.pk}", "contact_name": "林晓燕", "contact_phone": "call me",
    })
    assert response.status_code == 400
    body = text(response)
    assert "Choose whom you apply for." in body
    assert 'id="id_contact_phone_error"' in body and 'aria-describedby="id_contact_phone_helptext id_contact_phone_error"' in body
    assert not CaseFile.objects.exists()


# --- the draft: several files per slot, a refused one, a promise, submit ---------------------

def test_the_draft_page_shows_one_slot_per_requirement(world, client, draft):
    client.force_login(world.applicant)
    body = text(client.get(case_url(draft)))
    for requirement in world.requirements:
        assert f'<input type="file" id="files-{requirement.pk}" name="files-{requirement.pk}" multiple' in body
        assert requirement.name in body
    assert body.count("Required</span>") == 2 and body.count("Optional</span>") == 1
    # 容缺 is offered for the deferrable requirement only, with the commitment pre-written.
    assert f'name="promise-{world.requirements[1].pk}"' in body
    assert f'name="promise-{world.requirements[0].pk}"' not in body
    assert "本单位承诺在受理之日起10个工作日内补交“营业执照”" in body


def test_apply_upload_promise_submit_and_find_it_in_my_cases(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.applicant)
    client.post(world.item.apply_url, {
        "applicant": f"enterprise:{world.enterprise.pk}", "contact_name": "林晓燕", "contact_phone": "13800000000",
        "contact_email": "lin@haiwan.example.cn",
    })
    case = CaseFile.objects.get()
    application_form, licence, rules = world.requirements

    # Several files for one slot at once; one of them an executable renamed .pdf.
    response = client.post(case_url(case), {
        slot(application_form): [
            pdf_upload("申请书-第1页.pdf"), pdf_upload("申请书-第2页.pdf"),
            SimpleUploadedFile("扫描件.pdf", EXECUTABLE, content_type="application/pdf"),
        ],
        slot(rules): [pdf_upload("管理制度.pdf")],
        "version": case.version, "action": "save",
    })
    assert response.status_code == 400
    body = text(response)
    assert "扫描件.pdf: This kind of file is not accepted" in body
    assert 'class="slot-errors"' in body
    assert f'href="#edit-slot-{application_form.pk}"' in body  # the summary leads to the slot
    # Nothing else was lost: the good files are stored and listed.
    assert sorted(current(case).values_list("original_name", flat=True)) == ["申请书-第1页.pdf", "申请书-第2页.pdf", "管理制度.pdf"]
    assert "申请书-第1页.pdf" in body and "申请书-第2页.pdf" in body and "管理制度.pdf" in body
    assert "3 changes were saved" in body

    # Each stored file shows its name, size and type, and can be removed.
    second = current(case).get(original_name="申请书-第2页.pdf")
    assert f'name="remove" value="{second.pk}"' in body
    assert "PDF" in body and f"{len(PDF)} bytes" in body
    response = client.post(case_url(case), {"remove": second.pk, "version": case.version})
    assert response.status_code == 302
    assert not current(case).filter(pk=second.pk).exists()

    # 营业执照 will come after acceptance (容缺): sign the commitment instead of a file.
    commitment = "本单位承诺在受理之日起5个工作日内补交营业执照副本。"
    response = client.post(case_url(case), {
        f"promise-{licence.pk}": "1", f"commitment-{licence.pk}": commitment, "version": case.version, "action": "save",
    })
    assert response.status_code == 302
    promise = current(case, licence).get()
    assert promise.deferred and promise.commitment == commitment
    page = text(client.get(case_url(case)))
    assert "Saved. Everything you uploaded is kept" in page
    assert commitment in page

    # Submit: the applicant gets the case number and the verification code, on the page and by email.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(case_url(case), {"action": "submit", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    page = text(client.get(case_url(case)))
    assert case.verification_code in page and "Submitted: awaiting acceptance" in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "lin@haiwan.example.cn" in message.to
    assert case.number in message.subject
    assert case.number in message.body and case.verification_code in message.body
    assert f"/progress/?number={case.number}&code={case.verification_code}" in message.body

    # 我的办件 lists it.
    listing = text(client.get(reverse("casefiles:my_cases")))
    assert case.number in listing and world.item.title in listing and "Submitted: awaiting acceptance" in listing


def test_submitting_without_a_required_material_says_what_is_missing(world, client, draft):
    client.force_login(world.applicant)
    response = client.post(case_url(draft), {"action": "submit", "version": draft.version})
    assert response.status_code == 400
    assert "Required materials are missing: 食品经营许可申请书、营业执照." in text(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_files_chosen_with_submit_are_kept_when_the_submission_fails(world, client, draft):
    client.force_login(world.applicant)
    response = client.post(case_url(draft), {
        slot(world.requirements[0]): [pdf_upload("申请书.pdf")], "action": "submit", "version": draft.version,
    })
    assert response.status_code == 400  # 营业执照 still missing
    assert "营业执照" in text(response)
    assert current(draft).filter(original_name="申请书.pdf").exists()


def test_a_stale_page_cannot_submit_over_a_change(world, client, draft):
    client.force_login(world.applicant)
    for requirement in world.requirements[:2]:
        uploads.add(draft, requirement, pdf_upload(), world.applicant)
    workflow.perform(draft, "submit", world.applicant)
    workflow.perform(draft, "request_correction", world.clerk, problems=[{"material": "营业执照", "problem": "不清晰"}])
    response = client.post(case_url(draft), {"action": "submit", "version": 0})
    assert response.status_code == 409
    assert "Someone else changed this case" in text(response)


# --- who sees what --------------------------------------------------------------------------

def test_another_enterprise_gets_the_same_404_as_for_a_missing_case(world, client, submitted_case):
    case = submitted_case
    workflow.perform(case, "accept", world.clerk)
    notice = case.notices.get()
    material = case.materials.first()
    urls = [
        case_url(case),
        case_url(case, "casefiles:notice_pdf", pk=notice.pk),
        case_url(case, "casefiles:material_file", pk=material.pk),
        case_url(case, "casefiles:withdraw"),
    ]
    missing = CaseFile(number="440400209901010000001")
    missing_urls = [
        case_url(missing), case_url(missing, "casefiles:notice_pdf", pk=notice.pk),
        case_url(missing, "casefiles:material_file", pk=material.pk), case_url(missing, "casefiles:withdraw"),
    ]
    for outsider in (world.stranger, world.other_clerk, world.citizen):
        client.force_login(outsider)
        for url, missing_url in zip(urls, missing_urls):
            response = client.get(url)
            assert response.status_code == 404, (outsider, url)
            assert client.get(missing_url).status_code == 404
            body = text(response)
            assert case.applicant_name not in body and notice.number not in body
        assert case.number not in text(client.get(reverse("casefiles:my_cases")))
        # Posting to it is no different.
        assert client.post(case_url(case), {"action": "submit"}).status_code == 404

    client.force_login(world.applicant)
    pdf = client.get(urls[1])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    download = client.get(urls[2])
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_a_draft_is_the_applicants_alone(world, client, draft):
    client.force_login(world.clerk)
    assert client.get(case_url(draft)).status_code == 404


def test_downloads_need_a_login(world, client, submitted_case):
    material = submitted_case.materials.first()
    response = client.get(case_url(submitted_case, "casefiles:material_file", pk=material.pk))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_the_header_links_to_my_cases_for_logged_in_users(world, client):
    assert reverse("casefiles:my_cases") not in client.get(reverse("casefiles:progress")).content.decode()
    client.force_login(world.applicant)
    body = client.get(reverse("casefiles:progress")).content.decode()
    assert f'<a href="{reverse("casefiles:my_cases")}"' in body


def test_my_cases_is_newest_first_and_paginated(world, client):
    cases = [applications.start(world.applicant, world.item, world.enterprise) for _ in range(23)]
    mine_as_citizen = applications.start(world.citizen, world.item, world.person)
    client.force_login(world.applicant)
    first = text(client.get(reverse("casefiles:my_cases")))
    assert cases[-1].number in first and cases[3].number in first
    assert cases[2].number not in first and mine_as_citizen.number not in first
    assert first.index(cases[-1].number) < first.index(cases[-2].number)
    second = text(client.get(reverse("casefiles:my_cases") + "?page=2"))
    assert cases[0].number in second and cases[2].number in second
    assert "Action needed" in first


# --- following the case ---------------------------------------------------------------------

def test_the_timeline_speaks_plainly_and_names_the_department_not_the_staff(world, client, submitted_case):
    case = submitted_case
    workflow.perform(case, "accept", world.clerk)
    workflow.perform(case, "start_review", world.reviewer)
    workflow.perform(case, "propose_denial", world.reviewer, reason="场所面积不符合要求")
    client.force_login(world.applicant)
    body = text(client.get(case_url(case)))
    assert "Application submitted." in body and "Application accepted." in body and "Review started." in body
    assert world.department.name in body
    for secret in ("clerk", "reviewer", "propose_denial", "Denial", "场所面积不符合要求", "start_review"):
        assert secret not in body, secret
    assert "Under review" in body
    acceptance = case.notices.get(kind="acceptance")
    assert acceptance.number in body  # the document issued, to download
    assert case_url(case, "casefiles:notice_pdf", pk=acceptance.pk) in body


def test_a_correction_is_answered_by_replacing_the_rejected_file_and_resubmitting(
    world, client, submitted_case, django_capture_on_commit_callbacks
):
    case = submitted_case
    licence = world.requirements[1]
    rejected = current(case, licence).get()
    workflow.perform(case, "request_correction", world.clerk, problems=[
        {"material": "营业执照", "material_id": rejected.pk, "problem": "复印件不清晰，请上传清晰的扫描件"},
        {"material": "食品经营许可申请书", "problem": "缺少法定代表人签字"},
    ])
    client.force_login(world.applicant)
    body = text(client.get(case_url(case)))
    assert "Correction needed" in body
    assert "复印件不清晰，请上传清晰的扫描件" in body and "缺少法定代表人签字" in body
    assert f'name="replace-{rejected.pk}"' in body and "Needs correction" in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(case_url(case), {
            f"replace-{rejected.pk}": pdf_upload("营业执照-清晰.pdf"),
            slot(world.requirements[0]): [pdf_upload("申请书-已签字.pdf")],
            "action": "submit", "version": case.version,
        })
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    replacement = current(case, licence).get()
    assert replacement.original_name == "营业执照-清晰.pdf" and replacement.version == 2 and replacement.replaces == rejected
    body = text(client.get(case_url(case)))
    assert "Corrected application submitted." in body
    assert [m.subject for m in mail.outbox] and case.number in mail.outbox[-1].body
    assert case.verification_code in mail.outbox[-1].body


def test_materials_promised_for_later_are_supplied_after_acceptance(world, client, draft):
    application_form, licence, _rules = world.requirements
    uploads.add(draft, application_form, pdf_upload(), world.applicant)
    uploads.promise_later(draft, licence, world.applicant, "本单位承诺在受理之日起5个工作日内补交营业执照。")
    workflow.perform(draft, "submit", world.applicant)
    due = working_days.get_calendar().add_working_days(timezone.localdate(), 3)
    workflow.perform(draft, "accept_with_deferral", world.clerk, deferred_due=due)

    client.force_login(world.applicant)
    body = text(client.get(case_url(draft)))
    assert "Supply the materials you promised" in body and f'id="supply-{licence.pk}"' in body
    assert due.isoformat() in body
    response = client.post(case_url(draft), {slot(licence): pdf_upload("营业执照.pdf"), "action": "supply"})
    assert response.status_code == 302
    assert not current(draft, licence).filter(deferred=True).exists()
    assert current(draft, licence).get().original_name == "营业执照.pdf"
    body = text(client.get(case_url(draft)))
    assert "Supply the materials you promised" not in body
    assert "Material promised for later supplied: 营业执照." in body


def test_withdrawal_asks_for_confirmation_first(world, client, submitted_case):
    case = submitted_case
    client.force_login(world.applicant)
    assert case_url(case, "casefiles:withdraw") in text(client.get(case_url(case)))
    confirm = client.get(case_url(case, "casefiles:withdraw"))
    assert confirm.status_code == 200 and "cannot be resumed" in text(confirm)

    unconfirmed = client.post(case_url(case, "casefiles:withdraw"), {"version": case.version})
    assert unconfirmed.status_code == 400 and "Tick the box to confirm the withdrawal." in text(unconfirmed)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED

    response = client.post(case_url(case, "casefiles:withdraw"), {"version": case.version, "confirm": "on", "reason": "改变经营计划"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    assert case.events.get(action="withdraw").comment == "改变经营计划"
    body = text(client.get(case_url(case)))
    assert "Withdrawn" in body and case_url(case, "casefiles:withdraw") not in body
    # Too late once decided or withdrawn: the page says so instead of offering it.
    again = client.get(case_url(case, "casefiles:withdraw"))
    assert again.status_code == 302


def test_every_state_change_reaches_the_applicant_by_email(world, client, submitted_case, django_capture_on_commit_callbacks):
    case = submitted_case
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(case, "accept", world.clerk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "applicant@example.org" in message.to
    assert case.number in message.subject and case.number in message.body
    assert world.clerk.username not in message.body


# --- 提交 with new files: one transaction when the submission succeeds, the files kept when not ------

def stored_files():
    """Every file in the media storage now (the tests of this process share it)."""
    from django.conf import settings

    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def test_files_chosen_with_submit_are_stored_in_the_submissions_transaction(world, client, draft,
                                                                             django_capture_on_commit_callbacks):
    from unittest import mock

    from django.db import connection

    from casefiles.journal import records

    client.force_login(world.applicant)
    seen = []
    real = records.append

    def append(journal, owner, **fields):
        seen.append((fields["action"], len(list(filter(None, connection.savepoint_ids)))))
        return real(journal, owner, **fields)

    outer = len(list(filter(None, connection.savepoint_ids)))  # the test's own transaction
    before = stored_files()
    with mock.patch.object(records, "append", append), mock.patch.object(uploads, "_enqueue_extraction") as extraction:
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(case_url(draft), {
                slot(world.requirements[0]): [pdf_upload("申请书.pdf")], slot(world.requirements[1]): [pdf_upload("执照.pdf")],
                "action": "submit", "version": draft.version,
            })
        assert extraction.call_count == 0 and callbacks  # the extraction waits for the commit
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    # the files and the step: one transaction (one savepoint in the test's), none of their own inside it
    assert seen == [("add_material", outer + 1), ("add_material", outer + 1), ("submit", outer + 1)]
    assert records.problems_of(records.CASES, draft) == []
    assert len(stored_files() - before) == 2


def test_a_refused_submission_keeps_the_files_just_chosen_once(world, client, draft):
    from casefiles.journal import records

    client.force_login(world.applicant)
    before = stored_files()
    response = client.post(case_url(draft), {
        slot(world.requirements[0]): [pdf_upload("申请书.pdf")], "action": "submit", "version": draft.version,
    })
    assert response.status_code == 400
    assert "Required materials are missing: 营业执照." in text(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    kept = current(draft).get()
    assert kept.original_name == "申请书.pdf" and kept.file.storage.exists(kept.file.name)
    # saved alone once: the copy stored in the transaction that was refused is gone with it
    assert stored_files() - before == {Path(kept.file.path)}
    assert [e.action for e in draft.events.order_by("sequence")] == ["create", "add_material"]
    assert records.problems_of(records.CASES, draft) == []


def test_a_stale_page_submitting_new_files_keeps_them(world, client, draft):
    client.force_login(world.applicant)
    response = client.post(case_url(draft), {
        slot(world.requirements[0]): [pdf_upload("申请书.pdf")], slot(world.requirements[1]): [pdf_upload("执照.pdf")],
        "action": "submit", "version": draft.version + 1,  # not the version the case is at
    })
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert sorted(current(draft).values_list("original_name", flat=True)) == ["执照.pdf", "申请书.pdf"]


def test_a_refused_file_with_submit_saves_the_others_alone_and_does_not_submit(world, client, draft):
    client.force_login(world.applicant)
    before = stored_files()
    response = client.post(case_url(draft), {
        slot(world.requirements[0]): [pdf_upload("申请书.pdf")],
        slot(world.requirements[1]): [SimpleUploadedFile("执照.pdf", EXECUTABLE, content_type="application/pdf")],
        "action": "submit", "version": draft.version,
    })
    assert response.status_code == 400
    assert "1 change was saved; the files listed below were not accepted." in text(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    kept = current(draft).get()
    assert kept.original_name == "申请书.pdf"
    assert stored_files() - before == {Path(kept.file.path)}
