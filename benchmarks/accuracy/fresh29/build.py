#!/usr/bin/env python3
"""Build the 'fresh29' privacy-filter evaluation corpus (twenty-ninth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax of ``_corpus_tools.py``

    ⟦TYPE:value⟧           e.g. ⟦P:Jan Novák⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@CZ:…⟧   (CC = ISO alpha-2)

Values that must look machine-made (national ids with check digits, IBANs,
cards, provider tokens, private keys, JWTs) are written as generator slots
``⁅kind|arg|…⁆`` inside the markers and filled at build time from one
``random.Random(2929)``, in the order the slots appear in this file:

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

``_corpus_tools`` does the parsing, checks, dev/test split (seed 2929) and the
statistics; ids are ``d-0001`` ….  Languages the shared module does not list
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

SEED = 2929
SPLIT_SEED = 2929
ID_PREFIX = "d"

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
    "am": ("ET",),
    "mn": ("MN",),
    "eu": ("ES", "FR"),
    "gl": ("ES",),
    "cy": ("GB",),
    "ga": ("IE",),
    "mt": ("MT",),
    "lb": ("LU",),
    "uz": ("UZ",),
    "km": ("KH",),
    "my": ("MM",),
    "si": ("LK",),
    "sq": ("AL", "XK"),
    "az": ("AZ",),
    "kk": ("KZ",),
    "ne": ("NP",),
    "mr": ("IN",),
}
ct.LANGS.update(_NEW_LANGS)
ct.LANG_REGIONS.update(_NEW_LANGS)
ct.LANG_REGIONS["en"] = (*ct.LANG_REGIONS["en"], "SG", "PH", "NG", "KE", "MT", "JM")

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


# ---------------------------------------------------------------------------
# pii — English
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "tool-library-insurer-loan-list",
    "csv",
    """
We run a volunteer tool library out of the old scout hut. Our insurer wants a list of who borrowed the "big kit" (chainsaw, tile cutter, pressure washer, scaffold tower) this quarter. Can you turn this export into a table sorted by item and flag anyone whose membership had lapsed before the loan date?

member_no,first,last,phone,email,address,joined,lapsed,item,loan_date
⟦ACC:TL-0412⟧,⟦P:Priyanka⟧,⟦P:Venkataraman-Hall⟧,⟦T:07834 221907⟧,⟦E:priya.vhall@gmail.com⟧,"⟦A:22 Chalkpit Road, Didcot OX11 7HB⟧",2021-04-03,,Stihl MS 181 chainsaw,2024-07-06
⟦ACC:TL-0587⟧,⟦P:Gethin⟧,⟦P:Rowlands⟧,⟦T:01235 812466⟧,⟦E:gethin.rowlands@btinternet.com⟧,"⟦A:5 Orchard Close, Harwell OX11 0EZ⟧",2022-01-19,2024-06-30,Kärcher K5 pressure washer,2024-07-21
⟦ACC:TL-0611⟧,⟦P:Agnieszka⟧,⟦P:Brzezińska⟧,⟦T:07723 409158⟧,⟦E:aga.brzez@outlook.com⟧,"⟦A:Flat 9, Lydalls House, Didcot OX11 7EN⟧",2022-05-02,,Rubi TX-700 tile cutter,2024-08-02
⟦ACC:TL-0698⟧,⟦P:Tobias⟧,⟦P:Quayle⟧,⟦T:07951 336402⟧,⟦E:tquayle88@yahoo.co.uk⟧,"⟦A:41 Broadway, Didcot OX11 8RT⟧",2023-02-11,2024-05-31,Boss Clima scaffold tower,2024-09-14

Note from ⟦P:Wendell⟧ on the returns desk: ⟦P:Priyanka⟧ says the chainsaw chain was already blunt when she collected it, and ⟦P:Tobias⟧ still has the tower's outriggers.
""",
)
add(
    "pii",
    "en",
    "bouldering-wall-junior-registration",
    "form",
    """
Please check this junior registration for our bouldering wall is complete before I file it, and list any fields that are missing or contradictory.

SUMMIT SHED CLIMBING — UNDER-16 REGISTRATION & SUPERVISION AGREEMENT
Young climber: ⟦P:Oisín Delacroix-Mwangi⟧        Date of birth: ⟦DOB:14 Feb 2012⟧
School year: 8        Previous experience: Rock Academy taster at Awesome Walls (2023)
Health: mild ⟦MC:asthma⟧ (exercise-induced) — inhaler (⟦MED:salbutamol⟧) kept in bag. Also has ⟦MC:hypermobility spectrum disorder⟧, physio says no dynos.
Responsible adult: ⟦P:Marguerite Delacroix⟧ (mother)    Mobile: ⟦T:07592 447163⟧
Second contact: ⟦P:Samuel Mwangi⟧ (father)    ⟦T:+44 7455 902318⟧
Home address: ⟦A:Flat 3, 71 Harehills Lane, Leeds LS8 4HE⟧
Supervision level: red wristband (may climb unsupervised on auto-belays after induction)
Induction signed off by: ⟦P:Kez⟧ (instructor), 03/08/2024
Parent signature: ⟦P:M. Delacroix⟧
""",
)
add(
    "pii",
    "en",
    "rooftop-solar-lead-followup",
    "json",
    """
This is a lead record from our CRM for a rooftop solar job. Write a friendly follow-up email to the homeowners summarizing the proposal and the financing pre-qualification. Obviously leave the SSN and DOB out of the email.

{
  "lead_id": "SOL-2024-88213",
  "homeowner": {"first_name": "⟦P:Darnell⟧", "last_name": "⟦P:Whitcombe⟧", "co_applicant": "⟦P:Rosalind Whitcombe⟧"},
  "contact": {"mobile": "⟦T:(480) 627-1934⟧", "email": "⟦E:dwhitcombe.az@outlook.com⟧"},
  "site": {"address": "⟦A:9127 E Sagebrush Trl, Scottsdale, AZ 85262⟧", "roof": "concrete tile, 24° pitch, south-facing", "panel_count": 28, "system_kw": 11.48},
  "utility": {"provider": "APS", "account_number": "⟦ACC:7719440286⟧", "avg_monthly_kwh": 1640},
  "financing": {"lender": "GoodLeap", "ssn": "⟦ID@US:⁅id|US|5##-##-####⁆⟧", "dob": "⟦DOB:1968-09-30⟧", "prequal": "approved, 25yr @ 5.99%"},
  "notes": "⟦P:Darnell⟧ works nights (ER nurse), call after 2pm. ⟦P:Rosalind⟧ has ⟦MC:end-stage kidney disease⟧ and dialyses at home, so they want the battery to back up circuit 14 first."
}
""",
)
add(
    "pii",
    "en",
    "dry-cleaner-christening-gown-claim",
    "prose",
    """
Help me write a firm but polite letter to the dry cleaner's insurer. The facts:
- I dropped off my grandmother's 1952 silk christening gown at Pressed & Proper on 2 May, ticket no. 40913. It came back with a yellow scorch mark across the bodice and two seed pearls missing.
- The counter assistant was ⟦P:Leonie Farrant⟧; the owner, Mr ⟦P:Hadi Sarraf⟧, offered £40 "goodwill" which is ridiculous for an heirloom.
- A textile conservator (the V&A recommended list) quoted £385 to stabilise it.
- My details: ⟦P:Philippa Adeyemi-Croft⟧, ⟦A:17 Ropewalk, Bridport DT6 3NN⟧, ⟦T:01308 420915⟧ or mobile ⟦T:07846 551203⟧, ⟦E:pip.adeyemicroft@icloud.com⟧. Their loyalty scheme has me as customer ⟦ACC:PP-0071846⟧.
- The christening is for my nephew ⟦P:Ezra⟧ on 28 July, so timing matters.
Mention that I'd rather settle than go to the small claims court, but I will if I have to. Sign it "⟦P:Philippa⟧".
""",
)
add(
    "pii",
    "en",
    "community-radio-presenter-insert",
    "sql",
    """
MariaDB says "You have an error in your SQL syntax" near line 3 of this. Can you fix it and tell me whether presenter_dob should be a DATE column rather than VARCHAR?

