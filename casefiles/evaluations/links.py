"""The signed link to review a case, printed with a QR code on its result notice (扫码评价).

``/evaluate/<token>/`` names the case in a token signed with the site's key and its own salt,
valid ``LINK_MAX_AGE`` (90 days). The token only says which case: opening it asks the user to
sign in, and the review is still given by the applicant's own account (``reviews.refusal``
with the signed-in user), so a notice shown around lets nobody else review.
"""

import datetime

from django.core import signing
from django.utils.translation import gettext_lazy as _

from casefiles.cases.models import CaseFile
from casefiles.errors import NotFound
from config import siteurl

SALT = "casefiles.evaluations.link"
LINK_MAX_AGE = datetime.timedelta(days=90)
# The notices that close a case, or announce what closes it: they carry the link.
NOTICE_KINDS = ("approval", "denial", "non_acceptance")


def token_for(case) -> str:
    return signing.dumps(case.number, salt=SALT, compress=False)


def path_for(case) -> str:
    return f"/evaluate/{token_for(case)}/"


def url_for(case) -> str:
    return siteurl.absolute(path_for(case))


def case_for(token: str, *, max_age=LINK_MAX_AGE) -> CaseFile:
    """The case ``token`` names; ``NotFound`` for a token forged, expired or of a case gone."""
    try:
        number = signing.loads(str(token or "")[:200], salt=SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one
        raise NotFound(_("This link to review the service is not valid, or has expired.")) from None
    case = CaseFile.objects.select_related("item", "department", "enterprise", "person").filter(
        number=str(number)[:32]).first()
    if case is None:
        raise NotFound(_("This link to review the service is not valid, or has expired."))
    return case
