"""Held-out corpora written by independent writers (SMS with filler and reasons, Slack mrkdwn, phone-call
transcripts), scored in process with the comparison rules of ../shared/tools/score_corpus.py.

They were scored at first exposure before the reader was tuned on them (docs/reader.md has those
figures); now they guard against regression: each floor is the figure reached after tuning, so a change
that reads fewer texts right, or applies more wrong changes, fails here. The r2 corpora were written
afterwards by other writers and scored once, at first exposure, to measure the reader again (README).
r8 is the newest set (three kinds fixed from its Slack wrong changes); the next measurement needs
corpora newer than r8.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.blind_score import score

HERE = Path(__file__).parent
# corpus: (correct without asking, right or rightly asked, most wrong changes applied)
FLOORS = {
    "r1_sms": (0.785, 0.915, 3),
    "r1_slack": (0.82, 0.94, 4),
    "r1_voice": (0.675, 0.93, 0),
    # Fresh corpora, scored once at first exposure and never tuned on: their floors were those figures,
    # raised since by fixes made for kinds of phrasing seen in later rounds.
    "r2_sms": (0.695, 0.85, 2),
    "r2_slack": (0.795, 0.905, 6),
    "r2_voice": (0.785, 0.925, 1),
    # Third round, scored at first exposure on 1eb5cf1 (SMS 62/73/14, Slack 58/74/10, voice 51/69/6):
    # the floors start there and rise with the fixes made for their kinds.
    "r3_sms": (0.735, 0.825, 3),
    "r3_slack": (0.675, 0.835, 2),
    "r3_voice": (0.68, 0.84, 0),
    # Fourth round, first exposure on f53c7d9 (SMS 68/78/14, Slack 60/74/9, voice 67/82/7), and fifth,
    # first exposure on a1928ac (SMS 76/84/8, voice 65/77/9): floors at the figures after the fixes made
    # for their kinds (wrong changes down first).
    "r4_sms": (0.725, 0.83, 6),
    "r4_slack": (0.645, 0.775, 4),
    "r4_voice": (0.69, 0.835, 4),
    "r5_sms": (0.765, 0.845, 3),
    # r5 Slack, first exposure on 4738acc: 69/80/12 (the round's start, 944469b, scored 70/80/12).
    "r5_slack": (0.745, 0.845, 6),
    "r5_voice": (0.66, 0.78, 7),
    # Sixth round, first exposure on 8f9492d (SMS 82/94/5, Slack 81/92/4, voice 69/88/5); seventh, first
    # exposure on c8d9e56 after the fixes for r6 (SMS 79/89/9, Slack 80/89/5, voice 73/88/7); floors at
    # the figures after the fixes for their kinds.
    "r6_sms": (0.83, 0.945, 3),
    "r6_slack": (0.825, 0.94, 3),
    "r6_voice": (0.71, 0.895, 1),
    "r7_sms": (0.825, 0.92, 4),
    "r7_slack": (0.82, 0.91, 2),
    "r7_voice": (0.765, 0.905, 2),
    # Eighth round, first exposure on 99daf06 (SMS 72/88/5, Slack 76/84/10, voice 65/85/3); then three
    # kinds from r8 Slack's wrong changes were fixed (a yesterday story, a dangling arrow, a reopening
    # time after "for the night"): Slack's floor is the figure after them.
    "r8_sms": (0.715, 0.88, 5),
    "r8_slack": (0.76, 0.845, 7),
    "r8_voice": (0.65, 0.85, 3),
    # Ninth round, first exposure on e07c67e (SMS 75/88/7, Slack 77/89/13, voice 71/87/6); the floors are
    # the figures after this round's kinds were fixed on them.
    "r9_sms": (0.758, 0.879, 5),
    "r9_slack": (0.791, 0.912, 7),
    "r9_voice": (0.725, 0.887, 3),
    # Tenth round, scored once at first exposure on fa0dbf2 (after the r9 fixes) and not tuned on.
    "r10_slack": (0.741, 0.854, 4),
    "r10_voice": (0.64, 0.812, 5),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_held_out_corpus_keeps_its_floor(name):
    found = score(HERE / name)
    auto, right, wrong = FLOORS[name]
    misses = "\n".join(f"{v}: {t!r} -> {c}" for v, t, c, _ in found.misses if v == "wrong_auto")
    assert found.wrong_auto <= wrong, f"{found.line(name)}\n{misses}"
    assert found.auto_rate >= auto, found.line(name)
    assert found.right_rate >= right, found.line(name)