INSERT INTO presenters (handle, full_name, presenter_dob, phone, email, show_slot, notes)
VALUES
('⟦U:marlow_on_air⟧', '⟦P:Marlow Achebe-Finch⟧', '⟦DOB:1991-05-17⟧', '⟦T:0161 832 4471⟧, '⟦E:marlow.af@protonmail.com⟧', 'Tue 20:00 Bowie at Bedtime', NULL),
('⟦U:auntie_pat⟧', '⟦P:Patricia Lomax⟧', '⟦DOB:1957-11-02⟧', '⟦T:07712 098354⟧', '⟦E:pat.lomax57@aol.co.uk⟧', 'Sun 10:00 Northern Soul Breakfast', 'needs step-free studio access, wheelchair user since her ⟦MC:stroke⟧'),
('⟦U:djsaoirse⟧', '⟦P:Saoirse Ní Bhriain⟧', '⟦DOB:2002-03-29⟧', '⟦T:07398 664120⟧', '⟦E:saoirse.nibhriain@gmail.com⟧', 'Fri 22:00 The Smiths vs The Cure', NULL);
""",
)
add(
    "pii",
    "en",
    "makerspace-laser-cutter-night-log",
    "kv-log",
    """
Someone ran a 90-minute acrylic job on our makerspace laser cutter at 2am without a booking and the extraction filter is now clogged. The controller Pi logs badge-ins. Summarise who was in between 22:00 and 06:00, whether each person had a booking, and who is most likely responsible.

2024-09-14T21:48:02Z level=info event=badge_in member=⟦ACC:M-2231⟧ user=⟦U:hkowalczyk⟧ name="⟦P:Hania Kowalczyk⟧" src_ip=⟦IP:86.142.77.19⟧ booking=BK-7731
2024-09-14T22:03:40Z level=info event=job_start user=⟦U:hkowalczyk⟧ material=plywood_3mm est_min=25
2024-09-14T22:31:12Z level=info event=job_end user=⟦U:hkowalczyk⟧ status=ok
2024-09-14T23:55:09Z level=info event=badge_in member=⟦ACC:M-1987⟧ user=⟦U:rtheobald⟧ name="⟦P:Rufus Theobald⟧" src_ip=⟦IP:2a02:c7c:5e31:8f00:d4a1:9bff:fe22:61c7⟧ booking=none
2024-09-15T00:12:44Z level=warn event=interlock_override user=⟦U:rtheobald⟧ reason="door sensor flaky"
2024-09-15T01:58:20Z level=info event=badge_in member=⟦ACC:M-2410⟧ user=⟦U:ines.duarte⟧ name="⟦P:Inês Duarte⟧" src_ip=⟦IP:81.97.203.144⟧ booking=none
2024-09-15T02:01:06Z level=info event=job_start user=⟦U:rtheobald⟧ material=acrylic_5mm est_min=90
2024-09-15T02:04:51Z level=info event=badge_out user=⟦U:ines.duarte⟧
2024-09-15T03:33:17Z level=info event=job_end user=⟦U:rtheobald⟧ status=ok filter_pressure=HIGH
""",
)
add(
    "pii",
    "en",
    "sea-kayak-trip-leader-roster",
    "markdown-table",
    """
I'm the trip leader for Saturday's sea-kayak crossing to Skomer. Could you turn this into a one-page safety brief: pair weaker paddlers with stronger ones and list who needs medication in a dry bag on the lead boat?

| Paddler | Grade | Mobile | Emergency contact | Medical |
|---|---|---|---|---|
| ⟦P:Bethan Pryce-Jenkins⟧ | 4* | ⟦T:07968 213540⟧ | ⟦P:Huw Pryce-Jenkins⟧ ⟦T:01437 765092⟧ | none |
| ⟦P:Kwame Asante-Boyd⟧ | 2* | ⟦T:07501 887634⟧ | ⟦P:Efua Asante⟧ ⟦T:07412 590213⟧ | ⟦MC:epilepsy⟧, last seizure 2019, takes ⟦MED:levetiracetam⟧ |
| ⟦P:Moira Glendinning⟧ | 3* | ⟦T:07787 340119⟧ | ⟦P:Alasdair Glendinning⟧ ⟦T:07787 340120⟧ | ⟦MC:bee sting allergy⟧ — ⟦MED:Jext⟧ pen ×2 |
| ⟦P:Tomasz Wróblewski⟧ | 2* | ⟦T:07933 104728⟧ | ⟦P:Ola Wróblewska⟧ ⟦T:+48 601 238 447⟧ | ⟦MC:type 2 diabetes⟧ (⟦MED:metformin⟧), carries jelly babies |

Launch from Martin's Haven at 08:30, slack water at St Brides Bay is 09:12.
""",
)
add(
    "pii",
    "en",
    "breeding-bird-survey-volunteers",
    "yaml",
    """
This YAML drives the allocation of survey squares for our county bird count. Can you validate it and tell me which squares have no second observer? Also rename "obs" to "observers".

season: 2025
coordinator: Dr ⟦P:Felicity Amberley-Hsu⟧
squares:
  - ref: SK2641
    habitat: arable / hedgerow
    obs:
      - name: ⟦P:Callum Reddish⟧
        phone: ⟦T:07891 402716⟧
        email: ⟦E:callum.reddish@gmail.com⟧
        home: ⟦A:3 Mill Lane, Melbourne, Derby DE73 8EN⟧
      - name: ⟦P:Jyoti Bhardwaj⟧
        phone: ⟦T:07447 215980⟧
        email: ⟦E:jyoti.b.birds@outlook.com⟧
        notes: "has ⟦MC:epilepsy⟧, must not survey alone near the reservoir"
  - ref: SK3318
    habitat: upland moor
    obs:
      - name: ⟦P:Ron Gledhill⟧
        phone: ⟦T:01629 813347⟧
        email: ⟦E:ron.gledhill@talktalk.net⟧
        home: ⟦A:Rose Cottage, 12 Church Street, Youlgreave DE45 1UR⟧
  - ref: SK1907
    habitat: wet woodland (Carr)
    obs: []
species_focus: [Curlew, Lapwing, Willow Tit, Spotted Flycatcher]
""",
)
add(
    "pii",
    "en",
    "pune-flat-sale-deed-draft",
    "prose",
    """
Please proofread this paragraph of our draft sale deed (flat in Baner, Pune) and make the English consistent. Don't change the numbers.

THIS DEED OF SALE is made at Pune on this ___ day of November 2024 BETWEEN Shri ⟦P:Vivek Anant Kulkarni⟧, aged about 58 years, Aadhaar No. ⟦ID@IN:⁅id|IN|7### #### ###?⁆⟧, PAN ⟦ID@IN:AKRPK4471L⟧, residing at ⟦A:Flat No. 402, Swapnashilp Apartments, Sus Road, Pashan, Pune 411021⟧, hereinafter called the VENDOR (which expression shall include his heirs, executors and assigns) of the ONE PART;
AND Smt. ⟦P:Farzana Imtiaz Shaikh⟧, aged about 34 years, Aadhaar No. ⟦ID@IN:⁅id|IN|4### #### ###?⁆⟧, PAN ⟦ID@IN:DQXPS2086M⟧, and her husband Mr. ⟦P:Imran Yusuf Shaikh⟧, aged about 37 years, both residing at ⟦A:B-17, Gulmohar Park, Aundh, Pune 411007⟧, mobile ⟦T:+91 98220 45117⟧, hereinafter called the PURCHASERS of the OTHER PART.
The Vendor ⟦P:Kulkarni⟧ is the absolute owner of Flat No. 703 on the 7th floor of "Tulip Heights", Survey No. 48/2, Baner, admeasuring 1,085 sq. ft. carpet area, for a total consideration of Rs. 1,12,50,000/- (Rupees One Crore Twelve Lakh Fifty Thousand only).
""",
)
add(
    "pii",
    "en",
    "au-tax-agent-client-onboarding",
    "form",
    """
New client onboarding sheet for our tax practice. Can you draft the engagement letter from this (standard individual return, plus the rental schedule), and list what documents we still need from her?

CLIENT DETAILS
Full name: ⟦P:Genevieve Rose Tanaka-Brooks⟧
Preferred name: ⟦P:Gen⟧
Date of birth: ⟦DOB:09/06/1983⟧
TFN: ⟦ID@AU:⁅id|AU|### ### ##?⁆⟧
Residential address: ⟦A:14/27 Bronte Road, Bondi Junction NSW 2022⟧
Mobile: ⟦T:0412 583 906⟧
Email: ⟦E:gen.tanakabrooks@bigpond.com⟧
Refund account: BSB ⟦ACC:062-145⟧ Account ⟦ACC:1049 2276⟧ (CommBank, name ⟦P:G R Tanaka-Brooks⟧)
Rental property: ⟦A:3 Ferntree Place, Katoomba NSW 2780⟧ (let from 1 March, agent: Blue Mountains Realty)
Private health: Medibank, membership ⟦ACC:5520 8814 3⟧
Notes: ⟦P:Gen⟧ mentioned large out-of-pocket costs for her son's ⟦MC:type 1 diabetes⟧ pump consumables — check whether any of it is claimable (probably not since 2019).
""",
)
add(
    "pii",
    "en",
    "cpp-pension-sharing-letter",
    "prose",
    """
Can you turn my notes into a clear cover letter to Service Canada for our CPP pension-sharing application (form ISP-1002)? We're both retired and want to split our pensions for tax reasons.

Me: ⟦P:Réjean Thibodeau⟧, SIN ⟦ID@CA:⁅id|CA|4## ### ##?⁆⟧, born ⟦DOB:March 22, 1956⟧, receiving CPP since 2021.
My wife: ⟦P:Margaret Anne Thibodeau⟧ (née ⟦P:Boychuk⟧), SIN ⟦ID@CA:⁅id|CA|5## ### ##?⁆⟧, born ⟦DOB:October 3, 1958⟧, receiving CPP since 2023.
Married July 1980 in Saskatoon. Address: ⟦A:218 Rue Champlain, Gatineau QC J8T 2K4⟧. Home phone ⟦T:(819) 568-2297⟧.
Please mention that ⟦P:Margaret⟧ has ⟦MC:macular degeneration⟧ and prefers correspondence in large print, and that I'm the contact person (⟦E:rejean.thibodeau@videotron.ca⟧).
""",
)
add(
    "pii",
    "en",
    "za-prepaid-electricity-landlord-chat",
    "prose",
    """
Below is a WhatsApp chat with my new tenant. Can you extract the details I need to register her as the account holder with the City of Cape Town, as a neat list?

[08/10, 18:42] Me: Hi ⟦P:Thandeka⟧, welcome! For the electricity account the municipality needs your full name, ID number and a contact number please.
[08/10, 19:05] ⟦P:Thandeka⟧: Hi Mr ⟦P:Jacobs⟧ 😊 it's ⟦P:Thandeka Precious Mahlangu⟧, ID ⟦ID@ZA:⁅id|ZA|9504120###08?⁆⟧
[08/10, 19:05] ⟦P:Thandeka⟧: cell ⟦T:072 318 4406⟧, work ⟦T:021 408 7715⟧
[08/10, 19:07] ⟦P:Thandeka⟧: and my email is ⟦E:thandi.mahlangu@gmail.com⟧
[08/10, 19:09] Me: Thanks. And the old account number on the bill is ⟦ACC:4400918273⟧, address ⟦A:Unit 6, 23 Belvedere Road, Claremont, 7708⟧
[08/10, 19:11] ⟦P:Thandeka⟧: Perfect. Just so you know, I'm on home oxygen for ⟦MC:pulmonary hypertension⟧ so load-shedding is a big deal for me, can I get on the medical priority list?

My own details for the form: ⟦P:Gerald Jacobs⟧, owner, ⟦T:083 552 1907⟧.
""",
)
add(
    "pii",
    "en",
    "dbs-umbrella-body-api-request",
    "http",
    """
Our volunteer-coordination app submits enhanced DBS checks through an umbrella body's API and this request keeps failing validation with "address_history: gap > 0 days". Can you see what's wrong?

POST /v2/applications HTTP/1.1
Host: api.example-umbrella.co.uk
Content-Type: application/json
X-Request-Id: 5f1c2a90-77b1-4e0c-9c2d-3b8e1f6a0d44

{
  "role": "Befriending volunteer (children's hospice)",
  "level": "enhanced_with_barred_children",
  "applicant": {
    "forenames": "⟦P:Eleanor Jane⟧",
    "surname": "⟦P:Ferguson⟧",
    "birth_surname": "⟦P:McAvoy⟧",
    "date_of_birth": "⟦DOB:1987-03-14⟧",
    "email": "⟦E:eleanor.ferguson87@gmail.com⟧",
    "mobile": "⟦T:+44 7824 319056⟧"
  },
  "id_documents": [
    {"type": "passport", "number": "⟦PASS:548203917⟧", "country": "GBR"},
    {"type": "driving_licence", "number": "⟦DL:FERGU853147EJ9AB⟧"}
  ],
  "address_history": [
    {"address": "⟦A:27 Balmoral Terrace, Aberdeen AB10 6HL⟧", "from": "2019-09-01", "to": null},
    {"address": "⟦A:Flat 2/1, 144 Hyndland Road, Glasgow G12 9PN⟧", "from": "2015-06-01", "to": "2019-08-15"}
  ]
}
""",
)
add(
    "pii",
    "en",
    "irs-identity-theft-affidavit-notes",
    "prose",
    """
Someone filed a tax return in my name and I got IRS letter 5071C. I need to fill out Form 14039. Can you turn these notes into the short written explanation for Section C, in plain first-person English?

- Name: ⟦P:Marisol Quintanilla-Reyes⟧, SSN ⟦ID@US:⁅id|US|6##-##-####⁆⟧, DOB ⟦DOB:04/27/1979⟧
- Current address: ⟦A:3306 Live Oak St, Apt 214, Houston, TX 77004⟧ (moved here Jan 2024)
- Address on the fraudulent return: ⟦A:1187 Oakdale Dr, Pasadena, TX 77506⟧ (I never lived there)
- Phone: ⟦T:(713) 526-0841⟧, email ⟦E:marisol.qreyes@yahoo.com⟧
- My real 2023 return was rejected on Feb 9 as a duplicate. My employer is Memorial Hermann (W-2).
- In December my purse was stolen at the Galleria and I filed a police report with HPD, report #2023-1742209.
- I'd like an IP PIN going forward.
""",
)
add(
    "pii",
    "en",
    "geology-field-school-group-insurance",
    "csv",
    """
Our geology field school in Iceland (two weeks, Vatnajökull margin) needs a group travel-insurance enrolment. The insurer's portal rejects the file because the id column mixes formats. Can you split it into id_type and id_number columns and tell me which rows look wrong?

first_name;last_name;date_of_birth;nationality;id;email;medical
⟦P:Lukas⟧;⟦P:Hartmann⟧;⟦DOB:2001-02-11⟧;DE;⟦ID@DE:⁅id|DE|## ### ### ##?⁆⟧;⟦E:lukas.hartmann@posteo.de⟧;
⟦P:Margaux⟧;⟦P:Vandenbroucke⟧;⟦DOB:1999-07-08⟧;BE;⟦ID@BE:⁅id|BE|99.07.08-##4.??⁆⟧;⟦E:margaux.vdb@ugent-mail.be⟧;⟦MC:coeliac disease⟧
⟦P:Nils⟧;⟦P:Bühlmann⟧;⟦DOB:2000-12-19⟧;CH;⟦ID@CH:⁅id|CH|756.####.####.#?⁆⟧;⟦E:nils.buehlmann@bluewin.ch⟧;
⟦P:Aroha⟧;⟦P:Te Whata⟧;⟦DOB:2002-05-30⟧;NZ;⟦ID@NZ:⁅id|NZ|12#-###-##?⁆⟧;⟦E:aroha.tewhata@gmail.com⟧;⟦MC:asthma⟧ (⟦MED:Symbicort⟧)
⟦P:Lucía⟧;⟦P:García Hernández⟧;⟦DOB:1992-04-15⟧;MX;⟦ID@MX:⁅id|MX|GAHL920415MJCRRC0?⁆⟧;⟦E:lucia.garciah@ciencias.unam.mx⟧;
⟦P:Benjamín⟧;⟦P:Soto Aravena⟧;⟦DOB:2000-10-02⟧;CL;⟦ID@CL:⁅id|CL|20.###.###-?⁆⟧;⟦E:bsoto.aravena@gmail.com⟧;⟦MC:penicillin allergy⟧
⟦P:Valentina⟧;⟦P:Ferraro⟧;⟦DOB:2001-08-23⟧;AR;⟦ID@AR:⁅id|AR|43.###.###⁆⟧;⟦E:vale.ferraro@hotmail.com⟧;
⟦P:Caio⟧;⟦P:Nascimento Prado⟧;⟦DOB:1998-01-17⟧;BR;⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧;⟦E:caio.nprado@usp-mail.br⟧;
⟦P:Daniela⟧;⟦P:Andrade Cevallos⟧;⟦DOB:1999-11-05⟧;EC;⟦ID@EC:⁅id|EC|171######?⁆⟧;⟦E:dandradec@puce-mail.ec⟧;⟦MC:type 1 diabetes⟧, insulin pump
⟦P:Renzo⟧;⟦P:Quispe Mamani⟧;⟦DOB:2000-03-28⟧;PE;⟦ID@PE:⁅id|PE|7#######?⁆⟧;⟦E:renzo.quispe@pucp-mail.pe⟧;
""",
)
# ---------------------------------------------------------------------------
# pii — other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "de",
    "orf-beitrag-befreiung-oma",
    "form",
    """
Kannst du mir helfen, den Antrag auf Befreiung vom ORF-Beitrag für meine Oma vorzubereiten? Bitte übertrag meine Notizen in die Felder des Formulars und sag mir, welche Nachweise noch fehlen.

Antragstellerin: ⟦P:Hermine Zwettler⟧, geb. ⟦DOB:15.03.1938⟧
Sozialversicherungsnummer: ⟦ID@AT:⁅id|AT|###?150338⁆⟧
Adresse: ⟦A:Laaer-Berg-Straße 112/3/14, 1100 Wien⟧
Telefon Festnetz: ⟦T:01 6042783⟧
Ansprechperson: Enkelin ⟦P:Jasmin Zwettler-Kocak⟧, Handy ⟦T:0664 3915822⟧
Haushalt: lebt allein, seit Opa ⟦P:Ferdinand⟧ 2022 verstorben ist
Einkommen: Ausgleichszulage; Pflegegeld Stufe 3 wegen ⟦MC:Demenz⟧ (Bescheid der PVA liegt vor)
Nur für den Pflegedienst, nicht fürs Formular: morgens ⟦MED:Donepezil⟧, abends ⟦MED:Quetiapin⟧ 25 mg
""",
)
add(
    "pii",
    "fr",
    "carsat-rachat-trimestres-etudes",
    "prose",
    """
Pouvez-vous rédiger un courrier à la CARSAT pour demander une estimation du coût d'un rachat de trimestres au titre de mes années d'études ? Voici mes informations :

Nom : ⟦P:Véronique Lemaître-Oudin⟧ (nom de naissance : ⟦P:Oudin⟧)
Née le ⟦DOB:7 novembre 1969⟧ à Besançon
N° de sécurité sociale : ⟦ID@FR:⁅id|FR|2 69 11 25 ### ### ??⁆⟧
Adresse : ⟦A:14 rue des Granges, 25000 Besançon⟧
Tél. : ⟦T:06 71 42 93 08⟧ — courriel : ⟦E:v.lemaitre.oudin@orange.fr⟧
Études : licence puis maîtrise de lettres modernes à l'université de Franche-Comté, 1987–1992
Option souhaitée : rachat « taux et durée », étalé sur trois ans, prélèvement sur le compte ⟦IBAN:⁅iban|FR|##### ##### ########### ##⁆⟧
Précisez que je suis en mi-temps thérapeutique depuis mon ⟦MC:cancer du sein⟧ (2021) et que je souhaite partir à 62 ans.
""",
)
add(
    "pii",
    "es",
    "reclamacion-overbooking-261",
    "prose",
    """
Necesito una reclamación formal por denegación de embarque (overbooking) según el Reglamento (CE) 261/2004. Redáctala con tono firme usando estos datos:

- Pasajeros: ⟦P:Nerea Goikoetxea Salaberria⟧, DNI ⟦ID@ES:⁅id|ES|########?⁆⟧, y mi hijo ⟦P:Unai Ibáñez Goikoetxea⟧ (menor, nacido el ⟦DOB:3 de junio de 2015⟧), pasaporte ⟦PASS:PAK482913⟧.
- Vuelo Bilbao–Tenerife Norte del 18 de agosto, salida 07:05; nos reubicaron en el de las 19:40, con llegada 10 horas tarde.
- ⟦P:Unai⟧ tiene ⟦MC:trastorno del espectro autista⟧ y la espera en la terminal fue muy dura; lo avisamos en el mostrador y nadie nos dio prioridad.
- Solicito 400 € por pasajero (distancia 2.012 km) más el taxi del hotel (63,50 €).
- Contacto: ⟦A:Calle Licenciado Poza 41, 3.º izda., 48013 Bilbao⟧, ⟦T:688 214 903⟧, ⟦E:nerea.goiko@euskalnet.net⟧.
- Pago a la cuenta ⟦IBAN:⁅iban|ES|#### #### ## ##########⁆⟧ a nombre de ⟦P:Nerea Goikoetxea⟧.
""",
)
add(
    "pii",
    "it",
    "denuncia-smarrimento-cie",
    "prose",
    """
Mi aiuti a scrivere la dichiarazione di smarrimento della carta d'identità elettronica da portare ai Carabinieri? Deve essere formale e in prima persona.

Io sottoscritta ⟦P:Ginevra Lombardozzi⟧, nata a Viterbo il ⟦DOB:21/08/1990⟧, codice fiscale ⟦ID@IT:⁅id|IT|LMBGVR90M61M082?⁆⟧, residente in ⟦A:Via della Palazzina 38, 01100 Viterbo⟧, tel. ⟦T:347 612 0958⟧, e-mail ⟦E:ginevra.lombardozzi@libero.it⟧.
Ho perso il portafoglio sabato sera tra Piazza del Plebiscito e il parcheggio di Porta Romana. Dentro c'erano la CIE (il numero non lo ricordo, scadenza 2031), la tessera sanitaria, e il tesserino per la terapia con ⟦MED:warfarin⟧ che uso per la ⟦MC:fibrillazione atriale⟧.
Mio fratello ⟦P:Tommaso⟧ mi accompagna in caserma lunedì.
""",
)
add(
    "pii",
    "pt",
    "isencao-imi-baixos-rendimentos",
    "form",
    """
Preciso de escrever um requerimento às Finanças a pedir a isenção de IMI por baixos rendimentos para a minha mãe. Use estes dados e diga-me que documentos devo juntar.

Requerente: ⟦P:Maria da Conceição Ferreira Lobo⟧
Data de nascimento: ⟦DOB:02/02/1944⟧
NIF: ⟦ID@PT:⁅id|PT|1#######?⁆⟧
Cartão de Cidadão: ⟦ID@PT:⁅id|PT|######## ? ZY?⁆⟧
Morada do imóvel (habitação própria permanente): ⟦A:Rua Dr. Manuel Pais 57, 4750-296 Barcelos⟧
Telemóvel da filha (eu, ⟦P:Sílvia Lobo Marinho⟧): ⟦T:913 477 208⟧
Rendimento anual do agregado: 9 870 € (pensão de viuvez + pensão de velhice)
Valor patrimonial tributário: 41 320 €
Observações: a minha mãe tem ⟦MC:doença de Parkinson⟧ e não consegue deslocar-se ao serviço de Finanças.
""",
)
add(
    "pii",
    "nl",
    "melding-voorgenomen-huwelijk",
    "form",
    """
Kun je deze gegevens ordenen zoals de gemeente Utrecht ze vraagt bij de melding voorgenomen huwelijk? We trouwen op 14 juni in het Stadskantoor en willen vier getuigen.

Partner 1: ⟦P:Sanne Oudekerk⟧, geboren ⟦DOB:02-09-1994⟧ in Amersfoort, BSN ⟦ID@NL:⁅id|NL|########?⁆⟧
Adres: ⟦A:Biltstraat 188 bis, 3572 BP Utrecht⟧
Partner 2: ⟦P:Youssef El Amrani⟧, geboren ⟦DOB:17-01-1992⟧ in Rotterdam, BSN ⟦ID@NL:⁅id|NL|########?⁆⟧, zelfde adres
Getuigen:
1. ⟦P:Femke Oudekerk⟧ (zus van ⟦P:Sanne⟧), ⟦T:06 41829307⟧
2. ⟦P:Karim El Amrani⟧ (broer), ⟦T:06 28347155⟧
3. ⟦P:Joris van Dalen⟧, ⟦E:joris.vandalen@ziggo.nl⟧
4. ⟦P:Lotte Verhoef⟧, ⟦E:lotteverhoef@hotmail.com⟧
Contactadres voor de gemeente: ⟦E:sanne.en.youssef@gmail.com⟧
""",
)
add(
    "pii",
    "pl",
    "zus-zcna-tesciowa",
    "form",
    """
Chcę zgłosić teściową do ubezpieczenia zdrowotnego jako członka rodziny. Sprawdź, czy dobrze przygotowałam dane do ZUS ZCNA, i napisz krótką wiadomość do działu kadr.

Ubezpieczona: ⟦P:Magdalena Wierzbicka⟧, PESEL ⟦ID@PL:⁅id|PL|870514###4?⁆⟧
Członek rodziny: ⟦P:Halina Wierzbicka⟧, ur. ⟦DOB:30.01.1949⟧, PESEL ⟦ID@PL:⁅id|PL|490130###8?⁆⟧
Stopień pokrewieństwa: teściowa (matka męża), wspólne gospodarstwo domowe: tak
Adres zamieszkania: ⟦A:ul. Kościuszki 47/12, 43-300 Bielsko-Biała⟧
Mąż, ⟦P:Paweł⟧, pracuje w Norwegii, dlatego zgłoszenia dokonuję ja.

Szkic wiadomości: Dzień dobry, proszę o zgłoszenie ⟦P:Haliny Wierzbickiej⟧ do ubezpieczenia zdrowotnego od 1 października. Teściowa choruje na ⟦MC:niewydolność serca⟧ i potrzebuje stałej opieki kardiologa. W razie pytań proszę dzwonić: ⟦T:601 482 937⟧. ⟦P:Magdalena Wierzbicka⟧
""",
)
add(
    "pii",
    "sv",
    "hemtjanst-ansokan-pappa",
    "prose",
    """
Hjälp mig formulera en ansökan om hemtjänst för min pappa till Västerås stad. Den ska vara saklig men visa hur mycket han behöver hjälp.

Pappa heter ⟦P:Bengt-Åke Lindqvist⟧, personnummer ⟦ID@SE:⁅id|SE|19410823-##3?⁆⟧, och bor ensam på ⟦A:Karlfeldtsgatan 14 B, 723 41 Västerås⟧ (tel. ⟦T:021-13 47 92⟧). Han har ⟦MC:Parkinsons sjukdom⟧ sedan 2017 och tar ⟦MED:Madopar⟧ fyra gånger om dagen, men glömmer doserna. Han har ramlat två gånger i badrummet sedan midsommar. Han behöver hjälp med dusch, inköp och tillsyn på kvällen.
Jag, ⟦P:Ulrika Lindqvist Berg⟧, är kontaktperson: ⟦T:070-218 43 76⟧, ⟦E:ulrika.lindqvist.berg@telia.com⟧. Jag bor i Uppsala och kan bara åka dit varannan helg.
""",
)
add(
    "pii",
    "da",
    "aktindsigt-patientjournal",
    "prose",
    """
Kan du skrive en kort, formel anmodning om aktindsigt i min patientjournal til Regionshospitalet Silkeborg? Jeg vil have alt fra indlæggelsen, også sygeplejenotaterne.

Navn: ⟦P:Mette Kjærsgaard Holm⟧, født ⟦DOB:12. juni 1978⟧, CPR-nr. ⟦ID@DK:⁅id|DK|120678-###?⁆⟧
Adresse: ⟦A:Vestergade 22, 2. th., 8600 Silkeborg⟧, tlf. ⟦T:22 47 81 93⟧
Indlæggelse: ortopædkirurgisk afsnit, uge 11 2024, operation for ⟦MC:diskusprolaps⟧ (L5/S1). Journalnummer på udskrivningsbrevet: ⟦MRN:SKB-0448172⟧.
Jeg vil også gerne have en kopi af medicinlisten fra udskrivelsen — jeg blev sendt hjem med ⟦MED:gabapentin⟧ og ⟦MED:OxyNorm⟧, og min egen læge kan ikke se, hvem der har ordineret hvad.
Svar gerne til ⟦E:mette.kholm@mail.dk⟧ via e-Boks eller sikker mail.
""",
)
add(
    "pii",
    "fi",
    "kela-elatustuki-lisaselvitys",
    "prose",
    """
Auta kirjoittamaan Kelalle lisäselvitys elatustukihakemukseen. Kela pyysi tietoa siitä, miksi elatusapua ei ole maksettu.

Hakija: ⟦P:Riikka Hämäläinen⟧, henkilötunnus ⟦ID@FI:⁅id|FI|030486-##2?⁆⟧
Lapsi: ⟦P:Eetu Hämäläinen⟧, syntynyt ⟦DOB:19.9.2016⟧, henkilötunnus ⟦ID@FI:⁅id|FI|190916A##3?⁆⟧
Elatusvelvollinen: lapsen isä ⟦P:Janne Korhonen⟧, asuu Tampereella; viimeinen maksu tuli maaliskuussa.
Osoite: ⟦A:Kauppakatu 31 B 12, 40100 Jyväskylä⟧, puh. ⟦T:040 718 2294⟧
Tilinumero: ⟦IBAN:⁅iban|FI|##############⁆⟧
Lisäksi haluan mainita, että ⟦P:Eetun⟧ ⟦MC:ADHD⟧-diagnoosin vuoksi kulut ovat kasvaneet (⟦MED:Elvanse⟧ ja toimintaterapia), joten tuki on meille tärkeä.
""",
)
add(
    "pii",
    "cs",
    "osvobozeni-poplatek-odpad-student",
    "prose",
    """
Potřebuji napsat žádost o osvobození od místního poplatku za odpad pro syna, který studuje v zahraničí. Prosím formálně, na městský úřad Chrudim.

Poplatník: ⟦P:Ondřej Vávra⟧, nar. ⟦DOB:4. 3. 2003⟧, rodné číslo ⟦ID@CZ:⁅id|CZ|030304/###?⁆⟧
Trvalý pobyt: ⟦A:Husova 118, 537 01 Chrudim⟧
Kontakt (matka): ⟦P:Ivana Vávrová⟧, tel. ⟦T:736 214 958⟧, e-mail ⟦E:ivana.vavrova@seznam.cz⟧
Důvod: studium na univerzitě v Groningenu od září 2022, v Chrudimi se zdržuje jen o Vánocích. Potvrzení o studiu přiložím.
Poznámka: ⟦P:Ondřej⟧ je držitelem průkazu ZTP kvůli ⟦MC:diabetu 1. typu⟧ s komplikacemi — nevím, jestli to hraje roli.
""",
)
add(
    "pii",
    "ro",
    "ajutor-incalzire-lemne-vaslui",
    "form",
    """
Ajută-mă să completez cererea pentru ajutorul de încălzire a locuinței cu lemne, pentru bunica, la Primăria Vaslui. Spune-mi și ce acte trebuie atașate.

Titular: ⟦P:Gheorghița Munteanu⟧, CNP ⟦ID@RO:⁅id|RO|252091737###?⁆⟧, născută la ⟦DOB:17.09.1952⟧
Soț: ⟦P:Vasile Munteanu⟧, CNP ⟦ID@RO:⁅id|RO|149040237###?⁆⟧, născut la ⟦DOB:02.04.1949⟧
Domiciliu: ⟦A:Str. Ștefan cel Mare nr. 21, bl. C4, sc. A, ap. 9, Vaslui⟧
Telefon: ⟦T:0744 318 206⟧ (nepoata, ⟦P:Andreea Ciobanu⟧)
Venituri: pensia lui ⟦P:Vasile⟧ 1.870 lei, pensia ei 1.120 lei
Observații: ⟦P:Vasile⟧ face dializă de trei ori pe săptămână pentru ⟦MC:boală cronică de rinichi⟧, deci nu pot folosi soba de teracotă fără ajutor.
""",
)
add(
    "pii",
    "no",
    "tt-kort-soknad-bergen",
    "prose",
    """
Kan du hjelpe meg å skrive søknaden om TT-kort (tilrettelagt transport) for mamma til Bergen kommune? Den skal være kort og saklig.

Søker: ⟦P:Solveig Haugland⟧, født ⟦DOB:18.05.1943⟧, fødselsnummer ⟦ID@NO:⁅id|NO|1805431#2??⁆⟧
Adresse: ⟦A:Fjellveien 64, 5019 Bergen⟧, tlf. ⟦T:55 31 72 94⟧
Mamma har hatt ⟦MC:multippel sklerose⟧ i over 20 år, går med rullator og klarer ikke å gå til bussholdeplassen i bakken. Hun tar ⟦MED:Tysabri⟧ på Haukeland hver fjerde uke.
Kontaktperson: datter ⟦P:Kristin Haugland Moe⟧, mobil ⟦T:917 44 382⟧, e-post ⟦E:kristin.h.moe@online.no⟧.
""",
)
add(
    "pii",
    "tr",
    "yks-hazirlik-kursu-kayit",
    "form",
    """
Oğlumun YKS hazırlık kursu kayıt formunu dolduruyorum. Şu bilgileri forma uygun şekilde düzenler misin, eksik alan varsa söyle.

Öğrenci: ⟦P:Emir Kaan Yıldırım⟧
T.C. Kimlik No: ⟦ID@TR:⁅id|TR|2########??⁆⟧
Doğum tarihi: ⟦DOB:11.02.2008⟧
Veli: ⟦P:Songül Yıldırım⟧ (annesi) — ⟦T:0532 417 86 90⟧, ⟦E:songul.yildirim78@hotmail.com⟧
Baba: ⟦P:Hakan Yıldırım⟧ — ⟦T:0505 238 14 67⟧
Adres: ⟦A:Bahçelievler Mah. 1247. Sok. No: 9 D: 4, 06490 Çankaya/Ankara⟧
Sağlık durumu: ⟦MC:Tip 1 diyabet⟧ — derste şeker ölçmesine izin verilmeli, çantasında ⟦MED:glukagon⟧ kalemi var.
""",
)
add(
    "pii",
    "el",
    "metegrafi-foititi-logoi-ygeias",
    "form",
    """
Βοήθησέ με να συντάξω την αίτηση μετεγγραφής για λόγους υγείας από το Πανεπιστήμιο Ιωαννίνων στο ΑΠΘ. Θέλω ένα σύντομο, επίσημο κείμενο με τα παρακάτω στοιχεία.

Ονοματεπώνυμο: ⟦P:Δανάη Κωνσταντινίδου⟧
Πατρώνυμο: ⟦P:Σταύρος⟧
Ημερομηνία γέννησης: ⟦DOB:09/12/2004⟧
ΑΜΚΑ: ⟦ID@GR:⁅id|GR|091204####?⁆⟧
ΑΦΜ: ⟦ID@GR:⁅id|GR|1#######?⁆⟧
Διεύθυνση οικογένειας: ⟦A:Εγνατίας 142, 546 36 Θεσσαλονίκη⟧
Κινητό: ⟦T:694 812 3057⟧, email ⟦E:danai.konst04@gmail.com⟧
Λόγος: έχω ⟦MC:νόσο του Crohn⟧ και κάνω θεραπεία με ⟦MED:adalimumab⟧ στο Ιπποκράτειο Θεσσαλονίκης κάθε δύο εβδομάδες.
""",
)
add(
    "pii",
    "et",
    "matkaklubi-lapimaa-kindlustus",
    "markdown-table",
    """
Meie matkaklubi läheb märtsis Saariselkä matkale ja reisikindlustus vajab osalejate andmeid. Tee sellest puhas tabel ja märgi eraldi, millest giid peaks teadma.

| Nimi | Isikukood | Sünniaeg | Telefon | Märkus |
|---|---|---|---|---|
| ⟦P:Kadri Tamm⟧ | ⟦ID@EE:⁅id|EE|4851103###?⁆⟧ | ⟦DOB:03.11.1985⟧ | ⟦T:5381 2947⟧ | ⟦MC:astma⟧, inhalaator ⟦MED:Ventolin⟧ |
| ⟦P:Margus Rebane⟧ | ⟦ID@EE:⁅id|EE|3790227###?⁆⟧ | ⟦DOB:27.02.1979⟧ | ⟦T:+372 5622 7108⟧ | — |
| ⟦P:Liis Kask-Orav⟧ | ⟦ID@EE:⁅id|EE|6010416###?⁆⟧ | ⟦DOB:16.04.2001⟧ | ⟦T:5049 6613⟧ | ⟦MC:tsöliaakia⟧ |

Kontaktisik kodus: ⟦P:Tõnu Tamm⟧, ⟦T:512 8840⟧.
""",
)
add(
    "pii",
    "lt",
    "muzikos-mokykla-prasymas",
    "prose",
    """
Padėk parašyti prašymą priimti dukrą į Kauno muzikos mokyklą, fortepijono klasę. Norėčiau, kad būtų mandagu ir trumpai.

Vaikas: ⟦P:Austėja Petrauskaitė⟧, gim. ⟦DOB:2016-05-21⟧, asmens kodas ⟦ID@LT:⁅id|LT|6160521###?⁆⟧
Tėvai: ⟦P:Rūta Petrauskienė⟧, tel. ⟦T:+370 612 48391⟧, el. paštas ⟦E:ruta.petrauskiene@gmail.com⟧; ⟦P:Mindaugas Petrauskas⟧, tel. ⟦T:+370 698 22417⟧
Adresas: ⟦A:Savanorių pr. 214-17, LT-50194 Kaunas⟧
Papildomai: ⟦P:Austėjai⟧ nustatyta ⟦MC:disleksija⟧, todėl natas ji skaito lėčiau, bet puikiai groja iš klausos.
""",
)
add(
    "pii",
    "uk",
    "dovirenist-pensiya-oshchadbank",
    "prose",
    """
Допоможіть скласти текст довіреності, щоб донька могла отримувати пенсію мами в Ощадбанку, поки мама лежача.

Довіритель: ⟦P:Гуменюк Параска Іллівна⟧, дата народження ⟦DOB:12.04.1940⟧, РНОКПП ⟦ID@UA:⁅ua|1940-04-12|f⁆⟧, зареєстрована за адресою ⟦A:вул. Гетьмана Сагайдачного, 37, кв. 8, м. Тернопіль, 46001⟧.
Повірений: донька ⟦P:Мельник Оксана Богданівна⟧, дата народження ⟦DOB:03.09.1968⟧, РНОКПП ⟦ID@UA:⁅ua|1968-09-03|f⁆⟧, тел. ⟦T:067 345 19 82⟧.
Причина: у ⟦P:Параски Іллівни⟧ ⟦MC:перелом шийки стегна⟧ після падіння в січні, вона не може ходити до відділення.
Нотаріус у нас приватний, прийде додому в четвер.
""",
)
add(
    "pii",
    "bg",
    "grazhdanska-otgovornost-danni",
    "form",
    """
Трябва да въведа данните за новата застраховка „Гражданска отговорност“ онлайн. Подреди ги по полетата на формуляра и ми кажи дали нещо липсва.

Собственик: ⟦P:Росица Николова Петкова⟧
ЕГН: ⟦ID@BG:⁅id|BG|840719##3?⁆⟧
Дата на раждане: ⟦DOB:19.07.1984⟧
Шофьорска книжка №: ⟦DL:284913706⟧
Адрес: ⟦A:ж.к. Младост 2, бл. 241, вх. Б, ет. 5, ап. 38, 1799 София⟧
Телефон: ⟦T:0888 412 637⟧, имейл ⟦E:rosi.petkova@abv.bg⟧
Втори водач: съпругът ⟦P:Стоян Петков⟧, ЕГН ⟦ID@BG:⁅id|BG|811102##0?⁆⟧
Автомобил: VW Golf VII 1.6 TDI, 2016 г., рама WVWZZZAUZGW123456
""",
)
add(
    "pii",
    "hr",
    "doplatak-za-djecu-hzmo",
    "form",
    """
Pomozi mi sastaviti zahtjev za doplatak za djecu prema HZMO-u. Trebam popis podataka po rubrikama i kratko obrazloženje.

Podnositeljica: ⟦P:Ivana Matić Barišić⟧, OIB ⟦ID@HR:⁅id|HR|##########?⁆⟧
Adresa: ⟦A:Ulica Ante Starčevića 29, 31000 Osijek⟧
Mobitel: ⟦T:091 537 2846⟧
Djeca: ⟦P:Luka Barišić⟧, rođen ⟦DOB:12. 3. 2014.⟧, OIB ⟦ID@HR:⁅id|HR|##########?⁆⟧; ⟦P:Petra Barišić⟧, rođena ⟦DOB:28. 10. 2018.⟧, OIB ⟦ID@HR:⁅id|HR|##########?⁆⟧
Račun za isplatu: ⟦IBAN:⁅iban|HR|#################⁆⟧
Obrazloženje: ⟦P:Petra⟧ ima ⟦MC:cerebralnu paralizu⟧ pa tražim i povećani iznos doplatka.
""",
)
add(
    "pii",
    "sk",
    "zmena-zdravotnej-poistovne",
    "form",
    """
Chcem od januára zmeniť zdravotnú poisťovňu. Priprav mi prihlášku podľa týchto údajov a napíš, do kedy ju musím podať.

Meno a priezvisko: ⟦P:Zuzana Oravcová⟧
Rodné číslo: ⟦ID@SK:⁅id|SK|925811/###?⁆⟧
Dátum narodenia: ⟦DOB:11. 8. 1992⟧
Adresa: ⟦A:Hlavná 76, 040 01 Košice⟧
Telefón: ⟦T:0905 213 874⟧, e-mail: ⟦E:zuzka.oravcova@azet.sk⟧
Spolupoistené dieťa: ⟦P:Matej Oravec⟧, rodné číslo ⟦ID@SK:⁅id|SK|190304/###?⁆⟧
Dôvod zmeny: ⟦P:Matej⟧ má ⟦MC:atopickú dermatitídu⟧ a nová poisťovňa preplatí viac na ⟦MED:Protopic⟧ a kúpeľnú liečbu.
""",
)
add(
    "pii",
    "sl",
    "tecaj-prve-pomoci-prijavnica",
    "form",
    """
Prijavljam se na tečaj prve pomoči za vozniški izpit pri Rdečem križu. Iz teh podatkov naredi izpolnjeno prijavnico.

Ime in priimek: ⟦P:Nika Zupančič⟧
EMŠO: ⟦ID@SI:⁅id|SI|2207006505##?⁆⟧
Datum rojstva: ⟦DOB:22. 7. 2006⟧
Naslov: ⟦A:Trubarjeva cesta 18, 1000 Ljubljana⟧
GSM: ⟦T:041 628 395⟧
Opombe za izvajalca: imam ⟦MC:naglušnost⟧ na levo uho, prosim za prostor v prvi vrsti.
Starš (za potrdilo o plačilu): ⟦P:Boštjan Zupančič⟧, ⟦T:031 442 719⟧
""",
)
add(
    "pii",
    "is",
    "husnaedisbaetur-umsokn",
    "form",
    """
Getur þú hjálpað mér að fylla út umsókn um húsnæðisbætur? Settu þetta upp eins og eyðublaðið og segðu mér hvaða fylgiskjöl vantar.

Umsækjandi: ⟦P:Sigrún Björk Hallgrímsdóttir⟧, kt. ⟦ID@IS:⁅id|IS|040592-##?9⁆⟧
Heimilisfang: ⟦A:Hringbraut 48, íbúð 302, 101 Reykjavík⟧
Sími: ⟦T:862 4170⟧, netfang ⟦E:sigrun.bjork@simnet.is⟧
Heimilismaður: sonur minn ⟦P:Aron Leó Sigrúnarson⟧, kt. ⟦ID@IS:⁅id|IS|180315-##?0⁆⟧
Leigusali: ⟦P:Ólafur Þór Gunnarsson⟧, leigusamningur þinglýstur 1. september
Bankareikningur fyrir greiðslur: ⟦ACC:0133-26-004512⟧
""",
)
add(
    "pii",
    "ja",
    "shanai-golf-compe-meibo",
    "csv",
    """
社内ゴルフコンペ（10月19日・富士平原ゴルフクラブ）の参加者名簿です。4人×2組の組み合わせ表を作って、送迎が必要な人と体調面で配慮が必要な人を明記してください。

氏名,携帯,メール,ハンデ,備考
⟦P:佐々木 健太郎⟧,⟦T:090-4127-8835⟧,⟦E:k.sasaki.golf@docomo.ne.jp⟧,18,車出し可（4人乗り）
⟦P:中村 美穂⟧,⟦T:080-2291-6473⟧,⟦E:miho.nkmr@gmail.com⟧,28,⟦MC:腰椎椎間板ヘルニア⟧のためカート必須
⟦P:高橋 誠⟧,⟦T:090-7730-1492⟧,⟦E:takahashi.makoto@ezweb.ne.jp⟧,12,
⟦P:アンドリュー・キム⟧,⟦T:070-3318-2046⟧,⟦E:andrew.kim.jp@outlook.com⟧,22,送迎希望（三島駅）
⟦P:渡辺 千尋⟧,⟦T:080-6654-0917⟧,⟦E:chihiro.w@icloud.com⟧,36,⟦MC:蜂アレルギー⟧あり、⟦MED:エピペン⟧携帯
⟦P:山口 大輔⟧,⟦T:090-2815-7763⟧,⟦E:d.yamaguchi@softbank.ne.jp⟧,9,
⟦P:小林 由紀子⟧,⟦T:080-4472-3308⟧,⟦E:yukiko.kbys@yahoo.co.jp⟧,30,送迎希望（御殿場駅）
⟦P:伊藤 翔⟧,⟦T:070-5521-8849⟧,⟦E:sho.ito.golf@gmail.com⟧,15,車出し可

幹事：⟦P:佐々木⟧
""",
)
add(
    "pii",
    "ko",
    "jajeongeo-donghohoe-danche-boheom",
    "prose",
    """
자전거 동호회 단체 상해보험 가입하려고 하는데, 보험사 양식(성명 / 주민등록번호 / 연락처 / 특이사항)에 맞게 표로 정리해 주세요.

1. ⟦P:김도윤⟧ — ⟦ID@KR:⁅id|KR|850917-1#####?⁆⟧ — ⟦T:010-4821-3357⟧ — 생일 ⟦DOB:1985.09.17⟧
2. ⟦P:이서연⟧ — ⟦ID@KR:⁅id|KR|910302-2#####?⁆⟧ — ⟦T:010-7719-2048⟧ — ⟦MC:천식⟧ 있음, 흡입기 지참
3. ⟦P:박지훈⟧ — ⟦ID@KR:⁅id|KR|010611-3#####?⁆⟧ — ⟦T:010-3356-9102⟧
4. ⟦P:최은비⟧ — ⟦ID@KR:⁅id|KR|000827-4#####?⁆⟧ — ⟦T:010-2204-7765⟧ — 작년에 ⟦MC:쇄골 골절⟧ 수술

총무: ⟦P:김도윤⟧ (⟦E:doyoon.kim85@naver.com⟧)
""",
)
add(
    "pii",
    "zh",
    "wuye-zhuangxiu-shenqing",
    "form",
    """
帮我把下面的信息整理成物业要求的《装修申请表》格式，并提醒我还缺哪些材料。

业主姓名：⟦P:黄梓涵⟧
身份证号：⟦ID@CN:⁅id|CN|32010619910823###?⁆⟧
联系电话：⟦T:138 1592 7046⟧
房屋地址：⟦A:南京市鼓楼区汉中门大街188号金陵华庭7栋1502室⟧
装修内容：厨房、卫生间改造，不动承重墙
施工单位：宁艺装饰工程有限公司，现场负责人 ⟦P:刘建国⟧，手机 ⟦T:159 5183 2260⟧
工期：2024年11月4日至2025年1月20日（每天8:00–12:00、14:00–18:00）
紧急联系人：⟦P:黄志明⟧（父亲），⟦T:025-8472 3169⟧
""",
)
add(
    "pii",
    "he",
    "hanacha-arnona-nechut",
    "prose",
    """
תעזור לי לנסח בקשה להנחה בארנונה לעיריית חיפה על בסיס נכות? שיהיה קצר ומנומס.

שם: ⟦P:רונית אברהמי⟧
ת"ז: ⟦ID@IL:⁅id|IL|########?⁆⟧
תאריך לידה: ⟦DOB:03/02/1961⟧
כתובת: ⟦A:רחוב הגפן 14 דירה 5, חיפה⟧
טלפון: ⟦T:054-718-2293⟧
מספר חשבון ארנונה: ⟦ACC:1042558307⟧
נקבעו לי 75% נכות רפואית בביטוח לאומי בגלל ⟦MC:טרשת נפוצה⟧, ואני מקבלת קצבת נכות כללית. בעלי, ⟦P:אבי אברהמי⟧, עובד במשרה חלקית כדי לטפל בי.
""",
)
add(
    "pii",
    "id",
    "pendaftaran-nikah-kua-coblong",
    "form",
    """
Tolong rapikan data ini untuk formulir pendaftaran nikah di KUA Kecamatan Coblong, Bandung, dan sebutkan dokumen yang masih kurang.

Calon suami: ⟦P:Rizky Aditya Pratama⟧
NIK: ⟦ID@ID:⁅id|ID|327302140396####⁆⟧
Tanggal lahir: ⟦DOB:14 Maret 1996⟧
HP: ⟦T:0812-2418-3307⟧

Calon istri: ⟦P:Nabila Khairunnisa⟧
NIK: ⟦ID@ID:⁅id|ID|327305620898####⁆⟧
Tanggal lahir: ⟦DOB:22 Agustus 1998⟧
HP: ⟦T:0857-2039-4416⟧
Alamat: ⟦A:Jl. Dago Asri II No. 17, RT 03/RW 05, Kel. Dago, Kec. Coblong, Bandung 40135⟧

Wali nikah: ayah kandung calon istri, H. ⟦P:Darmawan Saputra⟧
Rencana akad: Sabtu, 7 Desember, di Masjid Salman ITB
""",
)
add(
    "pii",
    "th",
    "bai-samak-ngan-resume",
    "form",
    """
ช่วยจัดข้อมูลใบสมัครงานนี้ให้เป็นเรซูเม่ภาษาไทยหนึ่งหน้า เน้นประสบการณ์ด้านบัญชี

ชื่อ-สกุล: นางสาว ⟦P:พิมพ์ชนก ศรีวงศ์⟧
เลขประจำตัวประชาชน: ⟦ID@TH:⁅id|TH|1-1014-#####-##-?⁆⟧
วันเกิด: ⟦DOB:5 มกราคม 2540⟧
ที่อยู่: ⟦A:88/142 หมู่บ้านพฤกษา ซอยรามอินทรา 40 แขวงนวลจันทร์ เขตบึงกุ่ม กรุงเทพฯ 10230⟧
โทร: ⟦T:089 614 2275⟧  อีเมล: ⟦E:pimchanok.sw@gmail.com⟧
การศึกษา: บัญชีบัณฑิต จุฬาลงกรณ์มหาวิทยาลัย (2561)
ประสบการณ์: ผู้ช่วยผู้สอบบัญชี 3 ปี, ใช้ SAP และ Express ได้
บุคคลอ้างอิง: คุณ⟦P:วรวุฒิ ตั้งจิตรเจริญ⟧ ผู้จัดการฝ่ายบัญชี ⟦T:081 447 3092⟧
""",
)
add(
    "pii",
    "hi",
    "bank-nominee-avedan",
    "prose",
    """
मुझे अपने बचत खाते में नामिती (nominee) जोड़ने के लिए शाखा प्रबंधक को एक औपचारिक आवेदन लिखना है। कृपया इन विवरणों से पत्र बना दीजिए।

खाताधारक: ⟦P:सुरेश चंद्र त्रिपाठी⟧
खाता संख्या: ⟦ACC:20418837265⟧
आधार संख्या: ⟦ID@IN:⁅id|IN|8### #### ###?⁆⟧
पता: ⟦A:मकान नं. 27, गली नं. 4, आर्य नगर, कानपुर 208002⟧
मोबाइल: ⟦T:98391 42760⟧
नामिती: पत्नी ⟦P:सुनीता त्रिपाठी⟧, जन्म तिथि ⟦DOB:14/08/1972⟧
दूसरा विकल्प (यदि संभव हो): बेटा ⟦P:अंकित त्रिपाठी⟧, जन्म तिथि ⟦DOB:02/11/1998⟧
""",
)
add(
    "pii",
    "ms",
    "rayuan-bantuan-zakat-ibu",
    "prose",
    """
Tolong bantu saya tulis surat rayuan permohonan bantuan zakat kepada Lembaga Zakat Selangor untuk ibu saya. Bahasa yang sopan dan ringkas.

Nama pemohon: ⟦P:Rohani binti Abdul Rahman⟧
No. K/P: ⟦ID@MY:⁅id|MY|580214-10-###4⁆⟧
Tarikh lahir: ⟦DOB:14 Februari 1958⟧
Alamat: ⟦A:No. 12, Jalan Sungai Tua 3/2, Taman Sri Batu Caves, 68100 Batu Caves, Selangor⟧
Telefon: ⟦T:012-338 4172⟧
Keadaan: ibu diserang ⟦MC:strok⟧ pada bulan Mac, lumpuh sebelah kiri dan perlu makan ⟦MED:clopidogrel⟧ serta fisioterapi mingguan. Arwah ayah meninggal 2019.
Penjaga: saya, ⟦P:Mohd Faizal bin Ismail⟧, ⟦T:019-721 5530⟧, bekerja sebagai pemandu e-hailing.
""",
)
add(
    "pii",
    "ur",
    "school-fee-riayat-darkhwast",
    "prose",
    """
براہ کرم میرے بیٹے کی فیس میں رعایت کے لیے پرنسپل صاحبہ کے نام ایک مؤدبانہ درخواست لکھ دیں۔

طالب علم: ⟦P:محمد حسنین⟧، جماعت ہشتم (سیکشن بی)
والد: ⟦P:غلام مصطفیٰ⟧، شناختی کارڈ نمبر ⟦ID@PK:⁅id|PK|35202-#######-1⁆⟧
پتہ: ⟦A:مکان نمبر 14، گلی نمبر 6، سمن آباد، لاہور⟧
فون: ⟦T:0300 4127836⟧
وجہ: پچھلے سال سے ⟦P:غلام مصطفیٰ⟧ صاحب ⟦MC:گردوں کی خرابی⟧ کی وجہ سے ہفتے میں دو بار ڈائیلاسز کرواتے ہیں اور دکان بند ہے۔ ⟦P:حسنین⟧ کلاس میں دوسری پوزیشن پر ہے۔
""",
)
add(
    "pii",
    "sw",
    "fomu-uanachama-sacco",
    "form",
    """
Nisaidie kujaza fomu ya uanachama wa SACCO kwa taarifa hizi, kisha uniandikie barua fupi ya maombi kwa katibu.

Jina kamili: ⟦P:Wanjiru Njeri Kamau⟧
Tarehe ya kuzaliwa: ⟦DOB:12/06/1990⟧
Simu (M-Pesa): ⟦T:0722 418 395⟧
Barua pepe: ⟦E:wanjiru.kamau90@gmail.com⟧
Makazi: ⟦A:Nyumba Na. 14, Barabara ya Kiambu, Ruaka⟧
Kazi: mwalimu, Shule ya Msingi Ruaka
Akaunti ya benki: ⟦ACC:0110284739201⟧
Mrithi: ⟦P:Peter Mwangi Kamau⟧ (mume), simu ⟦T:+254 733 902117⟧
Mdhamini: ⟦P:Grace Achieng Otieno⟧, mwanachama namba ⟦ACC:SAC-04471⟧
""",
)
add(
    "pii",
    "tl",
    "barangay-clearance-sulat",
    "prose",
    """
Pakigawa ng maayos na liham para sa kapitan ng barangay; kailangan ko ng barangay clearance para sa bagong trabaho sa BPO. Heto ang mga detalye:

Pangalan: ⟦P:Maria Cristina Villanueva⟧
Kapanganakan: ⟦DOB:Marso 8, 1997⟧
Tirahan: ⟦A:Blk 12 Lot 7, Phase 2, Camella Homes, Brgy. Molino III, Bacoor, Cavite⟧
Cellphone: ⟦T:0917 842 3065⟧
Email: ⟦E:mcris.villanueva97@yahoo.com⟧
Mga magulang: ⟦P:Rodrigo Villanueva⟧ at ⟦P:Lorna Dela Peña⟧
Naninirahan sa barangay mula 2009. Paki-banggit din na wala akong nakabinbing kaso.
""",
)
add(
    "pii",
    "ga",
    "sceim-labhairt-na-gaeilge-iarratas",
    "prose",
    """
An féidir leat cabhrú liom litir fhoirmiúil a scríobh chuig an Roinn ag iarraidh Scéim Labhairt na Gaeilge don bhliain scoile seo? Seo na sonraí:

Tuismitheoir: ⟦P:Máire Ní Fhlaithearta⟧, UPSP ⟦ID@IE:⁅id|IE|#######?⁆⟧
Fear céile: ⟦P:Pádraig Ó Conghaile⟧, UPSP ⟦ID@IE:⁅id|IE|#######?⁆⟧
Seoladh: ⟦A:Teach na Trá, Baile na hAbhann, Co. na Gaillimhe, H91 X2F4⟧
Guthán: ⟦T:087 415 2293⟧
Páistí: ⟦P:Saoirse Ní Chonghaile⟧ (rugadh ⟦DOB:02/05/2013⟧) agus ⟦P:Cathal Ó Conghaile⟧ (rugadh ⟦DOB:19/11/2016⟧)
Is í an Ghaeilge teanga an teaghlaigh i gcónaí. Tá ⟦MC:uathachas⟧ ar ⟦P:Chathal⟧ agus bíonn sé ag freastal ar rang speisialta i nGaelscoil.
""",
)
add(
    "pii",
    "cy",
    "ebost-cyfrifydd-hunangyflogedig",
    "prose",
    """
Allwch chi fy helpu i ysgrifennu e-bost byr yn Gymraeg at fy nghyfrifydd? Dw i wedi dechrau gweithio'n hunangyflogedig fel cyfieithydd ac mae angen iddo gofrestru fy incwm.

Enw: ⟦P:Rhiannon Wyn Parry⟧
Dyddiad geni: ⟦DOB:24/10/1991⟧
UTR: ⟦ID@GB:⁅id|GB|?#### #####⁆⟧
Cyfeiriad: ⟦A:12 Ffordd Penrallt, Caernarfon LL55 1EU⟧
Ffôn: ⟦T:07789 332146⟧, e-bost ⟦E:rhiannon.parry@outlook.com⟧
Y cyfrifydd: ⟦P:Dafydd Elis⟧, Cyfrifwyr Llŷn, Pwllheli
Dw i'n dal i weithio dau ddiwrnod yr wythnos i'r bwrdd iechyd (PAYE).
""",
)
add(
    "pii",
    "ar",
    "dawrat-tahfeez-tasjeel",
    "markdown-table",
    """
ساعدني في ترتيب بيانات التسجيل لدورة تحفيظ القرآن الصيفية في المسجد، واكتب رسالة ترحيب قصيرة لأولياء الأمور.

| الطالب | تاريخ الميلاد | ولي الأمر | الجوال | ملاحظات |
|---|---|---|---|---|
| ⟦P:عمر خالد الزعبي⟧ | ⟦DOB:2014/03/09⟧ | ⟦P:خالد الزعبي⟧ | ⟦T:079 618 4427⟧ | — |
| ⟦P:ليان سامر حداد⟧ | ⟦DOB:2015/11/21⟧ | ⟦P:سامر حداد⟧ | ⟦T:078 553 2196⟧ | ⟦MC:حساسية من الفول السوداني⟧ |
| ⟦P:يوسف أحمد العمري⟧ | ⟦DOB:2013/07/02⟧ | ⟦P:أحمد العمري⟧ | ⟦T:077 904 3318⟧ | ⟦MC:السكري من النوع الأول⟧ |

عنوان المسجد: شارع خالد بن الوليد، جبل الحسين، عمّان. المشرف: الشيخ ⟦P:إبراهيم النجار⟧.
""",
)
add(
    "pii",
    "lv",
    "e-veseliba-pilnvarojums-mammai",
    "prose",
    """
Palīdzi uzrakstīt vienkāršu instrukciju mammai, kā E-veselībā pilnvarot mani redzēt viņas receptes un nosūtījumus. Un uzraksti arī īsu ziņu ģimenes ārstei.

Mamma: ⟦P:Ināra Bērziņa⟧, personas kods ⟦ID@LV:⁅id|LV|110351-1###?⁆⟧, dzimusi ⟦DOB:11.03.1951⟧
Es: ⟦P:Laura Bērziņa-Kalniņa⟧, personas kods ⟦ID@LV:⁅id|LV|240579-1###?⁆⟧, tālr. ⟦T:29 418 637⟧
Ģimenes ārste: Dr. ⟦P:Silvija Ozoliņa⟧, Ogres doktorāts
Mammai ir ⟦MC:2. tipa cukura diabēts⟧ un ⟦MC:hipertensija⟧; receptes: ⟦MED:Metformin⟧, ⟦MED:Prestarium⟧. Es dzīvoju Rīgā un gribu laikus redzēt, kad receptes beidzas.
""",
)
# ---------------------------------------------------------------------------
# cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "lobby-kiosk-sshpass-deploy",
    "command",
    """
This script pushes the new signage build to our lobby kiosks (Raspberry Pi 4s). It works, but a colleague says sshpass is bad practice. Can you rewrite it to use SSH keys and explain why it's better?

#!/usr/bin/env bash
set -euo pipefail
KIOSKS=(10.20.4.11 10.20.4.12 10.20.4.13)
npm run build
for h in "${KIOSKS[@]}"; do
  sshpass -p '⟦S:Lobby!Screens2024⟧' rsync -az --delete ./dist/ pi@"$h":/opt/signage/
  sshpass -p '⟦S:Lobby!Screens2024⟧' ssh -o StrictHostKeyChecking=no pi@"$h" 'sudo systemctl restart signage.service'
done
curl -s -X POST -H 'Content-type: application/json' --data '{"text":"signage deployed"}' \\
  ⟦K:https://hooks.slack.com/services/T0⁅r|U|8⁆/B0⁅r|U|9⁆/⁅r|A|24⁆⟧
""",
)
add(
    "cred",
    "en",
    "fastapi-pydantic-settings-env",
    "env",
    """
Why does pydantic-settings fail with "Extra inputs are not permitted" when it loads this .env? My Settings class only declares database_url, redis_url, anthropic_api_key and jwt_secret.

APP_ENV=production
DATABASE_URL=postgresql+asyncpg://svc_orders:⟦S:q7Hn#Ld92!vXe⟧@db.internal.orderflow.io:5432/orders
REDIS_URL=redis://:⟦S:r3d1s-Wq8zK4mP⟧@cache.internal.orderflow.io:6379/0
ANTHROPIC_API_KEY=⟦K:sk-ant-api03-⁅r|B|93⁆AA⟧
SENTRY_DSN=https://⟦K:⁅r|H|32⁆⟧@o4507218.ingest.sentry.io/4507219
JWT_SECRET=⟦S:⁅r|A|48⁆⟧
CORS_ORIGINS=["https://app.orderflow.io"]
LOG_LEVEL=info
""",
)
add(
    "cred",
    "en",
    "teamcity-trigger-build-curl",
    "command",
    """
I'm trying to trigger a TeamCity build from a cron job. The first command returns 401 and the second one works. What's the difference, and which should I keep?

curl -u ⟦U:j.okonkwo⟧:⟦S:Teamc1ty-Build#88⟧ -X POST "https://ci.brightpath.dev/app/rest/buildQueue" \\
  -H "Content-Type: application/xml" \\
  -d '<build><buildType id="Storefront_NightlyE2E"/></build>'

curl -X POST "https://ci.brightpath.dev/app/rest/buildQueue" \\
  -H "Authorization: Bearer ⟦S:eyJ0eXAiOiAiVENWMiJ9.⁅r|B|43⁆.⁅r|B|86⁆⟧" \\
  -H "Content-Type: application/xml" \\
  -d '<build><buildType id="Storefront_NightlyE2E"/></build>'
""",
)
add(
    "cred",
    "en",
    "actions-migration-psql-log",
    "kv-log",
    """
Our migration job failed in GitHub Actions with the log below. Why can't it connect, and is it a problem that the full URL got printed? (The repo is private.)

2024-10-02T09:14:31.5521Z ##[group]Run psql "$MIGRATION_URL" -f migrations/0042_add_invoice_index.sql
2024-10-02T09:14:31.5524Z psql "postgresql://app_migrator:⟦S:Vw7!kP2s#Hq9Lz⟧@pg-prod-eu.cluster-c8x1.eu-west-1.rds.amazonaws.com:5432/billing?sslmode=require" -f migrations/0042_add_invoice_index.sql
2024-10-02T09:14:31.5530Z shell: /usr/bin/bash -e {0}
2024-10-02T09:14:51.7712Z psql: error: connection to server at "pg-prod-eu.cluster-c8x1.eu-west-1.rds.amazonaws.com" (10.42.7.19), port 5432 failed: Connection timed out
2024-10-02T09:14:51.7715Z 	Is the server running on that host and accepting TCP/IP connections?
2024-10-02T09:14:51.7901Z ##[error]Process completed with exit code 2.
""",
)
add(
    "cred",
    "en",
    "vpn-totp-qr-script",
    "code",
    """
This script generates a QR code so a new starter can enrol the VPN's TOTP in their authenticator app. It prints a blank image on Windows. What's wrong?

import qrcode
from PIL import Image

uri = (
    "otpauth://totp/Acme%20VPN:⟦E:d.ferreira@acme-logistics.com⟧"
    "?secret=⟦S:⁅r|A2|32⁆⟧&issuer=Acme%20VPN&algorithm=SHA1&digits=6&period=30"
)
img = qrcode.make(uri, box_size=8, border=2)
img.save("enrol.png")
Image.open("enrol.png").show()
""",
)
add(
    "cred",
    "en",
    "linear-graphql-issue-export",
    "code",
    """
I want to export all issues in our "Mobile" team from Linear to CSV. This only returns the first 50. How do I paginate with the GraphQL API?

import csv, requests

LINEAR_KEY = "⟦K:lin_api_⁅r|A|40⁆⟧"
query = '''
query { team(id: "MOB") { issues { nodes { identifier title state { name } assignee { name } } } } }
'''
r = requests.post(
    "https://api.linear.app/graphql",
    json={"query": query},
    headers={"Authorization": LINEAR_KEY, "Content-Type": "application/json"},
)
rows = r.json()["data"]["team"]["issues"]["nodes"]
with open("mobile.csv", "w", newline="") as f:
    w = csv.writer(f)
    for n in rows:
        w.writerow([n["identifier"], n["title"], n["state"]["name"]])
""",
)
add(
    "cred",
    "en",
    "packer-template-deploy-key",
    "code",
    """
Packer build of our golden AMI fails at the git clone step with "Load key: invalid format". Here is the relevant part of the template. Is the heredoc mangling the key?

source "amazon-ebs" "web" {
  region        = "eu-central-1"
  instance_type = "t3.small"
  ssh_username  = "ubuntu"
}

build {
  sources = ["source.amazon-ebs.web"]

  provisioner "file" {
    destination = "/home/ubuntu/.ssh/id_ed25519"
    content     = <<EOT
⟦PK:⁅ed|openssh|deploy@packer-web⁆⟧
EOT
  }

  provisioner "shell" {
    inline = [
      "chmod 600 /home/ubuntu/.ssh/id_ed25519",
      "git clone git@github.com:northwind-labs/web.git /opt/web",
    ]
  }
}
""",
)
add(
    "cred",
    "en",
    "garden-office-hostapd",
    "ini",
    """
I turned an old Pi into an access point for my garden office. Clients connect but drop every few minutes. Anything wrong in this hostapd.conf?

interface=wlan0
driver=nl80211
ssid=Henderson_Garden_Office
hw_mode=g
channel=6
wmm_enabled=1
auth_algs=1
wpa=2
wpa_key_mgmt=WPA-PSK
rsn_pairwise=CCMP
wpa_passphrase=⟦S:marigold-TRELLIS-4471⟧
ieee8021x=0
# old enterprise attempt, disabled
#auth_server_addr=192.168.1.5
#auth_server_shared_secret=⟦S:rad1us-Sh3d!⟧
""",
)
add(
    "cred",
    "en",
    "course-video-wget-cookie",
    "command",
    """
I'm trying to download the lecture videos I paid for so I can watch them on the plane. This wget command gets a 302 to the login page. Did I copy the cookie wrong?

wget --header="Cookie: sessionid=⟦S:⁅r|L|32⁆⟧; django_language=en" \\
     --header="User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" \\
     -r -l1 -A mp4 "https://learn.fluentlens.io/course/portrait-lighting/lesson/7/"
""",
)
add(
    "cred",
    "en",
    "godot-build-discord-notify",
    "yaml",
    """
Our Godot export workflow works, but the Discord notification step fails with "400: Cannot send an empty message". Here's the job:

name: export-windows
on: push
jobs:
  export:
    runs-on: ubuntu-latest
    container: barichello/godot-ci:4.2.1
    steps:
      - uses: actions/checkout@v4
      - run: godot --headless --export-release "Windows Desktop" build/game.exe
      - name: Upload to itch
        env:
          BUTLER_API_KEY: ⟦K:⁅r|L|40⁆⟧
        run: butler push build thistledown/moth-garden:windows
      - name: Notify Discord
        run: |
          curl -H "Content-Type: application/json" \\
               -d '{"text": "Windows build pushed"}' \\
               ⟦K:https://discord.com/api/webhooks/1⁅r|D|18⁆/⁅r|B|68⁆⟧
""",
)
add(
    "cred",
    "en",
    "fireproof-box-recovery-note",
    "prose",
    """
Can you turn this into a tidy one-page note I can print and keep in the fireproof box for my wife, in case something happens to me? Keep every code exactly as written.

- Microsoft account (⟦E:graham.whitlow@outlook.com⟧) recovery code: ⟦S:⁅r|U|5⁆-⁅r|U|5⁆-⁅r|U|5⁆-⁅r|U|5⁆-⁅r|U|5⁆⟧
- Google backup codes (each works once): ⟦S:4821 0937⟧, ⟦S:7703 1846⟧, ⟦S:2590 6618⟧, ⟦S:9146 3072⟧
- 1Password master password: ⟦S:Quarry-lantern-otter-59⟧ and the Secret Key is in the Emergency Kit PDF in the same box
- Bank app passcode is the same as the house alarm: ⟦S:830512⟧
- The NAS admin login is ⟦U:gwhitlow⟧ / ⟦S:Nas#Whitlow2019⟧
""",
)
add(
    "cred",
    "en",
    "powershell-teams-azure-openai-digest",
    "code",
    """
This PowerShell script summarises our helpdesk tickets with Azure OpenAI and posts to a Teams channel. Invoke-RestMethod throws "(400) Bad Request" on the Teams post. Can you spot it?

$AoaiEndpoint = "https://helpdesk-aoai.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01"
$AoaiKey = "⟦K:⁅r|H|32⁆⟧"
$TeamsWebhook = "⟦K:https://fabrikamltd.webhook.office.com/webhookb2/⁅uuid⁆@⁅uuid⁆/IncomingWebhook/⁅r|H|32⁆/⁅uuid⁆/V2⁅r|B|44⁆⟧"

$tickets = Import-Csv .\\tickets_today.csv
$body = @{ messages = @(@{ role = "user"; content = "Summarise: " + ($tickets | ConvertTo-Json) }) } | ConvertTo-Json -Depth 5
$summary = Invoke-RestMethod -Uri $AoaiEndpoint -Method Post -Headers @{ "api-key" = $AoaiKey } -Body $body -ContentType "application/json"
Invoke-RestMethod -Uri $TeamsWebhook -Method Post -Body (@{ text = $summary.choices[0].message.content }) -ContentType "application/json"
""",
)
add(
    "cred",
    "en",
    "borg-backup-systemd-unit",
    "ini",
    """
My borg backup timer runs but the unit exits with "passphrase supplied in BORG_PASSPHRASE is incorrect". It works when I run the same command by hand. Here's the unit:

[Unit]
Description=Nightly borg backup to the storage box
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
Environment="BORG_REPO=ssh://backup@nas.home.arpa:23/./borg/laptop"
Environment="BORG_PASSPHRASE=⟦S:tundra-WALNUT-ferry-38-!⟧"
Environment="BORG_RSH=ssh -i /root/.ssh/borg_ed25519"
ExecStart=/usr/bin/borg create --stats --compression zstd ::{hostname}-{now} /etc /home /srv
ExecStartPost=/usr/bin/borg prune --keep-daily 7 --keep-weekly 4 --keep-monthly 6
""",
)
add(
    "cred",
    "en",
    "gitlab-runner-config-toml",
    "ini",
    """
Our self-hosted GitLab runner stopped picking up jobs after we moved the cache to MinIO. Here's /etc/gitlab-runner/config.toml; what should I check first?

concurrent = 4
check_interval = 0

[[runners]]
  name = "build-01"
  url = "https://gitlab.tidewater.dev/"
  token = "⟦K:glrt-⁅r|B|20⁆⟧"
  executor = "docker"
  [runners.docker]
    image = "node:20-bookworm"
    privileged = false
  [runners.cache]
    Type = "s3"
    Shared = true
    [runners.cache.s3]
      ServerAddress = "minio.tidewater.dev:9000"
      AccessKey = "⟦K:AKIA⁅r|U|16⁆⟧"
      SecretKey = "⟦K:⁅r|S|40⁆⟧"
      BucketName = "runner-cache"
      Insecure = false
""",
)
add(
    "cred",
    "en",
    "tortoise-house-sitter-note",
    "prose",
    """
Please tidy up this note for our house-sitter so it reads nicely; keep it friendly.

Hi ⟦P:Marnie⟧! Thanks so much for looking after the house and Gus (the tortoise) while we're in Crete.
- The key safe by the back door is ⟦S:2719⟧; please put the key back and scramble the dial.
- Wi-Fi is "Hollybush-5G", password ⟦S:gus-eats-dandelions-22⟧.
- The TV is logged into Netflix; if it asks, the password is ⟦S:Crete2024!fam⟧.
- Gus gets a soak in lukewarm water every other morning and dandelion leaves, never lettuce.
Vet's number is on the fridge. Love, ⟦P:Jo⟧ & ⟦P:Amrit⟧
""",
)
add(
    "cred",
    "en",
    "gradio-demo-space-app",
    "code",
    """
My Gradio demo works locally but the Hugging Face Space build log says "OpenAIError: The api_key client option must be set". I thought hard-coding them would avoid that. What's going on, and what's the right way on Spaces?

import gradio as gr
from openai import OpenAI
from huggingface_hub import InferenceClient

client = OpenAI(api_key="⟦K:sk-proj-⁅r|B|48⁆T3BlbkFJ⁅r|B|48⁆⟧")
hf = InferenceClient(token="⟦K:hf_⁅r|A|34⁆⟧")

def caption(image, style):
    desc = hf.image_to_text(image)
    out = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Rewrite this caption in a {style} style: {desc}"}],
    )
    return out.choices[0].message.content

