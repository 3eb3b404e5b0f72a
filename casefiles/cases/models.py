import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from casefiles.cases.states import CLOCK_RUNNING, DECIDED, FINISHED, Status  # noqa: F401 (Status: imported from here by many)
from casefiles.directory import protected

# Status and the sets of it (CLOCK_RUNNING, DECIDED, FINISHED, ...) are in casefiles.cases.states.
# The partial indexes below keep the lists their migrations wrote.


class Channel(models.TextChoices):
    ONLINE = "online", _("Online (网上)")
    WINDOW = "window", _("At the window (窗口)")
    SELF_SERVICE = "self_service", _("Self-service terminal (自助)")
    # 免申即享: opened by the system on its own initiative (依职权), no application filed
    EX_OFFICIO = "ex_officio", _("By the system, without application (免申即享)")


def new_verification_code():
    # Without 0/O, 1/I/L: read aloud over the phone and typed from a paper notice.
    return "".join(secrets.choice("23456789ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(8))


class CaseFile(protected.Protected, models.Model):
    """办件: one application for one service item (or a bundle's parent), from draft to conclusion.

    The applicant's code (a person's identity number, or a USCC: one column) and the contact
    phone are encrypted at rest (casefiles.directory.protected); the code is found by its digest.
    """

    number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    verification_code = models.CharField(_("verification code"), max_length=8, default=new_verification_code, editable=False)

    item = models.ForeignKey("cms.ServiceItemPage", verbose_name=_("service item"), on_delete=models.PROTECT, related_name="cases")
    item_revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name=_("guide revision"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("The version of the guide the application was filed against."),
    )
    item_code = models.CharField(_("item code"), max_length=64)
    item_title = models.CharField(_("item"), max_length=255)
    department = models.ForeignKey("casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="cases")
    parent = models.ForeignKey("self", verbose_name=_("bundle case"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # A bundle's parent (一件事): one case per item are its children; the parent is never worked
    # itself, its status follows theirs (casefiles.bundles.applications).
    is_bundle = models.BooleanField(_("bundle application"), default=False, editable=False)

    enterprise = models.ForeignKey("casefiles.Enterprise", verbose_name=_("enterprise"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey("casefiles.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_code = protected.EncryptedTextField(_("applicant's code"), max_length=18,
                                                  help_text=_("USCC or resident identity number"))
    applicant_code_hash = protected.DigestField(of="applicant_code", db_index=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = protected.EncryptedTextField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.ONLINE)
    form_data = models.JSONField(_("application form"), default=dict, blank=True)

    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False, help_text="Bumped by every transition: two clerks, one winner.")

    created_at = models.DateTimeField(pgettext_lazy("record field", "created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    deemed_accepted = models.BooleanField(
        _("accepted by operation of law"), default=False,
        help_text=_("No correction notice within 5 working days of receipt (行政许可法 Art. 32)."),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)

    promised_due = models.DateField(_("promised due date"), null=True, blank=True, db_index=True)
    statutory_due = models.DateField(_("statutory due date"), null=True, blank=True)
    deadline_provisional = models.BooleanField(
        _("provisional deadline"), default=False,
        help_text=_("Reaches into a year whose holiday schedule is not entered yet; recomputed when it is."),
    )
    # 行政许可法 Art. 32: the acceptance stage's clock, five working days from receipt (set on submission).
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    deferred_due = models.DateField(_("deferred materials due"), null=True, blank=True)
    correction_due = models.DateField(_("correction due"), null=True, blank=True)

    journal_head = models.CharField(max_length=64, blank=True, editable=False)
    journal_length = models.PositiveIntegerField(default=0, editable=False)
    # The head and length, sealed with the current journal key (casefiles.journal.records): after a key
    # rotation only the new key can extend or change the journal.
    journal_seal = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        permissions = [
            ("apply_casefile", "Act as the applicant of the case"),
            ("accept_casefile", "Accept, correct or refuse the case"),
            ("review_casefile", "Review the case"),
            ("decide_casefile", "Decide the case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(enterprise__isnull=False, person__isnull=True) | Q(enterprise__isnull=True, person__isnull=False)),
                name="case_has_exactly_one_applicant",
            )
        ]
        indexes = [
            models.Index(fields=["department", "status", "promised_due"], name="case_inbox"),
            models.Index(fields=["department", "-created_at"], name="case_department_recent"),
            models.Index(fields=["enterprise", "-created_at"], name="case_enterprise_recent"),
            models.Index(fields=["person", "-created_at"], name="case_person_recent"),
            # Running and decided cases by due date: the inbox's tabs of those states walk these
            # in order instead of every case ever closed (bench/cases_listing.py).
            models.Index(fields=["promised_due", "submitted_at", "id"], condition=Q(status__in=list(CLOCK_RUNNING)),
                         name="case_running_due"),
            models.Index(fields=["status", "promised_due", "submitted_at", "id"], condition=Q(status__in=list(CLOCK_RUNNING)),
                         name="case_running_status_due"),
            models.Index(fields=["promised_due", "submitted_at", "id"], condition=Q(status__in=list(DECIDED)),
                         name="case_decided_due"),
            # A bundle's parent (一件事) is nobody's acceptance work: the tabs' totals subtract the
            # parents in their states, a handful of rows found here instead of a walk of the cases.
            models.Index(fields=["department", "status"], condition=Q(is_bundle=True), name="case_bundle_parents"),
        ]

    def __str__(self):
        return f"{self.number} {self.item_title}"

    @property
    def applicant(self):
        return self.enterprise or self.person

    @property
    def is_open(self):
        return self.status not in FINISHED


class CaseNumberCounter(models.Model):
    """The last number handed out per prefix (region + day); numbers are never reused."""

    prefix = models.CharField(max_length=60, unique=True)
    value = models.PositiveBigIntegerField(default=0)


class CaseTally(models.Model):
    """件数: +1 or −1 for a case entering or leaving a (department, status) pair.

    Written by database triggers (migration 0014) on every insert of a case and every change
    of its status or department, whatever makes it; never by Python. ``casefiles tick``
    folds the rows into one per pair (``tallies.fold``). A listing's total adds them up
    instead of counting its cases (``tallies.total``). Cases are never deleted: their journal
    protects them.
    """

    department = models.ForeignKey("casefiles.Department", on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="+")
    status = models.CharField(max_length=24)
    delta = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["department", "status", "delta"], name="tally_by_department_status")]
        verbose_name = _("case tally")
        verbose_name_plural = _("case tallies")


class ClockPause(models.Model):
    """A stretch in which the time limit does not run (行政许可法 Art. 45; corrections)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Applicant correcting (补正)")
        INSPECTION = "inspection", _("Inspection (检验)")
        TESTING = "testing", _("Testing (检测)")
        QUARANTINE = "quarantine", _("Quarantine (检疫)")
        APPRAISAL = "appraisal", _("Appraisal (鉴定)")
        EXPERT_REVIEW = "expert_review", _("Expert review (专家评审)")
        HEARING = "hearing", _("Hearing (听证)")

    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("clock pause")


class CaseGrant(models.Model):
    """Why a user or group may see a case (OpenGever's lesson): each guardian grant has a reason.

    When the reason ends, exactly the grants it made are removed; search access lists are
    derived from these rows.
    """

    class Reason(models.TextChoices):
        DEPARTMENT = "department", _("Handling department")
        APPLICANT = "applicant", _("Applicant")
        PARALLEL = "parallel", _("Parallel approval")
        AGENT = "agent", _("Authorised agent")

    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="grants")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    group = models.ForeignKey("auth.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    permissions = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # On the grants listings read one by one (parallel approvals, agents): the case's status
    # and department, kept equal to the case's by triggers in the database (migration 0013),
    # so that a tab of the inbox reads only the granted cases in its states and outside the
    # user's own departments, from the index alone. Blank on the others.
    case_status = models.CharField(max_length=24, blank=True, default="", editable=False)
    case_department = models.ForeignKey("casefiles.Department", null=True, blank=True, editable=False,
                                        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(group__isnull=False, user__isnull=True) | Q(group__isnull=True, user__isnull=False)),
                name="grant_has_one_principal",
            )
        ]
        indexes = [
            models.Index(fields=["case", "reason"]),
            # The cases granted one by one that listings read (casefiles.access.permissions), from the
            # index alone: a few per cent of the grants, so a small index.
            models.Index(fields=["group", "case_status", "case", "case_department"], condition=Q(reason="parallel"),
                         name="grant_parallel_by_group"),
            models.Index(fields=["user", "case_status", "case"], condition=Q(reason="agent"), name="grant_agent_by_user"),
        ]


# django-guardian's direct foreign-key tables: one indexed join instead of a generic
# content-type lookup, which keeps single-object checks fast at millions of rows.
class CaseFileUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(CaseFile, on_delete=models.CASCADE)


class CaseFileGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CaseFile, on_delete=models.CASCADE)
