from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
    path("young-people/<int:pk>/", views.young_person, name="young_person"),
]
