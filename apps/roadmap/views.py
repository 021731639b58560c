from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.roadmap import recommend, selectors, services, week_plan
from apps.roadmap.catalog_cache import roadmap_catalog
from apps.roadmap.forms import EnrollForm, PaceForm, TopicProgressForm
from apps.roadmap.models import Skill, Topic, TopicProgress, Track


@login_required
def track_list(request: HttpRequest) -> HttpResponse:
    """Every track with the learner's progress, pace and plan, and the tracks for their target role
    (4 queries at any catalog or data size: session user, catalog version, progress rows, enrollments)."""
    user = request.user
    catalog = roadmap_catalog()  # shared by this process's requests: read only
    tracks = catalog.tracks
    progress_rows = week_plan.progress_rows_for(user=user)
    plans = week_plan.track_plans_for(user=user, catalog=catalog, progress_rows=progress_rows)
    paces = {plan.enrollment.track_id: plan.enrollment.hours_per_week for plan in plans}
    durations = recommend.durations_for(user=user, tracks=tracks, paces=paces)
    progress = {p.slug: p for p in selectors.track_progress_for(
        user=user, tracks=tracks, progress_rows=progress_rows, track_of_topic=catalog.track_of_topic)}
    rows = [{"track": t, "progress": progress.get(t.slug), "duration": durations[t.id]} for t in tracks]
    role, recommendations = None, []
    found = catalog.role_with_skills(user)
    if found is not None:
        role, role_skills = found
        recommendations = recommend.recommended_tracks(role_skills=role_skills, tracks=tracks, durations=durations,
                                                       tracks_by_skill=catalog.tracks_by_skill)
    return render(request, "roadmap/track_list.html", {
        "rows": rows, "schedules": selectors.schedules_for(user=user, plans=plans), "role": role,
        "recommendations": recommendations, "pace_form": PaceForm(initial={"hours_per_week": user.hours_per_week}),
    })


def _track_context(request: HttpRequest, track: Track) -> dict:
    """What the track page's headline and week plan show (re-rendered after each click)."""
    plans = week_plan.track_plans_for(user=request.user, track_ids=[track.id])  # 1 query when not following
    enrollment = plans[0].enrollment if plans else None
    schedules = selectors.schedules_for(user=request.user, plans=plans)
    return {
        "track": track, "enrollment": enrollment, "schedule": schedules[0] if schedules else None,
        "week_plan": week_plan.week_plan_for(user=request.user, track_ids=[track.id], plans=plans) if plans else None,
        "plan_track": track,
        "form": EnrollForm(initial={"hours_per_week": enrollment.hours_per_week if enrollment else request.user.hours_per_week}),
    }


@login_required
def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        track = selectors.track_detail(slug=slug)
    except Track.DoesNotExist as exc:
        raise Http404 from exc
    progress = selectors.progress_by_topic(user=request.user)
    context = _track_context(request, track)
    pace = context["enrollment"].hours_per_week if context["enrollment"] else request.user.hours_per_week
    all_topics = [t for stage in track.stages.all() for t in stage.topics.all()]
    share = week_plan.track_topic_share(track, len(all_topics))
    stages = []
    for stage in track.stages.all():
        done, total = selectors.stage_progress(stage, progress)
        hours = sum(week_plan.topic_hours(t, share) for t in stage.topics.all())
        stages.append({"stage": stage, "done": done, "total": total, "hours": round(hours),
                       "weeks": round(hours / pace, 1) if pace else None,
                       "topics": [{"topic": t, "progress": progress.get(t.id)} for t in stage.topics.all()]})
    total_hours = sum(week_plan.topic_hours(t, share) for t in all_topics)
    context.update({"stages": stages, "pace": pace, "total_hours": round(total_hours),
                    "total_weeks": recommend.weeks_at(total_hours, pace)})
    return render(request, "roadmap/track_detail.html", context)


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
    """One click from the track page or the week plan (htmx): returns the clicked fragment and, out of band,
    what else on the page the click changed."""
    topic = get_object_or_404(Topic.objects.select_related("stage__track"), pk=topic_id)
    status = request.POST.get("status", "")
    if status not in TopicProgress.Status.values:
        return HttpResponse("Unknown status.", status=400)
    progress = services.topic_progress_set(user=request.user, topic=topic, status=status)
    on_dashboard = request.POST.get("page") == "dashboard"
    if not request.htmx:  # without JavaScript the forms post and come back to their page
        return redirect("dashboard:learner") if on_dashboard else redirect("roadmap:track", slug=topic.stage.track.slug)
    if on_dashboard:  # the dashboard shows only the week plan
        return render(request, "roadmap/_this_week.html", {"week_plan": week_plan.week_plan_for(user=request.user)})
    # The track page: the topic's row (or the week plan, whichever was clicked), and out of band the
    # stage's bar, the track's headline and the other of the two.
    stage = topic.stage
    stage_topics = list(stage.topics.all())
    by_topic = selectors.progress_by_topic(user=request.user, topic_ids=[t.id for t in stage_topics])
    done = sum(1 for t in stage_topics if selectors.is_done(by_topic.get(t.id)))
    context = _track_context(request, stage.track)
    context.update({
        "item": {"topic": topic, "progress": progress}, "stage_item": {"stage": stage, "done": done, "total": len(stage_topics)},
        "week_clicked": request.htmx.target == "this-week",
    })
    return render(request, "roadmap/_status_response.html", context)


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
