"""Normalised text that remembers where every character came from.

Scorers and extractors compare text after normalising it (Arabic letter
forms, digits, whitespace), but every span they report must point into the
raw document. A ``MappedText`` carries both strings and, for each normalised
character, the raw span it was produced from, so a match found in the
normalised form can always be turned back into raw offsets.

Normalisers here never invent text: every normalised character comes from a
non-empty stretch of raw text. A raw stretch may produce several characters
(a ligature such as U+FEFB gives "لا"), one character (a letter with its
diacritics gives the bare letter) or none (tatweel, zero-width marks).

This module imports nothing from the rest of the harness.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MappedText:
    """A normalised ``text`` of ``raw``, with the raw origin of each character.

    ``starts[i]`` and ``ends[i]`` delimit the raw stretch (end exclusive) the
    i-th normalised character came from. ``starts`` holds one more entry, the
    sentinel ``len(raw)``, so an empty span at the end of ``text`` has a raw
    position too. Both sequences never decrease: normalisation keeps order.
    """

    text: str
    raw: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __post_init__(self) -> None:
        n = len(self.text)
        if len(self.starts) != n + 1 or len(self.ends) != n:
            raise ValueError(
                f"MappedText: starts must have len(text)+1={n + 1} entries and ends "
                f"len(text)={n}; got {len(self.starts)} and {len(self.ends)}"
            )
        if self.starts[n] != len(self.raw):
            raise ValueError(
                f"MappedText: the sentinel starts[-1] must be len(raw)={len(self.raw)}, "
                f"got {self.starts[n]}"
            )
        previous_start = previous_end = 0
        for i in range(n):
            s, e = self.starts[i], self.ends[i]
            if not (0 <= s < e <= len(self.raw)):
                raise ValueError(
                    f"MappedText: character {i} ({self.text[i]!r}) maps to raw "
                    f"[{s}, {e}), which is empty or outside [0, {len(self.raw)}]"
                )
            if s < previous_start or e < previous_end:
                raise ValueError(
                    f"MappedText: character {i} ({self.text[i]!r}) maps to raw "
                    f"[{s}, {e}), before the previous character's span"
                )
            previous_start, previous_end = s, e

    @classmethod
    def identity(cls, raw: str) -> MappedText:
        """The trivial mapping: ``text == raw``, character i from raw i."""
        n = len(raw)
        return cls(raw, raw, tuple(range(n + 1)), tuple(range(1, n + 1)))

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """The smallest raw span covering normalised ``[start, end)``.

        An empty normalised span maps to an empty raw span at the raw start of
        the character that follows it (``len(raw)`` at the very end). For
        non-empty spans the result is monotonic: a span starting and ending
        later never maps to a raw span starting or ending earlier.
        """
        if not (0 <= start <= end <= len(self.text)):
            raise ValueError(
                f"to_raw: span [{start}, {end}) is not within the normalised text "
                f"of length {len(self.text)}"
            )
        if start == end:
            position = self.starts[start]
            return position, position
        return self.starts[start], self.ends[end - 1]

    def raw_slice(self, start: int, end: int) -> str:
        """The raw text behind normalised ``[start, end)``."""
        raw_start, raw_end = self.to_raw(start, end)
        return self.raw[raw_start:raw_end]

    def then(self, normaliser: Callable[[str], MappedText]) -> MappedText:
        """Apply a second normaliser to ``text`` and keep the map to ``raw``."""
        return compose(self, normaliser(self.text))


def compose(first: MappedText, second: MappedText) -> MappedText:
    """Chain two mappings: ``second`` normalised ``first.text`` further.

    The result maps ``second.text`` straight back to ``first.raw``: the raw
    span of a character is the raw span of the stretch of ``first.text`` it
    came from.
    """
    if second.raw != first.text:
        raise ValueError(
            "compose: the second mapping must normalise the first one's text "
            f"(second.raw has {len(second.raw)} chars, first.text {len(first.text)})"
        )
    starts = [first.starts[s] for s in second.starts[:-1]]
    ends = [first.ends[e - 1] for e in second.ends]
    starts.append(len(first.raw))
    return MappedText(second.text, first.raw, tuple(starts), tuple(ends))


class MappedTextBuilder:
    """Collects normalised pieces with their raw spans, then builds a MappedText.

    Normalisers walk the raw text once and ``emit`` what each raw stretch
    becomes; an empty output drops the stretch.
    """

    def __init__(self, raw: str) -> None:
        self._raw = raw
        self._pieces: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []

    def emit(self, output: str, raw_start: int, raw_end: int) -> None:
        """Record that raw ``[raw_start, raw_end)`` normalises to ``output``."""
        if not output:
            return
        self._pieces.append(output)
        count = len(output)
        self._starts.extend([raw_start] * count)
        self._ends.extend([raw_end] * count)

    def build(self) -> MappedText:
        starts = tuple(self._starts) + (len(self._raw),)
        return MappedText("".join(self._pieces), self._raw, starts, tuple(self._ends))


def map_chars(raw: str, replace: Callable[[str], str]) -> MappedText:
    """Normalise ``raw`` one character at a time with ``replace``.

    ``replace`` returns what a character becomes (possibly "" or several
    characters); each output character maps to the raw character it came from.
    """
    builder = MappedTextBuilder(raw)
    for i, char in enumerate(raw):
        builder.emit(replace(char), i, i + 1)
    return builder.build()
