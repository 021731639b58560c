"""Discipline-aware matching on the labelled market set (issue 13's floors), and seniority both ways.

50 postings of 14 disciplines (skills found in their text by our extractor, as for a pasted
posting), 52 resumes (.md and .txt), labels fixed before any matching ran. The floors hold on the
whole set; tune and test figures are printed separately (docs/matching.md reports them)."""

import pytest

from apps.resumes import selectors
from tests.resumes import market


@pytest.fixture
def market_rankings(user) -> dict[str, list[str]]:
    market.load_roles()
    rankings = {}
    for label in market.labels():
        resume = market.process(user, label.name)
        assert resume.status == "ready", (label.name, resume.error)
        rankings[label.name] = [m.role.slug for m in selectors.resume_matches(resume=resume, k=10, explain=False)]
    return rankings


def test_relevant_roles_lead_and_other_disciplines_stay_out_of_the_top_3(market_rankings):
    whole = market.figures(market_rankings, market.labels())
    for split in ("tune", "test"):
        part = market.figures(market_rankings, market.labels(split))
        line = (f"\n{split}: {part.resumes} resumes, relevant in top 3 {part.relevant_top3:.3f}, "
                f"irrelevant in top 3 {part.irrelevant_top3:.3f}, best first {part.best_first:.3f}")
        print(line)  # noqa: T201 - the figures docs/matching.md reports
    print("\n".join(whole.misses))  # noqa: T201 - the figures docs/matching.md reports
    assert whole.resumes >= 40
    assert whole.relevant_top3 >= 0.90, whole.misses
    assert whole.irrelevant_top3 <= 0.10, whole.misses


def test_a_junior_posting_is_not_the_top_match_for_a_senior_resume_nor_the_reverse(market_rankings):
    import yaml

    seniority = {r["slug"]: r["seniority"] for r in yaml.safe_load((market.MARKET / "roles.yaml").read_text())["roles"]}
    data = yaml.safe_load((market.MARKET / "labels.yaml").read_text())["resumes"]
    wrong = []
    for name, item in data.items():
        first = seniority[market_rankings[name][0]]
        if item["seniority"] in {"senior", "staff"} and first in {"intern", "junior"}:
            wrong.append(f"{name}: {item['seniority']} resume, first {market_rankings[name][0]}")
        if item["seniority"] in {"intern", "junior"} and first in {"senior", "staff"}:
            wrong.append(f"{name}: {item['seniority']} resume, first {market_rankings[name][0]}")
    assert not wrong, wrong
