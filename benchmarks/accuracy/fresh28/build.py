#!/usr/bin/env python3
"""Build the 'fresh28' privacy-filter evaluation corpus (twenty-eighth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax of ``_corpus_tools.py``

    ⟦TYPE:value⟧           e.g. ⟦P:Jan Novák⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@CZ:…⟧   (CC = ISO alpha-2)

Values that must look machine-made (national ids with check digits, IBANs,
cards, provider tokens, private keys, JWTs) are written as generator slots
``⁅kind|arg|…⁆`` inside the markers and filled at build time from one
``random.Random(2828)``, in the order the slots appear in this file:

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

``_corpus_tools`` does the parsing, checks, dev/test split (seed 2828) and the
statistics; ids are ``a-0001`` ….  Languages the shared module does not list
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

SEED = 2828
SPLIT_SEED = 2828
ID_PREFIX = "a"

ct.LANGS.update(
    {"ja", "ko", "zh", "ar", "he", "id", "vi", "th", "hi", "fa", "ms", "sq", "az", "kk", "ne", "mr"}
)
ct.LANG_REGIONS.update(
    {
        "en": (*ct.LANG_REGIONS["en"], "SG", "PH", "NG", "KE"),
        "ja": ("JP",),
        "ko": ("KR",),
        "zh": ("CN", "TW", "HK"),
        "ar": ("AE", "SA", "EG", "JO", "MA", "QA", "OM"),
        "he": ("IL",),
        "id": ("ID",),
        "vi": ("VN",),
        "th": ("TH",),
        "hi": ("IN",),
        "fa": ("IR",),
        "ms": ("MY",),
        "sq": ("AL", "XK"),
        "az": ("AZ",),
        "kk": ("KZ",),
        "ne": ("NP",),
        "mr": ("IN",),
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
    "tattoo-studio-consent-form",
    "form",
    """
Can you reformat this client consent form into a neat table for our files? Don't change any answers.

INKWELL & IRON TATTOO CO. — CLIENT RELEASE
Client name: ⟦P:Brianna Okafor-Lindqvist⟧
Date of birth: ⟦DOB:11/02/1998⟧   (must be 18+, ID checked: WA driver license ⟦DL:WDL4K7MPX29B⟧)
Phone: ⟦T:(206) 555-3187⟧ → sorry typo, correct cell is ⟦T:(206) 413-8872⟧
Email: ⟦E:bri.okafor.l@protonmail.com⟧
Address: ⟦A:4410 Rainier Ave S, Apt 12, Seattle, WA 98118⟧
Do you have any of the following? [x] ⟦MC:keloid scarring⟧ (small one on left shoulder)  [ ] hemophilia  [x] ⟦MC:type 1 diabetes⟧
Current medications: ⟦MED:Humalog⟧, ⟦MED:Lantus⟧, and I was on ⟦MED:isotretinoin⟧ until last spring
Artist: ⟦P:Dez⟧   Placement: inner forearm   Design: fern sprig, fine line
Signature: ⟦P:B. Okafor-Lindqvist⟧
""",
)
add(
    "pii",
    "en",
    "sail-training-voyage-manifest",
    "csv",
    """
Here's the crew manifest for the October sail-training voyage from Portsmouth to Cherbourg. The harbour master wants it sorted by surname and with the medical column moved to a separate sheet. Can you do that?

berth,surname,forename,dob,nationality,passport,emergency_contact,emergency_phone,medical
F1,⟦P:ACHTERBERG⟧,⟦P:Lotte⟧,⟦DOB:2006-03-19⟧,NL,⟦PASS:NXK81R4P2⟧,⟦P:Ruud Achterberg⟧,⟦T:+31 6 41572093⟧,⟦MC:asthma⟧ - carries ⟦MED:Ventolin⟧
F2,⟦P:MBEKI-HOLT⟧,⟦P:Tariq⟧,⟦DOB:2005-11-02⟧,GB,⟦PASS:552918374⟧,⟦P:Nomsa Mbeki-Holt⟧,⟦T:07700 918 442⟧,none
A3,⟦P:FERREIRA⟧,⟦P:Inês⟧,⟦DOB:2007-01-27⟧,PT,⟦PASS:CB481726⟧,⟦P:Paulo Ferreira⟧,⟦T:+351 912 604 338⟧,"⟦MC:seasickness⟧ (prone), ⟦MED:Stugeron⟧ ok"
A4,⟦P:O'ROURKE⟧,⟦P:Cian⟧,⟦DOB:2006-08-08⟧,IE,⟦PASS:PW7738120⟧,⟦P:Deirdre O'Rourke⟧,⟦T:+353 87 214 6630⟧,⟦MC:coeliac disease⟧
""",
)
add(
    "pii",
    "en",
    "storm-shelter-registry",
    "form",
    """
Please rewrite this as a short, polite email to the Norman city emergency management office confirming my mom's storm shelter registration details are updated.

Registrant: ⟦P:Loretta Jean Haskins⟧
DOB: ⟦DOB:June 4, 1941⟧
Shelter location: in-ground garage shelter, ⟦A:2217 Wrenwood Dr, Norman, OK 73071⟧
Home phone: ⟦T:405-329-7716⟧
Alternate contact: ⟦P:Dale Haskins⟧ (son) ⟦T:405-802-5591⟧, ⟦E:dhaskins.okc@gmail.com⟧
Special needs: ⟦MC:COPD⟧, on home oxygen (2L), uses a walker. Takes ⟦MED:Eliquis⟧ so bleeding risk if injured.
Number of occupants: 1 (plus a dachshund named Biscuit)
""",
)
add(
    "pii",
    "en",
    "1099-nec-correction-piano-tuner",
    "prose",
    """
Help me write a firm but friendly email asking for a corrected 1099-NEC. Details:

- I'm ⟦P:Mateo Szabo-Reyes⟧, self-employed piano tuner, SSN ⟦ID@US:⁅id|US|5##-##-####⁆⟧
- The concert hall (Lakeside Performing Arts Center) issued my 1099 with my old address ⟦A:88 Cottonwood Ln, Boise, ID 83702⟧; I moved in March to ⟦A:1519 N 12th St, Boise, ID 83702⟧
- They also put $14,250 in box 1 but I only invoiced them $12,450 (transposed digits?)
- Their AP contact is ⟦P:Sheryl Banning⟧, ⟦E:sbanning@lakesidepac.org⟧
Sign it with my cell ⟦T:(208) 871-4402⟧.
""",
)
add(
    "pii",
    "en",
    "bell-ringers-guild-insert",
    "sql",
    """
These INSERTs for our diocesan guild of church bell ringers fail with "duplicate key". Which row is the problem?

INSERT INTO ringers (member_no, full_name, tower, email, phone, address, joined) VALUES
 (⟦ACC:GR-10442⟧, '⟦P:Hubert Tillingham⟧', 'St Mary, Thaxted', '⟦E:h.tillingham@btinternet.com⟧', '⟦T:01371 830 522⟧', '⟦A:3 Bellhouse Row, Thaxted, CM6 2PL⟧', '1987-09-01'),
 (⟦ACC:GR-10958⟧, '⟦P:Priya Venkataraman⟧', 'St Mary, Thaxted', '⟦E:priya.v.rings@gmail.com⟧', '⟦T:07842 116 903⟧', '⟦A:41 Watling Lane, Thaxted, CM6 2QY⟧', '2019-04-14'),
 (⟦ACC:GR-10442⟧, '⟦P:Alfie Drummond-Kerr⟧', 'All Saints, Saffron Walden', '⟦E:alfie.dk@outlook.com⟧', '⟦T:07519 204 771⟧', '⟦A:9 Gold Street, Saffron Walden, CB10 1EJ⟧', '2023-01-10');
""",
)
add(
    "pii",
    "en",
    "dna-kit-activation-json",
    "json",
    """
Our genealogy kit activation endpoint logged this and the customer says she never got the confirmation. Anything obviously wrong in the payload?

{
  "event": "kit.activated",
  "kit_barcode": "GX-77314-0921",
  "customer": {
    "id": "⟦ACC:cus_88120457⟧",
    "first_name": "⟦P:Roisin⟧",
    "last_name": "⟦P:Abernathy-Kowal⟧",
    "email": "⟦E:roisin.abernathy@icloud.con⟧",
    "dob": "⟦DOB:1979-12-30⟧",
    "sex_at_birth": "F"
  },
  "consent": {"research": true, "relative_matching": false},
  "client_ip": "⟦IP:174.63.218.40⟧",
  "ts": "2025-02-11T19:44:03Z"
}
""",
)
add(
    "pii",
    "en",
    "notary-apostille-request",
    "prose",
    """
Can you tighten up this email to a notary? It's too long.

Dear Mr ⟦P:Pemberton⟧,

