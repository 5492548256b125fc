#!/usr/bin/env python3
"""Build the 'fresh31' privacy-filter evaluation corpus (thirty-first blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax of ``_corpus_tools.py``

    ⟦TYPE:value⟧           e.g. ⟦P:Jan Novák⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@CZ:…⟧   (CC = ISO alpha-2)

Values that must look machine-made (national ids with check digits, IBANs,
cards, provider tokens, private keys, JWTs) are written as generator slots
``⁅kind|arg|…⁆`` inside the markers and filled at build time from one
``random.Random(3131)``, in the order the slots appear in this file:

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

``add()`` (below the machinery) fills the slots of one prompt and hands it to
``ct.add_prompt``.  ``_corpus_tools`` does the parsing, checks, dev/test split (seed 3131) and the
statistics; ids are ``aa-0001`` ….  Languages the shared module does not list
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

SEED = 3131
SPLIT_SEED = 3131
ID_PREFIX = "aa"

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
    # added in fresh30 (not in the README excerpts of earlier corpora)
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
    # new in fresh31 (not in the README excerpts of earlier corpora)
    "lo": ("LA",),
    "ti": ("ER", "ET"),
    "tg": ("TJ",),
    "ky": ("KG",),
    "tk": ("TM",),
    "ps": ("AF", "PK"),
    "ku": ("IQ", "TR", "SY"),
    "gd": ("GB",),
    "oc": ("FR",),
    "co": ("FR",),
    "eo": ("PL", "FR", "DE", "NL"),
    "xh": ("ZA",),
    "st": ("LS", "ZA"),
    "sn": ("ZW",),
    "ig": ("NG",),
    "wo": ("SN", "GM"),
    "ln": ("CD", "CG"),
    "fj": ("FJ",),
    "haw": ("US",),
    "ceb": ("PH",),
    "jv": ("ID",),
    "su": ("ID",),
    "gu": ("IN",),
    "pa": ("IN", "PK"),
    "kn": ("IN",),
    "te": ("IN",),
    "ml": ("IN",),
    "or": ("IN",),
    "as": ("IN",),
    "tt": ("RU",),
    "ba": ("RU",),
    "cv": ("RU",),
    "yi": ("US", "IL", "GB"),
    # used by earlier corpora, but not in the shared module
    "lb": ("LU",),
    "uz": ("UZ",),
    "km": ("KH",),
    "my": ("MM",),
    "si": ("LK",),
    "am": ("ET",),
    "mr": ("IN",),
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
    """Fill the generator slots of one prompt and append it."""
    ct.add_prompt(PROMPTS, group, lang, domain, fmt, fill(text))


# ===========================================================================
# pii
# ===========================================================================
add(
    "pii",
    "en",
    "community-fridge-recall-phone-tree",
    "csv",
    """
If there's a food-safety recall, our community fridge calls people in this order. Can you turn it into a printable phone-tree diagram? Keep the phone numbers.

order,volunteer,phone,email,notes
1,⟦P:Delphine Arkwright⟧,⟦T:07700 912 384⟧,⟦E:delphine.ark@fastmail.co.uk⟧,has keys
2,⟦P:Obinna Eze-Carter⟧,⟦T:07911 284 607⟧,⟦E:obinna.ec@outlook.com⟧,
3,⟦P:Marguerite Lowell⟧,⟦T:07823 556 190⟧,⟦E:m.lowell54@btinternet.com⟧,no heavy lifting (⟦MC:hernia⟧)
4,⟦P:Tariq Haddad⟧,⟦T:07456 309 821⟧,⟦E:tariq.h@proton.me⟧,
5,⟦P:Winnie Osei⟧,⟦T:07388 760 245⟧,⟦E:winnie.osei@gmail.com⟧,brings bleach-free spray (⟦MC:asthma⟧)
""",
)

add(
    "pii",
    "en",
    "escape-room-group-booking",
    "prose",
    """
Please rewrite this as a short, friendly email to the escape room company:

hi, booking ref ER-58821 for Saturday 7pm, 6 players. Lead booker is ⟦P:Callista Brennan⟧ (⟦T:+353 87 214 6630⟧). One of us, ⟦P:Ronan Whelehan⟧, has ⟦MC:photosensitive epilepsy⟧ so we need the room without the strobe effect, he takes ⟦MED:levetiracetam⟧ and is fine otherwise. Also ⟦P:Sinéad⟧ uses a wheelchair — is the Pharaoh room step-free? Reply to ⟦E:callista.brennan@eircom.net⟧ pls
""",
)

add(
    "pii",
    "en",
    "music-exam-access-arrangements",
    "form",
    """
Check this access-arrangements form for a grade 6 theory exam before I send it — is anything missing?

Candidate name: ⟦P:Imogen Falkner-Reyes⟧
Date of birth: ⟦DOB:19/08/2011⟧
Parent/guardian: ⟦P:Lorna Falkner⟧
Contact number: ⟦T:01308 423 117⟧
Address: ⟦A:14 Tern Close, Bridport DT6 4QS⟧
Condition: ⟦MC:dyslexia⟧ and ⟦MC:dyspraxia⟧ (assessment letter attached)
Arrangement requested: 25% extra time, enlarged paper (A3), separate room
Teacher: Mr ⟦P:Hollis⟧
""",
)

add(
    "pii",
    "en",
    "glacier-hike-permit-roster",
    "yaml",
    """
fix the indentation of this yaml, the guide app won't load it

permit: GL-2026-0917
guide: ⟦P:Halldóra Sveinsdóttir⟧
participants:
  - name: ⟦P:Jasper Vandenholt⟧
    born: ⟦DOB:1988-02-29⟧
    phone: "⟦T:+31 6 4827 1930⟧"
    medical: none
  - name: ⟦P:Mei-Lin Okonkwo⟧
    born: ⟦DOB:1995-11-03⟧
   phone: "⟦T:+44 7700 148 562⟧"
    medical: "⟦MC:type 1 diabetes⟧, carries ⟦MED:glucagon⟧"
  - name: ⟦P:Ferdinand Aalto⟧
    born: ⟦DOB:1979-06-17⟧
    phone: "⟦T:+358 40 723 8815⟧"
    medical: "⟦MC:bee sting allergy⟧ – ⟦MED:EpiPen⟧"
""",
)

add(
    "pii",
    "en",
    "stargazing-club-carpool-chat",
    "prose",
    """
Summarise who is driving whom to the dark-sky site on Friday, from this group chat:

[18:02] ⟦P:Gwen Tallis⟧: I can take 3, leaving from ⟦A:22 Heron Way, Keswick CA12 5RT⟧ at 8
[18:04] ⟦P:Abdul Rahim Qureshi⟧: pick me up? I'm at ⟦A:7 Mill Lane, Portinscale⟧, my mobile is ⟦T:07700 900 418⟧
[18:05] ⟦P:Gwen Tallis⟧: sure
[18:09] ⟦P:Priscilla Nwachukwu⟧: I'll drive the telescope van, room for ⟦P:Teodor⟧ and ⟦P:Hamish Bell⟧
[18:11] ⟦P:Hamish Bell⟧: my number if you get lost ⟦T:07911 123 674⟧
""",
)

add(
    "pii",
    "en",
    "teen-joint-account-letter",
    "prose",
    """
Proofread this letter to our credit union, please:

