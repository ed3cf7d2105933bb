from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("account/", views.account, name="account"),
    path("account/sessions/", views.sessions, name="sessions"),
    path("account/sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("account/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/remove/", views.two_factor_remove, name="two_factor_remove"),
    # User administration (system administrators).
    path("manage/users/", views.user_list, name="user_list"),
    path("manage/users/new/", views.user_create, name="user_create"),
    path("manage/users/<int:pk>/", views.user_detail, name="user_detail"),
    path("manage/users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("manage/users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("manage/users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("manage/users/<int:pk>/two-factor/reset/", views.user_two_factor_reset, name="user_two_factor_reset"),
    path("manage/users/<int:pk>/memberships/new/", views.membership_add, name="membership_add"),
    path(
        "manage/users/<int:pk>/memberships/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("manage/organisations/", views.organisation_list, name="organisation_list"),
    path("manage/organisations/new/", views.organisation_create, name="organisation_create"),
    path("manage/teams/new/", views.team_create, name="team_create"),
]