I need a certified copy of my passport apostilled for a property purchase in Portugal. My name is ⟦P:Gwendolyn Achebe-Marsh⟧, British passport no. ⟦PASS:534018827⟧, issued 2021, born ⟦DOB:27 August 1984⟧ in Leeds. I currently live at ⟦A:Flat 6, 17 Harcourt Terrace, Leeds LS6 2DW⟧. The Portuguese lawyer, Dra. ⟦P:Catarina Vilaça⟧, also asked for my NIF on the same page (⟦ID@PT:⁅id|PT|2#######?⁆⟧) — is that fine to include? I'm free any weekday after 4pm, mobile ⟦T:07931 552 086⟧.

Kind regards,
⟦P:Gwen⟧
""",
)
add(
    "pii",
    "en",
    "rental-car-damage-dispute-vancouver",
    "prose",
    """
The rental company charged my card for a windshield chip that was already there. Help me write a dispute to them and to my card issuer. Facts:

Renter: ⟦P:Harjit Singh Dhaliwal⟧, BC driver's licence ⟦DL:7193385⟧
Pick-up: YVR airport, Aug 3, returned Aug 9 at their Burrard St branch
Charged: $489.60 CAD on my Visa ⟦CC:⁅card|4|xxxx xxxx xxxx xxxx⁆⟧ on Aug 14
I have a timestamped photo from pick-up showing the chip. Agent at return was ⟦P:Kelsey⟧ (didn't give last name).
My address: ⟦A:5870 Fraser St, Vancouver, BC V5W 2Z5⟧, phone ⟦T:604-338-9127⟧
""",
)
add(
    "pii",
    "en",
    "t4-correction-request",
    "prose",
    """
My employer put the wrong SIN on my T4 and CRA flagged a mismatch. Write a short email to payroll asking for an amended T4 (T4 amended slip, not a new original).

From: ⟦P:Océane Tremblay-Nakamura⟧ <⟦E:oceane.tn@videotron.ca⟧>
To: payroll@northernloomtextiles.ca
Correct SIN: ⟦ID@CA:⁅id|CA|4## ### ##?⁆⟧ (they have a digit swapped)
Employee #: ⟦ACC:E-004117⟧, warehouse, Laval site
Home: ⟦A:312 rue des Érables, Laval, QC H7N 3K4⟧
""",
)
add(
    "pii",
    "en",
    "share-registry-transfer-after-death",
    "form",
    """
I'm executor for my late brother and need to transfer his shares to me. Please draft the cover letter to the share registry using these details:

Deceased holder: ⟦P:Graham Ross McAllister⟧, died 2 May 2025
Holder number (SRN): ⟦ACC:I0088412736⟧
Last address: ⟦A:14 Banksia Cres, Toowoomba QLD 4350⟧
Executor / transferee: ⟦P:Fiona McAllister-Reid⟧
Executor TFN: ⟦ID@AU:⁅id|AU|### ### ##?⁆⟧
Executor HIN: ⟦ACC:X0051882943⟧
Executor address: ⟦A:2/88 Marine Pde, Coolangatta QLD 4225⟧
Phone: ⟦T:0412 736 905⟧
Enclosed: certified death certificate, grant of probate.
""",
)
add(
    "pii",
    "en",
    "flatmate-bond-lodgement-nz",
    "prose",
    """
Our landlord wants us to add a new flatmate to the bond lodgement. Can you write a message to the group chat listing what everyone needs to send? This is what I have so far:

- Me: ⟦P:Aroha Te Whata⟧, IRD ⟦ID@NZ:⁅id|NZ|###-###-##?⁆⟧, ⟦T:021 448 3071⟧
- ⟦P:Lachlan Briggs⟧, IRD ⟦ID@NZ:⁅id|NZ|###-###-##?⁆⟧, ⟦T:027 915 0264⟧
- New: ⟦P:Sione Fifita⟧, ⟦E:sione.fifita22@gmail.com⟧ — still needs to give his IRD and bank account for the refund
Address: ⟦A:27 Aro Street, Aro Valley, Wellington 6021⟧
Bond is $2,400 total, ⟦P:Lachlan⟧ paid the most so he gets 40%.
""",
)
add(
    "pii",
    "en",
    "aarto-driver-nomination-za",
    "form",
    """
I got an AARTO infringement notice for my company bakkie but my employee was driving. Check this nomination form for mistakes before I submit it:

Infringement notice no: 02-4019-003188-7   Vehicle: ND 447-812 (Toyota Hilux)
Nominated driver: ⟦P:Sipho Lucas Ndlovu⟧
ID number: ⟦ID@ZA:⁅id|ZA|8512025###08?⁆⟧
Date of birth: ⟦DOB:1985-12-02⟧
Driving licence no: ⟦DL:40670009XK2L⟧
Residential address: ⟦A:17 Mahogany Street, Pinetown, 3610⟧
Cell: ⟦T:072 615 3398⟧
Proxy (company): Umgeni Fresh Breads (Pty) Ltd, represented by ⟦P:Anusha Pillay⟧
""",
)
add(
    "pii",
    "en",
    "septic-tank-grant-ireland",
    "form",
    """
Could you check I've filled in the domestic waste water treatment system grant form correctly? The council sent it back once already.

Applicant: ⟦P:Pádraig Ó Súilleabháin⟧
PPS number: ⟦ID@IE:⁅id|IE|#######?⁆⟧
Address of property: ⟦A:Cnoc na Gaoithe, Ballyvourney, Co. Cork, P12 X6W8⟧
Phone: ⟦T:087 339 5214⟧
Email: ⟦E:padraig.osuilleabhain@eircom.net⟧
Bank for payment (IBAN): ⟦IBAN:⁅iban|IE|AIBK93############⁆⟧
Contractor quote attached: €6,800 (new percolation area)
Note: my wife ⟦P:Máire⟧ is co-owner; does she need to sign too?
""",
)
add(
    "pii",
    "en",
    "railway-concession-cancer-patient",
    "prose",
    """
Please make this into a formal application to the Divisional Railway Manager for a concession certificate for my father's chemo visits.

My father Shri ⟦P:Ramachandran Iyer⟧ (age 67) is undergoing treatment for ⟦MC:non-Hodgkin lymphoma⟧ at Adyar Cancer Institute, Chennai. He travels from Tiruchirappalli every 21 days for ⟦MED:R-CHOP⟧ cycles. His Aadhaar is ⟦ID@IN:⁅id|IN|2### #### ###?⁆⟧ and the hospital registration number is ⟦MRN:ACI/2025/118734⟧. Our address is ⟦A:No. 14, 3rd Cross, Thillai Nagar, Tiruchirappalli 620018⟧. Contact me (son) ⟦P:Karthik Ramachandran⟧ on ⟦T:98404 51276⟧.
""",
)
add(
    "pii",
    "en",
    "nicu-parent-parking-permit",
    "prose",
    """
Write a short note to the hospital parking office asking them to extend our free NICU parent permit for another 4 weeks.

Baby: ⟦P:Florence Adeyemi-Clarke⟧, born ⟦DOB:14/09/2025⟧ at 27 weeks, ⟦MC:bronchopulmonary dysplasia⟧, still on CPAP
NHS number: ⟦ID@GB:⁅id|GB|### ### ###?⁆⟧   Hospital no: ⟦MRN:RX1-4471902⟧
Parents: ⟦P:Tunde Adeyemi⟧ and ⟦P:Hannah Clarke⟧
Car reg: KX19 ZPD
Our current permit expires on Friday.
Contact: ⟦E:hannah.clarke.88@gmail.com⟧ / ⟦T:07481 620 957⟧
""",
)
# ---------------------------------------------------------------------------
# pii — other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "de",
    "uebungsleitervertrag-segelflugverein",
    "form",
    """
Kannst du aus diesen Angaben einen Übungsleitervertrag (Übungsleiterpauschale nach § 3 Nr. 26 EStG) für unseren Segelflugverein formulieren?

Verein: LSV Hohe Rhön e.V.
Übungsleiter: ⟦P:Korbinian Wetzstein-Alvarez⟧
Geburtsdatum: ⟦DOB:03.09.1976⟧
Anschrift: ⟦A:Am Wasserkuppenweg 7, 36129 Gersfeld⟧
Steuer-ID: ⟦ID@DE:⁅id|DE|5#########?⁆⟧
IBAN für die Auszahlung: ⟦IBAN:⁅iban|DE|5305####00########⁆⟧
Telefon: ⟦T:0157 38104926⟧
Tätigkeit: Fluglehrer (FI(S)), ca. 6 Std./Woche, Pauschale 250 €/Monat
Medical: LAPL-Tauglichkeit gültig bis 04/2027, Auflage Sehhilfe wegen ⟦MC:Keratokonus⟧
Unterschrift Vorstand: ⟦P:Ute Bräutigam⟧
""",
)
add(
    "pii",
    "fr",
    "accident-travail-vendanges",
    "prose",
    """
Peux-tu rédiger la déclaration d'accident du travail à partir de mes notes ? Je suis le viticulteur, c'est pour la MSA.

Victime : ⟦P:Ludivine Marchetti-Bonnaud⟧, vendangeuse saisonnière (contrat du 15/09 au 04/10)
N° de sécurité sociale : ⟦ID@FR:⁅id|FR|2710569123###??⁆⟧, née le ⟦DOB:9 mai 1971⟧ à Lyon
Domicile : ⟦A:12 chemin des Crêts, 69430 Beaujeu⟧ — tél. ⟦T:06 72 18 44 09⟧
Le 22/09 vers 10h30, parcelle « Les Grandes Pierres », elle s'est coupé la main gauche avec le sécateur, ⟦MC:plaie profonde de la paume⟧, 6 points de suture aux urgences de Villefranche. Arrêt de 10 jours, ⟦MED:amoxicilline⟧ prescrite.
Témoin : ⟦P:Baptiste Ollier⟧, porteur.
""",
)
add(
    "pii",
    "es",
    "autorizacion-empadronamiento-sobrino",
    "prose",
    """
Necesito una autorización de empadronamiento para que mi sobrino se empadrone en mi piso. ¿Me la redactas?

Yo, ⟦P:Remedios Cabañero Llorente⟧, con DNI ⟦ID@ES:⁅id|ES|########?⁆⟧, propietaria de la vivienda situada en ⟦A:Calle Pintor Sorolla 23, 3º B, 46002 Valencia⟧, autorizo a ⟦P:Iker Cabañero Mendizábal⟧, con NIE ⟦ID@ES:⁅id|ES|Y#######?⁆⟧ (nacido el ⟦DOB:2 de febrero de 2004⟧), a empadronarse en dicho domicilio.
Teléfono de contacto: ⟦T:663 081 429⟧. Correo: ⟦E:remecabanero@telefonica.net⟧.
Adjunto copia de la escritura.
""",
)
add(
    "pii",
    "it",
    "iscrizione-volontari-protezione-civile",
    "form",
    """
Ciao, mi sistemi questo modulo di iscrizione al gruppo comunale di Protezione Civile in un testo ordinato? Va mandato via PEC.

Cognome e nome: ⟦P:Ferrandi Giulia⟧
Nata a Bergamo il ⟦DOB:14/03/1987⟧
Codice fiscale: ⟦ID@IT:⁅id|IT|FRRGLI87C54A794?⁆⟧
Residenza: ⟦A:Via Borgo Palazzo 118, 24125 Bergamo⟧
Cellulare: ⟦T:347 219 8804⟧
Patente: B, n. ⟦DL:BG5118243K⟧
Competenze: primo soccorso BLSD, radio
Allergie/patologie da segnalare: ⟦MC:allergia alle punture di imenotteri⟧ (porto con me ⟦MED:Fastjekt⟧)
Referente del gruppo: ⟦P:Ottavio Pezzotta⟧
""",
)
add(
    "pii",
    "pt",
    "cadastro-doador-medula",
    "form",
    """
Me ajuda a escrever uma mensagem para o hemocentro atualizando meu cadastro de doador de medula óssea? Mudei de cidade e telefone.

Nome: ⟦P:Thiago Henrique Lobato Nascimento⟧
CPF: ⟦ID@BR:⁅id|BR|###.###.###-??⁆⟧
Data de nascimento: ⟦DOB:17/06/1993⟧
Endereço novo: ⟦A:Rua Padre Anchieta 1450, apto 302, Curitiba - PR, 80410-030⟧
Celular novo: ⟦T:(41) 99872-3105⟧
E-mail: ⟦E:thiago.lobato.n@gmail.com⟧
Observação: fui diagnosticado com ⟦MC:hipertensão⟧ em 2024 e tomo ⟦MED:losartana⟧ — isso me impede de doar?
""",
)
add(
    "pii",
    "nl",
    "ligplaatsvergunning-woonboot",
    "form",
    """
Kun je deze aanvraag voor een ligplaatsvergunning voor onze woonboot omzetten in een nette brief aan de gemeente Zwolle?

Aanvrager 1: ⟦P:Sjoerd van der Wiel⟧, geb. ⟦DOB:21-10-1982⟧, BSN ⟦ID@NL:⁅id|NL|########?⁆⟧
Aanvrager 2: ⟦P:Fenna Kuipers⟧, geb. ⟦DOB:05-07-1985⟧, BSN ⟦ID@NL:⁅id|NL|########?⁆⟧
Huidig adres: ⟦A:Thorbeckegracht 41, 8011 VM Zwolle⟧
Gewenste ligplaats: Zwarte Water, steiger 3, plek 12
Woonboot: 'De Vrijbuiter', 18,5 x 4,2 m
Leges (€ 412) graag afschrijven van ⟦IBAN:⁅iban|NL|RABO0#########⁆⟧
Telefoon: ⟦T:06-28417730⟧, e-mail ⟦E:sjoerd.vdwiel@ziggo.nl⟧
""",
)
add(
    "pii",
    "pl",
    "zgloszenie-szkody-lowieckiej",
    "prose",
    """
Pomóż mi napisać zgłoszenie szkody łowieckiej do koła łowieckiego — dziki zryły mi pole kukurydzy.

Zgłaszający: ⟦P:Zdzisław Kurzawa⟧, PESEL ⟦ID@PL:⁅id|PL|790823###4?⁆⟧ — a nie, to PESEL żony, mój jest ⟦ID@PL:⁅id|PL|620114###1?⁆⟧. Wniosek składamy razem z żoną, ⟦P:Bożeną Kurzawą⟧.
Adres: ⟦A:Rudka 47, 21-450 Stoczek Łukowski⟧
Działka nr 312/4, obręb Rudka, ok. 1,8 ha kukurydzy, szkoda zauważona 14 sierpnia.
Telefon: ⟦T:605 318 227⟧
Odszkodowanie proszę przelać na konto ⟦IBAN:⁅iban|PL|1020####0000####0#######⁆⟧.
Łowczy koła: pan ⟦P:Marian Goździk⟧.
""",
)
add(
    "pii",
    "cs",
    "zadost-kaceni-stromu",
    "form",
    """
Můžeš mi z toho udělat formální žádost o povolení kácení dřevin rostoucích mimo les pro obecní úřad?

Žadatel: ⟦P:Bohumil Štěpánek⟧, r. č. ⟦ID@CZ:⁅id|CZ|681102/###?⁆⟧, nar. ⟦DOB:2. 11. 1968⟧
Bydliště: ⟦A:Nádražní 214, 582 91 Světlá nad Sázavou⟧
Pozemek: parc. č. 1187/3, k. ú. Světlá nad Sázavou (zahrada u domu)
Dřevina: bříza bělokorá, obvod kmene ve 130 cm 142 cm, ⟦MC:alergie na pyl břízy⟧ u syna — lékařská zpráva přiložena
Telefon: ⟦T:736 412 085⟧, e-mail: ⟦E:b.stepanek@seznam.cz⟧
Spoluvlastnice: ⟦P:Jarmila Štěpánková⟧
""",
)
add(
    "pii",
    "sk",
    "prihlaska-folklorny-subor-turne",
    "csv",
    """
Potrebujem z tohto zoznamu tanečníkov nášho folklórneho súboru pripraviť podklady pre cestovku na turné do Kanady. Zoraď to podľa priezviska a označ tých, ktorým končí pas pred 1. 6.

meno;priezvisko;datum_narodenia;rodne_cislo;pas;platnost_pasu;poznamka
⟦P:Zuzana⟧;⟦P:Hrivnáková⟧;⟦DOB:17.04.1991⟧;⟦ID@SK:⁅id|SK|915417/###?⁆⟧;⟦PASS:EB4417823⟧;12.03.2026;vegetariánka
⟦P:Matej⟧;⟦P:Ďurčo⟧;⟦DOB:30.11.1998⟧;⟦ID@SK:⁅id|SK|981130/###?⁆⟧;⟦PASS:EC0982144⟧;08.09.2031;⟦MC:epilepsia⟧, berie ⟦MED:Lamictal⟧
⟦P:Veronika⟧;⟦P:Sliacka⟧;⟦DOB:02.02.2001⟧;⟦ID@SK:⁅id|SK|015202/###?⁆⟧;⟦PASS:EA7730916⟧;21.05.2026;
""",
)
add(
    "pii",
    "sv",
    "anmalan-langfardsskridsko-klubb",
    "form",
    """
Hjälp mig skriva om den här medlemsanmälan till vår långfärdsskridskoklubb så att den blir tydligare — särskilt hälsodelen.

Namn: ⟦P:Ingrid Malmqvist-Östlund⟧
Personnummer: ⟦ID@SE:⁅id|SE|830209-###?⁆⟧
Adress: ⟦A:Vretgränd 9, 752 37 Uppsala⟧
Mobil: ⟦T:070-482 19 63⟧
E-post: ⟦E:ingrid.malmqvist@telia.com⟧
Hälsa: Jag har ⟦MC:epilepsi⟧ (anfallsfri sedan 2019) och tar ⟦MED:Keppra⟧ morgon och kväll. Vill gärna åka i grupp med någon som vet om det.
Anhörig: ⟦P:Per Östlund⟧, ⟦T:073-915 02 41⟧
""",
)
add(
    "pii",
    "da",
    "vinterbadeklub-helbredserklaering",
    "form",
    """
Kan du lave en kort helbredserklæring ud fra det her til min tilmelding i vinterbadeklubben på Amager Strand?

Navn: ⟦P:Kirsten Bøgh Lauritsen⟧
CPR-nr.: ⟦ID@DK:⁅id|DK|300657-2##?⁆⟧
Adresse: ⟦A:Øresundsvej 112, 2. th., 2300 København S⟧
Telefon: ⟦T:28 41 73 96⟧
Helbred: ⟦MC:atrieflimren⟧ siden 2021, behandles med ⟦MED:Eliquis⟧ og ⟦MED:metoprolol⟧. Min læge, ⟦P:Mikkel Riis⟧, siger det er ok at bade, bare ikke alene.
Pårørende: datter ⟦P:Signe Lauritsen⟧, ⟦T:+45 51 88 20 37⟧
""",
)
add(
    "pii",
    "no",
    "dispensasjon-snoscooter-hytte",
    "prose",
    """
Kan du skrive en søknad til kommunen om dispensasjon for snøscooterkjøring til hytta? Her er det viktigste:

Søker: ⟦P:Ragnhild Haugland Strøm⟧, fødselsnummer ⟦ID@NO:⁅id|NO|0512903##??⁆⟧ (født ⟦DOB:05.12.1990⟧)
Adresse: ⟦A:Storgata 58, 9008 Tromsø⟧
Mobil: ⟦T:918 40 227⟧
Jeg har ⟦MC:revmatoid artritt⟧ og går på ⟦MED:metotreksat⟧; jeg klarer ikke å gå de 7 km inn til hytta ved Kattfjordvatnet på vinteren.
Sjåfør: min samboer ⟦P:Eirik Nygaard⟧, ⟦T:481 63 905⟧. Legeerklæring fra fastlege ⟦P:Tove Bakkevold⟧ legges ved.
""",
)
add(
    "pii",
    "fi",
    "omaishoidon-vapaan-kotihoito",
    "prose",
    """
Voisitko muotoilla tästä hakemuksen tilapäiseen kotihoitoon omaishoitajan lakisääteisten vapaapäivien ajaksi?

Hoidettava: ⟦P:Veikko Antero Hyvönen⟧, hetu ⟦ID@FI:⁅id|FI|141072-###?⁆⟧, syntynyt ⟦DOB:14.10.1972⟧
Osoite: ⟦A:Kirkkokatu 31 B 6, 70100 Kuopio⟧
Sairaudet: ⟦MC:Parkinsonin tauti⟧ (diagnoosi 2016), ⟦MC:ortostaattinen hypotensio⟧
Lääkitys: ⟦MED:levodopa⟧/karbidopa 5 x päivässä, ⟦MED:rasagiliini⟧
Omaishoitaja: vaimo ⟦P:Pirjo Hyvönen⟧, puh. ⟦T:040 618 2293⟧
Vapaapäivät: 3.–5.11. (⟦P:Pirjo⟧ on silloin sisarensa luona Joensuussa)
""",
)
add(
    "pii",
    "et",
    "raamatukogu-koduteenindus",
    "form",
    """
Palun vormista see avaldus raamatukogu koduteeninduse saamiseks viisakaks kirjaks.

Lugeja: ⟦P:Maie-Liis Kuusemets⟧
Isikukood: ⟦ID@EE:⁅id|EE|4880127###?⁆⟧ (sündinud ⟦DOB:27.01.1988⟧)
Aadress: ⟦A:Vanemuise 19-4, 51014 Tartu⟧
Telefon: ⟦T:5386 1402⟧
Põhjus: ⟦MC:sclerosis multiplex⟧, liikumine ratastooliga, lift majas puudub.
Eelistused: audioraamatud ja suures kirjas krimkad, 4 raamatut korraga.
Kontaktisik: õde ⟦P:Kadri Kuusemets⟧, ⟦E:kadri.kuusemets@gmail.com⟧
""",
)
add(
    "pii",
    "lv",
    "deju-kolektiva-brauciena-saraksts",
    "markdown-table",
    """
Lūdzu, pārveido šo mūsu tautas deju kolektīva brauciena dalībnieku tabulu par CSV, ko prasa autobusu firma.

| Vārds, uzvārds | Personas kods | Dzimšanas datums | Tālrunis | Piezīmes |
|---|---|---|---|---|
| ⟦P:Elīna Bērziņa⟧ | ⟦ID@LV:⁅id|LV|030975-1###?⁆⟧ | ⟦DOB:03.09.1975⟧ | ⟦T:29 418 307⟧ | vadītāja |
| ⟦P:Artūrs Kalniņš⟧ | ⟦ID@LV:⁅id|LV|180402-2###?⁆⟧ | ⟦DOB:18.04.2002⟧ | ⟦T:26 701 994⟧ | ⟦MC:diabēts⟧, līdzi ⟦MED:insulīns⟧ |
| ⟦P:Madara Ozola⟧ | ⟦ID@LV:⁅id|LV|110899-1###?⁆⟧ | ⟦DOB:11.08.1999⟧ | ⟦T:+371 22 053 816⟧ | |
""",
)
add(
    "pii",
    "lt",
    "skundas-del-kaimyno-suns",
    "prose",
    """
Padėkite parašyti skundą seniūnijai dėl kaimyno šuns, kuris loja visą naktį.

Aš, ⟦P:Rūta Jankauskienė⟧, asmens kodas ⟦ID@LT:⁅id|LT|4710306###?⁆⟧, gyvenu ⟦A:Liepų g. 12-3, LT-44211 Kaunas⟧. Kaimynas ⟦P:Gintaras Petrulis⟧ iš 5 buto laiko vokiečių aviganį balkone. Jau tris mėnesius negaliu miegoti, šeimos gydytoja diagnozavo ⟦MC:nemigą⟧ ir paskyrė ⟦MED:zolpidemą⟧. Kalbėjau su ⟦P:Petruliu⟧ du kartus — nepadėjo.
Mano tel. ⟦T:+370 612 48 375⟧, el. paštas ⟦E:ruta.jankauskiene@gmail.com⟧.
""",
)
add(
    "pii",
    "hu",
    "korustalalkozo-jelentkezes-szekelyudvarhely",
    "prose",
    """
Segíts összeállítani a jelentkezést a budapesti jubileumi férfikari találkozóra. Mi Székelyudvarhelyről jövünk, a szálláshoz a szervezők a román személyi számot kérik.

Kórus: Székelyudvarhelyi Férfidalárda, 14 fő
Kapcsolattartó: ⟦P:Bíró Ilona⟧ (titkár), születési dátum: ⟦DOB:1954. március 12.⟧, személyi szám (CNP): ⟦ID@RO:⁅id|RO|254031219###?⁆⟧
Cím: ⟦A:Str. Tompa László nr. 8, 535600 Odorheiu Secuiesc⟧
Telefon: ⟦T:+40 744 518 203⟧
Karnagy: ⟦P:Pál Zsombor⟧
Különleges étkezés: ⟦P:Ilona⟧ ⟦MC:cöliákiás⟧, két tenor laktózérzékeny.
""",
)
add(
    "pii",
    "ro",
    "cerere-racordare-gaz",
    "form",
    """
Poți să transformi notițele astea într-o cerere de racordare la rețeaua de gaze naturale pentru Delgaz?

Solicitant: ⟦P:Andrei-Cosmin Bălănescu⟧
CNP: ⟦ID@RO:⁅id|RO|501073040###?⁆⟧
Data nașterii: ⟦DOB:30.07.2001⟧
Adresa locului de consum: ⟦A:Str. Trandafirilor nr. 17, sat Valea Lupului, jud. Iași, 707410⟧
Telefon: ⟦T:0742 615 980⟧
E-mail: ⟦E:cosmin.balanescu01@yahoo.com⟧
Cont pentru restituirea avansului: ⟦IBAN:⁅iban|RO|BTRLRONCRT0#########⁆⟧
Consumatori: centrală termică 24 kW, aragaz.
""",
)
add(
    "pii",
    "el",
    "aitisi-adeia-periptero",
    "prose",
    """
Μπορείς να μου γράψεις μια αίτηση προς τον Δήμο για χορήγηση άδειας περιπτέρου λόγω αναπηρίας; Στοιχεία:

Ονοματεπώνυμο: ⟦P:Σταυρούλα Κοντογιάννη⟧
ΑΜΚΑ: ⟦ID@GR:⁅id|GR|180266####?⁆⟧, ημ. γέννησης ⟦DOB:18/02/1966⟧
Διεύθυνση: ⟦A:Οδός Αγίου Δημητρίου 44, 546 30 Θεσσαλονίκη⟧
Τηλ.: ⟦T:6944 218 507⟧
Αναπηρία: ⟦MC:παραπληγία⟧ μετά από τροχαίο (ποσοστό 80%, απόφαση ΚΕΠΑ)
Θέση: γωνία Εγνατίας και Αριστοτέλους
Συνυπογράφει ο σύζυγος ⟦P:Νίκος Κοντογιάννης⟧.
""",
)
add(
    "pii",
    "tr",
    "koy-dernegi-uyelik-cenaze-fonu",
    "form",
    """
Köy derneğimizin üyelik formunu düzgün bir metne çevirir misin? Cenaze yardım fonuna da katılmak istiyorum.

Adı Soyadı: ⟦P:Hüseyin Karaçam⟧
T.C. Kimlik No: ⟦ID@TR:⁅id|TR|1########??⁆⟧
Doğum tarihi: ⟦DOB:12.06.1958⟧
Köy: Akpınar (Tokat/Erbaa)
İstanbul adresi: ⟦A:Fevzi Çakmak Mah. Gül Sok. No: 9 D: 4, 34200 Bağcılar/İstanbul⟧
Cep: ⟦T:0532 418 77 06⟧
Eşi: ⟦P:Fadime Karaçam⟧ (o da üye olacak)
Aidat: yıllık 600 TL, ⟦IBAN:⁅iban|TR|0006400001############⁆⟧ hesabından otomatik ödeme
""",
)
add(
    "pii",
    "ru",
    "snt-podklyuchenie-elektroseti",
    "prose",
    """
Помоги составить заявление председателю СНТ «Рассвет» о подключении моего участка к электросети товарищества.

Я, ⟦P:Колесникова Галина Фёдоровна⟧, ИНН ⟦ID@RU:⁅id|RU|##########??⁆⟧, собственник участка № 118. Прописана по адресу: ⟦A:г. Тверь, ул. Склизкова, д. 64, кв. 27⟧. Телефон ⟦T:+7 910 648-21-37⟧, почта ⟦E:g.kolesnikova57@mail.ru⟧.
Прошу рассмотреть вопрос побыстрее: у мужа, ⟦P:Колесникова Виктора Ивановича⟧, ⟦MC:хроническая сердечная недостаточность⟧, летом ему нужен кондиционер, он принимает ⟦MED:бисопролол⟧ и ⟦MED:торасемид⟧.
Председатель — ⟦P:Лебедь А. П.⟧
""",
)
add(
    "pii",
    "uk",
    "zaiava-osbb-pandus",
    "prose",
    """
Допоможіть написати заяву голові ОСББ про встановлення пандуса біля другого під'їзду.

Заявниця: ⟦P:Ярошенко Оксана Миколаївна⟧, РНОКПП ⟦ID@UA:⁅ua|1981-04-02|f⁆⟧, дата народження ⟦DOB:02.04.1981⟧
Адреса: ⟦A:м. Вінниця, вул. Келецька, 57, кв. 84⟧
Телефон: ⟦T:+380 67 418 2093⟧
Мій син ⟦P:Данило⟧ (11 років) має ⟦MC:спінальну м'язову атрофію⟧, пересувається на електричному візку. Зараз ми з чоловіком ⟦P:Ігорем⟧ щодня носимо візок сходами.
Голова ОСББ: ⟦P:Паламарчук В. С.⟧
""",
)
add(
    "pii",
    "bg",
    "udostoverenie-za-naslednici",
    "form",
    """
Можеш ли да ми помогнеш да попълня заявлението за удостоверение за наследници? Ето данните:

Заявител: ⟦P:Десислава Петрова Маринова⟧
ЕГН: ⟦ID@BG:⁅id|BG|821005##1?⁆⟧
Дата на раждане: ⟦DOB:05.10.1982⟧
Постоянен адрес: ⟦A:гр. Пловдив, ж.к. Тракия, бл. 142, вх. Б, ет. 5, ап. 14⟧
Телефон: ⟦T:0887 314 925⟧
Починал: баща ми ⟦P:Петър Маринов Маринов⟧, починал на 11.06.2025 г.
Други наследници: брат ми ⟦P:Стоян Петров Маринов⟧
""",
)
add(
    "pii",
    "hr",
    "prijava-tecaj-ronjenja",
    "form",
    """
Možeš li mi ovu prijavu za tečaj ronjenja (CMAS P1) u Puli pretvoriti u mail za ronilački klub?

Ime i prezime: ⟦P:Tena Vuković-Bašić⟧
OIB: ⟦ID@HR:⁅id|HR|##########?⁆⟧
Datum rođenja: ⟦DOB:23.05.1995⟧
Adresa: ⟦A:Ulica Giardini 4, 52100 Pula⟧
Mobitel: ⟦T:091 728 4410⟧
Zdravstveno: imala sam ⟦MC:astmu⟧ u djetinjstvu, zadnjih 10 godina bez napadaja, ne koristim ⟦MED:Ventolin⟧. Liječnička svjedodžba od dr. ⟦P:Zlatka Perića⟧ u privitku.
""",
)
add(
    "pii",
    "sl",
    "podaljsanje-orozne-listine",
    "prose",
    """
Prosim, napiši vlogo za podaljšanje orožnega lista za lovsko puško. Podatki:

⟦P:Mojca Zupančič⟧, EMŠO ⟦ID@SI:⁅id|SI|2504979505##?⁆⟧, rojena ⟦DOB:25. 4. 1979⟧
Naslov: ⟦A:Cesta na Brdo 23, 1000 Ljubljana⟧
Tel.: ⟦T:041 582 316⟧
Članica LD Polhov Gradec, lovska izkaznica št. 4471
Zdravniško spričevalo: opravljeno 3. 9. pri dr. ⟦P:Andreju Kovaču⟧, brez omejitev.
""",
)
add(
    "pii",
    "ja",
    "jichikai-bousai-meibo",
    "markdown-table",
    """
町内会の「避難行動要支援者名簿」です。班ごとに並べ替えて、支援担当者の列を追加した表にしてください。

| 班 | 氏名 | 住所 | 電話 | 配慮事項 |
|---|---|---|---|---|
| 3 | ⟦P:高橋 フミ子⟧ | ⟦A:鎌倉市大船4丁目12-7⟧ | ⟦T:0467-44-2186⟧ | ⟦MC:人工透析⟧（月水金）、⟦MC:認知症⟧の初期 |
| 1 | ⟦P:小野寺 修⟧ | ⟦A:鎌倉市大船3丁目5-21⟧ | ⟦T:090-3318-7402⟧ | 車いす、⟦MED:ワーファリン⟧服用中 |
| 3 | ⟦P:金城 ミヨ⟧ | ⟦A:鎌倉市大船4丁目9-3 パークハイツ202⟧ | ⟦T:080-6621-0934⟧ | 聴覚障害（筆談可） |

支援担当の割り当て案：⟦P:小野寺⟧さんは隣の⟦P:佐伯⟧さん、⟦P:高橋⟧さんは班長の私（⟦P:森⟧）が担当。
""",
)
add(
    "pii",
    "ko",
    "jangaein-coltaxi-deungrok",
    "form",
    """
장애인 콜택시 이용 등록 신청서 내용입니다. 빠진 항목이 있는지 확인하고 문장을 다듬어 주세요.

신청인: ⟦P:윤서현⟧
주민등록번호: ⟦ID@KR:⁅id|KR|860711-2#####?⁆⟧
생년월일: ⟦DOB:1986년 7월 11일⟧
주소: ⟦A:대전광역시 서구 둔산로 117, 302동 1104호⟧
연락처: ⟦T:010-4827-1936⟧
장애 유형: ⟦MC:뇌병변장애⟧ (심한 장애), 전동휠체어 사용
보호자: 남편 ⟦P:강민재⟧ ⟦T:010-7731-2058⟧
""",
)
add(
    "pii",
    "zh",
    "yeweihui-houxuanren-dengji",
    "form",
    """
帮我把下面这份业主委员会候选人登记表整理成一段自我介绍，用于小区公告栏。

姓名：⟦P:邓雅琴⟧
身份证号：⟦ID@CN:⁅id|CN|11010519920308###?⁆⟧
出生日期：⟦DOB:1992年3月8日⟧
房号：⟦A:北京市朝阳区望京西园三区 312 号楼 2 单元 1601⟧
手机：⟦T:138 1174 6032⟧
邮箱：⟦E:dengyaqin_0308@163.com⟧
职业：注册会计师，在小区居住 6 年
推荐人：⟦P:罗建国⟧（5 号楼）、⟦P:苏曼⟧（9 号楼）
""",
)
add(
    "pii",
    "ar",
    "tasjil-nadi-furusiyya",
    "form",
    """
ساعدني في كتابة رسالة إلى نادي الفروسية لتأكيد تسجيل ابنتي في دورة الصيف. البيانات:

اسم المتدربة: ⟦P:ريم خالد الشامسي⟧
تاريخ الميلاد: ⟦DOB:2013/09/04⟧
رقم الجواز: ⟦PASS:N7720518⟧
ولي الأمر: ⟦P:خالد سعيد الشامسي⟧، هاتف ⟦T:050 318 4726⟧
البريد: ⟦E:k.alshamsi@outlook.com⟧
العنوان: ⟦A:فيلا 22، شارع 14، حي المزهر 1، دبي⟧
ملاحظات صحية: ⟦MC:حساسية من شعر الخيل⟧ خفيفة، تأخذ ⟦MED:سيتريزين⟧ قبل الدرس.
""",
)
add(
    "pii",
    "he",
    "harshama-tiyul-amuta",
    "form",
    """
תסדר לי את טופס ההרשמה לטיול של עמותת המטיילים לגליל העליון בטבלה מסודרת:

שם מלא: ⟦P:אורנה בן-שושן⟧
ת"ז: ⟦ID@IL:⁅id|IL|########?⁆⟧
תאריך לידה: ⟦DOB:17.11.1959⟧
כתובת: ⟦A:רחוב הנרקיס 8, רמת השרון⟧
נייד: ⟦T:052-618-4490⟧
מצב רפואי: ⟦MC:סוכרת סוג 2⟧, נוטלת ⟦MED:מטפורמין⟧; מבקשת מקום קדמי באוטובוס
איש קשר לחירום: ⟦P:יגאל בן-שושן⟧ ⟦T:054-732-1185⟧
""",
)
add(
    "pii",
    "hi",
    "vriddhashram-pravesh-avedan",
    "prose",
    """
कृपया इसे वृद्धाश्रम में प्रवेश के लिए एक औपचारिक आवेदन पत्र के रूप में लिख दीजिए।

मेरी माताजी श्रीमती ⟦P:सावित्री देवी अग्रवाल⟧, जन्म तिथि ⟦DOB:08/01/1946⟧, आधार संख्या ⟦ID@IN:⁅id|IN|2### #### ###?⁆⟧, वर्तमान पता ⟦A:मकान नं. 27, गली नं. 4, शास्त्री नगर, मेरठ 250004⟧। उन्हें ⟦MC:मधुमेह⟧ और ⟦MC:घुटनों का गठिया⟧ है, वे ⟦MED:मेटफॉर्मिन⟧ लेती हैं। मैं, उनका पुत्र ⟦P:राजीव अग्रवाल⟧, नौकरी के कारण पुणे में रहता हूँ। मेरा मोबाइल ⟦T:98370 42615⟧ है।
""",
)
add(
    "pii",
    "th",
    "kham-rong-plian-chue-phu-chai-fai",
    "form",
    """
ช่วยเรียบเรียงคำร้องขอโอนสิทธิ์ผู้ใช้ไฟฟ้าให้เป็นทางการหน่อยครับ บ้านหลังนี้ซื้อต่อจากเจ้าของเดิม

ผู้ยื่นคำร้อง: นาย⟦P:ธนากร ศรีสุวรรณ⟧
เลขประจำตัวประชาชน: ⟦ID@TH:⁅id|TH|1###########?⁆⟧
ที่อยู่ที่ใช้ไฟ: ⟦A:99/14 หมู่ 5 ต.หนองปรือ อ.บางละมุง จ.ชลบุรี 20150⟧
หมายเลขผู้ใช้ไฟฟ้าเดิม: ⟦ACC:020014877365⟧ (ชื่อเจ้าของเดิม นางสาว⟦P:พิมพ์ชนก แก้วมณี⟧)
โทรศัพท์: ⟦T:081 742 3390⟧
อีเมล: ⟦E:thanakorn.sri@gmail.com⟧
""",
)
add(
    "pii",
    "vi",
    "don-xin-giay-phep-quan-ca-phe",
    "form",
    """
Bạn giúp mình viết lại hồ sơ đăng ký hộ kinh doanh quán cà phê này cho gọn và đúng mẫu nhé.

Chủ hộ: ⟦P:Trần Thị Bích Ngọc⟧
Ngày sinh: ⟦DOB:19/05/1990⟧
Hộ chiếu: ⟦PASS:C4871023⟧
Địa chỉ thường trú: ⟦A:Số 28 ngõ 115 Trần Duy Hưng, phường Trung Hòa, quận Cầu Giấy, Hà Nội⟧
Điện thoại: ⟦T:0912 486 307⟧
Email: ⟦E:ngoc.tranbich90@gmail.com⟧
Địa điểm kinh doanh: ⟦A:Số 7 phố Tạ Hiện, phường Hàng Buồm, quận Hoàn Kiếm, Hà Nội⟧
Vốn: 350 triệu đồng. Người góp vốn: chồng tôi ⟦P:Lê Minh Quân⟧.
""",
)
add(
    "pii",
    "id",
    "pendaftaran-anggota-koperasi",
    "form",
    """
Tolong rapikan formulir pendaftaran anggota koperasi simpan pinjam ini jadi surat pengantar, ya.

Nama lengkap: ⟦P:Siti Nurhaliza Rahmawati⟧
NIK: ⟦ID@ID:⁅id|ID|327301590895####⁆⟧
Tanggal lahir: ⟦DOB:19 Agustus 1995⟧
Alamat: ⟦A:Jl. Cihampelas No. 214, RT 03/RW 07, Kota Bandung 40131⟧
No. HP: ⟦T:0812-2047-6618⟧
Pekerjaan: penjahit rumahan
Rekening BRI untuk pencairan: ⟦ACC:0418-01-027733-50-9⟧
Ahli waris: suami, ⟦P:Dedi Kurniawan⟧
""",
)
add(
    "pii",
    "ms",
    "permohonan-lesen-penjaja",
    "form",
    """
Boleh tolong semak borang permohonan lesen penjaja (gerai makanan) ini dan tulis semula dengan ayat yang lebih formal?

Nama pemohon: ⟦P:Norazlina binti Hashim⟧
No. Kad Pengenalan: ⟦ID@MY:⁅id|MY|890214-14-####⁆⟧
Tarikh lahir: ⟦DOB:14 Februari 1989⟧
Alamat: ⟦A:No. 23, Jalan Gombak Setia 5, 53100 Kuala Lumpur⟧
No. telefon: ⟦T:012-384 7706⟧
Jenis jualan: nasi lemak dan kuih, pagi sahaja
Lokasi dipohon: tepi Pasar Besar Gombak, petak 11
Pembantu: adik saya ⟦P:Nurul Huda binti Hashim⟧
""",
)
add(
    "pii",
    "fa",
    "tamdid-gharardad-ejare-maghaze",
    "prose",
    """
لطفاً این یادداشت را به یک نامهٔ رسمی برای تمدید قرارداد اجارهٔ مغازه تبدیل کن:

موجر: آقای ⟦P:فرهاد رستمی⟧، تلفن ⟦T:0912 418 3027⟧
مستأجر: ⟦P:مهسا کریمی‌نژاد⟧، تلفن ⟦T:0935 762 1408⟧
نشانی مغازه: ⟦A:تهران، خیابان ولیعصر، کوچه شهید نادری، پلاک ۱۲، واحد همکف⟧
اجاره ماهانه جدید: ۲۵ میلیون تومان، واریز به کارت ⟦CC:⁅card|603799|xxxx-xxxx-xxxx-xxxx⁆⟧
مدت: یک سال از اول مهر
""",
)
add(
    "pii",
    "sq",
    "kerkese-leje-ndertimi-aneks",
    "prose",
    """
Më ndihmo të shkruaj një kërkesë zyrtare për leje ndërtimi për një aneks të vogël në shtëpi.

Unë, ⟦P:Arben Hoxhaj⟧, banues në ⟦A:Rruga Dëshmorët e Kombit, Pallati 14, Shkalla 2, Durrës 2001⟧, kërkoj leje për ndërtimin e një aneksi 18 m² në oborrin e shtëpisë sime në ⟦A:Lagjja 13, Rruga Skënderbej nr. 41, Durrës⟧.
Pronare e përbashkët është bashkëshortja ime ⟦P:Elvira Hoxhaj⟧.
Telefon: ⟦T:+355 69 284 3017⟧, email: ⟦E:arben.hoxhaj@yahoo.com⟧.
Projekti u hartua nga ing. ⟦P:Dritan Kola⟧.
""",
)
add(
    "pii",
    "az",
    "gulesh-klubu-uzvluk-erizesi",
    "form",
    """
Bu güləş klubuna üzvlük ərizəsini rəsmi məktub şəklində yaz, zəhmət olmasa.

Ad, soyad: ⟦P:Elvin Məmmədov⟧
Doğum tarixi: ⟦DOB:07.03.2010⟧
Valideyn: ⟦P:Aytən Məmmədova⟧
Ünvan: ⟦A:Bakı şəhəri, Nəsimi rayonu, Səməd Vurğun küçəsi 44, mənzil 19⟧
Telefon: ⟦T:+994 50 318 47 62⟧
Sağlamlıq: ⟦MC:bronxial astma⟧ (yüngül), lazım olanda ⟦MED:salbutamol⟧ istifadə edir
Məşqçi: ⟦P:Rəşad Quliyev⟧
""",
)
add(
    "pii",
    "kk",
    "maldy-tirkeu-otinish",
    "prose",
    """
Ауылдық округ әкіміне мал тіркеу туралы өтініш жазып беріңізші. Мәліметтер:

Өтініш беруші: ⟦P:Серікбаев Нұрлан Асқарұлы⟧
Мекенжайы: ⟦A:Алматы облысы, Еңбекшіқазақ ауданы, Бәйтерек ауылы, Абай көшесі 27⟧
Телефон: ⟦T:+7 701 482 3619⟧
Мал: 4 сиыр, 12 қой, 1 жылқы; ветеринар ⟦P:Жанар Төлеуова⟧ тексерді
Жұбайы: ⟦P:Гүлнар Серікбаева⟧
""",
)
add(
    "pii",
    "ne",
    "sahakari-rin-aabedan",
    "prose",
    """
कृपया यो जानकारीलाई सहकारी संस्थामा ऋणको लागि औपचारिक निवेदनको रूपमा लेखिदिनुहोस्।

निवेदक: ⟦P:सुनिता गुरुङ⟧
ठेगाना: ⟦A:पोखरा महानगरपालिका वडा नं. ८, नयाँ बजार⟧
मोबाइल: ⟦T:+977 984 612 3047⟧
सदस्यता नं.: ⟦ACC:SKS-2231⟧
ऋण रकम: रु. ३,००,००० (तरकारी खेतीको लागि ग्रीनहाउस)
जमानी: ⟦P:धनबहादुर थापा⟧
""",
)
add(
    "pii",
    "mr",
    "shettale-anudan-arj",
    "form",
    """
शेततळे अनुदानासाठीचा हा अर्ज नीट करून द्या, कृषी अधिकाऱ्यांना पाठवायचा आहे.

अर्जदार: ⟦P:संजय विठ्ठल पाटील⟧
आधार क्रमांक: ⟦ID@IN:⁅id|IN|3### #### ###?⁆⟧
पत्ता: ⟦A:मु. पो. वडगाव, ता. खटाव, जि. सातारा 415506⟧
मोबाइल: ⟦T:94221 38075⟧
गट क्र. 217, क्षेत्र 1.4 हेक्टर
बँक खाते (अनुदान जमा करण्यासाठी): ⟦ACC:60327814095⟧, IFSC MAHB0001184
पत्नी: ⟦P:सुनंदा पाटील⟧ (सहधारक)
""",
)
# ---------------------------------------------------------------------------
# cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "greenhouse-pi-controller",
    "code",
    """
My Raspberry Pi greenhouse controller stopped posting to Adafruit IO after I added the Pushover alerts. Any idea why?

import time, requests
from Adafruit_IO import Client
import board, adafruit_dht

AIO_USER = "⟦U:moss_and_tomatoes⟧"
AIO_KEY = "⟦K:aio_⁅r|A|28⁆⟧"
PUSHOVER_APP = "⟦K:a⁅r|L|29⁆⟧"
PUSHOVER_USER = "⟦K:u⁅r|L|29⁆⟧"

aio = Client(AIO_USER, AIO_KEY)
dht = adafruit_dht.DHT22(board.D4)

while True:
    t = dht.temperature
    aio.send_data("greenhouse.temp", t)
    if t > 32:
        requests.post("https://api.pushover.net/1/messages.json",
                      data={"token": PUSHOVER_APP, "user": PUSHOVER_USER,
                            "message": f"Greenhouse at {t}°C, open the vent!"})
    time.sleep(60)
""",
)
add(
    "cred",
    "en",
    "dental-practice-sshpass-backup",
    "command",
    """
This cron job at our dental practice has been failing silently since the NAS was replaced. Can you make it log errors and stop putting the password on the command line?

# m h dom mon dow  command
30 22 * * 1-5 sshpass -p '⟦S:Molar!Crown-2291⟧' rsync -az --delete -e "ssh -p 2222" /srv/dentrix/exports/ ⟦U:jbertolini⟧@backup.smilebridge-dental.local:/volume1/practice-backups/
45 22 * * 5 sshpass -p '⟦S:Molar!Crown-2291⟧' ssh -p 2222 ⟦U:jbertolini⟧@backup.smilebridge-dental.local "find /volume1/practice-backups -mtime +90 -delete"
""",
)
add(
    "cred",
    "en",
    "harbor-sonar-github-workflow",
    "yaml",
    """
Why does the docker login step in this GitHub Actions workflow print a warning about insecure passwords? And is it ok to keep the Sonar token here for now?

name: build-and-scan
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      SONAR_TOKEN: ⟦K:squ_⁅r|H|40⁆⟧
      SONAR_HOST_URL: https://sonar.fieldnotes-app.io
    steps:
      - uses: actions/checkout@v4
      - run: echo "⟦S:⁅r|A|32⁆⟧" | docker login harbor.fieldnotes-app.io -u 'robot$ci-push' --password-stdin
      - run: docker build -t harbor.fieldnotes-app.io/mobile/api:${{ github.sha }} .
      - run: docker push harbor.fieldnotes-app.io/mobile/api:${{ github.sha }}
      - uses: SonarSource/sonarqube-scan-action@v3
""",
)
add(
    "cred",
    "en",
    "discord-bot-openrouter-env",
    "env",
    """
my discord bot for our D&D group crashes on startup with "401 Unauthorized" from openrouter. env file below, what am I missing?

DISCORD_TOKEN=⟦K:MT⁅r|A|24⁆.⁅r|B|6⁆.⁅r|B|38⁆⟧
DISCORD_GUILD_ID=1184420975531028490
OPENROUTER_API_KEY=⟦K:sk-or-v1-⁅r|H|64⁆⟧
OPENROUTER_MODEL=mistralai/mistral-small
DM_ROLE=Dungeon Master
LOG_LEVEL=debug
""",
)
add(
    "cred",
    "en",
    "neon-psql-auth-failed",
    "command",
    """
Getting this when I try to connect to our Neon database from my laptop, the same URL works in Vercel:

$ psql 'postgresql://⟦U:rkapoor⟧:⟦S:npg_⁅r|A|12⁆⟧@ep-quiet-meadow-a4k2x9.eu-central-1.aws.neon.tech/inventory?sslmode=require'
psql: error: connection to server at "ep-quiet-meadow-a4k2x9.eu-central-1.aws.neon.tech" (3.125.71.4), port 5432 failed: FATAL:  password authentication failed for user "⟦U:rkapoor⟧"

Is it an IP allowlist thing?
""",
)
add(
    "cred",
    "en",
    "atlas-uri-notebook-traceback",
    "code",
    """
Notebook cell fails, I think the special character in the password breaks the URI?

---------------------------------------------------------------------------
InvalidURI                                Traceback (most recent call last)
Cell In[7], line 3
      1 from pymongo import MongoClient
----> 3 client = MongoClient("mongodb+srv://⟦U:lena_ornith⟧:⟦S:Kestrel@Dawn#58⟧@birdcount.x7qpl.mongodb.net/?retryWrites=true&w=majority")
      4 db = client["spring_census"]

InvalidURI: Username and password must be escaped according to RFC 3986, use urllib.parse.quote_plus
""",
)
add(
    "cred",
    "en",
    "celery-redis-django-settings",
    "code",
    """
Our Celery workers keep reconnecting every few seconds. Relevant bits of settings/production.py:

CELERY_BROKER_URL = "rediss://:⟦S:⁅r|A|40⁆⟧@redis-14882.c300.eu-west-1-2.ec2.redns.redis-cloud.com:14882/0"
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_keepalive": True}
EMAIL_HOST = "smtp.postmarkapp.com"
EMAIL_HOST_USER = "⟦K:⁅uuid|@pm⁆⟧"
EMAIL_HOST_PASSWORD = "⟦K:⁅@pm⁆⟧"
SECRET_KEY = "⟦S:⁅r|A|50⁆⟧"
""",
)
add(
    "cred",
    "en",
    "terraform-digitalocean-spaces",
    "code",
    """
terraform plan says "Error: Error creating bucket: InvalidAccessKeyId". provider block:

provider "digitalocean" {
  token             = "⟦K:dop_v1_⁅r|H|64⁆⟧"
  spaces_access_id  = "⟦K:DO00⁅r|U|16⁆⟧"
  spaces_secret_key = "⟦K:⁅r|S|43⁆⟧"
}

resource "digitalocean_spaces_bucket" "podcast_audio" {
  name   = "weekly-garden-podcast-audio"
  region = "ams3"
}
""",
)
add(
    "cred",
    "en",
    "ansible-deploy-key-vars",
    "yaml",
    """
Ansible complains "Load key: invalid format" when it writes this deploy key for our wiki server. Is the indentation wrong?

# group_vars/wiki.yml
wiki_repo: git@git.lantern-collective.org:docs/wiki.git
wiki_deploy_key: |
  ⟦PK:⁅ed|openssh|wiki-deploy@lantern|ind2⁆⟧
wiki_admin_user: ⟦U:mfaulkner⟧
wiki_admin_password: "⟦S:Lantern-Quill-7731⟧"
""",
)
add(
    "cred",
    "en",
    "jenkinsfile-slack-webhook",
    "code",
    """
Can you convert this Jenkinsfile post block to use the Slack plugin instead of curl?

post {
    failure {
        sh '''
          curl -X POST -H 'Content-type: application/json' \\
            --data '{"text":"Build ${BUILD_NUMBER} of payroll-sync FAILED"}' \\
            ⟦K:https://hooks.slack.com/services/T0⁅r|U|8⁆/B0⁅r|U|9⁆/⁅r|A|24⁆⟧
        '''
    }
    success {
        sh "curl -s -u ⟦U:ci-nbaptiste⟧:⟦K:11⁅r|H|32⁆⟧ https://jenkins.corp-ledger.net/job/payroll-sync/lastBuild/api/json"
    }
}
""",
)
add(
    "cred",
    "en",
    "zabbix-discord-alert-script",
    "code",
    """
This Zabbix alert script posts to Discord but the embeds come out empty. What's wrong with the JSON?

#!/bin/bash
WEBHOOK="⟦K:https://discord.com/api/webhooks/1290⁅r|D|15⁆/⁅r|B|68⁆⟧"
SUBJECT="$1"
MESSAGE="$2"
curl -H "Content-Type: application/json" -X POST \\
  -d "{\\"embeds\\": [{\\"title\\": \\"$SUBJECT\\", \\"description\\": \\"$MESSAGE\\"}]}" \\
  "$WEBHOOK"
""",
)
add(
    "cred",
    "en",
    "podiatry-twilio-reminder-php",
    "code",
    """
Our podiatry clinic's appointment reminder sends the SMS twice. Here's the PHP, with a test row from yesterday:

<?php
require 'vendor/autoload.php';
use Twilio\\Rest\\Client;

$sid   = '⟦K:AC⁅r|H|32⁆⟧';
$token = '⟦K:⁅r|H|32⁆⟧';
$twilio = new Client($sid, $token);

// test: patient ⟦P:Doreen Whitlock⟧, DOB ⟦DOB:1948-05-22⟧, ⟦MC:diabetic foot ulcer⟧ review
$to = '⟦T:+447837423086⟧';
foreach ($appointments as $a) {
    $twilio->messages->create($to, ['from' => '+441632960781', 'body' => "Reminder: {$a['time']} at Stepwell Podiatry"]);
}
""",
)
add(
    "cred",
    "en",
    "starlink-boat-wireguard",
    "ini",
    """
WireGuard on the boat's travel router won't handshake through Starlink (CGNAT). Config:

[Interface]
PrivateKey = ⟦PK:⁅wg⁆⟧
Address = 10.66.0.2/32
DNS = 10.66.0.1

[Peer]
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
Endpoint = ⟦IP:82.165.40.217⟧:51820
AllowedIPs = 0.0.0.0/0
PersistentKeepalive = 25
""",
)
add(
    "cred",
    "en",
    "swiss-payroll-api-ahv",
    "code",
    """
Swiss payroll provider's API rejects our new-employee payload with "AHVN13 checksum invalid". Here's the request from our HR tool:

import httpx
r = httpx.post(
    "https://api.lohnwerk.ch/v2/employees",
    headers={"Authorization": "Bearer ⟦S:⁅jwt|RS256|{"sub":"tenant-4412","scope":"employees:write","exp":1767225600}⁆⟧"},
    json={
        "firstName": "⟦P:Seraina⟧",
        "lastName": "⟦P:Caduff-Moser⟧",
        "ahvNumber": "⟦ID@CH:⁅id|CH|756.####.####.#?⁆⟧",
        "birthDate": "⟦DOB:1991-07-30⟧",
        "iban": "⟦IBAN:⁅iban|CH|00700############⁆⟧",
        "address": {"street": "⟦A:Quaderstrasse 12⟧", "zip": "⟦A:7000⟧", "city": "⟦A:Chur⟧"},
    },
)
""",
)
add(
    "cred",
    "en",
    "iceland-esign-curl-kennitala",
    "command",
    """
I'm testing the e-signing API for our Reykjavík rental agency. This call returns 422 "signer.nationalId invalid" — is the kennitala format wrong (with or without hyphen)?

curl -X POST https://api.signhus.is/v1/documents \\
  -H "X-Api-Key: ⟦K:shk_live_⁅r|A|40⁆⟧" \\
  -H "Content-Type: application/json" \\
  -d '{"title":"Leigusamningur Laugavegur 88","signers":[{"name":"⟦P:Sigrún Hallgrímsdóttir⟧","nationalId":"⟦ID@IS:⁅id|IS|031194-##?9⁆⟧","phone":"⟦T:+354 862 4417⟧","email":"⟦E:sigrun.hallgrims@simnet.is⟧"}]}'
""",
)
add(
    "cred",
    "en",
    "bank-sftp-rsa-key-openssl",
    "code",
    """
Our bank's SFTP for payment files says "no supported authentication methods" and `openssl rsa -check` on the key looks fine. Do I need to convert it to OpenSSH format? Here's the key file and the config:

# ~/.ssh/config
Host bank-sftp
    HostName sftp.h2h.nordcoastbank.com
    User ⟦U:treasury_tkowalczyk⟧
    IdentityFile ~/.ssh/bank_h2h_rsa

# ~/.ssh/bank_h2h_rsa
⟦PK:⁅rsa|2048|pkcs1⁆⟧
""",
)
add(
    "cred",
    "en",
    "node-es256-signer-aws-env",
    "code",
    """
The ES256 signature from this Lambda doesn't verify on the partner side. Could it be the key format? (I know I shouldn't hardcode, it's a quick test.)

const { SignJWT, importPKCS8 } = require("jose");
process.env.AWS_ACCESS_KEY_ID = "⟦K:AKIA⁅r|A2|16⁆⟧";
process.env.AWS_SECRET_ACCESS_KEY = "⟦K:⁅r|S|40⁆⟧";

const pem = `⟦PK:⁅ec|pkcs8⁆⟧`;

exports.handler = async () => {
  const key = await importPKCS8(pem, "ES256");
  return new SignJWT({ iss: "loyalty-bridge" }).setProtectedHeader({ alg: "ES256", kid: "lb-2025-1" }).setExpirationTime("5m").sign(key);
};
""",
)
# ---------------------------------------------------------------------------
# cred — other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "de",
    "nextcloud-config-php-tanzschule",
    "code",
    """
Unsere Nextcloud (Tanzschule, ca. 20 Nutzer) zeigt nach dem Update auf 30 nur noch "Internal Server Error". Hier die config.php — siehst du was?

<?php
$CONFIG = array (
  'instanceid' => 'ocq8x2k1v9ze',
  'passwordsalt' => '⟦S:⁅r|A|30⁆⟧',
  'secret' => '⟦S:⁅r|S|48⁆⟧',
  'trusted_domains' => array (0 => 'cloud.tanzschule-feldmann.de', 1 => '192.168.178.40'),
  'dbtype' => 'mysql',
  'dbhost' => 'localhost',
  'dbname' => 'nextcloud',
  'dbuser' => 'nc_admin',
  'dbpassword' => '⟦S:Walzer#Tango!1998⟧',
  'mail_smtphost' => 'smtp.strato.de',
  'mail_smtpname' => '⟦E:buero@tanzschule-feldmann.de⟧',
  'mail_smtppassword' => '⟦S:Quickstep-Foxtrott-44⟧',
  'maintenance' => false,
);
""",
)
add(
    "cred",
    "fr",
    "lftp-sauvegarde-pharmacie",
    "command",
    """
Le script de sauvegarde de la pharmacie ne s'exécute plus depuis qu'on a changé d'hébergeur. Tu peux m'aider à le corriger et à ne plus mettre le mot de passe en clair ?

#!/bin/sh
# sauvegarde quotidienne LGPI -> FTP hébergeur
DATE=$(date +%F)
tar czf /tmp/lgpi-$DATE.tgz /opt/lgpi/data
lftp -u ⟦U:pharma.delaunay⟧,'⟦S:Officine_Rhone_2024!⟧' ftps://ftp.cluster028.hosting.ovh.net <<EOF2
cd /sauvegardes
put /tmp/lgpi-$DATE.tgz
bye
EOF2
# contact en cas de souci : ⟦P:Hélène Delaunay⟧ ⟦T:06 45 92 18 30⟧
""",
)
add(
    "cred",
    "es",
    "whatsapp-panaderia-empleado-nuevo",
    "prose",
    """
Ayúdame a pasar a limpio este mensaje para el chico nuevo de la panadería, que quede claro y ordenado:

"Hola ⟦P:Joel⟧! Mañana abres tú con ⟦P:Puri⟧. La alarma se desconecta con el código ⟦S:4471⟧ y luego la tecla OFF. La clave de la caja registradora es ⟦S:pan2019⟧ (usuario mostrador2). El PIN del datáfono para devoluciones es ⟦S:8830⟧, no se lo des a nadie. El wifi del obrador es "Horno_Santa_Rita" y la clave ⟦S:masamadre_con_amor⟧. Si hay cualquier problema llama a ⟦P:Encarna⟧ al ⟦T:677 204 915⟧."
""",
)
add(
    "cred",
    "it",
    "django-settings-palestra-arrampicata",
    "code",
    """
Il gestionale della nostra palestra di arrampicata dà errore 500 solo in produzione. Ecco settings_prod.py, che ne pensi?

DEBUG = False
ALLOWED_HOSTS = ["gestione.bloccoalto.it"]
SECRET_KEY = "⟦S:⁅r|A|50⁆⟧"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "bloccoalto",
        "USER": "⟦U:gestionale_fabio⟧",
        "PASSWORD": "⟦S:Strapiombo_8a+⟧",
        "HOST": "db.internal",
        "PORT": "5432",
    }
}
STRIPE_SECRET_KEY = "⟦K:sk_live_51⁅r|A|97⁆⟧"
STRIPE_WEBHOOK_SECRET = "⟦S:whsec_⁅r|A|32⁆⟧"
""",
)
add(
    "cred",
    "pt",
    "env-delivery-acai-pagseguro-zapi",
    "env",
    """
