"""Committee mode's screens: attention first, split to fit the projector, dashboards in order."""
import pandas as pd

from ui import committee


def summary_of(ids_by_dashboard: dict[str, list[str]]) -> pd.DataFrame:
    """A summary frame with just the columns screens() reads."""
    return pd.DataFrame([{"dashboard": d, "indicator_id": i} for d, ids in ids_by_dashboard.items() for i in ids])


def test_attention_comes_first_and_splits_at_six():
    attention = pd.DataFrame({"indicator_id": [f"A{n}" for n in range(8)]})
    screens = committee.screens(summary_of({"1 EHC": ["E1"]}), attention)
    assert [screen.title for screen in screens] == ["Needs attention (1 of 2)", "Needs attention (2 of 2)", "1 EHC"]
    assert screens[0].ids == tuple(f"A{n}" for n in range(6)) and screens[1].ids == ("A6", "A7")


def test_empty_attention_still_has_its_screen():
    screens = committee.screens(summary_of({"1 EHC": ["E1"]}), pd.DataFrame({"indicator_id": []}))
    assert screens[0].kind == "attention" and screens[0].ids == ()


def test_a_dashboard_of_more_than_eight_indicators_takes_two_screens():
    screens = committee.screens(summary_of({"5 CiC": [f"C{n}" for n in range(10)]}),
                                      pd.DataFrame({"indicator_id": []}))
    assert [screen.title for screen in screens[1:]] == ["5 CiC (1 of 2)", "5 CiC (2 of 2)"]


def test_missing_dashboard_shows_its_overview_with_the_key_trends():
    screens = committee.screens(summary_of({"7 Missing": ["MFH01", "MFH02", "MFH03", "MFH05", "MFH07"]}),
                                      pd.DataFrame({"indicator_id": []}))
    assert screens[1].ids == ("MFH01", "MFH02", "MFH07")


def test_rotation_and_screen_number_are_forgiving():
    assert committee.rotation(None) is None
    assert committee.rotation("0") is None
    assert committee.rotation("3") == 10  # no faster than one screen every 10 seconds
    assert committee.rotation("45") == 45
    assert committee.rotation("soon") is None
    assert committee.screen_number("4", 9) == 3
    assert committee.screen_number("99", 9) == 8
    assert committee.screen_number("-2", 9) == 0
    assert committee.screen_number("x", 9) == 0
