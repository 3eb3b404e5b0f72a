"""The backend-agnostic suite: what every backend must do, run on the database backend (SQLite
or PostgreSQL, whichever DATABASE_URL gives) and on Elasticsearch when ELASTICSEARCH_URL is set."""

from datetime import datetime, timezone

import pytest


def keys(results):
    return [hit.key for hit in results.hits]


def test_chinese_words_inside_a_run_of_characters_are_found(any_backend, ask, make_document):
    any_backend.write([make_document(object_id=1, title="食品经营许可证核发", body="经营预包装食品、热食类食品制售。")])
    for text in ("食品", "经营许可", "许可证", "食品经营许可证核发"):
        assert keys(ask(any_backend, text)) == ["guide:1"], text


def test_title_and_code_weigh_more_than_body(any_backend, ask, make_document):
    any_backend.write([
        make_document(object_id=1, title="药品零售企业许可", body="办理材料：营业执照、食品安全管理制度。"),
        make_document(object_id=2, title="食品经营许可", body="申请食品经营许可的条件。"),
        make_document(object_id=3, title="出生医学证明", body="", code="SP-食品-1"),
    ])
    ranked = keys(ask(any_backend, "食品"))
    assert ranked.index("guide:2") < ranked.index("guide:1")
    assert ranked.index("guide:3") < ranked.index("guide:1")


def test_an_exact_number_comes_first(any_backend, ask, make_document):
    any_backend.write([
        make_document(kind="case", object_id=1, title="食品经营许可 — 珠海海湾餐饮管理有限公司",
                      code="ZH20260301SCJGJ0000123", body="申请人：珠海海湾餐饮管理有限公司", access=["group:7"]),
        make_document(kind="case", object_id=2, title="食品经营许可 — 珠海格创智能科技有限公司",
                      code="ZH20260301SCJGJ0000124", body="引用 ZH20260301SCJGJ0000123 的补正材料", access=["group:7"]),
    ])
    results = ask(any_backend, "ZH20260301SCJGJ0000123", principals={"group:7"})
    assert keys(results)[0] == "case:1"
    # as people type it: lower case, with spaces or dashes
    assert keys(ask(any_backend, "zh20260301scjgj0000123", principals={"group:7"}))[0] == "case:1"


def test_every_hit_is_trimmed_by_the_callers_principals(any_backend, ask, make_document):
    any_backend.write([
        make_document(object_id=1, title="食品经营许可", access=["public"]),
        make_document(kind="case", object_id=2, title="食品经营许可 — 甲公司", code="ZH2026A0001", access=["group:10", "group:99"]),
        make_document(kind="case", object_id=3, title="食品经营许可 — 乙公司", code="ZH2026B0002", access=["group:11", "group:99"]),
        make_document(kind="material", object_id=4, title="营业执照（乙公司）", body="乙公司 食品经营许可 材料",
                      code="ZH2026B0002-M01", access=["user:5"]),
    ])
    assert keys(ask(any_backend, "食品经营许可")) == ["guide:1"]
    assert set(keys(ask(any_backend, "食品经营许可", {"public", "group:10"}))) == {"guide:1", "case:2"}
    # another enterprise's case and material stay invisible, even by their exact numbers
    assert keys(ask(any_backend, "ZH2026B0002", {"public", "group:10"})) == []
    assert keys(ask(any_backend, "ZH2026B0002-M01", {"public", "group:10"})) == []
    assert not {"case:3", "material:4"} & set(keys(ask(any_backend, "乙公司 营业执照", {"public", "group:10"})))
    # the oversight principal sees both
    assert {"case:2", "case:3"} <= set(keys(ask(any_backend, "食品经营许可", {"group:99"})))
    # no principals, no hits
    assert keys(ask(any_backend, "食品经营许可", ())) == []


