"""Text normalisation: everything stored as Unicode NFC; search keys without diacritics."""

import unicodedata

from unidecode import unidecode

# Bidirectional embedding, override and isolate controls: invisible, they make a stored name or place display as
# another text (a right-to-left override turns "Lê Văn An" around); Vietnamese text never needs them.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def nfc(value: str | None) -> str:
    """Normalise to NFC, drop bidirectional controls and trim; legacy imports often arrive decomposed (NFD)."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", str(value)).translate(BIDI_CONTROLS).strip()


def search_key(value: str | None) -> str:
    """Lower-case ASCII folding, so "chi bo 21" finds "Chi bộ 21" (đ → d included)."""
    return " ".join(unidecode(nfc(value)).lower().split())
