#!/usr/bin/env python3
"""Build the 'fresh24' privacy-filter evaluation corpus (twenty-fourth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧           e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:…⟧   (CC = ISO alpha-2)

Values that must look machine-made (provider tokens, generated passwords,
national ids with check digits, IBANs, cards, private keys, JWTs) are written
as generator slots ``⁅kind|arg|…⁆`` inside the markers and filled at build
time from one ``random.Random(2424)``, in the order the slots appear in this
file:

    ⁅id|CC|template[|YYYY-MM-DD]⁆  national id: literal characters, ``#`` a random
                                   digit, ``?`` a check character searched until
                                   python-stdnum accepts the number (and, with a
                                   date, until the birth date read back agrees)
    ⁅iban|CC|bban⁆                 IBAN: ``#`` digit, ``A`` letter, the rest literal;
                                   check digits from stdnum, redrawn until valid
    ⁅card|prefix|xxxx xxxx …⁆      Luhn-completed card number in the given layout
    ⁅r|alphabet|n⁆                 n random characters (see ALPHABETS)
    ⁅b64|n⁆ / ⁅b64u|n⁆             n random bytes, base64 / base64url without padding
    ⁅jwt|alg|payload-json⁆         HS256/RS256-shaped JWT with a random signature
    ⁅rsa|bits|pkcs1/pkcs8[|esc]⁆   RSA key from seeded Miller-Rabin primes
    ⁅ec|sec1/pkcs8[|esc]⁆          P-256 key from a seeded scalar
    ⁅ed|openssh/pkcs8|comment⁆     Ed25519 key from seeded bytes
    ⁅wg⁆                           WireGuard-style key (base64 of 32 seeded bytes)
    ⁅uuid⁆                         UUID4 from seeded bytes

A trailing ``esc`` writes the value with literal ``\\n`` (as inside a JSON string),
``pct`` percent-encodes it (as in a query string) and ``indN`` indents its
continuation lines by N spaces (as in a YAML block scalar). Every slot is drawn
afresh, except that a slot ending in ``|@name`` is drawn once per prompt and
repeated wherever that name appears again in the same prompt (a value written
twice). Names, e-mails, phones, addresses, dates and
hand-typed passwords are literals.

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script holds the prompts and the
generators, assigns the ids ``x-0001`` … and writes fresh24.jsonl next to this
file with split seed 2424.

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
import struct
import sys
import urllib.parse
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from stdnum import iban as stdnum_iban

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import ID_VALIDATORS, add_prompt, build

SEED = 2424
SPLIT_SEED = 2424
ID_PREFIX = "x"
HERE = Path(__file__).resolve().parent
PROMPTS = []
RNG = random.Random(SEED)

# ---------------------------------------------------------------------------
# generators (all randomness comes from RNG, in file order)
# ---------------------------------------------------------------------------
ALPHABETS = {
    "d": string.digits,
    "a": string.ascii_letters + string.digits,
    "A": string.ascii_uppercase + string.digits,
    "l": string.ascii_lowercase + string.digits,
    "L": string.ascii_lowercase,
    "U": string.ascii_uppercase,
    "h": "0123456789abcdef",
    "H": "0123456789ABCDEF",
    "b": string.ascii_letters + string.digits + "+/",
    "u": string.ascii_letters + string.digits + "_-",
    "2": string.ascii_uppercase + "234567",
    "p": string.ascii_letters + string.digits + "!#%&*+-=?@^_~",
}
CHECK_CHARS = string.digits + string.ascii_uppercase


def rand_str(alphabet, n):
    chars = ALPHABETS[alphabet]
    return "".join(RNG.choice(chars) for _ in range(n))


def rand_bytes(n):
    return bytes(RNG.randrange(256) for _ in range(n))


def _id_modules(cc):
    mods = ID_VALIDATORS[cc]
    mods = mods if isinstance(mods, tuple) else (mods,)
    if cc == "IN":
        mods = (*mods, "stdnum.in_.pan")
    return [importlib.import_module(m) for m in mods]


def gen_id(cc, template, dob=None):
    mods = _id_modules(cc)
    want = datetime.date.fromisoformat(dob) if dob else None
    n_check = template.count("?")
    charset = CHECK_CHARS if n_check == 1 else string.digits
    for _attempt in range(2000):
        base = "".join(RNG.choice(string.digits) if ch == "#" else ch for ch in template)
        found = []
        for combo in itertools.product(charset, repeat=n_check):
            it = iter(combo)
            cand = "".join(next(it) if ch == "?" else ch for ch in base)
            good = [m for m in mods if m.is_valid(cand)]
            if not good:
                continue
            if want is not None:
                m = good[0]
                if hasattr(m, "get_birth_date"):
                    try:
                        got = m.get_birth_date(cand)
                    except Exception:  # python-stdnum raises several kinds
                        got = None
                    # some python-stdnum readers guess the century (MY NRIC, IT codice fiscale)
                    if got is None or (got.month, got.day) != (want.month, want.day):
                        continue
                    if got.year != want.year and abs(got.year - want.year) != 100:
                        continue
            found.append(cand)
        if found:
            return RNG.choice(found)
    raise ValueError(f"no valid id for {cc} {template}")


def gen_iban(cc, bban_tpl):
    for _attempt in range(5000):
        bban = "".join(
            RNG.choice(string.digits)
            if ch == "#"
            else RNG.choice(string.ascii_uppercase)
            if ch == "A"
            else ch
            for ch in bban_tpl
        )
        compact = cc + "00" + bban.replace(" ", "")
        check = stdnum_iban.calc_check_digits(compact)
        value = cc + check + bban.replace(" ", "")
        if stdnum_iban.is_valid(value):
            return value
    raise ValueError(f"no valid IBAN for {cc}")


def gen_iban_spaced(cc, bban_tpl):
    value = gen_iban(cc, bban_tpl.replace(" ", ""))
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def _luhn_digit(partial):
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def gen_card(prefix, layout):
    n = layout.count("x")
    body = prefix + "".join(RNG.choice(string.digits) for _ in range(n - len(prefix) - 1))
    digits = iter(body + _luhn_digit(body))
    return "".join(next(digits) if ch == "x" else ch for ch in layout)


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def gen_jwt(alg, payload):
    header = {"alg": alg, "typ": "JWT"}
    h = b64u(json.dumps(header, separators=(",", ":")).encode())
    p = b64u(payload.encode())
    sig = b64u(rand_bytes(256 if alg.startswith("RS") else 32))
    return f"{h}.{p}.{sig}"


def _is_probable_prime(n, rounds=24):
    if n < 2:
        return False
    for sp in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % sp == 0:
            return n == sp
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
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
        cand = RNG.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if cand % 65537 != 1 and _is_probable_prime(cand):
            return cand


def _pem(key, fmt):
    enc = {
        "pkcs1": serialization.PrivateFormat.TraditionalOpenSSL,
        "sec1": serialization.PrivateFormat.TraditionalOpenSSL,
        "pkcs8": serialization.PrivateFormat.PKCS8,
    }[fmt]
    return key.private_bytes(serialization.Encoding.PEM, enc, serialization.NoEncryption()).decode().strip()


def gen_rsa(bits, fmt):
    bits = int(bits)
    e = 65537
    while True:
        p, q = _prime(bits // 2), _prime(bits // 2)
        if p != q:
            break
    if p < q:
        p, q = q, p
    d = pow(e, -1, (p - 1) * (q - 1))
    nums = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, p * q)
    )
    return _pem(nums.private_key(), fmt)


def gen_ec(fmt):
    order = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
    scalar = RNG.randrange(1, order)
    return _pem(ec.derive_private_key(scalar, ec.SECP256R1()), fmt)


def _ssh_str(b):
    return struct.pack(">I", len(b)) + b


def gen_ed(fmt, comment=""):
    seed = rand_bytes(32)
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    if fmt == "pkcs8":
        return _pem(key, "pkcs8")
    # OpenSSH format written by hand (cryptography draws its check integer from os.urandom)
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    ktype = b"ssh-ed25519"
    pub_blob = _ssh_str(ktype) + _ssh_str(pub)
    check = rand_bytes(4)
    priv = check + check + _ssh_str(ktype) + _ssh_str(pub) + _ssh_str(seed + pub) + _ssh_str(comment.encode())
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    blob = (
        b"openssh-key-v1\x00"
        + _ssh_str(b"none")
        + _ssh_str(b"none")
        + _ssh_str(b"")
        + struct.pack(">I", 1)
        + _ssh_str(pub_blob)
        + _ssh_str(priv)
    )
    body = base64.b64encode(blob).decode()
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----"


def gen_uuid():
    b = bytearray(rand_bytes(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def run_slot(spec):
    kind, *args = spec.split("|")
    post = []
    while args and (args[-1] in ("esc", "pct") or re.fullmatch(r"ind\d+", args[-1])):
        post.insert(0, args.pop())
    if kind == "id":
        out = gen_id(*args)
    elif kind == "iban":
        out = gen_iban_spaced(*args) if " " in args[1] else gen_iban(*args)
    elif kind == "card":
        out = gen_card(*args)
    elif kind == "r":
        out = rand_str(args[0], int(args[1]))
    elif kind == "b64":
        out = base64.b64encode(rand_bytes(int(args[0]))).decode()
    elif kind == "b64u":
        out = b64u(rand_bytes(int(args[0])))
    elif kind == "jwt":
        out = gen_jwt(args[0], args[1])
    elif kind == "rsa":
        out = gen_rsa(*args)
    elif kind == "ec":
        out = gen_ec(*args)
    elif kind == "ed":
        out = gen_ed(*args)
    elif kind == "wg":
        out = base64.b64encode(rand_bytes(32)).decode()
    elif kind == "uuid":
        out = gen_uuid()
    else:
        raise ValueError(f"unknown slot kind {kind!r}")
    for mod in post:
        if mod == "esc":  # PEM written with literal backslash-n, as inside a JSON string
            out = out.replace("\n", "\\n")
        elif mod == "pct":  # percent-encoded, as in a query string
            out = urllib.parse.quote(out, safe="")
        else:  # indN: continuation lines indented by N spaces (YAML block scalars)
            out = out.replace("\n", "\n" + " " * int(mod[3:]))
    return out


SLOT = re.compile(r"⁅([^⁅⁆]+)⁆")


def fill(raw):
    named = {}

    def sub(m):
        spec = m.group(1)
        if "|@" not in spec:
            return run_slot(spec)
        spec, name = spec.rsplit("|@", 1)
        if name not in named:
            named[name] = run_slot(spec)
        return named[name]

    out = raw
    while SLOT.search(out):  # innermost slots first (a JWT payload may hold slots)
        out = SLOT.sub(sub, out)
    assert "⁅" not in out and "⁆" not in out, "generator slot left in text"
    return out


def add(group, lang, domain, fmt, raw):
    add_prompt(PROMPTS, group, lang, domain, fmt, fill(raw))


# ---------------------------------------------------------------------------
# prompts
# ---------------------------------------------------------------------------
# ===========================================================================
# pii — English
# ===========================================================================
add(
    "pii",
    "en",
    "medicaid-estate-recovery-hardship-waiver",
    "prose",
    """
Can you make this letter sound less angry but keep every fact? It goes to the state Medicaid estate recovery unit.

To: Estate Recovery Unit, Ohio Department of Medicaid
Re: hardship waiver — decedent ⟦P:Loretta Jean Whitcomb⟧, DOB ⟦DOB:04/22/1941⟧, SSN ⟦ID@US:⁅id|US|###-##-####⁆⟧, Medicaid ID ⟦ACC:⁅r|d|12⁆⟧

I am ⟦P:Loretta⟧'s only child. After her ⟦MC:stroke⟧ in 2019 left her with ⟦MC:aphasia⟧ and ⟦MC:right-sided weakness⟧ I moved back in and cared for her full time for six years at ⟦A:1187 Sandusky Street, Apt 2, Ashland, OH 44805⟧. Your letter says the state will file a claim against the house. It is the only place I have ever lived as an adult and I work 24 hours a week at a hardware store. Selling it would make me homeless.

You can reach me at ⟦T:(419) 555-0163⟧ or ⟦E:dwhitcomb.ashland@example.com⟧.
⟦P:Darlene Whitcomb⟧
""",
)
add(
    "pii",
    "en",
    "i9-reverification-reminders",
    "csv",
    """
HR here. From this sheet, draft one short reminder e-mail per person, sent 90 days before authorization_end, asking them to bring an unexpired document to HR. Each e-mail must only mention that person.

last_name,first_name,dob,passport_country,passport_no,authorization_end,work_email
⟦P:Nguyen⟧,⟦P:Thi Bich Ngoc⟧,⟦DOB:1994-11-02⟧,VN,⟦PASS:C⁅r|d|7⁆⟧,2025-09-30,⟦E:ngoc.nguyen@brightline-logistics.example⟧
⟦P:Okonkwo⟧,⟦P:Chidera Amaka⟧,⟦DOB:1989-06-17⟧,NG,⟦PASS:A⁅r|d|8⁆⟧,2025-11-14,⟦E:c.okonkwo@brightline-logistics.example⟧
⟦P:Fernández Ruiz⟧,⟦P:Martín⟧,⟦DOB:1991-01-28⟧,AR,⟦PASS:AAE⁅r|d|6⁆⟧,2026-01-05,⟦E:martin.fernandez@brightline-logistics.example⟧
⟦P:Raghunathan⟧,⟦P:Priya⟧,⟦DOB:1996-08-09⟧,IN,⟦PASS:W⁅r|d|7⁆⟧,2025-10-21,⟦E:priya.r@brightline-logistics.example⟧
""",
)
add(
    "pii",
    "en",
    "nhs-prepayment-certificate-refund",
    "prose",
    """
Please help me write to NHSBSA asking for a partial refund of my prescription prepayment certificate. Facts:
- bought a 12-month PPC on 3 February, paid £114.50
- in May my GP diagnosed ⟦MC:hypothyroidism⟧ and started me on ⟦MED:levothyroxine⟧, so I applied for a medical exemption certificate, which arrived on 19 June
- I still take ⟦MED:sertraline⟧ but that's now covered by the exemption too
- Name: ⟦P:Siobhan Carter-Lyle⟧, NHS number ⟦ID@GB:⁅id|GB|### ### ###?⁆⟧, date of birth ⟦DOB:11/10/1983⟧
- Address:
  ⟦A:Flat 3
  27 Hartington Road
  London W4 3TL⟧
- Mobile ⟦T:07911 435882⟧
Keep it under 200 words.
""",
)
add(
    "pii",
    "en",
    "access-to-work-self-employed",
    "form",
    """
Turn these notes into the "about your condition and your job" section of an Access to Work application, first person, plain English.

Applicant: ⟦P:Aled Pritchard⟧
Self-employed furniture restorer, UTR ⟦ID@GB:⁅id|GB|?#########⁆⟧
Address: ⟦A:12 Heol y Castell, Caernarfon LL55 2AY⟧
Phone: ⟦T:01286 672914⟧ (workshop), texts to ⟦T:07846 221390⟧
Condition: ⟦MC:severe bilateral hearing loss⟧ since childhood, ⟦MC:cochlear implant⟧ on the left since 2017, ⟦MC:tinnitus⟧ on the right
Needs: BSL interpreter for customer site visits (about 6 hours a month), a vibrating smoke/fire pager for the workshop, captioning subscription for supplier calls
""",
)
add(
    "pii",
    "en",
    "ireland-back-to-school-clothing-allowance",
    "prose",
    """
I'm filling in the Back to School Clothing and Footwear Allowance online and it keeps timing out. Can you lay out what I need in a checklist so I can paste it in quickly next time?

Me: ⟦P:Gráinne Ní Mhurchú⟧, PPSN ⟦ID@IE:⁅id|IE|#######?⁆⟧, ⟦A:14 Ard na Gréine, Mallow, Co. Cork, P51 X2K7⟧, mobile ⟦T:087 314 2276⟧
Kids: ⟦P:Oisín Murphy⟧, born ⟦DOB:12/03/2013⟧, PPSN ⟦ID@IE:⁅id|IE|#######?A⁆⟧ — starting secondary in September
⟦P:Caoimhe Murphy⟧, born ⟦DOB:28/08/2016⟧, PPSN ⟦ID@IE:⁅id|IE|#######?W⁆⟧
I get One-Parent Family Payment. ⟦P:Oisín⟧ has a full-time place in the ASD unit (⟦MC:autism⟧) so the uniform is different, not sure if that matters.
""",
)
add(
    "pii",
    "en",
    "canada-disability-benefit-brother",
    "prose",
    """
My brother got a letter saying he may be eligible for the new Canada Disability Benefit because he has the DTC, but it says he needs to apply himself or have someone act for him. I'm his legal representative. Can you explain the steps and draft a short cover note from me?

