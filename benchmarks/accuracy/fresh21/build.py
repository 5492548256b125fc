#!/usr/bin/env python3
"""Build the 'fresh21' privacy-filter evaluation corpus (twenty-first blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

Values that must look machine-made (provider tokens, generated passwords,
national ids with check digits, IBANs, cards, private keys, JWTs) are written
as generator slots ``⁅kind|arg|…⁆`` inside the markers and filled at build
time from one ``random.Random(2121)``, in the order the slots appear in this
file. National ids are built from the birth date and sex written in the
prompt (and the name and comune/state for codici fiscali and CURPs) and
completed with ``python-stdnum``: the check characters are searched until
``is_valid`` accepts the number, and where ``python-stdnum`` can read a birth
date or sex back out of the number it is asserted to agree with the slot.
Inside one prompt the same slot text always gives the same value (a ``#2``
tag on the last argument makes a second, different value). Names, e-mails,
phones, addresses, dates and hand-typed passwords are literals.

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script holds the prompts and
the generators, assigns the ids ``y-0001`` … and writes fresh21.jsonl next to
this file with split seed 2121.

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
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import ID_VALIDATORS, add_prompt, build

SEED = 2121
SPLIT_SEED = 2121
ID_PREFIX = "y"
HERE = Path(__file__).resolve().parent
PROMPTS = []
RNG = random.Random(SEED)

# ---------------------------------------------------------------------------
# generators (all randomness comes from RNG, in file order)
# ---------------------------------------------------------------------------
ALNUM = string.ascii_letters + string.digits
UPNUM = string.ascii_uppercase + string.digits
LOWNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
PWCHARS = ALNUM + "!#%&*+-=?@^_~"


def rs(alphabet, n):
    """n characters drawn from ``alphabet``."""
    return "".join(RNG.choice(alphabet) for _ in range(n))


def rdigits(n):
    return rs(string.digits, n)


def b64u(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def rbytes(n):
    return bytes(RNG.randrange(256) for _ in range(n))


# --- national ids ----------------------------------------------------------
# A template is built from the birth date and sex; "#" is a random digit,
# "?" a check character searched from the country's alphabet until
# python-stdnum accepts the number.
CF_MONTHS = "ABCDEHLMPRST"
CHECK_ALPHABET = {
    "IE": string.ascii_uppercase[:23],
    "ES": "TRWAGMYFPDXBNJZSQVHLCKE",
    "IT": string.ascii_uppercase,
}
CHECK_ALPHABET.update({"FI": "0123456789ABCDEFHJKLMNPRSTUVWXY", "CL": "0123456789K", "CN": "0123456789X"})


def _cons_vow(word):
    word = re.sub(r"[^A-Z]", "", word.upper())
    cons = [c for c in word if c not in "AEIOU"]
    vows = [c for c in word if c in "AEIOU"]
    return cons, vows


def cf_part(word, given):
    cons, vows = _cons_vow(word)
    if given and len(cons) >= 4:
        cons = [cons[0], cons[2], cons[3]]
    return ("".join(cons + vows) + "XXX")[:3]


def curp_first_internal(word, vowels):
    word = re.sub(r"[^A-Z]", "", word.upper())
    for c in word[1:]:
        if (c in "AEIOU") == vowels:
            return c
    return "X"


def id_template(cc, d, sex, extra):
    """Return (template, post) for country ``cc``; post formats the compact value."""
    yy, mm, dd = f"{d.year % 100:02d}", f"{d.month:02d}", f"{d.day:02d}"
    male = sex == "M"
    c21 = d.year >= 2000
    odd = RNG.choice("13579")  # drawn for every id so that the draw order stays simple
    even = RNG.choice("02468")
    sexd = odd if male else even  # odd digit for men (most countries)
    if cc == "PL":
        m = d.month + (20 if c21 else 0)
        return f"{yy}{m:02d}{dd}###" + sexd + "?", None
    if cc == "SE":
        s = sexd
        return f"{yy}{mm}{dd}##{s}?", lambda v: v[:6] + "-" + v[6:]
    if cc == "FI":
        ind = RNG.randrange(1, 449) * 2 + (1 if male else 0)
        sign = "A" if c21 else "-"
        return f"{dd}{mm}{yy}{sign}{ind:03d}?", None
    if cc in ("CZ", "SK"):
        m = d.month + (0 if male else 50)
        tail = "###" if d.year < 1954 else "###?"  # nine digits, no check digit, before 1954
        return f"{yy}{m:02d}{dd}{tail}", lambda v: v[:6] + "/" + v[6:]
    if cc == "RO":
        s = ("5" if male else "6") if c21 else ("1" if male else "2")
        county = f"{RNG.randrange(1, 47):02d}"
        return f"{s}{yy}{mm}{dd}{county}###?", None
    if cc == "GR":
        return f"{dd}{mm}{yy}###" + sexd + "?", None
    if cc in ("LT", "EE"):
        g = ("5" if male else "6") if c21 else ("3" if male else "4")
        return f"{g}{yy}{mm}{dd}###?", None
    if cc == "ZA":
        s = RNG.randrange(5000, 10000) if male else RNG.randrange(0, 5000)
        return f"{yy}{mm}{dd}{s:04d}08?", lambda v: f"{v[:6]} {v[6:10]} {v[10:]}"
    if cc == "FR":
        dept = extra[0] if extra else f"{RNG.randrange(1, 96):02d}"
        return ("1" if male else "2") + f"{yy}{mm}{dept}######??", lambda v: " ".join(
            (v[0], v[1:3], v[3:5], v[5:7], v[7:10], v[10:13], v[13:])
        )
    if cc == "IT":
        surname, given, comune = extra
        day = d.day + (0 if male else 40)
        names = cf_part(surname, False) + cf_part(given, True)
        return f"{names}{yy}{CF_MONTHS[d.month - 1]}{day:02d}{comune}?", None
    if cc == "MX":
        pat, mat, given, state = extra
        p, g = pat.upper(), given.upper()
        head = p[0] + curp_first_internal(p, True) + mat.upper()[0] + g[0]
        cons = curp_first_internal(p, False) + curp_first_internal(mat, False) + curp_first_internal(g, False)
        diff = RNG.choice(string.ascii_uppercase) if c21 else RNG.choice(string.digits)
        return head + yy + mm + dd + ("H" if male else "M") + state + cons + diff + "?", None
    if cc == "KR":
        s = ("3" if male else "4") if c21 else ("1" if male else "2")
        return f"{yy}{mm}{dd}{s}#####?", lambda v: v[:6] + "-" + v[6:]
    if cc == "CN":
        region = extra[0]
        return f"{region}{d.year}{mm}{dd}##" + sexd + "?", None
    if cc == "MY":
        pb = extra[0]
        return f"{yy}{mm}{dd}{pb}###{sexd}", lambda v: f"{v[:6]}-{v[6:8]}-{v[8:]}"
    if cc == "ID":
        region = extra[0]
        day = d.day + (0 if male else 40)
        return f"{region}{day:02d}{mm}{yy}####", None
    if cc == "DK":
        c7 = "4" if c21 else RNG.choice("0123")
        return f"{dd}{mm}{yy}{c7}##" + sexd, lambda v: v[:6] + "-" + v[6:]
    if cc == "NO":
        ind = RNG.randrange(500, 1000) if c21 else RNG.randrange(0, 500)
        ind = ind - ind % 10 + RNG.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
        return f"{dd}{mm}{yy}{ind:03d}??", None
    if cc == "BE":
        return f"{yy}{mm}{dd}##{sexd}??", lambda v: f"{v[:2]}.{v[2:4]}.{v[4:6]}-{v[6:9]}.{v[9:]}"
    if cc == "AT":
        return "###?" + f"{dd}{mm}{yy}", lambda v: v[:4] + " " + v[4:]
    if cc == "IS":
        return f"{dd}{mm}{yy}##?" + ("0" if c21 else "9"), lambda v: v[:6] + "-" + v[6:]
    if cc == "BG":
        m = d.month + (40 if c21 else 0)
        return f"{yy}{m:02d}{dd}##" + (even if male else odd) + "?", None
    if cc == "SI":
        s = RNG.randrange(0, 500) if male else RNG.randrange(500, 1000)
        return f"{dd}{mm}{d.year % 1000:03d}50{s:03d}?", None
    if cc == "LV":
        century = "2" if c21 else "1"
        return f"{dd}{mm}{yy}{century}###?", lambda v: v[:6] + "-" + v[6:]
    if cc == "PK":
        return f"############{sexd}", lambda v: f"{v[:5]}-{v[5:12]}-{v[12:]}"
    raise KeyError(cc)


PLAIN_ID = {  # countries whose number does not encode a birth date: (template, formatter)
    "US": ("#########", lambda v: f"{v[:3]}-{v[3:5]}-{v[5:]}"),
    "GB": ("#########?", lambda v: f"{v[:3]} {v[3:6]} {v[6:]}"),
    "CA": ("########?", lambda v: f"{v[:3]} {v[3:6]} {v[6:]}"),
    "IE": ("#######?", None),
    "AU": ("########?", lambda v: f"{v[:3]} {v[3:6]} {v[6:]}"),
    "NZ": ("########?", lambda v: f"{v[:3]}-{v[3:6]}-{v[6:]}"),
    "IN": ("###########?", lambda v: f"{v[:4]} {v[4:8]} {v[8:]}"),
    "DE": ("##########?", lambda v: f"{v[:2]} {v[2:5]} {v[5:8]} {v[8:]}"),
    "ES": ("########?", None),
    "PT": ("2#######?", lambda v: f"{v[:3]} {v[3:6]} {v[6:]}"),
    "NL": ("########?", None),
    "TR": ("#########??", None),
    "BR": ("#########??", lambda v: f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}"),
    "CL": ("########?", lambda v: f"{v[:2]}.{v[2:5]}.{v[5:8]}-{v[8:]}"),
    "AR": ("########", lambda v: f"{v[:2]}.{v[2:5]}.{v[5:]}"),
    "JP": ("###########?", lambda v: f"{v[:4]} {v[4:8]} {v[8:]}"),
    "IL": ("########?", None),
    "TH": ("############?", lambda v: f"{v[0]}-{v[1:5]}-{v[5:10]}-{v[10:12]}-{v[12]}"),
    "HR": ("##########?", None),
    "CH": ("756#########?", lambda v: f"{v[:3]}.{v[3:7]}.{v[7:11]}.{v[11:]}"),
}
FIRST_DIGIT = {
    "US": "1234567",
    "CA": "1234567",
    "IN": "23456789",
    "TR": "123456789",
    "NZ": "1",
    "DE": "123456789",
}
FIRST_DIGIT.update({"AT": "123456789", "TH": "1", "IL": "0123", "AR": "1234", "JP": "123456789", "CL": "1"})


def _stdnum_mods(cc):
    mods = ID_VALIDATORS[cc]
    return [importlib.import_module(m) for m in (mods if isinstance(mods, tuple) else (mods,))]


def _agrees(mod, value, d, sex):
    """Birth date and sex read back by python-stdnum (where it can) match the slot."""
    if hasattr(mod, "get_birth_date"):
        got = mod.get_birth_date(value)
        if got != d and got.strftime("%d%m%y") != d.strftime("%d%m%y"):  # AMKA: two-digit year
            return False
        if got != d and mod.__name__ != "stdnum.gr.amka":
            return False
    return not hasattr(mod, "get_gender") or mod.get_gender(value) == sex


def gen_national_id(cc, dob=None, sex=None, extra=()):
    d = datetime.date.fromisoformat(dob) if dob else None
    mods = _stdnum_mods(cc)
    alphabet = CHECK_ALPHABET.get(cc, string.digits)
    for _ in range(5000):
        if d:
            tpl, post = id_template(cc, d, sex, extra)
        else:
            tpl, post = PLAIN_ID[cc]
        chars = list(tpl)
        for i, ch in enumerate(chars):
            if ch == "#":
                pool = FIRST_DIGIT.get(cc, string.digits) if i == 0 else string.digits
                chars[i] = RNG.choice(pool)
        if cc == "NZ" and chars[0] == "1":
            chars[1] = RNG.choice("01234")
        checks = [i for i, ch in enumerate(chars) if ch == "?"]
        for combo in itertools.product(alphabet, repeat=len(checks)):
            for i, ch in zip(checks, combo, strict=True):
                chars[i] = ch
            value = "".join(chars)
            mod = next((m for m in mods if m.is_valid(value)), None)
            if mod is None:
                continue
            if d and not _agrees(mod, value, d, sex):
                continue  # e.g. a Belgian check that only fits the 19xx reading
            out = post(value) if post else value
            assert any(m.is_valid(out) for m in mods), (cc, out)
            return out
    raise RuntimeError(f"no valid id for {cc}")


# --- IBAN, cards --------------------------------------------------------------
def gen_iban(cc, bank="", spaced=True):
    """An IBAN of country ``cc`` (BBAN layout from python-stdnum's registry); ``bank``
    replaces the leading letters of the bank code where the layout has them."""
    from stdnum import iban

    struct_ = iban._ibandb.info(cc)[0][1]["bban"]
    for _ in range(100000):
        bban = ""
        for n, kind in re.findall(r"(\d+)!([nac])", struct_):
            pool = string.ascii_uppercase if kind == "a" else string.digits
            bban += rs(pool, int(n))
        if bank:
            bban = bank + bban[len(bank) :]
        check = iban.calc_check_digits(cc + "00" + bban)
        value = cc + check + bban
        if iban.is_valid(value):
            return iban.format(value) if spaced else value
    raise RuntimeError(cc)


def luhn_complete(prefix, length):
    body = prefix + rdigits(length - len(prefix) - 1)
    for c in string.digits:
        digits = body + c
        total = 0
        for i, ch in enumerate(reversed(digits)):
            v = int(ch) * (2 if i % 2 else 1)
            total += v - 9 if v > 9 else v
        if total % 10 == 0:
            return digits
    raise AssertionError


CARD_PREFIX = {"visa": ("4", 16), "mc": ("5", 16), "amex": ("37", 15)}
CARD_PREFIX.update(
    {"discover": ("6011", 16), "jcb": ("3569", 16), "maestro": ("6759", 16), "unionpay": ("62", 16)}
)


def gen_card(kind, style="spaced"):
    prefix, length = CARD_PREFIX[kind]
    if kind == "mc":
        prefix += RNG.choice("12345")
    num = luhn_complete(prefix, length)
    if style == "plain":
        return num
    sep = "-" if style == "dashed" else " "
    if length == 15:
        return sep.join((num[:4], num[4:10], num[10:]))
    return sep.join(num[i : i + 4] for i in range(0, length, 4))


# --- private keys -------------------------------------------------------------
def _is_probable_prime(n):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
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


def gen_rsa(bits, fmt):
    e = 65537
    p, q = _prime(bits // 2), _prime(bits // 2)
    n, phi = p * q, (p - 1) * (q - 1)
    d = pow(e, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, n)
    )
    key = numbers.private_key()
    pf = (
        serialization.PrivateFormat.PKCS8
        if fmt == "pkcs8"
        else serialization.PrivateFormat.TraditionalOpenSSL
    )
    return _pem(key, pf)


def _pem(key, pf):
    return key.private_bytes(serialization.Encoding.PEM, pf, serialization.NoEncryption()).decode().strip()


def gen_ec(fmt):
    curve = ec.SECP384R1() if fmt.endswith("384") else ec.SECP256R1()
    order = (
        int(
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
            16,
        )
        if fmt.endswith("384")
        else int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
    )
    key = ec.derive_private_key(RNG.randrange(1, order), curve)
    pf = (
        serialization.PrivateFormat.PKCS8
        if fmt.startswith("pkcs8")
        else serialization.PrivateFormat.TraditionalOpenSSL
    )
    return _pem(key, pf)


def _ssh_str(b):
    return struct.pack(">I", len(b)) + b


def gen_ed25519(fmt, comment="user@host"):
    seed = rbytes(32)
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    if fmt == "pkcs8":
        return _pem(key, serialization.PrivateFormat.PKCS8)
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pub_blob = _ssh_str(b"ssh-ed25519") + _ssh_str(pub)
    check = rbytes(4)
    priv = check + check + pub_blob + _ssh_str(seed + pub) + _ssh_str(comment.encode())
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    blob = b"openssh-key-v1\0" + _ssh_str(b"none") + _ssh_str(b"none") + _ssh_str(b"")
    blob += struct.pack(">I", 1) + _ssh_str(pub_blob) + _ssh_str(priv)
    body = base64.b64encode(blob).decode()
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----"


def gen_wireguard():
    raw = bytearray(rbytes(32))
    raw[0] &= 248
    raw[31] = (raw[31] & 127) | 64
    return base64.b64encode(bytes(raw)).decode()


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((top >> i) & 1) else 0
    return chk


def gen_age():
    hrp = "age-secret-key-"
    data, acc, bits = [], 0, 0
    for b in rbytes(32):
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    hrp_exp = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]
    poly = _bech32_polymod(hrp_exp + data + [0] * 6) ^ 1
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return (hrp + "1" + "".join(BECH32[d] for d in data + checksum)).upper()


# --- tokens -------------------------------------------------------------------
def gen_jwt(payload_json):
    header = b64u(b'{"alg":"HS256","typ":"JWT"}')
    payload = b64u(json.dumps(json.loads(payload_json), separators=(",", ":")).encode())
    return f"{header}.{payload}.{b64u(rbytes(32))}"


def gen_password(n):
    while True:
        pw = rs(PWCHARS, int(n))
        if (
            any(c.islower() for c in pw)
            and any(c.isupper() for c in pw)
            and any(c.isdigit() for c in pw)
            and any(c in "!#%&*+-=?@^_~" for c in pw)
        ):
            return pw


TOKEN_SHAPES = {
    "ghp": lambda: "ghp_" + rs(ALNUM, 36),
    "gho": lambda: "gho_" + rs(ALNUM, 36),
    "github_pat": lambda: "github_pat_11" + rs(UPNUM, 20) + "_" + rs(ALNUM, 59),
    "glpat": lambda: "glpat-" + rs(ALNUM + "-_", 20),
    "xoxb": lambda: f"xoxb-{rdigits(12)}-{rdigits(13)}-{rs(ALNUM, 24)}",
    "xoxp": lambda: f"xoxp-{rdigits(12)}-{rdigits(12)}-{rdigits(13)}-{rs(HEX, 32)}",
    "slack_webhook": lambda: (
        f"https://hooks.slack.com/services/T{rs(UPNUM, 10)}/B{rs(UPNUM, 10)}/{rs(ALNUM, 24)}"
    ),
    "sk_live": lambda: "sk_live_51" + rs(ALNUM, 97),
    "rk_live": lambda: "rk_live_51" + rs(ALNUM, 97),
    "whsec": lambda: "whsec_" + rs(ALNUM, 32),
    "akia": lambda: "AKIA" + rs(string.ascii_uppercase + "234567", 16),
    "aws_secret": lambda: rs(ALNUM + "+/", 40),
    "aiza": lambda: "AIza" + rs(ALNUM + "-_", 35),
    "gocspx": lambda: "GOCSPX-" + rs(ALNUM + "-_", 28),
    "openai": lambda: "sk-proj-" + rs(ALNUM + "-_", 64) + "T3BlbkFJ" + rs(ALNUM + "-_", 64),
    "anthropic": lambda: "sk-ant-api03-" + rs(ALNUM + "-_", 93) + "AA",
    "hf": lambda: "hf_" + rs(ALNUM, 34),
    "npm": lambda: "npm_" + rs(ALNUM, 36),
    "pypi": lambda: "pypi-AgEIcHlwaS5vcmcCJ" + rs(ALNUM + "-_", 150),
    "sendgrid": lambda: "SG." + rs(ALNUM + "-_", 22) + "." + rs(ALNUM + "-_", 43),
    "twilio_sk": lambda: "SK" + rs(HEX, 32),
    "hex32": lambda: rs(HEX, 32),
    "hex40": lambda: rs(HEX, 40),
    "hex64": lambda: rs(HEX, 64),
    "mailgun": lambda: "key-" + rs(HEX, 32),
    "telegram": lambda: f"{RNG.randrange(5000000000, 7999999999)}:AA" + rs(ALNUM + "-_", 33),
    "discord": lambda: "MT" + rs(ALNUM, 24) + "." + rs(ALNUM + "-_", 6) + "." + rs(ALNUM + "-_", 38),
    "shpat": lambda: "shpat_" + rs(HEX, 32),
    "do": lambda: "dop_v1_" + rs(HEX, 64),
    "sntryu": lambda: "sntryu_" + rs(HEX, 64),
    "lin": lambda: "lin_api_" + rs(ALNUM, 40),
    "pmak": lambda: f"PMAK-{rs(HEX, 24)}-{rs(HEX, 34)}",
    "ntn": lambda: "ntn_" + rdigits(11) + rs(ALNUM, 35),
    "figd": lambda: "figd_" + rs(ALNUM + "-_", 40),
    "glsa": lambda: "glsa_" + rs(ALNUM, 32) + "_" + rs(HEX, 8),
    "doppler": lambda: "dp.st.prd." + rs(ALNUM, 43),
    "hvs": lambda: "hvs.CAESI" + rs(ALNUM + "-_", 86),
    "tfc": lambda: rs(ALNUM, 14) + ".atlasv1." + rs(ALNUM, 67),
    "atatt": lambda: "ATATT3xFfGF0" + rs(ALNUM + "-_", 170) + "=" + rs(UPNUM, 8),
    "mapbox_sk": lambda: "sk.eyJ1Ijoi" + rs(ALNUM, 40) + "." + rs(ALNUM + "-_", 22),
    "sq": lambda: "EAAA" + rs(ALNUM + "-_", 60),
    "nrak": lambda: "NRAK-" + rs(UPNUM, 27),
    "xkeysib": lambda: "xkeysib-" + rs(HEX, 64) + "-" + rs(ALNUM, 16),
    "mailchimp": lambda: rs(HEX, 32) + "-us" + str(RNG.randrange(2, 22)),
    "sbp": lambda: "sbp_" + rs(HEX, 40),
    "fly": lambda: "FlyV1 fm2_" + rs(ALNUM + "+/", 180),
    "nfp": lambda: "nfp_" + rs(ALNUM, 36),
    "re": lambda: "re_" + rs(ALNUM, 8) + "_" + rs(ALNUM, 24),
    "gsk": lambda: "gsk_" + rs(ALNUM, 52),
    "r8": lambda: "r8_" + rs(ALNUM, 37),
    "pcsk": lambda: "pcsk_" + rs(ALNUM, 5) + "_" + rs(ALNUM, 60),
    "openrouter": lambda: "sk-or-v1-" + rs(HEX, 64),
    "xai": lambda: "xai-" + rs(ALNUM, 80),
    "mollie": lambda: "live_" + rs(ALNUM, 30),
    "rzp_key": lambda: "rzp_live_" + rs(ALNUM, 14),
    "rzp_secret": lambda: rs(ALNUM, 24),
    "bkua": lambda: "bkua_" + rs(HEX, 40),
    "circle": lambda: "CCIPAT_" + rs(ALNUM, 22) + "_" + rs(HEX, 40),
    "atbb": lambda: "ATBB" + rs(ALNUM, 28) + rs(HEX.upper(), 8),
    "dropbox": lambda: "sl.u." + rs(ALNUM + "-_", 140),
    "airtable": lambda: "pat" + rs(ALNUM, 14) + "." + rs(HEX, 64),
    "clickup": lambda: f"pk_{rdigits(8)}_" + rs(UPNUM, 32),
    "todoist": lambda: rs(HEX, 40),
    "zendesk": lambda: rs(ALNUM, 40),
    "okta": lambda: "00" + rs(ALNUM + "-_", 40),
    "phx": lambda: "phx_" + rs(ALNUM, 47),
    "azure_storage": lambda: base64.b64encode(rbytes(64)).decode(),
    "b64_32": lambda: base64.b64encode(rbytes(32)).decode(),
    "cloudflare": lambda: rs(ALNUM + "-_", 40),
    "heroku": lambda: "HRKU-AA" + rs(ALNUM + "-_", 58),
    "dd_api": lambda: rs(HEX, 32),
    "dd_app": lambda: rs(HEX, 40),
    "stripe_pk": lambda: "pk_live_51" + rs(ALNUM, 97),
    "ya": lambda: "y0_" + rs(ALNUM + "-_", 55),
    "mistral": lambda: rs(ALNUM, 32),
    "deepl": lambda: f"{rs(HEX, 8)}-{rs(HEX, 4)}-{rs(HEX, 4)}-{rs(HEX, 4)}-{rs(HEX, 12)}:fx",
    "uuid": lambda: f"{rs(HEX, 8)}-{rs(HEX, 4)}-4{rs(HEX, 3)}-{RNG.choice('89ab')}{rs(HEX, 3)}-{rs(HEX, 12)}",
    "elevenlabs": lambda: "sk_" + rs(HEX, 48),
    "mux_secret": lambda: rs(ALNUM + "+/", 75),
    "adyen": lambda: "AQE" + rs(ALNUM, 20) + "+" + rs(ALNUM, 40) + "=-" + rs(ALNUM + "+/", 40),
    "paypal_secret": lambda: "E" + rs(ALNUM + "-_", 79),
    "meta": lambda: "EAAG" + rs(ALNUM, 180),
    "mercadopago": lambda: f"APP_USR-{rdigits(16)}-{rdigits(6)}-{rs(HEX, 32)}-{rdigits(9)}",
    "honeybadger": lambda: "hbp_" + rs(ALNUM, 36),
}


def gen_token(kind, *args):
    if kind == "alnum":
        return rs(ALNUM, int(args[0]))
    if kind == "upnum":
        return rs(UPNUM, int(args[0]))
    if kind == "lownum":
        return rs(LOWNUM, int(args[0]))
    if kind == "hexn":
        return rs(HEX, int(args[0]))
    if kind == "digits":
        return rdigits(int(args[0]))
    return TOKEN_SHAPES[kind]()


# --- slots ----------------------------------------------------------------------
SLOT = re.compile(r"⁅([^⁆]*)⁆")


def fill_slot(spec):
    kind, *args = spec.split("|")
    if args:
        args[-1] = args[-1].split("#")[0]
    kind = kind.split("#")[0]
    if args and args[-1] == "esc":  # a PEM block as written inside a JSON string
        return _fill(kind, args[:-1]).replace("\n", "\\n")
    return _fill(kind, args)


def _fill(kind, args):
    if kind == "id":
        cc = args[0]
        if len(args) == 1:
            return gen_national_id(cc)
        return gen_national_id(cc, args[1], args[2], tuple(args[3:]))
    if kind == "iban":
        bank = next((a for a in args[1:] if a.isalpha() and a.isupper()), "")
        return gen_iban(args[0], bank, spaced="plain" not in args)
    if kind == "card":
        return gen_card(args[0], args[1] if len(args) > 1 else "spaced")
    if kind == "rsa":
        return gen_rsa(int(args[0]), args[1])
    if kind == "ec":
        return gen_ec(args[0])
    if kind == "ed25519":
        return gen_ed25519(args[0], *args[1:])
    if kind == "wg":
        return gen_wireguard()
    if kind == "age":
        return gen_age()
    if kind == "jwt":
        return gen_jwt("|".join(args))
    if kind == "pw":
        return gen_password(args[0])
    if kind == "tok":
        return gen_token(*args)
    raise KeyError(kind)


def add(group, lang, domain, fmt, text):
    """Fill the generator slots of one prompt (memoised per prompt) and collect it."""
    memo = {}

    def repl(m):
        spec = m.group(1)
        if spec not in memo:
            memo[spec] = fill_slot(spec)
        return memo[spec]

    text = SLOT.sub(repl, text)
    assert "⁅" not in text and "⁆" not in text, domain
    add_prompt(PROMPTS, group, lang, domain, fmt, text)


# ---------------------------------------------------------------------------
# pii — English
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "basicmed-exam-prep-notes",
    "prose",
    """
I'm flying under BasicMed and my comprehensive medical exam checklist (FAA Form 8700-2) is due before my next flight review. Can you turn my notes into a clean list I can hand to the doctor?

Pilot: ⟦P:Garrett Lindqvist⟧, DOB ⟦DOB:11/03/1961⟧, ⟦A:4418 Old Tamiami Trail, Naples, FL 34109⟧, cell ⟦T:(239) 555-0147⟧, ⟦E:g.lindqvist@flymail.example⟧
- ⟦MC:kidney stones⟧ 2019, lithotripsy, none since
- ⟦MC:migraine⟧ with aura, about twice a year; takes ⟦MED:sumatriptan⟧ — I never fly within 24 h of a dose
- ⟦MC:hypertension⟧, controlled on ⟦MED:lisinopril⟧ 10 mg
- wears glasses for distance
Exam with Dr. ⟦P:Anand Ravichandran⟧ on the 14th. Also remind me what the online course (AOPA) covers.
""",
)
add(
    "pii",
    "en",
    "tue-application-junior-cyclist",
    "form",
    """
Please check this Therapeutic Use Exemption application for my son before I send it to UK Anti-Doping — is the medical history section specific enough?

Athlete surname: ⟦P:OKAFOR⟧
Athlete forename(s): ⟦P:Chidubem Daniel⟧
Date of birth: ⟦DOB:2008-04-22⟧
Sport / discipline: Cycling — road, junior (British Cycling licence holder)
NHS number: ⟦ID@GB:⁅id|GB⁆⟧
Address: ⟦A:27 Brunswick Road, Shrewsbury SY3 7PR⟧
Contact (parent): ⟦P:Ngozi Okafor⟧, ⟦T:07384 905512⟧, ⟦E:ngozi.okafor@homepost.example⟧
Diagnosis: ⟦MC:ADHD⟧, combined presentation, diagnosed age 11 by CAMHS
Prohibited substance: ⟦MED:methylphenidate⟧ (⟦MED:Equasym XL⟧ 30 mg each morning)
Non-prohibited alternatives tried: ⟦MED:atomoxetine⟧ 2022 (stopped — nausea, low mood)
Prescribing doctor: Dr ⟦P:Felicity Harcourt⟧, consultant paediatrician
""",
)
add(
    "pii",
    "en",
    "crowdfunding-backer-survey-export",
    "csv",
    """
This is the backer survey export for our board-game Kickstarter. Some rows have the country in the wrong column and the phone numbers are a mess — please normalise the phones to E.164 and tell me which rows will fail the fulfilment centre's address validation.

backer_number,name,email,shipping_address,country,phone,pledge
1043,⟦P:Kobayashi Mei⟧,⟦E:mei.kobayashi@ringo-mail.example⟧,"⟦A:3-11-5 Nishi-Shinjuku, Shinjuku-ku, Tokyo 160-0023⟧",JP,⟦T:+81 90 3412 7788⟧,Deluxe
1044,⟦P:Benedikt Auer⟧,⟦E:b.auer@bergpost.example⟧,"⟦A:Hauptstraße 12, 6020 Innsbruck⟧",AT,⟦T:+43 664 2139847⟧,Core
1045,⟦P:Lorna Brightwater⟧,⟦E:lorna.bw@tinyinbox.example⟧,"⟦A:55 Kingsway, Winnipeg, MB R3M 0G4⟧",Canada,⟦T:204-555-0139⟧,Deluxe
1046,⟦P:Tomás Ó Riain⟧,⟦E:tomas.oriain@postbox.example⟧,"⟦A:Apt 4, 19 Shandon Street, Cork T23 X2K4⟧",IE,⟦T:+353 87 214 6630⟧,Core + sleeves
1047,⟦P:Priya Venkataraman⟧,⟦E:priya.v@quillmail.example⟧,"⟦A:Flat 6, 8 Marlborough Road, Bristol BS6 5NP⟧",GB,⟦T:+44 7429 118300⟧,All-in
""",
)
add(
    "pii",
    "en",
    "junior-chess-congress-entries",
    "markdown-table",
    """
Can you sort these entries for the junior chess congress into the U10 and U12 sections (age on 1 September) and draft a short note to the parents about the two access requests?

| Player | DOB | Club | Parent contact | Notes |
|---|---|---|---|---|
| ⟦P:Ivy Fairweather⟧ | ⟦DOB:14/02/2015⟧ | Hastings | ⟦T:07956 118273⟧ | — |
| ⟦P:Rafferty Bloom⟧ | ⟦DOB:03/09/2014⟧ | Lewes | ⟦E:bloom.family@example.co.uk⟧ | uses a ⟦MC:wheelchair⟧, needs step-free board |
| ⟦P:Saoirse Mahon-Pike⟧ | ⟦DOB:30/11/2016⟧ | Brighton | ⟦T:01273 960214⟧ | — |
| ⟦P:Zain Qureshi⟧ | ⟦DOB:21/07/2015⟧ | Eastbourne | ⟦T:07720 443918⟧ | ⟦MC:photosensitive epilepsy⟧ — no flash photos please |
| ⟦P:Wilf Carrow⟧ | ⟦DOB:08/05/2017⟧ | Hastings | ⟦E:j.carrow@example.co.uk⟧ | first congress |
""",
)
add(
    "pii",
    "en",
    "employment-tribunal-et1-particulars",
    "prose",
    """
Help me tighten the "particulars of claim" for my ET1. I'm representing myself.

1. I, ⟦P:Rhiannon Pritchard⟧ of ⟦A:12 Heol y Nant, Whitchurch, Cardiff CF14 1LA⟧ (tel ⟦T:029 2061 4418⟧), was employed by the Respondent as a claims handler from 2017 until my dismissal.
2. I have ⟦MC:fibromyalgia⟧, diagnosed in 2020, and take ⟦MED:duloxetine⟧ and ⟦MED:amitriptyline⟧. I told my line manager, ⟦P:Darren Ashworth⟧, in writing in March 2021.
3. An Access to Work assessment recommended a sit-stand desk and a later start on flare days. ⟦P:Ashworth⟧ refused both and started capability proceedings instead.
4. I was dismissed after three absences that were all ⟦MC:fibromyalgia⟧ flares. The HR adviser, ⟦P:Colette Burrows⟧, said on a call that I was "not built for a busy team".
I claim discrimination arising from disability and failure to make reasonable adjustments.
""",
)
add(
    "pii",
    "en",
    "mountain-rescue-callout-log",
    "kv-log",
    """
Turn this callout log into the incident summary for the team's monthly report. Keep casualty details in — the report goes to the hospital liaison only.

2025-10-04T14:22 callout=MR-25-117 source=999/police location="Sharp Edge, Blencathra" grid=NY 3233 2797
2025-10-04T14:25 caller=⟦P:Owain Hughes⟧ caller_tel=⟦T:07538 219846⟧ relation=walking partner
2025-10-04T15:41 on_scene casualty=⟦P:Bethan Morgan-Llewellyn⟧ dob=⟦DOB:1988-12-09⟧ injury="suspected ⟦MC:fractured tib/fib⟧, left" temp=35.1 note="early ⟦MC:hypothermia⟧"
2025-10-04T15:48 medical_hx="⟦MC:type 1 diabetes⟧, ⟦MED:insulin⟧ pump in situ, BG 4.2 — given ⟦MED:glucose gel⟧"
2025-10-04T16:30 analgesia=⟦MED:Penthrox⟧ given_by=⟦P:Kit Armitage⟧ (team doctor)
2025-10-04T18:05 handover=Air Ambulance, receiving=Cumberland Infirmary nok=⟦P:Gwyn Morgan⟧ nok_tel=⟦T:01286 831 447⟧
""",
)
add(
    "pii",
    "en",
    "japan-moving-out-notification",
    "form",
    """
I'm leaving Japan next month. The city office gave me this moving-out notification (tenshutsu todoke) and I've filled in the English side — can you check the Japanese field names match what I wrote and tell me if I also need to return anything?

Shimei (name): ⟦P:Harriet Osei-Bonsu⟧
Seinengappi (date of birth): ⟦DOB:1993年6月18日⟧
Kojin bangō (My Number): ⟦ID@JP:⁅id|JP⁆⟧
Gen-jūsho (current address): ⟦A:Sunny Court 302, 2-14-8 Kichijōji Honchō, Musashino-shi, Tōkyō 180-0004⟧
Shin-jūsho (new address): ⟦A:41 Kelvin Grove, Sheffield S6 3RF⟧, United Kingdom
Denwa bangō: ⟦T:+81 80 4417 2290⟧
Landlord: ⟦P:Tanaka⟧-san (Sunny Court management) — keys back on the 28th
Reason: returning to home country; National Health Insurance card to be returned at counter 3.
""",
)
add(
    "pii",
    "en",
    "remittance-sender-form-vietnam",
    "form",
    """
My uncle wants to send money to his mother every month and the agent gave him this form. Can you explain in simple Vietnamese what "purpose of transaction" and "source of funds" mean, and check nothing is missing?

SENDER
Name: ⟦P:Trần Văn Phúc⟧
Address: ⟦A:10822 Bolsa Ave, Apt 14, Westminster, CA 92683⟧
Phone: ⟦T:(714) 555-0126⟧
ID type: California driver license — ⟦DL:D4418207⟧
Source of funds: salary (nail salon)
Payment: debit card ⟦CC:⁅card|discover|dashed⁆⟧

RECEIVER
Name: ⟦P:Nguyễn Thị Thu Hà⟧
Address: ⟦A:Tổ 12, phường Hòa Minh, quận Liên Chiểu, Đà Nẵng⟧
Phone: ⟦T:+84 905 318 442⟧
Bank: Vietcombank, account ⟦ACC:0041000218875⟧
Purpose: family support — mother's ⟦MC:cataract⟧ surgery and monthly living costs
""",
)
add(
    "pii",
    "en",
    "indonesian-nurse-credential-verification",
    "prose",
    """
Please polish this e-mail to the credential-verification office of the hospital in Nagoya. I'm applying through the EPA nurse programme.

Dear Sir or Madam,
My name is ⟦P:Ni Luh Putu Ayu Lestari⟧ and I am a registered nurse from Bali. As requested, my details for the verification of my nursing licence (STR) are: NIK ⟦ID@ID:⁅id|ID|1996-08-14|F|517101⁆⟧, born ⟦DOB:14 August 1996⟧ in Denpasar, home address ⟦A:Jl. Tukad Badung No. 27, Renon, Denpasar Selatan, Bali 80226⟧. I can be reached on WhatsApp at ⟦T:+62 812 3844 9107⟧ or by e-mail at ⟦E:ayu.lestari.rn@surel.example⟧.
My former head nurse, Ibu ⟦P:Komang Suartini⟧, has agreed to act as referee.
Sincerely, ⟦P:Ayu⟧
""",
)
add(
    "pii",
    "en",
    "epf-medical-withdrawal-letter",
    "prose",
    """
Can you make this letter to KWSP more formal? My father is applying for an EPF withdrawal for his medical bills.

To: KWSP, Petaling Jaya branch
Member: ⟦P:Lim Chee Keong⟧ (NRIC ⟦ID@MY:⁅id|MY|1966-02-09|M|10⁆⟧, born ⟦DOB:9 February 1966⟧)
Address: ⟦A:No. 12, Jalan SS 2/24, 47300 Petaling Jaya, Selangor⟧
Tel: ⟦T:+60 12-318 4420⟧

My father had a ⟦MC:mitral valve replacement⟧ at the heart institute in August and now takes ⟦MED:warfarin⟧ for life. The total bill attached is RM 48,200. His employer's panel clinic doctor, Dr ⟦P:Kavitha Selvaraj⟧, has certified the treatment. Please credit the withdrawal to his Maybank account ⟦ACC:114211 604 983⟧.
Signed on behalf of the member by his son, ⟦P:Lim Wei Jie⟧ (⟦T:+60 16-702 3381⟧)
""",
)
add(
    "pii",
    "en",
    "korean-long-term-care-grade-application",
    "prose",
    """
I live in Melbourne and need to help my mum apply for a long-term care grade in Busan. I drafted the background for the NHIS assessor in English first; please fix the English and then translate it into Korean.

Applicant: ⟦P:Choi Young-ja⟧, RRN ⟦ID@KR:⁅id|KR|1947-10-03|F⁆⟧ (born ⟦DOB:3 October 1947⟧), living alone at ⟦A:45 Suyeong-ro 321beon-gil, Nam-gu, Busan⟧.
She had a ⟦MC:stroke⟧ two years ago, has ⟦MC:vascular dementia⟧ and now ⟦MC:right-sided weakness⟧. She takes ⟦MED:clopidogrel⟧ and ⟦MED:donepezil⟧ but often forgets doses. My brother ⟦P:Park Jun-ho⟧ (⟦T:+82 10-4418-2093⟧) visits on weekends; I call every evening from Australia on ⟦T:0412 884 317⟧.
""",
)
add(
    "pii",
    "en",
    "china-rail-group-ticket-list",
    "markdown-table",
    """
12306 needs the ID number of every passenger for our family trip from Shanghai to Huangshan. I typed the table from my cousin's photos — can you check the 18-digit numbers look complete and the birth dates inside them match the DOB column?

| Passenger | ID number | DOB | Mobile |
|---|---|---|---|
| ⟦P:Wang Xiulan⟧ | ⟦ID@CN:⁅id|CN|1954-01-27|F|310104⁆⟧ | ⟦DOB:1954-01-27⟧ | ⟦T:+86 139 1744 2086⟧ |
| ⟦P:Zhou Jianguo⟧ | ⟦ID@CN:⁅id|CN|1952-06-11|M|310104⁆⟧ | ⟦DOB:1952-06-11⟧ | ⟦T:+86 138 1655 0473⟧ |
| ⟦P:Zhou Min⟧ | ⟦ID@CN:⁅id|CN|1983-09-30|F|310110⁆⟧ | ⟦DOB:1983-09-30⟧ | ⟦T:+86 186 2177 9312⟧ |
| ⟦P:Chen Haoyu⟧ | ⟦ID@CN:⁅id|CN|2012-03-05|M|310110⁆⟧ | ⟦DOB:2012-03-05⟧ | — |

Grandma ⟦P:Wang⟧ walks with a ⟦MC:walking frame⟧ after her ⟦MC:hip fracture⟧, so we need seats near the door.
""",
)
add(
    "pii",
    "en",
    "thai-tm30-landlord-request",
    "prose",
    """
My landlord in Chiang Mai sent me this message on LINE. Can you translate my reply into polite Thai?

Landlord: Khun ⟦P:Somchai Wongsakul⟧, ID ⟦ID@TH:⁅id|TH⁆⟧, ⟦T:+66 81 882 4190⟧ — he needs my passport ⟦PASS:548192036⟧ and my date of birth (⟦DOB:2 May 1989⟧) to file the TM30 for me at Immigration.

My reply: "Hello Khun ⟦P:Somchai⟧, thank you. I moved into ⟦A:unit 5B, 88/14 Soi 7, Nimmanhaemin Road, Suthep, Mueang Chiang Mai 50200⟧ on the 1st. My Thai phone is ⟦T:+66 92 447 1803⟧. Please send me the receipt slip by photo. — ⟦P:Ewan⟧"
""",
)
add(
    "pii",
    "en",
    "israeli-rental-guarantor-form",
    "form",
    """
The landlord's lawyer sent this guarantor page for my daughter's student flat in Haifa. Please translate the headings back into Hebrew exactly as a lawyer would write them, keep the values.

Tenant: ⟦P:Noa Ben-Ami⟧, ID ⟦ID@IL:⁅id|IL⁆⟧, ⟦T:+972 52-418-3390⟧
Property: ⟦A:Rehov Masada 31, apt 4, Haifa⟧
Guarantor 1: ⟦P:Yossi Ben-Ami⟧ (father), ID ⟦ID@IL:⁅id|IL#2⁆⟧, address ⟦A:Rehov HaNasi 6, Ra'anana⟧, ⟦T:+972 54-731-2208⟧
Guarantor 2: ⟦P:Dalia Friedmann⟧ (aunt), ID ⟦ID@IL:⁅id|IL#3⁆⟧, ⟦E:dalia.fr@doar.example⟧
Promissory note amount: 24,000 ILS
""",
)
add(
    "pii",
    "en",
    "family-pension-nomination",
    "prose",
    """
My father served in the army and wants to nominate my mother for the family pension. Can you draft a covering letter to the pension office from this?

Pensioner: Lt Col (retd) ⟦P:Tariq Mehmood Qureshi⟧, CNIC ⟦ID@PK:⁅id|PK|1951-12-05|M⁆⟧, date of birth ⟦DOB:05-12-1951⟧
Nominee: ⟦P:Nasreen Tariq⟧, CNIC ⟦ID@PK:⁅id|PK|1957-07-19|F⁆⟧, date of birth ⟦DOB:19-07-1957⟧
Address: ⟦A:House 214, Street 9, Askari 10, Lahore Cantt⟧
Phone: ⟦T:+92 300 8417 226⟧
Bank: pension paid into NBP account ⟦ACC:4039 7718 2201⟧
Note: father has ⟦MC:Parkinsonism⟧ and cannot travel; please ask if the form can be attested at home.
""",
)
add(
    "pii",
    "en",
    "swiss-pillar-3a-account-opening",
    "form",
    """
I'm opening a pillar 3a account with an online provider. They rejected the first upload — is something wrong with the format of my AHV number or the address?

First name: ⟦P:Magnus⟧
Last name: ⟦P:Thorvaldsen⟧
Date of birth: ⟦DOB:22.01.1986⟧
AHV/AVS number: ⟦ID@CH:⁅id|CH⁆⟧
Address: ⟦A:Seefeldstrasse 118, 8008 Zürich⟧
Mobile: ⟦T:+41 79 418 22 73⟧
E-mail: ⟦E:magnus.thorvaldsen@example.ch⟧
Employer: pension fund via employer, no self-employment
Payout account: ⟦IBAN:⁅iban|CH⁆⟧
""",
)
add(
    "pii",
    "en",
    "reykjavik-hot-water-account-transfer",
    "form",
    """
We bought a flat in Reykjavík and need to move the hot water and electricity account to our names. The utility's English form asks for this — does the order of the kennitala and the name look right to you?

Previous owner: ⟦P:Sigríður Hallgrímsdóttir⟧, kennitala ⟦ID@IS:⁅id|IS|1958-04-30|F⁆⟧
New owner 1: ⟦P:Jóhann Ólafsson⟧, kennitala ⟦ID@IS:⁅id|IS|1990-11-02|M⁆⟧
New owner 2: ⟦P:Freya Lindholm⟧, kennitala ⟦ID@IS:⁅id|IS|1992-07-16|F⁆⟧
Address: ⟦A:Laugavegur 45, apartment 0302, 101 Reykjavík⟧
Meter reading on handover: 48,113 m³ / 12,902 kWh
Contact: ⟦T:+354 862 4417⟧, ⟦E:johann.olafs@postur.example⟧
Monthly payment by card: ⟦CC:⁅card|amex⁆⟧ (American Express, in the name of ⟦P:J. Ólafsson⟧)
""",
)
add(
    "pii",
    "en",
    "bulgarian-pension-transfer-to-uk",
    "prose",
    """
Please help me write to the National Social Security Institute in Sofia. My grandmother moved to live with us in Leicester and her Bulgarian pension should now be paid to a UK account.

Her details: ⟦P:Radka Petrova Stoyanova⟧, EGN ⟦ID@BG:⁅id|BG|1949-03-17|F⁆⟧, born ⟦DOB:17.03.1949⟧ in Plovdiv. Old address ⟦A:ul. "Kapitan Raycho" 54, et. 3, ap. 8, 4000 Plovdiv⟧; new address ⟦A:19 Evington Lane, Leicester LE5 5PQ⟧. She has ⟦MC:heart failure⟧ and cannot travel to the embassy for the life certificate. Bank: ⟦IBAN:⁅iban|GB|NWBK⁆⟧. My phone: ⟦T:0116 496 0735⟧. I am her granddaughter, ⟦P:Mila Stoyanova-Reed⟧.
""",
)
add(
    "pii",
    "en",
    "slovenian-ski-instructor-licence",
    "form",
    """
I'm applying for the ski instructor licence course in Kranjska Gora. Their English form is below; can you write the short motivation paragraph (max 80 words) at the end?

Name and surname: ⟦P:Luka Zupančič⟧
EMŠO: ⟦ID@SI:⁅id|SI|1999-01-25|M⁆⟧
Date of birth: ⟦DOB:25. 1. 1999⟧
Address: ⟦A:Cesta talcev 14, 4270 Jesenice⟧
Mobile: ⟦T:+386 41 338 902⟧
Medical: ⟦MC:ACL reconstruction⟧ right knee (2021), cleared by surgeon ⟦P:Marko Kovačič⟧
Motivation: ...
""",
)
add(
    "pii",
    "en",
    "croatian-car-import-registration",
    "prose",
    """
I'm moving my UK car to Split. The agent asked for the following in one e-mail, in English — please tidy it up:

Owner: ⟦P:Daniel Whitcombe⟧, OIB ⟦ID@HR:⁅id|HR⁆⟧, residence ⟦A:Ulica Domovinskog rata 28, 21000 Split⟧, mobile ⟦T:+385 91 447 2018⟧. The car is a 2019 Škoda Octavia estate, VIN TMBJJ7NE5K0123456, UK plate to be surrendered. Registration in my name only — my partner ⟦P:Ivana Perić⟧ will collect the plates if I am away (⟦E:ivana.peric@posta.example⟧).
""",
)
add(
    "pii",
    "en",
    "danish-student-grant-appeal",
    "prose",
    """
I'm an international student in Aarhus and my SU was stopped because I fell behind. Help me write the appeal in English (they accept it) — short and factual.

Name: ⟦P:Aurelija Vaitkutė⟧, CPR ⟦ID@DK:⁅id|DK|2001-06-28|F⁆⟧, born ⟦DOB:28 June 2001⟧
Address: ⟦A:Nørrebrogade 44, 2. th., 8000 Aarhus C⟧
Phone: ⟦T:+45 52 18 44 09⟧
From February to June I was treated for ⟦MC:severe depression⟧ and took ⟦MED:sertraline⟧; my GP, ⟦P:Mette Kjærgaard⟧, and the student counsellor can confirm this. I passed two exams in the resit period and am now back on track.
""",
)
add(
    "pii",
    "en",
    "svalbard-expedition-medical-declaration",
    "form",
    """
Our Svalbard ski expedition needs a medical declaration from each participant. Can you list which of my answers the expedition doctor will want more detail on?

Participant: ⟦P:Hedda Solbakken⟧
Fødselsnummer: ⟦ID@NO:⁅id|NO|1984-12-01|F⁆⟧
Date of birth: ⟦DOB:1 December 1984⟧
Address: ⟦A:Storgata 91, 9008 Tromsø⟧
Emergency contact: ⟦P:Anders Solbakken⟧, ⟦T:+47 916 44 208⟧
Conditions: ⟦MC:exercise-induced asthma⟧ (⟦MED:Symbicort⟧ as needed); ⟦MC:wasp venom allergy⟧ — carries ⟦MED:EpiPen⟧
Previous cold injuries: ⟦MC:frostbite⟧, two toes, 2019
""",
)
add(
    "pii",
    "en",
    "belgian-life-certificate-request",
    "prose",
    """
Can you write a short, polite e-mail in English to the commune of Ixelles asking for a life certificate (certificat de vie) for my father's UK State Pension? He can't come in person.

Father: ⟦P:Reginald Moens-Hartley⟧, national number ⟦ID@BE:⁅id|BE|1941-08-08|M⁆⟧, born ⟦DOB:8 August 1941⟧
Address: ⟦A:Rue du Bailli 62, bte 3, 1050 Ixelles⟧
He is housebound after a ⟦MC:below-knee amputation⟧. His GP, Dr ⟦P:Sophie Vandeputte⟧, can sign the home-visit form.
My contact: ⟦P:Claire Moens⟧, ⟦T:+32 475 21 88 40⟧
""",
)
add(
    "pii",
    "en",
    "h2a-farmworker-housing-roster",
    "csv",
    """
The county inspector wants the H-2A housing roster by bed. Please turn this into a table grouped by bunkhouse and flag anyone listed twice.

bunkhouse,bed,worker,curp,dob,phone_mx,notes
A,1,⟦P:José Luis Hernández Ortega⟧,⟦ID@MX:⁅id|MX|1992-02-28|M|Hernández|Ortega|José Luis|MC⁆⟧,⟦DOB:1992-02-28⟧,⟦T:+52 443 218 7740⟧,
A,2,⟦P:Efraín Castillo Rangel⟧,⟦ID@MX:⁅id|MX|1986-11-09|M|Castillo|Rangel|Efraín|GT⁆⟧,⟦DOB:1986-11-09⟧,⟦T:+52 461 304 2291⟧,⟦MC:hypertension⟧ — bring ⟦MED:losartán⟧
A,3,⟦P:Rogelio Benítez Mora⟧,⟦ID@MX:⁅id|MX|1998-05-16|M|Benítez|Mora|Rogelio|MN⁆⟧,⟦DOB:1998-05-16⟧,⟦T:+52 452 117 8830⟧,
B,1,⟦P:Efraín Castillo Rangel⟧,⟦ID@MX:⁅id|MX|1986-11-09|M|Castillo|Rangel|Efraín|GT⁆⟧,⟦DOB:1986-11-09⟧,⟦T:+52 461 304 2291⟧,moved?
""",
)
add(
    "pii",
    "en",
    "torres-del-paine-refugio-booking",
    "form",
    """
I'm booking refugios for the W trek for me and a Chilean friend. The resident price needs her RUT. Does the form look right?

Guest 1: ⟦P:Josefina Araya Muñoz⟧ — RUT ⟦ID@CL:⁅id|CL⁆⟧ — born ⟦DOB:12/10/1995⟧ — ⟦T:+56 9 8417 2206⟧
Guest 2: ⟦P:Hannah Bergström⟧ — passport ⟦PASS:91842736⟧ — born ⟦DOB:04/04/1994⟧ — ⟦E:hannah.bergstrom@example.se⟧
Dietary: Guest 1 ⟦MC:coeliac disease⟧ (gluten-free meals)
Nights: Grey (2), Francés (1), Chileno (1)
Payment: Mastercard ⟦CC:⁅card|mc⁆⟧, exp 11/28, name on card ⟦P:HANNAH BERGSTROM⟧
""",
)
add(
    "pii",
    "en",
    "ssa-representative-payee-report",
    "prose",
    """
I'm the representative payee for my brother and the annual accounting form came. Help me write the short explanation for the "other expenses" box.

Beneficiary: ⟦P:Curtis Delacroix⟧, SSN ⟦ID@US:⁅id|US⁆⟧
Payee: ⟦P:Monique Delacroix-Wells⟧, ⟦A:3307 Gentilly Blvd, New Orleans, LA 70122⟧, ⟦T:(504) 555-0193⟧
⟦P:Curtis⟧ has ⟦MC:schizoaffective disorder⟧ and lives in a group home. Besides room and board I paid for new glasses, a bus pass and the co-pays for his ⟦MED:clozapine⟧ blood monitoring. I kept $410 saved in his account ⟦ACC:001848210337⟧.
""",
)
add(
    "pii",
    "en",
    "529-plan-beneficiary-change",
    "form",
    """
Changing the beneficiary on my 529 from my son to my niece. Can you check the relationship rule (is a niece a "member of the family"?) and whether anything below is missing?

Account owner: ⟦P:Lorraine Castellano⟧
Account number: ⟦ACC:529-4471-08832⟧
Current beneficiary: ⟦P:Dominic Castellano⟧
New beneficiary: ⟦P:Gianna Ruiz⟧
New beneficiary SSN: ⟦ID@US:⁅id|US⁆⟧
New beneficiary date of birth: ⟦DOB:January 30, 2009⟧
New beneficiary address: ⟦A:81 Hawthorne Street, Providence, RI 02906⟧
Owner phone: ⟦T:401-555-0168⟧
""",
)
add(
    "pii",
    "en",
    "gp-proxy-access-adult-son",
    "prose",
    """
Could you write this as a short letter to the practice manager?

I'm asking for proxy access to my son's record on the NHS App. ⟦P:Jamie Oduya⟧, NHS number ⟦ID@GB:⁅id|GB⁆⟧, date of birth ⟦DOB:19 September 2003⟧, lives with us at ⟦A:6 Ferndale Close, Luton LU3 2GH⟧. ⟦P:Jamie⟧ has ⟦MC:Down syndrome⟧ and ⟦MC:hypothyroidism⟧ (on ⟦MED:levothyroxine⟧) and he has said he wants me to order his repeats and see his letters. He will sign the consent form in front of the receptionist. I'm ⟦P:Grace Oduya⟧, ⟦T:07802 371655⟧.
""",
)
add(
    "pii",
    "en",
    "rdsp-opening-form",
    "form",
    """
Our credit union sent this RDSP opening form for our daughter. Which of these boxes decide whether she gets the grant and bond?

Beneficiary: ⟦P:Élodie Tremblay-Ng⟧
SIN: ⟦ID@CA:⁅id|CA⁆⟧
Date of birth: ⟦DOB:2012-08-03⟧
Disability tax credit: approved (⟦MC:cerebral palsy⟧, spastic diplegia)
Holders: ⟦P:Martin Tremblay⟧ and ⟦P:Wen Ng⟧ (parents)
Address: ⟦A:1180 rue Saint-Vallier Ouest, Québec QC G1N 1G8⟧
Phone: ⟦T:418-555-0172⟧
Family net income 2024: 71,400
""",
)
add(
    "pii",
    "en",
    "dasp-superannuation-claim",
    "form",
    """
I left Australia after my working holiday. This is my DASP application for the super I built up on the farm — can you check it against the ATO's checklist?

Full name: ⟦P:Lotte van Rijswijk⟧
Date of birth: ⟦DOB:07/12/1998⟧
TFN: ⟦ID@AU:⁅id|AU⁆⟧
Passport: ⟦PASS:NXK8P41D2⟧ (Netherlands)
Address overseas: ⟦A:Oudegracht 212, 3511 NV Utrecht⟧
E-mail: ⟦E:lotte.rijswijk@example.nl⟧
Fund: AustralianSuper, member number ⟦ACC:601448327⟧
Departed Australia: 14/03/2025 (visa 417 ceased)
""",
)
add(
    "pii",
    "en",
    "wff-change-of-circumstances",
    "prose",
    """
Help me tell Inland Revenue about changes for Working for Families — short and clear, please.

Kia ora, this is ⟦P:Mereana Tipene⟧, IRD number ⟦ID@NZ:⁅id|NZ⁆⟧. From 1 October my partner ⟦P:Hemi Walker⟧ no longer lives with us, so I'm now the only caregiver for ⟦P:Ataahua⟧ (born ⟦DOB:11/05/2016⟧) and ⟦P:Nikau⟧ (born ⟦DOB:27/01/2020⟧). ⟦P:Nikau⟧ was diagnosed with ⟦MC:autism⟧ and I now get the Child Disability Allowance. Our address is still ⟦A:14 Kowhai Street, Kaikohe 0405⟧; my mobile is ⟦T:021 448 3172⟧. Ngā mihi, ⟦P:Mereana⟧
""",
)
add(
    "pii",
    "en",
    "fair-deal-nursing-home-scheme",
    "prose",
    """
I'm filling in the Nursing Home Support Scheme (Fair Deal) form for my mother and need help with the "care needs" section — make it clear but not over-dramatic.

Applicant: ⟦P:Bridget Ní Fhlatharta⟧, PPS number ⟦ID@IE:⁅id|IE⁆⟧, date of birth ⟦DOB:02/02/1936⟧, of ⟦A:Baile na hAbhann, Bearna, Co. Galway H91 E2W7⟧.
Mam has ⟦MC:advanced COPD⟧ on home oxygen, ⟦MC:osteoporosis⟧ with two vertebral fractures, and is on ⟦MED:Spiriva⟧, ⟦MED:alendronic acid⟧ and ⟦MED:Seretide⟧. Since the fall in June she needs two people to transfer. Her public health nurse is ⟦P:Siobhán Keady⟧ (⟦T:091 544 218⟧). Contact: ⟦P:Fionnuala⟧ (daughter), ⟦T:087 332 1148⟧.
""",
)
add(
    "pii",
    "en",
    "sgb-parent-nomination",
    "prose",
    """
I'm nominating a parent for our school governing body election. Please check the nomination statement reads well and stays under 100 words.

Nominee: ⟦P:Thandeka Mokoena-Brink⟧, ID number ⟦ID@ZA:⁅id|ZA|1983-05-14|F⁆⟧, parent of ⟦P:Lerato⟧ (Grade 5). Address: ⟦A:17 Jacaranda Avenue, Lynnwood, Pretoria 0081⟧. Cell: ⟦T:082 417 3390⟧.
Statement: "I am an accountant and have volunteered with the school's fundraising committee for three years. As a mother of a child with ⟦MC:hearing loss⟧, I want the school to keep improving support for learners with disabilities..."
Nominated by ⟦P:Pieter Swanepoel⟧, seconded by ⟦P:Nomvula Dube⟧.
""",
)
add(
    "pii",
    "en",
    "lpg-connection-transfer-after-death",
    "prose",
    """
My father passed away and the LPG connection is in his name. Draft an application to the gas agency to transfer it to my mother.

Deceased consumer: ⟦P:Ramachandran Iyer⟧, consumer number ⟦ACC:7713208841⟧
Transfer to: ⟦P:Lakshmi Ramachandran⟧ (wife), Aadhaar ⟦ID@IN:⁅id|IN⁆⟧
Address: ⟦A:Flat 302, Shanti Kunj, 14th Cross, Malleshwaram, Bengaluru 560003⟧
Mobile: ⟦T:98450 17732⟧
Enclosed: death certificate, legal heir certificate, subscription voucher. My mother is ⟦MC:visually impaired⟧, so please send the SMS booking confirmations to my number ⟦T:+91 99001 44862⟧ as well.
""",
)
add(
    "pii",
    "en",
    "gift-aid-declarations-batch",
    "csv",
    """
These Gift Aid declarations came in on paper at the hospice shop. Please check each row has what HMRC needs (house number or name plus postcode) and list the ones to chase.

title,first_name,last_name,house_name_or_number,street,postcode,declaration_date
Mrs,⟦P:Pearl⟧,⟦P:Honeysett⟧,⟦A:14⟧,⟦A:Priory Road⟧,⟦A:TN34 3JD⟧,2025-09-02
Mr,⟦P:Norman⟧,⟦P:Budd⟧,⟦A:Rose Cottage⟧,⟦A:Fairlight Road⟧,⟦A:TN35 4AP⟧,2025-09-02
Ms,⟦P:Carol-Ann⟧,⟦P:Shilling⟧,,⟦A:Old London Road⟧,⟦A:TN35 5BH⟧,2025-09-03
Dr,⟦P:Ade⟧,⟦P:Ogunleye⟧,⟦A:Flat 2, 9⟧,⟦A:Pelham Crescent⟧,,2025-09-05
""",
)
add(
    "pii",
    "en",
    "talking-book-program-application",
    "form",
    """
I'm helping a neighbour apply to the talking book and braille library service. Which certifying authority can sign this in our state, and is the disability description enough?

Applicant: ⟦P:Harold Vesey⟧
Address: ⟦A:915 Linden Ave, Apt 3C, Dayton, OH 45410⟧
Phone: ⟦T:(937) 555-0113⟧
Date of birth: ⟦DOB:June 4, 1944⟧
Disability: ⟦MC:legally blind⟧ due to ⟦MC:glaucoma⟧ (both eyes), uses ⟦MED:latanoprost⟧ drops
Format preferred: digital cartridges, large-print catalogue
Alternate contact: ⟦P:Renée Lambright⟧ (neighbour), ⟦T:(937) 555-0184⟧
""",
)
add(
    "pii",
    "en",
    "dog-bite-animal-control-report",
    "form",
    """
Animal control asked me to fill in a bite report for my daughter. Can you make the "description of incident" clearer?

Victim: ⟦P:Juniper Hale⟧, DOB ⟦DOB:09/14/2017⟧
Parent/guardian: ⟦P:Marcus Hale⟧, ⟦A:2208 Maple Ridge Dr, Boise, ID 83709⟧, ⟦T:(208) 555-0155⟧
Injury: ⟦MC:puncture wounds to left forearm⟧, treated at urgent care; started ⟦MED:Augmentin⟧, given ⟦MED:tetanus booster⟧
Dog owner: ⟦P:Shelby Kranz⟧, ⟦A:2214 Maple Ridge Dr⟧ — says the dog is vaccinated
Description: dog came through gap in fence while ⟦P:Juniper⟧ was on scooter...
""",
)
add(
    "pii",
    "en",
    "trillium-drug-program-application",
    "prose",
    """
Summarise this for the Trillium Drug Program application — the "household" and "drug costs" parts in plain words.

Household: ⟦P:Graham Oyelaran⟧ (⟦DOB:1972-02-11⟧) and ⟦P:Susan Oyelaran⟧ (⟦DOB:1974-09-30⟧), ⟦A:45 Lakeshore Road East, Mississauga ON L5G 1C9⟧, ⟦T:905-555-0191⟧. Health card of ⟦P:Graham⟧: ⟦ACC:4418-203-771-MK⟧.
⟦P:Graham⟧ has ⟦MC:Crohn's disease⟧ and started ⟦MED:Stelara⟧ in May; his work plan stopped covering it after he went on short-term disability. ⟦P:Susan⟧ takes ⟦MED:Ozempic⟧ for ⟦MC:type 2 diabetes⟧.
""",
)
add(
    "pii",
    "en",
    "bushfire-evacuation-centre-registration",
    "form",
    """
We ran the evacuation centre last night. Can you merge these two registration cards (same family, different volunteers) into one and highlight medical needs for the nurse?

Card 1 — ⟦P:Bronwyn Tully⟧, DOB ⟦DOB:16/08/1950⟧, home: ⟦A:220 Tablelands Road, Blackheath NSW 2785⟧, mobile ⟦T:0428 117 903⟧, meds left at home: ⟦MED:Xarelto⟧, ⟦MED:metoprolol⟧
Card 2 — ⟦P:Bron Tully⟧ + husband ⟦P:Kevin Tully⟧ (⟦DOB:02/04/1948⟧), same address, ⟦P:Kevin⟧ has ⟦MC:Parkinson's⟧, needs ⟦MED:Sinemet⟧ at 6 pm; 1 dog, 1 cockatoo
""",
)
add(
    "pii",
    "en",
    "cgm-export-for-endocrinologist",
    "csv",
    """
My endocrinologist asked for the last two weeks of CGM data. Before I upload: how do I delete the header lines with my details but keep the readings?

Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mmol/L)
1,,FirstName,,⟦P:Isolde⟧,,,
2,,LastName,,⟦P:Farrant⟧,,,
3,,DateOfBirth,,⟦DOB:1979-06-21⟧,,,
4,,Device,,,G7 Mobile App,Android G7,
5,2025-10-01T00:03:12,EGV,,,,Android G7,6.4
6,2025-10-01T00:08:12,EGV,,,,Android G7,6.2
(diagnosis on my clinic letter: ⟦MC:type 1 diabetes⟧, on ⟦MED:NovoRapid⟧ and ⟦MED:Tresiba⟧)
""",
)
add(
    "pii",
    "en",
    "pip-letter-ocr",
    "prose",
    """
