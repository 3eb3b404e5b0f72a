"""A small world for case-file tests: one department with its staff, one guide, applicants."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.directory import roles
from casefiles.directory.models import Department, Enterprise, Person


def pdf_bytes(title="") -> bytes:
    """A real one-page PDF (every upload is parsed whole); ``title`` makes its bytes differ."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()


def pdf_upload(name="材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def world(db, django_user_model):
    from cms.models import MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    class World:
        pass

    w = World()
    w.department = Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")
    w.other_department = Department.objects.create(code="ZJJ", name="珠海市住房和城乡建设局", region_code="440400")
    page = ensure_department_page(w.department)
    w.item = page.add_child(
        instance=ServiceItemPage(
            title="食品经营许可", slug="food", item_code="11440400MB2C92390J4440111001000",
            statutory_days=20, promised_days=10, tolerant_acceptance=True, online_depth=4,
        )
    )
    w.item.material_requirements.add(MaterialRequirement(name="食品经营许可申请书", required=True))
    w.item.material_requirements.add(MaterialRequirement(name="营业执照", required=True, deferrable=True))
    w.item.material_requirements.add(MaterialRequirement(name="食品安全管理制度", required=False))
    w.item.save_revision().publish()
    w.item = ServiceItemPage.objects.get(pk=w.item.pk)
    # Added without an inline formset, the rows have no sort order: keep the order of creation.
    w.requirements = list(MaterialRequirement.objects.filter(page=w.item).order_by("sort_order", "pk"))

    def user(name, *groups):
        u = django_user_model.objects.create_user(name, password="pw-for-tests-only", email=f"{name}@example.org")
        for group in groups:
            u.groups.add(group)
        return u

    w.clerk = user("clerk", w.department.group("clerk"))
    w.reviewer = user("reviewer", w.department.group("reviewer"))
    w.decider = user("decider", w.department.group("decider"))
    w.decider2 = user("decider2", w.department.group("decider"))
    w.lead = user("lead", w.department.group("lead"))  # 负责人
    w.other_clerk = user("other-clerk", w.other_department.group("clerk"))
    w.window = user("window", roles.global_group(roles.WINDOW_CLERK))
    w.supervisor = user("supervisor", roles.global_group(roles.SUPERVISOR))
    w.enterprise = Enterprise.objects.create(
        uscc=demo_uscc("91440400MA55L8QJ2"), name="珠海海湾餐饮管理有限公司", legal_representative="林晓燕", region_code="440402"
    )
    w.applicant = user("applicant")
    w.enterprise.add_member(w.applicant)
    w.other_enterprise = Enterprise.objects.create(
        uscc=demo_uscc("91440400MA4WB3K1X"), name="珠海格创智能科技有限公司", legal_representative="陈思远", region_code="440402"
    )
    w.stranger = user("stranger")
    w.other_enterprise.add_member(w.stranger)
    w.citizen = user("citizen")
    w.person = Person.objects.create(name="张伟", id_number=demo_resident_id("44040219900101123"), user=w.citizen)
    return w


def fresh(user):
    """The user read again, as a new request reads it: nothing kept on the object."""
    return type(user).objects.get(pk=user.pk)


def submit_application(world, user, applicant):
    """A complete application by ``user`` for ``applicant`` (its two required files), submitted."""
    from casefiles.handling import applications, workflow
    from casefiles.materials import uploads

    case = applications.start(user, world.item, applicant)
    for requirement in world.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), user)
    workflow.perform(case, "submit", user)
    case.refresh_from_db()
    return case


def submit_bundle(world):
    """The enterprise's bundle (``bundle_world``), every shared material supplied once, submitted."""
    from casefiles.bundles import applications as bundles
    from cms.bundles import material_key

    parent = bundles.start(world.applicant, world.enterprise, bundle=world.bundle)
    for name in ("营业执照", "食品经营许可申请书", "施工许可申请表"):
        bundles.add_shared(parent, material_key(name), pdf_upload(), world.applicant)
    bundles.submit(parent, world.applicant)
    parent.refresh_from_db()
    return parent


@pytest.fixture
def submitted_case(world):
    """A complete application by the enterprise, submitted."""
    return submit_application(world, world.applicant, world.enterprise)


