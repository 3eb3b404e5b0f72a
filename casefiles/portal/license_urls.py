"""Mounted at the site root (config/urls.py): the public license pages and the wallet."""

from django.urls import path

from casefiles.portal import licenses as views

app_name = "licenses"

urlpatterns = [
    path("licenses/verify/", views.verify_page, name="verify"),
    path("licenses/keys.json", views.public_keys, name="keys"),
    path("licenses/shared/<str:token>/", views.shared_page, name="shared"),
    path("my/licenses/", views.my_licenses, name="wallet"),
    path("my/licenses/<str:identifier>/", views.license_page, name="license"),
    path("my/licenses/<str:identifier>/certificate.pdf", views.certificate, name="certificate"),
    path("my/licenses/<str:identifier>/shares/", views.create_share, name="share"),
    path("my/licenses/<str:identifier>/shares/<int:share_id>/revoke/", views.revoke_share, name="revoke_share"),
]
