"""Journal actions (the ``action`` of a ``CaseEvent``): one registry of what each is called.

Each action has two wordings, kept side by side rather than one chosen for both:

- ``staff``: the short label of the workbench's journal ("Material added"). For the workflow's
  transitions it is the transition's own label in ``casefiles.handling.workflow.TRANSITIONS``
  (the button reads as the journal line), so it is not repeated here;
- ``applicant``: the sentence the portal's timeline tells ("Material supplied: %(material)s."),
  with ``applicant_variant`` for the one other case its data may mark (a corrected
  resubmission, an acceptance by operation of law, a promise fulfilled).

Whether outsiders are told of an action at all, and which of its data, is
``casefiles.access.disclosure``'s to decide (``OUTSIDER_DATA``): an action without an applicant
sentence here is simply never asked for one. The registry lives next to the workflow table,
not in ``casefiles.journal``, because it reads the transitions' labels and the workflow already
imports the journal.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from casefiles.handling.workflow import TRANSITIONS


@dataclass(frozen=True)
class Action:
    name: str
    staff: str = ""  # the workbench's label; "" for a transition (its label is the table's)
    applicant: str = ""  # the portal's sentence (%-placeholders filled from the event's data)
    applicant_variant: str = ""  # the sentence for the case the event's data marks (see the module's docstring)


ACTIONS = {
    a.name: a
    for a in [
        Action("create", staff=_("Application started"), applicant=_("Application started.")),
        Action("submit", applicant=_("Application submitted."), applicant_variant=_("Corrected application submitted.")),
        Action("open_ex_officio", applicant=_("Opened by the system without an application (免申即享): %(policy)s.")),
        Action("confirm_benefit", staff=_("Benefit confirmed by the enterprise (免申即享)"),
               applicant=_("You confirmed the benefit; it is to be paid out by %(payout_due)s.")),
        Action("accept", applicant=_("Application accepted."),
               applicant_variant=_("Accepted by operation of law: no correction notice came within 5 working days of receipt (Article 32 of the Administrative Licensing Law).")),
        Action("deem_accepted",
               applicant=_("Accepted by operation of law: no correction notice came within 5 working days of receipt (Article 32 of the Administrative Licensing Law).")),
        Action("accept_with_deferral",
               applicant=_("Application accepted with materials to be supplied later (容缺受理), due by %(date)s.")),
        Action("request_correction",
               applicant=_("The department asked you to correct the application (one-time correction notice).")),
        Action("propose_non_acceptance"),
        Action("confirm_non_acceptance", applicant=_("Application not accepted.")),
        Action("overturn_non_acceptance"),
        # Journals written before 否决权上移: one clerk's refusal.
        Action("not_accept", staff=_("Not accepted (by one clerk, before 否决权上移)"), applicant=_("Application not accepted.")),
        Action("start_review", applicant=_("Review started.")),
        Action("approve", applicant=_("Application approved.")),
        Action("propose_denial"),
        Action("confirm_denial", applicant=_("Application denied.")),
        Action("overturn_denial"),
        Action("conclude", applicant=_("Case concluded.")),
        Action("withdraw", applicant=_("Application withdrawn.")),
        Action("add_material", staff=_("Material added"), applicant=_("Material supplied: %(material)s."),
               applicant_variant=_("Material promised for later supplied: %(material)s.")),
        Action("promise_material", staff=_("Material promised for later (容缺)"),
               applicant=_("Material promised for later (容缺): %(material)s.")),
        Action("remove_material", staff=_("Material removed"), applicant=_("Material removed: %(material)s.")),
        Action("review_material", staff=_("Material reviewed")),
        Action("start_special_procedure", staff=_("Special procedure started"),
               applicant=_("The time limit is paused for: %(kind)s.")),
        Action("end_special_procedure", staff=_("Special procedure ended"),
               applicant=_("%(kind)s finished: the time limit runs again.")),
        Action("authorise_agent", staff=_("Agent authorised (帮办代办)"),
               applicant=_("Agent %(agent)s authorised until %(date)s.")),
        Action("revoke_agent", staff=_("Agent's authorisation revoked"),
               applicant=_("Authorisation of agent %(agent)s revoked.")),
        Action("agent_expired", staff=_("Agent's authorisation expired"),
               applicant=_("Authorisation of agent %(agent)s expired.")),
        Action("hand_out_results", staff=_("Results handed out at the window (统一出件)"),
               applicant=_("Results handed out at the window to %(name)s.")),
        Action("check_identity", staff=_("Identity document checked at the window (线下核验)")),  # casefiles.realname.window
        Action("follow_part", applicant=_("Overall status: %(status)s.")),  # a bundle's parent, after one of its parts moved on
        Action("use_license", staff=_("Electronic license used in place of a material (免提交)")),
        Action("stop_using_license", staff=_("Electronic license no longer used in place of a material")),
        Action("edit_form", staff=_("Application form filled in")),
        Action("rekey", staff=_("Journal sealed with a new key")),
        # 秒批 and 告知承诺制 (casefiles.expedited): the rules judged at submission, the decision on
        # acceptance that could not be made, the check after the approval (核查).
        Action("instant_approval", staff=_("Instant approval (秒批) rules judged"),
               applicant=_("Approved instantly (秒批): the application met every condition for instant approval."),
               applicant_variant=_("The application did not meet every condition for instant approval (秒批): it is handled the usual way.")),
        Action("decide_on_commitment", staff=_("Decision on acceptance (告知承诺) not made")),
        Action("commitment_confirmed", staff=_("Post-approval check: commitment confirmed (核查)")),
        # 承办人 (casefiles.supervision.handlers): a stage's handler named, claimed or transferred; staff only.
        Action("assign_handler", staff=_("Handler assigned")),
        Action("claim_stage", staff=_("Stage claimed by its handler")),
        Action("transfer_stage", staff=_("Stage transferred to another handler")),
        Action("commitment_false", staff=_("Post-approval check: commitment found false, approval revoked"),
               applicant=_("The check after the approval found the commitment (告知承诺) untrue: the approval is revoked.")),
        # 督办 (casefiles.supervision.orders): the department's deliberation, not told to the applicant.
        Action("issue_order", staff=_("Supervision order issued (督办)")),
        Action("reply_order", staff=_("Supervision order answered")),
        Action("escalate_order", staff=_("Supervision order overdue: escalated to the department's lead")),
        # 好差评 (casefiles.evaluations): the applicant's review, the rectification a bad one opens.
        Action("evaluate", staff=_("Service reviewed (好差评)"), applicant=_("You reviewed the service.")),
        Action("rectification_opened", staff=_("Bad review: rectification opened (整改)")),
        Action("rectification_recorded", staff=_("Rectification recorded")),
        Action("rectification_called_back", staff=_("Applicant called back (回访)"),
               applicant=_("The department called you back about your review; you may review the service again.")),
        Action("rectification_assigned", staff=_("Rectification handler assigned")),
        Action("exclusion_requested", staff=_("Asked to exclude the review as malicious (申请剔除)")),
        Action("exclusion_decided", staff=_("Supervisor decided on excluding the review")),
    ]
}


def staff_label(action: str) -> str:
    """What the workbench's journal calls ``action``: the transition's label, else the registry's, else its name."""
    transition = TRANSITIONS.get(action)
    if transition is not None:
        return transition.label
    entry = ACTIONS.get(action)
    return entry.staff if entry is not None and entry.staff else action


def applicant_sentence(action: str, variant: bool = False, **values) -> str:
    """The portal's sentence for ``action`` (``variant``: the other case its data marks), or the
    action's name when it has none yet. Ask only for events disclosure tells outsiders of."""
    entry = ACTIONS.get(action)
    text = (entry.applicant_variant if variant and entry.applicant_variant else entry.applicant) if entry else ""
    if not text:
        return str(action)
    return str(text % values) if values else str(text)
