"""Every role's score for a resume, stored with its parts (`ResumeRoleScore`).

Written when the resume is processed and refreshed (Celery, `resume_role_scores_refresh_task`) when
roles change or the catalog is loaded, so readiness reads a row instead of matching in a web request.
Stored: every catalog role (the curated set learners pick targets from) and the STORED_TOP best roles
overall (staff postings included). The resume's discipline affinities are recomputed at the same time,
from the same catalog rows.
"""

from __future__ import annotations

from django.db import transaction

from apps.careers import selectors as careers_selectors
from apps.careers.models import JobRole, RoleSkill
from apps.resumes import selectors
from apps.resumes.models import Resume, ResumeRoleScore, ResumeSkill
from ml import matching

STORED_TOP = 50


def _row(resume: Resume, role_id: int, score: matching.RoleScore) -> ResumeRoleScore:
    return ResumeRoleScore(resume=resume, role_id=role_id, score=score.score, semantic=score.semantic,
                           skills=score.skill_overlap, seniority=score.evidence_factor,
                           discipline=score.discipline_factor, matched_skills=score.matched_skills,
                           missing_skills=score.missing_skills)


@transaction.atomic
def resume_role_scores_store(*, resume: Resume) -> int:
    """Recompute the resume's discipline affinities and its stored role scores. Returns how many rows."""
    if resume.embedding is None:
        return 0
    roles = careers_selectors.catalog_roles_near(embedding=list(resume.embedding))
    skills = dict(ResumeSkill.objects.filter(resume=resume).values_list("skill__slug", "evidence"))
    resume.disciplines = careers_selectors.discipline_affinities(embedding=None, skills=skills, roles=roles)
    profile = selectors.resume_profile(resume=resume, skills=skills)
    scored = {
        role_id: matching.score_role(profile, matching.RoleCandidate(role_id=role_id, seniority=seniority,
                                                                     similarity=similarity, skills=role_skills,
                                                                     discipline=family))
        for role_id, seniority, family, similarity, role_skills in roles
    }
    linear = [matching.W_SEMANTIC * s.semantic + matching.W_SKILLS * s.skill_overlap for s in scored.values()]
    resume.top_linear = round(max(linear, default=matching.TYPICAL_TOP_LINEAR), 4)
    Resume.objects.filter(pk=resume.pk).update(disciplines=resume.disciplines, top_linear=resume.top_linear)
    for match in selectors.resume_matches(resume=resume, k=STORED_TOP, explain=False):
        scored.setdefault(match.role.pk, match.score)
    ResumeRoleScore.objects.filter(resume=resume).exclude(role_id__in=list(scored)).delete()
    ResumeRoleScore.objects.bulk_create(
        [_row(resume, role_id, score) for role_id, score in scored.items()],
        update_conflicts=True, unique_fields=["resume", "role"],
        update_fields=["score", "semantic", "skills", "seniority", "discipline", "matched_skills", "missing_skills",
                       "computed_at"],
    )
    return len(scored)


def resume_role_scores_refresh(*, batch_size: int = 200) -> int:
    """Refresh the stored scores of every processed resume (roles changed). Returns how many resumes."""
    ids = list(Resume.objects.filter(status=Resume.Status.READY).exclude(embedding=None)
               .order_by("id").values_list("id", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        for resume in Resume.objects.filter(pk__in=ids[start : start + batch_size]):
            resume_role_scores_store(resume=resume)
            done += 1
    return done


def resume_role_score(*, resume: Resume, role: JobRole) -> matching.RoleScore | None:
    """One role's exact score for the resume (two small reads, no vector search): for a role whose
    stored row is not written yet (it was added moments ago)."""
    if resume.embedding is None or role.embedding is None:
        return None
    similarity = float(sum(a * b for a, b in zip(resume.embedding, role.embedding, strict=True)))
    role_skills = dict(RoleSkill.objects.filter(role=role).values_list("skill__slug", "weight"))
    candidate = matching.RoleCandidate(role_id=role.pk, seniority=role.seniority, similarity=similarity,
                                       skills=role_skills, discipline=role.family)
    return matching.score_role(selectors.resume_profile(resume=resume), candidate)
