"""一键申报: from a matched policy, apply for its benefit in one step — a draft of the policy's
service item for the enterprise, its form filled from the enterprise's file.

The form is filled as every application's is (``casefiles.forms.prefill``: the record, held
licenses, the latest earlier application), and then the fields whose guide names a fact of the
file (``file.employees``, ``file.registered_capital`` … in ``cms.form_blocks.PREFILL_CHOICES``)
from the file: the registry's value, else what the enterprise declared. The applicant checks
the draft and submits it as any other; nothing is submitted for them.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from casefiles.cases.models import Channel
from casefiles.errors import Conflict, NotFound
from casefiles.forms import definition, prefill, validation
from casefiles.handling import applications
from casefiles.policies import profiles
from cms.models import PolicyPage
from cms.policies import is_in_force

FILE_PREFIX = "file."


def item_of(policy):
    """The item the benefit is applied for through: the policy's own, else its first related item."""
    if policy.application_item_id and policy.application_item.live:
        return policy.application_item
    related = policy.related_items.select_related("item").first()
    return related.item if related is not None and related.item.live else None


def _file_value(profile, fact):
    found = getattr(profile, fact, None)
    if not isinstance(found, profiles.Fact) or found.value is None:
        return None, ""
    value = found.value
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    elif not isinstance(value, (int, str)):
        value = str(value)
    label = _("From your enterprise's file (registry)") if found.source == profiles.VERIFIED \
        else _("From your enterprise's file (declared)")
    return value, label


def from_file(form, enterprise, on=None) -> dict[str, tuple]:
    """key -> (value, where it came from) for the fields the guide fills from the enterprise's file."""
    on = on or timezone.localdate()
    wanted = [field for field in form if field.prefill.startswith(FILE_PREFIX)]
    if not wanted:
        return {}
    profile = profiles.file_of(enterprise, on)
    found = {}
    for field in wanted:
        value, label = _file_value(profile, field.prefill[len(FILE_PREFIX):])
        if value is not None and _passes(field, value, on):
            found[field.key] = (value, label)
    return found


def form_values(form, enterprise, item_code, on=None) -> dict:
    """Every value the form starts with for ``enterprise``: the usual pre-fill, then its file's."""
    on = on or timezone.localdate()
    values = prefill.values(prefill.prefill(form, enterprise, item_code=item_code, today=on))
    for key, (value, _label) in from_file(form, enterprise, on).items():
        if values.get(key) in (None, "", []):
            values[key] = value
    return values


def sources(case) -> dict:
    """key -> ``prefill.Prefilled`` for the values the case's form still holds from its
    enterprise's file: the draft's page says where they came from, as for every pre-filled value."""
    if case.enterprise_id is None:
        return {}
    values = case.form_data or {}
    return {key: prefill.Prefilled(value, "file", label)
            for key, (value, label) in from_file(definition.of_case(case), case.enterprise).items()
            if values.get(key) == value}


def _passes(field, value, on) -> bool:
    """A value the field would refuse (a date where a number is asked …) is not offered."""
    try:
        validation.clean_value(field, value, today=on, partial=True)
    except validation.BadValue:
        return False
    return True


def apply(user, policy_pk, enterprise):
    """A draft application for the benefit of policy ``policy_pk`` by ``enterprise``, pre-filled;
    ``NotFound`` for a policy not published, ``Conflict`` for one not in force or with no item open
    for applications online, ``NotPermitted`` for a user who may not act for the enterprise."""
    policy = PolicyPage.objects.live().public().filter(pk=policy_pk).select_related("application_item").first()
    if policy is None:
        raise NotFound(_("No such policy."))
    if not is_in_force(policy):
        raise Conflict(_("This policy is not in force."))
    item = item_of(policy)
    if item is None:
        raise Conflict(_("This policy names no service item to apply through; its text says how to benefit."))
    form = definition.of_page(item)
    values = form_values(form, enterprise, item.item_code)
    return applications.start(user, item, enterprise, channel=Channel.ONLINE, form_data=values,
                              **applications.contact_defaults(user))