My phone's scanner turned this DWP letter into text (some letters came out wrong). Please tell me what it's asking me to do by when.

Department for Work and Pensions
Mr ⟦P:Dav1d Ellery-Chase⟧
⟦A:Flat 3, 71 Rhosddu Road, Wrexharn LL11 2NS⟧
National lnsurance number: see overleaf
Date of birth: ⟦DOB:O4/1O/1968⟧
Dear Mr ⟦P:Ellery-Chase⟧,
We have received your Personal lndependence Payment claim. You told us about ⟦MC:chronic pain after spinal fusi0n⟧ and ⟦MC:depressi0n⟧. We have arranged a telephone assessment with ⟦P:J. Okonjo⟧ (health professional). We will call you on ⟦T:07469 330127⟧.
""",
)
add(
    "pii",
    "en",
    "period-tracker-export-for-fertility-clinic",
    "json",
    """
The fertility clinic wants my cycle history. This is the start of the JSON my period-tracker app exported — can you tell me which fields they'd actually need and strip the rest?

{
  "profile": {
    "name": "⟦P:Tamsin Achterberg⟧",
    "email": "⟦E:tamsin.achterberg@example.com⟧",
    "birthday": "⟦DOB:1991-02-17⟧",
    "conditions": ["⟦MC:PCOS⟧", "⟦MC:endometriosis⟧"],
    "medications": [{"name": "⟦MED:letrozole⟧", "dose": "2.5 mg", "days": "3-7"}, {"name": "⟦MED:metformin⟧", "dose": "500 mg"}]
  },
  "partner": {"name": "⟦P:Idris Achterberg⟧", "shared": true},
  "cycles": [
    {"start": "2025-07-02", "length": 38, "ovulation_test": "positive day 21"},
    {"start": "2025-08-09", "length": 41, "note": "⟦MC:pregnancy loss⟧ (chemical), 5 weeks"}
  ]
}
""",
)
add(
    "pii",
    "en",
    "home-assistant-person-config",
    "yaml",
    """
