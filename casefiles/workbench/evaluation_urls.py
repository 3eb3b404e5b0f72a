"""好差评's pages in the admin (/admin/evaluations/…): reviews, a review with its rectification
and exclusion, the rectification archive (整改档案), the requests to exclude waiting."""

from django.urls import path

from casefiles.workbench import evaluations

app_name = "evaluations_admin"

urlpatterns = [
    path("", evaluations.review_list, name="reviews"),
    path("<int:pk>/", evaluations.review_detail, name="review"),
    path("archive/", evaluations.archive, name="archive"),
    path("exclusions/", evaluations.exclusions_waiting, name="exclusions"),
]