Him: ⟦P:Jean-Paul Desrosiers⟧, born ⟦DOB:March 9, 1987⟧, SIN ⟦ID@CA:⁅id|CA|### ### ##?⁆⟧
Diagnosis: ⟦MC:schizoaffective disorder⟧, on ⟦MED:clozapine⟧ since 2015
Lives in a group home: ⟦A:402-165 Roslyn Road, Winnipeg, MB R3L 0G6⟧
Me: ⟦P:Marie-Ève Desrosiers⟧, ⟦T:(204) 555-0178⟧, ⟦E:meve.desrosiers@example.ca⟧
""",
)
add(
    "pii",
    "en",
    "super-compassionate-release-dental",
    "form",
    """
Check this ATO compassionate release of super application for anything missing before I submit:

Full name: ⟦P:Kerry-Anne Baxter⟧
Date of birth: ⟦DOB:17/05/1972⟧
TFN: ⟦ID@AU:⁅id|AU|### ### ##?⁆⟧
Residential address: ⟦A:Unit 7/22 Bradman Street, Glenelg SA 5045⟧
Phone: ⟦T:0412 736 905⟧
Fund: AustralianSuper, member number ⟦ACC:⁅r|d|9⁆⟧
Ground: dental treatment — ⟦MC:severe periodontitis⟧ with a recurring ⟦MC:dental abscess⟧; dentist says 6 extractions and an implant-retained denture, quote $14,380
Amount requested: $14,380
""",
)
add(
    "pii",
    "en",
    "nz-student-loan-repayment-holiday",
    "prose",
    """
Hi, can you help me word an application to Inland Revenue for a repayment holiday on my student loan? I'm an overseas-based borrower.
I'm ⟦P:Tamsin Hohaia⟧, IRD number ⟦ID@NZ:⁅id|NZ|###-###-##?⁆⟧, date of birth ⟦DOB:2 October 1995⟧. I moved to London in 2023, I'm at ⟦A:Flat 9, 41 Cranbrook Road, Ilford IG1 4PG⟧ and my phone is ⟦T:+44 7458 203117⟧.
I'm ⟦MC:pregnant⟧ (due in January) and going on unpaid leave from November, and my NZ address for letters is still my parents' place at ⟦A:18 Kawaha Point Road, Rotorua 3010⟧.
""",
)
add(
    "pii",
    "en",
    "road-accident-fund-claim",
    "form",
    """
Please turn this into a clear timeline paragraph for the RAF 1 claim form, section "description of the accident and injuries".

Claimant: ⟦P:Lerato Nkosi-Mabuza⟧
ID no: ⟦ID@ZA:⁅id|ZA|8809232###08?|1988-09-23⁆⟧
Address: ⟦A:32 Jacaranda Crescent, Lynnwood Ridge, Pretoria, 0081⟧
Cell: ⟦T:082 447 3190⟧
Accident: 14 March, N1 near the Rigel Avenue off-ramp, taxi drove into the back of her Polo at the robot
Injuries: ⟦MC:fractured left femur⟧ (plate and screws at Steve Biko), ⟦MC:whiplash⟧, ⟦MC:mild traumatic brain injury⟧ — still has ⟦MC:headaches⟧ and memory problems
Attorney: ⟦P:Sipho Dube⟧, ⟦E:sdube@dube-attorneys.example.co.za⟧
""",
)
add(
    "pii",
    "en",
    "kseb-connection-transfer-legal-heirs",
    "markdown-table",
    """
KSEB wants a legal-heir declaration before they move the electricity connection out of my late father's name. Can you format this the way the section office asked and check nothing is missing?

Consumer no: ⟦ACC:11⁅r|d|11⁆⟧
Registered in the name of: late ⟦P:K. Raghavan Pillai⟧ (died 02-11-2024)
Premises: ⟦A:TC 25/1432, Pettah, Thiruvananthapuram 695024⟧
Applicant: ⟦P:Suresh Kumar Pillai⟧, mobile ⟦T:+91 98470 31562⟧

| legal heir | relation | DOB | Aadhaar | consent |
|---|---|---|---|---|
| ⟦P:Kamalakshi Amma⟧ | wife | ⟦DOB:05-01-1948⟧ | ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧ | yes |
| ⟦P:Suresh Kumar Pillai⟧ | son | ⟦DOB:14-07-1972⟧ | ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧ | applicant |
| ⟦P:Lakshmi Raghavan⟧ | daughter | ⟦DOB:30-03-1976⟧ | ⟦ID@IN:⁅id|IN|#### #### ###?⁆⟧ | yes, NOC attached |

On mother's Aadhaar card her name is printed "⟦P:KAMALAKSHI AMMA K⟧".
""",
)
add(
    "pii",
    "en",
    "korea-jeonse-deposit-guarantee-claim",
    "prose",
    """
My landlord didn't return my jeonse deposit and I have HUG deposit guarantee insurance. Please write the English summary my Korean friend will translate for the claim:

Tenant: ⟦P:Kim Da-eun⟧ (⟦P:김다은⟧), RRN ⟦ID@KR:⁅id|KR|950227-2#####?|1995-02-27⁆⟧
Address of the unit: ⟦A:Room 503, 27 Dongmak-ro 14-gil, Mapo-gu, Seoul 04073⟧
Landlord: ⟦P:Park Jong-hoon⟧, contract ended 31 August, deposit KRW 180,000,000
I sent him a notice by content-certified mail on 2 July. He answers neither calls nor texts.
Refund account: Kookmin Bank ⟦ACC:⁅r|d|6⁆-⁅r|d|2⁆-⁅r|d|6⁆⟧
My phone: ⟦T:+82 10-4872-3316⟧
""",
)
add(
    "pii",
    "en",
    "japan-high-cost-medical-expense-claim",
    "form",
    """
I'm helping a colleague fill in the 高額療養費 (high-cost medical expense) claim for her National Health Insurance. Can you translate the fields into English so she can check them?

氏名: ⟦P:高橋 由美⟧ (⟦P:Takahashi Yumi⟧)
生年月日: ⟦DOB:昭和48年7月3日⟧
個人番号: ⟦ID@JP:⁅id|JP|#### #### ###?⁆⟧
住所: ⟦A:〒460-0008 愛知県名古屋市中区栄3-15-7-1102⟧
電話: ⟦T:+81 52-261-4478⟧
傷病名: ⟦MC:子宮筋腫⟧、⟦MC:子宮全摘術⟧ (10月入院)
振込先: 三菱UFJ銀行 栄支店 普通 ⟦ACC:⁅r|d|7⁆⟧
""",
)
add(
    "pii",
    "en",
    "china-visa-invitation-letter",
    "prose",
    """
Please write an invitation letter in English and Chinese for a Chinese tourist/family visit (Q2) visa. I am inviting my fiancé.

Inviter: ⟦P:Wen Jiahui⟧ (⟦P:温佳慧⟧), Chinese citizen, ID number ⟦ID@CN:⁅id|CN|51010719920416##4?|1992-04-16⁆⟧
Address: ⟦A:成都市武侯区玉林南路16号3栋2单元501⟧ (⟦A:Unit 501, Entrance 2, Building 3, 16 Yulin South Road, Wuhou District, Chengdu⟧)
Phone: ⟦T:+86 138 8012 6645⟧
Invitee: ⟦P:Rafael Moreno Ibáñez⟧, Spanish, born ⟦DOB:30/12/1990⟧, passport ⟦PASS:PA⁅r|U|1⁆⁅r|d|6⁆⟧
He will stay with me from 1 to 28 February and I will cover his expenses.
""",
)
add(
    "pii",
    "en",
    "malaysia-mykad-replacement-flood",
    "prose",
    """
Our house in Taman Sri Muda flooded again and my MyKad and my son's MyKid were washed away. What documents do I bring to JPN and is the replacement fee waived for flood victims? Details in case you need them:
⟦P:Nurul Huda binti Kamaruddin⟧, IC ⟦ID@MY:⁅id|MY|810506-10-###4|1981-05-06⁆⟧
son ⟦P:Muhammad Irfan bin Azlan⟧, IC ⟦ID@MY:⁅id|MY|150921-10-###7|2015-09-21⁆⟧
address ⟦A:No. 18, Jalan Kenanga 3, Taman Sri Muda, 40400 Shah Alam, Selangor⟧
phone ⟦T:+60 12-384 7720⟧
I have the police report from Balai Polis Seksyen 25.
""",
)
add(
    "pii",
    "en",
    "thailand-elderly-allowance",
    "prose",
    """
My mother-in-law turns 60 next month. Can you explain how she registers for the old-age allowance (เบี้ยยังชีพผู้สูงอายุ) at the tambon office and what to bring? Her details:
⟦P:Somjit Kaewmanee⟧, ID card ⟦ID@TH:⁅id|TH|3-5099-#####-##-?⁆⟧, born ⟦DOB:14 November 1965⟧
House registration address ⟦A:99/12 Moo 4, Tambon San Sai Noi, Amphoe San Sai, Chiang Mai 50210⟧
Phone ⟦T:+66 81 765 4302⟧
Krungthai account for the payment ⟦ACC:⁅r|d|3⁆-⁅r|d|1⁆-⁅r|d|5⁆-⁅r|d|1⁆⟧
She has ⟦MC:cataracts⟧ in both eyes so my wife ⟦P:Nok⟧ will go with her.
""",
)
add(
    "pii",
    "en",
    "bpjs-kesehatan-class-change",
    "prose",
    """
I want to move my family's BPJS Kesehatan membership from class 1 to class 2 because the premium is too high now. Please write the request in English and Bahasa Indonesia.
Head of family: ⟦P:Siti Rahmawati⟧, NIK ⟦ID@ID:⁅id|ID|317405450688####|1988-06-05⁆⟧, BPJS card ⟦ACC:0001⁅r|d|9⁆⟧
Address: ⟦A:Jl. Kemang Timur Raya No. 27, RT 005/RW 003, Bangka, Mampang Prapatan, Jakarta Selatan 12730⟧
Phone/WA: ⟦T:+62 812-9034-5517⟧
Members: me, husband ⟦P:Andi Pratama⟧, daughter ⟦P:Keisha Putri Pratama⟧ (born ⟦DOB:03-09-2017⟧)
""",
)
add(
    "pii",
    "en",
    "sehat-card-claim-pakistan",
    "prose",
    """
My cousin was admitted on his Sehat Sahulat card but the hospital now says the package doesn't cover the full bill. Can you write an English complaint to the Sehat card helpline?
Patient: ⟦P:Muhammad Bilal Qureshi⟧, CNIC ⟦ID@PK:⁅id|PK|61101-#######-7⁆⟧, age 34
Admitted 11 Jan with acute ⟦MC:appendicitis⟧, had a laparoscopic ⟦MC:appendectomy⟧, discharged 14 Jan
Hospital asked for Rs 38,000 extra "for medicines"
Address: ⟦A:House 14, Street 9, G-9/3, Islamabad⟧
Contact: me, ⟦P:Hamza Qureshi⟧, ⟦T:+92 300 5127741⟧
""",
)
add(
    "pii",
    "en",
    "israel-reserve-duty-compensation",
    "prose",
    """
Can you turn this into a polite e-mail to Bituah Leumi's reserve-duty department? I was self-employed during my miluim and only got part of the compensation.

I'm ⟦P:Yonatan Ben-David⟧, ID ⟦ID@IL:⁅id|IL|########?⁆⟧. I served 112 days between October and March. I'm a freelance sound technician (osek murshe). Payment was made for October–December only.
During service I developed ⟦MC:tinnitus⟧ and I'm in the process with the Defense Ministry about that separately.
Bank: Leumi, branch 812, account ⟦ACC:⁅r|d|5⁆/⁅r|d|2⁆⟧
Address: ⟦A:HaNarkis 12, Apt 4, Modi'in-Maccabim-Re'ut⟧
Mobile: ⟦T:+972 52-447-1896⟧, e-mail ⟦E:yonatan.bd@example.co.il⟧
""",
)
add(
    "pii",
    "en",
    "section-8-annual-recertification",
    "markdown-table",
    """
Help me check our household table for the Section 8 annual recertification packet — does the income math add up and did I forget anybody's document?

Address: ⟦A:3310 N Kedzie Ave, Unit 1R, Chicago, IL 60618⟧
Phone: ⟦T:(773) 555-0128⟧

| member | relation | DOB | SSN | income/mo | notes |
|---|---|---|---|---|---|
| ⟦P:Marisol Ocampo-Reyes⟧ | head | ⟦DOB:2/19/1979⟧ | ⟦ID@US:⁅id|US|###-##-####⁆⟧ | $1,840 | home health aide |
| ⟦P:Rosario Ocampo⟧ | mother | ⟦DOB:8/1/1951⟧ | ⟦ID@US:⁅id|US|###-##-####⁆⟧ | $967 SSI | ⟦MC:type 2 diabetes⟧, ⟦MC:below-knee amputation⟧ |
| ⟦P:Diego Reyes⟧ | son | ⟦DOB:6/30/2006⟧ | ⟦ID@US:⁅id|US|###-##-####⁆⟧ | $410 | part-time, full-time student |
| ⟦P:Ximena Reyes⟧ | daughter | ⟦DOB:11/12/2012⟧ | ⟦ID@US:⁅id|US|###-##-####⁆⟧ | — | |
""",
)
add(
    "pii",
    "en",
    "va-beneficiary-travel-claim",
    "prose",
    """
I keep getting my VA beneficiary travel claims denied because of the mileage. Can you draft an appeal? Details:
Veteran: ⟦P:Raymond T. Castillo⟧, SSN ⟦ID@US:⁅id|US|###-##-####⁆⟧, DOB ⟦DOB:01-14-1968⟧
Service-connected for ⟦MC:PTSD⟧ (70%) and ⟦MC:obstructive sleep apnea⟧
I drive from ⟦A:2208 W Ashby Pl, San Antonio, TX 78201⟧ to the Audie Murphy VA and then to the sleep clinic in Kerrville for ⟦MC:CPAP⟧ titration, they only paid the first leg.
Phone ⟦T:(210) 555-0119⟧
""",
)
add(
    "pii",
    "en",
    "mpesa-wrong-number-reversal",
    "prose",
    """
I sent school fees by M-Pesa to the wrong number and the person won't reverse it. Help me write a clear message to Safaricom customer care and a polite SMS to the recipient.
Sender: ⟦P:Wanjiku Kamau⟧, ⟦T:+254 712 408 339⟧
Sent KES 23,500 on 8 Jan at 19:42 to ⟦T:+254 722 148 590⟧ (registered name shown: ⟦P:PETER OTIENO ODHIAMBO⟧)
Meant for the school paybill 522533, account ⟦ACC:ADM⁅r|d|5⁆⟧ for my daughter ⟦P:Achieng⟧
Email for the ticket: ⟦E:wanjiku.kamau@example.co.ke⟧
""",
)
add(
    "pii",
    "en",
    "nysc-redeployment-health-grounds",
    "prose",
    """
Please polish this letter for NYSC redeployment on health grounds:

The State Coordinator, NYSC Borno State
I am ⟦P:Chiamaka Eze-Obi⟧, state code ⟦ACC:BO/24B/⁅r|d|4⁆⟧, batch B. I live with ⟦MC:sickle cell anaemia (HbSS)⟧ and take ⟦MED:hydroxyurea⟧ and ⟦MED:folic acid⟧ daily. Since arrival I have had two ⟦MC:vaso-occlusive crises⟧ and was admitted at the state specialist hospital. My haematologist in Lagos, Dr. ⟦P:Folake Adeyemi⟧, advises redeployment close to my treatment centre.
Home address: ⟦A:Flat 4, Block C, 17 Adeniyi Jones Avenue, Ikeja, Lagos⟧
Phone: ⟦T:+234 803 515 2290⟧
""",
)
add(
    "pii",
    "en",
    "twilio-inbound-sms-clinic",
    "json",
    """
Write a Python function that takes this Twilio inbound-SMS webhook (as form data parsed to a dict) and routes refill requests to the pharmacy queue. Example payload:

{
  "SmsSid": "SM⁅r|h|32⁆",
  "AccountSid": "AC⁅r|h|32⁆",
  "From": "⟦T:+16025550147⟧",
  "To": "+14805550100",
  "FromCity": "PHOENIX",
  "FromState": "AZ",
  "Body": "Hi this is ⟦P:Marcus Delgado⟧ DOB ⟦DOB:7/14/1979⟧ need refill on my ⟦MED:lisinopril⟧ and ⟦MED:metformin⟧ pls, also my ⟦MC:gout⟧ flared again can Dr see me this wk. copay on my visa ⟦CC:⁅card|4|xxxxxxxxxxxxxxxx⁆⟧ exp 08/27",
  "NumMedia": "0"
}
""",
)
add(
    "pii",
    "en",
    "loan-underwriting-keyerror-traceback",
    "code",
    """
Why does this fail? The field is obviously there.

Traceback (most recent call last):
  File "/srv/underwrite/score.py", line 88, in score_application
    dti = app["monthly_debt"] / app["gross_monthly_income"]
KeyError: 'gross_monthly_income'

During handling of the above exception, another exception occurred:

  File "/srv/underwrite/score.py", line 91, in score_application
    raise UnderwritingError(f"bad application: {app!r}")
