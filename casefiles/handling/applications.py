"""申请: starting an application from a guide, on behalf of an applicant the user may act for."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.cases import numbers
from casefiles.cases.models import CaseFile, CaseGrant, Channel
from casefiles.directory import roles
from casefiles.directory.models import Enterprise, Person
from casefiles.errors import Conflict, NotPermitted
from casefiles.journal import records, transactions


@dataclass(frozen=True)
class ApplicantChoice:
    key: str  # "enterprise:<id>" or "person:<id>", as posted by the form
    label: str
    applicant: object


def applicants_for(user) -> list[ApplicantChoice]:
    """Whom ``user`` may apply for: the enterprises they belong to, and themselves."""
    if not user.is_authenticated:
        return []
    choices = [
        ApplicantChoice(f"enterprise:{e.pk}", f"{e.name}（{e.uscc}）", e)
        for e in Enterprise.objects.filter(members_group__user=user).select_related("members_group").order_by("name")
    ]
    person = Person.objects.filter(user=user).first()
    if person is not None:
        choices.append(ApplicantChoice(f"person:{person.pk}", f"{person.name}（{person.masked_id_number}）", person))
    return choices


def may_act_for(user, applicant) -> bool:
    """Whether ``user`` may apply on behalf of ``applicant``: a member of the enterprise (by
    the user's groups, kept for the request), or the person themselves."""
    if not user.is_authenticated:
        return False
    if isinstance(applicant, Enterprise):
        return applicant.members_group_id in permissions.group_ids(user)
    return applicant.user_id is not None and applicant.user_id == user.pk


def resolve_applicant(user, key: str):
    """The applicant ``key`` names among ``applicants_for(user)``, None if it is none of them:
    one query, of the kind the key names."""
    kind, _, pk = str(key or "").partition(":")
    if not user.is_authenticated or not pk.isdigit():
        return None
    if kind == "enterprise":
        return Enterprise.objects.filter(pk=pk, members_group__user=user).select_related("members_group").first()
    if kind == "person":
        return Person.objects.filter(pk=pk, user=user).first()
    return None


def may_apply_for(user, item) -> bool:
    return item.live and (item.can_apply_online or roles.has_global_role(user, roles.WINDOW_CLERK))


def start(user, item, applicant, *, channel=Channel.ONLINE, contact_name="", contact_phone="", contact_email="",
          form_data=None, parent=None) -> CaseFile:
    """A new draft for ``item``; only its applicant (and whoever acts for them) can see it."""
    with transactions.atomic():
        return _start(user, item, applicant, channel=channel, contact_name=contact_name, contact_phone=contact_phone,
                      contact_email=contact_email, form_data=form_data, parent=parent)


def _start(user, item, applicant, *, channel, contact_name, contact_phone, contact_email, form_data, parent) -> CaseFile:
    if not item.live:
        raise Conflict(_("This service item is not open for applications."))
    acting_at_window = channel == Channel.WINDOW and roles.has_global_role(user, roles.WINDOW_CLERK)
    if channel == Channel.ONLINE and not item.can_apply_online:
        raise Conflict(_("This item cannot be applied for online; the guide says where to apply."))
    if not acting_at_window and not may_act_for(user, applicant):
        raise NotPermitted(_("You may not apply on behalf of this applicant."))
    is_enterprise = isinstance(applicant, Enterprise)
    case = CaseFile.objects.create(
        number=numbers.next_case_number(item.department),
        item=item,
        item_revision_id=item.live_revision_id,
        item_code=item.item_code,
        item_title=item.title,
        department=item.department,
        enterprise=applicant if is_enterprise else None,
        person=None if is_enterprise else applicant,
        applicant_name=applicant.name,
        applicant_code=applicant.uscc if is_enterprise else applicant.id_number,
        contact_name=contact_name or (applicant.legal_representative if is_enterprise else applicant.name),
        contact_phone=contact_phone or applicant.phone,
        contact_email=contact_email or (user.email or ""),
        submitted_by=user,
        channel=channel,
        form_data=form_data or {},
        parent=parent,
    )
    records.started(records.CASES, case)  # in one transaction with what follows: its journal's head is known
    made = [permissions.grant_applicant(case)]
    if acting_at_window:
        # The front-desk clerk prepares the file with the applicant present.
        made.append(permissions.grant(case, CaseGrant.Reason.AGENT, permissions.APPLICANT_PERMISSIONS, user=user))
    permissions.keep_for_new_case(user, case, [record for record in made if record is not None])
    data = {"channel": channel, "item": item.item_code}
    on_behalf_of = None
    if acting_at_window:
        # 一窗受理: the journal names the clerk and the applicant they filed for.
        data["applicant"] = applicant.name
        on_behalf_of = None if is_enterprise else applicant.user
    records.record(case, "create", user, to_state=case.status, data=data, on_behalf_of=on_behalf_of)
    return case


def start_ex_officio(item, enterprise, *, form_data=None, reason="") -> CaseFile:
    """A draft the system opens on its own initiative (依职权) for ``enterprise`` — 免申即享
    (casefiles.policies.benefits) — to be opened by the workflow's ``open_ex_officio`` at once, in
    the caller's transaction. Its applicant's members see it as their own; nobody submitted it."""
    if not item.live:
        raise Conflict(_("This service item is not open for applications."))
    case = CaseFile.objects.create(
        number=numbers.next_case_number(item.department),
        item=item,
        item_revision_id=item.live_revision_id,
        item_code=item.item_code,
        item_title=item.title,
        department=item.department,
        enterprise=enterprise,
        applicant_name=enterprise.name,
        applicant_code=enterprise.uscc,
        contact_name=enterprise.legal_representative,
        contact_phone=enterprise.phone,
        submitted_by=None,
        channel=Channel.EX_OFFICIO,
        form_data=form_data or {},
    )
    permissions.grant_applicant(case)
    records.record(case, "create", None, to_state=case.status,
                   data={"channel": Channel.EX_OFFICIO, "item": item.item_code, **({"reason": reason} if reason else {})})
    return case


def contact_defaults(user) -> dict:
    """The contact details an application form starts with: the user's own, the phone of the
    person they are, or else of the first enterprise they act for."""
    person = Person.objects.filter(user=user).first()
    phone = person.phone if person else ""
    if not phone:
        enterprise = next((c.applicant for c in applicants_for(user) if hasattr(c.applicant, "uscc")), None)
        phone = enterprise.phone if enterprise else ""
    return {
        "contact_name": user.get_full_name() or (person.name if person else ""),
        "contact_phone": phone,
        "contact_email": user.email,
    }
