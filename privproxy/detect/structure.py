"""The structure reader: key → value pairs in pasted data, so a value gets the type its key implies.

A date under `date_of_birth`, a first name alone under `Vorname`, a number under `PESEL:` look like
nothing by themselves; their key says what they are. This reads the common shapes people paste:
CSV/TSV with a header (quoted fields; rows pasted in the same text), markdown tables, JSON (any
depth, inside code blocks or escaped strings), YAML, .env / INI / properties, `key=value` logs and
query strings, HTTP headers, SQL `INSERT … (cols) VALUES (…)`, and "Label: value" form lines.
It finds pairs only; which keys matter is the field vocabulary's say (detectors/fields.yaml).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from .hl7 import hl7_fields
from .normalize import without_diacritics


@dataclass(frozen=True)
class Pair:
    """A value at [start, end) of the text, under `key` (as written)."""

    key: str
    start: int
    end: int
    block: bool = False  # a YAML block scalar (`key: |`): its lines, however long


def normalize_key(key: str) -> str:
    """`dateOfBirth`, `Date of birth`, `DATE_OF_BIRTH`, `d.o.b.` → `dateofbirth` / `dob` (no accents)."""
    text = without_diacritics(key).casefold()
    return re.sub(r"[\W_]", "", text.replace("ß", "ss"))  # letters of every script: "Κινητό" -> "κινητο"


def key_words(key: str) -> list[str]:
    """The words of a key: camelCase, snake_case, kebab-case and spaces split, normalized; a number sign
    is the word "no" ("Employee #", "Acct#", "№ полиса")."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", re.sub(r"[#\u2116]", " no ", key))
    return [w for w in (normalize_key(part) for part in re.split(r"[\s_\-./:'\u2019]+", spaced)) if w]


# Values that are placeholders, not data: N/A, null, XXX-XX-XXXX, <redacted>, ***, [REDACTED] ...
_PLACEHOLDER = re.compile(
    r"(?:n/?a|null|none|nil|undefined|unknown|tbd|todo|-+|_+|\*+|x+|\?+|\.{2,}|true|false|yes|no|"
    r"<[^<>]{0,30}>|\[[^\[\]]{0,30}\]|\{\{[^{}]{0,40}\}\}|\$\{[^{}]{0,40}\}|[x*#•]+(?:[-\s./][x*#•0-9]+)*|redacted|"
    r"changeme|your[_\-\s]?\w+|example|placeholder|\.\.\.|"
    # an instruction in the value's place: "change-me-in-production", "replace_with_your_key", "CHANGE_THIS"
    r"(?:change|replace|fill|insert|set)[_\-]?(?:me|this|it|with|in)(?:[_\-\s.]\w+)*|"
    # "mio_utente", "tu_usuario", "la_tua_password", "dein_passwort": "your_name" in other languages
    # (not "ma", "mi", "tu", "min", "mia": "ma_chen", "min_jun" and "mia_k" are somebody's)
    r"(?:(?:il|la|le|el)[_\-])?(?:my|mein\w?|dein\w?|mon|votre|mio|tuo|tua|meu|minha|mijn|jouw|"
    r"twoj\w?|ditt|mitt|sinun|tvuj)(?:[_\-][^\W\d_]+){1,3}|"
    # an input mask: "+44 7XXX XXXXXX", "AA 99 99 99 A", "00-00-00", "DD/MM/YYYY", "JJ.MM.AAAA"
    r"(?=(?:[^x#*]*[x#*]){3})\+?[0-9x#*()]+(?:[\s./\-]+[0-9x#*()]+)*|"
    r"(?=(?:[^9]*9){4})(?=[^a]*a)[a9]+(?:[\s./\-][a9]+)*|0+(?:[\s./\-]0+){2,}|"
    r"(?:dd?|jj?|tt?|gg?)[./\- ](?:mm?)[./\- ](?:yy|yyyy|aa|aaaa|jj|jjjj|rrrr)|"
    r"(?:yyyy|aaaa|jjjj|rrrr)[./\-](?:mm)[./\-](?:dd|jj|tt|gg)|(?:mm)[./\-](?:dd)[./\-](?:yy|yyyy)|"
    # an example or a description of the value, not the value: "e.g. SW1A 1AA", "8 digits"
    r"(?:e\.\s?g\.|z\.\s?b\.|p\.\s?ex\.|ej\.|np\.|for example|par exemple|por ejemplo|zum beispiel)[\s:].*|"
    r"\d{1,2}\s+(?:digits?|characters?|chars|letters|numbers|ziffern|stellen|zeichen|chiffres|caract[eè]res|"
    r"d[ií]gitos|caracteres|cifre|caratteri|cijfers|tekens|cyfr\w*|znak\w*)|"
    # a sentinel date a constructor starts a record with: `LocalDate.of(1970, 1, 1)`, `date(1900, 1, 1)`
    r"(?:1970|1900),\s*0?1,\s*0?1)",
    re.IGNORECASE,
)


# What a value may carry after it that is not the value: a YAML or shell comment, a note in brackets.
_TRAILING_NOTE = re.compile(r"(?:\s+#\s.*|\s*\([^()]*\))$")
# A value cut short ("sk_test_..."), a call that computes it (`secrets.token_urlsafe(32)`, `parse(raw)`), code
# that reads it (`os.environ[`, `process.env.STRIPE_KEY`, a call cut at its bracket) or a name of what
# goes there ("REPLACE_ME", "str", "username").
_STAND_IN = re.compile(
    r".*(?:\.\.\.|\u2026)|[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+\([^()]*\)|[A-Za-z_][\w.]*[\[(]|"
    r"[a-z_]\w*\([a-z_][\w.]*(?:,\s*[a-z_][\w.]*)*\)|"  # `parse_date(raw_value)`: a call of names
    # a regular expression is a pattern for values, never one: `re.compile(r"^(\+31|0)…$")`, `/^\d{5}$/`
    r"(?:re|regex|Pattern|RegExp)\.compile\(.*|new\s+RegExp\(.*|/\^.*\$/[a-z]*;?|"
    r"(?:os\.environ|os\.getenv|process\.env|System\.getenv|ENV\[|getenv\()\S*|(?i:replace[_-]?me|fill[_-]?me[_-]?in|to[_ -]?be[_ -]?(?:set|filled)|str|string|int|integer|"
    r"bool|boolean|float|number|date|datetime|uuid|username|user|value|text|required|optional)"
)


def is_placeholder(value: str) -> bool:
    """N/A, <redacted>, XXX-XX-XXXX, sk_test_..., REPLACE_ME # note ... and values with no letter or
    digit at all (`"address": {`)."""
    stripped = value.strip().strip("\"'`")
    if _stands_in(stripped):
        return True
    if len(stripped) > _MAX_VALUE:
        return False  # a block scalar's lines: a note after it says nothing of what it holds
    if _describes(stripped):
        return True
    bare = _TRAILING_NOTE.sub("", stripped).strip().strip("\"'`")
    return bare != stripped and _stands_in(bare)


# What a form's help text says instead of a value: an example ("e.g. 01/31/1960", "example: ABC123456")
# or an input mask ("MM/DD/YYYY", "XXX-XX-XXXX"), after a description of the value ("10 digits, ...",
# "as it appears on your card, ...", "enter all nine digits as ...").
_EXAMPLE_MARK = re.compile(
    r"(?i)(?<!\w)(?:e\.\s?g\.|z\.\s?b\.|p\.\s?ex\.|p\.\s?ej\.|ej\.|np\.|bijv\.|bv\.|t\.\s?ex\.|esim\.|pl\.|"
    r"örn\.|π\.χ\.|напр\.|npr\.|napr\.|ad\s+es\.|"
    r"(?:for\s+example|for\s+instance|par\s+exemple|por\s+ejemplo|por\s+exemplo|zum\s+beispiel|"
    r"per\s+esempio|na\s+przyk[łl]ad|bijvoorbeeld|till\s+exempel|esimerkiksi|p[ée]ld[áa]ul|de\s+exemplu|"
    r"örneğin)\b|"
    # the word alone only as a label: "(example: ABC123456)", not "jdoe at example dot org"
    r"(?:example|exemple|ejemplo|exemplo|beispiel|esempio|przyk[łl]ad|voorbeeld|exempel|esimerkki|p[ée]lda|"
    r"exemplu|örnek)\s*:)"
)
_MASK = re.compile(
    r"(?i)(?<![\w-])(?:(?:dd?|jj?|tt?|gg?)[./\- ]mm?[./\- ](?:yyyy|yy|aaaa|aa|jjjj|jj|rrrr)|"
    r"(?:yyyy|aaaa|jjjj|rrrr)[./\-]mm[./\-](?:dd|jj|tt|gg)|mm[./\-]dd[./\-](?:yyyy|yy)|"
    r"x{2,}(?:[-./ ][x0-9]{2,})+)(?![\w-])"
)
# Words of help text ("enter all nine digits as", "as it appears on your card", "without spaces").
_INSTRUCTION = re.compile(
    r"(?i)\b(?:enter|type|write|use|fill|format|as\s+(?:it|shown|written|printed|on)|appears?|digits?|"
    r"characters?|letters|without|including|leave|must|eingeben|angeben|schreiben|ohne|saisi[rs]|"
    r"indique[rz]|[ée]cri(?:re|vez)|sans|introduc[ei]|escrib[ae]|sin|inserire|indicare|senza|digit[ea]r?|"
    r"informe|sem|invullen|vul|zonder|wpisz|podaj|bez|ange|skriv|utan|syötä|kirjoita|ilman)\b"
)
_COUNT = re.compile(
    r"(?i)\d{1,2}\s+(?:digits?|characters?|chars|letters|numbers|ziffern|stellen|zeichen|chiffres|"
    r"caract[eè]res|d[ií]gitos|caracteres|cifre|caratteri|cijfers|tekens|cyfr\w*|znak\w*)\b"
)


