"""电子监察's statistics page (/admin/supervision/statistics/): the filter, each figure's chart with
its table beside it, and the CSV and XLSX exports — every number from ``supervision.statistics``.

Who may: supervisors and superusers every department, a department's lead (负责人) their own;
anyone else 403, and a lead asking for another department 403 too.
"""

import csv
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from casefiles.errors import Refused
from casefiles.supervision import statistics
from casefiles.supervision.statistics import Filters
from casefiles.workbench.errors import as_missing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatisticsFilterForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Submitted from"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("Submitted until"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.TypedMultipleChoiceField(label=gettext_lazy("Departments"), required=False, coerce=int,
                                                help_text=gettext_lazy("None chosen: every department you may see."))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.pk, d.name) for d in departments]
        self.fields["department"].widget.attrs["size"] = min(6, max(2, len(self.fields["department"].choices)))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


def filters_from(request) -> tuple[StatisticsFilterForm, Filters]:
    """The form as asked, and the filters it gives (the last 12 months when nothing is asked)."""
    user = request.user
    try:
        asked = [int(value) for value in request.GET.getlist("department") if value]
    except ValueError:
        asked = []
    try:
        statistics.scope(user, asked)  # a lead asking for another department: refused, not ignored
    except Refused as refused:
        as_missing(refused)
        raise PermissionDenied(refused.message) from None
    start, end = statistics.public_months(timezone.localdate())
    form = StatisticsFilterForm(request.GET or None, departments=statistics.departments_for(user),
                                initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        asked = form.cleaned_data["department"]
    return form, Filters(start, end, tuple(asked) or None)


@require_GET
def statistics_page(request):
    user = request.user
    if not statistics.may_see(user):
        raise PermissionDenied
    form, filters = filters_from(request)
    figures_rows = statistics.figures_for(user, filters)
    wanted = request.GET.get("format")
    if wanted == "csv":
        return as_csv(figures_rows)
    if wanted == "xlsx":
        return as_xlsx(figures_rows)
    query = request.GET.copy()
    query.pop("format", None)
    return TemplateResponse(request, "casefiles/supervision/statistics.html", {
        "header_title": _("Statistics (统计)"),
        "form": form,
        "filters": filters,
        "figures_rows": figures_rows,
        "sections": [{"figure": figure, "rows": [_cells(figure, row) for row in rows]} for figure, rows in figures_rows],
        "charts": [statistics.chart_data(figure, rows) for figure, rows in figures_rows],
        "query": query.urlencode(),
    })


def _cells(figure, row) -> dict:
    """A table row: its cells as shown (a share in per cent, as the chart draws it)."""
    return {"key": row.key, "total": row.key == "", "cells": [
        {"column": column, "value": getattr(row, column.name),
         "shown": _shown(getattr(row, column.name), column.kind)} for column in figure.columns]}


def _shown(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{statistics.chart_value(value, kind)}%"
    return str(value)


def _filename(extension: str) -> str:
    return f'attachment; filename="statistics-{timezone.localdate():%Y%m%d}.{extension}"'


def as_csv(figures_rows) -> HttpResponse:
    """One file: for each figure its header line, then its rows, each line led by the figure's name."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename("csv")
    response.write("\ufeff")  # so that a spreadsheet reads the Chinese names as UTF-8
    writer = csv.writer(response)
    for figure, rows in figures_rows:
        writer.writerow([figure.name, *(str(column.label) for column in figure.columns)])
        for row in rows:
            writer.writerow([figure.name, *(_raw(getattr(row, column.name)) for column in figure.columns)])
    return response


def _raw(value):
    return "" if value is None else value


def as_xlsx(figures_rows) -> HttpResponse:
    """A sheet per figure, named by it: the columns' labels, then the rows, numbers as numbers
    (shares as fractions formatted in per cent)."""
    book = Workbook()
    book.remove(book.active)
    for figure, rows in figures_rows:
        sheet = book.create_sheet(figure.name[:31])
        sheet.append([str(column.label) for column in figure.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([getattr(row, column.name) for column in figure.columns])
            for column, cell in zip(figure.columns, sheet[sheet.max_row], strict=True):
                if column.kind == "rate":
                    cell.number_format = "0.0%"
                if row.key == "":
                    cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _filename("xlsx")
    return response
