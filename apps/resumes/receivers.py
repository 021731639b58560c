"""What the resumes app does when other apps change things it stores (connected in ResumesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from apps.careers.signals import roles_changed


@receiver(roles_changed, dispatch_uid="resumes.refresh_role_scores")
def refresh_role_scores(sender: Any, role_ids: list[int] | None = None, **kwargs: Any) -> None:
    """Roles changed: refresh every resume's stored role scores in the background."""
    from apps.resumes.tasks import resume_role_scores_refresh_task

    resume_role_scores_refresh_task.delay(role_ids)
