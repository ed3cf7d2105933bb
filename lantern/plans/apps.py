from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "lantern.plans"
    label = "plans"
    verbose_name = "Plans, reviews, feedback and transition"

    def ready(self) -> None:
        from . import case_panel, chronology  # noqa: F401