gr.Interface(caption, [gr.Image(type="filepath"), gr.Radio(["haiku", "tabloid", "museum label"])], "text").launch()
""",
)
add(
    "cred",
    "en",
    "openssl-pkcs12-export-error",
    "command",
    """
I'm trying to bundle our intranet certificate into a .pfx for IIS and openssl says "unable to load private key". Is the key below in the wrong format? The cert.pem and chain.pem are from our internal CA.

$ openssl pkcs12 -export -out intranet.pfx -inkey intranet.key -in cert.pem -certfile chain.pem
unable to load private key
40F7B2D8A47F0000:error:1608010C:STORE routines:ossl_store_handle_load_result:unsupported:../crypto/store/store_result.c:151:
$ cat intranet.key
⟦PK:⁅rsa|2048|pkcs1⁆⟧
$ file intranet.key
intranet.key: ASCII text, with CRLF line terminators
""",
)
add(
    "cred",
    "en",
    "makefile-deploy-targets",
    "code",
    """
Can you refactor this Makefile so the tokens come from the environment instead, and add a `check-env` target that fails nicely if they're missing?

DO_TOKEN := ⟦K:dop_v1_⁅r|H|64⁆⟧
STRIPE_KEY := ⟦K:sk_live_51⁅r|A|97⁆⟧
MAPS_KEY := ⟦K:AIza⁅r|B|35⁆⟧
IMAGE := registry.digitalocean.com/hollowtree/shop:$(shell git rev-parse --short HEAD)