UnderwritingError: bad application: {'applicant': '⟦P:Kayla Brennan-Whitfield⟧', 'ssn': '⟦ID@US:⁅id|US|###-##-####⁆⟧', 'dob': '⟦DOB:1990-03-27⟧', 'address': '⟦A:55 Linden Ave, Apt 4C, Montclair, NJ 07042⟧', 'phone': '⟦T:973-555-0182⟧', 'dl': '⟦DL:D⁅r|d|4⁆ ⁅r|d|5⁆ ⁅r|d|5⁆⟧', 'employer': 'Hackensack Meridian', 'gross_monthly_income ': 7350, 'monthly_debt': 1420, 'routing': '021000021', 'account': '⟦ACC:⁅r|d|10⁆⟧'}
""",
)
add(
    "pii",
    "en",
    "dental-recall-list-insert",
    "sql",
    """
Can you rewrite these inserts as one multi-row INSERT and add ON CONFLICT (patient_no) DO UPDATE? Postgres 15.

INSERT INTO recall_list (patient_no, full_name, dob, mobile, email, alert) VALUES ('⟦MRN:LD-⁅r|d|6⁆⟧', '⟦P:Harriet Oduya⟧', '⟦DOB:1958-12-04⟧', '⟦T:07834 516209⟧', '⟦E:h.oduya@example.co.uk⟧', 'on ⟦MED:alendronic acid⟧ - check before extractions');
INSERT INTO recall_list (patient_no, full_name, dob, mobile, email, alert) VALUES ('⟦MRN:LD-⁅r|d|6⁆⟧', '⟦P:Callum Rigby⟧', '⟦DOB:2009-05-22⟧', '⟦T:07412 889037⟧', NULL, '⟦MC:pacemaker⟧ - no ultrasonic scaler');
INSERT INTO recall_list (patient_no, full_name, dob, mobile, email, alert) VALUES ('⟦MRN:LD-⁅r|d|6⁆⟧', '⟦P:Beatrix Sowerby⟧', '⟦DOB:1947-02-15⟧', '⟦T:0113 496 0771⟧', '⟦E:bea.sowerby@example.com⟧', '⟦MED:warfarin⟧, INR card');
""",
)
add(
    "pii",
    "en",
    "gp-surgery-phone-cdr",
    "kv-log",
    """
From this Asterisk CDR extract, count calls per hour and how many were abandoned before answer. Ignore the internal extensions.

2025-01-13 08:00:04 src="⟦T:07723 418956⟧" clid="⟦P:HOLLOWAY B⟧ <⟦T:07723 418956⟧>" dst=s dcontext=from-trunk disposition=ANSWERED billsec=212
2025-01-13 08:00:09 src="⟦T:01628 781443⟧" clid="⟦P:A PATEL⟧ <⟦T:01628 781443⟧>" dst=s dcontext=from-trunk disposition=NO ANSWER billsec=0
2025-01-13 08:00:31 src="anonymous" clid="Withheld <anonymous>" dst=s dcontext=from-trunk disposition=ANSWERED billsec=95
2025-01-13 08:01:17 src="204" clid="Reception 2 <204>" dst=205 dcontext=internal disposition=ANSWERED billsec=12
2025-01-13 08:02:48 src="⟦T:07535 166302⟧" clid="⟦P:McGUIRE S⟧ <⟦T:07535 166302⟧>" dst=s dcontext=from-trunk disposition=BUSY billsec=0
2025-01-13 09:14:55 src="⟦T:07723 418956⟧" clid="⟦P:HOLLOWAY B⟧ <⟦T:07723 418956⟧>" dst=s dcontext=from-trunk disposition=NO ANSWER billsec=0
""",
)
add(
    "pii",
    "en",
    "k8s-configmap-staging-seed-user",
    "yaml",
    """
Is it OK to keep these in a ConfigMap for staging? The seed user is our actual ops lead because she wanted to test the SMS 2FA flow on her own phone.

apiVersion: v1
kind: ConfigMap
metadata:
  name: seed-data
  namespace: staging
data:
  SEED_ADMIN_NAME: "⟦P:Ingrid Solheim-Baptiste⟧"
  SEED_ADMIN_EMAIL: "⟦E:ingrid.solheim-baptiste@tallyho-freight.example⟧"
  SEED_ADMIN_PHONE: "⟦T:+47 915 27 640⟧"
  SEED_ADMIN_LOCALE: "nb-NO"
  FEATURE_SMS_2FA: "true"
""",
)
add(
    "pii",
    "en",
    "ofw-owwa-membership-renewal",
    "prose",
    """
Can you make me a checklist for renewing my OWWA membership online, and write a message to the agency to update my contact details? My details:
⟦P:Maria Cristina dela Cruz Santos⟧, born ⟦DOB:June 4, 1986⟧ in Iloilo City
Passport ⟦PASS:P⁅r|d|7⁆A⟧
Current employer address in Riyadh, my phone there ⟦T:+966 55 347 2918⟧, Philippine number ⟦T:+63 917 482 3305⟧ (my sister ⟦P:Joy Santos⟧ answers it)
Home address ⟦A:Blk 7 Lot 22, Villa Anita Subdivision, Brgy. Tabuc Suba, Jaro, Iloilo City 5000⟧
""",
)
add(
    "pii",
    "en",
    "offshore-medical-certificate-norway",
    "prose",
    """
I'm a British scaffolder working offshore out of Stavanger. My Norwegian offshore health certificate (helseerklæring) runs out in March. Can you write an e-mail to the approved doctor's office asking for an appointment and telling them in advance about my conditions?
Name ⟦P:Gareth Llewellyn⟧, fødselsnummer ⟦ID@NO:⁅id|NO|220377##1??|1977-03-22⁆⟧
Address ⟦A:Madlaveien 44B, 4009 Stavanger⟧, mobile ⟦T:+47 466 21 985⟧
⟦MC:Sleep apnoea⟧ since 2021, using ⟦MC:CPAP⟧ every night; ⟦MC:hypertension⟧ on ⟦MED:amlodipine⟧, well controlled.
""",
)
# ===========================================================================
# pii — other languages
# ===========================================================================
add(
    "pii",
    "de",
    "oegk-rezeptgebuehrenbefreiung",
    "form",
    """
Kannst du mir helfen, den Antrag auf Rezeptgebührenbefreiung bei der ÖGK zu begründen? Ich liege knapp über dem Richtsatz, aber die Medikamente kosten mich jeden Monat viel.

Name: Ing. ⟦P:Florian Wimmer-Haas⟧
SVNR: ⟦ID@AT:⁅id|AT|###? 140386|1986-03-14⁆⟧
Adresse: ⟦A:Quellenstraße 112/4/9, 1100 Wien⟧
Telefon: ⟦T:0660 412 8935⟧
Diagnose: ⟦MC:Morbus Crohn⟧ seit 2011, ⟦MED:Entyvio⟧-Infusionen alle 8 Wochen, dazu ⟦MED:Pantoloc⟧ und ⟦MED:Vitamin B12⟧-Spritzen
Nettoeinkommen: 1.412 € (14×)
Konto für Rückerstattungen: ⟦IBAN:⁅iban|AT|20111 ###########⁆⟧
""",
)
add(
    "pii",
    "de",
    "ahv-hilflosenentschaedigung",
    "prose",
    """
Mein Vater bezieht eine AHV-Rente und braucht inzwischen viel Hilfe im Alltag. Kannst du mir die Begründung für die Anmeldung zur Hilflosenentschädigung vorformulieren?

Versicherter: ⟦P:Ernst Zürcher-Gasser⟧, geb. ⟦DOB:7. Mai 1938⟧, AHV-Nr. ⟦ID@CH:⁅id|CH|756.####.####.#?⁆⟧
Adresse: ⟦A:Bernstrasse 48, 3072 Ostermundigen⟧, Tel. ⟦T:031 931 47 82⟧
Diagnosen: ⟦MC:Lewy-Körperchen-Demenz⟧, ⟦MC:Sturzneigung⟧; er geht am ⟦MC:Rollator⟧ und ist nachts ⟦MC:inkontinent⟧.
Braucht Hilfe beim Ankleiden, bei der Körperpflege, beim Essen (Zerkleinern) und beim Toilettengang. Die Spitex kommt zweimal täglich.
Kontaktperson: Sohn ⟦P:Beat Zürcher⟧, ⟦E:beat.zuercher@bluewin.example⟧, ⟦T:079 482 16 33⟧
""",
)
add(
    "pii",
    "fr",
    "arr-ai-allocation-handicap-belgique",
    "prose",
    """
Peux-tu m'aider à rédiger la partie « situation médicale et professionnelle » de la demande d'allocation de remplacement de revenus pour ma compagne ?

Demandeuse : ⟦P:Nathalie Vandenbroucke⟧, née le ⟦DOB:24 juillet 1979⟧, NISS ⟦ID@BE:⁅id|BE|79.07.24-##2.??|1979-07-24⁆⟧
Adresse : ⟦A:Rue des Coteaux 214 bte 3, 1030 Schaerbeek⟧
GSM : ⟦T:0476 38 21 94⟧
Situation : ⟦MC:insuffisance cardiaque⟧ (FEVG 30 %), ⟦MC:défibrillateur implanté⟧ depuis mars, sous ⟦MED:Entresto⟧ et ⟦MED:bisoprolol⟧. Elle ne peut plus travailler comme aide-soignante de nuit.
Compte : ⟦IBAN:⁅iban|BE|#### #### ####⁆⟧
""",
)
add(
    "pii",
    "fr",
    "complementaire-sante-solidaire-foyer",
    "form",
    """
Je prépare la demande de Complémentaire santé solidaire pour tout le foyer. Vérifie la liste des pièces et rédige un court courrier d'accompagnement.

Demandeur : ⟦P:Karim Benaïssa⟧, n° de sécurité sociale ⟦ID@FR:⁅id|FR|1 84 06 69 3## ### ??⁆⟧
Conjointe : ⟦P:Samira Benaïssa⟧, née ⟦P:Haddad⟧, n° ⟦ID@FR:⁅id|FR|2 87 11 99 352 ### ??⁆⟧
Enfants : ⟦P:Yanis⟧ (né le ⟦DOB:03/02/2015⟧) et ⟦P:Lina⟧ (née le ⟦DOB:19/09/2019⟧)
Adresse : ⟦A:12 allée des Tilleuls, Bât. B, Appt 34, 69200 Vénissieux⟧
Tél. : ⟦T:06 72 18 44 05⟧
Ressources des 12 derniers mois : 19 870 €
Remarque : ⟦P:Lina⟧ est suivie pour un ⟦MC:asthme sévère⟧ et a besoin de ⟦MED:Symbicort⟧ tous les jours.
""",
)
add(
    "pii",
    "es",
    "ingreso-minimo-vital-reclamacion",
    "prose",
    """
Me han denegado el Ingreso Mínimo Vital por «no acreditar la unidad de convivencia». Ayúdame a redactar la reclamación previa con estos datos:

Solicitante: ⟦P:Rocío Manzanares Gil⟧, DNI ⟦ID@ES:⁅id|ES|########?⁆⟧, nacida el ⟦DOB:14/02/1986⟧
Pareja de hecho: ⟦P:Ionuț Dragomir⟧, NIE ⟦ID@ES:⁅id|ES|Y#######?⁆⟧ (inscritos en el registro de parejas de hecho de la Región de Murcia desde 2019)
Hijos: ⟦P:Hugo⟧ (9 años) y ⟦P:Vega⟧ (4 años)
Domicilio: ⟦A:C/ Doctor Fleming, 23, 2.º izda., 30007 Murcia⟧
Teléfono: ⟦T:641 27 93 08⟧
Cuenta para el cobro: ⟦IBAN:⁅iban|ES|2100 ################⁆⟧
Adjunto el certificado de empadronamiento colectivo.
""",
)
add(
    "pii",
    "es",
    "certificado-unico-discapacidad-argentina",
    "prose",
    """
Necesito pedir turno para la junta evaluadora del Certificado Único de Discapacidad de mi hijo. ¿Qué documentación tengo que llevar? Armame también la nota de solicitud con estos datos:

Hijo: ⟦P:Tomás Agustín Ferreyra⟧, DNI ⟦ID@AR:⁅id|AR|5#.###.###⁆⟧, nacido el ⟦DOB:22/10/2016⟧
Diagnóstico: ⟦MC:trastorno del espectro autista⟧ (nivel 2) y ⟦MC:trastorno específico del lenguaje⟧
Madre: ⟦P:Valeria Soledad Gómez⟧, CUIL ⟦ID@AR:⁅id|AR|27-########-?⁆⟧
Domicilio: ⟦A:Av. Rivadavia 6120, piso 4, dto. C, C1406GLS CABA⟧
Cel: ⟦T:+54 9 11 5123-4477⟧
Obra social: OSDE, n.º de afiliado ⟦ACC:⁅r|d|11⁆⟧
""",
)
add(
    "pii",
    "es",
    "pension-65-peru-abuela",
    "prose",
    """
Mi abuelita vive sola en Huancayo y quiero postularla a Pensión 65. ¿Cómo se pide la clasificación socioeconómica del SISFOH y qué papeles necesito? Sus datos:
⟦P:Eusebia Quispe Huamán⟧, DNI ⟦ID@PE:⁅id|PE|########⁆⟧, nació el ⟦DOB:8 de setiembre de 1951⟧
Vive en ⟦A:Jr. Ayacucho 452, El Tambo, Huancayo, Junín⟧
Tiene ⟦MC:gonartrosis⟧ en las dos rodillas y ⟦MC:diabetes⟧, toma ⟦MED:metformina⟧.
Para contacto mi celular ⟦T:+51 964 218 337⟧ (soy su nieta ⟦P:Milagros⟧).
""",
)
add(
    "pii",
    "es",
    "beca-benito-juarez-padron",
    "prose",
    """
Mi hija no aparece en el padrón de la Beca Benito Juárez aunque la prepa dice que ya la registró. Ayúdame a escribir el mensaje para la Coordinación Nacional de Becas.

Alumna: ⟦P:María Fernanda González López⟧, CURP ⟦ID@MX:⁅id|MX|GOLM080314MJCNPRA?|2008-03-14⁆⟧, 2.º semestre
Tutora: ⟦P:Guadalupe López Arreola⟧, tel. ⟦T:33 1845 2207⟧, correo ⟦E:lupita.lopez.arreola@example.com.mx⟧
Domicilio: ⟦A:Calle Pedro Moreno 1742, Col. Americana, 44160 Guadalajara, Jal.⟧
Ya revisamos con la CURP en el buscador y sale «sin registro».
""",
)
add(
    "pii",
    "it",
    "permessi-legge-104-madre",
    "prose",
    """
Devo chiedere i permessi della legge 104 per assistere mia madre. Mi aiuti a scrivere la domanda all'ufficio del personale?

Io: ⟦P:Alessandro Ruggieri⟧, C.F. ⟦ID@IT:⁅id|IT|RGGLSN75B12L219?|1975-02-12⁆⟧, cell. ⟦T:347 218 5590⟧
Mia madre: ⟦P:Franca Boetti⟧, C.F. ⟦ID@IT:⁅id|IT|BTTFNC46H63L219?|1946-06-23⁆⟧
Residenza di entrambi: ⟦A:Via Giuseppe Garibaldi 41, 10122 Torino⟧
Ha la ⟦MC:SLA⟧ diagnosticata nel 2022, verbale INPS con handicap grave (art. 3 comma 3). Porta la ⟦MC:PEG⟧ e di notte usa la ⟦MC:ventilazione non invasiva⟧.
Vorrei tre giorni al mese, possibilmente frazionabili a ore.
""",
)
add(
    "pii",
    "it",
    "alloggiati-web-schedine-bnb",
    "csv",
    """
Devo caricare le schedine su Alloggiati Web per gli ospiti arrivati ieri nel B&B. Puoi convertirmi questo CSV nel tracciato a lunghezza fissa richiesto dalla Questura?

tipo,cognome,nome,sesso,data_nascita,luogo_nascita,cittadinanza,tipo_doc,numero_doc,rilasciato_da
17,⟦P:Schneider⟧,⟦P:Jonas⟧,1,⟦DOB:04/06/1990⟧,Freiburg im Breisgau,GERMANIA,PASOR,⟦PASS:C4⁅r|A|7⁆⟧,GERMANIA
19,⟦P:Schneider⟧,⟦P:Lea⟧,2,⟦DOB:17/11/1992⟧,Offenburg,GERMANIA,,,
16,⟦P:Mancuso⟧,⟦P:Rosaria⟧,2,⟦DOB:30/03/1968⟧,Catanzaro,ITALIA,PATEN,⟦DL:U1⁅r|U|1⁆⁅r|d|5⁆⁅r|U|1⁆⟧,MIT-UCO
17,⟦P:Whitlock⟧,⟦P:Dana⟧,2,⟦DOB:22/01/1975⟧,Portland,STATI UNITI,PASOR,⟦PASS:5⁅r|d|8⁆⟧,STATI UNITI
19,⟦P:Whitlock⟧,⟦P:Eli⟧,1,⟦DOB:09/08/2011⟧,Seattle,STATI UNITI,,,
""",
)
add(
    "pii",
    "pt",
    "pericia-inss-auxilio-incapacidade",
    "form",
    """
