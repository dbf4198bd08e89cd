"""The real Pastaza action plan, its territory and OGP's values, as loaded by `load_demo`.

Sources: shared/reference/pastaza-facts.md (parts A and B) and shared/reference/action-plan-2024-2027.txt.
OGP publishes the commitments in English (and ECPTZ0003's title in Spanish); the other Spanish texts are our
translations of OGP's record. Every Kichwa text here is our own Unified Kichwa and awaits community review.
What OGP does not publish (milestones, lead departments) is marked as illustrative where it is loaded.
"""

from datetime import date

PLAN_SLUG = "pastaza-2024-2027"
OGP_PLAN_URL = "https://opengovpartnership.org/documents/action-plan-pastaza-ecuador-2024-2027"
OGP_COMMITMENT_URL = "https://opengovpartnership.org/members/pastaza-ecuador/commitments/{code}"

# OGP's four values (opengovpartnership.org; labels as on the ES commitment pages, pastaza-facts.md A.2).
OGP_VALUES = [
    ("access-to-information", "Acceso a la información", "Willaykunata charina"),
    ("civic-participation", "Participación cívica", "Llaktayukkuna yanaparina"),
    ("public-accountability", "Rendición de cuentas pública", "Rurashkata tukuykunaman willana"),
    (
        "technology-innovation",
        "Tecnología e innovación para la transparencia y la rendición de cuentas",
        "Mushuk antawan rikuchinkapak, rurashkata willankapak",
    ),
]

# INEC DPA codes and 2022 census populations (pastaza-facts.md B.2). Mera's population is inferred there by
# subtraction, and is flagged as such.
CANTONS = [
    {
        "code": "1601",
        "slug": "pastaza",
        "name": "Pastaza",
        "seat": "Puyo",
        "population_2022": 82754,
        "population_note": "INEC, Censo 2022",
        "parishes": [
            ("160150", "Puyo", "urban"),
            ("160152", "Canelos", "rural"),
            ("160154", "Diez de Agosto", "rural"),
            ("160155", "Fátima", "rural"),
            ("160156", "Montalvo (Andoas)", "rural"),
            ("160157", "Pomona", "rural"),
            ("160158", "Río Corrientes", "rural"),
            ("160159", "Río Tigre", "rural"),
            ("160161", "Sarayacu", "rural"),
            ("160162", "Simón Bolívar (cab. en Mushullacta)", "rural"),
            ("160163", "Tarqui", "rural"),
            ("160164", "Teniente Hugo Ortiz", "rural"),
            ("160165", "Veracruz (cab. en Indillama)", "rural"),
            ("160166", "El Triunfo", "rural"),
        ],
    },
    {
        "code": "1602",
        "slug": "mera",
        "name": "Mera",
        "seat": "Mera",
        "population_2022": 15087,
        "population_note": "Inferido: 111.915 (provincia, INEC 2022) menos los otros tres cantones",
        "parishes": [("160250", "Mera", "urban"), ("160251", "Madre Tierra", "rural"), ("160252", "Shell", "rural")],
    },
    {
        "code": "1603",
        "slug": "santa-clara",
        "name": "Santa Clara",
        "seat": "Santa Clara",
        "population_2022": 4521,
        "population_note": "INEC, Censo 2022",
        "parishes": [("160350", "Santa Clara", "urban"), ("160351", "San José", "rural")],
    },
    {
        "code": "1604",
        "slug": "arajuno",
        "name": "Arajuno",
        "seat": "Arajuno",
        "population_2022": 9553,
        "population_note": "INEC, Censo 2022",
        "parishes": [("160450", "Arajuno", "urban"), ("160451", "Curaray", "rural")],
    },
]

# Schematic shapes for the territory map: (SVG path in a 400 x 240 box, label x, label y). Our sources hold no
# boundary coordinates, so these are simplified polygons that only keep the cantons' relative positions: Mera in
# the north-west, Santa Clara in the north, Arajuno in the north-east (elongated west-east) and Pastaza over the
# centre, south and east. Areas (pastaza-facts.md B.1-B.2): province 29,641 km2, Pastaza ~19,944, Arajuno 8,859,
# Mera 528.5; Santa Clara, the rest, is small. Arajuno and Pastaza keep roughly their proportion; Mera and Santa
# Clara are drawn several times larger than they are so their names and numbers can be read and tapped.
CANTON_SHAPES = {
    "1601": (
        "M8 144 L72 138 L66 102 L124 102 L214 114 L330 106 L342 30 L394 108 L356 194 L244 236 L104 222 L30 186Z",
        213,
        165,
    ),
    "1602": ("M10 40 L62 30 L66 102 L72 138 L8 144Z", 38, 88),
    "1603": ("M62 30 L120 22 L124 102 L66 102Z", 93, 64),
    "1604": ("M120 22 L250 10 L342 30 L330 106 L214 114 L124 102Z", 230, 62),
}

