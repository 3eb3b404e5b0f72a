"""Staff find case files (casefiles/access/indexing.py); nobody finds another's, even by number.

The materials' and licenses' kinds are tested beside their providers (tests/casefiles/materials/,
tests/casefiles/licenses/); the tests here that cross them are about the case they follow."""

import io

from django.core.management import call_command

from casefiles.access import permissions
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseGrant
from casefiles.licenses import lifecycle
from casefiles.materials import uploads
from search import service
from search.models import IndexedDocument
from tests.casefiles.conftest import keys, pdf_upload


def test_a_draft_is_not_indexed_until_it_is_submitted(world, committed):
    with committed():
        case = applications.start(world.applicant, world.item, world.enterprise)
        uploads.add(case, world.requirements[0], pdf_upload("申请书.pdf"), world.applicant)
    assert not IndexedDocument.objects.filter(key__startswith="case:").exists()
    assert not IndexedDocument.objects.filter(key__startswith="material:").exists()
    superuser = type(world.clerk).objects.create_superuser("root", password="pw-for-tests-only")
    assert keys(case.number, superuser) == []  # a superuser's oversight reaches no draft either
    with committed():
        uploads.add(case, world.requirements[1], pdf_upload("营业执照.pdf"), world.applicant)
        workflow.perform(case, "submit", world.applicant)
    assert keys(case.number, world.clerk, "case") == [f"case:{case.pk}"]


def test_the_department_the_applicant_and_oversight_find_a_case_by_its_number(world, filed):
    key = f"case:{filed.pk}"
    superuser = type(world.clerk).objects.create_superuser("root", password="pw-for-tests-only")
    for user in (world.clerk, world.reviewer, world.decider, world.applicant, world.supervisor, world.window, superuser):
        assert key in keys(filed.number, user), user.username


def test_nobody_else_finds_the_case_or_its_materials_even_by_exact_number(world, filed):
    for user in (world.stranger, world.other_clerk, world.citizen):
        assert keys(filed.number, user) == [], user.username
        assert keys("王小明", user) == [], user.username
    assert keys(filed.number, None) == []


def test_a_step_of_the_workflow_reaches_the_index(world, filed, committed):
    with committed():
        workflow.perform(filed, "accept", world.clerk)
    hit = service.search(filed.number, user=world.clerk, kinds=("case",)).hits[0]
    assert hit.status == "accepted"


def test_a_parallel_grant_and_its_revocation_reach_the_index(world, filed, committed):
    with committed():
        permissions.grant_department(filed, world.other_department, CaseGrant.Reason.PARALLEL)
    assert keys(filed.number, world.other_clerk, "case") == [f"case:{filed.pk}"]
    assert keys("王小明", world.other_clerk) != []
    with committed():
        for link in world.other_department.roles.select_related("group"):
            permissions.revoke(filed, CaseGrant.Reason.PARALLEL, group=link.group)
    assert keys(filed.number, world.other_clerk) == []


def test_a_rebuild_gives_the_same_documents_as_the_live_updates(world, filed, license_type, committed):
    with committed():
        lifecycle.issue(license_type, issuer=world.department, holder=world.enterprise)
    before = dict(IndexedDocument.objects.values_list("key", "checksum"))
    call_command("search_index", "rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    after = dict(IndexedDocument.objects.values_list("key", "checksum"))
    assert after == before
    assert {key.partition(":")[0] for key in after} >= {"case", "material", "license"}


def test_the_workbench_search_finds_a_case_and_its_material_text_for_its_staff_only(client, world, filed):
    client.force_login(world.clerk)
    page = client.get("/admin/records-search/", {"q": "王小明"}).content.decode()
    assert filed.number in page and f"/admin/cases/{filed.number}/materials/" in page
    page = client.get("/admin/records-search/", {"q": filed.number, "kind": "case"}).content.decode()
    assert f"/admin/cases/{filed.number}/" in page and "珠海海湾餐饮管理有限公司" in page
    client.force_login(world.other_clerk)
    for text in ("王小明", filed.number):
        assert f"/admin/cases/{filed.number}/" not in client.get("/admin/records-search/", {"q": text}).content.decode()


def test_an_agent_finds_the_case_while_authorised_and_not_after_revocation(world, filed, committed, django_user_model):
    import datetime

    from django.utils import timezone

    from casefiles.agents import authorisations

    helper = django_user_model.objects.create_user("helper", password="pw-for-tests-only")
    with committed():
        authorisation = authorisations.authorise(filed, world.applicant, helper, pdf_upload("授权委托书.pdf"),
                                         valid_until=timezone.now() + datetime.timedelta(days=7))
    assert keys(filed.number, helper, "case") == [f"case:{filed.pk}"]
    with committed():
        authorisations.revoke(authorisation, world.applicant)
    assert keys(filed.number, helper) == []


def test_an_agent_whose_authorisation_ran_out_finds_nothing_even_before_the_tick(world, filed, committed,
                                                                                  django_user_model):
    import datetime

    from django.utils import timezone

    from casefiles.agents import authorisations

    helper = django_user_model.objects.create_user("late-helper", password="pw-for-tests-only")
    start = timezone.now() - datetime.timedelta(days=10)
    with committed():
        authorisations.authorise(filed, world.applicant, helper, pdf_upload("授权委托书.pdf"), now=start,
                         valid_from=start, valid_until=start + datetime.timedelta(days=5))
    assert CaseGrant.objects.filter(case=filed, reason=CaseGrant.Reason.AGENT, user=helper).exists()
    assert keys(filed.number, helper) == []


def test_a_draft_costs_the_index_nothing_until_it_is_submitted(world, committed):
    """Starting an application and uploading its files write nothing to the index (a draft is
    nobody's to find); the submission brings in the case and every one of its files."""
    from unittest import mock

    from search import indexing

    with mock.patch("search.indexing.enqueue", wraps=indexing.enqueue) as enqueue:
        with committed():
            case = applications.start(world.applicant, world.item, world.enterprise)
        for requirement in world.requirements[:2]:
            with committed():
                uploads.add(case, requirement, pdf_upload(), world.applicant)
        sent_for_draft = [key for call in enqueue.call_args_list for key in call.args[0]]
        with committed():
            workflow.perform(case, "submit", world.applicant)
    assert not [key for key in sent_for_draft if key.startswith(("case:", "material:"))], sent_for_draft
    assert f"case:{case.pk}" in enqueue.call_args_list[-1].args[0]
    assert keys(case.number, world.clerk, "material") and keys(case.number, world.clerk, "case") == [f"case:{case.pk}"]
