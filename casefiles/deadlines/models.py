"""China's working-day calendar: the State Council's yearly holiday schedule.

Only the exceptions are stored. A plain Monday–Friday is a working day and a plain Saturday
or Sunday is not, unless a ``CalendarDay`` says otherwise: a ``holiday`` (法定节假日, or a
rest day inside a holiday period) or a ``workday`` (调休上班日, a Saturday or Sunday worked
to make up for a bridged weekday). The schedule of a year counts only once its
``CalendarYear`` is ``official``; until then deadlines reaching into it are provisional
(see ``casefiles.deadlines.working_days``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel

# Sent (after the transaction commits) whenever an official year is saved: imported, entered
# in the admin, or corrected. Arguments: ``year`` (an int). The case module connects here
# to recompute the deadlines that were provisional for want of that year.
calendar_year_entered = Signal()

FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_schedule(year, days, *, complete=True):
    """The problems with one year's list of exception days; an empty list when it is sound.

    ``days`` are ``(date, kind, name)`` triples. Returns ``(date or None, message)`` pairs so
    that a form can put each message next to its row and an import can list them all.
    ``complete``: the list is the year's whole schedule, so it must name at least one holiday.
    """
    problems = []
    seen = {}
    for day, kind, name in days:
        if day.year != year:
            problems.append((day, gettext("%(date)s is not in %(year)s.") % {"date": day.isoformat(), "year": year}))
        if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
            problems.append((day, gettext(
                "%(date)s is a %(weekday)s: a make-up working day (调休上班) is always a Saturday or Sunday."
            ) % {"date": day.isoformat(), "weekday": date_format(day, "l")}))
        if not (name or "").strip():
            problems.append((day, gettext("%(date)s has no name (such as 春节 or 国庆节).") % {"date": day.isoformat()}))
        if day in seen:
            if seen[day] == kind:
                message = gettext("%(date)s is listed twice.")
            else:
                message = gettext("%(date)s is listed both as a holiday and as a working day.")
            problems.append((day, message % {"date": day.isoformat()}))
        seen[day] = kind
    if complete and CalendarDay.Kind.HOLIDAY not in seen.values():
        problems.append((None, gettext(
            "The schedule of %(year)s names no holiday; every year has at least New Year's Day (元旦)."
        ) % {"year": year}))
    return problems


class CalendarYearForm(WagtailAdminModelForm):
    """The admin form of a year with its days inline: checks the days together, records who entered it."""

    def is_valid(self):
        # ClusterForm cleans the year before its day formsets, so the checks that need both
        # run here, once everything else has been cleaned.
        if not super().is_valid():
            return False
        rows = [
            form for form in self.formsets["days"].forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        days = [(form.cleaned_data["date"], form.cleaned_data["kind"], form.cleaned_data["name"]) for form in rows]
        official = self.cleaned_data["status"] == CalendarYear.Status.OFFICIAL
        problems = check_schedule(self.cleaned_data["year"], days, complete=official)
        for day, message in problems:
            row = next((form for form in rows if form.cleaned_data.get("date") == day), None)
            if row is None:
                self.add_error(None, message)
            else:
                row.add_error("date", message)
        return not problems

    def save(self, commit=True):
        year = self.instance
        changed = self.has_changed() or any(formset.has_changed() for formset in self.formsets.values())
        if year.status == CalendarYear.Status.OFFICIAL and (changed or year.entered_at is None):
            year.entered_at = timezone.now()
            year.entered_by = self.for_user if getattr(self.for_user, "is_authenticated", False) else None
        return super().save(commit=commit)


class CalendarYear(ClusterableModel):
    """One year's holiday schedule as the State Council published it (部分节假日安排的通知)."""

    class Status(models.TextChoices):
        OFFICIAL = "official", _("Official: the State Council's schedule is entered")
        DRAFT = "draft", _("Draft: being entered, not yet used for deadlines")

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(
        _("notice"), max_length=200,
        help_text=_("The notice the schedule comes from, e.g. 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕…号）."),
    )
    source_url = models.URLField(_("notice address"), blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    # Moves on every change to the year or its days: casefiles.deadlines.working_days.get_calendar
    # compares it to see changes made by other processes.
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    base_form_class = CalendarYearForm
    panels = [
        FieldPanel("year"),
        FieldPanel("status"),
        FieldPanel("source"),
        FieldPanel("source_url"),
        FieldPanel("note"),
        InlinePanel("days", heading=_("Holidays and make-up working days"), label=_("Day")),
    ]

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)

    @property
    def is_official(self):
        return self.status == self.Status.OFFICIAL


class CalendarDay(models.Model):
    """A day that departs from the Monday–Friday rule."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (放假)")
        WORKDAY = "workday", _("Make-up working day (调休上班)")

    calendar_year = ParentalKey(CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=40, help_text=_("The holiday it belongs to, e.g. 春节 or 国庆节."))

    panels = [FieldPanel("date"), FieldPanel("kind"), FieldPanel("name")]

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date.isoformat()} {self.name} ({self.get_kind_display()})"

    def clean(self):
        super().clean()
        if self.date is None or self.calendar_year_id is None:
            return
        problems = check_schedule(self.calendar_year.year, [(self.date, self.kind, self.name)], complete=False)
        if problems:
            raise ValidationError({"date": [message for _day, message in problems]})


@receiver([post_save, post_delete], sender=CalendarDay, dispatch_uid="calendar_day_touches_year")
def touch_calendar_year(sender, instance, raw=False, **kwargs):
    if not raw:
        CalendarYear.objects.filter(pk=instance.calendar_year_id).update(changed_at=timezone.now())


@receiver(post_save, sender=CalendarYear, dispatch_uid="calendar_year_entered")
def announce_calendar_year(sender, instance, raw=False, **kwargs):
    if not raw and instance.is_official:
        year = instance.year
        transaction.on_commit(lambda: calendar_year_entered.send(sender=CalendarYear, year=year))