O app de delivery da minha loja de açaí não está mandando a confirmação no WhatsApp. Segue o .env, o erro é "client-token is not configured":

APP_URL=https://pedidos.acaidaprainha.com.br
PAGSEGURO_EMAIL=⟦E:financeiro.acaidaprainha@gmail.com⟧
PAGSEGURO_TOKEN=⟦K:⁅uuid⁆⁅r|H|64⁆⟧
ZAPI_INSTANCE_ID=3D8F1A0C77B24E19A6C04E51F2B9D7A3
ZAPI_INSTANCE_TOKEN=⟦K:⁅r|U|24⁆⟧
ZAPI_CLIENT_TOKEN=
DONO_WHATSAPP=⟦T:5571998314206⟧
""",
)
add(
    "cred",
    "nl",
    "ehealth-keystore-huisartsenpraktijk",
    "env",
    """
Onze praktijksoftware krijgt bij het ophalen van het eHealth-token "SOA-01001 Invalid certificate". Dit is de .env van de koppeling, zie jij iets vreemds?

EHEALTH_ENV=production
EHEALTH_KEYSTORE=/etc/praktijk/ehealth/SSIN=⟦ID@BE:⁅id|BE|850322###??|@nn⁆⟧ 20250311-112233.acc-p12
EHEALTH_KEYSTORE_PASSWORD=⟦S:Stethoscoop!Gent-2025⟧
EHEALTH_SSIN=⟦ID@BE:⁅@nn⁆⟧
EHEALTH_NIHII=1-48271-93-004
PRACTITIONER_NAME=dr. ⟦P:Lien Vermeersch⟧
""",
)
add(
    "cred",
    "pl",
    "allegro-sync-docker-login",
    "command",
    """
