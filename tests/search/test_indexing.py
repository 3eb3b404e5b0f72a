"""The index follows the data: save, publish, unpublish, delete, move and permission changes,
through django-tasks after the commit; a failed index write loses nothing."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from search import indexing, maintenance, service, trimming
from search.models import IndexedDocument, PendingWrite
from tests.search.conftest import add_guide


def found(text, principals=("public",), **options):
    return [hit.key for hit in service.search(text, principals=principals, **options).hits]


def editors(department):
    return {trimming.group_principal(department.group("editor").pk)}


def test_publishing_indexes_a_guide_once_the_transaction_commits(market, committed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        guide = add_guide(market, "SCJGJ-001", "食品经营许可（新办）")
    assert found("食品") == []  # nothing before the commit
    with mock.patch("search.indexing.enqueue", wraps=indexing.enqueue) as enqueue:
        for callback in callbacks:
            callback()
    assert found("食品") == [f"guide:{guide.pk}"]
    assert enqueue.call_count == 1, "one task per transaction, however many saves it held"


def test_unpublishing_hides_a_guide_from_the_public_but_not_from_its_editors(market, committed):
    with committed():
        guide = add_guide(market, "SCJGJ-001", "食品经营许可（新办）")
    with committed():
        guide.unpublish()
    assert found("食品") == []
    assert found("食品", editors(market)) == [f"guide:{guide.pk}"]


def test_a_draft_is_found_by_its_editors_under_its_latest_title(market, committed):
    with committed():
        guide = add_guide(market, "SCJGJ-002", "初稿", publish=False)
    with committed():
        guide.title = "食品生产许可"
        guide.save_revision()
    assert found("食品生产", editors(market)) == [f"guide:{guide.pk}"]
    assert found("食品生产") == []


def test_deleting_a_page_removes_its_document(market, committed):
    with committed():
        guide = add_guide(market, "SCJGJ-003", "食品经营许可")
    key = f"guide:{guide.pk}"
    with committed():
        guide.delete()
    assert found("食品") == []
    assert not IndexedDocument.objects.filter(key=key).exists()


def test_a_view_restriction_changes_who_finds_the_page(market, committed, make_user):
    with committed():
        guide = add_guide(market, "SCJGJ-004", "内部指南")
    insiders = Group.objects.create(name="内部人员")
    with committed():
        restriction = PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.add(insiders)
    assert found("内部指南") == []
    member = make_user("insider")
    member.groups.add(insiders)
    assert found("内部指南", trimming.principals_for(member)) == [f"guide:{guide.pk}"]
    with committed():
        restriction.delete()
    assert found("内部指南") == [f"guide:{guide.pk}"]


def test_moving_a_department_page_changes_its_guides_urls(market, committed):
    from cms.models import DepartmentIndexPage

    with committed():
        guide = add_guide(market, "SCJGJ-005", "食品经营许可")
        index = DepartmentIndexPage.objects.get()
        other = index.add_child(instance=DepartmentIndexPage(title="归档", slug="archive"))
    old_url = service.search("食品", principals={"public"}).hits[0].url
    with committed():
        market.page.move(other, pos="last-child")
    new_url = service.search("食品", principals={"public"}).hits[0].url
    assert new_url != old_url and "/archive/" in new_url


def test_a_guardian_grant_reindexes_the_object_it_grants(backend, committed, make_user):
    """Case files, materials and licenses are granted with django-guardian: a grant must reach the index."""
    from guardian.shortcuts import assign_perm, get_groups_with_perms

    from casefiles.demo.directory import demo_uscc
    from casefiles.directory.models import Enterprise
    from search import documents as registry

    class GrantedProvider(registry.Provider):
        model = Enterprise

        def document(self, enterprise):
            groups = get_groups_with_perms(enterprise)
            return registry.SearchDocument(kind=self.kind, object_id=enterprise.pk, title=enterprise.name,
                                           access=[trimming.group_principal(g.pk) for g in groups])

    registry.register("granted", GrantedProvider())
    try:
        with committed():
            enterprise = Enterprise.objects.create(uscc=demo_uscc("91440400MA4WB3K1X"), name="珠海格创智能科技有限公司",
                                                   legal_representative="陈思远", region_code="440400")
        clerks = Group.objects.create(name="clerks")
        assert found("格创", {trimming.group_principal(clerks.pk)}) == []
        with committed():
            assign_perm("casefiles.view_enterprise", clerks, enterprise)
        assert found("格创", {trimming.group_principal(clerks.pk)}) == [f"granted:{enterprise.pk}"]
    finally:
        registry.unregister("granted")


def test_a_failed_index_write_keeps_the_page_and_is_replayed(market, committed):
    from cms.models import ServiceItemPage

    with mock.patch("search.backends.database.DatabaseBackend.write", side_effect=RuntimeError("disk full")):
        with committed():
            guide = add_guide(market, "SCJGJ-006", "食品经营许可")
    assert ServiceItemPage.objects.filter(pk=guide.pk, live=True).exists()
    pending = PendingWrite.objects.get()
    assert pending.key == f"guide:{guide.pk}" and pending.target == "database" and "disk full" in pending.last_error
    assert found("食品") == []
    with committed():  # the next successful write replays what is pending
        add_guide(market, "SCJGJ-007", "药品零售企业许可")
    assert found("食品") == [f"guide:{guide.pk}"]
    assert not PendingWrite.objects.exists()


def test_a_broker_that_cannot_take_the_task_leaves_a_pending_write(market, committed):
    broker_down = mock.Mock(**{"enqueue.side_effect": ConnectionError("redis is down")})
    with mock.patch("search.indexing.sync_records", broker_down):
        with committed():
            guide = add_guide(market, "SCJGJ-008", "食品经营许可")
    assert PendingWrite.objects.filter(key=f"guide:{guide.pk}", target="database").exists()
    drift = maintenance.check(repair=True)["database"]
    assert drift.counts()["missing"] == 1 and drift.repaired >= 1
    assert found("食品") == [f"guide:{guide.pk}"]
    assert maintenance.check()["database"].clean


def test_check_counts_missing_stale_and_orphan_documents(market, committed, backend, make_document):
    with committed():
        first = add_guide(market, "SCJGJ-009", "食品经营许可")
        second = add_guide(market, "SCJGJ-010", "药品零售企业许可")
    IndexedDocument.objects.filter(key=f"guide:{first.pk}").update(checksum="0" * 32)
    backend.delete([f"guide:{second.pk}"])
    backend.write([make_document(object_id=999999, title="早已删除的指南")])
    drift = maintenance.check()["database"]
    assert drift.counts() == {"missing": 1, "stale": 1, "orphan": 1, "pending": 0, "repaired": 0}
    maintenance.check(repair=True)
    assert maintenance.check()["database"].clean


def test_sync_is_idempotent(market, committed):
    with committed():
        guide = add_guide(market, "SCJGJ-011", "食品经营许可")
    key = f"guide:{guide.pk}"
    before = IndexedDocument.objects.get(key=key)
    indexing.sync([key])
    indexing.sync([key])
    after = IndexedDocument.objects.get(key=key)
    assert (after.pk, after.checksum) == (before.pk, before.checksum)


def test_rebuild_rewrites_the_index_and_settles_pending_writes(market, committed):
    with committed():
        add_guide(market, "SCJGJ-012", "食品经营许可")
    PendingWrite.objects.create(key="guide:424242", target="database")
    report = maintenance.rebuild()
    assert report["database"]["documents"] == 1
    assert not PendingWrite.objects.exists()


def test_a_batch_reads_its_records_kind_by_kind_and_drops_keys_that_name_nothing(market, committed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with committed():
        guides = [add_guide(market, f"SCJGJ-00{n}", f"食品经营许可 {n}") for n in range(1, 5)]
    keys = [f"guide:{guide.pk}" for guide in guides]
    with CaptureQueriesContext(connection) as four:
        to_write, to_delete = indexing.current_documents(keys + ["guide:999999"])
    assert sorted(document.key for document in to_write) == sorted(keys)
    assert to_delete == ["guide:999999"]
    reads = [q["sql"] for q in four.captured_queries if "IN (" in q["sql"] and 'FROM "cms_serviceitempage"' in q["sql"]]
    assert len(reads) == 1, "the four guides are read in one query"

    # An id that is no id, or a kind nobody provides: the key leaves the index, the others stand.
    to_write, to_delete = indexing.current_documents(keys[:2] + ["guide:not-a-number", "nokind:1"])
    assert sorted(document.key for document in to_write) == sorted(keys[:2])
    assert sorted(to_delete) == ["guide:not-a-number", "nokind:1"]


def test_what_a_rolled_back_transaction_scheduled_is_not_synced_by_the_next_commit(db, committed):
    """A request that fails leaves its keys behind on the connection: the next transaction to
    commit enqueues its own keys only."""
    from django.db import transaction

    class Failed(Exception):
        pass

    with mock.patch("search.indexing.enqueue") as enqueue:
        try:
            with transaction.atomic():
                indexing.schedule(["guide:rolled-back"])
                raise Failed
        except Failed:
            pass
        with committed():
            indexing.schedule(["guide:committed"])
    sent = [key for call in enqueue.call_args_list for key in call.args[0]]
    assert sent == ["guide:committed"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_what_a_commit_asks_the_index_for_inside_one_sync_goes_in_one_sync():
    """The transaction's own keys and those the work run on its commit schedules (the text
    extraction, in process) are enqueued together when ``one_sync`` ends; a rollback, nothing."""
    from django.db import transaction

    class Failed(Exception):
        pass

    with mock.patch("search.indexing.sync_records") as task:
        with indexing.one_sync():
            with transaction.atomic():
                indexing.schedule(["guide:1"])
                transaction.on_commit(lambda: indexing.schedule(["material:2"]))  # as a task run on the commit
            assert task.enqueue.call_count == 0  # held until the block ends
        assert [call.args[0] for call in task.enqueue.call_args_list] == [["guide:1", "material:2"]]

        task.reset_mock()
        with pytest.raises(Failed), indexing.one_sync(), transaction.atomic():
            indexing.schedule(["guide:3"])
            raise Failed
        assert task.enqueue.call_count == 0


def test_a_sync_with_nothing_pending_asks_about_pending_writes_once(market, committed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with committed():
        guide = add_guide(market, "SCJGJ-013", "食品经营许可")
    IndexedDocument.objects.filter(key=f"guide:{guide.pk}").update(checksum="0" * 32)
    with CaptureQueriesContext(connection) as queries:
        indexing.sync_now([f"guide:{guide.pk}"])
    assert sum("search_pending_write" in query["sql"] for query in queries.captured_queries) == 1
    assert found("食品") == [f"guide:{guide.pk}"]
