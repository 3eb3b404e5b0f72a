"""Who may see and act on a case, and why. Every grant goes through here with its reason.

Guardian (direct foreign-key tables) is the authority on a single case: ``can(user, perm,
case)``. Listings do not ask guardian row by row — at millions of cases that walks the
grant tables — they follow the data the grants were made from (the case's department, its
applicant, the CaseGrant rows of parallel approvals and agents): ``visible_cases(user)``.
tests/casefiles/access/test_permissions.py proves the two agree.

Roles and what they may do on a case of their department:
- clerk: view, accept (受理, 补正, 不予受理, 办结)
- reviewer: view, review (审查, 特别程序)
- decider: view, review, decide (决定, 否决确认; a decider may also do what a reviewer does)
- applicant (the enterprise's members group, or the person's user): view, apply (提交,
  补正, 撤回)
Global (model-level permissions on the group, see migration 0006): ``window_clerk`` may view
and accept any case; ``supervisor`` may view every case; a superuser holds every permission
on every case — but no global role reaches a draft, a superuser's neither: until it is
submitted a draft is its applicant's alone, in ``can`` as in every listing and in search.
"""

import time

from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.lookups import In
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone

from casefiles.access.models import Authorisation
from casefiles.cases import states, tallies
from casefiles.cases.models import (
    CaseFile,
    CaseFileGroupObjectPermission,
    CaseFileUserObjectPermission,
    CaseGrant,
    CaseTally,
    Status,
)
from casefiles.directory import roles
from casefiles.directory.models import Department, DepartmentRole, Enterprise, Person

DEPARTMENT_ROLE_PERMISSIONS = {
    "clerk": ["view_casefile", "accept_casefile"],
    "reviewer": ["view_casefile", "review_casefile"],
    "decider": ["view_casefile", "review_casefile", "decide_casefile"],
    # 负责人: sees the department's cases, assigns their handlers, answers for their supervision
    "lead": ["view_casefile"],
}
APPLICANT_PERMISSIONS = ["view_casefile", "apply_casefile"]
CODENAMES = ("view_casefile", "apply_casefile", "accept_casefile", "review_casefile", "decide_casefile")
GLOBAL_ROLE_PERMISSIONS = {
    roles.WINDOW_CLERK: ["view_casefile", "accept_casefile"],
    roles.SUPERVISOR: ["view_casefile"],
}

_permission_cache: dict[str, Permission] = {}

# Sent with ``case`` whenever its grants change (made or revoked, for any reason): who may see
# it changed, so the search index must follow (casefiles.access.indexing).
grants_changed = Signal()


def _permission(codename: str) -> Permission:
    if codename not in _permission_cache:
        _permission_cache[codename] = Permission.objects.get(content_type__app_label="casefiles", codename=codename)
    return _permission_cache[codename]


# Guardian's answer for a user and a case is kept on the user object for the rest of the
# request (as Django keeps model permissions there), so a page or a step asking several
# questions about one case asks guardian once. Any grant made or revoked in this process
# moves the generation on and forgets every kept answer.
_generation = 0


def _grants_moved() -> None:
    global _generation
    _generation += 1


def memberships_changed(user=None) -> None:
    """A user joined or left a group: what was kept about them (and every kept answer) is forgotten."""
    _grants_moved()
    if user is not None:
        for name in ("_yiwang_group_ids", "_yiwang_department_ids_by_roles", "_yiwang_object_perms",
                     "_yiwang_global_roles", "_yiwang_department_roles", "_yiwang_parallel_read"):
            user.__dict__.pop(name, None)


def object_permissions(user, case: CaseFile) -> frozenset[str]:
    """The codenames guardian grants ``user`` on ``case`` itself (two queries the first time
    in a request, none after)."""
    kept = _kept_object_permissions(user)
    if case.pk not in kept:
        _read_object_permissions(user, [case.pk], kept)
    return kept[case.pk]


def _kept_object_permissions(user) -> dict[int, frozenset[str]]:
    kept = getattr(user, "_yiwang_object_perms", None)  # getattr: request.user is a lazy proxy
    if kept is None or kept[0] != _generation:
        kept = user._yiwang_object_perms = (_generation, {})
    return kept[1]


def _read_object_permissions(user, case_ids, kept) -> None:
    """Guardian's rows for ``user`` on ``case_ids``, read from its two tables (one query each).

    Read directly rather than through guardian's checker, which answers "every permission"
    for a superuser: a superuser's global reach is ``user.has_perm`` (never on a draft), their
    rows on a case are only those a reason gave them, as anyone's."""
    found = {pk: set() for pk in case_ids}
    rows = CaseFileUserObjectPermission.objects.filter(user_id=user.pk, content_object_id__in=case_ids)
    for case_id, codename in rows.values_list("content_object_id", "permission__codename"):
        found[case_id].add(codename)
    if group_ids(user):
        rows = CaseFileGroupObjectPermission.objects.filter(group_id__in=group_ids(user), content_object_id__in=case_ids)
        for case_id, codename in rows.values_list("content_object_id", "permission__codename"):
            found[case_id].add(codename)
    kept.update({pk: frozenset(codenames) for pk, codenames in found.items()})


