"""Reading a member's row (docs/decisions/0012-imports.md): text repaired and tidied with its conversions noted, a
phone number as typed in Vietnam, the dates that cannot be true, the warnings worth a look. Plain values, no ORM."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from apps.common.vnlegacy import Encoding, repair, tidy_name
from apps.imports.rules import matching
from apps.imports.rules.plan import Conversion, Planned
from apps.members.rules import member as member_rules

PARTY_FOUNDED = date(1930, 2, 3)
FIRST_BIRTH = date(1900, 1, 1)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def repaired(planned: Planned, name: str, value: Any, *, person: bool = False, hint: Encoding | None = None) -> str:
    """The cell's text repaired (legacy fonts, decomposed Unicode) and its spaces tidied; a name capitalised. Each
    change is noted on the row, to be shown."""
    if blank(value):
        return ""
    typed = plain(value)
    fixed = repair(typed, hint=hint)
    if fixed.encoding != Encoding.UNICODE:
        planned.conversions.append(Conversion(name, str(fixed.encoding.value), typed, fixed.text))
    elif fixed.decomposed:
        planned.conversions.append(Conversion(name, "nfd", typed, fixed.text))
    tidy = tidy_name(fixed.text) if person else " ".join(fixed.text.split())
    if person and tidy != fixed.text:
        planned.conversions.append(Conversion(name, "spacing", fixed.text, tidy))
    return tidy


def phone(value: Any) -> str:
    """Spaces, dots and dashes taken out; a nine-digit number gets back the leading zero Excel dropped."""
    digits = "" if blank(value) else re.sub(r"[\s.\-()]", "", plain(value))
    return "0" + digits if digits.isdigit() and len(digits) == 9 else digits


def email(value: Any) -> str:
    return "" if blank(value) else plain(value).lower()


def conflict_message(found: matching.Match) -> str:
    if found.conflict == matching.AMBIGUOUS:
        return _("Several members have this name and date of birth: add the card number or the national ID.")
    if found.conflict == matching.NATIONAL_ID_DIFFERS:
        return _("A member with this name and date of birth has another national ID (member #%(pk)s).") % {
            "pk": found.others[0].pk
        }
    return _("A member with this national ID or name and date of birth has another card number (member #%(pk)s).") % {
        "pk": found.others[0].pk
    }


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (earlier when negative); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def date_problems(merged: dict[str, Any], today: date) -> dict[str, str]:
    """The dates of the member as the row would leave it that cannot be true: the member rules' (nothing in the
    future, in order), a birth from 1900 and at least 16 years ago, an admission after the Party's founding and
    after the 16th birthday."""
    born, admitted = merged.get("date_of_birth"), merged.get("admitted_on")
    problems = member_rules.member_date_errors(
        date_of_birth=born, admitted_on=admitted, official_on=merged.get("official_on"), today=today
    )
    if born and not FIRST_BIRTH <= born <= years_after(today, -16):
        problems.setdefault(
            "date_of_birth", _("The date of birth %(date)s is not plausible.") % {"date": f"{born:%d/%m/%Y}"}
        )
    if admitted and admitted < PARTY_FOUNDED:
        problems.setdefault("admitted_on", _("The date of admission is before the Party was founded (3/2/1930)."))
    if born and admitted and admitted < years_after(born, 16):
        problems.setdefault("admitted_on", _("The date of admission is too soon after the date of birth."))
    return problems


def warnings(planned: Planned, merged: dict[str, Any], today: date) -> None:
    """What does not refuse the row but is worth a look: a probation past its 12 months, an official member without
    a card number (a probationary one has none yet), an admission before the age of 18."""
    born, admitted = merged.get("date_of_birth"), merged.get("admitted_on")
    if merged.get("official_on"):
        if not merged.get("card_number"):
            planned.warn("card_number", _("An official member without a party card number."))
    elif admitted and member_rules.confirmation_due_on(admitted) < today:
        planned.warn("official_on", _("Probationary for more than 12 months: the confirmation is overdue."))
    if born and admitted and admitted < years_after(born, 18):
        planned.warn("admitted_on", _("Admitted before the age of 18: check the dates."))