Skrypt do synchronizacji stanów magazynowych z Allegro przestał działać po przeniesieniu na nowy serwer. Wklejam historię poleceń — dlaczego docker pull zwraca "unauthorized"?

$ docker login registry.gitlab.com -u ⟦U:m.wrobel-hurtownia⟧ -p ⟦K:glpat-⁅r|B|20⁆⟧
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
$ export ALLEGRO_CLIENT_ID=⁅r|H|32⁆
$ export ALLEGRO_CLIENT_SECRET=⟦S:⁅r|A|64⁆⟧
$ docker pull registry.gitlab.com/hurtownia-wrobel/allegro-sync:latest
Error response from daemon: pull access denied, repository does not exist or may require 'docker login': denied: requested access to the resource is denied
""",
)
add(
    "cred",
    "cs",
    "chata-raspberry-fio-api",
    "prose",
    """
Sepiš mi to prosím do přehledného návodu pro švagra, který bude přes zimu hlídat chatu:

Wi-Fi na chatě: síť "Chata_U_Lesa", heslo ⟦S:hribky-a-borovicky-77⟧. Alarm Jablotron se vypíná kódem ⟦S:2580⟧ a pak se musí do 30 s zavřít dveře. Raspberry v kůlně posílá upozornění, když teplota klesne pod 3 °C, a zároveň kontroluje platby za pronájem přes Fio API — token je ⟦K:⁅r|A|64⁆⟧ (jen pro čtení). Kdyby něco, volej ⟦P:Radkovi⟧ na ⟦T:604 227 318⟧.
""",
)
add(
    "cred",
    "sv",
    "k8s-secret-klarna-webshop",
    "yaml",
    """
