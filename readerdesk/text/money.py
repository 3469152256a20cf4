"""Money in integer minor units of a currency: exponents, Stripe's minimum charges, parsing what a reader
typed, formatting, and the card-fee gross-up. Pure functions: nothing here touches the database.

Stripe counts amounts in the currency's smallest unit: cents for EUR (exponent 2), yen for JPY
(zero-decimal, exponent 0), fils for BHD (three-decimal, exponent 3). Stripe also wants three-decimal
amounts to end in 0 (they are settled in tens of the minor unit), so they are rounded to a multiple
of 10 here.
"""

from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from babel import Locale
from babel.numbers import parse_pattern

from readerdesk.text.marks import N_
from readerdesk.text.translatable import TranslatableError

if TYPE_CHECKING:  # text.languages formats money with this module: only its type is needed here
    from readerdesk.text.languages import Translator

# Stripe's zero-decimal currencies.
ZERO_DECIMAL_CURRENCIES = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
                                     "VND", "VUV", "XAF", "XOF", "XPF"})
# Stripe's three-decimal currencies (amounts must be multiples of 10 minor units).
THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

# Stripe's minimum charge per currency, in minor units. The listed ones are Stripe's own table; any
# other currency must come to at least 0.50 USD after conversion, so those below are that amount with
# a margin for exchange-rate moves (UAH 25.00, KRW 800, BHD 0.250...).
STRIPE_MINIMUM_CHARGE = {
    "USD": 50, "AED": 200, "AUD": 50, "BGN": 100, "BRL": 50, "CAD": 50, "CHF": 50, "CZK": 1500, "DKK": 250,
    "EUR": 50, "GBP": 30, "HKD": 400, "HUF": 17500, "INR": 50, "JPY": 50, "MXN": 1000, "MYR": 200, "NOK": 300,
    "NZD": 50, "PLN": 200, "RON": 200, "SEK": 300, "SGD": 50, "THB": 1000,
    "UAH": 2500, "KRW": 800, "BHD": 250, "JOD": 500, "KWD": 200, "OMR": 250, "TND": 2000,
}
# For a currency in neither list: about one US dollar in its minor units, assuming two decimals.
FALLBACK_MINIMUM_CHARGE = 100
# Stripe's largest amount for most currencies: eight digits of minor units.
STRIPE_MAXIMUM_CHARGE = 99_999_999

CURRENCY_RE = re.compile(r"[A-Z]{3}")
AMOUNT_RE = re.compile(r"[0-9]{1,9}(\.[0-9]{1,4})?")
_CODE_TOUCHING_DIGIT = re.compile(r"(?<=[A-Z]{3})(?=[0-9])|(?<=[0-9])(?=[A-Z]{3})")


@dataclass(frozen=True)
class Amount:
    """An amount as one of a sentence's values: ``str()`` writes it as format_amount does (the CLI,
    logs); the desk writes it in the page's language (views.locale.explain)."""

    minor: int
    currency: str

    def __str__(self) -> str:
        return format_amount(self.minor, self.currency)

    def say(self, translator: Translator) -> str:
        return translator.money(self.minor, self.currency)


class AmountError(TranslatableError, ValueError):
    """An amount a reader or an admin typed that cannot be charged; the message says why."""


def minor_exponent(currency: str) -> int:
    code = currency.upper()
    if code in ZERO_DECIMAL_CURRENCIES:
        return 0
    if code in THREE_DECIMAL_CURRENCIES:
        return 3
    return 2


def minimum_charge(currency: str) -> int:
    """Stripe's smallest charge in ``currency``, minor units."""
    return STRIPE_MINIMUM_CHARGE.get(currency.upper(), FALLBACK_MINIMUM_CHARGE)


