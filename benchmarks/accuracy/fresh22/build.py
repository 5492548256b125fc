#!/usr/bin/env python3
"""Build the 'fresh22' privacy-filter evaluation corpus (twenty-second blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

Values that must look machine-made (provider tokens, generated passwords,
national ids with check digits, IBANs, cards, private keys, JWTs) are written
as generator slots ``⁅kind|arg|…⁆`` inside the markers and filled at build
time from one ``random.Random(2222)``, in the order the slots appear in this
file. National ids are written as templates: literal characters (the birth
date and sex digit written in the prompt, region codes), ``#`` for a random
digit and ``?`` for a check character; the check characters are searched until
``python-stdnum`` accepts the number, and where ``python-stdnum`` can read a
birth date back out of the number it is asserted to agree with the slot's
date argument. Inside one prompt the same slot text always gives the same
value (a ``#2`` tag as the last argument makes a second, different value).
Names, e-mails, phones, addresses, dates and hand-typed passwords are
literals.

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script holds the prompts and
the generators, assigns the ids ``z-0001`` … and writes fresh22.jsonl next to
this file with split seed 2222.

Run:  python build.py [--stats]   (needs python-stdnum, phonenumbers, cryptography)
"""

import base64
import datetime
import importlib
import itertools
import json
import random
import re
import string
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from stdnum import iban as stdnum_iban

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import ID_VALIDATORS, add_prompt, build

SEED = 2222
SPLIT_SEED = 2222
ID_PREFIX = "z"
HERE = Path(__file__).resolve().parent
PROMPTS = []
RNG = random.Random(SEED)

# ---------------------------------------------------------------------------
# generators (all randomness comes from RNG, in file order)
# ---------------------------------------------------------------------------
DIGITS = string.digits
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
ALNUM = string.ascii_letters + DIGITS
LOWNUM = LOWER + DIGITS
UPNUM = UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
ALPHABETS = {
    "alnum": ALNUM,
    "lownum": LOWNUM,
    "upnum": UPNUM,
    "hex": HEX,
    "HEX": HEX.upper(),
    "digits": DIGITS,
    "b64url": B64URL,
    "b64": B64,
    "lower": LOWER,
    "pw": ALNUM + "!#%&*+-=?@^_",
}
# check-character alphabets of national ids (default: digits)
CHECK_ALPHABET = {
    "ES": UPPER,
    "FI": "0123456789ABCDEFHJKLMNPRSTUVWXY",
    "CL": DIGITS + "K",
    "CN": DIGITS + "X",
    "IE": UPPER,
    "IT": UPPER,
}


def rand_str(alphabet, n):
    return "".join(RNG.choice(alphabet) for _ in range(n))


def _valid_id(cc, value):
    mods = ID_VALIDATORS[cc]
    mods = mods if isinstance(mods, tuple) else (mods,)
    return any(importlib.import_module(m).is_valid(value) for m in mods)


def gen_id(cc, template, born=None):
    """National id from a template: '#' random digit, '?' check character, others literal."""
    alphabet = CHECK_ALPHABET.get(cc, DIGITS)
    n_check = template.count("?")
    for _ in range(5000):
        base = "".join(RNG.choice(DIGITS) if ch == "#" else ch for ch in template)
        for combo in itertools.product(alphabet, repeat=n_check):
            it = iter(combo)
            value = "".join(next(it) if ch == "?" else ch for ch in base)
            if _valid_id(cc, value) and (not born or _birth_agrees(cc, value, born)):
                return value
    raise AssertionError(f"no valid {cc} id for {template}")


def _birth_agrees(cc, value, born):
    """True unless python-stdnum reads a different birth date out of the number."""
    mods = ID_VALIDATORS[cc]
    mods = mods if isinstance(mods, tuple) else (mods,)
    want = datetime.date.fromisoformat(born)
    for m in mods:
        mod = importlib.import_module(m)
        if mod.is_valid(value) and hasattr(mod, "get_birth_date") and mod.get_birth_date(value) != want:
            return False
    return True


# BBAN templates: 'n' digit, 'a' upper-case letter, 'c' upper-case letter or digit, others literal
BBAN = {
    "DE": "nnnnnnnnnnnnnnnnnn",
    "FR": "nnnnnnnnnnnnnnnnnnnnnnn",
    "ES": "nnnnnnnnnnnnnnnnnnnn",
    "IT": "annnnnnnnnnnnnnnnnnnnnn",
    "NL": "aaaannnnnnnnnn",
    "BE": "nnnnnnnnnnnn",
    "PL": "nnnnnnnnnnnnnnnnnnnnnnnn",
    "PT": "nnnnnnnnnnnnnnnnnnnnn",
    "AT": "nnnnnnnnnnnnnnnn",
    "CH": "nnnnnnnnnnnnnnnnn",
    "GB": "aaaannnnnnnnnnnnnn",
    "IE": "aaaannnnnnnnnnnnnn",
    "SE": "nnnnnnnnnnnnnnnnnnnn",
    "FI": "nnnnnnnnnnnnnn",
    "DK": "nnnnnnnnnnnnnn",
    "NO": "nnnnnnnnnnn",
    "CZ": "nnnnnnnnnnnnnnnnnnnn",
    "SK": "nnnnnnnnnnnnnnnnnnnn",
    "RO": "aaaacccccccccccccccc",
    "GR": "nnnnnnnnnnnnnnnnnnnnnnn",
    "HU": "nnnnnnnnnnnnnnnnnnnnnnnn",
    "LT": "nnnnnnnnnnnnnnnn",
    "TR": "nnnnn0nnnnnnnnnnnnnnnn",
    "HR": "nnnnnnnnnnnnnnnnn",
    "SI": "nnnnnnnnnnnnnnn",
    "EE": "nnnnnnnnnnnnnnnn",
    "LU": "nnnccccccccccccc",
}


BBAN_CLASSES = {"n": DIGITS, "a": UPPER, "c": UPNUM}


def gen_iban(cc, bank="", grouped="1"):
    tmpl = BBAN[cc]
    for _ in range(100000):
        bban = bank + "".join(
            RNG.choice(BBAN_CLASSES[ch]) if ch in BBAN_CLASSES else ch for ch in tmpl[len(bank) :]
        )
        value = cc + stdnum_iban.calc_check_digits(cc + "00" + bban) + bban
        if stdnum_iban.is_valid(value):
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if grouped == "1" else value
    raise AssertionError(f"no valid IBAN for {cc}")


def _luhn_complete(body):
    for d in DIGITS:
        digits = body + d
        total = 0
        for i, ch in enumerate(reversed(digits)):
            x = int(ch)
            if i % 2:
                x *= 2
                if x > 9:
                    x -= 9
            total += x
        if total % 10 == 0:
            return digits
    raise AssertionError


CARD_SHAPES = {"visa": ("4", 16, (4, 4, 4, 4)), "mc": ("5", 16, (4, 4, 4, 4)), "amex": ("37", 15, (4, 6, 5))}


def gen_card(kind, sep=" "):
    prefix, length, groups = CARD_SHAPES[kind]
    if kind == "mc":
        prefix = str(RNG.randint(51, 55))
    body = prefix + rand_str(DIGITS, length - len(prefix) - 1)
    num = _luhn_complete(body)
    out, pos = [], 0
    for g in groups:
        out.append(num[pos : pos + g])
        pos += g
    return sep.join(out) if sep != "none" else num


def gen_tok(*parts):
    """Token from parts: literal text, or '{alphabet:n}' random runs."""
    out = []
    for part in parts:
        for lit, name, n in re.findall(r"([^{]*)(?:\{(\w+):(\d+)\})?", part):
            out.append(lit)
            if name:
                out.append(rand_str(ALPHABETS[name], int(n)))
    return "".join(out)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def gen_jwt(payload):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = b64url(payload.encode())
    sig = b64url(bytes(RNG.getrandbits(8) for _ in range(32)))
    return f"{header}.{body}.{sig}"


def _is_probable_prime(n):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(24):
        a = RNG.randrange(2, n - 2)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits):
    while True:
        n = RNG.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if _is_probable_prime(n):
            return n


def _rsa_key(bits):
    e = 65537
    while True:
        p, q = _prime(bits // 2), _prime(bits // 2)
        if p == q:
            continue
        phi = (p - 1) * (q - 1)
        try:
            d = pow(e, -1, phi)
        except ValueError:
            continue
        n = p * q
        if n.bit_length() != bits:
            continue
        pub = rsa.RSAPublicNumbers(e, n)
        priv = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), pub)
        return priv.private_key()


def _pem(key, fmt):
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode().strip()


def gen_key(kind):
    pkcs8 = serialization.PrivateFormat.PKCS8
    trad = serialization.PrivateFormat.TraditionalOpenSSL
    if kind == "rsa-pkcs1":
        return _pem(_rsa_key(2048), trad)
    if kind == "rsa-pkcs8":
        return _pem(_rsa_key(2048), pkcs8)
    if kind == "ec-sec1":
        return _pem(ec.derive_private_key(RNG.getrandbits(250) + 1, ec.SECP256R1()), trad)
    if kind == "ec-pkcs8":
        return _pem(ec.derive_private_key(RNG.getrandbits(250) + 1, ec.SECP256R1()), pkcs8)
    if kind == "ed25519-pkcs8":
        raw = bytes(RNG.getrandbits(8) for _ in range(32))
        return _pem(ed25519.Ed25519PrivateKey.from_private_bytes(raw), pkcs8)
    if kind == "wireguard":
        raw = bytearray(RNG.getrandbits(8) for _ in range(32))
        raw[0] &= 248
        raw[31] = (raw[31] & 127) | 64
        return base64.b64encode(bytes(raw)).decode()
    raise AssertionError(kind)


def gen_pw(n, alphabet="pw"):
    while True:
        pw = rand_str(ALPHABETS[alphabet], int(n))
        if alphabet != "pw" or (
            any(c.isupper() for c in pw) and any(c.isdigit() for c in pw) and any(not c.isalnum() for c in pw)
        ):
            return pw


GENERATORS = {
    "id": lambda cc, tmpl, born=None: gen_id(cc, tmpl, born),
    "iban": gen_iban,
    "card": gen_card,
    "tok": gen_tok,
    "jwt": gen_jwt,
    "key": gen_key,
    "pw": gen_pw,
}
SLOT = re.compile(r"⁅([^⁆]*)⁆")


def fill(text):
    cache = {}

    def one(m):
        key = m.group(1)
        if key not in cache:
            kind, *args = key.split("|")
            if args and re.fullmatch(r"#\d+", args[-1]):
                args = args[:-1]
            cache[key] = GENERATORS[kind](*args)
        return cache[key]

    out = SLOT.sub(one, text)
    assert "⁅" not in out and "⁆" not in out
    return out


def add(group, lang, domain, fmt, text):
    add_prompt(PROMPTS, group, lang, domain, fmt, fill(text))


