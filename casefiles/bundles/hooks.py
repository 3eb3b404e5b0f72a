"""What bundles (一件事) add to the case workflow: a bundle's status follows its parts, in the
transaction of the part's step."""

from casefiles.bundles import applications
from casefiles.handling import workflow


def parent_follows(ctx, event):
    if ctx.case.parent_id:
        applications.follow(ctx.case, ctx.user, event)


workflow.on_recorded(parent_follows)