Tenho perícia do INSS semana que vem para o auxílio por incapacidade temporária. Me ajuda a organizar um resumo do meu caso para levar ao perito?

Nome: ⟦P:Edvaldo Pereira dos Santos⟧
CPF: ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧
Nascimento: ⟦DOB:23/04/1974⟧
NIT/PIS: ⟦ACC:1⁅r|d|2⁆.⁅r|d|5⁆.⁅r|d|2⁆-⁅r|d|1⁆⟧
Endereço: ⟦A:Rua Doutor Zuquim, 1280, apto 62, Santana, São Paulo - SP, 02035-021⟧
Celular: ⟦T:(11) 98456-3312⟧
Profissão: operador de empilhadeira
Problema: ⟦MC:síndrome do manguito rotador⟧ no ombro direito e ⟦MC:tendinite⟧; faço fisioterapia e tomo ⟦MED:ciclobenzaprina⟧ e ⟦MED:dipirona⟧. Não consigo levantar o braço acima do ombro.
""",
)
add(
    "pii",
    "pt",
    "aima-renovacao-residencia",
    "prose",
    """
Preciso de reagendar a renovação da autorização de residência da minha família na AIMA. Escreve-me um e-mail formal com estes dados:

Titular: ⟦P:Larissa Fonseca Araújo⟧, passaporte brasileiro ⟦PASS:F⁅r|U|1⁆⁅r|d|6⁆⟧, NIF ⟦ID@PT:⁅id|PT|2#######?⁆⟧
Filho: ⟦P:Davi Araújo Mendes⟧, nascido a ⟦DOB:11/05/2018⟧, passaporte ⟦PASS:G⁅r|U|1⁆⁅r|d|6⁆⟧
Morada: ⟦A:Rua de Cedofeita 318, 3.º Esq., 4050-174 Porto⟧
Telemóvel: ⟦T:912 845 306⟧
A autorização caduca a 30 de junho e o agendamento online dá sempre erro na última página.
""",
)
add(
    "pii",
    "nl",
    "huurtoeslag-terugvordering-regeling",
    "prose",
    """
De Belastingdienst vordert €1.846 huurtoeslag terug over 2023 omdat mijn inkomen hoger uitviel. Klopt het dat ik een persoonlijke betalingsregeling kan vragen? Schrijf een korte brief met:

⟦P:Demi Kuipers⟧, BSN ⟦ID@NL:⁅id|NL|########?⁆⟧
⟦A:Burgemeester de Vlugtlaan 144-II, 1063 BM Amsterdam⟧
tel. ⟦T:06-41279358⟧
IBAN ⟦IBAN:⁅iban|NL|INGB0#########⁆⟧
Ik was in 2024 een half jaar ziek thuis met ⟦MC:long covid⟧ en werk nu 20 uur.
""",
)
add(
    "pii",
    "nl",
    "verhoogde-tegemoetkoming-ziekenfonds",
    "form",
    """
Kan je mij helpen met de aanvraag voor verhoogde tegemoetkoming bij mijn ziekenfonds? Ik ben sinds januari weduwe en mijn pensioen is gezakt.

Naam: ⟦P:Godelieve Van Hecke⟧
Rijksregisternummer: ⟦ID@BE:⁅id|BE|52.11.30-##4.??|1952-11-30⁆⟧
Lidnummer: ⟦ACC:⁅r|d|3⁆-⁅r|d|7⁆-⁅r|d|2⁆⟧
Adres: ⟦A:Kortrijksesteenweg 311 bus 2, 9000 Gent⟧
Tel.: ⟦T:09 225 41 87⟧
Mijn man ⟦P:Marcel De Smet⟧ is overleden op 4 januari. Zelf heb ik ⟦MC:COPD⟧ en gebruik ik ⟦MED:Spiriva⟧ en thuiszuurstof.
""",
)
add(
    "pii",
    "pl",
    "zasilek-opiekunczy-z15a",
    "form",
    """
Muszę złożyć wniosek o zasiłek opiekuńczy na córkę przez PUE ZUS. Pomóż mi wypełnić pola i napisać krótkie uzasadnienie.

Ubezpieczona: ⟦P:Katarzyna Wróbel-Nowak⟧, PESEL ⟦ID@PL:⁅id|PL|870811###8?|1987-08-11⁆⟧
Dziecko: ⟦P:Zuzanna Nowak⟧, PESEL ⟦ID@PL:⁅id|PL|182305###4?|2018-03-05⁆⟧, ur. ⟦DOB:5 marca 2018⟧
Okres: 13–24 stycznia, zwolnienie od pediatry — ⟦MC:ospa wietrzna⟧ z ⟦MC:nadkażeniem bakteryjnym⟧
Adres: ⟦A:ul. Kościuszki 27/4, 30-105 Kraków⟧
Tel.: ⟦T:601 482 937⟧
Drugi rodzic: ⟦P:Michał Nowak⟧ — nie pobiera zasiłku za ten okres.
""",
)
add(
    "pii",
    "pl",
    "ulga-rehabilitacyjna-pit-mama",
    "prose",
    """
Rozliczam PIT-37 za mamę i chcę odliczyć ulgę rehabilitacyjną. Wypisz, które wydatki się kwalifikują i ile wpisać w PIT/O.
Mama: ⟦P:Halina Zawadzka⟧, PESEL ⟦ID@PL:⁅id|PL|490227###6?|1949-02-27⁆⟧, ⟦A:ul. Piotrkowska 212 m. 15, 90-368 Łódź⟧
Orzeczenie o umiarkowanym stopniu niepełnosprawności — ⟦MC:stwardnienie rozsiane⟧.
Wydatki: ⟦MC:wózek inwalidzki⟧ (dopłata 1 800 zł), turnus rehabilitacyjny 3 200 zł, ⟦MED:Tecfidera⟧ (ponad 100 zł miesięcznie), dojazdy własnym samochodem na rehabilitację.
""",
)
add(
    "pii",
    "sv",
    "sjukresor-ersattning-dialys",
    "prose",
    """
Kan du hjälpa mig skriva en begäran om ersättning för sjukresor till regionen? Jag åker till dialysen tre gånger i veckan med egen bil.

Namn: ⟦P:Birgitta Nordmark⟧
Personnummer: ⟦ID@SE:⁅id|SE|480613-##4?|1948-06-13⁆⟧
Adress: ⟦A:Storgatan 14 B lgh 1102, 903 26 Umeå⟧
Telefon: ⟦T:070-318 24 96⟧
⟦MC:Hemodialys⟧ på Norrlands universitetssjukhus mån/ons/fre sedan ⟦MC:njursvikten⟧ 2020, 38 km enkel väg.
Utbetalning: Swedbank, clearing 8327-9, konto ⟦ACC:⁅r|d|3⁆ ⁅r|d|3⁆ ⁅r|d|3⁆-⁅r|d|1⁆⟧
""",
)
add(
    "pii",
    "sv",
    "bostadsanpassningsbidrag-pappa",
    "prose",
    """
Vi söker bostadsanpassningsbidrag för min pappa. Skriv en motivering till kommunen utifrån detta:
Sökande: ⟦P:Göran Ekholm⟧, ⟦ID@SE:⁅id|SE|19410228-##7?|1941-02-28⁆⟧
Bostad: ⟦A:Vasagatan 9, 1 tr, 722 15 Västerås⟧ (bostadsrätt, föreningen har godkänt ändringarna)
Hälsa: ⟦MC:höftledsartros⟧ och ⟦MC:yrsel⟧ efter en ⟦MC:stroke⟧ 2023, går med ⟦MC:rollator⟧ inomhus.
Åtgärder: ta bort trösklar, duschplats i stället för badkar, stödhandtag vid toaletten, spisvakt.
Kontakt: dottern ⟦P:Annika Ekholm⟧, ⟦T:073-541 88 20⟧, ⟦E:annika.ekholm@example.se⟧
""",
)
add(
    "pii",
    "fi",
    "ajoneuvoveron-vapautus-vammaisena",
    "form",
    """
Haen ajoneuvoveron vapautusta vammaisena. Voitko kirjoittaa Traficomille perustelun näillä tiedoilla?

Nimi: ⟦P:Tuomas Heikkilä⟧
Henkilötunnus: ⟦ID@FI:⁅id|FI|180772-##7?|1972-07-18⁆⟧
Osoite: ⟦A:Hämeenkatu 21 B 14, 33200 Tampere⟧
Puhelin: ⟦T:040 718 2295⟧
Vamma: ⟦MC:aivoinfarktin jälkeinen vasemman puolen halvaus⟧, liikuntavammaisen pysäköintitunnus myönnetty 2023, haitta-aste 70 %.
Auto on muutostöiden jälkeen ainoa tapa päästä fysioterapiaan kaksi kertaa viikossa.
""",
)
add(
    "pii",
    "cs",
    "invalidni-duchod-zadost",
    "prose",
    """
Potřebuju napsat průvodní dopis k žádosti o invalidní důchod na ČSSZ. Tady jsou údaje:

Jméno: ⟦P:Lenka Procházková⟧
Rodné číslo: ⟦ID@CZ:⁅id|CZ|835514/###?|1983-05-14⁆⟧
Bydliště: ⟦A:Štefánikova 38, 150 00 Praha 5⟧
Telefon: ⟦T:+420 724 185 339⟧
Diagnóza: ⟦MC:bipolární afektivní porucha⟧, hospitalizace v letech 2022 a 2024, užívám ⟦MED:lithium⟧ a ⟦MED:lamotrigin⟧. Ošetřující psychiatr MUDr. ⟦P:Pavel Kratochvíl⟧.
Číslo účtu pro výplatu: ⟦ACC:⁅r|d|6⁆-⁅r|d|10⁆/0800⟧
""",
)
add(
    "pii",
    "ro",
    "pensie-de-urmas-cerere",
    "prose",
    """
Vreau să depun dosarul pentru pensia de urmaș după soțul meu. Ajută-mă să scriu cererea către Casa Județeană de Pensii Cluj.

Subsemnata ⟦P:Mariana Pop⟧, CNP ⟦ID@RO:⁅id|RO|265031912###?|1965-03-19⁆⟧, domiciliată în ⟦A:Cluj-Napoca, str. Avram Iancu nr. 12, bl. C4, sc. 2, ap. 31⟧, telefon ⟦T:0744 512 903⟧
Soțul decedat: ⟦P:Ioan Pop⟧, CNP ⟦ID@RO:⁅id|RO|159102712###?|1959-10-27⁆⟧, decedat la 2 decembrie
Copil minor: ⟦P:Andreea Pop⟧, născută la ⟦DOB:21.06.2009⟧, elevă în clasa a IX-a
Cont pentru plată: ⟦IBAN:⁅iban|RO|BTRL################⁆⟧
""",
)
add(
    "pii",
    "hu",
    "kozgyogyellatas-kerelem-anya",
    "prose",
    """
Segíts megírni a közgyógyellátási igazolvány iránti kérelem indoklását édesanyám nevében.

Név: ⟦P:Szabó Jánosné⟧ (születési név: ⟦P:Kiss Erzsébet⟧)
Születési idő: ⟦DOB:1943. április 8.⟧
Lakcím: ⟦A:1139 Budapest, Váci út 87. 3. em. 12.⟧
Telefon: ⟦T:+36 30 412 7789⟧
Betegségek: ⟦MC:magas vérnyomás⟧, ⟦MC:2-es típusú cukorbetegség⟧, ⟦MC:szívelégtelenség⟧
Gyógyszerek: ⟦MED:Metformin⟧, ⟦MED:Tritace⟧, ⟦MED:Furon⟧ — havonta kb. 18 000 Ft
Nyugdíja havi 164 000 Ft, egyedül él. Kapcsolattartó: ⟦P:Szabó Réka⟧ (lánya).
""",
)
add(
    "pii",
    "tr",
    "otv-muafiyetli-arac-engelli",
    "form",
    """
Engelli raporuyla ÖTV muafiyetli araç alacağım. Noterde ve vergi dairesinde neler gerekiyor, bir liste yapar mısın? Bilgilerim:

Ad Soyad: ⟦P:Emre Karakaya⟧
T.C. Kimlik No: ⟦ID@TR:⁅id|TR|##########?⁆⟧
Doğum tarihi: ⟦DOB:12.09.1990⟧
Adres: ⟦A:Caferağa Mah. Moda Cad. No: 214 Daire: 7, 34710 Kadıköy/İstanbul⟧
Telefon: ⟦T:0532 418 27 66⟧
Rapor: %90 — ⟦MC:omurilik yaralanması⟧ (T10, ⟦MC:parapleji⟧), ⟦MC:tekerlekli sandalye⟧ kullanıyorum, araçta el kumandası gerekecek.
""",
)
add(
    "pii",
    "el",
    "opeka-epidoma-tyflotitas",
    "prose",
    """
Μπορείς να μου γράψεις μια αίτηση προς τον ΟΠΕΚΑ για επανεξέταση του επιδόματος τυφλότητας του πατέρα μου;

Ονοματεπώνυμο: ⟦P:Γεώργιος Αναστασιάδης⟧
ΑΜΚΑ: ⟦ID@GR:⁅id|GR|110348###1?|1948-03-11⁆⟧
Διεύθυνση: ⟦A:Εγνατίας 112, 546 30 Θεσσαλονίκη⟧
Τηλέφωνο: ⟦T:2310 245 871⟧, κινητό ⟦T:6944 718 205⟧
Πάθηση: ⟦MC:γλαύκωμα⟧ και στα δύο μάτια, ⟦MC:νομική τύφλωση⟧ από το 2021, ποσοστό αναπηρίας 80% από ΚΕΠΑ.
Την αίτηση την υποβάλλει ο γιος του, ⟦P:Νίκος Αναστασιάδης⟧.
""",
)
add(
    "pii",
    "lt",
    "elektrinis-vezimelis-prasymas",
    "prose",
    """
Padėk parašyti prašymą Techninės pagalbos neįgaliesiems centrui dėl elektrinio vežimėlio mano broliui.

Vardas, pavardė: ⟦P:Darius Vaitkevičius⟧
Asmens kodas: ⟦ID@LT:⁅id|LT|3790412###?|1979-04-12⁆⟧
Adresas: ⟦A:Savanorių pr. 176-42, LT-03154 Vilnius⟧
Tel.: ⟦T:+370 612 48305⟧
Diagnozė: ⟦MC:spinalinė raumenų atrofija⟧; dabar naudoja ⟦MC:mechaninį vežimėlį⟧, bet rankos vis silpnėja.
Kontaktinis asmuo: sesuo ⟦P:Rūta Vaitkevičiūtė⟧
""",
)
add(
    "pii",
    "uk",
    "dovidka-vpo-zmina-adresy",
    "form",
    """
Допоможи, будь ласка, скласти заяву до ЦНАПу про внесення змін до довідки ВПО — я переїхала в іншу квартиру у Львові.

ПІБ: ⟦P:Бондаренко Ірина Олегівна⟧
РНОКПП: ⟦ID@UA:⁅id|UA|31689###4?⁆⟧
Дата народження: ⟦DOB:05.10.1986⟧
Попередня адреса (до 2022): ⟦A:м. Маріуполь, просп. Миру, 78, кв. 15⟧
Нова адреса: ⟦A:м. Львів, вул. Городоцька, 174, кв. 56⟧
Телефон: ⟦T:+380 67 318 2490⟧
Зі мною син ⟦P:Матвій⟧, ⟦DOB:12.07.2014⟧ р. н., у нього ⟦MC:цукровий діабет 1 типу⟧.
""",
)
add(
    "pii",
    "ru",
    "nalogovyi-vychet-lechenie-mamy",
    "prose",
    """
Помоги составить сопроводительное письмо в налоговую к декларации 3-НДФЛ на социальный вычет за дорогостоящее лечение мамы.

Заявитель: ⟦P:Смирнов Алексей Викторович⟧, ИНН ⟦ID@RU:⁅id|RU|66########??⁆⟧
Адрес: ⟦A:620014, г. Екатеринбург, ул. Малышева, д. 51, кв. 87⟧
Телефон: ⟦T:+7 912 604-31-58⟧
Мама: ⟦P:Смирнова Галина Ивановна⟧, ⟦DOB:14.01.1952⟧ г. р. — в октябре ей сделали ⟦MC:эндопротезирование тазобедренного сустава⟧ (⟦MC:коксартроз⟧ 3 степени), сумма по справке 412 300 ₽, код услуги «2».
""",
)
add(
    "pii",
    "da",
    "stoette-til-bil-serviceloven",
    "prose",
    """
Kan du hjælpe mig med at formulere ansøgningen om støtte til køb af bil efter servicelovens § 114?

Navn: ⟦P:Mette Kjærgaard Rasmussen⟧
CPR: ⟦ID@DK:⁅id|DK|030291-###4|1991-02-03⁆⟧
Adresse: ⟦A:Vesterbrogade 112, 3. tv., 1620 København V⟧
Tlf.: ⟦T:28 45 17 93⟧
Diagnose: ⟦MC:muskelsvind⟧ (LGMD type 2A); jeg bruger ⟦MC:el-kørestol⟧ udendørs og kan ikke tage bus og tog i myldretiden.
Arbejde: 25 timer om ugen som bogholder i Valby.
""",
)
# ===========================================================================
# cred — English
# ===========================================================================
add(
    "cred",
    "en",
    "terraform-aws-provider-pr-review",
    "code",
    """