build:
\tdocker build --build-arg MAPS_KEY=$(MAPS_KEY) -t $(IMAGE) .

push: build
\tdoctl registry login --access-token $(DO_TOKEN)
\tdocker push $(IMAGE)

webhook-test:
\tstripe listen --api-key $(STRIPE_KEY) --forward-to localhost:8000/webhooks/stripe
""",
)
# ---------------------------------------------------------------------------
# cred — other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "de",
    "nextcloud-config-php-umzug",
    "code",
    """
Wir ziehen unsere Vereins-Nextcloud auf einen neuen Server um. Nach dem Kopieren kommt nur „Internal Server Error“. Kann es an der config.php liegen? Hier ist sie:

<?php
$CONFIG = array (
  'instanceid' => 'ocw8r1x5k2lq',
  'passwordsalt' => '⟦S:⁅r|A|30⁆⟧',
  'secret' => '⟦S:⁅r|S|48⁆⟧',
  'trusted_domains' => array (0 => 'cloud.tsv-lindenau.de'),
  'datadirectory' => '/var/www/nextcloud/data',
  'dbtype' => 'mysql',
  'dbname' => 'nextcloud',
  'dbhost' => 'localhost',
  'dbuser' => 'nc_admin',
  'dbpassword' => '⟦S:Lindenau#Cloud!2022⟧',
  'mail_smtpmode' => 'smtp',
  'mail_smtphost' => 'smtp.strato.de',
  'mail_smtpauth' => 1,
  'mail_smtpname' => '⟦E:kassenwart@tsv-lindenau.de⟧',
  'mail_smtppassword' => '⟦S:Kasse_Versand_77⟧',
  'version' => '28.0.4.1',
  'installed' => true,
);
""",
)
add(
    "cred",
    "fr",
    "freebox-technicien-acces",
    "prose",
    """
