"""The forms of the enterprise pages (我的企业, 企业注册, 成员管理). What is valid is casefiles.members'
to say; these only carry what the person typed to it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casefiles.members.models import Role


class RegisterEnterpriseForm(forms.Form):
    uscc = forms.CharField(
        label=_("Unified social credit code"), max_length=30,
        help_text=_("18 characters, on the business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Name of the enterprise"), max_length=200,
                           help_text=_("As on the business licence."))
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    note = forms.CharField(
        label=_("Note for the administrators (optional)"), required=False, max_length=300,
        help_text=_("If the enterprise is registered already, your registration becomes a request to its administrators: "
                    "say who you are."),
    )


class InviteForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile phone of the person invited"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("They receive a link by SMS, and accept it signed in with the account of this mobile number."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.HANDLER, widget=forms.RadioSelect)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.HANDLER, required=False)
