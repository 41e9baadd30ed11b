"""Where a drafted gold file came from: the ``provenance`` block of ``gold/README.md``.

A draft is only as trustworthy as what produced it, and scores against
reviewed drafts stay tied to that origin through the gold hash of the run
record. So each draft file says which setup and extractor (name, version,
fingerprint hash) wrote it, when, with which version of this tool, and what
was left out or repaired on the way into the gold contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.corpus.validate import DRAFT_KIND


@dataclass(frozen=True)
class ExtractorIdentity:
    """The extractor as the run records name it: its fingerprint hash keys the prediction cache."""

    name: str
    version: str
    fingerprint_hash: str


@dataclass(frozen=True)
class ToolIdentity:
    """This harness: package name and version, and the git commit when known."""

    name: str
    version: str
    git_commit: str | None = None


@dataclass(frozen=True)
class Dropped:
    """Predictions left out of a draft because they would break the gold contract."""

    entities: int = 0
    claims: int = 0
    #: One line per item left out, naming it and why.
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftProvenance:
    """Everything a reviewer (and a later reader of scores) needs to know about a draft's origin."""

    setup: str
    setup_file: str
    extractor: ExtractorIdentity
    #: ISO-8601 date and time with its zone.
    drafted_at: str
    tool: ToolIdentity
    dropped: Dropped
    #: Changes made to kept items to fit the contract (cleared references, guessed facts).
    repaired: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": DRAFT_KIND,
            "setup": self.setup,
            "setup_file": self.setup_file,
            "extractor": {
                "name": self.extractor.name,
                "version": self.extractor.version,
                "fingerprint_hash": self.extractor.fingerprint_hash,
            },
            "drafted_at": self.drafted_at,
            "tool": {"name": self.tool.name, "version": self.tool.version, "git_commit": self.tool.git_commit},
            "dropped": {"entities": self.dropped.entities, "claims": self.dropped.claims, "reasons": list(self.dropped.reasons)},
            "repaired": list(self.repaired),
        }
