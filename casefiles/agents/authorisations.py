"""帮办代办: an applicant lets an agent act for them on one case (or a bundle) for a limited time.

- ``authorise``: the applicant (a member of the enterprise, or the person) names the agent —
  a service-centre helper (帮办员) or a registered agent (代办人) — with a signed
  authorisation (授权委托书, checked like any upload), a scope and an end date (at most
  ``MAX_DAYS`` days). The agent gets the applicant's rights on the case and, for a bundle,
  on each of its children: a ``CaseGrant`` with reason ``agent`` (casefiles.access.permissions).
- What the agent then does — filling in materials, submitting — is journaled with the agent
  as actor and the applicant's user as ``on_behalf_of`` (``principal``, asked by
  casefiles.journal.records for every event), so the journal names both.
- The scope ``prepare`` lets the agent fill in but not submit; no agent withdraws an
  application (``refusal``, a guard of casefiles.handling.workflow).
- ``revoke``: the applicant ends it at any time. ``expire_due`` (``manage.py casefiles
  tick``) ends those whose time ran out; until the tick runs, casefiles.access.permissions already
  refuses an agent whose authorisation is not in force.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.access.models import Authorisation
from casefiles.cases import states
from casefiles.cases.models import CaseFile, CaseGrant
from casefiles.directory import lookup
from casefiles.directory.models import Enterprise, Person
from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.journal import records
from casefiles.materials import uploads

MAX_DAYS = 90  # an authorisation is for a limited time: a quarter at most, then the applicant renews it
DEFAULT_DAYS = 30


# --- who is who ----------------------------------------------------------------------------

def is_applicant(user, case) -> bool:
    """Whether ``user`` is the case's applicant: a member of its enterprise, or the person."""
    if user is None or not user.is_authenticated:
        return False
    if case.enterprise_id:
        return Enterprise.objects.filter(pk=case.enterprise_id, members_group__user=user).exists()
    return Person.objects.filter(pk=case.person_id, user=user).exists()


def _covering(case) -> list[int]:
    """The cases whose authorisation reaches ``case``: itself, and its bundle."""
    return [case.pk] + ([case.parent_id] if case.parent_id else [])


def in_force_for(user, case, now=None) -> Authorisation | None:
    """The authorisation under which ``user`` may act on ``case`` now, if any."""
    if user is None or not user.is_authenticated:
        return None
    now = now or timezone.now()
    # Most users are no agent: the terms kept for the request answer without a query.
    if not permissions.agency_in_force(user, case, now):
        return None
    return (
        Authorisation.objects.filter(agent=user, case_id__in=_covering(case), revoked_at__isnull=True,
                                     valid_from__lte=now, valid_until__gt=now)
        .select_related("granted_by").order_by("-valid_until").first()
    )


def principal(user, case):
    """The applicant's user ``user`` acts for on ``case`` as agent, or None (acting for
    themselves, or not an agent). Asked by the journal for every event with an actor."""
    authorisation = in_force_for(user, case)
    if authorisation is None or is_applicant(user, case):
        return None
    return authorisation.granted_by


def refusal(user, case, step: str):
    """Why an agent may not take workflow ``step`` on ``case`` (None: they may, or they act
    as the applicant themselves). A guard of casefiles.handling.workflow."""
    if user is None:
        return None
    authorisation = in_force_for(user, case)
    if authorisation is None or is_applicant(user, case):
        return None
    if step == "withdraw":
        return _("Only the applicant can withdraw the application; an agent cannot.")
    if step == "submit" and authorisation.scope == Authorisation.Scope.PREPARE:
        return _("Your authorisation lets you fill in the application; the applicant submits it.")
    return None


def find_agent(identifier: str):
    """The active user named by username or by the phone of their registration, or None."""
    identifier = str(identifier or "").strip()
    if not identifier:
        return None
    User = get_user_model()
    user = User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": identifier}, is_active=True).first()
    if user is None:
        compact = identifier.replace(" ", "").replace("-", "")
        if compact.lstrip("+").isdigit():
            people = lookup.people_with_mobile(identifier).filter(user__is_active=True)
            users = {p.user_id for p in people}
            if len(users) == 1:  # a phone shared by several accounts names nobody
                user = User.objects.get(pk=users.pop())
    return user


# --- making and ending -----------------------------------------------------------------------

def _cases_reached(case) -> list[CaseFile]:
    return [case, *case.children.order_by("pk")]


def _forget_cached_terms(user) -> None:
    user.__dict__.pop("_yiwang_agent_terms", None)