GAD = "gadp-pastaza"

# (slug, name_es, name_qu, acronym, kind, parent slug, website). Departments: the plan's text names the
# Management, Environment, Sustainable Development and Public Works departments as implementers; their
# exact official names are not in our sources.
INSTITUTIONS = [
    (
        GAD,
        "Gobierno Autónomo Descentralizado Provincial de Pastaza",
        "Pastaza Markapak Kamachik Wasi",
        "GADPPz",
        "provincial_government",
        None,
        "https://pastaza.gob.ec",
    ),
    (
        "direccion-planificacion",
        "Dirección de Planificación",
        "Rurankapak Yuyarina Ukku",
        "DP",
        "provincial_department",
        GAD,
        "",
    ),
    (
        "direccion-ambiente",
        "Dirección de Gestión Ambiental",
        "Allpamamata Kamana Ukku",
        "DGA",
        "provincial_department",
        GAD,
        "",
    ),
    (
        "direccion-desarrollo-sustentable",
        "Dirección de Desarrollo Sustentable",
        "Alli Kawsayta Wiñachina Ukku",
        "DDS",
        "provincial_department",
        GAD,
        "",
    ),
    (
        "direccion-obras-publicas",
        "Dirección de Obras Públicas",
        "Tukuykunapak Ruraykuna Ukku",
        "DOP",
        "provincial_department",
        GAD,
        "",
    ),
    (
        "fcd",
        "Fundación Ciudadanía y Desarrollo",
        "Fundación Ciudadanía y Desarrollo",
        "FCD",
        "civil_society",
        None,
        "https://ciudadaniaydesarrollo.org",
    ),
    ("wwf", "WWF", "WWF", "WWF", "international", None, ""),
    ("ecociencia", "EcoCiencia", "EcoCiencia", "EcoCiencia", "civil_society", None, ""),
    # OGP lists these by acronym only; their expansions are unverified (pastaza-facts.md A.2).
    ("ci", "CI", "CI", "CI", "international", None, ""),
    ("nci", "NCI", "NCI", "NCI", "international", None, ""),
    ("wsc", "WSC", "WSC", "WSC", "international", None, ""),
    (
        "ikiam",
        "Universidad Regional Amazónica IKIAM",
        "IKIAM Amazonía Hatun Yachana Wasi",
        "IKIAM",
        "academia",
        None,
        "",
    ),
    ("uea", "Universidad Estatal Amazónica", "Amazonía Hatun Yachana Wasi", "UEA", "academia", None, ""),
    (
        "mag",
        "Ministerio de Agricultura y Ganadería",
        "Tarpuymanta Wiwakunamanta Hatun Kamachik Wasi",
        "MAG",
        "national_government",
        None,
        "",
    ),
    ("pastaza-progresa", "Pastaza Progresa", "Pastaza Progresa", "", "civil_society", None, ""),
]

