"""Utilities every room of the harness may use, and which use no room of it.

Atomic writes, the description of the machine and code a run came from, the
project's paths, the bounded YAML loader and the cap on printed problem lists
live here, below corpus, scoring, runs, extractors and training, so that a low
room (an extractor's cache, the model-file installer, the trainer) never has to
import a higher one to write a file or describe the machine. Nothing in this
package imports another part of ``harness``.
"""
