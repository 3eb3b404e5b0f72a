"""The small vocabulary of StreamField blocks the page models share."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

RICH = ["bold", "italic", "link", "ol", "ul"]


class LegalBasisBlock(blocks.StructBlock):
    law = blocks.CharBlock(label=_("law or regulation"), max_length=200)
    article = blocks.CharBlock(label=_("article"), max_length=100, required=False)
    text = blocks.TextBlock(label=_("text"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Legal basis")


class ProcessStepBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("step"), max_length=60)
    actor = blocks.CharBlock(label=_("who acts"), max_length=60, required=False)
    description = blocks.TextBlock(label=pgettext_lazy("record field", "description"), required=False)
    days = blocks.IntegerBlock(label=_("working days"), required=False, min_value=0)

    class Meta:
        icon = "list-ol"
        label = _("Process step")


class FeeBlock(blocks.StructBlock):
    item = blocks.CharBlock(label=_("fee item"), max_length=100)
    standard = blocks.CharBlock(label=_("standard"), max_length=200)
    basis = blocks.CharBlock(label=_("basis"), max_length=200, required=False)
    waivable = blocks.BooleanBlock(label=_("may be reduced or waived"), required=False)

    class Meta:
        icon = "tag"
        label = _("Fee")


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=200)
    answer = blocks.RichTextBlock(label=_("answer"), features=RICH)

    class Meta:
        icon = "help"
        label = _("Question and answer")


class AttachmentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200, required=False)
    document = DocumentChooserBlock(label=_("document"))

    class Meta:
        icon = "doc-full-inverse"
        label = _("Attachment")
