"""The demo's case files: real journals and notices, every state, several departments."""

import io

from django.utils import timezone

from casefiles.cases import states
from casefiles.cases.models import CaseFile, Channel, Status
from casefiles.deadlines import working_days
from casefiles.demo.cases import STORIES, load_cases
from casefiles.demo.loader import load_demo
from casefiles.journal import records as journal
from casefiles.notices import documents
from casefiles.notices.models import Notice


def test_without_the_demo_catalog_every_story_is_skipped_with_a_message(db):
    out = io.StringIO()
    assert load_cases(stdout=out) == {"told": 0, "present": 0, "skipped": len(STORIES)}
    assert "catalog" in out.getvalue()
    assert not CaseFile.objects.exists()


def test_the_demo_tells_every_state_across_departments_through_the_workflow(db):
    load_demo(stdout=io.StringIO())
    cases = CaseFile.objects.select_related("department")
    assert {case.status for case in cases} == set(Status.values)
    assert len({case.department.code for case in cases}) >= 5
    assert journal.verify() == []  # every step went through the journal, sealed in order
    assert journal.verify(journal=journal.named("license")) == []

    for case in cases.exclude(status=Status.DRAFT).exclude(channel=Channel.EX_OFFICIO):
        submitted = case.events.filter(action="submit").order_by("-sequence").first()
        assert submitted.created_at == case.submitted_at  # the journal agrees with the case's dates
    # 免申即享 (casefiles.demo.policies): opened by the pass as the demo loads, not on a story's clock
    assert all(case.events.filter(action="open_ex_officio", actor__isnull=True).exists()
               for case in cases.filter(channel=Channel.EX_OFFICIO))
    accepted = cases.filter(accepted_at__isnull=False)
    assert accepted and all(Notice.objects.filter(case=case, kind__in=["acceptance", "deferred_acceptance"]).exists()
                            for case in accepted.exclude(channel=Channel.EX_OFFICIO))
    assert all(Notice.objects.filter(case=case, kind="benefit_offer").exists()
               for case in accepted.filter(channel=Channel.EX_OFFICIO))
    assert Notice.objects.filter(kind="correction").exists() and Notice.objects.filter(kind="denial").exists()
    for notice in Notice.objects.select_related("case__department"):  # rendered on first download: nothing committed here
        with documents.open_pdf(notice) as pdf:
            assert pdf.read(5) == b"%PDF-"

    lights = set()
    for case in cases.filter(status__in=states.CLOCK_RUNNING, promised_due__isnull=False).select_related("item"):
        lights.add(working_days.light(case.promised_due, case.statutory_due, timezone.localdate(),
                                   limit_working_days=case.item.promised_days).light)
    assert lights == set(working_days.Light.values)  # green, yellow and red cases for the supervisor

    before = CaseFile.objects.count()
    assert load_cases() == {"told": 0, "present": len(STORIES), "skipped": 0}
    assert CaseFile.objects.count() == before

    # 帮办代办: the service centre's helper acts on one draft, once however often the demo loads.
    from casefiles.access import permissions
    from casefiles.access.models import Authorisation
    from casefiles.demo.agents import load_agents

    authorisation = Authorisation.objects.get(agent__username="helper")
    assert authorisation.in_force() and authorisation.case.status == Status.DRAFT
    assert list(permissions.applicant_cases(authorisation.agent)) == [authorisation.case]
    assert load_agents() == authorisation and Authorisation.objects.count() == 1
