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
class DraftOrigin:
    """What drafted a set of files: the same for every text of one ``harness gold draft``."""

    setup: str
    setup_file: str
    extractor: ExtractorIdentity
    #: ISO-8601 date and time with its zone.
    drafted_at: str
    tool: ToolIdentity


@dataclass(frozen=True)
class DraftProvenance:
    """Everything a reviewer (and a later reader of scores) needs to know about a draft's origin."""

    origin: DraftOrigin
    dropped: Dropped
    #: Changes made to kept items to fit the contract (cleared references, guessed facts).
    repaired: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        origin = self.origin
        return {
            "kind": DRAFT_KIND,
            "setup": origin.setup,
            "setup_file": origin.setup_file,
            "extractor": {
                "name": origin.extractor.name,
                "version": origin.extractor.version,
                "fingerprint_hash": origin.extractor.fingerprint_hash,
            },
            "drafted_at": origin.drafted_at,
            "tool": {"name": origin.tool.name, "version": origin.tool.version, "git_commit": origin.tool.git_commit},
            "dropped": {"entities": self.dropped.entities, "claims": self.dropped.claims, "reasons": list(self.dropped.reasons)},
            "repaired": list(self.repaired),
        }