def prefetch(user, cases) -> None:
    """Read what ``can`` and ``held`` need about a page of cases at once — guardian's rows and
    the agent's authorisations — instead of up to three queries per case asked."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return
    cases = [case for case in cases if case.pk is not None]
    kept = _kept_object_permissions(user)
    missing = [case.pk for case in cases if case.pk not in kept]
    if missing:
        _read_object_permissions(user, missing, kept)
    terms = user.__dict__.setdefault("_yiwang_agent_terms", {})
    unknown = [case for case in cases if case.pk not in terms]
    if unknown:
        by_case: dict[int, list] = {}
        covering = {case.pk for case in unknown} | {case.parent_id for case in unknown if case.parent_id}
        for case_id, start, end in Authorisation.objects.filter(
                agent_id=user.pk, case_id__in=covering, revoked_at__isnull=True).values_list(
                "case_id", "valid_from", "valid_until"):
            by_case.setdefault(case_id, []).append((start, end))
        for case in unknown:
            terms[case.pk] = by_case.get(case.pk, []) + (by_case.get(case.parent_id, []) if case.parent_id else [])


def can(user, codename: str, case: CaseFile) -> bool:
    """Whether ``user`` holds ``codename`` on ``case``: a global role (window clerk,
    supervisor, superuser — never on a draft) or a grant on this very case. A draft is its
    applicant's alone: a superuser who is not its applicant gets the 404 of anyone else."""
    if user is None or not user.is_active:
        return False
    if case.status != Status.DRAFT and user.has_perm(f"casefiles.{codename}"):
        return True
    if codename not in object_permissions(user, case):
        return False
    if codename in APPLICANT_PERMISSIONS and _agency_lapsed(user, case):
        return codename in _held_for_other_reasons(user, case)
    return True


def held(user, case: CaseFile, wanted=CODENAMES) -> set[str]:
    """Which of ``wanted`` ``user`` holds on ``case``: ``can`` for several codenames at once,
    asking guardian at most once (two queries) where ``can`` asks it for each."""
    if user is None or not user.is_active:
        return set()
    wanted = set(wanted)
    found = {c for c in wanted if case.status != Status.DRAFT and user.has_perm(f"casefiles.{c}")}
    if wanted - found:
        granted = wanted & object_permissions(user, case)
        if granted & set(APPLICANT_PERMISSIONS) and _agency_lapsed(user, case):
            granted = (granted - set(APPLICANT_PERMISSIONS)) | (granted & _held_for_other_reasons(user, case))
        found |= granted
    return found


# --- agents (帮办代办): a grant that outlives its authorisation counts for nothing -------------
# casefiles.agents.authorisations grants an agent the applicant's rights on the case when the applicant
# authorises them and removes the grant when the authorisation is revoked or, by the tick,
# when it runs out. Between the end of its time and the tick, these checks already refuse.

def _agent_terms(user, case) -> list[tuple]:
    """(valid_from, valid_until) of the open authorisations of ``user`` reaching ``case``
    (itself or its bundle); kept on the user object for the rest of the request."""
    cache = user.__dict__.setdefault("_yiwang_agent_terms", {})
    if case.pk not in cache:
        covering = [case.pk] + ([case.parent_id] if case.parent_id else [])
        cache[case.pk] = list(Authorisation.objects.filter(
            agent_id=user.pk, case_id__in=covering, revoked_at__isnull=True
        ).values_list("valid_from", "valid_until"))
    return cache[case.pk]


def agency_in_force(user, case, now=None) -> bool:
    """Whether one of ``user``'s authorisations as an agent reaching ``case`` is in force at
    ``now`` (by the terms kept for the request: no query after the first)."""
    now = now or timezone.now()
    return any(start <= now < end for start, end in _agent_terms(user, case))


def _agency_lapsed(user, case) -> bool:
    """Whether ``user`` was authorised as an agent on ``case`` and none of it is in force now."""
    # Not an agent here (or a front-desk clerk's own filing): guardian decides.
    return bool(_agent_terms(user, case)) and not agency_in_force(user, case)


def lapsed_agents(case, agent_ids, now=None) -> set[int]:
    """Of ``agent_ids`` (users holding an agent's grant on ``case``), those authorised on it (or
    its bundle) of whom no authorisation is in force at ``now``: their grants count for nothing,
    as in ``can``; a grant without any authorisation (a window clerk's own filing) counts as it
    stands. One query, for all of them (the search index's access lists)."""
    agent_ids = set(agent_ids)
    if not agent_ids:
        return set()
    now, in_force, authorised = now or timezone.now(), set(), set()
    for agent_id, start, end in Authorisation.objects.filter(
            agent_id__in=agent_ids, case_id__in=[case.pk, case.parent_id], revoked_at__isnull=True,
    ).values_list("agent_id", "valid_from", "valid_until"):
        authorised.add(agent_id)
        if start <= now < end:
            in_force.add(agent_id)
    return authorised - in_force


def _held_for_other_reasons(user, case) -> set[str]:
    """The permissions ``user`` holds on ``case`` for any reason but an agent's grant."""
    held_ = set()
    records = CaseGrant.objects.filter(case=case).exclude(reason=CaseGrant.Reason.AGENT).filter(
        Q(user=user) | Q(group_id__in=group_ids(user))
    )
    for codenames in records.values_list("permissions", flat=True):
        held_.update(codenames)
    return held_


def grant(case: CaseFile, reason: str, codenames: list[str], *, group: Group | None = None, user=None) -> CaseGrant:
    """Record why, then give guardian's object permissions (one query for all of them)."""
    if (group is None) == (user is None):
        raise ValueError("grant to exactly one group or one user")
    record = CaseGrant.objects.create(case=case, reason=reason, group=group, user=user, permissions=codenames)
    _give(case, [(group, user, codenames)])
    grants_changed.send(CaseFile, case=case)
    return record


