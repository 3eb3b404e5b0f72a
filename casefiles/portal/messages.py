"""我的消息: the signed-in user's inbox (站内消息) — applicants and staff alike — filtered by kind
and unread, and marking one or all read. The rules are casefiles.notifications.messages'; someone
else's message answers 404 exactly like a missing one.
"""

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from casefiles.errors import Refused
from casefiles.notifications import messages as message_centre
from casefiles.notifications.models import Message
from casefiles.portal.errors import refused_redirect
from casefiles.portal.redirects import safe_next

MESSAGES_PER_PAGE = 20


class InboxFilter(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False,
                             choices=[("", gettext_lazy("All kinds")), *Message.Kind.choices],
                             error_messages={"invalid_choice": gettext_lazy("There is no such kind of message.")})
    unread = forms.BooleanField(label=gettext_lazy("Unread only"), required=False)


@login_required
@require_GET
def my_messages(request):
    form = InboxFilter(request.GET)
    valid = form.is_valid()
    kind, unread = (form.cleaned_data["kind"] or None, form.cleaned_data["unread"]) if valid else (None, False)
    found = message_centre.inbox(request.user, kind=kind, unread_only=unread)
    page_obj = Paginator(found, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "casefiles/portal/messages.html",
                  {"form": form, "page_obj": page_obj, "filtered": bool(kind or unread), "kinds": Message.Kind.choices},
                  status=200 if valid else 400)


def _back(request) -> str:
    """Where a marking returns: the inbox page it was made from (its filters and page), else the inbox."""
    return safe_next(request, "casefiles:messages")


@login_required
@require_POST
def mark_read(request, pk):
    try:
        message_centre.mark_read(request.user, [pk])
    except Refused as refused:
        return refused_redirect(request, refused, _back(request))
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request):
    count = message_centre.mark_all_read(request.user)
    if count:
        flash.success(request, ngettext("%(count)d message marked as read.", "%(count)d messages marked as read.", count)
                      % {"count": count})
    else:
        flash.info(request, _("There were no unread messages."))
    return redirect(_back(request))
