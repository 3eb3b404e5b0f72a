"""The applicant's pages. Every rule is asked of the domain modules (applications, materials,
workflow, permissions); a view only turns a request into their calls and their answers into pages.

A case the user may not view is answered exactly like one that does not exist (404), on the
case page and on every download under it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from casefiles.access import disclosure, permissions
from casefiles.agents import authorisations
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, Status
from casefiles.errors import Conflict, Invalid, NotPermitted, Refused
from casefiles.forms import definition as form_definition
from casefiles.forms import storing as form_storing
from casefiles.forms.validation import FormInvalid
from casefiles.journal import transactions
from casefiles.licenses import reuse, wallet
from casefiles.materials import downloads, filetypes
from casefiles.members import acting
from casefiles.materials import uploads as materials
from casefiles.notices import documents
from casefiles.policies import applying as policy_applying
from casefiles.portal import application_form
from casefiles.portal import bundles as bundle_pages
from casefiles.portal import evaluations as evaluation_pages
from casefiles.portal import progress, wording
from casefiles.portal import slots as slot_lists
from casefiles.portal.errors import refused_form, refused_page
from casefiles.portal.forms import ApplyForm, ProgressForm, WithdrawForm
from casefiles.realname import applying as real_names
from cms.models import ServiceItemPage
from config import ratelimit

CASES_PER_PAGE = 20


def _case_or_404(request, number) -> CaseFile:
    case = (
        CaseFile.objects.select_related("item", "department", "enterprise", "person")
        .filter(number=str(number)[:32])
        .first()
    )
    if case is None or not permissions.can(request.user, "view_casefile", case):
        raise Http404(_("No such case."))
    return case


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- applying ------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def apply(request, item_code):
    """Step 1: whom the user applies for and whom to contact; creates the draft."""
    item = ServiceItemPage.objects.live().filter(item_code=item_code).select_related("department").first()
    if item is None:
        raise Http404(_("No such service item."))
    context = {"item": item, "guide_url": item.get_url(request),
               "real_name_shortfall": real_names.before_applying(request.user, item)}
    if not applications.may_apply_for(request.user, item):
        return render(request, "casefiles/portal/apply_closed.html", context, status=403)
    form = ApplyForm(request.user, request.POST or None, session=request.session,
                     initial=acting.contact_defaults(request.user, request.session))
    status = 400  # the form's own errors; a refusal answers with its status
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                case = applications.start(
                    request.user, item, form.cleaned_data["applicant"],
                    contact_name=form.cleaned_data["contact_name"], contact_phone=form.cleaned_data["contact_phone"],
                    contact_email=form.cleaned_data["contact_email"],
                    form_data=form_storing.starting_values(item, form.cleaned_data["applicant"]),
                )
                reuse.use_held_licenses(case, request.user)  # 免提交: chosen by default when held
        except Refused as refused:
            status = refused_form(form, refused)
        else:
            messages.success(request, _("Your draft application %(number)s is saved. Now add the materials.") % {"number": case.number})
            return redirect("casefiles:case", number=case.number)
    context.update(
        form=form,
        choices=form.choices,
        drafts=permissions.applicant_cases(request.user).filter(item=item, status=Status.DRAFT).order_by("-created_at"),
    )
    return render(request, "casefiles/portal/apply.html", context, status=status if form.errors else 200)


# --- 我的办件 -------------------------------------------------------------------------------

@login_required
@require_GET
def my_cases(request):
    # A bundle is one row: its parts are listed on its page.
    cases = permissions.applicant_cases(request.user, parts=False).select_related("department").order_by("-created_at", "-pk")
    page_obj = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"case": case, "status": wording.status_label(case.status), "tone": wording.tone(case.status),
         "action_needed": wording.needs_the_applicant(case)}
        for case in page_obj
    ]
    return render(request, "casefiles/portal/my_cases.html", {"page_obj": page_obj, "rows": rows})


def application_form_context(user, case, *, editable, values=None, errors=None, target="materials-form") -> dict:
    """The application form on a case page: its fields to fill (``editable``: a draft being
    prepared, with ``values`` as just posted and their ``errors``), or what was filled, read-only."""
    form = form_definition.of_case(case)
    if not form:
        return {"application_form": [], "application_form_editable": False, "application_answers": []}
    sources = {**policy_applying.sources(case), **form_storing.sources(case)}  # 一键申报's values from 一企一档 too
    if editable:
        held = case.form_data or {} if values is None else values
        return {"application_form": application_form.bind(form, held, sources=sources, errors=errors),
                "application_form_editable": True, "application_form_invalid": len(errors or {}),
                "form_target": target, "application_answers": []}
    return {"application_form": [], "application_form_editable": False,
            "application_answers": application_form.answers(
                form, case.form_data or {}, sources=sources,
                shows_identity=disclosure.shows_identity(user, case))}


def _save_application_form(request, case, *, all_or_nothing=False):
    """The form's values posted with the page, saved first; returns (values as typed, errors) when refused
    — or, ``all_or_nothing`` (in the transaction of a submission), raises ``_SaveAlone``."""
    if not application_form.posted(request.POST):
        return None, None
    form = form_definition.of_case(case)
    data = application_form.read(form, request.POST)
    try:
        form_storing.save(case, data, request.user)
    except FormInvalid as invalid:
        if all_or_nothing:
            raise _SaveAlone() from invalid
        return data, invalid.errors
    return None, None


def _render_case(request, case, *, slot_errors=None, commitments=None, errors=(), status=200,
                 form_values=None, form_errors=None):
    may_apply = permissions.can(request.user, "apply_casefile", case)
    editing = materials.preparing(request.user, case)
    supplying = may_apply and not editing and slot_lists.promised(case)
    slots = slot_lists.slots_for(case)
    for slot in slots:
        slot.errors = (slot_errors or {}).get(slot.requirement.pk, [])
        if commitments and slot.requirement.pk in commitments:
            slot.commitment = commitments[slot.requirement.pk]
    transitions = [t.name for t in workflow.available(case, request.user)] if may_apply else []
    agency = agency_context(request.user, case)
    if agency["acting_for"] is not None:  # 帮办代办: what the agent's authorisation does not reach
        transitions = [name for name in transitions if not authorisations.refusal(request.user, case, name)]
    context = {
        "case": case,
        "status_label": wording.status_label(case.status),
        "tone": wording.tone(case.status),
        "next_step": wording.next_step(case.status),
        "verification_code": disclosure.verification_code(request.user, case),
        "contact_phone": disclosure.contact_phone(case, disclosure.shows_identity(request.user, case)),
        "timeline": wording.timeline(case),
        "notices": list(case.notices.all()),
        "issued_licenses": wallet.issued_by_case(request.user, case),  # 我的证照: the licenses this case issued
        "slots": slots,
        "promised_slots": [s for s in slots if s.promise is not None],
        "orphans": slot_lists.orphans(case),
        "corrections": slot_lists.in_answer_to_corrections(case),
        "editing": editing,
        "supplying": supplying,
        "may_submit": "submit" in transitions,
        # Told before they try, on the draft: a real-name check the item needs (the guard says it again on submitting).
        "real_name_shortfall": (real_names.refusal(case, request.user)
                                if "submit" in transitions and case.status == Status.DRAFT and not errors else None),
        "may_withdraw": "withdraw" in transitions,
        "problems": disclosure.correction_problems(case) if case.status == Status.CORRECTION_REQUESTED else [],
        "errors": list(errors),
        "guide_url": case.item.get_url(request) if case.item.live else None,
        "bundle": CaseFile.objects.filter(pk=case.parent_id).only("number", "item_title").first() if case.parent_id else None,
        "accept": filetypes.ACCEPT,
        "max_mb": materials.limits()["MAX_BYTES"] // 1048576,
        **agency,
        **evaluation_pages.case_context(request.user, case),
        **application_form_context(request.user, case, editable=editing and case.status == Status.DRAFT,
                                   values=form_values, errors=form_errors),
    }
    template = "casefiles/portal/draft.html" if case.status == Status.DRAFT else "casefiles/portal/case.html"
    return render(request, template, context, status=status)


def agency_context(user, case) -> dict:
    """帮办代办 on the case page: the applicant sees the agents in force and a link to manage
    them; an agent sees whom they act for and until when."""
    is_applicant = authorisations.is_applicant(user, case)
    acting_for = None if is_applicant else authorisations.in_force_for(user, case)
    in_force = []
    if is_applicant:
        in_force = [a for a in authorisations.for_case(case).filter(revoked_at__isnull=True) if a.in_force()]
    return {"is_applicant": is_applicant, "acting_for": acting_for, "agents_in_force": in_force}


class _SaveAlone(Exception):
    """The page's changes and the submission cannot be one transaction: a change was refused (the
    changes are saved alone, as on "save", and their refusals shown), or the step was (``refusal``:
    the changes are kept all the same, and the step's refusal shown)."""

    def __init__(self, refusal: Refused | None = None):
        super().__init__(refusal)
        self.refusal = refusal


def _save_changes(request, case, *, deferred_only: bool, all_or_nothing: bool = False):
    """Store every file, promise and removal the form carries; each stands or falls alone —
    or, ``all_or_nothing`` (in the transaction of a submission), the first refusal stops them
    all (``_SaveAlone``).

    Returns (how many changes were stored, refusals by requirement id, commitments as typed).
    """
    user = request.user
    stored = 0
    refusals: dict[int, list[str]] = {}
    commitments: dict[int, str] = {}
    slots = slot_lists.slots_for(case, only_promised=deferred_only)

    def refuse(requirement_id, name, error):
        if all_or_nothing:
            raise _SaveAlone() from error
        message = f"{name}: {error.message}" if name else str(error.message)
        refusals.setdefault(requirement_id, []).append(str(message))

    for slot in slots:
        requirement = slot.requirement
        if not deferred_only and slot.license_choice:
            stored += _save_license_choice(request, case, slot, refuse)
        uploads = request.FILES.getlist(f"files-{requirement.pk}")
        if deferred_only:
            uploads = uploads[:1]  # after acceptance one file fulfils the promise (materials.add)
        added = 0
        for upload in uploads:
            try:
                materials.add(case, requirement, upload, user)
            except (Invalid, Conflict) as error:
                refuse(requirement.pk, upload.name, error)
            else:
                added += 1
        if not deferred_only:
            for rejected in slot.rejected:
                upload = request.FILES.get(f"replace-{rejected.pk}")
                if upload is None:
                    continue
                try:
                    materials.add(case, requirement, upload, user, replaces=rejected)
                except (Invalid, Conflict) as error:
                    refuse(requirement.pk, upload.name, error)
                else:
                    added += 1
            if request.POST.get(f"promise-{requirement.pk}") and not added and slot.promise is None and not slot.files:
                commitment = request.POST.get(f"commitment-{requirement.pk}", "")
                commitments[requirement.pk] = commitment
                try:
                    materials.promise_later(case, requirement, user, commitment)
                except (Invalid, Conflict) as error:
                    refuse(requirement.pk, "", error)
                else:
                    added += 1
        stored += added

    remove = _version(request.POST.get("remove"))
    if remove is not None and not deferred_only:
        material = case.materials.filter(pk=remove, is_current=True).first()
        if material is not None:
            try:
                materials.remove(material, user)
            except (Invalid, Conflict) as error:
                refuse(material.requirement_id, material.original_name, error)
            else:
                stored += 1
    return stored, refusals, commitments


def _save_license_choice(request, case, slot, refuse) -> int:
    """免提交: the slot's choice between one of the applicant's licenses and uploading a file."""
    choice = request.POST.get(f"source-{slot.key}")
    offer = slot.offer
    in_use = offer.in_use.identifier if offer.use is not None else None
    try:
        if choice == "upload" and in_use is not None:
            return int(reuse.stop_using(case, slot.requirement, request.user))
        if choice and choice.startswith("license:") and choice[8:] != in_use:
            license = next((lic for lic in offer.licenses if lic.identifier == choice[8:]), None)
            if license is None:
                raise Invalid(_("This license cannot stand in for that material."))
            reuse.use_license(case, slot.requirement, license, request.user)
            return 1
    except (Invalid, Conflict, NotPermitted) as error:
        refuse(slot.requirement.pk, "", error)
    return 0


@login_required
@require_http_methods(["GET", "POST"])
def case_page(request, number):
    """One case: status, timeline, materials, notices; for a draft or a correction, the upload
    slots with "save" and "submit"; after a 容缺 acceptance, the slots of the promised materials."""
    case = _case_or_404(request, number)
    if case.is_bundle:
        return bundle_pages.bundle_page(request, case)
    if request.method == "GET":
        return _render_case(request, case)

    may_apply = permissions.can(request.user, "apply_casefile", case)
    editing = materials.preparing(request.user, case)
    supplying = may_apply and not editing and slot_lists.promised(case)
    if not (editing or supplying):
        messages.error(request, _("This application cannot be changed now (%(status)s).") % {"status": wording.status_label(case.status)})
        return redirect("casefiles:case", number=case.number)

    submitting = editing and request.POST.get("action") == "submit"
    refused_step = None
    if submitting:
        # 提交: the page's changes and the step in one transaction — or, refused, the changes alone
        # (below, as on "save"): a user's files are never lost to a refused submission.
        try:
            with transactions.one_transaction():
                _save_application_form(request, case, all_or_nothing=True)
                _save_changes(request, case, deferred_only=False, all_or_nothing=True)
                _submit(request, case)
        except _SaveAlone as alone:
            refused_step = alone.refusal
            _rewind(request.FILES)  # to be read again, saved alone
            case.refresh_from_db()
        else:
            return _submitted(request, case)

    form_values, form_errors = (None, None) if not editing else _save_application_form(request, case)
    stored, refusals, commitments = _save_changes(request, case, deferred_only=not editing)
    case.refresh_from_db()
    errors = []
    if form_errors:
        errors.append(_("The application form was not saved: correct the fields marked below."))
        return _render_case(request, case, slot_errors=refusals, commitments=commitments, errors=errors, status=400,
                            form_values=form_values, form_errors=form_errors)
    if not refusals and submitting:
        if refused_step is None:  # the changes were refused in the transaction, and are not now (changed meanwhile)
            try:
                _submit(request, case)
            except _SaveAlone as alone:
                refused_step = alone.refusal
            else:
                return _submitted(request, case)
        case.refresh_from_db()
        return refused_page(request, refused_step, _render_case, case, commitments=commitments)
    if refusals:
        if stored:
            errors.append(ngettext(
                "%(count)d change was saved; the files listed below were not accepted.",
                "%(count)d changes were saved; the files listed below were not accepted.", stored,
            ) % {"count": stored})
        else:
            errors.append(_("The files listed below were not accepted; nothing else changed."))
        return _render_case(request, case, slot_errors=refusals, commitments=commitments, errors=errors, status=400)
    if supplying:
        messages.success(request, _("Thank you: the department has been given the material."))
    elif request.POST.get("action") == "save_form":
        messages.success(request, _("The application form is saved with the draft."))
        return redirect(reverse("casefiles:case", kwargs={"number": case.number}) + "#application-form")
    elif stored or application_form.posted(request.POST):
        messages.success(request, _("Saved. Everything you uploaded is kept with the draft; you can come back to it from “My cases”."))
    else:
        messages.info(request, _("Nothing to save: choose files first."))
    return redirect(reverse("casefiles:case", kwargs={"number": case.number}) + "#materials")


def _submit(request, case):
    """The workflow's ``submit`` with the version the page showed; its refusal as ``_SaveAlone``."""
    case.refresh_from_db()
    try:
        workflow.perform(case, "submit", request.user, expected_version=_version(request.POST.get("version")))
    except Refused as refused:
        raise _SaveAlone(refused) from refused


def _submitted(request, case):
    case.refresh_from_db()
    messages.success(
        request,
        _("Submitted. Your case number is %(number)s and the verification code is %(code)s: keep them to follow "
          "the progress. A confirmation was sent by email.") % {"number": case.number, "code": case.verification_code},
    )
    return redirect("casefiles:case", number=case.number)


def _rewind(files):
    """The uploads read in a transaction that rolled back, to be read again from their start."""
    for key in files:
        for upload in files.getlist(key):
            upload.seek(0)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, number):
    case = _case_or_404(request, number)
    if case.is_bundle:
        return bundle_pages.withdraw_bundle(request, case)
    if not any(t.name == "withdraw" for t in workflow.available(case, request.user)):
        messages.error(request, _("This application cannot be withdrawn now (%(status)s).") % {"status": wording.status_label(case.status)})
        return redirect("casefiles:case", number=case.number)
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                workflow.perform(case, "withdraw", request.user, expected_version=_version(request.POST.get("version")),
                                 comment=form.cleaned_data["reason"])
            except Refused as error:
                status = refused_form(form, error)
            else:
                messages.success(request, _("Application %(number)s withdrawn.") % {"number": case.number})
                return redirect("casefiles:case", number=case.number)
    return render(request, "casefiles/portal/withdraw.html",
                  {"case": case, "form": form, "status_label": wording.status_label(case.status)}, status=status)