def _describes(value: str) -> bool:
    """Help text in place of a value: an example or an input mask, with nothing before it but a
    description of the value ("10 digits, e.g. …", "as it appears on your card, e.g. …"); "01/31/1960
    (MM/DD/YYYY)", "Ann Lee, e.g. on the badge" and "tree nuts, e.g. almonds" are values with a note."""
    marks = [m.start() for m in (_EXAMPLE_MARK.search(value), _MASK.search(value)) if m]
    if not marks:
        return False
    before = value[: min(marks)]
    if re.search(r"\d{3}|@", before):
        return False
    head = before.strip(" \t,;:(-")
    return not head or _COUNT.match(head) is not None or _INSTRUCTION.search(head) is not None


def _stands_in(value: str) -> bool:
    return (
        not any(ch.isalnum() for ch in value)
        or bool(_PLACEHOLDER.fullmatch(value) or _STAND_IN.fullmatch(value))
        or _blank_choices(value)
    )


def _blank_choices(value: str) -> bool:
    """A blank form's choices: "☐ none ☐ penicillin ☐ latex", nothing ticked."""
    return "\u2610" in value and not any(mark in value for mark in "\u2611\u2612\u2713\u2714")


_MAX_VALUE = 200
# A value of one word may be longer: an STS session token or a JWT runs to a thousand characters and more.
_MAX_TOKEN = 2_048
_MAX_BLOCK = 20_000  # a PEM key or a certificate chain under `tls.key: |`
# A string literal's prefix in code: Python's b"…", r'…', rb"…", f"…", u"…".
_LITERAL_PREFIX_RE = r"(?:[bBrRuUfF]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])"
_KEY = r"[^\W\d_][\w.\-]{0,40}"  # a letter of any script first: "dob", "Geburtsdatum", "Κινητό"
# The vowel signs and other marks of the Indic scripts, Thai, Lao, Tibetan, Myanmar and Khmer, which `\w`
# does not take: a label such as "पता" (address) or "ທີ່ຢູ່" is a letter and a mark.
_INDIC_MARKS = (
    "\u0900-\u0963\u0966-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff"  # not the danda (\u0964, \u0965)
)
# A form or YAML line: "  - Date of birth : 03/04/1985", "dob: 1985-03-04", "PESEL:  90010112345",
# "ADR;TYPE=HOME:;;Skoufa 47;Athina" (vCard); in Devanagari text, a sentence's start and end (a danda, "।")
# are a line's: "… नहीं आता। पता: म.न. 214, …। मोबाइल …";
# also a unified diff's added or removed line: "+DB_PASSWORD = \"…\"", and a PHP or Perl array's
# "'database_password' => 'value',"; a Makefile's "VERCEL_TOKEN := value" or "?=".
_LINE = re.compile(
    r"(?:^|(?<=[\u0964\u0965])[ \t]*)(?:[+\-](?![+\-]))?[ \t]*(?:[-*•]\s+)?[\"']?"
    rf"(?P<key>[^\W\d_][\w{_INDIC_MARKS} .'()/\-]{{0,48}}?"
    r"(?:, [^\W\d_][\w.\-]{0,20}(?: [^\W\d_][\w.\-]{0,20})?)?)[\"']?"  # "Name, DOB", "Születési hely, idő"
    r"(?:;[A-Za-z\-]+=[^:;=\n]{1,40})*"  # a vCard or iCalendar property's parameters: "ADR;TYPE=HOME:"
    r"[ \t]*(?::=|\?=|:|=>|=|\uff1a|->)[ \t]*(?P<value>[^\n\u0964\u0965]*?)[ \t]*,?(?:$|(?=[\u0964\u0965]))",
    re.MULTILINE,
)
# Inline pairs in logs, query strings, .env, URLs: user=jdoe&email=… , `ssn="123"`.
_INLINE = re.compile(
    rf"(?<![\w.\-])(?P<key>{_KEY})=(?P<value>{_LITERAL_PREFIX_RE}?(?:\"[^\"\n]{{0,{_MAX_TOKEN}}}\"|'[^'\n]{{0,{_MAX_TOKEN}}}')|[^\s&;,|\"'<>]{{1,{_MAX_TOKEN}}})"
)
# A Python dict or a JavaScript object written with single quotes (a repr in an error, a log line):
# {'member_no': 'CLF-004417', 'dob': '1993-02-13'}; a PHP or Ruby array's `'pass' => 'value'` too.
_PY_DICT = re.compile(
    r"(?<![\w'])'(?P<key>[A-Za-z_][\w .\-]{0,59})'\s*(?::|=>)\s*"
    rf"(?:'(?P<value>(?:[^'\\\n]|\\[^\n]){{0,{_MAX_TOKEN}}}?)'|(?P<number>-?\d[\d.eE+\-]{{0,40}}))"
)
# JSON pairs, also escaped inside strings or logs: "key": "value", \"key\": \"value\", "key": 123;
# a PHP or Ruby array's "pass" => "value".
_JSON = re.compile(
    r"(?P<q>\\*\")(?P<key>[^\"\\\n]{1,60})(?P=q)\s*(?::|=>)\s*"
    rf"(?:(?P=q)(?P<value>(?:[^\"\\\n]|\\(?!\")[^\n]){{0,{_MAX_TOKEN}}}?)(?P=q)|(?P<number>-?\d[\d.eE+\-]{{0,40}}))"
)
# A JavaScript or TypeScript object literal's unquoted keys: `{ firstName: "Oluwaseun", mrn: 'RJZ…' }`.
_JS_OBJECT = re.compile(
    r"[{,][ \t]*(?P<key>[A-Za-z_$][\w$]{0,40})[ \t]*:[ \t]*(?P<q>[\"'`])"
    rf"(?P<value>(?:(?!(?P=q))[^\\\n]|\\[^\n]){{1,{_MAX_TOKEN}}}?)(?P=q)"
)
# A key over a one-line list of strings: "patient": ["ATKINS, Bronwyn", "DUARTE, Rafael"] (JSON, Python,
# a pandas frame). Each string is a value of the key.
_LIST = re.compile(
    r"(?P<q>[\"'])(?P<key>[A-Za-z_][\w .\-]{0,59})(?P=q)\s*:\s*\[(?P<items>[^\[\]{}\n]{1,2000})\]"
)
_LIST_ITEM = re.compile(r"(?P<q>[\"'])(?P<value>(?:(?!(?P=q))[^\\\n]){1,200})(?P=q)")
_SQL = regex.compile(  # possessive (`regex`, as Python 3.10's `re` has none): one pass over a broken row
    r"INSERT\s+INTO\s+[\w.`\"\[\]]+\s*\((?P<cols>[^)]{1,2000})\)\s*VALUES\s*(?P<rows>\((?:'(?:[^']|'')*+'|[^;']|')*+)",
    regex.IGNORECASE,
)
# A value of a VALUES row; a typed literal's keyword is not part of it: DATE '1960-01-31', N'Zoë'.
_SQL_VALUE = re.compile(
    r"(?:(?i:DATE|TIMESTAMP|TIME)\s+(?=')|[NEn](?='))?(?P<v>'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[^,()\s][^,()]*)"
)


# A value that is a call, or a chain of calls, in code: `email = request.form.get("email", "").strip()`,
# `user = User.query.filter_by(email=email).first()` compute a value, they do not hold one.
# A method's call (a dotted name) or a chain of calls; "Summer(2024)" is a password, not a call.
_CODE_EXPRESSION = re.compile(
    r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\([^\n]*\)(?:\.[A-Za-z_]\w*(?:\([^\n]*\))?)*;?"
    r"|[^\n]*\)\.[A-Za-z_]\w*\([^\n]*\)[^\n]*"
)


_LITERAL = re.compile(r"\"([^\"\n]*)\"|'([^'\n]*)'")
_NAME_LITERAL = re.compile(r"[\w.\-]{0,60}")


def _computed(value: str) -> bool:
    """A call in code whose string literals are names only ("email", "DJANGO_SECRET_KEY"): a default
    written into it (`os.environ.get("KEY", "9h5@v9*t1…")`) may be the secret itself, so that stays a value."""
    return _CODE_EXPRESSION.fullmatch(value) is not None and all(
        _NAME_LITERAL.fullmatch(m.group(1) if m.group(1) is not None else m.group(2))
        for m in _LITERAL.finditer(value)
    )


@functools.lru_cache(maxsize=256)
def read_pairs(text: str) -> tuple[Pair, ...]:
    """Every key → value pair found in `text`; a value may be found under more than one shape."""
    pairs: dict[tuple[int, int, str], Pair] = {}
    for pair in _with_nested(text, _all_pairs(text)):
        value = text[pair.start : pair.end]
        longest = (
            _MAX_BLOCK if pair.block else _MAX_TOKEN if not any(ch.isspace() for ch in value) else _MAX_VALUE
        )
        if pair.end - pair.start > longest or is_placeholder(value) or _computed(value):
            continue
        pairs.setdefault((pair.start, pair.end, pair.key), pair)  # one value may be read under two keys
    return tuple(pairs.values())


# A value that is itself one or more assignments: a systemd unit's `Environment="BORG_PASSPHRASE=…"`,
# `Environment=PGUSER=app PGPASSWORD=…`, a build argument's `ARG=value`. Each is a pair of its own.
_ASSIGNMENTS = regex.compile(
    r"(?:[A-Za-z_][A-Za-z0-9_.]{0,60}=(?:\"[^\"\n]*+\"|'[^'\n]*+'|[^\s\"']++)\s*+)++"
)
_ASSIGNMENT = re.compile(
    r"(?P<key>[A-Za-z_][A-Za-z0-9_.]{0,60})=(?:\"(?P<dq>[^\"\n]*)\"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s\"']+))"
)


