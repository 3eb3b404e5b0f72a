"""企业用户: an enterprise registered by a person, its members and their roles, requests to join.

Who is a member is the enterprise's ``members_group`` — what every grant and listing reads,
afresh on each request, so a member removed mid-session can no longer act for the enterprise
from their next request on. Their role is their ``Membership``; a group member without one (put
there by staff) is a handler. Every change here changes both, in one transaction, and appends
to the enterprise's members journal.

- ``register``: a signed-in person registers an enterprise by its USCC (check character
  checked), name and legal representative, and becomes its administrator. An enterprise
  registered already is never handed over: with administrators, the registration becomes a
  request to join that one of them approves or declines; without any (staff registered it),
  a claim that only the window (综合窗口) confirms, after checking in person the business
  licence and that the claimant is the legal representative or holds their signed and sealed
  authorisation (docs/enterprises.md says why).
- Only administrators manage members (``NotFound`` for someone who is not a member: the members
  are not theirs to see; ``NotPermitted`` for a handler); the last administrator can be neither
  removed nor made a handler.
- Invitations by SMS are casefiles.members.invitations'; whom a member acts for, casefiles.members.acting's.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.directory import roles
from casefiles.directory.identifiers import IdentifierError, validate_uscc
from casefiles.directory.models import Enterprise
from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.journal import records
from casefiles.members.models import JoinRequest, MemberEvent, Membership, Role, Roster

MAX_NAME = 200
MAX_LEGAL_REPRESENTATIVE = 100
MAX_NOTE = 300


# --- the members journal ------------------------------------------------------------------------

def _event_content(event) -> dict:
    return {"action": event.action, "actor": event.actor_id, "member": event.member_id, "role": event.role,
            "data": event.data}


# Each enterprise's members journal: sealed and checked like a case's (``manage.py audit verify``).
JOURNAL = records.register(records.Journal(
    "members", MemberEvent, "roster", "uscc", _event_content,
    lambda roster, key: {"action": records.CHECKPOINT, "data": {"journal_key": key.id}},
))


def roster_of(enterprise: Enterprise, *, lock=False) -> Roster:
    """The enterprise's roster (made on first use for an enterprise staff registered since);
    ``lock``: its row locked for the transaction, so that changes of one enterprise's members
    happen one after another (two administrators demoting each other leave one)."""
    rosters = Roster.objects.select_for_update() if lock else Roster.objects
    roster = rosters.filter(enterprise=enterprise).first()
    if roster is None:
        try:
            with transaction.atomic():
                Roster.objects.create(enterprise=enterprise, uscc=enterprise.uscc)
        except IntegrityError:  # made meanwhile by another request
            pass
        roster = rosters.get(enterprise=enterprise)
    return roster


def record(enterprise, action, actor=None, *, member=None, role="", data=None, roster=None) -> MemberEvent:
    """Append one event to ``enterprise``'s members journal, inside the change's transaction."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return records.append(JOURNAL, roster or roster_of(enterprise), action=action, actor=actor, member=member,
                          role=role, data=data or {})


def journal(enterprise):
    """The members journal of ``enterprise``, oldest first."""
    return MemberEvent.objects.filter(roster__enterprise=enterprise).select_related("actor", "member").order_by("sequence")


# --- who is a member, in which role ----------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    user: object
    role: str
    since: object  # when they joined (None: put into the group by staff, before roles existed or outside them)
    added_by: object

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


def is_member(user, enterprise) -> bool:
    """By the user's groups, read once per request (casefiles.access.permissions.group_ids)."""
    return bool(user is not None and user.is_authenticated and user.is_active
                and enterprise.members_group_id in permissions.group_ids(user))


def role_of(user, enterprise) -> str | None:
    """``user``'s role in ``enterprise``, or None if they are not a member."""
    if not is_member(user, enterprise):
        return None
    membership = Membership.objects.filter(enterprise=enterprise, user=user).only("role").first()
    return membership.role if membership is not None else Role.HANDLER


def is_administrator(user, enterprise) -> bool:
    return role_of(user, enterprise) == Role.ADMINISTRATOR


def enterprises_of(user):
    """The enterprises ``user`` is a member of, by name."""
    if user is None or not user.is_authenticated:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(members_group_id__in=permissions.group_ids(user)).order_by("name", "pk")


@dataclass(frozen=True)
class MyEnterprise:
    enterprise: Enterprise
    role: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


def mine(user) -> list[MyEnterprise]:
    """我的企业: each enterprise ``user`` acts for, with their role in it (two queries)."""
    enterprises = list(enterprises_of(user))
    roles_by_enterprise = dict(Membership.objects.filter(user=user, enterprise__in=enterprises)
                               .values_list("enterprise_id", "role"))
    return [MyEnterprise(e, roles_by_enterprise.get(e.pk, Role.HANDLER)) for e in enterprises]


