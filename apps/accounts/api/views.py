from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import services
from apps.careers.models import JobRole
from apps.core.exceptions import ApplicationError


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()


class MeOutput(UserOutput):
    is_staff = serializers.BooleanField()
    target_role = serializers.IntegerField(source="target_role_id", allow_null=True)
    hours_per_week = serializers.IntegerField()


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, write_only=True)
        display_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(allow_null=True, help_text="null where email verification is mandatory.")
        email = serializers.EmailField()
        display_name = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, auth=[],
                   description="Sends a confirmation email. Where verification is mandatory (production) the "
                   "answer is the same for a taken email (its owner gets an email instead) and `id` is null.")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.user_register(request=request._request, **data.validated_data)
        body = {
            "id": None if services.email_verification_mandatory() else registration.user.pk,  # type: ignore[union-attr]
            "email": registration.email,
            "display_name": registration.display_name,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(max_length=128, write_only=True)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expiry = serializers.DateTimeField(allow_null=True, help_text="Renewed by use, up to a maximum lifetime.")

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.user_token_obtain(**data.validated_data)
        return Response(self.OutputSerializer({"token": issued.key, "expiry": issued.expiry}).data)


class TokenRevokeApi(APIView):
    """Sign-out for API clients: the token sent with this request stops working."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if request.auth is None or not hasattr(request.auth, "digest"):  # a browser session, not a token
            raise ApplicationError("Send the API token to revoke in the Authorization header.")
        services.user_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRevokeAllApi(APIView):
    """Sign out every API client of this account."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        services.user_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
        target_role = serializers.PrimaryKeyRelatedField(queryset=JobRole.objects.all(), required=False, allow_null=True)
        hours_per_week = serializers.IntegerField(min_value=1, max_value=80, required=False)

    @extend_schema(responses={200: MeOutput})
    def get(self, request: Request) -> Response:
        return Response(MeOutput(request.user).data)

    @extend_schema(request=InputSerializer, responses={200: MeOutput})
    def patch(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **data.validated_data)
        return Response(MeOutput(user).data)
