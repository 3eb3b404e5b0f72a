import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.agents import authorisations
from casefiles.access.models import Authorisation
from casefiles.members import acting

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


def validate_phone(value):
    if not PHONE.match(value.strip()):
        raise ValidationError(_("Enter a telephone number of digits, e.g. 13800000000 or 0756-1234567."))


class ApplyForm(forms.Form):
    """Step 1: who applies, and whom the department contacts."""

    applicant = forms.ChoiceField(label=_("Applicant"), widget=forms.RadioSelect, error_messages={
        "required": _("Choose whom you apply for."),
        "invalid_choice": _("Choose whom you apply for."),
    })
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=40, validators=[validate_phone],
        help_text=_("The department calls this number with questions about the application."),
    )
    contact_email = forms.EmailField(
        label=_("Contact email"), required=False,
        help_text=_("Every change of status is sent to this address."),
    )

    def __init__(self, user, *args, session=None, **kwargs):
        """``session``: the user's, which holds the enterprise they act for (casefiles.members.acting)."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.session = session if session is not None else {}
        self.choices = acting.applicants(user, self.session)
        self.fields["applicant"].choices = [(c.key, c.label) for c in self.choices]
        if not self.is_bound:
            keys = [c.key for c in self.choices]
            preferred = acting.initial_applicant(user, self.session)
            if preferred in keys:
                self.initial.setdefault("applicant", preferred)
            elif len(keys) == 1:
                self.initial.setdefault("applicant", keys[0])

    def clean_applicant(self):
        applicant = acting.resolve_applicant(self.user, self.session, self.cleaned_data["applicant"])
        if applicant is None:
            raise ValidationError(_("Choose whom you apply for."))
        return applicant


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that a withdrawn application cannot be resumed: to go on, I must apply again."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )


class ProgressForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"), max_length=40,
        help_text=_("20 digits, on the acceptance notice and in the confirmation email."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Verification code"), max_length=16,
        help_text=_("8 letters and digits, given to you with the case number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class AuthoriseAgentForm(forms.Form):
    """帮办代办: whom the applicant authorises, for what, until when, with the signed authorisation."""

    agent = forms.CharField(
        label=_("Agent's username or mobile phone"), max_length=150,
        help_text=_("The agent must have an account: a service-centre helper (帮办员) or a registered agent (代办人)."),
    )
    kind = forms.ChoiceField(label=_("Kind of agent"), widget=forms.RadioSelect)
    scope = forms.ChoiceField(label=_("What the agent may do"), widget=forms.RadioSelect)
    valid_until = forms.DateField(
        label=_("Valid until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2026-12-31.")},
    )
    document = forms.FileField(
        label=_("Signed authorisation (授权委托书)"),
        help_text=_("A scan or photo of the authorisation signed (and, for an enterprise, sealed) by the applicant: PDF, OFD, JPEG or PNG."),
        error_messages={"required": _("Attach the signed authorisation (授权委托书).")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Authorisation.Kind.choices
        self.fields["scope"].choices = Authorisation.Scope.choices
        self.fields["valid_until"].help_text = _("At most %(days)d days from today; you can revoke it at any time.") % {
            "days": authorisations.MAX_DAYS}
        self.initial.setdefault("kind", Authorisation.Kind.HELPER)
        self.initial.setdefault("scope", Authorisation.Scope.SUBMIT)
        self.initial.setdefault("valid_until", timezone.localdate() + datetime.timedelta(days=authorisations.DEFAULT_DAYS))

    def clean_agent(self):
        agent = authorisations.find_agent(self.cleaned_data["agent"])
        if agent is None:
            raise ValidationError(_("No registered user has this username or phone number."))
        return agent

    def valid_until_moment(self):
        """The end of the chosen day, local time: the authorisation holds all of that day."""
        day = self.cleaned_data["valid_until"] + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class RevokeAgentForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)
