"""What staff see while curating: similar questions while typing a prompt, every draft in the review queue,
restoring an older version as a new one, and import errors that point to the staff pages."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.questionbank import services
from apps.questionbank.models import Question
from tests.questionbank.conftest import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


# --- near-duplicates while typing ----------------------------------------------------------------------

def test_typing_a_prompt_like_a_bank_question_shows_it_with_its_similarity(staff_client, bank_question):
    prompt = bank_question.current_version.prompt + " Give an example."
    fragment = staff_client.post("/questions/duplicates/", {"prompt": prompt}).content.decode()
    assert 'data-testid="live-duplicates"' in fragment
    assert f'href="/questions/{bank_question.pk}/"' in fragment
    assert "% similar" in fragment and "near duplicate" in fragment
    assert fragment.index(f"/questions/{bank_question.pk}/") < fragment.index("% similar")  # the nearest comes first


def test_an_unrelated_or_too_short_prompt_shows_no_similar_question(staff_client, bank_question):
    unrelated = staff_client.post("/questions/duplicates/", {
        "prompt": "Tell me about a time you disagreed with a product manager about a launch date."}).content.decode()
    assert f"/questions/{bank_question.pk}/\"" not in unrelated
    assert staff_client.post("/questions/duplicates/", {"prompt": "Bias?"}).content.decode().strip() == ""


def test_editing_a_question_leaves_itself_out_of_its_similar_questions(staff_client, bank_question):
    fragment = staff_client.post("/questions/duplicates/", {
        "prompt": bank_question.current_version.prompt, "question": bank_question.pk}).content.decode()
    assert f'href="/questions/{bank_question.pk}/"' not in fragment


def test_editor_asks_for_similar_questions_as_staff_type(staff_client, bank_question):
    new = staff_client.get("/questions/new/").content.decode()
    assert 'hx-post="/questions/duplicates/"' in new and 'id="duplicate-hints"' in new
    edit = staff_client.get(f"/questions/{bank_question.pk}/edit/").content.decode()
    assert f'"question": "{bank_question.pk}"' in edit  # the edited question is left out


def test_learners_cannot_use_the_duplicate_check(client, user, api, bank_question):
    client.force_login(user)
    assert client.post("/questions/duplicates/", {"prompt": "x" * 40}).status_code == 403
    assert api.post("/api/v1/questions/similar-check/", {"prompt": "x" * 40}, format="json").status_code == 403


def test_duplicate_check_api(staff_api, bank_question):
    prompt = bank_question.current_version.prompt + " Give an example."
    body = staff_api.post("/api/v1/questions/similar-check/", {"prompt": prompt}, format="json").json()
    assert body["checked"] is True
    assert body["similar"][0]["id"] == bank_question.pk and body["similar"][0]["near_duplicate"] is True
    excluded = staff_api.post("/api/v1/questions/similar-check/", {"prompt": prompt, "exclude": bank_question.pk},
                              format="json").json()
    assert bank_question.pk not in [s["id"] for s in excluded["similar"]]
    assert staff_api.post("/api/v1/questions/similar-check/", {"prompt": "short"}, format="json").json() == {
        "checked": False, "similar": []}
    assert staff_api.post("/api/v1/questions/similar-check/", {}, format="json").status_code == 400
    assert staff_api.post("/api/v1/questions/similar-check/", {"prompt": "x" * 30, "exclude": 10**9},
                          format="json").status_code == 404


# --- review queue --------------------------------------------------------------------------------------

def test_review_queue_lists_every_draft_whoever_wrote_it(staff_client, staff_user):
    authored = make_question(user=staff_user, status="draft", prompt="A staff-written draft about KV cache eviction.")
    imported = make_question(user=staff_user, status="draft", source=Question.Source.IMPORTED,
                             prompt="An imported draft about tokenizer drift between training and serving.")
    published = make_question(user=staff_user, prompt="A published question about beam search widths.")
    page = staff_client.get("/questions/drafts/").content.decode()
    assert "KV cache eviction" in page and "tokenizer drift" in page
    assert "beam search widths" not in page
    assert "Authored by" in page and "Imported by" in page
    assert "Vector databases" in page and "vector-databases" not in page  # skill names, not ids
    assert authored.pk and imported.pk and published.pk


@pytest.mark.parametrize("drafts", [2, 12])
def test_review_queue_queries_do_not_grow_with_the_drafts(drafts, client, staff_user, django_assert_max_num_queries):
    for n in range(drafts):
        make_question(user=staff_user, status="draft", prompt=f"Draft number {n} about sharding a vector index.")
    client.force_login(staff_user)
    with django_assert_max_num_queries(9):
        page = client.get("/questions/drafts/")
    assert page.content.decode().count('name="ids"') >= drafts


# --- restore a version ---------------------------------------------------------------------------------

def _three_versions(staff_user) -> Question:
    question = make_question(user=staff_user, prompt="Version one: how do you shard an HNSW index?")
    services.question_update(question=question, user=staff_user, prompt="Version two: how do you shard a vector index?")
    services.question_update(question=question, user=staff_user, reference_answer="Shard by tenant.")
    question.refresh_from_db()
    return question


def test_restoring_a_version_asks_first_then_saves_it_as_a_new_version(staff_client, staff_user):
    question = _three_versions(staff_user)
    history = staff_client.get(f"/questions/{question.pk}/history/").content.decode()
    assert f"/questions/{question.pk}/history/1/restore/" in history
    assert f"/questions/{question.pk}/history/3/restore/" not in history  # the current one

    confirm = staff_client.get(f"/questions/{question.pk}/history/1/restore/").content.decode()
    assert "Restore version 1?" in confirm and "+Version one: how do you shard an HNSW index?" in confirm
    assert question.versions.count() == 3  # nothing written by looking

    done = staff_client.post(f"/questions/{question.pk}/history/1/restore/", follow=True).content.decode()
    assert "Version 1 restored as version 4." in done and "(restored from v1)" in done
    question.refresh_from_db()
    current = question.current_version
    first = question.versions.get(number=1)
    assert (current.number, current.restored_from) == (4, 1)
    assert (current.prompt, current.key_points, current.reference_answer) == (
        first.prompt, first.key_points, first.reference_answer)
    assert list(question.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4]
    assert question.versions.get(number=3).reference_answer == "Shard by tenant."  # history untouched


def test_restoring_the_current_rubric_again_is_refused_with_a_message(staff_client, staff_user):
    question = _three_versions(staff_user)
    staff_client.post(f"/questions/{question.pk}/history/1/restore/")
    again = staff_client.post(f"/questions/{question.pk}/history/1/restore/", follow=True).content.decode()
    assert "same rubric as the current version" in again
    assert question.versions.count() == 4
    assert staff_client.get(f"/questions/{question.pk}/history/9/restore/").status_code == 404


def test_restore_api(staff_api, api, staff_user):
    question = _three_versions(staff_user)
    assert api.post(f"/api/v1/questions/{question.pk}/versions/2/restore/").status_code == 403
    restored = staff_api.post(f"/api/v1/questions/{question.pk}/versions/2/restore/")
    assert restored.status_code == 201
    assert restored.json()["number"] == 4 and restored.json()["restored_from"] == 2
    assert restored.json()["prompt"] == "Version two: how do you shard a vector index?"
    assert staff_api.post(f"/api/v1/questions/{question.pk}/versions/4/restore/").status_code == 409
    assert staff_api.post(f"/api/v1/questions/{question.pk}/versions/99/restore/").status_code == 404


# --- import errors -------------------------------------------------------------------------------------

CSV = (
    "key,round,difficulty,skills,prompt,key_points\n"
    'ok-row,coding,2,,"Implement an LRU cache with O(1) operations.","2|A hash map plus a doubly linked list\n1|Evict the tail"\n'
    "bad-row,coding,2,no-such-skill,How do you reverse a list?,\n"
)


def test_import_errors_name_the_column_the_line_and_the_staff_skills_page(staff_client):
    page = staff_client.post("/questions/import/", {
        "file": SimpleUploadedFile("q.csv", CSV.encode(), content_type="text/csv")}).content.decode()
    assert "/api/v1/" not in page.split('<footer')[0]
    assert "<strong>Skills</strong>: Unknown skill(s): no-such-skill." in page
    assert 'href="/questions/skills/"' in page
    assert "<strong>Key points</strong>: Key points are required." in page
    assert "line 4" in page  # row 2 starts on line 4 of the file: row 1's key points span two lines

    payload = json.loads(page.split('name="payload" value="')[1].split('"')[0].replace("&quot;", '"'))
    confirmed = staff_client.post("/questions/import/", {
        "payload": json.dumps(payload), "lines": "[2, 4]", "confirmed": "1"}).content.decode()
    assert "line 4" in confirmed and Question.objects.filter(key="ok-row").exists()


def test_skills_page_lists_skills_by_name_with_their_import_ids(staff_client, client, user):
    page = staff_client.get("/questions/skills/").content.decode()
    assert "<h2>" in page and "Vector databases" in page and "<code>vector-databases</code>" in page
    client.force_login(user)
    assert client.get("/questions/skills/").status_code == 403


@pytest.mark.parametrize("tagged", [1, 15])
def test_skills_page_queries_do_not_grow_with_the_questions(tagged, client, staff_user, django_assert_max_num_queries):
    for n in range(tagged):
        make_question(user=staff_user, prompt=f"Question {n} about choosing a vector database for a chatbot.")
    client.force_login(staff_user)
    with django_assert_max_num_queries(5):
        page = client.get("/questions/skills/")
    expected = Question.objects.bank().filter(skills__slug="vector-databases").count()
    assert expected >= tagged and page.status_code == 200
    assert f'?skill=vector-databases">{expected}<' in page.content.decode()