def _give(case: CaseFile, grants) -> None:
    """Guardian's rows for ``grants`` ((group, user, codenames) each), one query per table; a
    permission the principal already holds on the case (another reason gave it) stays as it is."""
    group_rows = [CaseFileGroupObjectPermission(content_object=case, group=group, permission=_permission(c))
                  for group, _user, codenames in grants if group is not None for c in codenames]
    user_rows = [CaseFileUserObjectPermission(content_object=case, user=user, permission=_permission(c))
                 for group, user, codenames in grants if group is None for c in codenames]
    if group_rows:
        CaseFileGroupObjectPermission.objects.bulk_create(group_rows, ignore_conflicts=True)
    if user_rows:
        CaseFileUserObjectPermission.objects.bulk_create(user_rows, ignore_conflicts=True)
    _grants_moved()


def revoke(case: CaseFile, reason: str, *, group: Group | None = None, user=None) -> int:
    """Remove the grants ``reason`` made (to ``group`` or ``user`` if given), keeping any a
    still-valid reason also needs."""
    records = CaseGrant.objects.filter(case=case, reason=reason)
    if group is not None:
        records = records.filter(group=group)
    if user is not None:
        records = records.filter(user=user)
    removed = 0
    with transaction.atomic():
        for record in list(records):
            record.delete()
            still_needed = set()
            for other in CaseGrant.objects.filter(case=case, group=record.group, user=record.user):
                still_needed.update(other.permissions)
            gone = [c for c in record.permissions if c not in still_needed]
            if record.group_id:
                removed += CaseFileGroupObjectPermission.objects.filter(
                    content_object=case, group_id=record.group_id, permission__codename__in=gone
                ).delete()[0]
            else:
                removed += CaseFileUserObjectPermission.objects.filter(
                    content_object=case, user_id=record.user_id, permission__codename__in=gone
                ).delete()[0]
    _grants_moved()
    grants_changed.send(CaseFile, case=case)
    return removed


# The department's role groups, by department id, kept per process: every first submission asks
# for them, and they change only when a department is set up (``roles.ensure_department_groups``)
# or an administrator edits or deletes a group or its link, which the signals below forget in this
# process; other processes ask again after ROLE_GROUPS_TTL seconds.
ROLE_GROUPS_TTL = 60.0
_role_groups: dict[int, tuple[float, dict[str, tuple[int, str]]]] = {}


def role_groups(department_id: int) -> dict[str, Group]:
    """The department's role groups by role (one query the first time in the process)."""
    now = time.monotonic()
    asked, known = _role_groups.get(department_id, (None, None))
    if known is None or now - asked > ROLE_GROUPS_TTL:
        known = {role: (group_id, name) for role, group_id, name in DepartmentRole.objects.filter(
            department_id=department_id).values_list("role", "group_id", "group__name")}
        _role_groups[department_id] = (now, known)
    return {role: Group(pk=group_id, name=name) for role, (group_id, name) in known.items()}


def forget_role_groups(**_kwargs) -> None:
    _role_groups.clear()


for _model in (Group, DepartmentRole):
    post_save.connect(forget_role_groups, sender=_model, dispatch_uid=f"role_groups_{_model.__name__}_saved")
    post_delete.connect(forget_role_groups, sender=_model, dispatch_uid=f"role_groups_{_model.__name__}_deleted")


def grant_department(case: CaseFile, department: Department, reason: str = CaseGrant.Reason.DEPARTMENT) -> None:
    """The department's clerk, reviewer, decider and lead groups, each with its reason (two queries
    in all, once the process knows the department's groups: ``role_groups``)."""
    groups = role_groups(department.pk)
    grants = [(groups[role], None, codenames) for role, codenames in DEPARTMENT_ROLE_PERMISSIONS.items()]
    CaseGrant.objects.bulk_create(
        [CaseGrant(case=case, reason=reason, group=group, permissions=codenames) for group, _user, codenames in grants]
    )
    _give(case, grants)
    grants_changed.send(CaseFile, case=case)


def grant_applicant(case: CaseFile) -> CaseGrant | None:
    if case.enterprise_id:
        return grant(case, CaseGrant.Reason.APPLICANT, APPLICANT_PERMISSIONS, group=case.enterprise.members_group)
    if case.person.user_id:
        return grant(case, CaseGrant.Reason.APPLICANT, APPLICANT_PERMISSIONS, user=case.person.user)
    return None


