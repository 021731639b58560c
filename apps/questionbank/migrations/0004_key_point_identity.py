"""Each key point gets a stable id and carries its own follow-up; the separate `follow_up_hints`
list (matched to key points by position, which drifted) goes.

Hints move onto their key points only where the version had exactly one hint per key point (the
editor's old contract); other versions keep no follow-up, and the interviewer falls back to a
question written from the key point itself. The catalog's questions get aligned follow-ups from
data/questions on the next `load_catalog`.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    QuestionVersion = apps.get_model("questionbank", "QuestionVersion")
    for version in QuestionVersion.objects.all().iterator():
        hints = [str(h).strip() for h in (version.follow_up_hints or [])]
        points = []
        for i, point in enumerate(version.key_points or []):
            if isinstance(point, str):
                point = {"text": point, "weight": 1.0}
            point = {"id": point.get("id") or f"k{i + 1}", **{k: v for k, v in point.items() if k != "id"}}
            if len(hints) == len(version.key_points) and hints[i] and not point.get("follow_up"):
                point["follow_up"] = hints[i]
            point.setdefault("follow_up", "")
            points.append(point)
        version.key_points = points
        version.save(update_fields=["key_points"])


def backwards(apps, schema_editor):
    QuestionVersion = apps.get_model("questionbank", "QuestionVersion")
    for version in QuestionVersion.objects.all().iterator():
        version.follow_up_hints = [p.get("follow_up", "") for p in version.key_points if isinstance(p, dict)]
        version.save(update_fields=["follow_up_hints"])


class Migration(migrations.Migration):
    dependencies = [("questionbank", "0003_alter_question_source")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="questionversion", name="follow_up_hints"),
        migrations.AlterField(
            model_name="questionversion",
            name="key_points",
            field=models.JSONField(
                default=list,
                help_text='[{"id": "k1", "text": "...", "weight": 1-3, "follow_up": "..."}]: each point carries its '
                "own follow-up question, and its id stays the same across versions.",
            ),
        ),
    ]
