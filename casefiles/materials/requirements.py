"""What a case needs of its materials, as the workflow's conditions ask it: which required
materials are missing, whether anything was promised for later (容缺) and whether it has come
— registered on the workflow as named guards by ``casefiles.materials.hooks``."""

from django.utils.translation import gettext_lazy as _

from casefiles.materials.models import Material


def current(case):
    """The case's current materials (every file the case holds now, and every promise)."""
    return Material.objects.filter(case=case, is_current=True)


# Requirements other components count as supplied: each function returns ids for a case
# (a bundle's part waiting for the license a sibling issues, 证照联办: casefiles.bundles.joint).
_satisfied_elsewhere = []


def also_satisfied(provider) -> None:
    if provider not in _satisfied_elsewhere:
        _satisfied_elsewhere.append(provider)


def license_uses(ctx) -> list:
    """The licenses chosen in place of materials of the step's case (免提交), each with its license
    and the license's type: read once for the step, for this guard and ``licenses_in_use_are_valid``."""
    return ctx.once("license_uses", lambda: list(
        ctx.case.license_uses.select_related("license__license_type").order_by("requirement_name")))


def missing_requirements(case, allow_deferred=False, *, uses=None):
    """Names of required materials that have no current file (or an accepted promise);
    ``uses``: the case's license uses if read already (``license_uses``)."""
    requirements = case.item.material_requirements.all()
    by_license = (set(case.license_uses.values_list("requirement_id", flat=True)) if uses is None  # 免提交
                  else {use.requirement_id for use in uses})
    for provider in _satisfied_elsewhere:
        by_license |= provider(case)
    present = {}
    for material in current(case):
        if material.requirement_id is not None:
            present.setdefault(material.requirement_id, []).append(material)
    missing = []
    for requirement in requirements:
        if not requirement.required:
            continue
        supplied = present.get(requirement.pk, [])
        if requirement.pk in by_license or any(not m.deferred for m in supplied):
            continue
        if allow_deferred and any(m.deferred for m in supplied):
            continue
        missing.append(requirement.name)
    return missing


def has_required_materials(ctx):
    missing = missing_requirements(ctx.case, allow_deferred=ctx.case.item.tolerant_acceptance, uses=license_uses(ctx))
    if missing:
        return _("Required materials are missing: %(names)s.") % {"names": "、".join(missing)}
    return None


def has_every_material_in_hand(ctx):
    missing = missing_requirements(ctx.case, uses=license_uses(ctx))
    if missing:
        return _("Not every required material is in hand (%(names)s): accept with deferred materials (容缺受理) or request a correction.") % {"names": "、".join(missing)}
    return None


def tolerant_acceptance_possible(ctx):
    if not ctx.case.item.tolerant_acceptance:
        return _("This item does not allow tolerant acceptance (容缺受理).")
    if not current(ctx.case).filter(deferred=True).exists():
        return _("No material was promised for later: use the ordinary acceptance.")
    return None


def deferred_materials_supplied(ctx):
    if current(ctx.case).filter(deferred=True).exists():
        return _("Materials accepted as deferred (容缺) have not been supplied yet.")
    return None


def reject_listed(ctx):
    """A correction notice (补正告知书) rejects the materials it lists, each with its problem."""
    for problem in ctx.params["problems"]:
        material_id = problem.get("material_id")
        if material_id:
            Material.objects.filter(case=ctx.case, pk=material_id).update(
                review_state=Material.Review.REJECTED, review_reason=str(problem["problem"])[:300],
                reviewed_by=ctx.user, reviewed_at=ctx.now,
            )
