from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from casefiles.directory.models import Department
from casefiles.realname import levels
from casefiles.realname.models import Level
from cms import navigation
from cms.blocks import RICH, FeeBlock, LegalBasisBlock, ProcessStepBlock, QuestionBlock
from cms.form_blocks import FORM_FIELD_BLOCKS, INSTANT_RULE_BLOCKS

from .bundle import BundlePage
from .index import IndexPage
from .owned import DepartmentOwned, ServiceObject
from .policy import PolicyPage


# Checks other apps add to a guide's validation: each takes the page and returns its problems.
GUIDE_CHECKS = []
# What other apps add to a guide page's context: each takes the page and returns a dict
# (casefiles.evaluations: ``review_figures``, 好差评 over the last 12 months). The anonymous page
# cache keeps a rendered page up to ``YIWANG_PAGE_CACHE_SECONDS`` (600 s): what they add is at
# most that old.
GUIDE_CONTEXT = []


class ServiceItemPage(RoutablePageMixin, DepartmentOwned, Page):
    """办事指南: one service item of the implementation list (实施清单), as the public reads it."""

    class ItemType(models.TextChoices):
        LICENSING = "licensing", _("Administrative licensing (行政许可)")
        CONFIRMATION = "confirmation", _("Administrative confirmation (行政确认)")
        BENEFIT = "benefit", _("Administrative benefit (行政给付)")
        AWARD = "award", _("Administrative award (行政奖励)")
        ADJUDICATION = "adjudication", _("Administrative adjudication (行政裁决)")
        LEVY = "levy", _("Administrative levy (行政征收)")
        FILING = "filing", _("Administrative filing (行政备案)")
        PUBLIC_SERVICE = "public_service", _("Public service (公共服务)")
        OTHER = "other", _("Other administrative power (其他行政权力)")

    class ExerciseLevel(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        CITY = "city", _("City")
        COUNTY = "county", _("County / district")
        TOWN = "town", _("Town / subdistrict")

    class PowerSource(models.TextChoices):
        STATUTORY = "statutory", _("Statutory, exercised at this level (法定本级行使)")
        DELEGATED = "delegated", _("Delegated from above (上级下放)")
        AUTHORISED_ABOVE = "authorised_above", _("Authorised by a higher level (上级授权)")
        AUTHORISED_PEER = "authorised_peer", _("Authorised by a peer (同级授权)")
        ENTRUSTED_ABOVE = "entrusted_above", _("Entrusted by a higher level (上级委托)")
        ENTRUSTED_PEER = "entrusted_peer", _("Entrusted by a peer (同级委托)")

    class OnlineDepth(models.IntegerChoices):
        OFFLINE = 0, _("Not online (窗口办理)")
        INFORMATION = 1, _("Information and appointment online (一星)")
        PRE_REVIEW = 2, _("Online pre-review (二星)")
        ACCEPTANCE = 3, _("Online acceptance (三星)")
        FULL = 4, _("Fully online (四星 全程网办)")

    class TongbanScope(models.TextChoices):
        NONE = "none", _("This department only")
        CITY = "city", _("Anywhere in the city (全市通办)")
        PROVINCE = "province", _("Anywhere in the province (全省通办)")
        CROSS_PROVINCE = "cross_province", _("Across provinces (跨省通办)")

    class ResultType(models.TextChoices):
        LICENSE = "license", _("License or certificate (证照)")
        APPROVAL = "approval", _("Approval document (批文)")
        OTHER = "other", _("Other result")
        NONE = "none", _("No document")

    item_code = models.CharField(_("item code"), max_length=64, unique=True)
    item_type = models.CharField(_("item type"), max_length=20, choices=ItemType.choices, default=ItemType.LICENSING)
    exercise_level = models.CharField(
        _("exercise level"), max_length=12, choices=ExerciseLevel.choices, default=ExerciseLevel.CITY
    )
    power_source = models.CharField(
        _("source of power"), max_length=20, choices=PowerSource.choices, default=PowerSource.STATUTORY
    )
    service_object = models.CharField(
        _("service object"), max_length=12, choices=ServiceObject.choices, default=ServiceObject.ENTERPRISE
    )
    summary = models.TextField(_("summary"), blank=True)
    legal_basis = StreamField([("basis", LegalBasisBlock())], verbose_name=_("legal basis"), blank=True)
    conditions = RichTextField(_("conditions for acceptance (受理条件)"), blank=True, features=RICH)
    process = StreamField([("step", ProcessStepBlock())], verbose_name=_("process"), blank=True)
    statutory_days = models.PositiveSmallIntegerField(_("statutory time limit (working days)"), null=True, blank=True)
    statutory_days_note = models.CharField(_("note on the statutory limit"), max_length=300, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"), null=True, blank=True)
    promised_days_note = models.CharField(_("note on the promised limit"), max_length=300, blank=True)
    # 电子监察's stage clocks (casefiles.supervision.clocks): blank, the defaults of YIWANG_SUPERVISION.
    review_days = models.PositiveSmallIntegerField(
        _("review stage limit (working days)"), null=True, blank=True,
        help_text=_("Working days from acceptance for the review (审查). Blank: the site's default share of the promised limit."),
    )
    decision_days = models.PositiveSmallIntegerField(
        _("decision stage limit (working days)"), null=True, blank=True,
        help_text=_("Working days for the decision (决定) after the review stage. Blank: what remains of the promised limit."),
    )
    charges_fee = models.BooleanField(_("charges a fee"), default=False)
    fees = StreamField([("fee", FeeBlock())], verbose_name=_("fees"), blank=True)
    place = models.TextField(_("where to apply"), blank=True)
    hours = models.CharField(_("office hours"), max_length=200, blank=True)
    consultation_phone = models.CharField(_("consultation phone"), max_length=60, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=60, blank=True)
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"), choices=OnlineDepth.choices, default=OnlineDepth.ACCEPTANCE
    )
    visits_needed = models.PositiveSmallIntegerField(_("visits to the office needed"), default=0)
    tolerant_acceptance = models.BooleanField(_("tolerant acceptance applies (容缺受理)"), default=False)
    notify_commit = models.BooleanField(_("notification and commitment applies (告知承诺)"), default=False)
    tongban_scope = models.CharField(
        _("where it can be handled (通办)"), max_length=20, choices=TongbanScope.choices, default=TongbanScope.NONE
    )
    real_name_level = models.CharField(
        _("real-name level needed (实名认证等级)"), max_length=20, choices=Level.choices, default=Level.REGISTERED,
        help_text=_("What the person who applies must have reached; one of a lower level is told what to do."),
    )
    result_name = models.CharField(_("result"), max_length=200, blank=True)
    result_type = models.CharField(_("result type"), max_length=10, choices=ResultType.choices, default=ResultType.NONE)
    result_license_type = models.ForeignKey(
        "casefiles.LicenseType", verbose_name=_("license type produced"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="producing_items",
    )
    faq = StreamField([("qa", QuestionBlock())], verbose_name=_("frequently asked questions"), blank=True)
    # 一张表单: what the application asks, as the portal, the front desk and the API show it
    # (casefiles.forms); versioned with the guide's revisions, a case keeps the one it was filed on.
    application_form = StreamField(FORM_FIELD_BLOCKS, verbose_name=_("application form"), blank=True)
    # 秒批: an application meeting every rule is accepted and approved at submission (casefiles.expedited).
    instant_approval = models.BooleanField(_("instant approval (秒批)"), default=False)
    instant_rules = StreamField(INSTANT_RULE_BLOCKS, verbose_name=_("instant approval rules"), blank=True)
    # 告知承诺制: the check after an approval on the applicant's commitment (核查).
    verification_days = models.PositiveSmallIntegerField(
        _("post-approval check within (working days)"), null=True, blank=True,
        help_text=_("告知承诺: the department checks the commitment within this many working days of the approval."),
    )
    catalog_data = models.JSONField(
        _("other catalog data"), default=dict, blank=True,
        help_text=_("Keys of the provincial catalog export that no field above holds."),
    )

    search_fields = Page.search_fields + [
        index.SearchField("item_code"),
        index.SearchField("summary"),
        index.SearchField("conditions"),
        index.FilterField("department"),
        index.FilterField("service_object"),
        index.FilterField("item_type"),
    ]

    basics_panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("item_code"), FieldPanel("item_type")]),
        FieldRowPanel([FieldPanel("exercise_level"), FieldPanel("power_source")]),
        FieldPanel("service_object"),
        FieldPanel("summary"),
        FieldPanel("legal_basis"),
        FieldPanel("conditions"),
    ]
    materials_panels = [InlinePanel("material_requirements", label=_("Material requirements"))]
    handling_panels = [
        FieldPanel("process"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("statutory_days"), FieldPanel("statutory_days_note")]),
                FieldRowPanel([FieldPanel("promised_days"), FieldPanel("promised_days_note")]),
                FieldRowPanel([FieldPanel("review_days"), FieldPanel("decision_days")]),
            ],
            heading=_("Time limits"),
        ),
        MultiFieldPanel([FieldPanel("charges_fee"), FieldPanel("fees")], heading=_("Fees")),
        MultiFieldPanel(
            [
                FieldPanel("place"),
                FieldPanel("hours"),
                FieldRowPanel([FieldPanel("consultation_phone"), FieldPanel("complaint_phone")]),
            ],
            heading=_("Where and when"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("online_depth"), FieldPanel("visits_needed")]),
                FieldRowPanel([FieldPanel("tolerant_acceptance"), FieldPanel("notify_commit"),
                               FieldPanel("verification_days")]),
                FieldPanel("tongban_scope"),
                FieldPanel("real_name_level"),
            ],
            heading=_("Ways of handling"),
        ),
        MultiFieldPanel(
            [FieldPanel("result_name"), FieldPanel("result_type"), FieldPanel("result_license_type")],
            heading=_("Result"),
        ),
        FieldPanel("faq"),
    ]
    form_panels = [
        FieldPanel("application_form"),
        MultiFieldPanel([FieldPanel("instant_approval"), FieldPanel("instant_rules")],
                        heading=_("Instant approval (秒批)")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(basics_panels, heading=_("Item")),
            ObjectList(materials_panels, heading=_("Materials")),
            ObjectList(form_panels, heading=pgettext_lazy("application", "Form")),
            ObjectList(handling_panels, heading=_("Handling")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    parent_page_types = ["cms.DepartmentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("service-item guide")
        verbose_name_plural = _("service-item guides")

    @path("pdf/")
    def pdf(self, request):
        from cms.pdf import pdf_response  # loads WeasyPrint (half a second): at the first PDF, not at startup

        return pdf_response(self, request)

    @property
    def can_apply_online(self):
        return self.online_depth >= self.OnlineDepth.ACCEPTANCE

    @property
    def apply_url(self):
        """Where the apply button leads; None until the case-file module offers applying."""
        if not self.can_apply_online:
            return None
        try:
            return reverse("casefiles:apply", args=[self.item_code])
        except NoReverseMatch:
            return None

    def materials(self):
        return self.material_requirements.all()

    def clean(self):
        super().clean()
        # What the form, its rules and the license it produces must agree on, as the case files
        # check it (casefiles.forms.checks, registered here): a license field with no source is
        # an error on saving the guide, not a "—" on a certificate.
        problems = [problem for check in GUIDE_CHECKS for problem in check(self)]
        errors = {"application_form": problems} if problems else {}
        stages = (self.review_days or 0) + (self.decision_days or 0)
        if self.promised_days and stages > self.promised_days:
            errors["decision_days"] = _("The review and decision stages together (%(stages)d working days) are longer "
                                        "than the promised limit (%(promised)d).") % {"stages": stages,
                                                                                    "promised": self.promised_days}
        if errors:
            raise ValidationError(errors)

    def real_name_need(self):
        """The real-name level its applications need, and how to reach it (casefiles.realname)."""
        return levels.need(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        materials = self.material_requirements.all()
        if all(requirement.pk for requirement in materials):
            # Loaded from the database: fetch what the table shows in two queries. A preview
            # of unsaved edits holds its rows in memory, where there is nothing to prefetch.
            materials = self.material_requirements.select_related("blank_form", "sample").prefetch_related("license_types")
        context["materials"] = materials
        context["department_page"] = self.department_page()
        context["bundles"] = BundlePage.objects.live().public().filter(bundle_items__item=self).distinct()
        context["policies"] = PolicyPage.objects.live().public().filter(related_items__item=self).distinct()
        for addition in GUIDE_CONTEXT:
            context.update(addition(self))
        return context


class MaterialRequirement(ClusterableModel, Orderable):
    """材料要求: one material an applicant supplies for an item."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original (原件)")
        COPY = "copy", _("Copy (复印件)")
        ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")
        ELECTRONIC = "electronic", _("Electronic (电子)")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("Prepared by the applicant")
        GOVERNMENT = "government", _("Issued by a government department")
        OTHER = "other", _("Other")

    page = ParentalKey(ServiceItemPage, on_delete=models.CASCADE, related_name="material_requirements")
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=200)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.ELECTRONIC)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    required = models.BooleanField(pgettext_lazy("record field", "required"), default=True)
    deferrable = models.BooleanField(_("may be supplied later (容缺)"), default=False)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.APPLICANT)
    license_types = ParentalManyToManyField(
        "casefiles.LicenseType", verbose_name=_("license types that replace it (免提交)"), blank=True
    )
    blank_form = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("blank form"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    sample = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("sample"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("form"), FieldPanel("copies"), FieldPanel("source")]),
        FieldRowPanel([FieldPanel("required"), FieldPanel("deferrable")]),
        FieldPanel("license_types"),
        FieldRowPanel([FieldPanel("blank_form"), FieldPanel("sample")]),
        FieldPanel("notes"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("material requirement")
        verbose_name_plural = _("material requirements")

    def __str__(self):
        return self.name


class GuideIndexPage(IndexPage):
    """办事指南: every guide, A–Z, by service object and by department."""

    listing_name = "guides"

    class Meta:
        verbose_name = _("guide index")

    @staticmethod
    def chosen(request) -> tuple[str, str]:
        """The service object and the department code the visitor filters by ("" for all)."""
        service_object = request.GET.get("for", "")
        if service_object not in {ServiceObject.ENTERPRISE, ServiceObject.PERSON}:
            service_object = ""
        return service_object, request.GET.get("department", "")[:32]

    def listing(self, request):
        service_object, department = self.chosen(request)
        guides = ServiceItemPage.objects.live().public().select_related("department")
        if service_object:
            guides = guides.filter(service_object__in=[service_object, ServiceObject.BOTH])
        if department:
            guides = guides.filter(department__code=department)
        return list(guides)

    def extra_context(self, request, guides) -> dict:
        service_object, department = self.chosen(request)
        by_letter = navigation.a_to_z(guides)
        return {
            "guides_by_letter": by_letter,
            # Every letter, so the jump bar keeps its shape; letters with no guide are not links.
            "letters": [(letter, letter in by_letter) for letter in navigation.LETTERS],
            "guide_count": len(guides),
            "chosen_for": service_object,
            "chosen_department": department,
            "departments": Department.objects.filter(
                pk__in=ServiceItemPage.objects.live().public().values("department")
            ),
            "service_objects": [(ServiceObject.ENTERPRISE.value, ServiceObject.ENTERPRISE.label),
                                (ServiceObject.PERSON.value, ServiceObject.PERSON.label)],
        }
