"""Loader of the glossary's first terms (used by `load_demo`): it creates a term that is missing and never changes
one that exists (a reviewer may have corrected or approved it). Running it twice changes nothing.

Source: the project's research notes (shared/reference/pastaza-facts.md, part C.3, "UI terms with Kichwa
equivalents taken from real public translation files"): each Kichwa term as found in a public translation file,
with that file and key, and the notes' judgement of how far it can be trusted. The notes warn that the three
sources disagree in places and that Firefox's strings include odd coinages: where they disagree, both forms are
kept. No source gives Progress, Report, Commitment, Status, In progress, Not started, accountability or milestone:
they are left out rather than made up. Every term awaits review by a speaker of Pastaza Kichwa. The Spanish terms
and their meanings are the portal's own.
"""

from __future__ import annotations

from django.db import transaction

from conecta.loading import LoadTally, create_missing

from .models import GlossaryTerm, ReviewState

MW = "MediaWiki (wikimedia/mediawiki), languages/i18n/qug.json"
FF = "Firefox (mozilla-l10n/firefox-l10n), qvi/mobile/android"
CV = "Mozilla Common Voice (common-voice/common-voice), web/locales/qvi"
CPCCS_GUIDE = (
    "Portada de la «Guía para implementación del modelo de prácticas transparentes» del CPCCS "
    "(studylib.es, documento 4916584)"
)
# The notes' judgement of each source, said in the term's meaning.
TRUST = {
    "good": "Fiabilidad según las fuentes: buena.",
    "two": "Fiabilidad según las fuentes: buena (dos fuentes coinciden).",
    "fair": "Fiabilidad según las fuentes: aceptable.",
    "uncertain": "Fiabilidad según las fuentes: incierta.",
    "disagree": "Las fuentes no coinciden: se dan las dos formas.",
    "official": "Nombre oficial, tomado de un documento de la institución.",
}

