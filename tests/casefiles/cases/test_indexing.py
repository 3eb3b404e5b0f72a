"""Staff find case files, material text and licenses; nobody finds another's, even by number."""

import contextlib
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from casefiles.access import permissions
from casefiles.cases import applications, workflow
from casefiles.cases.models import CaseGrant
from casefiles.licenses import lifecycle
from casefiles.licenses.models import License, LicenseType
from casefiles.materials import uploads
from search import service
from search.indexing import _AfterCommit
from search.models import IndexedDocument
from tests.casefiles.conftest import pdf_upload

TEXT_PDF_TEXT = "本店承诺落实食品安全主体责任，配备专职食品安全管理员王小明。"


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text pypdf extracts (an embedded CJK font, drawn by WeasyPrint)."""
    from cms.pdf import render_pdf

    return render_pdf(f"<html><body><p>{text}</p></body></html>")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the index updates that wait for a commit, as the commit of a request's transaction would.

    The fixtures' own setup never commits: its index callbacks run first, so that later work
    does not wait on one of them (a real commit would have run them)."""

    @contextlib.contextmanager
    def context():
        for _savepoints, callback, _robust in list(connection.run_on_commit):
            if isinstance(callback, _AfterCommit) and not callback.spent:
                callback()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            yield

    return context


@pytest.fixture
def filed(world, committed):
    """The enterprise's application, submitted, with a material whose text says who the food-safety officer is."""
    with committed():
        case = applications.start(world.applicant, world.item, world.enterprise)
        uploads.add(case, world.requirements[0], pdf_upload("申请书.pdf"), world.applicant)
        uploads.add(case, world.requirements[1], pdf_upload("制度.pdf", text_pdf(TEXT_PDF_TEXT)), world.applicant)
        workflow.perform(case, "submit", world.applicant)
    case.refresh_from_db()
    return case


def keys(text, user, kind=None):
    return [hit.key for hit in service.search(text, user=user, kinds=(kind,) if kind else ()).hits]


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


def test_material_text_is_found_by_the_staff_who_handle_the_case(world, filed):
    hits = service.search("王小明", user=world.clerk, kinds=("material",)).hits
    assert [hit.code for hit in hits] == [filed.number]
    assert hits[0].title.startswith(world.requirements[1].name)
    assert hits[0].url.endswith("/preview/")
    assert "食品安全管理员" in hits[0].body


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


def test_a_replaced_material_leaves_the_index_and_its_successor_enters(world, filed, committed):
    old = filed.materials.get(requirement=world.requirements[1], is_current=True)
    with committed():
        workflow.perform(filed, "request_correction", world.clerk, problems=[{"material": old.requirement_name, "problem": "管理制度缺少签字"}])
        uploads.add(filed, world.requirements[1], pdf_upload("制度-签字.pdf", text_pdf("食品安全管理员李四已签字")),
                      world.applicant, replaces=old)
    assert keys("王小明", world.clerk) == []
    assert keys("李四", world.clerk, "material") != []


@pytest.fixture
def license_type(world):
    world.department.uscc = "11440400MB2C92390J"
    world.department.save()
    return LicenseType.objects.create(code="11100000MB0143028X041", name="食品经营许可证",
                                      issuing_department=world.department, validity_years=5)


def test_a_license_is_found_by_its_holder_and_issuer_but_not_by_others(world, license_type, committed):
    with committed():
        issued = lifecycle.issue(license_type, issuer=world.department, holder=world.enterprise)
    for user in (world.applicant, world.clerk, world.supervisor):
        assert keys(issued.identifier, user, "license") == [f"license:{issued.pk}"], user.username
    for user in (world.stranger, world.other_clerk, world.citizen, None):
        assert keys(issued.identifier, user) == []
        assert keys(issued.number, user) == []


def test_revoking_a_license_changes_its_status_in_the_index(world, license_type, committed):
    with committed():
        issued = lifecycle.issue(license_type, issuer=world.department, holder=world.enterprise)
    with committed():
        lifecycle.revoke(issued, world.decider, "以欺骗手段取得")
    hit = service.search(issued.identifier, user=world.clerk, kinds=("license",)).hits[0]
    assert hit.status == License.Status.REVOKED


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
