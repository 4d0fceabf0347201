from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "onedoor.intake"
    label = "intake"
