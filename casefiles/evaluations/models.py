"""好差评's records: reviews of a service in five levels (append-only), the rectification a
bad review opens (整改: its deadline, what the department did, the call-back 回访), a
department's request to exclude a review it thinks malicious (decided by a supervisor, the
reason public), window visits rated at the front desk, and the one reminder per case. The
rules are in the modules beside this one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.IntegerChoices):
    """The national 好差评 scale: five levels, the two lowest are bad reviews (差评)."""

    VERY_SATISFIED = 5, pgettext_lazy("evaluation level", "Very satisfied")  # 非常满意
    SATISFIED = 4, pgettext_lazy("evaluation level", "Satisfied")  # 满意
    FAIRLY_SATISFIED = 3, pgettext_lazy("evaluation level", "Fairly satisfied")  # 基本满意
    DISSATISFIED = 2, pgettext_lazy("evaluation level", "Dissatisfied")  # 不满意
    VERY_DISSATISFIED = 1, pgettext_lazy("evaluation level", "Very dissatisfied")  # 非常不满意


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
SATISFIED_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.FAIRLY_SATISFIED)


class Reason(models.TextChoices):
    """Why a review is bad (差评原因): chosen from the list, with the applicant's own words."""

    SLOW = "slow", pgettext_lazy("bad review", "Slow, or past the promised time")  # 办理慢、超时限
    MATERIALS_TWICE = "materials_twice", pgettext_lazy("bad review", "Asked for materials more than once")  # 多次要求补材料
    ATTITUDE = "attitude", pgettext_lazy("bad review", "Staff attitude")  # 服务态度差
    RULES_UNCLEAR = "rules_unclear", pgettext_lazy("bad review", "The guide or the rules are unclear")  # 办事指南不清楚
    TRIPS = "trips", pgettext_lazy("bad review", "Had to come in more than once")  # 多次跑动
    SYSTEM = "system", pgettext_lazy("bad review", "The online service does not work well")  # 系统不好用
    FEES = "fees", pgettext_lazy("bad review", "Fees not as announced")  # 收费不规范
    OTHER = "other", pgettext_lazy("bad review", "Other")  # 其他


class Channel(models.TextChoices):
    PORTAL = "portal", pgettext_lazy("evaluation channel", "Portal")  # 网上
    NOTICE = "notice", pgettext_lazy("evaluation channel", "Link or QR code on the result notice")  # 扫码
    WINDOW = "window", pgettext_lazy("evaluation channel", "At the window")  # 窗口评价器


class WindowVisit(models.Model):
    """A visit to the 综合窗口 rated on the page shown to the applicant (评价器), with or without
    a case: the clerk opens it, the applicant rates it, once."""

    department = models.ForeignKey("casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="window_visits")
    case = models.ForeignKey("casefiles.CaseFile", verbose_name=_("case file"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="window_visits")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT,
                              related_name="+")
    token = models.CharField(max_length=43, unique=True, editable=False)
    opened_at = models.DateTimeField(_("opened"))

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("window visit")
        verbose_name_plural = _("window visits")


class Evaluation(models.Model):
    """好差评: one review of one service — a case, a bundle (its parent case) or a window visit —
    by its applicant (or their agent, within the authorisation). ``round`` 1 is the first
    review; 2 the second, after a rectification's call-back. Never edited, never deleted (the
    database refuses both)."""

    case = models.ForeignKey("casefiles.CaseFile", verbose_name=_("case file"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="evaluations")
    visit = models.ForeignKey(WindowVisit, verbose_name=_("window visit"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="evaluations")
    department = models.ForeignKey("casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="evaluations")
    item = models.ForeignKey("cms.ServiceItemPage", verbose_name=_("service item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="evaluations")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    text = models.TextField(pgettext_lazy("record field", "comment"), blank=True, max_length=1000)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="evaluations_given")
    as_agent = models.BooleanField(_("given by an agent"), default=False)
    created_at = models.DateTimeField(_("given"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("evaluation (好差评)")
        verbose_name_plural = _("evaluations (好差评)")
        constraints = [
            models.CheckConstraint(condition=Q(case__isnull=False) | Q(visit__isnull=False),
                                   name="evaluation_of_a_case_or_a_visit"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="evaluation_level_1_to_5"),
            models.UniqueConstraint(fields=["case", "round"], condition=Q(case__isnull=False),
                                    name="one_evaluation_per_case_round"),
            models.UniqueConstraint(fields=["visit", "round"], condition=Q(visit__isnull=False),
                                    name="one_evaluation_per_visit_round"),
        ]
        indexes = [
            models.Index(fields=["department", "created_at"], name="evaluation_department"),
            models.Index(fields=["item", "created_at"], name="evaluation_item"),
        ]

    def __str__(self):
        return f"{self.get_level_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class Rectification(models.Model):
    """整改: what a bad review opens for the handling department — due in 15 working days
    (configurable), its light and alerts as supervision's; what the department did, the
    call-back to the applicant (回访), then the applicant may review again (round 2)."""

    evaluation = models.OneToOneField(Evaluation, verbose_name=_("evaluation"), on_delete=models.PROTECT,
                                      related_name="rectification")
    department = models.ForeignKey("casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="rectifications")
    opened_at = models.DateTimeField(_("opened"))
    due = models.DateField(_("rectification due"), db_index=True)
    due_provisional = models.BooleanField(_("provisional deadline"), default=False)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    action = models.TextField(_("what was done"), blank=True, max_length=5000)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    acted_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    callback = models.TextField(_("call-back (回访)"), blank=True, max_length=5000)
    callback_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("called back by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    callback_at = models.DateTimeField(_("called back"), null=True, blank=True)
    # the light last seen by the supervision pass, so that its alerts go out once per change
    light = models.CharField(_("light"), max_length=8, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("rectification (整改)")
        verbose_name_plural = _("rectifications (整改)")
        indexes = [models.Index(fields=["department", "due"], condition=Q(callback_at__isnull=True),
                                name="rectification_open")]

    @property
    def is_done(self) -> bool:
        return self.callback_at is not None


class Exclusion(models.Model):
    """A department asks to exclude a review it thinks malicious (恶意差评); only a supervisor
    decides, and the decision's reason is shown publicly with the review."""

    evaluation = models.OneToOneField(Evaluation, verbose_name=_("evaluation"), on_delete=models.PROTECT,
                                      related_name="exclusion")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("record field", "requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    grounds = models.TextField(_("grounds"), max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    excluded = models.BooleanField(_("excluded"), null=True, blank=True)  # None: not decided yet
    decision = models.TextField(_("reason given"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("request to exclude a review")
        verbose_name_plural = _("requests to exclude a review")


class Reminder(models.Model):
    """The one reminder to review a case, three working days after it concluded (none after a review)."""

    case = models.OneToOneField("casefiles.CaseFile", primary_key=True, on_delete=models.CASCADE,
                                related_name="evaluation_reminder")
    sent_at = models.DateTimeField(pgettext_lazy("record field", "sent"))

    class Meta:
        verbose_name = _("evaluation reminder")
        verbose_name_plural = _("evaluation reminders")
