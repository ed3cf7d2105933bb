from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("lantern.core.urls")),
    path("", include("lantern.accounts.urls")),
    path("people/", include("lantern.people.urls")),
    path("cases/", include("lantern.cases.urls")),
    path("requests/", include("lantern.referrals.urls")),
    path("tools/", include("lantern.tools.urls")),
    path("contacts/", include("lantern.contacts.urls")),
    path("plans/", include("lantern.plans.urls")),
    path("missing/", include("lantern.missing.urls")),
    path("audit/", include("lantern.audit.urls")),
    path("django-admin/", admin.site.urls),
]
