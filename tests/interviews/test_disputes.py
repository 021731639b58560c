"""Disputed grades: a learner disputes one key point, staff regrade / fix the rubric / reject, the
learner sees the outcome, and resolved disputes export as grading-corpus YAML."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.interviews import disputes, services
from apps.interviews.models import Answer, Dispute, Interview
from tests.interviews.conftest import WEAK_ANSWER, answer_and_grade

pytestmark = pytest.mark.django_db

REASON = "I explained this in my second sentence, in other words."


def _graded_answer(user, *, finish: bool = True, text: str = WEAK_ANSWER) -> Answer:
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    answer = answer_and_grade(interview, text)
    if finish:
        services.interview_finish(interview=interview)
    answer.refresh_from_db()
    return answer


def _missed_point(answer: Answer) -> str:
    return next(kp["id"] for kp in answer.key_points if not kp["covered"])


def _dispute(user, answer: Answer | None = None) -> Dispute:
    answer = answer or _graded_answer(user)
    return disputes.dispute_open(user=user, answer=answer, key_point_id=_missed_point(answer), reason=REASON)


# --- Services -------------------------------------------------------------------------------------


def test_a_learner_disputes_a_missed_key_point_of_a_graded_answer(user):
    answer = _graded_answer(user)
    point = _missed_point(answer)
    dispute = disputes.dispute_open(user=user, answer=answer, key_point_id=point, reason=REASON)
    assert dispute.status == "open" and dispute.key_point_id == point and dispute.graded_covered is False
    assert dispute.original_score == answer.score
    assert dispute.key_point_text == next(kp["text"] for kp in answer.key_points if kp["id"] == point)


def test_only_one_open_dispute_per_answer(user):
    dispute = _dispute(user)
    with pytest.raises(Conflict):
        disputes.dispute_open(user=user, answer=dispute.answer, key_point_id=dispute.key_point_id, reason=REASON)


def test_a_dispute_needs_a_known_key_point_a_reason_and_a_grade(user):
    answer = _graded_answer(user)
    with pytest.raises(ApplicationError) as unknown:
        disputes.dispute_open(user=user, answer=answer, key_point_id="k99", reason=REASON)
    assert "key_point" in unknown.value.errors
    with pytest.raises(ApplicationError) as short:
        disputes.dispute_open(user=user, answer=answer, key_point_id=_missed_point(answer), reason="wrong")
    assert "reason" in short.value.errors
    Answer.objects.filter(pk=answer.pk).update(grading_status="pending", score=None, graded_at=None)
    answer.refresh_from_db()
    with pytest.raises(ApplicationError):
        disputes.dispute_open(user=user, answer=answer, key_point_id="k1", reason=REASON)


def test_another_learners_answer_cannot_be_disputed(user, other_user):
    answer = _graded_answer(user)
    with pytest.raises(NotFound):
        disputes.dispute_open(user=other_user, answer=answer, key_point_id=_missed_point(answer), reason=REASON)


def test_regrading_changes_the_answer_the_report_and_keeps_the_expert_verdict(user, staff_user):
    dispute = _dispute(user)
    answer = dispute.answer
    covers = [*dispute.original_covers, dispute.key_point_id]
    resolved = disputes.dispute_resolve(dispute=dispute, staff=staff_user, action="regraded", covers=covers, score=77,
                                        note="You did say it.")
    answer.refresh_from_db()
    assert resolved.status == "regraded" and resolved.corrected_score == 77
    assert answer.score == 77 and answer.grader == "staff" and answer.grading_status == "graded"
    assert next(kp for kp in answer.key_points if kp["id"] == dispute.key_point_id)["covered"] is True
    interview = Interview.objects.get(pk=answer.interview_id)
    assert interview.report["questions"][0]["score"] == 77 and interview.score == 77


def test_rejecting_keeps_the_grade_and_needs_a_reason(user, staff_user):
    dispute = _dispute(user)
    with pytest.raises(ApplicationError) as no_reason:
        disputes.dispute_resolve(dispute=dispute, staff=staff_user, action="rejected")
    assert "note" in no_reason.value.errors
    resolved = disputes.dispute_resolve(dispute=dispute, staff=staff_user, action="rejected",
                                        note="The answer names the idea but does not explain it.")
    dispute.answer.refresh_from_db()
    assert resolved.status == "rejected" and dispute.answer.score == dispute.original_score
    assert resolved.corrected_score == dispute.original_score and resolved.corrected_covers == dispute.original_covers
    with pytest.raises(Conflict):
        disputes.dispute_resolve(dispute=dispute, staff=staff_user, action="rejected", note="again")


def test_rubric_fixed_records_the_verdict_without_regrading(user, staff_user):
    dispute = _dispute(user)
    resolved = disputes.dispute_resolve(dispute=dispute, staff=staff_user, action="rubric_fixed",
                                        covers=[dispute.key_point_id], score=60, note="Key point reworded.")
    dispute.answer.refresh_from_db()
    assert resolved.status == "rubric_fixed" and resolved.corrected_covers == [dispute.key_point_id]
    assert dispute.answer.score == dispute.original_score  # the grade itself is not changed
    with pytest.raises(ApplicationError):
        disputes.dispute_resolve(dispute=_dispute(user), staff=staff_user, action="regraded", covers=["k99"], score=50)


def test_resolved_disputes_export_as_corpus_yaml_the_evaluation_loader_accepts(user, staff_user, tmp_path):
    from apps.questionbank.services import question_spec_for
    from ml.grading.evaluation import load_corpus

    regraded = _dispute(user)
    disputes.dispute_resolve(dispute=regraded, staff=staff_user, action="regraded",
                             covers=[regraded.key_point_id], score=85)
    rejected = _dispute(user)
    disputes.dispute_resolve(dispute=rejected, staff=staff_user, action="rejected", note="Not stated.")
    _dispute(user)  # still open: not exported
    documents = [d for d in yaml.safe_load_all(disputes.disputes_export_yaml()) if d]
    exported = {a["id"]: a for d in documents for a in d["answers"]}
    assert set(exported) == {f"{d.answer.question_version.question.key}/dispute-{d.pk}" for d in (regraded, rejected)}
    entry = exported[f"{regraded.answer.question_version.question.key}/dispute-{regraded.pk}"]
    assert entry["score"] == 85 and entry["category"] == "excellent" and entry["text"].strip() == WEAK_ANSWER
    assert entry["covers"] == [int(regraded.key_point_id[1:]) - 1]
    # The files drop into the corpus layout and load with the grader's own evaluation loader.
    bank = {}
    for doc in documents:
        question = Dispute.objects.filter(answer__question_version__question__key=doc["key"]).first()
        version = question.answer.question_version.question.current_version
        bank[doc["key"]] = question_spec_for(version)
        (tmp_path / doc["round"]).mkdir(exist_ok=True)
        (tmp_path / doc["round"] / f"{doc['key']}.yaml").write_text(yaml.safe_dump(doc))
    (tmp_path / "splits.yaml").write_text(yaml.safe_dump({"version": "t", "splits": {"train": list(bank)}}))
    loaded = load_corpus(tmp_path, bank)
    assert sum(len(q.answers) for q in loaded) == 2


# --- API ------------------------------------------------------------------------------------------


def test_api_learner_opens_lists_and_reads_own_disputes(api, user):
    answer = _graded_answer(user)
    url = reverse("api-answer-disputes", args=[answer.pk])
    response = api.post(url, {"key_point": _missed_point(answer), "reason": REASON}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["answer"] == answer.pk and body["original_score"] == answer.score
    again = api.post(url, {"key_point": _missed_point(answer), "reason": REASON}, format="json")
    assert again.status_code == 409
    listed = api.get(reverse("api-disputes")).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    assert api.get(reverse("api-dispute-detail", args=[body["id"]])).status_code == 200


def test_api_bad_dispute_input_is_400(api, user):
    answer = _graded_answer(user)
    url = reverse("api-answer-disputes", args=[answer.pk])
    assert api.post(url, {"reason": REASON}, format="json").status_code == 400
    assert api.post(url, {"key_point": "k99", "reason": REASON}, format="json").status_code == 400
    short = api.post(url, {"key_point": _missed_point(answer), "reason": "no"}, format="json")
    assert short.status_code == 400 and "reason" in short.json()["errors"]
    assert api.post(url, {"key_point": "k1", "reason": "x" * 2001}, format="json").status_code == 400


def test_api_other_learners_answers_and_disputes_are_404(api, other_api, user):
    dispute = _dispute(user)
    answer = dispute.answer
    assert other_api.post(reverse("api-answer-disputes", args=[answer.pk]),
                          {"key_point": "k1", "reason": REASON}, format="json").status_code == 404
    assert other_api.get(reverse("api-dispute-detail", args=[dispute.pk])).status_code == 404
    assert other_api.get(reverse("api-disputes")).json()["count"] == 0


def test_api_staff_list_and_resolve_learners_cannot(api, staff_api, user):
    dispute = _dispute(user)
    assert api.get(reverse("api-staff-disputes")).status_code == 403
    resolve = reverse("api-staff-dispute-resolve", args=[dispute.pk])
    assert api.post(resolve, {"action": "rejected", "note": "x"}, format="json").status_code == 403
    listed = staff_api.get(reverse("api-staff-disputes"), {"status": "open"}).json()
    assert listed["count"] == 1 and listed["results"][0]["answer_text"] == WEAK_ANSWER
    assert staff_api.get(reverse("api-staff-disputes"), {"status": "nonsense"}).status_code == 400
    assert staff_api.post(resolve, {"action": "rejected"}, format="json").status_code == 400  # no reason
    assert staff_api.post(resolve, {"action": "regraded", "score": 101}, format="json").status_code == 400
    done = staff_api.post(resolve, {"action": "regraded", "covers": [dispute.key_point_id], "score": 70}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "regraded" and done.json()["corrected_score"] == 70
    assert staff_api.post(resolve, {"action": "rejected", "note": "x"}, format="json").status_code == 409
    assert staff_api.post(reverse("api-staff-dispute-resolve", args=[999999]),
                          {"action": "rejected", "note": "x"}, format="json").status_code == 404
    mine = api.get(reverse("api-disputes")).json()["results"][0]
    assert mine["status"] == "regraded" and mine["corrected_score"] == 70


# --- Pages ----------------------------------------------------------------------------------------


def test_dispute_page_opens_a_dispute_and_errors_are_shown(client, user):
    answer = _graded_answer(user)
    client.force_login(user)
    url = reverse("interviews:dispute_create", args=[answer.pk])
    page = client.get(url).content.decode()
    assert "Which key point was misjudged?" in page and "Marked missed" in page
    bad = client.post(url, {"key_point": _missed_point(answer), "reason": "<b>no</b>"})
    assert bad.status_code == 400 and "at least 10 characters" in bad.content.decode()
    assert "<b>no</b>" not in bad.content.decode()  # escaped
    ok = client.post(url, {"key_point": _missed_point(answer), "reason": REASON})
    assert ok.status_code == 302 and ok["Location"] == reverse("interviews:disputes")
    assert "Waiting for review" in client.get(reverse("interviews:disputes")).content.decode()


def test_report_shows_each_answer_collapsed_with_its_dispute_outcome(client, user, staff_user):
    dispute = _dispute(user)
    disputes.dispute_resolve(dispute=dispute, staff=staff_user, action="rejected", note="Not stated in the answer.")
    client.force_login(user)
    html = client.get(reverse("interviews:report", args=[dispute.answer.interview_id])).content.decode()
    assert '<details class="report-entry"' in html and "Needs work" in html
    assert "Your dispute:" in html and "the grade stands" in html and "Not stated in the answer." in html
    assert '<h3 class="report-question">Question 1:' in html


def test_staff_pages_list_questions_resolve_and_export_learners_get_the_403_page(client, user, staff_user):
    dispute = _dispute(user)
    question_id = dispute.answer.question_version.question_id
    client.force_login(user)
    for url in (reverse("interviews:staff_disputes"), reverse("interviews:staff_disputes_export"),
                reverse("interviews:staff_question_disputes", args=[question_id])):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("interviews:staff_dispute_resolve", args=[dispute.pk])).status_code == 403
    client.force_login(staff_user)
    listing = client.get(reverse("interviews:staff_disputes")).content.decode()
    assert reverse("interviews:staff_question_disputes", args=[question_id]) in listing
    detail = client.get(reverse("interviews:staff_question_disputes", args=[question_id])).content.decode()
    assert WEAK_ANSWER in detail and REASON in detail and reverse("questionbank:edit", args=[question_id]) in detail
    response = client.post(reverse("interviews:staff_dispute_resolve", args=[dispute.pk]),
                           {"action": "regraded", "covers": [dispute.key_point_id], "score": "abc"}, follow=True)
    assert "0 to 100" in response.content.decode() or "0-100" in response.content.decode()
    client.post(reverse("interviews:staff_dispute_resolve", args=[dispute.pk]),
                {"action": "regraded", "covers": [dispute.key_point_id], "score": "66"})
    dispute.refresh_from_db()
    assert dispute.status == "regraded" and dispute.corrected_score == 66
    export = client.get(reverse("interviews:staff_disputes_export"))
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    assert f"dispute-{dispute.pk}" in export.content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_dispute_pages_query_counts_do_not_grow(client, user, staff_user, size, django_assert_max_num_queries):
    made = [_dispute(user) for _ in range(size)]
    client.force_login(user)
    with django_assert_max_num_queries(3):  # session, user, disputes
        assert client.get(reverse("interviews:disputes")).status_code == 200
    client.force_login(staff_user)
    with django_assert_max_num_queries(3):  # session, user, questions with counts
        assert client.get(reverse("interviews:staff_disputes")).status_code == 200
    question_id = made[0].answer.question_version.question_id
    with django_assert_max_num_queries(4):  # session, user, question, disputes
        assert client.get(reverse("interviews:staff_question_disputes", args=[question_id])).status_code == 200
