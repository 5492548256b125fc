"""Findings that are not what they look like: placeholders, variables, loopback addresses, SSH remotes.

Each rule is a class of false finding, not a list of words from a corpus: a secret that is a
documented example or an unexpanded variable, an IP address that identifies no one (loopback,
unspecified, multicast, IPv4 link-local, the public DNS resolvers, a CIDR block), an e-mail that is
an SSH remote, a number that is a range of decimals, a measurement or part of a DOI, a "username" that is a
frequent English word, a "licence" in lower-case hex, a "street" that is a date, a "medication" of
everyday words before a volume, a secret whose words say it is none.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import itertools
import json
import re

from stdnum import ean, luhn

from ..entity_types import COUNTRY_ID_TYPES
from .names import known_name, word_rank, word_set
from .structure import is_placeholder

# A lower-case word this frequent in English is that word, not somebody's login.
COMMON_WORD = 5_000

# Values that stand for a secret without being one: AWS's documented example keys, xxxx / **** masks,
# <placeholders>, ${VARS} / $(VARS) / %VARS%, ALL_CAPS names of the variable that holds the value.
_NOT_A_SECRET = re.compile(
    r"EXAMPLE|(?i:^(?:example|dummy|changeme|placeholder|redacted|secret|password|token)$)"
    r"|(?i:your[-_][\w-]*?(?:key|token|secret|password)|your(?:api)?(?:key|token|secret|password))"
    r"|(?i:x{4,})|(?i:[_\-]x{3,}$)|\*{3,}|<[^<>]*>|\$\{[^}]*\}|\$\([^)]*\)|%[A-Z_]+%"
)
# A dotted module or package path ("django.db.backends.postgresql"): code, when a part of it names a
# tool or language ("correct.horse.battery.staple" names none and may be a passphrase).
_DOTTED_PATH = re.compile(r"[a-z_]+(?:\.[a-z_]+){2,}")


def _module_path(value: str) -> bool:
    from .code import technical_word

    return _DOTTED_PATH.fullmatch(value) is not None and any(
        technical_word(part) for part in value.split(".")
    )


# The name of the variable that holds a password ("USER:PASSWORD", "$DB_PASSWORD"): capital words
# joined by "_"; never a key id like AKIA5JM4PSFA5K6PIFE7 (digits inside a word).
# The marks around a template's slot: "[NOM DU LOCATAIRE]", "<FIRST NAME>", "{{CUSTOMER}}", "%NAME%".
_SLOT_MARKS = (("{{", "}}"), ("${", "}"), ("[", "]"), ("<", ">"), ("%", "%"))


def _template_slot(before: str, value: str, after: str) -> bool:
    """Words in capitals (no lower-case letter, no digit) that fill a template's slot from mark to mark."""
    if any(ch.islower() or ch.isdigit() for ch in value) or not any(ch.isupper() for ch in value):
        return False  # a slot is named in words: "[MRN00784512]" in a DICOM dump is the value itself
    if not any(before.endswith(opening) and after.startswith(closing) for opening, closing in _SLOT_MARKS):
        return False
    # "[ANNA KOWALSKA]" in a log is a name in capitals, not a slot's label
    return not any(known_name(word.capitalize()) for word in re.findall(r"[^\W\d_]{2,}", value))


_VARIABLE = re.compile(r"\$?[A-Z]+(?:_[A-Z0-9]+)*")
# An environment variable's name, or a path to one in code: SMTP_PASS, process.env.SMTP_PASS,
# import.meta.env.VITE_KEY, settings.DB_PASSWORD, ${DB_PASS}.
# The accounts an operating system, a cloud image or a service creates itself, the same on every machine
# (the default logins of Ubuntu, Amazon Linux, Oracle Cloud and Azure images, a Raspberry Pi, Vagrant
# boxes, and the daemons' own): a login, but nobody's.
_SYSTEM_ACCOUNTS = word_set(
    """
    root admin administrator git ubuntu debian centos fedora rocky almalinux alpine ec2-user opc azureuser
    core cloud-user bitnami pi vagrant nobody daemon www-data nginx apache httpd postgres mysql redis
    mongodb jenkins gitlab-runner ansible docker sa guest
    """
)
_CODE_REFERENCE = re.compile(r"(?:[A-Za-z_$][\w$]*\.)*\$?\{?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\}?")
# Public DNS resolvers: anycast addresses of services, not of a person.
_RESOLVERS = frozenset(
    {
        "8.8.8.8",
        "8.8.4.4",
        "1.1.1.1",
        "1.0.0.1",
        "9.9.9.9",
        "149.112.112.112",
        "208.67.222.222",
        "208.67.220.220",
        # and their IPv6 addresses (Google, Cloudflare, Quad9, OpenDNS), as `ipaddress` writes them
        "2001:4860:4860::8888",
        "2001:4860:4860::8844",
        "2606:4700:4700::1111",
        "2606:4700:4700::1001",
        "2620:fe::fe",
        "2620:fe::9",
        "2620:119:35::35",
        "2620:119:53::53",
    }
)
_DOCUMENTATION_MAILBOX = re.compile(
    r"(?i)(?:admin|administrator|root|postmaster|hostmaster|webmaster|noreply|no-reply|donotreply|do-not-reply|"
    r"user|username|name|email|mail|test|info|support|contact|hello|sales|you|your[._-]?(?:name|email)?|"
    r"someone|somebody|foo|bar|example|me)@(?:[\w-]+\.)*(?:example(?:\.(?:com|org|net))?|test|invalid|localhost)$"
)
_SSH_REMOTE = re.compile(r":[\w~./-]")
_SECRET_TYPES = frozenset({"SECRET", "API_KEY"})


# A format mask or a template blank: XXX-XX-XXXX, ***-**-1234, 000-00-0000, MM/DD/YYYY, (555) 555-5555,
# ____ — characters that say where a value goes, not a value. A mask may keep a few real digits
# ("***-**-1234" names four digits and no one). Read token by token (no backtracking on long values).
_MASK_SEPARATORS = re.compile(r"[\s\-./()+:]+")
_MASK_TOKEN = re.compile(r"[xX*#•_]+|0+|5{3,}")
_DATE_TOKENS = frozenset({"mm", "dd", "yy", "yyyy", "jj", "aaaa", "tt", "rrrr", "hh"})
_MASKABLE = frozenset(
    {"PERSON", "PHONE_NUMBER", "US_SSN", "NATIONAL_ID", "DATE_OF_BIRTH", "CREDIT_CARD", "ACCOUNT_NUMBER",
     "PASSPORT", "DRIVER_LICENSE", "US_DRIVER_LICENSE", "IBAN_CODE", "MEDICAL_RECORD_NUMBER", "UK_NINO"}
)  # fmt: skip
_YEAR = re.compile(r"(?<!\d)(1[0-9]\d\d|20\d\d)(?!\d)")  # a year of the second millennium or this century
# Nobody alive was born this many years ago: a birth date before it is history ("nasceu a 13 de junho
# de 1888"), not a person's data. records.py reads columns of birth dates with it too.
OLDEST = 110


def _one_repeated_digit(value: str) -> bool:
    """Seven digits or more, all the same, and nothing but them and separators: no one's number."""
    digits = [ch for ch in value if ch.isdigit()]
    return (
        len(digits) >= 7
        and len(set(digits)) == 1
        and all(ch.isdigit() or ch in " -./" for ch in value.strip())
    )