def chargeable(amount: int, currency: str) -> int:
    """``amount`` as Stripe accepts it: three-decimal currencies rounded up to a multiple of 10."""
    if currency.upper() in THREE_DECIMAL_CURRENCIES:
        return -(-amount // 10) * 10
    return amount


def parse_amount(text: str, currency: str) -> int:
    """A reader's "5", "5.50" or "5,50" in major units → integer minor units. Raises AmountError."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    # Digits and at most one decimal point: no exponents ("1e999999999"), signs, NaN or infinity.
    if not AMOUNT_RE.fullmatch(cleaned):
        raise AmountError(N_("Enter the amount as a number, e.g. 5 or 7.50."))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(N_("Enter the amount as a number, e.g. 5 or 7.50.")) from None
    if not value.is_finite() or value <= 0:
        raise AmountError(N_("Enter an amount above zero."))
    exponent = minor_exponent(currency)
    minor = value.scaleb(exponent)
    if minor != minor.to_integral_value():
        raise (AmountError(N_("Use at most %(places)d decimal places."), places=exponent) if exponent
               else AmountError(N_("Use a whole amount.")))
    amount = int(minor.to_integral_value(ROUND_HALF_UP))
    if amount != chargeable(amount, currency):
        raise AmountError(N_("Use at most %(places)d decimal places."), places=exponent - 1)
    return amount


def format_amount(minor: int, currency: str, locale: Locale | str | None = None) -> str:
    """12345, "EUR" → "123.45 EUR"; 500, "JPY" → "500 JPY"; 1250, "BHD" → "1.250 BHD". With a ``locale``
    (a reader's page), the way that language writes money: 123450, "UAH", "uk" → "1 234,50 ₴"."""
    exponent = minor_exponent(currency)
    major = Decimal(minor).scaleb(-exponent)
    if locale is not None:  # the language's pattern, with the currency's decimals as Stripe counts them
        locale = Locale.parse(locale)
        pattern = copy(parse_pattern(locale.currency_formats["standard"].pattern))
        pattern.frac_prec = (exponent, exponent)
        written = pattern.apply(major, locale, currency=currency.upper(), currency_digits=False)
        return _CODE_TOUCHING_DIGIT.sub("\N{NO-BREAK SPACE}", written)  # "UAH 100.00", CLDR's currency spacing
    return f"{major:,.{exponent}f} {currency.upper()}"


def major_units(minor: int, currency: str) -> str:
    """An amount in major units without the code or separators: "1234.56", "300" (JPY), "0.250" (BHD)."""
    exponent = minor_exponent(currency)
    return f"{Decimal(minor).scaleb(-exponent):.{exponent}f}"


def gross_up_for_fee(amount: int, percent_bp: int, fixed: int, currency: str = "EUR") -> int:
    """The total to charge so that, after a card fee of ``percent_bp``/10000 of the total plus ``fixed``,
    the newsroom keeps at least ``amount``.

        total = ceil((amount + fixed) × 10000 / (10000 − percent_bp))

    In integer minor units, rounded up (and to a multiple of 10 in three-decimal currencies):
    300 at 1.5 % + 25 → ceil(325 × 10000 / 9850) = 330, and 330 − (4.95 + 25) = 300.05 ≥ 300.
    """
    if not 0 <= percent_bp < 10000:
        raise ValueError("percent_bp must be in [0, 10000)")
    return chargeable(-(-(amount + fixed) * 10000 // (10000 - percent_bp)), currency)


def check_chargeable(amount: int, currency: str) -> None:
    """Raise AmountError, with a sentence, for an amount Stripe would refuse in ``currency``."""
    smallest = minimum_charge(currency)
    if amount < smallest:
        raise AmountError(SMALLEST_AMOUNT, amount=Amount(smallest, currency))
    if amount > STRIPE_MAXIMUM_CHARGE:
        raise AmountError(N_("The largest amount we can accept is %(amount)s."),
                          amount=Amount(STRIPE_MAXIMUM_CHARGE, currency))
    if amount != chargeable(amount, currency):
        raise AmountError(N_("Amounts in %(currency)s must end in 0 (e.g. %(example)s)."), currency=currency.upper(),
                          example=Amount(chargeable(amount, currency), currency))


SMALLEST_AMOUNT = N_("The smallest amount we can accept is %(amount)s.")
