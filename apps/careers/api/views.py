"""Companies and roles (shared/API.md): everyone signed in reads, staff write."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.careers import selectors, services
from apps.careers.free_terms import free_term_dismiss, free_term_list, free_term_promote
from apps.careers.models import Company, FreeTerm, JobRole
from apps.core.api.pagination import PageNumberPagination
from apps.core.api.permissions import IsAdminUser, SignedInReadsStaffWrites
from apps.core.exceptions import ApplicationError, NotFound
from apps.roadmap.models import Skill, SkillCategory


class CompanyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    region = serializers.CharField()
    description = serializers.CharField()


class SkillWeightOutput(serializers.Serializer):
    slug = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    weight = serializers.IntegerField()


class CompanyRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RoleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    family = serializers.CharField(help_text="The role's discipline (same as `discipline`).")
    discipline = serializers.CharField(source="family")
    discipline_name = serializers.CharField(source="discipline_label")
    seniority = serializers.CharField()
    description = serializers.CharField()
    company = CompanyRefOutput(allow_null=True)
    hiring_companies = CompanyRefOutput(many=True)
    skills = serializers.SerializerMethodField()
    skill_weights = SkillWeightOutput(many=True, source="role_skills.all")
    salary_min = serializers.IntegerField(allow_null=True)
    salary_max = serializers.IntegerField(allow_null=True)
    salary_currency = serializers.CharField()
    salary_period = serializers.CharField()
    interview_rounds = serializers.ListField(child=serializers.CharField())
    is_posting = serializers.BooleanField()
    source_url = serializers.CharField()
    updated_at = serializers.DateTimeField()

    def get_skills(self, role: JobRole) -> list[str]:
        return [rs.skill.slug for rs in role.role_skills.all()]  # prefetched, heaviest first


class RoleInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all(), required=False, allow_null=True)
    description = serializers.CharField(max_length=20_000)
    seniority = serializers.ChoiceField(choices=JobRole.Seniority.choices, required=False)
    family = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                   help_text="Discipline, e.g. llm_engineering, frontend, data_engineering; "
                                   "inferred from the text and skills when empty.")
    skills = serializers.ListField(child=serializers.SlugField(max_length=60), max_length=60,
                                   help_text="Skill slugs; weight 2 unless given in skill_weights.")
    skill_weights = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=3), required=False,
                                          help_text="Optional {slug: 1-3} (3 = core skill).")
    salary_min = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    salary_max = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    salary_currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    is_posting = serializers.BooleanField(required=False, help_text="A real job posting (set company and source_url).")
    source_url = serializers.URLField(max_length=500, required=False, allow_blank=True)


def _role_values(data: dict) -> dict:
    values = dict(data)
    weights = values.pop("skill_weights", None) or {}
    if "skills" in values:
        values["skills"] = {slug: weights.get(slug, 2) for slug in values["skills"]}
    elif weights:
        raise serializers.ValidationError({"skill_weights": ["Send skills together with skill_weights."]})
    return values


class CompanyListCreateApi(APIView):
    pagination_class = PageNumberPagination  # tells the OpenAPI schema the list is paginated
    permission_classes = [SignedInReadsStaffWrites]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        category = serializers.ChoiceField(choices=Company.Category.choices)
        region = serializers.CharField(max_length=80, required=False, allow_blank=True)
        description = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("category", str)],
        responses={200: CompanyOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        companies = selectors.company_list(q=request.query_params.get("q", ""),
                                           category=request.query_params.get("category", ""))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(companies, request, view=self)
        return paginator.get_paginated_response(CompanyOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: CompanyOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.company_create(**data.validated_data)
        return Response(CompanyOutput(company).data, status=status.HTTP_201_CREATED)


class RoleListCreateApi(APIView):
    pagination_class = PageNumberPagination
    permission_classes = [SignedInReadsStaffWrites]

    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("seniority", str), OpenApiParameter("company", int),
                    OpenApiParameter("skill", str), OpenApiParameter("is_posting", bool)],
        responses={200: RoleOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        is_posting = {"true": True, "1": True, "false": False, "0": False}.get(params.get("is_posting", "").lower())
        company = params.get("company", "")
        roles = selectors.role_list(q=params.get("q", ""), seniority=params.get("seniority", ""),
                                    company_id=int(company) if company.isdigit() else None,
                                    is_posting=is_posting, skill=params.get("skill", ""))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(roles, request, view=self)
        return paginator.get_paginated_response(RoleOutput(page, many=True).data)

    @extend_schema(request=RoleInput, responses={201: RoleOutput})
    def post(self, request: Request) -> Response:
        data = RoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        role = services.role_create(**_role_values(data.validated_data))
        return Response(RoleOutput(selectors.role_get(role_id=role.pk)).data, status=status.HTTP_201_CREATED)


class RoleDetailApi(APIView):
    permission_classes = [SignedInReadsStaffWrites]

    @extend_schema(responses={200: RoleOutput})
    def get(self, request: Request, role_id: int) -> Response:
        return Response(RoleOutput(selectors.role_get(role_id=role_id)).data)

    @extend_schema(request=RoleInput(partial=True), responses={200: RoleOutput})
    def patch(self, request: Request, role_id: int) -> Response:
        role = selectors.role_get(role_id=role_id)
        data = RoleInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.role_update(role=role, **_role_values(data.validated_data))
        return Response(RoleOutput(selectors.role_get(role_id=role_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, role_id: int) -> Response:
        services.role_delete(role=selectors.role_get(role_id=role_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FreeTermOutput(serializers.Serializer):
    id = serializers.IntegerField()
    term = serializers.CharField()
    resume_count = serializers.IntegerField(help_text="How many resumes named it.")
    posting_count = serializers.IntegerField(help_text="How many pasted postings named it.")
    status = serializers.CharField()
    skill = serializers.CharField(source="skill.slug", allow_null=True, default=None)
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()


class FreeTermListApi(APIView):
    pagination_class = PageNumberPagination
    permission_classes = [IsAdminUser]

    @extend_schema(parameters=[OpenApiParameter("status", str, description="new (default), promoted, dismissed or all.")],
                   responses={200: FreeTermOutput(many=True)},
                   description="Skill-like terms from resumes and pasted postings that the taxonomy lacks (staff).")
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", FreeTerm.Status.NEW)
        if wanted not in {*FreeTerm.Status.values, "all"}:
            raise ApplicationError("Unknown status.", errors={"status": ["new, promoted, dismissed or all."]})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(free_term_list(status="" if wanted == "all" else wanted), request, view=self)
        return paginator.get_paginated_response(FreeTermOutput(page, many=True).data)


class FreeTermActionApi(APIView):
    permission_classes = [IsAdminUser]

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=["promote", "dismiss"])
        skill = serializers.SlugField(required=False, help_text="Promote as a synonym of this skill…")
        name = serializers.CharField(required=False, max_length=120, help_text="…or as a new skill with this name")
        category = serializers.SlugField(required=False, help_text="…in this skill category.")

    @extend_schema(request=InputSerializer, responses={200: FreeTermOutput})
    def post(self, request: Request, term_id: int) -> Response:
        term = FreeTerm.objects.filter(pk=term_id).first()
        if term is None:
            raise NotFound("Term not found.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["action"] == "dismiss":
            free_term_dismiss(term=term)
        else:
            skill = Skill.objects.filter(slug=values["skill"]).first() if values.get("skill") else None
            if values.get("skill") and skill is None:
                raise ApplicationError("Unknown skill.", errors={"skill": ["No such skill."]})
            category = SkillCategory.objects.filter(slug=values.get("category", "")).first()
            free_term_promote(term=term, skill=skill, name=values.get("name", ""), category=category)
        term.refresh_from_db()
        return Response(FreeTermOutput(term).data)
