"""The rooms of ``harness gate`` (:mod:`harness.gate` runs them): the gate file, the current run, the verdicts."""