def _with_nested(text: str, pairs: Iterator[Pair]) -> Iterator[Pair]:
    """The pairs, each followed by the assignments its value is made of, if it is made of nothing else."""
    for pair in pairs:
        yield pair
        if (
            "=" not in text[pair.start : pair.end]
            or _ASSIGNMENTS.fullmatch(text, pair.start, pair.end) is None
        ):
            continue
        for match in _ASSIGNMENT.finditer(text, pair.start, pair.end):
            group = next(name for name in ("dq", "sq", "bare") if match.group(name) is not None)
            if match.start(group) < match.end(group):
                yield Pair(match.group("key"), match.start(group), match.end(group))


def _all_pairs(text: str) -> Iterator[Pair]:
    yield from _json_pairs(text)
    yield from _sql_pairs(text)
    yield from _line_pairs(text)
    yield from _column_pairs(text)
    yield from _table_pairs(text)
    yield from _inline_pairs(text)
    yield from _code_pairs(text)
    yield from _path_pairs(text)
    yield from _markup_pairs(text)
    yield from _named_value_pairs(text)
    yield from _dicom_pairs(text)
    yield from _directory_name_pairs(text)
    yield from _variable_pairs(text)
    yield from _credential_variable_pairs(text)
    yield from _key_row_pairs(text)
    yield from _answer_pairs(text)
    yield from _ssh_config_pairs(text)
    for key, start, end in hl7_fields(text):
        yield Pair(key, start, end)


# A variable whose value code sends as a credential: after an Authorization scheme (`Token ${DG}`, f"Bearer
# {tok}", "Basic " + creds), or as a credential header's or argument's whole value (`"X-Api-Key": k`,
# `api_key=k`). Its name says nothing ("DG", "k"); where it is used does.
_CREDENTIAL_USE = re.compile(
    r"[\"'`](?i:bearer|token|basic|apikey|api-key|sso-key|ssws|geniekey|klaviyo-api-key)[ \t]+"
    r"(?:\$?\{[ \t]*(?P<name>[A-Za-z_]\w{0,40})[ \t]*\}[\"'`]"  # `Token ${k}`, f"Bearer {k}"
    r"|(?:%s)?[\"'`][ \t]*[+%][ \t]*(?P<added>[A-Za-z_]\w{0,40})\b(?![ \t]*[(.\[]))"  # "Bearer " + k
    r"|(?i:[\"']?\b(?:authorization|x-api-key|api-key|x-auth-token|private-token|api_?key|access_?token|auth_?token)"
    r"[\"']?[ \t]*(?:[:=]|,[ \t]*(?=\w+[ \t]*\))))[ \t]*(?P<bare>[A-Za-z_]\w{0,40})\b(?![ \t]*[(.\[\"'`])"
)
_KEYWORDS = frozenset({"true", "false", "null", "none", "nil", "undefined", "self", "this", "os", "process"})


def _credential_variable_pairs(text: str) -> Iterator[Pair]:
    names = {
        name
        for match in _CREDENTIAL_USE.finditer(text)
        if (name := match.group("name") or match.group("added") or match.group("bare"))
        and name.lower() not in _KEYWORDS
    }
    for name in names:
        assignment = re.compile(
            rf"(?<![\w.$])(?:(?:const|let|var|final|val|my|our)[ \t]+)?\$?{re.escape(name)}[ \t]*"
            r"(?::[^=\n]{1,40})?:?=[ \t]*(?P<q>[\"'`])(?P<value>[^\"'`\s]{12,400})(?P=q)"
        )
        for match in assignment.finditer(text):
            if _key_like(match.group("value")):
                yield Pair("api_key", match.start("value"), match.end("value"))


def _key_like(value: str) -> bool:
    """A literal sent as a credential is one when it mixes letters and digits, or, without a digit, is
    long and mixes cases ("ayHtw…_fpSE…"): a name or a word in one case is not."""
    letters = any(ch.isalpha() for ch in value)
    if any(ch.isdigit() for ch in value):
        return letters
    return len(value) >= 16 and any(ch.isupper() for ch in value) and any(ch.islower() for ch in value)


# XML and HTML: `<firstName>Anna</firstName>`, `<ns:ssn>…</ns:ssn>`, and the value of an element or
# attribute named by another attribute: `<field name="dob">…</field>`, `<add key="Password" value="…"/>`.
_ELEMENT = re.compile(
    r"<(?P<tag>(?:[A-Za-z_][\w\-]*:)?(?P<key>[A-Za-z_][\w.\-]{0,40}))(?P<attrs>\s[^<>]{0,300})?>"
    r"(?P<value>[^<>\n]{1,200})</(?P=tag)\s*>"
)
_NAMED = re.compile(r"\b(?:name|key|id|field)\s*=\s*(?P<q>[\"'])(?P<key>[^\"'<>]{1,60})(?P=q)")
_NAMED_VALUE = re.compile(r"\bvalue\s*=\s*(?P<q>[\"'])(?P<value>[^\"'<>\n]{1,200})(?P=q)")
_TAG = re.compile(r"<[A-Za-z_][^<>]{0,400}>")


def _markup_pairs(text: str) -> Iterator[Pair]:
    if "<" not in text:
        return
    for match in _ELEMENT.finditer(text):
        start, end = _strip(text, match.start("value"), match.end("value"))
        if end <= start:
            continue
        yield Pair(match.group("key"), start, end)
        named = _NAMED.search(match.group("attrs") or "")
        if named is not None:  # <field name="dob">1970-01-01</field>
            yield Pair(named.group("key"), start, end)
    for tag in _TAG.finditer(text):  # <add key="DbPassword" value="…"/>
        named, value = _NAMED.search(tag.group()), _NAMED_VALUE.search(tag.group())
        if named is not None and value is not None:
            yield Pair(
                named.group("key"), tag.start() + value.start("value"), tag.start() + value.end("value")
            )


# A value named by a sibling: Postman and Terraform's `{"key": "mapboxToken", "value": "sk.…"}`, AWS tags'
# `{"Key": "owner", "Value": "…"}`, a booking form's `{"question": "Passport number", "answer": "…"}`, and a
# Kubernetes or Compose env entry `- name: DB_PASSWORD` / `  value: "…"`: the value is read under the name.
_OBJECT = re.compile(r"\{[^{}]{1,800}\}")
_NAME_MEMBER = re.compile(
    r"(?P<q>\\*\")(?i:key|name|label|field|question)(?P=q)\s*:\s*(?P=q)(?P<key>[^\"\\\n]{1,60})(?P=q)"
)
_VALUE_MEMBER = re.compile(
    r"(?P<q>\\*\")(?i:value|answer|response)(?P=q)\s*:\s*(?P=q)(?P<value>(?:[^\"\\\n]|\\(?!\")[^\n]){1,400}?)(?P=q)"
)
_ENV_ENTRY = re.compile(
    r"^(?P<indent>[ \t]*)-[ \t]+name:[ \t]*[\"']?(?P<key>[\w.\-]{1,60})[\"']?[ \t]*\n"
    r"(?P=indent)[ \t]+value:[ \t]*(?P<value>[^\n]{1,200})$",
    re.MULTILINE,
)


def _named_value_pairs(text: str) -> Iterator[Pair]:
    lowered = text.lower()
    if "value" not in lowered and "answer" not in lowered and "response" not in lowered:
        return
    if '"' in text:
        for match in _OBJECT.finditer(text):
            named, value = _NAME_MEMBER.search(match.group()), _VALUE_MEMBER.search(match.group())
            if named is not None and value is not None:
                start = match.start() + value.start("value")
                yield Pair(named.group("key"), start, start + len(value.group("value")))
    yield from _matched_pairs(text, _ENV_ENTRY)


# A Terraform (HCL) variable's default is read under the variable's name, and under "secret" when the
# variable is marked sensitive: `variable "hcloud_token" {\n  default = "…"\n  sensitive = true\n}`.
_VARIABLE_BLOCK = re.compile(r'\bvariable\s+"(?P<key>[\w.\-]{1,60})"\s*\{(?P<body>[^{}]{0,800})\}')
_VARIABLE_DEFAULT = re.compile(r'(?m)^\s*default\s*=\s*"(?P<value>(?:[^"\\\n]|\\.){1,400})"')
_SENSITIVE = re.compile(r"(?m)^\s*sensitive\s*=\s*true\b")


def _variable_pairs(text: str) -> Iterator[Pair]:
    if 'variable "' not in text:
        return
    for block in _VARIABLE_BLOCK.finditer(text):
        default = _VARIABLE_DEFAULT.search(block.group("body"))
        if default is None:
            continue
        start = block.start("body") + default.start("value")
        end = start + len(default.group("value"))
        yield Pair(block.group("key"), start, end)
        if _SENSITIVE.search(block.group("body")):
            yield Pair("secret", start, end)


# An OpenSSH client config: a `Host` (or `Match`) line, then keywords and their values split by white
# space, not by a colon or "=" (`User deploy`, `HostName 10.0.0.4`, `IdentityFile ~/.ssh/id_ed25519`).
_SSH_HOST = re.compile(r"^[ \t]*(?:Host|Match)[ \t]+\S", re.MULTILINE)
_SSH_OPTION = re.compile(
    r"^[ \t]*(?P<key>User|HostName|Port|IdentityFile|ProxyJump|CertificateFile)[ \t]+(?P<value>[^\s#=\"%][^\s#]*)[ \t]*$",
    re.MULTILINE,
)


def _ssh_config_pairs(text: str) -> Iterator[Pair]:
    if _SSH_HOST.search(text) is None:
        return
    for match in _SSH_OPTION.finditer(text):
        yield Pair(match.group("key"), match.start("value"), match.end("value"))


