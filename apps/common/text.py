"""Text normalisation: everything stored as Unicode NFC; search keys without diacritics."""

import unicodedata

from unidecode import unidecode


def nfc(value: str | None) -> str:
    """Normalise to NFC and trim; legacy imports often arrive decomposed (NFD)."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def search_key(value: str | None) -> str:
    """Lower-case ASCII folding, so "chi bo 21" finds "Chi bộ 21" (đ → d included)."""
    return " ".join(unidecode(nfc(value)).lower().split())
