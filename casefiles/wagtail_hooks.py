from django.db.models import Q
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.views.generic import IndexView
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from casefiles.bundles.models import Activity
from casefiles.deadlines.models import CalendarYear
from casefiles.directory import protected
from casefiles.directory.models import Department, Enterprise, Person
from casefiles.evaluations import exclusions as evaluation_exclusions
from casefiles.evaluations import staff as evaluation_staff
from casefiles.expedited.commitments import is_checker
from casefiles.frontdesk.window import is_window_clerk
from casefiles.licenses.models import LicenseType
from casefiles.licenses.staff import is_license_staff, may_see_usage
from casefiles.notifications import messages as message_centre
from casefiles.policies import profiles as policy_profiles
from casefiles.supervision import statistics
from casefiles.workbench import evaluation_urls, home, license_urls, policy_urls, supervision_urls, urls
from casefiles.workbench import orders as supervision_orders
from casefiles.workbench.access import is_case_staff


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
    form_fields = ["uscc", "name", "legal_representative", "industry", "industry_code", "scale", "region_code",
                   "established_on", "registered_capital", "address", "phone"]


class PersonIndexView(IndexView):
    def search_queryset(self, queryset):
        """By name, or by a whole identity or phone number (encrypted columns: found by their digests)."""
        if not self.is_searching:
            return queryset
        query = self.search_query
        return queryset.filter(Q(name__icontains=query) | protected.matches("id_number", query)
                               | protected.matches("phone", query))


class PersonViewSet(ModelViewSet):
    model = Person
    icon = "user"
    menu_label = _("Persons")
    index_view_class = PersonIndexView
    # The identity number and the phone stay masked in listings: they are not case work.
    list_display = ["name", "masked_id_number", "masked_phone", "user"]
    search_fields = ["name"]
    search_backend_name = None
    form_fields = ["name", "id_number", "phone", "address", "user"]


class LicenseTypeViewSet(ModelViewSet):
    model = LicenseType
    icon = "doc-full"
    menu_label = _("License types")
    list_display = ["name", "code", "issuing_department", "validity_years", "template"]
    search_fields = ["name", "code"]
    search_backend_name = None
    form_fields = ["code", "name", "issuing_department", "validity_years", "template", "data_fields"]


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


class ActivityViewSet(ModelViewSet):
    """一照通行: which items each business activity needs (casefiles.bundles.activities)."""

    model = Activity
    icon = "tasks"
    menu_label = _("Business activities (一照通行)")
    list_display = ["name", "code", "is_active", "sort_order"]
    list_filter = ["is_active"]
    search_fields = ["name", "code", "keywords"]
    search_backend_name = None
    form_fields = ["code", "name", "description", "keywords", "items", "sort_order", "is_active"]
    ordering = ["sort_order", "code"]


class DirectoryGroup(ModelViewSetGroup):
    menu_label = _("Departments and applicants")
    menu_icon = "group"
    menu_order = 250
    items = (
        DepartmentViewSet("departments"),
        EnterpriseViewSet("enterprises"),
        PersonViewSet("persons"),
        LicenseTypeViewSet("license-types"),
        ActivityViewSet("activities"),
    )


@hooks.register("register_admin_viewset")
def register_directory():
    return DirectoryGroup()


@hooks.register("register_admin_viewset")
def register_calendar():
    return CalendarYearViewSet("calendar")


# --- the staff workbench (办件) ---------------------------------------------------------------

class CaseFilesMenuItem(MenuItem):
    def is_shown(self, request):
        return is_case_staff(request.user)


@hooks.register("register_admin_urls")
def register_workbench_urls():
    return [path("cases/", include(urls))]


@hooks.register("register_admin_menu_item")
def register_workbench_menu_item():
    return CaseFilesMenuItem(_("Case files"), reverse("casefiles_workbench:inbox"), name="case-files",
                             icon_name="clipboard-list", order=50)


class ChecksMenuItem(MenuItem):
    def is_shown(self, request):
        return is_checker(request.user)


@hooks.register("register_admin_menu_item")
def register_checks_menu_item():
    # 核查: the checks after a 告知承诺 approval (casefiles.expedited.commitments).
    return ChecksMenuItem(_("Post-approval checks (核查)"), reverse("casefiles_workbench:checks"),
                          name="post-approval-checks", icon_name="tasks", order=51)


class FrontDeskMenuItem(MenuItem):
    def is_shown(self, request):
        return is_window_clerk(request.user)


@hooks.register("register_admin_menu_item")
def register_frontdesk_menu_item():
    return FrontDeskMenuItem(_("Front desk (一窗受理)"), reverse("casefiles_workbench:frontdesk"), name="front-desk",
                             icon_name="form", order=55)


@hooks.register("register_admin_menu_item")
def register_verify_in_person_menu_item():
    return FrontDeskMenuItem(_("Verify in person (实名核验)"), reverse("casefiles_workbench:verify_in_person"),
                             name="verify-in-person", icon_name="user", order=56)