Podden för vår webbshop (keramik) kraschar med "KLARNA_PASSWORD not set". Är det fel på den här Secret:en?

apiVersion: v1
kind: Secret
metadata:
  name: shop-payments
  namespace: keramik-prod
type: Opaque
stringData:
  KLARNA_USERNAME: PK48213_3b9f0e7c2a14
  KLARNA_PASSWORD: ⟦K:klarna_live_api_⁅r|B|56⁆⟧
  SMTP_PASSWORD: ⟦S:Lerkruka#Glasyr2025⟧
---
env:
  - name: KLARNA_PASSWORD
    valueFrom:
      secretKeyRef:
        name: shop-payment
        key: KLARNA_PASSWORD
""",
)
add(
    "cred",
    "da",
    "economic-powershell-tokens",
    "code",
    """
Mit PowerShell-script henter ubetalte fakturaer fra e-conomic, men jeg får 401. Er det headerne?

$headers = @{
  "X-AppSecretToken"      = "⟦K:⁅r|A|43⁆⟧"
  "X-AgreementGrantToken" = "⟦K:⁅r|A|43⁆⟧"
  "Content-Type"          = "application/json"
}
$r = Invoke-RestMethod -Uri "https://restapi.e-conomic.com/invoices/overdue?pagesize=100" -Headers $headers
$r.collection | Select-Object bookedInvoiceNumber, date, grossAmount, @{n='kunde';e={$_.recipient.name}}
""",
)
add(
    "cred",
    "no",
    "merd-foringssystem-mqtt-ini",
    "ini",
    """