PLAN = {
    "slug": PLAN_SLUG,
    "title_es": "Plan de acción – Pastaza, Ecuador, 2024 – 2027",
    "title_qu": "Rurana yuyay – Pastaza, Ecuador, 2024 – 2027",
    "starts_on": date(2025, 1, 1),
    "ends_on": date(2027, 2, 28),
    "submitted_on": date(2024, 12, 31),
    "published_by_ogp_on": date(2025, 1, 9),
    "source_url": OGP_PLAN_URL,
    "foreword_es": (
        "En un mundo cada vez más interconectado, la transparencia, la participación y la colaboración "
        "interinstitucional son pilares de una gobernanza eficaz y sostenible. Con esta visión, el Gobierno "
        "Autónomo Descentralizado de Pastaza presenta su primer Plan de Acción de Gobierno Abierto.\n\n"
        "Su objetivo principal es fortalecer la confianza entre autoridades y ciudadanía mediante la rendición de "
        "cuentas, el acceso a información relevante y la participación de todos los sectores. Es fruto de un "
        "proceso de cocreación con actores de gobierno, organizaciones de la sociedad civil, comunidades "
        "indígenas, la academia y el sector privado.\n\n"
        "El seguimiento y la evaluación son centrales: junto con instituciones independientes, ONG y comunidades "
        "locales, nos comprometemos a cumplir los objetivos del plan con transparencia y eficiencia."
    ),
    "foreword_qu": (
        "Pastaza Markapak Kamachik Wasika paypak shukniki Paskalla Kamachiy rurana yuyayta rikuchin. Kay yuyayka "
        "kamachikkunawan llaktayukkunawan yuyarinakuyta sinchiyachinkapakmi: rurashkata willana, willaykunata "
        "charina, tukuy llaktakuna yanaparina.\n\n"
        "Kay yuyayka tantanakushpa rurashkami: kamachik wasikuna, tantanakuykuna, ayllu llaktakuna, hatun yachana "
        "wasikuna, katuk-rantikkunapash paykunapak yuyaykunata kurka."
    ),
    "vision_es": (
        "La Provincia de Pastaza aspira a una gobernanza abierta, sostenible y participativa: ciudadanía con "
        "acceso a la información pública mediante herramientas digitales como portales de datos abiertos y "
        "sistemas de seguimiento; decisiones inclusivas que integren a los grupos marginados; innovación "
        "tecnológica para servicios públicos eficientes; colaboración con sociedad civil, academia y sector "
        "privado; desarrollo sostenible; y rendición de cuentas con seguimiento y evaluación continuos."
    ),
    "vision_qu": (
        "Pastaza markaka paskalla, wiñaypak, tukuy yanaparishka kamachiyta munan: llaktayukkuna antawan "
        "willaykunata rikunkapak; tukuykuna yuyaykunata kunkapak; mushuk antakunawan alli llamkankapak; "
        "tantanakushpa llamkankapak; allpamamata kamankapak; rurashkata willankapak."
    ),
    "challenges_es": (
        "Acceso limitado a la información, desigual sobre todo para comunidades rurales e indígenas, y falta de "
        "formatos accesibles. Brecha digital: conectividad rural insuficiente y baja alfabetización digital. "
        "Participación ciudadana limitada para grupos vulnerables. Coordinación interinstitucional débil. "
        "Rendición de cuentas insuficiente: poca evaluación ciudadana y falta de seguimiento en tiempo real. "
        "Falta de gestión transparente de los recursos."
    ),
    "challenges_qu": (
        "Sacha llaktakunapi, ayllu llaktakunapipash willaykunaka mana tukuykunaman chayanchu. Antawan "
        "willanakuyka sacha llaktakunapi pishimi. Wakin runakunaka mana yanaparinchu. Kamachik wasikunaka mana "
        "alli tantanakushpa llamkanchu. Rurashkata rikunkapak ñankunaka pishimi."
    ),
    "monitoring_es": (
        "Informes periódicos trimestrales y anuales publicados en Conecta Pastaza; reuniones abiertas del Comité "
        "Impulsor con actas publicadas; talleres técnicos de seguimiento; información en tiempo real sobre el "
        "avance de los compromisos; encuestas, buzones de sugerencias y foros; auditorías técnicas y sociales de "
        "la Fundación Ciudadanía y Desarrollo (FCD), que es el organismo independiente de seguimiento del plan."
    ),
    "monitoring_qu": (
        "Kimsa killapi, watapipash willachikuna Conecta Pastazapi churarinka; Comité Impulsor tantanakuykuna "
        "paskalla kanka, paykunapak killkakunapash churarinka; llaktayukkuna tapuykunawan, yuyaykunawan "
        "yanaparinka; Fundación Ciudadanía y Desarrollo (FCD) rurashkata chimpa rikunka."
    ),
}

START, END = date(2025, 1, 1), date(2027, 2, 28)

