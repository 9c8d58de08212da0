"""Uploads: the type is read from the bytes (Pillow for images), never from the file name, and what is
stored is made here, never the client's file.

- The stored name is generated (``<random hex>.<extension of the detected type>``): a client's name
  (``x.php``, ``.htaccess``, ``../../x``) never reaches the disk.
- Images are decoded and encoded again by Pillow: whatever was appended to or hidden in the file (HTML,
  a script) is dropped, and so is the EXIF block (cameras write the GPS position of the customer's site).
  The EXIF orientation is applied to the pixels first, so the photo stays upright.
- An image declaring more than ``MAX_IMAGE_PIXELS`` pixels is refused before it is decoded (an 84-byte PNG
  can declare 30000×30000, 2.7 GB once decoded).
"""

import io
import uuid
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from aftersales.core.errors import ValidationFailed

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
_PIL_TO_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_MIME_TO_PIL = {mime: fmt for fmt, mime in _PIL_TO_MIME.items()}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
# 50 megapixels: more than any phone or scanner photo of an invoice needs; decoded, about 150 MB.
MAX_IMAGE_PIXELS = 50_000_000


def _too_many_pixels(field: str) -> ValidationFailed:
    return ValidationFailed(
        "image_too_large",
        _("The image is larger than %(mp)d megapixels.") % {"mp": MAX_IMAGE_PIXELS // 1_000_000},
        field=field,
    )


def sniff_type(file: UploadedFile, *, field: str = "file") -> str | None:
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    try:
        with Image.open(file) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels(field)
            image.verify()
            kind = _PIL_TO_MIME.get(image.format or "")
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(field) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    file.seek(0)
    return kind


def check_upload(
    file: UploadedFile | None, *, field: str, allowed_types: tuple[str, ...] = IMAGE_TYPES, max_bytes: int | None = None
) -> str:
    """Return the detected content type, or raise 400 with the field and the reason."""
    if file is None:
        raise ValidationFailed("required", _("Choose a file."), field=field)
    limit = max_bytes or settings.AFTERSALES["PHOTO_MAX_BYTES"]
    if file.size is None or file.size > limit:
        raise ValidationFailed(
            "file_too_large", _("The file is larger than %(mb).1f MB.") % {"mb": limit / 1024 / 1024}, field=field
        )
    if file.size == 0:
        raise ValidationFailed("file_empty", _("The file is empty."), field=field)
    kind = sniff_type(file, field=field)
    if kind not in allowed_types:
        names = ", ".join(t.split("/")[1].upper() for t in allowed_types)
        raise ValidationFailed(
            "file_type", _("Only these file types are accepted: %(types)s.") % {"types": names}, field=field
        )
    return kind


@dataclass(frozen=True)
class CleanUpload:
    """What is stored for an upload: ``file`` is named ``<random>.<ext>`` and holds the re-encoded bytes."""

    file: ContentFile
    name: str
    content_type: str
    size: int


def _reencode(file: UploadedFile, kind: str, *, field: str) -> bytes:
    file.seek(0)
    try:
        with Image.open(file) as opened:
            image = ImageOps.exif_transpose(opened)  # upright pixels; the EXIF block itself is not kept
            fmt = _MIME_TO_PIL[kind]
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {"optimize": True}
            image.save(out, format=fmt, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:  # passed verify(), cannot decode
        raise ValidationFailed("file_type", _("The image could not be read."), field=field) from exc
    finally:
        file.seek(0)
    return out.getvalue()


def clean_upload(
    file: UploadedFile | None, *, field: str, allowed_types: tuple[str, ...] = IMAGE_TYPES, max_bytes: int | None = None
) -> CleanUpload:
    """``check_upload``, then the file to store: images re-encoded without EXIF, a PDF as sent; a
    generated name with the extension of the detected type."""
    kind = check_upload(file, field=field, allowed_types=allowed_types, max_bytes=max_bytes)
    file = cast(UploadedFile, file)  # check_upload refused None
    if kind in IMAGE_TYPES:
        data = _reencode(file, kind, field=field)
    else:
        file.seek(0)
        data = file.read()
        file.seek(0)
    name = f"{uuid.uuid4().hex}{EXTENSIONS[kind]}"
    return CleanUpload(file=ContentFile(data, name=name), name=name, content_type=kind, size=len(data))
