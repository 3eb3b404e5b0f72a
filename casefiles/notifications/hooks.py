"""What notifications add to the case workflow: the message to the applicant's inboxes, inside
the step's transaction (it exists exactly when the step does), and the applicant's email, after
the commit — both for every change of state they are told of."""

from casefiles.handling import workflow
from casefiles.notifications import case_updates, emails

workflow.on_recorded(case_updates.post_status_change)
workflow.after_commit(emails.state_changed)
