"""The blocks editors build an item's application form (申请表) and its instant-approval rules
(秒批) from, on the guide's "Form" tab. They only describe; what the form means — validation,
conditions, its JSON Schema, pre-filling — is casefiles.forms, and the rules are evaluated by
casefiles.expedited.

Every field has a key (what the API and the license mapping call it), a label and help, whether
it is required, a condition on another field (shown and asked only when it holds), where its
value may be pre-filled from, and whether a pre-filled value is locked.
"""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks

from casefiles.realname.models import Level

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
key_validator = RegexValidator(KEY_PATTERN, _("Lower-case letters, digits and _, starting with a letter (at most 40)."))

# Where a value may come from (casefiles.forms.prefill reads these names).
PREFILL_CHOICES = [
    ("", _("Nothing: the applicant types it")),
    ("applicant.name", _("Applicant's name")),
    ("applicant.code", _("Applicant's USCC or identity number")),
    ("enterprise.legal_representative", _("Enterprise: legal representative")),
    ("enterprise.address", _("Enterprise: address (住所)")),
    ("enterprise.phone", _("Enterprise: phone")),
    ("person.address", _("Person: address")),
    ("person.phone", _("Person: mobile number")),
    ("license", _("A field of a license the applicant holds")),
    # 一企一档 (casefiles.policies.applying): the registry's value, else what the enterprise declared
    ("file.industry_code", _("Enterprise's file: industry code")),
    ("file.scale", _("Enterprise's file: scale")),
    ("file.established_on", _("Enterprise's file: date of establishment")),
    ("file.registered_capital", _("Enterprise's file: registered capital")),
    ("file.employees", _("Enterprise's file: number of employees")),
]

CONDITION_OPERATORS = [
    ("", pgettext_lazy("form block", "Always asked")),
    ("eq", pgettext_lazy("form block", "equals")),
    ("ne", pgettext_lazy("form block", "does not equal")),
    ("in", pgettext_lazy("form block", "is one of (comma-separated)")),
    ("gt", pgettext_lazy("form block", "is more than")),
    ("lt", pgettext_lazy("form block", "is less than")),
    ("filled", pgettext_lazy("form block", "is filled in")),
]


def field_key_block():
    return blocks.CharBlock(label=pgettext_lazy("form block", "key"), max_length=40, validators=[key_validator],
                            help_text=_("How the API and the license's fields name it, e.g. business_address."))


class FieldBlock(blocks.StructBlock):
    """What every form field has."""

    key = field_key_block()
    label = blocks.CharBlock(label=pgettext_lazy("form block", "label"), max_length=100)
    help_text = blocks.CharBlock(label=pgettext_lazy("form block", "help text"), max_length=300, required=False)
    required = blocks.BooleanBlock(label=pgettext_lazy("form block", "required"), required=False, default=True)
    condition_field = blocks.CharBlock(
        label=pgettext_lazy("form block", "asked only when field"), max_length=40, required=False,
        help_text=_("Key of an earlier field; empty: always asked."),
    )
    condition_operator = blocks.ChoiceBlock(label=pgettext_lazy("form block", "condition"), choices=CONDITION_OPERATORS, required=False)
    condition_value = blocks.CharBlock(label=pgettext_lazy("form block", "value"), max_length=200, required=False)
    prefill = blocks.ChoiceBlock(label=pgettext_lazy("form block", "pre-filled from"), choices=PREFILL_CHOICES, required=False)
    prefill_license_type = blocks.CharBlock(
        label=pgettext_lazy("form block", "license type code"), max_length=40, required=False,
        help_text=_("With “a field of a license”: the license type, e.g. business_license."),
    )
    prefill_license_field = blocks.CharBlock(
        label=pgettext_lazy("form block", "license field key"), max_length=40, required=False,
        help_text=_("With “a field of a license”: the key in its data, e.g. address."),
    )
    locked = blocks.BooleanBlock(
        label=_("a pre-filled value cannot be changed"), required=False,
        help_text=_("For what the record already proves, such as the USCC."),
    )
    license_field = blocks.CharBlock(
        label=pgettext_lazy("form block", "fills the license field"), max_length=40, required=False,
        help_text=_("Key of the produced license's data field it fills; empty: the field with the same key."),
    )

    class Meta:
        icon = "form"


