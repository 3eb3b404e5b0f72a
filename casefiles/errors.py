"""The refusals of the case files' domain: one hierarchy, each member with its HTTP status.

Domain code raises a member of this hierarchy with a message for the person who tried (a
translatable text, translated when raised); the channels answer it in one place each — the API in
``casefiles.api.errors.exception_handler``, the portal and the workbench through their helpers
in ``casefiles.portal.errors`` and ``casefiles.workbench.errors`` — so the same refusal gets the same status everywhere.

- ``NotFound`` (404): no such record, or one the user may not see (answered exactly alike).
- ``NotPermitted`` (403): the user may see it but may not do this.
- ``Conflict`` (409): the record's state forbids it now, or someone else changed it first.
- ``Invalid`` (400): what was sent cannot be taken as it is (a malformed file, a missing field).
- ``Unavailable`` (503): a service it needs (the SMS gateway) is down; nothing was changed, try again.
"""


class Refused(Exception):
    """Something the domain will not do; ``messages`` say why, for the person who tried."""

    status = 400
    code = "refused"

    def __init__(self, *messages, code=None):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]
        self.message = messages[0] if len(messages) == 1 else " ".join(self.messages)
        if code is not None:
            self.code = code

    @property
    def status_code(self) -> int:
        return self.status


class NotFound(Refused):
    """The user may not see the record: answered exactly like a record that does not exist."""

    status = 404
    code = "not_found"


class NotPermitted(Refused):
    status = 403
    code = "not_permitted"


class Conflict(Refused):
    """The record's state forbids it, or someone else changed it first."""

    status = 409
    code = "conflict"


class NotAllowedNow(Conflict):
    """A workflow step the case's status does not allow."""

    code = "not_allowed_now"


class Invalid(Refused):
    # ``refused`` is the code the API has always answered for a refused input.
    status = 400
    code = "refused"


class GuardFailed(Invalid):
    """A workflow step whose conditions (its guards) are not met."""

    code = "guard_failed"


class Unavailable(Refused):
    """A service the step needs did not answer; nothing was done, and trying later may succeed."""

    status = 503
    code = "unavailable"
