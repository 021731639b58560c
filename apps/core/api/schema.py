from drf_spectacular.openapi import AutoSchema as _AutoSchema


class AutoSchema(_AutoSchema):
    """Names components after their view too, so nested ``InputSerializer`` classes (HackSoft style) stay distinct."""

    def get_serializer_name(self, serializer, direction):  # type: ignore[no-untyped-def]
        cls = serializer if isinstance(serializer, type) else type(serializer)
        parts = cls.__qualname__.split(".")
        if len(parts) >= 2 and parts[-1] in {"InputSerializer", "OutputSerializer", "FilterSerializer"}:
            return parts[-2].removesuffix("Api").removesuffix("View") + parts[-1]
        return super().get_serializer_name(serializer, direction)
