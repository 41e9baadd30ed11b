"""The leaderboard: one row per extractor setup, read from the run registry.

``harness leaderboard`` takes the latest run of every setup on the project
gold (or the runs named with ``--run``), reads their ``metrics.json`` and
``run.json``, ranks them, tests whether neighbours in the ranking really
differ (:mod:`harness.report.significance`), builds the per-document views
(:mod:`harness.report.document_view`) and writes ``leaderboard.md`` and
``leaderboard.html`` atomically.

Everything shown comes from the run records; nothing is re-extracted. The
numbers of the tables are the stored ones; per-document counts (for the
paired tests and the views) are recomputed from each run's stored
predictions against the corpus, with the scorers, never re-implemented.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from harness.config import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED
from harness.corpus.load import Corpus
from harness.report.document_view import CorpusView, build_corpus_view
from harness.report.significance import RankingNote, ranking_notes
from harness.runs.atomic import write_text_atomic
from harness.runs.compare import ComparisonRefused, RunSide, corpus_of, side_from_record
from harness.runs.record import RunRecord, read_record
from harness.runs.registry import RunRow
from harness.scoring.claims import SCORED_SLOTS
from harness.scoring.entities import MODES

MARKDOWN_NAME = "leaderboard.md"
HTML_NAME = "leaderboard.html"


class LeaderboardError(ValueError):
    """A leaderboard that cannot be built; the message says which run or file and why."""


class RunIndex(Protocol):
    """What the leaderboard needs of :class:`harness.runs.registry.RunRegistry`."""

    def list(self, extractor: str | None = None, setup: str | None = None) -> list[RunRow]: ...

    def get(self, run: str) -> RunRow: ...

    def latest_per_setup(self, gold_sha256: str | None = None) -> list[RunRow]: ...


@dataclass(frozen=True)
class Score:
    """One F1 and its bootstrap interval, as stored in ``metrics.json``; all None when not scored."""

    value: float | None
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, block: Mapping[str, Any] | None) -> Score:
        if not block or block.get("f1") is None:
            return cls(None)
        ci = block.get("f1_ci") or (None, None)
        return cls(float(block["f1"]), _float_or_none(ci[0]), _float_or_none(ci[1]))

    @property
    def scored(self) -> bool:
        return self.value is not None


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Speed:
    """Documents per second of a run; a run served from the cache borrows the figure of the run that computed."""

    per_second: float | None
    #: Run id the figure was measured in, when not this run (a cached run).
    measured_in: str | None = None


@dataclass(frozen=True)
class Entry:
    """One row of the leaderboard: a run of one setup and what its record says."""

    #: Row name: the setup, made unique when ``--run`` picks two runs of one setup.
    name: str
    row: RunRow
    #: F1 per entity mode (strict, exact, partial, type) over the labels the run was scored on.
    entities: Mapping[str, Score]
    #: Strict F1 per label scored.
    per_label: Mapping[str, Score]
    #: Labels the run was scored on (``metrics.json`` ``entities.labels``).
    labels: tuple[str, ...]
    #: Headline claim F1, None when the run's claims were not scored.
    claims: Score | None
    #: F1 per claim slot (empty when claims were not scored).
    slots: Mapping[str, Score]
    speed: Speed
    #: ``metrics.json`` ``bootstrap`` block: resamples, level, seed.
    bootstrap: Mapping[str, Any]

    @property
    def run_id(self) -> str:
        return self.row.run_id

    @property
    def setup(self) -> str:
        return self.row.setup


@dataclass(frozen=True)
class Leaderboard:
    """Everything both renderers show, in ranking order."""

    entries: tuple[Entry, ...]
    notes: tuple[RankingNote, ...]
    corpora: tuple[CorpusView, ...]
    #: Confidence level and resamples of the intervals (of the top row; the notes name any other).
    level: float
    resamples: int
    #: Problems met while building (a corpus that could not be loaded...), shown on both pages.
    warnings: tuple[str, ...] = ()


# --- choosing the runs ------------------------------------------------------------


def select_runs(index: RunIndex, gold_sha256: str | None, runs: Sequence[str] = ()) -> list[RunRow]:
    """The runs named in ``runs`` (ids, prefixes or record directories), else the latest per setup on the gold."""
    if runs:
        chosen = [index.get(run) for run in runs]
        seen: set[str] = set()
        unique = []
        for row in chosen:
            if row.run_id not in seen:
                seen.add(row.run_id)
                unique.append(row)
        return unique
    rows = index.latest_per_setup(gold_sha256=gold_sha256)
    if not rows:
        raise LeaderboardError(
            f"no runs on gold {(gold_sha256 or '')[:12]} in the registry; run `harness run configs/bench.yaml` first"
            " (or `harness runs reindex` if the run records are there but not indexed)"
        )
    return rows


def measured_speed(row: RunRow, index: RunIndex) -> Speed:
    """This run's documents per second, or that of the newest earlier run of the same extractor fingerprint that computed."""
    if row.documents_per_second is not None:
        return Speed(row.documents_per_second)
    for other in index.list(extractor=row.extractor):
        if (
            other.fingerprint_hash == row.fingerprint_hash
            and other.documents_per_second is not None
            and other.started_at <= row.started_at
        ):
            return Speed(other.documents_per_second, measured_in=other.run_id)
    return Speed(None)


# --- reading one run ------------------------------------------------------------------


def _read(row: RunRow) -> RunRecord:
    try:
        return read_record(Path(row.path))
    except (FileNotFoundError, ValueError) as err:
        raise LeaderboardError(f"run {row.run_id}: {err} (`harness runs reindex` drops records that are gone)") from None


