from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
]
