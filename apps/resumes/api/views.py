"""Resumes and matching (shared/API.md): upload, read, delete, and the ranked roles for a resume."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.pagination import PageNumberPagination
from apps.core.exceptions import ApplicationError, Conflict, PayloadTooLarge
from apps.resumes import selectors, services
from apps.resumes.models import Resume

# Multipart framing around the file: a request bigger than the limit plus this is refused unread.
MULTIPART_OVERHEAD = 64 * 1024


class ResumeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    kind = serializers.CharField()
    size_bytes = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Resume.Status.choices)
    step = serializers.ChoiceField(choices=Resume.Step.choices)
    error = serializers.SerializerMethodField()
    skills = serializers.SerializerMethodField()
    years_experience = serializers.FloatField()
    flagged_lines = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)

    def get_error(self, resume: Resume) -> str | None:
        return resume.error or None

    def get_skills(self, resume: Resume) -> list[str]:
        # Detail views pass the slugs in the context (one query); lists show none.
        return self.context.get("skills", [])


class UploadOutput(ResumeOutput):
    duplicate = serializers.BooleanField()
    detail = serializers.CharField(allow_blank=True)


class CompanyRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RoleRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    seniority = serializers.CharField()
    company = CompanyRef(allow_null=True)


class TopicRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    track = serializers.CharField(help_text="Track slug.")


class ProjectRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    level = serializers.CharField()


class GapOutput(serializers.Serializer):
    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    weight = serializers.IntegerField()
    topics = TopicRef(many=True)
    projects = ProjectRef(many=True)


class PartsOutput(serializers.Serializer):
    semantic = serializers.IntegerField(help_text="How close the texts are, 0-100.")
    skills = serializers.IntegerField(help_text="Weighted share of the role's skills the resume shows, 0-100.")
    seniority = serializers.IntegerField(help_text="Seniority fit from years of experience, 100 = right level.")
    discipline = serializers.IntegerField(help_text="Discipline fit, 100 = the resume's own field.")


class MatchOutput(serializers.Serializer):
    role = RoleRef()
    score = serializers.IntegerField(source="score.score")
    matched_skills = serializers.ListField(child=serializers.CharField(), source="score.matched_skills")
    missing_skills = serializers.ListField(child=serializers.CharField(), source="score.missing_skills")
    gaps = GapOutput(many=True, help_text="Each missing skill with roadmap topics and projects that teach it.")
    semantic = serializers.FloatField(source="score.semantic")
    skill_overlap = serializers.FloatField(source="score.skill_overlap")
    evidence_factor = serializers.FloatField(source="score.evidence_factor")
    parts = PartsOutput(source="score.parts", help_text="The score's parts, 0-100: score ≈ (0.45 semantic + "
                        "0.55 skills) × seniority × discipline.")
    discipline = serializers.CharField(source="score.discipline", help_text="The role's discipline.")
    reasons = serializers.ListField(child=serializers.CharField(), source="score.reasons")


def _k(request: Request, default: int = 10) -> int:
    try:
        k = int(request.query_params.get("k", default))
    except ValueError as exc:
        raise ApplicationError("k must be a whole number from 1 to 50.", errors={"k": ["Not a number."]}) from exc
    if not 1 <= k <= 50:
        raise ApplicationError("k must be a whole number from 1 to 50.", errors={"k": ["Out of range."]})
    return k


def _ready_resume(request: Request, resume_id: int) -> Resume:
    resume = selectors.resume_get(user=request.user, resume_id=resume_id)
    if resume.status == Resume.Status.PROCESSING:
        raise Conflict("This resume is still being processed; try again in a few seconds.")
    if resume.status == Resume.Status.FAILED:
        raise Conflict(f"This resume could not be processed: {resume.error}")
    return resume


class ResumeListCreateApi(APIView):
    pagination_class = PageNumberPagination  # tells the OpenAPI schema the list is paginated
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text="PDF, DOCX, TXT or Markdown, at most RESUME_MAX_BYTES.")

    @property
    def throttle_scope(self) -> str | None:
        return "uploads" if self.request.method == "POST" else None

    @extend_schema(responses={200: ResumeOutput(many=True)})
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.resume_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(ResumeOutput(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={202: UploadOutput, 200: UploadOutput},
        description="202 when queued for processing; 200 with `duplicate: true` when this learner already "
        "uploaded the same file. 413 too large, 415 not a PDF/DOCX/text file, 400 empty, damaged, "
        "password-protected or without extractable text.",
    )
    def post(self, request: Request) -> Response:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.RESUME_MAX_BYTES + MULTIPART_OVERHEAD:
            raise PayloadTooLarge(services.too_large_message(), errors={"file": [services.too_large_message()]})
        upload = request.FILES.get("file")
        if upload is None:
            raise ApplicationError("Choose a resume file to upload.", errors={"file": ["No file was sent."]})
        result = services.resume_upload(user=request.user, file=upload, filename=upload.name or "",
                                        size=upload.size)
        body = {**ResumeOutput(result.resume).data, "duplicate": result.duplicate,
                "detail": services.DUPLICATE_MESSAGE if result.duplicate else "Processing started."}
        return Response(body, status=status.HTTP_200_OK if result.duplicate else status.HTTP_202_ACCEPTED)


class ResumeDetailApi(APIView):
    @extend_schema(responses={200: ResumeOutput})
    def get(self, request: Request, resume_id: int) -> Response:
        resume = selectors.resume_get(user=request.user, resume_id=resume_id)
        skills = selectors.resume_skill_slugs(resume=resume)
        return Response(ResumeOutput(resume, context={"skills": skills}).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, resume_id: int) -> Response:
        services.resume_delete(resume=selectors.resume_get(user=request.user, resume_id=resume_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResumeMatchesApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("k", int, description="How many roles (1-50, default 10).")],
        responses={200: MatchOutput(many=True)},
        description="Roles ranked for this resume, best first (409 while it is processing or if it failed).",
    )
    def get(self, request: Request, resume_id: int) -> Response:
        resume = _ready_resume(request, resume_id)
        matches = selectors.resume_matches(resume=resume, k=_k(request))
        return Response(MatchOutput(matches, many=True).data)


class ResumeCompaniesApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("k", int, description="How many companies (1-50, default 10).")],
        responses={200: inline_serializer("ResumeCompanyMatch", {
            "company": CompanyRef(), "score": serializers.IntegerField(), "best_role": RoleRef(),
            "roles": serializers.ListField(child=serializers.IntegerField()),
            "fit_roles": inline_serializer("CompanyFitRole", {
                "id": serializers.IntegerField(), "title": serializers.CharField(),
                "seniority": serializers.CharField(), "score": serializers.IntegerField()}, many=True),
            "fit_skills": serializers.ListField(child=serializers.CharField(),
                                                help_text="Skill names of the resume that these roles ask for."),
        }, many=True)},
        description="Companies ranked by their best-matching role for this resume; each names the roles and "
        "the resume's skills behind its fit.",
    )
    def get(self, request: Request, resume_id: int) -> Response:
        resume = _ready_resume(request, resume_id)
        k = _k(request)
        result = selectors.resume_match_result(resume=resume, k=50, explain=False, companies=k)
        roles = {m.role.pk: m.role for m in result.roles}
        body = []
        for fit in result.companies:
            company, score = fit.company, fit.score
            best = roles.get(score.best_role_id) or next((r for r, _ in fit.roles if r.pk == score.best_role_id), None)
            body.append({
                "company": {"id": company.pk, "name": company.name},
                "score": score.score,
                "best_role": RoleRef(best).data if best else {"id": score.best_role_id},
                "roles": score.role_ids,
                "fit_roles": [{"id": r.pk, "title": r.title, "seniority": r.seniority, "score": v} for r, v in fit.roles],
                "fit_skills": [s.name for s in fit.skills],
            })
        return Response(body)


class CompareTermOutput(serializers.Serializer):
    term = serializers.CharField(help_text="As the posting writes it.")
    skill = serializers.CharField(allow_null=True, help_text="The taxonomy skill (slug), or null for a free term.")
    in_resume = serializers.BooleanField()
    weight = serializers.IntegerField(help_text="1-3, from how often the posting names it.")
    mentions = serializers.IntegerField()


class CompareGapOutput(serializers.Serializer):
    skill = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.IntegerField()
    topics = TopicRef(many=True)
    projects = ProjectRef(many=True)


class CompareOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="The stored comparison (private to this learner).")
    resume = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    seniority = serializers.CharField(help_text="Read from the posting's title and the years it asks for.")
    discipline = serializers.CharField(allow_blank=True)
    discipline_name = serializers.CharField(allow_blank=True)
    score = serializers.IntegerField()
    parts = PartsOutput()
    reasons = serializers.ListField(child=serializers.CharField())
    matched_skills = serializers.ListField(child=serializers.CharField())
    missing_skills = serializers.ListField(child=serializers.CharField())
    terms = CompareTermOutput(many=True)
    gaps = CompareGapOutput(many=True)
    created_at = serializers.DateTimeField()


def comparison_body(comparison) -> dict:  # type: ignore[no-untyped-def]
    return CompareOutput({**comparison.result, "id": comparison.pk, "resume": comparison.resume_id,
                          "created_at": comparison.created_at}).data


class ResumeCompareApi(APIView):
    throttle_scope = "uploads"

    class InputSerializer(serializers.Serializer):
        posting = serializers.CharField(help_text="The job posting's text (at most 50,000 characters).")
        title = serializers.CharField(required=False, allow_blank=True, max_length=200)
        source_url = serializers.URLField(required=False, allow_blank=True, max_length=500,
                                          help_text="Where the text was copied from (not fetched).")

    @extend_schema(
        request=InputSerializer, responses={200: CompareOutput},
        description="Compare this resume with a pasted job posting. 400 for an empty, binary or "
        "over-50,000-character posting; 409 while the resume is processing; 404 for another learner's "
        "resume. The posting is stored privately for this learner.",
    )
    def post(self, request: Request, resume_id: int) -> Response:
        from apps.resumes.compare import posting_compare

        resume = selectors.resume_get(user=request.user, resume_id=resume_id)
        data = request.data if hasattr(request.data, "get") else {}
        title, source_url = data.get("title") or "", data.get("source_url") or ""
        if not isinstance(title, str) or len(title) > 200:
            raise ApplicationError("The title is text of at most 200 characters.", errors={"title": ["Invalid."]})
        if source_url:
            url = serializers.URLField(max_length=500)
            try:
                source_url = url.run_validation(source_url)
            except serializers.ValidationError as exc:
                raise ApplicationError("The link is not a valid URL.", errors={"source_url": ["Enter a valid URL."]}) from exc
        comparison = posting_compare(user=request.user, resume=resume, posting=data.get("posting"), title=title,
                                     source_url=source_url)
        return Response(comparison_body(comparison))
