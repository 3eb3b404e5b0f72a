"""The applicant's pages of a bundle (一件事) and of 一照通行: one form, one set of materials,
and the combined progress with each part's outcome. The rules are
``casefiles.bundles.applications`` and ``casefiles.bundles.activities``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from casefiles.access import disclosure, permissions
from casefiles.bundles import activities
from casefiles.bundles import applications as bundles
from casefiles.handling import applications
from casefiles.cases.models import Status
from casefiles.errors import Conflict, Invalid, Refused
from casefiles.materials import filetypes
from casefiles.materials import uploads as materials
from casefiles.materials.models import Material
from casefiles.members import acting
from casefiles.portal import evaluations as evaluation_pages
from casefiles.portal import wording
from casefiles.portal.errors import refused_form, refused_page
from casefiles.portal.forms import ApplyForm, WithdrawForm
from casefiles.realname import applying as real_names
from cms.bundles import combine
from cms.models import BundlePage

OUTCOME_LABELS = {
    bundles.GRANTED: gettext_lazy("Granted"),
    bundles.REFUSED: gettext_lazy("Not granted"),
    bundles.WITHDRAWN: gettext_lazy("Withdrawn"),
    bundles.PENDING: pgettext_lazy("bundle status", "In progress"),
}
OUTCOME_TONES = {bundles.GRANTED: "good", bundles.REFUSED: "warn"}


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def apply_bundle(request, bundle_code):
    """Step 1 of a bundle: whom for and whom to contact; creates the draft parent and its parts."""
    bundle = BundlePage.objects.live().filter(bundle_code=bundle_code).select_related("department").first()
    if bundle is None:
        raise Http404(_("No such bundle."))
    items = bundle.items()
    return _apply(request, title=bundle.title, items=items, bundle=bundle, guide_url=bundle.get_url(request),
                  kicker=bundle.department.name)


class ActivitiesForm(forms.Form):
    activity = forms.MultipleChoiceField(
        label=gettext_lazy("What will your business do?"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one business activity.")},
    )
    new_business = forms.BooleanField(label=gettext_lazy("This is a new business: register it as well (企业设立登记)"),
                                      required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [(a.code, a.name) for a in activities.offered()]


@login_required
@require_http_methods(["GET", "POST"])
def apply_activities(request):
    """一照通行: pick business activities, see the licence and permits they need, apply for them at once."""
    data = request.POST if request.method == "POST" else (request.GET if "activity" in request.GET else None)
    chosen = ActivitiesForm(data, initial={"new_business": True})
    proposal = None
    if chosen.is_bound and chosen.is_valid():
        proposal = activities.propose(chosen.cleaned_data["activity"], new_business=chosen.cleaned_data["new_business"])
    if proposal is None or not proposal.items:
        if proposal is not None:
            chosen.add_error(None, _("These activities need no item that can be applied for here."))
        return render(request, "casefiles/portal/activities.html", {
            "chosen": chosen, "activities": list(activities.offered()),
        }, status=400 if chosen.errors else 200)
    title = _("Business license and permits (一照通行)")
    return _apply(request, title=title, items=proposal.items, proposal=proposal, chosen=chosen,
                  guide_url=reverse("casefiles:apply_activities"), kicker=_("One license, every permit (一照通行)"),
                  bound=request.method == "POST" and request.POST.get("step") == "apply")


def _apply(request, *, title, items, bundle=None, proposal=None, chosen=None, guide_url=None, kicker="", bound=None):
    bound = request.method == "POST" if bound is None else bound
    form = ApplyForm(request.user, request.POST if bound else None, session=request.session,
                     initial=acting.contact_defaults(request.user, request.session))
    closed = [item for item in items if not applications.may_apply_for(request.user, item)]
    status = 400  # the form's own errors; a refusal answers with its status
    if bound and form.is_valid():
        try:
            parent = bundles.start(
                request.user, form.cleaned_data["applicant"], bundle=bundle,
                items=None if bundle is not None else items, title=title,
                activities=proposal.activities if proposal is not None else (),
                contact_name=form.cleaned_data["contact_name"], contact_phone=form.cleaned_data["contact_phone"],
                contact_email=form.cleaned_data["contact_email"],
            )
        except Refused as refused:
            status = refused_form(form, refused)
        else:
            messages.success(request, _("Your draft application %(number)s is saved. Now add the materials, each once.")
                             % {"number": parent.number})
            return redirect("casefiles:case", number=parent.number)
    context = {
        "title": title, "items": items, "closed": closed, "bundle": bundle, "proposal": proposal, "chosen": chosen,
        "form": form, "choices": form.choices, "guide_url": guide_url, "kicker": kicker,
        "materials_count": len(combine(items)),
        "real_name_shortfall": real_names.before_applying(request.user, bundle if bundle is not None else list(items)),
    }
    return render(request, "casefiles/portal/bundle_apply.html", context, status=status if form.errors else 200)


# --- the bundle's page ------------------------------------------------------------------------

def _render(request, parent, *, errors=(), slot_errors=None, status=200):
    may_apply = permissions.can(request.user, "apply_casefile", parent)
    slots = bundles.slots(parent)
    for slot in slots:
        slot.errors = (slot_errors or {}).get(slot.key, [])
        limits = [item.promised_days for item in slot.material.items if item.promised_days]
        slot.commitment = materials.commitment_text(slot.material.name, enterprise=bool(parent.enterprise_id),
                                                    promised_days=min(limits) if limits else None)
    parts = bundles.parts(parent)
    for part in parts:
        part.status_label = wording.status_label(part.case.status)
        part.tone = wording.tone(part.case.status)
        part.outcome_label = OUTCOME_LABELS[part.outcome]
        part.outcome_tone = OUTCOME_TONES.get(part.outcome, "")
        part.action_needed = wording.needs_the_applicant(part.case)
    context = {
        "case": parent,
        "parts": parts,
        "summary": bundles.summary(parent),
        "slots": slots,
        "editing": may_apply and parent.status == Status.DRAFT,
        "may_withdraw": may_apply and bundles.may_withdraw(parent),
        "status_label": wording.status_label(parent.status),
        "tone": wording.tone(parent.status),
        "verification_code": disclosure.verification_code(request.user, parent),
        "contact_phone": disclosure.contact_phone(parent, disclosure.shows_identity(request.user, parent)),
        "timeline": wording.timeline(parent),
        "errors": list(errors),
        "accept": filetypes.ACCEPT,
        "max_mb": materials.limits()["MAX_BYTES"] // 1048576,
        **evaluation_pages.case_context(request.user, parent),  # 好差评: the bundle reviewed as one service
    }
    return render(request, "casefiles/portal/bundle.html", context, status=status)


def bundle_page(request, parent):
    """Called by ``views.case_page`` for a bundle's parent (already checked visible)."""
    if request.method == "GET":
        return _render(request, parent)
    user = request.user
    refusals: dict[str, list[str]] = {}
    stored = 0
    try:
        slots = bundles.slots(parent)
        uploads = [(slot.key, upload) for slot in slots for upload in request.FILES.getlist(f"files-{slot.key}")]
        if uploads:
            rows, refused = bundles.add_shared_files(parent, uploads, user)
            stored += len({m.file.name for m in rows})
            for key, upload, error in refused:
                refusals.setdefault(key, []).append(f"{upload.name}: {error.message}")
        for slot in slots:
            if request.POST.get(f"promise-{slot.key}") and not slot.files and slot.promise is None \
                    and not request.FILES.getlist(f"files-{slot.key}"):
                try:
                    bundles.promise_shared(parent, slot.key, user, request.POST.get(f"commitment-{slot.key}", ""))
                except (Invalid, Conflict) as error:
                    refusals.setdefault(slot.key, []).append(str(error.message))
                else:
                    stored += 1
        remove = _version(request.POST.get("remove"))
        if remove is not None:
            material = Material.objects.filter(pk=remove, case__parent=parent, is_current=True).select_related("case").first()
            if material is not None:
                bundles.remove_shared(parent, material, user)
                stored += 1
    except Refused as error:
        return refused_page(request, error, _render, parent)
    parent.refresh_from_db()
    if refusals:
        message = (ngettext("%(count)d change was saved; the files listed below were not accepted.",
                            "%(count)d changes were saved; the files listed below were not accepted.", stored)
                   % {"count": stored}) if stored else _("The files listed below were not accepted; nothing else changed.")
        return _render(request, parent, errors=[message], slot_errors=refusals, status=400)
    if request.POST.get("action") == "submit":
        try:
            bundles.submit(parent, user, expected_version=_version(request.POST.get("version")))
        except Refused as error:
            parent.refresh_from_db()
            return refused_page(request, error, _render, parent)
        messages.success(request, _("Submitted. Your case number is %(number)s and the verification code is %(code)s. "
                                    "Each department now handles its part at the same time.")
                         % {"number": parent.number, "code": parent.verification_code})
        return redirect("casefiles:case", number=parent.number)
    if stored:
        messages.success(request, _("Saved. Everything you uploaded is kept with the draft; you can come back to it from “My cases”."))
    else:
        messages.info(request, _("Nothing to save: choose files first."))
    return redirect(reverse("casefiles:case", kwargs={"number": parent.number}) + "#materials")


def withdraw_bundle(request, parent):
    """Called by ``views.withdraw`` for a bundle's parent."""
    if not (permissions.can(request.user, "apply_casefile", parent) and bundles.may_withdraw(parent)):
        messages.error(request, _("This application cannot be withdrawn now (%(status)s).") % {"status": wording.status_label(parent.status)})
        return redirect("casefiles:case", number=parent.number)
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                bundles.withdraw(parent, request.user, expected_version=_version(request.POST.get("version")),
                                 reason=form.cleaned_data["reason"])
            except Refused as error:
                status = refused_form(form, error)
            else:
                messages.success(request, _("Application %(number)s withdrawn, with every part still open.") % {"number": parent.number})
                return redirect("casefiles:case", number=parent.number)
    return render(request, "casefiles/portal/withdraw.html", {
        "case": parent, "form": form, "status_label": wording.status_label(parent.status),
        "bundle_parts": [p for p in bundles.parts(parent) if p.case.is_open],
    }, status=status)

