"""``{% favourite_button page %}``: the ♡/收藏 button of a guide, a bundle or a policy — a POST form
that toggles it (casefiles.portal.favourites); for someone not signed in it leads to signing in."""

from django import template

from casefiles.favourites import favourites

register = template.Library()


@register.inclusion_tag("casefiles/portal/includes/favourite_button.html", takes_context=True)
def favourite_button(context, page):
    request = context["request"]
    return {"page": page, "request": request, "csrf_token": context.get("csrf_token"),
            "is_favourite": favourites.is_favourite(request.user, page)}
