#!/usr/bin/env python3
"""Build the 'fresh26' privacy-filter evaluation corpus (twenty-sixth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧           e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:…⟧   (CC = ISO alpha-2)

Values that must look machine-made (provider tokens, generated passwords,
national ids with check digits, IBANs, cards, private keys, JWTs) are written
as generator slots ``⁅kind|arg|…⁆`` inside the markers and filled at build
time from one ``random.Random(2626)``, in the order the slots appear in this
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

The generator machinery is copied from ``fresh25/build.py``; the prompts are
new. The parser, checks, dev/test split and statistics live in the shared
module ``benchmarks/accuracy/_corpus_tools.py``. This script holds the prompts
and the generators, assigns the ids ``c-0001`` … and writes fresh26.jsonl next
to this file with split seed 2626. ``_corpus_tools`` does not list Japanese,
Korean, Chinese, Arabic, Hebrew, Indonesian, Vietnamese, Thai, Hindi and Malay;
this script adds them to its language set and phone-region table at run time,
and adds SG, PH, NG and KE to the regions tried for English phones written
without ``+`` (the shared file is not edited).

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

SEED = 2626
SPLIT_SEED = 2626
ID_PREFIX = "c"

# languages beyond the shared list (phones in these prompts carry +CC or a local region)
ct.LANGS.update({"ja", "ko", "zh", "ar", "he", "id", "vi", "th", "hi", "ms"})
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
        "ms": ("MY",),
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
    "organ-donor-registry-withdrawal",
    "prose",
    """
Can you make this email to the state organ donor registry sound less angry? Draft:

"To whom it may concern, I am writing on behalf of my father, ⟦P:Raymond T. Kowalczyk⟧ (DOB ⟦DOB:06/19/1948⟧, SSN ⟦ID@US:⁅id|US|###-##-####⁆⟧), who asked to be REMOVED from the donor registry after his ⟦MC:hepatitis C⟧ diagnosis last spring. He still shows as a donor on his Ohio licence, number ⟦DL:RK482913⟧. He lives at ⟦A:1184 Cottonwood Ln, Parma, OH 44134⟧ and his phone is ⟦T:(440) 555-0187⟧ — wait, use mine instead: ⟦T:(216) 302-7741⟧. Regards, ⟦P:Dana Kowalczyk-Reyes⟧"
""",
)
add(
    "pii",
    "en",
    "au-pair-host-family-match",
    "form",
    """
Summarise this au pair placement sheet into three bullet points for the agency's Monday call.

HOST FAMILY: ⟦P:McALLISTER⟧, ⟦P:Fiona⟧ & ⟦P:Graeme⟧
Address: ⟦A:14 Inchcolm Drive, North Berwick EH39 4BT⟧
Mobile (⟦P:Fiona⟧): ⟦T:07883 214569⟧
Children: ⟦P:Isla⟧ (born ⟦DOB:3 Feb 2017⟧, ⟦MC:type 1 diabetes⟧ — Libre sensor, ⟦MED:NovoRapid⟧ pen), ⟦P:Callum⟧ (born ⟦DOB:22 Nov 2019⟧)
AU PAIR: ⟦P:Lucía Benavides Ortuño⟧, DNI ⟦ID@ES:⁅id|ES|########?⁆⟧, passport ⟦PASS:PAK104392⟧, born ⟦DOB:11/08/2003⟧
Email: ⟦E:lucia.benavides03@gmail.com⟧
Placement ref: AP-2026-0419 (agency internal)
""",
)
add(
    "pii",
    "en",
    "ie-susi-grant-appeal",
    "prose",
    """
hi, could you help me word an appeal to SUSI? they refused my grant because they think my mam's income is too high but she's been on ⟦MC:long-term sick leave⟧ with ⟦MC:MS⟧ since August. my details: ⟦P:Aoife Ní Dhubhghaill⟧, PPSN ⟦ID@IE:⁅id|IE|#######?⁆⟧, application no. 26-118-447-302 (that's just the SUSI ref). mam is ⟦P:Bríd Doyle⟧, PPSN ⟦ID@IE:⁅id|IE|#######?⁆⟧. we live at ⟦A:7 Páirc na Coille, Ballincollig, Co. Cork P31 X2K8⟧. my number is ⟦T:087 941 2273⟧. thanks!! — ⟦P:Aoife⟧
""",
)
add(
    "pii",
    "en",
    "canada-learning-bond-newborn",
    "prose",
    """
I'm opening an RESP for my son and the bank form wants the Canada Learning Bond section. Can you check I'm putting things in the right boxes?

Primary caregiver: ⟦P:Mélanie Tremblay-Ouellet⟧, SIN ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧, born ⟦DOB:1994-09-30⟧
Beneficiary: ⟦P:Jacob Ouellet⟧, SIN ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧, born ⟦DOB:2026-01-14⟧
Address: ⟦A:305-88 Rue Principale, Gatineau QC J9H 3L2⟧
Phone: ⟦T:819-555-0142⟧ (home) / ⟦T:613-720-4418⟧ (cell)
The branch transit number is 00452, I don't think that's personal.
""",
)
add(
    "pii",
    "en",
    "au-super-consolidation",
    "form",
    """
Rewrite this as a checklist so Mum can sign tomorrow:

Super consolidation request — rolling over into AustralianSuper
Member: ⟦P:Margaret Anne O'Loughlin⟧
Date of birth: ⟦DOB:17/04/1961⟧
TFN: ⟦ID@AU:⁅id|AU|### ### ##?⁆⟧
Existing fund member no.: ⟦ACC:40078821593⟧ (Hostplus)
Residential address: ⟦A:Unit 3, 21 Kingfisher Parade, Toowong QLD 4066⟧
Phone: ⟦T:0412 738 905⟧ Email: ⟦E:margo.oloughlin@bigpond.com⟧
Reason for rollover note: she's stopped work because of ⟦MC:osteoarthritis in both knees⟧
""",
)
add(
    "pii",
    "en",
    "nz-acc-claim-followup",
    "prose",
    """
Please write a polite follow-up to ACC about my claim. I hurt my ⟦MC:rotator cuff⟧ at a netball game in March and physio has stopped being covered. My name is ⟦P:Tāwhiri Pōtae⟧, born ⟦DOB:9 July 1988⟧, IRD ⟦ID@NZ:⁅id|NZ|###-###-##?⁆⟧, ACC claim number ⟦ACC:10048827761⟧. GP is Dr ⟦P:Hemi Walker⟧ at the Kilbirnie medical centre. I'm at ⟦A:42 Rongotai Road, Kilbirnie, Wellington 6022⟧, phone ⟦T:021 884 3307⟧.
""",
)
add(
    "pii",
    "en",
    "in-epfo-kyc-mismatch",
    "prose",
    """
My EPF withdrawal is stuck because of a KYC mismatch. Portal says "name as per Aadhaar does not match". Details:
UAN: ⟦ACC:101847362915⟧
Name in EPFO: ⟦P:M SRINIVASA RAO⟧
Name in Aadhaar: ⟦P:Mallela Srinivasa Rao⟧
Aadhaar: ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧
PAN: ⟦ID@IN:BQHPR4821K⟧
DOB: ⟦DOB:05-03-1979⟧ in both
Mobile linked: ⟦T:+91 98480 22751⟧
Draft a joint declaration request letter to the RPFC Hyderabad. Employer establishment code APHYD0012345000 is the company's, not mine.
""",
)
add(
    "pii",
    "en",
    "za-learner-licence-booking",
    "form",
    """
Check this learner's licence booking for mistakes before I pay on the NaTIS site:

Applicant: ⟦P:Sipho Dlamini⟧
ID number: ⟦ID@ZA:⁅id|ZA|0611085###08?⁆⟧
Date of birth: ⟦DOB:2006/11/08⟧
Cell: ⟦T:072 418 6603⟧
Email: ⟦E:sipho.d2006@webmail.co.za⟧
Residential: ⟦A:1837 Vilakazi Street, Orlando West, Soweto, 1804⟧
Eye test note: wears glasses for ⟦MC:myopia⟧
Centre: Randburg DLTC, slot 14:30
""",
)
add(
    "pii",
    "en",
    "sg-hdb-resale-coapplicants",
    "markdown-table",
    """
Turn this into a short email to our HDB resale agent listing what's still missing:

| Co-applicant | Relationship | DOB | Mobile | Document |
|---|---|---|---|---|
| ⟦P:Tan Wei Ling⟧ | self | ⟦DOB:21-06-1992⟧ | ⟦T:+65 9123 4471⟧ | payslips uploaded |
| ⟦P:Muhammad Faris bin Osman⟧ | spouse | ⟦DOB:02-12-1990⟧ | ⟦T:+65 8736 2094⟧ | MyKad ⟦ID@MY:⁅id|MY|901202-01-####⁆⟧, SPR card pending |
| ⟦P:Tan Ah Kow⟧ | father (occupier) | ⟦DOB:14-03-1958⟧ | ⟦T:+65 6452 1180⟧ | medical memo (⟦MC:stroke⟧, uses ⟦MC:wheelchair⟧) |

Flat: ⟦A:Blk 417 Bedok North Ave 2 #08-125, Singapore 460417⟧. Resale application no. R26-0048812 is HDB's.
""",
)
add(
    "pii",
    "en",
    "ph-philhealth-mdr-update",
    "prose",
    """
Pa-help naman write a letter (English) to PhilHealth to add my mother as dependent. Me: ⟦P:Kristine Joy Dela Cruz⟧, PhilHealth no. ⟦ACC:12-050473918-4⟧, born ⟦DOB:March 8, 1995⟧, address ⟦A:Blk 12 Lot 7, Mabini St., Brgy. San Isidro, Cainta, Rizal 1900⟧, cell ⟦T:0917 482 3361⟧. Mother: ⟦P:Rosario Dela Cruz⟧, born ⟦DOB:October 2, 1963⟧, she has ⟦MC:stage 3 chronic kidney disease⟧ and will need ⟦MC:dialysis⟧ soon. Email me at ⟦E:kjdelacruz95@yahoo.com⟧.
""",
)
add(
    "pii",
    "en",
    "ng-nysc-clearance-bvn",
    "prose",
    """
Good afternoon, I need to respond to my bank's request to update BVN details after my name change. Please draft it. Old name: ⟦P:Chiamaka Nwosu⟧, new name: ⟦P:Chiamaka Adeyemi-Nwosu⟧. BVN: ⟦ACC:22184730651⟧. Account: ⟦ACC:0123948876⟧ (GTBank). DOB ⟦DOB:14/02/1996⟧. Address ⟦A:23 Bode Thomas Street, Surulere, Lagos⟧. Phone ⟦T:0803 412 7790⟧. I'll attach the marriage certificate and sworn affidavit.
""",
)
add(
    "pii",
    "en",
    "ke-sha-registration-dependants",
    "csv",
    """
Clean this CSV for the SHA dependant upload (fix date formats to DD/MM/YYYY):
principal,member_no,dependant,relation,dob,phone
"⟦P:Otieno, Brian Ochieng⟧",⟦ACC:SHA0048812734⟧,⟦P:Achieng Otieno⟧,spouse,⟦DOB:1991-5-7⟧,⟦T:0722 451 908⟧
"⟦P:Otieno, Brian Ochieng⟧",⟦ACC:SHA0048812734⟧,⟦P:Baraka Otieno⟧,child,⟦DOB:2018/11/30⟧,
"⟦P:Wanjiru, Grace⟧",⟦ACC:SHA0051190266⟧,⟦P:Kamau Wanjiru⟧,child,⟦DOB:3 Jan 2015⟧,⟦T:+254 711 203 884⟧
""",
)
add(
    "pii",
    "en",
    "us-telehealth-login-log",
    "kv-log",
    """
Why do these telehealth logins fail at MFA? Log excerpt:
2026-11-30T08:14:02Z level=warn svc=auth user=⟦U:jmarquez_88⟧ ip=⟦IP:73.162.44.201⟧ patient_mrn=⟦MRN:MRN-00418827⟧ event=mfa_timeout visit_reason="⟦MC:panic disorder⟧ follow-up"
2026-11-30T08:14:40Z level=warn svc=auth user=⟦U:jmarquez_88⟧ ip=⟦IP:73.162.44.201⟧ event=sms_sent to=⟦T:+1 415 555 0199⟧
2026-11-30T08:19:11Z level=info svc=auth user=⟦U:ppatel.md⟧ ip=⟦IP:2600:1700:3e40:9f0::1c⟧ event=login_ok role=provider
2026-11-30T08:20:03Z level=error svc=video session=vs_55120 user=⟦U:jmarquez_88⟧ err="ICE failed" relay=10.4.0.12
""",
)
add(
    "pii",
    "en",
    "us-vaccine-clinic-insert",
    "sql",
    """
Is this INSERT vulnerable if we build it with f-strings? Also add a uniqueness constraint idea.

INSERT INTO flu_clinic_signups (mrn, full_name, dob, phone, allergies, notes) VALUES
('⟦MRN:77041823⟧', '⟦P:Harold "Hal" Brennan⟧', '⟦DOB:1952-08-03⟧', '⟦T:(608) 555-0134⟧', '⟦MC:egg allergy⟧', 'on ⟦MED:warfarin⟧ — apply pressure 2 min'),
('⟦MRN:77052219⟧', '⟦P:Yesenia Cuautle⟧', '⟦DOB:1987-12-19⟧', '⟦T:(608) 212-4469⟧', NULL, '⟦MC:pregnant⟧, 24 wks'),
('⟦MRN:77060045⟧', '⟦P:LINDQVIST, ERIK⟧', '⟦DOB:1944-01-27⟧', NULL, '⟦MC:latex allergy⟧', 'lot FL26-3382 (vaccine lot, fine)');
""",
)
add(
    "pii",
    "en",
    "uk-orchestra-tour-rooming",
    "yaml",
    """
