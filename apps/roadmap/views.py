from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.roadmap import selectors, services
from apps.roadmap.forms import EnrollForm, TopicProgressForm
from apps.roadmap.models import Enrollment, Skill, Topic, TopicProgress, Track


@login_required
def track_list(request: HttpRequest) -> HttpResponse:
    tracks = list(selectors.track_list())
    progress = {p.slug: p for p in selectors.track_progress_for(user=request.user)}
    enrolled = set(Enrollment.objects.filter(user=request.user).values_list("track__slug", flat=True))
    schedules = selectors.schedules_for(user=request.user)
    rows = [{"track": t, "progress": progress.get(t.slug), "enrolled": t.slug in enrolled} for t in tracks]
    return render(request, "roadmap/track_list.html", {"rows": rows, "schedules": schedules,
                                                       "form": EnrollForm(initial={"hours_per_week": request.user.hours_per_week})})


@login_required
def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        track = selectors.track_detail(slug=slug)
    except Track.DoesNotExist as exc:
        raise Http404 from exc
    progress = selectors.progress_by_topic(user=request.user)
    stages = []
    for stage in track.stages.all():
        done, total = selectors.stage_progress(stage, progress)
        stages.append({"stage": stage, "done": done, "total": total,
                       "topics": [{"topic": t, "progress": progress.get(t.id)} for t in stage.topics.all()]})
    enrollment = Enrollment.objects.filter(user=request.user, track=track).first()
    schedule = next((s for s in selectors.schedules_for(user=request.user) if s.track.id == track.id), None) if enrollment else None
    return render(request, "roadmap/track_detail.html", {
        "track": track, "stages": stages, "enrollment": enrollment, "schedule": schedule,
        "form": EnrollForm(initial={"hours_per_week": enrollment.hours_per_week if enrollment else request.user.hours_per_week}),
    })


@login_required
@require_POST
def track_enroll(request: HttpRequest, slug: str) -> HttpResponse:
    track = get_object_or_404(Track, slug=slug)
    if request.POST.get("action") == "leave":
        services.enrollment_delete(user=request.user, track=track)
        messages.success(request, f"You left “{track.title}”. Your topic progress is kept.")
        return redirect("roadmap:track", slug=slug)
    form = EnrollForm(request.POST)
    if form.is_valid():
        services.enrollment_upsert(user=request.user, track=track, hours_per_week=form.cleaned_data["hours_per_week"])
        messages.success(request, f"You are following “{track.title}” at {form.cleaned_data['hours_per_week']} h/week.")
    else:
        messages.error(request, "Hours per week must be a number between 1 and 80.")
    return redirect("roadmap:track", slug=slug)


@login_required
@require_POST
def topic_status(request: HttpRequest, topic_id: int) -> HttpResponse:
    """One click from the track page (htmx): returns the topic row and, out of band, the stage's progress bar."""
    topic = get_object_or_404(Topic.objects.select_related("stage__track"), pk=topic_id)
    status = request.POST.get("status", "")
    if status not in TopicProgress.Status.values:
        return HttpResponse("Unknown status.", status=400)
    progress = services.topic_progress_set(user=request.user, topic=topic, status=status)
    if not request.htmx:
        return redirect("roadmap:track", slug=topic.stage.track.slug)
    stage = topic.stage
    stage_topics = list(stage.topics.all())
    by_topic = selectors.progress_by_topic(user=request.user, topic_ids=[t.id for t in stage_topics])
    done = sum(1 for t in stage_topics if selectors.is_done(by_topic.get(t.id)))
    return render(request, "roadmap/_topic_status.html", {
        "item": {"topic": topic, "progress": progress}, "stage_item": {"stage": stage, "done": done, "total": len(stage_topics)},
        "oob": True,
    })


@login_required
def topic_detail(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.select_related("stage__track").prefetch_related("skills", "resources"), pk=topic_id)
    progress = TopicProgress.objects.filter(user=request.user, topic=topic).first()
    initial = {"status": progress.status, "confidence": progress.confidence, "notes": progress.notes} if progress else {}
    form = TopicProgressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.topic_progress_set(
            user=request.user, topic=topic, status=form.cleaned_data["status"], confidence=form.cleaned_data["confidence"],
            notes=form.cleaned_data["notes"], clear_confidence=form.cleaned_data["confidence"] is None,
        )
        messages.success(request, "Progress saved.")
        return redirect("roadmap:topic", topic_id=topic.id)
    same_skill = (
        Topic.objects.filter(skills__in=topic.skills.all()).exclude(pk=topic.pk).select_related("stage__track").distinct()[:8]
    )
    return render(request, "roadmap/topic_detail.html", {"topic": topic, "progress": progress, "form": form, "related": same_skill})


@login_required
def skill_coverage(request: HttpRequest) -> HttpResponse:
    coverage = selectors.skill_coverage_for(user=request.user)
    skills = Skill.objects.select_related("category")
    groups: dict[str, list[dict]] = {}
    for skill in skills:
        groups.setdefault(skill.category.name, []).append({"skill": skill, "percent": round(100 * coverage.get(skill.slug, 0))})
    return render(request, "roadmap/skills.html", {"groups": groups})
