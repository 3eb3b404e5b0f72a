"""An application started, filled and submitted in one go: the draft, its materials and the
workflow's ``submit`` step in one transaction (``journal.transactions.one_transaction``)."""

from casefiles.handling import applications, workflow
from casefiles.journal import transactions
from casefiles.materials import uploads


def submit_application(user, item, applicant, files, **details):
    """Start, fill and submit an application in one transaction: the draft (``applications.start``,
    with ``details``), each of ``files`` ((requirement, upload) pairs, ``uploads.add``) and the
    workflow's ``submit`` step. A refusal or a failure anywhere leaves nothing — no number, no
    grant, no file, no journal line — and what waits for the commit (text extraction, the
    receipt, the index) is not enqueued. Returns the submitted case."""
    with transactions.one_transaction():
        case = applications.start(user, item, applicant, **details)
        for requirement, upload in files:
            uploads.add(case, requirement, upload, user, started=True)
        workflow.perform(case, "submit", user)
    return case
