"""The date order a sheet's own text dates call for."""

from telecrm_desktop.core.convert.date_order import infer_date_order


def test_a_first_part_over_12_is_day_first():
    guess = infer_date_order({"Date": ["05/11/2026", "23.04.26"]}, "MDY")
    assert (guess.order, guess.certain, guess.conflict) == ("DMY", True, False)
    assert "“23.04.26” in “Date”" in guess.sentence()


def test_a_second_part_over_12_is_month_first():
    guess = infer_date_order({"Date": ["05/11/2026", "04-23-2026 10:30"]})
    assert (guess.order, guess.certain) == ("MDY", True)


def test_dates_that_fit_both_keep_the_order_and_say_so():
    guess = infer_date_order({"Date": ["05/11/2026", "01/02/2026"]}, "MDY")
    assert (guess.order, guess.certain) == ("MDY", False)
    assert "fit both orders" in guess.sentence() and "month first" in guess.sentence()


def test_columns_that_disagree_are_a_conflict():
    guess = infer_date_order({"A": ["23/04/2026"], "B": ["04/23/2026"]}, "DMY")
    assert guess.conflict and not guess.certain and guess.order == "DMY"
    assert "disagree" in guess.sentence()


def test_no_text_dates_no_sentence():
    import datetime as dt

    guess = infer_date_order({"A": [dt.date(2026, 4, 23), 5, "2026-04-23", "Pune", None]}, "DMY")
    assert not guess.has_dates and guess.sentence() == "" and guess.order == "DMY"
