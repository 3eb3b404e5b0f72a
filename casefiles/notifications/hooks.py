"""What notifications add to the case workflow: the applicant's email, after the commit, for
every change of state they are told of."""

from casefiles.handling import workflow
from casefiles.notifications import emails

workflow.after_commit(emails.state_changed)
