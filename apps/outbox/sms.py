"""The SMS seam: the operator names a backend in ``CHIBO_SMS_BACKEND`` (a dotted path); empty means SMS is not
configured, and members without e-mail are told in person from the printed notice list.

A backend is a class with ``send(*, to, text)`` that raises on failure (the outbox retries, then shows the
failure). The one shipped here needs no outside network: it writes each SMS to a file, like Django's file
e-mail backend, for a trial or for a gateway that picks the files up."""

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class FileBackend(BaseSmsBackend):
    """One text file per SMS in ``CHIBO_SMS_FILE_PATH`` (var/sms/ by default)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or settings.CHIBO_SMS_FILE_PATH)

    def send(self, *, to: str, text: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{get_random_string(8)}.txt"
        (self.path / name).write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")


def sms_backend() -> BaseSmsBackend | None:
    path = getattr(settings, "CHIBO_SMS_BACKEND", "")
    return import_string(path)() if path else None


def sms_configured() -> bool:
    return bool(getattr(settings, "CHIBO_SMS_BACKEND", ""))
