from casefiles.access.models import Authorisation
from casefiles.bundles.models import Activity
from casefiles.cases.models import (
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
from casefiles.deadlines.models import CalendarDay, CalendarYear
from casefiles.directory.models import Department, DepartmentRole, Enterprise, Person
from casefiles.evaluations.models import Evaluation, Exclusion, Rectification, Reminder, WindowVisit
from casefiles.expedited.models import PostApprovalCheck
from casefiles.favourites.models import Favourite
from casefiles.journal.models import CaseEvent
from casefiles.licenses.models import License, LicenseEvent, LicenseShare, LicenseType, LicenseUse, SigningKey
from casefiles.materials.models import Material
from casefiles.members.models import Invitation, JoinRequest, MemberEvent, Membership, Roster
from casefiles.notices.models import Notice
from casefiles.notifications.models import Message
from casefiles.policies.models import (
    Benefit,
    DailyPass,
    Declaration,
    PolicyDigest,
    PolicyPush,
    Qualification,
    QualificationHeld,
    Subscription,
)
from casefiles.realname.models import Verification, VerificationEvent
from casefiles.supervision.models import Assignment, Card, CaseLight, Digest, LightChange, Order

__all__ = [
    "Activity",
    "Assignment",
    "Authorisation",
    "Benefit",
    "CalendarDay",
    "CalendarYear",
    "Card",
    "CaseEvent",
    "CaseFile",
    "CaseFileGroupObjectPermission",
    "CaseFileUserObjectPermission",
    "CaseGrant",
    "CaseLight",
    "CaseNumberCounter",
    "CaseTally",
    "Channel",
    "ClockPause",
    "DailyPass",
    "Declaration",
    "Department",
    "DepartmentRole",
    "Digest",
    "Enterprise",
    "Evaluation",
    "Favourite",
    "Exclusion",
    "Invitation",
    "JoinRequest",
    "License",
    "LicenseEvent",
    "LicenseShare",
    "LicenseType",
    "LicenseUse",
    "LightChange",
    "Material",
    "MemberEvent",
    "Membership",
    "Message",
    "Notice",
    "PolicyDigest",
    "PolicyPush",
    "Qualification",
    "QualificationHeld",
    "Order",
    "Person",
    "PostApprovalCheck",
    "Rectification",
    "Reminder",
    "Roster",
    "SigningKey",
    "Status",
    "Subscription",
    "Verification",
    "VerificationEvent",
    "WindowVisit",
]
