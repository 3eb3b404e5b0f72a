"""The Wagtail admin's license pages: the issuing department's list of licenses with
suspension, reinstatement and revocation (``lifecycle.suspend`` / ``reinstate`` / ``revoke``),
and supervision's 用证率 report (``reuse.usage_report``).

A license outside the user's reach answers 404, like one that does not exist.
"""

import csv
import dataclasses

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from casefiles.access import disclosure
from casefiles.directory.models import Department
from casefiles.errors import Refused
from casefiles.licenses import certificates, lifecycle, reuse, staff
from casefiles.licenses.models import LicenseType
from casefiles.portal.license_forms import DateRangeForm, IssuedFilterForm, ReasonForm
from casefiles.workbench.errors import refused_form

PAGE_SIZE = 50

# The status changes, in the order the page offers them: (domain function, button, done message).
ACTIONS = {
    "suspend": (lifecycle.suspend, gettext_lazy("Suspend"), gettext_lazy("License %(number)s suspended.")),
    "reinstate": (lifecycle.reinstate, gettext_lazy("Reinstate"), gettext_lazy("License %(number)s reinstated.")),
    "revoke": (lifecycle.revoke, gettext_lazy("Revoke"), gettext_lazy("License %(number)s revoked.")),
}
# Which actions a status allows (the domain checks again; this only decides what to offer).
OFFERED = {"valid": ("suspend", "revoke"), "suspended": ("reinstate", "revoke")}

EVENT_LABELS = {
    "issue": gettext_lazy("Issued"),
    "suspend": gettext_lazy("Suspended"),
    "reinstate": gettext_lazy("Reinstated"),
    "revoke": gettext_lazy("Revoked"),
    "expire": gettext_lazy("Expired"),
    "supersede": gettext_lazy("Superseded"),
}


def _require_staff(user):
    if not staff.is_license_staff(user):
        raise PermissionDenied


def _visible_license(request, pk):
    license = staff.visible_licenses(request.user).select_related("signing_key", "source_case").filter(pk=pk).first()
    if license is None:
        raise Http404(_("No such license."))
    return license


@require_GET
def issued_list(request):
    user = request.user
    _require_staff(user)
    visible = staff.issued_licenses(user)
    types = LicenseType.objects.filter(pk__in=visible.values("license_type_id")).order_by("name")
    form = IssuedFilterForm(request.GET or None, license_types=types)
    found = visible
    if form.is_valid():
        found = staff.search(found, form.cleaned_data["q"])
        if form.cleaned_data["status"]:
            found = found.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["license_type"]:
            found = found.filter(license_type=form.cleaned_data["license_type"])
    page = Paginator(found.select_related("person").order_by("-issue_date", "-pk"), PAGE_SIZE).get_page(request.GET.get("p"))
    for license in page:  # a person's number whole for the issuing department, masked for supervision
        license.shown_holder_code = disclosure.holder_code(user, license)
    return TemplateResponse(request, "casefiles/licenses/admin/list.html", {
        "header_title": _("Electronic licenses"),
        "form": form,
        "filtered": any(request.GET.get(name) for name in ("q", "status", "license_type")),
        "page": page,
        "sees_all": staff.sees_all(user),
    })


def _detail(request, license, *, form=None, failed_action=None, status=200):
    may_manage = lifecycle.may_manage(request.user, license)
    offered = OFFERED.get(license.status, ()) if may_manage else ()
    shown = disclosure.shows_holder_code(request.user, license)
    rows = certificates.data_rows(license)
    if not shown:  # supervision reads the license with every identity number in it masked
        rows = [dataclasses.replace(row, value=disclosure.redact(row.value)[0]) for row in rows]
    return TemplateResponse(request, "casefiles/licenses/admin/detail.html", {
        "header_title": f"{license.license_type.name} {license.number}",
        "license": license,
        "holder_code": disclosure.holder_code(request.user, license),
        "rows": rows,
        "events": [
            {"event": event, "label": EVENT_LABELS.get(event.action, event.action)}
            for event in license.events.select_related("actor").order_by("created_at", "pk")
        ],
        "may_manage": may_manage,
        "actions": [
            {"name": name, "label": ACTIONS[name][1],
             "form": form if failed_action == name else ReasonForm(auto_id=f"id_{name}_%s")}
            for name in offered
        ],
    }, status=status)


