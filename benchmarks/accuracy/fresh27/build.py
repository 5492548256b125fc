#!/usr/bin/env python3
"""Build the 'fresh27' privacy-filter evaluation corpus (twenty-seventh blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax of ``_corpus_tools.py``

    ⟦TYPE:value⟧           e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:…⟧   (CC = ISO alpha-2)

Values that must look machine-made (provider tokens, national ids with check
digits, IBANs, cards, private keys, JWTs) are written as generator slots
``⁅kind|arg|…⁆`` inside the markers and filled at build time from one
``random.Random(2727)``, in the order the slots appear in this file:

    ⁅id|CC|template⁆      national id: ``#`` a random digit, ``?`` a check
                          character searched until python-stdnum accepts it
    ⁅iban|CC|bban⁆        IBAN: ``#`` digit, ``A`` capital letter, rest literal
    ⁅card|prefix|layout⁆  Luhn-completed card number (``x`` = digit)
    ⁅r|alphabet|n⁆        n random characters (see ALPHABETS)
    ⁅b64|n⁆ / ⁅b64u|n⁆    n random bytes, base64 / base64url without padding
    ⁅jwt|alg|payload⁆     JWT-shaped token with a random signature
    ⁅rsa|bits|fmt⁆ ⁅ec|fmt⁆ ⁅ed|openssh|comment⁆ ⁅wg⁆ ⁅age⁆ ⁅uuid⁆

Modifiers at the end of a slot: ``esc`` (newlines as literal ``\\n``), ``indN``
(indent continuation lines by N spaces), ``@name`` (draw once, repeat with
``⁅@name⁆`` later in the same prompt).  Names, e-mails, phones, addresses,
dates and hand-typed passwords are literals.

The slot machinery follows the design of ``fresh26/build.py`` (re-typed, not
imported); the prompts are new.  ``_corpus_tools`` does the parsing, checks,
dev/test split (seed 2727) and statistics; ids are ``b-0001`` ….  Languages
the shared module does not list are added to its tables at run time (the
shared file is not edited).

Run:  python3 build.py [--stats]   (needs python-stdnum, phonenumbers, cryptography)
"""

import base64
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

SEED = 2727
SPLIT_SEED = 2727
ID_PREFIX = "b"

ct.LANGS.update(
    {"ja", "ko", "zh", "ar", "he", "id", "vi", "th", "hi", "bn", "ta", "sw", "tl", "fa", "ur", "sr", "ka"}
)
ct.LANG_REGIONS.update(
    {
        "en": (*ct.LANG_REGIONS["en"], "SG", "PH", "NG", "KE"),
        "ja": ("JP",),
        "ko": ("KR",),
        "zh": ("CN", "TW", "HK"),
        "ar": ("AE", "SA", "EG", "JO", "MA"),
        "he": ("IL",),
        "id": ("ID",),
        "vi": ("VN",),
        "th": ("TH",),
        "hi": ("IN",),
        "bn": ("BD", "IN"),
        "ta": ("IN", "LK"),
        "sw": ("KE", "TZ"),
        "tl": ("PH",),
        "fa": ("IR",),
        "ur": ("PK",),
        "sr": ("RS",),
        "ka": ("GE",),
    }
)

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
    "P": string.ascii_letters + string.digits + "!#%&*+-=?@^_",
}
CHECK_CHARS = string.digits + string.ascii_uppercase


def _id(cc, tpl):
    mods = ct.ID_VALIDATORS[cc]
    mods = mods if isinstance(mods, tuple) else (mods,)
    mods = [importlib.import_module(m) for m in mods]
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


def _is_probable_prime(n):
    if n < 4:
        return n in (2, 3)
    small = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    if any(n % p == 0 for p in small):
        return n in small
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
        c = RNG.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if _is_probable_prime(c):
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


def _age():
    return "AGE-SECRET-KEY-1" + "".join(RNG.choice("023456789ACDEFGHJKLMNPQRSTUVWXYZ") for _ in range(58))