To the membership team,
I would like to add my daughter ⟦P:Kaylee Ann Dorsey⟧ (date of birth ⟦DOB:April 3, 2010⟧, SSN ⟦ID@US:⁅id|US|5##-##-####⁆⟧) as a joint owner on my savings account ⟦ACC:40028813⟧. Her debit card should be mailed to our home at ⟦A:1187 Persimmon Ridge Rd, Lexington, KY 40515⟧. My own SSN is ⟦ID@US:⁅id|US|4##-##-####⁆⟧ and my phone is ⟦T:(859) 312-4478⟧.
Thank you,
⟦P:Rhonda Dorsey⟧
""",
)

add(
    "pii",
    "en",
    "darts-league-shirt-order-sql",
    "sql",
    """
Why does this insert fail with "column count doesn't match"?

INSERT INTO league_shirts (player, username, email, shirt_size, ordered_on) VALUES
('⟦P:Beatrix Omondi⟧', '⟦U:bomondi_180⟧', '⟦E:beatrix.omondi@yahoo.com⟧', 'M', '2026-09-04'),
('⟦P:Lucius Harrow⟧', '⟦U:luciush⟧', '⟦E:l.harrow@zoho.com⟧', 'XL'),
('⟦P:Anneliese Krüger-Moss⟧', '⟦U:annie_km⟧', '⟦E:anneliese.km@posteo.de⟧', 'S', '2026-09-11');
""",
)

add(
    "pii",
    "en",
    "deckhand-sea-time-confirmation",
    "prose",
    """
The marine school needs a sea-time confirmation for my deckhand's MED course. Make this sound official:

To the registrar — ⟦P:Declan Fitzsimmons⟧ served as deckhand on my lobster boat out of Lunenburg for two seasons, 212 days at sea in total. For your records, his SIN is ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧. He lives at ⟦A:41 Pelham St, Lunenburg, NS B0J 2C0⟧ and you can reach him on ⟦T:902-640-1173⟧. He had a ⟦MC:shoulder dislocation⟧ last spring but is fully recovered.
— Captain ⟦P:Orla MacInnis⟧
""",
)

add(
    "pii",
    "en",
    "crop-duster-pilot-onboarding",
    "form",
    """
Turn this into a checklist for our new pilot's first week:

New starter: ⟦P:Brodie Kettering⟧
TFN: ⟦ID@AU:⁅id|AU|### ### ##?⁆⟧
DOB: ⟦DOB:12/07/1991⟧
Mobile: ⟦T:0412 785 339⟧
Home: ⟦A:9 Wattle Ct, Moree NSW 2400⟧
BSB/Account: 062-519 / ⟦ACC:10447823⟧
Medical: Class 2 CASA medical, wears glasses; ⟦MC:colour vision deficiency⟧ (restricted to day VFR)
Emergency contact: ⟦P:Sharee Kettering⟧ ⟦T:0438 210 956⟧
""",
)

add(
    "pii",
    "en",
    "seaweed-baths-double-charge",
    "prose",
    """
Help me write a firm but polite complaint. The seaweed baths in Enniscrone charged me twice for our family spa package (€340 each time). My card was ⟦CC:⁅card|4|xxxx xxxx xxxx xxxx⁆⟧, please refund one of the payments to my account ⟦IBAN:⁅iban|IE|AAAA ###### ########⁆⟧ instead. Name on the booking is ⟦P:Aoibheann Carr-Delaney⟧, phone ⟦T:086 491 2270⟧, email ⟦E:aoibheann.cd@gmail.com⟧.
""",
)
add(
    "pii",
    "de",
    "zither-course-registration",
    "form",
    """
Bitte formuliere daraus eine kurze Anmeldebestätigung für den Zitherkurs in Bad Ischl:

Teilnehmerin: ⟦P:Roswitha Pichlmayr⟧
Geburtsdatum: ⟦DOB:14.03.1985⟧
Sozialversicherungsnummer: ⟦ID@AT:⁅id|AT|###?140385⁆⟧
Adresse: ⟦A:Kaltenbachstraße 12, 4820 Bad Ischl⟧
Telefon: ⟦T:0664 381 2274⟧
Hinweis: ⟦MC:Sehnenscheidenentzündung⟧ rechts, nimmt ⟦MED:Voltaren⟧ – bitte Pausen einplanen.
""",
)

add(
    "pii",
    "fr",
    "carnival-gille-society-membership",
    "form",
    """
Peux-tu vérifier que cette fiche d'inscription à notre société de Gilles pour le carnaval de Binche est complète ?

Nom : ⟦P:Vandercammen⟧
Prénom : ⟦P:Maxime⟧
Né le : ⟦DOB:22/06/1993⟧
Numéro national : ⟦ID@BE:⁅id|BE|93.06.22-###.??⁆⟧
Rue : ⟦A:Rue de la Triperie 8, 7130 Binche⟧
GSM : ⟦T:0478 51 62 09⟧
Taille du chapeau à plumes : 58
Allergies : ⟦MC:allergie aux oranges⟧ (!)
""",
)

add(
    "pii",
    "pt",
    "cork-harvest-seasonal-contract",
    "prose",
    """
Corrige o português deste contrato curto para a campanha da cortiça:

Entre a Herdade do Sobreiral e ⟦P:Joaquim Baptista Ramalho⟧, portador do cartão de cidadão n.º ⟦ID@PT:⁅id|PT|########?ZZ?⁆⟧ e NIF ⟦ID@PT:⁅id|PT|2#######?⁆⟧, residente na ⟦A:Rua do Poço 17, 7480-205 Avis⟧, telemóvel ⟦T:962 418 730⟧, é celebrado contrato de trabalho a termo para a extração de cortiça de junho a agosto. O trabalhador declara sofrer de ⟦MC:lombalgia crónica⟧.
""",
)

add(
    "pii",
    "es",
    "observatory-visitor-pass-list",
    "markdown-table",
    """
Ordena esta lista de visitantes del observatorio en Cerro Pachón por apellido:

| Nombre | RUT | Teléfono |
|---|---|---|
| ⟦P:Valentina Ossandón Pizarro⟧ | ⟦ID@CL:⁅id|CL|18.###.###-?⁆⟧ | ⟦T:+56 9 8123 4471⟧ |
| ⟦P:Matías Araya Contreras⟧ | ⟦ID@CL:⁅id|CL|15.###.###-?⁆⟧ | ⟦T:+56 9 7742 1180⟧ |
| ⟦P:Fernanda Huenchullán⟧ | ⟦ID@CL:⁅id|CL|20.###.###-?⁆⟧ | ⟦T:+56 9 6390 2257⟧ |
""",
)

add(
    "pii",
    "es",
    "coffee-cooperative-payment-list",
    "csv",
    """
Suma el total a pagar a cada caficultor de la cooperativa de Salento:

caficultor,nit,cargas,valor_carga
⟦P:Orlando Giraldo Marín⟧,⟦ID@CO:⁅id|CO|###.###.###-?⁆⟧,14,"1.950.000"
⟦P:Luz Dary Ospina⟧,⟦ID@CO:⁅id|CO|###.###.###-?⁆⟧,9,"1.950.000"
⟦P:Héctor Fabio Cardona⟧,⟦ID@CO:⁅id|CO|###.###.###-?⁆⟧,21,"1.950.000"
""",
)

add(
    "pii",
    "es",
    "inca-trail-porter-roster",
    "prose",
    """
Traduce al inglés esta lista de porteadores para la agencia:

Porteadores del grupo del 14 de mayo: ⟦P:Wilber Quispe Huamán⟧ (DNI ⟦ID@PE:⁅id|PE|########?⁆⟧, cel. ⟦T:984 512 337⟧), ⟦P:Rubén Mamani Ccori⟧ (DNI ⟦ID@PE:⁅id|PE|########?⁆⟧) y la cocinera ⟦P:Yolanda Condori⟧ (cel. ⟦T:951 227 840⟧). ⟦P:Rubén⟧ tiene ⟦MC:hipertensión⟧ y toma ⟦MED:enalapril⟧; que no cargue más de 20 kg.
""",
)

add(
    "pii",
    "es",
    "whale-watching-tour-booking",
    "json",
    """
Valida este JSON de reserva de avistamiento de ballenas en Puerto López, creo que falta una coma:

{
  "reserva": "GAL-3312",
  "cliente": "⟦P:Andrés Sebastián Villacís⟧",
  "cedula": "⟦ID@EC:⁅id|EC|171######?⁆⟧",
  "nacimiento": "⟦DOB:1990-09-21⟧"
  "tour": "Isla de la Plata",
  "telefono": "⟦T:+593 99 812 4407⟧",
  "correo": "⟦E:asvillacis@hotmail.com⟧",
  "observaciones": "⟦MC:vértigo crónico⟧, pide asiento cerca de la popa"
}
""",
)

add(
    "pii",
    "es",
    "sea-turtle-volunteer-form",
    "form",
    """
Resume esta ficha de voluntaria para el programa de tortugas en Tortuguero:

Nombre completo: ⟦P:Ximena Solano Quesada⟧
Cédula: ⟦ID@CR:⁅id|CR|1-####-####⁆⟧
Fecha de nacimiento: ⟦DOB:3 de febrero de 1998⟧
Celular: ⟦T:+506 8812 3390⟧
Contacto de emergencia: ⟦P:Rodolfo Solano⟧, ⟦T:+506 8577 0142⟧
Condición médica: ⟦MC:asma leve⟧, usa ⟦MED:salbutamol⟧
""",
)

add(
    "pii",
    "sr",
    "raspberry-buyer-contract",
    "prose",
    """
Исправи правопис у овом уговору о откупу малина:

Откупљивач: ⟦P:Драган Милошевић⟧, предузетник, ПИБ ⟦ID@RS:⁅id|RS|1#######?⁆⟧, ⟦A:Ужичка 44, 31230 Ариље⟧, тел. ⟦T:+381 64 218 3390⟧.
Произвођач: ⟦P:Снежана Јовановић⟧, ⟦A:Вране бб, Ариље⟧, тел. ⟦T:+381 63 771 0452⟧.
Количина: 2.400 кг малине сорте Вилламет, цена 520 динара по килограму.
""",
)

add(
    "pii",
    "ro",
    "moldovan-wine-cellar-lease",
    "prose",
    """
Fă un rezumat în engleză al acestui contract de arendă a unei pivnițe de vin din Cricova:

Arendaș: ⟦P:Ion Ceban⟧, IDNP ⟦ID@MD:⁅id|MD|200#########?⁆⟧, domiciliat în ⟦A:str. Trandafirilor 9, Cricova⟧, tel. ⟦T:+373 691 24 587⟧. Arendator: ⟦P:Valentina Rusu⟧, tel. ⟦T:+373 791 40 226⟧. Plata lunară se face în contul ⟦IBAN:⁅iban|MD|AA##################⁆⟧.
""",
)
add(
    "pii",
    "lt",
    "amber-jewellery-workshop",
    "form",
    """
Patikrink šią gintaro dirbtuvių Nidoje registracijos formą:

Vardas, pavardė: ⟦P:Gabija Stankevičiūtė⟧
Asmens kodas: ⟦ID@LT:⁅id|LT|4960718###?⁆⟧
Gimimo data: ⟦DOB:1996-07-18⟧
Tel.: ⟦T:+370 612 48 905⟧
El. paštas: ⟦E:gabija.stanke@gmail.com⟧
Pastabos: ⟦MC:nikelio alergija⟧ – tik sidabriniai užsegimai
""",
)

add(
    "pii",
    "pl",
    "tatra-guide-course-list",
    "csv",
    """
Przygotuj z tej listy uczestników kursu na przewodnika tatrzańskiego tabelkę do druku:

imię i nazwisko;PESEL;telefon
⟦P:Bartłomiej Gąsienica-Roj⟧;⟦ID@PL:⁅id|PL|9204120###?⁆⟧;⟦T:601 348 227⟧
⟦P:Zuzanna Chowaniec⟧;⟦ID@PL:⁅id|PL|0125030###?⁆⟧;⟦T:512 907 431⟧
⟦P:Kacper Wojtyczko⟧;⟦ID@PL:⁅id|PL|8811230###?⁆⟧;⟦T:790 114 682⟧
""",
)

add(
    "pii",
    "cs",
    "brass-band-uniform-order",
    "prose",
    """
Přepiš to prosím jako objednávku krojů pro naši dechovku:

Nové kroje potřebují ⟦P:Vojtěch Šindelář⟧ (r. č. ⟦ID@CZ:⁅id|CZ|010415/###?⁆⟧, tel. ⟦T:737 214 508⟧) a ⟦P:Kristýna Máchalová⟧ (r. č. ⟦ID@CZ:⁅id|CZ|995829/###?⁆⟧). ⟦P:Kristýna⟧ hraje na křídlovku a má ⟦MC:ekzém⟧ na rukou, takže rukavice musí být bavlněné. Kroje poslat na ⟦A:Náměstí Míru 3, 687 71 Bojkovice⟧.
""",
)

add(
    "pii",
    "sv",
    "ice-fishing-competition-entry",
    "markdown-table",
    """
Kan du göra en startlista av det här för pimpeltävlingen på Storsjön?

| Namn | Personnummer | Mobil |
|---|---|---|
| ⟦P:Göran Lindqvist⟧ | ⟦ID@SE:⁅id|SE|560311-###?⁆⟧ | ⟦T:070-318 44 92⟧ |
| ⟦P:Ylva Hedenström⟧ | ⟦ID@SE:⁅id|SE|790927-###?⁆⟧ | ⟦T:073-902 15 67⟧ |
| ⟦P:Nils-Erik Bergkvist⟧ | ⟦ID@SE:⁅id|SE|480102-###?⁆⟧ | ⟦T:076-441 80 23⟧ |
""",
)

add(
    "pii",
    "fi",
    "church-boat-rowing-team",
    "prose",
    """
Kirjoita tästä lyhyt sähköposti kirkkovenesoudun joukkueelle:

Sulkavan soutuihin ilmoittautuivat ⟦P:Riikka Heinonen⟧ (hetu ⟦ID@FI:⁅id|FI|120384-###?⁆⟧) ja ⟦P:Jarmo Kettunen⟧ (hetu ⟦ID@FI:⁅id|FI|300571-###?⁆⟧). ⟦P:Jarmolla⟧ on ⟦MC:eteisvärinä⟧ ja ⟦MED:Marevan⟧-lääkitys, joten hän istuu perämiehenä. Yhteyshenkilö ⟦P:Riikka⟧, ⟦T:040 718 2264⟧.
""",
)

add(
    "pii",
    "bg",
    "rose-harvest-day-labourers",
    "csv",
    """
Направи ми от това ведомост за надниците при розобера в Казанлък:

име,ЕГН,телефон,кг
⟦P:Стойка Петкова Илиева⟧,⟦ID@BG:⁅id|BG|650412###?⁆⟧,⟦T:0888 412 307⟧,184
⟦P:Мехмед Али Хасанов⟧,⟦ID@BG:⁅id|BG|791103###?⁆⟧,⟦T:0897 225 640⟧,211
⟦P:Цветелина Дончева⟧,⟦ID@BG:⁅id|BG|024215###?⁆⟧,⟦T:0878 903 118⟧,167
""",
)

add(
    "pii",
    "hr",
    "truffle-hunting-permit",
    "prose",
    """
Sastavi službeni zahtjev za dozvolu za sakupljanje tartufa na temelju ovoga:

Podnositelj: ⟦P:Bruno Kocijančić⟧, OIB ⟦ID@HR:⁅id|HR|##########?⁆⟧, ⟦A:Motovunska 21, 52424 Motovun⟧, mob. ⟦T:091 552 3870⟧. Pas: lagotto romagnolo imena Tara. Podnositelj je rođen ⟦DOB:9. 11. 1977.⟧ i ima ⟦MC:dijabetes tipa 2⟧, pa traži teren bliže cesti.
""",
)

add(
    "pii",
    "tr",
    "kite-festival-stall-permit",
    "form",
    """
Bu uçurtma şenliği stant başvurusunu daha resmi bir dille yazar mısın?

Ad Soyad: ⟦P:Elif Nur Karaosmanoğlu⟧
T.C. Kimlik No: ⟦ID@TR:⁅id|TR|#########??⁆⟧
Doğum tarihi: ⟦DOB:07.05.1989⟧
Adres: ⟦A:Kuşkavağı Mah. Sahil Cad. No:14 D:3, Konyaaltı/Antalya⟧
Cep: ⟦T:0532 418 27 90⟧
Satılacak ürün: el yapımı uçurtma ve simit
""",
)

add(
    "pii",
    "el",
    "cretan-lyra-lessons",
    "prose",
    """
Μετάφρασε στα αγγλικά αυτό το μήνυμα για τα μαθήματα λύρας στα Χανιά:

Καλησπέρα, είμαι η ⟦P:Ευανθία Μαρκογιαννάκη⟧. Θέλω να γράψω τον γιο μου ⟦P:Μανόλη⟧ (γεν. ⟦DOB:02/10/2013⟧, ΑΜΚΑ ⟦ID@GR:⁅id|GR|021013####?⁆⟧) στα μαθήματα λύρας. Έχει ⟦MC:ΔΕΠΥ⟧ και παίρνει ⟦MED:Concerta⟧ το πρωί. Τηλέφωνο: ⟦T:697 421 8830⟧.
""",
)

add(
    "pii",
    "ko",
    "kimchi-class-signup",
    "markdown-table",
    """
김장 체험 수업 신청자 명단이야. 이름 가나다순으로 정렬해 줘.

| 이름 | 주민등록번호 | 연락처 | 비고 |
|---|---|---|---|
| ⟦P:한소율⟧ | ⟦ID@KR:⁅id|KR|920618-2#####?⁆⟧ | ⟦T:010-4821-7736⟧ | ⟦MC:갑각류 알레르기⟧ |
| ⟦P:도재훈⟧ | ⟦ID@KR:⁅id|KR|851102-1#####?⁆⟧ | ⟦T:010-9072-1148⟧ | |
| ⟦P:봉미란⟧ | ⟦ID@KR:⁅id|KR|670305-2#####?⁆⟧ | ⟦T:010-3318-5409⟧ | 무릎 수술 후 의자 필요 |
""",
)
add(
    "pii",
    "zh",
    "dragon-boat-team-insurance",
    "markdown-table",
    """
帮我把这份龙舟队队员名单整理成保险公司要的格式（姓名、身份证号、手机号）：

| 队员 | 身份证号 | 手机 | 备注 |
|---|---|---|---|
| ⟦P:梁国栋⟧ | ⟦ID@CN:⁅id|CN|44010619900512###?⁆⟧ | ⟦T:138 2417 6650⟧ | 鼓手 |
| ⟦P:冼慧敏⟧ | ⟦ID@CN:⁅id|CN|44010419960823###?⁆⟧ | ⟦T:159 8830 2147⟧ | ⟦MC:腰椎间盘突出⟧ |
| ⟦P:区志远⟧ | ⟦ID@CN:⁅id|CN|44011119830107###?⁆⟧ | ⟦T:186 2095 4413⟧ | 舵手 |
""",
)

add(
    "pii",
    "hi",
    "kumbh-camp-registration",
    "form",
    """
इस कुंभ मेला शिविर पंजीकरण फ़ॉर्म को अंग्रेज़ी में अनुवाद करो:

नाम: ⟦P:रामेश्वर प्रसाद तिवारी⟧
जन्म तिथि: ⟦DOB:15/01/1952⟧
आधार संख्या: ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧
मोबाइल: ⟦T:94153 28170⟧
पता: ⟦A:मकान नं. 27, कटरा बाज़ार, प्रयागराज 211002⟧
स्वास्थ्य: ⟦MC:उच्च रक्तचाप⟧, ⟦MED:एम्लोडिपीन⟧ रोज़ सुबह
साथ में: पत्नी ⟦P:सावित्री देवी⟧
""",
)

add(
    "pii",
    "he",
    "kibbutz-volunteer-placement",
    "prose",
    """
תכתוב לי מייל קצר לרכזת המתנדבים בקיבוץ על סמך זה:

המתנדבת החדשה היא ⟦P:נוגה אלמוג⟧, ת.ז. ⟦ID@IL:⁅id|IL|########?⁆⟧, טלפון ⟦T:052-718-3364⟧. היא תעבוד בלול ובמטבח. יש לה ⟦MC:צליאק⟧ ולכן צריך אוכל ללא גלוטן. אחראית עליה: ⟦P:דורית שפירא⟧.
""",
)

add(
    "pii",
    "lo",
    "boat-racing-team-registration",
    "form",
    """
ກະລຸນາແປແບບຟອມລົງທະບຽນທີມແຂ່ງເຮືອນີ້ເປັນພາສາອັງກິດ:

ຊື່ຫົວໜ້າທີມ: ⟦P:ສົມພອນ ວົງສະຫວັນ⟧
ວັນເດືອນປີເກີດ: ⟦DOB:12/04/1987⟧
ເບີໂທ: ⟦T:+856 20 5512 3487⟧
ທີ່ຢູ່: ⟦A:ບ້ານ ໂພນໄຊ, ເມືອງ ໄຊເສດຖາ, ນະຄອນຫຼວງວຽງຈັນ⟧
ຜູ້ຊ່ວຍ: ⟦P:ແສງດາວ ພົມມະຈັນ⟧, ເບີໂທ ⟦T:+856 20 9876 4120⟧
""",
)

add(
    "pii",
    "ky",
    "yurt-camp-booking",
    "prose",
    """
Сураныч, бул катты англисчеге которуп бер:

Саламатсызбы! Соң-Көлдөгү боз үй лагерине 3 түнгө брондоо керек. Конокторубуз: ⟦P:Айгерим Токтогулова⟧ (туулган күнү ⟦DOB:05.09.1994⟧) жана ⟦P:Бакыт Жумабеков⟧. ⟦P:Бакыттын⟧ ⟦MC:бийиктик оорусу⟧ болгон, ⟦MED:ацетазоламид⟧ ичет. Байланыш: ⟦T:+996 555 312 847⟧, ⟦E:aigerim.toktogulova@mail.kg⟧.
""",
)

add(
    "pii",
    "ti",
    "church-choir-contact-list",
    "prose",
    """
በጃኻ ነዚ ዝርዝር ኣባላት መዘምራን ናብ ሰንጠረዥ ቀይሮ፡

ኣባላት፡ ⟦P:ኣብርሃም ተኽለ⟧ (⟦T:+291 7 214 538⟧)፣ ⟦P:ሳባ ገብረመድህን⟧ (⟦T:+291 7 802 116⟧)፣ ⟦P:ዳዊት ሃይለ⟧ (⟦T:+291 7 345 902⟧)። ⟦P:ሳባ⟧ ⟦MC:ሽኮርያ⟧ ስለ ዘለዋ ኣብ ልምምድ ምግቢ ተድልያ።
""",
)

add(
    "pii",
    "gu",
    "navratri-garba-pass",
    "form",
    """
આ નવરાત્રી ગરબા પાસ ફોર્મ તપાસો અને ખૂટતી વિગતો કહો:

નામ: ⟦P:હેતલ કિરીટભાઈ પટેલ⟧
જન્મ તારીખ: ⟦DOB:23-08-1999⟧
આધાર નંબર: ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧
મોબાઇલ: ⟦T:98250 47163⟧
સરનામું: ⟦A:B-14, શાંતિકુંજ સોસાયટી, વાસણા, અમદાવાદ 380007⟧
ઇમેઇલ: ⟦E:hetal.patel99@gmail.com⟧
""",
)

add(
    "pii",
    "ml",
    "kathakali-class-admission",
    "prose",
    """
ഈ കുറിപ്പ് ഇംഗ്ലീഷിലേക്ക് വിവർത്തനം ചെയ്യാമോ?

കഥകളി ക്ലാസിലേക്ക് പുതിയ വിദ്യാർത്ഥി: ⟦P:അനുപമ ഗോപിനാഥ് നായർ⟧, ജനനം ⟦DOB:11/03/2012⟧. രക്ഷിതാവ് ⟦P:ഗോപിനാഥ് നായർ⟧, ഫോൺ ⟦T:94470 18236⟧. കുട്ടിക്ക് ⟦MC:ആസ്ത്മ⟧ ഉണ്ട്, ⟦MED:ഇൻഹേലർ⟧ കൂടെ കൊണ്ടുവരും. വിലാസം: ⟦A:ശ്രീനിലയം, ചെറുതുരുത്തി, തൃശൂർ 679531⟧.
""",
)

add(
    "pii",
    "yi",
    "klezmer-band-gig-booking",
    "prose",
    """
ביטע איבערזעצט דאָס אויף ענגליש:

מיר ווילן באַשטעלן די קלעזמער־קאַפּעליע פֿאַר דער חתונה פֿון אונדזער טאָכטער. קאָנטאַקט: ⟦P:שׂרה־רחל גאָלדבערג⟧, טעלעפֿאָן ⟦T:+1 718 387 4412⟧, אַדרעס ⟦A:1421 46th Street, Brooklyn, NY 11219⟧. דער פֿעטער ⟦P:משה גאָלדבערג⟧ האָט ⟦MC:פּאַרקינסאָן⟧, מיר דאַרפֿן אַ טיש נאָענט צו דער טיר.
""",
)

add(
    "pii",
    "tt",
    "sabantuy-wrestling-entrants",
    "csv",
    """
Сабантуй көрәше катнашучылары исемлеген авырлык буенча тәртипкә сал:

исем,ИНН,телефон,авырлык
⟦P:Илнур Гарипов⟧,⟦ID@RU:⁅id|RU|1657######??⁆⟧,⟦T:+7 917 284-55-31⟧,92
⟦P:Рәфис Хәйруллин⟧,⟦ID@RU:⁅id|RU|1644######??⁆⟧,⟦T:+7 987 402-18-76⟧,104
⟦P:Айрат Миңнеханов⟧,⟦ID@RU:⁅id|RU|1660######??⁆⟧,⟦T:+7 927 611-03-49⟧,87
""",
)

add(
    "pii",
    "xh",
    "stokvel-member-list",
    "csv",
    """
Nceda wenze le ndlela yamalungu e-stokvel ibe yitafile ecocekileyo:

igama,inombolo_yesazisi,ifowuni
⟦P:Nomvula Mgijima⟧,⟦ID@ZA:⁅id|ZA|8504120###08?⁆⟧,⟦T:082 417 6630⟧
⟦P:Lwazi Dyantyi⟧,⟦ID@ZA:⁅id|ZA|7911035###08?⁆⟧,⟦T:073 220 9184⟧
⟦P:Siphokazi Ndlovu⟧,⟦ID@ZA:⁅id|ZA|9302274###08?⁆⟧,⟦T:061 558 0371⟧
""",
)

add(
    "pii",
    "ceb",
    "barangay-basketball-roster",
    "markdown-table",
    """
Palihug himoa kining listahan sa mga magdudula sa liga sa barangay nga usa ka limpyo nga table:

| Ngalan | Birthday | Cellphone |
|---|---|---|
| ⟦P:Jun-Jun Alcuizar⟧ | ⟦DOB:March 14, 2003⟧ | ⟦T:0917 542 1180⟧ |
| ⟦P:Rechelle Tumulak⟧ | ⟦DOB:Oct 2, 2001⟧ | ⟦T:0998 271 4406⟧ |
| ⟦P:Kenneth Sarmiento Dayondon⟧ | ⟦DOB:July 30, 2004⟧ | ⟦T:0926 883 1057⟧ |
""",
)

add(
    "pii",
    "gd",
    "mod-competitor-entry",
    "form",
    """
An urrainn dhut am foirm seo airson a' Mhòid a cheartachadh?

Ainm: ⟦P:Ealasaid NicLeòid⟧
Ceann-latha breith: ⟦DOB:17/05/2009⟧
Seòladh: ⟦A:12 Bayhead, Stornoway HS1 2DU⟧
Fòn: ⟦T:07831 224 590⟧
Pàrant: ⟦P:Calum MacLeòid⟧
Farpais: òran-aona-neach, fo 18
""",
)

# ===========================================================================
# cred
# ===========================================================================
add(
    "cred",
    "en",
    "aquarium-controller-telegram",
    "code",
    """
My aquarium Pi script stopped sending alerts after I moved it to a new SD card. Any idea why? It just hangs at the requests.post.

import requests, time
from w1thermsensor import W1ThermSensor

BOT_TOKEN = "⟦K:⁅r|D|10⁆:AA⁅r|B|33⁆⟧"
CHAT_ID = "-1002231847755"
sensor = W1ThermSensor()

while True:
    t = sensor.get_temperature()
    if t < 24.0 or t > 28.5:
        requests.post(f"https://api.telegram.org/bot{BOT_TOKEN}/sendMessage",
                      json={"chat_id": CHAT_ID, "text": f"Tank temp {t:.1f}°C"})
    time.sleep(300)
""",
)

add(
    "cred",
    "en",
    "podcast-transcriber-env",
    "env",
    """
here's my .env for the podcast transcriber, it says "invalid database url" on startup. what's wrong?

ASSEMBLYAI_API_KEY=⟦K:⁅r|H|32⁆⟧
ANTHROPIC_API_KEY=⟦K:sk-ant-api03-⁅r|B|93⁆AA⟧
DATABASE_URL=postgresql://podcast_app:⟦S:Marmalade!Sky7⟧@db.internal:5432/episodes?sslmode=require
ADMIN_EMAIL=studio@example.com
LOG_LEVEL=info
""",
)

add(
    "cred",
    "en",
    "release-notes-scraper-curl",
    "command",
    """
Why does this return 401 when I run it from cron but works in my terminal?

curl -s --header "PRIVATE-TOKEN: ⟦K:glpat-⁅r|B|20⁆⟧" \\
  "https://gitlab.com/api/v4/projects/48211907/releases?per_page=5" | jq '.[].tag_name'
""",
)

add(
    "cred",
    "en",
    "sourdough-starter-alert-cron",
    "command",
    """
Can you make this cron job only alert once per hour instead of every 5 minutes?

*/5 * * * * /home/pi/starter/check.sh && curl -H "Content-Type: application/json" -d '{"content":"Starter jar is below 21°C 🥶"}' ⟦K:https://discord.com/api/webhooks/⁅r|D|19⁆/⁅r|B|68⁆⟧
""",
)

add(
    "cred",
    "en",
    "telescope-mount-ssh-key",
    "code",
    """
ssh to my telescope mount Pi says "Load key: invalid format". This is the id_ed25519 I copied over from my laptop via a USB stick — is it broken?

⟦PK:⁅ed|openssh|astro@mount-pi⁆⟧
""",
)

add(
    "cred",
    "en",
    "authenticator-migration",
    "prose",
    """
I'm moving my 2FA to a new phone and the old app exported this. Which apps can import it?

otpauth://totp/Nimbus%20Bank:⟦U:h.okafor⟧?secret=⟦S:⁅r|A2|32⁆⟧&issuer=Nimbus%20Bank
otpauth://totp/Fediverse:⟦U:hokafor_writes⟧?secret=⟦S:⁅r|A2|16⁆⟧&issuer=mastodon.art
""",
)

add(
    "cred",
    "en",
    "reverse-proxy-access-log",
    "kv-log",
    """
Why is this client being logged out every few minutes? Lines from our proxy debug log:

2026-10-02T09:14:07Z level=debug method=GET path=/api/orders auth="Basic ⟦S:⁅b64|24⁆⟧" status=200
2026-10-02T09:14:09Z level=debug method=GET path=/dashboard cookie="sessionid=⟦S:⁅r|L|32⁆⟧; csrftoken=⟦S:⁅r|A|64⁆⟧" status=302
2026-10-02T09:14:09Z level=debug method=GET path=/login status=200
""",
)

add(
    "cred",
    "en",
    "stripe-webhook-go",
    "code",
    """
The webhook signature check keeps failing in production. Here's the handler:

package billing

import (
	"io"
	"net/http"

	"github.com/stripe/stripe-go/v78"
	"github.com/stripe/stripe-go/v78/webhook"
)

func init() {
	stripe.Key = "⟦K:sk_live_51⁅r|A|97⁆⟧"
}

const endpointSecret = "⟦S:whsec_⁅r|A|32⁆⟧"

func HandleWebhook(w http.ResponseWriter, r *http.Request) {
	payload, _ := io.ReadAll(r.Body)
	_, err := webhook.ConstructEvent(payload, r.Header.Get("Stripe-Signature"), endpointSecret)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}
""",
)

add(
    "cred",
    "en",
    "kubectl-secret-from-literal",
    "command",
    """
Is there a way to do this without the values ending up in my shell history?

kubectl -n media create secret generic photo-backup \\
  --from-literal=AWS_ACCESS_KEY_ID=⟦K:AKIA⁅r|U|16⁆⟧ \\
  --from-literal=AWS_SECRET_ACCESS_KEY=⟦K:⁅r|S|40⁆⟧ \\
  --from-literal=RESTIC_PASSWORD='⟦S:glacier-otter-plinth-91⟧'
""",
)

add(
    "cred",
    "en",
    "ebook-library-login-note",
    "prose",
    """
Write this as a short note I can leave for my dad so he can read e-books while I'm away: the library app is called Libby, his card login is ⟦U:rkowalczyk1948⟧ and the password is ⟦S:Bluebell#Lane22⟧. The PIN it sometimes asks for is ⟦S:4817⟧. Don't put the password on the fridge!
""",
)
add(
    "cred",
    "de",
    "sailing-club-house-codes",
    "prose",
    """
Mach daraus bitte eine übersichtliche Übergabe-Notiz für den neuen Hafenmeister:

Der Schlüsseltresor am Bootshaus hat den Code ⟦S:7391⟧, das WLAN im Clubheim heißt „SCW-Gast“, Passwort ⟦S:Wellenreiter!2026⟧. Für die Buchungssoftware ist der Login ⟦U:hafenmeister.scw⟧ mit dem Passwort ⟦S:Kompass_Nord#44⟧. Die Alarmanlage schaltet man mit ⟦S:0815⟧ scharf – bitte nicht weitergeben.
""",
)

add(
    "cred",
    "fr",
    "prestashop-parameters",
    "code",
    """
Ma boutique PrestaShop affiche une erreur 500 après la migration. Voici app/config/parameters.php, tu vois un problème ?

<?php return array (
  'parameters' =>
  array (
    'database_host' => '127.0.0.1',
    'database_port' => '',
    'database_name' => 'fromagerie_shop',
    'database_user' => 'ps_fromagerie',
    'database_password' => '⟦S:Comte24mois!Vieux⟧',
    'database_prefix' => 'ps_',
    'mailer_transport' => 'smtp',
    'secret' => '⟦S:⁅r|A|56⁆⟧',
    'cookie_key' => '⟦S:⁅r|A|56⁆⟧',
    'cookie_iv' => '⟦S:⁅r|A|32⁆⟧',
    'ps_caching' => 'CacheMemcache',
  ),
);
""",
)

add(
    "cred",
    "es",
    "woocommerce-rest-php",
    "code",
    """
¿Por qué este script de sincronización de stock de mi tienda de alpargatas devuelve "woocommerce_rest_cannot_view"?

<?php
require __DIR__ . '/vendor/autoload.php';
use Automattic\\WooCommerce\\Client;

$woo = new Client(
    'https://alpargatas-ribera.es',
    '⟦K:ck_⁅r|H|40⁆⟧',
    '⟦K:cs_⁅r|H|40⁆⟧',
    ['version' => 'wc/v3']
);
print_r($woo->get('products', ['per_page' => 50]));
""",
)

add(
    "cred",
    "ja",
    "shrine-festival-slack-bot",
    "code",
    """
お祭りの準備リマインダーをSlackに投稿するスクリプトです。「not_in_channel」エラーが出ます。どう直せばいいですか？

from slack_sdk import WebClient

client = WebClient(token="⟦K:xoxb-⁅r|D|12⁆-⁅r|D|13⁆-⁅r|A|24⁆⟧")
client.chat_postMessage(channel="#matsuri-junbi", text="明日は神輿の準備です。8時集合！")
""",
)

add(
    "cred",
    "zh",
    "aliyun-oss-upload-config",
    "yaml",
    """
这个上传照片到阿里云OSS的配置总是报 SignatureDoesNotMatch，帮我看看：

oss:
  endpoint: oss-cn-hangzhou.aliyuncs.com
  bucket: tea-garden-photos
  access_key_id: ⟦K:LTAI5t⁅r|A|18⁆⟧
  access_key_secret: ⟦K:⁅r|A|30⁆⟧
  prefix: 2026/spring-harvest/
""",
)

add(
    "cred",
    "ru",
    "aiogram-bot-yandex-key",
    "code",
    """
Бот для записи на сплав по Чусовой не отвечает. Что не так в коде?

import asyncio
from aiogram import Bot, Dispatcher

bot = Bot(token="⟦K:⁅r|D|10⁆:AA⁅r|B|33⁆⟧")
dp = Dispatcher()
YANDEX_GEOCODER_KEY = "⟦K:⁅r|H|8⁆-⁅r|H|4⁆-⁅r|H|4⁆-⁅r|H|4⁆-⁅r|H|12⁆⟧"

async def main():
    await dp.start_polling(bot)

asyncio.run(main())
""",
)

add(
    "cred",
    "ar",
    "family-router-note",
    "prose",
    """
اكتب لي هذه الملاحظة بشكل مرتب لأعلقها لأخي الذي سيسكن في شقتي: كلمة سر الواي فاي هي ⟦S:Yasmin_Balcony_2025⟧، وكلمة مرور صفحة إعدادات الراوتر هي ⟦S:R0uter@Zamalek⟧، ورمز باب العمارة ⟦S:2580⟧. لا تعطِ الرمز لأحد.
""",
)

add(
    "cred",
    "pt",
    "pg-dump-backup-script",
    "command",
    """
Este script de backup do banco da escola de surf não corre no agendador do Windows. O que está errado?

set PGPASSWORD=⟦S:Capivara#Backup2026⟧
"C:\\Program Files\\PostgreSQL\\16\\bin\\pg_dump.exe" -h 10.0.0.12 -U backup_job -F c -f D:\\backups\\surf_%date:~-4%.dump escola_surf
""",
)
add(
    "cred",
    "tg",
    "office-mail-password-handover",
    "prose",
    """
Лутфан ин паёмро ба забони англисӣ тарҷума кун:

Салом, ⟦P:Фарҳод⟧! Ман аз фардо ба рухсатӣ меравам. Почтаи умумии дафтар: логин ⟦U:dushanbe.office⟧, парол ⟦S:Varzob-Darya#19⟧. Рамзи сейф дар ҳуҷраи ҳисобдорӣ ⟦S:55172⟧ аст. Пас аз истифода паролро иваз кун.
""",
)

add(
    "cred",
    "tk",
    "shop-card-pin-note",
    "prose",
    """
Şu belligi düzgün we gysga edip ýaz, dükanyň täze satyjysy üçin:

Kassanyň kompýuterine giriş: ulanyjy ⟦U:kassa_merjen⟧, parol ⟦S:Ahalteke2024!⟧. Bank terminalynyň administrator kody ⟦S:906214⟧. Wi-Fi paroly ⟦S:GokDepe_Bazar77⟧.
""",
)

add(
    "cred",
    "ps",
    "email-password-translation",
    "prose",
    """
مهرباني وکړئ دا پیغام انګلیسي ته وژباړئ:

ګرانه ورور، د ښوونځي د بریښنالیک پټنوم ⟦S:Kabul_Bagh#2026⟧ دی او د دفتر د المارۍ کوډ ⟦S:3719⟧ دی. مهرباني وکړه چا ته یې مه ورکوه.
""",
)

add(
    "cred",
    "ku",
    "bakery-pos-password",
    "prose",
    """
Ji kerema xwe vê peyamê wergerîne îngilîzî:

Silav ⟦P:Rêzan⟧, şîfreya pergala firotanê ya firinê ⟦S:Nan-u-Penir_58⟧ e, navê bikarhêner ⟦U:firin.hewler⟧ e. Koda alarmê ya derî ⟦S:1468⟧ e. Piştî hefteyekê şîfreyê biguherîne.
""",
)

add(
    "cred",
    "eo",
    "wiki-bot-password-config",
    "ini",
    """
Mia vikia roboto ne plu povas ensaluti. Jen mia agordo-dosiero, ĉu vi vidas la eraron?

[vikipedio]
api = https://eo.wikipedia.org/w/api.php
uzanto = ⟦U:Ludoviko_Z@VortaroBot⟧
pasvorto = ⟦S:⁅r|L|32⁆⟧
ritmo = 10
""",
)

add(
    "cred",
    "co",
    "guesthouse-wifi-message",
    "prose",
    """
Per piacè, correghji è traduci in inglese stu missaghju per i clienti di a casa d'ospiti:

Benvenuti in Corti! A parolla d'ordine di u Wi-Fi hè ⟦S:Restonica_Mare_2026⟧. U codice di a cassetta di e chjave hè ⟦S:8264⟧. Bona permanenza!
""",
)

add(
    "cred",
    "sn",
    "mobile-money-pin-warning",
    "prose",
    """
Ndapota nyora meseji iyi zvakanaka kuna muzukuru wangu:

⟦P:Mufaro⟧, PIN yangu yeEcoCash ndeye ⟦S:5306⟧, ndapota tumira mari yechikoro uye ushandure PIN kana wapedza. Password yeemail yangu ndeye ⟦S:Chimanimani!1962⟧.
""",
)

add(
    "cred",
    "wo",
    "wave-code-message",
    "prose",
    """
Bindal ma bataaxal bii ci farañse:

⟦P:Moussa⟧, sama code Wave mooy ⟦S:7042⟧. Yónnee xaalis bi ci yaay ji te soppi code bi su jeexee. Mot de passe Facebook bi mooy ⟦S:Teranga_Dakar88⟧.
""",
)

add(
    "cred",
    "ln",
    "airtel-money-pin-message",
    "prose",
    """
Bongisa mokanda oyo mpe bongola yango na lifalanse:

Ndeko ⟦P:Bienvenu⟧, code secret ya Airtel Money na ngai ezali ⟦S:2915⟧. Tinda mbongo ya eteyelo mpe bongola code sima. Mot de passe ya Gmail ezali ⟦S:Kinshasa_Zando#3⟧.
""",
)

add(
    "cred",
    "su",
    "pesantren-admin-email",
    "prose",
    """
Punten, tarjamahkeun ieu pesen kana basa Inggris:

Kang ⟦P:Dadan⟧, email admin pasantrén: ⟦U:admin.pesantren.cikoneng⟧, sandina ⟦S:Cikoneng_Sukabumi!21⟧. Kode kotak amal anu anyar ⟦S:6628⟧. Punten ulah dibéjakeun ka saha waé.
""",
)

add(
    "cred",
    "te",
    "telugu-poetry-notebook",
    "code",
    """
ఈ నోట్‌బుక్‌లో తెలుగు పద్యాలు రాయడానికి OpenAI ని వాడుతున్నాను, కానీ "RateLimitError" వస్తోంది. ఏం చేయాలి?

from openai import OpenAI
client = OpenAI(api_key="⟦K:sk-proj-⁅r|B|48⁆T3BlbkFJ⁅r|B|48⁆⟧")
resp = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "వేమన శైలిలో ఒక పద్యం రాయి"}])
print(resp.choices[0].message.content)
""",
)

add(
    "cred",
    "kn",
    "kannada-speech-model-upload",
    "command",
    """
ಈ ಕಮಾಂಡ್ ಓಡಿಸಿದಾಗ "Repository not found" ಎಂದು ಬರುತ್ತಿದೆ. ಏನು ತಪ್ಪು?

huggingface-cli login --token ⟦K:hf_⁅r|A|34⁆⟧
huggingface-cli upload kannada-asr/whisper-small-kn ./checkpoint-4000 .
""",
)

add(
    "cred",
    "pa",
    "gurdwara-donation-site-env",
    "env",
    """
ਗੁਰਦੁਆਰੇ ਦੀ ਦਾਨ ਵੈੱਬਸਾਈਟ ਈਮੇਲ ਨਹੀਂ ਭੇਜ ਰਹੀ। ਇਹ ਮੇਰੀ .env ਫ਼ਾਈਲ ਹੈ, ਕੀ ਗਲਤ ਹੈ?

SENDGRID_API_KEY=⟦K:SG.⁅r|B|22⁆.⁅r|B|43⁆⟧
MAIL_FROM=seva@example.org
DB_PASSWORD=⟦S:Langar_Seva_2026!⟧
APP_DEBUG=false
""",
)

add(
    "cred",
    "ba",
    "school-ejournal-password",
    "prose",
    """
Зинһар, был хатты урыҫ теленә тәржемә ит:

Ҡәҙерле ⟦P:Гөлнур⟧ апай, электрон журналға инеү өсөн логин ⟦U:gulnur.yusupova⟧, пароль ⟦S:Agidel_Ural2026⟧. Мәктәп принтерының администратор коды ⟦S:4490⟧.
""",
)

add(
    "cred",
    "en",
    "farm-shop-order-decrypt-heredoc",
    "command",
    """
Our farm-shop website encrypts order exports with our public key. This is how I decrypt them on the shop laptop, but openssl says "unable to load Private Key". Is it the heredoc indentation?

cat > /tmp/shop_orders.key <<'EOF'
⟦PK:⁅ec|sec1⁆⟧
EOF
openssl pkeyutl -decrypt -inkey /tmp/shop_orders.key -in orders-2026-10.bin -out orders-2026-10.csv
rm /tmp/shop_orders.key
""",
)

# ===========================================================================
# benign
# ===========================================================================
add(
    "benign",
    "en",
    "retired-hurricane-names",
    "prose",
    """
Why were the names Katrina, Maria and Ian retired from the Atlantic hurricane lists, and what names replaced them? Also, is it true that Hurricane Sandy in October 2012 was technically a post-tropical cyclone when it made landfall near Brigantine, New Jersey?
""",
)

add(
    "benign",
    "en",
    "payment-docs-test-cards",
    "markdown-table",
    """
I'm writing the QA section of our checkout docs. Can you check this table of Stripe test cards is correct and add a column explaining when to use each?

| Card | Number | Result |
|---|---|---|
| Visa | 4242 4242 4242 4242 | succeeds |
| Visa (debit) | 4000 0566 5566 5556 | succeeds |
| Mastercard | 5555 5555 5555 4444 | succeeds |
| Generic decline | 4000 0000 0000 0002 | card_declined |
| Insufficient funds | 4000 0000 0000 9995 | insufficient_funds |

Use any future expiry date such as 12/34 and any 3-digit CVC.
""",
)

add(
    "benign",
    "en",
    "aws-cli-docs-example-keys",
    "command",
    """
The AWS docs show this when you run `aws configure`. Does the region prompt accept `eu-central-1` or only the long name?

$ aws configure
AWS Access Key ID [None]: AKIAIOSFODNN7EXAMPLE
AWS Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
Default region name [None]: us-west-2
Default output format [None]: json
""",
)

add(
    "benign",
    "en",
    "password-reset-code-review",
    "code",
    """
Review this password-reset handler. Is comparing tokens like this safe against timing attacks?

import hmac, os, secrets

RESET_TTL = 900

def make_token() -> str:
    return secrets.token_urlsafe(32)

def check_token(stored_token: str, supplied_token: str) -> bool:
    return hmac.compare_digest(stored_token, supplied_token)

def hash_password(password: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    salt = salt or os.urandom(16)
    import hashlib
    return salt, hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
""",
)

add(
    "benign",
    "en",
    "uuid-seed-migration",
    "sql",
    """
Is it OK to hardcode UUIDs for reference rows in a migration like this, or should I generate them?

INSERT INTO currencies (id, code, name, minor_units) VALUES
  ('⁅uuid⁆', 'EUR', 'Euro', 2),
  ('⁅uuid⁆', 'JPY', 'Japanese yen', 0),
  ('⁅uuid⁆', 'KWD', 'Kuwaiti dinar', 3);
""",
)

add(
    "benign",
    "en",
    "sci-fi-bibliography-isbn",
    "prose",
    """
Format these as a Chicago-style bibliography: Ursula K. Le Guin, The Left Hand of Darkness, Ace Books 1969, ISBN 978-0-441-47812-5; Octavia E. Butler, Kindred, Beacon Press 2003 edition, ISBN 978-0-8070-8369-7; Stanisław Lem, Solaris, translated by Bill Johnston, Pro Auctore 2011.
""",
)

add(
    "benign",
    "en",
    "broken-lamp-return-request",
    "prose",
    """
Write a short return request: order #112-4938227-5510023 (invoice INV-2026-00417, delivered 14 Oct) — the brass floor lamp, SKU LMP-BR-220, arrived with a cracked base. Tracking number 1Z 999 AA1 01 2345 6784. I'd like a replacement, not a refund.
""",
)

add(
    "benign",
    "en",
    "shortbread-recipe-scaling",
    "prose",
    """
Scale this shortbread recipe to make 36 fingers instead of 12, and convert to cups: 150 g butter, 75 g caster sugar, 225 g plain flour, pinch of salt. Bake at 160 °C (fan 140 °C) for 25–30 minutes in a 20 cm square tin.
""",
)

add(
    "benign",
    "en",
    "football-match-summary",
    "prose",
    """
Write a 3-sentence match report: Arsenal 2–1 Chelsea at the Emirates. Saka 23', Palmer 51', Ødegaard 88'. Attendance 60,214. Raya made six saves; Caicedo was booked in the 67th minute.
""",
)

add(
    "benign",
    "en",
    "physical-constants-check",
    "prose",
    """
Double-check my constants: Planck constant h = 6.62607015×10⁻³⁴ J·s, Avogadro N_A = 6.02214076×10²³ mol⁻¹, elementary charge e = 1.602176634×10⁻¹⁹ C, Boltzmann k = 1.380649×10⁻²³ J/K. Which of these became exact in the 2019 SI redefinition?
""",
)

add(
    "benign",
    "en",
    "gdpr-article-9-question",
    "prose",
    """
Explain in plain English: Article 9(1) GDPR says "Processing of personal data revealing racial or ethnic origin, political opinions, religious or philosophical beliefs, or trade union membership, and the processing of genetic data, biometric data for the purpose of uniquely identifying a natural person, data concerning health or data concerning a natural person's sex life or sexual orientation shall be prohibited." What are the main exceptions in 9(2)?
""",
)

add(
    "benign",
    "en",
    "pride-and-prejudice-quiz",
    "prose",
    """
Make a 5-question quiz about Pride and Prejudice. Include Elizabeth Bennet's age at the start, where Mr Darcy's estate Pemberley is, who Mr Collins marries, and what Lydia does with Mr Wickham.
""",
)

add(
    "benign",
    "en",
    "public-dns-ping",
    "command",
    """
Why does this work for Cloudflare but not Google DNS on my hotel Wi-Fi?

$ ping -c 2 1.1.1.1
64 bytes from 1.1.1.1: icmp_seq=1 ttl=57 time=11.8 ms
64 bytes from 1.1.1.1: icmp_seq=2 ttl=57 time=12.1 ms
$ dig @8.8.8.8 example.com
;; communications error to 8.8.8.8#53: timed out
""",
)

add(
    "benign",
    "en",
    "empty-file-sha256",
    "command",
    """
Why do two different empty files give the same hash? And what's the second line about?

$ sha256sum a.txt b.txt
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.txt
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  b.txt
$ git rev-parse HEAD
9fceb02d0ae598e95dc970b74767f19372d61af8
""",
)

add(
    "benign",
    "en",
    "london-walking-route",
    "prose",
    """
I'm at Trafalgar Square. How long does it take to walk along the Strand and Fleet Street to St Paul's Cathedral, and is it nicer to go via the Victoria Embankment instead? Which bits date from after the Great Fire of 1666?
""",
)

add(
    "benign",
    "en",
    "ada-lovelace-kids-bio",
    "prose",
    """
Write a 150-word biography for 9-year-olds: Ada Lovelace, born 10 December 1815 in London, daughter of Lord Byron, worked with Charles Babbage on the Analytical Engine, died 27 November 1852.
""",
)

add(
    "benign",
    "en",
    "readme-placeholder-keys",
    "markdown-table",
    """
Is this README table clear enough for new contributors?

| Variable | Example | Notes |
|---|---|---|
| OPENAI_API_KEY | sk-xxxxxxxxxxxxxxxxxxxxxxxx | from your dashboard |
| STRIPE_SECRET_KEY | sk_test_... | never use a live key locally |
| GITHUB_TOKEN | <your-token-here> | needs repo scope |
| DATABASE_URL | postgres://user:password@localhost:5432/dev | local only |
""",
)

add(
    "benign",
    "en",
    "node-upgrade-versions",
    "prose",
    """
We're on Node 18.19.1 with npm 10.2.4 and TypeScript 5.3.3. Is it safe to go straight to Node 22.11.0 LTS, or should we stop at 20.18.0 first? We also pin @types/node to 18.11.9 and eslint to 8.57.0.
""",
)

add(
    "benign",
    "en",
    "mit-licence-explainer",
    "prose",
    """
I'm adding a licence to my hobby project. Explain what each paragraph of the MIT License means in practice, and whether I need to list every contributor in the copyright line:

MIT License

Copyright (c) 2026 <copyright holders>

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
""",
)
add(
    "benign",
    "de",
    "winter-storm-names",
    "prose",
    """
Warum bekommen Tiefdruckgebiete in Deutschland Namen wie „Xaver“ (Dezember 2013) oder „Sabine“ (Februar 2020), und kann man wirklich eine Patenschaft für ein Tief kaufen? Was kostet das beim Institut für Meteorologie der FU Berlin?
""",
)

add(
    "benign",
    "de",
    "ice-connection-times",
    "prose",
    """
Ich fahre mit dem ICE 579 um 14:28 ab Hamburg Hbf und habe in Frankfurt (Main) Hbf nur 7 Minuten Umstieg auf den ICE 1109 nach Basel SBB (Gleis 7 → Gleis 9). Ist das realistisch, und was passiert mit meiner Zugbindung bei Verspätung?
""",
)

add(
    "benign",
    "fr",
    "tarte-tatin-recipe",
    "prose",
    """
Peux-tu adapter cette recette de tarte Tatin pour un moule de 28 cm ? 6 pommes Golden, 100 g de sucre, 50 g de beurre demi-sel, une pâte brisée, 180 °C pendant 35 minutes. Et c'est vrai que ce sont les sœurs Tatin de Lamotte-Beuvron qui l'ont inventée ?
""",
)

add(
    "benign",
    "fr",
    "hugo-quote-translation",
    "prose",
    """
Traduis en anglais et en espagnol cette phrase de Victor Hugo (Les Misérables, 1862) : « Même la nuit la plus sombre prendra fin et le soleil se lèvera. » Est-ce une vraie citation ou une attribution apocryphe ?
""",
)

add(
    "benign",
    "es",
    "clasico-result-summary",
    "prose",
    """
Resume en dos frases: Real Madrid 3-1 FC Barcelona en el Santiago Bernabéu, goles de Vinícius Jr. (12'), Bellingham (45+2'), Lewandowski (58') y Mbappé (81'). Tarjeta roja a Araujo en el minuto 70.
""",
)

add(
    "benign",
    "es",
    "password-variable-javascript",
    "code",
    """
¿Por qué este formulario de registro nunca muestra el error de "contraseñas no coinciden"?

const password = document.querySelector('#password').value;
const confirmPassword = document.querySelector('#confirm').value;
if (password.length < 12) showError('La contraseña debe tener al menos 12 caracteres');
if (password = confirmPassword) {
  submitForm();
} else {
  showError('Las contraseñas no coinciden');
}
""",
)

add(
    "benign",
    "it",
    "dante-verse-explanation",
    "prose",
    """
Spiegami il significato di questi versi per una classe di terza media: «Nel mezzo del cammin di nostra vita / mi ritrovai per una selva oscura, / ché la diritta via era smarrita.» Perché si dice che Dante li ambienta nel 1300?
""",
)

add(
    "benign",
    "pt",
    "pessoa-heteronyms",
    "prose",
    """
Explica a diferença entre os heterónimos de Fernando Pessoa — Alberto Caeiro, Ricardo Reis e Álvaro de Campos — e diz quem era Bernardo Soares. Pessoa nasceu em Lisboa a 13 de junho de 1888; em que rua?
""",
)

add(
    "benign",
    "pt",
    "brazil-payment-sandbox-cards",
    "prose",
    """
Na documentação do sandbox do Mercado Pago aparecem cartões de teste como Mastercard 5031 4332 1540 6351 e Visa 4235 6477 2802 5682, com CVV 123 e validade 11/30, e o nome do titular "APRO" para aprovar. Como eu simulo um pagamento recusado com esses dados?
""",
)

add(
    "benign",
    "nl",
    "night-watch-restoration",
    "prose",
    """
Hoe lang duurt de restauratie van De Nachtwacht in het Rijksmuseum nog? Rembrandt schilderde het in 1642 en de hoofdpersonen zijn kapitein Frans Banninck Cocq en luitenant Willem van Ruytenburch. Waarom heet het eigenlijk niet zo?
""",
)

add(
    "benign",
    "pl",
    "chopin-birthplace-trip",
    "prose",
    """
Planuję wycieczkę do Żelazowej Woli. Fryderyk Chopin urodził się tam 1 marca 1810 roku (choć w metryce jest 22 lutego). Ile kosztuje bilet wstępu i jak dojechać z Warszawy Centralnej? Koncerty są w niedziele o 12:00 i 15:00?
""",
)

add(
    "benign",
    "pl",
    "invoice-numbering-question",
    "prose",
    """
Czy numeracja faktur FV/2026/10/0143, FV/2026/10/0144, a potem korekta KOR/2026/10/0001 jest zgodna z przepisami? Kwota 12 300,00 zł netto, VAT 23% = 2 829,00 zł, termin płatności 14 dni.
""",
)

add(
    "benign",
    "sv",
    "vasa-ship-history",
    "prose",
    """
Varför sjönk regalskeppet Vasa på jungfruresan den 10 augusti 1628, bara 1 300 meter från kajen vid Stockholms slott? Skriv en kort sammanfattning för en skolklass i årskurs 5.
""",
)

add(
    "benign",
    "fi",
    "kalevala-characters",
    "prose",
    """
Kerro lyhyesti, keitä ovat Kalevalan Väinämöinen, Ilmarinen, Lemminkäinen ja Louhi, ja mikä on Sampo. Elias Lönnrot julkaisi Uuden Kalevalan vuonna 1849 — montako runoa siinä on?
""",
)

add(
    "benign",
    "cs",
    "svejk-reading-question",
    "prose",
    """
Čtu Osudy dobrého vojáka Švejka. Kdo byli nadporučík Lukáš a hostinský Palivec, a proč Hašek knihu nedokončil? Zemřel 3. ledna 1923 v Lipnici nad Sázavou, je tam muzeum?
""",
)

add(
    "benign",
    "ro",
    "dacia-model-comparison",
    "prose",
    """
Compară Dacia Sandero Stepway 1.0 TCe 110 CP cu Dacia Jogger Hybrid 140: consum mixt (5,4 vs 4,8 l/100 km), portbagaj (328 vs 708 l) și preț de listă de la 15.990 € față de 24.450 €.
""",
)

add(
    "benign",
    "hu",
    "rubik-cube-history",
    "prose",
    """
Mikor találta fel Rubik Ernő a bűvös kockát (1974), és hány lehetséges állása van (43 252 003 274 489 856 000)? A „Bűvös kocka” című könyvem ISBN-je 978-963-11-9082-1 — ez érvényes szám?
""",
)

add(
    "benign",
    "tr",
    "turkish-coffee-recipe",
    "prose",
    """
Bir kişilik Türk kahvesi için oranları kontrol eder misin: 70 ml su, 7 g kahve, 1 tatlı kaşığı şeker, cezvede kısık ateşte yaklaşık 2 dakika. Köpüğü nasıl daha çok yapabilirim?
""",
)

add(
    "benign",
    "el",
    "odyssey-summary",
    "prose",
    """
Γράψε μια περίληψη 100 λέξεων της ραψωδίας ι της Οδύσσειας: ο Οδυσσέας και ο Κύκλωπας Πολύφημος, το «Ούτις» και η φυγή κάτω από τα κριάρια.
""",
)

add(
    "benign",
    "ru",
    "gagarin-flight-facts",
    "prose",
    """
Проверь факты: Юрий Гагарин полетел 12 апреля 1961 года на корабле «Восток-1», старт в 9:07 по московскому времени с Байконура, полёт длился 108 минут. Всё верно?
""",
)

add(
    "benign",
    "ru",
    "public-dns-resolvers",
    "prose",
    """
Чем отличаются публичные DNS 77.88.8.8 (Яндекс), 1.1.1.1 (Cloudflare) и 9.9.9.9 (Quad9)? Какой выбрать для роутера, если важна блокировка вредоносных сайтов?
""",
)

add(
    "benign",
    "uk",
    "borscht-recipe",
    "prose",
    """
Напиши рецепт українського борщу на 5-літрову каструлю: 500 г яловичини на кістці, 2 буряки, 3 картоплини, пів капустини, 2 ст. л. томатної пасти, варити 1,5 години. Чи правда, що борщ у 2022 році внесли до списку ЮНЕСКО?
""",
)

add(
    "benign",
    "ja",
    "shinkansen-timetable",
    "prose",
    """
東京駅 8:00 発の のぞみ 213号 に乗ると、新大阪には何時に着きますか？ 乗り換えで 9:57 発の こだま にも間に合いますか？ 料金は 14,720円 で合っていますか？
""",
)

add(
    "benign",
    "ja",
    "soseki-book-report",
    "prose",
    """
夏目漱石の『こころ』の読書感想文を書いています。「先生」と「K」の関係について、中学生にもわかるように説明してください。漱石は1867年2月9日生まれですよね？
""",
)

add(
    "benign",
    "ko",
    "hangul-history",
    "prose",
    """
세종대왕이 훈민정음을 반포한 해가 1446년 맞아? 한글날이 10월 9일인 이유와, 처음 만들어진 자음과 모음 수를 초등학생용으로 설명해 줘.
""",
)

add(
    "benign",
    "zh",
    "li-bai-poem-translation",
    "prose",
    """
把李白的《静夜思》翻译成英文，保留押韵：床前明月光，疑是地上霜。举头望明月，低头思故乡。另外，李白是公元701年出生的吗？
""",
)

add(
    "benign",
    "zh",
    "typhoon-name-retirement",
    "prose",
    """
台风“山竹”（Mangkhut）2018年9月16日在广东台山登陆，后来这个名字被除名了吗？换成了哪个名字？“天鸽”呢？
""",
)

add(
    "benign",
    "ar",
    "ibn-battuta-journey",
    "prose",
    """
لخّص لي رحلة ابن بطوطة: غادر طنجة سنة 1325 وعاد بعد نحو 29 عاماً. ما هي أهم المدن التي زارها، وما اسم كتابه الكامل؟
""",
)

add(
    "benign",
    "he",
    "hummus-recipe",
    "prose",
    """
תן לי מתכון לחומוס ביתי ל-6 מנות: 500 גרם גרגרי חומוס יבשים, כף סודה לשתייה, 200 גרם טחינה גולמית, 2 שיני שום, מיץ מלימון אחד. כמה שעות צריך להשרות?
""",
)

add(
    "benign",
    "hi",
    "cricket-scorecard-summary",
    "prose",
    """
इस मैच का छोटा सारांश लिखो: भारत 287/6 (50 ओवर) — विराट कोहली 102, श्रेयस अय्यर 64; ऑस्ट्रेलिया 251 ऑल आउट (47.3 ओवर) — जसप्रीत बुमराह 4/38। भारत 36 रन से जीता।
""",
)
add(
    "benign",
    "vi",
    "pho-recipe",
    "prose",
    """
Cho mình công thức phở bò Hà Nội cho 6 người: 1,5 kg xương ống, 500 g thăn bò, 2 củ hành, 1 củ gừng, 3 hoa hồi, 1 thanh quế. Ninh xương bao lâu thì nước dùng trong?
""",
)

add(
    "benign",
    "th",
    "songkran-dates",
    "prose",
    """
สงกรานต์ปีนี้วันหยุดราชการคือวันที่ 13–15 เมษายนใช่ไหม ถ้าจะไปเชียงใหม่ ควรจองตั๋วเครื่องบินล่วงหน้ากี่สัปดาห์ และต้มยำกุ้งที่ถนนนิมมานเหมินท์ร้านไหนดัง?
""",
)

add(
    "benign",
    "id",
    "borobudur-visit",
    "prose",
    """
Berapa harga tiket naik ke candi Borobudur sekarang, dan benarkah kuotanya 1.200 orang per hari? Candi ini dibangun sekitar abad ke-9 pada masa Wangsa Syailendra, kan?
""",
)

add(
    "benign",
    "sw",
    "kilimanjaro-route-facts",
    "prose",
    """
Mlima Kilimanjaro una urefu wa mita 5,895 na kilele chake kinaitwa Uhuru Peak. Njia ya Machame inachukua siku ngapi, na ni ipi rahisi zaidi kati ya Marangu na Lemosho?
""",
)

add(
    "benign",
    "tl",
    "rizal-novel-summary",
    "prose",
    """
Pakibuod ang Noli Me Tangere ni Jose Rizal para sa Grade 9. Sino sina Crisostomo Ibarra, Maria Clara at Padre Damaso? Si Rizal ay ipinanganak noong 19 Hunyo 1861 sa Calamba, tama ba?
""",
)

add(
    "benign",
    "fa",
    "nowruz-equinox-time",
    "prose",
    """
لحظه تحویل سال نو ۱۴۰۵ دقیقاً چه ساعتی به وقت تهران است؟ و این شعر حافظ را به انگلیسی ترجمه کن: «یوسف گم گشته بازآید به کنعان غم مخور».
""",
)

add(
    "benign",
    "am",
    "abebe-bikila-story",
    "prose",
    """
ስለ አበበ ቢቂላ ለልጆች አጭር ታሪክ ጻፍልኝ። በ1960 በሮም ኦሎምፒክ ማራቶንን በባዶ እግሩ በ2:15:16 አሸንፏል።
""",
)

add(
    "benign",
    "km",
    "angkor-wat-sunrise",
    "prose",
    """
តើគួរទៅមើលថ្ងៃរះនៅប្រាសាទអង្គរវត្តម៉ោងប៉ុន្មាន? សំបុត្រចូលមួយថ្ងៃតម្លៃ ៣៧ ដុល្លារ មែនទេ? ប្រាសាទនេះសាងសង់ក្នុងរជ្ជកាលព្រះបាទសូរ្យវរ្ម័នទី២។
""",
)

add(
    "benign",
    "uz",
    "plov-recipe",
    "prose",
    """
Toshkent oshi uchun retseptni 10 kishiga moslab ber: 1 kg devzira guruch, 1 kg qo'y go'shti, 1 kg sariq sabzi, 300 ml paxta yog'i, 1 bosh sarimsoq, zira. Qozonda necha daqiqa dam yeydi?
""",
)

add(
    "benign",
    "lb",
    "schueberfouer-dates",
    "prose",
    """
Wéini ass d'Schueberfouer dëst Joer um Glacis, an ass et wouer, datt se zanter 1340 besteet, wéi de Jang de Blannen se gegrënnt huet? Wéi vill kascht e Ticket fir de Riserad?
""",
)

add(
    "benign",
    "lo",
    "that-luang-festival",
    "prose",
    """
ບຸນທາດຫຼວງປີນີ້ຈັດຂຶ້ນວັນທີເທົ່າໃດ? ພະທາດຫຼວງສ້າງໃນສະໄໝພະເຈົ້າໄຊເສດຖາທິລາດ ປີ 1566 ແມ່ນບໍ? ກະລຸນາຂຽນປະຫວັດສັ້ນໆເປັນພາສາອັງກິດ.
""",
)

add(
    "benign",
    "tg",
    "rudaki-poem",
    "prose",
    """
Ин байти Рӯдакиро ба забони англисӣ тарҷума кун: «Бӯйи Ҷӯйи Мӯлиён ояд ҳаме, ёди ёри меҳрубон ояд ҳаме». Рӯдакӣ соли 858 дар Панҷрӯд таваллуд шудааст?
""",
)

add(
    "benign",
    "ky",
    "manas-epic-question",
    "prose",
    """
«Манас» эпосу канча сап саптан турат жана анын эң белгилүү айтуучулары ким болгон — Сагымбай Орозбаков менен Саякбай Каралаев туурабы? Кыскача түшүндүрүп бер.
""",
)

add(
    "benign",
    "tk",
    "akhal-teke-horse",
    "prose",
    """
Ahalteke atlary barada gysgaça maglumat ber: näçe ýyl mundan öň köpeldilip başlandy, iň meşhur aty Ýanardag nähili reňkdi we Türkmen bedewiniň baýramy haçan bellenilýär?
""",
)

add(
    "benign",
    "ps",
    "khushal-khan-poetry",
    "prose",
    """
د خوشحال خان خټک دا بیت انګلیسي ته وژباړئ او لنډ تشریح یې کړئ: «چې دستار تړي هزار دي، د دستار سړي په شمار دي». خوشحال خان په ۱۶۱۳ کال کې زېږېدلی و؟
""",
)

add(
    "benign",
    "ku",
    "newroz-legend",
    "prose",
    """
Çîroka Kawayê Hesinkar û Dehak bi kurtî ji zarokan re binivîse. Newroz her sal di 21ê Adarê de tê pîrozkirin — çima agir tê vêxistin?
""",
)

add(
    "benign",
    "oc",
    "mistral-nobel-prize",
    "prose",
    """
Pòdes m'explicar perqué Frederic Mistral recebèt lo prèmi Nobel de literatura en 1904? Quin es lo subjècte de Mirèio e ont se tròba lo Museon Arlaten?
""",
)

add(
    "benign",
    "co",
    "napoleon-ajaccio-house",
    "prose",
    """
Napulione Bonaparte hè natu in Aiacciu u 15 d'aostu di u 1769. A casa Bonaparte hè aperta tuttu l'annu? Quantu costa u bigliettu è quale sò l'orarii d'invernu?
""",
)

add(
    "benign",
    "eo",
    "zamenhof-unua-libro",
    "prose",
    """
Kiam Ludoviko Lazaro Zamenhof publikigis la Unuan Libron — ĉu la 26-an de julio 1887 en Varsovio? Verku mallongan resumon por komencantoj kaj klarigu, kial la Zamenhofa Tago estas la 15-a de decembro.
""",
)

add(
    "benign",
    "st",
    "thaba-bosiu-history",
    "prose",
    """
Ke kopa o ngole kakaretso e kgutshwane ka Thaba-Bosiu le Morena Moshoeshoe I. O hlahile ka selemo sefe, mme ke hobaneng thaba ena e ne e sa hlolwe ke dira?
""",
)

add(
    "benign",
    "ig",
    "things-fall-apart-summary",
    "prose",
    """
Biko dee nchịkọta mkpirikpi nke akwụkwọ Chinua Achebe "Things Fall Apart" (1958). Gịnị mere Okonkwo ji gaa mba ọzọ afọ asaa, onye bụ Ikemefuna, oleekwa ihe mere Nwoye?
""",
)

add(
    "benign",
    "wo",
    "youssou-ndour-song",
    "prose",
    """
Ndax mën nga ma wax li Youssou N'Dour di wax ci woy "Li Ma Weesu"? Ak ban at la Super Étoile de Dakar sosu?
""",
)

add(
    "benign",
    "fj",
    "rugby-sevens-gold",
    "prose",
    """
Vola mada e dua na itukutuku lekaleka me baleta na qito ni rakavi ni Viti ena Olympic e Rio 2016. Era a qaqa vei Peritania e 43–7 ena qito ni iotioti?
""",
)

add(
    "benign",
    "haw",
    "kamehameha-day",
    "prose",
    """
E ʻoluʻolu, e wehewehe mai i ke kumu o ka lā hoʻomanaʻo iā Kamehameha I ma ka lā 11 o Iune. Ua hoʻohui ʻo ia i nā mokupuni i ka makahiki 1810, ʻeā?
""",
)

add(
    "benign",
    "jv",
    "wayang-arjuna",
    "prose",
    """
Tulung jelasna crita wayang nalika Arjuna nampa pusaka Pasopati saka Bathara Guru. Apa bedane Arjuna karo Karna ing lakon Bharatayuddha?
""",
)

add(
    "benign",
    "or",
    "konark-sun-temple",
    "prose",
    """
କୋଣାର୍କ ସୂର୍ଯ୍ୟ ମନ୍ଦିର କେବେ ନିର୍ମାଣ ହୋଇଥିଲା? ରାଜା ନରସିଂହ ଦେବ ପ୍ରଥମ 1250 ମସିହାରେ ଏହାକୁ ତିଆରି କରିଥିଲେ କି? ମନ୍ଦିରରେ କେତୋଟି ଚକ ଅଛି?
""",
)

add(
    "benign",
    "as",
    "bihu-and-bhupen-hazarika",
    "prose",
    """
ৰঙালী বিহু কিয় এপ্ৰিল মাহত পালন কৰা হয়? ড° ভূপেন হাজৰিকাৰ "মানুহে মানুহৰ বাবে" গীতটো ইংৰাজীলৈ অনুবাদ কৰি দিয়ক।
""",
)

add(
    "benign",
    "cv",
    "chuvash-embroidery-museum",
    "prose",
    """
Шупашкарти чӑваш тӗрри музейӗ хӑш кунсенче ӗҫлет? Чӑваш тӗррин паллисене кӗскен ӑнлантарса пар, вырӑсла та ҫырса пар.
""",
)

add(
    "benign",
    "yi",
    "tevye-sholem-aleichem",
    "prose",
    """
ווער איז געווען שלום־עליכם, און ווי אַזוי איז "טבֿיה דער מילכיקער" געוואָרן דער מוזיקל "פֿידלער אויפֿן דאַך" אין 1964? שרײַבט אַ קורצע באַשרײַבונג אויף ענגליש.
""",
)

add(
    "benign",
    "ml",
    "onam-sadya-menu",
    "prose",
    """
ഓണസദ്യയ്ക്ക് 26 വിഭവങ്ങളുടെ പട്ടിക ഉണ്ടാക്കാമോ? അവിയൽ, സാമ്പാർ, പരിപ്പ്, പായസം എന്നിവ ഏത് ക്രമത്തിലാണ് വിളമ്പേണ്ടത്? ഇലയുടെ ഏത് വശത്താണ് ഉപ്പേരി വയ്ക്കുന്നത്?
""",
)

if __name__ == "__main__":
    out = HERE / "fresh31.jsonl"
    ct.build(PROMPTS, out, seed=SPLIT_SEED, id_prefix=ID_PREFIX)
