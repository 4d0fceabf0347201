from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onedoor.accounts"
    label = "accounts"
