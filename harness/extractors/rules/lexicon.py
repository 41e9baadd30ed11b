"""The rule extractor's word lists, read from plain text files.

Everything the rules know about Arabic news vocabulary lives in two folders
of ``.txt`` files (``gazetteers/`` and ``cues/``, see their README), so a
user extends the extractor by editing lists rather than code. This module
reads them once into a :class:`Lexicon`: phrase indexes and word sets of
normalised words, plus a SHA-256 over the files' bytes that goes into the
extractor's fingerprint (a changed list must invalidate cached predictions).

File format: one item per line, ``#`` starts a comment (at the start of a
line or after whitespace), variants of one item on one line separated by
``;``. Bad input raises :class:`LexiconError` naming the file and line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from harness.extractors.rules.phrases import PhraseIndex
from harness.extractors.rules.tokens import key_tokens
from harness.text.arabic import normalize_arabic_str

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_GAZETTEER_DIR = PACKAGE_DIR / "gazetteers"
DEFAULT_CUE_DIR = PACKAGE_DIR / "cues"

NAME_LABELS: dict[str, str] = {"loc_": "LOC", "org_": "ORG", "misc_": "MISC", "per_": "PER"}
SPECIAL_GAZETTEERS = ("countries.txt", "first_names.txt", "org_after_head.txt")

#: Cue files and whether an item may have several words.
CUE_FILES: dict[str, bool] = {
    "person_titles.txt": True,
    "opinion_titles.txt": True,
    "org_heads.txt": False,
    "org_heads_definite.txt": False,
    "org_heads_coordinating.txt": False,
    "office_nouns.txt": False,
    "media_heads.txt": False,
    "site_heads.txt": False,
    "group_heads.txt": False,
    "place_cues.txt": False,
    "place_heads.txt": False,
    "compound_place_words.txt": False,
    "place_qualifiers.txt": False,
    "event_cues.txt": False,
    "attribution_verbs.txt": True,
    "opinion_verbs.txt": True,
    "carry_verbs.txt": True,
    "participle_cues.txt": True,
    "source_cues.txt": True,
    "document_nouns.txt": False,
    "complementizers.txt": False,
    "event_verbs.txt": False,
    "function_words.txt": False,
    "not_names.txt": False,
    "compass.txt": False,
    "name_connectors.txt": False,
    "org_stops.txt": False,
}

_COMMENT = re.compile(r"(?:^|\s)#.*$")


class LexiconError(ValueError):
    """A word list that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Cue:
    """A reporting word: what it is called, what it makes, how it finds its speaker.

    ``role`` is ``say`` (a speaker is named near it), ``carry`` (the previous
    speaker goes on unless one is named: وأضاف), ``participle`` (the
    sentence's speaker goes on: مشيرا) or ``source`` (according to: the
    sentence is attributed to the name after it).
    """

    lemma: str
    kind: str
    role: str


@dataclass(frozen=True)
class Lexicon:
    """All word lists, normalised, plus the digest of the files they came from."""

    names: PhraseIndex[str]
    nationalities: frozenset[str]
    first_names: frozenset[str]
    #: Given names whose normalised form is also a function word (علي / على):
    #: taken only where the raw word is spelled exactly like this.
    raw_first_names: frozenset[str]
    org_after_head: PhraseIndex[str]
    titles: PhraseIndex[bool]
    cues: PhraseIndex[Cue]
    org_heads: frozenset[str]
    #: Heads with the article that need an adjective and a ل complement.
    org_heads_definite: frozenset[str]
    #: Heads whose complement may be coordinated (وزارة الصحة والسكان).
    org_heads_coordinating: frozenset[str]
    #: Office nouns after a title, before the body (مدير فرع ...).
    office_nouns: frozenset[str]
    media_heads: frozenset[str]
    site_heads: frozenset[str]
    group_heads: frozenset[str]
    place_cues: frozenset[str]
    place_heads: frozenset[str]
    compound_place_words: frozenset[str]
    place_qualifiers: frozenset[str]
    event_cues: frozenset[str]
    document_nouns: frozenset[str]
    complementizers: frozenset[str]
    event_verbs: frozenset[str]
    function_words: frozenset[str]
    not_names: frozenset[str]
    compass: frozenset[str]
    name_connectors: frozenset[str]
    org_stops: frozenset[str]
    digest: str

    def cue_words(self) -> frozenset[str]:
        """Every single word that has a role of its own (never part of a name)."""
        return (
            self.org_heads
            | self.media_heads
            | self.site_heads
            | self.group_heads
            | self.place_cues
            | self.event_cues
            | self.complementizers
            | self.event_verbs
        )


@dataclass(frozen=True)
class _Line:
    path: Path
    number: int
    variants: tuple[str, ...]

    def where(self) -> str:
        return f"{self.path}:{self.number}"


