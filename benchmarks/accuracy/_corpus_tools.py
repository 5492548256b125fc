"""Shared machinery for the hand-written blind accuracy corpora (fresh7 onwards).

Moved out of ``fresh6/build.py`` unchanged in behaviour (``fresh6`` and older
corpora keep their own frozen copies): the label aliases and types, formats,
groups, national-id validators, phone regions per language, the marker parser
(``⟦TYPE:value⟧`` / ``⟦TYPE@CC:value⟧``), the value checks, the stratified
dev/test split and the statistics printer.  Extended for fresh7 with validators
for RU, UA, AD (and SI DDV, ES NIF) and the languages ru, uk, bg, hr, sk, sl,
ca and is.
Extended for fresh8 (additively) to accept a whole ASCII-armoured PGP secret
key block as ``PRIVATE_KEY``.

A corpus script collects prompts with ``add_prompt(prompts, group, lang,
domain, fmt, text)`` and calls ``build(prompts, out_path, seed, id_prefix)``.
"""

import contextlib
import importlib
import ipaddress
import itertools
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ALIASES = {
    "P": "PERSON",
    "E": "EMAIL_ADDRESS",
    "T": "PHONE_NUMBER",
    "A": "STREET_ADDRESS",
    "DOB": "DATE_OF_BIRTH",
    "ID": "NATIONAL_ID",
    "IBAN": "IBAN_CODE",
    "CC": "CREDIT_CARD",
    "IP": "IP_ADDRESS",
    "PASS": "PASSPORT",
    "DL": "DRIVER_LICENSE",
    "ACC": "ACCOUNT_NUMBER",
    "U": "USERNAME",
    "S": "SECRET",
    "K": "API_KEY",
    "PK": "PRIVATE_KEY",
    "MC": "MEDICAL_CONDITION",
    "MED": "MEDICATION",
    "MRN": "MEDICAL_RECORD_NUMBER",
}
TYPES = set(ALIASES.values())
FORMATS = {
    "csv",
    "json",
    "yaml",
    "env",
    "ini",
    "kv-log",
    "http",
    "sql",
    "markdown-table",
    "form",
    "prose",
    "command",
    "code",
}
GROUPS = {"pii", "cred", "benign"}

