from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "onedoor.notify"
    label = "notify"
