"""Entity scoring in the four SemEval-2013 (task 9.1) modes.

A gold entity and a predicted entity *overlap* when their half-open spans
share at least one character (``g.start < p.end and p.start < g.end``) and,
when a minimum overlap ratio is set (``min_overlap``, default 0: any shared
character), when the characters they share are at least that share of the
characters of either (IoU). The modes differ in what a matched
gold/prediction pair must satisfy:

==========  ===========================================  =====================
mode        correct when the pair ...                    otherwise the pair is
==========  ===========================================  =====================
strict      has the same boundaries and the same label   incorrect
exact       has the same boundaries (label ignored)      incorrect
partial     has the same boundaries (label ignored)      partial (half credit)
type        overlaps and has the same label              incorrect
==========  ===========================================  =====================

A gold entity left without a partner is *missed*, a prediction left without a
partner is *spurious*. Precision and recall are COR / ACT and COR / POS, and
in partial mode (COR + 0.5 PAR) / ACT and / POS (see ``counts.MatchCounts``).

Matching (why the numbers never depend on input order)
------------------------------------------------------
Greedy matching in input order gives different counts for the same sets of
annotations (nervaluate issue #40). Here every mode solves a one-to-one
assignment per document, in this order of priority:

1. as many *correct* pairs as possible;
2. then as many matched pairs (overlapping, not correct) as possible, so an
   overlap is reported as incorrect / partial rather than as a miss plus a
   spurious prediction;
3. then the largest total overlap in characters, to choose *which* pairs.

The priorities are folded into one integer weight per pair and solved with
``scipy.optimize.linear_sum_assignment``, one connected group of overlapping
annotations at a time (groups of one gold and one prediction, the vast
majority, are decided directly). Points 1 and 2 fix the counts, so the
counts are a function of the two *sets* of annotations only; inputs are also
sorted by (start, end, label, id) first, so that even the choice among equal
alternatives in point 3 does not depend on the order the lists came in.

Per label and label subsets
---------------------------
``labels=`` restricts gold and predictions alike to the labels an extractor
declares it emits, before matching. The row of one label is the same
computation restricted to that single label (as in seqeval and nervaluate
1.x), so a prediction with the wrong label counts as a miss of the gold label
and a spurious item of the predicted one there, while the overall strict
count sees a single incorrect pair. Per-label rows therefore need not add up
to the overall row. The macro average is the unweighted mean over the labels
that occur in the gold or the predictions (after restriction); a declared
label that occurs in neither has no row, so it cannot drag the mean to 0.

Counts are computed per document (:func:`count_document`) and summed over a
corpus; a bootstrap over documents resamples these per-document counts.
Rates with a zero denominator are 0.0 (see ``counts``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

from harness.scoring.counts import PRF, ZERO_COUNTS, MatchCounts, macro_average

MODES: tuple[str, ...] = ("strict", "exact", "partial", "type")

#: Credit a partial match earns in each mode (only the partial mode has any).
PARTIAL_CREDIT: dict[str, float] = {"strict": 0.0, "exact": 0.0, "partial": 0.5, "type": 0.0}

#: Outcome names of one alignment row.
OUTCOMES: tuple[str, ...] = ("correct", "incorrect", "partial", "missed", "spurious")


class Mention(Protocol):
    """Anything with a half-open span and a label: ``Entity``, a tag chunk."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def label(self) -> str: ...


# --------------------------------------------------------------------------
# Count containers
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModeCounts:
    """The match counts of one comparison in each of the four modes."""

    #: Same boundaries and same label.
    strict: MatchCounts = ZERO_COUNTS
    #: Same boundaries, label ignored.
    exact: MatchCounts = ZERO_COUNTS
    #: Same boundaries correct, overlap half credit, label ignored.
    partial: MatchCounts = ZERO_COUNTS
    #: Overlap with the same label.
    type: MatchCounts = ZERO_COUNTS

    def __add__(self, other: ModeCounts) -> ModeCounts:
        if not isinstance(other, ModeCounts):
            return NotImplemented
        return ModeCounts(
            self.strict + other.strict,
            self.exact + other.exact,
            self.partial + other.partial,
            self.type + other.type,
        )

    def mode(self, name: str) -> MatchCounts:
        """Counts of the mode called ``name`` (one of ``MODES``)."""
        if name not in MODES:
            raise ValueError(f"unknown entity scoring mode {name!r}; expected one of {MODES}")
        return getattr(self, name)


