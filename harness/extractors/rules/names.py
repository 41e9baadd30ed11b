"""PER, ORG, LOC and MISC candidates: gazetteers plus cue-word rules.

Each rule proposes candidates (token ranges with a label and a priority);
:func:`resolve` then keeps a flat, non-overlapping set, longest first, as the
guidelines ask (1.1 "flat, longest name"). The rules follow the guidelines'
span conventions:

- gazetteers: listed names, clitics before the first word left outside;
- titles (الرئيس، العقيد، الحاج ...): the title is outside; descriptions
  after it (nationality adjectives, definite words, office nouns such as
  فرع / قسم, ``باسم X``, ``في الجيش X`` + comma) are skipped and the next
  1-3 name-like words are a PER;
- given names and kunyas (محمد، عبدالله، أبو، بو، أم + a given name): with the
  name-like words after them; a kinship chain (X بن Y) is a PER even when X
  is in no list; a name stops before a noun phrase (a definite word
  followed by an ordinal: "أبو حمدان الهدف الثاني" -> "أبو حمدان");
- organisation heads (قوات، وزارة، قيادة، جهاز ...): head + name words, head
  inside; a complement with ل or fused لل after a definite word belongs to the
  name ("المعهد الوطني للإحصاء"), unless a preposition follows it (a purpose:
  "للقضاء على"); definite heads (المعهد، الهيئة ...) need that complement;
  a ministry's two coordinated portfolios stay inside ("وزارة الصحة والسكان");
- media and group heads (موقع، قناة، تنظيم): the name after them, head outside;
- place cues (مدينة، ريف، منطقة ...): the 1-2 words after them, cue outside;
- geographic heads (نهر، حقل ...): head + name, head inside;
- event heads (مؤتمر، عملية، معركة) before a known place or event: MISC;
- propagation: a full PER name's last word, later alone, is a PER too, and a
  place or outlet found after its cue is found again without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.extractors.rules.lexicon import Lexicon, raw_word
from harness.extractors.rules.phrases import PhraseIndex, PhraseMatch
from harness.extractors.rules.tokens import (
    COMMAS,
    QUOTES,
    SENTENCE_PUNCTUATION,
    Token,
    adjacent,
    gap,
)
from harness.text.offsets import MappedText
from harness.text.ordinals import ORDINALS

#: Ordinal words in the rules' normalisation (no digit folding needed).
ORDINAL_WORDS = frozenset(form for form in ORDINALS if " " not in form)

#: Priorities break ties between candidates of equal length.
HEAD_EXPLICIT = 4  # a media head says "this is an organisation's name"
LISTED = 3
CUED = 2
GUESSED = 1

#: How many words a name may take after a title or given name.
MAX_PERSON_WORDS = 3
#: How many words an organisation name may take after its head.
MAX_ORG_WORDS = 4
#: How far after a title the rules look for the name.
TITLE_WINDOW = 10

#: Prepositions that open a description after a title: المتحدث باسم ...,
#: الفريق في الجيش ...; the name follows (after a comma for في).
_TITLE_PREPOSITIONS = ("باسم", "في", "لدي")
#: Rules whose names recur in a document without their cue word.
_PROPAGATED_RULES = frozenset({"title", "given-name", "kunya", "place-cue", "media-head"})
#: A preposition or conjunction glued onto the article: never inside a name.
_GLUED_ARTICLE = ("بال", "وال", "فال", "كال", "لل")
#: URLs and social-media handles (``pic.twitter.com/..``, ``@CoalitionAR``).
_LINK = re.compile(r"\S*(?:://|www\.|\.com|\.org|\.net|\.gov)\S*|@\w+")
#: Kunya words (normalised): أبو بكر، أبي محمد، بو فهد (Gulf and Maghrebi speech).
_KUNYA = frozenset({"ابو", "ابي", "بو"})
#: أم (also "or") is a kunya only before a known given name: أم محمد.
_UMM = "ام"
#: The kinship word that chains two names even when the first is in no list:
#: زايد بن سلطان. (ابن and بنت are also "son", "girl" after common nouns:
#: منزل ابن عمه; they join names only after a known given name.)
_KINSHIP = frozenset({"بن"})
#: A glued عبد (عبدالله، عبدالرحمن) makes a given name whatever follows.
_ABD = "عبد"
#: Adjectives listed as not-names (after titles: الأمين العام) that are part of
#: organisation names: الهيئة العامة، المجلس الأعلى، الهيئة العليا.
_ORG_ADJECTIVES = frozenset({"العام", "العامه", "الاعلي", "العليا", "المحلي", "المحليه"})
#: Endings of nisba adjectives (normalised): الجوية، الدولي، الوطنيين.
_NISBA_ENDINGS = ("ي", "يه", "يين", "يون")
#: Prepositions after a لل phrase that make it a purpose, not a name: للقضاء على.
_PURPOSE_PREPOSITIONS = frozenset({"علي", "من", "ضد"})


@dataclass(frozen=True)
class Title:
    """The title phrase a PER was found after, and whether it marks opinions."""

    first: int
    last: int
    opinion: bool


@dataclass(frozen=True)
class Candidate:
    """A proposed name: tokens ``first`` .. ``last``, ``skip`` clitic chars off the first."""

    label: str
    first: int
    last: int
    skip: int
    priority: int
    rule: str
    raw_start: int
    raw_end: int
    title: Title | None = None

    @property
    def length(self) -> int:
        return self.raw_end - self.raw_start

    def overlaps(self, start: int, end: int) -> bool:
        return self.raw_start < end and start < self.raw_end


class NameFinder:
    """Runs the name rules over one document's tokens."""

    def __init__(self, lexicon: Lexicon, mapped: MappedText, tokens: list[Token], blocked: list[tuple[int, int]]):
        self.lex = lexicon
        self.mapped = mapped
        self.text = mapped.text
        self.tokens = tokens
        self.n = len(tokens)
        #: Raw spans taken by dates: no name runs into them.
        self.blocked = blocked
        self._in_date = [any(s < t.raw_end and t.raw_start < e for s, e in blocked) for t in tokens]
        #: Tokens inside a URL or a handle: not names (guidelines 1.3).
        links = [m.span() for m in _LINK.finditer(mapped.raw)]
        self._in_link = [any(s < t.raw_end and t.raw_start < e for s, e in links) for t in tokens]
        self._cue_words = lexicon.cue_words()
        #: Longest listed name starting at each token (independent of overlaps).
        self.listed: list[PhraseMatch[str] | None] = [
            lexicon.names.match(self.text, tokens, i) for i in range(self.n)
        ]

    # ----------------------------------------------------------------- spans

    def candidate(
        self, label: str, first: int, last: int, skip: int, priority: int, rule: str, title: Title | None = None
    ) -> Candidate:
        raw_start, raw_end = self.mapped.to_raw(self.tokens[first].start + skip, self.tokens[last].end)
        return Candidate(label, first, last, skip, priority, rule, raw_start, raw_end, title)

    def adjacent(self, left: int, right: int) -> bool:
        return 0 <= left and right < self.n and adjacent(self.text, self.tokens, left, right)

    # ------------------------------------------------------------ word tests

    def stems(self, i: int) -> tuple[str, ...]:
        return self.tokens[i].stems()

    def has_stem(self, i: int, words: frozenset[str]) -> bool:
        return any(stem in words for stem in self.stems(i))

    def stem_skip(self, i: int, words: frozenset[str]) -> int | None:
        """The clitic length of the first reading of token ``i`` found in ``words``."""
        for reading in self.tokens[i].readings:
            if reading.stem in words:
                return reading.skip
        return None

    def raw_spelling(self, i: int, skip: int = 0) -> str:
        token = self.tokens[i]
        return raw_word(self.mapped.raw_slice(token.start + skip, token.end))

    def is_function(self, i: int) -> bool:
        """A particle or preposition, with or without clitics (وفي، بأن).

        A given name that folds onto a function word (علي / على) is not one
        when its raw spelling is the name's.
        """
        token = self.tokens[i]
        if not self.has_stem(i, self.lex.function_words):
            return False
        if token.key in self.lex.first_names and self.raw_spelling(i) in self.lex.raw_first_names:
            return False
        return True

    def conjoined(self, i: int) -> bool:
        """``وقوات``، ``والجيش``: و glued onto a word, which starts a new phrase.

        Short words (``ون``) and listed given names (``وليد``) are words of
        their own.
        """
        key = self.tokens[i].key
        return key.startswith("و") and len(key) >= 4 and key not in self.lex.first_names

    def is_definite(self, i: int) -> bool:
        key = self.tokens[i].key
        return key.startswith("ال") and len(key) > 3

    def is_nationality(self, i: int) -> bool:
        return self.has_stem(i, self.lex.nationalities)

    def is_verb(self, i: int) -> bool:
        return self.lex.cues.match(self.text, self.tokens, i) is not None or self.has_stem(i, self.lex.event_verbs)

    def is_title(self, i: int) -> bool:
        return self.lex.titles.match(self.text, self.tokens, i) is not None

    def is_plain_word(self, i: int) -> bool:
        """Not a name: digits, particles, cue words, verbs, dates, descriptions."""
        token = self.tokens[i]
        return (
            token.is_digit
            or len(token.key) < 2
            or self._in_date[i]
            or self._in_link[i]
            or self.is_function(i)
            or token.key in self.lex.not_names
            or self.has_stem(i, self._cue_words)
            or self.has_stem(i, self.lex.compass)
            or self.is_nationality(i)
            or self.is_title(i)
            or self.is_verb(i)
        )

    def name_word(self, i: int, *, first: bool) -> bool:
        """Could token ``i`` be a word of a person's name?

        The first word of a name is never definite (Arabic given names take
        no article: ``الأسد`` is a surname) and, when it starts with ي, must be
        a known given name: an imperfect verb (يزور، يبحث) otherwise looks
        like a name after a title.
        """
        if self.is_plain_word(i):
            return False
        key = self.tokens[i].key
        if key.startswith(_GLUED_ARTICLE):
            return False
        if first:
            if self.is_definite(i) or self.conjoined(i):
                return False
            if key.startswith("ي") and key not in self.lex.first_names:
                return False
        elif self.conjoined(i):
            return False
        return True

    def person_name_end(self, i: int, *, first_checked: bool = False) -> int | None:
        """The last token of a person's name starting at ``i`` (1-3 words), or None."""
        j, words, last = i, 0, None
        while j < self.n and words < MAX_PERSON_WORDS:
            if j > i and not self.adjacent(j - 1, j):
                break
            if self.tokens[j].key in self.lex.name_connectors:
                if self.adjacent(j, j + 1) and self.name_word(j + 1, first=False):
                    last, words, j = j + 1, words + 1, j + 2
                    continue
                break
            if not (j == i and first_checked) and not self.name_word(j, first=(j == i)):
                if words >= 2 and self.is_definite(j) and self.is_nationality(j):
                    last = j  # a nisba surname: محمد شياع السوداني
                break
            if j > i and self.is_definite(j) and self.adjacent(j, j + 1) and self.tokens[j + 1].key in ORDINAL_WORDS:
                break  # a noun phrase: "الهدف الثاني" after a name
            last, words, j = j, words + 1, j + 1
        return last

    def quoted_run(self, i: int) -> int | None:
        """When a quotation opens right before token ``i``: the last token inside it (max 5)."""
        if i == 0 or not any(ch in QUOTES for ch in gap(self.text, self.tokens, i - 1, i)):
            return None
        for j in range(i, min(i + 5, self.n)):
            after = self.text[self.tokens[j].end : self.tokens[j + 1].start] if j + 1 < self.n else self.text[self.tokens[j].end :]
            if any(ch in QUOTES for ch in after):
                return j
            if any(ch in SENTENCE_PUNCTUATION or ch in COMMAS for ch in after):
                return None
        return None

    # ----------------------------------------------------------------- rules

    def listed_candidates(self) -> list[Candidate]:
        found = []
        for i, match in enumerate(self.listed):
            if match is not None and not any(self._in_link[i : match.after]):
                found.append(self.candidate(match.payload, i, match.last, match.skip, LISTED, "gazetteer"))
        return found

    def title_candidates(self) -> list[Candidate]:
        """PER after a title (the title itself stays outside the span)."""
        found = []
        for i in range(self.n):
            match = self.lex.titles.match(self.text, self.tokens, i)
            if match is None or (i > 0 and self.lex.titles.match(self.text, self.tokens, i - 1) is not None and self.adjacent(i - 1, i)):
                continue
            title = Title(i, match.last, bool(match.payload))
            person = self._name_after_title(match.after)
            if person is not None:
                first, last = person
                found.append(self.candidate("PER", first, last, 0, CUED, "title", title))
        return found

    def _name_after_title(self, j: int) -> tuple[int, int] | None:
        """Skip the title's descriptions, then take a name (see module doc).

        Skipped: definite words, nationality adjectives, compass words, other
        titles, listed names, organisation heads, purpose words and words with
        a glued preposition (``للتحالف``، ``لمكافحة``), and a
        phrase opened by ``باسم``/``في``/``لدى``. After ``في ...`` a name
        needs a comma or a quotation mark first: ``الفريق في الجيش الأمريكي،
        بول لاكاميرا``.
        """
        commas, mode, steps = 0, None, 0
        while j < self.n and steps < TITLE_WINDOW:
            steps += 1
            between = gap(self.text, self.tokens, j - 1, j)
            if any(ch in SENTENCE_PUNCTUATION for ch in between):
                return None
            if any(ch in COMMAS for ch in between):
                commas += 1
                mode = None
                if commas > 2:
                    return None
            elif any(ch in QUOTES for ch in between):
                mode = None  # a quoted name ends the description as a comma does
            listed = self.listed[j]
            if listed is not None and listed.payload != "PER":
                j = listed.after
                continue
            title = self.lex.titles.match(self.text, self.tokens, j)
            if title is not None:
                j = title.after
                continue
            key = self.tokens[j].key
            if key in _TITLE_PREPOSITIONS:
                mode = key
                j += 1
                continue
            if self.is_function(j) or self._in_date[j] or self.tokens[j].is_digit:
                return None
            if (
                self.is_definite(j)
                or self.is_nationality(j)
                or self.has_stem(j, self.lex.compass)
                or key in self.lex.not_names
                or key in self.lex.office_nouns
                or self.has_stem(j, self.lex.org_heads)
                or self.has_stem(j, self.lex.org_stops)
                or key.startswith(_GLUED_ARTICLE)
            ):
                j += 1
                continue
            if mode == "في":
                return None
            last = self.person_name_end(j)
            return (j, last) if last is not None else None
        return None

    def given_name_candidates(self) -> list[Candidate]:
        """PER from a known given name or a kunya (أبو ...) and the words after it."""
        found = []
        for i in range(self.n):
            kunya_skip = self.stem_skip(i, _KUNYA)
            if kunya_skip is None and self.tokens[i].key == _UMM and self.adjacent(i, i + 1):
                kunya_skip = 0 if self.tokens[i + 1].key in self.lex.first_names else None
            if kunya_skip is not None:
                if self.adjacent(i, i + 1) and self.name_word(i + 1, first=True):
                    last = self.person_name_end(i + 1)
                    if last is not None:
                        found.append(self.candidate("PER", i, last, kunya_skip, GUESSED, "kunya"))
                continue
            kinship = self._kinship_chain(i)
            if kinship is not None:
                found.append(kinship)
                continue
            skip = self._given_name_skip(i)
            if skip is None:
                skip = self._glued_abd(i)
            if skip is None:
                continue
            stem = self.tokens[i].key[skip:] if skip else self.tokens[i].key
            if stem in self.lex.function_words and self.raw_spelling(i, skip) not in self.lex.raw_first_names:
                continue
            if i > 0 and self.adjacent(i - 1, i) and self.tokens[i - 1].key in self.lex.name_connectors:
                continue
            if not self.adjacent(i, i + 1) or not self.name_word(i + 1, first=False):
                continue
            last = self.person_name_end(i, first_checked=True)
            if last is not None and last > i:
                found.append(self.candidate("PER", i, last, skip, GUESSED, "given-name"))
        return found

    def _given_name_skip(self, i: int) -> int | None:
        """The clitic length of token ``i`` read as a listed given name, or None.

        The preposition ك ("like") is not read before a name: ``كريم`` is a
        name of its own, not ك + ريم.
        """
        token = self.tokens[i]
        for reading in token.readings:
            if reading.stem in self.lex.first_names and "ك" not in token.key[: reading.skip]:
                return reading.skip
        return None

    def _glued_abd(self, i: int) -> int | None:
        """``عبدالله``, ``وعبدالرحمن``: a glued عبد compound is a given name (clitic length).

        At least three letters follow عبد (one of God's names with its
        article), and not the pronoun ه (عبده "his servant").
        """
        for reading in self.tokens[i].readings:
            rest = reading.stem[len(_ABD) :]
            if reading.stem.startswith(_ABD) and len(rest) >= 3 and not rest.startswith("ه"):
                return reading.skip
        return None

    def _kinship_chain(self, i: int) -> Candidate | None:
        """``X بن Y ...``: a person even when X is in no list of given names."""
        if not (self.adjacent(i, i + 1) and self.tokens[i + 1].key in _KINSHIP and self.adjacent(i + 1, i + 2)):
            return None
        if i > 0 and self.adjacent(i - 1, i) and (
            self.tokens[i - 1].key in self.lex.name_connectors or self.has_stem(i - 1, self.lex.first_names)
        ):
            return None  # inside a longer name: the given-name rule takes it
        if not self.name_word(i, first=True) or not self.name_word(i + 2, first=False):
            return None
        last = self.person_name_end(i, first_checked=True)
        return self.candidate("PER", i, last, 0, GUESSED, "kinship") if last is not None and last > i + 1 else None

    def org_head_candidates(self) -> list[Candidate]:
        found = []
        for i in range(self.n):
            skip = self.stem_skip(i, self.lex.org_heads)
            definite_head = skip is None
            if definite_head:
                skip = self.stem_skip(i, self.lex.org_heads_definite)
            if skip is None:
                continue
            coordinating = self.has_stem(i, self.lex.org_heads_coordinating)
            last = self._org_name_end(i + 1, coordinating=coordinating, needs_lam=definite_head)
            if last is not None:
                found.append(self.candidate("ORG", i, last, skip, CUED, "org-head"))
        return found

    def _org_name_end(self, j: int, *, coordinating: bool = False, needs_lam: bool = False) -> int | None:
        """Name words after an organisation head: an idafa chain, then definite words.

        A nationality adjective closes the name (``قوات الأمن العراقية``), except
        for a ``ل`` phrase after it (``المرصد السوري لحقوق الإنسان``,
        ``المعهد الوطني للإحصاء``). With ``coordinating``, one coordinated
        definite word may follow the first complement (``وزارة الصحة والسكان``);
        with ``needs_lam`` (a head with the article) there is no name without a
        ``ل`` complement.
        """
        last, words, definite_seen, closed, lam_seen, coordinated = None, 0, False, False, False, False
        # A ل complement may take one word more than MAX_ORG_WORDS.
        while j < self.n and words < MAX_ORG_WORDS + int(lam_seen) and self.adjacent(j - 1, j):
            token = self.tokens[j]
            if (
                coordinating
                and not coordinated
                and definite_seen
                and token.key.startswith("وال")
                and not self.has_stem(j, self.lex.nationalities)
                and not self.is_plain_word(j)
            ):
                last, coordinated, words, j = j, True, words + 1, j + 1  # والسكان
                continue
            if self.has_stem(j, self.lex.org_stops) or self.is_definite_after_wa(j):
                break
            if definite_seen and self._lam_phrase(j):
                last, words, j, lam_seen = j + 1, words + 2, j + 2, True  # لحقوق الإنسان
                continue
            fused = self._fused_lam_phrase(j) if definite_seen else None
            if fused is not None:
                last, words, j, lam_seen = fused, words + fused - j + 1, fused + 1, True  # للأرصاد الجوية
                closed = True
                continue
            if closed:
                break
            listed = self.listed[j]
            if listed is not None and listed.payload in ("LOC", "ORG", "MISC") and not self._in_date[j]:
                if listed.skip:
                    break
                last, words, j = listed.last, words + listed.size, listed.after
                definite_seen = definite_seen or self.is_definite(listed.first)
                closed = listed.size == 1 and self.is_nationality(listed.first)
                continue
            if token.is_digit or self._in_date[j] or self.is_function(j) or self.is_title(j) or self.is_verb(j):
                break
            if self.has_stem(j, self._cue_words - self.lex.org_heads):
                break
            if self.is_definite(j):
                if token.key in self.lex.not_names and token.key not in _ORG_ADJECTIVES:
                    break
                last, definite_seen = j, True
                closed = self.is_nationality(j)
            elif (
                not definite_seen
                and words == 0
                and not self.is_plain_word(j)
                and not self.conjoined(j)
                and self.adjacent(j, j + 1)
                and (self.is_definite(j + 1) or self.listed[j + 1] is not None)
                and not self.is_plain_word(j + 1)
            ):
                last = j  # أحرار الشام، تحرير الشام
            else:
                break
            words, j = words + 1, j + 1
        if needs_lam and not lam_seen:
            return None
        return last

    def _fused_lam_phrase(self, j: int) -> int | None:
        """``للإحصاء``, ``للأرصاد الجوية``: ل fused with the article, and its adjectives.

        Returns the last token of the phrase, or None when token ``j`` is no
        such phrase or a preposition follows it (``للقضاء على``: a purpose).
        """
        key = self.tokens[j].key
        if not key.startswith("لل") or len(key) < 5 or self.has_stem(j, self.lex.org_stops):
            return None
        last = j
        while (
            self.adjacent(last, last + 1)
            and self.is_definite(last + 1)
            and self.tokens[last + 1].key.endswith(_NISBA_ENDINGS)
            and not self.is_plain_word(last + 1)
            and last - j < 2
        ):
            last += 1  # an adjective of the complement: للأرصاد الجوية
        if last + 1 < self.n and self.adjacent(last, last + 1):
            after = self.tokens[last + 1].key
            if after in _PURPOSE_PREPOSITIONS or after.startswith("لل"):
                return None  # a purpose and its object: للقضاء على، للتصدي للفيضانات
        return last

    def _lam_phrase(self, j: int) -> bool:
        """``لحقوق الإنسان``: ل + an indefinite word + a definite one, inside a name."""
        key = self.tokens[j].key
        return (
            key.startswith("ل")
            and not key.startswith("لل")
            and len(key) > 3
            and not self.has_stem(j, self.lex.org_stops)
            and self.adjacent(j, j + 1)
            and self.is_definite(j + 1)
            and not self.is_plain_word(j + 1)
        )

    def is_definite_after_wa(self, j: int) -> bool:
        """``والتنمية``, ``ولحقوق``: و + a definite or prepositional word, a coordination that ends a name."""
        key = self.tokens[j].key
        return key.startswith("وال") or key.startswith("ول")

    def media_candidates(self) -> list[Candidate]:
        found = []
        for i in range(self.n - 1):
            skip = self.stem_skip(i, self.lex.media_heads | self.lex.site_heads)
            if skip is None:
                continue
            site = self.has_stem(i, self.lex.site_heads)
            j = i + 1
            quoted = self.quoted_run(j)
            if quoted is not None:
                found.append(self.candidate("ORG", j, quoted, 0, HEAD_EXPLICIT, "media-head"))
                continue
            if not self.adjacent(i, j):
                continue
            listed = self.listed[j]
            if listed is not None and listed.payload in ("ORG", "LOC") and not listed.skip:
                if not site or listed.payload == "ORG":
                    found.append(self.candidate("ORG", j, listed.last, 0, HEAD_EXPLICIT, "media-head"))
                continue
            last = None
            for k in range(j, min(j + MAX_PERSON_WORDS, self.n)):
                if k > j and not self.adjacent(k - 1, k):
                    break
                if self.is_plain_word(k) or (k > j and self.conjoined(k)):
                    break
                if site and self.is_definite(k):
                    break
                last = k
            if last is not None:
                found.append(self.candidate("ORG", j, last, 0, HEAD_EXPLICIT, "media-head"))
        return found

    def group_candidates(self) -> list[Candidate]:
        """``تنظيم X``: X when it is a listed ORG, an after-head name or quoted."""
        found = []
        for i in range(self.n - 1):
            if self.stem_skip(i, self.lex.group_heads) is None:
                continue
            j = i + 1
            quoted = self.quoted_run(j)
            if quoted is not None:
                found.append(self.candidate("ORG", j, quoted, 0, CUED, "group-head"))
                continue
            if not self.adjacent(i, j):
                continue
            after = self.lex.org_after_head.match(self.text, self.tokens, j, clitics=False)
            if after is not None:
                found.append(self.candidate("ORG", j, after.last, 0, LISTED, "group-head"))
        return found

    def place_cue_candidates(self) -> list[Candidate]:
        found = []
        for i in range(self.n - 1):
            if self.stem_skip(i, self.lex.place_cues) is None:
                continue
            j = i + 1
            if not self.adjacent(i, j) or self.listed[j] is not None:
                continue
            if not self._place_word(j):
                continue  # a و-initial word right after a cue is a name (ولاية وهران)
            last = j
            if self.adjacent(j, j + 1):
                if self.tokens[j + 1].key in self.lex.place_qualifiers:
                    last = j + 1
                elif self.tokens[j].key in self.lex.compound_place_words and self._place_word(j + 1):
                    last = j + 1
            found.append(self.candidate("LOC", j, last, 0, CUED, "place-cue"))
        return found

    def _place_word(self, i: int) -> bool:
        if self.tokens[i].key in self.lex.compound_place_words:
            return True
        return not self.is_plain_word(i) and not self.has_stem(i, self.lex.place_cues)

    def place_head_candidates(self) -> list[Candidate]:
        """``نهر X``, ``حقل X النفطي``: the head belongs to the name."""
        found = []
        for i in range(self.n - 1):
            skip = self.stem_skip(i, self.lex.place_heads)
            if skip is None or not self.adjacent(i, i + 1):
                continue
            j = i + 1
            listed = self.listed[j]
            if listed is not None and listed.payload == "LOC" and not listed.skip:
                found.append(self.candidate("LOC", i, listed.last, skip, CUED, "place-head"))
                continue
            if not (self.is_definite(j) and self._place_word(j)):
                continue
            last = j
            if self.adjacent(j, j + 1) and self.is_definite(j + 1) and self._place_word(j + 1):
                last = j + 1
            found.append(self.candidate("LOC", i, last, skip, CUED, "place-head"))
        return found

    def event_candidates(self) -> list[Candidate]:
        """``مؤتمر جنيف``, ``معركة الموصل``: an event head before a known place or event."""
        found = []
        for i in range(self.n - 1):
            skip = self.stem_skip(i, self.lex.event_cues)
            if skip is None:
                continue
            j = i + 1
            quoted = self.quoted_run(j)
            if quoted is not None:
                found.append(self.candidate("MISC", j, quoted, 0, CUED, "event-head"))
                continue
            listed = self.listed[j]
            if not self.adjacent(i, j) or listed is None or listed.payload not in ("LOC", "MISC") or listed.skip:
                continue
            last = listed.last
            if self.adjacent(last, last + 1) and self.tokens[last + 1].key.isdigit():
                last += 1  # مؤتمر جنيف 2254: the identifier belongs to the name
            found.append(self.candidate("MISC", i, last, skip, CUED, "event-head"))
        return found

    def propagated_candidates(self, accepted: list[Candidate]) -> list[Candidate]:
        """Other mentions of names the cue rules found (guidelines: every mention).

        A PER's full name anywhere, and its last word alone after the first
        mention (``لاكاميرا``); a place or medium found after a cue word
        (``منطقة الباغوز``, ``منصة SY24``) wherever it recurs without the cue.
        """
        found = []
        phrases: list[tuple[tuple[str, ...], str]] = []
        surnames: dict[str, int] = {}
        for candidate in accepted:
            if candidate.rule not in _PROPAGATED_RULES:
                continue
            words = tuple(self.tokens[k].key for k in range(candidate.first, candidate.last + 1))
            words = (words[0][candidate.skip :],) + words[1:]
            if candidate.label != "PER":
                phrases.append((words, candidate.label))
                continue
            if len(words) < 2:
                continue
            phrases.append((words, "PER"))
            surname = words[-1]
            if (
                len(surname) >= 3
                and surname not in self.lex.function_words
                and surname not in self.lex.not_names
                and self.lex.names.payload_of(surname) in (None, "MISC")
            ):
                surnames[surname] = min(surnames.get(surname, self.n), candidate.last)
        index: PhraseIndex[str] = PhraseIndex(phrases)
        for i in range(self.n):
            match = index.match(self.text, self.tokens, i)
            if match is not None:
                found.append(self.candidate(match.payload, i, match.last, match.skip, GUESSED, "propagated"))
                continue
            for reading in self.tokens[i].readings:
                since = surnames.get(reading.stem)
                if since is not None and i > since:
                    found.append(self.candidate("PER", i, i, reading.skip, GUESSED, "propagated"))
                    break
        return found


