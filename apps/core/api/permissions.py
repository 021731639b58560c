"""API permissions, composed from DRF's own: `IsAdminUser` is "staff" everywhere."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAdminUser, IsAuthenticated


class ReadOnly(BasePermission):
    """GET, HEAD and OPTIONS."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS


# Everyone signed in reads (each selector decides what they see); only staff write.
SignedInReadsStaffWrites = IsAuthenticated & (ReadOnly | IsAdminUser)

__all__ = ["IsAdminUser", "ReadOnly", "SignedInReadsStaffWrites"]
