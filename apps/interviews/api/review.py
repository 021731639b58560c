"""The review queue over the API: items due today, answering one (graded in the background), the result."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.interviews import review
from apps.interviews.models import Answer, ReviewItem


class ReviewItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    prompt = serializers.CharField(help_text="What to answer: the missed key point's own follow-up question.")
    question = serializers.IntegerField(source="question_id")
    question_prompt = serializers.CharField(source="question_version.prompt")
    key_point = serializers.CharField(source="key_point_id")
    step = serializers.IntegerField(help_text="0-3: the next correct answer schedules it 3, 7, 14 days on, then learned.")
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ReviewItem.Status.choices)


class ReviewAttemptOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    text = serializers.CharField()
    answered_on = serializers.DateField()
    grading_status = serializers.ChoiceField(choices=Answer.GradingStatus.choices)
    covered = serializers.BooleanField(allow_null=True, help_text="Whether the answer states the key point.")
    score = serializers.IntegerField(allow_null=True)
    evidence = serializers.CharField()
    next_due_on = serializers.DateField(allow_null=True, help_text="When it comes back (null once learned).")


class ReviewDueApi(APIView):
    class OutputSerializer(ReviewItemOutput):
        pass

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        items = list(review.review_due_for(user=request.user))
        for item in items:
            item.prompt = review.review_prompt(item)  # type: ignore[attr-defined]
        return Response(self.OutputSerializer(items, many=True).data)


class ReviewAnswerApi(APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=review.MAX_ATTEMPT_CHARS)

    class OutputSerializer(ReviewAttemptOutput):
        pass

    @extend_schema(request=InputSerializer, responses={202: OutputSerializer})
    def post(self, request: Request, item_id: int) -> Response:
        review.review_item_get_for(user=request.user, item_id=item_id)  # 404 for another learner's item
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = review.review_attempt_submit(user=request.user, item_id=item_id, text=data.validated_data["text"])
        return Response(self.OutputSerializer(attempt).data, status=status.HTTP_202_ACCEPTED)


class ReviewAttemptApi(APIView):
    class OutputSerializer(ReviewAttemptOutput):
        pass

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, attempt_id: int) -> Response:
        return Response(self.OutputSerializer(review.review_attempt_get_for(user=request.user, attempt_id=attempt_id)).data)
