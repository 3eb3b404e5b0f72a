"""What each viewer is told about a case — decided here, once, for the portal, the API, the
workbench, search, the progress look-up and the emails.

**Staff and outsiders.** The staff of a case — whoever holds a staff permission on it
(accept, review, decide: the department's roles, a parallel department, window clerks,
superusers) or views it in a staff role (supervision's model-wide view, a lead department's
view of a bundle) — see it as it is. Outsiders — the applicant, their agents, the anonymous
progress look-up — are told the department's decisions, never its deliberation:

- the status: a step waiting inside the department reads as the state before it
  (``INTERNAL_STATES``: a denial awaiting its second decider is "under review", a refusal to
  accept awaiting its confirmation is "submitted, awaiting acceptance");
- the journal: the events of ``OUTSIDER_DATA`` only — the decisions and the applicant's own
  steps, never a material review, a proposal of a refusal or its overturning — each with only
  the data listed for it; staff are never named (the department acts, the front desk files and
  hands out; the applicant's own users and agents are), staff comments stay inside;
- materials: a file "needs correction" only while the correction notice that names it waits
  for the applicant, in the notice's words; of any other review nothing is told.

**Identity numbers and mobile numbers.** A person's resident identity number, and the phone
numbers of a case (its contact phone, mobiles in its answers), are shown whole to those whose
work needs them: whoever holds a permission to act on the case (``ACTING``) — the applicant and
their agents (apply), the staff who handle it (accept, review, decide; window clerks;
superusers). A reader who may only view — supervision (电子监察) — sees them masked
(``4404**********1234``, ``138****8000``), and so does anyone on the pages of a license they
neither hold nor issued. No search document holds a whole number: the index keeps the masked
form, to show, and a keyed token, with which an exact number still finds the record for
whoever may see it (``identity_token``, ``phone_token``). A notice is the applicant's own
decision and names them with their whole number; it is served as issued (its hash is fixed)
to whoever acts on the case, and to a reader who only views it as a copy rendered with the
numbers masked (``notice_content``; casefiles.notices.documents.open_pdf_for). At rest, in the
database, they are encrypted (casefiles.directory.protected).

**The verification code** is the applicant's key to the anonymous progress look-up. It is
shown to whoever acts as the applicant (apply: the applicant, their agent, the front-desk
clerk who filed it and hands it over) and printed on their notices; staff see more than the
look-up tells without it, so their pages and answers leave it out: a key shown to every
viewer would be a key anyone of them could pass on.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.access import permissions
from casefiles.cases.models import CaseFile, Channel, Status
from casefiles.directory import roles
from casefiles.directory import protected
from casefiles.directory.identifiers import IdentifierError, mask_mobile, mask_resident_id, validate_resident_id

STAFF = "staff"
OUTSIDER = "outsider"

STAFF_CODENAMES = frozenset({"accept_casefile", "review_casefile", "decide_casefile"})
ACTING = STAFF_CODENAMES | {"apply_casefile"}


# --- who is looking -------------------------------------------------------------------------

def prefetch(user, cases) -> None:
    """What the questions below need about a page of cases, read at once."""
    permissions.prefetch(user, cases)


def _held(user, case) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return permissions.held(user, case, permissions.CODENAMES)


def is_staff(user, case: CaseFile) -> bool:
    """Whether ``user`` sees ``case`` as its staff (see the module's docstring)."""
    held = _held(user, case)
    if held & STAFF_CODENAMES:
        return True
    if "view_casefile" in held and "apply_casefile" not in held:
        return True  # supervision; a lead department's view of a bundle; a parallel department
    # A window clerk preparing a draft at the counter (a global role reaches no draft).
    return ("view_casefile" in held and case.channel == Channel.WINDOW and case.submitted_by_id == user.pk
            and roles.has_global_role(user, roles.WINDOW_CLERK))


def audience(user, case: CaseFile) -> str:
    return STAFF if is_staff(user, case) else OUTSIDER


def bundle_audience(user, parent: CaseFile) -> str:
    """A bundle's combined view: staff of the bundle or of any of its parts see the parts as staff."""
    if is_staff(user, parent):
        return STAFF
    children = list(parent.children.all())
    prefetch(user, children)
    return STAFF if any(is_staff(user, child) for child in children) else OUTSIDER


# --- the status ----------------------------------------------------------------------------------

# A step waiting inside the department, and what the applicant reads meanwhile.
INTERNAL_STATES = {
    Status.DENIAL_PENDING: Status.UNDER_REVIEW,
    Status.NON_ACCEPTANCE_PENDING: Status.SUBMITTED,
}

OUTSIDER_STATUS_LABELS = {
    Status.DRAFT: _("Draft: not submitted yet"),
    Status.SUBMITTED: _("Submitted: awaiting acceptance"),
    Status.CORRECTION_REQUESTED: _("Correction needed"),
    Status.ACCEPTED: _("Accepted"),
    Status.UNDER_REVIEW: _("Under review"),
    Status.APPROVED: pgettext_lazy("case decision", "Approved"),
    Status.DENIED: _("Denied"),
    Status.NOT_ACCEPTED: _("Not accepted"),
    Status.WITHDRAWN: _("Withdrawn"),
    Status.CONCLUDED: _("Concluded"),
}


def outsider_status(status: str) -> str:
    return INTERNAL_STATES.get(status, status)


def told_as(statuses) -> set[str]:
    """The statuses outsiders are told as one of ``statuses``: what an outsider's filter by
    status selects (asking for ``denial_pending`` finds nothing; ``under_review`` finds both)."""
    wanted = set(statuses)
    return {value for value in Status.values if outsider_status(value) in wanted}


def status(case_status: str, seen_by: str) -> str:
    return case_status if seen_by == STAFF else outsider_status(case_status)


def status_label(case_status: str, seen_by: str) -> str:
    if seen_by == STAFF:
        try:
            return str(Status(case_status).label)
        except ValueError:
            return case_status
    told = outsider_status(case_status)
    return str(OUTSIDER_STATUS_LABELS.get(told, told))


# --- the journal ---------------------------------------------------------------------------------

# Steps the applicant (or their agent, or the front desk for them) takes.
APPLICANT_ACTIONS = frozenset({"create", "submit", "withdraw", "add_material", "promise_material", "remove_material",
                               "authorise_agent", "revoke_agent"})

# The events outsiders are told of, each with the data they may read. Everything else — material
# reviews, proposals of refusals and their overturning, assignments — stays inside.
OUTSIDER_DATA = {
    "create": ("channel", "item"),
    "open_ex_officio": ("policy", "benefit", "notice"),  # 免申即享: which policy, its benefit and notice
    "confirm_benefit": ("payout_due",),
    "submit": (),
    "accept": ("deemed_accepted", "deferred_due", "notice"),
    "deem_accepted": ("deemed_accepted", "notice"),
    "accept_with_deferral": ("deferred_due", "notice"),
    "request_correction": ("problems", "notice"),
    "not_accept": ("reason", "notice"),  # journals written before 否决权上移
    "confirm_non_acceptance": ("reason", "notice"),
    "start_review": (),
    "approve": ("notice", "license"),
    "confirm_denial": ("reason", "notice"),
    "conclude": (),
    "withdraw": (),
    "start_special_procedure": ("kind", "from"),  # the pause and its kind (Art. 45), not its reason
    "end_special_procedure": ("kind", "until"),
    "authorise_agent": ("agent", "scope", "valid_from", "valid_until"),
    "revoke_agent": ("agent",),
    "agent_expired": ("agent",),
    "hand_out_results": ("recipient", "recipient_id", "notices", "licenses", "bundle"),
    "follow_part": ("part", "item", "part_status"),
    "add_material": ("material", "file", "version", "sha256", "fulfils_promise", "shared_in"),
    "promise_material": ("material",),
    "remove_material": ("material", "file"),
    "instant_approval": ("outcome", "rules"),  # 秒批: the guide's conditions and whether each held, not the reasons
    "commitment_false": ("notice", "licenses"),  # 告知承诺制: the revocation after the check
    "evaluate": ("round", "level"),  # 好差评: the applicant's own review (not the reasons' codes)
    "rectification_called_back": (),  # 回访: the department called the applicant back
}


@dataclass(frozen=True)
class Event:
    """One journal event as one audience is told it."""

    sequence: int
    action: str
    from_state: str
    to_state: str
    actor: str | None  # a name — staff's only to staff; else the department, the front desk. None: the system
    by: str  # who acted, in a phrase ("Agent 李 for the applicant", "By operation of law")
    on_behalf_of: str | None  # the applicant's user an agent or the front desk acted for
    comment: str
    data: dict
    created_at: datetime


def told_to_outsiders(event) -> bool:
    return event.action in OUTSIDER_DATA


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _at_the_window(event, case) -> bool:
    """The front-desk clerk filing for the applicant at the counter (一窗受理)."""
    return case.channel == Channel.WINDOW and event.actor_id == case.submitted_by_id


def _told_actor(event, case) -> str | None:
    """Who acted, named for outsiders: the applicant's side by name (their users, the agents
    they chose), staff never — the department acts, the front desk files and hands out."""
    if event.actor_id is None:
        return None
    if event.action in APPLICANT_ACTIONS and not _at_the_window(event, case):
        return _name(event.actor)
    if event.action in APPLICANT_ACTIONS or event.action == "hand_out_results":
        return str(_("Front desk"))
    return case.department.name


def _told_by(event, case) -> str:
    if event.actor_id is None:
        return str(_("By operation of law")) if event.action == "deem_accepted" else str(_("System"))
    if event.action in APPLICANT_ACTIONS:
        if _at_the_window(event, case):
            return str(_("Front desk, for the applicant"))
        if event.on_behalf_of_id:
            # 帮办代办: the agent is named (the applicant chose them); staff never are.
            return str(_("Agent %(agent)s for the applicant") % {"agent": _name(event.actor)})
        return str(_("Applicant"))
    if event.action == "hand_out_results":
        return str(_("Front desk"))
    return case.department.name


def disclose(event, case, seen_by: str) -> Event | None:
    """``event`` as ``seen_by`` is told it, or None when they are not told of it."""
    on_behalf_of = _name(event.on_behalf_of) if event.on_behalf_of_id else None
    if seen_by == STAFF:
        return Event(event.sequence, event.action, event.from_state, event.to_state,
                     _name(event.actor) if event.actor_id else None, _told_by(event, case), on_behalf_of,
                     event.comment, dict(event.data or {}), event.created_at)
    if not told_to_outsiders(event):
        return None
    recorded = event.data or {}
    data = {key: recorded[key] for key in OUTSIDER_DATA[event.action] if key in recorded}
    if "part_status" in data:
        data["part_status"] = outsider_status(data["part_status"])
    return Event(event.sequence, event.action, outsider_status(event.from_state), outsider_status(event.to_state),
                 _told_actor(event, case), _told_by(event, case), on_behalf_of,
                 event.comment if event.action in APPLICANT_ACTIONS else "", data, event.created_at)


def events(case: CaseFile, seen_by: str) -> list[Event]:
    """The journal of ``case``, oldest first, as ``seen_by`` is told it."""
    found = []
    for event in case.events.select_related("actor", "on_behalf_of").order_by("sequence"):
        told = disclose(event, case, seen_by)
        if told is not None:
            found.append(told)
    return found


# --- materials -----------------------------------------------------------------------------------

def correction_problems(case: CaseFile) -> list[dict]:
    """The problems listed in the latest correction notice (material name, problem)."""
    event = case.events.filter(action="request_correction").order_by("-sequence").first()
    if event is None:
        return []
    return [{"material": p.get("material", ""), "problem": p.get("problem", "")} for p in event.data.get("problems", [])]


def correction_notes(case: CaseFile) -> dict[str, list[str]]:
    """What the correction notice the applicant must answer now says, by material name."""
    notes: dict[str, list[str]] = {}
    if case.status == Status.CORRECTION_REQUESTED:
        for problem in correction_problems(case):
            notes.setdefault(problem["material"], []).append(str(problem["problem"]))
    return notes


def review(material, seen_by: str, notes: dict[str, list[str]]) -> tuple[str, str]:
    """(review state, reason) of ``material`` (a ``Material``, read through its own ``Review``
    choices: the materials component sits above this one) as told; ``notes``:
    ``correction_notes`` of its case."""
    if seen_by == STAFF:
        return material.review_state, material.review_reason
    words = notes.get(material.requirement_name)
    if words and material.is_current and material.review_state == material.Review.REJECTED:
        return material.Review.REJECTED, "；".join(words)
    return material.Review.PENDING, ""


# --- identity numbers and the verification code --------------------------------------------------

def shows_identity(user, case: CaseFile) -> bool:
    return bool(_held(user, case) & ACTING)


def applicant_code(case: CaseFile, shown: bool) -> str:
    """The applicant's code as shown: a USCC is public; a person's number whole only when ``shown``."""
    if case.enterprise_id or shown:
        return case.applicant_code
    return mask_resident_id(case.applicant_code)


def contact_phone(case: CaseFile, shown: bool) -> str:
    """The case's contact phone as shown: whole only when ``shown`` (``shows_identity``)."""
    return case.contact_phone if shown else mask_mobile(case.contact_phone)


def verification_code(user, case: CaseFile) -> str:
    """The code for whoever acts as the applicant (apply); "" for everyone else."""
    return case.verification_code if "apply_casefile" in _held(user, case) else ""


def shows_holder_code(user, license) -> bool:
    """A license's holder number whole: for its holder (the wallet) and the issuing department's case staff."""
    if license.holder_code_type != license.HolderCodeType.RESIDENT_ID:
        return True
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if license.person_id and license.person.user_id == user.pk:
        return True
    return license.issuer_id in permissions.department_ids(user)


def holder_code(user, license) -> str:
    return license.holder_code if shows_holder_code(user, license) else mask_resident_id(license.holder_code)


_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
# A mainland mobile number (11 digits from 13…–19…), standing on its own.
_MOBILE = re.compile(r"(?<![0-9A-Za-z+])1[3-9]\d{9}(?![0-9A-Za-z])")


def identity_token(number: str) -> str:
    """The keyed token that stands for a resident identity number in the search index: letters
    and digits only (one word to the index), not reversible without the key — an index copied
    off the server gives no number away, where a plain hash of so few possible numbers would."""
    return "rid" + salted_hmac("casefiles.access.disclosure.identity", number.upper(), secret=settings.YIWANG_SEARCH_KEY,
                               algorithm="sha256").hexdigest()[:32]


def phone_token(number: str) -> str:
    """The keyed token that stands for a phone number in the search index (as ``identity_token``),
    of its digits as ``protected.compact`` writes them: ``138 0013 8000`` finds ``13800138000``."""
    return "tel" + salted_hmac("casefiles.access.disclosure.phone", protected.compact(number),
                               secret=settings.YIWANG_SEARCH_KEY, algorithm="sha256").hexdigest()[:32]


def _numbers_in(text: str) -> list[str]:
    found = []
    for match in _RESIDENT_ID.finditer(text):
        try:
            found.append(validate_resident_id(match.group()))
        except IdentifierError:
            continue  # eighteen digits that are no identity number: left as they are
    return found


def _mobiles_in(text: str) -> list[str]:
    return [match.group() for match in _MOBILE.finditer(text)]


def redact(text: str) -> tuple[str, list[str]]:
    """``text`` with every resident identity number and mobile number in it masked, and their tokens."""
    text = str(text or "")
    numbers = _numbers_in(text)
    for number in set(numbers):
        text = re.sub(re.escape(number), mask_resident_id(number), text, flags=re.IGNORECASE)
    mobiles = _mobiles_in(text)  # after the identity numbers: none is read inside one
    text = _MOBILE.sub(lambda match: mask_mobile(match.group()), text)
    return text, sorted({identity_token(number) for number in numbers} | {phone_token(mobile) for mobile in mobiles})


def phone_told(phone: str) -> tuple[str, list[str]]:
    """A phone number for a search document: masked, whatever its kind (a landline too), and its token."""
    phone = str(phone or "").strip()
    if not phone:
        return "", []
    return mask_mobile(phone), [phone_token(phone)]


def _masked(value):
    """``value`` (a form's answers, a notice's particulars) with the numbers in its texts masked."""
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, str):
        return redact(value)[0]
    return value


