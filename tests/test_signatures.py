from datetime import datetime, timedelta, timezone

import pytest

from bridge.signatures import (
    SignatureError,
    hub_signature,
    verify_hub_signature,
    verify_shared_secret,
    verify_zendesk,
    zendesk_signature,
)

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)
STAMP = "2026-11-23T12:00:00Z"
BODY = b'{"ticket_id": "42"}'


def test_atlassian_test_vector() -> None:
    assert hub_signature("It's a Secret to Everybody", b"Hello World!") == (
        "sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9"
    )
    verify_hub_signature("It's a Secret to Everybody",
                         "sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9", b"Hello World!")


def test_zendesk_signature_is_base64_hmac_of_timestamp_and_body() -> None:
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(hmac.new(b"s3cret", STAMP.encode() + BODY, hashlib.sha256).digest()).decode()
    assert zendesk_signature("s3cret", STAMP, BODY) == expected
    verify_zendesk("s3cret", expected, STAMP, BODY, now=NOW)


@pytest.mark.parametrize(
    "signature, timestamp, body, message",
    [
        (None, STAMP, BODY, "missing"),
        ("AAAA", STAMP, BODY, "does not match"),
        ("sig", None, BODY, "missing"),
        ("sig", "yesterday", BODY, "ISO-8601"),
    ],
)
def test_zendesk_rejections(signature, timestamp, body, message) -> None:
    with pytest.raises(SignatureError, match=message):
        verify_zendesk("s3cret", signature, timestamp, body, now=NOW)


def test_zendesk_body_change_breaks_signature() -> None:
    good = zendesk_signature("s3cret", STAMP, BODY)
    with pytest.raises(SignatureError, match="does not match"):
        verify_zendesk("s3cret", good, STAMP, BODY + b" ", now=NOW)


@pytest.mark.parametrize("skew", [timedelta(minutes=6), -timedelta(minutes=6)])
def test_zendesk_replay_window(skew) -> None:
    stamp = (NOW + skew).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(SignatureError, match="300 seconds"):
        verify_zendesk("s3cret", zendesk_signature("s3cret", stamp, BODY), stamp, BODY, now=NOW)
    inside = (NOW + skew / 2).strftime("%Y-%m-%dT%H:%M:%SZ")
    verify_zendesk("s3cret", zendesk_signature("s3cret", inside, BODY), inside, BODY, now=NOW)


def test_hub_signature_rejections() -> None:
    with pytest.raises(SignatureError, match="missing"):
        verify_hub_signature("k", None, BODY)
    with pytest.raises(SignatureError, match="does not match"):
        verify_hub_signature("k", hub_signature("other", BODY), BODY)
    verify_hub_signature("k", hub_signature("k", BODY).upper().replace("SHA256=", "sha256="), BODY)


def test_shared_secret() -> None:
    verify_shared_secret("abc", "abc")
    with pytest.raises(SignatureError):
        verify_shared_secret("abc", "abd")
    with pytest.raises(SignatureError, match="missing"):
        verify_shared_secret("abc", "")
