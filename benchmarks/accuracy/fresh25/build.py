#!/usr/bin/env python3
"""Build the 'fresh25' privacy-filter evaluation corpus (twenty-fifth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧           e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:…⟧   (CC = ISO alpha-2)

Values that must look machine-made (provider tokens, generated passwords,
national ids with check digits, IBANs, cards, private keys, JWTs) are written
as generator slots ``⁅kind|arg|…⁆`` inside the markers and filled at build
time from one ``random.Random(2525)``, in the order the slots appear in this
file:

    ⁅id|CC|template⁆          national id: literal characters, ``#`` a random
                              digit, ``?`` a check character (digit or capital
                              letter) searched until python-stdnum accepts it
    ⁅iban|CC|bban⁆            IBAN: ``#`` digit, ``A`` capital letter, the rest
                              literal; check digits from stdnum, redrawn until valid
    ⁅card|prefix|layout⁆      Luhn-completed card number; ``x`` in the layout are digits
    ⁅r|alphabet|n⁆            n random characters (see ALPHABETS)
    ⁅b64|n⁆ / ⁅b64u|n⁆        n random bytes, base64 / base64url without padding
    ⁅jwt|alg|payload-json⁆    HS256/RS256-shaped JWT with a random signature
    ⁅rsa|bits|pkcs1/pkcs8⁆    RSA key from seeded Miller-Rabin primes
    ⁅ec|sec1/pkcs8⁆           P-256 key from a seeded scalar
    ⁅ed|openssh/pkcs8|comment⁆  Ed25519 key from seeded bytes (OpenSSH written by hand)
    ⁅wg⁆                      WireGuard-style key (base64 of 32 seeded bytes)
    ⁅uuid⁆                    UUID4 from seeded bytes

Trailing modifiers: ``esc`` writes the value with literal ``\\n`` (as inside a
JSON string), ``pct`` percent-encodes it, ``indN`` indents continuation lines by
N spaces (YAML block scalar), and ``@name`` draws the slot once per prompt and
repeats that value wherever ``@name`` appears again in the same prompt.
Names, e-mails, phones, addresses, dates and hand-typed passwords are literals.

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script holds the prompts and the
generators, assigns the ids ``y-0001`` … and writes fresh25.jsonl next to this
file with split seed 2525. ``_corpus_tools`` does not list Japanese, Korean,
Chinese, Arabic, Hebrew and Indonesian; this script adds them to its language
set and phone-region table at run time (the shared file is not edited).

Run:  python build.py [--stats]   (needs python-stdnum, phonenumbers, cryptography)
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
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import _corpus_tools as ct  # noqa: E402

SEED = 2525
SPLIT_SEED = 2525
ID_PREFIX = "y"

# languages beyond the shared list (phones in these prompts carry +CC or a local region)
ct.LANGS.update({"ja", "ko", "zh", "ar", "he", "id"})
ct.LANG_REGIONS.update(
    {
        "ja": ("JP",),
        "ko": ("KR",),
        "zh": ("CN", "TW", "HK"),
        "ar": ("AE", "SA", "EG", "JO", "MA"),
        "he": ("IL",),
        "id": ("ID",),
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

    for _ in range(10000):
        bban = "".join(
            RNG.choice(string.digits)
            if ch == "#"
            else RNG.choice(string.ascii_uppercase)
            if ch == "A"
            else ch
            for ch in bban_tpl
        )
        compact = bban.replace(" ", "")
        check = iban.calc_check_digits(cc + "00" + compact)
        full = cc + check + compact
        if iban.is_valid(full):
            if " " in bban_tpl:
                return " ".join(full[i : i + 4] for i in range(0, len(full), 4))
            return full
    raise ValueError(f"no valid IBAN for {cc}")


def _card(prefix, layout):
    n = layout.count("x")
    for _ in range(1000):
        digits = prefix + "".join(RNG.choice(string.digits) for _ in range(n - len(prefix) - 1))
        for last in string.digits:
            if ct._luhn(digits + last):
                digits += last
                break
        it = iter(digits)
        return "".join(next(it) if ch == "x" else ch for ch in layout)
    raise ValueError("card")


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
    blob = b"openssh-key-v1\0" + s(b"none") + s(b"none") + s(b"") + struct.pack(">I", 1)
    blob += s(pub) + s(priv)
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
            return named[name]  # ``⁅@name⁆``: the value drawn earlier in this prompt
        mods = []
        while parts and (parts[-1] in ("esc", "pct") or re.fullmatch(r"ind\d+", parts[-1])):
            mods.insert(0, parts.pop())
        v = _draw(parts[0], parts[1:])
        for mod in mods:
            if mod == "esc":
                v = v.replace("\n", "\\n")
            elif mod == "pct":
                v = urllib.parse.quote(v, safe="")
            else:
                v = v.replace("\n", "\n" + " " * int(mod[3:]))
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
    "dsa-needs-assessment-booking",
    "prose",
    """
Can you help me reply to this? I need to move the appointment but keep everything else the same.

---
Dear ⟦P:Kieran Ashworth-Lowe⟧,

Your Disabled Students' Allowance needs assessment has been booked with our centre in Leeds. Please check the details we hold:

Student Finance England customer reference: ⟦ACC:11382290465⟧
Date of birth: ⟦DOB:17/05/2004⟧
Term-time address: ⟦A:Flat 3, 41 Hyde Park Road, Leeds LS6 1AH⟧
Mobile: ⟦T:07726 018159⟧
Evidence received: diagnostic report confirming ⟦MC:dyslexia⟧ and a letter from your GP about ⟦MC:ADHD⟧ (currently prescribed ⟦MED:Elvanse⟧).

Appointment: Thursday 14 November, 10:30, room 2.14.
---

Draft a short polite reply from ⟦P:Kieran⟧ asking for a slot after 2pm because of lectures.
""",
)
add(
    "pii",
    "en",
    "snap-recertification-interview",
    "prose",
    """
my mom got this letter and she's panicking, can you explain in simple spanish what she has to do? i typed it out:

STATE OF GEORGIA — DIVISION OF FAMILY AND CHILDREN SERVICES
NOTICE OF RECERTIFICATION INTERVIEW
Head of household: ⟦P:ROSA M. ELIZONDO⟧
Case number: ⟦ACC:1004387216⟧
SSN on file: ⟦ID@US:⁅id|US|6##-##-####⁆⟧
Address: ⟦A:2218 Lakewood Ave SE, Apt 4, Atlanta, GA 30315⟧
Your telephone interview is scheduled for 10/22 between 8:00 and 12:00. We will call ⟦T:(404) 555-0183⟧. If you miss the interview your SNAP benefits will end on 10/31.
Bring/upload: proof of income for ⟦P:Rosa⟧ and ⟦P:Daniel Elizondo⟧, and the doctor's statement about ⟦P:Daniel⟧'s ⟦MC:seizure disorder⟧.
""",
)
add(
    "pii",
    "en",
    "pslf-employment-certification",
    "form",
    """
Please check this PSLF form before I submit it, especially whether the employer section looks right.

Section 1: Borrower Information
Name: ⟦P:Tamika Renee Watford⟧
SSN: ⟦ID@US:⁅id|US|4##-##-####⁆⟧
Date of Birth: ⟦DOB:03/29/1988⟧
Address: ⟦A:917 N Calvert St, Baltimore, MD 21202⟧
Phone: ⟦T:410-555-0126⟧
Email: ⟦E:t.watford88@mailbox.example⟧

Section 3: Employer Information
Employer: Baltimore City Public Schools (EIN 52-6000810)
Employment dates: 08/15/2016 – present, full time (40 hrs/week)
Authorized official: Human Resources, Benefits Office
""",
)
add(
    "pii",
    "en",
    "dependent-care-fsa-claim",
    "csv",
    """
I'm filling in a dependent-care FSA reimbursement. Total up the eligible amounts per child from this daycare statement and tell me if anything looks ineligible.

child_first,child_last,child_dob,provider,service,period,amount
⟦P:Mateo⟧,⟦P:Lindqvist⟧,⟦DOB:2021-02-11⟧,Little Acorns ELC,full-day care,2024-09,1480.00
⟦P:Mateo⟧,⟦P:Lindqvist⟧,⟦DOB:2021-02-11⟧,Little Acorns ELC,late pickup fee,2024-09,45.00
⟦P:Ingrid⟧,⟦P:Lindqvist⟧,⟦DOB:2017-08-30⟧,Maple St After School,after-school care,2024-09,620.00
⟦P:Ingrid⟧,⟦P:Lindqvist⟧,⟦DOB:2017-08-30⟧,Maple St After School,field trip (zoo),2024-09,18.00
⟦P:Mateo⟧,⟦P:Lindqvist⟧,⟦DOB:2021-02-11⟧,Little Acorns ELC,registration fee,2024-09,150.00

Employee: ⟦P:Johan Lindqvist⟧, employee ID ⟦ACC:E-448210⟧
""",
)
add(
    "pii",
    "en",
    "nhs-discharge-summary-for-gp",
    "prose",
    """
Summarise this discharge letter into 5 bullet points I can read out to my dad's carers.

Patient: Mr ⟦P:Desmond Okafor⟧ NHS No: ⟦ID@GB:⁅id|GB|### ### ###?⁆⟧ DOB: ⟦DOB:02-Jan-1947⟧
Hospital no: ⟦MRN:RJ1-0093381⟧
Admitted with ⟦MC:community-acquired pneumonia⟧ on a background of ⟦MC:heart failure with reduced ejection fraction⟧ and ⟦MC:type 2 diabetes⟧. Treated with IV ⟦MED:co-amoxiclav⟧, switched to oral ⟦MED:doxycycline⟧ to complete 5 days. ⟦MED:Bisoprolol⟧ held during admission and restarted at a lower dose; ⟦MED:dapagliflozin⟧ paused until eating and drinking normally.
Discharged to: ⟦A:14 Ferndale Close, Luton LU3 2QJ⟧
Next of kin: ⟦P:Chidi Okafor⟧ (son) ⟦T:07483 016613⟧
""",
)
add(
    "pii",
    "en",
    "carers-support-grant-ireland",
    "prose",
    """
Hi, can you rewrite this so it sounds less angry? It's going to the Carer's Support Grant section.

"I applied for the Carer's Support Grant in June for looking after my sister ⟦P:Orla Ní Bhraonáin⟧ (PPSN ⟦ID@IE:⁅id|IE|#######?⁆⟧) who has ⟦MC:cerebral palsy⟧ and ⟦MC:epilepsy⟧ and needs help with everything since her ⟦MC:spinal fusion⟧ last year. My own PPSN is ⟦ID@IE:⁅id|IE|#######?⁆⟧ and we both live at ⟦A:7 Cnoc na Gréine, Bearna, Co. Galway, H91 X2F8⟧. I have rung ⟦T:087 146 2290⟧... sorry I mean you rang ME on that number twice and said it was approved, but nothing was paid. If I don't hear back by Friday I'm going to my TD.
⟦P:Máire⟧"
""",
)
add(
    "pii",
    "en",
    "fair-pharmacare-registration",
    "form",
    """
I'm helping my neighbour register for Fair PharmaCare online. Which of these fields go into which step of the form? Here is what I have:

Applicant: ⟦P:Harjit Singh Bains⟧
Personal Health Number: ⟦ACC:9876 543 217⟧
SIN (for the income check): ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧
Spouse: ⟦P:Gurpreet Kaur Bains⟧, SIN ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧
Date of birth: ⟦DOB:August 9, 1956⟧
Address: ⟦A:12871 68 Ave, Surrey, BC V3W 2G2⟧
Phone: ⟦T:(604) 555-0172⟧
Regular prescriptions: ⟦MED:Eliquis⟧, ⟦MED:Jardiance⟧, ⟦MED:atorvastatin⟧ (for ⟦MC:atrial fibrillation⟧ and ⟦MC:diabetes⟧)
""",
)
add(
    "pii",
    "en",
    "help-debt-overseas-income",
    "prose",
    """
Quick question about HELP debt while living overseas. My details for context:

Name: ⟦P:Siobhan Tremlett⟧, born ⟦DOB:23 September 1995⟧
TFN: ⟦ID@AU:⁅id|AU|### ### ##?⁆⟧
Current address: ⟦A:Wohnung 12, Lindenstraße 44, 10969 Berlin⟧, Germany
Australian mobile (still active): ⟦T:0412 558 093⟧

I earned about EUR 52,000 last financial year. Do I need to lodge an overseas travel notification AND a worldwide income statement, or just the second one? My myGov login is linked to ⟦E:siobhan.tremlett@inbox.example⟧ if that matters for 2FA.
""",
)
add(
    "pii",
    "en",
    "accommodation-supplement-nz",
    "prose",
    """
Work and Income want "proof of accommodation costs". Can you write a short cover note to go with my tenancy agreement?

