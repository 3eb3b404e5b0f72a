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
