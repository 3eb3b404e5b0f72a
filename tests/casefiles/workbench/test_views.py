"""The staff workbench in the Wagtail admin: the inbox, the case page, its forms and files."""

import datetime
import re

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from casefiles.cases import numbers
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, Channel, ClockPause, Status
from casefiles.deadlines import working_days
from casefiles.directory import roles
from casefiles.journal.models import CaseEvent
from casefiles.materials import uploads
from casefiles.materials.models import Material
from casefiles.notices.models import Notice
from casefiles.workbench import inbox
from tests.casefiles.conftest import PDF, pdf_upload
from tests.casefiles.materials.test_uploads import DOCX


def inbox_url():
    return reverse("casefiles_workbench:inbox")


def case_url(case):
    return reverse("casefiles_workbench:case", args=[case.number])


def step_url(case, name):
    return reverse("casefiles_workbench:step", args=[case.number, name])


def numbers_on(response):
    """The case numbers in the inbox's table, in their order."""
    return re.findall(r'<td class="wb-number"><a href="[^"]+">(\d+)</a>', response.content.decode())


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def make_case(world, *, status=Status.SUBMITTED, item=None, **fields):
    """A case row for listing tests (the workflow itself is exercised through the forms below)."""
    item = item or world.item
    defaults = dict(
        number=numbers.next_case_number(item.department), item=item, item_code=item.item_code, item_title=item.title,
        department=item.department, enterprise=world.enterprise, applicant_name=world.enterprise.name,
        applicant_code=world.enterprise.uscc, status=status, submitted_at=timezone.now(),
    )
    defaults.update(fields)
    return CaseFile.objects.create(**defaults)


def accepted(world, case):
    workflow.perform(case, "accept", world.clerk)
    case.refresh_from_db()
    return case


def under_review(world, case):
    accepted(world, case)
    workflow.perform(case, "start_review", world.reviewer)
    case.refresh_from_db()
    return case


# --- reaching the workbench ------------------------------------------------------------------

def test_every_case_role_reaches_the_admin_and_sees_the_menu_item(world, client):
    for who in ("clerk", "reviewer", "decider", "window", "supervisor"):
        client.force_login(getattr(world, who))
        response = client.get("/admin/")
        assert response.status_code == 200, who
        assert "case-files" in response.content.decode(), who  # the sidebar's menu item
        assert client.get(inbox_url()).status_code == 200


def test_someone_in_the_admin_without_a_case_role_has_no_workbench(world, client, django_user_model):
    editor = django_user_model.objects.create_user("editor-only", password="pw-for-tests-only")
    group = world.department.group("editor")
    roles.allow_admin(group)
    editor.groups.add(group)
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    assert "case-files" not in client.get("/admin/").content.decode()
    refused = client.get(inbox_url())  # Wagtail answers a refusal with its dashboard and a message
    assert refused.status_code == 302 and refused["Location"] == "/admin/"


def test_applicants_are_kept_out_of_the_admin(world, submitted_case, client):
    client.force_login(world.applicant)
    response = client.get(case_url(submitted_case))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- the inbox ---------------------------------------------------------------------------------

def test_the_inbox_shows_the_departments_submitted_cases_and_nothing_of_other_departments(world, submitted_case, client):
    for who in ("clerk", "window", "supervisor"):
        client.force_login(getattr(world, who))
        response = client.get(inbox_url(), {"tab": "submitted"})
        assert numbers_on(response) == [submitted_case.number], who
        assert response.context["page"].paginator.count == 1
    client.force_login(world.other_clerk)
    for tab in ("submitted", "all"):
        response = client.get(inbox_url(), {"tab": tab})
        assert response.status_code == 200
        assert numbers_on(response) == []
        assert submitted_case.number not in response.content.decode()
        assert world.enterprise.name not in response.content.decode()


def test_drafts_are_nobodys_but_the_applicants(world, client):
    draft = applications.start(world.applicant, world.item, world.enterprise)
    for who in ("clerk", "supervisor", "window"):
        client.force_login(getattr(world, who))
        assert draft.number not in client.get(inbox_url(), {"tab": "all"}).content.decode()
        assert client.get(case_url(draft)).status_code == 404