# ---------------------------------------------------------------------------
# prompts
# ---------------------------------------------------------------------------
# ---------------------------------------------------------------- pii, English
add(
    "pii",
    "en",
    "roth-ira-recharacterization-letter",
    "prose",
    """
Can you turn this into a clear letter to my brokerage? I contributed to the wrong IRA type.

To: Client Services, Harborline Investments
Re: Recharacterization of 2025 Roth IRA contribution
Account owner: ⟦P:Delbert Quinnell⟧, SSN ⟦ID@US:⁅id|US|4##-##-####⁆⟧, date of birth ⟦DOB:March 9, 1971⟧
Roth IRA account no. ⟦ACC:8841-20317-5⟧ → please move the $7,000 contribution plus earnings to my traditional IRA no. ⟦ACC:8841-20318-3⟧.
Mailing address: ⟦A:4418 Juniper Hollow Rd, Boise, ID 83709⟧. Phone ⟦T:(208) 555-0162⟧, email ⟦E:dquinnell71@mailbox.example⟧.
My income went over the limit because of the severance from the plant. Thanks — ⟦P:Del⟧
""",
)
add(
    "pii",
    "en",
    "patient-transport-booking",
    "form",
    """
I'm booking hospital transport for my dad online and the free-text box is limited to 400 characters. Please shorten this to fit:

Patient: ⟦P:Arthur Penhaligon⟧ | NHS no. ⟦ID@GB:⁅id|GB|### ### ###?⁆⟧ | DOB ⟦DOB:02/11/1939⟧
Pick-up: ⟦A:Flat 3, Trelawney Court, 18 Chapel Street, Penzance TR18 4AQ⟧
Going to: Royal Cornwall Hospital, oncology day unit, 10:30 Tuesday
Mobility: uses a ⟦MC:rollator⟧, can't manage stairs since the ⟦MC:stroke⟧ last year; on home ⟦MED:oxygen⟧ for ⟦MC:COPD⟧ (2 L/min, needs the portable cylinder for the journey)
Escort: me, ⟦P:Morwenna Penhaligon⟧ (daughter), ⟦T:07912 448306⟧
""",
)
add(
    "pii",
    "en",
    "fuel-allowance-application-ie",
    "prose",
    """
Help me fill in the Fuel Allowance form for my neighbour. Her details: ⟦P:Bridie Cullinane⟧, PPS number ⟦ID@IE:⁅id|IE|#######?⁆⟧, born ⟦DOB:14/06/1946⟧, lives alone at ⟦A:Ballinacurra, Kilmallock, Co. Limerick, V35 KX92⟧. She gets the State Pension (Contributory) and a small widow's pension from her late husband's job. The house is heated by an oil range and a stove; she can't carry turf any more since her ⟦MC:hip replacement⟧. Phone ⟦T:063 98 214⟧, mobile ⟦T:087 914 3306⟧. Payment into her credit union account, IBAN ⟦IBAN:⁅iban|IE|AIBK⁆⟧.
""",
)
add(
    "pii",
    "en",
    "canadian-dental-care-plan-question",
    "prose",
    """
My mother is 72 and got the invitation letter for the Canadian Dental Care Plan. She needs full ⟦MC:dentures⟧ (upper and lower). Is she eligible, and what do I put on the phone call? Her info: ⟦P:Lucienne Thibodeau-Hart⟧, SIN ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧, DOB ⟦DOB:1953-08-27⟧, ⟦A:212-1450 Rue Saint-Olivier, Québec, QC G1R 5B3⟧, ⟦T:418-555-0131⟧. Her family income last year was around $41,000. Her denturist is ⟦P:Mathieu Giroux⟧ at Clinique Denturo Limoilou.
""",
)
add(
    "pii",
    "en",
    "first-home-super-saver-release",
    "prose",
    """
hey can you check my maths on the FHSS release? I put in $15k voluntary concessional over 2 years and want to know what I'll get back after tax.

my details for the ATO request (just so you know what's on it):
name ⟦P:Kirra Macdonald-Reyes⟧
TFN ⟦ID@AU:⁅id|AU|### ### ##?⁆⟧
DOB ⟦DOB:19/04/1996⟧
fund: Southern Cross Super, member no ⟦ACC:SCS 00471932⟧
address ⟦A:7/22 Waratah Parade, Narrabeen NSW 2101⟧
mobile ⟦T:0412 775 093⟧
""",
)
add(
    "pii",
    "en",
    "best-start-payment-nz",
    "prose",
    """
Kia ora, we had our baby on ⟦DOB:3 September 2025⟧ — ⟦P:Ari Tipene-Walsh⟧, 3.4 kg. I need to register for Best Start through IRD. My IRD number is ⟦ID@NZ:⁅id|NZ|###-###-##?⁆⟧ and my partner ⟦P:Hemi Tipene⟧ is ⟦ID@NZ:⁅id|NZ|###-###-##?|#2⁆⟧. We live at ⟦A:41 Kowhai Street, Te Awamutu 3800⟧. Bank account ⟦ACC:12-3151-0498211-00⟧. ⟦P:Ari⟧ was in NICU for 6 days with ⟦MC:jaundice⟧, does that change anything? Can you write me the message for myIR? Ngā mihi, ⟦P:Stacey⟧
""",
)
add(
    "pii",
    "en",
    "sassa-older-persons-grant",
    "form",
    """
Please check this SASSA older persons grant application for my gran before we go to the office on Monday:

Surname: ⟦P:MOKOENA⟧
First names: ⟦P:Nomvula Gladys⟧
ID number: ⟦ID@ZA:⁅id|ZA|5004120###08?⁆⟧
Date of birth: ⟦DOB:12 April 1950⟧
Home address: ⟦A:2271 Vilakazi Street, Orlando West, Soweto, 1804⟧
Cell: ⟦T:072 418 9931⟧
Marital status: widowed
Health: ⟦MC:cataracts⟧ in both eyes, ⟦MC:hypertension⟧ (takes ⟦MED:amlodipine⟧)
Bank: Capitec savings ⟦ACC:1558832041⟧
Helper at the office: grandson ⟦P:Sipho Mokoena⟧, ⟦T:081 552 0397⟧
""",
)
add(
    "pii",
    "en",
    "ayushman-card-ekyc",
    "prose",
    """
My father's Ayushman card e-KYC keeps failing at the CSC because the Aadhaar name has a spelling difference. Aadhaar says ⟦P:Ramprasad Yadav⟧, ration card says ⟦P:Ram Prasad Yadav⟧. Aadhaar no. ⟦ID@IN:⁅id|IN|5### #### ###?⁆⟧, DOB ⟦DOB:01/01/1958⟧, mobile linked ⟦T:+91 94151 62207⟧. Village ⟦A:Ward 7, Bhitari Kalan, Tehsil Saidpur, Ghazipur, UP 233304⟧. He needs the card before his ⟦MC:angioplasty⟧. Draft an application to the block office asking them to correct it.
""",
)
add(
    "pii",
    "en",
    "visiting-scholar-housing",
    "form",
    """
Please translate the remarks column for our housing office and flag anything missing.

Visiting scholar housing request — School of Materials
Name (passport): ⟦P:ZHAO YUTONG⟧
Chinese resident ID: ⟦ID@CN:⁅id|CN|320102199107140##?⁆⟧
Passport: ⟦PASS:EJ4127735⟧
DOB: ⟦DOB:1991-07-14⟧
Host: Prof. ⟦P:Helena Markwick⟧
Stay: 1 Feb – 31 Jul
Remarks: 需要无障碍房间，我有⟦MC:强直性脊柱炎⟧ (ground floor please)
WeChat/phone: ⟦T:+86 139 1587 2264⟧
Email: ⟦E:zhao.yutong@seu-mail.example⟧
""",
)
add(
    "pii",
    "en",
    "korean-year-end-tax-dependants",
    "markdown-table",
    """
HR asked me to double-check the dependants for my year-end tax settlement. Are my parents eligible as dependants if they're over 60? Table:

| relation | name | RRN | lives with me | notes |
|---|---|---|---|---|
| father | ⟦P:Yoon Sang-chul⟧ | ⟦ID@KR:⁅id|KR|560203-1#####?⁆⟧ | no | ⟦MC:Parkinson's⟧, disability registered |
| mother | ⟦P:Kang Mi-ok⟧ | ⟦ID@KR:⁅id|KR|590917-2#####?⁆⟧ | no | none |
| daughter | ⟦P:Yoon Ha-eun⟧ | ⟦ID@KR:⁅id|KR|190521-4#####?⁆⟧ | yes | born ⟦DOB:2019-05-21⟧ |

Employee: ⟦P:Yoon Jae-hyun⟧, employee no. ⟦ACC:20150377⟧.
""",
)
add(
    "pii",
    "en",
    "furusato-nozei-one-stop-form",
    "form",
    """
I donated to three towns under furusato nozei and want to use the one-stop exception. Can you explain what goes in each field? This is what I wrote (romanised):

Shimei: ⟦P:Fujimoto Kaede⟧
Kojin bangō (My Number): ⟦ID@JP:⁅id|JP|#### #### ###?⁆⟧
Seinengappi: ⟦DOB:1988年11月3日⟧
Jūsho: ⟦A:〒460-0008 Aichi-ken Nagoya-shi Naka-ku Sakae 3-11-20-705⟧
Denwa: ⟦T:+81 90-4471-2058⟧
Donation to Yubari city 30,000 yen, Kamishihoro town 20,000 yen.
""",
)
add(
    "pii",
    "en",
    "ptptn-deferment-request",
    "prose",
    """
Write a formal PTPTN deferment appeal for me. I lost my job in August and I'm on treatment for ⟦MC:thyroid cancer⟧ (radioactive iodine in December). Name ⟦P:Nur Syafiqah binti Kamarudin⟧, NRIC ⟦ID@MY:⁅id|MY|970624-10-###6⁆⟧, loan account ⟦ACC:PTP-0013397215⟧, address ⟦A:No. 14, Jalan Kenari 3/2, Taman Puchong Perdana, 47100 Puchong, Selangor⟧, phone ⟦T:+60 12-708 4419⟧, email ⟦E:syafiqah.kamarudin@emel.example⟧. I can send my oncologist's letter from Hospital Kuala Lumpur.
""",
)
add(
    "pii",
    "en",
    "thai-social-security-hospital-change",
    "prose",
    """
My wife wants to change her social-security hospital from Bangkok to Chiang Mai now that we moved. What does she need? Details: ⟦P:Siriporn Khamwong⟧, Thai ID ⟦ID@TH:⁅id|TH|1-####-#####-##-?⁆⟧, born ⟦DOB:17 January 1990⟧, new address ⟦A:99/41 Moo 3, Nong Khwai, Hang Dong, Chiang Mai 50230⟧, phone ⟦T:+66 81 774 2093⟧. She is 24 weeks ⟦MC:pregnant⟧ and on ⟦MED:levothyroxine⟧, so she doesn't want a gap. I'm ⟦P:Daniel Whitcombe⟧.
""",
)
add(
    "pii",
    "en",
    "hajj-group-list",
    "csv",
    """
Our family is applying for Hajj together through the government scheme. Check the CSV for formatting before I upload it to the portal:

name,father_name,cnic,passport,dob,mobile,medical
⟦P:Muhammad Arshad Qureshi⟧,⟦P:Abdul Ghaffar Qureshi⟧,⟦ID@PK:⁅id|PK|35201-#######-1⁆⟧,⟦PASS:AQ4418273⟧,⟦DOB:1962-03-05⟧,⟦T:+92 300 4417256⟧,⟦MC:type 2 diabetes⟧
⟦P:Nasreen Akhtar⟧,⟦P:Ghulam Rasool⟧,⟦ID@PK:⁅id|PK|35201-#######-2⁆⟧,⟦PASS:AQ4418274⟧,⟦DOB:1966-11-21⟧,⟦T:+92 321 8840913⟧,⟦MC:knee osteoarthritis⟧
⟦P:Hamza Arshad⟧,⟦P:Muhammad Arshad Qureshi⟧,⟦ID@PK:⁅id|PK|35201-#######-3⁆⟧,⟦PASS:BN7720916⟧,⟦DOB:1994-08-12⟧,⟦T:+92 333 5102278⟧,none
""",
)
add(
    "pii",
    "en",
    "kupat-holim-transfer",
    "prose",
    """
I want to move from one health fund to another in Israel. Please write a short message to the new fund's online form in English (my Hebrew is weak). Name: ⟦P:Tamar Ohana-Levine⟧. ID number ⟦ID@IL:⁅id|IL|########?⁆⟧. Born ⟦DOB:22/02/1984⟧. Address ⟦A:Rehov HaPalmach 31, apt 6, Jerusalem 9254209⟧. Mobile ⟦T:+972 54-662-1907⟧. I have ⟦MC:celiac disease⟧ and ⟦MC:endometriosis⟧ and see a gynaecologist every 3 months; I take ⟦MED:Visanne⟧. My son ⟦P:Yoav⟧ (ID ⟦ID@IL:⁅id|IL|########?|#2⁆⟧) moves with me.
""",
)
add(
    "pii",
    "en",
    "estonian-forest-plot-sale",
    "prose",
    """
I'm selling my late uncle's forest plot in Võrumaa to the neighbour and the notary asked for our details in advance. Please make this into a tidy list:
- seller: ⟦P:Kadri Põldma⟧, isikukood ⟦ID@EE:⁅id|EE|4780815###?|1978-08-15⁆⟧, ⟦A:Tähe 114-7, 50108 Tartu⟧, ⟦T:+372 5331 8804⟧, ⟦E:kadri.poldma@post.example⟧
- buyer: ⟦P:Urmas Kuusik⟧, isikukood ⟦ID@EE:⁅id|EE|3640302###?|1964-03-02⁆⟧, Meegomäe küla, Võru vald
- price 38 000 EUR to seller's account ⟦IBAN:⁅iban|EE⁆⟧
- property: cadastral unit 91901:003:0412, 11.6 ha
""",
)
add(
    "pii",
    "en",
    "croatian-skipper-licence-registration",
    "form",
    """
Registration for the skipper licence (category B) exam at the Harbour Master's Office in Split — please check that my English translation of the form makes sense:

Full name: ⟦P:Ivana Perišić Lozo⟧
OIB: ⟦ID@HR:⁅id|HR|##########?⁆⟧
Date of birth: ⟦DOB:05.10.1992⟧
Address: ⟦A:Put Firula 17, 21000 Split⟧
Mobile: ⟦T:+385 98 177 4302⟧
Medical certificate: issued by occupational medicine, note: wears ⟦MC:hearing aids⟧
Exam date requested: 14 March
""",
)
add(
    "pii",
    "en",
    "bulgarian-cataract-referral-abroad",
    "prose",
    """
My grandmother needs ⟦MC:cataract⟧ surgery and the wait in Vidin is 9 months. Can the S2 form get it done in Vienna? Write an email in English to the Austrian clinic. Her details: ⟦P:Radka Ivanova Todorova⟧, EGN ⟦ID@BG:⁅id|BG|4611290##?⁆⟧, born ⟦DOB:29 November 1946⟧, ⟦A:ul. Tsar Simeon Veliki 12, vh. B, et. 2, ap. 5, 3700 Vidin⟧, phone ⟦T:+359 94 601 287⟧. She also has ⟦MC:glaucoma⟧ and uses ⟦MED:Xalatan⟧ drops. I'm her granddaughter ⟦P:Elena⟧ and will travel with her.
""",
)
add(
    "pii",
    "en",
    "danish-folk-high-school-enrolment",
    "form",
    """
Can you proofread my folk high school application (spring course, music line)?

Name: ⟦P:Freja Østergaard Nielsen⟧
CPR: ⟦ID@DK:⁅id|DK|120305-4##2|2005-03-12⁆⟧
Born: ⟦DOB:12 March 2005⟧
Address: ⟦A:Brobjergvej 8, 1. tv., 8260 Viby J⟧
Phone: ⟦T:+45 28 91 47 06⟧
Anything we should know: I have ⟦MC:type 1 diabetes⟧ and use an ⟦MC:insulin pump⟧; I can cook for myself if meals are a problem.
Parent contact: ⟦P:Lars Nielsen⟧, ⟦T:+45 40 18 33 72⟧
""",
)
add(
    "pii",
    "en",
    "zurich-dog-registration",
    "prose",
    """
We adopted a dog from Portugal and must register it in Zurich. Please write a short German message to the Kreisbüro from this English: owner ⟦P:Aidan Mercer-Ruiz⟧, AHV ⟦ID@CH:⁅id|CH|756.####.####.#?⁆⟧, born ⟦DOB:30.06.1983⟧, ⟦A:Hohlstrasse 204, 8004 Zürich⟧, ⟦T:+41 79 552 18 06⟧. Dog: Luna, mixed breed, microchip 620098100447213. I have ⟦MC:epilepsy⟧ and the dog is being trained as a seizure-alert dog, can I apply for the tax exemption?
""",
)
add(
    "pii",
    "en",
    "belgian-student-job-hours",
    "form",
    """
Help me understand how many student-job days I have left this year. My payslip header:

Werknemer / Travailleur: ⟦P:Noor El Khatib⟧
Rijksregisternummer: ⟦ID@BE:⁅id|BE|04.01.23-##2.??|2004-01-23⁆⟧
Geboortedatum: ⟦DOB:23/01/2004⟧
Adres: ⟦A:Sint-Pietersnieuwstraat 154 bus 12, 9000 Gent⟧
Rekening: ⟦IBAN:⁅iban|BE⁆⟧
Employer: Frituur De Kouter, hours this month 68 (solidarity contribution 2.71%)
""",
)
add(
    "pii",
    "en",
    "austrian-klimaticket-senior",
    "prose",
    """
I want to buy the KlimaTicket Senior for my father as a Christmas present. The shop asks for his data — is that OK, and which discount applies? ⟦P:Helmut Aigner⟧, born ⟦DOB:8 May 1957⟧, social insurance number ⟦ID@AT:⁅id|AT|###?080557⁆⟧, ⟦A:Anichstraße 28/4, 6020 Innsbruck⟧, email ⟦E:h.aigner57@inntal.example⟧. He has a ⟦MC:pacemaker⟧, not sure if that counts as a disability pass. Pay with my Mastercard ⟦CC:⁅card|mc⁆⟧.
""",
)
add(
    "pii",
    "en",
    "chimney-sweep-bookings",
    "csv",
    """
Sort these chimney sweep bookings by postcode and write a reminder text for each:

customer,address,phone,appliance,note
⟦P:Gwen Tallis⟧,⟦A:3 Rook Lane, Ledbury HR8 1DJ⟧,⟦T:01531 630 418⟧,wood burner,"key under pot, she is ⟦MC:deaf⟧ — text only"
Mr ⟦P:Hollis Brayfield⟧,⟦A:Orchard House, Much Marcle, Ledbury HR8 2NF⟧,⟦T:07825 661043⟧,Rayburn,dog
⟦P:Patience Oyelaran⟧,⟦A:22 Bye Street, Ledbury HR8 2AA⟧,⟦T:07469 220917⟧,open fire,"⟦MC:asthma⟧, ventilate afterwards"
""",
)
add(
    "pii",
    "en",
    "ski-pass-photo-upload",
    "http",
    """
The season-pass upload fails with 413. Here's the request from the browser:

POST /api/v2/passes/season/photo HTTP/1.1
Host: tickets.alpenbahnen.example
Content-Type: multipart/form-data; boundary=----x91

------x91
Content-Disposition: form-data; name="holder"

{"first_name":"⟦P:Marit⟧","last_name":"⟦P:Holmqvist⟧","birth_date":"⟦DOB:2011-02-16⟧","email":"⟦E:marit.holmqvist.parent@postlada.example⟧","phone":"⟦T:+46 70 318 44 92⟧","reduced_mobility":"⟦MC:cerebral palsy⟧ – sit-ski"}
------x91
Content-Disposition: form-data; name="photo"; filename="IMG_4412.HEIC"
Content-Type: image/heic

(binary 6.8 MB)
""",
)
add(
    "pii",
    "en",
    "bridge-club-members-insert",
    "sql",
    """
Why does this insert fail on the second row? (bridge club database, MySQL 8)

INSERT INTO members (ebu_no, surname, forename, dob, phone, email, notes) VALUES
(⟦ACC:412288⟧, '⟦P:Fenwick⟧', '⟦P:Rosalind⟧', '⟦DOB:1944-09-30⟧', '⟦T:01904 612 733⟧', '⟦E:ros.fenwick@yorkmail.example⟧', 'large-print cards, ⟦MC:macular degeneration⟧'),
(⟦ACC:412291⟧, '⟦P:O''Dea⟧', '⟦P:Colm⟧', '⟦DOB:1951-13-02⟧', '⟦T:07584 330172⟧', '⟦E:colm.odea@yorkmail.example⟧', 'partner of ⟦P:Rosalind⟧'),
(⟦ACC:412305⟧, '⟦P:Barker⟧', '⟦P:Hazel⟧', '⟦DOB:1948-04-17⟧', NULL, NULL, 'needs lift, ⟦MC:wheelchair⟧');
""",
)
add(
    "pii",
    "en",
    "lifeboat-crew-pager-config",
    "yaml",
    """
Our lifeboat station's paging bridge config — can you convert it to the new v3 schema (groups become "teams")?

groups:
  helms:
    - name: ⟦P:Ewan Trevaskis⟧
      mobile: "⟦T:07391 552806⟧"
      address: "⟦A:5 Quay Terrace, Padstow PL28 8AP⟧"
    - name: ⟦P:Jenna Hocking⟧
      mobile: "⟦T:07808 114927⟧"
      note: "stood down till March — ⟦MC:shoulder surgery⟧"
  shore_crew:
    - name: ⟦P:Bill Penrose⟧
      mobile: "⟦T:01841 532 880⟧"
""",
)
add(
    "pii",
    "en",
    "hotel-door-lock-audit",
    "kv-log",
    """
A guest says someone entered her room. Summarise what this door-lock audit shows:

2025-11-02T23:41:08Z door=412 event=unlock card=guest guest="⟦P:Oluwaseun Adeyemi-Cole⟧" res=HX88213 phone=⟦T:+44 7723 418090⟧
2025-11-03T02:17:44Z door=412 event=unlock card=staff_master staff="⟦P:Kieran Doyle⟧" staff_id=⟦ACC:N114⟧
2025-11-03T02:19:02Z door=412 event=lock card=staff_master staff="⟦P:Kieran Doyle⟧" staff_id=⟦ACC:N114⟧
2025-11-03T07:55:30Z door=412 event=unlock card=guest guest="⟦P:Oluwaseun Adeyemi-Cole⟧" res=HX88213
""",
)
add(
    "pii",
    "en",
    "meal-kit-profile",
    "json",
    """
Our meal-kit app shows the wrong allergen warning for this user. Profile from the admin API:

{
  "customer_id": "⟦ACC:cus_88102⟧",
  "name": "⟦P:Marguerite Okonjo⟧",
  "email": "⟦E:marguerite.okonjo@inbox.example⟧",
  "phone": "⟦T:(617) 555-0184⟧",
  "delivery_address": "⟦A:58 Thornton Street, Apt 2R, Roxbury, MA 02119⟧",
  "dob": "⟦DOB:1979-12-02⟧",
  "diet": {"conditions": ["⟦MC:coeliac disease⟧", "⟦MC:lactose intolerance⟧"], "medications_note": "on ⟦MED:warfarin⟧ — avoid big vitamin K swings"},
  "plan": "family-4"
}
""",
)
add(
    "pii",
    "en",
    "rowing-club-crew-list",
    "markdown-table",
    """
Turn this crew list into a WhatsApp message for Saturday's head race. Leave out the medical column.

| seat | rower | mobile | medical |
|---|---|---|---|
| bow | ⟦P:Summer Okafor⟧ | ⟦T:07956 207388⟧ | |
| 2 | ⟦P:Hattie Lyle⟧ | ⟦T:07712 904615⟧ | ⟦MC:asthma⟧ – ⟦MED:Ventolin⟧ in the launch |
| 3 | ⟦P:Priya Sandhu-Reid⟧ | ⟦T:07403 881260⟧ | |
| stroke | ⟦P:Bea Frost⟧ | ⟦T:07531 774092⟧ | ⟦MC:low back pain⟧ |
| cox | ⟦P:Minnie Ashdown⟧ | ⟦T:07848 226519⟧ | |

Coach: ⟦P:Graham⟧
""",
)
add(
    "pii",
    "en",
    "amateur-radio-licence-application",
    "prose",
    """
I'm filling in the FCC form for my first amateur radio licence and the online system wants my SSN to make an FRN. Is that normal? My details are ⟦P:Orrin Blackfeather⟧, ⟦DOB:07/22/1985⟧, SSN ⟦ID@US:⁅id|US|5##-##-####⁆⟧, ⟦A:1190 Cedar Mesa Dr, Farmington, NM 87401⟧, ⟦T:(505) 555-0147⟧, ⟦E:orrin.bf@canyon.example⟧. I passed the Technician exam with the club VE team on Saturday. The $35 fee went on my Visa ⟦CC:⁅card|visa⁆⟧, exp 09/28 — the receipt shows the full number, should I redact it before I forward it to the club? Also I'm ⟦MC:colour-blind⟧, does that matter for anything?
""",
)
# ---------------------------------------------------------------- pii, other languages
add(
    "pii",
    "de",
    "wohngeld-antrag-mail",
    "prose",
    """
Kannst du mir helfen, diese Mail an die Wohngeldstelle höflicher zu formulieren?

Sehr geehrte Damen und Herren, seit drei Monaten warte ich auf den Bescheid zu meinem Wohngeldantrag. Antragstellerin: ⟦P:Gudrun Fink⟧, geb. ⟦DOB:04.09.1961⟧, Steuer-ID ⟦ID@DE:⁅id|DE|##########?⁆⟧, wohnhaft ⟦A:Am Knick 7, 24944 Flensburg⟧. Mein Mann ⟦P:Torsten Fink⟧ ist wegen ⟦MC:Herzinsuffizienz⟧ erwerbsunfähig. Die Miete geht von unserem Konto ⟦IBAN:⁅iban|DE⁆⟧ ab. Erreichbar unter ⟦T:0461 4087 215⟧. Mit freundlichen Grüßen, ⟦P:G. Fink⟧
""",
)
add(
    "pii",
    "de",
    "peruecke-kostenuebernahme",
    "form",
    """
Bitte prüfe meinen Antrag an die Krankenkasse auf Vollständigkeit:

Versicherte: ⟦P:Annelie Brückner-Haas⟧
Versichertennummer: ⟦ACC:K417203388⟧
Geburtsdatum: ⟦DOB:17. Juli 1974⟧
Anschrift: ⟦A:Wörthstraße 31, 81667 München⟧
Telefon: ⟦T:089 4480 2217⟧
Begründung: Wegen ⟦MC:Brustkrebs⟧ erhalte ich seit Oktober eine Chemotherapie mit ⟦MED:Epirubicin⟧ und ⟦MED:Cyclophosphamid⟧; ich habe meine Haare vollständig verloren. Beantragt wird die Kostenübernahme für eine Echthaarperücke (Kostenvoranschlag Zweithaar Studio Lenz, 1.290 €).
Verordnende Ärztin: Dr. ⟦P:Selma Karadağ⟧
""",
)
add(
    "pii",
    "fr",
    "demande-logement-social",
    "prose",
    """
Aide-moi à rédiger la lettre de motivation jointe à ma demande de logement social (numéro unique déjà obtenu). Je suis ⟦P:Nadège Fontaine-Diallo⟧, née le ⟦DOB:11 mars 1986⟧, seule avec deux enfants, et j'habite actuellement un T2 insalubre au ⟦A:8 impasse des Tanneurs, 59100 Roubaix⟧. Mon fils ⟦P:Ilyès⟧ a un ⟦MC:asthme sévère⟧ aggravé par l'humidité (il est sous ⟦MED:Seretide⟧), le certificat du pneumologue est joint. Numéro de sécurité sociale ⟦ID@FR:⁅id|FR|2 86 03 59 512 ### ??⁆⟧, téléphone ⟦T:06 71 28 40 95⟧, e-mail ⟦E:nadege.fontaine@courriel.example⟧.
""",
)
add(
    "pii",
    "fr",
    "sncf-acces-plus-reservation",
    "form",
    """
Peux-tu vérifier ma demande d'assistance en gare avant que je l'envoie ?

Voyageur : ⟦P:Fernand Lacoste⟧
Date de naissance : ⟦DOB:30/05/1952⟧
Numéro de sécurité sociale : ⟦ID@FR:⁅id|FR|1 52 05 31 555 ### ??⁆⟧
Téléphone : ⟦T:05 61 22 48 90⟧
Trajet : Toulouse-Matabiau → Paris-Montparnasse, 12 déc., voiture 14
Besoin : fauteuil roulant de la gare, je suis ⟦MC:amputé de la jambe gauche⟧ et je voyage avec ma prothèse
Accompagnant : mon petit-fils ⟦P:Théo Lacoste⟧
""",
)
add(
    "pii",
    "es",
    "renfe-tarjeta-dorada",
    "prose",
    """
Mi madre quiere sacar la Tarjeta Dorada de Renfe por discapacidad (tiene un 45 % por ⟦MC:esclerosis múltiple⟧). ¿Qué documentos necesita y se puede hacer en la web? Datos: ⟦P:Remedios Calatayud Ferrer⟧, DNI ⟦ID@ES:⁅id|ES|########?⁆⟧, nacida el ⟦DOB:9 de julio de 1968⟧, domicilio ⟦A:Calle de Cirilo Amorós 62, 4.º 8.ª, 46004 Valencia⟧, móvil ⟦T:611 48 27 90⟧. Toma ⟦MED:Ocrevus⟧ cada seis meses en La Fe y viaja sola a Madrid para las revisiones.
""",
)
add(
    "pii",
    "es",
    "inscripcion-club-padel",
    "csv",
    """
Ordena por nivel la lista del torneo de pádel del club y avisa si falta algún dato:

nombre,apellidos,nivel,movil,email,observaciones
⟦P:Íñigo⟧,⟦P:Urrutia Goñi⟧,4.0,⟦T:688 412 035⟧,⟦E:inigo.urrutia@correo.example⟧,
⟦P:Maite⟧,⟦P:Arregi Salaberria⟧,3.5,⟦T:677 290 418⟧,⟦E:maite.arregi@correo.example⟧,"⟦MC:rotura de menisco⟧ en mayo, juega con rodillera"
⟦P:Paloma⟧,⟦P:Sanz⟧,3.0,⟦T:622 884 107⟧,,
⟦P:Koldo⟧,⟦P:Etxeberria⟧,4.5,⟦T:600 519 772⟧,⟦E:koldo.etxe@correo.example⟧,"⟦MC:diabético⟧, lleva ⟦MED:glucagón⟧ en la bolsa"
""",
)
add(
    "pii",
    "it",
    "iscrizione-corso-preparto",
    "form",
    """
Mi correggi l'italiano di questa iscrizione al corso preparto del consultorio?

Nome e cognome: ⟦P:Ludovica Ferraresi⟧
Codice fiscale: ⟦ID@IT:⁅id|IT|FRRLVC93E53F257?⁆⟧
Nata il: ⟦DOB:13/05/1993⟧ a Modena
Residenza: ⟦A:Via Emilia Est 218, 41121 Modena⟧
Cellulare: ⟦T:347 882 1046⟧
Settimana di gravidanza: 27 (⟦MC:gravidanza gemellare⟧)
Note: ⟦MC:diabete gestazionale⟧, in terapia con ⟦MED:insulina⟧; il papà ⟦P:Matteo Galli⟧ parteciperà agli incontri serali
""",
)
add(
    "pii",
    "it",
    "bonus-psicologo-domanda",
    "prose",
    """
Sto compilando la domanda per il bonus psicologo per mio figlio ⟦P:Tommaso⟧ e non capisco quale ISEE usare. Lui ha 22 anni, studia a Bologna ma è ancora nel nostro stato di famiglia. Dati suoi: ⟦P:Tommaso Benedetti⟧, codice fiscale ⟦ID@IT:⁅id|IT|BNDTMS03C14A944?⁆⟧, nato il ⟦DOB:14 marzo 2003⟧ a Bologna. Soffre di ⟦MC:attacchi di panico⟧ da un anno e prende ⟦MED:sertralina⟧ prescritta dal medico di base. Io sono ⟦P:Carla Benedetti⟧, ⟦T:333 917 4482⟧. Mi scrivi i passaggi?
""",
)
add(
    "pii",
    "pt",
    "universidade-senior-inscricao",
    "form",
    """
Revê esta ficha de inscrição na universidade sénior da minha avó, por favor:

Nome: ⟦P:Maria Albertina Gouveia Seixas⟧
Data de nascimento: ⟦DOB:02-02-1949⟧
NIF: ⟦ID@PT:⁅id|PT|1######?⁆⟧
Morada: ⟦A:Rua de Costa Cabral 1140, 3.º Esq., 4200-217 Porto⟧
Telemóvel: ⟦T:912 448 075⟧
Disciplinas: Inglês II, Coro, Hidroginástica
Observações médicas: ⟦MC:artrose nos joelhos⟧, ⟦MC:hipertensão⟧ (toma ⟦MED:Lisinopril⟧)
Contacto de emergência: neta ⟦P:Inês Seixas⟧, ⟦T:936 201 884⟧
""",
)
add(
    "pii",
    "pt",
    "escola-de-samba-ala-baianas",
    "prose",
    """
Me ajuda a escrever uma mensagem para o grupo da ala das baianas? Preciso confirmar os dados de quem vai desfilar. A dona ⟦P:Conceição Aparecida dos Santos⟧ (CPF ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧, nascida em ⟦DOB:18/08/1951⟧, ⟦T:(21) 98841-2276⟧) disse que depois da ⟦MC:cirurgia de catarata⟧ não pode usar o adereço de cabeça pesado. A ⟦P:Dalva Rosário⟧ (CPF ⟦ID@BR:⁅id|BR|###.###.###-??|#2⁆⟧, ⟦T:(21) 97702-5518⟧) mora na ⟦A:Rua Darcy Vargas 45, casa 3, Madureira, Rio de Janeiro - RJ, 21350-390⟧ e quer a fantasia entregue em casa.
""",
)
add(
    "pii",
    "nl",
    "avondvierdaagse-groepslijst",
    "markdown-table",
    """
Kun je van deze lijst een nette mail aan de ouders maken? Alleen namen en de afstand, niet de medische kolom.

| kind | geboren | ouder | telefoon | afstand | medisch |
|---|---|---|---|---|---|
| ⟦P:Sem de Bruijn⟧ | ⟦DOB:11-04-2016⟧ | ⟦P:Mirjam de Bruijn⟧ | ⟦T:06 41 88 20 73⟧ | 5 km | |
| ⟦P:Fleur Visser⟧ | ⟦DOB:02-09-2015⟧ | ⟦P:Bas Visser⟧ | ⟦T:06 29 47 11 08⟧ | 10 km | ⟦MC:pinda-allergie⟧, ⟦MED:EpiPen⟧ in rugzak |
| ⟦P:Daan Mulder⟧ | ⟦DOB:23-12-2016⟧ | ⟦P:Esra Mulder-Yılmaz⟧ | ⟦T:06 18 53 90 44⟧ | 5 km | ⟦MC:astma⟧ |
""",
)
add(
    "pii",
    "nl",
    "chiro-medische-fiche",
    "form",
    """
Kun je deze medische fiche voor het Chirokamp in het Frans vertalen? De leiding in Wallonië spreekt weinig Nederlands.

Naam lid: ⟦P:Wout Vermeulen⟧
Geboortedatum: ⟦DOB:19/03/2014⟧
Rijksregisternummer: ⟦ID@BE:⁅id|BE|14.03.19-##1.??|2014-03-19⁆⟧
Adres: ⟦A:Kapelstraat 9, 2260 Westerlo⟧
Ouder: ⟦P:Katrien Janssens⟧, ⟦T:0478 22 41 09⟧
Medisch: ⟦MC:ADHD⟧, neemt ⟦MED:Rilatine⟧ 's ochtends; bedplassen ('s nachts luier, discreet aub)
Huisarts: dr. ⟦P:Pieter Goossens⟧, ⟦T:014 54 12 70⟧
""",
)
add(
    "pii",
    "pl",
    "wniosek-karta-wedkarska",
    "prose",
    """
Pomóż mi napisać wniosek do starostwa o wydanie karty wędkarskiej dla syna. Dane: ⟦P:Szymon Karaś⟧, PESEL ⟦ID@PL:⁅id|PL|102217###3?⁆⟧, urodzony ⟦DOB:17.02.2010⟧, zamieszkały ⟦A:ul. Rybacka 12/4, 82-300 Elbląg⟧. Zdał egzamin w kole PZW nr 7. Ja, ⟦P:Dariusz Karaś⟧, jestem opiekunem, tel. ⟦T:604 227 891⟧. Syn ma ⟦MC:zespół Aspergera⟧ – czy trzeba to gdzieś zgłaszać?
""",
)
add(
    "pii",
    "pl",
    "pfron-turnus-rehabilitacyjny",
    "form",
    """
Sprawdź proszę wniosek o dofinansowanie turnusu rehabilitacyjnego z PFRON:

Wnioskodawca: ⟦P:Halina Sowińska⟧
PESEL: ⟦ID@PL:⁅id|PL|560725###4?⁆⟧
Data urodzenia: ⟦DOB:25 lipca 1956⟧
Adres: ⟦A:os. Słoneczne 14/27, 31-956 Kraków⟧
Telefon: ⟦T:12 644 18 70⟧
Orzeczenie: umiarkowany stopień, ⟦MC:stwardnienie zanikowe boczne⟧ – wczesne stadium
Opiekun na turnusie: córka ⟦P:Agata Sowińska-Lis⟧
Numer rachunku: ⟦IBAN:⁅iban|PL⁆⟧
""",
)
add(
    "pii",
    "sv",
    "bostadstillagg-ansokan",
    "prose",
    """
Kan du hjälpa mig att förklara för Pensionsmyndigheten varför hyran gick upp? Jag ansöker om bostadstillägg. Jag heter ⟦P:Ingrid Sjöberg⟧, personnummer ⟦ID@SE:⁅id|SE|19440318-##2?|1944-03-18⁆⟧, och bor på ⟦A:Storgatan 41 lgh 1204, 903 26 Umeå⟧. Min man ⟦P:Sture⟧ flyttade till ett särskilt boende i juni på grund av ⟦MC:demens⟧, så jag betalar nu hyran ensam. Telefon ⟦T:090-13 42 77⟧. Hälsningar ⟦P:Ingrid⟧
""",
)
add(
    "pii",
    "sv",
    "ledarhund-ansokan",
    "form",
    """
Läs igenom min ansökan om ledarhund och säg om något saknas:

Namn: ⟦P:Johan Hedlund⟧
Personnummer: ⟦ID@SE:⁅id|SE|19880611-##1?|1988-06-11⁆⟧
Adress: ⟦A:Kvarnbacksvägen 7, 791 72 Falun⟧
Mobil: ⟦T:070-614 28 83⟧
E-post: ⟦E:johan.hedlund@brevlada.example⟧
Syn: ⟦MC:retinitis pigmentosa⟧, ca 5 % synfält kvar
Nuvarande hjälpmedel: vit käpp sedan 2019
Referens från syncentralen: ⟦P:Anneli Forsberg⟧, synpedagog
""",
)
add(
    "pii",
    "fi",
    "veneen-rekisterointi",
    "form",
    """
Tarkistatko vesikulkuneuvon rekisteröinti-ilmoituksen ennen kuin lähetän sen?

Omistaja: ⟦P:Heikki Laaksonen⟧
Henkilötunnus: ⟦ID@FI:⁅id|FI|220659-##1?|1959-06-22⁆⟧
Osoite: ⟦A:Rantakatu 19 B 7, 65100 Vaasa⟧
Puhelin: ⟦T:040 512 8836⟧
Sähköposti: ⟦E:heikki.laaksonen@posti.example⟧
Toinen omistaja: ⟦P:Marjatta Laaksonen⟧, ⟦ID@FI:⁅id|FI|040962-##2?|1962-09-04⁆⟧
Vene: Terhi 475, moottori Yamaha F20, rungon numero FI-TRH47522K912
""",
)
add(
    "pii",
    "fi",
    "kotitalousvahennys-erittely",
    "markdown-table",
    """
Laske kotitalousvähennyksen määrä tästä taulukosta. Äidin hoitokulut:

| pvm | palvelu | tekijä | summa |
|---|---|---|---|
| 3.2. | siivous | ⟦P:Sari Hämäläinen⟧ | 240 € |
| 14.3. | kotihoito, ⟦MC:muistisairaus⟧ | Hoivapalvelu Kataja | 880 € |
| 2.5. | ikkunoiden pesu | ⟦P:Ville Nurmi⟧ | 160 € |

Äiti: ⟦P:Eila Räsänen⟧, hetu ⟦ID@FI:⁅id|FI|121136-##4?|1936-11-12⁆⟧, ⟦A:Puistokatu 4 A 11, 70110 Kuopio⟧.
""",
)
add(
    "pii",
    "cs",
    "prispevek-na-bydleni",
    "prose",
    """
Potřebuju pomoct s žádostí o příspěvek na bydlení. Jsem ⟦P:Lenka Dvořáková⟧, rodné číslo ⟦ID@CZ:⁅id|CZ|895708/###?|1989-07-08⁆⟧, bydlím v nájmu na adrese ⟦A:Hrnčířská 11, 602 00 Brno⟧ se synem ⟦P:Matějem⟧ (narozen ⟦DOB:4. 1. 2017⟧). Od září jsem na nemocenské kvůli ⟦MC:depresi⟧, beru ⟦MED:Cipralex⟧. Nájem platím z účtu ⟦IBAN:⁅iban|CZ⁆⟧. Telefon ⟦T:732 418 906⟧. Jak mám vyplnit část o příjmech?
""",
)
add(
    "pii",
    "cs",
    "prihlaska-do-tanecnich",
    "form",
    """
Zkontroluj prosím přihlášku do tanečních pro dceru, hlavně češtinu:

Jméno a příjmení: ⟦P:Tereza Vránová⟧
Datum narození: ⟦DOB:21. 8. 2009⟧
Škola: Gymnázium Jana Keplera
Zákonný zástupce: ⟦P:Pavel Vrána⟧
Telefon: ⟦T:+420 604 771 238⟧
E-mail: ⟦E:pavel.vrana@seznam.example⟧
Adresa: ⟦A:Na Petynce 88, 169 00 Praha 6⟧
Zdravotní omezení: ⟦MC:skolióza⟧, nosí korzet, prosíme bez zvedaček
Partner do kurzu: ⟦P:Vojtěch Horák⟧
""",
)
add(
    "pii",
    "hu",
    "csok-igenyles",
    "prose",
    """
Segíts megfogalmazni egy levelet a banknak a CSOK Plusz igénylésünkről. Igénylők: ⟦P:Kovács Bence⟧ és ⟦P:Kovácsné Szabó Réka⟧. ⟦P:Réka⟧ Felvidékről költözött, szlovák rodné číslója ⟦ID@SK:⁅id|SK|935204/###?|1993-02-04⁆⟧, született ⟦DOB:1993. február 4.⟧. A lakás címe ⟦A:Debrecen, Vágóhíd utca 12. 3/9⟧. ⟦P:Réka⟧ ⟦MC:várandós⟧, a 22. hétben jár, és ⟦MC:terhességi cukorbetegsége⟧ van. Telefon: ⟦T:+36 30 418 2267⟧, számla: ⟦IBAN:⁅iban|HU⁆⟧.
""",
)
add(
    "pii",
    "hu",
    "cukorbeteg-gyerek-iskolai-terv",
    "form",
    """
Fordítsd le angolra az iskolai ellátási tervet, az új osztályfőnök angol anyanyelvű:

Tanuló: ⟦P:Farkas Lili⟧
Születési idő: ⟦DOB:2015. 10. 06.⟧
Diagnózis: ⟦MC:1-es típusú cukorbetegség⟧, ⟦MC:inzulinpumpa⟧ (Medtronic 780G)
Hipó esetén: 15 g szőlőcukor, 15 perc múlva újramérés; súlyos esetben ⟦MED:Baqsimi⟧ orrspray
Szülő: ⟦P:Farkas Zsuzsanna⟧, ⟦T:+36 20 771 3048⟧
Diabetológus: dr. ⟦P:Molnár Gábor⟧, Bethesda Gyermekkórház
""",
)
add(
    "pii",
    "ro",
    "inscriere-program-rabla",
    "form",
    """
Verifică te rog datele pentru dosarul Rabla înainte să le trimit dealerului:

Nume: ⟦P:Cristea Valentin-Ionuț⟧
CNP: ⟦ID@RO:⁅id|RO|182051940###?|1982-05-19⁆⟧
Data nașterii: ⟦DOB:19.05.1982⟧
Domiciliu: ⟦A:Str. Lujerului nr. 21, bl. C4, sc. 2, ap. 37, sector 6, București⟧
Telefon: ⟦T:0722 518 447⟧
E-mail: ⟦E:valentin.cristea@posta.example⟧
Permis de conducere nr.: ⟦DL:A4418027⟧
Mașina predată: Dacia Solenza 2004, VIN UU1B5220534871122
Cont pentru diferență: ⟦IBAN:⁅iban|RO|BTRL⁆⟧
""",
)
add(
    "pii",
    "ro",
    "indemnizatie-crestere-copil",
    "prose",
    """
Am nevoie de ajutor cu cererea pentru indemnizația de creștere a copilului. Eu sunt ⟦P:Andreea Mihăilescu⟧, CNP ⟦ID@RO:⁅id|RO|291082712###?|1991-08-27⁆⟧, locuiesc în ⟦A:Cluj-Napoca, str. Observatorului nr. 104, ap. 12⟧. Fetița, ⟦P:Sofia⟧, s-a născut pe ⟦DOB:3 octombrie 2025⟧ prematur și a stat în spital pentru ⟦MC:displazie bronhopulmonară⟧. Soțul meu, ⟦P:Radu Mihăilescu⟧, vrea să ia și el luna obligatorie. Telefon ⟦T:0745 209 316⟧. Cum scriu motivul întârzierii depunerii?
""",
)
add(
    "pii",
    "el",
    "eggrafi-kdap",
    "form",
    """
Μπορείς να ελέγξεις την αίτηση εγγραφής στο ΚΔΑΠ για τον γιο μου;

Ονοματεπώνυμο παιδιού: ⟦P:Νικόλαος Παπαδάκης⟧
Ημερομηνία γέννησης: ⟦DOB:08/06/2017⟧
ΑΜΚΑ παιδιού: ⟦ID@GR:⁅id|GR|080617###1?⁆⟧
Γονέας: ⟦P:Ελένη Μαυρίδου⟧, ΑΜΚΑ ⟦ID@GR:⁅id|GR|150386###2?|1986-03-15⁆⟧
Διεύθυνση: ⟦A:Ανδρέα Παπανδρέου 37, 54249 Θεσσαλονίκη⟧
Κινητό: ⟦T:694 718 2053⟧
Υγεία: ⟦MC:αλλεργία στα αυγά⟧, έχει μαζί του ⟦MED:Epipen⟧
""",
)
add(
    "pii",
    "el",
    "minima-se-iatro-gia-methodo",
    "prose",
    """
Γράψε ένα μήνυμα προς τον γιατρό μου, τον κ. ⟦P:Σταύρο Λιάπη⟧, ότι μετά την αλλαγή από ⟦MED:Glucophage⟧ σε ⟦MED:Jardiance⟧ έχω συχνές ουρολοιμώξεις. Είμαι η ⟦P:Αικατερίνη Βλάχου⟧, γεννημένη ⟦DOB:21 Απριλίου 1965⟧, με ⟦MC:διαβήτη τύπου 2⟧ και ⟦MC:υποθυρεοειδισμό⟧. Το τηλέφωνό μου είναι ⟦T:210 681 4473⟧ και το email ⟦E:k.vlachou65@mail.example⟧. Ευχαριστώ.
""",
)
add(
    "pii",
    "tr",
    "gss-prim-borcu-yapilandirma",
    "prose",
    """
Annemin GSS prim borcu yapılandırması için SGK'ya bir dilekçe yazar mısın? Bilgileri: ⟦P:Hatice Aydoğan⟧, T.C. kimlik no ⟦ID@TR:⁅id|TR|#########??⁆⟧, doğum tarihi ⟦DOB:04.11.1963⟧, adres ⟦A:Fevzipaşa Mah. Gazi Cad. No: 42 D: 6, Fatih/İstanbul⟧, telefon ⟦T:0532 418 77 06⟧. Annem ⟦MC:böbrek yetmezliği⟧ nedeniyle haftada üç gün ⟦MC:diyalize⟧ giriyor ve çalışamıyor. Ben oğlu ⟦P:Emre⟧.
""",
)
add(
    "pii",
    "tr",
    "kyk-yurt-basvurusu",
    "form",
    """
KYK yurt başvurusundaki açıklama alanını düzeltir misin?

Ad Soyad: ⟦P:Zeynep Kartal⟧
T.C. Kimlik No: ⟦ID@TR:⁅id|TR|#########??|#2⁆⟧
Doğum Tarihi: ⟦DOB:12 Eylül 2006⟧
Üniversite: Ege Üniversitesi, Hemşirelik
Adres: ⟦A:Cumhuriyet Mah. 1204 Sok. No: 8, Merkezefendi/Denizli⟧
Telefon: ⟦T:0543 612 90 47⟧
Açıklama: Babam ⟦P:Osman Kartal⟧ geçen yıl vefat etti, annem ⟦MC:romatoid artrit⟧ hastası ve çalışamıyor. Ben de ⟦MC:astım⟧ hastasıyım, alt kat oda rica ediyorum.
""",
)
add(
    "pii",
    "lt",
    "prasymas-neigaliojo-pazymejimas",
    "prose",
    """
Padėk parašyti prašymą dėl neįgaliojo pažymėjimo dublikato, nes senelis jį pametė autobuse. Duomenys: ⟦P:Algirdas Žukauskas⟧, asmens kodas ⟦ID@LT:⁅id|LT|3450612###?|1945-06-12⁆⟧, gimęs ⟦DOB:1945 m. birželio 12 d.⟧, gyvena ⟦A:Taikos pr. 88-41, Klaipėda⟧, tel. ⟦T:+370 612 44 018⟧. Jam nustatytas 40 % darbingumas dėl ⟦MC:insulto⟧ pasekmių. Prašymą pasirašysiu aš, anūkė ⟦P:Rūta Žukauskaitė⟧.
""",
)
add(
    "pii",
    "lt",
    "vaiko-registracija-bureliui",
    "form",
    """
Ar gerai užpildžiau registraciją į robotikos būrelį?

Vaiko vardas, pavardė: ⟦P:Matas Gervė⟧
Gimimo data: ⟦DOB:2014-05-30⟧
Mokykla: Vilniaus Žirmūnų gimnazija
Tėvų kontaktai: ⟦P:Inga Gervienė⟧, ⟦T:+370 686 20 331⟧, ⟦E:inga.gerviene@pastas.example⟧
Sveikata: ⟦MC:epilepsija⟧ (kontroliuojama, vartoja ⟦MED:Keppra⟧), venkite mirksinčių šviesų
Mokėjimas iš sąskaitos ⟦IBAN:⁅iban|LT⁆⟧
""",
)
# ---------------------------------------------------------------- cred, English
add(
    "cred",
    "en",
    "dockerfile-hf-token-arg",
    "code",
    """
The build works locally but the model download fails in CI with 401. Dockerfile:

FROM python:3.12-slim
ARG HF_TOKEN=⟦K:⁅tok|hf_{alnum:34}⁆⟧
ENV HUGGING_FACE_HUB_TOKEN=$HF_TOKEN
RUN pip install --no-cache-dir "huggingface_hub[cli]" \\
 && huggingface-cli download meta-llama/Llama-3.2-1B-Instruct --local-dir /models/llama
COPY app/ /app
CMD ["python", "/app/serve.py"]

In CI we pass --build-arg HF_TOKEN=${{ secrets.HF_TOKEN }}. Is the default ARG overriding it?
""",
)
add(
    "cred",
    "en",
    "streamlit-secrets-toml",
    "ini",
    """
My Streamlit app on the community cloud can't read st.secrets["groq"]["api_key"]. This is .streamlit/secrets.toml:

[groq]
api_key = "⟦K:⁅tok|gsk_{alnum:52}⁆⟧"

[replicate]
REPLICATE_API_TOKEN = "⟦K:⁅tok|r8_{alnum:37}⁆⟧"

[supabase]
url = "https://xqzvlmbtnwkd.supabase.co"
service_role = "⟦K:⁅jwt|{"iss":"supabase","ref":"xqzvlmbtnwkd","role":"service_role","iat":1730000000,"exp":2045576000}⁆⟧"

[auth]
cookie_secret = "⟦S:⁅pw|32|alnum⁆⟧"
""",
)
add(
    "cred",
    "en",
    "shopify-inventory-cron",
    "command",
    """
This cron script stopped updating stock levels yesterday. Output says 403. What scope am I missing?

#!/bin/bash
SHOP=harbour-candles.myshopify.com
TOKEN=⟦K:⁅tok|shpat_{hex:32}⁆⟧
curl -s -X POST "https://$SHOP/admin/api/2025-07/inventory_levels/set.json" \\
  -H "X-Shopify-Access-Token: $TOKEN" -H "Content-Type: application/json" \\
  -d '{"location_id":90412233,"inventory_item_id":48120937211,"available":14}'
""",
)
add(
    "cred",
    "en",
    "grafana-alloy-config",
    "code",
    """
Alloy keeps saying "authentication error: invalid token" when pushing to Grafana Cloud. config.alloy:

prometheus.remote_write "cloud" {
  endpoint {
    url = "https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push"
    basic_auth {
      username = "1873345"
      password = "⟦K:⁅tok|glc_{b64:92}==⁆⟧"
    }
  }
}

loki.write "cloud" {
  endpoint {
    url = "https://logs-prod-012.grafana.net/loki/api/v1/push"
    basic_auth {
      username = "1011962"
      password = "⟦K:⁅tok|glc_{b64:92}==|#2⁆⟧"
    }
  }
}
""",
)
add(
    "cred",
    "en",
    "laravel-env-brevo",
    "env",
    """
Password reset mails from my Laravel app go to spam. Here's the mail part of .env, what should I change?

APP_NAME="Tidewater Tutors"
APP_KEY=base64:⟦S:⁅tok|{b64:43}=⁆⟧
DB_CONNECTION=mysql
DB_HOST=127.0.0.1
DB_DATABASE=tutors
DB_USERNAME=tutors_app
DB_PASSWORD=⟦S:⁅pw|18⁆⟧
MAIL_MAILER=smtp
MAIL_HOST=smtp-relay.brevo.com
MAIL_PORT=587
MAIL_USERNAME=⟦E:oksana.melnyk.tutor@gmail.example⟧
MAIL_PASSWORD=⟦K:⁅tok|xsmtpsib-{hex:64}-{alnum:16}⁆⟧
BREVO_API_KEY=⟦K:⁅tok|xkeysib-{hex:64}-{alnum:16}⁆⟧
MAIL_FROM_ADDRESS=hello@tidewatertutors.example
""",
)
add(
    "cred",
    "en",
    "paystack-express-webhook",
    "code",
    """
Paystack says my webhook signature check fails every time. Node/Express:

const crypto = require('crypto');
const PAYSTACK_SECRET = '⟦K:⁅tok|sk_live_{hex:40}⁆⟧';

app.post('/paystack/webhook', express.json(), (req, res) => {
  const hash = crypto.createHmac('sha512', PAYSTACK_SECRET)
    .update(JSON.stringify(req.body)).digest('hex');
  if (hash !== req.headers['x-paystack-signature']) return res.sendStatus(401);
  // ...
  res.sendStatus(200);
});

Public key is pk_live_ in the frontend, that one's fine right?
""",
)
add(
    "cred",
    "en",
    "hcloud-cli-toml",
    "ini",
    """
`hcloud server list` says "unauthorized" for the staging context only. ~/.config/hcloud/cli.toml:

active_context = "staging"

[[contexts]]
  name = "prod"
  token = "⟦K:⁅tok|{alnum:64}⁆⟧"

[[contexts]]
  name = "staging"
  token = "⟦K:⁅tok|{alnum:64}|#2⁆⟧"

I regenerated the staging token in the console yesterday, could that be it?
""",
)
add(
    "cred",
    "en",
    "vault-unseal-history",
    "command",
    """
After a power cut our Vault is sealed and the person who set it up left. I found this in root's shell history — is it enough to unseal and log in?

  412  vault operator init -key-shares=3 -key-threshold=2
  413  vault operator unseal ⟦S:⁅tok|{b64:43}=⁆⟧
  414  vault operator unseal ⟦S:⁅tok|{b64:43}=|#2⁆⟧
  415  export VAULT_TOKEN=⟦K:⁅tok|hvs.{b64url:91}⁆⟧
  416  vault secrets enable -path=kv kv-v2
""",
)
add(
    "cred",
    "en",
    "databrickscfg-profiles",
    "ini",
    """
databricks-connect picks the wrong workspace. Which profile does it use by default? ~/.databrickscfg:

[DEFAULT]
host  = https://adb-4471903318822641.1.azuredatabricks.net
token = ⟦K:⁅tok|dapi{hex:32}-3⁆⟧

[analytics]
host  = https://adb-2209441187330519.19.azuredatabricks.net
token = ⟦K:⁅tok|dapi{hex:32}-2⁆⟧
cluster_id = 0912-104455-kx3p9q2m
""",
)
add(
    "cred",
    "en",
    "airtable-apps-script",
    "code",
    """
This Google Apps Script should copy form responses into Airtable but I get "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND":

const AIRTABLE_PAT = '⟦K:⁅tok|pat{alnum:14}.{hex:64}⁆⟧';
const BASE = 'appR4qk2Lx9TvB0cM';
function onFormSubmit(e) {
  const fields = {Name: e.namedValues['Name'][0], Email: e.namedValues['Email'][0]};
  UrlFetchApp.fetch(`https://api.airtable.com/v0/${BASE}/Volunteers`, {
    method: 'post', contentType: 'application/json',
    headers: {Authorization: 'Bearer ' + AIRTABLE_PAT},
    payload: JSON.stringify({records: [{fields}]}),
  });
}
""",
)
add(
    "cred",
    "en",
    "node-rs256-signing-key",
    "code",
    """
jsonwebtoken throws "secretOrPrivateKey must be an asymmetric key when using RS256". This is how I load the key:

const jwt = require('jsonwebtoken');
const privateKey = `⟦PK:⁅key|rsa-pkcs1⁆⟧`;
const token = jwt.sign({ sub: 'svc-reports' }, privateKey.replace(/\\\\n/g, '\\n'), { algorithm: 'RS256', expiresIn: '10m' });
""",
)
add(
    "cred",
    "en",
    "battlenet-password-change",
    "prose",
    """
I think my Battle.net account got phished. My old password was ⟦S:Gandalf&Pippin1997⟧ and I used the same one on the forum where the leak happened. I changed it to ⟦S:tundra-walrus-Orbit-58⟧ — is that strong enough, and what else should I do? The account email is ⟦E:corbin.ashgrove@gamer.example⟧ and my BattleTag is ⟦U:Ashgrove#21907⟧.
""",
)
add(
    "cred",
    "en",
    "gitea-app-ini",
    "ini",
    """
Gitea 1.22 won't start after I copied app.ini from the old server: "invalid internal token". Relevant parts:

[database]
DB_TYPE  = postgres
HOST     = 127.0.0.1:5432
NAME     = gitea
USER     = gitea
PASSWD   = ⟦S:⁅pw|20⁆⟧

[security]
INSTALL_LOCK   = true
SECRET_KEY     = ⟦S:⁅tok|{alnum:64}⁆⟧
INTERNAL_TOKEN = ⟦S:⁅jwt|{"nbf":1714000000}⁆⟧

[server]
LFS_JWT_SECRET = ⟦S:⁅tok|{b64url:43}⁆⟧
""",
)
add(
    "cred",
    "en",
    "litellm-proxy-config",
    "yaml",
    """
LiteLLM proxy returns 400 for the perplexity model only. config.yaml:

model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: ⟦K:⁅tok|sk-proj-{alnum:48}T3BlbkFJ{alnum:48}⁆⟧
  - model_name: sonar
    litellm_params:
      model: perplexity/sonar-pro
      api_key: ⟦K:⁅tok|pplx-{alnum:48}⁆⟧
  - model_name: cohere-rerank
    litellm_params:
      model: cohere/rerank-v3.5
      api_key: ⟦K:⁅tok|{alnum:40}⁆⟧
general_settings:
  master_key: ⟦S:⁅tok|sk-{alnum:22}⁆⟧
""",
)
add(
    "cred",
    "en",
    "launchdarkly-api-request",
    "http",
    """
Why does this flag update return 400 "invalid patch"? Raw request from Insomnia:

PATCH /api/v2/flags/default/new-checkout HTTP/1.1
Host: app.launchdarkly.com
Authorization: ⟦K:⁅tok|api-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}⁆⟧
Content-Type: application/json; domain-model=launchdarkly.semanticpatch

{"environmentKey":"production","instructions":[{"kind":"turnFlagOn"}]}
""",
)
add(
    "cred",
    "en",
    "flyio-deploy-log",
    "kv-log",
    """
Our deploy log printed the secrets because of `set -x`. Which of these should I rotate?

2025-11-20T10:14:02Z level=info step=secrets cmd="fly secrets set DATABASE_URL=postgres://shop:⟦S:⁅pw|24|alnum⁆⟧@shop-db.flycast:5432/shop"
2025-11-20T10:14:03Z level=info step=secrets cmd="fly secrets set POSTHOG_PERSONAL_KEY=⟦K:⁅tok|phx_{alnum:47}⁆⟧"
2025-11-20T10:14:03Z level=info step=auth FLY_API_TOKEN=⟦K:⁅tok|fo1_{b64url:43}⁆⟧
2025-11-20T10:14:09Z level=info step=deploy app=harbour-shop image=registry.fly.io/harbour-shop:deployment-01JD3Q8
""",
)
add(
    "cred",
    "en",
    "mysql-create-user-grants",
    "sql",
    """
The reporting user can't connect from the BI server. Did I get the host part wrong?

CREATE USER 'metabase'@'10.20.%' IDENTIFIED BY '⟦S:⁅pw|16⁆⟧';
GRANT SELECT ON shop.* TO 'metabase'@'10.20.%';
CREATE USER '⟦U:priya.n⟧'@'%' IDENTIFIED BY '⟦S:Marigold_2019!⟧';
GRANT ALL PRIVILEGES ON shop.* TO '⟦U:priya.n⟧'@'%';
FLUSH PRIVILEGES;
""",
)
add(
    "cred",
    "en",
    "mysqldump-backup-script",
    "command",
    """
mysqldump gives "Got error: 1045: Access denied" but the same password works in the mysql client. Script:

#!/bin/sh
DATE=$(date +%F)
mysqldump -u backup -p'⟦S:⁅pw|14⁆⟧' --single-transaction --routines wordpress | gzip > /srv/backup/wp-$DATE.sql.gz
rclone copy /srv/backup b2:wp-backups --include "wp-$DATE.sql.gz"
""",
)
add(
    "cred",
    "en",
    "strapi-env",
    "env",
    """
Strapi admin login loops back to the login page after upgrading to v5. Could it be the secrets? .env:

HOST=0.0.0.0
PORT=1337
APP_KEYS=⟦S:⁅tok|{b64:22}==⁆⟧,⟦S:⁅tok|{b64:22}==|#2⁆⟧
API_TOKEN_SALT=⟦S:⁅tok|{b64:22}==|#3⁆⟧
ADMIN_JWT_SECRET=⟦S:⁅tok|{b64:22}==|#4⁆⟧
JWT_SECRET=⟦S:⁅tok|{b64:22}==|#5⁆⟧
DATABASE_URL=postgres://strapi:⟦S:⁅pw|18|alnum⁆⟧@db:5432/strapi
CLOUDINARY_SECRET=⟦K:⁅tok|{b64url:27}⁆⟧
""",
)
add(
    "cred",
    "en",
    "ecdsa-firmware-signing-test",
    "code",
    """
The firmware signature verifies in Python but not on the ESP32. Here's the Go test that signs the image — is the key format the problem?

func TestSignImage(t *testing.T) {
	keyPEM := []byte(`⟦PK:⁅key|ec-sec1⁆⟧`)
	block, _ := pem.Decode(keyPEM)
	key, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := ecdsa.SignASN1(rand.Reader, key, sha256sum(image))
	_ = sig
}
""",
)
add(
    "cred",
    "en",
    "webhook-ed25519-signing-key",
    "code",
    """
Our partners can't verify the webhook signatures we send. We sign like this in Python:

from cryptography.hazmat.primitives import serialization

SIGNING_KEY = serialization.load_pem_private_key(b\"\"\"⟦PK:⁅key|ed25519-pkcs8⁆⟧\"\"\", password=None)

def sign(body: bytes) -> str:
    return SIGNING_KEY.sign(body).hex()

We publish the public key at /.well-known/webhook-key. Any idea?
""",
)
add(
    "cred",
    "en",
    "slack-gitlab-release-bot",
    "code",
    """
The release bot posts to Slack but the GitLab tag lookup returns 401. Python:

import requests
GITLAB_TOKEN = "⟦K:⁅tok|glpat-{b64url:20}⁆⟧"
SLACK_BOT = "⟦K:⁅tok|xoxb-{digits:12}-{digits:13}-{alnum:24}⁆⟧"
tags = requests.get("https://gitlab.example.com/api/v4/projects/118/repository/tags",
                    headers={"PRIVATE-TOKEN": GITLAB_TOKEN}).json()
requests.post("https://slack.com/api/chat.postMessage",
              headers={"Authorization": f"Bearer {SLACK_BOT}"},
              json={"channel": "#releases", "text": f"Tagged {tags[0]['name']}"})
""",
)
# ---------------------------------------------------------------- cred, other languages
add(
    "cred",
    "de",
    "elster-zertifikat-pin",
    "prose",
    """
Mein Vater kommt nicht mehr in sein ELSTER-Konto. Er sagt, die Zertifikatsdatei heißt elster-2023.pfx und das Passwort dafür sei ⟦S:Eichhörnchen#1954⟧, aber vielleicht hat er es auf ⟦S:Eichhoernchen1954!⟧ geändert. Sein Benutzername ist ⟦U:w.kessler54⟧. Was sollen wir tun, wenn beides nicht geht — neu registrieren oder Aktivierungscode anfordern?
""",
)
add(
    "cred",
    "de",
    "sevdesk-api-skript",
    "code",
    """
Das Skript soll offene Rechnungen aus sevDesk holen und per Mail mahnen, aber der SMTP-Teil scheitert mit 535:

SEVDESK_TOKEN = "⟦K:⁅tok|{hex:32}⁆⟧"
SMTP_HOST = "smtp.strato.de"
SMTP_USER = "buchhaltung@tischlerei-voss.example"
SMTP_PASS = "⟦S:⁅pw|16⁆⟧"

r = requests.get("https://my.sevdesk.de/api/v1/Invoice?status=200", headers={"Authorization": SEVDESK_TOKEN})
""",
)
add(
    "cred",
    "fr",
    "cadenas-velo-casier-piscine",
    "prose",
    """
Mon cadenas à code pour le vélo ne s'ouvre plus alors que je suis sûr de la combinaison ⟦S:3817⟧. Le casier de la piscine, lui, s'ouvre avec ⟦S:2905⟧ sans problème. Est-ce qu'il existe une méthode pour retrouver le code d'un cadenas à 4 molettes, ou je dois le couper ? C'est un Abus 5412L.
""",
)
add(
    "cred",
    "fr",
    "prestashop-parameters-stancer",
    "code",
    """
Après la migration de mon PrestaShop, le paiement Stancer renvoie « invalid credentials ». Voici app/config/parameters.php :

<?php return array (
  'parameters' => array (
    'database_host' => '127.0.0.1',
    'database_name' => 'boutique_ps',
    'database_user' => 'ps_user',
    'database_password' => '⟦S:⁅pw|20⁆⟧',
    'cookie_key' => '⟦S:⁅tok|{alnum:56}⁆⟧',
    'secret' => '⟦S:⁅tok|{alnum:56}|#2⁆⟧',
  ),
);
// module stancer : clé secrète live
define('STANCER_SECRET_KEY', '⟦K:⁅tok|sprod_{alnum:24}⁆⟧');
""",
)
add(
    "cred",
    "es",
    "contrasena-en-campo-usuario-biblioteca",
    "prose",
    """
En un ordenador de la biblioteca escribí sin querer la contraseña de mi correo en el campo de usuario, así que se quedó en el historial del navegador: ⟦S:Alhambra.Granada#88⟧. Ya cerré sesión. ¿Tengo que cambiarla aunque no vea accesos raros? La de recuperación que tengo apuntada es ⟦S:mirlo-olivo-sierra-42⟧; ¿sirve como nueva o mejor otra?
""",
)
add(
    "cred",
    "es",
    "redsys-php-config",
    "code",
    """
Redsys me devuelve SIS0042 (error en la firma). ¿Está bien la clave? config.php:

<?php
$redsys = [
  'merchant_code' => '999008881',
  'terminal'      => '1',
  'secret_key'    => '⟦K:⁅tok|{b64:32}⁆⟧',
  'url_ok'        => 'https://ceramicasalba.example/pago-ok',
];
$db = new PDO('mysql:host=localhost;dbname=tienda', 'tienda', '⟦S:⁅pw|15⁆⟧');
""",
)
add(
    "cred",
    "it",
    "codice-tastiera-cancello-garage",
    "prose",
    """
Devo cambiare il codice della tastiera del cancello del garage condominiale (una Came Selett). Quello attuale è ⟦S:480213⟧ e l'amministratore ha deciso il nuovo: ⟦S:917356⟧. Il codice installatore, scritto sotto il coperchio, è ⟦S:0000 7744⟧. Mi spieghi i passaggi per programmarlo senza cancellare i telecomandi già registrati?
""",
)
add(
    "cred",
    "it",
    "nexi-xpay-config",
    "yaml",
    """
Il plugin Nexi XPay dà "MAC non valido" sugli ordini. Questa è la configurazione esportata:

nexi_xpay:
  ambiente: produzione
  alias: ALIAS_WEB_00058214
  chiave_mac: ⟦K:⁅tok|{alnum:40}⁆⟧
  api_key: ⟦K:⁅tok|{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}⁆⟧
satispay:
  key_id: 4fqb3k2c9m8
  private_key_file: /etc/negozio/satispay.pem

E questo è il contenuto di satispay.pem, nel caso serva:

⟦PK:⁅key|rsa-pkcs8⁆⟧
""",
)
add(
    "cred",
    "pt",
    "mbway-senha-app",
    "prose",
    """
O meu avô escreveu num papel a senha da app do banco (⟦S:Benfica1904!⟧) e o código MB WAY (⟦S:614273⟧). Quero ajudá-lo a mudar para algo mais seguro que ele consiga decorar. Sugere três opções e explica como ele pode guardar sem ser num papel na carteira.
""",
)
add(
    "cred",
    "pt",
    "pagseguro-env",
    "env",
    """
O webhook do PagSeguro chega mas a verificação falha. Meu .env de produção:

PAGSEGURO_EMAIL=financeiro@lojadacarol.example
PAGSEGURO_TOKEN=⟦K:⁅tok|{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}{hex:60}⁆⟧
PAGARME_SECRET=⟦K:⁅tok|sk_{hex:32}⁆⟧
DB_URL=mysql://loja:⟦S:⁅pw|16|alnum⁆⟧@localhost/loja
SESSION_SECRET=⟦S:⁅tok|{hex:64}⁆⟧
""",
)
add(
    "cred",
    "nl",
    "wachtwoord-in-groepsapp",
    "prose",
    """
Ik heb per ongeluk mijn wachtwoord in de groepsapp van de volleybalclub gezet in plaats van in het inlogscherm: ⟦S:Zeeuwse-Bolus!2019⟧. Na twee minuten verwijderd, maar er zitten 46 mensen in de groep. Hetzelfde wachtwoord gebruik ik voor mijn mail (⟦E:thijs.vermaat@mail.example⟧). Wat moet ik nu allemaal doen, en in welke volgorde?
""",
)
add(
    "cred",
    "nl",
    "buckaroo-config",
    "json",
    """
Buckaroo-betalingen blijven op "pending" staan. Klopt deze config?

{
  "buckaroo": {
    "websiteKey": "Hq7Ld2KsPz",
    "secretKey": "⟦K:⁅tok|{upnum:32}⁆⟧",
    "mode": "live",
    "pushUrl": "https://webshop.bakkerijdevries.example/buckaroo/push"
  },
  "mail": {"user": "noreply@bakkerijdevries.example", "password": "⟦S:⁅pw|18⁆⟧"}
}
""",
)
add(
    "cred",
    "pl",
    "librus-konto-zablokowane",
    "prose",
    """
Librus zablokował mi konto rodzica po trzech próbach logowania. Wpisywałem stare hasło ⟦S:Pierogi!Ruskie2015⟧, bo zapomniałem, że w zeszłym tygodniu zmieniłem je na ⟦S:Bursztyn-Sopot-7741⟧. Login to ⟦U:8841207r⟧. Ile trwa blokada i czy mogę ją zdjąć sam, czy muszę pisać do sekretariatu szkoły?
""",
)
add(
    "cred",
    "pl",
    "allegro-inpost-env",
    "env",
    """
Integracja sklepu z Allegro i InPost przestała działać po zmianie serwera. Mój .env:

ALLEGRO_CLIENT_ID=b81f3c0e9a2d4e7f8c1a5b6d7e9f0a21
ALLEGRO_CLIENT_SECRET=⟦K:⁅tok|{alnum:64}⁆⟧
ALLEGRO_REFRESH_TOKEN=⟦S:⁅jwt|{"user_name":"47731902","scope":["allegro:api:orders:read"],"exp":1767225600}⁆⟧
INPOST_API_TOKEN=⟦K:⁅jwt|{"iss":"api-shipx-pl.easypack24.net","sub":"org-27741","exp":1861920000}⁆⟧
DB_PASSWORD=⟦S:⁅pw|16⁆⟧
""",
)
add(
    "cred",
    "sv",
    "blocket-losenord",
    "prose",
    """
Någon har loggat in på mitt Blocket-konto och lagt upp annonser. Jag använde lösenordet ⟦S:Kanelbulle1987⟧ där och på mejlen. Nu har jag bytt till ⟦S:Fjällräv-Midsommar-44⟧ på båda. Räcker det eller behöver jag göra mer? Kontot är kopplat till ⟦E:maja.lindqvist87@brev.example⟧.
""",
)
add(
    "cred",
    "sv",
    "bambora-worldline-config",
    "ini",
    """
Kortbetalningar i vår kassa via Worldline (f.d. Bambora) nekas sedan i går. Konfigfilen:

[worldline]
merchant_number = T221044871
access_key = ⟦K:⁅tok|{alnum:20}⁆⟧
secret_key = ⟦K:⁅tok|{alnum:40}⁆⟧
environment = production

[kassa]
admin_pin = ⟦S:90417⟧
""",
)
add(
    "cred",
    "fi",
    "thunderbird-sovellussalasana",
    "prose",
    """
Thunderbird kysyy koko ajan salasanaa sähköpostitililleni ⟦E:jukka.leinonen@posti.example⟧. Olen kirjoittanut tavallisen salasanani ⟦S:Saimaa_Norppa1979⟧, mutta palveluntarjoaja sanoo, että IMAP-yhteyteen tarvitaan sovellussalasana. Loin sellaisen: ⟦S:kqvm tzrp alhw ncey⟧. Mihin kenttään se laitetaan, ja pitääkö vanha tallennettu salasana poistaa ensin?
""",
)
add(
    "cred",
    "fi",
    "maventa-yaml",
    "yaml",
    """
Verkkolaskujen lähetys Maventaan ei toimi testistä tuotantoon siirron jälkeen. Asetukset:

maventa:
  environment: production
  client_id: 7e2b1f90-3c44-4a8d-9b51-0f6d2e8a7c13
  client_secret: ⟦K:⁅tok|{alnum:32}⁆⟧
  vendor_api_key: ⟦K:⁅tok|{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}⁆⟧
database:
  url: postgresql://laskutus:⟦S:⁅pw|18|alnum⁆⟧@db.internal:5432/laskutus
""",
)
add(
    "cred",
    "cs",
    "datova-schranka-heslo-expirace",
    "prose",
    """
Datová schránka mi hlásí, že heslo vyprší za 3 dny. Přihlašovací jméno ⟦U:x7kq2mp⟧, současné heslo ⟦S:Knedlík*Zelí*2023⟧. Chtěl bych nové ⟦S:Vltava_Mělník_2025⟧ – splňuje pravidla (délka, velká a malá písmena, číslice)? A vadí v hesle háčky a čárky?
""",
)
add(
    "cred",
    "cs",
    "fakturoid-ruby",
    "code",
    """
Fakturoid API v3 mi vrací 401, i když token funguje v curlu. Ruby:

client = Fakturoid::Client.new(
  account: "keramika-brno",
  client_id: "4a1d9e7c20b3f58e",
  client_secret: "⟦K:⁅tok|{hex:40}⁆⟧",
  user_agent: "Keramika Brno (⟦E:jiri.sedlak@keramika.example⟧)"
)
Mailer.smtp_password = "⟦S:⁅pw|14⁆⟧"
""",
)
add(
    "cred",
    "hu",
    "online-szamla-invalid-security-user",
    "form",
    """
A számlázóprogram NAV-beállításainál ezt adtam meg, de minden beküldésnél INVALID_SECURITY_USER hibát kapok. Hol lehet a hiba?

Technikai felhasználó: ⟦U:qx4rv8mz2kl1⟧
Jelszó: ⟦S:Gulyás-Pörkölt-2024!⟧
XML aláírókulcs: ⟦K:⁅tok|{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}{upnum:4}⁆⟧
XML cserekulcs: ⟦K:⁅tok|{upnum:16}⁆⟧
Adószám: 24418037-2-13
""",
)
add(
    "cred",
    "hu",
    "simplepay-php-config",
    "code",
    """
A SimplePay sandboxban működik, élesben "5000 hibakód". Mit rontottam el?

<?php
$config = [
    'HUF_MERCHANT' => 'P418822',
    'HUF_SECRET_KEY' => '⟦K:⁅tok|{alnum:32}⁆⟧',
    'SANDBOX' => false,
    'URL' => 'https://kertiszerszam.example/simplepay/back',
];
$pdo = new PDO('mysql:host=localhost;dbname=bolt', 'bolt', '⟦S:⁅pw|16⁆⟧');
""",
)
add(
    "cred",
    "ro",
    "cod-whatsapp-escrocherie",
    "prose",
    """
Am primit un SMS cu codul de verificare WhatsApp ⟦S:418-227⟧ și imediat m-a sunat cineva „de la curierat” să i-l spun. Nu i l-am dat, dar am intrat în panică și am schimbat PIN-ul de verificare în doi pași în ⟦S:660184⟧. Ce altceva ar trebui să fac ca să nu-mi fure contul? Scrie-mi și un mesaj de avertizare pentru grupul familiei.
""",
)
add(
    "cred",
    "ro",
    "emag-marketplace-config",
    "json",
    """
API-ul eMAG Marketplace îmi dă 401 de azi. Configurația din aplicație:

{
  "emag": {"username": "api@magazinultau.example", "password": "⟦S:⁅pw|18⁆⟧", "url": "https://marketplace-api.emag.ro/api-3"},
  "fan_courier": {"client_id": "7032115", "user": "magazinultau", "password": "⟦S:⁅pw|14⁆⟧"},
  "smartbill_token": "⟦K:⁅tok|{hex:32}⁆⟧"
}
""",
)
add(
    "cred",
    "el",
    "kodikos-chrimatokivotiou-dwmatiou",
    "prose",
    """
Στο δωμάτιο του ξενοδοχείου έβαλα στο χρηματοκιβώτιο τον κωδικό ⟦S:7403⟧, αλλά τώρα γράφει «ERROR» και δεν ανοίγει. Η ρεσεψιόν λέει ότι χρειάζεται ο κωδικός master, που τον έχει μόνο ο τεχνικός το πρωί. Μέσα είναι το διαβατήριό μου και η πτήση είναι στις 6:00. Υπάρχει κάτι που μπορώ να δοκιμάσω; Στο προηγούμενο ταξίδι είχα βάλει ⟦S:1955⟧, μήπως κράτησε εκείνον;
""",
)
add(
    "cred",
    "el",
    "everypay-config",
    "env",
    """
Οι πληρωμές με Everypay αποτυγχάνουν με "invalid key". Το .env:

EVERYPAY_PUBLIC_KEY=pk_aQ9sL2xVb7NcR4tE
EVERYPAY_SECRET_KEY=⟦K:⁅tok|sk_{alnum:32}⁆⟧
EVERYPAY_SANDBOX=false
MAIL_PASSWORD=⟦S:⁅pw|16⁆⟧
""",
)
add(
    "cred",
    "tr",
    "trendyol-hesap-sifresi",
    "prose",
    """
Annemin Trendyol hesabından benim haberim olmadan sipariş verilmiş. Şifresi ⟦S:Papatya1965⟧ idi, aynı şifreyi e-postasında da kullanıyordu. Yeni şifre olarak ⟦S:Lale-Zeytin-Martı-71⟧ koydum. Başka neleri kontrol etmeliyim? E-postası ⟦E:nurten.aksoy65@eposta.example⟧.
""",
)
add(
    "cred",
    "tr",
    "paytr-merchant-key",
    "code",
    """
PayTR iframe token oluşturulurken "hash hatalı" diyor. Kod (Python/Django):

MERCHANT_ID = "418827"
MERCHANT_KEY = b"⟦K:⁅tok|{alnum:16}⁆⟧"
MERCHANT_SALT = "⟦K:⁅tok|{alnum:16}|#2⁆⟧"
hash_str = f"{MERCHANT_ID}{user_ip}{oid}{email}{amount}{basket}"
paytr_token = base64.b64encode(hmac.new(MERCHANT_KEY, (hash_str + MERCHANT_SALT).encode(), hashlib.sha256).digest())
""",
)
add(
    "cred",
    "lt",
    "kriptopinigines-atkurimo-frazė",
    "prose",
    """
Užsirašiau kriptopiniginės atkūrimo frazę ir noriu ją išsaugoti Google Keep, kad nepamesčiau: ⟦S:harbor velvet siren orbit candle mosquito fabric ladder quote tunnel ember wisdom⟧. Piniginės PIN kodas ⟦S:582914⟧. Ar saugu taip laikyti, ar geriau atspausdinti ir įdėti į seifą?
""",
)
add(
    "cred",
    "lt",
    "paysera-projektas",
    "code",
    """
Paysera grąžina "Invalid sign" po apmokėjimo. PHP konfigūracija:

<?php
define('PAYSERA_PROJECT_ID', 248817);
define('PAYSERA_SIGN_PASSWORD', '⟦K:⁅tok|{hex:32}⁆⟧');
define('DB_PASS', '⟦S:⁅pw|16⁆⟧');
""",
)
# ---------------------------------------------------------------- cred, English (continued)
add(
    "cred",
    "en",
    "networkmanager-wireguard-keyfile",
    "ini",
    """
My laptop's WireGuard connection to the office shows "activated" but nothing routes. This is /etc/NetworkManager/system-connections/office.nmconnection — anything obviously wrong?

[connection]
id=office
type=wireguard
interface-name=wg-office

[wireguard]
private-key=⟦PK:⁅key|wireguard⁆⟧

[wireguard-peer.Sx8p1mQw0aVzRkJ3b6yT2LcNhE9uGf4dW7oIqP5sXkA=]
endpoint=vpn.office.example:51820
preshared-key=⟦S:⁅tok|{b64:43}=⁆⟧
preshared-key-flags=0
allowed-ips=10.40.0.0/16;

[ipv4]
address1=10.40.8.23/32
method=manual
""",
)
# ---------------------------------------------------------------- benign, English
add(
    "benign",
    "en",
    "tudor-monarchs-timeline",
    "markdown-table",
    """
Make this into a revision card for Year 8 history, one line each:

| monarch | born | reign | died |
|---|---|---|---|
| Henry VII | 28 January 1457 | 1485–1509 | 21 April 1509 |
| Henry VIII | 28 June 1491 | 1509–1547 | 28 January 1547 |
| Edward VI | 12 October 1537 | 1547–1553 | 6 July 1553 |
| Mary I | 18 February 1516 | 1553–1558 | 17 November 1558 |
| Elizabeth I | 7 September 1533 | 1558–1603 | 24 March 1603 |
""",
)
add(
    "benign",
    "en",
    "white-house-civics-worksheet",
    "prose",
    """
Write five quiz questions for a Grade 5 civics worksheet about the White House: its address is 1600 Pennsylvania Avenue NW, Washington, DC 20500, the public comment line is 202-456-1111, John Adams was the first president to live there (from November 1, 1800), and it was rebuilt after the British burned it in August 1814.
""",
)
add(
    "benign",
    "en",
    "physical-constants-table",
    "markdown-table",
    """
Check these SI defining constants for typos before I print the poster:

| constant | symbol | exact value |
|---|---|---|
| hyperfine transition frequency of Cs-133 | ΔνCs | 9 192 631 770 Hz |
| speed of light in vacuum | c | 299 792 458 m/s |
| Planck constant | h | 6.626 070 15 × 10⁻³⁴ J s |
| elementary charge | e | 1.602 176 634 × 10⁻¹⁹ C |
| Boltzmann constant | k | 1.380 649 × 10⁻²³ J/K |
| Avogadro constant | NA | 6.022 140 76 × 10²³ mol⁻¹ |
""",
)
add(
    "benign",
    "en",
    "email-validation-regex-tests",
    "code",
    """
My email validator rejects some valid addresses. Which of these test cases are wrong?

import re
EMAIL = re.compile(r"^[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+$")

VALID = ["user@example.com", "first.last+tag@example.co.uk", "x@sub.example.org", "o'brien@example.ie"]
INVALID = ["plainaddress", "@example.com", "user@", "user@@example.com", "user@example..com"]

for e in VALID:
    assert EMAIL.match(e), e
""",
)
add(
    "benign",
    "en",
    "k8s-configmap-no-secrets",
    "yaml",
    """
Is anything in this ConfigMap something that should be a Secret instead?

apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "new-nav,dark-mode"
  DATABASE_HOST: postgres.prod.svc.cluster.local
  DATABASE_PORT: "5432"
  DATABASE_USER_SECRET_REF: web-db-credentials
  SESSION_TTL_SECONDS: "86400"
  CDN_BASE_URL: https://cdn.example.com/assets/v2.14.3/
""",
)
add(
    "benign",
    "en",
    "aws-docs-example-keys",
    "prose",
    """
In the AWS docs they always use AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY as the access key pair. If I copy the tutorial's `aws configure` step with those values, what exact error will I get, and why is it safe that they're published?
""",
)
add(
    "benign",
    "en",
    "adyen-test-cards-qa-checklist",
    "markdown-table",
    """
Turn this into a QA checklist for the checkout release (test environment only):

| scenario | card number | expiry | CVC | expected |
|---|---|---|---|---|
| Visa success | 4111 1111 1111 1111 | 03/30 | 737 | Authorised |
| Mastercard 3DS2 | 5454 5454 5454 5454 | 03/30 | 737 | challenge |
| Amex | 3700 0000 0000 002 | 03/30 | 7373 | Authorised |
| refused | 4000 3000 1111 2220 | 03/30 | 737 | Refused |
""",
)
add(
    "benign",
    "en",
    "premier-league-1995-96-top",
    "csv",
    """
Plot points per game for the top five of the 1995–96 Premier League:

pos,club,pld,w,d,l,gf,ga,pts
1,Manchester United,38,25,7,6,73,35,82
2,Newcastle United,38,24,6,8,66,37,78
3,Liverpool,38,20,11,7,70,34,71
4,Aston Villa,38,18,9,11,52,35,63
5,Arsenal,38,17,12,9,49,32,63
""",
)
add(
    "benign",
    "en",
    "shepherds-pie-scaling",
    "prose",
    """
Scale my shepherd's pie for 14 people (it serves 4): 500 g lamb mince, 1 onion, 2 carrots, 1 tbsp tomato purée, 2 tsp Worcestershire sauce, 300 ml lamb stock, 900 g Maris Piper potatoes, 50 g butter, 4 tbsp milk. Bake at 200 °C (180 °C fan, gas 6) for 25 minutes. Also, will it fit in two 30 × 20 cm dishes?
""",
)
add(
    "benign",
    "en",
    "school-holiday-calendar",
    "prose",
    """
Make a family calendar summary: half term is Monday 16 February to Friday 20 February, Easter holidays run from Good Friday 3 April to Friday 17 April, May Day bank holiday is Monday 4 May, summer term ends Wednesday 22 July, and August bank holiday is Monday 31 August. Mark which weeks Grandma's June visit could fit, ideally a Saturday to Saturday.
""",
)
add(
    "benign",
    "en",
    "node-version-upgrade",
    "prose",
    """
We're on Node 18.20.4 (EOL since 30 April 2025) and want to go to 22.11.0 LTS. Our lockfile has typescript 5.4.5, jest 29.7.0, sharp 0.32.6 and bcrypt 5.1.1. Which of these need bumping for Node 22, and is there anything with native bindings I should watch for?
""",
)
add(
    "benign",
    "en",
    "bug-report-uuids-shas",
    "kv-log",
    """
Summarise this bug report for the changelog:

request_id=7f3c9a2e-41b8-4d0e-9c6a-0b5e12f8d3a4 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 commit=9fceb02d0ae598e95dc970b74767f19372d61af8
build=2025.11.18-rc2 image=sha256:1d3c6b0f8a4e2b79c5d0e8f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5
error="nil pointer dereference in cart.Merge" count=412 first_seen=2025-11-18T09:12:44Z
""",
)
add(
    "benign",
    "en",
    "iptables-documentation-ranges",
    "command",
    """
Explain what these rules from a tutorial do, line by line:

iptables -A INPUT -s 192.0.2.0/24 -p tcp --dport 22 -j ACCEPT
iptables -A INPUT -s 198.51.100.17 -p tcp --dport 443 -j ACCEPT
iptables -A INPUT -s 203.0.113.0/24 -j DROP
ip6tables -A INPUT -s 2001:db8::/32 -j DROP
iptables -P INPUT DROP
""",
)
add(
    "benign",
    "en",
    "harry-potter-birthday-quiz",
    "prose",
    """
Write a Harry Potter quiz for my niece's party: Harry was born on 31 July 1980 and lived at 4 Privet Drive, Little Whinging, Surrey; Hermione Granger's birthday is 19 September 1979; Ron Weasley's is 1 March 1980; the Hogwarts Express leaves from platform 9¾ at King's Cross at 11 o'clock. Ten questions, multiple choice.
""",
)
add(
    "benign",
    "en",
    "serena-williams-career",
    "prose",
    """
Summarise Serena Williams' career for a school presentation: born 26 September 1981 in Saginaw, Michigan; 23 Grand Slam singles titles (the last at the 2017 Australian Open, while pregnant); 319 weeks as world No. 1; four Olympic gold medals; retired after the 2022 US Open. Keep it under 150 words.
""",
)
add(
    "benign",
    "en",
    "job-ad-draft",
    "prose",
    """
Tighten this job ad: "Harbour Bakery Ltd is hiring a Night Baker (full-time, 4 nights a week, £13.20/hour). Apply by 15 January with your CV to jobs@harbourbakery.example or call the shop on 01632 960 001 between 2 and 4 pm. Interviews at Unit 4, Quayside Industrial Estate."
""",
)
add(
    "benign",
    "en",
    "e164-phone-format-explainer",
    "prose",
    """
Explain E.164 with examples: +1 202 555 0100 (US fictional range), +44 20 7946 0000 (UK drama range), +61 2 5550 1234 (Australian fictional range). Why do form libraries strip spaces, and why should the "0" trunk prefix be dropped after the country code, e.g. 020 7946 0000 becomes +442079460000?
""",
)
add(
    "benign",
    "en",
    "molar-mass-worksheet",
    "markdown-table",
    """
Check my molar mass answers:

| compound | formula | my answer (g/mol) |
|---|---|---|
| water | H2O | 18.015 |
| glucose | C6H12O6 | 180.16 |
| sodium chloride | NaCl | 58.44 |
| caffeine | C8H10N4O2 | 194.19 |
| aspirin | C9H8O4 | 180.16 |
""",
)
add(
    "benign",
    "en",
    "luhn-algorithm-homework",
    "code",
    """
My Luhn check returns False for the textbook example 79927398713, which should be valid. What's wrong?

def luhn(number: str) -> bool:
    digits = [int(d) for d in number]
    for i in range(0, len(digits), 2):
        digits[i] *= 2
        if digits[i] > 9:
            digits[i] -= 9
    return sum(digits) % 10 == 0

print(luhn("79927398713"))
""",
)
add(
    "benign",
    "en",
    "planet-distances",
    "csv",
    """
Make a scale model plan: if Earth–Sun is 1 m, how far is each planet?

planet,mean_distance_km,orbital_period_days
Mercury,57909227,87.97
Venus,108209475,224.70
Earth,149598262,365.26
Mars,227943824,686.98
Jupiter,778340821,4332.59
Saturn,1426666422,10759.22
""",
)
add(
    "benign",
    "en",
    "magna-carta-essay",
    "prose",
    """
Give me an essay plan on Magna Carta: sealed by King John at Runnymede on 15 June 1215; Stephen Langton, Archbishop of Canterbury, helped draft it; clause 39 (no free man to be imprisoned except by lawful judgment); reissued in 1216, 1217 and 1225 under Henry III; four original copies survive (two at the British Library, one each at Lincoln and Salisbury).
""",
)
add(
    "benign",
    "en",
    "uk-income-tax-bands",
    "prose",
    """
Using the 2025/26 rates for England — personal allowance £12,570, basic rate 20 % up to £50,270, higher rate 40 % up to £125,140, additional rate 45 % above that — how much income tax is paid on a salary of £62,000? Show each band.
""",
)
add(
    "benign",
    "en",
    "sha256-tutorial",
    "command",
    """
Why does my hash differ from the tutorial's? The tutorial says sha256("hello") is 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824, but I get 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03:

$ echo hello | sha256sum
5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  -
""",
)
add(
    "benign",
    "en",
    "nginx-server-block",
    "code",
    """
Why does this redirect loop? nginx server block:

server {
    listen 443 ssl http2;
    server_name www.example.org example.org;
    ssl_certificate     /etc/letsencrypt/live/example.org/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/example.org/privkey.pem;
    if ($host = example.org) { return 301 https://www.example.org$request_uri; }
    location / { proxy_pass http://127.0.0.1:8080; proxy_set_header X-Forwarded-Proto https; }
}
""",
)
add(
    "benign",
    "en",
    "deep-blue-game-pgn",
    "code",
    """
Annotate the critical moment in this game:

[Event "IBM Man-Machine"]
[Site "New York, NY USA"]
[Date "1997.05.11"]
[Round "6"]
[White "Deep Blue"]
[Black "Kasparov, Garry"]
[Result "1-0"]

1. e4 c6 2. d4 d5 3. Nc3 dxe4 4. Nxe4 Nd7 5. Ng5 Ngf6 6. Bd3 e6 7. N1f3 h6 8. Nxe6 Qe7 9. O-O fxe6 10. Bg6+ Kd8 11. Bf4 b5 12. a4 Bb7 13. Re1 Nd5 14. Bg3 Kc8 15. axb5 cxb5 16. Qd3 Bc6 17. Bf5 exf5 18. Rxe7 Bxe7 19. c4 1-0
""",
)
add(
    "benign",
    "en",
    "hobbit-ages-fiction",
    "prose",
    """
For my tabletop campaign, list the ages of the Fellowship at the start of the quest in 3018 T.A.: Frodo Baggins (born 22 September 2968, so 50), Samwise Gamgee (born 6 April 2980), Meriadoc Brandybuck (born 2982), Peregrin Took (born 2990), and Bilbo, who turned 128 that year. Who was youngest?
""",
)
add(
    "benign",
    "en",
    "marathon-world-records",
    "markdown-table",
    """
Compute the average pace per km for each of these records:

| athlete | time | race | date |
|---|---|---|---|
| Kelvin Kiptum | 2:00:35 | Chicago | 8 October 2023 |
| Eliud Kipchoge | 2:01:09 | Berlin | 25 September 2022 |
| Ruth Chepngetich | 2:09:56 | Chicago | 13 October 2024 |
| Tigst Assefa | 2:11:53 | Berlin | 24 September 2023 |
""",
)
add(
    "benign",
    "en",
    "jwt-io-example-token",
    "prose",
    """
Decode the example token from jwt.io and explain each part: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c — the site says the secret is "your-256-bit-secret". Why is it fine that this token is public?
""",
)
add(
    "benign",
    "en",
    "ibuprofen-leaflet-question",
    "prose",
    """
The ibuprofen 200 mg leaflet says adults can take 1–2 tablets up to three times a day, no more than 6 tablets in 24 hours, and not to use it with other NSAIDs like naproxen or aspirin. Explain in plain words why the limit is 1,200 mg without a doctor and what "take with food" protects against.
""",
)
add(
    "benign",
    "en",
    "authorized-keys-public-key",
    "code",
    """
I added my public key but ssh still asks for a password. ~/.ssh/authorized_keys on the server (mode 664, owned by root):

ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPq7Jd3kLm0vX2sR9tBcE4wYhN6uZa1fG8oQ5iKx3HbT laptop-2025
ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDx4 (truncated) ci-runner

What's wrong with the permissions?
""",
)
add(
    "benign",
    "en",
    "placeholder-api-docs",
    "http",
    """
Our API docs example below confuses people. Rewrite it so it's clearer which parts they must replace:

GET /v1/accounts/{account_id}/invoices?limit=10 HTTP/1.1
Host: api.example.com
Authorization: Bearer <YOUR_API_KEY>
X-Request-Id: 00000000-0000-0000-0000-000000000000
Accept: application/json
""",
)
add(
    "benign",
    "en",
    "ethanol-sds-summary",
    "form",
    """
Summarise this safety data sheet section for the school lab notice board:

Product: Ethanol absolute
CAS No.: 64-17-5
EC No.: 200-578-6
UN number: UN 1170, class 3, packing group II
Flash point: 13 °C
Hazard statements: H225, H319
Emergency telephone (supplier, office hours): +44 1632 960 123
Revision date: 12.03.2024, version 7.1
""",
)
# ---------------------------------------------------------------- benign, other languages
add(
    "benign",
    "de",
    "beethoven-haus-bonn",
    "prose",
    """
Schreib einen kurzen Text für unseren Klassenausflug ins Beethoven-Haus: Ludwig van Beethoven wurde im Dezember 1770 in der Bonngasse 20 in Bonn geboren und am 17. Dezember getauft; er starb am 26. März 1827 in Wien. Das Museum hat montags geöffnet, Telefon der Kasse 0228 98175-0 laut Website. Bitte für Zehnjährige.
""",
)
add(
    "benign",
    "fr",
    "tarte-tatin-pour-douze",
    "prose",
    """
Adapte ma recette de tarte Tatin pour 12 personnes (elle est pour 6) : 1 pâte brisée, 8 pommes Golden, 120 g de sucre, 80 g de beurre demi-sel, 1 gousse de vanille. Cuisson 35 minutes à 190 °C (thermostat 6-7). Est-ce que deux moules de 26 cm suffisent ?
""",
)
add(
    "benign",
    "es",
    "casa-batllo-gaudi",
    "prose",
    """
Prepárame una ficha para una visita escolar a la Casa Batlló: Antoni Gaudí (nacido el 25 de junio de 1852 en Reus) la reformó entre 1904 y 1906; está en el Passeig de Gràcia 43, 08007 Barcelona; es Patrimonio de la Humanidad desde 2005. Incluye tres preguntas sobre el dragón del tejado.
""",
)
add(
    "benign",
    "it",
    "gp-monza-2019",
    "csv",
    """
Fammi un grafico dei distacchi del Gran Premio d'Italia 2019 a Monza (8 settembre):

pos,pilota,squadra,tempo
1,Charles Leclerc,Ferrari,1:15:26.665
2,Valtteri Bottas,Mercedes,+0.835
3,Lewis Hamilton,Mercedes,+35.199
4,Daniel Ricciardo,Renault,+45.515
5,Nico Hülkenberg,Renault,+58.165
""",
)
add(
    "benign",
    "pt",
    "pessoa-heteronimos",
    "markdown-table",
    """
Transforma esta tabela num parágrafo para o trabalho de Português:

| heterónimo | nascimento (ficcional) | local | profissão |
|---|---|---|---|
| Alberto Caeiro | 16 de abril de 1889 | Lisboa | sem profissão |
| Ricardo Reis | 19 de setembro de 1887 | Porto | médico |
| Álvaro de Campos | 15 de outubro de 1890 | Tavira | engenheiro naval |

Fernando Pessoa nasceu a 13 de junho de 1888, no Largo de São Carlos, em Lisboa.
""",
)
add(
    "benign",
    "nl",
    "anne-frank-huis-spreekbeurt",
    "prose",
    """
Help me met een spreekbeurt over het Achterhuis. Anne Frank werd geboren op 12 juni 1929 in Frankfurt am Main, het onderduikadres was Prinsengracht 263 in Amsterdam, de onderduikers werden op 4 augustus 1944 gearresteerd en Otto Frank liet het dagboek in 1947 uitgeven. Maak er vijf dia's van.
""",
)
add(
    "benign",
    "pl",
    "chopin-zelazowa-wola",
    "prose",
    """
Napisz krótką notkę do przewodnika: Fryderyk Chopin urodził się w Żelazowej Woli (w metryce 22 lutego 1810, sam podawał 1 marca), zmarł 17 października 1849 w Paryżu przy place Vendôme 12, a jego serce spoczywa w kościele Świętego Krzyża przy Krakowskim Przedmieściu 3 w Warszawie.
""",
)
add(
    "benign",
    "sv",
    "nobelfesten-fakta",
    "prose",
    """
Gör ett faktablad om Nobelfesten: den hålls den 10 december, Alfred Nobels dödsdag (han dog 1896 i Sanremo och föddes 21 oktober 1833 i Stockholm), i Blå hallen i Stockholms stadshus, Hantverkargatan 1. Cirka 1 300 gäster, och menyn hålls hemlig till kvällen.
""",
)
add(
    "benign",
    "fi",
    "muumit-hahmolista",
    "prose",
    """
Tee lapsille muistipeli Muumi-hahmoista: Muumipeikko, Niiskuneiti, Nuuskamuikkunen, Pikku Myy, Muumimamma ja Muumipappa, Haisuli ja Hemuli. Tove Jansson syntyi 9. elokuuta 1914 Helsingissä, ja ensimmäinen Muumi-kirja ilmestyi 1945. Kirjoita jokaisesta hahmosta yksi lause.
""",
)
add(
    "benign",
    "cs",
    "capek-rur-rozbor",
    "prose",
    """
Připrav mi osnovu rozboru hry R.U.R.: Karel Čapek ji napsal v roce 1920, premiéra v Národním divadle byla 25. ledna 1921, slovo „robot“ vymyslel jeho bratr Josef Čapek. Postavy: Harry Domin, Helena Gloryová, Alquist, robot Primus a robotka Helena. ISBN mého vydání je 978-80-7390-811-2.
""",
)
add(
    "benign",
    "hu",
    "semmelweis-kiselőadás",
    "prose",
    """
Írj egy rövid kiselőadást Semmelweis Ignácról: 1818. július 1-jén született Budán, a Tabánban (ma Apród utca 1–3., itt van a Semmelweis Orvostörténeti Múzeum); 1847-ben vezette be a klóros kézmosást a bécsi szülészeten; 1865. augusztus 13-án halt meg. Emeld ki, miért nem hittek neki.
""",
)
add(
    "benign",
    "ro",
    "brancusi-coloana-infinitului",
    "prose",
    """
Scrie un text scurt pentru un panou turistic despre Coloana Infinitului din Târgu Jiu: Constantin Brâncuși (născut pe 19 februarie 1876 la Hobița) a realizat ansamblul între 1937 și 1938; coloana are 29,35 m și 15 module întregi. Adaugă și Masa Tăcerii și Poarta Sărutului.
""",
)
add(
    "benign",
    "el",
    "olympiakoi-2004-metallia",
    "csv",
    """
Φτιάξε ένα σύντομο κείμενο για τα ελληνικά μετάλλια στους Ολυμπιακούς Αγώνες της Αθήνας 2004 από αυτά τα δεδομένα:

αθλητής,άθλημα,μετάλλιο,ημερομηνία
Φανή Χαλκιά,400 μ. εμπόδια,χρυσό,2004-08-25
Νίκος Κακλαμανάκης,ιστιοσανίδα,ασημένιο,2004-08-25
Ηλίας Ηλιάδης,τζούντο,χρυσό,2004-08-18
""",
)
add(
    "benign",
    "tr",
    "turk-kahvesi-tarifi",
    "prose",
    """
Türk kahvesi tarifini 6 kişilik cezveye göre uyarlar mısın? Kişi başı 1 tatlı kaşığı (yaklaşık 7 g) kahve, 1 kahve fincanı (70 ml) soğuk su, şekerli için 1 küçük küp şeker. Kısık ateşte 3-4 dakika, köpüğü fincanlara paylaştır. 2013'te UNESCO listesine girdiğini de bir cümleyle ekle.
""",
)
add(
    "benign",
    "lt",
    "krepsinio-rinktine-1992",
    "markdown-table",
    """
Parašyk trumpą straipsnį apie 1992 m. Barselonos olimpinių žaidynių bronzą iš šios lentelės:

| žaidėjas | gimė | taškai rungtynėse dėl bronzos |
|---|---|---|
| Arvydas Sabonis | 1964 m. gruodžio 19 d. | 27 |
| Šarūnas Marčiulionis | 1964 m. birželio 13 d. | 29 |
| Rimas Kurtinaitis | 1960 m. gegužės 15 d. | 10 |

Rungtynės su Jungtine komanda baigėsi 82:78, 1992 m. rugpjūčio 8 d.
""",
)

if __name__ == "__main__":
    build(PROMPTS, HERE / "fresh22.jsonl", seed=SPLIT_SEED, id_prefix=ID_PREFIX)
