"""The Content-Security-Policy: on every response, with no inline script or style allowed, and
no template that would need them (inline <script>, on*= handlers, javascript: URLs, style
attributes or elements)."""

import re
from pathlib import Path

import pytest
from django.test import Client

import helhet

from .test_login_required import URLS

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
SOURCE = Path(helhet.__file__).resolve().parent
# Drawn into a PDF on the server (core/pdf.py), never served to a browser: no policy applies.
PDF_ONLY = {
    "followup/templates/followup/report_pdf.html",
    "governance/templates/governance/agreement_pdf.html",
    "governance/templates/governance/statement_pdf.html",
}
TEMPLATES = sorted(
    path
    for path in SOURCE.rglob("templates/**/*.html")
    if str(path.relative_to(SOURCE)) not in PDF_ONLY
)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.I),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style[\s>]", re.I),
}


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(client, db):
    response = client.get("/accounts/login/")
    assert directives(response) == POLICY
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(("name", "path"), URLS)
def test_every_page_carries_the_policy(county, name, path):
    client = Client()
    client.force_login(county.coordinator)
    for response in (client.get(path), Client().get(path)):
        assert directives(response) == POLICY, f"{name} ({response.status_code})"


def test_a_form_may_post_to_a_configured_identity_provider(tmp_path):
    """HELHET_CSP_FORM_ACTION adds origins to form-action, and nothing else."""
    import os
    import subprocess
    import sys

    code = (
        "from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    env = os.environ | {
        "HELHET_DEV": "1",
        "DJANGO_SETTINGS_MODULE": "helhet.settings",
        "PYTHONPATH": str(SOURCE.parent),
        "HELHET_VAR_DIR": str(tmp_path),
        "HELHET_CSP_FORM_ACTION": "https://idp.region.example",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[\"'self'\", 'https://idp.region.example']"


def test_the_scan_finds_what_it_looks_for():
    found = {
        kind
        for sample in [
            "<script>alert(1)</script>",
            '<button onclick="go()">',
            '<a href="javascript:go()">',
            '<rect style="fill:red">',
            "<style>p{}</style>",
        ]
        for kind, pattern in INLINE.items()
        if pattern.search(sample)
    }
    assert found == set(INLINE)
    allowed = ['<script src="/static/x.js" defer></script>', '<script type="application/json">']
    assert not any(p.search(s) for p in INLINE.values() for s in allowed)


def test_no_template_has_inline_script_or_style():
    assert len(TEMPLATES) > 50
    found = [
        f"{path.relative_to(SOURCE)}: {kind}"
        for path in TEMPLATES
        for kind, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


# An attribute written in a string of Python code (the SVG charts build their markup so).
ATTRIBUTE_IN_CODE = re.compile(r"""\s(?:style|on[a-z]+)=\\?["']|<script>""", re.I)


def test_no_python_code_writes_style_attributes_or_handlers():
    """The SVG charts (assessments/chart.py, followup/charts.py) and other generated markup."""
    assert ATTRIBUTE_IN_CODE.search("f'<rect style=\"fill:{c}\">'")
    found = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts and ATTRIBUTE_IN_CODE.search(path.read_text())
    ]
    assert found == []
