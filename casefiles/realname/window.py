"""线下核验: a window clerk checks a person's identity document, in person.

- On its own (the workbench's Verify in person, under the front desk): the clerk finds the
  person by the identity number on the document (``find_person``) and records which document
  they checked (``verify_in_person``): the person's verification in person, journaled with
  who and when.
- With a filing (一窗受理): submitting at the window, the clerk says which identity document
  they checked — the applicant's, or that of the person acting for an enterprise
  (``record_check``). It goes into the journal of the case (and of a bundle's parts), and
  counts as in person for every submission of that case; for a person applicant it is also
  their verification in person, which counts for their later applications too.

Only window clerks (综合窗口, casefiles.directory.roles) check identities at the window.
"""

from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.cases.models import Channel
from casefiles.directory import lookup, roles
from casefiles.directory.identifiers import IdentifierError, validate_resident_id
from casefiles.errors import Invalid, NotFound, NotPermitted
from casefiles.journal import records
from casefiles.realname import levels

CHECKED = "check_identity"  # the case journal's action: the identity document checked at the window


class Document(models.TextChoices):
    """Identity documents that carry a resident identity number."""

    RESIDENT_ID_CARD = "resident_id_card", _("Resident identity card (居民身份证)")
    TEMPORARY_ID_CARD = "temporary_id_card", _("Temporary resident identity card (临时居民身份证)")
    HOUSEHOLD_REGISTER = "household_register", _("Household register (户口簿)")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证)")
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident", _("Foreign permanent resident identity card (外国人永久居留身份证)")


def may_verify(user) -> bool:
    return roles.has_global_role(user, roles.WINDOW_CLERK)


def at_the_window(user, case) -> bool:
    """Whether ``user`` acts on ``case`` as the window clerk filing it at the window."""
    return case.channel == Channel.WINDOW and may_verify(user)


def _clerks_only(user):
    if not may_verify(user):
        raise NotPermitted(_("Only a window clerk (综合窗口) checks identities in person."))


def _document(document) -> Document:
    try:
        return Document(document)
    except ValueError:
        raise Invalid(_("Choose the identity document you checked.")) from None


def _evidence(document: Document, *more) -> str:
    # Kept in the records' language, whatever the clerk's screen speaks.
    with translation.override("zh-hans"):
        return "；".join([str(document.label), *more])


def find_person(clerk, id_number):
    """The registered person with the identity number the clerk read off the document."""
    _clerks_only(clerk)
    try:
        number = validate_resident_id(str(id_number or "").strip())
    except IdentifierError as error:
        raise Invalid(str(error)) from None
    person = lookup.person_with_id_number(number)
    if person is None:
        raise NotFound(_("No person is registered with this identity number: register them first "
                         "(Departments and applicants → Persons), then check their identity."))
    return person


def verify_in_person(clerk, person, document):
    """The clerk checked ``person``'s identity ``document`` at the window: returns their
    verification in person, and whether it is new (False: one made earlier still stands)."""
    _clerks_only(clerk)
    document = _document(document)
    earlier = levels.standing_by(person, levels.IN_PERSON, levels.WINDOW)
    verification = levels.record(person, levels.IN_PERSON, by=clerk, method=levels.WINDOW, evidence=_evidence(document))
    return verification, earlier is None


def record_check(case, clerk, document):
    """The clerk filing ``case`` at the window checked the identity ``document`` of whoever
    applies: journaled on the case and its parts; a person applicant's verification in person."""
    _clerks_only(clerk)
    if not permissions.can(clerk, "view_casefile", case):
        raise NotFound(_("No such case."))
    if not at_the_window(clerk, case) or not permissions.can(clerk, "apply_casefile", case):
        raise NotPermitted(_("Identities are checked for the applications filed at the window."))
    document = _document(document)
    with transaction.atomic():
        verification = None
        if case.person_id is not None:
            verification = levels.record(case.person, levels.IN_PERSON, by=clerk, method=levels.WINDOW,
                                         evidence=_evidence(document, case.number))
        data = {"document": document.value, "verification": verification.reference if verification else ""}
        for member in [case, *case.children.order_by("pk")]:
            records.record(member, CHECKED, clerk, from_state=member.status, to_state=member.status, data=data)


def checked_in_person(case) -> bool:
    """Whether a window clerk checked the applicant's identity when filing ``case``."""
    return case.events.filter(action=CHECKED).exists()
