"""The message centre (站内消息): post to users' inboxes, count and list what is unread, mark it read.

``post`` is the one way in, for every kind of message: the cases' status changes now
(``casefiles.notifications.case_updates``), supervision's alerts, evaluation reminders and policy
pushes later. It writes in the caller's transaction — a message exists exactly when the step
that posted it committed — and stores the text as given: the caller words it (in the site's
language) and leaves out what the recipient may not be told.

Everything else is a user's own business: a user reads and marks only their own messages, and
someone else's message is ``NotFound`` exactly like one that does not exist.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.errors import Invalid, NotFound
from casefiles.notifications.models import BODY_CHARS, TITLE_CHARS, Message, validate_site_path

Kind = Message.Kind


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _no_such_message():
    return NotFound(_("No such message."))


# --- posting --------------------------------------------------------------------------------

def _checked(kind, title, body, link) -> tuple[str, str, str]:
    title, body, link = str(title).strip(), str(body).strip(), str(link or "").strip()
    if kind not in Kind.values:
        raise Invalid(_("There is no such kind of message."))
    if not title:
        raise Invalid(_("A message needs a title."))
    if len(title) > TITLE_CHARS or len(body) > BODY_CHARS:
        raise Invalid(_("A message's title is at most %(title)d characters long and its text at most %(body)d.")
                      % {"title": TITLE_CHARS, "body": BODY_CHARS})
    if "\x00" in title + body:
        raise Invalid(_("A message cannot contain a NUL character."))
    try:
        validate_site_path(link)
    except ValidationError as error:
        raise Invalid(*error.messages) from None
    return title, body, link


def _once_each(recipients) -> list:
    users, seen = [], set()
    for user in recipients:
        if user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    return users


def post(recipients, kind, title, body, link="", case=None) -> list[Message]:
    """One message to each of ``recipients`` (users; a user named twice gets it once), in one
    insert, inside the caller's transaction. Refuses (``Invalid``) a kind that does not exist,
    an empty or too long title, a too long text, or a link that is not a path on this site."""
    return post_many(kind, [(recipients, title, body, link, case)])


def post_many(kind, posts) -> list[Message]:
    """Several messages of ``kind`` at once — ``posts``: ``(recipients, title, body, link, case)``
    each, as ``post`` takes them — in one insert, inside the caller's transaction (supervision's
    alerts: many changes of light in one pass). Refuses as ``post`` does, and then posts none."""
    now = timezone.now()
    rows = []
    for recipients, title, body, link, case in posts:
        title, body, link = _checked(kind, title, body, link)
        rows.extend(Message(recipient=user, kind=kind, title=title, body=body, link=link, case=case, created_at=now)
                    for user in _once_each(recipients))
    if not rows:
        if kind not in Kind.values:
            raise Invalid(_("There is no such kind of message."))
        return []
    with transaction.atomic(savepoint=False):  # the caller's transaction when there is one: rolled back with it
        return Message.objects.bulk_create(rows, batch_size=1000)


# --- reading --------------------------------------------------------------------------------

def inbox(user, kind=None, unread_only=False):
    """``user``'s messages, newest first; of one ``kind`` and only the unread ones if asked."""
    if kind and kind not in Kind.values:
        raise Invalid(_("There is no such kind of message."))
    if not _signed_in(user):
        return Message.objects.none()
    found = Message.objects.filter(recipient=user)
    if kind:
        found = found.filter(kind=kind)
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found.select_related("case").order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """How many of ``user``'s messages are unread (0 for a visitor who is not signed in): one query."""
    if not _signed_in(user):
        return 0
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def message(user, message_id) -> Message:
    """One of ``user``'s own messages; anyone else's is ``NotFound``, like a missing one."""
    found = inbox(user).filter(pk=_id(message_id)).first()
    if found is None:
        raise _no_such_message()
    return found


def _id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _no_such_message() from None
    if not 0 < number < 2**63:
        raise _no_such_message()
    return number


# --- marking read ---------------------------------------------------------------------------

def mark_read(user, message_ids) -> int:
    """Mark ``message_ids`` — each one of ``user``'s own — read; returns how many were unread.
    If any of them is not ``user``'s (or does not exist), none is marked: ``NotFound``."""
    ids = {_id(value) for value in message_ids}
    if not ids:
        return 0
    own = inbox(user).filter(pk__in=ids)
    if own.count() != len(ids):
        raise _no_such_message()
    return own.filter(read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    """Mark every unread message of ``user`` read; returns how many there were."""
    return inbox(user, unread_only=True).update(read_at=timezone.now())
