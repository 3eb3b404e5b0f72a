"""办件公示: the public figures — each department's cases by month and its on-time rate (按期办结率)
over the last 12 months, counts only (``supervision.statistics.public_figures``, cached briefly);
and each department's reviews (好差评) per level with its satisfaction rate over the same months
(``evaluations.results.public_by_department``)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from casefiles.evaluations import exclusions, results
from casefiles.supervision import statistics


def pivot(rows):
    """Rows per department, a cell per month: (months, [(department, [row per month])])."""
    months = sorted({row.month for row in rows})
    departments: dict[str, dict] = {}
    for row in rows:
        departments.setdefault(row.department, {})[row.month] = row
    return months, [(name, [by_month.get(month) for month in months]) for name, by_month in departments.items()]


@require_GET
def public_figures(request):
    rows = statistics.public_figures()
    months, departments = pivot(rows)
    reviews = results.public_by_department()
    start, end = results.last_months()
    return render(request, "casefiles/portal/figures.html", {
        "months": months,
        "departments": [{"name": name, "cells": [
            {"submitted": cell.submitted if cell else 0, "decided": cell.decided if cell else 0,
             "rate": statistics.chart_value(cell.rate, "rate") if cell else None} for cell in cells]}
            for name, cells in departments],
        "totals": [sum(row.submitted for row in rows if row.month == month) for month in months],
        "reviews": reviews,
        "review_levels": [level.label for _name, level in results.LEVEL_FIELDS],
        "reviews_start": start,
        "reviews_end": end,
        "excluded": exclusions.published(start, end),  # 剔除的恶意差评, each with the supervisor's reason
        "charts": [statistics.public_chart_data(rows), *([results.chart_data(reviews)] if reviews else [])],
    })
