"""What an item's form, its 秒批 rules and the license it produces must agree on — checked when
the guide is saved or published (``ServiceItemPage.clean``), so that a mistake is the editor's
message, never a "—" on a certificate or a rule that can never hold."""

from django.utils.translation import gettext as _

from casefiles.forms import definition, licensing


def problems(page) -> list[str]:
    form = definition.of_page(page)
    found = []
    seen = set()
    for field in form:
        if field.key in seen:
            found.append(_("Two fields have the key %(key)s.") % {"key": field.key})
        if field.condition is not None and field.condition.field not in seen:
            found.append(_("%(label)s is asked only when %(other)s …, but no earlier field has that key.") % {
                "label": field.label, "other": field.condition.field})
        seen.add(field.key)
        if field.type == "choice" and not field.options:
            found.append(_("%(label)s has no options.") % {"label": field.label})
        if field.prefill == "license" and not field.prefill_license_type:
            found.append(_("%(label)s is pre-filled from a license: name the license type.") % {"label": field.label})
        if field.type == "table" and len({c.key for c in field.columns}) != len(field.columns):
            found.append(_("Two columns of %(label)s have the same key.") % {"label": field.label})
    found += licensing.unfilled(page, form)
    for block in page.instant_rules or []:
        if block.block_type == "field" and form.get(block.value.get("field")) is None:
            found.append(_("The instant-approval rule “%(rule)s” names a field the form does not have: %(key)s.") % {
                "rule": block.value.get("label"), "key": block.value.get("field")})
    if page.instant_approval and not list(page.instant_rules or []):
        found.append(_("Instant approval (秒批) needs at least one rule."))
    return found