ZERO_MODE_COUNTS = ModeCounts()


@dataclass(frozen=True)
class DocumentCounts:
    """Counts of one document, or the sum of several (``a + b``, ``sum_documents``).

    This is the unit a bootstrap over documents resamples: the counts of any
    multiset of documents are the sum of their ``DocumentCounts``.
    """

    #: All labels scored together (restricted to ``labels`` when given).
    overall: ModeCounts = ZERO_MODE_COUNTS
    #: ``(label, counts)`` for each label present in gold or predictions,
    #: sorted by label; each computed on that label alone.
    per_label: tuple[tuple[str, ModeCounts], ...] = ()
    #: The label subset scoring was restricted to (sorted), or None for all.
    labels: tuple[str, ...] | None = None

    def __add__(self, other: DocumentCounts) -> DocumentCounts:
        if not isinstance(other, DocumentCounts):
            return NotImplemented
        if self.labels != other.labels:
            raise ValueError(
                "cannot add entity counts restricted to different label sets: "
                f"{self.labels} and {other.labels}"
            )
        merged = dict(self.per_label)
        for label, counts in other.per_label:
            merged[label] = merged[label] + counts if label in merged else counts
        return DocumentCounts(
            self.overall + other.overall, tuple(sorted(merged.items())), self.labels
        )

    def label(self, name: str) -> ModeCounts:
        """Counts of one label (zeros when it occurs in neither gold nor predictions)."""
        for label, counts in self.per_label:
            if label == name:
                return counts
        return ZERO_MODE_COUNTS


def sum_documents(items: Iterable[DocumentCounts], labels: Collection[str] | None = None) -> DocumentCounts:
    """Sum of per-document counts; ``labels`` names the restriction of an empty sum."""
    total = DocumentCounts(labels=normalise_labels(labels))
    for item in items:
        total = total + item
    return total


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelScore:
    """One label's row in one mode."""

    #: The entity label.
    label: str
    #: Its summed match counts.
    counts: MatchCounts
    #: Precision, recall, F1 from ``counts``.
    prf: PRF


@dataclass(frozen=True)
class ModeScore:
    """All numbers of one mode over a corpus."""

    #: One of ``MODES``.
    mode: str
    #: Counts summed over documents, all labels together.
    counts: MatchCounts
    #: Precision, recall, F1 from the summed counts (micro average).
    micro: PRF
    #: Unweighted mean of the per-label rows (zeros when there are none).
    macro: PRF
    #: One row per label present in gold or predictions, sorted by label.
    per_label: tuple[LabelScore, ...]

    def label(self, name: str) -> LabelScore:
        """The row of ``name``; a zero row when the label never occurred."""
        for row in self.per_label:
            if row.label == name:
                return row
        return LabelScore(name, ZERO_COUNTS, ZERO_COUNTS.prf())


@dataclass(frozen=True)
class EntityScores:
    """Entity scores of one system over a corpus, in the four modes."""

    #: The label subset scoring was restricted to (sorted), or None for all labels.
    labels: tuple[str, ...] | None
    #: Same boundaries and same label: the headline number.
    strict: ModeScore
    #: Same boundaries, label ignored: "did it find the mention at all?".
    exact: ModeScore
    #: Overlap earns half credit, label ignored: lenient boundaries.
    partial: ModeScore
    #: Overlap with the same label: right type, boundaries forgiven.
    type: ModeScore

    def mode(self, name: str) -> ModeScore:
        """The scores of the mode called ``name`` (one of ``MODES``)."""
        if name not in MODES:
            raise ValueError(f"unknown entity scoring mode {name!r}; expected one of {MODES}")
        return getattr(self, name)


def _mode_score(mode: str, counts: DocumentCounts) -> ModeScore:
    credit = PARTIAL_CREDIT[mode]
    rows = tuple(
        LabelScore(label, c.mode(mode), c.mode(mode).prf(credit)) for label, c in counts.per_label
    )
    overall = counts.overall.mode(mode)
    return ModeScore(mode, overall, overall.prf(credit), macro_average(r.prf for r in rows), rows)


def scores_from_counts(counts: DocumentCounts) -> EntityScores:
    """Turn (summed) counts into precision / recall / F1 for every mode."""
    return EntityScores(counts.labels, *(_mode_score(mode, counts) for mode in MODES))


