"""The question bank API (shared/API.md, "Question bank"): staff write, learners read published prompts only.

Learners get a different output serializer that has no key points, reference answer or follow-up
hints (nor the key, which often names the expected approach).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.careers.models import InterviewRound
from apps.core.api.pagination import PageNumberPagination
from apps.core.api.permissions import IsAdminUser, SignedInReadsStaffWrites
from apps.core.exceptions import ApplicationError
from apps.core.input_guard import reject_unstorable
from apps.questionbank import selectors, services
from apps.questionbank.interchange import rows_from_json, rows_from_upload, rows_to_csv
from apps.questionbank.models import Question, QuestionDraftJob
from apps.questionbank.validation import MAX_KEY_POINTS
from apps.roadmap.models import Skill

IsStaff = IsAdminUser  # the name this module exported before DRF's own class replaced it


# --- serializers shared by the views -----------------------------------------------------------------

@extend_schema_field(serializers.ListField(child=serializers.SlugField()))
class SkillSlugsField(serializers.Field):
    """The question's skill slugs, from the prefetched skills."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, question: Question) -> list[str]:
        return sorted(skill.slug for skill in question.skills.all())


class KeyPointSerializer(serializers.Serializer):
    id = serializers.RegexField(r"^[a-z][a-z0-9_-]{0,19}$", required=False,
                                help_text="Stable id of the point (k1, k2, ...); kept across edits. Optional on input.")
    text = serializers.CharField(max_length=500)
    weight = serializers.FloatField(min_value=1, max_value=3, default=1)
    follow_up = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                      help_text="The interviewer's question for a candidate who missed this point.")


class QuestionPublicOutput(serializers.Serializer):
    """What a learner sees: the prompt, never the rubric."""

    id = serializers.IntegerField()
    prompt = serializers.CharField(source="current_version.prompt", default="")
    round = serializers.CharField()
    difficulty = serializers.IntegerField()
    skills = SkillSlugsField()


