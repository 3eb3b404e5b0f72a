"""一窗受理 and 统一出件: filing at the window for any department, handing out results at one window."""

import pytest
from django.utils import translation

from casefiles import errors
from casefiles.access import permissions
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, Channel, Status
from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.frontdesk import window as frontdesk
from casefiles.journal.models import CaseEvent
from casefiles.materials import uploads as materials
from casefiles.materials.models import Material
from tests.casefiles.conftest import pdf_upload


@pytest.fixture
def other_item(world):
    """An item of the other department, not open for online applications."""
    from cms.models import MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    page = ensure_department_page(world.other_department)
    item = page.add_child(instance=ServiceItemPage(
        title="建筑工程施工许可", slug="construction", item_code="11440400MB2C92391J4440111002000",
        statutory_days=15, promised_days=5, online_depth=1,
    ))
    item.material_requirements.add(MaterialRequirement(name="施工许可申请表", required=True))
    item.save_revision().publish()
    return ServiceItemPage.objects.get(pk=item.pk)


def filed(world, item=None, code=None):
    code = world.enterprise.uscc if code is None else code
    return frontdesk.file(world.window, item or world.item, code, contact_phone="0756-2212345")


def test_the_window_clerk_files_for_any_department_by_the_applicants_code(world, other_item):
    assert not other_item.can_apply_online
    case = filed(world, other_item, world.enterprise.uscc.lower())
    assert case.channel == Channel.WINDOW and case.department == world.other_department
    assert case.enterprise == world.enterprise and case.submitted_by == world.window
    created = case.events.get(action="create")
    assert created.actor == world.window and created.data["applicant"] == world.enterprise.name
    # The applicant sees the case the clerk filed for them.
    assert permissions.can(world.applicant, "view_casefile", case)

    person_case = filed(world, code=world.person.id_number)
    assert person_case.person == world.person
    assert person_case.events.get(action="create").on_behalf_of == world.citizen


def test_scanned_materials_are_checked_each_alone_then_the_clerk_submits(world):
    case = filed(world)
    first, second = world.requirements[:2]
    scanned = frontdesk.scan(case, world.window, {
        first.pk: [pdf_upload("申请书.pdf")],
        second.pk: [pdf_upload("营业执照.pdf"), pdf_upload("病毒.pdf", b"MZ\x90\x00")],
    })
    assert scanned.stored == 2 and list(scanned.refused) == [second.pk]
    assert scanned.refused[second.pk][0].startswith("病毒.pdf: ")
    frontdesk.submit(case, world.window)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert case.events.get(action="submit").actor == world.window


def test_the_window_clerk_never_sees_other_drafts(world):
    own = applications.start(world.applicant, world.item, world.enterprise)
    someone_elses = filed(world)
    second_clerk = type(world.window).objects.create_user("window-2")
    second_clerk.groups.add(*world.window.groups.all())
    mine = frontdesk.file(second_clerk, world.item, world.enterprise.uscc)

    assert permissions.can(second_clerk, "view_casefile", mine)
    for case in (own, someone_elses):
        assert not permissions.can(second_clerk, "view_casefile", case)
        assert case not in permissions.visible_cases(second_clerk)
    # Filing for the enterprise does not make the clerk one of its members.
    assert not second_clerk.groups.filter(pk=world.enterprise.members_group_id).exists()
    assert list(permissions.applicant_cases(second_clerk)) == [mine]


@pytest.mark.parametrize("code, message", [
    ("", "Enter the applicant's"),
    ("91440400MA55L8QJ2X", "check"),
    (demo_resident_id("11010519491231002"), "No applicant is registered"),
])
def test_codes_that_name_no_applicant_are_refused(world, code, message):
    before = CaseFile.objects.count()
    with translation.override("en"), pytest.raises(errors.Refused, match=message):
        filed(world, code=code)
    assert CaseFile.objects.count() == before


def test_only_a_window_clerk_files_at_the_window(world):
    with pytest.raises(workflow.NotPermitted):
        frontdesk.file(world.clerk, world.item, world.enterprise.uscc)


def decided(world, case):
    for step, user in (("accept", world.clerk), ("start_review", world.reviewer), ("approve", world.decider)):
        workflow.perform(case, step, user)
    case.refresh_from_db()
    return case


