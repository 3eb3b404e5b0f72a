"""For the 我的空间 pages — the portal's /my/ and allauth's account pages, themed:

- ``{% space_nav %}``: their shared links, the account's (overview, password, mobile number,
  second factor, sessions) and the user's affairs, the page shown marked current. Only a
  person's account has a mobile number to change.
- ``{% workbench_asks_second_factor as asks %}``: whether the workbench asks the user for a
  second factor (config.staff_mfa).
- ``number|masked_mobile``: 138****8011 (casefiles.directory.identifiers.mask_mobile).
"""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casefiles.directory.identifiers import mask_mobile
from casefiles.registration.adapter import person_of
from config import staff_mfa

register = template.Library()


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool


def _link(label, name, path, *, within=()) -> Link:
    url = reverse(name)
    return Link(label, url, path == url or any(path.startswith(reverse(other)) for other in within))


def links(user, path: str) -> dict[str, list[Link]]:
    account = [
        _link(_("Overview"), "casefiles:my_space", path),
        _link(_("Password"), "account_change_password", path, within=["account_set_password"]),
    ]
    if person_of(user) is not None:
        account.append(_link(_("Mobile number"), "account_change_phone", path, within=["account_verify_phone"]))
    account += [
        _link(_("Second factor"), "mfa_index", path, within=["mfa_index"]),
        _link(_("Signed-in devices"), "usersessions_list", path),
    ]
    affairs = [
        _link(_("My cases"), "casefiles:my_cases", path),
        _link(_("My messages"), "casefiles:messages", path),
        _link(_("My favourites"), "casefiles:my_favourites", path),
        _link(_("My licenses"), "licenses:wallet", path),
        _link(_("My enterprises"), "casefiles:my_enterprises", path),
        _link(_("Agents (帮办代办)"), "casefiles:my_agents", path),
        _link(_("Policy calculator (政策计算器)"), "casefiles:policy_calculator", path),
        _link(_("Policy subscriptions (政策订阅)"), "casefiles:policy_subscriptions", path),
        _link(_("Benefits without application (免申即享)"), "casefiles:benefits", path, within=["casefiles:benefits"]),
    ]
    return {"account": account, "affairs": affairs}


@register.inclusion_tag("casefiles/portal/includes/space_nav.html", takes_context=True)
def space_nav(context):
    request = context["request"]
    return {"nav": links(request.user, request.path)}


@register.simple_tag(takes_context=True)
def workbench_asks_second_factor(context) -> bool:
    return staff_mfa.required(context["request"].user)


@register.filter
def masked_mobile(number) -> str:
    return mask_mobile(str(number or "")) if number else ""
