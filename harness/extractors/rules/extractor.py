"""The rule baseline: gazetteers, cue words and ``harness.text`` parsers, no model.

Transparent (every entity and claim comes from a rule you can read, driven by
word lists you can edit), fast (milliseconds per article) and deterministic
(same input, same output, byte for byte). It is the floor every learned
extractor has to beat, and a sanity check of the scorers.

Parameters (the ``params`` of a setup config):

- ``gazetteer_dir``: folder of gazetteer lists (default: the packaged one);
- ``cue_dir``: folder of cue-word lists (default: the packaged one);
- ``date_anchor``: ``"latest"`` (default: resolve relative dates against the
  latest full date the article states), ``"none"``, or an ISO date
  ``YYYY-MM-DD`` to use for every document;
- ``claims``: ``true`` (default) or ``false`` to produce entities only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.annotations import CLAIM_SLOTS, Annotations, Document, Prediction
from harness.extractors.base import SHAPING_FILE, ShapingText, read_shaping_file
from harness.extractors.rules.claims import find_claims
from harness.extractors.rules.entities import analyse
from harness.extractors.rules.lexicon import Lexicon, load_lexicon

#: Bump whenever a rule changes what the extractor outputs (word-list changes
#: are covered by the lists' digest in the fingerprint).
VERSION = "1.1.0"

_KNOWN_PARAMS = frozenset({"gazetteer_dir", "cue_dir", "date_anchor", "claims"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RulesExtractor:
    """Entities and claims of Arabic news by rules; see the module doc."""

    name = "rules"
    version = VERSION
    entity_labels: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC", "DATE", "QUANTITY")
    claim_slots: tuple[str, ...] = CLAIM_SLOTS
    emits_claims = True

    def __init__(self, params: dict[str, Any] | None = None):
        params = dict(params or {})
        unknown = sorted(set(params) - _KNOWN_PARAMS)
        if unknown:
            raise ValueError(
                f"rules extractor: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(_KNOWN_PARAMS))}"
            )
        anchor = params.get("date_anchor", "latest")
        if not isinstance(anchor, str) or not (anchor in ("latest", "none") or _ISO_DATE.fullmatch(anchor)):
            raise ValueError(f"rules extractor: date_anchor must be 'latest', 'none' or YYYY-MM-DD, got {anchor!r}")
        emit_claims = params.get("claims", True)
        if not isinstance(emit_claims, bool):
            raise ValueError(f"rules extractor: claims must be true or false, got {emit_claims!r}")
        self.params = params
        self.anchor_mode = anchor
        self.emits_claims = emit_claims
        if not emit_claims:
            self.claim_slots = ()
        self.lexicon: Lexicon = load_lexicon(params.get("gazetteer_dir"), params.get("cue_dir"))

    def shaped_by(self) -> tuple[ShapingText, ...]:
        """The seed articles: the word lists and frames were written while reading them (``shaped_by.json``)."""
        return read_shaping_file(Path(__file__).with_name(SHAPING_FILE))[0]

    def fingerprint(self) -> dict[str, Any]:
        """Code version, the word lists' SHA-256 and the parameters."""
        return {
            "name": self.name,
            "version": self.version,
            "lexicon_sha256": self.lexicon.digest,
            "params": {key: str(value) for key, value in sorted(self.params.items())},
        }

    def extract(self, documents: Sequence[Document]) -> list[Prediction]:
        return [self.extract_one(document) for document in documents]

    def extract_one(self, document: Document) -> Prediction:
        analysis = analyse(document.text, self.lexicon, anchor_mode=self.anchor_mode)
        entities = tuple(m.entity for m in analysis.mentions)
        claims = tuple(find_claims(analysis, self.lexicon)) if self.emits_claims else ()
        # Claims use ids c1..; entities e1.. (one id space, no clash).
        return Prediction(
            document.doc_id,
            Annotations(document.doc_id, entities, claims),
            meta={"date_anchor": analysis.anchor},
        )


def build(params: dict[str, Any]) -> RulesExtractor:
    """Registry factory: ``harness.extractors.registry`` maps ``"rules"`` here."""
    return RulesExtractor(params)