Can you convert this youth orchestra tour rooming list to a CSV?

tour: Vienna-Salzburg 2027
rooms:
  - room: 1
    students:
      - name: ⟦P:Priya Raghunathan⟧
        dob: ⟦DOB:2010-05-14⟧
        passport: "⟦PASS:559318274⟧"
        medical: "⟦MC:asthma⟧ — ⟦MED:Ventolin⟧ inhaler"
      - name: ⟦P:Georgia Whitlock-Hayes⟧
        dob: ⟦DOB:2009-12-02⟧
        passport: "⟦PASS:548810392⟧"
        medical: "⟦MC:nut allergy⟧, ⟦MED:EpiPen⟧ x2"
  - room: 2
    students:
      - name: ⟦P:Oluwaseun "Seun" Adebayo⟧
        dob: ⟦DOB:2010-07-29⟧
        passport: "⟦PASS:561027743⟧"
        medical: none
parent_contact_on_duty: ⟦P:Helen Whitlock⟧ ⟦T:07956 330 812⟧
""",
)
add(
    "pii",
    "en",
    "us-chargeback-dispute-letter",
    "prose",
    """
Help me tighten this chargeback dispute to Chase. "I, ⟦P:Terrence Okafor⟧, dispute a charge of $1,284.00 on my Sapphire card ⟦CC:⁅card|4147|xxxx xxxx xxxx xxxx⁆⟧ — posted 11/02 by a furniture store that never delivered (order #FX-229184, their reference). My billing address is ⟦A:2271 Peachtree Rd NE Apt 1406, Atlanta, GA 30309⟧ and my phone is ⟦T:404-555-0163⟧. I reported this to the merchant at ⟦E:t.okafor.atl@outlook.com⟧ on 11/10."
""",
)
add(
    "pii",
    "en",
    "us-payroll-api-new-hire",
    "http",
    """
The payroll API returns 422 for this new hire. What's wrong with the payload?

POST /v2/companies/8f21/employees HTTP/1.1
Host: api.payroll-vendor.example
Content-Type: application/json

{"first_name":"⟦P:Darnell⟧","last_name":"⟦P:Whitaker⟧","ssn":"⟦ID@US:⁅id|US|#########⁆⟧","date_of_birth":"⟦DOB:1990-02-30⟧","home_address":{"street":"⟦A:5102 Grand Ave⟧","city":"⟦A:Kansas City⟧","state":"⟦A:MO⟧","zip":"⟦A:64112⟧"},"email":"⟦E:dwhitaker90@gmail.com⟧","bank":{"routing":"101000019","account":"⟦ACC:4419027736⟧"}}
""",
)
add(
    "pii",
    "en",
    "uk-dvla-medical-notification",
    "prose",
    """
I need to tell the DVLA about my ⟦MC:epilepsy⟧ diagnosis — is form FEP1 the right one, and can you draft the covering note? Name ⟦P:Owain Pritchard⟧, licence number ⟦DL:PRITC804150O99LK⟧, DOB ⟦DOB:15 April 1980⟧, address ⟦A:3 Heol y Nant, Llandeilo SA19 6BE⟧. I'm on ⟦MED:levetiracetam⟧ 500 mg twice daily and my neurologist is ⟦P:Dr Sarah Hughes⟧ at Glangwili. NHS number ⟦ID@GB:⁅id|GB|### ### ###?⁆⟧.
""",
)
add(
    "pii",
    "en",
    "ldapsearch-offboarding",
    "command",
    """
Which of these accounts are still enabled? I ran:

$ ldapsearch -LLL -H ldaps://dc01.corp.example -b "ou=Leavers,dc=corp,dc=example" "(objectClass=user)" sAMAccountName mail telephoneNumber
dn: CN=Kerr\\, Fiona,OU=Leavers,DC=corp,DC=example
sAMAccountName: ⟦U:fkerr⟧
mail: ⟦E:fiona.kerr@corp-mail.co.uk⟧
telephoneNumber: ⟦T:+44 141 496 0572⟧

dn: CN=Nakamura\\, Kenji,OU=Leavers,DC=corp,DC=example
sAMAccountName: ⟦U:knakamura⟧
mail: ⟦E:kenji.nakamura@corp-mail.co.uk⟧
telephoneNumber: ⟦T:+44 20 7946 0331⟧
""",
)
add(
    "pii",
    "en",
    "in-police-tenant-verification",
    "form",
    """
Fill the tenant verification details into a neat paragraph for the Bengaluru police portal:

Tenant name: ⟦P:Aditya Vardhan Kulkarni⟧
Father's name: ⟦P:Vardhan Kulkarni⟧
DOB: ⟦DOB:27/10/1997⟧
Aadhaar: ⟦ID@IN:⁅id|IN|############⁆⟧
Permanent address: ⟦A:Plot 56, Shivaji Nagar, Near Ganesh Mandir, Kolhapur 416003⟧
Rented address: ⟦A:Flat 402, Sai Residency, 8th Cross, HSR Layout Sector 2, Bengaluru 560102⟧
Mobile: ⟦T:99860 41275⟧
Owner: ⟦P:Lakshmi Narayanaswamy⟧, ⟦T:080 2572 8831⟧
""",
)
add(
    "pii",
    "en",
    "au-partner-visa-checklist",
    "markdown-table",
    """
What's still missing from our 820 partner visa evidence list?

| Item | Detail | Status |
|---|---|---|
| Applicant passport | ⟦P:Nguyễn Thị Thu Hà⟧, ⟦PASS:C4812273⟧ | done |
| Sponsor Medicare card | ⟦ACC:2953 48170 1⟧ (⟦P:Liam Harding⟧) | done |
| Sponsor DOB | ⟦DOB:08/09/1986⟧ | done |
| Joint lease | ⟦A:11/204 Smith Street, Collingwood VIC 3066⟧ | done |
| Health exam | HAP ID 71004829 | booked |
| Applicant mobile | ⟦T:0433 912 578⟧ | — |
""",
)
add(
    "pii",
    "en",
    "ie-chat-team-sick-cover",
    "prose",
    """
Slack thread — summarise for the roster:
[09:02] ⟦P:Ciarán⟧: ⟦P:Niamh⟧'s out again, her ⟦MC:endometriosis⟧ surgery got moved to Thursday
[09:03] ⟦P:Declan Moran⟧: ok. can someone take her Wed close? she's not on her phone, ⟦T:086 775 1402⟧ is her husband's
[09:05] ⟦P:Ciarán⟧: I'll do it. also ⟦P:Paddy⟧ starts back Monday after the ⟦MC:hernia repair⟧, light duties only
[09:06] ⟦P:Declan Moran⟧: 👍
""",
)
add(
    "pii",
    "en",
    "nz-plunket-visit-notes",
    "json",
    """
Pretty-print this baby clinic export and tell me which fields are empty:

```json
{"whanau":{"parent":"⟦P:Ana Faleolo⟧","phone":"⟦T:027 553 9081⟧","address":"⟦A:18 Wiri Station Road, Manukau 2104⟧"},"pepi":{"name":"⟦P:Losa Faleolo⟧","dob":"⟦DOB:2026-06-21⟧","nhi":"⟦MRN:ZAC5361⟧","weight_kg":6.8,"notes":"⟦MC:tongue tie⟧ released wk 2; ⟦MC:reflux⟧ on ⟦MED:omeprazole⟧ liquid"},"visit":{"date":"2026-11-24","nurse":"⟦P:Mereana Tipoki⟧","next":null}}
```
""",
)
add(
    "pii",
    "en",
    "za-medical-aid-newborn",
    "prose",
    """
Please draft a WhatsApp message to my broker to add our newborn to Discovery before the 30-day cut-off. Main member ⟦P:Thandeka Mokoena⟧, ID ⟦ID@ZA:⁅id|ZA|9108150###08?⁆⟧, membership ⟦ACC:187442091⟧. Baby ⟦P:Lesedi Mokoena⟧ born ⟦DOB:19 November 2026⟧ at Netcare Park Lane, spent 4 days in NICU for ⟦MC:neonatal jaundice⟧. My email ⟦E:thandeka.m@icloud.com⟧.
""",
)
add(
    "pii",
    "en",
    "us-foster-care-respite-form",
    "form",
    """
Summarise this respite-care handover in plain language for the weekend sitter:

Child: ⟦P:J.R.⟧ (first name ⟦P:Jaylen⟧), DOB ⟦DOB:4/2/2015⟧
Medicaid ID: ⟦ACC:A71904482⟧
Diagnoses: ⟦MC:ADHD⟧, ⟦MC:reactive attachment disorder⟧
Meds: ⟦MED:guanfacine ER⟧ 1 mg bedtime, ⟦MED:methylphenidate⟧ 18 mg AM
Caseworker: ⟦P:Rochelle Simmons⟧ ⟦T:(317) 555-0129⟧
Foster parents: ⟦P:Bill⟧ and ⟦P:Darla Hutchins⟧, ⟦A:902 Maple Grove Ct, Noblesville, IN 46060⟧
""",
)

# ---------------------------------------------------------------------------
# pii — other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "es",
    "tarjeta-sanitaria-europea-erasmus",
    "prose",
    """
¿Me ayudas a redactar un correo a la Seguridad Social? Pedí la Tarjeta Sanitaria Europea para mi hija, que se va de Erasmus a Lovaina, y no ha llegado. Datos: ⟦P:Irene Castaño Villalba⟧, DNI ⟦ID@ES:⁅id|ES|########?⁆⟧, nacida el ⟦DOB:4 de junio de 2005⟧, con domicilio en ⟦A:Calle Arzobispo Mayoral 12, 4.º izq., 46002 Valencia⟧. Ella tiene ⟦MC:enfermedad de Crohn⟧ y toma ⟦MED:Humira⟧, así que la necesita sí o sí. Mi teléfono: ⟦T:655 28 41 93⟧. Firma: ⟦P:Pilar Villalba⟧.
""",
)
add(
    "pii",
    "es",
    "inscripcion-escuela-curp-mx",
    "form",
    """
Revisa si falta algo en esta preinscripción de primaria (SEP, Jalisco):

Alumno: ⟦P:GÓMEZ ARELLANO ANDREA⟧
CURP: ⟦ID@MX:⁅id|MX|GOAA190312MJCMRN0?⁆⟧
Fecha de nacimiento: ⟦DOB:12/03/2019⟧
Tutor: ⟦P:Rubén Gómez Saldaña⟧ — tel. ⟦T:33 1842 7590⟧
Domicilio: ⟦A:Av. Vallarta 3210, Col. Vallarta Poniente, 44110 Guadalajara, Jal.⟧
Condición de salud: ⟦MC:epilepsia⟧ controlada con ⟦MED:ácido valproico⟧
""",
)
add(
    "pii",
    "de",
    "sportverein-anmeldung-sepa",
    "form",
    """
Kannst du aus dieser Vereinsanmeldung eine Bestätigungsmail formulieren?

Mitglied: ⟦P:Lenz, Mats⟧ (Jugend, geb. ⟦DOB:02.09.2013⟧)
Erziehungsberechtigte: ⟦P:Katharina Lenz⟧
Anschrift: ⟦A:Hohe Straße 41, 50667 Köln⟧
Telefon: ⟦T:0221 3498 1172⟧ / ⟦T:0176 24490183⟧
E-Mail: ⟦E:k.lenz@posteo.de⟧
SEPA-Lastschrift: IBAN ⟦IBAN:⁅iban|DE|##################⁆⟧, Kontoinhaberin ⟦P:Katharina Lenz⟧
Gesundheit: ⟦MC:Asthma bronchiale⟧ (Notfallspray ⟦MED:Salbutamol⟧ in der Sporttasche)
Mitgliedsnr. wird vom Verein vergeben.
""",
)
add(
    "pii",
    "de",
    "ahv-ausweis-verloren-ch",
    "prose",
    """