def keep_for_new_case(user, case: CaseFile, grants) -> None:
    """``case`` was just created, in the transaction still open, and ``grants`` (CaseGrant records)
    are every grant it has: keep on ``user`` for the request what they hold on it — the codenames
    of the grants made to them or to one of their groups — and, for a case outside a bundle, that
    no authorisation reaches it yet, instead of asking guardian and the authorisations (three
    queries) at its first check. A grant made after (``_give``) forgets it as any grant does."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    groups = set(group_ids(user))
    held_ = set()
    for record in grants:
        if record.user_id == user.pk or (record.group_id is not None and record.group_id in groups):
            held_.update(record.permissions)
    _kept_object_permissions(user)[case.pk] = frozenset(held_)
    if case.parent_id is None:  # a bundle's part: its parent's authorisations reach it
        user.__dict__.setdefault("_yiwang_agent_terms", {})[case.pk] = []


# --- listings --------------------------------------------------------------------------
# A listing is a condition on the case's own columns (department, enterprise, person) or-ed
# with the short list of cases granted one by one (parallel approvals, agents), built from
# ids read first rather than from subqueries: with a subquery in the OR, PostgreSQL can use
# no index for either side and walks a whole date index instead (bench/cases_listing.py,
# docs/casefiles.md "Performance").

class _AmongIds(In):
    """``pk IN (…)`` for a list of perhaps thousands of case ids, sent to PostgreSQL as one
    array parameter (a thousand parameters cost more to build and bind than the query takes
    to run); a plain IN elsewhere."""

    prepare_rhs = False  # the ids are ints already

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, list(self.rhs))


def _among(ids) -> Q:
    return Q(_AmongIds(F("pk"), list(ids)))


class CaseListing(QuerySet):
    """Cases trimmed to one user: ``own`` (a condition on columns) or the ``granted`` ids.

    ``count()`` of an inbox tab as ``staff_cases`` makes it is the sum of the departments'
    tallies (``casefiles.cases.tallies``) and the number of granted ids, which were read in the
    tab's states and outside those departments: no case is counted. Once narrowed further
    (a filter, an OR with another query) it counts the two parts apart: the column part alone
    is an index-only count, the granted part a look-up of its ids. One count of the OR reads
    every row of the column part from the table: 120–330 ms for a clerk's 55,000 cases
    (bench/cases_listing.py).
    """

    _own: Q | None = None
    _granted: tuple[int, ...] = ()
    # (department ids or None for all, statuses, bundles' parents left out, what the look-ups
    # read of the totals or None) while the listing is exactly "those departments' cases in
    # those states, and the granted ids" (cases in those states outside those departments):
    # its total is then their tallies plus the ids — as read with the granted ids, in the same
    # statement (``read_staff_lookups``), or asked by ``count``. Whatever narrows or widens the
    # listing forgets it.
    _tally: tuple | None = None
    # How many cases ``_own`` alone finds in this listing, counted with the look-ups (我的办件:
    # ``applicant_cases``; 0 without ``_own``, where each granted id is a case), or None;
    # forgotten as ``_tally`` is.
    _counted: int | None = None

    def _clone(self):
        clone = super()._clone()
        clone._own, clone._granted, clone._tally, clone._counted = self._own, self._granted, self._tally, self._counted
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        return self._untallied(super()._filter_or_exclude(negate, args, kwargs))

    def extra(self, *args, **kwargs):
        return self._untallied(super().extra(*args, **kwargs))

    def __and__(self, other):
        return self._untallied(super().__and__(other))

    def __or__(self, other):
        return self._untallied(super().__or__(other))

    def __xor__(self, other):
        return self._untallied(super().__xor__(other))

    @staticmethod
    def _untallied(queryset):
        if isinstance(queryset, CaseListing):
            queryset._tally = queryset._counted = None
        return queryset

    def count(self):
        if self._result_cache is not None or not self._splittable():
            return super().count()
        if self._tally is not None:
            # The granted ids were read in these states and outside these departments
            # (``_staff_scope``): each is one case more.
            departments, statuses, parents_left_out, read = self._tally
            if read is not None:  # read with the granted ids when the listing was made: no statement
                tallied, parents = read
                return tallied + len(self._granted) - (parents if parents_left_out else 0)
            total = tallies.total(statuses, departments) + len(self._granted)
            if parents_left_out:  # tallied with the rest: a short count of its own (a bundle's parents)
                parents = CaseFile.objects.filter(is_bundle=True, status__in=statuses)
                if departments is not None:
                    parents = parents.filter(department_id__in=departments)
                total -= parents.count()
            return total
        if self._counted is not None and (self._own is None or not self._granted):
            return self._counted + (len(self._granted) if self._own is None else 0)
        parts = self._parts()
        if parts is None:
            return super().count()
        if self._counted is not None:  # the column part counted with the look-ups
            return self._counted + QuerySet.count(parts[1])
        return sum(QuerySet.count(part) for part in parts)

    def _splittable(self) -> bool:
        """Whether this listing's total is the sum of its parts' (nothing sliced, grouped …)."""
        query = self.query
        return not (query.is_sliced or query.distinct or query.combinator or query.group_by is not None
                    or query.is_empty() or any(getattr(a, "contains_aggregate", False) for a in query.annotations.values()))

    def _parts(self):
        """This listing trimmed by the columns alone, and by the granted ids alone (outside
        the columns' cases); None where splitting could change the count."""
        if self._own is None or not self._granted or not self._splittable():
            return None
        by_columns, by_ids = self._chain(), self._chain()
        for part, keep in ((by_columns, False), (by_ids, True)):
            node = _trim_node(part.query.where)
            if node is None:
                return None
            node.children = [child for child in node.children if isinstance(child, _AmongIds) is keep]
        by_ids = by_ids.exclude(self._own)
        for part in (by_columns, by_ids):  # each is one part now: counted as it stands
            part._own, part._granted, part._tally, part._counted = None, (), None, None
        return by_columns, by_ids


def _trim_node(where):
    """The OR node ``_listing`` filtered by (the columns or the granted ids), in a cloned tree;
    None once the listing was or-ed with another query (its conditions no longer split)."""
    if where.connector != "AND" or where.negated:
        return None
    for child in where.children:
        if getattr(child, "connector", None) == "OR" and not child.negated and any(isinstance(c, _AmongIds) for c in child.children):
            return child
    return None


def _listing(own: Q | None, granted) -> QuerySet:
    granted = tuple(sorted(set(granted)))
    if own is None and not granted:
        return CaseFile.objects.none()
    condition = own if own is not None else _among(granted)
    if own is not None and granted:
        condition = own | _among(granted)
    listing = CaseListing(model=CaseFile).filter(condition)
    listing._own, listing._granted = own, granted
    return listing


def group_ids(user) -> list[int]:
    """The ids of ``user``'s groups, kept on the user object for the rest of the request."""
    cache = getattr(user, "_yiwang_group_ids", None)
    if cache is None:
        read_staff_lookups(user)
        cache = user._yiwang_group_ids
    return cache


# --- the user's look-ups, in one statement ----------------------------------------------
# A fresh request asks, before its listing, for the user's model permissions (Django's two
# queries behind ``has_perm``), groups, department roles and parallel grants: six round trips
# against a listing of two. ``read_staff_lookups`` reads whichever of them the request does not
# know yet in one statement (a UNION ALL of small id selects) and keeps them where the single
# look-ups keep them, for the rest of this request only: nothing outlives the user object.

def _names():
    """The quoted table and column names the look-up statements read (worked out once)."""
    if _sql_names:
        return _sql_names
    from django.contrib.auth import get_user_model

    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    user_model = get_user_model()
    memberships = user_model._meta.get_field("groups").remote_field.through
    user_permissions = user_model._meta.get_field("user_permissions").remote_field.through
    group_permissions = Group._meta.get_field("permissions").remote_field.through
    from django.contrib.contenttypes.models import ContentType

    groups = (f"SELECT {column(memberships, 'group')} FROM {table(memberships)} "
              f"WHERE {column(memberships, 'user')} = %s")
    permission = (f"FROM {table(Permission)} p INNER JOIN {table(ContentType)} ct "
                  f"ON ct.{column(ContentType, 'id')} = p.{column(Permission, 'content_type')}")
    role, grant = table(DepartmentRole), table(CaseGrant)
    names = {
        "user_perm": (f"SELECT 'user_perm', CAST(NULL AS integer), ct.{column(ContentType, 'app_label')}, "
                      f"p.{column(Permission, 'codename')} {permission} INNER JOIN {table(user_permissions)} up "
                      f"ON up.{column(user_permissions, 'permission')} = p.{column(Permission, 'id')} "
                      f"WHERE up.{column(user_permissions, 'user')} = %s"),
        "group_perm": (f"SELECT 'group_perm', CAST(NULL AS integer), ct.{column(ContentType, 'app_label')}, "
                       f"p.{column(Permission, 'codename')} {permission} INNER JOIN {table(group_permissions)} gp "
                       f"ON gp.{column(group_permissions, 'permission')} = p.{column(Permission, 'id')} "
                       f"WHERE gp.{column(group_permissions, 'group')} IN ({groups})"),
        "group": (f"SELECT 'group', {column(memberships, 'group')}, CAST(NULL AS text), CAST(NULL AS text) "
                  f"FROM {table(memberships)} WHERE {column(memberships, 'user')} = %s"),
        "role": (f"SELECT 'role', {column(DepartmentRole, 'department')}, {column(DepartmentRole, 'role')}, "
                 f"CAST(NULL AS text) FROM {role} WHERE {column(DepartmentRole, 'group')} IN ({groups})"),
        # ``_staff_scope``'s grants: to the user's groups, in the tab's states, outside their departments
        "parallel": (f"SELECT 'parallel', {column(CaseGrant, 'case')}, CAST(NULL AS text), CAST(NULL AS text) "
                     f"FROM {grant} WHERE {column(CaseGrant, 'reason')} = %s AND {column(CaseGrant, 'group')} "
                     f"IN ({groups}) AND {column(CaseGrant, 'case_status')} IN ({{statuses}}) AND NOT ("
                     f"{column(CaseGrant, 'case_department')} IS NOT NULL AND {column(CaseGrant, 'case_department')} "
                     f"IN (SELECT {column(DepartmentRole, 'department')} FROM {role} WHERE "
                     f"{column(DepartmentRole, 'group')} IN ({groups}) AND {column(DepartmentRole, 'role')} IN "
                     f"({', '.join(['%s'] * len(roles.CASE_ROLES))})))"),
    }
    # The tab's totals as ``CaseListing.count`` sums them, for the user's departments ('mine':
    # those of their groups' case roles) and for every department ('all': a supervisor's): the
    # tallies, and the bundles' parents to leave out.
    tally, case_table = table(CaseTally), table(CaseFile)
    departments = (f"SELECT {column(DepartmentRole, 'department')} FROM {role} WHERE {column(DepartmentRole, 'group')} "
                   f"IN ({groups}) AND {column(DepartmentRole, 'role')} IN ({', '.join(['%s'] * len(roles.CASE_ROLES))})")
    # ... and, where the tab leaves the bundles' parents out, the parallel grants on none of them
    names["parallel_parts"] = (f" AND {column(CaseGrant, 'case')} NOT IN (SELECT {column(CaseFile, 'id')} FROM {case_table} "
                               f"WHERE {column(CaseFile, 'is_bundle')} AND {column(CaseFile, 'status')} IN ({{statuses}}))")
    for scope, mine in (("mine", True), ("all", False)):
        names[f"tally_{scope}"] = (
            f"SELECT 'tally', COALESCE(SUM({column(CaseTally, 'delta')}), 0), '{scope}', CAST(NULL AS text) FROM {tally} "
            f"WHERE {column(CaseTally, 'status')} IN ({{statuses}})"
            + (f" AND {column(CaseTally, 'department')} IN ({departments})" if mine else ""))
        names[f"parents_{scope}"] = (
            f"SELECT 'parents', COUNT(*), '{scope}', CAST(NULL AS text) FROM {case_table} WHERE {column(CaseFile, 'is_bundle')} "
            f"AND {column(CaseFile, 'status')} IN ({{statuses}})"
            + (f" AND {column(CaseFile, 'department')} IN ({departments})" if mine else ""))
    names.update({
        # ``_applicant_scope``'s: the open authorisations as an agent (in force now or not), the
        # enterprises of the user's groups, the person, the cases granted as an agent
        "applicant": (
            f"SELECT 'term', {column(Authorisation, 'case')}, CASE WHEN {column(Authorisation, 'valid_from')} <= %s "
            f"AND {column(Authorisation, 'valid_until')} > %s THEN 1 ELSE 0 END FROM {table(Authorisation)} "
            f"WHERE {column(Authorisation, 'agent')} = %s AND {column(Authorisation, 'revoked_at')} IS NULL "
            f"UNION ALL SELECT 'enterprise', {column(Enterprise, 'id')}, 0 FROM {table(Enterprise)} "
            f"WHERE {column(Enterprise, 'members_group')} IN ({groups}) "
            f"UNION ALL SELECT 'person', {column(Person, 'id')}, 0 FROM {table(Person)} WHERE {column(Person, 'user')} = %s "
            f"UNION ALL SELECT 'agent', {column(CaseGrant, 'case')}, 0 FROM {grant} "
            f"WHERE {column(CaseGrant, 'reason')} = %s AND {column(CaseGrant, 'user')} = %s"),
    })
    # ... and 我的办件's count of the cases of those enterprises and that person (``CaseListing._counted``),
    # with the look-ups as subqueries: on PostgreSQL ``= ANY(ARRAY(select))``, each select run once
    # before the scan and its array taken by the index as a list of ids would be (``IN (select)``
    # in an OR is a filter on every row). Parameters: the user, twice.
    among = "{} = ANY(ARRAY({}))" if connection.vendor == "postgresql" else "{} IN ({})"
    enterprises = f"SELECT {column(Enterprise, 'id')} FROM {table(Enterprise)} WHERE {column(Enterprise, 'members_group')} IN ({groups})"
    persons = f"SELECT {column(Person, 'id')} FROM {table(Person)} WHERE {column(Person, 'user')} = %s"
    names["applicant_counted"] = (
        f" UNION ALL SELECT 'counted', COUNT(*), 0 FROM {case_table} WHERE ({among.format(column(CaseFile, 'enterprise'), enterprises)} "
        f"OR {among.format(column(CaseFile, 'person'), persons)})")
    names["applicant_counted_parts"] = f" AND {column(CaseFile, 'parent')} IS NULL"  # a bundle's parts left out
    _sql_names.update(names)  # whole, at once: another thread never sees half of it
    return _sql_names


_sql_names: dict[str, str] = {}


def _reads_model_permissions(user) -> bool:
    """Whether Django's ModelBackend would ask the database for ``user``'s model permissions
    (an active user, not a superuser, whose permissions this request has not read yet)."""
    return (user.is_active and not user.is_anonymous and not user.is_superuser
            and not (hasattr(user, "_user_perm_cache") and hasattr(user, "_group_perm_cache")))


def read_staff_lookups(user, parallel_statuses=None, *, totals=False, parents=False) -> None:
    """Read in one statement what this request does not know yet of: ``user``'s model permissions
    (user's and groups', kept where Django's ModelBackend keeps them — ``_user_perm_cache`` and
    ``_group_perm_cache``, as its ``_get_permissions`` would — so ``has_perm`` asks nothing more),
    group ids, department roles and — ``parallel_statuses`` given — the parallel grants to their
    groups in those states outside their departments (``_staff_scope``'s ids, used once; with
    ``parents``, none on a bundle's parent) and, with ``totals``, the tallies of those states
    (``parents``: and the bundles' parents in them, to leave out) of the user's departments and,
    unless the user is known to see no more, of every department: the listing's total
    (``CaseListing.count``), read with its granted ids.

    Hand-written SQL (the text made once per process): the ORM's union of the same selects
    costs 2–5 ms of Python, more than the round trips it saves."""
    names, sql, params = _names(), [], []
    permissions_wanted = _reads_model_permissions(user)
    if permissions_wanted:
        sql += [names["user_perm"], names["group_perm"]]
        params += [user.pk, user.pk]
    groups_wanted = getattr(user, "_yiwang_group_ids", None) is None
    if groups_wanted:
        sql.append(names["group"])
        params.append(user.pk)
    roles_wanted = getattr(user, "_yiwang_department_roles", None) is None
    if roles_wanted:
        sql.append(names["role"])
        params.append(user.pk)
    if parallel_statuses is not None:
        parallel_statuses = tuple(parallel_statuses)
        marks = ", ".join(["%s"] * len(parallel_statuses))
        sql.append(names["parallel"].replace("{statuses}", marks)
                   + (names["parallel_parts"].replace("{statuses}", marks) if parents else ""))
        params += [CaseGrant.Reason.PARALLEL.value, user.pk, *parallel_statuses, user.pk, *roles.CASE_ROLES,
                   *(parallel_statuses if parents else ())]
        if totals:
            scopes = ("mine", "all") if permissions_wanted or user.has_perm("casefiles.view_casefile") else ("mine",)
            for scope in scopes:
                for kind in ("tally", "parents") if parents else ("tally",):
                    sql.append(names[f"{kind}_{scope}"].replace("{statuses}", marks))
                    params += [*parallel_statuses, *((user.pk, *roles.CASE_ROLES) if scope == "mine" else ())]
    found = {"user_perm": set(), "group_perm": set(), "group": [], "role": [], "parallel": [], "tally": {}, "parents": {}}
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(sql), params)
            rows = cursor.fetchall()
        for kind, number, label, name in rows:
            if kind in ("user_perm", "group_perm"):
                found[kind].add(f"{label}.{name}")
            elif kind == "role":
                found[kind].append((number, label))
            elif kind in ("tally", "parents"):
                found[kind][label] = number
            else:
                found[kind].append(number)
    if permissions_wanted:
        user._user_perm_cache, user._group_perm_cache = found["user_perm"], found["group_perm"]
    if groups_wanted:
        user._yiwang_group_ids = found["group"]
    if roles_wanted:
        user._yiwang_department_roles = found["role"]
    if parallel_statuses is not None:
        # {scope: (tallied cases, bundles' parents among them or None)}
        read_totals = {scope: (cases, found["parents"].get(scope) if parents else None)
                       for scope, cases in found["tally"].items()}
        user._yiwang_parallel_read = (_generation, parallel_statuses, found["parallel"], read_totals, parents)


