"""The export for the rights of access and portability: one zip with a JSON file per ticket,
the attachments, ``manifest.json`` and an ``index.html`` a person can read.

Memory stays bounded whatever the person holds: one ticket's text at a time; attachments
are streamed from the platform into a spooled temporary file (on disk past 1 MB, so a
retried download starts clean) and from there into the zip in chunks, stored as they are
(they are mostly compressed already); ``index.html`` is
written piece by piece to a temporary file and copied in at the end. The zip is written
next to its destination as ``.part`` and renamed only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Callable, Mapping

from jinja2 import Environment, PackageLoader, select_autoescape

from bridge.platform import AttachmentRef, AttachmentTooLarge, SubjectRequests, TicketExport, TicketGone
from bridge.subject.search import Findings

MAX_ATTACHMENT_BYTES = 1 << 30  # larger files are listed, not included
SPOOL_BYTES = 1 << 20
CHUNK = 1 << 16
FORMAT = "gdpr-bridge subject export 1"

_templates = Environment(loader=PackageLoader("bridge", "templates/subject"), autoescape=select_autoescape(["html"]))
_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass
class ExportSummary:
    tickets: int = 0
    attachments: int = 0
    attachment_bytes: int = 0
    left_out: int = 0  # attachments too large, or gone
    gone: int = 0  # tickets deleted between finding and exporting
    platforms: dict[str, dict[str, Any]] = field(default_factory=dict)


def write_export(findings: list[Findings], platforms: Mapping[str, SubjectRequests], out: Path,
                 advance: Callable[[int], None] = lambda n: None) -> ExportSummary:
    """Write the zip at ``out``; on any error nothing is left behind and the error is raised."""
    part = out.with_name(out.name + ".part")
    summary = ExportSummary()
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds personal data
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf, \
                tempfile.TemporaryFile("w+", encoding="utf-8") as index:
            page: Any = _templates.get_template("index.html").module  # its macros: head, ticket, foot
            index.write(page.head(generated=iso(datetime.now(timezone.utc))))
            manifest: list[dict[str, Any]] = []
            for found in findings:
                platform = platforms[found.platform]
                summary.platforms[found.platform] = {
                    "user_records": len(found.people),
                    "tickets": len(found.requested),
                    "copied_tickets_not_exported": [t.id for t in found.copied],
                }
                for ticket in found.requested:
                    entry = _export_one(zf, platform, found.platform, ticket.id, summary)
                    manifest.append(entry["manifest"])
                    if entry.get("export") is not None:
                        index.write(page.ticket(t=entry["page"]))
                    advance(1)
            index.write(page.foot(copied=[(name, info["copied_tickets_not_exported"])
                                          for name, info in summary.platforms.items()
                                          if info["copied_tickets_not_exported"]]))
            index.seek(0)
            with zf.open("index.html", "w") as dst:
                while chunk := index.read(CHUNK):
                    dst.write(chunk.encode("utf-8"))
            zf.writestr("manifest.json", json.dumps({
                "format": FORMAT, "generated_at": iso(datetime.now(timezone.utc)),
                "platforms": summary.platforms, "tickets": manifest,
                "attachments": {"included": summary.attachments, "bytes": summary.attachment_bytes,
                                "left_out": summary.left_out},
                "note": "Tickets where the person is only copied or follows belong to another requester "
                        "and are listed by id only.",
            }, indent=2, ensure_ascii=False))
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return summary


def _export_one(zf: zipfile.ZipFile, platform: SubjectRequests, name: str, ticket_id: str,
                summary: ExportSummary) -> dict[str, Any]:
    base = f"{name}-{_safe(ticket_id)}"
    try:
        export = platform.export_ticket(ticket_id)
    except TicketGone:
        summary.gone += 1
        return {"manifest": {"platform": name, "id": ticket_id, "gone": "deleted before it could be exported"}}
    files: dict[str, dict[str, Any]] = {}
    for ref in export.all_attachments():
        files[ref.id] = _attachment(zf, platform, ref, f"attachments/{base}", summary)
    document = _document(export, files)
    path = f"tickets/{base}.json"
    zf.writestr(path, json.dumps(document, indent=2, ensure_ascii=False))
    summary.tickets += 1
    return {
        "export": export,
        "page": {**document, "file": path},
        "manifest": {"platform": name, "id": export.id, "file": path,
                     "attachments": [f for f in files.values()]},
    }


def _attachment(zf: zipfile.ZipFile, platform: SubjectRequests, ref: AttachmentRef, folder: str,
                summary: ExportSummary) -> dict[str, Any]:
    described: dict[str, Any] = {"name": ref.filename, "content_type": ref.content_type}
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        try:
            size = platform.download_attachment_to(ref, spool, MAX_ATTACHMENT_BYTES)  # type: ignore[arg-type]
        except AttachmentTooLarge:
            summary.left_out += 1
            return {**described, "left_out": f"larger than {MAX_ATTACHMENT_BYTES} bytes"}
        except TicketGone:
            summary.left_out += 1
            return {**described, "left_out": "no longer on the platform"}
        spool.seek(0)
        path = f"{folder}/{_safe(ref.id)}-{_safe(ref.filename) or 'file'}"
        digest = hashlib.sha256()
        entry = zipfile.ZipInfo(path, date_time=time.gmtime()[:6])
        entry.compress_type = zipfile.ZIP_STORED  # files are mostly compressed already: deflate would only cost time
        with zf.open(entry, "w", force_zip64=True) as dst:
            _copy(spool, dst, digest)
    summary.attachments += 1
    summary.attachment_bytes += size
    return {**described, "file": path, "size": size, "sha256": digest.hexdigest()}


def _copy(src: IO[bytes], dst: IO[bytes], digest: Any) -> None:
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        dst.write(chunk)


def _document(export: TicketExport, files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def refs(attachments: tuple[AttachmentRef, ...] | list[AttachmentRef]) -> list[dict[str, Any]]:
        return [files[a.id] for a in attachments if a.id in files]

    return {
        "platform": export.platform,
        "id": export.id,
        "subject": export.subject,
        "description": export.description,
        "status": export.status,
        "created": iso(export.created_at),
        "updated": iso(export.updated_at),
        "comments": [{"author_role": c.author_role, "created": iso(c.created_at), "public": c.public,
                      "body": c.body, "attachments": refs(c.attachments)} for c in export.comments],
        "attachments": refs(export.attachments),
    }


def _safe(text: str) -> str:
    """A name fit for a path inside the zip (no separators, no dot-dot, at most 100 characters)."""
    cleaned = _UNSAFE.sub("_", text).strip(" .")[:100]
    return cleaned


def iso(when: datetime | None) -> str | None:
    if when is None:
        return None
    aware = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["ExportSummary", "MAX_ATTACHMENT_BYTES", "iso", "write_export"]