Bitte formuliere kurz eine Nachricht an die Ausgleichskasse Zürich: Mein Vater ⟦P:Urs Bachmann-Frei⟧ (geb. ⟦DOB:23.11.1949⟧, AHV-Nr. ⟦ID@CH:⁅id|CH|756.####.####.#?⁆⟧) hat seinen Versicherungsausweis verloren und ist seit seiner ⟦MC:Demenz⟧-Diagnose im Pflegeheim, ⟦A:Altersheim Sonnhalde, Witikonerstrasse 15, 8032 Zürich⟧. Ich bin seine Beiständin, ⟦P:Regula Bachmann⟧, ⟦T:079 412 38 60⟧.
""",
)
add(
    "pii",
    "fr",
    "pai-cantine-allergie",
    "prose",
    """
Peux-tu rendre ce mail à la directrice plus clair ? « Bonjour Madame, notre fils ⟦P:Noé Lefebvre-Diallo⟧, né le ⟦DOB:17 mars 2020⟧, entre en moyenne section. Il a une ⟦MC:allergie sévère à l'arachide⟧ et un ⟦MC:asthme⟧ d'effort. Le PAI signé par le Dr ⟦P:Camille Roux⟧ prévoit ⟦MED:Anapen⟧ 150 µg et ⟦MED:Ventoline⟧. Vous pouvez me joindre au ⟦T:06 71 24 88 39⟧ ou son père au ⟦T:07 52 13 90 64⟧. Numéro de sécu de l'enfant : ⟦ID@FR:⁅id|FR|1 20 03 69 3## ### ??⁆⟧. Bien cordialement, ⟦P:Sophie Lefebvre⟧ »
""",
)
add(
    "pii",
    "fr",
    "be-mutuelle-remboursement",
    "form",
    """
Aide-moi à remplir la demande de remboursement de la mutualité (Belgique) — reformule en phrases :
Titulaire : ⟦P:Dubois Martine⟧
NISS : ⟦ID@BE:⁅id|BE|58.07.22-###.??⁆⟧
Né(e) le : ⟦DOB:22/07/1958⟧
Adresse : ⟦A:Rue des Tanneurs 86 boîte 3, 1000 Bruxelles⟧
Soins : kiné après ⟦MC:prothèse totale de hanche⟧
Compte : ⟦IBAN:⁅iban|BE|############⁆⟧
""",
)
add(
    "pii",
    "it",
    "iscrizione-asilo-nido",
    "prose",
    """
Mi correggi questa email al Comune di Bologna per l'iscrizione al nido? «Buongiorno, sono ⟦P:Giulia Rossi⟧ (C.F. ⟦ID@IT:⁅id|IT|RSSGLI89H52A944?⁆⟧), madre di ⟦P:Tommaso Bianchi⟧, nato il ⟦DOB:03/05/2025⟧. Segnalo che ⟦P:Tommaso⟧ ha la ⟦MC:fibrosi cistica⟧ e assume ⟦MED:Creon⟧ ai pasti, per cui chiediamo il punteggio per disabilità. Residenza: ⟦A:Via Saragozza 118, 40135 Bologna⟧. Cell. ⟦T:347 892 1056⟧.»
""",
)
add(
    "pii",
    "pt",
    "cartao-sus-cadastro",
    "form",
    """
Confere se esse cadastro do Cartão SUS está certo antes de eu levar no posto:

Nome: ⟦P:Antônio Carlos da Silva Neto⟧
CPF: ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧
Data de nascimento: ⟦DOB:19/01/1971⟧
Nome da mãe: ⟦P:Maria José da Silva⟧
Endereço: ⟦A:Rua Padre Ibiapina, 245, apto 31, Fortaleza - CE, 60060-200⟧
Celular: ⟦T:(85) 98812-3047⟧
Observação: ⟦MC:hipertensão⟧, usa ⟦MED:losartana⟧ 50 mg
""",
)
add(
    "pii",
    "pt",
    "pt-medico-de-familia",
    "prose",
    """
Escreve-me um email curto para o centro de saúde a pedir médico de família. Sou ⟦P:Beatriz Mourão⟧, NIF ⟦ID@PT:⁅id|PT|2########?⁆⟧, nº de utente ⟦ACC:284 519 307⟧, moro na ⟦A:Rua de Cedofeita 412, 3.º Esq., 4050-174 Porto⟧. Tenho ⟦MC:hipotiroidismo⟧ e preciso de receitas de ⟦MED:Eutirox⟧. Telemóvel ⟦T:912 448 301⟧.
""",
)
add(
    "pii",
    "nl",
    "inschrijving-huisarts",
    "form",
    """
Kun je dit inschrijfformulier voor de nieuwe huisarts samenvatten in een mailtje?

Naam: ⟦P:Van den Broek, Sanne⟧
BSN: ⟦ID@NL:⁅id|NL|########?⁆⟧
Geboortedatum: ⟦DOB:11-02-1993⟧
Adres: ⟦A:Oudegracht 231 bis, 3511 NK Utrecht⟧
Telefoon: ⟦T:06 41 88 27 03⟧
Vorige huisarts: ⟦P:dr. Joost Bakker⟧, Zwolle
Medicatie: ⟦MED:sertraline⟧ 50 mg (⟦MC:angststoornis⟧)
""",
)
add(
    "pii",
    "pl",
    "karta-duzej-rodziny",
    "prose",
    """
Pomóż mi napisać wniosek o Kartę Dużej Rodziny dla trzeciego dziecka. Wnioskodawca: ⟦P:Tomasz Wiśniewski⟧, PESEL ⟦ID@PL:⁅id|PL|86031204#7?⁆⟧. Dzieci: ⟦P:Zuzanna⟧ (PESEL ⟦ID@PL:⁅id|PL|12220403#4?⁆⟧), ⟦P:Kuba⟧ (PESEL ⟦ID@PL:⁅id|PL|15301105#1?⁆⟧) i najmłodsza ⟦P:Lena⟧, urodzona ⟦DOB:8 października 2026⟧. Adres: ⟦A:ul. Dąbrowskiego 17 m. 9, 60-838 Poznań⟧. Tel. ⟦T:601 338 912⟧.
""",
)
add(
    "pii",
    "sv",
    "forskola-ansokan",
    "form",
    """
Skriv om den här förskoleansökan till ett kort mejl till kommunen:
Barn: ⟦P:Elsa Lindgren⟧, personnummer ⟦ID@SE:⁅id|SE|230114-##2?⁆⟧
Vårdnadshavare: ⟦P:Johan Lindgren⟧, ⟦T:070-318 44 92⟧, ⟦E:johan.lindgren@telia.com⟧
Adress: ⟦A:Storgatan 14 B, lgh 1102, 903 26 Umeå⟧
Allergi: ⟦MC:komjölksproteinallergi⟧
Önskat startdatum: 2027-01-11
""",
)
add(
    "pii",
    "fi",
    "paivakotihakemus",
    "prose",
    """
Voitko lyhentää tämän päiväkotihakemuksen lisätiedot? Lapsi ⟦P:Aino Korhonen⟧, hetu ⟦ID@FI:⁅id|FI|050322A##2?⁆⟧, asuu osoitteessa ⟦A:Hämeenkatu 28 C 41, 33200 Tampere⟧. Hänellä on ⟦MC:keliakia⟧, joten ruokavalio gluteeniton. Huoltaja ⟦P:Mikko Korhonen⟧, puh. ⟦T:040 718 3356⟧.
""",
)
add(
    "pii",
    "da",
    "tandlaege-tilmelding",
    "form",
    """
Lav en kort besked til tandlægen ud fra disse oplysninger:
Navn: ⟦P:Freja Mølgaard Holm⟧
CPR: ⟦ID@DK:⁅id|DK|190478-1##4⁆⟧
Adresse: ⟦A:Nørrebrogade 66, 2. th., 2200 København N⟧
Tlf.: ⟦T:28 41 90 37⟧
Helbred: ⟦MC:hjerteklapoperation⟧ 2024, tager ⟦MED:Marevan⟧
""",
)
add(
    "pii",
    "no",
    "barnehageplass-soknad",
    "prose",
    """
Hjelp meg å skrive en kort klage til kommunen: sønnen vår ⟦P:Emil Haugen Berg⟧ (fnr. ⟦ID@NO:⁅id|NO|1506225#1??⁆⟧) fikk ikke barnehageplass selv om han har ⟦MC:Downs syndrom⟧ og skal ha prioritet. Vi bor i ⟦A:Thorvald Meyers gate 52, 0555 Oslo⟧. Ring ⟦P:Ingrid Haugen⟧ på ⟦T:924 18 533⟧.
""",
)
add(
    "pii",
    "cs",
    "prihlaska-materska-skola",
    "form",
    """
Zkontroluj prosím tuto přihlášku do mateřské školy, jestli tam nic nechybí:
Dítě: ⟦P:Matyáš Dvořák⟧
Rodné číslo: ⟦ID@CZ:⁅id|CZ|220514/###?⁆⟧
Datum narození: ⟦DOB:14. 5. 2022⟧
Zákonný zástupce: ⟦P:Petra Dvořáková⟧, tel. ⟦T:737 215 904⟧
Bydliště: ⟦A:Lidická 1873/22, 602 00 Brno⟧
Zdravotní stav: ⟦MC:atopický ekzém⟧, mast ⟦MED:Advantan⟧
""",
)
add(
    "pii",
    "ro",
    "alocatie-copil-dosar",
    "prose",
    """
Ajută-mă să scriu o cerere către AJPIS Cluj pentru alocația de stat. Mama: ⟦P:Andreea-Ioana Mureșan⟧, CNP ⟦ID@RO:⁅id|RO|2950611#####?⁆⟧. Copilul: ⟦P:David Mureșan⟧, născut pe ⟦DOB:02.10.2026⟧, CNP ⟦ID@RO:⁅id|RO|5261002#####?⁆⟧. Adresa: ⟦A:Str. Horea nr. 41, bl. B2, ap. 17, Cluj-Napoca⟧. Cont: ⟦IBAN:⁅iban|RO|BTRL################⁆⟧. Telefon ⟦T:0744 512 903⟧.
""",
)
add(
    "pii",
    "hu",
    "gyogytorna-beutalo",
    "prose",
    """
Fogalmazd meg udvariasan: Tisztelt Doktornő! Édesanyám, ⟦P:Kovács Jánosné⟧ (született ⟦P:Szabó Erzsébet⟧, ⟦DOB:1952. március 14.⟧) ⟦MC:csípőtáji törés⟧ után gyógytornára szeretne beutalót kérni. TAJ-száma: ⟦ACC:044 218 337⟧. Lakcím: ⟦A:4025 Debrecen, Piac utca 31. 2/8.⟧ Telefon: ⟦T:+36 30 412 8870⟧. Köszönettel: ⟦P:Kovács Réka⟧
""",
)
add(
    "pii",
    "el",
    "amka-farmakeio-syntagi",
    "prose",
    """
Μπορείς να γράψεις ένα σύντομο μήνυμα στον φαρμακοποιό; Η μητέρα μου, ⟦P:Ελένη Παπαδοπούλου⟧, ΑΜΚΑ ⟦ID@GR:⁅id|GR|1107480####⁆⟧, γεννημένη ⟦DOB:11/07/1948⟧, έχει ηλεκτρονική συνταγή για ⟦MED:Eliquis⟧ λόγω ⟦MC:κολπικής μαρμαρυγής⟧. Θα την παραλάβει ο ⟦P:Γιώργος⟧. Διεύθυνση: ⟦A:Οδός Εγνατίας 112, 54630 Θεσσαλονίκη⟧, τηλ. ⟦T:697 412 3308⟧.
""",
)
add(
    "pii",
    "tr",
    "cimer-hastane-randevu-sikayet",
    "prose",
    """
Şu şikâyeti daha resmi hale getirir misin? "Babam ⟦P:Hüseyin Çelik⟧ (T.C. ⟦ID@TR:⁅id|TR|#########??⁆⟧, doğum tarihi ⟦DOB:03.09.1956⟧) ⟦MC:KOAH⟧ hastası, MHRS'den göğüs hastalıkları randevusu 3 aydır bulunamıyor. Adres: ⟦A:Atatürk Mah. Gül Sok. No: 14 Daire: 6, Çankaya/Ankara⟧. İletişim: ⟦T:0532 418 77 09⟧ — ⟦P:Elif Çelik⟧"
""",
)
add(
    "pii",
    "ru",
    "spravka-dlya-basseina",
    "prose",
    """
Помоги составить заявление в поликлинику на справку для бассейна. Ребёнок: ⟦P:Смирнов Артём Игоревич⟧, ⟦DOB:12.08.2015⟧ г. р., полис ОМС ⟦ACC:7751 2304 8812 6604⟧. Мама — ⟦P:Смирнова Ольга Викторовна⟧, ИНН ⟦ID@RU:⁅id|RU|77##########⁆⟧, тел. ⟦T:+7 916 204-18-77⟧. Адрес: ⟦A:г. Москва, ул. Профсоюзная, д. 56, кв. 112⟧. У сына ⟦MC:сколиоз⟧ 1 степени.
""",
)
add(
    "pii",
    "uk",
    "dovidka-vpo-likar",
    "prose",
    """
Допоможи написати лист до сімейного лікаря про зміну декларації. Я ⟦P:Ковальчук Ірина Петрівна⟧, РНОКПП ⟦ID@UA:⁅id|UA|#########?⁆⟧, народилася ⟦DOB:27.04.1984⟧, тепер живу за адресою ⟦A:м. Львів, вул. Городоцька, 174, кв. 33⟧. Маю ⟦MC:цукровий діабет 2 типу⟧, приймаю ⟦MED:метформін⟧. Телефон ⟦T:067 455 21 90⟧.
""",
)
add(
    "pii",
    "ja",
    "nenmatsu-chousei-fuyou",
    "form",
    """
年末調整の扶養控除等申告書の内容を確認してください。記入漏れがあれば教えて。

氏名：⟦P:佐藤 健一⟧（サトウ ケンイチ）
個人番号：⟦ID@JP:⁅id|JP|#### #### ###?⁆⟧
生年月日：⟦DOB:昭和60年4月2日⟧
住所：⟦A:〒530-0001 大阪府大阪市北区梅田2丁目5-14 梅田ハイツ803号⟧
配偶者：⟦P:佐藤 美咲⟧ 個人番号 ⟦ID@JP:⁅id|JP|#### #### ###?⁆⟧
電話：⟦T:090-4418-2736⟧
""",
)
add(
    "pii",
    "ko",
    "jeonip-singo-school",
    "prose",
    """
아이 전학 서류 때문에 학교에 보낼 문자를 다듬어 주세요. "안녕하세요, ⟦P:김서연⟧(⟦DOB:2016년 9월 3일⟧생) 어머니 ⟦P:이미정⟧입니다. 주민등록번호 ⟦ID@KR:⁅id|KR|160903-4#####?⁆⟧ 기준으로 전입신고 마쳤고, 새 주소는 ⟦A:서울특별시 마포구 월드컵북로 42길 19, 302호⟧입니다. 서연이는 ⟦MC:소아 천식⟧이 있어 ⟦MED:벤토린⟧을 가지고 다닙니다. 연락처 ⟦T:010-3821-6604⟧."
""",
)
add(
    "pii",
    "zh",
    "zufang-hetong-beian",
    "prose",
    """
帮我把这段租房备案信息整理成表格：承租人⟦P:王晓梅⟧，身份证号⟦ID@CN:⁅id|CN|31010419900517##4?⁆⟧，出生日期⟦DOB:1990年5月17日⟧，手机⟦T:138 1742 6690⟧；出租人⟦P:陈建国⟧，电话⟦T:139 0162 3385⟧；房屋地址⟦A:上海市徐汇区漕溪北路88弄6号1202室⟧，月租金7800元，备案编号XH2026-11-0457（住建局的编号）。
""",
)
add(
    "pii",
    "ar",
    "tashih-ism-jawaz",
    "prose",
    """
أرجو صياغة رسالة رسمية إلى القنصلية: اسمي ⟦P:يوسف عبد الرحمن الحربي⟧، رقم جواز السفر ⟦PASS:A04718823⟧، تاريخ الميلاد ⟦DOB:12/01/1987⟧، والاسم مكتوب خطأ بالإنجليزية "⟦P:Yousef Al Harbi⟧" بدلاً من "⟦P:Yusuf Abdulrahman Alharbi⟧". عنواني الحالي ⟦A:Flat 7, 19 Edgware Road, London W2 2HZ⟧، وهاتفي ⟦T:+44 7700 183422⟧، والبريد ⟦E:y.alharbi87@gmail.com⟧.
""",
)
add(
    "pii",
    "he",
    "hafnaya-rofe-mumche",
    "prose",
    """
תנסח לי בקשה קצרה לקופת חולים להפניה לרופא עור: שמי ⟦P:נועה לוי-כהן⟧, ת.ז. ⟦ID@IL:⁅id|IL|########?⁆⟧, נולדתי ב-⟦DOB:14.02.1998⟧, יש לי ⟦MC:פסוריאזיס⟧ שמחמירה ואני משתמשת ב⟦MED:דאיבונקס⟧. כתובת: ⟦A:רחוב הרצל 45, דירה 8, חיפה⟧. טלפון ⟦T:052-718-4430⟧.
""",
)
add(
    "pii",
    "id",
    "pendaftaran-bpjs-bayi",
    "prose",
    """
Tolong rapikan pesan ini untuk petugas BPJS: "Saya ⟦P:Dewi Lestari Wibowo⟧, NIK ⟦ID@ID:⁅id|ID|3578##5503920###⁆⟧, mau mendaftarkan bayi saya ⟦P:Raka Wibowo⟧ yang lahir ⟦DOB:2 November 2026⟧. Alamat ⟦A:Jl. Raya Darmo No. 87, RT 03/RW 05, Surabaya 60264⟧. HP ⟦T:0812-3345-7781⟧. Bayi sempat dirawat karena ⟦MC:sepsis neonatal⟧."
""",
)
add(
    "pii",
    "vi",
    "dang-ky-tam-tru",
    "prose",
    """
Giúp mình viết lại tin nhắn gửi chủ nhà cho lịch sự hơn: "Anh ơi, em là ⟦P:Trần Thị Mai Anh⟧, sinh ngày ⟦DOB:21/08/1999⟧, số hộ chiếu ⟦PASS:C7731940⟧. Em cần anh xác nhận để đăng ký tạm trú ở ⟦A:số 24 ngõ 80 Chùa Láng, phường Láng Thượng, quận Đống Đa, Hà Nội⟧. SĐT em ⟦T:0912 384 771⟧, email ⟦E:maianh.tran99@gmail.com⟧."
""",
)
add(
    "pii",
    "th",
    "samak-kan-prakan-sangkhom",
    "prose",
    """
ช่วยเขียนข้อความถึงฝ่ายบุคคลให้สุภาพหน่อย: ดิฉัน ⟦P:สุภาพร วงศ์ใหญ่⟧ เลขประจำตัวประชาชน ⟦ID@TH:⁅id|TH|1-####-#####-##-?⁆⟧ เกิดวันที่ ⟦DOB:5 มีนาคม 2539⟧ ขอลาป่วยเนื่องจาก ⟦MC:ไข้เลือดออก⟧ แนบใบรับรองแพทย์จากโรงพยาบาลราชวิถี ที่อยู่ ⟦A:99/14 หมู่ 5 ต.บางกรวย อ.บางกรวย จ.นนทบุรี 11130⟧ โทร ⟦T:081 447 2093⟧
""",
)
add(
    "pii",
    "hi",
    "pension-jeevan-praman",
    "prose",
    """
कृपया बैंक मैनेजर के लिए एक छोटा आवेदन लिख दीजिए: मेरे पिताजी ⟦P:रामेश्वर प्रसाद शर्मा⟧ (जन्म ⟦DOB:15 अगस्त 1950⟧) का जीवन प्रमाण पत्र जमा नहीं हो पाया क्योंकि उन्हें ⟦MC:पार्किंसन⟧ है और अंगूठे का निशान नहीं आता। आधार ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧, पेंशन खाता ⟦ACC:30418872256⟧। पता: ⟦A:म.न. 214, सेक्टर 15, फरीदाबाद, हरियाणा 121007⟧। मोबाइल ⟦T:98110 47326⟧। — ⟦P:सुनीता शर्मा⟧
""",
)
add(
    "pii",
    "ms",
    "permohonan-perkeso-oku",
    "prose",
    """
Tolong semak surat ini: Saya ⟦P:Nurul Aina binti Ahmad Kamal⟧, No. KP ⟦ID@MY:⁅id|MY|880714-10-####⁆⟧, memohon kad OKU untuk anak saya ⟦P:Muhammad Irfan bin Hafiz⟧ (lahir ⟦DOB:19 Mei 2019⟧) yang disahkan ⟦MC:autisme⟧. Alamat: ⟦A:No. 12, Jalan Mawar 3, Taman Sri Muda, 40400 Shah Alam, Selangor⟧. Telefon ⟦T:012-338 4197⟧.
""",
)
add(
    "pii",
    "en",
    "eor-payroll-migration-tax-ids",
    "csv",
    """
We're moving contractors from one Employer-of-Record to another. Validate the tax-id column formats per country and flag anything odd:

employee_id,name,country,tax_id,dob,iban
E-1041,⟦P:Lukas Brandstetter⟧,AT,⟦ID@AT:⁅id|AT|###? 140390⁆⟧,⟦DOB:1990-03-14⟧,⟦IBAN:⁅iban|AT|################⁆⟧
E-1042,⟦P:Hannah Vogt⟧,DE,⟦ID@DE:⁅id|DE|##########?⁆⟧,⟦DOB:1988-10-02⟧,⟦IBAN:⁅iban|DE|##################⁆⟧
E-1043,⟦P:Ivana Horvat⟧,HR,⟦ID@HR:⁅id|HR|##########?⁆⟧,⟦DOB:1993-06-25⟧,⟦IBAN:⁅iban|HR|#################⁆⟧
E-1044,⟦P:Martin Kováč⟧,SK,⟦ID@SK:⁅id|SK|870421/###?⁆⟧,⟦DOB:1987-04-21⟧,
E-1045,⟦P:Rūta Petrauskienė⟧,LT,⟦ID@LT:⁅id|LT|4910118###?⁆⟧,⟦DOB:1991-01-18⟧,⟦IBAN:⁅iban|LT|################⁆⟧
E-1046,⟦P:Kiril Georgiev⟧,BG,⟦ID@BG:⁅id|BG|8507123#2?⁆⟧,⟦DOB:1985-07-12⟧,
E-1047,⟦P:Camila Fuentes Rojas⟧,CL,⟦ID@CL:⁅id|CL|##.###.###-?⁆⟧,⟦DOB:1995-12-01⟧,
E-1048,⟦P:Tomás Iglesias⟧,AR,⟦ID@AR:⁅id|AR|20-########-?⁆⟧,⟦DOB:1992-08-30⟧,
E-1049,⟦P:Maarja Tamm⟧,EE,⟦ID@EE:⁅id|EE|4940305###?⁆⟧,⟦DOB:1994-03-05⟧,⟦IBAN:⁅iban|EE|################⁆⟧
E-1050,⟦P:Jure Novak⟧,SI,⟦ID@SI:⁅id|SI|0909989500##?⁆⟧,⟦DOB:1989-09-09⟧,
""",
)

# ---------------------------------------------------------------------------
# cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "jekyll-plugin-anthropic-summaries",
    "code",
    """
My Jekyll plugin should generate post summaries at build time but Netlify says 401. Is the header right?

```ruby
# _plugins/summarize.rb
require "net/http"
require "json"

module Jekyll
  class Summarizer < Generator
    API_KEY = "⟦K:sk-ant-api03-⁅r|B|93⁆AA⟧"

    def generate(site)
      site.posts.docs.each do |post|
        uri = URI("https://api.anthropic.com/v1/messages")
        req = Net::HTTP::Post.new(uri, "content-type" => "application/json",
                                       "x-api-key" => API_KEY,
                                       "anthropic-version" => "2023-06-01")
        req.body = { model: "claude-sonnet-4-5", max_tokens: 200,
                     messages: [{ role: "user", content: "Summarise: #{post.content[0, 4000]}" }] }.to_json
        res = Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |h| h.request(req) }
        post.data["summary"] = JSON.parse(res.body).dig("content", 0, "text")
      end
    end
  end
end
```
""",
)
add(
    "cred",
    "en",
    "go-stripe-restricted-webhook",
    "code",
    """
Review this Go handler — the webhook signature check always fails in prod:

```go
package billing

import (
	"io"
	"net/http"

	"github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/webhook"
)

func init() {
	stripe.Key = "⟦K:rk_live_51⁅r|A|96⁆⟧"
}

const endpointSecret = "⟦S:whsec_⁅r|A|32⁆⟧"

func HandleWebhook(w http.ResponseWriter, r *http.Request) {
	payload, _ := io.ReadAll(r.Body)
	ev, err := webhook.ConstructEvent(payload, r.Header.Get("Stripe-Signature"), endpointSecret)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	_ = ev
	w.WriteHeader(http.StatusOK)
}
```
""",
)
add(
    "cred",
    "en",
    "git-remote-fine-grained-pat",
    "command",
    """
Pushing from the build box stopped working after I rotated tokens. What did I do wrong?

$ git remote -v
origin  https://⟦U:ci-builder-ops⟧:⟦K:github_pat_11⁅r|U|22|@a⁆_⁅r|A|59|@b⁆⟧@github.com/northwind-labs/inventory.git (fetch)
origin  https://⟦U:ci-builder-ops⟧:⟦K:github_pat_11⁅@a⁆_⁅@b⁆⟧@github.com/northwind-labs/inventory.git (push)
$ git push origin main
remote: Permission to northwind-labs/inventory.git denied to ⟦U:ci-builder-ops⟧.
fatal: unable to access 'https://github.com/northwind-labs/inventory.git/': The requested URL returned error: 403
""",
)
add(
    "cred",
    "en",
    "ktor-slack-slash-command",
    "code",
    """
Why does Slack say "dispatch_failed" for my /standup command? Ktor app:

```kotlin
object SlackConfig {
    const val BOT_TOKEN = "⟦K:xoxb-⁅r|D|12⁆-⁅r|D|13⁆-⁅r|A|24⁆⟧"
    const val SIGNING_SECRET = "⟦S:⁅r|H|32⁆⟧"
    const val APP_ID = "A07QK3M2T9L"
}

fun Application.slackRoutes() = routing {
    post("/slack/standup") {
        val ts = call.request.header("X-Slack-Request-Timestamp") ?: return@post call.respond(HttpStatusCode.BadRequest)
        val body = call.receiveText()
        if (!verify(SlackConfig.SIGNING_SECRET, ts, body, call.request.header("X-Slack-Signature"))) {
            return@post call.respond(HttpStatusCode.Unauthorized)
        }
        call.respondText("Standup started", ContentType.Text.Plain)
    }
}
```
""",
)
add(
    "cred",
    "en",
    "terraform-s3-backend-inline-keys",
    "code",
    """
terraform init hangs on "Initializing the backend". Config below, is the region wrong?

```hcl
terraform {
  backend "s3" {
    bucket     = "acme-tfstate-eu"
    key        = "network/prod.tfstate"
    region     = "eu-central-1"
    access_key = "⟦K:AKIA⁅r|U|16⁆⟧"
    secret_key = "⟦K:⁅r|S|40⁆⟧"
    dynamodb_table = "tf-locks"
  }
}
```
Account 418273650912 is ours, that's fine to share.
""",
)
add(
    "cred",
    "en",
    "az-storage-cli-history",
    "command",
    """
Found this in a colleague's ~/.bash_history — which of these commands leaked something I need to rotate?

  501  az login --use-device-code
  502  az storage container list --account-name stmediaprodweu --account-key "⟦K:⁅b64|64⁆⟧" -o table
  503  export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=stmediaprodweu;AccountKey=⟦K:⁅b64|64⁆⟧;EndpointSuffix=core.windows.net"
  504  az storage blob upload-batch -d '$web' -s ./dist
  505  history | grep storage
""",
)
add(
    "cred",
    "en",
    "swiftui-perplexity-client",
    "code",
    """
Swift question: is it OK to keep this in the app bundle for a TestFlight build?

```swift
enum Secrets {
    static let perplexityKey = "⟦K:pplx-⁅r|A|48⁆⟧"
    static let revenueCatPublic = "appl_QzXrTbLmNpKdWfYhVs"
}

func ask(_ q: String) async throws -> String {
    var req = URLRequest(url: URL(string: "https://api.perplexity.ai/chat/completions")!)
    req.httpMethod = "POST"
    req.setValue("Bearer \\(Secrets.perplexityKey)", forHTTPHeaderField: "Authorization")
    req.httpBody = try JSONEncoder().encode(["model": "sonar", "query": q])
    let (data, _) = try await URLSession.shared.data(for: req)
    return String(decoding: data, as: UTF8.self)
}
```
(The RevenueCat one is the public SDK key.)
""",
)
add(
    "cred",
    "en",
    "okta-users-api-raw-request",
    "http",
    """
This Okta call returns E0000011 "Invalid token provided". Raw request from Insomnia's timeline:

GET /api/v1/users?filter=status%20eq%20%22LOCKED_OUT%22&limit=50 HTTP/1.1
Host: dev-48213377.okta.com
Accept: application/json
Authorization: SSWS ⟦K:00⁅r|B|40⁆⟧
User-Agent: insomnia/10.1.0
""",
)
add(
    "cred",
    "en",
    "k8s-secret-stringdata-redis",
    "yaml",
    """
kubectl apply says the Secret is invalid. What's wrong with the indentation?

```yaml
apiVersion: v1
kind: Secret
metadata:
  name: queue-worker
  namespace: jobs
type: Opaque
stringData:
  REDIS_URL: "rediss://default:⟦S:⁅r|A|32⁆⟧@redis-prod.internal:6380/0"
  SENDGRID_API_KEY: "⟦K:SG.⁅r|B|22⁆.⁅r|B|43⁆⟧"
   WORKER_CONCURRENCY: "8"
```
""",
)
add(
    "cred",
    "en",
    "spring-application-properties",
    "ini",
    """
Spring Boot fails with "Access denied for user 'ledger_app'". application-prod.properties:

spring.datasource.url=jdbc:mysql://db-ledger.prod.local:3306/ledger?useSSL=true
spring.datasource.username=ledger_app
spring.datasource.password=⟦S:Vq8!mTz2#Rk4pLw9⟧
spring.mail.host=smtp.office365.com
spring.mail.username=billing@harbourfreight-logistics.com
spring.mail.password=⟦S:Lighthouse-Ferry-2026!⟧
management.endpoints.web.exposure.include=health,info
""",
)
add(
    "cred",
    "en",
    "confluent-kafka-jaas",
    "ini",
    """
The consumer can't authenticate to Confluent Cloud, SASL_SSL handshake fails. client.properties:

bootstrap.servers=pkc-4r087.europe-west3.gcp.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanisms=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="QWJK7T2LMNX4PZ6R" password="⟦S:⁅r|S|64⁆⟧";
schema.registry.basic.auth.user.info=SR7KDX2Q4PWLM9TA:⟦S:⁅r|S|64⁆⟧
session.timeout.ms=45000

(the usernames are Confluent API key ids)
""",
)
add(
    "cred",
    "en",
    "authenticator-migration-totp",
    "prose",
    """
I'm moving my 2FA from an old phone. The export gave me these — can you explain how to add them manually in Aegis?

otpauth://totp/Fastmail:⟦E:priya.n@fastmail.com⟧?secret=⟦S:⁅r|A2|32⁆⟧&issuer=Fastmail
otpauth://totp/Namecheap:⟦U:pnair_dev⟧?secret=⟦S:⁅r|A2|16⁆⟧&issuer=Namecheap&digits=6

Namecheap backup codes: ⟦S:⁅r|D|6⁆⟧ ⟦S:⁅r|D|6⁆⟧ ⟦S:⁅r|D|6⁆⟧ ⟦S:⁅r|D|6⁆⟧
""",
)
add(
    "cred",
    "en",
    "jenkins-basic-auth-curl",
    "command",
    """
Trying to trigger a parameterised Jenkins job, get 403 "No valid crumb". Command:

curl -X POST "https://jenkins.buildfarm.example/job/release/buildWithParameters?VERSION=4.2.1" \\
  -H "Authorization: Basic ⟦K:⁅b64|36⁆⟧" \\
  -H "Content-Type: application/x-www-form-urlencoded"

The Basic value is my username plus API token, base64'd.
""",
)
add(
    "cred",
    "en",
    "rails-session-cookie-support",
    "http",
    """
Support asked me to send the request that breaks the admin dashboard, here it is from DevTools:

GET /admin/reports/monthly?month=2026-11 HTTP/2
Host: app.tallyhq.example
Cookie: _tallyhq_session=⟦S:⁅b64|96⁆⟧; remember_user_token=⟦S:⁅jwt|HS256|{"user_id":4182,"exp":1798761600}⁆⟧; _ga=GA1.1.887122034.1764590011
Accept: text/html
""",
)
add(
    "cred",
    "en",
    "rust-cohere-embeddings",
    "code",
    """
```rust
const COHERE_KEY: &str = "⟦K:⁅r|A|40⁆⟧";

async fn embed(texts: &[String]) -> anyhow::Result<Vec<Vec<f32>>> {
    let resp = reqwest::Client::new()
        .post("https://api.cohere.com/v2/embed")
        .bearer_auth(COHERE_KEY)
        .json(&serde_json::json!({"model": "embed-v4.0", "texts": texts, "input_type": "search_document"}))
        .send()
        .await?;
    Ok(resp.json::<EmbedResp>().await?.embeddings.float)
}
```
Why does the deserialisation fail with "missing field `float`"?
""",
)
add(
    "cred",
    "en",
    "php-postmark-receipt",
    "code",
    """
<?php
// send_receipt.php — runs after checkout
$client = new \\Postmark\\PostmarkClient('⟦K:⁅uuid⁆⟧');
$client->sendEmailWithTemplate(
    'receipts@wildflowerbakery.example',
    $order['email'],
    38112345,
    ['order_id' => $order['id'], 'total' => $order['total']]
);

Postmark throws "The 'From' address you supplied is not a Sender Signature". How do I fix this?
""",
)
add(
    "cred",
    "en",
    "gh-actions-doctl-deploy",
    "yaml",
    """
The deploy job can't find doctl auth. Workflow:

```yaml
name: deploy
on: { push: { branches: [main] } }
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: digitalocean/action-doctl@v2
        with:
          token: ⟦K:dop_v1_⁅r|H|64⁆⟧
      - run: doctl apps create-deployment 6c1f2d4e-0b7a-4f3e-9a51-22c8e0d7b913
```
""",
)
add(
    "cred",
    "en",
    "supabase-edge-env",
    "env",
    """
Which of these can go in the frontend bundle and which must stay server-side?

NEXT_PUBLIC_SUPABASE_URL=https://qzvtrkplmwhxncdbyafe.supabase.co
NEXT_PUBLIC_SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJvbGUiOiJhbm9uIn0.public-anon-placeholder
SUPABASE_SERVICE_ROLE_KEY=⟦K:⁅jwt|HS256|{"iss":"supabase","ref":"qzvtrkplmwhxncdbyafe","role":"service_role","iat":1760000000,"exp":2075576000}⁆⟧
DATABASE_URL=postgresql://postgres.qzvtrkplmwhxncdbyafe:⟦S:⁅r|A|24⁆⟧@aws-0-eu-west-2.pooler.supabase.com:6543/postgres
""",
)
add(
    "cred",
    "en",
    "ansible-deploy-key-vars",
    "yaml",
    """
Ansible complains "Load key: invalid format" when it writes this to ~/.ssh/id_ed25519. group_vars/web.yml:

deploy_user: deployer
deploy_repo: git@git.internal.example:platform/site.git
deploy_private_key: |
  ⟦PK:⁅ed|openssh|deployer@ci|ind2⁆⟧
deploy_known_hosts: "git.internal.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ4xQ9mRt7vZ0kLp2wHcN8sY3fUaBeG6dXo1qTn5Kz7L"
""",
)
add(
    "cred",
    "en",
    "telegram-bot-backup-script",
    "command",
    """
#!/bin/sh
# nightly-backup.sh — pings me on Telegram when the NAS backup finishes
TOKEN="⟦K:7⁅r|D|9⁆:AA⁅r|B|33⁆⟧"
CHAT_ID="-1002213374455"
restic -r /mnt/usb/restic backup /volume1/photos && \\
  curl -s "https://api.telegram.org/bot$TOKEN/sendMessage" -d chat_id="$CHAT_ID" -d text="Backup OK $(date)"

It sends nothing when run from cron but works by hand. Why?
""",
)
add(
    "cred",
    "en",
    "ng-paystack-transfer-recipient",
    "code",
    """
Nigerian payout service in Node — Paystack returns "Invalid key". Can you spot it?

```js
const PAYSTACK_SECRET = "⟦K:sk_live_⁅r|H|40⁆⟧";
const PAYSTACK_PUBLIC = "pk_live_0f7e1c9b2a4d6e8f1a3c5b7d9e0f2a4c6b8d0e1f"; // frontend only

async function createRecipient(acct, bankCode, name) {
  const r = await fetch("https://api.paystack.co/transferrecipient", {
    method: "POST",
    headers: { Authorization: `Bearer ${PAYSTACK_PUBLIC}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "nuban", name, account_number: acct, bank_code: bankCode, currency: "NGN" }),
  });
  return r.json();
}
```
""",
)
add(
    "cred",
    "en",
    "ke-mpesa-daraja-stk-push",
    "env",
    """
STK push returns "Invalid Access Token" on the live Daraja app. My .env:

MPESA_ENV=production
MPESA_CONSUMER_KEY=GtK8wPz3QmR7vXa2LnB5cY9dF4hJ6sU1eT0oI3pA8kZxNqWm
MPESA_CONSUMER_SECRET=⟦S:⁅r|A|64⁆⟧
MPESA_SHORTCODE=4182337
MPESA_PASSKEY=⟦S:⁅r|H|64⁆⟧
MPESA_CALLBACK_URL=https://pay.duka-yetu.co.ke/api/mpesa/callback
""",
)
add(
    "cred",
    "en",
    "ph-paymongo-laravel-test",
    "code",
    """
Hi! Our PayMongo checkout works in test but prod gives 401. The config:

```php
// config/services.php
'paymongo' => [
    'public_key' => 'pk_live_Xq4Nc8RtYv2LmPa7JsKd3FgH',
    'secret_key' => '⟦K:sk_live_⁅r|A|24⁆⟧',
    'webhook_sig' => '⟦S:whsk_⁅r|A|32⁆⟧',
],
```
We're a small online sari-sari store in Cebu btw.
""",
)
add(
    "cred",
    "en",
    "in-razorpay-payout-python",
    "code",
    """
```python
import razorpay

