"""The staff curation pages: access, filters, forms, duplicates, history, import, playground, review queue."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.questionbank.models import Question, QuestionVersion
from tests.questionbank.conftest import BANK_KEY, make_answer, make_question

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
FORM = {
    "prompt": "How would you cache LLM responses for repeated support questions without serving stale answers?",
    "key": "",
    "round": "system_design",
    "difficulty": "2",
    "skills": ["llm-serving"],
    "status": "draft",
    "key_points": "3 | Cache on a normalised prompt plus model and parameters as the key | What is the cache key?\n"
                  "2 | Semantic caching matches paraphrases by embedding similarity with a strict threshold\n"
                  "Invalidate entries when the knowledge base or the model changes | How do you invalidate?",
    "reference_answer": "Use a **cache**.",
}


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _page_urls(question):
    return ["/questions/", "/questions/new/", "/questions/import/", "/questions/drafts/",
            f"/questions/{question.pk}/", f"/questions/{question.pk}/edit/", f"/questions/{question.pk}/history/",
            f"/questions/{question.pk}/delete/"]


def test_pages_are_for_staff_only(client, user, staff_user, bank_question):
    for url in _page_urls(bank_question):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    client.force_login(user)
    for url in _page_urls(bank_question):
        response = client.get(url)
        assert response.status_code == 403 and "This page is for staff" in response.content.decode(), url
    assert client.post(f"/questions/{bank_question.pk}/try/", {"text": "x"}).status_code == 403
    assert client.post("/questions/bulk/", {"ids": [bank_question.pk], "action": "retire", "confirmed": "1"}).status_code == 403
    bank_question.refresh_from_db()
    assert bank_question.status == "published"
    client.force_login(staff_user)
    for url in _page_urls(bank_question):
        assert client.get(url).status_code == 200, url


def test_list_filters_searches_and_paginates(staff_client):
    page = staff_client.get("/questions/?round=behavioral&difficulty=2&status=published")
    content = page.content.decode()
    assert page.status_code == 200
    assert "Behavioral" in content and "LLM deep dive</td>" not in content
    searched = staff_client.get("/questions/?q=bias-variance").content.decode()
    assert BANK_KEY in searched and "1 question." in searched
    second = staff_client.get("/questions/?page=2")
    assert second.status_code == 200 and "Page 2 of" in second.content.decode()
    assert staff_client.get("/questions/?difficulty=7&page=abc").status_code == 200  # bad filters are ignored
    assert "format=csv" in staff_client.get("/questions/").content.decode()


def test_bulk_publish_asks_for_confirmation_first(staff_client, staff_user, draft_question):
    other = make_question(user=staff_user, status="draft", prompt="Another draft about streaming tokens to browsers.")
    ids = [draft_question.pk, other.pk]
    confirm = staff_client.post("/questions/bulk/", {"ids": ids, "action": "publish", "next": "/questions/?status=draft"})
    assert confirm.status_code == 200 and b"Publish 2 questions?" in confirm.content
    assert set(Question.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"draft"}
    done = staff_client.post("/questions/bulk/", {"ids": ids, "action": "publish", "confirmed": "1",
                                                  "next": "/questions/?status=draft"})
    assert done.status_code == 302 and done["Location"] == "/questions/?status=draft"
    assert set(Question.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"published"}


def test_bulk_without_a_selection_says_so(staff_client):
    response = staff_client.post("/questions/bulk/", {"action": "retire"}, follow=True)
    assert b"Select at least one question" in response.content
    someone = Question.objects.filter(status="draft").first() or Question.objects.first()
    evil = staff_client.post("/questions/bulk/", {"action": "draft", "ids": [someone.pk], "confirmed": "1",
                                                  "next": "https://evil.example/"})
    assert evil.status_code == 302 and evil["Location"] == "/questions/"


def test_create_form_with_key_point_lines(staff_client, staff_user):
    response = staff_client.post("/questions/new/", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(current_version__prompt=FORM["prompt"])
    assert [kp["weight"] for kp in question.current_version.key_points] == [3.0, 2.0, 1.0]
    # Each follow-up sits with its own key point (written side by side on the line), whatever the order.
    assert [(kp["id"], kp.get("follow_up", "")) for kp in question.current_version.key_points] == [
        ("k1", "What is the cache key?"), ("k2", ""), ("k3", "How do you invalidate?")]
    assert question.embedding is not None  # stored from the duplicate check, no task needed
    assert question.created_by == staff_user


def test_form_errors_are_clear(staff_client):
    bad = {**FORM, "key_points": "3 | fine\nfive | not a weight\n2 |   ", "round": "poetry", "prompt": ""}
    response = staff_client.post("/questions/new/", bad)
    content = response.content.decode()
    assert response.status_code == 400
    assert "Line 2: &#x27;five&#x27; is not a weight" in content and "Line 3: the key point text is empty" in content
    assert "Select a valid choice" in content and "This field is required" in content
    assert not Question.objects.filter(current_version__key_points__contains=[{"text": "fine"}]).exists()


def test_near_duplicate_warning_requires_save_anyway(staff_client, bank_question):
    duplicate = {**FORM, "prompt": bank_question.current_version.prompt + " Give an example."}
    before = Question.objects.count()
    warned = staff_client.post("/questions/new/", duplicate)
    content = warned.content.decode()
    assert warned.status_code == 200 and 'data-testid="duplicate-warning"' in content
    assert f"/questions/{bank_question.pk}/" in content and "Save anyway" in content
    assert Question.objects.count() == before
    saved = staff_client.post("/questions/new/", {**duplicate, "confirm_duplicate": "1"})
    assert saved.status_code == 302 and Question.objects.count() == before + 1


def test_edit_form_makes_a_version_and_history_shows_an_escaped_diff(staff_client, staff_user, user):
    question = make_question(user=staff_user)
    make_answer(question.current_version, user, score=50)
    form = staff_client.get(f"/questions/{question.pk}/edit/").content.decode()
    assert "3 | Embed each ticket and compare vectors with cosine similarity" in form
    edited = {**FORM, "prompt": "Describe how you would deduplicate <script>alert(1)</script> tickets.",
              "round": question.round, "key_points": "3 | Embed each ticket\n1 | Tune the threshold", "status": "published"}
    response = staff_client.post(f"/questions/{question.pk}/edit/", edited)
    assert response.status_code == 302
    assert QuestionVersion.objects.filter(question=question).count() == 2
    history = staff_client.get(f"/questions/{question.pk}/history/").content.decode()
    assert 'data-testid="diff"' in history
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in history and "<script>alert(1)" not in history
    assert "+3 | Embed each ticket" in history
    assert "-2 | Use an approximate nearest neighbour index" in history
    old = staff_client.get(f"/questions/{question.pk}/history/?old=2&new=1").content.decode()
    assert "Changes from v2 to v1" in old
    assert staff_client.get(f"/questions/{question.pk}/history/?old=x&new=99").status_code == 200


def test_markdown_preview_is_rendered_and_sanitised(staff_client):
    response = staff_client.post("/questions/preview/", {
        "reference_answer": "**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
    }, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_markdown_lists_right_under_a_sentence_are_lists():
    from apps.questionbank.rendering import render_markdown

    html = render_markdown("Steps:\n- embed\n- index\n\n```\n- code, not a list\n```")
    assert "<li>embed</li>" in html and "<li>index</li>" in html and "- code, not a list" in html


def test_question_page_shows_similar_questions_stats_and_the_playground(staff_client, staff_user, user, bank_question):
    make_answer(bank_question.current_version, user, score=80, flags=["off_topic"])
    page = staff_client.get(f"/questions/{bank_question.pk}/").content.decode()
    assert 'data-testid="similar"' in page and "similarity" in page
    assert "Asked 1 time" in page and "mean score 80.0" in page and "flagged 100%" in page
    assert "Rubric playground" in page and "<strong>" in page  # the reference answer's Markdown
    # Each key point is shown beside its own follow-up question.
    version = bank_question.current_version
    point = next(kp for kp in version.key_points if kp.get("follow_up"))
    from django.utils.html import escape

    row = page.split(escape(point["text"]), 1)[1].split("</tr>", 1)[0]
    assert escape(point["follow_up"]) in row


def test_playground_fragment_shows_covered_and_missed_points(staff_client, bank_question):
    answer = ("High variance (overfitting) shows as low training error but a much higher validation error. "
              "I would get more data.")
    response = staff_client.post(f"/questions/{bank_question.pk}/try/", {"text": answer}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="grade"' in html
    assert "kp-covered" in html and "kp-missed" in html and "Correctness" in html
    assert "low training error" in html  # the evidence
    empty = staff_client.post(f"/questions/{bank_question.pk}/try/", {"text": ""})
    assert empty.status_code == 400 and b"required" in empty.content


def test_delete_page_confirms_then_retires_an_answered_question(staff_client, staff_user, user):
    question = make_question(user=staff_user)
    make_answer(question.current_version, user, score=10)
    assert b"will be retired instead" in staff_client.get(f"/questions/{question.pk}/delete/").content
    staff_client.post(f"/questions/{question.pk}/delete/")
    question.refresh_from_db()
    assert question.status == "retired"
    unanswered = make_question(user=staff_user, prompt="Nobody answered this one about prompt caching.")
    staff_client.post(f"/questions/{unanswered.pk}/delete/")
    assert not Question.objects.filter(pk=unanswered.pk).exists()


def test_import_page_dry_runs_then_imports_on_confirmation(staff_client):
    before = Question.objects.count()
    content = (FILES / "questions_import.csv").read_bytes()
    report = staff_client.post("/questions/import/", {"file": SimpleUploadedFile("q.csv", content)})
    html = report.content.decode()
    assert report.status_code == 200 and "Dry run: nothing has been written yet" in html
    assert "Would create <strong>2</strong>" in html
    assert "Line 1: &#x27;two&#x27; is not a weight" in html and "Key points are required." in html
    assert Question.objects.count() == before
    payload = report.context["payload"]
    done = staff_client.post("/questions/import/", {"payload": payload, "confirmed": "1"})
    assert "Import done" in done.content.decode()
    assert Question.objects.count() == before + 2
    again = staff_client.post("/questions/import/", {"payload": payload, "confirmed": "1"}).content.decode()
    assert "Created <strong>0</strong>" in again and Question.objects.count() == before + 2


def test_import_page_reports_unreadable_files(staff_client):
    bad = staff_client.post("/questions/import/", {"file": SimpleUploadedFile("q.json", b"{oops")})
    assert bad.status_code == 400 and b"not valid JSON" in bad.content
    wrong = staff_client.post("/questions/import/", {"file": SimpleUploadedFile("q.txt", b"hi")})
    assert wrong.status_code == 415 and b".json or .csv" in wrong.content
    nothing = staff_client.post("/questions/import/", {})
    assert nothing.status_code == 400 and b"Choose a .json or .csv file" in nothing.content
    tampered = staff_client.post("/questions/import/", {"payload": json.dumps({"x": 1}), "confirmed": "1"})
    assert tampered.status_code == 400


def test_review_queue_lists_llm_drafts_and_hides_the_form_without_an_llm(staff_client, staff_user):
    drafted = make_question(user=staff_user, status="draft", source=Question.Source.LLM_DRAFTED,
                            prompt="An LLM-drafted question about LoRA ranks awaiting review.")
    page = staff_client.get("/questions/drafts/").content.decode()
    assert "LoRA ranks awaiting review" in page and "Drafting with an LLM is off" in page
    refused = staff_client.post("/questions/drafts/", {"skill": "rag", "round": "llm_deep_dive", "count": 2}, follow=True)
    assert b"No LLM backend is configured" in refused.content
    drafted.refresh_from_db()
    assert drafted.status == "draft"


def test_admin_changelist_and_change_page(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.com", password="x" * 12)
    client.force_login(admin)
    question = Question.objects.get(key=BANK_KEY)
    assert client.get("/admin/questionbank/question/?status__exact=published&q=bias").status_code == 200
    change = client.get(f"/admin/questionbank/question/{question.pk}/change/")
    assert change.status_code == 200 and question.current_version.prompt[:40].encode() in change.content
    assert client.get("/admin/questionbank/questiondraftjob/").status_code == 200