def _mask(value: str) -> bool:
    """XXX-XX-XXXX, 000-00-0000, MM/DD/YYYY, (555) 555-5555: a mask, a template's blank or a
    fictional number made of one repeated digit, not somebody's value."""
    stripped = value.strip()
    if not stripped:
        return False
    digits = [ch for ch in stripped if ch.isdigit()]
    if len(digits) >= 7 and len(set(digits)) == 1 and not any(ch.isalpha() for ch in stripped):
        return True
    if (
        len(digits) >= 6
        and len(set(digits)) == 1
        and {ch.upper() for ch in stripped if ch.isalpha()} <= {"A", "X"}
    ):
        return True  # "AA 99 99 99 A": an input mask of a national insurance number
    runs = re.findall(r"\d+", stripped)
    if len(runs) >= 2 and any(len(run) >= 7 and _counted(run) for run in runs):
        return True  # "12345678-1-42": a tax number's parts explained on a counted dummy
    if len(digits) >= 6 and len(stripped) - len(digits) <= 3 and _counted("".join(digits)):
        # "12345678", "987654321", "12345678Z", "AB123456D": counted up or down (a letter or two around),
        # a dummy, whatever checksum it passes
        return len(digits) == len(stripped) or _COUNTED_WITH_LETTERS.fullmatch(stripped) is not None
    tokens = [token for token in _MASK_SEPARATORS.split(stripped) if token]
    if stripped.startswith("+") and len(tokens) > 1:
        national = "".join(tokens[1:])
        if national.isdigit() and len(national) >= 6 and len(set(national)) == 1:
            return True  # "+351 000 000 000": a country code before a blank or dummy number
    if not tokens or not _mask_token(tokens[0]):
        return False
    if not all(_mask_token(token) or (token.isdigit() and len(token) <= 4) for token in tokens[1:]):
        return False
    return any(ch in stripped for ch in "xX*#•_") or set(digits) == {"0"} or tokens[0].lower() in _DATE_TOKENS


_COUNTED_WITH_LETTERS = re.compile(r"\d+[A-Za-z]{1,2}|[A-Za-z]{2}\d+[A-Za-z]")  # "12345678Z", "AB123456D"


def _counted(digits: str) -> bool:
    """Whether the digits count up or down by one ("0123456789", "87654321")."""
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {9})


def _mask_token(token: str) -> bool:
    return bool(_MASK_TOKEN.fullmatch(token)) or token.lower() in _DATE_TOKENS


# The verb or noun of a death (en fr de es it pt nl pl cs sk sl hr da no sv fi hu ro tr el lt lv et ru
# uk bg is): a date right after it, or right before it with no "and" between (and no date of its own
# after it), is when somebody died.
_DEATH = (
    r"died|death|deceased|passed\s+away|décédée?|décès|mort|morte|gestorben|starb|verstorben|murió|fallecid[oa]|"
    r"falleció|morì|morto|morta|morreu|faleceu|overleden|overleed|zmarł[a]?|zemřel[a]?|zomrel[a]?|umrl[a]?|"
    r"preminu[oa]|umro|umrla|døde|dødde|dó|kuoli|meghalt|elhunyt|a\s+murit|decedat|öldü|vefat\s+etti|πέθανε|"
    r"mirė|miris|mirusi|suri|умер(?:ла)?|помер(?:ла)?|почина(?:л|ла)?|lést"
)
# A birth word written before its date ("born 2 November 1938, died Thursday"): a death after it is
# another event. Not a verb that ends its clause after the date ("… 1963'te doğdu").
_BIRTH_BEFORE = re.compile(
    r"(?i)\b(?:date\s+of\s+birth|birth\s*date|d\.?o\.?b\.?|born|b\.|n[ée]e?|geboren|nacid[oa]|nat[oa]|nascid[oa]|urodzon[ya]|född|født|syntyi|született|"
    r"narozen[aáý]?|rođen[aio]?|rojen[aio]?|роден[\u0430\u043e]?|родил(?:ся|ась)|γεννήθηκε)"
    r"\W{0,3}(?:(?:on|le|am|el|il|em|the|den|dne|dia)\W{1,3})?$"
)
_DEATH_BEFORE = re.compile(rf"(?i)\b(?:{_DEATH})\b\W{{0,3}}(?:[\w']+\W{{1,3}}){{0,2}}$")
_DEATH_AFTER = re.compile(
    rf"(?i)[\w']*\W{{1,3}}(?:(?!(?:and|und|et|y|e|i|og|och|en|ve|és|și|a|и|και|ja|un|ir)\b)[\w']+\W{{1,3}}){{0,2}}(?:{_DEATH})\b"
    r"(?![\s,:;]{0,3}(?:[\w']+\W{1,3}){0,2}\d)"  # "née le 3 juin 1990, décédée le 4 mai 2020", "Date of death: 14/02": the death has its own date
)


# A whole date written year first in the Solar Hijri calendar of Iran and Afghanistan ("۱۳۶۹/۰۴/۲۵",
# scanned as 1369/04/25): 621 years behind the Gregorian one, so a year in the 1300s is a living
# person's birth, not history.
_SOLAR_HIJRI = re.compile(r"(1[34]\d\d)[/.-](?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])")


def _born_long_ago(value: str) -> bool:
    years = [int(year) for year in _YEAR.findall(value)]
    today = datetime.date.today().year
    if (hijri := _SOLAR_HIJRI.fullmatch(value.strip())) is not None and int(hijri.group(1)) <= today - 621:
        years = [int(hijri.group(1)) + 621]
    return bool(years) and all(year < today - OLDEST or year > today for year in years)


_NUMBER_AFTER_DIALLING_CODE = frozenset({"UK_NHS", "NATIONAL_ID", "US_SSN", "US_ITIN", "ACCOUNT_NUMBER"})
_DIALLING_CODE = re.compile(r"(?<![\w+])\+\d{1,3}[ .\-]?\(?$")
_CARD_GROUPS = re.compile(r"\d{4}([ -])\d{4}\1\d{4}\1\d{4}")
# A number and a unit of measure (metric, imperial, temperature, percent) at the start of a value; not a
# one-letter unit, which a street's name may be ("1100 M Street", "12 W 34th Street").
_MEASURE_FIRST = re.compile(
    r"(?i)\d+(?:[.,]\d+)?[ \t]?(?:mm|cm|dm|km|mg|kg|ml|cl|dl|inch(?:es)?|ft|feet|foot|yd|yards?|"
    r"miles?|oz|lbs?|pounds?|°[CF]?|%|percent|hz|khz|mhz|ghz|kb|mb|gb|tb|px|kw|mph|km/h)(?![\w/])"
)
# A literal handed to a validator or a checksum function in code: a test's input, nobody's number.
_VALIDATOR_CALL = re.compile(r"(?i)\w*(?:valid|check|luhn|verify|checksum|mod_?97|mod_?11)\w*\(\s*[\"']$")
# The first four groups of a UUID: the twelve digits after them are its last group, nobody's number.
_UUID_HEAD = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-$")


