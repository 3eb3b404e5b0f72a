"""认领: a person who registers is linked to the record the service centre made of them, never
duplicated.

The identity number names the person. When the directory has no one with it, registration
makes the record. When it has one — filed by a window clerk, the front desk or an earlier
registration never finished — registering *claims* it (the same row: its cases, licenses and
real-name checks stay with it), but only where the claim cannot take someone else's record.
The name typed must be the record's (spaces aside), and:

- the record has no account, and its mobile number (if the clerk noted one) is the number being
  registered — the code sent to it proves the claimant holds that phone; or
- the record's account came from a registration abandoned at the code: it never signed in,
  is no staff account, never proved a mobile number, and is older than ``STALE_AFTER`` —
  whoever proves a mobile number now takes the record over, and that account is closed.

Anything else (an account that stands, a different mobile number or name on record) is not
claimable: the registration answers exactly as for a new number — the code page — and the text
that goes to the number typed says what to do (sign in, or have the identity checked at a
window: ``AccountAdapter.send_account_already_exists_sms``). Nobody learns from the page whether
an identity number or a mobile number is registered.

A claimed record's account proves its mobile number itself: a proof the record kept from an
account it had before (one deleted since) is revoked when the new account takes it.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from casefiles.directory import lookup
from casefiles.directory.models import Person
from casefiles.realname import levels

STALE_AFTER = datetime.timedelta(minutes=15)


def mobile_proven(person) -> bool:
    """Whether the person's mobile number was proven by a code (their registration by mobile stands)."""
    return levels.standing_by(person, levels.REGISTERED, levels.MOBILE) is not None


def same_name(recorded: str, typed: str) -> bool:
    return " ".join(str(recorded or "").split()) == " ".join(str(typed or "").split())


def _abandoned(user, *, now) -> bool:
    """An account made by a registration that never got past the code."""
    return (user.last_login is None and not user.is_staff and not user.is_superuser
            and user.date_joined <= now - STALE_AFTER)


def claimable(person: Person, mobile: str, *, name: str | None = None, now=None) -> bool:
    """Whether registering ``mobile`` (and ``name``, when given) may take over ``person``'s record."""
    now = now or timezone.now()
    if name is not None and person.name and not same_name(person.name, name):
        return False
    if person.user_id is None:
        return not person.phone or person.phone == mobile
    if mobile_proven(person):
        return False
    return _abandoned(person.user, now=now)


def may_register(id_number: str, mobile: str, *, name: str | None = None) -> bool:
    """Whether a registration with this identity number and mobile number may go ahead."""
    person = lookup.person_with_id_number(id_number)
    return person is None or claimable(person, mobile, name=name)


@transaction.atomic
def attach(user, *, name: str, id_number: str, mobile: str) -> Person:
    """Give the new account ``user`` its person: the one claimed, or a new record.

    The mobile number is set here unproven; allauth's phone verification proves it
    (``AccountAdapter.set_phone_verified``). The caller checked ``may_register``."""
    person = lookup.person_with_id_number(id_number)
    if person is None:
        return Person.objects.create(user=user, name=name, id_number=id_number, phone=mobile)
    person = Person.objects.select_for_update().get(pk=person.pk)
    abandoned = person.user if person.user_id else None
    earlier_proof = levels.standing_by(person, levels.REGISTERED, levels.MOBILE)
    if earlier_proof is not None:
        levels.revoke(earlier_proof, reason="record claimed by a new registration")
    person.user, person.phone = user, mobile
    if not person.name:
        person.name = name
    person.save(update_fields=["user", "phone", "name"])
    if abandoned is not None:
        abandoned.is_active = False  # the abandoned registration's account: it never proved a number
        abandoned.save(update_fields=["is_active"])
    return person
