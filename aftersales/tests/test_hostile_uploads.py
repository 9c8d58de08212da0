"""Hostile uploads (issue 8, findings 13 and 16; docs/security.md "Hostile input"): what is stored is made by
us — a generated name, images re-encoded without EXIF or anything appended — replaced proofs are deleted,
image bombs are refused before decoding, and photos have a quota."""

import io
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service import services
from aftersales.service.models import Attachment, Visit
from aftersales.service.tests.factories import make_order

GENERATED = re.compile(r"^[0-9a-f]{32}\.(png|jpg|webp|pdf)$")


def png_bytes(size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(0x8825)[2] = (31.0, 14.0, 0.0)  # GPSLatitude: the customer's site
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A PNG of a few dozen bytes whose header declares width × height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.fixture
def tech(users: dict[str, Any], api_client: Any) -> Any:
    return api_client(users[Role.TECHNICIAN])


def stored(path: str) -> bytes:
    from django.conf import settings

    return (Path(settings.MEDIA_ROOT) / path).read_bytes()


# ---- names --------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("name", ["x.php", ".htaccess", "../../evil.png", "photo.png"])
def test_a_photo_is_stored_under_a_generated_name(name, order, tech):
    response = tech.post(f"/api/v1/orders/{order.pk}/photos", {"file": SimpleUploadedFile(name, png_bytes())})

    assert response.status_code == 201, response.content
    stored_name = Path(Attachment.objects.get().file.name)
    assert GENERATED.match(stored_name.name), stored_name
    assert stored_name.parent.as_posix().startswith("photos/")


@pytest.mark.django_db
def test_a_proof_is_stored_under_a_generated_name_with_the_type_s_extension(users, centre, api_client):
    unit = UnitFactory(customer=CustomerFactory(service_center=centre))
    pdf = SimpleUploadedFile("invoice.php", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    response = api_client(users[Role.AGENT]).post(f"/api/v1/units/{unit.pk}/proof", {"file": pdf})

    assert response.status_code == 200, response.content
    name = Path(Unit.objects.get(pk=unit.pk).proof_file.name).name
    assert GENERATED.match(name) and name.endswith(".pdf"), name


# ---- re-encoding ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_image_with_html_appended_is_stored_without_it(order, tech):
    polyglot = png_bytes() + b"<html><script>alert(document.cookie)</script></html>"

    response = tech.post(f"/api/v1/orders/{order.pk}/photos", {"file": SimpleUploadedFile("p.png", polyglot)})

    assert response.status_code == 201, response.content
    data = stored(Attachment.objects.get().file.name)
    assert b"<script>" not in data and b"<html>" not in data
    assert Image.open(io.BytesIO(data)).size == (40, 20)


@pytest.mark.django_db
def test_a_photo_s_exif_position_is_not_stored(order, tech):
    original = jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif()  # the test file has EXIF

    response = tech.post(f"/api/v1/orders/{order.pk}/photos", {"file": SimpleUploadedFile("p.jpg", original)})

    assert response.status_code == 201, response.content
    photo = Attachment.objects.get()
    data = stored(photo.file.name)
    assert not Image.open(io.BytesIO(data)).getexif()
    assert b"PhoneMaker" not in data
    assert photo.size == len(data)


@pytest.mark.django_db
def test_a_signature_is_reencoded_too(order, users, tech):
    visit = services.record_visit(order, by=users[Role.TECHNICIAN])
    png = png_bytes() + b"<?php system($_GET['c']); ?>"

    response = tech.post(
        f"/api/v1/visits/{visit.pk}/signature", {"signer_name": "王五", "signature": SimpleUploadedFile("s.png", png)}
    )

    assert response.status_code == 200, response.content
    name = Visit.objects.get(pk=visit.pk).signature.name
    assert GENERATED.match(Path(name).name)
    assert b"<?php" not in stored(name)


# ---- image bombs (finding 13) ------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("size", [(30000, 30000), (10000, 5001)])
def test_an_image_declaring_too_many_pixels_is_refused(size, order, tech):
    bomb = bomb_png(*size)
    assert len(bomb) < 100

    response = tech.post(f"/api/v1/orders/{order.pk}/photos", {"file": SimpleUploadedFile("b.png", bomb)})

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("image_too_large", "file")
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_proof_declaring_too_many_pixels_is_refused(users, centre, api_client):
    unit = UnitFactory(customer=CustomerFactory(service_center=centre))

    response = api_client(users[Role.AGENT]).post(
        f"/api/v1/units/{unit.pk}/proof", {"file": SimpleUploadedFile("b.png", bomb_png())}
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "image_too_large"
    assert not Unit.objects.get(pk=unit.pk).proof_file


# ---- replaced proofs -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_replaced_proof_file_is_deleted_after_commit(users, centre, api_client, django_capture_on_commit_callbacks):
    unit = UnitFactory(customer=CustomerFactory(service_center=centre))
    client = api_client(users[Role.AGENT])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/units/{unit.pk}/proof", {"file": SimpleUploadedFile("a.png", png_bytes())})
    first = Unit.objects.get(pk=unit.pk).proof_file
    first_path = Path(first.path)
    assert first_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/units/{unit.pk}/proof", {"file": SimpleUploadedFile("b.png", png_bytes())})

    assert response.status_code == 200, response.content
    assert not first_path.exists()
    assert Path(Unit.objects.get(pk=unit.pk).proof_file.path).exists()


@pytest.mark.django_db
def test_a_replaced_proof_is_kept_until_the_commit(users, centre, django_capture_on_commit_callbacks):
    from aftersales.installed_base.services import attach_proof_of_purchase

    unit = UnitFactory(customer=CustomerFactory(service_center=centre))
    attach_proof_of_purchase(unit=unit, by=users[Role.AGENT], file=SimpleUploadedFile("a.png", png_bytes()))
    first_path = Path(Unit.objects.get(pk=unit.pk).proof_file.path)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attach_proof_of_purchase(unit=unit, by=users[Role.AGENT], file=SimpleUploadedFile("b.png", png_bytes()))

    assert first_path.exists()  # not yet committed: a rollback would still find it
    assert len(callbacks) == 1


# ---- quotas ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_order_holds_at_most_photos_per_order(order, tech, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "PHOTOS_PER_ORDER": 2}
    for _ in range(2):
        assert (
            tech.post(
                f"/api/v1/orders/{order.pk}/photos", {"file": SimpleUploadedFile("p.png", png_bytes())}
            ).status_code
            == 201
        )

    response = tech.post(f"/api/v1/orders/{order.pk}/photos", {"file": SimpleUploadedFile("p.png", png_bytes())})

    assert response.status_code == 409, response.content
    assert (response.json()["code"], response.json()["limit"]) == ("photo_limit", 2)
    assert Attachment.objects.count() == 2


@pytest.mark.django_db
def test_a_user_adds_at_most_photos_per_user_per_day(order, users, tech, settings, centre):
    settings.AFTERSALES = {**settings.AFTERSALES, "PHOTOS_PER_USER_PER_DAY": 2}
    other = make_order(by=users[Role.AGENT], customer=order.customer)
    other = services.assign_technician(other, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    for target in (order, other):
        assert (
            tech.post(
                f"/api/v1/orders/{target.pk}/photos", {"file": SimpleUploadedFile("p.png", png_bytes())}
            ).status_code
            == 201
        )

    response = tech.post(f"/api/v1/orders/{other.pk}/photos", {"file": SimpleUploadedFile("p.png", png_bytes())})

    assert response.status_code == 429, response.content
    assert response.json()["code"] == "upload_quota"
    assert Attachment.objects.count() == 2
