from django.urls import path

from . import access_views, views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("new/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/photo/", views.photo, name="photo"),
    path("<int:pk>/photo/change/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/names/new/", views.alias_add, name="alias_add"),
    path("<int:pk>/names/<int:alias_pk>/remove/", views.alias_remove, name="alias_remove"),
    path("<int:pk>/legal-status/new/", views.legal_status_add, name="legal_status_add"),
    path("<int:pk>/relationships/new/", views.relationship_add, name="relationship_add"),
    path("<int:pk>/adults/new/", views.adult_create, name="adult_create"),
    path("adults/<int:pk>/", views.adult_detail, name="adult_detail"),
    path("<int:pk>/restriction/", access_views.restriction, name="restriction"),
    path("<int:pk>/restriction/review/", access_views.restriction_review_page, name="restriction_review"),
    path("<int:pk>/restriction/lift/", access_views.restriction_remove_page, name="restriction_remove"),
    path("<int:pk>/break-glass/", access_views.break_glass, name="break_glass"),
    path("<int:pk>/shares/", access_views.shares, name="shares"),
    path("<int:pk>/shares/<int:share_pk>/stop/", access_views.share_revoke, name="share_revoke"),
]