Pouvez-vous reformuler ce message pour le technicien qui vient installer la caméra demain ? Je veux que ce soit clair mais court.

Bonjour ⟦P:Mathieu⟧, pour demain : la box est dans le placard de l'entrée. L'interface Freebox (mafreebox.freebox.fr) a comme mot de passe ⟦S:Vaugirard-Box-1987⟧. Le Wi-Fi principal s'appelle « Famille_Roussel », clé ⟦S:7hq2-Pomme-Roussel-x91⟧. Pour le compte Free, l'identifiant est ⟦U:fbx_roussel75⟧ et le mot de passe ⟦S:Roussel!Free2023⟧ si vous devez ouvrir un port. Le code du portail est le ⟦S:4187⟧. Merci, ⟦P:Claire Roussel⟧.
""",
)
add(
    "cred",
    "es",
    "sqlplus-informe-cierre-mes",
    "command",
    """
Este script de cierre de mes falla con ORA-12154. ¿Es un problema de tnsnames o de la cadena de conexión? Lo lanzo desde el servidor de informes.

#!/bin/bash
export ORACLE_HOME=/u01/app/oracle/product/19c/client_1
export PATH=$ORACLE_HOME/bin:$PATH
sqlplus -s ⟦U:mgarcia_fin⟧/⟦S:Cierre$Mes2024⟧@//ora-prod.grupolaurel.local:1521/FINPDB <<SQL
SET PAGESIZE 0 FEEDBACK OFF
SPOOL /informes/cierre_$(date +%Y%m).csv
@/scripts/cierre_mes.sql
SPOOL OFF
EXIT
SQL
""",
)
add(
    "cred",
    "it",
    "credenziali-hosting-agenzia-web",
    "prose",
    """
Devo mandare all'agenzia web gli accessi per il restyling del sito della pizzeria. Puoi riscrivere questo messaggio in modo più professionale?

Ciao ⟦P:Federica⟧, ecco gli accessi:
- pannello hosting Aruba: login ⟦U:4821376.aruba⟧, password ⟦S:Pizzeria_Vesuvio#24⟧
- FTP: ftp.pizzeriavesuvio-lecce.it, utente ⟦U:4821376.aruba⟧, stessa password del pannello
- WordPress: utente ⟦U:salvatore.admin⟧, password ⟦S:Margherita!1987⟧
Mi raccomando non toccate la pagina del menù senza chiedere a mio fratello. Grazie, ⟦P:Salvatore⟧
""",
)
add(
    "cred",
    "pt",
    "bot-telegram-estoque-python",
    "code",
    """
Meu bot do Telegram para avisar estoque baixo parou de responder depois que atualizei a biblioteca. Pode ver o que mudou na versão 21 do python-telegram-bot?

from telegram import Update
from telegram.ext import Updater, CommandHandler
import sqlite3

TOKEN = "⟦K:7⁅r|D|9⁆:AA⁅r|B|33⁆⟧"
DB = sqlite3.connect("estoque.db", check_same_thread=False)

def baixo(update: Update, context):
    rows = DB.execute("SELECT sku, nome, qtd FROM produtos WHERE qtd < minimo").fetchall()
    msg = "\\n".join(f"{s} {n}: {q}" for s, n, q in rows) or "Tudo certo!"
    update.message.reply_text(msg)

updater = Updater(TOKEN, use_context=True)
updater.dispatcher.add_handler(CommandHandler("baixo", baixo))
updater.start_polling()
""",
)
add(
    "cred",
    "nl",
    "synology-hyper-backup-notitie",
    "prose",
    """
Kun je dit omzetten in een nette instructie voor mijn zoon, voor als de NAS ooit kapotgaat en hij de back-up moet terugzetten?

De Synology staat in de meterkast. Inloggen op DSM met ⟦U:beheer_vdberg⟧ en wachtwoord ⟦S:Meterkast#2021!⟧. De Hyper Backup-taak „Foto's naar C2" is versleuteld; het wachtwoord daarvan is ⟦S:Zeeland-Vuurtoren-1968⟧ en de encryptiesleutel (.pem) staat ook op de blauwe USB-stick in de la. Zonder dat wachtwoord zijn alle foto's weg, dus bewaar het goed!
""",
)
add(
    "cred",
    "pl",
    "librus-haslo-dla-babci",
    "prose",
    """
Popraw, proszę, tę wiadomość do mamy, żeby była jaśniejsza. Mama ma odbierać ⟦P:Kubę⟧ ze szkoły w przyszłym tygodniu i chcę, żeby widziała ogłoszenia w dzienniku.

Mamo, żeby wejść do Librusa: wchodzisz na portal.librus.pl, wybierasz „Rodzic", login ⟦U:8841927u⟧, hasło ⟦S:Kuba2015!szkola⟧. Jakby nie działało, to kod do aplikacji mobilnej wygenerowałam: ⟦S:K7Q-4XP-92M⟧. Nie zmieniaj hasła, bo ⟦P:Tomek⟧ też z niego korzysta. Buziaki, ⟦P:Ania⟧
""",
)
add(
    "cred",
    "sv",
    "sommarstuga-uthyrning-info",
    "prose",
    """
Vi hyr ut sommarstugan till ett par från Göteborg i juli. Kan du göra ett välkomstbrev av mina anteckningar, på svenska och engelska?

- Nyckeln sitter i nyckelboxen vid vedboden, kod ⟦S:1906⟧.
- Wi-Fi: "Stugan_Tjörn", lösenord ⟦S:KrabbFiske-på-bryggan-7⟧
- Båtmotorns kedjelås har koden ⟦S:0447⟧.
- Sopor hämtas tisdagar, vattnet ska stängas av i pumphuset när ni åker.
- Vid problem ring ⟦P:Lennart⟧ (granne) eller mig. /⟦P:Karin⟧
""",
)
add(
    "cred",
    "fi",
    "pihole-wpa-supplicant-asetukset",
    "ini",
    """
