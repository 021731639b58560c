"""Which roadmap topics a report's "Study" links point to: topics of the tracks the learner follows.

Only a learner who follows no track gets topics from a recommended track (the first track, in the
catalogue's order, that teaches the skill), and the report says so.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from apps.roadmap.models import Enrollment, Topic, TopicProgress

MAX_TOPICS = 3


def link_gap_topics(gaps: list[dict[str, Any]], *, user_id: int) -> None:
    """Attach to each gap up to three topics that teach its skill (unfinished first) and, when they
    come from a track the learner does not follow, `recommended: True` (three queries in all)."""
    if not gaps:
        return
    slugs = {g["slug"] for g in gaps}
    followed = set(Enrollment.objects.filter(user_id=user_id).values_list("track_id", flat=True))
    topics = (
        Topic.objects.filter(skills__slug__in=slugs)
        .select_related("stage__track")
        .prefetch_related("skills")
        .distinct()
        .order_by("stage__track__order", "stage__order", "order")
    )
    done = set(TopicProgress.objects.filter(user_id=user_id, status=TopicProgress.Status.DONE).values_list("topic_id", flat=True))
    by_skill: dict[str, list[Topic]] = defaultdict(list)
    for topic in topics:
        for skill in topic.skills.all():
            if skill.slug in slugs:
                by_skill[skill.slug].append(topic)
    for gap in gaps:
        candidates = by_skill[gap["slug"]]
        if followed:
            chosen = [t for t in candidates if t.stage.track_id in followed]
            recommended = False
        else:  # follows nothing yet: one recommended track's topics, labelled as such
            first_track = candidates[0].stage.track_id if candidates else None
            chosen = [t for t in candidates if t.stage.track_id == first_track]
            recommended = bool(chosen)
        entries: list[dict[str, Any]] = [
            {"id": t.pk, "title": t.title, "track": t.stage.track.slug, "track_title": t.stage.track.title,
             "done": t.pk in done}
            for t in chosen
        ]
        gap["topics"] = sorted(entries, key=lambda t: t["done"])[:MAX_TOPICS]
        gap["recommended"] = recommended
        gap["follows_tracks"] = bool(followed)