My Home Assistant config throws "duplicate key" on startup. Can you spot it? (I know the names are in there, it's only on my own server.)

homeassistant:
  name: Home
  latitude: !secret home_latitude
  longitude: !secret home_longitude
  customize: !include customize.yaml

person:
  - name: ⟦P:Callum Reddy⟧
    id: ⟦P:callum⟧
    device_trackers:
      - device_tracker.pixel_8
  - name: ⟦P:Anjali Reddy⟧
    id: ⟦P:anjali⟧
    device_trackers:
      - device_tracker.iphone_anjali

notify:
  - name: family_sms
    platform: clicksend
    recipient:
      - "⟦T:+447412566219⟧"
      - "⟦T:+447412574138⟧"

zone:
  - name: Station
    latitude: 53.4075
    longitude: -2.9779
    radius: 150
zone:
  - name: Allotments
    latitude: 53.4120
""",
)
add(
    "pii",
    "en",
    "contact-lens-prescription-verification",
    "http",
    """
Our optical shop's verification request to the prescriber keeps bouncing with 422. Here is the raw request from our logs — what's wrong with the body?

POST /v2/rx-verifications HTTP/1.1
Host: api.lensverify.example
Content-Type: application/json
X-Store-Id: OPT-2291

{"patient": {"first_name": "⟦P:Delphine⟧", "last_name": "⟦P:Okwuosa⟧", "dob": "⟦DOB:04/31/1987⟧", "phone": "⟦T:(312) 555-0171⟧", "address": "⟦A:1650 W Cornelia Ave, Chicago, IL 60657⟧"},
 "prescriber": {"name": "Dr. ⟦P:Henrik Valdez⟧", "fax": "⟦T:(312) 555-0109⟧"},
 "lenses": {"od": "Acuvue Oasys -3.25", "os": "Acuvue Oasys -3.75"},
 "notes": "patient reports ⟦MC:keratoconus⟧ suspected in left eye"}
""",
)
add(
    "pii",
    "en",
    "duplicate-patient-record-merge",
    "sql",
    """
Before I run this merge of two duplicate patient records in our clinic database, can you check the statements are in the right order and the WHERE clauses can't hit anyone else?

-- survivor: MRN ⟦MRN:00458812⟧  ⟦P:Eilidh MacPhail⟧  dob ⟦DOB:1964-10-02⟧
-- duplicate: MRN ⟦MRN:00603177⟧  ⟦P:Eilidh McPhail⟧  dob ⟦DOB:1964-10-02⟧  (typo at registration)
BEGIN;
UPDATE encounters   SET mrn = '⟦MRN:00458812⟧' WHERE mrn = '⟦MRN:00603177⟧';
UPDATE prescriptions SET mrn = '⟦MRN:00458812⟧' WHERE mrn = '⟦MRN:00603177⟧';  -- ⟦MED:apixaban⟧, ⟦MED:bisoprolol⟧
UPDATE problem_list SET mrn = '⟦MRN:00458812⟧' WHERE mrn = '⟦MRN:00603177⟧';  -- ⟦MC:atrial flutter⟧
UPDATE patients SET phone = '⟦T:01463 718220⟧', address = '⟦A:5 Culduthel Road, Inverness IV2 4AE⟧' WHERE mrn = '⟦MRN:00458812⟧';
DELETE FROM patients WHERE mrn = '⟦MRN:00603177⟧';
COMMIT;
""",
)
# ---------------------------------------------------------------------------
# pii — other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "de",
    "behinderten-pauschbetrag-steuerberater",
    "prose",
    """
Kannst du diese Mail an unseren Steuerberater kürzen und sachlicher formulieren?

Hallo Herr ⟦P:Wiegand⟧,
für die Einkommensteuererklärung 2024 anbei der neue Bescheid des Versorgungsamts: bei meinem Mann ⟦P:Jörg Achternbusch⟧ (geb. ⟦DOB:14.08.1969⟧, Steuer-ID ⟦ID@DE:⁅id|DE⁆⟧) wurde wegen ⟦MC:Morbus Bechterew⟧ ein GdB von 50 festgestellt, rückwirkend ab März. Er bekommt seit Juni ⟦MED:Cosentyx⟧ und war zweimal in der Reha. Bitte den Behinderten-Pauschbetrag berücksichtigen und auch die Fahrtkosten zur Rheumaambulanz. Erstattung wie immer auf ⟦IBAN:⁅iban|DE⁆⟧.
Unsere Adresse hat sich geändert: ⟦A:Lindenstraße 14, 49074 Osnabrück⟧. Telefonisch bin ich unter ⟦T:0171 4432187⟧ erreichbar.
Viele Grüße
⟦P:Annegret Achternbusch⟧
""",
)
add(
    "pii",
    "de",
    "erhoehte-familienbeihilfe-antrag",
    "form",
    """
Ich fülle den Antrag auf erhöhte Familienbeihilfe (Beih 3) für unsere Tochter aus. Passt das so, oder fehlt bei der Erkrankung etwas, das das Sozialministeriumservice braucht?

Kind: ⟦P:Valentina Moser⟧
Geburtsdatum: ⟦DOB:14.09.2016⟧
Versicherungsnummer Kind: ⟦ID@AT:⁅id|AT|2016-09-14|F⁆⟧
Antragstellerin: ⟦P:Katharina Moser⟧, Versicherungsnummer ⟦ID@AT:⁅id|AT|1985-03-02|F⁆⟧
Wohnadresse: ⟦A:Landstraße 49/3/11, 4020 Linz⟧
Telefon: ⟦T:0664 3318842⟧
Erkrankung: ⟦MC:Diabetes mellitus Typ 1⟧ seit 2021, ⟦MC:Insulinpumpe⟧ mit ⟦MED:Fiasp⟧, Sensor; Schulbegleitung beim Mittagessen
Behandelnde Ärztin: Dr. ⟦P:Theresa Pühringer⟧, Kepler Universitätsklinikum
""",
)
add(
    "pii",
    "fr",
    "demande-pension-de-reversion",
    "prose",
    """
Peux-tu rédiger une lettre propre pour la caisse de retraite à partir de mes notes ? C'est pour ma mère.

Demande de pension de réversion — Mme ⟦P:Geneviève Schaller⟧, née le ⟦DOB:27 février 1944⟧, n° de sécurité sociale ⟦ID@FR:⁅id|FR|1944-02-27|F|67⁆⟧, veuve de M. ⟦P:Albert Schaller⟧ (n° ⟦ID@FR:⁅id|FR|1939-10-05|M|68⁆⟧), décédé le 3 août. Adresse : ⟦A:12 rue des Tanneurs, 67000 Strasbourg⟧. Téléphone : ⟦T:03 88 21 44 90⟧.
Maman a une ⟦MC:DMLA⟧ et ne peut plus lire les courriers ; merci d'écrire aussi à moi, ⟦P:Pascale Schaller-Hirtz⟧, ⟦E:pascale.hirtz@courriel.example⟧. Versement sur son compte ⟦IBAN:⁅iban|FR⁆⟧.
""",
)
add(
    "pii",
    "fr",
    "perte-carte-vitale-ald",
    "form",
    """
J'ai perdu ma carte Vitale en vacances. Le formulaire de déclaration ci-dessous est-il complet ? Et est-ce que mon ALD continue d'être prise en charge en attendant la nouvelle carte ?

Nom : ⟦P:BENALI-ROUX⟧
Prénom : ⟦P:Nadia⟧
Date de naissance : ⟦DOB:03/05/1979⟧
N° d'immatriculation : ⟦ID@FR:⁅id|FR|1979-05-03|F|13⁆⟧
Adresse : ⟦A:45 boulevard Baille, 13006 Marseille⟧
Portable : ⟦T:06 12 44 87 30⟧
Courriel : ⟦E:nadia.benaliroux@example.fr⟧
ALD : ⟦MC:polyarthrite rhumatoïde⟧ — traitement ⟦MED:méthotrexate⟧ hebdomadaire et ⟦MED:acide folique⟧
Circonstances : perte (pas de vol), le 12/08 à la gare de Nice
""",
)
add(
    "pii",
    "es",
    "retiro-fondos-afp-enfermo-terminal",
    "prose",
    """
Mi papá está muy enfermo y queremos pedir el retiro de fondos de la AFP por enfermedad terminal. ¿Me ayudas a escribir la solicitud con estos datos?

Afiliado: ⟦P:Héctor Valdivia Contreras⟧, RUT ⟦ID@CL:⁅id|CL⁆⟧, nacido el ⟦DOB:9 de noviembre de 1961⟧.
Domicilio: ⟦A:Av. Grecia 2241, depto. 504, Ñuñoa, Santiago⟧.
Diagnóstico: ⟦MC:cáncer de páncreas⟧ con metástasis hepáticas, en cuidados paliativos; recibe ⟦MED:morfina⟧ y ⟦MED:ondansetrón⟧. El médico tratante es el Dr. ⟦P:Ignacio Fuenzalida⟧.
Contacto: su hija ⟦P:Camila Valdivia Rojas⟧, ⟦T:+56 9 7711 4203⟧, ⟦E:camila.valdivia@correo.example⟧.
""",
)
add(
    "pii",
    "es",
    "reclamacion-comunidad-propietarios",
    "prose",
    """
Redacta una reclamación formal al administrador de la comunidad. Que quede firme pero educada.

Soy ⟦P:Amparo Lozano Ferrer⟧, DNI ⟦ID@ES:⁅id|ES⁆⟧, propietaria del piso ⟦A:C/ Alcalá 214, 5º B, 28028 Madrid⟧. En la derrama del ascensor me han cobrado dos veces el recibo de octubre (312,40 €) en mi cuenta ⟦IBAN:⁅iban|ES⁆⟧. Ya lo hablé por teléfono con ⟦P:Raúl⟧, el de la gestoría, y me dijo que lo mirarían, pero no he recibido nada. Pido la devolución del cargo duplicado. Mi móvil: ⟦T:612 44 87 31⟧.
""",
)
add(
    "pii",
    "it",
    "rimborso-bollo-auto-legge-104",
    "form",
    """
Devo chiedere il rimborso del bollo auto pagato per errore: mia madre è esente per la legge 104. Mi controlli se il modulo è compilato bene?

Richiedente: ⟦P:Matteo Barbieri⟧ (figlio, intestatario del veicolo)
Codice fiscale: ⟦ID@IT:⁅id|IT|1986-01-19|M|Barbieri|Matteo|A944⁆⟧
Persona disabile: ⟦P:Giuseppina Barbieri⟧, nata a Bologna il ⟦DOB:11/06/1958⟧
C.F. disabile: ⟦ID@IT:⁅id|IT|1958-06-11|F|Barbieri|Giuseppina|A944⁆⟧
Verbale: handicap grave art. 3 c. 3 — ⟦MC:tetraparesi⟧ esiti di ⟦MC:ictus⟧
Residenza: ⟦A:Via Saragozza 88, 40123 Bologna⟧
Telefono: ⟦T:051 644 2917⟧ — cell. ⟦T:347 221 8830⟧
IBAN per il rimborso: ⟦IBAN:⁅iban|IT⁆⟧
""",
)
add(
    "pii",
    "it",
    "iscrizione-albo-scrutatori",
    "form",
    """
Voglio iscrivermi all'albo degli scrutatori del mio comune. Questa è la domanda che ho preparato: è giusto mettere anche il titolo di studio così?

Il sottoscritto ⟦P:Lorenzo De Santis⟧
nato a Napoli il ⟦DOB:23/02/1997⟧
codice fiscale ⟦ID@IT:⁅id|IT|1997-02-23|M|De Santis|Lorenzo|F839⁆⟧
residente in ⟦A:Via Toledo 156, 80134 Napoli⟧
tel. ⟦T:081 552 1734⟧ — e-mail ⟦E:lorenzo.desantis97@posta.example⟧
titolo di studio: laurea triennale in Economia
chiede di essere inserito nell'albo delle persone idonee all'ufficio di scrutatore di seggio elettorale.
""",
)
add(
    "pii",
    "pt",
    "complemento-solidario-para-idosos",
    "prose",
    """
Ajuda-me a escrever o requerimento do Complemento Solidário para Idosos para a minha mãe, em linguagem simples.

Requerente: ⟦P:Maria do Céu Figueiredo⟧, NIF ⟦ID@PT:⁅id|PT⁆⟧, nascida a ⟦DOB:2 de abril de 1946⟧, residente na ⟦A:Rua do Almada 312, 2.º Esq., 4050-032 Porto⟧. Vive sozinha com a pensão de velhice. Tem ⟦MC:doença de Alzheimer⟧ em fase inicial e toma ⟦MED:memantina⟧. Quem trata dos papéis sou eu, o filho, ⟦P:Rui Figueiredo Pacheco⟧ (⟦T:912 448 301⟧). Pagamento para a conta ⟦IBAN:⁅iban|PT⁆⟧.
""",
)
add(
    "pii",
    "pt",
    "bpc-loas-crianca-com-deficiencia",
    "form",
    """
Vou pedir o BPC/LOAS para o meu filho. Pode revisar o que escrevi no campo "descrição da deficiência" e dizer se falta algum documento?

Requerente: ⟦P:Jaqueline Moura⟧ (mãe), CPF ⟦ID@BR:⁅id|BR⁆⟧
Beneficiário: ⟦P:Enzo Gabriel Moura Santos⟧, nascido em ⟦DOB:18/07/2017⟧, CPF ⟦ID@BR:⁅id|BR#2⁆⟧
Endereço: ⟦A:Rua Voluntários da Pátria 1180, apto 32, Botafogo, Rio de Janeiro – RJ⟧
Celular: ⟦T:(21) 99834-2210⟧
Descrição: ⟦MC:paralisia cerebral⟧ quadriplégica, usa ⟦MED:baclofeno⟧ e cadeira de rodas; faz fisioterapia três vezes por semana
Renda familiar: um salário mínimo (trabalho como diarista)
""",
)
add(
    "pii",
    "nl",
    "bijzondere-bijstand-wasmachine",
    "prose",
    """
Kun je deze aanvraag voor bijzondere bijstand netjes maken? Het is voor een nieuwe wasmachine.

Ik ben ⟦P:Sevda Yılmaz-de Vries⟧, BSN ⟦ID@NL:⁅id|NL⁆⟧, geboren ⟦DOB:9-3-1982⟧, en ik woon met mijn twee kinderen op ⟦A:Vechtstraat 71 bis, 3521 XK Utrecht⟧. Mijn wasmachine is kapot en een reparatie kost meer dan een nieuwe. Door mijn ⟦MC:depressie⟧ werk ik op dit moment niet; ik gebruik ⟦MED:venlafaxine⟧ en ben onder behandeling bij de praktijkondersteuner, ⟦P:Marloes Bakker⟧. Graag het bedrag overmaken op ⟦IBAN:⁅iban|NL|INGB⁆⟧. Telefoon: ⟦T:06 18442073⟧.
""",
)
add(
    "pii",
    "nl",
    "zorgbudget-zwaar-zorgbehoevenden",
    "form",
    """
Mijn moeder krijgt thuis veel zorg. Ik wil het zorgbudget voor zwaar zorgbehoevenden aanvragen via de zorgkas. Klopt dit zo?

Zorgbehoevende: ⟦P:Godelieve Vercruysse⟧
Rijksregisternummer: ⟦ID@BE:⁅id|BE|1937-12-20|F⁆⟧
Geboortedatum: ⟦DOB:20/12/1937⟧
Adres: ⟦A:Kerkstraat 14 bus 2, 9000 Gent⟧
Diagnose: ⟦MC:dementie (alzheimer)⟧, ⟦MC:incontinentie⟧; BEL-score 42
Mantelzorger: ⟦P:Wouter Declercq⟧ (zoon), ⟦T:0477 21 84 33⟧
Rekeningnummer: ⟦IBAN:⁅iban|BE⁆⟧
""",
)
add(
    "pii",
    "pl",
    "swiadczenie-pielegnacyjne-wniosek",
    "prose",
    """
Pomóż mi napisać uzasadnienie do wniosku o świadczenie pielęgnacyjne. Urzędniczka powiedziała, że ma być konkretnie.

Wnioskodawczyni: ⟦P:Agnieszka Wróblewska-Nowak⟧, PESEL ⟦ID@PL:⁅id|PL|1975-10-21|F⁆⟧, zam. ⟦A:ul. Piotrkowska 144 m. 7, 90-062 Łódź⟧, tel. ⟦T:601 447 218⟧.
Sprawuję stałą opiekę nad matką, ⟦P:Heleną Wróblewską⟧ (PESEL ⟦ID@PL:⁅id|PL|1946-04-02|F⁆⟧), która ma orzeczenie o znacznym stopniu niepełnosprawności z powodu ⟦MC:stwardnienia zanikowego bocznego⟧. Mama przyjmuje ⟦MED:riluzol⟧, karmię ją przez ⟦MC:PEG⟧. Zrezygnowałam z pracy w sierpniu. Świadczenie proszę przekazywać na konto ⟦IBAN:⁅iban|PL⁆⟧.
""",
)
add(
    "pii",
    "pl",
    "urlop-dla-poratowania-zdrowia",
    "prose",
    """
Napisz proszę krótki wniosek do dyrektorki szkoły o skierowanie na badanie w sprawie urlopu dla poratowania zdrowia.

Od: ⟦P:Krzysztof Bocian⟧, nauczyciel fizyki, PESEL ⟦ID@PL:⁅id|PL|1971-07-30|M⁆⟧, ⟦A:ul. Długa 12/4, 80-827 Gdańsk⟧, ⟦T:+48 504 218 339⟧
Do: Pani Dyrektor ⟦P:Elżbieta Sowa⟧
Od wiosny leczę się z powodu ⟦MC:zaburzeń lękowych⟧ i ⟦MC:bezsenności⟧, przyjmuję ⟦MED:escitalopram⟧. Lekarz prowadzący zalecił dłuższą przerwę. Proszę o wystawienie skierowania dla ⟦P:Krzysztofa Bociana⟧ do lekarza medycyny pracy.
""",
)
add(
    "pii",
    "sv",
    "overklagande-sjukpenning",
    "prose",
    """
Hjälp mig att skriva en begäran om omprövning till Försäkringskassan. Kort och saklig, tack.

Jag, ⟦P:Linnea Kvist⟧, personnummer ⟦ID@SE:⁅id|SE|1988-05-04|F⁆⟧, begär omprövning av beslutet att dra in min sjukpenning från dag 181. Jag har ⟦MC:utmattningssyndrom⟧ sedan hösten 2024 och behandlas med ⟦MED:mirtazapin⟧ och KBT. Min läkare ⟦P:Johan Ekholm⟧ bedömer att jag inte kan arbeta heltid i något arbete än. Handläggaren ⟦P:Jonas Berg⟧ har inte tagit hänsyn till det nya läkarintyget.
Adress: ⟦A:Götgatan 14, lgh 1102, 118 46 Stockholm⟧. Telefon: ⟦T:070-418 22 93⟧.
""",
)
add(
    "pii",
    "sv",
    "andrahandskontrakt-lagenhet",
    "form",
    """
Vi ska skriva ett andrahandskontrakt. Kan du göra om det här till ett ordentligt avtal med uppsägningstid och depositionsvillkor?

Uthyrare: ⟦P:Oskar Sjöberg⟧, ⟦ID@SE:⁅id|SE|1991-11-23|M⁆⟧
Hyresgäst: ⟦P:Maja Lund⟧, ⟦ID@SE:⁅id|SE|2002-02-14|F⁆⟧, ⟦T:073-228 41 90⟧, ⟦E:maja.lund@epost.example⟧
Lägenhet: ⟦A:Slottsgatan 7B, lgh 1203, 722 11 Västerås⟧ (2 rok, möblerad)
Period: 1 december – 31 maj
Hyra: 8 900 kr/mån inkl. el och bredband
Deposition: en månadshyra, återbetalas till ⟦IBAN:⁅iban|SE⁆⟧
""",
)
add(
    "pii",
    "fi",
    "taloyhtion-saunavuorolista",
    "markdown-table",
    """
Taloyhtiön saunavuorot menevät uusiksi. Tee tästä siisti ilmoitus porraskäytävään ja kerro erikseen, kenen vuoro muuttuu. ⟦P:Seppo Kallion⟧ vuoro siirtyy torstaille, koska hänellä on ⟦MC:sydämen vajaatoiminta⟧ eikä hän jaksa myöhään.

| Vuoro | Asunto | Asukas | Puhelin |
|---|---|---|---|
| ti 18–19 | A 3 | ⟦P:Ritva Mäki⟧ | ⟦T:040 718 2203⟧ |
| ti 19–20 | B 12 | ⟦P:Seppo Kallio⟧ | ⟦T:050 441 3398⟧ |
| ke 18–19 | B 14 | ⟦P:Tuomas⟧ ja ⟦P:Henna Järvinen⟧ | ⟦E:hjarvinen@posti.example⟧ |
| to 19–20 | C 21 | ⟦P:Onni Lahtinen⟧ | ⟦T:044 902 1187⟧ |

Lisää loppuun, että ⟦P:Ritva Mäelle⟧ voi ilmoittaa vaihtotoiveista.
""",
)
add(
    "pii",
    "fi",
    "potilasasiamies-muistutus",
    "prose",
    """
Haluan tehdä muistutuksen sairaalalle äitini hoidosta. Auta muotoilemaan teksti potilasasiamiehelle.

Potilas: ⟦P:Aino Lehtonen⟧, henkilötunnus ⟦ID@FI:⁅id|FI|1939-06-12|F⁆⟧, osoite ⟦A:Hämeenkatu 22 B 14, 33200 Tampere⟧.
⟦P:Aino Lehtosen⟧ ⟦MC:lonkkamurtuma⟧ todettiin vasta toisella käynnillä, vaikka hän valitti kipua jo ensimmäisellä kerralla. Hänellä on ⟦MED:Marevan⟧-lääkitys, eikä INR-arvoa tarkistettu ennen leikkausta. Yhteyshenkilö: tytär ⟦P:Sari Lehtonen-Koski⟧, ⟦T:044 218 3390⟧.
""",
)
add(
    "pii",
    "cs",
    "prispevek-na-mobilitu-zadost",
    "prose",
    """
Potřebuji napsat žádost o příspěvek na mobilitu pro mámu. Můžeš to učesat?

Žadatelka: ⟦P:Věra Novotná⟧, rodné číslo ⟦ID@CZ:⁅id|CZ|1952-09-08|F⁆⟧, bytem ⟦A:Husova 18, 602 00 Brno⟧.
Mamka má ⟦MC:roztroušenou sklerózu⟧, je odkázaná na ⟦MC:invalidní vozík⟧ a několikrát měsíčně ji vozím na neurologii a na rehabilitace. Průkaz ZTP/P má od loňska. Za ⟦P:Věru Novotnou⟧ vyřizuji věci já, dcera ⟦P:Jana Horáková⟧, tel. ⟦T:604 218 337⟧, e-mail ⟦E:jana.horakova@seznam.example⟧.
""",
)
add(
    "pii",
    "cs",
    "reklamace-vyuctovani-plynu",
    "prose",
    """
Napiš reklamaci vyúčtování plynu. Dodavatel mi spočítal odhad místo skutečného odečtu.

Zákazník: ⟦P:Bohumil Vrána⟧, zákaznické číslo ⟦ACC:2100448173⟧, odběrné místo ⟦A:Palackého 7, 779 00 Olomouc⟧.
Ve vyúčtování za období 1. 10. 2024 – 30. 9. 2025 je uveden odhad 1 480 m³, ale fotka plynoměru ze dne 30. 9. ukazuje stav 11 205 m³, tedy spotřebu 962 m³. Žádám o opravu a vrácení přeplatku na účet ⟦IBAN:⁅iban|CZ⁆⟧. Kontakt: ⟦T:+420 731 448 206⟧.
""",
)
add(
    "pii",
    "hu",
    "nyugdij-lakcimvaltozas-erdely",
    "prose",
    """
Segíts megírni a levelet a Nyugdíjfolyósító Igazgatóságnak: édesanyám Kolozsvárra költözött hozzánk, és oda kell utalni a nyugdíját.

Nyugdíjas: ⟦P:Bartha Erzsébet⟧, születési idő: ⟦DOB:1943. július 11.⟧, román személyi szám (CNP): ⟦ID@RO:⁅id|RO|1943-07-11|F⁆⟧.
Új lakcím: ⟦A:Str. Donát nr. 112, bl. C3, ap. 14, 400293 Cluj-Napoca, Románia⟧.
Bankszámla: ⟦IBAN:⁅iban|RO|BTRL⁆⟧.
Édesanyám ⟦MC:cukorbeteg⟧ és ⟦MC:időskori makuladegenerációja⟧ van, ezért a leveleket kérem ⟦P:Bartha Erzsébetnek⟧ és nekem is küldjék: ⟦P:Szabó Tünde⟧, ⟦T:+40 745 218 330⟧.
""",
)
add(
    "pii",
    "hu",
    "segedeszkoz-kolcsonzes-komarom",
    "form",
    """
A Vöröskereszt segédeszköz-kölcsönzőjétől járókeretet kérnék nagymamámnak Révkomáromban. Átnéznéd a kérőlapot?

Kölcsönző neve: ⟦P:Nagy Ilona⟧
Születési szám: ⟦ID@SK:⁅id|SK|1940-02-26|F⁆⟧
Születési dátum: ⟦DOB:1940. 02. 26.⟧
Lakcím: ⟦A:Eötvösova 14, 945 01 Komárno⟧
Telefon: ⟦T:+421 905 448 217⟧
Indok: ⟦MC:csípőprotézis⟧ műtét után, ⟦MC:járókeret⟧ szükséges kb. 3 hónapig
Átveszi: ⟦P:Nagy Ilonának⟧ az unokája, ⟦P:Kovács Réka⟧
""",
)
add(
    "pii",
    "ro",
    "indemnizatie-insotitor-cerere",
    "form",
    """
Completez cererea pentru indemnizația de însoțitor pentru mama. Poți verifica dacă am trecut tot ce trebuie?

Subsemnatul: ⟦P:Ionuț Vasilescu⟧, CNP ⟦ID@RO:⁅id|RO|1980-01-15|M⁆⟧
În calitate de însoțitor pentru: ⟦P:Mariana Vasilescu⟧, CNP ⟦ID@RO:⁅id|RO|1953-11-30|F⁆⟧, născută la ⟦DOB:30.11.1953⟧
Domiciliu: ⟦A:Str. Republicii nr. 45, bl. A2, sc. 1, ap. 9, 500030 Brașov⟧
Telefon: ⟦T:0744 218 330⟧
Diagnostic din certificatul de handicap: ⟦MC:tetrapareză spastică⟧ post-⟦MC:AVC⟧, grad grav cu asistent personal
Cont pentru plată: ⟦IBAN:⁅iban|RO|RNCB⁆⟧
""",
)
add(
    "pii",
    "ro",
    "inscriere-cantina-sociala",
    "prose",
    """
Scrie o cerere scurtă către Direcția de Asistență Socială pentru înscrierea tatălui meu la cantina socială.

Tatăl meu, ⟦P:Dumitru Lupu⟧, CNP ⟦ID@RO:⁅id|RO|1948-05-06|M⁆⟧, locuiește singur pe ⟦A:Str. Ciocârliei nr. 12, Iași⟧ și are o pensie de 1.480 lei. Are ⟦MC:diabet zaharat de tip 2⟧ cu ⟦MED:insulină⟧ și nu mai poate găti singur după ⟦MC:amputarea degetelor⟧ de la piciorul drept. Are nevoie de meniu pentru diabetici. Telefon: ⟦T:0232 218 440⟧. Eu sunt fiica lui, ⟦P:Carmen Lupu-Ene⟧.
""",
)
add(
    "pii",
    "el",
    "eggrafi-kapi-ilikiomenis",
    "form",
    """
Θέλω να γράψω τη μητέρα μου στο ΚΑΠΗ της γειτονιάς. Μπορείς να ελέγξεις την αίτηση και να μου πεις αν χρειάζεται ιατρική βεβαίωση;

Ονοματεπώνυμο: ⟦P:Παναγιώτα Κωνσταντινίδου⟧
Ημερομηνία γέννησης: ⟦DOB:14/03/1945⟧
ΑΜΚΑ: ⟦ID@GR:⁅id|GR|1945-03-14|F⁆⟧
Διεύθυνση: ⟦A:Αγίου Δημητρίου 42, 546 31 Θεσσαλονίκη⟧
Τηλέφωνο: ⟦T:2310 224 918⟧ — κινητό κόρης: ⟦T:697 441 2280⟧
Προβλήματα υγείας: ⟦MC:σακχαρώδης διαβήτης τύπου 2⟧ (⟦MED:μετφορμίνη⟧), ⟦MC:βαρηκοΐα⟧
Σημείωση: η αίτηση υποβάλλεται από την κόρη της κυρίας ⟦P:Παναγιώτας Κωνσταντινίδου⟧, ⟦P:Δέσποινα Αθανασίου⟧.
""",
)
add(
    "pii",
    "el",
    "koinonikos-tourismos-aitisi",
    "prose",
    """
Βοήθησέ με να συμπληρώσω την αίτηση για το πρόγραμμα κοινωνικού τουρισμού. Θέλω να το γράψεις σαν λίστα.

Δικαιούχος: ⟦P:Γεώργιος Παπαδάκης⟧, ΑΜΚΑ ⟦ID@GR:⁅id|GR|1956-08-22|M⁆⟧, γεν. ⟦DOB:22.08.1956⟧, συνταξιούχος.
Σύζυγος: ⟦P:Ελένη Παπαδάκη⟧, ΑΜΚΑ ⟦ID@GR:⁅id|GR|1959-01-09|F⁆⟧.
Διεύθυνση: ⟦A:Πατησίων 112, 112 57 Αθήνα⟧, τηλ. ⟦T:210 822 4418⟧.
Ο ⟦P:Γιώργος⟧ έχει ⟦MC:καρδιακή ανεπάρκεια⟧ και θέλουμε ξενοδοχείο με ασανσέρ κοντά σε κέντρο υγείας. IBAN για την επιστροφή της συμμετοχής: ⟦IBAN:⁅iban|GR⁆⟧.
""",
)
add(
    "pii",
    "tr",
    "okul-servisi-veli-sozlesmesi",
    "form",
    """
Okul servisi için veli sözleşmesini dolduruyorum. Şoföre iletilecek "sağlık durumu" kısmını daha anlaşılır yazar mısın?

Veli: ⟦P:Elif Demirci⟧, T.C. Kimlik No ⟦ID@TR:⁅id|TR⁆⟧
Öğrenci: ⟦P:Deniz Demirci⟧, doğum tarihi ⟦DOB:17.04.2017⟧, 3-B sınıfı
Adres: ⟦A:Atatürk Mah. Gül Sok. No: 8 D: 5, 34758 Ataşehir/İstanbul⟧
Cep: ⟦T:0532 418 22 90⟧
Sağlık durumu: ⟦P:Deniz⟧'in ⟦MC:epilepsi⟧ tanısı var, sabah ⟦MED:Depakin⟧ alıyor; nöbet olursa yan yatırıp süreyi tutun, beni arayın.
""",
)
add(
    "pii",
    "tr",
    "cimer-hastane-randevu-sikayeti",
    "prose",
    """
CİMER'e hastane randevusu şikâyeti yazacağım. Kısa ve resmî olsun.

Adım ⟦P:Hüseyin Karakuş⟧, T.C. ⟦ID@TR:⁅id|TR⁆⟧, doğum tarihim ⟦DOB:3 Mart 1979⟧. ⟦MC:Multipl skleroz⟧ hastasıyım, ⟦MED:fingolimod⟧ kullanıyorum ve üç ayda bir nöroloji kontrolüm olması gerekiyor. İki aydır MHRS'de randevu bulamıyorum. Adres: ⟦A:Kızılay Mah. Ziya Gökalp Cad. No: 33/12 Çankaya/Ankara⟧. Telefon: ⟦T:0505 331 44 82⟧.
""",
)
add(
    "pii",
    "lt",
    "slaugos-islaidu-kompensacija",
    "prose",
    """
Padėk parašyti prašymą savivaldybei dėl slaugos išlaidų tikslinės kompensacijos mano mamai.

Prašau skirti kompensaciją mano mamai ⟦P:Onai Petrauskienei⟧ (asmens kodas ⟦ID@LT:⁅id|LT|1941-09-19|F⁆⟧, gim. ⟦DOB:1941-09-19⟧). Po ⟦MC:insulto⟧ ⟦P:Ona Petrauskienė⟧ yra gulinti, jai reikalinga nuolatinė slauga, vartoja ⟦MED:apiksabaną⟧. Gyvenamoji vieta: ⟦A:Savanorių pr. 112-15, LT-03150 Vilnius⟧.
Prašymą teikia dukra ⟦P:Rasa Petrauskaitė⟧, tel. ⟦T:8 612 44871⟧, el. p. ⟦E:rasa.petrauskaite@pastas.example⟧.
""",
)
add(
    "pii",
    "lt",
    "daugiabucio-balsavimo-biuletenis",
    "csv",
    """
Surašiau daugiabučio namo savininkų balsavimo dėl stogo remonto rezultatus. Suskaičiuok, kiek balsavo „už“, ir parašyk trumpą protokolą.

butas,savininkas,telefonas,el_pastas,balsas
1,⟦P:Vytautas Vilkas⟧,⟦T:+370 686 21 447⟧,,už
4,⟦P:Danutė Gervienė⟧,⟦T:+370 611 90 338⟧,⟦E:danute.gerviene@pastas.example⟧,prieš
7,⟦P:Mindaugas Žukauskas⟧,,⟦E:m.zukauskas@pastas.example⟧,už
9,⟦P:Irena⟧ ir ⟦P:Algis Kazlauskai⟧,⟦T:+370 698 44 120⟧,,už
12,⟦P:Laima Paukštė⟧,⟦T:+370 620 17 553⟧,,susilaikė
""",
)
# ---------------------------------------------------------------------------
# cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "terraform-cloudflare-b2-provider",
    "code",
    """
terraform plan fails with "Invalid API Token" on the cloudflare provider even though the token works in curl. Here's main.tf — what am I missing?

terraform {
  required_providers {
    cloudflare = { source = "cloudflare/cloudflare", version = "~> 4.40" }
    b2         = { source = "Backblaze/b2", version = "~> 0.9" }
  }
}

provider "cloudflare" {
  api_token = "⟦K:⁅tok|cloudflare⁆⟧"
}

provider "b2" {
  application_key_id = "0051f3c9a7d2e840000000012"
  application_key    = "⟦K:K005⁅tok|alnum|27⁆⟧"
}

resource "b2_bucket" "site_assets" {
  bucket_name = "nightjar-site-assets"
  bucket_type = "allPublic"
}
""",
)
add(
    "cred",
    "en",
    "rclone-conf-dropbox-sftp",
    "ini",
    """
rclone says "didn't find section in config file" for the nas remote. Is the indentation or the name wrong?

[dropbox]
type = dropbox
token = {"access_token":"⟦K:⁅tok|dropbox⁆⟧","token_type":"bearer","refresh_token":"⟦S:⁅tok|alnum|43⁆⟧","expiry":"2025-10-19T21:04:11.52+02:00"}

 [nas]
type = sftp
host = 192.168.1.20
user = ⟦U:marta.kowal⟧
pass = ⟦S:⁅tok|alnum|44⁆⟧
shell_type = unix
""",
)
add(
    "cred",
    "en",
    "msmtprc-gmail-app-password",
    "ini",
    """
cron mails from my Raspberry Pi stopped after I changed the Google password. Is it enough to paste the new app password here, or does msmtp cache something?

defaults
auth           on
tls            on
tls_trust_file /etc/ssl/certs/ca-certificates.crt
logfile        ~/.msmtp.log

account        gmail
host           smtp.gmail.com
port           587
from           ⟦E:deshawn.okoro.pi@gmail.com⟧
user           ⟦E:deshawn.okoro.pi@gmail.com⟧
password       ⟦S:qhzt wmrk plbe cvna⟧

account default : gmail
""",
)
add(
    "cred",
    "en",
    "notebook-rag-openrouter-pinecone",
    "code",
    """
This notebook cell worked yesterday; today Pinecone says the index doesn't exist. Could the environment name be wrong?

import os
from openai import OpenAI
from pinecone import Pinecone

os.environ["OPENROUTER_API_KEY"] = "⟦K:⁅tok|openrouter⁆⟧"
pc = Pinecone(api_key="⟦K:⁅tok|pcsk⁆⟧")
index = pc.Index("thesis-notes")

client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])
emb = client.embeddings.create(model="openai/text-embedding-3-small", input=["chapter 3 summary"])
print(index.query(vector=emb.data[0].embedding, top_k=5))
""",
)
add(
    "cred",
    "en",
    "cloudflare-worker-dev-vars",
    "env",
    """
