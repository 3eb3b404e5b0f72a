from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.public_search, name="public"),
    path("suggest/", views.suggest, name="suggest"),
]