Me: ⟦P:Tama Ruawai⟧ (client number ⟦ACC:302-918-774⟧, IRD ⟦ID@NZ:⁅id|NZ|###-###-##?⁆⟧)
Partner: ⟦P:Jess Ruawai⟧
Address: ⟦A:26B Taupo Street, Ponsonby, Auckland 1011⟧
Rent: $640 per week, landlord ⟦P:Graeme Hollis⟧ ⟦T:021 045 7718⟧
We have one child, ⟦P:Nikau⟧ (born ⟦DOB:4 March 2019⟧), who has ⟦MC:asthma⟧ so we need a dry house — the last place had mould.
""",
)
add(
    "pii",
    "en",
    "sars-disability-tax-credit",
    "form",
    """
Can you check whether my mother qualifies for the additional medical expenses tax credit? I filled in the ITR-DD summary like this:

Taxpayer: ⟦P:Nomvula Dlamini⟧  ID: ⟦ID@ZA:⁅id|ZA|6211270###08?⁆⟧
Dependant: ⟦P:Sipho Dlamini⟧ (son)  ID: ⟦ID@ZA:⁅id|ZA|0104155###08?⁆⟧  DOB: ⟦DOB:15 April 2001⟧
Disability: ⟦MC:Duchenne muscular dystrophy⟧, ⟦MC:wheelchair user⟧ since 2012
Medical practitioner: Dr ⟦P:R. Naidoo⟧ (practice no. 0123456)
Medical aid member number: ⟦ACC:90018475⟧
Residential address: ⟦A:38 Umgeni Road, Glenwood, Durban, 4001⟧
Cell: ⟦T:082 555 3107⟧
""",
)
add(
    "pii",
    "en",
    "tatkal-passport-annexure",
    "form",
    """
Please check this Annexure for a Tatkal passport — will they reject it because the PAN is in capitals and the name isn't?

Applicant name: ⟦P:Ananya Ravindran⟧
Name as on PAN card: ⟦P:ANANYA RAVINDRAN⟧
Date of birth: ⟦DOB:11-06-1999⟧
Aadhaar: ⟦ID@IN:⁅id|IN|5### #### ###?⁆⟧
PAN: ⟦ID@IN:ABKPR4471Q⟧
Present address: ⟦A:Flat 3B, Sai Krupa Apartments, 14th Cross, Malleshwaram, Bengaluru 560003⟧
Mobile: ⟦T:+91 98450 31176⟧
Father: ⟦P:K. Ravindran⟧   Mother: ⟦P:Lakshmi Ravindran⟧
""",
)
add(
    "pii",
    "en",
    "sumbangan-tunai-rahmah-appeal",
    "prose",
    """
Help me write a short appeal in English and Malay. My STR payment was rejected as "household income exceeds limit" but my husband lost his job.

Applicant: ⟦P:Nur Syafiqah binti Hamzah⟧, MyKad ⟦ID@MY:⁅id|MY|910608-10-###4⁆⟧
Spouse: ⟦P:Mohd Faizal bin Ismail⟧, MyKad ⟦ID@MY:⁅id|MY|880117-10-###5⁆⟧ — unemployed since July
Children: 3 (youngest ⟦P:Aisyah⟧ has ⟦MC:thalassaemia major⟧, monthly transfusions at Hospital Tengku Ampuan Rahimah)
Address: ⟦A:No. 22, Jalan Sungai Rasau 2A, Taman Sri Muda, 40400 Shah Alam, Selangor⟧
Phone: ⟦T:+60 12-384 7721⟧
""",
)
add(
    "pii",
    "en",
    "thai-marriage-registration-checklist",
    "markdown-table",
    """
We're registering our marriage at the amphoe next month. Make me a checklist from this table of what each of us still needs to bring:

| | Groom | Bride |
|---|---|---|
| Name | ⟦P:Liam Fairbrother⟧ | ⟦P:Ploy Srisawat⟧ (⟦P:พลอย ศรีสวัสดิ์⟧) |
| Nationality | British | Thai |
| ID | passport ⟦PASS:125561983⟧ | Thai ID ⟦ID@TH:⁅id|TH|1-####-#####-##-?⁆⟧ |
| Date of birth | ⟦DOB:30 Nov 1990⟧ | ⟦DOB:19 Feb 1994⟧ |
| Address | ⟦A:88/14 Moo 5, Tambon Nong Prue, Amphoe Bang Lamung, Chon Buri 20150⟧ | same |
| Phone | ⟦T:+66 81 442 9035⟧ | ⟦T:+66 89 117 2268⟧ |
| Translated affirmation of freedom to marry | done, legalised 3 Oct | n/a |
""",
)
add(
    "pii",
    "en",
    "bisp-kafaalat-eligibility",
    "prose",
    """
My aunt received an SMS from 8171 saying she is "not eligible" for Kafaalat. Can you explain the NSER survey and what she can do? Details:

Name: ⟦P:Shahnaz Bibi⟧ w/o ⟦P:Muhammad Aslam⟧ (late)
CNIC: ⟦ID@PK:⁅id|PK|35201-#######-8⁆⟧
Mobile registered: ⟦T:0300 4471289⟧
Address: ⟦A:House 17, Street 9, Mohallah Rehmanpura, Lahore⟧
She is a widow, lives with her son who has ⟦MC:polio⟧ and cannot work.
""",
)
add(
    "pii",
    "en",
    "reasonable-accommodation-esa-letter",
    "prose",
    """
Can you make this request to my building management more formal and cite the Fair Housing Act?

"Hi, I'm ⟦P:Devon Marsh⟧ in unit 5C at ⟦A:1450 W Wrightwood Ave, Chicago, IL 60614⟧. I'm asking for a reasonable accommodation to keep an emotional support animal (a cat) despite the no-pets rule. My therapist, Dr. ⟦P:Alana Whitcombe⟧, LCSW, can confirm I'm treated for ⟦MC:PTSD⟧ and ⟦MC:major depressive disorder⟧. I'm on ⟦MED:prazosin⟧ and ⟦MED:venlafaxine⟧ but the cat helps with the night panic. You can reach me at ⟦T:(773) 555-0139⟧ or ⟦E:devon.marsh@post.example⟧.
Thanks, ⟦P:Devon⟧"
""",
)
add(
    "pii",
    "en",
    "uscis-ar11-change-of-address",
    "form",
    """
Double-check my AR-11 before I submit it online:

Full name: ⟦P:Oluwaseun Adeyemi-Clarke⟧
A-Number: ⟦ACC:A-219-448-301⟧
Date of birth: ⟦DOB:1992-07-06⟧
Country of citizenship: Nigeria
Passport: ⟦PASS:B04418276⟧
Old address: ⟦A:3300 Buford Hwy NE, Apt 1114, Atlanta, GA 30329⟧
New address: ⟦A:52 Hamilton Pl, Apt 3, Jersey City, NJ 07302⟧
Daytime phone: ⟦T:+1 201-555-0164⟧
Pending application: I-485 (receipt number ⟦ACC:IOE0912345678⟧)
""",
)
add(
    "pii",
    "en",
    "dermatology-photo-consent-log",
    "csv",
    """
Clean this consent log: one row per patient, latest consent wins, and flag anyone who withdrew teaching consent.

mrn,patient,dob,lesion_site,diagnosis,consent_clinical,consent_teaching,date
⟦MRN:DRM-55102⟧,"⟦P:Pereira, Lucia⟧",⟦DOB:1979-12-03⟧,left shin,⟦MC:psoriasis⟧,Y,Y,2024-05-02
⟦MRN:DRM-55102⟧,"⟦P:Pereira, Lucia⟧",⟦DOB:1979-12-03⟧,left shin,⟦MC:psoriasis⟧,Y,N,2024-08-19
⟦MRN:DRM-57231⟧,"⟦P:Haddad, Karim⟧",⟦DOB:1964-04-21⟧,scalp,⟦MC:basal cell carcinoma⟧,Y,Y,2024-06-11
⟦MRN:DRM-58007⟧,"⟦P:O'Neill, Bridget⟧",⟦DOB:2002-09-15⟧,face,⟦MC:acne conglobata⟧ on ⟦MED:isotretinoin⟧,Y,N,2024-07-30
⟦MRN:DRM-58112⟧,"⟦P:Wojcik, Adam⟧",⟦DOB:1951-01-08⟧,back,⟦MC:melanoma in situ⟧,Y,Y,2024-09-04
""",
)
add(
    "pii",
    "en",
    "hearing-aid-fitting-app-export",
    "json",
    """
This is the export from my hearing-aid app. Can you explain the audiogram numbers in plain English?

{
  "user": {"display_name": "⟦P:Marjorie Penhaligon⟧", "email": "⟦E:mpenhaligon@seaside.example⟧", "birth_date": "⟦DOB:1949-10-30⟧", "phone": "⟦T:+44 1872 555 014⟧"},
  "devices": [{"side": "L", "model": "RIC 312", "serial": "2271-0093"}, {"side": "R", "model": "RIC 312", "serial": "2271-0094"}],
  "diagnosis": "⟦MC:bilateral sensorineural hearing loss⟧, worse right; ⟦MC:tinnitus⟧",
  "audiogram_dBHL": {"L": {"500": 35, "1000": 40, "2000": 55, "4000": 65}, "R": {"500": 45, "1000": 55, "2000": 65, "4000": 75}},
  "clinic_contact": "NHS audiology, Royal Cornwall Hospital",
  "notes": "Patient also uses ⟦MED:betahistine⟧ for ⟦MC:Ménière's disease⟧ (dx 2019)."
}
""",
)
add(
    "pii",
    "en",
    "senior-lunch-club-insert",
    "sql",
    """
Why does this insert fail with "value too long for type character varying(40)"?

INSERT INTO lunch_club_members (first_name, last_name, phone, address, dietary_note, emergency_contact) VALUES
('⟦P:Winifred⟧', '⟦P:Abernethy⟧', '⟦T:01539 720184⟧', '⟦A:9 Orchard Lane, Kendal LA9 4QT⟧', 'soft food only — ⟦MC:dysphagia⟧ after ⟦MC:stroke⟧', '⟦P:Fiona Abernethy⟧ ⟦T:07486 091390⟧'),
('⟦P:Cyril⟧', '⟦P:Mottram⟧', '⟦T:01539 555 019⟧', '⟦A:Flat 2, 31 Stricklandgate, Kendal LA9 4PU⟧', '⟦MC:coeliac disease⟧, no gluten', '⟦P:Pat Mottram⟧ ⟦T:07996 030824⟧'),
('⟦P:Edna⟧', '⟦P:Thwaite⟧', '⟦T:01539 555 062⟧', '⟦A:4 Castle Crescent, Kendal LA9 7AY⟧', 'diabetic (⟦MED:metformin⟧), low sugar desserts please', NULL);
""",
)
add(
    "pii",
    "en",
    "remote-access-vpn-auth-log",
    "kv-log",
    """
Which of these remote-access logins look suspicious? The company is UK-only.

2024-10-07T07:58:12Z vpn-gw1 auth=ok user=⟦U:hbrennan⟧ src=⟦IP:86.142.19.77⟧ geo=GB client=GlobalProtect 6.2
2024-10-07T08:03:40Z vpn-gw1 auth=ok user=⟦U:s.iqbal⟧ src=⟦IP:81.103.44.210⟧ geo=GB client=GlobalProtect 6.2
2024-10-07T08:04:02Z vpn-gw1 auth=fail reason=bad_otp user=⟦U:hbrennan⟧ src=⟦IP:185.220.101.34⟧ geo=DE client=openconnect
2024-10-07T08:04:09Z vpn-gw1 auth=fail reason=bad_otp user=⟦U:hbrennan⟧ src=⟦IP:185.220.101.34⟧ geo=DE client=openconnect
2024-10-07T08:11:55Z vpn-gw1 auth=ok user=⟦U:mkowalczyk⟧ src=⟦IP:2a00:23c8:1a04:9e01::4f⟧ geo=GB client=GlobalProtect 6.1
2024-10-07T08:12:30Z vpn-gw1 auth=ok user=svc_backup src=10.20.0.15 geo=internal client=ipsec
""",
)
add(
    "pii",
    "en",
    "parish-volunteer-drivers-yaml",
    "yaml",
    """
I'm writing a little bot that texts our volunteer drivers. Is this YAML structure OK, and how would I load it in Python?

drivers:
  - name: ⟦P:Gwen Pritchard⟧
    phone: "⟦T:07828 194821⟧"
    car_seats: 3
    days: [tue, thu]
  - name: ⟦P:Alun Rees⟧
    phone: "⟦T:07993 518190⟧"
    car_seats: 4
    days: [mon, wed, fri]
passengers:
  - name: ⟦P:Megan Lloyd⟧
    pickup: "⟦A:22 Heol y Nant, Llandeilo SA19 6BN⟧"
    needs: "⟦MC:rollator⟧, can't do steps; going to ⟦MC:chemotherapy⟧ at Glangwili"
  - name: ⟦P:Ifor Jenkins⟧
    pickup: "⟦A:3 Rhosmaen Street, Llandeilo SA19 6EN⟧"
    needs: "⟦MC:partially sighted⟧, ring doorbell twice"
""",
)
add(
    "pii",
    "en",
    "sepa-direct-debit-xml-club-fees",
    "code",
    """
Our bank rejected this pain.008 file with "AM05 duplication". Which element is probably duplicated?

<DrctDbtTxInf>
  <PmtId><EndToEndId>SUBS-2024-10-0041</EndToEndId></PmtId>
  <InstdAmt Ccy="EUR">45.00</InstdAmt>
  <DrctDbtTx><MndtRltdInf><MndtId>⟦ACC:RCK-M-0187⟧</MndtId><DtOfSgntr>2022-03-14</DtOfSgntr></MndtRltdInf></DrctDbtTx>
  <Dbtr><Nm>⟦P:Finnegan O'Rourke⟧</Nm></Dbtr>
  <DbtrAcct><Id><IBAN>⟦IBAN:⁅iban|IE|AIBK931152########⁆⟧</IBAN></Id></DbtrAcct>
</DrctDbtTxInf>
<DrctDbtTxInf>
  <PmtId><EndToEndId>SUBS-2024-10-0041</EndToEndId></PmtId>
  <InstdAmt Ccy="EUR">45.00</InstdAmt>
  <DrctDbtTx><MndtRltdInf><MndtId>⟦ACC:RCK-M-0203⟧</MndtId><DtOfSgntr>2023-09-01</DtOfSgntr></MndtRltdInf></DrctDbtTx>
  <Dbtr><Nm>⟦P:Aoibheann Keane⟧</Nm></Dbtr>
  <DbtrAcct><Id><IBAN>⟦IBAN:⁅iban|IE|BOFI900017########⁆⟧</IBAN></Id></DbtrAcct>
</DrctDbtTxInf>
""",
)
add(
    "pii",
    "en",
    "lift-outage-vulnerable-residents",
    "markdown-table",
    """
The lift in our block is out for 10 days. Turn this into a door-knocking rota for 3 volunteers, ground floor up.

| Flat | Resident | Phone | Why they can't use stairs |
|---|---|---|---|
| 4.02 | ⟦P:Beatrice Ogunleye⟧ | ⟦T:07937 865797⟧ | ⟦MC:COPD⟧, home oxygen |
| 6.11 | ⟦P:Stan Kowalewski⟧ | ⟦T:020 7946 0852⟧ | ⟦MC:below-knee amputation⟧ |
| 9.05 | ⟦P:Ruth Feld⟧ | ⟦T:07743 231948⟧ | ⟦MC:heart failure⟧, on ⟦MED:furosemide⟧ |
| 12.01 | ⟦P:Marcus Bellamy⟧ | ⟦T:07857 491186⟧ | ⟦MC:MS⟧, uses a wheelchair |

Block address for the council: ⟦A:Orwell House, 1–60 Maple Road, London E3 4PT⟧ (it's council-owned but the list is private, please don't share names outside the rota).
""",
)
add(
    "pii",
    "en",
    "ebike-theft-claim-api",
    "http",
    """
I'm getting a 422 from our claims API. What's wrong with the body?

POST /v2/claims HTTP/1.1
Host: api.cycleguard.example
Content-Type: application/json

{"policy_number": "⟦ACC:CG-7720194⟧", "claimant": {"first_name": "⟦P:Rhys⟧", "last_name": "⟦P:Vaughan-Price⟧", "dob": "⟦DOB:1986-02-31⟧", "email": "⟦E:rhys.vp@cyclemail.example⟧", "mobile": "⟦T:+447552760189⟧", "address": "⟦A:17 Cathedral Road, Cardiff CF11 9HA⟧"}, "incident": {"type": "theft", "date": "2024-10-03", "crime_ref": "2400351122", "frame_number": "WAW21K0993"}}
""",
)
add(
    "pii",
    "en",
    "family-whatsapp-post-op-rota",
    "prose",
    """
Summarise this family chat into a care rota for next week and a list of meds with times:

[09:12] ⟦P:Aunty Grace⟧: Mum is home!! Discharge nurse said no lifting for 6 weeks after the ⟦MC:hip replacement⟧
[09:14] ⟦P:Tunde⟧: I can do Mon + Tue nights. Still at ⟦A:41 Ringwood Road, Reading RG30 3PF⟧?
[09:15] ⟦P:Folake⟧: yes. Meds: ⟦MED:apixaban⟧ morning for 5 weeks, ⟦MED:paracetamol⟧ 4x, ⟦MED:Laxido⟧ if needed. Her ⟦MC:glaucoma⟧ drops (⟦MED:latanoprost⟧) at night as usual
[09:21] ⟦P:Tunde⟧: who has the key safe code?
[09:22] ⟦P:Folake⟧: I'll DM it. Physio ⟦P:Karen⟧ is coming Thursday, her number ⟦T:07755 979711⟧
[09:30] ⟦P:Aunty Grace⟧: I'll take Wed–Fri. ⟦P:Folake⟧ weekend?
""",
)
add(
    "pii",
    "en",
    "airline-poc-medical-approval",
    "prose",
    """
Please turn my notes into a formal email to the airline's special assistance desk:

- passenger: ⟦P:Eleanor Vance-Whitby⟧, DOB ⟦DOB:5 June 1952⟧, passport ⟦PASS:533018442⟧
- booking ref QJ7H2K, LHR–YVR 14 Dec, seat 23C
- I have ⟦MC:pulmonary fibrosis⟧ and need a portable oxygen concentrator (Inogen One G5) at 2 L/min
- my respiratory consultant has signed the MEDIF; also take ⟦MED:nintedanib⟧ twice daily so need it in cabin
- contact: ⟦E:eleanor.vw@homemail.example⟧ / ⟦T:+44 7771 049746⟧
""",
)
add(
    "pii",
    "en",
    "gam-print-users-offboarding",
    "command",
    """
Which of these accounts should be suspended? Anyone not logged in for 90 days, except the board.

$ gam print users fields name,primaryemail,lastlogintime,orgunitpath,phones query "isSuspended=False"
primaryEmail,name.fullName,lastLoginTime,orgUnitPath,phones.0.value
⟦E:t.abiodun@harbourtrust.example⟧,⟦P:Temitope Abiodun⟧,2024-10-02T08:14:55.000Z,/Staff,⟦T:+44 7707 529170⟧
⟦E:g.mcallister@harbourtrust.example⟧,⟦P:Greig McAllister⟧,2024-05-30T16:02:11.000Z,/Staff,
⟦E:p.santangelo@harbourtrust.example⟧,⟦P:Paola Santangelo⟧,2023-12-01T10:40:27.000Z,/Board,⟦T:+44 7542 366712⟧
⟦E:volunteers@harbourtrust.example⟧,Volunteer Inbox,2024-10-06T19:22:03.000Z,/Shared,
⟦E:d.ferreira@harbourtrust.example⟧,⟦P:Diogo Ferreira⟧,1970-01-01T00:00:00.000Z,/Staff,
""",
)
add(
    "pii",
    "en",
    "erasmus-staff-mobility-grant-csv",
    "csv",
    """
Erasmus+ staff mobility: compute the individual support per person (travel band + days × daily rate for the host country) from this sheet. Host is always Porto.

surname,given_name,home_institution,personal_id,id_country,dob,days,distance_km
⟦P:Horvat⟧,⟦P:Ivana⟧,Sveučilište u Zagrebu,⟦ID@HR:⁅id|HR|##########?⁆⟧,HR,⟦DOB:1984-06-19⟧,5,1900
⟦P:Kralj⟧,⟦P:Matej⟧,Univerza v Ljubljani,⟦ID@SI:⁅id|SI|2209979500##?⁆⟧,SI,⟦DOB:1979-09-22⟧,5,1820
⟦P:Tamm⟧,⟦P:Kadri⟧,Tartu Ülikool,⟦ID@EE:⁅id|EE|4870805###?⁆⟧,EE,⟦DOB:1987-08-05⟧,7,3300
⟦P:Bērziņš⟧,⟦P:Edgars⟧,Latvijas Universitāte,⟦ID@LV:⁅id|LV|110382-1###?⁆⟧,LV,⟦DOB:1982-03-11⟧,5,3050
⟦P:Guðmundsdóttir⟧,⟦P:Sólveig⟧,Háskóli Íslands,⟦ID@IS:⁅id|IS|210691-##?9⁆⟧,IS,⟦DOB:1991-06-21⟧,10,2950
⟦P:Petrova⟧,⟦P:Desislava⟧,Софийски университет,⟦ID@BG:⁅id|BG|8912035#1?⁆⟧,BG,⟦DOB:1989-12-03⟧,5,2700
⟦P:Kováčová⟧,⟦P:Zuzana⟧,Univerzita Komenského,⟦ID@SK:⁅id|SK|855410/###?⁆⟧,SK,⟦DOB:1985-04-10⟧,5,2450
⟦P:Jankauskas⟧,⟦P:Tomas⟧,Vilniaus universitetas,⟦ID@LT:⁅id|LT|3801127###?⁆⟧,LT,⟦DOB:1980-11-27⟧,5,3200
""",
)
add(
    "pii",
    "en",
    "hsa-excess-contribution-removal",
    "prose",
    """
Is this the right way to ask for an excess contribution removal? I switched to my wife's plan in August.

"To whom it may concern — I, ⟦P:Brandon Achterberg⟧ (SSN ⟦ID@US:⁅id|US|3##-##-####⁆⟧, HSA account ⟦ACC:HSA-004417892⟧), request removal of excess contributions of $1,850 plus attributable earnings for tax year 2024. I lost HDHP eligibility on 08/01/2024 when I enrolled in my spouse ⟦P:Carly Achterberg⟧'s PPO. Please send the distribution to my checking account ending 4471 and mail the corrected 1099-SA to ⟦A:6605 Prairie Dunes Dr, Lincoln, NE 68516⟧. Phone ⟦T:402-555-0191⟧."
""",
)
# ---------------------------------------------------------------------------
# pii — other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "es",
    "bono-alquiler-joven-solicitud",
    "form",
    """
¿Me ayudas a revisar si falta algo en la solicitud del Bono Alquiler Joven? La presento en la sede electrónica de la Comunidad de Madrid.

Solicitante: ⟦P:Lucía Berrocal Santamaría⟧
DNI: ⟦ID@ES:⁅id|ES|########?⁆⟧
Fecha de nacimiento: ⟦DOB:14/02/1999⟧
Domicilio de la vivienda alquilada: ⟦A:C/ de Embajadores 118, 3.º B, 28045 Madrid⟧
Teléfono: ⟦T:612 48 39 07⟧
Correo: ⟦E:lucia.berrocal@correo.example⟧
Cuenta para el abono: ⟦IBAN:⁅iban|ES|2100 0418 ## ##########⁆⟧
Arrendador: ⟦P:Ramón Ayuso Pliego⟧, NIE ⟦ID@ES:⁅id|ES|X#######?⁆⟧
Renta mensual: 690 € · Ingresos 2023: 17.400 €
""",
)
add(
    "pii",
    "es",
    "subsidio-habitacional-ds1-chile",
    "prose",
    """
Hola, necesito redactar una carta para el SERVIU explicando por qué mi mamá no pudo firmar la postulación al subsidio DS1 en persona.

Datos: ella se llama ⟦P:Margarita del Carmen Soto Painequeo⟧, RUT ⟦ID@CL:⁅id|CL|##.###.###-?⁆⟧, nació el ⟦DOB:8 de enero de 1958⟧ y vive en ⟦A:Pasaje Los Aromos 1432, Villa El Bosque, Temuco⟧. Tiene ⟦MC:artrosis de rodilla⟧ severa y está esperando una ⟦MC:prótesis de rodilla⟧, por eso no puede subir a la oficina del segundo piso. Yo soy su hija, ⟦P:Daniela Muñoz Soto⟧, RUT ⟦ID@CL:⁅id|CL|##.###.###-?⁆⟧, celular ⟦T:+56 9 8412 3307⟧. Adjunto poder simple notarial.
""",
)
add(
    "pii",
    "es",
    "bono-desarrollo-humano-ecuador",
    "prose",
    """
Mi vecina me pidió ayuda: le suspendieron el Bono de Desarrollo Humano. ¿Qué documentos debería llevar al MIES? Sus datos:

Nombre: ⟦P:Rosa Elvira Quishpe Chicaiza⟧
Cédula: ⟦ID@EC:⁅id|EC|171######?⁆⟧
Fecha de nacimiento: ⟦DOB:03-11-1972⟧
Dirección: ⟦A:Barrio La Ecuatoriana, calle S40 y Av. Quitumbe Ñan, casa 12, Quito⟧
Celular: ⟦T:+593 98 761 4420⟧
Vive con su nieto ⟦P:Kevin⟧, de 9 años, que tiene ⟦MC:síndrome de Down⟧.
""",
)
add(
    "pii",
    "de",
    "kinderzuschlag-antrag",
    "form",
    """
Kannst du prüfen, ob ich beim Kinderzuschlag alles richtig eingetragen habe? Die Familienkasse hat schon einmal etwas zurückgeschickt.

Antragstellerin: ⟦P:Jasmin Krause-Yilmaz⟧, geb. ⟦DOB:22.07.1991⟧
Steuer-ID: ⟦ID@DE:⁅id|DE|## ### ### ##?⁆⟧
Anschrift: ⟦A:Hallesche Straße 27, 06108 Halle (Saale)⟧
Telefon: ⟦T:0345 68 21 447⟧
Kinder:
  ⟦P:Elif⟧, geb. ⟦DOB:03.05.2015⟧, Steuer-ID ⟦ID@DE:⁅id|DE|## ### ### ##?⁆⟧
  ⟦P:Noah⟧, geb. ⟦DOB:19.11.2019⟧, Steuer-ID ⟦ID@DE:⁅id|DE|## ### ### ##?⁆⟧
Bankverbindung: ⟦IBAN:⁅iban|DE|8005 0222 #### #### ##⁆⟧
Kindergeldnummer: ⟦ACC:130FK448127⟧
""",
)
add(
    "pii",
    "de",
    "pflegekarenzgeld-antrag-at",
    "prose",
    """
Bitte formuliere das als kurze E-Mail an das Sozialministeriumservice, ich will wissen, wo mein Antrag hängt:

Ich, ⟦P:Stefanie Gruber⟧ (SV-Nr. ⟦ID@AT:⁅id|AT|###? 110386⁆⟧, geboren ⟦DOB:11. März 1986⟧), habe am 2. September Pflegekarenzgeld beantragt, weil ich meinen Vater ⟦P:Herbert Gruber⟧ (SV-Nr. ⟦ID@AT:⁅id|AT|###? 040251⁆⟧) nach seinem ⟦MC:Schlaganfall⟧ pflege. Er hat Pflegestufe 4 und eine ⟦MC:Halbseitenlähmung⟧. Wohnadresse: ⟦A:Wiener Straße 88/2/14, 4020 Linz⟧. Erreichbar unter ⟦T:+43 664 310 2287⟧.
""",
)
add(
    "pii",
    "fr",
    "demande-aah-mdph",
    "prose",
    """
Peux-tu m'aider à compléter la partie « vie quotidienne » de la demande d'AAH ? Voici mes notes en vrac :

- moi : ⟦P:Théo Marchetti⟧, né le ⟦DOB:9 juin 1997⟧, n° de sécu ⟦ID@FR:⁅id|FR|1 97 06 13 055 ### ??⁆⟧
- adresse : ⟦A:12 rue Consolat, 13001 Marseille⟧
- téléphone : ⟦T:06 71 42 83 19⟧
- ⟦MC:schizophrénie⟧ diagnostiquée en 2018, traitement par ⟦MED:Xeplion⟧ injectable tous les mois + ⟦MED:aripiprazole⟧
- je ne peux pas prendre les transports seul les jours de crise, ma sœur ⟦P:Chloé⟧ m'accompagne aux rendez-vous du CMP
""",
)
add(
    "pii",
    "fr",
    "prestations-complementaires-avs-geneve",
    "form",
    """
Relis ce formulaire de demande de prestations complémentaires (SPC Genève) et dis-moi quelles pièces justificatives manquent :

Requérant : ⟦P:Jean-Luc Favre⟧
N° AVS : ⟦ID@CH:⁅id|CH|756.####.####.#?⁆⟧
Date de naissance : ⟦DOB:21.10.1955⟧
Conjointe : ⟦P:Monique Favre-Rochat⟧, N° AVS ⟦ID@CH:⁅id|CH|756.####.####.#?⁆⟧
Adresse : ⟦A:Rue de Carouge 54, 1205 Genève⟧
Téléphone : ⟦T:022 320 41 78⟧
Loyer mensuel : 1 480 CHF · Rente AVS : 1 910 CHF
Frais de santé non couverts : appareils auditifs, ⟦MC:maladie de Parkinson⟧ (⟦MED:Madopar⟧)
""",
)
add(
    "pii",
    "it",
    "assegno-di-inclusione-domanda",
    "form",
    """
Controlla questa bozza di domanda per l'Assegno di Inclusione prima che la mandi al CAF:

Richiedente: ⟦P:Giuseppina Lo Bianco⟧
Codice fiscale: ⟦ID@IT:⁅id|IT|LBNGPP68P52G273?⁆⟧
Nata a Palermo il ⟦DOB:12/09/1968⟧
Residenza: ⟦A:Via Maqueda 214, 90134 Palermo⟧
Cellulare: ⟦T:347 218 6604⟧
Componenti: figlio ⟦P:Salvatore Lo Bianco⟧, con ⟦MC:disabilità grave⟧ (⟦MC:autismo⟧), legge 104 art. 3 c. 3
ISEE: 6.412,30 €
IBAN per l'accredito: ⟦IBAN:⁅iban|IT|A0306904600############⁆⟧
""",
)
add(
    "pii",
    "pt",
    "minha-casa-minha-vida-cadastro",
    "prose",
    """
Pode revisar este texto que vou mandar para a assistente social da prefeitura sobre o cadastro no Minha Casa, Minha Vida?

"Boa tarde, meu nome é ⟦P:Francisca das Chagas Oliveira⟧, CPF ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧, nascida em ⟦DOB:02/04/1983⟧. Moro de aluguel na ⟦A:Rua Padre Cícero, 412, bairro Pirambu, Fortaleza - CE, 60310-450⟧ com meus três filhos. O mais novo, ⟦P:Davi⟧, tem ⟦MC:paralisia cerebral⟧ e usa ⟦MC:cadeira de rodas⟧, por isso preciso de uma unidade térrea adaptada. Meu NIS é ⟦ACC:209.48812.71-3⟧. Telefone/WhatsApp ⟦T:(85) 98812-4407⟧."
""",
)
add(
    "pii",
    "nl",
    "wia-aanvraag-uwv",
    "prose",
    """
Kun je dit herschrijven tot een duidelijke toelichting bij mijn WIA-aanvraag? Het UWV vraagt wat ik nog wel en niet kan.

Ik ben ⟦P:Sanne de Vries-Bakker⟧, BSN ⟦ID@NL:⁅id|NL|########?⁆⟧, geboren ⟦DOB:30-08-1980⟧, woonachtig ⟦A:Oudegracht 211-bis, 3511 NG Utrecht⟧. Sinds twee jaar in de ziektewet door ⟦MC:burn-out⟧ met later ⟦MC:fibromyalgie⟧. Ik gebruik ⟦MED:duloxetine⟧ en ⟦MED:pregabaline⟧ en word er suf van. Na 3 uur werken moet ik liggen. Mijn bedrijfsarts is dr. ⟦P:Wouters⟧ (nee, zet alleen "bedrijfsarts"). Bereikbaar via ⟦T:06-41827730⟧.
""",
)
add(
    "pii",
    "pl",
    "wniosek-dodatek-oslonowy",
    "form",
    """
Sprawdź proszę, czy dobrze wypełniłam wniosek o dodatek osłonowy za babcię (składam w MOPS):

Wnioskodawca: ⟦P:Halina Wróblewska⟧
PESEL: ⟦ID@PL:⁅id|PL|470615###2?⁆⟧
Data urodzenia: ⟦DOB:15.06.1947⟧
Adres: ⟦A:ul. Kołłątaja 9 m. 4, 58-300 Wałbrzych⟧
Telefon: ⟦T:607 318 245⟧
Gospodarstwo domowe jednoosobowe, emerytura 2 140 zł brutto
Źródło ogrzewania: piec węglowy (zgłoszony w CEEB)
Numer rachunku: ⟦IBAN:⁅iban|PL|1020 5170 #### #### #### ####⁆⟧
Wypełnia: wnuczka ⟦P:Natalia Wróblewska⟧
""",
)
add(
    "pii",
    "sv",
    "aktivitetsersattning-ansokan",
    "prose",
    """
Hjälp mig skriva ett kort följebrev till Försäkringskassan. Jag söker aktivitetsersättning för min son.

Han heter ⟦P:Elias Lundgren⟧, personnummer ⟦ID@SE:⁅id|SE|040923-##3?⁆⟧, och fyllde 19 i september. Han har ⟦MC:autism⟧ och ⟦MC:generaliserat ångestsyndrom⟧ och har inte klarat gymnasiet. Han tar ⟦MED:sertralin⟧. Vi bor på ⟦A:Storgatan 41 B, lgh 1203, 852 30 Sundsvall⟧. Jag är hans mamma, ⟦P:Karin Lundgren⟧, nås på ⟦T:070-318 42 96⟧ — ⟦P:Elias⟧ vill helst inte bli uppringd.
""",
)
add(
    "pii",
    "fi",
    "kela-vammaistuki-hakemus",
    "prose",
    """
Voisitko kirjoittaa tästä selkeän perustelun Kelan vammaistukihakemukseen (alle 16-vuotias)?

Lapsi: ⟦P:Veeti Hämäläinen⟧, henkilötunnus ⟦ID@FI:⁅id|FI|120516A##1?⁆⟧
Osoite: ⟦A:Hämeenkatu 22 B 17, 33200 Tampere⟧
Diagnoosi: ⟦MC:tyypin 1 diabetes⟧ (todettu 2022), käytössä ⟦MC:insuliinipumppu⟧ ja sensori
Huoltaja: ⟦P:Riikka Hämäläinen⟧, puh. ⟦T:040 718 2263⟧
Hoidon vaatima aika: yöllä herätään 2–3 kertaa matalien sokereiden takia.
""",
)
add(
    "pii",
    "da",
    "ledsageordning-ansoegning",
    "prose",
    """
Kan du gøre denne ansøgning om ledsageordning mere præcis? Den skal til kommunen.

Jeg hedder ⟦P:Mette Kjærgaard Nielsen⟧ (CPR ⟦ID@DK:⁅id|DK|170785-###4⁆⟧) og bor på ⟦A:Vesterbrogade 112, 3. tv., 1620 København V⟧. På grund af ⟦MC:muskelsvind⟧ (⟦MC:limb-girdle muskeldystrofi⟧) kan jeg ikke komme til fritidsaktiviteter alene. Jeg ønsker 15 timer om måneden til kor og svømning. Telefon ⟦T:28 14 93 07⟧.
""",
)
add(
    "pii",
    "no",
    "bpa-soknad-kommune",
    "form",
    """
Kan du lage en oppsummering av denne søknaden om brukerstyrt personlig assistanse (BPA) på maks 150 ord?

Søker: ⟦P:Ingvild Haugland⟧
Fødselsnummer: ⟦ID@NO:⁅id|NO|030392##4??⁆⟧
Adresse: ⟦A:Kongsgårdbakken 14, 4005 Stavanger⟧
Telefon: ⟦T:917 44 208⟧
Diagnose: ⟦MC:tetraplegi⟧ etter ⟦MC:ryggmargsskade⟧ (2017)
Behov: 38 timer/uke, hjelp til morgenstell, måltider og arbeid (deltid hos NAV)
Kontaktperson: ⟦P:Håkon Haugland⟧ (bror)
""",
)
add(
    "pii",
    "cs",
    "zadost-prukaz-ztp",
    "prose",
    """
Potřebuju napsat žádost o průkaz osoby se zdravotním postižením (ZTP/P) za manžela. Můžeš to uhladit?

Jméno: ⟦P:Miroslav Dvořák⟧, rodné číslo ⟦ID@CZ:⁅id|CZ|590127/###?⁆⟧, bydliště ⟦A:Bezručova 14, 602 00 Brno⟧. Od loňska má ⟦MC:Alzheimerovu chorobu⟧ ve středním stadiu, bere ⟦MED:donepezil⟧ a ⟦MED:memantin⟧, neorientuje se venku a potřebuje doprovod. Kontakt na mě, ⟦P:Jana Dvořáková⟧: ⟦T:603 218 774⟧.
""",
)
add(
    "pii",
    "ro",
    "bilet-tratament-balnear",
    "form",
    """
Verifică te rog cererea pentru bilet de tratament balnear (Casa de Pensii) și spune-mi ce mai trebuie atașat:

Nume și prenume: ⟦P:POPESCU Elena⟧
CNP: ⟦ID@RO:⁅id|RO|254031840###?⁆⟧
Data nașterii: ⟦DOB:18.03.1954⟧
Domiciliu: ⟦A:Str. Lizeanu nr. 7, bl. 3, sc. B, ap. 41, sector 2, București⟧
Telefon: ⟦T:0722 184 360⟧
Diagnostic (bilet de la medicul de familie): ⟦MC:gonartroză bilaterală⟧, ⟦MC:hipertensiune arterială⟧
Stațiune dorită: Băile Felix, perioada mai–iunie
""",
)
add(
    "pii",
    "hu",
    "apolasi-dij-kerelem",
    "prose",
    """
Segítenél megfogalmazni egy rövid indoklást az ápolási díj kérelemhez? A kormányablakba kell.

Ápolt: ⟦P:Kovácsné Bartos Ilona⟧ (született ⟦DOB:1941. november 2.⟧), ⟦MC:vaszkuláris demencia⟧ és ⟦MC:csípőtörés⟧ után ágyhoz kötött.
Ápoló: a lánya, ⟦P:Kovács Zsuzsanna⟧, ⟦A:Kossuth Lajos utca 18., 6720 Szeged⟧, telefon ⟦T:+36 30 412 7785⟧.
A háziorvos szerint napi 24 órás felügyelet kell. Gyógyszerei: ⟦MED:Xeter⟧, ⟦MED:Frontin⟧.
""",
)
add(
    "pii",
    "el",
    "karta-anapirias-aitisi",
    "form",
    """
Μπορείς να ελέγξεις αν συμπλήρωσα σωστά την αίτηση για την Κάρτα Αναπηρίας;

Ονοματεπώνυμο: ⟦P:Γεωργία Παπαδημητρίου⟧
ΑΜΚΑ: ⟦ID@GR:⁅id|GR|250677###2?⁆⟧
Ημερομηνία γέννησης: ⟦DOB:25/06/1977⟧
Διεύθυνση: ⟦A:Αγίου Δημητρίου 63, 546 31 Θεσσαλονίκη⟧
Κινητό: ⟦T:694 518 2203⟧
Ποσοστό αναπηρίας (ΚΕΠΑ): 67% — ⟦MC:σκλήρυνση κατά πλάκας⟧
""",
)
add(
    "pii",
    "tr",
    "65-yas-ayligi-basvurusu",
    "prose",
    """
Babaannem için 65 yaş aylığı başvurusu yapacağım. SGK'ya gitmeden önce eksik bir şey var mı, kontrol eder misin?

Adı soyadı: ⟦P:Fadime Karaca⟧
T.C. Kimlik No: ⟦ID@TR:⁅id|TR|#########??⁆⟧
Doğum tarihi: ⟦DOB:04.01.1957⟧
Adres: ⟦A:Yeni Mahalle, Gül Sokak No:7 Daire:2, 61030 Ortahisar/Trabzon⟧
Telefon: ⟦T:0532 418 77 30⟧
Başka geliri yok; ⟦MC:KOAH⟧ ve ⟦MC:şeker hastalığı⟧ var, ⟦MED:Glifor⟧ kullanıyor. Oğlu ⟦P:Mustafa Karaca⟧ ile yaşıyor.
""",
)
add(
    "pii",
    "ru",
    "vychet-za-obuchenie",
    "prose",
    """
Составь, пожалуйста, сопроводительное письмо в налоговую к декларации 3-НДФЛ на социальный вычет за обучение сына.

Заявитель: ⟦P:Крылова Наталья Викторовна⟧, ИНН ⟦ID@RU:⁅id|RU|7701######??⁆⟧, дата рождения ⟦DOB:19.05.1978⟧.
Сын: ⟦P:Крылов Артём Сергеевич⟧, очная форма, МГТУ им. Баумана, договор № 21-0457.
Адрес: ⟦A:г. Москва, ул. Профсоюзная, д. 93, корп. 2, кв. 118⟧
Телефон: ⟦T:+7 916 284-31-07⟧
""",
)
add(
    "pii",
    "uk",
    "dopomoha-pry-narodzhenni",
    "form",
    """
Перевір, будь ласка, заяву на допомогу при народженні дитини — чи правильно вказані дані?

Заявниця: ⟦P:Бондаренко Оксана Миколаївна⟧
РНОКПП: ⟦ID@UA:⁅id|UA|34075###2?⁆⟧
Дата народження: ⟦DOB:17.04.1993⟧
Дитина: ⟦P:Бондаренко Злата Андріївна⟧, народилася 02.09.2024
Адреса: ⟦A:м. Львів, вул. Городоцька, 174, кв. 35⟧
Телефон: ⟦T:+380 67 318 4492⟧
Рахунок: ⟦IBAN:⁅iban|UA|305299 00000 ##############⁆⟧
""",
)
add(
    "pii",
    "ja",
    "shogaisha-techo-shinsei",
    "form",
    """
母の身体障害者手帳の申請書を下書きしました。区役所に出す前に、書き方がおかしいところがないか見てください。

氏名：⟦P:佐々木 美代子⟧（ささき みよこ）
生年月日：⟦DOB:昭和23年5月14日⟧
個人番号（マイナンバー）：⟦ID@JP:⁅id|JP|#### #### ###?⁆⟧
住所：⟦A:〒187-0002 東京都小平市花小金井2丁目14-9⟧
電話：⟦T:042-461-3387⟧
障害名：⟦MC:慢性腎不全⟧（週3回の⟦MC:人工透析⟧）
申請者（代理）：長男 ⟦P:佐々木 健一⟧
""",
)
add(
    "pii",
    "ko",
    "geongangboheom-pibuyangja-deungnok",
    "form",
    """
아버지를 제 건강보험 피부양자로 등록하려고 합니다. 아래 신청서 내용에 빠진 게 있는지 확인해 주세요.

직장가입자: ⟦P:이서준⟧ (⟦P:Lee Seo-jun⟧)
주민등록번호: ⟦ID@KR:⁅id|KR|870922-1######⁆⟧
피부양자: ⟦P:이동수⟧ (부), 주민등록번호 ⟦ID@KR:⁅id|KR|520304-1######⁆⟧
주소: ⟦A:서울특별시 마포구 월드컵북로 21길 17, 302호⟧
연락처: ⟦T:010-4827-3319⟧
비고: 부친은 ⟦MC:파킨슨병⟧으로 소득 없음
""",
)
add(
    "pii",
    "zh",
    "yibao-yidi-jiuyi-beian",
    "prose",
    """
帮我把下面的情况整理成一段异地就医备案的说明，语气正式一点：

我父亲⟦P:陈国平⟧，身份证号⟦ID@CN:⁅id|CN|11010119520813##1?⁆⟧，广州医保参保人。他今年确诊⟦MC:肺癌⟧，需要到上海复旦大学附属肿瘤医院做放疗，预计三个月。现居住地址：⟦A:上海市徐汇区零陵路399弄6号502室⟧（我家）。联系人：⟦P:陈晓雯⟧（女儿），电话⟦T:138 1762 4490⟧。目前在用⟦MED:奥希替尼⟧。
""",
)
add(
    "pii",
    "ar",
    "taashirat-iqama-aailiya",
    "form",
    """
أرجو مراجعة بيانات طلب تأشيرة الإقامة العائلية قبل تقديمها في دبي:

الكفيل: ⟦P:خالد عبد الرحمن الشامي⟧
رقم جواز السفر: ⟦PASS:N08457721⟧
الهاتف: ⟦T:+971 50 418 2276⟧
البريد الإلكتروني: ⟦E:khaled.shami@mail.example⟧
الزوجة: ⟦P:ريم أحمد الحلبي⟧، تاريخ الميلاد ⟦DOB:12/03/1994⟧، جواز رقم ⟦PASS:N11930458⟧
الابن: ⟦P:يوسف⟧، تاريخ الميلاد ⟦DOB:05/09/2020⟧
العنوان: ⟦A:شقة 1204، برج الزمرد، شارع الخليج التجاري، الخليج التجاري، دبي⟧
ملاحظة: الزوجة حامل (⟦MC:حمل في الشهر السادس⟧) ونحتاج موعد الفحص الطبي بسرعة.
""",
)
add(
    "pii",
    "he",
    "hechzer-mas-ole-hadash",
    "prose",
    """
תוכל לנסח מכתב קצר לפקיד השומה בבקשה להחזר מס? אני עולה חדש מ-2023.

שמי ⟦P:דניאל רוזנברג⟧, ת.ז. ⟦ID@IL:⁅id|IL|########?⁆⟧, תאריך לידה ⟦DOB:14.08.1990⟧. אני גר ב⟦A:רחוב הרצל 47 דירה 8, חיפה⟧. עבדתי אצל שני מעסיקים בשנה הראשונה ולא קיבלתי את נקודות הזיכוי של עולה. בנוסף הוצאתי הוצאות רפואיות על הטיפול ב⟦MC:סכרת⟧ של בתי ⟦P:מאיה⟧. טלפון: ⟦T:052-718-4406⟧.
""",
)
add(
    "pii",
    "id",
    "pendaftaran-kartu-prakerja",
    "prose",
    """
Tolong bantu saya menulis ulang data ini jadi rapi untuk pendaftaran Kartu Prakerja, akun saya sempat ditolak karena data tidak cocok dengan Dukcapil.

Nama lengkap: ⟦P:Siti Nurhaliza Rahmawati⟧
NIK: ⟦ID@ID:⁅id|ID|327301620798####⁆⟧
Tanggal lahir: ⟦DOB:22 Juli 1998⟧
Alamat: ⟦A:Jl. Cikutra No. 118, RT 04/RW 07, Kel. Cikutra, Kec. Cibeunying Kidul, Kota Bandung 40124⟧
No. HP: ⟦T:0812-2047-3381⟧
Email: ⟦E:siti.rahmawati98@surel.example⟧
""",
)
# ---------------------------------------------------------------------------
# cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "gha-docker-hub-login-step",
    "yaml",
    """
This workflow step fails with "unauthorized: incorrect username or password" even though the token works locally. What am I doing wrong?

    - name: Log in to Docker Hub
      run: echo "⟦K:dckr_pat_⁅r|B|27⁆⟧" | docker login -u ⟦U:oskar-lindahl⟧ --password-stdin
    - name: Build and push
      uses: docker/build-push-action@v6
      with:
        push: true
        tags: ⟦U:oskar-lindahl⟧/tide-api:${{ github.sha }}
""",
)
add(
    "cred",
    "en",
    "langchain-groq-router",
    "code",
    """
Why does my router always pick the "general" branch? Full script:

from langchain_groq import ChatGroq
from langchain_core.prompts import ChatPromptTemplate

llm = ChatGroq(model="llama-3.1-70b-versatile", api_key="⟦K:gsk_⁅r|A|52⁆⟧", temperature=0)
router_prompt = ChatPromptTemplate.from_template(
    "Classify the question as billing, technical or general. Answer with one word.\\n\\n{q}"
)
chain = router_prompt | llm
for q in ["my invoice is wrong", "the app crashes on login", "hello"]:
    print(q, "->", chain.invoke({"q": q}).content)
""",
)
add(
    "cred",
    "en",
    "nextjs-replicate-route",
    "code",
    """
Getting "Prediction failed: input.image is required" from this Next.js route handler. Can you spot the bug?

// app/api/upscale/route.ts
import Replicate from "replicate";

const replicate = new Replicate({ auth: "⟦K:r8_⁅r|A|37⁆⟧" });

export async function POST(req: Request) {
  const { imageUrl } = await req.json();
  const output = await replicate.run("nightmareai/real-esrgan", {
    input: { img: imageUrl, scale: 4 },
  });
  return Response.json({ output });
}
""",
)
add(
    "cred",
    "en",
    "tailscale-sidecar-compose",
    "yaml",
    """
The sidecar comes up but the app container can't reach the tailnet. Compose file:

services:
  ts-paperless:
    image: tailscale/tailscale:latest
    hostname: paperless
    environment:
      - TS_AUTHKEY=⟦K:tskey-auth-k⁅r|A|11⁆CNTRL-⁅r|A|33⁆⟧
      - TS_STATE_DIR=/var/lib/tailscale
      - TS_EXTRA_ARGS=--advertise-tags=tag:container
    volumes:
      - ./ts-state:/var/lib/tailscale
    cap_add: [net_admin, sys_module]
  paperless:
    image: ghcr.io/paperless-ngx/paperless-ngx:2.12
    network_mode: service:ts-paperless
    environment:
      PAPERLESS_ADMIN_USER: ⟦U:margit⟧
      PAPERLESS_ADMIN_PASSWORD: ⟦S:Kaffeebohne!Winter24⟧
""",
)
add(
    "cred",
    "en",
    "postman-environment-export",
    "json",
    """
Can you convert this Postman environment into a .env file for our Newman run in CI?

{
  "id": "⁅uuid⁆",
  "name": "staging",
  "values": [
    {"key": "baseUrl", "value": "https://staging.api.lumen.example", "enabled": true},
    {"key": "postmanApiKey", "value": "⟦K:PMAK-⁅r|H|24⁆-⁅r|H|34⁆⟧", "enabled": true, "type": "secret"},
    {"key": "adminEmail", "value": "⟦E:rachel.osei@lumen.example⟧", "enabled": true},
    {"key": "adminPassword", "value": "⟦S:R4chel-Stg-2024!⟧", "enabled": true, "type": "secret"},
    {"key": "tenantId", "value": "t_0193", "enabled": true}
  ],
  "_postman_variable_scope": "environment"
}
""",
)
add(
    "cred",
    "en",
    "jira-bulk-transition-script",
    "code",
    """
This transitions only the first 50 issues. How do I paginate?

import requests
from requests.auth import HTTPBasicAuth

auth = HTTPBasicAuth("⟦E:d.mensah@quarry-apps.example⟧", "⟦K:ATATT3xFfGF0⁅r|B|170⁆=⁅r|HU|8⁆⟧")
jql = 'project = OPS AND status = "Waiting for customer" AND updated < -30d'
r = requests.get("https://quarry-apps.atlassian.net/rest/api/3/search", params={"jql": jql}, auth=auth)
for issue in r.json()["issues"]:
    requests.post(
        f"https://quarry-apps.atlassian.net/rest/api/3/issue/{issue['key']}/transitions",
        json={"transition": {"id": "31"}},
        auth=auth,
    )
""",
)
add(
    "cred",
    "en",
    "wrangler-toml-notion-figma",
    "ini",
    """
Should these be in [vars] or set with `wrangler secret put`? This Worker syncs Figma comments into a Notion database.

name = "figma-notion-sync"
main = "src/index.ts"
compatibility_date = "2024-09-23"

[vars]
NOTION_TOKEN = "⟦K:secret_⁅r|A|43⁆⟧"
NOTION_DATABASE_ID = "1f3c9a0e7b2d4c55a1e8f0b6d9c4a271"
FIGMA_TOKEN = "⟦K:figd_⁅r|B|40⁆⟧"
FIGMA_FILE_KEY = "Xk29aPqL7mVt0RdeF3hS1b"

[triggers]
crons = ["*/15 * * * *"]
""",
)
add(
    "cred",
    "en",
    "systemd-unit-doppler-token",
    "ini",
    """
The service starts but `doppler run` says "You must specify a project". Unit file:

[Unit]
Description=Invoice worker
After=network-online.target

[Service]
User=invoicer
Environment=DOPPLER_TOKEN=⟦K:dp.st.prd.⁅r|A|43⁆⟧
ExecStart=/usr/bin/doppler run -- /opt/invoicer/bin/worker
Restart=on-failure

[Install]
WantedBy=multi-user.target
""",
)
add(
    "cred",
    "en",
    "gitlab-ci-pulumi-preview",
    "yaml",
    """
The preview job can't comment on the merge request. Do I need a different token for that?

preview:
  image: pulumi/pulumi-nodejs:3.130.0
  stage: test
  variables:
    PULUMI_ACCESS_TOKEN: "⟦K:pul-⁅r|H|40⁆⟧"
    GITLAB_TOKEN: "⟦K:glpat-⁅r|B|20⁆⟧"
  script:
    - npm ci
    - pulumi stack select kestrel/infra/staging
    - pulumi preview --diff --comment-on-pr
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
""",
)
add(
    "cred",
    "en",
    "terraform-cloud-credentials-file",
    "json",
    """
terraform login wrote this file but `terraform init` still says "Required token could not be found". Is the hostname key wrong?

$ cat ~/.terraform.d/credentials.tfrc.json
{
  "credentials": {
    "app.terraform.io ": {
      "token": "⟦K:⁅r|A|14⁆.atlasv1.⁅r|A|67⁆⟧"
    }
  }
}
""",
)
add(
    "cred",
    "en",
    "gradle-properties-mapbox-download",
    "ini",
    """
The Android build fails with 401 when downloading the Mapbox SDK. My ~/.gradle/gradle.properties:

org.gradle.jvmargs=-Xmx4g
android.useAndroidX=true
MAPBOX_DOWNLOADS_TOKEN=⟦K:sk.⁅b64u|45⁆.⁅r|B|22⁆⟧
# public token for the app itself lives in res/values/mapbox_access_token.xml
""",
)
add(
    "cred",
    "en",
    "datadog-monitor-as-code",
    "code",
    """
Convert this into a Terraform datadog_monitor resource, please.

from datadog_api_client import ApiClient, Configuration
from datadog_api_client.v1.api.monitors_api import MonitorsApi
from datadog_api_client.v1.model.monitor import Monitor

cfg = Configuration(host="https://api.datadoghq.eu")
cfg.api_key["apiKeyAuth"] = "⟦K:⁅r|H|32⁆⟧"
cfg.api_key["appKeyAuth"] = "⟦K:⁅r|H|40⁆⟧"
with ApiClient(cfg) as client:
    MonitorsApi(client).create_monitor(body=Monitor(
        name="p95 latency checkout > 800ms",
        type="query alert",
        query="avg(last_5m):p95:trace.http.request{service:checkout} > 0.8",
        message="@slack-oncall-payments",
    ))
""",
)
add(
    "cred",
    "en",
    "shopify-php-inventory",
    "code",
    """
Why do I get 406 Not Acceptable from this inventory update?

<?php
$shop = "kiln-and-clay.myshopify.com";
$token = "⟦K:shpat_⁅r|H|32⁆⟧";
$ch = curl_init("https://$shop/admin/api/2024-07/inventory_levels/set.json");
curl_setopt_array($ch, [
    CURLOPT_POST => true,
    CURLOPT_HTTPHEADER => ["X-Shopify-Access-Token: $token", "Content-Type: text/plain"],
    CURLOPT_POSTFIELDS => json_encode(["location_id" => 65432109876, "inventory_item_id" => 4455667788, "available" => 12]),
    CURLOPT_RETURNTRANSFER => true,
]);
echo curl_exec($ch);
""",
)
add(
    "cred",
    "en",
    "pypirc-twine-upload",
    "ini",
    """
twine uploads to TestPyPI fine but the real upload gives 403. ~/.pypirc:

[distutils]
index-servers =
    pypi
    testpypi

[pypi]
username = __token__
password = ⟦K:pypi-AgEIcHlwaS5vcmc⁅r|B|150⁆⟧

[testpypi]
repository = https://test.pypi.org/legacy/
username = __token__
password = ⟦K:pypi-AgENdGVzdC5weXBpLm9yZw⁅r|B|150⁆⟧
""",
)
add(
    "cred",
    "en",
    "csharp-twilio-verify",
    "code",
    """
Verification checks always return "pending" even with the right code. What's wrong?

using Twilio;
using Twilio.Rest.Verify.V2.Service;

TwilioClient.Init("AC3f9b2d7e41c08a6b5d9e2f107c4a8b31", "⟦K:⁅r|H|32⁆⟧");
var check = VerificationCheckResource.Create(
    to: "⟦T:+14155550137⟧",
    code: "⟦S:482913⟧",
    pathServiceSid: "VA8e2c41b7d09f3a6e5c1b2d4f7a9e0c33");
Console.WriteLine(check.Status);
""",
)
add(
    "cred",
    "en",
    "bun-resend-weekly-digest",
    "code",
    """
Bun says "fetch failed" only when running under cron. Script and crontab below.

// digest.ts
import { Resend } from "resend";
const resend = new Resend("⟦K:re_⁅r|A|8⁆_⁅r|A|24⁆⟧");
await resend.emails.send({
  from: "digest@notes.plantwise.example",
  to: ["⟦E:hannah.kurz@gmx.example⟧"],
  subject: "Your plants this week",
  html: await Bun.file("./out/digest.html").text(),
});

# crontab -l
0 7 * * MON cd /home/⟦U:hkurz⟧/digest && bun run digest.ts >> digest.log 2>&1
""",
)
add(
    "cred",
    "en",
    "onepassword-service-account-action",
    "yaml",
    """
The load-secrets step can't read the vault. Does the service account need explicit vault access?

jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      OP_SERVICE_ACCOUNT_TOKEN: ⟦K:ops_eyJ⁅r|B|420⁆⟧
    steps:
      - uses: 1password/load-secrets-action@v2
        with:
          export-env: true
        env:
          DB_URL: op://Production/orders-db/connection-string
""",
)
add(
    "cred",
    "en",
    "prisma-planetscale-env",
    "env",
    """
prisma migrate deploy fails with "unknown database 'app'". .env:

DATABASE_URL="mysql://⁅r|L|12⁆:⟦S:pscale_pw_⁅r|B|43⁆⟧@aws.connect.psdb.cloud/app?sslaccept=strict"
SENTRY_AUTH_TOKEN=⟦K:sntryu_⁅r|H|64⁆⟧
LAUNCHDARKLY_SDK_KEY=⟦K:sdk-⁅uuid⁆⟧
NEXT_PUBLIC_LD_CLIENT_ID=66f1e0c2a9b8d7001234abcd
""",
)
add(
    "cred",
    "en",
    "django-settings-cloudinary-fcm",
    "code",
    """
Uploads work but push notifications don't arrive on Android. Relevant part of settings.py:

CLOUDINARY_URL = "cloudinary://⁅r|D|15⁆:⟦K:⁅r|B|27⁆⟧@dq7kzv2mh"
FCM_DJANGO_SETTINGS = {
    "FCM_SERVER_KEY": "⟦K:AAAA⁅r|B|7⁆:APA91b⁅r|B|134⁆⟧",
    "ONE_DEVICE_PER_USER": False,
    "DELETE_INACTIVE_DEVICES": True,
}
DEFAULT_FROM_EMAIL = "noreply@rideshare.example"
""",
)
add(
    "cred",
    "en",
    "s3cmd-config-backup",
    "ini",
    """
s3cmd sync works but is really slow. Anything in my ~/.s3cfg I should tune?

[default]
access_key = ⟦K:AKIA⁅r|A2|16⁆⟧
secret_key = ⟦K:⁅r|S|40⁆⟧
bucket_location = eu-west-2
host_base = s3.amazonaws.com
host_bucket = %(bucket)s.s3.amazonaws.com
multipart_chunk_size_mb = 15
use_https = True
gpg_passphrase = ⟦S:tangerine-harbour-61-quilt⟧
""",
)
add(
    "cred",
    "en",
    "ssh-deploy-key-cat",
    "command",
    """
GitHub keeps rejecting this deploy key with "Permission denied (publickey)". Is the key itself broken?

deploy@build-03:~$ ls -l ~/.ssh
-rw-r--r-- 1 deploy deploy  411 Oct  4 09:12 id_ed25519
-rw-r--r-- 1 deploy deploy   99 Oct  4 09:12 id_ed25519.pub
deploy@build-03:~$ cat ~/.ssh/id_ed25519
⟦PK:⁅ed|openssh|deploy@build-03⁆⟧
deploy@build-03:~$ ssh -T git@github.com
git@github.com: Permission denied (publickey).
""",
)
add(
    "cred",
    "en",
    "probot-github-app-env",
    "env",
    """
Probot says "Failed to parse private key". My .env:

APP_ID=1023487
WEBHOOK_SECRET=⟦S:⁅r|H|40⁆⟧
PRIVATE_KEY="⟦PK:⁅rsa|2048|pkcs1|esc⁆⟧"
GITHUB_CLIENT_ID=Iv23liQ4aXk9bN2vP7Rm
GITHUB_CLIENT_SECRET=⟦K:⁅r|H|40⁆⟧
""",
)
add(
    "cred",
    "en",
    "rails-credentials-show",
    "command",
    """
After rotating, Stripe webhooks fail signature verification. Output of credentials:show (production):

$ EDITOR=cat bin/rails credentials:show -e production
secret_key_base: ⟦S:⁅r|H|128⁆⟧
stripe:
  secret_key: ⟦K:sk_live_⁅r|A|99⁆⟧
  webhook_secret: ⟦K:whsec_⁅r|A|32⁆⟧
anthropic:
  api_key: ⟦K:sk-ant-api03-⁅r|B|93⁆AA⟧
active_record_encryption:
  primary_key: ⟦S:⁅r|A|32⁆⟧
""",
)
add(
    "cred",
    "en",
    "pgbouncer-userlist-redis-url",
    "command",
    """
After moving to PgBouncer, the app gets "password authentication failed" for one user only. Configs:

$ sudo cat /etc/pgbouncer/userlist.txt
"orders_app" "⟦S:Oc7!mPz2-rT9qLw⟧"
"⟦U:nkhumalo⟧" "⟦S:Gabor0nE_sunset88⟧"

$ grep -E 'DATABASE|REDIS' /srv/app/.env
DATABASE_URL=postgres://orders_app:⟦S:Oc7!mPz2-rT9qLw⟧@127.0.0.1:6432/orders
REDIS_URL=rediss://default:⟦S:⁅r|A|32⁆⟧@redis-18211.c3.eu-central-1-1.ec2.cloud.example:18211
""",
)
add(
    "cred",
    "en",
    "browser-session-cookie-copy",
    "http",
    """
I'm scraping my own account's order history. Why does this request redirect to /login after a few minutes?

GET /account/orders?page=2 HTTP/2
Host: www.gardenhub.example
Cookie: _ga=GA1.2.1187733201.1727001122; session_id=⟦S:⁅r|B|48⁆⟧; remember_token=⟦S:⁅jwt|HS256|{"sub":"u_208817","exp":1730419200}⁆⟧; consent=analytics:0
User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0
Accept: text/html
""",
)
add(
    "cred",
    "en",
    "nixos-wireguard-config",
    "code",
    """
nixos-rebuild switch works but no handshake happens. Relevant configuration.nix:

networking.wireguard.interfaces.wg0 = {
  ips = [ "10.100.0.2/24" ];
  listenPort = 51820;
  privateKey = "⟦PK:⁅wg⁆⟧";
  peers = [{
    publicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    allowedIPs = [ "10.100.0.0/24" ];
    endpoint = "vpn.example.net:51820";
    persistentKeepalive = 25;
  }];
};
""",
)
add(
    "cred",
    "en",
    "kotlin-jwt-signing-test",
    "code",
    """
This test passes locally but fails in CI with "InvalidKeySpecException". Is it the PEM header?

class TokenSignerTest {
    private val pem = \"\"\"
⟦PK:⁅ec|sec1⁆⟧
\"\"\".trimIndent()

    @Test
    fun signsAndVerifies() {
        val signer = TokenSigner.fromPem(pem)
        val jwt = signer.sign(mapOf("sub" to "test-user"))
        assertTrue(signer.verify(jwt))
    }
}
""",
)
add(
    "cred",
    "en",
    "langsmith-wandb-notebook-env",
    "env",
    """
Tracing shows up in LangSmith but W&B logs nothing. Here's the .env the notebook loads:

LANGCHAIN_TRACING_V2=true
LANGCHAIN_API_KEY=⟦K:lsv2_pt_⁅r|H|32⁆_⁅r|H|10⁆⟧
LANGCHAIN_PROJECT=rag-eval
WANDB_API_KEY=⟦K:⁅r|H|40⁆⟧
WANDB_ENTITY=⟦U:priya-raman⟧
HF_TOKEN=⟦K:hf_⁅r|A|34⁆⟧
OPENAI_API_KEY=⟦K:sk-proj-⁅r|B|64⁆T3BlbkFJ⁅r|B|64⁆⟧
""",
)
add(
    "cred",
    "en",
    "gemini-curl-asana-zap",
    "command",
    """
Two quick things from my terminal: why does the Gemini call say "API key not valid" and why does the Asana one 401?

$ curl "https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-flash:generateContent?key=⟦K:AIza⁅r|B|35⁆⟧" \\
    -H 'Content-Type: application/json' -d '{"contents":[{"parts":[{"text":"hi"}]}]}'
$ curl https://app.asana.com/api/1.0/users/me -H "Authorization: Bearer ⟦K:2/⁅r|D|16⁆/⁅r|D|16⁆:⁅r|H|32⁆⟧"
""",
)
# ---------------------------------------------------------------------------
# cred — other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "es",
    "wompi-env-tienda-colombia",
    "env",
    """
Estoy integrando Wompi en mi tienda (soy persona natural, facturo con mi NIT). ¿Por qué la firma de integridad no coincide? Este es mi .env de producción:

WOMPI_PUBLIC_KEY=pub_prod_Qm4x7Lr2Vb9TnKc1Hd8YsWa3EfZg6PjR
WOMPI_PRIVATE_KEY=⟦K:prv_prod_⁅r|A|32⁆⟧
WOMPI_EVENTS_SECRET=⟦K:prod_events_⁅r|A|32⁆⟧
WOMPI_INTEGRITY_SECRET=⟦K:prod_integrity_⁅r|A|32⁆⟧
FACTURACION_NIT=⟦ID@CO:⁅id|CO|1.0##.###.###-?⁆⟧
FACTURACION_RAZON_SOCIAL=⟦P:ANDRES FELIPE OSPINA GIRALDO⟧
""",
)
add(
    "cred",
    "es",
    "efirma-sat-contador",
    "prose",
    """
¿Es seguro mandarle esto por WhatsApp a mi contador para la declaración anual? Si no, ¿cómo se lo paso?

"Hola Lic., te paso mis datos para el SAT: RFC ⟦ID@MX:⁅id|MX|GUMV850617?#?⁆⟧, CURP ⟦ID@MX:⁅id|MX|GUMV850617MNLTRL0?⁆⟧. La contraseña del portal (CIEC) es ⟦S:Vale!Monterrey85⟧ y la de la llave privada de la e.firma es ⟦S:fiel2023Gtz#⟧. Los archivos .cer y .key te los mando por correo. Gracias, ⟦P:Valeria⟧"
""",
)
add(
    "cred",
    "de",
    "deepl-fritzbox-script",
    "code",
    """
Das Skript soll jeden Abend die Anrufliste der FRITZ!Box holen, Voicemails transkribieren und auf Deutsch übersetzen. Warum bekomme ich 403 von DeepL?

from fritzconnection import FritzConnection
import deepl

fc = FritzConnection(address="192.168.178.1", user="⟦U:ulrike⟧", password="⟦S:Rhabarber#Kuchen77⟧")
translator = deepl.Translator("⟦K:⁅uuid⁆:fx⟧", server_url="https://api.deepl.com")
calls = fc.call_action("X_AVM-DE_OnTel1", "GetCallList")
print(calls)
""",
)
add(
    "cred",
    "fr",
    "free-mobile-sms-api-script",
    "command",
    """
Mon script de notification par SMS ne marche plus depuis que j'ai changé de forfait. Je reçois une erreur 402. Voici le script :

#!/bin/sh
# alerte onduleur -> SMS via l'API Free Mobile
USER_ID="⟦U:⁅r|D|8⁆⟧"
API_PASS="⟦K:⁅r|A|14⁆⟧"
MSG="Onduleur sur batterie ($(date +%H:%M))"
curl -s -G "https://smsapi.free-mobile.fr/sendmsg" \\
  --data-urlencode "user=$USER_ID" \\
  --data-urlencode "pass=$API_PASS" \\
  --data-urlencode "msg=$MSG"
""",
)
add(
    "cred",
    "it",
    "fisconline-pin-commercialista",
    "prose",
    """
Devo dare accesso al cassetto fiscale alla mia commercialista. Va bene se le scrivo così o è meglio la delega?

"Ciao ⟦P:Federica⟧, per il 730 entra pure con le mie credenziali Fisconline: codice fiscale ⟦ID@IT:⁅id|IT|BNCRRT79D12F205?⁆⟧, password ⟦S:Tramonto.Navigli79⟧, PIN ⟦S:4418207362⟧. Se chiede il codice via SMS te lo giro io. ⟦P:Roberto⟧"
""",
)
add(
    "cred",
    "pt",
    "portal-financas-senha-irs",
    "prose",
    """
A minha mãe quer que eu entregue o IRS dela. Escrevi isto num post-it para não esquecer — é má ideia guardar assim? O que devo fazer em vez disso?

Portal das Finanças
NIF: ⟦ID@PT:⁅id|PT|18#######?⁆⟧
Senha: ⟦S:Sardinha2024!Alfama⟧
Chave Móvel Digital PIN: ⟦S:5821⟧
Telemóvel associado: ⟦T:912 408 315⟧
""",
)
add(
    "cred",
    "nl",
    "bunq-api-python-saldo",
    "code",
    """
Ik wil elke ochtend mijn saldo in een Telegram-bericht. De bunq-call geeft "Incorrect API key or IP address". Wat mis ik?

from bunq.sdk.context.api_context import ApiContext
from bunq.sdk.context.api_environment_type import ApiEnvironmentType

ctx = ApiContext.create(
    ApiEnvironmentType.PRODUCTION,
    "⟦K:⁅r|H|64⁆⟧",
    "raspberrypi-thuis",
)
ctx.save("bunq.conf")
# rekening: ⟦IBAN:⁅iban|NL|BUNQ20########⁆⟧ (⟦P:M. van Leeuwen⟧)
""",
)
add(
    "cred",
    "pl",
    "inpost-shipx-php",
    "code",
    """
Dlaczego ShipX zwraca 401 "token_invalid"? Token skopiowałem z Managera Paczek 5 minut temu.

<?php
$orgId = 41877;
$token = '⟦K:⁅jwt|RS256|{"iss":"https://login.inpost.pl","sub":"41877","aud":"shipx","exp":1767225600}⁆⟧';
$ch = curl_init("https://api-shipx-pl.easypack24.net/v1/organizations/$orgId/shipments");
curl_setopt($ch, CURLOPT_HTTPHEADER, ["Authorization: Bearer $token", "Content-Type: application/json"]);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
echo curl_exec($ch);
""",
)
add(
    "cred",
    "sv",
    "46elks-sms-paminnelse",
    "command",
    """
Jag skickar påminnelser om tvättstugan via 46elks, men svenska tecken blir fel (å, ä, ö). Hur kodar jag det rätt?

curl https://api.46elks.com/a1/sms \\
  -u u⁅r|H|32⁆:⟦K:⁅r|HU|32⁆⟧ \\
  -d from=BRFLinden \\
  -d to=⟦T:+46703184472⟧ \\
  -d message="Hej! Din tvättid är imorgon 07–10. Mvh styrelsen"
""",
)
add(
    "cred",
    "fi",
    "wilma-salasana-mummolle",
    "prose",
    """
Kirjoita tästä selkeämpi viesti äidilleni, joka katsoo lasten koulujutut Wilmasta kun olemme matkoilla:

"Moi äiti! Wilmaan pääset osoitteesta tampere.inschool.fi. Tunnus on ⟦U:sari.heikkinen⟧ ja salasana ⟦S:Mustikka-Piirakka-72⟧. Sieltä näet ⟦P:Eetun⟧ ja ⟦P:Ainon⟧ poissaolot. Jos se kysyy vahvistuskoodia, soita minulle, koodi tulee mun puhelimeen ⟦T:050 472 1938⟧."
""",
)
add(
    "cred",
    "da",
    "shipmondo-curl-label",
    "command",
    """
Hvorfor får jeg "Unauthorized" fra Shipmondo, når jeg bruger API-brugeren fra indstillingerne?

curl -u "8b2f6c1e-4d7a-4e90-9b3c-2a5f7d1e8c04:⟦K:⁅uuid⁆⟧" \\
  -H "Content-Type: application/json" \\
  https://app.shipmondo.com/api/public/v3/shipments \\
  -d '{"own_agreement":false,"product_code":"GLSDK_SD","receiver":{"name":"⟦P:Louise Kragh⟧","address1":"⟦A:Nørregade 14, 1. th.⟧","zipcode":"⟦A:5000⟧","city":"⟦A:Odense C⟧","mobile":"⟦T:31 48 27 06⟧"}}'
""",
)
add(
    "cred",
    "no",
    "tripletex-session-python",
    "code",
    """
Jeg får "401 Unauthorized" når jeg lager session token mot Tripletex. Er datoformatet feil?

import requests, datetime

CONSUMER_TOKEN = "⟦K:eyJ0b2tlbklkIjo⁅r|B|64⁆⟧"
EMPLOYEE_TOKEN = "⟦K:eyJ0b2tlbklkIjo⁅r|B|64⁆⟧"
exp = (datetime.date.today() + datetime.timedelta(days=1)).strftime("%d.%m.%Y")
r = requests.put(
    "https://tripletex.no/v2/token/session/:create",
    params={"consumerToken": CONSUMER_TOKEN, "employeeToken": EMPLOYEE_TOKEN, "expirationDate": exp},
)
print(r.status_code, r.text)
""",
)
add(
    "cred",
    "cs",
    "zasilkovna-api-php",
    "code",
    """
Zásilkovna vrací chybu "Incorrect API password". Heslo jsem zkopíroval z klientské sekce. Kde je problém?

<?php
$apiPassword = '⟦K:⁅r|H|32⁆⟧';
$client = new SoapClient('https://www.zasilkovna.cz/api/soap.wsdl');
$packet = $client->createPacket($apiPassword, [
    'number' => 'OBJ-2024-1187',
    'name' => '⟦P:Tereza⟧',
    'surname' => '⟦P:Procházková⟧',
    'email' => '⟦E:tereza.prochazkova@seznam.example⟧',
    'phone' => '⟦T:+420 731 482 905⟧',
    'addressId' => 4512,
    'value' => 1290,
    'eshop' => 'ceramika-lipa',
]);
""",
)
add(
    "cred",
    "ro",
    "fancourier-awb-php",
    "code",
    """
Scriptul ăsta generează AWB-uri la FAN Courier, dar primesc "Invalid credentials". Ce greșesc?

<?php
$auth = [
    'username' => '⟦U:magazin.dulcineea⟧',
    'password' => '⟦S:Cozonac!2024brasov⟧',
    'clientId' => 7741822,
];
$ch = curl_init('https://api.fancourier.ro/login');
curl_setopt($ch, CURLOPT_POSTFIELDS, $auth);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$token = json_decode(curl_exec($ch), true)['data']['token'] ?? null;
var_dump($token);
""",
)
add(
    "cred",
    "hu",
    "nav-online-szamla-technikai-felhasznalo",
    "yaml",
    """
A számlázó programom nem tud csatlakozni a NAV Online Számlához ("INVALID_SECURITY_USER"). Jó helyre írtam be az adatokat?

nav_online_szamla:
  environment: production
  tax_number: "28417735"
  technical_user:
    login: ⟦U:kx8p2mq4vltr9ab⟧
    password: ⟦S:Pogacsa!Kert2024⟧
    signature_key: ⟦S:⁅r|H|8⁆-⁅r|H|4⁆-⁅r|H|4⁆-⁅r|H|4⁆-⁅r|H|12⁆⟧
    exchange_key: ⟦S:⁅r|H|16⁆⟧
  software:
    id: HU28417735BOLT01
    name: BoltSzamla
""",
)
add(
    "cred",
    "el",
    "skroutz-merchants-api-curl",
    "command",
    """
Γιατί το Skroutz Merchants API μου επιστρέφει 401; Το token το έφτιαξα σήμερα.

curl -s https://api.skroutz.gr/merchants/ecommerce/orders/240930-118274 \\
  -H "Accept: application/vnd.skroutz+json; version=3.0" \\
  -H "Authorization: Bearer ⟦K:⁅r|B|86⁆⟧"
""",
)
add(
    "cred",
    "tr",
    "paytr-iframe-token-php",
    "code",
    """
PayTR iFrame token alırken "paytr_token geçersiz" hatası alıyorum. Hash'i yanlış mı oluşturuyorum?

<?php
$merchant_id   = '418273';
$merchant_key  = '⟦K:⁅r|A|16⁆⟧';
$merchant_salt = '⟦S:⁅r|A|16⁆⟧';
$email = '⟦E:burak.aydin@posta.example⟧';
$payment_amount = 24990;
$merchant_oid = 'SIP' . time();
$user_ip = $_SERVER['REMOTE_ADDR'];
$hash_str = $merchant_id . $user_ip . $merchant_oid . $email . $payment_amount;
$paytr_token = base64_encode(hash_hmac('sha256', $hash_str . $merchant_salt, $merchant_key, true));
""",
)
add(
    "cred",
    "ru",
    "yandex-cloud-tinkoff-invest",
    "code",
    """
Скрипт должен раз в день выгружать портфель из Тинькофф Инвестиций в Object Storage Яндекс Облака. Почему IAM-токен не создаётся?

import requests
from tinkoff.invest import Client

OAUTH = "⟦K:y0_AgAAAAA⁅r|B|48⁆⟧"
INVEST_TOKEN = "⟦K:t.⁅r|B|86⁆⟧"

iam = requests.post("https://iam.api.cloud.yandex.net/iam/v1/tokens", json={"yandexPassportOauthToken": OAUTH}).json()
with Client(INVEST_TOKEN) as client:
    portfolio = client.operations.get_portfolio(account_id="⟦ACC:2031875544⟧")
""",
)
add(
    "cred",
    "uk",
    "nova-poshta-ttn-js",
    "code",
    """
Чому Нова Пошта повертає "API key expired"? Ключ згенерований в особистому кабінеті тиждень тому.

const body = {
  apiKey: "⟦K:⁅r|H|32⁆⟧",
  modelName: "InternetDocument",
  calledMethod: "save",
  methodProperties: {
    RecipientName: "⟦P:Шевчук Андрій Петрович⟧",
    RecipientsPhone: "⟦T:380973184420⟧",
    RecipientAddressName: "Відділення №12",
    Cost: "850",
  },
};
fetch("https://api.novaposhta.ua/v2.0/json/", { method: "POST", body: JSON.stringify(body) })
  .then((r) => r.json())
  .then(console.log);
""",
)
add(
    "cred",
    "ja",
    "line-messaging-api-webhook",
    "code",
    """
LINE公式アカウントのWebhookで署名検証が必ず失敗します。どこが間違っていますか？

from linebot.v3 import WebhookHandler
from linebot.v3.messaging import Configuration

configuration = Configuration(access_token="⟦K:⁅r|S|171⁆=⟧")
handler = WebhookHandler("⟦K:⁅r|H|32⁆⟧")

@app.post("/callback")
def callback():
    signature = request.headers["X-Line-Signature"]
    body = request.get_data(as_text=True)
    handler.handle(body, signature)
    return "OK"
""",
)
add(
    "cred",
    "ko",
    "kakao-naver-login-config",
    "yaml",
    """
스프링 부트에서 카카오 로그인은 되는데 네이버 로그인만 "invalid_client"가 나옵니다. 설정 확인 부탁드려요.

spring:
  security:
    oauth2:
      client:
        registration:
          kakao:
            client-id: ⟦K:⁅r|H|32⁆⟧
            client-secret: ⟦K:⁅r|A|32⁆⟧
            redirect-uri: "{baseUrl}/login/oauth2/code/kakao"
          naver:
            client-id: Xk3pQ9mL2vR7tN1bW8cZ
            client-secret: ⟦K:⁅r|A|10⁆⟧
            redirect-uri: "{baseUrl}/login/oauth2/code/naver"
""",
)
add(
    "cred",
    "zh",
    "wechat-aliyun-oss-config",
    "code",
    """
小程序登录后要把头像上传到阿里云 OSS，但是 code2session 一直返回 40125 invalid appsecret。帮我看看配置：

WECHAT = {
    "APPID": "wx8f3a1c9e27b4d650",
    "APPSECRET": "⟦K:⁅r|H|32⁆⟧",
}
ALIYUN_OSS = {
    "ACCESS_KEY_ID": "⟦K:LTAI5t⁅r|A|18⁆⟧",
    "ACCESS_KEY_SECRET": "⟦K:⁅r|A|30⁆⟧",
    "BUCKET": "avatar-prod",
    "ENDPOINT": "oss-cn-hangzhou.aliyuncs.com",
}
""",
)
add(
    "cred",
    "he",
    "bank-login-lebaba",
    "prose",
    """
אבא שלי שלח לי את זה בוואטסאפ כדי שאעזור לו עם העברה בנקאית. איך אני מסביר לו בעדינות שלא שולחים ככה סיסמאות, ומה לעשות עכשיו?

"שלום ⟦P:נועה⟧, הכניסה לבנק: שם משתמש זה תעודת הזהות שלי ⟦ID@IL:⁅id|IL|########?⁆⟧, הקוד ⟦S:AB4821⟧, והסיסמה ⟦S:Yerushalaim1961!⟧. אם יבקשו קוד מ-SMS תתקשרי אליי ל⟦T:054-826-3317⟧. אבא"
""",
)
add(
    "cred",
    "id",
    "midtrans-xendit-env",
    "env",
    """
Pembayaran lewat Midtrans sudah jalan, tapi callback Xendit selalu ditolak. Ini .env production saya, ada yang salah?

MIDTRANS_SERVER_KEY=⟦K:Mid-server-⁅r|B|24⁆⟧
MIDTRANS_CLIENT_KEY=Mid-client-Hk3Lq8xZ2pVt7RnB
MIDTRANS_IS_PRODUCTION=true
XENDIT_SECRET_KEY=⟦K:xnd_production_⁅r|A|56⁆⟧
XENDIT_CALLBACK_TOKEN=⟦S:⁅r|A|48⁆⟧
""",
)
# ---------------------------------------------------------------------------
# benign — English
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "env-example-placeholder-review",
    "env",
    """
Reviewing a PR that adds this .env.example. Are the placeholders clear enough for new contributors, and is anything missing compared to the config loader (it reads DATABASE_URL, REDIS_URL, OPENAI_API_KEY, STRIPE_SECRET_KEY, SENTRY_DSN)?

# Copy to .env and fill in your own values. Never commit .env.
DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/app_dev
REDIS_URL=redis://localhost:6379/0
OPENAI_API_KEY=sk-...your-key-here...
STRIPE_SECRET_KEY=sk_test_<your_test_key>
SENTRY_DSN=
ADMIN_EMAIL=admin@example.com
ADMIN_PASSWORD=changeme
""",
)
add(
    "benign",
    "en",
    "reading-group-isbn-list",
    "markdown-table",
    """
Our reading group wants the cheapest editions. Can you check these ISBN-13s are well-formed and suggest an order for the year?

| Title | Author | ISBN |
|---|---|---|
| Nineteen Eighty-Four | George Orwell | 978-0-452-28423-4 |
| The Remains of the Day | Kazuo Ishiguro | 978-0-679-73172-9 |
| Beloved | Toni Morrison | 978-1-4000-3341-6 |
| Never Let Me Go | Kazuo Ishiguro | 978-1-4000-7877-6 |
| The Road | Cormac McCarthy | 978-0-307-38789-9 |
""",
)
add(
    "benign",
    "en",
    "textbook-rsa-small-primes",
    "prose",
    """
For my cryptography homework: with p = 61 and q = 53, n = 3233 and φ(n) = 3120. Choosing e = 17 gives the private exponent d = 2753. Can you show step by step that encrypting m = 65 gives c = 2790 and that decrypting with d gets 65 back? Also explain why real keys use 2048-bit moduli and why this "private key" is worthless.
""",
)
add(
    "benign",
    "en",
    "mandela-prisoner-number-essay",
    "prose",
    """
Help me outline a school essay: Nelson Mandela (born 18 July 1918 in Mvezo) was prisoner 466/64 on Robben Island — the number later became the 46664 HIV/AIDS campaign. He was released on 11 February 1990 and inaugurated on 10 May 1994. Include Walter Sisulu and Ahmed Kathrada as fellow prisoners and mention his tuberculosis diagnosis in 1988.
""",
)
add(
    "benign",
    "en",
    "fischer-spassky-game6-pgn",
    "code",
    """
Annotate the opening of this game for a beginner:

[Event "World Championship"]
[Site "Reykjavik ISL"]
[Date "1972.07.23"]
[Round "6"]
[White "Fischer, Robert James"]
[Black "Spassky, Boris V"]
[Result "1-0"]

1. c4 e6 2. Nf3 d5 3. d4 Nf6 4. Nc3 Be7 5. Bg5 O-O 6. e3 h6 7. Bh4 b6 8. cxd5 Nxd5 9. Bxe7 Qxe7 10. Nxd5 exd5 11. Rc1 Be6 12. Qa4 c5
""",
)
add(
    "benign",
    "en",
    "fictional-phone-numbers-pop-culture",
    "prose",
    """
Why do films use 555 numbers? I know "867-5309/Jenny" by Tommy Tutone caused real people to get prank calls, and that Ghostbusters used 555-2368. Also, is 0118 999 881 999 119 725 3 from The IT Crowd a real UK number? Give me a short history of the NANP 555-0100 to 555-0199 reserved range.
""",
)
add(
    "benign",
    "en",
    "python-version-ci-matrix",
    "yaml",
    """
Which of these versions are end-of-life as of late 2024, and should I drop 3.8 from the matrix?

strategy:
  matrix:
    python: ["3.8.18", "3.9.20", "3.10.15", "3.11.10", "3.12.7", "3.13.0"]
    django: ["4.2.16", "5.0.9", "5.1.2"]
    exclude:
      - python: "3.8.18"
        django: "5.1.2"
      - python: "3.9.20"
        django: "5.0.9"
""",
)
add(
    "benign",
    "en",
    "vault-policy-hcl-review",
    "code",
    """
Is this Vault policy least-privilege? The app only needs to read its own database credentials and renew its lease.

path "database/creds/orders-readonly" {
  capabilities = ["read"]
}

path "sys/leases/renew" {
  capabilities = ["update"]
}

path "secret/data/orders/*" {
  capabilities = ["read", "list"]
}
""",
)
add(
    "benign",
    "en",
    "ulid-ksuid-comparison",
    "prose",
    """
Compare ULID and KSUID for database primary keys. Example values from my test run: ULID 01J9Z3K8V4T6QXW2M7N5R0P1BC and 01J9Z3K8V5A2HD9EYF4G6S3TJK, KSUID 2mWFRNKx0sU5pD2xVhGJzOeNf3h. Which sorts better in Postgres btree indexes, and how many bits of randomness does each have?
""",
)
add(
    "benign",
    "en",
    "office-move-project-timeline",
    "markdown-table",
    """
Turn this into a Gantt chart in Mermaid syntax:

| Task | Start | End |
|---|---|---|
| Sign lease | 2025-01-06 | 2025-01-10 |
| Network cabling | 2025-01-13 | 2025-02-07 |
| Furniture delivery | 2025-02-10 | 2025-02-14 |
| IT migration weekend | 2025-02-22 | 2025-02-23 |
| First day in new office | 2025-02-24 | 2025-02-24 |
""",
)
add(
    "benign",
    "en",
    "landmark-coordinates-distance",
    "prose",
    """
Calculate the great-circle distance between the Eiffel Tower (48.8584° N, 2.2945° E), the Colosseum (41.8902° N, 12.4922° E) and the Sagrada Família (41.4036° N, 2.1744° E), and suggest a train route that visits all three. The Colosseum's address is Piazza del Colosseo, 1, 00184 Roma if that helps.
""",
)
add(
    "benign",
    "en",
    "central-bank-bic-codes",
    "csv",
    """
Validate the structure of these BIC codes (bank code, country, location, branch) and tell me which institution each belongs to:

bic,expected
BUBADEFFXXX,Deutsche Bundesbank
BDFEFRPPXXX,Banque de France
BOFIIE2DXXX,Bank of Ireland
ECBFDEFFXXX,European Central Bank
SNBZCHZZXXX,Swiss National Bank
""",
)
add(
    "benign",
    "en",
    "email-regex-unit-tests",
    "code",
    """
My email regex rejects some valid addresses. Which of these test cases are wrong?

import re
import pytest

EMAIL = re.compile(r"^[\\w.+-]+@[\\w-]+\\.[\\w.]+$")

@pytest.mark.parametrize("addr,ok", [
    ("user@example.com", True),
    ("first.last+tag@example.org", True),
    ("someone@sub.example.co.uk", True),
    ("no-at-sign.example.com", False),
    ("quoted\\"local\\"@example.net", True),
    ("user@localhost", False),
])
def test_email(addr, ok):
    assert bool(EMAIL.match(addr)) == ok
""",
)
add(
    "benign",
    "en",
    "metformin-contrast-general-question",
    "prose",
    """
General pharmacology question for a nursing exam: why is metformin usually held before and after iodinated contrast in patients with reduced kidney function, and what eGFR thresholds do current guidelines use? Also, how does that differ for SGLT2 inhibitors like empagliflozin before surgery?
""",
)
add(
    "benign",
    "en",
    "presidential-health-history",
    "prose",
    """
I'm writing a podcast episode on hidden presidential illnesses. Fact-check this: Franklin D. Roosevelt contracted a paralytic illness in 1921 (long thought to be polio, possibly Guillain–Barré), John F. Kennedy had Addison's disease treated with hydrocortisone, Woodrow Wilson suffered a severe stroke in October 1919, and Grover Cleveland had a secret jaw surgery on a yacht in 1893.
""",
)
add(
    "benign",
    "en",
    "parcel-order-number-complaint",
    "prose",
    """
Write a firm but polite complaint to the retailer: order 112-4839201-5573020 was marked delivered on 3 October but never arrived. The UPS tracking number is 1Z 999 AA1 01 2345 6784 and the driver photo shows a different front door. I'd like a replacement, not a refund. Keep it under 120 words and don't include any personal details — I'll add those myself.
""",
)
add(
    "benign",
    "en",
    "release-artifact-checksums",
    "command",
    """
Do these checksums match? I downloaded the release on two machines.

$ sha256sum nodeapp-v2.4.1-linux-x64.tar.gz
9f2c1e7a4b3d58e06c9a1f2e8b7d4c3a5e6f1029384756abcdef0123456789ab  nodeapp-v2.4.1-linux-x64.tar.gz
$ git rev-parse v2.4.1
4e1a9c3b7d2f0e8a6c5b4d3e2f1a0b9c8d7e6f50
$ cat SHA256SUMS | grep linux-x64
9f2c1e7a4b3d58e06c9a1f2e8b7d4c3a5e6f1029384756abcdef0123456789ab  nodeapp-v2.4.1-linux-x64.tar.gz
""",
)
add(
    "benign",
    "en",
    "iam-policy-docs-account-id",
    "json",
    """
This is copied from the AWS documentation example. What exactly does the condition allow? (123456789012 is the docs' placeholder account.)

{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"sts:ExternalId": "Unique-External-ID-Example"}}
  }]
}
""",
)
add(
    "benign",
    "en",
    "settings-loader-without-secrets",
    "code",
    """
