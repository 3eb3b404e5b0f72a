"""manage.py search_index: rebuild, check, query (one JSON array per line), synonyms."""

import io
import json
import sys
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from search import trimming
from search.models import IndexedDocument, SynonymRule
from tests.search.conftest import add_guide


def run(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.object(sys, "stdin", io.StringIO(stdin or "")):
        call_command("search_index", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def guides(market, committed):
    with committed():
        food = add_guide(market, "SCJGJ-001", "食品经营许可（新办）")
        drugs = add_guide(market, "SCJGJ-002", "药品零售企业许可")
        draft = add_guide(market, "SCJGJ-003", "食品生产许可", publish=False)
    return food, drugs, draft


def test_rebuild_shows_progress_and_throughput(guides):
    IndexedDocument.objects.all().delete()
    out, err = run("rebuild")
    assert "3/3" in err and "[####" in err
    assert "database: 3 documents in" in out and "/s)" in out
    assert IndexedDocument.objects.count() == 3


def test_rebuild_of_one_kind_leaves_the_others(guides, backend, make_document):
    backend.write([make_document(kind="policy", object_id=999, title="留着的政策")])
    out, _err = run("rebuild", "--kind", "guide")
    assert "3 documents" in out
    assert IndexedDocument.objects.filter(kind="policy").exists()
    with pytest.raises(CommandError):
        run("rebuild", "--kind", "nonsense")


def test_check_reports_drift_and_repairs_it(guides):
    food = guides[0]
    IndexedDocument.objects.filter(key=f"guide:{food.pk}").update(checksum="stale")
    out, _err = run("check")
    assert out.strip() == "database: missing 0, stale 1, orphan 0, pending 0"
    out, _err = run("check", "--repair")
    assert "repaired 1" in out
    assert json.loads(run("check", "--json")[0]) == {
        "database": {"missing": 0, "stale": 0, "orphan": 0, "pending": 0, "repaired": 0}}


def test_query_prints_one_json_array_per_query(guides):
    out, _err = run("query", "食品", "--json")
    hits = json.loads(out)
    assert [hit["code"] for hit in hits] == ["SCJGJ-001"]
    assert set(hits[0]) >= {"kind", "code", "title", "url", "score"}


def test_query_reads_one_query_per_line_from_standard_input(guides):
    out, _err = run("query", "-", "--json", "--limit", "1", stdin="食品\n药品\nNEAR(*\n\n")
    lines = out.splitlines()
    assert len(lines) == 4
    assert [[hit["code"] for hit in json.loads(line)] for line in lines] == [["SCJGJ-001"], ["SCJGJ-002"], [], []]


def test_query_searches_as_the_named_user_trimmed(guides, market, make_user):
    editor = make_user("scjgj-editor")
    editor.groups.add(market.group("editor"))
    as_public = [hit["code"] for hit in json.loads(run("query", "食品", "--json")[0])]
    as_editor = [hit["code"] for hit in json.loads(run("query", "食品", "--json", "--user", "scjgj-editor")[0])]
    assert "SCJGJ-003" not in as_public and "SCJGJ-003" in as_editor
    assert trimming.principals_for(editor) > {"public"}
    with pytest.raises(CommandError):
        run("query", "食品", "--user", "nobody")


def test_query_filters_by_kind(guides):
    assert json.loads(run("query", "食品", "--json", "--kind", "policy")[0]) == []


def test_synonyms_load_seed_adds_only_what_is_missing(db):
    SynonymRule.objects.filter(from_seed=True).first().delete()
    out, _err = run("synonyms", "--load-seed")
    assert out.startswith("1 rules added")
    assert run("synonyms", "--load-seed")[0].startswith("0 rules added")
