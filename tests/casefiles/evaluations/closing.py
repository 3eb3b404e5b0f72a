"""What the evaluations' tests share: a case closed at a given time, an agent authorised on it."""

import datetime

from django.utils import timezone

from casefiles.agents import authorisations as agents
from casefiles.cases.models import CaseFile, Status
from tests.casefiles.conftest import pdf_upload


def conclude(case, when=None) -> CaseFile:
    """``case`` concluded (办结) at ``when`` (now), as the workflow leaves it."""
    when = when or timezone.now()
    CaseFile.objects.filter(pk=case.pk).update(status=Status.CONCLUDED, concluded_at=when)
    case.refresh_from_db()
    return case


def authorise(world, case, agent, days=30, now=None):
    now = now or timezone.now()
    return agents.authorise(case, world.applicant, agent, pdf_upload("授权委托书.pdf"),
                            valid_until=now + datetime.timedelta(days=days), now=now)
