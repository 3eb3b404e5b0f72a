from .agents import Authorisation
from .applicants import Enterprise, Person
from .bundles import Activity
from .calendar import CalendarDay, CalendarYear
from .cases import (
    CaseFile,
    CaseFileGroupObjectPermission,
    CaseFileUserObjectPermission,
    CaseGrant,
    CaseNumberCounter,
    CaseTally,
    Channel,
    ClockPause,
    Status,
)
from .departments import Department, DepartmentRole
from .journal import CaseEvent
from .licenses import License, LicenseEvent, LicenseShare, LicenseType, LicenseUse, SigningKey
from .materials import Material
from .notices import Notice

__all__ = [
    "Activity",
    "Authorisation",
    "CalendarDay",
    "CalendarYear",
    "CaseEvent",
    "CaseFile",
    "CaseFileGroupObjectPermission",
    "CaseFileUserObjectPermission",
    "CaseGrant",
    "CaseNumberCounter",
    "CaseTally",
    "Channel",
    "ClockPause",
    "Department",
    "DepartmentRole",
    "Enterprise",
    "License",
    "LicenseEvent",
    "LicenseShare",
    "LicenseType",
    "LicenseUse",
    "Material",
    "Notice",
    "Person",
    "SigningKey",
    "Status",
]