def resolve(candidates: list[Candidate], blocked: list[tuple[int, int]], accepted: list[Candidate] | None = None) -> list[Candidate]:
    """A flat set: longest first, then higher priority, then leftmost; no overlaps.

    Candidates that run into a date are dropped (a month name is not a
    person). ``accepted`` are kept as they are and block new candidates.
    """
    chosen = list(accepted or [])
    pool = [c for c in candidates if not any(c.overlaps(s, e) for s, e in blocked)]
    pool.sort(key=lambda c: (-c.length, -c.priority, c.raw_start, c.label))
    for candidate in pool:
        if not any(candidate.overlaps(other.raw_start, other.raw_end) for other in chosen):
            chosen.append(candidate)
    chosen.sort(key=lambda c: (c.raw_start, c.raw_end))
    return chosen


def find_names(lexicon: Lexicon, mapped: MappedText, tokens: list[Token], blocked: list[tuple[int, int]]) -> list[Candidate]:
    """Every PER/ORG/LOC/MISC name of a document, flat and non-overlapping."""
    finder = NameFinder(lexicon, mapped, tokens, blocked)
    structural = (
        finder.listed_candidates()
        + finder.org_head_candidates()
        + finder.media_candidates()
        + finder.group_candidates()
        + finder.place_cue_candidates()
        + finder.place_head_candidates()
        + finder.event_candidates()
    )
    people = finder.title_candidates() + finder.given_name_candidates()
    first_pass = resolve(structural + people, blocked)
    propagated = finder.propagated_candidates(first_pass)
    # A nisba surname (السوداني) found again alone is the person, not a nationality.
    people_spans = {(c.raw_start, c.raw_end) for c in propagated if c.label == "PER"}
    kept = [c for c in first_pass if not (c.label == "MISC" and (c.raw_start, c.raw_end) in people_spans)]
    return resolve(propagated, blocked, accepted=kept)