def test_each_role_starts_where_its_work_waits(world, client):
    for who, tab in (("clerk", "submitted"), ("window", "submitted"), ("reviewer", "review"),
                     ("decider", "review"), ("supervisor", "all")):
        client.force_login(getattr(world, who))
        assert client.get(inbox_url()).context["tab"].key == tab, who


def test_tabs_sort_the_states(world, client):
    by_status = {status: make_case(world, status=status) for status in Status.values if status != Status.DRAFT}
    client.force_login(world.supervisor)
    expected = {
        "submitted": {"submitted"}, "non_acceptance": {"non_acceptance_pending"},
        "correction": {"correction_requested"}, "review": {"accepted", "under_review"},
        "denial": {"denial_pending"}, "decided": {"approved", "denied"},
        "closed": {"concluded", "not_accepted", "withdrawn"}, "all": set(by_status),
    }
    for tab, statuses in expected.items():
        shown = set(numbers_on(client.get(inbox_url(), {"tab": tab})))
        assert shown == {by_status[s].number for s in statuses}, tab


def test_the_inbox_counts_everything_and_shows_fifty_nearest_due_first(world, client):
    today = timezone.localdate()
    cases = [make_case(world, status=Status.UNDER_REVIEW, promised_due=today + datetime.timedelta(days=60 - i))
             for i in range(55)]
    no_date = make_case(world, status=Status.UNDER_REVIEW, promised_due=None)
    client.force_login(world.reviewer)
    response = client.get(inbox_url(), {"tab": "review"})
    shown = numbers_on(response)
    assert response.context["page"].paginator.count == 56
    assert "56" in response.content.decode()
    assert len(shown) == inbox.PAGE_SIZE == 50
    by_due = sorted(cases, key=lambda c: c.promised_due)
    assert shown == [c.number for c in by_due[:50]]
    second = numbers_on(client.get(inbox_url(), {"tab": "review", "p": 2}))
    assert second == [c.number for c in by_due[50:]] + [no_date.number]  # no date: last
    latest_first = numbers_on(client.get(inbox_url(), {"tab": "review", "sort": "-due"}))
    assert latest_first[0] == by_due[-1].number


def test_the_inbox_sorts_by_received_date(world, client):
    now = timezone.now()
    old = make_case(world, submitted_at=now - datetime.timedelta(days=3))
    new = make_case(world, submitted_at=now - datetime.timedelta(hours=1))
    middle = make_case(world, submitted_at=now - datetime.timedelta(days=1))
    client.force_login(world.clerk)
    assert numbers_on(client.get(inbox_url(), {"tab": "submitted", "sort": "received"})) == [old.number, middle.number, new.number]
    assert numbers_on(client.get(inbox_url(), {"tab": "submitted", "sort": "-received"})) == [new.number, middle.number, old.number]


def test_the_inbox_filters(world, client):
    from cms.models import ServiceItemPage

    other_item = world.item.get_parent().add_child(instance=ServiceItemPage(
        title="药品经营许可", slug="drugs", item_code="11440400MB2C92390J4440111002000", statutory_days=20, promised_days=20,
    ))
    now = timezone.now()
    food_online = make_case(world, submitted_at=now - datetime.timedelta(days=10))
    food_window = make_case(world, channel=Channel.WINDOW, submitted_at=now)
    drugs = make_case(world, item=other_item, status=Status.ACCEPTED, submitted_at=now - datetime.timedelta(days=2))
    client.force_login(world.clerk)

    def shown(**params):
        return set(numbers_on(client.get(inbox_url(), {"tab": "all", **params})))

    assert shown() == {food_online.number, food_window.number, drugs.number}
    assert shown(item=other_item.pk) == {drugs.number}
    assert shown(channel="window") == {food_window.number}
    assert shown(status="accepted") == {drugs.number}
    assert shown(department=world.department.pk) == {food_online.number, food_window.number, drugs.number}
    since = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    assert shown(received_from=since) == {food_window.number, drugs.number}
    assert shown(received_to=(timezone.localdate() - datetime.timedelta(days=5)).isoformat()) == {food_online.number}
    # A department the clerk does not work for is not a choice: the filter is refused, never widened.
    response = client.get(inbox_url(), {"tab": "all", "department": world.other_department.pk})
    assert response.context["form"].errors["department"]


