from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "lantern.contacts"
    label = "contacts"
    verbose_name = "Contacts, formulations and joint working"

    def ready(self) -> None:
        from . import case_panels, chronology  # noqa: F401
