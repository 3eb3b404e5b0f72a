"""The site's base URL: SITE_URL when configured, else the request's scheme and host, else the default."""

from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from config import siteurl


def _served(host, *, secure=False):
    seen = {}

    def view(request):
        seen.update(base=siteurl.base_url(), captured=siteurl.captured())
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_HOST=host, secure=secure)
    siteurl.SiteURLMiddleware(view)(request)
    return seen


@override_settings(SITE_URL="", ALLOWED_HOSTS=["zwfw.example.gov.cn", "testserver"])
def test_without_site_url_links_follow_the_request_and_background_work_the_default():
    assert _served("zwfw.example.gov.cn", secure=True) == {"base": "https://zwfw.example.gov.cn",
                                                          "captured": "https://zwfw.example.gov.cn"}
    assert _served("testserver:8123")["base"] == "http://testserver:8123"
    assert siteurl.base_url() == siteurl.DEFAULT  # outside a request: a job with nothing to go by


@override_settings(SITE_URL="", ALLOWED_HOSTS=["zwfw.example.gov.cn"])
def test_a_host_allowed_hosts_refuses_is_never_used():
    assert _served("evil.example.com")["base"] == siteurl.DEFAULT


@override_settings(SITE_URL="https://zwfw.zhuhai.gov.cn/", ALLOWED_HOSTS=["testserver"])
def test_a_configured_site_url_wins():
    assert _served("testserver:8123") == {"base": "https://zwfw.zhuhai.gov.cn", "captured": None}
    assert siteurl.absolute("/progress/") == "https://zwfw.zhuhai.gov.cn/progress/"


@override_settings(SITE_URL="")
def test_a_job_links_with_the_base_url_it_was_queued_under():
    with siteurl.using("http://testserver:8123"):
        assert siteurl.base_url() == "http://testserver:8123"
    with siteurl.using(None):
        assert siteurl.base_url() == siteurl.DEFAULT
    assert siteurl.base_url() == siteurl.DEFAULT