def test_results_are_handed_out_at_the_window_and_journaled(world, submitted_case):
    with translation.override("en"), pytest.raises(errors.Conflict, match="Not every case is finished"):
        frontdesk.hand_out(submitted_case, world.window, recipient_name="林晓燕")
    case = decided(world, submitted_case)
    event = frontdesk.hand_out(case, world.window, recipient_name="林晓燕",
                               recipient_id_number=world.person.id_number, note="原件已核验")
    assert event.actor == world.window and event.action == frontdesk.HAND_OUT
    assert event.data["recipient"] == "林晓燕"
    assert event.data["recipient_id"].startswith(world.person.id_number[:4]) and world.person.id_number not in str(event.data)
    assert event.data["notices"] == [case.notices.get(kind="approval").number]
    assert frontdesk.handed_out(case) == event
    with translation.override("en"), pytest.raises(errors.Conflict, match="already handed out"):
        frontdesk.hand_out(case, world.window, recipient_name="林晓燕")


def test_a_bundles_results_go_out_together_journaled_on_every_case(world, submitted_case, other_item, django_user_model):
    parent = decided(world, submitted_case)
    child = filed(world, other_item)
    materials.add(child, other_item.material_requirements.first(), pdf_upload(), world.window)
    workflow.perform(child, "submit", world.window)
    CaseFile.objects.filter(pk=child.pk).update(parent=parent)
    with translation.override("en"), pytest.raises(errors.Conflict, match=child.number):
        frontdesk.hand_out(parent, world.window, recipient_name="林晓燕")
    workflow.perform(child, "propose_non_acceptance", world.window, reason="不属于本部门受理范围")
    other_decider = django_user_model.objects.create_user("other-decider", password="pw-for-tests-only")
    other_decider.groups.add(world.other_department.group("decider"))
    workflow.perform(child, "confirm_non_acceptance", other_decider)
    frontdesk.hand_out(parent, world.window, recipient_name="林晓燕")
    events = CaseEvent.objects.filter(action=frontdesk.HAND_OUT)
    assert {e.case_id for e in events} == {parent.pk, child.pk}
    assert len(events.get(case=child).data["notices"]) == 2


def test_only_the_front_desk_or_the_departments_clerks_hand_out(world, submitted_case):
    case = decided(world, submitted_case)
    with pytest.raises(workflow.NotFound):
        frontdesk.hand_out(case, world.other_clerk, recipient_name="林晓燕")
    with pytest.raises(workflow.NotPermitted):
        frontdesk.hand_out(case, world.reviewer, recipient_name="林晓燕")
    frontdesk.hand_out(case, world.clerk, recipient_name="林晓燕")


# --- the workbench ------------------------------------------------------------------------------

