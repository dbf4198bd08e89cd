"""What the public "You said, we did" page may print of a suggestion: never the name of the person who sent it.

People sign what they write ("Soy Rosa Gualinga, de Puyo…") and staff greet them in the answer ("Estimada Rosa:"),
which is right in the private exchange (the tracking page, the e-mail) and wrong on a public page. The public copy
drops a greeting that opens the answer, and puts "[…]" where the person's name, or any word of it, stands.
"""

from __future__ import annotations

import re
import unicodedata

from conecta.fallbacks import text_in

# Where a name was taken out.
OMITTED = "[…]"
# A word of a name shorter than this ("de", "la") is not a name on its own.
NAME_WORD_MIN = 3
# An opening greeting is a short line (or the start of one, up to its colon or comma) that starts with one of these
# or holds the name: "Estimada Rosa:", "Hola Rosa,", "Buenos días, señora Gualinga:", "Alli puncha, Rosa:".
GREETINGS = (
    "estimad",
    "apreciad",
    "querid",
    "senor",
    "sr.",
    "sra.",
    "hola",
    "buenos dias",
    "buenas tardes",
    "buenas noches",
    "buen dia",
    "saludos",
    "alli puncha",
    "alli chishi",
    "alli shamushka",
    "kuyashka",
    "dear",
    "hello",
)
# Words that may stand beside a name in a greeting ("Señora Gualinga:", "Mashi Rosa,").
TITLES = {"senor", "senora", "senorita", "sr", "sra", "srta", "don", "dona", "dr", "dra", "ing", "lic", "mashi"}
GREETING_MAX = 80
_GREETING = re.compile(rf"^\s*([^\n:,;.!?]{{1,{GREETING_MAX}}}[:,;!])\s*")
_WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _name_words(name: str) -> set[str]:
    return {_fold(word) for word in _WORD.findall(name or "") if len(word) >= NAME_WORD_MIN}


def without_name(text: str, name: str) -> str:
    """`text` with every word of `name` (accents and capitals aside, whole words only) replaced by OMITTED; runs
    of them ("Rosa Gualinga") become one OMITTED."""
    words = _name_words(name)
    if not text or not words:
        return text or ""
    out, last = [], 0
    for match in _WORD.finditer(text):
        if _fold(match.group()) in words:
            start = match.start()
            between = text[last:start]
            if out and out[-1] == OMITTED and between.strip() == "":
                last = match.end()
                continue
            out += [between, OMITTED]
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def without_greeting(text: str, name: str) -> str:
    """`text` without the greeting it opens with, if it opens with one: a short opening ended by a colon, comma,
    semicolon or exclamation mark that starts with one of GREETINGS, or is the name (with a title such as
    "señora"): "Hola, Rosa:" is two such openings."""
    text = text or ""
    for _step in range(3):
        match = _GREETING.match(text)
        if match is None:
            break
        opening = _fold(match.group(1)).lstrip("¡¿ ")
        words = {_fold(word) for word in _WORD.findall(match.group(1))}
        names = _name_words(name)
        only_name = bool(words & names) and words <= names | TITLES
        if not (only_name or opening.startswith(GREETINGS)):
            break
        text = text[match.end() :]
        text = text[:1].upper() + text[1:]
    return text


def said_publicly(*, text: str, summary: str, name: str) -> str:
    """What the person said, for the public page: staff's summary, or the text as received; without their name."""
    return without_name(summary or text, name)


def answer_publicly(*, answer: str, name: str) -> str:
    """The answer for the public page: without the greeting it opens with and without the person's name."""
    return without_name(without_greeting(answer, name), name)


def public_answer(suggestion) -> str:
    """The suggestion's answer in the reader's language for the public page (answer_publicly). A Spanish answer
    standing in for a missing Kichwa one stays marked as such (conecta.fallbacks.SpanishFallback)."""
    answer = text_in(suggestion, "answer")
    public = answer_publicly(answer=answer, name=suggestion.name)
    return public if type(answer) is str else type(answer)(public)