@require_GET
def license_detail(request, pk):
    _require_staff(request.user)
    return _detail(request, _visible_license(request, pk))


@require_POST
def change_status(request, pk, action):
    _require_staff(request.user)
    license = _visible_license(request, pk)
    if action not in ACTIONS:
        raise Http404
    if not lifecycle.may_manage(request.user, license):
        raise PermissionDenied
    form = ReasonForm(request.POST, auto_id=f"id_{action}_%s")
    if not form.is_valid():
        return _detail(request, license, form=form, failed_action=action, status=400)
    function, _label, done = ACTIONS[action]
    try:
        function(license, request.user, form.cleaned_data["reason"])
    except Refused as refused:
        return _detail(request, license, form=form, failed_action=action, status=refused_form(form, refused))
    messages.success(request, done % {"number": license.number})
    return redirect("licenses_admin:detail", pk=license.pk)


@require_GET
def certificate(request, pk):
    _require_staff(request.user)
    license = _visible_license(request, pk)
    # Supervision reads a copy with the holder's number masked (certificates.open_certificate_for).
    response = FileResponse(certificates.open_certificate_for(license, request.user)[0], content_type="application/pdf")
    response["Content-Disposition"] = certificates.content_disposition(license, inline=True)
    return response


@require_GET
def usage(request):
    if not staff.may_see_usage(request.user):
        raise PermissionDenied
    form = DateRangeForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = reuse.usage_report(start=start, end=end) if not form.errors else {"departments": [], "districts": []}
    names = _district_names(report["districts"])
    trend = reuse.monthly_trend()
    if request.GET.get("format") == "csv":
        return _usage_csv(report, names, trend)
    return TemplateResponse(request, "casefiles/licenses/admin/usage.html", {
        "header_title": _("License reuse (用证率)"),
        "form": form,
        "start": start,
        "end": end,
        "departments": [_usage_row(row, row.label) for row in report["departments"]],
        "districts": [_usage_row(row, names.get(row.key) or row.label, code=row.key) for row in report["districts"]],
        "total": _usage_row(report["total"], _("All departments")) if "total" in report else None,
        "trend": [_usage_row(row, row.label) for row in trend],
        "department_target": _percent(reuse.TARGET_DEPARTMENT),
        "district_target": _percent(reuse.TARGET_DISTRICT),
        "csv_query": _with_csv(request),
    })


def _with_csv(request) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


def _usage_csv(report, names, trend) -> HttpResponse:
    """The report as a spreadsheet reads it: one row per department, district and month."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="license-reuse.csv"'
    response.write("\ufeff")  # so that a spreadsheet reads the Chinese names as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Kind"), pgettext("table column", "Name"), _("Eligible cases"), _("Used a license"), _("Share")])
    for kind, rows in ((_("Department"), report["departments"]), (_("District"), report["districts"]),
                       (_("Month"), trend)):
        for row in rows:
            label = names.get(row.key) or row.label if rows is report["districts"] else row.label
            writer.writerow([kind, label, row.eligible, row.used, f"{row.share * 100:.1f}"])
    return response


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %".replace(".0 %", " %")


def _usage_row(row, name, code="") -> dict:
    return {
        "name": name, "code": code, "eligible": row.eligible, "used": row.used,
        "share": _percent(row.share), "target": _percent(row.target), "met": row.meets_target,
        "share_width": round(min(row.share, 1) * 100, 1), "target_width": round(row.target * 100, 1),
    }


def _district_names(rows) -> dict:
    """Region code → a place name, read off the departments of that region: 珠海市香洲区 from
    珠海市香洲区市场监督管理局, 珠海市（市级） from a city department."""
    names = {}
    for row in rows:
        departments = Department.objects.filter(region_code=row.key).order_by("level", "code")
        for department in departments:
            if department.level == Department.Level.DISTRICT and "区" in department.name:
                names[row.key] = department.name[: department.name.index("区") + 1]
                break
            if department.level == Department.Level.CITY and "市" in department.name:
                city = department.name[: department.name.index("市") + 1]
                names[row.key] = _("%(city)s (city level)") % {"city": city}
        names.setdefault(row.key, "")
    return names
