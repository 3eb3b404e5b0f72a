"""What applying needs of the real-name level: whose level counts, what the start page says,
and the condition on the workflow's ``submit`` (registered by casefiles.realname.hooks).

Whose level counts: a person applicant's own, whoever submits for them (themselves, an agent,
the window); for an enterprise, that of the person acting for it — the user's own identity
online, the person the window clerk checked at the window.
"""

from django.utils.translation import gettext_lazy as _

from casefiles.directory.models import Person
from casefiles.realname import levels, window

AT_THE_WINDOW = _("This item needs a real-name check in person (线下核验): check the identity document of the "
                  "applicant (for an enterprise, of the person acting for it) and choose it under “Identity "
                  "document checked” before submitting.")


def person_of(user):
    """The user's own identity (a person), or None."""
    if user is None or not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def acting_person(user, applicant):
    """The person whose level counts when ``user`` applies for ``applicant``."""
    if isinstance(applicant, Person):
        return applicant
    return person_of(user)


def before_applying(user, guide) -> str | None:
    """What the portal tells ``user`` on the start page of ``guide`` (an item, a bundle, or the
    items of 一照通行) before anything is filled in: None, or what to do first. The user acts as
    themselves for each applicant they may choose, so the answer is the same for all."""
    return levels.shortfall(person_of(user), guide)


def refusal(case, user) -> str | None:
    """Why ``user`` may not submit ``case`` as far as real names go (None: they may)."""
    wanted = levels.needed(case.item)
    if wanted == levels.REGISTERED or window.checked_in_person(case):
        return None
    if window.at_the_window(user, case):
        if case.person_id is not None and levels.meets(levels.level(case.person), wanted):
            return None
        return str(AT_THE_WINDOW)
    return levels.shortfall(acting_person(user, case.applicant), case.item)
