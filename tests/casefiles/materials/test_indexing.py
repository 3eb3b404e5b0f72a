"""The staff who handle a case find its materials' text (casefiles/materials/indexing.py)."""

from casefiles.handling import workflow
from casefiles.materials import uploads
from search import service
from tests.casefiles.conftest import keys, pdf_upload, text_pdf


def test_material_text_is_found_by_the_staff_who_handle_the_case(world, filed):
    hits = service.search("王小明", user=world.clerk, kinds=("material",)).hits
    assert [hit.code for hit in hits] == [filed.number]
    assert hits[0].title.startswith(world.requirements[1].name)
    assert hits[0].url.endswith("/preview/")
    assert "食品安全管理员" in hits[0].body


def test_a_replaced_material_leaves_the_index_and_its_successor_enters(world, filed, committed):
    old = filed.materials.get(requirement=world.requirements[1], is_current=True)
    with committed():
        workflow.perform(filed, "request_correction", world.clerk, problems=[{"material": old.requirement_name, "problem": "管理制度缺少签字"}])
        uploads.add(filed, world.requirements[1], pdf_upload("制度-签字.pdf", text_pdf("食品安全管理员李四已签字")),
                      world.applicant, replaces=old)
    assert keys("王小明", world.clerk) == []
    assert keys("李四", world.clerk, "material") != []
