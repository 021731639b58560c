# The role side of the match vector changed scale (ml.matching.DISCIPLINE_SCALE / SENIORITY_SCALE,
# re-chosen for the 865-dim geometry with bench/matching.py; docs/benchmarks.md). The product with a
# resume's query vector, and so the ranking, does not depend on them, but a vector built with the old
# scales against a query built with the new ones would rank wrongly: rebuild every role's vector.

from django.db import migrations

from ml.matching import MATCH_DIM, role_match_vector


def rebuild_match_vectors(apps, schema_editor):
    if MATCH_DIM != 865:  # the vector changed shape since (a later migration rebuilds them)
        return
    JobRole = apps.get_model("careers", "JobRole")
    RoleSkill = apps.get_model("careers", "RoleSkill")
    ids = list(JobRole.objects.exclude(embedding=None).exclude(match_vector=None).order_by("id")
               .values_list("id", flat=True))
    for start in range(0, len(ids), 1000):
        batch = list(JobRole.objects.filter(pk__in=ids[start:start + 1000])
                     .only("id", "embedding", "seniority", "family"))
        weights = {}
        for role_id, slot, weight in RoleSkill.objects.filter(
                role_id__in=[role.pk for role in batch], skill__vector_slot__isnull=False).values_list(
                "role_id", "skill__vector_slot", "weight"):
            weights.setdefault(role_id, {})[slot] = weight
        for role in batch:
            role.match_vector = role_match_vector(role.embedding, weights.get(role.pk, {}), role.seniority, role.family)
        JobRole.objects.bulk_update(batch, ["match_vector"])


class Migration(migrations.Migration):

    dependencies = [
        ('careers', '0003_discipline_slots_freeterm'),
    ]

    operations = [
        migrations.RunPython(rebuild_match_vectors, migrations.RunPython.noop),
    ]
