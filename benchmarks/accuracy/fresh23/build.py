#!/usr/bin/env python3
"""Build the 'fresh23' privacy-filter evaluation corpus (twenty-third blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

Values that must look machine-made (provider tokens, generated passwords,
national ids with check digits, IBANs, cards, private keys, JWTs) are written
as generator slots ``⁅kind|arg|…⁆`` inside the markers and filled at build
time from one ``random.Random(2323)``, in the order the slots appear in this
file. National ids are written as templates: literal characters (birth date,
sex digit, region codes), ``#`` for a random digit and ``?`` for a check
character; the check characters are searched until ``python-stdnum`` accepts
the number, and where the slot carries a birth date (``YYYY-MM-DD`` as its
last argument) and ``python-stdnum`` can read one back, the two must agree.
Inside one prompt the same slot text always gives the same value (a ``#2`` tag
as the last argument makes a second, different value). Names, e-mails, phones,
addresses, dates and hand-typed passwords are literals.

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script holds the prompts and
the generators, assigns the ids ``y-0001`` … and writes fresh23.jsonl next to
this file with split seed 2323.

Run:  python build.py [--stats]   (needs python-stdnum, phonenumbers, cryptography)
"""

import base64
import datetime
import importlib
import itertools
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

SEED = 2323
SPLIT_SEED = 2323
ID_PREFIX = "y"
HERE = Path(__file__).resolve().parent
PROMPTS = []
RNG = random.Random(SEED)

# ---------------------------------------------------------------------------
# generators (all randomness comes from RNG, in file order)
# ---------------------------------------------------------------------------
DIGITS = string.digits
UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
HEXL = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
BECH32 = "023456789ACDEFGHJKLMNPQRSTUVWXYZ"
CHECK_ALPHABET = DIGITS + UPPER


def draw(alphabet, n):
    return "".join(RNG.choice(alphabet) for _ in range(n))


def gen_id(country, template, birth=None):
    """Complete a national-id template: '#' random digit, '?' check character."""
    mods = ID_VALIDATORS[country]
    mods = [importlib.import_module(m) for m in (mods if isinstance(mods, tuple) else (mods,))]
    holes = template.count("?")
    for _ in range(5000):
        base = "".join(RNG.choice(DIGITS) if c == "#" else c for c in template)
        alphabet = DIGITS if holes > 1 else CHECK_ALPHABET
        for combo in itertools.product(alphabet, repeat=holes):
            it = iter(combo)
            cand = "".join(next(it) if c == "?" else c for c in base)
            mod = next((m for m in mods if m.is_valid(cand)), None)
            if mod is None:
                continue
            if birth and hasattr(mod, "get_birth_date"):
                try:
                    got = mod.get_birth_date(cand)
                except Exception:  # a module may not read this variant
                    continue
                if got != datetime.date.fromisoformat(birth):
                    continue
            return cand
    raise ValueError(f"no valid id for {country} {template!r}")


BBAN = {  # per-country BBAN templates: '#' digit, 'A' upper-case letter, 'X' alnum
    "DE": "########" + "#" * 10,
    "AT": "#" * 16,
    "FR": "#" * 10 + "#" * 11 + "##",
    "ES": "#" * 20,
    "IT": "A" + "#" * 10 + "#" * 12,
    "PT": "#" * 21,
    "NL": "AAAA" + "#" * 10,
    "BE": "#" * 12,
    "PL": "#" * 24,
    "SE": "#" * 20,
    "DK": "#" * 14,
    "NO": "#" * 11,
    "FI": "#" * 14,
    "EE": "#" * 16,
    "LV": "AAAA" + "#" * 13,
    "SK": "#" * 20,
    "HR": "#" * 17,
    "SI": "#" * 15,
    "BG": "AAAA" + "#" * 6 + "X" * 8,
    "IS": "#" * 22,
    "CH": "#" * 17,
    "IE": "AAAA" + "#" * 14,
}


def gen_iban(country, bank=""):
    tmpl = BBAN[country]
    for _ in range(200000):
        body = bank + "".join(
            RNG.choice(DIGITS) if c == "#" else RNG.choice(UPPER) if c == "A" else RNG.choice(DIGITS + UPPER)
            for c in tmpl[len(bank) :]
        )
        raw = country + "00" + body
        cand = country + stdnum_iban.calc_check_digits(raw) + body
        if stdnum_iban.is_valid(cand):
            return " ".join(cand[i : i + 4] for i in range(0, len(cand), 4))
    raise ValueError(f"no valid IBAN for {country}")


def luhn_complete(prefix, length):
    body = prefix + draw(DIGITS, length - len(prefix) - 1)
    for d in DIGITS:
        cand = body + d
        total = 0
        for i, ch in enumerate(reversed(cand)):
            v = int(ch)
            if i % 2:
                v = v * 2 - 9 if v * 2 > 9 else v * 2
            total += v
        if total % 10 == 0:
            return cand
    raise AssertionError


def gen_card(kind, sep=" "):
    prefix, length = {"visa": ("4", 16), "mc": ("5" + RNG.choice("12345"), 16), "amex": ("37", 15)}[kind]
    num = luhn_complete(prefix, length)
    if kind == "amex":
        return sep.join((num[:4], num[4:10], num[10:]))
    return sep.join(num[i : i + 4] for i in range(0, 16, 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def gen_jwt(claims):
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    body = b64url(claims.encode())
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
        c = RNG.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if (c - 1) % 65537 and _is_probable_prime(c):
            return c


def gen_rsa(fmt, bits=2048):
    e = 65537
    p, q = _prime(bits // 2), _prime(bits // 2)
    if p < q:
        p, q = q, p
    d = pow(e, -1, (p - 1) * (q - 1))
    pub = rsa.RSAPublicNumbers(e, p * q)
    key = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), pub).private_key()
    f = (
        serialization.PrivateFormat.TraditionalOpenSSL
        if fmt == "pkcs1"
        else serialization.PrivateFormat.PKCS8
    )
    return key.private_bytes(serialization.Encoding.PEM, f, serialization.NoEncryption()).decode().strip()


def gen_ec(fmt):
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    key = ec.derive_private_key(RNG.randrange(1, n), ec.SECP256R1())
    f = serialization.PrivateFormat.TraditionalOpenSSL if fmt == "sec1" else serialization.PrivateFormat.PKCS8
    return key.private_bytes(serialization.Encoding.PEM, f, serialization.NoEncryption()).decode().strip()


def gen_ed25519():
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(RNG.getrandbits(8) for _ in range(32)))
    return (
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
        .strip()
    )


def gen_wg():
    raw = bytearray(RNG.getrandbits(8) for _ in range(32))
    raw[0] &= 248
    raw[31] = (raw[31] & 127) | 64
    return base64.b64encode(bytes(raw)).decode()


def gen_uuid():
    h = draw(HEXL, 32)
    h = h[:12] + "4" + h[13:16] + RNG.choice("89ab") + h[17:]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def gen_pw(n):
    """A generated-looking password: letters, digits and a few symbols."""
    while True:
        pw = draw(ALNUM + "!#%*+-=?@^_", n)
        if any(c.isdigit() for c in pw) and any(c.isupper() for c in pw) and any(c.islower() for c in pw):
            return pw


def gen_tok(spec):
    """Provider-shaped tokens; spec is the slot's first argument."""
    parts = spec.split("+")
    out = []
    for part in parts:
        if ":" in part:  # alphabet:length
            alpha, n = part.split(":")
            alphabet = {
                "a": ALNUM,
                "l": LOWER + DIGITS,
                "u": UPPER + DIGITS,
                "U": UPPER,
                "h": HEXL,
                "H": HEXL.upper(),
                "d": DIGITS,
                "b": B64,
                "w": B64URL,
                "z": BECH32,
            }[alpha]
            out.append(draw(alphabet, int(n)))
        else:
            out.append(part)
    return "".join(out)


def slot(kind, args):
    if kind == "id":
        return gen_id(args[0], args[1], args[2] if len(args) > 2 and args[2][:1].isdigit() else None)
    if kind == "iban":
        return gen_iban(args[0], args[1] if len(args) > 1 and not args[1].startswith("#") else "")
    if kind == "card":
        return gen_card(args[0], args[1] if len(args) > 1 and not args[1].startswith("#") else " ")
    if kind == "tok":
        return gen_tok(args[0].replace("~", "|"))
    if kind == "pw":
        return gen_pw(int(args[0]))
    if kind == "uuid":
        return gen_uuid()
    if kind == "jwt":
        return gen_jwt(args[0].replace("'", '"'))
    if kind == "rsa":
        return gen_rsa(args[0])
    if kind == "ec":
        return gen_ec(args[0])
    if kind == "ed25519":
        return gen_ed25519()
    if kind == "wg":
        return gen_wg()
    if kind == "b64":
        return base64.b64encode(bytes(RNG.getrandbits(8) for _ in range(int(args[0])))).decode()
    if kind == "basic":
        return base64.b64encode(args[0].encode()).decode()
    raise ValueError(kind)


SLOT = re.compile(r"⁅([a-z0-9]+)((?:\|[^⁆]*)?)⁆")


def fill(text):
    cache = {}

    def rep(m):
        key = m.group(0)
        if key not in cache:
            args = m.group(2)[1:].split("|") if m.group(2) else []
            cache[key] = slot(m.group(1), args)
        return cache[key]

    out = SLOT.sub(rep, text)
    assert "⁅" not in out and "⁆" not in out, "generator slot left in text"
    return out


def add(group, lang, domain, fmt, text):
    add_prompt(PROMPTS, group, lang, domain, fmt, fill(text))


