from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("cases/<int:case_pk>/", views.case_plans, name="case_plans"),
    path("cases/<int:case_pk>/new/", views.plan_new, name="plan_new"),
    path("cases/<int:case_pk>/feedback/new/", views.feedback_new, name="feedback_new"),
    path("cases/<int:case_pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/safety-map/add/", views.safety_map_add, name="safety_map_add"),
    path("safety-map/<int:entry_pk>/remove/", views.safety_map_remove, name="safety_map_remove"),
    path("<int:pk>/goals/add/", views.goal_add, name="goal_add"),
    path("goals/<int:goal_pk>/progress/", views.goal_status, name="goal_status"),
    path("<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("actions/<int:action_pk>/status/", views.action_status, name="action_status"),
    path("<int:pk>/reviews/new/", views.review_new, name="review_new"),
]
