"""DOCX: paragraphs and tables of the body, headers, footers, footnotes, endnotes and
comments (text boxes included), then embedded images to OCR and embedded files.

Table rows become one line with ``|`` between cells so a name and the number next to
it stay together for the scanner.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from bridge.extract.base import Context, Extraction, ExtractionProblem
from bridge.extract.ooxml import check_package, media_and_embeddings

_PARTS = re.compile(r"^/word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_DETAILS = {"document": None, "header": "header", "footer": "footer", "footnotes": "footnotes",
            "endnotes": "endnotes", "comments": "comments"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
W_P, W_TR, W_TC, W_T, W_TAB, W_BR, W_CR = (qn(t) for t in ("w:p", "w:tr", "w:tc", "w:t", "w:tab", "w:br", "w:cr"))


def extract(data: bytes, ctx: Context) -> Extraction:
    check_package(data, ctx, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, OSError):
        raise ExtractionProblem("corrupt DOCX") from None
    out = Extraction()
    parts = sorted(
        (part for part in document.part.package.iter_parts() if _PARTS.match(str(part.partname))),
        key=lambda part: (str(part.partname) != "/word/document.xml", str(part.partname)),
    )
    for part in parts:
        kind = re.sub(r"\d+$", "", _PARTS.match(str(part.partname)).group(1))  # type: ignore[union-attr]
        try:
            root = etree.fromstring(part.blob, parser=_PARSER)
        except etree.XMLSyntaxError:
            out.problems.append(f"DOCX {_DETAILS[kind] or 'body'} unreadable")
            continue
        out.add(ctx.detail(_DETAILS[kind]), "\n".join(_lines(root)))
    out.extend(media_and_embeddings(data, ctx, "DOCX"))
    return out


def _lines(root: etree._Element) -> Iterator[str]:
    """Paragraphs outside tables, and table rows, in document order."""
    for element in root.iter(W_P, W_TR):
        if _inside(element, (W_TR,)) or (element.tag == W_P and _inside(element, (W_P,))):
            continue  # already part of its row or outer paragraph (text box)
        if element.tag == W_P:
            text = _text(element)
        else:
            text = " | ".join(" ".join(_text(p) for p in cell.iter(W_P)).strip() for cell in element.iter(W_TC))
        if text.strip(" |"):
            yield text


def _inside(element: etree._Element, tags: tuple[str, ...]) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _text(paragraph: etree._Element) -> str:
    chunks: list[str] = []
    for node in paragraph.iter(W_T, W_TAB, W_BR, W_CR):
        if node.tag == W_T:
            chunks.append(node.text or "")
        elif node.tag == W_TAB:
            chunks.append("\t")
        else:
            chunks.append("\n")
    return "".join(chunks)