# .dev.vars for the newsletter worker (wrangler dev). Resend rejects with 403 "domain not verified".
# Is it the key or the FROM address?
RESEND_API_KEY=⟦K:⁅tok|re⁆⟧
TURSO_DATABASE_URL=libsql://newsletter-prod-hollowbrook.turso.io
TURSO_AUTH_TOKEN=⟦K:⁅jwt|{"a":"rw","iat":1760000000,"id":"8c1f0a3e-2f4b-4d8e-9a61-5e0b7c2d9f13"}⁆⟧
SESSION_SECRET=⟦S:⁅tok|hexn|64⁆⟧
FROM_ADDRESS=news@hollowbrook.example
""",
)
add(
    "cred",
    "en",
    "micropython-weather-station-adafruit-io",
    "code",
    """
My Pico W weather station connects to Wi-Fi but the MQTT publish to Adafruit IO never shows up. Code below:

import network, time
from umqtt.simple import MQTTClient

SSID = "Hedgerow-5G"
WIFI_PASSWORD = "⟦S:blackbird-over-the-barn-42⟧"
AIO_USER = "⟦U:lena_kaczmarek⟧"
AIO_KEY = "⟦K:aio_⁅tok|alnum|28⁆⟧"

wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect(SSID, WIFI_PASSWORD)
while not wlan.isconnected():
    time.sleep(0.5)

