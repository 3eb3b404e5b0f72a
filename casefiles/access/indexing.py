"""What the one search knows of case files (the ``case`` kind), and what the kinds that follow a case share.

Placement: here, not in ``cases``, because a case's document is what ``disclosure`` (access) lets
everyone on its access list learn; access is the lowest component that may import all it needs, and
the kinds above it register themselves (``materials.indexing``, ``licenses.indexing``, ``follow_cases``).

- ``case`` (办件): number, item, applicant, contact and form answers (the contact phone by its
  token alone); filed under the day it was submitted. A draft is not indexed: until it is submitted it is the applicant's
  notebook, not a case.

What it says is what every reader of it may learn (``casefiles.access.disclosure``): a case's
status as its applicant is told it (a step waiting inside the department as the state
before it), and no whole resident identity number or mobile number — the masked form to show and a keyed
token under the facet ``identity``, which a query holding the whole number is turned into
(``disclosure.search_terms``, registered here for every kind), so that the number still finds
the record for whoever may see it. The tokens are keyed with the site's secret key: after
changing it, ``manage.py search_index check --repair`` writes them anew. The materials' and
licenses' documents use the same masking (``told``).

Who finds a case (and its materials: ``case_access``) is who may open it (``search.trimming``):
every principal a ``CaseGrant`` gives ``view_casefile`` (the department's role groups, a
parallel department, the applicant's enterprise group or the citizen, an agent while an
authorisation is in force: ``permissions.lapsed_agents``), the groups and users holding the
model-wide view permission (window clerks, supervisors: ``permissions.sees_everything``) and the
oversight principal.

The index follows the journal: every change a case goes through is journaled
(``records.record``), and each journal line reindexes the case after the commit, and with it
the documents of the kinds that follow it (``follow_cases``: its current materials, its
licenses); so do grants made or revoked (``permissions.grants_changed``). Granting the
model-wide view permission to a new group is not followed: ``manage.py search_index check
--repair`` brings that in.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import BooleanField, Value
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from casefiles.access import disclosure, permissions
from casefiles.cases.models import CaseFile, CaseGrant, Status
from casefiles.journal import records
from search import indexing as search_indexing
from search import trimming
from search.documents import Provider, SearchDocument, document_key, register, register_private_terms, shared

VIEW = "view_casefile"


def _join(*parts) -> str:
    return "\n".join(str(part) for part in parts if part)


def url(name, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def told(*parts) -> tuple[str, list[str]]:
    """The body of a document from ``parts``, identity numbers masked, and their tokens."""
    return disclosure.redact(_join(*parts))


def form_text(data) -> str:
    """The answers of an application form, flattened: values only, keys are field names."""
    if isinstance(data, dict):
        return " ".join(form_text(value) for value in data.values())
    if isinstance(data, (list, tuple)):
        return " ".join(form_text(value) for value in data)
    return "" if data is None or isinstance(data, bool) else str(data)


def model_wide_viewers() -> list[str]:
    """Groups and users holding ``casefiles.view_casefile`` for every case (window clerks, supervisors);
    read once per sync (``search.documents.shared``), for the cases and their files."""
    return shared("casefiles.model_wide_viewers", _model_wide_viewers)


def _model_wide_viewers() -> list[str]:
    """One statement: the groups' ids and the active users' (superusers see by oversight), each marked."""
    group, user = Value(True, output_field=BooleanField()), Value(False, output_field=BooleanField())
    groups = Group.objects.filter(permissions__content_type__app_label="casefiles", permissions__codename=VIEW)
    users = get_user_model().objects.filter(user_permissions__content_type__app_label="casefiles",
                                            user_permissions__codename=VIEW, is_active=True)
    rows = groups.values_list(group, "pk").union(users.values_list(user, "pk"), all=True)
    return [trimming.group_principal(pk) if is_group else trimming.user_principal(pk) for is_group, pk in rows]


def case_access(case: CaseFile, grants=None, viewers=None) -> list[str]:
    """The principals that may view ``case``: exactly those ``permissions.can(…, 'view_casefile', case)`` admits."""
    grants = [grant for grant in (case.grants.all() if grants is None else grants) if VIEW in (grant.permissions or [])]
    # As permissions.can: an agent's grant counts while one of their authorisations is in force.
    lapsed = permissions.lapsed_agents(case, {grant.user_id for grant in grants
                                              if grant.reason == CaseGrant.Reason.AGENT})
    access = [
        trimming.group_principal(grant.group_id) if grant.group_id else trimming.user_principal(grant.user_id)
        for grant in grants if not (grant.reason == CaseGrant.Reason.AGENT and grant.user_id in lapsed)
    ]
    access += model_wide_viewers() if viewers is None else viewers
    return access + trimming.oversight_principals()


def grants_of(case_ids) -> dict[int, list[CaseGrant]]:
    """The grants of several cases in one query, by case (once per sync for the same cases:
    a case's and its files' documents)."""
    case_ids = frozenset(case_ids)
    return shared(("casefiles.grants_of", case_ids), lambda: _grants_of(case_ids))


def _grants_of(case_ids) -> dict[int, list[CaseGrant]]:
    found: dict[int, list[CaseGrant]] = {}
    for grant in CaseGrant.objects.filter(case_id__in=list(case_ids)):
        found.setdefault(grant.case_id, []).append(grant)
    return found


# Documents of other kinds that follow a case (they carry its access list and status), by kind:
# ``keys_of(case_ids)`` names them. Filled by the kinds above access from their register_kinds().
_followers: dict[str, Callable[[list[int]], set[str]]] = {}


def follow_cases(kind: str, keys_of: Callable[[list[int]], set[str]]) -> None:
    """Have the documents ``keys_of(case_ids)`` names recomputed whenever those cases are."""
    _followers[kind] = keys_of


class CaseProvider(Provider):
    label = _("Case files")
    # The states a document can be in: drafts are not indexed, steps inside a department read as the state before.
    statuses = {value: label for value, label in Status.choices
                if value != Status.DRAFT and value not in disclosure.INTERNAL_STATES}

    @property
    def model(self):
        return CaseFile

    def queryset(self):
        return CaseFile.objects.exclude(status=Status.DRAFT).select_related("department")

    def document(self, case, grants=None, viewers=None):
        if case.status == Status.DRAFT:
            return None
        body, identities = told(case.item_title, case.item_code, case.applicant_name, case.applicant_code,
                                case.contact_name, form_text(case.form_data))
        identities = sorted(set(identities) | set(disclosure.phone_told(case.contact_phone)[1]))  # by its token only
        return SearchDocument(
            kind=self.kind,
            object_id=str(case.pk),
            code=case.number,
            title=f"{case.item_title} — {case.applicant_name}",
            body=body,
            department=case.department.code,
            status=disclosure.outsider_status(case.status),
            date=case.submitted_at or case.created_at,
            url=url("casefiles_workbench:case", case.number),
            facets={"channel": [case.channel], "item": [case.item_code], "identity": identities},
            access=case_access(case, grants, viewers),
        )

    def follows(self, case):
        """A draft has no document, before or after: it enters the index by its submission,
        which the journal reports."""
        return case.status != Status.DRAFT

    def documents_of(self, cases):
        """A batch (one sync): the grants in one query, the model-wide viewers once."""
        grants, viewers = grants_of([case.pk for case in cases]), model_wide_viewers()
        with trimming.remembering_oversight():
            return [self.document(case, grants.get(case.pk, []), viewers) for case in cases]

    def related_keys(self, object_ids):
        """The documents of the kinds that follow the cases (``follow_cases``): every file of
        theirs (a replaced one leaves the index) and their licenses."""
        ids = [int(object_id) for object_id in object_ids if str(object_id).isdigit()]
        keys: set[str] = set()
        for keys_of in _followers.values():
            keys |= keys_of(ids)
        return keys

    def documents(self, batch_size: int = 500):
        """The rebuild: grants read with their cases, the model-wide viewers once."""
        viewers = model_wide_viewers()
        with trimming.remembering_oversight():
            for case in self.queryset().prefetch_related("grants").iterator(chunk_size=batch_size):
                document = self.document(case, list(case.grants.all()), viewers)
                if document is not None:
                    yield document


# --- keeping the index current -------------------------------------------------------------

def reindex_case(case_id) -> None:
    """After the commit: the case, and with it the documents that follow it
    (``CaseProvider.related_keys``). No query here: every journal line calls it."""
    search_indexing.schedule([document_key("case", case_id)])


def _journaled(sender, event, **kwargs):
    if event.to_state != Status.DRAFT:  # a step on a draft changes nothing anyone can find
        reindex_case(event.case_id)


def _grants_changed(sender, case, **kwargs):
    if case.status != Status.DRAFT:  # a draft's grants (its applicant's) reach no document
        reindex_case(case.pk)


def register_kinds() -> None:
    register("case", CaseProvider())
    register_private_terms(disclosure.search_terms)
    records.recorded.connect(_journaled, dispatch_uid="casefiles_index_journaled")
    permissions.grants_changed.connect(_grants_changed, dispatch_uid="casefiles_index_grants")
