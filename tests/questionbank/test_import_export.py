"""Import (JSON and CSV files, dry run, re-import) and export, through the API."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.questionbank.models import Question, QuestionVersion

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
IMPORT = "/api/v1/questions/import/"


def upload(client, name: str, *, dry_run: bool = False):
    content = (FILES / name).read_bytes()
    url = IMPORT + ("?dry_run=1" if dry_run else "")
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def _counts():
    return Question.objects.count(), QuestionVersion.objects.count()


def test_json_file_import_creates_valid_rows_and_reports_invalid_ones(staff_api):
    before = _counts()
    response = upload(staff_api, "questions_import.json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["skipped"]) == (2, 0, 0)
    errors = {e["row"]: e["errors"] for e in body["errors"]}
    assert set(errors) == {3, 4, 5}
    assert set(errors[3]) == {"round", "difficulty", "skills", "prompt", "key_points"}
    assert "no-such-skill" in errors[3]["skills"][0]
    assert "object" in errors[4]["non_field_errors"][0]
    assert "Row 1 already has this key" in errors[5]["key"][0]
    assert _counts() == (before[0] + 2, before[1] + 2)
    kv = Question.objects.get(key="import-kv-cache-memory")
    assert (kv.status, kv.source, kv.difficulty) == ("published", "imported", 2)
    assert sorted(kv.skills.values_list("slug", flat=True)) == ["inference-optimization", "llm-serving"]
    keyless = Question.objects.get(source="imported", round="behavioral")
    assert keyless.status == "draft" and keyless.current_version.key_points[0]["weight"] == 1.0


def test_reimporting_the_same_file_creates_nothing(staff_api):
    upload(staff_api, "questions_import.json")
    before = _counts()
    body = upload(staff_api, "questions_import.json").json()
    assert (body["created"], body["updated"], body["skipped"]) == (0, 0, 2)  # the keyless row matched by prompt
    assert _counts() == before


def test_dry_run_validates_and_writes_nothing(staff_api, django_capture_on_commit_callbacks):
    before = _counts()
    with django_capture_on_commit_callbacks() as callbacks:
        body = upload(staff_api, "questions_import.csv", dry_run=True).json()
    assert body["dry_run"] is True
    assert (body["created"], len(body["errors"])) == (2, 2)
    assert _counts() == before and callbacks == []


def test_csv_file_import(staff_api):
    body = upload(staff_api, "questions_import.csv").json()
    assert (body["created"], body["updated"], body["skipped"]) == (2, 0, 0)
    errors = {e["row"]: e["errors"] for e in body["errors"]}
    assert errors[3] == {"key_points": ["Key points are required."]}
    assert "Line 1" in errors[4]["key_points"][0] and "'two'" in errors[4]["key_points"][0]
    spec = Question.objects.get(key="csv-speculative-decoding")
    assert [kp["weight"] for kp in spec.current_version.key_points] == [3.0, 2.0, 1.0]
    assert spec.difficulty == 3 and spec.status == "published"
    ab = Question.objects.get(key="csv-ab-test-llm-feature")
    assert len(ab.current_version.key_points) == 3 and ab.status == "draft"
    assert upload(staff_api, "questions_import.csv").json()["created"] == 0


def test_import_updates_a_changed_row_as_a_new_version(staff_api):
    upload(staff_api, "questions_import.json")
    rows = json.loads((FILES / "questions_import.json").read_text())[:1]
    rows[0]["key_points"].append({"text": "Prefix caching shares the cache between requests with a common prefix"})
    rows[0]["difficulty"] = 3
    body = staff_api.post(IMPORT, rows, format="json").json()
    assert (body["created"], body["updated"]) == (0, 1)
    question = Question.objects.get(key="import-kv-cache-memory")
    assert question.current_version.number == 2 and question.difficulty == 3


def test_import_json_body_and_bad_uploads_are_clear_4xx(staff_api):
    assert staff_api.post(IMPORT, {"not": "a list"}, format="json").status_code == 400
    bad_json = staff_api.post(IMPORT, {"file": SimpleUploadedFile("q.json", b"[{")}, format="multipart")
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["detail"]
    wrong_type = staff_api.post(IMPORT, {"file": SimpleUploadedFile("q.xlsx", b"PK")}, format="multipart")
    assert wrong_type.status_code == 415
    no_header = staff_api.post(IMPORT, {"file": SimpleUploadedFile("q.csv", b"a,b\n1,2\n")}, format="multipart")
    assert no_header.status_code == 400 and "header" in no_header.json()["detail"]
    latin1 = staff_api.post(IMPORT, {"file": SimpleUploadedFile("q.csv", "prompt,round,key_points\n\xe9,coding,x\n".encode("latin-1"))},
                            format="multipart")
    assert latin1.status_code == 400
    big = staff_api.post(IMPORT, {"file": SimpleUploadedFile("q.json", b" " * (5 * 1024 * 1024 + 1))}, format="multipart")
    assert big.status_code == 413


def test_export_round_trips_through_import(staff_api):
    exported = staff_api.get("/api/v1/questions/export/?round=behavioral")
    assert exported.status_code == 200 and "attachment" in exported["Content-Disposition"]
    rows = exported.json()
    assert rows and all(r["round"] == "behavioral" for r in rows)
    assert {"key", "prompt", "key_points", "reference_answer", "skills", "status"} <= set(rows[0])
    body = staff_api.post(IMPORT, rows, format="json").json()
    assert (body["created"], body["updated"], body["errors"]) == (0, 0, [])
    assert body["skipped"] == len(rows)


def test_csv_export_round_trips_through_import(staff_api):
    exported = staff_api.get("/api/v1/questions/export/?format=csv&round=coding")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    reader = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert reader and reader[0]["key"].startswith("code-") and "|" in reader[0]["key_points"]
    body = staff_api.post(IMPORT, {"file": SimpleUploadedFile("bank.csv", exported.content)}, format="multipart").json()
    assert (body["created"], body["updated"], body["errors"]) == (0, 0, [])


@pytest.mark.parametrize("row", [
    {"prompt": 123, "round": "coding", "key_points": [{"text": "x"}]},
    {"prompt": "Valid prompt?", "round": ["coding"], "key_points": [{"text": "x"}]},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": "2|x", "difficulty": [1]},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x", "weight": True}]},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"weight": 2}]},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": {"text": "x"}},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x"}], "skills": 5},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x"}], "follow_up_hints": [1, 2]},
    # hints by position only with one per key point
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x"}, {"text": "y"}], "follow_up_hints": ["a"]},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x", "follow_up": 3}]},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x", "id": "Has Spaces"}]},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x", "id": "k1"}, {"text": "y", "id": "k1"}]},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x"}], "key": "has spaces"},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x"}], "status": "gone"},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x"}], "reference_answer": {"a": 1}},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": "x"}], "colour": "red"},
    {"prompt": "x" * 5000, "round": "coding", "key_points": [{"text": "x"}]},
    {"prompt": "Valid prompt?", "round": "coding", "key_points": [{"text": f"point {i}"} for i in range(11)]},
    None,
    [],
])
def test_malformed_rows_are_reported_never_a_500(row, staff_api):
    response = staff_api.post(IMPORT, [row], format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 0 and body["errors"][0]["row"] == 1 and body["errors"][0]["errors"]


def test_null_optional_fields_mean_not_given(staff_api):
    row = {"prompt": "What is a vector clock?", "round": "system_design", "key_points": [{"text": "It orders events"}],
           "key": None, "difficulty": None, "status": None, "skills": None, "reference_answer": None,
           "follow_up_hints": None}
    body = staff_api.post(IMPORT, [row], format="json").json()
    assert body["created"] == 1, body
