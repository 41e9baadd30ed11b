"""The kappa floor: which content metrics may rank runs."""

from __future__ import annotations

from harness.judging.floor import JudgeInfo, rankable_metrics, refusal

GOOD = JudgeInfo("careful", "aaaa", 0.72)
WEAK = JudgeInfo("weak", "bbbb", 0.41)
UNMEASURED = JudgeInfo("new", "cccc", None)


def test_judge_above_the_floor_may_rank():
    assert refusal(GOOD, 0.6) is None
    kept, refused = rankable_metrics(("claims.content.f1", "claims.strict.f1"), [GOOD, GOOD], 0.6)
    assert kept == ("claims.content.f1", "claims.strict.f1") and refused == ()


def test_judge_below_the_floor_or_unmeasured_never_ranks():
    assert "below the floor 0.6" in refusal(WEAK, 0.6)
    assert "never measured" in refusal(UNMEASURED, 0.6)
    assert "no judge" in refusal(None, 0.6)
    kept, refused = rankable_metrics(("claims.content.f1", "claims.strict.f1"), [GOOD, WEAK], 0.6)
    assert kept == ("claims.strict.f1",)
    assert len(refused) == 1 and refused[0].startswith("claims.content.f1 is shown but does not rank") and "weak" in refused[0]


def test_runs_judged_by_different_judges_do_not_rank_by_content():
    other = JudgeInfo("careful-too", "dddd", 0.8)
    kept, refused = rankable_metrics(("claims.content.f1",), [GOOD, other], 0.6)
    assert kept == () and "2 different judges" in refused[0]


def test_judge_info_is_read_from_run_json():
    run = {"judge": {"name": "deterministic", "identity_hash": "65dc", "kappa": 0.5}}
    assert JudgeInfo.of_run(run) == JudgeInfo("deterministic", "65dc", 0.5)
    assert JudgeInfo.of_run({"judge": None}) is None
    assert JudgeInfo.of_run(run).describe() == "judge deterministic, κ 0.50"
