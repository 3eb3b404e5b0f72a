"""The principals a user holds."""

from casefiles.directory import roles
from search import trimming


def test_anonymous_visitors_hold_only_public(db):
    from django.contrib.auth.models import AnonymousUser

    assert trimming.principals_for(AnonymousUser()) == {"public"}
    assert trimming.principals_for(None) == {"public"}


def test_a_user_holds_themselves_and_their_groups(make_user, department):
    user = make_user("clerk")
    roles.grant_role(user, department, "clerk")
    principals = trimming.principals_for(user)
    assert principals == {"public", "authenticated", f"user:{user.pk}", f"group:{department.group('clerk').pk}"}


def test_superusers_hold_the_oversight_principal_like_supervisors(make_user):
    admin = make_user("root", is_superuser=True)
    supervisor = make_user("supervisor")
    supervisor.groups.add(roles.global_group(roles.SUPERVISOR))
    oversight = set(trimming.oversight_principals())
    assert oversight <= trimming.principals_for(admin)
    assert oversight <= trimming.principals_for(supervisor)
    assert not oversight <= trimming.principals_for(make_user("someone"))


def test_an_inactive_user_is_treated_as_anonymous(make_user):
    assert trimming.principals_for(make_user("gone", is_active=False)) == {"public"}
