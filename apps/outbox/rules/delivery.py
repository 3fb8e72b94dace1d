"""Plain rules of delivery: when to try a failed message again, when a queued message was given up by the worker,
what a phone number to text looks like, what of a mail server's answer may be kept."""

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

_PHONE = re.compile(r"\+?\d{9,15}")

# A queued message whose try was due this long ago is not on its way any more: the worker stopped in the middle of
# sending it (killed, restarted, out of memory) or is not running. Far beyond a send (EMAIL_TIMEOUT) or a queue of
# a whole district's reminders.
STALLED_AFTER = timedelta(hours=1)


def retry_delay(*, attempts: int, delays: Sequence[int]) -> timedelta | None:
    """After ``attempts`` failed attempts, how long to wait before the next one; None: stop and leave it failed.

    ``delays`` are in seconds and grow (e.g. 1 minute, 10 minutes, 1 hour): a mail server that is down for a
    moment gets the message on the next try, one that is down for hours is not hammered."""
    if attempts < 1:
        raise ValueError("attempts starts at 1")
    if attempts > len(delays):
        return None
    return timedelta(seconds=delays[attempts - 1])


def stalled(*, due_at: datetime, now: datetime) -> bool:
    """A queued message due at ``due_at`` (its first try when it was queued, else the next try after a failure)
    that has had no outcome for ``STALLED_AFTER``: nothing will deliver it, so it is shown as not delivered."""
    return now - due_at > STALLED_AFTER


def redact(text: str, address: str) -> str:
    """A mail server's answer without the recipient's address, which servers repeat ("550 <a@b.vn>: rejected"):
    the log and the page keep the answer, not who it was about."""
    return re.sub(re.escape(address), "…", text, flags=re.IGNORECASE) if address else text


def sms_address(phone: str) -> str:
    """The number to text, from a phone field as people type it ("0912 345 678", "+84-912.345.678"); "" if none."""
    compact = re.sub(r"[\s.\-()]", "", phone or "")
    return compact if _PHONE.fullmatch(compact) else ""
