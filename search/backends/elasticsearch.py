from elasticsearch import Elasticsearch

from .base import SearchBackend


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, options: dict):
        super().__init__(options)
        self.client = Elasticsearch(options["ELASTICSEARCH_URL"], request_timeout=5, retry_on_timeout=False, max_retries=0)

    def health(self) -> dict:
        health = self.client.cluster.health()
        if health["status"] == "red":
            raise RuntimeError("cluster status is red")
        return {"cluster": health["cluster_name"], "cluster_status": health["status"]}
