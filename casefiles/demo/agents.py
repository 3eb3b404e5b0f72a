"""A demo agent (帮办代办): the service centre's helper, authorised by 珠海金湾新能源储能有限公司
on its draft 排污许可 application (the ``sthjj-discharge-draft`` story of demo_cases) for 30 days,
through ``authorisations.authorise`` with a signed authorisation like a real one.

Idempotent: an authorisation of the helper on that case, in force or not, is left as it is.
"""

import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from casefiles.agents import authorisations
from casefiles.access.models import Authorisation
from casefiles.cases.models import CaseFile
from casefiles.demo.cases import _Scans
from casefiles.demo.directory import DEMO_PASSWORD, _user

HELPER = "helper"


def load_agents(stdout=None) -> Authorisation | None:
    helper = _user(HELPER, make_password(DEMO_PASSWORD), first_name="政务服务中心帮办员")
    case = CaseFile.objects.filter(form_data__demo="sthjj-discharge-draft").select_related("enterprise").first()
    if case is None or case.enterprise is None:
        if stdout is not None:
            stdout.write("Demo agent skipped: the draft it is authorised for is not there.")
        return None
    existing = Authorisation.objects.filter(case=case, agent=helper).first()
    if existing is not None:
        return existing
    applicant = case.enterprise.members.order_by("pk").first()
    if applicant is None:
        return None
    today = timezone.localdate()
    document = _Scans().upload("授权委托书", case.applicant_name, case.applicant_code, today)
    authorisation = authorisations.authorise(case, applicant, helper, document,
                                     valid_until=timezone.now() + datetime.timedelta(days=authorisations.DEFAULT_DAYS))
    if stdout is not None:
        stdout.write(f"Demo agent: {HELPER} authorised on {case.number} until {authorisation.valid_until:%Y-%m-%d}.")
    return authorisation
