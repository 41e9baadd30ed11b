"""Claims: attributed statements, numeric statements and dated events.

The document is cut into sentences (:mod:`sentences`), and a sentence into
clauses at each reporting word (قال، وأضاف، مشيرا ...). For each clause:

- **speaker**: the nearest PER/ORG named after the reporting word, before
  the reported content (Arabic is verb-first: ``قال التحالف إن``); when a
  title follows the verb, the person named after that title, or the title
  phrase itself when no name follows (``وزير الخارجية الأمريكي``, no entity);
  else a PER/ORG before the verb in the same sentence; else, for ``وأضاف``
  without a subject and for participles (``مشيرا``), the previous speaker;
  for a document as subject (``وأكد البيان``), the previous speaker or the
  latest organisation named, with the document noun as an alias. A headline
  ``X: ...`` is attributed to X; ``حسب X`` attributes its whole sentence to
  X; a sentence inside a quotation opened earlier keeps the quoted speaker.
  A carried speaker points to the latest mention of that speaker before the
  claim (guidelines 2.4).
- **evidence**: the quotation when the content is quoted, else from the
  complementizer (``أن``/``إن``) to the end of the clause; unattributed
  clauses are the clause itself, without a leading و/ف.
- **claims**: one per QUANTITY in the evidence (value, unit, approx, with
  the clause's date and nearest place); otherwise one attributed claim per
  reporting clause; otherwise one dated-event claim per clause with a DATE
  and an event word. A date in the reporting frame (``قال ... أمس``) is the
  time of the speech act, not of the content (guidelines 2.6), so it gives a
  separate dated claim without speaker.
- **kind**: ``opinion`` for opinion verbs (اعتبر، رأى ...) and speakers
  introduced by analyst titles (المحلل، الكاتب ...); numbers are facts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.annotations import Claim, Location, Quantity, Span, Speaker, TimeRef
from harness.extractors.rules.entities import Analysis, Mention
from harness.extractors.rules.lexicon import Cue, Lexicon
from harness.extractors.rules.sentences import (
    Region,
    find_quotations,
    split_sentences,
    trim,
)
from harness.extractors.rules.tokens import Token
from harness.text.arabic import normalize_arabic_str

#: How many words after a reporting word may name its subject when no
#: complementizer or quotation marks where the content starts.
SUBJECT_WINDOW = 6
#: Fewer quoted words than this are a quoted name, not a statement.
MIN_QUOTE_WORDS = 3
_SPEAKER_LABELS = ("PER", "ORG")
#: Prepositions before a name that make it the place of the words, not the speaker.
_PLACE_PREPOSITIONS = frozenset({"في", "علي", "عبر", "الي", "من", "عن", "مع", "لدي"})


class _Unnamed:
    """A subject is there (``قالت المصادر``) but names no one: no speaker, no fallback."""


UNNAMED = _Unnamed()


@dataclass(frozen=True)
class SpeakerRef:
    """Who speaks: a mention (or title phrase) and how to find it again later."""

    text: str
    start: int
    end: int
    entity: str | None
    #: Normalised forms that name the same speaker (full name, surname).
    keys: frozenset[str]
    aliases: tuple[str, ...] = ()
    opinion: bool = False

    def to_model(self) -> Speaker:
        return Speaker(self.text, self.start, self.end, self.entity, self.aliases)


@dataclass(frozen=True)
class CueHit:
    """A reporting word at tokens ``first`` .. ``last``."""

    first: int
    last: int
    cue: Cue


@dataclass(frozen=True)
class Clause:
    """Tokens ``first`` .. ``last`` of one sentence, opened by ``cue`` if any."""

    sentence: Region
    first: int
    last: int
    cue: CueHit | None


class ClaimBuilder:
    """Walks one analysed document and collects its claims."""

    def __init__(self, analysis: Analysis, lexicon: Lexicon):
        self.a = analysis
        self.lex = lexicon
        self.text = analysis.text
        self.tokens: list[Token] = analysis.tokens
        self.quotes = find_quotations(self.text)
        self.quote_words = {
            q: sum(1 for t in self.tokens if q.start <= t.raw_start and t.raw_end <= q.end) for q in self.quotes
        }
        self.mentions = analysis.mentions
        self.speakers = [m for m in self.mentions if m.label in _SPEAKER_LABELS]
        self.claims: list[Claim] = []
        self.last_speaker: SpeakerRef | None = None
        #: Quotations already tied to a speaker, with the reporting word and kind.
        self.quote_speakers: list[tuple[Region, SpeakerRef, str, str]] = []

    # -------------------------------------------------------------- lookups

    def mentions_in(self, start: int, end: int, labels: tuple[str, ...]) -> list[Mention]:
        return [m for m in self.mentions if m.label in labels and start <= m.start and m.end <= end]

    def token_range(self, region: Region) -> tuple[int, int] | None:
        inside = [t.index for t in self.tokens if region.start <= t.raw_start and t.raw_end <= region.end]
        return (inside[0], inside[-1]) if inside else None

    def gap_raw(self, left: int, right: int) -> str:
        """Raw text between token ``left`` and token ``right``."""
        return self.text[self.tokens[left].raw_end : self.tokens[right].raw_start]

    def in_quote(self, position: int) -> Region | None:
        """The quotation of at least ``MIN_QUOTE_WORDS`` words around ``position``.

        Shorter quotations are quoted names (``“علي حسن”``), not statements.
        """
        for region in self.quotes:
            if region.start <= position < region.end:
                return region if self.quote_words[region] >= MIN_QUOTE_WORDS else None
        return None

    def has_stem(self, i: int, words: frozenset[str]) -> bool:
        return any(stem in words for stem in self.tokens[i].stems())

    def inside_name(self, first: int, last: int) -> bool:
        start, end = self.tokens[first].raw_start, self.tokens[last].raw_end
        return any(m.start < end and start < m.end for m in self.mentions if m.candidate is not None)

    # ------------------------------------------------------------- speakers

    def ref_for(self, mention: Mention) -> SpeakerRef:
        text = mention.entity.text
        keys = {normalize_arabic_str(text)}
        aliases: tuple[str, ...] = ()
        opinion = False
        words = text.split()
        if mention.label == "PER" and len(words) >= 2:
            keys.add(normalize_arabic_str(words[-1]))
            aliases = (words[-1],)
        if mention.candidate is not None and mention.candidate.title is not None:
            opinion = mention.candidate.title.opinion
        return SpeakerRef(text, mention.start, mention.end, mention.entity.id, frozenset(keys), aliases, opinion)

    def relocate(self, ref: SpeakerRef, before: int) -> SpeakerRef:
        """The same speaker at its latest mention before ``before`` (guidelines 2.4)."""
        for mention in reversed(self.speakers):
            if mention.start < before and normalize_arabic_str(mention.entity.text) in ref.keys:
                return replace(ref, text=mention.entity.text, start=mention.start, end=mention.end, entity=mention.entity.id)
        return ref

    def title_phrase(self, first: int) -> SpeakerRef | None:
        """A title with its descriptions (``وزير الخارجية الأمريكي``) as a speaker without entity."""
        match = self.lex.titles.match(self.a.mapped.text, self.tokens, first)
        if match is None:
            return None
        last = match.last
        k = match.after
        while k < len(self.tokens) and k - match.after < 3:
            between = self.gap_raw(k - 1, k)
            key = self.tokens[k].key
            if between.strip() or not (key.startswith("ال") or key in self.lex.nationalities):
                break
            last, k = k, k + 1
        start, _ = self.a.mapped.to_raw(self.tokens[first].start + match.skip, self.tokens[first].end)
        end = self.tokens[last].raw_end
        text = self.text[start:end]
        return SpeakerRef(text, start, end, None, frozenset({normalize_arabic_str(text)}), (), bool(match.payload))

    def speaker_in_frame(self, first: int, last: int) -> SpeakerRef | _Unnamed | None:
        """The subject named in the reporting frame, tokens ``first`` .. ``last``.

        A name after a preposition (``في تصريح لوكالة X``، ``على فيسبوك``) is
        where the words were said, not who said them. A definite common noun
        right after the verb (``وذكرت الوزارة``) is an anaphoric subject: it
        stands for the latest organisation with that head (``وزارة الداخلية``),
        and no name further on is the speaker.
        """
        if first > last:
            return None
        start, end = self.tokens[first].raw_start, self.tokens[last].raw_end
        named = [m for m in self.mentions_in(start, end, _SPEAKER_LABELS) if self.is_subject_position(m)]
        title = self.lex.titles.match(self.a.mapped.text, self.tokens, first)
        if title is not None:
            people = [m for m in named if m.label == "PER"]
            if people:
                ref = self.ref_for(people[0])
                return replace(ref, opinion=ref.opinion or bool(title.payload))
            return self.title_phrase(first)
        if self.has_stem(first, self.lex.document_nouns):
            return self.document_speaker(first)
        if self.is_anaphoric_subject(first):
            parent = self.unit_of(first, last)
            if parent is not None:
                return self.ref_for(parent)
            return self.anaphora_speaker(first) or UNNAMED
        return self.ref_for(named[0]) if named else None

    def is_subject_position(self, mention: Mention) -> bool:
        """Not after a preposition: glued (``لوكالة``), as a word (``في``، ``على``),
        or glued onto a media head before the name (``لمنصة X``)."""
        token = next((t for t in self.tokens if t.raw_start <= mention.start < t.raw_end), None)
        if token is None:
            return True
        if mention.start > token.raw_start:
            return False
        if token.index == 0:
            return True
        before = self.tokens[token.index - 1]
        if before.key in _PLACE_PREPOSITIONS:
            return False
        heads = self.lex.media_heads | self.lex.site_heads | self.lex.org_heads
        return not any(r.skip and before.key[0] in "لب" and r.stem in heads for r in before.readings)

    def unit_of(self, first: int, last: int) -> Mention | None:
        """``المكتب الإعلامي للتحالف الدولي``: a unit named by its parent speaks for it.

        Definite words from ``first``, then a name glued to ``ل``: that name.
        """
        k = first
        while k <= last and self.is_anaphoric_subject(k):
            k += 1
        if k > last or k == first or not self.tokens[k].key.startswith("ل"):
            return None
        for mention in self.speakers:
            if self.tokens[k].raw_start < mention.start < self.tokens[k].raw_end:
                return mention
        return None

    def is_anaphoric_subject(self, i: int) -> bool:
        token = self.tokens[i]
        if not token.key.startswith("ال") or len(token.key) <= 3:
            return False
        return not any(m.start <= token.raw_start < m.end for m in self.mentions)

    def anaphora_speaker(self, i: int) -> SpeakerRef | None:
        """``قالت الوزارة``: the latest organisation whose head is this noun."""
        head = self.tokens[i].key[2:]
        if head not in self.lex.org_heads and self.tokens[i].key not in self.lex.org_heads:
            return None
        position = self.tokens[i].raw_start
        for mention in reversed(self.speakers):
            if mention.end <= position and mention.label == "ORG":
                words = normalize_arabic_str(mention.entity.text).split()
                if words and words[0] in (head, "ال" + head):
                    return self.ref_for(mention)
        return None

    def document_speaker(self, noun: int) -> SpeakerRef | None:
        """``وأكد البيان``: the issuer of the document, with the noun as an alias."""
        position = self.tokens[noun].raw_start
        ref = self.relocate(self.last_speaker, position) if self.last_speaker else None
        if ref is None:
            earlier = [m for m in self.speakers if m.end <= position and m.label == "ORG"]
            if not earlier:
                return None
            ref = self.ref_for(earlier[-1])
        skip = next((r.skip for r in self.tokens[noun].readings if r.stem in self.lex.document_nouns), 0)
        noun_start, noun_end = self.a.mapped.to_raw(self.tokens[noun].start + skip, self.tokens[noun].end)
        return replace(ref, aliases=ref.aliases + (self.text[noun_start:noun_end],))

    def speaker_before(self, clause: Clause, position: int) -> SpeakerRef | None:
        """The latest subject-like PER/ORG before the reporting word, in its sentence."""
        named = [
            m
            for m in self.mentions_in(clause.sentence.start, position, _SPEAKER_LABELS)
            if self.in_quote(m.start) is None and self.is_subject_position(m)
        ]
        return self.ref_for(named[-1]) if named else None

    # ---------------------------------------------------------------- cues

    def cue_hits(self, first: int, last: int) -> list[CueHit]:
        hits: list[CueHit] = []
        i = first
        while i <= last:
            match = self.lex.cues.match(self.a.mapped.text, self.tokens, i)
            if match is None or match.last > last or self.inside_name(i, match.last) or self.in_quote(self.tokens[i].raw_start):
                i += 1
                continue
            cue: Cue = match.payload
            if cue.role == "carry" and match.skip == 0 and i != first:
                i += 1  # تابع mid-sentence is "affiliated", not "he went on"
                continue
            if hits and hits[-1].cue.role == "source" and i - hits[-1].last <= 2:
                i = match.after  # وفق ما أفادت X: one "according to" phrase
                continue
            hits.append(CueHit(i, match.last, cue))
            i = match.after
        return hits

    def headline_speaker(self, first: int, last: int) -> tuple[Mention, int] | None:
        """``التحالف الدولي: نفذنا ...``: a name opening the sentence, then a colon."""
        start = self.tokens[first].raw_start
        for mention in self.speakers:
            if mention.start < start or mention.start > start + 2:
                continue
            rest = self.text[mention.end : self.tokens[last].raw_end].lstrip()
            if rest.startswith(":"):
                colon = self.text.index(":", mention.end)
                after = [t.index for t in self.tokens[first : last + 1] if t.raw_start > colon]
                return (mention, after[0]) if after else None
        return None

    # --------------------------------------------------------------- claims

    def build(self) -> list[Claim]:
        for sentence in split_sentences(self.text):
            span = self.token_range(sentence)
            if span is not None:
                self.sentence(sentence, *span)
        return self.claims

    def sentence(self, sentence: Region, first: int, last: int) -> None:
        headline = self.headline_speaker(first, last)
        if headline is not None:
            mention, content = headline
            ref = self.ref_for(mention)
            self.last_speaker = ref
            region = trim(self.text, self.tokens[content].raw_start, sentence.end)
            if region is not None:
                self.emit(region, ref, None, predicate="headline")
            return
        hits = self.cue_hits(first, last)
        source = next((h for h in hits if h.cue.role == "source"), None)
        splitting = [h for h in hits if h.cue.role != "source"]
        clauses: list[Clause] = []
        starts = [h.first for h in splitting]
        if not starts or starts[0] > first:
            starts = [first] + starts
        for k, start in enumerate(starts):
            end = starts[k + 1] - 1 if k + 1 < len(starts) else last
            cue = next((h for h in splitting if h.first == start), None)
            clauses.append(Clause(sentence, start, end, cue))
        source_ref = self.source_speaker(source, last) if source else None
        sentence_speaker: SpeakerRef | None = None
        for clause in clauses:
            sentence_speaker = self.clause(clause, source_ref, sentence_speaker)

    def source_speaker(self, hit: CueHit, last: int) -> SpeakerRef | None:
        end = min(hit.last + SUBJECT_WINDOW, last)
        named = self.mentions_in(self.tokens[hit.first].raw_start, self.tokens[end].raw_end, _SPEAKER_LABELS)
        return self.ref_for(named[0]) if named else None

    def clause(self, clause: Clause, source_ref: SpeakerRef | None, sentence_speaker: SpeakerRef | None) -> SpeakerRef | None:
        """Emit the claims of one clause; return the speaker it leaves for the sentence."""
        speaker: SpeakerRef | None
        if clause.cue is None:
            region = self.strip_conjunction(clause)
            if region is None:
                return sentence_speaker
            quoted = self.quote_speaker(region)
            if source_ref is not None:
                speaker, predicate, kind = source_ref, "according to", "fact"
            elif quoted is not None:
                speaker, predicate, kind = quoted
            else:
                speaker, predicate, kind = None, None, "fact"
            self.emit(region, speaker, None, predicate=predicate, kind=kind, attributed=speaker is not None)
            return sentence_speaker
        hit = clause.cue
        content, frame_end = self.content_start(hit, clause)
        speaker = None
        found: SpeakerRef | _Unnamed | None = None
        if hit.cue.role != "participle":
            window_end = frame_end if content is not None else min(hit.last + SUBJECT_WINDOW, clause.last)
            found = self.speaker_in_frame(hit.last + 1, window_end)
            if isinstance(found, _Unnamed):  # UNNAMED, its one instance
                speaker = None
            elif found is None:
                speaker = self.speaker_before(clause, self.tokens[hit.first].raw_start)
            else:
                speaker = found
        if speaker is None and found is not UNNAMED and hit.cue.role in ("carry", "participle"):
            carried = sentence_speaker or self.last_speaker
            speaker = self.relocate(carried, self.tokens[hit.first].raw_start) if carried else None
        speaker = speaker or source_ref
        if speaker is not None:
            self.last_speaker = speaker
        clause_end = self.tokens[clause.last].raw_end
        subject_end = self.unnamed_subject_end(hit.last + 1, clause.last) if found is UNNAMED else None
        frame_end_raw = self.frame_end(hit, content, speaker, clause_end, subject_end)
        region = self.evidence(content, clause, frame_end_raw)
        frame = trim(self.text, self.strip_conjunction_at(clause.first), frame_end_raw)
        if frame is not None and region is not None and frame.end <= region.start:
            for date in self.mentions_in(frame.start, frame.end, ("DATE",)):
                self.add_claim(frame, None, hit.cue.lemma, "fact", None, date, self.location(frame, date.start))
        if region is not None:
            kind = "opinion" if hit.cue.kind == "opinion" or (speaker is not None and speaker.opinion) else "fact"
            self.emit(region, speaker, hit.cue, predicate=hit.cue.lemma, kind=kind, attributed=True)
            if speaker is not None:
                quote = self.in_quote(region.start)
                if quote is not None:
                    self.quote_speakers.append((quote, speaker, hit.cue.lemma, kind))
        return speaker or sentence_speaker

    def quote_speaker(self, region: Region) -> tuple[SpeakerRef, str, str] | None:
        """Speaker, reporting word and kind of the quotation this clause lies in."""
        for quote, speaker, lemma, kind in reversed(self.quote_speakers):
            if quote.start <= region.start < quote.end:
                return self.relocate(speaker, region.start), lemma, kind
        return None

    def quoted_statement(self, k: int) -> Region | None:
        """The quotation that opens right before token ``k``, if it is a statement.

        A quotation of fewer than ``MIN_QUOTE_WORDS`` words is a quoted name
        (``تنظيم “داعش”``), not reported content.
        """
        quote = self.in_quote(self.tokens[k].raw_start)
        if quote is None or quote.start < self.tokens[k - 1].raw_end:
            return None
        words = [t for t in self.tokens[k : k + MIN_QUOTE_WORDS] if t.raw_end <= quote.end]
        return quote if len(words) >= MIN_QUOTE_WORDS else None

    def content_start(self, hit: CueHit, clause: Clause) -> tuple[int | None, int]:
        """Where the reported content starts (token index or None) and the frame's last token."""
        for k in range(hit.last + 1, clause.last + 1):
            between = self.gap_raw(k - 1, k)
            if ":" in between or self.quoted_statement(k) is not None:
                return k, k - 1
            if self.has_stem(k, self.lex.complementizers):
                return k, k - 1
        return None, hit.last

    def unnamed_subject_end(self, first: int, last: int) -> int | None:
        """Raw end of an unnamed subject (``الوزارة``، ``المصادر المحلية``) after the verb."""
        k = first
        while k <= last and self.is_anaphoric_subject(k):
            k += 1
        return self.tokens[k - 1].raw_end if k > first else None

    def frame_end(
        self, hit: CueHit, content: int | None, speaker: SpeakerRef | None, clause_end: int, subject_end: int | None
    ) -> int:
        """Raw end of the reporting frame: the verb, its subject and a date right after them.

        ``أعلنت الوزارة، الثلاثاء، القبض على ...``: with no complementizer the
        content starts after the subject, and a date that follows the subject
        directly is the time of the announcement, not of the content.
        """
        if content is not None:
            return self.tokens[content - 1].raw_end
        end = self.tokens[hit.last].raw_end
        if speaker is not None and end <= speaker.start < clause_end:
            end = speaker.end
        elif subject_end is not None:
            end = subject_end
        for date in self.mentions_in(end, clause_end, ("DATE",)):
            if self.text[end : date.start].strip(" \t،,") == "":
                end = date.end
            break
        return end

    def evidence(self, content: int | None, clause: Clause, frame_end: int) -> Region | None:
        end = self.tokens[clause.last].raw_end
        if content is None:
            return trim(self.text, frame_end, end)
        for k in (content, content + 1):
            if k > clause.last:
                break
            quote = self.quoted_statement(k)
            if quote is not None:
                return trim(self.text, quote.start, min(quote.end, clause.sentence.end))
        return trim(self.text, self.tokens[content].raw_start, end)

    def strip_conjunction_at(self, i: int) -> int:
        """Raw start of token ``i`` without a leading و/ف conjunction."""
        token = self.tokens[i]
        key = token.key
        if len(key) >= 3 and key[0] in "وف":
            stem = key[1:]
            raw_next = self.a.mapped.raw_slice(token.start + 1, token.start + 2)
            known = (
                stem.startswith("ال")
                or raw_next in ("أ", "إ", "آ")
                or any(r.stem in self.lex.function_words for r in token.readings[1:2])
                or self.lex.cues.payload_of(stem) is not None
                or stem in self.lex.event_verbs
                or stem in self.lex.titles
                or stem[:1] in ("ب", "ل") and len(stem) > 3
            )
            if known:
                return self.a.mapped.to_raw(token.start + 1, token.end)[0]
        return token.raw_start

    def strip_conjunction(self, clause: Clause) -> Region | None:
        return trim(self.text, self.strip_conjunction_at(clause.first), self.tokens[clause.last].raw_end)

    def location(self, region: Region, anchor: int) -> Location | None:
        """The one place the evidence names; None when it names several.

        ``في العراق وسوريا``: with two places the event has no single location
        (guidelines 2.7 notes), so the slot stays empty rather than guessed.
        Repeated mentions of one place count once; the one nearest the event
        word or quantity is linked.
        """
        places = self.mentions_in(region.start, region.end, ("LOC",))
        if len({normalize_arabic_str(m.entity.text) for m in places}) != 1:
            return None
        nearest = min(places, key=lambda m: (abs(m.start - anchor), m.start))
        return Location(nearest.entity.text, nearest.start, nearest.end, nearest.entity.id)

    def event_anchor(self, region: Region) -> int | None:
        for token in self.tokens:
            if region.start <= token.raw_start and token.raw_end <= region.end:
                if self.has_stem(token.index, self.lex.event_verbs):
                    return token.raw_start
        return None

    def emit(
        self,
        region: Region,
        speaker: SpeakerRef | None,
        cue: Cue | None,
        *,
        predicate: str | None,
        kind: str = "fact",
        attributed: bool = False,
    ) -> None:
        """The claims of one evidence region (see module doc for which)."""
        quantities = self.mentions_in(region.start, region.end, ("QUANTITY",))
        dates = self.mentions_in(region.start, region.end, ("DATE",))
        # A date without a value (a duration, an unanchored "last month") does
        # not place the event in time.
        dated = [d for d in dates if d.date is not None and d.date.value]
        time = dated[0] if dated else None
        if quantities:
            for mention in quantities:
                self.add_claim(region, speaker, predicate or "quantity", "fact", mention, time, self.location(region, mention.start))
            return
        verb = self.event_anchor(region)
        if attributed:
            anchor = verb if verb is not None else region.start
            self.add_claim(region, speaker, predicate or "statement", kind, None, time, self.location(region, anchor))
        elif time is not None and verb is not None:
            self.add_claim(region, speaker, predicate or "event", "fact", None, time, self.location(region, verb))

    def add_claim(
        self,
        region: Region,
        speaker: SpeakerRef | None,
        predicate: str,
        kind: str,
        quantity: Mention | None,
        time: Mention | None,
        location: Location | None,
    ) -> None:
        evidence = Span(region.start, region.end, self.text[region.start : region.end])
        q = None
        if quantity is not None and quantity.quantity is not None and not quantity.quantity.vague:
            # A vague amount ("الآلاف") states no number: no claim quantity (guidelines 2.5).
            match = quantity.quantity
            q = Quantity(match.value, match.unit, match.approx, quantity.entity.text, quantity.start, quantity.end)
        t = None
        if time is not None:
            t = TimeRef(time.date.value if time.date else None, time.entity.text, time.start, time.end)
        claim = Claim(
            id=f"c{len(self.claims) + 1}",
            evidence=evidence,
            predicate=predicate,
            kind=kind,
            speaker=speaker.to_model() if speaker else None,
            quantity=q,
            time=t,
            location=location,
        )
        self.claims.append(claim)


def find_claims(analysis: Analysis, lexicon: Lexicon) -> list[Claim]:
    """Every claim of an analysed document, ids c1.. in reading order."""
    claims = ClaimBuilder(analysis, lexicon).build()
    claims.sort(key=lambda c: (c.evidence.start, c.evidence.end))
    return [replace(claim, id=f"c{k}") for k, claim in enumerate(claims, start=1)]