Fôringsanlegget på merdene sender ikke lenger data til dashboardet. Kan du se om noe er galt i konfigurasjonen?

[mqtt]
broker = mqtts://mqtt.havbruk-nordvest.no:8883
client_id = fortaker-lokalitet-12
username = lok12_fôring
password = ⟦S:Laks&Sild-Vestfjord19⟧

[opcua]
endpoint = opc.tcp://10.20.4.15:4840
user = operator
password = ⟦S:Merd12-Opc!⟧

[alarm]
sms_til = ⟦T:+47 952 18 406⟧
""",
)
add(
    "cred",
    "fi",
    "paytrail-php-verkkokauppa",
    "code",
    """
Paytrail palauttaa "Invalid signature" meidän villalankakaupan kassalta. Onko HMAC laskettu väärin?

<?php
$merchantId = 375917;
$secret = '⟦S:⁅r|A|40⁆⟧';
$headers = [
  'checkout-account' => $merchantId,
  'checkout-algorithm' => 'sha256',
  'checkout-method' => 'POST',
  'checkout-nonce' => bin2hex(random_bytes(8)),
  'checkout-timestamp' => gmdate('Y-m-d\\TH:i:s.v\\Z'),
];
ksort($headers);
$payload = implode("\\n", array_map(fn($k, $v) => "$k:$v", array_keys($headers), $headers)) . "\\n" . $body;
$headers['signature'] = hash_hmac('sha256', $payload, $secret);
""",
)
add(
    "cred",
    "hu",
    "billingo-api-szamla-python",
    "code",
    """
A Billingo API-val szeretném automatikusan kiállítani a jógastúdió bérletszámláit, de 403-at kapok. Mit rontok el?

import requests
API_KEY = "⟦K:⁅uuid⁆⟧"
BASE = "https://api.billingo.hu/v3"
r = requests.post(f"{BASE}/documents", headers={"X-API-KEY": API_KEY}, json={
    "partner_id": 18842117,
    "block_id": 0,
    "type": "invoice",
    "payment_method": "bankcard",
    "items": [{"name": "10 alkalmas bérlet", "unit_price": 28000, "vat": "27%", "quantity": 1}],
})
print(r.status_code, r.text)
# a fiókom: ⟦E:kovacs.reka.joga@gmail.com⟧, jelszó ⟦S:Napudvozlet108⟧ — ezzel be tudok lépni a webes felületre
""",
)
add(
    "cred",
    "ro",
    "emag-marketplace-python",
    "code",
    """
Scriptul care încarcă stocurile pe eMAG Marketplace dă "Invalid vendor ip". Am pus credențialele greșit?

import requests, base64
USER = "⟦E:comenzi@ceainariaverde.ro⟧"
PAROLA = "⟦S:CeaiVerde!Sibiu2023⟧"
auth = base64.b64encode(f"{USER}:{PAROLA}".encode()).decode()
r = requests.post(
    "https://marketplace-api.emag.ro/api-3/product_offer/save",
    headers={"Authorization": f"Basic {auth}"},
    json=[{"id": 2291, "stock": [{"warehouse_id": 1, "value": 14}]}],
)
""",
)
add(
    "cred",
    "el",
    "asterisk-sip-conf-xenodoxeio",
    "ini",
    """
Τα εσωτερικά τηλέφωνα του ξενοδοχείου δεν κάνουν register μετά την αλλαγή router. Να το sip.conf, βλέπεις κάτι;

[general]
context=ksenodoxeio
bindport=5060
externip=⟦IP:94.66.218.17⟧
localnet=192.168.10.0/255.255.255.0

[101]
type=friend
host=dynamic
secret=⟦S:Reception!Santorini101⟧
callerid="Ρεσεψιόν" <101>

[trunk-voip]
type=peer
host=sip.voipcenter.gr
username=santo_kallisti01
secret=⟦S:⁅r|A|16⁆⟧
""",
)
add(
    "cred",
    "tr",
    "netgsm-sms-curl-eczane",
    "command",
    """
Eczanemizin nöbet hatırlatma SMS'leri gitmiyor, Netgsm "30" hata kodu dönüyor. Komut şu:

curl -G "https://api.netgsm.com.tr/sms/send/get" \\
  --data-urlencode "usercode=8503041172" \\
  --data-urlencode "password=⟦S:Eczane.Nobet*2024⟧" \\
  --data-urlencode "gsmno=⟦T:05324187706⟧" \\
  --data-urlencode "message=Yarın (Cumartesi) eczanemiz nöbetçidir." \\
  --data-urlencode "msgheader=SIFAECZANE"
""",
)
add(
    "cred",
    "ru",
    "telegram-bot-yandex-cloud-yaml",
    "yaml",
    """
Бот для записи в нашу гончарную мастерскую не может загрузить фото в Object Storage. Вот config.yaml, что не так?

telegram:
  token: "⟦K:7⁅r|D|9⁆:AA⁅r|B|33⁆⟧"
  admin_chat_id: -1002219384417
yandex_cloud:
  oauth_token: "⟦K:y0_⁅r|B|55⁆⟧"
  folder_id: b1g7q2k9m3v8d4xj0pzt
  storage:
    bucket: goncharka-photos
    access_key_id: "⟦K:YCAJ⁅r|B|21⁆⟧"
    secret_access_key: "⟦K:YCP⁅r|B|37⁆⟧"
owner:
  name: ⟦P:Вероника Сташевская⟧
  phone: "⟦T:+7 921 604-18-73⟧"
""",
)
add(
    "cred",
    "uk",
    "nova-poshta-api-js",
    "code",
    """
Створення ТТН через API Нової Пошти повертає "API key expired", хоча ключ я згенерувала вчора. Ось код:

const NP_API_KEY = "⟦K:⁅r|H|32⁆⟧";
async function createTTN(order) {
  const res = await fetch("https://api.novaposhta.ua/v2.0/json/", {
    method: "POST",
    body: JSON.stringify({
      apiKey: NP_API_KEY,
      modelName: "InternetDocument",
      calledMethod: "save",
      methodProperties: { PayerType: "Recipient", Weight: order.weight, ServiceType: "WarehouseWarehouse",
        SenderPhone: "⟦T:380673109458⟧", RecipientsPhone: order.phone },
    }),
  });
  return res.json();
}
""",
)
add(
    "cred",
    "ja",
    "gas-chatwork-kintone-mynumber",
    "code",
    """
GASでkintoneの従業員アプリからChatworkに通知するスクリプトです。「403 Forbidden」が出ます。テスト用に自分のレコードを使っています。

const CW_TOKEN = '⟦K:⁅r|H|32⁆⟧';
const KINTONE_TOKEN = '⟦K:⁅r|A|40⁆⟧';
const ROOM_ID = '318847201';

function notify() {
  const rec = { 氏名: '⟦P:松本 彩花⟧', マイナンバー: '⟦ID@JP:⁅id|JP|###########?⁆⟧', 生年月日: '⟦DOB:1994-10-27⟧' };
  UrlFetchApp.fetch(`https://api.chatwork.com/v2/rooms/${ROOM_ID}/messages`, {
    method: 'post',
    headers: { 'X-ChatWorkToken': CW_TOKEN },
    payload: { body: `${rec.氏名}さんの書類が提出されました` },
  });
}
""",
)
add(
    "cred",
    "ko",
    "kakao-naver-application-properties",
    "ini",
    """
스프링 부트에서 카카오 로그인은 되는데 네이버 로그인이 "invalid_client"로 실패합니다. application-prod.properties 확인 부탁드려요.

spring.security.oauth2.client.registration.kakao.client-id=⟦K:⁅r|H|32⁆⟧
spring.security.oauth2.client.registration.kakao.client-secret=⟦S:⁅r|A|32⁆⟧
spring.security.oauth2.client.registration.naver.client-id=⁅r|A|20⁆
spring.security.oauth2.client.registration.naver.client-secret=⟦S:⁅r|A|10⁆⟧
spring.datasource.url=jdbc:mariadb://db.dongne-market.kr:3306/market
spring.datasource.username=market_app
spring.datasource.password=⟦S:Dongne!Market#2025⟧
""",
)
add(
    "cred",
    "zh",
    "wecom-webhook-tencent-cloud",
    "code",
    """
这段 Python 在我们茶叶店的服务器上跑，备份上传到腾讯云 COS 之后要在企业微信群里发通知，可是群里收不到消息。帮我看看：

from qcloud_cos import CosConfig, CosS3Client
import requests

config = CosConfig(Region="ap-guangzhou",
                   SecretId="⟦K:AKID⁅r|A|32⁆⟧",
                   SecretKey="⟦K:⁅r|A|32⁆⟧")
client = CosS3Client(config)
client.upload_file(Bucket="chaye-backup-1318842276", LocalFilePath="/data/orders.sql.gz", Key="daily/orders.sql.gz")

requests.post("⟦K:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=⁅uuid⁆⟧",
              json={"msgtype": "text", "text": {"content": "备份完成"}})
""",
)
add(
    "cred",
    "bg",
    "wordpress-admin-ftp-prose",
    "prose",
    """
Пиша на новия ни програмист за сайта на хотела. Можеш ли да го направиш по-кратко и учтиво?

"Здравейте, ⟦P:Мартин⟧! Ето достъпите: админ панел на WordPress — https://hotel-pirin-view.bg/wp-admin, потребител ⟦U:elena.admin⟧, парола ⟦S:Pirin#Bansko2023⟧. FTP: ftp.hotel-pirin-view.bg, потребител pirinview_ftp, парола ⟦S:Snejanka-7742⟧. Моля, сменете паролите след като приключите. Поздрави, ⟦P:Елена Костадинова⟧, ⟦T:0888 415 207⟧"
""",
)
add(
    "cred",
    "hr",
    "psql-url-pgadmin-udruga",
    "command",
    """
pgAdmin mi javlja "SSL SYSCALL error: EOF detected" kad se spajam na bazu naše udruge za zaštitu životinja. Ovo radi iz terminala:

psql "postgresql://⟦U:ivana_udomi⟧:⟦S:Sapica_i_Repic_22⟧@pg.sapice-zagreb.hr:5432/udomljavanje?sslmode=require"

U pgAdminu sam upisala isti host, port, korisnika ⟦U:ivana_udomi⟧ i lozinku, SSL mode "prefer". Što da promijenim?
""",
)
add(
    "cred",
    "sk",
    "sprava-manzelovi-karta-pin-trezor",
    "prose",
    """
Oprav mi gramatiku v tejto správe pre manžela, nech to nie je také chaotické:

"⟦P:Paľko⟧, keď budeš zajtra platiť tú faktúru za kotol, použi radšej moju kartu ⟦CC:⁅card|5|xxxx xxxx xxxx xxxx⁆⟧, platnosť 09/28, CVC ⟦S:417⟧. PIN je ⟦S:6093⟧, ale ten netreba, je to cez internet. Ak by chceli zálohu v hotovosti, peniaze sú v trezore v spálni, kód ⟦S:190388⟧. Daj vedieť, ⟦P:Zuzka⟧."
""",
)
# ---------------------------------------------------------------------------
# benign — English
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "dataclass-ssn-placeholder",
    "code",
    """
Can you add validation to this dataclass so an SSN like the placeholder in the docstring is rejected?

from dataclasses import dataclass
import re

@dataclass
class TaxFormInput:
    \"\"\"Input for the W-9 generator.

    Example:
        TaxFormInput(name="Jane Doe", ssn="123-45-6789", email="jane.doe@example.com")
    \"\"\"
    name: str
    ssn: str
    email: str

    SSN_MASK = "XXX-XX-XXXX"
    SSN_RE = re.compile(r"^\\d{3}-\\d{2}-\\d{4}$")
""",
)
add(
    "benign",
    "en",
    "stripe-test-cards-docs",
    "prose",
    """
I'm writing the README for our checkout demo. Does this section read ok?

## Testing payments
Use Stripe test mode. Set `STRIPE_SECRET_KEY=sk_test_xxx` and `STRIPE_PUBLISHABLE_KEY=pk_test_xxx` in `.env.example` (never commit real keys).
Test cards:
- `4242 4242 4242 4242` — succeeds
- `4000 0000 0000 9995` — declined (insufficient funds)
- `4000 0025 0000 3155` — requires 3-D Secure
Use any future expiry (e.g. 12/34), any CVC (e.g. 123) and any ZIP (e.g. 90210).
""",
)
add(
    "benign",
    "en",
    "nginx-reverse-proxy-local",
    "code",
    """
Why does this nginx config return 502 for /api but the frontend works?

upstream api_backend {
    server 127.0.0.1:8081;
    server 10.0.3.17:8081 backup;
}
server {
    listen 80;
    server_name staging.example.com;
    location / { root /var/www/app/dist; try_files $uri /index.html; }
    location /api/ {
        proxy_pass http://api_backend/;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header Host $host;
    }
}
""",
)
add(
    "benign",
    "en",
    "sql-schema-customers",
    "sql",
    """
Review this schema for a small CRM. Should phone be VARCHAR(20) or stored as E.164 in a separate table?

CREATE TABLE customers (
    customer_id   BIGSERIAL PRIMARY KEY,
    first_name    VARCHAR(80) NOT NULL,
    last_name     VARCHAR(80) NOT NULL,
    email         VARCHAR(254) UNIQUE CHECK (email LIKE '%@%'),
    phone         VARCHAR(20),
    date_of_birth DATE CHECK (date_of_birth > DATE '1900-01-01'),
    iban          CHAR(34),
    created_at    TIMESTAMPTZ DEFAULT now()
);
CREATE INDEX idx_customers_last_name ON customers (last_name);
""",
)
add(
    "benign",
    "en",
    "product-csv-ean",
    "csv",
    """
Can you find the duplicate EANs in this product export and suggest which rows to merge?

sku,ean,title,colour,price_gbp,stock
MUG-011,5012345678900,Stoneware mug 350ml,Sage,12.50,44
MUG-012,5012345678917,Stoneware mug 350ml,Oat,12.50,0
BWL-204,5012345678924,Ramen bowl 900ml,Sage,18.00,17
BWL-205,5012345678900,Ramen bowl 900ml,Charcoal,18.00,9
PLT-330,5012345678948,Side plate 21cm,Oat,9.75,61
""",
)
add(
    "benign",
    "en",
    "lincoln-gettysburg-essay",
    "prose",
    """
Give me a 200-word summary for a 9th-grade class: Abraham Lincoln was born on February 12, 1809, in a log cabin near Hodgenville, Kentucky. Explain why the Gettysburg Address (November 19, 1863) is only 272 words long and what "four score and seven years ago" refers to.
""",
)
add(
    "benign",
    "en",
    "sherlock-baker-street-trivia",
    "prose",
    """
Pub quiz question check: is it right that Sherlock Holmes and Dr John Watson lodged with Mrs Hudson at 221B Baker Street, London NW1, and that Holmes's brother Mycroft worked at the Diogenes Club? Also, which story introduces Irene Adler?
""",
)
add(
    "benign",
    "en",
    "luhn-worked-example",
    "prose",
    """
Explain the Luhn algorithm step by step using the textbook example number 79927398713, and then show why 79927398710 fails. Keep it simple, it's for my Year 10 computing class.
""",
)
add(
    "benign",
    "en",
    "physics-constants-table",
    "markdown-table",
    """
