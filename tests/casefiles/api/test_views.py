"""The case-file API at /api/v1/, as an applicant's software and a department's system use it."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from casefiles.access import permissions
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, Status
from casefiles.directory.identifiers import mask_resident_id
from casefiles.journal import records
from casefiles.journal.models import CaseEvent
from casefiles.materials import uploads
from casefiles.materials.models import Material
from casefiles.notices.models import Notice
from tests.casefiles.conftest import PDF, pdf_bytes, pdf_upload

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def api(user=None):
    """A client that reads answers in English (the source strings) and is signed in as ``user``."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def case_url(number, *rest):
    return "/api/v1/cases/" + number + "/" + "".join(f"{part}/" for part in rest)


def transition(client, case, name, version=None, **body):
    headers = {} if version is None else {"HTTP_IF_MATCH": f'"{version}"'}
    return client.post(case_url(case.number, "transitions", name), body, format="json", **headers)


def draft(world, user=None, applicant=None):
    return applications.start(user or world.applicant, world.item, applicant or world.enterprise)


# --- the applicant's way -------------------------------------------------------------------------

def test_an_applicant_prepares_and_submits_an_application_over_the_api(world):
    client = api(world.applicant)
    created = client.post("/api/v1/cases/", {
        "item": world.item.item_code, "enterprise_uscc": world.enterprise.uscc, "contact_phone": "0756-2212345",
    }, format="json")
    assert created.status_code == 201, created.data
    number = created.data["number"]
    assert created["Location"].endswith(f"/api/v1/cases/{number}/")
    assert created.data["status"] == Status.DRAFT and created.data["applicant"]["name"] == world.enterprise.name
    assert created.data["contact"]["phone"] == "0756-2212345"
    assert [t["name"] for t in created.data["transitions"]] == ["submit"]

    form, licence = world.requirements[0], world.requirements[1]
    uploaded = client.post(case_url(number, "materials"), {"requirement": form.pk, "file": pdf_upload("申请书.pdf")},
                           format="multipart")
    assert uploaded.status_code == 201, uploaded.data
    assert uploaded.data["original_name"] == "申请书.pdf" and uploaded.data["content_type"] == "application/pdf"

    disguised = SimpleUploadedFile("营业执照.pdf", EXECUTABLE, content_type="application/pdf")
    refused = client.post(case_url(number, "materials"), {"requirement": licence.pk, "file": disguised}, format="multipart")
    assert refused.status_code == 400
    assert refused.data["code"] == "refused"
    assert refused.data["messages"] == ["This kind of file is not accepted: upload PDF, OFD, JPEG, PNG, DOCX or XLSX."]
    assert not Material.objects.filter(case__number=number, requirement=licence).exists()

    promised = client.post(case_url(number, "materials", "promise"), {
        "requirement": licence.pk, "commitment": "本单位承诺在受理后10个工作日内补交营业执照原件。",
    }, format="json")
    assert promised.status_code == 201 and promised.data["deferred"] and promised.data["file_url"] is None

    detail = client.get(case_url(number))
    assert detail["ETag"] == '"0"'
    assert {m["requirement_name"] for m in detail.data["materials"]} == {form.name, licence.name}
    submitted = transition(client, CaseFile.objects.get(number=number), "submit", version=detail.data["version"])
    assert submitted.status_code == 200, submitted.data
    assert submitted.data["event"]["action"] == "submit"
    assert submitted.data["case"]["status"] == Status.SUBMITTED
    assert submitted["ETag"] == f'"{submitted.data["case"]["version"]}"'

    journal = client.get(case_url(number, "events"))
    assert [e["action"] for e in journal.data] == ["create", "add_material", "promise_material", "submit"]


def test_a_new_version_of_a_file_and_taking_one_out(world):
    case = draft(world)
    client = api(world.applicant)
    first = client.post(case_url(case.number, "materials"), {"requirement": world.requirements[0].pk,
                                                              "file": pdf_upload("申请书-初稿.pdf")}, format="multipart")
    second = client.post(case_url(case.number, "materials"), {
        "requirement": world.requirements[0].pk, "file": pdf_upload("upload.pdf"), "replaces": first.data["id"],
        "original_name": "申请书-定稿.pdf",
    }, format="multipart")
    assert second.status_code == 201, second.data
    assert second.data["version"] == 2 and second.data["original_name"] == "申请书-定稿.pdf"
    current = client.get(case_url(case.number, "materials")).data
    assert [m["original_name"] for m in current] == ["申请书-定稿.pdf"]

    assert client.delete(case_url(case.number, "materials", second.data["id"])).status_code == 204
    assert client.get(case_url(case.number, "materials")).data == []
    # A file that is no longer current cannot be taken out again.
    assert client.delete(case_url(case.number, "materials", second.data["id"])).status_code == 404


