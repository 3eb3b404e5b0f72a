"""The header's count of unread messages (站内消息): ``{% unread_messages as count %}``.

Asked once per request (one query, kept on the request for the rest of the page), and only for a
signed-in user: a visitor who is not signed in costs no query and their page holds no count, so
the anonymous page cache (cms.caching) — which never serves nor stores a signed-in user's page —
has nothing of anyone's inbox to keep.
"""

from django import template

from casefiles.notifications import messages

register = template.Library()

_KEPT = "_yiwang_unread_messages"


@register.simple_tag(takes_context=True)
def unread_messages(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    if request is None:
        return messages.unread_count(user)
    if getattr(request, _KEPT, None) is None:
        setattr(request, _KEPT, messages.unread_count(user))
    return getattr(request, _KEPT)
