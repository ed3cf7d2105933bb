from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "lantern.plans"
    label = "plans"
    verbose_name = "Plans, reviews, feedback and transition"
