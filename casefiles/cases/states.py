"""The states of a case file, and every named set of them: each meaning is written here once.

The transitions between the states are declared in ``casefiles.handling.workflow``. This module
imports nothing of the project, so every component may use it without an import cycle; the
relationships between the sets are asserted by tests/casefiles/cases/test_states.py.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    """The states of casefiles.handling.workflow; the transitions between them are declared there."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    # 否决权上移: a refusal to accept, proposed, waiting for a second, senior person.
    NON_ACCEPTANCE_PENDING = "non_acceptance_pending", _("Non-acceptance awaiting confirmation")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    ACCEPTED = "accepted", _("Accepted")
    UNDER_REVIEW = "under_review", _("Under review")
    DENIAL_PENDING = "denial_pending", _("Denial awaiting second approval")
    APPROVED = "approved", pgettext_lazy("case decision", "Approved")
    DENIED = "denied", _("Denied")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CONCLUDED = "concluded", _("Concluded")


# With the applicant: a draft being prepared or a correction being made; they may change materials and submit.
WITH_THE_APPLICANT = (Status.DRAFT, Status.CORRECTION_REQUESTED)

# Submitted and not yet decided, refused or withdrawn: the time limit runs, the inbox shows a light,
# and the applicant may withdraw.
CLOCK_RUNNING = (Status.SUBMITTED, Status.NON_ACCEPTANCE_PENDING, Status.CORRECTION_REQUESTED, Status.ACCEPTED,
                 Status.UNDER_REVIEW, Status.DENIAL_PENDING)

# Accepted and being examined (审查中): a special procedure may stop the clock.
UNDER_EXAMINATION = (Status.ACCEPTED, Status.UNDER_REVIEW)

# Accepted with materials promised for later (容缺): what was promised may still come in. A denial
# waiting for its second decider is told to the applicant as "under review", so it is one of them.
DEFERRED_SUPPLY = (Status.ACCEPTED, Status.UNDER_REVIEW, Status.DENIAL_PENDING)

# Where staff examine the materials: from receipt until the review is done. Not a draft (not
# theirs yet), not while the applicant corrects (the notice stands until they resubmit), not
# once a denial is proposed or anything decided or closed.
MATERIALS_UNDER_REVIEW = (Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW)

# Decided (已决定), the file not yet concluded.
DECIDED = (Status.APPROVED, Status.DENIED)

# Closed (已办结): concluded, not accepted or withdrawn; nothing more happens to the file.
CLOSED = (Status.NOT_ACCEPTED, Status.WITHDRAWN, Status.CONCLUDED)

# Finished: decided or closed; the case is no longer open and its result can be handed out.
FINISHED = DECIDED + CLOSED

# Filed: every state but the draft; what staff may see (a list an index can serve, unlike "<> draft").
FILED = tuple(s for s in Status if s != Status.DRAFT)


# --- What may happen in which state, besides the workflow's steps ----------------------------
# One table, asked through ``allows`` by the domain modules (and so by the pages and the API,
# which ask them). The workflow's own steps are in casefiles.handling.workflow's table.
MAY_HAPPEN = {
    # add, replace or remove a material, or promise one for later (容缺), as the application is prepared
    "prepare_materials": WITH_THE_APPLICANT,
    # the application form (申请表) is filled in and changed, as the application is prepared
    "edit_form": WITH_THE_APPLICANT,
    # 免提交: an electronic license stands in for a material, as the application is prepared
    "use_license": WITH_THE_APPLICANT,
    # after a tolerant acceptance: the materials promised for later come in
    "supply_promised": DEFERRED_SUPPLY,
    # staff accept or reject each material
    "review_materials": MATERIALS_UNDER_REVIEW,
    # Art. 45: a special procedure (hearing, expert review …) stops the clock
    "special_procedure": UNDER_EXAMINATION,
    # 帮办代办: an applicant authorises an agent on an application that is still open
    "authorise_agent": (Status.DRAFT, *CLOCK_RUNNING),
    # 统一出件: the window hands out the results
    "hand_out": FINISHED,
}


def allows(activity: str, status: str) -> bool:
    """Whether ``activity`` (a key of ``MAY_HAPPEN``) may happen to a case in ``status``."""
    try:
        return status in MAY_HAPPEN[activity]
    except KeyError:
        raise ValueError(f"no such activity in the table of what may happen: {activity!r}") from None
