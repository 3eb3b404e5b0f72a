from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import CalendarYear, Department, Enterprise, LicenseType, Person


class DepartmentViewSet(ModelViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name", "code", "level", "parent", "region_code", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "code", "short_name"]
    search_backend_name = None
    form_fields = ["code", "name", "short_name", "parent", "level", "region_code", "phone", "address", "is_active"]
    ordering = ["code"]


class EnterpriseViewSet(ModelViewSet):
    model = Enterprise
    icon = "site"
    menu_label = _("Enterprises")
    list_display = ["name", "uscc", "legal_representative", "industry", "scale"]
    list_filter = ["industry", "scale"]
    search_fields = ["name", "uscc", "legal_representative"]
    search_backend_name = None
    form_fields = ["uscc", "name", "legal_representative", "industry", "scale", "region_code", "address", "phone"]


class PersonViewSet(ModelViewSet):
    model = Person
    icon = "user"
    menu_label = _("Persons")
    # The identity number stays masked in listings: they are not case work.
    list_display = ["name", "masked_id_number", "phone", "user"]
    search_fields = ["name", "phone"]
    search_backend_name = None
    form_fields = ["name", "id_number", "phone", "address", "user"]


class LicenseTypeViewSet(ModelViewSet):
    model = LicenseType
    icon = "doc-full"
    menu_label = _("License types")
    list_display = ["name", "code", "issuing_department", "validity_years"]
    search_fields = ["name", "code"]
    search_backend_name = None
    form_fields = ["code", "name", "issuing_department", "validity_years"]


class CalendarYearViewSet(ModelViewSet):
    """The State Council's holiday schedule, a year at a time, its days inline (panels on the model)."""

    model = CalendarYear
    icon = "date"
    menu_label = _("Working-day calendar")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["year", "status", "source", "entered_at", "entered_by"]
    list_filter = ["status"]
    search_fields = ["year", "source"]
    search_backend_name = None


class DirectoryGroup(ModelViewSetGroup):
    menu_label = _("Departments and applicants")
    menu_icon = "group"
    menu_order = 250
    items = (
        DepartmentViewSet("departments"),
        EnterpriseViewSet("enterprises"),
        PersonViewSet("persons"),
        LicenseTypeViewSet("license-types"),
    )


@hooks.register("register_admin_viewset")
def register_directory():
    return DirectoryGroup()


@hooks.register("register_admin_viewset")
def register_calendar():
    return CalendarYearViewSet("calendar")