COMMITMENTS = [
    {
        "code": "ECPTZ0001",
        "order": 1,
        "axis": "biophysical",
        "department": "direccion-ambiente",
        "supporters": ["wwf", "ecociencia", "ci", "nci", "wsc", "ikiam", "uea"],
        "values": ["civic-participation", "technology-innovation"],
        "cantons": ["1601", "1602", "1603", "1604"],
        "title_es": "Programa integral para mejorar la situación ambiental de Pastaza",
        "title_qu": "Pastaza allpamamapak kawsayta allichinkapak tukuyta rurana",
        "problem_es": (
            "La riqueza biocultural de Pastaza enfrenta amenazas ambientales y sociales: poca conciencia ambiental "
            "y corresponsabilidad ciudadana; falta de alternativas económicas sostenibles a la deforestación como "
            "medio de vida; poco apoyo, seguimiento y conservación de la biodiversidad y de las fuentes de agua; "
            "ninguna campaña constante de sensibilización y educación para niñez, juventud y comunidades; "
            "coordinación débil entre niveles de gobierno; y ningún mecanismo de transparencia que permita a las "
            "comunidades entender las decisiones ambientales y participar en ellas."
        ),
        "problem_qu": (
            "Pastaza markapak sacha kawsayka, yaku kawsaypash llakipimi kan: runakunaka allpamamata mana "
            "yallitak kamanchu; sachata kuchunamanta shuk kullki mashkana ñanka illanmi; yaku pukyukunata, "
            "wiwakunata, yurakunata mana alli kamanchu; wawakunaman, wamprakunaman mana yachachinchu; kamachik "
            "wasikuna mana tantanakunchu; ayllu llaktakunaka allpamamamanta yuyaykunata mana rikunchu."
        ),
        "status_quo_es": (
            "Riqueza natural: producción de 60.000 plantas al año para restauración y conservación, y capacitación "
            "de técnicos del GADP en producción de plantas ancestrales y medicinales; mejora de la Estación "
            "Biológica Pindo Mirador; restauración de áreas degradadas y zonas de interés hídrico; conservación de "
            "bosques mediante incentivos no económicos; gestión del agua con seis campañas de limpieza de ríos al "
            "año y desarrollo de sistemas de tratamiento de agua."
        ),
        "status_quo_qu": (
            "Watanta 60.000 yurakunata wiñachin sachata kutin wiñachinkapak; hampi yurakunata wiñachinkapak "
            "yachachin; Pindo Mirador wasita allichin; yaku pukyukunata kamana; watanta sukta kutin mayukunata "
            "pichan."
        ),
        "action_es": "",
        "action_qu": "",
    },
    {
        "code": "ECPTZ0002",
        "order": 2,
        "axis": "economic_productive",
        "department": "direccion-desarrollo-sustentable",
        "supporters": ["mag", "pastaza-progresa"],
        "values": ["civic-participation"],
        "cantons": ["1601", "1602", "1603", "1604"],
        "title_es": "Establecer un centro de emprendimiento para promover el emprendimiento y la innovación",
        "title_qu": "Mushuk ruraykunata, katuykunata wiñachinkapak shuk wasita shayachina",
        "problem_es": (
            "Hay pocas oportunidades para crear negocios innovadores. La población depende sobre todo del empleo "
            "público o migra a otras provincias. Los productores reciben muy poco apoyo para formalizarse, obtener "
            "registros sanitarios y hacer otros trámites."
        ),
        "problem_qu": (
            "Mushuk katuykunata kallarinkapak ñankunaka pishimi. Runakunaka kamachik wasipi llamkanata mashkan, "
            "mana kashpaka shuk markakunaman rin. Tarpukkunaka kamachik killkakunata hapinkapak mana yanapayta "
            "charinchu."
        ),
        "status_quo_es": (
            "Comercialización: fortalecimiento de emprendimientos productivos, ferias y exposiciones de productos "
            "locales, capacitación a asociaciones, capacitación abierta al público y Centros de Desarrollo Local. "
            "Desarrollo productivo: cultivos tradicionales, escuelas de campo, asistencia técnica, plantas "
            "forestales, frutales y ornamentales, cadena de valor de la papa china, certificación, insumos "
            "biológicos, genética bovina y porcina, ferias ganaderas, piscicultura, turismo y gastronomía, riego y "
            "drenaje, e infraestructura agrícola."
        ),
        "status_quo_qu": (
            "Katuykunata sinchiyachin, llaktapi wiñashka mikunakunata katunkapak hatun katunakuykunata rurachin, "
            "tantanakuykunaman yachachin. Chakrakunata, wiwakunata, challwakunata, purikkunata chaskinatapash "
            "yanapan."
        ),
        "action_es": "Desarrollar un centro de emprendimiento para promover el emprendimiento y la innovación.",
        "action_qu": "Mushuk ruraykunata, katuykunata wiñachinkapak shuk wasita rurana.",
    },
    {
        "code": "ECPTZ0003",
        "order": 3,
        "axis": "human_settlements",
        "department": "direccion-obras-publicas",
        "supporters": [],
        "values": ["access-to-information", "civic-participation", "technology-innovation"],
        "cantons": ["1601", "1602", "1603", "1604"],
        "title_es": "Conecta Pastaza: Desarrollan portal para sistema de monitoreo y transparencia vial",
        "title_qu": "Conecta Pastaza: ñankunata rikunkapak, paskalla willankapak antawan willana panka",
        "problem_es": (
            "El análisis y la planificación vial se socializan poco y con poca participación ciudadana, lo que "
            "afecta sobre todo a las comunidades indígenas, que perciben falta de consulta y de información "
            "precisa. El gran volumen de solicitudes de construcción y mantenimiento de vías es difícil de "
            "estandarizar y publicar, y al propio GAD le cuesta organizar y comunicar su planificación vial, lo que "
            "limita la transparencia y el acceso a la información sobre proyectos, obras y proyecciones."
        ),
        "problem_qu": (
            "Ñankunata rurankapak yuyaykunaka llaktayukkunaman mana alli willachinchu, paykunaka mana "
            "yanaparinchu. Ayllu llaktakunami yallitak llakipi kan: mana tapushkachu, mana alli willashkachu "
            "kan. Ñan rurana mañaykunaka achkami kan, Kamachik Wasika ñan ruraykunata mana alli willanchu."
        ),
        "status_quo_es": (
            "Vías asfaltadas por administración directa, por contratación y con financiamiento del BDE; vías "
            "asfaltadas financiadas por PLUSPETROL y STCTEA; puentes por contratación con financiamiento del BDE; "
            "apertura y construcción de vías lastradas; mantenimiento vial rural por administración directa y por "
            "contratación; compra de equipo y maquinaria; asfalto para bacheo y mantenimiento; materiales de "
            "construcción; y estudios de proyectos viales y obras de infraestructura."
        ),
        "status_quo_qu": (
            "Kamachik Wasika ñankunata asfaltowan rurachin, chakakunata shayachin, sacha llaktakunapi ñankunata "
            "paskan, allichinpash; antakunata, hatun antakunata rantin; mushuk ñankunapak yachaykunata rurachin."
        ),
        "action_es": ("Desarrollar un sistema integrado de monitoreo y transparencia vial: el portal Conecta Pastaza."),
        "action_qu": "Ñankunata rikunkapak, paskalla willankapak shuk antawan willana pankata rurana: Conecta Pastaza.",
    },
]