Turn this into LaTeX and check the values against CODATA 2018:

| Constant | Symbol | Value |
|---|---|---|
| Speed of light | c | 299 792 458 m/s |
| Planck constant | h | 6.626 070 15 × 10⁻³⁴ J·s |
| Elementary charge | e | 1.602 176 634 × 10⁻¹⁹ C |
| Avogadro constant | N_A | 6.022 140 76 × 10²³ mol⁻¹ |
| Boltzmann constant | k_B | 1.380 649 × 10⁻²³ J/K |
""",
)
add(
    "benign",
    "en",
    "git-log-bots-release-notes",
    "kv-log",
    """
Write release notes for v3.8.0 from this log (ignore chore commits):

9f2c4e1a7b3d5f60e8c21a94b7d03f6e5c1a2b8d  feat(export): add ODS export  (#1412)
a41b7c93e0d2f5a6b18c4e7d9f30a2b5c6e81d74  fix(parser): handle BOM in CSV headers (#1409)
0c8e2d5f7a91b3c46e0f28d1a5b7c9e3f4d6a812  chore(deps): bump lodash from 4.17.20 to 4.17.21 — dependabot[bot]
e7d1f4a2c9b05e38a6f1d7c2b4e9a03f5d8c6b17  chore(deps-dev): bump vitest to 2.1.4 — renovate[bot]
3b9a6c0e1f2d7a48c5e9b3d0f6a1c8e2d7b4f509  perf: cache column widths (#1401)
""",
)
add(
    "benign",
    "en",
    "uk-postcode-regex",
    "code",
    """
Does this regex accept all valid UK postcodes? Test strings I'm using: "SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", and it should reject "ZZ99 9ZZ".

UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\\d[A-Z\\d]?) ?(\\d[A-Z]{2})$", re.I)
""",
)
add(
    "benign",
    "en",
    "docker-compose-env-placeholders",
    "yaml",
    """
Is it safe to commit this docker-compose.yml? The real values are in a .env that's gitignored.

services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: ${POSTGRES_USER:-app}
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set in .env}
    ports: ["127.0.0.1:5432:5432"]
  api:
    build: .
    environment:
      DATABASE_URL: postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/app
      OPENAI_API_KEY: ${OPENAI_API_KEY}
      JWT_SECRET: changeme
    ports: ["8000:8000"]
""",
)
add(
    "benign",
    "en",
    "victoria-sponge-recipe",
    "prose",
    """
Scale this Victoria sponge recipe (named after Queen Victoria, who apparently ate a slice with her afternoon tea) from two 20cm tins to one 23cm square tin: 200g caster sugar, 200g softened butter, 4 eggs, 200g self-raising flour, 1 tsp baking powder, 2 tbsp milk. Bake at 190°C (170°C fan, gas mark 5) for 20 minutes.
""",
)
add(
    "benign",
    "en",
    "cricket-tendulkar-stats",
    "prose",
    """
Fact-check this paragraph for our cricket club newsletter: "Sachin Tendulkar scored 100 international centuries — 51 in Tests and 49 in ODIs — and became the first man to score an ODI double century, 200* against South Africa at Gwalior on 24 February 2010. He wore the number 10 shirt."
""",
)
add(
    "benign",
    "en",
    "gdpr-privacy-boilerplate",
    "prose",
    """
Simplify this privacy-notice paragraph for a plain-English version:

"The controller is Example Ltd, registered in England and Wales under company number 01234567, 1 Example Street, London EC1A 1AA. You may contact our Data Protection Officer at dpo@example.com. Personal data (including name, email address, telephone number and IP address) is processed under Article 6(1)(b) GDPR and retained for no longer than 6 years after the end of the contract."
""",
)
add(
    "benign",
    "en",
    "kasparov-deep-blue-pgn",
    "code",
    """
Annotate the opening of this game:

[Event "IBM Man-Machine, New York USA"]
[Date "1997.05.11"]
[Round "6"]
[White "Deep Blue"]
[Black "Kasparov, Garry"]
[Result "1-0"]

1. e4 c6 2. d4 d5 3. Nc3 dxe4 4. Nxe4 Nd7 5. Ng5 Ngf6 6. Bd3 e6 7. N1f3 h6 8. Nxe6 Qe7 9. O-O fxe6 10. Bg6+ Kd8
""",
)
add(
    "benign",
    "en",
    "darcy-letter-analysis",
    "prose",
    """
For my A-level essay: how does Mr Darcy's letter to Elizabeth Bennet after the Hunsford proposal change her view of Mr Wickham? Quote 2–3 short lines and mention Charlotte Lucas and Mr Collins briefly.
""",
)
add(
    "benign",
    "en",
    "k8s-deployment-uuids",
    "yaml",
    """
Why doesn't this Deployment pick up the ConfigMap change without a restart?

apiVersion: apps/v1
kind: Deployment
metadata:
  name: thumbnailer
  uid: 6c1e8f0a-3b2d-4f7e-9a45-d0c812b7e3f9
  annotations:
    checksum/config: 5d41402abc4b2a76b9719d911017c592
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: thumbnailer
          image: ghcr.io/acme/thumbnailer:1.14.2
          envFrom: [{configMapRef: {name: thumbnailer-config}}]
          ports: [{containerPort: 9090}]
""",
)
add(
    "benign",
    "en",
    "openapi-example-values",
    "yaml",
    """
Is it ok to use these example values in our public OpenAPI spec?

components:
  schemas:
    Contact:
      type: object
      properties:
        name: {type: string, example: "John Appleseed"}
        email: {type: string, format: email, example: "user@example.com"}
        phone: {type: string, example: "+1-555-0100"}
        ip: {type: string, format: ipv4, example: "192.0.2.10"}
        card_last4: {type: string, example: "4242"}
""",
)
add(
    "benign",
    "en",
    "weather-station-csv",
    "csv",
    """
Plot daily max temperature from this weather station export and flag any gaps:

station_id,lat,lon,date,tmax_c,tmin_c,precip_mm
USW00094728,40.7789,-73.9692,2024-07-01,31.7,22.2,0.0
USW00094728,40.7789,-73.9692,2024-07-02,29.4,21.1,3.6
USW00094728,40.7789,-73.9692,2024-07-04,33.9,24.4,0.0
USW00094728,40.7789,-73.9692,2024-07-05,35.0,25.6,12.7
""",
)
add(
    "benign",
    "en",
    "team-calendar-planning",
    "prose",
    """
Draft a calendar plan: standups every weekday at 09:15 except the first Monday of each month; sprint reviews every second Thursday starting 9 January; Q3 OKRs due 30 September; office closed 25–26 December and 1 January; the offsite is the week of 14 April in Lisbon (flights TP1351 out, TP1360 back).
""",
)
add(
    "benign",
    "en",
    "isbn-reading-list",
    "markdown-table",
    """
Check the ISBN-13 check digits in my book club's reading list:

| Title | Author | ISBN |
|---|---|---|
| Middlemarch | George Eliot | 978-0-14-143954-9 |
| Beloved | Toni Morrison | 978-1-4000-3341-6 |
| The Remains of the Day | Kazuo Ishiguro | 978-0-571-20070-3 |
| Pachinko | Min Jin Lee | 978-1-4555-6393-7 |
""",
)
add(
    "benign",
    "en",
    "load-balancer-private-logs",
    "kv-log",
    """
Why are health checks failing on only one target? Log excerpt:

2025-03-02T10:14:07Z level=warn target=10.0.12.41:8080 check=/healthz status=503 latency_ms=2011 request_id=7f3a9c21-5e0b-4d2e-9f61-1c8b3a70d4e2
2025-03-02T10:14:07Z level=info target=10.0.12.42:8080 check=/healthz status=200 latency_ms=12
2025-03-02T10:14:17Z level=warn target=10.0.12.41:8080 check=/healthz status=503 latency_ms=2008 request_id=b2c7e0d9-8a14-4f35-a6e2-94d01c5f7b38
2025-03-02T10:14:18Z level=info lb=internal-alb-prod listener=0.0.0.0:443 healthy=1/2
""",
)
add(
    "benign",
    "en",
    "iban-format-explainer",
    "prose",
    """
Explain how the IBAN check digits are computed, using the standard documentation example GB82 WEST 1234 5698 7654 32 (and the German example DE89 3704 0044 0532 0130 00). Show the mod-97 steps.
""",
)
add(
    "benign",
    "en",
    "maths-modular-arithmetic",
    "prose",
    """
Solve: find the smallest positive integer x such that x ≡ 2 (mod 3), x ≡ 3 (mod 5) and x ≡ 2 (mod 7). Then compute 7^2025 mod 13 and explain using Fermat's little theorem.
""",
)
# ---------------------------------------------------------------------------
# benign — other languages
# ---------------------------------------------------------------------------
add(
    "benign",
    "de",
    "goethes-faust-gretchenfrage",
    "prose",
    """
Erklär mir für mein Referat die „Gretchenfrage“ in Goethes Faust I („Nun sag, wie hast du's mit der Religion?“). Wie reagiert Faust, und welche Rolle spielt Mephistos Wette? Bitte auch kurz Bismarcks Zeit vergleichen – nein, Quatsch, lieber Schillers Einfluss auf Goethe in Weimar.
""",
)
add(
    "benign",
    "de",
    "excel-iban-eingabemaske",
    "code",
    """
Ich baue in Excel eine Eingabemaske für Lieferanten. Die IBAN soll im Format „DE00 0000 0000 0000 0000 00“ angezeigt werden und die Prüfziffer per Formel geprüft. Geht das ohne VBA? Mein Ansatz:

=WENN(LÄNGE(WECHSELN(A2;" ";""))<>22;"Länge falsch";"ok")
Platzhalter in Zelle B2: "DE__ ____ ____ ____ ____ __"
Beispiel aus der Bankdoku: DE89 3704 0044 0532 0130 00
""",
)
add(
    "benign",
    "fr",
    "valjean-24601-miserables",
    "prose",
    """
Pour mon exposé de seconde : pourquoi Jean Valjean est-il appelé « 24601 » dans Les Misérables ? Explique aussi le rôle de Javert, de Fantine et de Cosette, et pourquoi Victor Hugo a écrit le roman en exil à Guernesey (Hauteville House).
""",
)
add(
    "benign",
    "fr",
    "tarte-tatin-recette",
    "prose",
    """
Adapte cette recette de tarte Tatin pour un moule de 24 cm et un four à chaleur tournante : 6 pommes Golden, 100 g de sucre, 80 g de beurre demi-sel, 1 pâte feuilletée. Caramel à feu moyen 8–10 min, cuisson 35 min à 200 °C (th. 6-7), démouler tiède. Les sœurs Tatin, à Lamotte-Beuvron, l'auraient inventée par erreur vers 1880.
""",
)
add(
    "benign",
    "es",
    "di-stefano-real-madrid",
    "prose",
    """
Escríbeme un párrafo para una revista escolar sobre Alfredo Di Stéfano y las cinco Copas de Europa seguidas del Real Madrid (1956–1960). Menciona a Puskás, a Gento y la final de Glasgow de 1960 (7–3 contra el Eintracht de Fráncfort).
""",
)
add(
    "benign",
    "es",
    "formato-nif-ejemplo",
    "code",
    """
Estoy haciendo una función para validar DNI. ¿Está bien? Uso el ejemplo típico de la documentación, el 12345678Z, y el NIE de ejemplo X0000000T.

LETRAS = "TRWAGMYFPDXBNJZSQVHLCKE"
def dni_valido(dni: str) -> bool:
    dni = dni.upper().replace("-", "")
    num, letra = dni[:-1], dni[-1]
    num = num.replace("X", "0").replace("Y", "1").replace("Z", "2")
    return num.isdigit() and LETRAS[int(num) % 23] == letra

assert dni_valido("12345678Z")
assert dni_valido("X0000000T")
""",
)
add(
    "benign",
    "it",
    "dante-inferno-canto-quinto",
    "prose",
    """
Mi fai la parafrasi dei versi di Francesca nel V canto dell'Inferno di Dante („Amor, ch'a nullo amato amar perdona…“)? Spiega anche chi erano Paolo Malatesta e Gianciotto, e perché Dante sviene alla fine del canto.
""",
)
add(
    "benign",
    "it",
    "codice-fiscale-esempio-struttura",
    "prose",
    """
Spiegami come è costruito il codice fiscale usando l'esempio classico dei manuali, RSSMRA80A01H501U (Mario Rossi, nato a Roma il 1° gennaio 1980): cognome, nome, anno, lettera del mese, giorno (+40 per le donne), codice catastale del comune e carattere di controllo.
""",
)
add(
    "benign",
    "pt",
    "eusebio-benfica-historia",
    "prose",
    """
Faz-me um resumo para uma apresentação: Eusébio da Silva Ferreira, o "Pantera Negra", nasceu em Lourenço Marques (hoje Maputo) em 1942, jogou no Benfica de 1960 a 1975 e foi o melhor marcador do Mundial de 1966 com 9 golos. Inclui a Bola de Ouro de 1965.
""",
)
add(
    "benign",
    "nl",
    "treinreis-planning-ns",
    "prose",
    """
Maak een reisplan: ik wil op zaterdag 12 april van Groningen naar Maastricht met de trein, vertrek rond 07:15, overstappen in Utrecht Centraal. Welke intercity's (bijv. IC 528, IC 3528) passen en hoe lang duurt het? Terug op zondag na het Vrijthof-concert, na 17:00.
""",
)
add(
    "benign",
    "pl",
    "pan-tadeusz-bohaterowie",
    "prose",
    """
Pomóż mi przygotować się do matury: scharakteryzuj Jacka Soplicę (księdza Robaka) z „Pana Tadeusza” Mickiewicza. Jaki był jego związek z Horeszkami, dlaczego zabił Stolnika i jak zmienia się stosunek Tadeusza do Zosi? Wspomnij też o koncercie Jankiela.
""",
)
add(
    "benign",
    "pl",
    "schemat-sql-pesel-maska",
    "sql",
    """
Czy ten schemat tabeli pacjentów jest ok? Kolumna PESEL ma maskę z zerami jako wartość domyślną dla cudzoziemców.

CREATE TABLE pacjenci (
  id          SERIAL PRIMARY KEY,
  imie        VARCHAR(60) NOT NULL,
  nazwisko    VARCHAR(80) NOT NULL,
  pesel       CHAR(11) DEFAULT '00000000000' CHECK (pesel ~ '^[0-9]{11}$'),
  data_ur     DATE NOT NULL,
  telefon     VARCHAR(15) -- format: +48 XXX XXX XXX
);
""",
)
add(
    "benign",
    "cs",
    "capek-rur-roboti",
    "prose",
    """
Potřebuju do čtenářského deníku: o čem je Čapkova hra R.U.R.? Kdo je Helena Gloryová, co chtěl starý Rossum a proč se říká, že slovo „robot“ vymyslel Josef Čapek, Karlův bratr? Krátce i o premiéře v Národním divadle v roce 1921.
""",
)
add(
    "benign",
    "cs",
    "svejk-haskova-postava",
    "prose",
    """
Napiš krátký text do časopisu o tom, proč je Haškův Švejk pořád populární. Zmiň nadporučíka Lukáše, hostinského Palivce a kresby Josefa Lady. Švejkovi se smějí i v Japonsku.
""",
)
add(
    "benign",
    "sk",
    "stur-kodifikacia",
    "prose",
    """
Vysvetli mi jednoducho, čo urobil Ľudovít Štúr v roku 1843 na fare v Hlbokom s Hurbanom a Hodžom a prečo Štúrova kodifikácia vychádzala zo stredoslovenského nárečia. Bude to na písomke v piatok.
""",
)
add(
    "benign",
    "sv",
    "pippi-langstrump-lindgren",
    "prose",
    """
Skriv en kort presentation om Astrid Lindgrens Pippi Långstrump för en femteklass: Villa Villekulla, Herr Nilsson, Lilla Gubben, Tommy och Annika. När kom första boken ut (1945) och varför kritiserades den?
""",
)
add(
    "benign",
    "da",
    "lego-saetnumre-samling",
    "markdown-table",
    """
Kan du sortere min LEGO-samling efter udgivelsesår og regne den samlede stykantal ud?

| Sætnummer | Navn | År | Antal klodser |
|---|---|---|---|
| 10497 | Galaxy Explorer | 2022 | 1254 |
| 21318 | Tree House | 2019 | 3036 |
| 10305 | Lion Knights' Castle | 2022 | 4514 |
| 6990 | Monorail Transport System | 1987 | 735 |
""",
)
add(
    "benign",
    "no",
    "ibsen-et-dukkehjem",
    "prose",
    """
Hva er poenget med slutten i Ibsens «Et dukkehjem», når Nora smeller igjen døra? Forklar Helmers reaksjon og hvorfor stykket skapte skandale i 1879. Ta også med Krogstads brev.
""",
)
add(
    "benign",
    "fi",
    "kalevala-sibelius",
    "prose",
    """
Kirjoita lyhyt esitelmä: miten Kalevala vaikutti Sibeliuksen musiikkiin? Mainitse Kullervo-sinfonia, Lemminkäis-sarja ja Väinämöisen hahmo, sekä Akseli Gallen-Kallelan maalaukset. Lönnrotin Kalevala ilmestyi 1835.
""",
)
add(
    "benign",
    "fi",
    "hetu-regex-maski",
    "code",
    """
Onko tämä regex oikein henkilötunnuksen muodon tarkistukseen? Testaan vain muotoa, en tarkistemerkkiä. Maski lomakkeella on "PPKKVV-NNNT".

HETU_RE = re.compile(r"^(0[1-9]|[12]\\d|3[01])(0[1-9]|1[0-2])\\d{2}[-+A-FU-Y]\\d{3}[0-9A-FHJ-NPR-Y]$")
assert not HETU_RE.match("PPKKVV-NNNT")
assert not HETU_RE.match("000000-0000")
""",
)
add(
    "benign",
    "et",
    "kalevipoeg-kreutzwald",
    "prose",
    """
Aita mul koostada kokkuvõte: kes oli Kalevipoeg, miks ta Soome sepa poja tappis ja kuidas lugu lõpeb põrgu väravas? Friedrich Reinhold Kreutzwaldi eepos ilmus aastatel 1857–1861.
""",
)
add(
    "benign",
    "lv",
    "raina-uguns-un-nakts",
    "prose",
    """
Palīdzi sagatavot referātu par Raiņa lugu „Uguns un nakts”. Kā Lāčplēsis cīnās ar Melno bruņinieku, kāda ir Laimdotas un Spīdolas loma? Pieminēt arī Pumpura eposu, no kura Rainis ņēma sižetu.
""",
)
add(
    "benign",
    "lt",
    "donelaicio-metai",
    "prose",
    """
Padėk pasiruošti literatūros pamokai: apie ką Kristijono Donelaičio poema „Metai“? Kokie yra Pričkaus, Selmo ir Dočio paveikslai, ir kodėl Donelaitį vadiname lietuvių grožinės literatūros pradininku?
""",
)
add(
    "benign",
    "lt",
    "sabonio-karjera",
    "prose",
    """
Parašyk trumpą tekstą krepšinio klubo sienlaikraščiui apie Arvydo Sabonio karjerą: „Žalgiris“, 1988 m. Seulo olimpinis auksas su Šarūnu Marčiulioniu ir Rimu Kurtinaičiu, „Real Madrid“ ir „Portland Trail Blazers“. Sabonį 2011 m. įtraukė į Naismitho šlovės muziejų.
""",
)
add(
    "benign",
    "hu",
    "petofi-nemzeti-dal",
    "prose",
    """
Segíts a márciusi ünnepségre: miért Petőfi Sándor Nemzeti dalát szavalják március 15-én? Mi köze a Pilvax kávéháznak, Jókai Mórnak és a 12 pontnak? Fél oldalban kérem.
""",
)
add(
    "benign",
    "ro",
    "eminescu-luceafarul",
    "prose",
    """
Fă-mi un rezumat al poemului „Luceafărul” de Mihai Eminescu: Hyperion, Cătălina, Cătălin și Demiurgul. Care e mesajul final („Trăind în cercul vostru strâmt…”)? E pentru bacalaureat.
""",
)
add(
    "benign",
    "el",
    "odysseia-omirou",
    "prose",
    """
Γράψε μου μια περίληψη για τη ραψωδία ι της Οδύσσειας του Ομήρου: πώς ο Οδυσσέας ξεγελά τον Πολύφημο λέγοντας ότι λέγεται «Ούτις»; Ποια η σημασία του για τον νόστο προς την Ιθάκη;
""",
)
add(
    "benign",
    "tr",
    "galatasaray-uefa-2000",
    "prose",
    """
Okul gazetesi için kısa bir yazı: Galatasaray 17 Mayıs 2000'de Kopenhag'da Arsenal'i penaltılarla yenerek UEFA Kupası'nı kazandı. Fatih Terim, Hagi, Hakan Şükür ve Cláudio Taffarel'in rollerinden bahset; Süper Kupa'yı da ekle.
""",
)
add(
    "benign",
    "ru",
    "pushkin-onegin-pismo-tatyany",
    "prose",
    """
Помоги с сочинением: почему письмо Татьяны к Онегину считают вершиной романа Пушкина? Сравни с ответом Онегина в саду и с последней встречей в Петербурге. Упомяни Ленского и дуэль.
""",
)
add(
    "benign",
    "ru",
    "1c-format-daty-gost",
    "code",
    """
В 1С нужно выводить даты в формате по ГОСТ Р 7.0.97-2016 (ДД.ММ.ГГГГ). Правильно ли я пишу?

Формат(ТекущаяДата(), "ДФ=dd.MM.yyyy");
// для договора: «01» января 2025 г.
Формат(Дата(2025, 1, 1), "ДФ='«dd» MMMM yyyy ""г.""'");
// маска ИНН в форме: ____________ (12 знаков), КПП: _________
""",
)
add(
    "benign",
    "uk",
    "shevchenko-kobzar",
    "prose",
    """
Допоможи підготувати виступ до Шевченківських днів: коли вийшов перший «Кобзар» Тараса Шевченка (1840), чому його заслали в Оренбурзький край і як на нього вплинув Карл Брюллов? Додай пару слів про «Заповіт» і про Лесю Українку як продовжувачку традиції.
""",
)
add(
    "benign",
    "uk",
    "borshch-retsept",
    "prose",
    """
Перерахуй рецепт борщу на 6 літрів замість 3: 500 г яловичини на кістці, 2 буряки, 3 картоплі, пів качана капусти, 1 морква, 1 цибулина, 2 ст. л. томатної пасти, 1 ч. л. цукру, часник, кріп. Варити 1,5 год, буряк тушкувати окремо 15 хв з оцтом.
""",
)
add(
    "benign",
    "bg",
    "vazov-pod-igoto",
    "prose",
    """
Направи ми преразказ на глава „Гост“ от „Под игото“ на Иван Вазов: как Бойчо Огнянов пристига в Бяла черква, каква е ролята на чорбаджи Марко и на Рада Госпожина? Накратко и за Априлското въстание от 1876 г.
""",
)
add(
    "benign",
    "hr",
    "marulic-judita",
    "prose",
    """
Napiši sažetak Marulićeve „Judite“ (1501.) za lektiru: tko je Holoferno, kako Judita spašava Betuliju i zašto se Marka Marulića zove ocem hrvatske književnosti? Spomeni i Split.
""",
)
add(
    "benign",
    "sl",
    "preseren-krst-pri-savici",
    "prose",
    """
Razloži mi za šolo, kaj se zgodi v Prešernovem „Krstu pri Savici“: Črtomir, Bogomila, boj pri Ajdovskem gradcu in krst pri slapu Savica. Zakaj je pesnitev posvečena Matiju Čopu?
""",
)
add(
    "benign",
    "ja",
    "natsume-kokoro-sensei",
    "prose",
    """
夏目漱石の『こころ』について、読書感想文の構成を手伝ってください。「先生」と「K」の関係、「私」が受け取る遺書の意味、そして明治天皇の崩御と乃木大将の殉死が物語に与える影響をまとめたいです。
""",
)
add(
    "benign",
    "ja",
    "flask-localhost-config",
    "code",
    """
ローカルで Flask を起動すると 127.0.0.1:5000 では開けるのに、同じ LAN のスマホ（192.168.0.x）からアクセスできません。設定はこうです。

app.config["SECRET_KEY"] = "dev"  # 本番では環境変数から読む
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///dev.db"
if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000, debug=True)
""",
)
add(
    "benign",
    "ko",
    "sejong-hunminjeongeum",
    "prose",
    """
