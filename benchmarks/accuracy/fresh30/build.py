#!/usr/bin/env python3
"""Build the 'fresh30' privacy-filter evaluation corpus (thirtieth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax of ``_corpus_tools.py``

    ⟦TYPE:value⟧           e.g. ⟦P:Jan Novák⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@CZ:…⟧   (CC = ISO alpha-2)

Values that must look machine-made (national ids with check digits, IBANs,
cards, provider tokens, private keys, JWTs) are written as generator slots
``⁅kind|arg|…⁆`` inside the markers and filled at build time from one
``random.Random(3030)``, in the order the slots appear in this file:

    ⁅id|CC|template⁆      national id: ``#`` random digit, ``?`` check character
                          searched until python-stdnum accepts it; dates of
                          birth are written literally into the template
    ⁅ua|YYYY-MM-DD|m/f⁆   Ukrainian RNTRC (first five digits = days since 1899-12-31)
    ⁅iban|CC|bban⁆        IBAN: ``#`` digit, ``A`` capital letter, rest literal
    ⁅card|prefix|layout⁆  Luhn-completed card number (``x`` = digit)
    ⁅r|alphabet|n⁆        n random characters (see ALPHABETS)
    ⁅b64|n⁆ / ⁅b64u|n⁆    n random bytes, base64 / base64url without padding
    ⁅jwt|alg|payload⁆     JWT-shaped token with a random signature
    ⁅rsa|bits|fmt⁆ ⁅ec|fmt⁆ ⁅ed|openssh|comment⁆ ⁅wg⁆ ⁅uuid⁆

Modifiers at the end of a slot: ``esc`` (newlines as literal ``\\n``), ``indN``
(indent continuation lines by N spaces), ``@name`` (draw once, repeat with
``⁅@name⁆`` later in the same prompt).  Names, e-mails, phones, addresses,
dates and hand-typed passwords are literals, all invented.

``_corpus_tools`` does the parsing, checks, dev/test split (seed 3030) and the
statistics; ids are ``e-0001`` ….  Languages the shared module does not list
are added to its tables at run time (the shared file is not edited).

Run:  python3 build.py [--stats]   (needs python-stdnum, phonenumbers, cryptography)
"""

import base64
import datetime
import importlib
import itertools
import json
import random
import re
import string
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import _corpus_tools as ct  # noqa: E402

SEED = 3030
SPLIT_SEED = 3030
ID_PREFIX = "e"

_NEW_LANGS = {
    # language: phone regions for numbers written without +CC
    "ja": ("JP",),
    "ko": ("KR",),
    "zh": ("CN", "TW", "HK"),
    "ar": ("AE", "SA", "EG", "JO", "MA", "QA", "OM", "KW", "BH"),
    "he": ("IL",),
    "id": ("ID",),
    "vi": ("VN",),
    "th": ("TH",),
    "hi": ("IN",),
    "fa": ("IR",),
    "ms": ("MY",),
    "bn": ("BD", "IN"),
    "ta": ("IN", "LK"),
    "sw": ("KE", "TZ", "UG"),
    "tl": ("PH",),
    "ur": ("PK",),
    "sr": ("RS", "BA", "ME"),
    "ka": ("GE",),
    "hy": ("AM",),
    "mn": ("MN",),
    "eu": ("ES", "FR"),
    "gl": ("ES",),
    "cy": ("GB",),
    "ga": ("IE",),
    "mt": ("MT",),
    "sq": ("AL", "XK"),
    "az": ("AZ",),
    "kk": ("KZ",),
    "ne": ("NP",),
    # new in fresh30 (not in the README excerpts of earlier corpora)
    "af": ("ZA", "NA"),
    "fy": ("NL",),
    "mi": ("NZ",),
    "yo": ("NG",),
    "be": ("BY",),
    "ht": ("HT",),
    "zu": ("ZA",),
    "ha": ("NG", "NE"),
    "so": ("SO",),
    "rw": ("RW",),
    "mg": ("MG",),
    "qu": ("PE", "BO"),
    "gn": ("PY",),
    "sm": ("WS",),
    "to": ("TO",),
    "br": ("FR",),
    "rm": ("CH",),
    "fo": ("FO",),
    "mk": ("MK",),
}
ct.LANGS.update(_NEW_LANGS)
ct.LANG_REGIONS.update(_NEW_LANGS)
ct.LANG_REGIONS["en"] = (*ct.LANG_REGIONS["en"], "SG", "PH", "NG", "KE", "MT", "JM", "PK", "DO")

RNG = random.Random(SEED)
ALPHABETS = {
    "A": string.ascii_letters + string.digits,
    "U": string.ascii_uppercase + string.digits,
    "L": string.ascii_lowercase + string.digits,
    "H": "0123456789abcdef",
    "HU": "0123456789ABCDEF",
    "D": string.digits,
    "B": string.ascii_letters + string.digits + "_-",
    "S": string.ascii_letters + string.digits + "/+",
    "A2": string.ascii_uppercase + "234567",
    "UL": string.ascii_uppercase,
    "LL": string.ascii_lowercase,
}
CHECK_CHARS = string.digits + string.ascii_uppercase


def _mods(cc):
    mods = ct.ID_VALIDATORS[cc]
    mods = mods if isinstance(mods, tuple) else (mods,)
    return [importlib.import_module(m) for m in mods]


def _id(cc, tpl):
    mods = _mods(cc)
    q = [i for i, ch in enumerate(tpl) if ch == "?"]
    for _ in range(5000):
        base = [RNG.choice(string.digits) if ch == "#" else ch for ch in tpl]
        for combo in itertools.product(CHECK_CHARS, repeat=len(q)):
            for i, c in zip(q, combo, strict=True):
                base[i] = c
            v = "".join(base)
            if any(m.is_valid(v) for m in mods):
                return v
    raise ValueError(f"no valid id for {cc} {tpl}")


def _ua(dob, sex):
    from stdnum.ua import rntrc

    days = (datetime.date.fromisoformat(dob) - datetime.date(1899, 12, 31)).days
    for _ in range(5000):
        mid = "".join(RNG.choice(string.digits) for _ in range(3))
        s = RNG.choice("13579" if sex == "m" else "02468")
        for c in string.digits:
            v = f"{days:05d}{mid}{s}{c}"
            if rntrc.is_valid(v):
                return v
    raise ValueError("no RNTRC")


def _iban(cc, bban_tpl):
    from stdnum import iban

    for _ in range(20000):
        bban = "".join(
            RNG.choice(string.digits)
            if ch == "#"
            else RNG.choice(string.ascii_uppercase)
            if ch == "A"
            else ch
            for ch in bban_tpl
        )
        compact = bban.replace(" ", "")
        full = cc + iban.calc_check_digits(cc + "00" + compact) + compact
        if iban.is_valid(full):
            if " " in bban_tpl:
                return " ".join(full[i : i + 4] for i in range(0, len(full), 4))
            return full
    raise ValueError(f"no valid IBAN for {cc}")


def _card(prefix, layout):
    n = layout.count("x")
    digits = prefix + "".join(RNG.choice(string.digits) for _ in range(n - len(prefix) - 1))
    for last in string.digits:
        if ct._luhn(digits + last):
            digits += last
            break
    it = iter(digits)
    return "".join(next(it) if ch == "x" else ch for ch in layout)


def _rand(alpha, n):
    return "".join(RNG.choice(ALPHABETS[alpha]) for _ in range(int(n)))


def _bytes(n):
    return bytes(RNG.getrandbits(8) for _ in range(int(n)))


