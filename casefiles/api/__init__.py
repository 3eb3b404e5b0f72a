"""The case-file API at /api/v1/ (Django REST framework, documented by drf-spectacular).  Views
translate HTTP to calls of casefiles.handling.applications, materials, workflow and permissions,
and their errors back to status codes; no rule of the domain lives here."""
