"""/api/v1/: case files, materials, licenses in place of materials (免提交), notices, agents, the hand-out at the window, your enterprises, 惠企政策 (calculator, file, subscriptions, 免申即享, 一键申报), progress, messages, favourites, tokens, and the API's own schema and docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from casefiles.api import (agents, bundles, enterprises, evaluations, favourites, handlers, messages, policies,
                           rectifications, root, statistics, supervision, views)

app_name = "casefiles_api"

urlpatterns = [
    path("", root.ApiRootView.as_view(), name="root"),  # the endpoints below without a parameter, with links
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/<str:number>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<str:number>/form/", views.CaseFormView.as_view(), name="case-form"),
    path("items/<str:item_code>/form/", views.ItemFormView.as_view(), name="item-form"),
    path("cases/<str:number>/transitions/<slug:name>/", views.TransitionView.as_view(), name="case-transition"),
    path("cases/<str:number>/evaluation/", evaluations.CaseEvaluationView.as_view(), name="case-evaluation"),  # 好差评
    path("cases/<str:number>/events/", views.EventListView.as_view(), name="case-events"),
    path("cases/<str:number>/materials/", views.MaterialListView.as_view(), name="material-list"),
    path("cases/<str:number>/materials/promise/", views.MaterialPromiseView.as_view(), name="material-promise"),
    path("cases/<str:number>/materials/<int:material_id>/", views.MaterialDetailView.as_view(), name="material-detail"),
    path("cases/<str:number>/materials/<int:material_id>/file", views.MaterialFileView.as_view(), name="material-file"),
    path("cases/<str:number>/licenses/", views.LicenseOfferView.as_view(), name="case-licenses"),
    path("cases/<str:number>/licenses/<int:requirement_id>/", views.LicenseUseView.as_view(), name="case-license-use"),
    # 承办人: a case's handlers per stage, and the caller's own cases
    path("cases/<str:number>/handlers/", handlers.CaseHandlersView.as_view(), name="case-handlers"),
    path("cases/<str:number>/handlers/<slug:stage>/<slug:action>/", handlers.HandlerActionView.as_view(),
         name="case-handler-action"),
    path("staff/my-cases/", handlers.MyCasesView.as_view(), name="staff-my-cases"),
    path("cases/<str:number>/notices/", views.NoticeListView.as_view(), name="case-notices"),
    path("notices/<str:notice_number>/pdf", views.NoticePdfView.as_view(), name="notice-pdf"),
    # 帮办代办 and 统一出件
    path("authorisations/", agents.MyAuthorisationsView.as_view(), name="my-authorisations"),
    path("cases/<str:number>/authorisations/", agents.CaseAuthorisationsView.as_view(), name="case-authorisations"),
    path("cases/<str:number>/authorisations/<int:authorisation_id>/revoke/", agents.RevokeAuthorisationView.as_view(),
         name="authorisation-revoke"),
    path("cases/<str:number>/authorisations/<int:authorisation_id>/document", agents.AuthorisationDocumentView.as_view(),
         name="authorisation-document"),
    path("cases/<str:number>/hand-out/", agents.HandOutView.as_view(), name="case-hand-out"),
    path("bundles/", bundles.BundleListView.as_view(), name="bundle-list"),
    path("bundles/<str:number>/", bundles.BundleDetailView.as_view(), name="bundle-detail"),
    path("bundles/<str:number>/materials/", bundles.BundleMaterialView.as_view(), name="bundle-materials"),
    path("bundles/<str:number>/submit/", bundles.BundleSubmitView.as_view(), name="bundle-submit"),
    path("bundles/<str:number>/withdraw/", bundles.BundleWithdrawView.as_view(), name="bundle-withdraw"),
    path("activities/", bundles.ActivityListView.as_view(), name="activity-list"),
    path("activities/proposal/", bundles.ProposalView.as_view(), name="activity-proposal"),
    path("enterprises/mine/", enterprises.MyEnterprisesView.as_view(), name="enterprises-mine"),
    # 惠企政策: 政策计算器, 一企一档, subscriptions, 免申即享, 一键申报
    path("policies/calculator/", policies.CalculatorView.as_view(), name="policy-calculator"),
    path("policies/<int:policy_id>/apply/", policies.PolicyApplyView.as_view(), name="policy-apply"),
    path("enterprises/<str:uscc>/file/", policies.EnterpriseFileView.as_view(), name="enterprise-file"),
    path("enterprises/<str:uscc>/file/declaration/", policies.DeclarationView.as_view(),
         name="enterprise-file-declaration"),
    path("policy-subscriptions/", policies.SubscriptionListView.as_view(), name="policy-subscription-list"),
    path("policy-subscriptions/<int:subscription_id>/", policies.SubscriptionDetailView.as_view(),
         name="policy-subscription-detail"),
    path("benefits/", policies.BenefitListView.as_view(), name="benefit-list"),
    path("benefits/<int:benefit_id>/", policies.BenefitDetailView.as_view(), name="benefit-detail"),
    path("benefits/<int:benefit_id>/confirm/", policies.BenefitConfirmView.as_view(), name="benefit-confirm"),
    path("benefits/<int:benefit_id>/decline/", policies.BenefitDeclineView.as_view(), name="benefit-decline"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    # 站内消息: the caller's own inbox
    path("messages/", messages.MessageListView.as_view(), name="message-list"),
    path("messages/unread-count/", messages.UnreadCountView.as_view(), name="message-unread-count"),
    path("messages/read-all/", messages.MarkAllReadView.as_view(), name="message-read-all"),
    path("messages/<int:message_id>/read/", messages.MarkReadView.as_view(), name="message-read"),
    # 收藏: the caller's favourite guides, bundles and policies
    path("favourites/", favourites.FavouriteListView.as_view(), name="favourite-list"),
    path("favourites/<int:page_id>/", favourites.FavouriteDetailView.as_view(), name="favourite-detail"),
    # 电子监察's statistics, and 办件公示 for everyone
    path("statistics/<slug:figure>/", statistics.StatisticsView.as_view(), name="statistics"),
    path("public/figures/", statistics.PublicFiguresView.as_view(), name="public-figures"),
    # 电子监察: supervision orders (督办) and cards (红黄牌)
    path("supervision/orders/", supervision.OrderListView.as_view(), name="supervision-order-list"),
    path("supervision/orders/<int:order_id>/", supervision.OrderDetailView.as_view(), name="supervision-order-detail"),
    path("supervision/orders/<int:order_id>/reply/", supervision.OrderReplyView.as_view(),
         name="supervision-order-reply"),
    path("supervision/cards/", supervision.CardListView.as_view(), name="supervision-card-list"),
    # 好差评 for staff: the reviews, a review's rectification (整改) and the request to exclude it (申请剔除)
    path("evaluations/", rectifications.EvaluationListView.as_view(), name="evaluation-list"),
    path("evaluations/<int:evaluation_id>/rectification/", rectifications.RectificationView.as_view(),
         name="evaluation-rectification"),
    path("evaluations/<int:evaluation_id>/rectification/action/", rectifications.RectificationActionView.as_view(),
         name="evaluation-rectification-action"),
    path("evaluations/<int:evaluation_id>/rectification/callback/",
         rectifications.RectificationCallbackView.as_view(), name="evaluation-rectification-callback"),
    path("evaluations/<int:evaluation_id>/exclusion/", rectifications.ExclusionRequestView.as_view(),
         name="evaluation-exclusion"),
    path("evaluations/<int:evaluation_id>/exclusion/decide/", rectifications.ExclusionDecideView.as_view(),
         name="evaluation-exclusion-decide"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    # Schema and docs cover every path under /api/v1/ (config.api.only_public_api); Swagger UI
    # is served from drf-spectacular-sidecar's static files, not a CDN, and its start-up script
    # from this same URL (the split view), so that the page needs no inline script (config/csp.py).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="casefiles_api:schema"), name="docs"),
]