def _read(path: Path) -> list[_Line]:
    """The non-empty lines of a list file, comments removed, split on ``;``."""
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise LexiconError(f"{path}: not UTF-8 text ({error})") from None
    lines = []
    for number, line in enumerate(content.splitlines(), start=1):
        line = _COMMENT.sub("", line).strip()
        if line:
            lines.append(_Line(path, number, tuple(v.strip() for v in line.split(";"))))
    return lines


def _words(line: _Line, variant: str) -> tuple[str, ...]:
    words = key_tokens(normalize_arabic_str(variant))
    if not words:
        raise LexiconError(f"{line.where()}: entry {variant!r} has no letters or digits")
    return words


def _phrases(line: _Line) -> list[tuple[str, ...]]:
    return [_words(line, v) for v in line.variants if v]


def _word_set(path: Path) -> frozenset[str]:
    found: set[str] = set()
    for line in _read(path):
        for words in _phrases(line):
            if len(words) != 1:
                raise LexiconError(
                    f"{line.where()}: {' '.join(words)!r} has {len(words)} words; "
                    f"{path.name} takes single words only"
                )
            found.add(words[0])
    return frozenset(found)


def adjective_forms(stem: str) -> list[str]:
    """The forms of a nationality adjective: masculine, feminine, definite, plural.

    ``أمريكي`` gives أمريكي، أمريكية، الأمريكي، الأمريكية، أمريكيين، أمريكيون،
    الأمريكيين، الأمريكيون. Generated rather than listed, so that one table
    line covers every form a news text uses.
    """
    bases = [stem, stem + "ة", stem + "ين", stem + "ون"]
    return bases + ["ال" + base for base in bases]


def _countries(path: Path) -> tuple[list[tuple[tuple[str, ...], str]], set[str]]:
    """LOC phrases and MISC nationality words from ``country | adjectives | extra``."""
    places: list[tuple[tuple[str, ...], str]] = []
    adjectives: list[tuple[str, ...]] = []
    for line in _read(path):
        columns = [c.strip() for c in ";".join(line.variants).split("|")]
        if len(columns) > 3:
            raise LexiconError(
                f"{line.where()}: expected 'country; variants | adjective stems | extra forms', "
                f"got {len(columns)} columns"
            )
        columns += [""] * (3 - len(columns))
        country, stems, extra = (
            [v.strip() for v in column.split(";") if v.strip()] for column in columns
        )
        if not (country or stems or extra):
            raise LexiconError(f"{line.where()}: empty entry")
        places += [(_words(line, v), "LOC") for v in country]
        for stem in stems:
            adjectives += [_words(line, form) for form in adjective_forms(stem)]
        adjectives += [_words(line, v) for v in extra]
    place_forms = {words for words, _ in places}
    nationalities = {words for words in adjectives if words not in place_forms}
    for words in nationalities:
        if len(words) != 1:
            raise LexiconError(f"{path}: nationality form {' '.join(words)!r} must be one word")
    return places, {words[0] for words in nationalities}


def _txt_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise LexiconError(f"{folder}: word-list folder not found")
    return sorted(folder.glob("*.txt"))


def _gazetteers(folder: Path):
    names: list[tuple[tuple[str, ...], str]] = []
    nationalities: set[str] = set()
    first_names: set[str] = set()
    raw_first: list[tuple[_Line, str]] = []
    after_head: list[tuple[tuple[str, ...], str]] = []
    for path in _txt_files(folder):
        if path.name == "countries.txt":
            places, adjectives = _countries(path)
            names = places + names
            nationalities |= adjectives
        elif path.name == "first_names.txt":
            for line in _read(path):
                for variant in line.variants:
                    words = _words(line, variant)
                    if len(words) != 1:
                        raise LexiconError(f"{line.where()}: a given name is one word, got {variant!r}")
                    first_names.add(words[0])
                    raw_first.append((line, variant))
        elif path.name == "org_after_head.txt":
            after_head += [(words, "ORG") for line in _read(path) for words in _phrases(line)]
        else:
            label = next((lab for prefix, lab in NAME_LABELS.items() if path.name.startswith(prefix)), None)
            if label is None:
                raise LexiconError(
                    f"{path}: unknown gazetteer file; name it loc_*.txt, org_*.txt, misc_*.txt, "
                    f"per_*.txt or one of {', '.join(SPECIAL_GAZETTEERS)}"
                )
            names += [(words, label) for line in _read(path) for words in _phrases(line)]
    names += [((word,), "MISC") for word in sorted(nationalities)]
    return names, nationalities, first_names, raw_first, after_head


