"""A registered applicant looked up by the identifier they give: an enterprise by its unified
social credit code (USCC), a person by their resident identity number.

The one look-up behind the front desk's filing (casefiles.frontdesk.window, the workbench's
form) and the API's ``enterprise_uscc`` / ``person_id_number`` (casefiles.api.views). A
malformed code is refused (``Invalid``) with what is wrong with it, checked by
casefiles.directory.identifiers; a well-formed one nobody registered is simply not found.

Identity numbers and phones are encrypted at rest: every look-up here goes through their
digest columns (casefiles.directory.protected.matches), never the columns themselves.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from casefiles.directory import protected
from casefiles.directory.identifiers import IdentifierError, validate_resident_id, validate_uscc
from casefiles.directory.models import Department, Enterprise, Person
from casefiles.errors import Invalid, NotFound

USCC = "uscc"
RESIDENT_ID = "id_number"

_KINDS = {USCC: (Enterprise, validate_uscc), RESIDENT_ID: (Person, validate_resident_id)}


@dataclass(frozen=True)
class Code:
    """A checked identifier: ``kind`` (``USCC`` or ``RESIDENT_ID``) and its normalised ``value``."""

    kind: str
    value: str

    @property
    def model(self):
        return _KINDS[self.kind][0]

    def names(self, applicant) -> bool:
        """Whether ``applicant`` is the one this code identifies."""
        return isinstance(applicant, self.model) and getattr(applicant, self.kind) == self.value

    def registered(self):
        """The registered enterprise or person with this code, or None."""
        if self.kind == RESIDENT_ID:
            return person_with_id_number(self.value)
        return self.model.objects.filter(**{self.kind: self.value}).first()  # a USCC is public: a plain column


def read_code(code, kind: str | None = None) -> Code:
    """Check ``code`` as a ``kind`` of identifier; without a kind, as either (a USCC first).

    Raises ``Invalid`` with the reason: for an unnamed kind, what is wrong with the kind of code
    it looks like (an identity number is all digits, and X).
    """
    code = str(code or "").strip()
    if kind is not None:
        try:
            return Code(kind, _KINDS[kind][1](code))
        except IdentifierError as error:
            raise Invalid(str(error)) from None
    if not code:
        raise Invalid(_("Enter the applicant's unified social credit code or resident identity number."))
    try:
        return Code(USCC, validate_uscc(code))
    except IdentifierError as as_uscc:
        try:
            return Code(RESIDENT_ID, validate_resident_id(code))
        except IdentifierError as as_person:
            looks_personal = code[:17].isdigit()
            raise Invalid(str(as_person if looks_personal else as_uscc)) from None


def registered_applicant(code, kind: str | None = None):
    """The registered enterprise or person with ``code`` (``Invalid`` if malformed), or None."""
    return read_code(code, kind).registered()


def person_with_id_number(number):
    """The registered person with the resident identity ``number``, or None (by its digest:
    spaces, hyphens and a small x do not matter)."""
    return Person.objects.filter(protected.matches("id_number", number)).first()


def people_with_mobile(number):
    """The persons whose phone is ``number`` (by its digest: spaces, hyphens and +86 do not matter)."""
    return Person.objects.filter(protected.matches("phone", number))


def person_with_mobile(number):
    """The person whose mobile phone is ``number``, or None."""
    return people_with_mobile(number).first()


def department_by_code(code) -> Department | None:
    """The department a request names by its code (None when it names none); ``NotFound`` for
    a code no department has."""
    if not code:
        return None
    found = Department.objects.filter(code=str(code)).first()
    if found is None:
        raise NotFound(_("No such department."))
    return found
