"""A guide states the real-name level its applications need (实名认证等级): editors set it in
Wagtail or the catalog carries it; the guide page says it, a bundle's the highest of its items'."""

import pytest
from django.utils import translation

from cms import catalog
from cms.models import BundlePage, ServiceItemPage
from tests.cms.test_catalog import FOOD, SETUP, sample


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_guide_needs_registration_unless_it_says_more(db):
    catalog.import_catalog(sample())
    assert ServiceItemPage.objects.get(item_code=SETUP).real_name_level == "registered"
    assert ServiceItemPage._meta.get_field("real_name_level").default == "registered"


@pytest.mark.parametrize("written, level", [("线下核验", "in_person"), ("统一身份认证", "identity_provider"),
                                            ("in_person", "in_person"), ("实名注册", "registered")])
def test_the_catalog_carries_the_level_in_its_own_words(db, written, level):
    data = sample()
    data["items"][1]["real_name_level"] = written
    assert catalog.import_catalog(data).ok
    assert ServiceItemPage.objects.get(item_code=FOOD).real_name_level == level


def test_an_unknown_level_is_refused_with_the_choices(db):
    data = sample()
    data["items"][1]["real_name_level"] = "刷脸"
    with translation.override("en"):
        result = catalog.import_catalog(data)
    failure = next(f for f in result.failed if f.code == FOOD)
    assert failure.field == "real_name_level" and "in_person" in failure.message


def test_the_guide_page_says_what_applying_needs_and_the_bundle_the_highest(db, client):
    data = sample()
    data["items"][1]["real_name_level"] = "线下核验"
    catalog.import_catalog(data)
    setup, food = (ServiceItemPage.objects.get(item_code=code) for code in (SETUP, FOOD))
    assert "办理此事项需要：实名注册" in text(client.get(setup.url))
    page = text(client.get(food.url))
    assert "办理此事项需要：线下核验" in page and "请携带本人居民身份证" in page
    bundle = BundlePage.objects.get(bundle_code="YJS-KCG")  # 企业设立登记 + 食品经营许可
    assert "办理这些事项需要：线下核验" in text(client.get(bundle.url))


def test_editors_set_it_on_the_guides_handling_tab(db, admin_client):
    catalog.import_catalog(sample())
    guide = ServiceItemPage.objects.get(item_code=SETUP)
    form = admin_client.get(f"/admin/pages/{guide.pk}/edit/")
    assert form.status_code == 200 and 'name="real_name_level"' in form.content.decode()