def score_entities(
    documents: Iterable[tuple[Sequence[Mention], Sequence[Mention]]],
    labels: Collection[str] | None = None,
) -> EntityScores:
    """Score ``(gold, predicted)`` entity lists, one pair per document.

    ``labels`` restricts both sides to the labels an extractor declares it
    emits; None scores every label.
    """
    return scores_from_counts(
        sum_documents((count_document(g, p, labels) for g, p in documents), labels)
    )


# --------------------------------------------------------------------------
# Counting one document
# --------------------------------------------------------------------------

# A mention reduced to what matching needs: (start, end, label).
_Span = tuple[int, int, str]


def normalise_labels(labels: Collection[str] | None) -> tuple[str, ...] | None:
    """A label restriction in its one form (sorted, without repeats), or None for every label.

    Public because the tag-sequence scorer (:mod:`harness.scoring.conlleval`)
    restricts labels the same way; a bare string is refused, since it would
    read as a set of one-letter labels.
    """
    if labels is None:
        return None
    if isinstance(labels, str):
        raise TypeError(f"labels must be a collection of label names, not the string {labels!r}")
    return tuple(sorted(set(labels)))


def _spans(mentions: Sequence[Mention], side: str, keep: frozenset[str] | None) -> list[_Span]:
    spans = []
    for m in mentions:
        start, end, label = m.start, m.end, m.label
        if keep is not None and label not in keep:
            continue
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            name = getattr(m, "id", None) or repr(m)
            raise ValueError(
                f"{side} entity {name}: span [{start}, {end}) is empty, inverted or not integer"
            )
        spans.append((start, end, label))
    spans.sort()
    return spans


def count_document(
    gold: Sequence[Mention],
    predicted: Sequence[Mention],
    labels: Collection[str] | None = None,
    min_overlap: float = 0.0,
) -> DocumentCounts:
    """Match counts of one document in every mode, overall and per label."""
    restriction = normalise_labels(labels)
    keep = None if restriction is None else frozenset(restriction)
    return count_spans(_spans(gold, "gold", keep), _spans(predicted, "predicted", keep), restriction, min_overlap)


