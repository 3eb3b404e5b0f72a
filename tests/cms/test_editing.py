"""Department-scoped editing: editors write, reviewers (theirs or central) publish, nobody crosses departments."""

import datetime
import json
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.fields import StreamField
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from casefiles.directory.models import Department
from cms import editing
from cms.models import DepartmentPage, HomePage, ServiceItemPage


@pytest.fixture
def market(db):
    return Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")


@pytest.fixture
def housing(db):
    return Department.objects.create(code="ZJJ", name="珠海市住房和城乡建设局", region_code="440400")


def guide_under(department, item_code, title, summary="原摘要"):
    parent = department.page
    guide = parent.add_child(
        instance=ServiceItemPage(title=title, slug=item_code.lower(), item_code=item_code, summary=summary,
                                 department=department)
    )
    guide.save_revision().publish()
    return ServiceItemPage.objects.get(pk=guide.pk)


@pytest.fixture
def market_guide(market):
    return guide_under(market, "SCJGJ-001", "食品经营许可")


@pytest.fixture
def housing_guide(housing):
    return guide_under(housing, "ZJJ-001", "建筑工程施工许可")


@pytest.fixture
def staff(make_user, market, housing):
    """One user per role that matters here, by name."""
    people = {}
    for department in (market, housing):
        for role in ("editor", "reviewer"):
            user = make_user(f"{department.code.lower()}-{role}", is_staff=True)
            user.groups.add(department.group(role))
            people[f"{department.code.lower()}-{role}"] = user
    central = make_user("central-reviewer", is_staff=True)
    central.groups.add(editing.central_reviewer_group())
    people["central"] = central
    return people


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def edit_form(client, page) -> "QueryDict":  # noqa: F821
    response = client.get(edit_url(page))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # StreamFields are drawn by the browser, so their inputs are not in the HTML; the
    # guides here have none, and an empty stream says so.
    for field in page._meta.fields:
        if isinstance(field, StreamField) and f"{field.name}-count" not in data:
            data.update(nested_form_data({field.name: streamfield([])}))
    return data


def post_edit(client, page, action, **changes):
    data = edit_form(client, page)
    for name, value in changes.items():
        data[name] = value
    data[action] = "1"
    return client.post(edit_url(page), data)


def workflow_action(client, page, action):
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk), status="in_progress")
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.current_task_state.pk])
    return client.post(url, {"comment": "请补充法律依据"})


def live(page):
    return ServiceItemPage.objects.get(pk=page.pk)


# --- Every department gets its page and grants ---------------------------------------------


def test_a_new_department_gets_its_page_its_grants_and_its_workflow(market):
    page = DepartmentPage.objects.get(department=market)
    assert page.live and page.slug == "scjgj" and page.get_parent().slug == "departments"

    def granted(role):
        return set(
            GroupPagePermission.objects.filter(group=market.group(role), page=page).values_list(
                "permission__codename", flat=True
            )
        )

    assert granted("editor") == {"add_page", "change_page"}
    assert granted("reviewer") == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
    central = Group.objects.get(name=editing.CENTRAL_REVIEWER)
    assert set(GroupPagePermission.objects.filter(group=central, page=page).values_list(
        "permission__codename", flat=True)) == {"publish_page"}
    workflow = page.get_workflow()
    assert workflow.name == "珠海市市场监督管理局审核"
    [task] = [task.specific for task in workflow.tasks]
    assert set(task.groups.all()) == {market.group("reviewer"), Group.objects.get(name=editing.CENTRAL_REVIEWER)}


def test_renaming_a_department_renames_its_page_workflow_task_and_folder_without_duplicates(market):
    counts = (Workflow.objects.count(), GroupApprovalTask.objects.count())
    market.name = "珠海市市场监管局"
    market.save()

    page = DepartmentPage.objects.get(department=market)
    assert page.title == "珠海市市场监管局"
    workflow = page.get_workflow()
    assert workflow.name == "珠海市市场监管局审核"
    assert workflow.tasks.get().name == "珠海市市场监管局审核人审批"
    assert editing.department_collection(market).name == "珠海市市场监管局"
    assert (Workflow.objects.count(), GroupApprovalTask.objects.count()) == counts
    assert DepartmentPage.objects.filter(department=market).count() == 1