c = MQTTClient("pico-ws", "io.adafruit.com", user=AIO_USER, password=AIO_KEY, ssl=False)
c.connect()
c.publish(b"⟦U:lena_kaczmarek⟧/feeds/garden-temp", b"14.2")
""",
)
add(
    "cred",
    "en",
    "curl-xai-chat-completion",
    "command",
    """
curl https://api.x.ai/v1/chat/completions -H "Content-Type: application/json" -H "Authorization: Bearer ⟦K:⁅tok|xai⁆⟧" -d '{"model":"grok-3-mini","messages":[{"role":"user","content":"hi"}]}'  → returns 400 "model not found". which model names are valid?
""",
)
add(
    "cred",
    "en",
    "confluence-space-export-script",
    "code",
    """
We're leaving Confluence. This script should export every page of the HR space as storage-format HTML, but it stops after 25 pages. Pagination bug?

import requests

BASE = "https://hollowbrook.atlassian.net/wiki/rest/api"
AUTH = ("⟦E:priyanka.menon@hollowbrook.example⟧", "⟦K:⁅tok|atatt⁆⟧")

def pages(space):
    start = 0
    while True:
        r = requests.get(f"{BASE}/content", params={"spaceKey": space, "limit": 25, "start": start,
                         "expand": "body.storage"}, auth=AUTH, timeout=30)
        r.raise_for_status()
        data = r.json()
        yield from data["results"]
        if "next" not in data["_links"]:
            break
        start += 1

for p in pages("HR"):
    open(f"export/{p['id']}.html", "w").write(p["body"]["storage"]["value"])
""",
)
add(
    "cred",
    "en",
    "rails-apns-initializer",
    "code",
    """
Push notifications work in development but in production Apnotic raises "InvalidProviderToken". Here's the initializer — is the key format the problem?

# config/initializers/apns.rb
APNS_KEY = <<~PEM
⟦PK:⁅ec|pkcs8⁆⟧
PEM

APNS = Apnotic::ConnectionPool.new({
  auth_method: :token,
  cert_path: StringIO.new(APNS_KEY),
  key_id: "7K2QH9XW4M",
  team_id: "R4D8P2L6JN"
}, size: 5)

Sidekiq.configure_server do |config|
  config.redis = { url: "rediss://default:⟦S:⁅pw|24⁆⟧@redis-prod.hollowbrook.internal:6380/2" }
end
""",
)
add(
    "cred",
    "en",
    "postgres-fdw-user-mapping",
    "sql",
    """
The foreign table works for me but not for the reporting role — "user mapping not found for reporting". Do I need a second mapping?

CREATE EXTENSION IF NOT EXISTS postgres_fdw;

CREATE SERVER legacy_crm FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host 'crm-db.internal', port '5432', dbname 'crm');

CREATE USER MAPPING FOR ⟦U:tobias_h⟧ SERVER legacy_crm
  OPTIONS (user 'crm_readonly', password '⟦S:⁅pw|20⁆⟧');

IMPORT FOREIGN SCHEMA public LIMIT TO (accounts, invoices)
  FROM SERVER legacy_crm INTO crm_remote;

GRANT USAGE ON SCHEMA crm_remote TO reporting;
GRANT SELECT ON ALL TABLES IN SCHEMA crm_remote TO reporting;
""",
)
add(
    "cred",
    "en",
    "sms-provider-debug-log",
    "kv-log",
    """
Our SMS sends started failing with 401 after a deploy. Found this at debug level — is the auth header built wrong?

