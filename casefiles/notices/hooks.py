"""What notices add to the case workflow: the notice a step issues (``Transition.notice``),
numbered and its content fixed inside the step's transaction; its PDF is rendered after."""

from casefiles.handling import workflow
from casefiles.notices import documents

workflow.issues_notices(documents.issue)