Refactor this settings loader to use pydantic-settings and fail fast when a required secret is missing:

import os

class Settings:
    def __init__(self):
        self.db_url = os.environ["DATABASE_URL"]
        self.stripe_key = os.environ.get("STRIPE_SECRET_KEY", "")
        self.jwt_secret = os.environ["JWT_SECRET"]
        self.debug = os.environ.get("DEBUG", "false").lower() == "true"

# tests/conftest.py sets:
# os.environ["JWT_SECRET"] = "test-secret-not-used-in-prod"
# os.environ["DATABASE_URL"] = "sqlite:///:memory:"
""",
)
add(
    "benign",
    "en",
    "bitcoin-genesis-block",
    "prose",
    """
Explain the Bitcoin genesis block to a non-technical audience: block 0 was mined on 3 January 2009, its hash is 000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f, the coinbase says "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks", and the 50 BTC reward to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa can never be spent. Who was Satoshi Nakamoto, as far as anyone knows?
""",
)
add(
    "benign",
    "en",
    "k8s-resource-quota-review",
    "yaml",
    """
Will this quota block our batch jobs? Cluster is 1.30.4, nodes are on 10.42.0.0/16.

apiVersion: v1
kind: ResourceQuota
metadata:
  name: team-analytics
  namespace: analytics
