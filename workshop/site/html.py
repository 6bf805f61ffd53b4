"""Rewrites of a rendered notebook page's HTML.

mkdocs-jupyter leaves a notebook's links as written for JupyterLab (``02_x.ipynb``,
``../exercises/ex02_x.py``): on the site they must point at the pages those files became. It
also embeds MathJax from a CDN. (The machine paths a page may hold are hidden by
``workshop.paths.hide_paths``, the notebook runner's scrubber.)
"""

import html as html_lib
import posixpath
import re
from collections.abc import Callable
from typing import TypedDict
from urllib.parse import unquote

from mkdocs_jupyter.utils import slugify

_HREF = re.compile(r'(href=")([^"#?]*)(#[^"]*)?(")')
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)


def rewrite_links(html: str, source_path: str, resolve: Callable[[str], str | None]) -> str:
    """Replace each relative ``href`` that names a repository file with a site URL.

    ``source_path`` is the page's file relative to the repository root (``notebooks/00_x.ipynb``);
    ``resolve(repo_path)`` returns the URL (relative to the page) of the page that repository file
    became, or None to leave the link alone. Fragments follow the site's heading ids.
    """
    base = posixpath.dirname(source_path)

    def replace(match: re.Match[str]) -> str:
        prefix, target, fragment, quote = match.groups()
        if not target or "://" in target or target.startswith(("/", "mailto:")):
            return match.group(0)
        repo_path = posixpath.normpath(posixpath.join(base, unquote(target)))
        url = resolve(repo_path)
        if url is None:
            return match.group(0)
        if fragment and len(fragment) > 1:
            fragment = "#" + slugify(unquote(fragment[1:]))
        return f"{prefix}{url}{fragment or ''}{quote}"

    return _HREF.sub(replace, html)


_NB_MERMAID_LOADER = re.compile(
    r'<script type="module">(?:(?!</script>).)*?\.jp-Mermaid > pre\.mermaid.*?</script>', re.S
)
_NB_MERMAID_BLOCK = re.compile(r'<div class="jp-Mermaid"><pre class="mermaid">(.*?)</pre>', re.S)


def material_mermaid(html: str) -> str:
    """Hand a notebook's Mermaid diagrams to Material, which draws the site's other diagrams.

    nbconvert emits ``<div class="jp-Mermaid"><pre class="mermaid">`` hidden by its CSS until its
    own script, which imports Mermaid from a CDN, has drawn it. Drop that script and give the
    block the shape pymdownx.superfences gives a ```` ```mermaid ```` fence, marked as rendered.
    """
    html = _NB_MERMAID_LOADER.sub("", html)

    def block(match: re.Match[str]) -> str:
        # nbconvert leaves tags of the diagram's source (`<br/>` in a label) as HTML: escape
        # them so the diagram's text reaches Mermaid unchanged, as superfences does.
        source = match.group(1).replace("<", "&lt;").replace(">", "&gt;")
        return f'<div class="jp-Mermaid jp-RenderedMermaid"><pre class="mermaid"><code>{source}</code></pre>'

    return _NB_MERMAID_BLOCK.sub(block, html)


def strip_mathjax(html: str) -> str:
    """Drop nbconvert's MathJax loader: the lessons use no LaTeX, and a CDN script breaks offline."""
    return _MATHJAX.sub("", html)


_HEADING = re.compile(r'<h([1-6])\s[^>]*?id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


class TocToken(TypedDict):
    """One heading, as MkDocs' ``get_toc`` takes it (its own TypedDict is private)."""

    level: int
    id: str
    name: str
    children: list["TocToken"]


def heading_tokens(html: str) -> list[TocToken]:
    """The table of contents of rendered HTML, as MkDocs' ``get_toc`` tokens.

    mkdocs-jupyter builds a notebook's TOC from a Markdown export with inline code removed, so a
    heading like "Does `%autoawait off` help?" gets the anchor ``#does-help`` while the page's
    heading id is ``does-autoawait-off-help``: every such TOC link would lead nowhere. Reading
    the headings from the HTML itself keeps the TOC and the ids in step.
    """
    root = TocToken(level=0, id="", name="", children=[])
    stack = [root]
    for level_text, anchor, inner in _HEADING.findall(html):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.S)
        name = html_lib.unescape(_TAG.sub("", inner)).strip()
        token = TocToken(level=int(level_text), id=anchor, name=name, children=[])
        while stack[-1]["level"] >= token["level"]:
            stack.pop()
        stack[-1]["children"].append(token)
        stack.append(token)
    return root["children"]
