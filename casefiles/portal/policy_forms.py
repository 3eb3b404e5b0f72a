"""The forms of the 惠企政策 pages (政策计算器, 一企一档's declarations, 政策订阅, 免申即享's answer).
What is valid is casefiles.policies' to say (``profiles.from_answers``, ``profiles.declare``,
``subscriptions.subscribe``): these fields carry what the person typed, and only offer the
choices; a value outside them is refused by the domain, with its own message."""

from django import forms
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from casefiles.directory.models import Enterprise
from casefiles.policies.models import Qualification
from cms.models import Industry, PolicyPage

DEFAULT_REGION = "440400"  # 珠海市


def industry_choices(blank=None) -> list:
    """GB/T 4754's sections and their divisions, grouped by section, each shown as code and name."""
    rows = list(Industry.objects.annotate(size=Length("code")).filter(size__lte=3).order_by("code"))
    groups, current = [], None
    for industry in rows:
        if industry.is_section:
            current = (str(industry), [(industry.code, str(industry))])
            groups.append(current)
        elif current is not None and industry.code.startswith(current[1][0][0]):
            current[1].append((industry.code, str(industry)))
    return ([("", blank)] if blank is not None else []) + groups


def scale_choices(blank) -> list:
    return [("", blank)] + list(Enterprise.Scale.choices)


def qualification_choices() -> list:
    return list(Qualification.objects.values_list("code", "name"))


class Loose(forms.MultipleChoiceField):
    """Offers its choices, leaves judging them to the domain."""

    def validate(self, value):
        pass


def _text(label, *, max_length=40, help_text="", input_type="text", **attrs):
    return forms.CharField(label=label, required=False, max_length=max_length, help_text=help_text,
                           widget=forms.TextInput(attrs={"type": input_type, **attrs}))


class CalculatorForm(forms.Form):
    """政策计算器's questionnaire: every answer optional; the more given, the fewer unknowns."""

    industry_code = forms.CharField(label=_("Industry"), required=False, max_length=5, widget=forms.Select())
    scale = forms.CharField(label=_("Enterprise scale"), required=False, max_length=10, widget=forms.Select())
    region_code = _text(_("Region code"), max_length=12, help_text=_("Six digits (GB/T 2260): 440400 Zhuhai, "
                                                                    "440402 Xiangzhou district."), inputmode="numeric")
    established_on = _text(_("Established on"), max_length=20, input_type="date")
    registered_capital = _text(_("Registered capital (10,000 yuan)"), max_length=20, inputmode="decimal")
    employees = _text(_("Number of employees"), max_length=20, inputmode="numeric")
    qualifications = Loose(label=_("Qualifications held"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"region_code": DEFAULT_REGION})
        super().__init__(*args, **kwargs)
        self.fields["industry_code"].widget.choices = industry_choices(_("Any industry (not answered)"))
        self.fields["scale"].widget.choices = scale_choices(_("Not answered"))
        self.fields["qualifications"].choices = qualification_choices()

    def answers(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class DeclarationForm(forms.Form):
    """自主申报: what the enterprise says of itself, where the registry says nothing."""

    employees = _text(_("Number of employees"), max_length=20, inputmode="numeric")
    industry_code = forms.CharField(label=_("Industry"), required=False, max_length=5, widget=forms.Select())
    scale = forms.CharField(label=_("Enterprise scale"), required=False, max_length=10, widget=forms.Select())
    established_on = _text(_("Established on"), max_length=20, input_type="date")
    registered_capital = _text(_("Registered capital (10,000 yuan)"), max_length=20, inputmode="decimal")
    annual_revenue = _text(_("Revenue last year (10,000 yuan)"), max_length=20, inputmode="decimal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_code"].widget.choices = industry_choices(_("Not declared"))
        self.fields["scale"].widget.choices = scale_choices(_("Not declared"))

    @staticmethod
    def initial_of(declaration) -> dict:
        if declaration is None:
            return {}
        shown = {name: getattr(declaration, name) for name in
                 ("employees", "industry_code", "scale", "established_on", "registered_capital", "annual_revenue")}
        return {name: "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
                for name, value in shown.items()}


class QualificationForm(forms.Form):
    """A qualification the enterprise says it holds: declared until its department records it."""

    qualification = forms.CharField(label=_("Qualification"), max_length=40, widget=forms.Select())
    certificate_number = forms.CharField(label=_("Certificate number"), required=False, max_length=60)
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].widget.choices = qualification_choices()


class SubscriptionForm(forms.Form):
    """政策订阅: by industries, categories and region, or whatever matches an enterprise of the user's."""

    industries = Loose(label=_("Industries"), required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    categories = Loose(label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple,
                       choices=PolicyPage.Category.choices)
    region_code = _text(_("Region code"), max_length=12, help_text=_("Six digits (GB/T 2260); empty: any region."),
                        inputmode="numeric")
    matches_me = forms.BooleanField(label=_("Whatever matches my enterprise"), required=False,
                                    help_text=_("Instead of the filters above: the policies the enterprise's file "
                                                "may meet."))
    enterprise = forms.CharField(label=_("Enterprise"), required=False, max_length=30, widget=forms.Select())
    by_email = forms.BooleanField(label=_("By email"), required=False, initial=True)
    by_sms = forms.BooleanField(label=_("By SMS"), required=False)
    weekly_digest = forms.BooleanField(label=_("A weekly digest by email"), required=False, initial=True)

    def __init__(self, enterprises, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = list(enterprises)
        self.fields["industries"].choices = industry_choices()
        self.fields["enterprise"].widget.choices = [(e.uscc, e.name) for e in self.enterprises]
        if not self.enterprises:
            del self.fields["matches_me"], self.fields["enterprise"]

    def chosen_enterprise(self):
        uscc = self.cleaned_data.get("enterprise") or ""
        return next((e for e in self.enterprises if e.uscc == uscc), None)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))