Raspberry Pi:n Pi-hole ei saa yhteyttä kotiverkkoon uudelleenkäynnistyksen jälkeen. Tässä wpa_supplicant.conf ja Pi-holen asetuksista otettu pätkä. Mikä on vialla?

ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
update_config=1
country=FI

network={
    ssid="Virtanen_Koti"
    psk="⟦S:Mökkitie-Saimaa-2020⟧"
    key_mgmt=WPA-PSK
}

# /etc/pihole/setupVars.conf
PIHOLE_INTERFACE=wlan0
IPV4_ADDRESS=192.168.1.53/24
WEBPASSWORD=⟦S:⁅r|H|64⁆⟧
# web-käyttöliittymän salasana oli ennen ⟦S:pihole-Virtanen!⟧, vaihdoin sen komennolla pihole -a -p
""",
)
add(
    "cred",
    "cs",
    "datova-schranka-pristup-ucetni",
    "prose",
    """
Pomoz mi napsat e-mail účetní, které předávám přístup do datové schránky kvůli přiznání k DPH. Chci, aby to bylo slušné a aby bylo jasné, že je to jen dočasně.

Dobrý den, paní ⟦P:Šebestová⟧, posílám přístupové údaje do datové schránky firmy: uživatelské jméno ⟦U:x7hq2mf⟧, heslo ⟦S:Truhlarstvi-Kolar-2024⟧. Po podání přiznání heslo změním. Kdyby se systém ptal na SMS kód, volejte mi na ⟦T:602 418 733⟧. S pozdravem ⟦P:Jiří Kolář⟧
""",
)
add(
    "cred",
    "ru",
    "1c-rdp-buhgalteriya-ip",
    "prose",
    """
Помогите составить понятную инструкцию для нового бухгалтера, как подключиться к нашей 1С через удалённый рабочий стол.

Подключение: файл buh.rdp на рабочем столе, сервер 1c.tehnomarket-nn.ru:3390
Пользователь Windows: ⟦U:buh_sorokina⟧, пароль ⟦S:Sorokina#1C-2024⟧
В 1С:Бухгалтерия 8.3 выбрать базу «ИП ⟦P:Гусев Д. А.⟧», пользователь ⟦U:Сорокина⟧, пароль ⟦S:Buh!Gusev77⟧
ИНН ИП для отчётов: ⟦ID@RU:⁅id|RU|52########??⁆⟧
Если не пускает — звонить ⟦P:Дмитрию Андреевичу⟧ на ⟦T:+7 903 611-42-87⟧.
""",
)
add(
    "cred",
    "uk",
    "wifi-ta-kabinet-provaidera",
    "prose",
    """
Зробіть, будь ласка, з цього коротку записку для тата, щоб він сам міг перезавантажити роутер і оплатити інтернет.

Тату, роутер TP-Link стоїть у коридорі. Вхід у налаштування: 192.168.0.1, пароль ⟦S:Tato_Router_1956⟧. Wi-Fi називається «Kovalenko_Home», пароль ⟦S:vyshnya-sadok-4412⟧. Особистий кабінет провайдера: логін ⟦U:kovalenko.m.p⟧, пароль ⟦S:Kyivstar!Dim2023⟧, номер договору ⟦ACC:1048832716⟧. Якщо щось не так — дзвони ⟦P:Олі⟧.
""",
)
add(
    "cred",
    "ja",
    "haken-shain-vpn-backlog-annai",
    "prose",
    """
新しく入った派遣の方に送る案内文を、もう少し丁寧な文章に直してください。

⟦P:山本⟧さん、明日からよろしくお願いします。
・社内VPN（FortiClient）の接続先は vpn.hoshino-denki.co.jp、ユーザー名は ⟦U:h.yamamoto⟧、初期パスワードは ⟦S:Hoshino2024!vpn⟧ です。初回ログイン時に変更してください。
・課題管理は Backlog を使っています。スクリプトから課題を取る場合の API キーはこちら：⟦K:⁅r|A|64⁆⟧
・共有フォルダのパスワードは ⟦S:kyoyu#0412⟧ です。
不明点は情報システム課の ⟦P:佐藤⟧（内線 214）までどうぞ。
""",
)
add(
    "cred",
    "zh",
    "aliyun-oss2-upload-script",
    "code",
    """
这个脚本把每天的销售报表上传到阿里云 OSS，但是一直报 SignatureDoesNotMatch。是不是 endpoint 写错了？

import oss2
import datetime

ACCESS_KEY_ID = "⟦K:LTAI5t⁅r|A|18⁆⟧"
ACCESS_KEY_SECRET = "⟦K:⁅r|A|30⁆⟧"
auth = oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
bucket = oss2.Bucket(auth, "https://oss-cn-hangzhou.aliyuncs.com", "sales-report-hz")

today = datetime.date.today().strftime("%Y%m%d")
bucket.put_object_from_file(f"daily/{today}.xlsx", f"/data/reports/{today}.xlsx")
print("uploaded", today)
""",
)
add(
    "cred",
    "ko",
    "kakao-local-api-spring-yml",
    "yaml",
    """
스프링 부트에서 카카오 로컬 API로 주소 검색을 하는데 401이 나요. application.yml 설정 좀 봐주세요.

spring:
  datasource:
    url: jdbc:mysql://localhost:3306/delivery?serverTimezone=Asia/Seoul
    username: delivery_app
    password: ⟦S:Dlvr!2024#mysql⟧
kakao:
  rest-api-key: ⟦K:⁅r|H|32⁆⟧
  admin-key: ⟦K:⁅r|H|32⁆⟧
  local-search-url: https://dapi.kakao.com/v2/local/search/address.json
jwt:
  secret: ⟦S:⁅b64|48⁆⟧
  expiration-ms: 3600000
""",
)
add(
    "cred",
    "tr",
    "logo-tiger-gece-yedegi-bat",
    "command",
    """
Logo Tiger veritabanının gece yedeğini alan bu bat dosyası Görev Zamanlayıcı'dan çalışınca "Login failed" veriyor, elle çalıştırınca sorun yok. Neden olabilir?

@echo off
set TARIH=%date:~-4%%date:~3,2%%date:~0,2%
sqlcmd -S LOGOSRV\\LOGO -U logo_yedek -P "⟦S:Ylz!Yedek_2023⟧" -Q "BACKUP DATABASE [TIGER3] TO DISK='D:\\Yedek\\TIGER3_%TARIH%.bak' WITH INIT, COMPRESSION"
net use Z: \\\\nas01\\yedek /user:⟦U:ahmet.ozkan⟧ ⟦S:Nas*Ozkan44⟧
copy D:\\Yedek\\TIGER3_%TARIH%.bak Z:\\
""",
)
add(
    "cred",
    "hu",
    "ugyfelkapu-jelszo-apanak",
    "prose",
    """
Segíts átfogalmazni ezt az üzenetet apának, hogy érthetőbb legyen, és írd bele lépésről lépésre, hogyan nézi meg az SZJA-bevallási tervezetét.

Apa, az Ügyfélkapu+ belépéshez a felhasználóneved ⟦U:kovacs.ferenc53⟧, a jelszó ⟦S:Balaton-Nyar-1953!⟧. A kétlépcsős azonosításhoz a kódot az Authenticator appban látod a telefonodon. A Wi-Fi jelszó, ha újra kell csatlakozni: ⟦S:kovacs_otthon_2020⟧. Hívj, ha elakadsz! ⟦P:Eszter⟧
""",
)
add(
    "cred",
    "ro",
    "filezilla-sitemanager-xml",
    "code",
    """
Am exportat conexiunile din FileZilla ca să le mut pe laptopul nou, dar la import nu apare parola. De ce? Uite fișierul:

<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.66.5" platform="windows">
  <Servers>
    <Server>
      <Host>sftp.magazin-florica.ro</Host>
      <Port>22</Port>
      <Protocol>1</Protocol>
      <Type>0</Type>
      <User>⟦U:florica.deploy⟧</User>
      <Pass encoding="base64">⟦S:⁅b64|15⁆⟧</Pass>
      <Logontype>1</Logontype>
      <Name>Magazin online - producție</Name>
    </Server>
  </Servers>
</FileZilla3>
""",
)
add(
    "cred",
    "da",
    "grundejerforening-overdragelse",
    "prose",
    """
Jeg stopper som sekretær i grundejerforeningen. Kan du skrive en pæn overdragelsesmail til min afløser ud fra disse noter?

Kære ⟦P:Henrik⟧, her er adgangene:
- Mailchimp: brugernavn ⟦U:grundejer.egebakken⟧, adgangskode ⟦S:Egebakken#Nyhed2021⟧. Hjemmesiden bruger API-nøglen ⟦K:⁅r|H|32⁆-us21⟧ til tilmeldingsformularen.
- Dropbox: ⟦E:sekretaer@egebakken-gf.dk⟧ / ⟦S:Vejlaug!Dropbox88⟧
- Nøglen til fælleshuset ligger i nøgleboksen, kode ⟦S:3311⟧.
Hilsen ⟦P:Birgitte⟧
""",
)
add(
    "cred",
    "no",
    "smtplib-outlook-ukesrapport",
    "code",
    """
Python-skriptet som sender ukesrapporten fra Outlook-kontoen min, feiler med "5.7.139 Authentication unsuccessful". Hva må jeg endre?

import smtplib
from email.message import EmailMessage

msg = EmailMessage()
msg["Subject"] = "Ukesrapport lager uke 41"
msg["From"] = "⟦E:ingrid.solberg@fjordbakst.no⟧"
msg["To"] = "ledergruppe@fjordbakst.no"
msg.set_content(open("rapport.txt", encoding="utf-8").read())

with smtplib.SMTP("smtp.office365.com", 587) as s:
    s.starttls()
    s.login("⟦E:ingrid.solberg@fjordbakst.no⟧", "⟦S:Bakeri-Fjord-2024!⟧")
    s.send_message(msg)
""",
)
add(
    "cred",
    "el",
    "kodikos-mydei-gia-mitera",
    "prose",
    """
Μπορείς να γράψεις πιο καθαρά αυτό το σημείωμα για τη μητέρα μου, ώστε να πληρώνει μόνη της τον λογαριασμό ρεύματος;

Μαμά, στο myΔΕΗ μπαίνεις με email ⟦E:eleni.papadaki52@yahoo.gr⟧ και κωδικό ⟦S:Eleni1952!dei⟧. Ο αριθμός παροχής είναι ⟦ACC:1 40718325-02 6⟧ (είναι γραμμένος και στον λογαριασμό). Για το e-banking της τράπεζας ο κωδικός είναι ⟦S:Papadaki#Trapeza7⟧, αλλά θα σου έρχεται και SMS. Αν κολλήσεις, πάρε τον ⟦P:Νίκο⟧.
""",
)
add(
    "cred",
    "ca",
    "clickedu-contrasenya-avia",
    "prose",
    """
Pots reescriure aquest missatge per a l'àvia perquè sigui més clar? Ella anirà a buscar la ⟦P:Martina⟧ a l'escola aquesta setmana.

Àvia, per veure les notificacions de l'escola entra a Clickedu des del mòbil: escola Sant Jordi, usuari ⟦U:mfabregas.fam⟧, contrasenya ⟦S:Martina2016-Escola⟧. Si et demana el codi de verificació, t'arribarà un SMS al meu número. El codi de la porta del pàrquing és ⟦S:5820⟧. Petons, ⟦P:Laia⟧
""",
)
add(
    "cred",
    "gl",
    "gitlab-ci-despregue-asociacion",
    "yaml",
    """
O noso pipeline de GitLab para despregar a web da asociación falla no paso de "deploy" con "Permission denied". Podes revisar o .gitlab-ci.yml?

stages: [build, deploy]

build:
  stage: build
  image: node:20
  script:
    - npm ci
    - npm run build
  artifacts:
    paths: [dist/]

deploy:
  stage: deploy
  image: alpine:3.20
  variables:
    GITLAB_TOKEN: ⟦K:glpat-⁅r|B|20⁆⟧
  script:
    - apk add --no-cache openssh-client rsync sshpass
    - sshpass -p "⟦S:Arousa-Ria-Web2024⟧" ssh web@hosting.asociacion-arousa.gal "mkdir -p /srv/www"
    - sshpass -p "⟦S:Arousa-Ria-Web2024⟧" rsync -az dist/ web@hosting.asociacion-arousa.gal:/srv/www/
  only: [main]
""",
)
add(
    "cred",
    "eu",
    "docker-compose-elkartea-wiki",
    "yaml",
    """
Gure elkartearen wikia (Wiki.js) ez da abiarazten; datu-basearekin konexio-errorea ematen du. Hona hemen docker-compose.yml fitxategia. Zer dago gaizki?

services:
  db:
    image: postgres:16
    environment:
      POSTGRES_DB: wiki
      POSTGRES_USER: wikijs
      POSTGRES_PASSWORD: ⟦S:Txakoli-Getaria-1995⟧
    volumes:
      - db-data:/var/lib/postgresql/data
  wiki:
    image: ghcr.io/requarks/wiki:2
    depends_on: [db]
    environment:
      DB_TYPE: postgres
      DB_HOST: db
      DB_PORT: 5432
      DB_USER: wikijs
      DB_PASS: ⟦S:Txakoli-Getaria-1995⟧
      DB_NAME: wikijs
    ports:
      - "80:3000"
volumes:
  db-data:
""",
)
add(
    "cred",
    "id",
    "midtrans-php-config-toko",
    "code",
    """
Toko online saya pakai Midtrans Snap. Di mode produksi muncul error "Access denied due to unauthorized transaction". Apa yang salah dengan konfigurasi ini?

<?php
// config/payment.php
return [
    'midtrans' => [
        'is_production' => true,
        'server_key'    => '⟦K:Mid-server-⁅r|B|24⁆⟧',
        'merchant_id'   => 'G418273650',
        'is_sanitized'  => true,
        'is_3ds'        => true,
    ],
    'database' => [
        'host'     => '127.0.0.1',
        'user'     => 'toko_batik',
        'password' => '⟦S:BatikPekalongan#2023⟧',
        'name'     => 'toko_batik_prod',
    ],
];
""",
)
# ---------------------------------------------------------------------------
# benign — English
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "eponymous-laws-management-essay",
    "prose",
    """
I'm writing a short essay for my MBA ethics module on "eponymous laws" in organisations. Can you give me 150 words each on Parkinson's law, the Peter principle, Goodhart's law and Conway's law, with who coined each and when? Also, in a footnote, explain why medicine is moving away from eponyms like Hodgkin lymphoma, Asperger syndrome and Wegener's granulomatosis (now GPA), and whether "Down syndrome" is likely to be renamed.
""",
)
add(
    "benign",
    "en",
    "aws-docs-example-credentials",
    "prose",
    """
The AWS CLI docs show this in the "configure" example:

$ aws configure
AWS Access Key ID [None]: AKIAIOSFODNN7EXAMPLE
AWS Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
Default region name [None]: us-west-2
Default output format [None]: json

For a workshop handout, explain what each of the four prompts means, where the values end up (~/.aws/credentials vs ~/.aws/config), and why attendees should use IAM Identity Center (aws configure sso) instead of long-lived keys. Keep the example values exactly as AWS publishes them so nobody thinks they're real.
""",
)
add(
    "benign",
    "en",
    "compose-placeholder-review",
    "yaml",
    """
Please review this docker-compose.yml template for our open-source project's README. Nothing here is real; users copy .env.example to .env and fill it in. Is the healthcheck right, and should I use Docker secrets instead of env vars?

services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: ${DB_USER:-app}
      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}
      POSTGRES_DB: ${DB_NAME:-app}
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER}"]
      interval: 10s
  api:
    build: .
    environment:
      DATABASE_URL: postgres://${DB_USER:-app}:${DB_PASSWORD}@db:5432/${DB_NAME:-app}
      STRIPE_SECRET_KEY: ${STRIPE_SECRET_KEY:-sk_test_xxxxxxxxxxxxxxxxxxxxxxxx}
      ADMIN_PASSWORD: changeme
      OPENAI_API_KEY: <your-openai-key>
    depends_on:
      db:
        condition: service_healthy
""",
)
add(
    "benign",
    "en",
    "streets-named-after-people-walking-tour",
    "prose",
    """
I'm planning a self-guided walking tour in Paris for a history-loving group. Can you build a 3-hour route that links streets named after people — Boulevard Haussmann, Rue de Rivoli (the battle, I know), Avenue Victor-Hugo, Rue Saint-Honoré, Place Charles-de-Gaulle, Rue Jean-Jacques-Rousseau and Boulevard Saint-Germain — and say in one sentence who each person was? Start at Métro Opéra and end near 5 Avenue Anatole France (the Eiffel Tower).
""",
)
add(
    "benign",
    "en",
    "world-cup-2019-final-recap",
    "prose",
    """
Write a punchy 200-word recap of the 2019 Cricket World Cup final at Lord's for our club newsletter: New Zealand 241/8, England 241 all out, Ben Stokes 84*, the deflection off Stokes's bat in the final over, the Super Over tie (15 each) and England winning on boundary count (26 to 17). Mention Kane Williamson as Player of the Tournament and Jofra Archer bowling the Super Over.
""",
)
add(
    "benign",
    "en",
    "late-parcel-order-complaint",
    "prose",
    """
Draft a short complaint to an online retailer: order #112-7745193-2280418 placed on 3 October, invoice INV-2024-118834 for £249.99 (inc. VAT £41.67), shipped via UPS with tracking 1Z999AA10123456784, status stuck on "Label created" for nine days. I want either a replacement by Friday or a full refund to the original payment method. Reference their returns policy section 4.2. No names needed, it'll go through their web form.
""",
)
add(
    "benign",
    "en",
    "isbn-reading-list-check-digits",
    "markdown-table",
    """
Can you verify the ISBN-13 check digits in my book-club list and fix any that are wrong? Show the calculation for the first one.

| Title | Author | ISBN |
|---|---|---|
| Middlemarch | George Eliot | 978-0-14-143954-9 |
| Things Fall Apart | Chinua Achebe | 978-0-385-47454-2 |
| The Remains of the Day | Kazuo Ishiguro | 978-0-571-25848-9 |
| Beloved | Toni Morrison | 978-1-4000-3341-6 |
| One Hundred Years of Solitude | Gabriel García Márquez | 978-0-06-088328-7 |
""",
)
add(
    "benign",
    "en",
    "reagent-certificate-of-analysis",
    "form",
    """
Summarise this certificate of analysis for our lab's reagent log in three lines, and tell me whether it passes our spec (purity ≥ 99.5 %, water ≤ 0.2 %).

