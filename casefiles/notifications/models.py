"""The message centre (站内消息): one inbox per user, posted to by the cases and, later, by
supervision, evaluations and policies (``casefiles.notifications.messages.post``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TITLE_CHARS = 200
BODY_CHARS = 20000
LINK_CHARS = 500


def validate_site_path(value: str) -> None:
    """A link of a message goes to a page of this site: a path ("/my/cases/…"), never an
    address elsewhere ("//host", "https://…", "/\\host" — which browsers read as another host)."""
    if not value:
        return
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[" …: not even an address
        parts = None
    if (parts is None or not value.startswith("/") or value.startswith("//") or "\\" in value or parts.scheme
            or parts.netloc or any(ord(c) < 33 or ord(c) == 127 for c in value)):
        raise ValidationError(_("A message links to a page of this site: a path that starts with a single “/”."),
                              code="not_a_site_path")


class Message(models.Model):
    """One message in one user's inbox: what it says, where it leads, and when it was read."""

    class Kind(models.TextChoices):
        # Later issues add their kinds here (a new choice is a migration that changes no table).
        CASE = "case", _("Case update")
        ALERT = "alert", _("Alert")
        REMINDER = "reminder", _("Reminder")
        POLICY = "policy", _("Policy")
        SYSTEM = "system", _("System notice")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="inbox_messages")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=TITLE_CHARS)
    body = models.TextField(_("message text"), blank=True, help_text="Plain text; shown with its line breaks")
    link = models.CharField(_("link"), max_length=LINK_CHARS, blank=True, validators=[validate_site_path])
    # What the message is about stays readable when a case goes: what the user was told was told.
    case = models.ForeignKey("casefiles.CaseFile", verbose_name=_("case file"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="messages")
    created_at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="message_inbox"),
            # The header's count and the "unread" filter: only the unread rows, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], condition=Q(read_at__isnull=True),
                         name="message_unread"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
