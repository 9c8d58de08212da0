"""A PDF's stylesheets and logo come from where the app serves static files. Under ``make run`` and in
production (the manifest storage) ``{% static %}`` names the hashed copy, which the finders do not
know: every quote and invoice PDF came out without its print CSS and logo (found by hand, 2026-12-06:
"Failed to load stylesheet at https://pdf.aftersales.invalid/static/css/print-pdf.….css")."""

import json

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static

from aftersales.money import pdf


@pytest.fixture
def manifest(settings, tmp_path):
    """The manifest storage over a collected copy of the print stylesheet alone (as collectstatic leaves it)."""
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "print-pdf.0123456789ab.css").write_text("@page { size: A4 }")
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/print-pdf.css": "css/print-pdf.0123456789ab.css"}, "version": "1.1"})
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    staticfiles_storage._setup()
    yield
    staticfiles_storage._wrapped = type(staticfiles_storage._wrapped)  # reset to lazy for the next test
    staticfiles_storage._setup()


def test_the_hashed_stylesheet_is_read_from_the_collected_files(manifest):
    url = static("css/print-pdf.css")
    assert "0123456789ab" in url

    response = pdf._fetch(pdf.BASE_URL.rstrip("/") + url)

    assert response.read() == b"@page { size: A4 }"
    assert response.headers.get_content_type() == "text/css"


def test_a_source_file_is_read_under_the_development_server(settings):
    response = pdf._fetch(pdf.BASE_URL + "static/css/print-pdf.css")

    assert response.read() == (settings.BASE_DIR / "aftersales/static/css/print-pdf.css").read_bytes()
    assert response.headers.get_content_type() == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/static/css/print-pdf.css",
        pdf.BASE_URL + "static/css/missing.css",
        pdf.BASE_URL + "static/../settings.py",
        pdf.BASE_URL + "media/anything.png",
    ],
)
def test_anything_else_is_refused(url):
    with pytest.raises(ValueError, match="not fetched"):
        pdf._fetch(url)
