from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lantern.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from . import chronology  # noqa: F401
