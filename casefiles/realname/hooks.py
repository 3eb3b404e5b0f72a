"""What real-name levels add to the case workflow: a submission needs the level its guide asks
of the person applying (casefiles.realname.applying); one who falls short is told what to do."""

from casefiles.handling import workflow
from casefiles.realname import applying


def has_the_real_name_level(ctx):
    return applying.refusal(ctx.case, ctx.user)


workflow.register_guard("has_the_real_name_level", has_the_real_name_level)
