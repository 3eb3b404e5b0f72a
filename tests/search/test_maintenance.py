"""Rebuilding every index: a change made while Elasticsearch's new index fills is not lost."""

from unittest import mock

from search import maintenance
from tests.search.conftest import add_guide


class RecordingIndex:
    """Stands in for Elasticsearch: records what reaches the index that is live after a rebuild.

    Writes made while it rebuilds land in the index being replaced (as they would in another
    process, whose cache does not know the new index), so they do not count.
    """

    name = "elasticsearch"

    def __init__(self, during_rebuild):
        self.during_rebuild = during_rebuild
        self.rebuilding = False
        self.written = []

    def rebuild(self, documents, kind=None, progress=None):
        documents = list(documents)
        self.rebuilding = True
        self.during_rebuild()
        self.rebuilding = False
        return len(documents)

    def write(self, documents):
        if not self.rebuilding:
            self.written.extend(document.key for document in documents)

    def delete(self, keys):
        pass


def test_records_changed_during_a_rebuild_are_written_again_after_the_swap(market, committed, backend):
    with committed():
        guide = add_guide(market, "SCJGJ-001", "食品经营许可")
    changed = {}

    def edit_meanwhile():
        with committed():
            changed["page"] = add_guide(market, "SCJGJ-002", "药品零售企业许可")

    elasticsearch = RecordingIndex(edit_meanwhile)
    with mock.patch("search.indexing.targets", return_value={"database": backend, "elasticsearch": elasticsearch}):
        report = maintenance.rebuild()
    assert report["elasticsearch"]["documents"] == 1
    assert f"guide:{changed['page'].pk}" in elasticsearch.written
    assert f"guide:{guide.pk}" not in elasticsearch.written  # unchanged since: not written twice
