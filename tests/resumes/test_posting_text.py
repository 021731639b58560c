"""The plain-Python pieces behind comparing with a posting and discipline-aware matching."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from ml import disciplines, experience, postings, resume_text
from ml.matching import ResumeProfile, RoleCandidate, SkillMatcher, evidence_factor, score_role
from ml.skill_terms import free_terms

SKILLS = yaml.safe_load((Path(__file__).resolve().parents[2] / "data" / "catalog" / "skills.yaml").read_text())


@pytest.fixture(scope="module")
def matcher() -> SkillMatcher:
    return SkillMatcher(SKILLS["skills"])


def test_the_taxonomy_covers_the_job_market():
    categories = {c["slug"] for c in SKILLS["categories"]}
    assert len(SKILLS["skills"]) >= 300
    assert {"frontend", "backend", "mobile", "data_engineering", "cloud_devops", "security_eng", "data_science",
            "ml", "deep_learning", "mlops", "research", "product", "leadership"} <= categories
    assert len(disciplines.DISCIPLINES) <= disciplines.DISCIPLINE_SLOTS


@pytest.mark.parametrize(("text", "slug"), [
    ("Built the UI in React with hooks", "react"),
    ("Node.js and Express services", "nodejs"),
    ("Go microservices", "golang"),
    ("C++ and C# code", "cpp"),
    ("Python, R, SQL", "r-language"),
    ("pipelines on Apache Spark", "apache-spark"),
])
def test_new_skills_are_found_by_name_synonym_and_casing(matcher, text, slug):
    assert slug in matcher.find(text)


@pytest.mark.parametrize(("text", "slug"), [
    ("agents in the ReAct style", "react"),
    ("we go to the office", "golang"),
    ("John R. Smith", "r-language"),
    ("a spark of curiosity", "apache-spark"),
])
def test_ordinary_words_are_not_skills(matcher, text, slug):
    assert slug not in matcher.find(text)


def test_free_terms_are_technology_names_the_taxonomy_lacks(matcher):
    found = free_terms("We use VectorForge, GraphQL, React and the MBA program in Q3 with the CEO.", matcher)
    assert "VectorForge" in found
    assert not {"GraphQL", "React", "MBA", "Q3", "CEO"} & set(found)


@pytest.mark.parametrize(("posting", "message"), [
    ("", "empty"), ("x" * 50_001, "50,000"), ("ab\x01\x02\x03\x04 cd ef gh ij", "binary"), (b"bytes", "text"),
    ("hi there", "too few words"),
])
def test_postings_we_cannot_read_are_refused_with_a_reason(posting, message):
    with pytest.raises(postings.PostingError, match=message):
        postings.clean_posting(posting)


@pytest.mark.parametrize(("title", "text", "level"), [
    ("Senior Data Engineer", "", "senior"), ("Junior Front-End Developer", "", "junior"),
    ("Frontend Engineering Intern", "", "intern"), ("Principal Engineer", "", "staff"),
    ("Data Engineer", "You have 6+ years of experience", "senior"), ("Data Engineer", "3-5 years", "mid"),
    ("Data Engineer", "Build pipelines", "mid"),
])
def test_a_postings_seniority_comes_from_its_title_or_the_years_it_asks(title, text, level):
    assert postings.posting_seniority(title, text) == level


def test_highlighting_marks_each_term_once_as_found_or_missing(matcher):
    text = "Python and Kubernetes; Python again. Also VectorForge."
    segments = postings.highlight(text, matcher, lambda slug, surface: slug == "python", ["VectorForge"])
    marked = [(s.text, s.state) for s in segments if s.state]
    assert marked == [("Python", "found"), ("Kubernetes", "missing"), ("Python", "found"), ("VectorForge", "missing")]
    assert "".join(s.text for s in segments) == text


def test_seniority_fit_works_both_ways():
    senior = ResumeProfile(skills={}, years_experience=5.5, has_experience=True)
    junior_fit, _, reasons = evidence_factor("junior", senior)
    assert junior_fit < 0.85 and reasons
    assert evidence_factor("senior", senior)[0] == 1.0
    graduate = ResumeProfile(skills={}, years_experience=0.5, has_experience=True)
    assert evidence_factor("senior", graduate)[0] < 0.6 and evidence_factor("junior", graduate)[0] == 1.0


def test_another_disciplines_role_is_scaled_down_with_the_reason():
    profile = ResumeProfile(skills={"python": 1.0}, years_experience=3, has_experience=True,
                            disciplines={"llm_engineering": 1.0, "frontend": 0.4})
    same = score_role(profile, RoleCandidate(1, "mid", 0.5, {"python": 2}, "llm_engineering"))
    other = score_role(profile, RoleCandidate(2, "mid", 0.5, {"python": 2}, "frontend"))
    assert other.score < same.score * 0.5
    assert other.parts["discipline"] < 40 and any("Frontend engineering role" in r for r in other.reasons)
    assert same.parts == {"semantic": round(100 * same.semantic), "skills": 100, "seniority": 100, "discipline": 100}


def test_affinity_is_relative_to_the_resumes_own_field():
    roles = [disciplines.CatalogRole("frontend", 0.6, {"react": 3, "css": 2}),
             disciplines.CatalogRole("llm", 0.3, {"rag": 3})]
    values = disciplines.affinities(roles, {"react": 1.0, "css": 0.6})
    assert values["frontend"] == 1.0 and values["llm_engineering"] < 0.3


def test_only_tech_jobs_count_as_years_of_experience(matcher):
    text = """Summary
Bootcamp graduate.
Work
- Bookshop Assistant, City Books, 2019 - 2026
Junior Frontend Developer, Webco
Mar 2026 - Present
- React and TypeScript screens
"""
    sections = resume_text.split_sections(text)
    everything = resume_text.experience_evidence(sections, today=date(2026, 12, 1))
    tech = experience.experience_evidence(sections, matcher, today=date(2026, 12, 1))
    assert everything.years > 7 and tech.years < 1