def _take_parallel_read(user, statuses):
    """What ``read_staff_lookups`` read for a listing in ``statuses`` — (parallel ids, totals,
    parents counted) — once, and only while no grant moved since; None otherwise."""
    read = getattr(user, "_yiwang_parallel_read", None)  # getattr, delattr: request.user is a lazy proxy
    if read is None:
        return None
    delattr(user, "_yiwang_parallel_read")
    generation, read_statuses, ids, totals, parents = read
    if generation != _generation or read_statuses != tuple(statuses):
        return None
    return ids, totals, parents


def _parallel_case_ids(user, statuses) -> list[int]:
    """The parallel grants to ``user``'s groups in ``statuses`` outside their departments: those
    the look-up statement of this very listing read (once, and only while no grant moved since),
    or a query of their own."""
    read = _take_parallel_read(user, statuses)
    if read is not None:
        return read[0]
    if not group_ids(user):
        return []
    departments = department_ids(user)
    grants = CaseGrant.objects.filter(reason=CaseGrant.Reason.PARALLEL, group_id__in=group_ids(user),
                                      case_status__in=statuses)
    if departments:
        grants = grants.exclude(case_department_id__in=departments)
    return list(grants.values_list("case_id", flat=True))


def sees_everything(user) -> bool:
    """Superusers, supervisors and window clerks: model-level view permission, every
    department's submitted cases (drafts are never anyone's but the applicant's)."""
    if _reads_model_permissions(user):
        read_staff_lookups(user)  # the permissions with the groups and roles, in one statement
    return user.has_perm("casefiles.view_casefile")  # a superuser's has_perm is always True


