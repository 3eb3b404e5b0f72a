import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, Status
from casefiles.errors import GuardFailed
from casefiles.journal.models import CaseEvent
from casefiles.materials import uploads
from casefiles.notices.models import Notice
from tests.casefiles.conftest import pdf_upload


@pytest.fixture(autouse=True)
def in_english():
    """Messages are compared in their English source; the pages' Chinese is tested elsewhere."""
    from django.utils import translation

    with translation.override("en"):
        yield


SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def kinds(case):
    return list(Notice.objects.filter(case=case).values_list("kind", flat=True))


def test_the_happy_path_issues_the_documents_the_law_wants(world, submitted_case):
    case = submitted_case
    workflow.perform(case, "accept", world.clerk)
    workflow.perform(case, "start_review", world.reviewer)
    workflow.perform(case, "approve", world.decider)
    workflow.perform(case, "conclude", world.clerk)
    case.refresh_from_db()
    assert case.status == Status.CONCLUDED
    assert kinds(case) == ["acceptance", "approval"]
    actions = list(case.events.values_list("action", flat=True))
    assert actions[-4:] == ["accept", "start_review", "approve", "conclude"]
    assert case.promised_due and case.statutory_due and case.promised_due < case.statutory_due


@pytest.mark.parametrize(
    "name, who, allowed",
    [
        ("accept", "clerk", True),
        ("accept", "window", True),  # 综合窗口 accepts for any department
        ("accept", "reviewer", False),
        ("accept", "decider", False),
        ("accept", "applicant", False),
        ("accept", "supervisor", False),
        ("propose_non_acceptance", "clerk", True),
        ("propose_non_acceptance", "window", True),  # the window proposes; it never refuses alone
        ("propose_non_acceptance", "decider", False),
        ("propose_non_acceptance", "reviewer", False),
        ("request_correction", "clerk", True),
        ("withdraw", "applicant", True),
        ("withdraw", "clerk", False),
    ],
)
def test_who_may_act_on_a_submitted_case(world, submitted_case, name, who, allowed):
    params = {"reason": "不属于本机关职权范围", "problems": [{"material": "营业执照", "problem": "复印件不清晰"}]}
    user = getattr(world, who)
    if allowed:
        workflow.perform(submitted_case, name, user, **params)
    else:
        with pytest.raises(workflow.NotPermitted):
            workflow.perform(submitted_case, name, user, **params)
        submitted_case.refresh_from_db()
        assert submitted_case.status == Status.SUBMITTED


def test_someone_who_may_not_see_the_case_is_told_it_does_not_exist(world, submitted_case):
    for outsider in (world.other_clerk, world.stranger, world.citizen):
        with pytest.raises(workflow.NotFound):
            workflow.perform(submitted_case, "accept", outsider)


def test_steps_out_of_order_are_refused(world, submitted_case):
    with pytest.raises(workflow.NotAllowedNow):
        workflow.perform(submitted_case, "approve", world.decider)
    with pytest.raises(workflow.NotAllowedNow):
        workflow.perform(submitted_case, "conclude", world.clerk)


def test_available_lists_only_what_this_user_may_do_now(world, submitted_case):
    assert {t.name for t in workflow.available(submitted_case, world.clerk)} == {
        "accept", "accept_with_deferral", "request_correction", "propose_non_acceptance"
    }
    assert {t.name for t in workflow.available(submitted_case, world.applicant)} == {"withdraw"}
    assert workflow.available(submitted_case, world.reviewer) == []


def test_submitting_needs_every_required_material(world):
    case = applications.start(world.applicant, world.item, world.enterprise)
    uploads.add(case, world.requirements[0], pdf_upload(), world.applicant)
    with pytest.raises(workflow.GuardFailed) as caught:
        workflow.perform(case, "submit", world.applicant)
    assert "营业执照" in caught.value.messages[0]
    case.refresh_from_db()
    assert case.status == Status.DRAFT


