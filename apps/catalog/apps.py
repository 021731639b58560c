from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Loads `data/` (skills, tracks, projects, companies, roles, questions) into every app's models.

    The one app that writes several domain apps' catalog models, so the domain apps need not import
    each other for it (docs/architecture.md, "Layers").
    """

    name = "apps.catalog"
    label = "catalog"
