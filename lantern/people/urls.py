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
    path("<int:pk>/relationships/<int:relationship_pk>/end/", views.relationship_end, name="relationship_end"),
    path(
        "<int:pk>/relationships/<int:relationship_pk>/remove/",
        views.relationship_remove,
        name="relationship_remove",
    ),
    path("<int:pk>/households/new/", views.household_add, name="household_add"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/adults/add/", views.household_adult_add, name="household_adult_add"),
    path("households/<int:pk>/adults/new/", views.household_adult_create, name="household_adult_create"),
    path(
        "households/<int:pk>/young-people/<int:member_pk>/remove/",
        views.household_young_person_remove,
        name="household_young_person_remove",
    ),
    path(
        "households/<int:pk>/adults/<int:member_pk>/remove/",
        views.household_adult_remove,
        name="household_adult_remove",
    ),
    path("<int:pk>/restriction/", access_views.restriction, name="restriction"),
    path("<int:pk>/restriction/review/", access_views.restriction_review_page, name="restriction_review"),
    path("<int:pk>/restriction/lift/", access_views.restriction_remove_page, name="restriction_remove"),
    path("<int:pk>/break-glass/", access_views.break_glass, name="break_glass"),
    path("<int:pk>/shares/", access_views.shares, name="shares"),
    path("<int:pk>/shares/<int:share_pk>/stop/", access_views.share_revoke, name="share_revoke"),
]