def members(enterprise) -> list[Member]:
    """Everyone in the enterprise's group, administrators first, each with their role."""
    memberships = {m.user_id: m for m in Membership.objects.filter(enterprise=enterprise).select_related("added_by")}
    found = []
    for user in get_user_model().objects.filter(groups=enterprise.members_group).order_by("pk"):
        membership = memberships.get(user.pk)
        if membership is None:
            found.append(Member(user, Role.HANDLER, None, None))
        else:
            found.append(Member(user, membership.role, membership.created_at, membership.added_by))
    return sorted(found, key=lambda m: (not m.is_administrator, m.since is None, m.since or 0, m.user.pk))


def administrator_ids(enterprise) -> set[int]:
    """The administrators: memberships so marked of users still in the group."""
    return set(Membership.objects.filter(enterprise=enterprise, role=Role.ADMINISTRATOR,
                                         user__groups=enterprise.members_group).values_list("user_id", flat=True))


def has_administrator(enterprise) -> bool:
    return bool(administrator_ids(enterprise))


def managed_by(user, enterprise) -> None:
    """Refuse unless ``user`` administers ``enterprise``: someone outside it gets ``NotFound``
    (its members are none of their business), a handler ``NotPermitted``."""
    role = role_of(user, enterprise)
    if role is None:
        raise NotFound(_("No such enterprise among yours."))
    if role != Role.ADMINISTRATOR:
        raise NotPermitted(_("Only the enterprise's administrators manage its members."))


def managed_enterprise(user, uscc) -> Enterprise:
    """The enterprise with ``uscc`` that ``user`` administers (``managed_by``'s refusals)."""
    enterprise = Enterprise.objects.filter(uscc=str(uscc or "").strip().upper()[:18]).first()
    if enterprise is None:
        raise NotFound(_("No such enterprise among yours."))
    managed_by(user, enterprise)
    return enterprise


def own_enterprise(user, uscc) -> Enterprise:
    """The enterprise with ``uscc`` if ``user`` is a member (``NotFound`` otherwise)."""
    enterprise = Enterprise.objects.filter(uscc=str(uscc or "").strip().upper()[:18]).first()
    if enterprise is None or not is_member(user, enterprise):
        raise NotFound(_("No such enterprise among yours."))
    return enterprise


# --- the one place that changes a membership (and the group with it) ---------------------------------

def _set_membership(enterprise, user, role, by) -> Membership:
    """Make ``user`` a member of ``enterprise`` in ``role`` (or change their role), group and row
    together. Call inside the change's transaction, with the roster locked."""
    membership, created = Membership.objects.get_or_create(
        enterprise=enterprise, user=user, defaults={"role": role, "added_by": by if by and by.is_authenticated else None})
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    user.groups.add(enterprise.members_group)
    permissions.memberships_changed(user)
    return membership


def _end_membership(enterprise, user) -> None:
    Membership.objects.filter(enterprise=enterprise, user=user).delete()
    user.groups.remove(enterprise.members_group)
    permissions.memberships_changed(user)


def join(enterprise, user, role, *, added_by, action, roster=None, data=None) -> Membership:
    """``user`` joins, in ``role``, by their own step ``action`` (an invitation accepted), on
    ``added_by``'s word. For casefiles.members' own modules: inside their transaction, the roster locked."""
    if is_member(user, enterprise) and Membership.objects.filter(enterprise=enterprise, user=user).exists():
        raise Conflict(_("You are already a member of %(enterprise)s.") % {"enterprise": enterprise.name})
    membership = _set_membership(enterprise, user, role, added_by)
    record(enterprise, action, user, member=user, role=role, data=data, roster=roster)
    return membership


def appoint(enterprise, user, role, by=None) -> bool:
    """Staff (or the demo) make ``user`` a member in ``role``, journaled; False if they were one
    in that role already. No check of ``by``: for code that acts as staff, not for a channel."""
    with transaction.atomic():
        roster = roster_of(enterprise, lock=True)
        current = Membership.objects.filter(enterprise=enterprise, user=user).values_list("role", flat=True).first()
        if current == role and user.groups.filter(pk=enterprise.members_group_id).exists():
            return False
        _set_membership(enterprise, user, role, by)
        record(enterprise, "appoint", by, member=user, role=role, roster=roster, data={"from": current or ""})
    return True


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


# --- registering an enterprise -----------------------------------------------------------------------

