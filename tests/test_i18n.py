"""Spanish is complete: every string is translated, compiled, and served on request."""

import shutil
import subprocess
import sys

import polib
import pytest

from tests.conftest import IN_CI, PROJECT_DIR

CATALOGUE = PROJECT_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
SOURCE_DIRS = ("agencyrank", "accounts", "agencies", "reviews", "templates")


def entry_key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def test_every_spanish_string_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [], f"missing Spanish for: {untranslated}"
    assert fuzzy == [], f"fuzzy Spanish for: {fuzzy}"
    plural_gaps = [
        e.msgid for e in catalogue if e.msgid_plural and not all(e.msgstr_plural.values())
    ]
    assert plural_gaps == []


def test_the_catalogue_holds_every_string_marked_in_the_code(tmp_path):
    """makemessages over a copy of the sources finds nothing the catalogue lacks."""
    if not shutil.which("xgettext"):
        message = "gettext is not installed (apt-get install gettext)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    for name in SOURCE_DIRS:
        shutil.copytree(
            PROJECT_DIR / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "migrations"),
        )
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--locale", "es", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ""},
    )
    extracted = polib.pofile(str(tmp_path / "locale/es/LC_MESSAGES/django.po"))
    committed = {entry_key(e) for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    missing = sorted({entry_key(e) for e in extracted} - committed)
    assert missing == [], f"run `make messages` and translate: {missing}"


def test_the_compiled_catalogue_matches_the_translations():
    source = {
        entry_key(e): e.msgstr
        for e in polib.pofile(str(CATALOGUE))
        if e.translated() and not e.msgid_plural
    }
    compiled = {entry_key(e): e.msgstr for e in polib.mofile(str(COMPILED)) if not e.msgid_plural}
    assert {k: v for k, v in source.items() if k[1]} == {k: v for k, v in compiled.items() if k[1]}


@pytest.mark.django_db
def test_the_language_switcher_serves_the_site_in_spanish(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in page
    assert "Clasificación de agencias" in client.get("/agencies/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Agency rankings" in client.get("/agencies/").content.decode()


@pytest.mark.django_db
def test_a_spanish_browser_gets_spanish_without_choosing(client):
    page = client.get("/", headers={"accept-language": "es-ES,es;q=0.9"}).content.decode()
    assert '<html lang="es">' in page


TRANSLATION_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}


def test_no_string_is_marked_for_translation_inside_an_f_string():
    """makemessages never sees a string marked inside an f-string: it would stay English."""
    import ast

    found = []
    for folder in SOURCE_DIRS:
        for path in sorted((PROJECT_DIR / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Name)
                        and inner.func.id in TRANSLATION_CALLS
                    ):
                        found.append(f"{path.relative_to(PROJECT_DIR)}:{inner.lineno}")
    assert found == []
