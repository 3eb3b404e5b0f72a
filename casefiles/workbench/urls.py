from django.urls import path

from casefiles.workbench import checks, claims, frontdesk, rating, realname, views

app_name = "casefiles_workbench"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    # 一窗受理: before "<number>/", which would take "frontdesk" for a case number.
    path("frontdesk/", frontdesk.file_application, name="frontdesk"),
    path("frontdesk/real-name/", realname.verify_in_person, name="verify_in_person"),  # before "frontdesk/<number>/"
    path("frontdesk/rating/", rating.open_visit, name="frontdesk_rating"),  # 评价器: before "frontdesk/<number>/"
    path("frontdesk/<str:number>/", frontdesk.scan_materials, name="frontdesk_scan"),
    path("checks/", checks.checks, name="checks"),  # 核查 after a 告知承诺 approval
    path("checks/<str:number>/", checks.check, name="check"),
    path("enterprise-claims/", claims.claims, name="enterprise_claims"),
    path("enterprise-claims/<int:pk>/", claims.decide_claim, name="decide_enterprise_claim"),
    path("<str:number>/hand-out/", frontdesk.hand_out, name="hand_out"),
    path("<str:number>/authorisations/<int:pk>/document/", frontdesk.authorisation_document,
         name="authorisation_document"),
    path("bundles/<str:number>/", views.bundle_view, name="bundle"),
    path("<str:number>/", views.case_view, name="case"),
    path("<str:number>/steps/<slug:name>/", views.perform_step, name="step"),
    path("<str:number>/handlers/<slug:stage>/<slug:action>/", views.handler_action, name="handler_action"),
    path("<str:number>/guide/", views.filed_guide, name="filed_guide"),
    path("<str:number>/special-procedure/start/", views.start_special_procedure, name="start_special_procedure"),
    path("<str:number>/special-procedure/end/", views.end_special_procedure, name="end_special_procedure"),
    path("<str:number>/materials/<int:material_id>/review/", views.review_material, name="review_material"),
    path("<str:number>/materials/<int:material_id>/download/", views.material_file, name="material_download"),
    path("<str:number>/materials/<int:material_id>/preview/", views.material_file, {"inline": True},
         name="material_preview"),
    path("<str:number>/notices/<int:notice_id>/download/", views.notice_file, name="notice_download"),
    path("<str:number>/notices/<int:notice_id>/view/", views.notice_file, {"inline": True}, name="notice_view"),
]
