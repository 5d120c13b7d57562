"""The Swedish, Finnish and German catalogues: complete, current, and compilable.

`make test` fails here when a string in the code (Python, templates, and so the
editor's strings, which come from the page's <template id="board-strings">) has no
translation in one of the languages, when a translation is fuzzy, or when a catalogue
does not compile. Fix: `manage.py makemessages -l sv -l fi -l de --no-obsolete
--no-location --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles
--ignore=test-results`, translate what it added (and what it marked fuzzy) in all three,
and run the tests again. Without locations, two changes that add strings merge cleanly.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LANGUAGES = ["sv", "fi", "de"]
LOCALE = Path(settings.BASE_DIR) / "locale"


def statistics(po: Path) -> str:
    """msgfmt's count of translated, fuzzy and untranslated messages; fails on errors."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: install Debian's gettext package (make test does)"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    counts = statistics(LOCALE / language / "LC_MESSAGES" / "django.po")

    assert re.search(r"\d+ translated message", counts), counts
    assert "fuzzy" not in counts, counts
    assert "untranslated" not in counts, counts


def test_the_catalogues_hold_every_string_of_the_code(tmp_path, settings, monkeypatch):
    # makemessages writes into the `locale` folder beside the sources it reads: give it
    # the sources through links, beside a copy of the catalogues, so the real ones stay.
    base = Path(settings.BASE_DIR)
    for folder in ("journeymap", "boards", "templates", "static"):
        (tmp_path / folder).symlink_to(base / folder, target_is_directory=True)
    shutil.copytree(LOCALE, tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)

    call_command("makemessages", locale=LANGUAGES, no_obsolete=True, symlinks=True, verbosity=0)

    for language in LANGUAGES:
        counts = statistics(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po")
        hint = f"{language}: {counts.strip()}; run makemessages and translate the new strings"
        assert "untranslated" not in counts, hint
        assert "fuzzy" not in counts, hint