spec:
  hard:
    requests.cpu: "40"
    requests.memory: 160Gi
    limits.cpu: "80"
    limits.memory: 320Gi
    count/jobs.batch: "50"
""",
)
add(
    "benign",
    "en",
    "titanic-survivors-lesson",
    "prose",
    """
Plan a 45-minute history lesson on the Titanic using real passengers: Margaret "Molly" Brown, Captain Edward Smith, Violet Jessop (who also survived the Britannic sinking), and Millvina Dean, the last survivor, born 2 February 1912 and died 31 May 2009. Include the ship's official number 131428 and the 15 April 1912 timeline.
""",
)
add(
    "benign",
    "en",
    "hex-colours-mac-oui",
    "markdown-table",
    """
I'm building a network inventory dashboard. Suggest accessible text colours for these vendor badges and check the OUIs are formatted consistently:

| Vendor | OUI | Badge colour |
|---|---|---|
| Raspberry Pi Trading | DC:A6:32 | #C51A4A |
| Ubiquiti | 24:5A:4C | #0559C9 |
| Espressif | 24:0A:C4 | #E7352C |
| Apple | F0:18:98 | #A2AAAD |
""",
)
# ---------------------------------------------------------------------------
# benign — other languages
# ---------------------------------------------------------------------------
add(
    "benign",
    "es",
    "frida-kahlo-cronologia",
    "prose",
    """
