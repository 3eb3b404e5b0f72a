"""One search interface, two backends: the embedded database one and Elasticsearch.

``get_backend()`` is the backend settings choose for reads. Writes go to the database
backend always (it answers when Elasticsearch is down) and to Elasticsearch when chosen.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

BACKENDS = {
    "database": "search.backends.database.DatabaseBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}


@cache
def _backend(name: str, url: str | None):
    return import_string(BACKENDS[name])(settings.YIWANG_SEARCH)


def get_backend():
    conf = settings.YIWANG_SEARCH
    return _backend(conf["BACKEND"], conf.get("ELASTICSEARCH_URL"))


def database_backend():
    return _backend("database", None)
