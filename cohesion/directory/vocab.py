"""Fixed lists the directory's forms and filters offer."""

from __future__ import annotations

# Languages commonly offered by services in the seed councils: (ISO 639 code, English name).
# British Sign Language has no ISO 639-1 code; "bfi" is its ISO 639-3 code.
LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"),
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("bfi", "British Sign Language"),
    ("zh", "Chinese"),
    ("cs", "Czech"),
    ("fa", "Farsi"),
    ("fr", "French"),
    ("gu", "Gujarati"),
    ("hi", "Hindi"),
    ("ku", "Kurdish"),
    ("ps", "Pashto"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("pa", "Punjabi"),
    ("ro", "Romanian"),
    ("sk", "Slovak"),
    ("so", "Somali"),
    ("ti", "Tigrinya"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
]
LANGUAGE_NAMES = dict(LANGUAGES)

DAYS: list[tuple[str, str]] = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
DAY_NAMES = dict(DAYS)

# Search radius choices, in miles.
RADII_MILES = [1, 2, 5, 10, 25]
DEFAULT_RADIUS_MILES = 5
