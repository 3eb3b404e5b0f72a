"""The enterprise pages: 我的企业 (the enterprises one acts for, the switch), 企业注册,
成员管理 (members, invitations, requests to join) and the invitation's acceptance.

Every rule is casefiles.members'; a view turns a request into its calls. An enterprise the user
is not a member of answers 404 on its pages; a handler on its administrators' pages 403.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casefiles.directory.identifiers import mask_mobile
from casefiles.errors import NotFound, NotPermitted, Refused
from casefiles.members import acting, enterprises, invitations
from casefiles.members.enterprises import Registration
from casefiles.members.models import Invitation, JoinRequest, Role
from casefiles.portal.errors import refused_form, refused_redirect
from casefiles.portal.member_forms import DecisionForm, InviteForm, RegisterEnterpriseForm, RoleForm
from casefiles.portal.redirects import safe_next


def _no_store(response):
    """A page whose URL carries an invitation's token: kept out of shared caches and other sites'
    logs. ``same-origin``, not ``no-referrer``: under that a browser posts the acceptance with
    ``Origin: null``, which the CSRF check refuses."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response



# --- 我的企业 --------------------------------------------------------------------------------------

@login_required
@require_GET
def my_enterprises(request):
    current = acting.acting_for(request.user, request.session)
    return render(request, "casefiles/portal/enterprises.html", {
        "mine": enterprises.mine(request.user),
        "acting_for": current,
        "requests": list(enterprises.requests_by(request.user)[:50]),
    })


@login_required
@require_POST
def act_for(request):
    """以企业身份办事: the enterprise the user acts for from now on in this session."""
    try:
        enterprise = acting.choose_by_uscc(request.user, request.session, request.POST.get("uscc"))
    except Refused as refused:
        return refused_redirect(request, refused, "casefiles:my_enterprises")
    messages.success(request, _("You now act for %(enterprise)s.") % {"enterprise": enterprise.name})
    return redirect(safe_next(request, "casefiles:my_enterprises"))


@login_required
@require_http_methods(["GET", "POST"])
def register_enterprise(request):
    form = RegisterEnterpriseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = enterprises.register(request.user, data["uscc"], data["name"], data["legal_representative"],
                                                    note=data["note"])
            except Refused as refused:
                status = refused_form(form, refused)
            else:
                return _registered(request, registration)
    return render(request, "casefiles/portal/enterprise_register.html", {"form": form}, status=status)


def _registered(request, registration):
    enterprise = registration.enterprise
    if registration.outcome == Registration.REGISTERED:
        acting.choose(request.user, request.session, enterprise)
        messages.success(request, _("%(enterprise)s is registered and you are its administrator: invite its members here.")
                         % {"enterprise": enterprise.name})
        return redirect("casefiles:enterprise_members", uscc=enterprise.uscc)
    if registration.outcome == Registration.REQUESTED:
        messages.info(request, _("%(enterprise)s is registered already. Your request to join it was sent to its "
                                 "administrators: you act for it once one of them approves.") % {"enterprise": enterprise.name})
    else:
        messages.info(request, _("%(enterprise)s was registered by the government service centre and has no administrator "
                                 "yet. To administer it, bring the business licence and the legal representative's identity "
                                 "card (or their signed and sealed authorisation) to the window (综合窗口); your claim "
                                 "number is %(number)d.") % {"enterprise": enterprise.name, "number": registration.request.pk})
    return redirect("casefiles:my_enterprises")


@login_required
@require_POST
def withdraw_request(request, pk):
    join_request = JoinRequest.objects.filter(pk=pk, user=request.user).select_related("enterprise").first()
    if join_request is None:
        raise Http404(_("No such request."))
    try:
        enterprises.withdraw_request(join_request, request.user)
    except Refused as refused:
        return refused_redirect(request, refused, "casefiles:my_enterprises")
    messages.success(request, _("Your request is withdrawn."))
    return redirect("casefiles:my_enterprises")


# --- 成员管理 --------------------------------------------------------------------------------------

def _managed_or_refused(request, uscc):
    """The enterprise the user administers; 404 outside it, 403 for a handler."""
    try:
        return enterprises.managed_enterprise(request.user, uscc)
    except NotPermitted as refused:
        raise PermissionDenied(refused.message) from None
    except NotFound as refused:
        raise Http404(refused.message) from None


