from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "onedoor.console"
    label = "console"
