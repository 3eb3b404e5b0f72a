import pytest
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st
from django.test import override_settings
from django.utils import translation

from casefiles.access import permissions
from casefiles.bundles import activities
from casefiles.bundles import applications as bundles
from casefiles.bundles.models import Activity
from casefiles.handling import workflow
from casefiles.cases.models import CaseFile, Status
from casefiles.materials import uploads as materials
from casefiles.materials.models import Material
from tests.casefiles.conftest import pdf_bytes, pdf_upload

LICENCE = "营业执照"


def key(name):
    from cms.bundles import material_key

    return material_key(name)


def filed(w):
    """A bundle with every material: 营业执照 once for both parts, each part's own form."""
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    bundles.add_shared(parent, key(LICENCE), pdf_upload("营业执照.pdf", pdf_bytes("营业执照")), w.applicant)
    bundles.add_shared(parent, key("食品经营许可申请书"), pdf_upload("申请书.pdf"), w.applicant)
    bundles.add_shared(parent, key("施工许可申请表"), pdf_upload("申请表.pdf"), w.applicant)
    return parent


def submitted(w):
    parent = filed(w)
    bundles.submit(parent, w.applicant)
    parent.refresh_from_db()
    return parent


def parts(parent):
    food, construction = parent.children.order_by("pk")
    return food, construction


def test_one_parent_and_a_draft_child_per_item_routed_to_its_department(bundle_world):
    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    assert parent.is_bundle and parent.status == Status.DRAFT
    assert parent.item_title == "我要开餐馆" and parent.item_code == "ZH-YJS-TEST"
    food, construction = parts(parent)
    assert (food.item, food.department) == (w.item, w.department)
    assert (construction.item, construction.department) == (w.item2, w.other_department)
    assert {food.status, construction.status} == {Status.DRAFT}
    # Drafts are the applicant's alone.
    assert not permissions.can(w.clerk, "view_casefile", food)
    assert not permissions.can(w.other_clerk, "view_casefile", construction)


def test_a_shared_material_is_stored_once_and_given_to_each_part_that_asks_for_it(bundle_world):
    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    rows = bundles.add_shared(parent, key(LICENCE), pdf_upload("营业执照.pdf"), w.applicant)
    assert len(rows) == 2
    assert len({m.file.name for m in rows}) == 1 and len({m.sha256 for m in rows}) == 1
    assert {m.case.item_id for m in rows} == {w.item.pk, w.item2.pk}
    assert {m.requirement.page_id for m in rows} == {w.item.pk, w.item2.pk}
    slot = next(s for s in bundles.slots(parent) if s.key == key(LICENCE))
    assert len(slot.files) == 1 and slot.files[0].shared_by == 2
    # An item-specific material goes to its item only.
    only = bundles.add_shared(parent, key("施工许可申请表"), pdf_upload("申请表.pdf"), w.applicant)
    assert [m.case.item_id for m in only] == [w.item2.pk]


def test_shared_materials_are_visible_to_each_childs_department_only_where_its_item_needs_them(bundle_world, client):
    w = bundle_world
    parent = submitted(w)
    food, construction = parts(parent)
    form = food.materials.get(requirement_name="食品经营许可申请书")
    licence_food = food.materials.get(requirement_name=LICENCE)
    licence_construction = construction.materials.get(requirement_name=LICENCE)
    assert licence_food.file.name == licence_construction.file.name
    # Each department sees its child's rows, and downloads them.
    client.force_login(w.other_clerk)
    url = f"/admin/cases/{construction.number}/materials/{licence_construction.pk}/download/"
    assert client.get(url).status_code == 200
    # The food licence's application form is not the construction department's to see: 404.
    assert client.get(f"/admin/cases/{construction.number}/materials/{form.pk}/download/").status_code == 404
    assert client.get(f"/admin/cases/{food.number}/materials/{form.pk}/download/").status_code == 404
    assert client.get(f"/admin/cases/{food.number}/").status_code == 404
    client.force_login(w.clerk)
    assert client.get(f"/admin/cases/{food.number}/materials/{form.pk}/download/").status_code == 200


def test_refused_upload_stores_nothing(bundle_world):
    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    with pytest.raises(materials.UploadRefused):
        bundles.add_shared(parent, key(LICENCE), pdf_upload("x.pdf", b"MZ\x90\x00 not a pdf"), w.applicant)
    assert not Material.objects.filter(case__parent=parent).exists()
    with pytest.raises(workflow.NotFound):
        bundles.add_shared(parent, key(LICENCE), pdf_upload(), w.stranger)


