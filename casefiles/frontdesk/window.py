"""一窗受理 and 统一出件: the front desk (综合窗口) takes applications for every department and
hands out every department's results at one window.

- ``file``: a window clerk files an application in person for an applicant found by USCC or
  resident identity number, on channel ``window``, for any department's item — even one not
  open online. The clerk alone is granted the new draft (reason ``agent``,
  casefiles.handling.applications.start), never the applicant's other cases; ``scan`` stores the
  scanned materials (checked like every upload) and ``submit`` sends it to the department, with
  the identity document the clerk checked (线下核验: casefiles.realname.window).
  ``file_bundle`` / ``scan_shared`` do the same for a bundle (一件事): one filing, each shared
  material scanned once, every part submitted to its department at once.
- ``hand_out``: the results of a case and all its children — decision notices and license
  certificates — are handed to the applicant at one window. Who handed them out, when, to
  whom (name, masked identity number) and which documents go into each case's journal
  (``hand_out_results``); ``handed_out`` reads it back for the case pages.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.bundles import applications as bundle_applications
from casefiles.cases import states
from casefiles.handling import applications, workflow
from casefiles.cases.models import Channel
from casefiles.directory import lookup, roles
from casefiles.directory.identifiers import IdentifierError, mask_resident_id, validate_resident_id
from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.forms import storing as forms
from casefiles.journal import records
from casefiles.licenses import reuse
from casefiles.licenses.models import License
from casefiles.materials import uploads as materials
from casefiles.notices.models import Notice
from casefiles.realname import window as realname

HAND_OUT = "hand_out_results"
RESULT_NOTICES = {Notice.Kind.APPROVAL, Notice.Kind.DENIAL, Notice.Kind.NON_ACCEPTANCE}


def is_window_clerk(user) -> bool:
    return roles.has_global_role(user, roles.WINDOW_CLERK)


# --- 一窗受理: filing at the window ----------------------------------------------------------

def _applicant_at_the_window(clerk, applicant_code):
    if not is_window_clerk(clerk):
        raise NotPermitted(_("Only a window clerk (综合窗口) files applications at the window."))
    applicant = lookup.registered_applicant(applicant_code)
    if applicant is None:
        raise NotFound(_(
            "No applicant is registered with this code: register the enterprise or person first "
            "(Departments and applicants), then file the application."
        ))
    return applicant


def file(clerk, item, applicant_code, *, contact_name="", contact_phone="", contact_email="", form_data=None):
    """A window clerk starts an application for the applicant standing at the window; its form
    starts pre-filled as an online one does (``form_data``: what the clerk typed already), and
    the licenses the applicant holds stand in for their materials (免提交), as on the portal.
    The clerk then fills the form in with the applicant (``forms.save``: the agent grant is theirs)."""
    applicant = _applicant_at_the_window(clerk, applicant_code)
    if form_data is None:
        form_data = forms.starting_values(item, applicant)
    with transaction.atomic():
        case = applications.start(clerk, item, applicant, channel=Channel.WINDOW, contact_name=contact_name,
                                  contact_phone=contact_phone, contact_email=contact_email, form_data=form_data)
        reuse.use_held_licenses(case, clerk)
    return case


def file_bundle(clerk, bundle, applicant_code, *, contact_name="", contact_phone="", contact_email=""):
    """The same for a bundle (一件事): one filing at the window, a part for each department."""
    applicant = _applicant_at_the_window(clerk, applicant_code)
    return bundle_applications.start(clerk, applicant, bundle=bundle, channel=Channel.WINDOW,
                                     contact_name=contact_name, contact_phone=contact_phone,
                                     contact_email=contact_email)


@dataclass
class Scanned:
    stored: int = 0
    refused: dict = field(default_factory=dict)  # requirement id → ["name: reason", …]


def scan(case, clerk, uploads_by_requirement) -> Scanned:
    """Store the scanned materials, ``{requirement: [uploads]}``: each file stands or falls alone."""
    result = Scanned()
    requirements = {r.pk: r for r in case.item.material_requirements.all()}
    for requirement, uploads in uploads_by_requirement.items():
        requirement = requirements.get(getattr(requirement, "pk", requirement))
        if requirement is None:
            continue
        for upload in uploads:
            try:
                materials.add(case, requirement, upload, clerk)
            except (Invalid, Conflict) as error:
                result.refused.setdefault(requirement.pk, []).append(f"{upload.name}: {error.message}")
            else:
                result.stored += 1
    return result


def choose_licenses(case, clerk, choices) -> Scanned:
    """免提交 at the window: ``{requirement id: license identifier, or "" to scan the paper instead}``
    for the materials that accept a license the applicant holds (reuse.offers)."""
    result = Scanned()
    for offer in reuse.offers(case):
        if offer.requirement.pk not in choices:
            continue
        chosen = choices[offer.requirement.pk]
        in_use = offer.in_use.identifier if offer.use is not None else ""
        if chosen == in_use:
            continue
        try:
            if not chosen:
                result.stored += reuse.stop_using(case, offer.requirement, clerk)
                continue
            license = next((lic for lic in offer.licenses if lic.identifier == chosen), None)
            if license is None:
                raise Invalid(_("This license cannot stand in for that material."))
            reuse.use_license(case, offer.requirement, license, clerk)
            result.stored += 1
        except (Invalid, Conflict, NotPermitted) as error:
            result.refused.setdefault(offer.requirement.pk, []).append(str(error.message))
    return result


def scan_shared(parent, clerk, uploads_by_key) -> Scanned:
    """A bundle's scans, ``{combined material key: [uploads]}``: each stored once for every part
    that asks for it (casefiles.bundles.applications), each file standing or falling alone."""
    pairs = [(key, upload) for key, uploads in uploads_by_key.items() for upload in uploads]
    stored, refused = bundle_applications.add_shared_files(parent, pairs, clerk)
    result = Scanned(stored=len({material.file.name for material in stored}))
    for key, upload, error in refused:
        result.refused.setdefault(key, []).append(f"{upload.name}: {error.message}")
    return result


def submit(case, clerk, *, expected_version=None, identity_document=""):
    """Send the filed application to its department (the workflow's ordinary submission); a
    bundle's parts each to theirs, all or none. ``identity_document``: the one the clerk checked
    of whoever applies (线下核验, casefiles.realname.window), recorded with the submission."""
    with transaction.atomic():
        if identity_document:
            realname.record_check(case, clerk, identity_document)
        if case.is_bundle:
            return bundle_applications.submit(case, clerk, expected_version=expected_version)
        return workflow.perform(case, "submit", clerk, expected_version=expected_version)


# --- 统一出件: handing out the results at one window -------------------------------------------

def cases_of(case) -> list:
    """The case and its children (a bundle's parent, then each department's case)."""
    return [case, *case.children.select_related("department").order_by("pk")]


@dataclass
class Results:
    notices: list
    licenses: list
    unfinished: list  # cases still running: their results are not there yet


def results(case) -> Results:
    """What the applicant takes home from ``case`` and its children."""
    family = cases_of(case)
    ids = [c.pk for c in family]
    handled = [c for c in family if c.pk != case.pk] or family  # a bundle's parent decides nothing itself
    return Results(
        notices=list(Notice.objects.filter(case_id__in=ids, kind__in=RESULT_NOTICES).select_related("case").order_by("case_id", "pk")),
        licenses=list(License.objects.filter(source_case_id__in=ids).select_related("license_type", "source_case").order_by("pk")),
        unfinished=[c for c in handled if not states.allows("hand_out", c.status)],
    )


def may_hand_out(user, case) -> bool:
    """The front desk (window clerks) and the clerks of the case's department."""
    return permissions.can(user, "accept_casefile", case)


def hand_out_offer(user, case, handed) -> tuple[Results | None, bool]:
    """What the case page offers ``user`` of the hand-out (统一出件): the results, once ``case``
    (or, for a bundle, a part) is finished and nothing was ``handed`` out yet, and whether they
    can be handed out now — every part finished and something to hand out."""
    if handed is not None or case.parent_id is not None:
        return None, False
    if not (states.allows("hand_out", case.status) or case.children.exists()) or not may_hand_out(user, case):
        return None, False
    found = results(case)
    return found, not found.unfinished and bool(found.notices or found.licenses)


def handed_out(case):
    """The journal event of the results' hand-out for ``case`` (or its bundle), or None."""
    return case.events.filter(action=HAND_OUT).select_related("actor").order_by("-sequence").first()


def hand_out(case, user, *, recipient_name, recipient_id_number="", note="", now=None):
    """Record that the results of ``case`` and its children were handed to ``recipient_name``
    at the window by ``user``; journaled on every one of the cases. Returns the parent's event."""
    if not permissions.can(user, "view_casefile", case):
        raise NotFound(_("No such case."))
    if not may_hand_out(user, case):
        raise NotPermitted(_("Only the front desk or the department's clerks hand out results."))
    if case.parent_id:
        raise Invalid(_("Results of a bundle are handed out together, on the bundle's case."))
    recipient_name = str(recipient_name or "").strip()
    if not recipient_name:
        raise Invalid(_("Give the name of the person who receives the results."))
    masked = ""
    if str(recipient_id_number or "").strip():
        try:
            masked = mask_resident_id(validate_resident_id(recipient_id_number))
        except IdentifierError as error:
            raise Invalid(str(error)) from None
    found = results(case)
    if found.unfinished:
        raise Conflict(_("Not every case is finished yet: %(cases)s. Results are handed out together, once all are.") % {
            "cases": "、".join(f"{c.number} {c.item_title}" for c in found.unfinished)})
    if not found.notices and not found.licenses:
        raise Conflict(_("There is no decision or license to hand out."))
    earlier = handed_out(case)
    if earlier is not None:
        raise Conflict(_("The results were already handed out on %(date)s to %(name)s.") % {
            "date": timezone.localtime(earlier.created_at).strftime("%Y-%m-%d %H:%M"),
            "name": earlier.data.get("recipient", "")})
    data = {
        "recipient": recipient_name,
        "recipient_id": masked,
        "notices": [n.number for n in found.notices],
        "licenses": [lic.identifier for lic in found.licenses],
        "channel": Channel.WINDOW,
    }
    with transaction.atomic():
        event = None
        for member in cases_of(case):
            recorded = records.record(member, HAND_OUT, user, from_state=member.status, to_state=member.status,
                                      comment=str(note).strip(), data={**data, "bundle": case.number} if member.pk != case.pk else data)
            event = event or recorded
    return event
