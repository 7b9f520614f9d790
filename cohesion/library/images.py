"""Checking uploaded images with Pillow and storing a clean copy.

An upload is accepted only if Pillow recognises it as JPEG, PNG or WebP, it is
at most MAX_BYTES and MAX_PIXELS, and it decodes completely. What is stored is
Pillow's re-encoding, so metadata (EXIF, including GPS positions) and anything
smuggled after the image data are dropped.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
MAX_SIDE = 2400  # larger images are scaled down before storing
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message says why, for the person."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def clean_image(raw: bytes) -> CleanImage:
    if len(raw) > MAX_BYTES:
        raise ImageRejected("The image must be smaller than 5 MB")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format or ""
            if fmt not in FORMATS:
                raise ImageRejected("The image must be a JPEG, PNG or WebP")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected("The image must be at most 25 megapixels")
            probe.verify()
        # verify() leaves the image unusable: open again to decode and re-encode it.
        with Image.open(io.BytesIO(raw)) as opened:
            opened.load()
            image: Image.Image = opened
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format=fmt)
            width, height = image.size
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected(
            "The file is not an image we can read: use a JPEG, PNG or WebP"
        ) from None
    return CleanImage(data=out.getvalue(), content_type=FORMATS[fmt], width=width, height=height)