def _render_members(request, enterprise, *, invite_form=None, status=200):
    now = timezone.now()
    people = enterprises.members(enterprise)
    administrators = sum(1 for member in people if member.is_administrator)
    return render(request, "casefiles/portal/enterprise_members.html", {
        "enterprise": enterprise,
        "members": people,
        "last_administrator": administrators <= 1,
        "invite_form": invite_form or InviteForm(),
        "invitations": [{"invitation": i, "mobile": mask_mobile(i.mobile),
                         "state": Invitation.State(i.state(now)).label} for i in invitations.waiting(enterprise)],
        "requests": list(enterprises.pending_requests(enterprise)),
        "roles": Role.choices,
        "invitation_days": invitations.INVITATION_DAYS,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_members(request, uscc):
    """The members, their roles, the invitations waiting and the requests to join; POST: an invitation."""
    enterprise = _managed_or_refused(request, uscc)
    if request.method == "GET":
        return _render_members(request, enterprise)
    form = InviteForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            invitation = invitations.invite(enterprise, form.cleaned_data["mobile"], form.cleaned_data["role"], request.user)
        except Refused as refused:
            status = refused_form(form, refused)
        else:
            messages.success(request, _("The invitation was sent by SMS to %(mobile)s; it can be accepted for %(days)d days.")
                             % {"mobile": mask_mobile(invitation.mobile), "days": invitations.INVITATION_DAYS})
            return redirect("casefiles:enterprise_members", uscc=enterprise.uscc)
    return _render_members(request, enterprise, invite_form=form, status=status)


def _member_user(pk):
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise Http404(_("No such member."))
    return user


@login_required
@require_POST
def change_role(request, uscc, user_id):
    enterprise = _managed_or_refused(request, uscc)
    member = _member_user(user_id)
    form = RoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    try:
        enterprises.change_role(enterprise, member, role, request.user)
    except Refused as refused:
        return refused_redirect(request, refused, "casefiles:enterprise_members", uscc=enterprise.uscc)
    messages.success(request, _("%(name)s is now %(role)s.") % {"name": enterprises.display_name(member),
                                                                "role": Role(role).label})
    return redirect("casefiles:enterprise_members", uscc=enterprise.uscc)


@login_required
@require_POST
def remove_member(request, uscc, user_id):
    """An administrator removes a member; a member leaves (their own id)."""
    member = _member_user(user_id)
    leaving = member.pk == request.user.pk
    try:
        enterprise = enterprises.own_enterprise(request.user, uscc) if leaving else enterprises.managed_enterprise(request.user, uscc)
        enterprises.remove(enterprise, member, request.user)
    except Refused as refused:
        back = "casefiles:my_enterprises" if leaving else "casefiles:enterprise_members"
        return refused_redirect(request, refused, back, **({} if leaving else {"uscc": uscc}))
    if leaving:
        messages.success(request, _("You no longer act for %(enterprise)s.") % {"enterprise": enterprise.name})
        return redirect("casefiles:my_enterprises")
    messages.success(request, _("%(name)s no longer acts for the enterprise.") % {"name": enterprises.display_name(member)})
    return redirect("casefiles:enterprise_members", uscc=enterprise.uscc)


@login_required
@require_POST
def decide_request(request, uscc, pk):
    enterprise = _managed_or_refused(request, uscc)
    join_request = JoinRequest.objects.filter(pk=pk, enterprise=enterprise, kind=JoinRequest.Kind.JOIN).select_related(
        "enterprise", "user").first()
    if join_request is None:
        raise Http404(_("No such request."))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to decline."))
        return redirect("casefiles:enterprise_members", uscc=enterprise.uscc)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        enterprises.decide(join_request, request.user, approve=approve, role=form.cleaned_data["role"] or Role.HANDLER)
    except Refused as refused:
        return refused_redirect(request, refused, "casefiles:enterprise_members", uscc=enterprise.uscc)
    name = enterprises.display_name(join_request.user)
    if approve:
        messages.success(request, _("%(name)s now acts for the enterprise.") % {"name": name})
    else:
        messages.success(request, _("The request of %(name)s is declined.") % {"name": name})
    return redirect("casefiles:enterprise_members", uscc=enterprise.uscc)


@login_required
@require_POST
def revoke_invitation(request, uscc, pk):
    enterprise = _managed_or_refused(request, uscc)
    invitation = Invitation.objects.filter(pk=pk, enterprise=enterprise).select_related("enterprise").first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    try:
        invitations.revoke(invitation, request.user)
    except Refused as refused:
        return refused_redirect(request, refused, "casefiles:enterprise_members", uscc=enterprise.uscc)
    messages.success(request, _("The invitation is revoked: its link opens nothing any more."))
    return redirect("casefiles:enterprise_members", uscc=enterprise.uscc)


# --- accepting an invitation --------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    try:
        invitation = invitations.by_token(token)
    except NotFound as missing:
        raise Http404(missing.message) from None
    if request.method == "POST":
        try:
            invitation = invitations.accept(token, request.user)
        except Refused as refused:
            return _no_store(_invitation_page(request, invitation, refused, status=refused.status))
        acting.choose(request.user, request.session, invitation.enterprise)
        messages.success(request, _("Welcome: you now act for %(enterprise)s as %(role)s.") % {
            "enterprise": invitation.enterprise.name, "role": Role(invitation.role).label})
        return redirect("casefiles:my_enterprises")
    refused = invitations.refusal(invitation, request.user)
    return _no_store(_invitation_page(request, invitation, refused, status=refused.status if refused else 200))


def _invitation_page(request, invitation, refused, *, status):
    return render(request, "casefiles/portal/invitation.html", {
        "invitation": invitation,
        "role_label": Role(invitation.role).label,
        "refusal": refused.message if refused else "",
    }, status=status)


urlpatterns = [
    path("", my_enterprises, name="my_enterprises"),
    path("acting-for/", act_for, name="act_for"),
    path("register/", register_enterprise, name="register_enterprise"),
    path("requests/<int:pk>/withdraw/", withdraw_request, name="withdraw_join_request"),
    path("invitations/<str:token>/", accept_invitation, name="accept_invitation"),
    path("<str:uscc>/members/", enterprise_members, name="enterprise_members"),
    path("<str:uscc>/members/<int:user_id>/role/", change_role, name="change_member_role"),
    path("<str:uscc>/members/<int:user_id>/remove/", remove_member, name="remove_member"),
    path("<str:uscc>/requests/<int:pk>/decide/", decide_request, name="decide_join_request"),
    path("<str:uscc>/invitations/<int:pk>/revoke/", revoke_invitation, name="revoke_invitation"),
]
