"""Refuse text PostgreSQL cannot store, once for every page and API view.

A NUL character (``\\x00``) or an unpaired UTF-16 surrogate (``"\\ud800"`` in JSON) in a query
parameter, form field, uploaded file name or JSON string would reach the database and fail there
with a 500 (``DataError`` / ``UnicodeEncodeError``). This middleware answers 400 instead, with
the API's error shape under ``/api/`` and the project's 400 page elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from apps.core.exceptions import ApplicationError

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A bigger multipart body is a file upload: its view refuses an oversized one unread (413), which
# parsing it here would defeat; its file name is sanitised and its content parsed by the view.
MULTIPART_CHECK_MAX_BYTES = 1024 * 1024
MESSAGE = "Text may not contain NUL characters or unpaired surrogates (invalid Unicode)."


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every (field path, string) in a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path or str(key), str(key)
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]" if path else "non_field_errors")


def _form(request: HttpRequest, content_type: str) -> QueryDict:
    """Django parses the form body of a POST only; DRF parses a PUT/PATCH form itself, so read it here."""
    if request.method == "POST":
        return request.POST
    if content_type == "application/x-www-form-urlencoded":
        return QueryDict(request.body, encoding=request.encoding)
    return QueryDict()


def _bad_fields(request: HttpRequest) -> list[str]:
    found: list[str] = []
    if UNSTORABLE.search(request.path):
        found.append("path")
    for key, values in request.GET.lists():
        if UNSTORABLE.search(key) or any(UNSTORABLE.search(v) for v in values):
            found.append(key)
    content_type = request.content_type or ""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # Django reads such a body as empty too
    if content_type == "multipart/form-data" and declared > MULTIPART_CHECK_MAX_BYTES:
        return found
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in _form(request, content_type).lists():
            if UNSTORABLE.search(key) or any(UNSTORABLE.search(v) for v in values):
                found.append(key)
        for key, files in request.FILES.lists():
            if any(UNSTORABLE.search(f.name or "") for f in files):
                found.append(key)
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            document = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return found  # the view's parser reports malformed JSON itself
        found.extend(unstorable_fields(document))
    return found


def unstorable_fields(document: Any) -> list[str]:
    """The field paths of a parsed JSON document holding text PostgreSQL cannot store."""
    return [field or "non_field_errors" for field, text in _strings(document, "") if UNSTORABLE.search(text)]


def reject_unstorable(document: Any) -> None:
    """For JSON a view parses itself (an uploaded .json file): the same 400 as the middleware gives."""
    fields = list(dict.fromkeys(unstorable_fields(document)))
    if fields:
        raise ApplicationError(MESSAGE, errors={f: [MESSAGE] for f in fields})


class RejectUnstorableTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = list(dict.fromkeys(_bad_fields(request)))
        if not fields:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": MESSAGE, "errors": {f: [MESSAGE] for f in fields}}, status=400)
        return render(request, "400.html", {"message": MESSAGE}, status=400)


class NormaliseContentLengthMiddleware:
    """A Content-Length that is not a number is read as no body, the way Django's own request reads
    it, before anything else parses the header (django-prometheus would answer such a request 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH")
        if length and not str(length).strip().isdigit():
            request.META["CONTENT_LENGTH"] = ""
            request.__dict__.pop("headers", None)  # a cached `request.headers` would still hold the old value
        return self.get_response(request)
