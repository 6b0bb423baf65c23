"""Our Markdown documents render as safe HTML with a table of contents."""

import os

from agencyrank.documents import render_markdown, rendered_document

SOURCE = """# How scores work

Intro with `code` and **bold**.

## What counts

Text.

### Reply rate (window 14 days)

More text.

## What counts

Same title again.

| metric | weight |
| --- | --- |
| reply rate | 0.30 |
"""


def test_headings_get_ids_and_make_a_nested_table_of_contents():
    document = render_markdown(SOURCE)
    assert [(s.title, s.anchor) for s in document.contents] == [
        ("What counts", "what-counts"),
        ("What counts", "what-counts-2"),
    ]
    first = document.contents[0]
    assert [(s.title, s.anchor) for s in first.subsections] == [
        ("Reply rate (window 14 days)", "reply-rate-window-14-days")
    ]
    assert '<h2 id="what-counts">What counts</h2>' in document.html
    assert '<h3 id="reply-rate-window-14-days">' in document.html
    assert '<h2 id="what-counts-2">' in document.html


def test_the_documents_own_title_is_left_to_the_page():
    document = render_markdown(SOURCE)
    assert "<h1" not in document.html
    assert "<p>Intro with <code>code</code> and <strong>bold</strong>.</p>" in document.html


def test_tables_look_like_the_sites_tables():
    assert '<table class="table">' in render_markdown(SOURCE).html


def test_raw_html_and_script_links_in_the_source_are_not_passed_through():
    html = render_markdown(
        '<script>alert("x")</script>\n\n<b onclick="x()">bold</b>\n\n'
        "[click](javascript:alert(1)) and [fine](https://example.com)\n\n## <i>Odd</i> heading\n"
    ).html
    assert "<script" not in html and "<b " not in html and "<i>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.com">fine</a>' in html


def test_a_heading_of_symbols_only_still_gets_an_anchor():
    document = render_markdown("## ¿?\n\n## !!\n")
    assert [s.anchor for s in document.contents] == ["section", "section-2"]


def test_a_document_is_rendered_again_only_when_its_file_changes(tmp_path):
    path = tmp_path / "rules.md"
    path.write_text("## First version\n", encoding="utf-8")
    first = rendered_document(path)
    assert rendered_document(path) is first
    path.write_text("## Second version\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = rendered_document(path)
    assert second is not first
    assert second.contents[0].title == "Second version"
