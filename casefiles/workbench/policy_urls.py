"""惠企政策's pages in the admin (/admin/policies/…): 免申即享兑现 (the benefits, a benefit with its
payout) and 资质认定 (recording a qualification a department recognised)."""

from django.urls import path

from casefiles.workbench import policies

app_name = "policies_admin"

urlpatterns = [
    path("benefits/", policies.benefit_list, name="benefits"),
    path("benefits/<int:pk>/", policies.benefit_detail, name="benefit"),
    path("qualifications/", policies.qualifications, name="qualifications"),
]
