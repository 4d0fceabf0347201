from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "onedoor.cases"
    label = "cases"
