"""督办's pages in the admin: the orders a user may see (filtered by status and department), an
order with the department's reply form, issuing an order (on a case: ``?case=<number>``; on a
department), and the home page's "Orders waiting" panel. The rules are
casefiles.supervision.orders'; an order the user may not see answers like a missing one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.admin.ui.components import Component

from casefiles.access import permissions
from casefiles.cases.models import CaseFile
from casefiles.directory.models import Department
from casefiles.errors import NotFound, Refused
from casefiles.supervision import orders, people
from casefiles.workbench.errors import as_missing, refused_form, refused_page


may_see_orders = people.may_see_supervision
_departments = people.departments_seen


def _row(order, today):
    state = orders.status(order, today)
    return {"order": order, "status": state, "label": orders.OrderStatus.LABELS[state],
            "url": reverse("supervision_admin:order", args=[order.pk])}


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=pgettext_lazy("supervision order", "Status"), required=False,
                               choices=[("", pgettext_lazy("filter", "All"))] + orders.OrderStatus.choices)
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), required=False, queryset=Department.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments(user)


@require_GET
def order_list(request):
    user = request.user
    if not may_see_orders(user):
        raise PermissionDenied
    today = timezone.localdate()
    form = FilterForm(request.GET or None, user=user)
    status = 200
    found = orders.visible_orders(user).none()
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        found = orders.listing(user, data.get("status") or "", data.get("department"), today)
    rows = [_row(order, today) for order in found[:500]]
    return TemplateResponse(request, "casefiles/workbench/orders.html", {
        "header_title": _("Supervision orders (督办)"), "form": form, "rows": rows,
        "may_issue": orders.may_issue(user), "issue_url": reverse("supervision_admin:issue_order"),
    }, status=status)


class ReplyForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("The department's reply"), widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=orders.TEXT_CHARS)


def _order_page(request, order, form, status=200):
    return TemplateResponse(request, "casefiles/workbench/order.html", {
        "header_title": _("Supervision order (督办): %(subject)s") % {"subject": order.subject},
        "order": order, "row": _row(order, timezone.localdate()), "form": form,
        "list_url": reverse("supervision_admin:orders"),
        "case_url": reverse("casefiles_workbench:case", args=[order.case.number]) if order.case_id else "",
    }, status=status)


@require_http_methods(["GET", "POST"])
def order_detail(request, pk):
    try:
        order = orders.visible_order(request.user, pk)
    except NotFound as error:
        as_missing(error)
    may_reply = not order.is_answered and orders.may_reply(request.user, order)
    if request.method != "POST":
        return _order_page(request, order, ReplyForm() if may_reply else None)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, form, status=400)
    try:
        orders.reply(order, request.user, form.cleaned_data["text"])
    except Refused as error:
        return _order_page(request, order, form, status=refused_form(form, error))
    messages.success(request, _("Reply recorded: the issuer has been told."))
    return redirect("supervision_admin:order", pk=order.pk)


class IssueForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), required=False,
                                        queryset=Department.objects.filter(is_active=True).order_by("code"))
    subject = forms.CharField(label=pgettext_lazy("supervision order", "Subject"), max_length=orders.SUBJECT_CHARS)
    text = forms.CharField(label=pgettext_lazy("supervision order", "What is to be done"), widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=orders.TEXT_CHARS)
    reply_due = forms.DateField(label=pgettext_lazy("supervision order", "Reply due"), widget=forms.DateInput(attrs={"type": "date"}))


def _issue_page(request, form, case, status=200):
    return TemplateResponse(request, "casefiles/workbench/order_issue.html", {
        "header_title": _("Issue a supervision order (督办)"), "form": form, "case": case,
        "case_url": reverse("casefiles_workbench:case", args=[case.number]) if case else "",
        "list_url": reverse("supervision_admin:orders"),
    }, status=status)


@require_http_methods(["GET", "POST"])
def issue_order(request):
    user = request.user
    try:
        orders.require_issuer(user)
    except Refused as error:  # the page without its form, with the reason and the refusal's status (403)
        return refused_page(request, error, _issue_page, None, None)
    case = None
    number = request.GET.get("case", "").strip()
    if number:
        case = CaseFile.objects.select_related("department").filter(number=number).first()
        if case is None or not permissions.can(user, "view_casefile", case):
            as_missing(NotFound(_("No such case.")))
    initial = {"department": request.GET.get("department")} if not case else {}
    if request.method != "POST":
        return _issue_page(request, IssueForm(initial=initial), case)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _issue_page(request, form, case, status=400)
    data = form.cleaned_data
    try:
        order = orders.issue(user, case=case, department=None if case else data["department"], subject=data["subject"],
                             text=data["text"], reply_due=data["reply_due"])
    except Refused as error:
        return _issue_page(request, form, case, status=refused_form(form, error))
    messages.success(request, _("Order issued: the department's leads have been told."))
    return redirect("supervision_admin:order", pk=order.pk)


class OrdersWaitingPanel(Component):
    """The home page's "Orders waiting": the orders the user should act on, overdue in red."""

    name = "orders_waiting"
    template_name = "casefiles/workbench/_orders_waiting_panel.html"
    order = 120

    def __init__(self, rows, list_url):
        self.rows, self.list_url = rows, list_url

    def get_context_data(self, parent_context=None):
        return {"rows": self.rows, "list_url": self.list_url,
                "overdue": sum(1 for row in self.rows if row["status"] == orders.OrderStatus.OVERDUE)}


def orders_waiting_panel(request, panels) -> None:
    """``construct_homepage_panels``: the panel, for a user with orders waiting."""
    user = request.user
    if not may_see_orders(user):
        return
    today = timezone.localdate()
    rows = [_row(order, today) for order in orders.waiting_for(user)[:10]]
    if rows:
        panels.append(OrdersWaitingPanel(rows, reverse("supervision_admin:orders")))