@hooks.register("register_admin_menu_item")
def register_enterprise_claims_menu_item():
    # 认领企业: a window clerk confirms, in person, a claim on an enterprise without administrator (casefiles.members).
    return FrontDeskMenuItem(_("Enterprise claims (认领企业)"), reverse("casefiles_workbench:enterprise_claims"),
                             name="enterprise-claims", icon_name="group", order=57)


# --- electronic licenses (电子证照): issued licenses and the 用证率 report ----------------------

class IssuedLicensesMenuItem(MenuItem):
    def is_shown(self, request):
        return is_license_staff(request.user)


class LicenseUsageMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_usage(request.user)


@hooks.register("register_admin_urls")
def register_supervision_urls():
    return [path("supervision/", include(supervision_urls))]


# --- 电子监察: statistics, supervision orders (督办) and cards (红黄牌); the home page's "Orders waiting" --

class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return statistics.may_see(request.user)


class SupervisionMenuItem(MenuItem):
    def is_shown(self, request):
        return supervision_orders.may_see_orders(request.user)


# 好差评 (casefiles.workbench.evaluations): reviews, the rectification archive, the requests to exclude.
class ReviewsMenuItem(MenuItem):
    def is_shown(self, request):
        return evaluation_staff.may_see_reviews(request.user)


class ExclusionsMenuItem(MenuItem):
    def is_shown(self, request):
        return evaluation_exclusions.may_decide(request.user)


@hooks.register("register_admin_urls")
def register_evaluation_urls():
    return [path("evaluations/", include(evaluation_urls))]


@hooks.register("register_admin_menu_item")
def register_supervision_menu_item():
    return SubmenuMenuItem(_("Supervision (电子监察)"), Menu(items=[
        StatisticsMenuItem(_("Statistics (统计)"), reverse("supervision_admin:statistics"), name="statistics",
                           icon_name="table", order=5),
        SupervisionMenuItem(_("Supervision orders (督办)"), reverse("supervision_admin:orders"),
                            name="supervision-orders", icon_name="warning", order=10),
        SupervisionMenuItem(_("Cards (红黄牌)"), reverse("supervision_admin:cards"), name="supervision-cards",
                            icon_name="table", order=20),
        ReviewsMenuItem(_("Reviews (好差评)"), reverse("evaluations_admin:reviews"), name="evaluations",
                        icon_name="pick", order=30),
        ReviewsMenuItem(_("Rectification archive (整改档案)"), reverse("evaluations_admin:archive"),
                        name="rectification-archive", icon_name="doc-full", order=31),
        ExclusionsMenuItem(_("Requests to exclude (申请剔除)"), reverse("evaluations_admin:exclusions"),
                           name="evaluation-exclusions", icon_name="warning", order=32),
    ]), name="supervision", icon_name="warning", order=58)


hooks.register("construct_homepage_panels", supervision_orders.orders_waiting_panel)


# --- 惠企政策: 免申即享兑现 (the payouts) and 资质认定 (casefiles.workbench.policies) ----------------------

class QualificationsMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_profiles.may_record_qualifications(request.user)


@hooks.register("register_admin_urls")
def register_policy_urls():
    return [path("policies/", include(policy_urls))]


@hooks.register("register_admin_menu_item")
def register_policy_menu_item():
    return SubmenuMenuItem(_("Enterprise policies (惠企政策)"), Menu(items=[
        CaseFilesMenuItem(_("Benefits without application (免申即享兑现)"), reverse("policies_admin:benefits"),
                          name="policy-benefits", icon_name="tasks", order=10),
        QualificationsMenuItem(_("Qualifications (资质认定)"), reverse("policies_admin:qualifications"),
                               name="policy-qualifications", icon_name="pick", order=20),
    ]), name="policies", icon_name="tasks", order=59)


@hooks.register("register_admin_urls")
def register_license_urls():
    return [path("licenses/", include(license_urls))]


@hooks.register("register_admin_menu_item")
def register_license_menu_item():
    return SubmenuMenuItem(_("Electronic licenses"), Menu(items=[
        IssuedLicensesMenuItem(_("Issued licenses"), reverse("licenses_admin:list"), name="issued-licenses",
                               icon_name="doc-full", order=10),
        LicenseUsageMenuItem(_("License reuse (用证率)"), reverse("licenses_admin:usage"), name="license-usage",
                             icon_name="table", order=20),
    ]), name="licenses", icon_name="doc-full", order=60)


# --- 我的消息: the message centre (站内消息), every user's own inbox on the portal --------------

class MessagesMenuItem(MenuItem):
    def render_component(self, request):
        # The instance is shared by every request: the count goes into this request's component only.
        unread = message_centre.unread_count(request.user)
        label = _("My messages (%(count)d unread)") % {"count": unread} if unread else self.label
        return LinkMenuItemComponent(self.name, label, self.url, icon_name=self.icon_name, classname=self.classname,
                                     attrs=self.attrs)


@hooks.register("register_admin_menu_item")
def register_messages_menu_item():
    return MessagesMenuItem(_("My messages"), reverse("casefiles:messages"), name="my-messages", icon_name="mail",
                            order=45)


# --- the staff home page (工作台): the user's own work (casefiles.supervision.dashboard) ---------

@hooks.register("construct_homepage_panels")
def add_my_work_panel(request, panels):
    home.construct_homepage_panels(request, panels)