def test_filters_and_facet_counts(any_backend, ask, make_document):
    when = datetime(2025, 6, 1, tzinfo=timezone.utc)
    any_backend.write([
        make_document(object_id=1, title="食品经营许可", department="SCJGJ", date=when,
                      facets={"service_object": ["enterprise"]}),
        make_document(object_id=2, title="公共场所卫生许可", department="WJJ", date=when,
                      facets={"service_object": ["enterprise"]}),
        make_document(kind="policy", object_id=3, title="许可证办理便利化措施", department="SCJGJ",
                      date=datetime(2024, 3, 1, tzinfo=timezone.utc), facets={"service_object": ["enterprise"]}),
        make_document(object_id=4, title="出生医学证明首次签发（许可）", department="WJJ", date=when,
                      facets={"service_object": ["person"]}),
    ])
    results = ask(any_backend, "许可", filters={"department": ["SCJGJ"]},
                  facets=("kind", "department", "facet:service_object", "year"))
    assert set(keys(results)) == {"guide:1", "policy:3"}
    assert results.total == 2
    facets = {name: dict(values) for name, values in results.facets.items()}
    # a facet's own choice does not narrow its own counts, so the other departments stay offered
    assert facets["department"] == {"SCJGJ": 2, "WJJ": 2}
    assert facets["kind"] == {"guide": 1, "policy": 1}
    assert facets["facet:service_object"] == {"enterprise": 2}
    assert facets["year"] == {"2025": 1, "2024": 1}
    assert keys(ask(any_backend, "许可", filters={"facet:service_object": ["person"]})) == ["guide:4"]
    assert keys(ask(any_backend, "许可", scope={"kind": ["policy"]})) == ["policy:3"]
    assert keys(ask(any_backend, "", filters={"year": ["2024"]})) == ["policy:3"]


def test_pages_of_results_do_not_overlap(any_backend, ask, make_document):
    any_backend.write([make_document(object_id=n, title=f"社会保险登记（第{n}号）") for n in range(1, 26)])
    seen = []
    for offset in (0, 10, 20):
        results = ask(any_backend, "社会保险", offset=offset)
        assert results.total == 25
        seen.extend(keys(results))
    assert len(seen) == len(set(seen)) == 25


def test_everyday_words_find_the_catalogue_term(any_backend, ask, make_document):
    any_backend.write([
        make_document(object_id=1, title="公共场所卫生许可", body="宾馆、美容美发场所、游泳场所。"),
        make_document(object_id=2, title="城乡居民基本医疗保险参保登记", body="未参加职工医保的城乡居民。"),
        make_document(object_id=3, title="企业注销登记", body="公司解散、清算完毕后申请。"),
    ])
    assert keys(ask(any_backend, "开理发店要办什么证"))[0] == "guide:1"
    assert keys(ask(any_backend, "医疗保障"))[0] == "guide:2"
    assert keys(ask(any_backend, "我想关公司"))[0] == "guide:3"


def test_when_nothing_has_every_word_any_word_will_do(any_backend, ask, make_document):
    any_backend.write([make_document(object_id=1, title="建筑工程施工许可证核发", body="新建厂房开工前申请。")])
    results = ask(any_backend, "厂房 装修 施工")
    assert keys(results) == ["guide:1"]
    assert results.relaxed


def test_titles_and_codes_complete_as_they_are_typed(any_backend, ask, make_document):
    any_backend.write([
        make_document(object_id=1, title="食品经营许可（新办）", code="11440400MB2C9136XA0101000201000"),
        make_document(object_id=2, title="食品生产许可", code="11440400MB2C9136XA0101000202000"),
        make_document(kind="case", object_id=3, title="食品经营许可 — 甲公司", access=["group:1"]),
    ])
    assert [hit.key for hit in ask(any_backend, "食品经", prefix=True)] == ["guide:1"]
    assert {hit.key for hit in ask(any_backend, "食品", prefix=True)} == {"guide:1", "guide:2"}
    assert [hit.key for hit in ask(any_backend, "11440400MB2C9136XA010100020", prefix=True)][:2]


def test_writing_again_replaces_and_deleting_removes(any_backend, ask, make_document):
    any_backend.write([make_document(object_id=1, title="食品经营许可")])
    any_backend.write([make_document(object_id=1, title="药品经营许可", access=["group:3"])])
    assert keys(ask(any_backend, "食品")) == []
    assert keys(ask(any_backend, "药品")) == []  # the access list changed with it
    assert keys(ask(any_backend, "药品", {"group:3"})) == ["guide:1"]
    any_backend.delete(["guide:1"])
    assert keys(ask(any_backend, "药品", {"group:3"})) == []


