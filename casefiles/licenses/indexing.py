"""What the one search knows of electronic licenses (the ``license`` kind), registered by licenses itself.

- ``license`` (电子证照): identifier, certificate number, type, holder and issuer, the item and
  number of the case it was issued on; identity numbers masked (``casefiles.access.indexing.told``).

Who finds one: its holder (the enterprise's members group or the citizen), the issuing
department's clerk, reviewer and decider groups (``casefiles.licenses.staff``), oversight. A
license follows the case it was issued on (``follow_cases``), and every event of its own (a
status change) reindexes it.
"""

from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from casefiles.access import indexing as case_indexing
from casefiles.directory.models import DepartmentRole
from casefiles.directory.roles import CASE_ROLES
from casefiles.licenses.models import License, LicenseEvent
from search import indexing as search_indexing
from search import trimming
from search.documents import Provider, SearchDocument, document_key, register


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
        body, identities = case_indexing.told(
            license.number, license.holder_name, license.holder_code, license.issuer_name,
            case.item_title if case else "", case.number if case else "", case_indexing.form_text(license.data))
        return SearchDocument(
            kind=self.kind,
            object_id=str(license.pk),
            code=license.identifier,
            title=f"{license.license_type.name}（{license.holder_name}）",
            body=body,
            department=license.issuer.code,
            status=license.status,
            date=license.issue_date,
            url=case_indexing.url("licenses_admin:detail", license.pk),
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


def licenses_of(case_ids) -> set[str]:
    """The licenses issued on the cases: they show the case's item and number."""
    return {document_key("license", pk) for pk in License.objects.filter(source_case_id__in=case_ids).values_list(
        "pk", flat=True)}


def _license_event(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        search_indexing.schedule_records([instance.license])


def register_kinds() -> None:
    register("license", LicenseProvider())
    case_indexing.follow_cases("license", licenses_of)
    post_save.connect(_license_event, sender=LicenseEvent, dispatch_uid="casefiles_index_license_event")