def test_a_name_with_a_path_is_refused_not_quietly_shortened(world):
    case = draft(world)
    answer = api(world.applicant).post(case_url(case.number, "materials"), {
        "requirement": world.requirements[0].pk, "file": pdf_upload(), "original_name": "../../etc/申请书.pdf",
    }, format="multipart")
    assert answer.status_code == 400
    assert answer.data["messages"] == ["The file name must not contain a path (/, \\ or :)."]
    assert not case.materials.exists()


def test_a_requirement_of_another_item_is_refused(world):
    from cms.models import MaterialRequirement

    case = draft(world)
    other = MaterialRequirement.objects.exclude(page=world.item).first()
    foreign_id = other.pk if other else max(r.pk for r in world.requirements) + 1000
    answer = api(world.applicant).post(case_url(case.number, "materials"), {"requirement": foreign_id,
                                                                             "file": pdf_upload()}, format="multipart")
    assert answer.status_code == 400 and answer.data["code"] == "refused"


def test_nobody_applies_for_an_enterprise_they_do_not_belong_to(world):
    client = api(world.stranger)
    foreign = client.post("/api/v1/cases/", {"item": world.item.item_code, "enterprise_uscc": world.enterprise.uscc},
                          format="json")
    assert foreign.status_code == 403  # NotPermitted (was 400 before the one error hierarchy)
    assert foreign.data["messages"] == ["You may not apply on behalf of this applicant."]
    # An unregistered (but well-formed) code gets the very same answer: nothing to probe.
    from casefiles.demo.directory import demo_uscc

    unknown = client.post("/api/v1/cases/", {"item": world.item.item_code, "enterprise_uscc": demo_uscc("91440400MA5XXXXX0")},
                          format="json")
    assert unknown.status_code == 403 and unknown.data == foreign.data
    assert not CaseFile.objects.exists()


def test_a_citizen_applies_as_themselves_without_naming_anyone(world):
    answer = api(world.citizen).post("/api/v1/cases/", {"item": world.item.item_code}, format="json")
    assert answer.status_code == 201, answer.data
    assert answer.data["applicant"] == {"kind": "person", "name": "张伟", "code": world.person.id_number}


def test_the_window_clerk_takes_an_application_for_any_registered_applicant(world):
    body = {"item": world.item.item_code, "person_id_number": world.person.id_number, "channel": "window"}
    answer = api(world.window).post("/api/v1/cases/", body, format="json")
    assert answer.status_code == 201, answer.data
    assert answer.data["channel"] == "window" and answer.data["applicant"]["name"] == "张伟"
    # Anyone else naming the same person is refused, at the window or not.
    for channel in ("window", "online"):
        refused = api(world.applicant).post("/api/v1/cases/", {**body, "channel": channel}, format="json")
        assert refused.status_code == 403  # NotPermitted (was 400)
        assert refused.data["messages"] == ["You may not apply on behalf of this applicant."]


def test_an_unknown_item_code_is_a_clear_refusal(world):
    answer = api(world.applicant).post("/api/v1/cases/", {"item": "NO-SUCH-ITEM", "enterprise_uscc": world.enterprise.uscc},
                                       format="json")
    assert answer.status_code == 400 and answer.data["messages"] == ["No service item has this code."]


# --- staff -----------------------------------------------------------------------------------------