CERTIFICATE OF ANALYSIS
Product: Ethanol absolute, for HPLC
Catalogue no.: 1.11727.2500     CAS: 64-17-5     EC: 200-578-6
Lot: K53847283 418     Manufactured: 2024-03-11     Retest date: 2027-03-10
Assay (GC): 99.93 %
Water (Karl Fischer): 0.05 %
Evaporation residue: ≤ 0.0005 %
UV cut-off: 210 nm
Released by Quality Control, Darmstadt site, document QC-REL-24-88104
""",
)
add(
    "benign",
    "en",
    "public-repo-git-bisect",
    "command",
    """
I'm bisecting a regression in a public repo (the markdown parser I maintain a fork of). Here's my session so far. Which commit should I test next, and how do I automate this with `git bisect run` and our pytest suite?

$ git bisect start
$ git bisect bad 9f3c2e1d7a4b58e06c1f9d2ab3e47c51f08d6e92
$ git bisect good v3.4.0
Bisecting: 41 revisions left to test after this (roughly 5 steps)
[4b7e0a9c1d2f3e5a6b8c9d0e1f2a3b4c5d6e7f80] Tighten emphasis delimiter run rules (#1187)
$ pytest tests/test_emphasis.py -q
..........F.
$ git bisect bad
Bisecting: 20 revisions left to test after this (roughly 4 steps)
[c0ffee4d2b1a9e8f7d6c5b4a3928170f6e5d4c3b] Bump version to 3.5.0rc1
""",
)
add(
    "benign",
    "en",
    "lovelace-babbage-assembly",
    "prose",
    """
Write a five-minute school assembly talk for Ada Lovelace Day (second Tuesday of October) aimed at 11-year-olds. Cover Ada Lovelace, Charles Babbage's Analytical Engine, Note G and the Bernoulli numbers, and why Alan Turing later called her idea "Lady Lovelace's Objection". End with a question for the pupils.
""",
)
add(
    "benign",
    "en",
    "eponymous-dishes-dinner-party",
    "prose",
    """
I'm hosting a dinner party where every dish is named after a person. Menu so far: Eggs Benedict canapés, Caesar salad, Beef Wellington, Pavlova and Peach Melba. Give me a timed prep plan for 8 people (guests arrive 7:30pm), a shopping list, and a one-line story for each name (was Caesar Cardini really the inventor? which Anna was Pavlova named after?).
""",
)
add(
    "benign",
    "en",
    "fake-fixture-data-review",
    "json",
    """
These are seed fixtures for our demo environment, all deliberately fake values from the usual documentation ranges. Can you convert them to a Python factory_boy factory?

[
  {"name": "Jane Doe", "email": "jane.doe@example.com", "phone": "+1-202-555-0143", "card": "4242 4242 4242 4242", "exp": "12/34", "cvc": "123", "ssn": "000-00-0000", "ip": "203.0.113.42"},
  {"name": "John Q. Public", "email": "john.public@example.org", "phone": "+44 20 7946 0958", "card": "5555 5555 5555 4444", "exp": "01/30", "cvc": "999", "ssn": "000-00-0000", "ip": "198.51.100.7"},
  {"name": "Erika Mustermann", "email": "erika@example.net", "phone": "+49 30 12345678", "card": "4000 0000 0000 0002", "exp": "06/29", "cvc": "000", "ssn": null, "ip": "192.0.2.10"}
]
""",
)
add(
    "benign",
    "en",
    "mutual-indemnity-clause-template",
    "prose",
    """
Tighten this mutual indemnity clause from our contract template. Keep the placeholders as they are.

12.1 Each of [PARTY A NAME] (company number [●]) and [PARTY B NAME] (company number [●]) (each an "Indemnifying Party") shall indemnify the other against all Losses arising from (a) any breach of clause 9 (Data Protection) or (b) any claim that the Deliverables infringe third-party Intellectual Property Rights, save to the extent caused by the other party's negligence.
12.2 The aggregate liability under clause 12.1 shall not exceed £[●] or 150% of the Charges paid in the 12 months preceding the claim, whichever is greater.
12.3 Notices under this clause shall be sent to the addresses in Schedule 1, marked for the attention of the [General Counsel].
""",
)
add(
    "benign",
    "en",
    "retired-hurricane-names",
    "prose",
    """
For a geography lesson: why does the WMO retire hurricane names? Use Katrina (2005), Sandy (2012), Maria (2017), Dorian (2019) and Ian (2022) as examples, explain the six rotating Atlantic lists, and say what happened when the 2020 season ran out of names (the Greek alphabet, Eta and Iota). Also mention that Storm Ciarán and Storm Babet were named by the UK Met Office and Met Éireann.
""",
)
add(
    "benign",
    "en",
    "grand-national-quiz-round",
    "prose",
    """
Write a 10-question pub-quiz round on the Grand National at Aintree, with answers. Include Red Rum's three wins (1973, 1974, 1977), Aldaniti and Bob Champion, Tiger Roll's back-to-back wins, Rachael Blackmore on Minella Times in 2021, and the 1993 void race. Make one question about Foinavon and the pile-up at the 23rd fence.
""",
)
add(
    "benign",
    "en",
    "band-name-origins-quiz",
    "prose",
    """
My dad and I argue about band-name origins. Settle it: was Lynyrd Skynyrd named after a gym teacher (Leonard Skinner)? Was Jethro Tull named after the 18th-century agriculturalist? Is Pink Floyd from Pink Anderson and Floyd Council? Did Fleetwood Mac really come from Mick Fleetwood and John McVie? And which album has "Go Your Own Way" — Rumours (1977) or Tusk?
""",
)
add(
    "benign",
    "en",
    "luhn-homework-example",
    "prose",
    """
My daughter's maths homework: "Use the Luhn algorithm to find the check digit for 7992739871, then explain why 79927398710 fails." Can you walk through it step by step the way a teacher would, and add one more practice number of the same length for her to try?
""",
)
add(
    "benign",
    "en",
    "k8s-secret-manifest-placeholders",
    "yaml",
    """
For our internal wiki page on Kubernetes secrets, is this example manifest correct? I want people to copy it and replace the placeholders, never commit real values.

apiVersion: v1
kind: Secret
metadata:
  name: payments-api
  namespace: <your-namespace>
type: Opaque
stringData:
  DATABASE_PASSWORD: <your-db-password>
  STRIPE_API_KEY: <your-stripe-restricted-key>
  WEBHOOK_SIGNING_SECRET: "REPLACE_ME"
  SMTP_PASSWORD: "${SMTP_PASSWORD}"
""",
)
add(
    "benign",
    "en",
    "british-library-group-visit",
    "prose",
    """
I'm organising a sixth-form trip to the British Library (96 Euston Road, London NW1 2DB). Their general enquiries line is +44 330 333 1144 according to the website. Write a short email to their Learning team asking about a group slot for the Treasures Gallery (Magna Carta, Leonardo da Vinci's notebook, the Beatles manuscripts) on a Thursday in March for 28 students and 3 staff, and ask whether King's Cross St Pancras is the best station.
""",
)
add(
    "benign",
    "en",
    "cross-timezone-release-schedule",
    "markdown-table",
    """
Convert this release schedule to local times for Auckland, Bengaluru, Berlin and São Paulo, and flag anything that falls outside 08:00–20:00 local. Note the daylight-saving change on 27 Oct in Europe.

| Step | UTC |
|---|---|
| Code freeze | 2024-10-24T16:00:00Z |
| RC build v5.12.0-rc.2 | 2024-10-25T02:30:00Z |
| Canary 5 % | 2024-10-28T09:00:00Z |
| Full rollout | 2024-10-29T13:45:00Z |
| Post-mortem (if needed) | 2024-10-31T20:00:00Z |
""",
)
add(
    "benign",
    "en",
    "lighthouse-coordinates-sailing-plan",
    "prose",
    """
Plan a 5-day sailing passage with daily legs under 60 nautical miles that passes these lighthouses, and tell me their light characteristics: Fastnet (51°23.3′N 9°36.2′W), Old Head of Kinsale (51°36.3′N 8°32.0′W), Hook Head (52°07.4′N 6°55.7′W) and Tuskar Rock (52°12.2′N 6°12.4′W). We leave Baltimore, Co. Cork on 14 June at 06:00 with HW Cobh at 09:12.
""",
)
# ---------------------------------------------------------------------------
# benign — other languages
# ---------------------------------------------------------------------------
add(
    "benign",
    "de",
    "strassennamen-stadtfuehrung-leipzig",
    "prose",
    """
Ich plane eine Stadtführung durch Leipzig für eine Schulklasse. Erkläre bitte in je zwei Sätzen, nach wem diese Straßen benannt sind: Karl-Liebknecht-Straße, Goethestraße, Richard-Wagner-Platz, Bosestraße, Thomaskirchhof (Johann Sebastian Bach) und Käthe-Kollwitz-Straße. Welche Reihenfolge ist zu Fuß ab dem Hauptbahnhof sinnvoll, wenn wir um 14:30 Uhr im Zeitgeschichtlichen Forum in der Grimmaischen Straße 6 sein müssen?
""",
)
add(
    "benign",
    "de",
    "spring-config-platzhalter",
    "yaml",
    """
Kannst du diese application.yml für unser Schulungsrepo kommentieren? Alle Werte sind Platzhalter, die echten kommen aus Vault.

spring:
  datasource:
    url: jdbc:postgresql://${DB_HOST:localhost}:5432/${DB_NAME:shop}
    username: ${DB_USER}
    password: ${DB_PASSWORD}
  mail:
    host: smtp.example.com
    username: noreply@example.com
    password: <SMTP-PASSWORT-HIER>
app:
  jwt-secret: ${JWT_SECRET:bitte-aendern}
  api-key: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
""",
)
add(
    "benign",
    "fr",
    "code-civil-napoleon-plan",
    "prose",
    """
Propose-moi un plan de dissertation en deux parties sur le sujet « Le Code civil de 1804 : œuvre de Napoléon Bonaparte ou de Portalis ? ». Cite Cambacérès, Tronchet, Bigot de Préameneu et Maleville, et la phrase de Sainte-Hélène : « Ma vraie gloire, ce n'est pas d'avoir gagné quarante batailles… ».
""",
)
add(
    "benign",
    "fr",
    "tarte-tatin-peche-melba-menu",
    "prose",
    """
Je prépare un dîner « desserts qui portent un nom de personne » pour 10 personnes : tarte Tatin (les sœurs Stéphanie et Caroline Tatin), pêche Melba (Nellie Melba et Auguste Escoffier), crêpes Suzette et madeleines de Commercy. Donne-moi les quantités, un rétroplanning à partir de 16 h, et l'anecdote derrière chaque nom.
""",
)
add(
    "benign",
    "es",
    "quijote-sancho-resumen",
    "prose",
    """
Necesito un resumen de la primera parte del Quijote (1605) para 3.º de ESO: quién es Alonso Quijano, por qué se hace llamar don Quijote de la Mancha, el papel de Sancho Panza, Dulcinea del Toboso y Rocinante, y el episodio de los molinos de viento. Máximo 300 palabras.
""",
)
add(
    "benign",
    "es",
    "clasico-resultados-tabla",
    "markdown-table",
    """
Con estos resultados de la jornada, calcula la clasificación (3 puntos por victoria) y dime quién es líder y por cuántos puntos.

| Local | Resultado | Visitante |
|---|---|---|
| Real Madrid | 2-1 | FC Barcelona |
| Atlético de Madrid | 0-0 | Athletic Club |
| Real Sociedad | 3-1 | Sevilla FC |
| Villarreal CF | 1-2 | Real Betis |

Puntos antes de la jornada: Real Madrid 24, Barcelona 25, Atlético 21, Athletic 19, Real Sociedad 17, Betis 16, Villarreal 15, Sevilla 14.
""",
)
add(
    "benign",
    "it",
    "spedizione-dei-mille",
    "prose",
    """
Scrivi una scheda per la verifica di storia sulla spedizione dei Mille: partenza da Quarto il 5 maggio 1860, sbarco a Marsala, battaglia di Calatafimi, l'incontro di Teano tra Giuseppe Garibaldi e Vittorio Emanuele II. Aggiungi 5 domande a risposta multipla.
""",
)
add(
    "benign",
    "it",
    "fattura-calcolo-iva-fornitore",
    "form",
    """
Controlla se i conti di questa fattura tornano (IVA al 22 %) e dimmi l'importo corretto da pagare.

Fornitore: Ferramenta Bruni S.r.l., P.IVA 01234560789, Via Emilia 212, Reggio Emilia
Fattura n. 2024/000871 del 15/10/2024
- 40 × viti autofilettanti 4x30, cod. art. VT-430-ZN, 0,12 €
- 3 × silicone neutro trasparente, cod. SIL-310-TR, 6,90 €
- 1 × trapano avvitatore 18V, cod. TRP-18V-2AH, 129,00 €
Imponibile: 154,50 €   IVA 22 %: 33,99 €   Totale: 188,49 €
IBAN per bonifico: vedi intestazione (non necessario per il controllo)
""",
)
add(
    "benign",
    "pt",
    "pessoa-heteronimos-aula",
    "prose",
    """
Preciso de uma explicação simples para uma aula de 11.º ano sobre os heterónimos de Fernando Pessoa: Alberto Caeiro, Ricardo Reis e Álvaro de Campos, e o semi-heterónimo Bernardo Soares. Inclui datas de nascimento "fictícias" que Pessoa lhes deu e um verso característico de cada um.
""",
)
add(
    "benign",
    "nl",
    "nachtwacht-schutters-uitleg",
    "prose",
    """
Leg voor een museumles in groep 8 uit wie er op De Nachtwacht van Rembrandt staan: kapitein Frans Banninck Cocq, luitenant Willem van Ruytenburch en het meisje in het goud. Waarom werd het schilderij in 1715 ingekort, en wat is Operatie Nachtwacht? Eindig met drie kijkvragen.
""",
)
add(
    "benign",
    "nl",
    "rijksmuseum-groepsbezoek-planning",
    "prose",
    """
Wij komen met 24 leerlingen naar het Rijksmuseum (Museumstraat 1, 1071 XX Amsterdam). Stel een mail op aan de afdeling educatie (educatie@rijksmuseum.nl staat op hun site) met de vraag of er op dinsdag 11 maart om 10:15 een rondleiding "Gouden Eeuw" kan, en of we via de groepsingang aan de Jan Luijkenstraat naar binnen moeten.
""",
)
add(
    "benign",
    "pl",
    "sklodowska-curie-prezentacja",
    "prose",
    """
Przygotuj konspekt prezentacji o Marii Skłodowskiej-Curie na lekcję fizyki: dwie Nagrody Nobla (1903 i 1911), odkrycie polonu i radu, współpraca z Piotrem Curie, Latający Uniwersytet w Warszawie. Dodaj ciekawostkę o jej notatkach, które wciąż są radioaktywne.
""",
)
add(
    "benign",
    "pl",
    "zamowienie-allegro-reklamacja-brak-danych",
    "prose",
    """
Napisz krótką reklamację do sklepu: zamówienie nr 2024/10/558213, faktura FV/1124/10/2024, przesyłka InPost nr 630012345678901234567890, kwota 389,00 zł. Ekspres do kawy De'Longhi Magnifica S (model ECAM22.110.B, nr seryjny na tabliczce: 2219A04513) przecieka od drugiego dnia. Chcę naprawy lub wymiany w ramach rękojmi.
""",
)
add(
    "benign",
    "sv",
    "ikea-monteringsanvisning-artikelnummer",
    "prose",
    """
Jag ska bygga en bokhylla och ett skåp och har blandat ihop delarna. Kan du hjälpa mig att räkna ut vilka paket som hör till vad? BILLY bokhylla vit 80x28x202, art.nr 002.638.50; KALLAX hylla 77x147, art.nr 802.758.87; BILLY dörr OXBERG, art.nr 202.755.90. Och varför heter IKEA-möbler som BILLY och KALLAX så — finns det ett system för namnen (städer, förnamn, sjöar)?
""",
)
add(
    "benign",
    "sv",
    "pippi-langstrump-lektion",
    "prose",
    """
Gör en lektionsplanering för årskurs 3 om Astrid Lindgrens Pippi Långstrump: Villa Villekulla, Herr Nilsson, Lilla Gubben, Tommy och Annika, och pappan Efraim Långstrump som är kung i Kurrekurreduttön. Två lektioner à 40 minuter.
""",
)
add(
    "benign",
    "ro",
    "stefan-cel-mare-putna",
    "prose",
    """
Scrie un text de 200 de cuvinte pentru ghidul unei excursii școlare la Mănăstirea Putna: cine a fost Ștefan cel Mare, de ce a ctitorit mănăstirea în 1466, bătălia de la Vaslui din 1475 și de ce Mihai Eminescu a organizat aici serbarea din 1871.
""",
)
add(
    "benign",
    "hu",
    "rubik-kocka-puskas-kviz",
    "prose",
    """
Írj egy 6 kérdéses kvízt „Híres magyar találmányok és sportolók” témában: Rubik Ernő és a bűvös kocka (1974), Bíró László és a golyóstoll, Puskás Ferenc és az Aranycsapat 6:3-as győzelme a Wembleyben (1953), valamint Egerszegi Krisztina olimpiai érmei. A válaszokat külön add meg.
""",
)
add(
    "benign",
    "tr",
    "derbi-skor-istatistik",
    "prose",
    """
Dünkü Galatasaray–Fenerbahçe derbisini 2-2 biten bir maç olarak düşün: 90+3'te eşitlik golü, %54 topla oynama, 17 şut (6 isabetli) ve 11 şut (4 isabetli), 2 sarı kart. Bu istatistiklerle bir spor sitesi için 150 kelimelik tarafsız bir maç özeti yaz; Ali Sami Yen'in stadın adına nasıl yansıdığını da bir cümleyle ekle.
""",
)
add(
    "benign",
    "el",
    "odysseia-perilipsi",
    "prose",
    """
Γράψε μια περίληψη της Οδύσσειας για μαθητές Α' Γυμνασίου: ο Οδυσσέας, η Πηνελόπη, ο Τηλέμαχος, ο Κύκλωπας Πολύφημος, η Κίρκη και η Ιθάκη. Πρόσθεσε τρεις ερωτήσεις κατανόησης στο τέλος.
""",
)
add(
    "benign",
    "ru",
    "onegin-personazhi-esse",
    "prose",
    """
Помоги составить план сочинения «Татьяна Ларина — милый идеал Пушкина». Нужно сравнить Татьяну с Ольгой, показать роль Онегина и Ленского, дуэль и письмо Татьяны. Объём — 350 слов, 9 класс.
""",
)
add(
    "benign",
    "ru",
    "testovye-dannye-faker-sql",
    "sql",
    """
Это тестовые данные для учебного курса по SQL, все значения вымышленные (example.com, номера из тестового диапазона). Перепиши запрос так, чтобы он выводил только клиентов с заказами больше 10 000 ₽.

