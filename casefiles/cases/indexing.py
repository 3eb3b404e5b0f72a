"""What the one search knows of case files, their materials and the licenses they produce.

Three kinds join the catalogue's guides, bundles and policies in ``search``:

- ``case`` (办件): number, item, applicant, contact and form answers; filed under the day it
  was submitted. A draft is not indexed: until it is submitted it is the applicant's
  notebook, not a case.
- ``material`` (材料): the current version of each supplied file, its extracted text as the
  body, under its case's number. Earlier versions and 容缺 promises without a file are not
  indexed.
- ``license`` (电子证照): identifier, certificate number, type, holder and issuer.

What they say is what every reader of them may learn (``casefiles.access.disclosure``): a case's
status as its applicant is told it (a step waiting inside the department as the state
before it), a material's review only as a correction notice words it, and no whole resident
identity number — the masked form to show and a keyed token under the facet ``identity``,
which a query holding the whole number is turned into (``disclosure.search_terms``), so that
the number still finds the record for whoever may see it. The tokens are keyed with the
site's secret key: after changing it, ``manage.py search_index check --repair`` writes them anew.

Who finds them is who may open them (``search.trimming``):

- a case and its materials: every principal a ``CaseGrant`` gives ``view_casefile`` (the
  department's role groups, a parallel department, the applicant's enterprise group or the
  citizen, an agent while an authorisation is in force), the groups and users holding the model-wide view permission (window
  clerks, supervisors: ``permissions.sees_everything``) and the oversight principal;
- a license: its holder (the enterprise's members group or the citizen), the issuing
  department's clerk, reviewer and decider groups (``casefiles.licenses.staff``), oversight.

The index follows the journal: every change a case goes through is journaled
(``records.record``), and each journal line reindexes the case, its current materials and
its licenses after the commit; so do grants made or revoked (``permissions.grants_changed``), uploads, reviews,
text extraction and license status changes. Granting the model-wide view permission to a
new group is not followed: ``manage.py search_index check --repair`` brings that in.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_save
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.access import disclosure, permissions
from casefiles.agents.models import Authorisation
from casefiles.cases.models import CaseFile, CaseGrant, Status
from casefiles.directory.models import DepartmentRole
from casefiles.directory.roles import CASE_ROLES
from casefiles.journal import records
from casefiles.licenses.models import License, LicenseEvent
from casefiles.materials.models import Material
from search import indexing as search_indexing
from search import trimming
from search.documents import Provider, SearchDocument, document_key, register, register_private_terms

VIEW = "view_casefile"


def _join(*parts) -> str:
    return "\n".join(str(part) for part in parts if part)


def _url(name, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _told(*parts) -> tuple[str, list[str]]:
    """The body of a document from ``parts``, identity numbers masked, and their tokens."""
    return disclosure.redact(_join(*parts))


def _form_text(data) -> str:
    """The answers of an application form, flattened: values only, keys are field names."""
    if isinstance(data, dict):
        return " ".join(_form_text(value) for value in data.values())
    if isinstance(data, (list, tuple)):
        return " ".join(_form_text(value) for value in data)
    return "" if data is None or isinstance(data, bool) else str(data)


def model_wide_viewers() -> list[str]:
    """Groups and users holding ``casefiles.view_casefile`` for every case (window clerks, supervisors)."""
    permission = Permission.objects.filter(content_type__app_label="casefiles", codename=VIEW).first()
    if permission is None:
        return []
    from django.contrib.auth import get_user_model

    groups = Group.objects.filter(permissions=permission).values_list("pk", flat=True)
    users = get_user_model().objects.filter(user_permissions=permission, is_active=True)  # superusers: oversight
    return ([trimming.group_principal(pk) for pk in groups]
            + [trimming.user_principal(pk) for pk in users.values_list("pk", flat=True)])


def case_access(case: CaseFile, grants=None, viewers=None) -> list[str]:
    """The principals that may view ``case``: exactly those ``permissions.can(…, 'view_casefile', case)`` admits."""
    grants = [grant for grant in (case.grants.all() if grants is None else grants) if VIEW in (grant.permissions or [])]
    lapsed = set()
    agents = {grant.user_id for grant in grants if grant.reason == CaseGrant.Reason.AGENT}
    if agents:
        # As permissions.can: an agent's grant counts while one of their authorisations is in
        # force; a grant without any (a window clerk's own filing) counts as it stands.
        now, in_force, authorised = timezone.now(), set(), set()
        for agent_id, start, end in Authorisation.objects.filter(
                agent_id__in=agents, case_id__in=[case.pk, case.parent_id], revoked_at__isnull=True,
        ).values_list("agent_id", "valid_from", "valid_until"):
            authorised.add(agent_id)
            if start <= now < end:
                in_force.add(agent_id)
        lapsed = authorised - in_force
    access = [
        trimming.group_principal(grant.group_id) if grant.group_id else trimming.user_principal(grant.user_id)
        for grant in grants if not (grant.reason == CaseGrant.Reason.AGENT and grant.user_id in lapsed)
    ]
    access += model_wide_viewers() if viewers is None else viewers
    return access + trimming.oversight_principals()


def _grants_of(case_ids) -> dict[int, list[CaseGrant]]:
    """The grants of several cases in one query, by case."""
    found: dict[int, list[CaseGrant]] = {}
    for grant in CaseGrant.objects.filter(case_id__in=list(case_ids)):
        found.setdefault(grant.case_id, []).append(grant)
    return found


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
        body, identities = _told(case.item_title, case.item_code, case.applicant_name, case.applicant_code,
                                 case.contact_name, _form_text(case.form_data))
        return SearchDocument(
            kind=self.kind,
            object_id=str(case.pk),
            code=case.number,
            title=f"{case.item_title} — {case.applicant_name}",
            body=body,
            department=case.department.code,
            status=disclosure.outsider_status(case.status),
            date=case.submitted_at or case.created_at,
            url=_url("casefiles_workbench:case", case.number),
            facets={"channel": [case.channel], "item": [case.item_code], "identity": identities},
            access=case_access(case, grants, viewers),
        )

    def follows(self, case):
        """A draft has no document, before or after: it enters the index by its submission,
        which the journal reports."""
        return case.status != Status.DRAFT

    def documents_of(self, cases):
        """A batch (one sync): the grants in one query, the model-wide viewers once."""
        grants, viewers = _grants_of([case.pk for case in cases]), model_wide_viewers()
        with trimming.remembering_oversight():
            return [self.document(case, grants.get(case.pk, []), viewers) for case in cases]

    def related_keys(self, object_ids):
        """Every file of the cases (a replaced one leaves the index) and their licenses: they
        carry the case's access list and status."""
        ids = [int(object_id) for object_id in object_ids if str(object_id).isdigit()]
        materials = Material.objects.filter(case_id__in=ids).values_list("pk", flat=True)
        licenses = License.objects.filter(source_case_id__in=ids).values_list("pk", flat=True)
        return ({document_key("material", pk) for pk in materials}
                | {document_key("license", pk) for pk in licenses})

    def documents(self, batch_size: int = 500):
        """The rebuild: grants read with their cases, the model-wide viewers once."""
        viewers = model_wide_viewers()
        with trimming.remembering_oversight():
            for case in self.queryset().prefetch_related("grants").iterator(chunk_size=batch_size):
                document = self.document(case, list(case.grants.all()), viewers)
                if document is not None:
                    yield document


