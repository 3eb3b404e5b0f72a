"""What the application form adds to the case workflow: a submission needs a complete form
(the named guard ``form_is_complete``); a guide is saved only when its form, rules and license agree
(``checks``); a license issued on approval takes its data from the
case's form and the applicant's record (``licensing``, registered on the licenses)."""

from casefiles.forms import licensing  # noqa: F401  (registers the license's contents)
from casefiles.forms import checks, storing
from casefiles.handling import workflow
from cms.models import guide

workflow.register_guard("form_is_complete", storing.form_is_complete)
if checks.problems not in guide.GUIDE_CHECKS:
    guide.GUIDE_CHECKS.append(checks.problems)
