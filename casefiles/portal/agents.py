"""The applicant's pages for agents (帮办代办): authorise an agent on a case, see and revoke
authorisations; the agent sees the authorisations they hold. Rules are casefiles.agents.authorisations'.

A case the user may not view answers 404; a user who may view it but is not its applicant
(an agent, staff) may not manage its agents: 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casefiles.agents import authorisations as agents
from casefiles.access.models import Authorisation
from casefiles.errors import Refused
from casefiles.materials import downloads
from casefiles.portal.errors import refused_form, refused_redirect
from casefiles.portal.forms import AuthoriseAgentForm, RevokeAgentForm
from casefiles.portal.redirects import safe_next
from casefiles.portal.views import _case_or_404


def _rows(authorisations, now):
    return [{"authorisation": a, "state": a.state(now), "state_label": Authorisation.State(a.state(now)).label,
             "open": a.revoked_at is None and a.state(now) != Authorisation.State.EXPIRED}
            for a in authorisations]


@login_required
@require_GET
def my_agents(request):
    """Authorisations given for the user's applicants, and those the user holds as an agent."""
    now = timezone.now()
    return render(request, "casefiles/portal/agents.html", {
        "given": _rows(agents.given_by(request.user)[:200], now),
        "held": _rows(agents.given_to(request.user)[:200], now),
        "revoke_form": RevokeAgentForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_agents(request, number):
    """The agents of one case: the list, and the form to authorise another."""
    case = _case_or_404(request, number)
    if not agents.is_applicant(request.user, case):
        raise PermissionDenied
    form = AuthoriseAgentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                authorisation = agents.authorise(
                    case, request.user, form.cleaned_data["agent"], form.cleaned_data["document"],
                    valid_until=form.valid_until_moment(), kind=form.cleaned_data["kind"], scope=form.cleaned_data["scope"],
                )
            except Refused as refused:
                status = refused_form(form, refused)
            else:
                messages.success(request, _("%(agent)s may now act for you on this case until %(date)s.") % {
                    "agent": _name(authorisation.agent),
                    "date": timezone.localtime(authorisation.valid_until).strftime("%Y-%m-%d %H:%M")})
                return redirect("casefiles:case_agents", number=case.number)
    return render(request, "casefiles/portal/case_agents.html", {
        "case": case,
        "form": form,
        "rows": _rows(agents.for_case(case), timezone.now()),
        "revoke_form": RevokeAgentForm(),
        "max_days": agents.MAX_DAYS,
    }, status=status)


def _authorisation_or_404(request, number, pk) -> Authorisation:
    case = _case_or_404(request, number)
    authorisation = agents.for_case(case).filter(pk=pk).select_related("case").first()
    if authorisation is None:
        raise Http404(_("No such authorisation."))
    return authorisation


@login_required
@require_POST
def revoke_agent(request, number, pk):
    authorisation = _authorisation_or_404(request, number, pk)
    form = RevokeAgentForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    target = safe_next(request, reverse("casefiles:case_agents", kwargs={"number": authorisation.case.number}))
    try:
        agents.revoke(authorisation, request.user, reason=reason)
    except Refused as refused:
        return refused_redirect(request, refused, target)
    messages.success(request, _("The authorisation of %(agent)s is revoked: they can no longer act on the case.") % {
        "agent": _name(authorisation.agent)})
    return redirect(target)


@login_required
@require_GET
def authorisation_document(request, number, pk):
    """The signed authorisation: for whoever may see the case (the applicant, the agent while in force, staff)."""
    authorisation = _authorisation_or_404(request, number, pk)
    return downloads.file_response(authorisation.document.open("rb"), name=authorisation.document_name,
                                   content_type=authorisation.document_type)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
