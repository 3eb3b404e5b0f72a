"""The portal's one answer to the case files' refusals (``casefiles.errors``).

A view that calls the domain catches ``Refused`` and hands it to one of these, by the page it
shows: the form again (``refused_form``), the page again (``refused_page``), or, for an action
taken from a page, back to it (``refused_redirect``). Each answers with the refusal's own status,
and a ``NotFound`` exactly like a record that does not exist (the 404 page).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from casefiles.errors import NotFound, NotPermitted, Refused


def as_missing(error: Refused) -> None:
    """A record the user may not see answers like a missing one."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from None


def refused_form(form, error: Refused) -> int:
    """The refusal's messages as the form's own errors; returns the status to answer with."""
    as_missing(error)
    for message in error.messages:
        form.add_error(None, message)
    return error.status


def refused_page(request, error: Refused, page, *args, **context):
    """``page`` (a view's own renderer) once more, with the refusal's messages as ``errors`` and its status."""
    as_missing(error)
    return page(request, *args, errors=error.messages, status=error.status, **context)


def refused_redirect(request, error: Refused, *to, **kwargs):
    """An action from a page: a NotPermitted is the 403 page; anything else says why, back on the page."""
    as_missing(error)
    if isinstance(error, NotPermitted):
        raise PermissionDenied(error.message) from None
    for message in error.messages:
        messages.error(request, message)
    return redirect(*to, **kwargs)
