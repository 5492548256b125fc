#!/usr/bin/env python3
"""Build the 'fresh20' privacy-filter evaluation corpus (twentieth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

Unlike fresh19, the synthetic values that must be random (provider tokens,
passwords in configs that look machine-made, national ids with check digits,
IBANs, cards, private keys) are not pasted in as literals: they are written as
generator slots ``⁅kind|arg|…⁆`` inside the markers and filled at build time
from one ``random.Random(2020)``, in the order the slots appear in this file.
National ids are built from the birth date and sex written in the prompt and
completed with ``python-stdnum`` (the check digit is searched until
``is_valid`` accepts the number), so they always agree with the text. Inside
one prompt the same slot text always gives the same value (``#2`` style tags
make a second, different value). Names, e-mails, phones, addresses, dates and
hand-typed passwords are literals.

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script holds the prompts and
the generators, assigns the ids ``x-0001`` … and writes fresh20.jsonl next to
this file with split seed 2020.

Run:  python build.py [--stats]   (needs python-stdnum, phonenumbers, cryptography)
"""

import base64
import datetime
import hashlib
import hmac
import importlib
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
from _corpus_tools import add_prompt, build

SEED = 2020
SPLIT_SEED = 2020
ID_PREFIX = "x"
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
DIGITS = string.digits
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def rnd(alphabet, n):
    return "".join(RNG.choice(alphabet) for _ in range(n))


def rbytes(n):
    return bytes(RNG.getrandbits(8) for _ in range(n))


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _valid(module, value):
    return importlib.import_module("stdnum." + module).is_valid(value)


def _complete(module, make, suffixes=DIGITS, tries=400):
    """Draw a random body with ``make()`` and append the first suffix that validates."""
    for _ in range(tries):
        body = make()
        for s in suffixes:
            if _valid(module, body + s):
                return body + s
    raise RuntimeError(f"no valid {module}")


def _d(iso):
    return datetime.date.fromisoformat(iso)


def _yymmdd(d):
    return f"{d.year % 100:02d}{d.month:02d}{d.day:02d}"


def _ddmmyy(d):
    return f"{d.day:02d}{d.month:02d}{d.year % 100:02d}"


def _digits(n):
    return rnd(DIGITS, n)


def _group(s, sizes, sep=" "):
    out, i = [], 0
    for n in sizes:
        out.append(s[i : i + n])
        i += n
    return sep.join(out)


# --- national ids -----------------------------------------------------------
def g_pesel(iso, sex):
    d = _d(iso)
    month = d.month + {18: 80, 19: 0, 20: 20}[d.year // 100]

    def make():
        serial = _digits(3) + RNG.choice("13579" if sex == "m" else "02468")
        return f"{d.year % 100:02d}{month:02d}{d.day:02d}{serial}"

    return _complete("pl.pesel", make)


def g_bsn(fmt="plain"):
    v = _complete("nl.bsn", lambda: RNG.choice("12346") + _digits(7))
    return _group(v, (4, 2, 3), ".") if fmt == "dots" else v


def g_cpf():
    v = _complete("br.cpf", lambda: _digits(9), [f"{i:02d}" for i in range(100)])
    return f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}"


def g_nif_pt(first="2"):
    v = _complete("pt.nif", lambda: first + _digits(7))
    return v


def g_dni_es(fmt="plain"):
    v = _complete("es.dni", lambda: _digits(8), string.ascii_uppercase)
    return f"{v[:8]}-{v[8]}" if fmt == "dash" else v


def g_nie_es():
    return _complete("es.nie", lambda: RNG.choice("XYZ") + _digits(7), string.ascii_uppercase)


_CF_MONTHS = "ABCDEHLMPRST"


def _cf_part(word, is_name):
    word = re.sub(r"[^A-Z]", "", word.upper())
    cons = [c for c in word if c not in "AEIOU"]
    vow = [c for c in word if c in "AEIOU"]
    if is_name and len(cons) >= 4:
        cons = [cons[0], cons[2], cons[3]]
    return ("".join(cons + vow) + "XXX")[:3]


def g_cf(surname, name, iso, sex, comune):
    d = _d(iso)
    day = d.day + (40 if sex == "f" else 0)
    body = (
        _cf_part(surname, False)
        + _cf_part(name, True)
        + f"{d.year % 100:02d}{_CF_MONTHS[d.month - 1]}{day:02d}{comune}"
    )
    return _complete("it.codicefiscale", lambda: body, string.ascii_uppercase, tries=1)


def g_cpr(iso, sex):
    d = _d(iso)

    # 4th digit of the serial by century: 0-3 for 1900-1999 always allowed
    def make():
        return _ddmmyy(d) + RNG.choice("0123") + _digits(2)

    v = _complete("dk.cpr", make, "13579" if sex == "m" else "02468")
    return f"{v[:6]}-{v[6:]}"


def g_nir(iso, sex, dept):
    d = _d(iso)
    body = f"{1 if sex == 'm' else 2}{d.year % 100:02d}{d.month:02d}{dept}{_digits(3)}{_digits(3)}"
    import stdnum.fr.nir as nir

    v = body + nir.calc_check_digits(body)
    assert nir.is_valid(v)
    return f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]} {v[13:]}"


def g_idnr(fmt="plain"):
    v = _complete("de.idnr", lambda: RNG.choice("123456789") + _digits(9), tries=4000)
    return _group(v, (2, 3, 3, 3)) if fmt == "spaced" else v


def g_nn(iso, sex):
    d = _d(iso)

    def make():
        serial = RNG.randrange(1, 499) * 2 + (1 if sex == "m" else 0)
        serial = min(serial, 997)
        return f"{_yymmdd(d)}{serial:03d}"

    v = _complete("be.nn", make, [f"{i:02d}" for i in range(100)])
    return f"{v[:2]}.{v[2:4]}.{v[4:6]}-{v[6:9]}.{v[9:]}"


def g_ahv():
    v = _complete("ch.ssn", lambda: "756" + _digits(9))
    return f"{v[:3]}.{v[3:7]}.{v[7:11]}.{v[11:]}"


def g_vnr(iso):
    d = _d(iso)
    import stdnum.at.vnr as vnr

    for _ in range(200):
        serial = RNG.choice("123456789") + _digits(2)
        body = serial + "0" + _ddmmyy(d)
        v = serial + vnr.calc_check_digit(body) + _ddmmyy(d)
        if vnr.is_valid(v):
            return f"{v[:4]} {v[4:]}"
    raise RuntimeError("vnr")


def g_tc():
    import stdnum.tr.tckimlik as tc

    body = RNG.choice("123456789") + _digits(8)
    v = body + tc.calc_check_digits(body)
    assert tc.is_valid(v)
    return v


def g_fnr(iso, sex):
    d = _d(iso)
    lo, hi = (0, 499) if d.year < 2000 else (500, 999)

    def make():
        n = RNG.randrange(lo // 10, hi // 10 + 1) * 10 + RNG.choice(
            (1, 3, 5, 7, 9) if sex == "m" else (0, 2, 4, 6, 8)
        )
        return _ddmmyy(d) + f"{n:03d}"

    v = _complete("no.fodselsnummer", make, [f"{i:02d}" for i in range(100)], tries=2000)
    return v