def department_ids(user, roles_=roles.CASE_ROLES) -> list[int]:
    """The departments in which ``user`` holds one of ``roles_`` (kept on the user object,
    like the group ids, for the rest of the request)."""
    cache = getattr(user, "_yiwang_department_ids_by_roles", None)
    if cache is None:
        cache = user._yiwang_department_ids_by_roles = {}
    key = tuple(roles_)
    if key not in cache:
        if getattr(user, "_yiwang_department_roles", None) is None:
            read_staff_lookups(user)
        cache[key] = sorted({department for department, role in user._yiwang_department_roles if role in roles_})
    return cache[key]


def _staff_scope(user, statuses=states.FILED):
    """(condition, granted ids) of the cases ``user`` handles as staff in ``statuses``
    (drafts aside). The parallel grants carry their case's status and department, so a tab
    takes from them only its own states, and only cases outside the user's departments
    (those are in the condition already), from the index alone."""
    departments = department_ids(user)
    parallel = _parallel_case_ids(user, statuses)
    return (Q(department_id__in=departments) if departments else None), parallel


def _applicant_scope(user, *, counted=False, parts=True):
    """(condition, granted ids) of the cases ``user`` applied for or acts in as agent; with
    ``counted``, and how many cases the condition alone finds (``parts=False``: outside bundles),
    counted in the same statement as the look-ups (None where there is no condition)."""
    enterprises, persons, granted, terms, own_count = _read_applicant_lookups(user, counted=counted, parts=parts)
    own = None
    if enterprises:
        own = Q(enterprise_id__in=enterprises)
    if persons:
        own = Q(person_id__in=persons) if own is None else own | Q(person_id__in=persons)
    scope = own, _agent_case_ids(granted, terms)
    return (*scope, own_count if own is not None else None) if counted else scope


