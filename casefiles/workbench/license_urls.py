"""Mounted at /admin/licenses/ by casefiles/wagtail_hooks.py."""

from django.urls import path

from casefiles.workbench import licenses as admin_views

app_name = "licenses_admin"

urlpatterns = [
    path("", admin_views.issued_list, name="list"),
    path("usage/", admin_views.usage, name="usage"),
    path("<int:pk>/", admin_views.license_detail, name="detail"),
    path("<int:pk>/certificate.pdf", admin_views.certificate, name="certificate"),
    path("<int:pk>/<slug:action>/", admin_views.change_status, name="change_status"),
]