2025-10-20T08:14:02.118Z level=debug svc=notify msg="outgoing request" method=POST url=https://api.plivo.com/v1/Account/MAODUZYTQ0Y2FMYJBLOW/Message/ header.Authorization="Basic ⟦S:⁅tok|alnum|76⁆⟧"
2025-10-20T08:14:02.120Z level=debug svc=notify msg="config" plivo_auth_id=MAODUZYTQ0Y2FMYJBLOW plivo_auth_token=⟦K:⁅tok|alnum|40⁆⟧ sender_id=HBNOTIFY
2025-10-20T08:14:02.341Z level=error svc=notify msg="send failed" status=401 body="{\\"error\\": \\"authentication failed\\"}" attempt=1
""",
)
add(
    "cred",
    "en",
    "continue-dev-config-json",
    "json",
    """
My Continue extension only shows the Mistral model, not Claude. Here's ~/.continue/config.json:

{
  "models": [
    {
      "title": "Claude",
      "provider": "anthropic",
      "model": "claude-sonnet-4-5",
      "apiKey": "⟦K:⁅tok|anthropic⁆⟧"
    }
    {
      "title": "Codestral",
      "provider": "mistral",
      "model": "codestral-latest",
      "apiKey": "⟦K:⁅tok|mistral⁆⟧"
    }
  ],
  "tabAutocompleteModel": {"title": "Codestral", "provider": "mistral", "model": "codestral-latest"}
}
""",
)
add(
    "cred",
    "en",
    "npmrc-two-registries",
    "ini",
    """
npm install pulls @hollowbrook/ui from the public registry instead of GitHub Packages and 404s. My project .npmrc:

registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken=⟦K:⁅tok|npm⁆⟧
@hollowbrook:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=⟦K:⁅tok|ghp⁆⟧
always-auth=true
""",
)
add(
    "cred",
    "en",
    "powershell-graph-mailbox-report",
    "code",
    """
This scheduled task should mail a report of shared mailboxes, but Connect-MgGraph throws AADSTS7000215 (invalid client secret). The secret was rotated last week — what else should I check?

$TenantId     = "6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c"
$ClientId     = "b8e4d2c1-7a6f-4e3b-9d0c-2f1e3a4b5c6d"
$ClientSecret = "⟦K:Q~8⁅tok|alnum|37⁆⟧"
$Secure = ConvertTo-SecureString $ClientSecret -AsPlainText -Force
$Cred   = New-Object System.Management.Automation.PSCredential($ClientId, $Secure)
Connect-MgGraph -TenantId $TenantId -ClientSecretCredential $Cred

$PfxPassword = ConvertTo-SecureString "⟦S:Marigold#Ledger2025⟧" -AsPlainText -Force
Import-PfxCertificate -FilePath C:\\ops\\report-signing.pfx -CertStoreLocation Cert:\\CurrentUser\\My -Password $PfxPassword
""",
)
add(
    "cred",
    "en",
    "aws-credentials-file-profiles",
    "ini",
    """
aws s3 ls works with --profile personal but the sso-dev profile says "ExpiredToken". Can I just delete the session token line? This is ~/.aws/credentials:

[default]
aws_access_key_id = ⟦K:⁅tok|akia⁆⟧
aws_secret_access_key = ⟦K:⁅tok|aws_secret⁆⟧

[personal]
aws_access_key_id = ⟦K:⁅tok|akia#2⁆⟧
aws_secret_access_key = ⟦K:⁅tok|aws_secret#2⁆⟧
region = eu-west-2

[sso-dev]
aws_access_key_id = ⟦K:ASIA⁅tok|upnum|16⁆⟧
aws_secret_access_key = ⟦K:⁅tok|aws_secret#3⁆⟧
aws_session_token = ⟦K:IQoJb3JpZ2luX2VjE⁅tok|alnum|180⁆⟧
""",
)
add(
    "cred",
    "en",
    "phishing-reply-already-sent",
    "prose",
    """
I think I messed up. I got an e-mail "from my bank" saying my card was locked, and I replied before thinking. This is what I sent:

"Hello, my online banking ID is ⟦U:ROSSITER4471⟧ and my password is ⟦S:Pembroke*Lane1988⟧. The code you sent to my phone was ⟦S:604218⟧. The card is ⟦CC:⁅card|visa⁆⟧, expiry 09/27, security code ⟦S:318⟧. Please unlock it today, I'm travelling. — ⟦P:Evelyn Rossiter⟧, ⟦T:07512 663904⟧"

What should I do right now, in order? Who do I call first?
""",
)
add(
    "cred",
    "en",
    "printer-wifi-special-characters",
    "prose",
    """
Printer won't join Wi-Fi "Kittiwake_Home", password ⟦S:Sea&Salt_"Gull"/9⟧ — are the quotes the problem?
""",
)
add(
    "cred",
    "en",
    "ssh-key-permissions-too-open",
    "command",
    """
ssh keeps ignoring my key. Output below (I pasted the key too so you can check it's the right type):

$ ssh -i ~/.ssh/id_ed25519 deploy@build-03.hollowbrook.example
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
Permissions 0644 for '/home/⟦U:osagie⟧/.ssh/id_ed25519' are too open.
This private key will be ignored.
$ cat ~/.ssh/id_ed25519
⟦PK:⁅ed25519|openssh|osagie@thinkpad⁆⟧
""",
)
add(
    "cred",
    "en",
    "kubernetes-secret-manifest",
    "yaml",
    """
kubectl apply says "illegal base64 data at input byte 12" for this Secret. I mixed data and stringData — which one is broken?

apiVersion: v1
kind: Secret
metadata:
  name: billing-api
  namespace: billing
type: Opaque
stringData:
  DB_USER: billing_svc
  DB_PASSWORD: "⟦S:⁅pw|22⁆⟧"
  STRIPE_SECRET_KEY: "⟦K:⁅tok|rk_live⁆⟧"
data:
  JWT_SIGNING_KEY: ⟦S:⁅tok|alnum|12⁆-⁅tok|alnum|30⁆⟧
  SENTRY_AUTH_TOKEN: ⟦K:⁅tok|sntryu⁆⟧
""",
)
add(
    "cred",
    "en",
    "proxmox-lxc-tailscale-setup",
    "command",
    """
This is how I set up Tailscale in an unprivileged LXC on Proxmox. The container joins, but subnet routes never show as approved. What flag am I missing?

pct exec 112 -- bash -c 'curl -fsSL https://tailscale.com/install.sh | sh'
pct exec 112 -- tailscale up --authkey=⟦K:tskey-auth-⁅tok|alnum|12⁆CNTRL-⁅tok|alnum|33⁆⟧ --advertise-routes=192.168.50.0/24 --hostname=pve-router
pct exec 112 -- tailscale status
""",
)
add(
    "cred",
    "en",
    "sops-age-key-decrypt-error",
    "command",
    """
sops can't decrypt our secrets file on my new laptop: "no identity matched any of the recipients". I copied keys.txt from the old one:

$ cat ~/.config/sops/age/keys.txt
# created: 2024-11-02T10:41:07+01:00
# public key: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
⟦PK:⁅age⁆⟧
$ sops -d secrets/prod.enc.yaml
Failed to get the data key required to decrypt the SOPS file.
""",
)
add(
    "cred",
    "en",
    "mobile-app-401-request",
    "http",
    """
Android build gets 401 on this call, iOS works. Captured with Charles — spot the difference?

GET /api/v3/me/orders?status=open HTTP/2
Host: api.hollowbrook-grocer.example
Authorization: Bearer ⟦S:⁅jwt|{"sub":"u_20931","email":"aiko.brandt@example.com","exp":1760995200}⁆⟧
X-Api-Key: ⟦K:⁅tok|alnum|32⁆⟧
X-App-Version: 5.12.0 (android)
Cookie: hb_session=⟦S:⁅tok|hexn|48⁆⟧; consent=1
Accept: application/json
""",
)
add(
    "cred",
    "en",
    "excel-vba-sql-server-connection",
    "code",
    """
This macro used to refresh the sales sheet from SQL Server; since the server move it fails with "Login failed for user". Is the connection string format OK for the new named instance?

Sub RefreshSales()
    Dim cn As Object, rs As Object
    Set cn = CreateObject("ADODB.Connection")
    cn.Open "Provider=MSOLEDBSQL;Data Source=SQL02\\SALES;Initial Catalog=SalesDW;" & _
            "User ID=⟦U:dmitri.kuznetsov⟧;Password=⟦S:Sn0wdrop!March⟧;Encrypt=Optional;"
    Set rs = cn.Execute("SELECT Region, SUM(Net) FROM dbo.Sales WHERE FY = 2025 GROUP BY Region")
    Sheets("Sales").Range("A2").CopyFromRecordset rs
    rs.Close: cn.Close
End Sub
""",
)
add(
    "cred",
    "en",
    "dotnet-appsettings-json",
    "json",
    """
dotnet run throws "Format of the initialization string does not conform to specification" at startup. appsettings.Production.json:

{
  "ConnectionStrings": {
    "Default": "Server=tcp:hb-sql.database.windows.net,1433;Database=orders;User ID=orders_app;Password=⟦S:⁅pw|18⁆⟧;Encrypt=True;"
  },
  "SendGrid": { "ApiKey": "⟦K:⁅tok|sendgrid⁆⟧", "From": "orders@hollowbrook.example" },
  "Jwt": { "Issuer": "hollowbrook", "SigningKey": "⟦S:⁅tok|b64_32⁆⟧" },
  "Logging": { "LogLevel": { "Default": "Warning" } }
}
""",
)
add(
    "cred",
    "en",
    "cloudfront-signed-url-key-format",
    "prose",
    """
I'm trying to generate CloudFront signed URLs in Node with @aws-sdk/cloudfront-signer. The key-pair ID is K2JCJMDEHXQW5F and this is the private key from the key group setup (I generated it with openssl genrsa). getSignedUrl throws "error:1E08010C:DECODER routines::unsupported". Is it the wrong format, do I need PKCS#8?

⟦PK:⁅rsa|2048|pkcs1⁆⟧

The code just reads it with fs.readFileSync("./cf-private.pem", "utf8").
""",
)
# ---------------------------------------------------------------------------
# cred — other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "de",
    "steam-konto-wiederherstellung-sohn",
    "prose",
    """
Mein Sohn ⟦P:Leon⟧ (13) ist auf einen gefälschten „Gratis-Skin“-Link reingefallen und kommt nicht mehr in seinen Steam-Account. Kannst du mir eine Nachricht an den Steam-Support auf Englisch schreiben? Folgendes wissen wir:
- Accountname: ⟦U:fuchsbau_leon⟧
- hinterlegte E-Mail: ⟦E:leon.fuchs2012@webpost.example⟧
- letztes Passwort, das er selbst gesetzt hat: ⟦S:Drachenzahn!2019⟧ (funktioniert nicht mehr, der Angreifer hat es geändert)
- Steam-Guard-Wiederherstellungscode von damals: ⟦S:R48WQ⟧
- letzter Kauf: Guthabenkarte über 20 €, Beleg habe ich
Die Mail an Steam soll von mir kommen, ⟦P:Sabine Fuchs⟧, als Mutter.
""",
)
add(
    "cred",
    "de",
    "paperless-ngx-compose",
    "yaml",
    """
Paperless-ngx startet, aber der Webserver meldet „password authentication failed for user paperless“. Ich habe das DB-Passwort geändert — muss ich das Volume neu anlegen?

services:
  db:
    image: postgres:16
    environment:
      POSTGRES_DB: paperless
      POSTGRES_USER: paperless
      POSTGRES_PASSWORD: ⟦S:⁅pw|20⁆⟧   # neu gesetzt am Sonntag
    volumes: [pgdata:/var/lib/postgresql/data]
  webserver:
    image: ghcr.io/paperless-ngx/paperless-ngx:2.13
    environment:
      PAPERLESS_DBHOST: db
      PAPERLESS_DBPASS: ⟦S:⁅pw|20#alt⁆⟧   # altes Passwort, noch nicht angepasst
      PAPERLESS_SECRET_KEY: ⟦S:⁅tok|alnum|50⁆⟧
      PAPERLESS_ADMIN_USER: ⟦U:ulrike.brandes⟧
      PAPERLESS_ADMIN_PASSWORD: ⟦S:Kontoauszug-Ordner-7⟧
      PAPERLESS_OCR_LANGUAGE: deu
volumes:
  pgdata:
""",
)
add(
    "cred",
    "fr",
    "bac-blanc-pdf-mot-de-passe",
    "prose",
    """
Peux-tu reformuler ce message aux collègues pour qu'il soit plus clair et plus court ?

« Bonjour à tous, le sujet du bac blanc de maths est déposé dans le dossier partagé de l'équipe. Le PDF est protégé : mot de passe ⟦S:Thales-Juin-2025⟧. Le corrigé est dans une archive à part, mot de passe ⟦S:corrige_BB_4e8q⟧, à ne surtout pas transmettre aux élèves avant jeudi 16 h. Si le fichier ne s'ouvre pas, appelez-moi au ⟦T:06 41 27 88 03⟧. Bonne semaine, ⟦P:Hélène Rigaud⟧ »
""",
)
add(
    "cred",
    "fr",
    "symfony-env-local",
    "env",
    """
# .env.local de notre appli Symfony — les mails ne partent plus depuis la mise en prod.
# Est-ce que le format du DSN Mailjet est bon ?
APP_ENV=prod
APP_SECRET=⟦S:⁅tok|hexn|32⁆⟧
DATABASE_URL="mysql://atelier_app:⟦S:⁅pw|18⁆⟧@127.0.0.1:3306/atelier?serverVersion=8.0.36&charset=utf8mb4"
MAILER_DSN=mailjet+api://⟦K:⁅tok|hex32⁆⟧:⟦K:⁅tok|hex32#2⁆⟧@default
OAUTH_GOOGLE_CLIENT_ID=418022917733-q8f2h0d7a1kc9e5m3n6p4r2t8v0w1x3y.apps.googleusercontent.com
OAUTH_GOOGLE_CLIENT_SECRET=⟦K:⁅tok|gocspx⁆⟧
""",
)
add(
    "cred",
    "es",
    "mensaje-llegada-piso-turistico",
    "prose",
    """
Tradúceme al inglés este mensaje de bienvenida para los huéspedes que llegan mañana, con tono cercano:

«¡Hola! Soy ⟦P:Nuria⟧, la anfitriona. El piso está en ⟦A:C/ Sant Pere Més Alt 31, 3º 2ª, 08003 Barcelona⟧. La caja de llaves está junto al portal, código ⟦S:4719⟧. El portal se abre con ⟦S:2580#⟧. Wi-Fi: red «Terrat_31», contraseña ⟦S:llimoner-blau-77⟧. Si tenéis cualquier problema, escribidme por WhatsApp al ⟦T:655 21 48 09⟧. ¡Disfrutad!»
""",
)
add(
    "cred",
    "es",
    "odoo-conf-migracion",
    "ini",
    """
Migramos Odoo 16 a 17 en un servidor nuevo y al entrar en /web/database/manager dice que la contraseña maestra es incorrecta. Este es el odoo.conf:

[options]
admin_passwd = ⟦S:⁅pw|16⁆⟧
db_host = localhost
db_port = 5432
db_user = odoo
db_password = ⟦S:⁅pw|16#2⁆⟧
addons_path = /opt/odoo/addons,/opt/odoo/custom-addons
smtp_server = smtp.ionos.es
smtp_user = facturas@ferreteriacasals.example
smtp_password = ⟦S:Tornillo_2024!⟧
proxy_mode = True
""",
)
add(
    "cred",
    "it",
    "galleria-foto-matrimonio-password",
    "prose",
    """
Puoi tradurre in inglese questo messaggio del fotografo? È per i parenti dello sposo che vivono a Dublino.

"Cari ⟦P:Chiara⟧ e ⟦P:Davide⟧, la galleria online del vostro matrimonio è pronta! Trovate tutte le foto su galleria.studioluce.example/cd-0906. Password di accesso: ⟦S:Limoni&Tramonto25⟧. Per scaricare le foto in alta risoluzione vi servirà anche il PIN ⟦S:8841⟧. Potete condividere la password con gli invitati, ma il PIN tenetelo per voi. Un abbraccio, ⟦P:Stefano Galli⟧"
""",
)
add(
    "cred",
    "it",
    "whatsapp-cloud-api-avvisi-condominio",
    "code",
    """
Lo script per mandare gli avvisi del condominio su WhatsApp restituisce errore 131030 ("recipient not in allowed list"). Cosa devo configurare?

import requests

TOKEN = "⟦K:⁅tok|meta⁆⟧"
VERIFY_TOKEN = "⟦S:⁅tok|alnum|24⁆⟧"
PHONE_NUMBER_ID = "318442017709521"
CONDOMINI = {
    "int. 3": "⟦T:+39 347 221 0948⟧",   # ⟦P:Ferraris⟧
    "int. 7": "⟦T:+39 333 418 7720⟧",   # ⟦P:Colombo Marisa⟧
}

def avvisa(numero, testo):
    url = f"https://graph.facebook.com/v20.0/{PHONE_NUMBER_ID}/messages"
    body = {"messaging_product": "whatsapp", "to": numero.replace(" ", ""), "type": "text", "text": {"body": testo}}
    return requests.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)

for interno, numero in CONDOMINI.items():
    print(interno, avvisa(numero, "Martedì 14 chiusura acqua dalle 9 alle 12.").status_code)
""",
)
add(
    "cred",
    "pt",
    "convite-gravacao-podcast",
    "prose",
    """
Revisa essa mensagem pra convidada do podcast? Quero que fique simpática mas profissional.

"Oi ⟦P:Renata⟧! Tudo certo pra quinta às 19h? A gravação vai ser pelo Zoom: ID da reunião 845 2210 9934, senha ⟦S:podcafe25⟧. Se eu atrasar, entra e assume como anfitriã com a chave ⟦S:604417⟧ — assim a gravação começa no horário. Qualquer coisa, meu WhatsApp é ⟦T:(11) 97342-8810⟧. Beijo, ⟦P:Thiago⟧"
""",
)
add(
    "cred",
    "pt",
    "curl-mercado-pago-pagamento",
    "command",
    """
Esse curl pra criar um pagamento PIX no Mercado Pago volta "invalid identification number". O CPF está errado ou é o formato?

curl -X POST https://api.mercadopago.com/v1/payments -H "Authorization: Bearer ⟦K:⁅tok|mercadopago⁆⟧" -H "Content-Type: application/json" -H "X-Idempotency-Key: 7f1c9a2e-pedido-20931" -d '{"transaction_amount": 189.90, "payment_method_id": "pix", "payer": {"email": "⟦E:luana.teixeira@provedor.example⟧", "first_name": "⟦P:Luana⟧", "identification": {"type": "CPF", "number": "⟦ID@BR:⁅id|BR⁆⟧"}}}'
""",
)
add(
    "cred",
    "nl",
    "ouderlijk-toezicht-codes",
    "prose",
    """
We willen voor onze zoon de schermtijd beter regelen. Kun je uitleggen hoe ik met Gezinsdeling een dagelijkse limiet instel? Dit hebben we nu:
- Schermtijd-toegangscode op zijn iPad: ⟦S:2716⟧
- pincode ouderlijk toezicht op de Switch: ⟦S:4093⟧
- Apple ID van ⟦P:Daan⟧: ⟦E:daan.smit2014@icloud.com⟧, wachtwoord ⟦S:Voetbal!Oranje14⟧
Hij weet de Schermtijd-code volgens mij al, dus die wil ik ook veranderen.
""",
)
add(
    "cred",
    "nl",
    "mollie-moneybird-koppeling-php",
    "code",
    """
Betalingen komen binnen via Mollie, maar de factuur in Moneybird wordt niet op "betaald" gezet. Dit is onze koppeling:

<?php
$mollie = new \\Mollie\\Api\\MollieApiClient();
$mollie->setApiKey('⟦K:⁅tok|mollie⁆⟧');

const MONEYBIRD_TOKEN = '⟦K:⁅tok|hex64⁆⟧';
const MONEYBIRD_ADMIN = '412209885617210834';

$payment = $mollie->payments->get($_POST['id']);
if ($payment->isPaid()) {
    $factuur = $payment->metadata->moneybird_invoice_id;
    $ch = curl_init("https://moneybird.com/api/v2/" . MONEYBIRD_ADMIN . "/sales_invoices/$factuur/payments.json");
    curl_setopt($ch, CURLOPT_HTTPHEADER, ['Authorization: Bearer ' . MONEYBIRD_TOKEN]);
    curl_setopt($ch, CURLOPT_POSTFIELDS, ['payment' => ['price' => $payment->amount->value]]);
    curl_exec($ch);
}
""",
)
add(
    "cred",
    "pl",
    "usos-haslo-tymczasowe",
    "prose",
    """
Pomóż mi napisać uprzejmego maila do działu IT uczelni.

Dzień dobry, nie mogę zalogować się do USOSweb. Mój login to ⟦U:k.zielinska7⟧. Wczoraj dostałam hasło tymczasowe ⟦S:Tmp-8842-Kx⟧, zalogowałam się i ustawiłam nowe: ⟦S:Wisła*Kraków2025⟧. Dziś system nie przyjmuje ani nowego, ani tymczasowego hasła. Proszę o reset. ⟦P:Karolina Zielińska⟧, nr albumu ⟦ACC:412877⟧, tel. ⟦T:512 338 904⟧.
""",
)
add(
    "cred",
    "pl",
    "przelewy24-env-sklep",
    "env",
    """
# .env naszego sklepu — po przejściu na produkcję P24 zwraca "Incorrect CRC".
# Czy CRC ma być z panelu produkcyjnego czy z sandboxa?
P24_MERCHANT_ID=241887
P24_POS_ID=241887
P24_CRC=⟦K:⁅tok|hexn|16⁆⟧
P24_API_KEY=⟦K:⁅tok|hex32⁆⟧
P24_SANDBOX=false
DATABASE_URL=postgresql://sklep:⟦S:⁅pw|20⁆⟧@localhost:5432/sklep
""",
)
add(
    "cred",
    "sv",
    "bitlocker-aterstallningsnyckel",
    "prose",
    """
Min jobbdator startar bara till en blå skärm som frågar efter BitLocker-återställningsnyckeln. IT-supporten sms:ade den här: ⟦S:233453-683320-108757-284636-469260-034815-052228-592064⟧. Mitt användarnamn är ⟦U:ebba.lindqvist⟧ om det spelar någon roll. Skärmen visar nyckel-ID 7C41… — stämmer det? Och hur skriver jag bindestrecken, tangentbordet verkar vara amerikanskt på den skärmen?
""",
)
add(
    "cred",
    "sv",
    "swish-fortnox-integration-yaml",
    "yaml",
    """
