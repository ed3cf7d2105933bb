from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "lantern.referrals"
    label = "referrals"
    verbose_name = "Call-in requests"

    def ready(self) -> None:
        from . import chronology, person_panel  # noqa: F401
