"""One function decides a client's address (config/clients.py)."""

import pytest
from django.test import RequestFactory

from config import clients

FORGEABLE = {"HTTP_X_REAL_IP": "192.0.2.1", "HTTP_FORWARDED": "for=192.0.2.2", "HTTP_TRUE_CLIENT_IP": "192.0.2.3",
             "HTTP_CLIENT_IP": "192.0.2.4", "HTTP_X_CLIENT_IP": "192.0.2.5", "HTTP_CF_CONNECTING_IP": "192.0.2.6"}


def request(forwarded=None, **meta):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **extra, **meta)


def test_without_proxies_only_the_connection_counts(settings):
    settings.YIWANG_TRUSTED_PROXIES = 0
    assert clients.address(request("6.6.6.6, 203.0.113.7", **FORGEABLE)) == "10.0.0.5"


@pytest.mark.parametrize(("proxies", "expected"), [(1, "203.0.113.7"), (2, "6.6.6.6")])
def test_behind_proxies_the_address_the_outermost_trusted_proxy_saw(settings, proxies, expected):
    settings.YIWANG_TRUSTED_PROXIES = proxies
    # The client wrote 6.6.6.6 itself; our one proxy appended 203.0.113.7.
    assert clients.address(request("6.6.6.6, 203.0.113.7", **FORGEABLE)) == expected


@pytest.mark.parametrize("forwarded", [None, "", "203.0.113.7", "not-an-address, 203.0.113.7"])
def test_a_request_that_did_not_come_through_every_proxy_counts_by_its_connection(settings, forwarded):
    settings.YIWANG_TRUSTED_PROXIES = 2
    assert clients.address(request(forwarded)) == "10.0.0.5"


def test_the_address_is_written_one_way(settings):
    settings.YIWANG_TRUSTED_PROXIES = 1
    assert clients.address(request("2001:DB8:0:0::1")) == "2001:db8::1"
