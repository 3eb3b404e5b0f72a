import base64
import io
import shutil
import threading
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from PIL import Image
from pypdf import PdfReader
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from casefiles.directory.models import Department
from casefiles.licenses.models import LicenseType
from cms import pdf
from cms.models import BundleItem, BundlePage, MaterialRequirement, ServiceItemPage
from cms.sitetree import ensure_department_page

FOOD_CODE = "11440400MB2C93317K4442111001"


def make_guide(department, *, title, slug, item_code, materials, publish=True, promised_days=5):
    parent = ensure_department_page(department)
    page = ServiceItemPage(
        title=title,
        slug=slug,
        item_code=item_code,
        department=department,
        summary="在珠海市行政区域内从事食品销售和餐饮服务活动的，应当依法取得食品经营许可。",
        statutory_days=20,
        promised_days=promised_days,
        promised_days_note="材料齐全的即来即办",
        place="珠海市政务服务中心一楼综合窗口",
        hours="周一至周五 9:00—17:30",
        consultation_phone="0756-12345",
        process=[("step", {"name": "受理", "actor": "综合窗口", "description": "当场受理", "days": 1})],
        faq=[("qa", {"question": "可以全市通办吗？", "answer": RichText("<p>可以，任一区政务服务中心均可办理。</p>")})],
        live=publish,
    )
    parent.add_child(instance=page)
    for order, (name, license_type) in enumerate(materials):
        requirement = MaterialRequirement.objects.create(page=page, sort_order=order, name=name, deferrable=order == 0)
        if license_type is not None:
            requirement.license_types.add(license_type)
            requirement.save()
    revision = page.save_revision()
    if publish:
        revision.publish()
    return ServiceItemPage.objects.get(pk=page.pk)


@pytest.fixture(autouse=True)
def empty_pdf_cache():
    yield
    shutil.rmtree(Path(default_storage.path(pdf.CACHE_DIR)), ignore_errors=True)


@pytest.fixture
def business_license(db):
    return LicenseType.objects.create(code="YYZZ", name="营业执照")


@pytest.fixture
def guide(department, business_license):
    return make_guide(
        department,
        title="食品经营许可（新办）",
        slug="food-license",
        item_code=FOOD_CODE,
        materials=[("食品经营许可申请书", None), ("营业执照", business_license), ("经营场所使用证明", None)],
    )


def pdf_url(page):
    return page.url + "pdf/"


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def squeezed(text: str) -> str:
    return "".join(text.split())


def embedded_fonts(content: bytes) -> dict[str, bool]:
    """Every font the pages use: its name, and whether its program is embedded."""
    fonts = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                fonts[str(descendant["/BaseFont"])] = any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
    return fonts


def cached_files(page) -> list[str]:
    try:
        return default_storage.listdir(f"{pdf.CACHE_DIR}/{page.pk}")[1]
    except FileNotFoundError:
        return []


def test_guide_pdf_holds_the_guide_in_an_embedded_chinese_font(client, guide):
    response = client.get(pdf_url(guide))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"inline; filename=\"{FOOD_CODE}.pdf\"; filename*=UTF-8''{quote(FOOD_CODE + ' 食品经营许可（新办）.pdf')}"
    )
    text = text_of(response.content)
    for expected in ("食品经营许可（新办）", FOOD_CODE, "食品经营许可申请书", "经营场所使用证明", "营业执照",
                     "珠海市市场监督管理局", "珠海市政务服务中心一楼综合窗口", "0756-12345", "可以全市通办吗？"):
        assert expected in text
    with translation.override("zh-hans"):
        assert squeezed(date_format(timezone.localtime(), "DATE_FORMAT")) in squeezed(text)  # when it was made
    fonts = embedded_fonts(response.content)
    chinese = [name for name in fonts if "WenQuanYi" in name]
    assert chinese, fonts
    assert all(fonts[name] for name in chinese)


def test_every_page_carries_the_item_code_department_and_page_count(client, department, business_license):
    many = [(f"材料{n:02d}：与经营项目相适应的设备设施布局和操作流程说明", None) for n in range(40)]
    guide = make_guide(department, title="食品经营许可（新办）", slug="long", item_code=FOOD_CODE, materials=many)

    pages = PdfReader(io.BytesIO(client.get(pdf_url(guide)).content)).pages

    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert FOOD_CODE in text and "珠海市市场监督管理局" in text
        with translation.override("zh-hans"):
            counter = gettext("Page {page} of {pages}").format(page=number, pages=len(pages))
        assert squeezed(counter) in squeezed(text)


def test_the_qr_code_leads_to_the_online_guide(client, guide):
    content = client.get(pdf_url(guide)).content

    images = PdfReader(io.BytesIO(content)).pages[0].images
    assert len(images) == 1
    printed = images[0].image.convert("L")
    expected_uri = pdf.qr_data_uri(guide.get_full_url())
    expected = Image.open(io.BytesIO(base64.b64decode(expected_uri.split(",", 1)[1]))).convert("L")
    assert printed.size == expected.size
    assert printed.tobytes() == expected.tobytes()


def test_the_pdf_is_rendered_once_per_revision(client, guide):
    with mock.patch("cms.pdf.render_pdf", wraps=pdf.render_pdf) as render:
        first = client.get(pdf_url(guide))
        second = client.get(pdf_url(guide))

    assert render.call_count == 1
    assert second.content == first.content
    name = pdf.cache_entry(guide).name
    assert default_storage.exists(name)
    assert cached_files(guide) == [name.rsplit("/", 1)[1]]


