"""认领: a person who registers is linked to the record the service centre made of them, never
duplicated.

The identity number names the person. When the directory has no one with it, registration
makes the record. When it has one — filed by a window clerk, the front desk or an earlier
registration never finished — registering *claims* it, but only where the claim cannot take
someone else's record:

- the record has no account, and its mobile number (if the clerk noted one) is the number being
  registered — the code sent to it proves the claimant holds that phone; or
- the record's account never proved its mobile number (a registration abandoned at the code)
  and is older than ``STALE_AFTER``: whoever proves a mobile number now takes it over.

Anything else (an account that stands, a different mobile number on record) is not claimable:
the registration answers exactly as for a new number — a code is "sent" — and the text that
goes to the number typed says what to do (sign in, or have the identity checked at a window).
Nobody learns from the page whether an identity number or a mobile number is registered.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from casefiles.directory import lookup
from casefiles.directory.models import Person
from casefiles.realname import levels

STALE_AFTER = datetime.timedelta(minutes=15)


def _proven(person) -> bool:
    return levels.standing_by(person, levels.REGISTERED, levels.MOBILE) is not None


def claimable(person: Person, mobile: str, *, now=None) -> bool:
    """Whether registering ``mobile`` may take over ``person``'s record (see the module)."""
    now = now or timezone.now()
    if person.user_id is None:
        return not person.phone or person.phone == mobile
    if _proven(person):
        return False
    return person.user.date_joined <= now - STALE_AFTER


def may_register(id_number: str, mobile: str) -> bool:
    """Whether a registration with this identity number and mobile number may go ahead."""
    person = lookup.person_with_id_number(id_number)
    return person is None or claimable(person, mobile)


@transaction.atomic
def attach(user, *, name: str, id_number: str, mobile: str) -> Person:
    """Give the new account ``user`` its person: the one claimed, or a new record.

    The mobile number is set here unproven; allauth's phone verification proves it
    (``AccountAdapter.set_phone_verified``)."""
    person = lookup.person_with_id_number(id_number)
    if person is None:
        return Person.objects.create(user=user, name=name, id_number=id_number, phone=mobile)
    person = Person.objects.select_for_update().get(pk=person.pk)
    stale = person.user if person.user_id else None
    person.user, person.phone = user, mobile
    if not person.name:
        person.name = name
    person.save(update_fields=["user", "phone", "name"])
    if stale is not None:
        stale.is_active = False  # the abandoned registration's account: it never proved a number
        stale.save(update_fields=["is_active"])
    return person
