"""Every topic of the catalog points the learner to something to study."""

from pathlib import Path

import pytest
import yaml

from apps.roadmap.models import Topic

pytestmark = pytest.mark.django_db

TRACKS = Path(__file__).resolve().parents[2] / "data" / "catalog" / "tracks"

# (track, stage, topic) → why it has no resource of its own.
WITHOUT_RESOURCES = {
    ("llm-engineer-18-24-months", "routine-and-practices", "daily-learning-routine"):
        "a study routine (when to read, code and watch), not a subject to study",
    ("llm-tutorial-series", "career-landscape", "industry-applications"):
        "a survey of the industries that hire; the roles page and the domain topics of other tracks cover them",
    ("llm-tutorial-series", "career-landscape", "career-paths-employers"):
        "salaries and employers: the role picker and the roles page show them from the same seed",
}


def test_every_topic_has_a_resource_or_a_stated_reason():
    without = set(
        Topic.objects.filter(resources__isnull=True).values_list("stage__track__slug", "stage__key", "key")
    )
    assert without == set(WITHOUT_RESOURCES)


def test_every_resource_in_the_yaml_has_a_title_an_absolute_url_and_a_known_kind():
    kinds = {"video", "playlist", "paper", "blog", "course", "book", "docs", "tool"}
    for path in sorted(TRACKS.glob("*.yaml")):
        for stage in yaml.safe_load(path.read_text())["stages"]:
            for topic in stage.get("topics") or []:
                for resource in topic.get("resources") or []:
                    assert resource["title"] and resource["kind"] in kinds, (path.name, topic["key"], resource)
                    url = resource.get("url")
                    assert url is None or url.startswith(("https://", "http://")), (path.name, topic["key"], url)