def test_tolerant_acceptance_with_a_promised_material(world):
    case = applications.start(world.applicant, world.item, world.enterprise)
    uploads.add(case, world.requirements[0], pdf_upload(), world.applicant)
    uploads.promise_later(case, world.requirements[1], world.applicant, "本单位承诺在受理后10个工作日内补交营业执照。")
    workflow.perform(case, "submit", world.applicant)
    with pytest.raises(workflow.GuardFailed):
        workflow.perform(case, "accept", world.clerk)  # a material is not in hand
    too_late = timezone.localdate() + datetime.timedelta(days=60)
    with pytest.raises(workflow.GuardFailed) as caught:
        workflow.perform(case, "accept_with_deferral", world.clerk, deferred_due=too_late)
    assert "promised time limit" in caught.value.messages[0] or "承诺时限" in caught.value.messages[0]
    due = timezone.localdate() + datetime.timedelta(days=7)
    workflow.perform(case, "accept_with_deferral", world.clerk, deferred_due=due)
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.deferred_due == due
    assert kinds(case) == ["deferred_acceptance"]
    workflow.perform(case, "start_review", world.reviewer)
    with pytest.raises(workflow.GuardFailed):
        workflow.perform(case, "approve", world.decider)  # the promise is not kept yet
    uploads.add(case, world.requirements[1], pdf_upload("营业执照.pdf"), world.applicant)
    workflow.perform(case, "approve", world.decider)


def test_correction_lists_every_problem_in_one_notice_and_the_applicant_resubmits(world, submitted_case):
    case = submitted_case
    licence = case.materials.get(requirement=world.requirements[1])
    with pytest.raises(workflow.GuardFailed):
        workflow.perform(case, "request_correction", world.clerk, problems=[])
    workflow.perform(case, "request_correction", world.clerk, problems=[
        {"material": "营业执照", "material_id": licence.pk, "problem": "复印件不清晰，请上传原件扫描件"},
        {"material": "食品经营许可申请书", "problem": "缺少法定代表人签字"},
    ])
    case.refresh_from_db()
    assert case.status == Status.CORRECTION_REQUESTED
    notice = Notice.objects.get(case=case)
    assert notice.kind == "correction" and len(notice.content["problems"]) == 2
    licence.refresh_from_db()
    assert licence.review_state == "rejected"
    uploads.add(case, world.requirements[1], pdf_upload("营业执照-清晰.pdf"), world.applicant, replaces=licence)
    workflow.perform(case, "submit", world.applicant)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert case.materials.filter(requirement=world.requirements[1]).count() == 2  # the earlier version stays
    assert case.materials.get(requirement=world.requirements[1], is_current=True).version == 2


def test_article_32_no_correction_after_five_working_days(world, submitted_case):
    case = submitted_case
    # Received on Friday 13 February 2026: the 5 working days are 14 (make-up Saturday),
    # 16-23 are the Spring Festival holiday, then 24, 25, 26, 27 February.
    CaseFile.objects.filter(pk=case.pk).update(submitted_at=at(2026, 2, 13))
    case.refresh_from_db()
    problems = [{"material": "营业执照", "problem": "不清晰"}]
    assert not workflow.correction_period_over(case, at(2026, 2, 27, 17))
    with pytest.raises(workflow.GuardFailed) as caught:
        workflow.perform(case, "request_correction", world.clerk, problems=problems, now=at(2026, 3, 2))
    assert "32" in caught.value.messages[0]
    # A clerk who accepts late accepts from the day of receipt.
    workflow.perform(case, "accept", world.clerk, now=at(2026, 3, 2))
    case.refresh_from_db()
    assert case.deemed_accepted and timezone.localdate(case.accepted_at) == datetime.date(2026, 2, 13)


def test_article_32_the_system_accepts_cases_left_without_a_notice(world, submitted_case):
    case = submitted_case
    CaseFile.objects.filter(pk=case.pk).update(submitted_at=at(2026, 2, 13))
    case.refresh_from_db()
    with pytest.raises(workflow.NotPermitted):  # nobody takes this step by hand
        workflow.perform(case, "deem_accepted", world.clerk, now=at(2026, 3, 2))
    assert workflow.apply_deemed_acceptance(now=at(2026, 2, 27, 17)) == []
    assert workflow.apply_deemed_acceptance(now=at(2026, 3, 2)) == [case.number]
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.deemed_accepted
    event = case.events.order_by("-sequence").first()
    assert event.action == "deem_accepted" and event.actor is None
    assert kinds(case) == ["acceptance"]


def test_a_denial_takes_effect_only_after_a_second_decider(world, submitted_case):
    case = submitted_case
    workflow.perform(case, "accept", world.clerk)
    workflow.perform(case, "start_review", world.reviewer)
    with pytest.raises(workflow.GuardFailed):
        workflow.perform(case, "propose_denial", world.decider, reason="")
    workflow.perform(case, "propose_denial", world.decider, reason="经营场所不符合食品安全要求")
    case.refresh_from_db()
    assert case.status == Status.DENIAL_PENDING and kinds(case) == ["acceptance"]
    with pytest.raises(workflow.GuardFailed):
        workflow.perform(case, "confirm_denial", world.decider)  # not the one who proposed it
    with pytest.raises(workflow.NotPermitted):
        workflow.perform(case, "confirm_denial", world.reviewer)
    workflow.perform(case, "confirm_denial", world.decider2)
    case.refresh_from_db()
    assert case.status == Status.DENIED
    denial = Notice.objects.get(case=case, kind="denial")
    assert denial.content["reason"] == "经营场所不符合食品安全要求"


