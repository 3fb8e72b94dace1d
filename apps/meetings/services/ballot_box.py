"""The ballot box of secret votes cast on phones: a choice is sealed (AES-GCM) when it is cast and opened only when
the vote closes (services.votes). Nothing here touches the database or logs anything.

- The key of a vote is derived with HKDF-SHA256 from ``settings.CHIBO_BALLOT_KEY`` (when set) or ``SECRET_KEY``, with
  the vote's id as the context: the key of one vote opens no other, and the vote's id is also the associated data,
  so a sealed ballot moved to another vote does not open.
- Every seal draws a fresh random 96-bit nonce: two ballots with the same choice never have the same bytes.
- Every choice is one byte of plaintext, so every sealed ballot has the same length (31 bytes): the size of a row
  does not tell the choice.
- A vote sealed under the previous secret (``SECRET_KEY_FALLBACKS``, or ``CHIBO_BALLOT_KEY_FALLBACKS``) still opens
  after the key was rotated during the vote.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = b"\x01"  # the format of a sealed ballot: version, nonce (12 bytes), ciphertext and tag (1 + 16 bytes)
NONCE_BYTES = 12
SEALED_BYTES = len(VERSION) + NONCE_BYTES + 1 + 16
CODES = {"for": b"F", "against": b"A", "abstain": b"N"}
CHOICES = {code: choice for choice, code in CODES.items()}


class Unopenable(Exception):
    """A sealed ballot that does not open with any of the server's keys (or is not a sealed ballot at all)."""


def _secrets() -> list[str]:
    """The server's secrets, the one that seals first: the ballot key when set, else the secret key."""
    own = getattr(settings, "CHIBO_BALLOT_KEY", None)
    if own:
        return [own, *getattr(settings, "CHIBO_BALLOT_KEY_FALLBACKS", [])]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _key(secret: str, vote_id: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"chibo sealed ballots v1",
        info=b"vote:%d" % vote_id,
    ).derive(secret.encode())


def _aad(vote_id: int) -> bytes:
    return b"chibo-ballot:vote:%d" % vote_id


def seal(vote_id: int, choice: str) -> bytes:
    """The choice ("for", "against", "abstain") sealed for the vote: opaque bytes of a fixed length."""
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(_key(_secrets()[0], vote_id)).encrypt(nonce, CODES[choice], _aad(vote_id))
    return VERSION + nonce + body


def open_sealed(vote_id: int, sealed: bytes) -> str:
    """The choice inside a sealed ballot of the vote; Unopenable when no key of the server opens it."""
    sealed = bytes(sealed)
    if len(sealed) != SEALED_BYTES or sealed[:1] != VERSION:
        raise Unopenable
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    for secret in _secrets():
        try:
            code = AESGCM(_key(secret, vote_id)).decrypt(nonce, body, _aad(vote_id))
        except InvalidTag:
            continue
        if code in CHOICES:
            return CHOICES[code]
    raise Unopenable
