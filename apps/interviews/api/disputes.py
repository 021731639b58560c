"""Grade disputes over the API: learners open and list their own; staff list and resolve them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.pagination import PageNumberPagination
from apps.interviews import disputes, selectors
from apps.interviews.models import Dispute


class DisputeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    answer = serializers.IntegerField(source="answer_id")
    interview = serializers.IntegerField(source="answer.interview_id")
    question = serializers.IntegerField(source="answer.question_version.question_id")
    key_point = serializers.CharField(source="key_point_id")
    key_point_text = serializers.CharField()
    graded_covered = serializers.BooleanField(help_text="The grader's verdict on the disputed key point.")
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=Dispute.Status.choices)
    original_score = serializers.IntegerField()
    corrected_score = serializers.IntegerField(allow_null=True, help_text="The expert's score once resolved.")
    corrected_covers = serializers.ListField(child=serializers.CharField(), help_text="Key point ids judged covered.")
    resolution_note = serializers.CharField()
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class AnswerDisputeCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        key_point = serializers.CharField(max_length=20, help_text='The misjudged key point\'s id ("k1", ...).')
        reason = serializers.CharField(max_length=disputes.MAX_REASON, help_text="Why the grade is wrong.")

    class OutputSerializer(DisputeOutput):
        pass

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, answer_id: int) -> Response:
        answer = selectors.answer_get_for(user=request.user, answer_id=answer_id)  # 404 for another's answer
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = disputes.dispute_open(user=request.user, answer=answer, key_point_id=data.validated_data["key_point"],
                                        reason=data.validated_data["reason"])
        dispute = disputes.dispute_get_for_learner(user=request.user, dispute_id=dispute.pk)
        return Response(self.OutputSerializer(dispute).data, status=status.HTTP_201_CREATED)


class DisputeListApi(APIView):
    pagination_class = PageNumberPagination

    class OutputSerializer(DisputeOutput):
        pass

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(disputes.disputes_for_learner(user=request.user), request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class DisputeDetailApi(APIView):
    class OutputSerializer(DisputeOutput):
        pass

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, dispute_id: int) -> Response:
        return Response(self.OutputSerializer(disputes.dispute_get_for_learner(user=request.user, dispute_id=dispute_id)).data)


class StaffDisputeOutput(DisputeOutput):
    learner = serializers.IntegerField(source="user_id")
    answer_text = serializers.CharField(source="answer.text")
    answer_score = serializers.IntegerField(source="answer.score", allow_null=True)
    key_points = serializers.ListField(child=serializers.DictField(), source="answer.key_points",
                                       help_text="The answer's grade per key point, with the evidence quoted.")


class StaffDisputeListApi(APIView):
    permission_classes = [IsAdminUser]
    pagination_class = PageNumberPagination

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Dispute.Status.choices, required=False)
        question = serializers.IntegerField(required=False, min_value=1)

    class OutputSerializer(StaffDisputeOutput):
        pass

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = disputes.disputes_for_staff(question_id=filters.validated_data.get("question"),
                                         status=filters.validated_data.get("status"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class StaffDisputeResolveApi(APIView):
    permission_classes = [IsAdminUser]

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=[s for s in Dispute.Status.values if s != Dispute.Status.OPEN])
        covers = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list,
                                       help_text="Key point ids the answer states (regraded, rubric_fixed).")
        score = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
        note = serializers.CharField(max_length=disputes.MAX_REASON, required=False, allow_blank=True, default="")

    class OutputSerializer(StaffDisputeOutput):
        pass

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: Request, dispute_id: int) -> Response:
        dispute = disputes.dispute_get_for_staff(dispute_id=dispute_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        disputes.dispute_resolve(dispute=dispute, staff=request.user, **data.validated_data)
        return Response(self.OutputSerializer(disputes.dispute_get_for_staff(dispute_id=dispute_id)).data)
