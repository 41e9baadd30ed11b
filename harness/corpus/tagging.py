"""Token tagging schemes (IOB1, IOB2, IOBES, BILOU) and entity label maps.

Each scheme is a table, not a chain of branches: which tag prefixes it allows,
what each prefix *does* to the entity being read (open a new one, continue,
close after this token), and which prefix it writes at each position of an
entity. One small decoder and one small encoder read the tables, so adding a
scheme means adding a row, and every scheme is decoded by the same rules.

Decoding follows the chunk rules of the CoNLL shared-task script conlleval,
which the field's published token-tagged scores are computed with: an ``I-``
(or ``E-``) tag that does not continue an open entity of its own type starts
a new entity instead of being dropped. Real corpora need this (ANERcorp has
entities that begin with ``I-``). A scorer that wants the strict reading can
still look at the raw tags; these functions never rewrite the input.

This is the project's one module of tag schemes: conlleval.pl's own reading
of a tag (any prefix, used by the conlleval-compatible report and tag scoring
in :mod:`harness.scoring.conlleval`) and strict IOB2 chunking are here too,
after the scheme tables. It imports nothing else of the harness, so any room
may use it.

The label map renames corpus labels to the harness's labels (ANERcorp says
``PERS`` where the harness says ``PER``) or drops labels a study ignores.
A label the map does not mention is an error by default: silently keeping or
losing a whole entity type would change every score computed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

OUTSIDE = "O"


@dataclass(frozen=True)
class TagSpan:
    """An entity read off a tag sequence, in token positions (end exclusive)."""

    label: str
    start_token: int
    end_token: int


@dataclass(frozen=True)
class PrefixRole:
    """What a tag prefix does to the entity being read.

    ``opens``: the token always begins a new entity (B-, S-, U-).
    ``closes``: the entity always ends with this token (E-, S-, L-, U-).
    A prefix with neither (I-) continues an open entity of its own label, or
    begins one when there is none (the conlleval reading).
    """

    opens: bool
    closes: bool


BEGIN = PrefixRole(opens=True, closes=False)
INSIDE = PrefixRole(opens=False, closes=False)
END = PrefixRole(opens=False, closes=True)
SINGLE = PrefixRole(opens=True, closes=True)


@dataclass(frozen=True)
class TaggingScheme:
    """One scheme: the prefixes it reads and the prefixes it writes.

    ``roles`` lists the allowed prefixes in the order they appear in label
    vocabularies (``O, B-LOC, I-LOC, ...``). The writing fields give the prefix
    for a one-token entity (``single``) and for the first, middle and last
    token of a longer one. ``after_same_label`` is IOB1's rule: an entity that
    directly follows an entity of the same label starts with this prefix
    (``B-``) so the two stay apart; None for schemes that always mark starts.
    """

    name: str
    roles: Mapping[str, PrefixRole]
    single: str
    first: str
    middle: str
    last: str
    after_same_label: str | None = None

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(self.roles)


_IOB_ROLES = {"B": BEGIN, "I": INSIDE}

#: Every scheme the harness knows, by canonical name.
SCHEMES: dict[str, TaggingScheme] = {
    "IOB1": TaggingScheme(
        "IOB1", _IOB_ROLES, single="I", first="I", middle="I", last="I", after_same_label="B"
    ),
    "IOB2": TaggingScheme("IOB2", _IOB_ROLES, single="B", first="B", middle="I", last="I"),
    "IOBES": TaggingScheme(
        "IOBES",
        {"B": BEGIN, "I": INSIDE, "E": END, "S": SINGLE},
        single="S",
        first="B",
        middle="I",
        last="E",
    ),
    "BILOU": TaggingScheme(
        "BILOU",
        {"B": BEGIN, "I": INSIDE, "L": END, "U": SINGLE},
        single="U",
        first="B",
        middle="I",
        last="L",
    ),
}

#: Other names the same schemes go by.
SCHEME_ALIASES: dict[str, str] = {"BIO": "IOB2", "BIOES": "IOBES", "BILUO": "BILOU"}


class TagError(ValueError):
    """A tag the scheme does not allow; ``position`` is its token index."""

    def __init__(self, tag: str, position: int, scheme: TaggingScheme):
        self.tag = tag
        self.position = position
        self.scheme = scheme.name
        allowed = ", ".join(f"{p}-X" for p in scheme.prefixes)
        super().__init__(
            f"tag {tag!r} at token {position} is not valid in {scheme.name}: "
            f"expected {OUTSIDE} or one of {allowed} (X a non-empty label)"
        )


def get_scheme(name: str) -> TaggingScheme:
    """The scheme called ``name`` (case-insensitive, aliases allowed)."""
    key = name.strip().upper()
    key = SCHEME_ALIASES.get(key, key)
    if key not in SCHEMES:
        known = ", ".join([*SCHEMES, *SCHEME_ALIASES])
        raise ValueError(f"unknown tagging scheme {name!r}; known: {known}")
    return SCHEMES[key]


@lru_cache(maxsize=4096)
def _split_tag(tag: str, scheme_name: str) -> tuple[PrefixRole, str] | None:
    """``(role, label)`` of a tag, None for ``O``; raises TagError(position -1).

    Cached because a corpus has a few dozen distinct tags and a hundred
    thousand tokens.
    """
    if tag == OUTSIDE:
        return None
    scheme = SCHEMES[scheme_name]
    prefix, dash, label = tag.partition("-")
    role = scheme.roles.get(prefix)
    if role is None or not dash or not label:
        raise TagError(tag, -1, scheme)
    return role, label


def split_tag(tag: str, scheme: str | TaggingScheme, position: int = 0) -> tuple[str, str] | None:
    """``(prefix, label)`` of a valid tag, None for ``O``; TagError otherwise."""
    table = scheme if isinstance(scheme, TaggingScheme) else get_scheme(scheme)
    try:
        parsed = _split_tag(tag, table.name)
    except TagError:
        raise TagError(tag, position, table) from None
    if parsed is None:
        return None
    prefix, _, label = tag.partition("-")
    return prefix, label


def tags_to_spans(tags: Sequence[str], scheme: str) -> list[TagSpan]:
    """The entities a tag sequence encodes, in order, with conlleval's chunk rules.

    A new entity starts at a prefix that always opens one, or at any entity
    tag whose label differs from the open entity's, or when no entity is open
    (an ``I-`` after ``O``); an entity ends before ``O``, before a new entity,
    and after a closing prefix. Raises :class:`TagError` for a tag the scheme
    does not allow.
    """
    table = get_scheme(scheme)
    spans: list[TagSpan] = []
    open_label: str | None = None
    open_start = 0
    for position, tag in enumerate(tags):
        try:
            parsed = _split_tag(tag, table.name)
        except TagError:
            raise TagError(tag, position, table) from None
        if parsed is None:
            if open_label is not None:
                spans.append(TagSpan(open_label, open_start, position))
                open_label = None
            continue
        role, label = parsed
        if role.opens or label != open_label:
            if open_label is not None:
                spans.append(TagSpan(open_label, open_start, position))
            open_label, open_start = label, position
        if role.closes:
            spans.append(TagSpan(label, open_start, position + 1))
            open_label = None
    if open_label is not None:
        spans.append(TagSpan(open_label, open_start, len(tags)))
    return spans


def spans_to_tags(spans: Iterable[TagSpan], n: int, scheme: str) -> list[str]:
    """``n`` tags in ``scheme`` that encode ``spans`` (which must not overlap).

    ``tags_to_spans(spans_to_tags(s, n, scheme), scheme) == sorted(s)`` for any
    valid ``s``: the encoder always writes the canonical form of the scheme.
    """
    table = get_scheme(scheme)
    tags = [OUTSIDE] * n
    previous: TagSpan | None = None
    for span in sorted(spans, key=lambda s: (s.start_token, s.end_token)):
        if not span.label or any(c.isspace() for c in span.label):
            raise ValueError(f"span {span} has an empty label or one with whitespace")
        if not 0 <= span.start_token < span.end_token <= n:
            raise ValueError(f"span {span} is empty or outside 0..{n}")
        if previous is not None and span.start_token < previous.end_token:
            raise ValueError(f"spans {previous} and {span} overlap")
        follows_same_label = (
            previous is not None
            and previous.end_token == span.start_token
            and previous.label == span.label
        )
        length = span.end_token - span.start_token
        if length == 1:
            tags[span.start_token] = f"{table.single}-{span.label}"
        else:
            tags[span.start_token] = f"{table.first}-{span.label}"
            for i in range(span.start_token + 1, span.end_token - 1):
                tags[i] = f"{table.middle}-{span.label}"
            tags[span.end_token - 1] = f"{table.last}-{span.label}"
        if follows_same_label and table.after_same_label is not None:
            tags[span.start_token] = f"{table.after_same_label}-{span.label}"
        previous = span
    return tags


# --------------------------------------------------------------------------
# conlleval.pl's reading, and strict IOB2
#
# The decoder above validates tags against a scheme. Two scorers need other
# readings, and they live here too so that one module holds every rule for
# turning tags into entities:
#
# * conlleval.pl's, which accepts any tag. A tag ``P-T`` splits at its first
#   hyphen into a prefix ``P`` and a type ``T`` (a tag without a hyphen has
#   type ""). A chunk *starts* at a token when (previous prefix, prefix) is one
#   of B-B, I-B, O-B, O-I, E-E, E-I, O-E, or the prefix is not ``O`` / ``.``
#   and the type changes, or the prefix is ``[`` or ``]``. A chunk *ends*
#   before a token when the pair is one of B-B, B-O, I-B, I-O, E-E, E-I, E-O,
#   or the previous prefix is not ``O`` / ``.`` and the type changes, or the
#   previous prefix is ``[`` or ``]``. :mod:`harness.scoring.conlleval`
#   reproduces the script's report with these rules, digit for digit.
# * strict IOB2 (seqeval's ``mode="strict"``): a chunk is ``B-X`` followed by
#   ``I-X`` tokens, and a stray ``I-`` is not an entity.

# Prefix pairs (previous, current) that end / start a chunk in conlleval.
_END_PAIRS = frozenset(
    {("B", "B"), ("B", "O"), ("I", "B"), ("I", "O"), ("E", "E"), ("E", "I"), ("E", "O")}
)
_START_PAIRS = frozenset(
    {("B", "B"), ("I", "B"), ("O", "B"), ("O", "I"), ("E", "E"), ("E", "I"), ("O", "E")}
)
# Prefixes that never take part in a type change, and one-token chunk brackets.
_NEUTRAL = frozenset({"O", "."})
_BRACKETS = frozenset({"[", "]"})


def split_conlleval_tag(tag: str) -> tuple[str, str]:
    """``(prefix, type)`` of a tag, split at the first hyphen as conlleval does.

    A tag without a hyphen is all prefix with type "". The type ``"0"``
    becomes "" too: the Perl script tests the type for truth, and "0" is
    false in Perl.
    """
    prefix, hyphen, kind = tag.partition("-")
    if not hyphen or kind == "0":
        return prefix, ""
    return prefix, kind


def conlleval_chunk_ends(prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    """True when a chunk ends between a token tagged ``prev`` and one tagged ``cur``."""
    (p_prefix, p_type), (c_prefix, c_type) = prev, cur
    return (
        (p_prefix, c_prefix) in _END_PAIRS
        or (p_prefix not in _NEUTRAL and p_type != c_type)
        or p_prefix in _BRACKETS
    )


def conlleval_chunk_starts(prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    """True when a chunk starts at a token tagged ``cur`` that follows ``prev``."""
    (p_prefix, p_type), (c_prefix, c_type) = prev, cur
    return (
        (p_prefix, c_prefix) in _START_PAIRS
        or (c_prefix not in _NEUTRAL and p_type != c_type)
        or c_prefix in _BRACKETS
    )


class Chunk(NamedTuple):
    """An entity read off a tag sequence: tokens ``[start, end)`` with a label."""

    start: int
    end: int
    label: str


@lru_cache(maxsize=4096)
def _decide(prev_tag: str, tag: str) -> tuple[bool, bool, str]:
    """(closes an open chunk, starts a chunk, type of ``tag``) between two tags."""
    prev, cur = split_conlleval_tag(prev_tag), split_conlleval_tag(tag)
    starts = conlleval_chunk_starts(prev, cur)
    return starts or conlleval_chunk_ends(prev, cur), starts, cur[1]


def conlleval_chunks(tags: Sequence[str]) -> list[Chunk]:
    """Chunks of one sentence by conlleval's start / end rules.

    A chunk closes where conlleval sees an end or a new start, and at the end
    of the sentence. For tags made of O, B-, I- and E- prefixes the chunks
    are exactly the ones conlleval counts; the report itself
    (:func:`harness.scoring.conlleval.count_conlleval`) follows the script step by step for any tag.
    """
    chunks: list[Chunk] = []
    prev_tag = "O"
    open_start = -1
    open_type = ""
    for index, tag in enumerate(tags):
        if tag == "O" and open_start < 0:
            # "O" never starts a chunk; nothing is open to close.
            prev_tag = tag
            continue
        closes, starts, kind = _decide(prev_tag, tag)
        if closes and open_start >= 0:
            chunks.append(Chunk(open_start, index, open_type))
            open_start = -1
        if starts:
            open_start, open_type = index, kind
        prev_tag = tag
    if open_start >= 0:
        chunks.append(Chunk(open_start, len(tags), open_type))
    return chunks


def iob2_chunks(tags: Sequence[str]) -> list[Chunk]:
    """Chunks of one sentence under strict IOB2: ``B-X`` then any ``I-X``.

    An ``I-`` tag that does not continue a chunk of its own type is not part
    of any entity. Any tag other than ``O``, ``B-type`` or ``I-type`` raises
    ValueError naming its position.
    """
    chunks: list[Chunk] = []
    open_start = -1
    open_type = ""
    for index, tag in enumerate(tags):
        if tag == "O":
            if open_start >= 0:
                chunks.append(Chunk(open_start, index, open_type))
                open_start = -1
            continue
        prefix, kind = tag[:2], tag[2:]
        if prefix not in ("B-", "I-") or not kind:
            raise ValueError(f"token {index}: tag {tag!r} is not O, B-<type> or I-<type> (strict IOB2)")
        if prefix == "I-" and open_start >= 0 and kind == open_type:
            continue
        if open_start >= 0:
            chunks.append(Chunk(open_start, index, open_type))
            open_start = -1
        if prefix == "B-":
            open_start, open_type = index, kind
    if open_start >= 0:
        chunks.append(Chunk(open_start, len(tags), open_type))
    return chunks


# --------------------------------------------------------------------------
# Label maps

UNMAPPED_POLICIES: tuple[str, ...] = ("error", "keep", "drop")
DROP = "drop"


class UnmappedLabelError(ValueError):
    """A label the map does not mention, under the ``error`` policy."""

    def __init__(self, label: str, known: Iterable[str]):
        self.label = label
        known_list = ", ".join(sorted(known)) or "(none)"
        super().__init__(
            f"label {label!r} is not in the label map (maps: {known_list}); "
            f"add '{label}=<label>' or '{label}=drop', or allow unmapped labels"
        )


@dataclass(frozen=True)
class LabelMap:
    """Renames corpus labels; a target of None drops the label's entities.

    ``unmapped`` says what happens to a label the map does not mention:
    ``error`` (default) raises :class:`UnmappedLabelError`, ``keep`` keeps it
    unchanged, ``drop`` drops its entities.
    """

    mapping: Mapping[str, str | None] = field(default_factory=dict, hash=False)
    unmapped: str = "error"

    def __post_init__(self) -> None:
        if self.unmapped not in UNMAPPED_POLICIES:
            raise ValueError(
                f"unmapped label policy {self.unmapped!r} is not one of {', '.join(UNMAPPED_POLICIES)}"
            )

    def apply(self, label: str) -> str | None:
        """The harness label for ``label``, or None when it is dropped."""
        if label in self.mapping:
            return self.mapping[label]
        if self.unmapped == "keep":
            return label
        if self.unmapped == "drop":
            return None
        raise UnmappedLabelError(label, self.mapping)


def parse_label_map(spec: str, *, unmapped: str = "error") -> LabelMap:
    """Read ``"PERS=PER,ORG->ORG,MISC=drop"`` into a :class:`LabelMap`.

    Entries are separated by commas; each is ``SOURCE=TARGET`` or
    ``SOURCE->TARGET``; the target ``drop`` removes the source label's
    entities. Spaces around names are ignored. A malformed entry, an empty
    name, or one source mapped to two targets raises ValueError naming it.
    """
    mapping: dict[str, str | None] = {}
    for raw_entry in spec.split(","):
        entry = raw_entry.strip()
        if not entry:
            continue
        separator = "->" if "->" in entry else "="
        source, found, target = entry.partition(separator)
        source, target = source.strip(), target.strip()
        if not found or not source or not target or "=" in target or "->" in target:
            raise ValueError(
                f"label map entry {entry!r} is not 'SOURCE=TARGET' or 'SOURCE->TARGET' "
                f"(use TARGET 'drop' to drop a label)"
            )
        mapped = None if target == DROP else target
        if source in mapping and mapping[source] != mapped:
            raise ValueError(
                f"label map maps {source!r} twice: to {mapping[source]!r} and to {mapped!r}"
            )
        mapping[source] = mapped
    return LabelMap(mapping, unmapped)