Hazme una cronología para una exposición escolar: Frida Kahlo nació el 6 de julio de 1907 en Coyoacán, tuvo poliomielitis de niña, sufrió el accidente del tranvía el 17 de septiembre de 1925 y se casó con Diego Rivera en 1929. La Casa Azul está en Londres 247, Coyoacán. Murió el 13 de julio de 1954.
""",
)
add(
    "benign",
    "de",
    "bmf-musterberechnung-max-mustermann",
    "prose",
    """
Erklär mir dieses Rechenbeispiel aus einer Broschüre: „Max Mustermann, ledig, Steuerklasse I, Bruttogehalt 4.200 € monatlich, wohnhaft Musterstraße 1, 12345 Musterstadt, zahlt 2024 rund 611 € Lohnsteuer und 33,60 € Solidaritätszuschlag." Warum fällt der Soli hier überhaupt an, obwohl er 2021 für die meisten abgeschafft wurde?
""",
)
add(
    "benign",
    "fr",
    "victor-hugo-matricule-24601",
    "prose",
    """
Pour un exposé sur Les Misérables : Jean Valjean porte le matricule 24601 au bagne de Toulon, puis 9430. Victor Hugo est né le 26 février 1802 à Besançon et a publié le roman en 1862 pendant son exil à Guernesey (Hauteville House). Peux-tu expliquer la symbolique de ces numéros ?
""",
)
add(
    "benign",
    "it",
    "vespa-modelli-anni",
    "csv",
    """
