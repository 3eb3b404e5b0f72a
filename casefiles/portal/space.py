"""我的空间: what the signed-in user's own page shows of their account — read from the components
and from allauth, never decided in the template.

- ``profile(user)``: name, the identity number masked but for its last four characters, the mobile
  number masked (and whether it is verified, as allauth's adapter says), the real-name level with
  what raises it (``casefiles.realname.levels``), the date of registration.
- ``security(user)``: whether a password is set, the authenticator app and the recovery codes
  left (allauth.mfa), the signed-in sessions (allauth.usersessions), and whether the workbench
  asks this account for a second factor (``config.staff_mfa``).

The pages that change any of it are allauth's (password, mobile number, second factor, sessions),
themed in the site's frame; this module only reads.
"""

from dataclasses import dataclass, field
from datetime import date

from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils import timezone

from casefiles.members import enterprises as memberships
from casefiles.directory.identifiers import mask_mobile
from casefiles.realname import levels
from casefiles.realname.models import RANK, Level
from casefiles.registration.adapter import display_name, person_of
from config import staff_mfa


def last_four_only(masked: str) -> str:
    """An identifier with every character but its last four starred (``**************1234``)."""
    if len(masked) <= 4:
        return "*" * len(masked)
    return "*" * (len(masked) - 4) + masked[-4:]


@dataclass(frozen=True)
class Step:
    """A real-name level above the person's, and how to reach it."""

    level: str
    label: str
    how: str


@dataclass(frozen=True)
class Profile:
    name: str
    username: str
    registered_on: date
    has_person: bool
    id_number: str = ""  # masked: only the last four characters shown
    mobile: str = ""  # masked: 138****8011
    mobile_verified: bool = False
    level: str | None = None
    level_label: str = ""
    higher: list[Step] = field(default_factory=list)


def profile(user) -> Profile:
    person = person_of(user)
    registered_on = timezone.localdate(user.date_joined)
    if person is None:  # staff, or an account not linked to a person yet
        return Profile(name=display_name(user), username=user.get_username(), registered_on=registered_on, has_person=False)
    phone = get_adapter().get_phone(user)
    reached = levels.level(person)
    return Profile(
        name=person.name,
        username=user.get_username(),
        registered_on=registered_on,
        has_person=True,
        id_number=last_four_only(person.masked_id_number),
        mobile=mask_mobile(phone[0]) if phone else "",
        mobile_verified=bool(phone and phone[1]),
        level=reached,
        level_label=Level(reached).label if reached else "",
        higher=[Step(level.value, level.label, levels.HOW_TO_REACH[level]) for level in Level
                if reached is None or RANK[level] > RANK[reached]],
    )


@dataclass(frozen=True)
class Security:
    has_password: bool
    authenticator_app: bool
    recovery_codes_left: int | None  # None: none were made
    sessions: int
    workbench_asks_second_factor: bool


def security(user) -> Security:
    authenticators = {a.type: a for a in Authenticator.objects.filter(user_id=user.pk)}
    codes = authenticators.get(Authenticator.Type.RECOVERY_CODES)
    return Security(
        has_password=user.has_usable_password(),
        authenticator_app=Authenticator.Type.TOTP in authenticators,
        recovery_codes_left=len(codes.wrap().get_unused_codes()) if codes else None,
        sessions=len(UserSession.objects.purge_and_list(user)),
        workbench_asks_second_factor=staff_mfa.required(user),
    )


def enterprises(user):
    """The enterprises the user acts for, each with their role (``casefiles.members``)."""
    return memberships.mine(user)

