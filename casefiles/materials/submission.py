"""An application started, filled and submitted in one go: the draft, its materials and the
workflow's ``submit`` step in one transaction (``journal.transactions.one_transaction``).

Its channels: the API's ``POST /api/v1/cases/`` with ``submit=true`` (docs/api.md) and the bench.
The portal's 提交 on a draft's page takes the page's changes and the step in one transaction of
its own (``casefiles.portal.views``): the draft exists already there."""

from casefiles.handling import applications, workflow
from casefiles.journal import transactions
from casefiles.materials import uploads
from search import indexing as search_indexing


def submit_application(user, item, applicant, files, *, prepare=(), **details):
    """Start, fill and submit an application in one transaction: the draft (``applications.start``,
    with ``details``: channel, contact, form_data), then each of ``prepare`` called as
    ``step(case, user)`` — what the channel does to every new draft, from components above this
    one (免提交: ``licenses.reuse.use_held_licenses``) — then each of ``files`` ((requirement,
    upload) pairs, ``uploads.add``) and the workflow's ``submit`` step. A refusal or a failure
    anywhere leaves nothing — no number, no grant, no file (in the database or in storage), no
    journal line — and what waits for the commit (text extraction, the receipt, the index) is
    not enqueued. The index is synced once for it all, after the commit (``one_sync``: with
    tasks run in process, the files' extracted text goes in the same sync as the case). Returns
    the submitted case."""
    with search_indexing.one_sync(), transactions.one_transaction():
        case = applications.start(user, item, applicant, **details)
        for step in prepare:
            step(case, user)
        for requirement, upload in files:
            uploads.add(case, requirement, upload, user, started=True)
        workflow.perform(case, "submit", user)
    return case
