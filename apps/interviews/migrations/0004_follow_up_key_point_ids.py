"""A follow-up answer names the key points it probes by id (they were positions in the version)."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Answer = apps.get_model("interviews", "Answer")
    for answer in Answer.objects.exclude(follow_up_key_points=[]).select_related("question_version").iterator():
        points = answer.question_version.key_points or []
        ids = []
        for value in answer.follow_up_key_points:
            if isinstance(value, int) and 0 <= value < len(points):
                point = points[value]
                ids.append((point.get("id") or f"k{value + 1}") if isinstance(point, dict) else f"k{value + 1}")
            elif isinstance(value, str):
                ids.append(value)
        answer.follow_up_key_points = ids
        answer.save(update_fields=["follow_up_key_points"])
    Interview = apps.get_model("interviews", "Interview")
    for interview in Interview.objects.exclude(current_key_points=[]).select_related("current_version").iterator():
        points = interview.current_version.key_points if interview.current_version else []
        interview.current_key_points = [
            (points[v].get("id") or f"k{v + 1}") if isinstance(v, int) and 0 <= v < len(points) else str(v)
            for v in interview.current_key_points
        ]
        interview.save(update_fields=["current_key_points"])


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0003_interview_project_question_and_more"),
        ("questionbank", "0004_key_point_identity"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="answer",
            name="follow_up_key_points",
            field=models.JSONField(blank=True, default=list, help_text="Ids of the key points a follow-up probes."),
        ),
        migrations.AlterField(
            model_name="interview",
            name="current_key_points",
            field=models.JSONField(blank=True, default=list, help_text="Ids of the key points a follow-up probes."),
        ),
    ]
