from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class SlugsField(serializers.Field):
    """Read-only: the slugs of a (prefetched) many-to-many relation, e.g. a topic's skills."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: object) -> list[str]:
        return [item.slug for item in value.all()]  # type: ignore[attr-defined]
