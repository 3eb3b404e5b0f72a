"""我的证照: whose licenses a user holds, and 亮证 — time-limited links to show one.

A user holds the licenses of the enterprises whose members group they belong to and those
of their own Person. Anyone else asking for a license is answered as if it did not exist
(``holder_license`` returns None): the wallet does not confirm that an identifier is real.

A share (LicenseShare) shows the license's public fields and QR code to whoever has the
link, until it expires or the holder revokes it; only a valid license can be shown.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.directory.models import Enterprise
from casefiles.errors import Invalid
from casefiles.licenses.models import License, LicenseShare

# How long a share may last: (key, duration, label). The holder chooses one.
SHARE_DURATIONS = (
    ("10m", datetime.timedelta(minutes=10), _("10 minutes")),
    ("1h", datetime.timedelta(hours=1), _("1 hour")),
    ("1d", datetime.timedelta(days=1), _("1 day")),
)
DURATION_BY_KEY = {key: duration for key, duration, _label in SHARE_DURATIONS}


def _holder_condition(user) -> Q | None:
    if not user.is_authenticated:
        return None
    group_ids = user.groups.values_list("pk", flat=True)
    enterprise_ids = Enterprise.objects.filter(members_group_id__in=group_ids).values("pk")
    return Q(enterprise_id__in=enterprise_ids) | Q(person__user=user)


def held_licenses(user, *, with_superseded: bool = False):
    """The user's licenses, newest first; earlier versions only when asked for."""
    condition = _holder_condition(user)
    if condition is None:
        return License.objects.none()
    licenses = License.objects.filter(condition).select_related("license_type", "enterprise", "person")
    if not with_superseded:
        licenses = licenses.exclude(status=License.Status.SUPERSEDED)
    return licenses.order_by("-issue_date", "-pk")


def issued_by_case(user, case) -> list[License]:
    """The licenses ``case`` issued that ``user`` holds (their current versions): the case page
    links each to its page in the wallet."""
    return list(held_licenses(user).filter(source_case=case))


def current_status(license: License, today=None) -> str:
    """The status as verification reports it: a valid license past its end date is expired
    even before the nightly task (licenses.expire_due) has marked it."""
    today = today or timezone.localdate()
    if license.status == License.Status.VALID and license.valid_until and license.valid_until < today:
        return License.Status.EXPIRED
    return license.status


def holds(user, license: License) -> bool:
    """Whether ``user`` holds ``license``: a member of its enterprise, or its person."""
    if not user.is_authenticated:
        return False
    if license.person_id is not None:
        return license.person.user_id == user.pk
    if license.enterprise_id is not None:
        memberships = get_user_model().groups.through.objects
        return memberships.filter(user_id=user.pk, group_id=license.enterprise.members_group_id).exists()
    return False


def holder_license(user, identifier: str) -> License | None:
    """The license with this identifier if ``user`` holds it; None for a stranger or a bad identifier.

    Two small queries (the license by its unique identifier, then the membership), since a
    download asks this on every request.
    """
    identifier = str(identifier or "").strip().upper()
    if not user.is_authenticated or not identifier or len(identifier) > 120:
        return None
    license = (
        License.objects.filter(identifier=identifier)
        .select_related("license_type", "enterprise", "person")
        .order_by()
        .first()
    )
    return license if license is not None and holds(user, license) else None


def versions(license: License) -> list[License]:
    """Every version of the license, oldest first (the chain of ``previous``)."""
    chain, node = [], license
    while node is not None:
        chain.append(node)
        node = node.previous
    newer = License.objects.filter(previous=license).first()
    while newer is not None:
        chain.insert(0, newer)
        newer = License.objects.filter(previous=newer).first()
    return list(reversed(chain))


# --- 亮证 ------------------------------------------------------------------------------------

def active_shares(license: License, now=None):
    now = now or timezone.now()
    return license.shares.filter(revoked=False, expires_at__gt=now).order_by("expires_at")


def create_share(license: License, user, duration_key: str, now=None) -> LicenseShare:
    now = now or timezone.now()
    if duration_key not in DURATION_BY_KEY:
        raise Invalid(_("Choose how long the link works."))
    if current_status(license, timezone.localdate(now)) != License.Status.VALID:
        raise Invalid(_("Only a valid license can be shown."))
    return LicenseShare.objects.create(license=license, expires_at=now + DURATION_BY_KEY[duration_key], created_by=user)


def revoke_share(license: License, share_id) -> bool:
    """End one of the license's shares now; False if there is no such active share."""
    return bool(license.shares.filter(pk=share_id, revoked=False).update(revoked=True))


def working_share(token: str, now=None) -> LicenseShare | None:
    """The share behind a link while it works (its license loaded); None after expiry or revocation."""
    token = str(token or "")
    if not token or len(token) > 64:
        return None
    share = (
        LicenseShare.objects.filter(token=token, revoked=False, expires_at__gt=now or timezone.now())
        .select_related("license__license_type", "license__signing_key")
        .first()
    )
    return share