def g_cnp(iso, sex, county):
    d = _d(iso)
    first = {("m", 19): "1", ("f", 19): "2", ("m", 20): "5", ("f", 20): "6"}[(sex, d.year // 100)]
    return _complete("ro.cnp", lambda: first + _yymmdd(d) + county + _digits(3))


def g_rc(iso, sex):
    d = _d(iso)
    month = d.month + (50 if sex == "f" else 0)
    v = _complete("cz.rc", lambda: f"{d.year % 100:02d}{month:02d}{d.day:02d}" + _digits(3))
    return f"{v[:6]}/{v[6:]}"


def _baltic(module, iso, sex):
    d = _d(iso)
    first = {("m", 19): "3", ("f", 19): "4", ("m", 20): "5", ("f", 20): "6"}[(sex, d.year // 100)]
    return _complete(module, lambda: first + _yymmdd(d) + _digits(3))


def g_ik(iso, sex):
    return _baltic("ee.ik", iso, sex)


def g_ak(iso, sex):
    return _baltic("lt.asmens", iso, sex)


def g_pk_lv(iso):
    d = _d(iso)
    century = {18: "0", 19: "1", 20: "2"}[d.year // 100]
    v = _complete("lv.pvn", lambda: _ddmmyy(d) + century + _digits(3))
    return f"{v[:6]}-{v[6:]}"


def g_ssn():
    def make():
        area = RNG.randrange(1, 899)
        while area == 666:
            area = RNG.randrange(1, 899)
        return f"{area:03d}-{RNG.randrange(1, 99):02d}-{RNG.randrange(1, 9999):04d}"

    for _ in range(100):
        v = make()
        if _valid("us.ssn", v):
            return v
    raise RuntimeError("ssn")


def g_nhs():
    v = _complete("gb.nhs", lambda: RNG.choice("456") + _digits(8))
    return _group(v, (3, 3, 4))


def g_sin():
    v = _complete("ca.sin", lambda: RNG.choice("1234567") + _digits(7))
    return _group(v, (3, 3, 3))


def g_tfn():
    v = _complete("au.tfn", lambda: RNG.choice("1234567") + _digits(7))
    return _group(v, (3, 3, 3))


def g_ird():
    v = _complete("nz.ird", lambda: RNG.choice("1") + _digits(7))
    return _group(v, (3, 3, 3), "-")


def g_za(iso, sex):
    d = _d(iso)
    serial = lambda: str(RNG.randrange(5000, 9999) if sex == "m" else RNG.randrange(0, 4999)).zfill(4)  # noqa: E731
    return _complete("za.idnr", lambda: _yymmdd(d) + serial() + "08")


def g_aadhaar():
    v = _complete("in_.aadhaar", lambda: RNG.choice("23456789") + _digits(10))
    return _group(v, (4, 4, 4))


def g_pan(kind="P", surname_initial="A"):
    return (
        rnd(string.ascii_uppercase, 3) + kind + surname_initial + _digits(4) + rnd(string.ascii_uppercase, 1)
    )


def g_pps():
    return _complete("ie.pps", lambda: _digits(7), "ABCDEFGHIJKLMNOPQRSTUVW")


def g_rut():
    v = _complete("cl.rut", lambda: str(RNG.randrange(6_000_000, 24_000_000)), DIGITS + "K")
    body, dv = v[:-1], v[-1]
    return f"{int(body):,}".replace(",", ".") + "-" + dv


def g_dni_ar():
    v = str(RNG.randrange(20_000_000, 45_000_000))
    assert _valid("ar.dni", v)
    return f"{int(v):,}".replace(",", ".")


# --- bank and cards ---------------------------------------------------------
IBAN_BBAN = {
    "DE": lambda: _digits(18),
    "AT": lambda: _digits(16),
    "CH": lambda: _digits(17),
    "FR": lambda: _digits(10) + rnd(UPNUM, 11) + _digits(2),
    "BE": lambda: _digits(12),
    "ES": lambda: _digits(20),
    "IT": lambda: rnd(string.ascii_uppercase, 1) + _digits(10) + _digits(12),
    "PT": lambda: _digits(21),
    "NL": lambda: RNG.choice(["ABNA", "INGB", "RABO", "SNSB", "TRIO"]) + _digits(10),
    "PL": lambda: _digits(24),
    "CZ": lambda: RNG.choice(["0800", "0100", "0300", "2010"]) + _digits(16),
    "DK": lambda: _digits(14),
    "NO": lambda: _digits(11),
    "EE": lambda: _digits(16),
    "LV": lambda: RNG.choice(["HABA", "UNLA", "RIKO"]) + _digits(13),
    "LT": lambda: _digits(16),
    "RO": lambda: RNG.choice(["BTRL", "RNCB", "BRDE", "INGB"]) + rnd(UPNUM, 16),
    "TR": lambda: _digits(5) + "0" + _digits(16),
    "IE": lambda: RNG.choice(["AIBK", "BOFI"]) + _digits(14),
    "GB": lambda: RNG.choice(["BARC", "LOYD", "NWBK"]) + _digits(14),
}


def g_iban(cc, fmt="spaced"):
    import stdnum.iban as iban

    for _ in range(5000):
        bban = IBAN_BBAN[cc]()
        v = cc + iban.calc_check_digits(cc + "00" + bban) + bban
        if iban.is_valid(v):
            return " ".join(v[i : i + 4] for i in range(0, len(v), 4)) if fmt == "spaced" else v
    raise RuntimeError("iban " + cc)


def _luhn_ok(s):
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def g_card(brand, fmt="spaced"):
    prefix = {
        "visa": "4",
        "mc": RNG.choice(["51", "52", "53", "54", "55"]),
        "amex": RNG.choice(["34", "37"]),
    }[brand]
    n = 15 if brand == "amex" else 16
    body = prefix + _digits(n - 1 - len(prefix))
    v = next(body + c for c in DIGITS if _luhn_ok(body + c))
    if fmt == "plain":
        return v
    sizes = (4, 6, 5) if brand == "amex" else (4, 4, 4, 4)
    return _group(v, sizes, "-" if fmt == "dash" else " ")


# --- tokens -----------------------------------------------------------------
def g_jwt(sub="", name="", aud="", role=""):
    header = {"alg": "HS256", "typ": "JWT"}
    iat = 1767225600 + RNG.randrange(0, 20_000_000)
    payload = {"sub": sub or str(RNG.randrange(10_000, 999_999))}
    if name:
        payload["name"] = name
    if role:
        payload["role"] = role
    if aud:
        payload["aud"] = aud
    payload["iat"] = iat
    payload["exp"] = iat + 3600 * RNG.choice((1, 8, 24, 720))
    seg = [b64u(json.dumps(x, separators=(",", ":")).encode()) for x in (header, payload)]
    return ".".join([*seg, b64u(rbytes(32))])


def g_basic(user, password):
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def g_uuid():
    h = rnd(HEX, 32)
    h = h[:12] + "4" + h[13:16] + RNG.choice("89ab") + h[17:]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


TOKENS = {
    "ghp": lambda: "ghp_" + rnd(ALNUM, 36),
    "github_pat": lambda: "github_pat_11" + rnd(UPNUM, 20) + "_" + rnd(ALNUM, 59),
    "glpat": lambda: "glpat-" + rnd(ALNUM + "-_", 20),
    "xoxb": lambda: f"xoxb-{_digits(12)}-{_digits(13)}-{rnd(ALNUM, 24)}",
    "xoxp": lambda: f"xoxp-{_digits(12)}-{_digits(12)}-{_digits(13)}-{rnd(HEX, 32)}",
    "slack_hook": lambda: (
        f"https://hooks.slack.com/services/T{rnd(UPNUM, 8)}/B{rnd(UPNUM, 10)}/{rnd(ALNUM, 24)}"
    ),
    "sk_live": lambda: "sk_live_51" + rnd(ALNUM, 97),
    "rk_live": lambda: "rk_live_51" + rnd(ALNUM, 97),
    "whsec": lambda: "whsec_" + rnd(ALNUM, 32),
    "akia": lambda: "AKIA" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    "aws_secret": lambda: rnd(ALNUM + "/+", 40),
    "aiza": lambda: "AIza" + rnd(ALNUM + "-_", 35),
    "openai": lambda: "sk-proj-" + rnd(ALNUM + "-_", 74) + "T3BlbkFJ" + rnd(ALNUM + "-_", 74),
    "anthropic": lambda: "sk-ant-api03-" + rnd(ALNUM + "-_", 93) + "AA",
    "hf": lambda: "hf_" + rnd(string.ascii_letters, 34),
    "sendgrid": lambda: "SG." + rnd(ALNUM + "-_", 22) + "." + rnd(ALNUM + "-_", 43),
    "twilio_auth": lambda: rnd(HEX, 32),
    "hex32": lambda: rnd(HEX, 32),
    "hex40": lambda: rnd(HEX, 40),
    "hex64": lambda: rnd(HEX, 64),
    "mailgun": lambda: "key-" + rnd(HEX, 32),
    "telegram": lambda: f"{RNG.randrange(6_000_000_000, 7_999_999_999)}:AA{rnd(ALNUM + '-_', 33)}",
    "npm": lambda: "npm_" + rnd(ALNUM, 36),
    "pypi": lambda: "pypi-AgEIcHlwaS5vcmc" + rnd(ALNUM + "-_", 140),
    "dop": lambda: "dop_v1_" + rnd(HEX, 64),
    "shpat": lambda: "shpat_" + rnd(HEX, 32),
    "dckr": lambda: "dckr_pat_" + rnd(ALNUM + "-_", 27),
    "pulumi": lambda: "pul-" + rnd(HEX, 40),
    "linode": lambda: rnd(HEX, 64),
    "tvly": lambda: "tvly-" + rnd(ALNUM, 32),
    "notion": lambda: "ntn_" + _digits(11) + rnd(ALNUM, 35),
    "airtable": lambda: "pat" + rnd(ALNUM, 14) + "." + rnd(HEX, 64),
    "heroku": lambda: "HRKU-AA" + rnd(ALNUM + "_-", 58),
    "snyk": lambda: g_uuid(),
    "uuid": lambda: g_uuid(),
    "vonage_secret": lambda: rnd(ALNUM, 16),
    "clerk": lambda: "sk_live_" + rnd(ALNUM, 40),
    "confluent_key": lambda: rnd(UPNUM, 16),
    "confluent_secret": lambda: rnd(ALNUM + "+/", 64),
    "atlas_private": lambda: g_uuid(),
    "netdata": lambda: rnd(ALNUM + "-_", 135),
    "azure_sp": lambda: rnd(ALNUM, 3) + "8Q~" + rnd(ALNUM + "_.~-", 34),
    "azure_storage": lambda: base64.b64encode(rbytes(64)).decode(),
    "discord_bot": lambda: (
        b64u(str(RNG.randrange(10**17, 10**18)).encode())
        + "."
        + rnd(ALNUM + "-_", 6)
        + "."
        + rnd(ALNUM + "-_", 38)
    ),
    "rgapi": lambda: "RGAPI-" + g_uuid(),
    "cloudflare": lambda: rnd(ALNUM + "-_", 40),
    "porkbun_pk": lambda: "pk1_" + rnd(HEX, 64),
    "porkbun_sk": lambda: "sk1_" + rnd(HEX, 64),
    "postmark": lambda: g_uuid(),
    "mapbox": lambda: "sk.eyJ1Ijoi" + rnd(ALNUM, 30) + "." + rnd(ALNUM + "-_", 22),
    "datadog": lambda: rnd(HEX, 32),
    "sentry_user": lambda: "sntryu_" + rnd(HEX, 64),
    "resend": lambda: "re_" + rnd(ALNUM, 8) + "_" + rnd(ALNUM, 24),
    "groq": lambda: "gsk_" + rnd(ALNUM, 52),
    "replicate": lambda: "r8_" + rnd(ALNUM, 37),
    "mistral": lambda: rnd(ALNUM, 32),
    "elevenlabs": lambda: "sk_" + rnd(HEX, 48),
    "brevo": lambda: "xkeysib-" + rnd(HEX, 64) + "-" + rnd(ALNUM, 16),
    "mollie": lambda: "live_" + rnd(ALNUM, 30),
    "square": lambda: "EAAA" + rnd(ALNUM + "-_", 60),
    "databricks": lambda: "dapi" + rnd(HEX, 32),
    "vault": lambda: "hvs." + rnd(ALNUM, 24),
    "doppler": lambda: "dp.st.prd." + rnd(ALNUM, 40),
    "linear": lambda: "lin_api_" + rnd(ALNUM, 40),
    "figma": lambda: "figd_" + rnd(ALNUM + "-_", 40),
    "grafana_sa": lambda: "glsa_" + rnd(ALNUM, 32) + "_" + rnd(HEX, 8),
    "supabase_pat": lambda: "sbp_" + rnd(HEX, 40),
    "newrelic": lambda: "NRAK-" + rnd(UPNUM, 27),
    "postman": lambda: "PMAK-" + rnd(HEX, 24) + "-" + rnd(HEX, 34),
    "atlassian": lambda: "ATATT3xFfGF0" + rnd(ALNUM + "-_", 180) + "=" + rnd(UPNUM, 8),
    "asaas": lambda: "$aact_prod_000Mzk" + rnd(ALNUM, 88),
    "shopify_secret": lambda: "shpss_" + rnd(HEX, 32),
    "wc_ck": lambda: "ck_" + rnd(HEX, 40),
    "wc_cs": lambda: "cs_" + rnd(HEX, 40),
    "b64_32": lambda: base64.b64encode(rbytes(32)).decode(),
    "b64_24": lambda: base64.b64encode(rbytes(24)).decode(),
    "b64_48": lambda: base64.b64encode(rbytes(48)).decode(),
    "alnum12": lambda: rnd(ALNUM, 12),
    "alnum16": lambda: rnd(ALNUM, 16),
    "alnum20": lambda: rnd(ALNUM, 20),
    "alnum24": lambda: rnd(ALNUM, 24),
    "alnum32": lambda: rnd(ALNUM, 32),
    "alnum40": lambda: rnd(ALNUM, 40),
    "alnum64": lambda: rnd(ALNUM, 64),
    "upnum20": lambda: rnd(UPNUM, 20),
    "digits6": lambda: _digits(6),
    "digits8": lambda: _digits(8),
    "totp": lambda: rnd(B32, 32),
    "totp16": lambda: rnd(B32, 16),
    "session": lambda: rnd(LOWNUM, 32),
    "backup": lambda: f"{_digits(4)}-{_digits(4)}",
    "recovery": lambda: "-".join(rnd("abcdefghjkmnpqrstuvwxyz23456789", 5) for _ in range(2)),
    "onepw_secret": lambda: (
        "A3-" + "-".join(rnd("ABCDEFGHJKLMNPQRSTVWXYZ23456789", n) for n in (6, 6, 5, 5, 5, 5))
    ),
    "urlsafe43": lambda: rnd(B64URL, 43),
}


# --- private keys -----------------------------------------------------------
def _is_probable_prime(n, rounds=32):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
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
        c = RNG.getrandbits(bits) | (3 << (bits - 2)) | 1
        if c % 65537 != 1 and _is_probable_prime(c):
            return c


def _rsa_key(bits=2048):
    e = 65537
    while True:
        p, q = _prime(bits // 2), _prime(bits // 2)
        if p != q and ((p - 1) * (q - 1)) % e:
            break
    if p < q:
        p, q = q, p
    d = pow(e, -1, (p - 1) * (q - 1))
    pub = rsa.RSAPublicNumbers(e, p * q)
    nums = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), pub
    )
    return nums.private_key()


def _pem(key, fmt):
    f = {
        "pkcs1": serialization.PrivateFormat.TraditionalOpenSSL,
        "sec1": serialization.PrivateFormat.TraditionalOpenSSL,
        "pkcs8": serialization.PrivateFormat.PKCS8,
    }[fmt]
    return key.private_bytes(serialization.Encoding.PEM, f, serialization.NoEncryption()).decode().strip()


def _ssh_str(b):
    return struct.pack(">I", len(b)) + b


def _ed25519_raw():
    seed = rbytes(32)
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return seed, pub


def g_openssh_ed25519(comment="key"):
    seed, pub = _ed25519_raw()
    pub_blob = _ssh_str(b"ssh-ed25519") + _ssh_str(pub)
    check = rbytes(4)
    priv = check + check + pub_blob + _ssh_str(seed + pub) + _ssh_str(comment.encode())
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    blob = (
        b"openssh-key-v1\0"
        + _ssh_str(b"none")
        + _ssh_str(b"none")
        + _ssh_str(b"")
        + struct.pack(">I", 1)
        + _ssh_str(pub_blob)
        + _ssh_str(priv)
    )
    b64 = base64.b64encode(blob).decode()
    lines = [b64[i : i + 70] for i in range(0, len(b64), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----"


def g_ppk(comment="key"):
    seed, pub = _ed25519_raw()
    pub_blob = _ssh_str(b"ssh-ed25519") + _ssh_str(pub)
    priv_blob = _ssh_str(seed)
    mac_data = b"".join(_ssh_str(x) for x in (b"ssh-ed25519", b"none", comment.encode(), pub_blob, priv_blob))
    mac = hmac.new(b"", mac_data, hashlib.sha256).hexdigest()
    pub64 = base64.b64encode(pub_blob).decode()
    pub_lines = [pub64[i : i + 64] for i in range(0, len(pub64), 64)]
    priv64 = base64.b64encode(priv_blob).decode()
    return (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
        f"Comment: {comment}\nPublic-Lines: {len(pub_lines)}\n"
        + "\n".join(pub_lines)
        + f"\nPrivate-Lines: 1\n{priv64}\nPrivate-MAC: {mac}"
    )


def g_rsa(fmt="pkcs1", bits="2048"):
    return _pem(_rsa_key(int(bits)), fmt)


def g_ec(curve="p256", fmt="sec1"):
    c = {"p256": ec.SECP256R1(), "p384": ec.SECP384R1()}[curve]
    order = {
        "p256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        "p384": int(
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
            16,
        ),
    }[curve]
    k = RNG.randrange(1, order)
    return _pem(ec.derive_private_key(k, c), fmt)


def g_ed25519_pkcs8():
    seed, _ = _ed25519_raw()
    return _pem(ed25519.Ed25519PrivateKey.from_private_bytes(seed), "pkcs8")


def g_wg():
    k = bytearray(rbytes(32))
    k[0] &= 248
    k[31] = (k[31] & 127) | 64
    return base64.b64encode(bytes(k)).decode()


_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values):
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((b >> i) & 1) else 0
    return chk


def g_age():
    hrp = "age-secret-key-"
    data, acc, bits = [], 0, 0
    for byte in rbytes(32):
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    exp = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]
    pm = _bech32_polymod([*exp, *data, 0, 0, 0, 0, 0, 0]) ^ 1
    chk = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return (hrp + "1" + "".join(_BECH[d] for d in data + chk)).upper()


def _escaped(pem):
    return pem.replace("\n", "\\n")


def _indent(pem, n):
    return pem.replace("\n", "\n" + " " * int(n))


def _ignoring_args(f):
    """Token generators take no arguments; slots may carry ``#n`` tags only."""
    return lambda *_args: f()


GEN = {
    "pesel": g_pesel,
    "bsn": g_bsn,
    "cpf": g_cpf,
    "nif_pt": g_nif_pt,
    "dni_es": g_dni_es,
    "nie_es": g_nie_es,
    "cf": g_cf,
    "cpr": g_cpr,
    "nir": g_nir,
    "idnr": g_idnr,
    "nn": g_nn,
    "ahv": g_ahv,
    "vnr": g_vnr,
    "tc": g_tc,
    "fnr": g_fnr,
    "cnp": g_cnp,
    "rc": g_rc,
    "ik": g_ik,
    "ak": g_ak,
    "pk_lv": g_pk_lv,
    "ssn": g_ssn,
    "nhs": g_nhs,
    "sin": g_sin,
    "tfn": g_tfn,
    "ird": g_ird,
    "za": g_za,
    "aadhaar": g_aadhaar,
    "pan": g_pan,
    "pps": g_pps,
    "rut": g_rut,
    "dni_ar": g_dni_ar,
    "iban": g_iban,
    "card": g_card,
    "jwt": g_jwt,
    "basic": g_basic,
    "openssh": g_openssh_ed25519,
    "ppk": g_ppk,
    "rsa": g_rsa,
    "ec": g_ec,
    "ed25519": g_ed25519_pkcs8,
    "wg": g_wg,
    "age": g_age,
    "rsa_escaped": lambda *a: _escaped(g_rsa(*a)),
    "openssh_indented": lambda comment, n: _indent(g_openssh_ed25519(comment), n),
    **{k: _ignoring_args(f) for k, f in TOKENS.items()},
}
SLOT = re.compile(r"⁅([^⁅⁆]+)⁆")


def add(group, lang, domain, fmt, text):
    """Fill the generator slots of one prompt, then hand it to ``add_prompt``."""
    cache = {}

    def fill(m):
        key = m.group(1)
        if key not in cache:
            kind, *args = key.split("|")
            cache[key] = GEN[kind](*[a for a in args if not a.startswith("#")])
        return cache[key]

    filled = SLOT.sub(fill, text)
    assert "⁅" not in filled and "⁆" not in filled, f"unfilled generator slot in {domain}"
    add_prompt(PROMPTS, group, lang, domain, fmt, filled)


# ---------------------------------------------------------------------------
# group pii — English (UK, US, Canada, Australia, NZ, South Africa, India,
# Singapore, Nigeria, Kenya, Ireland)
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "farmers-market-stallholder-list",
    "csv",
    """
I've taken over as market manager. Can you sort the stallholders by pitch and draft a short email reminding everyone about the new 7am set-up time? Don't include the notes column in the email.

pitch,stallholder,business,home_address,mobile,email,notes
A1,⟦P:Heath Marsh⟧,Corvedale Honey,"⟦A:14 Corve Street, Ludlow SY8 1DA⟧",⟦T:07968 214530⟧,⟦E:heath.marsh@corvedale.example⟧,
A2,⟦P:Meg Ashworth⟧,Clee Hill Bakes,"⟦A:Flat 2, 9 Broad Street, Ludlow SY8 1NG⟧",⟦T:07812 663905⟧,⟦E:megashworth@btinternet.example⟧,"needs pitch near the toilets – ⟦MC:Crohn's⟧"
B4,⟦P:Pru Hale⟧,Teme Valley Cheeses,"⟦A:The Old Forge, Bitterley, Ludlow SY8 3HF⟧",⟦T:01584 891044⟧,,"no email, post letters; ⟦MC:hard of hearing⟧"
B5,⟦P:Tom Weaver⟧,Galdeford Wool,"⟦A:3 Lower Galdeford, Ludlow SY8 1RT⟧",⟦T:07733 580142⟧,⟦E:tom@weaverswool.example⟧,"son ⟦P:Alfie⟧ helps Saturdays"
C2,⟦P:Ifeoma Pryce⟧,Jollof & Co,"⟦A:Rose Cottage, Clee Hill, Ludlow SY8 3NR⟧",⟦T:07534 902217⟧,⟦E:ifeoma.pryce@gmail.example⟧,"⟦MC:pregnant⟧, due in May – may need cover"
""",
)
add(
    "pii",
    "en",
    "tree-preservation-order-works-application",
    "form",
    """
Help me write the "reasons for works" paragraph for this tree works application. The council wants it short and factual, mine is a rant.

APPLICATION FOR CONSENT TO CARRY OUT WORKS TO TREES PROTECTED BY A TREE PRESERVATION ORDER
1. Applicant: Mr ⟦P:Barnaby Quill⟧
   Address: ⟦A:27 Kent Road, Harrogate HG1 2LH⟧
   Telephone: ⟦T:01423 507861⟧   Mobile: ⟦T:07534 902217⟧
   Email: ⟦E:barnaby.quill@quillmail.example⟧
2. Agent: Greenwood Arboriculture Ltd (contact: ⟦P:Saoirse Dunne⟧, mobile ⟦T:07402 118376⟧)
3. TPO reference: TPO 14/1998, tree T3 (sycamore), front garden
4. Proposed works: crown lift to 5 m over the drive; reduce lateral limbs on the house side by 2 m
5. Reasons (draft): the roots have lifted the path and my wife ⟦P:Annabel⟧ has used a ⟦MC:wheelchair⟧ since her ⟦MC:spinal cord injury⟧ and cannot get from the car to the front door without me tipping the chair over the ridge. Branches scrape the roof every storm. We are NOT asking to fell it.
""",
)
add(
    "pii",
    "en",
    "bell-ringers-practice-email",
    "prose",
    """
Can you make this email to our tower captain a bit shorter? Keep all the facts.

Subject: Tuesday practice – who's covering

Hi ⟦P:Clive⟧,

Quick update before Tuesday. ⟦P:Margery Bell⟧ is off ringing until after Christmas – she's just had a ⟦MC:knee replacement⟧ and can't manage the tower stairs for six weeks. ⟦P:Jem Toller⟧ will take the treble; his number is ⟦T:07881 245903⟧ if you need him.

Can you ask ⟦P:Ottilie Carpenter⟧ to bring the spare muffles? She's at ⟦A:12 Priory Close, Sherborne DT9 3EL⟧ now – the address in the band directory is wrong. Her landline is ⟦T:01935 814270⟧.

Also, ⟦P:Frank Sexton⟧'s grandson ⟦P:Ollie⟧ (14) wants to learn. His mum says he's ⟦MC:epileptic⟧ but well controlled on ⟦MED:Keppra⟧; I said we'll keep him off the tenor and always have two of us in the ringing chamber with him.

Cheers,
⟦P:Dinah⟧
""",
)
add(
    "pii",
    "en",
    "gp-letter-controlled-drugs-abroad",
    "prose",
    """
Can you tidy up this request to my GP surgery? I need a letter for taking my medication to Spain.

Dear Reception,

I'm flying to Málaga on 14 November for three weeks and need a letter from Dr ⟦P:Okonjo⟧ confirming my prescriptions, as two of them are controlled drugs.

Name: ⟦P:Gwendolyn Harte⟧
Date of birth: ⟦DOB:12th of March 1961⟧
NHS number: ⟦ID@GB:⁅nhs⁆⟧
Address: ⟦A:41 Cedar Grove, Wolverhampton WV3 9EH⟧
Medication: ⟦MED:OxyNorm⟧ 5mg capsules (breakthrough pain), ⟦MED:pregabalin⟧ 150mg twice daily, ⟦MED:sertraline⟧ 50mg
Diagnosis: ⟦MC:fibromyalgia⟧ and ⟦MC:degenerative disc disease⟧

Could the letter also state the total quantity I'm carrying? It's 63 ⟦MED:OxyNorm⟧ capsules and 42 ⟦MED:pregabalin⟧.

Thanks,
⟦P:Gwen Harte⟧
⟦T:07891 337420⟧
""",
)
add(
    "pii",
    "en",
    "high-hedge-decision-letter-ocr",
    "prose",
    """
I scanned the council's letter with my phone and the text came out messy. What exactly have they decided, and what's my deadline if the neighbour appeals?

Environmental Services – High Hedges
0ur ref: HH/25/0417        Your ref: council tax acc. ⟦ACC:6OO98134⟧

Dr ⟦P:Ravindra Sehgal⟧
⟦A:8 Wickharn Way
Beckenham BR3 3AA⟧

Dear Dr ⟦P:Sehga1⟧,

HIGH HEDGES COMPLAlNT – ⟦A:10 WICKHAM WAY⟧

I write further to your complaint received on 3 March 2025 about the line of Leyland cypress owned by Mr ⟦P:D. Lockyer⟧. Our officer visited on 14 Apri1 2O25 and measured the hedge at 7.4 m. We have taken into account your statement that your mother-in-law, Mrs ⟦P:Kamala Sehgal⟧, has ⟦MC:macu1ar degeneration⟧ and relies on the garden for daylight.

The Council has decided to issue a remedial notice requiring the hedge to be reduced to 3.5 m within 3 months and maintained at that height. Mr ⟦P:Lockyer⟧ may appeal to the Planning lnspectorate within 28 days of the date of the notice.

Yours sincerely
⟦P:P. Venkatesh⟧
Senior Environmental Health Officer
""",
)
add(
    "pii",
    "en",
    "mobile-notary-journal",
    "markdown-table",
    """
I'm a mobile notary in Texas. Please turn this week's journal rows into CSV for my bookkeeping, and tell me if any column the Secretary of State requires is missing.

| # | Date/time | Signer | Signer address | ID presented | Document | Fee |
|---|---|---|---|---|---|---|
| 318 | 09/15 10:05 | ⟦P:Dolores Treviño⟧ | ⟦A:2210 Mistletoe Blvd, Fort Worth, TX 76110⟧ | TX DL ⟦DL:28410937⟧ | Affidavit of heirship | $10 |
| 319 | 09/15 10:05 | ⟦P:Hector Treviño⟧ | same | TX DL ⟦DL:17730562⟧ | Affidavit of heirship | $10 |
| 320 | 09/16 14:40 | ⟦P:Marcus Bell-Odum⟧ | ⟦A:915 W Magnolia Ave, Apt 4, Fort Worth, TX 76104⟧ | US passport ⟦PASS:583920174⟧ | Application for title (130-U) | $6 |
| 321 | 09/17 18:20 | ⟦P:Charity Nguyen⟧ | ⟦A:6004 Whitman Ave, Fort Worth, TX 76133⟧ | TX DL ⟦DL:40192875⟧ | Medical power of attorney | $10 |
""",
)
add(
    "pii",
    "en",
    "fema-registration-phone-notes",
    "prose",
    """
Notes from my FEMA phone registration yesterday – can you turn them into a checklist of what I still have to send or do?

- Registration ID: ⟦ACC:418-77302⟧
- Applicant: ⟦P:Loretta Simms⟧, SSN ⟦ID@US:⁅ssn⁆⟧, DOB ⟦DOB:04/22/1958⟧
- Damaged dwelling: ⟦A:1187 County Road 3420, Jasper, AL 35501⟧ (EF2 tornado, roof gone on the north side)
- Mailing address for now: c/o my daughter ⟦P:Renee Castillo⟧, ⟦A:402 Birch Hollow Dr, Hoover, AL 35226⟧, cell ⟦T:(205) 555-0168⟧
- Household: me and my grandson ⟦P:Tyrell Simms⟧, DOB ⟦DOB:11/03/2009⟧
- Insurance: homeowners policy ⟦ACC:HO-33810472⟧, claim opened with the agent
- Disability/medical needs: I use a ⟦MC:CPAP⟧ for ⟦MC:sleep apnea⟧ and ⟦P:Tyrell⟧ has ⟦MC:asthma⟧ – his ⟦MC:nebulizer⟧ and ⟦MED:albuterol⟧ were lost with the house
- Inspector will call within 10 days; the caseworker on the phone was ⟦P:Jeanette⟧
""",
)
add(
    "pii",
    "en",
    "county-fair-market-swine-entry",
    "form",
    """
Can you check this fair entry for mistakes before I submit it? The deadline is Friday noon.

MONROE COUNTY JUNIOR FAIR – MARKET SWINE ENTRY
Exhibitor: ⟦P:Sawyer Kinkaid⟧
Age as of January 1: 13     Date of birth: ⟦DOB:2012-06-19⟧
Club: Deer Creek Hustlers
Parent/guardian: ⟦P:Brandi Kinkaid⟧
Address: ⟦A:4471 State Route 7, Woodsfield, OH 43793⟧
Phone: ⟦T:(740) 555-0127⟧     Email: ⟦E:brandi.kinkaid@ruralnet.example⟧
Animals: 2 Duroc barrows, ear notches 14-3 and 14-5, tags #88123 and #88124
Health information for the exhibitor: ⟦MC:allergic to bee stings⟧ – carries an ⟦MED:EpiPen⟧; ⟦MC:ADHD⟧, takes ⟦MED:Vyvanse⟧ in the morning
Emergency contact: grandpa ⟦P:Dale Kinkaid⟧, ⟦T:(740) 555-0193⟧
Entry fees ($24) – charge to card: ⟦CC:⁅card|visa⁆⟧, exp 08/27
Signature: ⟦P:Brandi Kinkaid⟧     Date: 7/2/2025
""",
)
add(
    "pii",
    "en",
    "intercom-resident-directory-migration",
    "csv",
    """
Our building is switching intercom vendors. Here's the resident directory export; can you map it to the new vendor's columns (unit, display_name, first_name, last_name, phone, entry_pin, notes)? Keep the PINs as they are, residents don't want new ones.

unit,display_name,resident,mobile,pin,notes
101,⟦P:PAYNE⟧,⟦P:Harlow Payne⟧,⟦T:(312) 555-0114⟧,⟦S:4827⟧,
102,⟦P:WHITAKER⟧,⟦P:Paris Whitaker⟧,⟦T:(312) 555-0178⟧,⟦S:1093⟧,"⟦MC:deaf⟧ - flash the hallway light on call"
204,⟦P:REED⟧/⟦P:OKONKWO⟧,⟦P:Dallas Reed⟧; ⟦P:Chidi Okonkwo⟧,⟦T:(773) 555-0132⟧,⟦S:5561⟧,
305,⟦P:S. MARLOWE⟧,⟦P:Sunday Marlowe⟧,⟦T:(312) 555-0190⟧,⟦S:7740⟧,"dog walker ⟦P:Kenji⟧ allowed 11am-1pm"
""",
)
add(
    "pii",
    "en",
    "irs-identity-theft-affidavit",
    "prose",
    """
Someone filed a 2024 tax return using my Social Security number. I'm filling out IRS Form 14039 (Identity Theft Affidavit). Can you help me write the explanation for Section B in a calm, factual way?

My name is ⟦P:Clement Ashby⟧, SSN ⟦ID@US:⁅ssn⁆⟧, born on the ⟦DOB:2nd of August, 1979⟧. The address on my last return was ⟦A:77 Larkspur Ct, Naperville, IL 60540⟧; in May I moved to ⟦A:1406 N Wells St, Unit 3F, Chicago, IL 60610⟧. Phone ⟦T:(312) 555-0149⟧.

The IRS sent letter 5071C dated 6/3/2025 asking me to verify a return I never filed. I also got a notice that a payroll card had been opened in my name at an address in Nevada. Someone also changed the username on my IRS online account to ⟦U:clem.ashby79⟧ and locked me out. My wife ⟦P:Odalys⟧ and I file jointly and our real return hasn't been accepted yet.
""",
)
add(
    "pii",
    "en",
    "snowbird-travel-insurance-questionnaire",
    "form",
    """
I'm filling in the medical questionnaire for our winter in Arizona (Jan 5 – Apr 2). Can you tell me which answers will likely push us into a higher rate category, and whether I've answered Q3 correctly?

Policy no.: ⟦ACC:TQ-5527019-ON⟧
Applicant 1: ⟦P:Gérard Boisvert⟧, DOB ⟦DOB:1949-12-08⟧
Applicant 2: ⟦P:Huguette Boisvert⟧, DOB ⟦DOB:1952-03-27⟧
Home address: ⟦A:88 Banchory Crescent, Ottawa, ON K2K 2V3⟧
Phone: ⟦T:613-555-0152⟧
Q3. In the last 12 months has either applicant had a change in medication? Yes – ⟦P:Gérard⟧: ⟦MED:Eliquis⟧ started in March for ⟦MC:atrial fibrillation⟧; ⟦MED:metoprolol⟧ dose increased.
Q5. Heart conditions? ⟦P:Gérard⟧: ⟦MC:AFib⟧ (diagnosed 2024), ⟦MC:triple bypass⟧ in 2019.
Q7. Lung conditions? ⟦P:Huguette⟧: mild ⟦MC:asthma⟧, ⟦MED:Symbicort⟧ as needed.
Q9. Diabetes? No.
""",
)
add(
    "pii",
    "en",
    "record-of-employment-correction-email",
    "prose",
    """
Can you make this email firmer but still polite?

To: payroll@northbaymillwork.example
Subject: ROE correction – reason for issuing

Hello,

My Record of Employment shows the reason for issuing as "E – quit". That is wrong: I went on leave on 3 February because I was ⟦MC:34 weeks pregnant⟧ and my doctor took me off work early for ⟦MC:pre-eclampsia⟧. Service Canada won't process my EI maternity claim until the ROE is corrected.

Name: ⟦P:Kateri Beaulieu⟧
SIN: ⟦ID@CA:⁅sin⁆⟧
Employee no.: ⟦ACC:NBM-20417⟧
Home: ⟦A:219 Algonquin Ave, North Bay, ON P1B 4W1⟧
Cell: ⟦T:705-555-0133⟧

Please send the amended ROE electronically this week; my My Service Canada Account user ID is ⟦U:kbeaulieu_nb⟧ if you need to reference it.

Thanks,
⟦P:Kateri⟧
""",
)
add(
    "pii",
    "en",
    "junior-hockey-billet-info-sheet",
    "form",
    """
We're billeting a junior A player this season for the first time. The team sent this info sheet; what questions should we ask the team before he moves in?

PLAYER: ⟦P:Brody Halvorsen⟧, #27, defence
DOB: ⟦DOB:2007-01-14⟧
Hometown: Brandon, MB
Parents: ⟦P:Shauna⟧ & ⟦P:Erik Halvorsen⟧, cell ⟦T:204-555-0181⟧
Medical: ⟦MC:ADHD⟧ (⟦MED:Biphentin⟧ 30 mg AM); ⟦MC:concussion⟧ last February, cleared by team physio; ⟦MC:peanut allergy⟧ (severe) – two ⟦MED:EpiPens⟧ in his gear bag
Billet family: ⟦P:Moira⟧ & ⟦P:Lyle Ferrante⟧, ⟦A:16 Birch Bay Rd, Kenora, ON P9N 3X1⟧, ⟦T:807-555-0110⟧
School: Beaver Brae Secondary, grade 12
""",
)
add(
    "pii",
    "en",
    "dental-care-plan-phone-application",
    "form",
    """
Helping my parents apply for the Canadian Dental Care Plan by phone tomorrow. Can you put their info in the order the agent will probably ask for it?

Dad: ⟦P:Sunil Mehta⟧, SIN ⟦ID@CA:⁅sin|#1⁆⟧, born ⟦DOB:1955-07-30⟧
Mom: ⟦P:Kusum Mehta⟧, SIN ⟦ID@CA:⁅sin|#2⁆⟧, born ⟦DOB:1958-01-11⟧
Address: ⟦A:Apt 1207, 4950 Yonge St, North York, ON M2N 6K1⟧
Phone: ⟦T:416-555-0164⟧
2024 adjusted family net income: $71,400 (from the notices of assessment)
Dental: Dad has two ⟦MC:loose crowns⟧, Mom needs a ⟦MC:partial denture⟧. Dad is on ⟦MED:warfarin⟧, so the dentist must know.
No private dental insurance since Dad retired.
""",
)
add(
    "pii",
    "en",
    "solar-battery-rebate-eligibility",
    "form",
    """
Can you check this battery rebate eligibility section? The installer says it was rejected once already.

SOLAR HOMES – SOLAR BATTERY REBATE: ELIGIBILITY DETAILS
Owner-occupier: ⟦P:Noeleen Carmody⟧
Date of birth: ⟦DOB:19/09/1957⟧
Property: ⟦A:Unit 3/27 Grandview Rd, Bentleigh East VIC 3165⟧
Mobile: ⟦T:0412 775 309⟧
Email: ⟦E:noeleen.carmody@bigpond.example⟧
Pensioner Concession Card no.: ⟦ACC:408 338 271K⟧
Electricity retailer account no.: ⟦ACC:7002918834⟧
Combined household taxable income under $210,000: Yes
Additional information (optional): my son ⟦P:Declan⟧ needs ⟦MC:home dialysis⟧ overnight and we lose power in every storm.
""",
)
add(
    "pii",
    "en",
    "working-with-children-check-expiry-list",
    "csv",
    """
Which of these Working with Children Checks expire before our junior season starts on 11 October? Also flag anyone whose date of birth means they're under 18 and doesn't need one.

surname,given_name,dob,wwcc_number,expiry,role
⟦P:Tuilagi⟧,⟦P:Sione⟧,⟦DOB:12/05/1988⟧,⟦ACC:WWC1289174E⟧,03/09/2025,U12 coach
⟦P:Achterberg⟧,⟦P:Nell⟧,⟦DOB:27/02/1974⟧,⟦ACC:WWC0742291E⟧,14/02/2027,team manager
⟦P:Pham⟧,⟦P:Duc⟧,⟦DOB:08/11/2008⟧,,,scorer
⟦P:O'Loughlin⟧,⟦P:Caitriona⟧,⟦DOB:30/06/1969⟧,⟦ACC:WWC2018837E⟧,22/10/2025,U14 coach
⟦P:Marchetti⟧,⟦P:Gianluca⟧,⟦DOB:17/01/1993⟧,⟦ACC:WWC0998123E⟧,11/10/2025,U16 assistant
""",
)
add(
    "pii",
    "en",
    "boat-registration-transfer",
    "form",
    """
Selling my tinny to a mate. Is this transfer form filled in right, and do we both need to sign in front of someone?

VESSEL: 4.2 m Quintrex, 30 hp Yamaha outboard
Seller: ⟦P:Bradley Nankervis⟧
  NSW driver licence: ⟦DL:14883927⟧
  Address: ⟦A:12 Kookaburra Cres, Port Macquarie NSW 2444⟧
  Phone: ⟦T:0428 561 903⟧
Buyer: ⟦P:Shaun Kealy⟧
  NSW driver licence: ⟦DL:20917744⟧
  Date of birth: ⟦DOB:02/12/1990⟧
  Address: ⟦A:7/55 Owen St, Port Macquarie NSW 2444⟧
  Phone: ⟦T:0437 228 615⟧
Sale price: $6,500 incl. trailer (trailer rego transferred separately)
Date of sale: 30/08/2025
""",
)
add(
    "pii",
    "en",
    "senior-travel-card-api-request",
    "http",
    """
Our concession-card form keeps returning 422 on submit. Here's the request copied from DevTools (cookies removed). What's wrong with the payload?

POST /api/v2/concessions/senior-card/applications HTTP/1.1
Host: apply.transit-portal.example
Content-Type: application/json
X-Forwarded-For: ⟦IP:203.220.14.87⟧
User-Agent: Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X)

{"applicant":{"givenName":"⟦P:Beryl⟧","familyName":"⟦P:Odgers⟧","dateOfBirth":"⟦DOB:1951-04-03⟧","email":"⟦E:beryl.odgers@optusnet.example⟧","mobile":"⟦T:0403 118 472⟧"},"address":{"line1":"⟦A:14 Waratah St⟧","suburb":"⟦A:Katoomba⟧","state":"NSW","postcode":"⟦A:2780⟧"},"concession":{"type":"PCC","crn":"⟦ACC:305 918 442K⟧"},"photoConsent":"yes"}
""",
)
add(
    "pii",
    "en",
    "ird-refund-old-bank-account",
    "prose",
    """
Can you help me write a short message to Inland Revenue through myIR? My refund went to a closed account.

Kia ora,

My tax refund for the year ending 31 March was paid to my old ASB account ⟦ACC:12-3071-0245881-00⟧, which I closed while I was in hospital after a ⟦MC:hip fracture⟧ in June. Please reissue it to my Kiwibank account ⟦ACC:38-9014-0638127-01⟧.

Name: ⟦P:Aroha Tipene⟧
IRD number: ⟦ID@NZ:⁅ird⁆⟧
Address: ⟦A:22 Kowhai Street, Te Awamutu 3800⟧
Phone: ⟦T:027 418 2290⟧

Ngā mihi,
⟦P:Aroha⟧
""",
)
add(
    "pii",
    "en",
    "whitebait-stand-transfer",
    "form",
    """
Can you write a short cover letter to DOC to go with this whitebait stand transfer? Grandad can't manage it any more.

Stand no.: 231, Arahura River (true right bank)
Current holder: ⟦P:Mervyn Pascoe⟧, ⟦A:4 Golf Links Road, Hokitika 7810⟧, phone ⟦T:(03) 755 8421⟧
Proposed holder: his granddaughter ⟦P:Kahurangi Pascoe⟧
  Date of birth: ⟦DOB:9/11/1999⟧
  Address: ⟦A:61A Fitzherbert Street, Hokitika 7810⟧
  Mobile: ⟦T:022 394 1176⟧
  Email: ⟦E:kahu.pascoe@xtra.example⟧
Reason for transfer: ⟦P:Merv⟧ has been diagnosed with ⟦MC:Parkinson's⟧ and can no longer climb down to the stand.
""",
)
add(
    "pii",
    "en",
    "well-child-nurse-visit-summary",
    "prose",
    """
The well-child nurse left me this summary after today's visit. Can you explain the bits in plain English?

Baby: ⟦P:Mikaere Walker⟧, DOB ⟦DOB:02/07/2025⟧, NHI ⟦MRN:ZKM4721⟧
Mum: ⟦P:Georgia Walker⟧ – EPDS 14 today, referred to maternal mental health for ⟦MC:postnatal depression⟧; GP started ⟦MED:sertraline⟧ last week
Weight 6.1 kg (50th centile). Feeding: mixed. ⟦MC:Tongue tie⟧ released 15/07, latch improved.
Next: 3-month immunisations at the health centre; next core contact in 6 weeks.
Nurse: ⟦P:Raewyn⟧
""",
)
add(
    "pii",
    "en",
    "season-pass-portal-login-log",
    "kv-log",
    """
Someone is brute-forcing our ski-field season-pass portal. Can you group these by IP and tell me which accounts look compromised?

2025-07-02T06:14:08Z level=warn event=login_failed user=⟦U:hamish.mccaw⟧ ip=⟦IP:122.58.203.17⟧
2025-07-02T06:14:11Z level=warn event=login_failed user=⟦U:hamish.mccaw⟧ ip=⟦IP:185.220.101.44⟧
2025-07-02T06:14:15Z level=info event=login_ok user=⟦U:tessa_vd⟧ ip=⟦IP:185.220.101.44⟧ pass_id=⟦ACC:SP25-0418832⟧
2025-07-02T06:15:02Z level=info event=pass_photo_changed user=⟦U:tessa_vd⟧ ip=⟦IP:185.220.101.44⟧
2025-07-02T06:22:40Z level=info event=login_ok user=⟦U:ngaire.w⟧ ip=⟦IP:2406:e003:1a2b:4f00::2c1⟧ pass_id=⟦ACC:SP25-0391177⟧
2025-07-02T06:23:10Z level=warn event=login_failed user=admin ip=⟦IP:185.220.101.44⟧
2025-07-02T06:23:12Z level=warn event=login_failed user=svc_lifts ip=10.20.0.14
""",
)
add(
    "pii",
    "en",
    "stokvel-group-chat-arrears",
    "prose",
    """
Please summarise who still owes for November from our stokvel group chat and draft a polite reminder I can post (don't mention anyone's health).

[01/11, 07:12] ⟦P:Nomsa Dube⟧: Morning ladies 🌞 November contributions R500 into the Capitec account ⟦ACC:1472 009 316⟧ (ref: your name) by the 7th please
[01/11, 07:40] ⟦P:Lerato Mokoena⟧: Paid ✅
[02/11, 19:03] ⟦T:+27 72 418 3390⟧: It's ⟦P:Gugu⟧, new number. Will pay Friday
[03/11, 08:15] ⟦P:Nomsa Dube⟧: Thanks ⟦P:Gugu⟧, saved. ⟦P:Zanele⟧ you're on for the December payout
[05/11, 12:47] ⟦P:Zanele Mahlangu⟧: Sorry sisi I'm in Chris Hani Baragwanath since Monday, my ⟦MC:sugar diabetes⟧ was too high, they changed me to ⟦MED:insulin⟧. My son ⟦P:Sipho⟧ will pay from his FNB ⟦ACC:62 8830 14471⟧
[05/11, 12:50] ⟦P:Nomsa Dube⟧: Get well ⟦P:Zanele⟧ 🙏
""",
)
add(
    "pii",
    "en",
    "prepaid-electricity-token-complaint",
    "prose",
    """
Help me write a proper complaint to the municipality's electricity department. My prepaid tokens won't load and the call centre keeps giving me new reference numbers.

I'm Ms ⟦P:Mpho Rakgoale⟧, ID number ⟦ID@ZA:⁅za|1983-08-25|f⁆⟧.
Address: ⟦A:1187 Ntombela Street, Dobsonville, Soweto 1863⟧
Meter number: ⟦ACC:04281937551⟧
Cell: ⟦T:071 884 2305⟧

Since 14 October every token I buy says "Key change required". Call-centre references: CP-2025-1048813 and CP-2025-1052290. My mother lives with me and uses an ⟦MC:oxygen concentrator⟧ for her ⟦MC:emphysema⟧, so we cannot be without power. I have already lost R450 of tokens.
""",
)
add(
    "pii",
    "en",
    "homeschool-notice-of-intent",
    "form",
    """
Can you check our notice of intent to homeschool before I send it to the school district? Is anything missing?

NOTICE OF INTENT TO PROVIDE HOME INSTRUCTION – 2025/26
Parents: ⟦P:Jaco Oosthuizen⟧ and ⟦P:Liezl Oosthuizen⟧
Address: ⟦A:118 Cortland Ave, Ithaca, NY 14850⟧
Phone: ⟦T:(607) 555-0139⟧    Email: ⟦E:oosthuizen.family@webmail.example⟧
Children:
- ⟦P:Mia Oosthuizen⟧, date of birth ⟦DOB:February 13, 2015⟧ (grade 5)
- ⟦P:Ruan Oosthuizen⟧, date of birth ⟦DOB:September 8, 2017⟧ (grade 3) – has ⟦MC:dyslexia⟧ and ⟦MC:Tourette syndrome⟧, which is why we are withdrawing him
Date of withdrawal: 29 August 2025
""",
)
add(
    "pii",
    "en",
    "proof-of-residence-letter",
    "prose",
    """
The bank wants proof of residence for my tenant, who has no utility bill in her name. Can you turn this into a proper sworn letter from me as the property owner?

To whom it may concern,

This is to confirm that Ms ⟦P:Thembeka Gqola⟧, ID number ⟦ID@ZA:⁅za|1961-10-07|f⁆⟧, has lived at ⟦A:41 Ntlazane Road, Site C, Khayelitsha, Cape Town 7784⟧ since 2009 with her grandson ⟦P:Lwazi⟧. She can be reached on ⟦T:073 208 6614⟧. She needs the account to receive the care dependency grant for ⟦P:Lwazi⟧, who has ⟦MC:epilepsy⟧.

Signed: ⟦P:Anneke du Plessis⟧ (owner of the property), ⟦T:082 915 3370⟧
""",
)
add(
    "pii",
    "en",
    "marriage-biodata",
    "form",
    """
Please format this biodata nicely to send to families (one page), and add a short "about me" paragraph in a warm but modest tone.

BIODATA
Name: ⟦P:Ananya Raghavan⟧
Date of Birth: ⟦DOB:14-Feb-1994⟧
Time of Birth: 06:40 AM
Place of Birth: Thanjavur
Height: 5'4"
Education: M.Tech (VLSI), NIT Trichy
Occupation: Design engineer, Hyderabad
Father: Mr. ⟦P:R. Raghavan⟧ (retd. bank manager)
Mother: Mrs. ⟦P:Lalitha Raghavan⟧
Sibling: younger brother ⟦P:Karthik⟧, final year B.E. in Chennai
Address: ⟦A:Flat 3B, Sai Krupa Apartments, 14 Bazullah Road, T. Nagar, Chennai 600017⟧
Contact: ⟦T:+91 98410 27736⟧, ⟦E:raghavan.family@rediffmail.example⟧
Health: ⟦MC:hypothyroid⟧, on ⟦MED:Thyronorm⟧ – fully controlled
Gothram: Kaundinya · Star: Rohini
""",
)
add(
    "pii",
    "en",
    "form-15g-cover-note",
    "form",
    """
Draft a short covering note to our bank branch for submitting Form 15G for my mother, so they stop deducting TDS on her FDs.

Customer name: ⟦P:Sarojini Pillai⟧
Customer ID: ⟦ACC:48810327⟧
PAN: ⟦ID@IN:⁅pan|P|P⁆⟧
Date of birth: ⟦DOB:05/11/1967⟧
FD account numbers: ⟦ACC:50100482217396⟧, ⟦ACC:50100482217404⟧
Estimated interest FY 2025-26: ₹1,48,000 (total income below the basic exemption limit)
Address: ⟦A:TC 27/1148, Pallimukku, Ernakulam, Kochi 682016⟧
Mobile: ⟦T:94470 31825⟧
""",
)
add(
    "pii",
    "en",
    "fixed-deposit-nomination-minor",
    "form",
    """
Help me fill this nomination form for a fixed deposit at our co-operative bank; my son is a minor so I'm confused about the guardian part.

FORM DA-1 – NOMINATION
Depositor: ⟦P:Harpreet Kaur Sandhu⟧
Deposit account no.: ⟦ACC:0041 1200 3387⟧
Nominee name: ⟦P:Jaskaran Singh Sandhu⟧
Relationship with depositor: son
Nominee date of birth: ⟦DOB:21.08.2013⟧ (minor)
Person to receive the amount on behalf of the minor: ⟦P:Gurmeet Singh Sandhu⟧ (father), Aadhaar ⟦ID@IN:⁅aadhaar⁆⟧
Address of nominee: ⟦A:House No. 221, Phase 3B-2, Sector 60, Mohali, Punjab 160059⟧
Witness: ⟦P:Baljinder Kaur⟧, ⟦T:98141 22907⟧
""",
)
add(
    "pii",
    "en",
    "apartment-gate-visitor-log",
    "kv-log",
    """
This is our housing society's gate app export. Can you count visits per flat for October and flag any visitor who came more than 10 times?

ts=2025-10-03T09:12 gate=G1 flat=B-1104 visitor="⟦P:Ramesh⟧ (cook)" phone=⟦T:98201 44731⟧ type=daily_help approved_by="⟦P:Meera Iyer⟧"
ts=2025-10-03T11:40 gate=G2 flat=C-302 visitor="Swiggy" phone=NA type=delivery approved_by=auto
ts=2025-10-03T18:05 gate=G1 flat=B-1104 visitor="Dr. ⟦P:Neha Kulkarni⟧" phone=⟦T:99870 52218⟧ type=guest approved_by="⟦P:Meera Iyer⟧" note="physio for Mr ⟦P:Iyer⟧'s ⟦MC:stroke⟧ rehab"
ts=2025-10-04T08:55 gate=G1 flat=A-702 visitor="⟦P:Sunita Devi⟧ (maid)" phone=⟦T:70458 66120⟧ type=daily_help approved_by="⟦P:Farhan Qureshi⟧"
ts=2025-10-04T21:30 gate=G2 flat=A-702 visitor="Blinkit" phone=NA type=delivery approved_by=auto
""",
)
add(
    "pii",
    "en",
    "helper-six-monthly-medical-booking",
    "form",
    """
Booking my helper's six-monthly medical exam at the clinic. Can you check I've got everything they ask for?

Helper name: ⟦P:Maricel Dumalagan Bautista⟧
Passport no.: ⟦PASS:P4418207B⟧
Date of birth: ⟦DOB:17 Jan 1990⟧
Employer name: ⟦P:Lim Wei Ling⟧ (Ms)
Employer mobile: ⟦T:+65 9186 4402⟧
Address: ⟦A:Blk 423 Serangoon Central, #11-208, Singapore 550423⟧
Notes for the doctor: ⟦P:Maricel⟧ has mild ⟦MC:anaemia⟧ and takes ⟦MED:ferrous sulphate⟧ daily; last exam in April was normal.
Payment: please charge my card ⟦CC:⁅card|mc|dash⁆⟧ (exp 11/27) when you confirm the slot.
""",
)
add(
    "pii",
    "en",
    "resale-flat-buyer-particulars",
    "prose",
    """
Can you check the tone of this email to our conveyancing lawyer?

Dear Mr ⟦P:Tan⟧,

As requested, here are the particulars of the buyers for the resale flat at ⟦A:Blk 118 Bishan Street 12, #05-61, Singapore 570118⟧.

Buyer 1: ⟦P:Goh Jun Hao⟧, born ⟦DOB:3 September 1991⟧, mobile ⟦T:+65 8823 1190⟧, ⟦E:junhao.goh@gmail.example⟧
Buyer 2: ⟦P:Nurul Aisyah binte Rahmat⟧, born ⟦DOB:22 April 1993⟧, mobile ⟦T:+65 9017 6624⟧
Our current address: ⟦A:Blk 55 Tiong Bahru Road, #03-12, Singapore 160055⟧

Please note that ⟦P:Aisyah⟧ is undergoing ⟦MC:chemotherapy⟧ until December, so could the completion appointment be a video call or late afternoon?

Regards,
⟦P:Jun Hao⟧
""",
)
add(
    "pii",
    "en",
    "chronic-disease-consult-summary",
    "prose",
    """
Can you turn my consult notes into a patient-friendly summary for Mdm ⟦P:Lee⟧? Keep the numbers, explain the abbreviations.

Pt: ⟦P:LEE AH MOI⟧, 68F, DOB ⟦DOB:02/05/1957⟧
Hx: ⟦MC:T2DM⟧ x12y, ⟦MC:HTN⟧, ⟦MC:HLD⟧, ⟦MC:CKD stage 3a⟧ (eGFR 52)
Meds: ⟦MED:metformin⟧ 850 BD, ⟦MED:linagliptin⟧ 5 OM, ⟦MED:amlodipine⟧ 10 OM, ⟦MED:atorvastatin⟧ 20 ON
Today: HbA1c 8.1% (prev 7.4), BP 148/86
Plan: add ⟦MED:empagliflozin⟧ 10 OM; diet counselling; foot screen – L big toe ⟦MC:callus⟧; retinal photo next month
Contact: daughter ⟦P:Serene⟧ ⟦T:+65 9472 0185⟧ (prefers English)
""",
)
add(
    "pii",
    "en",
    "active-ageing-attendance-roster",
    "yaml",
    """
The attendance tablet at our active ageing centre imports this YAML roster. Can you add a `buddy` field to each entry and fix the indentation error?

participants:
  - name: ⟦P:Tan Ah Kow⟧
    phone: "⟦T:+65 9733 5126⟧"
    class: Tue 9am chair exercise
    note: "⟦MC:knee osteoarthritis⟧ – seated only"
  - name: ⟦P:Rajeswari d/o Muthu⟧
    next_of_kin: ⟦P:Ramesh Nair⟧
    phone: "⟦T:+65 8155 2047⟧"
    class: Thu 10am walking group
    note: "⟦MC:hypertension⟧, check BP before class"
  - name: ⟦P:Zulkifli bin Osman⟧
     phone: "⟦T:+65 9264 7718⟧"
    class: Sat 8am tai chi
""",
)
add(
    "pii",
    "en",
    "service-year-redeployment-health",
    "prose",
    """
Please correct the grammar in this redeployment letter and make it sound formal.

The State Coordinator,
NYSC Kano State Secretariat.

Dear Sir,

APPLICATION FOR REDEPLOYMENT ON HEALTH GROUNDS

I am Corps Member ⟦P:Chidinma Adaeze Nwosu⟧ with State Code ⟦ACC:KN/25A/1187⟧ and call-up number ⟦ACC:NYSC/UNN/2024/188273⟧. I was posted to Kano State but I have ⟦MC:sickle cell anaemia⟧ and had two crises during orientation camp, one of which required admission. My haematologist in Enugu, Dr ⟦P:Obiageli Eze⟧, has advised that I stay close to her care.

I attach my medical report and the camp clinic's referral. My phone number is ⟦T:+234 803 417 2298⟧ and my home address is ⟦A:No. 14 Zik Avenue, Uwani, Enugu⟧.

Yours faithfully,
⟦P:Chidinma Nwosu⟧
""",
)
add(
    "pii",
    "en",
    "salary-advance-child-surgery",
    "prose",
    """
Help me write this request to HR properly; I want it respectful but clear.

Dear HR Manager,

I am writing to request a salary advance of ₦850,000 to be repaid over ten months. My daughter ⟦P:Tomiwa⟧, aged 4, was diagnosed with a ⟦MC:ventricular septal defect⟧ (hole in the heart) and her surgery is scheduled at the end of the month.

Name: ⟦P:Oluwaseun Bakare⟧
Staff ID: ⟦ACC:LGS-04471⟧
Salary account: ⟦ACC:0123748829⟧
Phone: ⟦T:+234 816 204 7735⟧

I can provide the cardiologist's report from Dr ⟦P:Funmilayo Adekunle⟧ if needed.

Yours faithfully,
⟦P:Seun Bakare⟧
""",
)
add(
    "pii",
    "en",
    "hajj-group-passport-list",
    "markdown-table",
    """
Our mosque's Hajj group leader sent this list. Can you check which pilgrims still lack the meningitis vaccine and write a reminder in simple English?

| # | Pilgrim | Passport no. | Phone | Meningitis vaccine | Notes |
|---|---|---|---|---|---|
| 1 | Alhaji ⟦P:Musa Garba⟧ | ⟦PASS:A09124788⟧ | ⟦T:+234 805 442 9017⟧ | yes | ⟦MC:hypertension⟧, on ⟦MED:amlodipine⟧ |
| 2 | Hajiya ⟦P:Hauwa Garba⟧ | ⟦PASS:A10387215⟧ | ⟦T:+234 803 118 4490⟧ | no | ⟦MC:wheelchair⟧ at Jamarat |
| 3 | ⟦P:Ibrahim Lawal⟧ | ⟦PASS:B00461932⟧ | ⟦T:+234 809 771 2036⟧ | yes | |
| 4 | ⟦P:Aisha Bello-Lawal⟧ | ⟦PASS:A11750264⟧ | ⟦T:+234 701 228 4410⟧ | no | ⟦MC:asthma⟧ – carries ⟦MED:inhaler⟧ |

Group leader: Mallam ⟦P:Sani⟧
""",
)
add(
    "pii",
    "en",
    "online-giving-export-json",
    "json",
    """
Our church's giving platform exports JSON lines. Can you turn this into a CSV for the treasurer (date, name, member no., fund, amount) and leave out the prayer requests?

{"paidAt":"2025-10-19T08:41:12Z","amount":25000,"currency":"NGN","fund":"Building Fund","donor":{"name":"⟦P:Ikechukwu Obi⟧","email":"⟦E:ik.obi@mailbox.example⟧","phone":"⟦T:+2348034412290⟧","memberNo":"⟦ACC:RCCG-PH-00418⟧"},"prayerRequest":"Pray for my wife ⟦P:Ngozi⟧'s recovery from the ⟦MC:stroke⟧"}
{"paidAt":"2025-10-19T09:02:55Z","amount":10000,"currency":"NGN","fund":"Tithe","donor":{"name":"⟦P:Chiamaka Eze⟧","email":"⟦E:chiamaka.eze@mailbox.example⟧","phone":"⟦T:+2348091123347⟧","memberNo":"⟦ACC:RCCG-PH-00733⟧"},"prayerRequest":null}
""",
)
add(
    "pii",
    "en",
    "matatu-sacco-dividend-register",
    "csv",
    """
Please convert this sacco register into the format our bulk M-Pesa payment tool wants (name, phone as 2547XXXXXXXX, amount = dividend_2024).

member_no,name,phone,share_capital,dividend_2024
⟦ACC:MSC-0117⟧,⟦P:Peter Kamau Njoroge⟧,⟦T:+254 712 448 931⟧,45000,5400
⟦ACC:MSC-0142⟧,⟦P:Mercy Wanjiru Gitau⟧,⟦T:+254 722 903 118⟧,30000,3600
⟦ACC:MSC-0163⟧,⟦P:OUMA Brian Otieno⟧,⟦T:+254 733 610 285⟧,60000,7200
⟦ACC:MSC-0188⟧,⟦P:Hassan Abdi Noor⟧,⟦T:+254 701 557 204⟧,15000,1800
""",
)
add(
    "pii",
    "en",
    "borehole-water-permit-application",
    "form",
    """
I'm applying for a permit to drill a borehole on our plot. Can you improve the "reason for application" part?

Applicant: ⟦P:Daniel Kiprotich Rono⟧
Phone: ⟦T:+254 722 117 409⟧
Email: ⟦E:dkrono@kenyamail.example⟧
Postal/physical address: ⟦A:House 41, Kapsoya Estate, Eldoret⟧
Co-applicant (wife): ⟦P:Caroline Chebet Rono⟧, ⟦T:+254 733 450 918⟧
Proposed use: domestic and watering of 40 avocado trees
Reason: the county water supply comes twice a week and ⟦P:Caroline⟧ is on ⟦MC:dialysis⟧ three times a week, so we cannot store enough clean water.
""",
)
add(
    "pii",
    "en",
    "hawker-licence-application",
    "form",
    """
Please help me write the "purpose of business" paragraph for my county trading licence application. I sell fruit at the stage.

Applicant: ⟦P:Mary Achieng Otieno⟧
Phone / M-Pesa: ⟦T:+254 790 118 562⟧
Residence: ⟦A:House 12, Nyalenda B, Kisumu⟧
Business: fruit and vegetable stall, Jubilee Market gate 3
Assistant: my nephew ⟦P:Samuel Mwangi Kariuki⟧, ⟦T:+254 711 902 334⟧
Previous licence no.: ⟦ACC:KSM/SBP/2024/018733⟧
Special consideration: I am ⟦MC:partially sighted⟧ and need a stall on the ground level near the entrance.
""",
)
add(
    "pii",
    "en",
    "outreach-clinic-patient-seed-sql",
    "sql",
    """
Is this SQL safe to run on our clinic's Postgres? It seeds patients from the outreach paper register; dx and meds are free text for now.

INSERT INTO patients (mrn, full_name, dob, sex, phone, village, dx, meds) VALUES
('⟦MRN:LDW-25-00871⟧', '⟦P:Ekai Lomuria⟧', '⟦DOB:1979-02-14⟧', 'M', '⟦T:+254 728 440 117⟧', 'Nakwamekwi', '⟦MC:malaria⟧ (uncomplicated)', '⟦MED:artemether-lumefantrine⟧'),
('⟦MRN:LDW-25-00872⟧', '⟦P:Akai Nakiru⟧', '⟦DOB:1996-07-30⟧', 'F', '⟦T:+254 746 902 513⟧', 'Kanamkemer', '⟦MC:HIV⟧, on ⟦MED:ART⟧', '⟦MED:TLD⟧'),
('⟦MRN:LDW-25-00873⟧', '⟦P:Lokiru Ewoi⟧', '⟦DOB:2021-12-05⟧', 'M', NULL, 'Napetet', '⟦MC:severe acute malnutrition⟧', NULL);
""",
)
add(
    "pii",
    "en",
    "septic-tank-grant-application",
    "form",
    """
Can you check this septic tank grant form before I post it to the council? I'm not sure the income bit is right.

DOMESTIC WASTE WATER TREATMENT SYSTEMS – GRANT APPLICATION
Applicant: ⟦P:Fionnuala Geraghty⟧
PPS number: ⟦ID@IE:⁅pps⁆⟧
Address of property: ⟦A:Cloonfad, Ballyhaunis, Co. Mayo F35 X4K7⟧
Phone: ⟦T:094 963 0184⟧   Mobile: ⟦T:086 771 2049⟧
Email: ⟦E:fgeraghty@eircom.example⟧
Inspection reference: MAY-DWWTS-2024-118
Bank account for payment: IBAN ⟦IBAN:⁅iban|IE⁆⟧
Gross household income: €41,500
""",
)
add(
    "pii",
    "en",
    "housing-adaptation-grant-stairlift",
    "prose",
    """
My brother ⟦P:Colm⟧ has ⟦MC:motor neurone disease⟧ and needs a stairlift and a level-access shower. Can you draft the covering letter for the Housing Adaptation Grant for People with a Disability? Details:

Applicant: ⟦P:Colm Rafferty⟧, PPSN ⟦ID@IE:⁅pps⁆⟧, DOB ⟦DOB:02/06/1968⟧
Address: ⟦A:17 St. Brendan's Park, Tralee, Co. Kerry V92 H3P8⟧
Occupational therapist: ⟦P:Sinéad Lucey⟧ (her report is dated 4 September)
Contact person: me, ⟦P:Bernadette Rafferty⟧, ⟦T:087 309 5521⟧, ⟦E:bernie.rafferty@gmail.example⟧
He's on ⟦MED:riluzole⟧ and can no longer manage the stairs at all.
""",
)
add(
    "pii",
    "en",
    "turf-plot-allocation-list",
    "csv",
    """
Our bog committee allocates turf-cutting plots every spring. Can you check this list for anyone who's been given two plots, and sort it by townland?

plot,holder,townland_address,phone,notes
7,⟦P:Con Fitzgibbon⟧,"⟦A:Derryvohy, Ballinamore, Co. Leitrim N41 W2F6⟧",⟦T:087 412 9930⟧,"son ⟦P:Donal⟧ cuts for him since his ⟦MC:heart stent⟧"
8,⟦P:Jimmy O'Leary⟧,"⟦A:Gorvagh, Mohill, Co. Leitrim N41 C8K3⟧",⟦T:085 226 3017⟧,
9,⟦P:Dessie Barrett⟧,"⟦A:Aughavas, Co. Leitrim N41 P2E7⟧",⟦T:083 190 4472⟧,"shares a bank with ⟦P:Paddy Barrett⟧"
12,⟦P:Paddy Barrett⟧,"⟦A:Aughavas, Co. Leitrim N41 P2E7⟧",⟦T:087 558 2041⟧,
14,⟦P:Ger Hennessy⟧,"⟦A:Cloone, Co. Leitrim N41 H6Y2⟧",⟦T:086 644 0931⟧,"⟦MC:type 2 diabetes⟧ – don't send him out alone on the bog"
15,⟦P:Jimmy O'Leary⟧,"⟦A:Gorvagh, Mohill, Co. Leitrim N41 C8K3⟧",⟦T:085 226 3017⟧,second plot?
""",
)


# ---------------------------------------------------------------------------
# group pii — other languages (2 each)
# ---------------------------------------------------------------------------
add(
    "pii",
    "de",
    "zweitwohnungsteuer-erklaerung",
    "form",
    """
Kannst du mir helfen, die Begründung in Feld 7 kürzer und sachlicher zu formulieren? Ich will aus der Zweitwohnungsteuer raus, weil ich die Wohnung nur wegen der Arbeit habe.

Erklärung zur Zweitwohnungsteuer – Stadt Freiburg im Breisgau
Name, Vorname: ⟦P:Brandl, Korbinian⟧
Geburtsdatum: ⟦DOB:04.07.1989⟧
Hauptwohnung: ⟦A:Marktstraße 14, 83646 Bad Tölz⟧
Nebenwohnung: ⟦A:Wiehrestraße 31, 2. OG links, 79100 Freiburg⟧
Steuerliche Identifikationsnummer: ⟦ID@DE:⁅idnr|spaced⁆⟧
Telefon: ⟦T:0171 4827331⟧
E-Mail: ⟦E:k.brandl@posteo.example⟧
Feld 7 – Begründung: Ich bin verheiratet, meine Frau ⟦P:Theresa Brandl⟧ wohnt mit unseren Kindern in Bad Tölz, die Wohnung in Freiburg nutze ich nur unter der Woche. Seit meinem ⟦MC:Bandscheibenvorfall⟧ im Frühjahr kann ich nicht mehr täglich vier Stunden pendeln, das ist doch keine Ferienwohnung!!
""",
)
add(
    "pii",
    "de",
    "heizkostenzuschuss-antrag-steiermark",
    "form",
    """
Bitte mach daraus eine kurze, höfliche E-Mail an das Sozialamt, ich habe die Frist fast verpasst und will fragen, ob ich die Unterlagen nachreichen kann.

Antrag auf Heizkostenzuschuss 2025/26
Antragstellerin: ⟦P:Hermine Pöltl⟧
Versicherungsnummer: ⟦ID@AT:⁅vnr|1948-11-22⁆⟧
Geburtsdatum: ⟦DOB:22.11.1948⟧
Adresse: ⟦A:Annenstraße 58/3/12, 8020 Graz⟧
Telefon: ⟦T:0664 2817340⟧
Haushalt: allein lebend, verwitwet seit 2019
Einkommen: Pension mit Ausgleichszulage, € 1.273,99 netto
Heizung: Gas-Etagenheizung
Bankverbindung: ⟦IBAN:⁅iban|AT⁆⟧ (lautend auf ⟦P:Hermine Pöltl⟧)
Anmerkung: Meine Tochter ⟦P:Sieglinde Haas⟧ hilft mir beim Ausfüllen (Tel. ⟦T:0676 9184402⟧), weil ich seit dem ⟦MC:Schlaganfall⟧ schlecht sehe.
""",
)
add(
    "pii",
    "fr",
    "demande-logement-social",
    "form",
    """
Peux-tu relire ce formulaire de demande de logement social et me dire ce qui manque avant que je le dépose en mairie ?

Demandeur : Mme ⟦P:Yasmina Bensaïd⟧
Née le : ⟦DOB:9 avril 1986⟧ à Roubaix
N° de sécurité sociale : ⟦ID@FR:⁅nir|1986-04-09|f|59⁆⟧
Adresse actuelle : ⟦A:17 rue de l'Épeule, appt 4, 59100 Roubaix⟧
Téléphone : ⟦T:06 42 81 77 19⟧
Courriel : ⟦E:y.bensaid@laposte.example⟧
Situation familiale : séparée, deux enfants à charge (⟦P:Inès⟧, 8 ans, et ⟦P:Rayan⟧, 5 ans)
Motif de la demande : logement trop petit (T2 pour trois) et humide ; mon fils ⟦P:Rayan⟧ est ⟦MC:asthmatique⟧ et l'humidité aggrave ses crises (⟦MED:Flixotide⟧ matin et soir).
""",
)
add(
    "pii",
    "fr",
    "prime-renovation-wallonie",
    "form",
    """
Je remplis la demande de prime Rénovation pour l'isolation de la toiture. Tu peux vérifier que tout est cohérent avec la facture ?

Demandeur : ⟦P:Arnaud Delvaux⟧
Numéro de registre national : ⟦ID@BE:⁅nn|1979-01-24|m⁆⟧
Date de naissance : ⟦DOB:24/01/1979⟧
Adresse du logement : ⟦A:Rue des Tanneurs 12, bte 2, 5000 Namur⟧
GSM : ⟦T:0472 38 41 90⟧
E-mail : ⟦E:arnaud.delvaux@skynet.example⟧
Compte bancaire pour le versement : ⟦IBAN:⁅iban|BE⁆⟧
Cohabitante : ⟦P:Mélanie Wéry⟧, née le ⟦DOB:3 octobre 1981⟧
Entrepreneur : Toitures Gillet SRL, facture n° 2025-0388 du 12/06/2025, 14 236,50 € TVAC
""",
)
add(
    "pii",
    "es",
    "ingreso-minimo-vital-solicitud",
    "form",
    """
¿Me ayudas a revisar la solicitud del Ingreso Mínimo Vital antes de enviarla por la sede electrónica? Sobre todo la parte de la unidad de convivencia.

Solicitante: ⟦P:Rocío Fernández Quintero⟧, DNI ⟦ID@ES:⁅dni_es⁆⟧, nacida el ⟦DOB:12/09/1984⟧
Domicilio: ⟦A:C/ Feria 41, 3º izq., 41003 Sevilla⟧
Teléfono: ⟦T:612 448 903⟧
Miembros de la unidad de convivencia:
- ⟦P:Aarón Fernández Quintero⟧ (hijo), nacido el ⟦DOB:3/02/2011⟧
- ⟦P:Mihaela Popescu⟧ (pareja), NIE ⟦ID@ES:⁅nie_es⁆⟧, nacida el ⟦DOB:27 de junio de 1987⟧
Cuenta para el abono: ⟦IBAN:⁅iban|ES⁆⟧
Observaciones: ⟦P:Mihaela⟧ tiene reconocida una discapacidad del 45 % por ⟦MC:esclerosis múltiple⟧.
""",
)
add(
    "pii",
    "es",
    "certificado-discapacidad-renovacion",
    "form",
    """
Necesito renovar el Certificado Único de Discapacidad de mi hijo. ¿Qué documentación me falta según estos datos? La junta evaluadora nos dio turno para diciembre.

Beneficiario: ⟦P:Tomás Agustín Ledesma⟧
DNI: ⟦ID@AR:⁅dni_ar⁆⟧
Fecha de nacimiento: ⟦DOB:15/05/1998⟧
Diagnóstico: ⟦MC:trastorno del espectro autista⟧ con ⟦MC:discapacidad intelectual moderada⟧
Medicación: ⟦MED:risperidona⟧ 1 mg por la noche
Domicilio: ⟦A:Av. Colón 1432, piso 5 "B", X5000 Córdoba⟧
Teléfono de contacto (madre, ⟦P:Graciela Ledesma⟧): ⟦T:+54 9 351 618-2290⟧
Vencimiento del certificado actual: 30/11/2025
""",
)
add(
    "pii",
    "it",
    "domanda-passo-carrabile",
    "prose",
    """
Mi aiuti a scrivere meglio la motivazione? È la domanda al Comune per il passo carrabile, e l'ufficio mi ha già chiesto di integrarla una volta.

Il sottoscritto ⟦P:Loris Zanetti⟧, nato a Modena il ⟦DOB:18/03/1972⟧, C.F. ⟦ID@IT:⁅cf|Zanetti|Loris|1972-03-18|m|F257⁆⟧, residente in ⟦A:Via Emilia Est 233, 41121 Modena⟧, tel. ⟦T:347 812 4490⟧, e-mail ⟦E:loris.zanetti@libero.example⟧,

CHIEDE

il rilascio dell'autorizzazione per il passo carrabile al civico sopra indicato.

Motivazione: mia moglie ⟦P:Patrizia⟧ è in ⟦MC:carrozzina⟧ per una ⟦MC:lesione midollare⟧ e senza il passo carrabile le auto parcheggiano davanti al cancello, così non riusciamo a farla salire in macchina.
""",
)
add(
    "pii",
    "it",
    "comunicazione-ospitalita-straniero",
    "form",
    """
Devo comunicare al Comune che ospito una studentessa brasiliana. Puoi scrivermi un breve testo di accompagnamento da mandare via PEC? E devo dichiarare anche il suo problema di salute?

COMUNICAZIONE DI OSPITALITÀ (art. 7 D.Lgs. 286/1998)
Ospitante: ⟦P:Giovanna Ruffini⟧, nata a Bari il ⟦DOB:02/10/1965⟧
C.F.: ⟦ID@IT:⁅cf|Ruffini|Giovanna|1965-10-02|f|A662⁆⟧
Abitazione: ⟦A:Via Sparano da Bari 112, 70121 Bari⟧
Tel.: ⟦T:339 610 2874⟧
Ospite: ⟦P:Larissa Duarte Menezes⟧, cittadina brasiliana, nata il ⟦DOB:14/06/2003⟧
Passaporto n.: ⟦PASS:FZ418273⟧
Decorrenza: 01/09/2025, a titolo gratuito
Nota: ⟦P:Larissa⟧ ha il ⟦MC:diabete di tipo 1⟧ e usa il microinfusore.
""",
)
add(
    "pii",
    "pt",
    "livro-reclamacoes-clinica-dentaria",
    "form",
    """
Quero fazer uma reclamação no Livro de Reclamações eletrónico contra uma clínica dentária. Podes melhorar o texto e deixá-lo mais objetivo?

Nome: ⟦P:Rui Miguel Carvalhais⟧
NIF: ⟦ID@PT:⁅nif_pt⁆⟧
Morada: ⟦A:Rua de Cedofeita 318, 2.º Dto, 4050-174 Porto⟧
Telemóvel: ⟦T:912 384 771⟧
Email: ⟦E:rui.carvalhais@sapo.example⟧
Texto: No dia 12 de setembro fiz uma ⟦MC:extração do dente 36⟧ na clínica. Informei na ficha que tomo ⟦MED:Xarelto⟧ por causa de uma ⟦MC:fibrilhação auricular⟧, mas ninguém me perguntou nada antes da extração. Tive uma ⟦MC:hemorragia⟧ durante dois dias e acabei nas urgências. Peço o reembolso dos 180 € e uma explicação por escrito.
""",
)
add(
    "pii",
    "pt",
    "farmacia-popular-cadastro-mae",
    "form",
    """
Minha mãe quer retirar remédio pelo Farmácia Popular. Pode me dizer se essa receita e esses dados bastam para a farmácia credenciada?

Nome: ⟦P:Maria das Dores Albuquerque Lins⟧
CPF: ⟦ID@BR:⁅cpf⁆⟧
Data de nascimento: ⟦DOB:7 de março de 1953⟧
Endereço: ⟦A:Rua Real da Torre, 880, apto 1203, Madalena, Recife - PE, 50610-000⟧
Celular: ⟦T:(81) 99647-3102⟧
Receita (validade 180 dias): ⟦MED:losartana⟧ 50 mg 1x/dia para ⟦MC:hipertensão⟧; ⟦MED:metformina⟧ 850 mg 2x/dia para ⟦MC:diabetes tipo 2⟧
Médica: Dra. ⟦P:Juliana Cavalcanti⟧
Quem vai buscar: eu, a filha, ⟦P:Patrícia Lins⟧
""",
)
add(
    "pii",
    "nl",
    "kwijtschelding-gemeentelijke-belastingen",
    "form",
    """
Kun je dit kwijtscheldingsverzoek nakijken? Het gaat om de aanslag 2025 voor afvalstoffenheffing en rioolheffing. Klopt de toelichting zo?

Naam: ⟦P:Sander van Beek⟧
BSN: ⟦ID@NL:⁅bsn⁆⟧
Adres: ⟦A:Kanaalstraat 84-2, 3531 CJ Utrecht⟧
Telefoon: ⟦T:06-41873392⟧
Rekeningnummer: ⟦IBAN:⁅iban|NL⁆⟧
Inkomen: WW-uitkering sinds maart, vanaf augustus Ziektewet vanwege een ⟦MC:burn-out⟧
Toelichting: ik woon samen met mijn dochter ⟦P:Lotte⟧ (12) en heb geen vermogen behalve een oude auto.
""",
)
add(
    "pii",
    "nl",
    "stadspas-aanvraag-gezin",
    "form",
    """
Help me even met het aanvraagformulier voor de stadspas voor minima. Welke bijlagen moet ik meesturen?

Aanvrager: ⟦P:Fatma de Groot-Yıldırım⟧, geboren ⟦DOB:30-12-1974⟧
Partner: ⟦P:Johannes de Groot⟧, geboren ⟦DOB:5 mei 1970⟧
Kinderen: ⟦P:Elif⟧ (11) en ⟦P:Daan⟧ (7)
Adres: ⟦A:Weimarstraat 213, 2562 HC Den Haag⟧
E-mail: ⟦E:fatma.degroot@ziggo.example⟧
Telefoon: ⟦T:070-3458821⟧
Bijzonderheden: ⟦P:Johannes⟧ heeft ⟦MC:COPD⟧ en rijdt in een ⟦MC:scootmobiel⟧, dus we willen graag weten of de pas ook korting geeft op aangepast vervoer.
""",
)
add(
    "pii",
    "pl",
    "wniosek-dodatek-oslonowy",
    "form",
    """
Pomóż mi sprawdzić ten wniosek o dodatek osłonowy, zanim zaniosę go do ośrodka pomocy społecznej. Czy dobrze wpisałam gospodarstwo domowe?

Wnioskodawca: ⟦P:Danuta Wróblewska⟧
PESEL: ⟦ID@PL:⁅pesel|1956-05-17|f⁆⟧
Adres: ⟦A:ul. Piotrkowska 211 m. 14, 90-451 Łódź⟧
Telefon: ⟦T:604 381 227⟧
Gospodarstwo domowe: 2 osoby – ja i syn ⟦P:Marcin Wróblewski⟧ (PESEL ⟦ID@PL:⁅pesel|1984-09-03|m⁆⟧)
Główne źródło ogrzewania: kocioł gazowy
Numer rachunku: ⟦IBAN:⁅iban|PL⁆⟧
Uwagi: syn ma orzeczenie o niepełnosprawności (⟦MC:schizofrenia⟧), jestem jego opiekunką.
""",
)
add(
    "pii",
    "pl",
    "upowaznienie-dokumentacja-medyczna",
    "prose",
    """
Napisz mi proszę krótkie upoważnienie dla przychodni, żeby mąż mógł odebrać kopię mojej dokumentacji medycznej, bo ja leżę w domu po zabiegu.

Moje dane: ⟦P:Agnieszka Kuropatwa⟧, PESEL ⟦ID@PL:⁅pesel|1979-12-02|f⁆⟧, ⟦A:ul. Długa 8/3, 31-146 Kraków⟧.
Upoważniony: mąż ⟦P:Tomasz Kuropatwa⟧, PESEL ⟦ID@PL:⁅pesel|1977-04-28|m⁆⟧, tel. ⟦T:512 847 390⟧. Proszę o wydanie dokumentów ⟦P:Tomaszowi Kuropatwie⟧ za okazaniem dowodu osobistego.
Zakres: historia leczenia ⟦MC:nadczynności tarczycy⟧ (⟦MC:choroba Gravesa-Basedowa⟧) z ostatnich trzech lat, wyniki USG tarczycy i karta informacyjna ze szpitala. Od roku biorę ⟦MED:tiamazol⟧ (⟦MED:Thyrozol⟧), a endokrynolog chce zobaczyć wszystkie wyniki TSH.
""",
)
add(
    "pii",
    "cs",
    "kotlikova-dotace-zadost",
    "form",
    """
Můžeš mi zkontrolovat žádost o kotlíkovou dotaci? Chceme vyměnit starý kotel na uhlí za tepelné čerpadlo a nevím, jestli musí podepsat i manželka.

Žadatel: ⟦P:Jaroslav Vondráček⟧
Rodné číslo: ⟦ID@CZ:⁅rc|1958-06-30|m⁆⟧
Trvalý pobyt: ⟦A:Na Výsluní 218, 763 15 Slušovice⟧
Telefon: ⟦T:731 448 209⟧
E-mail: ⟦E:j.vondracek@seznam.example⟧
Číslo účtu: ⟦IBAN:⁅iban|CZ⁆⟧
Spoluvlastnice: manželka ⟦P:Věra Vondráčková⟧, r. č. ⟦ID@CZ:⁅rc|1961-02-11|f⁆⟧
Příjem domácnosti: starobní důchod (oba)
Poznámka: manželka je po ⟦MC:infarktu⟧, takže potřebujeme, aby byla výměna hotová do zimy.
""",
)
add(
    "pii",
    "cs",
    "registrace-senior-pas",
    "form",
    """
Chci mámu zaregistrovat do programu slev pro seniory. Napiš mi prosím krátký průvodní e-mail a zkontroluj, jestli nic nechybí.

Jméno a příjmení: ⟦P:Ludmila Holubová⟧
Rodné číslo: ⟦ID@CZ:⁅rc|1949-10-14|f⁆⟧
Datum narození: ⟦DOB:14. 10. 1949⟧
Adresa: ⟦A:Kounicova 44, 602 00 Brno⟧
Telefon: ⟦T:608 221 947⟧
Kontaktní osoba: dcera ⟦P:Petra Holubová⟧, ⟦E:petra.holubova@seznam.example⟧
Poznámka: máma má ⟦MC:cukrovku 2. typu⟧ a hlavně by ji zajímaly slevy v lékárnách a na pedikúru. Registruji ⟦P:Ludmilu Holubovou⟧ poprvé.
""",
)
add(
    "pii",
    "da",
    "klage-ejendomsvurdering",
    "prose",
    """
Kan du hjælpe mig med at skrive en klage over vores nye ejendomsvurdering? Vi mener grundværdien er alt for høj, og at ombygningen er talt med som forbedring.

Ejere: ⟦P:Bent Kjærgaard⟧ (CPR ⟦ID@DK:⁅cpr|1951-03-19|m⁆⟧) og ⟦P:Inger Kjærgaard⟧ (CPR ⟦ID@DK:⁅cpr|1953-08-07|f⁆⟧)
Ejendom: ⟦A:Strandvejen 117, 8400 Ebeltoft⟧
Telefon: ⟦T:28 41 73 90⟧
Mail: ⟦E:bent.kjaergaard@mail.example⟧

Begrundelse: Grunden ligger lavt og blev oversvømmet i 2023. ⟦P:Inger⟧ har siddet i ⟦MC:kørestol⟧ siden en ⟦MC:rygmarvsskade⟧, og vi har selv betalt for at gøre huset handicapvenligt – det er ikke en værdiforøgelse for en almindelig køber.
""",
)
add(
    "pii",
    "da",
    "madudbringning-visitation",
    "prose",
    """
Min far skal have mad bragt ud fra kommunen. Kan du lave en kort og venlig mail til visitationen ud fra det her?

Navn: ⟦P:Holger Østergaard⟧
Født: ⟦DOB:2. juni 1936⟧
CPR-nr.: ⟦ID@DK:⁅cpr|1936-06-02|m⁆⟧
Adresse: ⟦A:Vestergade 12, 1. th., 5700 Svendborg⟧
Telefon: ⟦T:62 21 44 08⟧
Kontaktperson: datter ⟦P:Lise Østergaard⟧, ⟦T:30 18 92 44⟧
Kost: diabeteskost (han har ⟦MC:type 2-diabetes⟧), intet svinekød, og maden skal være blendet pga. ⟦MC:dysfagi⟧ efter en ⟦MC:blodprop⟧ i hjernen i august.
""",
)
add(
    "pii",
    "no",
    "soknad-fast-batplass",
    "form",
    """
Kan du skrive en kort søknad om fast båtplass til båtforeningen ut fra dette? Styret vil ha begrunnelse for ønsket plass.

Søker: ⟦P:Eirik Solbakken⟧
Fødselsnummer: ⟦ID@NO:⁅fnr|1981-05-09|m⁆⟧
Adresse: ⟦A:Fjordveien 22B, 1363 Høvik⟧
Mobil: ⟦T:412 38 907⟧
E-post: ⟦E:eirik.solbakken@online.example⟧
Medlemsnummer: ⟦ACC:1187⟧
Båt: Askeladden 525, 17 fot, 50 hk
Ønsket plass: flytebrygge B, helst nær landgangen – kona mi ⟦P:Kari⟧ har ⟦MC:MS⟧ og går dårlig på gyngende brygge.
""",
)
add(
    "pii",
    "no",
    "gjeldsbrev-mellom-sosken",
    "prose",
    """
Jeg låner bort penger til broren min. Kan du lage et enkelt gjeldsbrev vi begge kan signere?

Långiver: ⟦P:Ingrid Haugland⟧, f.nr. ⟦ID@NO:⁅fnr|1990-02-21|f⁆⟧, ⟦A:Nedre Slottsgate 9, 0157 Oslo⟧, kontonummer ⟦ACC:1503.27.48810⟧
Låntaker: ⟦P:Øyvind Haugland⟧, f.nr. ⟦ID@NO:⁅fnr|1993-11-14|m⁆⟧, ⟦A:Kongens gate 41, 7012 Trondheim⟧, tlf. ⟦T:948 17 203⟧
Beløp: 150 000 kr, rentefritt
Nedbetaling: 5 000 kr per måned fra 1. mars 2026 til kontonummer ⟦ACC:1503.27.48810⟧
Bakgrunn (skal ikke stå i gjeldsbrevet): ⟦P:Øyvind⟧ har vært sykmeldt med ⟦MC:depresjon⟧ i et halvt år og har fått inkassokrav.
""",
)
add(
    "pii",
    "et",
    "volikiri-retseptiravimid",
    "form",
    """
Kirjuta palun lühike volikiri, et mu naaber saaks apteegist minu retseptiravimid välja osta, kuni ma ise kodust välja ei saa.

Volitaja: ⟦P:Heino Kivisild⟧
Isikukood: ⟦ID@EE:⁅ik|1944-09-12|m⁆⟧
Aadress: ⟦A:Rüütli 23-5, 80010 Pärnu⟧
Volitan oma naabrit ⟦P:Maie Lõhmust⟧. Volitatu: ⟦P:Maie Lõhmus⟧, isikukood ⟦ID@EE:⁅ik|1958-04-03|f⁆⟧, telefon ⟦T:5384 2917⟧
Ravimid: ⟦MED:Eliquis⟧ 5 mg (⟦MC:kodade virvendus⟧), ⟦MED:Furosemid⟧ 40 mg, ⟦MED:Trajenta⟧ 5 mg (⟦MC:II tüüpi diabeet⟧)
Volikiri kehtib kuni 31.12.2025.
""",
)
add(
    "pii",
    "et",
    "matusetoetuse-avaldus",
    "form",
    """
Pean vallalt matusetoetust taotlema. Aita mul see avaldus korrektseks teha ja ütle, milliseid lisasid on vaja.

Taotleja: ⟦P:Kadri Põder⟧, isikukood ⟦ID@EE:⁅ik|1972-06-18|f⁆⟧
Elukoht: ⟦A:Tähe 114-28, 50107 Tartu⟧
Telefon: ⟦T:5621 4408⟧
E-post: ⟦E:kadri.poder@mail.example⟧
Surnu: ⟦P:Ants Põder⟧, isikukood ⟦ID@EE:⁅ik|1940-01-05|m⁆⟧, suri 19.10.2025
Seos surnuga: tütar
Arvelduskonto: ⟦IBAN:⁅iban|EE⁆⟧
""",
)
add(
    "pii",
    "lv",
    "nekustama-ipasuma-nodokla-atvieglojums",
    "form",
    """
Lūdzu, palīdzi noformēt iesniegumu pašvaldībai par nekustamā īpašuma nodokļa atvieglojumu daudzbērnu ģimenei. Vai bērnu dati jānorāda tā?

Iesniedzējs: ⟦P:Mārtiņš Ozoliņš⟧
Personas kods: ⟦ID@LV:⁅pk_lv|1983-07-21⁆⟧
Adrese: ⟦A:Brīvības iela 188-14, Rīga, LV-1012⟧
Tālrunis: ⟦T:26184492⟧
E-pasts: ⟦E:martins.ozolins@inbox.example⟧
Bērni:
- ⟦P:Elza⟧, dz. ⟦DOB:12.03.2012⟧
- ⟦P:Kārlis⟧, dz. ⟦DOB:05.09.2015⟧
- ⟦P:Roberts⟧, dz. ⟦DOB:30.01.2020⟧
""",
)
add(
    "pii",
    "lv",
    "kaiminu-saskanojums-zogam",
    "prose",
    """
Uzraksti, lūdzu, vienkāršu saskaņojumu, ka kaimiņš piekrīt jaunam žogam uz robežas, lai varu to iesniegt būvvaldē.

Pirmā puse: ⟦P:Inese Liepa⟧, personas kods ⟦ID@LV:⁅pk_lv|1969-11-30⁆⟧, ⟦A:Dārza iela 7, Sigulda, LV-2150⟧
Otrā puse: ⟦P:Gatis Kalniņš⟧, personas kods ⟦ID@LV:⁅pk_lv|1975-04-02⁆⟧, ⟦A:Dārza iela 9, Sigulda, LV-2150⟧, tālr. ⟦T:29114830⟧
Žogs: 1,6 m augsti metāla paneļi, 34 m garumā pa robežu, izmaksas dalām uz pusēm.
Darbu grafiku saskaņošu ar ⟦P:Gati Kalniņu⟧ personīgi. Papildus: ⟦P:Gatis⟧ lūdza, lai darbi nenotiek pirms 10:00, jo viņš strādā nakts maiņās un viņam ir ⟦MC:miega traucējumi⟧.
""",
)
add(
    "pii",
    "lt",
    "ukininko-ukio-iregistravimas",
    "form",
    """
Padėk užpildyti prašymą įregistruoti ūkininko ūkį. Ar viskas teisingai, ir ar reikia sutuoktinės sutikimo?

Pareiškėjas: ⟦P:Darius Žemaitis⟧
Asmens kodas: ⟦ID@LT:⁅ak|1987-02-15|m⁆⟧
Gimimo data: ⟦DOB:1987-02-15⟧
Adresas: ⟦A:Sodų g. 12, Jonavos k., 42115 Rokiškio r.⟧
Telefonas: ⟦T:+370 612 48831⟧
El. paštas: ⟦E:darius.zemaitis@gmail.example⟧
Sąskaita: ⟦IBAN:⁅iban|LT⁆⟧
Žemės plotas: 24,5 ha (nuosava 11 ha, nuomojama 13,5 ha)
Kartu ūkininkauja: sutuoktinė ⟦P:Rūta Žemaitienė⟧
""",
)
add(
    "pii",
    "lt",
    "vandens-permokos-grazinimas",
    "prose",
    """
Parašyk trumpą prašymą vandens tiekimo įmonei grąžinti permoką. Mama pati negali, tai pasirašysiu aš pagal įgaliojimą.

Abonentė: ⟦P:Aldona Kazlauskienė⟧
Abonento kodas: ⟦ACC:40022817⟧
Asmens kodas: ⟦ID@LT:⁅ak|1950-08-09|f⁆⟧
Adresas: ⟦A:Savanorių pr. 141-17, Kaunas⟧
Permoka: 86,40 € (2024-11 – 2025-06, nes skaitiklis buvo sugedęs)
Grąžinti į sąskaitą: ⟦IBAN:⁅iban|LT⁆⟧
Permoką prašome grąžinti ⟦P:Aldonai Kazlauskienei⟧. Pasirašo: dukra ⟦P:Jolanta Kazlauskaitė⟧, tel. ⟦T:8 686 20417⟧, nes mama dar sveiksta po ⟦MC:klubo sąnario endoprotezavimo⟧.
""",
)
add(
    "pii",
    "ro",
    "inscriere-program-rabla",
    "form",
    """
Vreau să mă înscriu în programul de casare pentru persoane fizice. Poți verifica datele înainte să le trimit dealerului?

Nume: ⟦P:Constantin Dobrescu⟧
CNP: ⟦ID@RO:⁅cnp|1967-02-08|m|12⁆⟧
Domiciliu: ⟦A:Str. Observatorului nr. 96, ap. 14, Cluj-Napoca, jud. Cluj⟧
Telefon: ⟦T:0722 384 917⟧
E-mail: ⟦E:c.dobrescu@yahoo.example⟧
Autoturism casat: Dacia Logan, 2006, benzină
Cont IBAN: ⟦IBAN:⁅iban|RO⁆⟧
Observație: sunt pensionar de boală (⟦MC:cardiopatie ischemică⟧) și vreau o mașină electrică mică, cu cutie automată.
""",
)
add(
    "pii",
    "ro",
    "plangere-clinica-estetica",
    "prose",
    """
Ajută-mă să formulez o plângere clară către protecția consumatorului despre o clinică de estetică. Vreau să fie fermă, fără insulte.

Subsemnata ⟦P:Alexandra-Ioana Mureșan⟧, CNP ⟦ID@RO:⁅cnp|1995-09-27|f|40⁆⟧, domiciliată în ⟦A:Bd. Iuliu Maniu nr. 61, bl. 14, sc. 2, ap. 37, sector 6, București⟧, telefon ⟦T:0745 112 863⟧, vă aduc la cunoștință următoarele:

Pe 4 august am făcut la clinică o procedură cu ⟦MED:acid hialuronic⟧ la buze. În două zile am dezvoltat o ⟦MC:celulită facială⟧ și am fost internată cinci zile, cu tratament ⟦MED:Augmentin⟧ intravenos. Clinica refuză să-mi dea fișa procedurii și numele lotului de produs.
""",
)
add(
    "pii",
    "tr",
    "site-guvenligi-misafir-listesi",
    "form",
    """
Sitemizin güvenliği hafta sonu gelecek misafirlerin listesini istiyor. Şu bilgileri düzgün bir tabloya çevirir misin?

Daire: ⟦A:Şemsettin Günaltay Cad. No: 142 B Blok D: 12, Kozyatağı, Kadıköy/İstanbul⟧
Ev sahibi: ⟦P:Serkan Aydoğdu⟧, ⟦T:0532 418 27 93⟧ (misafirler ⟦P:Serkan⟧ Bey'in dairesine gelecek)
Misafirler (Cumartesi 14:00 – Pazar 18:00):
- ⟦P:Nurhan Aydoğdu⟧ (annem), TC ⟦ID@TR:⁅tc|#1⁆⟧ – ⟦MC:tekerlekli sandalye⟧ kullanıyor (⟦MC:MS⟧), engelli otoparkına ihtiyaç var
- ⟦P:Cemil Aydoğdu⟧ (babam), TC ⟦ID@TR:⁅tc|#2⁆⟧
- ⟦P:Derya Karakaya⟧ (kuzenim), ⟦T:0541 608 33 17⟧
""",
)
add(
    "pii",
    "tr",
    "engelli-otv-muafiyeti-dilekce",
    "prose",
    """
Engelli ÖTV muafiyetiyle otomatik vitesli araç almak istiyorum. Vergi dairesine verilecek dilekçeyi düzenler misin?

Ad Soyad: ⟦P:Hatice Korkmaz⟧
TC Kimlik No: ⟦ID@TR:⁅tc⁆⟧
Doğum tarihi: ⟦DOB:11.04.1977⟧
Adres: ⟦A:Atatürk Mah. 1204. Sok. No: 7 D: 3, 35410 Gaziemir/İzmir⟧
Telefon: ⟦T:0505 771 20 48⟧
Engel durumu: %92 (⟦MC:sol bacak diz üstü amputasyon⟧ ve ⟦MC:diyabetik nöropati⟧), sağlık kurulu raporunda "sürekli" yazıyor.
""",
)


# ---------------------------------------------------------------------------
# group cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "caddy-dns-challenge-porkbun",
    "code",
    """
My Caddy can't get the wildcard cert through the Porkbun DNS challenge ("401 invalid API key"). Here's the Caddyfile and the env file systemd loads. What am I missing?

# /etc/caddy/Caddyfile
{
    email ops@brindlecoffee.example
    acme_dns porkbun {
        api_key {env.PORKBUN_API_KEY}
        api_secret_key {env.PORKBUN_API_SECRET}
    }
}

*.brindlecoffee.example {
    reverse_proxy 127.0.0.1:8080
}

# /etc/caddy/caddy.env  (EnvironmentFile= in the unit)
PORKBUN_API_KEY="⟦K:⁅porkbun_pk⁆⟧"
PORKBUN_API_SECRET=⟦K:⁅porkbun_sk⁆⟧
""",
)
add(
    "cred",
    "en",
    "notes-app-plugin-settings",
    "json",
    """
My notes app's sync plugin stopped pulling highlights after I moved the vault to a new laptop. This is .obsidian/plugins/readwise-official/data.json plus the task plugin's data.json — is the token format right?

{
  "token": "⟦K:⁅alnum40⁆⟧",
  "readwiseDir": "Readwise",
  "frequency": "60",
  "triggerOnLoad": true,
  "lastSyncFailed": true
}

{
  "apiToken": "⟦K:⁅hex40⁆⟧",
  "defaultProject": "Inbox",
  "syncIntervalMinutes": 15
}
""",
)
add(
    "cred",
    "en",
    "workflow-tool-credentials-export",
    "json",
    """
Our self-hosted workflow tool refuses to import this decrypted credentials export on the new server ("Unexpected token"). Can you spot the JSON problem?

[
  {"id": "7", "name": "Airtable – CRM base", "type": "airtableTokenApi", "data": {"accessToken": "⟦K:⁅airtable⁆⟧"}},
  {"id": "9", "name": "Notion – content calendar", "type": "notionApi", "data": {"apiKey": "⟦K:⁅notion⁆⟧"}},
  {"id": "12", "name": "SFTP – nightly backups", "type": "sftp", "data": {"host": "files.lumenwork.example", "port": 22, "username": "wf-backup", "privateKey": "⟦PK:⁅rsa_escaped|pkcs8⁆⟧", "passphrase": ""}},
]
""",
)
add(
    "cred",
    "en",
    "dockerfile-private-index-proxy",
    "code",
    """
Why does this image build fail on the pip install step behind the corporate proxy? It worked on my laptop.

FROM python:3.12-slim
ARG HF_TOKEN=⟦K:⁅hf⁆⟧
ENV HF_TOKEN=${HF_TOKEN}
RUN pip config set global.index-url https://svc-build:⟦S:Lt7#qv2Rmw!9xZ⟧@artifactory.corp-nw.example/api/pypi/pypi-remote/simple
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
RUN python -c "from huggingface_hub import snapshot_download; snapshot_download('intfloat/multilingual-e5-small')"
COPY . /app
CMD ["python", "/app/serve.py"]
""",
)
add(
    "cred",
    "en",
    "netrc-wrong-credentials",
    "ini",
    """
`curl --netrc` keeps sending the wrong credentials to our Nexus and I get 403. This is my ~/.netrc — why?

machine nexus.fjordline-it.example
  login ⟦U:kjetil.moen⟧
  password ⟦S:Sommer2025!Bergen⟧
machine api.github.com
  login ⟦U:kjmoen⟧
  password ⟦K:⁅ghp⁆⟧
machine nexus.fjordline-it.example
  login ci-reader
  password ⟦S:⁅alnum24⁆⟧
""",
)
add(
    "cred",
    "en",
    "serverless-geocoding-function",
    "code",
    """
This cloud function geocodes delivery addresses but returns 401 since we moved it to the new project. Copied from the console:

import json
import urllib.parse
import urllib.request

HERE_API_KEY = "⟦K:⁅urlsafe43⁆⟧"
FALLBACK_MAPBOX_TOKEN = "⟦K:⁅mapbox⁆⟧"


def handler(event, context):
    q = urllib.parse.quote(event["address"])
    url = f"https://geocode.search.hereapi.com/v1/geocode?q={q}&apiKey={HERE_API_KEY}"
    with urllib.request.urlopen(url) as r:
        items = json.loads(r.read())["items"]
    return items[0]["position"] if items else None
""",
)
add(
    "cred",
    "en",
    "ops-box-shell-history-leak",
    "command",
    """
I ran `history | tail` on the shared ops box and I think I leaked things. Which lines do I need to rotate, and how do I clear them from history?

  501  cd ~/infra/edge-stack
  502  export PULUMI_ACCESS_TOKEN=⟦K:⁅pulumi⁆⟧
  503  pulumi login
  504  pulumi stack select prod-syd
  505  linode-cli configure --token ⟦K:⁅linode⁆⟧
  506  export SOPS_AGE_KEY=⟦PK:⁅age⁆⟧
  507  sops -d secrets/prod.enc.yaml | head
  508  pulumi up --yes
  509  curl -s -H "Authorization: Bearer ⟦S:⁅jwt|ops-admin|||admin⁆⟧" https://grafana.edge.internal.example/api/dashboards/home
  510  echo ⟦PK:⁅wg⁆⟧ | sudo tee /etc/wireguard/private.key
  511  ssh deploy@10.40.2.7
  512  history | tail -n 12
""",
)
add(
    "cred",
    "en",
    "research-agent-script",
    "code",
    """
Quick one: my research agent script runs but never calls the search tool. What am I doing wrong?

import os
from langchain_anthropic import ChatAnthropic
from langchain_community.tools.tavily_search import TavilySearchResults
from langgraph.prebuilt import create_react_agent

os.environ["ANTHROPIC_API_KEY"] = "⟦K:⁅anthropic⁆⟧"
os.environ["TAVILY_API_KEY"] = "⟦K:⁅tvly⁆⟧"
os.environ["OPENAI_API_KEY"] = "⟦K:⁅openai⁆⟧"  # fallback model

llm = ChatAnthropic(model="claude-sonnet-4-5", temperature=0)
search = TavilySearchResults(max_results=5)
agent = create_react_agent(llm, tools=[])
print(agent.invoke({"messages": [("user", "latest RBA cash rate decision")]}))
""",
)
add(
    "cred",
    "en",
    "nextjs-env-local-review",
    "env",
    """
Which of these can safely be exposed to the browser? My Next.js build warns about server-only variables.

NEXT_PUBLIC_SUPABASE_URL=https://qzvplkrmhxtawnbcdsey.supabase.co
NEXT_PUBLIC_SUPABASE_ANON_KEY=⁅jwt||||anon⁆
SUPABASE_SERVICE_ROLE_KEY=⟦K:⁅jwt||||service_role⁆⟧
DATABASE_URL=postgresql://postgres.qzvplkrmhxtawnbcdsey:⟦S:wattle-Gum-88-creek⟧@aws-0-ap-southeast-2.pooler.supabase.com:6543/postgres
NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_live_Y2xlcmsudGlkYWxib29rLmV4YW1wbGUk
CLERK_SECRET_KEY=⟦K:⁅clerk⁆⟧
STRIPE_SECRET_KEY=⟦K:⁅sk_live⁆⟧
NEXT_PUBLIC_SITE_URL=https://tidalbook.example
""",
)
add(
    "cred",
    "en",
    "kafka-client-properties-confluent",
    "ini",
    """
Consumer can't authenticate against Confluent Cloud (SaslAuthenticationException). Here's client.properties — is the JAAS line right?

bootstrap.servers=pkc-41wq6.eu-west-2.aws.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="R5CX2JCB07DJL6ZI" password="⟦K:⁅confluent_secret⁆⟧"
schema.registry.url=https://psrc-8kz20.eu-west-2.aws.confluent.cloud
basic.auth.credentials.source=USER_INFO
basic.auth.user.info=KQ7MZ3PA2XW4T9RB:⟦K:⁅confluent_secret|#2⁆⟧
group.id=invoice-events-consumer
auto.offset.reset=earliest
""",
)
add(
    "cred",
    "en",
    "shop-admin-api-request",
    "http",
    """
This request worked last month and now returns 403 "merchant approval required". Did the API version change?

GET /admin/api/2024-10/orders.json?status=any&limit=50&fields=id,name,total_price HTTP/1.1
Host: tidewater-candles.myshopify.com
X-Shopify-Access-Token: ⟦K:⁅shpat⁆⟧
Accept: application/json
User-Agent: tidewater-reports/1.4
""",
)
add(
    "cred",
    "en",
    "transcoding-worker-config",
    "code",
    """
Our video transcoding workers on the new host log "ECONNRESET" and uploads never finish. Here's src/config/queue.ts — anything obviously wrong?

import { Queue, Worker } from "bullmq";

export const connection = {
  host: "redis-14820.c1.eu-central-1-1.ec2.cloud.redislabs.example",
  port: 14820,
  username: "default",
  password: "⟦S:⁅alnum32⁆⟧",
  tls: {},
};

export const MUX_TOKEN_ID = "44c1f7a2-3b9e-4d11-8f0a-6e2d9c7b5a13";
export const MUX_TOKEN_SECRET = "⟦K:⁅b64_48⁆⟧";
export const SLACK_ALERT_WEBHOOK = "⟦K:⁅slack_hook⁆⟧";

export const transcodeQueue = new Queue("transcode", { connection });
new Worker("transcode", async (job) => createMuxAsset(job.data), { connection, concurrency: 2 });
""",
)
add(
    "cred",
    "en",
    "ppk-to-openssh-for-ci",
    "code",
    """
Our old Windows deploy box used this key with Pageant. I need it in OpenSSH format as a CI secret. Is the file intact, and what's the puttygen command on Linux?

⟦PK:⁅ppk|eddsa-key-20230314⁆⟧
""",
)
add(
    "cred",
    "en",
    "password-manager-emergency-kit-storage",
    "prose",
    """
I filled in my password manager's Emergency Kit by hand. Is it safe to keep a photo of it in Google Drive, or should it only be on paper? This is what's on it:

Sign-in address: my.1password.eu
Email: ⟦E:dermot.keane@fastmail.example⟧
Secret Key: ⟦S:⁅onepw_secret⁆⟧
Master password: ⟦S:velvet-otter-Mallow-7-quay⟧

Underneath I also wrote my Google backup codes: ⟦S:⁅backup|#1⁆⟧, ⟦S:⁅backup|#2⁆⟧, ⟦S:⁅backup|#3⁆⟧, ⟦S:⁅backup|#4⁆⟧.
""",
)
add(
    "cred",
    "en",
    "windows-answer-file-kiosk",
    "code",
    """
Our kiosk PCs don't join the domain after imaging. Is something wrong in this part of autounattend.xml?

<component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
  <UserAccounts>
    <AdministratorPassword>
      <Value>⟦S:Kiosk-Adm1n!Harbour⟧</Value>
      <PlainText>true</PlainText>
    </AdministratorPassword>
  </UserAccounts>
  <AutoLogon>
    <Username>kiosk</Username>
    <Password><Value>⟦S:lobby2025kiosk⟧</Value><PlainText>true</PlainText></Password>
    <Enabled>true</Enabled>
  </AutoLogon>
</component>
<component name="Microsoft-Windows-UnattendedJoin" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
  <Identification>
    <Credentials>
      <Domain>HAWTHORN</Domain>
      <Username>svc-domainjoin</Username>
      <Password>⟦S:Dj#7vQm2xLp9⟧</Password>
    </Credentials>
    <JoinDomain>hawthorn.local</JoinDomain>
  </Identification>
</component>
""",
)
add(
    "cred",
    "en",
    "selling-old-phone-account-removal",
    "prose",
    """
I'm selling my old Galaxy S21 to a guy from Marketplace tomorrow. Before I factory reset it I need to remove the Samsung and Google accounts, but it keeps asking for stuff. The screen PIN is ⟦S:480915⟧, my Samsung account password is ⟦S:Kawhi#Raptors2019⟧ and the Google one is ⟦S:bluejay.Muskoka!22⟧ — I know, I know. In which order do I do this so the buyer doesn't get stuck on the factory reset protection screen?
""",
)
add(
    "cred",
    "en",
    "admin-form-post-session",
    "http",
    """
Saving an order in our Django admin returns 403 only behind the load balancer (staging sits behind basic auth). Here's the request from the browser (I trimmed the body):

POST /admin/orders/order/8812/change/ HTTP/1.1
Host: shop.pinecrest-outfitters.example
Origin: https://shop.pinecrest-outfitters.example
Referer: http://shop.pinecrest-outfitters.example/admin/orders/order/8812/change/
Authorization: Basic ⟦S:⁅basic|staging|Pinecrest-Staging-2025⁆⟧
Cookie: sessionid=⟦S:⁅session⁆⟧; django_language=en
Content-Type: application/x-www-form-urlencoded
X-Forwarded-Proto: http

status=shipped&tracking_number=1Z999AA10123456784&_save=Save
""",
)
add(
    "cred",
    "en",
    "kubectl-create-secret-literal",
    "command",
    """
Is it OK to create the secret like this, or does it end up somewhere it shouldn't? I'm going to pipe it into our GitOps repo.

kubectl -n payments create secret generic payments-db \\
  --from-literal=username=payments_app \\
  --from-literal=password='⟦S:m4rlin-Spike_2291⟧' \\
  --from-literal=stripe-restricted-key=⟦K:⁅rk_live⁆⟧ \\
  --from-literal=aws-access-key-id=⟦K:⁅akia⁆⟧ \\
  --from-literal=aws-secret-access-key=⟦K:⁅aws_secret⁆⟧ \\
  --dry-run=client -o yaml > k8s/payments/secret.yaml
""",
)
add(
    "cred",
    "en",
    "go-service-constants-review",
    "code",
    """
Code review please: is there a cleaner way to load these in our Go service? It's an internal tool so I just put them in a constants file.

package config

const mongoURI = "mongodb+srv://orders_svc:⟦S:Qx7vR2mLk9pZ⟧@cluster0.x7kqz.mongodb.net/orders?retryWrites=true&w=majority"

const atlasPublicKey = "qkzrtvbw"
const atlasPrivateKey = "⟦K:⁅atlas_private⁆⟧"

var tlsCert = []byte(`-----BEGIN CERTIFICATE-----
MIIBhTCCASugAwIBAgIQIRi6zePL6mKjOipn+dNuaTAKBggqhkjOPQQDAjASMRAw
DgYDVQQKEwdBY21lIENvMB4XDTE3MTAyMDE5NDMwNloXDTE4MTAyMDE5NDMwNlow
-----END CERTIFICATE-----`)

var tlsKey = []byte(`⟦PK:⁅ec|p256|sec1⁆⟧`)
""",
)
add(
    "cred",
    "en",
    "cloud-init-build-runner",
    "yaml",
    """
This cloud-init user-data doesn't seem to run the runcmd part on our new build runner. Can you see why? (Ubuntu 24.04)

#cloud-config
users:
  - name: ops
    groups: [sudo]
    shell: /bin/bash
    ssh_authorized_keys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHWq7m0hk3yF2KcVd9xPz0bLq8T1rN5eUa2sJ4oXy6Gf ops@bastion
chpasswd:
  expire: false
  users:
    - {name: ops, password: ⟦S:Runner-Stoat-4412⟧, type: text}
write_files:
  - path: /root/.ssh/id_ed25519
    permissions: '0600'
    content: |
      ⟦PK:⁅openssh_indented|root@build-runner|6⁆⟧
runcmd:
  - wget -O /tmp/kickstart.sh https://get.netdata.cloud/kickstart.sh
  - sh /tmp/kickstart.sh --stable-channel --claim-token ⟦K:⁅netdata⁆⟧ --claim-rooms ⁅uuid⁆ --claim-url https://app.netdata.cloud
""",
)
add(
    "cred",
    "en",
    "packer-vm-template-build",
    "code",
    """
Packer fails with "ServerFaultCode: Cannot complete login due to an incorrect user name or password" when building our Ubuntu template. Is it the escaping in the HCL?

source "vsphere-iso" "ubuntu-2404" {
  vcenter_server      = "vc01.lab.hawthorn.example"
  username            = "svc-packer@vsphere.local"
  password            = "⟦S:Vc#Build!2025-Otter⟧"
  insecure_connection = true
  datacenter          = "DC-Dunedin"
  cluster             = "CL-Prod"
  ssh_username        = "packer"
  ssh_password        = "⟦S:packer-Temp-8812⟧"
}

build {
  sources = ["source.vsphere-iso.ubuntu-2404"]
  provisioner "shell" {
    environment_vars = ["VAULT_ADDR=https://vault.hawthorn.example:8200", "VAULT_TOKEN=⟦K:⁅vault⁆⟧"]
    script           = "scripts/harden.sh"
  }
}
""",
)
add(
    "cred",
    "en",
    "reporting-roles-migration",
    "sql",
    """
Flyway migration for our reporting roles. Is there a better way than putting the passwords in the migration? It's going into the shared repo.

-- V42__reporting_roles.sql
CREATE ROLE reporting_ro LOGIN PASSWORD '⟦S:Ro-Heron-5531-Basin⟧';
GRANT CONNECT ON DATABASE clinicdb TO reporting_ro;
GRANT USAGE ON SCHEMA reporting TO reporting_ro;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO reporting_ro;

CREATE ROLE etl_writer LOGIN PASSWORD '⟦S:⁅alnum20⁆⟧' VALID UNTIL '2026-06-30';
GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA staging TO etl_writer;

ALTER ROLE metabase_svc WITH PASSWORD '⟦S:mb!Tern-0931⟧';
""",
)
add(
    "cred",
    "en",
    "vendor-portal-totp-test-bot",
    "code",
    """
Our Playwright test logs into the vendor portal, which now has 2FA. I generated codes with pyotp but they're rejected about half the time. Clock drift?

import pyotp
from playwright.sync_api import sync_playwright

QA_LOGIN = "qa-automation"
# from the enrolment QR: otpauth://totp/Vendor%20Portal:qa-automation?secret=⟦S:⁅totp⁆⟧&issuer=Vendor%20Portal
QA_PASSWORD = "⟦S:Qa!Portal-2025-Kestrel⟧"
TOTP_SEED = "⟦S:⁅totp⁆⟧"

with sync_playwright() as p:
    page = p.chromium.launch().new_page()
    page.goto("https://vendors.harbourfreight-demo.example/login")
    page.fill("#user", QA_LOGIN)
    page.fill("#password", QA_PASSWORD)
    page.click("text=Continue")
    page.fill("#otp", pyotp.TOTP(TOTP_SEED).now())
    page.click("text=Verify")
""",
)
add(
    "cred",
    "en",
    "service-principal-shell-history",
    "command",
    """
Our security scanner flagged these two lines from a build agent's bash history. How bad is it and what should I rotate first?

  212  az login --service-principal -u 3f8e2c1a-9b4d-4e6f-a1c3-7d2b5e8f0a14 -p ⟦K:⁅azure_sp⁆⟧ --tenant 0c4e7a21-5d3f-4b8e-9a6c-2f1d8e7b4c30
  213  az storage blob list -c uploads --connection-string "DefaultEndpointsProtocol=https;AccountName=mediaprodweu;AccountKey=⟦K:⁅azure_storage⁆⟧;EndpointSuffix=core.windows.net" -o table
""",
)
add(
    "cred",
    "en",
    "community-bot-config",
    "json",
    """
My game-stats bot crashes on startup with "TOKEN_INVALID" after I reset it in the developer portal and pasted the new one. config.json:

{
  "token": "⟦K:⁅discord_bot⁆⟧",
  "guildId": "1187390022145839104",
  "riotApiKey": "⟦K:⁅rgapi⁆⟧",
  "youtubeApiKey": "⟦K:⁅aiza⁆⟧",
  "region": "oc1",
  "prefix": "!"
}
""",
)


# ---------------------------------------------------------------------------
# group cred — other languages (2 each)
# ---------------------------------------------------------------------------
add(
    "cred",
    "de",
    "nextcloud-config-php-nach-update",
    "code",
    """
Nach dem Update auf Nextcloud 30 bekomme ich nur noch "Internal Server Error". Hier meine config.php (gekürzt) – siehst du einen Fehler?

<?php
$CONFIG = array (
  'instanceid' => 'oc8x2kq4lz7m',
  'passwordsalt' => '⟦S:⁅alnum32⁆⟧',
  'secret' => '⟦S:⁅b64_48⁆⟧',
  'trusted_domains' => array (0 => 'cloud.hausnetz-ammersee.example'),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'mysql',
  'dbname' => 'nextcloud',
  'dbhost' => 'localhost:3306',
  'dbuser' => 'ncadmin',
  'dbpassword' => '⟦S:Kl0ster-Ettal_77⟧',
  'mail_smtpmode' => 'smtp',
  'mail_smtpname' => '⟦E:jonas.hartmann@gmx.example⟧',
  'mail_smtppassword' => '⟦S:Wendelstein#1838⟧',
  'version' => '30.0.2.2',
  'maintenance' => false
  'installed' => true,
);
""",
)
add(
    "cred",
    "de",
    "shopware-env-versand",
    "env",
    """
Unser Shop zeigt seit dem Umzug keine DHL-Versandoptionen mehr an. Stimmt in der .env etwas nicht?

APP_ENV=prod
APP_URL=https://www.teekontor-elbe.example
APP_SECRET=⟦S:⁅hex32⁆⟧
DATABASE_URL=mysql://shopware:⟦S:Elbsand-2024!Teekontor⟧@127.0.0.1:3306/shopware
OPENSEARCH_URL=http://localhost:9200
SHOPWARE_ES_ENABLED=0
DHL_API_KEY=⟦K:⁅alnum32⁆⟧
DHL_GKP_USERNAME=teekontor-elbe
DHL_GKP_PASSWORD=⟦S:Versand!Hafen_5521⟧
DHL_BILLING_NUMBER=33333333330102
""",
)
add(
    "cred",
    "fr",
    "dolibarr-conf-migration",
    "code",
    """
Je migre notre Dolibarr vers un nouveau serveur. Quelles lignes de conf.php dois-je adapter, et lesquelles ne faut-il surtout pas changer ?

<?php
$dolibarr_main_url_root='https://erp.atelier-verrier-lyon.example';
$dolibarr_main_document_root='/var/www/dolibarr/htdocs';
$dolibarr_main_data_root='/var/lib/dolibarr/documents';
$dolibarr_main_db_host='localhost';
$dolibarr_main_db_port='3306';
$dolibarr_main_db_name='dolibarr';
$dolibarr_main_db_user='doli_atelier';
$dolibarr_main_db_pass='⟦S:Verre&Soufflé-1987⟧';
$dolibarr_main_db_type='mysqli';
$dolibarr_main_instance_unique_id='⟦S:⁅hex32⁆⟧';
$dolibarr_main_authentication='dolibarr';
""",
)
add(
    "cred",
    "fr",
    "serveur-vocal-asso-jdr",
    "ini",
    """
Notre serveur vocal pour l'asso de jeu de rôle refuse les connexions depuis la mise à jour, et le bot Twitch ne se connecte plus au chat. Voilà les deux configs :

; /etc/mumble-server.ini
database=/var/lib/mumble-server/mumble-server.sqlite
port=64738
serverpassword=⟦S:Dragon&Donjon-2024⟧
registerName=Les Dés Pipés
users=50
sslCert=/etc/letsencrypt/live/voix.despipes.example/fullchain.pem

; bot/.env
TWITCH_CHANNEL=lesdespipes
TWITCH_BOT_USERNAME=despipes_bot
TWITCH_OAUTH_TOKEN=oauth:⟦K:⁅session⁆⟧
""",
)
add(
    "cred",
    "es",
    "prestashop-parametros-tpv",
    "code",
    """
Después de cambiar de hosting, el TPV de la tienda da error de firma SIS0042. Te pego parameters.php y la configuración del módulo, ¿ves algo raro?

<?php return array (
  'parameters' => array (
    'database_host' => '127.0.0.1',
    'database_name' => 'tienda_ps',
    'database_user' => 'ps_tienda',
    'database_password' => '⟦S:Olivar.Jaén-2023⟧',
    'cookie_key' => '⟦S:⁅alnum64|#1⁆⟧',
    'secret' => '⟦S:⁅alnum64|#2⁆⟧',
    'ps_caching' => 'CacheMemcache',
  ),
);

// módulo TPV
define('REDSYS_FUC', '999008881');
define('REDSYS_TERMINAL', '1');
define('REDSYS_CLAVE_SHA256', '⟦K:⁅b64_24⁆⟧');
""",
)
add(
    "cred",
    "es",
    "contrasena-pegada-grupo-estudio",
    "prose",
    """
En el grupo de WhatsApp de la oposición, un compañero pegó esto sin querer: "usuario ⟦U:jlmarquez.opos⟧ contraseña ⟦S:Temario#2025-Bloque3⟧ del campus virtual". ¿Qué le recomiendo hacer ahora mismo? ¿Basta con borrar el mensaje para todos?
""",
)
add(
    "cred",
    "it",
    "script-fatturazione-pec",
    "code",
    """
Questo script manda le fatture in PDF via PEC ma si blocca al login SMTP. Sbaglio porta o credenziali?

import smtplib
import ssl

import requests

FIC_ACCESS_TOKEN = "⟦K:a/⁅jwt⁆⟧"
COMPANY_ID = 1284473
PEC_USER = "amministrazione@pec.studio-ferraresi.example"
PEC_PASSWORD = "⟦S:Ferrara!Estense_44⟧"

r = requests.get(
    f"https://api-v2.fattureincloud.it/c/{COMPANY_ID}/issued_documents",
    headers={"Authorization": f"Bearer {FIC_ACCESS_TOKEN}"},
    params={"type": "invoice"},
)
with smtplib.SMTP("smtps.pec.aruba.it", 587) as s:
    s.starttls(context=ssl.create_default_context())
    s.login(PEC_USER, PEC_PASSWORD)
""",
)
add(
    "cred",
    "it",
    "migrazione-domotica-locale",
    "prose",
    """
Sto spostando i relè smart di casa dal cloud del produttore a Home Assistant in locale. Mi fai una lista di passaggi in ordine? Queste sono le cose che ho segnato:
- server cloud: shelly-49-eu.shelly.cloud
- auth key del cloud: ⟦K:⁅alnum64⁆⟧
- account dell'app: ⟦E:marco.bellandi73@gmail.example⟧ / password ⟦S:Cupola1436!⟧
- PIN per disinserire l'allarme dal tastierino: ⟦S:7391⟧
- Wi-Fi IoT separata: SSID "casa-iot", chiave ⟦S:relè-e-tapparelle-2024⟧
""",
)
add(
    "cred",
    "pt",
    "env-loja-cobrancas",
    "env",
    """
Minha loja parou de receber os webhooks de pagamento depois do deploy. Esse é o .env de produção, tem algo errado?

APP_URL=https://lojadaserra.example
ASAAS_API_URL=https://api.asaas.com/v3
ASAAS_API_KEY=⟦K:⁅asaas⁆⟧
ASAAS_WEBHOOK_TOKEN=⟦S:⁅alnum32⁆⟧
DB_HOST=127.0.0.1
DB_DATABASE=loja
DB_USERNAME=loja_app
DB_PASSWORD=⟦S:Serra.da.Mantiqueira-88⟧
MAIL_FROM_ADDRESS=contato@lojadaserra.example
SENDGRID_API_KEY=⟦K:⁅sendgrid⁆⟧
""",
)
add(
    "cred",
    "pt",
    "curl-token-faturacao",
    "command",
    """
Estou a tentar obter o token da API de faturação para a padaria e recebo "invalid_client". O comando está bem montado?

curl -s "https://api.moloni.pt/v1/grant/?grant_type=password&client_id=padariaflor&client_secret=⟦K:⁅hex40⁆⟧&username=⟦E:ana.faria@padariaflor.example⟧&password=⟦S:Pastel.de.Nata-1837⟧"
""",
)
add(
    "cred",
    "nl",
    "webshop-koppeling-bezorgdienst",
    "code",
    """
Mijn koppeling tussen de webshop en de bezorgdienst maakt geen verzendlabels meer aan. Zie jij de fout in dit PHP-script?

<?php
require __DIR__ . '/vendor/autoload.php';
use Automattic\\WooCommerce\\Client;

$woocommerce = new Client(
    'https://www.fietsenmakerij-ijsselstein.example',
    '⟦K:⁅wc_ck⁆⟧',
    '⟦K:⁅wc_cs⁆⟧',
    ['version' => 'wc/v3']
);
$postnl_apikey = '⟦K:⁅alnum32⁆⟧';
$postnl_customer_number = '10044227';
$orders = $woocommerce->get('orders', ['status' => 'processing']);
""",
)
add(
    "cred",
    "nl",
    "wachtwoord-in-gebruikersnaamveld-log",
    "kv-log",
    """
In de logs van onze interne urenregistratie-app staat dit. Het lijkt erop dat iemand zijn wachtwoord in het gebruikersnaamveld heeft getypt. Wat moeten we doen, en hoe voorkomen we dit in de logging?

2025-10-14T08:02:11Z level=info msg="login ok" user=⟦U:r.vandijk⟧ ip=10.12.4.31
2025-10-14T08:02:40Z level=warn msg="login failed: unknown user" user=⟦S:Tulpen!Veld2025⟧ ip=10.12.4.58
2025-10-14T08:02:52Z level=info msg="login ok" user=⟦U:m.jansen⟧ ip=10.12.4.58
2025-10-14T08:03:07Z level=info msg="timesheet submitted" user=⟦U:m.jansen⟧ week=2025-W42
""",
)
add(
    "cred",
    "pl",
    "konfiguracja-integracji-sklepu",
    "yaml",
    """
Integracja sklepu z paczkomatami i marketplace'em przestała działać po odnowieniu tokenów. Sprawdzisz, czy config.yml wygląda dobrze?

inpost:
  organization_id: 48211
  api_url: https://api-shipx-pl.easypack24.net/v1
  api_token: ⟦K:⁅jwt⁆⟧
allegro:
  client_id: 8f2c41d7e9a34b0c9b1d2e6f7a8c5d03
  client_secret: ⟦K:⁅alnum64⁆⟧
  refresh_token: ⟦S:⁅urlsafe43⁆⟧
database:
  dsn: "pgsql:host=127.0.0.1;dbname=sklep"
  user: sklep_app
  password: ⟦S:Pierogi!Ruskie-2024⟧
""",
)
add(
    "cred",
    "pl",
    "zgloszenie-przejecia-konta",
    "prose",
    """
Pomóż mi napisać zgłoszenie do obsługi sklepu internetowego. Ktoś zalogował się na moje konto i zamówił słuchawki na inny adres. Moje hasło było ⟦S:Kasztan.2019!Poznan⟧ (używałem go też na forum, które miało wyciek), a PIN do płatności w aplikacji ⟦S:6290⟧. Już zmieniłem hasło na ⟦S:Lipa-Mazurek#8840⟧. Chcę zablokować zamówienie i zwrot pieniędzy.
""",
)
add(
    "cred",
    "cs",
    "env-fakturace-platebni-brana",
    "env",
    """
Po přesunu na nový hosting nám nechodí notifikace z platební brány a nevystavují se faktury. Je .env v pořádku?

APP_URL=https://www.pekarna-zizkov.example
FAKTUROID_SLUG=pekarna-zizkov
FAKTUROID_CLIENT_ID=7d1e2b9c4a
FAKTUROID_CLIENT_SECRET=⟦K:⁅hex40⁆⟧
COMGATE_MERCHANT=481227
COMGATE_SECRET=⟦K:⁅alnum32⁆⟧
COMGATE_TEST=false
SMTP_HOST=smtp.seznam.cz
SMTP_USER=objednavky@pekarna-zizkov.example
SMTP_PASSWORD=⟦S:Rohlik-a-Kafe_77⟧
""",
)
add(
    "cred",
    "cs",
    "pripojovaci-retezec-v-tymovem-chatu",
    "prose",
    """
Kolega právě poslal do týmového kanálu na Slacku tohle, aby mu někdo pomohl s chybou: „nejde mi to: postgresql://reporting:⟦S:Vltava-Most_1357⟧@db-prod-02.interni.example:5432/objednavky?sslmode=require“. Kanál má 40 lidí včetně externistů. Jak mám postupovat, aby to nevypadalo jako veřejné pranýřování?
""",
)
add(
    "cred",
    "da",
    "regnskabs-integration-python",
    "code",
    """
Mit script til at hente fakturaer fra regnskabsprogrammet giver 401. Har jeg byttet om på de to tokens?

import requests

HEADERS = {
    "X-AppSecretToken": "⟦K:⁅alnum40|#1⁆⟧",
    "X-AgreementGrantToken": "⟦K:⁅alnum40|#2⁆⟧",
    "Content-Type": "application/json",
}

r = requests.get("https://restapi.e-conomic.com/invoices/booked?pagesize=100", headers=HEADERS)
r.raise_for_status()
for inv in r.json()["collection"]:
    print(inv["bookedInvoiceNumber"], inv["grossAmount"])
""",
)
add(
    "cred",
    "da",
    "webhotel-backup-kommandoer",
    "command",
    """
Jeg vil have en natlig backup af min webhotel-side. Virker de her to kommandoer, og hvordan kører jeg dem fra cron uden at passwordet står i klartekst?

lftp -u stenhuggeriet.example,⟦S:Granit&Marmor-1911⟧ sftp://linux123.unoeuro-server.example -e "mirror --only-newer /public_html /backup/site; bye"
mysqldump -h mysql12.unoeuro-server.example -u stenhuggeriet_example -p'⟦S:Sokkel_44-Bornholm⟧' stenhuggeriet_example_db > /backup/db-$(date +%F).sql
""",
)
add(
    "cred",
    "no",
    "betalings-api-tokenforesporsel",
    "http",
    """
Jeg får 401 når jeg henter access token fra betalings-API-et i produksjon. Test fungerte. Her er forespørselen:

POST /accesstoken/get HTTP/1.1
Host: api.vipps.no
client_id: 5c1e8a3f-27b4-4d9e-8f60-1a2b3c4d5e6f
client_secret: ⟦K:⁅alnum40⁆⟧
Ocp-Apim-Subscription-Key: ⟦K:⁅hex32⁆⟧
Merchant-Serial-Number: 212233
Vipps-System-Name: hyttebooking
Content-Length: 0
""",
)
add(
    "cred",
    "no",
    "hytte-stromstyring-env",
    "env",
    """
Scriptet som skal lade elbilen når strømmen er billigst, logger ikke inn hos laderen. Er det noe feil i .env?

TIBBER_TOKEN=⟦K:⁅urlsafe43⁆⟧
TIBBER_HOME_ID=96a14971-525a-4420-aae9-e5aedaa129ff
EASEE_USERNAME=⟦T:+4741238907⟧
EASEE_PASSWORD=⟦S:Fjellstue-Lading!9⟧
EASEE_CHARGER_ID=EH4K2L7P
MAX_PRICE_NOK=1.20
""",
)
add(
    "cred",
    "et",
    "makselahenduse-integratsioon-node",
    "code",
    """
Meie e-poe makselahendus annab "Invalid signature". Kas võtmed on õigesti laetud?

const jwt = require('jsonwebtoken');

const MONTONIO_ACCESS_KEY = 'f3b1c2d4-6a7e-4f80-9b1c-2d3e4f5a6b7c';
const MONTONIO_SECRET_KEY = '⟦K:⁅alnum40⁆⟧';
const SIGNING_KEY = `⟦PK:⁅ed25519⁆⟧`;

function createOrderToken(order) {
  return jwt.sign({ accessKey: MONTONIO_ACCESS_KEY, ...order }, MONTONIO_SECRET_KEY, { algorithm: 'HS256', expiresIn: '10m' });
}
""",
)
add(
    "cred",
    "et",
    "kruptorahakoti-taastamisfraas",
    "prose",
    """
Kirjutasin oma riistvararahakoti taastamisfraasi paberile ja tahaksin teha ka varukoopia. Kas on ohutu hoida seda pilves krüpteeritud failis? Fraas on: ⟦S:gravel orbit canyon lemon fiscal absurd tiger velvet harbor slogan embark puppy⟧
""",
)
add(
    "cred",
    "lv",
    "interneta-veikala-config-ini",
    "ini",
    """
Pēc servera pārcelšanas veikals vairs nevar izveidot pakomātu sūtījumus un sūtīt jaunumus. Vai config.ini ir kāda kļūda?

[shop]
url = https://www.medus-darzs.example
currency = EUR

[omniva]
username = 7004218
password = ⟦S:Bites&Medus-2022⟧

[mailerlite]
api_key = ⟦K:⁅jwt⁆⟧

[telegram]
bot_token = ⟦K:⁅telegram⁆⟧
chat_id = -1001873344120

[db]
host = localhost
user = veikals
pass = ⟦S:Jumprava.44!Sigulda⟧
""",
)
add(
    "cred",
    "lv",
    "paroles-drosuma-jautajums",
    "prose",
    """
Vai šī parole ir pietiekami droša internetbankai: ⟦S:Ozoli!2019Jurmala⟧? Iepriekšējā bija ⟦S:Ilze1983⟧, un banka teica, ka tā ir par vāju.
""",
)
add(
    "cred",
    "lt",
    "mokejimu-modulio-nustatymai",
    "yaml",
    """
Po atnaujinimo parduotuvė nebegauna mokėjimų patvirtinimų. Gal matai klaidą šiame config.yaml?

shop:
  base_url: https://www.gintaro-kampelis.example
paysera:
  project_id: 248811
  sign_password: ⟦S:⁅hex32⁆⟧
  test: false
  callback_url: https://www.gintaro-kampelis.example/paysera/callback
smtp:
  host: smtp.gmail.com
  user: uzsakymai@gintaro-kampelis.example
  password: ⟦S:⁅alnum16⁆⟧
""",
)
add(
    "cred",
    "lt",
    "slaptazodis-ant-lipnaus-lapelio",
    "prose",
    """
Ryte radau prie kolegos monitoriaus priklijuotą lapelį: „VPN: ⟦U:tkazlauskas⟧ / ⟦S:Baltija_2025!Kopos⟧“. Kaip tai mandagiai pranešti IT skyriui, kad kolega neturėtų nemalonumų? Ar turėčiau jam pirmiausia pasakyti pačiam?
""",
)
add(
    "cred",
    "ro",
    "cheie-privata-procesator-plati",
    "code",
    """
Modulul de plăți dă "unable to load private key" după ce am copiat cheia pe serverul nou. Cheia e întreagă? Am lipit conținutul fișierului private.key:

⟦PK:⁅rsa|pkcs1⁆⟧

Și în config.php am:
$apiKey = '⟦K:⁅alnum40⁆⟧';
$posSignature = '2KQV-8Z4M-XJ7P-RT3W-6NDA';
""",
)
add(
    "cred",
    "ro",
    "plic-pin-si-cod-activare-banca",
    "prose",
    """
Am primit azi de la bancă un plic cu PIN-ul noului card, ⟦S:4471⟧, și în același timp un SMS cu „Codul tău de activare pentru aplicație este ⟦S:839204⟧, nu îl comunica nimănui”. Un domn m-a sunat apoi „de la bancă” și mi-a cerut codul. E o țeapă? Ce ar trebui să fac acum?
""",
)
add(
    "cred",
    "tr",
    "odeme-entegrasyonu-python",
    "code",
    """
Ödeme entegrasyonunda "hash hatalı" hatası alıyorum. merchant_key ve merchant_salt'ı doğru kullanıyor muyum?

import base64
import hashlib
import hmac

merchant_id = "418822"
merchant_key = b"⟦K:⁅alnum16|#1⁆⟧"
merchant_salt = b"⟦K:⁅alnum16|#2⁆⟧"

hash_str = merchant_id + user_ip + merchant_oid + email + payment_amount + user_basket + no_installment + max_installment + currency + test_mode
paytr_token = base64.b64encode(hmac.new(merchant_key, hash_str.encode() + merchant_salt, hashlib.sha256).digest())
""",
)
add(
    "cred",
    "tr",
    "pazaryeri-api-curl",
    "command",
    """
Pazaryeri satıcı API'sinden siparişleri çekmeye çalışıyorum ama 401 alıyorum. Komutta yanlış bir şey var mı?

curl -s -u "⟦K:⁅alnum20|#1⁆⟧:⟦K:⁅alnum20|#2⁆⟧" -H "User-Agent: 418822 - SelfIntegration" "https://apigw.trendyol.com/integration/order/sellers/418822/orders?status=Created&size=50"
""",
)


# ---------------------------------------------------------------------------
# group benign — English
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "semver-compare-function",
    "code",
    """
My version comparison sorts "1.10.0" before "1.9.12" and chokes on pre-releases. Can you fix it without adding a dependency? Tests below.

def parse(v: str):
    core, _, pre = v.lstrip("v").partition("-")
    return tuple(core.split(".")), pre

def newer(a: str, b: str) -> bool:
    return parse(a) > parse(b)

assert newer("1.10.0", "1.9.12")
assert newer("2.0.0", "2.0.0-rc.1")
assert newer("v3.12.4", "3.12.3")
assert not newer("0.9.0", "0.10.0-beta.2")
assert newer("20.11.1", "18.19.0")   # Node LTS
""",
)
add(
    "benign",
    "en",
    "patient-table-schema-design",
    "sql",
    """
I'm designing a table for a clinic booking app. Are these column types and constraints sensible, and should date_of_birth be nullable?

CREATE TABLE patients (
    id              BIGSERIAL PRIMARY KEY,
    given_name      VARCHAR(100) NOT NULL,
    family_name     VARCHAR(100) NOT NULL,
    date_of_birth   DATE NOT NULL CHECK (date_of_birth > DATE '1900-01-01'),
    nhs_number      CHAR(10) UNIQUE CHECK (nhs_number ~ '^[0-9]{10}$'),
    email           VARCHAR(254),
    mobile          VARCHAR(20),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- seed row used in our docs
INSERT INTO patients (given_name, family_name, date_of_birth, nhs_number, email, mobile)
VALUES ('Jane', 'Doe', '1900-01-02', '0000000000', 'jane.doe@example.com', '+44 0000 000000');
""",
)
add(
    "benign",
    "en",
    "titanic-survival-by-class",
    "csv",
    """
Working through the classic Titanic dataset. How do I get survival rate by Pclass and Sex in pandas, and why are some Age values NaN? First rows:

PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked
1,0,3,"Braund, Mr. Owen Harris",male,22,1,0,A/5 21171,7.25,,S
2,1,1,"Cumings, Mrs. John Bradley (Florence Briggs Thayer)",female,38,1,0,PC 17599,71.2833,C85,C
3,1,3,"Heikkinen, Miss. Laina",female,26,0,0,STON/O2. 3101282,7.925,,S
4,1,1,"Futrelle, Mrs. Jacques Heath (Lily May Peel)",female,35,1,0,113803,53.1,C123,S
6,0,3,"Moran, Mr. James",male,,0,0,330877,8.4583,,Q
""",
)
add(
    "benign",
    "en",
    "birthday-paradox-classroom",
    "prose",
    """
Explain the birthday paradox for a maths club: why 23 people give a just-over-50% chance that two share a birthday, how the answer changes for 30 and 57 people, and what to do about people born on 29 February. Use a table of probabilities and end with a quick experiment the club can run with the birthdays of the 1966 England World Cup squad.
""",
)
add(
    "benign",
    "en",
    "clothing-size-chart-conversion",
    "markdown-table",
    """
For our online shop, convert this women's size chart to US and EU sizes and add a "between sizes" tip. Measurements are body measurements, not garment.

| UK size | Bust (cm) | Waist (cm) | Hip (cm) | Inside leg (in) |
|---|---|---|---|---|
| 8 | 82 | 64 | 89 | 30½ |
| 10 | 87 | 69 | 94 | 31 |
| 12 | 92 | 74 | 99 | 31 |
| 14 | 97 | 79 | 104 | 31½ |
| 16 | 102 | 84 | 109 | 31½ |
""",
)
add(
    "benign",
    "en",
    "lab-solvent-molar-mass-table",
    "markdown-table",
    """
Can you fill in the missing molar masses and flag which of these need to go in the flammables cabinet?

| Substance | CAS No. | Formula | Molar mass (g/mol) | Boiling point (°C) |
|---|---|---|---|---|
| Water | 7732-18-5 | H2O | 18.015 | 100 |
| Ethanol | 64-17-5 | C2H5OH | | 78.37 |
| Acetone | 67-64-1 | C3H6O | 58.08 | 56.05 |
| Acetylsalicylic acid (aspirin) | 50-78-2 | C9H8O4 | | 140 (decomposes) |
| Sodium chloride | 7647-14-5 | NaCl | 58.44 | 1465 |
""",
)
add(
    "benign",
    "en",
    "norman-conquest-lesson-timeline",
    "prose",
    """
I'm teaching Year 7 about 1066. Can you turn this into a timeline with one sentence per event? Edward the Confessor died on 5 January 1066; Harold Godwinson was crowned the next day; Harald Hardrada landed in September and was killed at Stamford Bridge on 25 September; William of Normandy landed at Pevensey on 28 September; the Battle of Hastings was fought on 14 October; William was crowned at Westminster Abbey on Christmas Day; the Domesday survey followed in 1086.
""",
)
add(
    "benign",
    "en",
    "pride-and-prejudice-essay-plan",
    "prose",
    """
Essay plan help: "Money and marriage in Pride and Prejudice". I want to use Mr Darcy's ten thousand a year, Mr Bingley's four or five thousand, the entail on Longbourn that passes to Mr Collins, Charlotte Lucas accepting Collins at 27, Lydia and Wickham's elopement and Mrs Bennet's famous "nerves". Give me three paragraphs' worth of points with quotations I should look up.
""",
)
add(
    "benign",
    "en",
    "singapore-three-day-itinerary",
    "prose",
    """
Plan three relaxed days in Singapore for two adults in their sixties. We land on SQ 317 at 06:10 on a Tuesday. Must-sees: Gardens by the Bay (18 Marina Gardens Drive), the ArtScience Museum next to Marina Bay Sands (10 Bayfront Avenue, Singapore 018956 — the hotel's main line is +65 6688 8888 if we need to ask about the SkyPark), the Botanic Gardens and a hawker centre for chicken rice. We'll use the MRT with contactless cards; no more than 12,000 steps a day.
""",
)
add(
    "benign",
    "en",
    "bobotie-recipe-scaling",
    "prose",
    """
Please scale this bobotie recipe from 4 to 10 people and convert it to a tray bake timing.

500 g beef mince, 2 onions, 2 slices white bread soaked in 250 ml milk, 2 tbsp curry powder, 1 tsp turmeric, 3 tbsp Mrs Ball's chutney, 50 g sultanas, juice of half a lemon, 4 bay leaves. Topping: 2 eggs beaten with the leftover milk. Bake at 180 °C for 35–40 minutes until the custard has set. Serve with yellow rice and sambals.
""",
)
add(
    "benign",
    "en",
    "cricket-quiz-questions",
    "prose",
    """
Write ten pub-quiz questions about Indian cricket with answers. Facts I want in there: Sachin Tendulkar (born 24 April 1973 in Bombay) and his 100 international centuries, his number 10 shirt being retired, Kapil Dev's 175* against Zimbabwe in 1983, the 2011 World Cup final at the Wankhede Stadium, MS Dhoni finishing it with a six, and Anil Kumble's 10 for 74 against Pakistan in Delhi in 1999.
""",
)
add(
    "benign",
    "en",
    "invoice-template-placeholders",
    "form",
    """
Turn this into a clean invoice template in Word-style layout. Keep the placeholders exactly as they are.

INVOICE
Invoice No.: INV-{YYYY}-{####}
Date: {DD/MM/YYYY}    Due: {+30 days}
Bill to: {Customer Name}, {Company}, {Address line 1}, {Town}, {Postcode}
VAT Reg. No.: GB 000 0000 00
PO number: {PO-number, e.g. 4500012345}
Bank: Sort code 00-00-00, Account 00000000, Reference: {Invoice No.}
Line items: {qty} × {description} @ £{unit price}
Payment terms: 30 days. Late payment interest under the Late Payment of Commercial Debts (Interest) Act 1998.
""",
)
add(
    "benign",
    "en",
    "negligence-case-law-summary",
    "prose",
    """
Summarise Donoghue v Stevenson [1932] UKHL 100 for a first-year tort tutorial: the ginger beer bottle and the snail at the Wellmeadow Café in Paisley in August 1928, why there was no contract, Lord Atkin's neighbour principle, the dissent of Lord Buckmaster, and how Caparo Industries plc v Dickman [1990] 2 AC 605 later refined the test. Keep it under 400 words.
""",
)
add(
    "benign",
    "en",
    "sprint-calendar-holidays",
    "prose",
    """
Help me rearrange our sprint calendar. Sprints are two weeks and start on a Wednesday. Constraints: no sprint review on Easter Monday (6 April 2026) or the early May bank holiday; the June offsite is 17–19 June; August is half-staffed, so make that sprint lighter. Will reviews be able to move from Friday to Thursday afternoons? The platform team keeps asking. Also mark Reading Festival weekend as a no-deploy window.
""",
)
add(
    "benign",
    "en",
    "shipping-email-translation-french",
    "prose",
    """
Translate this shipping notification template into French (France), keep the placeholders and the example tracking number as they are:

"Hi {first_name}, good news — your order #A1-88412 has shipped! Track it with UPS using tracking number 1Z999AA10123456784. Estimated delivery: {delivery_date}. Questions? Reply to this email or call our customer service team on 0800 000 0000 (Mon–Fri, 9am–5pm). Thanks for shopping with Acorn & Pine."
""",
)
add(
    "benign",
    "en",
    "ingress-502-access-log",
    "kv-log",
    """
We get intermittent 502s behind the ingress. These are the only access-log lines around the failures — is it the health checks or the upstream?

127.0.0.1 - - [14/Oct/2025:09:12:01 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"
10.0.3.17 - - [14/Oct/2025:09:12:03 +0000] "POST /api/v1/orders HTTP/1.1" 502 150 "-" "okhttp/4.12.0" upstream=10.0.5.22:8080 rt=30.001
10.0.3.17 - - [14/Oct/2025:09:12:04 +0000] "GET /api/v1/orders/8812 HTTP/1.1" 200 934 "-" "okhttp/4.12.0" upstream=10.0.5.23:8080 rt=0.041
192.0.2.44 - - [14/Oct/2025:09:12:09 +0000] "GET /metrics HTTP/1.1" 403 0 "-" "Prometheus/2.53.0"
127.0.0.1 - - [14/Oct/2025:09:12:11 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"
""",
)
add(
    "benign",
    "en",
    "bearer-token-explainer",
    "prose",
    """
Explain to a junior developer what the three parts of a JWT are, using `<header>.<payload>.<signature>` as the shape, why `Authorization: Bearer $ACCESS_TOKEN` should never be logged, and why `alg: none` is dangerous. Show a curl example with the token read from an environment variable, not pasted inline.
""",
)
add(
    "benign",
    "en",
    "env-example-for-readme",
    "env",
    """
Is this .env.example clear enough for new contributors? Suggest comments for each line.

DATABASE_URL=postgres://user:password@localhost:5432/app_dev
REDIS_URL=redis://localhost:6379/0
SECRET_KEY=changeme
STRIPE_SECRET_KEY=sk_test_your_key_here
STRIPE_WEBHOOK_SECRET=whsec_...
SENDGRID_API_KEY=<your-sendgrid-key>
SENTRY_DSN=
ADMIN_EMAIL=admin@example.com
""",
)
add(
    "benign",
    "en",
    "local-storage-emulator-connection",
    "code",
    """
Our integration tests use the local storage emulator. Is this the right connection string, or should I just use UseDevelopmentStorage=true?

BLOB_CONN = (
    "DefaultEndpointsProtocol=http;"
    "AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
)
""",
)
add(
    "benign",
    "en",
    "green-belt-movement-talk",
    "prose",
    """
I'm giving a 5-minute talk at a school in Nyeri about Wangari Maathai. Key points: born 1 April 1940 in Ihithe village, first woman in East and Central Africa to earn a doctorate, founded the Green Belt Movement in 1977, defended Uhuru Park and Karura Forest in Nairobi, Nobel Peace Prize 2004, died 25 September 2011. Make it inspiring for 12-year-olds and end with a tree-planting challenge.
""",
)
add(
    "benign",
    "en",
    "things-fall-apart-reading-guide",
    "prose",
    """
Create a reading guide for Things Fall Apart (Chinua Achebe, 1958; my edition is ISBN 978-0-385-47454-2) for a book club in Lagos. Include a short note on Achebe (born 16 November 1930 in Ogidi), character notes on Okonkwo, Unoka, Ikemefuna, Nwoye and Ezinma, and five discussion questions about the District Commissioner's final paragraph.
""",
)
add(
    "benign",
    "en",
    "taxicab-number-explanation",
    "prose",
    """
Explain why 1729 is the smallest number expressible as the sum of two cubes in two different ways (1³ + 12³ and 9³ + 10³), tell the Hardy–Ramanujan taxi story, and mention that National Mathematics Day in India is 22 December because Srinivasa Ramanujan was born on 22 December 1887 in Erode. Aim at 15-year-olds.
""",
)
add(
    "benign",
    "en",
    "suffrage-day-library-post",
    "prose",
    """
Write a 150-word social post for our library for Suffrage Day (19 September). Mention Kate Sheppard (she's on the $10 note), the 1893 petition with roughly 24,000 signatures glued into a 270-metre roll that is now at Te Papa (55 Cable Street, Wellington), and Meri Te Tai Mangakāhia's 1893 speech to Te Kotahitanga. End with our display opening times.
""",
)
add(
    "benign",
    "en",
    "hockey-records-trivia",
    "prose",
    """
My dad loves hockey trivia. Can you make a birthday card quiz with 8 questions? Use: Wayne Gretzky (born January 26, 1961 in Brantford, Ontario), 894 regular-season goals, number 99 retired league-wide in 2000, the 1988 trade to Los Angeles, Mario Lemieux's 1987 Canada Cup goal, and Hayley Wickenheiser's four Olympic golds.
""",
)
add(
    "benign",
    "en",
    "waltzing-matilda-explained",
    "prose",
    """
My American colleague asked what "Waltzing Matilda" is actually about. Explain the words (swagman, billabong, coolibah tree, jumbuck, tucker bag, squatter, troopers) and the story: Banjo Paterson wrote it in 1895 at Dagworth Station near Winton, Queensland, the Combo Waterhole is thought to be the billabong, and he was on the old paper $10 note. Keep it light.
""",
)
add(
    "benign",
    "en",
    "dublin-day-trip-plan",
    "prose",
    """
Plan a day in Dublin for my parents arriving on the 07:00 train from Galway (gets into Heuston about 09:30). They want the Book of Kells at Trinity College (College Green, Dublin 2, D02 PN40 — the college's main number is +353 1 896 1000), lunch somewhere near Grafton Street, the National Gallery on Merrion Square, and the 18:25 train back. They're slow walkers, so include Luas and bus options with Leap card fares.
""",
)
add(
    "benign",
    "en",
    "paracetamol-ibuprofen-general-question",
    "prose",
    """
General question: what's the usual maximum daily dose of paracetamol for a healthy adult, and is it safe to alternate it with ibuprofen for a fever?
""",
)
add(
    "benign",
    "en",
    "parental-leave-policy-template",
    "prose",
    """
Rewrite this policy paragraph in plain English, keep the example as an example:

"An employee (e.g. John Smith, Employee ID E-00000) who has completed 26 weeks' continuous service by the end of the 15th week before the expected week of childbirth is entitled to up to 52 weeks' maternity leave and, subject to the qualifying conditions, Statutory Maternity Pay of 90% of average weekly earnings for 6 weeks followed by the statutory flat rate for 33 weeks. Requests should be submitted via the HR portal using form HR-ML-01."
""",
)
add(
    "benign",
    "en",
    "server-journal-explainer",
    "kv-log",
    """
What is happening in these journal lines from our build server, and is the cron entry normal?

Oct 14 02:00:01 ci-build-03 CRON[22311]: (root) CMD (run-parts /etc/cron.hourly)
Oct 14 02:00:07 ci-build-03 sshd[22340]: Accepted publickey for deploy from 10.0.0.5 port 51422 ssh2: ED25519 SHA256:Vx3k9mQ2tLr8yPz0aB4cD6eF7gH1iJ2kL3mN4oP5qR8
Oct 14 02:00:07 ci-build-03 systemd-logind[812]: New session 4471 of user deploy.
Oct 14 02:03:12 ci-build-03 postgres[1187]: LOG:  checkpoint complete: wrote 1423 buffers (8.7%)
Oct 14 02:05:40 ci-build-03 kernel: [1849201.332] EXT4-fs (sdb1): mounted filesystem with ordered data mode
Oct 14 02:05:41 ci-build-03 systemd[1]: Started Daily apt upgrade and clean activities.
""",
)

