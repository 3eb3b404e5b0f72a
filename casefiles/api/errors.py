"""The API's one answer to the case files' refusals (``casefiles.errors``).

``REST_FRAMEWORK["EXCEPTION_HANDLER"]`` names ``exception_handler``: any ``Refused`` becomes its
status with ``{"detail": …, "messages": […], "code": …}``; everything else is DRF's own answer.
"""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from casefiles.errors import Refused


def refusal_response(refused: Refused, **extra) -> Response:
    messages = refused.messages
    return Response({"detail": " ".join(messages), "messages": messages, "code": refused.code, **extra},
                    status=refused.status)


def exception_handler(exc, context):
    if isinstance(exc, Refused):
        return refusal_response(exc)
    return drf_exception_handler(exc, context)