def test_the_window_clerk_files_scans_and_submits_in_the_workbench(world, other_item, client):
    client.force_login(world.window)
    page = client.get("/admin/cases/frontdesk/")
    assert page.status_code == 200 and other_item.title.encode() in page.content
    response = client.post("/admin/cases/frontdesk/", {"item": other_item.pk, "applicant_code": world.enterprise.uscc,
                                                       "contact_phone": "0756-2212345"})
    assert response.status_code == 302
    case = CaseFile.objects.get(item=other_item)
    assert response["Location"] == f"/admin/cases/frontdesk/{case.number}/"
    assert case.channel == Channel.WINDOW

    requirement = other_item.material_requirements.first()
    response = client.post(f"/admin/cases/frontdesk/{case.number}/", {
        "action": "submit", "version": case.version,
        f"files-{requirement.pk}": [pdf_upload("申请表.pdf"), pdf_upload("申请表.exe.pdf", b"MZ\x90\x00")],
    })
    assert response.status_code == 400 and "申请表.exe.pdf".encode() in response.content
    case.refresh_from_db()
    assert case.status == Status.DRAFT and case.materials.count() == 1  # the good scan is kept
    response = client.post(f"/admin/cases/frontdesk/{case.number}/", {"action": "submit", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.department == world.other_department


def test_the_front_desk_refuses_unknown_applicants_and_other_staff(world, client):
    client.force_login(world.window)
    with translation.override("en"):
        response = client.post("/admin/cases/frontdesk/", {"item": world.item.pk, "applicant_code": "91440400MA55L8QJ2X"},
                               HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and not CaseFile.objects.exists()
    client.force_login(world.clerk)
    refused = client.get("/admin/cases/frontdesk/")  # Wagtail answers a refusal with the dashboard
    assert refused.status_code == 302 and refused["Location"] == "/admin/"


def test_the_hand_out_is_recorded_and_shown_on_the_case_page(world, submitted_case, client):
    case = decided(world, submitted_case)
    client.force_login(world.window)
    page = client.get(f"/admin/cases/{case.number}/")
    assert b'id="hand-out"' in page.content and case.notices.get(kind="approval").number.encode() in page.content
    response = client.post(f"/admin/cases/{case.number}/hand-out/", {"hand-out-recipient_name": "林晓燕"})
    assert response.status_code == 302
    page = client.get(f"/admin/cases/{case.number}/")
    assert "林晓燕".encode() in page.content and b'name="hand-out-recipient_name"' not in page.content
    # Staff who may not see the case get the same 404 as for no case.
    client.force_login(world.other_clerk)
    assert client.post(f"/admin/cases/{case.number}/hand-out/", {"hand-out-recipient_name": "x"}).status_code == 404


# --- the API ------------------------------------------------------------------------------------

def test_the_hand_out_over_the_api(world, submitted_case):
    from rest_framework.test import APIClient

    def api(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    url = f"/api/v1/cases/{submitted_case.number}/hand-out/"
    early = api(world.window).post(url, {"recipient_name": "林晓燕"}, format="json")
    assert early.status_code == 409 and "Not every case is finished" in early.data["detail"]
    case = decided(world, submitted_case)
    state = api(world.applicant).get(url)
    assert state.status_code == 200 and state.data["handed_out"] is None
    assert state.data["notices"] == [case.notices.get(kind="approval").number] and state.data["unfinished"] == []
    assert api(world.applicant).post(url, {"recipient_name": "林晓燕"}, format="json").status_code == 403
    assert api(world.other_clerk).get(url).status_code == 404
    done = api(world.window).post(url, {"recipient_name": "林晓燕", "recipient_id_number": "123"}, format="json")
    assert done.status_code == 400  # a wrong identity number is refused, nothing recorded
    done = api(world.window).post(url, {"recipient_name": "林晓燕", "note": "原件已核验"}, format="json")
    assert done.status_code == 201
    assert done.data["handed_out"]["actor"] == "window" and done.data["handed_out"]["data"]["recipient"] == "林晓燕"


def test_the_window_clerk_files_a_bundle_scans_each_shared_material_once_and_submits_every_part(bundle_world, client):
    from cms.bundles import material_key

    w = bundle_world
    client.force_login(w.window)
    response = client.post("/admin/cases/frontdesk/", {"item": w.item.pk, "bundle": w.bundle.pk,
                                                       "applicant_code": w.enterprise.uscc})
    assert response.status_code == 400  # an item or a bundle, not both
    response = client.post("/admin/cases/frontdesk/", {"bundle": w.bundle.pk, "applicant_code": w.enterprise.uscc})
    assert response.status_code == 302
    parent = CaseFile.objects.get(is_bundle=True)
    assert parent.channel == Channel.WINDOW and {c.channel for c in parent.children.all()} == {Channel.WINDOW}
    page = client.get(f"/admin/cases/frontdesk/{parent.number}/").content.decode()
    assert "营业执照" in page and w.item.title in page and w.item2.title in page  # who asks for what

    uploads = {f"files-{material_key(name)}": pdf_upload(f"{name}.pdf")
               for name in ("营业执照", "食品经营许可申请书", "施工许可申请表")}
    response = client.post(f"/admin/cases/frontdesk/{parent.number}/", {"action": "submit", "version": parent.version,
                                                                         **uploads})
    assert response.status_code == 302
    food, construction = parent.children.order_by("pk")
    assert {food.status, construction.status} == {Status.SUBMITTED}
    licence = Material.objects.filter(case__parent=parent, requirement_name="营业执照")
    assert licence.count() == 2 and len({m.file.name for m in licence}) == 1  # scanned once, used by both
    # Each department has its part in its inbox; the window clerk acted on the applicant's behalf.
    assert permissions.can(w.clerk, "view_casefile", food) and permissions.can(w.other_clerk, "view_casefile", construction)
    assert food.events.get(action="submit").actor == w.window


def test_a_bundle_at_the_window_needs_a_registered_applicant(bundle_world):
    with pytest.raises(errors.Refused):
        frontdesk.file_bundle(bundle_world.window, bundle_world.bundle, demo_uscc("91440400MA4WB3K2X"))


def test_filing_uses_the_licenses_the_applicant_holds_and_the_clerk_toggles_them(world, held_license):
    from casefiles.licenses.models import LicenseUse

    case = filed(world)
    assert LicenseUse.objects.get(case=case).license == held_license  # chosen by default, as on the portal
    requirement = world.requirements[1]
    scanned = frontdesk.choose_licenses(case, world.window, {requirement.pk: ""})  # the paper copy instead
    assert scanned.stored == 1 and not LicenseUse.objects.filter(case=case).exists()
    scanned = frontdesk.choose_licenses(case, world.window, {requirement.pk: "1.2.156.3005.2.NOT.HELD"})
    assert requirement.pk in scanned.refused and not LicenseUse.objects.filter(case=case).exists()
    frontdesk.choose_licenses(case, world.window, {requirement.pk: held_license.identifier})
    frontdesk.scan(case, world.window, {world.requirements[0]: [pdf_upload()]})
    frontdesk.submit(case, world.window)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and LicenseUse.objects.filter(case=case, license=held_license).exists()