@pytest.fixture
def bundle_world(world, django_user_model):
    """``world`` plus a second item of another department and a bundle of the two.

    Both items ask for 营业执照 (shared); only the food licence asks for its 申请书, only the
    construction permit for its 施工许可申请表.
    """
    from cms.models import BundleItem, BundlePage, MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    w = world
    other_page = ensure_department_page(w.other_department)
    w.item2 = other_page.add_child(instance=ServiceItemPage(
        title="建筑工程施工许可证核发", slug="construction", item_code="1144040000719521390108000101000",
        statutory_days=15, promised_days=5, online_depth=4,
    ))
    w.item2.material_requirements.add(MaterialRequirement(name="营业执照", required=True))
    w.item2.material_requirements.add(MaterialRequirement(name="施工许可申请表", required=True))
    w.item2.save_revision().publish()
    w.item2 = ServiceItemPage.objects.get(pk=w.item2.pk)
    w.requirements2 = list(MaterialRequirement.objects.filter(page=w.item2).order_by("sort_order", "pk"))
    page = ensure_department_page(w.department)
    w.bundle = page.add_child(instance=BundlePage(
        title="我要开餐馆", slug="restaurant", bundle_code="ZH-YJS-TEST", department=w.department,
        bundle_items=[BundleItem(item=w.item, sort_order=0), BundleItem(item=w.item2, sort_order=1)],
    ))
    w.bundle.save_revision().publish()
    w.bundle = BundlePage.objects.get(pk=w.bundle.pk)
    for name, role in (("other-reviewer", "reviewer"), ("other-decider", "decider")):
        u = django_user_model.objects.create_user(name, password="pw-for-tests-only")
        u.groups.add(w.other_department.group(role))
        setattr(w, name.replace("-", "_"), u)
    return w


# --- The search index: what the kinds' tests share (tests/casefiles/*/test_indexing.py) ---------

TEXT_PDF_TEXT = "本店承诺落实食品安全主体责任，配备专职食品安全管理员王小明。"


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text pypdf extracts (an embedded CJK font, drawn by WeasyPrint)."""
    from cms.pdf import render_pdf

    return render_pdf(f"<html><body><p>{text}</p></body></html>")


def keys(text, user, kind=None):
    from search import service

    return [hit.key for hit in service.search(text, user=user, kinds=(kind,) if kind else ()).hits]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the index updates that wait for a commit, as the commit of a request's transaction would.

    The fixtures' own setup never commits: its index callbacks run first, so that later work
    does not wait on one of them (a real commit would have run them)."""
    import contextlib

    from django.db import connection, transaction

    from search.indexing import _AfterCommit

    @contextlib.contextmanager
    def context():
        for _savepoints, callback, _robust in list(connection.run_on_commit):
            if isinstance(callback, _AfterCommit) and not callback.spent:
                callback()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            yield

    return context


@pytest.fixture
def filed(world, committed):
    """The enterprise's application, submitted, with a material whose text says who the food-safety officer is."""
    from casefiles.handling import applications, workflow
    from casefiles.materials import uploads

    with committed():
        case = applications.start(world.applicant, world.item, world.enterprise)
        uploads.add(case, world.requirements[0], pdf_upload("申请书.pdf"), world.applicant)
        uploads.add(case, world.requirements[1], pdf_upload("制度.pdf", text_pdf(TEXT_PDF_TEXT)), world.applicant)
        workflow.perform(case, "submit", world.applicant)
    case.refresh_from_db()
    return case


@pytest.fixture
def license_type(world):
    from casefiles.licenses.models import LicenseType

    world.department.uscc = "11440400MB2C92390J"
    world.department.save()
    return LicenseType.objects.create(code="11100000MB0143028X041", name="食品经营许可证",
                                      issuing_department=world.department, validity_years=5)


@pytest.fixture
def held_license(world):
    """营业执照 accepted in place of the item's second material (免提交), and one issued to the enterprise."""
    from casefiles.licenses import lifecycle
    from casefiles.licenses.models import LicenseType

    world.department.uscc = "11440400MB2C92390J"
    world.department.save()
    world.business_license_type = LicenseType.objects.create(
        code="11100000000013338W011", name="营业执照", issuing_department=world.department, validity_years=None)
    requirement = world.requirements[1]  # 营业执照
    requirement.license_types.add(world.business_license_type)
    requirement.save()  # a parental many-to-many is written when its owner is saved
    return lifecycle.issue(world.business_license_type, issuer=world.department, holder=world.enterprise)
