"""Threshold calibration from results run with the thresholds at 0 (eval/calibrate.py)."""

from eval.calibrate import at_threshold, best, sweep, sweep2, sweep_joint


def _r(answerable, confidence, correct, check=None, abstained=False):
    return {"answerable": answerable, "confidence": confidence, "correct": correct, "check": check,
            "abstained": abstained}


RESULTS = [_r(True, 0.9, True, 0.8), _r(True, 0.7, True, 0.4), _r(True, 0.8, False, 0.9),
           _r(False, 0.6, False, 0.7), _r(False, 0.3, False, 0.2), _r(False, 0.75, False, 0.3)]


def test_a_threshold_refuses_what_falls_below_it():
    assert at_threshold(RESULTS, 0.0) == (2 / 3, 0.0)
    assert at_threshold(RESULTS, 0.65) == (2 / 3, 2 / 3)
    assert at_threshold(RESULTS, 0.85) == (1 / 3, 1.0)
    # an answer whose check falls below its threshold is refused too
    assert at_threshold(RESULTS, 0.65, 0.5) == (1 / 3, 1.0)


def test_the_suggestion_maximises_the_weaker_side():
    t, acc, ref = best(sweep(RESULTS, step=0.05))
    assert (acc, ref) == (2 / 3, 2 / 3) and 0.6 < t <= 0.7
    rows = sweep2(RESULTS, step=0.25)
    assert len(rows) == 25 and all(0.0 <= a <= 1.0 and 0.0 <= r <= 1.0 for *_, a, r in rows)


def test_an_answer_refused_anyway_stays_refused():
    assert at_threshold([_r(False, 0.99, True, abstained=True)], 0.5) == (0.0, 1.0)


def test_the_joint_threshold_refuses_on_the_mean_of_judgement_and_check():
    # means: 0.85, 0.55, 0.85 (answerable); 0.65, 0.25, 0.525 (unanswerable)
    assert at_threshold(RESULTS, 0.0, None, 0.6) == (1 / 3, 2 / 3)
    assert at_threshold(RESULTS, 0.0, None, 0.7) == (1 / 3, 1.0)
    rows = sweep_joint(RESULTS, step=0.25)
    assert len(rows) == 25 and all(0.0 <= a <= 1.0 and 0.0 <= r <= 1.0 for *_, a, r in rows)
