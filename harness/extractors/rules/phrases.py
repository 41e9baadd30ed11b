"""Finding listed phrases among a document's tokens, longest first.

A gazetteer or cue list is a set of phrases (tuples of normalised words).
The index keys them by their first word; a lookup at a token tries every
reading of that token (the word with its clitics stripped) and then the
following tokens as written, so clitics are allowed on the first word only
(``وبقوات سوريا الديمقراطية``). Words of one phrase must be separated by
whitespace only: a comma or a quotation mark ends a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from harness.extractors.rules.tokens import Token, adjacent

P = TypeVar("P")


@dataclass(frozen=True)
class PhraseMatch(Generic[P]):
    """A listed phrase found at tokens ``first`` .. ``last`` (inclusive).

    ``skip`` is how many normalised characters of the first token are a
    clitic prefix, outside the span.
    """

    first: int
    last: int
    skip: int
    payload: P

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    @property
    def after(self) -> int:
        """The index of the token after the match."""
        return self.last + 1


class PhraseIndex(Generic[P]):
    """Phrases with a payload each (a label, a lemma ...), found longest first."""

    def __init__(self, phrases: Iterable[tuple[tuple[str, ...], P]] = ()):
        by_first: dict[str, dict[tuple[str, ...], P]] = {}
        for words, payload in phrases:
            if not words:
                continue
            # The first entry for a phrase wins: list files are read in order.
            by_first.setdefault(words[0], {}).setdefault(words, payload)
        self._by_first: dict[str, list[tuple[tuple[str, ...], P]]] = {
            first: sorted(entries.items(), key=lambda item: -len(item[0]))
            for first, entries in by_first.items()
        }

    def __contains__(self, word: str) -> bool:
        """True when some phrase is exactly this one word."""
        return any(len(words) == 1 for words, _ in self._by_first.get(word, ()))

    def payload_of(self, word: str) -> P | None:
        """The payload of the one-word phrase ``word``, if listed."""
        for words, payload in self._by_first.get(word, ()):
            if len(words) == 1:
                return payload
        return None

    def match(
        self, text: str, tokens: list[Token], i: int, *, clitics: bool = True
    ) -> PhraseMatch[P] | None:
        """The longest listed phrase starting at token ``i``, or None.

        Among readings, the bare word is tried first, so that a name that
        happens to begin with a clitic letter (``واشنطن``) is not read as
        و + something when it is listed as written.
        """
        token = tokens[i]
        readings = token.readings if clitics else token.readings[:1]
        best: PhraseMatch[P] | None = None
        for reading in readings:
            for words, payload in self._by_first.get(reading.stem, ()):
                last = i + len(words) - 1
                if best is not None and last <= best.last:
                    break
                if last >= len(tokens):
                    continue
                if all(
                    tokens[i + k].key == words[k] and adjacent(text, tokens, i + k - 1, i + k)
                    for k in range(1, len(words))
                ):
                    best = PhraseMatch(i, last, reading.skip, payload)
                    break
        return best
