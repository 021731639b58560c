from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "apps.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        from apps.core.cache import register_catalog_version
        from apps.dashboard import catalog, signals

        signals.connect()
        register_catalog_version(catalog.current_version)