@dataclass(frozen=True)
class Registration:
    """What ``register`` did: ``registered`` (a new enterprise, the registrant its administrator),
    ``requested`` (a request to join, for its administrators) or ``claimed`` (a claim, for the window)."""

    outcome: str
    enterprise: Enterprise
    request: JoinRequest | None = None

    REGISTERED = "registered"
    REQUESTED = "requested"
    CLAIMED = "claimed"


def _text(value, limit, missing) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise Invalid(missing)
    if len(text) > limit:
        raise Invalid(_("At most %(count)d characters.") % {"count": limit})
    return text


def register(user, uscc, name, legal_representative, *, note="") -> Registration:
    """A signed-in person registers an enterprise: it is new — they become its administrator —
    or registered already, and their registration becomes a request (``Registration``)."""
    if user is None or not user.is_authenticated:
        raise NotPermitted(_("Sign in to register an enterprise."))
    try:
        code = validate_uscc(uscc)
    except IdentifierError as error:
        raise Invalid(str(error)) from None
    name = _text(name, MAX_NAME, _("Enter the enterprise's name as on its business licence."))
    legal_representative = _text(legal_representative, MAX_LEGAL_REPRESENTATIVE,
                                 _("Enter the name of the enterprise's legal representative."))
    note = " ".join(str(note or "").split())[:MAX_NOTE]
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().filter(uscc=code).first()
        if enterprise is None:
            return _register_new(user, code, name, legal_representative)
        return _ask_for(user, enterprise, note, typed={"name": name, "legal_representative": legal_representative})


def _register_new(user, code, name, legal_representative) -> Registration:
    try:
        with transaction.atomic():
            # Characters 3 to 8 of a USCC are its administrative division (GB 32100).
            enterprise = Enterprise.objects.create(uscc=code, name=name, legal_representative=legal_representative,
                                                   region_code=code[2:8])
    except IntegrityError:  # registered meanwhile by someone else: as if it had been there
        enterprise = Enterprise.objects.get(uscc=code)
        return _ask_for(user, enterprise, "", typed={"name": name, "legal_representative": legal_representative})
    roster = roster_of(enterprise, lock=True)
    _set_membership(enterprise, user, Role.ADMINISTRATOR, user)
    record(enterprise, "register", user, member=user, role=Role.ADMINISTRATOR, roster=roster,
           data={"name": name, "legal_representative": legal_representative})
    return Registration(Registration.REGISTERED, enterprise)


def _ask_for(user, enterprise, note, typed) -> Registration:
    if is_member(user, enterprise):
        raise Conflict(_("You are already a member of %(enterprise)s.") % {"enterprise": enterprise.name})
    roster = roster_of(enterprise, lock=True)
    kind = JoinRequest.Kind.JOIN if has_administrator(enterprise) else JoinRequest.Kind.CLAIM
    pending = JoinRequest.objects.filter(enterprise=enterprise, user=user, outcome=JoinRequest.Outcome.PENDING).first()
    if pending is None:
        pending = JoinRequest.objects.create(enterprise=enterprise, user=user, kind=kind, note=note)
        # What they typed is kept in the journal: the administrators (or the window) compare it with the record.
        record(enterprise, f"request_{kind}", user, member=user, roster=roster, data={"request": pending.pk, **typed})
    outcome = Registration.REQUESTED if pending.kind == JoinRequest.Kind.JOIN else Registration.CLAIMED
    return Registration(outcome, enterprise, pending)


# --- requests to join and claims -----------------------------------------------------------------------

def pending_requests(enterprise):
    return (JoinRequest.objects.filter(enterprise=enterprise, kind=JoinRequest.Kind.JOIN, outcome=JoinRequest.Outcome.PENDING)
            .select_related("user").order_by("created_at", "pk"))


def requests_by(user):
    """The requests and claims ``user`` made, newest first."""
    return JoinRequest.objects.filter(user=user).select_related("enterprise", "decided_by").order_by("-created_at", "-pk")


def pending_claims():
    """The claims waiting for the window, oldest first."""
    return (JoinRequest.objects.filter(kind=JoinRequest.Kind.CLAIM, outcome=JoinRequest.Outcome.PENDING)
            .select_related("enterprise", "user").order_by("created_at", "pk"))


def _decidable(join_request, by) -> JoinRequest:
    """The request, locked and still pending, if ``by`` may decide it."""
    if join_request.kind == JoinRequest.Kind.CLAIM:
        if not roles.has_global_role(by, roles.WINDOW_CLERK):
            raise NotPermitted(_("Only the window (综合窗口) confirms a claim, after checking the documents in person."))
    else:
        managed_by(by, join_request.enterprise)
    locked = JoinRequest.objects.select_for_update().filter(pk=join_request.pk).first()
    if locked is None or not locked.pending:
        raise Conflict(_("This request was decided already."))
    return locked