초등학생 발표 자료로 세종대왕이 훈민정음을 창제한 이유(1443년 창제, 1446년 반포)와 집현전 학자들의 역할을 쉽게 정리해 주세요. 한글날이 10월 9일인 이유도 넣어 주세요.
""",
)
add(
    "benign",
    "zh",
    "honglou-jia-baoyu",
    "prose",
    """
帮我写一段读书笔记：《红楼梦》中贾宝玉、林黛玉和薛宝钗三人的关系是怎样的？“木石前盟”和“金玉良缘”分别指什么？曹雪芹为什么要写大观园？
""",
)
add(
    "benign",
    "zh",
    "shuxue-jihe-tiaojian",
    "prose",
    """
请帮我解这道题：已知等差数列 {aₙ} 中 a₃ = 7，a₁₀ = 28，求通项公式和前 20 项和 S₂₀。另外，13812345678 这个数除以 9 的余数是多少？请写出过程。
""",
)
add(
    "benign",
    "ar",
    "ibn-battuta-rihla",
    "prose",
    """
اكتب لي فقرة قصيرة لطلاب الصف الثامن عن رحلة ابن بطوطة: خرج من طنجة سنة 725 هـ (1325م) وزار مكة ودلهي والصين، وأملى رحلته على ابن جزي. ما اسم كتابه الكامل؟
""",
)
add(
    "benign",
    "he",
    "bialik-be-ir-ha-harega",
    "prose",
    """
תעזור לי להכין עבודה על השיר "בעיר ההרגה" של חיים נחמן ביאליק: מה הרקע של פוגרום קישינב ב-1903, ולמה השיר עורר ויכוח? תזכיר גם את "אל הציפור".
""",
)
add(
    "benign",
    "hi",
    "premchand-godan",
    "prose",
    """
मुंशी प्रेमचंद के उपन्यास "गोदान" का सारांश लिखिए: होरी, धनिया और गोबर के चरित्र, और गाय पाने की होरी की इच्छा का क्या महत्व है? यह कक्षा 11 की परियोजना के लिए है।
""",
)
add(
    "benign",
    "th",
    "sunthorn-phu-phra-aphai-mani",
    "prose",
    """
ช่วยสรุปเรื่องพระอภัยมณีของสุนทรภู่ให้หน่อย เน้นตอนพระอภัยมณีเป่าปี่ และตัวละครนางผีเสื้อสมุทรกับสุดสาคร ทำไมวันที่ 26 มิถุนายนจึงเป็นวันสุนทรภู่
""",
)
add(
    "benign",
    "vi",
    "pho-bo-cong-thuc",
    "prose",
    """
Giúp mình nhân đôi công thức phở bò cho 8 người: 1,5 kg xương ống, 500 g nạm, 2 củ hành tây nướng, 1 nhánh gừng nướng, 3 hoa hồi, 1 thanh quế, 5 lít nước, ninh 6 tiếng. Nhân tiện, Nguyễn Du viết Truyện Kiều năm nào?
""",
)
add(
    "benign",
    "id",
    "perjalanan-kereta-yogyakarta",
    "prose",
    """
Tolong buatkan rencana perjalanan 3 hari di Yogyakarta: naik kereta Taksaka dari Gambir jam 08.45, hari pertama Malioboro dan Keraton, hari kedua Borobudur (pesan tiket naik candi sebelumnya), hari ketiga Prambanan lalu pulang. Anggaran sekitar Rp3.500.000.
""",
)
add(
    "benign",
    "ms",
    "hikayat-hang-tuah",
    "prose",
    """
Tolong ringkaskan kisah Hang Tuah dan Hang Jebat dalam Hikayat Hang Tuah untuk tugasan sekolah. Siapa yang benar menurut pandangan kamu, dan apa maksud "Takkan Melayu hilang di dunia"?
""",
)
add(
    "benign",
    "fa",
    "shahnameh-rostam-sohrab",
    "prose",
    """
داستان رستم و سهراب از شاهنامهٔ فردوسی را برای کلاس هفتم به زبان ساده خلاصه کن. تهمینه کیست و چرا نوشدارو دیر می‌رسد؟
""",
)
add(
    "benign",
    "sq",
    "skenderbeu-kruja",
    "prose",
    """
Shkruaj një përmbledhje të shkurtër për Gjergj Kastriotin – Skënderbeun: Lidhja e Lezhës (1444), rrethimet e Krujës dhe pse flamuri me shqiponjë dykrenore lidhet me të. Është për orën e historisë.
""",
)
add(
    "benign",
    "az",
    "nizami-xemse",
    "prose",
    """
Nizami Gəncəvinin "Xəmsə"sinə daxil olan beş poemanı sadala və "Leyli və Məcnun" ilə Füzulinin eyniadlı poemasını qısaca müqayisə et. Məktəb təqdimatı üçündür.
""",
)
add(
    "benign",
    "kk",
    "abai-qara-sozder",
    "prose",
    """
Абай Құнанбайұлының «Қара сөздерінің» негізгі идеяларын 8-сынып оқушыларына түсінікті етіп жазып беріңіз. Әсіресе Он жетінші сөздегі ақыл, қайрат және жүрек туралы бөлімін түсіндіріңіз.
""",
)
add(
    "benign",
    "ne",
    "devkota-munamadan",
    "prose",
    """
लक्ष्मीप्रसाद देवकोटाको "मुनामदन" खण्डकाव्यको सारांश लेखिदिनुहोस्: मदन किन ल्हासा जान्छ, मुना कसरी पर्खन्छिन्, र कथाको अन्त्य किन दुःखद छ? कक्षा ९ को लागि।
""",
)
add(
    "benign",
    "mr",
    "shivaji-raigad-rajyabhishek",
    "prose",
    """
छत्रपती शिवाजी महाराजांच्या रायगडावरील राज्याभिषेकाबद्दल (६ जून १६७४) शाळेच्या भाषणासाठी पाच मिनिटांचा मजकूर लिहा. अफझलखानाचा वध आणि सिंहगडाची लढाई यांचाही उल्लेख करा.
""",
)


if __name__ == "__main__":
    out = HERE / "fresh28.jsonl"
    ct.build(PROMPTS, out, seed=SPLIT_SEED, id_prefix=ID_PREFIX)