# The example IBAN of each country in SWIFT's IBAN registry (and the ECBS's GB82 WEST …): documented
# for validators and forms, and an example in a text that talks of examples or tests (other texts use
# them as somebody's account as often).
_REGISTRY_EXAMPLE_IBANS = word_set(
    """
    DE89370400440532013000 GB29NWBK60161331926819 GB82WEST12345698765432 FR1420041010050500013M02606
    ES9121000418450200051332 IT60X0542811101000000123456 NL91ABNA0417164300 AT611904300234573201
    CH9300762011623852957 PL61109010140000071219812874 SI56191000000123438 PT50000201231234567890154
    SE4550000000058398257466 DK5000400440116243 FI2112345600000785 NO9386011117947
    IE29AIBK93115212345678 LU280019400644750000 CZ6508000000192000145399 SK3112000000198742637541
    HU42117730161111101800000000 RO49AAAA1B31007593840000 BG80BNBG96611020345678
    HR1210010051863000160 GR1601101250000000012300695 LT121000011101001000 LV80BANK0000435195001
    EE382200221020145685 IS140159260076545510730339 TR330006100519786457841326
    CY17002001280000001200527600 MT84MALT011000012345MTLCAST001S LI21088100002324013AA
    MC5811222000010123456789030 SM86U0322509800000000270100 AD1200012030200359100100
    GI75NWBK000000007099453 FO6264600001631634 GL8964710001000206 ME25505000012345678951
    RS35260005601001611379 MK07250120000058984 AL47212110090000000235698741 BA391290079401028494
    XK051212012345678906 SA0380000000608010167519 AE070331234567890123456 IL620108000000099999999
    QA58DOHB00001234567890ABCDEFG KW81CBKU0000000000001234560101 BH67BMAG00001299123456
    JO94CBJO0010000000000131000302 LB62099900000001001901229114 EG380019000500000000263180002
    TN5910006035183598478831 MU17BOMM0101101030300200000MUR PK36SCBL0000001123456702
    GE29NB0000000101904917 AZ21NABZ00000000137010001944 KZ86125KZT5004100100
    UA213223130000026007233566001 BY13NBRB3600900000002Z00AB00 MD24AG000225100013104168
    BR1800360305000010009795493C1 CR05015202001026284066 DO28BAGR00000001212453611324
    GT82TRAJ01020000001210029690 VG96VPVG0000012345678901 TL380080012345678910157
    LC55HEMM000100010012001200023015 SC18SSCB11010000000000001497USD ST68000100010051845310112
    SV62CENR00000000000000700025 IQ98NBIQ850123456789012 PS92PALS000000000400123456702
    SD2129010501234001 LY83002048000020100120361 VA59001123000012345678 NI45BAPR00000013000003558124
    RU0304452522540817810538091310419 MR1300020001010000123456753 BI4210000100010000332045181
    DJ2100010000000154000100186 SO211000001001000100141 FK88SC123456789012 OM810180000001299123456
    MN121234123456789123 YE15CBYE0001018861234567891234 HN88CABF00000000000250005469
    """
)


def plausible(entity_type: str, value: str, after: str, before: str = "") -> bool:
    """Whether a finding of `entity_type` on `value` (between `before` and `after`) can be what it says."""
    if (entity_type in _MASKABLE or entity_type in COUNTRY_ID_TYPES) and _mask(value):
        return False
    if _BARCODE_BEFORE.search(before) and ean.is_valid(re.sub(r"[\s-]", "", value)):
        return False  # "JANコード 4901234567894": a product's barcode, whatever card or id checksum it also passes
    if entity_type not in ("SECRET", "API_KEY") and _one_repeated_digit(value):
        return False  # "00000000000" as a column's default: a mask, whatever read it (a PIN may be weak)
    if entity_type == "MEDICAL_CONDITION" and _LAW_AFTER.match(after):
        return False  # "Parkinson's law", "the Down … theorem": an eponym of a law, no condition
    if _template_slot(before, value, after):
        return False  # "[NOM DU LOCATAIRE]", "<FIRST NAME>", "{{CUSTOMER}}": where a template's value goes
    if (
        entity_type in ("USERNAME", "SECRET")
        and not any(ch.isdigit() for ch in value)
        and is_placeholder(value)
    ):
        # "mio_utente", "<password>", "REPLACE_ME": what a template puts there, whoever found it (a value
        # with a digit is left to the detector: "YourTurn2024!" is somebody's password)
        return False
    # `user: process.env.SMTP_USER }`, `SMTP_HASLO`: where the value comes from, not the value
    if entity_type in ("USERNAME", "SECRET", "API_KEY") and _CODE_REFERENCE.fullmatch(
        value.rstrip(" \t});,")
    ):
        return False
    if entity_type in _SECRET_TYPES and (
        # `"PASSWORD": os.environ["DB_PASSWORD"]` (with a digit it may be a password: "Pa55(")
        (is_placeholder(value.lstrip(":= \t\"'")) and not any(ch.isdigit() for ch in value))
        or _module_path(value)  # "django.db.backends.postgresql" next to a password key
    ):
        return False
    if entity_type == "DATE_OF_BIRTH" and (
        _born_long_ago(value)
        or _DEATH_BEFORE.search(before)
        or (_DEATH_AFTER.match(after) and not _BIRTH_BEFORE.search(before))
    ):
        return False  # history, or the date of a death: "died 3 June 1963", "3 Haziran 1963'te … öldü"
    if entity_type in _NUMBER_TYPES and not _number_plausible(value, after, before, entity_type):
        return False
    if entity_type in _UUID_TAIL_TYPES and _UUID_HEAD.search(before):
        return False  # "123e4567-e89b-12d3-a456-426614174000": a UUID's last group
    if entity_type in _EXAMPLE_TYPES and _VALIDATOR_CALL.search(before):
        return False  # `assert not luhn_ok("4242 …")`, `is_valid_iban('…')`: a validator's test input
    if entity_type in _NUMBER_AFTER_DIALLING_CODE and (_DIALLING_CODE.search(before) or before.endswith("+")):
        # "+1 505 555 0147": a country calling code says phone, whatever checksum it passes; so does a
        # "+" right before it ("856 21 3309" of "+856 21 3309 5126" is no social security number)
        return False
    if entity_type in ("US_SSN", "US_ITIN", "PHONE_NUMBER") and re.match(r"-(?:\d|[A-Z]{1,3}\b)", after):
        # "978-83-7327" of "978-83-7327-126-5", "0207-946-0321" of part no. "0207-946-0321-B": the head
        # of a longer code (an ISBN, a part number)
        return False
    if entity_type in _SECRET_TYPES and _example_jwt(value):
        return False  # the token jwt.io and the specs print, issued to John Doe: nobody's session
    if entity_type in _SECRET_TYPES:
        rest = _WORD_TAIL.match(after)
        if rest and _NOT_A_SECRET.search(value + rest.group()):
            return False  # "ghp" of "ghp_xxxxxxxxxxxx": the rest of the word says placeholder
        if entity_type == "SECRET":
            secret = value.split(":", 1)[-1] if value.count(":") == 1 else value
            if _VARIABLE.fullmatch(secret) or _says_it_is_no_secret(secret):
                return False
            return not _NOT_A_SECRET.search(secret)
        return not _NOT_A_SECRET.search(value)
    if (
        entity_type == "ACCOUNT_NUMBER"
        and _CARD_GROUPS.fullmatch(value)
        and luhn.is_valid(re.sub(r"\D", "", value))
    ):
        return False  # sixteen digits in fours with a card's checksum: a card, judged as one (test cards too)
    if entity_type == "CREDIT_CARD" and sum(ch.isdigit() for ch in value) < 12:
        return False  # "XXXX XXXX XXXX XXXX   Exp: MM/YY": a form's mask, no card has fewer than 12 digits
    if entity_type == "IP_ADDRESS":
        return _personal_ip(value)
    if entity_type == "EMAIL_ADDRESS":
        # git@github.com:org/repo.git is a remote, not a mailbox; admin@example.com a documentation
        # domain's role account (RFC 2606 reserves example.*, .example, .test, .invalid)
        return not _SSH_REMOTE.match(after) and not _DOCUMENTATION_MAILBOX.match(value)
    if entity_type == "USERNAME" and value.casefold() in _SYSTEM_ACCOUNTS:
        return False  # `User ec2-user`, `ssh ubuntu@…`: an image's or a daemon's own account
    if entity_type == "USERNAME" and _words_joined(value):
        return False  # "case_sensitive", "Field_Name": an identifier made of words, nobody's login
    if (
        entity_type == "USERNAME"
        and value.isalpha()
        and value.islower()
        and not known_name(value.capitalize())
    ):
        # "ALTER USER inside psql": a frequent English word with no digit, dot or dash (and nobody's
        # first name or surname, as "john" is) is that word
        return word_rank("en").get(value, COMMON_WORD) >= COMMON_WORD
    if entity_type == "US_DRIVER_LICENSE":
        # "v2" of "v2.14.3" is a version: a licence number has five characters or more, and is not
        # followed by ".digit" (the rest of a version or a decimal); lower-case hex ("8268361a") is a hash.
        return len(value) >= 5 and not _VERSION_TAIL.match(after) and not _LOWER_HEX.fullmatch(value)
    if entity_type == "STREET_ADDRESS":
        # "Thu 13 June 2024": a number, a month and a year are a date, whatever came before; "20 cm square
        # tin", "5 km Road race": a unit after the number makes it a measure, no house number
        return not (_DAY_MONTH_YEAR.fullmatch(value.strip()) or _MEASURE_FIRST.match(value.strip()))
    if entity_type == "MEDICATION" and _CAPACITY.match(after):
        # "Ceramic mug 350 ml", "Glass bottle 750 ml": an everyday word before a volume is a product
        return not _everyday_product(value)
    return True


