"""Judges of claim content: does a predicted claim assert the same thing as the gold claim?

The scorer aligns claims one-to-one and judges each pair in the ``evidence``
and ``strict`` modes (:mod:`harness.scoring.claims`); a judge adds the
``content`` mode on the same pairs. Modules:

- ``items``: what a judge sees (:class:`JudgeItem`) and answers (:class:`Judgement`);
- ``base`` / ``registry``: the :class:`Judge` protocol, built-ins and the
  ``harness.judges`` entry-point group;
- ``deterministic``: the baseline (evidence word overlap + the scorer's slot comparisons);
- ``llm`` (+ ``prompt``, ``verdicts``, ``constrained``): a prompted model through the
  extractors' LLM backends, JSON verdicts, cached answers, unjudged kept apart;
- ``apply``: a run's results with the ``content`` mode;
- ``agreement`` / ``validation``: confusion matrix, Cohen's kappa, the validation
  set in ``gold/judge/`` and measured agreements;
- ``floor``: the kappa below which content scores never rank.

This room imports scoring, text and the LLM backends; only ``runs``, ``report``
and ``cli`` import it. Nothing heavy is imported here.
"""
