import shutil

import pytest
import yaml

from apps.catalog.loader import DATA_DIR, load_catalog
from apps.roadmap.models import Topic, TopicProgress
from apps.roadmap.services import topic_progress_set

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing():
    report = load_catalog()
    assert report.lines() == []


def test_editing_a_data_file_updates_in_place_and_keeps_progress(tmp_path, user):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    path = data_dir / "catalog" / "tracks" / "twelve-week-llm.yaml"
    track = yaml.safe_load(path.read_text())
    first_stage = track["stages"][0]
    kept, removed = first_stage["topics"][0], first_stage["topics"][1]
    topic = Topic.objects.get(stage__track__slug="twelve-week-llm", stage__key=first_stage["key"], key=kept["key"])
    gone = Topic.objects.get(stage__track__slug="twelve-week-llm", stage__key=first_stage["key"], key=removed["key"])
    topic_progress_set(user=user, topic=topic, status="done", confidence=4, notes="my notes")
    topic_progress_set(user=user, topic=gone, status="in_progress")

    kept["title"] = "Linear Algebra (revised)"
    first_stage["topics"].remove(removed)
    path.write_text(yaml.safe_dump(track, allow_unicode=True, sort_keys=False))
    report = load_catalog(data_dir=data_dir)

    topic.refresh_from_db()
    assert topic.title == "Linear Algebra (revised)"  # same row, updated in place
    progress = TopicProgress.objects.get(user=user, topic=topic)
    assert (progress.status, progress.confidence, progress.notes) == ("done", 4, "my notes")
    assert Topic.objects.filter(pk=gone.pk).exists()  # removed from the file, kept for the learner's progress
    assert report.kept["topics"] == 1
    assert report.updated["topics"] >= 1  # the edited title, and the order of the topics after the removed one


def test_mojibake_in_a_data_file_is_repaired_on_import(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    path = data_dir / "catalog" / "tracks" / "core-llm-roadmap.yaml"
    track = yaml.safe_load(path.read_text())
    track["title"] = "Core LLM roadmap \u00e2\u20ac\u201d from tokens to systems"  # "—" read as cp1252
    path.write_text(yaml.safe_dump(track, allow_unicode=True, sort_keys=False))
    load_catalog(data_dir=data_dir)
    from apps.roadmap.models import Track

    assert Track.objects.get(slug="core-llm-roadmap").title == "Core LLM roadmap — from tokens to systems"


def test_red_flags_are_loaded_with_the_bank_and_kept_by_a_staff_edit(tmp_path, staff_user):
    from apps.questionbank.models import Question
    from apps.questionbank.selectors import question_spec_for
    from apps.questionbank.services import question_update

    question = Question.objects.select_related("current_version").get(key="mlf-bias-variance")
    flags = question.current_version.red_flags
    assert len(flags) >= 4 and all(isinstance(f, str) and f for f in flags)
    assert question_spec_for(question.current_version).red_flags == tuple(flags)

    # A changed red flag in the data makes a new version (the rubric a grade was measured against is kept).
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    path = data_dir / "questions" / "red_flags" / "ml_fundamentals.yaml"
    data = yaml.safe_load(path.read_text())
    data["red_flags"]["mlf-bias-variance"][0] = "Overfitting shows as high training error and low validation error."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    before = question.current_version
    report = load_catalog(data_dir=data_dir)
    assert report.created["question versions"] == 1
    question.refresh_from_db()
    assert question.current_version.number == before.number + 1
    assert question.current_version.red_flags[0].startswith("Overfitting shows as high training error")
    assert before.red_flags == flags  # the old version is unchanged

    # The editor does not show red flags: a staff edit of the prompt keeps them on the new version.
    kept = question.current_version.red_flags
    question = question_update(question=question, user=staff_user, prompt=question.current_version.prompt + " Be concrete.")
    assert question.current_version.red_flags == kept


def test_staff_see_a_questions_red_flags_on_its_page(client, staff_user):
    from django.urls import reverse

    from apps.questionbank.models import Question

    question = Question.objects.select_related("current_version").get(key="mlf-bias-variance")
    client.force_login(staff_user)
    page = client.get(reverse("questionbank:detail", args=[question.pk])).content.decode()
    assert "Red flags" in page
    flag = question.current_version.red_flags[0]
    from django.utils.html import escape

    assert escape(flag) in page
