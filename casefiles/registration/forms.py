"""The registration form: allauth's sign-up (mobile number, password twice) with the person's
name and resident identity number, checked by its check digit."""

from allauth.account.forms import SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from casefiles.directory.identifiers import IdentifierError, validate_resident_id
from casefiles.registration import claims

MAX_NAME = 50


class RegistrationForm(SignupForm):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}),
                           help_text=_("As on your resident identity card."))
    id_number = forms.CharField(label=_("Resident identity number"), max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                                help_text=_("18 characters; the last may be X."))

    field_order = ["name", "id_number", "phone", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["phone"].help_text = _("A code is texted to it; it is how you sign in.")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name

    def clean_id_number(self):
        try:
            return validate_resident_id(self.cleaned_data["id_number"])
        except IdentifierError as error:
            raise forms.ValidationError(str(error), code="invalid_id_number") from None

    def clean(self):
        cleaned = super().clean()
        id_number, mobile = cleaned.get("id_number"), cleaned.get("phone")
        if id_number and mobile and not self.errors and not claims.may_register(id_number, mobile):
            # Answered as a new registration would be (allauth's enumeration prevention):
            # the text to the number typed says what happened.
            self.account_already_exists = True
        return cleaned
