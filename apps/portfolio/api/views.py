from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import SlugsField
from apps.core.api.pagination import PageNumberPagination as DefaultPagination
from apps.portfolio import selectors, services
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import ProjectTemplate, Skill


class ProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    template = serializers.IntegerField(source="template_id", allow_null=True)
    title = serializers.CharField()
    repo_url = serializers.CharField()
    demo_url = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.CharField()
    skills = SlugsField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class ProjectInput(serializers.Serializer):
    template = serializers.PrimaryKeyRelatedField(queryset=ProjectTemplate.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(max_length=200, required=False)
    repo_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    demo_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=PortfolioProject.Status.choices, required=False)
    skills = serializers.SlugRelatedField(slug_field="slug", queryset=Skill.objects.all(), many=True, required=False)


class PortfolioListApi(APIView):
    pagination_class = DefaultPagination  # tells the OpenAPI schema the list is paginated
    class InputSerializer(ProjectInput):
        def validate(self, attrs: dict) -> dict:
            if not attrs.get("title") and not attrs.get("template"):
                raise serializers.ValidationError({"title": ["Give a title or pick a template."]})
            return attrs

    @extend_schema(responses=ProjectOutput(many=True))
    def get(self, request: Request) -> Response:
        paginator: PageNumberPagination = DefaultPagination()
        page = paginator.paginate_queryset(selectors.projects_for(user=request.user, status=request.query_params.get("status")), request, view=self)
        return paginator.get_paginated_response(ProjectOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ProjectOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(user=request.user, **data.validated_data)
        return Response(ProjectOutput(project).data, status=status.HTTP_201_CREATED)


class PortfolioDetailApi(APIView):
    class InputSerializer(ProjectInput):
        pass

    def _get(self, request: Request, project_id: int) -> PortfolioProject:
        return get_object_or_404(selectors.projects_for(user=request.user), pk=project_id)

    @extend_schema(responses=ProjectOutput)
    def get(self, request: Request, project_id: int) -> Response:
        return Response(ProjectOutput(self._get(request, project_id)).data)

    @extend_schema(request=InputSerializer, responses=ProjectOutput)
    def patch(self, request: Request, project_id: int) -> Response:
        project = self._get(request, project_id)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("template", None)
        project = services.project_update(project=project, **values)
        return Response(ProjectOutput(project).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, project_id: int) -> Response:
        services.project_delete(project=self._get(request, project_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
