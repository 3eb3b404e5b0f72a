"""一件事's one form and 证照联办: a field asked once across the bundle's items, and a license one
part issues standing in for the matching material of the other parts.

**One form.** ``form(parent)`` merges the parts' forms in the bundle's order, each key asked once
(the first part's field stands for every part that asks the same key). ``save_form`` writes each
part's share of the values through ``casefiles.forms.storing.save`` — checked by each part's own
form — and refuses as one: every field's message at once, nothing written. ``starting_values``
gives each new part its pre-filled values and the shared ones typed for the bundle.

**证照联办.** A part whose material accepts a license type that another part of the same bundle
produces (the 营业执照 that 企业设立登记 issues, for 公章刻制备案), while the applicant holds no
valid one, **waits for it**: the material counts as coming (the materials' guard is told, by
``awaited_requirement_ids``), the part says what it waits for (``waiting``), and it cannot be
approved before the license exists (the guard ``awaited_licenses_issued``). When the issuing part
is approved, its license is used for every waiting material at once (``use_issued``: a
``LicenseUse`` each, journaled on the waiting part).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casefiles.cases.models import CaseFile
from casefiles.errors import NotPermitted
from casefiles.forms import definition, prefill, storing
from casefiles.forms.validation import FormInvalid
from casefiles.journal import records
from casefiles.licenses.models import License, LicenseUse


def _parts(parent) -> list[CaseFile]:
    return list(parent.children.select_related("item", "item__result_license_type").order_by("pk"))


def merge(forms) -> definition.Form:
    fields, seen = [], set()
    for form in forms:
        for field in form:
            if field.key not in seen:
                seen.add(field.key)
                fields.append(field)
    return definition.Form(tuple(fields))


def form(parent) -> definition.Form:
    return merge(definition.of_case(part) for part in _parts(parent))


def values(parent) -> dict:
    """The bundle's form as it stands: each key's value from the first part that asks it."""
    found = {}
    for part in _parts(parent):
        for key, value in (part.form_data or {}).items():
            found.setdefault(key, value)
    return found


def share(form_of_part, data: dict) -> dict:
    return {key: value for key, value in (data or {}).items() if form_of_part.get(key) is not None}


def starting_values(item, applicant, data=None) -> dict:
    """A new part's form: pre-filled, then what was typed for the bundle that its form asks."""
    return {**storing.starting_values(item, applicant), **share(definition.of_item(item), data)}


@transaction.atomic
def save_form(parent, data: dict, user, *, complete: bool = False) -> dict:
    if not parent.is_bundle:
        raise NotPermitted(_("This is not a bundle application."))
    errors = {}
    for part in _parts(parent):
        mine = share(definition.of_case(part), data)
        try:
            storing.save(part, mine, user, complete=complete)
        except FormInvalid as invalid:
            for key, messages in invalid.errors.items():
                errors.setdefault(key, messages)
    if errors:
        raise FormInvalid(errors)
    return values(parent)


# --- 证照联办 -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Waiting:
    requirement: object  # cms.MaterialRequirement
    license_type: object
    issuing_part: CaseFile


def waiting(part, *, held_counts: bool = True) -> list[Waiting]:
    """The materials of ``part`` that wait for a license another part of its bundle issues
    (``held_counts=False``: even if the applicant holds one now — the one just issued)."""
    if not part.parent_id:
        return []
    siblings = [s for s in CaseFile.objects.filter(parent_id=part.parent_id).exclude(pk=part.pk)
                .select_related("item__result_license_type")]
    producers = {s.item.result_license_type_id: s for s in siblings if s.item.result_license_type_id}
    if not producers:
        return []
    used = set(part.license_uses.values_list("requirement_id", flat=True))
    held = {lic.license_type_id for lic in prefill.valid_licenses(part.applicant)} if held_counts else set()
    found = []
    for requirement in part.item.material_requirements.prefetch_related("license_types"):
        if requirement.pk in used:
            continue
        for license_type in requirement.license_types.all():
            if license_type.pk in producers and license_type.pk not in held:
                found.append(Waiting(requirement, license_type, producers[license_type.pk]))
                break
    return found


def awaited_requirement_ids(case) -> set:
    return {w.requirement.pk for w in waiting(case)}


def awaited_licenses_issued(ctx):
    """The approve guard of a waiting part: the license it waits for is issued first."""
    names = [f"{w.license_type.name}（{w.issuing_part.item_title}）" for w in waiting(ctx.case)]
    if names:
        return _("This part waits for the license another part of the bundle issues: %(licenses)s.") % {
            "licenses": "、".join(names)}
    return None


def use_issued(ctx, event=None):
    """After a part's approval issued its license: every sibling waiting for it uses it."""
    case = ctx.case
    if ctx.step.name != "approve" or not case.parent_id or not ctx.data.get("license"):
        return
    license = License.objects.filter(identifier=ctx.data["license"]).first()
    if license is None:
        return
    for sibling in CaseFile.objects.filter(parent_id=case.parent_id).exclude(pk=case.pk):
        for wait in waiting(sibling, held_counts=False):
            if wait.license_type.pk != license.license_type_id:
                continue
            LicenseUse.objects.get_or_create(case=sibling, requirement=wait.requirement, license=license,
                                             defaults={"requirement_name": wait.requirement.name, "user": ctx.user})
            records.record(sibling, "use_license", ctx.user, from_state=sibling.status, to_state=sibling.status,
                           data={"material": wait.requirement.name, "license": license.identifier,
                                 "issued_by_part": case.number})
