"""电子监察's records: who handles each stage of a case (承办人), the light each case was last
seen in and every change of it (so an alert goes out once per change), supervision orders
(督办) and cards (红黄牌). The rules are in the modules beside this one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.deadlines.working_days import Light


class Stage(models.TextChoices):
    """The stages of a case's handling (办理环节), each with its handler and its clock."""

    ACCEPTANCE = "acceptance", pgettext_lazy("handling stage", "Acceptance")  # 受理
    REVIEW = "review", pgettext_lazy("handling stage", "Review")  # 审查
    DECISION = "decision", pgettext_lazy("handling stage", "Decision")  # 决定


class Assignment(models.Model):
    """One member of staff handling one stage of one case, from ``since`` until ``until`` (open:
    the stage's handler now). A change of handler ends the row and starts another: the rows are
    the history, and every change is also in the case's journal."""

    class How(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("handler", "Assigned")
        CLAIMED = "claimed", pgettext_lazy("handler", "Claimed")
        TRANSFERRED = "transferred", pgettext_lazy("handler", "Transferred")

    case = models.ForeignKey("casefiles.CaseFile", verbose_name=_("case file"), on_delete=models.CASCADE,
                             related_name="assignments")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), on_delete=models.PROTECT,
                                related_name="case_assignments")
    how = models.CharField(_("how"), max_length=12, choices=How.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    since = models.DateTimeField(_("since"))
    until = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["since", "pk"]
        verbose_name = _("handler assignment")
        verbose_name_plural = _("handler assignments")
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], condition=Q(until__isnull=True),
                                    name="one_handler_per_case_stage"),
        ]
        indexes = [
            # "my cases": a member's open assignments
            models.Index(fields=["handler", "case"], condition=Q(until__isnull=True), name="assignment_current"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.stage} {self.handler_id}"


class CaseLight(models.Model):
    """The light a case was last seen in by the supervision pass (``alerts.sweep``): the pass
    compares it with the light the case has now, and a difference is a ``LightChange``."""

    case = models.OneToOneField("casefiles.CaseFile", primary_key=True, on_delete=models.CASCADE,
                                related_name="supervision_light")
    light = models.CharField(_("light"), max_length=8, choices=Light.choices)
    since = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("case light")
        verbose_name_plural = _("case lights")
        indexes = [models.Index(fields=["light"], name="case_light_by_light")]


class LightChange(models.Model):
    """A case's light changed (to yellow or red, or back): told to its handlers, its
    department's lead and the supervisors once, when ``alerted_at`` is set."""

    case = models.ForeignKey("casefiles.CaseFile", verbose_name=_("case file"), on_delete=models.CASCADE,
                             related_name="light_changes")
    department = models.ForeignKey("casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="+")
    from_light = models.CharField(_("from"), max_length=8, choices=Light.choices, blank=True)
    to_light = models.CharField(_("to"), max_length=8, choices=Light.choices)
    changed_at = models.DateTimeField(_("changed"))
    alerted_at = models.DateTimeField(_("alerted"), null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of light")
        verbose_name_plural = _("changes of light")
        indexes = [
            models.Index(fields=["changed_at"], condition=Q(alerted_at__isnull=True), name="light_change_to_alert"),
            models.Index(fields=["department", "-changed_at"], name="light_change_department"),
        ]


class Order(models.Model):
    """督办: a supervisor's order on a case or a department, with the date the department must
    reply by. Past that date unanswered it escalates to the department's lead (once)."""

    case = models.ForeignKey("casefiles.CaseFile", verbose_name=_("case file"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="supervision_orders")
    department = models.ForeignKey("casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="supervision_orders")
    subject = models.CharField(pgettext_lazy("record field", "subject"), max_length=200)
    text = models.TextField(_("what is to be done"), max_length=5000)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued"))
    reply_due = models.DateField(_("reply due"))
    reply = models.TextField(_("reply"), blank=True, max_length=5000)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("supervision order (督办)")
        verbose_name_plural = _("supervision orders (督办)")
        indexes = [
            models.Index(fields=["department", "reply_due"], condition=Q(replied_at__isnull=True),
                         name="order_waiting"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_answered(self) -> bool:
        return self.replied_at is not None


class Card(models.Model):
    """红黄牌: a yellow or red card to a department, made by a rule (``cards.RULES``) about one
    case. A record: never edited, never deleted (the database refuses both)."""

    class Colour(models.TextChoices):
        YELLOW = "yellow", pgettext_lazy("card", "Yellow card")
        RED = "red", pgettext_lazy("card", "Red card")

    department = models.ForeignKey("casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="cards")
    case = models.ForeignKey("casefiles.CaseFile", verbose_name=_("case file"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="cards")
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices)
    rule = models.CharField(_("rule"), max_length=40)
    reason = models.CharField(_("reason"), max_length=500)
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("card (红黄牌)")
        verbose_name_plural = _("cards (红黄牌)")
        constraints = [
            # a rule gives a case its card once
            models.UniqueConstraint(fields=["case", "rule"], name="one_card_per_case_rule"),
        ]
        indexes = [models.Index(fields=["department", "-issued_at"], name="card_department_recent")]

    def __str__(self):
        return f"{self.department_id} {self.colour} {self.rule}"


class Digest(models.Model):
    """The daily digest (每日汇总) one member of staff was sent on one day: sent once a day."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(pgettext_lazy("record field", "sent"))

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_day")]