def test_a_new_revision_gives_a_new_pdf_and_drops_the_old_one(client, guide):
    old = client.get(pdf_url(guide))
    old_name = pdf.cache_entry(guide).name

    guide.title = "食品经营许可（变更）"
    guide.save_revision().publish()
    guide = ServiceItemPage.objects.get(pk=guide.pk)
    new = client.get(pdf_url(guide))

    assert "食品经营许可（变更）" in text_of(new.content)
    assert "食品经营许可（新办）" not in text_of(new.content)
    assert new["ETag"] != old["ETag"]
    assert not default_storage.exists(old_name)
    assert cached_files(guide) == [pdf.cache_entry(guide).name.rsplit("/", 1)[1]]


def test_each_language_keeps_its_own_pdf(client, guide):
    chinese = client.get(pdf_url(guide))
    english = client.get(pdf_url(guide), HTTP_ACCEPT_LANGUAGE="en")

    assert chinese["ETag"] != english["ETag"]
    assert len(cached_files(guide)) == 2


def test_if_none_match_gives_304_without_rendering(client, guide):
    etag = client.get(pdf_url(guide))["ETag"]

    with mock.patch("cms.pdf.render_pdf") as render:
        response = client.get(pdf_url(guide), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    render.assert_not_called()


def test_the_pdf_may_be_cached_publicly_for_a_few_minutes(client, guide):
    response = client.get(pdf_url(guide))

    assert "public" in response["Cache-Control"]
    assert f"max-age={pdf.MAX_AGE}" in response["Cache-Control"]
    assert response["ETag"].startswith('W/"')


def test_a_draft_has_no_pdf(client, department):
    draft = make_guide(department, title="城镇污水排入排水管网许可", slug="draft", item_code="DRAFT-1",
                       materials=[("排水许可申请表", None)], publish=False)

    assert client.get(f"/departments/{department.code.lower()}/draft/pdf/").status_code == 404
    assert cached_files(draft) == []


def test_an_unpublished_guide_has_no_pdf(client, guide):
    url = pdf_url(guide)
    assert client.get(url).status_code == 200

    guide.unpublish()

    assert client.get(url).status_code == 404


def test_a_private_guide_has_no_pdf_even_for_those_who_may_see_it(client, guide, make_user):
    PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.LOGIN)

    assert client.get(pdf_url(guide)).status_code != 200  # Wagtail asks an anonymous visitor to log in
    client.force_login(make_user())
    assert client.get(pdf_url(guide)).status_code == 404
    assert cached_files(guide) == []


def test_a_bundle_pdf_lists_its_items_and_asks_each_shared_material_once(client, department, business_license):
    health = Department.objects.create(code="WSJKJ", name="珠海市卫生健康局", region_code="440400")
    food = make_guide(department, title="食品经营许可（新办）", slug="food", item_code=FOOD_CODE,
                      materials=[("营业执照", business_license), ("经营场所使用证明", None)], promised_days=5)
    hygiene = make_guide(health, title="公共场所卫生许可", slug="hygiene", item_code="11440400007528301B4442117004",
                         materials=[("营业执照", business_license), ("卫生管理制度", None)], promised_days=8)
    parent = ensure_department_page(department)
    bundle = BundlePage(title="我要开餐馆", slug="open-restaurant", bundle_code="YJS-440400-0001",
                        department=department)
    parent.add_child(instance=bundle)
    BundleItem.objects.create(bundle=bundle, item=food, sort_order=0)
    BundleItem.objects.create(bundle=bundle, item=hygiene, sort_order=1)
    bundle.save_revision().publish()
    bundle = BundlePage.objects.get(pk=bundle.pk)

    response = client.get(pdf_url(bundle))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "我要开餐馆" in text and "YJS-440400-0001" in text
    assert text.index("食品经营许可（新办）") < text.index("公共场所卫生许可")
    assert "珠海市卫生健康局" in text
    assert text.count("经营场所使用证明") == 1 and text.count("卫生管理制度") == 1
    # 营业执照 is asked once, and also named as the license that replaces it (免提交).
    assert text.count("营业执照") == 2
    with translation.override("zh-hans"):
        promise = gettext("%(days)s working days") % {"days": 8}  # the longest of its items' promises
        one_after_another = gettext("%(days)s working days") % {"days": 13}
    assert squeezed(promise) in squeezed(text) and squeezed(one_after_another) in squeezed(text)

    old_name = pdf.cache_entry(bundle).name
    hygiene.title = "公共场所卫生许可（延续）"
    hygiene.save_revision().publish()
    bundle = BundlePage.objects.get(pk=bundle.pk)
    assert pdf.cache_entry(bundle).name != old_name
    assert "公共场所卫生许可（延续）" in text_of(client.get(pdf_url(bundle)).content)


def test_the_renderer_fetches_nothing_but_data_and_the_font():
    fetcher = pdf.LocalFetcher()

    for url in ("http://127.0.0.1:9/secret.png", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,5Lit5paH").read() == "中文".encode()


def test_a_reader_never_sees_half_a_cached_file():
    name = f"{pdf.CACHE_DIR}/0/r1-zh-hans-test.pdf"
    versions = [b"%PDF-A" + b"a" * 2_000_000, b"%PDF-B" + b"b" * 2_000_000]
    pdf._store(name, versions[0])
    seen = []

    def write():
        for n in range(20):
            pdf._store(name, versions[n % 2])

    writer = threading.Thread(target=write)
    writer.start()
    while writer.is_alive():
        seen.append(pdf._read(name))
    writer.join()

    assert seen and all(data in versions for data in seen)
    assert [f for f in default_storage.listdir(f"{pdf.CACHE_DIR}/0")[1] if f.startswith(".tmp-")] == []
