from django.urls import path

from . import access_views, views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/restriction/", access_views.restriction, name="restriction"),
    path("<int:pk>/restriction/review/", access_views.restriction_review_page, name="restriction_review"),
    path("<int:pk>/restriction/lift/", access_views.restriction_remove_page, name="restriction_remove"),
    path("<int:pk>/break-glass/", access_views.break_glass, name="break_glass"),
    path("<int:pk>/shares/", access_views.shares, name="shares"),
    path("<int:pk>/shares/<int:share_pk>/stop/", access_views.share_revoke, name="share_revoke"),
]
