"""The case page's handling stages: who sees which form, claiming, assigning and transferring
through them, the refusals with their statuses; the inbox's My cases and its handler column."""

import re

from django.urls import reverse

from casefiles.supervision import handlers
from casefiles.supervision.models import Stage


def case_url(case):
    return reverse("casefiles_workbench:case", args=[case.number])


def action_url(case, stage, action):
    return reverse("casefiles_workbench:handler_action", args=[case.number, stage, action])


def forms_on(response):
    return set(re.findall(r'id="((?:claim|assign|transfer)-[a-z]+)"', response.content.decode()))


def test_each_role_sees_only_what_it_may_do(world, submitted_case, client):
    expected = {
        "lead": {"assign-acceptance", "assign-review", "assign-decision"},
        "clerk": {"assign-acceptance", "assign-review", "assign-decision", "claim-acceptance"},
        "reviewer": {"claim-review"},
        "decider": {"claim-review", "claim-decision"},
        "window": {"claim-acceptance"},
        "supervisor": set(),
    }
    for who, forms in expected.items():
        client.force_login(getattr(world, who))
        response = client.get(case_url(submitted_case))
        assert response.status_code == 200, who
        assert forms_on(response) == forms, who
    assert "unassigned" in response.content.decode() or "未分配" in response.content.decode()


def test_claim_assign_and_transfer_through_the_page(world, submitted_case, client):
    client.force_login(world.reviewer)
    response = client.post(action_url(submitted_case, "review", "claim"))
    assert response.status_code == 302 and response.url.endswith("#handling-stages")
    assert handlers.current(submitted_case)[Stage.REVIEW].handler == world.reviewer
    client.force_login(world.decider2)
    assert client.post(action_url(submitted_case, "review", "claim")).status_code == 409  # taken first
    client.force_login(world.lead)
    assert client.post(action_url(submitted_case, "decision", "assign"),
                       {"decision-assign-handler": world.reviewer.pk}).status_code == 400  # not a decider
    assert client.post(action_url(submitted_case, "decision", "assign"),
                       {"decision-assign-handler": world.decider.pk}).status_code == 302
    response = client.post(action_url(submitted_case, "review", "transfer"), {"review-transfer-handler": world.decider2.pk})
    assert response.status_code == 400  # the reason is required
    assert client.post(action_url(submitted_case, "review", "transfer"),
                       {"review-transfer-handler": world.decider2.pk, "review-transfer-reason": "休假"}).status_code == 302
    assert handlers.current(submitted_case)[Stage.REVIEW].handler == world.decider2
    page = client.get(case_url(submitted_case)).content.decode()
    assert "休假" in page and "decider2" in page  # the history and the journal
    client.force_login(world.supervisor)
    assert client.post(action_url(submitted_case, "acceptance", "assign"),
                       {"acceptance-assign-handler": world.clerk.pk}).status_code == 403
    client.force_login(world.other_clerk)
    assert client.post(action_url(submitted_case, "acceptance", "claim")).status_code == 404


def test_my_cases_in_the_inbox_with_the_handler(world, submitted_case, client):
    from tests.casefiles.conftest import submit_application

    other = submit_application(world, world.applicant, world.enterprise)
    handlers.claim(submitted_case, Stage.ACCEPTANCE, world.clerk)
    client.force_login(world.clerk)
    response = client.get(reverse("casefiles_workbench:inbox"), {"tab": "mine"})
    assert [row.case.number for row in response.context["rows"]] == [submitted_case.number]
    rows = {row.case.number: row for row in client.get(reverse("casefiles_workbench:inbox"),
                                                         {"tab": "submitted"}).context["rows"]}
    assert rows[submitted_case.number].handler.handler == world.clerk
    assert rows[other.number].handler is None and rows[other.number].stage == Stage.ACCEPTANCE
