from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "lantern.missing"
    label = "missing"
    verbose_name = "Missing from home or care"

    def ready(self) -> None:
        from . import chronology, person_panel, profile_panel  # noqa: F401
