from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "lantern.tools"
    label = "tools"
    verbose_name = "Screening and outcome tools"
