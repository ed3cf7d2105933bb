from django.urls import path

from . import views

app_name = "tools"

urlpatterns = [
    path("young-people/<int:pk>/screenings/new/", views.screening_new, name="screening_new"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening_detail"),
    path("young-people/<int:pk>/outcomes/new/", views.outcome_new, name="outcome_new"),
    path("outcomes/<int:pk>/", views.outcome_detail, name="outcome_detail"),
    # Administrators: the tools loaded, and loading another.
    path("manage/", views.tool_list, name="tool_list"),
    path("manage/upload/", views.tool_upload, name="tool_upload"),
    path("manage/<str:kind>/<int:pk>/", views.tool_detail, name="tool_detail"),
    path("manage/<str:kind>/<int:pk>/active/", views.tool_active, name="tool_active"),
]