Ordina questi modelli Vespa per cilindrata e dimmi quali sono considerati d'epoca (oltre 30 anni):

modello,anno,cilindrata_cc,codice_telaio_prefisso
Vespa 98,1946,98,V98
Vespa 150 GS,1955,150,VS1T
Vespa 50 Special,1969,50,V5B1T
Vespa PX 125 E,1981,125,VNX2T
Vespa ET4 125,1996,125,ZAPM04
""",
)
add(
    "benign",
    "pt",
    "ayrton-senna-carreira",
    "prose",
    """
Escreva um parágrafo de homenagem: Ayrton Senna da Silva nasceu em 21 de março de 1960 em São Paulo, foi tricampeão mundial (1988, 1990, 1991) pela McLaren com o motor Honda e morreu em Ímola em 1 de maio de 1994. Cite a vitória no GP do Brasil de 1991 com a caixa presa na sexta marcha.
""",
)
add(
    "benign",
    "nl",
    "rijksmuseum-objectnummers",
    "markdown-table",
    """
Maak een korte museumroute langs deze werken, in een logische volgorde door het gebouw:

| Werk | Kunstenaar | Objectnummer | Jaar |
|---|---|---|---|
| De Nachtwacht | Rembrandt van Rijn | SK-C-5 | 1642 |
| Het melkmeisje | Johannes Vermeer | SK-A-2344 | ca. 1660 |
| Zelfportret | Vincent van Gogh | SK-A-3262 | 1887 |
| De Staalmeesters | Rembrandt van Rijn | SK-C-6 | 1662 |
""",
)
add(
    "benign",
    "pl",
    "kopernik-lekcja",
    "prose",
    """
