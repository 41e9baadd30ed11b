"""Small real extractors for the executor tests, in a module of their own.

Worker processes unpickle them by importing this module, which imports
nothing heavy, so each spawned worker starts in a fraction of a second.
They label the first word of each document, log every finished document to
``log_dir/<pid>.log`` (so a test can count what every worker computed) and can
be told to fail, to raise ``KeyboardInterrupt`` or to kill their own process.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

from harness.annotations import Annotations, Entity, Prediction


class Labeller:
    """Labels each document's first word; logs finished documents to ``log_dir/<pid>.log``."""

    name = "first-word-logged"
    version = "1"
    entity_labels = ("MISC",)
    claim_slots = ()
    emits_claims = False

    def __init__(self, log_dir: Path | None = None, fail_on=frozenset(), interrupt_on=frozenset(), kill_on=frozenset()):
        self.log_dir = log_dir
        self.fail_on = frozenset(fail_on)
        self.interrupt_on = frozenset(interrupt_on)
        self.kill_on = frozenset(kill_on)

    def fingerprint(self):
        # What the test asks it to break on does not change a successful output.
        return {"name": self.name, "version": self.version}

    def extract(self, documents):
        ids = {d.doc_id for d in documents}
        if ids & self.interrupt_on:
            raise KeyboardInterrupt
        if ids & self.kill_on:
            os.kill(os.getpid(), signal.SIGKILL)
        out = []
        for doc in documents:
            if doc.doc_id in self.fail_on:
                raise RuntimeError(f"cannot read {doc.doc_id}")
            word = doc.text.split()[0]
            out.append(Prediction(doc.doc_id, Annotations(doc.doc_id, (Entity("e1", "MISC", 0, len(word), word),))))
        if self.log_dir is not None:
            with open(self.log_dir / f"{os.getpid()}.log", "a", encoding="utf-8") as log:
                log.write("".join(f"{p.doc_id}\n" for p in out))
        return out


class HoldsALock(Labeller):
    """An extractor object that cannot be pickled (it holds a lock)."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()


class Threaded(Labeller):
    """Declares a thread count of its own in its fingerprint, as engines with a threads setting do."""

    def __init__(self, threads):
        super().__init__()
        self.threads = threads

    def fingerprint(self):
        return {"name": self.name, "backend": {"kind": "local", "threads": self.threads}}
