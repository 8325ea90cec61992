"""Lesson Markdown: safe HTML for the app, and the facts the validator checks (images, blocks)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

CONTAINERS = ("key-points", "reference-card")
_ALLOWED_TAGS = {
    *("p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "hr", "br"),
    *("table", "thead", "tbody", "tr", "th", "td", "a", "img", "aside"),
}
_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes={"a": {"href", "title"}, "img": {"src", "alt", "title", "srcset", "sizes", "width", "height"}},
    tag_attribute_values={"aside": {"class": set(CONTAINERS)}, "img": {"loading": {"lazy"}}},
    url_schemes={"https", "http", "mailto"},
)
_CONTAINER_LINE = re.compile(r" {0,3}:{3,}\s*(\S+)")


@dataclass(frozen=True)
class ImageReference:
    alt: str  # as plain text, the way a screen reader gets it
    src: str
    line: int  # 1-based, in the Markdown text


def _render_aside(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    name = token.info.strip().split(" ", 1)[0]
    return f'<aside class="{name}">\n' if token.nesting == 1 else "</aside>\n"


@dataclass(frozen=True)
class ImageSource:
    """What an `image_url` callback may return: the source, and optionally smaller copies for srcset."""

    src: str
    srcset: str | None = None
    width: int | None = None
    height: int | None = None


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    image_url = env.get("image_url")
    if image_url is not None:
        found = image_url(str(token.attrGet("src") or ""))
        source = found if isinstance(found, ImageSource) else ImageSource(found)
        token.attrSet("src", source.src)
        if source.srcset:
            token.attrSet("srcset", source.srcset)
            token.attrSet("sizes", "(max-width: 42rem) 100vw, 42rem")
        if source.width and source.height:  # reserves the space, so the text does not jump on a slow link
            token.attrSet("width", str(source.width))
            token.attrSet("height", str(source.height))
    token.attrSet("loading", "lazy")
    return self.image(tokens, idx, options, env)


def _parser(html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html}).enable("table")
    for name in CONTAINERS:
        md.use(container_plugin, name, render=_render_aside)
    md.add_render_rule("image", _render_image)
    return md


_MD = _parser(html=False)
# Only to find raw HTML and report it: rendering never lets it through
_MD_WITH_HTML = _parser(html=True)


def render_markdown(text: str, image_url: Callable[[str], str | ImageSource] | None = None) -> str:
    """Markdown to sanitised HTML; `image_url` rewrites image sources (e.g. `media/x.png`)."""
    return _CLEANER.clean(_MD.render(text, {"image_url": image_url}))


def image_references(text: str) -> list[ImageReference]:
    """Every image of a Markdown text, in order."""
    return [
        ImageReference(
            _MD.renderer.renderInlineAsText(child.children or [], _MD.options, {}),
            str(child.attrGet("src") or ""),
            line,
        )
        for child, line in _inline_children(_MD.parse(text))
        if child.type == "image"
    ]


def markdown_problems(text: str) -> list[tuple[int, str]]:
    """(line, message) for what a lesson may not contain: raw HTML, h1/h5/h6, unknown `:::` blocks."""
    problems = []
    tokens = _MD_WITH_HTML.parse(text)
    for token in tokens:
        if token.type == "heading_open" and token.tag not in ("h2", "h3", "h4") and token.map:
            problems.append((token.map[0] + 1, "use headings of level 2 to 4 (## to ####): level 1 is the title"))
        elif token.type == "html_block" and token.map:
            problems.append((token.map[0] + 1, "raw HTML is not allowed (it is removed when shown)"))
    for child, line in _inline_children(tokens):
        if child.type == "html_inline":
            problems.append((line, "raw HTML is not allowed (it is removed when shown)"))
    for token in tokens:
        if token.type == "inline" and token.map:
            for offset, source_line in enumerate(token.content.split("\n")):
                match = _CONTAINER_LINE.match(source_line)
                if match and match.group(1) not in CONTAINERS:
                    problems.append(
                        (
                            token.map[0] + 1 + offset,
                            f"unknown block '::: {match.group(1)}' (use ::: {' or ::: '.join(CONTAINERS)})",
                        )
                    )
    return sorted(set(problems))


def _inline_children(tokens: Sequence[Token]) -> list[tuple[Token, int]]:
    """Inline tokens' children with their 1-based line (counting line breaks inside a paragraph)."""
    found = []
    for token in tokens:
        if token.type != "inline" or not token.map:
            continue
        line = token.map[0] + 1
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            found.append((child, line))
    return found