Przygotuj quiz z 5 pytaniami o Mikołaju Koperniku: urodził się 19 lutego 1473 r. w Toruniu, studiował w Krakowie, Bolonii i Padwie, był kanonikiem we Fromborku, a „O obrotach sfer niebieskich" ukazało się w 1543 r., w roku jego śmierci. Jego szczątki zidentyfikowano w 2008 r. dzięki badaniom DNA.
""",
)
add(
    "benign",
    "sv",
    "ikea-artikelnummer-jamforelse",
    "csv",
    """
Jämför de här hyllorna per meter hyllplan och säg vilken som är billigast:

artikel,artikelnummer,bredd_cm,hyllplan,pris_sek
BILLY bokhylla vit,002.638.50,80,6,599
KALLAX hylla 2x4,802.758.87,77,8,799
IVAR sektion,292.484.92,89,4,1050
HEMNES bokhylla,004.132.25,90,5,2495
""",
)
add(
    "benign",
    "fi",
    "nokia-puhelinmallit",
    "prose",
    """
Kirjoita lyhyt nostalgiateksti Nokian puhelimista: Nokia 3310 julkaistiin syyskuussa 2000 ja sitä myytiin noin 126 miljoonaa kappaletta, Nokia 8110 "banaanipuhelin" oli Matrix-elokuvassa 1999, ja Nokia 1100 on kaikkien aikojen myydyin puhelin. Mainitse Snake ja Nokia Tune.
""",
)
add(
    "benign",
    "da",
    "hc-andersen-eventyr",
    "prose",
    """
