"""What electronic licenses add to the case workflow: approval issues the item's license, in the
same transaction — and when it cannot be issued (the issuer has no code to sign with, say),
nothing is approved; and a submission whose licenses chosen in place of materials (免提交) are no
longer valid is refused."""

from django.utils import timezone

from casefiles.handling import workflow
from casefiles.errors import GuardFailed, Refused
from casefiles.licenses import lifecycle, reuse


def issue_on_approval(ctx):
    try:
        license = lifecycle.issue_for_case(ctx.case, on=timezone.localdate(ctx.now), decider=ctx.user)
    except Refused as error:
        raise GuardFailed(error.message) from None
    if license is not None:
        ctx.data["license"] = license.identifier


workflow.on_step("approve", issue_on_approval)
# 免提交: a license chosen in place of a material must still be valid when the application is submitted.
workflow.register_guard("licenses_in_use_are_valid", reuse.licenses_in_use_are_valid)
