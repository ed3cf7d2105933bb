from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("cases/<int:case_pk>/", views.contact_list, name="case_contacts"),
    path("cases/<int:case_pk>/new/", views.contact_new, name="contact_new"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("cases/<int:case_pk>/formulations/", views.formulation_list, name="case_formulations"),
    path("cases/<int:case_pk>/formulations/new/", views.formulation_new, name="formulation_new"),
    path("formulations/<int:pk>/", views.formulation_detail, name="formulation_detail"),
    path("cases/<int:case_pk>/consultations/new/", views.consultation_note_new, name="consultation_note_new"),
    path("cases/<int:case_pk>/joint-working/", views.joint_working_list, name="case_joint_working"),
    path("cases/<int:case_pk>/joint-working/new/", views.joint_working_new, name="joint_working_new"),
]