def decide(join_request, by, *, approve: bool, role=Role.HANDLER, reason="") -> JoinRequest:
    """An administrator approves (in ``role``) or declines a request to join; the window a claim
    (approved, the claimant becomes an administrator; ``reason``: what was checked in person)."""
    reason = " ".join(str(reason or "").split())[:MAX_NOTE]
    if join_request.kind == JoinRequest.Kind.CLAIM:
        role = Role.ADMINISTRATOR
        if approve and not reason:
            raise Invalid(_("Say what was checked in person (the business licence, the legal representative's "
                            "identity card or their sealed authorisation)."))
    elif role not in Role.values:
        raise Invalid(_("Choose a role."))
    enterprise = join_request.enterprise
    with transaction.atomic():
        roster = roster_of(enterprise, lock=True)
        locked = _decidable(join_request, by)
        now = timezone.now()
        locked.outcome = JoinRequest.Outcome.APPROVED if approve else JoinRequest.Outcome.DECLINED
        locked.decided_by, locked.decided_at, locked.reason = by, now, reason
        locked.role = role if approve else ""
        locked.save(update_fields=["outcome", "decided_by", "decided_at", "reason", "role"])
        action = {JoinRequest.Kind.CLAIM: "claim", JoinRequest.Kind.JOIN: "request"}[locked.kind]
        if approve:
            _set_membership(enterprise, locked.user, role, by)
            record(enterprise, f"{action}_approved", by, member=locked.user, role=role, roster=roster,
                   data={"request": locked.pk, "reason": reason})
        else:
            record(enterprise, f"{action}_declined", by, member=locked.user, roster=roster,
                   data={"request": locked.pk, "reason": reason})
    return locked


def withdraw_request(join_request, user) -> JoinRequest:
    """The one who asked takes their request (or claim) back."""
    if join_request.user_id != getattr(user, "pk", None):
        raise NotFound(_("No such request."))
    with transaction.atomic():
        roster = roster_of(join_request.enterprise, lock=True)
        locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        if not locked.pending:
            raise Conflict(_("This request was decided already."))
        locked.outcome, locked.decided_by, locked.decided_at = JoinRequest.Outcome.WITHDRAWN, user, timezone.now()
        locked.save(update_fields=["outcome", "decided_by", "decided_at"])
        record(locked.enterprise, "request_withdrawn", user, member=user, roster=roster, data={"request": locked.pk})
    return locked


# --- roles and removals ----------------------------------------------------------------------------------

def _member_or_404(enterprise, member_user) -> str:
    role = Membership.objects.filter(enterprise=enterprise, user=member_user).values_list("role", flat=True).first()
    in_group = member_user.groups.filter(pk=enterprise.members_group_id).exists()
    if not in_group:
        raise NotFound(_("No such member."))
    return role or Role.HANDLER


def _keeps_an_administrator(enterprise, member_user) -> None:
    if administrator_ids(enterprise) - {member_user.pk}:
        return
    raise Conflict(_("%(name)s is the enterprise's last administrator: make another member an administrator first.")
                   % {"name": display_name(member_user)})


def change_role(enterprise, member_user, role, by) -> None:
    """An administrator gives a member another role; the last administrator stays one."""
    if role not in Role.values:
        raise Invalid(_("Choose a role."))
    with transaction.atomic():
        roster = roster_of(enterprise, lock=True)
        managed_by(by, enterprise)
        current = _member_or_404(enterprise, member_user)
        if current == role:
            return
        if current == Role.ADMINISTRATOR:
            _keeps_an_administrator(enterprise, member_user)
        _set_membership(enterprise, member_user, role, by)
        record(enterprise, "change_role", by, member=member_user, role=role, roster=roster, data={"from": current})


def remove(enterprise, member_user, by) -> None:
    """An administrator removes a member, or a member leaves; the last administrator stays.

    From the member's next request on they act for the enterprise no more: every grant and
    listing reads their groups afresh."""
    with transaction.atomic():
        roster = roster_of(enterprise, lock=True)
        if by is None or member_user.pk != by.pk:
            managed_by(by, enterprise)
        elif not is_member(by, enterprise):
            raise NotFound(_("No such enterprise among yours."))
        current = _member_or_404(enterprise, member_user)
        if current == Role.ADMINISTRATOR:
            _keeps_an_administrator(enterprise, member_user)
        _end_membership(enterprise, member_user)
        record(enterprise, "leave" if member_user.pk == by.pk else "remove", by, member=member_user, roster=roster,
               data={"role": current})