# A DICOM header dump, as dcmdump and pydicom print it: the element's keyword names the value.
#   (0010,0010) PN [HALVORSEN^TRUDY^M]          #  18, 1 PatientName
#   (0010, 0030) Patient's Birth Date         DA: '19580611'
# A person name (PN) is family^given^middle^prefix^suffix: each part is read as the name it is.
_DCMDUMP = re.compile(
    r"^[ \t]*\([0-9A-Fa-f]{4},[0-9A-Fa-f]{4}\)[ \t]+(?P<vr>[A-Z]{2})[ \t]+\[(?P<value>[^\]\n]{1,200})\]"
    r"[ \t]*#[ \t]*\d+,[ \t]*\d+[ \t]+(?P<key>[A-Za-z][\w']{1,60})",
    re.MULTILINE,
)
_PYDICOM = re.compile(
    r"^[ \t]*\([0-9A-Fa-f]{4},[ \t]?[0-9A-Fa-f]{4}\)[ \t]+(?P<key>[A-Za-z][\w' ]{1,60}?)[ \t]+(?P<vr>[A-Z]{2}):[ \t]*"
    r"(?P<q>['\"]?)(?P<value>[^'\"\n]{1,200})(?P=q)[ \t]*$",
    re.MULTILINE,
)
_PERSON_NAME_PARTS = ("last name", "first name", "middle name")


def _dicom_pairs(text: str) -> Iterator[Pair]:
    if "(00" not in text:
        return
    for pattern in (_DCMDUMP, _PYDICOM):
        for match in pattern.finditer(text):
            start, end = match.start("value"), match.end("value")
            if match.group("vr") != "PN":
                yield Pair(match.group("key"), start, end)
                continue
            for key, (part_start, part_end) in zip(
                _PERSON_NAME_PARTS, _parts(text, start, end, "^"), strict=False
            ):
                yield Pair(key, part_start, part_end)


def _parts(text: str, start: int, end: int, separator: str) -> list[tuple[int, int]]:
    out, position = [], start
    for part in text[start:end].split(separator):
        if part.strip():
            out.append(_strip(text, position, position + len(part)))
        position += len(part) + 1
    return out


# A person's entry in a directory: `CN=Shapiro\, Eitan,OU=Finance,DC=corp` (Active Directory writes
# "Surname, Given" with the comma escaped). Containers (`CN=Users`) have no such comma.
_PERSON_CN = re.compile(r"\b(?i:cn)=(?P<last>[^,=\\\n]{2,40})\\,[ \t]*(?P<first>[^,=\\\n]{2,40})(?=,|$|\s)")


def _directory_name_pairs(text: str) -> Iterator[Pair]:
    if "\\," not in text:
        return
    for match in _PERSON_CN.finditer(text):
        yield Pair("last name", *_strip(text, match.start("last"), match.end("last")))
        yield Pair("first name", *_strip(text, match.start("first"), match.end("first")))


# A two-cell row of a key/value table: `| Reporter | jdoe |`, `| Date of birth | 1984-02-11 |`.
# A table's header row (the one above its `|---|` rule) names columns, not a value.
_KEY_ROW = re.compile(r"^[ \t]*\|(?P<key>[^|\n]{1,60})\|(?P<value>[^|\n]{1,200})\|?[ \t]*$", re.MULTILINE)


def _key_row_pairs(text: str) -> Iterator[Pair]:
    if "|" not in text:
        return
    for match in _KEY_ROW.finditer(text):
        following = text[match.end() + 1 : text.find("\n", match.end() + 1) % (len(text) + 1)]
        if _RULE.fullmatch(following.strip() or "x"):
            continue  # the header of a two-column table
        key = match.group("key").strip().strip("*_`").rstrip(":").strip()
        if not key or key[0].isdigit() or len(key.split()) > 5:
            continue
        start, end = _strip(text, match.start("value"), match.end("value"))
        if end > start:
            yield Pair(key, start, end)


# Values named in code and commands: `.customerNo("C-22")`, `setEmail('a@b.c')`, `--username jdoe`,
# `WHERE customer_no = 'CL18'`, `lower(last_name) = lower('Alves')`, `user == "jdoe"`.
_CALL = re.compile(
    r"(?<![\w$])(?:\.|\b(?:set|with)(?=[A-Z_]))_?(?P<key>[A-Za-z][A-Za-z0-9_]{1,40})\(\s*"
    r"(?P<q>[\"'`])(?P<value>[^\"'`\n]{1,200})(?P=q)\s*\)"
)
_COMPARE = re.compile(
    r"(?<![\w.$])\$?(?P<key>[A-Za-z_][\w.]{1,40})\)?\s*(?:={1,3}|!=|<>|\bI?LIKE\b)\s*(?:\w{1,10}\(\s*)?"
    r"(?P<q>['\"])(?P<value>[^'\"\n]{1,200})(?P=q)",
    re.IGNORECASE,
)
# A call whose first argument names the second: `define('DB_PASSWORD', '…')`, `props.setProperty("user",
# "…")`, `headers.put("X-Api-Key", "…")`, `os.environ.setdefault("TOKEN", "…")`.
_KEYED_CALL = re.compile(
    r"\b(?!(?:replace|replaceAll|sub|gsub|translate|rename|split|startswith|endswith|format)\()[A-Za-z_]\w{0,40}\(\s*(?P<kq>[\"'])(?P<key>[A-Za-z_][\w.\- ]{0,60})(?P=kq)\s*,\s*"
    r"(?P<q>[\"'])(?P<value>[^\"'\n]{1,200})(?P=q)\s*[,)]"
)
# A value assigned to a subscript named by a string: `$cfg['Servers'][$i]['controlpass'] = '…';`,
# `config["db_password"] = "…"`, `os.environ['API_KEY'] = '…'`, `ENV["SMTP_USER"] ||= "…"`.
_SUBSCRIPT = re.compile(
    r"\[\s*(?P<kq>[\"'])(?P<key>[A-Za-z_][\w.\- ]{0,60})(?P=kq)\s*\]\s*(?:\|\||\?\?|\.)?=(?!=)\s*"
    r"(?P<q>[\"'])(?P<value>[^\"'\n]{1,200})(?P=q)"
)
_FLAG = re.compile(
    r"(?<![\w-])--(?P<key>[A-Za-z][\w-]{1,40})(?:=|[ \t]+)(?P<value>\"[^\"\n]{1,200}\"|'[^'\n]{1,200}'|[^\s\-\"'][^\s]{0,200})"
)


# A command that sets a named setting to a value: `aws configure set aws_secret_access_key …`,
# `git config --global user.password …`, `redis-cli CONFIG SET requirepass …`.
_SET_COMMAND = re.compile(
    r"\b(?i:set|config(?:ure)?(?:[ \t]+--(?:global|local|system))?)[ \t]+(?!(?i:set|get)\b)(?P<key>[A-Za-z_][\w.\-]{2,60})[ \t]+"
    r"(?P<value>\"[^\"\n]{1,200}\"|'[^'\n]{1,200}'|[^\s\"'\-][^\s]{0,200})"
)


# A keyword argument built by a call of number literals, as a repr prints it: `dob=datetime.date(1979,
# 4, 30)`, `joined=date(2021, 3, 1)`: the numbers are the value (a call of names is code, not data).
_LITERAL_CALL = re.compile(
    r"(?<![\w.\-])(?P<key>[A-Za-z_][\w]{0,40})\s*=\s*[A-Za-z_][\w.]{0,40}\((?P<value>[\d\s,./\-]{4,40})\)"
)


# A declaration with a type between its name and its value: Rust's `const PRIVATE_KEY: &str = "…";`,
# TypeScript's `const apiKey: string = "…"`, Kotlin's `val dbPassword: String = "…"`, Swift's `let
# token: String? = "…"`, a Python annotation `SMTP_PASS: Final[str] = "…"`.
_TYPED = re.compile(
    r"(?<![\w.$])(?P<key>[A-Za-z_]\w{1,40})[ \t]*:[ \t]*&?(?:'static[ \t]+)?(?:mut[ \t]+)?"
    r"[A-Za-z_][\w.<>\[\]|?]{0,40}(?:,[ \t]*[\w.<>\[\]|?]{1,40}){0,3}[ \t]*=[ \t]*"
    r"(?P<q>[\"'`])(?P<value>[^\"'`\n]{1,2048})(?P=q)"
)


# OpenWrt's UCI configuration (`/etc/config/wireless`, `network`): `option key 'value'`, `list addresses '…'`.
_UCI_OPTION = re.compile(
    r"(?m)^[ \t]*(?:option|list)[ \t]+(?P<key>[A-Za-z_][\w\-]{0,40})[ \t]+"
    r"(?P<value>'[^'\n]{1,400}'|\"[^\"\n]{1,400}\"|[^\s'\"][^\s]{0,400})[ \t]*$"
)


def _code_pairs(text: str) -> Iterator[Pair]:
    for pattern in (
        _CALL,
        _KEYED_CALL,
        _SUBSCRIPT,
        _COMPARE,
        _FLAG,
        _SET_COMMAND,
        _LITERAL_CALL,
        _TYPED,
        _UCI_OPTION,
    ):
        yield from _matched_pairs(text, pattern)


def _matched_pairs(text: str, pattern: re.Pattern[str]) -> Iterator[Pair]:
    """A pair for each match of a pattern with `key` and `value` groups, the value trimmed (`_strip`)."""
    for match in pattern.finditer(text):
        start, end = _strip(text, match.start("value"), match.end("value"))
        if end > start:
            yield Pair(match.group("key"), start, end)


# A transcript's question and the other side's answer on the next line: "Bot: What's your account
# number?" / "User: 8201 4477 3190". The answer is keyed by the question's last words ("account
# number", "your date of birth"), so the field vocabulary types it; "hers is 14/02/1958" gives the
# part after its last "is" or colon.
_QUESTION_ANSWER = re.compile(
    r"^[ \t]*(?P<asker>[^\W\d_][\w .'\-]{0,24}?)[ \t]*:[ \t]*(?P<question>[^\n]{3,200}?)\?[ \t]*\r?\n"
    r"[ \t]*(?P<answerer>[^\W\d_][\w .'\-]{0,24}?)[ \t]*:[ \t]*(?P<value>[^\n]{1,200}?)[ \t]*$",
    re.MULTILINE,
)
_ANSWER_LEAD = re.compile(r".*(?:\s(?:is|it's|its|ist|est|es|è|é|jest|är|er)\s+|:\s*)", re.IGNORECASE)
_QUESTION_KEY_WORDS = 5