def test_a_proposed_denial_can_be_overturned(world, submitted_case):
    case = submitted_case
    workflow.perform(case, "accept", world.clerk)
    workflow.perform(case, "start_review", world.reviewer)
    workflow.perform(case, "propose_denial", world.reviewer, reason="材料存疑")
    workflow.perform(case, "overturn_denial", world.decider)
    workflow.perform(case, "approve", world.decider)
    case.refresh_from_db()
    assert case.status == Status.APPROVED


def test_a_step_ignores_parameters_it_does_not_declare(world, submitted_case):
    workflow.perform(submitted_case, "accept", world.clerk, deferred_due=timezone.localdate() + datetime.timedelta(days=3))
    submitted_case.refresh_from_db()
    assert submitted_case.deferred_due is None


def test_nobody_refuses_acceptance_alone(world, submitted_case):
    """否决权上移: the clerk proposes with the reason, a decider of the department confirms and
    the decision is issued then — not before."""
    with pytest.raises(workflow.GuardFailed):
        workflow.perform(submitted_case, "propose_non_acceptance", world.clerk, reason="  ")
    workflow.perform(submitted_case, "propose_non_acceptance", world.clerk, reason="申请事项依法不需要取得行政许可")
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.NON_ACCEPTANCE_PENDING and kinds(submitted_case) == []
    assert {t.name for t in workflow.available(submitted_case, world.clerk)} == set()
    assert {t.name for t in workflow.available(submitted_case, world.decider)} == {
        "confirm_non_acceptance", "overturn_non_acceptance"}
    for nobody in (world.clerk, world.window, world.reviewer, world.supervisor):
        with pytest.raises(workflow.NotPermitted):
            workflow.perform(submitted_case, "confirm_non_acceptance", nobody)
    workflow.perform(submitted_case, "confirm_non_acceptance", world.decider)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.NOT_ACCEPTED and kinds(submitted_case) == ["non_acceptance"]
    notice = submitted_case.notices.get()
    assert notice.content["reason"] == "申请事项依法不需要取得行政许可"  # the proposal's reason, as confirmed


def test_a_decider_may_overturn_a_proposal_and_the_case_waits_for_acceptance_again(world, submitted_case):
    workflow.perform(submitted_case, "propose_non_acceptance", world.window, reason="不属于本机关职权范围")
    workflow.perform(submitted_case, "overturn_non_acceptance", world.decider)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.SUBMITTED and kinds(submitted_case) == []
    workflow.perform(submitted_case, "accept", world.clerk)


def test_the_proposer_never_confirms_nor_does_the_window(world, submitted_case, django_user_model):
    """A decider who proposed cannot confirm their own proposal, and whoever also sits at the
    window (窗口无否决权) confirms no refusal, whatever else they hold."""
    from casefiles.directory import roles

    world.decider.groups.add(world.department.group("clerk"))
    proposer = type(world.decider).objects.get(pk=world.decider.pk)
    workflow.perform(submitted_case, "propose_non_acceptance", proposer, reason="重复申请")
    with pytest.raises(workflow.GuardFailed) as caught:
        workflow.perform(submitted_case, "confirm_non_acceptance", proposer)
    assert "否决权上移" in caught.value.messages[0]
    world.decider2.groups.add(roles.global_group(roles.WINDOW_CLERK))
    at_window = type(world.decider2).objects.get(pk=world.decider2.pk)
    with pytest.raises(workflow.GuardFailed) as caught:
        workflow.perform(submitted_case, "confirm_non_acceptance", at_window)
    assert "窗口无否决权" in caught.value.messages[0]
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.NON_ACCEPTANCE_PENDING and kinds(submitted_case) == []


def test_a_confirmer_may_word_the_reason_anew(world, submitted_case):
    workflow.perform(submitted_case, "propose_non_acceptance", world.clerk, reason="材料不全")
    workflow.perform(submitted_case, "confirm_non_acceptance", world.decider, reason="申请事项不属于本机关职权范围，请向区市场监管局申请")
    assert submitted_case.notices.get().content["reason"].startswith("申请事项不属于本机关职权范围")


