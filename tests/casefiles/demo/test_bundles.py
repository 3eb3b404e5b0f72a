"""The demo's bundles: 企业开办一件事 and 我要开餐馆 in progress, and the 一照通行 activities."""

import io

from casefiles.bundles import activities
from casefiles.bundles.models import Activity
from casefiles.cases.models import CaseFile, Status
from casefiles.demo.bundles import STORIES, load_bundles
from casefiles.demo.loader import load_demo
from casefiles.journal import records


def test_the_demo_has_two_bundles_in_progress_and_activities(db):
    load_demo(stdout=io.StringIO())
    parents = {p.item_code: p for p in CaseFile.objects.filter(is_bundle=True)}
    assert set(parents) == {"ZH-YJS-QYKB", "ZH-YJS-KCG"}
    qykb = parents["ZH-YJS-QYKB"]
    statuses = {c.item_title[:6]: c.status for c in qykb.children.all()}
    assert len(statuses) == 5 and statuses["企业设立登记"] == Status.APPROVED
    assert Status.SUBMITTED in statuses.values()
    assert qykb.status == Status.SUBMITTED  # its slowest parts wait for acceptance
    assert len({c.department_id for c in qykb.children.all()}) == 5
    # The shared 营业执照 / 法定代表人身份证件 are stored once for every part that asks for them.
    rows = [m for c in qykb.children.all() for m in c.materials.filter(requirement_name="法定代表人身份证件")]
    assert len(rows) >= 3 and len({m.file.name for m in rows}) == 1
    assert records.verify() == []
    assert Activity.objects.filter(code="hotel").exists()
    hotel = activities.propose(["hotel"])
    assert hotel.items[0].title.startswith("企业设立登记")
    assert {i.title[:4] for i in hotel.items[1:]} == {"特种行业", "公共场所"}

    before = CaseFile.objects.count()
    assert load_bundles() == {"told": 0, "present": len(STORIES), "skipped": 0}
    assert CaseFile.objects.count() == before