def test_shared_changes_made_after_the_bundles_submission_committed_are_refused_and_leave_no_file(bundle_world,
                                                                                                 monkeypatch):
    """The bundle is submitted while a shared upload is being checked, and after a removal's
    request read it as a draft: both are refused when they come to write."""
    from django.core.files.storage import default_storage

    from casefiles.journal.models import CaseEvent

    w = bundle_world
    parent = filed(w)
    licence = parent.children.order_by("pk").first().materials.get(requirement_name=LICENCE)
    read_as_draft = CaseFile.objects.get(pk=parent.pk)
    folder = f"cases/{parent.number}/materials"
    files_before = set(default_storage.listdir(folder)[1])
    check_upload = materials.check_upload

    def submitted_meanwhile(upload):
        bundles.submit(CaseFile.objects.get(pk=parent.pk), w.applicant)
        return check_upload(upload)

    monkeypatch.setattr(materials, "check_upload", submitted_meanwhile)
    with translation.override("en"):
        for attempt in (
            lambda: bundles.add_shared(parent, key(LICENCE), pdf_upload("营业执照-新.pdf"), w.applicant),
            lambda: bundles.remove_shared(read_as_draft, licence, w.applicant),
        ):
            with pytest.raises(materials.UploadRefused) as caught:
                attempt()
            assert "before it is submitted" in str(caught.value.message)
    assert set(default_storage.listdir(folder)[1]) == files_before
    for child in parent.children.all():
        assert CaseEvent.objects.filter(case=child).order_by("-sequence").first().action == "submit"


def test_submitting_names_every_missing_material_with_its_item_and_submits_nothing(bundle_world):
    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    bundles.add_shared(parent, key(LICENCE), pdf_upload(), w.applicant)
    with pytest.raises(workflow.GuardFailed) as refused, translation.override("en"):
        bundles.submit(parent, w.applicant)
    text = " ".join(refused.value.messages)
    assert "食品经营许可: Required materials are missing: 食品经营许可申请书" in text
    assert "建筑工程施工许可证核发" in text and "施工许可申请表" in text
    parent.refresh_from_db()
    assert parent.status == Status.DRAFT
    assert set(parent.children.values_list("status", flat=True)) == {Status.DRAFT}


def test_children_progress_independently_and_the_parent_follows(bundle_world):
    w = bundle_world
    parent = submitted(w)
    food, construction = parts(parent)
    assert parent.status == Status.SUBMITTED and parent.submitted_at is not None
    assert food.status == construction.status == Status.SUBMITTED
    # Each department was granted its own child, not the other's.
    assert permissions.can(w.clerk, "accept_casefile", food)
    assert not permissions.can(w.clerk, "view_casefile", construction)
    assert not permissions.can(w.other_clerk, "view_casefile", food)

    workflow.perform(food, "accept", w.clerk)
    workflow.perform(food, "start_review", w.reviewer)
    parent.refresh_from_db()
    assert parent.status == Status.SUBMITTED  # the construction part is still waiting
    construction.refresh_from_db()
    workflow.perform(construction, "accept", w.other_clerk)
    parent.refresh_from_db()
    assert parent.status == Status.ACCEPTED  # the earliest stage of its open parts
    assert parent.promised_due == max(CaseFile.objects.filter(parent=parent).values_list("promised_due", flat=True))
    # The parent is never worked itself.
    assert workflow.available(parent, w.applicant) == []
    with pytest.raises(workflow.NotAllowedNow):
        workflow.perform(parent, "withdraw", w.applicant)


def conclude(case, w, clerk):
    case.refresh_from_db()
    workflow.perform(case, "conclude", clerk)


def test_a_denied_child_with_the_rest_approved(bundle_world):
    w = bundle_world
    parent = submitted(w)
    food, construction = parts(parent)
    for case, clerk, reviewer in ((food, w.clerk, w.reviewer), (construction, w.other_clerk, w.other_reviewer)):
        workflow.perform(case, "accept", clerk)
        case.refresh_from_db()
        workflow.perform(case, "start_review", reviewer)
        case.refresh_from_db()
    workflow.perform(food, "propose_denial", w.decider, reason="场所不符合条件")
    food.refresh_from_db()
    workflow.perform(food, "confirm_denial", w.decider2)
    parent.refresh_from_db()
    assert parent.status == Status.UNDER_REVIEW  # the denial does not stop the other part
    workflow.perform(construction, "approve", w.other_decider)
    parent.refresh_from_db()
    assert parent.status == Status.APPROVED
    assert bundles.summary(parent) == {"granted": 1, "refused": 1, "withdrawn": 0, "pending": 0, "total": 2}
    conclude(food, w, w.clerk)
    parent.refresh_from_db()
    assert parent.status == Status.APPROVED and parent.concluded_at is None
    conclude(construction, w, w.other_clerk)
    parent.refresh_from_db()
    assert parent.status == Status.CONCLUDED and parent.concluded_at is not None
    outcomes = {p.case.item_id: p.outcome for p in bundles.parts(parent)}
    assert outcomes == {w.item.pk: "refused", w.item2.pk: "granted"}


