"""The demo's 秒批 and 告知承诺: an item approving at submission, a case waiting with the reason, an open check."""

import io

from casefiles.cases.models import CaseFile
from casefiles.demo.expedited import load_expedited
from casefiles.demo.directory import load_departments, load_people
from casefiles.demo.licenses import load_licenses
from casefiles.demo.members import load_members
from casefiles.demo.policies import load_qualifications
from casefiles.demo.realname import load_levels
from casefiles.directory import roles
from cms.demo import load_content
from casefiles.expedited import instant
from casefiles.expedited.models import PostApprovalCheck
from casefiles.journal import records as journal


def test_without_the_catalog_the_demo_is_skipped(db):
    out = io.StringIO()
    assert load_expedited(stdout=out) == {"told": 0, "present": 0, "skipped": 0}
    assert "catalog" in out.getvalue()


def test_the_demo_approves_one_hygiene_license_instantly_and_opens_its_check(db):
    # The demo's steps 秒批 needs (the directory, the catalog, the licenses held), then its own.
    roles.ensure_global_groups()
    users = load_people(load_departments())
    load_levels(users)
    load_members()
    load_qualifications()  # the policies' conditions name them (as loader.py has it)
    load_content(stdout=io.StringIO())
    load_licenses(stdout=io.StringIO())
    load_expedited(stdout=io.StringIO())
    approved = CaseFile.objects.get(form_data__demo="wjj-hygiene-instant")
    assert approved.status == "approved" and instant.approved_instantly(approved)
    assert approved.licenses.filter(status="valid").exists()
    check = PostApprovalCheck.objects.get(case=approved)
    assert check.is_open and check.due > approved.decided_at.date()
    waiting = CaseFile.objects.get(form_data__demo="wjj-hygiene-instant-not-met")
    assert waiting.status == "submitted" and "120" in instant.not_applied(waiting)[0]
    assert journal.verify() == []
    assert load_expedited(stdout=io.StringIO())["present"] == 2  # idempotent
