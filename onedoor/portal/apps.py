from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "onedoor.portal"
    label = "portal"
