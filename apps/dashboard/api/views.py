from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.exceptions import ApplicationError
from apps.dashboard import selectors


class ReadinessApi(APIView):
    class FilterSerializer(serializers.Serializer):
        role = serializers.IntegerField(required=False, min_value=1)

    class OutputSerializer(serializers.Serializer):
        role = serializers.DictField()
        score = serializers.IntegerField()
        components = serializers.DictField(child=serializers.IntegerField())
        explanations = serializers.DictField(child=serializers.CharField())
        next_steps = serializers.ListField(child=serializers.DictField())

    @extend_schema(parameters=[OpenApiParameter("role", int, description="Job role id; default: your target role")],
                   responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        role_id = params.validated_data.get("role") or request.user.target_role_id
        if not role_id:
            raise ApplicationError("Pass ?role=<id> or set a target role first.", errors={"role": ["Required."]})
        result = selectors.readiness_for(user=request.user, role=role_id)
        if result is None:
            raise Http404("No such role.")
        components = result.readiness.components
        return Response({
            "role": {"id": result.role.id, "title": result.role.title},
            "score": result.readiness.score,
            "components": {name: c.score for name, c in components.items()},
            "explanations": {name: c.why for name, c in components.items()},
            "next_steps": [s.as_dict() for s in result.next_steps],
        })