Vår integration Swish → Fortnox slutade fungera efter att certifikatet förnyades. Här är config.yaml — är lösenfrasen fel eller sökvägen?

swish:
  merchant_alias: "1231884402"
  cert_path: /etc/butik/swish/Swish_Merchant_2025.p12
  cert_passphrase: "⟦S:Kanelbulle-Mars-2025⟧"
  callback_url: https://butik.example/swish/callback
fortnox:
  client_id: "Pq7dK2mZ8wXr"
  client_secret: "⟦K:⁅tok|alnum|16⁆⟧"
  refresh_token: "⟦S:⁅tok|hexn|40⁆⟧"
  scopes: [invoice, payment]
""",
)
add(
    "cred",
    "fi",
    "veracrypt-tunnuslause-muistiinpano",
    "prose",
    """
Minulla on VeraCrypt-säiliö, jossa on vanhat verotiedostot. En muista, kumpi tunnuslause on oikea: ⟦S:Revontulet-Inari-1987⟧ vai ⟦S:revontulet_inari_87⟧. Kokeilin molempia, mutta saan virheen "Incorrect password or not a VeraCrypt volume". Voiko PIM-arvo vaikuttaa tähän? Muistaakseni laitoin PIM:ksi jotain, mutta en ole varma.
""",
)
add(
    "cred",
    "fi",
    "verkkokauppa-config-json",
    "json",
    """
Verkkokaupan config.json — Klarna palauttaa 401, mutta Posti toimii. Mikä tässä on vialla?

{
  "posti": {"apiKey": "⟦K:⁅tok|alnum|40⁆⟧", "customerNumber": "900288174"},
  "klarna": {"region": "eu", "username": "K418822_f3a9b1c2d4e5", "password": "⟦K:klarna_live_api_⁅tok|alnum|46⁆⟧"},
  "webhook": {
    "signingKey": "⟦PK:⁅ed25519|pkcs8|esc⁆⟧"
  }
}
""",
)
add(
    "cred",
    "cs",
    "zapomenute-heslo-excel-vyplaty",
    "prose",
    """
Mám zaheslovaný Excel s výplatami z roku 2022 a nevzpomenu si na heslo. Zkoušel jsem ⟦S:Vyplaty2022!⟧, ⟦S:vyplaty_2022⟧ a ⟦S:Ucetni#22⟧, nic nefunguje. Soubor je můj, dělal jsem ho já jako účetní firmy. Jak postupovat, abych nepřišel o data? Díky, ⟦P:Radek⟧
""",
)
add(
    "cred",
    "cs",
    "gopay-config-neon",
    "yaml",
    """
Po nasazení na produkci GoPay vrací "invalid_client". Tady je config.local.neon:

parameters:
	gopay:
		goId: 8591226473
		clientId: 1628844901
		clientSecret: ⟦K:⁅tok|alnum|8⁆⟧
		isProductionMode: true
	database:
		dsn: 'mysql:host=127.0.0.1;dbname=eshop'
		user: eshop
		password: ⟦S:⁅pw|16⁆⟧
""",
)
add(
    "cred",
    "hu",
    "keepass-mesterjelszo-emlekezteto",
    "prose",
    """
A KeePass mesterjelszavam ⟦S:Balaton-nyár-1998-Kecskemét⟧. Félek, hogy elfelejtem. Segítenél kitalálni egy emlékeztető mondatot, amiből eszembe jut, de más nem tudja kitalálni belőle? Az adatbázisban van a Gmail-em, a banki belépés és az ügyfélkapu is.
""",
)
add(
    "cred",
    "hu",
    "szamlazz-barion-php",
    "code",
    """
A webshop Barion-fizetés után nem állítja ki a számlát a Számlázz.hu-n. Ezt a kódot írta a fejlesztő:

<?php
define('SZAMLAZZ_AGENT_KEY', '⟦K:⁅tok|lownum|42⁆⟧');
define('BARION_POSKEY', '⟦K:⁅tok|hex32⁆⟧');
define('BARION_PAYEE', 'penztar@keramiamuhely.example');

$barion = new BarionClient(BARION_POSKEY, 2, BarionEnvironment::Prod);
$state = $barion->GetPaymentState($_GET['paymentId']);
if ($state->Status === 'Succeeded') {
    $agent = SzamlaAgentAPI::create(SZAMLAZZ_AGENT_KEY);
    $agent->generateInvoice(szamlaFromOrder($state->PaymentRequestId));
}
""",
)
add(
    "cred",
    "ro",
    "token-semnatura-spv-contabila",
    "prose",
    """
Contabila mea, doamna ⟦P:Irina Pop⟧, mi-a cerut să-i dau PIN-ul tokenului de semnătură electronică (⟦S:739104⟧) și datele de intrare în SPV: utilizator ⟦U:andrei.munteanu84⟧, parolă ⟦S:Carpati!2024⟧, ca să depună declarațiile în locul meu. E sigur să i le trimit pe WhatsApp? Nu ar fi mai bine o împuternicire? Explică-mi pe scurt variantele.
""",
)
add(
    "cred",
    "ro",
    "smartbill-netopia-config-php",
    "code",
    """
Plățile prin Netopia trec, dar factura din SmartBill nu se mai generează de când am schimbat cheia privată. Config-ul magazinului:

<?php
return [
    'smartbill' => [
        'user'  => '⟦E:ana.dobre@atelierdobre.example⟧',
        'token' => '⟦K:⁅tok|hex32⁆⟧',
        'cif'   => 'RO41872260',
        'serie' => 'ADB',
    ],
    'netopia' => [
        'signature'   => 'V9K2-7QHD-4LMB-8TXA-1RZC',
        'public_cert' => __DIR__ . '/netopia/live.cer',
        'private_key' => <<<KEY
⟦PK:⁅rsa|2048|pkcs8⁆⟧
KEY,
    ],
];
""",
)
add(
    "cred",
    "el",
    "allagi-kodikou-ebanking",
    "prose",
    """
Μόλις άλλαξα τον κωδικό μου στο e-banking από ⟦S:Kalamata#1979⟧ σε ⟦S:Kalamata#1980⟧. Το όνομα χρήστη μου είναι ⟦U:nkaragianni⟧. Η τράπεζα λέει ότι ο νέος κωδικός είναι «ισχυρός», αλλά εγώ ανησυχώ. Είναι πραγματικά ασφαλής; Πώς να φτιάξω έναν καλύτερο που να τον θυμάμαι;
""",
)
add(
    "cred",
    "el",
    "viva-wallet-token-aitima",
    "http",
    """
Το αίτημα για access token στη Viva επιστρέφει 400 "unsupported_grant_type". Τι κάνω λάθος;

POST /connect/token HTTP/1.1
Host: accounts.vivapayments.com
Authorization: Basic ⟦S:⁅tok|alnum|88⁆⟧
Content-Type: application/json

{"grant_type": "client_credentials", "scope": "urn:viva:payments:core:api:redirectcheckout"}
""",
)
add(
    "cred",
    "tr",
    "kargo-dolabi-ve-kapi-sifresi",
    "prose",
    """
Komşuma kısa bir mesaj yazar mısın? Kargom bugün apartmanın önündeki kargo dolabına bırakılmış, ben de şehir dışındayım.

"⟦P:Gülsüm⟧ Hanım merhaba, kargom 3 numaralı dolapta, teslim alma kodu ⟦S:583209⟧. Dış kapının şifresi ⟦S:1907*⟧. Paketi rica etsem sizde durabilir mi? Adres ⟦A:Bağdat Cad. No: 214 D: 9, Kadıköy/İstanbul⟧. Telefonum ⟦T:0533 207 41 86⟧. Çok teşekkürler, ⟦P:Selin⟧"
""",
)
add(
    "cred",
    "tr",
    "iyzico-csharp-odeme",
    "code",
    """
iyzico ödeme formu canlı ortamda "api bilgileri bulunamadı" hatası veriyor. C# kodumuz şöyle:

var options = new Iyzipay.Options
{
    ApiKey = "⟦K:⁅tok|alnum|32⁆⟧",
    SecretKey = "⟦K:⁅tok|alnum|32#2⁆⟧",
    BaseUrl = "https://sandbox-api.iyzipay.com"
};
var request = new CreateCheckoutFormInitializeRequest
{
    Locale = Locale.TR.ToString(),
    Price = "349.90",
    PaidPrice = "349.90",
    Currency = Currency.TRY.ToString(),
    CallbackUrl = "https://magaza.example/odeme/sonuc"
};
""",
)
add(
    "cred",
    "lt",
    "pirkimo-dokumentu-archyvo-slaptazodis",
    "prose",
    """
Padėk suformuluoti oficialų laišką pirkimų specialistei. Dokumentus jau išsiuntėme ZIP archyvu, o slaptažodį reikia nusiųsti atskirai.

„Laba diena, gerb. ⟦P:Giedre Jankauskiene⟧, vakar pateikėme pasiūlymą viešajam pirkimui Nr. 771204. Archyvo slaptažodis: ⟦S:Pušynas-2025-Vilnius⟧. Jei archyvo nepavyktų atidaryti, skambinkite ⟦T:8 686 31 204⟧. Pagarbiai, ⟦P:Tomas Kairys⟧“
""",
)
add(
    "cred",
    "lt",
    "gluetun-mattermost-compose",
    "yaml",
    """
Mattermost konteineris neprisijungia prie duomenų bazės, kai paleidžiu jį per gluetun tinklą. Ar čia dėl network_mode?

services:
  vpn:
    image: qmcgaw/gluetun
    cap_add: [NET_ADMIN]
    environment:
      VPN_SERVICE_PROVIDER: mullvad
      VPN_TYPE: wireguard
      WIREGUARD_PRIVATE_KEY: ⟦PK:⁅wg⁆⟧
      WIREGUARD_ADDRESSES: 10.66.41.17/32
  db:
    image: postgres:15
    environment:
      POSTGRES_USER: mmuser
      POSTGRES_PASSWORD: ⟦S:⁅pw|24⁆⟧
  mattermost:
    image: mattermost/mattermost-team-edition:10.1
    network_mode: "service:vpn"
    environment:
      MM_SQLSETTINGS_DATASOURCE: postgres://mmuser:⟦S:⁅pw|24⁆⟧@db:5432/mattermost?sslmode=disable
""",
)
# ---------------------------------------------------------------------------
# benign — English (nothing private; written to look sensitive)
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "sherlock-holmes-walking-tour",
    "prose",
    """
I'm guiding a Sherlock Holmes walking tour for a book club on Saturday. Can you write the script for three stops: the Sherlock Holmes Museum at 221B Baker Street (where Mrs Hudson "kept house" for Holmes and Dr John Watson), the statue outside Baker Street station, and The Sherlock Holmes pub on Northumberland Street? Add a line on Arthur Conan Doyle — born 22 May 1859 in Edinburgh — and on Inspector Lestrade, and end with a quiz question about Irene Adler.
""",
)
add(
    "benign",
    "en",
    "apollo-11-crew-assembly",
    "prose",
    """
For a primary school assembly on the Moon landing, write three short "who were they?" cards: Neil Armstrong (born August 5, 1930, in Wapakoneta, Ohio), Buzz Aldrin (born January 20, 1930, in Glen Ridge, New Jersey) and Michael Collins (born October 31, 1930, in Rome). Mention the call signs Columbia and Eagle, the landing on 20 July 1969 at 20:17 UTC, and that Collins stayed in lunar orbit.
""",
)
add(
    "benign",
    "en",
    "password-policy-validator-review",
    "code",
    """
Can you review this password-policy check? I think the length rule is off by one and the token comparison isn't constant-time.

import hmac
import os
import re

MIN_LENGTH = 12
secret_key = os.environ["APP_SECRET_KEY"]

def validate_password(password: str, username: str) -> list[str]:
    errors = []
    if len(password) < MIN_LENGTH - 1:
        errors.append("too short")
    if username.lower() in password.lower():
        errors.append("contains username")
    if not re.search(r"[0-9]", password):
        errors.append("needs a digit")
    return errors

def check_reset_token(token: str, expected: str) -> bool:
    return token == expected  # TODO: hmac.compare_digest
""",
)
add(
    "benign",
    "en",
    "1966-world-cup-final-lineup",
    "markdown-table",
    """
Turn this into a short quiz for the pub (10 questions, answers at the end):

| No. | Player | Position |
|---|---|---|
| 1 | Gordon Banks | GK |
| 2 | George Cohen | RB |
| 5 | Jack Charlton | CB |
| 6 | Bobby Moore (c) | CB |
| 3 | Ray Wilson | LB |
| 4 | Nobby Stiles | MF |
| 9 | Bobby Charlton | MF |
| 7 | Alan Ball | MF |
| 16 | Martin Peters | MF |
| 21 | Roger Hunt | FW |
| 10 | Geoff Hurst | FW |

Final: England 4–2 West Germany (a.e.t.), Wembley, 30 July 1966. Manager: Alf Ramsey. Hurst scored a hat-trick.
""",
)
add(
    "benign",
    "en",
    "adult-census-dataset-fairness",
    "prose",
    """
I'm using the UCI Adult (census income) dataset for a fairness exercise. Columns: age, workclass, fnlwgt, education, education-num, marital-status, occupation, relationship, race, sex, capital-gain, capital-loss, hours-per-week, native-country, income (>50K / <=50K). 48,842 rows from the 1994 Current Population Survey. Which columns count as protected attributes, and how should I handle the "?" values in workclass and native-country before computing demographic parity?
""",
)
add(
    "benign",
    "en",
    "reading-group-isbn-order",
    "prose",
    """
Our library reading group wants these editions so page numbers match. Can you turn it into an order e-mail to the bookshop?

- Pride and Prejudice, Penguin Classics — ISBN 978-0-14-143951-8
- To Kill a Mockingbird, Harper Perennial — ISBN 978-0-06-112008-4
- The Great Gatsby, Scribner — ISBN 978-0-7432-7356-5
- Nineteen Eighty-Four, Plume — ISBN 978-0-452-28423-4
- The Hitchhiker's Guide to the Galaxy, Pan — ISBN 978-0-330-25864-7
Eight copies each, collection by 15 November.
""",
)
add(
    "benign",
    "en",
    "flutter-input-masks",
    "code",
    """
My Flutter form masks don't allow deleting the last character. Here are the formatters:

final phoneMask = MaskTextInputFormatter(mask: '(###) ###-####', filter: {"#": RegExp(r'[0-9]')});
final cardMask  = MaskTextInputFormatter(mask: '#### #### #### ####', filter: {"#": RegExp(r'[0-9]')});
final dobMask   = MaskTextInputFormatter(mask: '##/##/####', filter: {"#": RegExp(r'[0-9]')});
final postMask  = MaskTextInputFormatter(mask: 'AA## #AA', filter: {"A": RegExp(r'[A-Za-z]'), "#": RegExp(r'[0-9]')});

TextFormField(inputFormatters: [phoneMask], decoration: InputDecoration(hintText: '(555) 555-5555'));
TextFormField(inputFormatters: [cardMask], decoration: InputDecoration(hintText: '0000 0000 0000 0000'));
""",
)
add(
    "benign",
    "en",
    "furniture-delivery-rebooking",
    "prose",
    """
Write a short message to rebook a furniture delivery. Order number 1412285504, placed 3 October. Items: PAX wardrobe frame 100x58x236 cm (article 902.145.76), two HASVIK sliding doors (article 503.910.59) and the KOMPLEMENT drawer set. The slot on 21 October (07:00–12:00) no longer works; any weekday morning the week after is fine. Delivery fee was £39 and assembly wasn't booked.
""",
)
add(
    "benign",
    "en",
    "python-image-upgrade-versions",
    "prose",
    """
We're moving our base image from python:3.12.7-slim-bookworm to python:3.13.0-slim-bookworm. Pinned: pip 24.2, numpy 2.1.2, pandas 2.2.3, psycopg 3.2.3, uvicorn 0.32.0, FastAPI 0.115.2. Which of these need a bump for 3.13 wheels, and is there anything in the 3.13 changelog (the free-threaded build, the new REPL, removal of the cgi module) that could bite a web service?
""",
)
add(
    "benign",
    "en",
    "garden-club-plant-poem",
    "prose",
    """
Write a light poem for the garden club's newsletter that walks through the borders in order: Rose by the gate, Holly on the north wall, Ivy on the shed, Iris at the pond, Daisy in the lawn, then Heather, Jasmine and Sweet William in the August bed. Mention that May was wet, June was glorious, and that Marigold and Basil did best in the raised beds.
""",
)
add(
    "benign",
    "en",
    "victoria-sponge-conversion",
    "prose",
    """
Please convert this Victoria sponge to US cups and Fahrenheit and scale it for a 9-inch pan: 225 g butter, 225 g caster sugar, 4 large eggs, 225 g self-raising flour, 2 tbsp milk, two 20 cm tins, 180 °C (160 °C fan) for 20–25 minutes. Filling: 100 g butter, 140 g icing sugar, 340 g jar of raspberry jam.
""",
)
add(
    "benign",
    "en",
    "empire-state-building-visit",
    "prose",
    """
We're in New York for a day with two kids. Plan the morning around the Empire State Building (20 W 34th St, New York, NY 10001; main line +1 212-736-3100) with the 86th-floor deck at opening time, then walk to the New York Public Library's Stephen A. Schwarzman Building (476 Fifth Avenue) and Bryant Park. Lunch under $60 for four.
""",
)
add(
    "benign",
    "en",
    "stripe-docs-test-keys",
    "prose",
    """
Following the Stripe quick-start, the docs show sk_test_4eC39HqLyjWDarjtT1zdp7dc and pk_test_TYooMQauvdEDq54NiTphI7jx as example keys, and the test card 4242 4242 4242 4242 with any future expiry and CVC 123. My payment succeeds in test mode but the webhook never fires locally. Do I need `stripe listen --forward-to localhost:4242/webhook` running, and which event should I subscribe to for a one-off Checkout payment?
""",
)
add(
    "benign",
    "en",
    "florence-nightingale-essay",
    "prose",
    """
Help my Year 9 daughter plan an essay: "Was Florence Nightingale more important as a nurse or as a statistician?" Facts we have: born 12 May 1820 in Florence, went to Scutari in 1854 with 38 nurses, the "rose diagram" of 1858, founded the Nightingale Training School at St Thomas' Hospital (Westminster Bridge Road, London) in 1860, died 13 August 1910. Give her a paragraph plan and two counter-arguments.
""",
)
add(
    "benign",
    "en",
    "gatsby-seminar-questions",
    "prose",
    """
Write six seminar questions on The Great Gatsby about place and class: Jay Gatsby's mansion in West Egg, Tom and Daisy Buchanan's house across the bay in East Egg, Nick Carraway's rented bungalow, George and Myrtle Wilson's garage in the valley of ashes, and the Plaza Hotel scene. One question should be on Meyer Wolfsheim and one on Jordan Baker's golf tournament.
""",
)
add(
    "benign",
    "en",
    "big-three-grand-slam-table",
    "csv",
    """
Make a chart-ready summary from this and say who had the most titles by age 30:

player,born,birthplace,slams,australian,french,wimbledon,us
Roger Federer,1981-08-08,Basel,20,6,1,8,5
Rafael Nadal,1986-06-03,Manacor,22,2,14,2,4
Novak Djokovic,1987-05-22,Belgrade,24,10,3,7,4
Serena Williams,1981-09-26,Saginaw,23,7,3,7,6
""",
)
add(
    "benign",
    "en",
    "compose-env-references",
    "yaml",
    """
Does this compose file leak any secrets into the image? I only reference variables and secret files.

services:
  api:
    build: .
    environment:
      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db:5432/app
      JWT_SECRET_FILE: /run/secrets/jwt_secret
      SMTP_PASSWORD: ${SMTP_PASSWORD:?set SMTP_PASSWORD}
    secrets: [jwt_secret]
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/pg_password
    secrets: [pg_password]
secrets:
  jwt_secret:
    file: ./secrets/jwt_secret.txt
  pg_password:
    file: ./secrets/pg_password.txt
""",
)
add(
    "benign",
    "en",
    "users-table-schema-review",
    "sql",
    """
Review this schema for a small SaaS. Is storing the api token hash enough, and should date_of_birth be nullable?

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         CITEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    password_hash TEXT NOT NULL,          -- argon2id
    date_of_birth DATE,
    phone_e164    TEXT CHECK (phone_e164 ~ '^\\+[1-9][0-9]{7,14}$'),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT REFERENCES users(id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL,
    last4      CHAR(4) NOT NULL,
    expires_at TIMESTAMPTZ
);
""",
)
add(
    "benign",
    "en",
    "api-docs-example-request",
    "http",
    """
Our API docs show this example. A reader asked whether they should literally send "Bearer YOUR_ACCESS_TOKEN". Can you rewrite the example so it's obvious what to replace?

POST /v1/shipments HTTP/1.1
Host: api.example.com
Authorization: Bearer YOUR_ACCESS_TOKEN
Idempotency-Key: <uuid>
Content-Type: application/json

{"to": {"name": "Jane Doe", "line1": "123 Example Street", "city": "Anytown", "postcode": "AB1 2CD"}, "parcel": {"weight_kg": 1.2}}
""",
)
add(
    "benign",
    "en",
    "metformin-side-effects-general",
    "prose",
    """
For a leaflet (no patient): common side effects of metformin, and why take it with meals?
""",
)
add(
    "benign",
    "en",
    "crossword-clues-famous-homes",
    "prose",
    """
Check my cryptic crossword clues and answers, all on famous homes:
1. Elvis's Memphis mansion, a land of grace (9) — GRACELAND
2. Churchill's house in Kent, ten chart-toppers (9) — CHARTWELL
3. Grace Kelly became princess of it (6) — MONACO
4. Jane Austen's Hampshire village, a horn around (7) — CHAWTON
5. Where the Brontës lived, a Yorkshire haw (5) — HAWORTH
Do the wordplay and lengths work?
""",
)
add(
    "benign",
    "en",
    "ci-build-log-digests",
    "kv-log",
    """
Why did this build pull a different base image than yesterday's?

