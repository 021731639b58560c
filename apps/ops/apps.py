from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What operators see: the staff operations page and the Prometheus endpoint. The top layer: it
    reads every app (recent failures, the last catalog load) and no app imports it."""

    name = "apps.ops"
    label = "ops"
    verbose_name = "Operations"
