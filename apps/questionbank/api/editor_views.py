"""Staff API for the question editor: the near-duplicate check of a prompt before saving, and restoring a version."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.questionbank import duplicates, selectors, versions
from apps.questionbank.api.views import IsStaff, KeyPointSerializer


class SimilarPromptOutput(serializers.Serializer):
    id = serializers.IntegerField(source="question.id")
    key = serializers.CharField(source="question.key")
    prompt = serializers.CharField(source="question.current_version.prompt")
    round = serializers.CharField(source="question.round")
    status = serializers.CharField(source="question.status")
    similarity = serializers.FloatField(min_value=0, max_value=1)
    near_duplicate = serializers.SerializerMethodField()

    def get_near_duplicate(self, item: selectors.SimilarQuestion) -> bool:
        return item.similarity >= selectors.NEAR_DUPLICATE_SIMILARITY


class QuestionPromptCheckApi(APIView):
    """POST `{prompt, exclude?}` → the bank questions whose prompt is similar (≥ 0.6), best first; nothing is stored."""

    permission_classes = [IsStaff]

    class InputSerializer(serializers.Serializer):
        prompt = serializers.CharField(max_length=duplicates.MAX_PROMPT_CHARS, trim_whitespace=True)
        exclude = serializers.IntegerField(required=False, min_value=1,
                                           help_text="The question being edited, left out of the results.")

    class OutputSerializer(serializers.Serializer):
        checked = serializers.BooleanField(help_text=f"False when the prompt is shorter than "
                                                     f"{duplicates.MIN_PROMPT_CHARS} characters.")
        similar = SimilarPromptOutput(many=True)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exclude = None
        if data.validated_data.get("exclude"):
            exclude = selectors.question_get(user=request.user, pk=data.validated_data["exclude"])
        check = duplicates.prompt_check(prompt=data.validated_data["prompt"], exclude=exclude)
        return Response(self.OutputSerializer({"checked": check.checked, "similar": check.similar}).data)


class QuestionVersionRestoreApi(APIView):
    """POST → version `number`'s rubric becomes the current one again, as a new version (201); 409 when it already is."""

    permission_classes = [IsStaff]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.IntegerField()
        restored_from = serializers.IntegerField()
        prompt = serializers.CharField()
        key_points = KeyPointSerializer(many=True)
        reference_answer = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=None, responses={201: OutputSerializer})
    def post(self, request: Request, pk: int, number: int) -> Response:
        question = selectors.question_get(user=request.user, pk=pk)
        restored = versions.question_version_restore(question=question, number=number, user=request.user)
        return Response(self.OutputSerializer(restored).data, status=status.HTTP_201_CREATED)
