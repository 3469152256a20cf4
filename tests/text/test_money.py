import pytest

from readerdesk.text.money import (
    Amount,
    AmountError,
    check_chargeable,
    format_amount,
    gross_up_for_fee,
    major_units,
    minimum_charge,
    minor_exponent,
    parse_amount,
)


@pytest.mark.parametrize("amount, expected", [(300, 330), (1000, 1041), (1, 27), (100_000, 101_549)])
def test_covering_the_fee_leaves_the_newsroom_the_pledge(amount, expected):
    total = gross_up_for_fee(amount, 150, 25)
    assert total == expected
    # Stripe's fee on the total, rounded to the nearest minor unit, leaves at least the pledge.
    fee = round(total * 0.015) + 25
    assert total - fee >= amount
    assert gross_up_for_fee(amount, 0, 0) == amount


@pytest.mark.parametrize("text, currency, minor", [("5", "EUR", 500), ("7.50", "EUR", 750), ("7,5", "EUR", 750),
                                                    ("1 000", "UAH", 100000), ("500", "JPY", 500),
                                                    ("1.5", "BHD", 1500), ("2.25", "KWD", 2250)])
def test_amounts_become_minor_units(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize("text", ["", "abc", "-3", "0", "1.234", "NaN", "inf", "1e999999999", "1e-999999999", "+5",
                                  "99999999999", "5..0"])
def test_bad_amounts_are_refused_with_a_reason(text):
    with pytest.raises(AmountError):
        parse_amount(text, "EUR")
    with pytest.raises(AmountError):
        parse_amount("5.5", "JPY")


def test_three_decimal_currencies_reach_stripe_in_thousandths_ending_in_zero():
    # 1.500 BHD is 1500 fils, not 150 (which would be 10× too small).
    assert minor_exponent("BHD") == 3 and parse_amount("1.5", "BHD") == 1500
    with pytest.raises(AmountError, match="at most 2 decimal places"):
        parse_amount("1.505", "BHD")  # Stripe takes three-decimal amounts in tens of the minor unit
    assert gross_up_for_fee(1500, 150, 0, "BHD") % 10 == 0
    assert format_amount(1500, "BHD") == "1.500 BHD" and major_units(1500, "BHD") == "1.500"


def test_zero_decimal_currencies_have_no_minor_unit():
    assert minor_exponent("JPY") == 0 and minor_exponent("krw") == 0
    assert format_amount(500, "JPY") == "500 JPY" and major_units(500, "JPY") == "500"
    assert gross_up_for_fee(500, 360, 0, "JPY") == 519


def test_format_amount():
    assert format_amount(123456, "eur") == "1,234.56 EUR"


def test_stripe_minimums_are_refused_with_a_sentence():
    assert minimum_charge("EUR") == 50 and minimum_charge("JPY") == 50 and minimum_charge("UAH") == 2500
    check_chargeable(2500, "UAH")
    with pytest.raises(AmountError, match="The smallest amount we can accept is 25.00 UAH"):
        check_chargeable(300, "UAH")
    with pytest.raises(AmountError, match="50 JPY"):
        check_chargeable(49, "JPY")
    with pytest.raises(AmountError, match="must end in 0"):
        check_chargeable(1505, "BHD")


def test_a_refusal_carries_the_amount_for_the_desk_to_write_in_its_language():
    with pytest.raises(AmountError) as refused:
        check_chargeable(300, "UAH")
    assert refused.value.values == {"amount": Amount(2500, "UAH")} and str(Amount(2500, "UAH")) == "25.00 UAH"