def form_data(case: CaseFile, shown: bool):
    """The application form as shown: identity and mobile numbers in its answers masked unless ``shown``."""
    if shown:
        return case.form_data
    return _masked(case.form_data)


def notice_content(notice, shown: bool) -> dict:
    """What a notice says (``Notice.content``) as shown: as issued when ``shown``; else the
    applicant's code as ``applicant_code`` shows it and every number in its texts masked."""
    content = dict(notice.content or {})
    if shown:
        return content
    masked = _masked(content)
    if "applicant_code" in content:
        masked["applicant_code"] = applicant_code(notice.case, False)
    return masked


def search_terms(text: str) -> tuple[str, dict[str, list[str]]]:
    """A search query's identity and mobile numbers, which no document holds in clear: the text
    without them, and the tokens that find them (``search.documents.register_private_terms``)."""
    text = str(text or "")
    numbers = _numbers_in(text)
    for number in numbers:
        text = re.sub(re.escape(number), " ", text, flags=re.IGNORECASE)
    mobiles = _mobiles_in(text)
    if not numbers and not mobiles:
        return text, {}
    text = _MOBILE.sub(" ", text)
    return text, {"identity": sorted({identity_token(number) for number in numbers}
                                     | {phone_token(mobile) for mobile in mobiles})}
