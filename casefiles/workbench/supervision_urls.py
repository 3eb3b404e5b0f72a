"""电子监察's pages in the admin (/admin/supervision/…): statistics, orders (督办), cards (红黄牌)."""

from django.urls import path

from casefiles.workbench import cards, orders, statistics

app_name = "supervision_admin"

urlpatterns = [
    # statistics (casefiles.workbench.statistics)
    path("statistics/", statistics.statistics_page, name="statistics"),
    # orders and cards (casefiles.workbench.orders, casefiles.workbench.cards)
    path("orders/", orders.order_list, name="orders"),
    path("orders/issue/", orders.issue_order, name="issue_order"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    path("cards/", cards.card_list, name="cards"),
]