def test_no_page_is_made_before_the_site_tree_exists(db):
    HomePage.objects.all().delete()
    department = Department.objects.create(code="GAJ", name="珠海市公安局", region_code="440400")
    assert not DepartmentPage.objects.filter(department=department).exists()
    assert department.group("editor")  # the role groups are made all the same


def test_loading_a_fixture_makes_no_page(db, tmp_path):
    fixture = tmp_path / "departments.json"
    fixture.write_text(json.dumps([
        {"model": "casefiles.department", "pk": 900,
         "fields": {"code": "MZJ", "name": "珠海市民政局", "region_code": "440400", "level": "city"}},
    ]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert Department.objects.filter(code="MZJ").exists()
    assert not DepartmentPage.objects.filter(department_id=900).exists()


def test_the_demo_gives_every_department_a_page_and_has_a_central_reviewer(db):
    call_command("load_demo")
    assert DepartmentPage.objects.count() == Department.objects.count()
    editor = Group.objects.get(user__username="scjgj-editor")
    assert GroupPagePermission.objects.filter(group=editor, page__departmentpage__department__code="SCJGJ").exists()
    assert Group.objects.filter(name=editing.CENTRAL_REVIEWER, user__username="central-reviewer").exists()


# --- Editors stay in their department --------------------------------------------------------


def test_an_editor_explores_only_their_own_department(client, staff, market_guide, housing_guide):
    client.force_login(staff["scjgj-editor"])
    own = client.get(reverse("wagtailadmin_explore", args=[market_guide.get_parent().pk]))
    assert own.status_code == 200
    assert "食品经营许可" in own.content.decode()
    assert "建筑工程施工许可" not in own.content.decode()

    other = client.get(reverse("wagtailadmin_explore", args=[housing_guide.get_parent().pk]))
    assert other.status_code == 302
    assert other["Location"] == reverse("wagtailadmin_explore", args=[market_guide.get_parent().pk])


def test_an_editor_cannot_edit_or_add_under_another_department(client, staff, housing_guide):
    client.force_login(staff["scjgj-editor"])
    assert client.get(edit_url(housing_guide)).status_code in (302, 403, 404)
    response = client.post(edit_url(housing_guide), {"title": "改了", "action-submit": "1"})
    assert response.status_code in (302, 403, 404)
    assert live(housing_guide).title == "建筑工程施工许可"

    add = reverse("wagtailadmin_pages:add", args=["cms", "serviceitempage", housing_guide.get_parent().pk])
    assert client.get(add).status_code in (302, 403, 404)
    response = client.post(add, {"title": "新指南", "slug": "xin", "item_code": "ZJJ-999", "action-submit": "1"})
    assert response.status_code in (302, 403, 404)
    assert not ServiceItemPage.objects.filter(item_code="ZJJ-999").exists()


def test_an_editor_sees_and_chooses_only_their_departments_documents(client, staff, market, housing):
    for department, title in ((market, "食品经营许可申请书"), (housing, "施工许可申请表")):
        Document.objects.create(
            title=title, collection=editing.department_collection(department),
            file=ContentFile(b"%PDF-1.4 blank form", name=f"{department.code}.pdf"),
        )
    theirs = Document.objects.get(title="施工许可申请表")
    client.force_login(staff["scjgj-editor"])
    for url in (reverse("wagtaildocs:index"), reverse("wagtaildocs_chooser:choose")):
        listing = client.get(url)
        assert listing.status_code == 200
        text = listing.content.decode()
        if listing["Content-Type"].startswith("application/json"):  # the chooser is a modal
            text = json.loads(text)["html"]
        assert "食品经营许可申请书" in text and "施工许可申请表" not in text
    assert client.get(reverse("wagtaildocs:edit", args=[theirs.pk])).status_code in (302, 403, 404)


# --- Review before publication --------------------------------------------------------------


def test_an_editor_is_offered_submit_but_not_publish(client, staff, market_guide):
    client.force_login(staff["scjgj-editor"])
    page = client.get(edit_url(market_guide)).content.decode()
    assert 'name="action-submit"' in page
    assert 'name="action-publish"' not in page


def test_an_editor_who_asks_to_publish_only_saves_a_draft(client, staff, market_guide):
    client.force_login(staff["scjgj-editor"])
    response = post_edit(client, market_guide, "action-publish", summary="编辑擅自发布")
    assert response.status_code == 302
    assert live(market_guide).summary == "原摘要"
    assert live(market_guide).get_latest_revision_as_object().summary == "编辑擅自发布"
    assert live(market_guide).has_unpublished_changes


def test_submitting_starts_the_departments_workflow(client, staff, market_guide):
    client.force_login(staff["scjgj-editor"])
    assert post_edit(client, market_guide, "action-submit", summary="新摘要").status_code == 302
    state = live(market_guide).current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert state.workflow.name == "珠海市市场监督管理局审核"
    assert state.requested_by == staff["scjgj-editor"]
    assert live(market_guide).summary == "原摘要"


@pytest.mark.parametrize("approver", ["scjgj-reviewer", "central"])
def test_the_departments_reviewer_or_a_central_reviewer_approves_and_that_publishes(client, staff, market_guide, approver):
    client.force_login(staff["scjgj-editor"])
    post_edit(client, market_guide, "action-submit", summary="新摘要")

    client.force_login(staff[approver])
    assert workflow_action(client, market_guide, "approve").status_code == 302
    page = live(market_guide)
    assert page.summary == "新摘要"
    assert page.current_workflow_state is None
    assert page.live_revision.approved_go_live_at is None


def test_rejection_returns_the_page_to_the_editor(client, staff, market_guide):
    client.force_login(staff["scjgj-editor"])
    post_edit(client, market_guide, "action-submit", summary="有错的摘要")

    client.force_login(staff["scjgj-reviewer"])
    workflow_action(client, market_guide, "reject")
    page = live(market_guide)
    assert page.summary == "原摘要"
    state = WorkflowState.objects.filter(object_id=str(page.pk)).get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES

    client.force_login(staff["scjgj-editor"])
    assert post_edit(client, market_guide, "action-submit", summary="改正后的摘要").status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS  # the same workflow, resumed


def test_a_reviewer_cannot_approve_another_departments_task(client, staff, housing_guide):
    client.force_login(staff["zjj-editor"])
    post_edit(client, housing_guide, "action-submit", summary="住建局的新摘要")

    client.force_login(staff["scjgj-reviewer"])
    assert workflow_action(client, housing_guide, "approve").status_code in (302, 403, 404)
    assert live(housing_guide).summary == "原摘要"
    assert live(housing_guide).current_workflow_state.status == "in_progress"


def test_a_central_reviewer_edits_only_what_waits_for_review(client, staff, market_guide, housing_guide):
    client.force_login(staff["central"])
    assert client.get(edit_url(market_guide)).status_code in (302, 403, 404)

    client.force_login(staff["zjj-editor"])
    post_edit(client, housing_guide, "action-submit", summary="住建局的新摘要")
    client.force_login(staff["central"])
    assert client.get(edit_url(housing_guide)).status_code == 200
    workflow_action(client, housing_guide, "approve")
    assert live(housing_guide).summary == "住建局的新摘要"


def test_the_editor_compares_revisions_of_their_departments_guide(client, staff, market_guide):
    client.force_login(staff["scjgj-editor"])
    post_edit(client, market_guide, "action-save", summary="第二版摘要")
    first, second = market_guide.revisions.order_by("created_at")[:2]
    url = reverse("wagtailadmin_pages:revisions_compare", args=[market_guide.pk, first.pk, second.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "第二版摘要" in response.content.decode()
    assert client.get(reverse("wagtailadmin_pages:history", args=[market_guide.pk])).status_code == 200


def test_an_approved_change_with_a_future_go_live_waits_for_its_time(client, staff, market_guide):
    go_live = timezone.localtime() + datetime.timedelta(days=3)
    client.force_login(staff["scjgj-editor"])
    post_edit(client, market_guide, "action-submit", summary="下周起的新规定", go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))

    client.force_login(staff["scjgj-reviewer"])
    workflow_action(client, market_guide, "approve")
    page = live(market_guide)
    assert page.summary == "原摘要"
    assert page.scheduled_revision is not None

    call_command("publish_scheduled", verbosity=0)
    assert live(market_guide).summary == "原摘要"  # not due yet

    with mock.patch("django.utils.timezone.now", return_value=go_live + datetime.timedelta(minutes=5)):
        call_command("publish_scheduled", verbosity=0)
    assert live(market_guide).summary == "下周起的新规定"