def authorise(case, user, agent, document, *, valid_until, valid_from=None, kind=Authorisation.Kind.HELPER,
              scope=Authorisation.Scope.SUBMIT, now=None) -> Authorisation:
    """``user`` (the applicant) authorises ``agent`` on ``case`` and its children."""
    now = now or timezone.now()
    if not permissions.can(user, "view_casefile", case):
        raise NotFound(_("No such case."))
    if not is_applicant(user, case):
        raise NotPermitted(_("Only the applicant can authorise an agent."))
    if case.parent_id:
        raise Invalid(_("Authorise the agent for the whole bundle, on the bundle's case."))
    if not states.allows("authorise_agent", case.status):
        raise Conflict(_("An agent can only be authorised while the application is open."))
    if agent is None or not agent.is_active:
        raise Invalid(_("No registered user has this username or phone number."))
    if agent.pk == user.pk or is_applicant(agent, case):
        raise Invalid(_("This user is the applicant already and needs no authorisation."))
    if kind not in Authorisation.Kind.values:
        raise Invalid(_("Choose the kind of agent."))
    if scope not in Authorisation.Scope.values:
        raise Invalid(_("Choose what the agent may do."))
    valid_from = valid_from or now
    if valid_until <= max(valid_from, now):
        raise Invalid(_("The authorisation must end in the future, after it starts."))
    if valid_until - valid_from > datetime.timedelta(days=MAX_DAYS):
        raise Invalid(_("An authorisation lasts at most %(days)d days.") % {"days": MAX_DAYS})
    if Authorisation.objects.filter(case=case, agent=agent, revoked_at__isnull=True, valid_until__gt=now).exists():
        raise Conflict(_("This agent is already authorised for this case: revoke that authorisation first."))
    if document is None:
        raise Invalid(_("Attach the signed authorisation (授权委托书)."))
    checked = uploads.check_upload(document)

    with transaction.atomic():
        authorisation = Authorisation(
            case=case, enterprise_id=case.enterprise_id, person_id=case.person_id, agent=agent, kind=kind, scope=scope,
            valid_from=valid_from, valid_until=valid_until, granted_by=user, document_name=checked.name,
            document_sha256=checked.sha256, document_size=checked.size, document_type=checked.content_type,
        )
        authorisation.document.save("authorisation" + checked.extension, File(document), save=False)
        try:
            authorisation.save()
            data = {"agent": _name(agent), "kind": kind, "scope": scope, "valid_from": valid_from.isoformat(),
                    "valid_until": valid_until.isoformat(), "file": checked.name, "sha256": checked.sha256}
            for reached in _cases_reached(case):
                permissions.grant(reached, CaseGrant.Reason.AGENT, permissions.APPLICANT_PERMISSIONS, user=agent)
                records.record(reached, "authorise_agent", user, from_state=reached.status, to_state=reached.status,
                               data=data)
        except Exception:
            authorisation.document.delete(save=False)  # no row, no file
            raise
    _forget_cached_terms(agent)
    return authorisation


def _end(authorisation, actor, *, action, expired, now, comment=""):
    case = authorisation.case
    with transaction.atomic():
        ended = Authorisation.objects.filter(pk=authorisation.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor, expired=expired
        )
        if not ended:
            return False  # someone ended it a moment ago
        others = Authorisation.objects.filter(agent_id=authorisation.agent_id, revoked_at__isnull=True,
                                              valid_until__gt=now).exclude(pk=authorisation.pk)
        for reached in _cases_reached(case):
            # Another authorisation still reaching this case keeps the agent's grant.
            if not others.filter(case_id__in=_covering(reached)).exists():
                permissions.revoke(reached, CaseGrant.Reason.AGENT, user=authorisation.agent)
            records.record(reached, action, actor, from_state=reached.status, to_state=reached.status, comment=comment,
                           data={"agent": _name(authorisation.agent)})
    authorisation.revoked_at, authorisation.revoked_by, authorisation.expired = now, actor, expired
    return True


def reach_new_child(child, now=None) -> int:
    """A bundle's child created after its agents were authorised: they reach it too (called
    when the child is saved for the first time, casefiles.signals). Returns the grants made."""
    if not child.parent_id:
        return 0
    now = now or timezone.now()
    made = 0
    for agent_id in set(Authorisation.objects.filter(case_id=child.parent_id, revoked_at__isnull=True,
                                                     valid_until__gt=now).values_list("agent_id", flat=True)):
        if not CaseGrant.objects.filter(case=child, reason=CaseGrant.Reason.AGENT, user_id=agent_id).exists():
            permissions.grant(child, CaseGrant.Reason.AGENT, permissions.APPLICANT_PERMISSIONS,
                              user=get_user_model().objects.get(pk=agent_id))
            made += 1
    return made


def revoke(authorisation, user, *, reason="", now=None) -> Authorisation:
    """The applicant takes the authorisation back; the agent loses the case at once."""
    case = authorisation.case
    if not permissions.can(user, "view_casefile", case):
        raise NotFound(_("No such case."))
    if not (is_applicant(user, case) or user.is_superuser):
        raise NotPermitted(_("Only the applicant can revoke an authorisation."))
    if authorisation.revoked_at is not None:
        raise Conflict(_("This authorisation has already ended."))
    _end(authorisation, user, action="revoke_agent", expired=False, now=now or timezone.now(), comment=str(reason).strip())
    return authorisation


def expire_due(now=None) -> int:
    """End every authorisation whose time ran out (``manage.py casefiles tick``)."""
    now = now or timezone.now()
    count = 0
    for authorisation in Authorisation.objects.filter(revoked_at__isnull=True, valid_until__lte=now).select_related(
        "case", "agent"
    ):
        count += _end(authorisation, None, action="agent_expired", expired=True, now=now)
    return count


# --- listings ----------------------------------------------------------------------------------

def for_case(case):
    """The authorisations made on ``case`` (or, for a bundle's child, on its bundle), newest first."""
    return Authorisation.objects.filter(case_id__in=_covering(case)).select_related("agent", "granted_by", "revoked_by")


def given_by(user):
    """The authorisations on the cases of the applicants ``user`` belongs to."""
    enterprises = Enterprise.objects.filter(members_group__user=user).values_list("pk", flat=True)
    persons = Person.objects.filter(user=user).values_list("pk", flat=True)
    return Authorisation.objects.filter(Q(enterprise_id__in=list(enterprises)) | Q(person_id__in=list(persons))).select_related(
        "case", "agent", "granted_by", "revoked_by"
    )


def given_to(user):
    """The authorisations ``user`` holds as an agent (ended ones too: the page says so)."""
    return Authorisation.objects.filter(agent=user).select_related("case", "granted_by", "revoked_by")


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
