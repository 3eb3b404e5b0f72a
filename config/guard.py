"""Odd input refused at the door: one middleware in front of every page and the API.

PostgreSQL cannot store a NUL character, and psycopg cannot send a lone surrogate (half of
a UTF-16 pair, which JSON's ``\\ud800`` escapes can carry); either one reaching a query is a
500. So a request that holds one in its path, query, cookies, headers, form fields (names,
values and file names — never a file's contents, which may be anything) or JSON body (keys
and values) is refused before any view sees it: 404 for a path (it names nothing), 400
otherwise.

Addresses longer than ``YIWANG_MAX_URL_LENGTH`` answer 414, as the servers in front would
(gunicorn refuses request lines over 4094 bytes), so that no view is handed a megabyte-long
parameter when Yiwang runs without them. Bodies are bounded before any parser reads them: a body other than uploaded files larger
than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answers 413, and JSON nested deeper than
``YIWANG_JSON_MAX_DEPTH`` answers 400. The depth is measured by counting brackets outside
strings, without recursion: Python's ``json`` (and so DRF's parser) recurses once per level,
and 10,000 levels end in a ``RecursionError``. JSON that is not valid is left to the view's
parser, which says what is wrong in its own words; the depth check has bounded it already.

Under ``/api/`` the refusal is in the API's error shape (``{"detail", "messages", "code"}``).
"""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

# What no column can hold: NUL, and the surrogate halves that are no characters on their own.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A JSON string (unrolled, so linear on any input), and everything that is not a bracket.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")

API_PREFIX = "/api/"


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def storable(text: str) -> bool:
    return not _UNSTORABLE.search(text)


def json_too_deep(text: str, limit: int) -> bool:
    """Whether a parser of ``text`` would nest more than ``limit`` arrays and objects.

    Valid JSON agrees with the count exactly; for invalid JSON the count may say more than a
    parser would reach (it stops at the first error), never less.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if brackets.count("[") + brackets.count("{") <= limit:
        return False
    depth = 0
    for bracket in brackets:
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
        if depth < 0:  # a parser has stopped here
            return False
    return False


def _json_strings(value):
    """Every string in a parsed JSON value, keys included, without recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def check_json(body: bytes, charset: str = "utf-8") -> None:
    try:
        text = body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        raise Refused(400, "invalid_body", _("The request body is not valid text.")) from None
    if json_too_deep(text, settings.YIWANG_JSON_MAX_DEPTH):
        raise Refused(400, "too_deep", _("The request body is nested too deeply."))
    try:
        data = json.loads(text)
    except ValueError:
        return  # not JSON: the view's parser refuses it in its own words
    if not all(storable(string) for string in _json_strings(data)):
        raise _unstorable()


def _unstorable() -> Refused:
    return Refused(400, "invalid_characters",
                   _("The request contains characters that cannot be processed (a NUL byte or a broken character)."))


def _check_fields(fields) -> None:
    for key, values in fields.lists():
        if not storable(key) or not all(storable(value) for value in values if isinstance(value, str)):
            raise _unstorable()


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def check(request) -> None:
    """Raise ``Refused`` if anything in ``request`` cannot be taken."""
    if len(request.path_info) + len(request.META.get("QUERY_STRING", "")) > settings.YIWANG_MAX_URL_LENGTH:
        raise Refused(414, "too_long", _("The address is too long."))
    if not storable(request.path_info):
        raise Refused(404, "not_found", _("No such page."))
    try:
        _check_fields(request.GET)
        if not all(storable(key) and storable(value) for key, value in request.COOKIES.items()):
            raise _unstorable()
        if not all(storable(value) for key, value in request.META.items()
                   if key.startswith("HTTP_") and isinstance(value, str)):
            raise _unstorable()
        content_type = request.content_type or ""
        if content_type == "multipart/form-data":
            if request.method == "POST":  # Django parses only POST; reading it here is the view's read too
                _check_fields(request.POST)
                if not all(storable(key) and all(storable(upload.name or "") for upload in uploads)
                           for key, uploads in request.FILES.lists()):
                    raise _unstorable()
        elif content_type == "application/x-www-form-urlencoded":
            _check_fields(request.POST if request.method == "POST" else QueryDict(request.body, encoding=request.encoding))
        elif _is_json(content_type):
            check_json(request.body, request.content_params.get("charset") or "utf-8")
    except RequestDataTooBig:
        raise Refused(413, "too_large", _("The request body is too large.")) from None
    except (MultiPartParserError, SuspiciousOperation):  # too many fields or files, a broken form
        raise Refused(400, "invalid_body", _("The request's form data could not be read.")) from None


class RequestGuardMiddleware:
    """Early in MIDDLEWARE: after the language is chosen (the refusal is in it), before anything reads the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check(request)
        except Refused as refused:
            return answer(request, refused)
        return self.get_response(request)


def answer(request, refused: Refused):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": refused.message, "messages": [refused.message], "code": refused.code},
                            status=refused.status, json_dumps_params={"ensure_ascii": False})
    if refused.status == 404:
        raise Http404(refused.message)  # the site's own 404 page
    return HttpResponse(refused.message, status=refused.status, content_type="text/plain; charset=utf-8")