# (Spanish, Kichwa as found, meaning on the portal, source (file · key), trust)
TERMS: list[tuple[str, str, str, str, str]] = [
    ("Inicio (página principal)", "Kapak Panka", "La página principal del portal.", f"{MW} · mainpage", "good"),
    (
        "Buscar",
        "Maskana",
        "Buscar en el portal.",
        f"{MW} · search, searchbutton; {FF} · search, pref_header_search",
        "two",
    ),
    (
        "Idioma",
        "Shimi (plural: shimikuna)",
        "La lengua en que se lee el portal: castellano o kichwa.",
        f"{MW} · loginlanguagelabel; {FF} · pref_category_language; {CV} · get-involved-return-to-languages",
        "good",
    ),
    (
        "Enviar",
        "Kachay (botón); kachana (infinitivo)",
        "Enviar un formulario: una sugerencia, un comentario, una evaluación.",
        f"{CV} · submit-form-action, get-involved-submit; {MW} · emailuser; {FF} · casting.sendToDevice",
        "good",
    ),
    (
        "Descargar",
        "Aparina (descargas: aparinakuna)",
        "Descargar un archivo: un informe en PDF, datos abiertos, una grabación.",
        f"{FF} · downloads, aboutDownloads.title, alertDownloadsStart2",
        "uncertain",
    ),
    (
        "Opiniones (retroalimentación)",
        "Kachana shimirimaykuna",
        "Lo que la ciudadanía dice del plan y del portal.",
        f"{FF} · pref_vendor_feedback, feedback.feedback.title («Kachana rimayku»)",
        "uncertain",
    ),
    (
        "Completado",
        "Ñami rurashka; …paktachishka",
        "Algo que ya se hizo por completo.",
        f"{MW} · actioncomplete; {FF} · alertDownloadsDone2",
        "uncertain",
    ),
    (
        "Cancelar",
        "Ama nina / Tukuchina",
        "Dejar sin hacer lo que se empezó.",
        f"{MW} · cancel; {FF} · button_cancel, aboutDownloads.cancel",
        "disagree",
    ),
    (
        "Aceptar",
        "Ari nina / Arinina",
        "Dar por bueno lo que se propone (botón OK).",
        f"{MW} · ok; {FF} · button_ok",
        "fair",
    ),
    ("Sí", "Ari", "Respuesta afirmativa.", f"{CV} · vote-yes; {FF} · button_yes", "good"),
    ("No", "Mana", "Respuesta negativa.", f"{CV} · vote-no; {FF} · button_no", "good"),
    ("Ayuda", "Yanapa / Yanapay", "Ayuda para usar el portal.", f"{MW} · help; {FF} · help_menu", "good"),
    (
        "Participar (contribuir)",
        "Yanapana",
        "Tomar parte: sugerir, comentar, evaluar, responder encuestas.",
        f"{CV} · contribute, get-involved-button",
        "fair",
    ),
    ("Error", "Pantay", "Algo que salió mal.", f"{MW} · error; {FF} · addonError.titleError", "good"),
    ("Iniciar sesión", "Yaykuna", "Entrar con la cuenta del personal.", f"{MW} · login", "fair"),
    ("Cerrar sesión", "Llukshina", "Salir de la cuenta del personal.", f"{MW} · logout", "fair"),
    ("Guardar", "Allichina", "Guardar lo escrito.", f"{FF} · password.save", "uncertain"),
    ("Mostrar", "Rikuchina", "Hacer visible.", f"{MW} · show", "fair"),
    ("Ocultar", "Pakana", "Dejar de mostrar.", f"{MW} · hide", "fair"),
    (
        "Configuración (preferencias)",
        "Tikuykuna / Akllaykuna",
        "Las opciones que cada persona elige.",
        f"{FF} · settings; {MW} · preferences",
        "disagree",
    ),
    ("Notificaciones", "Willachaykuna", "Avisos de novedades.", f"{FF} · pref_category_notifications", "uncertain"),
    (
        "Estadísticas",
        "…yupaykuna («Kay wikimanta yupaykuna»)",
        "Las cifras del portal.",
        f"{MW} · statistics",
        "fair",
    ),
    (
        "Comentario",
        "Willana",
        "Lo que una persona escribe sobre un compromiso.",
        f"{MW} · filehist-comment",
        "uncertain",
    ),
    ("Fecha / hora", "Puncha / Pacha", "El día y la hora de algo.", f"{MW} · filehist-datetime", "fair"),
    (
        "Bienvenida",
        "Alli shamushka",
        "Saludo a quien llega.",
        f"{FF} · firstrun_panel_title_welcome; {MW} · welcomeuser",
        "good",
    ),
    (
        "Cargando…",
        "Paskakun… / Aparinahuna…",
        "Mientras algo se abre.",
        f"{CV} · loading; {FF}, localepicker.properties · loading",
        "disagree",
    ),
    (
        "Correo electrónico",
        "E-chaski / Antanikik Chaski",
        "Dirección de correo.",
        f"{MW} · youremail; {CV} · email-input.label",
        "fair",
    ),
    *[
        (spanish, kichwa, "Mes del año.", f"{MW} · {key}", "fair")
        for spanish, kichwa, key in [
            ("enero", "Kamay", "january"),
            ("febrero", "Panchiy", "february"),
            ("marzo", "Pawkar", "march"),
            ("abril", "Ayriwa", "april"),
            ("mayo", "Aymuray", "may"),
            ("junio", "Inti", "june"),
            ("julio", "Purun", "july"),
            ("agosto", "Chakmay", "august"),
            ("septiembre", "Kuya", "september"),
            ("octubre", "Yaku", "october"),
            ("noviembre", "Ayar", "november"),
            ("diciembre", "Kapak", "december"),
        ]
    ],
    *[
        (spanish, kichwa, "Día de la semana.", f"{MW} · {key}", "uncertain")
        for spanish, kichwa, key in [
            ("domingo", "Hawkay", "sunday"),
            ("lunes", "Sullka", "monday"),
            ("martes", "Kulla", "tuesday"),
            ("miércoles", "Haway", "wednesday"),
            ("jueves", "Patma", "thursday"),
            ("viernes", "Haycha", "friday"),
            ("sábado", "Tinki", "saturday"),
        ]
    ],
    (
        "Consejo de Participación Ciudadana y Control Social (CPCCS)",
        "Ecuador Mamallaktapak Runa Tantanakuymanta Ñawinchinamantapash Hatun Tantanakuy",
        "La institución del Estado que promueve la participación ciudadana y el control social.",
        CPCCS_GUIDE,
        "official",
    ),
]


@transaction.atomic
def glossary_load(*, tally: LoadTally) -> list[GlossaryTerm]:
    """Create the sourced terms that are missing, awaiting review; leave every existing term as it is."""
    terms = []
    for spanish, kichwa, meaning, source, trust in TERMS:
        term, _created = create_missing(
            GlossaryTerm,
            {"spanish": spanish},
            {
                "kichwa": kichwa,
                "meaning": f"{meaning} {TRUST[trust]}",
                "source": source,
                "state": ReviewState.AWAITING,
            },
            tally=tally,
            kind="glossary terms",
        )
        terms.append(term)
    return terms
