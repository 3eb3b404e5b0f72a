"""Start the test provider in a process of its own, and stop it.

``start(folder, redirect_uris, citizens)`` runs ``python -m tests.idp.server <folder>``: the child
migrates its SQLite database in ``folder``, registers Yiwang as a client (authorization code,
confidential, PKCE, ID tokens signed RS256, the given redirect URIs), makes the citizens'
accounts, and serves on a free port of 127.0.0.1. The parent waits until the provider's
discovery document answers and returns a ``Provider``: its ``issuer`` (``http://127.0.0.1:<port>/o``),
the client's id and secret, and ``stop()``.

A citizen is a dict: ``username``, ``password`` (at the provider) and the claims it hands out —
``name``, ``id_card``, ``phone_number``, ``acr`` (any may be left out).
"""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    process: subprocess.Popen = field(repr=False)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(folder, redirect_uris, citizens) -> Provider:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    client_id, client_secret = "yiwang-" + secrets.token_hex(8), secrets.token_urlsafe(32)
    (folder / "config.json").write_text(json.dumps({
        "client_id": client_id, "client_secret": client_secret,
        "redirect_uris": list(redirect_uris), "citizens": list(citizens),
    }, ensure_ascii=False), encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "YIWANG_TEST_IDP_FOLDER": str(folder),
                   "DJANGO_SETTINGS_MODULE": "tests.idp.settings"}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(folder / "server.log", "wb")  # noqa: SIM115 (the child writes to it until stopped)
    process = subprocess.Popen([sys.executable, "-m", "tests.idp.server", str(folder)], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=log)
    log.close()
    try:
        port = int(process.stdout.readline().decode().strip() or 0)
        if not port:
            raise RuntimeError(_failure(process, folder))
        issuer = f"http://127.0.0.1:{port}/o"
        _wait_for(issuer + "/.well-known/openid-configuration", process, folder)
    except BaseException:
        Provider("", "", "", process).stop()
        raise
    return Provider(issuer, client_id, client_secret, process)


def _wait_for(url, process, folder):
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own 127.0.0.1)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(_failure(process, folder))
        time.sleep(0.05)


def _failure(process, folder) -> str:
    return f"the test OpenID Connect provider did not start: {(folder / 'server.log').read_text(errors='replace')[-3000:]}"


# --- the child process ---------------------------------------------------------------------

def main(folder):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    config = json.loads((Path(folder) / "config.json").read_text(encoding="utf-8"))
    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.create(
        name="一网通办", client_id=config["client_id"], client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]), algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )
    for citizen in config["citizens"]:
        get_user_model().objects.create_user(username=citizen["username"], password=citizen["password"])
    serve()


def serve():
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the standard library's name)
            sys.stderr.write("%s\n" % (format % args))

    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=Server, handler_class=QuietHandler)
    sys.stdout.write(f"{server.server_port}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