# ---------------------------------------------------------------------------
# prompts
# ---------------------------------------------------------------------------
# ===========================================================================
# pii — English
# ===========================================================================
add(
    "pii",
    "en",
    "fema-disaster-assistance-registration",
    "prose",
    """
Can you help me fill in the FEMA disaster assistance registration for my aunt? Her basement flooded in the storm last week. Details: ⟦P:Loretta Vasquez-Haines⟧, born ⟦DOB:06/19/1948⟧, SSN ⟦ID@US:⁅id|US|###-##-####⁆⟧, damaged home at ⟦A:1184 Cottonwood Bend Rd, Ellicott City, MD 21043⟧, phone ⟦T:(410) 555-0163⟧. She is on ⟦MED:insulin⟧ for ⟦MC:type 2 diabetes⟧ and lost the fridge, so the ⟦MED:insulin⟧ pens spoiled. She also uses a ⟦MC:walker⟧ and can't get down the basement stairs. Put me, ⟦P:Dana Haines⟧, as the contact (⟦E:dana.haines@mailbox.example⟧). Keep the "describe your losses" part short.
""",
)
add(
    "pii",
    "en",
    "cobra-election-letter",
    "prose",
    """
Please draft a cover note to send with the COBRA election form. Covered employee: ⟦P:Marcus Oyelowo⟧, SSN ⟦ID@US:⁅id|US|###-##-####⁆⟧, DOB ⟦DOB:2/7/1979⟧. Dependants to keep on the plan: spouse ⟦P:Adaeze Oyelowo⟧ (DOB ⟦DOB:11/23/1981⟧) and son ⟦P:Tobenna Oyelowo⟧ (DOB ⟦DOB:4/30/2012⟧), who is in the middle of ⟦MC:leukemia⟧ treatment at the children's hospital — that's why we can't have a gap in coverage. Member ID on the old card is ⟦ACC:XGH884120937⟧. Mail goes to ⟦A:59 Larkspur Court, Naperville, IL 60540⟧.
""",
)
add(
    "pii",
    "en",
    "nhs-continuing-healthcare-checklist-notes",
    "prose",
    """
Turn my scribbled notes from today's NHS Continuing Healthcare checklist meeting into a tidy summary for the family:

dad = ⟦P:Geoffrey Pilkington⟧, NHS no ⟦ID@GB:⁅id|GB|### ### ###?⁆⟧, DOB ⟦DOB:03.10.1937⟧
now at ⟦A:Flat 2, 17 Holloway Lane, Sheffield S11 8QF⟧
- ⟦MC:vascular dementia⟧, ⟦MC:Parkinson's⟧, two falls since May
- on ⟦MED:co-careldopa⟧ and ⟦MED:donepezil⟧
- SW was ⟦P:Imogen Strachan⟧ (⟦T:0114 496 0732⟧), nurse assessor ⟦P:Rav Bassi⟧
- outcome: full assessment to follow within 28 days
""",
)
add(
    "pii",
    "en",
    "irish-over-70s-medical-card-review",
    "form",
    """
My mam got the medical card review letter. Can you check I've filled this out right before I post it?

Applicant: ⟦P:Bridget Ní Fhlannagáin⟧
PPS number: ⟦ID@IE:⁅id|IE|#######?⁆⟧
Date of birth: ⟦DOB:14/02/1951⟧
Address: ⟦A:Knockaunbrack, Kilmallock, Co. Limerick, V35 KX29⟧
Phone: ⟦T:087 334 2918⟧
Spouse: ⟦P:Donal Flanagan⟧, PPS ⟦ID@IE:⁅id|IE|#######?|#2⁆⟧
Gross weekly income (both): €742
Medical: ⟦MC:atrial fibrillation⟧, takes ⟦MED:apixaban⟧
""",
)
add(
    "pii",
    "en",
    "oas-gis-application-father",
    "prose",
    """
My father turns 65 in March and I'm filling in his Old Age Security and GIS application online for him. He is ⟦P:Harjit Singh Grewal⟧, born ⟦DOB:March 28, 1961⟧, SIN ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧, living at ⟦A:7421 128 St, Surrey, BC V3W 4E6⟧. He came to Canada in 1994, so how many years of residence count? My mother ⟦P:Paramjit Kaur Grewal⟧ (SIN ⟦ID@CA:⁅id|CA|### ### ##?|#2⁆⟧) gets CPP already. Can you explain the residence section in plain words so I can read it to him in Punjabi?
""",
)
add(
    "pii",
    "en",
    "ato-amendment-letter",
    "prose",
    """
Write a short letter to the ATO asking them to amend my 2023–24 return — I forgot to include a second PAYG summary from a casual job at a nursery. Name ⟦P:Saoirse Tamihana-Kelly⟧, TFN ⟦ID@AU:⁅id|AU|### ### ##?⁆⟧, DOB ⟦DOB:9 August 1996⟧, postal address ⟦A:3/48 Wattle Grove, Footscray VIC 3011⟧, mobile ⟦T:0412 977 306⟧. The missing income was $4,870 gross with $310 withheld.
""",
)
add(
    "pii",
    "en",
    "studylink-student-allowance-appeal",
    "prose",
    """
I need to appeal a StudyLink decision — they counted my parents' income but my parents separated in 2022 and I don't live with either. Could you turn this into a proper review request?

Name: ⟦P:Kahurangi Te Rito⟧, IRD ⟦ID@NZ:⁅id|NZ|###-###-##?⁆⟧, StudyLink client number ⟦ACC:318 447 902⟧, born ⟦DOB:22/01/2006⟧, address ⟦A:14 Kauri Street, Whanganui 4500⟧, ph ⟦T:021 448 3190⟧. My counsellor at uni (Ms ⟦P:Fenwick⟧ — actually just put ⟦P:Ana Fenwick⟧) can write a support letter; I've been seeing her for ⟦MC:anxiety⟧.
""",
)
add(
    "pii",
    "en",
    "uif-maternity-claim",
    "form",
    """
Fill the UIF maternity benefit claim summary for the payroll clerk:

Employee: ⟦P:Nokuthula Precious Dube⟧
ID number: ⟦ID@ZA:⁅id|ZA|9104122###08?|1991-04-12⁆⟧
Date of birth: ⟦DOB:1991-04-12⟧
Expected delivery: 2025-11-03 (⟦MC:pregnant⟧, ⟦MC:pre-eclampsia⟧ noted by gynae)
Address: ⟦A:2281 Mokoena Street, Mamelodi East, Pretoria, 0122⟧
Cell: ⟦T:072 418 5530⟧
Bank: Capitec, account ⟦ACC:1782 446 019⟧
""",
)
add(
    "pii",
    "en",
    "pm-kisan-correction",
    "prose",
    """
My uncle's PM-KISAN instalment stopped because the name in the portal doesn't match his Aadhaar. Aadhaar shows ⟦P:RAMESHWAR PRASAD YADAV⟧, portal shows ⟦P:Rameshwar P Yadav⟧. Aadhaar number ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧, mobile ⟦T:+91 94155 30712⟧, village ⟦A:Gram Bhitari, Post Saidpur, Tehsil Saidpur, Ghazipur, UP 233304⟧. Please write the application to the tehsil agriculture officer for the correction.
""",
)
add(
    "pii",
    "en",
    "ssa-earnings-record-correction",
    "prose",
    """
My Social Security statement shows $0 earnings for 2009 and 2010, but I worked at a tire shop those years. I have W-2s. Please write the request to correct my earnings record. My info: ⟦P:Dwight Ambrose Kettering⟧, SSN ⟦ID@US:⁅id|US|###-##-####⁆⟧, born ⟦DOB:October 2, 1968⟧, ⟦A:606 N Maple Ave, Muncie, IN 47303⟧, ⟦T:765-555-0119⟧. The employer was Kettle Creek Tire & Lube (EIN on the W-2). I'm asking now because I have ⟦MC:COPD⟧ and might need to file for disability soon.
""",
)
add(
    "pii",
    "en",
    "korea-nps-lump-sum-refund",
    "prose",
    """
I'm leaving Korea after four years teaching English and want the National Pension lump-sum refund. Can you list what I need to bring to the NPS office and fill in what you can?

Name: ⟦P:Caitlin Marie O'Rourke⟧
Alien registration no: ⟦ID@KR:⁅id|KR|880207-6#####?⁆⟧
Passport: ⟦PASS:PD4418273⟧ (Irish)
Korean address: ⟦A:Hwagok-ro 34-gil 17, 302-ho, Gangseo-gu, Seoul⟧
Phone: ⟦T:+82 10-4471-2096⟧
Refund to: AIB account ⟦IBAN:⁅iban|IE|AIBK⁆⟧
Departure: 28 February
""",
)
add(
    "pii",
    "en",
    "japan-kokuho-enrolment",
    "form",
    """
I quit my company job in Osaka and have to join Kokumin Kenko Hoken. Please translate the ward office form fields I've filled in and tell me if anything looks off:

氏名 (name): ⟦P:Lindqvist Erik Johan⟧
個人番号 (My Number): ⟦ID@JP:⁅id|JP|#### #### ###?⁆⟧
生年月日: ⟦DOB:1990年7月15日⟧
住所: ⟦A:〒530-0041 大阪府大阪市北区天神橋4-8-12-903⟧
電話: ⟦T:+81 90-3318-4472⟧
資格喪失日 (lost employer insurance): 2025-09-30
""",
)
add(
    "pii",
    "en",
    "chinese-bank-id-renewal-update",
    "prose",
    """
Help me write a polite English + Chinese note to the Bank of China London branch. My mother's resident ID card was renewed and the bank froze online access because the expiry date is old. Her name is ⟦P:Tang Xiulan⟧ (⟦P:唐秀兰⟧), new ID number ⟦ID@CN:⁅id|CN|11010519630821##4?|1963-08-21⁆⟧, date of birth ⟦DOB:1963-08-21⟧, account ⟦ACC:6013 8220 0047 1195⟧, UK mobile ⟦T:+44 7700 183 402⟧. I'm her daughter ⟦P:Zhou Min⟧ and I'll bring her in person.
""",
)
add(
    "pii",
    "en",
    "perkeso-invalidity-claim",
    "prose",
    """
My father-in-law had a ⟦MC:stroke⟧ in June and can't go back to his job at the palm oil mill. Please help me write the cover letter for his PERKESO invalidity pension claim. Name ⟦P:Ramasamy a/l Krishnan⟧, NRIC ⟦ID@MY:⁅id|MY|640319-08-###1|1964-03-19⁆⟧, SOCSO contribution since 1998, address ⟦A:No. 27, Lorong Cempaka 4, Taman Sri Manjung, 32040 Seri Manjung, Perak⟧, contact me (⟦P:Kavitha Ramasamy⟧) at ⟦T:+60 12-448 3027⟧. He is now on ⟦MED:clopidogrel⟧ and needs a ⟦MC:wheelchair⟧ outside the house.
""",
)
add(
    "pii",
    "en",
    "bituah-leumi-newborn-child-allowance",
    "prose",
    """
Our daughter was born at Shaare Zedek and the child allowance hasn't started. Can you draft the message to Bituah Leumi? Father: ⟦P:Yonatan Ben-Ami⟧, ID ⟦ID@IL:⁅id|IL|########?⁆⟧. Mother: ⟦P:Noa Ben-Ami Shalev⟧, ID ⟦ID@IL:⁅id|IL|########?|#2⁆⟧. Baby ⟦P:Tamar⟧ born ⟦DOB:2 September 2025⟧. Bank account for payments: Leumi branch 912, account ⟦ACC:38-441207⟧. Address ⟦A:Rehov HaPalmach 41, apt 6, Jerusalem 9254207⟧, phone ⟦T:+972 54-771-3094⟧.
""",
)
add(
    "pii",
    "en",
    "nadra-frc-school-admission",
    "prose",
    """
The school in Lahore is asking for a NADRA Family Registration Certificate for my nephew's admission. Can you write the request letter? Father ⟦P:Imran Shahid Butt⟧, CNIC ⟦ID@PK:⁅id|PK|35202-#######-7⁆⟧; mother ⟦P:Sadia Imran⟧, CNIC ⟦ID@PK:⁅id|PK|35201-#######-4⁆⟧; child ⟦P:Ahmad Imran Butt⟧, date of birth ⟦DOB:17-03-2018⟧. Address ⟦A:House 112, Street 9, Block C, Johar Town, Lahore⟧, mobile ⟦T:+92 300 4418207⟧.
""",
)
add(
    "pii",
    "en",
    "real-id-appointment-checklist",
    "markdown-table",
    """
Make me a checklist for the REAL ID appointment at the Secretary of State office on Friday for me and my husband, from this table:

| who | document | number |
|---|---|---|
| ⟦P:Kristin Aalderink⟧ | Michigan driver's license | ⟦DL:A 362 558 104 771⟧ |
| ⟦P:Kristin Aalderink⟧ | US passport | ⟦PASS:567104392⟧ |
| ⟦P:Kristin Aalderink⟧ | Social Security card | ⟦ID@US:⁅id|US|###-##-####⁆⟧ |
| ⟦P:Bram Aalderink⟧ | Michigan driver's license | ⟦DL:A 362 771 903 216⟧ |
| ⟦P:Bram Aalderink⟧ | birth certificate | born ⟦DOB:05/14/1984⟧, Holland MI |
| both | proof of address | ⟦A:2207 Cherry Ridge Dr, Holland, MI 49424⟧ |
""",
)
add(
    "pii",
    "en",
    "meals-on-wheels-route-sheet",
    "csv",
    """
Reorder this Tuesday Meals on Wheels route so the DB-coded meals go out first, and flag anyone whose diet note conflicts with the meal code:

stop,client,address,phone,meal,diet_note
1,⟦P:Ethel Brandstetter⟧,⟦A:44 Orchard Row, Kettering NN16 0BT⟧,⟦T:01536 512 274⟧,STD,"⟦MC:diabetic⟧, ⟦MC:dysphagia⟧ - minced"
2,⟦P:Wilfred Okonjo⟧,⟦A:9 Pollard Close, Kettering NN15 6AY⟧,⟦T:07911 402 338⟧,DB,"⟦MC:diabetic⟧"
3,⟦P:Maisie Haddow⟧,⟦A:2 Chapel Yard, Rothwell NN14 6EF⟧,⟦T:01536 710 559⟧,SOFT,"⟦MC:no teeth⟧, ⟦MC:coeliac⟧"
4,⟦P:Arthur Pennywhistle⟧,⟦A:71 Stamford Rd, Kettering NN16 8LQ⟧,⟦T:07700 122 845⟧,STD,"on ⟦MED:warfarin⟧ - no cranberry"
""",
)
add(
    "pii",
    "en",
    "calendly-immigration-consult-webhook",
    "json",
    """
Our Zapier step fails on this Calendly webhook payload — which field path should I map to "Client name" and "Country of birth"?

{"event":"invitee.created","payload":{"name":"⟦P:Oksana Melnychuk-Reid⟧","email":"⟦E:oksana.mreid@postbox.example⟧","text_reminder_number":"⟦T:+1 617-555-0182⟧","questions_and_answers":[{"question":"Date of birth","answer":"⟦DOB:1987-12-03⟧"},{"question":"Country of birth","answer":"Ukraine"},{"question":"Passport number","answer":"⟦PASS:FK288104⟧"},{"question":"What is your question?","answer":"My husband ⟦P:Graham Reid⟧ is a US citizen; can I adjust status while my asylum case is pending?"}],"tracking":{"utm_source":"google"},"ip":"⟦IP:73.162.48.211⟧"}}
""",
)
add(
    "pii",
    "en",
    "captive-portal-log",
    "kv-log",
    """
Our hotel's guest Wi-Fi captive portal log — can you count logins per room and tell me why room 412 keeps failing?

2025-10-04T21:03:11Z portal=guest-wifi room=412 surname="⟦P:Thibault⟧" result=FAIL reason=surname_mismatch client_ip=10.20.4.17 wan_ip=⟦IP:89.204.137.52⟧
2025-10-04T21:03:40Z portal=guest-wifi room=412 surname="⟦P:Thibeault⟧" result=FAIL reason=surname_mismatch client_ip=10.20.4.17 wan_ip=⟦IP:89.204.137.52⟧
2025-10-04T21:05:02Z portal=guest-wifi room=207 surname="⟦P:Szymańska⟧" result=OK email=⟦E:m.szymanska@webpost.example⟧ client_ip=10.20.2.88
2025-10-04T21:09:19Z portal=guest-wifi room=412 surname="⟦P:THIBEAULT-MORIN⟧" result=OK client_ip=10.20.4.17
2025-10-04T21:14:55Z portal=guest-wifi room=118 surname="⟦P:Adeyemi⟧" result=OK email=⟦E:tolu.adeyemi@inbox.example⟧ client_ip=10.20.1.31 wan_ip=⟦IP:2a02:8109:9c40:1e00:5d2:7a1f:e31c:4b09⟧
""",
)
add(
    "pii",
    "en",
    "bike-repair-shop-email-fix",
    "sql",
    """
Is this safe to run on the bike shop's database? A customer says we misspelled her e-mail and she never got the "ready for pickup" texts either.

UPDATE customers
   SET email = '⟦E:harriet.lomax@fastpost.example⟧',
       phone = '⟦T:07842 661 093⟧'
 WHERE customer_no = '⟦ACC:C-20417⟧'
   AND last_name = '⟦P:Lomax⟧'
   AND email = '⟦E:harriet.lomx@fastpost.example⟧';
-- old record also has address ⟦A:16 Quarry Hill, Frome BA11 1PU⟧, first_name ⟦P:Harriet⟧
""",
)
add(
    "pii",
    "en",
    "hugo-speakers-data-file",
    "yaml",
    """
Hugo won't build our meetup site since I added the speakers file. What's wrong with this YAML?

speakers:
  - name: ⟦P:Priyanka Deshmukh⟧
    handle: "@⟦U:priyadesh⟧"
    email: ⟦E:priyanka.deshmukh@devmail.example⟧
    phone: "⟦T:+44 7468 301 227⟧"
    bio: Backend engineer, talks about Postgres.
  - name: ⟦P:Tomasz "Tom" Wierzbicki⟧
   handle: "@⟦U:twierzb⟧"
    email: ⟦E:tw@wierzbicki.example⟧
    access_note: uses a ⟦MC:wheelchair⟧ - needs step-free stage
""",
)
add(
    "pii",
    "en",
    "pet-insurance-quote-api",
    "http",
    """
Why does this pet-insurance quote request return 422?

POST /v2/quotes HTTP/1.1
Host: api.pawcover.example
Content-Type: application/json

{"owner":{"first_name":"⟦P:Mireille⟧","last_name":"⟦P:Achterberg⟧","dob":"⟦DOB:1975-31-05⟧","email":"⟦E:mireille.achterberg@mail.example⟧","phone":"⟦T:+31 6 41830927⟧","address":"⟦A:Kerkstraat 112-2, 1017 GP Amsterdam⟧"},"pet":{"name":"Boris","species":"dog","breed":"Beagle","dob":"2021-04-11"}}
""",
)
add(
    "pii",
    "en",
    "sbar-night-handover-table",
    "markdown-table",
    """
Rewrite this night-shift handover as SBAR bullets per patient, keep it short:

| bed | patient | MRN | issue | meds |
|---|---|---|---|---|
| 3 | ⟦P:Cormac Delahunty⟧ | ⟦MRN:H0448120⟧ | ⟦MC:community-acquired pneumonia⟧, sats 91% on 2L | ⟦MED:amoxicillin⟧, ⟦MED:clarithromycin⟧ |
| 5 | ⟦P:Winifred Tshabalala⟧ | ⟦MRN:H0391776⟧ | ⟦MC:delirium⟧, ⟦MC:UTI⟧ | ⟦MED:nitrofurantoin⟧ |
| 7 | ⟦P:Lachlan Osei-Bonsu⟧ | ⟦MRN:H0512093⟧ | post ⟦MC:appendicectomy⟧ day 1 | ⟦MED:morphine⟧ PRN |
""",
)
add(
    "pii",
    "en",
    "judo-grading-registration",
    "form",
    """
Can you check this judo grading entry form before I send it to the club secretary?

Player: ⟦P:Rowan Achebe-Finch⟧
Date of birth: ⟦DOB:12 Nov 2011⟧
Current grade: 7th kyu (yellow)
BJA licence no: ⟦ACC:BJA-2291846⟧
Parent: ⟦P:Chioma Achebe⟧, ⟦T:07517 448 306⟧, ⟦E:chioma.achebe@familymail.example⟧
Medical: ⟦MC:asthma⟧ - ⟦MED:salbutamol⟧ inhaler in kit bag
""",
)
add(
    "pii",
    "en",
    "locksmith-lockout-message",
    "prose",
    """
Make this message to the locksmith clearer: hi it's ⟦P:Bethany Crowther⟧ again, I'm locked out of ⟦A:23 Ferncliffe Road, Leeds LS13 2NT⟧, the key snapped in the back door, I'm ⟦MC:8 months pregnant⟧ so I can't climb in through the window like last time lol, call me on ⟦T:07723 905 461⟧ or my partner ⟦P:Jamal⟧ on ⟦T:07954 310 882⟧. I can pay by card on the day.
""",
)
add(
    "pii",
    "en",
    "jewellery-repair-intake",
    "prose",
    """
Summarise this repair intake for the workshop ticket (no customer contact on the ticket, just the job): Customer ⟦P:Yvette Marchbanks⟧ (⟦E:yvette.m@letterbox.example⟧, ⟦T:07398 216 744⟧) dropped off her late mother's engagement ring to resize from N to P. Paid the £40 deposit with Visa ending 4471 — full card ⟦CC:⁅card|visa⁆⟧ was written on the paper form by mistake, please don't copy it anywhere. Pickup at the Harrogate shop. She mentioned her knuckles swell because of ⟦MC:rheumatoid arthritis⟧.
""",
)
add(
    "pii",
    "en",
    "wedding-florist-invoice-dispute",
    "prose",
    """
Help me reply to this without sounding angry: "Dear Mrs ⟦P:Okafor-Pryce⟧"... sorry, start with: Hi ⟦P:Lorraine⟧, the invoice for the 14 June wedding was paid in full from my account ⟦ACC:40-47-84 31926608⟧ on 2 June, but your reminder says £620 is outstanding. The payer name shows as ⟦P:J A Okafor-Pryce⟧. Could you check? ⟦P:Jacqueline⟧
""",
)
add(
    "pii",
    "en",
    "ham-club-repeater-keyholders",
    "markdown-table",
    """
Format this list of repeater site keyholders for the club newsletter, but drop the phone column:

| callsign | name | phone | home QTH |
|---|---|---|---|
| G4XVK | ⟦P:Malcolm Thwaite⟧ | ⟦T:01423 508 611⟧ | ⟦A:6 Moorside Cottages, Pateley Bridge HG3 5HW⟧ |
| M0PRL | ⟦P:Sandra Okwu⟧ | ⟦T:07407 219 873⟧ | ⟦A:31 Beckwith Drive, Harrogate HG2 0BQ⟧ |
| 2E0FJD | ⟦P:Finlay Dunmore⟧ | ⟦T:07981 664 150⟧ | ⟦A:Low Barn, Darley, Harrogate HG3 2QF⟧ |
""",
)
# ===========================================================================
# pii — other languages
# ===========================================================================
add(
    "pii",
    "de",
    "drv-kontenklaerung",
    "prose",
    """
Kannst du mir helfen, das Anschreiben zur Kontenklärung an die Deutsche Rentenversicherung zu formulieren? In meinem Versicherungsverlauf fehlen die Jahre 1998–2001 (Ausbildung zur Zahnarzthelferin in Kassel). Daten: ⟦P:Sabine Heußler-Kranz⟧, geb. ⟦DOB:17.09.1981⟧, Steuer-ID ⟦ID@DE:⁅id|DE|## ### ### ##?⁆⟧, ⟦A:Wilhelmshöher Allee 212, 34119 Kassel⟧, Tel. ⟦T:0561 7398 4412⟧. Erstattungen bitte auf ⟦IBAN:⁅iban|DE⁆⟧. Ich bin seit 2019 wegen ⟦MC:Multipler Sklerose⟧ teilweise erwerbsgemindert, das sollte vielleicht auch rein.
""",
)
add(
    "pii",
    "de",
    "wien-heizkostenzuschuss",
    "form",
    """
Bitte prüf den Antrag auf Heizkostenzuschuss für meine Oma, ob alles vollständig ist:

Name: ⟦P:Hermine Wolfsgruber⟧
Versicherungsnummer: ⟦ID@AT:⁅id|AT|###? 080342|1942-03-08⁆⟧
Geburtsdatum: ⟦DOB:08.03.1942⟧
Adresse: ⟦A:Quellenstraße 144/3/17, 1100 Wien⟧
Telefon: ⟦T:+43 1 6047318⟧
Haushalt: allein, Ausgleichszulage
Konto: ⟦IBAN:⁅iban|AT⁆⟧
Anmerkung: Pflegestufe 2 wegen ⟦MC:Demenz⟧
""",
)
add(
    "pii",
    "fr",
    "caf-prime-activite",
    "prose",
    """
Peux-tu m'aider à répondre au courrier de la CAF ? Ils me demandent de justifier mes revenus pour la prime d'activité. Je m'appelle ⟦P:Nadège Lerouvillois⟧, née le ⟦DOB:4 juin 1993⟧, n° de sécurité sociale ⟦ID@FR:⁅id|FR|2 93 06 59 350 ### ??|1993-06-04⁆⟧, allocataire n° ⟦ACC:7741093⟧, j'habite ⟦A:18 rue des Arts, 59800 Lille⟧. J'ai eu un contrat à mi-temps chez un traiteur de mars à août puis un arrêt pour ⟦MC:burn-out⟧. Mon téléphone : ⟦T:06 71 48 29 03⟧.
""",
)
add(
    "pii",
    "fr",
    "vaud-subside-assurance-maladie",
    "form",
    """
Corrige l'orthographe de ce formulaire de demande de subside à l'assurance-maladie (Vaud) avant que je l'envoie :

Requérant : ⟦P:Gaëtan Rochat-Dufaux⟧
N° AVS : ⟦ID@CH:⁅id|CH|756.####.####.#?⁆⟧
Date de naissance : ⟦DOB:23.11.1986⟧
Conjointe : ⟦P:Inês Rochat-Dufaux⟧, N° AVS ⟦ID@CH:⁅id|CH|756.####.####.#?|#2⁆⟧
Adresse : ⟦A:Chemin des Grangettes 9, 1012 Lausanne⟧
Téléphone : ⟦T:+41 78 613 40 92⟧
Remarque : enfant ⟦P:Noé⟧ suivi pour ⟦MC:diabète de type 1⟧
""",
)
add(
    "pii",
    "es",
    "pension-bienestar-adultos-mayores",
    "prose",
    """
Necesito ayuda para llenar el registro de la Pensión para el Bienestar de las Personas Adultas Mayores de mi papá. Se llama ⟦P:Aurelio Cantú Villarreal⟧, nació el ⟦DOB:12 de agosto de 1960⟧, CURP ⟦ID@MX:⁅id|MX|CAVA600812HNLNLR0?|1960-08-12⁆⟧, vive en ⟦A:Calle Zaragoza 417, Col. Centro, 67100 Guadalupe, N.L.⟧ y su celular es ⟦T:+52 81 1442 7803⟧. Él tiene ⟦MC:insuficiencia renal⟧ y va a ⟦MC:hemodiálisis⟧ tres veces por semana, así que yo, ⟦P:Rocío Cantú⟧, seré su auxiliar.
""",
)
add(
    "pii",
    "es",
    "bolsa-empleo-ayuntamiento",
    "form",
    """
Revisa esta solicitud para la bolsa de empleo de peón de jardinería del Ayuntamiento de Getafe, por favor:

Nombre y apellidos: ⟦P:Yeray Santana Quintero⟧
DNI: ⟦ID@ES:⁅id|ES|########?⁆⟧
Fecha de nacimiento: ⟦DOB:30/01/1989⟧
Domicilio: ⟦A:C/ Madrid 58, 3.º B, 28901 Getafe⟧
Teléfono: ⟦T:612 408 337⟧
Correo: ⟦E:yeray.santana@correo.example⟧
Discapacidad: 33 % (⟦MC:hipoacusia⟧) — solicito cupo de reserva
""",
)
add(
    "pii",
    "it",
    "assegno-unico-figli",
    "prose",
    """
Mi aiuti a scrivere una mail al patronato? L'INPS mi ha sospeso l'assegno unico perché manca il codice fiscale del secondo figlio. Sono ⟦P:Federica Scalzotto⟧, CF ⟦ID@IT:⁅id|IT|SCLFRC88C52L736?|1988-03-12⁆⟧, nata il ⟦DOB:12/03/1988⟧, residente in ⟦A:Via Torino 66, 30172 Mestre (VE)⟧. Il bambino è ⟦P:Leonardo Pivetta⟧, nato il ⟦DOB:19/05/2025⟧, CF ⟦ID@IT:⁅id|IT|PVTLRD25E19L736?⁆⟧. Accredito su ⟦IBAN:⁅iban|IT⁆⟧. Cell. ⟦T:347 881 2064⟧.
""",
)
add(
    "pii",
    "it",
    "servizio-civile-domanda",
    "form",
    """
Controlla se la mia domanda per il Servizio Civile Universale è scritta bene (sezione dati personali):

Cognome e nome: ⟦P:Esposito Gennaro⟧
Codice fiscale: ⟦ID@IT:⁅id|IT|SPSGNR02P21F839?|2002-09-21⁆⟧
Data di nascita: ⟦DOB:21 settembre 2002⟧
Residenza: ⟦A:Via Foria 188, 80137 Napoli⟧
Telefono: ⟦T:+39 331 207 4486⟧
Email: ⟦E:gennaro.esposito02@posta.example⟧
Note: ⟦MC:dislessia⟧ certificata, chiedo tempo aggiuntivo al colloquio
""",
)
add(
    "pii",
    "pt",
    "farmacia-popular-cadastro",
    "prose",
    """
Me ajuda a escrever um recado para o farmacêutico? Minha mãe, ⟦P:Maria do Socorro Bezerra Lins⟧, CPF ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧, nascida em ⟦DOB:03/02/1955⟧, pega ⟦MED:losartana⟧ e ⟦MED:metformina⟧ pelo Farmácia Popular, mas o sistema diz que o CPF está irregular. Ela tem ⟦MC:hipertensão⟧ e ⟦MC:diabetes⟧. Endereço: ⟦A:Rua Padre Roma 240, apto 102, Recife - PE, 52060-060⟧. Meu zap é ⟦T:(81) 99734-2186⟧, sou a filha, ⟦P:Juliana⟧.
""",
)
add(
    "pii",
    "pt",
    "iefp-inscricao-desemprego",
    "form",
    """
Confirma se falta alguma coisa nesta inscrição no IEFP:

Nome: ⟦P:Tiago Manuel Brandão Figueira⟧
NIF: ⟦ID@PT:⁅id|PT|2## ### ##?⁆⟧
Data de nascimento: ⟦DOB:1979-11-08⟧
Morada: ⟦A:Rua do Bonjardim 512, 2.º Dto, 4000-124 Porto⟧
Telemóvel: ⟦T:912 407 385⟧
Email: ⟦E:tiago.figueira@correio.example⟧
IBAN para subsídio: ⟦IBAN:⁅iban|PT⁆⟧
Observações: ⟦MC:hérnia discal⟧, não posso fazer trabalho com cargas
""",
)
add(
    "pii",
    "nl",
    "kwijtschelding-gemeentebelasting",
    "prose",
    """
Kun je deze aanvraag voor kwijtschelding van de afvalstoffenheffing wat netter maken? Ik ben ⟦P:Soufiane el Amrani⟧, BSN ⟦ID@NL:⁅id|NL|#########⁆⟧, geboren ⟦DOB:02-07-1990⟧, woonachtig ⟦A:Dordtselaan 87b, 3073 GB Rotterdam⟧. Ik zit sinds januari in de bijstand na een ⟦MC:hernia⟧-operatie. Mijn rekening: ⟦IBAN:⁅iban|NL|INGB⁆⟧. Bereikbaar op ⟦T:06 41 27 83 95⟧.
""",
)
add(
    "pii",
    "nl",
    "groeipakket-schooltoeslag",
    "form",
    """
Kijk even na of dit klopt voor de schooltoeslag (Groeipakket) van onze dochter:

Kind: ⟦P:Lotte Vanhoutte⟧
Rijksregisternummer: ⟦ID@BE:⁅id|BE|14.05.22-2#4.??|2014-05-22⁆⟧
Geboortedatum: ⟦DOB:22/05/2014⟧
School: Sint-Jozefscollege, 5de leerjaar
Ouder: ⟦P:Griet Vanhoutte⟧, ⟦T:0476 31 82 40⟧
Adres: ⟦A:Oudenaardsesteenweg 311, 8500 Kortrijk⟧
Rekening: ⟦IBAN:⁅iban|BE⁆⟧
Opmerking: ⟦MC:ADHD⟧, neemt ⟦MED:Concerta⟧
""",
)
add(
    "pii",
    "pl",
    "dowod-osobisty-dziecko",
    "prose",
    """
Pomóż mi napisać wiadomość do urzędu gminy. Chcę wyrobić dowód osobisty dla córki, bo jedziemy na wakacje do Chorwacji. Córka: ⟦P:Maja Szczepaniak⟧, PESEL ⟦ID@PL:⁅id|PL|122615###4?|2012-06-15⁆⟧, urodzona ⟦DOB:15 czerwca 2012⟧. Ja: ⟦P:Katarzyna Szczepaniak⟧, tel. ⟦T:603 418 274⟧. Adres: ⟦A:ul. Kościuszki 41/6, 58-500 Jelenia Góra⟧. Czy ⟦P:Maja⟧ musi przyjść osobiście, skoro ma ⟦MC:autyzm⟧ i bardzo źle znosi kolejki?
""",
)
add(
    "pii",
    "pl",
    "czyste-powietrze-wniosek",
    "form",
    """
Sprawdź, czy te dane do wniosku „Czyste Powietrze" są kompletne:

Wnioskodawca: ⟦P:Zbigniew Kruczek⟧
PESEL: ⟦ID@PL:⁅id|PL|570912###3?|1957-09-12⁆⟧
Data urodzenia: ⟦DOB:12.09.1957⟧
Adres budynku: ⟦A:Przydroże 14, 47-330 Zdzieszowice⟧
Telefon: ⟦T:+48 774 851 206⟧
Rachunek do wypłaty: ⟦IBAN:⁅iban|PL⁆⟧
Współwłaścicielka: ⟦P:Halina Kruczek⟧
""",
)
add(
    "pii",
    "sv",
    "vab-anmalan",
    "prose",
    """
Kan du skriva ett kort mejl till min chef om att jag är hemma med VAB? Min son ⟦P:Elis⟧ (personnummer ⟦ID@SE:⁅id|SE|170311-###?|2017-03-11⁆⟧) har ⟦MC:lunginflammation⟧ och fick ⟦MED:Kåvepenin⟧ igår. Jag har anmält det till Försäkringskassan. Jag heter ⟦P:Johanna Wikström⟧, nås på ⟦T:070-418 23 96⟧. Chefen heter ⟦P:Per-Olof⟧.
""",
)
add(
    "pii",
    "sv",
    "kommunens-sommarjobb",
    "csv",
    """
Sortera ungdomarna efter födelsedatum och markera de som är under 16 vid jobbstart 16 juni:

namn;personnummer;födelsedatum;telefon;arbetsplats;notering
⟦P:Alva Hedlund⟧;⟦ID@SE:⁅id|SE|090822-###?|2009-08-22⁆⟧;⟦DOB:2009-08-22⟧;⟦T:073-521 04 88⟧;Parkförvaltningen;
⟦P:Omar Jama⟧;⟦ID@SE:⁅id|SE|100704-###?|2010-07-04⁆⟧;⟦DOB:2010-07-04⟧;⟦T:076-342 19 07⟧;Äldreboendet Solgläntan;⟦MC:diabetes typ 1⟧
⟦P:Linnea Björk⟧;⟦ID@SE:⁅id|SE|090130-###?|2009-01-30⁆⟧;⟦DOB:2009-01-30⟧;⟦T:070-695 31 42⟧;Biblioteket;
""",
)
add(
    "pii",
    "da",
    "hjaelpemiddel-koerestol",
    "prose",
    """
Hjælp mig med at skrive en ansøgning til kommunen om en elkørestol til min far. Han hedder ⟦P:Bent Mogensen⟧, CPR ⟦ID@DK:⁅id|DK|120648-###?|1948-06-12⁆⟧, og bor på ⟦A:Ryesgade 14, 2. th., 8000 Aarhus C⟧. Han har ⟦MC:KOL⟧ og ⟦MC:hjertesvigt⟧ og kan ikke længere gå mere end 50 meter. Kontakt mig, ⟦P:Mette Mogensen⟧, på ⟦T:+45 28 41 93 07⟧.
""",
)
add(
    "pii",
    "no",
    "omsorgsstonad-soknad",
    "prose",
    """
Kan du forbedre denne søknaden om omsorgsstønad til kommunen? Jeg, ⟦P:Ingvild Saetre⟧ (fødselsnummer ⟦ID@NO:⁅id|NO|240779###??|1979-07-24⁆⟧), pleier sønnen min ⟦P:Sondre⟧ (født ⟦DOB:05.11.2015⟧) som har ⟦MC:cerebral parese⟧ og ⟦MC:epilepsi⟧. Han bruker ⟦MED:Orfiril⟧ og må ha tilsyn om natten. Adresse: ⟦A:Kalfarveien 58, 5018 Bergen⟧, telefon ⟦T:924 81 376⟧.
""",
)
add(
    "pii",
    "et",
    "matusetoetus-taotlus",
    "prose",
    """
Palun aita vormistada matusetoetuse taotlus vallavalitsusele. Lahkunu: ⟦P:Heino Pärnoja⟧, isikukood ⟦ID@EE:⁅id|EE|3440517###?|1944-05-17⁆⟧, suri 28. septembril. Taotleja: tütar ⟦P:Marika Pärnoja-Laas⟧, isikukood ⟦ID@EE:⁅id|EE|4710903###?|1971-09-03⁆⟧, elukoht ⟦A:Rüütli 22-5, 80010 Pärnu⟧, telefon ⟦T:+372 5341 8826⟧. Toetus kanda kontole ⟦IBAN:⁅iban|EE⁆⟧.
""",
)
add(
    "pii",
    "lv",
    "dzivesvietas-deklaresana",
    "form",
    """
Lūdzu, pārbaudi, vai dzīvesvietas deklarācijas dati ir pareizi:

Vārds, uzvārds: ⟦P:Elīza Krūmiņa⟧
Personas kods: ⟦ID@LV:⁅id|LV|030297-1###?⁆⟧
Dzimšanas datums: ⟦DOB:03.02.1997⟧
Jaunā adrese: ⟦A:Ģertrūdes iela 47 - 12, Rīga, LV-1011⟧
Tālrunis: ⟦T:+371 26 418 735⟧
E-pasts: ⟦E:eliza.krumina@pasts.example⟧
""",
)
add(
    "pii",
    "sk",
    "rodicovsky-prispevok",
    "prose",
    """
Pomôžte mi napísať žiadosť o rodičovský príspevok na úrad práce. Matka: ⟦P:Veronika Hudáková⟧, nar. ⟦DOB:14. 4. 1994⟧, bytom ⟦A:Hlavná 118, 040 01 Košice⟧, tel. ⟦T:0905 318 462⟧. Dieťa: ⟦P:Samuel Hudák⟧, rodné číslo ⟦ID@SK:⁅id|SK|250714/###?|2025-07-14⁆⟧, narodený ⟦DOB:14. 7. 2025⟧ ako ⟦MC:predčasne narodený⟧ v 32. týždni. Príspevok na účet ⟦IBAN:⁅iban|SK⁆⟧.
""",
)
add(
    "pii",
    "hr",
    "dopunsko-osiguranje-hzzo",
    "form",
    """
Provjeri molim te ovaj zahtjev za dopunsko zdravstveno osiguranje prije slanja HZZO-u:

Ime i prezime: ⟦P:Dubravka Vuković⟧
OIB: ⟦ID@HR:⁅id|HR|##########?⁆⟧
Datum rođenja: ⟦DOB:19.10.1966.⟧
Adresa: ⟦A:Ulica Vladimira Nazora 31, 21000 Split⟧
Mobitel: ⟦T:+385 91 447 2083⟧
Napomena: ⟦MC:karcinom dojke⟧, kemoterapija u KBC Split
""",
)
add(
    "pii",
    "sl",
    "otroski-dodatek-vloga",
    "prose",
    """
Prosim pomagaj mi napisati dopolnitev vloge za otroški dodatek. Vlagateljica: ⟦P:Tjaša Kranjc⟧, EMŠO ⟦ID@SI:⁅id|SI|1108991505##?⁆⟧, stalno prebivališče ⟦A:Celovška cesta 150, 1000 Ljubljana⟧, tel. ⟦T:041 327 819⟧. Otrok: ⟦P:Luka Kranjc⟧, rojen ⟦DOB:3. 1. 2019⟧, ima ⟦MC:astmo⟧ in uporablja ⟦MED:Flixotide⟧. Transakcijski račun: ⟦IBAN:⁅iban|SI⁆⟧.
""",
)
add(
    "pii",
    "bg",
    "telk-ekspertiza-zayavlenie",
    "prose",
    """
Помогни ми да напиша заявление до ТЕЛК за преосвидетелстване на баща ми. Той е ⟦P:Стоян Петков Иванов⟧, ЕГН ⟦ID@BG:⁅id|BG|520328###?|1952-03-28⁆⟧, роден на ⟦DOB:28.03.1952⟧, адрес ⟦A:ж.к. Младост 2, бл. 231, вх. Б, ет. 6, ап. 38, София 1799⟧, тел. ⟦T:+359 88 714 3260⟧. Има ⟦MC:исхемична болест на сърцето⟧ и ⟦MC:захарен диабет⟧, пие ⟦MED:Конкор⟧.
""",
)
add(
    "pii",
    "ca",
    "targeta-rosa-gent-gran",
    "form",
    """
Revisa aquesta sol·licitud de la targeta rosa per a la meva àvia, si us plau:

Nom i cognoms: ⟦P:Montserrat Puigdollers i Vidal⟧
DNI: ⟦ID@ES:⁅id|ES|########?⁆⟧
Data de naixement: ⟦DOB:7 de maig de 1949⟧
Adreça: ⟦A:Carrer de Sardenya 312, 4t 2a, 08025 Barcelona⟧
Telèfon: ⟦T:934 581 207⟧
Observacions: ⟦MC:artrosi de genoll⟧, camina amb ⟦MC:crossa⟧
""",
)
add(
    "pii",
    "is",
    "fristundaheimili-skraning",
    "form",
    """
Getur þú lesið yfir þessa skráningu í frístundaheimili áður en ég sendi hana?

Barn: ⟦P:Hekla Sigurðardóttir⟧
Kennitala: ⟦ID@IS:⁅id|IS|120918-##?0⁆⟧
Fæðingardagur: ⟦DOB:12.09.2018⟧
Forráðamaður: ⟦P:Sigurður Þórhallsson⟧, sími ⟦T:+354 862 4173⟧
Heimilisfang: ⟦A:Hringbraut 88, 107 Reykjavík⟧
Ofnæmi: ⟦MC:hnetuofnæmi⟧, ⟦MED:EpiPen⟧ í töskunni
""",
)
# ===========================================================================
# cred — English
# ===========================================================================
add(
    "cred",
    "en",
    "readme-docker-run-mistral",
    "command",
    """
Can you turn this docker run from our internal README into a compose file?

docker run -d --name docs-bot \\
  -p 8080:8080 \\
  -e MISTRAL_API_KEY=⟦K:⁅tok|a:32⁆⟧ \\
  -e POSTGRES_HOST=db.internal \\
  -e POSTGRES_USER=docsbot \\
  -e POSTGRES_PASSWORD='⟦S:⁅pw|18⁆⟧' \\
  -e LOG_LEVEL=info \\
  ghcr.io/acme-tools/docs-bot:1.8.2
""",
)
add(
    "cred",
    "en",
    "jupyter-elevenlabs-tts",
    "code",
    """
This notebook cell worked yesterday and now returns 401 — did they change the header name?

import requests
ELEVEN_KEY = "⟦K:sk_⁅tok|h:48⁆⟧"
VOICE = "21m00Tcm4TlvDq8ikWAM"
r = requests.post(
    f"https://api.elevenlabs.io/v1/text-to-speech/{VOICE}",
    headers={"xi-api-key": ELEVEN_KEY, "accept": "audio/mpeg"},
    json={"text": "Welcome to the museum audio guide.", "model_id": "eleven_multilingual_v2"},
)
open("intro.mp3", "wb").write(r.content)
""",
)
add(
    "cred",
    "en",
    "discord-bot-token-python",
    "code",
    """
My Discord bot for the D&D server logs in but never sees messages. What intent am I missing?

import discord
intents = discord.Intents.default()
client = discord.Client(intents=intents)

@client.event
async def on_message(msg):
    if msg.content.startswith("!roll"):
        await msg.channel.send("🎲 " + str(random.randint(1, 20)))

client.run("⟦K:MTI⁅tok|w:23⁆.⁅tok|w:6⁆.⁅tok|w:38⁆⟧")
""",
)
add(
    "cred",
    "en",
    "mailchimp-curl-audience",
    "command",
    """
Why does this give "API Key Invalid"? I copied it from the account page this morning.

curl -s -u "anystring:⟦K:⁅tok|h:32⁆-us21⟧" \\
  "https://us21.api.mailchimp.com/3.0/lists/4be7f1c2d9/members?count=50" | jq '.members[].status'
""",
)
add(
    "cred",
    "en",
    "deepgram-node-transcribe",
    "code",
    """
Convert this to TypeScript and make it read the file as a stream:

const fs = require("fs");
const fetch = require("node-fetch");
const DG = "⟦K:⁅tok|h:40⁆⟧";
(async () => {
  const res = await fetch("https://api.deepgram.com/v1/listen?model=nova-2&smart_format=true", {
    method: "POST",
    headers: { Authorization: `Token ${DG}`, "Content-Type": "audio/wav" },
    body: fs.readFileSync("./standup-2025-10-06.wav"),
  });
  console.log((await res.json()).results.channels[0].alternatives[0].transcript);
})();
""",
)
add(
    "cred",
    "en",
    "razorpay-webhook-php",
    "code",
    """
The signature check always fails on our Razorpay webhook. What's wrong with the HMAC?

<?php
$keyId = 'rzp_live_⁅tok|a:14⁆';
$keySecret = '⟦K:⁅tok|a:24⁆⟧';
$webhookSecret = '⟦S:⁅pw|20⁆⟧';
$payload = file_get_contents('php://input');
$expected = hash_hmac('sha256', $payload, $keySecret);
if (!hash_equals($expected, $_SERVER['HTTP_X_RAZORPAY_SIGNATURE'] ?? '')) {
    http_response_code(400);
    exit('bad signature');
}
""",
)
add(
    "cred",
    "en",
    "nextjs-env-local-recipes",
    "env",
    """
Which of these should have NEXT_PUBLIC_ and which must stay server-only?

# .env.local — recipe search
PINECONE_API_KEY=⟦K:pcsk_⁅tok|a:5⁆_⁅tok|a:63⁆⟧
PINECONE_INDEX=recipes-v3
TOGETHER_API_KEY=⟦K:⁅tok|h:64⁆⟧
CLERK_SECRET_KEY=⟦K:sk_live_⁅tok|a:42⁆⟧
CLERK_PUBLISHABLE_KEY=pk_live_Y2xlcmsucmVjaXBlcy5leGFtcGxlJA
DATABASE_URL=postgresql://recipes:⟦S:⁅pw|22⁆⟧@db.recipes.internal:5432/recipes
""",
)
add(
    "cred",
    "en",
    "certbot-cloudflare-ini",
    "ini",
    """
certbot says "Unable to determine zone_id" with this credentials file. Do I need a global key instead of a token?

# /etc/letsencrypt/cloudflare.ini  (chmod 600)
dns_cloudflare_api_token = ⟦K:⁅tok|w:40⁆⟧

$ certbot certonly --dns-cloudflare --dns-cloudflare-credentials /etc/letsencrypt/cloudflare.ini -d photos.hollins.example
""",
)
add(
    "cred",
    "en",
    "scaleway-cli-config",
    "yaml",
    """
scw keeps using the wrong project. Here's ~/.config/scw/config.yaml, what do I change?

access_key: ⟦K:SCW⁅tok|U:17⁆⟧
secret_key: ⟦K:⁅uuid⁆⟧
default_organization_id: 3f1a8c2e-7b04-4d9e-a6c1-0e5f2b9d7a13
default_project_id: 3f1a8c2e-7b04-4d9e-a6c1-0e5f2b9d7a13
default_region: fr-par
default_zone: fr-par-2
""",
)
add(
    "cred",
    "en",
    "netrc-heroku",
    "command",
    """
git push heroku main asks for a password even though I have this. Is the format wrong?

$ cat ~/.netrc
machine api.heroku.com
  login ⟦E:olumide.fashola@outlook.example⟧
  password ⟦K:HRKU-⁅uuid⁆⟧
machine git.heroku.com
  login ⟦E:olumide.fashola@outlook.example⟧
  password ⟦K:HRKU-⁅uuid⁆⟧
""",
)
add(
    "cred",
    "en",
    "azure-functions-local-settings",
    "json",
    """
The timer trigger won't start locally: "Missing value for AzureWebJobsStorage". But it's right there?

{
  "IsEncrypted": false,
  "Values": {
    "FUNCTIONS_WORKER_RUNTIME": "python",
    "AzureWebJobsStorage ": "DefaultEndpointsProtocol=https;AccountName=stinvoicesprod01;AccountKey=⟦K:⁅b64|64⁆⟧;EndpointSuffix=core.windows.net",
    "SMTP_PASSWORD": "⟦S:⁅pw|16⁆⟧"
  }
}
""",
)
add(
    "cred",
    "en",
    "hubspot-private-app-sync",
    "code",
    """
Add retry with backoff to this HubSpot contact sync:

import requests, time
HS_TOKEN = "⟦K:pat-na1-⁅uuid⁆⟧"
def upsert(contact):
    r = requests.post(
        "https://api.hubapi.com/crm/v3/objects/contacts",
        headers={"Authorization": f"Bearer {HS_TOKEN}"},
        json={"properties": contact},
        timeout=10,
    )
    r.raise_for_status()
""",
)
add(
    "cred",
    "en",
    "zendesk-curl-tickets",
    "command",
    """
This export only returns 100 tickets. How do I paginate with cursor?

curl "https://northwind-help.zendesk.com/api/v2/tickets.json?page[size]=100" \\
  -u ⟦E:sinead.mcgrath@northwind.example⟧/token:⟦K:⁅tok|a:40⁆⟧ \\
  -H "Accept: application/json" > tickets.json
""",
)
add(
    "cred",
    "en",
    "vercel-shell-history",
    "command",
    """
Explain what each of these commands from my history did — I'm trying to work out why the preview deploy has the wrong env:

  501  vercel login
  502  export VERCEL_TOKEN=⟦K:⁅tok|a:24⁆⟧
  503  vercel env pull .env.preview --environment=preview --token $VERCEL_TOKEN
  504  export ADMIN_PASS='⟦S:Harbour-Lantern-1987⟧'
  505  vercel deploy --prebuilt --token ⟦K:⁅tok|a:24⁆⟧
  506  vercel env ls
""",
)
add(
    "cred",
    "en",
    "prisma-env-shadow-db",
    "env",
    """
prisma migrate dev fails with P3014 (can't create shadow database). Do I need a separate user?

DATABASE_URL="mysql://app:⟦S:⁅pw|20⁆⟧@10.0.3.12:3306/clinic_booking"
SHADOW_DATABASE_URL="mysql://⟦U:kwabena.d⟧:⟦S:sunflower&Tea42⟧@10.0.3.12:3306/clinic_shadow"
""",
)
add(
    "cred",
    "en",
    "python-bytes-raw-literals",
    "code",
    """
Code review please — is this OK to commit?

import hmac, hashlib, smbclient

SIGNING_KEY = b"⟦S:⁅tok|a:32⁆⟧"
smbclient.register_session("fileserver01", username=r"CORP\\⟦U:amalik⟧", password=r"⟦S:Q7\\pl@ntR00m!⟧")

def sign(body: bytes) -> str:
    return hmac.new(SIGNING_KEY, body, hashlib.sha256).hexdigest()

with smbclient.open_file(r"\\\\fileserver01\\scans\\inbox.csv", mode="rb") as fh:
    print(sign(fh.read()))
""",
)
add(
    "cred",
    "en",
    "devtools-copy-as-curl-shop-admin",
    "command",
    """
I copied this from the browser DevTools (Copy as cURL). Can you turn it into a Python requests call so I can bulk-update prices?

curl 'https://shop.kettlebell-supply.example/api/product/0190a3d4' \\
  -X PATCH \\
  -H 'accept: application/json' \\
  -H 'authorization: Bearer ⟦S:⁅jwt|{'sub':'0190a1f2e7','scope':'admin write','exp':1760000000}⁆⟧' \\
  -H 'content-type: application/json' \\
  -b 'sw-context-token=⟦S:⁅tok|l:26⁆⟧; csrf=⟦S:⁅tok|w:43⁆⟧; theme=dark' \\
  --data-raw '{"price":[{"currencyId":"b7d2554b0ce847cd82f3ac9bd1c0dfca","gross":49.9,"net":41.93,"linked":true}]}'
""",
)
add(
    "cred",
    "en",
    "paramiko-backup-pkcs1",
    "code",
    """
paramiko raises "not a valid RSA private key file" for this. Is the string formatting the problem?

import io, paramiko
KEY = \"\"\"⟦PK:⁅rsa|pkcs1⁆⟧\"\"\"
pkey = paramiko.RSAKey.from_private_key(io.StringIO(KEY.strip()))
ssh = paramiko.SSHClient()
ssh.set_missing_host_key_policy(paramiko.AutoAddPolicy())
ssh.connect("backup.lan", username="backup", pkey=pkey)
""",
)
add(
    "cred",
    "en",
    "wg-easy-phone-config",
    "ini",
    """
My phone connects to wg-easy but no traffic goes through. This is the config it generated (I'm on 5G):

[Interface]
PrivateKey = ⟦PK:⁅wg⁆⟧
Address = 10.8.0.4/24
DNS = 1.1.1.1

[Peer]
PublicKey = u7mQ2mJ8dGq3T1r5n0Yb1b6yq0r0c6kz2y1mY8dP0Hk=
PresharedKey = ⟦S:⁅b64|32⁆⟧
AllowedIPs = 0.0.0.0/0, ::/0
PersistentKeepalive = 25
Endpoint = vpn.homelab-hendrix.example:51820
""",
)
add(
    "cred",
    "en",
    "chezmoi-age-identity",
    "command",
    """
chezmoi apply says "no identity matched any of the recipients". Does the recipient line have to match this key?

$ cat ~/.config/chezmoi/key.txt
# created: 2025-03-02T19:14:07+01:00
# public key: age1lqf8z4e3zk6v0k2r2w0y7a5x9m3q8s6t4u2v0w8x6y4z2a0c8e6gq7zyz8
⟦PK:AGE-SECRET-KEY-1⁅tok|z:58⁆⟧

$ grep recipient ~/.config/chezmoi/chezmoi.toml
    recipient = "age1lqf8z4e3zk6v0k2r2w0y7a5x9m3q8s6t4u2v0w8x6y4z2a0c8e6gq7zyz8"
""",
)
add(
    "cred",
    "en",
    "rust-test-ed25519-raw-string",
    "code",
    """
This Rust test fails with "Pkcs8(Asn1(...))". Is the raw string adding whitespace?

#[test]
fn signs_release_manifest() {
    let pem = r#"⟦PK:⁅ed25519⁆⟧"#;
    let key = SigningKey::from_pkcs8_pem(pem).expect("key");
    let sig = key.sign(b"manifest-v2.4.0");
    assert_eq!(sig.to_bytes().len(), 64);
}
""",
)
add(
    "cred",
    "en",
    "nas-nginx-tls-ec-key",
    "code",
    """
nginx on my NAS says "SSL_CTX_use_PrivateKey failed (key values mismatch)". Here are the conf and the key file, the cert is from my own little CA:

server {
    listen 443 ssl;
    server_name nas.fernhill.example;
    ssl_certificate     /etc/nginx/tls/nas.crt;
    ssl_certificate_key /etc/nginx/tls/nas.key;
}

$ cat /etc/nginx/tls/nas.key
⟦PK:⁅ec|sec1⁆⟧
""",
)
add(
    "cred",
    "en",
    "datadog-agent-yaml",
    "yaml",
    """
The agent shows "API key invalid" in `datadog-agent status`. Is the site setting wrong for EU?

## /etc/datadog-agent/datadog.yaml
api_key: ⟦K:⁅tok|h:32⁆⟧
app_key: ⟦K:⁅tok|h:40⁆⟧
site: datadoghq.com
hostname: pos-gateway-02
logs_enabled: true
tags:
  - env:prod
  - team:payments
""",
)
add(
    "cred",
    "en",
    "apple-id-recovery-key-rejected",
    "prose",
    """
Apple keeps saying my recovery key is incorrect when I try to sign in on the new iPhone. I printed it when I turned it on in 2022: ⟦S:⁅tok|u:4|#0⁆-⁅tok|u:4|#1⁆-⁅tok|u:4|#2⁆-⁅tok|u:4|#3⁆-⁅tok|u:4|#4⁆-⁅tok|u:4|#5⁆-⁅tok|u:4|#6⁆⟧. Could an O vs 0 mix-up explain it? My Apple ID is ⟦E:renata.goulding@icloud.example⟧ and the old device passcode was ⟦S:481930⟧ if that matters.
""",
)
add(
    "cred",
    "en",
    "voicemail-read-out-bank-codes",
    "prose",
    """
A customer left this voicemail on our bakery's order line by mistake — it was meant for her bank. How should I tell her without repeating the details? Transcript: "Hi, it's ⟦P:Gwen Talbot-Rees⟧, calling about the blocked card. My memorable word is ⟦S:marmalade⟧, the passcode is ⟦S:290614⟧ and my customer number is ⟦ACC:4410 9827 33⟧. Please call me back on ⟦T:07832 415 096⟧."
""",
)
add(
    "cred",
    "en",
    "github-recovery-codes-print",
    "form",
    """
Format these GitHub recovery codes as a neat printable card (two columns) that I'll keep in the fire safe:

github-recovery-codes.txt — account ⟦U:theo-marchetti⟧
⟦S:⁅tok|h:5|#a0⁆-⁅tok|h:5|#b0⁆⟧
⟦S:⁅tok|h:5|#a1⁆-⁅tok|h:5|#b1⁆⟧
⟦S:⁅tok|h:5|#a2⁆-⁅tok|h:5|#b2⁆⟧
⟦S:⁅tok|h:5|#a3⁆-⁅tok|h:5|#b3⁆⟧
⟦S:⁅tok|h:5|#a4⁆-⁅tok|h:5|#b4⁆⟧
⟦S:⁅tok|h:5|#a5⁆-⁅tok|h:5|#b5⁆⟧
⟦S:⁅tok|h:5|#a6⁆-⁅tok|h:5|#b6⁆⟧
⟦S:⁅tok|h:5|#a7⁆-⁅tok|h:5|#b7⁆⟧
""",
)
# ===========================================================================
# cred — other languages
# ===========================================================================
add(
    "cred",
    "de",
    "scan-to-mail-smtp-drucker",
    "prose",
    """
Unser Multifunktionsdrucker im Büro schickt seit der Passwortänderung keine Scans mehr per Mail. Im Webinterface steht unter „Scan-to-E-Mail": SMTP-Server smtp.kanzlei-hoffmeister.example, Port 587, Benutzer ⟦E:j.hoffmeister@kanzlei-hoffmeister.example⟧, Passwort noch das alte ⟦S:Kanzlei#2023Herbst⟧. Das neue lautet ⟦S:Wintergarten!Kaffee88⟧. Reicht es, das Passwort dort zu ersetzen, oder muss ich STARTTLS extra aktivieren? Bitte Schritt für Schritt für einen Kyocera.
""",
)
add(
    "cred",
    "de",
    "lexoffice-api-python",
    "code",
    """
Kannst du das Skript so umbauen, dass es alle offenen Rechnungen als CSV exportiert?

import requests
LEXOFFICE_KEY = "⟦K:⁅tok|w:43⁆⟧"
r = requests.get(
    "https://api.lexoffice.io/v1/voucherlist",
    params={"voucherType": "invoice", "voucherStatus": "open"},
    headers={"Authorization": f"Bearer {LEXOFFICE_KEY}", "Accept": "application/json"},
)
for v in r.json()["content"]:
    print(v["voucherNumber"], v["totalAmount"])
""",
)
add(
    "cred",
    "fr",
    "code-puk-carte-sim",
    "prose",
    """
Mon téléphone affiche « Carte SIM bloquée – saisir le code PUK ». J'ai trouvé le support de la carte dans un tiroir : code PIN ⟦S:7359⟧, code PUK ⟦S:80427163⟧. Le numéro c'est le ⟦T:06 48 21 97 35⟧. Si je me trompe encore, est-ce que je perds la ligne ? Et après, comment je remets un nouveau PIN, genre ⟦S:2604⟧ ?
""",
)
add(
    "cred",
    "fr",
    "qonto-api-python",
    "code",
    """
Peux-tu ajouter la pagination à ce script qui récupère les transactions Qonto pour le rapprochement ?

import requests
QONTO_LOGIN = "atelier-brule-6201"
QONTO_SECRET = "⟦K:⁅tok|h:32⁆⟧"
ACCOUNT_ID = "atelier-brule-6201-bank-account-1"
r = requests.get(
    "https://thirdparty.qonto.com/v2/transactions",
    headers={"Authorization": f"{QONTO_LOGIN}:{QONTO_SECRET}"},
    params={"bank_account_id": ACCOUNT_ID, "status[]": "completed"},
)
print(len(r.json()["transactions"]))
""",
)
add(
    "cred",
    "es",
    "claveunica-chile-bloqueada",
    "prose",
    """
Mi ClaveÚnica quedó bloqueada después de tres intentos. Entraba con mi RUN ⟦ID@CL:⁅id|CL|1#.###.###-?⁆⟧ y la contraseña ⟦S:Valparaiso.2019⟧, pero ahora me pide una nueva y no acepta ⟦S:Valparaiso.2024⟧. ¿Qué requisitos tiene la contraseña? Necesito entrar hoy para sacar el certificado de la AFP.
""",
)
add(
    "cred",
    "es",
    "holded-apps-script",
    "code",
    """
Este Apps Script debería copiar las facturas de Holded a la hoja, pero devuelve 401. ¿Está mal la cabecera?

function importarFacturas() {
  const KEY = '⟦K:⁅tok|h:32⁆⟧';
  const res = UrlFetchApp.fetch('https://api.holded.com/api/invoicing/v1/documents/invoice', {
    headers: { key: KEY, accept: 'application/json' },
    muteHttpExceptions: true,
  });
  Logger.log(res.getResponseCode());
  const hoja = SpreadsheetApp.getActive().getSheetByName('Facturas');
  JSON.parse(res.getContentText()).forEach(f => hoja.appendRow([f.docNumber, f.contactName, f.total]));
}
""",
)
add(
    "cred",
    "it",
    "pec-studio-imap",
    "prose",
    """
Devo configurare la PEC dello studio su Thunderbird nel nuovo PC della segretaria. Casella ⟦E:studio.rinaldi.geometra@pec.example⟧, password ⟦S:Rinaldi*Pec2025⟧ (quella vecchia, ⟦S:geometra1974⟧, non va più). Server IMAP imaps.pec.example porta 993, SMTP smtps.pec.example porta 465. Mi scrivi i passaggi esatti? E posso leggerla anche dal telefono senza che si scarichino i messaggi?
""",
)
add(
    "cred",
    "it",
    "fatture-in-cloud-node",
    "code",
    """
Perché questo script Node mi restituisce 403 su /c/{company_id}/issued_documents?

const axios = require("axios");
const TOKEN = "⟦K:a/⁅tok|w:86⁆⟧";
const COMPANY_ID = 1184207;
axios
  .get(`https://api-v2.fattureincloud.it/c/${COMPANY_ID}/issued_documents?type=invoice`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  })
  .then((r) => console.log(r.data.data.length))
  .catch((e) => console.error(e.response.status));
""",
)
add(
    "cred",
    "pt",
    "cartao-matriz-banco",
    "prose",
    """
O meu pai fotocopiou o cartão matriz do banco e colou no frigorífico para não se esquecer 😬. Escrevo aqui algumas posições para perceber se ainda é seguro: A3 ⟦S:417⟧, C7 ⟦S:092⟧, F2 ⟦S:836⟧, H5 ⟦S:251⟧. O número de adesão dele é ⟦ACC:80 4417 2093⟧ e o código multicanal ⟦S:639104⟧. Devo pedir um cartão novo ao balcão? Como lhe explico isto sem o assustar?
""",
)
add(
    "cred",
    "pt",
    "asaas-laravel-env",
    "env",
    """
O Laravel corta a chave do Asaas no meio. Acho que é o cifrão. Como escrevo isto no .env?

APP_NAME=LojaCeramica
APP_KEY=base64:⟦S:⁅b64|32⁆⟧
ASAAS_API_URL=https://api.asaas.com/v3
ASAAS_API_KEY=⟦K:$aact_prod_⁅tok|a:86⁆⟧
DB_PASSWORD=⟦S:⁅pw|18⁆⟧
""",
)
add(
    "cred",
    "nl",
    "vve-gedeelde-mailbox",
    "prose",
    """
Ik ben net penningmeester geworden van de VvE en kreeg van mijn voorganger alleen een briefje: „mailbox ⟦E:bestuur@vve-leliestraat.example⟧, ww ⟦S:Lelie14-Fietsenhok⟧, en voor de bank-app de pincode ⟦S:50318⟧". Hoe stel ik dat in op mijn iPhone, en hoe zet ik er tweestapsverificatie op zodat niet iedereen met dat briefje erin kan?
""",
)
add(
    "cred",
    "nl",
    "exact-online-python",
    "code",
    """
Mijn refresh token verloopt steeds na 10 minuten. Wat doe ik fout in deze Exact Online koppeling?

CLIENT_ID = "⁅uuid⁆"
CLIENT_SECRET = "⟦K:⁅tok|a:12⁆⟧"
REFRESH_TOKEN = "⟦S:⁅tok|w:320⁆⟧"
resp = requests.post(
    "https://start.exactonline.nl/api/oauth2/token",
    data={"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN,
          "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
)
""",
)
add(
    "cred",
    "pl",
    "blik-oszustwo-olx",
    "prose",
    """
Chyba dałem się oszukać na OLX. Kupujący napisał na WhatsAppie, że „wysłał BLIKa" i żebym potwierdził, więc podałem mu kod BLIK ⟦S:418 306⟧ z aplikacji, a potem jeszcze PIN do aplikacji banku ⟦S:7391⟧, bo mówił, że bez tego nie przejdzie. Co mam teraz zrobić po kolei? Mój numer konta to ⟦IBAN:⁅iban|PL⁆⟧.
""",
)
add(
    "cred",
    "pl",
    "fakturownia-curl",
    "command",
    """
Jak z tego zrobić skrypt, który co miesiąc wystawi fakturę dla stałego klienta?

curl https://pracowniaceramiki.fakturownia.pl/invoices.json \\
  -H 'Accept: application/json' -H 'Content-Type: application/json' \\
  -d '{"api_token": "⟦K:⁅tok|a:20⁆/pracowniaceramiki⟧", "invoice": {"kind":"vat", "buyer_name":"Hotel Pod Dębem sp. z o.o.", "positions":[{"name":"Warsztaty ceramiczne","tax":23,"total_price_gross":1845}]}}'
""",
)
add(
    "cred",
    "sv",
    "mobilt-bankid-sakerhetskod",
    "prose",
    """
Jag har glömt säkerhetskoden till Mobilt BankID på nya telefonen. Jag har testat ⟦S:190352⟧ och ⟦S:520391⟧ (mina vanliga), men det blir fel. När jag skulle beställa nytt BankID ville banken ha personnummer ⟦ID@SE:⁅id|SE|19520319-###?|1952-03-19⁆⟧ och inloggning med kortläsare, men jag har ingen. Vad är enklaste vägen att få ett nytt?
""",
)
add(
    "cred",
    "sv",
    "magicmirror-trafiklab",
    "code",
    """
Min MagicMirror visar inga avgångar från busshållplatsen. Vad är fel i config.js?

modules: [
  {
    module: "MMM-SL-PublicTransport",
    position: "top_right",
    config: {
      apikey: "⟦K:⁅tok|h:32⁆⟧",
      stations: [{ stationId: 9192, stationName: "Slussen" }],
      updateInterval: 60 * 1000,
    },
  },
]
""",
)
add(
    "cred",
    "da",
    "noglekort-koder-mormor",
    "prose",
    """
Mormor har stadig det gamle NemID-nøglekort liggende i skuffen, og jeg vil forklare hende, hvorfor det skal makuleres nu, hvor hun har MitID. På kortet står bl.a. 0417 ⟦S:582913⟧, 1290 ⟦S:306748⟧, 3372 ⟦S:914025⟧, og på bagsiden har hun skrevet sit bruger-id (hendes CPR ⟦ID@DK:⁅id|DK|020741-###?|1941-07-02⁆⟧) og adgangskoden ⟦S:Rosenhave41⟧. Kan du skrive et kort, venligt brev til hende?
""",
)
add(
    "cred",
    "no",
    "vipps-go-client",
    "code",
    """
Får 401 fra Vipps når jeg henter access token i Go. Er det header-navnene?

req, _ := http.NewRequest("POST", "https://api.vipps.no/accesstoken/get", nil)
req.Header.Set("client_id", "⁅uuid⁆")
req.Header.Set("client_secret", "⟦K:⁅tok|w:40⁆⟧")
req.Header.Set("Ocp-Apim-Subscription-Key", "⟦K:⁅tok|h:32⁆⟧")
req.Header.Set("Merchant-Serial-Number", "218843")
resp, err := http.DefaultClient.Do(req)
""",
)
add(
    "cred",
    "et",
    "id-kaardi-pin-koodid",
    "prose",
    """
Leidsin vanaisa ID-kaardi PIN-ümbriku: PIN1 ⟦S:4471⟧, PIN2 ⟦S:90263⟧, PUK ⟦S:31805472⟧. Kaart on aegunud, aga ümbrikul on ka tema isikukood ⟦ID@EE:⁅id|EE|3380211###?|1938-02-11⁆⟧. Kas ümbriku võib lihtsalt ära visata või tuleb see kuidagi hävitada? Ja kuidas ta uue kaardi PIN-id kätte saab?
""",
)
add(
    "cred",
    "lv",
    "mysql-shell-history",
    "command",
    """
Paskaidro, ko šīs komandas dara, un kā rezerves kopijas skriptā nerakstīt paroli atklāti:

  88  mysql -h 10.1.4.20 -u ⟦U:janis.ozols⟧ -p'⟦S:Gauja_Upe#77⟧' veikals
  89  mysqldump -h 10.1.4.20 -u ⟦U:janis.ozols⟧ -p'⟦S:Gauja_Upe#77⟧' --single-transaction veikals > veikals.sql
  90  gzip veikals.sql
""",
)
add(
    "cred",
    "sk",
    "superfaktura-php",
    "code",
    """
SuperFaktúra API mi vracia „Unauthorized". Je zle poskladaná hlavička?

$email = '⟦E:matej.kollar@drevodielna.example⟧';
$apikey = '⟦K:⁅tok|h:32⁆⟧';
$header = 'SFAPI email=' . urlencode($email) . '&apikey=' . $apikey . '&company_id=41822';
$ch = curl_init('https://moja.superfaktura.sk/invoices/index.json');
curl_setopt($ch, CURLOPT_HTTPHEADER, ['Authorization: ' . $header]);
""",
)
add(
    "cred",
    "hr",
    "fiskalizacija-certifikat",
    "code",
    """
Blagajna javlja „s004: neispravan potpisani zahtjev". Ovo su postavke iz config.py i ključ koji sam izvadio iz FINA certifikata:

OIB_OBVEZNIKA = "⟦ID@HR:⁅id|HR|##########?⁆⟧"   # moj OIB, obrt
OZNAKA_POSLOVNOG_PROSTORA = "POS1"
CERT_PATH = "fina_demo.p12"
CERT_PASSWORD = "⟦S:Obrt-Pekara-2024⟧"
PRIVATE_KEY = \"\"\"⟦PK:⁅rsa|pkcs8⁆⟧\"\"\"
""",
)
add(
    "cred",
    "sl",
    "minimax-api-password-grant",
    "code",
    """
Zakaj mi Minimax API vrne "invalid_grant"? Uporabljam password grant:

data = {
    "grant_type": "password",
    "client_id": "RacunovodstvoNovak",
    "client_secret": "⟦K:⁅tok|a:32⁆⟧",
    "username": "⟦U:spela.novak⟧",
    "password": "⟦S:Bled-Jezero-1919⟧",
    "scope": "minimax.si",
}
r = requests.post("https://moj.minimax.si/SI/AUT/oauth20/token", data=data)
""",
)
add(
    "cred",
    "bg",
    "pik-noi-egn",
    "prose",
    """
Майка ми получи ПИК от НОИ, за да си проверява осигурителния доход онлайн. Написала го е на листче заедно с ЕГН-то си: ЕГН ⟦ID@BG:⁅id|BG|610504##4?|1961-05-04⁆⟧, ПИК ⟦S:K7MQ2XR9⟧. Влиза на сайта, но ѝ пише „невалидни данни". Може ли ПИК-ът да е с буква O, а не с нула? Как да ѝ обясня, че не трябва да държи листчето в портмонето?
""",
)
add(
    "cred",
    "ca",
    "rsync-sshpass-copia",
    "command",
    """
Aquest script de còpia de seguretat funciona, però no m'agrada tenir la contrasenya aquí. Com ho faig amb claus SSH?

#!/bin/bash
sshpass -p '⟦S:Montseny_2023!⟧' rsync -avz --delete /srv/fotos/ ⟦U:jordi.camps⟧@nas.casa.example:/volume1/copies/fotos/
""",
)
add(
    "cred",
    "is",
    "hjolaleiga-node-env",
    "env",
    """
Getur þú útskýrt hvaða lykla í þessari .env skrá má setja í framendann og hverja ekki?

STRIPE_SECRET_KEY=⟦K:sk_live_⁅tok|a:99⁆⟧
STRIPE_PUBLISHABLE_KEY=pk_live_51Nx0000000000000000000000000000000
MAPBOX_TOKEN=⟦K:sk.eyJ1IjoiaGpvbGFsZWlnYSIsImEiOiJ⁅tok|w:18⁆In0.⁅tok|w:22⁆⟧
POSTMARK_SERVER_TOKEN=⟦K:⁅uuid⁆⟧
SESSION_SECRET=⟦S:⁅tok|a:48⁆⟧
""",
)
# ===========================================================================
# benign — English
# ===========================================================================
add(
    "benign",
    "en",
    "sherlock-paddington-addresses-quiz",
    "prose",
    """
Write a pub-quiz round on famous fictional addresses with answers: Sherlock Holmes at 221B Baker Street, London NW1 6XE; Paddington Bear at 32 Windsor Gardens; the Simpsons at 742 Evergreen Terrace, Springfield; the Dursleys at 4 Privet Drive is already used, so skip it. Add a bonus question: what year was Sherlock Holmes "born" according to fans (6 January 1854)?
""",
)
add(
    "benign",
    "en",
    "famous-landmark-addresses",
    "markdown-table",
    """
Check the postcodes in this table for my geography class and add a column with the nearest Tube or metro station:

| landmark | address |
|---|---|
| 10 Downing Street | 10 Downing Street, London SW1A 2AA |
| Buckingham Palace | London SW1A 1AA |
| Eiffel Tower | Champ de Mars, 5 Avenue Anatole France, 75007 Paris |
| Empire State Building | 20 W 34th St, New York, NY 10001 |
| Sydney Opera House | Bennelong Point, Sydney NSW 2000 |
""",
)
add(
    "benign",
    "en",
    "iso8601-regex-tests",
    "code",
    """
My regex for ISO 8601 dates accepts 2023-02-30. Can you fix it and keep these tests passing?

import re
ISO = re.compile(r"^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$")
assert ISO.match("1969-07-20")
assert ISO.match("2000-02-29")
assert not ISO.match("2023-13-01")
assert not ISO.match("2023-02-30")
assert not ISO.match("1999-9-9")
""",
)
add(
    "benign",
    "en",
    "package-json-upgrade",
    "json",
    """
Which of these dependencies have breaking changes if I bump them to the latest major?

{
  "name": "volunteer-rota",
  "version": "2.3.1",
  "dependencies": {
    "express": "^4.19.2",
    "react": "18.3.1",
    "react-dom": "18.3.1",
    "date-fns": "2.30.0",
    "zod": "3.23.8",
    "pg": "8.11.5"
  },
  "engines": { "node": ">=18.18.0" }
}
""",
)
add(
    "benign",
    "en",
    "book-club-isbns",
    "csv",
    """
Can you check the ISBN-13 check digits in our book club list and fix any that are wrong?

title,author,isbn
Middlemarch,George Eliot,978-0-14-143954-9
Beloved,Toni Morrison,978-1-4000-3341-6
The Remains of the Day,Kazuo Ishiguro,978-0-571-20070-6
Things Fall Apart,Chinua Achebe,978-0-385-47454-2
The Master and Margarita,Mikhail Bulgakov,978-0-14-118014-4
""",
)
add(
    "benign",
    "en",
    "parcel-tracking-carriers",
    "prose",
    """
I have three parcel tracking numbers from an online order and don't know which carrier each is. Can you guess from the format? 1Z 999 AA1 01 2345 6784, 9400 1000 0000 0000 0000 00, and JD014600003828391028. The order number is #WX-448120 if that helps, placed on 3 October.
""",
)
add(
    "benign",
    "en",
    "support-macro-placeholders",
    "prose",
    """
Improve the tone of this customer-service macro; keep the placeholders exactly as they are:

Hi {{customer.first_name}},
Thanks for contacting us about order {{order.number}}. Your refund of {{refund.amount}} to the card ending {{payment.last4}} was issued on {{refund.date}} and should appear within 5–10 business days. If you have questions, reply to this e-mail or call {{support.phone}}.
Best, {{agent.first_name}}
""",
)
add(
    "benign",
    "en",
    "api-docs-placeholder-keys",
    "markdown-table",
    """
Rewrite this "Authentication" section of our API docs to be friendlier for beginners:

| environment | base URL | key format |
|---|---|---|
| sandbox | https://sandbox.api.example.com | `sk_test_XXXXXXXXXXXXXXXXXXXXXXXX` |
| live | https://api.example.com | `sk_live_XXXXXXXXXXXXXXXXXXXXXXXX` |

Send it as `Authorization: Bearer <YOUR_SECRET_KEY>`. Never commit keys; use `export EXAMPLE_API_KEY=...` in your shell instead. GitHub tokens look like `ghp_` followed by 36 characters — rotate them if leaked.
""",
)
add(
    "benign",
    "en",
    "physical-constants-flashcards",
    "prose",
    """
Make flashcards for my physics exam: speed of light 299 792 458 m/s, Planck constant 6.626 070 15 × 10⁻³⁴ J·s, Avogadro 6.022 140 76 × 10²³ mol⁻¹, elementary charge 1.602 176 634 × 10⁻¹⁹ C, Boltzmann 1.380 649 × 10⁻²³ J/K, gravitational constant 6.674 30 × 10⁻¹¹ m³·kg⁻¹·s⁻². Also the Rydberg constant 10 973 731.568 160 m⁻¹.
""",
)
add(
    "benign",
    "en",
    "tour-de-france-stage-table",
    "markdown-table",
    """
Write a short race report from this stage result:

| pos | rider | team | time |
|---|---|---|---|
| 1 | Tadej Pogačar | UAE Team Emirates | 4h 12' 08" |
| 2 | Jonas Vingegaard | Visma–Lease a Bike | + 0' 37" |
| 3 | Remco Evenepoel | Soudal Quick-Step | + 1' 04" |
| 4 | Primož Roglič | Red Bull–Bora | + 1' 29" |
""",
)
add(
    "benign",
    "en",
    "women-in-computing-timeline",
    "prose",
    """
Put these pioneers into a timeline for a school display, with one sentence each: Ada Lovelace (born 10 December 1815, London), Grace Hopper (born 9 December 1906, New York City), Alan Turing (born 23 June 1912, Maida Vale), Katherine Johnson (born 26 August 1918, White Sulphur Springs), Margaret Hamilton (born 17 August 1936, Paoli, Indiana).
""",
)
add(
    "benign",
    "en",
    "semantic-release-changelog",
    "prose",
    """
Summarise this changelog for non-developers:

## 4.2.0 (2025-09-18)
### Features
* add CSV export for rota (#812) (a3f9c21)
* support Europe/Dublin timezone (#820) (7be04d9)
### Bug Fixes
* fix crash when shift ends at 00:00 (#815) (c41d7e0)
## 4.1.3 (2025-08-30)
* bump pg from 8.11.3 to 8.11.5 (#809)
""",
)
add(
    "benign",
    "en",
    "open-meteo-request",
    "http",
    """
What does each query parameter in this request do, and how do I get hourly wind too?

GET /v1/forecast?latitude=53.3498&longitude=-6.2603&daily=temperature_2m_max,precipitation_sum&timezone=Europe%2FDublin HTTP/1.1
Host: api.open-meteo.com
Accept: application/json
User-Agent: garden-planner/0.3
""",
)
add(
    "benign",
    "en",
    "users-table-ddl-review",
    "sql",
    """
Review this schema: are the column sizes sensible for e-mail and phone, and should date_of_birth be nullable?

CREATE TABLE members (
  id            BIGSERIAL PRIMARY KEY,
  first_name    VARCHAR(80)  NOT NULL,
  last_name     VARCHAR(80)  NOT NULL,
  email         VARCHAR(254) NOT NULL UNIQUE,
  phone         VARCHAR(20),
  date_of_birth DATE,
  iban          VARCHAR(34),
  created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
""",
)
add(
    "benign",
    "en",
    "cricket-world-cup-2019-final",
    "prose",
    """
Explain the super-over rule using the 2019 Cricket World Cup final: England 241 all out (50 overs), New Zealand 241/8 (50 overs); super over England 15/0, New Zealand 15/1; England won on boundary count, 26 to 17. Ben Stokes made 84 not out, Kane Williamson was player of the tournament with 578 runs.
""",
)
add(
    "benign",
    "en",
    "aviation-squawk-codes",
    "prose",
    """
For my PPL ground-school notes: explain squawk codes 7500, 7600 and 7700, the UK conspicuity code 7000, and the US VFR code 1200. Also what do 121.5 MHz and 243.0 MHz mean, and why does the frequency 118.300 show up on the Heathrow charts?
""",
)
add(
    "benign",
    "en",
    "env-example-placeholders",
    "env",
    """
Is this .env.example clear enough for new contributors? Suggest comments.

# copy to .env and fill in
DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/rota_dev
OPENAI_API_KEY=sk-your-key-here
STRIPE_SECRET_KEY=sk_test_replace_me
SMTP_PASSWORD=changeme
SENTRY_DSN=
ADMIN_EMAIL=admin@example.com
""",
)
add(
    "benign",
    "en",
    "lighthouse-coordinates",
    "csv",
    """
Convert these lighthouse positions from decimal degrees to degrees–minutes–seconds:

name,lat,lon,height_m
Fastnet,51.3889,-9.6031,54
Bell Rock,56.4339,-2.3872,35
Eddystone,50.1800,-4.2650,49
Hook Head,52.1239,-6.9294,35
""",
)
add(
    "benign",
    "en",
    "makefile-no-secrets",
    "code",
    """
Why does `make test` rebuild everything every time?

.PHONY: build test clean
build: dist/app.js
dist/app.js: $(wildcard src/*.ts)
\tnpx tsc -p tsconfig.json
test: build
\tnpx vitest run --coverage
clean:
\trm -rf dist coverage
""",
)
# ===========================================================================
# benign — other languages
# ===========================================================================
add(
    "benign",
    "de",
    "goethe-haus-frankfurt",
    "prose",
    """
Schreib einen kurzen Text für unseren Klassenausflug ins Goethe-Haus: Johann Wolfgang von Goethe wurde am 28. August 1749 im Haus Großer Hirschgraben 23–25, 60311 Frankfurt am Main geboren. Öffnungszeiten und die Telefonnummer der Kasse stehen auf der Website des Freien Deutschen Hochstifts. Bitte erwähne auch Schillers Geburtstag (10. November 1759, Marbach).
""",
)
add(
    "benign",
    "de",
    "din-papierformate",
    "markdown-table",
    """
Ergänze die Tabelle der DIN-Papierformate um B5 und C4:

| Format | Breite (mm) | Höhe (mm) |
|---|---|---|
| A3 | 297 | 420 |
| A4 | 210 | 297 |
| A5 | 148 | 210 |
| A6 | 105 | 148 |
| DL | 110 | 220 |
""",
)
add(
    "benign",
    "fr",
    "maison-victor-hugo",
    "prose",
    """
Rédige une courte présentation de la Maison de Victor Hugo, 6 place des Vosges, 75004 Paris, pour un guide de voyage scolaire. Victor Hugo est né le 26 février 1802 à Besançon et mort le 22 mai 1885 à Paris. Cite aussi Hauteville House à Guernesey et Jean Valjean, né selon le roman en 1769.
""",
)
add(
    "benign",
    "fr",
    "doc-api-placeholder",
    "code",
    """
Traduis en anglais les commentaires de cet exemple de documentation :

# Remplacez VOTRE_CLE_API par la clé fournie dans votre espace client
import os
CLE = os.environ.get("METEO_API_KEY", "VOTRE_CLE_API")
# Exemple de réponse : {"ville": "Lyon", "code_postal": "69001", "temp": 14.2}
print(requests.get("https://api.meteo.example/v1/lyon", params={"key": CLE}).json())
""",
)
add(
    "benign",
    "es",
    "cervantes-quijote",
    "prose",
    """
Hazme un resumen para 2.º de ESO: Miguel de Cervantes nació probablemente el 29 de septiembre de 1547 en Alcalá de Henares; la primera parte de Don Quijote se publicó en 1605. Don Quijote vive «en un lugar de la Mancha» y su escudero es Sancho Panza. Añade la dirección del Museo Casa Natal de Cervantes: calle Mayor 48, Alcalá de Henares.
""",
)
add(
    "benign",
    "es",
    "husos-horarios-tabla",
    "markdown-table",
    """
Tengo una reunión a las 16:00 de Madrid. ¿Qué hora será en cada ciudad?

| ciudad | UTC en invierno | UTC en verano |
|---|---|---|
| Madrid | +01:00 | +02:00 |
| Canarias | +00:00 | +01:00 |
| Ciudad de México | −06:00 | −06:00 |
| Buenos Aires | −03:00 | −03:00 |
| Santiago de Chile | −04:00 | −03:00 |
""",
)
add(
    "benign",
    "it",
    "leonardo-vinci-scheda",
    "prose",
    """
Prepara una scheda per la quarta elementare su Leonardo da Vinci: nato il 15 aprile 1452 ad Anchiano, vicino a Vinci; morto il 2 maggio 1519 ad Amboise. La Gioconda è al Louvre, il Cenacolo in Santa Maria delle Grazie, piazza di Santa Maria delle Grazie 2, Milano. Aggiungi tre curiosità.
""",
)
add(
    "benign",
    "it",
    "carbonara-dosi",
    "prose",
    """
Ricalcola le dosi della carbonara per 9 persone partendo da questa ricetta per 4: 320 g di spaghetti, 150 g di guanciale, 4 tuorli e 1 uovo intero, 50 g di pecorino romano DOP, pepe nero q.b. Cottura della pasta 10–11 minuti, guanciale 8 minuti a fuoco medio.
""",
)
add(
    "benign",
    "pt",
    "amalia-rodrigues-fado",
    "prose",
    """
Escreve um parágrafo sobre Amália Rodrigues para uma visita de estudo à Casa-Museu Amália Rodrigues, Rua de São Bento 193, Lisboa. Ela nasceu em 23 de julho de 1920 (data oficial; ela própria dizia 1 de julho) e morreu em 6 de outubro de 1999. O fado foi classificado pela UNESCO em 2011.
""",
)
add(
    "benign",
    "pt",
    "selecao-1970-tabela",
    "markdown-table",
    """
Faz um texto curto sobre a seleção de 1970 a partir desta tabela:

| jogador | nascimento | gols na Copa |
|---|---|---|
| Pelé | 23/10/1940 | 4 |
| Jairzinho | 25/12/1944 | 7 |
| Rivellino | 01/01/1946 | 3 |
| Tostão | 25/01/1947 | 2 |
| Carlos Alberto | 17/07/1944 | 1 |

Final: Brasil 4 × 1 Itália, 21 de junho de 1970, Estádio Azteca.
""",
)
add(
    "benign",
    "nl",
    "rembrandthuis",
    "prose",
    """
Schrijf een korte tekst voor een schoolexcursie naar het Rembrandthuis, Jodenbreestraat 4, 1011 NK Amsterdam. Rembrandt van Rijn werd geboren op 15 juli 1606 in Leiden en woonde hier van 1639 tot 1658. Noem ook De Nachtwacht (1642) in het Rijksmuseum, Museumstraat 1.
""",
)
add(
    "benign",
    "nl",
    "elfstedentocht-winnaars",
    "markdown-table",
    """
Maak een quizvraag per regel van deze tabel:

| jaar | winnaar | tijd |
|---|---|---|
| 1963 | Reinier Paping | 10:59 |
| 1985 | Evert van Benthem | 6:46 |
| 1986 | Evert van Benthem | 6:55 |
| 1997 | Henk Angenent | 6:49 |

De tocht is 199 km lang en gaat langs elf Friese steden.
""",
)
add(
    "benign",
    "pl",
    "sklodowska-curie-muzeum",
    "prose",
    """
Napisz krótki tekst do gazetki szkolnej: Maria Skłodowska-Curie urodziła się 7 listopada 1867 r. w Warszawie, w kamienicy przy ul. Freta 16, gdzie dziś jest muzeum. Dwie Nagrody Nobla: z fizyki (1903) i z chemii (1911). Zmarła 4 lipca 1934 r. w Passy.
""",
)
add(
    "benign",
    "pl",
    "pierogi-przepis",
    "prose",
    """
Przelicz przepis na pierogi ruskie z 40 na 120 sztuk: 500 g mąki, 250 ml ciepłej wody, 2 łyżki oleju, szczypta soli; farsz: 600 g ziemniaków, 300 g twarogu półtłustego, 2 cebule, sól i pieprz. Gotować 2–3 minuty od wypłynięcia.
""",
)
add(
    "benign",
    "sv",
    "abba-medlemmar",
    "markdown-table",
    """
Gör en kort presentation av ABBA för en musiklektion utifrån tabellen:

| medlem | född | födelseort |
|---|---|---|
| Agnetha Fältskog | 5 april 1950 | Jönköping |
| Björn Ulvaeus | 25 april 1945 | Göteborg |
| Benny Andersson | 16 december 1946 | Stockholm |
| Anni-Frid Lyngstad | 15 november 1945 | Bjørkåsen, Norge |

Vann Eurovision 6 april 1974 i Brighton med "Waterloo".
""",
)
add(
    "benign",
    "sv",
    "mobelmontering-artikelnummer",
    "prose",
    """
Jag saknar skruvar till en bokhylla. I monteringsanvisningen står artikelnummer 100092, 110789 och 118331, och på kartongen 702.638.50 och 404.736.18. Vilka av dessa är skruvar och vilka är själva hyllan? Kvittot har ordernummer 1187-4420-3391.
""",
)
add(
    "benign",
    "da",
    "hc-andersen-odense",
    "prose",
    """
Skriv en kort tekst til en byvandring i Odense: H.C. Andersen blev født 2. april 1805 i huset på hjørnet af Hans Jensens Stræde og Bangs Boder. Han døde 4. august 1875 på Rolighed på Østerbro. Nævn også "Den lille havfrue" og statuen på Langelinie fra 1913.
""",
)
add(
    "benign",
    "no",
    "amundsen-sydpolen",
    "prose",
    """
Lag fem quizspørsmål om Roald Amundsen: født 16. juli 1872 i Borge, nådde Sydpolen 14. desember 1911 med Olav Bjaaland, Helmer Hanssen, Sverre Hassel og Oscar Wisting, forsvant i juni 1928 i Barentshavet. Skuta hans, "Fram", står på Bygdøynesveien 39 i Oslo.
""",
)
add(
    "benign",
    "et",
    "arvo-part-keskus",
    "prose",
    """
Kirjuta lühike tutvustus kooli muusikatunni jaoks: Arvo Pärt sündis 11. septembril 1935 Paides. Tema tintinnabuli-stiil sai alguse teosega „Für Alina" (1976). Arvo Pärdi Keskus asub Laulasmaal, Harju maakonnas. Lisa ka „Spiegel im Spiegel" aasta (1978).
""",
)
add(
    "benign",
    "lv",
    "brivibas-piemineklis",
    "prose",
    """
Uzraksti īsu tekstu skolēnu ekskursijai: Brīvības piemineklis Rīgā atklāts 1935. gada 18. novembrī, tēlnieks Kārlis Zāle (dzimis 1888. gada 28. novembrī Mažeiķos). Augstums 42 metri. Goda sardze stāv katru dienu no 9.00 līdz 18.00.
""",
)
add(
    "benign",
    "sk",
    "tatranske-stity",
    "markdown-table",
    """
Zoraď tieto tatranské štíty podľa výšky a dopíš, ktoré sú prístupné po značenom chodníku:

| štít | výška (m n. m.) |
|---|---|
| Gerlachovský štít | 2654,4 |
| Lomnický štít | 2633,9 |
| Kriváň | 2494,7 |
| Rysy | 2500,6 |
| Slavkovský štít | 2452,4 |
""",
)
add(
    "benign",
    "hr",
    "nikola-tesla-smiljan",
    "prose",
    """
Napiši kratak tekst za školski izlet u Memorijalni centar „Nikola Tesla" u Smiljanu: Tesla je rođen 10. srpnja 1856. u Smiljanu, umro 7. siječnja 1943. u New Yorku, u sobi 3327 hotela New Yorker. Jedinica magnetske indukcije, tesla (T), nazvana je po njemu.
""",
)
add(
    "benign",
    "sl",
    "presernov-dan",
    "prose",
    """
Pripravi kratek govor za Prešernov dan: France Prešeren se je rodil 3. decembra 1800 v Vrbi in umrl 8. februarja 1849 v Kranju. Sedma kitica Zdravljice je od 1989 slovenska himna. Prešernov spomenik stoji na Prešernovem trgu v Ljubljani od leta 1905.
""",
)
add(
    "benign",
    "bg",
    "rilski-manastir",
    "prose",
    """
Напиши кратък текст за ученическа екскурзия до Рилския манастир: основан през X век от св. Иван Рилски, в списъка на ЮНЕСКО от 1983 г., намира се на 1147 м надморска височина. Спомени и Хрельовата кула от 1335 г. и стенописите на Захари Зограф (роден 1810 г. в Самоков).
""",
)
add(
    "benign",
    "ca",
    "barca-triplet-2009",
    "markdown-table",
    """
Fes un petit article per a la revista de l'escola a partir d'aquesta taula del triplet del 2009:

| competició | final | resultat | data |
|---|---|---|---|
| Copa del Rei | Athletic Club | 4–1 | 13 de maig de 2009 |
| Lliga | — | campió amb 87 punts | 16 de maig de 2009 |
| Champions | Manchester United | 2–0 | 27 de maig de 2009 |

Golejadors de la final de Roma: Samuel Eto'o i Lionel Messi.
""",
)
add(
    "benign",
    "is",
    "eyjafjallajokull-2010",
    "prose",
    """
Skrifaðu stutta samantekt fyrir skólaverkefni: gosið í Eyjafjallajökli hófst 20. mars 2010 á Fimmvörðuhálsi og toppgígurinn gaus 14. apríl. Flugumferð í Evrópu stöðvaðist í sex daga og um 100.000 flugferðum var aflýst. Jökullinn er 1.651 m hár.
""",
)

if __name__ == "__main__":
    build(PROMPTS, HERE / "fresh23.jsonl", seed=SPLIT_SEED, id_prefix=ID_PREFIX)
