"""The API describes itself: an OpenAPI 3 schema with no warnings, and docs that need no CDN."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import resolve
from rest_framework.test import APIClient

from casefiles.api import urls as api_urls


def test_the_schema_validates_without_a_single_warning(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning (an undocumented parameter, an ambiguous enum …) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")


@pytest.mark.django_db
def test_every_endpoint_is_in_the_schema_with_its_errors():
    answer = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert answer.status_code == 200
    schema = answer.json()
    documented = set(schema["paths"])
    served = set()
    for pattern in api_urls.urlpatterns:
        if pattern.name in {"schema", "docs"}:
            continue
        route = str(pattern.pattern).replace("<str:", "{").replace("<int:", "{").replace("<slug:", "{").replace(">", "}")
        served.add("/api/v1/" + route)
    assert served <= documented  # other apps add their own paths under /api/v1/ too
    assert all(path.startswith("/api/v1/") for path in documented)  # nothing of Wagtail's admin API

    transition = schema["paths"]["/api/v1/cases/{number}/transitions/{name}/"]["post"]
    assert {"200", "400", "403", "404", "409", "428"} <= set(transition["responses"])
    assert "If-Match" in {p["name"] for p in transition["parameters"]}
    upload = schema["paths"]["/api/v1/cases/{number}/materials/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    # an application in one go: its files keyed materials[<requirement id>], beside the JSON body
    create = schema["paths"]["/api/v1/cases/"]["post"]["requestBody"]["content"]
    assert "submit" in create["multipart/form-data"]["schema"]["properties"]
    assert create["multipart/form-data"]["schema"]["additionalProperties"]["format"] == "binary"
    assert "submit" in schema["components"]["schemas"]["CaseApply"]["properties"]
    progress = schema["paths"]["/api/v1/progress/"]["get"]
    assert {"number", "code"} <= {p["name"] for p in progress["parameters"]} and "429" in progress["responses"]
    listing = schema["paths"]["/api/v1/cases/"]["get"]
    assert {"status", "department", "item", "received_from", "received_to", "ordering", "role", "page"} <= {
        p["name"] for p in listing["parameters"]
    }
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_ui_from_our_own_static_files():
    answer = APIClient().get("/api/v1/docs/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    # The start-up script comes from the same URL (no inline script: config/csp.py) and names the schema.
    script = APIClient().get("/api/v1/docs/", {"script": ""}).content.decode()
    assert "/api/v1/schema/" in script


def test_the_sidecar_files_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_the_api_answers_before_the_page_tree_could():
    from casefiles.api import views

    assert resolve("/api/v1/cases/").func.view_class is views.CaseListView
    assert resolve("/api/v1/progress/").func.view_class is views.ProgressView


@pytest.mark.django_db
def test_the_api_root_lists_its_endpoints_with_links_and_the_docs():
    answer = APIClient().get("/api/v1/", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    listing = answer.json()
    assert listing["case-list"] == "http://testserver/api/v1/cases/"
    assert listing["progress"] == "http://testserver/api/v1/progress/"
    assert listing["schema"] == "http://testserver/api/v1/schema/" and listing["docs"] == "http://testserver/api/v1/docs/"
    assert not any("{" in url or "<" in url for url in listing.values())
    # A browser gets the same list as a page with links.
    page = APIClient().get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert 'href="http://testserver/api/v1/docs/"' in page
