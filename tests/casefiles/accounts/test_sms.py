"""The SMS backends behind ``send_text``: the HTTP gateway of production against a tiny local
HTTP server — a 2xx answer sends, a 500 or no answer in time is ``TextNotSent`` (503), and the
page that sent it answers 503 with what was typed. (Production refusing the console backend:
tests/config/test_settings.py.)"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from casefiles.accounts import sms


class Gateway:
    """A stand-in SMS gateway on 127.0.0.1: answers ``status`` after ``delay`` seconds, keeps what it got."""

    def __init__(self):
        self.status, self.delay, self.received = 200, 0.0, []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append({"body": json.loads(body), "authorization": self.headers["Authorization"],
                                         "type": self.headers["Content-Type"]})
                time.sleep(gateway.delay)
                try:
                    self.send_response(gateway.status)
                    self.end_headers()
                    self.wfile.write(b'{"code": 0}')
                except (BrokenPipeError, ConnectionResetError):  # the sender gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    running = Gateway()
    settings.YIWANG_SMS = {"BACKEND": "http", "URL": running.url, "TOKEN": "t0ken", "SIGN": "一网通办", "TIMEOUT": 1}
    sms.outbox.clear()
    yield running
    running.close()


def test_a_2xx_answer_sends_the_text(gateway):
    sms.send_text("13800138000", "您的验证码是 123456")
    assert gateway.received == [{
        "body": {"mobile": "13800138000", "text": "您的验证码是 123456", "sign": "一网通办"},
        "authorization": "Bearer t0ken", "type": "application/json; charset=utf-8",
    }]
    assert sms.outbox == []  # the gateway's texts go to phones, not to the outbox


@pytest.mark.parametrize("status", [500, 503, 400])
def test_an_error_answer_is_text_not_sent(gateway, status):
    gateway.status = status
    with pytest.raises(sms.TextNotSent) as refused:
        sms.send_text("13800138000", "x")
    assert refused.value.status == 503


def test_no_answer_in_time_is_text_not_sent(gateway):
    gateway.delay = 2.5  # TIMEOUT is 1 s
    started = time.monotonic()
    with pytest.raises(sms.TextNotSent):
        sms.send_text("13800138000", "x")
    assert time.monotonic() - started < 2.4


def test_a_gateway_nobody_listens_on_is_text_not_sent(gateway, settings):
    gateway.close()
    with pytest.raises(sms.TextNotSent):
        sms.send_text("13800138000", "x")


@pytest.mark.django_db
@pytest.mark.parametrize("failure", ["error", "timeout"])
def test_the_registration_page_answers_503_and_keeps_what_was_typed(client, gateway, failure):
    from casefiles.directory.models import Person
    from tests.casefiles.registration.conftest import ID_NUMBER, MOBILE, NAME, page_text, register

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    if failure == "error":
        gateway.status = 500
    else:
        gateway.delay = 2.5
    answer = register(client)
    assert answer.status_code == 503
    text = page_text(answer)
    assert "could not be sent" in text
    for typed in (NAME, ID_NUMBER, MOBILE):
        assert f'value="{typed}"' in text
    assert not Person.objects.exists()

    gateway.status, gateway.delay = 200, 0
    assert register(client).status_code == 302  # not counted against the number's one text a minute
    assert gateway.received[-1]["body"]["mobile"] == MOBILE


@pytest.mark.django_db
def test_the_sign_in_code_page_answers_503_too(client, gateway):
    from tests.casefiles.registration.conftest import page_text

    gateway.status = 500
    answer = client.post("/accounts/login/code/", {"phone": "13800138000"})
    assert answer.status_code == 503 and 'value="13800138000"' in page_text(answer)


@pytest.mark.django_db
def test_the_reset_page_answers_503_too(client, gateway):
    from tests.casefiles.registration.conftest import page_text

    gateway.status = 500
    answer = client.post("/accounts/password/reset/sms/", {"phone": "13800138000"})
    assert answer.status_code == 503 and 'value="13800138000"' in page_text(answer)


@pytest.mark.django_db
def test_a_password_sign_in_that_must_text_a_code_answers_503_too(client, gateway, make_user):
    """An account whose mobile is not proven yet gets a code at its password sign-in (allauth's phone verification)."""
    from casefiles.directory.models import Person
    from tests.casefiles.registration.conftest import ID_NUMBER, page_text

    Person.objects.create(name="陈晓明", id_number=ID_NUMBER, phone="13800138000", user=make_user("chen"))
    gateway.status = 500
    answer = client.post("/accounts/login/", {"login": "13800138000", "password": "pw-for-tests-only"})
    assert answer.status_code == 503 and 'value="13800138000"' in page_text(answer)
    assert "_auth_user_id" not in client.session

    gateway.status = 200
    answer = client.post("/accounts/login/", {"login": "13800138000", "password": "pw-for-tests-only"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/phone/verify/"