def _b64u(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def _jwt(alg, payload):
    head = _b64u(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64u(payload.encode())
    sig = _b64u(_bytes(32 if alg.startswith("HS") else 256))
    return f"{head}.{body}.{sig}"


def _probable_prime(n):
    if n < 4:
        return n in (2, 3)
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(20):
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
        c = RNG.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if _probable_prime(c):
            return c


def _pem(key, fmt):
    from cryptography.hazmat.primitives import serialization as ser

    f = {
        "pkcs1": ser.PrivateFormat.TraditionalOpenSSL,
        "sec1": ser.PrivateFormat.TraditionalOpenSSL,
        "pkcs8": ser.PrivateFormat.PKCS8,
    }[fmt]
    return key.private_bytes(ser.Encoding.PEM, f, ser.NoEncryption()).decode().strip()


def _rsa(bits, fmt):
    from cryptography.hazmat.primitives.asymmetric import rsa

    e = 65537
    while True:
        p, q = _prime(int(bits) // 2), _prime(int(bits) // 2)
        if p != q and (p - 1) % e and (q - 1) % e:
            break
    d = pow(e, -1, (p - 1) * (q - 1))
    nums = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, p * q)
    )
    return _pem(nums.private_key(), fmt)


def _ec(fmt):
    from cryptography.hazmat.primitives.asymmetric import ec

    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    return _pem(ec.derive_private_key(RNG.randrange(1, order), ec.SECP256R1()), fmt)


def _ed(fmt, comment=""):
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric import ed25519

    seed = _bytes(32)
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    if fmt == "pkcs8":
        return _pem(key, "pkcs8")
    pk = key.public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)

    def s(b):
        return struct.pack(">I", len(b)) + b

    check = RNG.getrandbits(32)
    pub = s(b"ssh-ed25519") + s(pk)
    priv = struct.pack(">II", check, check) + pub + s(seed + pk) + s(comment.encode())
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    blob = b"openssh-key-v1\0" + s(b"none") + s(b"none") + s(b"") + struct.pack(">I", 1) + s(pub) + s(priv)
    b64 = base64.b64encode(blob).decode()
    lines = [b64[i : i + 70] for i in range(0, len(b64), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----"


def _uuid():
    b = bytearray(_bytes(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _draw(kind, args):
    if kind == "id":
        return _id(args[0], args[1])
    if kind == "ua":
        return _ua(args[0], args[1])
    if kind == "iban":
        return _iban(args[0], args[1])
    if kind == "card":
        return _card(args[0], args[1])
    if kind == "r":
        return _rand(args[0], args[1])
    if kind == "b64":
        return base64.b64encode(_bytes(args[0])).decode()
    if kind == "b64u":
        return _b64u(_bytes(args[0]))
    if kind == "jwt":
        return _jwt(args[0], args[1])
    if kind == "rsa":
        return _rsa(args[0], args[1])
    if kind == "ec":
        return _ec(args[0])
    if kind == "ed":
        return _ed(args[0], args[1] if len(args) > 1 else "")
    if kind == "wg":
        return base64.b64encode(_bytes(32)).decode()
    if kind == "uuid":
        return _uuid()
    raise ValueError(f"unknown slot kind {kind!r}")


SLOT = re.compile(r"⁅([^⁅⁆]*)⁆")


def fill(raw):
    """Replace every generator slot in one prompt, in order."""
    named = {}

    def one(m):
        parts = m.group(1).split("|")
        name = parts.pop()[1:] if parts[-1].startswith("@") else None
        if name and not parts:
            return named[name]
        mods = []
        while parts and (parts[-1] == "esc" or re.fullmatch(r"ind\d+", parts[-1])):
            mods.insert(0, parts.pop())
        v = _draw(parts[0], parts[1:])
        for mod in mods:
            v = v.replace("\n", "\\n") if mod == "esc" else v.replace("\n", "\n" + " " * int(mod[3:]))
        if name:
            named[name] = v
        return v

    out = SLOT.sub(one, raw)
    assert "⁅" not in out and "⁆" not in out, "generator slot left in text"
    return out


PROMPTS = []


def add(group, lang, domain, fmt, text):
    ct.add_prompt(PROMPTS, group, lang, domain, fmt, fill(text))


# ===========================================================================
# pii — English
# ===========================================================================
add(
    "pii",
    "en",
    "community-theatre-cast-sheet",
    "json",
    """
Our community theatre's audition form exports JSON like this. Can you turn it into a call sheet for the "Oliver!" rehearsals (first names only, grouped adults / under-16s), with a column that flags anything the stage manager should know?

[
  {"cast_id": "OL-031", "name": "⟦P:Marisol Quintanilla⟧", "role": "Widow Corney", "email": "⟦E:marisol.q.family@gmail.com⟧", "cell": "⟦T:(520) 318-4476⟧", "portal_user": "⟦U:mquintanilla_az⟧", "notes": "", "submitted_ip": "⟦IP:98.167.212.40⟧"},
  {"cast_id": "OL-032", "name": "⟦P:Mateo Quintanilla⟧", "role": "Workhouse boy", "dob": "⟦DOB:2014-03-22⟧", "guardian": "⟦P:Marisol Quintanilla⟧", "notes": "⟦MC:tree nut allergy⟧, carries ⟦MED:EpiPen⟧"},
  {"cast_id": "OL-040", "name": "⟦P:Tamsin Whitfield⟧", "role": "Nancy", "email": "⟦E:tamsin.whitfield@protonmail.com⟧", "cell": "⟦T:(520) 907-2215⟧", "notes": "⟦MC:celiac disease⟧ - no shared snacks", "submitted_ip": "⟦IP:68.228.51.193⟧"},
  {"cast_id": "OL-041", "name": "⟦P:Ezra Whitfield⟧", "role": "The Artful Dodger", "dob": "⟦DOB:2013-11-30⟧", "guardian": "⟦P:Tamsin Whitfield⟧", "notes": ""}
]
""",
)

add(
    "pii",
    "en",
    "foreign-births-register-prep",
    "prose",
    """
I'm applying for Irish citizenship through my grandfather via the Foreign Births Register. Based on my notes below, can you make me a checklist of which documents need to be originals or certified copies, and who can witness the form?

- Me: ⟦P:Kathleen Brannigan-Suarez⟧, born ⟦DOB:14 February 1991⟧ in Worcester, MA. US passport ⟦PASS:583920174⟧. Living at ⟦A:41 Ashland St, Apt 2, Worcester, MA 01609⟧, cell ⟦T:508-443-2918⟧, ⟦E:kbsuarez91@outlook.com⟧.
- My mother: ⟦P:Maureen Suarez⟧ (née ⟦P:Brannigan⟧), born ⟦DOB:3 June 1962⟧ in Boston. She worked in Galway 1984-86 and still has her old PPS number, ⟦ID@IE:⁅id|IE|#######?⁆⟧, if that helps.
- My grandfather: ⟦P:Patrick Joseph Brannigan⟧, born ⟦DOB:9 November 1931⟧ in Belmullet, Co. Mayo, died 2004 in Quincy. I only have his baptismal certificate, not a civil birth cert.
""",
)

add(
    "pii",
    "en",
    "free-tax-clinic-intake",
    "form",
    """
I volunteer at a free tax clinic. Can you turn this intake sheet into a short checklist of which slips and receipts we still need before we can file?

FREE TAX CLINIC - INTAKE (2024 tax year)
Client: ⟦P:Jerome Fitzpatrick⟧
SIN: ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧
Date of birth: ⟦DOB:1968-05-14⟧
Address: ⟦A:17 Harbour Road, Port au Choix, NL A0K 4C0⟧
Phone: ⟦T:709-861-3327⟧
Marital status: common-law since 2016, partner ⟦P:Darlene Keeping⟧, SIN ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧, DOB ⟦DOB:1971-10-02⟧
Income: seasonal crab plant (T4), EI benefits (T4E), boat rental to tourists (no slip)
Dependant: ⟦P:Kayla Fitzpatrick⟧, DOB ⟦DOB:2008-07-19⟧, full-time student
Medical expenses: ⟦P:Darlene⟧'s ⟦MED:Humira⟧ for her ⟦MC:Crohn's disease⟧, receipts from the pharmacy in St. Anthony
""",
)

add(
    "pii",
    "en",
    "shearing-crew-contractor-sheet",
    "csv",
    """
Shed starts Monday at the station near Hay. Before I send this crew sheet to the accountant, check it for missing or badly formatted fields (TFN should be 9 digits, mobiles 10):

name,role,tfn,bank_bsb_acct,mobile,super_fund,super_member_no,emergency_contact,emergency_phone
⟦P:Tane Rangihuna⟧,shearer,⟦ID@AU:⁅id|AU|### ### ##?⁆⟧,⟦ACC:062-692 1038 4412⟧,⟦T:0412 938 551⟧,AustralianSuper,⟦ACC:88104527⟧,⟦P:Aroha Rangihuna⟧,⟦T:0427 316 802⟧
⟦P:Sione Fifita⟧,shearer,⟦ID@AU:⁅id|AU|### ### ##?⁆⟧,⟦ACC:633-000 145 882 019⟧,⟦T:0438 770 214⟧,Hostplus,⟦ACC:4471 9920 36⟧,⟦P:Mele Fifita⟧,⟦T:0401 665 309⟧
⟦P:Kerry-Anne McPhee⟧,wool classer,⟦ID@AU:⁅id|AU|### ### ##?⁆⟧,⟦ACC:082-991 53 477 1209⟧,⟦T:0458 102 476⟧,Rest,⟦ACC:17 338 240⟧,⟦P:Doug McPhee⟧,⟦T:0419 884 027⟧
⟦P:Lachlan Dempsey⟧,rouseabout,,,⟦T:0490 316 558⟧,,,,
""",
)

add(
    "pii",
    "en",
    "kabaddi-u19-registration",
    "form",
    """
Please check if this boy is eligible for the Under-19 category (cut-off date 1 January 2026) and draft a short covering note to the district association.

PUNE DISTRICT KABADDI ASSOCIATION - PLAYER REGISTRATION
Player name: ⟦P:Omkar Sanjay Jadhav⟧
Date of birth: ⟦DOB:07/08/2007⟧
Aadhaar no.: ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧
Father's name: ⟦P:Sanjay Dattatray Jadhav⟧
Mobile: ⟦T:98220 41763⟧
Address: ⟦A:Flat 12, Shivneri Apartments, Sinhagad Road, Pune 411041⟧
Blood group: B+
Medical history: ⟦MC:exercise-induced asthma⟧, carries ⟦MED:Asthalin⟧ inhaler
Club: Shivshakti Krida Mandal
""",
)

add(
    "pii",
    "en",
    "mobile-home-lot-lease-transfer",
    "form",
    """
My mom is handing her lot lease at the mobile home park over to my brother. The park office wants this typed up as a formal transfer request letter, can you do that?

Current resident: ⟦P:Gloria Estrada Benavides⟧, DOB ⟦DOB:11/02/1954⟧, SSN ⟦ID@US:⁅id|US|###-##-####⁆⟧
New lessee: ⟦P:Ruben Benavides⟧, DOB ⟦DOB:05/19/1979⟧, SSN ⟦ID@US:⁅id|US|###-##-####⁆⟧, Arizona driver license ⟦DL:D08413372⟧
Home: 1998 Palm Harbor single-wide at ⟦A:2650 W Camino del Sol, Lot 47, Tucson, AZ 85745⟧
⟦P:Ruben⟧'s phone ⟦T:(520) 904-6617⟧, e-mail ⟦E:ruben.benavides79@yahoo.com⟧
Reason: Mom moved into assisted living in March because of her ⟦MC:Parkinson's⟧.
""",
)

add(
    "pii",
    "en",
    "phlebotomy-home-visit-request",
    "prose",
    """
Can you make this shorter and clearer before I send it to the district nurses?

Dear District Nursing Team,
I am writing to ask whether my father, Mr ⟦P:Winston Ferdinand Baptiste⟧ (DOB ⟦DOB:23/07/1938⟧, NHS number ⟦ID@GB:⁅id|GB|### ### ###?⁆⟧, hospital number ⟦MRN:RBK7712045⟧), could have his blood tests done at home. Since his ⟦MC:stroke⟧ in May he has been housebound. He has ⟦MC:atrial fibrillation⟧ and is on ⟦MED:warfarin⟧, so he needs his INR checked every two weeks; he also takes ⟦MED:bisoprolol⟧.
His address is ⟦A:Flat 3, Coleridge Court, 18 Lansdowne Road, Croydon CR0 2BX⟧. The key safe is by the front door; please ring me first.
Mr ⟦P:Baptiste⟧ is hard of hearing, so please call me, his daughter, ⟦P:Marcia Baptiste-Cole⟧, on ⟦T:07834 516209⟧.
Kind regards,
⟦P:Marcia⟧
""",
)

add(
    "pii",
    "en",
    "condo-renovation-worker-permit",
    "markdown-table",
    """
The condo management office needs the list of contractor workers for our renovation permit. Please reformat this into the table they want (Name | Passport | Mobile | Trade) and write a two-line cover message from me.

Unit owner: ⟦P:Tan Wei Ming⟧, ⟦A:21 Siglap Plain, #06-02, Singapore 456041⟧, HP ⟦T:9123 4870⟧, ⟦E:tanweiming.sg@gmail.com⟧

| worker | passport | HP | trade |
|---|---|---|---|
| ⟦P:Md Rahim Uddin⟧ | ⟦PASS:BX0823941⟧ | ⟦T:8412 3307⟧ | tiling |
| ⟦P:Karthikeyan s/o Murugan⟧ | ⟦PASS:T4410872⟧ | ⟦T:8236 9154⟧ | electrical |
| ⟦P:Zhou Jianhua⟧ | ⟦PASS:EH3917265⟧ | ⟦T:9075 6612⟧ | carpentry |

Works: 3 Nov to 28 Nov, 9am-5pm weekdays only.
""",
)

add(
    "pii",
    "en",
    "travel-claim-dengue-case-log",
    "kv-log",
    """
Summarise this claim log for the family in plain language, no jargon:

claim=TRV-MED-20250812-19 insured="⟦P:Ayesha Raman-Holt⟧" dob=⟦DOB:1987-09-02⟧ passport=US ⟦PASS:671204583⟧ policy=⟦ACC:TRV-88-4417302⟧
12 Aug 21:10 WITA call from travel companion ⟦P:Jonah Feld⟧ (⟦T:+1 415 592 7713⟧): insured feverish for 3 days in Ubud, rash, vomiting
12 Aug 23:40 admitted BIMC Hospital Kuta, patient id ⟦MRN:BK-2025-44817⟧, NS1 positive, ⟦MC:dengue fever⟧, platelets 62,000
13 Aug 08:15 IV fluids, ⟦MED:paracetamol⟧ only; NSAIDs stopped (she had been taking ⟦MED:ibuprofen⟧)
13 Aug 09:00 guarantee of payment sent; deposit IDR 15,000,000 taken on card ⟦CC:⁅card|4|xxxx xxxx xxxx xxxx⁆⟧, to be reimbursed
15 Aug 16:00 platelets recovering; ⟦P:Ayesha⟧ to be discharged 16 Aug, flight home rebooked; ⟦P:Jonah⟧ informed
""",
)

add(
    "pii",
    "en",
    "menopause-workplace-adjustments",
    "prose",
    """
Can you help me turn these notes into a formal workplace adjustments request to HR? Friendly but firm.

- Me: ⟦P:Bernadette Kowalczyk-Reid⟧, employee no. ⟦ACC:E-40917⟧, claims team, 2nd floor
- Line manager: ⟦P:Gareth Pryce⟧
- I'm 51 and ⟦MC:perimenopausal⟧; the symptoms are making long morning meetings really hard
- GP has started me on ⟦MED:Evorel⟧ patches and ⟦MED:Utrogestan⟧; I also get ⟦MC:migraines⟧ and take ⟦MED:sumatriptan⟧ when one starts
- Asking for: a desk fan, a seat by the window, the 8:00 stand-up moved to 9:30, and two WFH days during bad weeks
- ⟦P:Gareth⟧ has been supportive in our 1:1s but I want it on record
""",
)

add(
    "pii",
    "en",
    "baseball-academy-prospect-profile",
    "form",
    """
Turn this into a one-paragraph scouting summary in English for the club's international office (signing period opens January 15):

Prospect: ⟦P:Yeison Alcántara Peguero⟧
Born: ⟦DOB:03/04/2009⟧, San Pedro de Macorís
Father: ⟦P:Félix Alcántara⟧, cédula ⟦ID@DO:⁅id|DO|###-#######-?⁆⟧
Trainer: ⟦P:Ramón Peguero⟧ ("⟦P:Moncho⟧"), ⟦T:+1 809 526 3318⟧
Prospect WhatsApp: ⟦T:+1 829 744 0192⟧
Position: SS / RHP, 6'2", 175 lb
Tools: FB 91-93 mph, 60-yard 6.7, above-average arm
Notes: ⟦P:Yeison⟧ had ⟦MC:a stress fracture in the left foot⟧ in 2024, fully healed.
""",
)

add(
    "pii",
    "en",
    "cricket-academy-admission",
    "form",
    """
Please make a short WhatsApp-friendly summary of this admission form for the head coach:

CLIFTON CRICKET ACADEMY - ADMISSION FORM (U-14)
Student name: ⟦P:Hamza Siddiqui⟧
Date of birth: ⟦DOB:21-11-2011⟧
Guardian: ⟦P:Nadia Siddiqui⟧ (mother)
Guardian CNIC: ⟦ID@PK:⁅id|PK|42101-#######-2⁆⟧
Mobile: ⟦T:+92 321 2284619⟧
Address: ⟦A:House B-17, Block 5, Gulshan-e-Iqbal, Karachi⟧
Medical: ⟦MC:type 1 diabetes⟧, on ⟦MED:insulin⟧ pump; needs a snack break every 90 minutes
Batting: right-hand, Bowling: leg-spin
""",
)

# ===========================================================================
# pii — other languages
# ===========================================================================
add(
    "pii",
    "de",
    "uebungsleiter-freibetrag-erklaerung",
    "form",
    """
Kannst du mir aus diesen Angaben eine saubere Erklärung zum Übungsleiterfreibetrag (§ 3 Nr. 26 EStG) für unseren Tischtennisverein formulieren? Bitte mit Unterschriftszeile.

Übungsleiter: ⟦P:Timo Weißenfels⟧
geb.: ⟦DOB:17.08.1996⟧
Anschrift: ⟦A:Gartenstraße 9a, 74072 Heilbronn⟧
Steuer-ID: ⟦ID@DE:⁅id|DE|## ### ### ##?⁆⟧
IBAN für die Aufwandsentschädigung: ⟦IBAN:⁅iban|DE|#### #### #### #### ##⁆⟧
Telefon: ⟦T:0176 48213390⟧
Tätigkeit: Jugendtrainer, 6 Std./Woche, 200 € monatlich
⟦P:Timo⟧ bestätigt, dass er den Freibetrag bei keinem anderen Verein in Anspruch nimmt.
""",
)

add(
    "pii",
    "fr",
    "long-service-medal-application",
    "form",
    """
Je prépare le dossier de médaille d'honneur du travail (échelon vermeil, 30 ans) pour une collègue. Peux-tu rédiger la lettre d'accompagnement à la préfecture à partir de ces éléments ?

Nom : ⟦P:Françoise Le Goff⟧, épouse ⟦P:Tanguy⟧
Née le : ⟦DOB:14/03/1964⟧ à Quimper
N° de sécurité sociale : ⟦ID@FR:⁅id|FR|2 64 03 29 ### ### ??⁆⟧
Adresse : ⟦A:7 rue de Kerfeunteun, 29000 Quimper⟧
Tél. : ⟦T:06 72 18 44 93⟧
Employeurs successifs : Crêperie du Port (1984-1991), Conserverie Océane (1991-2025)
⟦P:Françoise⟧ part en retraite en décembre ; la remise pourrait se faire à son pot de départ.
""",
)

add(
    "pii",
    "es",
    "tianguis-vendor-register",
    "prose",
    """
Ayúdame a pasar este padrón de locatarios del tianguis de los martes a una tabla ordenada por número de puesto (puesto, nombre, CURP, teléfono, giro):

Puesto 14 – ⟦P:Rosa Hernández García⟧, CURP ⟦ID@MX:⁅id|MX|HEGR780512MJCRRS0?⁆⟧, RFC ⟦ID@MX:⁅id|MX|HEGR780512##?⁆⟧, tel. ⟦T:33 1847 2290⟧, domicilio ⟦A:Calle Pino Suárez 233, Col. Centro, 44100 Guadalajara, Jal.⟧ Giro: frutas y verduras.
Puesto 7 – ⟦P:Juan Carlos Ibarra Lomelí⟧, CURP ⟦ID@MX:⁅id|MX|IALJ850130HJCBMN0?⁆⟧, tel. ⟦T:33 2091 5574⟧, domicilio ⟦A:Av. Revolución 1510 int. 3, Col. Olímpica, 44430 Guadalajara, Jal.⟧ Giro: tacos de canasta. Ojo: ⟦P:Juan Carlos⟧ padece ⟦MC:epilepsia⟧; si le da una crisis, su hermana ⟦P:Leticia Ibarra⟧ (⟦T:33 3660 1247⟧, puesto 8) sabe qué hacer.
""",
)

add(
    "pii",
    "it",
    "catechism-enrolment",
    "prose",
    """
Devo consegnare in parrocchia l'iscrizione al catechismo per la Prima Comunione. Mi prepari un modulo ordinato con questi dati?

- bambino: ⟦P:Tommaso Bonfanti⟧, nato il ⟦DOB:03/02/2017⟧ a Bergamo, CF ⟦ID@IT:⁅id|IT|BNFTMS17B03A794?⁆⟧, battezzato nella parrocchia di Sant'Alessandro
- genitori: ⟦P:Giulia Ferraro⟧ (cell. ⟦T:347 882 1905⟧, ⟦E:giulia.ferraro88@libero.it⟧) e ⟦P:Paolo Bonfanti⟧ (cell. ⟦T:335 610 2274⟧)
- residenza: ⟦A:via Broseta 41, 24128 Bergamo⟧
- note: ⟦P:Tommaso⟧ ha la ⟦MC:celiachia⟧, quindi per la Comunione serve l'ostia senza glutine.
""",
)

add(
    "pii",
    "pt",
    "socio-torcedor-signup",
    "form",
    """
Fiz o cadastro de sócio-torcedor pra mim e pro meu pai e o site deu erro "dados inválidos". Consegue ver se algum campo está no formato errado?

Titular: ⟦P:Luana Cristina Ferreira dos Santos⟧
CPF: ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧
Nascimento: ⟦DOB:09/12/1995⟧
E-mail: ⟦E:luana.cfs@gmail.com⟧
Celular: ⟦T:(81) 99734-2186⟧
Usuário do app: ⟦U:luana.cfs95⟧
Endereço: ⟦A:Rua Padre Roma, 412, apto 1103, bloco B, Tamarineira, Recife - PE, 52050-150⟧
Dependente: ⟦P:José Ferreira dos Santos⟧, CPF ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧, nascimento ⟦DOB:27/03/1958⟧ (plano Sênior; ele tem ⟦MC:arritmia cardíaca⟧ e usa marcapasso, precisa de cadeira perto da saída)
Plano: Sócio Raiz – R$ 39,90/mês
""",
)

add(
    "pii",
    "nl",
    "stadspas-application",
    "form",
    """
Kun je van deze gegevens een checklist maken van wat ik nog moet uploaden voor de Stadspas-aanvraag?

Aanvrager: ⟦P:Fatima Bouzidi-de Vries⟧
Geboren: ⟦DOB:14-06-1983⟧
BSN: ⟦ID@NL:⁅id|NL|########?⁆⟧
Adres: ⟦A:Javaplein 27-III, 1095 CH Amsterdam⟧
Telefoon: ⟦T:06-41928375⟧
IBAN: ⟦IBAN:⁅iban|NL|INGB ##########⁆⟧
Kinderen: ⟦P:Yasmin⟧ (geb. ⟦DOB:02-09-2012⟧) en ⟦P:Noah⟧ (geb. ⟦DOB:19-01-2016⟧)
Inkomen: bijstandsuitkering sinds april
""",
)

add(
    "pii",
    "pl",
    "u3a-course-signup",
    "prose",
    """
Popraw proszę styl tego maila do Uniwersytetu Trzeciego Wieku, żeby brzmiał uprzejmie, ale konkretnie:

Dzień dobry,
zgłaszam się na zajęcia z języka hiszpańskiego i nordic walking w semestrze zimowym. Moje dane: ⟦P:Halina Szczepańska⟧, ur. ⟦DOB:3 września 1956 r.⟧, PESEL ⟦ID@PL:⁅id|PL|560903###4?⁆⟧, adres: ⟦A:ul. Ogrodowa 12 m. 4, 90-024 Łódź⟧, tel. ⟦T:601 734 218⟧. Ze względu na ⟦MC:chorobę zwyrodnieniową stawu biodrowego⟧ proszę o grupę nordic walking dla początkujących.
Opłatę wpiszowego przeleję po potwierdzeniu.
Pozdrawiam
⟦P:Halina Szczepańska⟧
""",
)

add(
    "pii",
    "ru",
    "factory-pass-memo",
    "form",
    """
Помоги составить служебную записку на оформление постоянного пропуска на территорию завода для нового сотрудника:

ФИО: ⟦P:Гаврилов Артём Олегович⟧
Дата рождения: ⟦DOB:15.03.1990⟧
Паспорт: ⟦PASS:65 12 634812⟧
ИНН: ⟦ID@RU:⁅id|RU|##########??⁆⟧
Адрес регистрации: ⟦A:г. Екатеринбург, ул. Ленина, д. 52, кв. 117⟧
Телефон: ⟦T:+7 912 604-38-21⟧
Должность: наладчик станков с ЧПУ, цех № 3
⟦P:Артёму⟧ нужен доступ в цех № 3 и на склад инструмента с 7:00 до 20:00.
Записку подписывает начальник цеха ⟦P:Кузнецова Н. В.⟧
""",
)

add(
    "pii",
    "uk",
    "sole-proprietor-registration",
    "form",
    """
Допоможіть заповнити заяву про державну реєстрацію фізичної особи-підприємця. Які КВЕДи підійдуть для ремонту взуття і виготовлення ключів?

ПІБ: ⟦P:Мельничук Оксана Василівна⟧
РНОКПП: ⟦ID@UA:⁅ua|1971-04-09|f⁆⟧
Дата народження: ⟦DOB:09.04.1971⟧
Місце проживання: ⟦A:м. Харків, просп. Героїв Харкова, буд. 144, кв. 58⟧
Телефон: ⟦T:+380 67 418 2296⟧
Ел. пошта: ⟦E:oksana.melnychuk71@ukr.net⟧
Система оподаткування: єдиний податок, 2 група
""",
)

add(
    "pii",
    "ja",
    "bicycle-crime-prevention-registration",
    "form",
    """
自転車防犯登録の申込書の下書きです。記入漏れがないか確認して、表にまとめてください。

氏名：⟦P:中村 健太郎⟧
フリガナ：⟦P:ナカムラ ケンタロウ⟧
生年月日：⟦DOB:1952年8月19日⟧
住所：⟦A:東京都杉並区阿佐谷北三丁目15番1-203号⟧
電話番号：⟦T:090-6124-8837⟧
車体番号：WB1872630K（車体の下に刻印）
購入店：サイクルショップあさがや
主な使用者：孫の⟦P:中村 陽翔⟧（高校1年、⟦DOB:2009年11月3日⟧生）
""",
)

add(
    "pii",
    "zh",
    "square-dance-team-entry",
    "markdown-table",
    """
我们社区广场舞队要报名区里的比赛，主办方要求填报名表（保险用）。帮我整理成表格（姓名、身份证号、手机、紧急联系人），再提醒我还缺什么：

1. 队长 ⟦P:王秀兰⟧，身份证 ⟦ID@CN:⁅id|CN|31010419620716##2?⁆⟧，手机 ⟦T:13816627453⟧，紧急联系人：儿子 ⟦P:王建国⟧ ⟦T:13701925586⟧
2. ⟦P:陈桂芳⟧，身份证 ⟦ID@CN:⁅id|CN|31010419590228##4?⁆⟧，手机 ⟦T:13901758826⟧，有⟦MC:高血压⟧，每天吃⟦MED:氨氯地平⟧，比赛时请安排在后排
3. ⟦P:李淑珍⟧，手机 ⟦T:15921063374⟧，身份证还没给我
""",
)

add(
    "pii",
    "ko",
    "postpartum-care-center-admission",
    "form",
    """
산후조리원 입소 신청서인데, 빠진 항목이 있는지 봐 주세요.

산모 성명: ⟦P:이서연⟧
주민등록번호: ⟦ID@KR:⁅id|KR|880311-2#####?⁆⟧
연락처: ⟦T:010-9173-2256⟧
주소: ⟦A:서울특별시 마포구 월드컵북로 396, 103동 1204호⟧
출산 예정일: 2025년 12월 4일
특이사항: ⟦MC:임신성 당뇨⟧로 ⟦MED:인슐린⟧ 투여 중
보호자: 남편 ⟦P:김민준⟧, ⟦T:010-4827-3391⟧
""",
)

add(
    "pii",
    "sv",
    "school-leave-of-absence",
    "prose",
    """
Kan du hjälpa mig skriva en ansökan om ledighet från skolan till rektorn? Kort och saklig.

Elev: ⟦P:Hodan Abdirahman Yusuf⟧, klass 5B, personnummer ⟦ID@SE:⁅id|SE|140214-##4?⁆⟧
Vårdnadshavare: ⟦P:Abdirahman Farah Yusuf⟧, tel. ⟦T:073-915 60 28⟧, ⟦A:Hägerstensvägen 150, lgh 1304, 126 49 Hägersten⟧
Ledighet: 6–17 april, resa till Hargeisa för mormors 80-årsdag.
⟦P:Hodan⟧ har ⟦MC:typ 1-diabetes⟧; skolsköterskan ⟦P:Elin Rydberg⟧ har redan gjort ett schema för hennes ⟦MED:insulin⟧ under resan.
""",
)

add(
    "pii",
    "tr",
    "volleyball-player-licence",
    "form",
    """
Kızımın voleybol lisans başvurusu için bilgileri düzenli bir dilekçeye dönüştürür müsün?

Sporcu: ⟦P:Zeynep Aydın⟧
T.C. Kimlik No: ⟦ID@TR:⁅id|TR|#########??⁆⟧
Doğum tarihi: ⟦DOB:30.09.2011⟧
Kulüp: Moda Spor Kulübü, Yıldız Kızlar
Veli: ⟦P:Elif Aydın⟧, T.C. ⟦ID@TR:⁅id|TR|#########??⁆⟧, tel. ⟦T:0532 614 78 20⟧
Adres: ⟦A:Caferağa Mah., Moda Cad. No: 88 D: 6, Kadıköy/İstanbul⟧
Sağlık raporu: ⟦MC:hafif skolyoz⟧ var, doktor oynamasında sakınca görmedi.
⟦P:Zeynep⟧ sağ elle smaç atıyor, pasör yedeği olarak da yazılabilir.
""",
)

add(
    "pii",
    "el",
    "volunteer-fire-watch-signup",
    "form",
    """
Θέλω να δηλώσω συμμετοχή στην εθελοντική ομάδα δασοπυροπροστασίας του δήμου για το καλοκαίρι. Μπορείς να μου πεις ποιο στοιχείο μπαίνει σε ποιο πεδίο της αίτησης;

Ονοματεπώνυμο: ⟦P:Αικατερίνη Παπαδοπούλου⟧
ΑΦΜ: ⟦ID@GR:⁅id|GR|########?⁆⟧
ΑΜΚΑ: ⟦ID@GR:⁅id|GR|081275####?⁆⟧
Ημ. γέννησης: ⟦DOB:08/12/1975⟧
Διεύθυνση: ⟦A:Ερμού 42, 546 24 Θεσσαλονίκη⟧
Κινητό: ⟦T:694 528 3317⟧
Email: ⟦E:k.papadopoulou75@gmail.com⟧
Διαθεσιμότητα: Σαββατοκύριακα, βάρδια 20:00–02:00 στο παρατηρητήριο του Χορτιάτη
""",
)

add(
    "pii",
    "cs",
    "criminal-record-extract-request",
    "form",
    """
Jako nová trenérka v dětském oddíle musím doložit výpis z rejstříku trestů. Prosím o kontrolu žádosti, ať tam nemám chyby:

Jméno a příjmení: ⟦P:Petra Nováková⟧, rozená ⟦P:Dvořáková⟧
Datum narození: ⟦DOB:15. 4. 1986⟧
Rodné číslo: ⟦ID@CZ:⁅id|CZ|865415/###?⁆⟧
Místo narození: Jihlava
Bydliště: ⟦A:Kounicova 684/37, 602 00 Brno⟧
Telefon: ⟦T:776 214 893⟧, e-mail: ⟦E:petra.novakova@seznam.cz⟧
Účel: pro potřeby zaměstnavatele (práce s dětmi)
""",
)

add(
    "pii",
    "da",
    "senior-cohousing-application",
    "prose",
    """
Kan du skrive en kort, venlig ansøgning til seniorbofællesskabet ud fra mine noter?

- Vi er ⟦P:Mette Holm⟧, født ⟦DOB:14. februar 1953⟧ (CPR ⟦ID@DK:⁅id|DK|140253-1##4⁆⟧), og ⟦P:Jonas Nørgaard⟧, født ⟦DOB:3. april 1949⟧ (CPR ⟦ID@DK:⁅id|DK|030449-2##7⁆⟧), gift i 41 år
- Nuværende adresse: ⟦A:Skolevej 12, 4200 Slagelse⟧, tlf. ⟦T:28 41 93 07⟧
- ⟦P:Jonas⟧ har ⟦MC:KOL⟧ og bruger ⟦MED:Spiriva⟧, så vi ønsker en stuelejlighed
- Vi vil gerne stå for fællesspisning om tirsdagen og hjælpe med haven
""",
)

add(
    "pii",
    "fi",
    "ice-swimming-club-membership",
    "prose",
    """
Kirjoittaisitko avantouintiseuralle lyhyen jäsenhakemuksen näiden tietojen pohjalta?

Hakija: ⟦P:Mikko Tapani Heikkinen⟧, hetu ⟦ID@FI:⁅id|FI|231186-##5?⁆⟧
Osoite: ⟦A:Hämeenkatu 14 B 23, 33100 Tampere⟧
Puhelin: ⟦T:040 738 2914⟧, sähköposti ⟦E:mikko.heikkinen@elisanet.fi⟧
Terveys: minulla on ⟦MC:eteisvärinä⟧ ja käytän ⟦MED:Xarelto⟧-lääkettä; kardiologi on antanut luvan talviuintiin.
Haluan liittää myös puolisoni ⟦P:Sanna Heikkinen⟧ perhejäseneksi.
""",
)

add(
    "pii",
    "no",
    "support-contact-application",
    "prose",
    """
Hjelp meg å skrive en søknad til kommunen om støttekontakt for sønnen min. Den skal være saklig og ikke for lang.

Søker: ⟦P:Sindre Aas Haugland⟧, født ⟦DOB:25.03.2006⟧, fødselsnummer ⟦ID@NO:⁅id|NO|2503065#3??⁆⟧
Adresse: ⟦A:Storgata 15 B, 0184 Oslo⟧
Mor og kontaktperson: ⟦P:Ingrid Aas⟧, tlf. ⟦T:926 41 038⟧
⟦P:Sindre⟧ har ⟦MC:autisme⟧ og ⟦MC:ADHD⟧ og bruker ⟦MED:Medikinet⟧. Han har lyst til å begynne med klatring, men trenger noen å gå sammen med to kvelder i uka.
""",
)

add(
    "pii",
    "ro",
    "tree-felling-permit",
    "prose",
    """
Te rog redactează o cerere către primărie pentru avizul de tăiere a unui nuc uscat din curtea mamei mele:

Proprietar: ⟦P:Viorica Dumitrescu⟧, născută la ⟦DOB:30 ianuarie 1949⟧, CNP ⟦ID@RO:⁅id|RO|249013023###?⁆⟧
Adresa imobilului: ⟦A:Str. Livezii nr. 17, Bragadiru, jud. Ilfov⟧
Telefon: ⟦T:0722 581 369⟧
Nucul are circa 60 de ani, e uscat pe jumătate și atârnă peste gardul vecinului.
Cererea o depun eu, fiica ei, ⟦P:Andreea Popa⟧ (⟦T:0745 113 902⟧), pentru că mama are ⟦MC:artroză severă de genunchi⟧ și nu se poate deplasa la ghișeu.
""",
)

add(
    "pii",
    "hu",
    "pe-exemption-request",
    "form",
    """
Írj nekem egy rövid, hivatalos kérelmet az iskola igazgatójának, hogy a fiam egy félévre felmentést kapjon a testnevelés alól:

Tanuló: ⟦P:Kovács Bence⟧, 7.b osztály
Születési idő: ⟦DOB:2012. március 14.⟧
Anyja neve: ⟦P:Szabó Erzsébet⟧
Lakcím: ⟦A:6720 Szeged, Kárász utca 5. 2/8.⟧
Szülő telefonszáma: ⟦T:+36 30 412 7785⟧
Ok: ⟦MC:gerincferdülés⟧, ortopédiai kezelés és gyógytorna (orvosi igazolás mellékelve)
Tisztelettel: ⟦P:Kovács László⟧
""",
)

add(
    "pii",
    "ar",
    "orphan-sponsorship-form",
    "form",
    """
أرجو تنسيق بيانات الكفالة التالية في جدول مرتب لإرسالها إلى الجمعية الخيرية:

الكافل: ⟦P:عبد الله سالم الكتبي⟧
الهاتف: ⟦T:050 384 1729⟧
البريد: ⟦E:abdulla.alketbi@gmail.com⟧
رقم الآيبان: ⟦IBAN:⁅iban|AE|033 ################⁆⟧
اليتيم المكفول: ⟦P:يوسف محمود حداد⟧، تاريخ الميلاد ⟦DOB:2016/03/14⟧، إربد - الأردن
ولية الأمر: والدته ⟦P:منى خليل حداد⟧، هاتف ⟦T:+962 79 552 8413⟧
الحالة الصحية: ⟦P:يوسف⟧ مصاب بمرض ⟦MC:الربو⟧ ويحتاج إلى بخاخ ⟦MED:فنتولين⟧
""",
)

add(
    "pii",
    "he",
    "brit-milah-booking",
    "prose",
    """
תעזור לי לנסח הודעה קצרה ומנומסת למוהל כדי לתאם ברית:

התינוק נולד ב-⟦DOB:3.11.2025⟧ בבית החולים וולפסון. ההורים: ⟦P:אבי אברהמי⟧ ו⟦P:מיכל אברהמי⟧.
מספר הזהות של התינוק מהודעת הלידה: ⟦ID@IL:⁅id|IL|########?⁆⟧
כתובת: ⟦A:רחוב סוקולוב 41 דירה 7, חולון⟧
טלפון: ⟦T:054-6021937⟧
לתינוק יש ⟦MC:צהבת⟧ קלה, הרופאה ביקשה לבדוק בילירובין לפני הברית.
הסנדק יהיה הסבא, ⟦P:יוסף אברהמי⟧.
""",
)

add(
    "pii",
    "hi",
    "entrance-coaching-admission",
    "form",
    """
कोचिंग संस्थान के एडमिशन फ़ॉर्म की जानकारी नीचे है। इसे एक साफ़ तालिका में बदल दीजिए और बताइए कि स्कॉलरशिप टेस्ट के लिए और क्या चाहिए:

छात्र का नाम: ⟦P:रोहित शर्मा⟧
जन्म तिथि: ⟦DOB:18/11/2009⟧
आधार: ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧
कक्षा: 11 (PCM), लक्ष्य: JEE Main 2027
अभिभावक: ⟦P:सुनीता देवी शर्मा⟧ (माता), मोबाइल ⟦T:94140 28375⟧
पता: ⟦A:मकान नं. 27, गली नं. 4, शास्त्री नगर, जयपुर 302016⟧
स्वास्थ्य: ⟦MC:माइग्रेन⟧, ज़रूरत पड़ने पर ⟦MED:नेप्रोक्सेन⟧ लेता है
""",
)

add(
    "pii",
    "id",
    "free-homecoming-transport-signup",
    "form",
    """
Tolong cek apakah data pendaftaran mudik gratis (bus + angkut motor) ini sudah lengkap:

Nama: ⟦P:Bambang Sutrisno⟧
NIK: ⟦ID@ID:⁅id|ID|317405170688####⁆⟧
Nomor SIM C: ⟦DL:8806-1734-2251⟧
HP: ⟦T:0857-1129-4408⟧
Alamat: ⟦A:Jl. Melati No. 7, RT 003/RW 005, Kel. Cipete Utara, Kec. Kebayoran Baru, Jakarta Selatan⟧
Penumpang: istri ⟦P:Siti Rahmawati⟧ (NIK ⟦ID@ID:⁅id|ID|317405590893####⁆⟧, lahir ⟦DOB:19 Agustus 1993⟧) dan anak ⟦P:Dimas⟧ (lahir ⟦DOB:2 Mei 2019⟧)
Tujuan: Terminal Tirtonadi, Solo
Catatan: ⟦P:Siti⟧ sedang ⟦MC:hamil⟧ 7 bulan, mohon kursi depan.
""",
)

add(
    "pii",
    "vi",
    "hometown-association-member-list",
    "markdown-table",
    """
Hội đồng hương Nghệ An tại TP.HCM cần danh sách hội viên mới. Nhờ bạn sắp xếp thành bảng (họ tên, ngày sinh, quê, địa chỉ hiện tại, SĐT):

- ⟦P:Trần Văn Hùng⟧, sinh ⟦DOB:12/05/1978⟧, quê Nam Đàn, ở ⟦A:58/12 Lê Văn Sỹ, phường 13, quận 3, TP.HCM⟧, SĐT ⟦T:0903 618 274⟧
- ⟦P:Nguyễn Thị Hoa⟧, sinh ⟦DOB:03/08/1985⟧, quê Đô Lương, ở ⟦A:214 Nguyễn Oanh, phường 17, Gò Vấp, TP.HCM⟧, SĐT ⟦T:0938 447 120⟧, đang điều trị ⟦MC:ung thư vú⟧, hội đề nghị hỗ trợ
- ⟦P:Hồ Sĩ Tuấn⟧, sinh ⟦DOB:21/01/1999⟧, sinh viên, ở ký túc xá, SĐT ⟦T:0372 915 408⟧
""",
)

add(
    "pii",
    "th",
    "monk-ordination-application",
    "form",
    """
ช่วยตรวจใบสมัครบรรพชาอุปสมบทที่วัดให้หน่อยว่ากรอกครบไหม และควรเตรียมเอกสารอะไรเพิ่ม

ชื่อ-สกุล: นาย⟦P:ธนากร ศรีสวัสดิ์⟧
เลขประจำตัวประชาชน: ⟦ID@TH:⁅id|TH|#-####-#####-##-?⁆⟧
วันเกิด: ⟦DOB:14 มีนาคม 2545⟧
ที่อยู่: ⟦A:99/12 หมู่ 4 ต.บางพูด อ.ปากเกร็ด จ.นนทบุรี 11120⟧
โทรศัพท์: ⟦T:081-734-5629⟧
บิดา: นาย⟦P:สมชาย ศรีสวัสดิ์⟧  มารดา: นาง⟦P:พิมพ์ชนก ศรีสวัสดิ์⟧
โรคประจำตัว: ⟦MC:โรคภูมิแพ้⟧ (ทาน⟦MED:ลอราทาดีน⟧)
กำหนดบวช: 15 วัน ช่วงเข้าพรรษา
""",
)

add(
    "pii",
    "bg",
    "kukeri-festival-group-entry",
    "form",
    """
Помогни ми да попълня заявката за участие на нашата кукерска група във фестивала в Перник. Организаторите искат списък с участниците за застраховката:

Ръководител: ⟦P:Стоян Петров Димитров⟧, роден на ⟦DOB:22.06.1958⟧, ЕГН ⟦ID@BG:⁅id|BG|580622##4?⁆⟧, тел. ⟦T:0888 417 205⟧
Адрес за кореспонденция: ⟦A:ул. „Васил Левски“ 23, с. Батановци, 2340⟧
Участници: ⟦P:Георги Стоянов Петров⟧ (ЕГН ⟦ID@BG:⁅id|BG|870311##2?⁆⟧), ⟦P:Иван Младенов⟧ (ЕГН ще донесе)
Група: 24 души, костюми до 40 кг, хлопки и маски от козина
""",
)

add(
    "pii",
    "hr",
    "lifelong-maintenance-contract",
    "form",
    """
Sastavi mi nacrt ugovora o doživotnom uzdržavanju s ovim podacima (ovjerit ćemo ga kod javnog bilježnika):

Primatelj uzdržavanja: ⟦P:Ivan Jurić⟧, OIB ⟦ID@HR:⁅id|HR|##########?⁆⟧, rođen ⟦DOB:11.02.1939.⟧, ⟦A:Ulica Ante Starčevića 18, 21000 Split⟧
Davateljica uzdržavanja: ⟦P:Ana-Marija Kovačević⟧, OIB ⟦ID@HR:⁅id|HR|##########?⁆⟧, rođena ⟦DOB:04.10.1997.⟧, mob. ⟦T:098 174 6629⟧, e-mail: ⟦E:anamarija.kovacevic@gmail.com⟧
Nekretnina: stan na istoj adresi, 64 m²
Obveze: prehrana, lijekovi (gospodin ⟦P:Jurić⟧ ima ⟦MC:dijabetes tipa 2⟧ i ⟦MC:srčanu insuficijenciju⟧), pratnja liječniku, pogreb.
Mirovina se uplaćuje na IBAN ⟦IBAN:⁅iban|HR|2340009 ##########⁆⟧.
""",
)

add(
    "pii",
    "sl",
    "vocational-qualification-exam-signup",
    "form",
    """
Pomagaj mi izpolniti prijavo na preverjanje za nacionalno poklicno kvalifikacijo (NPK) kuhar/kuharica. Kaj še manjka?

Kandidatka: ⟦P:Mojca Zupančič⟧
EMŠO: ⟦ID@SI:⁅id|SI|0410987505##?⁆⟧
Davčna številka: ⟦ID@SI:⁅id|SI|#######?⁆⟧
Rojena: ⟦DOB:4. 10. 1987⟧ v Kranju
Naslov: ⟦A:Cankarjeva ulica 12, 4000 Kranj⟧
Telefon: ⟦T:041 583 227⟧
Plačnik kotizacije: sama, TRR ⟦IBAN:⁅iban|SI|#### #### #### ###⁆⟧
Delovne izkušnje: 9 let v menzi, zadnja 3 leta vodja izmene.
""",
)

add(
    "pii",
    "et",
    "home-cafe-day-registration",
    "form",
    """
Aita mul vormistada teatis toiduametile, et avame kodukohvikute päeval oma hoovikohviku:

Vastutav isik: ⟦P:Kadri Saar⟧
Isikukood: ⟦ID@EE:⁅id|EE|4720711###?⁆⟧
Sündinud: ⟦DOB:11.07.1972⟧
Kohviku aadress: ⟦A:Kase tn 4, Otepää, 67405 Valgamaa⟧
Telefon: ⟦T:+372 5341 8872⟧, e-post ⟦E:kadri.saar@gmail.com⟧
Abiline: tütar ⟦P:Liisa Saar⟧, ⟦T:5829 1034⟧
Menüü: kamajogurt, rabarberikook, sõir. Piimatooted tulevad naabertalust.
""",
)

add(
    "pii",
    "lv",
    "guardianship-application",
    "prose",
    """
Uzraksti iesniegumu bāriņtiesai par aizbildnības nodibināšanu pār manu brāļameitu:

Iesniedzējs: ⟦P:Andris Kalniņš⟧, personas kods ⟦ID@LV:⁅id|LV|290184-1###?⁆⟧, dzimis ⟦DOB:1984. gada 29. janvārī⟧
Adrese: ⟦A:Brīvības iela 101-24, Rīga, LV-1001⟧
Tālrunis: ⟦T:+371 2914 6630⟧
Bērns: ⟦P:Elza Kalniņa⟧, dzimusi ⟦DOB:2015. gada 7. maijā⟧
Bērna māte ⟦P:Ilze Kalniņa⟧ ilgstoši ārstējas ⟦MC:šizofrēnijas⟧ dēļ; tēvs nav zināms.
""",
)

add(
    "pii",
    "ca",
    "grazing-lease-agreement",
    "form",
    """
Em pots redactar un contracte senzill d'arrendament de pastures per a l'estiu amb aquestes dades?

Arrendador: ⟦P:Jordi Cerqueda Puig⟧, NRT ⟦ID@AD:⁅id|AD|F-######-?⁆⟧, nascut el ⟦DOB:12 de març de 1976⟧, domicili ⟦A:Av. Carlemany 64, 3r 2a, AD700 Escaldes-Engordany⟧, tel. ⟦T:+376 634 218⟧
Arrendatària: ⟦P:Montserrat Riba Areny⟧, ramadera, tel. ⟦T:+376 352 871⟧, ⟦E:montse.riba@andorra.ad⟧
Finca: prats de la borda, a Ordino (unes 6 ha)
Bestiar: 14 eugues i 3 poltres, de juny a setembre; preu 900 € la temporada.
""",
)

add(
    "pii",
    "is",
    "backyard-hens-permit",
    "prose",
    """
Geturðu skrifað stutta og kurteisa umsókn til borgarinnar um leyfi til að halda fjórar hænur í garðinum?

Nafn: ⟦P:Sigríður Halla Magnúsdóttir⟧, fædd ⟦DOB:12. júní 1990⟧
Kennitala: ⟦ID@IS:⁅id|IS|120690-##?9⁆⟧
Heimilisfang: ⟦A:Bústaðavegur 71, 108 Reykjavík⟧
Sími: ⟦T:862 4417⟧
Netfang: ⟦E:sigridur.halla@simnet.is⟧
Enginn hani, og hænsnakofinn verður 3 metra frá lóðamörkum. Nágrannarnir á efri hæðinni, ⟦P:Gunnar⟧ og ⟦P:Björk⟧, hafa gefið skriflegt samþykki.
""",
)

add(
    "pii",
    "gl",
    "agricultural-burning-declaration",
    "form",
    """
Axúdame a encher a declaración responsable para unha queima de restos agrícolas. Que me falta?

Titular: ⟦P:Manuel Outeiral Piñeiro⟧
DNI: ⟦ID@ES:⁅id|ES|########?⁆⟧
Nado o: ⟦DOB:7 de xaneiro de 1951⟧
Enderezo: ⟦A:Lugar de Vilar 14, 36680 A Estrada, Pontevedra⟧
Teléfono: ⟦T:986 41 27 93⟧
Persoa de contacto: a súa filla, ⟦P:Noela Outeiral⟧, ⟦T:655 318 402⟧
Restos: poda de viñas e kiwis, uns 3 m³. Data prevista: 12 de marzo.
""",
)

add(
    "pii",
    "ms",
    "quran-class-registration",
    "form",
    """
Boleh tolong susun maklumat pendaftaran kelas mengaji anak saya dalam bentuk jadual yang kemas?

Nama pelajar: ⟦P:Muhammad Irfan bin Azman⟧
No. MyKad: ⟦ID@MY:⁅id|MY|150308-10-###7⁆⟧
Tarikh lahir: ⟦DOB:8 Mac 2015⟧
Nama bapa: ⟦P:Azman bin Yusof⟧, tel. ⟦T:012-748 3320⟧
Nama ibu: ⟦P:Nurul Huda binti Kamarudin⟧, tel. ⟦T:019-226 0815⟧
Alamat: ⟦A:No. 23, Jalan Anggerik 3/2, Seksyen 9, 43650 Bandar Baru Bangi, Selangor⟧
Nota kesihatan: ⟦P:Irfan⟧ ada ⟦MC:ekzema⟧, jangan guna sabun wangi.
""",
)

add(
    "pii",
    "ur",
    "mosque-committee-donor-register",
    "markdown-table",
    """
مسجد کی تعمیراتی کمیٹی کے عطیات کا یہ ریکارڈ ایک صاف جدول میں بنا دیں (نام، شناختی کارڈ، فون، رقم) تاکہ رسیدیں جاری ہو سکیں:

1. ⟦P:محمد اقبال⟧، شناختی کارڈ ⟦ID@PK:⁅id|PK|35202-#######-1⁆⟧، فون ⟦T:0300-4218765⟧، عطیہ 50,000 روپے
2. ⟦P:عثمان طارق⟧، شناختی کارڈ ⟦ID@PK:⁅id|PK|35201-#######-3⁆⟧، فون ⟦T:0333-5107294⟧، عطیہ 25,000 روپے
3. ⟦P:رضیہ بیگم⟧، فون ⟦T:0321-6640158⟧، عطیہ 10,000 روپے، پتہ: ⟦A:مکان نمبر 45، گلی نمبر 7، محلہ اسلام پورہ، لاہور⟧
""",
)

add(
    "pii",
    "sw",
    "youth-football-team-list",
    "markdown-table",
    """
Naomba unisaidie kupanga orodha hii ya wachezaji wa timu ya vijana chini ya miaka 15 kwa ajili ya mashindano ya wilaya, kwa jedwali lenye safu: jina, tarehe ya kuzaliwa, mzazi, simu.

1. ⟦P:Baraka Juma Mwakalinga⟧ – alizaliwa ⟦DOB:14/02/2011⟧ – mzazi: ⟦P:Juma Mwakalinga⟧, simu ⟦T:0754 318 226⟧
2. ⟦P:Hamisi Ally Said⟧ – alizaliwa ⟦DOB:03/09/2011⟧ – mzazi: ⟦P:Mwanaisha Said⟧, ⟦T:0713 662 049⟧ – ana ⟦MC:pumu⟧, anatumia ⟦MED:salbutamol⟧
3. ⟦P:Godfrey Mushi⟧ – alizaliwa ⟦DOB:22/06/2010⟧ – mzazi: ⟦P:Elizabeth Mushi⟧, ⟦T:0688 201 574⟧
Kocha: ⟦P:Abdallah Kombo⟧, ⟦T:0767 402 118⟧
""",
)

add(
    "pii",
    "tl",
    "barangay-clearance-request",
    "prose",
    """
Pakigawa ng maayos na request letter para sa barangay clearance ko, kailangan ko sa bagong trabaho:

Pangalan: ⟦P:Maricel Dela Cruz Bautista⟧
Kapanganakan: ⟦DOB:Abril 3, 1994⟧
Tirahan: ⟦A:Blk 5 Lot 12, Purok 3, Brgy. San Isidro, Cainta, Rizal⟧
Cellphone: ⟦T:0917 482 3391⟧
Layunin: employment (call center sa Ortigas)
Salamat po,
⟦P:Maricel⟧
""",
)

add(
    "pii",
    "af",
    "funeral-policy-claim",
    "form",
    """
Kan jy my help om hierdie eisvorm vir die begrafnispolis netjies en volledig op te stel?

Oorledene: ⟦P:Pieter Jacobus van Wyk⟧ (almal het hom ⟦P:Kobus⟧ genoem)
ID-nommer: ⟦ID@ZA:⁅id|ZA|6409175###08?⁆⟧
Geboortedatum: ⟦DOB:17 September 1964⟧
Sterfdatum: 2 Oktober 2025, oorsaak: ⟦MC:hartaanval⟧
Polisnommer: ⟦ACC:BP-7712-04418⟧
Eiser: ⟦P:Marietjie van Wyk⟧ (weduwee), selfoon ⟦T:083 201 7745⟧
Adres: ⟦A:Kerkstraat 12, Potchefstroom, 2531⟧
Uitbetaling na tjekrekening ⟦ACC:62817740319⟧
""",
)

add(
    "pii",
    "fy",
    "skating-association-membership",
    "prose",
    """
Kinsto my helpe mei in koarte, freonlike brief om lid te wurden fan de Feriening De Friesche Alve Stêden?

Namme: ⟦P:Sjoerd Dykstra⟧
Bertedatum: ⟦DOB:2 febrewaris 1979⟧
Adres: ⟦A:Tsjerkestrjitte 8, 8911 AB Ljouwert⟧
Telefoan: ⟦T:06 28 41 73 95⟧
E-mail: ⟦E:sjoerd.dykstra@ziggo.nl⟧
Ik ha yn 1997 de tocht riden en wol myn soan ⟦P:Wopke⟧ (berne ⟦DOB:11 augustus 2008⟧) ek oanmelde.
""",
)

add(
    "pii",
    "mi",
    "kapa-haka-tutor-payment",
    "form",
    """
Kia ora, tēnā āwhina mai ki te whakarite i tēnei puka utu mō tō mātou kaiako kapa haka, kia tika ai mō te tari:

Ingoa: ⟦P:Wiremu Tāwhiri Paewai⟧
Rā whānau: ⟦DOB:19 Hereturikōkā 1981⟧
Tau IRD: ⟦ID@NZ:⁅id|NZ|1##-###-##?⁆⟧
Nama pēke: ⟦ACC:12-3140-0587214-00⟧
Waea: ⟦T:021 448 2917⟧
Īmēra: ⟦E:wiremu.paewai@xtra.co.nz⟧
Utu: $1,200 mō ngā wiki e ono o ngā whakaharatau, i mua i Te Matatini.
""",
)

add(
    "pii",
    "yo",
    "naming-ceremony-invitation",
    "prose",
    """
Ẹ jọ̀wọ́, ẹ bá mi tún ìwé ìpè yìí kọ kí ó dùn-ún kà:

Ẹ wá bá wa ṣe ayẹyẹ ìsọmọlórúkọ ọmọbìnrin wa tuntun, ọmọ ⟦P:Adébáyọ̀ Ògúnlẹ́yẹ⟧ àti ⟦P:Fúnmiláyọ̀ Ògúnlẹ́yẹ⟧.
A bí i ní ọjọ́ ⟦DOB:2 oṣù Kẹsàn-án, 2025⟧.
Ibi: ⟦A:No. 14, Olúwọlé Street, Ìkẹjà, Lagos⟧
Ọjọ́ ayẹyẹ: Sátidé, ọjọ́ kẹsàn-án, aago mẹ́wàá òwúrọ̀.
Fóònù: ⟦T:0803 417 2290⟧
Fún ẹ̀bùn owó: GTBank, ⟦ACC:0237718452⟧ (⟦P:Fúnmiláyọ̀ Ògúnlẹ́yẹ⟧)
""",
)

add(
    "pii",
    "rm",
    "band-conductor-fee",
    "form",
    """
Pos ti m'agidar da scriver ina curta charta a la cassiera da la societad da musica per pajar il dirigent? Qua las datas:

Num: ⟦P:Gian Andri Caviezel⟧
Data da naschientscha: ⟦DOB:21 da november 1975⟧
Numer AVS: ⟦ID@CH:⁅id|CH|756.####.####.#?⁆⟧
Adressa: ⟦A:Via da la Staziun 14, 7550 Scuol⟧
Telefon: ⟦T:079 412 63 08⟧
IBAN: ⟦IBAN:⁅iban|CH|00774 ############⁆⟧
Onorari: 4800 francs per la stagiun 2025/26.
""",
)
# ===========================================================================
# cred — English
# ===========================================================================
add(
    "cred",
    "en",
    "discourse-release-announcement-workflow",
    "yaml",
    """
This workflow should post our release notes to the community forum, but Discourse answers 403 "You are not permitted to view the requested resource". Is it the key scope or the username?

name: announce-release
on:
  release:
    types: [published]
jobs:
  post:
    runs-on: ubuntu-latest
    steps:
      - name: Post to forum
        env:
          DISCOURSE_URL: https://forum.tinyfieldrecorder.org
          DISCOURSE_API_KEY: ⟦K:⁅r|H|64⁆⟧
          DISCOURSE_API_USERNAME: system
        run: |
          curl -s -X POST "$DISCOURSE_URL/posts.json" \\
            -H "Api-Key: $DISCOURSE_API_KEY" -H "Api-Username: $DISCOURSE_API_USERNAME" \\
            -H "Content-Type: application/json" \\
            -d "$(jq -n --arg t "${{ github.event.release.name }}" --arg b "${{ github.event.release.body }}" '{title:$t, raw:$b, category:7}')"
""",
)

add(
    "cred",
    "en",
    "bus-times-telegram-bot",
    "env",
    """
My little bus-times bot replies twice to every /next command. Here's the .env and the handler, what am I doing wrong?

# .env
TELEGRAM_BOT_TOKEN=⟦K:⁅r|D|10⁆:AA⁅r|B|33⁆⟧
GOOGLE_MAPS_KEY=⟦K:AIza⁅r|B|35⁆⟧
STOP_IDS=4011,4012,4420
POLL_SECONDS=45

# bot.py
app = Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"]).build()
app.add_handler(CommandHandler("next", next_bus))
app.add_handler(MessageHandler(filters.TEXT, next_bus))
app.run_polling()
""",
)

add(
    "cred",
    "en",
    "godot-leaderboard-backend",
    "code",
    """
Players can see everyone's scores but my anti-cheat says some rows were written directly to the table. This is the leaderboard singleton in my Godot 4 game (shipped in the exported build):

extends Node
const SUPABASE_URL := "https://qzkfmtvbrplwxhgsyjna.supabase.co"
const SUPABASE_KEY := "⟦K:sb_secret_⁅r|B|32⁆⟧"

func submit_score(player_name: String, score: int) -> void:
    var headers := ["apikey: " + SUPABASE_KEY, "Authorization: Bearer " + SUPABASE_KEY, "Content-Type: application/json"]
    var body := JSON.stringify({"name": player_name, "score": score})
    $HTTPRequest.request(SUPABASE_URL + "/rest/v1/scores", headers, HTTPClient.METHOD_POST, body)

Should this key be in the client at all?
""",
)

add(
    "cred",
    "en",
    "mastodon-instance-env",
    "env",
    """
Upgrading our small pottery Mastodon instance to 4.3 and sidekiq now crashes about ActiveRecord encryption. Which of these do I still need to generate, and which can stay?

LOCAL_DOMAIN=social.kiln-and-glaze.net
DB_HOST=db
DB_USER=mastodon
DB_NAME=mastodon_production
DB_PASS=⟦S:Tq8!hollow-Anvil-63⟧
REDIS_HOST=redis
SECRET_KEY_BASE=⟦S:⁅r|H|128⁆⟧
OTP_SECRET=⟦S:⁅r|H|128⁆⟧
VAPID_PRIVATE_KEY=⟦S:⁅b64u|32⁆⟧
VAPID_PUBLIC_KEY=BEj⁅b64u|63⁆
SMTP_SERVER=smtp.sendgrid.net
SMTP_PORT=587
SMTP_LOGIN=apikey
SMTP_PASSWORD=⟦K:SG.⁅r|B|22⁆.⁅r|B|43⁆⟧
""",
)

add(
    "cred",
    "en",
    "nightly-log-summary-script",
    "command",
    """
jq keeps failing with "Invalid string: control characters from U+0000 through U+001F must be escaped". How do I pass the log safely?

#!/usr/bin/env bash
# nightly: summarise yesterday's nginx errors and mail them to me
KEY="⟦K:sk-ant-api03-⁅r|B|93⁆AA⟧"
LOG=$(grep -h "$(date -d yesterday +%Y/%m/%d)" /var/log/nginx/error.log | tail -n 400)
curl -s https://api.anthropic.com/v1/messages \\
  -H "x-api-key: $KEY" -H "anthropic-version: 2023-06-01" -H "content-type: application/json" \\
  -d "{\\"model\\":\\"claude-3-5-haiku-latest\\",\\"max_tokens\\":600,\\"messages\\":[{\\"role\\":\\"user\\",\\"content\\":\\"Summarise: $LOG\\"}]}" \\
  | jq -r '.content[0].text' | mail -s "nginx errors" ops@localhost
""",
)

add(
    "cred",
    "en",
    "mapkit-token-signer-go",
    "code",
    """
MapKit JS says "Initialization failed because the authorization token is invalid". Token generation in Go below; am I missing a claim?

package main

const teamID = "9QX3R5T2AB"
const keyID = "7ZQ4M2K8LW"
const p8 = `⟦PK:⁅ec|pkcs8⁆⟧`

func mapkitToken() (string, error) {
    block, _ := pem.Decode([]byte(p8))
    key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
    if err != nil {
        return "", err
    }
    tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
        "iss": teamID, "iat": time.Now().Unix(), "exp": time.Now().Add(30 * time.Minute).Unix(),
    })
    tok.Header["kid"] = keyID
    return tok.SignedString(key)
}
""",
)

add(
    "cred",
    "en",
    "sqlx-prepare-auth-failure",
    "command",
    """
`cargo sqlx prepare` fails with "password authentication failed for user ledger_app", but psql works with the same URL from my laptop. Here is what I have:

$ cat .env
DATABASE_URL=postgres://ledger_app:⟦S:vN3#quartz-Pelican-21⟧@10.20.0.14:5432/ledger
SQLX_OFFLINE=false

$ cargo sqlx prepare -- --lib
error: error returned from database: password authentication failed for user "ledger_app"

Could the # in the password be the problem?
""",
)

add(
    "cred",
    "en",
    "band-account-lockout-support-draft",
    "prose",
    """
Can you tidy up this message to the music distributor's support team? Our account got locked and I'm not sure how much I should tell them.

"Hi, I'm ⟦P:Niamh Gallagher⟧, the account holder for The Hollow Pines (login ⟦E:thehollowpines.band@gmail.com⟧). Yesterday our drummer ⟦P:Callum⟧ changed the password to ⟦S:Pines-Bassline-2019!⟧ and then the account was locked after someone abroad tried to log in. The 2FA backup codes we still have are ⟦S:4827-1930⟧, ⟦S:6601-2845⟧ and ⟦S:9173-0046⟧, but none of them work. Our Bandcamp uses the same e-mail with the password ⟦S:hollowpines#bc77⟧ - should I change that too? Thanks, ⟦P:Niamh⟧"
""",
)

add(
    "cred",
    "en",
    "buildkite-checkout-hook",
    "command",
    """
Agent still fails with "Permission denied (publickey)" when it clones the private submodule. What's wrong with this hook?

# .buildkite/hooks/pre-checkout
#!/bin/bash
set -euo pipefail
mkdir -p ~/.ssh
cat > ~/.ssh/id_deploy <<'EOF'
⟦PK:⁅ed|openssh|buildkite@ci-agent-03⁆⟧
EOF
chmod 600 ~/.ssh/id_deploy
export GIT_SSH_COMMAND="ssh -i ~/.ssh/id_deploy -o IdentitiesOnly=yes"
""",
)

add(
    "cred",
    "en",
    "alertmanager-routing",
    "yaml",
    """
amtool check-config says everything is fine, but severity=page alerts never reach PagerDuty; they only show up in Slack. Why?

route:
  receiver: slack-ops
  group_by: [alertname, cluster]
  routes:
    - matchers: [severity="page"]
      receiver: pagerduty
      continue: false
receivers:
  - name: slack-ops
    slack_configs:
      - api_url: ⟦K:https://hooks.slack.com/services/T⁅r|U|8⁆/B⁅r|U|10⁆/⁅r|A|24⁆⟧
        channel: "#ops-alerts"
        send_resolved: true
  - name: pagerduty
    pagerduty_configs:
      - routing_key: ⟦K:⁅r|H|32⁆⟧
        severity: critical
""",
)

add(
    "cred",
    "en",
    "flutter-search-and-maps-keys",
    "code",
    """
A reviewer said we must not ship the Algolia admin key inside the app. Can you rewrite this so the app only uses a search-only key, and tell me what to do about the one already released?

// lib/config.dart
const mapsKey = '⟦K:AIza⁅r|B|35⁆⟧';
final algolia = SearchClient(
  appId: 'LQ7HZ2KDFX',
  apiKey: '⟦K:⁅r|H|32⁆⟧', // admin key, full rights
);
""",
)

add(
    "cred",
    "en",
    "gh-cli-hosts-file",
    "yaml",
    """
`gh auth status` says I'm logged in, but `git push` still asks for a username and password. Here's my ~/.config/gh/hosts.yml:

github.com:
    users:
        ⟦U:okonkwo-dev⟧:
            oauth_token: ⟦K:gho_⁅r|A|36|@gho⁆⟧
    git_protocol: https
    oauth_token: ⟦K:gho_⁅@gho⁆⟧
    user: ⟦U:okonkwo-dev⟧
""",
)

add(
    "cred",
    "en",
    "smart-plug-basic-auth",
    "http",
    """
My Shelly Plus 1 in the greenhouse returns 401 to this request even though the same password works in the web UI. Did they switch to digest auth?

GET /rpc/Switch.Set?id=0&on=true HTTP/1.1
Host: 192.168.1.47
Authorization: Basic ⟦S:YWRtaW46R3JlZW5ob3VzZS1SZWxheS00NA==⟧
Accept: application/json
""",
)

add(
    "cred",
    "en",
    "todoist-notion-sync-cron",
    "code",
    """
This cron job copies my Todoist tasks into a Notion database, but every run creates duplicates. How do I make it idempotent?

import requests
TODOIST_TOKEN = "⟦K:⁅r|H|40⁆⟧"
NOTION_TOKEN = "⟦K:ntn_⁅r|A|46⁆⟧"
DATABASE_ID = "1f2e3d4c5b6a49880716253443526170"

tasks = requests.get("https://api.todoist.com/rest/v2/tasks",
                     headers={"Authorization": f"Bearer {TODOIST_TOKEN}"}).json()
for t in tasks:
    requests.post("https://api.notion.com/v1/pages",
                  headers={"Authorization": f"Bearer {NOTION_TOKEN}", "Notion-Version": "2022-06-28"},
                  json={"parent": {"database_id": DATABASE_ID},
                        "properties": {"Name": {"title": [{"text": {"content": t["content"]}}]}}})
""",
)

# ===========================================================================
# cred — other languages
# ===========================================================================
add(
    "cred",
    "de",
    "shopware-env-order-mails",
    "env",
    """
Nach dem Update auf Shopware 6.6 kommen keine Bestellbestätigungen mehr an. Hier ist meine .env vom Live-System, siehst du einen Fehler?

APP_ENV=prod
APP_SECRET=⟦S:⁅r|H|64⁆⟧
APP_URL=https://shop.holzspielwaren-brenner.de
DATABASE_URL=mysql://shopware:⟦S:Kiefer!Zapfen_2024⟧@127.0.0.1:3306/shopware
MAILER_DSN=smtp://shop-mailer:⟦S:Werkbank-93-Leim⟧@smtp.ionos.de:587
SHOPWARE_ES_ENABLED=0
SHOPWARE_HTTP_CACHE_ENABLED=1
""",
)

add(
    "cred",
    "fr",
    "ovh-dns-update-script",
    "code",
    """
Mon script qui met à jour l'enregistrement DNS de mon serveur maison via l'API OVHcloud renvoie « This credential is not valid ». Tu vois d'où ça vient ?

import ovh, requests
client = ovh.Client(
    endpoint="ovh-eu",
    application_key="⟦K:⁅r|A|16⁆⟧",
    application_secret="⟦K:⁅r|A|32⁆⟧",
    consumer_key="⟦K:⁅r|A|32⁆⟧",
)
ip = requests.get("https://api.ipify.org").text
client.put("/domain/zone/maison-leclerc.fr/record/5218843301", target=ip)
client.post("/domain/zone/maison-leclerc.fr/refresh")
""",
)

add(
    "cred",
    "es",
    "afip-electronic-invoicing-node",
    "code",
    """
Estoy armando la facturación electrónica con AFIP (WSFE) en Node para la ferretería y me tira "cms.cert.untrusted". ¿Es el certificado o la clave? Este es el código:

const Afip = require('@afipsdk/afip.js');
const afip = new Afip({
  CUIT: ⟦ID@AR:⁅id|AR|20########?⁆⟧,
  cert: fs.readFileSync('./cert/ferreteria.crt', 'utf8'),
  key: `⟦PK:⁅rsa|2048|pkcs1⁆⟧`,
  production: true,
});
const ultimo = await afip.ElectronicBilling.getLastVoucher(3, 11);
""",
)

add(
    "cred",
    "it",
    "phpmailer-booking-site",
    "code",
    """
Il sito per prenotare il campo da calcetto non manda più le email di conferma: PHPMailer dice "SMTP Error: Could not authenticate". Ecco la configurazione, cosa devo controllare?

$mail = new PHPMailer(true);
$mail->isSMTP();
$mail->Host       = 'smtps.aruba.it';
$mail->SMTPAuth   = true;
$mail->Username   = SMTP_USER;
$mail->Password   = '⟦S:calcetto_Mercoledi_21⟧';
$mail->SMTPSecure = PHPMailer::ENCRYPTION_SMTPS;
$mail->Port       = 465;
define('RECAPTCHA_SECRET', '⟦K:6Lc⁅r|B|37⁆⟧');
""",
)

add(
    "cred",
    "pt",
    "gitlab-ci-ssh-deploy",
    "yaml",
    """
O meu pipeline no GitLab falha no passo de deploy com "error in libcrypto". Colei a chave diretamente no .gitlab-ci.yml só para testar:

deploy:
  stage: deploy
  image: alpine:3.20
  before_script:
    - apk add --no-cache openssh-client
    - mkdir -p ~/.ssh && chmod 700 ~/.ssh
    - |
      cat > ~/.ssh/id_ecdsa <<'CHAVE'
      ⟦PK:⁅ec|sec1|ind6⁆⟧
      CHAVE
    - chmod 600 ~/.ssh/id_ecdsa
  script:
    - ssh -o StrictHostKeyChecking=no deploy@203.0.113.40 'cd /srv/loja && ./atualizar.sh'
""",
)

add(
    "cred",
    "nl",
    "bunq-balance-script",
    "code",
    """
Ik wil met Python het saldo van mijn bunq-rekeningen uitlezen voor ons huishoudboekje, maar ik krijg steeds "Incorrect API key or IP address". Dit is de code:

from bunq.sdk.context.api_context import ApiContext
from bunq.sdk.context.api_environment_type import ApiEnvironmentType

ctx = ApiContext.create(ApiEnvironmentType.PRODUCTION, "⟦K:⁅r|H|64⁆⟧", "huishoudscript")
ctx.save("bunq.conf")
""",
)

add(
    "cred",
    "pl",
    "inpost-shipx-laravel",
    "env",
    """
Integracja z InPost ShipX w Laravelu zwraca 401 "token_invalid". W .env mam poniższe. Czy ten token ma datę ważności i co jeszcze sprawdzić?

INPOST_API_URL=https://api-shipx-pl.easypack24.net
INPOST_ORG_ID=48213
INPOST_TOKEN=⟦S:⁅jwt|RS256|{"iss":"https://login.inpost.pl/auth/realms/external","sub":"org-48213","typ":"Bearer","azp":"shipx","scope":"api:apipoint"}⁆⟧
INPOST_DEFAULT_SIZE=B
""",
)

add(
    "cred",
    "ru",
    "vk-community-bot",
    "code",
    """
Бот для сообщества любителей настольных игр в VK перестал отвечать, в логах «[5] User authorization failed: invalid access_token». Вот код:

import vk_api
from vk_api.bot_longpoll import VkBotLongPoll, VkBotEventType

vk = vk_api.VkApi(token="⟦K:vk1.a.⁅r|B|170⁆⟧")
longpoll = VkBotLongPoll(vk, group_id=218440917)
for event in longpoll.listen():
    if event.type == VkBotEventType.MESSAGE_NEW:
        handle(event)

Токен брал в настройках сообщества полгода назад.
""",
)

add(
    "cred",
    "uk",
    "tax-key-password-in-notes",
    "prose",
    """
Чи безпечно тримати такі речі в нотатках телефону? Ось що там зараз записано, підкажи, куди це краще перенести:

«Ключ КЕП (флешка в шухляді) — пароль ⟦S:Соняшник_1987_кр⟧, саме кирилицею. Пошта ФОП — ⟦S:fop.osadchuk!2023⟧. Кабінет платника — через ключ.»
""",
)

add(
    "cred",
    "ja",
    "line-bot-webhook",
    "code",
    """
LINE公式アカウントのボットで、Webhookの署名検証が毎回失敗します（「Invalid signature」）。設定は以下の通りです。どこが間違っていますか？

from linebot.v3 import WebhookHandler
from linebot.v3.messaging import Configuration

configuration = Configuration(access_token="⟦K:⁅r|S|171⁆=⟧")
handler = WebhookHandler("⟦K:⁅r|H|32⁆⟧")

@app.post("/callback")
def callback():
    signature = request.headers["X-Line-Signature"]
    handler.handle(request.get_data(as_text=True), signature)
    return "OK"
""",
)

add(
    "cred",
    "zh",
    "wechat-pay-callback-config",
    "yaml",
    """
微信支付回调验签一直失败，这是我的配置（测试完会换掉）。是不是证书序列号填错了？

wechat:
  mchid: "1683325719"
  appid: wx8c3f0a4d2b6e1973
  api_v3_key: "⟦K:⁅r|A|32⁆⟧"
  serial_no: 5157F09EFDC096DE15EBE81A47057A7232F1B8E1
  private_key: |
    ⟦PK:⁅rsa|2048|pkcs8|ind4⁆⟧
  notify_url: https://shop.chayeqingshan.cn/pay/notify
""",
)

add(
    "cred",
    "ko",
    "kakao-login-config",
    "yaml",
    """
카카오 로그인 연동 중에 'KOE101' 오류가 나요. application.yml 일부인데 뭐가 잘못됐을까요?

kakao:
  rest-api-key: ⟦K:⁅r|H|32⁆⟧
  admin-key: ⟦K:⁅r|H|32⁆⟧
  client-secret: ⟦K:⁅r|A|32⁆⟧
  redirect-uri: http://localhost:8080/login/oauth2/code/kakao
""",
)

add(
    "cred",
    "sv",
    "electricity-price-eink",
    "code",
    """
Jag vill visa timpriset för el på en e-ink-skärm i hallen. Varför får jag "Context creation failed: invalid token"?

import requests
TOKEN = "⟦K:⁅r|B|43⁆⟧"
q = "{ viewer { homes { currentSubscription { priceInfo { today { total startsAt } } } } } }"
r = requests.post("https://api.tibber.com/v1-beta/gql",
                  json={"query": q},
                  headers={"Authorization": f"Bearer {TOKEN}"})
print(r.json())
""",
)

add(
    "cred",
    "tr",
    "accounting-api-oauth",
    "code",
    """
Muhasebe programının API'sine Python'dan bağlanmaya çalışıyorum ama "invalid_grant" hatası alıyorum. Kod şöyle:

data = {
    "grant_type": "password",
    "client_id": "Xq7Lr2vN9bTm4KcW8yHd3sFg6pJz1aQe5uRo0iMkBnC",
    "client_secret": "⟦K:⁅r|B|43⁆⟧",
    "username": "⟦E:efe.yildirim@efeyapi.com.tr⟧",
    "password": "⟦S:Efe.Yapi_2022*⟧",
    "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
}
r = requests.post("https://api.parasut.com/oauth/token", data=data)
""",
)

add(
    "cred",
    "cs",
    "bank-api-to-sheets",
    "code",
    """
Stahuju pohyby z bankovního API do Google Sheets přes Apps Script a dostávám HTTP 409. Proč?

const TOKEN = '⟦K:⁅r|A|64⁆⟧';
function nactiPohyby() {
  const url = `https://fioapi.fio.cz/v1/rest/last/${TOKEN}/transactions.json`;
  const data = JSON.parse(UrlFetchApp.fetch(url).getContentText());
  const sheet = SpreadsheetApp.getActive().getSheetByName('Pohyby');
  data.accountStatement.transactionList.transaction.forEach(t => sheet.appendRow([t.column0.value, t.column1.value]));
}
""",
)

add(
    "cred",
    "fi",
    "ghost-blog-config",
    "json",
    """
Ghost-blogi ei lähetä jäsenille kirjautumislinkkejä tuotannossa, vaikka kehitysympäristössä toimii. Tässä config.production.json:

{
  "url": "https://lukupiiri-kirjasto.fi",
  "database": {
    "client": "mysql",
    "connection": {"host": "127.0.0.1", "user": "ghost", "password": "⟦S:Haapa-Lahna-58⟧", "database": "ghost_prod"}
  },
  "mail": {
    "transport": "SMTP",
    "options": {"service": "SendGrid", "auth": {"user": "apikey", "pass": "⟦K:SG.⁅r|B|22⁆.⁅r|B|43⁆⟧"}}
  }
}
""",
)

add(
    "cred",
    "ro",
    "marketplace-api-basic-auth",
    "http",
    """
API-ul marketplace-ului îmi răspunde "Authentication failed" la cererea de mai jos, copiată din Postman. Ce greșesc?

POST /api-3/product_offer/read HTTP/1.1
Host: marketplace-api.emag.ro
Authorization: Basic ⟦S:Y2VyYW1pY2EucmFkdTpDYWN0dXMjVmVyZGU3Nw==⟧
Content-Type: application/json

{"currentPage": 1, "itemsPerPage": 100}
""",
)

add(
    "cred",
    "ar",
    "authenticator-export-question",
    "prose",
    """
سأنتقل إلى هاتف جديد، وحفظت رمز QR الخاص بالتحقق بخطوتين كنص، وهذا هو: otpauth://totp/Noon:⟦U:salem.qahtani88⟧?secret=⟦S:⁅r|A2|32⁆⟧&issuer=Noon — وكلمة المرور للحساب نفسه هي ⟦S:صقر_نجد٨٨⟧. هل يكفي أن أمسح هذا الرمز من الهاتف الجديد، أم يجب تعطيل التحقق وإعادة تفعيله؟
""",
)

add(
    "cred",
    "hi",
    "password-strength-question",
    "prose",
    """
मैंने पिताजी के लिए नया नेटबैंकिंग पासवर्ड ⟦S:गंगा@1957⟧ और UPI पिन ⟦S:4819⟧ रखा है, क्योंकि उन्हें याद रखना आसान है। क्या ये सुरक्षित हैं? अगर नहीं, तो बुज़ुर्गों के लिए याद रखने लायक मज़बूत पासवर्ड कैसे बनाएँ?
""",
)

add(
    "cred",
    "id",
    "payment-gateway-laravel",
    "env",
    """
Integrasi Snap payment gateway di Laravel selalu 401 "Access denied due to unauthorized transaction". Ini konfigurasi saya, mana yang salah?

MIDTRANS_SERVER_KEY=⟦K:Mid-server-⁅r|B|24⁆⟧
MIDTRANS_CLIENT_KEY=Mid-client-⁅r|B|16⁆
MIDTRANS_IS_PRODUCTION=true
MIDTRANS_IS_SANITIZED=true
""",
)

add(
    "cred",
    "sk",
    "blocked-eid-card-notes",
    "prose",
    """
Mama si zablokovala občiansky preukaz s čipom. Zapísala som si, čo budem potrebovať na polícii, prosím, napíš mi z toho prehľadný zoznam krokov:
meno ⟦P:Oľga Kráľová⟧, narodená ⟦DOB:12. 8. 1954⟧, rodné číslo ⟦ID@SK:⁅id|SK|545812/###?⁆⟧; starý BOK bol ⟦S:482915⟧, PUK z obálky ⟦S:70218834⟧. Chce si nastaviť nový BOK, ale nevie, či sa dá použiť ten istý.
""",
)

add(
    "cred",
    "lt",
    "payment-redirect-php",
    "code",
    """
Mokėjimų integracija PHP grąžina "Invalid sign". Ką darau ne taip?

$request = WebToPay::redirectToPayment([
    'projectid'     => 241873,
    'sign_password' => '⟦S:⁅r|H|32⁆⟧',
    'orderid'       => 'UZS-2025-0912',
    'amount'        => 4599,
    'currency'      => 'EUR',
    'accepturl'     => 'https://keramika-vilnius.lt/aciu',
    'cancelurl'     => 'https://keramika-vilnius.lt/krepselis',
    'test'          => 0,
]);
""",
)

add(
    "cred",
    "fa",
    "payment-gateway-python",
    "code",
    """
درگاه پرداخت در فروشگاه کتاب من خطای -9 برمی‌گرداند. این بخش از کد پایتون است، مشکل کجاست؟

MERCHANT_ID = "⟦K:⁅uuid⁆⟧"
data = {
    "merchant_id": MERCHANT_ID,
    "amount": 1500000,
    "callback_url": "https://ketabforoosh.ir/verify",
    "description": "خرید کتاب",
}
r = requests.post("https://api.zarinpal.com/pg/v4/payment/request.json", json=data)
""",
)

add(
    "cred",
    "kk",
    "password-sticky-note",
    "prose",
    """
Әжемнің компьютер экранына жапсырылған қағазда мынадай жазу бар: «eGov порталының құпиясөзі: ⟦S:Алатау_1962⟧. ЭЦҚ кілтінің құпиясөзі: ⟦S:kazygurt77⟧.» Оған құпиясөздерді қауіпсіз сақтаудың қарапайым жолын түсіндіріп берші.
""",
)

add(
    "cred",
    "be",
    "noticeboard-security-warning",
    "prose",
    """
Гэтую паперку павесілі на дошку аб'яў у нашым аддзеле: «Пароль ад агульнай пошты аддзела — ⟦S:Бусел-Нарач-19⟧. Код ад дамафона на службовым уваходзе — ⟦S:3608⟧.» Напішы, калі ласка, кароткае ветлівае паведамленне калегам, чаму так рабіць нельга і што трэба зрабіць цяпер.
""",
)

add(
    "cred",
    "ht",
    "mobile-money-pin-change",
    "prose",
    """
Kijan pou m chanje kòd PIN MonCash mwen? Kounye a PIN nan se ⟦S:2741⟧ e modpas aplikasyon an se ⟦S:Lakay#509⟧, men mwen panse pitit gason m nan konnen yo. Ban m etap yo youn pa youn, tanpri.
""",
)

# ===========================================================================
# benign — English
# ===========================================================================
add(
    "benign",
    "en",
    "history-duel-question",
    "prose",
    """
When exactly did the Hamilton–Burr duel happen, and where in Weehawken? I've seen both 1755 and 1757 given as Alexander Hamilton's birth year — why the disagreement, and which one did he use himself?
""",
)

add(
    "benign",
    "en",
    "tv-fiction-address",
    "prose",
    """
Is 308 Negra Arroyo Lane, Albuquerque, New Mexico 87104 a real house? I know it's Walter White's address in Breaking Bad, but I read the owners had to put up a fence because of fans throwing pizzas on the roof. What's the story there?
""",
)

add(
    "benign",
    "en",
    "football-final-recap",
    "prose",
    """
Give me a short recap of the 1966 World Cup final for a pub quiz: England 4–2 West Germany after extra time, 30 July 1966 at Wembley, Geoff Hurst's hat-trick, the disputed third goal in the 101st minute and Kenneth Wolstenholme's "They think it's all over" line.
""",
)

add(
    "benign",
    "en",
    "hurricane-comparison",
    "markdown-table",
    """
Can you check this table for a school project and add a column for the Saffir–Simpson category at landfall?

| storm | year | min. pressure (mbar) | peak winds (mph) |
|---|---|---|---|
| Hurricane Andrew | 1992 | 922 | 175 |
| Hurricane Katrina | 2005 | 902 | 175 |
| Hurricane Ian | 2022 | 937 | 160 |
| Hurricane Milton | 2024 | 895 | 180 |
""",
)

add(
    "benign",
    "en",
    "luhn-unit-test",
    "code",
    """
Are these the right test card numbers to use in my Luhn unit tests? They're the ones from the Stripe and PayPal docs.

def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    checksum = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
    return checksum % 10 == 0

def test_known_test_cards():
    assert luhn_ok("4242 4242 4242 4242")
    assert luhn_ok("4111 1111 1111 1111")
    assert luhn_ok("5555 5555 5555 4444")
    assert not luhn_ok("4242 4242 4242 4241")
""",
)

add(
    "benign",
    "en",
    "compose-placeholder-passwords",
    "yaml",
    """
Is this docker-compose file safe to commit to a public repo? The real values live in a .env file that's git-ignored.

services:
  db:
    image: postgres:16.4
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set me}
  api:
    image: ghcr.io/example/api:1.8.2
    environment:
      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db:5432/app
      JWT_SECRET: ${JWT_SECRET:-changeme}
      SMTP_PASSWORD: <your-smtp-password>
""",
)

add(
    "benign",
    "en",
    "aws-docs-example-keys",
    "prose",
    """
In the AWS CLI docs they show AKIAIOSFODNN7EXAMPLE as the access key ID and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY as the secret. Are those real keys that are just disabled, or were they made up? Our secret scanner keeps flagging them in our docs folder.
""",
)

add(
    "benign",
    "en",
    "node-upgrade-crash",
    "kv-log",
    """
After upgrading from Node 18.19.1 to 20.11.0 (npm 10.2.4) the build crashes with this. Any idea?

node[48213]: ../src/node_platform.cc:68:std::unique_ptr<long unsigned int> node::WorkerThreadsTaskRunner::DelayedTaskScheduler::Start(): Assertion `(0) == (uv_thread_create(t.get(), start_thread, this))' failed.
 1: 0xb7b9d0 node::Abort() [node]
 2: 0xb7ba4e  [node]
 3: 0xbf5c61 node::WorkerThreadsTaskRunner::WorkerThreadsTaskRunner(int) [node]
error Command failed with exit code 134.
""",
)

add(
    "benign",
    "en",
    "parcel-and-order-numbers",
    "prose",
    """
Help me write a complaint to the seller: order #113-4567890-1234567 was placed on 2 October, the UPS tracking 1Z999AA10123456784 has said "Exception: address information required" since 9 October, and the invoice INV-2025-004481 shows the right postcode. I'd like either a reshipment or a refund of £89.99.
""",
)

add(
    "benign",
    "en",
    "bibliography-isbn-format",
    "prose",
    """
Format these in Chicago style, please:
- Homer, The Odyssey, trans. Robert Fagles, Penguin Classics 1997, ISBN 978-0-14-026886-7
- Mary Beard, SPQR: A History of Ancient Rome, Profile Books 2015, ISBN 978-1-84668-380-5
- Umberto Eco, The Name of the Rose, Vintage 2004, ISBN 978-0-09-946603-1
""",
)

add(
    "benign",
    "en",
    "taxicab-number-proof",
    "prose",
    """
Why is 1729 the smallest number expressible as the sum of two cubes in two different ways (1^3 + 12^3 = 9^3 + 10^3)? And is 4104 = 2^3 + 16^3 = 9^3 + 15^3 the next one? A short proof sketch would be great.
""",
)

add(
    "benign",
    "en",
    "sourdough-schedule",
    "prose",
    """
Can you turn this into a weekend sourdough schedule? Levain at 9:00 Friday night (50 g starter, 50 g water, 50 g flour), mix at 8:30 Saturday with 500 g flour and 360 g water at 26 °C, 4 sets of stretch-and-folds every 30 minutes, bulk until +50 %, shape, cold retard 14 hours at 4 °C, bake 20 min lid on at 250 °C then 25 min at 230 °C.
""",
)

add(
    "benign",
    "en",
    "rail-itinerary-portugal",
    "prose",
    """
Plan a day trip: Alfa Pendular 121 leaves Lisboa Santa Apolónia at 08:39 and arrives Porto Campanhã at 11:35, coach 5, seats 41 and 42. We want lunch near Rua das Flores, the Livraria Lello at 13:30 (tickets €8), and the 18:52 train back. Is three hours enough for the Ribeira too?
""",
)

add(
    "benign",
    "en",
    "force-majeure-clause",
    "prose",
    """
Explain in plain English what this clause means for a small catering business:

"Neither [PARTY A] nor [PARTY B] shall be liable for any failure or delay in performance under this Agreement (other than payment obligations) to the extent caused by events beyond its reasonable control, including fire, flood, epidemic, strike or governmental action, provided that the affected Party notifies the other within five (5) Business Days."
""",
)

add(
    "benign",
    "en",
    "compound-interest-check",
    "prose",
    """
If I put $12,500 into a CD at 4.35% APY compounded monthly for 7 years, what do I end up with? And how does that compare with 4.10% compounded daily? Please show the formula.
""",
)

add(
    "benign",
    "en",
    "museum-label-translation",
    "prose",
    """
Translate this museum label into Spanish for our bilingual exhibition:

"Marie Skłodowska Curie (born 7 November 1867, Warsaw – died 4 July 1934, Passy) was the first person to win Nobel Prizes in two sciences: physics in 1903, shared with Pierre Curie and Henri Becquerel, and chemistry in 1911 for the discovery of polonium and radium."
""",
)

add(
    "benign",
    "en",
    "famous-london-addresses",
    "prose",
    """
For a London walking tour script: 221B Baker Street never existed when Conan Doyle wrote the stories, right? And the Abbey Road crossing from the 1969 album cover is outside number 3 Abbey Road, NW8? How far is one from the other on foot?
""",
)

add(
    "benign",
    "en",
    "landmark-facts",
    "prose",
    """
Fact-check this paragraph: "The Empire State Building at 350 Fifth Avenue, New York, NY 10118 opened on 1 May 1931. It is 443 m tall including the antenna, has 102 floors and was built in 410 days."
""",
)

add(
    "benign",
    "en",
    "band-member-birthdays",
    "prose",
    """
For a Beatles trivia night: John Lennon was born on 9 October 1940, Paul McCartney on 18 June 1942, George Harrison on 25 February 1943 and Ringo Starr on 7 July 1940. Can you write one question per member using those dates?
""",
)

add(
    "benign",
    "en",
    "reserved-example-contacts",
    "prose",
    """
Our style guide says to use jane.doe@example.com and phone numbers like (202) 555-0199 in screenshots. Why are example.com and the 555-0100 to 555-0199 range safe to use, and what are the equivalents for UK numbers?
""",
)

add(
    "benign",
    "en",
    "physics-constants",
    "prose",
    """
Explain to a 14-year-old why Avogadro's number is exactly 6.02214076 × 10^23 since 2019, and why the speed of light is exactly 299 792 458 m/s. Are those numbers measured or defined?
""",
)

add(
    "benign",
    "en",
    "documentation-ip-ranges",
    "prose",
    """
Why do RFCs and vendor docs always use 192.0.2.10, 198.51.100.7, 203.0.113.25 and 2001:db8::1 in examples? And is the UUID 123e4567-e89b-12d3-a456-426614174000 that shows up everywhere also a reserved example?
""",
)

add(
    "benign",
    "en",
    "diabetes-types-question",
    "prose",
    """
What's the actual difference between type 1 and type 2 diabetes, and why do some people with type 2 end up on insulin anyway? Also, why is metformin usually the first drug doctors try? General explanation please, it's for a biology essay.
""",
)

add(
    "benign",
    "en",
    "semver-and-commit-question",
    "command",
    """
What does a version like v2.14.0-rc.3+build.5471 mean in semver terms, and why doesn't this commit show up on main?

$ git branch --contains 9fceb02d0ae598e95dc970b74767f19372d61af8
  release/2.14
$ git log --oneline -1 9fceb02
9fceb02 fix(parser): handle empty arrays (#4412)
""",
)

add(
    "benign",
    "en",
    "song-phone-number",
    "prose",
    """
Is it true that people with the number 867-5309 got so many calls after Tommy Tutone's 1981 song "867-5309/Jenny" that some of them changed numbers? Which area codes were worst hit?
""",
)

# ===========================================================================
# benign — other languages
# ===========================================================================
add(
    "benign",
    "de",
    "bundestag-history-question",
    "prose",
    """
Für ein Schulreferat: Konrad Adenauer wurde am 5. Januar 1876 in Köln geboren und war von 1949 bis 1963 Bundeskanzler. Seit wann tagt der Bundestag im Reichstagsgebäude (Platz der Republik 1, 11011 Berlin), und warum hat die Kuppel von Norman Foster eine Spiegelspirale?
""",
)

add(
    "benign",
    "de",
    "din5008-placeholder-letter",
    "form",
    """
Ist diese Briefvorlage nach DIN 5008 korrekt aufgebaut? Die Platzhalter ersetzen wir später per Serienbrief.

Max Mustermann
Musterstraße 1
12345 Musterstadt
Telefon: 01234 567890
E-Mail: max.mustermann@example.com

Betreff: Ihre Anfrage vom TT.MM.JJJJ
Sehr geehrte Frau Musterfrau,
""",
)

add(
    "benign",
    "fr",
    "cycling-history-question",
    "prose",
    """
Le Tour de France 1989 s'est joué à 8 secondes entre Greg LeMond et Laurent Fignon, le 23 juillet, lors du contre-la-montre final Versailles – Champs-Élysées (24,5 km). Peux-tu m'expliquer pourquoi le guidon de triathlète de LeMond a tant compté ?
""",
)

add(
    "benign",
    "fr",
    "bourguignon-recipe",
    "prose",
    """
Peux-tu adapter cette recette de bœuf bourguignon pour 10 personnes ? Pour 4 : 1,2 kg de paleron, 75 cl de vin rouge de Bourgogne, 150 g de lardons, 250 g de champignons, 2 carottes, 1 oignon, bouquet garni ; 3 h de cuisson à 160 °C.
""",
)

add(
    "benign",
    "es",
    "avenue-history-question",
    "prose",
    """
¿Por qué la Avenida 9 de Julio de Buenos Aires se llama así y cuánto mide realmente de ancho (dicen que 140 metros)? ¿Y desde cuándo la calle Florida es peatonal?
""",
)

add(
    "benign",
    "es",
    "world-cup-final-summary",
    "prose",
    """
Resume la final del Mundial de 2022 para un artículo escolar: Argentina 3 – Francia 3, 4-2 en penales, 18 de diciembre de 2022 en el estadio de Lusail. Goles de Messi (2) y Di María, triplete de Mbappé; el penal decisivo lo convirtió Gonzalo Montiel.
""",
)

add(
    "benign",
    "it",
    "venice-house-numbers",
    "prose",
    """
Perché a Venezia i numeri civici non seguono le strade ma i sestieri? Ad esempio la Ca' d'Oro è a Cannaregio 3932 e Palazzo Grassi a San Marco 3231. Come fa un postino a orientarsi?
""",
)

add(
    "benign",
    "pt",
    "pessoa-literary-question",
    "prose",
    """
O Livro do Desassossego é atribuído a Bernardo Soares, ajudante de guarda-livros na Rua dos Douradores, em Lisboa. Fernando Pessoa nasceu a 13 de junho de 1888: quantos heterónimos criou e qual a diferença entre heterónimo e semi-heterónimo?
""",
)

add(
    "benign",
    "nl",
    "flood-history",
    "prose",
    """
Bij de Watersnoodramp van 1 februari 1953 kwamen 1836 mensen om. Kun je uitleggen hoe de Deltawerken daarna zijn gebouwd en waarom de Oosterscheldekering (ca. 9 km) open is gebleven?
""",
)

add(
    "benign",
    "pl",
    "battle-history-question",
    "prose",
    """
Przygotuj krótką notatkę o bitwie pod Grunwaldem (15 lipca 1410): kto dowodził, ile trwała bitwa i dlaczego Jan Matejko namalował obraz dopiero w 1878 roku?
""",
)

add(
    "benign",
    "ru",
    "spaceflight-history",
    "prose",
    """
Юрий Гагарин полетел 12 апреля 1961 года на корабле «Восток-1», полёт длился 108 минут. Почему он приземлился отдельно от спускаемого аппарата, на парашюте?
""",
)

add(
    "benign",
    "uk",
    "poet-and-street-history",
    "prose",
    """
Тарас Шевченко народився 9 березня 1814 року в Моринцях. Чому бульвар і парк у Києві названі на його честь, і як давно Хрещатик став головною вулицею міста?
""",
)

add(
    "benign",
    "ja",
    "novelist-birthday-question",
    "prose",
    """
夏目漱石は慶応3年1月5日（1867年2月9日）生まれですが、なぜ旧暦と新暦で日付が違うのですか？また『こころ』が朝日新聞に連載されたのは何年ですか？
""",
)

add(
    "benign",
    "ja",
    "landmark-postal-address",
    "prose",
    """
皇居の住所は「東京都千代田区千代田1-1」で郵便番号は100-8111だと聞きました。一般の郵便番号とは違う「大口事業所個別番号」とは何ですか？
""",
)

add(
    "benign",
    "zh",
    "typhoon-facts",
    "prose",
    """
请帮我核对：2018年台风“山竹”于9月16日在广东台山登陆，登陆时中心附近最大风力14级（45米/秒），香港天文台发出十号风球。还有哪些数据值得写进报告？
""",
)

add(
    "benign",
    "zh",
    "dockerfile-version-pin",
    "code",
    """
这个 Dockerfile 里为什么同时写版本号和 sha256 摘要？哪一个优先？

ARG NGINX_VERSION=1.27.3
FROM nginx:${NGINX_VERSION}-alpine@sha256:4ff102c5d78d254a6f0da062b3cf39eaf07f01eec0927fd21e219d0af8bc0591
COPY dist/ /usr/share/nginx/html/
EXPOSE 8080
""",
)

add(
    "benign",
    "ko",
    "hangul-history",
    "prose",
    """
세종대왕이 훈민정음을 창제한 해는 1443년이고 반포는 1446년인데, 한글날이 10월 9일로 정해진 이유가 궁금해요. 간단히 설명해 주세요.
""",
)

add(
    "benign",
    "sv",
    "warship-history",
    "prose",
    """
Regalskeppet Vasa sjönk på jungfruresan den 10 augusti 1628, bara 1 300 meter från kajen. Varför var hon så instabil, och hur bärgades hon 1961?
""",
)

add(
    "benign",
    "tr",
    "republic-history",
    "prose",
    """
Atatürk'ün 19 Mayıs 1919'da Samsun'a çıkışı neden Kurtuluş Savaşı'nın başlangıcı kabul edilir? Ayrıca Galata Kulesi'nin yüksekliği 62,59 metre mi, 66,9 metre mi?
""",
)

add(
    "benign",
    "el",
    "marathon-history",
    "prose",
    """
Η μάχη του Μαραθώνα έγινε το 490 π.Χ. Γιατί η απόσταση του σύγχρονου μαραθωνίου είναι 42,195 χλμ. και όχι περίπου 40, όπως στους Ολυμπιακούς του 1896;
""",
)

add(
    "benign",
    "da",
    "fairy-tale-author",
    "prose",
    """
H.C. Andersen blev født den 2. april 1805 i Odense. Hvor mange eventyr skrev han, og hvornår blev Den lille Havfrue-statuen på Langelinie sat op?
""",
)

add(
    "benign",
    "no",
    "polar-expedition",
    "prose",
    """
Roald Amundsen nådde Sydpolen 14. desember 1911, fem uker før Scott. Hvor mange hunder hadde han med fra Framheim, og hvor lang var turen tur-retur?
""",
)

add(
    "benign",
    "hu",
    "football-history",
    "prose",
    """
Az 1953. november 25-i angol–magyar 6:3 után miért nevezték a csapatot Aranycsapatnak? Hány gólt lőtt Puskás Ferenc a Wembleyben?
""",
)

add(
    "benign",
    "ar",
    "traveller-history",
    "prose",
    """
انطلق ابن بطوطة من طنجة عام 1325 وعاد إلى المغرب نهائيًا عام 1354. كم كيلومترًا قطع تقريبًا، وما اسم الكتاب الذي دوّن فيه رحلته؟
""",
)

add(
    "benign",
    "he",
    "independence-history",
    "prose",
    """
דוד בן-גוריון הכריז על הקמת המדינה ב-14 במאי 1948 (ה' באייר תש"ח) בבית דיזנגוף בשדרות רוטשילד 16 בתל אביב. למה דווקא שם ולא בירושלים?
""",
)

add(
    "benign",
    "hi",
    "monument-history",
    "prose",
    """
ताजमहल का निर्माण 1632 में शुरू हुआ और लगभग 1653 तक चला। इसमें लगभग 20,000 कारीगर लगे थे, क्या यह सच है? मुख्य गुंबद की ऊँचाई कितनी है?
""",
)

add(
    "benign",
    "vi",
    "battle-history",
    "prose",
    """
Chiến dịch Điện Biên Phủ kết thúc ngày 7/5/1954 sau 56 ngày đêm. Hãy tóm tắt ba giai đoạn chính của chiến dịch cho bài thuyết trình lớp 12.
""",
)

add(
    "benign",
    "th",
    "festival-and-temple",
    "prose",
    """
ช่วยเขียนย่อหน้าแนะนำเทศกาลสงกรานต์ 13–15 เมษายน สำหรับนักท่องเที่ยว และบอกด้วยว่าพระปรางค์วัดอรุณสูงประมาณกี่เมตร
""",
)

add(
    "benign",
    "bg",
    "poet-revolutionary",
    "prose",
    """
Христо Ботев слиза с четата си при Козлодуй на 17 май 1876 г. след отвличането на парахода „Радецки“. Колко дни продължава походът до Околчица?
""",
)

add(
    "benign",
    "hr",
    "inventor-biography",
    "prose",
    """
Nikola Tesla rođen je 10. srpnja 1856. u Smiljanu. Napiši mi kratak tekst za plakat o njegovom izumu izmjenične struje i o tome koliko je patenata imao.
""",
)

add(
    "benign",
    "sk",
    "astronomer-general",
    "prose",
    """
Milan Rastislav Štefánik sa narodil 21. júla 1880 v Košariskách. Prečo je po ňom pomenované letisko v Bratislave a čo pozoroval na Tahiti?
""",
)

add(
    "benign",
    "et",
    "baltic-way-facts",
    "prose",
    """
Balti kett toimus 23. augustil 1989 ja ulatus Tallinnast Vilniuseni umbes 675 km. Mitu inimest selles osales ja miks just see kuupäev valiti?
""",
)

add(
    "benign",
    "lt",
    "tv-tower-history",
    "prose",
    """
Kas tiksliai įvyko prie Vilniaus televizijos bokšto 1991 m. sausio 13 d.? Bokštas yra 326,5 m aukščio — ar tai vis dar aukščiausias statinys Lietuvoje?
""",
)

add(
    "benign",
    "ms",
    "independence-day",
    "prose",
    """
Tunku Abdul Rahman melaungkan "Merdeka!" sebanyak tujuh kali di Stadium Merdeka pada 31 Ogos 1957. Boleh terangkan kenapa Sabah dan Sarawak hanya menyertai pada 16 September 1963?
""",
)

add(
    "benign",
    "fa",
    "poet-and-ruins",
    "prose",
    """
حافظ شیرازی حدود سال ۷۹۲ هجری قمری درگذشت. آرامگاه او در شیراز است و تخت جمشید حدود ۶۰ کیلومتر دورتر. ساخت تخت جمشید از چه سالی آغاز شد؟
""",
)

add(
    "benign",
    "bn",
    "nobel-poet",
    "prose",
    """
রবীন্দ্রনাথ ঠাকুর ১৯১৩ সালে গীতাঞ্জলির জন্য নোবেল পুরস্কার পান। ইংরেজি গীতাঞ্জলিতে কতগুলি কবিতা ছিল এবং ভূমিকা কে লিখেছিলেন?
""",
)

add(
    "benign",
    "ta",
    "classical-text",
    "prose",
    """
திருக்குறளில் 1330 குறள்கள், 133 அதிகாரங்கள் உள்ளன. அறம், பொருள், இன்பம் என்ற மூன்று பால்களில் ஒவ்வொன்றிலும் எத்தனை அதிகாரங்கள் உள்ளன?
""",
)

add(
    "benign",
    "sw",
    "mountain-facts",
    "prose",
    """
Mlima Kilimanjaro una urefu wa mita 5,895 juu ya usawa wa bahari. Nieleze kwa ufupi njia ya Marangu na kwa nini Mwalimu Julius Nyerere alitaka Mwenge wa Uhuru uwekwe kileleni mwaka 1961.
""",
)

add(
    "benign",
    "sr",
    "nobel-novelist",
    "prose",
    """
Иво Андрић је добио Нобелову награду за књижевност 1961. године. Колико лукова има мост на Дрини у Вишеграду и када је саграђен?
""",
)

add(
    "benign",
    "ka",
    "epic-poem",
    "prose",
    """
შოთა რუსთაველის „ვეფხისტყაოსანი“ დაახლოებით 1600 სტროფისგან შედგება. რატომ ითვლება, რომ პოემა თამარ მეფის ეპოქაში დაიწერა?
""",
)

add(
    "benign",
    "hy",
    "mountain-and-manuscripts",
    "prose",
    """
Արարատ լեռան բարձրությունը 5137 մետր է։ Պատմիր Մատենադարանի մասին՝ քանի ձեռագիր է պահվում այնտեղ և երբ է հիմնադրվել։
""",
)

add(
    "benign",
    "eu",
    "bombing-history",
    "prose",
    """
Gernikako bonbardaketa 1937ko apirilaren 26an gertatu zen, astelehen merkatu egunean. Zergatik margotu zuen Picassok bere koadroa Parisko Erakusketa Unibertsalerako?
""",
)

add(
    "benign",
    "cy",
    "village-name-question",
    "prose",
    """
Faint o lythrennau sydd yn enw llawn pentref Llanfairpwllgwyngyll ar Ynys Môn, a beth yw ystyr yr enw yn Saesneg? Ysgrifennwyd yr enw hir yn yr 1860au, onid e?
""",
)

add(
    "benign",
    "ga",
    "easter-rising-history",
    "prose",
    """
Cén fáth ar léigh Pádraig Mac Piarais Forógra na Poblachta taobh amuigh d'Ard-Oifig an Phoist ar Shráid Uí Chonaill ar an 24 Aibreán 1916? Cé mhéad duine a shínigh é?
""",
)

add(
    "benign",
    "mt",
    "great-siege-history",
    "prose",
    """
L-Assedju l-Kbir beda fit-18 ta' Mejju 1565 u spicca fit-8 ta' Settembru. Kemm kien hemm Kavallieri u suldati Maltin jiddefendu l-Forti Sant'Iermu?
""",
)

add(
    "benign",
    "sq",
    "national-hero",
    "prose",
    """
Gjergj Kastrioti Skënderbeu lindi më 1405 dhe vdiq më 17 janar 1468 në Lezhë. Sa vjet i rezistoi Kruja rrethimeve osmane?
""",
)

add(
    "benign",
    "az",
    "poet-and-towers",
    "prose",
    """
Nizami Gəncəvinin "Xəmsə"si neçə poemadan ibarətdir? Bir də Bakıdakı Alov Qüllələrinin ən hündürü 182 metrdir, yoxsa 190?
""",
)

add(
    "benign",
    "mn",
    "empire-founding",
    "prose",
    """
Чингис хаан 1206 онд Их Монгол Улсыг байгуулсан. Хурилдай хаана болсон бэ, тэр үед хэдэн түмэн цэрэгтэй байсан бэ?
""",
)

add(
    "benign",
    "ne",
    "first-ascent",
    "prose",
    """
तेन्जिङ नोर्गे शेर्पा र एडमन्ड हिलारी २९ मे १९५३ मा सगरमाथाको चुचुरोमा पुगेका थिए। सगरमाथाको नयाँ नापिएको उचाइ ८,८४८.८६ मिटर कहिले घोषणा गरियो?
""",
)

add(
    "benign",
    "ca",
    "basilica-facts",
    "prose",
    """
La Sagrada Família és al carrer de Mallorca, 401, de Barcelona. Gaudí hi va treballar des del 1883 fins a la seva mort el 1926. Quan està previst acabar la torre de Jesucrist, de 172,5 metres?
""",
)

add(
    "benign",
    "af",
    "mountain-and-history",
    "prose",
    """
Tafelberg is 1 086 meter hoog en Jan van Riebeeck het in April 1652 in Tafelbaai aangekom. Hoe lank neem die kabelkar na bo, en wanneer is dit die eerste keer gebou?
""",
)

add(
    "benign",
    "zu",
    "battle-history",
    "prose",
    """
Impi yase-Isandlwana yalwiwa mhla zingama-22 kuMasingana 1879. Ngicela ungichazele kafushane ukuthi kungani iNkosi uCetshwayo yayifuna ukuvikela umhlaba wamaZulu.
""",
)

add(
    "benign",
    "ha",
    "city-walls-festival",
    "prose",
    """
Ganuwar birnin Kano tana da tsawon kilomita kusan 14. Don Allah ka bayyana mani tarihin bikin Durbar da ake yi bayan Sallah babba da karama.
""",
)

add(
    "benign",
    "so",
    "independence-history",
    "prose",
    """
Soomaaliya waxay xorriyadda qaadatay 1da Luulyo 1960, markii Waqooyiga iyo Koonfurta ay midoobeen. Ii sharax sababta 26ka Juun sidoo kale loogu dabaaldego.
""",
)

add(
    "benign",
    "rw",
    "community-work-day",
    "prose",
    """
Umuganda ukorwa ku wa Gatandatu wa nyuma wa buri kwezi, kuva saa tatu kugeza saa sita. Nsobanurira amateka yawo n'impamvu wongeye gushyirwaho mu 2009.
""",
)

add(
    "benign",
    "mg",
    "baobab-avenue",
    "prose",
    """
Firy ny isan'ny baobab ao amin'ny Lalan'ny Baobab akaikin'i Morondava, ary firy taona eo ho eo ny taonany? Nahazo fahaleovantena i Madagasikara tamin'ny 26 Jona 1960.
""",
)

add(
    "benign",
    "qu",
    "machu-picchu-question",
    "prose",
    """
Machu Picchu llaqtaqa 2430 metro altopim kachkan. Hiram Bingham 1911 watapi chayman chayarqa. Willaway, ¿hayk'a runakunataq chaypi tiyarqanku?
""",
)

add(
    "benign",
    "gn",
    "chaco-war-history",
    "prose",
    """
Ñorairõ Chaco-pegua oñepyrũ 1932-pe ha opa 1935-pe. Emombe'u chéve mbovy soldádo Paraguái ha Bolívia-gua omano upe ñorairõme.
""",
)

add(
    "benign",
    "sm",
    "writer-and-mountain",
    "prose",
    """
Na maliu Robert Louis Stevenson i Vailima i le aso 3 o Tesema 1894. Aisea na tanu ai o ia i le tumutumu o le mauga o Vaea?
""",
)

add(
    "benign",
    "to",
    "constitution-history",
    "prose",
    """
Na'e fakamo'oni'i 'e Tupou I 'a e Konisitūtone 'o Tonga 'i he 4 'o Nōvema 1875. Ko e hā 'oku mahu'inga ai 'a e 'aho ko 'ení ki he fonua?
""",
)

add(
    "benign",
    "br",
    "standing-stones",
    "prose",
    """
Peseurt oad eo ar menhirioù e Karnag, ha pet anezho a chom e steudadoù Kermaria ha Menec? Lavarit din ivez perak e oant bet savet war-dro 4500 vloaz kent Jezuz-Krist.
""",
)

add(
    "benign",
    "fo",
    "national-holiday",
    "prose",
    """
Ólavsøka verður hildin í Havn 28. og 29. juli hvørt ár. Hví er 29. juli serliga týdningarmikil, og nær varð fyrsta Ólavsøkukappróðurin róður?
""",
)

add(
    "benign",
    "mk",
    "lake-town-history",
    "prose",
    """
Самуиловата тврдина во Охрид е изградена крајот на X век. Колку е длабоко Охридското Езеро и зошто е под заштита на УНЕСКО од 1979 година?
""",
)

if __name__ == "__main__":
    out = HERE / "fresh30.jsonl"
    ct.build(PROMPTS, out, seed=SPLIT_SEED, id_prefix=ID_PREFIX)