def test_withdrawing_the_parent_withdraws_the_open_children(bundle_world):
    w = bundle_world
    parent = submitted(w)
    food, construction = parts(parent)
    workflow.perform(construction, "accept", w.other_clerk)
    construction.refresh_from_db()
    workflow.perform(construction, "start_review", w.other_reviewer)
    construction.refresh_from_db()
    workflow.perform(construction, "approve", w.other_decider)
    parent.refresh_from_db()
    with pytest.raises(workflow.NotFound):
        bundles.withdraw(parent, w.stranger)
    bundles.withdraw(parent, w.applicant, reason="不开了")
    parent.refresh_from_db()
    food.refresh_from_db()
    construction.refresh_from_db()
    assert parent.status == Status.WITHDRAWN
    assert food.status == Status.WITHDRAWN
    assert construction.status == Status.APPROVED  # decided parts stand
    workflow.perform(construction, "conclude", w.other_clerk)
    parent.refresh_from_db()
    assert parent.status == Status.WITHDRAWN


def test_the_lead_department_views_the_parent_and_every_department_the_combined_view(bundle_world):
    w = bundle_world
    parent = submitted(w)
    assert permissions.can(w.clerk, "view_casefile", parent)  # the lead department
    assert not permissions.can(w.clerk, "accept_casefile", parent)
    assert not permissions.can(w.other_clerk, "view_casefile", parent)
    assert bundles.may_view(w.other_clerk, parent)
    assert not bundles.may_view(w.stranger, parent)
    # The listing agrees with guardian.
    assert parent in permissions.staff_cases(w.clerk)
    assert parent not in permissions.staff_cases(w.other_clerk)


def test_parallel_opinions_follow_the_setting(bundle_world):
    w = bundle_world
    parent = submitted(w)
    food, construction = parts(parent)
    workflow.perform(food, "accept", w.clerk, comment="材料齐全，予以受理")
    with override_settings(YIWANG_BUNDLE_OPINIONS_SHARED=False):
        seen = {p.case.pk: p for p in bundles.parts(parent, w.other_clerk, staff=True)}
        assert seen[food.pk].opinions == [] and not seen[food.pk].visible
    with override_settings(YIWANG_BUNDLE_OPINIONS_SHARED=True):
        seen = {p.case.pk: p for p in bundles.parts(parent, w.other_clerk, staff=True)}
        assert [e.comment for e in seen[food.pk].opinions] == ["材料齐全，予以受理"]


