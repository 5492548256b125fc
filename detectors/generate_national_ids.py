"""Writes detectors/national_ids.yaml from the declared list below: one checksummed detector per id.

Each id is a python-stdnum module (the checksum), the shape of the number as people write it, and
its label words in the local language (and English). A digits-only shape scores below every
policy's threshold on its own, so it counts only next to a label word (Presidio's context boost);
a shape distinctive enough to stand alone (CURP, a PAN, a CPF with its dots, a Swiss AHV starting
756) scores above it, and so does one whose check a random number passes at most 0.5% of the time
(measured here, written into each detector's description). A number whose checksum fails is no finding. The examples come from each
stdnum module's own documentation, so the pack proves itself on numbers we did not write.

    python detectors/generate_national_ids.py        # rewrites detectors/national_ids.yaml
"""

from __future__ import annotations

import importlib
import random
import re
import sys
from pathlib import Path

import yaml

LABELLED = 0.3  # below min_score: needs a label word nearby
_NO_CHECK = frozenset({"ar.dni"})  # stdnum validates the length only
ALONE = 0.6  # distinctive shape: counts by itself
# A digits-only shape also stands alone when its check is strong: a random number written the same
# way passes it at most this often (a birth date plus a check digit or two: KR RRN, ZA, RO CNP ...).
# Measured below on SAMPLES numbers made from the documented ones with every digit drawn at random.
STRONG_CHECK = 0.005
SAMPLES = 4000
# In a text written in the id's own language (identified by privproxy, see detect/nlp.py), a looser
# check is enough: a PESEL in a Polish sentence, a CPF in a Portuguese one, a TC Kimlik in Turkish.
OWN_LANGUAGE_CHECK = 0.025
# A sentence per language with the number and no label word: the examples of `alone_in` detectors.
UNLABELLED = {
    "pl": "Klientka przesłała mi wczoraj {n}, czy to jest poprawny format?",
    "nl": "De klant heeft me gisteren {n} gestuurd, is dat het juiste formaat?",
    "fr": "La cliente m'a envoyé hier {n}, est-ce que le format est correct ?",
    "pt": "A cliente enviou-me ontem {n}, o formato está correto?",
    "sv": "Kunden skickade mig {n} i går, är det rätt format?",
    "da": "Kunden sendte mig {n} i går, er det det rigtige format?",
    "no": "Kunden sendte meg {n} i går, er det riktig format?",
    "fi": "Asiakas lähetti minulle eilen {n}, onko muoto oikea?",
    "tr": "Müşteri dün bana {n} gönderdi, bu biçim doğru mu?",
    "cs": "Zákaznice mi včera poslala {n}, je ten formát správný?",
    "ro": "Clienta mi-a trimis ieri {n}, este formatul corect?",
    "de": "Die Kundin hat mir gestern {n} geschickt, ist das Format richtig?",
    "it": "La cliente mi ha mandato ieri {n}, il formato è giusto?",
    "es": "La clienta me envió ayer {n}, ¿es correcto el formato?",
    "sk": "Zákazníčka mi včera poslala {n}, je ten formát správny?",
    "el": "Η πελάτισσα μου έστειλε χθες {n}, είναι σωστή η μορφή;",
    "hr": "Klijentica mi je jučer poslala {n}, je li format ispravan?",
    "sl": "Stranka mi je včeraj poslala {n}, ali je oblika pravilna?",
    "bg": "Клиентката ми изпрати вчера {n}, правилен ли е форматът?",
    "is": "Viðskiptavinurinn sendi mér {n} í gær, er sniðið rétt?",
    "et": "Klient saatis mulle eile {n}, kas vorming on õige?",
    "lt": "Klientė vakar man atsiuntė {n}, ar formatas teisingas?",
    "lv": "Kliente vakar man atsūtīja {n}, vai formāts ir pareizs?",
    "ru": "Клиентка вчера прислала мне {n}, правильный ли это формат?",
    "uk": "Клієнтка вчора надіслала мені {n}, чи правильний це формат?",
}
# The languages privproxy tells apart, per country (English is left out: it is every country's second).
LANGUAGES = {
    "PL": ["pl"],
    "NL": ["nl"],
    "BE": ["nl", "fr"],
    "BR": ["pt"],
    "PT": ["pt"],
    "SE": ["sv"],
    "DK": ["da"],
    "NO": ["no"],
    "FI": ["fi"],
    "TR": ["tr"],
    "CZ": ["cs", "sk"],  # one scheme for both
    "GR": ["el"],
    "HR": ["hr"],
    "SI": ["sl"],
    "BG": ["bg"],
    "IS": ["is"],
    "EE": ["et"],  # no LT: Lithuania's scheme is Estonia's, whose detector stands alone anywhere
    "LV": ["lv"],
    "RU": ["ru"],
    "UA": ["uk"],
    "AD": ["ca"],
    "RO": ["ro"],
    "AT": ["de"],
    "CH": ["de", "fr", "it"],
    "AR": ["es"],
    "CL": ["es"],
    "MX": ["es"],
    "CO": ["es"],
    "VE": ["es"],
    "EC": ["es"],
    "DO": ["es"],
    "CR": ["es"],
    "PE": ["es"],
}

