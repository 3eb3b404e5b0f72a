"""The public search page, its autocomplete, and the staff search in the workbench."""

import re

import pytest
from django.contrib.auth.models import Group

from casefiles.directory import roles
from search.backends import _backend
from tests.search.conftest import add_guide


def results_of(page: str) -> str:
    """Only the list of hits, not the facets, header or footer around it."""
    start = page.find('<ol class="search-hits"')
    return re.sub(r"</?mark>", "", page[start : page.find("</ol>", start)]) if start >= 0 else ""


def unmarked(response) -> str:
    return re.sub(r"</?mark>", "", response.content.decode())


@pytest.fixture
def catalogue(market, health_department, committed):
    with committed():
        food = add_guide(market, "SCJGJ-001", "食品经营许可（新办）", summary="从事食品销售、餐饮服务的经营者申请。")
        drugs = add_guide(market, "SCJGJ-002", "药品零售企业许可", summary="开办药店。")
        hygiene = add_guide(health_department, "WJJ-001", "公共场所卫生许可", summary="理发店、美容店、宾馆。",
                            service_object="both")
        draft = add_guide(market, "SCJGJ-003", "食品生产许可（草稿）", publish=False)
    return {"food": food, "drugs": drugs, "hygiene": hygiene, "draft": draft}


def test_the_search_page_has_a_labelled_box_and_no_results_before_a_search(client, db):
    page = client.get("/search/").content.decode()
    assert '<label for="search-q"' in page and 'id="search-q"' in page and 'role="search"' in page
    assert "search-hits" not in page


def test_results_are_a_list_with_headings_and_marked_matches(client, catalogue):
    response = client.get("/search/", {"q": "食品"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<ol class="search-hits"' in page
    assert re.search(r'<h2 class="search-hit-title"><a href="[^"]+"><mark>食品</mark>经营许可（新办）</a></h2>', page)
    assert "<mark>食品</mark>销售" in page
    assert "草稿" not in page  # drafts stay in the workbench, even for their editors
    assert re.search(r'class="search-count" role="status">\s*1\D', page)


def test_everything_but_the_marks_is_escaped(client, market, committed):
    with committed():
        add_guide(market, "SCJGJ-009", "<script>alert(1)</script>食品经营", summary="<b>粗体</b> & 食品")
    page = client.get("/search/", {"q": "食品 <img src=x onerror=alert(1)>"}).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<b>粗体</b>" not in page and "&lt;b&gt;粗体&lt;/b&gt;" in page
    assert "<img src=x" not in page


def test_facets_count_and_filter_by_kind_department_and_service_object(client, catalogue):
    page = client.get("/search/", {"q": "许可"}).content.decode()
    assert "珠海市市场监督管理局" in page and "珠海市卫生健康局" in page
    assert "(2)" in page and "(1)" in page
    narrowed = client.get("/search/", {"q": "许可", "department": "WJJ"}).content.decode()
    assert "公共场所卫生许可" in results_of(narrowed) and "药品零售企业许可" not in results_of(narrowed)
    assert 'aria-current="true"' in narrowed
    for_people = results_of(client.get("/search/", {"q": "许可", "for": "person"}).content.decode())
    assert "公共场所卫生许可" in for_people and "药品零售企业许可" not in for_people
    guides_only = results_of(client.get("/search/", {"q": "许可", "kind": "policy"}).content.decode())
    assert guides_only == ""


def test_results_come_in_pages(client, market, committed):
    with committed():
        for number in range(1, 13):
            add_guide(market, f"SCJGJ-1{number:02d}", f"社会保险登记（第{number}项）")
    first = client.get("/search/", {"q": "社会保险"}).content.decode()
    assert first.count('class="search-hit"') == 10 and 'rel="next"' in first
    second = client.get("/search/", {"q": "社会保险", "page": 2}).content.decode()
    assert second.count('class="search-hit"') == 2 and 'rel="prev"' in second and 'start="11"' in second
    assert client.get("/search/", {"q": "社会保险", "page": "abc"}).status_code == 200


def test_autocomplete_suggests_published_titles_as_json(client, catalogue):
    response = client.get("/search/suggest/", {"q": "食品经"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60" or "max-age=60" in response["Cache-Control"]
    data = response.json()
    assert [entry["title"] for entry in data["suggestions"]] == ["食品经营许可（新办）"]
    assert data["suggestions"][0]["code"] == "SCJGJ-001"
    assert client.get("/search/suggest/", {"q": ""}).json()["suggestions"] == []
    assert client.get("/search/suggest/", {"q": "NEAR(*"}).status_code == 200


def test_search_keeps_answering_from_the_database_when_elasticsearch_is_down(client, catalogue, settings):
    _backend.cache_clear()
    settings.YIWANG_SEARCH = {**settings.YIWANG_SEARCH, "BACKEND": "elasticsearch",
                              "ELASTICSEARCH_URL": "http://127.0.0.1:9"}
    try:
        page = unmarked(client.get("/search/", {"q": "食品"}))
        suggestions = client.get("/search/suggest/", {"q": "食品经"}).json()["suggestions"]
    finally:
        _backend.cache_clear()
    assert "食品经营许可（新办）" in page
    assert 'class="search-notice"' in page
    assert suggestions and suggestions[0]["title"] == "食品经营许可（新办）"


def test_the_workbench_search_shows_staff_what_their_roles_allow(client, catalogue, market, health_department, make_user):
    editor = make_user("scjgj-editor", is_staff=True)
    roles.grant_role(editor, market, "editor")
    client.force_login(editor)
    page = unmarked(client.get("/admin/records-search/", {"q": "食品"}))
    assert "食品生产许可（草稿）" in page and "食品经营许可（新办）" in page
    other = make_user("wjj-editor", is_staff=True)
    roles.grant_role(other, health_department, "editor")
    client.force_login(other)
    page = unmarked(client.get("/admin/records-search/", {"q": "食品"}))
    assert "食品经营许可（新办）" in page and "食品生产许可（草稿）" not in page


def test_supervisors_and_superusers_see_every_draft_through_the_same_trimmed_path(client, catalogue, make_user):
    supervisor = make_user("supervisor", is_staff=True)
    supervisor.groups.add(roles.global_group(roles.SUPERVISOR))
    supervisor.groups.add(Group.objects.get(name="central_reviewer"))  # admin access comes with a role
    client.force_login(supervisor)
    assert "食品生产许可（草稿）" in unmarked(client.get("/admin/records-search/", {"q": "食品"}))
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert "食品生产许可（草稿）" in unmarked(client.get("/admin/records-search/", {"q": "食品"}))


def test_the_workbench_search_needs_a_login(client, db):
    response = client.get("/admin/records-search/", {"q": "食品"})
    assert response.status_code == 302 and "/login/" in response["Location"]