A contractor opened this PR against our infra repo. Review it — anything wrong besides formatting?

```hcl
provider "aws" {
  region     = "eu-west-1"
  access_key = "⟦K:AKIA⁅r|2|16⁆⟧"
  secret_key = "⟦K:⁅r|b|40⁆⟧"
}

resource "aws_db_instance" "orders" {
  identifier          = "orders-prod"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t4g.medium"
  allocated_storage   = 100
  username            = "orders_admin"
  password            = "⟦S:Qv7#mRt2!orders-DB⟧"
  skip_final_snapshot = true
}
```
""",
)
add(
    "cred",
    "en",
    "k8s-deployment-inline-env-crashloop",
    "yaml",
    """
The notifier pod is in CrashLoopBackOff with `invalid_auth` in the logs. Here's the deployment, what's wrong?

apiVersion: apps/v1
kind: Deployment
metadata:
  name: notifier
  namespace: prod
spec:
  replicas: 2
  selector:
    matchLabels: {app: notifier}
  template:
    metadata:
      labels: {app: notifier}
    spec:
      containers:
        - name: notifier
          image: ghcr.io/acme-labs/notifier:2.14.1
          env:
            - name: SLACK_BOT_TOKEN
              value: "⟦K:xoxb-⁅r|d|12⁆-⁅r|d|13⁆-⁅r|a|24⁆⟧"
            - name: DATABASE_URL
              value: "postgres://notifier:⟦S:hT4q8Lw2ZpXc⟧@pg-primary.db.svc.cluster.local:5432/notify?sslmode=require"
            - name: STRIPE_SECRET_KEY
              value: "⟦K:sk_live_51⁅r|a|97⁆⟧"
""",
)
add(
    "cred",
    "en",
    "cloud-init-user-data-vps",
    "yaml",
    """
This cloud-init user-data works on Hetzner but on the new provider the deploy user can't pull from git. Is the YAML indentation wrong somewhere?

#cloud-config
users:
  - name: deploy
    groups: sudo
    shell: /bin/bash
    ssh_authorized_keys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI⁅r|b|43⁆ ci@buildbox
chpasswd:
  expire: false
  users:
    - name: deploy
      password: ⟦S:Ferrous-Walnut-2291⟧
      type: text
write_files:
  - path: /home/deploy/.ssh/id_ed25519
    owner: deploy:deploy
    permissions: '0600'
    content: |
      ⟦PK:⁅ed|openssh|deploy@vps-web-02|ind6⁆⟧
runcmd:
  - sudo -u deploy git clone git@github.com:acme-labs/web.git /srv/web
""",
)
add(
    "cred",
    "en",
    "bitbucket-pipelines-npm-sonar",
    "yaml",
    """
Our Bitbucket pipeline started failing at `npm ci` with E401. Can you see why?

image: node:20

pipelines:
  default:
    - step:
        name: Build and analyse
        caches:
          - node
        script:
          - echo "//registry.npmjs.org/:_authToken=⟦K:npm_⁅r|a|36⁆⟧" > .npmrc
          - echo "@acme:registry=https://npm.pkg.github.com" >> .npmrc
          - echo "//npm.pkg.github.com/:_authToken=⟦K:ghp_⁅r|a|36⁆⟧" >> .npmrc
          - npm ci
          - npm test
          - npx sonar-scanner -Dsonar.token=⟦K:squ_⁅r|h|40⁆⟧ -Dsonar.host.url=https://sonar.acme.example
""",
)
add(
    "cred",
    "en",
    "go-refund-test-live-key",
    "code",
    """
This test passed locally but created a REAL refund in production yesterday. How do I make sure tests can never use a live key?

```go
func TestRefundFlow(t *testing.T) {
	stripe.Key = "⟦K:rk_live_51⁅r|a|97⁆⟧" // TODO: switch back to test key
	whSecret := "⟦S:whsec_⁅r|a|32⁆⟧"

	params := &stripe.RefundParams{PaymentIntent: stripe.String("pi_3PqLm2KZ8xYh0aB41c7Ge9Tt")}
	r, err := refund.New(params)
	if err != nil {
		t.Fatal(err)
	}
	payload := mustReadFixture(t, "charge_refunded.json")
	sig := signPayload(payload, whSecret)
	if _, err := webhook.ConstructEvent(payload, sig, whSecret); err != nil {
		t.Fatalf("signature: %v (refund %s)", err, r.ID)
	}
}
```
""",
)
add(
    "cred",
    "en",
    "java-receipt-mailer-sendgrid",
    "code",
    """
Refactor this so the mail sending is async and retries on 429. Keep it Java 17.

public class ReceiptMailer {
    private static final String SENDGRID_API_KEY = "⟦K:SG.⁅r|u|22⁆.⁅r|u|43⁆⟧";
    private final SendGrid client = new SendGrid(SENDGRID_API_KEY);

    public void sendReceipt(String to, String orderId, BigDecimal total) throws IOException {
        Email from = new Email("receipts@shop.example");
        Content body = new Content("text/plain", "Thanks for order " + orderId + ", total " + total);
        Mail mail = new Mail(from, "Your receipt", new Email(to), body);
        Request req = new Request();
        req.setMethod(Method.POST);
        req.setEndpoint("mail/send");
        req.setBody(mail.build());
        Response resp = client.api(req);
        if (resp.getStatusCode() >= 400) throw new IOException(resp.getBody());
    }
}
""",
)
add(
    "cred",
    "en",
    "jupyter-boto3-expired-sts",
    "code",
    """
Getting ExpiredToken in my notebook even though I just pasted fresh credentials from the SSO portal:

In [3]:
import boto3
session = boto3.Session(
    aws_access_key_id="⟦K:ASIA⁅r|2|16⁆⟧",
    aws_secret_access_key="⟦K:⁅r|b|40⁆⟧",
    aws_session_token="⟦K:IQoJb3JpZ2luX2VjE⁅r|b|356⁆⟧",
    region_name="us-east-1",
)
s3 = session.client("s3")
s3.list_objects_v2(Bucket="lab-exports-2025", Prefix="plates/")

ClientError: An error occurred (ExpiredToken) when calling the ListObjectsV2 operation: The provided token has expired.
""",
)
add(
    "cred",
    "en",
    "flyway-reporting-roles-migration",
    "sql",
    """
Flyway fails on this migration with `role "reporting_ro" already exists` on the second environment. Make it idempotent (Postgres 15):

-- V42__reporting_roles.sql
CREATE ROLE reporting_ro LOGIN PASSWORD '⟦S:Rp0rt!ng-ro-2024⟧';
GRANT CONNECT ON DATABASE analytics TO reporting_ro;
GRANT USAGE ON SCHEMA mart TO reporting_ro;
GRANT SELECT ON ALL TABLES IN SCHEMA mart TO reporting_ro;

-- rotated after the audit
ALTER ROLE reporting_ro WITH PASSWORD '⟦S:tamarind-Quay-41⟧';

-- personal analyst logins
CREATE ROLE "⟦U:k.osei⟧" LOGIN PASSWORD '⟦S:Xc9-vintage-Moth⟧' IN ROLE analysts;
CREATE ROLE "⟦U:m.lindgren⟧" LOGIN PASSWORD '⟦S:pebble7Harbor!⟧' IN ROLE analysts;
""",
)
add(
    "cred",
    "en",
    "psycopg2-dsn-at-sign",
    "code",
    """
The ETL job dies with this. My password has an @ and a ! in it, could that be the problem? How should I write the DSN?

Traceback (most recent call last):
  File "/opt/etl/jobs/load_orders.py", line 37, in <module>
    conn = psycopg2.connect(DSN)
  File "/usr/lib/python3/dist-packages/psycopg2/__init__.py", line 122, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
psycopg2.OperationalError: connection to server at "10.20.3.17", port 5432 failed: FATAL:  password authentication failed for user "etl_loader"

$ echo $DSN
postgresql://etl_loader:⟦S:pX9@rT!m2v⟧@10.20.3.17:5432/warehouse?sslmode=require
""",
)
add(
    "cred",
    "en",
    "kubectl-secret-shell-history",
    "command",
    """
I think I did something stupid. This is from my shell history on the shared jump host. What exactly is exposed and what should I rotate?

 1012  kubectl config use-context prod-eu
 1013  kubectl -n api create secret generic api-secrets --from-literal=OPENAI_API_KEY=⟦K:sk-proj-⁅r|u|74⁆T3BlbkFJ⁅r|u|74⁆⟧ --from-literal=REDIS_PASSWORD=⟦S:⁅r|a|32⁆⟧ --dry-run=client -o yaml | kubectl apply -f -
 1014  kubectl -n api rollout restart deploy/api
 1015  kubectl -n api get secret api-secrets -o jsonpath='{.data.REDIS_PASSWORD}' | base64 -d
 1016  history | tail
""",
)
add(
    "cred",
    "en",
    "expo-env-bundle-question",
    "env",
    """
Which of these can safely end up in the Expo app bundle and which must stay on the server?

EXPO_PUBLIC_SUPABASE_URL=https://qzkfrlmwtbnxaodpvhce.supabase.co
EXPO_PUBLIC_SUPABASE_ANON_KEY=⁅jwt|HS256|{"iss":"supabase","ref":"qzkfrlmwtbnxaodpvhce","role":"anon","iat":1718030000,"exp":2033606000}⁆
SUPABASE_SERVICE_ROLE_KEY=⟦K:⁅jwt|HS256|{"iss":"supabase","ref":"qzkfrlmwtbnxaodpvhce","role":"service_role","iat":1718030000,"exp":2033606000}⁆⟧
OPENAI_API_KEY=⟦K:sk-proj-⁅r|u|74⁆T3BlbkFJ⁅r|u|74⁆⟧
SENTRY_AUTH_TOKEN=⟦K:sntryu_⁅r|h|64⁆⟧
EXPO_PUBLIC_POSTHOG_KEY=phc_⁅r|a|43⁆
""",
)
add(
    "cred",
    "en",
    "gcloud-adc-authorized-user",
    "json",
    """
My colleague sent me his application_default_credentials.json so I can run the BigQuery notebook. Is that OK? And why does it say "quota project not set"?

{
  "account": "",
  "client_id": "⁅r|d|12⁆-⁅r|l|32⁆.apps.googleusercontent.com",
  "client_secret": "⟦K:GOCSPX-⁅r|u|28⁆⟧",
  "refresh_token": "⟦S:1//0⁅r|u|99⁆⟧",
  "type": "authorized_user",
  "universe_domain": "googleapis.com"
}
""",
)
add(
    "cred",
    "en",
    "azure-blob-sas-403",
    "http",
    """
Uploads with this SAS give 403 AuthenticationFailed ("Signature did not match"). The function app uses the connection string below to generate it. What am I doing wrong?

PUT /invoices/2025/01/inv-10023.pdf?sv=2022-11-02&ss=b&srt=co&sp=rwdlacytfx&se=2025-02-01T18:00:00Z&st=2025-01-10T10:00:00Z&spr=https&sig=⟦S:⁅b64|32|pct⁆⟧ HTTP/1.1
Host: stcontosoinvoices01.blob.core.windows.net
x-ms-blob-type: BlockBlob
Content-Type: application/pdf
Content-Length: 48213

Connection string:
DefaultEndpointsProtocol=https;AccountName=stcontosoinvoices01;AccountKey=⟦K:⁅b64|64⁆⟧;EndpointSuffix=core.windows.net
""",
)
add(
    "cred",
    "en",
    "restic-nas-backup-script",
    "command",
    """
Can you add proper error handling and a lock check to my backup script? It runs from cron on the NAS.

#!/usr/bin/env bash
export AWS_ACCESS_KEY_ID=⟦K:⁅r|A|20⁆⟧
export AWS_SECRET_ACCESS_KEY=⟦K:⁅r|a|40⁆⟧
export RESTIC_REPOSITORY=s3:https://s3.eu-central-2.wasabisys.com/nas-backup-restic
export RESTIC_PASSWORD='⟦S:lantern-Moss-quarry-57-otter⟧'

restic backup /volume1/photos /volume1/docs --exclude-caches
if [ $? -ne 0 ]; then
  curl -s -X POST -H 'Content-type: application/json' \\
    --data '{"text":"restic backup FAILED on nas01"}' \\
    ⟦K:https://hooks.slack.com/services/T⁅r|A|10⁆/B⁅r|A|10⁆/⁅r|a|24⁆⟧
fi
restic forget --keep-daily 7 --keep-weekly 5 --keep-monthly 12 --prune
""",
)
add(
    "cred",
    "en",
    "uptime-kuma-notification-export",
    "json",
    r"""
I exported my Uptime Kuma backup to move to 2.0 but the notifications don't come across. Here's the relevant part of the export:

{"version":"1.23.16","notificationList":[{"id":1,"name":"Discord #alerts","config":"{\"name\":\"Discord #alerts\",\"type\":\"discord\",\"discordWebhookUrl\":\"⟦K:https://discord.com/api/webhooks/13⁅r|d|17⁆/⁅r|u|68⁆⟧\",\"isDefault\":true}","active":1,"is_default":1},{"id":2,"name":"Telegram","config":"{\"name\":\"Telegram\",\"type\":\"telegram\",\"telegramBotToken\":\"⟦K:⁅r|d|10⁆:AA⁅r|u|33⁆⟧\",\"telegramChatID\":\"-100193487⁅r|d|4⁆\"}","active":1,"is_default":0}]}
""",
)
add(
    "cred",
    "en",
    "openai-incorrect-key-notebook",
    "code",
    """
Why does this say incorrect key? I copied it straight from the dashboard.

from openai import OpenAI
client = OpenAI(api_key="⟦K:sk-proj-⁅r|u|74⁆T3BlbkFJ⁅r|u|70⁆MkQA⟧")
resp = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "ping"}])

AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-********************************************************************************************************************************************MkQA. You can find your API key at https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}
""",
)
add(
    "cred",
    "en",
    "aider-conf-yml",
    "yaml",
    """
aider ignores my model setting and keeps using the default. This is my ~/.aider.conf.yml:

model: sonnet
editor-model: openrouter/deepseek/deepseek-chat
anthropic-api-key: ⟦K:sk-ant-api03-⁅r|u|93⁆AA⟧
api-key:
  - openrouter=⟦K:sk-or-v1-⁅r|h|64⁆⟧
auto-commits: false
dark-mode: true
""",
)
add(
    "cred",
    "en",
    "sign-in-with-apple-client-secret",
    "code",
    """
Apple returns `invalid_client` when I exchange the code. This is how I build the client secret in Node — see anything off?

const jwt = require('jsonwebtoken');

const privateKey = `⟦PK:⁅ec|pkcs8⁆⟧`;

function appleClientSecret() {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { iss: 'K8T2Q9XJ4M', iat: now, exp: now + 86400 * 180, aud: 'https://appleid.apple.com', sub: 'com.fieldnote.web' },
    privateKey,
    { algorithm: 'ES256', keyid: 'X7Q2K9M4PL' }
  );
}
""",
)
add(
    "cred",
    "en",
    "python3-saml-settings-json",
    "json",
    """
python3-saml says "SP private key not found" but it's right there in settings.json. Does the key need to be on one line without the header?

{
  "strict": true,
  "debug": false,
  "sp": {
    "entityId": "https://hr.fieldnote.example/saml/metadata",
    "assertionConsumerService": {"url": "https://hr.fieldnote.example/saml/acs", "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"},
    "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "privateKey": "⟦PK:⁅rsa|2048|pkcs8|esc⁆⟧"
  },
  "idp": {
    "entityId": "https://sts.windows.net/⁅uuid⁆/",
    "singleSignOnService": {"url": "https://login.microsoftonline.com/⁅uuid⁆/saml2", "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"}
  }
}
""",
)
add(
    "cred",
    "en",
    "insomnia-admin-request-403",
    "http",
    """
This request from Insomnia gives 403 insufficient_scope but my user is an admin. I'm going through our proxy from home. Copied as raw HTTP:

GET /v2/admin/users?page=3&per_page=50 HTTP/1.1
Host: api.staging.fieldnote.example
Authorization: Bearer ⟦S:⁅jwt|RS256|{"iss":"https://fieldnote.eu.auth0.com/","sub":"auth0|65f1c2a9b03e7d1a2c4f8e91","aud":"https://api.fieldnote.example","iat":1736497200,"exp":1736583600,"scope":"openid profile read:users"}⁆⟧
Cookie: fn_session=⟦S:⁅r|u|43⁆⟧; fn_csrf=⟦S:⁅r|h|32⁆⟧
Accept: application/json
X-Forwarded-For: ⟦IP:83.24.117.39⟧
User-Agent: insomnia/10.1.1
""",
)
add(
    "cred",
    "en",
    "mongoose-atlas-connection",
    "code",
    """