def test_the_applicant_may_withdraw_while_a_refusal_waits(world, submitted_case):
    workflow.perform(submitted_case, "propose_non_acceptance", world.clerk, reason="重复申请")
    assert {t.name for t in workflow.available(submitted_case, world.applicant)} == {"withdraw"}
    workflow.perform(submitted_case, "withdraw", world.applicant)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.WITHDRAWN


@pytest.fixture
def received_2_march(submitted_case):
    """The application, received on Monday 2 March 2026: its 5 working days end on Monday 9 March."""
    CaseFile.objects.filter(pk=submitted_case.pk).update(submitted_at=at(2026, 3, 2))
    submitted_case.refresh_from_db()
    return submitted_case


def test_art32_days_run_on_while_a_refusal_waits(world, received_2_march):
    """A proposal made within Art. 32's 5 working days and not confirmed in them lapses: the
    confirmation is refused after them, and the tick accepts the application by operation of
    law from the day it was received."""
    case = received_2_march
    workflow.perform(case, "propose_non_acceptance", world.clerk, reason="重复申请", now=at(2026, 3, 6))
    case.refresh_from_db()
    assert workflow.apply_deemed_acceptance(now=at(2026, 3, 9, 18)) == []  # the last of the 5 days: it waits
    with pytest.raises(workflow.GuardFailed) as caught:
        workflow.perform(case, "confirm_non_acceptance", world.decider, now=at(2026, 3, 10, 9))
    assert "Article 32" in caught.value.messages[0]
    assert workflow.apply_deemed_acceptance(now=at(2026, 3, 10, 9)) == [case.number]
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.deemed_accepted
    assert timezone.localdate(case.accepted_at) == datetime.date(2026, 3, 2)
    event = case.events.get(action="deem_accepted")
    assert event.from_state == Status.NON_ACCEPTANCE_PENDING and event.data["proposal_lapsed"] is True
    assert kinds(case) == ["acceptance"]


def test_a_refusal_confirmed_in_time_stands(world, received_2_march):
    case = received_2_march
    workflow.perform(case, "propose_non_acceptance", world.clerk, reason="重复申请", now=at(2026, 3, 5))
    workflow.perform(case, "confirm_non_acceptance", world.decider, now=at(2026, 3, 9, 17))
    assert workflow.apply_deemed_acceptance(now=at(2026, 3, 12)) == []
    case.refresh_from_db()
    assert case.status == Status.NOT_ACCEPTED and kinds(case) == ["non_acceptance"]


def test_no_refusal_is_proposed_once_the_law_counts_the_application_as_accepted(world, received_2_march):
    case = received_2_march
    with pytest.raises(workflow.GuardFailed):
        workflow.perform(case, "propose_non_acceptance", world.clerk, reason="重复申请", now=at(2026, 3, 10))
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_the_applicant_withdraws_before_the_decision_but_not_after(world, submitted_case):
    case = submitted_case
    workflow.perform(case, "accept", world.clerk)
    workflow.perform(case, "withdraw", world.applicant)
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    other = applications.start(world.applicant, world.item, world.enterprise)
    for requirement in world.requirements[:2]:
        uploads.add(other, requirement, pdf_upload(), world.applicant)
    workflow.perform(other, "submit", world.applicant)
    workflow.perform(other, "accept", world.clerk)
    workflow.perform(other, "start_review", world.reviewer)
    workflow.perform(other, "approve", world.decider)
    with pytest.raises(workflow.NotAllowedNow):
        workflow.perform(other, "withdraw", world.applicant)


def test_a_stale_version_loses_and_nothing_is_half_applied(world, submitted_case):
    case = submitted_case
    stale = CaseFile.objects.get(pk=case.pk)
    workflow.perform(case, "accept", world.clerk)
    events_before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(workflow.Conflict):
        workflow.perform(stale, "propose_non_acceptance", world.clerk, reason="重复申请")
    with pytest.raises(workflow.Conflict):
        fresh = CaseFile.objects.get(pk=case.pk)
        workflow.perform(fresh, "start_review", world.reviewer, expected_version=stale.version)
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert kinds(case) == ["acceptance"]


