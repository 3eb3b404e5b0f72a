"""The staff's lists of work (the inbox's tabs): which cases each holds, and how many.

One place for the tabs, read by the inbox (``casefiles.workbench.inbox``) and the staff home
page (``casefiles.supervision.dashboard``), so a tab's count on the home page is the count the
inbox shows. A bundle's parent (一件事) is nobody's acceptance work — each part is accepted by its
own department — so it stays out of 待受理.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.access import permissions
from casefiles.cases import states
from casefiles.cases.models import Status


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    statuses: tuple[str, ...]  # empty: every state
    bundles: bool = True  # False: a bundle's parent is not in this list


TABS = (
    Tab("submitted", _("To accept"), (Status.SUBMITTED,), bundles=False),  # 待受理
    Tab("non_acceptance", _("Non-acceptance to confirm"), (Status.NON_ACCEPTANCE_PENDING,), bundles=False),  # the deciders'
    Tab("correction", _("Being corrected"), (Status.CORRECTION_REQUESTED,)),  # 补正中
    Tab("review", _("Under review"), states.UNDER_EXAMINATION),  # 审查中
    Tab("denial", _("Denial to confirm"), (Status.DENIAL_PENDING,)),  # 待复核否决
    Tab("decided", _("Decided"), states.DECIDED),  # 已决定
    Tab("closed", _("Closed"), states.CLOSED),  # 已办结
    Tab("all", pgettext_lazy("filter", "All"), ()),
)
TAB_BY_KEY = {tab.key: tab for tab in TABS}


def listing(user, tab: Tab):
    """The cases of ``tab`` that ``user`` handles as staff (``permissions.staff_cases``)."""
    return permissions.staff_cases(user, tab.statuses, bundles=tab.bundles)


def tab_counts(user) -> dict[str, int]:
    """{tab key: how many cases ``listing(user, tab)`` holds}, for every tab at once, from the
    tallies (``permissions.staff_counts``: three queries, no case counted)."""
    by_status, parents = permissions.staff_counts(user, states.FILED)
    found = {}
    for tab in TABS:
        statuses = tab.statuses or states.FILED
        found[tab.key] = sum(by_status.get(s, 0) for s in statuses) - (
            0 if tab.bundles else sum(parents.get(s, 0) for s in statuses))
    return found


def default_tab(user) -> str:
    """Where each role's work waits: clerks accept, reviewers and deciders review."""
    if user.has_perm("casefiles.accept_casefile") or permissions.department_ids(user, ("clerk",)):
        return "submitted"
    if permissions.department_ids(user, ("reviewer", "decider")):
        return "review"
    return "all"