Mongoose throws `MongoServerError: bad auth : authentication failed`. I reset the password in Atlas an hour ago.

const mongoose = require('mongoose');

mongoose
  .connect('mongodb+srv://⟦U:dhruv_m⟧:⟦S:Gulmohar%402019⟧@cluster0.k3x9p.mongodb.net/shopdb?retryWrites=true&w=majority')
  .then(() => console.log('connected'))
  .catch((err) => console.error(err));
""",
)
add(
    "cred",
    "en",
    "1password-new-phone-secret-key",
    "prose",
    """
Setting up 1Password on my new phone and it keeps saying the Secret Key is wrong. From my Emergency Kit: sign-in address my.1password.com, email ⟦E:f.quartey@example.net⟧, Secret Key ⟦S:A3-⁅r|A|6⁆-⁅r|A|6⁆-⁅r|A|5⁆-⁅r|A|5⁆-⁅r|A|5⁆-⁅r|A|5⁆⟧, master password ⟦S:Osu castle 4 kelewele!⟧. I typed it exactly like that. Which characters in Secret Keys get confused most often, and is there another way to add the account?
""",
)
add(
    "cred",
    "en",
    "whatsapp-code-forwarded-mum",
    "prose",
    """
My mum ⟦P:Pauline⟧ got a WhatsApp from her friend ⟦P:Margaret Hollis⟧ (⟦T:07964 118205⟧) saying she'd sent a code to mum's phone "by mistake" and could she forward it. Mum sent it: ⟦S:417-902⟧. Ten minutes later mum was logged out on her number ⟦T:07817 552093⟧. Her two-step verification PIN was ⟦S:260719⟧ (grandson's birthday, I know). ⟦P:Margaret⟧'s account was obviously hijacked first. What's the fastest way to get mum's account back and warn her contacts?
""",
)
add(
    "cred",
    "en",
    "renovate-self-hosted-config",
    "code",
    """
Self-hosted Renovate can't see our private GitHub Packages. This is config.js — is the hostRules part right?

module.exports = {
  platform: 'github',
  endpoint: 'https://api.github.com/',
  token: '⟦K:github_pat_11⁅r|A|20⁆_⁅r|a|59⁆⟧',
  autodiscover: false,
  repositories: ['acme-labs/web', 'acme-labs/api'],
  hostRules: [
    { matchHost: 'npm.pkg.github.com', hostType: 'npm', token: '⟦K:ghp_⁅r|a|36⁆⟧' },
    { matchHost: 'registry.npmjs.org', hostType: 'npm', token: '⟦K:npm_⁅r|a|36⁆⟧' },
  ],
  onboarding: false,
};
""",
)
add(
    "cred",
    "en",
    "vault-login-kv-get-paste",
    "command",
    """
The payments service reads these from Vault but gets 403 from SendGrid. Output from my terminal:

$ vault login ⟦K:hvs.CAESI⁅r|u|86|@vt⁆⟧
Success! You are now authenticated.
Key                  Value
---                  -----
token                ⟦K:hvs.CAESI⁅r|u|86|@vt⁆⟧
token_accessor       ⁅r|a|24⁆
token_duration       768h
token_renewable      true
token_policies       ["default" "payments-ro"]

$ vault kv get -mount=secret payments/prod
====== Data ======
Key                  Value
---                  -----
db_password          ⟦S:⁅r|a|28⁆⟧
sendgrid_api_key     ⟦K:SG.⁅r|u|22⁆.⁅r|u|43⁆⟧
stripe_secret_key    ⟦K:rk_live_51⁅r|a|97⁆⟧
""",
)
add(
    "cred",
    "en",
    "luks-passphrase-keyboard-layout",
    "prose",
    """
After switching my laptop to Dvorak, the LUKS prompt at boot rejects my passphrase. The passphrase is ⟦S:Zebra-Tundra-91!k⟧ and my Ubuntu login is ⟦U:jtorvik⟧ with password ⟦S:fjord&Pine2020⟧. I can still boot from a live USB. How do I check which layout the initramfs uses and add a second keyslot that's safe to type on both layouts?
""",
)
# ===========================================================================
# cred — other languages
# ===========================================================================
add(
    "cred",
    "de",
    "davx5-nextcloud-app-passwort",
    "prose",
    """
Ich richte bei meiner Mutter ⟦P:Ingrid⟧ DAVx5 ein, damit Kalender und Kontakte mit der Nextcloud unseres Sportvereins synchronisieren. Server ist https://cloud.tsv-hohenbrunn.example, Benutzername ⟦U:ingrid.albrecht⟧, App-Passwort ⟦S:⁅r|a|5⁆-⁅r|a|5⁆-⁅r|a|5⁆-⁅r|a|5⁆-⁅r|a|5⁆⟧. Ihr normales Nextcloud-Passwort ist ⟦S:Hohenbrunn1962!⟧ – das soll ich dort nicht eintragen, oder? DAVx5 meldet trotzdem „401 Unauthorized“. Woran kann das liegen?
""",
)
add(
    "cred",
    "de",
    "sipgate-sms-erinnerung-python",
    "code",
    """
Warum bekomme ich von der sipgate-API immer 403? Das Skript soll Terminerinnerungen per SMS verschicken.

import requests

TOKEN_ID = "token-QX7R2D"
TOKEN = "⟦K:⁅uuid⁆⟧"

def sende_erinnerung(nummer: str, text: str) -> None:
    r = requests.post(
        "https://api.sipgate.com/v2/sessions/sms",
        auth=(TOKEN_ID, TOKEN),
        json={"smsId": "s0", "recipient": nummer, "message": text},
        timeout=10,
    )
    r.raise_for_status()
""",
)
add(
    "cred",
    "fr",
    "ameli-connexion-code-sms",
    "prose",
    """
Je n'arrive plus à me connecter à mon compte ameli. J'entre mon numéro de sécurité sociale ⟦ID@FR:⁅id|FR|2 71 03 13 055 ### ??⁆⟧ et mon mot de passe ⟦S:Provence13!marius⟧, puis le code reçu par SMS, ⟦S:582047⟧, mais on me répond « code expiré ». J'ai redemandé un code (⟦S:913604⟧), même message. Je m'appelle ⟦P:Odile Fabre⟧. Qu'est-ce que je peux faire à part appeler le 3646 ?
""",
)
add(
    "cred",
    "fr",
    "ovh-api-renouvellement-dns",
    "ini",
    """
Mon script de renouvellement de certificats via l'API OVH (challenge DNS) renvoie « This credential is not valid ». Voici mon ovh.conf, il manque quelque chose ?

[default]
endpoint=ovh-eu

[ovh-eu]
application_key=⁅r|a|16⁆
application_secret=⟦K:⁅r|a|32⁆⟧
consumer_key=⟦K:⁅r|a|32⁆⟧

; droits demandés : GET/POST/DELETE /domain/zone/atelier-merle.example/*
""",
)
add(
    "cred",
    "es",
    "clave-pin-renta-padre",
    "prose",
    """
Estoy haciendo la declaración de la renta de mi padre, ⟦P:Anselmo Ortega Rius⟧, con Cl@ve PIN. Pongo su DNI ⟦ID@ES:⁅id|ES|########?⁆⟧, la fecha de validez del DNI y el PIN que le ha llegado al móvil, ⟦S:K7M⟧, y me dice «PIN no válido». También tengo su número de referencia de la renta, ⟦S:⁅r|A|6⁆⟧, pero no sé si sirve para lo mismo. ¿Qué estoy haciendo mal?
""",
)
add(
    "cred",
    "es",
    "redsys-firma-php-produccion",
    "code",
    """
Paso de pruebas a producción con Redsys y ahora todas las operaciones dan SIS0042 (error en la firma). ¿Ves el fallo?

<?php
require_once 'apiRedsys.php';
$miObj = new RedsysAPI;
$miObj->setParameter("DS_MERCHANT_AMOUNT", $importe);
$miObj->setParameter("DS_MERCHANT_ORDER", $pedido);
$miObj->setParameter("DS_MERCHANT_MERCHANTCODE", "999008881");
$miObj->setParameter("DS_MERCHANT_CURRENCY", "978");
$miObj->setParameter("DS_MERCHANT_TRANSACTIONTYPE", "0");
$miObj->setParameter("DS_MERCHANT_TERMINAL", "1");
$claveSHA256 = '⟦S:⁅b64|24⁆⟧'; // clave secreta del comercio (producción)
$params = $miObj->createMerchantParameters();
$firma = $miObj->createMerchantSignature($claveSHA256);
""",
)
add(
    "cred",
    "es",
    "dian-facturacion-electronica-config",
    "yaml",
    """
La DIAN me rechaza las facturas con «Rechazo FAD06: NIT del emisor no coincide». Soy persona natural. Esta es la configuración de mi facturador, ¿qué está mal?

facturacion:
  ambiente: produccion
  emisor:
    razon_social: "⟦P:JORGE ENRIQUE CASTAÑO RÍOS⟧"
    nit: "⟦ID@CO:⁅id|CO|79.###.###-?⁆⟧"
    regimen: "No responsable de IVA"
  software:
    id: "⁅uuid⁆"
    pin: "⟦S:⁅r|d|5⁆⟧"
  certificado:
    ruta: /etc/fe/certificado.p12
    clave: "⟦S:Cafetal#Manizales77⟧"
  numeracion:
    prefijo: FE
    resolucion: "18764057219834"
""",
)
add(
    "cred",
    "it",
    "spid-poste-nonna-otp",
    "prose",
    """
Mia nonna ⟦P:Carmela⟧ non riesce più ad entrare con lo SPID di Poste. Il nome utente è ⟦E:carmela.iacono47@example.it⟧, la password ⟦S:Girasole#1947⟧, e sull'app PosteID il codice è ⟦S:⁅r|d|6⁆⟧. Quando proviamo da telefono ci arriva l'SMS con il codice ⟦S:⁅r|d|6⁆⟧ ma il sito dice che è scaduto. Cosa possiamo fare senza andare all'ufficio postale?
""",
)
add(
    "cred",
    "it",
    "satispay-firma-richieste-node",
    "code",
    """
Satispay mi risponde 401 "invalid signature" su ogni chiamata. Sto firmando così, dove sbaglio?

const crypto = require('crypto');

const KEY_ID = '⁅r|l|50⁆';
const PRIVATE_KEY = `⟦PK:⁅rsa|2048|pkcs1⁆⟧`;

function firma(method, path, body, date) {
  const digest = 'SHA-256=' + crypto.createHash('sha256').update(body).digest('base64');
  const str = `(request-target): ${method.toLowerCase()} ${path}\\nhost: authservices.satispay.com\\ndate: ${date}\\ndigest: ${digest}`;
  const sig = crypto.createSign('RSA-SHA256').update(str).sign(PRIVATE_KEY, 'base64');
  return `Signature keyId="${KEY_ID}", algorithm="rsa-sha256", headers="(request-target) host date digest", signature="${sig}"`;
}
""",
)
add(
    "cred",
    "pt",
    "golpe-central-falsa-pix",
    "prose",
    """
Minha tia ⟦P:Cida⟧ caiu num golpe da falsa central. Ligaram dizendo que era do banco, ela passou a senha do aplicativo, ⟦S:⁅r|d|6⁆⟧, e a senha de 4 dígitos do cartão, ⟦S:⁅r|d|4⁆⟧. A chave Pix dela é o CPF, ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧. Fizeram dois Pix de R$ 4.900 para uma conta em nome de ⟦P:Wellington Souza Lima⟧. O que ela faz agora? Dá para pedir devolução pelo MED?
""",
)
add(
    "cred",
    "pt",
    "loja-online-env-ifthenpay",
    "env",
    """
Estou a mudar a loja para outro alojamento. Este é o .env de produção — quais destas chaves tenho de regenerar depois da migração?

APP_ENV=production
APP_URL=https://azulejos-da-ribeira.example
IFTHENPAY_BACKOFFICE_KEY=⟦K:⁅r|d|4⁆-⁅r|d|4⁆-⁅r|d|4⁆-⁅r|d|4⁆⟧
IFTHENPAY_MBWAY_KEY=⟦K:⁅r|U|3⁆-⁅r|d|6⁆⟧
IFTHENPAY_ANTI_PHISHING_KEY=⟦S:⁅r|a|40⁆⟧
MAIL_HOST=smtp.alojamento.example
MAIL_USERNAME=encomendas@azulejos-da-ribeira.example
MAIL_PASSWORD=⟦S:Ribeira-2023!azul⟧
""",
)
add(
    "cred",
    "nl",
    "webshopchat-pincode-per-ongeluk",
    "prose",
    """
Ik zat te chatten met de klantenservice van een webshop en heb per ongeluk mijn kaartgegevens in de chat geplakt. Dit staat er nu:

[14:02] Klantenservice: Kunt u het bestelnummer geven?
[14:03] Ik: 1049-2281-7730
[14:03] Ik: ⟦CC:⁅card|5|xxxx xxxx xxxx xxxx⁆⟧ 09/27 cvc ⟦S:⁅r|d|3⁆⟧
[14:04] Ik: sorry verkeerde, pincode is ⟦S:⁅r|d|4⁆⟧
[14:04] Klantenservice: Deelt u alstublieft nooit uw pincode.

Mijn naam is ⟦P:Sanne Verhoeven⟧. Moet ik de kaart meteen blokkeren of kan ik vragen of ze de chat verwijderen?
""",
)
add(
    "cred",
    "nl",
    "bol-retailer-api-token",
    "code",
    """
Mijn script om bestellingen bij bol op te halen krijgt sinds gisteren 401. Wat is er mis?

import requests

CLIENT_ID = "⁅uuid⁆"
CLIENT_SECRET = "⟦K:⁅r|u|86⁆⟧"

tok = requests.post(
    "https://login.bol.com/token?grant_type=client_credentials",
    auth=(CLIENT_ID, CLIENT_SECRET),
    headers={"Accept": "application/json"},
).json()["access_token"]
orders = requests.get(
    "https://api.bol.com/retailer/orders",
    headers={"Authorization": f"Bearer {tok}", "Accept": "application/vnd.retailer.v10+json"},
)
""",
)
add(
    "cred",
    "pl",
    "mbank-podejrzany-sms-kod",
    "prose",
    """
Dostałem SMS z kodem do logowania w mBanku, ⟦S:⁅r|d|8⁆⟧, którego nie zamawiałem, a pół godziny później maila o „zmianie urządzenia zaufanego” z adresu IP ⟦IP:2a02:a31a:4143:e800:9d1:6f2c:1b7e:3a40⟧ (to nie mój, ja mam ⟦IP:178.43.201.86⟧). Mój identyfikator to ⟦U:⁅r|d|8⁆⟧, hasło ⟦S:Bursztyn!Gdynia88⟧. Nikomu ich nie podawałem, ale w zeszłym tygodniu logowałem się z linku z maila od „InPostu”. Co mam teraz zrobić po kolei?
""",
)
add(
    "cred",
    "pl",
    "allegro-rest-api-odswiezanie-tokenu",
    "code",
    """
Odświeżanie tokenu Allegro zwraca invalid_grant. Fragment kodu:

ALLEGRO_CLIENT_ID = "⁅r|h|32|@cid⁆"
ALLEGRO_CLIENT_SECRET = "⟦K:⁅r|a|64⁆⟧"
REFRESH_TOKEN = "⟦S:⁅jwt|RS256|{"user_name":"⁅r|d|8⁆","scope":["allegro:api:orders:read","allegro:api:sale:offers:write"],"ati":"⁅uuid⁆","exp":1739836800,"client_id":"⁅r|h|32|@cid⁆"}⁆⟧"

def odswiez():
    r = requests.post(
        "https://allegro.pl/auth/oauth/token",
        auth=(ALLEGRO_CLIENT_ID, ALLEGRO_CLIENT_SECRET),
        data={"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN},
    )
    return r.json()
""",
)
add(
    "cred",
    "sv",
    "tibber-pulse-websocket",
    "code",
    """
Varför får jag "Unauthorized" när jag kopplar upp mig mot Tibber Pulse-strömmen? Query-anropet fungerar med samma token.

TIBBER_TOKEN = "⟦K:⁅r|u|43⁆⟧"
HOME_ID = "⁅uuid⁆"

async def stream():
    async with websockets.connect(
        "wss://websocket-api.tibber.com/v1-beta/gql/subscriptions",
        subprotocols=["graphql-transport-ws"],
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": TIBBER_TOKEN}}))
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "subscription{liveMeasurement(homeId:\\"%s\\"){power accumulatedConsumption}}" % HOME_ID}}))
""",
)
add(
    "cred",
    "sv",
    "foreningens-instagram-reservkoder",
    "prose",
    """
Vi har tappat åtkomsten till körens Instagram sedan ordföranden bytte telefon. I överlämningsmejlet från förra styrelsen står lösenordet ⟦S:Sopran&Alt2019⟧ och de här reservkoderna: ⟦S:⁅r|d|4⁆ ⁅r|d|4⁆⟧, ⟦S:⁅r|d|4⁆ ⁅r|d|4⁆⟧, ⟦S:⁅r|d|4⁆ ⁅r|d|4⁆⟧, ⟦S:⁅r|d|4⁆ ⁅r|d|4⁆⟧ och ⟦S:⁅r|d|4⁆ ⁅r|d|4⁆⟧. Instagram säger att koden är ogiltig. Används de uppifrån och ner, och går det att få nya utan den gamla telefonen?
""",
)
add(
    "cred",
    "fi",
    "maventa-verkkolasku-api",
    "code",
    """
Maventan token-kutsu palauttaa 401. Onko scope väärin vai avaimet?

MAVENTA_COMPANY_ID = "⁅uuid⁆"
MAVENTA_API_KEY = "⟦K:⁅uuid⁆⟧"
MAVENTA_VENDOR_API_KEY = "⟦K:⁅uuid⁆⟧"

resp = requests.post(
    "https://ax.maventa.com/oauth2/token",
    data={
        "grant_type": "client_credentials",
        "client_id": MAVENTA_COMPANY_ID,
        "client_secret": MAVENTA_API_KEY,
        "vendor_api_key": MAVENTA_VENDOR_API_KEY,
        "scope": "eui global company lookup",
    },
)
""",
)
add(
    "cred",
    "cs",
    "fio-api-cron-vypisy",
    "command",
    """
Cron mi každou noc stahuje výpisy z Fio, ale od pondělí dostávám HTTP 409. Co to znamená a jak to opravit?

#!/bin/sh
TOKEN="⟦K:⁅r|a|64⁆⟧"
OD=$(date -d '-7 days' +%F)
DO=$(date +%F)
curl -s "https://fioapi.fio.cz/v1/rest/periods/${TOKEN}/${OD}/${DO}/transactions.json" \\
  -o /var/lib/ucetnictvi/fio-$(date +%F).json
""",
)
add(
    "cred",
    "ro",
    "emag-marketplace-api-php",
    "code",
    """
API-ul eMAG Marketplace îmi răspunde „Authentication failed”. Am verificat userul și parola de mai multe ori. Unde greșesc?

<?php
$user = 'contact@magazin-ceai.example';
$pass = '⟦S:Ceai2024#verde⟧';
$hash = base64_encode($user . ':' . $pass);

$ch = curl_init('https://marketplace-api.emag.ro/api-3/order/read');
curl_setopt($ch, CURLOPT_HTTPHEADER, ['Authorization: Basic ' . $hash]);
curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query(['data' => ['status' => 1]]));
// din log: Authorization: Basic ⟦S:Y29udGFjdEBtYWdhemluLWNlYWkuZXhhbXBsZTpDZWFpMjAyNCN2ZXJkZQ==⟧
""",
)
add(
    "cred",
    "hu",
    "billingo-szamla-api-js",
    "code",
    """
A Billingo API 401-et ad vissza, pedig most generáltam új kulcsot. Mi lehet a baj?

import axios from 'axios';

const billingo = axios.create({
  baseURL: 'https://api.billingo.hu/v3',
  headers: { 'X-API-KEY': '⟦K:⁅uuid⁆⟧', 'Content-Type': 'application/json' },
});

export async function szamlaKiallitas(partnerId, tetelek) {
  const { data } = await billingo.post('/documents', { partner_id: partnerId, block_id: 0, type: 'invoice', payment_method: 'wire_transfer', items: tetelek });
  return data;
}
""",
)
add(
    "cred",
    "tr",
    "netgsm-sms-eczane-python",
    "code",
    """
Netgsm'den SMS gönderirken sürekli "30" hata kodu alıyorum. Kullanıcı kodu ve şifre doğru. Kod şöyle:

NETGSM_USERCODE = "850⁅r|d|7⁆"
NETGSM_PASSWORD = "⟦S:Eczane.Moda34⟧"
NETGSM_HEADER = "MODAECZANE"

def sms_gonder(numara, mesaj):
    params = {"usercode": NETGSM_USERCODE, "password": NETGSM_PASSWORD, "gsmno": numara, "message": mesaj, "msgheader": NETGSM_HEADER}
    return requests.get("https://api.netgsm.com.tr/sms/send/get", params=params, timeout=10).text
""",
)
add(
    "cred",
    "el",
    "mydata-aade-csharp",
    "code",
    """
Το myDATA μου επιστρέφει 401 όταν στέλνω τιμολόγια. Έλεγξα τα headers, δες μήπως βλέπεις κάτι:

var client = new HttpClient { BaseAddress = new Uri("https://mydatapi.aade.gr/myDATA/") };
client.DefaultRequestHeaders.Add("aade-user-id", "⟦U:logistiki.kostaki⟧");
client.DefaultRequestHeaders.Add("Ocp-Apim-Subscription-Key", "⟦K:⁅r|h|32⁆⟧");
var xml = new StringContent(invoiceXml, Encoding.UTF8, "application/xml");
var resp = await client.PostAsync("SendInvoices", xml);
Console.WriteLine(await resp.Content.ReadAsStringAsync());
""",
)
add(
    "cred",
    "lt",
    "montonio-mokejimai-js",
    "code",
    """
Montonio grąžina „Invalid token“ kuriant užsakymą. Ar teisingai pasirašau JWT?

const jwt = require('jsonwebtoken');

const ACCESS_KEY = '⁅uuid⁆';
const SECRET_KEY = '⟦K:⁅r|u|44⁆⟧';

const payload = {
  accessKey: ACCESS_KEY,
  merchantReference: 'UZS-2025-0192',
  returnUrl: 'https://knygynas-vilnius.example/grazinti',
  notificationUrl: 'https://knygynas-vilnius.example/api/montonio',
  grandTotal: 42.5,
  currency: 'EUR',
};
const token = jwt.sign(payload, SECRET_KEY, { algorithm: 'HS256', expiresIn: '10m' });
""",
)
add(
    "cred",
    "uk",
    "monobank-api-client-info",
    "command",
    """
Хочу зробити табличку витрат через API monobank. Чому запит на виписку повертає 429, якщо client-info працює? Ось що я роблю:

$ curl -s -H "X-Token: ⟦K:u⁅r|u|43|@mono⁆⟧" https://api.monobank.ua/personal/client-info
{"clientId":"⁅r|a|10⁆","name":"⟦P:Шевчук Андрій⟧","webHookUrl":"","permissions":"psfj","accounts":[{"id":"⁅r|u|22⁆","sendId":"⁅r|a|10⁆","balance":1843266,"creditLimit":0,"type":"black","currencyCode":980,"cashbackType":"UAH","maskedPan":["537541******4127"],"iban":"⟦IBAN:⁅iban|UA|322001###################⁆⟧"}]}

$ for i in 1 2 3; do curl -s -H "X-Token: ⟦K:u⁅r|u|43|@mono⁆⟧" https://api.monobank.ua/personal/statement/0/1735689600; done
""",
)
add(
    "cred",
    "ru",
    "aiogram-bot-yookassa",
    "code",
    """
Бот на aiogram не принимает оплату — ЮKassa отвечает 401. Ключи взял из личного кабинета. Посмотри конфиг:

# config.py
BOT_TOKEN = "⟦K:⁅r|d|10⁆:AA⁅r|u|33⁆⟧"
YOOKASSA_SHOP_ID = "⁅r|d|6⁆"
YOOKASSA_SECRET_KEY = "⟦K:live_⁅r|u|43⁆⟧"
ADMIN_CHAT_ID = -100⁅r|d|10⁆

# payments.py
Configuration.account_id = YOOKASSA_SHOP_ID
Configuration.secret_key = YOOKASSA_SECRET_KEY
""",
)
add(
    "cred",
    "da",
    "e-conomic-rest-csharp",
    "code",
    """
Hvorfor får jeg "Unauthorized" fra e-conomic REST-API'et? Tokens er kopieret fra udviklerportalen.

using var http = new HttpClient { BaseAddress = new Uri("https://restapi.e-conomic.com/") };
http.DefaultRequestHeaders.Add("X-AppSecretToken", "⟦K:⁅r|a|43⁆⟧");
http.DefaultRequestHeaders.Add("X-AgreementGrantToken", "⟦K:⁅r|a|43⁆⟧");
var kunder = await http.GetStringAsync("customers?pagesize=100");
Console.WriteLine(kunder);
""",
)
# ===========================================================================
# benign — English (nothing private; written to tempt a detector)
# ===========================================================================
add(
    "benign",
    "en",
    "iso-checksum-mismatch",
    "command",
    """
Is my download corrupted or am I comparing the wrong lines?

$ sha256sum ubuntu-24.04.1-desktop-amd64.iso
⁅r|h|64⁆  ubuntu-24.04.1-desktop-amd64.iso
$ grep desktop SHA256SUMS
⁅r|h|64⁆ *ubuntu-24.04.1-desktop-amd64.iso
$ gpg --keyid-format long --verify SHA256SUMS.gpg SHA256SUMS
gpg: Good signature from "Ubuntu CD Image Automatic Signing Key (2012) <cdimage@ubuntu.com>"
""",
)
add(
    "benign",
    "en",
    "luhn-unit-test-stripe-test-cards",
    "code",
    """
Write pytest cases for my Luhn validator using only the documented Stripe test card numbers:
- 4242 4242 4242 4242 (Visa, succeeds)
- 5555 5555 5555 4444 (Mastercard)
- 3782 822463 10005 (Amex, 15 digits)
- 4000 0000 0000 0002 (card declined)
and one that must fail the checksum: 4242 4242 4242 4241. Expiry any future date, CVC any 3 digits.

def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    checksum = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
    return checksum % 10 == 0
""",
)
add(
    "benign",
    "en",
    "jwt-io-sample-decode",
    "prose",
    """
For a workshop slide: decode the sample token that jwt.io shows by default and explain each part. This is the public demo token, signed with the demo secret "your-256-bit-secret":

eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c

Also explain why "iat": 1516239022 is not an expiry.
""",
)
add(
    "benign",
    "en",
    "k8s-secretkeyref-review",
    "yaml",
    """
Is this the right way to pull credentials from a Secret instead of hard-coding them? Nothing is inline any more.

containers:
  - name: worker
    image: ghcr.io/acme-labs/worker:3.2.0
    env:
      - name: DATABASE_PASSWORD
        valueFrom:
          secretKeyRef:
            name: worker-db
            key: password
      - name: STRIPE_SECRET_KEY
        valueFrom:
          secretKeyRef:
            name: payments
            key: stripe-secret-key
      - name: LOG_LEVEL
        value: info
""",
)
add(
    "benign",
    "en",
    "docker-compose-required-variables",
    "yaml",
    """
docker compose up fails with "required variable POSTGRES_PASSWORD is missing a value". I thought `:?` just printed a warning?

services:
  db:
    image: postgres:16.4-alpine
    environment:
      POSTGRES_USER: ${POSTGRES_USER:-app}
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
      POSTGRES_DB: app
    ports:
      - "127.0.0.1:5432:5432"
  api:
    build: .
    environment:
      DATABASE_URL: postgres://${POSTGRES_USER:-app}:${POSTGRES_PASSWORD}@db:5432/app
""",
)
add(
    "benign",
    "en",
    "resolver-and-documentation-ranges",
    "command",
    """
Explain what each line does. The firewall rules are from the vendor's documentation and use the RFC 5737 example ranges.

$ cat /etc/resolv.conf
nameserver 1.1.1.1
nameserver 8.8.8.8
nameserver 9.9.9.9
options edns0 trust-ad

$ sudo nft list ruleset | grep saddr
    ip saddr 192.0.2.0/24 tcp dport 22 accept
    ip saddr 198.51.100.7 tcp dport 443 accept
    ip saddr 203.0.113.0/25 drop
""",
)
add(
    "benign",
    "en",
    "emergency-and-helpline-numbers",
    "markdown-table",
    """
Turn this into a fridge poster for an exchange student coming to stay with us in the UK, plus a column for what to say first:

| service | number |
|---|---|
| Police, fire, ambulance | 999 or 112 |
| NHS non-emergency | 111 |
| Police non-emergency | 101 |
| Samaritans | 116 123 |
| Childline | 0800 1111 |
| National Gas Emergency | 0800 111 999 |
""",
)
add(
    "benign",
    "en",
    "apollo-11-crew-quiz",
    "prose",
    """
Make a ten-question quiz for my Year 6 class about Apollo 11. Facts to use: launched July 16, 1969 from Kennedy Space Center; Neil Armstrong (born August 5, 1930) and Buzz Aldrin (born January 20, 1930) landed the Eagle on July 20 at 20:17 UTC, while Michael Collins (born October 31, 1930) stayed in Columbia; splashdown July 24 in the Pacific. The landing site is at 0.67408° N, 23.47297° E.
""",
)
add(
    "benign",
    "en",
    "deep-blue-game-six",
    "prose",
    """
Explain for a beginner why Kasparov lost game 6 against Deep Blue on May 11, 1997: 1.e4 c6 2.d4 d5 3.Nc3 dxe4 4.Nxe4 Nd7 5.Ng5 Ngf6 6.Bd3 e6 7.N1f3 h6 8.Nxe6 Qe7 9.O-O fxe6 10.Bg6+ Kd8 11.Bf4 b5 12.a4 Bb7 13.Re1 Nd5 14.Bg3 Kc8 15.axb5 cxb5 16.Qd3 Bc6 17.Bf5 exf5 18.Rxe7 Bxe7 19.c4 1-0.
""",
)
add(
    "benign",
    "en",
    "fermat-number-factor",
    "prose",
    """
Show step by step why 4294967297 is not prime. I know Euler found the factor 641 in 1732; please verify 641 × 6700417 = 4294967297 and explain why any factor of 2^32 + 1 must be of the form 64k + 1. Then list the next two Fermat numbers: 18446744073709551617 and 340282366920938463463374607431768211457.
""",
)
add(
    "benign",
    "en",
    "epoch-timestamp-conversions",
    "code",
    """
Why do these three give different results? I expected 1700000000 to be 14 November 2023 everywhere.

>>> from datetime import datetime, timezone
>>> datetime.fromtimestamp(1700000000)
datetime.datetime(2023, 11, 14, 23, 13, 20)
>>> datetime.fromtimestamp(1700000000, tz=timezone.utc)
datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)
>>> datetime.utcfromtimestamp(2147483647)
datetime.datetime(2038, 1, 19, 3, 14, 7)
""",
)
add(
    "benign",
    "en",
    "ean13-check-digit",
    "code",
    """
My EAN-13 check digit function returns 9 for 400638133393 but the barcode on the box says 4006381333931. What's wrong?

def ean13_check(first12: str) -> int:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return total % 10

print(ean13_check("400638133393"))   # prints 9, expected 1
print(ean13_check("978030640615"))   # ISBN 978-0-306-40615-7
""",
)
add(
    "benign",
    "en",
    "isin-portfolio-rebalance",
    "csv",
    """
Rebalance this model portfolio to equal weights and tell me how many shares to buy or sell of each, ignoring fees:

isin,ticker,name,shares,price,currency
US0378331005,AAPL,Apple Inc.,40,229.87,USD
US5949181045,MSFT,Microsoft Corp.,18,417.46,USD
CH0038863350,NESN,Nestlé S.A.,55,85.12,CHF
NL0010273215,ASML,ASML Holding N.V.,9,661.30,EUR
JP3633400001,7203,Toyota Motor Corp.,300,2710.00,JPY
""",
)
add(
    "benign",
    "en",
    "git-bisect-log",
    "command",
    """
Summarise what this bisect found and which commit I should revert:

$ git bisect log
git bisect start
# bad: [⁅r|h|40⁆] Release 4.8.0
git bisect bad ⁅r|h|40⁆
# good: [⁅r|h|40⁆] Release 4.7.2
git bisect good ⁅r|h|40⁆
# good: [⁅r|h|40⁆] Bump lodash from 4.17.20 to 4.17.21 (#1893)
# bad: [⁅r|h|40⁆] Switch date parsing to Temporal polyfill (#1902)
# first bad commit: [⁅r|h|40⁆] Switch date parsing to Temporal polyfill (#1902)
""",
)
add(
    "benign",
    "en",
    "pinned-image-digests",
    "yaml",
    """
Renovate opened a PR that only changes these digests. How do I verify they match the tags before merging?

services:
  proxy:
    image: caddy:2.8.4-alpine@sha256:⁅r|h|64⁆
  cache:
    image: redis:7.4.1@sha256:⁅r|h|64⁆
  search:
    image: getmeili/meilisearch:v1.11.3@sha256:⁅r|h|64⁆
""",
)
add(
    "benign",
    "en",
    "metar-taf-decode",
    "prose",
    """
Decode these for a student pilot and say whether a VFR flight at 14:00 looks sensible:
METAR EGLL 141150Z AUTO 24014G25KT 9999 -RA FEW012 BKN028 11/08 Q1004 TEMPO 4000 RA
TAF EGLL 141058Z 1412/1518 23012KT 9999 BKN030 TEMPO 1412/1418 5000 RA BKN014 PROB30 1415/1418 24018G30KT
""",
)
add(
    "benign",
    "en",
    "unicode-lookalike-characters",
    "markdown-table",
    """
Which of these characters would break a username validator that only allows ASCII letters? Add the NFKC normalised form for each.

| char | code point | name |
|---|---|---|
| а | U+0430 | CYRILLIC SMALL LETTER A |
| ｅ | U+FF45 | FULLWIDTH LATIN SMALL LETTER E |
| ǅ | U+01C5 | LATIN CAPITAL LETTER D WITH SMALL LETTER Z WITH CARON |
| ℌ | U+210C | BLACK-LETTER CAPITAL H |
| ­ | U+00AD | SOFT HYPHEN |
""",
)
add(
    "benign",
    "en",
    "requirements-cve-pins",
    "code",
    """
Our scanner flags CVE-2024-35195 and CVE-2023-32681 in this requirements.txt. Which pins do I need to raise, and to what minimum versions?

requests==2.31.0
urllib3==1.26.18
Django==4.2.11
cryptography==42.0.5
Pillow==10.2.0
certifi==2023.7.22
""",
)
add(
    "benign",
    "en",
    "docs-fixture-placeholders",
    "json",
    """
These are the placeholder fixtures for our API docs (every value is a made-up example, as the file header says). Generate five more in the same style for other locales.

// docs/fixtures/users.example.json — placeholder data only, not real people
[
  {"id": "usr_000000000001", "name": "Jane Doe", "email": "jane.doe@example.com", "phone": "+1 555 0100", "ssn": "000-00-0000", "dob": "1970-01-01"},
  {"id": "usr_000000000002", "name": "Max Mustermann", "email": "max.mustermann@example.org", "phone": "+49 30 000000", "iban": "DE00 0000 0000 0000 0000 00", "dob": "1970-01-01"}
]
""",
)
add(
    "benign",
    "en",
    "uuid-v7-ordering",
    "code",
    """
Why do these order ids sort by creation time when I ORDER BY id, but the old ones didn't? They're UUIDv7 now, before they were v4.

>>> ids = ["0193f1a2-7c4e-7b21-9d3a-5e6f10c2a4b8", "0193f1a2-7c51-7f02-8a11-c42e9b7d0e35", "0193f1a2-7d09-73aa-b5c0-1f8d2e6a9c47"]
>>> [int(u.replace("-", "")[:12], 16) for u in ids]
[1734925777998, 1734925778001, 1734925778185]
>>> uuid.UUID("8f14e45f-ceea-467f-a9f4-6b1c3d5e7a90").version
4
""",
)
# ===========================================================================
# benign — other languages
# ===========================================================================
add(
    "benign",
    "de",
    "ludwig-ii-neuschwanstein-referat",
    "prose",
    """
Hilf mir bei einem Kurzreferat für die 7. Klasse: Ludwig II. wurde am 25. August 1845 in Schloss Nymphenburg geboren und starb am 13. Juni 1886 im Starnberger See. Der Grundstein für Neuschwanstein wurde am 5. September 1869 gelegt; das Schloss liegt auf 965 m über dem Meer bei Hohenschwangau (Neuschwansteinstraße 20, 87645 Schwangau). Bitte fünf Stichpunkte und eine Quizfrage.
""",
)
add(
    "benign",
    "de",
    "lieferschein-abgleich-chargen",
    "csv",
    """
Gleiche den Lieferschein mit unserer Bestellung ab und sag mir, welche Positionen fehlen oder falsch geliefert wurden. Bestellnummer 4500187263, Lieferschein LS-2025-004417.

pos,artikelnr,bezeichnung,charge,ean,menge_bestellt,menge_geliefert
10,100-4471-02,Kabelbinder 200x4.8 schwarz,C24-1187,4011209403312,500,500
20,100-4471-05,Kabelbinder 300x4.8 schwarz,C24-1190,4011209403329,500,250
30,220-0913-00,Wago 221-413 Verbindungsklemme,W24-3306,4055143705316,200,200
40,310-7720-11,Schrumpfschlauch-Set 2:1,S24-0042,4016779825637,20,0
""",
)
add(
    "benign",
    "fr",
    "finale-1998-expose",
    "prose",
    """
Fais-moi un résumé de la finale de la Coupe du monde 1998 pour un exposé de CM2 : le 12 juillet 1998 au Stade de France, la France bat le Brésil 3-0. Zinédine Zidane, né le 23 juin 1972 à Marseille, marque deux buts de la tête (27e et 45e+1), Emmanuel Petit ajoute le troisième à la 90e+3. Aimé Jacquet est le sélectionneur, Didier Deschamps le capitaine.
""",
)
add(
    "benign",
    "fr",
    "recherchev-references-produits",
    "csv",
    """
Ma formule =RECHERCHEV(A2;Tarifs!A:C;3;FAUX) renvoie #N/A pour certaines références alors qu'elles existent dans l'onglet Tarifs. Voici un extrait des deux onglets :

Commandes
ref;quantite
VIS-M6X20-INOX;400
ECR-M6-INOX ;400
RON-6,4-ZN;1000

Tarifs
ref;designation;prix_ht
VIS-M6X20-INOX;Vis CHC M6x20 inox A2;0,12
ECR-M6-INOX;Écrou hexagonal M6 inox A2;0,04
RON-6.4-ZN;Rondelle plate 6,4 zinguée;0,01
""",
)
add(
    "benign",
    "es",
    "garcia-marquez-resumen",
    "prose",
    """
Escríbeme una ficha biográfica breve para clase de Lengua: Gabriel García Márquez nació el 6 de marzo de 1927 en Aracataca (Colombia) y murió el 17 de abril de 2014 en Ciudad de México. Publicó «Cien años de soledad» en 1967 y recibió el Premio Nobel de Literatura en 1982. Añade tres preguntas de comprensión.
""",
)
add(
    "benign",
    "es",
    "horario-ave-madrid-sevilla",
    "markdown-table",
    """
¿Qué tren me conviene si tengo que estar en Sevilla antes de las 12:30 y quiero el más barato? Horarios del viernes:

| tren | salida Madrid-Puerta de Atocha | llegada Sevilla-Santa Justa | precio |
|---|---|---|---|
| AVE 02072 | 07:00 | 09:32 | 58,90 € |
| AVLO 06092 | 08:05 | 10:41 | 19,00 € |
| AVE 02112 | 09:00 | 11:38 | 47,20 € |
| iryo 06210 | 10:10 | 12:45 | 23,00 € |
""",
)
add(
    "benign",
    "it",
    "enzo-ferrari-tesina",
    "prose",
    """
Mi serve una scaletta per una tesina su Enzo Ferrari: nato a Modena il 18 febbraio 1898, morto a Maranello il 14 agosto 1988; la Scuderia Ferrari nasce nel 1929, la prima vittoria in Formula 1 arriva a Silverstone il 14 luglio 1951 con José Froilán González. Aggiungi i piloti campioni del mondo con Ferrari da Alberto Ascari a Kimi Räikkönen.
""",
)
add(
    "benign",
    "it",
    "codici-ateco-aliquote-iva",
    "sql",
    """
Mi correggi questa tabella di lookup? Le aliquote IVA mi sembrano sbagliate per alcune righe.

CREATE TABLE ateco_iva (codice VARCHAR(8) PRIMARY KEY, descrizione TEXT, aliquota NUMERIC(4,2));
INSERT INTO ateco_iva VALUES
  ('56.10.11', 'Ristorazione con somministrazione', 10.00),
  ('47.73.10', 'Farmacie', 10.00),
  ('85.59.20', 'Corsi di formazione', 0.00),
  ('62.01.00', 'Produzione di software non connesso all''edizione', 22.00),
  ('01.13.10', 'Coltivazione di ortaggi in piena aria', 4.00);
""",
)
add(
    "benign",
    "pt",
    "fernando-pessoa-heteronimos",
    "prose",
    """
Prepara-me um esquema para a aula de Português sobre Fernando Pessoa: nasceu em Lisboa a 13 de junho de 1888, no Largo de São Carlos, n.º 4, e morreu a 30 de novembro de 1935. Os principais heterónimos são Alberto Caeiro, Ricardo Reis e Álvaro de Campos; «Mensagem» foi publicada em 1934. Inclui uma comparação entre os três em tabela.
""",
)
add(
    "benign",
    "pt",
    "tabela-mares-peniche",
    "markdown-table",
    """
Vou pescar ao largo de Peniche no sábado. Com base nesta tabela de marés, qual é a melhor janela de duas horas à volta da preia-mar da manhã?

| data | hora | altura (m) | tipo |
|---|---|---|---|
| 2025-03-15 | 03:12 | 0,84 | baixa-mar |
| 2025-03-15 | 09:27 | 3,41 | preia-mar |
| 2025-03-15 | 15:38 | 0,79 | baixa-mar |
| 2025-03-15 | 21:49 | 3,36 | preia-mar |

Nascer do sol 06:51, pôr do sol 18:50 (hora de Lisboa, UTC+0).
""",
)
add(
    "benign",
    "nl",
    "johan-cruijff-spreekbeurt",
    "prose",
    """
Help me met een spreekbeurt over Johan Cruijff voor groep 8: geboren op 25 april 1947 in Amsterdam-Betondorp, overleden op 24 maart 2016 in Barcelona. Hij won de Ballon d'Or in 1971, 1973 en 1974, speelde met rugnummer 14 en won met Ajax drie keer op rij de Europacup I (1971–1973). Maak er vijf dia's van.
""",
)
add(
    "benign",
    "nl",
    "deltawerken-grafiek-data",
    "json",
    """
Maak van deze gegevens een staafdiagram (lengte per kering) met Chart.js:

[
  {"naam": "Haringvlietdam", "gereed": 1971, "lengte_m": 5000},
  {"naam": "Brouwersdam", "gereed": 1971, "lengte_m": 6500},
  {"naam": "Oosterscheldekering", "gereed": 1986, "lengte_m": 9000},
  {"naam": "Maeslantkering", "gereed": 1997, "lengte_m": 520}
]
""",
)
add(
    "benign",
    "pl",
    "chopin-plan-lekcji",
    "prose",
    """
Przygotuj plan lekcji muzyki o Fryderyku Chopinie: urodził się 1 marca 1810 roku w Żelazowej Woli, zmarł 17 października 1849 roku w Paryżu przy placu Vendôme 12. Jego serce spoczywa w kościele Świętego Krzyża w Warszawie. Konkurs Chopinowski odbywa się co pięć lat od 1927 roku. Dodaj trzy utwory do odsłuchania.
""",
)
add(
    "benign",
    "pl",
    "kody-bledow-pralki",
    "markdown-table",
    """
Pralka pokazuje na zmianę E21 i F18. Co sprawdzić najpierw? Fragment tabeli z instrukcji (model WAN28282PL, FD 9707):

| kod | znaczenie | co zrobić |
|---|---|---|
| E18 / F18 | problem z odpompowaniem wody | wyczyścić filtr pompy |
| E21 | blokada silnika | wyjąć pranie, wyłączyć na 5 min |
| E23 | wykryto wodę w podstawie | zamknąć zawór, wezwać serwis |
| E36 | czujnik przepełnienia | sprawdzić wąż odpływowy |
""",
)
add(
    "benign",
    "sv",
    "alfred-nobel-lektion",
    "prose",
    """
Skriv en kort lektionstext om Alfred Nobel för åk 6: han föddes den 21 oktober 1833 i Stockholm och dog den 10 december 1896 i Sanremo. Han uppfann dynamiten 1867 och hade 355 patent. Nobelpriset delades ut första gången 1901; prisutdelningen sker varje år den 10 december i Stockholms konserthus.
""",
)
add(
    "benign",
    "sv",
    "vasaloppet-fakta-tabell",
    "markdown-table",
    """
Gör om tabellen till en kort quiz med fem frågor till klubbens medlemsblad:

| fakta | värde |
|---|---|
| sträcka | 90 km, Sälen–Mora |
| första loppet | 19 mars 1922 |
| första vinnare | Ernst Alm |
| flest segrar | Nils "Mora-Nisse" Karlsson, 9 |
| kontroller | Smågan, Mångsbodarna, Risberg, Evertsberg, Oxberg, Hökberg, Eldris |
""",
)
add(
    "benign",
    "fi",
    "sibelius-esitelma",
    "prose",
    """
Tee lyhyt esitelmä Jean Sibeliuksesta: hän syntyi Hämeenlinnassa 8. joulukuuta 1865 ja kuoli Ainolassa Järvenpäässä 20. syyskuuta 1957. Finlandia valmistui vuonna 1899, ja Sibeliuksen päivää vietetään liputuspäivänä 8. joulukuuta. Lisää kolme kuuntelusuositusta.
""",
)
add(
    "benign",
    "cs",
    "prazsky-orloj-pruvodce",
    "prose",
    """
Napiš krátký text pro turistického průvodce o Pražském orloji: první zmínka je z roku 1410, sestrojili ho Mikuláš z Kadaně a Jan Šindel. Apoštolové se ukazují každou hodinu od 9 do 23 h. Orloj je na jižní stěně Staroměstské radnice, Staroměstské náměstí 1/3, Praha 1. Přidej tři zajímavosti.
""",
)
add(
    "benign",
    "ro",
    "nadia-comaneci-montreal",
    "prose",
    """
Scrie un text de o pagină pentru elevii de clasa a V-a despre Nadia Comăneci: născută la 12 noiembrie 1961 la Onești, a primit prima notă de 10 din istoria gimnasticii olimpice la Montreal, pe 18 iulie 1976, la paralele inegale. Tabela a afișat „1.00” pentru că nu era făcută pentru patru cifre. A câștigat trei medalii de aur la acele Jocuri.
""",
)
add(
    "benign",
    "hu",
    "rubik-kocka-jelolesek",
    "prose",
    """
Magyarázd el egy 10 évesnek a Rubik-kocka jelöléseit (R, U, F, R', U2), és írj egy egyszerű keresztkirakós lépéssort. Háttér: Rubik Ernő 1944. július 13-án született, a kockát 1974-ben találta fel; a lehetséges állások száma 43 252 003 274 489 856 000, és bármelyik állásból legfeljebb 20 lépésben kirakható.
""",
)
add(
    "benign",
    "tr",
    "ayasofya-ozet",
    "prose",
    """
Ayasofya hakkında lise öğrencileri için kısa bir özet yazar mısın? Bilgiler: 537 yılında İmparator I. Justinianus döneminde tamamlandı, 1453'te camiye çevrildi, 1934'te müze oldu ve 2020'de yeniden cami olarak ibadete açıldı. Kubbesinin çapı yaklaşık 31 metre, yüksekliği 55 metredir.
""",
)
add(
    "benign",
    "el",
    "spyridon-louis-marathonios",
    "prose",
    """
Γράψε ένα σύντομο κείμενο για τη σχολική εφημερίδα για τον Σπυρίδωνα Λούη: κέρδισε τον μαραθώνιο των πρώτων σύγχρονων Ολυμπιακών Αγώνων στην Αθήνα, στις 10 Απριλίου 1896, με χρόνο 2:58:50. Η διαδρομή ξεκίνησε από τον Μαραθώνα και τερμάτισε στο Παναθηναϊκό Στάδιο. Πρόσθεσε δύο ερωτήσεις για τους μαθητές.
""",
)
add(
    "benign",
    "lt",
    "eurobasket-2003-viktorina",
    "prose",
    """
Sudaryk viktoriną apie 2003 m. Europos krepšinio čempionatą: turnyras vyko Švedijoje, finale Lietuva įveikė Ispaniją 93:84, o naudingiausiu žaidėju išrinktas Šarūnas Jasikevičius. Treneris – Antanas Sireika. Penki klausimai su atsakymų variantais.
""",
)
add(
    "benign",
    "uk",
    "an-225-mriya-dovidka",
    "prose",
    """
Напиши коротку довідку для шкільного стенду про літак Ан-225 «Мрія»: перший політ відбувся 21 грудня 1988 року, максимальна злітна маса — 640 тонн, розмах крила — 88,4 м. Літак був знищений у лютому 2022 року в аеропорту Гостомель. Додай три цікаві факти.
""",
)
add(
    "benign",
    "ru",
    "gagarin-den-kosmonavtiki",
    "prose",
    """
Составь сценарий классного часа ко Дню космонавтики: 12 апреля 1961 года Юрий Гагарин (родился 9 марта 1934 года) совершил первый полёт в космос на корабле «Восток-1». Старт с Байконура в 9:07 по московскому времени, полёт длился 108 минут. Позывной — «Кедр». Добавь викторину из пяти вопросов.
""",
)
add(
    "benign",
    "da",
    "lego-saet-oversigt",
    "csv",
    """
Sorter disse LEGO-sæt efter pris pr. klods og fortæl hvilket der er den bedste handel:

saetnummer,navn,antal_klodser,pris_dkk
10497,Galaxy Explorer,1254,899
42115,Lamborghini Sián FKP 37,3696,3199
21318,Træhus,3036,1699
75192,Millennium Falcon,7541,6499
31120,Middelalderborg,1426,749
""",
)

if __name__ == "__main__":
    build(PROMPTS, HERE / "fresh24.jsonl", seed=SPLIT_SEED, id_prefix=ID_PREFIX)
