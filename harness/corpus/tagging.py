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

The label map renames corpus labels to the harness's labels (ANERcorp says
``PERS`` where the harness says ``PER``) or drops labels a study ignores.
A label the map does not mention is an error by default: silently keeping or
losing a whole entity type would change every score computed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

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