client = razorpay.Client(auth=("rzp_live_R8kTq2LmXp4NvZ", "⟦K:⁅r|A|24⁆⟧"))
client.set_app_details({"title": "ChaiKart", "version": "2.3"})
order = client.order.create({"amount": 49900, "currency": "INR", "receipt": "rcpt_11827"})
```
Getting BadRequestError "The api key provided is invalid" — the key id is right, I copied it from the dashboard. Could the secret be from the test mode?
""",
)
add(
    "cred",
    "en",
    "apple-app-store-connect-jwt",
    "code",
    """
Node script to pull sales reports from App Store Connect. The JWT is rejected with 401 NOT_AUTHORIZED:

```js
import jwt from "jsonwebtoken";

const KEY_ID = "7QX2M4P9LK";
const ISSUER_ID = "69a6de87-3c4e-47e3-e053-5b8c7c11a4d1";
const PRIVATE_KEY = `⟦PK:⁅ec|pkcs8⁆⟧`;

const token = jwt.sign({ iss: ISSUER_ID, exp: Math.floor(Date.now() / 1000) + 1200, aud: "appstoreconnect-v1" },
  PRIVATE_KEY, { algorithm: "ES256", header: { kid: KEY_ID, typ: "JWT" } });
```
""",
)

# ---------------------------------------------------------------------------
# cred — other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "es",
    "redsys-tpv-php",
    "code",
    """
El TPV virtual de Redsys me devuelve SIS0042 (firma errónea). ¿Qué falla?

```php
$miObj = new RedsysAPI;
$fuc = "999008881";          // código de comercio
$terminal = "001";
$claveSHA256 = '⟦S:⁅b64|24⁆⟧';
$miObj->setParameter("DS_MERCHANT_AMOUNT", "1450");
$miObj->setParameter("DS_MERCHANT_ORDER", "2611A0042");
$firma = $miObj->createMerchantSignature($claveSHA256);
```
""",
)
add(
    "cred",
    "es",
    "wifi-y-router-whatsapp",
    "prose",
    """
Corrige la ortografía de este mensaje que le voy a mandar a mi suegra: "Hola ⟦P:Mercedes⟧, la contraseña del wifi nuevo es ⟦S:Girasol_Azul_1984⟧ y si hay que reiniciar el router, el usuario es admin y la clave ⟦S:Tp9#kL2vQ⟧. El PIN de la alarma es ⟦S:4719⟧, no se lo des a nadie. Besos"
""",
)
add(
    "cred",
    "de",
    "sipgate-sms-python",
    "code",
    """
Warum bekomme ich bei sipgate.io immer 401? Das Skript soll Terminerinnerungen per SMS schicken.

```python
import os
import requests