class QuestionStaffOutput(QuestionPublicOutput):
    key = serializers.CharField()
    status = serializers.CharField()
    source = serializers.CharField()
    key_points = KeyPointSerializer(source="current_version.key_points", many=True, default=list)
    reference_answer = serializers.CharField(source="current_version.reference_answer", default="")
    follow_up_hints = serializers.SerializerMethodField(
        help_text="Deprecated: each key point's follow_up, in key-point order.")
    version = serializers.IntegerField(source="current_version.number", default=None, allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_follow_up_hints(self, question: Question) -> list[str]:
        version = question.current_version
        return [str(kp.get("follow_up") or "") for kp in (version.key_points if version else [])]


def question_output(question: Question, request: Request) -> dict[str, Any]:
    serializer = QuestionStaffOutput if request.user.is_staff else QuestionPublicOutput
    return serializer(question).data


class QuestionInputBase(serializers.Serializer):
    key = serializers.SlugField(max_length=120, required=False)
    prompt = serializers.CharField(max_length=4000, trim_whitespace=True)
    round = serializers.ChoiceField(choices=InterviewRound.choices)
    difficulty = serializers.IntegerField(min_value=1, max_value=3, default=2)
    skills = serializers.ListField(child=serializers.SlugField(max_length=60), max_length=12, default=list)
    key_points = KeyPointSerializer(many=True, min_length=1, max_length=MAX_KEY_POINTS)  # type: ignore[call-arg]
    reference_answer = serializers.CharField(max_length=20000, allow_blank=True, default="")
    follow_up_hints = serializers.ListField(
        child=serializers.CharField(max_length=500), max_length=10, required=False,
        help_text="Deprecated: one hint per key point, in order. Prefer key_points[].follow_up.",
    )


class QuestionFilterSerializer(serializers.Serializer):
    round = serializers.ChoiceField(choices=InterviewRound.choices, required=False)
    skill = serializers.SlugField(required=False)
    difficulty = serializers.IntegerField(min_value=1, max_value=3, required=False)
    status = serializers.ChoiceField(choices=Question.Status.choices, required=False)
    source = serializers.ChoiceField(choices=Question.Source.choices, required=False)
    q = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _filters(request: Request) -> dict[str, Any]:
    filters = QuestionFilterSerializer(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


LIST_PARAMETERS = [
    OpenApiParameter("round", str, enum=InterviewRound.values),
    OpenApiParameter("skill", str, description="A skill slug."),
    OpenApiParameter("difficulty", int, enum=[1, 2, 3]),
    OpenApiParameter("status", str, enum=Question.Status.values, description="Staff only; learners see published."),
    OpenApiParameter("source", str, enum=Question.Source.values),
    OpenApiParameter("q", str, description="Search: the prompt for learners; key, prompt, key points, "
                     "reference answer and hints for staff."),
]


# --- views -------------------------------------------------------------------------------------------

class QuestionListApi(APIView):
    pagination_class = PageNumberPagination  # tells the OpenAPI schema the list is paginated
    permission_classes = [SignedInReadsStaffWrites]

    class InputSerializer(QuestionInputBase):
        status = serializers.ChoiceField(
            choices=[Question.Status.DRAFT, Question.Status.PUBLISHED], default=Question.Status.DRAFT
        )

    @extend_schema(parameters=LIST_PARAMETERS, responses=QuestionPublicOutput(many=True),
                   description="Learners get published questions without key points, reference answer or hints; "
                   "staff get every field of QuestionStaffOutput.")
    def get(self, request: Request) -> Response:
        questions = selectors.question_list(user=request.user, **_filters(request))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(questions, request, view=self)
        serializer = QuestionStaffOutput if request.user.is_staff else QuestionPublicOutput
        return paginator.get_paginated_response(serializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: QuestionStaffOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_create(user=request.user, **data.validated_data)
        question = selectors.question_get(user=request.user, pk=question.pk)
        return Response(QuestionStaffOutput(question).data, status=status.HTTP_201_CREATED)


class QuestionDetailApi(APIView):
    permission_classes = [SignedInReadsStaffWrites]

    class InputSerializer(QuestionInputBase):
        status = serializers.ChoiceField(choices=Question.Status.choices)

    @extend_schema(responses=QuestionPublicOutput,
                   description="Learners get the prompt only; staff get every field of QuestionStaffOutput.")
    def get(self, request: Request, pk: int) -> Response:
        return Response(question_output(selectors.question_get(user=request.user, pk=pk), request))

    @extend_schema(request=InputSerializer, responses=QuestionStaffOutput,
                   description="A change of prompt, key points, reference answer or hints makes a new version.")
    def patch(self, request: Request, pk: int) -> Response:
        question = selectors.question_get(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.question_update(question=question, user=request.user, **data.validated_data)
        return Response(QuestionStaffOutput(selectors.question_get(user=request.user, pk=pk)).data)

    @extend_schema(responses={204: None, 200: QuestionStaffOutput},
                   description="Deletes a question nobody answered (204); one with answers is retired instead (200).")
    def delete(self, request: Request, pk: int) -> Response:
        question = selectors.question_get(user=request.user, pk=pk)
        if services.question_delete(question=question, user=request.user) == "deleted":
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(QuestionStaffOutput(selectors.question_get(user=request.user, pk=pk)).data)


class QuestionSimilarApi(APIView):
    permission_classes = [SignedInReadsStaffWrites]

    class FilterSerializer(serializers.Serializer):
        limit = serializers.IntegerField(min_value=1, max_value=20, default=5)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="question.id")
        key = serializers.CharField(source="question.key")
        prompt = serializers.CharField(source="question.current_version.prompt")
        round = serializers.CharField(source="question.round")
        difficulty = serializers.IntegerField(source="question.difficulty")
        status = serializers.CharField(source="question.status")
        similarity = serializers.FloatField(min_value=0, max_value=1)

    class PublicOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="question.id")
        prompt = serializers.CharField(source="question.current_version.prompt")
        round = serializers.CharField(source="question.round")
        difficulty = serializers.IntegerField(source="question.difficulty")
        similarity = serializers.FloatField(min_value=0, max_value=1)

    @extend_schema(parameters=[FilterSerializer], responses=PublicOutputSerializer(many=True),
                   description="Nearest questions by prompt embedding, best first; similarity is 1 - cosine distance. "
                   "Learners see published questions only; staff also get `key` and `status`.")
    def get(self, request: Request, pk: int) -> Response:
        question = selectors.question_get(user=request.user, pk=pk)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        staff = request.user.is_staff
        similar = selectors.similar_questions(
            question=question, limit=params.validated_data["limit"],
            statuses=None if staff else [Question.Status.PUBLISHED],
        )
        serializer = self.OutputSerializer if staff else self.PublicOutputSerializer
        return Response(serializer(similar, many=True).data)


class GradeKeyPointOutput(serializers.Serializer):
    index = serializers.IntegerField()
    text = serializers.CharField()
    weight = serializers.FloatField()
    covered = serializers.BooleanField()
    similarity = serializers.FloatField()
    evidence = serializers.CharField(allow_null=True)


class GradeDimensionsOutput(serializers.Serializer):
    correctness = serializers.IntegerField()
    depth = serializers.IntegerField()
    communication = serializers.IntegerField()


class QuestionTryApi(APIView):
    permission_classes = [IsAdminUser]

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=services.MAX_TRY_CHARS, trim_whitespace=False)

    class OutputSerializer(serializers.Serializer):
        score = serializers.IntegerField(min_value=0, max_value=100)
        dimensions = GradeDimensionsOutput()
        key_points = GradeKeyPointOutput(many=True)
        feedback = serializers.CharField()
        grader = serializers.CharField()
        injection_suspected = serializers.BooleanField()
        misconceptions = serializers.ListField(child=serializers.CharField())
        flags = serializers.ListField(child=serializers.CharField())

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   description="Grades the text with the rubric grader against the current version; nothing is stored.")
    def post(self, request: Request, pk: int) -> Response:
        question = selectors.question_get(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grade = services.question_try(question=question, text=data.validated_data["text"])
        body = grade.to_dict()
        body.pop("prompt_version", None)
        return Response(body)


class QuestionImportApi(APIView):
    permission_classes = [IsAdminUser]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class OutputSerializer(serializers.Serializer):
        class RowError(serializers.Serializer):
            row = serializers.IntegerField()
            errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

        created = serializers.IntegerField()
        updated = serializers.IntegerField()
        skipped = serializers.IntegerField()
        errors = RowError(many=True)
        dry_run = serializers.BooleanField()

    @extend_schema(
        request={"application/json": {"type": "array", "items": {"type": "object"}},
                 "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
        parameters=[OpenApiParameter("dry_run", bool, description="Validate and report; write nothing.")],
        responses={200: OutputSerializer, 413: OpenApiResponse(description="File too large"),
                   415: OpenApiResponse(description="Not a .json or .csv file")},
        description="A JSON list of questions (or a multipart `file`: .json or .csv). Rows match by key, else exact prompt.",
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        if upload is not None:
            _, rows = rows_from_upload(name=upload.name or "", data=upload.read())
            reject_unstorable(rows)  # the middleware checks request text; a file's JSON is parsed here
        elif request.content_type and request.content_type.startswith("multipart/"):
            raise ApplicationError("Upload a file in the field `file`.", errors={"file": ["No file was sent."]})
        else:
            rows = rows_from_json(request.data)
        dry_run = str(request.query_params.get("dry_run", "")).lower() in {"1", "true", "yes", "on"}
        report = services.questions_import(rows=rows, user=request.user, dry_run=dry_run)
        return Response(report.as_dict())


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        if isinstance(data, list):
            return rows_to_csv(data).encode()
        return json.dumps(data).encode()  # an error body


class QuestionExportApi(APIView):
    permission_classes = [IsAdminUser]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(parameters=[*LIST_PARAMETERS, OpenApiParameter("format", str, enum=["json", "csv"])],
                   responses={(200, "application/json"): {"type": "array", "items": {"type": "object"}}, (200, "text/csv"): OpenApiTypes.STR},
                   description="Every matching question in the import shape (JSON list, or CSV with ?format=csv).")
    def get(self, request: Request) -> Response:
        rows = selectors.questions_export_rows(user=request.user, **_filters(request))
        extension = "csv" if getattr(request.accepted_renderer, "format", "") == "csv" else "json"
        return Response(rows, headers={"Content-Disposition": f'attachment; filename="questions.{extension}"'})


class QuestionStatusApi(APIView):
    """Bulk publish / retire / back to draft."""

    permission_classes = [IsAdminUser]

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)
        # A plain string in the schema: a second component with the same "status" enum as PATCH
        # would make drf-spectacular warn about an enum name collision (and fail check --deploy).
        status = serializers.CharField(help_text="draft, published or retired")

        def validate_status(self, value: str) -> str:
            if value not in Question.Status.values:
                raise serializers.ValidationError(f"Use one of: {', '.join(Question.Status.values)}.")
            return value

    class OutputSerializer(serializers.Serializer):
        changed = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = services.question_set_status(
            question_ids=data.validated_data["ids"], status=data.validated_data["status"], user=request.user
        )
        return Response({"changed": changed})


class QuestionVersionsApi(APIView):
    permission_classes = [IsAdminUser]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.IntegerField()
        prompt = serializers.CharField()
        key_points = KeyPointSerializer(many=True)
        reference_answer = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        question = selectors.question_get(user=request.user, pk=pk)
        return Response(self.OutputSerializer(selectors.question_versions(question=question), many=True).data)


class QuestionDraftsApi(APIView):
    """Ask the LLM to draft questions for a skill (they arrive as drafts for review)."""

    permission_classes = [IsAdminUser]

    class InputSerializer(serializers.Serializer):
        skill = serializers.SlugRelatedField(slug_field="slug", queryset=Skill.objects.all())
        round = serializers.ChoiceField(choices=InterviewRound.choices)
        difficulty = serializers.IntegerField(min_value=1, max_value=3, default=2)
        count = serializers.IntegerField(min_value=1, max_value=10, default=5)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.ChoiceField(choices=QuestionDraftJob.Status.choices)

    @extend_schema(request=InputSerializer, responses={202: OutputSerializer, 409: OpenApiResponse(description="No LLM")})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.question_drafts_request(user=request.user, **data.validated_data)
        return Response(self.OutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)