class TextFieldBlock(FieldBlock):
    max_length = blocks.IntegerBlock(label=pgettext_lazy("form block", "at most (characters)"), min_value=1, max_value=2000, default=100)
    multiline = blocks.BooleanBlock(label=pgettext_lazy("form block", "several lines"), required=False)

    class Meta:
        label = pgettext_lazy("form block", "Text")


class NumberFieldBlock(FieldBlock):
    min_value = blocks.DecimalBlock(label=pgettext_lazy("form block", "at least"), required=False)
    max_value = blocks.DecimalBlock(label=pgettext_lazy("form block", "at most"), required=False)
    decimal_places = blocks.IntegerBlock(label=pgettext_lazy("form block", "decimal places"), min_value=0, max_value=6, default=0)
    unit = blocks.CharBlock(label=pgettext_lazy("form block", "unit"), max_length=20, required=False, help_text=_("e.g. m²"))

    class Meta:
        label = pgettext_lazy("form block", "Number")


class MoneyFieldBlock(FieldBlock):
    min_value = blocks.DecimalBlock(label=pgettext_lazy("form block", "at least (yuan)"), required=False)
    max_value = blocks.DecimalBlock(label=pgettext_lazy("form block", "at most (yuan)"), required=False)
    unit = blocks.ChoiceBlock(label=pgettext_lazy("form block", "unit"), choices=[("yuan", _("yuan (元)")), ("wan", _("10 000 yuan (万元)"))],
                              default="yuan")

    class Meta:
        label = pgettext_lazy("form block", "Money")


class DateFieldBlock(FieldBlock):
    when = blocks.ChoiceBlock(
        label=pgettext_lazy("form block", "which dates"),
        choices=[("any", pgettext_lazy("form block", "Any date")), ("past", pgettext_lazy("form block", "Today or earlier")), ("future", pgettext_lazy("form block", "Today or later"))],
        default="any",
    )

    class Meta:
        label = pgettext_lazy("form block", "Date")


class OptionBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=pgettext_lazy("form block", "value"), max_length=60)
    label = blocks.CharBlock(label=pgettext_lazy("form block", "label"), max_length=100)


class ChoiceFieldBlock(FieldBlock):
    options = blocks.ListBlock(OptionBlock(), label=pgettext_lazy("form block", "options"), min_num=1)
    multiple = blocks.BooleanBlock(label=pgettext_lazy("form block", "several may be chosen"), required=False)

    class Meta:
        label = pgettext_lazy("form field", "Choice")


class AddressFieldBlock(FieldBlock):
    class Meta:
        label = pgettext_lazy("form block", "Address")


class MobileFieldBlock(FieldBlock):
    class Meta:
        label = pgettext_lazy("form block", "Mobile number")


class IdentifierFieldBlock(FieldBlock):
    kind = blocks.ChoiceBlock(
        label=pgettext_lazy("form block", "kind"),
        choices=[("uscc", _("Unified social credit code")), ("resident_id", _("Resident identity number"))],
        default="uscc",
    )

    class Meta:
        label = _("Identifier (checked by its check character)")


class ColumnBlock(blocks.StructBlock):
    key = field_key_block()
    label = blocks.CharBlock(label=pgettext_lazy("form block", "label"), max_length=100)
    type = blocks.ChoiceBlock(
        label=pgettext_lazy("form block", "type"),
        choices=[("text", pgettext_lazy("form block", "Text")), ("number", pgettext_lazy("form block", "Number")), ("money", pgettext_lazy("form block", "Money")), ("date", pgettext_lazy("form block", "Date")),
                 ("mobile", pgettext_lazy("form block", "Mobile number")), ("resident_id", _("Resident identity number"))],
        default="text",
    )
    required = blocks.BooleanBlock(label=pgettext_lazy("form block", "required"), required=False, default=True)


