from drf_spectacular.openapi import AutoSchema as _AutoSchema


class AutoSchema(_AutoSchema):
    """Component names that stay unique across apps.

    Nested ``InputSerializer`` / ``OutputSerializer`` classes (HackSoft style) are named after their view
    (``TokenApiInputSerializer`` → ``TokenInput``); module-level serializers get their app's name in
    front (``apps.resumes.api.views.GapOutput`` → ``ResumesGapOutput``), so two apps may both have a
    ``GapOutput``.
    """

    def get_serializer_name(self, serializer, direction):  # type: ignore[no-untyped-def]
        cls = serializer if isinstance(serializer, type) else type(serializer)
        parts = cls.__qualname__.split(".")
        if len(parts) >= 2 and parts[-1] in {"InputSerializer", "OutputSerializer", "FilterSerializer"}:
            return parts[-2].removesuffix("Api").removesuffix("View") + parts[-1]
        name = super().get_serializer_name(serializer, direction)
        module = cls.__module__.split(".")
        if len(parts) == 1 and len(module) > 1 and module[0] == "apps":
            prefix = module[1].capitalize()
            return name if name.startswith(prefix) else prefix + name
        return name