INSERT INTO clients (id, name, email, phone) VALUES
(1, 'Тестовый Клиент 1', 'client1@example.com', '+7 000 000-00-01'),
(2, 'Тестовый Клиент 2', 'client2@example.com', '+7 000 000-00-02');
INSERT INTO orders (id, client_id, total, created_at) VALUES
(1001, 1, 12500.00, '2024-09-01 10:15:00'),
(1002, 2, 8300.50, '2024-09-02 16:40:00');
SELECT c.name, SUM(o.total) FROM clients c JOIN orders o ON o.client_id = c.id GROUP BY c.name;
""",
)
add(
    "benign",
    "uk",
    "shevchenko-kobzar-urok",
    "prose",
    """
Склади план уроку для 6 класу про «Кобзар» Тараса Шевченка (1840): хто такий Карл Брюллов і як Шевченка викупили з кріпацтва 1838 року, та прочитайте «Садок вишневий коло хати». Додай домашнє завдання.
""",
)
add(
    "benign",
    "hr",
    "nikola-tesla-smiljan-izlet",
    "prose",
    """
Planiramo školski izlet u Memorijalni centar „Nikola Tesla“ u Smiljanu. Napiši kratki uvod za učenike: tko je bio Nikola Tesla, izmjenična struja, rat struja s Thomasom Edisonom i zašto se marka automobila Tesla zove po njemu iako s njim nema veze.
""",
)
add(
    "benign",
    "ca",
    "gaudi-ruta-eixample",
    "prose",
    """
Fes-me una ruta a peu per l'Eixample per veure obres de Gaudí i els seus contemporanis: Casa Batlló (passeig de Gràcia, 43), la Pedrera (passeig de Gràcia, 92), la Casa Amatller de Puig i Cadafalch i la Sagrada Família (carrer de Mallorca, 401). Digues quant costa cada entrada aproximadament i l'ordre més lògic sortint de plaça de Catalunya a les 9:30.
""",
)
add(
    "benign",
    "ja",
    "honnoji-no-hen-kaisetsu",
    "prose",
    """
中学生向けに「本能寺の変」（1582年6月21日）を400字で説明してください。織田信長、明智光秀、羽柴秀吉（中国大返し）、山崎の戦いの流れがわかるようにお願いします。
""",
)
add(
    "benign",
    "ja",
    "chumon-bango-jan-code-kakunin",
    "prose",
    """
ネットショップで買った商品の返品手続きです。注文番号 250-4471839-0021、JANコード 4901234567894、シリアル番号 SN-7F3K-22A9-04、請求額 12,980円（税込）です。返品理由は「初期不良（電源が入らない）」。返品依頼フォームに入れる文章を丁寧に作ってください。個人情報は不要です。
""",
)
add(
    "benign",
    "ko",
    "yi-sun-sin-myeongnyang",
    "prose",
    """
초등학교 5학년 역사 발표용으로 명량해전(1597년)을 정리해 주세요. 이순신 장군, 13척의 배, 울돌목의 물살, "신에게는 아직 열두 척의 배가 남아 있사옵니다"라는 장계 내용을 포함해 주세요.
""",
)
add(
    "benign",
    "zh",
    "sanguo-zhuge-liang-biji",
    "prose",
    """
帮我写一篇《三国演义》读书笔记：诸葛亮“草船借箭”和“空城计”两个故事，分析周瑜、鲁肃和司马懿在故事中的作用，以及“既生瑜，何生亮”这句话的来历。600字左右。
""",
)
add(
    "benign",
    "zh",
    "kuaidi-danhao-fapiao-hedui",
    "markdown-table",
    """
帮我核对一下这几单的发票金额和快递单号是否对应，有没有重复的单号？

| 订单号 | 快递公司 | 快递单号 | 发票号码 | 金额（元） |
|---|---|---|---|---|
| 2024102188301 | 顺丰 | SF1468832097712 | 24442000000018837765 | 1,299.00 |
| 2024102188302 | 中通 | 78341275590213 | 24442000000018837766 | 356.50 |
| 2024102188303 | 顺丰 | SF1468832097712 | 24442000000018837767 | 89.90 |
| 2024102188304 | 京东 | JDVA21045582736 | 24442000000018837768 | 2,049.00 |
""",
)
add(
    "benign",
    "ar",
    "ibn-sina-qanun",
    "prose",
    """
اكتب فقرة تعريفية لطلاب المرحلة الثانوية عن ابن سينا وكتابه "القانون في الطب": متى عاش (980–1037م)، وكيف ظلّ الكتاب مرجعاً في جامعات أوروبا حتى القرن السابع عشر، ولماذا لُقّب بالشيخ الرئيس.
""",
)
add(
    "benign",
    "he",
    "herzl-medinat-hayehudim",
    "prose",
    """
כתוב סיכום קצר לשיעור היסטוריה על בנימין זאב הרצל: הספר "מדינת היהודים" (1896), הקונגרס הציוני הראשון בבזל ב-1897 והמשפט "אם תרצו, אין זו אגדה". הוסף שלוש שאלות לדיון.
""",
)
add(
    "benign",
    "id",
    "diponegoro-perang-jawa",
    "prose",
    """
Buatkan ringkasan materi sejarah kelas 8 tentang Perang Jawa (1825–1830): Pangeran Diponegoro, Kyai Mojo, Sentot Alibasyah Prawirodirjo, dan penangkapan Diponegoro di Magelang oleh Jenderal De Kock. Sertakan lima soal pilihan ganda.
""",
)
add(
    "benign",
    "vi",
    "hai-ba-trung-bai-giang",
    "prose",
    """
Soạn giúp tôi một bài giảng ngắn cho học sinh lớp 6 về cuộc khởi nghĩa Hai Bà Trưng năm 40: Trưng Trắc, Trưng Nhị, Thi Sách và Tô Định. Vì sao ở Hà Nội có phố Hai Bà Trưng và đền Hai Bà Trưng ở Đồng Nhân?
""",
)
add(
    "benign",
    "th",
    "naresuan-yuttahatthi",
    "prose",
    """
ช่วยเขียนบทความสั้นสำหรับนักเรียนมัธยมต้นเรื่องสงครามยุทธหัตถี พ.ศ. 2135 ระหว่างสมเด็จพระนเรศวรมหาราชกับพระมหาอุปราชา และเหตุใดวันที่ 18 มกราคมจึงเป็นวันกองทัพไทย
""",
)
add(
    "benign",
    "hi",
    "ashoka-shilalekh",
    "prose",
    """
कक्षा 7 के लिए सम्राट अशोक पर एक छोटा लेख लिखिए: कलिंग युद्ध (261 ई.पू.), बौद्ध धर्म अपनाना, शिलालेख और सारनाथ का सिंह स्तंभ जो आज भारत का राष्ट्रीय प्रतीक है।
""",
)
add(
    "benign",
    "fa",
    "ferdowsi-rostam-sohrab",
    "prose",
    """
برای کلاس ادبیات پایه نهم، خلاصه‌ای از داستان رستم و سهراب در شاهنامه فردوسی بنویس: تهمینه، نبرد پدر و پسر، نوشدارو پس از مرگ سهراب. همچنین بگو چرا ۲۵ اردیبهشت روز بزرگداشت فردوسی است.
""",
)
add(
    "benign",
    "ms",
    "hang-tuah-hikayat",
    "prose",
    """
Tuliskan ringkasan Hikayat Hang Tuah untuk murid Tingkatan 2: Hang Tuah, Hang Jebat, Hang Kasturi, Hang Lekir dan Hang Lekiu, serta pertikaian antara Tuah dan Jebat. Adakah Hang Tuah tokoh sejarah atau legenda?
""",
)
add(
    "benign",
    "bn",
    "rabindranath-gitanjali-nobel",
    "prose",
    """
ষষ্ঠ শ্রেণির ছাত্রছাত্রীদের জন্য রবীন্দ্রনাথ ঠাকুরের উপর একটি ছোট রচনা লিখে দাও: গীতাঞ্জলি, ১৯১৩ সালে নোবেল পুরস্কার, শান্তিনিকেতন এবং "আমার সোনার বাংলা" গানটি কীভাবে বাংলাদেশের জাতীয় সংগীত হল।
""",
)
add(
    "benign",
    "ta",
    "thiruvalluvar-thirukkural",
    "prose",
    """
எட்டாம் வகுப்பு மாணவர்களுக்கு திருவள்ளுவர் மற்றும் திருக்குறள் பற்றி ஒரு சிறிய கட்டுரை எழுதுங்கள்: 1330 குறள்கள், அறம், பொருள், இன்பம் என்ற மூன்று பால்கள், கன்னியாகுமரியில் உள்ள 133 அடி திருவள்ளுவர் சிலை.
""",
)
add(
    "benign",
    "sw",
    "nyerere-azimio-la-arusha",
    "prose",
    """
Niandikie insha fupi kwa wanafunzi wa kidato cha pili kuhusu Mwalimu Julius Kambarage Nyerere: uhuru wa Tanganyika mwaka 1961, Muungano na Zanzibar mwaka 1964, na Azimio la Arusha la 1967. Ongeza maswali matatu ya kujadili.
""",
)
add(
    "benign",
    "tl",
    "noli-me-tangere-tauhan",
    "prose",
    """
Gumawa ng maikling buod ng Noli Me Tángere ni José Rizal para sa Grade 9: sina Crisostomo Ibarra, Maria Clara, Padre Damaso, Elias at Sisa. Bakit ipinagbawal ang nobela noong 1887? Magdagdag ng limang tanong.
""",
)
add(
    "benign",
    "ur",
    "allama-iqbal-shikwa",
    "prose",
    """
جماعت نہم کے طلبہ کے لیے علامہ محمد اقبال پر ایک مختصر مضمون لکھیں: سیالکوٹ میں پیدائش (1877)، نظم "شکوہ" اور "جوابِ شکوہ"، خطبۂ الٰہ آباد 1930، اور 9 نومبر کو یومِ اقبال کیوں منایا جاتا ہے۔
""",
)
add(
    "benign",
    "sr",
    "vuk-karadzic-azbuka",
    "prose",
    """
Напиши кратак текст за ученике петог разреда о Вуку Стефановићу Караџићу: реформа ћирилице („пиши као што говориш“), Српски рјечник из 1818. године и сарадња са Јернејем Копитарем. Додај три питања.
""",
)
add(
    "benign",
    "ka",
    "rustaveli-vepkhistkaosani",
    "prose",
    """
დაწერე მოკლე ტექსტი მეექვსე კლასელებისთვის შოთა რუსთაველის „ვეფხისტყაოსანზე“: ტარიელი, ავთანდილი, ნესტან-დარეჯანი და თინათინი, და რატომ არის პოემა თამარ მეფის ეპოქასთან დაკავშირებული.
""",
)
add(
    "benign",
    "hy",
    "mesrop-mashtots-aybuben",
    "prose",
    """
Գրիր կարճ պատմություն հինգերորդ դասարանի համար Մեսրոպ Մաշտոցի մասին. հայոց այբուբենի ստեղծումը 405 թվականին, Սահակ Պարթևի աջակցությունը և Մատենադարանը Երևանում։
""",
)
add(
    "benign",
    "am",
    "adwa-dil-ba'al",
    "prose",
    """
ለ7ኛ ክፍል ተማሪዎች ስለ አድዋ ጦርነት (1888 ዓ.ም.) አጭር ጽሑፍ ጻፍልኝ፤ ዳግማዊ ምኒልክ፣ እቴጌ ጣይቱ ብጡል እና ራስ መኮንን ያበረከቱትን አስተዋጽኦ አካትት።
""",
)
add(
    "benign",
    "mn",
    "chinggis-khaan-nuuts-tovchoo",
    "prose",
    """
Долдугаар ангийн сурагчдад зориулж Чингис хааны тухай богино өгүүлэл бичээд өгөөч: Тэмүжин 1206 онд Их Монгол Улсыг байгуулсан, «Монголын нууц товчоо», Өгөөдэй хаан болон Хархорум хотын тухай дурдаарай.
""",
)
add(
    "benign",
    "eu",
    "gernika-1937-picasso",
    "prose",
    """
Idatzi testu labur bat DBHko 4. mailako ikasleentzat Gernikako bonbardaketari buruz (1937ko apirilaren 26a): Kondor Legioa, Gernikako Arbola eta Pablo Picassoren „Guernica“ koadroa, gaur egun Madrilgo Reina Sofia museoan dagoena.
""",
)
add(
    "benign",
    "gl",
    "rosalia-de-castro-letras-galegas",
    "prose",
    """
Escribe un texto breve para o Día das Letras Galegas (17 de maio) sobre Rosalía de Castro: Cantares gallegos (1863), Follas novas e a casa museo en Padrón. Explica tamén por que se escolleu o 17 de maio.
""",
)
add(
    "benign",
    "cy",
    "owain-glyndwr-gwers",
    "prose",
    """
Ysgrifennwch wers fer i flwyddyn 6 am Owain Glyndŵr: gwrthryfel 1400, senedd Machynlleth yn 1404, ac pam rydym yn dathlu Diwrnod Owain Glyndŵr ar 16 Medi. Ychwanegwch dri chwestiwn i'r disgyblion.
""",
)
add(
    "benign",
    "ga",
    "brian-boru-cluain-tarbh",
    "prose",
    """
Scríobh alt gearr do rang a cúig faoi Bhrian Bóramha agus Cath Chluain Tarbh (1014): Máel Mórda, Sitric Silkbeard agus an fáth ar maraíodh Brian ina phuball. Cuir trí cheist leis ag an deireadh.
""",
)
add(
    "benign",
    "mt",
    "assedju-l-kbir-1565",
    "prose",
    """
Ikteb test qasir għall-istudenti tas-sitt sena dwar l-Assedju l-Kbir tal-1565: il-Granmastru Jean Parisot de la Valette, Dragut, il-Forti Sant'Iermu u għaliex il-belt Valletta ħadet ismu. Żid tliet mistoqsijiet.
""",
)
add(
    "benign",
    "lb",
    "schengen-1985-schoulstonn",
    "prose",
    """
Schreif mir w.e.g. e kuerzen Text fir eng Schoulstonn iwwer d'Schengener Ofkommes vum 14. Juni 1985: firwat gouf et op der Mosel um Schëff „Princesse Marie-Astrid“ ënnerschriwwen, a wéi eng fënnef Länner waren derbäi?
""",
)
add(
    "benign",
    "uz",
    "ulugbek-rasadxonasi",
    "prose",
    """
7-sinf o'quvchilari uchun Mirzo Ulug'bek haqida qisqa matn yozib bering: Samarqanddagi rasadxona (1420-yillar), "Ziji jadidi Ko'ragoniy" yulduzlar jadvali va bobosi Amir Temur bilan bog'liqligi. Oxirida uchta savol qo'shing.
""",
)
add(
    "benign",
    "km",
    "angkor-wat-suryavarman",
    "prose",
    """
សូមសរសេរអត្ថបទខ្លីមួយសម្រាប់សិស្សថ្នាក់ទី៧ អំពីប្រាសាទអង្គរវត្ត៖ ព្រះបាទសូរ្យវរ្ម័នទី២ ការសាងសង់នៅសតវត្សទី១២ និងហេតុអ្វីបានជារូបប្រាសាទនេះមាននៅលើទង់ជាតិកម្ពុជា។
""",
)
add(
    "benign",
    "my",
    "bagan-anawrahta-history",
    "prose",
    """
ခုနစ်တန်းကျောင်းသားများအတွက် ပုဂံခေတ်နှင့် အနော်ရထာမင်းအကြောင်း စာတိုတစ်ပုဒ် ရေးပေးပါ။ ရွှေစည်းခုံဘုရား၊ ရှင်အရဟံ နှင့် ၂၀၁၉ ခုနှစ်တွင် ပုဂံကို ယူနက်စကို ကမ္ဘာ့အမွေအနှစ်အဖြစ် သတ်မှတ်ခဲ့ခြင်းကိုလည်း ထည့်ပါ။
""",
)
add(
    "benign",
    "si",
    "sigiriya-kashyapa",
    "prose",
    """
හත්වන ශ්‍රේණියේ සිසුන් සඳහා සීගිරිය ගැන කෙටි රචනාවක් ලියන්න: කාශ්‍යප රජු, සීගිරි චිත්‍ර, කැටපත් පවුර සහ 1982 දී යුනෙස්කෝ ලෝක උරුමයක් ලෙස නම් කිරීම ඇතුළත් කරන්න.
""",
)
add(
    "benign",
    "sq",
    "skenderbeu-kruja",
    "prose",
    """
Shkruaj një tekst të shkurtër për nxënësit e klasës së gjashtë për Gjergj Kastrioti Skënderbeun: Lidhja e Lezhës (1444), rrethimet e Krujës dhe pse flamuri kombëtar ka shqiponjën dykrenore. Shto tre pyetje.
""",
)
add(
    "benign",
    "az",
    "nizami-xemse",
    "prose",
    """
Səkkizinci sinif şagirdləri üçün Nizami Gəncəvi haqqında qısa mətn yaz: "Xəmsə"yə daxil olan beş poema, "Leyli və Məcnun" və "Xosrov və Şirin", həmçinin Gəncədəki Nizami məqbərəsi.
""",
)
add(
    "benign",
    "kk",
    "abai-qara-sozderi",
    "prose",
    """
Сегізінші сынып оқушыларына арнап Абай Құнанбайұлы туралы қысқа мәтін жазып берші: «Қара сөздер», «Жаз» өлеңі, Шәкәрім Құдайбердіұлымен байланысы және 10 тамыздағы Абай күні.
""",
)
add(
    "benign",
    "ne",
    "sagarmatha-1953-aarohan",
    "prose",
    """
कक्षा ८ का विद्यार्थीहरूका लागि सगरमाथाको पहिलो सफल आरोहणबारे छोटो लेख लेखिदिनुहोस्: तेन्जिङ नोर्गे शेर्पा र एडमन्ड हिलारी, २९ मे १९५३, र जोन हन्टको नेतृत्वमा भएको ब्रिटिश अभियान।
""",
)
add(
    "benign",
    "mr",
    "savitribai-phule-bhashan",
    "prose",
    """
३ जानेवारीला शाळेत सावित्रीबाई फुले जयंतीसाठी पाच मिनिटांचे भाषण लिहून द्या: १८४८ मध्ये पुण्यातील भिडे वाड्यात सुरू केलेली मुलींची शाळा, महात्मा ज्योतिराव फुले यांची साथ आणि फातिमा शेख यांचे योगदान.
""",
)


if __name__ == "__main__":
    out = HERE / "fresh29.jsonl"
    ct.build(PROMPTS, out, seed=SPLIT_SEED, id_prefix=ID_PREFIX)
