"""Plain rules of delivery: when to try a failed message again, what a phone number to text looks like."""

import re
from collections.abc import Sequence
from datetime import timedelta

_PHONE = re.compile(r"\+?\d{9,15}")


def retry_delay(*, attempts: int, delays: Sequence[int]) -> timedelta | None:
    """After ``attempts`` failed attempts, how long to wait before the next one; None: stop and leave it failed.

    ``delays`` are in seconds and grow (e.g. 1 minute, 10 minutes, 1 hour): a mail server that is down for a
    moment gets the message on the next try, one that is down for hours is not hammered."""
    if attempts < 1:
        raise ValueError("attempts starts at 1")
    if attempts > len(delays):
        return None
    return timedelta(seconds=delays[attempts - 1])


def sms_address(phone: str) -> str:
    """The number to text, from a phone field as people type it ("0912 345 678", "+84-912.345.678"); "" if none."""
    compact = re.sub(r"[\s.\-()]", "", phone or "")
    return compact if _PHONE.fullmatch(compact) else ""