def _read_applicant_lookups(user, now=None, *, counted=False, parts=True):
    """(enterprise ids, person ids, agent-granted case ids, [(case id, in force now)] of the open
    authorisations of ``user`` as an agent, and — ``counted`` — the cases of those enterprises and
    that person (``parts=False``: outside bundles), or None), in one statement, read afresh on
    every call."""
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    names = _names()
    sql, params = names["applicant"], [now, now, user.pk, user.pk, user.pk, CaseGrant.Reason.AGENT.value, user.pk]
    if counted:
        sql += names["applicant_counted"] + ("" if parts else names["applicant_counted_parts"])
        params += [user.pk, user.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = {"enterprise": [], "person": [], "agent": [], "term": [], "counted": [None]}
    for kind, number, flag in rows:
        if kind == "counted":
            found[kind] = [number]
        else:
            found[kind].append((number, bool(flag)) if kind == "term" else number)
    return found["enterprise"], found["person"], found["agent"], found["term"], found["counted"][0]


def _agent_case_ids(granted, terms) -> list[int]:
    """The cases granted as an agent (``granted``), less those whose authorisation is not in
    force now (ended by time before the tick removed the grant, or not yet begun): ``terms``,
    (case id, in force) of the agent's open authorisations."""
    if not granted:
        return granted
    in_force, out_of_force = set(), set()
    for case_id, now_in_force in terms:
        (in_force if now_in_force else out_of_force).add(case_id)
    out_of_force -= in_force
    if not out_of_force:
        return granted
    # A bundle's authorisation reaches its children: they go with it, unless one of their own is in force.
    children = CaseFile.objects.filter(pk__in=granted, parent_id__in=out_of_force).exclude(parent_id__in=in_force)
    dropped = (out_of_force - in_force) | (set(children.values_list("pk", flat=True)) - in_force)
    return [case_id for case_id in granted if case_id not in dropped]


def staff_cases(user, statuses=(), *, bundles=True):
    """The cases a staff member handles: their departments' cases and parallel grants, in
    ``statuses`` (an inbox tab) or in every state but draft. ``bundles=False`` leaves out the
    bundles' parents (一件事: never worked themselves, so nobody's acceptance work); the total
    is still the tallies', less a count of those parents."""
    if not user.is_authenticated:
        return CaseFile.objects.none()
    # Drafts stay the applicant's own: the department is granted the case when it is submitted.
    statuses = tuple(s for s in statuses if s != Status.DRAFT) if statuses else states.FILED
    if not statuses:
        return CaseFile.objects.none()
    if getattr(user, "_yiwang_group_ids", None) is None and not (user.is_active and user.is_superuser):
        # A fresh request: the permissions, groups, roles, this tab's parallel grants and its
        # totals at once.
        read_staff_lookups(user, parallel_statuses=statuses, totals=True, parents=not bundles)
    if sees_everything(user):
        read = _take_parallel_read(user, statuses)
        if read is None and not bundles:  # the tallies and the parents to leave out, one statement
            read_staff_lookups(user, parallel_statuses=statuses, totals=True, parents=True)
            read = _take_parallel_read(user, statuses)
        listing = _listing(Q(status__in=statuses), ())
        if not bundles:
            listing = listing.filter(is_bundle=False)
        listing._tally = (None, statuses, not bundles, _read_total(read, "all", not bundles))
        return listing
    read = _take_parallel_read(user, statuses)
    if read is None and group_ids(user):
        # The rest known (the access check read it): the parallel grants and the totals, one statement.
        read_staff_lookups(user, parallel_statuses=statuses, totals=True, parents=not bundles)
        read = _take_parallel_read(user, statuses)
    departments = department_ids(user)
    own = Q(department_id__in=departments) if departments else None
    granted = read[0] if read is not None else []
    if not bundles and granted and not read[2]:  # parallel grants are on parts; a parent among them is left out here
        granted = list(CaseFile.objects.filter(pk__in=granted, is_bundle=False).values_list("pk", flat=True))
    listing = _listing(own, granted).filter(status__in=statuses)
    if not bundles:
        listing = listing.filter(is_bundle=False)
    if own is not None:
        listing._tally = (departments, statuses, not bundles, _read_total(read, "mine", not bundles))
    return listing


def _read_total(read, scope, parents_left_out):
    """(tallied cases, bundles' parents among them) of ``scope`` as ``read_staff_lookups`` read
    them with the listing's granted ids; None where it did not (``CaseListing.count`` asks)."""
    if read is None or scope not in read[1] or (parents_left_out and not read[2]):
        return None
    return read[1][scope]


def staff_counts(user, statuses=states.FILED) -> tuple[dict[str, int], dict[str, int]]:
    """How many cases ``staff_cases(user, …)`` holds in each of ``statuses``, and how many of them
    are bundles' parents: ({status: cases}, {status: parents}), in three queries whatever the
    number of statuses (the tallies by status, the parallel grants by their case's status, the
    parents by status), so every inbox tab is counted at once (the staff home page)."""
    statuses = tuple(s for s in statuses if s != Status.DRAFT)
    if not user.is_authenticated or not statuses:
        return {}, {}
    rows = CaseTally.objects.filter(status__in=statuses)
    parents = CaseFile.objects.filter(is_bundle=True, status__in=statuses)
    by_status: dict[str, int] = {}
    if not sees_everything(user):
        departments = department_ids(user)
        rows = rows.filter(department_id__in=departments)
        parents = parents.filter(department_id__in=departments)
        if group_ids(user):
            grants = CaseGrant.objects.filter(reason=CaseGrant.Reason.PARALLEL, group_id__in=group_ids(user),
                                              case_status__in=statuses).exclude(case_department_id__in=departments)
            for status, cases in grants.order_by().values_list("case_status").annotate(n=Count("case_id", distinct=True)):
                by_status[status] = by_status.get(status, 0) + cases
    for status, cases in rows.order_by().values_list("status").annotate(n=Sum("delta")):
        by_status[status] = by_status.get(status, 0) + (cases or 0)
    parents_by_status = dict(parents.order_by().values_list("status").annotate(n=Count("pk")))
    return by_status, parents_by_status


def applicant_cases(user, *, parts=True):
    """我的办件: the cases of the user's enterprises and of the user as a person, and those they
    act in as an agent. ``parts=False`` leaves out the parts of bundles (a bundle is one row,
    its parts are listed on its page). The look-ups count the cases of the enterprises and the
    person in the same statement (``CaseListing._counted``): the listing's count asks the database
    only for the agent's cases beyond them."""
    if not user.is_authenticated:
        return CaseFile.objects.none()
    own, granted, own_count = _applicant_scope(user, counted=True, parts=parts)
    listing = _listing(own, granted)
    if not parts:
        listing = listing.filter(parent__isnull=True)
    # No enterprise, no person: the agent's cases alone, each granted id one case (with the
    # parts of bundles; without them, counted).
    listing._counted = own_count if own is not None else (0 if parts else None)
    return listing


def visible_cases(user):
    """Every case ``user`` may view — the listing counterpart of ``can(user, 'view_casefile', case)``."""
    if not user.is_authenticated:
        return CaseFile.objects.none()
    if sees_everything(user):
        staff = Q(status__in=states.FILED)
    else:
        own, parallel = _staff_scope(user)
        staff = _either(own, parallel)
        staff = staff & Q(status__in=states.FILED) if staff is not None else None
    applicant = _either(*_applicant_scope(user))
    conditions = [c for c in (staff, applicant) if c is not None]
    if not conditions:
        return CaseFile.objects.none()
    condition = conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]
    return CaseFile.objects.filter(condition)


def _either(own: Q | None, granted) -> Q | None:
    if granted:
        by_id = _among(sorted(set(granted)))
        return by_id if own is None else own | by_id
    return own