def _answer_pairs(text: str) -> Iterator[Pair]:
    if "?" not in text:
        return
    for match in _QUESTION_ANSWER.finditer(text):
        if match.group("asker").casefold() == match.group("answerer").casefold():
            continue
        start, end = match.start("value"), match.end("value")
        lead = _ANSWER_LEAD.match(text, start, end)
        if lead is not None and lead.end() < end:
            start = lead.end()
        start, end = _strip(text, start, end)
        if end <= start:
            continue
        words = re.findall(r"[^\W_][\w'\u2019\-]*", match.group("question"))
        for first in range(max(0, len(words) - _QUESTION_KEY_WORDS), len(words)):
            yield Pair(" ".join(words[first:]), start, end)


# A resource's id in a REST path: `/customers/883 933 274/invoices` is a customer id, `/users/u-71/`
# a user's; a segment without a digit (`/users/me/`, `/customers/search`) names no one.
_PATH = re.compile(
    r"/(?P<key>[A-Za-z][A-Za-z_\-]{2,30})/(?P<value>[^/\s?#\"'<>]{1,60}(?: [^/\s?#\"'<>]{1,20}){0,3}(?=/)|[^/\s?#\"'<>]{1,60})"
)


def _path_pairs(text: str) -> Iterator[Pair]:
    if "/" not in text:
        return
    for match in _PATH.finditer(text):
        if any(ch.isdigit() for ch in match.group("value")):
            key = match.group("key")
            yield Pair(
                f"{key[:-1] if key.endswith('s') else key} id", match.start("value"), match.end("value")
            )