TOKEN_ID = "token-Q7M2KX"
TOKEN = "⟦K:⁅uuid⁆⟧"

r = requests.post(
    "https://api.sipgate.com/v2/sessions/sms",
    auth=(TOKEN_ID, TOKEN),
    json={"smsId": "s0", "recipient": os.environ["SMS_TO"], "message": "Erinnerung: Termin morgen 9 Uhr"},
)
print(r.status_code, r.text)
```
""",
)
add(
    "cred",
    "de",
    "nas-freigabe-passwort-chat",
    "prose",
    """
Kannst du mir erklären, wie ich das in Windows als Netzlaufwerk einbinde? Mein Bruder hat geschrieben: „Die Freigabe ist \\\\diskstation\\fotos, Benutzer ⟦U:mama_fotos⟧, Passwort ⟦S:Sommer+Ostsee2019⟧. Wenn das nicht geht, nimm meinen Admin-Zugang, Passwort ist ⟦S:dS!8xQm4Rt⟧.“
""",
)
add(
    "cred",
    "fr",
    "ovh-api-conf",
    "ini",
    """
Le script Python qui met à jour mon enregistrement DNS chez OVH renvoie « This credential is not valid ». Voici ovh.conf :

[default]
endpoint=ovh-eu

[ovh-eu]
application_key=Xw3q9TkLm2Pz7RvB
application_secret=⟦S:⁅r|A|32⁆⟧
consumer_key=⟦S:⁅r|A|32⁆⟧

(l'application_key seule n'est pas secrète, c'est l'identifiant de l'appli)
""",
)
add(
    "cred",
    "fr",
    "compte-ameli-mot-de-passe",
    "prose",
    """
Réécris plus poliment : « Papa, pour ton compte ameli j'ai mis le mot de passe ⟦S:Cerisier.Brest.56⟧, ton numéro de sécu sert d'identifiant : ⟦ID@FR:⁅id|FR|1 49 08 29 0## ### ??⁆⟧. Le code reçu par SMS c'est juste pour une fois, ne le note pas. »
""",
)
add(
    "cred",
    "it",
    "satispay-business-key",
    "code",
    """
Sto integrando Satispay Business in Java; la firma HTTP viene rifiutata (401 "Invalid signature"). Il key-id è quello restituito dall'attivazione, la chiave privata è questa:

```java
static final String KEY_ID = "2ob0g48larvq4bpdtvsrotd3kbk1qi0kqadgdaumlf7d5ct0cj4p1bq0v5vuqncl2tirqu7h1ur3n3pkc7d09tdq8ej82kb7fd8k3i0o6e8uf5ev4ku2sn6f6lkrqp1ekkbc2r0ut2hdvfd3mfbt4d6q7qhf1ukmd0lqj5j12s4n1r2vdmm3kjge9o";
static final String PRIVATE_KEY = \"\"\"
⟦PK:⁅rsa|2048|pkcs8⁆⟧
\"\"\";
```
""",
)
add(
    "cred",
    "pt",
    "efi-pix-node",
    "code",
    """
A cobrança Pix pela API da Efí dá "invalid_client". O certificado está certo. Será o client_secret?

```js
const options = {
  sandbox: false,
  client_id: "Client_Id_4f8a2c91d7e3b05a6f1c8e2d9b7a3f04c1e6d8b2",
  client_secret: "⟦K:Client_Secret_⁅r|H|40⁆⟧",
  certificate: "./certs/producao-512345.p12",
};
const efipay = new EfiPay(options);
```
""",
)
add(
    "cred",
    "nl",
    "buckaroo-csharp",
    "code",
    """
Buckaroo geeft "Authentication failed" in onze webshop (C#). Klopt de HMAC-opbouw?

```csharp
var websiteKey = "Kq7TvM2xPz";
var secretKey = "⟦S:⁅r|U|32⁆⟧";
var nonce = Guid.NewGuid().ToString("N");
var raw = $"{websiteKey}POST{Uri.EscapeDataString(url).ToLower()}{timestamp}{nonce}{contentHash}";
using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secretKey));
var sig = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(raw)));
```
""",
)
add(
    "cred",
    "pl",
    "payu-yaml-config",
    "yaml",
    """
PayU zwraca 401 przy pobieraniu tokenu OAuth. Konfiguracja (Symfony, config/packages/payu.yaml):

payu:
  environment: secure
  pos_id: 4182773
  client_id: 4182773
  client_secret: ⟦S:⁅r|H|32⁆⟧
  second_key: ⟦S:⁅r|H|32⁆⟧
  notify_url: https://sklep-rowerowy.pl/payu/notify
""",
)
add(
    "cred",
    "sv",
    "nets-easy-checkout",
    "code",
    """
Vi byter till Nexi/Nets Easy i vår webbutik. Varför får vi 401 på /v1/payments?

```csharp
builder.Services.AddHttpClient("easy", c =>
{
    c.BaseAddress = new Uri("https://api.dibspayment.eu");
    c.DefaultRequestHeaders.Add("Authorization", "⟦K:live-secret-key-⁅r|H|32⁆⟧");
});
// checkout key (publik): live-checkout-key-7a1c3e5f9b2d4f6a8c0e1b3d5f7a9c2e
```
""",
)
add(
    "cred",
    "fi",
    "paytrail-php-hmac",
    "code",
    """
Paytrailin maksun luonti palauttaa "Signature mismatch". Mikä on vialla?

```php
$merchantId = 375917;
$secret = '⟦S:⁅r|A|30⁆⟧';
$headers = [
    'checkout-account' => $merchantId,
    'checkout-algorithm' => 'sha256',
    'checkout-method' => 'POST',
    'checkout-nonce' => bin2hex(random_bytes(8)),
    'checkout-timestamp' => gmdate('Y-m-d\\TH:i:s.v\\Z'),
];
$hmac = hash_hmac('sha256', buildPayload($headers, $body), $secret);
```
""",
)
add(
    "cred",
    "da",
    "economic-rest-headers",
    "http",
    """
Hvorfor svarer e-conomic med 401? Rå forespørgsel fra Postman-konsollen:

GET /customers?pagesize=100 HTTP/1.1
Host: restapi.e-conomic.com
X-AppSecretToken: ⟦S:⁅r|A|44⁆⟧
X-AgreementGrantToken: ⟦S:⁅r|A|44⁆⟧
Content-Type: application/json
""",
)
add(
    "cred",
    "no",
    "fiken-curl",
    "command",
    """
Jeg prøver å hente fakturaer fra Fiken, men får 403. Kommandoen:

curl -s -H "Authorization: Bearer ⟦K:⁅r|A|20⁆.⁅r|A|40⁆⟧" \\
  "https://api.fiken.no/api/v2/companies/fjordkaffe-as/invoices?issueDateGe=2026-01-01"

Er det fordi tokenet er laget under en annen bruker?
""",
)
add(
    "cred",
    "cs",
    "fio-api-token-python",
    "code",
    """
Proč mi Fio API vrací 409? Stahuji výpisy každou hodinu:

```python
FIO_TOKEN = "⟦K:⁅r|A|64⁆⟧"
url = f"https://fioapi.fio.cz/v1/rest/periods/{FIO_TOKEN}/2026-11-01/2026-11-30/transactions.json"
data = requests.get(url, timeout=30).json()
```
""",
)
add(
    "cred",
    "ro",
    "emag-marketplace-basic",
    "http",
    """
Integrarea cu eMAG Marketplace dă "Invalid vendor ip [...]" deși IP-ul e în whitelist. Request:

POST /api-3/order/read HTTP/1.1
Host: marketplace-api.emag.ro
Authorization: Basic ⟦K:⁅b64|30⁆⟧
Content-Type: application/json

{"status": 1, "itemsPerPage": 50}

Basic e user-ul de API + parola, codate base64.
""",
)
add(
    "cred",
    "hu",
    "billingo-js",
    "code",
    """
A Billingo v3 számlakészítés 401-et ad. Mit rontok el?

```js
const res = await fetch("https://api.billingo.hu/v3/documents", {
  method: "POST",
  headers: { "X-API-KEY": "⟦K:⁅uuid⁆⟧", "Content-Type": "application/json" },
  body: JSON.stringify({ partner_id: 18872341, block_id: 0, type: "invoice", payment_method: "wire_transfer" }),
});
```
""",
)
add(
    "cred",
    "el",
    "mydata-aade-headers",
    "http",
    """
Το myDATA μου γυρίζει 401 στο SendInvoices. Είναι σωστά τα headers;

POST /myDATA/SendInvoices HTTP/1.1
Host: mydatapi.aade.gr
aade-user-id: ⟦U:kafeneio_lesvou⟧
ocp-apim-subscription-key: ⟦K:⁅r|H|32⁆⟧
Content-Type: application/xml
""",
)
add(
    "cred",
    "tr",
    "trendyol-seller-api",
    "code",
    """
Trendyol satıcı API'si 401 dönüyor. Kod şu:

```python
SUPPLIER_ID = 728114
API_KEY = "⟦K:Gv2mQ7XzRk4Tp9Ls⟧"
API_SECRET = "⟦S:⁅r|A|20⁆⟧"
auth = base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode()
headers = {"Authorization": f"Basic {auth}", "User-Agent": f"{SUPPLIER_ID} - SelfIntegration"}
```
İkisini de loglara yazmamam gerekiyor mu?
""",
)
add(
    "cred",
    "ru",
    "vk-bot-token-python",
    "code",
    """
Бот сообщества ВКонтакте не отвечает на сообщения. Что не так?

```python
import vk_api
from vk_api.bot_longpoll import VkBotLongPoll

