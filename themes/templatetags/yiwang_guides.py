"""Small display helpers for the guide, bundle and topic templates (labels, not rules)."""

from django import template

from cms.models import BundlePage, MaterialRequirement

register = template.Library()


@register.filter
def material_form(code):
    """The label of a material form code (``"copy"`` → 复印件), as ``CombinedMaterial`` holds codes."""
    try:
        return MaterialRequirement.Form(code).label
    except ValueError:
        return code


@register.filter
def is_bundle(page):
    return isinstance(page, BundlePage)
