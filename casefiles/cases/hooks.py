"""What the cases component adds to its own workflow's steps: the applicant's email, after the
commit, for every change of state they are told of."""

from casefiles.cases import notify, workflow

workflow.after_commit(notify.state_changed)