# Before a quoted value: a string literal's prefix, or C#'s verbatim @"…".
_LITERAL_PREFIX = re.compile(rf"(?:{_LITERAL_PREFIX_RE}|@)(?=[\"'])")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces and one level of quotes around a value (and a string literal's prefix before them)."""
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t;":
        end -= 1
    prefix = _LITERAL_PREFIX.match(text, start, end)
    if prefix is not None and end - prefix.end() >= 2 and text[end - 1] == text[prefix.end()]:
        start = prefix.end()
    if end - start >= 2 and text[start] in "\"'`" and text[end - 1] == text[start]:
        start, end = start + 1, end - 1
    return start, end


# A further label on the same line: "Kundennummer: 884213, Vertragsnummer: V-2231", "Duty manager:
# Riaan van der Merwe. Lifeguard: Thandeka Nkosi" (after a full stop, a capitalized label), a form's
# next column after two spaces or more ("MRN: ________   NHS no.: ________", "Nom : LEFEBVRE  Prénom : Maryvonne").
_NEXT_LABEL = re.compile(
    r"(?:[,;|]\s+|[ \t]{2,}|(?<=[^\W\d_]{4})\.\s+(?=[A-ZÀ-ÖØ-ÞĀ-Ž])(?!(?:No|Nr|N°)\b))(?P<key>[^\W\d_][\w .'/\-]{0,30}?)\s*:\s+"
)


# A label in a column of a printed or OCR'd form, after a wide gap: "RX# 0918342-04417   PATIENT: KOWALCZYK,
# TERESA M" (the form lines above read a label at the start of a line, or after one already read).
_COLUMN_LABEL = re.compile(
    r"(?<=\S[ \t]{3})[ \t]*(?P<key>[^\W\d_][\w .'/\-]{0,30}?)[ \t]*:[ \t]+(?P<value>\S(?:[^\n]*?\S)?)(?=[ \t]{3}|[ \t]*$)",
    re.MULTILINE,
)


def _column_pairs(text: str) -> Iterator[Pair]:
    if "   " in text:
        yield from _matched_pairs(text, _COLUMN_LABEL)
    if "  " in text:
        yield from _aligned_pairs(text)


# A CLI's two aligned columns under a "Key  Value" header (Vault's `kv get` and `token lookup`, `Name  Value`,
# `Property  Value`): each row's first word is the key, the rest of the row its value, to the next blank line.
_ALIGNED_HEADER = re.compile(
    r"^[ \t]*(?i:key|field|name|property|setting|parameter|variable)[ \t]{2,}(?i:value)[ \t]*\n(?:[ \t]*-{2,}[ \t]+-{2,}[ \t]*\n)?",
    re.MULTILINE,
)
_ALIGNED_ROW = re.compile(
    r"[ \t]*(?P<key>[A-Za-z_][\w.\-]{0,60})[ \t]{2,}(?P<value>\S[^\n]{0,400}?)[ \t]*(?:\n|$)"
)


def _aligned_pairs(text: str) -> Iterator[Pair]:
    for header in _ALIGNED_HEADER.finditer(text):
        position = header.end()
        while (row := _ALIGNED_ROW.match(text, position)) is not None:
            yield Pair(row.group("key"), row.start("value"), row.end("value"))
            position = row.end()


def _line_pairs(text: str) -> Iterator[Pair]:
    for match in _LINE.finditer(text):
        key = match.group("key").strip()
        if (
            len(_ANY_NOTE_AFTER.sub("", key).split()) > 5  # a note in brackets is no part of the label
            or "://" in match.group(0)[: match.start("value") - match.start()]
            or "()" in key
        ):
            continue  # a sentence with a colon in it, a URL scheme or a call (`def f() -> str:`) is no label
        start, end = match.start("value"), match.end("value")
        if start < end and text[start] in '"{[' and text[match.start("key") - 1 : match.start("key")] == '"':
            # a line of JSON the JSON reader could not take whole: a quoted value ends at its quote
            # ('"dob":"1995-12-19","phone":…' is "1995-12-19"), an object or a list is read by that reader
            close = _QUOTED_END.match(text, start + 1, end) if text[start] == '"' else None
            if close is not None or text[start] != '"':
                if close is not None and close.end() - 1 > start + 1:
                    yield Pair(key, start + 1, close.end() - 1)
                continue  # else a string cut short: the rest of the line is its value
        # `email: {type: string, example: …}`, `{ mail: { user: … } }`: a flow mapping's own pairs
        while (flow := _FLOW_MAPPING.match(text, start, end)) is not None:
            key, start = flow.group("key"), flow.end()
            end = start + len(text[start:end].rstrip().removesuffix("}").rstrip())
        for label in _NEXT_LABEL.finditer(text, start, end):
            value_start, value_end = _strip(text, start, label.start())
            if value_end > value_start:
                yield Pair(key, value_start, value_end)
            key, start = label.group("key"), label.end()
        if _BLOCK_SCALAR.fullmatch(text, start, end):
            block = _block_lines(text, match.start(), match.end())
            if block is not None:
                yield Pair(key, *block, block=True)
            continue
        start, end = _strip(text, start, end)
        if end > start:
            yield from _paired_alternatives(text, key, start, end)


_FLOW_MAPPING = re.compile(r"\{[ \t]*(?P<key>[^\W\d_][\w.\-]{0,40})[ \t]*:[ \t]+")


# A person's name in brackets after a key says whose value it is ("Passport (Josée Théberge)"); a
# lower-case note may change what the key means ("Name (business name)"), so it stays.
_NOTE_AFTER = re.compile(
    r"\s*\(\s*[A-ZÀ-ÖØ-ÞĀ-Ž][\w'\u2019.\-]*(?:\s+[A-ZÀ-ÖØ-ÞĀ-Ž][\w'\u2019.\-]*){0,3}\s*\)\s*$"
)
# A note in brackets that says where the value was read or what it is for ("Lidnummer (uit de
# bevestigingsmail)", "Phone (from the form)", "IBAN (für die Rückzahlung)"): the key means what it says.
_SOURCE_NOTE_AFTER = re.compile(r"\s*\(\s*(?P<word>[^\W\d_]+)\b[^()\n]{0,60}\)\s*$")
_ANY_NOTE_AFTER = re.compile(r"\s*\([^()\n]{1,60}\)\s*$")
_OWNER_NOTE_TYPES = frozenset({None, "PERSON", "STREET_ADDRESS", "LOCATION", "ORGANIZATION"})
_SOURCES = frozenset(
    [
        "from",
        "uit",
        "aus",
        "de",
        "du",
        "des",
        "da",
        "dal",
        "van",
        "von",
        "z",
        "ze",
        "iz",
        "per",
        "see",
        "as",
        "in",
        "on",
        "at",
        "for",
        "für",
        "pour",
        "para",
        "voor",
    ]
)
_QUOTED_END = re.compile(r'(?:[^"\\\n]|\\.)*"')


def _alternatives_separator(key: str) -> str | None:
    """What separates a label's alternatives: a slash ("Insurer / member no"; not one between two letters,
    an abbreviation: "D/C meds", "c/o"), else a comma ("Name, DOB")."""
    if "/" in _ABBREVIATION_SLASH.sub("", key).strip("/"):
        return "/"
    return ", " if ", " in key else None


_ABBREVIATION_SLASH = re.compile(r"(?<!\w)\w/\w(?!\w)")


def alternatives(key: str) -> list[str]:
    """The keys a label of alternatives names: "Insurer / member no" is "Insurer" and "member no";
    "Name, DOB" is "Name" and "DOB". After a comma, a one-word alternative to a label of more words
    shares its head: "Születési hely, idő" is "Születési hely" and "Születési idő" (not after a slash:
    "Kod pocztowy / Miejscowość" is a postcode and a town). An alternative that starts with a hyphen
    completes the first word's compound: "Geburtsort/-datum" is "Geburtsort" and "Geburtsdatum" (read
    against the vocabulary by `FieldVocabulary.type_of`, where each cut of the compound is tried)."""
    separator = _alternatives_separator(key)
    if separator is None:
        return [key]
    parts = [part.strip() for part in key.split(separator)]
    head = parts[0].split()[:-1] if separator == ", " else []
    return [parts[0]] + [
        " ".join([*head, part]) if head and len(part.split()) == 1 and not part.startswith("-") else part
        for part in parts[1:]
    ]


def _paired_alternatives(text: str, key: str, start: int, end: int) -> Iterator[Pair]:
    """ "Insurer / member no: AOK / LID-0766" is two pairs, one per alternative, and "Name, DOB: Jana
    Novak, 04/11/1982" too; other values one pair."""
    keys = alternatives(key)
    separator = _alternatives_separator(key)
    values = text[start:end].split(separator.strip()) if separator else []
    if len(keys) < 2 or len(keys) != len(values) or "://" in text[start:end]:
        yield Pair(key, start, end)
        return
    position = start
    for part_key, value in zip(keys, values, strict=True):
        part_start, part_end = _strip(text, position, position + len(value))
        if part_end > part_start:
            yield Pair(part_key, part_start, part_end)
        position += len(value) + 1


# `key: |`, `key: >-`, `key: |2`: the value is the more indented lines that follow.
_BLOCK_SCALAR = re.compile(r"[|>][+-]?[1-9]?[+-]?")


def _block_lines(text: str, line_start: int, line_end: int) -> tuple[int, int] | None:
    """The span of a YAML block scalar's lines (from its first non-space to its last), if any."""
    indent = len(text[line_start:line_end]) - len(text[line_start:line_end].lstrip(" \t"))
    first = last = None
    position = line_end + 1
    while position < len(text):
        newline = text.find("\n", position)
        line_stop = len(text) if newline == -1 else newline
        line = text[position:line_stop]
        if line.strip():
            if len(line) - len(line.lstrip(" \t")) <= indent:
                break
            if first is None:
                first = position + len(line) - len(line.lstrip(" \t"))
            last = position + len(line.rstrip())
        position = line_stop + 1
    return (first, last) if first is not None and last is not None else None


def _inline_pairs(text: str) -> Iterator[Pair]:
    yield from _matched_pairs(text, _INLINE)


def _json_pairs(text: str) -> Iterator[Pair]:
    patterns = [pattern for pattern, quote in ((_JSON, '"'), (_PY_DICT, "'")) if quote in text]
    for pattern in patterns:
        for match in pattern.finditer(text):
            group = "value" if match.group("value") is not None else "number"
            if match.end(group) > match.start(group):
                yield Pair(match.group("key"), match.start(group), match.end(group))
    if "{" in text:
        for match in _JS_OBJECT.finditer(text):
            yield Pair(match.group("key"), match.start("value"), match.end("value"))
    if "[" in text:
        for match in _LIST.finditer(text):
            for item in _LIST_ITEM.finditer(text, match.start("items"), match.end("items")):
                yield Pair(match.group("key"), item.start("value"), item.end("value"))


# A column compared with a literal in a WHERE clause, or set by an UPDATE: `WHERE member_no = 1187`,
# `AND email = 'x@y'`, `SET phone = '…'`.
_SQL_COMPARED = re.compile(
    r"(?i)\b(?:where|and|or|set|,)\s+[`\"\[]?(?P<key>[A-Za-z_][\w.]{0,60})[`\"\]]?\s*(?:=|<>|!=|\blike\b)\s*"
    r"(?P<v>'(?:[^'\n]|'')*'|-?\d[\w.\-]*)"
)


def _sql_pairs(text: str) -> Iterator[Pair]:
    lowered = text.lower()
    if "where" in lowered or "update" in lowered:
        for match in _SQL_COMPARED.finditer(text):
            start, end = _strip(text, match.start("v"), match.end("v"))
            if end > start:
                yield Pair(match.group("key").rsplit(".", 1)[-1], start, end)
    if "insert" not in lowered:
        return
    for match in _SQL.finditer(text):
        columns = [c.strip().strip('`"[]') for c in match.group("cols").split(",")]
        for offset, row in _sql_rows(match.group("rows"), match.start("rows")):
            values = list(_SQL_VALUE.finditer(row))
            if abs(len(values) - len(columns)) > 1:
                continue  # one value missing or extra is the broken INSERT a user asks about
            for column, value in zip(columns, values, strict=False):
                start, end = _strip(text, offset + value.start("v"), offset + value.end("v"))
                if end > start and value.group("v").strip().upper() != "NULL":
                    yield Pair(column, start, end)


# Possessive: an unclosed bracket or quote costs one pass, not a backtracking search over every split.
_SQL_ROW = regex.compile(r"\(((?:'(?:[^']|'')*+'|[^)']|')*+)\)")
_SQL_ROW_LINE = re.compile(r"^[ \t]*\(.*$", re.MULTILINE)


def _sql_rows(rows: str, at: int) -> Iterator[tuple[int, str]]:
    """The bracketed rows of a VALUES list, each with its offset in the text. Where the rows are written
    one per line, each line is read alone, so an unclosed quote in one row (the broken INSERT a user asks
    about) does not swallow the rows below it."""
    lines = list(_SQL_ROW_LINE.finditer(rows))
    spans = [(line.start(), line.group()) for line in lines] if len(lines) >= 2 else [(0, rows)]
    for start, chunk in spans:
        for row in _SQL_ROW.finditer(chunk):
            yield at + start + row.start(1), row.group(1)


_DELIMITERS = (",", ";", "\t", "|")


# A header given in prose: "columns (member_number, fname, family_name, email):" above the rows; not a
# call's arguments, `http.NewRequest("POST", url, nil)` (a name glued to the bracket).
_LISTED_HEADER = re.compile(r"(?<![\w.$])\(([^()\n]{3,400})\)\s*:?\s*$")
_FENCE = re.compile(r"^\s*(?:```|~~~)[\w+-]*\s*$")
_RULE = re.compile(r"[\s|:=_*+\-]{3,}")  # "|---|", "---+---" (psql)


def _table_pairs(text: str) -> Iterator[Pair]:
    """CSV/TSV/markdown rows under the nearest header above them with the same number of columns.

    Blank lines and code fences between the header and the rows are skipped; a header may also be a
    parenthesized list at the end of a prose line ("columns (id, name, email):").
    """
    lines = split_lines(text)
    for index, (_, line) in enumerate(lines):
        listed = _LISTED_HEADER.search(line)
        # "(no header, columns: id, fname, dob)": the names are what follows the last colon
        header_line = listed.group(1).rpartition(":")[2] if listed and "," in listed.group(1) else line
        delimiter = _header_delimiter(header_line)
        if delimiter is None:
            continue
        header = split_cells(header_line, delimiter)
        names = [name for _, _, name in header]
        if not looks_like_header(names):
            continue
        if delimiter == "|" and not listed and not _rule_follows(lines, index):
            continue  # a markdown table's header sits above its `|---|` rule; other rows are data
        row_delimiter: str | None = None if listed else delimiter
        for row_start, row in lines[index + 1 : index + 2001]:
            if not row.strip() or _FENCE.match(row) or _RULE.fullmatch(row):
                continue  # blank lines, code fences, "---" rules and the markdown separator line
            if row_delimiter is None:  # a header listed in prose: the rows keep their own delimiter
                row_delimiter = _header_delimiter(row) or delimiter
                width = len(split_cells(row, row_delimiter))
                if 2 <= width < len(names):  # "(no header row, columns are id, fname, dob)"
                    names = names[-width:]
                    names[0] = names[0].split()[-1]
                    header = header[-width:]
            cells = split_cells(row, row_delimiter)
            if len(cells) != len(header):
                break
            if [name for _, _, name in cells] == names:
                break  # the next header
            for (start, end, _), name in zip(cells, names, strict=True):
                start, end = _strip(text, row_start + start, row_start + end)
                if end > start:
                    yield Pair(name, start, end)
                    if name.strip(" .#:").casefold() in _GENERIC_COLUMNS:
                        yield from _named_by_row(cells, start, end)


# A column that says only "number" or "value" takes its kind from the row: "| Kristin | Michigan driver's
# license | A 362 … |" under "| who | document | number |" is a driver's licence number, as a form's
# {"question": …, "answer": …} is. Each other short, digitless cell of the row is read as its key.
_GENERIC_COLUMNS = frozenset(
    {"number", "no", "nr", "num", "value", "details"}
    | {"nummer", "wert", "numéro", "valeur", "número", "numero"}  # German, French, Spanish, Italian
)


def _named_by_row(cells: list[tuple[int, int, str]], start: int, end: int) -> Iterator[Pair]:
    for _, _, cell in cells:
        label = cell.strip(" *_")
        if 3 <= len(label) <= 40 and not any(ch.isdigit() for ch in label):
            yield Pair(label, start, end)


def _rule_follows(lines: list[tuple[int, str]], index: int) -> bool:
    following = next((line for _, line in lines[index + 1 :] if line.strip()), "")
    return "-" in following and bool(_RULE.fullmatch(following.strip()))


def split_lines(text: str) -> list[tuple[int, str]]:
    out, position = [], 0
    for line in text.split("\n"):
        out.append((position, line))
        position += len(line) + 1
    return out


def _header_delimiter(line: str) -> str | None:
    counts = {d: line.count(d) for d in _DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d])
    return delimiter if counts[delimiter] >= 1 and len(line) < 1000 else None