def test_the_light_filter_shows_the_cases_of_that_light(world, client):
    """The inbox filters by clocks.filter_by_light (compared with light_of case by case in
    tests/casefiles/supervision/test_clocks.py); here the page shows what it picked."""
    red = make_case(world, status=Status.UNDER_REVIEW, promised_due=timezone.localdate() - datetime.timedelta(days=3),
                    statutory_due=timezone.localdate() - datetime.timedelta(days=1))
    green = make_case(world, status=Status.UNDER_REVIEW, promised_due=timezone.localdate() + datetime.timedelta(days=60),
                      statutory_due=timezone.localdate() + datetime.timedelta(days=90))
    client.force_login(world.supervisor)
    response = client.get(inbox_url(), {"tab": "all", "light": "red"})
    assert set(numbers_on(response)) == {red.number}
    assert set(numbers_on(client.get(inbox_url(), {"tab": "all", "light": "green"}))) == {green.number}
    text = response.content.decode()
    assert "wb-light--red" in text and ("Red · overdue" in text or "红" in text)


def test_the_inbox_reads_a_page_in_a_bounded_number_of_queries(world, client, django_assert_max_num_queries, monkeypatch):
    # The per-process caches must not expire between the two pages, however slow the machine
    # is to make the 60 cases between them: that would be a query more, not a row's.
    monkeypatch.setattr("casefiles.deadlines.working_days.CALENDAR_TTL", 3600.0)
    monkeypatch.setattr("casefiles.access.permissions.ROLE_GROUPS_TTL", 3600.0)
    client.force_login(world.clerk)
    for _ in range(3):
        make_case(world)
    client.get(inbox_url())  # warm the calendar and permission caches like any earlier page would

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(inbox_url(), {"tab": "all", **params}).status_code == 200
        return [q["sql"] for q in captured]

    few = queries()
    for _ in range(60):
        make_case(world, status=Status.UNDER_REVIEW, promised_due=timezone.localdate())
    many = queries()
    assert len(many) == len(few)  # a row costs no query of its own
    on_cases = [sql for sql in many if 'FROM "casefiles_casefile"' in sql]
    assert len(on_cases) == 1 and "COUNT(" not in on_cases[0]  # one page; the total from the tallies
    assert len([sql for sql in many if 'FROM "casefiles_casetally"' in sql]) == 1
    # Everything else is fixed: session, user, permissions, the filter choices, the admin's menu
    # (whose items, from every app, ask their own questions), and allauth's record of the session
    # (USERSESSIONS_TRACK_ACTIVITY: the record, its user, its last-seen time).
    with django_assert_max_num_queries(33):
        client.get(inbox_url(), {"tab": "all", "light": "yellow", "channel": "online", "sort": "-received"})


# --- the case page -----------------------------------------------------------------------------

def step_names(response):
    return set(re.findall(r'id="step-([a-z_]+)"', response.content.decode()))


def test_the_case_page_offers_each_role_only_its_steps(world, submitted_case, client):
    expected = {
        "clerk": {"accept", "accept_with_deferral", "request_correction", "propose_non_acceptance"},
        "window": {"accept", "accept_with_deferral", "request_correction", "propose_non_acceptance"},
        "reviewer": set(), "decider": set(), "supervisor": set(),
    }
    for who, steps in expected.items():
        client.force_login(getattr(world, who))
        response = client.get(case_url(submitted_case))
        assert response.status_code == 200
        assert step_names(response) == steps, who
    under_review(world, submitted_case)
    for who, steps in {"clerk": set(), "reviewer": {"propose_denial"}, "decider": {"approve", "propose_denial"}}.items():
        client.force_login(getattr(world, who))
        assert step_names(client.get(case_url(submitted_case))) == steps, who


