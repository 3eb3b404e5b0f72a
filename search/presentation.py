"""What the search pages show: results with marked titles and snippets, facet labels, pages.

The pages (``views``) and the workbench (``wagtail_hooks``) both read from here; neither
decides anything about search on its own.
"""

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from search import documents as registry
from search import highlighting, hooks

PUBLIC_KINDS = ("guide", "bundle", "policy")


def kind_label(kind: str) -> str:
    try:
        return str(registry.provider(kind).label or kind)
    except LookupError:
        return kind


def department_names(codes) -> dict[str, str]:
    """{code: name} of the departments the domains know (``hooks.department_labels``)."""
    return hooks.department_labels(codes)


def service_object_labels() -> dict[str, str]:
    return {"enterprise": str(_("Enterprises")), "person": str(_("Individuals"))}


def status_labels() -> dict[str, str]:
    """What each kind calls its statuses (a page's live/draft, a case's workflow states …)."""
    labels = {}
    for provider in registry.providers().values():
        labels.update({value: str(label) for value, label in provider.statuses.items()})
    return labels


@dataclass
class PresentedHit:
    hit: object
    title_html: str
    snippet_html: str
    kind_label: str
    department_name: str
    status_label: str


def present(results) -> list[PresentedHit]:
    terms = results.query.highlight_terms() if results.query is not None else []
    names = department_names({hit.department for hit in results.hits if hit.department})
    statuses = status_labels()
    return [
        PresentedHit(
            hit=hit,
            title_html=highlighting.mark(hit.title, terms),
            snippet_html=highlighting.snippet(hit.body, terms),
            kind_label=kind_label(hit.kind),
            department_name=names.get(hit.department, hit.department),
            status_label=statuses.get(hit.status, hit.status),
        )
        for hit in results.hits
    ]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    chosen: bool
    url: str


def facet_values(results, dimension, param, params, labels=None) -> list[FacetValue]:
    """One facet's values, each with the URL that toggles it (and goes back to page 1)."""
    labels = labels or {}
    chosen = params.get(param, "")
    values = []
    for value, count in results.facets.get(dimension, []):
        toggled = {**params, param: "" if value == chosen else value, "page": ""}
        values.append(FacetValue(value, str(labels.get(value, value)), count, value == chosen, "?" + _query(toggled)))
    return values


def _query(params) -> str:
    return urlencode({key: value for key, value in params.items() if value})


@dataclass
class Pages:
    number: int
    count: int
    previous_url: str
    next_url: str


def pages(results, params, page, per_page) -> Pages:
    count = max(1, math.ceil(results.total / per_page)) if results.total else 1
    page = min(page, count)
    previous_url = "?" + _query({**params, "page": page - 1}) if page > 1 else ""
    next_url = "?" + _query({**params, "page": page + 1}) if page < count else ""
    return Pages(page, count, previous_url, next_url)
