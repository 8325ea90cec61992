"""render_markdown: CommonMark + tables + the two asides, sanitised; image_references for the validator."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from training_app.content import image_references, render_markdown


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "<javascript:alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "![x](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "<img src=x onerror=alert(1)>",
        "::: key-points\n<script>alert(1)</script>\n:::",
        "[ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_scripts_and_javascript_links_never_survive(text):
    parser = TagCollector()
    parser.feed(render_markdown(text))
    assert "script" not in {tag for tag, _ in parser.tags}
    for _, attributes in parser.tags:
        for name, value in attributes:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript:")


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_raw_html_is_shown_as_text():
    assert render_markdown('<b onclick="x()">hi</b>') == '<p>&lt;b onclick="x()"&gt;hi&lt;/b&gt;</p>\n'


def test_safe_links_keep_their_address():
    html = render_markdown("[a](https://cites.org) [b](mailto:x@example.org) [c](other-lesson)")
    assert '<a href="https://cites.org" rel="noopener noreferrer">a</a>' in html
    assert 'href="mailto:x@example.org"' in html
    assert 'href="other-lesson"' in html


def test_key_points_and_reference_card_become_asides_without_headings():
    text = "::: key-points\n- One\n:::\n\n::: reference-card\n| A | B |\n| --- | --- |\n| 1 | 2 |\n:::\n"
    html = render_markdown(text)
    assert html.startswith('<aside class="key-points">\n<ul>\n<li>One</li>\n</ul>\n</aside>\n')
    assert '<aside class="reference-card">\n<table>\n<thead>\n<tr>\n<th>A</th>' in html
    assert "<td>2</td>" in html
    assert "<h" not in html.replace("<hr", "")


def test_other_classes_and_tags_are_removed():
    html = render_markdown("# Title\n\n##### Small\n\n```python\nx = 1\n```\n")
    assert html == "Title\nSmall\n<pre><code>x = 1\n</code></pre>\n"


def test_images_are_lazy_and_their_source_is_rewritten():
    html = render_markdown('![A cylinder](media/a.png "Label")', image_url=lambda src: f"/media/course/{src}")
    assert html == '<p><img src="/media/course/media/a.png" alt="A cylinder" title="Label" loading="lazy"></p>\n'


def test_images_without_rewriter_keep_their_source():
    assert 'src="media/a.png"' in render_markdown("![A](media/a.png)")


def test_image_references_give_alt_source_and_line():
    text = "Intro\nsecond line ![A *green* cylinder](media/a.png)\n\n- ![](media/b.png)\n"
    assert [(ref.alt, ref.src, ref.line) for ref in image_references(text)] == [
        ("A green cylinder", "media/a.png", 2),
        ("", "media/b.png", 4),
    ]


def test_image_source_adds_srcset_and_size():
    from training_app.content import ImageSource

    html = render_markdown("![A cylinder](media/c.png)", lambda src: ImageSource(
        "/media/abc.png", "/media/abc-480.png 480w, /media/abc.png 960w", 960, 640))
    assert 'srcset="/media/abc-480.png 480w, /media/abc.png 960w"' in html
    assert 'width="960" height="640"' in html and 'loading="lazy"' in html
