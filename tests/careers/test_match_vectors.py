"""Stored role match vectors follow the role-side scales of ml.matching (migration careers 0004)."""

import importlib

import pytest
from django.apps import apps

from apps.careers.models import JobRole, RoleSkill
from ml import matching

rescale = importlib.import_module("apps.careers.migrations.0004_rebuild_match_vectors_scales")


def test_the_scale_migration_rebuilds_every_stored_vector_as_role_match_vector_builds_it(db):
    roles = list(JobRole.objects.exclude(match_vector=None).order_by("id")[:20])
    assert roles  # the catalog's roles, embedded and with vectors
    stale = [0.0] * (matching.MATCH_DIM - 1) + [matching.MATCH_NORM]
    JobRole.objects.filter(pk__in=[r.pk for r in roles]).update(match_vector=stale)

    rescale.rebuild_match_vectors(apps, None)

    for role in JobRole.objects.filter(pk__in=[r.pk for r in roles]):
        weights = dict(RoleSkill.objects.filter(role=role, skill__vector_slot__isnull=False)
                       .values_list("skill__vector_slot", "weight"))
        expected = matching.role_match_vector(role.embedding, weights, role.seniority, role.family)
        assert list(role.match_vector) == pytest.approx(expected, abs=2e-3)  # halfvec precision
        assert role.match_vector[matching.MATCH_DIM - 1] != pytest.approx(matching.MATCH_NORM)
