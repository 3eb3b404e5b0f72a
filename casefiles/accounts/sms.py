"""短信: the one way Yiwang sends a text message, whichever gateway carries it.

``send_text(number, text)`` hands a text to the backend that ``settings.YIWANG_SMS["BACKEND"]``
names (``YIWANG_SMS_BACKEND``):

- ``console`` (development): writes the text to the log and keeps it in ``outbox``, so a
  developer reads the code on the terminal running ``make run``;
- ``locmem`` (the test suite): keeps it in ``outbox`` only — tests read codes from there;
- ``http`` (production): POSTs ``{"mobile", "text", "sign"}`` as JSON to ``YIWANG_SMS_URL``
  with ``Authorization: Bearer YIWANG_SMS_TOKEN``, the way the provincial SMS platforms and the
  commercial gateways' HTTP APIs take a message; any answer but 2xx, or no answer within
  ``YIWANG_SMS_TIMEOUT`` seconds, raises ``TextNotSent``.

``TextNotSent`` is a ``casefiles.errors.Unavailable`` (503): the caller's page says the text could
not be sent and to try again; nothing the person typed is lost. Nothing here decides *whether*
to send (limits, codes): the callers do (casefiles.accounts.codes, casefiles.members.invitations).
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from casefiles.errors import Unavailable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Text:
    number: str
    text: str

    def __iter__(self):  # (number, text), as the outbox was read before it held Texts
        return iter((self.number, self.text))

    def __getitem__(self, index):  # outbox[-1][1], likewise
        return (self.number, self.text)[index]


outbox: list[Text] = []  # every text sent by the console and locmem backends, oldest first


class TextNotSent(Unavailable):
    code = "sms_not_sent"


def _console(number, text):
    logger.warning("SMS to %s: %s", number, text)
    outbox.append(Text(number, text))


def _locmem(number, text):
    outbox.append(Text(number, text))


def _http(number, text):
    config = settings.YIWANG_SMS
    body = json.dumps({"mobile": number, "text": text, "sign": config["SIGN"]}, ensure_ascii=False).encode()
    request = urllib.request.Request(config["URL"], data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {config['TOKEN']}",
    })
    try:
        with urllib.request.urlopen(request, timeout=config["TIMEOUT"]) as response:  # noqa: S310 (the operator's URL)
            if not 200 <= response.status < 300:
                raise TextNotSent(_("The text message could not be sent. Please try again in a minute."))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        logger.error("SMS gateway %s refused or did not answer: %s", config["URL"], error)
        raise TextNotSent(_("The text message could not be sent. Please try again in a minute.")) from None


BACKENDS = {"console": _console, "locmem": _locmem, "http": _http}


def send_text(number: str, text: str) -> None:
    """Send ``text`` to the mobile ``number`` (11 digits, checked by the caller)."""
    BACKENDS[settings.YIWANG_SMS["BACKEND"]](number, str(text))


def last_text_to(number: str) -> str | None:
    """The newest text the console or locmem backend kept for ``number`` (tests, development)."""
    for sent in reversed(outbox):
        if sent.number == number:
            return sent.text
    return None