def entry_from_record(name: str, row: RunRow, record: RunRecord, speed: Speed) -> Entry:
    """The leaderboard row of one run record."""
    metrics = record.metrics
    where = Path(row.path) / "metrics.json"
    entities = metrics.get("entities")
    if not isinstance(entities, dict):
        raise LeaderboardError(f"{where}: missing field entities")
    labels = tuple(entities.get("labels", ()))
    per_label_blocks = entities.get("per_label", {})
    claims = metrics.get("claims")
    return Entry(
        name=name,
        row=row,
        entities={mode: Score.of(entities.get(mode)) for mode in MODES},
        per_label={label: Score.of(per_label_blocks.get(label, {}).get("strict")) for label in labels},
        labels=labels,
        claims=Score.of(claims) if claims else None,
        slots={slot: Score.of(claims.get("slots", {}).get(slot)) for slot in SCORED_SLOTS} if claims else {},
        speed=speed,
        bootstrap=metrics.get("bootstrap", {}),
    )


def _names(rows: Sequence[RunRow]) -> list[str]:
    """Setup names, with the start time added where one setup appears more than once."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.setup] = counts.get(row.setup, 0) + 1
    return [row.setup if counts[row.setup] == 1 else f"{row.setup} ({row.started_at[:19]})" for row in rows]


def rank_key(entry: Entry) -> tuple[float, float, str, str]:
    """Entity strict F1 first, then claim F1 (a run without claims after any with), then name."""
    strict = entry.entities["strict"].value or 0.0
    claims = entry.claims.value if entry.claims is not None and entry.claims.value is not None else -1.0
    return (-strict, -claims, entry.name, entry.run_id)


# --- the corpora -----------------------------------------------------------------------


def _corpus_for(side: RunSide, given: Corpus | None, loaded: dict[str, Corpus]) -> Corpus:
    """The corpus a run was scored on: the one given when its gold matches, else the one ``run.json`` names."""
    gold = side.gold_sha256 or ""
    if given is not None and (not gold or gold == given.gold_sha256):
        return given
    if gold in loaded:
        return loaded[gold]
    corpus = corpus_of(side)
    if gold and corpus.gold_sha256 != gold:
        raise ComparisonRefused(
            f"the corpus of run {side.name} ({corpus.source}) now has gold {corpus.gold_sha256[:12]},"
            f" not {gold[:12]} as when it ran"
        )
    loaded[gold] = corpus
    return corpus


# --- the whole board --------------------------------------------------------------------


def build_leaderboard(rows: Sequence[RunRow], index: RunIndex, corpus: Corpus | None = None) -> Leaderboard:
    """Rank ``rows``, test neighbours, and build the document views.

    ``corpus`` is the gold the runs are expected on (the project gold by
    default in the CLI); a run on other gold is shown against the corpus its
    ``run.json`` names, when that is still there and unchanged.
    """
    if not rows:
        raise LeaderboardError("no runs to show")
    entries = []
    sides: dict[str, RunSide] = {}
    for name, row in zip(_names(rows), rows):
        record = _read(row)
        entries.append(entry_from_record(name, row, record, measured_speed(row, index)))
        try:
            sides[row.run_id] = side_from_record(Path(row.path))
        except (FileNotFoundError, ValueError) as err:
            raise LeaderboardError(f"run {row.run_id}: {err}") from None
    entries.sort(key=rank_key)

    warnings: list[str] = []
    loaded: dict[str, Corpus] = {}
    corpora: dict[str, Corpus] = {}
    for entry in entries:
        try:
            corpora[entry.run_id] = _corpus_for(sides[entry.run_id], corpus, loaded)
        except (ComparisonRefused, FileNotFoundError, ValueError) as err:
            warnings.append(f"{entry.name}: no per-document view or test: {err}")

    top = entries[0].bootstrap
    settings = {
        "seed": int(top.get("seed", DEFAULT_SEED)),
        "resamples": int(top.get("resamples", DEFAULT_RESAMPLES)),
        "level": float(top.get("level", DEFAULT_LEVEL)),
    }
    for entry in entries[1:]:
        if (entry.bootstrap.get("resamples"), entry.bootstrap.get("level")) != (top.get("resamples"), top.get("level")):
            warnings.append(
                f"{entry.name}: intervals from {entry.bootstrap.get('resamples')} resamples at level"
                f" {entry.bootstrap.get('level')}, not as stated for the top row"
            )
    notes = ranking_notes(entries, sides, corpora, **settings)

    views = []
    for gold in dict.fromkeys(c.gold_sha256 for c in corpora.values()):
        members = [e for e in entries if e.run_id in corpora and corpora[e.run_id].gold_sha256 == gold]
        views.append(build_corpus_view(corpora[members[0].run_id], [(e.name, e.labels, sides[e.run_id]) for e in members]))
    return Leaderboard(
        entries=tuple(entries),
        notes=notes,
        corpora=tuple(views),
        level=settings["level"],
        resamples=settings["resamples"],
        warnings=tuple(warnings),
    )


def write_leaderboard(board: Leaderboard, results_dir: Path) -> tuple[Path, Path]:
    """Write ``leaderboard.md`` and ``leaderboard.html`` into ``results_dir``, each atomically."""
    from harness.report.html import render_html
    from harness.report.markdown import render_markdown

    markdown_path, html_path = results_dir / MARKDOWN_NAME, results_dir / HTML_NAME
    markdown, page = render_markdown(board), render_html(board)
    write_text_atomic(markdown_path, markdown)
    write_text_atomic(html_path, page)
    return markdown_path, html_path
