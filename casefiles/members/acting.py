"""以企业身份办事: which enterprise a member acts for, and whom they apply for in the portal.

A member of several enterprises chooses one for their session (``choose``); the choice holds
while they are a member of it — it is checked against their groups, read afresh each request,
so a member removed meanwhile acts for it no more. A member of one enterprise acts for it
without choosing.

The portal's one rule for applying (``applicants``): the user applies for the enterprise they
act for, or for themselves. Until a member of several has chosen, each of their enterprises is
offered. casefiles.handling.applications.start still checks that the user may act for the
applicant they send.
"""

from django.utils.translation import gettext_lazy as _

from casefiles.directory.models import Enterprise, Person
from casefiles.errors import NotFound
from casefiles.handling import applications
from casefiles.members import enterprises

SESSION_KEY = "yiwang_acting_for"  # the enterprise's id, in the user's session


def _chosen_id(session):
    try:
        return int((session or {}).get(SESSION_KEY))
    except (TypeError, ValueError):
        return None


def acting_for(user, session) -> Enterprise | None:
    """The enterprise ``user`` acts for in this ``session``: the one chosen, while still theirs;
    else their only one; else None."""
    mine = list(enterprises.enterprises_of(user))
    chosen = _chosen_id(session)
    found = next((e for e in mine if e.pk == chosen), None)
    if found is None and chosen is not None and session is not None:
        session.pop(SESSION_KEY, None)  # no longer a member: the choice is gone with the membership
    if found is None and len(mine) == 1:
        found = mine[0]
    return found


def choose(user, session, enterprise) -> Enterprise:
    """``user`` acts for ``enterprise`` (one of theirs) from now on in this session."""
    if enterprise is None or not enterprises.is_member(user, enterprise):
        raise NotFound(_("No such enterprise among yours."))
    session[SESSION_KEY] = enterprise.pk
    return enterprise


def choose_by_uscc(user, session, uscc) -> Enterprise:
    return choose(user, session, enterprises.own_enterprise(user, uscc))


def applicants(user, session) -> list[applications.ApplicantChoice]:
    """Whom ``user`` may apply for in the portal: the enterprise they act for, and themselves."""
    choices = applications.applicants_for(user)
    current = acting_for(user, session)
    if current is None:
        return choices
    return [c for c in choices if not isinstance(c.applicant, Enterprise) or c.applicant.pk == current.pk]


def initial_applicant(user, session) -> str | None:
    """The choice an application form starts with: the enterprise acted for."""
    current = acting_for(user, session)
    return f"enterprise:{current.pk}" if current is not None else None


def resolve_applicant(user, session, key):
    return next((c.applicant for c in applicants(user, session) if c.key == key), None)


def contact_defaults(user, session) -> dict:
    """The contact details an application starts with: the user's own; the phone of the person
    they are, or else of the enterprise they act for."""
    defaults = applications.contact_defaults(user)
    current = acting_for(user, session)
    if current is not None and not Person.objects.filter(user=user).exclude(phone="").exists():
        defaults["contact_phone"] = current.phone
    return defaults