def _cues(folder: Path) -> dict[str, list[_Line]]:
    files = {path.name: path for path in _txt_files(folder)}
    unknown = sorted(set(files) - set(CUE_FILES))
    if unknown:
        raise LexiconError(f"{folder}: unknown cue file(s) {', '.join(unknown)}; known: {', '.join(CUE_FILES)}")
    missing = sorted(set(CUE_FILES) - set(files))
    if missing:
        raise LexiconError(f"{folder}: missing cue file(s) {', '.join(missing)}")
    return {name: _read(path) for name, path in files.items()}


def _reporting_cues(lines: dict[str, list[_Line]]) -> PhraseIndex[Cue]:
    """Reporting words with their role; a participle or carry verb may also be an opinion verb."""
    opinion_forms = {words for line in lines["opinion_verbs.txt"] for words in _phrases(line)}
    entries: list[tuple[tuple[str, ...], Cue]] = []
    # Earlier roles win for a form listed twice: participle, carry, source, say.
    for file_name, role in (
        ("participle_cues.txt", "participle"),
        ("carry_verbs.txt", "carry"),
        ("source_cues.txt", "source"),
        ("opinion_verbs.txt", "say"),
        ("attribution_verbs.txt", "say"),
    ):
        for line in lines[file_name]:
            lemma = line.variants[0]
            for words in _phrases(line):
                kind = "opinion" if words in opinion_forms else "fact"
                entries.append((words, Cue(lemma, kind, role)))
    return PhraseIndex(entries)


def _digest(paths: list[Path], roots: dict[Path, str]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(f"{roots[path.parent]}/{path.name}\0".encode())
        sha.update(path.read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()


def load_lexicon(gazetteer_dir: Path | str | None = None, cue_dir: Path | str | None = None) -> Lexicon:
    """Read both folders (the packaged ones by default) into a Lexicon."""
    gazetteer_dir = Path(gazetteer_dir) if gazetteer_dir else DEFAULT_GAZETTEER_DIR
    cue_dir = Path(cue_dir) if cue_dir else DEFAULT_CUE_DIR
    return _load(gazetteer_dir.resolve(), cue_dir.resolve())


@lru_cache(maxsize=8)
def _load_cached(gazetteer_dir: Path, cue_dir: Path, digest: str) -> Lexicon:
    names, nationalities, first_names, raw_first, after_head = _gazetteers(gazetteer_dir)
    lines = _cues(cue_dir)
    sets = {name: _word_set(cue_dir / name) for name, multi in CUE_FILES.items() if not multi}
    function_words = sets["function_words.txt"]
    raw_first_names = frozenset(
        _strip_marks(variant) for line, variant in raw_first if _words(line, variant)[0] in function_words
    )
    title_entries = [(words, False) for line in lines["person_titles.txt"] for words in _phrases(line)]
    title_entries = [(words, True) for line in lines["opinion_titles.txt"] for words in _phrases(line)] + title_entries
    return Lexicon(
        names=PhraseIndex(names),
        nationalities=frozenset(nationalities),
        first_names=frozenset(first_names),
        raw_first_names=raw_first_names,
        org_after_head=PhraseIndex(after_head),
        titles=PhraseIndex(title_entries),
        cues=_reporting_cues(lines),
        org_heads=sets["org_heads.txt"],
        org_heads_definite=sets["org_heads_definite.txt"],
        org_heads_coordinating=sets["org_heads_coordinating.txt"],
        office_nouns=sets["office_nouns.txt"],
        media_heads=sets["media_heads.txt"],
        site_heads=sets["site_heads.txt"],
        group_heads=sets["group_heads.txt"],
        place_cues=sets["place_cues.txt"],
        place_heads=sets["place_heads.txt"],
        compound_place_words=sets["compound_place_words.txt"],
        place_qualifiers=sets["place_qualifiers.txt"],
        event_cues=sets["event_cues.txt"],
        document_nouns=sets["document_nouns.txt"],
        complementizers=sets["complementizers.txt"],
        event_verbs=sets["event_verbs.txt"],
        function_words=function_words,
        not_names=sets["not_names.txt"],
        compass=sets["compass.txt"],
        name_connectors=sets["name_connectors.txt"],
        org_stops=sets["org_stops.txt"],
        digest=digest,
    )


def _load(gazetteer_dir: Path, cue_dir: Path) -> Lexicon:
    paths = _txt_files(gazetteer_dir) + _txt_files(cue_dir)
    digest = _digest(paths, {gazetteer_dir: "gazetteers", cue_dir: "cues"})
    # Keyed by the digest too, so an edited file is re-read.
    return _load_cached(gazetteer_dir, cue_dir, digest)


_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")


def _strip_marks(word: str) -> str:
    """A raw word without diacritics and tatweel, letters otherwise as written."""
    return _MARKS.sub("", word)


def raw_word(text: str) -> str:
    """The raw spelling of a word for comparison with ``raw_first_names``."""
    return _strip_marks(text)
