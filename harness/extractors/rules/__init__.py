"""The rule baseline extractor (registered as ``"rules"``).

Modules, bottom up:

- ``tokens``: words of a normalised document with their clitic readings;
- ``phrases``: finding listed phrases among tokens, longest first;
- ``lexicon``: reading the word lists in ``gazetteers/`` and ``cues/``;
- ``names``: PER/ORG/LOC/MISC rules and the flat resolution of candidates;
- ``entities``: names plus DATE/QUANTITY from ``harness.text``;
- ``sentences``: sentences and quotations of the raw text;
- ``claims``: speakers, evidence and claims;
- ``extractor``: the :class:`~harness.extractors.base.Extractor` and ``build``.
"""
