"""Compare a resume with a job posting the learner pastes: the fit score with its parts, matched and
missing skills, the posting's important terms found or missing in the resume (as ATS checkers show
them), gaps with topics and projects, and a mock interview aimed at the posting.

The posting is the learner's own: stored as a `PostingComparison` of theirs (another learner gets a
404), never added to the catalog. Its skills come from the same extractor as resumes and staff
postings; its embedding from the same encoder (loaded once per process)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from apps.careers import selectors as careers_selectors
from apps.careers.free_terms import free_terms_record
from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.resumes import selectors
from apps.resumes.models import PostingComparison, Resume
from ml import disciplines, matching, postings

if TYPE_CHECKING:
    from apps.accounts.models import User


def _embed(text: str) -> list[float]:
    from ml.embeddings import get_encoder

    return get_encoder().encode([text])[0].tolist()


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = (sum(x * x for x in a) ** 0.5) * (sum(y * y for y in b) ** 0.5)
    return dot / norm if norm else 0.0


def _closest_role(rows: list, discipline: str, skills: dict[str, int]) -> int | None:
    """The catalog role of the posting's discipline closest to it (its interview loop is used)."""
    best, best_id = -1.0, None
    for role_id, _, family, similarity, role_skills in rows:
        if discipline and disciplines.normalise(family) != discipline:
            continue
        closeness = disciplines.role_closeness(
            disciplines.CatalogRole(family, similarity, role_skills), dict.fromkeys(skills, 1.0))
        if closeness > best:
            best, best_id = closeness, role_id
    return best_id


def comparison_result(*, resume: Resume, text: str, title: str) -> dict:
    """The comparison as the API returns it (nothing is written)."""
    matcher = selectors.skill_matcher()
    terms = postings.important_terms(text, matcher)
    weights = dict(postings.weights_of(terms))
    title = title.strip() or postings.posting_title(text)
    seniority = postings.posting_seniority(title, text)
    skill_names = ", ".join(matcher.names.get(slug, slug) for slug in weights)
    embedding = _embed(f"{title} ({seniority}). {text[:4000]}\nSkills: {skill_names}")
    rows = careers_selectors.catalog_roles_near(embedding=embedding)
    field = disciplines.best_discipline(careers_selectors.discipline_affinities(
        embedding=None, skills=dict.fromkeys(weights, 1.0), roles=rows))
    profile = selectors.resume_profile(resume=resume)
    if resume.embedding is None:  # callers compare ready resumes only
        raise Conflict("This resume is not ready yet: compare it once processing has finished.")
    similarity = _cosine([float(v) for v in resume.embedding], embedding)
    score = matching.score_role(profile, matching.RoleCandidate(role_id=0, seniority=seniority, similarity=similarity,
                                                                skills=weights, discipline=field))
    reasons = list(score.reasons)
    if not weights:
        reasons.insert(0, "No skills from our taxonomy were found in this posting: the score rests on the text alone.")
    elif score.skill_overlap < 0.25:
        reasons.insert(0, f"Your resume shows {len(score.matched_skills)} of the posting's {len(weights)} skills.")
    resume_text = resume.text or ""
    term_rows = [
        {"term": t.term, "skill": t.slug or None, "weight": t.weight, "mentions": t.mentions,
         "in_resume": (t.slug in profile.skills) if t.slug else postings.term_in_text(t.term, resume_text)}
        for t in terms
    ]
    gaps = selectors.skill_gaps(missing={slug: weights[slug] for slug in score.missing_skills})
    return {
        "title": title, "seniority": seniority, "discipline": field, "discipline_name": disciplines.label(field),
        "resume_discipline": disciplines.best_discipline(profile.disciplines),
        "score": score.score, "parts": score.parts, "reasons": reasons,
        "matched_skills": score.matched_skills, "missing_skills": score.missing_skills,
        "skill_names": {slug: matcher.names.get(slug, slug) for slug in weights},
        "terms": term_rows,
        "gaps": [{"skill": g.skill.slug, "name": g.skill.name, "weight": g.weight,
                  "topics": [{"id": t.id, "title": t.title, "track": t.track, "track_title": t.track_title}
                             for t in g.topics],
                  "projects": [{"id": p.id, "title": p.title, "level": p.level} for p in g.projects]}
                 for g in gaps],
        "closest_role": _closest_role(rows, field, weights),
    }


@transaction.atomic
def posting_compare(*, user: User, resume: Resume, posting: object, title: str = "",
                    source_url: str = "") -> PostingComparison:
    """Compare the learner's resume with a pasted posting and keep the result (private to them)."""
    if resume.user_id != getattr(user, "pk", None):
        raise NotFound("Resume not found.")
    try:
        text = postings.clean_posting(posting)
    except postings.PostingError as exc:
        raise ApplicationError(exc.message, errors={"posting": [exc.message]}) from exc
    if resume.status != Resume.Status.READY or resume.embedding is None:
        raise Conflict("This resume is not ready yet: compare it once processing has finished.")
    result = comparison_result(resume=resume, text=text, title=str(title or "")[:200])
    result["source_url"] = source_url[:500]
    free_terms_record(text=text, source="posting",
                      terms={t["term"]: t["mentions"] for t in result["terms"] if not t["skill"]})
    comparison = PostingComparison(user=user, resume=resume, title=result["title"][:200], posting=text, result=result)
    comparison.full_clean()
    comparison.save()
    return comparison


def comparison_get(*, user: User, comparison_id: int) -> PostingComparison:
    """The learner's own comparison; anyone else's is a 404."""
    comparison = PostingComparison.objects.select_related("resume").filter(user=user, pk=comparison_id).first()
    if comparison is None:
        raise NotFound("Comparison not found.")
    return comparison


def comparison_segments(comparison: PostingComparison) -> list[postings.Segment]:
    """The posting cut into plain text and terms marked found/missing in the resume (for the page)."""
    found = {(t["skill"] or t["term"]).lower() for t in comparison.result.get("terms", []) if t["in_resume"]}
    free = [t["term"] for t in comparison.result.get("terms", []) if not t["skill"]]
    return postings.highlight(comparison.posting, selectors.skill_matcher(),
                              lambda slug, surface: (slug or surface).lower() in found, free)