# Illustrative milestones and updates: OGP's published pages do not show the real ones (pastaza-facts.md A.2),
# so every one of these is flagged `is_illustrative` and shown as "datos de ejemplo" until staff replace it.
# (order, weight, title_es, title_qu, start, due, progress, level, completed_on)
EXAMPLE_MILESTONES = {
    "ECPTZ0001": [
        (
            1,
            1,
            "Diagnóstico participativo de fuentes de agua y áreas degradadas",
            "Yaku pukyukunata, waklishka allpakunata tantanakushpa rikuna",
            date(2025, 2, 1),
            date(2025, 9, 30),
            100,
            "complete",
            date(2025, 10, 15),
        ),
        (
            2,
            2,
            "Campañas de educación ambiental en unidades educativas y comunidades",
            "Yachana wasikunapi, ayllu llaktakunapi allpamamamanta yachachina",
            date(2025, 6, 1),
            date(2026, 6, 30),
            70,
            "substantial",
            None,
        ),
        (
            3,
            2,
            "Restauración de zonas de interés hídrico con plantas del vivero provincial",
            "Yaku pukyukunata markapak yura wiñachina wasimanta yurakunawan kutin wiñachina",
            date(2025, 9, 1),
            date(2026, 12, 31),
            40,
            "limited",
            None,
        ),
        (
            4,
            1,
            "Tablero público de indicadores ambientales en Conecta Pastaza",
            "Conecta Pastazapi allpamamamanta yupaykunata rikuchina",
            date(2026, 7, 1),
            date(2027, 2, 28),
            0,
            "not_started",
            None,
        ),
    ],
    "ECPTZ0002": [
        (
            1,
            1,
            "Diseño participativo del centro de emprendimiento con asociaciones productivas",
            "Katuk tantanakuykunawan mushuk ruraykunapak wasita yuyarina",
            date(2025, 2, 1),
            date(2025, 8, 31),
            100,
            "complete",
            date(2025, 9, 10),
        ),
        (
            2,
            2,
            "Adecuación del espacio físico del centro en Puyo",
            "Puyupi wasita allichina",
            date(2025, 9, 1),
            date(2026, 8, 31),
            55,
            "substantial",
            None,
        ),
        (
            3,
            2,
            "Primera cohorte de acompañamiento a emprendimientos (trámites y registros sanitarios)",
            "Shukniki mushuk katukkunata yanapana (kamachik killkakunata hapinkapak)",
            date(2026, 3, 1),
            date(2026, 12, 31),
            20,
            "limited",
            None,
        ),
        (
            4,
            1,
            "Feria de emprendimiento y rendición de cuentas del centro",
            "Mushuk ruraykunapak hatun katuna, rurashkata willanapash",
            date(2026, 10, 1),
            date(2027, 2, 28),
            0,
            "not_started",
            None,
        ),
    ],
    "ECPTZ0003": [
        (
            1,
            1,
            "Levantamiento del inventario vial provincial en datos abiertos",
            "Markapak ñankunata yupashpa paskalla willaykunapi churana",
            date(2025, 1, 15),
            date(2025, 7, 31),
            100,
            "complete",
            date(2025, 8, 20),
        ),
        (
            2,
            2,
            "Portal Conecta Pastaza en español y kichwa, con seguimiento del plan",
            "Conecta Pastaza willana panka, kastilla shimipi, kichwa shimipipash",
            date(2025, 6, 1),
            date(2026, 12, 31),
            75,
            "substantial",
            None,
        ),
        (
            3,
            2,
            "Registro público de solicitudes de mantenimiento vial y sus respuestas",
            "Ñan allichina mañaykunata, kutichikunatapash tukuykunaman rikuchina",
            date(2026, 1, 1),
            date(2026, 11, 30),
            35,
            "limited",
            None,
        ),
        (
            4,
            1,
            "Socialización del sistema en comunidades rurales e indígenas",
            "Sacha llaktakunapi, ayllu llaktakunapi antawan willanata rikuchina",
            date(2026, 6, 1),
            date(2027, 2, 28),
            10,
            "limited",
            None,
        ),
    ],
}