def test_the_case_page_shows_the_whole_file(world, submitted_case, client):
    client.force_login(world.clerk)
    text = client.get(case_url(submitted_case)).content.decode()
    for expected in (world.enterprise.name, world.enterprise.uscc, submitted_case.contact_name, world.item.title,
                     world.department.name, "食品经营许可申请书", "营业执照", "食品安全管理制度",
                     reverse("casefiles_workbench:filed_guide", args=[submitted_case.number])):
        assert expected in text
    assert text.count('class="wb-material') >= 2
    events = submitted_case.events.count()
    assert text.count("<tr>") >= events  # the journal: one row an event


def test_a_persons_full_identity_number_is_shown_on_the_case(world, client):
    case = applications.start(world.citizen, world.item, world.person)
    for requirement in world.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(), world.citizen)
    workflow.perform(case, "submit", world.citizen)
    client.force_login(world.clerk)
    assert world.person.id_number in client.get(case_url(case)).content.decode()


def test_the_guide_as_filed_is_shown_to_whoever_may_see_the_case(world, submitted_case, client):
    url = reverse("casefiles_workbench:filed_guide", args=[submitted_case.number])
    client.force_login(world.clerk)
    response = client.get(url)
    assert response.status_code == 200 and world.item.title in response.content.decode()
    client.force_login(world.other_clerk)
    assert client.get(url).status_code == 404


def test_someone_who_may_not_see_a_case_gets_the_same_404_as_for_no_case(world, submitted_case, client):
    client.force_login(world.other_clerk)
    hidden = client.get(case_url(submitted_case))
    missing = client.get(reverse("casefiles_workbench:case", args=["44040020990101999999"]))
    assert hidden.status_code == missing.status_code == 404
    assert world.enterprise.name not in hidden.content.decode()
    posted = client.post(step_url(submitted_case, "accept"), {"accept-expected_version": submitted_case.version})
    assert posted.status_code == 404
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.SUBMITTED


# --- steps through the forms -----------------------------------------------------------------

def test_accepting_through_the_form(world, submitted_case, client):
    client.force_login(world.clerk)
    response = client.post(step_url(submitted_case, "accept"), {
        "accept-expected_version": submitted_case.version, "accept-comment": "材料齐全，当场受理",
    }, follow=True)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.ACCEPTED
    notice = Notice.objects.get(case=submitted_case, kind="acceptance")
    assert any(notice.number in m for m in messages_of(response))
    event = submitted_case.events.get(action="accept")
    assert event.actor == world.clerk and event.comment == "材料齐全，当场受理"
    assert step_names(response) == set()  # accepted: nothing more for the clerk


def test_request_correction_starts_from_the_materials_marked_for_correction(world, submitted_case, client):
    client.force_login(world.clerk)
    licence = submitted_case.materials.get(requirement_name="营业执照")
    response = client.post(reverse("casefiles_workbench:review_material", args=[submitted_case.number, licence.pk]), {
        f"review-{licence.pk}-state": Material.Review.REJECTED, f"review-{licence.pk}-reason": "复印件不清晰",
    }, follow=True)
    licence.refresh_from_db()
    assert licence.review_state == Material.Review.REJECTED and licence.review_reason == "复印件不清晰"
    form = response.context["steps"][[s["transition"].name for s in response.context["steps"]].index("request_correction")]["form"]
    assert form.problems.initial == [{"material": "营业执照", "material_id": licence.pk, "problem": "复印件不清晰"}]
    assert 'value="复印件不清晰"' in response.content.decode()

    prefix = "request_correction-problems"
    response = client.post(step_url(submitted_case, "request_correction"), {
        "request_correction-expected_version": submitted_case.version,
        f"{prefix}-TOTAL_FORMS": 3, f"{prefix}-INITIAL_FORMS": 1,
        f"{prefix}-0-material": "营业执照", f"{prefix}-0-material_id": licence.pk,
        f"{prefix}-0-problem": "复印件不清晰，请上传彩色扫描件",
        f"{prefix}-1-material": "食品安全管理制度", f"{prefix}-1-problem": "缺少进货查验记录制度",
        f"{prefix}-2-material": "", f"{prefix}-2-problem": "",
        "request_correction-correction_due": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    }, follow=True)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.CORRECTION_REQUESTED
    notice = Notice.objects.get(case=submitted_case, kind="correction")
    assert notice.content["problems"] == [
        {"material": "营业执照", "problem": "复印件不清晰，请上传彩色扫描件"},
        {"material": "食品安全管理制度", "problem": "缺少进货查验记录制度"},
    ]
    assert any(notice.number in m for m in messages_of(response))


