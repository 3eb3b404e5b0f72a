"""Saving what the applicant (or the window clerk with them) typed into the case's form.

``save`` checks the values (``validation.clean``; ``complete``: every required field too), keeps
the locked pre-filled values as their source has them, and writes ``CaseFile.form_data`` under
the case's row lock while the application is with the applicant, journaling which fields
changed (their names, not their values: the journal is read by supervision). A refusal writes
nothing, and the page or the API shows each field's message beside what was typed.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.cases import states
from casefiles.cases.models import CaseFile
from casefiles.errors import Conflict, NotPermitted
from casefiles.forms import definition, prefill, validation
from casefiles.journal import records


def starting_values(item, applicant, *, today=None) -> dict:
    """What a new application's form holds before anything is typed: every pre-filled value."""
    form = definition.of_item(item)
    return prefill.values(prefill.prefill(form, applicant, item_code=item.item_code, today=today))


def sources(case) -> dict[str, prefill.Prefilled]:
    """Where each value the case's form holds came from, while it still holds that value."""
    form = definition.of_case(case)
    found = prefill.prefill(form, case.applicant, item_code=case.item_code, exclude_case=case)
    values = case.form_data or {}
    return {key: p for key, p in found.items() if values.get(key) == p.value}


def merged(case, data: dict, *, replace: bool = False) -> dict:
    """``data`` over what the case holds (``replace``: ``data`` alone), the locked values as their source has them."""
    form = definition.of_case(case)
    found = prefill.prefill(form, case.applicant, item_code=case.item_code, exclude_case=case)
    values = dict(data) if replace else {**(case.form_data or {}), **data}
    for key, p in found.items():
        if p.locked:
            values[key] = p.value
    return values


@transaction.atomic
def save(case, data: dict, user, *, complete: bool = False, replace: bool = False) -> CaseFile:
    """Store the form's values (``replace``: exactly ``data``, else ``data`` over what is held)."""
    if not permissions.can(user, "apply_casefile", case):
        raise NotPermitted(_("You may not change this application."))
    given, case = case, CaseFile.objects.select_for_update().get(pk=case.pk)
    if not states.allows("edit_form", case.status):
        raise Conflict(_("The application form cannot be changed now."))
    form = definition.of_case(case)
    if not isinstance(data, dict):
        data = {"form_data": data}  # refused below, as the form's own message
    values = merged(case, data, replace=replace)
    cleaned = validation.clean(form, values, partial=not complete)
    changed = sorted(key for key in set(cleaned) | set(case.form_data or {})
                     if cleaned.get(key) != (case.form_data or {}).get(key))
    if changed:
        case.form_data = given.form_data = cleaned  # the caller's record too: a submission next reads it
        CaseFile.objects.filter(pk=case.pk).update(form_data=cleaned)
        records.record(case, "edit_form", user, from_state=case.status, to_state=case.status,
                       data={"fields": changed[:50]})
    return case


def form_is_complete(ctx):
    """The submit guard: every field the form asks is filled and right."""
    form = definition.of_case(ctx.case)
    if not form:
        return None
    labels = validation.missing(form, ctx.case.form_data or {})
    if labels:
        return _("The application form is not complete: %(fields)s.") % {"fields": "、".join(labels)}
    return None
