"""Who the workbench is for: anyone holding a case role."""

from casefiles.access import permissions


def is_case_staff(user) -> bool:
    """Department clerks, reviewers and deciders, window clerks, supervisors, superusers.

    Asked by the admin menu on every admin page; the department look-up is kept on the
    user object for the rest of the request.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return permissions.sees_everything(user) or bool(department_ids(user))


def department_ids(user) -> list[int]:
    """``permissions.department_ids``, asked once per request."""
    cached = getattr(user, "_yiwang_department_ids", None)
    if cached is None:
        cached = user._yiwang_department_ids = permissions.department_ids(user)
    return cached
