"""What 好差评 registers on the components below it at start-up (``CasefilesConfig.ready``
imports this module and calls the functions below): the 扫码评价 block on the notices that close a
case (``links.NOTICE_KINDS``: the signed link and its QR code), the guide page's figures, the
statistics' figures, and the rectifications' lights on the supervision pass (``rectifications.sweep_lights``
on ``supervision.alerts``, which imports nothing of the evaluations)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.evaluations import links, rectifications, results
from casefiles.evaluations.models import Level
from casefiles.notices import documents
from casefiles.supervision import alerts, statistics
from casefiles.supervision.statistics import Column, Figure
from cms.models import guide


def _guide_figures(page) -> dict:
    return {"review_figures": results.for_guide(page.pk, page.department_id)}


def register_guide_page() -> None:
    """A guide page (办事指南) shows its item's and its department's 好差评 over the last 12 months."""
    if _guide_figures not in guide.GUIDE_CONTEXT:
        guide.GUIDE_CONTEXT.append(_guide_figures)


def register_statistics() -> None:
    """满意度 and 整改按期率 among the statistics' figures (page, CSV/XLSX, API), filtered by the
    page's period (of the reviews' dates) and departments (``evaluations.results``)."""
    levels = tuple(Column(name, Level(level).label) for name, level in results.LEVEL_FIELDS)
    statistics.add_figure(Figure(
        "satisfaction", _("Satisfaction (满意度)"), results.satisfaction_figure,
        (Column("label", _("Department"), "text"), *levels, Column("total", pgettext_lazy("reviews", "Reviews")),
         Column("rate", _("Satisfaction (满意度)"), "rate"), Column("bad", _("Bad reviews (差评)"))),
        "bar", ("rate",),
        _("Reviews given in the period, a case's second review in place of its first, reviews excluded by a "
          "supervisor left out: very satisfied, satisfied and fairly satisfied ÷ all reviews.")))
    statistics.add_figure(Figure(
        "rectification-on-time", _("Rectification on time (整改按期率)"), results.rectification_figure,
        (Column("label", _("Department"), "text"), Column("due", _("Rectifications due")),
         Column("on_time", _("Called back by the due date")),
         Column("rate", _("Rectification on time (整改按期率)"), "rate")),
        "bar", ("rate",),
        _("Of the rectifications opened by bad reviews given in the period whose due date has passed or that "
          "are done, those called back on or before the due date.")))


def register_supervision_pass() -> None:
    """The rectifications' lights turn with the supervision pass: their alerts go out once per change."""
    alerts.also_run("rectifications", rectifications.sweep_lights)


@documents.adds_qr_block
def review_link(case, kind):
    """The notices that close a case carry the link to review the service, and its QR code."""
    if kind not in links.NOTICE_KINDS:
        return None
    return _("Scan to review the service (好差评)"), links.url_for(case)
