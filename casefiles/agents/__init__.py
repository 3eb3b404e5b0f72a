"""Agents (帮办代办): an applicant authorises someone to act for them on a case or a bundle for a
limited time, revokes it, and the tick ends it. The authorisation's record is
``casefiles.access.models.Authorisation``: who may act is access's to answer."""
