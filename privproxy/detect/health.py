"""Health words that concern nobody: a drug or disease named in a question with no person in it.

Health data is data about somebody's health. "What is the mechanism of action of metformin?" or a
table of drug classes for a pharmacology exam names medicines and diseases but concerns no one, so
it is no finding where the policy says `detection.impersonal_health: allow`. A health word found by
its vocabulary alone (a drug or condition name) concerns somebody when the text holds somebody: a
private person's name or their contact data, an id or a date of birth (anywhere in the text), or a
word that refers to a person in the same sentence or the one before it: a personal pronoun or
possessive ("I take", "mein Vater", "lei prende"), a kinship, care or work relation ("patient",
"sa mère", "Tochter"), or an age ("54 y/o", "42 ans"); not a person word negated ("no specific patient") or
opening a compound ("patient-education leaflet"). Values under a health key of a record or
form, and a condition after a clinical cue ("diagnosed with"), are always somebody's and are not
judged here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .names import word_set

# The detectors that find a health word by what it is, not by where it stands.
# A condition after a clinical cue ("diagnosed with", "Antécédents :") is a patient's: not judged.
VOCABULARY_DETECTORS = frozenset(
    {
        "DrugNameRecognizer",
        "ConditionNameRecognizer",
        "MedicationRecognizer",
        "HealthConditionRecognizer",
        "CommonConditionRecognizer",
        "ConditionByHeadWordRecognizer",
        "MedicalProcedureRecognizer",
    }
)
# Of those, the ones that find listed words only: a name inside their finding is that drug or
# condition ("| Sertraline | SSRI |"). The head-word detector takes any words before "disease"
# ("Anna's disease"), so a name inside its finding stays a name.
LISTED_DETECTORS = VOCABULARY_DETECTORS - {"ConditionByHeadWordRecognizer"}
HEALTH_TYPES = frozenset({"MEDICATION", "MEDICAL_CONDITION"})

# Words that refer to a person, by language: first-person pronouns and possessives, third-person ones
# where they stand for people only (English "she", Italian "lei", Swedish "hon"; not French "il" or
# German "ihn", which stand for things as often), relations of kin, care and work. Not "you", "they"
# or "one": those are how questions are asked.
_PERSON_WORDS = """
    i'm i've i'd i'll my mine myself he he's him his himself she she's her hers herself patient
    patients pt pts client mum mom mother father dad daughter wife husband partner child kid
    baby brother sister grandma granny grandmother grandpa grandfather aunt uncle nephew niece
    cousin friend colleague coworker employee boss neighbour neighbor tenant
    je j' moi mon patiente mère père fils fille femme mari enfant bébé frère sœur soeur cousine
    amie ami collègue salarié salariée voisin voisine
    ich mich mir mein meine meinen meinem meiner meines patientin mutter vater sohn tochter
    ehefrau ehemann bruder schwester oma opa tante onkel freundin kollege kollegin mitarbeiter
    mitarbeiterin nachbar nachbarin
    yo mí mis él ella paciente madre padre hijo hija esposa esposo marido hermano hermana abuela
    abuelo tía tío amigo amiga compañero compañera empleado empleada vecino vecina
    io mio mia miei mie lui lei suo sua suoi sue figlio figlia moglie fratello sorella nonna
    nonno zia zio collega dipendente
    eu meu minha meus minhas ele ela mãe pai filho filha irmão irmã avó avô
    ik mij mijn patiënt patiënte moeder vader zoon dochter echtgenoot broer zus buurman
    buurvrouw
    mnie mój moja moje mojego mojej mojemu pacjent pacjentka matka mama ojciec tata syn córka
    żona mąż dziecko brat siostra babcia dziadek koleżanka sąsiad sąsiadka
    jag jeg mig mitt mina hon hun hans hennes hendes mor søn dotter datter bror syster søster
    mormor farmor morfar farfar mamma pappa kone mand
    minä minulla minun minua minulle hän hänellä hänen häntä äiti isä poika tytär vaimo veli
    sisko mummo ukki lapsi potilas
    mám můj moje mého mému mně matka otec syn dcera manželka manžel bratr sestra babička
    dědeček pacientka
    eu meu mea mele mama tatăl tata fiul fiica soția soțul fratele sora bunica bunicul pacientul
    én nekem nálam engem anyám apám fiam lányom feleségem férjem testvérem nagymamám nagyapám beteg
    ben benim bana annem babam oğlum k\u0131z\u0131m eşim kardeşim ablam ağabeyim babaannem anneannem
    я мне меня мой моя моё мои мама мать папа отец сын дочь жена муж брат сестра бабушка дедушка пациент
    пациентка мені мене мій моя моє мої батько син донька дружина чоловік сестра бабуся дідусь пацієнт
    пацієнтка
    εγώ μου μένα μητέρα μητέρας μαμά πατέρας μπαμπάς γιος κόρη σύζυγος αδελφός αδελφή γιαγιά παππούς ασθενής
    """
# Left out on purpose, being other words too: "we"/"us"/"our" (how questions are asked), "me" ("tell
# me"), "son" (Spanish "are"), "ma" (Italian "but"), "mes" (Spanish "month"), "sein" ("to be"),
# "kind", "far", "min" (minutes), "ja" ("yes"), "vi" (an editor), "i" (Polish and Czech "and"),
# Czech "já" (Portuguese "already"), Turkish "hasta" (Spanish "until").
_PERSON_WORD = frozenset(_PERSON_WORDS.split())
# A word, not the letters of a code ("I48.91", "F32.A": no "I", no "A").
_WORD = re.compile(r"(?<![\w.])[^\W\d_]+(?:['\u2019][a-z]+|['\u2019])?(?![\w.]\w)")
# An age: "54 y/o", "42-year-old", "a 7 year old", "42 ans", "35 Jahre", "60 años", "45 anni", "lat 67".
_AGE = re.compile(
    r"(?i)\b\d{1,3}\s*(?:y/?o\b|yo\b|-?\s*years?[- ]old|ans\b|jahre\b|jährig|años\b|anni\b|anos\b|jaar\b|lat\b|år\b)"
)
# A sentence ends at . ! ? or a line break (a list item, a form line); a closed bracket does not.
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_REACH = 300  # at most this many characters either side of the health word
# A person word as the first part of a compound names a kind of thing, not someone: "patient-facing".
_COMPOUND = re.compile(r"-[^\W\d_]")
# A negation right before a person word (up to one word between) says there is no such person:
# "no specific patient", "not for a patient", "kein bestimmter Patient", "aucun patient", "ningún paciente".
_NEGATED = re.compile(
    r"(?i)(?<![^\W\d_])(?:no|not(?: for)?(?: a| any)?|without(?: a| any)?|kein\w*|aucune?|sans|ningun[oa]?|ningún|sin|"
    r"nessun[oa]?|senza|geen|zonder|żaden|żadna|żadnego|bez|nenhuma?|sem|ingen|uten|utan)"
    r"\s+(?:[^\W\d_]+\s+)?$"
)


def concerns_somebody(text: str, start: int, end: int, somebody_in_text: bool) -> bool:
    """Whether the health word at text[start:end] is about a person (see the module docstring)."""
    if somebody_in_text:
        return True
    before = text[max(0, start - _REACH) : start]
    ends = list(_SENTENCE_END.finditer(before))
    if len(ends) > 1:  # this sentence and the one before it ("Ma mère a 78 ans. Elle prend ...")
        before = before[ends[-2].end() :]
    after = text[end : end + _REACH]
    stop = _SENTENCE_END.search(after)
    if stop:
        after = after[: stop.start()]
    sentence = f"{before} {after}"
    if _AGE.search(sentence):
        return True
    return any(
        _refers_to_a_person(word.group())
        and not _COMPOUND.match(sentence, word.end())  # "a patient-education leaflet"
        and not _NEGATED.search(sentence, 0, word.start())  # "no specific patient", "kein Patient"
        for word in _WORD.finditer(sentence)
    )


def _refers_to_a_person(word: str) -> bool:
    if word == "I":  # English "I"; lower-case "i" is "and" in Polish and Czech
        return True
    if len(word) > 1 and word.isupper():  # an acronym: "EU", "IO", "PT"
        return False
    folded = word.casefold().replace("\u2019", "'")
    return folded in _PERSON_WORD or ("'" in folded and folded[: folded.index("'") + 1] in _PERSON_WORD)


def somebody_in(entity_types: Iterable[str]) -> bool:
    """Whether findings of these types (names and contacts that survived the public checks) hold a person."""
    from .public import personal_context

    types = set(entity_types)
    return "PERSON" in types or personal_context(types)


# Words that qualify a condition and belong to it ("early-onset Alzheimer's", "T10 paraplegia",
# "bipolär sjukdom typ II", "dyslexie sévère", "lievä astma"): severity, course, onset, extent.
_QUALIFIERS = word_set(
    """
    mild moderate severe chronic acute recurrent persistent advanced terminal metastatic congenital juvenile
    early-onset late-onset controlled uncontrolled well-controlled poorly-controlled bilateral partial
    leicht leichte leichter schwer schwere schwerer chronisch chronische chronischer akut akute akuter
    leger legere severe chronique chroniques aigu aigue moderee modere
    leve grave cronica cronico aguda agudo moderada moderado severa severo
    lieve grave cronica cronico acuta acuto moderata moderato
    lekka lekki ciezka ciezki przewlekla przewlekly ostra ostry umiarkowana umiarkowany
    licht lichte matig matige ernstig ernstige chronisch chronische acuut acute
    latt latta svar svara kronisk kroniska akut akuta mattlig
    let lette svaer svaere alvorlig alvorlige kroniske moderat
    lieva vaikea krooninen akuutti keskivaikea
    lehka tezka chronicka akutni stredne
    enyhe sulyos kronikus akut kozepes
    usoara severa cronica acuta moderata
    hafif agir kronik akut orta
    forte fort forti fuerte stark starke starker hochgradig hochgradige high
    """
)
# Head nouns a condition's adjective stands before ("bipolär sjukdom", "bipolare Störung").
_HEAD_NOUNS = word_set(
    """
    disease disorder syndrome krankheit erkrankung storung syndrom maladie trouble syndrome enfermedad
    trastorno sindrome malattia disturbo doenca transtorno ziekte stoornis syndroom choroba zaburzenie
    zespol sjukdom storning syndrom sygdom lidelse sykdom tauti hairio oireyhtyma nemoc porucha
    betegseg zavar boala tulburare sindrom hastaligi bozuklugu sendromu
    """
)
_LEVEL = re.compile(r"\b[CTLS]\d{1,2}[ \t]+$")  # a spinal level in front: "T10 paraplegia"
_GRADE_AFTER = re.compile(
    r"[ \t,]+(?:(?:de|di|do|der|van)[ \t]+)?(?:type|typ|typu|tipo|tipa|tipu|tip|tipas|tüüpi|tyyppi|típus|tipus|grade|grado|grad|stade|stadium|"
    r"stage|stadio|estadio|fase|phase|class|klasse|classe|klasa|klass)[ \t]*(?:[IVX]{1,4}|\d{1,2}[a-c]?)\b"
)
_WORD_BEFORE = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)?)[ \t]+$")
# An adjective that names the kind of a condition by its clinical ending, when it is no frequent word.
_CLINICAL_ADJECTIVE = re.compile(
    r"[^\W\d_]{4,}(?:tic|oid|oidal|ic|al|ar|ary|ous|ive|ní|ná|ný|owa|owy|isch|ische|ique)"
)
# An adjective after the condition, as Romance languages place it: "retinopatia diabética",
# "neuropatía periférica", "insuffisance cardiaque", "ipertensione arteriosa" (read folded).
_ADJECTIVE_AFTER = re.compile(
    r"[a-z]{3,}(?:ic[ao]s?|iche|ici|ique|iques|al|ale|ales|ali|ar|ares|ari[ao]s?|aire|iv[ao]s?|ive|os[ao]s?|euse|eux)"
)
_JOINED = re.compile(r"-[^\W\d_]{3,}")
_WORD_AFTER = re.compile(r"[ \t]+([^\W\d_]+(?:-[^\W\d_]+)?)")


def with_qualifiers(text: str, results: list[Any]) -> list[Any]:
    """Each condition finding widened over the qualifiers, levels and grades written against it, and each
    medicine over its release form ("Betaloc ZOK")."""
    from .drugs import ordinary_word
    from .public import fold

    def qualifier(word: str) -> bool:
        return fold(word) in _QUALIFIERS

    def named_by(word: str) -> bool:  # "psoriatic arthritis", "rheumatoid arthritis", "revmatoidní artritidě"
        return bool(_CLINICAL_ADJECTIVE.fullmatch(word)) and not ordinary_word(fold(word))

    def head(word: str) -> bool:
        return fold(word) in _HEAD_NOUNS

    for r in results:
        if r.entity_type != "MEDICAL_CONDITION":
            continue
        while (m := _WORD_BEFORE.search(text, max(0, r.start - 30), r.start)) and (
            qualifier(m[1]) or named_by(m[1])
        ):
            r.start = m.start()
        if level := _LEVEL.search(text, max(0, r.start - 8), r.start):
            r.start = level.start()
        while True:
            m = _WORD_AFTER.match(text, r.end)
            if not (m and (qualifier(m[1]) or head(m[1]) or _ADJECTIVE_AFTER.fullmatch(fold(m[1])))):
                # else "dyslexie-dysorthographie", "typ II"
                m = _JOINED.match(text, r.end) or _GRADE_AFTER.match(text, r.end)
            if m is None:
                break
            r.end = m.end()
    for r in results:
        if r.entity_type == "MEDICATION":
            while m := _RELEASE_FORM.match(text, r.end):
                r.end = m.end()
    return results


# The release form or strength word written after a brand: "Betaloc ZOK", "Concerta XL", "Seroquel XR",
# "Madopar Depot", "Xarelto mite": part of the medicine's name.
_RELEASE_FORM = re.compile(
    r"[ \t]+(?:[A-Z]{2,4}|Plus|Duo|Comp|Rapid|(?i:retard|forte|mite|depot|dépôt|zok|zoc))(?![\w-])"
)
