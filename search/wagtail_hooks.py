"""The workbench: staff search across every kind they may see, and the synonym dictionary."""

from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from search import documents as registry
from search import presentation, service
from search.models import SynonymRule

PER_PAGE = 20
STAFF_FACETS = ("kind", "department", "status", "year")


def workbench_search(request):
    params = {key: request.GET.get(key, "")[:limit] for key, limit in
              (("q", 200), ("kind", 20), ("department", 32), ("status", 32), ("year", 4))}
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 500))
    except ValueError:
        page = 1
    filters = {name: [params[name]] for name in ("kind", "department", "status", "year")}
    searched = any(params.values())
    context = {"params": params, "searched": searched, "kinds": registry.kinds()}
    if searched:
        results = service.search(params["q"], user=request.user, filters=filters, page=page, per_page=PER_PAGE,
                                 facets=STAFF_FACETS)
        departments = presentation.department_names(value for value, _count in results.facets.get("department", []))
        kind_labels = {kind: presentation.kind_label(kind) for kind in registry.kinds()}
        context.update(
            results=results,
            hits=presentation.present(results),
            pages=presentation.pages(results, params, page, PER_PAGE),
            first_number=(page - 1) * PER_PAGE + 1,
            facets=[
                (_("Type"), presentation.facet_values(results, "kind", "kind", params, kind_labels)),
                (_("Department"), presentation.facet_values(results, "department", "department", params, departments)),
                (_("Status"), presentation.facet_values(results, "status", "status", params,
                                                        presentation.status_labels())),
                (_("Year"), presentation.facet_values(results, "year", "year", params)),
            ],
        )
    return render(request, "search/workbench_search.html", context)


@hooks.register("register_admin_urls")
def register_workbench_search():
    return [path("records-search/", workbench_search, name="search_workbench")]


@hooks.register("register_admin_menu_item")
def register_workbench_search_menu_item():
    return MenuItem(_("Search records"), reverse("search_workbench"), icon_name="search", order=150)


class SynonymRuleViewSet(ModelViewSet):
    """Administrators keep the everyday-words dictionary here (permissions: search.*_synonymrule)."""

    model = SynonymRule
    icon = "search"
    menu_label = _("Everyday words")
    add_to_settings_menu = True
    list_display = ["rule", "note", "enabled", "from_seed", "updated_at"]
    list_filter = ["enabled", "from_seed"]
    search_fields = ["rule", "note"]
    search_backend_name = None
    form_fields = ["rule", "note", "enabled"]
    ordering = ["rule"]


@hooks.register("register_admin_viewset")
def register_synonyms():
    return SynonymRuleViewSet("synonyms")
