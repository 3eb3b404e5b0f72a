"""What agents (帮办代办) add to the case workflow and its journal: a step an agent takes must be
within their authorisation (they submit only when authorised to, and never withdraw), and the
journal records whom they acted for."""

from casefiles.agents import authorisations
from casefiles.handling import workflow
from casefiles.journal import records


def within_the_agents_authorisation(ctx):
    return authorisations.refusal(ctx.user, ctx.case, ctx.transition.name)


workflow.register_guard("within_the_agents_authorisation", within_the_agents_authorisation)
records.resolves_principals(authorisations.principal)