def overlap_ratio(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Characters two half-open spans share over the characters of either (IoU)."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = (a[1] - a[0]) + (b[1] - b[0]) - inter
    return inter / union if union > 0 else 0.0


def _overlap(g: _Span, p: _Span, min_overlap: float) -> bool:
    """Do two spans overlap in the sense of the module docstring?"""
    if not (g[0] < p[1] and p[0] < g[1]):
        return False
    return min_overlap <= 0.0 or overlap_ratio((g[0], g[1]), (p[0], p[1])) >= min_overlap


def count_spans(
    gold: list[_Span], pred: list[_Span], restriction: tuple[str, ...] | None, min_overlap: float = 0.0
) -> DocumentCounts:
    """``count_document`` on ``(start, end, label)`` spans already filtered and sorted by start.

    Public because character spans and tag sequences
    (:mod:`harness.scoring.conlleval`) share this one counting step.

    One sweep finds the groups of overlapping spans of all labels. A label's
    own groups lie inside these, so the per-label rows are computed from the
    same sweep: a group of one gold and one prediction with the same label is
    the same pair in that label's row; with different labels it is a miss in
    one row and a spurious item in the other; larger groups are split by
    label and solved again.
    """
    n_gold = Counter(span[2] for span in gold)
    n_pred = Counter(span[2] for span in pred)
    if gold == pred:
        per_label = tuple(
            (label, _all_correct(n)) for label, n in sorted(n_gold.items())
        )
        return DocumentCounts(_all_correct(len(gold)), per_label, restriction)

    overall = [0] * 6
    tallies: dict[str, list[int]] = {}
    for gi, pi in _clusters(gold, pred):
        if not gi or not pi:
            continue
        if len(gi) == 1 and len(pi) == 1:
            g, p = gold[gi[0]], pred[pi[0]]
            if not _overlap(g, p, min_overlap):
                continue
            exact = g[0] == p[0] and g[1] == p[1]
            same = g[2] == p[2]
            _add_pair(overall, exact, same)
            if same:
                tally = tallies.get(g[2])
                if tally is None:
                    tally = tallies[g[2]] = [0] * 6
                _add_pair(tally, exact, same)
            continue
        gs = [gold[i] for i in gi]
        ps = [pred[j] for j in pi]
        _add_group(overall, gs, ps, min_overlap)
        for label in {s[2] for s in gs} & {s[2] for s in ps}:
            tally = tallies.setdefault(label, [0] * 6)
            _add_group(tally, [s for s in gs if s[2] == label], [s for s in ps if s[2] == label], min_overlap)

    per_label = tuple(
        (label, _mode_counts_from(tallies.get(label), n_gold[label], n_pred[label]))
        for label in sorted(n_gold.keys() | n_pred.keys())
    )
    return DocumentCounts(_mode_counts_from(overall, len(gold), len(pred)), per_label, restriction)


def _all_correct(n: int) -> ModeCounts:
    correct = MatchCounts(correct=n)
    return ModeCounts(correct, correct, correct, correct)


# A tally is [strict correct, strict other, boundary correct, boundary other,
# type correct, type other], where "other" is a matched pair that is not
# correct; the exact and partial modes share the boundary matching.


def _add_pair(tally: list[int], exact: bool, same_label: bool) -> None:
    """Tally one overlapping pair."""
    tally[0 if exact and same_label else 1] += 1
    tally[2 if exact else 3] += 1
    tally[4 if same_label else 5] += 1


def _add_group(tally: list[int], gold: list[_Span], pred: list[_Span], min_overlap: float = 0.0) -> None:
    """Tally the optimal pairs of one group in each mode."""
    for offset, mode in ((0, "strict"), (2, "exact"), (4, "type")):
        for _, _, grade in _assign(gold, pred, mode, min_overlap):
            tally[offset + (grade == 1)] += 1


def _mode_counts_from(tally: list[int] | None, n_gold: int, n_pred: int) -> ModeCounts:
    tally = tally or [0] * 6

    def counts(correct: int, other: int, as_partial: bool = False) -> MatchCounts:
        matched = correct + other
        return MatchCounts(
            correct=correct,
            incorrect=0 if as_partial else other,
            partial=other if as_partial else 0,
            missed=n_gold - matched,
            spurious=n_pred - matched,
        )

    return ModeCounts(
        counts(tally[0], tally[1]),
        counts(tally[2], tally[3]),
        counts(tally[2], tally[3], as_partial=True),
        counts(tally[4], tally[5]),
    )


def _clusters(gold: list[_Span], pred: list[_Span]) -> list[tuple[list[int], list[int]]]:
    """Groups of gold / predicted indices connected by overlapping spans.

    Both lists must be sorted by start. They are swept together in order of
    start; a group closes when the next span starts at or after the furthest
    end seen so far. A group may join two spans of the same side that overlap
    each other, which is harmless: the assignment inside it only ever pairs
    gold with predictions.
    """
    groups: list[tuple[list[int], list[int]]] = []
    n_gold, n_pred = len(gold), len(pred)
    i = j = 0
    reach = -1
    current: tuple[list[int], list[int]] = ([], [])
    while i < n_gold or j < n_pred:
        if j >= n_pred or (i < n_gold and gold[i][0] <= pred[j][0]):
            start, end, side, index = gold[i][0], gold[i][1], 0, i
            i += 1
        else:
            start, end, side, index = pred[j][0], pred[j][1], 1, j
            j += 1
        if start >= reach:
            current = ([], [])
            groups.append(current)
        current[side].append(index)
        if end > reach:
            reach = end
    return groups


def _pair_grade(g: _Span, p: _Span, mode: str, min_overlap: float = 0.0) -> int:
    """2 when the pair is correct in ``mode``, 1 when it only overlaps, 0 otherwise."""
    if not _overlap(g, p, min_overlap):
        return 0
    if mode == "type":
        return 2 if g[2] == p[2] else 1
    exact = g[0] == p[0] and g[1] == p[1]
    if mode == "strict":
        return 2 if exact and g[2] == p[2] else 1
    return 2 if exact else 1  # exact and partial


def _assign(gold: list[_Span], pred: list[_Span], mode: str, min_overlap: float = 0.0) -> list[tuple[int, int, int]]:
    """Optimal one-to-one pairs ``(gold index, pred index, grade)`` of one group.

    The weight of a pair folds the three priorities of the module docstring
    into one integer: ``K2 * [correct] + K1 * [overlap] + overlap_chars``
    with ``K1`` above any possible total overlap and ``K2`` above any total
    of the two lower terms, so maximising the sum maximises the number of
    correct pairs first, then of matched pairs, then the overlap. (Weights
    stay far below 2**53, so the float solver compares them exactly.)
    """
    n_matchable = min(len(gold), len(pred))
    k1 = sum(g[1] - g[0] for g in gold) + 1
    k2 = (n_matchable + 1) * k1
    weights = [[0] * len(pred) for _ in gold]
    grades: dict[tuple[int, int], int] = {}
    for i, g in enumerate(gold):
        row = weights[i]
        for j, p in enumerate(pred):
            grade = _pair_grade(g, p, mode, min_overlap)
            if grade:
                overlap = min(g[1], p[1]) - max(g[0], p[0])
                row[j] = (k2 if grade == 2 else 0) + k1 + overlap
                grades[i, j] = grade
    if not grades:
        return []
    if n_matchable == 1:
        # One side has a single span: the best pair is the heaviest edge;
        # the first in sorted order among equals.
        i, j = max(grades, key=lambda ij: (weights[ij[0]][ij[1]], -ij[0], -ij[1]))
        return [(i, j, grades[i, j])]
    rows, cols = linear_sum_assignment(np.array(weights, dtype=np.float64), maximize=True)
    return [(i, j, grades[i, j]) for i, j in zip(rows.tolist(), cols.tolist()) if (i, j) in grades]


# --------------------------------------------------------------------------
# Alignment rows (for per-example diffs)
# --------------------------------------------------------------------------

#: The mention type an alignment is given (``Entity``, a tag chunk): its rows hold the same objects.
M = TypeVar("M", bound=Mention)


@dataclass(frozen=True)
class EntityMatch(Generic[M]):
    """One row of an alignment: a pair, a missed gold or a spurious prediction."""

    #: One of ``OUTCOMES``.
    outcome: str
    #: The gold mention (None for a spurious prediction).
    gold: M | None
    #: The predicted mention (None for a missed gold).
    predicted: M | None


def align_entities(
    gold: Sequence[M],
    predicted: Sequence[M],
    mode: str = "strict",
    labels: Collection[str] | None = None,
    min_overlap: float = 0.0,
) -> tuple[EntityMatch[M], ...]:
    """The pairs behind ``count_document`` for one mode, in text order.

    Uses the same assignment as the counts, so tallying the outcomes of the
    rows gives exactly ``count_document(...).overall.mode(mode)``.
    """
    if mode not in MODES:
        raise ValueError(f"unknown entity scoring mode {mode!r}; expected one of {MODES}")
    restriction = normalise_labels(labels)
    keep = None if restriction is None else frozenset(restriction)
    _spans(gold, "gold", keep)  # validation with named errors
    _spans(predicted, "predicted", keep)

    def ordered(items: Sequence[M]) -> list[M]:
        kept = [m for m in items if keep is None or m.label in keep]
        return sorted(kept, key=lambda m: (m.start, m.end, m.label, str(getattr(m, "id", ""))))

    golds, preds = ordered(gold), ordered(predicted)
    gspans = [(m.start, m.end, m.label) for m in golds]
    pspans = [(m.start, m.end, m.label) for m in preds]
    paired: dict[int, tuple[int, int]] = {}
    for gi, pi in _clusters(gspans, pspans):
        if gi and pi:
            for a, b, grade in _assign([gspans[i] for i in gi], [pspans[j] for j in pi], mode, min_overlap):
                paired[gi[a]] = (pi[b], grade)
    other = "partial" if mode == "partial" else "incorrect"
    rows: list[tuple[tuple[int, int], EntityMatch[M]]] = []
    used: set[int] = set()
    for i, g in enumerate(golds):
        if i in paired:
            j, grade = paired[i]
            used.add(j)
            rows.append(((g.start, g.end), EntityMatch("correct" if grade == 2 else other, g, preds[j])))
        else:
            rows.append(((g.start, g.end), EntityMatch("missed", g, None)))
    for j, p in enumerate(preds):
        if j not in used:
            rows.append(((p.start, p.end), EntityMatch("spurious", None, p)))
    rows.sort(key=lambda r: r[0])
    return tuple(row for _, row in rows)