# (milestone order or None, date, progress, title_es, title_qu, text_es, text_qu)
EXAMPLE_UPDATES = {
    "ECPTZ0001": [
        (
            1,
            date(2025, 10, 15),
            100,
            "Diagnóstico concluido",
            "Rikunaka tukurirkami",
            "Se presentó el diagnóstico de fuentes de agua y áreas degradadas en un taller con comunidades.",
            "Yaku pukyukunamanta rikushkataka ayllu llaktakunawan tantanakuypi rikuchirkami.",
        ),
        (
            2,
            date(2026, 5, 20),
            70,
            "Campañas en 12 unidades educativas",
            "12 yachana wasikunapi yachachirka",
            "Se realizaron campañas de educación ambiental en unidades educativas de Puyo, Mera y Santa Clara.",
            "Puyu, Mera, Santa Clara yachana wasikunapi allpamamamanta yachachirka.",
        ),
    ],
    "ECPTZ0002": [
        (
            1,
            date(2025, 9, 10),
            100,
            "Diseño validado con asociaciones",
            "Tantanakuykunawan yuyaykunata arinirka",
            "Las asociaciones productivas validaron el diseño del centro de emprendimiento.",
            "Katuk tantanakuykuna mushuk ruraykunapak wasipak yuyaykunata arinirka.",
        ),
        (
            2,
            date(2026, 6, 30),
            55,
            "Avance de la adecuación del espacio",
            "Wasita allichinaka katinmi",
            "Avanza la adecuación del espacio físico del centro en Puyo.",
            "Puyupi wasita allichinaka katinmi.",
        ),
    ],
    "ECPTZ0003": [
        (
            1,
            date(2025, 8, 20),
            100,
            "Inventario vial publicado",
            "Ñankunapak yupayka churarishkami",
            "El inventario vial provincial se publicó como datos abiertos.",
            "Markapak ñankunapak yupayka paskalla willaykunapi churarishkami.",
        ),
        (
            2,
            date(2026, 11, 3),
            75,
            "Portal disponible en kichwa",
            "Willana pankaka kichwa shimipipash tiyanmi",
            "El portal Conecta Pastaza ya muestra el plan en español y en kichwa.",
            "Conecta Pastaza willana pankaka kastilla shimipi, kichwa shimipipash rurana yuyayta rikuchinmi.",
        ),
    ],
}