def _draw(kind, args):
    if kind == "id":
        return _id(args[0], args[1])
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
    if kind == "age":
        return _age()
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
    "marina-berth-licence-renewal",
    "form",
    """
Can you turn this berth licence renewal into a short friendly reminder email? Keep the fee and the deadline.

HAMBLE POINT YACHT HAVEN — ANNUAL BERTH LICENCE 2026/27
Berth: C-41 (pontoon C, 10.5 m)
Licensee: Mr ⟦P:Rupert Ashworth-Kaye⟧
Joint licensee: Mrs ⟦P:Imogen Ashworth-Kaye⟧
Home address: ⟦A:The Old Granary, 3 Mill Lane, Bursledon, Southampton SO31 8AW⟧
Mobile: ⟦T:07712 448 903⟧   Email: ⟦E:rupert.ak@btinternet.com⟧
Vessel: "Halcyon Days" (Bavaria 34), SSR no. 148822 — not personal, it's the boat
Direct debit from: sort code 40-12-76, account ⟦ACC:71930452⟧
Licence fee: £5,184.00 incl. VAT, due by 31 March 2026
Note from office: ⟦P:Rupert⟧ asked for a berth nearer the gate after his ⟦MC:knee replacement⟧ — offered B-12 if it frees up.
""",
)
add(
    "pii",
    "en",
    "crematorium-booking-application",
    "form",
    """
I'm a funeral arranger. Please check this crematorium booking form for gaps before I send it to the bereavement office.

Application for Cremation — Form Cremation 1 (summary)
Deceased: ⟦P:Gwendoline Mary Pryce⟧
Date of birth: ⟦DOB:2 January 1937⟧   Date of death: 14 February 2026
NHS number: ⟦ID@GB:⁅id|GB|### ### ###?⁆⟧
Last address: ⟦A:Flat 6, Llys Glas, Heol y Gors, Swansea SA5 7LB⟧
Cause of death (from MCCD): 1a ⟦MC:bronchopneumonia⟧, 1b ⟦MC:Parkinson's disease⟧
Implanted devices: ⟦MC:pacemaker⟧ — removed by mortuary staff 15/02
Applicant (nearest relative): ⟦P:Huw Pryce⟧ (son), ⟦A:22 Clos Cilfig, Llanelli SA15 4DJ⟧, tel ⟦T:01554 775 310⟧
Service: Margam Crematorium, Chapel 1, Friday 27 Feb, 11:40 slot
Ashes: to be collected by ⟦P:Huw⟧
""",
)
add(
    "pii",
    "en",
    "faa-drone-registration-help",
    "prose",
    """
Hey, I'm registering my first drone with the FAA DroneZone and I'm confused which boxes are for recreational vs Part 107. Here's what I typed so far, does it look right?

Name: ⟦P:Tyler Okonjo-Marsh⟧
Physical address: ⟦A:4417 W Saguaro Trail, Tucson, AZ 85745⟧
Mailing address: same
Phone: ⟦T:(520) 318-6642⟧
Email: ⟦E:tokonjomarsh@outlook.com⟧
TRUST certificate no.: TRST-2026-88F (the free test)
DroneZone username: ⟦U:tyler_om_fpv⟧
Date of birth: ⟦DOB:08/27/2004⟧
Driver license (Arizona): ⟦DL:D07718264⟧

I also have ⟦MC:epilepsy⟧, well controlled on ⟦MED:Lamictal⟧ — do I have to declare that anywhere for recreational flying?
""",
)
add(
    "pii",
    "en",
    "bike-share-overcharge-dispute",
    "prose",
    """
Please help me write a firmer reply to this bike-share support thread. They charged me for a bike I docked.

> From: Dublinbikes Support <help@dublinbikes.ie>
> Hi ⟦P:Ciarán⟧, our records show bike 2187 was not docked at Station 32 (Pearse Street) until 23:41 on 9 Feb, so a €150 non-return charge was applied to the card on file.
>
>> On 10 Feb 2026, ⟦P:Ciarán Mac Suibhne⟧ <⟦E:ciaran.macsuibhne@gmail.com⟧> wrote:
>> I docked it at 18:05, the light went green. Account: ⟦ACC:DB-00418827⟧. Card: ⟦CC:⁅card|4|xxxx xxxx xxxx xxxx|@c⁆⟧. Phone ⟦T:086 204 7719⟧.

My reply draft: "I have a photo of the green light at 18:05 and my Strava shows me walking home from Pearse St. Refund the €150 to ⟦CC:⁅@c⁆⟧ or I'll raise a chargeback." — should I leave the full card number in or just say "my card"?
""",
)
add(
    "pii",
    "en",
    "lab-animal-allergy-occupational-form",
    "form",
    """
Our animal-ethics committee wants every named person on protocol AEC-2026-017 to have an occupational health clearance. Can you make a checklist from these entries of who is still missing something?

1. Principal investigator: Dr ⟦P:Harriet Oyelaran-Finch⟧, staff no. 004218, ⟦E:h.oyelaran-finch@uni-example.ac.uk⟧, ext 4471
   — declared ⟦MC:laboratory animal allergy⟧ (rats), uses ⟦MED:cetirizine⟧ before handling, FFP3 fitted
2. Research technician: ⟦P:Dominik Sroka⟧, ⟦E:d.sroka@uni-example.ac.uk⟧, mobile ⟦T:07455 902 118⟧
   — ⟦MC:asthma⟧, ⟦MED:Symbicort⟧ inhaler; spirometry booked 3 March
3. PhD student: ⟦P:Mei-Ling Castellanos⟧, ⟦E:m.castellanos2@uni-example.ac.uk⟧
   — pregnant (⟦MC:pregnancy⟧ declared 12 weeks) → no isoflurane work, no toxoplasma-positive cages
4. Named veterinary surgeon: ⟦P:Brendan Quaile⟧ MRCVS (external, Quaile & Hart Vets)
""",
)
add(
    "pii",
    "en",
    "hot-air-balloon-passenger-manifest",
    "csv",
    """
Pilot here. Turn this passenger CSV into a load chart grouped by basket compartment (max 4 per compartment, heaviest in the centre). Flag anyone the medical column says shouldn't fly.

booking,first_name,last_name,dob,weight_kg,mobile,medical
VB-44120,⟦P:Shannon⟧,⟦P:Pettigrew⟧,⟦DOB:14/06/1989⟧,64,⟦T:0412 558 301⟧,none
VB-44120,⟦P:Darcy⟧,⟦P:Pettigrew⟧,⟦DOB:02/11/1987⟧,91,⟦T:0412 558 302⟧,none
VB-44127,⟦P:Thi Lan⟧,⟦P:Nguyen⟧,⟦DOB:30/01/1958⟧,52,⟦T:0433 870 116⟧,⟦MC:osteoporosis⟧
VB-44131,⟦P:Bruce⟧,⟦P:Kettering⟧,⟦DOB:09/09/1949⟧,103,⟦T:(07) 3848 2091⟧,⟦MC:heart failure⟧ on ⟦MED:Entresto⟧
VB-44131,⟦P:Lorraine⟧,⟦P:Kettering⟧,⟦DOB:17/03/1952⟧,70,⟦T:(07) 3848 2091⟧,none
VB-44135,⟦P:Aiyana⟧,⟦P:Walsh⟧,⟦DOB:21/05/1996⟧,58,⟦T:0467 214 990⟧,⟦MC:pregnant⟧ 20 wks
""",
)
add(
    "pii",
    "en",
    "missing-neighbour-dementia-chat",
    "prose",
    """
Can you turn this neighbourhood WhatsApp thread into one clear post I can put on the community Facebook page? Keep his description and what he might need, drop the chit-chat.

[18:02] ⟦P:Sandra Kowalewski⟧: Has anyone seen ⟦P:Alf⟧ from no. 14? ⟦P:Alfred Pennington⟧, 84. Went out for the paper at 2 and hasn't come back
[18:03] ⟦P:Jas⟧: oh no. isn't he the one with ⟦MC:dementia⟧?
[18:04] ⟦P:Sandra Kowalewski⟧: yes, early ⟦MC:Alzheimer's⟧. Wearing a navy anorak and a flat cap. He hasn't had his ⟦MED:donepezil⟧ or his ⟦MED:insulin⟧ since lunch, he's ⟦MC:diabetic⟧
[18:05] ⟦P:Gary⟧ (no. 9): his daughter ⟦P:Lisa⟧ is on ⟦T:07931 660 248⟧, I've got it from the Christmas card
[18:07] ⟦P:Jas⟧: police know? address is ⟦A:14 Orchard Rise, Kidderminster DY10 2QP⟧ right
[18:07] ⟦P:Sandra Kowalewski⟧: yes ref given, ⟦P:Lisa⟧ rang 101
""",
)
add(
    "pii",
    "en",
    "watersure-dialysis-letter",
    "prose",
    """
Could you tidy up this letter to my water company? I want to get on the WaterSure Plus tariff because of home dialysis.

Dear Severn Trent,

Customer reference: ⟦ACC:8047 2216 9931⟧
Account holder: ⟦P:Parminder Kaur Gill⟧
Supply address: ⟦A:57 Brook Meadow Road, Walsall WS4 1JT⟧

I am writing to apply for WaterSure Plus. My husband, ⟦P:Jaswinder Singh Gill⟧ (date of birth ⟦DOB:19.04.1961⟧), has ⟦MC:end-stage kidney disease⟧ and has been on ⟦MC:home haemodialysis⟧ since November, which uses a lot of water. His renal unit at New Cross can confirm this; his hospital number is ⟦MRN:RL0448127⟧. We are also on Pension Credit.

Please contact me on ⟦T:01922 631 554⟧ or ⟦E:pkgill61@yahoo.co.uk⟧.

Yours faithfully,
⟦P:Parminder Gill⟧
""",
)
add(
    "pii",
    "en",
    "tow-impound-release",
    "prose",
    """
my car got towed from a private lot in Houston and the impound place wants all this emailed before release. can you format it as a short formal request?

owner: ⟦P:Destiny Alvarado-Hughes⟧, ⟦A:9207 Bissonnet St Apt 318, Houston, TX 77074⟧
TX driver license ⟦DL:41729908⟧, exp 2029
DOB ⟦DOB:03/15/1998⟧
cell ⟦T:832-555-0196⟧
vehicle: 2016 Honda Civic, plate MZV-4418, VIN 2HGFC2F59GH531207
tow ticket 26-01184, towed 2/21 at 01:12
payment will be on my debit card ⟦CC:⁅card|5|xxxx xxxx xxxx xxxx⁆⟧
also I'm picking up my ⟦MED:EpiPen⟧ and ⟦MED:Adderall⟧ that are in the glovebox, it's urgent bc of my ⟦MC:bee sting allergy⟧
""",
)
add(
    "pii",
    "en",
    "prenup-asset-schedule-nz",
    "markdown-table",
    """
Please check this schedule of separate property for our relationship property (contracting out) agreement under s21 — are the columns consistent and is anything obviously missing?

Parties: ⟦P:Aroha Tipene-Walsh⟧ (IRD ⟦ID@NZ:⁅id|NZ|1##-###-##?⁆⟧) and ⟦P:Callum Strachan⟧ (IRD ⟦ID@NZ:⁅id|NZ|1##-###-##?⁆⟧)

| owner | asset | identifier | value (NZD) |
|---|---|---|---|
| ⟦P:Aroha Tipene-Walsh⟧ | Māori land shares, Ngāti Porou block | — | 41,000 |
| ⟦P:Aroha Tipene-Walsh⟧ | KiwiSaver (Simplicity) | member ⟦ACC:SIM-2281904⟧ | 63,750 |
| ⟦P:Callum Strachan⟧ | rental at ⟦A:12 Kowhai Street, Hāwera 4610⟧ | title TNK4/1183 | 520,000 |
| ⟦P:Callum Strachan⟧ | ASB savings | ⟦ACC:12-3117-0428816-50⟧ | 18,200 |
| joint | 2019 Toyota Hilux | — | 29,000 |
""",
)
add(
    "pii",
    "en",
    "prison-commissary-deposit-log",
    "kv-log",
    """
Why are some of these commissary deposits failing? Summarise the failure reasons per inmate.

2026-02-18T09:14:02Z level=info event=deposit_attempt inmate_id=⟦ACC:TDCJ-02411876⟧ inmate_name="⟦P:RAMIREZ, LUIS⟧" depositor="⟦P:Marisol Ramirez⟧" depositor_email=⟦E:marisol.ramirez77@gmail.com⟧ amount=50.00 card_last4=4412 ip=⟦IP:99.143.27.208⟧ result=ok
2026-02-18T09:20:47Z level=warn event=deposit_attempt inmate_id=⟦ACC:TDCJ-02398810⟧ inmate_name="⟦P:BOUDREAUX, KEVIN⟧" depositor="⟦P:Tammy Boudreaux⟧" depositor_email=⟦E:tboudreaux.la@yahoo.com⟧ amount=200.00 card_last4=0093 ip=⟦IP:2600:1700:3e4a:90::1c⟧ result=declined reason=avs_mismatch
2026-02-18T09:21:30Z level=warn event=deposit_attempt inmate_id=⟦ACC:TDCJ-02398810⟧ inmate_name="⟦P:BOUDREAUX, KEVIN⟧" depositor="⟦P:Tammy Boudreaux⟧" depositor_email=⟦E:tboudreaux.la@yahoo.com⟧ amount=200.00 card_last4=0093 ip=⟦IP:2600:1700:3e4a:90::1c⟧ result=declined reason=over_weekly_limit
2026-02-18T09:40:12Z level=info event=health_check src=127.0.0.1 result=ok
""",
)
add(
    "pii",
    "en",
    "orthotics-insole-order-insert",
    "sql",
    """
This seed file for our podiatry lab's order system fails on the second row. What's wrong with it?

INSERT INTO insole_orders (order_ref, patient_name, dob, mrn, diagnosis, shoe_size_uk, clinician, contact_phone) VALUES
  ('ORT-26-0311', '⟦P:Lachlan Fitzgerald-Boyd⟧', '⟦DOB:1972-08-03⟧', '⟦MRN:MRN-7730418⟧', '⟦MC:plantar fasciitis⟧', 10.5, '⟦P:K. Amin⟧', '⟦T:0417 902 355⟧'),
  ('ORT-26-0312', '⟦P:Noor Haddad⟧', '⟦DOB:1964-13-02⟧', '⟦MRN:MRN-7729951⟧', '⟦MC:diabetic neuropathy⟧; ⟦MC:Charcot foot⟧ (left), 7, '⟦P:K. Amin⟧', '⟦T:0402 118 764⟧'),
  ('ORT-26-0313', '⟦P:Ethan Brierley⟧', '⟦DOB:2011-02-27⟧', '⟦MRN:MRN-7731102⟧', '⟦MC:flat feet⟧', 6, '⟦P:S. Lowe⟧', '⟦T:(02) 6248 1930⟧');
""",
)
add(
    "pii",
    "en",
    "esports-travel-roster-yaml",
    "yaml",
    """
Our org is flying the Valorant roster to Berlin for a LAN. Can you convert this YAML to a table for the travel agent, and tell me which passports expire within 6 months of the event (event: 2026-05-14)?

team: Kestrel Gaming
players:
  - handle: ⟦U:zyphr⟧
    legal_name: ⟦P:Jonah Adeyemi-Clarke⟧
    dob: ⟦DOB:2003-10-02⟧
    passport: ⟦PASS:561284730⟧
    passport_expiry: 2026-09-30
    phone: "⟦T:+44 7481 226 913⟧"
  - handle: ⟦U:mochii⟧
    legal_name: ⟦P:Park Ha-eun⟧
    dob: ⟦DOB:2005-01-19⟧
    passport: ⟦PASS:M73920184⟧
    passport_expiry: 2031-01-11
    phone: "⟦T:+82 10-4417-2093⟧"
  - handle: ⟦U:ReedLumen⟧
    legal_name: ⟦P:Reed Halvorsen⟧
    dob: ⟦DOB:2002-06-25⟧
    passport: ⟦PASS:FP4418263⟧
    passport_expiry: 2026-11-02
    phone: "⟦T:+47 924 18 306⟧"
    notes: "⟦MC:type 1 diabetes⟧ — carries ⟦MED:Fiasp⟧ pens, needs cooler bag letter"
""",
)
add(
    "pii",
    "en",
    "cpap-cloud-export-json",
    "json",
    """
I'm building a dashboard for our sleep clinic. Which fields in this CPAP cloud export do I actually need for a compliance chart (usage hours per night)? Show me a trimmed JSON.

{
  "patient": {
    "name": "⟦P:Odette Marchetti-Lowe⟧",
    "dob": "⟦DOB:1968-11-23⟧",
    "mrn": "⟦MRN:SLP-0094417⟧",
    "email": "⟦E:odette.ml@icloud.com⟧",
    "phone": "⟦T:+1 604 555 0148⟧",
    "diagnosis": "⟦MC:obstructive sleep apnoea⟧ (AHI 38)"
  },
  "device": {"model": "AirSense 11 AutoSet", "serial": "23231748902", "firmware": "SX585-0300"},
  "nights": [
    {"date": "2026-02-10", "usage_min": 402, "ahi": 2.1, "leak_95": 14.0},
    {"date": "2026-02-11", "usage_min": 0, "ahi": null, "leak_95": null},
    {"date": "2026-02-12", "usage_min": 377, "ahi": 3.4, "leak_95": 21.6}
  ]
}
""",
)
add(
    "pii",
    "en",
    "wage-garnishment-api-post",
    "http",
    """
Our payroll vendor's API is rejecting this garnishment order with a 422. Can you spot the field that's wrong?

POST /v2/employees/E-55102/garnishments HTTP/1.1
Host: api.payroll-vendor.example
Content-Type: application/json
Authorization: Bearer <redacted by me>

{
  "employee_name": "⟦P:Terrence L. Whitcombe⟧",
  "ssn": "⟦ID@US:⁅id|US|###-##-####⁆⟧",
  "home_address": "⟦A:611 Rosewood Ct, Bowling Green, KY 42101⟧",
  "type": "child_support",
  "case_number": "FOC-2025-DR-00718",
  "obligee": "⟦P:Kayla Whitcombe⟧",
  "remit_to_account": "⟦ACC:0048812207⟧",
  "amount_per_period": "412.50",
  "start_date": "2026-03-06"
}
""",
)
add(
    "pii",
    "en",
    "hospice-bereavement-call-list",
    "markdown-table",
    """
I coordinate bereavement follow-up calls for our hospice. Rewrite this table so each volunteer gets their own list, sorted by 'call by' date.

| bereaved | relationship | patient (deceased) | phone | call by | volunteer | note |
|---|---|---|---|---|---|---|
| ⟦P:Maureen Tuckwell⟧ | wife | ⟦P:Dennis Tuckwell⟧ | ⟦T:01603 417 288⟧ | 3 Mar | ⟦P:Pat⟧ | he had ⟦MC:motor neurone disease⟧; she has ⟦MC:macular degeneration⟧, call don't text |
| ⟦P:Femi Adebowale⟧ | son | ⟦P:Grace Adebowale⟧ | ⟦T:07398 220 146⟧ | 5 Mar | ⟦P:Lorna⟧ | works nights, call after 2pm |
| ⟦P:Kerry-Ann Blyth⟧ | daughter | ⟦P:Ronald Blyth⟧ | ⟦T:07802 551 930⟧ | 5 Mar | ⟦P:Pat⟧ | she's on ⟦MED:sertraline⟧, GP aware — signpost to Cruse |
""",
)
add(
    "pii",
    "en",
    "headstone-inscription-order",
    "prose",
    """
Proofread this headstone order before I pay the deposit. I want to be sure the dates are right.

Customer: ⟦P:Shauna Delacey⟧, ⟦A:41 Riverbank Crescent, Ennis, Co. Clare V95 K7R2⟧, ⟦T:+353 65 682 4417⟧, ⟦E:shauna.delacey@eircom.net⟧
Plot: Drumcliff Cemetery, section F, row 9

Inscription:
  In loving memory of
  ⟦P:THOMAS (TOMMY) DELACEY⟧
  born ⟦DOB:11th May 1944⟧ — died 2nd December 2025
  and his wife
  ⟦P:NORA DELACEY⟧ (née ⟦P:Considine⟧)
  born ⟦DOB:23rd August 1947⟧ — died 19th June 2019
  Ar dheis Dé go raibh a n-anamacha

Deposit €1,200 by card ⟦CC:⁅card|4|xxxxxxxxxxxxxxxx⁆⟧, exp 08/28.
""",
)
add(
    "pii",
    "en",
    "in-ration-card-member-addition",
    "prose",
    """
Please draft an application to the Food & Civil Supplies office, Hyderabad, to add my wife and newborn son to our ration card.

Ration card no.: ⟦ACC:WAP0418822709⟧
Head of family: ⟦P:Srinivas Reddy Kothapalli⟧, Aadhaar ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧
Wife: ⟦P:Lavanya Kothapalli⟧ (née ⟦P:Bommireddy⟧), Aadhaar ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧, DOB ⟦DOB:04-07-1995⟧ — her name was removed from her parents' card in Nalgonda
Son: ⟦P:Aarav Kothapalli⟧, born ⟦DOB:12-01-2026⟧ at Fernandez Hospital, birth certificate applied
Address: ⟦A:H.No. 8-3-229/14, Yousufguda, Hyderabad 500045⟧
Mobile: ⟦T:98490 61732⟧
""",
)
add(
    "pii",
    "en",
    "za-sassa-foster-grant-chat",
    "prose",
    """
Can you summarise this chat with a social worker into a to-do list for me?

Social worker (Ms ⟦P:Ndlovu⟧): Morning Mrs ⟦P:Mahlangu⟧. For the foster child grant for ⟦P:Lwazi⟧ I need his ID number and yours.
Me: ⟦P:Lwazi⟧ is ⟦ID@ZA:⁅id|ZA|1405125###08?⁆⟧, born ⟦DOB:12 May 2014⟧. Mine is ⟦ID@ZA:⁅id|ZA|7103020###08?⁆⟧.
Social worker: Thank you. The court order from Soshanguve children's court must be certified. Is he still on the ⟦MED:Ritalin⟧ for his ⟦MC:ADHD⟧?
Me: Yes, clinic card is ⟦MRN:GP-22170948⟧. We moved, new address is ⟦A:1187 Tsamaya Ave, Mamelodi East, Pretoria 0122⟧.
Social worker: Noted. Call me on ⟦T:072 418 3307⟧ if SASSA asks anything. — ⟦P:Zanele Ndlovu⟧
""",
)
# ---------------------------------------------------------------------------
# pii — other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "fr",
    "licence-parachutisme-inscription",
    "form",
    """
Peux-tu vérifier que ce dossier d'inscription au club de parachutisme est complet avant que je l'envoie ? Le club demande le certificat médical de non contre-indication.

FICHE ADHÉRENT — Para-Club de l'Aube, saison 2026
Nom : ⟦P:LECLERCQ⟧   Prénom : ⟦P:Maëlle⟧
Née le : ⟦DOB:07/11/1993⟧ à Troyes
N° de sécurité sociale : ⟦ID@FR:⁅id|FR|2 93 11 10 387 ### ??⁆⟧
Adresse : ⟦A:12 bis rue des Trévois, 10000 Troyes⟧
Portable : ⟦T:06 48 20 71 93⟧ — courriel : ⟦E:maelle.leclercq93@laposte.net⟧
Personne à prévenir : ⟦P:Bastien Royer⟧ (compagnon), ⟦T:07 61 33 08 42⟧
Antécédents déclarés : ⟦MC:asthme d'effort⟧ (⟦MED:Ventoline⟧ si besoin), ⟦MC:entorse de la cheville⟧ droite en 2024
Licence FFP demandée : brevet A, assurance individuelle accident option 2
""",
)
add(
    "pii",
    "de",
    "schuelerbefoerderung-antrag",
    "form",
    """
Kannst du mir helfen, die Begründung in diesem Antrag auf Übernahme der Schülerbeförderungskosten besser zu formulieren? Der Rest soll so bleiben.

Antragstellerin: ⟦P:Katrin Oberländer⟧
Anschrift: ⟦A:Lindenstraße 48, 34131 Kassel⟧
Telefon: ⟦T:0561 7390 4418⟧, E-Mail: ⟦E:k.oberlaender@gmx.de⟧
Steuer-ID: ⟦ID@DE:⁅id|DE|##########?⁆⟧
Kind: ⟦P:Jonas Oberländer⟧, geb. ⟦DOB:22.08.2015⟧, Klasse 5b, Förderschule Schwerpunkt geistige Entwicklung
Begründung (Entwurf): ⟦P:Jonas⟧ hat eine ⟦MC:Autismus-Spektrum-Störung⟧ und eine ⟦MC:Epilepsie⟧ (Notfallmedikament ⟦MED:Buccolam⟧ muss mitfahren), er kann den Linienbus nicht allein nutzen. Wir beantragen den Schülerspezialverkehr mit Begleitperson.
Bankverbindung für Erstattungen: ⟦IBAN:⁅iban|DE|##################⁆⟧
""",
)
add(
    "pii",
    "es",
    "reclamacion-aerolinea-silla-ruedas",
    "prose",
    """
¿Me ayudas a redactar una reclamación formal a la aerolínea? Me rompieron la silla de ruedas eléctrica en el vuelo Santiago–Madrid.

Datos:
- Pasajera: ⟦P:Francisca Inostroza Valdebenito⟧, RUT chileno ⟦ID@CL:⁅id|CL|##.###.###-?⁆⟧, NIE ⟦ID@ES:⁅id|ES|Y#######?⁆⟧
- Domicilio en España: ⟦A:Calle de Embajadores 112, 3.º B, 28012 Madrid⟧
- Teléfono: ⟦T:+34 634 20 87 15⟧
- Correo: ⟦E:fran.inostroza@gmail.com⟧
- Tengo ⟦MC:esclerosis múltiple⟧ y sin la silla no puedo salir de casa. Parte de irregularidad (PIR): MADIB41827.
- Mi hermana ⟦P:Constanza⟧ me acompañaba y firmó el PIR conmigo.
Pido el reembolso del alquiler de una silla (480 €) y la reparación.
""",
)
add(
    "pii",
    "it",
    "iscrizione-corso-vela",
    "form",
    """
Mi controlli il modulo d'iscrizione al corso di vela? Voglio essere sicura che il certificato medico sia indicato bene.

Circolo Velico Lago di Bracciano — Corso base derive, giugno 2026
Cognome e nome: ⟦P:Bianchetti Giulia⟧
Nata a Bologna il ⟦DOB:14/03/1979⟧
Codice fiscale: ⟦ID@IT:⁅id|IT|BNCGLI79C54A944?⁆⟧
Residenza: ⟦A:Via Flaminia Vecchia 618, 00191 Roma⟧
Cellulare: ⟦T:347 218 9904⟧
Email: ⟦E:giulia.bianchetti79@libero.it⟧
Certificato medico non agonistico: rilasciato dal dott. ⟦P:Sergio Pennacchi⟧ il 02/02/2026
Note sanitarie: ⟦MC:ipotiroidismo⟧ in terapia con ⟦MED:Eutirox⟧; ⟦MC:allergia alle punture di vespa⟧
Contatto d'emergenza: ⟦P:Marco Ferrante⟧ ⟦T:333 840 1276⟧
""",
)
add(
    "pii",
    "pt",
    "recurso-multa-biblioteca",
    "prose",
    """
Pode reescrever este recurso contra a multa da biblioteca num tom mais educado?

À Biblioteca Mário de Andrade,
Eu, ⟦P:Thaís Albuquerque Nogueira⟧, CPF ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧, carteirinha de leitor nº ⟦ACC:0007418826⟧, venho contestar a multa de R$ 86,40 pelo atraso na devolução de 4 livros. Fiquei internada de 3 a 24 de janeiro por ⟦MC:pneumonia⟧ (tenho o atestado do Hospital das Clínicas) e não tinha como devolver. Moro na ⟦A:Rua Treze de Maio, 1280, apto 54, Bela Vista, São Paulo - SP, 01327-000⟧. Telefone ⟦T:(11) 98437-2210⟧, e-mail ⟦E:thais.nogueira@uol.com.br⟧.
Atenciosamente, ⟦P:Thaís⟧
""",
)
add(
    "pii",
    "nl",
    "valpartij-tram-schadeclaim",
    "prose",
    """
Kun je van dit verhaal een nette schadeclaim maken voor het GVB? Ik ben gevallen toen de tram hard remde.

Ik ben ⟦P:Wilhelmina (Mien) Brouwer-Tjoe⟧, geboren ⟦DOB:3 mei 1951⟧, BSN ⟦ID@NL:⁅id|NL|########?⁆⟧. Op 11 februari om 16.20 uur stond ik in lijn 17 richting Osdorp en bij de halte Marnixstraat remde de bestuurder ineens. Ik viel tegen een paal en had een ⟦MC:gebroken pols⟧ en een ⟦MC:hersenschudding⟧. Ik gebruik ⟦MED:acenocoumarol⟧ dus de blauwe plekken waren erg. Mijn adres is ⟦A:Baarsjesweg 221-3, 1057 HM Amsterdam⟧, telefoon ⟦T:06-41882097⟧. Schadevergoeding graag op ⟦IBAN:⁅iban|NL|ABNA##########⁆⟧ t.n.v. ⟦P:W. Brouwer-Tjoe⟧. Getuige: ⟦P:Ruben de Graaf⟧, ⟦T:06-28736514⟧.
""",
)
add(
    "pii",
    "pl",
    "umowa-najmu-miejsca-postojowego",
    "form",
    """
Sprawdź proszę tę umowę najmu miejsca postojowego w garażu podziemnym — czy czegoś nie brakuje w danych stron?

Wynajmujący: ⟦P:Grzegorz Wiatrowski⟧, PESEL ⟦ID@PL:⁅id|PL|68021######⁆⟧, zam. ⟦A:ul. Kołłątaja 17/4, 31-502 Kraków⟧, tel. ⟦T:602 418 773⟧
Najemca: ⟦P:Aleksandra Ryś-Mazur⟧, PESEL ⟦ID@PL:⁅id|PL|92112######⁆⟧, zam. ⟦A:ul. Lubicz 23/118, 31-503 Kraków⟧, tel. ⟦T:519 204 886⟧, e-mail ⟦E:ola.rys.mazur@wp.pl⟧
Przedmiot: miejsce nr 47, poziom -2, budynek przy ul. Lubicz 23
Czynsz: 450 zł miesięcznie, płatny na rachunek ⟦IBAN:⁅iban|PL|########################⁆⟧ do 10. dnia miesiąca
Najemca oświadcza, że posiada kartę parkingową osoby niepełnosprawnej (⟦MC:stwardnienie rozsiane⟧) i potrzebuje miejsca przy windzie.
""",
)
add(
    "pii",
    "sv",
    "elsparkcykel-skadeanmalan",
    "prose",
    """
Hjälp mig formulera en skadeanmälan till försäkringsbolaget. Jag körde omkull på en hyrd elsparkcykel när bromsen inte tog.

Namn: ⟦P:Linnea Åkerblom⟧
Personnummer: ⟦ID@SE:⁅id|SE|960823-###?⁆⟧
Adress: ⟦A:Tegnérgatan 14, 113 58 Stockholm⟧
Mobil: ⟦T:070-318 44 92⟧
E-post: ⟦E:linnea.akerblom@hotmail.se⟧
Händelse: 14 feb ca 22.30 vid Odenplan, Voi-konto ⟦U:linnea.akb⟧, resa-ID 7f3c-22a1 (bara appens referens)
Skada: ⟦MC:fraktur på vänster armbåge⟧, gipsad på S:t Görans akut, fick ⟦MED:Alvedon⟧ och ⟦MED:Oxynorm⟧
Vittne: ⟦P:Oskar Lindqvist⟧, ⟦T:073-522 10 86⟧
""",
)
add(
    "pii",
    "da",
    "friplads-sfo-ansoegning",
    "form",
    """
Kan du hjælpe mig med at skrive begrundelsen kortere i min ansøgning om økonomisk friplads i SFO?

Ansøger: ⟦P:Mette Søndergaard Lund⟧, CPR ⟦ID@DK:⁅id|DK|150386-####⁆⟧
Adresse: ⟦A:Nørregade 31, 2. th., 8000 Aarhus C⟧
Telefon: ⟦T:28 41 77 09⟧
Barn: ⟦P:Alfred Søndergaard Lund⟧, CPR ⟦ID@DK:⁅id|DK|020918-####⁆⟧, går i 2.B på Skjoldhøjskolen
Husstandsindkomst 2025: 298.400 kr.
Begrundelse: Jeg er enlig forsørger og har været sygemeldt siden oktober med ⟦MC:stress⟧ og ⟦MC:depression⟧, og jeg får ⟦MED:sertralin⟧. Min indkomst er derfor faldet meget.
""",
)
add(
    "pii",
    "no",
    "skjenkebevilling-bryllup",
    "form",
    """
Kan du se over søknaden om skjenkebevilling for en enkelt anledning? Kommunen vil ha styrer og stedfortreder med fødselsnummer.

Arrangement: bryllupsfest på Håkonshallen låve, Voss, lørdag 13. juni 2026, ca. 110 gjester
Ansvarlig søker/styrer: ⟦P:Sindre Haugland⟧, fødselsnr. ⟦ID@NO:⁅id|NO|040889#####⁆⟧, ⟦A:Uttrågata 22, 5700 Voss⟧, tlf. ⟦T:976 41 208⟧, e-post ⟦E:sindre.haugland@online.no⟧
Stedfortreder: ⟦P:Ingrid Vestrheim⟧, fødselsnr. ⟦ID@NO:⁅id|NO|170291#####⁆⟧, tlf. ⟦T:412 88 350⟧
Skjenketid: 18.00–01.00, alkoholgruppe 1–3
Merknad: ⟦P:Ingrid⟧ er ⟦MC:gravid⟧ og drikker ikke, så hun passer på baren.
""",
)
add(
    "pii",
    "fi",
    "omakanta-reseptin-uusiminen",
    "prose",
    """
Voisitko muotoilla tämän viestin terveysasemalle selkeämmäksi? Haluan uusia äidin reseptit, hän ei osaa käyttää OmaKantaa.

Hei,
pyydän uusimaan äitini ⟦P:Raili Kärkkäisen⟧ (hetu ⟦ID@FI:⁅id|FI|120346-###?⁆⟧) reseptit: ⟦MED:Marevan⟧, ⟦MED:Bisoprolol⟧ ja ⟦MED:Furesis⟧. Hänellä on ⟦MC:eteisvärinä⟧ ja ⟦MC:sydämen vajaatoiminta⟧, INR-arvot on otettu viimeksi 9.2. Minulla on häneltä valtakirja puolesta-asiointiin. Äidin osoite on ⟦A:Puistokatu 9 B 14, 70110 Kuopio⟧.
Minut tavoittaa numerosta ⟦T:040 718 2265⟧.
Ystävällisin terveisin
⟦P:Tiina Kärkkäinen-Heikura⟧
""",
)
add(
    "pii",
    "cs",
    "svatba-mimo-obradni-sin",
    "form",
    """
Můžeš mi zkontrolovat žádost o uzavření manželství mimo obřadní síň? Matrika chce údaje obou snoubenců.

Snoubenka: ⟦P:Kristýna Vávrová⟧, rodné číslo ⟦ID@CZ:⁅id|CZ|875614/###?⁆⟧, narozena ⟦DOB:14. 6. 1987⟧ v Jihlavě, trvalý pobyt ⟦A:Husova 1187/22, 586 01 Jihlava⟧
Snoubenec: ⟦P:Ondřej Pospíšil⟧, rodné číslo ⟦ID@CZ:⁅id|CZ|850109/###?⁆⟧, narozen ⟦DOB:9. 1. 1985⟧ v Třebíči, trvalý pobyt ⟦A:Masarykovo nám. 4, 674 01 Třebíč⟧
Kontaktní telefon: ⟦T:731 402 558⟧, e-mail: ⟦E:kristyna.vavrova@seznam.cz⟧
Místo obřadu: zahrada penzionu U Rybníka, Velký Beranov, 22. 8. 2026 ve 14:00
Svědci: ⟦P:Lucie Horká⟧, ⟦P:Tomáš Vávra⟧
""",
)
add(
    "pii",
    "sk",
    "prepis-vozidla-po-umrti",
    "prose",
    """
Pomôž mi napísať žiadosť na dopravný inšpektorát o prepis auta po otcovi, dedičské konanie už skončilo.

Som ⟦P:Peter Hudák⟧, rodné číslo ⟦ID@SK:⁅id|SK|831127/###?⁆⟧, bytom ⟦A:Hlavná 58, 080 01 Prešov⟧, tel. ⟦T:0905 418 227⟧. Môj otec ⟦P:Ján Hudák⟧ (r. č. ⟦ID@SK:⁅id|SK|580902/###?⁆⟧) zomrel 3. decembra 2025 na ⟦MC:rakovinu pľúc⟧. Podľa osvedčenia o dedičstve som zdedil vozidlo Škoda Octavia, EČV PO-418DK. Vodičský preukaz mám č. ⟦DL:EK093417⟧.
""",
)
add(
    "pii",
    "ro",
    "inchiriere-sala-parastas",
    "form",
    """
Te rog să verifici contractul ăsta de închiriere a sălii pentru pomana de 40 de zile. Vreau să știu dacă e ok clauza cu avansul.

Beneficiar: ⟦P:Elena-Cristina Dumitrescu⟧, CNP ⟦ID@RO:⁅id|RO|290031741###?⁆⟧, domiciliată în ⟦A:Str. Fabricii nr. 14, bl. C3, sc. 2, ap. 27, Sector 6, București⟧
Telefon: ⟦T:0723 418 096⟧
În memoria: ⟦P:Gheorghe Dumitrescu⟧ (tatăl), decedat la 9 ianuarie 2026
Data: sâmbătă, 21 februarie 2026, ora 13:00, Sala „Trandafirul”, 60 de persoane
Avans: 1.500 lei în contul ⟦IBAN:⁅iban|RO|BTRLRONCRT0########A⁆⟧
Meniu: post (sarmale de post, colivă); mama are ⟦MC:diabet⟧, vă rugăm desert fără zahăr.
""",
)
add(
    "pii",
    "hu",
    "vitorlas-vizsga-jelentkezes",
    "form",
    """
Átnéznéd ezt a jelentkezési lapot a balatoni kishajó-vezetői vizsgára? Szerintem rossz helyre írtam az anyja nevét.

Név: ⟦P:Kovácsné Szalai Enikő⟧
Születési név: ⟦P:Szalai Enikő⟧
Anyja neve: ⟦P:Tóth Margit⟧
Születési hely, idő: Veszprém, ⟦DOB:1982. 04. 19.⟧
Lakcím: ⟦A:8230 Balatonfüred, Petőfi Sándor utca 31.⟧
Telefon: ⟦T:+36 30 418 2297⟧
E-mail: ⟦E:eniko.kovacsne@freemail.hu⟧
Egészségügyi nyilatkozat: ⟦MC:színtévesztés⟧ (vörös-zöld), szemüveget hordok
Vizsga: 2026. május 9., Siófok
""",
)
add(
    "pii",
    "el",
    "karta-metakinisis-amea",
    "form",
    """
Μπορείς να ελέγξεις αν η αίτηση για την κάρτα μετακίνησης ΑμεΑ είναι σωστά συμπληρωμένη;

Ονοματεπώνυμο: ⟦P:Σταυρούλα Κατσαρού⟧
Όνομα πατρός: ⟦P:Νικόλαος⟧
Ημερομηνία γέννησης: ⟦DOB:17/05/1982⟧
ΑΜΚΑ: ⟦ID@GR:⁅id|GR|170582####?⁆⟧
Διεύθυνση: ⟦A:Αγίου Δημητρίου 84, 54633 Θεσσαλονίκη⟧
Κινητό: ⟦T:694 718 2250⟧
Email: ⟦E:stavroula.katsarou@yahoo.gr⟧
Πάθηση: ⟦MC:ρευματοειδής αρθρίτιδα⟧, ποσοστό αναπηρίας 67% (ΚΕΠΑ)
Φάρμακα: ⟦MED:Humira⟧, ⟦MED:Methotrexate⟧
""",
)
add(
    "pii",
    "tr",
    "aidat-itiraz-dilekcesi",
    "prose",
    """
Apartman yönetimine vereceğim itiraz dilekçesini düzeltir misin? Aidatı iki kez tahsil etmişler.

Sayın Yönetim Kurulu,
Ben ⟦P:Zeynep Aydoğdu⟧, T.C. Kimlik No ⟦ID@TR:⁅id|TR|2########??⁆⟧, ⟦A:Çiçek Sitesi B Blok Daire 12, Bağdat Caddesi No: 204, Kadıköy/İstanbul⟧ adresinde oturuyorum. Ocak 2026 aidatı (1.850 TL) hesabımdan iki kez çekildi. İadenin ⟦IBAN:⁅iban|TR|00062000041###########⁆⟧ numaralı hesabıma yapılmasını rica ederim. Annem ⟦P:Hatice Aydoğdu⟧ ⟦MC:KOAH⟧ hastası olduğu için asansör bakımının da hızlandırılmasını istiyorum.
Tel: ⟦T:0532 418 77 06⟧
⟦P:Zeynep Aydoğdu⟧
""",
)
add(
    "pii",
    "ru",
    "fitnes-vychet-zayavlenie",
    "form",
    """
Помоги составить заявление в фитнес-клуб на справку для налогового вычета за спорт (за 2025 год).

Генеральному директору ООО «Атлант-Спорт»
от ⟦P:Гавриловой Дарьи Сергеевны⟧
ИНН ⟦ID@RU:⁅id|RU|7704######??⁆⟧
паспорт ⟦PASS:45 17 382914⟧
адрес: ⟦A:г. Москва, ул. Профсоюзная, д. 61, кв. 148⟧
тел. ⟦T:+7 916 482-19-07⟧, e-mail ⟦E:d.gavrilova@yandex.ru⟧
Прошу выдать справку об оплате физкультурно-оздоровительных услуг за 2025 год (абонемент № 11842, 42 600 руб.). Абонемент был заморожен с 1 по 30 июня по медицинской справке (⟦MC:грыжа межпозвонкового диска⟧).
""",
)
add(
    "pii",
    "uk",
    "posvidchennia-bahatoditnoi-simi",
    "form",
    """
Перевір, будь ласка, заяву на посвідчення батьків багатодітної сім'ї — чи все правильно з датами народження дітей?

Заявниця: ⟦P:Мельничук Оксана Василівна⟧, РНОКПП ⟦ID@UA:⁅id|UA|32399###4?⁆⟧, дата народження ⟦DOB:14.09.1988⟧
Чоловік: ⟦P:Мельничук Андрій Петрович⟧, РНОКПП ⟦ID@UA:⁅id|UA|28946###3?⁆⟧, дата народження ⟦DOB:02.04.1979⟧
Діти: ⟦P:Софія⟧ (⟦DOB:30.07.2012⟧), ⟦P:Максим⟧ (⟦DOB:11.02.2016⟧), ⟦P:Марта⟧ (⟦DOB:05.10.2021⟧)
Адреса: ⟦A:м. Житомир, вул. Велика Бердичівська, 47, кв. 9⟧
Телефон: ⟦T:067 418 2093⟧
Примітка: у ⟦P:Максима⟧ ⟦MC:цукровий діабет 1 типу⟧, потрібна окрема довідка для пільг.
""",
)
add(
    "pii",
    "lt",
    "dviracio-vagyste-pranesimas",
    "prose",
    """
Padėk parašyti pranešimą policijai apie pavogtą dviratį, kad būtų aiškiau.

Aš, ⟦P:Gintarė Petrauskienė⟧, asmens kodas ⟦ID@LT:⁅id|LT|4890623###?⁆⟧, gyvenanti ⟦A:Savanorių pr. 176-42, LT-03154 Vilnius⟧, pranešu, kad 2026-02-16 apie 19 val. iš laiptinės prie mano namų buvo pavogtas dviratis „Cube Touring“ (rėmo nr. WAC41827H, nuotrauka pridedama). Dviratis man reikalingas, nes dėl ⟦MC:epilepsijos⟧ negaliu vairuoti automobilio. Tel. ⟦T:+370 612 48 830⟧, el. paštas ⟦E:gintare.petrauskiene@gmail.com⟧.
""",
)
add(
    "pii",
    "lv",
    "bibliotekas-soda-atcelsana",
    "prose",
    """
Lūdzu, palīdzi uzrakstīt pieklājīgu iesniegumu bibliotēkai, lai atceļ kavējuma naudu.

Rīgas Centrālajai bibliotēkai
Iesniedzējs: ⟦P:Mārtiņš Kalniņš⟧, personas kods ⟦ID@LV:⁅id|LV|230771-1###?⁆⟧
Lasītāja karte: ⟦ACC:RCB-0041887⟧
Adrese: ⟦A:Brīvības iela 144-17, Rīga, LV-1012⟧, tālr. ⟦T:29 418 306⟧
Lūdzu atcelt kavējuma naudu 12,60 EUR, jo no 2025. gada 1. novembra līdz 20. decembrim biju slimnīcā ar ⟦MC:insultu⟧ un grāmatas nevarēju nodot. Izraksts pievienots.
""",
)
add(
    "pii",
    "et",
    "koolitoit-allergia-avaldus",
    "form",
    """
Kas saad seda koolile saadetavat avaldust lihtsamaks teha? Tahan, et söökla arvestaks poja dieediga.

Lapsevanem: ⟦P:Kadri Tamm⟧, isikukood ⟦ID@EE:⁅id|EE|4840312###?⁆⟧, tel ⟦T:5348 2217⟧, e-post ⟦E:kadri.tamm@gmail.com⟧
Õpilane: ⟦P:Rasmus Tamm⟧, isikukood ⟦ID@EE:⁅id|EE|5150423###?⁆⟧, 5.b klass, Tartu Kivilinna kool
Aadress: ⟦A:Riia tn 117-8, 50411 Tartu⟧
Diagnoos: ⟦MC:tsöliaakia⟧ ja ⟦MC:pähkliallergia⟧ (anafülaksia 2023), koolis on ⟦MED:EpiPen Jr⟧
Palun gluteenivaba toitu alates 2. märtsist.
""",
)
add(
    "pii",
    "ja",
    "fukugyo-mynumber-teishutsu",
    "form",
    """
副業先から「報酬の支払調書作成のためマイナンバーを提出してください」と言われました。以下の内容でメールを送って大丈夫か、文面を整えてください。

件名：マイナンバー提出の件（⟦P:佐々木 遥⟧）
株式会社ルミナ 経理ご担当者様
いつもお世話になっております。デザイン業務を担当している⟦P:佐々木遥⟧です。
氏名：⟦P:佐々木 遥⟧（ささき はるか）
生年月日：⟦DOB:1991年7月23日⟧
個人番号：⟦ID@JP:⁅id|JP|#### #### ###?⁆⟧
住所：⟦A:〒160-0022 東京都新宿区新宿5丁目14番3号 ヴェルデ新宿402⟧
電話：⟦T:090-4182-7730⟧
振込先：三井住友銀行 新宿西口支店 普通 ⟦ACC:7418203⟧
番号確認書類として通知カードの写しを添付します。
""",
)
add(
    "pii",
    "ko",
    "eorinijip-tuyak-uiroeseo",
    "form",
    """
어린이집에 낼 투약의뢰서랑 실손보험 청구 메모를 같이 정리해 줘. 선생님이 보기 쉽게 표로 만들어 주면 좋겠어.

원아명: ⟦P:김서윤⟧ (햇살반)
생년월일: ⟦DOB:2020년 3월 15일⟧
증상: ⟦MC:중이염⟧, 미열
약 종류: ⟦MED:오구멘틴⟧ 시럽 4ml, ⟦MED:부루펜⟧ 시럽 (38도 이상일 때만)
투약 시간: 점심 식후 12:30
보관: 냉장
보호자: ⟦P:이지현⟧ (엄마) ⟦T:010-4418-2073⟧
실손보험 청구용 아이 주민등록번호: ⟦ID@KR:⁅id|KR|200315-4#####?⁆⟧
""",
)
add(
    "pii",
    "zh",
    "chongdianzhuang-shenqing",
    "form",
    """
帮我把这份小区电动车充电桩安装申请改得正式一点，物业说要写清楚车位和联系方式。

申请人：⟦P:王晓婷⟧
身份证号：⟦ID@CN:⁅id|CN|31010419880415###?⁆⟧
住址：⟦A:上海市徐汇区漕溪北路398弄7号1203室⟧
手机：⟦T:138 1742 6608⟧
车位：地下二层 B2-117（产权车位）
车辆：比亚迪海豹，车牌 沪AD41827
备注：本人有⟦MC:腰椎间盘突出⟧，希望安装在靠近电梯的一侧。紧急联系人：⟦P:陈志远⟧ ⟦T:139 1620 8841⟧
""",
)
add(
    "pii",
    "ar",
    "hajz-qaat-aza",
    "prose",
    """
ساعدني في صياغة رسالة تأكيد حجز قاعة العزاء بشكل لائق وموجز.

السادة إدارة قاعة النخيل للمناسبات،
نؤكد حجز القاعة لاستقبال المعزين في وفاة المرحوم ⟦P:سالم عبدالله الكتبي⟧ لمدة ثلاثة أيام ابتداءً من يوم الأحد. المسؤول عن الحجز: ⟦P:خالد سالم الكتبي⟧، هاتف ⟦T:050 418 2276⟧، البريد ⟦E:khaled.alketbi@gmail.com⟧، العنوان ⟦A:فيلا 27، شارع 14، حي المشرف، أبوظبي⟧.
تم تحويل العربون إلى حسابكم من الحساب ⟦IBAN:⁅iban|AE|033################⁆⟧.
نرجو توفير كراسي متحركة لوالدتي ⟦P:مريم⟧ لأنها تعاني من ⟦MC:هشاشة العظام⟧.
""",
)
add(
    "pii",
    "he",
    "hanacha-arnona",
    "prose",
    """
תעזור לי לנסח בקשה להנחה בארנונה לעיריית חיפה? זה הטיוטה שלי:

שמי ⟦P:אורית בן-שושן⟧, ת"ז ⟦ID@IL:⁅id|IL|########?⁆⟧, ואני גרה ב⟦A:רחוב מסדה 41 דירה 6, חיפה⟧. מספר הנכס בארנונה ⟦ACC:20418837⟧. אני מבקשת הנחה בשל נכות רפואית של 75% (⟦MC:טרשת נפוצה⟧), אישור ביטוח לאומי מצורף. אני מטופלת ב⟦MED:אוקרבוס⟧ פעמיים בשנה ברמב"ם.
טלפון: ⟦T:052-418-7736⟧, מייל: ⟦E:orit.benshoshan@walla.co.il⟧
""",
)
add(
    "pii",
    "hi",
    "railway-concession-card",
    "prose",
    """
कृपया रेलवे दिव्यांगजन रियायत कार्ड के लिए यह आवेदन औपचारिक भाषा में लिख दीजिए।

सेवा में, मंडल रेल प्रबंधक, लखनऊ
मैं ⟦P:रमेश चंद्र तिवारी⟧, जन्म तिथि ⟦DOB:05/08/1976⟧, आधार संख्या ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧, निवासी ⟦A:मकान नं. 14/227, इंदिरा नगर, लखनऊ 226016⟧, ⟦MC:दृष्टिबाधित⟧ (100% ⟦MC:अंधापन⟧) हूँ। मुझे एस्कॉर्ट के साथ यात्रा हेतु रियायत कार्ड चाहिए। मेरे साथ मेरा बेटा ⟦P:अंकित तिवारी⟧ यात्रा करेगा।
मोबाइल: ⟦T:94154 82207⟧
""",
)
add(
    "pii",
    "bn",
    "roktodan-club-talika",
    "markdown-table",
    """
আমাদের রক্তদান ক্লাবের এই তালিকাটা রক্তের গ্রুপ অনুযায়ী সাজিয়ে দাও, আর কার শেষ রক্তদান ৪ মাসের বেশি আগে সেটা দেখাও।

| নাম | গ্রুপ | মোবাইল | শেষ রক্তদান | মন্তব্য |
|---|---|---|---|---|
| ⟦P:তানভীর আহমেদ⟧ | O+ | ⟦T:01711-418206⟧ | ১২ অক্টোবর ২০২৫ | — |
| ⟦P:নুসরাত জাহান⟧ | B+ | ⟦T:01819-274403⟧ | ৩ জানুয়ারি ২০২৬ | ⟦MC:রক্তস্বল্পতা⟧, আয়রন ট্যাবলেট খাচ্ছে |
| ⟦P:সৌরভ দাশগুপ্ত⟧ | AB− | ⟦T:01552-908317⟧ | ২০ আগস্ট ২০২৫ | ⟦E:sourav.dasgupta@gmail.com⟧ |
| ⟦P:ফারহানা ইসলাম⟧ | A+ | ⟦T:01914-660182⟧ | — | ⟦MC:থ্যালাসেমিয়া বাহক⟧, রক্ত দিতে পারবে না |
""",
)
add(
    "pii",
    "ta",
    "kovil-thirumana-mandapam",
    "form",
    """
கோவில் திருமண மண்டப முன்பதிவு படிவத்தை சரிபார்த்து, விடுபட்ட விவரங்களைச் சொல்லுங்கள்.

மணமகன்: ⟦P:கார்த்திகேயன் சுப்பிரமணியன்⟧, பிறந்த தேதி ⟦DOB:14-02-1994⟧, ஆதார் ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧
மணமகள்: ⟦P:பிரியதர்ஷினி ராஜேந்திரன்⟧, பிறந்த தேதி ⟦DOB:09-11-1996⟧, ஆதார் ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧
முகவரி: ⟦A:12, வடக்கு மாசி வீதி, மதுரை 625001⟧
கைபேசி: ⟦T:98421 70356⟧
முகூர்த்த தேதி: 2026 ஏப்ரல் 23, காலை 9.00–10.30
""",
)
add(
    "pii",
    "th",
    "bairabrong-phaet-bai-khap-khi",
    "form",
    """
ช่วยตรวจแบบฟอร์มใบรับรองแพทย์สำหรับทำใบขับขี่ให้หน่อย ว่ากรอกส่วนของผู้ขอถูกไหม

ชื่อ-สกุล: นางสาว⟦P:พิมพ์ชนก ศรีสวัสดิ์⟧
เลขประจำตัวประชาชน: ⟦ID@TH:⁅id|TH|1-####-#####-##-?⁆⟧
วันเกิด: ⟦DOB:12 มีนาคม 2540⟧
ที่อยู่: ⟦A:88/14 หมู่ 3 ต.สุเทพ อ.เมืองเชียงใหม่ จ.เชียงใหม่ 50200⟧
โทรศัพท์: ⟦T:081 418 2275⟧
ประวัติโรคประจำตัว: ⟦MC:ลมชัก⟧ (หยุดชักมาแล้ว 3 ปี) ใช้ยา ⟦MED:Depakine⟧
""",
)
add(
    "pii",
    "vi",
    "don-hoan-nghia-vu-quan-su",
    "prose",
    """
Bạn viết lại giúp mình lá đơn xin tạm hoãn nghĩa vụ quân sự cho đúng thể thức nhé.

Kính gửi: Hội đồng nghĩa vụ quân sự quận Hoàng Mai
Tôi tên là ⟦P:Nguyễn Đức Minh⟧, sinh ngày ⟦DOB:18/06/2006⟧, thường trú tại ⟦A:số 27 ngõ 145 phố Tân Mai, phường Tân Mai, quận Hoàng Mai, Hà Nội⟧, điện thoại ⟦T:0912 418 736⟧.
Tôi xin tạm hoãn vì đang điều trị ⟦MC:lao phổi⟧ tại Bệnh viện Phổi Trung ương (dùng ⟦MED:Rifampicin⟧), có giấy xác nhận kèm theo. Bố tôi là ông ⟦P:Nguyễn Văn Hùng⟧ cũng đang bị ⟦MC:suy thận⟧.
""",
)
add(
    "pii",
    "id",
    "klaim-asuransi-motor",
    "form",
    """
Tolong rapikan formulir klaim asuransi motor ini, saya bingung bagian kronologinya.

Nama tertanggung: ⟦P:Dewi Lestari Pangaribuan⟧
NIK: ⟦ID@ID:⁅id|ID|327305520892####⁆⟧
No. SIM C: ⟦DL:9208 4417 0031⟧
Alamat: ⟦A:Jl. Cihampelas No. 118, RT 04/RW 07, Cipaganti, Coblong, Bandung 40131⟧
HP/WA: ⟦T:0812-2418-7730⟧
No. polis: ⟦ACC:MTR-26-0418827⟧
Kronologi: tanggal 14 Feb 2026 motor saya diserempet mobil di Jl. Dago, saya jatuh dan ⟦MC:tulang selangka patah⟧, dirawat di RS Borromeus.
""",
)
add(
    "pii",
    "tl",
    "barangay-blotter-reklamo",
    "prose",
    """
Pakiayos po itong reklamo ko para sa barangay blotter, gusto ko pormal pero malinaw.

Ako si ⟦P:Rowena Dela Cruz Bautista⟧, nakatira sa ⟦A:Blk 12 Lot 7, Phase 2, Brgy. San Isidro, Antipolo City, Rizal⟧, cellphone ⟦T:0917 418 2206⟧. Nirereklamo ko ang kapitbahay naming si ⟦P:Ramil Santiago⟧ dahil gabi-gabi ang videoke hanggang alas-dos ng madaling-araw. Ang nanay kong si ⟦P:Lourdes Bautista⟧ ay may ⟦MC:altapresyon⟧ at ⟦MC:insomnia⟧, at tumaas ang BP niya kahit umiinom ng ⟦MED:losartan⟧.
""",
)
add(
    "pii",
    "sw",
    "fomu-sacco-uanachama",
    "form",
    """
Naomba unisaidie kuhakiki fomu hii ya kujiunga na SACCO kabla ya kuiwasilisha.

Jina kamili: ⟦P:Wanjiru Achieng Otieno⟧
Tarehe ya kuzaliwa: ⟦DOB:03/09/1990⟧
Nambari ya simu (M-Pesa): ⟦T:0722 418 306⟧
Barua pepe: ⟦E:wanjiru.otieno90@gmail.com⟧
Anwani: ⟦A:Kilimani, Argwings Kodhek Road, Nyumba Na. 14, Nairobi⟧
Mrithi (next of kin): ⟦P:Brian Otieno Odhiambo⟧ (mume), simu ⟦T:0733 902 418⟧
Nambari ya akaunti ya benki: ⟦ACC:1180294417⟧ (Equity Bank)
Akiba ya kila mwezi: KSh 5,000
""",
)
add(
    "pii",
    "fa",
    "darkhast-vam-ezdevaj",
    "form",
    """
لطفاً این فرم درخواست وام ازدواج را بررسی کن و بگو کدام قسمت‌ها ناقص است.

نام و نام خانوادگی: ⟦P:سارا محمدی‌نژاد⟧
نام پدر: ⟦P:حسین⟧
تاریخ تولد: ⟦DOB:۱۳۷۴/۰۶/۱۲⟧
نام همسر: ⟦P:امیرحسین کاظمی⟧
تاریخ تولد همسر: ⟦DOB:۱۳۷۱/۱۱/۰۳⟧
نشانی: ⟦A:تهران، خیابان شریعتی، کوچه گلستان، پلاک ۱۴، واحد ۷⟧
تلفن همراه: ⟦T:0912 418 2207⟧
شماره حساب: ⟦ACC:0103842719008⟧ بانک ملی
""",
)
add(
    "pii",
    "ur",
    "baitulmal-ilaj-darkhwast",
    "prose",
    """
براہ کرم یہ درخواست پاکستان بیت المال کو علاج کی مالی امداد کے لیے بہتر اردو میں لکھ دیں۔

جناب ڈائریکٹر صاحب،
میں ⟦P:نسرین بی بی⟧ زوجہ ⟦P:محمد اسلم⟧، شناختی کارڈ نمبر ⟦ID@PK:⁅id|PK|35202-#######-4⁆⟧، رہائش ⟦A:مکان نمبر 27، گلی نمبر 4، گلشن راوی، لاہور⟧، عرض کرتی ہوں کہ میرے شوہر کو ⟦MC:گردوں کا فیل ہونا⟧ ہے اور ہفتے میں دو بار ⟦MC:ڈائیلاسز⟧ ہوتا ہے۔ مالی حالات کی وجہ سے علاج جاری رکھنا مشکل ہے۔
رابطہ نمبر: ⟦T:0300 4182279⟧
""",
)
add(
    "pii",
    "sr",
    "prijava-stete-poplava",
    "form",
    """
Можеш ли да провериш ову пријаву штете од поплаве за општинску комисију? Хоћу да буде јасно шта је оштећено.

Подносилац: ⟦P:Драган Милошевић⟧
Адреса: ⟦A:Улица Карађорђева 48, 14000 Ваљево⟧
Телефон: ⟦T:064 418 2297⟧
Е-пошта: ⟦E:dragan.milosevic@gmail.com⟧
Број текућег рачуна за исплату: ⟦ACC:160-0000000418273-45⟧
Опис штете: поплављен подрум и приземље (око 40 cm воде), уништен котао и намештај.
Напомена: у кући живи и мајка ⟦P:Милица⟧ која је ⟦MC:непокретна⟧ после ⟦MC:можданог удара⟧.
""",
)
add(
    "pii",
    "ka",
    "sadazghvevo-ganatskhadi",
    "form",
    """
გთხოვ, გადახედე ამ სამედიცინო დაზღვევის განაცხადს და მითხარი, რა აკლია.

სახელი, გვარი: ⟦P:ნინო ბერიძე⟧
დაბადების თარიღი: ⟦DOB:22.04.1989⟧
მისამართი: ⟦A:თბილისი, ჭავჭავაძის გამზირი 37, ბინა 12⟧
ტელეფონი: ⟦T:+995 599 41 82 27⟧
ელფოსტა: ⟦E:nino.beridze89@gmail.com⟧
ქრონიკული დაავადებები: ⟦MC:ბრონქული ასთმა⟧, ვიღებ ⟦MED:სერეტიდს⟧
""",
)
# ---------------------------------------------------------------------------
# cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "airflow-dag-snowflake-slack",
    "code",
    r"""
This Airflow DAG works locally but the scheduler says the connection is missing in prod. Why?

from airflow import DAG
from airflow.providers.snowflake.operators.snowflake import SnowflakeOperator
from airflow.providers.slack.notifications.slack_webhook import send_slack_webhook_notification
import snowflake.connector, pendulum

SF_USER = "ETL_LOADER"
SF_PASSWORD = "⟦S:Vq7#tLm2!pWx9rZe⟧"
SLACK_HOOK = "⟦K:https://hooks.slack.com/services/T⁅r|U|8⁆/B⁅r|U|10⁆/⁅r|A|24⁆⟧"

with DAG("nightly_orders", start_date=pendulum.datetime(2026, 1, 1), schedule="0 2 * * *", catchup=False) as dag:
    load = SnowflakeOperator(task_id="load", sql="CALL load_orders()", snowflake_conn_id="sf_prod")
""",
)
add(
    "cred",
    "en",
    "algolia-reindex-node",
    "code",
    r"""
My reindex script hits "Method not allowed with this API key". Is it the key type?

// scripts/reindex.mjs
import algoliasearch from "algoliasearch";
const client = algoliasearch("Q7RZ4K2M1T", "⟦K:⁅r|H|32⁆⟧"); // admin key from dashboard
const index = client.initIndex("products_prod");
const records = JSON.parse(await fs.readFile("./export.json", "utf8"));
await index.replaceAllObjects(records, { autoGenerateObjectIDIfNotExist: true });
""",
)
add(
    "cred",
    "en",
    "sveltekit-r2-upload",
    "code",
    r"""
Uploading to Cloudflare R2 from a SvelteKit endpoint gives SignatureDoesNotMatch. Here's the file:

// src/routes/api/upload/+server.ts
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";

const r2 = new S3Client({
  region: "auto",
  endpoint: "https://8c1f4a2be09d47e3a61f0c5d2b7e9a13.r2.cloudflarestorage.com",
  credentials: {
    accessKeyId: "⟦K:⁅r|H|32⁆⟧",
    secretAccessKey: "⟦K:⁅r|H|64⁆⟧",
  },
});

export async function POST({ request }) {
  const form = await request.formData();
  const file = form.get("file") as File;
  await r2.send(new PutObjectCommand({ Bucket: "avatars", Key: file.name, Body: Buffer.from(await file.arrayBuffer()) }));
  return new Response("ok");
}
""",
)
add(
    "cred",
    "en",
    "go-vonage-sms-otp",
    "code",
    r"""
Can you add retries with backoff to this Go function that sends OTP SMS via Vonage?

package notify

const (
	vonageKey    = "⟦K:⁅r|L|8⁆⟧"
	vonageSecret = "⟦K:⁅r|A|16⁆⟧"
)

func SendOTP(to, code string) error {
	form := url.Values{"api_key": {vonageKey}, "api_secret": {vonageSecret}, "from": {"Acme"}, "to": {to}, "text": {"Your code is " + code}}
	resp, err := http.PostForm("https://rest.nexmo.com/sms/json", form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return nil
}
""",
)
add(
    "cred",
    "en",
    "rust-cohere-rerank",
    "code",
    r"""
Rust question: how do I avoid cloning the documents Vec in this rerank call?

use reqwest::Client;
use serde_json::json;

const COHERE_KEY: &str = "⟦K:⁅r|A|40⁆⟧";

pub async fn rerank(q: &str, docs: Vec<String>) -> anyhow::Result<serde_json::Value> {
    let body = json!({"model": "rerank-v3.5", "query": q, "documents": docs.clone(), "top_n": 5});
    let res = Client::new()
        .post("https://api.cohere.com/v2/rerank")
        .bearer_auth(COHERE_KEY)
        .json(&body)
        .send().await?;
    Ok(res.json().await?)
}
""",
)
add(
    "cred",
    "en",
    "javamail-ses-smtp",
    "code",
    r"""
JavaMail keeps failing with "535 Authentication Credentials Invalid" against SES. I created SMTP credentials in the console yesterday.

Properties props = new Properties();
props.put("mail.smtp.host", "email-smtp.eu-west-1.amazonaws.com");
props.put("mail.smtp.port", "587");
props.put("mail.smtp.starttls.enable", "true");
props.put("mail.smtp.auth", "true");

Session session = Session.getInstance(props, new Authenticator() {
    protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication("⟦K:AKIA⁅r|U|16⁆⟧", "⟦K:BM⁅r|S|42⁆⟧");
    }
});
""",
)
add(
    "cred",
    "en",
    "csharp-service-bus",
    "code",
    r"""
Why does this Azure Service Bus consumer stop receiving after ~5 minutes?

var connectionString = "Endpoint=sb://contoso-orders-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=⟦K:⁅r|S|43⁆=⟧";
await using var client = new ServiceBusClient(connectionString);
ServiceBusProcessor processor = client.CreateProcessor("orders", new ServiceBusProcessorOptions { AutoCompleteMessages = false });
processor.ProcessMessageAsync += async args => {
    Console.WriteLine(args.Message.Body.ToString());
    await args.CompleteMessageAsync(args.Message);
};
await processor.StartProcessingAsync();
""",
)
add(
    "cred",
    "en",
    "php-woocommerce-rest",
    "code",
    r"""
I'm syncing stock from our ERP to WooCommerce. The batch update returns 401 on the live site but works on staging — what's different?

<?php
require __DIR__ . '/vendor/autoload.php';
use Automattic\WooCommerce\Client;

$woo = new Client(
    'https://shop.heronwoodteas.co.uk',
    '⟦K:ck_⁅r|H|40⁆⟧',
    '⟦K:cs_⁅r|H|40⁆⟧',
    ['version' => 'wc/v3', 'query_string_auth' => true]
);
$woo->post('products/batch', ['update' => $updates]);
""",
)
add(
    "cred",
    "en",
    "ruby-postmark-rake",
    "code",
    r"""
Refactor this rake task so it sends in batches of 500 instead of one by one.

# lib/tasks/digest.rake
require "postmark"

task :weekly_digest => :environment do
  client = Postmark::ApiClient.new("⟦K:⁅uuid⁆⟧")
  User.where(digest: true).find_each do |u|
    client.deliver(from: "digest@parcelpigeon.app", to: u.email, subject: "Your week", html_body: DigestRenderer.new(u).html)
  end
end
""",
)
add(
    "cred",
    "en",
    "kotlin-adyen-checkout",
    "code",
    r"""
Kotlin/Ktor backend: Adyen /sessions returns 403 "Not allowed". Is the header name right?

val adyenApiKey = "⟦K:AQE⁅r|A|12⁆+⁅r|A|40⁆/⁅r|A|30⁆=-⁅r|A|40⁆⟧"

suspend fun createSession(amountMinor: Long, ref: String): HttpResponse =
    client.post("https://checkout-test.adyen.com/v71/sessions") {
        header("X-API-Key", adyenApiKey)
        contentType(ContentType.Application.Json)
        setBody(mapOf("merchantAccount" to "TidewaterECOM", "amount" to mapOf("currency" to "EUR", "value" to amountMinor), "reference" to ref, "returnUrl" to "tidewater://checkout"))
    }
""",
)
add(
    "cred",
    "en",
    "swift-plaid-link-test",
    "code",
    r"""
This XCTest for our Plaid link-token call is flaky. Any idea why?

final class PlaidServiceTests: XCTestCase {
    let clientID = "⁅r|H|24⁆"
    let secret = "⟦K:⁅r|H|30⁆⟧"

    func testCreateLinkToken() async throws {
        let svc = PlaidService(clientID: clientID, secret: secret, env: .sandbox)
        let token = try await svc.createLinkToken(userID: "user-test-1")
        XCTAssertTrue(token.hasPrefix("link-sandbox-"))
    }
}
""",
)
add(
    "cred",
    "en",
    "redis-cli-history",
    "command",
    r"""
I ran these on the cache box and now the app can't connect. What did I break?

  411  redis-cli -h 10.20.4.18 -p 6379 -a '⟦S:kL9$wq2vT!rz84Mn⟧' CONFIG SET requirepass '⟦S:Tq4#n8Zp!cW2mLr7⟧'
  412  redis-cli -h 10.20.4.18 -a '⟦S:Tq4#n8Zp!cW2mLr7⟧' CONFIG REWRITE
  413  sudo systemctl restart redis-server
  414  curl -u ⟦U:mhollis⟧:⟦S:Blackwater-Kettle-92⟧ https://grafana.int.example/api/health
""",
)
add(
    "cred",
    "en",
    "powershell-exchange-online",
    "code",
    r"""
This scheduled PowerShell script to export mailbox sizes fails with "AADSTS50076". Does it need MFA exclusion?

$User = "⟦E:svc-reports@fenwickdental.com⟧"
$Pass = ConvertTo-SecureString "⟦S:Fenw1ck!Reports#2026⟧" -AsPlainText -Force
$Cred = New-Object System.Management.Automation.PSCredential($User, $Pass)
Connect-ExchangeOnline -Credential $Cred -ShowBanner:$false
Get-EXOMailbox -ResultSize Unlimited | Get-EXOMailboxStatistics | Select DisplayName,TotalItemSize | Export-Csv C:\Reports\mbx.csv -NoTypeInformation
""",
)
add(
    "cred",
    "en",
    "terraform-github-fastly",
    "code",
    r"""
terraform plan wants to recreate the Fastly service every time. Here's main.tf, what's causing the diff?

provider "github" {
  owner = "ridgeline-labs"
  token = "⟦K:ghp_⁅r|A|36⁆⟧"
}

provider "fastly" {
  api_key = "⟦K:⁅r|B|32⁆⟧"
}

resource "fastly_service_vcl" "docs" {
  name = "docs-prod"
  domain { name = "docs.ridgeline.dev" }
  backend { address = "ridgeline-docs.pages.dev", name = "pages", port = 443, use_ssl = true }
  force_destroy = true
}
""",
)
add(
    "cred",
    "en",
    "dockerfile-sentry-sourcemaps",
    "code",
    r"""
The image build works but the final image is 1.4 GB. Can you turn this into a multi-stage build?

FROM node:20
WORKDIR /app
ENV NPM_TOKEN=⟦K:npm_⁅r|A|36⁆⟧
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc
COPY . .
RUN npm ci && npm run build
ENV SENTRY_AUTH_TOKEN=⟦K:sntrys_⁅b64u|96⁆⟧
RUN npx @sentry/cli sourcemaps upload --org harbour-labs --project web ./dist
CMD ["node", "dist/server.js"]
""",
)
add(
    "cred",
    "en",
    "gitlab-ci-sonar-snyk",
    "yaml",
    r"""
Our GitLab pipeline runs the security stage twice. Can you restructure it with `needs:`?

variables:
  SONAR_HOST_URL: "https://sonar.corp.tidewell.io"
  SONAR_TOKEN: "⟦K:squ_⁅r|H|40⁆⟧"
  SNYK_TOKEN: "⟦K:⁅uuid⁆⟧"

stages: [build, test, security]

sonar:
  stage: security
  image: sonarsource/sonar-scanner-cli:5
  script: sonar-scanner -Dsonar.projectKey=tidewell-api

snyk:
  stage: security
  image: snyk/snyk:node
  script: snyk test --severity-threshold=high
""",
)
add(
    "cred",
    "en",
    "k8s-secret-rabbitmq-elastic",
    "yaml",
    r"""
kubectl apply says "data: Invalid value" on this Secret. What's wrong?

apiVersion: v1
kind: Secret
metadata:
  name: ingest-worker
  namespace: telemetry
type: Opaque
stringData:
  RABBITMQ_URL: "amqps://ingest:⟦S:r8Lx!2vQm#94TzPe⟧@rabbit.telemetry.svc:5671/prod"
  ELASTIC_API_KEY: "⟦K:⁅b64|44⁆⟧"
data:
  REDIS_PASSWORD: ⟦S:nW3q9Tz!hVbK⟧
""",
)
add(
    "cred",
    "en",
    "jupyter-kaggle-json",
    "json",
    r"""
My notebook can't download the competition data ("403 - Forbidden"). Here's the cell:

{
 "cell_type": "code",
 "execution_count": 3,
 "metadata": {},
 "outputs": [],
 "source": [
  "import json, os\n",
  "os.makedirs('/root/.kaggle', exist_ok=True)\n",
  "json.dump({'username': '⟦U:priyanka_venkat⟧', 'key': '⟦K:⁅r|H|32⁆⟧'}, open('/root/.kaggle/kaggle.json', 'w'))\n",
  "!kaggle competitions download -c playground-series-s6e2"
 ]
}
""",
)
add(
    "cred",
    "en",
    "connection-strings-appsettings-mix",
    "json",
    r"""
Which of these connection strings would break if I enable Always Encrypted on the SQL one?

{
  "ConnectionStrings": {
    "Sql": "Server=tcp:ledgerline-prod.database.windows.net,1433;Initial Catalog=ledger;User ID=ledger_app;Password=⟦S:Lg!4r9TqZ2wPm#x⟧;Encrypt=True;",
    "Cache": "rediss://default:⟦S:⁅r|A|32⁆⟧@eu1-sunny-kite-41822.upstash.io:6379",
    "Queue": "amqps://kvbfrtzq:⟦S:⁅r|B|32⁆⟧@goose.rmq2.cloudamqp.com/kvbfrtzq"
  }
}
""",
)
add(
    "cred",
    "en",
    "zoho-crm-http",
    "http",
    r"""
Zoho CRM returns INVALID_TOKEN for this request even though I refreshed it 10 minutes ago. Is the header format wrong?

GET /crm/v6/Leads?fields=Last_Name,Email&per_page=50 HTTP/1.1
Host: www.zohoapis.eu
Authorization: Zoho-oauthtoken ⟦K:1000.⁅r|H|32⁆.⁅r|H|32⁆⟧
Accept: application/json
""",
)
add(
    "cred",
    "en",
    "church-hall-keyholder-note",
    "prose",
    """
Can you rewrite this as a friendly note for the new hall bookings volunteer? Keep all the practical bits.

"Hi ⟦P:Bev⟧ — welcome aboard! Key safe by the side door is ⟦S:4071⟧. Alarm panel is just inside on the left: code ⟦S:8824⟧ then OFF, and when you leave it's the same code then AWAY. The hall wifi is StMarys-Hall and the password is ⟦S:PewsAndPancakes!19⟧. The booking calendar login is ⟦U:bookings.stmarys⟧ / ⟦S:Candlemas2026⟧. Heating is on a timer, don't touch the boiler. Thanks, ⟦P:Jill⟧"
""",
)
add(
    "cred",
    "en",
    "salesforce-jwt-server-key",
    "code",
    r"""
I'm setting up the Salesforce JWT bearer flow for our CI. sfdx says "user hasn't approved this consumer". Here is what I have in the repo, is the key format OK?

# ci/sf-auth.sh
echo "$SF_SERVER_KEY" > server.key
sf org login jwt --client-id 3MVG9⁅r|A|80⁆ --jwt-key-file server.key --username ⟦E:ci-deploy@larkspur-insurance.com⟧ --instance-url https://login.salesforce.com

# ci/server.key (committed by mistake?)
⟦PK:⁅rsa|2048|pkcs1⁆⟧
""",
)
add(
    "cred",
    "en",
    "gh-auth-status-output",
    "command",
    r"""
Why does `gh pr create` say I lack the `workflow` scope when `gh auth status` looks fine?

$ gh auth status -t
github.com
  ✓ Logged in to github.com account ⟦U:olu-adeyinka⟧ (keyring)
  - Active account: true
  - Git operations protocol: https
  - Token: ⟦K:gho_⁅r|A|36⁆⟧
  - Token scopes: 'gist', 'read:org', 'repo'
""",
)
add(
    "cred",
    "en",
    "helm-repo-add-chartmuseum",
    "command",
    r"""
After this, `helm search repo internal` shows nothing. What did I miss?

helm repo add internal https://charts.brindle.io --username ⟦U:k.okafor⟧ --password '⟦S:9vT!xQ2m#Lp7Rw⟧'
helm repo update
helm search repo internal/
""",
)
add(
    "cred",
    "en",
    "pip-conf-artifactory",
    "ini",
    r"""
pip install hangs on "Looking in indexes" with this config. How do I add a timeout and a fallback to PyPI?

# ~/.config/pip/pip.conf
[global]
index-url = https://⟦U:r.mbeki⟧:⟦K:cmVmdGtuOjAxOjE3⁅r|A|48⁆⟧@artifacts.kestrelbank.jfrog.io/artifactory/api/pypi/pypi-virtual/simple
trusted-host = artifacts.kestrelbank.jfrog.io
""",
)
add(
    "cred",
    "en",
    "alertmanager-pagerduty-smtp",
    "yaml",
    r"""
Alertmanager sends emails but PagerDuty never fires. Anything wrong with the routing?

global:
  smtp_smarthost: "smtp.office365.com:587"
  smtp_from: "⟦E:alerts@northpier.io⟧"
  smtp_auth_username: "⟦E:alerts@northpier.io⟧"
  smtp_auth_password: "⟦S:Np!Alerts2026#q⟧"
route:
  receiver: email
  routes:
    - matchers: [severity="page"]
      receiver: pagerduty
receivers:
  - name: email
    email_configs: [{to: "oncall@northpier.io"}]
  - name: pagerduty
    pagerduty_configs:
      - routing_key: "⟦K:⁅r|H|32⁆⟧"
""",
)
add(
    "cred",
    "en",
    "azure-devops-pat-script",
    "command",
    r"""
This bash script should clone all repos in our Azure DevOps project but only clones the first one. Help?

#!/usr/bin/env bash
ORG=meridian-health
PROJECT=Platform
PAT=⟦K:⁅r|L|52⁆⟧
AUTH=$(printf ":%s" "$PAT" | base64)
for r in $(curl -s -H "Authorization: Basic $AUTH" "https://dev.azure.com/$ORG/$PROJECT/_apis/git/repositories?api-version=7.1" | jq -r '.value[].name'); do
  git clone "https://$PAT@dev.azure.com/$ORG/$PROJECT/_git/$r"; break
done
""",
)
add(
    "cred",
    "en",
    "ssh-config-and-key-paste",
    "command",
    r"""
My new laptop can't pull from the Gitea server, "Load key: invalid format". This is the key I copied from the old machine with `cat ~/.ssh/gitea_ed25519`:

⟦PK:⁅ed|openssh|dana@thinkpad-old⁆⟧

and ~/.ssh/config:
Host git.homelab.lan
  User git
  IdentityFile ~/.ssh/gitea_ed25519
""",
)
add(
    "cred",
    "en",
    "bruno-env-file",
    "code",
    r"""
Bruno won't substitute {{baseUrl}} in my requests. This is environments/staging.bru:

vars {
  baseUrl: https://staging-api.quaylink.co
  clientId: quaylink-admin-ui
}
vars:secret [
  clientSecret
]
# I also pasted the values here while debugging, oops:
# clientSecret = ⟦S:⁅r|B|48⁆⟧
# openaiKey = ⟦K:sk-proj-⁅r|B|156⁆⟧
""",
)
# ---------------------------------------------------------------------------
# cred — other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "fr",
    "gite-wifi-boite-a-cles",
    "prose",
    """
Peux-tu traduire ce message en anglais pour des locataires américains ? Garde les codes tels quels.

« Bonjour et bienvenue au gîte ! La boîte à clés est à droite du portail, code ⟦S:2748⟧. Le Wi-Fi s'appelle Livebox-Moulin et le mot de passe est ⟦S:tournesol-Grenier-58⟧. Pour le portail électrique, le digicode est ⟦S:A1937⟧. En cas de souci, appelez-moi. — ⟦P:Sylvie⟧ »
""",
)
add(
    "cred",
    "de",
    "ha-mqtt-zugangsdaten",
    "yaml",
    """
Mein ESP32 verbindet sich nicht mit dem MQTT-Broker. Siehst du den Fehler in der Konfiguration? (Kommentare auf Deutsch, sorry)

# secrets.yaml für den Wärmepumpen-Logger
wifi_ssid: "FRITZ!Box 7590 KL"
wifi_password: "⟦S:Sonnenblume-Dachboden-47⟧"
mqtt_broker: 192.168.178.40
mqtt_user: waermepumpe
mqtt_password: "⟦S:Wp!2026mqtt#Kx⟧"
ota_password: "⟦S:⁅r|H|32⁆⟧"
api_encryption_key: "⟦S:⁅b64|32⁆⟧"
""",
)
add(
    "cred",
    "es",
    "mercadolibre-script-python",
    "code",
    r"""
Este script para actualizar precios en Mercado Libre me devuelve 401 después de unas horas. ¿Cómo renuevo el token automáticamente?

import requests

CLIENT_ID = "4817203958461722"
CLIENT_SECRET = "⟦K:⁅r|A|32⁆⟧"
ACCESS_TOKEN = "⟦K:APP_USR-4817203958461722-021814-⁅r|H|32⁆-1847201933⟧"

def actualizar_precio(item_id, precio):
    r = requests.put(f"https://api.mercadolibre.com/items/{item_id}",
                     headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
                     json={"price": precio})
    r.raise_for_status()
""",
)
add(
    "cred",
    "it",
    "pec-aruba-thunderbird",
    "prose",
    """
Mi scrivi un promemoria per mia madre su come configurare la PEC su Thunderbird? Le scrivo io i dati qui:

indirizzo: ⟦E:annamaria.ferri@pec.it⟧
utente: ⟦E:annamaria.ferri@pec.it⟧
password: ⟦S:Girasole!1957pec⟧
server in entrata imaps.pec.aruba.it porta 993, in uscita smtps.pec.aruba.it porta 465.
Il PIN del lettore della CNS invece è ⟦S:58213⟧, ma quello non serve per la PEC.
""",
)
add(
    "cred",
    "pt",
    "pix-webhook-node",
    "code",
    r"""
O webhook do Pix não está validando a assinatura. Pode revisar?

// webhook-pix.js
const express = require("express");
const crypto = require("crypto");
const app = express();

const ASAAS_API_KEY = "⟦K:$aact_prod_⁅r|A|64⁆⟧";
const WEBHOOK_TOKEN = "⟦S:⁅r|A|40⁆⟧"; // token configurado no painel

app.post("/webhooks/pix", express.json(), (req, res) => {
  if (req.get("asaas-access-token") !== WEBHOOK_TOKEN) return res.sendStatus(401);
  // TODO: marcar pedido como pago
  res.sendStatus(200);
});
""",
)
add(
    "cred",
    "nl",
    "mollie-laravel-env",
    "env",
    """
Na de deploy krijg ik "Invalid API key" van Mollie. Klopt mijn .env?

APP_ENV=production
APP_KEY=base64:⟦S:⁅b64|32⁆⟧
DB_HOST=127.0.0.1
DB_DATABASE=fietsverhuur
DB_USERNAME=fietsverhuur
DB_PASSWORD=⟦S:Tandem!Zeeland22⟧
MOLLIE_KEY=⟦K:live_⁅r|A|30⁆⟧
POSTNL_API_KEY=⟦K:⁅r|A|32⁆⟧
""",
)
add(
    "cred",
    "pl",
    "allegro-api-skrypt",
    "code",
    r"""
Dlaczego ten skrypt do pobierania zamówień z Allegro zwraca 403 dla /order/checkout-forms?

import requests
CLIENT_ID = "⁅r|H|32⁆"
CLIENT_SECRET = "⟦K:⁅r|A|64⁆⟧"
token = requests.post("https://allegro.pl/auth/oauth/token",
                      auth=(CLIENT_ID, CLIENT_SECRET),
                      data={"grant_type": "client_credentials"}).json()["access_token"]
r = requests.get("https://api.allegro.pl/order/checkout-forms",
                 headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.allegro.public.v1+json"})
print(r.status_code, r.text)
""",
)
add(
    "cred",
    "sv",
    "wifi-och-larmkod-sommarstuga",
    "prose",
    """
Kan du göra en snygg lapp av det här som vi kan sätta upp i sommarstugan för hyresgästerna?

Välkomna! Nyckeln ligger i nyckelskåpet vid vedboden, kod ⟦S:6150⟧. Larmet stängs av med ⟦S:2281⟧ + OFF. Wifi: Stugan_Dalarö, lösenord ⟦S:Blabarsskogen!88⟧. Bastun startas med knappen i förrådet. Hälsningar, ⟦P:Anders⟧
""",
)
add(
    "cred",
    "da",
    "dinero-api-kotlin",
    "code",
    r"""
Jeg prøver at hente fakturaer fra Dinero i vores Android-app. Kan du flytte nøglerne ud af koden? (kommentarer på dansk)

// TODO: flyt til BuildConfig
object DineroConfig {
    const val CLIENT_ID = "bogholderi-app"
    const val CLIENT_SECRET = "⟦K:⁅r|A|40⁆⟧"
    const val API_KEY = "⟦K:⁅r|H|32⁆⟧" // organisationens API-nøgle
    const val ORG_ID = 418227
}
""",
)
add(
    "cred",
    "no",
    "ruter-gamle-passord-melding",
    "prose",
    """
Kan du hjelpe meg å skrive en enkel oppskrift til pappa om hvordan han logger inn på ruteren hvis nettet faller ut? Bruk disse opplysningene:

Ruteradmin: http://192.168.1.1, bruker admin, passord ⟦S:Fjellbekk-Laks-731⟧
Trådløst nett: Telenor7730fam, passord ⟦S:hyttetur2Sogndal⟧
PIN til SIM-kortet i 4G-ruteren: ⟦S:4406⟧
""",
)
add(
    "cred",
    "fi",
    "posti-paketti-api-env",
    "env",
    """
Miksi tämä verkkokaupan .env ei toimi tuotannossa? Paytrailin maksut menevät läpi mutta Postin rajapinta antaa 401.

NODE_ENV=production
DATABASE_URL=postgresql://kauppa:⟦S:Mustikka!Kuopio19⟧@db.internal:5432/kauppa
PAYTRAIL_MERCHANT_ID=695861
PAYTRAIL_SECRET=⟦K:⁅r|A|40⁆⟧
POSTI_API_KEY=⟦K:⁅uuid⁆⟧
POSTI_API_SECRET=⟦K:⁅r|H|64⁆⟧
""",
)
add(
    "cred",
    "cs",
    "fakturoid-curl",
    "command",
    r"""
Proč mi tenhle curl na Fakturoid vrací 403? Účet mám aktivní.

curl -s -X GET "https://app.fakturoid.cz/api/v3/accounts/truhlarstvi-novak/invoices.json" \
  -H "User-Agent: Truhlarstvi Novak (⟦E:petr.novak.truhlar@seznam.cz⟧)" \
  -H "Authorization: Bearer ⟦K:⁅r|H|40⁆⟧"
# client secret pro OAuth: ⟦K:⁅r|H|40⁆⟧
""",
)
add(
    "cred",
    "sk",
    "wifi-penzion-recepcia",
    "prose",
    """
Preložíš mi túto informáciu pre hostí do nemčiny a angličtiny?

Vitajte v Penzióne pod Rozsutcom! Wi-Fi: Penzion_Terchova, heslo ⟦S:Janosik1713!⟧. Kód od lyžiarne je ⟦S:3315⟧, od hlavného vchodu po 22:00 ⟦S:7702#⟧. Raňajky od 7:30 do 9:30.
""",
)
add(
    "cred",
    "ro",
    "smartbill-php",
    "code",
    r"""
Scriptul ăsta PHP care emite facturi prin SmartBill dă eroare „Autentificare eșuată". Ce greșesc?

<?php
$email = "⟦E:contabilitate.mirela@gmail.com⟧";
$token = "⟦K:⁅r|H|32⁆⟧";
$ch = curl_init("https://ws.smartbill.ro/SBORO/api/invoice");
curl_setopt($ch, CURLOPT_USERPWD, $email . ":" . $token);
curl_setopt($ch, CURLOPT_HTTPHEADER, ["Content-Type: application/json", "Accept: application/json"]);
curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($factura));
$raspuns = curl_exec($ch);
""",
)
add(
    "cred",
    "hu",
    "ugyfelkapu-jelszo-csaladi",
    "prose",
    """
Átfogalmaznád ezt az üzenetet a testvéremnek, hogy érthetőbb legyen?

„Szia ⟦P:Bence⟧! Anyu adóbevallásához belépsz helyette? Az Ügyfélkapu+ felhasználó: ⟦U:kovacs.ilona58⟧, jelszó: ⟦S:Muskatli!1958ugy⟧. A hitelesítő appban a kód mindig változik, azt én adom meg telefonon. A banki netbank jelszava ⟦S:Balaton_77nyar⟧, de azt ne használd, csak ha muszáj. Köszi!”
""",
)
add(
    "cred",
    "el",
    "viva-wallet-env",
    "env",
    """
Το e-shop μου δεν μπορεί να δημιουργήσει παραγγελία πληρωμής στο Viva. Μπορείς να δεις αν λείπει κάτι από το .env;

VIVA_MERCHANT_ID=⁅uuid⁆
VIVA_API_KEY=⟦K:⁅r|A|22⁆⟧
VIVA_CLIENT_ID=⁅r|L|40⁆.apps.vivapayments.com
VIVA_CLIENT_SECRET=⟦K:⁅r|A|24⁆⟧
SMTP_PASSWORD=⟦S:Kalamata!Elies2026⟧
""",
)
add(
    "cred",
    "tr",
    "iyzico-csharp",
    "code",
    r"""
iyzico ödeme formu "Geçersiz imza" hatası veriyor. Kodda bir sorun görüyor musun?

var options = new Options
{
    ApiKey = "⟦K:⁅r|A|32⁆⟧",
    SecretKey = "⟦K:⁅r|A|32⁆⟧",
    BaseUrl = "https://api.iyzipay.com"
};
var request = new CreateCheckoutFormInitializeRequest { Locale = Locale.TR.ToString(), Price = "149.90", PaidPrice = "149.90", Currency = Currency.TRY.ToString(), CallbackUrl = "https://kahveevi.com.tr/odeme/sonuc" };
CheckoutFormInitialize form = await CheckoutFormInitialize.Create(request, options);
""",
)
add(
    "cred",
    "ru",
    "yookassa-go",
    "code",
    r"""
Почему ЮKassa возвращает 401 на создание платежа? Вот код на Go:

const (
	shopID    = "418227"
	secretKey = "⟦K:live_⁅r|B|43⁆⟧"
)

func createPayment(amount string) (*http.Response, error) {
	body := strings.NewReader(`{"amount":{"value":"` + amount + `","currency":"RUB"},"capture":true,"confirmation":{"type":"redirect","return_url":"https://chaynaya-lavka.ru/spasibo"}}`)
	req, _ := http.NewRequest("POST", "https://api.yookassa.ru/v3/payments", body)
	req.SetBasicAuth(shopID, secretKey)
	req.Header.Set("Idempotence-Key", uuid.NewString())
	return http.DefaultClient.Do(req)
}
""",
)
add(
    "cred",
    "uk",
    "monobank-token-bot",
    "code",
    r"""
Мій телеграм-бот для сімейного бюджету перестав отримувати виписку з monobank. Допоможи знайти помилку.

import requests, telebot

MONO_TOKEN = "⟦K:u⁅r|B|43⁆⟧"
BOT_TOKEN = "⟦K:⁅r|D|10⁆:AA⁅r|B|33⁆⟧"

bot = telebot.TeleBot(BOT_TOKEN)

@bot.message_handler(commands=["vytraty"])
def vytraty(msg):
    r = requests.get("https://api.monobank.ua/personal/statement/0/1739577600", headers={"X-Token": MONO_TOKEN})
    bot.reply_to(msg, str(len(r.json())) + " транзакцій")
""",
)
add(
    "cred",
    "ja",
    "line-messaging-api-python",
    "code",
    r"""
LINE公式アカウントのBotが「Authentication failed」になります。どこが間違っていますか？

from linebot.v3.messaging import Configuration, ApiClient, MessagingApi
from linebot.v3 import WebhookHandler

# チャネルアクセストークン（長期）
configuration = Configuration(access_token="⟦K:⁅r|S|172⁆=⟧")
handler = WebhookHandler("⟦K:⁅r|H|32⁆⟧")  # チャネルシークレット
""",
)
add(
    "cred",
    "ko",
    "toss-payments-secret",
    "code",
    r"""
토스페이먼츠 결제 승인 API에서 UNAUTHORIZED_KEY 에러가 나요. 인코딩이 잘못된 걸까요?

// server/confirm.ts
const secretKey = "⟦K:live_sk_⁅r|A|32⁆⟧";
const encoded = Buffer.from(secretKey + ":").toString("base64");

export async function confirm(paymentKey: string, orderId: string, amount: number) {
  return fetch("https://api.tosspayments.com/v1/payments/confirm", {
    method: "POST",
    headers: { Authorization: `Basic ${encoded}`, "Content-Type": "application/json" },
    body: JSON.stringify({ paymentKey, orderId, amount }),
  });
}
""",
)
add(
    "cred",
    "zh",
    "aliyun-oss-java",
    "code",
    r"""
这段上传到阿里云 OSS 的 Java 代码报 SignatureDoesNotMatch，帮我看看哪里有问题？

String endpoint = "https://oss-cn-hangzhou.aliyuncs.com";
String accessKeyId = "⟦K:LTAI5t⁅r|A|18⁆⟧";
String accessKeySecret = "⟦K:⁅r|A|30⁆⟧";
OSS ossClient = new OSSClientBuilder().build(endpoint, accessKeyId, accessKeySecret);
ossClient.putObject("shop-images-prod", "banner/2026-spring.jpg", new File("/tmp/banner.jpg"));
// 数据库密码也先写在这里：⟦S:Hz#2026!oss_db⟧
""",
)
# ---------------------------------------------------------------------------
# benign — English
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "password-reset-flow-code-review",
    "code",
    r"""
Review this password-reset handler for timing attacks. No secrets in it, it reads everything from the environment.

import hmac, os, secrets
RESET_TTL = 900
SECRET_KEY = os.environ["RESET_SIGNING_KEY"]

def make_token(user_id: int) -> str:
    nonce = secrets.token_urlsafe(16)
    sig = hmac.new(SECRET_KEY.encode(), f"{user_id}:{nonce}".encode(), "sha256").hexdigest()
    return f"{user_id}.{nonce}.{sig}"

def check(token: str, password: str, confirm_password: str) -> bool:
    if password != confirm_password:
        raise ValueError("passwords do not match")
    user_id, nonce, sig = token.split(".")
    expected = hmac.new(SECRET_KEY.encode(), f"{user_id}:{nonce}".encode(), "sha256").hexdigest()
    return sig == expected
""",
)
add(
    "benign",
    "en",
    "readme-placeholder-keys",
    "markdown-table",
    """
Can you turn this setup section of our README into a shorter table?

| variable | example | notes |
|---|---|---|
| `STRIPE_SECRET_KEY` | `sk_test_xxxxxxxxxxxxxxxxxxxxxxxx` | use a test-mode key locally |
| `OPENAI_API_KEY` | `<your-openai-key>` | optional, enables summaries |
| `DATABASE_URL` | `postgres://user:password@localhost:5432/app` | `password` is literally the word in docker-compose |
| `ADMIN_PASSWORD` | `changeme` | you'll be forced to change it on first login |
| `AWS_ACCESS_KEY_ID` | `AKIAIOSFODNN7EXAMPLE` | AWS's documentation example |
""",
)
add(
    "benign",
    "en",
    "shackleton-endurance-history",
    "prose",
    """
Write a 300-word piece for a Year 8 history magazine about Ernest Shackleton's Endurance expedition: the ship was crushed by pack ice in the Weddell Sea in November 1915, Frank Worsley navigated the James Caird to South Georgia, and the wreck was found in March 2022 at a depth of 3,008 metres.
""",
)
add(
    "benign",
    "en",
    "sourdough-hydration-maths",
    "prose",
    """
My sourdough recipe: 1000 g flour, 780 g water, 200 g levain at 100% hydration, 22 g salt. What's the real overall hydration? And if I bake at 250 °C for 20 min lid on, then 230 °C for 25 min, how long would two 750 g loaves need?
""",
)
add(
    "benign",
    "en",
    "long-number-modular-arithmetic",
    "prose",
    """
Compute 7^222 mod 1000 step by step, then check whether 4111111111111111 (the well-known test card number) passes the Luhn algorithm, and explain why 2^61 − 1 = 2305843009213693951 is a Mersenne prime.
""",
)
add(
    "benign",
    "en",
    "changelog-versions-shas",
    "prose",
    """
Summarise this changelog for the release announcement:

v4.12.0 (2026-02-17)
- Bump openssl to 3.0.16 and libcurl to 8.12.1
- Fix regression from 4f2a9c1e7b3d5a8f0e6c2b9d1a7e4f3c8b5d2a6e in the retry loop
- Docker image digest: sha256:9b2f4c1e7a3d5f8b0c6e2a9d1f7b4e3c8a5d2f6e1b9c7a4d3f8e2b5c1a6d9f7e
- Deprecate `--insecure-skip-tls` (removal planned for v5.0.0)
- Build 20260217.3, commit count 18,442
""",
)
add(
    "benign",
    "en",
    "order-isbn-tracking-complaint",
    "prose",
    """
Help me write a polite complaint to a bookshop: order #WB-2026-004418 for "The Penguin Book of the Sonnet" (ISBN 978-0-14-058929-7) arrived damaged. Royal Mail tracking number is QY 4418 2207 3GB, and the replacement was promised by 28 February. I'd like a refund of £14.99 to the original payment method.
""",
)
add(
    "benign",
    "en",
    "sql-schema-users-table",
    "sql",
    """
Is this schema normalised enough? Also suggest indexes.

CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  email CITEXT UNIQUE NOT NULL,
  password_hash TEXT NOT NULL,
  phone_e164 VARCHAR(16),
  date_of_birth DATE,
  national_id_encrypted BYTEA,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE api_keys (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT REFERENCES users(id),
  key_prefix CHAR(8) NOT NULL,
  key_hash TEXT NOT NULL,
  revoked_at TIMESTAMPTZ
);
""",
)
add(
    "benign",
    "en",
    "dns-resolver-log-lines",
    "kv-log",
    """
Why does our health check flap? Here are the log lines:

2026-02-18T03:11:04Z level=warn msg="upstream timeout" resolver=8.8.8.8:53 query=api.internal.example rtt_ms=5001
2026-02-18T03:11:05Z level=info msg="fallback resolver" resolver=1.1.1.1:53 query=api.internal.example rtt_ms=14
2026-02-18T03:11:05Z level=info msg="health ok" addr=127.0.0.1:8080 path=/healthz status=200
2026-02-18T03:11:35Z level=warn msg="health failed" addr=[::1]:8080 path=/healthz status=503 bind=0.0.0.0
""",
)
add(
    "benign",
    "en",
    "gdpr-article-explanation",
    "prose",
    """
Explain in plain English what Article 9(2)(h) GDPR allows, and how it interacts with section 11 of the Data Protection Act 2018. Use the example of a GP surgery sharing records with a hospital. Don't use real patient examples.
""",
)
add(
    "benign",
    "en",
    "physics-constants-homework",
    "prose",
    """
Using h = 6.62607015 × 10^-34 J·s, c = 299 792 458 m/s and k_B = 1.380649 × 10^-23 J/K, compute the peak wavelength of a 5772 K black body with Wien's law (b = 2.897771955 × 10^-3 m·K) and compare it with the solar spectrum.
""",
)
add(
    "benign",
    "en",
    "cricket-ashes-question",
    "prose",
    """
Who scored the most runs in the 2005 Ashes series, and how did Andrew Flintoff's performance at Edgbaston change the series? Kevin Pietersen's 158 at The Oval on 12 September 2005 should be mentioned too.
""",
)
add(
    "benign",
    "en",
    "fake-data-generator-request",
    "code",
    r"""
Write a Python function that generates obviously fake test users for our staging DB: names like "Test User 001", emails like test001@example.com, phones in the reserved 555-0100..555-0199 range, and DOB always 1900-01-01. Here's my stub:

def fake_user(i: int) -> dict:
    return {"name": f"Test User {i:03d}", "email": f"test{i:03d}@example.com", "password": None}
""",
)
add(
    "benign",
    "en",
    "calendar-planning-dates",
    "prose",
    """
Plan a revision timetable: exams start Monday 18 May 2026, the last one is Friday 12 June. I can't study on Sundays or on 4 April (my cousin's birthday party). Put maths on Mondays and Thursdays and leave the week of Easter (5 April) lighter.
""",
)
# ---------------------------------------------------------------------------
# benign — other languages
# ---------------------------------------------------------------------------
add(
    "benign",
    "fr",
    "recette-tarte-tatin",
    "prose",
    """
Donne-moi la recette de la tarte Tatin pour 8 personnes (moule de 28 cm), avec 1,2 kg de pommes et 150 g de sucre. Raconte aussi en deux phrases la légende des sœurs Tatin à Lamotte-Beuvron vers 1880.
""",
)
add(
    "benign",
    "de",
    "grundgesetz-artikel-erklaerung",
    "prose",
    """
Erkläre mir Artikel 13 des Grundgesetzes (Unverletzlichkeit der Wohnung) einfach, mit einem Beispiel zur Wohnungsdurchsuchung. Das Grundgesetz trat am 23. Mai 1949 in Kraft.
""",
)
add(
    "benign",
    "es",
    "formulario-html-contrasena",
    "code",
    r"""
¿Cómo valido en este formulario que la contraseña tenga al menos 12 caracteres? No quiero guardar nada en texto plano.

<form id="registro">
  <label>Correo <input type="email" name="correo" placeholder="nombre@ejemplo.com"></label>
  <label>Contraseña <input type="password" name="contrasena" minlength="12"></label>
  <label>Repite la contraseña <input type="password" name="contrasena2"></label>
  <button>Crear cuenta</button>
</form>
""",
)
add(
    "benign",
    "it",
    "calcolo-rata-mutuo",
    "prose",
    """
Calcola la rata mensile di un mutuo di 185.000 € a 25 anni con TAN fisso 3,15%. Poi fai lo stesso con 30 anni e confronta gli interessi totali. Usa la formula dell'ammortamento alla francese.
""",
)
add(
    "benign",
    "pt",
    "camoes-lusiadas",
    "prose",
    """
Explique a estrutura d'Os Lusíadas de Luís de Camões (1572): quantos cantos, o tipo de estrofe e o episódio do Adamastor. Cite a primeira estrofe.
""",
)
add(
    "benign",
    "nl",
    "excel-formule-iban-controle",
    "prose",
    """
Ik wil in Excel controleren of een IBAN het juiste formaat heeft (NL + 2 cijfers + 4 letters + 10 cijfers). Het voorbeeld uit de handleiding is NLkk BANK 0123 4567 89. Welke formule gebruik ik? Echte rekeningnummers heb ik niet nodig.
""",
)
add(
    "benign",
    "pl",
    "konstytucja-3-maja",
    "prose",
    """
Napisz krótkie wypracowanie dla klasy 7 o Konstytucji 3 maja 1791 roku. Wspomnij Stanisława Augusta Poniatowskiego, Hugona Kołłątaja i Ignacego Potockiego.
""",
)
add(
    "benign",
    "sv",
    "kanelbullar-recept",
    "prose",
    """
Skala upp det här receptet på kanelbullar från 30 till 75 bullar: 50 g jäst, 5 dl mjölk, 150 g smör, 1 dl socker, 1 tsk kardemumma, 13–14 dl vetemjöl. Fyllning: 100 g smör, 1 dl socker, 1 msk kanel. Ugn 225 °C i 8 minuter.
""",
)
add(
    "benign",
    "da",
    "grundlovsdag-tale",
    "prose",
    """
Skriv en kort tale til grundlovsdag den 5. juni om Danmarks Riges Grundlov fra 1849 og Frederik VII. Den skal holdes i forsamlingshuset og vare højst 4 minutter.
""",
)
add(
    "benign",
    "no",
    "fjell-turplan",
    "prose",
    """
Lag en turplan for Besseggen: start fra Memurubu kl. 08.30 med båten fra Gjendesheim, 14 km og ca. 1100 høydemeter. Hva bør vi pakke, og hva er værvarselet-tommelfingerregelen i fjellvettreglene?
""",
)
add(
    "benign",
    "fi",
    "kalevala-tiivistelma",
    "prose",
    """
Tiivistä Kalevalan Sammon taonta -jakso (runot 7–10) lukiolaiselle. Elias Lönnrotin Kalevala ilmestyi 1835, ja Kalevalan päivää vietetään 28. helmikuuta.
""",
)
add(
    "benign",
    "cs",
    "python-heslo-validace",
    "code",
    r"""
Jak upravit tuhle funkci, aby kontrolovala i speciální znaky? Heslo se nikde neukládá.

def je_silne_heslo(heslo: str) -> bool:
    return len(heslo) >= 12 and any(c.isdigit() for c in heslo) and any(c.isupper() for c in heslo)
""",
)
add(
    "benign",
    "sk",
    "tatry-historia",
    "prose",
    """
Napíš referát o založení Tatranského národného parku v roku 1949 a o najvyššom štíte Gerlachovský štít (2 654 m). Pridaj zaujímavosť o chate pod Rysmi.
""",
)
add(
    "benign",
    "ro",
    "eminescu-luceafarul",
    "prose",
    """
Fă un comentariu literar al poemului „Luceafărul” de Mihai Eminescu, publicat în 1883. Explică simbolul lui Hyperion și al Cătălinei în 4 paragrafe.
""",
)
add(
    "benign",
    "hu",
    "matek-hosszu-szamok",
    "prose",
    """
Számold ki, hogy 123 456 789 × 987 654 321 mennyi, majd bontsd prímtényezőkre a 1 234 567 890-et. Ellenőrizd a 9-es próbával is.
""",
)
add(
    "benign",
    "el",
    "olympiakoi-agones-1896",
    "prose",
    """
Γράψε ένα σύντομο κείμενο για τους πρώτους σύγχρονους Ολυμπιακούς Αγώνες στην Αθήνα το 1896, με αναφορά στον Σπύρο Λούη και στο Παναθηναϊκό Στάδιο.
""",
)
add(
    "benign",
    "tr",
    "excel-tc-dogrulama-formulu",
    "prose",
    """
Excel'de 11 haneli bir TC kimlik numarasının algoritmaya uygun olup olmadığını kontrol eden formül yazar mısın? Gerçek numara kullanmayacağım, test için 10000000146 gibi dokümantasyondaki örneği kullanabilirsin.
""",
)
add(
    "benign",
    "ru",
    "pelmeni-recept",
    "prose",
    """
Напиши рецепт сибирских пельменей на 1 кг теста: мука, 2 яйца, 400 мл воды, соль; начинка — 500 г говядины и 500 г свинины. Сколько варить замороженные пельмени?
""",
)
add(
    "benign",
    "uk",
    "shevchenko-kobzar",
    "prose",
    """
Підготуй короткий план уроку про «Кобзар» Тараса Шевченка (1840): історія видання, основні теми, вірш «Заповіт». Урок на 45 хвилин для 9 класу.
""",
)
add(
    "benign",
    "lt",
    "kovo-11-istorija",
    "prose",
    """
Parašyk trumpą tekstą apie 1990 m. kovo 11-osios Nepriklausomybės atkūrimo aktą ir Vytautą Landsbergį. Tekstas skirtas mokyklos stendui.
""",
)
add(
    "benign",
    "lv",
    "dziesmu-svetki",
    "prose",
    """
Pastāsti par Vispārējiem latviešu Dziesmu svētkiem — pirmie notika 1873. gadā Rīgā. Cik dalībnieku bija 2023. gada svētkos un kāpēc tie ir UNESCO sarakstā?
""",
)
add(
    "benign",
    "et",
    "ilmateade-laulupidu",
    "prose",
    """
Koosta lastele lihtne selgitus, miks Eesti laulupidu on tähtis ja mis juhtus 1988. aasta laulval revolutsioonil Tallinna lauluväljakul.
""",
)
add(
    "benign",
    "ja",
    "sql-schema-yoyaku",
    "sql",
    """
予約システムのテーブル設計をレビューしてください。個人情報は暗号化して保存する前提です。

CREATE TABLE reservations (
  id BIGINT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  phone_encrypted VARBINARY(256),
  reserved_at DATETIME NOT NULL,
  party_size TINYINT NOT NULL,
  note VARCHAR(200)
);
""",
)
add(
    "benign",
    "ko",
    "sejong-hangeul",
    "prose",
    """
세종대왕이 훈민정음을 반포한 1446년의 역사적 배경을 초등학생이 이해할 수 있게 설명해 줘. 한글날이 10월 9일인 이유도 알려 줘.
""",
)
add(
    "benign",
    "zh",
    "tracking-number-explain",
    "prose",
    """
快递单号 SF1418227301946 和订单号 20260218-0041 有什么区别？为什么查询物流只需要单号不需要身份证号？请简单解释。
""",
)
add(
    "benign",
    "ar",
    "ibn-battuta",
    "prose",
    """
اكتب مقالاً قصيراً عن رحلات ابن بطوطة (1304–1369) وكتابه «تحفة النظار في غرائب الأمصار وعجائب الأسفار»، مع ذكر أهم المدن التي زارها.
""",
)
add(
    "benign",
    "he",
    "rosh-hashana-recipe",
    "prose",
    """
תן לי מתכון לעוגת דבש לראש השנה בתבנית 24 ס"מ: 3 ביצים, כוס דבש, כוס סוכר, 3 כוסות קמח, כוס תה חזק. כמה זמן לאפות ב-170 מעלות?
""",
)
add(
    "benign",
    "hi",
    "ganit-byaj",
    "prose",
    """
₹2,50,000 पर 7.1% वार्षिक चक्रवृद्धि ब्याज से 15 साल बाद कितनी राशि होगी? PPF खाते की तरह गणना करके चरण दिखाइए।
""",
)
add(
    "benign",
    "bn",
    "rabindranath-gitanjali",
    "prose",
    """
রবীন্দ্রনাথ ঠাকুর ১৯১৩ সালে গীতাঞ্জলির জন্য নোবেল পুরস্কার পান। এ বিষয়ে ক্লাস সেভেনের জন্য ২০০ শব্দের একটি অনুচ্ছেদ লেখো।
""",
)
add(
    "benign",
    "ta",
    "thirukkural-vilakkam",
    "prose",
    """
திருக்குறளின் முதல் குறள் "அகர முதல எழுத்தெல்லாம் ஆதி பகவன் முதற்றே உலகு" — இதற்கு எளிய விளக்கம் எழுதுங்கள். திருவள்ளுவர் தினம் எப்போது கொண்டாடப்படுகிறது?
""",
)
add(
    "benign",
    "th",
    "songkran-history",
    "prose",
    """
ช่วยเขียนบทความสั้นเกี่ยวกับประวัติเทศกาลสงกรานต์ ซึ่งตรงกับวันที่ 13–15 เมษายน และความหมายของการรดน้ำดำหัวผู้ใหญ่
""",
)
add(
    "benign",
    "vi",
    "cong-thuc-pho-bo",
    "prose",
    """
Cho mình công thức nấu phở bò Hà Nội cho 6 người: 2 kg xương ống, 500 g thịt bắp, quế, hồi, thảo quả. Ninh xương bao lâu thì nước dùng trong?
""",
)
add(
    "benign",
    "id",
    "sumpah-pemuda",
    "prose",
    """
Buatkan ringkasan tentang Sumpah Pemuda 28 Oktober 1928 untuk siswa SMP, termasuk isi tiga ikrarnya dan peran W.R. Supratman yang memperdengarkan lagu Indonesia Raya.
""",
)
add(
    "benign",
    "tl",
    "rizal-noli",
    "prose",
    """
Gumawa ng maikling buod ng Noli Me Tangere ni Jose Rizal (1887) para sa Grade 9. Isama ang mga tauhang Crisostomo Ibarra, Maria Clara, at Padre Damaso.
""",
)
add(
    "benign",
    "sw",
    "mlima-kilimanjaro",
    "prose",
    """
Niandikie insha fupi kuhusu Mlima Kilimanjaro (mita 5,895) na historia ya kupandwa kwa mara ya kwanza mwaka 1889 na Hans Meyer na Ludwig Purtscheller.
""",
)
add(
    "benign",
    "fa",
    "hafez-ghazal",
    "prose",
    """
یک غزل از حافظ شیرازی را برای کلاس ادبیات توضیح بده و بگو چرا روز بزرگداشت حافظ ۲۰ مهر است.
""",
)
add(
    "benign",
    "ur",
    "iqbal-shikwa",
    "prose",
    """
علامہ محمد اقبال کی نظم "شکوہ" اور "جوابِ شکوہ" کا مختصر خلاصہ لکھیں اور بتائیں کہ یوم اقبال 9 نومبر کو کیوں منایا جاتا ہے۔
""",
)
add(
    "benign",
    "sr",
    "tesla-pronalasci",
    "prose",
    """
Напиши кратак текст о Николи Тесли (рођен 1856. у Смиљану) и његовим проналасцима — наизменична струја, индукциони мотор. Текст је за школски пано.
""",
)
add(
    "benign",
    "ka",
    "vefkhistkaosani",
    "prose",
    """
მოკლედ მომიყევი შოთა რუსთაველის „ვეფხისტყაოსნის" სიუჟეტი და მთავარი გმირები — ავთანდილი, ტარიელი, ნესტან-დარეჯანი.
""",
)


if __name__ == "__main__":
    out = HERE / "fresh27.jsonl"
    ct.build(PROMPTS, out, seed=SPLIT_SEED, id_prefix=ID_PREFIX)
