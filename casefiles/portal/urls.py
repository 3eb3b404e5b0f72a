"""The applicant portal: applying online, 我的空间, 我的办件, 我的消息, 惠企政策 (the calculator, 一企一档,
subscriptions, 免申即享), and the anonymous progress look-up.

The progress URL is also printed (as a QR code) on every notice: casefiles.notices.documents.progress_url.
"""

from django.urls import include, path

from casefiles.portal import (agents, bundles, enterprises, evaluations, favourites, figures, messages, policy_pages,
                              space_views, views)

app_name = "casefiles"

urlpatterns = [
    path("apply/bundle/<str:bundle_code>/", bundles.apply_bundle, name="apply_bundle"),
    path("apply/activities/", bundles.apply_activities, name="apply_activities"),
    path("apply/<str:item_code>/", views.apply, name="apply"),
    # 我的空间: the signed-in user's own page (profile, account security, the ways to the rest)
    path("my/", space_views.my_space, name="my_space"),
    # 收藏: the ♡ on a guide, a bundle or a policy, and 我的收藏
    path("my/favourites/", favourites.my_favourites, name="my_favourites"),
    path("favourites/<int:page_id>/", favourites.toggle, name="favourite_toggle"),
    path("my/cases/", views.my_cases, name="my_cases"),
    path("my/cases/<str:number>/", views.case_page, name="case"),
    path("my/cases/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("my/cases/<str:number>/materials/<int:pk>/", views.material_file, name="material_file"),
    path("my/cases/<str:number>/notices/<int:pk>/", views.notice_pdf, name="notice_pdf"),
    path("progress/", views.progress_page, name="progress"),
    # 好差评: a closed case's review, the notice's signed link (扫码评价), the counter's page (评价器, no sign-in)
    path("my/cases/<str:number>/evaluation/", evaluations.evaluate_case, name="evaluate_case"),
    path("evaluate/<str:token>/", evaluations.evaluate_link, name="evaluate_link"),
    path("rate/<str:token>/", evaluations.rate_visit, name="rate_visit"),
    # 办件公示: each department's monthly cases and on-time rate, for everyone
    path("figures/", figures.public_figures, name="public_figures"),
    # 我的消息: the message centre (站内消息)
    path("my/messages/", messages.my_messages, name="messages"),
    path("my/messages/read-all/", messages.mark_all_read, name="messages_read_all"),
    path("my/messages/<int:pk>/read/", messages.mark_read, name="message_read"),
    # 帮办代办: the applicant's agents
    path("my/agents/", agents.my_agents, name="my_agents"),
    path("my/cases/<str:number>/agents/", agents.case_agents, name="case_agents"),
    path("my/cases/<str:number>/agents/<int:pk>/revoke/", agents.revoke_agent, name="revoke_agent"),
    path("my/cases/<str:number>/agents/<int:pk>/document/", agents.authorisation_document, name="authorisation_document"),
    # 我的企业: the enterprises one acts for, registering one, its members (casefiles.members)
    # 惠企政策: 政策计算器 (anyone) and 一键申报, 一企一档, 政策订阅, 免申即享 (casefiles.policies)
    path("policies/calculator/", policy_pages.calculator_page, name="policy_calculator"),
    path("policies/<int:pk>/apply/", policy_pages.apply_for_policy, name="apply_for_policy"),
    path("my/enterprises/<str:uscc>/file/", policy_pages.enterprise_file, name="enterprise_file"),
    path("my/enterprises/<str:uscc>/file/declaration/", policy_pages.declare, name="enterprise_declare"),
    path("my/enterprises/<str:uscc>/file/qualifications/", policy_pages.declare_qualification,
         name="enterprise_declare_qualification"),
    path("my/subscriptions/", policy_pages.my_subscriptions, name="policy_subscriptions"),
    path("my/subscriptions/<int:pk>/delete/", policy_pages.unsubscribe, name="policy_unsubscribe"),
    path("my/benefits/", policy_pages.my_benefits, name="benefits"),
    path("my/benefits/<int:pk>/", policy_pages.benefit_page, name="benefit"),
    path("my/benefits/<int:pk>/confirm/", policy_pages.confirm_benefit, name="confirm_benefit"),
    path("my/benefits/<int:pk>/decline/", policy_pages.decline_benefit, name="decline_benefit"),
    path("my/enterprises/", include(enterprises.urlpatterns)),
]
