"""What a person sends stays theirs: uploads checked by their bytes and stored encrypted,
hostile answers shown as text on every public page, no name in a log or a URL."""

from __future__ import annotations

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client

from monell.web.cases.models import Lead, Upload
from monell.web.intake.uploads import sniff
from tests.web.interview_flow import SCREENS, finish, walk

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
CANARY = "Zebulon Canary-Quixote"


@pytest.fixture(autouse=True)
def cache_table(db: None) -> None:
    call_command("createcachetable", verbosity=0)


def _file(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_photos_and_pdfs_are_stored_encrypted() -> None:
    client = Client()
    walk(client)
    response = finish(
        client, files=[_file("bruise.png", PNG), _file("report.pdf", PDF, "application/pdf")]
    )
    assert response["Location"] == "/thanks/"
    uploads = {u.name: u for u in Upload.objects.filter(lead=Lead.objects.get())}
    assert (
        uploads["bruise.png"].content_type == "image/png"
        and bytes(uploads["bruise.png"].data) == PNG
    )
    assert uploads["report.pdf"].content_type == "application/pdf"
    with connection.cursor() as cursor:
        cursor.execute("SELECT data, name FROM cases_upload")
        for data, name in cursor.fetchall():
            assert data.startswith("m1:") and name.startswith("m1:")
            assert "PNG" not in data and "PDF" not in data and "bruise" not in name


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (
            lambda: [_file("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")],
            "is not a photo or a PDF",
        ),
        (
            lambda: [_file("run.exe", b"MZ\x90\x00" + b"\x00" * 60, "image/png")],
            "is not a photo or a PDF",
        ),
        (lambda: [_file("big.png", PNG + b"\x00" * 2048)], "is too big"),
        (lambda: [_file(f"p{i}.png", PNG) for i in range(3)], "at most 2 files"),
    ],
)
def test_wrong_type_too_big_or_too_many_files_are_refused(settings, upload, words) -> None:
    settings.MONELL_UPLOAD_MAX_BYTES = 1024
    settings.MONELL_UPLOAD_MAX_FILES = 2
    client = Client()
    walk(client)
    response = finish(client, files=upload())
    assert response.status_code == 400
    main = response.content.decode()
    assert words in main and 'id="err-files"' in main and 'aria-invalid="true"' in main
    assert Lead.objects.count() == 0 and Upload.objects.count() == 0


def test_sniffing_reads_bytes_not_names() -> None:
    assert sniff(PNG[:16]) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00") == "image/jpeg"
    assert sniff(PDF[:16]) == "application/pdf"
    assert sniff(b"\x00\x00\x00\x18ftypheic\x00\x00") == "image/heic"
    assert sniff(b"<svg xmlns='http://www.w3.org/2000/svg'>") is None
    assert sniff(b"GIF89a") == "image/gif"


HOSTILE = {
    "agency_name": "<script>alert('agency')</script> Police",
    "city": "Springfield\n## Injected heading",
    "officer": "![x](http://evil.example/x.png) <b>Doe</b>",
    "badge": "<img src=x onerror=alert(1)>",
    "narrative": "Line one\n\n# Not a heading\n<iframe src=//evil.example></iframe>\n![x](http://evil.example/y.png)",
    "name": "<svg onload=alert(1)>Rosa\nX-Injected: yes",
}
MARKUP = ("<script>", "<iframe", "<img src=x", "<b>Doe", "<svg", 'src="http://evil.example')


def test_hostile_answers_are_text_on_every_public_page() -> None:
    client = Client()
    changes = {
        "place": {"state": "MO", "city": HOSTILE["city"]},
        "agency_name": {"agency_name": HOSTILE["agency_name"]},
        "officers": {"name_0": HOSTILE["officer"], "badge_0": HOSTILE["badge"]},
        "narrative": {"narrative": HOSTILE["narrative"]},
    }
    walk(client, changes)
    pages = {}
    for slug, _ in SCREENS:
        pages[f"/q/{slug}/"] = client.get(f"/q/{slug}/")
    pages["/q/review/"] = client.get("/q/review/")
    client.post("/q/review/")
    pages["/result/"] = client.get("/result/")
    # A refused form shows the typed name back, escaped.
    pages["refused form"] = finish(client, {"name": HOSTILE["name"], "phone": "", "email": ""})
    finish(client, {"name": HOSTILE["name"]})
    pages["/thanks/"] = client.get("/thanks/")
    for where, response in pages.items():
        body = response.content.decode()
        for bad in MARKUP:
            assert bad not in body, (where, bad)
    review = pages["/q/review/"].content.decode()
    assert "&lt;script&gt;alert(&#x27;agency&#x27;)&lt;/script&gt; Police" in review
    assert "![x](http://evil.example/x.png) &lt;b&gt;Doe&lt;/b&gt;" in review
    result = pages["/result/"].content.decode()
    assert "&lt;script&gt;" in result  # the agency name is said as text in the summary
    assert Lead.objects.get().answers["agency"]["name"] == HOSTILE["agency_name"]


def test_a_canary_name_is_in_no_log_and_no_url(caplog, django_capture_on_commit_callbacks) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client()
    urls = []
    walk(client, {"officers": {"name_0": CANARY}, "narrative": {"narrative": f"{CANARY} hit me."}})
    client.post("/save/")
    with django_capture_on_commit_callbacks(execute=True):
        response = finish(client, {"name": CANARY, "email": "canary@example.org"})
    urls.append(response["Location"])
    urls.append(client.get("/thanks/").wsgi_request.get_full_path())
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "consultation request stored" in logged  # the log works; it holds no name
    assert CANARY not in logged and "Canary" not in logged and "canary@example.org" not in logged
    assert not any("Canary" in u for u in urls)
    with connection.cursor() as cursor:
        cursor.execute("SELECT detail, object_id, actor_label FROM audit_auditevent")
        audit = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM monell_web_cache")
        cache = repr(cursor.fetchall())
        cursor.execute("SELECT session_data FROM django_session")
        sessions = repr(cursor.fetchall())
    for stored in (audit, cache, sessions):
        assert "Canary" not in stored
