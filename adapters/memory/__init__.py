"""An in-memory helpdesk with the same contract as the real adapters, for tests.

It lives under ``adapters/`` rather than ``tests/`` because it is an adapter like the
others (bridge/ may not import it either) and because pipeline unit tests and bench
scripts use it as well as the contract suite. It is not in the production registry:
``gdpr-bridge`` never offers it for install, doctor or webhooks. Use it directly,
e.g. ``Services(platform_factory=lambda name: MemoryPlatform(store))``.
"""

from .platform import AnswerLost, MemoryPlatform, MemoryStore, Operation, StoredComment, StoredTicket

PLATFORM = MemoryPlatform

__all__ = ["PLATFORM", "AnswerLost", "MemoryPlatform", "MemoryStore", "Operation", "StoredComment", "StoredTicket"]
