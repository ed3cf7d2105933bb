from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/export/", views.caseload_export, name="caseload_export"),
    path("team/", views.team, name="team"),
    path("capacity/", views.capacity, name="capacity"),
    path("capacity/<int:team_pk>/", views.capacity_edit, name="capacity_edit"),
    path("allocate/<int:request_pk>/", views.allocate, name="allocate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/second-worker/", views.second_worker, name="second_worker"),
    path("<int:pk>/enduring-worker/", views.enduring_worker, name="enduring_worker"),
    path("<int:pk>/social-care-closure/", views.social_care_closure, name="social_care_closure"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/closure-decision/", views.closure_decision, name="closure_decision"),
    path("<int:pk>/over-capacity-sign-off/", views.over_capacity_sign_off, name="over_capacity_sign_off"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