vk = vk_api.VkApi(token="⟦K:vk1.a.⁅r|B|180⁆⟧")
longpoll = VkBotLongPoll(vk, group_id=228114773)
for event in longpoll.listen():
    print(event.type)
```
И ещё: пароль от админского аккаунта группы ⟦S:Zvezda_Kazan_2021⟧ — его тоже надо куда-то прописать?
""",
)
add(
    "cred",
    "uk",
    "monobank-personal-token",
    "command",
    """
Хочу вивантажувати виписку з монобанку в Google Таблиці. Ось що я запускаю:

curl -H "X-Token: ⟦K:u⁅r|B|43⁆⟧" https://api.monobank.ua/personal/statement/0/1764547200/1767225599

Відповідь: {"errorDescription":"Too many requests"}. Як часто можна смикати цей ендпойнт?
""",
)
add(
    "cred",
    "ja",
    "chatwork-freee-env",
    "env",
    """
経費精算の通知ボットが動きません。.env を見てもらえますか？

CHATWORK_API_TOKEN=⟦K:⁅r|H|32⁆⟧
CHATWORK_ROOM_ID=318847221
FREEE_CLIENT_ID=6112883740217745
FREEE_CLIENT_SECRET=⟦S:⁅r|B|43⁆⟧
FREEE_COMPANY_ID=2114830
""",
)
add(
    "cred",
    "ko",
    "toss-payments-spring",
    "code",
    """
토스페이먼츠 결제 승인 API에서 UNAUTHORIZED_KEY 에러가 나요. 코드 좀 봐주세요.

```java
@Value("${toss.secret-key:⟦K:live_sk_⁅r|A|24⁆⟧}")
private String secretKey;

