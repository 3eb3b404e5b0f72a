"""Public license pages (verify, public keys, shared licenses) and the holder's wallet (我的证照).

The verify page and the share page show only ``Verification.public()`` — never the license
object — so a person's name and number stay masked there. On wallet pages a license the user
does not hold is answered exactly like one that does not exist (404), downloads included.
"""

import hashlib
import json

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from casefiles.errors import Refused
from casefiles.licenses import certificates, lifecycle, signing, wallet
from casefiles.licenses.models import License
from casefiles.portal.errors import refused_form
from casefiles.portal.license_forms import ShareForm, VerifyForm
from config import ratelimit

KEYS_MAX_AGE = 300  # seconds a verifier may keep keys.json before asking again

# How each outcome is announced: a headline in words and a symbol, so that colour is never
# the only sign, and what the reader should make of it.
OUTCOMES = {
    "valid": ("good", "✓", gettext_lazy("Valid"),
              gettext_lazy("The license was issued as shown and is in force.")),
    "suspended": ("warn", "!", gettext_lazy("Suspended"),
                  gettext_lazy("The issuing department has suspended this license: it is not in force until reinstated.")),
    "revoked": ("bad", "✗", gettext_lazy("Revoked"),
                gettext_lazy("The issuing department has revoked this license: it is no longer in force.")),
    "expired": ("bad", "✗", gettext_lazy("Expired"),
                gettext_lazy("The license's period of validity has ended.")),
    "superseded": ("warn", "!", gettext_lazy("Superseded"),
                   gettext_lazy("A newer version of this license has been issued: ask the holder for the current one.")),
    "not_found": ("bad", "?", gettext_lazy("Not found"),
                  gettext_lazy("No license matches this identifier and holder's code. Check both against the certificate.")),
    "tampered": ("bad", "✗", gettext_lazy("Not authentic"),
                 gettext_lazy("The code's signature does not match: do not rely on this license.")),
}


def announce(result: dict) -> dict:
    tone, symbol, title, advice = OUTCOMES[result["outcome"]]
    return {"tone": tone, "symbol": symbol, "title": title, "advice": advice, "fields": result}


def _private(response):
    """Codes travel in the URL: keep them out of shared caches and other sites' logs."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- public verification --------------------------------------------------------------------

def _counts_as_verification(request) -> bool:
    return any(request.GET.get(name) for name in ("p", "identifier", "holder_code"))


def _too_many(request, period):
    response = render(request, "casefiles/licenses/verify.html", {"form": VerifyForm(), "limited": True}, status=429)
    return _private(response)


@require_GET
@ratelimit.limit_per_ip("license-verify", counts=_counts_as_verification, refused=_too_many)
def verify_page(request):
    """A scanned QR code (``?p=``) or the identifier and holder's code typed in."""
    payload = request.GET.get("p", "")
    form = VerifyForm(None if payload or not _counts_as_verification(request) else request.GET)
    verification = None
    if payload:
        verification = lifecycle.verify_payload(payload[:2000])
    elif form.is_bound and form.is_valid():
        verification = lifecycle.verify(form.cleaned_data["identifier"], form.cleaned_data["holder_code"])
        form = VerifyForm()  # answered: the form is for the next license, not a copy of a holder's code
    context = {
        "form": form,
        "scanned": bool(payload),
        "result": announce(verification.public()) if verification else None,
    }
    return _private(render(request, "casefiles/licenses/verify.html", context, status=400 if form.errors else 200))


@require_safe
def public_keys(request):
    """Every signing key, active and retired (``signing.published_keys``): verifiers cache it."""
    body = json.dumps({"keys": signing.published_keys()}, ensure_ascii=False, indent=1).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=KEYS_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"  # public keys: any verifier's page may read them
    return response


@require_GET
def shared_page(request, token):
    """亮证: the public fields and QR code of a license, while the holder's link works."""
    share = wallet.working_share(token)
    if share is None:
        raise Http404(_("This link does not work (any more)."))
    license = share.license
    verification = lifecycle.verify(license.identifier, license.holder_code)
    response = render(request, "casefiles/licenses/shared.html", {
        "result": announce(verification.public()),
        "expires_at": share.expires_at,
        "qr": _qr_svg(certificates.verify_url(license)),
    })
    response["X-Robots-Tag"] = "noindex"
    return _private(response)


def _qr_svg(url: str) -> str:
    """The QR code as an SVG data URI. Encoding a 500-character URL takes segno some 40 ms
    (it tries all eight masks) and the URL of a license version never changes: kept a day."""
    key = f"yiwang:license-qr:{hashlib.sha256(url.encode()).hexdigest()}"
    image = cache.get(key)
    if image is None:
        image = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
        cache.set(key, image, 86400)
    return image


# --- 我的证照 --------------------------------------------------------------------------------

def _held_or_404(request, identifier) -> License:
    license = wallet.holder_license(request.user, identifier)
    if license is None:
        raise Http404(_("No such license."))
    return license


@login_required
@require_GET
def my_licenses(request):
    rows = []
    for license in wallet.held_licenses(request.user):
        status = wallet.current_status(license)
        rows.append({"license": license, "status": status, "status_label": License.Status(status).label})
    return render(request, "casefiles/licenses/wallet.html", {"rows": rows})


def _render_license(request, license, *, share_form=None, status=200):
    current = wallet.current_status(license)
    context = {
        "license": license,
        "rows": certificates.data_rows(license),
        "versions": wallet.versions(license),
        "shares": [
            {"share": share, "url": request.build_absolute_uri(reverse("licenses:shared", args=[share.token]))}
            for share in wallet.active_shares(license)
        ],
        "status": current,
        "status_label": License.Status(current).label,
        "may_share": current == License.Status.VALID,
        "share_form": share_form or ShareForm(),
    }
    return render(request, "casefiles/licenses/license.html", context, status=status)


@login_required
@require_GET
def license_page(request, identifier):
    return _render_license(request, _held_or_404(request, identifier))


@login_required
@require_GET
def certificate(request, identifier):
    """The certificate PDF: rendered once per license version, streamed from storage after that."""
    license = _held_or_404(request, identifier)
    response = FileResponse(certificates.open_certificate_for(license, request.user)[0], content_type="application/pdf")
    response["Content-Disposition"] = certificates.content_disposition(license)
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_POST
def create_share(request, identifier):
    license = _held_or_404(request, identifier)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _render_license(request, license, share_form=form, status=400)
    try:
        share = wallet.create_share(license, request.user, form.cleaned_data["duration"])
    except Refused as refused:
        return _render_license(request, license, share_form=form, status=refused_form(form, refused))
    messages.success(request, _("The link works until %(time)s. Give it, or show its page, to whoever needs to see the license.")
                     % {"time": timezone.localtime(share.expires_at).strftime("%Y-%m-%d %H:%M")})
    return redirect(reverse("licenses:license", args=[license.identifier]) + "#shares")


@login_required
@require_http_methods(["POST"])
def revoke_share(request, identifier, share_id):
    license = _held_or_404(request, identifier)
    if wallet.revoke_share(license, share_id):
        messages.success(request, _("The link no longer works."))
    else:
        messages.info(request, _("That link had already ended."))
    return redirect(reverse("licenses:license", args=[license.identifier]) + "#shares")