2025-10-18T06:02:11Z step=checkout sha=4f9c2e1b7a83d60519ef2c4d8b7a1e03f65c9d2a ref=refs/heads/main
2025-10-18T06:02:40Z step=build image=node:22.11.0-alpine3.20 digest=sha256:5a6c8f0e9d1b2a3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4
2025-10-18T06:04:55Z step=test framework=vitest version=2.1.3 passed=412 failed=0 duration_s=91.4
2025-10-18T06:05:30Z step=push tag=registry.example.com/shop/web:1.48.2 digest=sha256:0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70
2025-10-17T06:02:39Z step=build image=node:22.11.0-alpine3.20 digest=sha256:9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a291
""",
)
add(
    "benign",
    "en",
    "paris-2024-medal-table",
    "csv",
    """
Add a column with medals per million inhabitants and sort by it:

rank,noc,gold,silver,bronze,total
1,United States,40,44,42,126
2,China,40,27,24,91
3,Japan,20,12,13,45
4,Australia,18,19,16,53
5,France,16,26,22,64
6,Netherlands,15,7,12,34
7,Great Britain,14,22,29,65
""",
)
add(
    "benign",
    "en",
    "museum-contacts-geojson",
    "json",
    """
Validate this GeoJSON for our city-break app — the map shows the Louvre in the sea.

{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "British Museum", "address": "Great Russell St, London WC1B 3DG", "phone": "+44 20 7323 8000"}, "geometry": {"type": "Point", "coordinates": [-0.1269, 51.5194]}},
 {"type": "Feature", "properties": {"name": "Musée du Louvre", "address": "Rue de Rivoli, 75001 Paris", "phone": "+33 1 40 20 50 50"}, "geometry": {"type": "Point", "coordinates": [48.8606, 2.3376]}},
 {"type": "Feature", "properties": {"name": "Rijksmuseum", "address": "Museumstraat 1, 1071 XX Amsterdam", "phone": "+31 20 674 7000"}, "geometry": {"type": "Point", "coordinates": [4.8852, 52.36]}}
]}
""",
)
add(
    "benign",
    "en",
    "beatles-childhood-homes-quiz",
    "prose",
    """
Make a 10-question Beatles quiz for a Liverpool coach trip. Use: John Lennon born 9 October 1940 and raised by his Aunt Mimi at Mendips, 251 Menlove Avenue; Paul McCartney born 18 June 1942, family home at 20 Forthlin Road (both houses are National Trust now); George Harrison born 25 February 1943 at 12 Arnold Grove; Ringo Starr born Richard Starkey on 7 July 1940 at 9 Madryn Street. Include the Cavern Club on Mathew Street.
""",
)
add(
    "benign",
    "en",
    "k8s-deployment-secretkeyref",
    "yaml",
    """
Our security scanner flags this Deployment for "hardcoded credentials". Is that a false positive?

apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
spec:
  template:
    spec:
      containers:
        - name: payments
          image: registry.example.com/payments:2.7.1
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: payments-db, key: password}
            - name: API_TOKEN
              valueFrom:
                secretKeyRef: {name: payments-psp, key: token}
            - name: PASSWORD_MIN_LENGTH
              value: "14"
""",
)
add(
    "benign",
    "en",
    "non-secret-env-file",
    "env",
    """
# .env committed to the repo — reviewer asked if anything here should be moved to the vault.
PORT=3000
NODE_ENV=production
LOG_LEVEL=info
TZ=Europe/London
DEFAULT_LOCALE=en-GB
PUBLIC_BASE_URL=https://shop.example.com
MAX_UPLOAD_MB=25
SESSION_COOKIE_NAME=sid
TOKEN_TTL_SECONDS=3600
PASSWORD_MIN_LENGTH=12
FEATURE_FLAGS=new-checkout,gift-cards
""",
)
add(
    "benign",
    "en",
    "job-application-form-template",
    "form",
    """
Translate this blank application form into Polish and Romanian, keeping the blanks and the layout:

APPLICATION FOR EMPLOYMENT
Full name: ______________________
Date of birth: __ / __ / ____
National Insurance number: __ __ __ __ __
Address: ________________________  Postcode: ________
Telephone: ______________  E-mail: _____________@__________
Do you need any adjustments for the interview?  Yes / No
Emergency contact name and number: ______________________
Signature: ______________   Date: __ / __ / ____
""",
)
add(
    "benign",
    "en",
    "ssh-keygen-openssl-flags",
    "command",
    """
Explain what each flag does in these two commands from our onboarding doc, and whether -nodes is a bad idea:

ssh-keygen -t ed25519 -a 100 -C "work laptop" -f ~/.ssh/id_ed25519_work
openssl req -new -newkey rsa:4096 -nodes -keyout server.key -out server.csr -subj "/C=GB/ST=London/O=Example Ltd/CN=www.example.com"
""",
)
add(
    "benign",
    "en",
    "php-ini-session-settings",
    "ini",
    """
Which of these php.ini settings matter for session security behind a TLS-terminating proxy?

memory_limit = 256M
upload_max_filesize = 20M
post_max_size = 24M
date.timezone = "Europe/Dublin"
session.cookie_secure = 1
session.cookie_httponly = 1
session.cookie_samesite = "Lax"
session.use_strict_mode = 1
session.gc_maxlifetime = 1440
expose_php = Off
""",
)
# ---------------------------------------------------------------------------
# benign — other languages
# ---------------------------------------------------------------------------
add(
    "benign",
    "de",
    "goethe-haus-frankfurt-besuch",
    "prose",
    """
Ich plane mit meiner 8. Klasse einen Vormittag im Goethe-Haus (Großer Hirschgraben 23–25, 60311 Frankfurt am Main). Schreib mir bitte ein Arbeitsblatt mit zehn Fragen: Goethe wurde am 28. August 1749 in diesem Haus geboren, seine Schwester Cornelia, das Puppentheater, der „Werther“ von 1774. Eine Frage soll Faust und Mephisto betreffen.
""",
)
add(
    "benign",
    "de",
    "bash-backup-passwort-aus-umgebung",
    "code",
    """
Ist das so sicher? Das Passwort soll nie im Skript oder in der History stehen.

#!/usr/bin/env bash
set -euo pipefail
: "${BACKUP_PASSWORT:?BACKUP_PASSWORT ist nicht gesetzt}"
if [[ -z "${API_TOKEN:-}" ]]; then
  read -rsp "API-Token: " API_TOKEN; echo
fi
tar czf - /srv/daten | gpg --batch --pinentry-mode loopback --passphrase-fd 3 -c 3<<<"$BACKUP_PASSWORT" > /backup/daten.tgz.gpg
curl -fsS -H "Authorization: Bearer ${API_TOKEN}" -T /backup/daten.tgz.gpg https://backup.example.com/upload
""",
)
add(
    "benign",
    "fr",
    "maison-victor-hugo-notre-dame",
    "prose",
    """
Prépare une sortie scolaire pour des 4e à la Maison de Victor Hugo, 6 place des Vosges (Paris 4e). Victor Hugo est né le 26 février 1802 à Besançon. Je voudrais un questionnaire sur Notre-Dame de Paris : Quasimodo, Esmeralda, Claude Frollo et le capitaine Phœbus, avec une question sur l'incendie de 2019 et la réouverture de la cathédrale en décembre 2024.
""",
)
add(
    "benign",
    "fr",
    "tour-de-france-2024-classement",
    "markdown-table",
    """
Rédige un court article de blog à partir de ce classement général final :

| Rang | Coureur | Équipe | Temps |
|---|---|---|---|
| 1 | Tadej Pogačar | UAE Team Emirates | 83 h 38 min 56 s |
| 2 | Jonas Vingegaard | Visma–Lease a Bike | + 6 min 17 s |
| 3 | Remco Evenepoel | Soudal Quick-Step | + 9 min 18 s |
| 4 | João Almeida | UAE Team Emirates | + 19 min 3 s |

Arrivée à Nice, contre-la-montre, le 21 juillet 2024.
""",
)
add(
    "benign",
    "es",
    "guia-lectura-quijote",
    "prose",
    """
Hazme una guía de lectura para 1.º de Bachillerato sobre la primera parte del Quijote: Alonso Quijano y su transformación, Sancho Panza, Dulcinea del Toboso (Aldonza Lorenzo), el cura y el barbero, Rocinante. Cervantes fue bautizado el 9 de octubre de 1547 en Alcalá de Henares; la primera parte se publicó en 1605. Incluye cinco preguntas sobre el episodio de los molinos.
""",
)
add(
    "benign",
    "es",
    "alineacion-final-champions-2024",
    "prose",
    """
Escribe una crónica breve (150 palabras) de la final de la Champions 2024 en Wembley con esta alineación del Real Madrid: Courtois; Carvajal, Nacho, Rüdiger, Mendy; Kroos, Camavinga, Valverde, Bellingham; Vinícius Júnior y Rodrygo. Goles: Carvajal (74') y Vinícius (83'). Resultado 2-0 ante el Borussia Dortmund. Fue el último partido de Kroos con el club.
""",
)
add(
    "benign",
    "it",
    "carbonara-per-otto",
    "prose",
    """
Devo fare la carbonara per 8 persone. La mia ricetta per 4 è: 320 g di spaghetti, 150 g di guanciale, 4 tuorli più 1 uovo intero, 50 g di pecorino romano, pepe nero. Raddoppiala, dimmi quanta acqua serve (litri) e se conviene usare due padelle da 28 cm o una da 36 cm.
""",
)
add(
    "benign",
    "it",
    "tema-leonardo-da-vinci",
    "prose",
    """
Mio figlio in seconda media deve fare un tema su Leonardo da Vinci. Aiutalo con una scaletta: nato il 15 aprile 1452 ad Anchiano, vicino a Vinci; bottega del Verrocchio a Firenze; il Cenacolo a Milano; la Gioconda (Lisa Gherardini); morto ad Amboise il 2 maggio 1519. Tre idee per un finale originale.
""",
)
add(
    "benign",
    "pt",
    "biografia-amalia-rodrigues",
    "prose",
    """
Escreve uma pequena biografia de Amália Rodrigues para um folheto turístico: nasceu em Lisboa em 1920 (ela celebrava o aniversário a 1 de julho), "Rainha do Fado", "Barco Negro" e "Estranha Forma de Vida", a Casa-Museu na Rua de São Bento 193, e o Panteão Nacional desde 2001. Máximo 120 palavras.
""",
)
add(
    "benign",
    "pt",
    "esquema-tabela-clientes",
    "sql",
    """
Revisa este esquema? Quero garantir que nunca guardamos a senha em texto e que o CPF fica mascarado nos relatórios.

CREATE TABLE clientes (
    id               SERIAL PRIMARY KEY,
    nome_completo    VARCHAR(200) NOT NULL,
    cpf              CHAR(11) NOT NULL UNIQUE,
    data_nascimento  DATE,
    email            VARCHAR(254) NOT NULL,
    senha_hash       VARCHAR(255) NOT NULL,
    telefone         VARCHAR(20)
);

CREATE VIEW relatorio_clientes AS
SELECT id, nome_completo, '***.' || SUBSTRING(cpf, 4, 3) || '.***-**' AS cpf_mascarado
FROM clientes;
""",
)
add(
    "benign",
    "nl",
    "rembrandthuis-schoolreis",
    "prose",
    """
Maak een speurtocht voor groep 7 in het Rembrandthuis (Jodenbreestraat 4, Amsterdam). Rembrandt van Rijn werd op 15 juli 1606 in Leiden geboren; zijn vrouw Saskia van Uylenburgh; zijn zoon Titus. Neem ook een vraag op over De Nachtwacht in het Rijksmuseum en de schutterij van kapitein Frans Banninck Cocq.
""",
)
add(
    "benign",
    "nl",
    "ajax-finale-1995-opstelling",
    "prose",
    """
Schrijf een nostalgisch stukje voor de clubkrant over de finale van 24 mei 1995 in Wenen. Opstelling Ajax: Van der Sar; Reiziger, Blind, Frank de Boer, Rijkaard; Seedorf, Davids, Litmanen; Finidi George, Ronald de Boer, Overmars. Invallers: Kluivert (maakte in de 85e minuut de 1-0 tegen AC Milan) en Kanu. Trainer: Louis van Gaal.
""",
)
add(
    "benign",
    "pl",
    "sklodowska-curie-muzeum",
    "prose",
    """
Przygotuj krótką prelekcję dla uczniów przed wizytą w Muzeum Marii Skłodowskiej-Curie (ul. Freta 16, Warszawa). Maria Skłodowska urodziła się 7 listopada 1867 r. w tym domu, dwie Nagrody Nobla (1903 i 1911), polon nazwany na cześć Polski, mąż Piotr Curie, córka Irena Joliot-Curie. Dodaj trzy pytania quizowe.
""",
)
add(
    "benign",
    "pl",
    "kursy-walut-tabela",
    "csv",
    """
Policz średni kurs EUR i USD w tym tygodniu i napisz jedno zdanie komentarza do newslettera:

data,tabela,EUR,USD,CHF
2025-10-13,198/A/NBP/2025,4.2581,3.6712,4.5733
2025-10-14,199/A/NBP/2025,4.2604,3.6839,4.5812
2025-10-15,200/A/NBP/2025,4.2552,3.6598,4.5789
2025-10-16,201/A/NBP/2025,4.2498,3.6431,4.5902
2025-10-17,202/A/NBP/2025,4.2517,3.6384,4.6015
""",
)
add(
    "benign",
    "sv",
    "pippi-junibacken-utflykt",
    "prose",
    """
Skriv en kort text till föräldrarna inför förskolans utflykt till Junibacken (Galärvarvsvägen 8, Stockholm). Nämn Pippi Långstrump och Villa Villekulla, Herr Nilsson och Lilla Gubben, Tommy och Annika, och att Astrid Lindgren föddes den 14 november 1907 på gården Näs utanför Vimmerby. Bussen går 09.15.
""",
)
add(
    "benign",
    "sv",
    "allsvenskan-tabell",
    "csv",
    """
Gör en kort analys av toppstriden utifrån tabellen:

lag,spelade,vinster,oavgjorda,förluster,mål,poäng
Malmö FF,30,20,7,3,58-26,67
Hammarby IF,30,17,7,6,52-29,58
AIK,30,16,6,8,44-33,54
Djurgårdens IF,30,15,7,8,50-34,52
Mjällby AIF,30,14,8,8,41-31,50
""",
)
add(
    "benign",
    "fi",
    "sibelius-ainola-vierailu",
    "prose",
    """
Kirjoita lyhyt esittely kuorolaisille ennen retkeä Ainolaan Järvenpäähän. Jean Sibelius syntyi 8. joulukuuta 1865 Hämeenlinnassa, Aino Sibelius suunnitteli talon puutarhan, Finlandia sävellettiin 1899, ja pariskunta on haudattu Ainolan puutarhaan. Lisää kaksi kysymystä Kullervosta.
""",
)
add(
    "benign",
    "fi",
    "getpass-kirjautumisskripti",
    "code",
    """
Tarkista tämä komentoriviskripti: kysyykö se salasanan turvallisesti, ja tallentuuko token minnekään levylle?

import getpass
import os
import requests

kayttaja = os.environ.get("PALVELU_KAYTTAJA") or input("Käyttäjätunnus: ")
salasana = getpass.getpass("Salasana: ")
vastaus = requests.post("https://api.example.com/login", json={"user": kayttaja, "password": salasana}, timeout=10)
token = vastaus.json()["token"]
print("Kirjautuminen onnistui, tokenin pituus:", len(token))
""",
)
add(
    "benign",
    "cs",
    "prazsky-orloj-vyklad",
    "prose",
    """
Napiš výklad pro průvodce na pět minut o Pražském orloji (Staroměstské náměstí 1, Praha 1). Orloj byl podle dnešních poznatků sestrojen roku 1410 Mikulášem z Kadaně, legenda o mistru Hanušovi, apoštolové se ukazují každou celou hodinu od 9 do 23 a kalendářní deska je od Josefa Mánesa.
""",
)
add(
    "benign",
    "cs",
    "svickova-pro-osm",
    "prose",
    """
Přepočítej mi svíčkovou na 8 porcí. Původně: 1 kg hovězí svíčkové, 150 g slaniny, 2 mrkve, 1 petržel, 1/4 celeru, 1 cibule, 200 ml smetany ke šlehání, 2 lžíce octa, bobkový list, nové koření. Pečeme při 160 °C asi 2,5 hodiny. Kolik knedlíků počítat?
""",
)
add(
    "benign",
    "hu",
    "aranycsapat-wembley-1953",
    "prose",
    """
Írj egy rövid cikket az iskolaújságba a 6:3-as wembleyi meccsről (1953. november 25.). Összeállítás: Grosics — Buzánszky, Lóránt, Lantos — Bozsik, Zakariás — Budai, Kocsis, Hidegkuti, Puskás, Czibor. Hidegkuti mesterhármast szerzett, Puskás Ferenc 1927. április 1-jén született Budapesten. Szövetségi kapitány: Sebes Gusztáv.
""",
)
add(
    "benign",
    "hu",
    "rubik-kocka-algoritmus",
    "prose",
    """
Magyarázd el egy 10 évesnek, mit jelent ez a jelölés: R U R' U' (a „sexy move“), és hogyan kell az első réteg sarkait a helyükre tenni. Írj egy bevezető mondatot arról, hogy Rubik Ernő 1974-ben találta fel a kockát, és hogy a 3×3-as kockának 43 252 003 274 489 856 000 állása van.
""",
)
add(
    "benign",
    "ro",
    "eminescu-casa-memoriala-ipotesti",
    "prose",
    """
Pregătește un material pentru o excursie cu clasa a VIII-a la Memorialul Ipotești. Mihai Eminescu s-a născut la 15 ianuarie 1850 la Botoșani și și-a petrecut copilăria la Ipotești; „Luceafărul” a apărut în 1883; a murit la 15 iunie 1889. Adaugă cinci întrebări despre Cătălina și Hyperion.
""",
)
add(
    "benign",
    "ro",
    "conversie-unitati-python",
    "code",
    """
Poți verifica funcțiile astea de conversie? Rezultatul pentru 98,6 °F nu pare corect.

def fahrenheit_in_celsius(f):
    return f - 32 * 5 / 9

def mile_in_km(mile):
    return mile * 1.609344

def livre_in_kg(livre):
    return livre * 0.45359237

print(fahrenheit_in_celsius(98.6), mile_in_km(26.2), livre_in_kg(150))
""",
)
add(
    "benign",
    "el",
    "mouseio-akropolis-episkepsi",
    "prose",
    """
Οργάνωσε μια πρωινή επίσκεψη για την Γ' Γυμνασίου στο Μουσείο Ακρόπολης (Διονυσίου Αρεοπαγίτου 15, Αθήνα, τηλ. 210 900 0900). Θέλω ένα φύλλο εργασίας για τις Καρυάτιδες, τη ζωφόρο του Παρθενώνα και τον Μοσχοφόρο, και μια ερώτηση για τον Φειδία και τον Περικλή.
""",
)
add(
    "benign",
    "el",
    "odysseia-perilipsi",
    "prose",
    """
Γράψε μια περίληψη 150 λέξεων της Οδύσσειας για παιδιά δημοτικού: ο Οδυσσέας, η Πηνελόπη που υφαίνει και ξηλώνει το πανί, ο Τηλέμαχος, ο Κύκλωπας Πολύφημος, η Κίρκη, η Καλυψώ και ο πιστός σκύλος Άργος. Τελείωσε με την επιστροφή στην Ιθάκη.
""",
)
add(
    "benign",
    "tr",
    "masumiyet-muzesi-gezisi",
    "prose",
    """
Edebiyat kulübü için Masumiyet Müzesi gezisine bir tanıtım metni yaz (Çukurcuma Cad., Dalgıç Çıkmazı 2, Beyoğlu/İstanbul). Orhan Pamuk 7 Haziran 1952'de İstanbul'da doğdu; romandaki Kemal ve Füsun'un hikâyesi ve 4.213 sigara izmariti vitrini mutlaka geçsin. Metin 100 kelimeyi aşmasın.
""",
)
add(
    "benign",
    "tr",
    "galatasaray-2000-uefa-finali",
    "prose",
    """
17 Mayıs 2000'deki UEFA Kupası finalini anlatan kısa bir yazı hazırla. Galatasaray kadrosu: Taffarel; Capone, Popescu, Bülent Korkmaz, Ergün Penbe; Okan Buruk, Suat Kaya, Ümit Davala, Hagi; Hakan Şükür, Arif Erdem. Teknik direktör Fatih Terim. Maç Kopenhag'da 0-0 bitti, penaltılarda 4-1 kazanıldı.
""",
)
add(
    "benign",
    "lt",
    "signataru-namai-ekskursija",
    "prose",
    """
Parašyk trumpą ekskursijos aprašymą į Signatarų namus (Pilies g. 26, Vilnius), kur 1918 m. vasario 16 d. buvo pasirašytas Nepriklausomybės Aktas. Paminėk Joną Basanavičių (gimė 1851 m. lapkričio 23 d.), Antaną Smetoną ir tai, kad Akto originalas rastas 2017 m. Berlyne.
""",
)
add(
    "benign",
    "lt",
    "siltnamio-jutikliu-zurnalas",
    "kv-log",
    """
Šiltnamio jutikliai naktį siuntė keistus duomenis. Ar čia jutiklio gedimas, ar tikrai buvo šalna? Žurnalas:

2025-10-12T02:00:04+03:00 device=esp32-siltnamis-1 mac=24:6F:28:A1:3C:90 fw=1.4.2 temp_c=3.8 rh=91 soil=42
2025-10-12T02:30:04+03:00 device=esp32-siltnamis-1 mac=24:6F:28:A1:3C:90 fw=1.4.2 temp_c=-41.0 rh=0 soil=42 err=E_SENSOR_TIMEOUT
2025-10-12T03:00:05+03:00 device=esp32-siltnamis-1 mac=24:6F:28:A1:3C:90 fw=1.4.2 temp_c=1.9 rh=93 soil=41
2025-10-12T03:00:06+03:00 device=esp32-lauke mac=24:6F:28:B7:02:1E fw=1.4.2 temp_c=-1.2 rh=88 battery_v=3.61
""",
)

if __name__ == "__main__":
    build(PROMPTS, HERE / "fresh21.jsonl", seed=SPLIT_SEED, id_prefix=ID_PREFIX)