@login_required
@require_GET
def material_file(request, number, pk):
    case = _case_or_404(request, number)
    material = case.materials.filter(pk=pk, deferred=False).exclude(file="").first()
    if material is None:
        raise Http404(_("No such file."))
    return downloads.file_response(material.file.open("rb"), name=material.original_name, content_type=material.content_type)


@login_required
@require_GET
def notice_pdf(request, number, pk):
    case = _case_or_404(request, number)
    notice = case.notices.filter(pk=pk).first()
    if notice is None:
        raise Http404(_("No such document."))
    return downloads.file_response(documents.open_pdf_for(notice, request.user)[0], name=f"{notice.number}.pdf",
                                   content_type="application/pdf", inline=True)


# --- the anonymous progress look-up ----------------------------------------------------------

def _counts_as_lookup(request) -> bool:
    return bool(request.GET.get("number") or request.GET.get("code"))


def _too_many(request, period):
    response = render(request, "casefiles/portal/progress.html",
                      {"form": ProgressForm(), "limited": True, "period": period}, status=429)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@ratelimit.limit_per_ip("progress", counts=_counts_as_lookup, refused=_too_many)
def progress_page(request):
    """Case number + verification code → status, item, department and dates; nothing else."""
    asked = "number" in request.GET or "code" in request.GET
    form = ProgressForm(request.GET if asked else None)
    result, not_found = None, False
    if form.is_bound and form.is_valid():
        result = progress.look_up(form.cleaned_data["number"], form.cleaned_data["code"])
        not_found = result is None
    response = render(request, "casefiles/portal/progress.html", {"form": form, "result": result, "not_found": not_found})
    # The code is in the URL: keep it out of shared caches and other sites' logs.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