_JWT = re.compile(r"eyJ[\w-]+\.(eyJ[\w-]+)\.[\w-]*")


def example_token(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies in a JSON Web Token that is a documentation example (`_example_jwt`)."""
    return any(
        match.start() <= start and end <= match.end() and _example_jwt(match.group())
        for match in _JWT.finditer(text, max(0, start - 4096), min(len(text), end + 4096))
    )


def _example_jwt(value: str) -> bool:
    """A JSON Web Token with the claims of jwt.io's and the specs' example (subject "1234567890", issued
    to a placeholder name such as John Doe): a documentation example. A token for a real John Doe, or
    with any other subject, is somebody's."""
    match = _JWT.search(value)
    if match is None:
        return False
    payload = match.group(1)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(claims, dict):
        return False
    name = claims.get("name")
    return (
        claims.get("sub") == "1234567890"
        and isinstance(name, str)
        and " ".join(name.split()).casefold() in _PLACEHOLDER_NAMES
    )


def _words_joined(value: str) -> bool:
    """Whether a value is two or more frequent English words joined by "_", "." or "-", not all of
    them names ("john.smith" and "mark.white" are somebody's)."""
    parts = [part for part in re.split(r"[._-]", value) if part]
    english = word_rank("en")
    return (
        len(parts) > 1
        and all(part.isalpha() and english.get(part.lower(), COMMON_WORD) < COMMON_WORD for part in parts)
        and not all(known_name(part.capitalize()) for part in parts)
    )


# A value made of words that says it is no secret: "dev-only-not-secret", "insecure_test_key".
_NO_SECRET_WORDS = frozenset(
    {
        "not",
        "no",
        "dummy",
        "fake",
        "insecure",
        "test",
        "testing",
        "sample",
        "example",
        "demo",
        "dev",
        "local",
        "placeholder",
    }
)


# "Change me" and "(put it) here" in the languages we read: a template's stand-in is lower case words
# with one of these ("motdepasse-a-changer", "promijeni-me", "buraya-anahtar", "bitte-aendern").
# The verb and the word after it that start a template's value when it tells the reader what to put
# there ("generate-with-…", "replace_with_your_own", "paste-here"); a passphrase may start with a verb
# ("copy-ninja-banana-42"), seldom with one of these pairs.
_INSTRUCTION_WORDS = word_set("generate replace insert fill paste put enter")
_INSTRUCTION_OBJECTS = word_set("with your me here this a an the in by using own it yours")
_CHANGE_ME_WORDS = word_set(
    """changeme changer changez cambiar cambiame cambiami cambiare mudar alterar altere aendern ändern
    wijzigen wijzig veranderen zmien zmień zmienic zmienić promijeni promeni spremeni zmenit zmeniť
    změnit degistir değiştir buraya vaihda vaihdettava ändra endre ændre schimba modifier modificar
    modificare"""
)


def _says_it_is_no_secret(value: str) -> bool:
    words = re.split(r"[-_.]", value.lower())
    bare = value.rstrip(")]}>,;.!?\"'")
    said = re.split(r"[-_.]", bare)
    if (
        len(said) >= 2
        and bare.islower()
        and all(w.isalpha() for w in said)
        and _CHANGE_ME_WORDS.intersection(said)
    ):
        return True
    if (
        len(said) >= 2
        and bare.islower()
        and said[0] in _INSTRUCTION_WORDS
        and said[1] in _INSTRUCTION_OBJECTS
        and all(w.isalpha() or w.isdigit() for w in said)
    ):  # "generate-with-openssl-rand-hex-32", "replace_with_your_own": an instruction, not a value
        return True
    return (
        len(words) >= 2
        and all(
            word.isalpha()
            and (word in _NO_SECRET_WORDS or word_rank("en").get(word, COMMON_WORD) < COMMON_WORD)
            for word in words
        )
        and bool(_NO_SECRET_WORDS.intersection(words))
    )


def _everyday_product(value: str) -> bool:
    """Its first word is a frequent English word and none of its words is a drug name."""
    from .drugs import drug_names, fold

    words = value.split()
    return (
        bool(words)
        and word_rank("en").get(words[0].lower(), _FREQUENT_WORD) < _FREQUENT_WORD
        and not any(fold(word) in drug_names() for word in words)
    )


_FREQUENT_WORD = 20_000
_LOWER_HEX = re.compile(r"(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{5,}")
_DAY_MONTH_YEAR = re.compile(
    r"\d{1,2}\.?\s+(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d{4}",
    re.IGNORECASE,
)
_CAPACITY = re.compile(r"\s*\d+(?:[.,]\d+)?\s?(?:ml|mL|cl|l|L)\b")


_VERSION_TAIL = re.compile(r"\.\d")


# Types whose value is a number or a code: never the middle of a longer word, a version, a
# timestamp under a time key, or an ISBN.
_NUMBER_TYPES = frozenset(
    {
        "PHONE_NUMBER",
        "US_BANK_NUMBER",
        "US_DRIVER_LICENSE",
        "MEDICAL_LICENSE",
        "US_PASSPORT",
        "ACCOUNT_NUMBER",
        "DRIVER_LICENSE",
        "UK_NHS",
        "US_ITIN",
    }
)
# Types a UUID's last group can be read as (built once: `plausible` runs for every finding).
_UUID_TAIL_TYPES = _NUMBER_TYPES | COUNTRY_ID_TYPES | {"NATIONAL_ID", "US_SSN"}
_WORD_TAIL = re.compile(r"[\w-]+")
_TIME_KEY = re.compile(r"(?i)(?:\bts|time|timestamp|epoch|_at|date|created|updated)\W{0,4}$")
_DOTTED_VERSION = re.compile(r"\d+(?:\.\d+){2,}")


# A label right before a number that names another kind of identifier: "our PO 5637464033",
# "job 0571519035", "Fattura fornitore 2023-912312", "Rechnung Nr. 4471-2209", "ABA routing number
# 021000021", "IMO 9241061". The number is that order, invoice, job, ticket, bank routing number, ship
# or product, not somebody's phone or licence (en fr de es it pt nl pl, nordics, tr).
_OTHER_IDENTIFIER = re.compile(
    r"(?i)\b(?:order|orders|po|purchase order|invoice|inv|bill|receipt|quote|quotation|job|build|pipeline|run|"
    r"ticket|case|issue|incident|request|req|ref|reference|tracking|shipment|parcel|package|consignment|"
    r"sku|batch|lot|transaction|txn|booking|reservation|confirmation|item|article|artikel|artikelnummer|"
    r"product|produkt|produktnummer|model|modell|serial|s/n|routing|aba|rtn|transit|swift|bic|imo|mmsi|isbn|"
    r"issn|patent|vin|ean|upc|gtin|cas|pmid|"
    r"commande|facture|devis|dossier|bestellung|rechnung|auftrag|lieferschein|sendung|"
    r"pedido|factura|albarán|albaran|presupuesto|ordine|fattura|preventivo|spedizione|"
    r"encomenda|fatura|orçamento|bestelling|factuur|zending|zamówienie|zamowienie|faktura|przesyłka|"
    r"ordre|tilaus|lasku|beställning|bestilling|sipariş|fatura)(?:\s+\w+)?"
    r"\s*(?:no\.?|nr\.?|n°\.?|num\.?|number|numéro|número|numero|nummer|numer|id|#)?\s*[:#]?\s*$"
)


# The head of a non-medical eponym right after a condition's name: "Parkinson's law", "Hodgkin's theorem".
_LAW_AFTER = re.compile(
    r"(?i)^(?:['\u2019]s?)?[ \t-]+(?:law|laws|principle|theorem|constant|paradox|conjecture|lemma|equations?"
    r"|razor|rule|gesetz|loi|ley|legge|wet|prawo)\b"
)


# A barcode's label right before a number: EAN, JAN (Japan's EAN), GTIN, UPC, and "barcode" in the
# languages read here. A valid EAN after it is a product's, not a card or a national id.
_BARCODE_BEFORE = re.compile(
    r"(?i)(?:\b(?:ean|jan|gtin|upc)(?:[- ]?(?:8|12|13|14|a))?(?:\s*(?:code|no\.?|nr\.?|number|#|\u30b3\u30fc\u30c9))?"
    r"|\bbar ?code|\bstrichcode|\bcode[- ]barres|\bc[oó]digo de barras|\bcodice a barre|\bstreepjescode"
    r"|\bkod kreskowy|\bstreckkod|\bstregkode|\bviivakoodi|\b\u0448\u0442\u0440\u0438\u0445-?\u043a\u043e\u0434"
    r"|\u30d0\u30fc\u30b3\u30fc\u30c9|\u6761\u5f62\u7801|\u6761\u7801|\ubc14\ucf54\ub4dc)"
    r"[ \t]*[:#\uff1a]?[ \t]*$"
)


# The characters of a base64 or URL-safe token on either side of a value: a value with such a token
# this long around it is a piece of that token.
_TOKEN_BEFORE = re.compile(r"[A-Za-z0-9+_\-]+$")  # no "/": a URL's path segments are values of their own
_TOKEN_AFTER = re.compile(r"[A-Za-z0-9+_\-=]+")
_TOKEN_MIN = 24


# The start of a DOI right before a number (a DOI names a publication, never a person).
_IN_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>]*$")


