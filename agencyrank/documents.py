"""Our own Markdown documents (docs/) as HTML for the site's pages.

The sources are ours, but they are still rendered as if they were not: raw HTML in them is
escaped, not passed through, and links with a script scheme are not made links.
"""

from dataclasses import dataclass
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token

# CommonMark with tables; "html": False escapes any HTML in the source.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
TOC_LEVELS = ("h2", "h3")


@dataclass(frozen=True)
class Section:
    """A heading of a document, as an entry of its table of contents."""

    title: str
    anchor: str
    subsections: tuple["Section", ...] = ()


@dataclass(frozen=True)
class Document:
    """A rendered document: its body and a table of contents of its level 2 and 3 headings.

    The body leaves out the document's first level-1 heading: the page gives its own title.
    """

    html: SafeString
    contents: tuple[Section, ...]


def _plain_text(inline: Token) -> str:
    """A heading's words without their Markdown (code spans keep their text)."""
    return "".join(child.content for child in inline.children or () if child.content).strip()


def render_markdown(source: str) -> Document:
    """``source`` as safe HTML, headings given ids, tables styled like the site's."""
    tokens = _MARKDOWN.parse(source)
    kept: list[Token] = []
    anchors: set[str] = set()
    contents: list[Section] = []
    title_dropped = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.tag == "h1" and not title_dropped:
            title_dropped = True
            index += 3  # heading_open, inline, heading_close
            continue
        if token.type == "heading_open":
            text = _plain_text(tokens[index + 1])
            anchor = base = slugify(text) or "section"
            number = 2
            while anchor in anchors:
                anchor, number = f"{base}-{number}", number + 1
            anchors.add(anchor)
            token.attrSet("id", anchor)
            if token.tag == "h2":
                contents.append(Section(text, anchor))
            elif token.tag == "h3" and contents:
                parent = contents[-1]
                contents[-1] = Section(
                    parent.title, parent.anchor, (*parent.subsections, Section(text, anchor))
                )
        elif token.type == "table_open":
            token.attrSet("class", "table")
        kept.append(token)
        index += 1
    html = _MARKDOWN.renderer.render(kept, _MARKDOWN.options, {})
    # Safe: markdown-it escaped every character of the source that could be markup.
    return Document(html=mark_safe(html), contents=tuple(contents))  # noqa: S308


_rendered: dict[Path, tuple[int, Document]] = {}


def rendered_document(path: Path) -> Document:
    """The document at ``path``, rendered once and again only when the file changes."""
    modified = path.stat().st_mtime_ns
    cached = _rendered.get(path)
    if cached is not None and cached[0] == modified:
        return cached[1]
    document = render_markdown(path.read_text(encoding="utf-8"))
    # Two requests may render the same change at once; both store the same result.
    _rendered[path] = (modified, document)
    return document
