from django import forms
from django.utils.translation import gettext_lazy as _

from casefiles.licenses.models import License, LicenseType
from casefiles.licenses.wallet import SHARE_DURATIONS


class VerifyForm(forms.Form):
    identifier = forms.CharField(
        label=_("License identifier"), max_length=120,
        help_text=_("Printed at the foot of the certificate, e.g. 1.2.156.3005.2.11100000000013338W011.…"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "code"}),
        error_messages={"required": _("Enter the license identifier.")},
    )
    holder_code = forms.CharField(
        label=_("Holder's code"), max_length=30,
        help_text=_("The holder's unified social credit code, or a person's identity number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "code"}),
        error_messages={"required": _("Enter the holder's code.")},
    )


class ShareForm(forms.Form):
    duration = forms.ChoiceField(
        label=_("The link works for"), widget=forms.RadioSelect,
        choices=[(key, label) for key, _duration, label in SHARE_DURATIONS], initial="10m",
        error_messages={"required": _("Choose how long the link works."),
                        "invalid_choice": _("Choose how long the link works.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the license's history; the holder sees it in their wallet."),
        error_messages={"required": _("Give the reason.")},
    )


class IssuedFilterForm(forms.Form):
    q = forms.CharField(label=_("Number, holder or identifier"), required=False, max_length=120)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + list(License.Status.choices))
    license_type = forms.ModelChoiceField(label=_("License type"), required=False, queryset=LicenseType.objects.none(),
                                          empty_label=_("Any"))

    def __init__(self, *args, license_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if license_types is not None:
            self.fields["license_type"].queryset = license_types


class DateRangeForm(forms.Form):
    start = forms.DateField(label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Submitted until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned
