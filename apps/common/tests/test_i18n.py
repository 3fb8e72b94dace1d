"""The Vietnamese catalogue is complete: every message in the code and templates is translated, none fuzzy,
and the compiled .mo matches the .po."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0)) for e in mo}
    for e in po.translated_entries():
        assert compiled.get((e.msgctxt, e.msgid)) == (e.msgstr or e.msgstr_plural.get(0)), e.msgid


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract messages from a copy of the sources and check the copy's catalogue stays complete.

    Needs GNU gettext (`make test` installs it when missing); without it this test fails rather than skips."""
    assert shutil.which("xgettext"), "GNU gettext is missing: apt-get install gettext"
    for folder in ("apps", "chibo", "templates", "locale"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "chibo.settings.test",
            "CHIBO_VAR_DIR": str(tmp_path / "var"),
        },
    )
    po = polib.pofile(str(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"run `make messages` and translate: {missing}"


def test_pages_declare_vietnamese(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="vi">' in html and "Đăng nhập" in html


def test_translation_functions_keep_names_that_makemessages_extracts():
    """xgettext only knows `_`, `gettext`, `gettext_lazy`, `ngettext`, `pgettext`…: a function imported under
    another alias (e.g. `gettext_lazy as _lazy`) hides its strings from the catalogue and they stay English."""
    alias = re.compile(r"import .*\b(?:n|p|np)?gettext(?:_lazy|_noop)?\s+as\s+(?!_\b)(\w+)")
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in ("apps", "chibo")
        for path in (ROOT / folder).rglob("*.py")
        for match in alias.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders
