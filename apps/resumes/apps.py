from django.apps import AppConfig


class ResumesConfig(AppConfig):
    name = "apps.resumes"
    label = "resumes"

    def ready(self) -> None:
        from apps.resumes import receivers  # noqa: F401 - connects the signal receivers
