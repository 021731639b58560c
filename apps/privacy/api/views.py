"""/api/v1/me/ (GET and PATCH from accounts, DELETE here) and /api/v1/me/export/ (shared/API.md)."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.api.views import MeApi as AccountMeApi
from apps.privacy import selectors, services


class MeApi(AccountMeApi):
    class DeleteInputSerializer(serializers.Serializer):
        password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)

    @extend_schema(request=DeleteInputSerializer, responses={204: None, 400: OpenApiResponse(description="Wrong password")},
                   description="Delete the account and everything derived from it (resumes and their files, "
                   "interviews, answers, progress, portfolio, readiness history, tokens, sessions).")
    def delete(self, request: Request) -> Response:
        data = self.DeleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_erase(user=request.user, password=data.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportApi(APIView):
    @extend_schema(responses={200: {"type": "object", "additionalProperties": True}},
                   description="Every object of the signed-in learner as one JSON document.")
    def get(self, request: Request) -> Response:
        body: dict[str, Any] = selectors.user_export(user=request.user)
        return Response(body, headers={"Content-Disposition": 'attachment; filename="my-data.json"'})
