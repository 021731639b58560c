from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import SlugsField
from apps.roadmap import selectors, services
from apps.roadmap.models import ProjectTemplate, Skill, Topic, TopicProgress, Track


class TrackListApi(ListAPIView):
    class OutputSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        title = serializers.CharField()
        summary = serializers.CharField()
        source = serializers.CharField()
        stage_kind = serializers.CharField()
        duration_weeks = serializers.FloatField()
        stage_count = serializers.IntegerField()
        topic_count = serializers.IntegerField()

    serializer_class = OutputSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.track_list()


class TrackDetailApi(APIView):
    class ResourceOutput(serializers.Serializer):
        title = serializers.CharField()
        url = serializers.CharField()
        kind = serializers.CharField()

    class TopicOutput(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        subtopics = serializers.ListField(child=serializers.CharField())
        skills = SlugsField()
        resources = serializers.SerializerMethodField()

        def get_resources(self, topic: Topic) -> list[dict]:
            return list(TrackDetailApi.ResourceOutput(topic.resources.all(), many=True).data)

    class StageOutput(serializers.Serializer):
        id = serializers.IntegerField()
        order = serializers.IntegerField()
        title = serializers.CharField()
        kind = serializers.CharField()
        group = serializers.CharField()
        duration_weeks = serializers.FloatField()
        topics = serializers.SerializerMethodField()

        def get_topics(self, stage) -> list[dict]:  # type: ignore[no-untyped-def]
            return list(TrackDetailApi.TopicOutput(stage.topics.all(), many=True).data)

    class OutputSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        title = serializers.CharField()
        summary = serializers.CharField()
        source = serializers.CharField()
        duration_weeks = serializers.FloatField()
        suggested_hours_per_week = serializers.IntegerField()
        stages = serializers.SerializerMethodField()

        def get_stages(self, track: Track) -> list[dict]:
            return list(TrackDetailApi.StageOutput(track.stages.all(), many=True).data)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, slug: str) -> Response:
        try:
            track = selectors.track_detail(slug=slug)
        except Track.DoesNotExist:
            return Response({"detail": "Not found.", "errors": {}}, status=404)
        return Response(self.OutputSerializer(track).data)


class SkillListApi(ListAPIView):
    class OutputSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        name = serializers.CharField()
        category = serializers.CharField(source="category.slug")

    serializer_class = OutputSerializer
    queryset = Skill.objects.select_related("category")


class TopicProgressApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=TopicProgress.Status.choices)
        confidence = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
        notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    class OutputSerializer(serializers.Serializer):
        topic = serializers.IntegerField(source="topic_id")
        status = serializers.CharField()
        confidence = serializers.IntegerField(allow_null=True)
        notes = serializers.CharField()
        started_at = serializers.DateTimeField(allow_null=True)
        completed_at = serializers.DateTimeField(allow_null=True)
        verified = serializers.SerializerMethodField()
        updated_at = serializers.DateTimeField()

        def get_verified(self, progress: TopicProgress) -> bool:
            return progress.verified_at is not None

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def put(self, request: Request, topic_id: int) -> Response:
        topic = get_object_or_404(Topic.objects.select_related("stage__track"), pk=topic_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        progress = services.topic_progress_set(
            user=request.user, topic=topic, status=values["status"], confidence=values.get("confidence"),
            notes=values.get("notes"), clear_confidence="confidence" in values and values["confidence"] is None,
        )
        return Response(self.OutputSerializer(progress).data)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, topic_id: int) -> Response:
        progress = get_object_or_404(TopicProgress, user=request.user, topic_id=topic_id)
        return Response(self.OutputSerializer(progress).data)


class EnrollmentApi(APIView):
    """Extra to the contract: enrol in a track (PUT) or leave it (DELETE)."""

    class InputSerializer(serializers.Serializer):
        hours_per_week = serializers.IntegerField(min_value=1, max_value=80, required=False)

    @extend_schema(request=InputSerializer, responses={200: None})
    def put(self, request: Request, slug: str) -> Response:
        track = get_object_or_404(Track, slug=slug)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_upsert(user=request.user, track=track, hours_per_week=data.validated_data.get("hours_per_week"))
        return Response({"track": track.slug, "hours_per_week": enrollment.hours_per_week, "started_on": enrollment.started_on})

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        track = get_object_or_404(Track, slug=slug)
        services.enrollment_delete(user=request.user, track=track)
        return Response(status=204)


class ProjectTemplateListApi(ListAPIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        key = serializers.SlugField()
        title = serializers.CharField()
        level = serializers.CharField()
        description = serializers.CharField()
        skills = SlugsField()
        tech_stack = serializers.ListField(child=serializers.CharField())
        deliverables = serializers.ListField(child=serializers.CharField())
        track = serializers.CharField(source="track.slug", allow_null=True, default=None)

    serializer_class = OutputSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        queryset = ProjectTemplate.objects.select_related("track").prefetch_related("skills").order_by("level", "title")
        if level := self.request.query_params.get("level"):
            queryset = queryset.filter(level=level)
        if skill := self.request.query_params.get("skill"):
            queryset = queryset.filter(skills__slug=skill)
        return queryset
