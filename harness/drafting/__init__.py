"""Model-drafted gold and its review by a person.

``harness gold draft`` runs an extractor setup on texts and writes each result
as a gold file in the project's format, every item marked ``drafted: true``
and the file carrying a ``provenance`` block (:mod:`harness.drafting.draft`).
``harness gold review`` writes a self-contained page where a person accepts,
rejects, edits and adds items and exports the reviewed file
(:mod:`harness.drafting.page`), optionally served on 127.0.0.1, where a save
is validated and written (:mod:`harness.drafting.server`).

This room joins extractors and the corpus format, as ``runs`` does; nothing
below it imports it.
"""
