from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lantern.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from . import chronology, person_panel  # noqa: F401
