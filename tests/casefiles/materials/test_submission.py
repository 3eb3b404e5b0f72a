"""An application started, filled and submitted in one transaction (``submission.submit_application``)."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casefiles.cases.models import CaseFile, CaseGrant, CaseNumberCounter, Status
from casefiles.errors import GuardFailed
from casefiles.journal import records
from casefiles.materials import submission
from casefiles.materials.models import Material
from tests.casefiles.conftest import fresh, pdf_upload, submit_application

# The statements of one submission with three files (start, three uploads, submit), once the
# process knows the department's role groups and the calendar, counting the savepoint the test's
# own transaction makes of it (two): 24 on PostgreSQL, where each journal event and its head are
# one statement, 29 elsewhere (the head apart). It was 38 with a transaction of its own for each
# part and their savepoints, 46 as the parts were taken one by one, in five transactions.
STATEMENTS = {"postgresql": 24}


def files(world):
    return [(requirement, pdf_upload(f"{requirement.name}.pdf")) for requirement in world.requirements]


def test_submits_in_one_transaction_within_its_statement_bound(world, django_capture_on_commit_callbacks):
    submit_application(world, world.applicant, world.enterprise)  # the process learns the department's groups
    user = fresh(world.applicant)  # a new request: nothing kept on the user
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        case = submission.submit_application(user, world.item, world.enterprise, files(world))
    statements = [query["sql"] for query in queries.captured_queries]
    # The test runs in a transaction of its own, so the submission's is a savepoint: exactly one,
    # and none inside it for the draft, the uploads, the step or the message.
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1
    assert len(statements) <= STATEMENTS.get(connection.vendor, 29), f"{len(statements)}:\n" + "\n".join(statements)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert case.materials.filter(is_current=True).count() == 3
    assert [event.action for event in case.events.order_by("sequence")] == [
        "create", "add_material", "add_material", "add_material", "submit"]
    # the journal's events follow one another inside the transaction: the chain and its head hold
    assert records.problems_of(records.CASES, case) == []
    assert callbacks  # the extraction, the receipt and the index wait for the commit


def test_the_parts_run_inside_the_submissions_transaction(world):
    seen = []
    real = records.append

    def append(journal, owner, **fields):
        # savepoint_ids: one per atomic block inside the outermost, None for a block without a savepoint
        seen.append((fields["action"], connection.in_atomic_block, len(list(filter(None, connection.savepoint_ids)))))
        return real(journal, owner, **fields)

    outer = len(list(filter(None, connection.savepoint_ids)))  # the test's own transaction
    with mock.patch.object(records, "append", append):
        submission.submit_application(world.applicant, world.item, world.enterprise, files(world)[:2])
    assert [action for action, _atomic, _depth in seen] == ["create", "add_material", "add_material", "submit"]
    assert {(atomic, depth) for _action, atomic, depth in seen} == {(True, outer + 1)}


def test_a_failure_midway_leaves_nothing(world, django_capture_on_commit_callbacks):
    real = records.append

    def append(journal, owner, **fields):
        if fields["action"] == "submit":
            raise RuntimeError("the journal is unavailable")
        return real(journal, owner, **fields)

    counter = list(CaseNumberCounter.objects.values_list("prefix", "value"))
    with django_capture_on_commit_callbacks() as callbacks, mock.patch.object(records, "append", append):
        with pytest.raises(RuntimeError):
            submission.submit_application(world.applicant, world.item, world.enterprise, files(world))
    assert not CaseFile.objects.exists()
    assert not CaseGrant.objects.exists()
    assert not Material.objects.exists()
    assert list(CaseNumberCounter.objects.values_list("prefix", "value")) == counter  # no number taken
    assert callbacks == []  # no extraction, no email, no index sync enqueued


def test_a_refused_submission_leaves_no_draft(world):
    with pytest.raises(GuardFailed):
        # the required 营业执照 is missing: the guard refuses, and the draft goes with it
        submission.submit_application(world.applicant, world.item, world.enterprise, files(world)[:1])
    assert not CaseFile.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_files_text_reaches_the_index_with_the_case_in_one_sync(world):
    """Committed for real, tasks run in process (no worker queue): the files of the submission
    are read by one extraction task, and the case and its files written to the index by one
    sync — the files with their text, which the staff who handle the case find."""
    from casefiles.access import indexing as case_indexing
    from casefiles.materials import uploads
    from search import indexing
    from tests.casefiles.conftest import keys, text_pdf

    chosen = files(world)
    chosen[1] = (world.requirements[1], pdf_upload("制度.pdf", text_pdf("食品安全管理员王小明负责进货查验")))
    synced = []
    real_sync = indexing.sync_now

    def sync_now(keys):
        synced.append(sorted(keys))
        return real_sync(keys)

    with mock.patch.object(indexing, "sync_now", sync_now), \
            mock.patch.object(uploads, "_enqueue_extraction", wraps=uploads._enqueue_extraction) as extraction, \
            mock.patch.object(case_indexing, "_model_wide_viewers", wraps=case_indexing._model_wide_viewers) as viewers, \
            mock.patch.object(case_indexing, "_grants_of", wraps=case_indexing._grants_of) as grants:
        case = submission.submit_application(world.applicant, world.item, world.enterprise, chosen)
    files_of_case = sorted(case.materials.values_list("pk", flat=True))
    assert extraction.call_count == 1 and sorted(extraction.call_args.args[0]) == files_of_case
    assert synced == [sorted([f"case:{case.pk}", *(f"material:{pk}" for pk in files_of_case)])]
    assert viewers.call_count == 1 and grants.call_count == 1  # one look-up for the case and its files
    officer = case.materials.get(requirement=world.requirements[1])
    assert keys("王小明", world.clerk, "material") == [f"material:{officer.pk}"]
    assert keys(case.number, world.clerk, "case") == [f"case:{case.pk}"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_submission_extracts_and_syncs_nothing(world):
    from casefiles.materials import uploads
    from search import indexing

    with mock.patch.object(indexing, "sync_records") as sync, mock.patch.object(uploads, "extract_materials_text") as extract:
        with pytest.raises(GuardFailed):
            submission.submit_application(world.applicant, world.item, world.enterprise, files(world)[:1])
    assert sync.enqueue.call_count == 0 and extract.enqueue.call_count == 0
    assert not Material.objects.exists()
