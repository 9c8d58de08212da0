"""Upload checks: the type is read from the bytes (Pillow for images), never from the file name."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from aftersales.core.errors import ValidationFailed

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
_PIL_TO_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def sniff_type(file: UploadedFile) -> str | None:
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    try:
        with Image.open(file) as image:
            image.verify()
            kind = _PIL_TO_MIME.get(image.format or "")
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
    kind = sniff_type(file)
    if kind not in allowed_types:
        names = ", ".join(t.split("/")[1].upper() for t in allowed_types)
        raise ValidationFailed(
            "file_type", _("Only these file types are accepted: %(types)s.") % {"types": names}, field=field
        )
    return kind
