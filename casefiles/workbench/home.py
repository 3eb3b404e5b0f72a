"""The staff home page (the Wagtail admin's dashboard): the user's own work, as
``casefiles.supervision.dashboard.figures`` counts it — each inbox tab, the lights, my cases, the
cases turning red soonest — each figure a link to the inbox showing exactly those cases.

Other panels (the orders waiting, …) register their own ``construct_homepage_panels`` hook; this
panel's ``order`` puts it first, theirs follow it (``order`` > ``ORDER``).
"""

from urllib.parse import urlencode

from django.urls import reverse
from laces.components import Component

from casefiles.supervision import clocks, dashboard
from casefiles.workbench import access

ORDER = 50  # before Wagtail's own panels (110 and up)


def inbox_link(**params) -> str:
    return f"{reverse('casefiles_workbench:inbox')}?{urlencode(params)}"


class MyWorkPanel(Component):
    name = "casefiles_my_work"
    template_name = "casefiles/workbench/home_panel.html"
    order = ORDER

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        found = dashboard.figures(self.user)
        return {
            "figures": found,
            "tabs": [{"label": t.tab.label, "count": t.count, "url": inbox_link(tab=t.tab.key)} for t in found.tabs],
            "lights": [{"light": colour, "count": found.lights[colour], "url": inbox_link(tab="all", light=colour)}
                       for colour in ("red", "yellow", "green")],
            "mine_url": inbox_link(tab="mine"),
            "soonest": [{"case": case, "red_on": case.red_date, "stage": clocks.stage_of(case.status),
                         "url": reverse("casefiles_workbench:case", args=[case.number])} for case in found.soonest],
        }


def construct_homepage_panels(request, panels) -> None:
    if access.is_case_staff(request.user):
        panels.append(MyWorkPanel(request.user))