Lav en tidslinje til en 4. klasse: H.C. Andersen blev født den 2. april 1805 i Odense, kom til København i 1819 og udgav de første eventyr i 1835 ("Fyrtøjet", "Prinsessen på ærten"). "Den lille havfrue" kom i 1837. Han døde den 4. august 1875 på Rolighed på Østerbro.
""",
)
add(
    "benign",
    "no",
    "amundsen-sydpolen",
    "prose",
    """
Skriv en kort tekst til en utstilling: Roald Amundsen og hans menn Olav Bjaaland, Helmer Hanssen, Sverre Hassel og Oscar Wisting nådde Sydpolen 14. desember 1911 med skipet «Fram» som base. Ta med at Scott kom fram 17. januar 1912.
""",
)
add(
    "benign",
    "cs",
    "skoda-octavia-generace",
    "markdown-table",
    """
Potřebuju do článku přehled generací Škody Octavia. Doplň k tabulce krátký popis každé generace:

| Generace | Roky výroby | Interní kód | Motor (příklad) |
|---|---|---|---|
| I | 1996–2010 | 1U | 1.9 TDI 81 kW |
| II | 2004–2013 | 1Z | 2.0 TFSI 147 kW |
| III | 2012–2020 | 5E | 1.5 TSI 110 kW |
| IV | 2020– | NX | 2.0 TDI 110 kW |
""",
)
add(
    "benign",
    "ro",
    "brancusi-lucrari",
    "prose",
    """
Fă-mi o listă cu cele mai cunoscute lucrări ale lui Constantin Brâncuși, cu anii: s-a născut pe 19 februarie 1876 la Hobița, Gorj; Coloana Infinitului (1938) se află la Târgu Jiu, pe Calea Eroilor; „Pasărea în văzduh" a fost vândută în 2005 cu 27,5 milioane de dolari.
""",
)
add(
    "benign",
    "hu",
    "puskas-ferenc-statisztika",
    "prose",
    """
Írj egy rövid összefoglalót Puskás Ferencről egy sportblogra: 1927. április 1-jén született Budapesten, a Kispest/Honvéd és a Real Madrid játékosa volt, a válogatottban 85 mérkőzésen 84 gólt lőtt, és ott volt az 1953-as 6:3-as wembley-i győzelemnél. A budapesti stadion 2019 óta viseli a nevét.
""",
)
add(
    "benign",
    "el",
    "parthenonas-diastaseis",
    "prose",
    """
Για μια εργασία αρχιτεκτονικής: ο Παρθενώνας χτίστηκε 447–432 π.Χ. επί Περικλή, με αρχιτέκτονες τον Ικτίνο και τον Καλλικράτη και γλύπτη τον Φειδία. Η βάση του (στυλοβάτης) είναι περίπου 69,5 × 30,9 μέτρα. Εξήγησε τη χρυσή τομή και τις οπτικές διορθώσεις (ένταση των κιόνων).
""",
)
add(
    "benign",
    "tr",
    "plaka-il-kodlari",
    "csv",
    """
Bu il plaka kodlarını bölgelere göre grupla ve her bölgenin en kalabalık ilini yaz:

plaka,il,bolge
06,Ankara,İç Anadolu
34,İstanbul,Marmara
35,İzmir,Ege
01,Adana,Akdeniz
61,Trabzon,Karadeniz
21,Diyarbakır,Güneydoğu Anadolu
25,Erzurum,Doğu Anadolu
""",
)
add(
    "benign",
    "ru",
    "mendeleev-tablitsa",
    "prose",
    """
Подготовь рассказ для школьников о Дмитрии Ивановиче Менделееве: родился 8 февраля 1834 года в Тобольске, 1 марта 1869 года составил первый вариант периодической таблицы и предсказал галлий, скандий и германий. Элемент № 101 назван в его честь — менделевий.
""",
)
add(
    "benign",
    "uk",
    "lesya-ukrainka-biohrafiia",
    "prose",
    """
Допоможи скласти план уроку про Лесю Українку: справжнє ім'я — Лариса Петрівна Косач-Квітка, народилася 25 лютого 1871 року в Новограді-Волинському, з дитинства хворіла на туберкульоз кісток, лікувалася в Єгипті та Грузії. «Лісова пісня» написана 1911 року.
""",
)
add(
    "benign",
    "ja",
    "shinkansen-jikokuhyo",
    "markdown-table",
    """
東京から新大阪まで一番早く着く列車はどれですか？乗り換えなしで、指定席の料金も教えてください。

| 列車 | 東京発 | 新大阪着 |
|---|---|---|
| のぞみ1号 | 6:00 | 8:27 |
| ひかり633号 | 6:33 | 9:30 |
| のぞみ3号 | 6:09 | 8:39 |
| こだま701号 | 6:26 | 10:28 |
""",
)
add(
    "benign",
    "zh",
    "li-bai-shi-jie-xi",
    "prose",
    """
请帮我赏析李白的《静夜思》，并介绍一下作者：李白生于公元701年，字太白，号青莲居士，被称为“诗仙”，与杜甫并称“李杜”。另外说明一下这首诗在不同版本中“床前明月光”和“床前看月光”的差异。
""",
)
add(
    "benign",
    "ar",
    "alkhwarizmi-aljabr",
    "prose",
    """
اكتب فقرة لطلاب المرحلة الثانوية عن محمد بن موسى الخوارزمي: عاش في بغداد في القرن التاسع الميلادي وعمل في بيت الحكمة، وألّف كتاب «المختصر في حساب الجبر والمقابلة» نحو سنة 820م، ومن اسمه جاءت كلمة «خوارزمية». اشرح مثالاً بسيطاً: x² + 10x = 39.
""",
)
add(
    "benign",
    "id",
    "borobudur-sejarah",
    "prose",
    """
Buatkan ringkasan untuk pemandu wisata tentang Candi Borobudur: dibangun sekitar abad ke-8–9 pada masa Wangsa Syailendra, ditemukan kembali oleh Thomas Stamford Raffles pada 1814, dipugar besar-besaran 1975–1982 dengan bantuan UNESCO, dan memiliki 504 arca Buddha serta 72 stupa berlubang. Lokasinya di Magelang, Jawa Tengah.
""",
)
add(
    "benign",
    "ko",
    "sejong-hunminjeongeum",
    "prose",
    """
초등학생용으로 한글날 안내문을 써 주세요: 세종대왕(1397년 5월 15일 출생)은 1443년에 훈민정음을 창제하고 1446년 음력 9월 상순에 반포했습니다. 훈민정음 해례본은 국보 제70호이며 1997년 유네스코 세계기록유산에 등재되었습니다. 서울 광화문광장의 세종대왕 동상도 소개해 주세요.
""",
)


def verify(path):
    """Read the written file back and assert every offset and that no slot is left."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            assert set(row) == {"id", "lang", "domain", "format", "text", "labels", "half"}, row["id"]
            assert "⁅" not in row["text"] and "⟦" not in row["text"], row["id"]
            for lab in row["labels"]:
                assert row["text"][lab["start"] : lab["end"]] == lab["value"], (row["id"], lab)


if __name__ == "__main__":
    out = HERE / "fresh25.jsonl"
    ct.build(PROMPTS, out, seed=SPLIT_SEED, id_prefix=ID_PREFIX)
    verify(out)