public HttpHeaders headers() {
    String basic = Base64.getEncoder().encodeToString((secretKey + ":").getBytes(StandardCharsets.UTF_8));
    HttpHeaders h = new HttpHeaders();
    h.set("Authorization", "Basic " + basic);
    return h;
}
// 클라이언트 키(프론트용): live_ck_Zx9LmQ2pRv7TnK4wB8cJ
```
""",
)
add(
    "cred",
    "zh",
    "tencent-cloud-go-sdk",
    "code",
    """
腾讯云 SMS 发送一直报 AuthFailure.SignatureFailure，帮我看看：

```go
credential := common.NewCredential(
    "AKID⁅r|A|32⁆",
    "⟦K:⁅r|A|32⁆⟧",
)
cpf := profile.NewClientProfile()
client, _ := sms.NewClient(credential, "ap-guangzhou", cpf)
```
SecretId 是对的（公开的那半），SecretKey 是刚重置的。
""",
)
add(
    "cred",
    "ar",
    "tabby-checkout-laravel",
    "env",
    """
لماذا ترجع واجهة Tabby الخطأ 401 في بيئة الإنتاج؟ هذا ملف .env:

TABBY_PUBLIC_KEY=pk_9c2a7f14-3b8e-4d61-a0f5-7e2c9b1d4f83
TABBY_SECRET_KEY=⟦K:sk_⁅uuid⁆⟧
TABBY_MERCHANT_CODE=riyadh_books_sa
""",
)
add(
    "cred",
    "he",
    "cardcom-terminal-chat",
    "prose",
    """
תעזור לי לנסח הודעה למנהלת החשבונות: "היי ⟦P:אורית⟧, פרטי הכניסה למסוף קארדקום: מספר מסוף 1000, שם משתמש ⟦U:galil_coffee⟧, סיסמה ⟦S:Kineret#2024!⟧. סיסמת ה-API היא ⟦S:⁅r|A|20⁆⟧. תמחקי אחרי שאת מעדכנת."
""",
)
add(
    "cred",
    "id",
    "duitku-php-signature",
    "code",
    """
Signature Duitku selalu ditolak ("Wrong signature"). Ini kodenya:

```php
$merchantCode = 'D18742';
$merchantKey  = '⟦S:⁅r|H|32⁆⟧';
$signature = md5($merchantCode . $merchantOrderId . $paymentAmount . $merchantKey);
```
""",
)
add(
    "cred",
    "vi",
    "vnpay-csharp-hash",
    "code",
    """
Thanh toán VNPay báo "Sai chữ ký" (mã 97). Mình cấu hình như này:

```csharp
string vnp_TmnCode = "HNBOOK01";
string vnp_HashSecret = "⟦S:⁅r|U|32⁆⟧";
string vnp_Url = "https://pay.vnpay.vn/vpcpay.html";
```
Mã TmnCode là mã website công khai, còn HashSecret thì bí mật đúng không?
""",
)
add(
    "cred",
    "th",
    "omise-ruby-charge",
    "code",
    """
ช่วยดูโค้ด Ruby นี้หน่อย ทำไมตัดบัตรไม่ผ่าน (authentication_failure)

```ruby
Omise.public_api_key = "pkey_5x8kq2mz7tnv4rp1wj6"
Omise.secret_api_key = "⟦K:skey_5⁅r|L|19⁆⟧"
charge = Omise::Charge.create(amount: 150_00, currency: "thb", card: params[:omise_token])
```
""",
)
add(
    "cred",
    "hi",
    "netbanking-bhai-ko-message",
    "prose",
    """
इस मैसेज को थोड़ा ठीक कर दो, भाई को भेजना है: "भैया, SBI नेट बैंकिंग का यूज़र आईडी ⟦U:rkverma1972⟧ है और पासवर्ड ⟦S:Ganga@1972#⟧ है। प्रोफ़ाइल पासवर्ड अलग है: ⟦S:Kashi!Vishwanath9⟧। बिजली का बिल भर देना, OTP मम्मी के फ़ोन पर आएगा।"
""",
)
add(
    "cred",
    "ms",
    "billplz-node-config",
    "code",
    """
Kenapa callback Billplz gagal disahkan? Konfigurasi Node saya:

```js
module.exports = {
  billplz: {
    apiKey: "⟦K:⁅uuid⁆⟧",
    xSignatureKey: "⟦S:S-⁅r|B|22⁆-⁅r|B|22⁆⟧",
    collectionId: "inbmmepb",
    sandbox: false,
  },
};
```
""",
)
add(
    "cred",
    "en",
    "mikrotik-wireguard-export",
    "command",
    """
I exported my MikroTik config to ask for help; the office peer never gets a handshake. Relevant part of `/export`:

/interface wireguard
add listen-port=13231 mtu=1420 name=wg-office private-key="⟦PK:⁅wg⁆⟧"
/interface wireguard peers
add allowed-address=10.88.0.2/32 endpoint-address=vpn.branch-office.example endpoint-port=13231 interface=wg-office public-key="hV3k9QmT2xLp7RwZs4YbN8cJf1gDe6uA0oKi5tXqW2E="
/ip address
add address=10.88.0.1/24 interface=wg-office network=10.88.0.0
""",
)
add(
    "cred",
    "en",
    "pk-fbr-iris-login-note",
    "prose",
    """
Please turn this into a short reminder note for my dad about filing his return on FBR IRIS: username is his CNIC ⟦ID@PK:⁅id|PK|35202-#######-#⁆⟧, password ⟦S:Lahore#Ravi1961⟧, PIN for e-payment ⟦S:2841⟧. Deadline is 30 September; don't let him click links in SMS.
""",
)
add(
    "cred",
    "en",
    "za-yoco-webhook-secret",
    "env",
    """
Our Yoco online payments stopped verifying webhooks after we moved hosts. Relevant env:

YOCO_SECRET_KEY=⟦K:sk_live_⁅r|H|32⁆⟧
YOCO_PUBLIC_KEY=pk_live_c41e9f2ab07d5e38
YOCO_WEBHOOK_SECRET=⟦S:whsec_⁅b64|24⁆⟧
SITE_URL=https://kapstadt-coffee.co.za
""",
)

# ---------------------------------------------------------------------------
# benign — nothing private
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "lovelace-note-g",
    "prose",
    """
Write a 150-word museum label about Ada Lovelace's Note G. Mention that Augusta Ada King, Countess of Lovelace (born 10 December 1815, died 27 November 1852), was Lord Byron's daughter, that she translated Luigi Menabrea's paper on Charles Babbage's Analytical Engine in 1843, and that Note G describes computing Bernoulli numbers.
""",
)
add(
    "benign",
    "en",
    "stripe-docs-placeholder-keys",
    "code",
    """
Explain the difference between these two in the Stripe quickstart, and why the docs tell you never to commit the second kind:

```python
import stripe
stripe.api_key = "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx"  # replace with <YOUR_SECRET_KEY>
publishable = "pk_test_xxxxxxxxxxxxxxxxxxxxxxxx"
```
""",
)
add(
    "benign",
    "en",
    "rfc5737-firewall-example",
    "command",
    """
For a training slide, explain what each of these rules does (the addresses are the RFC 5737 / RFC 3849 documentation ranges):

iptables -A INPUT -s 192.0.2.0/24 -p tcp --dport 22 -j ACCEPT
iptables -A INPUT -s 198.51.100.7 -j DROP
iptables -A INPUT -s 203.0.113.0/24 -p tcp --dport 443 -j ACCEPT
ip6tables -A INPUT -s 2001:db8::/32 -j REJECT
""",
)
add(
    "benign",
    "en",
    "login-form-schema-review",
    "sql",
    """
Review this schema for a login service. Should password_hash be VARCHAR(60) for bcrypt, and should email be CITEXT?

CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  email VARCHAR(320) NOT NULL UNIQUE,
  username VARCHAR(40) NOT NULL UNIQUE,
  password_hash VARCHAR(255) NOT NULL,
  phone_number VARCHAR(20),
  date_of_birth DATE,
  api_token_digest CHAR(64),
  created_at TIMESTAMPTZ DEFAULT now()
);
""",
)
add(
    "benign",
    "en",
    "cricket-scorecard-summary",
    "markdown-table",
    """
Write a two-paragraph match report from this (fictional club) scorecard:

| Batter | R | B | 4s | 6s |
|---|---:|---:|---:|---:|
| Opener A | 64 | 71 | 8 | 1 |
| Opener B | 12 | 20 | 2 | 0 |
| No. 3 | 101* | 88 | 11 | 4 |
| No. 4 | 7 | 9 | 1 | 0 |

Total 214/3 (40 overs). Target 215; chasing side all out 198 in 38.2 overs.
""",
)
add(
    "benign",
    "en",
    "git-sha-release-notes",
    "prose",
    """
Turn these commits into user-facing release notes for v3.14.2 (build 20261201.4):
- 9f2c1e7 fix: token refresh no longer loops when clock skew > 30s
- a41b0d3 feat: add password strength meter (zxcvbn) to signup
- 5e77c02 chore: bump openssl to 3.0.15
- d0c9e8b docs: explain EMAIL_FROM and SMTP_PASSWORD env vars
Full diff: 3f0a8e2d6c1b4a79e5d2c8f01b3a6e9d4c7f2a10...9f2c1e7
""",
)
add(
    "benign",
    "en",
    "isbn-citation-format",
    "prose",
    """
Format these as APA 7 references: "Middlemarch" by George Eliot, Penguin Classics 2003, ISBN 978-0-14-143954-9; "The Remains of the Day" by Kazuo Ishiguro, Faber & Faber 2005, ISBN 978-0-571-22541-1; and the journal Nature, ISSN 0028-0836, volume 628, issue 8006.
""",
)
add(
    "benign",
    "en",
    "uuid-in-api-docs",
    "json",
    """
Is this a sensible example response for our public API docs, or should the ids be shorter?

```json
{
  "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
  "object": "invoice",
  "customer": "cus_EXAMPLE123",
  "email": "jane.doe@example.com",
  "amount_due": 4200,
  "currency": "eur",
  "status": "open",
  "created": "2026-01-01T00:00:00Z"
}
```
""",
)
add(
    "benign",
    "en",
    "sourdough-hydration-maths",
    "prose",
    """
I want a 75% hydration loaf with 500 g flour (450 g strong white, 50 g wholemeal), 2% salt and 20% starter at 100% hydration. How much water do I add, and what's the final dough weight? Bake at 250 °C for 20 min lid on, then 230 °C for 25 min.
""",
)
add(
    "benign",
    "en",
    "tracking-number-help",
    "prose",
    """
My parcel tracking shows "Held at customs — awaiting duties" for shipment 1Z 999 AA1 01 2345 6784 and order #WB-44821-UK. What does that usually mean for a package from the US to the UK, and how long does it typically take?
""",
)
add(
    "benign",
    "en",
    "mandela-speech-analysis",
    "prose",
    """
Analyse the rhetoric in Nelson Mandela's statement from the dock at the Rivonia Trial (20 April 1964), especially "It is an ideal which I hope to live for and to achieve. But if needs be, it is an ideal for which I am prepared to die." Compare briefly with Martin Luther King Jr.'s "I Have a Dream" (28 August 1963).
""",
)
add(
    "benign",
    "en",
    "phone-regex-unit-test",
    "code",
    """
Why does this test fail on the third case?

```typescript
const PHONE = /^\\+?[1-9]\\d{7,14}$/;
describe("phone validator", () => {
  it("accepts E.164", () => expect(PHONE.test("+15555550100")).toBe(true));
  it("rejects letters", () => expect(PHONE.test("555-CALL-NOW")).toBe(false));
  it("accepts spaces", () => expect(PHONE.test("+44 20 7946 0000")).toBe(true));
});
```
""",
)
add(
    "benign",
    "en",
    "ireland-1916-timeline",
    "prose",
    """
Give me a timeline for a Leaving Cert history essay: the Easter Rising began on Easter Monday, 24 April 1916; Patrick Pearse read the Proclamation outside the GPO on O'Connell Street; James Connolly, Thomas Clarke and Seán Mac Diarmada were among the signatories; the leaders were executed at Kilmainham Gaol between 3 and 12 May 1916.
""",
)
add(
    "benign",
    "en",
    "k8s-probe-defaults",
    "yaml",
    """
What do these probe settings mean in practice? How long before a pod is restarted?

livenessProbe:
  httpGet: { path: /healthz, port: 8080 }
  initialDelaySeconds: 15
  periodSeconds: 10
  failureThreshold: 3
env:
  - name: DB_PASSWORD
    valueFrom: { secretKeyRef: { name: db-credentials, key: password } }
  - name: API_TOKEN
    valueFrom: { secretKeyRef: { name: api, key: token } }
""",
)
add(
    "benign",
    "en",
    "au-tax-calendar-dates",
    "prose",
    """
For a small-business newsletter in Australia, list the usual BAS lodgement due dates: 28 October, 28 February, 28 April and 28 July, plus the end of the financial year on 30 June. Explain the difference between quarterly and monthly BAS in plain English.
""",
)
add(
    "benign",
    "en",
    "nz-rugby-world-cup-history",
    "prose",
    """
Write a short quiz (5 questions with answers) about the All Blacks' Rugby World Cup wins in 1987, 2011 and 2015, including Richie McCaw's captaincy and Dan Carter's drop goal in the 2015 final against Australia at Twickenham.
""",
)
add(
    "benign",
    "en",
    "sample-env-template",
    "env",
    """
Is this .env.example clear enough for new contributors? Anything missing?

# copy to .env and fill in
DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/app_dev
OPENAI_API_KEY=<YOUR_OPENAI_KEY>
STRIPE_SECRET_KEY=sk_test_REPLACE_ME
JWT_SECRET=change-me-in-production
SMTP_PASSWORD=
ADMIN_EMAIL=admin@example.com
""",
)
add(
    "benign",
    "en",
    "in-constitution-article21",
    "prose",
    """
Explain Article 21 of the Constitution of India ("No person shall be deprived of his life or personal liberty except according to procedure established by law") and how the Supreme Court expanded it in Maneka Gandhi v. Union of India (1978) and in K.S. Puttaswamy v. Union of India (2017) on privacy.
""",
)
add(
    "benign",
    "en",
    "resistor-colour-code",
    "prose",
    """
What's the value of a resistor banded brown-black-orange-gold, and a 4.7 kΩ ±1% one in 5-band code? Also remind me of Ohm's law and the power dissipated at 12 V through 4.7 kΩ.
""",
)
add(
    "benign",
    "en",
    "sg-hawker-food-trail",
    "prose",
    """
Plan a one-day hawker food trail in Singapore: Maxwell Food Centre in the morning, Lau Pa Sat for lunch, Old Airport Road in the afternoon and Newton Food Centre for dinner. Include MRT stations (e.g. Maxwell TE18, Downtown DT17) and rough prices in SGD.
""",
)
add(
    "benign",
    "en",
    "ke-swahili-translation",
    "prose",
    """
Translate into Swahili for a shop sign in Mombasa: "Open Monday to Saturday, 8am to 6pm. Closed on Sundays and public holidays (Madaraka Day 1 June, Mashujaa Day 20 October, Jamhuri Day 12 December)."
""",
)
add(
    "benign",
    "en",
    "hash-comparison-explainer",
    "prose",
    """
Why do these differ? SHA-256 of the empty string is e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, MD5 of the empty string is d41d8cd98f00b204e9800998ecf8427e, and the bcrypt example from the docs is $2b$12$EXAMPLEEXAMPLEEXAMPLEeu3fKj7.zh0K5d5p9Uq8o4n1xW2. Explain salts to a junior developer.
""",
)
add(
    "benign",
    "en",
    "ng-independence-essay",
    "prose",
    """
Help my son outline a school essay on Nigeria's independence on 1 October 1960, Nnamdi Azikiwe as the first President (1963), Tafawa Balewa as Prime Minister, and the 1914 amalgamation under Lord Lugard. About 400 words.
""",
)
add(
    "benign",
    "en",
    "ph-jeepney-route-csv",
    "csv",
    """
Sort this by fare and tell me which route is longest:
route_code,origin,destination,km,fare_php
T401,Cubao,Divisoria,14.2,28
T305,Baclaran,Quiapo,10.8,23
T212,Fairview,Quezon Ave,12.5,25
T118,Alabang,Zapote,6.4,15
""",
)
add(
    "benign",
    "en",
    "laptop-model-comparison",
    "markdown-table",
    """
Which of these is better for a student who edits video? Keep it under 200 words.

| Model | CPU | RAM | Price |
|---|---|---|---|
| Dell XPS 13 9350 | Core Ultra 7 258V | 32 GB | $1,399 |
| Lenovo ThinkPad X1 Carbon Gen 12 (21KC004RUS) | Core Ultra 7 155U | 16 GB | $1,529 |
| Apple MacBook Air 15" M3 (MRYM3LL/A) | Apple M3 | 16 GB | $1,299 |
| ASUS Zenbook 14 OLED UX3405MA | Core Ultra 5 125H | 16 GB | $899 |
""",
)
add(
    "benign",
    "en",
    "literary-characters-addresses",
    "prose",
    """
For a literature quiz night, write ten questions about famous fictional homes and their residents: Sherlock Holmes and Dr John Watson at 221B Baker Street; Elizabeth Bennet at Longbourn; Mr Rochester at Thornfield Hall; Jay Gatsby in West Egg; Bilbo Baggins at Bag End, Hobbiton; Harry Potter at 4 Privet Drive, Little Whinging; Paddington at 32 Windsor Gardens.
""",
)
# benign — other languages
add(
    "benign",
    "es",
    "cervantes-quijote-fechas",
    "prose",
    """
Resume para una clase de 3.º de ESO la vida de Miguel de Cervantes (nacido en Alcalá de Henares en 1547, fallecido en Madrid el 22 de abril de 1616), la batalla de Lepanto de 1571 y la publicación de la primera parte del Quijote en 1605. Incluye una cita de Sancho Panza.
""",
)
add(
    "benign",
    "es",
    "receta-tortilla-cantidades",
    "prose",
    """
Ajusta esta receta de tortilla de patatas para 8 personas: 6 huevos, 700 g de patatas, 1 cebolla mediana, 250 ml de aceite de oliva y sal al gusto. Dame también los tiempos para una sartén de 28 cm.
""",
)
add(
    "benign",
    "de",
    "goethe-faust-zitat",
    "prose",
    """
Erkläre einem Abiturkurs das Zitat „Zwei Seelen wohnen, ach! in meiner Brust“ aus Goethes Faust I (1808). Johann Wolfgang von Goethe wurde am 28. August 1749 in Frankfurt am Main geboren und starb am 22. März 1832 in Weimar.
""",
)
add(
    "benign",
    "de",
    "bahn-verspaetung-fahrgastrechte",
    "prose",
    """
Mein ICE 597 von Berlin Hbf nach München Hbf (Abfahrt 06:29, Gleis 14) kam 74 Minuten zu spät an. Wie viel Entschädigung bekomme ich bei einem Flexpreis-Ticket für 139,90 € nach den Fahrgastrechten? Auftragsnummer steht auf dem Ticket, brauchst du die?
""",
)
add(
    "benign",
    "fr",
    "marie-curie-expose",
    "prose",
    """
Fais un plan d'exposé sur Marie Curie : née Maria Skłodowska à Varsovie le 7 novembre 1867, prix Nobel de physique en 1903 avec Pierre Curie et Henri Becquerel, prix Nobel de chimie en 1911, morte le 4 juillet 1934 à Passy. Ajoute la découverte du polonium et du radium.
""",
)
add(
    "benign",
    "fr",
    "code-civil-article-9",
    "prose",
    """
Explique simplement l'article 9 du Code civil (« Chacun a droit au respect de sa vie privée ») et la différence avec le RGPD (règlement (UE) 2016/679, entré en application le 25 mai 2018).
""",
)
add(
    "benign",
    "it",
    "formula1-monza-risultati",
    "markdown-table",
    """
Scrivi un breve commento su questi tempi (GP d'Italia, Monza):

| Giro | Tempo | Gomma |
|---|---|---|
| 1 | 1:24.811 | Media |
| 18 | 1:22.903 | Media |
| 19 | PIT 22.4 s | Dura |
| 53 | 1:21.046 | Dura |
""",
)
add(
    "benign",
    "pt",
    "saramago-ensaio-cegueira",
    "prose",
    """
Preciso de um resumo do "Ensaio sobre a Cegueira" de José Saramago (1995) para o 12.º ano. Saramago nasceu em Azinhaga em 16 de novembro de 1922 e recebeu o Prémio Nobel da Literatura em 1998. Fala da mulher do médico e do primeiro cego.
""",
)
add(
    "benign",
    "nl",
    "rembrandt-nachtwacht",
    "prose",
    """
Schrijf een korte rondleidingstekst over De Nachtwacht (1642) van Rembrandt van Rijn, met kapitein Frans Banninck Cocq en luitenant Willem van Ruytenburch, en de restauratie "Operatie Nachtwacht" die in 2019 begon in het Rijksmuseum.
""",
)
add(
    "benign",
    "pl",
    "kopernik-kalendarium",
    "prose",
    """
Ułóż kalendarium życia Mikołaja Kopernika: urodzony 19 lutego 1473 r. w Toruniu, studia w Krakowie, Bolonii i Padwie, „O obrotach sfer niebieskich” wydane w 1543 r., zmarł 24 maja 1543 r. we Fromborku.
""",
)
add(
    "benign",
    "sv",
    "nobel-fest-fakta",
    "prose",
    """
Skriv fem frågor till ett pubquiz om Alfred Nobel (född 21 oktober 1833 i Stockholm, död 10 december 1896 i Sanremo) och Nobelfesten i Stadshuset den 10 december.
""",
)
add(
    "benign",
    "fi",
    "sibelius-finlandia",
    "prose",
    """
Kirjoita lyhyt esittely konserttiohjelmaan: Jean Sibelius (8.12.1865–20.9.1957) sävelsi Finlandian vuonna 1899, ja Finlandia-hymni sai V. A. Koskenniemen sanat 1940. Mainitse myös Ainola Järvenpäässä.
""",
)
add(
    "benign",
    "da",
    "h-c-andersen-eventyr",
    "prose",
    """
Lav et kort resumé af "Den grimme ælling" til 2. klasse. H.C. Andersen blev født i Odense den 2. april 1805 og døde i København den 4. august 1875.
""",
)
add(
    "benign",
    "no",
    "nansen-fram-ekspedisjon",
    "prose",
    """
Lag en kort tekst til en skoleutstilling om Fridtjof Nansen og Fram-ekspedisjonen 1893–1896, inkludert rekorden 86°14′ nord og Nansenpasset fra 1922.
""",
)
add(
    "benign",
    "cs",
    "karel-ctvrty-most",
    "prose",
    """
Napiš krátký text pro průvodce o Karlově mostě: základní kámen položil Karel IV. 9. července 1357 v 5:31 ráno, délka 516 m, 30 soch, nejznámější je socha sv. Jana Nepomuckého z roku 1683.
""",
)
add(
    "benign",
    "ro",
    "eminescu-luceafarul",
    "prose",
    """
Fă un comentariu scurt la „Luceafărul” de Mihai Eminescu (publicat în 1883). Eminescu s-a născut la 15 ianuarie 1850 și a murit la 15 iunie 1889; ziua de 15 ianuarie este Ziua Culturii Naționale.
""",
)
add(
    "benign",
    "hu",
    "rubik-kocka-algoritmus",
    "prose",
    """
Magyarázd el kezdőknek a Rubik-kocka rétegenkénti kirakását. Rubik Ernő 1974-ben találta fel; a „R U R' U'” algoritmust írd le lépésenként.
""",
)
add(
    "benign",
    "el",
    "archimidis-arxi",
    "prose",
    """
Εξήγησε σε μαθητές Γυμνασίου την αρχή του Αρχιμήδη (287–212 π.Χ.) με ένα παράδειγμα: σώμα όγκου 0,002 m³ βυθισμένο σε νερό πυκνότητας 1000 kg/m³, g = 9,81 m/s².
""",
)
add(
    "benign",
    "tr",
    "ataturk-nutuk-ozet",
    "prose",
    """
Lise öğrencileri için Nutuk'un kısa bir özetini yazar mısın? Mustafa Kemal Atatürk Nutuk'u 15–20 Ekim 1927'de okudu; 19 Mayıs 1919'da Samsun'a çıkışı ve 29 Ekim 1923'te Cumhuriyet'in ilanını da an.
""",
)
add(
    "benign",
    "ru",
    "gagarin-vostok",
    "prose",
    """
Подготовь короткий доклад о полёте Юрия Гагарина: «Восток-1», 12 апреля 1961 года, старт в 9:07 по московскому времени, 108 минут, позывной «Кедр», фраза «Поехали!».
""",
)
add(
    "benign",
    "uk",
    "shevchenko-kobzar",
    "prose",
    """
Склади план уроку про «Кобзар» Тараса Шевченка (перше видання 1840 року). Шевченко народився 9 березня 1814 року в Моринцях, помер 10 березня 1861 року в Петербурзі.
""",
)
add(
    "benign",
    "ja",
    "soseki-kokoro",
    "prose",
    """
夏目漱石の『こころ』（1914年、朝日新聞連載）の「先生」と「K」の関係を高校生向けに800字で解説してください。漱石は1867年2月9日生まれ、1916年12月9日没です。
""",
)
add(
    "benign",
    "ko",
    "ktx-siganpyo",
    "markdown-table",
    """
서울에서 부산까지 가장 빨리 가는 열차를 알려주세요.

| 열차 | 서울 출발 | 부산 도착 |
|---|---|---|
| KTX 001 | 05:13 | 07:52 |
| KTX 003 | 05:30 | 08:20 |
| KTX-산천 005 | 06:00 | 08:35 |
""",
)
add(
    "benign",
    "zh",
    "sudongpo-shuidiaogetou",
    "prose",
    """
请为初中生讲解苏轼的《水调歌头·明月几时有》（作于1076年中秋），说明"但愿人长久，千里共婵娟"的含义。苏轼生于1037年，字子瞻，号东坡居士。
""",
)
add(
    "benign",
    "ar",
    "ibn-battuta-rihla",
    "prose",
    """
اكتب ملخصاً لطلاب المدارس عن رحلة ابن بطوطة (وُلد في طنجة عام 1304م) التي بدأت سنة 1325م وامتدت نحو 29 عاماً، وعن كتابه «تحفة النظار في غرائب الأمصار وعجائب الأسفار».
""",
)
add(
    "benign",
    "he",
    "ben-yehuda-milon",
    "prose",
    """
כתוב פסקה לתלמידי כיתה ח' על אליעזר בן-יהודה (1858–1922), שעלה לארץ ב-1881 ופעל להחייאת השפה העברית, ועל "המילון השלם של הלשון העברית הישנה והחדשה".
""",
)
add(
    "benign",
    "id",
    "sumpah-pemuda",
    "prose",
    """
Buatkan naskah pidato singkat untuk upacara Hari Sumpah Pemuda, 28 Oktober. Sebutkan Kongres Pemuda II tahun 1928 di Batavia dan lagu "Indonesia Raya" karya W.R. Supratman.
""",
)
add(
    "benign",
    "vi",
    "ho-guom-lich-su",
    "prose",
    """
Viết đoạn giới thiệu ngắn cho khách du lịch về Hồ Hoàn Kiếm và truyền thuyết vua Lê Lợi trả gươm cho Rùa Vàng, cùng với cầu Thê Húc và đền Ngọc Sơn ở Hà Nội.
""",
)
add(
    "benign",
    "th",
    "songkran-prapheni",
    "prose",
    """
ช่วยเขียนบทความสั้นๆ เรื่องประเพณีสงกรานต์ วันที่ 13–15 เมษายน ประวัติความเป็นมา การรดน้ำดำหัวผู้ใหญ่ และข้อควรระวังเรื่องความปลอดภัยบนท้องถนน
""",
)
add(
    "benign",
    "hi",
    "premchand-idgah",
    "prose",
    """
मुंशी प्रेमचंद की कहानी "ईदगाह" का सारांश कक्षा 6 के लिए लिखिए। प्रेमचंद का जन्म 31 जुलाई 1880 को लमही में हुआ था। हामिद और चिमटे वाले प्रसंग पर ज़ोर दीजिए।
""",
)
add(
    "benign",
    "ms",
    "merdeka-1957",
    "prose",
    """
Tuliskan karangan pendek tentang Hari Kebangsaan Malaysia. Tunku Abdul Rahman melaungkan "Merdeka!" sebanyak tujuh kali di Stadium Merdeka pada 31 Ogos 1957. Sertakan makna Jalur Gemilang.
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
    out = HERE / "fresh26.jsonl"
    ct.build(PROMPTS, out, seed=SPLIT_SEED, id_prefix=ID_PREFIX)
    verify(out)
