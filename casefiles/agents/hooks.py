"""What agents (帮办代办) add to the case workflow: a step an agent takes must be within their
authorisation (they submit only when authorised to, and never withdraw)."""

from casefiles.agents import authorisations
from casefiles.cases import workflow


def within_the_agents_authorisation(ctx):
    return authorisations.refusal(ctx.user, ctx.case, ctx.transition.name)


workflow.register_guard("within_the_agents_authorisation", within_the_agents_authorisation)
