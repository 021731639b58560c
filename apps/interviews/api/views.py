"""Mock interviews over the API (shared/API.md, "Mock interviews"): one view per use case."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.careers.models import Company, JobRole
from apps.core.api.pagination import PageNumberPagination
from apps.interviews import selectors, services
from apps.interviews.models import ROUND_CHOICES, Answer, Interview, ProjectQuestionStatus
from apps.questionbank.models import Question
from apps.resumes.selectors import resume_get
from apps.roadmap.models import Topic


class KeyPointOutput(serializers.Serializer):
    id = serializers.CharField(required=False, default="", help_text='The key point\'s id ("k1", ...): name it to '
                               "dispute the grade (POST /answers/{id}/disputes/).")
    index = serializers.IntegerField()
    text = serializers.CharField()
    covered = serializers.BooleanField()
    evidence = serializers.CharField(allow_null=True)


class DimensionsOutput(serializers.Serializer):
    correctness = serializers.IntegerField()
    depth = serializers.IntegerField()
    communication = serializers.IntegerField()


class AnswerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    interview = serializers.IntegerField(source="interview_id")
    question = serializers.IntegerField(source="question_version.question_id")
    question_version = serializers.IntegerField(source="question_version_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True, help_text="Set on a follow-up's answer.")
    order = serializers.IntegerField()
    prompt = serializers.CharField()
    text = serializers.CharField()
    grading_status = serializers.ChoiceField(choices=Answer.GradingStatus.choices)
    score = serializers.IntegerField(allow_null=True)
    dimensions = DimensionsOutput(allow_null=True, source="dimensions_or_none")
    key_points = KeyPointOutput(many=True)
    feedback = serializers.CharField()
    grader = serializers.CharField()
    injection_suspected = serializers.BooleanField()
    error_kind = serializers.CharField()
    created_at = serializers.DateTimeField()
    graded_at = serializers.DateTimeField(allow_null=True)
    refined_at = serializers.DateTimeField(allow_null=True)


class CurrentQuestionOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="The question's id: send it back with the answer.")
    prompt = serializers.CharField()
    round = serializers.CharField()
    is_follow_up = serializers.BooleanField()
    follow_up_to = serializers.IntegerField(allow_null=True, help_text="The answer a follow-up is about.")
    number = serializers.IntegerField(help_text="Which main question this is (1-based).")


class ProjectQuestionOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectQuestionStatus.values)
    error = serializers.CharField(help_text="Why no project question could be written (status failed).")


class InterviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    round = serializers.CharField()
    rounds = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    role = serializers.IntegerField(source="role_id", allow_null=True)
    company = serializers.IntegerField(source="company_id", allow_null=True)
    topic = serializers.IntegerField(source="topic_id", allow_null=True)
    difficulty = serializers.IntegerField()
    current_difficulty = serializers.IntegerField()
    num_questions = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    next_action = serializers.ChoiceField(
        choices=["answer", "wait", "finish", "done"],
        help_text="answer: current_question is set; wait: the previous answer is being graded (poll); "
        "finish: every question is answered; done: finished.",
    )
    current_question = CurrentQuestionOutput(allow_null=True)
    project_question = ProjectQuestionOutput(
        source="project_question_state", allow_null=True, help_text="A resume interview with an LLM backend: the question about a project on the "
        "resume (asked as the next main question once ready). Null when none was asked for.",
    )


def _interview_data(interview: Interview, *, answers: list[Answer] | None = None) -> dict[str, Any]:
    data = InterviewOutput(_with_current(interview, answers)).data
    if answers is not None:
        data["answers"] = [AnswerOutput(_with_dimensions(a)).data for a in answers]
    return data


def _with_dimensions(answer: Answer) -> Answer:
    answer.dimensions_or_none = answer.dimensions or None  # type: ignore[attr-defined]
    return answer


def _with_current(interview: Interview, answers: list[Answer] | None) -> Interview:
    interview.next_action = selectors.interview_next_action(interview)  # type: ignore[attr-defined]
    interview.project_question_state = (  # type: ignore[attr-defined]
        {"status": interview.project_question_status, "error": interview.project_question_error}
        if interview.project_question_status else None
    )
    version = interview.current_version if interview.current_version_id else None
    if version is None:
        interview.current_question = None  # type: ignore[attr-defined]
    else:
        interview.current_question = {  # type: ignore[attr-defined]
            "id": version.question_id,
            "prompt": interview.current_prompt or version.prompt,
            "round": version.question.round,
            "is_follow_up": interview.current_parent_id is not None,
            "follow_up_to": interview.current_parent_id,
            "number": selectors.interview_question_number(interview, answers),
        }
    return interview


class InterviewDetailOutput(InterviewOutput):
    answers = AnswerOutput(many=True)


class InterviewListApi(APIView):
    pagination_class = PageNumberPagination  # tells the OpenAPI schema the list is paginated
    class InputSerializer(serializers.Serializer):
        round = serializers.ChoiceField(choices=ROUND_CHOICES, required=False)
        role = serializers.PrimaryKeyRelatedField(queryset=JobRole.objects.all(), required=False, allow_null=True)
        company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all(), required=False, allow_null=True)
        difficulty = serializers.IntegerField(min_value=1, max_value=3, default=2)
        num_questions = serializers.IntegerField(min_value=1, max_value=10, default=5)
        topic = serializers.PrimaryKeyRelatedField(
            queryset=Topic.objects.all(), required=False, allow_null=True,
            help_text="Start a topic check (1-2 questions on the topic's skills) instead of a mock interview.",
        )
        resume = serializers.IntegerField(
            required=False, allow_null=True, min_value=1,
            help_text="Interview me on this resume: questions on its skills and the role's missing skills.",
        )

        def validate(self, attrs: dict) -> dict:
            if not attrs.get("topic") and not attrs.get("round"):
                raise serializers.ValidationError({"round": ["This field is required."]})
            return attrs

    class OutputSerializer(InterviewOutput):
        pass

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.interview_list_for(user=request.user, names=False), request,
                                          view=self)
        # One serializer for the page (its fields are built once, not per interview).
        return paginator.get_paginated_response(InterviewOutput([_with_current(i, None) for i in page], many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values.get("topic"):
            interview = services.topic_check_start(user=request.user, topic=values["topic"])
        else:
            values.pop("topic", None)
            if values.get("resume"):
                values["resume"] = resume_get(user=request.user, resume_id=values["resume"])  # 404 if not theirs
            interview = services.interview_start(user=request.user, **values)
        interview = selectors.interview_get_for(user=request.user, interview_id=interview.pk)
        return Response(_interview_data(interview), status=status.HTTP_201_CREATED)


class InterviewDetailApi(APIView):
    class OutputSerializer(InterviewDetailOutput):
        pass

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, interview_id: int) -> Response:
        interview = selectors.interview_detail_for(user=request.user, interview_id=interview_id)
        if selectors.interview_should_advance(interview):
            services.interview_advance(interview_id=interview.pk)
            interview = selectors.interview_detail_for(user=request.user, interview_id=interview_id)
        return Response(_interview_data(interview, answers=interview.answer_list))


class AnswerSubmitApi(APIView):
    class InputSerializer(serializers.Serializer):
        question = serializers.PrimaryKeyRelatedField(queryset=Question.objects.all())
        text = serializers.CharField(max_length=20000)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        grading_status = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={202: OutputSerializer})
    def post(self, request: Request, interview_id: int) -> Response:
        interview = selectors.interview_get_for(user=request.user, interview_id=interview_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.answer_submit(interview=interview, **data.validated_data)
        return Response(self.OutputSerializer(answer).data, status=status.HTTP_202_ACCEPTED)


class AnswerDetailApi(APIView):
    class OutputSerializer(AnswerOutput):
        pass

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, answer_id: int) -> Response:
        answer = selectors.answer_get_for(user=request.user, answer_id=answer_id)
        return Response(self.OutputSerializer(_with_dimensions(answer)).data)


class SkillScoreOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    score = serializers.IntegerField()


class GapTopicOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    track = serializers.CharField()
    done = serializers.BooleanField()


class GapOutput(SkillScoreOutput):
    missed_key_points = serializers.ListField(child=serializers.CharField())
    topics = GapTopicOutput(many=True)


class InterviewFinishApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField()
        score = serializers.IntegerField(allow_null=True)
        complete = serializers.BooleanField(help_text="False while some answers are still being graded.")
        pending = serializers.IntegerField()
        by_skill = SkillScoreOutput(many=True)
        dimensions = serializers.DictField(child=serializers.IntegerField())
        strengths = SkillScoreOutput(many=True)
        gaps = GapOutput(many=True)
        next_steps = serializers.ListField(child=serializers.CharField())
        questions = serializers.ListField(
            child=serializers.DictField(), help_text="Every answer with covered/missed key points and the reference answer."
        )

    @extend_schema(request=None, responses={200: OutputSerializer})
    def post(self, request: Request, interview_id: int) -> Response:
        interview = selectors.interview_get_for(user=request.user, interview_id=interview_id)
        interview = services.interview_finish(interview=interview)
        return Response(self.OutputSerializer({"id": interview.pk, "status": interview.status, **interview.report}).data)
