"""Markdown to HTML for reference answers: rendered with `markdown`, then sanitised with `nh3`."""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2", "h3",
    "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub", "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}, "span": {"class"}, "th": {"align"}, "td": {"align"}}


_LIST_ITEM_RE = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+\S")
_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")


def _separate_lists(text: str) -> str:
    """Put a blank line before a list that directly follows a paragraph line.

    Authors (and the seed files) write lists the CommonMark way, right under a sentence;
    Python-Markdown would otherwise run them into the paragraph as literal "- " text.
    """
    out: list[str] = []
    in_fence = in_list = False
    for line in text.splitlines():
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            if not line.strip():
                in_list = False
            elif _LIST_ITEM_RE.match(line):
                if not in_list and out and out[-1].strip():
                    out.append("")
                in_list = True
        out.append(line)
    return "\n".join(out)


def render_markdown(text: str) -> str:
    """Safe HTML for `text`: raw HTML in the Markdown (scripts, handlers, javascript: links) is stripped."""
    html = markdown_lib.markdown(_separate_lists(text or ""), extensions=["fenced_code", "tables", "sane_lists"],
                                 output_format="html")
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