def test_activities_propose_the_registration_and_the_permits(bundle_world, settings):
    w = bundle_world
    registration = w.item2  # stands in for 企业设立登记 in this small world
    settings.YIWANG_BUSINESS_REGISTRATION_ITEM = registration.item_code
    catering = Activity.objects.create(code="catering", name="餐饮服务")
    catering.items.set([w.item])
    sales = Activity.objects.create(code="food-sales", name="食品销售")
    sales.items.set([w.item])
    proposal = activities.propose(["catering", "food-sales", "nonsense"])
    assert proposal.items == [registration, w.item]
    assert proposal.reasons[w.item.pk] == ["餐饮服务", "食品销售"]
    assert proposal.unknown == ["nonsense"]
    assert activities.propose(["catering"], new_business=False).items == [w.item]
    parent = bundles.start(w.applicant, w.enterprise, items=proposal.items, activities=proposal.activities)
    assert parent.is_bundle and parent.children.count() == 2
    assert parent.form_data["bundle"]["activities"] == ["catering", "food-sales"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_departments_acting_at_the_same_moment_both_land_and_the_parent_follows(bundle_world):
    """并联审批 for real: each department accepts its part in its own transaction at once;
    neither waits forever on the other (the parent row is locked in one order) and the
    parent ends up following both."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    w = bundle_world
    parent = submitted(w)
    food, construction = parts(parent)
    barrier = threading.Barrier(2)

    def accept(case_pk, clerk):
        try:
            case = CaseFile.objects.get(pk=case_pk)
            barrier.wait(timeout=10)
            workflow.perform(case, "accept", clerk)
            return "accepted"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(accept, [food.pk, construction.pk], [w.clerk, w.other_clerk]))
    assert outcomes == ["accepted", "accepted"]
    food.refresh_from_db()
    construction.refresh_from_db()
    parent.refresh_from_db()
    assert (food.status, construction.status) == (Status.ACCEPTED, Status.ACCEPTED)
    assert parent.status == Status.ACCEPTED


def test_the_parent_never_shows_a_step_waiting_inside_a_department():
    """A part whose refusal or denial waits for its second person counts as the stage before it."""
    assert bundles.derived_status(Status.SUBMITTED, [Status.NON_ACCEPTANCE_PENDING, Status.UNDER_REVIEW]) == Status.SUBMITTED
    assert bundles.derived_status(Status.SUBMITTED, [Status.DENIAL_PENDING, Status.APPROVED]) == Status.UNDER_REVIEW
    assert bundles.derived_status(Status.SUBMITTED, [Status.NON_ACCEPTANCE_PENDING, Status.NOT_ACCEPTED]) == Status.SUBMITTED


# --- the parent on the transition mechanism (casefiles.cases.transitions) ------------------------

def as_the_docstring_reads_it(parent_status, statuses, granted):
    """The parent's status from its parts', as the module's docstring says it in words."""
    from casefiles.access.disclosure import outsider_status
    from casefiles.cases import states

    if parent_status == Status.WITHDRAWN:
        return Status.WITHDRAWN  # the applicant withdrew the bundle: it stays so
    if all(s == Status.DRAFT for s in statuses):
        return Status.DRAFT
    if all(s in states.CLOSED for s in statuses):
        return Status.WITHDRAWN if all(s == Status.WITHDRAWN for s in statuses) else Status.CONCLUDED
    open_stages = {outsider_status(s) for s in statuses if s not in states.CLOSED}
    for stage in (Status.CORRECTION_REQUESTED, Status.SUBMITTED, Status.ACCEPTED):
        if stage in open_stages:
            return stage
    if open_stages & {Status.UNDER_REVIEW, Status.DRAFT}:
        return Status.UNDER_REVIEW
    return Status.APPROVED if granted else Status.DENIED


@given(parent_status=st.sampled_from(list(Status)), statuses=st.lists(st.sampled_from(list(Status)), max_size=5),
       granted=st.booleans())
def test_the_parents_declared_table_reads_what_the_docstring_says(parent_status, statuses, granted):
    assert bundles.derived_status(parent_status, statuses, granted) == as_the_docstring_reads_it(
        parent_status, statuses, granted)


def test_each_line_of_the_parents_table():
    def follows(*statuses, granted=False):
        return bundles.derived_status(Status.SUBMITTED, statuses, granted)

    assert follows(Status.DRAFT, Status.DRAFT) == Status.DRAFT
    assert follows(Status.WITHDRAWN, Status.WITHDRAWN) == Status.WITHDRAWN
    assert follows(Status.WITHDRAWN, Status.NOT_ACCEPTED, Status.CONCLUDED) == Status.CONCLUDED
    assert follows(Status.CORRECTION_REQUESTED, Status.SUBMITTED) == Status.CORRECTION_REQUESTED
    assert follows(Status.SUBMITTED, Status.ACCEPTED) == Status.SUBMITTED
    assert follows(Status.ACCEPTED, Status.UNDER_REVIEW) == Status.ACCEPTED
    assert follows(Status.UNDER_REVIEW, Status.APPROVED) == Status.UNDER_REVIEW
    assert follows(Status.APPROVED, Status.DENIED, granted=True) == Status.APPROVED
    assert follows(Status.DENIED, Status.WITHDRAWN) == Status.DENIED
    # nothing leads out of withdrawn: the applicant's withdrawal stands whatever the parts do
    assert bundles.derived_status(Status.WITHDRAWN, [Status.APPROVED, Status.APPROVED], True) == Status.WITHDRAWN
    assert not any(Status.WITHDRAWN in step.sources for step in bundles.FOLLOWING.steps.values())


def test_the_parent_following_a_part_is_a_journaled_step_of_its_own(bundle_world):
    w = bundle_world
    parent = submitted(w)
    food, construction = parts(parent)
    workflow.perform(food, "accept", w.clerk)
    version = CaseFile.objects.get(pk=parent.pk).version
    workflow.perform(construction, "accept", w.other_clerk)
    parent.refresh_from_db()
    assert parent.status == Status.ACCEPTED and parent.version == version + 1
    event = parent.events.order_by("-sequence").first()
    assert (event.action, event.from_state, event.to_state) == ("follow_part", Status.SUBMITTED, Status.ACCEPTED)
    assert event.actor == w.other_clerk and event.data["part"] == construction.number
    assert event.data["action"] == "accept"


def test_of_two_submissions_of_a_bundle_read_as_a_draft_one_wins_and_the_other_writes_nothing(bundle_world):
    w = bundle_world
    parent = filed(w)
    second = CaseFile.objects.get(pk=parent.pk)  # read as a draft, before the first submission
    bundles.submit(parent, w.applicant)
    events_before = parent.events.count()
    with pytest.raises(workflow.Conflict):
        bundles.submit(second, w.applicant)
    parent.refresh_from_db()
    assert parent.status == Status.SUBMITTED and parent.events.count() == events_before
    assert [e.action for e in parent.events.filter(action="submit")] == ["submit"]
    for child in parent.children.all():
        assert child.events.filter(action="submit").count() == 1
