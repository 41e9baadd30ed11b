"""The project's own gold format: ``DIR/gold/*.json`` beside ``DIR/seeds/*.txt`` (``gold/README.md``).

It has no options: a gold directory carries its own labels (the project's,
:data:`harness.annotations.ENTITY_LABELS`), its claims and its convention.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.corpus.formats.base import parse_options
from harness.corpus.load import Corpus, load_gold_dir


@dataclass(frozen=True)
class GoldDirOptions:
    """None: the gold files say everything."""


class GoldDirFormat:
    name = "gold-dir"
    options_type = GoldDirOptions
    path_options: tuple[str, ...] = ()

    def detect(self, path: Path) -> bool:
        return path.is_dir()

    def parse_options(self, raw: Mapping[str, Any]) -> GoldDirOptions:
        return parse_options(self.name, GoldDirOptions, raw)

    def load(self, path: Path, options: GoldDirOptions, *, allow_drafts: bool = False) -> Corpus:
        return load_gold_dir(path, allow_drafts)


FORMAT = GoldDirFormat()