def test_a_rebuild_replaces_the_index_and_drops_orphans(any_backend, ask, make_document):
    any_backend.write([make_document(object_id=1, title="食品经营许可"), make_document(object_id=2, title="旧的指南")])
    written = any_backend.rebuild(iter([make_document(object_id=1, title="食品经营许可"),
                                        make_document(object_id=3, title="新的指南")]))
    assert written == 2
    assert set(any_backend.checksums()) == {"guide:1", "guide:3"}
    assert keys(ask(any_backend, "指南")) == ["guide:3"]


def test_checksums_change_with_what_a_search_shows(any_backend, make_document):
    document = make_document(object_id=1, title="食品经营许可")
    any_backend.write([document])
    assert any_backend.checksums("guide") == {"guide:1": document.checksum}
    assert make_document(object_id=1, title="食品经营许可", access=["group:1"]).checksum != document.checksum


@pytest.mark.parametrize("text", ['"', "NEAR(食品 许可", "*", "AND OR NOT", "((食品", "食品)))", "食品" * 5000,
                                  "😀🎉", "\x00\x01\x1f", "'; DROP TABLE search_document; --", "title:食品", "\\"])
def test_any_input_gives_results_or_nothing(any_backend, ask, make_document, text):
    any_backend.write([make_document(object_id=1, title="食品经营许可")])
    results = ask(any_backend, text)
    assert isinstance(results.hits, list)
    assert isinstance(ask(any_backend, text, prefix=True), list)


def test_a_hit_carries_what_the_page_shows(any_backend, ask, make_document):
    when = datetime(2025, 6, 1, 9, 30, tzinfo=timezone.utc)
    any_backend.write([make_document(kind="policy", object_id=7, title="珠海市促进中小企业高质量发展若干措施",
                                     body="对中小企业给予补贴。", code="珠府办〔2024〕12号", department="GXJ",
                                     status="live", date=when, url="/policies/p7/",
                                     facets={"category": ["subsidy"]})])
    hit = ask(any_backend, "中小企业").hits[0]
    assert (hit.kind, hit.object_id, hit.code, hit.title, hit.url) == (
        "policy", "7", "珠府办〔2024〕12号", "珠海市促进中小企业高质量发展若干措施", "/policies/p7/")
    assert (hit.department, hit.status, hit.facets) == ("GXJ", "live", {"category": ["subsidy"]})
    assert hit.date == when and hit.score > 0
    assert "补贴" in hit.body


def test_a_query_naming_a_license_ranks_the_item_that_issues_it_first(any_backend, ask, make_document):
    any_backend.write([
        make_document(object_id=1, title="社会保险登记（单位参保登记）",
                      body="材料：营业执照副本复印件。营业执照上的统一社会信用代码。"),
        make_document(object_id=2, title="企业设立登记", body="申请设立公司，领取执照。",
                      facets={"issues": ["营业执照"]}),
        make_document(object_id=3, title="食品经营许可（新办）", body="须先取得营业执照。",
                      facets={"issues": ["食品经营许可证"]}),
    ])
    assert keys(ask(any_backend, "营业执照"))[0] == "guide:2"
    assert keys(ask(any_backend, "食品经营许可证"))[0] == "guide:3"


def test_a_short_query_finds_the_title_it_abbreviates_below_a_true_word_match(any_backend, ask, make_document):
    any_backend.write([
        make_document(object_id=1, title="个体工商户登记", body="经营者申请登记。"),
        make_document(object_id=2, title="社会保险登记", body="单位参保。"),
        make_document(object_id=3, title="食品经营许可", body="从事食品销售。"),
        make_document(object_id=4, title="食经许可", body="一个真的叫这个名字的事项。"),
    ])
    assert keys(ask(any_backend, "个体登记"))[0] == "guide:1"
    assert keys(ask(any_backend, "社保"))[0] == "guide:2"
    assert keys(ask(any_backend, "食经许可"))[:2] == ["guide:4", "guide:3"]