def test_special_procedures_stop_the_clock(world, submitted_case):
    case = submitted_case
    workflow.perform(case, "accept", world.clerk, now=at(2026, 3, 2))
    case.refresh_from_db()
    assert case.promised_due == datetime.date(2026, 3, 16)  # 10 working days after Monday 2 March
    workflow.perform(case, "start_review", world.reviewer)
    workflow.start_special_procedure(case, world.reviewer, "expert_review", "组织专家现场核查", on=datetime.date(2026, 3, 4))
    with pytest.raises(workflow.GuardFailed):
        workflow.perform(case, "approve", world.decider)
    workflow.end_special_procedure(case, world.reviewer, on=datetime.date(2026, 3, 6))
    case.refresh_from_db()
    assert case.promised_due == datetime.date(2026, 3, 19)  # three working days (4, 5, 6 March) later
    workflow.perform(case, "approve", world.decider)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_clerks_one_wins(world, submitted_case):
    """Many threads race to act on one case: exactly one transition lands, the rest conflict."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    case_pk = submitted_case.pk
    barrier = __import__("threading").Barrier(8)

    def attempt(index):
        try:
            case = CaseFile.objects.get(pk=case_pk)
            barrier.wait(timeout=10)
            name, params = ("accept", {}) if index % 2 else (
                "request_correction", {"problems": [{"material": "营业执照", "problem": "复印件不清晰"}]})
            workflow.perform(case, name, world.clerk, **params)
            return "won"
        except workflow.Conflict:
            return "conflict"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes.count("won") == 1 and outcomes.count("conflict") == 7
    case = CaseFile.objects.get(pk=case_pk)
    assert case.status in {Status.ACCEPTED, Status.CORRECTION_REQUESTED}
    assert Notice.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, action__in=["accept", "request_correction"]).count() == 1


def test_what_a_person_writes_into_a_step_is_bounded(world, submitted_case):
    """A megabyte of reason would be printed on a decision and kept in the journal for good."""
    events_before = submitted_case.events.count()
    with pytest.raises(workflow.GuardFailed, match="at most 5000 characters"):
        workflow.perform(submitted_case, "propose_non_acceptance", world.clerk, reason="不" * 5001)
    with pytest.raises(workflow.GuardFailed, match="at most 5000 characters"):
        workflow.perform(submitted_case, "accept", world.clerk, comment="好" * 5001)
    with pytest.raises(workflow.GuardFailed, match="at most 100 problems"):
        workflow.perform(submitted_case, "request_correction", world.clerk,
                         problems=[{"material": "营业执照", "problem": "不清晰"}] * 101)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.SUBMITTED and submitted_case.events.count() == events_before
    workflow.perform(submitted_case, "accept", world.clerk, comment="好" * 5000)  # the bound itself is fine


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_submission_judges_its_materials_holding_the_case(world):
    """A removal holds the case's row when the applicant presses "submit": the submission waits
    for it, and then finds the required file gone — it must not go through on what it read first."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    case = applications.start(world.applicant, world.item, world.enterprise)
    form, _licence = (uploads.add(case, r, pdf_upload(f"{r.name}.pdf"), world.applicant) for r in world.requirements[:2])
    removed, release, outcome = threading.Event(), threading.Event(), {}

    def remove():
        try:
            with transaction.atomic():
                uploads.remove(form, world.applicant)  # locks the case's row until the commit
                removed.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def submit():
        try:
            workflow.perform(CaseFile.objects.get(pk=case.pk), "submit", world.applicant)
            outcome["result"] = "submitted"
        except workflow.GuardFailed as refused:
            outcome["result"] = refused.messages
        finally:
            connections.close_all()

    remover = threading.Thread(target=remove)
    remover.start()
    assert removed.wait(timeout=30)
    submitter = threading.Thread(target=submit)
    submitter.start()
    with connection.cursor() as cursor:  # until the submission waits for the removal's lock
        for _ in range(300):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                break
            __import__("time").sleep(0.05)
        else:
            pytest.fail("the submission never waited for the case's row")
    release.set()
    remover.join(timeout=30)
    submitter.join(timeout=30)
    assert outcome["result"] != "submitted" and "食品经营许可申请书" in outcome["result"][0]
    assert CaseFile.objects.get(pk=case.pk).status == Status.DRAFT


def test_offered_steps_carry_the_reasons_their_guards_give_now(world, submitted_case):
    offers = {offer.transition.name: offer for offer in workflow.offered(submitted_case, world.clerk)}
    assert set(offers) == {t.name for t in workflow.available(submitted_case, world.clerk)}
    assert offers["accept"].possible and offers["accept"].refusals == ()
    # nothing was promised for later: no 容缺受理; its date is the clerk's to give, judged on trying
    assert not offers["accept_with_deferral"].possible and offers["accept_with_deferral"].refusals
    assert offers["propose_non_acceptance"].possible  # gives_reason waits for the reason
    with pytest.raises(GuardFailed) as refused:
        workflow.perform(submitted_case, "accept_with_deferral", world.clerk, deferred_due=datetime.date(2099, 1, 1))
    assert set(offers["accept_with_deferral"].refusals) <= {str(m) for m in refused.value.messages}
