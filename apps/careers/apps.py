from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "apps.careers"
    label = "careers"
