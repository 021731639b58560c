from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "apps.privacy"
    verbose_name = "Privacy: data export and erasure"

    def ready(self) -> None:
        from apps.privacy import receivers  # noqa: F401 - connects the resume erasure