# A unit of measure right after a number: it is a quantity ("9 192 631 770 Hz", "1 048 576 bytes"; a
# micro sign scans as the Greek μ).
_UNIT_AFTER = re.compile(
    r"^[ \t]?(?:[kMGT]?Hz|hertz|[kMGTP]i?B|bytes?|bits?|[kmcμn]?m|km/h|mph|[mkμ]?g|[mμn]?s|rows|records|"
    r"cycles|periods|years|°[CF]?|%)(?![\w/])"
)


# The fewest digits a person's phone number has, in any numbering plan (a few islands: five).
_PHONE_DIGITS_MIN = 5


def _number_plausible(value: str, after: str, before: str, entity_type: str = "") -> bool:
    if entity_type == "PHONE_NUMBER" and sum(ch.isdigit() for ch in value) < _PHONE_DIGITS_MIN:
        return False  # "1649" in "30 January 1649": a year, no subscriber's line is that short
    if before[-1:].isalnum() and after[:1].isalnum():
        return False  # "…aa4fb7921833a34…": inside a hash or a longer code
    left, right = _TOKEN_BEFORE.search(before), _TOKEN_AFTER.match(after)
    if (
        left
        and right
        and len(token := left.group() + value + right.group()) >= _TOKEN_MIN
        and any(ch.isalpha() for ch in token)  # "11773016-01472093-00000000" is an account, no token
    ):
        return False  # "…gX1zf+i9M1Y=": a piece of a base64 key or a long token
    if (
        entity_type != "ACCOUNT_NUMBER"
        and not value.lstrip().startswith("+")
        and _OTHER_IDENTIFIER.search(before)
    ):
        return False  # "invoice 2023-912312": the invoice's number, not a phone or a licence
    if _IN_DOI.search(before):
        return False  # "doi:10.5555/3175428": a part of a paper's DOI
    if re.search(r"[A-Za-z]-$", before) and value[:1].isdigit():
        return False  # "ORD-2025-265259": the tail of an order or ticket number
    if _DOTTED_VERSION.fullmatch(value) and any(len(group) == 1 for group in value.split(".")):
        return False  # "16.9.9.8986": a version, not a phone number
    if re.search(r"\d\.$", before) and value[:1].isdigit():
        return False  # "N_A = 6.022 140 76 x 10^23": the digits after a decimal point
    if re.fullmatch(r"\d(?:[-. ]\d){4,}", value.strip()):
        return False  # "weights 4-3-2-7-6-5-4-3-2-1": single digits in a row are a sequence, not a number
    if ".." in value or _UNIT_AFTER.match(after):
        return False  # "cost=0.57..1843.22", "9 192 631 770 Hz": a range of decimals, a measurement
    digits = value.strip()
    if digits.isdigit() and len(digits) in (10, 13) and _TIME_KEY.search(before):
        seconds = int(digits) / (1000 if len(digits) == 13 else 1)
        if 946_684_800 <= seconds <= 2_208_988_800:
            return False  # a Unix time (2000-2040) under a time key: "ts": 1750979809642
    # an ISBN-13 is a book, not a number of a person
    return not (digits.isdigit() and len(digits) == 13 and digits[:3] in ("978", "979") and _isbn(digits))