def test_a_clerk_accepts_with_the_version_they_saw(world, submitted_case):
    client = api(world.clerk)
    detail = client.get(case_url(submitted_case.number))
    assert detail.status_code == 200
    names = {t["name"]: t for t in detail.data["transitions"]}
    assert set(names) == {"accept", "accept_with_deferral", "request_correction", "propose_non_acceptance"}
    assert names["propose_non_acceptance"]["needs"] == ["reason"] and names["propose_non_acceptance"]["notice"] is None
    assert names["accept"]["notice"] == "acceptance"

    answer = client.post(case_url(submitted_case.number, "transitions", "accept"), {"comment": "材料齐全"}, format="json",
                         HTTP_IF_MATCH=detail["ETag"])
    assert answer.status_code == 200, answer.data
    assert answer.data["event"]["action"] == "accept" and answer.data["event"]["comment"] == "材料齐全"
    case = answer.data["case"]
    assert case["status"] == Status.ACCEPTED and case["version"] == detail.data["version"] + 1
    assert case["deadlines"]["promised_due"] and case["deadlines"]["light"]["light"] in {"green", "yellow"}

    notices = client.get(case_url(submitted_case.number, "notices")).data
    assert [n["kind"] for n in notices] == ["acceptance"]
    assert notices[0]["number"] == answer.data["event"]["data"]["notice"]
    pdf = client.get(notices[0]["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # The applicant reads the same notice; a stranger is told it does not exist.
    assert api(world.applicant).get(notices[0]["pdf_url"]).status_code == 200
    assert api(world.stranger).get(notices[0]["pdf_url"]).status_code == 404


def test_a_stale_version_is_a_conflict_and_changes_nothing(world, submitted_case):
    seen = submitted_case.version
    workflow.perform(submitted_case, "request_correction", world.clerk,
                     problems=[{"material": "营业执照", "problem": "复印件不清晰"}])
    workflow.perform(CaseFile.objects.get(pk=submitted_case.pk), "submit", world.applicant)
    before = CaseFile.objects.get(pk=submitted_case.pk)
    events, notices = CaseEvent.objects.filter(case=before).count(), Notice.objects.filter(case=before).count()

    answer = transition(api(world.clerk), before, "accept", version=seen)
    assert answer.status_code == 409
    assert answer.data["code"] == "conflict"
    assert answer.data["current"] == {"status": "submitted", "status_display": "Submitted", "version": before.version}
    assert f"you saw version {seen}" in answer.data["detail"]
    after = CaseFile.objects.get(pk=before.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert CaseEvent.objects.filter(case=after).count() == events and Notice.objects.filter(case=after).count() == notices


def test_the_version_may_come_in_the_body_and_must_come_somehow(world, submitted_case):
    client = api(world.clerk)
    missing = transition(client, submitted_case, "accept")
    assert missing.status_code == 428 and missing.data["code"] == "precondition_required"
    disagree = client.post(case_url(submitted_case.number, "transitions", "accept"), {"version": 99}, format="json",
                           HTTP_IF_MATCH=f'"{submitted_case.version}"')
    assert disagree.status_code == 400 and "version" in disagree.data
    garbled = client.post(case_url(submitted_case.number, "transitions", "accept"), {}, format="json", HTTP_IF_MATCH="latest")
    assert garbled.status_code == 400 and "If-Match" in garbled.data
    assert CaseFile.objects.get(pk=submitted_case.pk).status == Status.SUBMITTED
    in_body = client.post(case_url(submitted_case.number, "transitions", "accept"),
                          {"version": submitted_case.version}, format="json")
    assert in_body.status_code == 200


def test_a_step_out_of_order_is_409_with_the_current_state(world, submitted_case):
    answer = transition(api(world.decider), submitted_case, "approve", version=submitted_case.version)
    assert answer.status_code == 409 and answer.data["code"] == "not_allowed_now"
    assert answer.data["current"]["status"] == "submitted"


def test_a_reviewer_may_not_accept(world, submitted_case):
    answer = transition(api(world.reviewer), submitted_case, "accept", version=submitted_case.version)
    assert answer.status_code == 403
    assert answer.data["code"] == "not_permitted"
    assert CaseFile.objects.get(pk=submitted_case.pk).status == Status.SUBMITTED


def test_every_unmet_condition_is_listed(world, submitted_case):
    client = api(world.clerk)
    no_reason = transition(client, submitted_case, "propose_non_acceptance", version=submitted_case.version, reason="  ")
    assert no_reason.status_code == 400 and no_reason.data["code"] == "guard_failed"
    assert no_reason.data["messages"] == ["Give the reason: it is written into the decision the applicant receives."]
    blank_problem = transition(client, submitted_case, "request_correction", version=submitted_case.version,
                               problems=[{"material": "营业执照", "problem": ""}])
    assert blank_problem.status_code == 400 and len(blank_problem.data["messages"]) == 1
    assert CaseFile.objects.get(pk=submitted_case.pk).status == Status.SUBMITTED


def test_a_correction_request_lists_its_problems_in_the_notice(world, submitted_case):
    licence = submitted_case.materials.get(requirement=world.requirements[1])
    due = timezone.localdate() + datetime.timedelta(days=10)
    answer = transition(api(world.clerk), submitted_case, "request_correction", version=submitted_case.version,
                        problems=[{"material": "营业执照", "material_id": licence.pk, "problem": "复印件不清晰"}],
                        correction_due=due.isoformat())
    assert answer.status_code == 200, answer.data
    assert answer.data["case"]["deadlines"]["correction_due"] == due.isoformat()
    notice = Notice.objects.get(case=submitted_case)
    assert notice.content["problems"] == [{"material": "营业执照", "problem": "复印件不清晰"}]
    licence.refresh_from_db()
    assert licence.review_state == Material.Review.REJECTED


def test_an_ordinary_acceptance_does_not_take_a_deferral_date(world, submitted_case):
    later = timezone.localdate() + datetime.timedelta(days=5)
    answer = transition(api(world.clerk), submitted_case, "accept", version=submitted_case.version,
                        deferred_due=later.isoformat())
    assert answer.status_code == 200
    assert answer.data["case"]["deadlines"]["deferred_due"] is None


def test_the_applicant_withdraws_over_the_api(world, submitted_case):
    client = api(world.applicant)
    assert "withdraw" in [t["name"] for t in client.get(case_url(submitted_case.number)).data["transitions"]]
    answer = transition(client, submitted_case, "withdraw", version=submitted_case.version, comment="重复提交")
    assert answer.status_code == 200 and answer.data["case"]["status"] == Status.WITHDRAWN


# --- what outsiders see ------------------------------------------------------------------------

def test_outsiders_get_the_answer_of_a_missing_case(world, submitted_case):
    material = submitted_case.materials.first()
    missing_number = "440400" + "20991231" + "999999"
    for path in ("", "events/", "notices/", "materials/", f"materials/{material.pk}/file"):
        missing = api(world.clerk).get(f"/api/v1/cases/{missing_number}/{path}")
        assert missing.status_code == 404, path
        for outsider in (world.other_clerk, world.stranger, world.citizen):
            answer = api(outsider).get(f"/api/v1/cases/{submitted_case.number}/{path}")
            assert answer.status_code == 404, (outsider, path)
            assert answer.content == missing.content
    for outsider in (world.other_clerk, world.stranger):
        answer = transition(api(outsider), submitted_case, "accept", version=submitted_case.version)
        missing = transition(api(outsider), CaseFile(number=missing_number), "accept", version=0)
        assert answer.status_code == 404 and answer.content == missing.content
    assert CaseFile.objects.get(pk=submitted_case.pk).status == Status.SUBMITTED


def test_a_draft_is_the_applicants_alone(world):
    case = draft(world)
    for staff in (world.clerk, world.window, world.supervisor):
        assert api(staff).get(case_url(case.number)).status_code == 404
    assert api(world.applicant).get(case_url(case.number)).status_code == 200


def test_anonymous_callers_are_turned_away_in_the_same_error_shape(world, submitted_case):
    for url in ("/api/v1/cases/", case_url(submitted_case.number)):
        answer = api().get(url)
        assert answer.status_code == 403
        assert answer.data == {"detail": "Authentication credentials were not provided.",
                               "messages": ["Authentication credentials were not provided."], "code": "not_authenticated"}


def test_material_files_reach_only_those_who_may_see_the_case(world, submitted_case):
    material = submitted_case.materials.first()
    url = f"/api/v1/cases/{submitted_case.number}/materials/{material.pk}/file"
    for reader in (world.applicant, world.clerk, world.supervisor):
        answer = api(reader).get(url)
        assert answer.status_code == 200
        assert b"".join(answer.streaming_content).startswith(b"%PDF")
        assert "attachment" in answer["Content-Disposition"]
    assert api(world.stranger).get(url).status_code == 404


def test_resident_id_numbers_are_masked_for_readers_who_do_not_handle_the_case(world):
    case = draft(world, user=world.citizen, applicant=world.person)
    for requirement in world.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(), world.citizen)
    workflow.perform(case, "submit", world.citizen)
    whole, masked = world.person.id_number, mask_resident_id(world.person.id_number)
    for user, expected in ((world.citizen, whole), (world.clerk, whole), (world.window, whole),
                           (world.supervisor, masked), (world.reviewer, whole)):
        detail = api(user).get(case_url(case.number))
        assert detail.data["applicant"]["code"] == expected, user
        listed = api(user).get("/api/v1/cases/", {"number": case.number})
        assert listed.data["results"][0]["applicant"]["code"] == expected, user


# --- listings --------------------------------------------------------------------------------------

def test_listings_are_trimmed_to_what_the_caller_may_see(world, submitted_case):
    theirs = draft(world, user=world.stranger, applicant=world.other_enterprise)
    mine = draft(world)
    applicant = api(world.applicant)
    numbers = {c["number"] for c in applicant.get("/api/v1/cases/").data["results"]}
    assert numbers == {submitted_case.number, mine.number}
    by_number = applicant.get("/api/v1/cases/", {"number": theirs.number}).data
    assert by_number["count"] == 0 and by_number["results"] == []

    clerk = api(world.clerk)
    assert [c["number"] for c in clerk.get("/api/v1/cases/", {"role": "staff"}).data["results"]] == [submitted_case.number]
    assert clerk.get("/api/v1/cases/", {"role": "applicant"}).data["count"] == 0
    assert api(world.other_clerk).get("/api/v1/cases/").data["count"] == 0
    assert api(world.stranger).get("/api/v1/cases/", {"number": submitted_case.number}).data["count"] == 0


def test_filters_and_ordering(world, submitted_case):
    second = draft(world)
    for requirement in world.requirements[:2]:
        uploads.add(second, requirement, pdf_upload(), world.applicant)
    workflow.perform(second, "submit", world.applicant)
    workflow.perform(CaseFile.objects.get(pk=second.pk), "accept", world.clerk)
    client = api(world.clerk)

    def numbers(**query):
        answer = client.get("/api/v1/cases/", query)
        assert answer.status_code == 200, answer.data
        return [c["number"] for c in answer.data["results"]]

    assert numbers(status="accepted") == [second.number]
    assert set(numbers(status="accepted,submitted")) == {second.number, submitted_case.number}
    assert set(numbers(department="SCJGJ")) == {second.number, submitted_case.number}
    assert numbers(department="ZJJ") == []
    assert set(numbers(item=world.item.item_code)) == {second.number, submitted_case.number}
    today = timezone.localdate()
    assert set(numbers(received_from=today.isoformat(), received_to=today.isoformat())) == {second.number, submitted_case.number}
    assert numbers(received_from=(today + datetime.timedelta(days=1)).isoformat()) == []
    assert numbers(received_to=(today - datetime.timedelta(days=1)).isoformat()) == []
    assert numbers(ordering="submitted_at") == [submitted_case.number, second.number]
    assert numbers(ordering="-submitted_at") == [second.number, submitted_case.number]
    assert client.get("/api/v1/cases/", {"status": "lost"}).status_code == 400
    assert client.get("/api/v1/cases/", {"received_from": "2026-03-02", "received_to": "2026-03-01"}).status_code == 400


def _many_cases(world, count):
    """Cases in every listed shape (enterprise and person, submitted and accepted), made
    through the domain functions but without a PDF per case."""
    for index in range(count):
        by_person = index % 3 == 0
        case = applications.start(world.citizen if by_person else world.applicant, world.item,
                                  world.person if by_person else world.enterprise)
        update = {"status": Status.SUBMITTED, "submitted_at": timezone.now()}
        if index % 2:
            today = timezone.localdate()
            update.update(status=Status.ACCEPTED, accepted_at=timezone.now(),
                          promised_due=today + datetime.timedelta(days=14), statutory_due=today + datetime.timedelta(days=28))
        CaseFile.objects.filter(pk=case.pk).update(**update)
        permissions.grant_department(case, case.department)


@pytest.mark.parametrize("who", ["clerk", "applicant", "supervisor", "citizen"])
def test_the_listing_costs_the_same_few_queries_however_many_cases(world, who, django_assert_max_num_queries):
    client = api(getattr(world, who))
    _many_cases(world, 3)
    client.get("/api/v1/cases/")  # warm the calendar and the permission cache
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/cases/").status_code == 200
    _many_cases(world, 20)
    with django_assert_max_num_queries(12):
        answer = client.get("/api/v1/cases/")
    assert answer.status_code == 200 and answer.data["count"] >= 8
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/cases/")
    assert len(many) == len(few)


# --- tokens ------------------------------------------------------------------------------------------

def test_a_system_signs_in_with_a_token(world, submitted_case):
    anonymous = api()
    wrong = anonymous.post("/api/v1/auth/token/", {"username": "clerk", "password": "wrong"}, format="json")
    assert wrong.status_code == 400
    answer = anonymous.post("/api/v1/auth/token/", {"username": "clerk", "password": "pw-for-tests-only"}, format="json")
    assert answer.status_code == 200
    token = answer.data["token"]
    system = APIClient(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    listed = system.get("/api/v1/cases/")
    assert listed.status_code == 200 and [c["number"] for c in listed.data["results"]] == [submitted_case.number]
    accepted = system.post(case_url(submitted_case.number, "transitions", "accept"), {}, format="json",
                           HTTP_IF_MATCH=f'"{submitted_case.version}"')
    assert accepted.status_code == 200
    assert CaseEvent.objects.filter(case=submitted_case, action="accept").get().actor == world.clerk
    bad = APIClient(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000").get("/api/v1/cases/")
    assert bad.status_code in {401, 403}


def test_token_requests_share_the_sign_in_lock(world, settings):
    """config/signin.py: the token endpoint is a sign-in; tests/config/test_signin.py covers every way in."""
    client = api()
    failures = settings.YIWANG_SIGNIN_LIMITS["ACCOUNT_FAILURES"]
    answers = [client.post("/api/v1/auth/token/", {"username": "clerk", "password": f"guess-{i}"}, format="json")
               for i in range(failures)]
    assert [a.status_code for a in answers] == [400] * failures
    locked = client.post("/api/v1/auth/token/", {"username": "clerk", "password": "pw-for-tests-only"}, format="json")
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert locked.data["code"] == "throttled" and "token" not in locked.data


# --- the anonymous progress look-up -------------------------------------------------------------------

def test_anyone_with_the_number_and_code_reads_the_progress(world, submitted_case):
    client = api()
    answer = client.get("/api/v1/progress/", {"number": submitted_case.number,
                                              "code": submitted_case.verification_code.lower()})
    assert answer.status_code == 200
    assert answer.data["status"] == Status.SUBMITTED and answer.data["item"] == world.item.title
    assert answer.data["department"] == world.department.name
    assert set(answer.data) == {"number", "status", "status_display", "item", "department",
                                "submitted", "accepted", "promised_due", "decided", "concluded"}
    assert answer.data["submitted"] == timezone.localdate(submitted_case.submitted_at).isoformat()
    wrong_code = client.get("/api/v1/progress/", {"number": submitted_case.number, "code": "AAAAAAAA"})
    unknown = client.get("/api/v1/progress/", {"number": "44040020991231999999", "code": submitted_case.verification_code})
    assert wrong_code.status_code == unknown.status_code == 404
    assert wrong_code.content == unknown.content
    assert client.get("/api/v1/progress/", {"number": submitted_case.number}).status_code == 400


def test_a_draft_has_no_public_progress(world):
    case = draft(world)
    assert api().get("/api/v1/progress/", {"number": case.number, "code": case.verification_code}).status_code == 404


def test_progress_look_ups_are_rate_limited_signed_in_or_not(world, submitted_case):
    query = {"number": submitted_case.number, "code": "AAAAAAAA"}
    client = api()
    codes = [client.get("/api/v1/progress/", query).status_code for _ in range(11)]
    assert codes == [404] * 10 + [429]
    blocked = api(world.stranger).get("/api/v1/progress/", query)  # the same address, now signed in
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert blocked.data["code"] == "throttled"


# --- two clerks, one case -----------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_accepts_over_the_api_one_wins(world, submitted_case):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    threads = 8
    barrier = threading.Barrier(threads)
    url = case_url(submitted_case.number, "transitions", "accept")
    clerks = [world.clerk, world.window]

    def attempt(index):
        try:
            client = api(clerks[index % 2])
            barrier.wait(timeout=10)
            return client.post(url, {}, format="json", HTTP_IF_MATCH=f'"{submitted_case.version}"')
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        answers = list(pool.map(attempt, range(threads)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (threads - 1)
    for answer in answers:
        if answer.status_code == 409:
            assert answer.data["code"] in {"conflict", "not_allowed_now"}
            assert answer.data["current"]["version"] == submitted_case.version + 1
    case = CaseFile.objects.get(pk=submitted_case.pk)
    assert case.status == Status.ACCEPTED
    assert Notice.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1



# --- 免提交: licenses in place of materials -------------------------------------------------------

def test_a_held_license_is_in_use_from_the_start_and_the_applicant_switches_over_the_api(world, held_license):
    client = api(world.applicant)
    created = client.post("/api/v1/cases/", {"item": world.item.item_code, "enterprise_uscc": world.enterprise.uscc},
                          format="json")
    number, requirement = created.data["number"], world.requirements[1]
    assert [(u["requirement"], u["license"]["identifier"], u["license"]["status"]) for u in created.data["license_uses"]] \
        == [(requirement.pk, held_license.identifier, "valid")]
    offers = client.get(case_url(number, "licenses"))
    assert offers.status_code == 200
    assert offers.data == [{"requirement": requirement.pk, "requirement_name": "营业执照",
                            "licenses": [offers.data[0]["in_use"]], "in_use": offers.data[0]["in_use"]}]
    assert offers.data[0]["in_use"]["number"] == held_license.number and offers.data[0]["in_use"]["valid_until"] is None

    assert client.delete(case_url(number, "licenses", requirement.pk)).status_code == 204
    assert client.get(case_url(number, "licenses")).data[0]["in_use"] is None
    assert client.delete(case_url(number, "licenses", requirement.pk)).status_code == 404  # nothing in use

    used = client.post(case_url(number, "licenses"), {"requirement": requirement.pk, "license": held_license.identifier},
                       format="json")
    assert used.status_code == 201 and used.data["in_use"]["identifier"] == held_license.identifier
    assert client.get(case_url(number)).data["license_uses"][0]["requirement_name"] == "营业执照"


def test_a_strangers_license_or_material_is_refused_and_a_strangers_case_is_not_found(world, held_license):
    from casefiles.licenses import lifecycle

    foreign = lifecycle.issue(world.business_license_type, issuer=world.department, holder=world.other_enterprise)
    case = draft(world)
    client = api(world.applicant)
    refused = client.post(case_url(case.number, "licenses"), {"requirement": world.requirements[1].pk,
                                                               "license": foreign.identifier}, format="json")
    assert refused.status_code == 400 and refused.data["messages"] == ["This license cannot stand in for that material."]
    refused = client.post(case_url(case.number, "licenses"), {"requirement": world.requirements[0].pk,
                                                               "license": held_license.identifier}, format="json")
    assert refused.status_code == 400
    missing = api(world.stranger).get(case_url("NO-SUCH-CASE", "licenses"))
    for response in (api(world.stranger).get(case_url(case.number, "licenses")),
                     api(world.stranger).post(case_url(case.number, "licenses"),
                                              {"requirement": world.requirements[1].pk, "license": foreign.identifier},
                                              format="json"),
                     api(world.stranger).delete(case_url(case.number, "licenses", world.requirements[1].pk))):
        assert response.status_code == missing.status_code == 404
        assert response.data == missing.data
    assert api().get(case_url(case.number, "licenses")).status_code in (401, 403)


def test_a_submitted_cases_license_cannot_be_taken_back(world, held_license):
    from casefiles.licenses import reuse

    case = draft(world)
    reuse.use_held_licenses(case, world.applicant)
    uploads.add(case, world.requirements[0], pdf_upload(), world.applicant)
    workflow.perform(case, "submit", world.applicant)
    response = api(world.applicant).delete(case_url(case.number, "licenses", world.requirements[1].pk))
    assert response.status_code == 409


# --- applying in one go: POST /api/v1/cases/ with submit=true and the files --------------------------

def stored_files():
    """Every file in the media storage now (the tests of this process share it)."""
    from pathlib import Path

    from django.conf import settings

    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def one_go(world, *files, **fields):
    """The multipart body of an application in one go: each (requirement, upload) as materials[<id>]."""
    body = {"item": world.item.item_code, "enterprise_uscc": world.enterprise.uscc, "submit": "true", **fields}
    for requirement, upload in files:
        body.setdefault(f"materials[{requirement.pk}]", []).append(upload)
    return body


def both_required(world):
    return [(requirement, pdf_upload(f"{requirement.name}.pdf")) for requirement in world.requirements[:2]]


def assert_nothing_left(before, counter):
    from casefiles.cases.models import CaseNumberCounter

    assert not CaseFile.objects.exists()
    assert not Material.objects.exists()
    assert not CaseEvent.objects.exists()
    assert list(CaseNumberCounter.objects.values_list("prefix", "value")) == counter  # no number taken
    assert stored_files() == before  # not one file left in storage


def numbers_taken():
    from casefiles.cases.models import CaseNumberCounter

    return list(CaseNumberCounter.objects.values_list("prefix", "value"))


def test_an_application_in_one_go_is_answered_submitted(world, django_capture_on_commit_callbacks):
    from unittest import mock

    before = stored_files()
    body = one_go(world, *both_required(world), contact_phone="0756-2212345",
                  form_data='{"unknown_key_is_refused": null}')
    refused = api(world.applicant).post("/api/v1/cases/", body, format="multipart")
    assert refused.status_code == 400 and "form_data" in refused.data  # the form's text is read as JSON and checked
    assert_nothing_left(before, numbers_taken())

    body = one_go(world, *both_required(world), contact_phone="0756-2212345", form_data="{}")
    with mock.patch.object(uploads, "_enqueue_extraction") as extraction:
        with django_capture_on_commit_callbacks() as callbacks:
            answer = api(world.applicant).post("/api/v1/cases/", body, format="multipart")
            assert answer.status_code == 201, answer.data
            assert extraction.call_count == 0  # nothing is enqueued before the commit
        assert callbacks
        for callback in callbacks:
            callback()
        # the text extraction of both files, once committed: one task for the files of one transaction
        assert extraction.call_count == 1 and len(extraction.call_args.args[0]) == 2
    number = answer.data["number"]
    assert answer["Location"].endswith(f"/api/v1/cases/{number}/")
    case = CaseFile.objects.get(number=number)
    assert answer["ETag"] == f'"{case.version}"'
    assert answer.data["status"] == Status.SUBMITTED == case.status
    assert answer.data["contact"]["phone"] == "0756-2212345"
    assert sorted(m["requirement"] for m in answer.data["materials"]) == sorted(r.pk for r in world.requirements[:2])
    assert [e.action for e in case.events.order_by("sequence")] == ["create", "add_material", "add_material", "submit"]
    assert len(stored_files() - before) == 2


def test_several_files_of_one_material_and_a_license_held_in_one_go(world, held_license):
    # 营业执照 is supplied by the enterprise's license (免提交), as for every new draft: the
    # application needs only its 申请书, here in two files.
    form = world.requirements[0]
    body = one_go(world, (form, pdf_upload("申请书-1.pdf")), (form, pdf_upload("申请书-2.pdf", pdf_bytes("2"))))
    answer = api(world.applicant).post("/api/v1/cases/", body, format="multipart")
    assert answer.status_code == 201, answer.data
    case = CaseFile.objects.get(number=answer.data["number"])
    assert case.status == Status.SUBMITTED
    assert case.materials.filter(requirement=form, is_current=True).count() == 2
    assert list(case.license_uses.values_list("license", flat=True)) == [held_license.pk]
    assert [e.action for e in case.events.order_by("sequence")] == [
        "create", "use_license", "add_material", "add_material", "submit"]
    assert records.problems_of(records.CASES, case) == []  # the journal's chain holds through the one transaction


def test_a_json_body_may_submit_too(world, held_license):
    world.requirements[0].required = False  # nothing to upload: the license supplies the one material required
    world.requirements[0].save()
    answer = api(world.applicant).post("/api/v1/cases/", {
        "item": world.item.item_code, "enterprise_uscc": world.enterprise.uscc, "submit": True}, format="json")
    assert answer.status_code == 201, answer.data
    assert answer.data["status"] == Status.SUBMITTED


@pytest.mark.parametrize("refusal", ["content", "name", "size"])
def test_a_refused_file_leaves_nothing(world, settings, refusal):
    disguised = SimpleUploadedFile("营业执照.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    files = both_required(world)
    if refusal == "content":
        files[1] = (files[1][0], disguised)
        expected = "This kind of file is not accepted"
    elif refusal == "name":
        files[1] = (files[1][0], pdf_upload("营" * 197 + ".pdf"))
        expected = "The file name is longer than 200 characters."
    else:
        settings.YIWANG_UPLOADS = {"MAX_BYTES": len(PDF) - 1}
        expected = "at most"
    before, counter = stored_files(), numbers_taken()
    answer = api(world.applicant).post("/api/v1/cases/", one_go(world, *files), format="multipart")
    assert answer.status_code == 400 and answer.data["code"] == "refused", answer.data
    assert expected in answer.data["detail"]
    assert_nothing_left(before, counter)  # the first file, stored before the second was refused, is gone too


def test_a_refused_submission_leaves_nothing(world, django_capture_on_commit_callbacks):
    before, counter = stored_files(), numbers_taken()
    with django_capture_on_commit_callbacks() as callbacks:
        answer = api(world.applicant).post("/api/v1/cases/", one_go(world, *both_required(world)[:1]), format="multipart")
    assert answer.status_code == 400 and answer.data["code"] == "guard_failed", answer.data
    assert answer.data["messages"] == ["Required materials are missing: 营业执照."]
    assert callbacks == []  # no extraction, no receipt, no index
    assert_nothing_left(before, counter)


def test_nobody_applies_in_one_go_for_an_enterprise_they_do_not_belong_to(world):
    before, counter = stored_files(), numbers_taken()
    today = api(world.stranger).post("/api/v1/cases/", {"item": world.item.item_code,
                                                         "enterprise_uscc": world.enterprise.uscc}, format="json")
    answer = api(world.stranger).post("/api/v1/cases/", one_go(world, *both_required(world)), format="multipart")
    assert answer.status_code == 403 and answer.data == today.data  # the same answer as for a draft
    assert answer.data["messages"] == ["You may not apply on behalf of this applicant."]
    assert api().post("/api/v1/cases/", one_go(world, *both_required(world)), format="multipart").status_code == 403
    assert_nothing_left(before, counter)


def test_files_are_keyed_by_a_requirement_of_the_item_and_sent_to_submit(world, bundle_world):
    client = api(world.applicant)
    before, counter = stored_files(), numbers_taken()
    body = one_go(world, *both_required(world))
    body["attachment"] = pdf_upload()
    answer = client.post("/api/v1/cases/", body, format="multipart")
    assert answer.status_code == 400 and answer.data == {"attachment": ["Send each file as materials[<requirement id>]."]}

    other_items = world.item2.material_requirements.first()
    answer = client.post("/api/v1/cases/", one_go(world, *both_required(world), (other_items, pdf_upload())),
                         format="multipart")
    assert answer.status_code == 400 and answer.data["messages"] == ["That material is not one this item asks for."]

    answer = client.post("/api/v1/cases/", one_go(world, *both_required(world), submit="false"), format="multipart")
    assert answer.status_code == 400 and list(answer.data) == ["submit"]
    assert_nothing_left(before, counter)
