"""The workbench's one answer to the case files' refusals (``casefiles.errors``).

A view that calls the domain catches ``Refused`` and hands it to ``refused_page`` (the case page,
or the view's own page, once more with the refusal's messages and its status) or ``refused_form``
(the refusal as the form's own error). A ``NotFound`` answers exactly like a case that does not
exist (the 404 page).
"""

from django.contrib import messages
from django.http import Http404

from casefiles.errors import NotFound, Refused


def as_missing(error: Refused) -> None:
    """A record the user may not see answers like a missing one."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from None


def refused_page(request, error: Refused, page, *args, **context):
    """``page`` (a view's own renderer) once more, the refusal's messages shown, with its status."""
    as_missing(error)
    for message in error.messages:
        messages.error(request, message)
    return page(request, *args, status=error.status, **context)


def refused_form(form, error: Refused) -> int:
    """The refusal's messages as the form's own errors; returns the status to answer with."""
    as_missing(error)
    for message in error.messages:
        form.add_error(None, message)
    return error.status
