"""E-mail (.eml): headers (not the transport ones), text parts, and its own attachments.

A message read at the top level opens its attachments (one level); a message found
inside something else (an attached e-mail) is read for its headers and text only and
reports that its attachments were not opened.
"""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage, Message

from bridge.extract.base import Context, Extraction, ExtractionProblem, megabytes
from bridge.extract.detect import detect_kind
from bridge.extract.htmltext import html_to_text
from bridge.extract.textcodec import decode_text

# Transport and structure headers: long, technical, and no one's personal data.
# Every other header is kept: a text file that merely looks like mail loses nothing.
SKIPPED_HEADERS = ("received", "dkim-signature", "domainkey-signature", "arc-", "authentication-results",
                   "received-spf", "x-ms-", "x-microsoft-", "x-google-", "x-gm-", "content-", "mime-version",
                   "message-id", "references", "in-reply-to", "thread-", "list-", "x-mailer",
                   "x-spam", "x-received")
MAX_PARTS = 500


def extract(data: bytes, ctx: Context) -> Extraction:
    from bridge.extract.registry import extract_nested  # the registry imports this module

    try:
        message = email.message_from_bytes(data, policy=policy.default)
    except (ValueError, TypeError, LookupError, IndexError):
        raise ExtractionProblem("corrupt e-mail") from None
    out = Extraction()
    out.add(ctx.detail("headers"), _headers(message))
    texts: list[str] = []
    attachments: list[Message] = []
    _walk(message, texts, attachments, [0])
    out.add(ctx.detail(None), "\n\n".join(texts))
    if not attachments:
        return out
    if ctx.depth > 0:
        out.problems.append("attachments of a nested e-mail not opened")
        return out
    if len(attachments) > ctx.limits.max_archive_members:
        raise ExtractionProblem(f"e-mail has {len(attachments)} attachments (limit {ctx.limits.max_archive_members})")
    for number, part in enumerate(attachments, start=1):
        name = part.get_filename() or f"attachment-{number}"
        label = f"e-mail attachment {number}"
        try:
            content = _payload(part)
        except (ValueError, TypeError, LookupError, AssertionError):
            out.problems.append(f"{label} is corrupt")
            continue
        if len(content) > ctx.limits.max_bytes:
            out.problems.append(f"{label} is larger than the {megabytes(ctx.limits.max_bytes)} limit")
            continue
        kind = detect_kind(name, content, deep=False)
        out.extend(extract_nested(name, content, ctx.nested(f"attachment #{number} {kind}: {name}", label)))
    return out


def _headers(message: Message) -> str:
    return "\n".join(f"{name}: {value}" for name, value in message.items()
                     if not name.lower().startswith(SKIPPED_HEADERS))


def _walk(part: Message, texts: list[str], attachments: list[Message], count: list[int]) -> None:
    count[0] += 1
    if count[0] > MAX_PARTS:
        raise ExtractionProblem(f"e-mail has more than {MAX_PARTS} parts")
    content_type = part.get_content_type()
    if part.is_multipart() and content_type != "message/rfc822":
        for sub in part.get_payload():
            if isinstance(sub, Message):
                _walk(sub, texts, attachments, count)
        return
    disposition = part.get_content_disposition()
    if content_type in ("text/plain", "text/html") and disposition != "attachment":
        text = _text(part)
        texts.append(html_to_text(text) if content_type == "text/html" else text)
    elif (disposition is not None or part.get_filename() or content_type != "text/plain"):
        attachments.append(part)


def _text(part: Message) -> str:
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else None
        if isinstance(content, str):
            return content
    except (LookupError, ValueError, AssertionError, UnicodeError):
        pass  # unknown charset: decode the bytes ourselves
    payload = part.get_payload(decode=True)
    return (decode_text(payload) or "") if isinstance(payload, bytes) else ""


def _payload(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner_message = inner[0] if isinstance(inner, list) else inner
        return inner_message.as_bytes() if isinstance(inner_message, Message) else b""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""
