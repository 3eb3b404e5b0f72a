"""The workbench's forms: the inbox filters, and one form per step the user may take.

A step's form asks for what its transition ``needs`` (casefiles.handling.workflow) and nothing else;
whether the answers are good enough is for the transition's guards to say, so fields are
optional here and the guards' messages are the ones the clerk reads.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.cases.models import Channel, ClockPause, Status
from casefiles.deadlines.working_days import Light
from casefiles.materials.models import Material
from casefiles.workbench.inbox import SORT_LABELS
from cms.models import BundlePage, ServiceItemPage


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class InboxFilterForm(forms.Form):
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)
    item = forms.TypedChoiceField(label=_("Service item"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status"))] + [(value, label) for value, label in Status.choices if value != Status.DRAFT],
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any channel"))] + Channel.choices)
    light = forms.ChoiceField(label=_("Deadline light"), required=False, choices=[("", _("Any light"))] + Light.choices)
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("Received until"), required=False, widget=DateInput())
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, data, *, departments, items):
        super().__init__(data)
        self.fields["department"].choices = [("", _("All departments"))] + [(d.pk, d.display_name) for d in departments]
        self.fields["item"].choices = [("", _("Any item"))] + [(pk, title) for pk, title in items]

    def filters(self) -> dict:
        """The filters that parsed; a bad one is reported and left out, never guessed."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if data.get(name) not in (None, "")}


class ProblemForm(forms.Form):
    material = forms.CharField(label=_("Material"), required=False, max_length=200,
                               widget=forms.TextInput(attrs={"list": "requirement-names"}))
    material_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    problem = forms.CharField(label=_("What must be corrected"), required=False, max_length=300)


ProblemFormSet = forms.formset_factory(ProblemForm, extra=2, max_num=50, absolute_max=50)


class StepForm(forms.Form):
    """One transition: the version of the case the user saw, a journal comment, its needs."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Written into the decision the applicant receives."))
    deferred_due = forms.DateField(label=_("Deferred materials due by"), required=False, widget=DateInput())
    correction_due = forms.DateField(label=_("Correction due by (optional)"), required=False, widget=DateInput())
    comment = forms.CharField(label=_("Note for the journal (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, transition, case, data=None, rejected=()):
        self.transition = transition
        super().__init__(data, prefix=transition.name, initial={"expected_version": case.version})
        # A second person confirming a refusal may word its reason anew (the proposal's otherwise).
        rewords_reason = "reason" in transition.optional
        for name in ("reason", "deferred_due", "correction_due"):
            wanted = (name in transition.needs or (name == "correction_due" and "problems" in transition.needs)
                      or (name == "reason" and rewords_reason))
            if not wanted:
                del self.fields[name]
        if rewords_reason:
            self.fields["reason"].label = _("Reason (optional)")
            self.fields["reason"].help_text = _("Left empty, the reason of the proposal goes into the decision.")
        self.problems = None
        if "problems" in transition.needs:
            initial = [{"material": m.requirement_name, "material_id": m.pk, "problem": m.review_reason} for m in rejected]
            self.problems = ProblemFormSet(data, prefix=f"{transition.name}-problems", initial=initial)

    def is_valid(self):
        valid = super().is_valid()
        if self.problems is not None:
            valid = self.problems.is_valid() and valid
        return valid

    def params(self) -> dict:
        """The keyword arguments ``workflow.perform`` takes from this form."""
        data = self.cleaned_data
        params = {"expected_version": data["expected_version"], "comment": data.get("comment", "")}
        for name in ("reason", "deferred_due", "correction_due"):
            if name in self.fields and (name in self.transition.needs or data.get(name)):
                params[name] = data.get(name)
        if self.problems is not None:
            params["problems"] = [
                {key: value for key, value in row.items() if value not in (None, "")}
                for row in self.problems.cleaned_data
                if row.get("material") or row.get("problem")
            ]
        return params


class ReviewForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Review"), widget=forms.RadioSelect,
        choices=[(Material.Review.ACCEPTED, Material.Review.ACCEPTED.label),
                 (Material.Review.REJECTED, Material.Review.REJECTED.label)],
    )
    reason = forms.CharField(label=_("What must be corrected"), required=False, max_length=300)

    def __init__(self, material, data=None):
        initial = {"reason": material.review_reason}
        if material.review_state != Material.Review.PENDING:
            initial["state"] = material.review_state
        super().__init__(data, prefix=f"review-{material.pk}", initial=initial)


class StartSpecialProcedureForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Special procedure"),
        choices=[(value, label) for value, label in ClockPause.Kind.choices if value != ClockPause.Kind.CORRECTION],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    on = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=DateInput())

    def __init__(self, data=None):
        super().__init__(data, prefix="special", initial={"on": timezone.localdate()})


class EndSpecialProcedureForm(forms.Form):
    on = forms.DateField(label=_("Ended on"), required=False, widget=DateInput())

    def __init__(self, data=None):
        super().__init__(data, prefix="special-end", initial={"on": timezone.localdate()})


class FrontDeskFilingForm(forms.Form):
    """一窗受理: the item (of any department) or the bundle (一件事), and the applicant at the
    window, by their code."""

    item = forms.ModelChoiceField(label=_("Service item"), queryset=None, required=False,
                                  empty_label=_("Choose the item"))
    bundle = forms.ModelChoiceField(label=_("Or a bundle (一件事)"), queryset=None, required=False,
                                    empty_label=_("Choose the bundle"),
                                    help_text=_("One filing for all its items: each department gets its part."))
    applicant_code = forms.CharField(
        label=_("Applicant's code"), max_length=40,
        help_text=_("The enterprise's unified social credit code or the person's resident identity number, from the document they show."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)

    def __init__(self, data=None):
        super().__init__(data)
        items = ServiceItemPage.objects.live().select_related("department").order_by("department__code", "title")
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{item.department.name if item.department_id else '—'} · {item.title}"
        self.fields["bundle"].queryset = BundlePage.objects.live().order_by("title")

    def clean(self):
        data = super().clean()
        if bool(data.get("item")) == bool(data.get("bundle")):
            raise forms.ValidationError(_("Choose either one service item or one bundle."))
        return data


class HandOutForm(forms.Form):
    """统一出件: to whom the results are handed at the window."""

    recipient_name = forms.CharField(label=_("Received by"), max_length=100)
    recipient_id_number = forms.CharField(
        label=_("Their resident identity number (optional)"), max_length=40, required=False,
        help_text=_("Checked, and kept masked in the journal."),
    )
    note = forms.CharField(label=_("Note for the journal (optional)"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, data=None):
        super().__init__(data, prefix="hand-out")


class HandlerForm(forms.Form):
    """承办人: whom to assign or transfer a stage to (the members who may hold it), and why."""

    handler = forms.TypedChoiceField(label=pgettext_lazy("case handler", "Handler"), coerce=int)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def __init__(self, data=None, *, candidates, reason_required=False, prefix=None):
        super().__init__(data, prefix=prefix)
        self.fields["handler"].choices = [("", "—")] + [(u.pk, u.get_full_name() or u.get_username()) for u in candidates]
        self.fields["reason"].required = reason_required