def test_refusing_to_accept_needs_a_reason_and_a_decider_who_finds_it_waiting(world, submitted_case, client):
    """否决权上移 on the pages: the clerk proposes with the reason; the department's decider finds
    the proposal in their tab, reads who proposed what, and confirms it."""
    client.force_login(world.clerk)
    name = "propose_non_acceptance"
    response = client.post(step_url(submitted_case, name), {f"{name}-expected_version": submitted_case.version})
    assert response.status_code == 400
    assert any("reason" in m.lower() or "理由" in m for m in messages_of(response))
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.SUBMITTED
    client.post(step_url(submitted_case, name), {
        f"{name}-expected_version": submitted_case.version, f"{name}-reason": "不属于本机关职权范围"})
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.NON_ACCEPTANCE_PENDING
    assert not Notice.objects.filter(case=submitted_case).exists()
    client.force_login(world.decider)
    assert submitted_case.number in numbers_on(client.get(inbox_url(), {"tab": "non_acceptance"}))
    page = client.get(case_url(submitted_case))
    assert step_names(page) == {"confirm_non_acceptance", "overturn_non_acceptance"}
    assert "不属于本机关职权范围" in page.content.decode()
    client.post(step_url(submitted_case, "confirm_non_acceptance"),
                {"confirm_non_acceptance-expected_version": submitted_case.version})
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.NOT_ACCEPTED
    assert Notice.objects.get(case=submitted_case, kind="non_acceptance").content["reason"] == "不属于本机关职权范围"


def test_a_failed_guard_lists_every_message_and_keeps_the_answers(world, submitted_case, client):
    client.force_login(world.clerk)
    response = client.post(step_url(submitted_case, "accept_with_deferral"), {
        "accept_with_deferral-expected_version": submitted_case.version, "accept_with_deferral-comment": "我的备注",
    })
    assert response.status_code == 400
    shown = messages_of(response)
    assert len(shown) == 2  # nothing promised for later, and no date given
    assert "我的备注" in response.content.decode()
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.SUBMITTED


def test_approving_through_the_form(world, submitted_case, client):
    under_review(world, submitted_case)
    client.force_login(world.decider)
    response = client.post(step_url(submitted_case, "approve"), {"approve-expected_version": submitted_case.version},
                           follow=True)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.APPROVED
    assert Notice.objects.filter(case=submitted_case, kind="approval").exists()
    assert messages_of(response)


def test_a_denial_is_proposed_and_confirmed_by_two_people(world, submitted_case, client):
    under_review(world, submitted_case)
    client.force_login(world.decider)
    client.post(step_url(submitted_case, "propose_denial"), {
        "propose_denial-expected_version": submitted_case.version, "propose_denial-reason": "经营场所不符合要求"})
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.DENIAL_PENDING
    response = client.post(step_url(submitted_case, "confirm_denial"), {
        "confirm_denial-expected_version": submitted_case.version})
    assert response.status_code == 400
    assert any("否决权上移" in m for m in messages_of(response))
    client.force_login(world.decider2)
    response = client.post(step_url(submitted_case, "confirm_denial"), {
        "confirm_denial-expected_version": submitted_case.version}, follow=True)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.DENIED
    assert Notice.objects.get(case=submitted_case, kind="denial").content["reason"] == "经营场所不符合要求"


def test_a_stale_form_gets_the_conflict_message_and_changes_nothing(world, submitted_case, client):
    client.force_login(world.clerk)
    seen = submitted_case.version
    journal = submitted_case.events.count()
    response = client.post(step_url(submitted_case, "accept"), {"accept-expected_version": seen - 1})
    assert response.status_code == 409
    assert len(messages_of(response)) == 1  # someone else acted first; here is the case as it is now
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.SUBMITTED and submitted_case.version == seen
    assert submitted_case.events.count() == journal and not Notice.objects.filter(case=submitted_case).exists()


