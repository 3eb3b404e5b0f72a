"""The section pages under the home page: one abstract base, five concrete pages, each still listing its pages."""

import pytest
from django.core.cache import cache

from cms.models import (
    BundleIndexPage,
    DepartmentIndexPage,
    GuideIndexPage,
    IndexPage,
    PolicyIndexPage,
    TopicIndexPage,
)
from tests.themes.site_content import build_site

INDEX_PAGES = [BundleIndexPage, DepartmentIndexPage, GuideIndexPage, PolicyIndexPage, TopicIndexPage]


def test_the_index_pages_share_one_abstract_base():
    assert IndexPage._meta.abstract
    for model in INDEX_PAGES:
        assert issubclass(model, IndexPage), model
        name = model.__name__.lower()
        assert model._meta.db_table == f"cms_{name}"  # tables unchanged
        assert model._meta.get_field("intro").model is model
        assert model.parent_page_types == ["cms.HomePage"] and model.max_count == 1
        assert model.template == f"cms/{name.removesuffix('indexpage')}_index_page.html"
    assert DepartmentIndexPage.allowed_subpage_models() == [DepartmentIndexPage._meta.apps.get_model("cms.DepartmentPage")]
    assert TopicIndexPage.allowed_subpage_models() == [TopicIndexPage._meta.apps.get_model("cms.TopicPage")]
    for model in [BundleIndexPage, GuideIndexPage, PolicyIndexPage]:
        assert model.allowed_subpage_models() == []  # they list pages kept below the departments


@pytest.mark.django_db
def test_every_index_page_shows_its_introduction_and_lists_its_pages(client):
    site = build_site()
    for page in site.sections.values():
        page.intro = f"<p>{page.title}的介绍</p>"
        page.save_revision().publish()
    cache.clear()
    client.cookies["django_language"] = "en"
    listed = {
        "BundleIndexPage": [site.bundle],
        "DepartmentIndexPage": list(site.department_pages.values()),
        "GuideIndexPage": [site.food_licence, site.hygiene_licence, site.employment, site.sole_trader],
        "PolicyIndexPage": [site.policy_in_force, site.policy_expired],
        "TopicIndexPage": [site.enterprise_topic, site.person_topic],
    }
    for name, pages in listed.items():
        index = site.sections[name].specific
        response = client.get(index.url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert f"{index.title}的介绍" in html, name
        for page in pages:
            assert f'href="{page.url}"' in html, (name, page.title)
        shown = {page.pk for page in response.context[type(index).listing_name]}
        assert shown == {page.pk for page in pages}, name
