from django.urls import path

from . import views, views_import, views_profile, views_reports, views_returns

app_name = "missing"

urlpatterns = [
    path("", views.board, name="board"),
    path("settings/", views.settings_page, name="settings"),
    path("young-people/<int:pk>/episodes/new/", views.episode_new, name="episode_new"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode_detail"),
    path("episodes/<int:pk>/edit/", views.episode_edit, name="episode_edit"),
    path("episodes/<int:pk>/return/", views.episode_return, name="episode_return"),
    path("episodes/<int:pk>/no-interview/", views.episode_no_interview, name="episode_no_interview"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
    path("interviews/<int:pk>/allocate/", views.interview_allocate, name="interview_allocate"),
    path("interviews/<int:pk>/attempt/", views.interview_attempt, name="interview_attempt"),
    path("interviews/<int:pk>/offer/", views.interview_offer, name="interview_offer"),
    path("interviews/<int:pk>/record/", views.interview_record, name="interview_record"),
    path("interviews/<int:pk>/decline/", views.interview_decline, name="interview_decline"),
    path("interviews/<int:pk>/not-offered/", views.interview_not_offered, name="interview_not_offered"),
    path("interviews/<int:pk>/unable-to-contact/", views.interview_unable, name="interview_unable"),
    path("interviews/<int:pk>/cover/", views.interview_cover, name="interview_cover"),
    *views_import.urlpatterns,
    *views_profile.urlpatterns,
    *views_reports.urlpatterns,
    *views_returns.urlpatterns,
]