# The dated history of the example milestones' progress before the example updates (which report their own
# observation): (date, progress). With the updates, each milestone's latest observation is its progress above.
EXAMPLE_PROGRESS = {
    "ECPTZ0001": {
        1: [(date(2025, 4, 30), 30), (date(2025, 7, 31), 70)],
        2: [(date(2025, 9, 30), 15), (date(2025, 12, 31), 35), (date(2026, 3, 31), 55)],
        3: [(date(2025, 12, 15), 10), (date(2026, 4, 30), 25), (date(2026, 9, 30), 40)],
    },
    "ECPTZ0002": {
        1: [(date(2025, 5, 31), 40), (date(2025, 7, 31), 80)],
        2: [(date(2025, 11, 30), 10), (date(2026, 2, 28), 30)],
        3: [(date(2026, 6, 30), 5), (date(2026, 10, 31), 20)],
    },
    "ECPTZ0003": {
        1: [(date(2025, 3, 31), 30), (date(2025, 6, 30), 75)],
        2: [(date(2025, 9, 30), 20), (date(2025, 12, 15), 40), (date(2026, 6, 30), 60)],
        3: [(date(2026, 3, 31), 10), (date(2026, 8, 31), 35)],
        4: [(date(2026, 10, 15), 10)],
    },
}

