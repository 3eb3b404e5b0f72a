"""What the one search knows of materials (the ``material`` kind), registered by materials itself.

- ``material`` (材料): the current version of each supplied file, its extracted text as the
  body, under its case's number. Earlier versions and 容缺 promises without a file are not
  indexed, nor are the files of a draft.

A material's review is told only as a correction notice words it (``casefiles.access.disclosure``),
identity numbers are masked (``casefiles.access.indexing.told``), and whoever may open its case
finds it (``casefiles.access.indexing.case_access``). The files of a case follow it in the index
(``follow_cases``: each journal line and grant change of the case recomputes them); uploads,
reviews and text extraction save the material, which reindexes it.
"""

from django.utils.translation import gettext_lazy as _

from casefiles.access import disclosure
from casefiles.access import indexing as case_indexing
from casefiles.cases.models import Status
from casefiles.materials.models import Material
from search import trimming
from search.documents import Provider, SearchDocument, document_key, register


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
        body, identities = case_indexing.told(material.original_name, case.applicant_name, case.item_title,
                                              material.extracted_text)
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
            url=case_indexing.url("casefiles_workbench:material_preview", case.number, material.pk),
            facets={"item": [case.item_code], "content_type": [material.content_type], "identity": identities},
            access=case_indexing.case_access(case, grants, viewers),
        )

    def follows(self, material):
        """A file of a draft has no document (the draft's submission brings it in); asked
        without a query, so only when the case is at hand."""
        case = material._state.fields_cache.get("case")
        return case is None or case.status != Status.DRAFT

    def documents_of(self, materials):
        grants = case_indexing.grants_of({material.case_id for material in materials})
        viewers = case_indexing.model_wide_viewers()
        with trimming.remembering_oversight():
            return [self.document(material, grants.get(material.case_id, []), viewers) for material in materials]

    def documents(self, batch_size: int = 500):
        viewers = case_indexing.model_wide_viewers()
        with trimming.remembering_oversight():
            for material in self.queryset().prefetch_related("case__grants").iterator(chunk_size=batch_size):
                document = self.document(material, list(material.case.grants.all()), viewers)
                if document is not None:
                    yield document


def files_of(case_ids) -> set[str]:
    """Every file of the cases, current or replaced (a replaced one leaves the index)."""
    return {document_key("material", pk) for pk in Material.objects.filter(case_id__in=case_ids).values_list(
        "pk", flat=True)}


def register_kinds() -> None:
    register("material", MaterialProvider())
    case_indexing.follow_cases("material", files_of)
