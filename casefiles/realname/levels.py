"""实名认证等级: a person's real-name level, how a verification is recorded and revoked, and what
a guide needs of the person who applies.

- ``level(person)``: the highest of the person's verifications not revoked (None: none).
- ``record(person, level, *, by=None, method, evidence)``: a verification made — by registration
  (``REGISTERED``, method ``mobile``), by a sign-in with the provincial unified identity
  (``IDENTITY_PROVIDER``, ``oidc``, the evidence its issuer and subject), or by a window clerk
  (``IN_PERSON``, ``window``: casefiles.realname.window). Idempotent: while a verification of
  that level by that method stands, recording it again returns it and writes nothing.
- ``revoke(verification, *, by=None, reason)``: it no longer counts (a mobile number given up,
  a provider's account closed); the person's level falls to what else stands.
- ``needed(guide)``: the level a guide's applications need — for a bundle (一件事), the highest
  of its items'.
- ``shortfall(person, guide)``: None, or what the person must do first, in a sentence.

Registration is the floor: whoever may sign in and apply has registered (or was registered by
an administrator before these levels existed), so a guide that needs only registration asks
nothing more, and only a guide that needs more refuses — saying what to do.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.errors import Conflict, Invalid
from casefiles.journal import records
from casefiles.realname.models import RANK, Level, Verification, VerificationEvent, highest

REGISTERED, IDENTITY_PROVIDER, IN_PERSON = Level.REGISTERED, Level.IDENTITY_PROVIDER, Level.IN_PERSON
MOBILE, OIDC, WINDOW = Verification.Method.MOBILE, Verification.Method.OIDC, Verification.Method.WINDOW

VERIFY, REVOKE = "verify", "revoke"  # the real-name journal's actions


def _event_content(event) -> dict:
    return {"actor": event.actor_id, "action": event.action, "data": event.data}


# Each verification's journal: sealed and checked like a case's (casefiles.journal.records);
# ``manage.py audit verify`` checks it with the others.
JOURNAL = records.register(records.Journal(
    "realname", VerificationEvent, "verification", "reference", _event_content,
    lambda verification, key: {"action": records.CHECKPOINT, "data": {"journal_key": key.id}},
))


# --- a person's level ----------------------------------------------------------------------

def standing(person):
    """The person's verifications that count: not revoked, newest first."""
    return person.verifications.filter(revoked_at__isnull=True).select_related("verified_by").order_by("-created_at")


def level(person) -> str | None:
    """The person's real-name level: the highest verification not revoked (None: none, or no person)."""
    if person is None or person.pk is None:
        return None
    return highest(standing(person).values_list("level", flat=True))


def meets(reached: str | None, wanted: str) -> bool:
    return reached is not None and RANK[reached] >= RANK[wanted]


def record(person, level, *, by=None, method, evidence="") -> Verification:
    """Record that ``person`` reached ``level`` by ``method``, journaled; returns the verification.

    ``by``: the clerk who checked (an in-person check names one); None for registration and the
    identity provider. Recording again what stands (same level, same method) returns the
    standing verification and writes nothing, however often a sign-in repeats it.
    """
    level, method = Level(level), Verification.Method(method)  # an unknown one is a caller's mistake
    if level == IN_PERSON and by is None:
        raise ValueError("a check in person names the clerk who made it")
    evidence = str(evidence or "").strip()
    if len(evidence) > Verification._meta.get_field("evidence").max_length:
        raise Invalid(_("The evidence of a verification is at most 300 characters long."))
    with transaction.atomic():
        found = standing_by(person, level, method)
        if found is not None:
            return found
        try:
            with transaction.atomic():
                verification = Verification.objects.create(person=person, level=level, method=method, verified_by=by,
                                                           evidence=evidence, created_at=timezone.now())
        except IntegrityError:  # the same verification, recorded a moment ago by another request
            return standing_by(person, level, method)
        records.append(JOURNAL, verification, action=VERIFY, actor=by, data={
            "person": person.pk, "level": level.value, "method": method.value, "evidence": evidence,
        })
    return verification


def standing_by(person, level, method):
    """The person's standing verification of ``level`` by ``method``, or None."""
    return person.verifications.filter(level=level, method=method, revoked_at__isnull=True).first()


def revoke(verification, *, by=None, reason="") -> Verification:
    """The verification no longer counts; journaled with ``reason``."""
    reason = str(reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reason why the verification no longer counts."))
    with transaction.atomic():
        locked = Verification.objects.select_for_update().get(pk=verification.pk)
        if locked.revoked_at is not None:
            raise Conflict(_("This verification was already revoked on %(date)s.") % {
                "date": timezone.localtime(locked.revoked_at).strftime("%Y-%m-%d %H:%M")})
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        records.append(JOURNAL, locked, action=REVOKE, actor=by, data={"reason": reason[:300]})
    verification.revoked_at = locked.revoked_at
    return verification


# --- what a guide needs ----------------------------------------------------------------------

def needed(guide) -> str:
    """The level applying for ``guide`` needs: a service-item guide's own (its editors set it), a
    bundle's — or a list of items applied for at once (一照通行) — the highest of its items'."""
    if isinstance(guide, (list, tuple)):
        return highest(needed(item) for item in guide) or REGISTERED
    if hasattr(guide, "bundle_code"):
        return needed(list(guide.items()))
    return guide.real_name_level or REGISTERED


# What to do to reach a level: the sentence told to whoever falls short of it.
WHAT_TO_DO = {
    IDENTITY_PROVIDER: _("This item needs a real-name check by the provincial unified identity: sign in with the "
                         "provincial unified identity (统一身份认证), or bring your resident identity card to a "
                         "service window, where a clerk checks it."),
    IN_PERSON: _("This item needs a real-name check in person (线下核验): bring your resident identity card to a "
                 "service window, where a clerk checks it; it counts for every application after."),
}
NOT_LINKED = _("Your account is not linked to your own identity yet: add your resident identity number to "
               "your account first.")

# What a guide tells every reader of the level it needs (the page is the same for all).
HOW_TO_REACH = {
    REGISTERED: _("A registered account (your resident identity number and a verified mobile number) is enough."),
    IDENTITY_PROVIDER: _("Sign in with the provincial unified identity, or have your identity checked once at a "
                         "service window."),
    IN_PERSON: _("Have your identity checked once at a service window: bring your resident identity card."),
}


def shortfall(person, guide) -> str | None:
    """None when ``person`` may apply for ``guide`` as far as their real-name level goes; else
    what they must do first. ``person`` None: the user has no identity of their own."""
    wanted = needed(guide)
    if wanted == REGISTERED or meets(level(person), wanted):
        return None
    if person is None:
        return f"{NOT_LINKED} {WHAT_TO_DO[wanted]}"
    return str(WHAT_TO_DO[wanted])


def need(guide) -> dict:
    """What a guide's page says of its level: ``label`` and ``how`` to reach it."""
    wanted = Level(needed(guide))
    return {"level": wanted.value, "label": wanted.label, "how": HOW_TO_REACH[wanted]}