# Illustrative indicators, a few per commitment, with dated values: OGP's pages publish none (pastaza-facts.md
# A.2), so each is flagged `is_illustrative` and shown as example data until staff replace it. Only the baseline
# of the first, the 60,000 plants a year of ECPTZ0001's status quo, is a figure of the plan's own record; every
# target and value is invented to show how the page reads. The groups of disaggregated values are data, in Spanish.
# Each dict holds Indicator's fields; "values" are (date, value, group), "" for the total.
EXAMPLE_INDICATORS = {
    "ECPTZ0001": [
        {
            "order": 1,
            "name_es": "Plantas producidas al año en el vivero provincial",
            "name_qu": "Markapak yura wiñachina wasipi watanta wiñachishka yurakuna",
            "unit_es": "plantas",
            "unit_qu": "yurakuna",
            "direction": "increase",
            "disaggregation": "none",
            "baseline_value": 60000,
            "baseline_on": date(2024, 12, 31),
            "target_value": 75000,
            "target_on": date(2027, 2, 28),
            "method_es": (
                "Plantas despachadas por el vivero provincial en los doce meses anteriores a la fecha de medición, "
                "según sus registros de despacho."
            ),
            "method_qu": (
                "Markapak yura wiñachina wasimanta chunka ishkay killakunapi kachashka yurakunata yupana, kachashka "
                "killkakunapi rikushpa."
            ),
            "source_es": "Registros del vivero provincial, Dirección de Gestión Ambiental",
            "source_qu": "Markapak yura wiñachina wasipak killkakuna, Allpamamata Kamana Ukku",
            "values": [
                (date(2025, 6, 30), 61800, ""),
                (date(2025, 12, 31), 64200, ""),
                (date(2026, 6, 30), 67500, ""),
            ],
        },
        {
            "order": 2,
            "name_es": "Personas participantes en campañas de educación ambiental",
            "name_qu": "Allpamamamanta yachachiykunapi tantanakushka runakuna",
            "unit_es": "personas",
            "unit_qu": "runakuna",
            "direction": "increase",
            "disaggregation": "sex",
            "baseline_value": 0,
            "baseline_on": date(2025, 6, 1),
            "target_value": 2000,
            "target_on": date(2026, 6, 30),
            "method_es": (
                "Participantes registrados en las listas de asistencia de cada campaña, sumados desde el inicio del "
                "compromiso."
            ),
            "method_qu": (
                "Tukuy yachachiykunapi shutita killkachishka runakunata yupana, ruraykuna kallarishka punchamanta."
            ),
            "source_es": "Listas de asistencia de las campañas, Dirección de Gestión Ambiental",
            "source_qu": "Yachachiykunapak shutikunata killkashka pankakuna, Allpamamata Kamana Ukku",
            "values": [
                (date(2025, 12, 31), 640, ""),
                (date(2025, 12, 31), 352, "Mujeres"),
                (date(2025, 12, 31), 288, "Hombres"),
                (date(2026, 5, 20), 1380, ""),
                (date(2026, 5, 20), 760, "Mujeres"),
                (date(2026, 5, 20), 620, "Hombres"),
            ],
        },
    ],
    "ECPTZ0002": [
        {
            "order": 1,
            "name_es": "Emprendimientos acompañados por el centro de emprendimiento",
            "name_qu": "Mushuk ruraykunapak wasi yanapashka mushuk katuykuna",
            "unit_es": "emprendimientos",
            "unit_qu": "mushuk katuykuna",
            "direction": "increase",
            "disaggregation": "canton",
            "baseline_value": 0,
            "baseline_on": date(2026, 3, 1),
            "target_value": 120,
            "target_on": date(2027, 2, 28),
            "method_es": (
                "Emprendimientos con ficha de acompañamiento abierta en el centro (trámites, registros sanitarios o "
                "comercialización), sumados desde la apertura de la primera cohorte."
            ),
            "method_qu": (
                "Wasipi yanapay killkata paskashka mushuk katuykunata yupana (kamachik killkakunata hapinkapak, "
                "katunkapak yanapay), shukniki tantanakuy kallarishka punchamanta."
            ),
            "source_es": "Registro de acompañamiento del centro, Dirección de Desarrollo Sustentable",
            "source_qu": "Wasipak yanapay killka, Alli Kawsayta Wiñachina Ukku",
            "values": [
                (date(2026, 6, 30), 41, ""),
                (date(2026, 10, 31), 66, ""),
                (date(2026, 10, 31), 38, "Pastaza"),
                (date(2026, 10, 31), 14, "Mera"),
                (date(2026, 10, 31), 9, "Santa Clara"),
                (date(2026, 10, 31), 5, "Arajuno"),
            ],
        },
        {
            "order": 2,
            "name_es": "Emprendimientos que obtuvieron su registro sanitario con apoyo del centro",
            "name_qu": "Wasipak yanapaywan kamachik killkata hapishka mushuk katuykuna",
            "unit_es": "emprendimientos",
            "unit_qu": "mushuk katuykuna",
            "direction": "increase",
            "disaggregation": "none",
            "baseline_value": 0,
            "baseline_on": date(2026, 3, 1),
            "target_value": 40,
            "target_on": date(2027, 2, 28),
            "method_es": "Registros sanitarios emitidos a emprendimientos acompañados por el centro, sumados.",
            "method_qu": "Wasi yanapashka mushuk katuykunaman kushka kamachik killkakunata yupana.",
            "source_es": "Registro de acompañamiento del centro, Dirección de Desarrollo Sustentable",
            "source_qu": "Wasipak yanapay killka, Alli Kawsayta Wiñachina Ukku",
            "values": [(date(2026, 6, 30), 5, ""), (date(2026, 10, 31), 12, "")],
        },
    ],
    "ECPTZ0003": [
        {
            "order": 1,
            "name_es": "Kilómetros de vías rurales con mantenimiento",
            "name_qu": "Allichishka sacha llakta ñankunapak kilometrokuna",
            "unit_es": "km",
            "unit_qu": "km",
            "direction": "increase",
            "disaggregation": "none",
            "baseline_value": 0,
            "baseline_on": date(2025, 1, 1),
            "target_value": 600,
            "target_on": date(2027, 2, 28),
            "method_es": (
                "Kilómetros de vías rurales con mantenimiento concluido (relastre, reconformación o limpieza de "
                "cunetas), por administración directa o por contratación, sumados desde el inicio del compromiso."
            ),
            "method_qu": (
                "Kallarishka punchamanta allichishka sacha llakta ñankunata kilometrokunapi yupana (rumita churashka, "
                "allichishka, yaku ñankunata pichashka)."
            ),
            "source_es": "Informes de mantenimiento vial, Dirección de Obras Públicas",
            "source_qu": "Ñan allichina willachikkuna, Tukuykunapak Ruraykuna Ukku",
            "values": [
                (date(2025, 6, 30), 85, ""),
                (date(2025, 12, 31), 190, ""),
                (date(2026, 6, 30), 305, ""),
            ],
        },
        {
            "order": 2,
            "name_es": "Días promedio de respuesta a las solicitudes de mantenimiento vial",
            "name_qu": "Ñan allichina mañaykunaman kutichinkapak chawpi punchakuna",
            "unit_es": "días",
            "unit_qu": "punchakuna",
            "direction": "decrease",
            "disaggregation": "none",
            "baseline_value": 90,
            "baseline_on": date(2025, 12, 31),
            "target_value": 30,
            "target_on": date(2027, 2, 28),
            "method_es": (
                "Promedio de días entre el ingreso de una solicitud al registro público y su respuesta, para las "
                "solicitudes respondidas en los tres meses anteriores a la fecha."
            ),
            "method_qu": (
                "Mañaykuna killkapi yaykushka punchamanta kutichishka punchakama, kimsa killakunapi kutichishka "
                "mañaykunapak chawpi punchakunata yupana."
            ),
            "source_es": "Registro público de solicitudes de mantenimiento vial",
            "source_qu": "Ñan allichina mañaykunapak tukuykunaman rikuchishka killka",
            "values": [(date(2026, 6, 30), 74, ""), (date(2026, 10, 31), 58, "")],
        },
    ],
}