def _isbn(digits: str) -> bool:
    from stdnum import isbn

    return bool(isbn.is_valid(digits))


def _ip_parts(value: str) -> list[str]:
    """The addresses of one finding: "X-Forwarded-For: 203.0.113.195, 198.51.100.17" holds two."""
    return [part for part in re.split(r"[,;\s]+", value.strip()) if part]


def _ip(part: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """One address without brackets or zone ("[fe80::1%eth0]"), or None when it is none."""
    try:
        return ipaddress.ip_address(part.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _personal_ip(value: str) -> bool:
    parts = _ip_parts(value)
    if len(parts) > 1:
        return any(_personal_ip(part) for part in parts)
    if "/" in value:
        try:
            network = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            return True
        # A CIDR block (0.0.0.0/0, 10.0.0.0/8, a /24 subnet) is a range of addresses, nobody's device.
        return network.prefixlen > (24 if network.version == 4 else 64)
    address = _ip(value)
    if address is None:
        return True  # not parseable as one: keep the finding
    if str(address) in _RESOLVERS:
        return False
    if address.version == 6 and address.is_reserved and not address.ipv4_mapped:
        return False  # "1::", "2::" (a Python slice's `[-1::-2]`): IETF-reserved space, no device's address
    # An IPv6 link-local address keeps its interface id, often the device's MAC (EUI-64): personal.
    link_local_v4 = address.version == 4 and address.is_link_local
    return not (address.is_loopback or address.is_unspecified or address.is_multicast or link_local_v4)


# Private networks (RFC 1918, IPv6 unique local addresses of RFC 4193): every home router and office
# LAN reuses them. Carrier-grade NAT (100.64.0.0/10) is not among them: an ISP's logs tie it to a
# subscriber.
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


def service_number(value: str, regions: tuple[str, ...]) -> bool:
    """Whether the PHONE_NUMBER value reaches an organisation, never a person: a toll-free or shared-cost
    line ("0808 800 4444", "1-800-273-8255", "0180 5 123456") or a free short service number ("116 123",
    "112"), read in international format or in the national format of `regions`, the most likely first:
    the first plan that reads it as a valid number decides ("0180 5 123456" is a German shared-cost line
    and an Austrian landline; in a German text it is the former)."""
    import phonenumbers
    from phonenumbers import PhoneNumberType, shortnumberinfo

    short = sum(ch.isdigit() for ch in value) <= 6
    free_short = False
    for region in (None,) if value.lstrip().startswith("+") else regions:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.number_type(number) in (
                PhoneNumberType.TOLL_FREE,
                PhoneNumberType.SHARED_COST,
            )
        if short and region is not None and not free_short:  # an emergency service or a helpline
            free_short = (
                shortnumberinfo.is_valid_short_number_for_region(number, region)
                and shortnumberinfo.expected_cost_for_region(number, region)
                == shortnumberinfo.ShortNumberCost.TOLL_FREE
            )
    return free_short


def private_network_address(value: str) -> bool:
    """Whether every address in the IP_ADDRESS value is one of a private network."""
    addresses = [_ip(part) for part in _ip_parts(value)]
    return bool(addresses) and all(
        address is not None and any(address in network for network in _PRIVATE_NETWORKS)
        for address in addresses
    )


# The networks RFC 5737 and RFC 3849 reserve for documentation and examples: nobody's device.
_DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)

# Words that say a text is about tests, documentation or examples (not inside an address: "@example.com").
# A word may be part of an identifier ("test_signup", "fake_user", "@pytest.fixture").
_DOCUMENTATION_TALK = re.compile(
    r"(?i)(?<![A-Za-z0-9@.-])(?:tests?|testing|sandbox|docs?|documentation|examples?|samples?|dummy|fake|placeholder|rfc"
    r"|luhn|qa|pytest|unittest|jest|junit|rspec|fixtures?|mocks?|stubs?|seed(?:s|er|ers)?"
    r"|ejemplos?|exemplos?|esempio|esempi|exemples?|beispiele?|voorbeeld(?:en)?|przykład\w*|exempel|eksempel|"
    r"esimerkki\w*|örnek|příklad\w*|példa|exemplu|testnummer|prueba|teste|documentación|documentação|"
    r"documentazione|dokumentation|documentatie|dokumentacja|dokumentacij\w*|dokumentáci\w*|primer|primjer"
    # a template's or a mock-up's placeholders: "Die Platzhalter ersetzen wir später", a style guide's
    # screenshots, "тестовые данные"
    r"|platzhalter|templates?|vorlagen?|plantillas?|sjablonen|sjabloon|szablon\w*|segnaposto|demo|mock-?ups?"
    r"|wireframes?|screenshots?|style\s?guides?|пример\w*|тестов\w*|шаблон\w*|заглушк\w*|фиктивн\w*)"
    r"(?![A-Za-z0-9@-]|\.\w)"
    # a documentation domain named as such, not as a mailbox's ("why is example.com safe to use?")
    r"|(?<![\w@./:-])example\.(?:com|org|net)\b(?![@./:\w-])"
)
# Test code: a test framework's decorator or import, a spec's describe/it/test call.
_TEST_CODE = re.compile(
    r"(?m)^[ \t]*@(?:pytest\b|Test\b|ParameterizedTest\b|BeforeEach\b|Fixture\b)"
    r"|^[ \t]*(?:import|from)[ \t]+(?:pytest|unittest)\b|\b(?:describe|it|test)\([ \t]*['\"`]"
)
# The domains RFC 2606 reserves for documentation: no one's mailbox.
_DOCUMENTATION_DOMAIN = re.compile(r"(?i)@example\.(?:com|org|net)$")
# The names each language uses for "anyone" on forms and in examples (John Doe, Max Mustermann).
_PLACEHOLDER_NAMES = frozenset(
    [
        "john doe",
        "jane doe",
        "john roe",
        "jane roe",
        "richard roe",
        "joe bloggs",
        "john q public",
        "max mustermann",
        "erika mustermann",
        "otto normalverbraucher",
        "jean dupont",
        "marie dupont",
        "mario rossi",
        "maria rossi",
        "juan pérez",
        "juan perez",
        "fulano de tal",
        "jan kowalski",
        "anna kowalska",
        "jan jansen",
        "ola nordmann",
        "kari nordmann",
        "matti meikäläinen",
        "maija meikäläinen",
        "jan novák",
        "jana nováková",
        "иван иванов",
        "иван иванович иванов",
        "ivan ivanov",
        "john appleseed",
        "jane appleseed",
        "john citizen",
        "jane citizen",
        "fred nurk",
        "joe public",
        "tommy atkins",
        "mary major",
        "juan dela cruz",
        "taro yamada",
        "hanako yamada",
        "山田 太郎",
        "山田 花子",
        "홍길동",
        "ישראל ישראלי",
    ]
)


# Phone numbers reserved for drama and examples, in national digits: Ofcom's (07700 900xxx, 020 7946
# 0xxx, 0113/0114/.../0161 496 0xxx, 028 9649 6xxx, 029 2018 0xxx, 01632 960xxx, 0306 999 0xxx, 0808
# 157 0xxx, 0909 879 0xxx), the NANP's 555-0100 to 555-0199 under any area code, ACMA's (0491 57x xxx,
# 02/03/07/08 5550 xxxx and 7010 xxxx).
_FICTIONAL_PHONE = re.compile(
    r"07700900\d{3}|02079460\d{3}|01\d\d4960\d{3}|02896496\d{3}|02920180\d{3}|01632960\d{3}"
    r"|03069990\d{3}|08081570\d{3}|09098790\d{3}|(?:\d{3})?55501\d\d|049157\d{4}|0[2378](?:5550|7010)\d{4}"
)


_COUNTING_UP = re.compile(r"(?:1234567|2345678|3456789)\d{0,2}$")


def _national_digits(value: str) -> str:
    """The digits of a phone number as dialled at home: +44 20 -> 020, +1 -> (none), +61 4 -> 04."""
    digits = re.sub(r"\D", "", value)
    if value.lstrip().startswith("+") or digits.startswith(("0044", "0061")):
        digits = digits.removeprefix("00")
        if digits.startswith("44") or digits.startswith("61"):
            return "0" + digits[2:].removeprefix("0")
        if digits.startswith("1"):
            return digits[1:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits[1:]
    return digits


# Words that say a text is about made-up numbers: a phone regulators reserve is nobody's only there
# (writers of examples use them for their characters too: "call her son on (617) 555-0192").
_FICTION_TALK = re.compile(
    r"(?i)\b(?:fictional|fictitious|for\s+(?:drama|films?|movies|tv|television|fiction)|ofcom|acma"
    r"|(?:reserved?|reserves|set\s+aside)\s+(?:\S+\s+){0,6}?for\s+(?:drama|fiction|films?|tv|use\s+in))\b"
)


def fiction_talk(text: str) -> bool:
    """Whether a text talks about examples, drama or reserved numbers (where fictional phones are just that)."""
    return _FICTION_TALK.search(text) is not None


# An example or test word shortly before a number in the same clause, with nobody's possessive
# between: "the well-known test number 123456782 as a BSN", "el ejemplo de la documentación, ES91 …",
# "o exemplo clássico 111.444.777-35". Not "my example: …", nor "for example, call Anna on …".
_EXAMPLE_BEFORE = re.compile(
    r"(?i)(?<!\bfor )(?<!\bzum )(?<!\bpar )(?<!\bpor )(?<!\bper )(?<!\bna )(?<!\btill )(?<!\bfor\xa0)"
    r"(?<![.@/\w-])(?:example|examples|exemplo|ejemplo|esempio|exemple|beispiel|voorbeeld|przykład\w*|exempel|"
    r"eksempel|esimerkki\w*|örnek|příklad\w*|példa|exemplu|test ?number|testnummer|test value|testwert|"
    r"de prueba|de teste|di prova|dummy|sample|fictitious|fictional|ficticio|fictício|fictif|fiktiv\w*|"
    # a checksum exercise: "find the check digit for …", "why does … fail the Luhn check"
    r"check ?digits?|checksum|luhn|prüfziffer|chiffre de contrôle|clé de contrôle|dígito de control|"
    r"dígito verificador|cifra di controllo)\b"
    r"[^.!?\n]{0,40}$"
)
_POSSESSIVE_WORD = re.compile(
    r"(?i)\b(?:my|our|mine|mein\w*|unser\w*|mon|ma|mes|notre|mi|mis|nuestr\w+|mio|mia|miei|meu|minha|mijn|"
    r"onze|m[óo]j\w*|min|mitt|mina|minun|benim|můj|moje|az én)\b"
)


def owned(text: str, start: int, end: int) -> bool:
    """Whether a possessive word stands near the value: "my salary account", "unser Konto"."""
    return _POSSESSIVE_WORD.search(text, max(0, start - 60), min(len(text), end + 40)) is not None


# Identifier types an example talks about: numbers with a checksum or a documented shape.
_EXAMPLE_TYPES = (
    frozenset({"NATIONAL_ID", "IBAN_CODE", "CREDIT_CARD", "PHONE_NUMBER", "US_BANK_NUMBER", "ACCOUNT_NUMBER"})
    | COUNTRY_ID_TYPES
)


def example_value(entity_type: str, text: str, start: int) -> bool:
    """Whether the identifier at `start` is given as an example or test value (see _EXAMPLE_BEFORE)."""
    if entity_type not in _EXAMPLE_TYPES:
        return False
    window = text[max(0, start - 60) : start]
    found = _EXAMPLE_BEFORE.search(window)
    return found is not None and _POSSESSIVE_WORD.search(window) is None


# An abbreviation or a phrase that gives an example, right before the value (a colon, a comma, a quote or
# a bracket between): "Phone: 10 digits, e.g. (555) 010-0100", "Postcode: e.g. SW1A 1AA", "t.ex.
# 19121212-1212", "esim. 1.1.2025", "por exemplo, 01310-100". What a value looks like, nobody's.
_EXAMPLE_MARK = re.compile(
    r"(?i)(?:\be\.\s?g\.|\bz\.\s?b\.|\bp\.\s?ex\.|\bt\.\s?ex\.|\bf\.\s?eks\.|\bbijv\.|\besim\.|\bnp\.|\bnapr\.|"
    r"\bnpr\.|\bad\s?es\.|\bej\.|\bvb\.|\bfor example|\bfor instance|\bpar exemple|\bpor ejemplo|\bpor exemplo|"
    r"\bper esempio|\bzum beispiel|\bbijvoorbeeld|\bna przykład|\btill exempel|\bfor eksempel|\besimerkiksi)"
    r"[ \t]*[:,]?[ \t]*[\"'“„«(\[]?[ \t]*$"
)
# Types an example is never taken for: a name after "for example," is somebody the clause goes on about
# ("For example, Anna Schmidt asked …"), an e-mail address reaches whoever holds it (a tool schema's
# "e.g. maria.garcia@…" is a real mailbox as far as we can tell), and a credential stays one wherever it
# stands (fail closed).
_NOT_EXAMPLES = frozenset({"PERSON", "EMAIL_ADDRESS", "SECRET", "API_KEY", "PRIVATE_KEY", "CRYPTO"})


def given_as_example(entity_type: str, text: str, start: int, end: int) -> bool:
    """Whether the value at start:end is written right after "e.g." or "for example" (see _EXAMPLE_MARK),
    with no possessive word before it ("e.g. my own 0171 …") and written nowhere else in the text."""
    if entity_type in _NOT_EXAMPLES:
        return False
    window = text[max(0, start - 40) : start]
    mark = _EXAMPLE_MARK.search(window)
    return (
        mark is not None
        and _POSSESSIVE_WORD.search(window, mark.start()) is None
        and text.count(text[start:end]) == 1
    )


# The card numbers payment providers publish for their sandboxes (Stripe, Braintree, Adyen, PayPal) that
# the rule above does not already read as test numbers: no bank issues them.
_PUBLISHED_TEST_CARDS = word_set(
    """
    378282246310005 371449635398431 378734493671000 30569309025904 38520000023237 36259600000004
    6011111111111117 6011000990139424 6011000400000000 3530111333300000 3566002020360505 3566111111111113
    5555555555554444 5105105105105100 5200828282828210 2223003122003222 2223000048400011 5454545454545454
    4111111111111111 4012888888881881 4222222222222 4000111111111115 4000111111111511 4000002500003155
    4000000000003220 4000056655665556 4000002760003184 4000008260003178 4988438843884305 6200000000000005
    6243030000000001 4917610000000000 4462030000000000 4035501000000008 4400000000000008
    """
)


# A postcode alone, no street: British, Canadian, Dutch, Polish, Portuguese, US ZIP(+4), or four or five
# digits (with a country letter: "D-10115", "CH-8001").
_BARE_POSTCODE = re.compile(
    r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d|\d{4}\s?[A-Z]{2}|\d{2}-\d{3}|\d{4}-\d{3}"
    r"|\d{5}(?:-\d{4})?|(?:[A-Z]{1,2}-)?\d{4,5}"
)


def placeholder_name_words(text: str) -> frozenset[str]:
    """The words of each placeholder name (Jane Doe, Max Mustermann) all of whose words the text holds:
    a docs example writes them apart too ("first_name=Jane, last_name=Doe", "Dear Ms Doe")."""
    words = set(re.findall(r"\w+", text.casefold()))
    return frozenset(
        word
        for name in _PLACEHOLDER_NAMES
        if all(part in words for part in name.split())
        for word in name.split()
    )


_COURTESY_TITLE = re.compile(r"(?i)(?:mr|mrs|ms|miss|mx|dr|herr|frau|mme|mlle|m|sr|sra)\.?")


def placeholder_name_part(value: str, words: frozenset[str]) -> bool:
    """Whether a PERSON value is made of those words only, a courtesy title aside ("Ms Doe", "Jane")."""
    parts = [part.rstrip(".").casefold() for part in value.split() if not _COURTESY_TITLE.fullmatch(part)]
    return bool(parts) and all(
        part in words or _PLACEHOLDER_STEM.match(part) or (part.isdigit() and len(parts) > 1)
        for part in parts
    )


# Templates name their sample person, street and town after "Muster" (German for sample) or "example":
# "Frau Musterfrau", "Musterstraße 1", "12345 Musterstadt", "123 Example Street", "Anytown".
_PLACEHOLDER_STEM = re.compile(
    r"(?i)(?:muster(?!\w*(?:ing|ed)\b)\w{3,}|example|sample|beispiel\w*|any(?:town|ville|city|state|where)\b)"
)


# Identifiers their issuers or the standard manuals print as the example of a valid one: the Canada
# Revenue Agency's SIN 046 454 286, Mario Rossi's codice fiscale (the Agenzia delle Entrate's and every
# manual's), HMRC's National Insurance number QQ 12 34 56 C (the QQ prefix is never issued).
_DOCUMENTED_IDS = frozenset({"046454286", "RSSMRA80A01H501U", "QQ123456C"})
_IBAN_IN_TEXT = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")


def example_identifier(text: str, value: str) -> bool:
    """Whether a value is an identifier its issuer prints as the example of a valid one, or a number of six
    digits or more inside a registry example IBAN written in the same text (the bank code and account
    number of "DE89 3704 0044 0532 0130 00": "BLZ 370 400 44"), whatever detector read it."""
    digits = re.sub(r"[\s\-]", "", value)
    if digits.upper() in _DOCUMENTED_IDS:
        return True
    if len(digits) < 6 or not digits.isdigit():
        return False
    return any(
        digits in iban
        for match in _IBAN_IN_TEXT.finditer(text)
        if (iban := re.sub(r"[\s\-]", "", match.group()).upper()) in _REGISTRY_EXAMPLE_IBANS
    )


def documentation_talk(text: str) -> bool:
    """Whether a text talks about tests, docs or examples, where documented test values are just that."""
    return _DOCUMENTATION_TALK.search(text) is not None or _TEST_CODE.search(text) is not None


def documented_test_value(entity_type: str, value: str) -> bool:
    """A card number payment providers document for tests (two digits only, or eight zeros: "4242 4242 4242
    4242", "4000 0000 0000 9995"), an address of a network reserved for documentation (RFC 5737, 3849), a
    phone number regulators reserve for drama and examples (Ofcom, the NANP's 555-01xx, ACMA), a US social
    security number the SSA set aside for advertising, a mailbox at a documentation domain (RFC 2606:
    example.com, .org, .net), a placeholder name (Jane Doe), a postcode with no street ("SW1A 1AA"), the
    example IBAN of SWIFT's registry."""
    if entity_type == "CREDIT_CARD":
        digits = re.sub(r"\D", "", value)
        return len(set(digits)) <= 2 or digits.count("0") >= 8 or digits in _PUBLISHED_TEST_CARDS
    if entity_type == "PHONE_NUMBER":
        digits = _national_digits(value)
        # or one whose subscriber part counts up, as writers of examples type it ("020 1234567", "06 12345678")
        return _FICTIONAL_PHONE.fullmatch(digits) is not None or _COUNTING_UP.search(digits) is not None
    if entity_type in ("US_SSN", "US_ITIN"):
        # the Social Security Administration's numbers for advertisements (987-65-4320 … 4329) and the
        # Woolworth wallet card's 078-05-1120, which no one holds any more
        digits = re.sub(r"\D", "", value)
        return (digits.startswith("98765432") and len(digits) == 9) or digits == "078051120"
    if entity_type == "EMAIL_ADDRESS":
        return _DOCUMENTATION_DOMAIN.search(value) is not None
    if entity_type == "PERSON":
        return " ".join(value.replace(".", " ").split()).casefold() in _PLACEHOLDER_NAMES  # "John Q. Public"
    if entity_type == "STREET_ADDRESS":
        # "SW1A 1AA" in a validator's tests; "Musterstraße 1, 12345 Musterstadt" in a letter template
        # or a list of them, as a validator's tests give them ("SW1A 1AA, EC1A 1BB, W1A 0AX")
        words = re.findall(r"\w+", value)
        return all(_BARE_POSTCODE.fullmatch(part) for part in re.split(r"\s*[,;]\s*", value.strip())) or (
            any(_PLACEHOLDER_STEM.match(word) for word in words)
            and sum(word.isalpha() for word in words) <= 4
        )
    if entity_type == "IBAN_CODE":  # "NL91 ABNA 0417 1643 00": the registry's example for the Netherlands
        return re.sub(r"[\s\-]", "", value).upper() in _REGISTRY_EXAMPLE_IBANS
    if entity_type == "IP_ADDRESS":
        addresses = [_ip(part.split("/", 1)[0]) for part in _ip_parts(value)]  # a host in CIDR: "…77/28"
        return bool(addresses) and all(
            address is not None and any(address in network for network in _DOCUMENTATION_NETWORKS)
            for address in addresses
        )
    return False
