"""Mounted at /api/v1/licenses/ (config/urls.py), before the case-file API."""

from django.urls import path

from casefiles.api import licenses as api

app_name = "licenses_api"

urlpatterns = [
    path("<str:identifier>/verify/", api.LicenseVerifyView.as_view(), name="verify"),
]
