"""PDF documents made on the server from Django templates, with WeasyPrint.

- WeasyPrint is imported lazily: without it or its system libraries (Pango) the rest of Helhet
  runs, `available()` says no, and a view answers with `unavailable()` (503, a link to the page
  the browser can print) instead of failing.
- The URL fetcher serves only Helhet's own static files, read from disk: rendering never makes
  a network call and cannot read any other file, whatever a template or a record names.
- The PDF is tagged (PDF/UA-1) where this WeasyPrint can write it, with the template's
  <title> and the active language as its metadata. Inline <svg> is drawn (charts).
"""

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

logger = logging.getLogger(__name__)


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs cannot be loaded."""


class RefusedURL(ValueError):
    """A URL the PDF renderer may not fetch: anything but Helhet's own static files."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango's shared libraries are missing
        logger.warning("PDF rendering is not available: %s", error)
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def available() -> bool:
    """Whether PDFs can be made here (WeasyPrint and Pango load)."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def static_path(url: str, base_url: str) -> Path:
    """The file on disk behind URL when URL names one of Helhet's static files under BASE_URL
    (found by the staticfiles finders, else in the collected static files); RefusedURL for any
    other URL: another host, file:, data:, a path that leaves the static folders."""
    prefix = urljoin(base_url, settings.STATIC_URL)
    if not url.startswith(prefix):
        raise RefusedURL(url)
    name = posixpath.normpath(unquote(urlsplit(url).path)[len(urlsplit(prefix).path) :])
    if name.startswith(("/", "..")) or name == ".":
        raise RefusedURL(url)
    try:
        found = finders.find(name) or (
            staticfiles_storage.exists(name) and staticfiles_storage.path(name)
        )
    except (SuspiciousFileOperation, NotImplementedError, ValueError):
        found = None
    if not found:
        raise RefusedURL(url)
    return Path(found)


def static_fetcher(base_url: str):
    """A WeasyPrint URL fetcher that answers only with static files (see `static_path`)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_path(url, base_url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticFilesOnly()


def _write(document) -> bytes:
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1")
    except Exception:
        # An older WeasyPrint without the variant, or a tagging bug on some content, must not
        # cost the person the document: write it untagged and tell the operator.
        logger.warning("Could not write a PDF/UA document; writing a plain PDF", exc_info=True)
        return document.write_pdf()


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """HTML, a whole document, as PDF bytes, fetching only static files under BASE_URL (the
    site's address, or any address when there is no request, as in a background task).
    PdfUnavailable when WeasyPrint cannot be loaded."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=static_fetcher(base_url)
    ).render()
    document.metadata.lang = document.metadata.lang or get_language()
    return _write(document)


def render_pdf(
    request: HttpRequest, template_name: str, context: dict, *, filename: str
) -> HttpResponse:
    """TEMPLATE_NAME rendered with CONTEXT as a PDF download named FILENAME.

    The template is a whole HTML document; its <title> becomes the PDF's title and its
    <html lang> (else the active language) the PDF's language. Stylesheets and images are
    fetched only from the static files. PdfUnavailable when WeasyPrint cannot be loaded."""
    html = render_to_string(template_name, context, request=request)
    response = HttpResponse(
        html_to_pdf(html, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    # A file of personal data: no shared or browser cache keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response


def unavailable(request: HttpRequest, *, fallback_url: str) -> HttpResponse:
    """The 503 page for a PDF that cannot be made here, linking to FALLBACK_URL (a page with
    the same content that the browser prints)."""
    return render(request, "pdf_unavailable.html", {"fallback_url": fallback_url}, status=503)