# country, stdnum module, regex (as written, separators allowed), score, label words
IDS: list[tuple[str, str, str, float, list[str]]] = [
    ("PL", "pl.pesel", r"\b\d{11}\b", LABELLED, ["pesel"]),
    (
        "GB",
        "gb.utr",
        r"\b\d{5} ?\d{5}K?\b",
        LABELLED,
        ["utr", "taxpayer"],
    ),
    ("IN", "in_.pan", r"\b[A-Z]{3}[ABCFGHLJPT][A-Z]\d{4}[A-Z]\b", ALONE, ["pan", "permanent account number", "पैन", "पैन कार्ड"]),
    (
        "IN",
        "in_.aadhaar",
        r"\b[2-9]\d{3}[ -]?\d{4}[ -]?\d{4}\b",
        LABELLED,
        # the word in Hindi/Marathi, Tamil, Bengali, Telugu, Kannada, Malayalam, Gujarati, Punjabi and Urdu
        ["aadhaar", "aadhar", "uidai", "uid", "आधार", "आधार संख्या", "आधार नंबर", "ஆதார்", "আধার", "ఆధార్",
         "ಆಧಾರ್", "ആധാർ", "આધાર", "ਆਧਾਰ", "آدھار"],
    ),
    (
        "CA",
        "ca.sin",
        r"\b\d{3}[- ]?\d{3}[- ]?\d{3}\b",
        LABELLED,
        ["sin", "social insurance", "nas", "assurance sociale"],
    ),
    ("NL", "nl.bsn", r"\b\d{4}\.\d{2}\.\d{3}\b", ALONE, ["bsn", "burgerservicenummer"]),
    (
        "NL",
        "nl.bsn",
        r"\b\d{9}\b",
        LABELLED,
        ["bsn", "burgerservicenummer", "sofinummer"],
    ),
    ("BR", "br.cpf", r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b", ALONE, ["cpf"]),
    ("BR", "br.cpf", r"\b\d{11}\b", LABELLED, ["cpf"]),
    (
        "SE",
        "se.personnummer",
        r"\b(?:\d{2})?\d{6}[-+]?\d{4}\b",
        LABELLED,
        ["personnummer", "personnr", "person-nr"],
    ),
    ("DK", "dk.cpr", r"\b\d{6}-?\d{4}\b", LABELLED, ["cpr", "cpr-nummer", "cpr-nr", "personnummer"]),
    ("FI", "fi.hetu", r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", ALONE, ["hetu", "henkilötunnus", "sotu"]),
    (
        "CN",
        "cn.ric",
        r"\b\d{17}[\dX]\b",
        ALONE,
        ["身份证", "身份证号", "居民身份证", "resident identity", "id card"],
    ),
    ("KR", "kr.rrn", r"\b\d{6}-?\d{7}\b", LABELLED, ["주민등록번호", "rrn", "resident registration"]),
    ("AU", "au.tfn", r"\b\d{3} ?\d{3} ?\d{2,3}\b", LABELLED, ["tfn", "tax file number"]),
    (
        "CH",
        "ch.ssn",
        r"\b756[. ]?\d{4}[. ]?\d{4}[. ]?\d{2}\b",
        ALONE,
        ["ahv", "avs", "ahv-nr", "sozialversicherungsnummer"],
    ),
    (
        "ZA",
        "za.idnr",
        r"\b\d{6} ?\d{7}\b",
        LABELLED,
        ["identity number", "id number", "south african id", "rsa id"],
    ),
    ("MX", "mx.curp", r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[0-9A-Z]\d\b", ALONE, ["curp"]),
    # written with its dots and its check character after a dash, a RUT is one whatever stands near it
    ("CL", "cl.rut", r"\b\d{1,2}\.\d{3}\.\d{3}-[\dkK]\b", ALONE, ["rut", "run", "rol único"]),
    ("CL", "cl.rut", r"\b\d{7,8}-[\dkK]\b", LABELLED, ["rut", "run", "rol único"]),
    (
        "TR",
        "tr.tckimlik",
        r"\b[1-9]\d{10}\b",
        LABELLED,
        ["tc kimlik", "tckn", "kimlik no", "kimlik numarası", "t.c."],
    ),
    ("BE", "be.nn", r"\b\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}\b", ALONE, ["rijksregisternummer", "niss"]),
    (
        "BE",
        "be.nn",
        r"\b\d{2} ?\d{2} ?\d{2}[- ]?\d{3} ?\d{2}\b",
        LABELLED,
        ["rijksregisternummer", "registre national", "nn", "insz", "niss"],
    ),
    (
        "NO",
        "no.fodselsnummer",
        r"\b\d{6} ?\d{5}\b",
        LABELLED,
        ["fødselsnummer", "fodselsnummer", "personnummer"],
    ),
    ("PT", "pt.nif", r"\b\d{3} ?\d{3} ?\d{3}\b", LABELLED, ["nif", "contribuinte", "número de contribuinte"]),
    ("RO", "ro.cnp", r"\b[1-8]\d{12}\b", LABELLED, ["cnp", "cod numeric personal"]),
    ("BG", "bg.egn", r"\b\d{6} ?\d{3} ?\d\b", LABELLED, ["егн", "egn"]),
    ("EE", "ee.ik", r"\b[1-6]\d{10}\b", LABELLED, ["isikukood", "personal code"]),
    ("LT", "lt.asmens", r"\b[1-6]\d{10}\b", LABELLED, ["asmens kodas"]),
    (
        "AT",
        "at.vnr",
        r"\b\d{4} ?\d{6}\b",
        LABELLED,
        ["sozialversicherungsnummer", "svnr", "sv-nummer", "versicherungsnummer"],
    ),
    # The Czech and Slovak birth numbers are one scheme (stdnum.sk.rc is stdnum.cz.rc): one detector.
    ("CZ", "cz.rc", r"\b\d{6}/?\d{3,4}\b", LABELLED, ["rodné číslo", "rodne cislo", "rč"]),
    ("GR", "gr.amka", r"\b\d{11}\b", LABELLED, ["amka", "αμκα"]),
    ("FR", "fr.nif", r"\b[0-3]\d ?\d{2} ?\d{3} ?\d{3} ?\d{3}\b", LABELLED, ["numéro fiscal", "nif", "spi"]),
    # The Greek tax number (ΑΦΜ) is a person's as well as a firm's; stdnum.gr.vat checks it.
    ("GR", "gr.vat", r"\b\d{9}\b", LABELLED, ["afm", "αφμ", "α.φ.μ"]),
    # A Latvian personal code is checked by stdnum.lv.pvn (which knows natural persons' numbers): the
    # date-of-birth form, and the form given since July 2017 (32, then ten digits without a date).
    ("LV", "lv.pvn", r"\b(?:[0-3]\d[01]\d{3}-?[0-2]\d{4}|32\d{4}-?\d{5})\b", LABELLED, ["personas kods", "personas koda", "personas kodu"]),
    ("HR", "hr.oib", r"\b\d{11}\b", LABELLED, ["oib"]),
    ("IS", "is_.kennitala", r"\b\d{6}-?\d{4}\b", LABELLED, ["kennitala", "kt"]),
    ("IL", "il.idnr", r"\b\d{7,8}-?\d\b", LABELLED, ["teudat zehut", "תעודת זהות", "מספר זהות", "id number"]),
    (
        "IE",
        "ie.pps",
        r"\b\d{7}[A-W][ABWTX]?\b",
        LABELLED,
        # Irish: Uimhir Phearsanta Seirbhíse Poiblí
        ["pps", "ppsn", "pps number", "personal public service", "upsp", "uimhir pps", "uimhir phearsanta"],
    ),
    ("AR", "ar.cuit", r"\b\d{2}-?\d{8}-?\d\b", LABELLED, ["cuit", "cuil"]),
    # not inside an IP address or a longer dotted number ("203.0.113.195")
    ("AR", "ar.dni", r"(?<![\w.])\d{1,2}\.\d{3}\.\d{3}(?!\w|\.\d)", LABELLED, ["dni", "documento nacional de identidad"]),
    ("DO", "do.cedula", r"\b\d{3}-?\d{7}-?\d\b", LABELLED, ["cédula", "cedula"]),
    ("EC", "ec.ci", r"\b\d{9}-?\d\b", LABELLED, ["cédula", "cedula"]),
    ("ID", "id.nik", r"\b\d{16}\b", LABELLED, ["nik", "ktp"]),
    ("MY", "my.nric", r"\b\d{6}-?\d{2}-?\d{4}\b", LABELLED, ["nric", "mykad", "mykid", "pengenalan"]),
    ("PK", "pk.cnic", r"\b\d{5}-?\d{7}-?\d\b", LABELLED, ["cnic", "nadra", "شناختی کارڈ", "شناختی کارڈ نمبر", "قومی شناختی کارڈ"]),
    ("SI", "si.emso", r"\b\d{13}\b", LABELLED, ["emšo", "emso", "jmbg"]),
    ("TH", "th.pin", r"\b\d-?\d{4}-?\d{5}-?\d{2}-?\d\b", LABELLED, ["thai id", "เลขประจำตัวประชาชน"]),
    ("UA", "ua.rntrc", r"\b\d{10}\b", LABELLED, ["рнокпп", "rnokpp", "іпн", "ipn"]),
    ("MX", "mx.rfc", r"\b[A-ZÑ&]{4}[ -]?\d{6}[ -]?[A-Z0-9]{3}\b", ALONE, ["rfc"]),
    ("NZ", "nz.ird", r"\b\d{2,3}-?\d{3}-?\d{3}\b", LABELLED, ["ird", "ird number"]),
    ("PT", "pt.cc", r"\b\d{8} ?\d ?(?=[A-Z\d]{0,1}[A-Z])[A-Z\d]{2}\d\b", ALONE, ["cartão de cidadão", "cartao de cidadao"]),
    (
        "JP",
        "jp.in_",
        r"\b\d{4} ?\d{4} ?\d{4}\b",
        LABELLED,
        ["個人番号", "マイナンバー", "my number", "individual number"],
    ),
    ("CR", "cr.cpf", r"\b\d{1,2}-?\d{4}-?\d{4}\b", LABELLED, ["cédula", "cedula"]),
    ("PE", "pe.cui", r"\b\d{8}-?\d?\b", LABELLED, ["dni", "cui"]),
    ("RU", "ru.inn", r"\b\d{12}\b", LABELLED, ["инн", "inn"]),
    ("CO", "co.nit", r"\b\d{3}\.?\d{3}\.?\d{3}-?\d\b", LABELLED, ["nit"]),
    ("VE", "ve.rif", r"\b[VEJPG]-?\d{8}-?\d\b", LABELLED, ["rif"]),
    # Andorra's tax number (F: a resident, E: a non-resident person; other letters, a company's)
    ("AD", "ad.nrt", r"\b[A-Z]-?\d{6}-?[A-Z]\b", LABELLED, ["nrt", "número de registre tributari", "registre tributari"]),
]

_DOCTEST = re.compile(r">>> (?:validate|is_valid|compact|format)\('([^']+)'\)")


def _chance(module_name: str, valid: list[str]) -> float:
    """How often a random number written like the valid ones passes the module's check."""
    module = importlib.import_module(f"stdnum.{module_name}")
    draw = random.Random(module_name + "".join(valid))
    passed = 0
    for i in range(SAMPLES):
        written = "".join(draw.choice("0123456789") if ch.isdigit() else ch for ch in valid[i % len(valid)])
        try:
            passed += bool(module.is_valid(written))
        except Exception:  # the pack counts a number its module cannot judge as a match
            passed += 1
    return passed / SAMPLES


def _examples(module_name: str, pattern: str) -> tuple[list[str], list[str]]:
    """Valid numbers from the module's own docs that the shape matches, and each with a broken checksum."""
    module = importlib.import_module(f"stdnum.{module_name}")
    shape = re.compile(pattern)
    valid = []
    documented = _DOCTEST.findall(module.__doc__ or "")
    forms = [
        f(c) for c in documented if module.is_valid(c) for f in (str, module.compact, _formatted(module))
    ]
    for candidate in forms:
        if candidate and module.is_valid(candidate) and shape.fullmatch(candidate) and candidate not in valid:
            valid.append(candidate)
    broken = []
    for number in valid[:1]:
        digits = [i for i, ch in enumerate(number) if ch.isdigit()]
        for i in reversed(digits):
            for replacement in "0123456789":
                changed = number[:i] + replacement + number[i + 1 :]
                if changed != number and not module.is_valid(changed):
                    broken.append(changed)
                    break
            if broken:
                break
    return valid[:2], broken


# Words too common to say which id a number is; context words are single words (spaCy tokens).
_GENERIC = frozenset(
    {
        "number",
        "numero",
        "número",
        "numer",
        "nummer",
        "מספר",
        "no",
        "nr",
        "id",
        "the",
        "of",
        "code",
        "personal",
        "card",
        "de",  # "número de contribuinte": the joining word of every Romance label
        "du",
        "di",
        "da",
    }
)


def _context_words(labels: list[str]) -> list[str]:
    words: list[str] = []
    for label in labels:
        for word in re.split(r"[\s.\-]+", label.lower()):
            if len(word) >= 2 and word not in _GENERIC and word not in words:
                words.append(word)
        if re.fullmatch(r"(?:\w\.){2,}", label.lower()) and label.lower() not in words:
            words.append(label.lower())  # "T.C.": one token to the NLP, dots and all
    return words


def _formatted(module: object) -> object:
    """The module's own way of writing a number, where it has one."""
    return getattr(module, "format", lambda number: None)


# Words that say "this is somebody's id" without saying whose country: with them, a number that passes
# the checksum of any id declared above is one (a table's "ID" column, "personal code 50609191253").
GENERIC_LABELS = [
    "id",
    "id no",
    "id nr",
    "id number",
    "id card number",
    "identity number",
    "identification number",
    "identifier",
    "personal code",
    "personal id code",
    "national number",
    "citizen id",
    # the English words for a social-security number, whichever country's ("social insurance number
    # 4271… " of an Austrian, in an English letter)
    "social security number",
    "social insurance number",
    "national insurance number",
    "insurance number",
    "numéro d'identité",
    "numéro d'identification",
    "numéro national",
    "ausweisnummer",
    "identifikationsnummer",
    "personenkennziffer",
    "número de identificación",
    "número de identidad",
    "número de identidade",
    "numero di identità",
    "numero identificativo",
    "identiteitsnummer",
    "identificatienummer",
    "numer identyfikacyjny",
    "numer ewidencyjny",
    "id-nummer",
    "identitetsnummer",
    "kimlik numarası",
]
# The same words in prose, before or after the number ("ID number 8806241493081", "… as the ID number").
_PROSE_LABEL = (
    r"(?:\bID\b(?:[ -]?(?:(?i:number|no\.?|nr\.?|card)\b|#))?"
    r"|(?i:\b(?:identity|identification|personal(?: id)?|national|citizen)[ -](?:number|no\.?|nr\.?|code)\b)"
    r"|(?i:\b(?:" + "|".join(w for w in GENERIC_LABELS if " " in w and not w.startswith("id")) + r")\b))"
)
_NUMBER = r"(?<![\w.-])[0-9](?:[ ./-]?[0-9]){6,17}[0-9A-Z]?(?![\w-])"


def _generic(modules: list[str]) -> list[dict[str, object]]:
    """Any declared id's checksum, under a generic label (a field) or next to one in prose."""
    validators = [f"stdnum.{module}" for module in modules]
    example = "50609191253"  # an Estonian isikukood from stdnum.ee.ik's documentation
    checks = [importlib.import_module(f"stdnum.{module}") for module in modules]
    broken = next(  # the same number with its last digits changed until no declared checksum passes
        candidate
        for candidate in (f"{example[:-2]}{n:02d}" for n in range(100))
        if not any(check.is_valid(candidate) for check in checks)
    )
    return [
        {
            "name": "NationalIdUnderIdKey",
            "supported_entity": "NATIONAL_ID",
            "description": "a value under a generic id key or column that passes one of the checksums above",
            "kind": "fields",
            "fields": GENERIC_LABELS,
            "value_pattern": r"^\s*[0-9](?:[ ./-]?[0-9]){6,17}[0-9A-Z]?\s*$",  # 8 digits or more, one number
            "validator": validators,
            "examples": {
                "match": [f"| Name | Country | ID |\n|---|---|---|\n| Liis Saar | EE | {example} |"],
                "no_match": [f"| Name | ID |\n|---|---|\n| Liis Saar | {broken} |", "ID: 42"],
            },
        },
        {
            "name": "NationalIdNextToIdWords",
            "supported_entity": "NATIONAL_ID",
            "description": "a number next to generic id words in prose that passes one of the checksums above",
            "patterns": [
                {
                    "name": "after the words",
                    "regex": _PROSE_LABEL + r"[^\d\n]{0,20}?\K" + _NUMBER,
                    "score": ALONE,
                },
                {
                    "name": "before the words",
                    "regex": _NUMBER + r"(?=[^\d\n]{0,25}?" + _PROSE_LABEL + ")",
                    "score": ALONE,
                },
            ],
            "validator": list(validators),
            "examples": {
                "match": [
                    f"personal code {example}, born in 2006",
                    f"We got {example} as the ID number for her",
                ],
                "no_match": [f"personal code {broken}", f"invoice {example} was paid", "ID number 1234567"],
            },
        },
    ]


# Labels too short for a context word (Presidio finds context words inside longer ones: "ic" in
# "invoice") or split into one-letter tokens by the NLP ("ת.ז."), read as written right before the
# number: Malaysians write "IC 770305-02-1234", Israelis "ת.ז. 012345674" or "ת״ז".
SHORT_LABELS = {"my.nric": ["IC", "I/C", "K/P", "KP"], "il.idnr": ["ת.ז.", "ת.ז", 'ת"ז', "ת״ז"]}


def _after_short_label(labels: list[str], pattern: str) -> str:
    words = "|".join(re.escape(label) for label in labels)
    return rf"(?-i:(?<=\b(?:{words})(?:[ \t]+(?:No|Number))?[ \t]*[.:#]?[ \t]*){pattern})"


def build() -> dict[str, object]:
    recognizers: list[dict[str, object]] = []
    for country, module_name, pattern, score, labels in IDS:
        valid, broken = _examples(module_name, pattern)
        if not valid:
            raise SystemExit(f"stdnum.{module_name}: no documented example fits {pattern}; fix the shape")
        chance = _chance(module_name, valid)
        if score < ALONE and chance <= STRONG_CHECK:
            score = ALONE
        label = next((word for word in labels if word.isascii()), labels[0]).upper()
        match = [f"{label}: {number}" for number in valid]
        alone_in = LANGUAGES.get(country, []) if score < ALONE and chance <= OWN_LANGUAGE_CHECK else []
        if score >= ALONE:
            match.append(f"the number {valid[0]} is on file")
        for language in alone_in:
            match.append(UNLABELLED[language].format(n=valid[0]))
        match += [f"{short_label} {valid[0]}" for short_label in SHORT_LABELS.get(module_name, [])[:1]]
        no_match = [f"{label}: {number}" for number in broken]
        if score < ALONE:
            no_match.append(f"invoice {valid[0]} was paid")  # digits alone, no label: not certain enough
        short = module_name.rstrip("_").replace("_.", ".")
        patterns = [{"name": f"{country} {short}", "regex": pattern, "score": score}]
        if module_name in SHORT_LABELS:
            shorts = SHORT_LABELS[module_name]
            after = _after_short_label(shorts, pattern)
            patterns.append(
                {"name": f"{country} {short} after {', '.join(shorts)}", "regex": after, "score": ALONE}
            )
        name = f"NationalId_{country}_{short.split('.')[-1]}"
        if any(r["name"] == name for r in recognizers):
            name += "_" + str(sum(r["name"].startswith(name) for r in recognizers) + 1)
        recognizers.append(
            {
                "name": name,
                "supported_entity": "NATIONAL_ID",
                "description": (
                    f"{country}: stdnum.{module_name}; a random number written this way passes its check "
                    f"{chance:.2%} of the time, "
                    + (
                        f"so alone only in a text in {'/'.join(alone_in)}, elsewhere next to its label"
                        if alone_in
                        else "so only next to its label"
                        if score < ALONE
                        else "strong enough to count alone"
                        if chance <= STRONG_CHECK
                        else "and its shape counts alone"
                    )
                ),
                "patterns": patterns,
                "validator": f"stdnum.{module_name}",
                **({"alone_in": alone_in} if alone_in else {}),
                "context": _context_words(labels),
                "examples": {"match": match, "no_match": no_match},
            }
        )
    # A generic "ID number" label takes only ids with a real check: the Argentine DNI has none (any
    # seven or eight digits), so it counts only beside its own label.
    modules = list(dict.fromkeys(module for _, module, _, _, _ in IDS if module not in _NO_CHECK))
    recognizers.extend(_generic(modules))
    return {
        "name": "national_ids",
        "description": (
            "National, tax and social-security ids of many countries, each checked with python-stdnum. "
            "Generated by detectors/generate_national_ids.py from its declared list; edit that list, not this file."
        ),
        "recognizers": recognizers,
    }


def render() -> str:
    header = "# Generated by detectors/generate_national_ids.py: edit the list there and run it again.\n"
    return header + yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    target = Path(__file__).with_name("national_ids.yaml")
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target} ({len(IDS)} ids)", file=sys.stderr)
