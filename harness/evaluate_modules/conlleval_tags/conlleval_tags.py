"""``evaluate`` module: conlleval-compatible entity scores over tag sequences.

Each prediction and reference is one sentence's list of tags (``B-PER``,
``I-PER``, ``O``, ...). ``scheme="conlleval"`` (default) chunks as
conlleval.pl and seqeval's default mode do; ``scheme="iob2"`` is strict IOB2
(seqeval ``mode="strict"``). Returns overall precision / recall / F1 and one
row per type, as seqeval's ``evaluate`` module does.
"""

import datasets
import evaluate

from harness.scoring.conlleval import score_tag_sequences


class ConllevalTags(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=__doc__,
            citation="CoNLL-2000 shared task, conlleval.pl (2004-01-26)",
            inputs_description="predictions, references: one list of tags per sentence",
            features=datasets.Features(
                {"predictions": datasets.List(datasets.Value("string")), "references": datasets.List(datasets.Value("string"))}
            ),
        )

    def _compute(self, predictions, references, scheme="conlleval"):
        strict = score_tag_sequences(references, predictions, scheme=scheme).strict
        out: dict[str, object] = {
            row.label: {"precision": row.prf.precision, "recall": row.prf.recall, "f1": row.prf.f1, "number": row.counts.possible}
            for row in strict.per_label
        }
        out.update(overall_precision=strict.micro.precision, overall_recall=strict.micro.recall, overall_f1=strict.micro.f1)
        return out
