from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("lantern.core.urls")),
    path("", include("lantern.accounts.urls")),
    path("people/", include("lantern.people.urls")),
    path("cases/", include("lantern.cases.urls")),
    path("audit/", include("lantern.audit.urls")),
    path("django-admin/", admin.site.urls),
]