def split_cells(line: str, delimiter: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each cell; a quoted cell may hold the delimiter ("Doe, Jane")."""
    begin, stop = 0, len(line)
    if delimiter == "|":
        stripped = line.strip()
        if "|" not in stripped or "||" in stripped:
            return []  # `a || b` is code, not two cells
        if stripped.startswith("|"):
            begin = line.index("|") + 1
            stop = line.rstrip().rindex("|") if stripped.endswith("|") and len(stripped) > 1 else len(line)
        # else a psql / MySQL client result: " id | name " with no pipe at either end
    cells: list[tuple[int, int, str]] = []
    position = begin
    while position <= stop:
        cell_start = position
        while position < stop and line[position] in " \t":
            position += 1
        if position < stop and line[position] == '"':
            position += 1
            while position < stop and not (
                line[position] == '"' and line[position + 1 : position + 2] != '"'
            ):
                position += 2 if line[position] == '"' else 1
            position += 1
        while position < stop and line[position] != delimiter:
            position += 1
        cells.append((cell_start, position, line[cell_start:position].strip().strip('"')))
        position += 1
    return cells


def looks_like_header(names: list[str]) -> bool:
    """A header is a row of short labels, none of them numbers, e-mails or long text."""
    if len(names) < 2 or len(set(names)) != len(names) or any(name.endswith(":") for name in names):
        return False  # "Name:\tAnna" is a form line, not a header
    return all(
        name
        and len(name) <= 40
        and not any(ch.isdigit() for ch in name[:1])
        and "@" not in name
        and not re.search(r"\w\(", name)  # a call: `define( 'DB_NAME', 'wp' );` is code, not a header
        and len(name.split()) <= 4
        for name in names
    )


# "Nº passaporte", "Nr paszportu", "No. of passport": the number word in front says nothing more.
_NUMBER_WORDS = frozenset(
    ["n", "no", "nr", "nro", "num", "numero", "numer", "nummer", "number", "of", "de", "du"]
)
# Words that say whose a field is, not what it is: "customer_email" is an email, "patient_name" a name.
# Whose country's: "Czech birth number", "Irish PPSN", "Polish PESEL".
_NATIONALITIES = frozenset({
    "czech", "slovak", "polish", "german", "austrian", "swiss", "french", "belgian", "dutch", "spanish",
    "portuguese", "italian", "irish", "uk", "british", "us", "american", "canadian", "swedish", "norwegian",
    "danish", "finnish", "icelandic", "estonian", "latvian", "lithuanian", "hungarian", "romanian",
    "bulgarian", "croatian", "slovenian", "greek", "turkish", "indian", "brazilian", "mexican", "chilean",
    "australian", "korean", "chinese", "japanese",
})  # fmt: skip
_OWNERS = (
    frozenset(
        [
            "customer",
            "client",
            "user",
            "patient",
            "employee",
            "member",
            "contact",
            "holder",
            "account",
            "billing",
            "shipping",
            "home",
            "work",
            "mobile",
            "cell",
            "primary",
            "secondary",
            "personal",
            "private",
            "emergency",
            "legal",
            "main",
            "new",
            "old",
            "current",
            "my",
            "your",
            "his",
            "her",
            "their",
            "applicant",
            "beneficiary",
            "insured",
            "policyholder",
            "guardian",
            "parent",
            "mother",
            "father",
            "spouse",
            "partner",
            "recipient",
            "sender",
            "owner",
            "cardholder",
            "person",
            "student",
            "teacher",
            "doctor",
            "kunde",
            "kunden",
            "mitarbeiter",
            "patienten",
            "inhaber",
            "client",
            "cliente",
            "paciente",
            "utente",
            "klant",
            "klanta",
            "pacjent",
            "pracownik",
            # a log's or directory's qualifiers: TargetUserName, SubjectUserName, login_username
            "target",
            "subject",
            "remote",
            "logon",
            "login",
            # "current", "new", "old", "permanent", "previous" before the field in other languages:
            # "Núverandi heimilisfang", "Jelenlegi lakcím", "Aktuelle Anschrift", "nieuwe adres"
            *("aktuelle", "aktueller", "derzeitige", "jetzige", "neue", "alte", "bisherige", "standige"),
            *("huidig", "huidige", "nieuw", "nieuwe", "oud", "oude", "nuvarande", "nuværende", "naværende"),
            *("nykyinen", "uusi", "entinen", "jelenlegi", "allando", "uj", "regi", "mevcut", "yeni", "eski"),
            *("nuverandi", "nyja", "gamla", "obecny", "obecna", "aktualny", "aktualna", "nowy", "nowa"),
            *("trenutna", "trenutni", "sadasnja", "nova", "novi", "stara", "sucasna", "aktualna", "sedanji"),
            *("τρεχουσα", "νεα", "παλια", "nuevo", "nueva", "nouveau", "nouvelle", "ancien", "ancienne"),
        ]
    )
    | _NATIONALITIES
)
# The same after the field: "adresse actuelle", "dirección actual", "indirizzo attuale", "morada atual".
_TRAILING_OWNERS = frozenset(
    {
        *("actuel", "actuelle", "actual", "attuale", "atual", "actuala", "nouvelle", "nouveau", "nueva"),
        *("nuevo", "nuova", "nuovo", "nova", "novo", "ancienne", "ancien", "anterior", "precedente"),
        *("permanent", "permanente", "temporaire", "temporal", "temporanea", "curenta", "noua"),
    }
)


# Words that say "the identifier of": "membership_no", "N° adhérent", "Codice cliente" and "customer
# number" all name one field; a key is also read with these as one word and its words in any order.
_IDENTIFIER_WORDS = _NUMBER_WORDS - {"of", "de", "du"} | {
    "nb", "nro", "numara", "numarasi", "numeru", "numeris", "code", "codice", "codigo", "kod", "kode",
    "koodi", "ident",
}  # fmt: skip
# Words that join the others and say nothing: "numéro d'adhérent", "número de póliza", "no. of".
# Words that open a qualifier after a field's name: "birthday as sent", "email at signup", "phone if
# different", "Geburtsdatum laut Ausweis", "date de naissance selon passeport".
_QUALIFIERS = frozenset(
    [
        "as",
        "if",
        "when",
        "per",
        "for",
        "pour",
        "fur",
        "para",
        "voor",
        "dla",
        "для",
        "at",
        "from",
        "on",
        "according",
        "given",
        "approx",
        "approximately",
        "wie",
        "laut",
        "falls",
        "gemass",
        "gemaess",
        "selon",
        "si",
        "segun",
        "secondo",
        "se",
        "come",
        "jak",
        "zoals",
        "indien",
        "volgens",
        "som",
        "hvis",
        # a place or a purpose after the name: "Medlemsnummer i foreningen", "Číslo účtu pro výplatu"
        "in",
        "im",
        "i",
        "w",
        "v",
        "ve",
        "na",
        "pro",
        "pre",
        "til",
        "till",
        "en",
        "dans",
        "bei",
        "within",
    ]
)
_FILLERS = frozenset(
    ["of", "the", "de", "du", "d", "des", "di", "da", "do", "del", "della", "dos", "das", "van"]
)


def _bag(words: list[str]) -> tuple[str, ...] | None:
    """A key's words as an unordered bag, identifier words as one, fillers dropped; None when too thin."""
    bag = tuple(sorted("#" if w in _IDENTIFIER_WORDS else w for w in words if w not in _FILLERS))
    return bag if len(bag) >= 2 and any(w != "#" for w in bag) else None


# An English plural a key may take ("given_names", "surnames"); not "pass", "address" or a counter's
# "prompt_tokens" (a vocabulary of key endings reads no plurals).
_PLURAL = re.compile(r"[a-z]{3,}[^s]s")
# The shortest listed name read at the end of a longer word (`rootpassword`, `appsecret`): shorter
# ones end too many words of their own ("bypass", "compass").
_GLUED_MIN = 6
# Shorter words for a key of languages that glue their compounds ("aláírókulcs", a signing key in
# Hungarian; "salausavain", an encryption key in Finnish; "krypteringsnøgle"), read at the end all the same.
_GLUED_KEY_WORDS = frozenset({"kulcs", "avain", "nogle", "klic"})
# Words for a key in the languages that write the noun first ("chiave_mac", "clave_firma", "cle_hmac"):
# a key they begin names the same key as a key they end.
_KEY_HEAD_FIRST = frozenset({"chiave", "clave", "llave", "cle", "clef", "chave", "cheie"})


_PUBLIC_WORDS = frozenset({"public", "pub", "publishable"})


# A label that starts with its noun says in up to this many words whose or which it is.
_HEAD_QUALIFIER_WORDS = 4


class FieldVocabulary:
    """Field and label names → entity type, matched on normalized keys (owner words stripped).

    A key also matches a listed name with the same words in another order and another word for
    "number" (`Codice cliente` ~ `numero cliente`, `membership_no` ~ `membership number`), and a
    dotted key (`escalation.username`, `notification.recipient.email`) is read by its last parts.
    With `key_suffix`, a key whose last words are a listed name counts whatever comes first:
    `TWILIO_AUTH_TOKEN`, `spring.datasource.password`, `stripeSecretKey`. With `key_head`, a label
    whose first word is a listed name and whose other words say whose or which counts too, as
    languages that put the noun first write it: `Adresa locului de consum`, `Adresse de livraison`.
    """

    def __init__(
        self, entries: dict[str, list[str]], key_suffix: bool = False, key_head: bool = False
    ) -> None:
        self._key_suffix = key_suffix
        self._key_head = key_head
        self._types: dict[str, str] = {}
        self._bags: dict[tuple[str, ...], str] = {}
        for entity, names in entries.items():
            for name in names:
                self._types.setdefault(normalize_key(name), entity)
                bag = _bag(key_words(name))
                if bag is not None:
                    self._bags.setdefault(bag, entity)

    def type_of(self, key: str) -> str | None:
        """The entity a key names; "Kod pocztowy / Miejscowość" is read as each of its alternatives."""
        parts = alternatives(key)
        if len(parts) > 1:
            compound = key_words(parts[0])[0] if key_words(parts[0]) else ""
            for part in parts:
                found = self._type_of(part)
                if found is None and part.startswith("-") and key_words(part):
                    tail = "".join(key_words(part))  # "Geburtsort/-datum": "Geburts" + "datum"
                    cuts = (compound[:cut] + tail for cut in range(len(compound) - 1, 1, -1))
                    found = next((self._types[word] for word in cuts if word in self._types), None)
                if found is not None:
                    return found
            return None
        found = self._type_of(key)
        if found is None and "." in key.strip(".") and " " not in key.strip():
            parts = [part for part in key.split(".") if part]  # a properties or JSON path
            for first in range(1, len(parts)):
                found = self._type_of(".".join(parts[first:]))
                if found is not None:
                    break
        if found is None and key.rstrip().endswith(")"):
            bare = _NOTE_AFTER.sub("", key)  # "Parent's passport (Josée Théberge)": whose it is
            if (
                bare == key
                and (note := _SOURCE_NOTE_AFTER.search(key))
                and note["word"].casefold() in _SOURCES
            ):
                bare = key[: note.start()]  # "Lidnummer (uit de bevestigingsmail)": where it was read
            if bare and bare != key:
                found = self.type_of(bare)
            elif (note := _ANY_NOTE_AFTER.search(key)) and note.start():
                # "Date of birth (hirer must be 21 or over)": a note cannot make a birth date, an id or a
                # phone anything else; it can a name or an address ("Name (company)", "Address (work)")
                found = self.type_of(key[: note.start()])
                found = None if found in _OWNER_NOTE_TYPES else found
        return found

    def _type_of(self, key: str) -> str | None:
        found = self._type_of_label(key)
        if found is None and (issuer := _ISSUER.match(key)):
            # "BJA licence no", "Michigan driver's license", "US passport": an issuer, then the label
            label = key[issuer.end() :]
            found = self._type_of_label(label)
            acronym = issuer.group().strip().isupper()
            if found not in _ISSUED_TYPES and not (acronym and len(key_words(label)) > 1):
                found = None
        return found

    def _type_of_label(self, key: str) -> str | None:
        words = key_words(key)
        if len(words) > 1 and words[-1] in _NUMBER_WORDS - _FILLERS:
            found = self._type_of_words(words)
            return found if found is not None else self._type_of_words(words[:-1])  # "Permiso de conducir nº"
        found = self._type_of_words(words)
        if found is None:  # "birthday as sent", "phone if different": the words before a qualifier
            cut = next((i for i, word in enumerate(words) if i and word in _QUALIFIERS), 0)
            found = self._type_of_words(words[:cut]) if cut else None
        if found is None and not self._key_suffix and _PLURAL.fullmatch(words[-1] if words else ""):
            found = self._type_of_words([*words[:-1], words[-1][:-1]])  # "given_names": a given name
        if found is None and self._key_head and 1 < len(words) <= _HEAD_QUALIFIER_WORDS + 1:
            found = self._types.get(words[0])
        return found

    def _type_of_words(self, words: list[str]) -> str | None:
        if len(words) > 1 and words[-1] in _TRAILING_OWNERS:  # "Adresse actuelle", "dirección anterior"
            found = self._type_of_words(words[:-1])
            if found is not None:
                return found
        last = words[-1] if words else ""
        first, several = (words[0] if words else ""), len(words) > 1
        before = ""
        while words:
            found = self._types.get("".join(words))
            if found is None and (bag := _bag(words)) is not None:
                found = self._bags.get(bag)
            if found is not None:
                # `PEER_PUBLIC_KEY`, `stripePublishableKey`: the key anyone may see, not the secret one
                # (a "public" password, secret or token is still one)
                public = self._key_suffix and before in _PUBLIC_WORDS and words[-1] == "key"
                return None if public else found
            if not self._key_suffix and words[0] not in _OWNERS and words[0] not in _NUMBER_WORDS:
                return None
            before, words = words[0], words[1:]
        if self._key_suffix:  # a name glued to what comes first: `dbpassword`, `clientsecret`
            for cut in range(1, len(last) - 3):
                tail = last[cut:]
                found = self._types.get(tail) if len(tail) >= _GLUED_MIN or tail in _GLUED_KEY_WORDS else None
                if found is not None:
                    return found
            if first in _KEY_HEAD_FIRST and several:
                return self._types.get(first)
        return None


# An issuer in front of a label: an acronym before a label of two words or more ("BJA licence no", "RFU member
# number"), and an acronym or a capitalized word (a state's, a country's name) before the label of a number
# an issuer gives ("US passport", "Michigan driver's license"). Not before one other word ("DB name", "MAC
# address" name no person and no street) or another kind ("Storing passwords:" is no issuer's password).
_ISSUER = re.compile(r"(?:[A-Z][A-Z0-9&]{1,5}|[A-Z][a-z]{2,14})[ \t]+(?=\S)")
_ISSUED_TYPES = frozenset(
    {"PASSPORT", "DRIVER_LICENSE", "NATIONAL_ID", "ACCOUNT_NUMBER", "MEDICAL_RECORD_NUMBER"}
)


# A person's record pasted without its header: a delimited row that holds an e-mail address.
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_NAME_CELL = regex.compile(r"\p{Lu}[\p{Ll}\p{M}'\u2019\-]+(?: \p{Lu}[\p{Ll}\p{M}'\u2019\-]+){0,2}")
# A catalogue number's word on a line: its digits are no phone number.
_CATALOGUE_NUMBER = regex.compile(r"(?i)\b(?:isbn|issn|ean|upc|sku|gtin|doi|asin|art\.?\s?nr|item\s+no)\b")
# A list item that is one person's record: a bullet or a number, two to four capitalized words (or a Hangul
# or Han name, or two to four Arabic, Hebrew or Devanagari words), a comma or a dash, and a phone number
# further on the line ("- <Surname> <Middle> <Given>, born …, phone 0903 …", "1. <Hangul name> — <id> — 010-…").
_LISTED_RECORD = regex.compile(
    r"^[ \t]*(?:[-*\u2022\u2013]|\d{1,3}[.)])[ \t]+"
    r"(?P<name>\p{Lu}[\p{Ll}\p{M}'\u2019\-]+(?: \p{Lu}[\p{Ll}\p{M}'\u2019\-]+){1,3}|\p{Hangul}{2,4}|\p{Han}{2,4}"
    r"|[\p{Arabic}\p{M}]{2,}(?: [\p{Arabic}\p{M}]{2,}){1,3}|[\p{Hebrew}\p{M}]{2,}(?: [\p{Hebrew}\p{M}]{2,}){1,3}"
    r"|[\p{Devanagari}]{2,}(?: [\p{Devanagari}]{2,}){1,3})"
    r"(?:[,\u060c]|[ \t]+[\u2014\u2013|-][ \t]+)"
    r"(?=[^\n]*?(?<![\d.])(?:\+\d{1,3}[ .\-]?)?\(?\d{2,5}\)?(?:[ .\-]?\d{2,4}){2,4}(?![\d.]))"
)


def record_name_cells(text: str) -> list[tuple[int, int]]:
    """Name-like cells ("Julita", "Kornel Pazdan") of delimited rows that hold an e-mail address,
    and surname-first cells ("Van der Walt, Pieter", "PRENDERGAST, Oona (87F)") of any table.

    A row of a customer or employee export is one person's record: with or without its header,
    its capitalized one-to-three-word cells are that person's names.
    """
    from .names import any_stop_word, ordinary_words

    found: list[tuple[int, int]] = _surname_first_cells(text)
    for line_start, line in split_lines(text):
        if "@" not in line or not _EMAIL.search(line):
            item = _LISTED_RECORD.match(line)
            if (
                item is not None
                and not ordinary_words(item.group("name"))
                # a book's or a product's line: "- The Great Gatsby, Scribner — ISBN 978-0-…"
                and item.group("name").split()[0].casefold() not in any_stop_word()
                and not _CATALOGUE_NUMBER.search(line)
            ):
                found.append((line_start + item.start("name"), line_start + item.end("name")))
            continue
        delimiter = max((d for d in _DELIMITERS if d != "|"), key=line.count)
        if line.count(delimiter) < 2:
            continue
        for start, _end, cell in split_cells(line, delimiter):
            # ordinary words are a status or a label ("Failure", "Success"), no one's name
            if _NAME_CELL.fullmatch(cell) and not ordinary_words(cell):
                cell_start = line_start + line.index(cell, start)
                found.append((cell_start, cell_start + len(cell)))
    return found


# A table cell that is a surname, a comma and given names ("Van der Walt, Pieter", "PRENDERGAST, Oona
# (87F)", with an age or a note in brackets after it). It is a name when its given part starts with a
# known given name and its surname part is no place ("Paris, France" is a place); the other cells of
# the same column in that shape are names too ("Mokoena, Lerato" under "Naidoo, Kevin").
_PARTICLES = r"(?:van|von|der|den|de|da|di|du|la|le|del|della|dos|das|ten|ter|bin|al)"
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'\u2019\-]*"
_SURNAME_FIRST = re.compile(
    rf"(?P<name>(?P<surname>{_CAP}(?: (?:{_CAP}|{_PARTICLES})){{0,3}}), (?P<given>{_CAP}(?: {_CAP}\.?){{0,2}}))"
    r"(?: ?\([^()]{1,16}\))?"
)


def _surname_first_cells(text: str) -> list[tuple[int, int]]:
    from .names import given_names, place_names

    known, places = given_names(), place_names()
    columns: dict[tuple[str, int], list[tuple[int, int, bool]]] = {}
    for line_start, line in split_lines(text):
        if ", " not in line:
            continue
        delimiter = max(_DELIMITERS, key=line.count)
        if line.count(delimiter) < (1 if delimiter == "|" else 2):
            continue
        for column, (start, end, cell) in enumerate(split_cells(line, delimiter)):
            shape = _SURNAME_FIRST.fullmatch(cell)
            if shape is None or shape.group("surname") in places or shape.group("given") in places:
                continue
            at = line_start + line.index(cell, start, end) + shape.start("name")
            evidence = shape.group("given").split()[0] in known
            columns.setdefault((delimiter, column), []).append((at, at + len(shape.group("name")), evidence))
    return [
        (start, end)
        for cells in columns.values()
        if any(evidence for _, _, evidence in cells)
        for start, end, _ in cells
    ]