class MaterialProvider(Provider):
    label = _("Materials")
    # A review is told only as the correction notice words it (casefiles.access.disclosure): a file the
    # applicant must correct now; of the others the index says nothing.
    statuses = {f"review_{Material.Review.REJECTED}": _("Material needs correction")}

    @property
    def model(self):
        return Material

    def queryset(self):
        return (Material.objects.filter(is_current=True).exclude(file="").exclude(case__status=Status.DRAFT)
                .select_related("case__department"))

    def document(self, material, grants=None, viewers=None):
        case = material.case
        if not material.is_current or not material.file or case.status == Status.DRAFT:
            return None
        body, identities = _told(material.original_name, case.applicant_name, case.item_title, material.extracted_text)
        review, _reason = disclosure.review(material, disclosure.OUTSIDER, disclosure.correction_notes(case))
        return SearchDocument(
            kind=self.kind,
            object_id=str(material.pk),
            code=case.number,
            title=f"{material.requirement_name}（{case.number}）",
            body=body,
            department=case.department.code,
            status=f"review_{review}" if review == Material.Review.REJECTED else "",
            date=material.uploaded_at,
            url=_url("casefiles_workbench:material_preview", case.number, material.pk),
            facets={"item": [case.item_code], "content_type": [material.content_type], "identity": identities},
            access=case_access(case, grants, viewers),
        )

    def follows(self, material):
        """A file of a draft has no document (the draft's submission brings it in); asked
        without a query, so only when the case is at hand."""
        case = material._state.fields_cache.get("case")
        return case is None or case.status != Status.DRAFT

    def documents_of(self, materials):
        grants, viewers = _grants_of({material.case_id for material in materials}), model_wide_viewers()
        with trimming.remembering_oversight():
            return [self.document(material, grants.get(material.case_id, []), viewers) for material in materials]

    def documents(self, batch_size: int = 500):
        viewers = model_wide_viewers()
        with trimming.remembering_oversight():
            for material in self.queryset().prefetch_related("case__grants").iterator(chunk_size=batch_size):
                document = self.document(material, list(material.case.grants.all()), viewers)
                if document is not None:
                    yield document


