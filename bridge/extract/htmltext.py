"""HTML (and XML) to text: visible text plus mailto:/tel: links and alt/title attributes."""

from __future__ import annotations

from html.parser import HTMLParser

from bridge.extract.base import Context, Extraction
from bridge.extract.textcodec import decode_text

_SKIP = frozenset({"script", "style", "noscript", "template"})
# Compared by local name, so namespaced XML (an ODT's text:p, a DOCX's w:p in a ZIP)
# also gets its line breaks.
_BLOCK = frozenset({"p", "div", "br", "tr", "li", "table", "h", "h1", "h2", "h3", "h4", "h5", "h6",
                    "section", "article", "header", "footer", "pre", "blockquote", "dt", "dd", "hr",
                    "table-row", "line-break", "list-item", "paragraph"})
_CELL = frozenset({"td", "th", "tc", "table-cell"})


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.rsplit(":", 1)[-1]
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCK:
            self.chunks.append("\n")
        elif tag in _CELL:
            self.chunks.append(" | ")
        for name, value in attrs:
            if not value:
                continue
            if name == "href" and value.lower().startswith(("mailto:", "tel:")):
                self.chunks.append(f" {value.split(':', 1)[1]} ")
            elif name in ("alt", "title"):
                self.chunks.append(f" {value} ")

    def handle_endtag(self, tag: str) -> None:
        tag = tag.rsplit(":", 1)[-1]
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).splitlines())
    return "\n".join(line for line in lines if line and line != "|")


def extract(data: bytes, ctx: Context) -> Extraction:
    out = Extraction()
    out.add(ctx.detail(None), html_to_text(decode_text(data) or ""))
    return out
