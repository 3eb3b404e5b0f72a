"""What 秒批 and 告知承诺制 add to the case workflow (casefiles.expedited.instant, .commitments):

- after a submission's journal event, in its transaction: the 秒批 rules are judged, and an
  application meeting every one is accepted, reviewed and approved by the system;
- after a clerk's acceptance's journal event: a 告知承诺 case is approved in the same go;
- an effect on ``approve``: a 告知承诺 case's check after the approval (核查) opens.

Registered after the notifications' hooks (``CasefilesConfig.ready``), so that the submission's
message is posted before those of the steps taken after it.
"""

from casefiles.expedited import commitments, instant
from casefiles.handling import workflow


def after_step(ctx, event):
    if ctx.transition.name == "submit":
        instant.after_submission(ctx.case)
    elif ctx.transition.name == "accept":
        commitments.decide_on_acceptance(ctx, event)


workflow.on_recorded(after_step)
workflow.on_step("approve", commitments.open_check)
