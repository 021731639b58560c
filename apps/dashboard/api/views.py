from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.exceptions import ApplicationError
from apps.dashboard import learner_state, selectors
from apps.roadmap.selectors import track_progress_for


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


class ProgressApi(APIView):
    """The learner's progress per track and coverage per skill (`shared/API.md`). Served from this layer
    because the coverage is the learner's stored state (`LearnerState.coverage`, the same rule as
    `apps.roadmap.selectors.skill_coverage_for`), not recomputed from every catalog topic per request."""

    class TrackOutput(serializers.Serializer):
        slug = serializers.SlugField()
        done = serializers.IntegerField()
        in_progress = serializers.IntegerField()
        total = serializers.IntegerField()
        percent = serializers.IntegerField()

    class OutputSerializer(serializers.Serializer):
        tracks = serializers.ListField(child=serializers.DictField())
        skills = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        tracks = self.TrackOutput(track_progress_for(user=request.user), many=True).data
        state, maps = learner_state.state_for(user=request.user)
        skills = [{"slug": slug, "coverage": round(state.coverage.get(slug, 0.0), 3)} for slug in sorted(maps.skill_names)]
        return Response({"tracks": tracks, "skills": skills})