# national-id validators, by ISO country code
ID_VALIDATORS = {
    "PL": "stdnum.pl.pesel",
    "NL": "stdnum.nl.bsn",
    "BR": "stdnum.br.cpf",
    "IN": "stdnum.in_.aadhaar",
    "ES": ("stdnum.es.dni", "stdnum.es.nie", "stdnum.es.nif"),
    "IT": "stdnum.it.codicefiscale",
    "SE": "stdnum.se.personnummer",
    "DK": "stdnum.dk.cpr",
    "FI": "stdnum.fi.hetu",
    "CA": "stdnum.ca.sin",
    "FR": ("stdnum.fr.nir", "stdnum.fr.nif"),
    "DE": "stdnum.de.idnr",
    "BE": "stdnum.be.nn",
    "CH": "stdnum.ch.ssn",
    "ZA": "stdnum.za.idnr",
    "MX": ("stdnum.mx.curp", "stdnum.mx.rfc"),
    "CL": "stdnum.cl.rut",
    "TR": "stdnum.tr.tckimlik",
    "US": "stdnum.us.ssn",
    "GB": ("stdnum.gb.nhs", "stdnum.gb.utr"),
    "PT": ("stdnum.pt.nif", "stdnum.pt.cc"),
    "NO": "stdnum.no.fodselsnummer",
    "AT": "stdnum.at.vnr",
    "IE": "stdnum.ie.pps",
    "RO": "stdnum.ro.cnp",
    "CZ": "stdnum.cz.rc",
    "HR": "stdnum.hr.oib",
    "IS": "stdnum.is_.kennitala",
    "EE": "stdnum.ee.ik",
    "BG": "stdnum.bg.egn",
    "SK": "stdnum.sk.rc",
    "LT": "stdnum.lt.asmens",
    "GR": ("stdnum.gr.amka", "stdnum.gr.vat"),
    "SI": ("stdnum.si.emso", "stdnum.si.ddv"),
    "KR": "stdnum.kr.rrn",
    "CN": "stdnum.cn.ric",
    "AU": "stdnum.au.tfn",
    "NZ": "stdnum.nz.ird",
    "IL": "stdnum.il.idnr",
    "AR": ("stdnum.ar.cuit", "stdnum.ar.dni"),
    "LV": "stdnum.lv.pvn",
    "JP": "stdnum.jp.in_",
    "MY": "stdnum.my.nric",
    "PK": "stdnum.pk.cnic",
    "EC": "stdnum.ec.ci",
    "PE": "stdnum.pe.cui",
    "DO": "stdnum.do.cedula",
    "CO": "stdnum.co.nit",
    "TH": "stdnum.th.pin",
    "ID": "stdnum.id.nik",
    "CR": "stdnum.cr.cpf",
    "RU": "stdnum.ru.inn",
    "UA": ("stdnum.ua.rntrc", "stdnum.ua.edrpou"),
    "AD": "stdnum.ad.nrt",
    "BY": "stdnum.by.unp",
    "RS": "stdnum.rs.pib",
    "MD": "stdnum.md.idno",
}
# regions a phone number written without +CC is checked against, by prompt language
LANG_REGIONS = {
    "en": ("US", "GB", "IE", "AU", "NZ", "ZA", "CA", "IN"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH"),
    "es": ("ES", "CL", "AR", "MX"),
    "it": ("IT",),
    "pt": ("PT", "BR"),
    "nl": ("NL", "BE"),
    "pl": ("PL",),
    "sv": ("SE",),
    "da": ("DK",),
    "fi": ("FI",),
    "cs": ("CZ",),
    "ro": ("RO",),
    "hu": ("HU",),
    "no": ("NO",),
    "tr": ("TR",),
    "el": ("GR", "CY"),
    "et": ("EE",),
    "lt": ("LT",),
    "lv": ("LV",),
    "ru": ("RU", "BY", "KZ"),
    "uk": ("UA",),
    "bg": ("BG",),
    "hr": ("HR", "BA"),
    "sk": ("SK",),
    "sl": ("SI",),
    "ca": ("ES", "AD"),
    "is": ("IS",),
}
LANGS = {
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "pl",
    "sv",
    "da",
    "fi",
    "cs",
    "ro",
    "hu",
    "no",
    "tr",
    "el",
    "et",
    "lt",
    "lv",
    "ru",
    "uk",
    "bg",
    "hr",
    "sk",
    "sl",
    "ca",
    "is",
}

MARK = re.compile(r"⟦([A-Z_]+)(?:@([A-Z]{2}))?:(.*?)⟧", re.S)


def add_prompt(prompts, group, lang, domain, fmt, text):
    """Append one hand-written prompt (with inline markers) to ``prompts``."""
    assert group in GROUPS, group
    assert fmt in FORMATS, fmt
    assert lang in LANGS, lang
    prompts.append({"group": group, "lang": lang, "domain": domain, "format": fmt, "raw": text.strip("\n")})


def parse(raw):
    out, labels, pos = [], [], 0
    cur = 0
    for m in MARK.finditer(raw):
        out.append(raw[pos : m.start()])
        cur += m.start() - pos
        typ = ALIASES.get(m.group(1), m.group(1))
        if typ not in TYPES:
            raise ValueError(f"unknown label type {m.group(1)!r}")
        value = m.group(3)
        country = m.group(2)
        if typ == "NATIONAL_ID" and not country:
            raise ValueError(f"NATIONAL_ID without country: {value!r}")
        if typ != "NATIONAL_ID" and country:
            raise ValueError(f"country on non-ID label: {value!r}")
        labels.append(
            {"type": typ, "value": value, "start": cur, "end": cur + len(value), "country": country}
        )
        out.append(value)
        cur += len(value)
        pos = m.end()
    out.append(raw[pos:])
    text = "".join(out)
    if "⟦" in text or "⟧" in text:
        raise ValueError("unbalanced marker")
    return text, labels


# ---------------------------------------------------------------------------
# checks, split, output
# ---------------------------------------------------------------------------
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def _luhn(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def validate_value(lab, lang="en"):
    typ, v = lab["type"], lab["value"]
    if typ == "NATIONAL_ID":
        mods = ID_VALIDATORS[lab["country"]]
        mods = mods if isinstance(mods, tuple) else (mods,)
        if lab["country"] == "IN":
            mods = (*mods, "stdnum.in_.pan")
        ok = any(importlib.import_module(m).is_valid(v) for m in mods)
        assert ok, f"invalid national id {lab['country']} {v!r}"
    elif typ == "IBAN_CODE":
        from stdnum import iban

        assert iban.is_valid(v), f"invalid IBAN {v!r}"
    elif typ == "CREDIT_CARD":
        digits = re.sub(r"[ -]", "", v)
        assert digits.isdigit() and 13 <= len(digits) <= 19 and _luhn(digits), f"bad card {v!r}"
    elif typ == "PHONE_NUMBER":
        import phonenumbers

        regions = (None,) if v.lstrip().startswith("+") else LANG_REGIONS[lang]
        ok = False
        for reg in regions:
            with contextlib.suppress(phonenumbers.NumberParseException):
                ok = ok or phonenumbers.is_valid_number(phonenumbers.parse(v, reg))
        assert ok, f"invalid phone {v!r} ({lang})"
    elif typ == "IP_ADDRESS":
        assert ipaddress.ip_address(v).is_global, f"non-public IP {v!r}"
    elif typ == "EMAIL_ADDRESS":
        assert EMAIL_RE.match(v.replace("%40", "@")), f"bad email {v!r}"  # URL-encoded @ allowed
    elif typ == "PRIVATE_KEY":
        if v.startswith("PuTTY-User-Key-File-"):
            assert re.search(r"\nPrivate-MAC: [0-9a-f]{64}$", v), "PuTTY key must be whole"
        elif v.startswith("AGE-SECRET-KEY-1"):
            assert re.fullmatch(r"AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}", v), "bad age key"
        elif v.startswith("-----BEGIN PGP PRIVATE KEY BLOCK-----") and v.endswith(
            "-----END PGP PRIVATE KEY BLOCK-----"
        ):
            pass  # fresh8: whole armoured PGP secret key (turns a former failure into a pass)
        elif not v.startswith("-----"):  # WireGuard: base64 of 32 bytes
            import base64

            assert len(base64.b64decode(v, validate=True)) == 32, "bad WireGuard key"
        else:
            assert v.startswith("-----BEGIN ") and v.endswith("PRIVATE KEY-----"), "PEM must be whole"
    assert v == v.strip() and v, f"label value has surrounding whitespace: {v!r}"


def occurrences(text, value):
    pat = r"(?<![\w])" + re.escape(value) + r"(?![\w])"
    return [m.start() for m in re.finditer(pat, text)]


def check_prompt(p, text, labels):
    problems, warnings = [], []
    for lab in labels:
        if text[lab["start"] : lab["end"]] != lab["value"]:
            problems.append(f"offset mismatch {lab}")
        try:
            validate_value(lab, p["lang"])
        except AssertionError as exc:
            problems.append(str(exc))
    spans = sorted((lb["start"], lb["end"]) for lb in labels)
    for (s1, e1), (s2, e2) in itertools.pairwise(spans):
        if s2 < e1:
            problems.append(f"overlapping labels at {s1}-{e1} / {s2}-{e2}")

    def covered(s, e):
        return any(lb["start"] <= s and e <= lb["end"] for lb in labels)

    # every occurrence of a labelled value must be labelled
    for lab in labels:
        if lab["type"] == "STREET_ADDRESS" and not re.search(r"\d", lab["value"]):
            continue  # a city field; the same city alone in prose is not labelled
        for s in occurrences(text, lab["value"]):
            if not covered(s, s + len(lab["value"])):
                problems.append(f"unlabelled occurrence of {lab['type']} {lab['value']!r} at {s}")
    # name parts of labelled persons that occur unlabelled (review list)
    for lab in labels:
        if lab["type"] != "PERSON":
            continue
        for tok in re.split(r"[\s]+", lab["value"]):
            if len(tok) < 3 or not tok[0].isupper():
                continue
            for s in occurrences(text, tok):
                if not any(lb["start"] <= s < lb["end"] for lb in labels):
                    warnings.append(f"name part {tok!r} unlabelled at {s}")
    if p["group"] == "benign" and labels:
        problems.append("benign prompt has labels")
    if p["group"] != "benign" and not labels:
        problems.append("non-benign prompt without labels")
    if p["group"] == "cred" and not any(
        lb["type"] in ("SECRET", "API_KEY", "PRIVATE_KEY", "NATIONAL_ID") for lb in labels
    ):
        problems.append("credential prompt without credential/national id")
    return problems, sorted(set(warnings))


KEY_WEIGHTS = {"all": 6, "g": 6, "l": 4, "f": 4, "gl": 3, "gf": 3, "lf": 1, "t": 2, "tp": 3, "c": 1}


def _split_keys(r):
    """What a prompt contributes to the balance: key -> amount."""
    keys = Counter(
        {
            ("all",): 1,
            ("g", r["group"]): 1,
            ("l", r["lang"]): 1,
            ("f", r["format"]): 1,
            ("gl", r["group"], r["lang"]): 1,
            ("gf", r["group"], r["format"]): 1,
            ("lf", r["lang"], r["format"]): 1,
        }
    )
    for t, n in Counter(lb["type"] for lb in r["labels"]).items():
        keys[("t", t)] += n  # number of labels of this type
        keys[("tp", t)] += 1  # prompts containing this type
    for c in {lb["country"] for lb in r["labels"] if lb["country"]}:
        keys[("c", c)] += 1
    return keys


def split_halves(records, seed):
    """Stratified dev/test split with a fixed seed.

    1. seeded shuffle, then alternate dev/test inside each (group, language) stratum;
    2. deterministic hill-climbing: swap one dev prompt with one test prompt while
       that lowers sum_k w_k * (dev_k - test_k)^2 over the keys in _split_keys
       (group, language, format, their crossings, label counts per type, ID countries).
    Keeps the halves exactly equal in size.
    """
    rng = random.Random(seed)
    order = list(range(len(records)))
    rng.shuffle(order)
    order.sort(key=lambda i: (records[i]["group"], records[i]["lang"]))  # stable: shuffled within strata
    side = {}
    flip = rng.random() < 0.5
    for n, i in enumerate(order):
        side[i] = 1 if (n % 2 == 0) != flip else -1  # +1 dev, -1 test
    keys = [_split_keys(r) for r in records]
    diff = Counter()
    for i, k in enumerate(keys):
        for key, a in k.items():
            diff[key] += side[i] * a

    def w(key):
        return KEY_WEIGHTS[key[0]]

    while True:
        best = (0, None)
        dev = [i for i in side if side[i] == 1]
        test = [i for i in side if side[i] == -1]
        for i in dev:
            for j in test:
                change = Counter()
                for key, a in keys[i].items():
                    change[key] -= 2 * a
                for key, a in keys[j].items():
                    change[key] += 2 * a
                delta = sum(
                    w(key) * ((diff[key] + c) ** 2 - diff[key] ** 2) for key, c in change.items() if c
                )
                if delta < best[0]:
                    best = (delta, (i, j))
        if best[1] is None:
            break
        i, j = best[1]
        for key, a in keys[i].items():
            diff[key] -= 2 * a
        for key, a in keys[j].items():
            diff[key] += 2 * a
        side[i], side[j] = -1, 1
    for i, r in enumerate(records):
        r["half"] = "dev" if side[i] == 1 else "test"
    return seed


def build(prompts, out_path, seed, id_prefix, stats=None):
    """Parse, check, split and write ``prompts`` to ``out_path`` (JSONL).

    ``id_prefix`` is the letter of the prompt ids (``k`` -> ``k-0001``);
    ``stats`` (default: ``--stats`` in ``sys.argv``) prints the tables.
    """
    out_path = Path(out_path)
    if stats is None:
        stats = "--stats" in sys.argv
    plen = len(id_prefix) + 1
    records, all_problems, all_warnings = [], [], []
    seen_texts = set()
    for n, p in enumerate(prompts, 1):
        pid = f"{id_prefix}-{n:04d}"
        try:
            text, labels = parse(p["raw"])
        except ValueError as exc:
            all_problems.append(f"{pid}: {exc}")
            continue
        if text in seen_texts:
            all_problems.append(f"{pid}: duplicate text")
        seen_texts.add(text)
        probs, warns = check_prompt(p, text, labels)
        all_problems += [f"{pid}: {x}" for x in probs]
        all_warnings += [f"{pid}: {x}" for x in warns]
        records.append(
            {
                "id": pid,
                "lang": p["lang"],
                "domain": p["domain"],
                "format": p["format"],
                "text": text,
                "labels": labels,
                "group": p["group"],
            }
        )
    # groups must be contiguous, in the order pii, cred, benign
    n_pii = sum(p["group"] == "pii" for p in prompts)
    n_cred = sum(p["group"] == "cred" for p in prompts)
    expected = [
        ("pii", 1, n_pii),
        ("cred", n_pii + 1, n_pii + n_cred),
        ("benign", n_pii + n_cred + 1, len(prompts)),
    ]
    for grp, lo, hi in expected:
        got = [int(r["id"][plen:]) for r in records if r["group"] == grp]
        if got != list(range(lo, hi + 1)):
            all_problems.append(
                f"group {grp}: ids {got[:1]}..{got[-1:]} ({len(got)}), expected {id_prefix}-{lo:04d}..{id_prefix}-{hi:04d}"
            )
    for w in all_warnings:
        print("WARN", w, file=sys.stderr)
    if all_problems:
        for x in all_problems:
            print("ERROR", x, file=sys.stderr)
        sys.exit(1)
    seed = split_halves(records, seed)
    print(f"split seed {seed}")
    with open(out_path, "w", encoding="utf-8") as fh:
        for r in records:
            row = {k: r[k] for k in ("id", "lang", "domain", "format", "text", "labels", "half")}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if stats:
        print_stats(records)
    print(f"wrote {len(records)} prompts, {sum(len(r['labels']) for r in records)} labels -> {out_path}")
    return records


def print_stats(records):
    halves = ["dev", "test"]

    def table(title, keyf, multi=False):
        c = {h: Counter() for h in halves}
        for r in records:
            keys = keyf(r) if multi else [keyf(r)]
            for k in keys:
                c[r["half"]][k] += 1
        keys = sorted(set(c["dev"]) | set(c["test"]), key=lambda k: (-(c["dev"][k] + c["test"][k]), k))
        print(f"\n### {title}\n\n| {title.split(' per ')[-1]} | dev | test | total |\n|---|---:|---:|---:|")
        for k in keys:
            print(f"| {k} | {c['dev'][k]} | {c['test'][k]} | {c['dev'][k] + c['test'][k]} |")
        print(
            f"| **total** | {sum(c['dev'].values())} | {sum(c['test'].values())} | "
            f"{sum(c['dev'].values()) + sum(c['test'].values())} |"
        )

    table("Prompts per group", lambda r: r["group"])
    for grp in ("pii", "cred", "benign"):
        sub = [r for r in records if r["group"] == grp]
        ids = [r["id"] for r in sub]
        langs = sorted(
            {r["lang"] for r in records}, key=lambda lg: (-sum(x["lang"] == lg for x in records), lg)
        )
        fmts = sorted(
            {r["format"] for r in records}, key=lambda f: (-sum(x["format"] == f for x in records), f)
        )

        def cell(key, val, h, sub=sub):
            return sum(1 for r in sub if r[key] == val and r["half"] == h)

        print(f"\n### Group `{grp}` ({ids[0]} .. {ids[-1]}), dev/test\n")
        print("| | " + " | ".join(langs) + " |\n|---|" + "---:|" * len(langs))
        print(
            "| language | "
            + " | ".join(f"{cell('lang', lg, 'dev')}/{cell('lang', lg, 'test')}" for lg in langs)
            + " |"
        )
        print("\n| | " + " | ".join(fmts) + " |\n|---|" + "---:|" * len(fmts))
        print(
            "| format | "
            + " | ".join(f"{cell('format', f, 'dev')}/{cell('format', f, 'test')}" for f in fmts)
            + " |"
        )
    table("Prompts per language", lambda r: r["lang"])
    table("Prompts per format", lambda r: r["format"])
    table("Labels per type", lambda r: [lb["type"] for lb in r["labels"]], multi=True)
    table(
        "NATIONAL_ID labels per country",
        lambda r: [lb["country"] for lb in r["labels"] if lb["country"]],
        multi=True,
    )
