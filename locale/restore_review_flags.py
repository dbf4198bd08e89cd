"""Put back the `#. review:` flags that `makemessages` (msgmerge) drops.

Reviewers find unsourced Kichwa entries by their `#. review:` comment. msgmerge keeps only the `#.` comments
that come from the source code, so every entry also carries the same flag as a translator comment
(`# review:`), which msgmerge keeps; this script rebuilds the `#.` line from it. Run by `make makemessages`.
"""

import sys
from pathlib import Path


def restore(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    block: list[str] = []
    added = 0

    def flush():
        nonlocal added
        flags = [line[len("# review:"):].strip() for line in block if line.startswith("# review:")]
        has_dot = any(line.startswith("#. review:") for line in block)
        if flags and not has_dot:
            insert_at = next((i for i, line in enumerate(block) if line.startswith(("#:", "#,", "#|"))), len(block))
            block.insert(insert_at, f"#. review: {flags[0]}")
            added += 1
        out.extend(block)
        block.clear()

    for line in lines:
        if line.startswith("#"):
            block.append(line)
        else:
            flush()
            out.append(line)
    flush()
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return added


if __name__ == "__main__":
    for name in sys.argv[1:] or ["locale/qu/LC_MESSAGES/django.po"]:
        print(f"{name}: restored {restore(Path(name))} review flags")