def test_when_a_colleague_acted_first_the_clerk_sees_the_current_state(world, submitted_case, client):
    seen = submitted_case.version
    workflow.perform(submitted_case, "accept", world.window, expected_version=seen)  # the window was quicker
    client.force_login(world.clerk)
    response = client.post(step_url(submitted_case, "request_correction"), {
        "request_correction-expected_version": seen,
        "request_correction-problems-TOTAL_FORMS": 1, "request_correction-problems-INITIAL_FORMS": 0,
        "request_correction-problems-0-material": "营业执照", "request_correction-problems-0-problem": "不清晰",
    })
    assert response.status_code == 409
    assert response.context["case"].status == Status.ACCEPTED
    assert not Notice.objects.filter(case=submitted_case, kind="correction").exists()
    assert step_names(response) == set()


def test_a_step_the_user_may_not_take_is_forbidden(world, submitted_case, client):
    client.force_login(world.reviewer)
    response = client.post(step_url(submitted_case, "accept"), {"accept-expected_version": submitted_case.version})
    assert response.status_code == 403
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.SUBMITTED


def test_review_marks(world, submitted_case, client):
    client.force_login(world.reviewer)
    material = submitted_case.materials.get(requirement_name="食品经营许可申请书")
    url = reverse("casefiles_workbench:review_material", args=[submitted_case.number, material.pk])
    response = client.post(url, {f"review-{material.pk}-state": Material.Review.REJECTED})
    assert response.status_code == 400  # "needs correction" says what
    material.refresh_from_db()
    assert material.review_state == Material.Review.PENDING
    client.post(url, {f"review-{material.pk}-state": Material.Review.ACCEPTED})
    material.refresh_from_db()
    assert material.review_state == Material.Review.ACCEPTED and material.reviewed_by == world.reviewer
    assert CaseEvent.objects.filter(case=submitted_case, action="review_material").count() == 1
    client.force_login(world.supervisor)  # reads everything, marks nothing
    assert client.post(url, {f"review-{material.pk}-state": Material.Review.REJECTED,
                             f"review-{material.pk}-reason": "x"}).status_code == 403


def test_the_review_form_follows_the_domains_rule_and_a_crafted_review_is_refused(world, submitted_case, client):
    material = submitted_case.materials.get(requirement_name="食品经营许可申请书")
    url = reverse("casefiles_workbench:review_material", args=[submitted_case.number, material.pk])
    client.force_login(world.clerk)
    assert url in client.get(case_url(submitted_case)).content.decode()
    for step, user in (("accept", world.clerk), ("start_review", world.reviewer), ("approve", world.decider),
                       ("conclude", world.clerk)):
        workflow.perform(submitted_case, step, user)
    events = CaseEvent.objects.filter(case=submitted_case).count()
    for user in (world.clerk, world.reviewer):
        client.force_login(user)
        assert url not in client.get(case_url(submitted_case)).content.decode()
        response = client.post(url, {f"review-{material.pk}-state": Material.Review.REJECTED,
                                     f"review-{material.pk}-reason": "事后补一刀"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert any("Concluded" in message or "已办结" in message for message in messages_of(response)), messages_of(response)
    material.refresh_from_db()
    assert material.review_state == Material.Review.PENDING
    assert CaseEvent.objects.filter(case=submitted_case).count() == events


def test_a_reviewer_stops_and_restarts_the_clock(world, submitted_case, client):
    under_review(world, submitted_case)
    client.force_login(world.reviewer)
    today = timezone.localdate()
    response = client.post(reverse("casefiles_workbench:start_special_procedure", args=[submitted_case.number]), {
        "special-kind": ClockPause.Kind.EXPERT_REVIEW, "special-reason": "组织专家评审", "special-on": today.isoformat(),
    }, follow=True)
    pause = submitted_case.pauses.get()
    assert pause.kind == ClockPause.Kind.EXPERT_REVIEW and pause.ended_on is None
    assert response.context["open_pause"] == pause  # the page now offers to end it
    assert reverse("casefiles_workbench:end_special_procedure", args=[submitted_case.number]) in response.content.decode()
    client.post(reverse("casefiles_workbench:end_special_procedure", args=[submitted_case.number]),
                {"special-end-on": today.isoformat()})
    pause.refresh_from_db()
    assert pause.ended_on == today
    client.force_login(world.clerk)  # clerks do not run special procedures
    assert client.post(reverse("casefiles_workbench:start_special_procedure", args=[submitted_case.number]), {
        "special-kind": ClockPause.Kind.HEARING, "special-reason": "听证"}).status_code == 403


# --- files ---------------------------------------------------------------------------------------

def test_materials_download_for_the_departments_staff_and_no_one_else(world, submitted_case, client):
    material = submitted_case.materials.first()
    download = reverse("casefiles_workbench:material_download", args=[submitted_case.number, material.pk])
    preview = reverse("casefiles_workbench:material_preview", args=[submitted_case.number, material.pk])
    for who in ("clerk", "reviewer", "decider", "window", "supervisor"):
        client.force_login(getattr(world, who))
        response = client.get(download)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.other_clerk)
    assert client.get(download).status_code == 404
    assert client.get(preview).status_code == 404
    client.force_login(world.clerk)
    assert client.get(reverse("casefiles_workbench:material_download", args=[submitted_case.number, 999999])).status_code == 404


def test_a_material_of_another_case_is_not_found_through_this_one(world, submitted_case, client):
    other = applications.start(world.applicant, world.item, world.enterprise)
    for requirement in world.requirements[:2]:
        uploads.add(other, requirement, pdf_upload(), world.applicant)
    workflow.perform(other, "submit", world.applicant)
    foreign = other.materials.first()
    client.force_login(world.clerk)
    url = reverse("casefiles_workbench:material_download", args=[submitted_case.number, foreign.pk])
    assert client.get(url).status_code == 404


def test_previews_are_inline_unsniffable_and_sandboxed(world, submitted_case, client):
    material = submitted_case.materials.first()
    client.force_login(world.clerk)
    response = client.get(reverse("casefiles_workbench:material_preview", args=[submitted_case.number, material.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the case page frames it; nobody else may
    page = client.get(case_url(submitted_case)).content.decode()
    assert f'<iframe class="wb-preview" loading="lazy"' in page


def test_office_documents_are_downloaded_not_shown(world, client):
    case = applications.start(world.applicant, world.item, world.enterprise)
    uploads.add(case, world.requirements[0], SimpleUploadedFile("承诺书.docx", DOCX), world.applicant)
    uploads.add(case, world.requirements[1], pdf_upload(), world.applicant)
    workflow.perform(case, "submit", world.applicant)
    docx = case.materials.get(requirement_name=world.requirements[0].name)
    client.force_login(world.clerk)
    response = client.get(reverse("casefiles_workbench:material_preview", args=[case.number, docx.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert "wordprocessingml" in response["Content-Type"]
    page = client.get(case_url(case)).content.decode()
    assert reverse("casefiles_workbench:material_preview", args=[case.number, docx.pk]) not in page


def test_notices_download_for_the_departments_staff_only(world, submitted_case, client):
    workflow.perform(submitted_case, "accept", world.clerk)
    notice = Notice.objects.get(case=submitted_case)
    url = reverse("casefiles_workbench:notice_download", args=[submitted_case.number, notice.pk])
    client.force_login(world.clerk)
    assert url in client.get(case_url(submitted_case)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.other_clerk)
    assert client.get(url).status_code == 404
    client.force_login(world.clerk)
    assert client.get(reverse("casefiles_workbench:notice_download", args=[submitted_case.number, 999999])).status_code == 404


def test_case_roles_regain_their_admin_access_whenever_their_groups_are_ensured(world):
    for role in roles.CASE_ROLES:
        world.department.group(role).permissions.clear()
    roles.ensure_department_groups(world.department)
    for role in roles.CASE_ROLES:
        assert world.department.group(role).permissions.filter(codename="access_admin").exists(), role
    for name in roles.GLOBAL_ROLES:
        Group.objects.get(name=name).permissions.clear()
    for group in roles.ensure_global_groups().values():
        assert group.permissions.filter(codename="access_admin").exists(), group.name


# --- 免提交: the license in place of a file ------------------------------------------------------------

def test_staff_see_the_license_in_place_of_the_file_with_its_status_now(world, client, held_license):
    from casefiles.licenses import lifecycle, reuse

    case = applications.start(world.applicant, world.item, world.enterprise)
    reuse.use_held_licenses(case, world.applicant)
    uploads.add(case, world.requirements[0], pdf_upload(), world.applicant)
    workflow.perform(case, "submit", world.applicant)
    client.force_login(world.clerk)
    page = re.sub(r"\s+", " ", client.get(case_url(case), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    section = page[page.index('id="license-use-'):]
    section = section[:section.index("</div> </div>") if "</div> </div>" in section else 2000]
    for shown in ("营业执照", held_license.number, world.enterprise.name, world.department.name, "long-term", ">valid<"):
        assert shown in section, shown
    link = reverse("licenses_admin:detail", args=[held_license.pk])
    assert link in section
    assert client.get(link).status_code == 200  # the clerk may open it
    client.force_login(world.other_clerk)
    assert client.get(link).status_code == 404  # not used in that department's cases
    lifecycle.suspend(held_license, world.decider, "核查经营场所")
    client.force_login(world.clerk)
    page = client.get(case_url(case), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">suspended<" in page and "This license is no longer valid" in page


def test_the_front_desk_sees_and_toggles_the_applicants_licenses(world, client, held_license):
    from casefiles.frontdesk import window
    from casefiles.licenses.models import LicenseUse

    case = window.file(world.window, world.item, world.enterprise.uscc)
    client.force_login(world.window)
    url = reverse("casefiles_workbench:frontdesk_scan", args=[case.number])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    key = world.requirements[1].pk
    assert f'value="license:{held_license.identifier}" checked' in page and held_license.number in page
    response = client.post(url, {"version": case.version, "action": "save", f"source-{key}": "upload"})
    assert response.status_code == 302 and not LicenseUse.objects.filter(case=case).exists()
    client.post(url, {"version": case.version, "action": "save", f"source-{key}": f"license:{held_license.identifier}"})
    assert LicenseUse.objects.filter(case=case, license=held_license).exists()


def test_a_step_whose_conditions_fail_is_shown_disabled_with_why_and_still_refused(world, submitted_case, client):
    under_review(world, submitted_case)
    workflow.start_special_procedure(submitted_case, world.reviewer, ClockPause.Kind.EXPERT_REVIEW, "专家评审")
    client.force_login(world.decider)
    response = client.get(case_url(submitted_case))
    page = response.content.decode()
    with translation.override(response.wsgi_request.LANGUAGE_CODE):  # the page's language
        why = str(workflow.no_open_pause(type("Ctx", (), {"case": submitted_case})()))
    approve = re.search(r'<form [^>]*id="step-approve">(.*?)</form>', page, re.S).group(1)
    assert re.search(r'<button type="submit" class="button" disabled aria-describedby="step-approve-why">', approve)
    assert f"<li>{why}</li>" in approve
    denial = re.search(r'<form [^>]*id="step-propose_denial">(.*?)</form>', page, re.S).group(1)
    assert "disabled" not in denial  # its condition is on the reason the decider writes: judged on trying
    posted = client.post(step_url(submitted_case, "approve"), {"approve-expected_version": submitted_case.version})
    assert posted.status_code == 400
    assert why in messages_of(posted)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.UNDER_REVIEW


def test_a_step_whose_conditions_pass_has_its_button(world, submitted_case, client):
    under_review(world, submitted_case)
    client.force_login(world.decider)
    page = client.get(case_url(submitted_case)).content.decode()
    approve = re.search(r'<form [^>]*id="step-approve">(.*?)</form>', page, re.S).group(1)
    assert "disabled" not in approve and "step-approve-why" not in approve
