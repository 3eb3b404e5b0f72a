"""The workbench and bundles: each department works its own part and sees the bundle's parts."""

import re

import pytest
from django.test import override_settings

from casefiles.handling import workflow
from tests.casefiles.conftest import submit_bundle


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def parent(bundle_world):
    return submit_bundle(bundle_world)


def test_each_department_finds_its_part_in_its_inbox_with_a_link_to_the_bundle(bundle_world, parent, client):
    w = bundle_world
    food, construction = parent.children.order_by("pk")
    client.force_login(w.other_clerk)
    inbox = text(client.get("/admin/cases/?tab=all"))
    assert construction.number in inbox and food.number not in inbox and "part of a bundle" in inbox
    page = text(client.get(f"/admin/cases/{construction.number}/"))
    assert f"/admin/cases/bundles/{parent.number}/" in page and "Part of the bundle “我要开餐馆”" in page


def test_the_combined_view_shows_every_part_and_opinions_only_when_shared(bundle_world, parent, client):
    w = bundle_world
    food, construction = parent.children.order_by("pk")
    workflow.perform(food, "accept", w.clerk, comment="材料齐全，予以受理")
    url = f"/admin/cases/bundles/{parent.number}/"
    client.force_login(w.other_clerk)
    with override_settings(YIWANG_BUNDLE_OPINIONS_SHARED=False):
        shown = text(client.get(url))
        assert "食品经营许可" in shown and "Accepted" in shown
        assert "材料齐全" not in shown
        assert f"/admin/cases/{construction.number}/" in shown and f"/admin/cases/{food.number}/" not in shown
    with override_settings(YIWANG_BUNDLE_OPINIONS_SHARED=True):
        assert "材料齐全，予以受理" in text(client.get(url))
    # The lead department opening the parent lands on the combined view.
    client.force_login(w.clerk)
    assert client.get(f"/admin/cases/{parent.number}/").headers["Location"] == url
    client.force_login(w.stranger)
    assert client.get(url).status_code in (302, 404)  # not staff: the admin's login, or 404


def test_someone_handling_no_part_gets_404(bundle_world, parent, client, django_user_model):
    from casefiles.directory.models import Department

    third = Department.objects.create(code="GAJ", name="珠海市公安局", region_code="440400")
    clerk = django_user_model.objects.create_user("third-clerk", password="x")
    clerk.groups.add(third.group("clerk"))
    client.force_login(clerk)
    assert client.get(f"/admin/cases/bundles/{parent.number}/").status_code == 404
    assert client.get("/admin/cases/bundles/00000000000000000000/").status_code == 404
