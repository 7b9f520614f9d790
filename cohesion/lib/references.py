"""Human-readable, unguessable record references (e.g. HR-7K3M-Q9PX).

Random rather than sequential so a reference given to a member of the public
reveals nothing about how many reports there are, and cannot be used to guess
another. Crockford's alphabet leaves out I, L, O and U, which are misread.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix: str, groups: int = 2, size: int = 4) -> str:
    parts = ["".join(secrets.choice(ALPHABET) for _ in range(size)) for _ in range(groups)]
    return "-".join([prefix, *parts])


def normalise_reference(text: str) -> str:
    """What someone typed or read aloud, as stored: upper case, O→0, I/L→1, spaces removed."""
    cleaned = "".join(text.split()).upper()
    prefix, dash, rest = cleaned.partition("-")
    return prefix + dash + rest.translate(str.maketrans("OIL", "011"))
