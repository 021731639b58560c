from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import ProjectTemplate, Skill

_FIELDS = ("title", "repo_url", "demo_url", "summary", "status")


def _apply(project: PortfolioProject, values: dict) -> list[str]:
    changed = []
    for name in _FIELDS:
        if name in values and getattr(project, name) != values[name]:
            setattr(project, name, values[name])
            changed.append(name)
    if "status" in changed:
        project.completed_at = timezone.now() if project.status == PortfolioProject.Status.DONE else None
        changed.append("completed_at")
    return changed


@transaction.atomic
def project_create(
    *, user: User, template: ProjectTemplate | None = None, skills: list[Skill] | None = None, **values: object
) -> PortfolioProject:
    if template is not None:
        values.setdefault("title", template.title)
        values.setdefault("summary", template.description)
    if not values.get("title"):
        raise ApplicationError("A project needs a title.", errors={"title": ["This field is required."]})
    project = PortfolioProject(user=user, template=template)
    _apply(project, values)
    project.full_clean()
    project.save()
    if skills is None and template is not None:
        skills = list(template.skills.all())
    project.skills.set(skills or [])
    return project


@transaction.atomic
def project_update(*, project: PortfolioProject, skills: list[Skill] | None = None, **values: object) -> PortfolioProject:
    changed = _apply(project, values)
    project.full_clean()
    if changed:
        project.save(update_fields=[*changed, "updated_at"])
    if skills is not None:
        project.skills.set(skills)
    return project


@transaction.atomic
def project_delete(*, project: PortfolioProject) -> None:
    project.delete()
