"""The enterprise a signed-in member acts for, for the header (casefiles.members.acting)."""

from django import template

from casefiles.members import acting

register = template.Library()


@register.simple_tag(takes_context=True)
def acting_for(context):
    """The enterprise the request's user acts for, or None (anonymous visitors ask nothing)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return acting.acting_for(user, request.session)
