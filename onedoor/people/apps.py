from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "onedoor.people"
    label = "people"