class TableFieldBlock(FieldBlock):
    columns = blocks.ListBlock(ColumnBlock(), label=pgettext_lazy("form block", "columns"), min_num=1)
    min_rows = blocks.IntegerBlock(label=pgettext_lazy("form block", "at least (rows)"), min_value=0, default=1)
    max_rows = blocks.IntegerBlock(label=pgettext_lazy("form block", "at most (rows)"), min_value=1, max_value=200, default=20)

    class Meta:
        label = pgettext_lazy("form block", "Table of rows")


class CommitmentFieldBlock(blocks.StructBlock):
    """告知承诺: the statement the applicant signs by ticking it."""

    key = field_key_block()
    label = blocks.CharBlock(label=pgettext_lazy("form block", "label"), max_length=100)
    text = blocks.TextBlock(label=pgettext_lazy("form block", "the commitment"))

    class Meta:
        icon = "tick-inverse"
        label = _("Commitment (告知承诺)")


FORM_FIELD_BLOCKS = [
    ("text", TextFieldBlock()),
    ("number", NumberFieldBlock()),
    ("money", MoneyFieldBlock()),
    ("date", DateFieldBlock()),
    ("choice", ChoiceFieldBlock()),
    ("address", AddressFieldBlock()),
    ("mobile", MobileFieldBlock()),
    ("identifier", IdentifierFieldBlock()),
    ("table", TableFieldBlock()),
    ("commitment", CommitmentFieldBlock()),
]


# --- 秒批: the rules an application must meet to be approved at submission --------------------

RULE_OPERATORS = [
    ("eq", pgettext_lazy("form block", "equals")),
    ("ne", pgettext_lazy("form block", "does not equal")),
    ("in", pgettext_lazy("form block", "is one of (comma-separated)")),
    ("gt", pgettext_lazy("form block", "is more than")),
    ("lt", pgettext_lazy("form block", "is less than")),
    ("ge", pgettext_lazy("form block", "is at least")),
    ("le", pgettext_lazy("form block", "is at most")),
    ("filled", pgettext_lazy("form block", "is filled in")),
]


class FieldRuleBlock(blocks.StructBlock):
    field = blocks.CharBlock(label=pgettext_lazy("form block", "form field key"), max_length=40)
    operator = blocks.ChoiceBlock(label=pgettext_lazy("form block", "condition"), choices=RULE_OPERATORS, default="eq")
    value = blocks.CharBlock(label=pgettext_lazy("form block", "value"), max_length=200, required=False)
    label = blocks.CharBlock(label=_("as the journal and the clerk read it"), max_length=200,
                             help_text=_("e.g. 经营场所面积小于50平方米"))

    class Meta:
        icon = "form"
        label = _("A form field's value")


class HoldsLicenseRuleBlock(blocks.StructBlock):
    license_type = blocks.CharBlock(label=pgettext_lazy("form block", "license type code"), max_length=40)
    label = blocks.CharBlock(label=_("as the journal and the clerk read it"), max_length=200,
                             help_text=_("e.g. 持有有效的营业执照"))

    class Meta:
        icon = "doc-full"
        label = _("Holds a valid license")


class LevelRuleBlock(blocks.StructBlock):
    level = blocks.ChoiceBlock(label=pgettext_lazy("form block", "real-name level at least"), choices=Level.choices)
    label = blocks.CharBlock(label=_("as the journal and the clerk read it"), max_length=200)

    class Meta:
        icon = "user"
        label = _("The applicant's real-name level")


INSTANT_RULE_BLOCKS = [
    ("field", FieldRuleBlock()),
    ("holds_license", HoldsLicenseRuleBlock()),
    ("level", LevelRuleBlock()),
]
