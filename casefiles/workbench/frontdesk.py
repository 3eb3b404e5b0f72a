"""The front desk's pages (一窗受理, 统一出件) and the agents shown on a case. The rules are
casefiles.frontdesk.window's and casefiles.agents.authorisations'; a view turns their answers into pages.

- ``frontdesk/``: a window clerk files an application for the applicant at the window, for
  any department's item or for a bundle (一件事); then ``frontdesk/<number>/``: the scanned
  materials (a bundle's shared ones once each), and submit with the identity document checked.
- ``frontdesk/real-name/``: a person's real-name check in person (casefiles.workbench.realname).
- ``<number>/hand-out/``: the results of a case (a bundle: with its children) handed out.
- ``<number>/authorisations/<id>/document/``: an agent's signed authorisation.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casefiles.access import permissions
from casefiles.agents import authorisations as agents
from casefiles.bundles import applications
from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted, Refused
from casefiles.forms import definition as form_definition
from casefiles.forms import storing as form_storing
from casefiles.forms.validation import FormInvalid
from casefiles.frontdesk import window as frontdesk
from casefiles.licenses import reuse
from casefiles.materials import downloads, requirements
from casefiles.materials import uploads as materials
from casefiles.portal import application_form
from casefiles.realname import window as realname
from casefiles.workbench.errors import as_missing, refused_page
from casefiles.workbench.forms import FrontDeskFilingForm, HandOutForm
from casefiles.workbench.views import _no_such_case, _render_case, _visible_case, case_url


def _window_clerk_only(request):
    if not frontdesk.is_window_clerk(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def file_application(request):
    """Step 1: the item and the applicant (by USCC or identity number); creates the draft."""
    _window_clerk_only(request)
    form = FrontDeskFilingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            contact = {name: data[name] for name in ("contact_name", "contact_phone", "contact_email")}
            try:
                if data["bundle"]:
                    case = frontdesk.file_bundle(request.user, data["bundle"], data["applicant_code"], **contact)
                else:
                    case = frontdesk.file(request.user, data["item"], data["applicant_code"], **contact)
            except (Invalid, NotFound, Conflict) as refused:
                form.add_error("applicant_code", refused.message)
            else:
                messages.success(request, _("Application %(number)s started for %(applicant)s: now scan the materials.") % {
                    "number": case.number, "applicant": case.applicant_name})
                return redirect("casefiles_workbench:frontdesk_scan", number=case.number)
    return TemplateResponse(request, "casefiles/workbench/frontdesk_file.html", {
        "header_title": _("Front desk (一窗受理)"),
        "form": form,
        "drafts": permissions.applicant_cases(request.user).filter(status="draft", parent__isnull=True).select_related("department")
        .order_by("-created_at")[:20],
    }, status=status)


@require_http_methods(["GET", "POST"])
def scan_materials(request, number):
    """Step 2: the scanned materials, slot by slot; "save" keeps them, "submit" sends the application."""
    _window_clerk_only(request)
    case = _visible_case(request, number)
    if not materials.preparing(request.user, case):
        return redirect(case_url(case))
    refused, errors, status = {}, [], 200
    form_values, form_errors = None, None
    if request.method == "POST" and not case.is_bundle and application_form.posted(request.POST):
        # The form the clerk fills in with the applicant, saved before the scans (and the submission).
        form_values = application_form.read(form_definition.of_case(case), request.POST)
        try:
            form_storing.save(case, form_values, request.user)
        except FormInvalid as invalid:
            form_errors = invalid.errors
        else:
            form_values = None
            case.refresh_from_db()
    if request.method == "POST":
        if case.is_bundle:
            uploads = {slot.key: request.FILES.getlist(f"files-{slot.key}") for slot in applications.slots(case)}
            scanned = frontdesk.scan_shared(case, request.user, {key: files for key, files in uploads.items() if files})
        else:
            chosen = frontdesk.choose_licenses(case, request.user, {
                r.pk: _license_choice(request.POST[f"source-{r.pk}"])
                for r in case.item.material_requirements.all() if f"source-{r.pk}" in request.POST})
            uploads = {r.pk: request.FILES.getlist(f"files-{r.pk}") for r in case.item.material_requirements.all()}
            scanned = frontdesk.scan(case, request.user, {pk: files for pk, files in uploads.items() if files})
            for pk, reasons in chosen.refused.items():
                scanned.refused.setdefault(pk, []).extend(reasons)
            scanned.stored += chosen.stored
        refused = scanned.refused
        case.refresh_from_db()
        if form_errors:
            status = 400
            errors.append(_("The application form was not saved: correct the fields marked below."))
        elif refused:
            status = 400
            errors.append(ngettext("%(count)d file stored; the files listed below were not accepted.",
                                   "%(count)d files stored; the files listed below were not accepted.",
                                   scanned.stored) % {"count": scanned.stored})
        elif request.POST.get("action") == "submit":
            try:
                frontdesk.submit(case, request.user, expected_version=_int(request.POST.get("version")),
                                 identity_document=request.POST.get("identity_document", ""))
            except Refused as error:
                as_missing(error)
                errors, status = error.messages, error.status_code
                case.refresh_from_db()
            else:
                messages.success(request, _("Application %(number)s submitted to %(department)s. Give the applicant the "
                                            "case number and the verification code %(code)s.") % {
                    "number": case.number, "department": case.department.name, "code": case.verification_code})
                return redirect(case_url(case))
        elif request.POST.get("action") == "save_form" and not scanned.stored:
            messages.success(request, _("The application form is saved."))
            return redirect("casefiles_workbench:frontdesk_scan", number=case.number)
        else:
            messages.success(request, ngettext("%(count)d file stored.", "%(count)d files stored.", scanned.stored)
                             % {"count": scanned.stored})
            return redirect("casefiles_workbench:frontdesk_scan", number=case.number)
    return TemplateResponse(request, "casefiles/workbench/frontdesk_scan.html", {
        "header_title": f"{case.number} {case.item_title}",
        "case": case,
        "slots": _scan_slots(case, refused),
        "errors": errors,
        "missing": [] if case.is_bundle else requirements.missing_requirements(
            case, allow_deferred=case.item.tolerant_acceptance),
        "identity_documents": realname.Document.choices,
        "identity_document": request.POST.get("identity_document", ""),
        "identity_checked": realname.checked_in_person(case),
        **_form_context(case, form_values, form_errors),
    }, status=status)


def _form_context(case, values, errors):
    """The application form (申请表) the clerk fills in for the applicant, as the portal draws it."""
    form = form_definition.of_case(case)
    if case.is_bundle or not form:
        return {"application_form": [], "application_form_editable": False}
    held = case.form_data or {} if values is None else values
    return {"application_form": application_form.bind(form, held, sources=form_storing.sources(case), errors=errors),
            "application_form_editable": True, "application_form_invalid": len(errors or {}), "form_target": "scan-form"}


def _scan_slots(case, refused):
    """One file input per material: a requirement of the item, or a bundle's shared material
    (named with the items that ask for it)."""
    if case.is_bundle:
        return [{"key": slot.key, "name": slot.material.name, "required": slot.material.required,
                 "items": slot.items, "files": slot.files, "errors": refused.get(slot.key, [])}
                for slot in applications.slots(case)]
    current = {}
    for material in case.materials.filter(is_current=True):
        current.setdefault(material.requirement_id, []).append(material)
    offers = {offer.requirement.pk: offer for offer in reuse.offers(case) if offer.licenses or offer.use}
    return [{"key": r.pk, "name": r.name, "required": r.required, "items": [], "files": current.get(r.pk, []),
             "errors": refused.get(r.pk, []), "offer": offers.get(r.pk)} for r in case.item.material_requirements.all()]


def _license_choice(value) -> str:
    """A slot's posted choice: "license:<identifier>", or "upload" (the paper is scanned instead: "")."""
    return "" if value == "upload" else str(value).removeprefix("license:")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
def hand_out(request, number):
    case = _visible_case(request, number)
    form = HandOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Some of the answers could not be read: see the form below."))
        return _render_case(request, case, status=400, hand_out_form=form)
    data = form.cleaned_data
    try:
        frontdesk.hand_out(case, request.user, recipient_name=data["recipient_name"],
                           recipient_id_number=data["recipient_id_number"], note=data["note"])
    except NotPermitted as error:
        raise PermissionDenied(error.messages[0]) from None
    except Refused as refused:
        return refused_page(request, refused, _render_case, case, hand_out_form=form)
    messages.success(request, _("The results are recorded as handed to %(name)s.") % {"name": data["recipient_name"]})
    return redirect(case_url(case, "hand-out"))


@require_GET
def authorisation_document(request, number, pk):
    case = _visible_case(request, number)
    authorisation = agents.for_case(case).filter(pk=pk).first()
    if authorisation is None or not authorisation.document:
        raise _no_such_case()
    return downloads.file_response(authorisation.document.open("rb"), name=authorisation.document_name,
                                   content_type=authorisation.document_type)
