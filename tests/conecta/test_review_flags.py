"""The `#. review:` flags of the Kichwa catalogue survive `make makemessages` (locale/restore_review_flags.py)."""

import importlib.util
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale/qu/LC_MESSAGES/django.po"

AFTER_MSGMERGE = """\
# review: commitment (NOT FOUND in sources)
#: templates/base.html:3
msgid "Commitment"
msgstr "Ari nishka rurana"

#: templates/base.html:4
msgid "Home"
msgstr "Kapak Panka"
"""


def restore(path: Path) -> int:
    spec = importlib.util.spec_from_file_location("restore_review_flags", ROOT / "locale/restore_review_flags.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.restore(path)


def test_it_puts_back_the_flag_that_msgmerge_drops_and_only_there(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(AFTER_MSGMERGE, encoding="utf-8")

    assert restore(po) == 1
    text = po.read_text(encoding="utf-8")
    assert text.index("#. review: commitment (NOT FOUND in sources)") < text.index('msgid "Commitment"')
    assert text.count("#. review:") == 1, "a sourced term (Kapak Panka) stays unflagged"
    assert restore(po) == 0, "running it again changes nothing"


def test_every_flagged_kichwa_entry_in_the_catalogue_carries_both_forms_of_the_flag():
    text = CATALOGUE.read_text(encoding="utf-8")
    assert text.count("\n# review:") == text.count("\n#. review:") > 0
    stats = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)], capture_output=True, text=True
    )
    assert stats.returncode == 0, stats.stderr
    assert "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr
