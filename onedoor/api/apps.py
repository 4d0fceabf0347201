from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "onedoor.api"
    label = "api"