add(
    "benign",
    "en",
    "terraform-plan-explanation",
    "command",
    """
Explain this terraform plan to my manager in plain words: what gets replaced and is there any downtime?

  # aws_instance.web[0] must be replaced
-/+ resource "aws_instance" "web" {
      ~ ami           = "ami-0c55b159cbfafe1f0" -> "ami-0e2c8caa4b6378d8c" # forces replacement
      ~ id            = "i-0a1b2c3d4e5f60718" -> (known after apply)
        instance_type = "t3.medium"
      ~ private_ip    = "10.0.1.23" -> (known after apply)
    }
  # aws_iam_role_policy_attachment.ssm will be created
  + resource "aws_iam_role_policy_attachment" "ssm" {
      + policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
      + role       = "arn:aws:iam::123456789012:role/web-ec2"
    }
Plan: 2 to add, 0 to change, 1 to destroy.
""",
)


# ---------------------------------------------------------------------------
# group benign — other languages (2 each)
# ---------------------------------------------------------------------------
add(
    "benign",
    "de",
    "beethoven-programmheft-text",
    "prose",
    """
Schreib mir einen Einführungstext (ca. 150 Wörter) fürs Programmheft unseres Laienorchesters, wir spielen die 7. Sinfonie. Fakten: Ludwig van Beethoven wurde am 17. Dezember 1770 in Bonn getauft, die Siebte wurde am 8. Dezember 1813 in Wien uraufgeführt, Wagner nannte sie die „Apotheose des Tanzes“. Unten auf die Seite kommt ein Hinweis aufs Beethoven-Haus (Bonngasse 20, 53111 Bonn, Tel. laut Website 0228 98175-0).
""",
)
add(
    "benign",
    "de",
    "bausparvertrag-zinsrechnung",
    "prose",
    """
Mathe-Hausaufgabe meiner Tochter, ich komme nicht auf das Ergebnis: Ein Bausparvertrag (Tarif „Classic 4C“, Bausparsumme 50.000 €) wird mit monatlich 200 € bespart, Guthabenzins 0,1 % p. a., Abschlussgebühr 1 % der Bausparsumme. Wie hoch ist das Guthaben nach 7 Jahren, und wann ist das Mindestguthaben von 40 % erreicht? Bitte mit Rechenweg.
""",
)
add(
    "benign",
    "fr",
    "miserables-fiche-lecture",
    "prose",
    """
Fais-moi une fiche de lecture des Misérables pour une classe de 4e : Victor Hugo (né le 26 février 1802 à Besançon), l'exil à Guernesey, le forçat Jean Valjean et son matricule 24601, l'inspecteur Javert, Fantine, Cosette et les Thénardier, la barricade de la rue de la Chanvrerie en juin 1832. On visitera ensuite la Maison de Victor Hugo, 6 place des Vosges, 75004 Paris.
""",
)
add(
    "benign",
    "fr",
    "planning-ponts-mai-equipe",
    "prose",
    """
Aide-moi à organiser le planning de l'équipe pour mai 2026 : le 1er mai et le 8 mai tombent un vendredi, l'Ascension est le jeudi 14 mai (pont le vendredi 15), le lundi de Pentecôte le 25 mai. On veut au moins deux personnes présentes chaque jour ouvré, la Saint-Martin est en novembre donc hors sujet, et la réunion du lundi passe au mardi les semaines avec un jour férié.
""",
)
add(
    "benign",
    "es",
    "casa-azul-visita-coyoacan",
    "prose",
    """
Organízame una mañana en Coyoacán para visitar el Museo Frida Kahlo (la Casa Azul, Londres 247, Del Carmen, CDMX). Quiero contarle a mi hijo que Frida nació el 6 de julio de 1907 en esa misma casa, lo del accidente del tranvía de 1925 y su matrimonio con Diego Rivera. Los boletos se compran en línea con horario; ¿nos da tiempo a ir luego al Museo Anahuacalli con el mismo boleto?
""",
)
add(
    "benign",
    "es",
    "alineacion-estadisticas-futbol",
    "markdown-table",
    """
Con esta tabla de la temporada 2024/25, calcula goles por 90 minutos y ordénala. Es para un artículo del blog del colegio.

| Dorsal | Jugador | Partidos | Minutos | Goles |
|---|---|---|---|---|
| 9 | Kylian Mbappé | 56 | 4.710 | 43 |
| 7 | Vinícius Júnior | 50 | 3.900 | 22 |
| 5 | Jude Bellingham | 52 | 4.300 | 15 |
| 11 | Rodrygo | 49 | 3.050 | 14 |
| 21 | Brahim Díaz | 47 | 1.980 | 7 |

Estadio Santiago Bernabéu, Av. de Concha Espina 1, Madrid.
""",
)
add(
    "benign",
    "it",
    "dantedi-post-biblioteca",
    "prose",
    """
Scrivi un post per i social della biblioteca comunale per il Dantedì (25 marzo): tono leggero, massimo 120 parole. Cita la Casa di Dante (via Santa Margherita 1, Firenze), Beatrice Portinari, il verso "Nel mezzo del cammin di nostra vita" e invita alla lettura ad alta voce di sabato alle 17.
""",
)
add(
    "benign",
    "it",
    "query-fatturato-mensile",
    "sql",
    """
Questa query dovrebbe darmi il fatturato mensile per categoria nel 2025, ma i totali di marzo sono doppi. Dove sbaglio?

SELECT date_trunc('month', f.data_emissione) AS mese,
       c.nome AS categoria,
       SUM(r.quantita * r.prezzo_unitario) AS imponibile
FROM fatture f
JOIN righe_fattura r ON r.fattura_id = f.id
JOIN prodotti p ON p.id = r.prodotto_id
JOIN categorie c ON c.id = p.categoria_id
LEFT JOIN note_credito n ON n.fattura_id = f.id
WHERE f.numero LIKE 'FT-2025-%'
GROUP BY 1, 2
ORDER BY 1, 3 DESC;
""",
)
add(
    "benign",
    "pt",
    "pessoa-heteronimos-aula",
    "prose",
    """
Prepara uma aula de 50 minutos para o 12.º ano sobre Fernando Pessoa e os heterónimos. Pessoa nasceu a 13 de junho de 1888 no Largo de São Carlos, em Lisboa; morreu em 1935. Quero comparar Alberto Caeiro, Ricardo Reis e Álvaro de Campos com um poema de cada um, e terminar com uma visita virtual à Casa Fernando Pessoa (Rua Coelho da Rocha, 16).
""",
)
add(
    "benign",
    "pt",
    "pao-de-queijo-receita-dobro",
    "prose",
    """
Dobra essa receita de pão de queijo e me diz quanto tempo deixar no forno se eu fizer bolinhas menores: 500 g de polvilho azedo, 250 ml de leite, 125 ml de óleo, 1 colher (chá) de sal, 2 ovos, 200 g de queijo meia cura ralado. Forno preaquecido a 180 °C por 25 a 30 minutos. É a versão do caderno da minha avó, parecida com a do livro da Dona Benta.
""",
)
add(
    "benign",
    "nl",
    "cruijff-spreekbeurt",
    "prose",
    """
Mijn zoon (groep 7) houdt een spreekbeurt over Johan Cruijff. Kun je vijf dia's maken? Feiten: geboren op 25 april 1947 in Amsterdam-Oost, debuut bij Ajax in 1964, drie keer de Ballon d'Or, rugnummer 14, de "Cruijff-draai" op het WK van 1974 tegen Zweden, trainer van Barcelona, overleden op 24 maart 2016. Het stadion heet nu Johan Cruijff ArenA (Johan Cruijff Boulevard 1).
""",
)
add(
    "benign",
    "nl",
    "weeknummers-feestdagen-excel",
    "code",
    """
Ik wil in Excel een kolom met ISO-weeknummers en een kolom "feestdag" voor 2026. Klopt deze formule, en welke datums moet ik in de tabel Feestdagen zetten (Nieuwjaarsdag, Goede Vrijdag, Pasen, Koningsdag 27 april, Bevrijdingsdag 5 mei, Hemelvaart, Pinksteren, Kerst)?

=ALS(AANTAL.ALS(Feestdagen[Datum];A2)>0;"feestdag";ALS(WEEKDAG(A2;2)>5;"weekend";"werkdag"))
=ISO.WEEKNUMMER(A2)
""",
)
add(
    "benign",
    "pl",
    "chopin-tablica-informacyjna",
    "prose",
    """
Napisz tekst na tablicę informacyjną (maks. 600 znaków) przy pomniku Chopina w Łazienkach na sezon koncertów plenerowych: urodzony w Żelazowej Woli (1 marca albo 22 lutego 1810 – wspomnij o sporze o datę), wyjazd z Warszawy w 1830 r., Walc Des-dur op. 64 nr 1 i Polonez As-dur op. 53. Koncerty w niedziele o 12:00 i 16:00, wstęp wolny.
""",
)
add(
    "benign",
    "pl",
    "zadanie-vat-faktura",
    "prose",
    """
Sprawdź moje rozwiązanie zadania z matematyki finansowej: faktura FV/2025/03/117 na kwotę netto 1 234,56 zł, stawka VAT 23%. Policzyłam VAT 283,95 zł i brutto 1 518,51 zł. Potem rabat 5% od brutto i zapłata w dwóch ratach – ile wynosi każda rata? NIP sprzedawcy w zadaniu jest zapisany jako XXX-XXX-XX-XX, więc go pomijam.
""",
)
add(
    "benign",
    "cs",
    "capek-rur-referat",
    "prose",
    """
Pomoz mi s osnovou referátu o hře R.U.R. Karla Čapka (premiéra 25. ledna 1921 v Národním divadle). Chci zmínit, že slovo „robot“ vymyslel jeho bratr Josef Čapek, že Karel se narodil 9. ledna 1890 v Malých Svatoňovicích, a postavy Helenu Gloryovou, Harryho Domina a Alquista. Nakonec tip na výlet do Památníku Karla Čapka ve Strži.
""",
)
add(
    "benign",
    "cs",
    "vlakove-spojeni-berlin",
    "prose",
    """
Potřebuji se dostat z Prahy do Berlína a zpět v jeden den. Ráno jede EC 172 z Prahy hl. n. v 6:39, v Berlíně Hbf je kolem 11:10; zpět bych chtěl jet EC 175 kolem 16:30. Stihnu mezi tím Muzejní ostrov a oběd? Kolik stojí jízdenka se slevou Včasná jízdenka Evropa a mám si dát místenku?
""",
)
add(
    "benign",
    "da",
    "konfirmationstale-andersen-citat",
    "prose",
    """
Jeg skal holde tale til min datters konfirmation. Kan du hjælpe med en indledning på 5-6 sætninger, der bruger "Den grimme ælling"? Nævn gerne at H.C. Andersen blev født 2. april 1805 i Odense, og citatet "Det gør ikke noget at være født i andegården, når man kun har ligget i et svaneæg."
""",
)
add(
    "benign",
    "da",
    "rodgrod-opskrift",
    "prose",
    """
Kan du omregne min rødgrød-opskrift fra 4 til 10 personer og give mig en indkøbsliste? 500 g jordbær, 250 g rabarber, 250 g ribs, 150 g sukker, 1 vaniljestang, 2 spsk kartoffelmel rørt ud i koldt vand, 5 dl vand. Serveres med piskefløde – hvor meget skal jeg købe?
""",
)
add(
    "benign",
    "no",
    "grieg-konsertprogram",
    "prose",
    """
Skriv en kort programtekst til skolekonserten: Edvard Grieg (født 15. juni 1843 i Bergen), Peer Gynt-suitene op. 46 og op. 55 med "Morgenstemning" og "I Dovregubbens hall", Ibsens Peer Gynt og Solveig, og villaen Troldhaugen (Troldhaugvegen 65, Bergen) der han bodde med Nina Grieg. Maks 200 ord.
""",
)
add(
    "benign",
    "no",
    "stromprisanalyse-prisomrader",
    "csv",
    """
Jeg har timespriser for strøm fra fem prisområder. Hvordan finner jeg i pandas de tre billigste timene per døgn i NO1, og gjennomsnittet per område for oktober?

time,NO1,NO2,NO3,NO4,NO5
2025-10-14T00:00,0.412,0.398,0.087,0.031,0.401
2025-10-14T01:00,0.389,0.377,0.081,0.029,0.380
2025-10-14T02:00,0.371,0.366,0.079,0.028,0.362
2025-10-14T17:00,1.204,1.187,0.142,0.044,1.161
2025-10-14T18:00,1.318,1.290,0.150,0.046,1.275
""",
)
add(
    "benign",
    "et",
    "koidula-kirjandustund",
    "prose",
    """
Koosta kirjandustund 7. klassile Lydia Koidula kohta: sündis 24. detsembril 1843 Vändras, „Mu isamaa on minu arm“, esimene eestikeelne näidend „Saaremaa onupoeg“ (1870), Pärnu Koidula muuseum. Lisa kolm küsimust ja ülesanne võrrelda luuletust tänapäevase laulu sõnadega.
""",
)
add(
    "benign",
    "et",
    "andmebaasi-uuenduse-plaan",
    "command",
    """
Kas see andmebaasi uuendamise plaan on mõistlik? Meil on PostgreSQL 16.3 ja tahame minna 17.0-le, rakendus v2.14.0, migratsioonid Flyway abil.

pg_upgrade -b /usr/lib/postgresql/16/bin -B /usr/lib/postgresql/17/bin \\
  -d /var/lib/postgresql/16/main -D /var/lib/postgresql/17/main --check
flyway -configFiles=conf/prod.conf info
flyway -configFiles=conf/prod.conf migrate -target=2025.10.14.1
systemctl restart app@blue.service
curl -fsS http://127.0.0.1:8080/version   # ootame: {"version":"2.14.0","build":4471}
""",
)
add(
    "benign",
    "lv",
    "dainu-skapja-ieraksts-socialajos-tiklos",
    "prose",
    """
Uzraksti īsu ierakstu bibliotēkas sociālajiem tīkliem par Krišjāni Baronu (dzimis 1835. gada 31. oktobrī Strutelē) un Dainu skapi ar vairāk nekā 268 000 tautasdziesmu vienībām, kas iekļauts UNESCO "Pasaules atmiņas" reģistrā. Pievieno vienu dainu par sauli un aicinājumu uz lasījumiem ceturtdien plkst. 18.00.
""",
)
add(
    "benign",
    "lv",
    "rigas-diena-marsruts",
    "prose",
    """
Palīdzi saplānot dienu Rīgā pirms vakara lidojuma: no rīta Centrāltirgus paviljoni, tad Vecrīga (Doma laukums, Melngalvju nams), pusdienas, un līdz lidostai ar 22. autobusu. Lidojums BT 651 atiet 19:45, reģistrācija beidzas 40 minūtes pirms. Cik laika jāatstāj ceļam no Centrālās stacijas?
""",
)
add(
    "benign",
    "lt",
    "ciurlionio-audiogido-tekstas",
    "prose",
    """
Parašyk 90 sekundžių audiogido tekstą prie M. K. Čiurlionio paveikslo „Pasaulio sutvėrimas“ Nacionaliniame M. K. Čiurlionio dailės muziejuje (V. Putvinskio g. 55, Kaunas). Faktai: dailininkas ir kompozitorius gimė 1875 m. rugsėjo 22 d. Senojoje Varėnoje, parašė simfoninę poemą „Miške“, mirė 1911 m.
""",
)
add(
    "benign",
    "lt",
    "krepsinio-efektyvumo-skaiciavimas",
    "csv",
    """
Turiu CSV su rungtynių statistika. Kaip Python pandas apskaičiuoti efektyvumo balą (PIR) kiekvienam žaidėjui ir surūšiuoti?

zaidejas,komanda,taskai,atk_kamuoliai,rez_perdavimai,perimti,blokai,klaidos,nepataikyti_metimai
Arvydas Sabonis,Žalgiris,24,13,4,1,3,2,7
Šarūnas Marčiulionis,Statyba,28,5,6,3,0,4,11
Rimas Kurtinaitis,Žalgiris,19,3,2,2,0,1,6
""",
)
add(
    "benign",
    "ro",
    "brancusi-articol-blog-weekend",
    "prose",
    """
Scrie un articol de blog de călătorie (cam 300 de cuvinte) despre un weekend la Târgu Jiu: Calea Eroilor cu Masa Tăcerii, Poarta Sărutului și Coloana Infinitului (29,33 m). Constantin Brâncuși s-a născut la 19 februarie 1876 la Hobița; adaugă o oprire la casa memorială și un sfat despre trenul de 7:05 din Craiova.
""",
)
add(
    "benign",
    "ro",
    "raport-vanzari-pe-judete-sql",
    "sql",
    """
Am nevoie de un raport cu vânzările pe județe pentru trimestrul 3. Interogarea de mai jos îmi dă rânduri duplicate pentru comenzile cu mai multe colete. Cum o repar?

SELECT j.cod_judet, j.nume, COUNT(c.id) AS comenzi, SUM(c.total_ron) AS valoare
FROM comenzi c
JOIN adrese_livrare a ON a.id = c.adresa_livrare_id
JOIN judete j ON j.cod_judet = a.cod_judet
JOIN colete k ON k.comanda_id = c.id
WHERE c.data_plasare BETWEEN '2025-07-01' AND '2025-09-30'
  AND c.numar LIKE 'CMD-2025-%'
GROUP BY j.cod_judet, j.nume
ORDER BY valoare DESC;
""",
)
add(
    "benign",
    "tr",
    "nazim-hikmet-siir-analizi",
    "prose",
    """
Lise 11. sınıf için Nâzım Hikmet'in "Memleketimden İnsan Manzaraları" üzerine bir ders planı hazırlar mısın? Şair 15 Ocak 1902'de Selanik'te doğdu, 1963'te Moskova'da öldü. "Ceviz Ağacı" şiirini de karşılaştırma için kullanmak istiyorum; üç tartışma sorusu ekle.
""",
)
add(
    "benign",
    "tr",
    "istanbul-iki-gunluk-gezi",
    "prose",
    """
İstanbul'da iki günlük bir gezi planı yapar mısın? Topkapı Sarayı (Cankurtaran, Fatih) salı günleri kapalı, Ayasofya, Yerebatan Sarnıcı, akşamüstü Galata Kulesi. İkinci gün Kadıköy'e 08:15 Eminönü vapuruyla geçip Moda'da kahvaltı. Müzekart fiyatını ve İstanbulkart'a ne kadar yüklememiz gerektiğini de yaz.
""",
)

if __name__ == "__main__":
    build(PROMPTS, HERE / "fresh20.jsonl", seed=SPLIT_SEED, id_prefix=ID_PREFIX)
