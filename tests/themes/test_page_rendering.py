"""Every public page type, in both themes, shows what a visitor came for.

UI words are checked in English (the source language, stable whatever the translators
choose); the content itself is Chinese, as published.
"""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from tests.themes.site_content import build_site

THEMES = ["default", "elder"]


@pytest.fixture(scope="module")
def built_site(django_db_setup, django_db_blocker):
    """The site is built once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_site()
        transaction.set_rollback(True)


@pytest.fixture
def site(built_site, db):
    cache.clear()  # the page cache must not serve a page rendered for an earlier test
    return built_site


@pytest.fixture(params=THEMES)
def visitor(request, client):
    """A visitor who chose a theme with the toggle and reads the site in English."""
    client.cookies["yiwang_theme"] = request.param
    client.cookies["django_language"] = "en"
    client.theme = request.param
    return client


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'data-theme="{client.theme}"' in html
    return html


def text_of(html):
    """The visible text, tags dropped and whitespace collapsed, for phrase assertions."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def row_of(html, name):
    """The table row that holds ``name``."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if name in row]
    assert len(rows) == 1, f"{name} is in {len(rows)} rows"
    return text_of(rows[0])


def section_of(html, section_id):
    match = re.search(rf'<section id="{section_id}".*?</section>', html, flags=re.S)
    assert match, section_id
    return text_of(match.group(0))


def test_every_page_type_renders_in_both_themes(site, visitor):
    pages = [
        site.home,
        *site.sections.values(),
        site.department_pages["SCJGJ"],
        site.food_licence,
        site.bundle,
        site.policy_in_force,
        site.enterprise_topic,
    ]
    for page in pages:
        html = read(visitor, page.url)
        assert f"{page.title}" in text_of(html)
        assert 'class="site-nav"' in html and "<footer" in html and 'href="#main"' in html
        # Inner pages show the way back up; the home page needs none.
        assert ('class="breadcrumbs"' in html) == (page.pk != site.home.pk), page.url


def test_the_page_type_template_comes_from_the_chosen_theme(site, client):
    client.cookies["yiwang_theme"] = "elder"
    response = client.get(site.home.url)
    used = {t.origin.name for t in response.templates if t.name == "cms/home_page.html"}
    assert any("themes/elder/templates" in name for name in used)
    # The elder theme overrides only what it changes: its guides come from the default theme.
    response = client.get(site.food_licence.url)
    used = {t.origin.name for t in response.templates if t.name == "cms/service_item_page.html"}
    assert used and all("themes/default/templates" in name for name in used)


def test_the_guide_shows_every_element(site, visitor):
    guide = site.food_licence
    html = read(visitor, guide.url)
    text = text_of(html)
    for expected in [
        "11440400MB2C90355D4442011007000",  # item code
        "Administrative licensing (行政许可)",
        "珠海市市场监督管理局",
        "Statutory, exercised at this level (法定本级行使)",
        "《中华人民共和国食品安全法》 第三十五条",
        "有专职或者兼职的食品安全管理人员",
        "20 working days", "自受理之日起计算",  # statutory limit and its note
        "5 working days", "不含现场核查整改时间",  # promised limit and its note
        "Free of charge",
        "珠海市政务服务中心一楼综合窗口",
        "0756-2121315", "0756-12345",
        "Fully online (四星 全程网办)",
        "No visit needed (零跑动)",
        "Anywhere in the city (全市通办)",
        "食品经营许可证",
        "网上申请后还需要到现场吗？",
    ]:
        assert expected in text, expected
    assert "Yes: minor missing materials may be supplied after acceptance" in section_of(html, "handling")
    assert "Yes: a signed commitment replaces some proofs" in section_of(html, "handling")

    # The material table: every material, its form and copies, 容缺 only where allowed,
    # the license that replaces it, the blank form and the sample.
    application = row_of(html, "食品经营许可申请书")
    assert "Original (原件)" in application and "1 copy" in application and "Required" in application
    assert "容缺" not in application
    assert "Blank form" in application and "Filled-in sample" in application
    assert "容缺" in row_of(html, "食品安全管理制度文本")
    layout = row_of(html, "经营场所平面布局图")
    assert "Optional" in layout and "容缺" in layout
    licence = row_of(html, "营业执照（副本）")
    assert "Electronic 营业执照" in licence and "已领取电子营业执照的，无需提交。" in licence
    blank_form = guide.material_requirements.get(name="食品经营许可申请书").blank_form
    assert f'href="{blank_form.url}"' in html

    assert f'href="{guide.url}pdf/"' in html
    assert f'href="{site.bundle.url}"' in html  # the bundle it belongs to


def test_a_guide_without_online_application_says_where_to_apply(site, visitor):
    guide = site.employment
    assert guide.apply_url is None
    html = read(visitor, guide.url)
    apply_box = text_of(re.search(r'<section class="apply-box".*?</section>', html, flags=re.S).group(0))
    assert "Apply online" not in apply_box
    assert "各区人力资源和社会保障局服务窗口" in apply_box and "0756-12333" in apply_box
    assert "Same day (即办)" in text_of(html)  # promised 0 days
    assert "At most 1 visit" in text_of(html)


def test_the_apply_button_appears_once_the_case_files_offer_applying(site, visitor, monkeypatch):
    from cms.models import ServiceItemPage

    monkeypatch.setattr(ServiceItemPage, "apply_url", property(lambda page: f"/apply/{page.item_code}/"))
    html = read(visitor, site.food_licence.url)
    assert f'href="/apply/{site.food_licence.item_code}/"' in html
    assert "Apply online" in text_of(html)


def test_a_guide_with_fees_lists_them(site, visitor):
    fees = section_of(read(visitor, site.hygiene_licence.url), "fees")
    assert "卫生检测费" in fees and "按检测项目收费" in fees and "粤价〔2003〕160号" in fees
    assert "May be reduced or waived" in fees


def test_the_bundle_asks_a_shared_material_once(site, visitor):
    html = read(visitor, site.bundle.url)
    materials = re.search(r'<section id="materials".*?</section>', html, flags=re.S).group(0)
    # 营业执照（副本） and 营业执照(副本) are the same material: one row, marked shared,
    # needed for both items, replaced by the electronic business licence.
    shared = row_of(materials, "营业执照")
    assert "Shared" in shared
    assert "食品经营许可（新办）" in shared and "公共场所卫生许可" in shared
    assert "Electronic 营业执照" in shared
    assert "2 copies" in shared  # the larger number of copies either item asks for
    assert len(re.findall(r"<tr>", materials)) - 1 == 6  # 4 + 3 requirements, one shared
    assert "Shared" not in row_of(materials, "从业人员健康合格证明")

    text = text_of(html)
    assert "Promised time limit, applying once 7 working days" in text  # in parallel: the longest
    assert "Applying for each item one after another 12 working days" in text  # 5 + 7
    assert "Longest statutory time limit 20 working days" in text
    items = section_of(html, "items")
    assert items.index("食品经营许可（新办）") < items.index("公共场所卫生许可")
    assert f'href="{site.food_licence.url}"' in html and f'href="{site.hygiene_licence.url}"' in html
    assert f'href="{site.bundle.url}pdf/"' in html


def test_the_policy_page_shows_its_document_and_status(site, visitor):
    policy = site.policy_in_force
    text = text_of(read(visitor, policy.url))
    for expected in [
        "珠市监〔2025〕12号", "珠海市市场监督管理局", policy.publish_date.isoformat(),
        policy.effective_date.isoformat(), policy.expiry_date.isoformat(),
        "In force", "No application needed (免申即享)", "Funding and subsidies (资金补贴)",
        "住宿和餐饮业", "批发和零售业", "小型企业", "微型企业", "珠海市",
        "给予一次性开办补贴3000元", "补贴将直接拨付至登记的银行账户", "补贴对象名单（第一批）", "个体工商户设立登记",
    ]:
        assert expected in text, expected
    expired = text_of(read(visitor, site.policy_expired.url))
    assert "Expired" in expired and "In force" not in expired


def policy_titles(html):
    cards = re.findall(r'<li class="card policy-card">.*?</li>\s*(?=<li class="card policy-card">|</ul>)', html, flags=re.S)
    return {re.search(r'<h2 class="card-title"><a [^>]*>(.*?)</a>', card).group(1) for card in cards}


def test_the_policy_index_filters(site, visitor):
    index = site.sections["PolicyIndexPage"].url
    both = {site.policy_in_force.title, site.policy_expired.title}
    assert policy_titles(read(visitor, index)) == both
    for query, expected in [
        ("in_force=1", {site.policy_in_force.title}),
        ("industry=H", {site.policy_in_force.title}),
        ("industry=C", {site.policy_expired.title}),
        ("department=RSJ", {site.policy_expired.title}),
        ("category=subsidy", {site.policy_in_force.title}),
        ("scale=micro", {site.policy_in_force.title}),
        ("scale=micro&in_force=1&department=RSJ", set()),
        ("industry=Z", set()),
    ]:
        html = read(visitor, f"{index}?{query}")
        assert policy_titles(html) == expected, query
    html = read(visitor, f"{index}?industry=H&in_force=1")
    assert '<option value="H" selected>' in html
    assert re.search(r'id="filter-in-force"[^>]*checked', html)
    for control in ["filter-industry", "filter-department", "filter-category", "filter-scale", "filter-in-force"]:
        assert f'<label for="{control}">' in html


def test_the_policy_index_lists_the_policies_in_force_before_the_expired(site, visitor):
    from cms.models import PolicyPage

    # The expired policy published last: it still comes after the one in force, marked.
    PolicyPage.objects.filter(pk=site.policy_expired.pk).update(publish_date=timezone.localdate())
    html = read(visitor, site.sections["PolicyIndexPage"].url)
    titles = [unescape(t) for t in re.findall(r'<h2 class="card-title"><a [^>]*>(.*?)</a>', html)]
    assert titles.index(site.policy_in_force.title) < titles.index(site.policy_expired.title)
    assert "Expired" in html[html.index(site.policy_expired.title):]


def test_the_policy_index_pages_keep_the_filters(site, visitor):
    from cms.models import PolicyPage

    today = timezone.localdate()
    department_page = site.department_pages["SCJGJ"]
    for number in range(1, 22):
        department_page.add_child(instance=PolicyPage(
            title=f"珠海市市场监管局惠企措施第{number}号", slug=f"measure-{number}", department=site.departments["SCJGJ"],
            issuer="珠海市市场监督管理局", publish_date=today - timedelta(days=number), effective_date=today - timedelta(days=number),
            category=PolicyPage.Category.SUBSIDY,
        ))
    index = site.sections["PolicyIndexPage"].url
    first = read(visitor, f"{index}?category=subsidy")
    assert len(policy_titles(first)) == 20
    assert 'href="?category=subsidy&amp;page=2"' in first
    second = read(visitor, f"{index}?category=subsidy&page=2")
    assert len(policy_titles(second)) == 2  # 22 subsidies in all
    assert not policy_titles(first) & policy_titles(second)


def test_the_guide_index_files_guides_by_pinyin_initial_and_filters_them(site, visitor):
    index = site.sections["GuideIndexPage"].url
    html = read(visitor, index)
    groups = dict(re.findall(r'<h2 id="letter-([A-Z]|other)" class="letter-title">.*?</h2>\s*<ul class="link-list">(.*?)</ul>', html, flags=re.S))
    assert set(groups) == {"G", "J", "S"}
    assert "个体工商户设立登记" in groups["G"] and "公共场所卫生许可" in groups["G"]
    assert groups["G"].index("个体工商户设立登记") < groups["G"].index("公共场所卫生许可")  # ge < gong
    assert "就业登记" in groups["J"] and "食品经营许可（新办）" in groups["S"]
    assert 'href="#letter-G"' in html and 'href="#letter-A"' not in html

    for_people = text_of(read(visitor, f"{index}?for=person"))
    assert "就业登记" in for_people and "个体工商户设立登记" in for_people  # for enterprises and individuals
    assert "食品经营许可（新办）" not in for_people
    health = text_of(read(visitor, f"{index}?department=WJJ"))
    assert "公共场所卫生许可" in health and "就业登记" not in health
    assert 'value="WJJ" selected' in read(visitor, f"{index}?department=WJJ")


def test_topics_list_their_guides_and_bundles(site, visitor):
    topic = read(visitor, site.enterprise_topic.url)
    assert f'href="{site.sole_trader.url}"' in topic and f'href="{site.bundle.url}"' in topic
    assert "One-thing bundle" in text_of(topic)
    index = read(visitor, site.sections["TopicIndexPage"].url)
    assert f'href="{site.enterprise_topic.url}"' in index and f'href="{site.person_topic.url}"' in index
    home = read(visitor, site.home.url)
    assert f'href="{site.person_topic.url}"' in home


def test_the_department_page_lists_its_guides_bundles_and_policies(site, visitor):
    html = read(visitor, site.department_pages["SCJGJ"].url)
    for page in [site.food_licence, site.sole_trader, site.bundle, site.policy_in_force]:
        assert f'href="{page.url}"' in html
    assert site.hygiene_licence.url not in html
    assert "0756-2121315" in html
    departments = read(visitor, site.sections["DepartmentIndexPage"].url)
    for page in site.department_pages.values():
        assert f'href="{page.url}"' in departments


def test_the_home_page_leads_to_every_section(site, visitor):
    html = read(visitor, site.home.url)
    for section in site.sections.values():
        assert f'href="{section.url}"' in html
    if visitor.theme == "default":
        assert f'href="{site.bundle.url}"' in html and f'href="{site.food_licence.url}"' in html


def test_the_main_navigation_marks_the_section_of_the_page(site, visitor):
    html = read(visitor, site.food_licence.url)
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, flags=re.S).group(0)
    guides = site.sections["GuideIndexPage"].url
    assert re.search(rf'<a href="{guides}" aria-current="true">', nav)
    assert nav.count("aria-current") == 1
    html = read(visitor, guides)
    assert f'<a href="{guides}" aria-current="page">' in html
    crumbs = text_of(re.search(r'<nav class="breadcrumbs".*?</nav>', read(visitor, site.food_licence.url), flags=re.S).group(0))
    assert crumbs.split() == [site.home.title, "部门", "珠海市市场监督管理局", "食品经营许可（新办）"]


def test_the_sections_are_looked_up_once_per_request(site, rf, django_assert_num_queries):
    from themes.templatetags.yiwang_nav import sections

    request = rf.get("/")
    first = sections(request)
    assert [link.title for link in first] == ["部门", "办事指南", "一件事一次办", "主题服务", "惠企政策"]
    with django_assert_num_queries(0):
        assert sections(request) is first


def test_the_site_renders_in_chinese_by_default(site, client):
    html = client.get(site.food_licence.url).content.decode()
    assert '<html lang="zh-hans"' in html


def css_variables(path):
    from django.contrib.staticfiles import finders

    with open(finders.find(path), encoding="utf-8") as sheet:
        css = sheet.read()
    root = re.search(r":root\s*{(.*?)}", css, flags=re.S).group(1)
    return dict(re.findall(r"(--[\w-]+|font-size)\s*:\s*([^;]+);", root))


def contrast(foreground, background):
    def luminance(colour):
        colour = colour.strip().lstrip("#")
        if len(colour) == 3:
            colour = "".join(c * 2 for c in colour)
        channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_elder_theme_has_large_type_and_strong_contrast():
    default = css_variables("themes/default/site.css")
    elder = {**default, **css_variables("themes/elder/site.css")}
    assert int(elder["font-size"].removesuffix("px")) >= 18
    for text in ["--ink", "--muted", "--link"]:
        assert contrast(elder[text], "#ffffff") >= 7, text
        assert contrast(default[text], "#ffffff") >= 4.5, text
    assert contrast("#ffffff", elder["--brand"]) >= 7  # header text
    assert contrast("#ffffff", elder["--brand-dark"]) >= 7  # main navigation
