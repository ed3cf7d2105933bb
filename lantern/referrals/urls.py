from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("export.csv", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("waiting-list/", views.waiting_list, name="waiting_list"),
    path("timescales/", views.timescales, name="timescales"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/consultation/", views.consultation, name="consultation"),
    path("<int:pk>/priority/", views.priority, name="priority"),
    path("<int:pk>/transition/", views.transition, name="transition"),
]
