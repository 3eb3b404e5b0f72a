"""The portal's and the workbench's one answer to a refusal (casefiles/portal/errors.py,
casefiles/workbench/errors.py): its own status, and a NotFound the missing record's 404."""

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from casefiles import errors
from casefiles.portal import errors as portal
from casefiles.workbench import errors as workbench


def request():
    r = RequestFactory().post("/")
    r.session = {}
    r._messages = FallbackStorage(r)
    return r


def page(request, *args, status=200, **context):
    return HttpResponse(repr((args, context)), status=status)


@pytest.mark.parametrize("refused", [errors.NotPermitted("No."), errors.Conflict("Not now."), errors.Invalid("Bad.")])
@pytest.mark.parametrize("channel", [portal, workbench])
def test_the_form_and_the_page_answer_the_refusals_status(channel, refused):
    form = forms.Form(data={})
    form.is_valid()
    assert channel.refused_form(form, refused) == refused.status and form.non_field_errors() == refused.messages
    assert channel.refused_page(request(), refused, page, "case").status_code == refused.status


@pytest.mark.parametrize("channel", [portal, workbench])
def test_a_not_found_is_the_404_of_a_missing_record(channel):
    form = forms.Form(data={})
    with pytest.raises(Http404):
        channel.refused_form(form, errors.NotFound("No such case."))
    with pytest.raises(Http404):
        channel.refused_page(request(), errors.NotFound("No such case."), page)


def test_an_action_refused_goes_back_to_its_page_but_not_permitted_is_403():
    answer = portal.refused_redirect(request(), errors.Conflict("Already revoked."), "/back/")
    assert answer.status_code == 302 and answer["Location"] == "/back/"
    with pytest.raises(PermissionDenied):
        portal.refused_redirect(request(), errors.NotPermitted("Not yours."), "/back/")
    with pytest.raises(Http404):
        portal.refused_redirect(request(), errors.NotFound("No such case."), "/back/")
