"""Security trimming: the principals a user holds, matched against each document's access list.

A document carries the principals that may see it; a query carries the caller's principals;
a hit is returned only when the two meet. The vocabulary:

- ``public``: anyone, signed in or not.
- ``authenticated``: anyone signed in (pages restricted to logged-in users).
- ``user:<id>``: one user (a citizen's own case, a license holder).
- ``group:<id>``: the members of a group — a department role group, an enterprise's members,
  the global ``supervisor`` group.

The oversight rule (电子监察): every document of every kind carries ``group:<id of the
supervisor group>``, and a superuser holds that principal as well. Supervisors and superusers
therefore see everything through the same trimmed path as everyone else; there is no
untrimmed query anywhere. Which principals oversee is the domain's to say: the case files'
directory registers its supervisor group (``hooks.register_oversight``).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from search import hooks

PUBLIC = "public"
AUTHENTICATED = "authenticated"

_oversight_memo: ContextVar[list[str] | None] = ContextVar("search_oversight_memo", default=None)


def user_principal(user_id) -> str:
    return f"user:{user_id}"


def group_principal(group_id) -> str:
    return f"group:{group_id}"


def oversight_principals() -> list[str]:
    memo = _oversight_memo.get()
    if memo is not None:
        return memo
    return hooks.oversight()


@contextmanager
def remembering_oversight():
    """Look the oversight principals up once for a whole rebuild rather than once per document
    (once for all, when nested: a sync's kinds share them)."""
    memo = _oversight_memo.get()
    token = _oversight_memo.set(hooks.oversight() if memo is None else memo)
    try:
        yield
    finally:
        _oversight_memo.reset(token)


def principals_for(user) -> frozenset[str]:
    """Everything ``user`` may see by: public, signed in, themselves, their groups, oversight."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset({PUBLIC})
    principals = {PUBLIC, AUTHENTICATED, user_principal(user.pk)}
    principals.update(group_principal(pk) for pk in user.groups.values_list("pk", flat=True))
    if user.is_superuser:
        principals.update(oversight_principals())
    return frozenset(principals)


def can_see(principals, access) -> bool:
    return not set(principals).isdisjoint(access)