def license_access(license: License, staff_groups=None) -> list[str]:
    """The holder, the issuing department's case staff (``casefiles.licenses.staff``), oversight."""
    access = []
    if license.enterprise_id and license.enterprise.members_group_id:
        access.append(trimming.group_principal(license.enterprise.members_group_id))
    if license.person_id and license.person.user_id:
        access.append(trimming.user_principal(license.person.user_id))
    if staff_groups is None:
        staff_groups = DepartmentRole.objects.filter(department_id=license.issuer_id, role__in=CASE_ROLES).values_list(
            "group_id", flat=True)
    access += [trimming.group_principal(pk) for pk in staff_groups]
    return access + trimming.oversight_principals()


class LicenseProvider(Provider):
    label = _("Electronic licenses")
    statuses = dict(License.Status.choices)

    @property
    def model(self):
        return License

    def queryset(self):
        return License.objects.select_related("license_type", "issuer", "enterprise", "person", "source_case")

    def document(self, license, staff_groups=None):
        case = license.source_case
        body, identities = _told(license.number, license.holder_name, license.holder_code, license.issuer_name,
                                 case.item_title if case else "", case.number if case else "", _form_text(license.data))
        return SearchDocument(
            kind=self.kind,
            object_id=str(license.pk),
            code=license.identifier,
            title=f"{license.license_type.name}（{license.holder_name}）",
            body=body,
            department=license.issuer.code,
            status=license.status,
            date=license.issue_date,
            url=_url("licenses_admin:detail", license.pk),
            facets={"license_type": [license.license_type.code], "identity": identities},
            access=license_access(license, staff_groups),
        )

    def documents(self, batch_size: int = 500):
        by_department: dict[int, list[int]] = {}
        for department_id, group_id in DepartmentRole.objects.filter(role__in=CASE_ROLES).values_list(
                "department_id", "group_id"):
            by_department.setdefault(department_id, []).append(group_id)
        with trimming.remembering_oversight():
            for license in self.queryset().iterator(chunk_size=batch_size):
                yield self.document(license, by_department.get(license.issuer_id, []))


# --- keeping the index current -------------------------------------------------------------

def reindex_case(case_id) -> None:
    """After the commit: the case, and with it its materials and licenses
    (``CaseProvider.related_keys``). No query here: every journal line calls it."""
    search_indexing.schedule([document_key("case", case_id)])


def _journaled(sender, event, **kwargs):
    if event.to_state != Status.DRAFT:  # a step on a draft changes nothing anyone can find
        reindex_case(event.case_id)


def _grants_changed(sender, case, **kwargs):
    if case.status != Status.DRAFT:  # a draft's grants (its applicant's) reach no document
        reindex_case(case.pk)


def _license_event(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        search_indexing.schedule_records([instance.license])


def register_kinds() -> None:
    register("case", CaseProvider())
    register("material", MaterialProvider())
    register("license", LicenseProvider())
    register_private_terms(disclosure.search_terms)
    records.recorded.connect(_journaled, dispatch_uid="casefiles_index_journaled")
    permissions.grants_changed.connect(_grants_changed, dispatch_uid="casefiles_index_grants")
    post_save.connect(_license_event, sender=LicenseEvent, dispatch_uid="casefiles_index_license_event")
