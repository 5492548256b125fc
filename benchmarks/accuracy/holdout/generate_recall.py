# ruff: noqa  (a corpus generator written blind by a separate session; kept as written)
#!/usr/bin/env python3
"""generate_recall.py -- blind, labelled holdout corpus for PII / secret detection.

Writes structured.jsonl and credentials_ids.jsonl (+ README.md) into an output
directory.  Everything except token bodies is driven by seeded PRNGs, so the
structure is reproducible; token / key bodies are drawn from the `secrets`
module (never copied from real keys), so a re-run yields new random bodies of
the same shape.  National identifiers are generated with their real checksum
algorithms and verified with python-stdnum.

Usage:
    python generate_recall.py OUT_DIR          # generate + check + README
    python generate_recall.py --check OUT_DIR  # only run the verification
"""

import base64
import csv
import datetime
import io
import json
import os
import random
import re
import secrets
import string
import sys
import unicodedata
import uuid
import zlib
from collections import Counter, defaultdict

SEED = 424242
R = random.Random(SEED)  # structure / values / names
SR = secrets.SystemRandom()  # token bodies only
try:
    from faker import Faker

    Faker.seed(SEED)
except ImportError:  # only needed for generation
    Faker = None

# ---------------------------------------------------------------- markers
_S, _M, _E = "\ue000", "\ue001", "\ue002"


def L(typ, val, country=None):
    """Wrap a value so that finalize() records it as a label."""
    val = str(val)
    assert _S not in val and _E not in val, val
    return f"{_S}{typ}|{country or ''}{_M}{val}{_E}"


def finalize(text):
    out, labels, pos, i = [], [], 0, 0
    while i < len(text):
        ch = text[i]
        if ch == _S:
            j = text.index(_M, i)
            k = text.index(_E, j)
            typ, cc = text[i + 1 : j].split("|")
            val = text[j + 1 : k]
            assert _S not in val and _M not in val, repr(text[i:k])
            labels.append(
                {"type": typ, "value": val, "start": pos, "end": pos + len(val), "country": cc or None}
            )
            out.append(val)
            pos += len(val)
            i = k + 1
        else:
            out.append(ch)
            pos += 1
            i += 1
    s = "".join(out)
    assert _S not in s and _M not in s and _E not in s
    return s, labels


def unmark(text):
    return finalize(text)[0]


def jdump(obj, indent=None, ascii_=False):
    s = json.dumps(obj, ensure_ascii=ascii_, indent=indent)
    if ascii_:  # markers were escaped -> restore them
        s = s.replace("\\ue000", _S).replace("\\ue001", _M).replace("\\ue002", _E)
    return s


def ch(seq):
    return R.choice(seq)


def chance(p):
    return R.random() < p


def tok(alphabet, n):
    return "".join(SR.choice(alphabet) for _ in range(n))


DIG = string.digits
HEX = "0123456789abcdef"
HEXU = "0123456789ABCDEF"
B62 = string.ascii_letters + string.digits
B64URL = B62 + "-_"
B64 = B62 + "+/"
UPD = string.ascii_uppercase + string.digits
B32 = string.ascii_uppercase + "234567"


def rdig(n):
    return "".join(R.choice(DIG) for _ in range(n))


def strip_accents(s):
    s = s.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    s = s.replace("ß", "ss").replace("æ", "ae").replace("Æ", "Ae").replace("ı", "i")
    s = s.replace("İ", "I").replace("đ", "d")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def slug(s):
    return re.sub(r"[^a-z0-9]", "", strip_accents(s).lower())


def typo(s, p=0.5):
    """Occasionally introduce a realistic typo -- never inside a labelled value."""
    if not chance(p) or len(s) < 12:
        return s
    if _S in s:
        parts = re.split("(" + _S + "[^" + _E + "]*" + _E + ")", s)
        idx = [i for i, t in enumerate(parts) if not t.startswith(_S) and len(t) >= 12]
        if not idx:
            return s
        i = R.choice(idx)
        parts[i] = typo(parts[i], 1.0)
        return "".join(parts)
    words = s.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not idx:
        return s
    i = R.choice(idx)
    w = words[i]
    k = R.randrange(1, len(w) - 2)
    op = R.randrange(3)
    if op == 0:
        w = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    elif op == 1:
        w = w[:k] + w[k + 1 :]
    else:
        w = w[:k] + w[k] + w[k:]
    words[i] = w
    return " ".join(words)


# ---------------------------------------------------------------- geography
CITIES = {
    "US": [
        ("Austin", "TX", "78701"),
        ("Springfield", "IL", "62704"),
        ("Portland", "OR", "97205"),
        ("Columbus", "OH", "43215"),
        ("Raleigh", "NC", "27601"),
        ("Tucson", "AZ", "85701"),
        ("Madison", "WI", "53703"),
        ("Albany", "NY", "12207"),
        ("Boise", "ID", "83702"),
    ],
    "GB": [
        ("Leeds", "LS6 2AB"),
        ("Manchester", "M14 5RG"),
        ("Bristol", "BS7 8EJ"),
        ("London", "SE15 4QN"),
        ("Cardiff", "CF24 3DG"),
        ("Glasgow", "G12 8QQ"),
        ("Norwich", "NR2 3HT"),
        ("Brighton", "BN2 1TW"),
    ],
    "IE": [("Dublin 8", "D08 X2F3"), ("Cork", "T12 R2NC"), ("Galway", "H91 E2K3"), ("Limerick", "V94 T9PX")],
    "CA": [
        ("Toronto", "ON", "M5V 2T6"),
        ("Montréal", "QC", "H2X 1Y4"),
        ("Vancouver", "BC", "V6B 1A1"),
        ("Ottawa", "ON", "K1P 5G4"),
        ("Calgary", "AB", "T2P 1J9"),
    ],
    "AU": [
        ("Sydney", "NSW", "2000"),
        ("Fitzroy", "VIC", "3065"),
        ("Brisbane", "QLD", "4000"),
        ("Perth", "WA", "6000"),
        ("Newtown", "NSW", "2042"),
    ],
    "IN": [
        ("Bengaluru", "560034"),
        ("Pune", "411001"),
        ("Mumbai", "400050"),
        ("Chennai", "600040"),
        ("Hyderabad", "500081"),
    ],
    "ZA": [("Cape Town", "8001"), ("Johannesburg", "2196"), ("Durban", "4001"), ("Pretoria", "0083")],
    "FR": [
        ("Paris", "75011"),
        ("Lyon", "69003"),
        ("Marseille", "13006"),
        ("Toulouse", "31000"),
        ("Nantes", "44000"),
        ("Lille", "59000"),
        ("Bordeaux", "33000"),
        ("Strasbourg", "67000"),
        ("Rennes", "35000"),
        ("Montpellier", "34000"),
    ],
    "BE": [
        ("Bruxelles", "1000"),
        ("Liège", "4000"),
        ("Namur", "5000"),
        ("Gent", "9000"),
        ("Antwerpen", "2000"),
        ("Leuven", "3000"),
        ("Brugge", "8000"),
    ],
    "CH": [
        ("Zürich", "8004"),
        ("Bern", "3011"),
        ("Basel", "4051"),
        ("Genève", "1201"),
        ("Lausanne", "1003"),
        ("Luzern", "6003"),
    ],
    "DE": [
        ("Berlin", "10115"),
        ("Hamburg", "20095"),
        ("München", "80331"),
        ("Köln", "50667"),
        ("Frankfurt am Main", "60311"),
        ("Leipzig", "04109"),
        ("Stuttgart", "70173"),
        ("Dresden", "01067"),
        ("Bremen", "28195"),
        ("Freiburg im Breisgau", "79098"),
    ],
    "AT": [("Wien", "1070"), ("Graz", "8010"), ("Linz", "4020"), ("Salzburg", "5020"), ("Innsbruck", "6020")],
    "ES": [
        ("Madrid", "28013"),
        ("Barcelona", "08012"),
        ("Valencia", "46001"),
        ("Sevilla", "41004"),
        ("Bilbao", "48001"),
        ("Zaragoza", "50001"),
        ("Málaga", "29005"),
        ("Granada", "18009"),
    ],
    "MX": [
        ("Ciudad de México", "CDMX", "03100"),
        ("Guadalajara", "Jal.", "44100"),
        ("Monterrey", "N.L.", "64000"),
        ("Puebla", "Pue.", "72000"),
    ],
    "CL": [("Santiago", "8320000"), ("Valparaíso", "2340000"), ("Concepción", "4030000")],
    "IT": [
        ("Milano", "20121", "MI"),
        ("Roma", "00185", "RM"),
        ("Torino", "10121", "TO"),
        ("Bologna", "40126", "BO"),
        ("Napoli", "80138", "NA"),
        ("Firenze", "50122", "FI"),
        ("Palermo", "90133", "PA"),
        ("Verona", "37121", "VR"),
    ],
    "PT": [
        ("Lisboa", "1100-053"),
        ("Porto", "4000-322"),
        ("Braga", "4700-035"),
        ("Coimbra", "3000-143"),
        ("Faro", "8000-138"),
    ],
    "BR": [
        ("São Paulo", "SP", "01310-100"),
        ("Rio de Janeiro", "RJ", "22041-001"),
        ("Belo Horizonte", "MG", "30130-010"),
        ("Curitiba", "PR", "80010-000"),
        ("Recife", "PE", "50030-230"),
        ("Porto Alegre", "RS", "90010-150"),
    ],
    "NL": [
        ("Amsterdam", "1017 GC"),
        ("Rotterdam", "3011 AD"),
        ("Utrecht", "3512 JE"),
        ("Den Haag", "2511 CV"),
        ("Eindhoven", "5611 AZ"),
        ("Groningen", "9711 LM"),
        ("Haarlem", "2011 RB"),
        ("Nijmegen", "6511 KL"),
    ],
    "PL": [
        ("Warszawa", "00-238"),
        ("Kraków", "31-042"),
        ("Wrocław", "50-077"),
        ("Poznań", "61-772"),
        ("Gdańsk", "80-831"),
        ("Łódź", "90-001"),
        ("Lublin", "20-002"),
        ("Katowice", "40-003"),
    ],
    "SE": [
        ("Stockholm", "114 55"),
        ("Göteborg", "411 38"),
        ("Malmö", "211 22"),
        ("Uppsala", "753 20"),
        ("Lund", "222 21"),
    ],
    "DK": [
        ("København K", "1165"),
        ("Aarhus C", "8000"),
        ("Odense C", "5000"),
        ("Aalborg", "9000"),
        ("Frederiksberg", "2000"),
    ],
    "FI": [
        ("Helsinki", "00100"),
        ("Espoo", "02100"),
        ("Tampere", "33100"),
        ("Turku", "20100"),
        ("Oulu", "90100"),
    ],
    "TR": [
        ("İstanbul", "Kadıköy", "34710"),
        ("Ankara", "Çankaya", "06690"),
        ("İzmir", "Karşıyaka", "35540"),
        ("Bursa", "Nilüfer", "16110"),
        ("Antalya", "Muratpaşa", "07100"),
    ],
    "NO": [("Oslo", "0154"), ("Bergen", "5003"), ("Trondheim", "7011")],
}

STREETS = {
    "US": [
        "Maple Ave",
        "Oak St",
        "Cedar Ln",
        "Lincoln Blvd",
        "Hillcrest Dr",
        "Willow Way",
        "Lakeview Rd",
        "Sunset Ct",
        "Pine St",
        "Washington Ave",
    ],
    "GB": [
        "Mill Lane",
        "Victoria Road",
        "Church Street",
        "Station Road",
        "Kingsway",
        "Albert Terrace",
        "Park Crescent",
        "Queen's Drive",
    ],
    "IE": ["Church Street", "Main Street", "Grattan Road", "Oliver Plunkett St", "Seaview Park"],
    "CA": ["King St W", "Rue Saint-Denis", "Granville St", "Bank St", "17 Ave SW"],
    "AU": ["Smith St", "King St", "Brunswick St", "Oxford St", "Hay St"],
    "IN": [
        "5th Cross, Koramangala",
        "MG Road",
        "Linking Road, Bandra West",
        "Anna Salai",
        "Jubilee Hills Road No. 36",
    ],
    "ZA": ["Long Street", "Jan Smuts Ave", "Florida Road", "Church Street"],
    "FR": [
        "rue des Lilas",
        "avenue Jean Jaurès",
        "boulevard Voltaire",
        "rue de la République",
        "impasse des Tilleuls",
        "rue Victor Hugo",
        "allée des Peupliers",
        "rue du Faubourg Saint-Antoine",
    ],
    "BE": ["Rue de la Loi", "Veldstraat", "Rue Saint-Gilles", "Meir", "Naamsestraat", "Langestraat"],
    "CH": ["Langstrasse", "Bahnhofstrasse", "Rue de Carouge", "Spitalgasse", "Avenue de la Gare"],
    "DE": [
        "Lindenstraße",
        "Hauptstraße",
        "Schillerstraße",
        "Am Mühlbach",
        "Bahnhofstr.",
        "Goethestraße",
        "Kastanienallee",
        "Feldweg",
        "Rosenheimer Str.",
    ],
    "AT": ["Neubaugasse", "Mariahilfer Straße", "Herrengasse", "Landstraßer Hauptstraße", "Getreidegasse"],
    "ES": [
        "Calle de Alcalá",
        "Calle Mayor",
        "Avenida de la Constitución",
        "Carrer de Mallorca",
        "Calle San Fernando",
        "Paseo de la Castellana",
        "Calle Larios",
    ],
    "MX": ["Av. Insurgentes Sur", "Calle Morelos", "Av. Juárez", "Calle Hidalgo"],
    "CL": ["Av. Providencia", "Calle Prat", "Av. Libertador Bernardo O'Higgins"],
    "IT": [
        "Via Garibaldi",
        "Via Roma",
        "Corso Vittorio Emanuele II",
        "Via dei Mille",
        "Viale Europa",
        "Piazza Cavour",
        "Via Mazzini",
    ],
    "PT": [
        "Rua Augusta",
        "Avenida da Liberdade",
        "Rua de Santa Catarina",
        "Rua do Souto",
        "Travessa do Carmo",
    ],
    "BR": [
        "Rua das Flores",
        "Avenida Paulista",
        "Rua Voluntários da Pátria",
        "Rua XV de Novembro",
        "Avenida Boa Viagem",
    ],
    "NL": [
        "Kerkstraat",
        "Prinsengracht",
        "Dorpsstraat",
        "Oudegracht",
        "Laan van Meerdervoort",
        "Stationsweg",
    ],
    "PL": [
        "ul. Długa",
        "ul. Marszałkowska",
        "ul. Floriańska",
        "ul. Piotrkowska",
        "al. Jerozolimskie",
        "ul. Ogrodowa",
        "ul. Słoneczna",
        "os. Kolorowe",
    ],
    "SE": ["Storgatan", "Drottninggatan", "Kungsgatan", "Vasagatan", "Björkvägen"],
    "DK": ["Nørregade", "Vesterbrogade", "Jægergårdsgade", "Østergade", "Strandvejen"],
    "FI": ["Mannerheimintie", "Hämeenkatu", "Aurakatu", "Koivukuja", "Itäinen Pitkäkatu"],
    "TR": ["Bağdat Cad.", "Atatürk Bulvarı", "Cumhuriyet Cad.", "Gazi Mustafa Kemal Bulvarı", "İnönü Sok."],
    "NO": ["Storgata", "Bogstadveien", "Thorvald Meyers gate"],
}

MAIL_DOMAINS = {
    "US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net", "protonmail.com"],
    "GB": ["gmail.com", "btinternet.com", "hotmail.co.uk", "outlook.com", "sky.com"],
    "IE": ["gmail.com", "eircom.net", "hotmail.com"],
    "CA": ["gmail.com", "rogers.com", "videotron.ca", "shaw.ca"],
    "AU": ["gmail.com", "bigpond.com", "optusnet.com.au"],
    "IN": ["gmail.com", "rediffmail.com", "yahoo.co.in"],
    "ZA": ["gmail.com", "mweb.co.za", "telkomsa.net"],
    "FR": ["orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr", "wanadoo.fr"],
    "BE": ["skynet.be", "telenet.be", "gmail.com", "proximus.be"],
    "CH": ["bluewin.ch", "gmx.ch", "gmail.com", "sunrise.ch"],
    "DE": ["web.de", "gmx.de", "t-online.de", "gmail.com", "posteo.de", "freenet.de"],
    "AT": ["gmx.at", "aon.at", "chello.at", "gmail.com"],
    "ES": ["gmail.com", "hotmail.es", "telefonica.net", "yahoo.es", "outlook.es"],
    "MX": ["gmail.com", "hotmail.com", "prodigy.net.mx"],
    "CL": ["gmail.com", "vtr.net"],
    "IT": ["libero.it", "gmail.com", "alice.it", "tiscali.it", "virgilio.it"],
    "PT": ["sapo.pt", "gmail.com", "netcabo.pt"],
    "BR": ["gmail.com", "uol.com.br", "bol.com.br", "terra.com.br", "hotmail.com"],
    "NL": ["ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.nl", "xs4all.nl"],
    "PL": ["wp.pl", "onet.pl", "o2.pl", "gmail.com", "interia.pl"],
    "SE": ["telia.com", "gmail.com", "hotmail.se", "bredband.net"],
    "DK": ["gmail.com", "mail.dk", "hotmail.dk", "live.dk"],
    "FI": ["gmail.com", "elisanet.fi", "kolumbus.fi", "hotmail.fi"],
    "TR": ["gmail.com", "hotmail.com.tr", "yandex.com.tr"],
    "NO": ["online.no", "gmail.com"],
}
COMPANY_DOMAINS = [
    "nordwind-logistik.de",
    "atelier-moreau.fr",
    "bluecrest-health.co.uk",
    "vitalis-clinic.es",
    "studiolegale-ferri.it",
    "kantoor-devries.nl",
    "budmax.com.pl",
    "hollis-partners.com",
    "solvik.se",
    "fjordkraft-hr.no",
    "polar-data.fi",
    "anadolu-tekstil.com.tr",
    "meridian-insure.com",
    "casa-verde.pt",
    "grupo-altamira.mx",
    "kwikfix.co.za",
    "lumen-analytics.io",
    "brightpath.edu",
    "hvidsten-advokat.dk",
    "alpenmed.at",
]

FAKER_LOC = {
    "US": "en_US",
    "GB": "en_GB",
    "IE": "en_IE",
    "CA": "en_CA",
    "AU": "en_AU",
    "IN": "en_IN",
    "ZA": "zu_ZA",
    "FR": "fr_FR",
    "BE": "fr_BE",
    "CH": "de_CH",
    "DE": "de_DE",
    "AT": "de_AT",
    "ES": "es_ES",
    "MX": "es_MX",
    "CL": "es_CL",
    "IT": "it_IT",
    "PT": "pt_PT",
    "BR": "pt_BR",
    "NL": "nl_NL",
    "PL": "pl_PL",
    "SE": "sv_SE",
    "DK": "da_DK",
    "FI": "fi_FI",
    "TR": "tr_TR",
    "NO": "no_NO",
    "RO": "ro_RO",
    "LT": "lt_LT",
    "CZ": "cs_CZ",
    "HR": "hr_HR",
    "SI": "sl_SI",
    "GR": None,
    "BG": None,
    "EE": None,
    "CN": None,
    "KR": None,
    "IS": None,
    "IL": None,
    "MY": None,
}
_FAKERS = {}


def faker_for(cc):
    loc = FAKER_LOC.get(cc)
    if not loc:
        return None
    if loc not in _FAKERS:
        try:
            f = Faker(loc)
        except Exception:
            return None
        f.seed_instance(SEED + len(_FAKERS))
        _FAKERS[loc] = f
    return _FAKERS[loc]


# romanised name pools for cultures Faker renders in other scripts / lacks
EXTRA_NAMES = {
    "CN": (
        ["Wei", "Xiaoling", "Jun", "Mei", "Hao", "Yuting", "Zhiqiang", "Lina"],
        ["Zhang", "Wang", "Li", "Chen", "Liu", "Huang", "Zhou", "Xu"],
    ),
    "KR": (
        ["Minjun", "Seoyeon", "Jiho", "Haeun", "Dohyun", "Yuna", "Sungmin"],
        ["Kim", "Park", "Lee", "Choi", "Jung", "Kang", "Yoon"],
    ),
    "GR": (
        ["Eleni", "Giorgos", "Dimitra", "Nikos", "Katerina", "Yannis"],
        ["Papadopoulos", "Georgiou", "Nikolaidou", "Karagiannis", "Vlachou"],
    ),
    "BG": (
        ["Ivan", "Maria", "Georgi", "Desislava", "Petar", "Radostina"],
        ["Ivanov", "Petrova", "Dimitrov", "Georgieva", "Stoyanov"],
    ),
    "EE": (
        ["Mart", "Kadri", "Tõnu", "Liis", "Rasmus", "Kertu"],
        ["Tamm", "Saar", "Sepp", "Mägi", "Kask", "Rebane"],
    ),
    "IS": (
        ["Guðrún", "Jón", "Sigríður", "Einar", "Helga"],
        ["Jónsdóttir", "Sigurðsson", "Magnúsdóttir", "Einarsson"],
    ),
    "IL": (["Noa", "Yossi", "Tamar", "Eitan", "Shira"], ["Cohen", "Levi", "Mizrahi", "Peretz", "Friedman"]),
    "MY": (
        ["Nurul", "Ahmad", "Siti", "Hafiz", "Mei Ling", "Kumar"],
        ["binti Ismail", "bin Hassan", "Tan", "Lim", "a/l Raman"],
    ),
    "JP": (
        ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina"],
        ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe"],
    ),
    "NG": (
        ["Chinedu", "Ngozi", "Oluwaseun", "Funmilayo", "Emeka", "Adaeze"],
        ["Okafor", "Adeyemi", "Nwosu", "Balogun", "Eze"],
    ),
    "AR": (
        ["Omar", "Layla", "Youssef", "Fatima", "Karim", "Nour"],
        ["Haddad", "El Amrani", "Benali", "Khoury", "Mansour"],
    ),
    "VN": (["Linh", "Minh", "Thao", "Duc", "Huong"], ["Nguyen", "Tran", "Pham", "Le", "Vu"]),
    "UA": (
        ["Oksana", "Taras", "Iryna", "Dmytro", "Yulia"],
        ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko"],
    ),
    "RO": (
        ["Andreea", "Mihai", "Ioana", "Cristian", "Elena"],
        ["Popescu", "Ionescu", "Dumitru", "Stan", "Gheorghe"],
    ),
    "LT": (
        ["Rūta", "Mantas", "Eglė", "Tomas", "Ieva"],
        ["Kazlauskas", "Petrauskaitė", "Jankauskas", "Stankevičienė"],
    ),
}


# ---------------------------------------------------------------- phones
def _d(n):
    return rdig(n)


def phone_for(cc, intl=None):
    if intl is None:
        intl = chance(0.3)
    nz = lambda: str(R.randint(2, 9))
    if cc in ("US", "CA"):
        area = (
            ch(["512", "217", "503", "614", "919", "520", "608", "518"])
            if cc == "US"
            else ch(["416", "514", "604", "613", "403"])
        )
        a, b = nz() + _d(2), _d(4)
        return (
            ch([f"+1 {area}-{a}-{b}", f"+1 ({area}) {a}-{b}"])
            if intl
            else ch([f"({area}) {a}-{b}", f"{area}-{a}-{b}", f"{area}.{a}.{b}"])
        )
    if cc == "GB":
        m = "7" + ch(["4", "5", "7", "8", "9"]) + _d(2)
        return (
            f"+44 {m} {_d(6)}"
            if intl
            else ch([f"0{m} {_d(6)}", f"020 {nz()}{_d(3)} {_d(4)}", f"0113 {nz()}{_d(2)} {_d(4)}"])
        )
    if cc == "IE":
        return f"+353 8{ch('35679')} {_d(3)} {_d(4)}" if intl else f"08{ch('35679')} {_d(3)} {_d(4)}"
    if cc == "AU":
        return (
            f"+61 4{_d(2)} {_d(3)} {_d(3)}"
            if intl
            else ch([f"04{_d(2)} {_d(3)} {_d(3)}", f"(02) {nz()}{_d(3)} {_d(4)}"])
        )
    if cc == "IN":
        return f"+91 {ch('6789')}{_d(4)} {_d(5)}" if intl else f"0{ch('6789')}{_d(4)} {_d(5)}"
    if cc == "ZA":
        return (
            f"+27 {ch(['82', '83', '72', '76'])} {_d(3)} {_d(4)}"
            if intl
            else f"0{ch(['82', '83', '72', '76'])} {_d(3)} {_d(4)}"
        )
    if cc == "FR":
        p = ch("67")
        g = " ".join(_d(2) for _ in range(4))
        return (
            f"+33 {p} {g}"
            if intl
            else ch([f"0{p} {g}", f"0{p}.{g.replace(' ', '.')}", f"01 {g}", f"0{p}{g.replace(' ', '')}"])
        )
    if cc == "BE":
        return (
            f"+32 4{ch('789')}{_d(1)} {_d(2)} {_d(2)} {_d(2)}"
            if intl
            else ch([f"04{ch('789')}{_d(1)} {_d(2)} {_d(2)} {_d(2)}", f"02 {_d(3)} {_d(2)} {_d(2)}"])
        )
    if cc == "CH":
        return (
            f"+41 7{ch('6789')} {_d(3)} {_d(2)} {_d(2)}"
            if intl
            else f"07{ch('6789')} {_d(3)} {_d(2)} {_d(2)}"
        )
    if cc == "DE":
        m = ch(["151", "152", "160", "170", "171", "176", "157", "162"])
        return (
            ch([f"+49 {m} {_d(8)}", f"+49 (0){m} {_d(7)}"])
            if intl
            else ch(
                [f"0{m} {_d(8)}", f"0{m}/{_d(7)}", f"030 {_d(8)}", f"089 {_d(3)} {_d(4)}", f"0221-{_d(6)}"]
            )
        )
    if cc == "AT":
        return (
            f"+43 6{ch(['64', '60', '99', '76'])} {_d(7)}"
            if intl
            else ch([f"06{ch(['64', '60', '99', '76'])} {_d(7)}", f"01 {_d(3)} {_d(4)}"])
        )
    if cc == "ES":
        return (
            f"+34 6{_d(2)} {_d(2)} {_d(2)} {_d(2)}"
            if intl
            else ch([f"6{_d(2)} {_d(3)} {_d(3)}", f"91 {_d(3)} {_d(2)} {_d(2)}", f"6{_d(8)}"])
        )
    if cc == "MX":
        return f"+52 55 {_d(4)} {_d(4)}" if intl else ch([f"55 {_d(4)} {_d(4)}", f"33 {_d(4)} {_d(4)}"])
    if cc == "CL":
        return f"+56 9 {_d(4)} {_d(4)}"
    if cc == "IT":
        m = "3" + ch(["33", "47", "49", "38", "20", "40"])
        return (
            f"+39 {m} {_d(7)}"
            if intl
            else ch([f"{m} {_d(3)} {_d(4)}", f"{m} {_d(7)}", f"02 {_d(4)} {_d(4)}", f"06 {_d(8)}"])
        )
    if cc == "PT":
        return (
            f"+351 9{ch('1236')}{_d(1)} {_d(3)} {_d(3)}" if intl else f"9{ch('1236')}{_d(1)} {_d(3)} {_d(3)}"
        )
    if cc == "BR":
        dd = ch(["11", "21", "31", "41", "81", "51"])
        return (
            f"+55 {dd} 9{_d(4)}-{_d(4)}"
            if intl
            else ch([f"({dd}) 9{_d(4)}-{_d(4)}", f"({dd}) 9 {_d(4)}-{_d(4)}"])
        )
    if cc == "NL":
        return (
            f"+31 6 {_d(8)}"
            if intl
            else ch(
                [
                    f"06-{_d(8)}",
                    f"06 {_d(2)} {_d(2)} {_d(2)} {_d(2)}",
                    f"020-{nz()}{_d(6)}",
                    f"030 {nz()}{_d(2)} {_d(4)}",
                ]
            )
        )
    if cc == "PL":
        m = ch("5678") + _d(2)
        return (
            f"+48 {m} {_d(3)} {_d(3)}"
            if intl
            else ch([f"{m} {_d(3)} {_d(3)}", f"{m}-{_d(3)}-{_d(3)}", f"22 {_d(3)} {_d(2)} {_d(2)}"])
        )
    if cc == "SE":
        return (
            f"+46 7{ch('0236')} {_d(3)} {_d(2)} {_d(2)}"
            if intl
            else ch([f"07{ch('0236')}-{_d(3)} {_d(2)} {_d(2)}", f"08-{_d(3)} {_d(2)} {_d(2)}"])
        )
    if cc == "DK":
        g = " ".join(_d(2) for _ in range(3))
        return f"+45 {ch('2345')}{_d(1)} {g}" if intl else f"{ch('2345')}{_d(1)} {g}"
    if cc == "FI":
        return (
            f"+358 4{ch('0145')} {_d(3)} {_d(4)}"
            if intl
            else ch([f"04{ch('0145')} {_d(3)} {_d(4)}", f"050 {_d(3)} {_d(4)}"])
        )
    if cc == "TR":
        return (
            f"+90 5{ch('345')}{_d(1)} {_d(3)} {_d(2)} {_d(2)}"
            if intl
            else f"05{ch('345')}{_d(1)} {_d(3)} {_d(2)} {_d(2)}"
        )
    if cc == "NO":
        return f"+47 {ch('49')}{_d(2)} {_d(2)} {_d(3)}" if intl else f"{ch('49')}{_d(2)} {_d(2)} {_d(3)}"
    return f"+{R.randint(30, 99)} {_d(3)} {_d(3)} {_d(3)}"


# ---------------------------------------------------------------- dates of birth
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "it": [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    "pt": [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "pl": [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
    "sv": [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "da": [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "fi": [
        "tammikuuta",
        "helmikuuta",
        "maaliskuuta",
        "huhtikuuta",
        "toukokuuta",
        "kesäkuuta",
        "heinäkuuta",
        "elokuuta",
        "syyskuuta",
        "lokakuuta",
        "marraskuuta",
        "joulukuuta",
    ],
    "tr": [
        "Ocak",
        "Şubat",
        "Mart",
        "Nisan",
        "Mayıs",
        "Haziran",
        "Temmuz",
        "Ağustos",
        "Eylül",
        "Ekim",
        "Kasım",
        "Aralık",
    ],
}


def dob_num(lang, d, cc=None):
    if lang == "en":
        return d.strftime("%m/%d/%Y") if cc == "US" else d.strftime(ch(["%d/%m/%Y", "%d/%m/%Y", "%Y-%m-%d"]))
    if lang in ("fr", "es", "it", "pt"):
        return d.strftime("%d/%m/%Y")
    if lang in ("de", "pl", "tr"):
        return d.strftime("%d.%m.%Y")
    if lang == "nl":
        return d.strftime(ch(["%d-%m-%Y", "%d-%m-%Y", "%d/%m/%Y"]))
    if lang == "sv":
        return d.strftime("%Y-%m-%d")
    if lang == "da":
        return d.strftime(ch(["%d-%m-%Y", "%d.%m.%Y"]))
    if lang == "fi":
        return f"{d.day}.{d.month}.{d.year}"
    return d.isoformat()


def dob_words(lang, d):
    m = MONTHS[lang][d.month - 1]
    if lang == "en":
        return ch(
            [
                f"{d.day} {m} {d.year}",
                f"{m} {d.day}, {d.year}",
                f"{d.day}{'th' if 10 < d.day % 100 < 14 or d.day % 10 > 3 or d.day % 10 == 0 else ['', 'st', 'nd', 'rd'][d.day % 10]} of {m} {d.year}",
            ]
        )
    if lang == "fr":
        return f"{'1er' if d.day == 1 else d.day} {m} {d.year}"
    if lang == "de":
        return f"{d.day}. {m} {d.year}"
    if lang in ("es", "pt"):
        return f"{d.day} de {m} de {d.year}"
    if lang == "pl":
        return f"{d.day} {m} {d.year}"
    if lang == "da":
        return f"{d.day}. {m} {d.year}"
    if lang == "fi":
        return f"{d.day}. {m} {d.year}"
    return f"{d.day} {m} {d.year}"


def rand_dob(lo=1944, hi=2006):
    y = R.randint(lo, hi)
    return datetime.date(y, R.randint(1, 12), R.randint(1, 28))


# ---------------------------------------------------------------- persons
LANG_CCS = {
    "en": ["US", "GB", "GB", "US", "IE", "CA", "AU", "IN", "ZA"],
    "fr": ["FR", "FR", "FR", "BE", "CH"],
    "de": ["DE", "DE", "DE", "AT", "CH"],
    "es": ["ES", "ES", "ES", "MX", "CL"],
    "it": ["IT"],
    "pt": ["PT", "BR", "BR"],
    "nl": ["NL", "NL", "NL", "BE"],
    "pl": ["PL"],
    "sv": ["SE"],
    "da": ["DK"],
    "fi": ["FI"],
    "tr": ["TR"],
}
MIGRANT = ["NG", "AR", "VN", "UA", "RO", "CN", "IN", "JP", "TR", "PL", "KR", "GR", "LT"]


class Person:
    def __init__(self, cc, gender=None, name_origin=None, dob=None):
        self.cc = cc
        self.gender = gender or ch("mf")
        origin = name_origin or (ch(MIGRANT) if chance(0.15) else cc)
        self.origin = origin
        first = last = None
        f = faker_for(origin) if origin not in EXTRA_NAMES else None
        if f is not None:
            try:
                first = f.first_name_male() if self.gender == "m" else f.first_name_female()
                last = f.last_name()
            except Exception:
                first = None
        if first is None:
            pool = EXTRA_NAMES.get(origin) or EXTRA_NAMES["NG"]
            first, last = ch(pool[0]), ch(pool[1])
        if origin == "PL" and self.gender == "f" and last.endswith("ski"):
            last = last[:-1] + "a"
        if origin == "PL" and self.gender == "f" and last.endswith("cki"):
            last = last[:-1] + "a"
        self.first, self.last = first, last
        self.full = f"{first} {last}"
        self.dob = dob or rand_dob()
        # address
        c = ch(CITIES.get(cc, CITIES["DE"]))
        self.city = c[0]
        self.street_name = ch(STREETS.get(cc, STREETS["DE"]))
        self._mk_addr(cc, c)
        self.phone = phone_for(cc)
        self.mobile_intl = phone_for(cc, intl=True)
        self.email = self._mk_email()
        self.username = self._mk_user()

    def _mk_addr(self, cc, c):
        n = str(R.randint(1, 180))
        st = self.street_name
        if cc == "US":
            self.street = f"{R.randint(100, 9899)} {st}" + (
                f", Apt {R.randint(1, 40)}{ch('ABCD')}" if chance(0.3) else ""
            )
            self.postcode, self.region = c[2], c[1]
            self.addr = f"{self.street}, {c[0]}, {c[1]} {c[2]}"
        elif cc in ("GB", "IE"):
            self.street = (f"Flat {R.randint(1, 12)}, " if chance(0.25) else "") + f"{n} {st}"
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[0]} {c[1]}"
        elif cc in ("CA", "AU"):
            self.street = f"{R.randint(1, 999)} {st}" if cc == "CA" else f"{n} {st}"
            self.postcode = c[2]
            self.addr = (
                f"{self.street}, {c[0]}, {c[1]} {c[2]}"
                if cc == "CA"
                else f"{self.street}, {c[0]} {c[1]} {c[2]}"
            )
        elif cc == "IN":
            self.street = f"Flat {R.randint(101, 904)}, {ch(['Sai Residency', 'Green Glen Apts', 'Prestige Lakeside', 'Shanti Niwas'])}, {st}"
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[0]} {c[1]}"
        elif cc == "ZA":
            self.street = f"{n} {st}"
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[0]}, {c[1]}"
        elif cc in ("FR",):
            self.street = f"{n}{ch(['', '', '', ' bis'])} {st}"
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]}"
        elif cc == "MX":
            self.street = (
                f"{st} {R.randint(10, 2500)}, Col. {ch(['Del Valle', 'Roma Norte', 'Centro', 'Americana'])}"
            )
            self.postcode = c[2]
            self.addr = f"{self.street}, {c[2]} {c[0]}, {c[1]}"
        elif cc == "CL":
            self.street = f"{st} {R.randint(100, 3000)}" + (
                f", depto {R.randint(11, 1204)}" if chance(0.5) else ""
            )
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[0]}"
        elif cc == "IT":
            self.street = f"{st} {n}" if chance(0.5) else f"{st}, {n}"
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]} ({c[2]})"
        elif cc == "ES":
            self.street = f"{st} {n}" + (f", {R.randint(1, 8)}º {ch('ABCD')}" if chance(0.6) else "")
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]}"
        elif cc == "PT":
            self.street = f"{st} {n}" + (
                f", {R.randint(1, 6)}º {ch(['Esq.', 'Dto.'])}" if chance(0.5) else ""
            )
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]}"
        elif cc == "BR":
            self.street = f"{st}, {R.randint(10, 2999)}" + (
                f", apto {R.randint(11, 1802)}" if chance(0.5) else ""
            )
            self.postcode = c[2]
            self.addr = f"{self.street} - {ch(['Centro', 'Jardins', 'Boa Viagem', 'Savassi', 'Batel'])}, {c[0]} - {c[1]}, {c[2]}"
        elif cc == "PL":
            self.street = f"{st} {n}" + (f"/{R.randint(1, 60)}" if chance(0.6) else "")
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]}"
        elif cc == "DK":
            self.street = f"{st} {n}" + (
                f", {R.randint(1, 5)}. {ch(['tv', 'th', 'mf'])}" if chance(0.5) else ""
            )
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]}"
        elif cc == "FI":
            self.street = f"{st} {n}" + (f" {ch('ABC')} {R.randint(1, 40)}" if chance(0.6) else "")
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]}"
        elif cc == "TR":
            self.street = f"{st} No: {n}" + (f" D: {R.randint(1, 20)}" if chance(0.7) else "")
            self.postcode = c[2]
            self.addr = f"{ch(['Caferağa Mah.', 'Kızılay Mah.', 'Bostanlı Mah.', 'Ataevler Mah.'])} {self.street}, {c[2]} {c[1]}/{c[0]}"
        elif cc == "NL":
            self.street = f"{st} {n}" + (ch(["-2", "-3", "A", " bis", "-hs"]) if chance(0.3) else "")
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]}"
        elif cc == "AT":
            self.street = f"{st} {n}" + (f"/{R.randint(1, 30)}" if chance(0.6) else "")
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]}"
        else:  # DE, CH, BE, SE, NO ...
            self.street = f"{st} {n}{ch(['', '', '', 'a', 'b'])}"
            self.postcode = c[1]
            self.addr = f"{self.street}, {c[1]} {c[0]}"

    def _mk_email(self, domain=None):
        fi, la = slug(self.first.split()[0]), slug(self.last.split()[-1])
        y = str(self.dob.year)
        local = ch(
            [
                f"{fi}.{la}",
                f"{fi[0]}.{la}",
                f"{fi}{la}{y[2:]}",
                f"{la}.{fi}",
                f"{fi}_{la}",
                f"{fi}{R.randint(1, 99)}",
                f"{fi[0]}{la}",
                f"{la}{fi[0]}{y}",
                f"{fi}.{la}{R.randint(1, 9)}",
            ]
        )
        dom = domain or ch(MAIL_DOMAINS.get(self.cc, MAIL_DOMAINS["US"]))
        return f"{local}@{dom}"

    def work_email(self, domain=None):
        fi, la = slug(self.first.split()[0]), slug(self.last.split()[-1])
        dom = domain or ch(COMPANY_DOMAINS)
        return ch([f"{fi}.{la}@{dom}", f"{fi[0]}{la}@{dom}", f"{fi[0]}.{la}@{dom}"])

    def _mk_user(self):
        fi, la = slug(self.first.split()[0]), slug(self.last.split()[-1])
        return ch(
            [
                f"{fi}.{la}",
                f"{fi[0]}{la}",
                f"{fi}_{la[:3]}{R.randint(1, 99)}",
                f"{la}{fi[0]}",
                f"{fi}{la[0]}{R.randint(70, 99)}",
                f"{fi[:3]}{la[:3]}",
                f"{fi}.{la[0]}",
                f"{fi}-{R.randint(100, 999)}",
            ]
        )

    @property
    def age(self):
        return 2025 - self.dob.year


def person(lang_or_cc, **kw):
    cc = ch(LANG_CCS[lang_or_cc]) if lang_or_cc in LANG_CCS else lang_or_cc
    return Person(cc, **kw)


# ---------------------------------------------------------------- national ids
def _stdnum_modules():
    from stdnum.at import vnr
    from stdnum.au import tfn
    from stdnum.be import nn
    from stdnum.bg import egn
    from stdnum.br import cpf
    from stdnum.ca import sin
    from stdnum.ch import ssn as ch_ssn
    from stdnum.cl import rut
    from stdnum.cn import ric
    from stdnum.cz import rc as cz_rc
    from stdnum.de import idnr as de_idnr
    from stdnum.dk import cpr
    from stdnum.ee import ik
    from stdnum.es import dni, nie
    from stdnum.fi import hetu
    from stdnum.fr import nir
    from stdnum.gr import amka
    from stdnum.hr import oib
    from stdnum.ie import pps
    from stdnum.il import idnr as il_idnr
    from stdnum.in_ import aadhaar, pan
    from stdnum.is_ import kennitala
    from stdnum.it import codicefiscale
    from stdnum.kr import rrn
    from stdnum.lt import asmens
    from stdnum.mx import curp
    from stdnum.nl import bsn
    from stdnum.no import fodselsnummer
    from stdnum.pl import pesel
    from stdnum.pt import nif as pt_nif
    from stdnum.ro import cnp
    from stdnum.se import personnummer
    from stdnum.tr import tckimlik
    from stdnum.us import ssn as us_ssn
    from stdnum.za import idnr as za_idnr

    return {
        "PL": [pesel],
        "IN": [pan, aadhaar],
        "CA": [sin],
        "NL": [bsn],
        "BR": [cpf],
        "SE": [personnummer],
        "DK": [cpr],
        "FI": [hetu],
        "CN": [ric],
        "KR": [rrn],
        "AU": [tfn],
        "CH": [ch_ssn],
        "ZA": [za_idnr],
        "MX": [curp],
        "CL": [rut],
        "TR": [tckimlik],
        "FR": [nir],
        "DE": [de_idnr],
        "ES": [dni, nie],
        "IT": [codicefiscale],
        "BE": [nn],
        "NO": [fodselsnummer],
        "PT": [pt_nif],
        "IE": [pps],
        "RO": [cnp],
        "BG": [egn],
        "EE": [ik],
        "LT": [asmens],
        "US": [us_ssn],
        "AT": [vnr],
        "CZ": [cz_rc],
        "HR": [oib],
        "IS": [kennitala],
        "IL": [il_idnr],
        "GR": [amka],
    }


_MODS = None


def nid_valid(cc, value):
    global _MODS
    if _MODS is None:
        _MODS = _stdnum_modules()
    return any(m.is_valid(value) for m in _MODS.get(cc, []))


def _complete(cc, prefix, alphabet=DIG, n=1, fmt=None):
    """Find check character(s) that make prefix+check valid for cc."""
    import itertools

    for combo in itertools.product(alphabet, repeat=n):
        cand = prefix + "".join(combo)
        shown = fmt(cand) if fmt else cand
        if nid_valid(cc, shown):
            return shown
    return None


def _yy(d):
    return d.strftime("%y")


def gen_nid(cc, dob=None, gender=None, first="Anna", last="Rossi", kind=None):
    """Return a valid national identifier string (formatted as locals write it)."""
    d = dob or rand_dob()
    g = gender or ch("mf")
    for _ in range(400):
        v = _gen_nid_try(cc, d, g, first, last, kind)
        if v and nid_valid(cc, v):
            return v
        d = rand_dob()
    raise RuntimeError(f"could not generate id for {cc}")


def _gen_nid_try(cc, d, g, first, last, kind):
    male = g == "m"
    if cc == "PL":
        mm = d.month + (20 if d.year >= 2000 else 0)
        sex = ch("13579") if male else ch("02468")
        return _complete(cc, f"{_yy(d)}{mm:02d}{d.day:02d}{rdig(3)}{sex}")
    if cc == "IN":
        if kind == "aadhaar" or (kind is None and chance(0.5)):
            raw = _complete(cc, ch("23456789") + rdig(10))
            return f"{raw[:4]} {raw[4:8]} {raw[8:]}" if raw and chance(0.7) else raw
        L5 = (
            "".join(R.choice(string.ascii_uppercase) for _ in range(3)) + "P" + strip_accents(last)[0].upper()
        )
        return f"{L5}{rdig(4)}{R.choice(string.ascii_uppercase)}"
    if cc == "CA":
        raw = _complete(cc, ch("1234567") + rdig(7))
        return (
            ch([f"{raw[:3]} {raw[3:6]} {raw[6:]}", f"{raw[:3]}-{raw[3:6]}-{raw[6:]}", raw]) if raw else None
        )
    if cc == "NL":
        raw = _complete(cc, ch("123456") + rdig(7))
        return ch([raw, raw, f"{raw[:4]}.{raw[4:6]}.{raw[6:]}"]) if raw else None
    if cc == "BR":
        raw = _complete(cc, rdig(9), n=2)
        return (
            ch(
                [
                    f"{raw[:3]}.{raw[3:6]}.{raw[6:9]}-{raw[9:]}",
                    f"{raw[:3]}.{raw[3:6]}.{raw[6:9]}-{raw[9:]}",
                    raw,
                ]
            )
            if raw
            else None
        )
    if cc == "SE":
        raw = _complete(cc, d.strftime("%y%m%d") + rdig(3), fmt=lambda c: c[:6] + "-" + c[6:])
        if raw and chance(0.3):
            raw = str(d.year)[:2] + raw
        return raw
    if cc == "DK":
        y7 = ch("0123") if d.year < 2000 else ch("4")
        return f"{d.strftime('%d%m%y')}-{y7}{rdig(3)}"
    if cc == "FI":
        sign = "-" if d.year < 2000 else "A"
        return _complete(
            cc,
            f"{d.strftime('%d%m%y')}{sign}{R.randint(2, 899):03d}",
            alphabet="0123456789ABCDEFHJKLMNPRSTUVWXY",
        )
    if cc == "CN":
        area = ch(["110101", "310104", "440305", "330106", "510104", "420102", "320102"])
        seq = R.randint(0, 99) * 10 + (ch([1, 3, 5, 7, 9]) if male else ch([0, 2, 4, 6, 8]))
        return _complete(cc, f"{area}{d.strftime('%Y%m%d')}{seq:03d}", alphabet=DIG + "X")
    if cc == "KR":
        gd = ("1" if male else "2") if d.year < 2000 else ("3" if male else "4")
        return _complete(
            cc,
            f"{d.strftime('%y%m%d')}{gd}{rdig(1)}{R.randint(0, 96):02d}{rdig(2)}",
            fmt=lambda c: c[:6] + "-" + c[6:],
        )
    if cc == "AU":
        raw = _complete(cc, ch("1234678") + rdig(7))
        return f"{raw[:3]} {raw[3:6]} {raw[6:]}" if raw and chance(0.6) else raw
    if cc == "CH":
        return _complete(cc, "756" + rdig(9), fmt=lambda c: f"{c[:3]}.{c[3:7]}.{c[7:11]}.{c[11:]}")
    if cc == "ZA":
        s = R.randint(5000, 9999) if male else R.randint(0, 4999)
        return _complete(cc, f"{d.strftime('%y%m%d')}{s:04d}{ch('00001')}8")
    if cc == "MX":
        cons = "BCDFGHJKLMNPQRSTVWXYZ"
        up = lambda s: strip_accents(s).upper().replace(" ", "")
        l1 = up(last) + "XX"
        ln2 = up(ch(["García", "López", "Hernández", "Martínez", "Ramírez", "Torres", "Flores", "Vargas"]))
        fn = up(first) + "XX"
        v = next((c for c in l1[1:] if c in "AEIOU"), "X")
        c1 = next((c for c in l1[1:] if c in cons), "X")
        c2 = next((c for c in ln2[1:] if c in cons), "X")
        c3 = next((c for c in fn[1:] if c in cons), "X")
        state = ch(["DF", "JC", "NL", "PL", "MC", "VZ", "GT"])
        diff = R.choice(DIG) if d.year < 2000 else R.choice("ABC")
        return _complete(
            cc,
            f"{l1[0]}{v}{ln2[0]}{fn[0]}{d.strftime('%y%m%d')}{'H' if male else 'M'}{state}{c1}{c2}{c3}{diff}",
        )
    if cc == "CL":
        body = str(R.randint(7_000_000, 24_999_999))
        raw = _complete(cc, body, alphabet=DIG + "K")
        if raw:
            b, c = raw[:-1], raw[-1]
            return ch([f"{int(b):,}".replace(",", ".") + f"-{c}", f"{b}-{c}"])
        return None
    if cc == "TR":
        return _complete(cc, ch("123456789") + rdig(8), n=2)
    if cc == "FR":
        dept = ch(["75", "69", "13", "31", "44", "59", "33", "67", "35", "34", "92", "93", "01", "99"])
        body = (
            f"{'1' if male else '2'}{_yy(d)}{d.month:02d}{dept}{R.randint(1, 990):03d}{R.randint(1, 999):03d}"
        )
        key = 97 - int(body) % 97
        raw = f"{body}{key:02d}"
        return ch([raw, f"{raw[0]} {raw[1:3]} {raw[3:5]} {raw[5:7]} {raw[7:10]} {raw[10:13]} {raw[13:]}"])
    if cc == "DE":
        for _ in range(2000):
            digits = [R.choice("123456789")] + [R.choice(DIG) for _ in range(9)]
            if len(set(digits)) not in (8, 9):
                continue
            cand = _complete(cc, "".join(digits))
            if cand:
                return ch([cand, f"{cand[:2]} {cand[2:5]} {cand[5:8]} {cand[8:]}"])
        return None
    if cc == "ES":
        letters = "TRWAGMYFPDXBNJZSQVHLCKE"
        if kind == "nie" or (kind is None and chance(0.3)):
            p = ch("XYZ")
            num = rdig(7)
            n = int({"X": "0", "Y": "1", "Z": "2"}[p] + num)
            return f"{p}{num}{letters[n % 23]}" if chance(0.7) else f"{p}-{num}-{letters[n % 23]}"
        num = f"{R.randint(10_000_000, 79_999_999)}"
        return f"{num}{letters[int(num) % 23]}" if chance(0.75) else f"{num}-{letters[int(num) % 23]}"
    if cc == "IT":

        def code(s, is_name):
            s = strip_accents(s).upper().replace(" ", "").replace("'", "")
            cs = [c for c in s if c.isalpha() and c not in "AEIOU"]
            vs = [c for c in s if c in "AEIOU"]
            if is_name and len(cs) >= 4:
                cs = [cs[0], cs[2], cs[3]]
            return "".join((cs + vs + ["X", "X", "X"])[:3])

        mon = "ABCDEHLMPRST"[d.month - 1]
        day = d.day + (0 if male else 40)
        muni = ch(["H501", "F205", "L219", "A944", "F839", "D612", "G273", "L781"])
        return _complete(
            cc,
            f"{code(last, False)}{code(first, True)}{_yy(d)}{mon}{day:02d}{muni}",
            alphabet=string.ascii_uppercase,
        )
    if cc == "BE":
        ser = R.randint(1, 997)
        ser = ser if (ser % 2 == 1) == male else ser + 1
        base = f"{d.strftime('%y%m%d')}{ser:03d}"
        num = int(("2" + base) if d.year >= 2000 else base)
        raw = f"{base}{97 - num % 97:02d}"
        return ch([raw, f"{raw[:2]}.{raw[2:4]}.{raw[4:6]}-{raw[6:9]}.{raw[9:]}"])
    if cc == "NO":
        ind = R.randint(0, 499) if d.year < 2000 else R.randint(500, 999)
        return _complete(cc, f"{d.strftime('%d%m%y')}{ind:03d}", n=2)
    if cc == "PT":
        return _complete(cc, ch("123") + rdig(7))
    if cc == "IE":
        raw = _complete(cc, rdig(7), alphabet="ABCDEFGHIJKLMNOPQRSTUVW")
        if raw and chance(0.3):
            alt = _complete(cc, raw[:7], alphabet="ABCDEFGHIJKLMNOPQRSTUVW", n=2)
            if alt and alt[-1] in "AWTX":
                return alt
        return raw
    if cc == "RO":
        s = ("1" if male else "2") if d.year < 2000 else ("5" if male else "6")
        return _complete(cc, f"{s}{d.strftime('%y%m%d')}{R.randint(1, 46):02d}{R.randint(1, 999):03d}")
    if cc == "BG":
        mm = d.month + (40 if d.year >= 2000 else 0)
        ser = R.randint(0, 99) * 10 + (R.choice([0, 2, 4, 6, 8]) if male else R.choice([1, 3, 5, 7, 9]))
        return _complete(cc, f"{_yy(d)}{mm:02d}{d.day:02d}{ser:03d}")
    if cc in ("EE", "LT"):
        s = ("3" if male else "4") if d.year < 2000 else ("5" if male else "6")
        return _complete(cc, f"{s}{d.strftime('%y%m%d')}{R.randint(0, 999):03d}")
    if cc == "US":
        area = R.randint(1, 899)
        if area == 666:
            area = 667
        raw = f"{area:03d}{R.randint(1, 99):02d}{R.randint(1, 9999):04d}"
        return ch(
            [
                f"{raw[:3]}-{raw[3:5]}-{raw[5:]}",
                f"{raw[:3]}-{raw[3:5]}-{raw[5:]}",
                f"{raw[:3]} {raw[3:5]} {raw[5:]}",
                raw,
            ]
        )
    if cc == "AT":
        for _ in range(50):
            # vnr: SSS C DDMMYY, check digit in 4th place -> brute on that digit
            pre = f"{R.randint(100, 999)}"
            for c in DIG:
                cand = f"{pre}{c}{d.strftime('%d%m%y')}"
                if nid_valid(cc, cand):
                    return ch([cand, f"{cand[:4]} {cand[4:]}"])
        return None
    if cc == "CZ":
        mm = d.month + (0 if male else 50)
        if d.year < 1954:
            d = datetime.date(1960 + R.randint(0, 40), d.month, d.day)
        body = f"{_yy(d)}{mm:02d}{d.day:02d}{rdig(3)}"
        for c in DIG:
            cand = f"{body}{c}"
            if int(cand) % 11 == 0 and nid_valid(cc, cand):
                return ch([cand, f"{cand[:6]}/{cand[6:]}"])
        return None
    if cc == "HR":
        return _complete(cc, ch("123456789") + rdig(9))
    if cc == "IS":
        cent = "9" if d.year < 2000 else "0"
        return _complete(
            cc, f"{d.strftime('%d%m%y')}{R.randint(20, 99):02d}", fmt=lambda c: f"{c[:6]}-{c[6:]}{cent}"
        )
    if cc == "IL":
        return _complete(cc, rdig(8))
    if cc == "GR":
        return _complete(cc, f"{d.strftime('%d%m%y')}{rdig(4)}")
    raise KeyError(cc)


NID_LABEL = {  # local label(s) people write next to the number
    "PL": ["PESEL", "nr PESEL", "PESEL:"],
    "IN": ["PAN", "Aadhaar", "Aadhaar no."],
    "CA": ["SIN", "Social Insurance Number", "NAS"],
    "NL": ["BSN", "burgerservicenummer", "BSN-nummer"],
    "BR": ["CPF", "CPF nº"],
    "SE": ["Personnummer", "personnr"],
    "DK": ["CPR-nummer", "CPR", "cpr-nr."],
    "FI": ["henkilötunnus", "HETU", "hetu"],
    "CN": ["身份证号", "Resident ID", "ID card no."],
    "KR": ["주민등록번호", "RRN"],
    "AU": ["TFN", "Tax File Number"],
    "CH": ["AHV-Nr.", "AHV-Nummer", "N° AVS"],
    "ZA": ["ID number", "SA ID"],
    "MX": ["CURP"],
    "CL": ["RUT", "RUN"],
    "TR": ["TC Kimlik No", "T.C. Kimlik Numarası", "TCKN"],
    "FR": ["numéro de sécurité sociale", "NIR", "n° SS"],
    "DE": ["Steuer-ID", "Steuerliche Identifikationsnummer", "IdNr"],
    "ES": ["DNI", "NIE", "NIF"],
    "IT": ["codice fiscale", "C.F.", "CF"],
    "BE": ["numéro de registre national", "rijksregisternummer", "NN"],
    "NO": ["fødselsnummer", "fnr."],
    "PT": ["NIF", "contribuinte nº"],
    "IE": ["PPS number", "PPSN"],
    "RO": ["CNP"],
    "BG": ["ЕГН", "EGN"],
    "EE": ["isikukood", "personal code"],
    "LT": ["asmens kodas"],
    "US": ["SSN", "Social Security #", "social"],
    "AT": ["SV-Nummer", "Sozialversicherungsnummer"],
    "CZ": ["rodné číslo", "RČ"],
    "HR": ["OIB"],
    "IS": ["kennitala", "kt."],
    "IL": ["Teudat Zehut", "ID no."],
    "GR": ["AMKA", "ΑΜΚΑ"],
}

# ---------------------------------------------------------------- finance
IBAN_FMT = {
    "DE": ("n", 18),
    "FR": ("n", 23),
    "ES": ("n", 20),
    "IT": ("it", 23),
    "PT": ("n", 21),
    "NL": ("nl", 14),
    "PL": ("n", 24),
    "BE": ("n", 12),
    "SE": ("n", 20),
    "DK": ("n", 14),
    "FI": ("n", 14),
    "TR": ("tr", 22),
    "CH": ("n", 17),
    "AT": ("n", 16),
    "IE": ("gb", 18),
    "GB": ("gb", 18),
    "NO": ("n", 11),
    "BR": ("br", 25),
    "RO": ("ro", 20),
}


def gen_iban(cc, spaced=None):
    from stdnum import iban as stdiban

    kind, n = IBAN_FMT.get(cc, ("n", 18))
    for _ in range(20000):
        if kind == "n":
            bban = rdig(n)
        elif kind == "it":
            bban = R.choice(string.ascii_uppercase) + rdig(22)
        elif kind == "nl":
            bban = ch(["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB"]) + rdig(10)
        elif kind == "gb":
            bban = ch(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"] if cc == "GB" else ["AIBK", "BOFI"]) + rdig(14)
        elif kind == "tr":
            bban = rdig(5) + "0" + rdig(16)
        elif kind == "br":
            bban = rdig(23) + "C1"
        elif kind == "ro":
            bban = ch(["BTRL", "RNCB", "BRDE", "INGB"]) + rdig(16)
        raw = cc + "00" + bban
        rearr = bban + cc + "00"
        num = int("".join(str(int(c, 36)) for c in rearr))
        chk = 98 - num % 97
        ib = f"{cc}{chk:02d}{bban}"
        if stdiban.is_valid(ib):
            sp = chance(0.6) if spaced is None else spaced
            return " ".join(ib[i : i + 4] for i in range(0, len(ib), 4)) if sp else ib
    raise RuntimeError(cc)


def luhn_complete(prefix):
    for c in DIG:
        s = prefix + c
        tot = 0
        for i, ch_ in enumerate(reversed(s)):
            d = int(ch_)
            if i % 2 == 1:
                d *= 2
                if d > 9:
                    d -= 9
            tot += d
        if tot % 10 == 0:
            return s


def gen_card(brand=None, spaced=None):
    brand = brand or ch(["visa", "visa", "mc", "mc", "amex", "maestro"])
    if brand == "visa":
        n = luhn_complete("4" + rdig(14))
    elif brand == "mc":
        n = luhn_complete(ch(["51", "52", "53", "54", "55"]) + rdig(13))
    elif brand == "amex":
        n = luhn_complete(ch(["34", "37"]) + rdig(12))
        sp = chance(0.7) if spaced is None else spaced
        return f"{n[:4]} {n[4:10]} {n[10:]}" if sp else n
    else:
        n = luhn_complete("6759" + rdig(11))
    sp = chance(0.7) if spaced is None else spaced
    if sp:
        sep = ch([" ", " ", "-"])
        return sep.join(n[i : i + 4] for i in range(0, 16, 4))
    return n


def gen_passport(cc):
    A = string.ascii_uppercase
    if cc == "DE":
        return "".join(R.choice("CFGHJKLMNPRTVWXYZ") for _ in range(1)) + "".join(
            R.choice("CFGHJKLMNPRTVWXYZ0123456789") for _ in range(8)
        )
    if cc == "FR":
        return f"{R.randint(10, 24)}{R.choice(A)}{R.choice(A)}{rdig(5)}"
    if cc in ("US", "GB", "SE", "DK", "FI", "NO"):
        return rdig(9) if cc in ("US", "GB") else rdig(8)
    if cc == "PL":
        return f"{R.choice(A)}{R.choice(A)}{rdig(7)}"
    if cc == "IT":
        return f"Y{R.choice(A)}{rdig(7)}"
    if cc == "ES":
        return f"{R.choice(['PA', 'PAA', 'AAB', 'XDA'])}{rdig(6)}"
    if cc == "NL":
        return (
            "".join(R.choice(A) for _ in range(2))
            + "".join(R.choice(A + DIG) for _ in range(6))
            + R.choice(DIG)
        )
    if cc in ("BR", "PT"):
        return f"{R.choice(A)}{R.choice(A)}{rdig(6)}" if cc == "BR" else f"{R.choice('CPN')}{rdig(6)}"
    if cc == "TR":
        return f"U{rdig(8)}"
    if cc == "IN":
        return f"{R.choice(A)}{rdig(7)}"
    return f"{R.choice(A)}{rdig(8)}"


def gen_dl(cc, p=None):
    A = string.ascii_uppercase
    if cc == "GB" and p is not None:
        sur = (strip_accents(p.last).upper().replace(" ", "").replace("'", "") + "99999")[:5]
        d = p.dob
        mm = d.month + (50 if p.gender == "f" else 0)
        ini = strip_accents(p.first)[0].upper() + "9"
        return f"{sur}{str(d.year)[2]}{mm:02d}{d.day:02d}{str(d.year)[3]}{ini}{R.choice(DIG)}{R.choice(A)}{R.choice(A)}"
    if cc == "US":
        return ch([f"{R.choice(A)}{rdig(7)}", f"{R.choice(A)}{rdig(3)}-{rdig(4)}-{rdig(4)}", rdig(9)])
    if cc == "DE":
        return f"{R.choice('BJFN')}{rdig(3)}{R.choice(A)}{R.choice(A)}{R.choice(A)}{rdig(1)}{R.choice(A)}{rdig(2)}"
    if cc == "FR":
        return f"{rdig(2)}{R.choice(A)}{R.choice(A)}{rdig(5)}"
    if cc == "PL":
        return f"{rdig(5)}/{rdig(2)}/{rdig(4)}"
    if cc == "IT":
        return f"{R.choice(['U1', 'MI', 'RM', 'TO'])}{rdig(7)}{R.choice(A)}"
    if cc == "NL":
        return rdig(10)
    if cc == "ES":
        return gen_nid("ES", kind="dni")
    return f"{R.choice(A)}{rdig(8)}"


def gen_acct(kind="customer", lang="en"):
    """customer / member / policy / contract numbers in many styles"""
    y = R.randint(2012, 2025)
    styles = {
        "customer": [
            f"C-{rdig(6)}",
            f"KD{rdig(7)}",
            f"{rdig(8)}",
            f"CUST-{y}-{rdig(5)}",
            f"{rdig(3)} {rdig(3)} {rdig(3)}",
            f"K{rdig(6)}",
            f"CL{rdig(6)}",
        ],
        "member": [f"M{rdig(7)}", f"{rdig(4)}-{rdig(4)}", f"MBR{rdig(6)}", f"{rdig(10)}", f"LID-{rdig(5)}"],
        "policy": [
            f"POL-{rdig(8)}",
            f"{R.choice('ABHK')}{rdig(9)}",
            f"{rdig(3)}.{rdig(3)}.{rdig(3)}",
            f"VN-{rdig(4)}-{rdig(6)}",
            f"{y}/{rdig(6)}/{R.choice('AKV')}",
            f"PN{rdig(10)}",
        ],
        "contract": [
            f"CT-{y}-{rdig(5)}",
            f"{rdig(4)}{R.choice(string.ascii_uppercase)}{rdig(5)}",
            f"VTR-{rdig(7)}",
            f"{rdig(12)}",
        ],
        "account": [
            f"{rdig(8)}",
            f"ACC{rdig(9)}",
            f"{rdig(2)}-{rdig(6)}-{rdig(2)}",
            f"{rdig(4)} {rdig(4)} {rdig(2)}",
        ],
        "patient": [
            f"MRN{rdig(7)}",
            f"{rdig(8)}",
            f"PAT-{rdig(6)}",
            f"{R.choice('HKP')}{rdig(7)}",
            f"NHC {rdig(7)}",
        ],
    }
    return ch(styles[kind])


def gen_ip(v6=False):
    if v6 or chance(0.1):
        return (
            "2a02:"
            + ":".join(f"{R.randint(0, 65535):x}" for _ in range(3))
            + "::"
            + f"{R.randint(1, 65535):x}"
        )
    while True:
        a = R.choice(
            [
                31,
                37,
                46,
                62,
                77,
                78,
                79,
                80,
                81,
                83,
                84,
                85,
                86,
                88,
                89,
                90,
                91,
                92,
                93,
                94,
                95,
                109,
                151,
                176,
                178,
                185,
                188,
                193,
                212,
                213,
                217,
                24,
                68,
                73,
                98,
                174,
                189,
                201,
            ]
        )
        return f"{a}.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}"


# ---------------------------------------------------------------- provider tokens (bodies from `secrets`)
_B62_GH = string.digits + string.ascii_uppercase + string.ascii_lowercase


def _b62(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = _B62_GH[r] + out
    return out.rjust(width, "0")


def tk_github(kind=None):
    pre = kind or SR.choice(["ghp_", "ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
    body = tok(B62, 30)
    return pre + body + _b62(zlib.crc32(body.encode()), 6)


def tk_github_pat():
    return "github_pat_11" + tok(string.ascii_uppercase + DIG, 20) + "_" + tok(B62, 59)


def tk_gitlab():
    return SR.choice(["glpat-", "glpat-", "glptt-", "gldt-"]) + tok(B64URL, 20)


def tk_slack(kind=None):
    kind = kind or SR.choice(["xoxb", "xoxp", "xoxb", "xapp", "xoxe"])
    if kind == "xoxb":
        return f"xoxb-{tok(DIG, 12)}-{tok(DIG, 13)}-{tok(B62, 24)}"
    if kind == "xoxp":
        return f"xoxp-{tok(DIG, 12)}-{tok(DIG, 12)}-{tok(DIG, 13)}-{tok(HEX, 32)}"
    if kind == "xapp":
        return f"xapp-1-A{tok(UPD, 10)}-{tok(DIG, 13)}-{tok(HEX, 64)}"
    return f"xoxe.xoxp-1-{tok(B62, 140)}"


def tk_slack_webhook():
    return f"https://hooks.slack.com/services/T{tok(UPD, 8)}/B{tok(UPD, 10)}/{tok(B62, 24)}"


def tk_stripe():
    return SR.choice(
        [
            f"sk_live_51{tok(B62, 97)}",
            f"rk_live_51{tok(B62, 97)}",
            f"sk_live_{tok(B62, 24)}",
            f"whsec_{tok(B62, 32)}",
        ]
    )


def tk_aws():
    return SR.choice(["AKIA", "AKIA", "AKIA", "ASIA"]) + tok(string.ascii_uppercase + "234567", 16), tok(
        B64, 40
    )


def tk_google():
    return "AIza" + tok(B64URL, 35)


def tk_openai():
    return SR.choice(
        [
            f"sk-proj-{tok(B64URL, 74)}T3BlbkFJ{tok(B64URL, 74)}",
            f"sk-{tok(B62, 20)}T3BlbkFJ{tok(B62, 20)}",
            f"sk-svcacct-{tok(B64URL, 74)}T3BlbkFJ{tok(B64URL, 74)}",
        ]
    )


def tk_anthropic():
    return SR.choice(["sk-ant-api03-", "sk-ant-api03-", "sk-ant-admin01-"]) + tok(B64URL, 93) + "AA"


def tk_hf():
    return "hf_" + tok(string.ascii_letters, 34)


def tk_do():
    return SR.choice(["dop_v1_", "dop_v1_", "doo_v1_"]) + tok(HEX, 64)


def tk_shopify():
    return SR.choice(["shpat_", "shpat_", "shpss_", "shpca_"]) + tok(HEX, 32)


def tk_databricks():
    return "dapi" + tok(HEX, 32) + SR.choice(["", "", "-2", "-3"])


def tk_gocspx():
    return "GOCSPX-" + tok(B64URL, 28)


def tk_npm():
    return "npm_" + tok(B62, 36)


def tk_pypi():
    return "pypi-AgEIcHlwaS5vcmc" + tok(B64URL, 160)


def tk_twilio():
    return tok(HEX, 32)


def tk_sendgrid():
    return "SG." + tok(B64URL, 22) + "." + tok(B64URL, 43)


def tk_mailgun():
    return "key-" + tok(HEX, 32)


def tk_telegram():
    return f"{tok(DIG, 10)}:AA{tok(B64URL, 33)}"


def tk_azure_storage():
    return base64.b64encode(SR.randbytes(64)).decode()


def tk_atlassian():
    return "ATATT3xFfGF0" + tok(B64URL, 170) + "=" + tok(HEXU, 8)


def tk_linear():
    return "lin_api_" + tok(B62, 40)


def tk_postman():
    return f"PMAK-{tok(HEX, 24)}-{tok(HEX, 34)}"


def tk_notion():
    return SR.choice([f"secret_{tok(B62, 43)}", f"ntn_{tok(DIG, 11)}{tok(B62, 35)}"])


def tk_figma():
    return "figd_" + tok(B64URL, 40)


def tk_grafana():
    return f"glsa_{tok(B62, 32)}_{tok(HEX, 8)}"


def tk_supabase():
    return "sbp_" + tok(HEX, 40)


def tk_newrelic():
    return "NRAK-" + tok(UPD, 27)


def tk_doppler():
    return "dp.pt." + tok(B62, 43)


def tk_vault():
    return "hvs." + tok(B64URL, 90)


def tk_mapbox():
    return "sk.eyJ1Ijoi" + tok(B64URL, 40) + "." + tok(B64URL, 22)


def tk_square():
    return SR.choice(["EAAA", "sq0atp-"]) + tok(B64URL, 60 if True else 22)


def tk_datadog():
    return tok(HEX, 32)


def tk_pulumi():
    return "pul-" + tok(HEX, 40)


def tk_tfc():
    return f"{tok(B62, 14)}.atlasv1.{tok(B62, 67)}"


def tk_sentry():
    return "sntryu_" + tok(HEX, 64)


def tk_age():
    # bech32 with a proper checksum, HRP 'age-secret-key-'
    CH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

    def polymod(values):
        GEN = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
        chk = 1
        for v in values:
            b = chk >> 25
            chk = (chk & 0x1FFFFFF) << 5 ^ v
            for i in range(5):
                chk ^= GEN[i] if ((b >> i) & 1) else 0
        return chk

    hrp = "age-secret-key-"
    data = SR.randbytes(32)
    acc, bits, five = 0, 0, []
    for b in data:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            five.append((acc >> bits) & 31)
    if bits:
        five.append((acc << (5 - bits)) & 31)
    hv = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]
    pm = polymod(hv + five + [0] * 6) ^ 1
    checks = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return (hrp + "1" + "".join(CH[d] for d in five + checks)).upper()


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def tk_jwt(sub=None, email=None, alg="HS256"):
    hdr = {"alg": alg, "typ": "JWT"}
    if alg.startswith("RS"):
        hdr["kid"] = tok(HEX, 16)
    iat = R.randint(1_730_000_000, 1_760_000_000)
    pl = {"sub": sub or str(R.randint(10000, 999999)), "iat": iat, "exp": iat + ch([900, 3600, 86400])}
    if email:
        pl["email"] = email
    if chance(0.5):
        pl["role"] = ch(["user", "admin", "support", "authenticated"])
    sig = tok(B64URL, 43 if alg == "HS256" else 342)
    return f"{b64url(json.dumps(hdr, separators=(',', ':')).encode())}.{b64url(json.dumps(pl, separators=(',', ':')).encode())}.{sig}"


PROVIDERS = [  # (name, env var, generator)
    ("GitHub", "GITHUB_TOKEN", tk_github),
    ("GitHub", "GH_PAT", tk_github_pat),
    ("GitLab", "GITLAB_TOKEN", tk_gitlab),
    ("Slack", "SLACK_BOT_TOKEN", tk_slack),
    ("Stripe", "STRIPE_SECRET_KEY", tk_stripe),
    ("Google", "GOOGLE_API_KEY", tk_google),
    ("OpenAI", "OPENAI_API_KEY", tk_openai),
    ("Anthropic", "ANTHROPIC_API_KEY", tk_anthropic),
    ("Hugging Face", "HF_TOKEN", tk_hf),
    ("DigitalOcean", "DIGITALOCEAN_TOKEN", tk_do),
    ("Shopify", "SHOPIFY_ACCESS_TOKEN", tk_shopify),
    ("Databricks", "DATABRICKS_TOKEN", tk_databricks),
    ("Google OAuth", "GOOGLE_CLIENT_SECRET", tk_gocspx),
    ("npm", "NPM_TOKEN", tk_npm),
    ("PyPI", "PYPI_API_TOKEN", tk_pypi),
    ("Twilio", "TWILIO_AUTH_TOKEN", tk_twilio),
    ("SendGrid", "SENDGRID_API_KEY", tk_sendgrid),
    ("Mailgun", "MAILGUN_API_KEY", tk_mailgun),
    ("Telegram", "TELEGRAM_BOT_TOKEN", tk_telegram),
    ("Atlassian", "JIRA_API_TOKEN", tk_atlassian),
    ("Linear", "LINEAR_API_KEY", tk_linear),
    ("Postman", "POSTMAN_API_KEY", tk_postman),
    ("Notion", "NOTION_TOKEN", tk_notion),
    ("Figma", "FIGMA_TOKEN", tk_figma),
    ("Grafana", "GRAFANA_SA_TOKEN", tk_grafana),
    ("Supabase", "SUPABASE_ACCESS_TOKEN", tk_supabase),
    ("New Relic", "NEW_RELIC_API_KEY", tk_newrelic),
    ("Doppler", "DOPPLER_TOKEN", tk_doppler),
    ("Vault", "VAULT_TOKEN", tk_vault),
    ("Mapbox", "MAPBOX_SECRET_TOKEN", tk_mapbox),
    ("Square", "SQUARE_ACCESS_TOKEN", tk_square),
    ("Datadog", "DD_API_KEY", tk_datadog),
    ("Pulumi", "PULUMI_ACCESS_TOKEN", tk_pulumi),
    ("Terraform Cloud", "TFE_TOKEN", tk_tfc),
    ("Sentry", "SENTRY_AUTH_TOKEN", tk_sentry),
]


_PROV_Q = []


def provider(name=None):
    global _PROV_Q
    if name:
        return next(p for p in PROVIDERS if p[0] == name or p[1] == name)
    if not _PROV_Q:
        _PROV_Q = list(PROVIDERS)
        R.shuffle(_PROV_Q)
    return _PROV_Q.pop()


# ---------------------------------------------------------------- private keys
def _pem(label, der_len, prefix_b64):
    body = prefix_b64 + base64.b64encode(SR.randbytes(der_len)).decode()
    body = body[: len(body) - (len(body) % 4)]
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def real_pem(kind):
    """Genuinely fresh keys when `cryptography` is available, else random-bodied PEM."""
    try:
        from cryptography.hazmat.primitives import serialization as se
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

        if kind == "rsa":
            k = rsa.generate_private_key(public_exponent=65537, key_size=ch([1024, 2048]))
            return (
                k.private_bytes(se.Encoding.PEM, se.PrivateFormat.TraditionalOpenSSL, se.NoEncryption())
                .decode()
                .strip()
            )
        if kind == "pkcs8":
            k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return (
                k.private_bytes(se.Encoding.PEM, se.PrivateFormat.PKCS8, se.NoEncryption()).decode().strip()
            )
        if kind == "ec":
            k = ec.generate_private_key(ec.SECP256R1())
            return (
                k.private_bytes(se.Encoding.PEM, se.PrivateFormat.TraditionalOpenSSL, se.NoEncryption())
                .decode()
                .strip()
            )
        if kind == "openssh":
            k = ed25519.Ed25519PrivateKey.generate()
            return (
                k.private_bytes(se.Encoding.PEM, se.PrivateFormat.OpenSSH, se.NoEncryption()).decode().strip()
            )
    except ImportError:
        pass
    return {
        "rsa": lambda: _pem("RSA PRIVATE KEY", 1190, "MIIEpAIBAAKCAQEA"),
        "pkcs8": lambda: _pem("PRIVATE KEY", 1190, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
        "ec": lambda: _pem("EC PRIVATE KEY", 93, "MHcCAQEEI"),
        "openssh": lambda: _pem(
            "OPENSSH PRIVATE KEY",
            300,
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
        ),
    }[kind]()


def ppk_key(comment):
    pub = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + SR.randbytes(32)).decode()
    priv = base64.b64encode(b"\x00\x00\x00\x20" + SR.randbytes(32)).decode()
    return (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
        f"Comment: {comment}\nPublic-Lines: 2\n{pub[:64]}\n{pub[64:]}\nPrivate-Lines: 1\n{priv}\n"
        f"Private-MAC: {tok(HEX, 64)}"
    )


def public_ssh_key(comment):
    return (
        "ssh-ed25519 "
        + base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + SR.randbytes(32)).decode()
        + f" {comment}"
    )


def b32seed(n=None):
    return tok(B32, n or ch([16, 32, 26]))


# ---------------------------------------------------------------- passwords (seeded, human-like)
PW_WORDS = {
    "en": [
        "summer",
        "Liverpool",
        "sunshine",
        "Charlie",
        "dragon",
        "Bluebell",
        "Arsenal",
        "monkey",
        "coffee",
        "Oakley",
    ],
    "fr": ["Soleil", "chouchou", "Marseille", "Loulou", "doudou", "Bretagne", "nounours", "Camille"],
    "de": ["Sommer", "Schatzi", "Hasenbein", "Borussia", "Fussball", "Sonnenschein", "Mausi", "Kaffee"],
    "es": ["Verano", "Barcelona", "princesa", "Tequiero", "Madrid", "cariño", "Sevilla", "lunita"],
    "it": ["Juventus", "Amore", "Ciao", "Napoli", "Tesoro", "Estate", "Lupetto", "Milan"],
    "pt": ["Saudade", "Benfica", "Flamengo", "Amor", "Verao", "Corinthians", "Lisboa", "Gatinho"],
    "nl": ["Zomer", "Ajax", "Schatje", "Fietsen", "Tulp", "Feyenoord", "Knuffel", "Stroopwafel"],
    "pl": ["Kasia", "Lato", "Legia", "Kochanie", "Misiek", "Zabka", "Wisla", "Slonce"],
    "sv": ["Sommar", "Kanelbulle", "Hammarby", "Solsken", "Midsommar", "Kompis"],
    "da": ["Sommer", "Hygge", "Brondby", "Solskin", "Kanelsnegl", "Skat"],
    "fi": ["Kesa", "Sauna", "Mokki", "Aurinko", "Karhu", "Jokerit"],
    "tr": ["Galatasaray", "Fenerbahce", "Canim", "Istanbul", "Bahar", "Besiktas"],
}
PASSPHRASE_WORDS = {
    "en": [
        "correct",
        "river",
        "battery",
        "lantern",
        "pickle",
        "orbit",
        "velvet",
        "tundra",
        "maple",
        "rocket",
        "falcon",
        "quartz",
        "harbor",
        "cactus",
    ],
    "fr": ["citron", "nuage", "velo", "fromage", "lapin", "orage", "cerise", "moulin", "tiroir", "bougie"],
    "de": [
        "apfel",
        "wolke",
        "fahrrad",
        "brezel",
        "tiger",
        "donner",
        "kirsche",
        "muehle",
        "schublade",
        "kerze",
    ],
    "es": ["limon", "nube", "bicicleta", "queso", "conejo", "tormenta", "cereza", "molino", "cajon", "vela"],
    "it": [
        "limone",
        "nuvola",
        "bicicletta",
        "formaggio",
        "coniglio",
        "tempesta",
        "ciliegia",
        "mulino",
        "cassetto",
        "candela",
    ],
    "pt": [
        "limao",
        "nuvem",
        "bicicleta",
        "queijo",
        "coelho",
        "tempestade",
        "cereja",
        "moinho",
        "gaveta",
        "vela",
    ],
    "nl": ["citroen", "wolk", "fiets", "kaas", "konijn", "onweer", "kers", "molen", "lade", "kaars"],
    "pl": ["cytryna", "chmura", "rower", "ser", "krolik", "burza", "wisnia", "mlyn", "szuflada", "swieca"],
    "sv": ["citron", "moln", "cykel", "ost", "kanin", "aska", "korsbar", "kvarn", "laada", "ljus"],
    "da": ["citron", "sky", "cykel", "ost", "kanin", "torden", "kirsebaer", "moelle", "skuffe", "lys"],
    "fi": [
        "sitruuna",
        "pilvi",
        "polkupyora",
        "juusto",
        "kani",
        "ukkonen",
        "kirsikka",
        "mylly",
        "laatikko",
        "kynttila",
    ],
    "tr": [
        "limon",
        "bulut",
        "bisiklet",
        "peynir",
        "tavsan",
        "firtina",
        "kiraz",
        "degirmen",
        "cekmece",
        "mum",
    ],
}


def password(lang="en", style=None):
    style = style or ch(["word", "word", "strong", "strong", "leet", "phrase", "mixed", "kbd"])
    w = ch(PW_WORDS.get(lang, PW_WORDS["en"]))
    if style == "word":
        return (
            w
            + ch([str(R.randint(1970, 2025)), str(R.randint(1, 99)), rdig(3)])
            + ch(["!", "#", "?", "*", "", "$", "!!", "%"])
        )
    if style == "strong":
        chars = string.ascii_letters + string.digits + "!#$%&*+-=?@^_~"
        s = "".join(R.choice(chars) for _ in range(R.randint(12, 22)))
        return s
    if style == "leet":
        t = w.replace("a", "@").replace("o", "0").replace("e", "3").replace("i", "1").replace("s", "$")
        return (
            t[0].upper() + t[1:] + ch(["_", "-", ".", ""]) + rdig(R.randint(1, 4)) + ch(["!", "&", "%", ""])
        )
    if style == "phrase":
        ws = R.sample(PASSPHRASE_WORDS.get(lang, PASSPHRASE_WORDS["en"]), ch([3, 4, 4, 5]))
        return ch(["-", " ", ".", "_"]).join(ws) + ch(["", "", str(R.randint(1, 99))])
    if style == "kbd":
        return (
            ch(["Qwertz", "Azerty", "Qwerty", "Zxcvbn"])
            + rdig(R.randint(2, 4))
            + ch(["!", "$", "%"])
            + ch(["", "x", "Y"])
        )
    return (
        ch(string.ascii_uppercase)
        + "".join(R.choice(string.ascii_lowercase) for _ in range(5))
        + rdig(2)
        + ch("!#$%&?")
        + "".join(R.choice(string.ascii_letters) for _ in range(3))
    )


def pin(n=None):
    return rdig(n or ch([4, 4, 4, 6, 5]))


def backup_codes(k=None):
    k = k or ch([5, 8, 10])
    st = ch(["dig8", "dash", "hex"])
    out = []
    for _ in range(k):
        if st == "dig8":
            out.append(f"{rdig(4)} {rdig(4)}")
        elif st == "dash":
            out.append(
                "".join(R.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(4))
                + "-"
                + "".join(R.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(4))
            )
        else:
            out.append("".join(R.choice("0123456789abcdef") for _ in range(10)))
    return out


def wifi_key(kind=None):
    kind = kind or ch(["fritz", "livebox", "words", "upc", "strong", "hex"])
    if kind == "fritz":
        return rdig(20)
    if kind == "livebox":
        return "".join(R.choice("0123456789ABCDEF") for _ in range(26))
    if kind == "upc":
        return "".join(R.choice(string.ascii_uppercase) for _ in range(8))
    if kind == "hex":
        return "".join(R.choice("0123456789abcdef") for _ in range(16))
    if kind == "words":
        return ch(["Kaffeekanne", "petitchat", "CasaBlanca", "BlueMoon", "Zielona"]) + rdig(4) + ch(["", "!"])
    return password("en", "strong")


# ---------------------------------------------------------------- look-alikes (never labelled)
def _clean_number(s):
    """True when a digit string is not Luhn-valid and not a valid national id anywhere."""
    from stdnum import luhn

    return not luhn.is_valid(s) and not any(nid_valid(cc, s) for cc in NID_CCS)


def la_isbn():
    from stdnum import isbn

    for _ in range(100):
        body = "978" + ch(["0", "1", "2", "3", "84", "88", "83", "90"]) + rdig(8)
        body = body[:12]
        for c in DIG:
            if isbn.is_valid(body + c) and _clean_number(body + c):
                s = body + c
                return ch([s, f"{s[:3]}-{s[3]}-{s[4:8]}-{s[8:12]}-{s[12]}"])
    return "9780306406157"


def la_ean():
    from stdnum import ean

    while True:
        body = ch(["40", "42", "80", "84", "87", "59", "50"]) + rdig(10)
        for c in DIG:
            if ean.is_valid(body + c) and _clean_number(body + c):
                return body + c


def la_order():
    y = R.randint(2023, 2025)
    return ch(
        [
            f"ORD-{y}-{rdig(6)}",
            f"#{rdig(7)}",
            f"{rdig(3)}-{rdig(7)}-{rdig(7)}",
            f"SO{rdig(8)}",
            f"BE-{rdig(5)}-{y}",
            f"{safe_digits(10)}",
            f"WZ/{rdig(4)}/{y}",
            f"A{rdig(2)}-{rdig(6)}",
        ]
    )


def la_invoice():
    y = R.randint(2023, 2025)
    return ch(
        [
            f"INV-{y}-{rdig(5)}",
            f"FV/{y}/{R.randint(1, 12):02d}/{rdig(4)}",
            f"F{y}{rdig(6)}",
            f"RE-{rdig(4)}-{y}",
            f"FAC-{y}-{rdig(4)}",
            f"{y}-{rdig(6)}",
        ]
    )


def la_version():
    return ch(
        [
            f"v{R.randint(0, 5)}.{R.randint(0, 30)}.{R.randint(0, 20)}",
            f"{R.randint(1, 20)}.{R.randint(0, 9)}.{R.randint(0, 99)}.{R.randint(1000, 9999)}",
            f"10.0.{R.randint(17000, 26100)}.{R.randint(1, 4000)}",
            f"{R.randint(1, 4)}.{R.randint(0, 20)}.{R.randint(0, 9)}-rc.{R.randint(1, 5)}",
            f"2.{R.randint(1, 40)}.{R.randint(0, 9)}+build.{rdig(4)}",
        ]
    )


def la_semver():
    return f"{R.randint(1, 22)}.{R.randint(0, 20)}.{R.randint(0, 15)}"


def la_sha(n=40):
    return "".join(R.choice(HEX) for _ in range(n))


def la_uuid():
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


def la_tracking():
    return ch(
        [
            f"1Z{''.join(R.choice(UPD) for _ in range(6))}{rdig(10)}",
            f"JJD{rdig(18)}",
            f"3S{''.join(R.choice(string.ascii_uppercase) for _ in range(4))}{rdig(9)}",
            f"{''.join(R.choice(string.ascii_uppercase) for _ in range(2))}{rdig(9)}DE",
            f"{safe_digits(12)}",
            f"LX{rdig(9)}PL",
        ]
    )


def la_ts():
    t = R.randint(1_700_000_000, 1_765_000_000)
    return ch([str(t), str(t * 1000), datetime.datetime.utcfromtimestamp(t).strftime("%Y-%m-%dT%H:%M:%SZ")])


PLACEHOLDER_SECRETS = [
    "sk_test_xxxxxxxxxxxx",
    "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "<your-api-key>",
    "changeme",
    "YOUR_TOKEN_HERE",
    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "${DB_PASSWORD}",
    "{{ secrets.GITHUB_TOKEN }}",
    "<password>",
    "hunter2-NOT-REAL",
    "sk-...",
    "xoxb-your-bot-token",
    "REPLACE_ME",
    "$(cat /run/secrets/db_password)",
    "********",
    "<redacted>",
    "%(SMTP_PASSWORD)s",
    "os.environ['OPENAI_API_KEY']",
    "your-password-here",
    "AIzaSy...your-key...",
    "glpat-XXXXXXXXXXXXXXXXXXXX",
]

# ---------------------------------------------------------------- language banks
LANGS = ["en", "fr", "de", "es", "it", "pt", "nl", "pl", "sv", "da", "fi", "tr"]

INSTR = {
    "csv_clean": {
        "en": [
            "Clean up this CSV — trim whitespace, fix the phone formats and make emails lowercase:",
            "can you tidy this export up? some rows are messy",
            "Normalize this CSV (dates to ISO, phones to E.164) and give it back as CSV:",
        ],
        "fr": [
            "Peux-tu nettoyer ce CSV (espaces, formats de téléphone) ?",
            "Nettoie cet export stp, il y a des doublons et des espaces en trop :",
        ],
        "de": [
            "Bitte bereinige diese CSV (Leerzeichen, Telefonnummern einheitlich):",
            "Kannst du den Export hier aufräumen? Einige Zeilen sind kaputt.",
        ],
        "es": [
            "¿Puedes limpiar este CSV? Normaliza los teléfonos y quita espacios:",
            "Limpia este export porfa, hay filas duplicadas:",
        ],
        "it": [
            "Puoi sistemare questo CSV? Normalizza i numeri di telefono:",
            "Pulisci questo export per favore, ci sono righe doppie",
        ],
        "pt": [
            "Podes limpar este CSV? Normaliza os telefones e tira os espaços:",
            "Limpa esse export pra mim, tem linha duplicada",
        ],
        "nl": [
            "Kun je deze CSV opschonen? Telefoonnummers gelijk trekken graag:",
            "Maak deze export even netjes aub, er staan dubbele regels in",
        ],
        "pl": [
            "Wyczyść proszę ten CSV (spacje, format telefonów):",
            "Możesz uporządkować ten eksport? Są zduplikowane wiersze",
        ],
        "sv": ["Kan du städa upp den här CSV-filen? Normalisera telefonnumren:"],
        "da": ["Kan du rydde op i denne CSV? Ensret telefonnumrene:"],
        "fi": ["Voitko siivota tämän CSV:n? Yhtenäistä puhelinnumerot:"],
        "tr": ["Bu CSV'yi temizler misin? Telefon formatlarını düzelt:"],
    },
    "to_json": {
        "en": ["Convert this to JSON (array of objects):", "turn this into json pls"],
        "fr": ["Convertis ça en JSON :", "Tu peux me transformer ça en JSON ?"],
        "de": ["Wandle das bitte in JSON um:", "Mach daraus ein JSON-Array:"],
        "es": ["Convierte esto a JSON:", "Pásame esto a formato JSON"],
        "it": ["Converti questo in JSON:", "Mi trasformi questi dati in JSON?"],
        "pt": ["Converte isto para JSON:", "Transforma isso em JSON pra mim"],
        "nl": ["Zet dit om naar JSON:", "Kun je hier JSON van maken?"],
        "pl": ["Przekonwertuj to na JSON:", "Zrób z tego JSON-a"],
        "sv": ["Konvertera det här till JSON:"],
        "da": ["Konvertér det her til JSON:"],
        "fi": ["Muunna tämä JSON-muotoon:"],
        "tr": ["Bunu JSON'a çevir:"],
    },
    "summarize": {
        "en": [
            "Can you summarise this in 3 bullet points?",
            "Summarize the following for my manager:",
            "tl;dr this please",
        ],
        "fr": ["Peux-tu résumer ceci en quelques lignes ?", "Fais-moi un résumé de ce message :"],
        "de": ["Fass das bitte kurz zusammen:", "Kannst du mir das in drei Sätzen zusammenfassen?"],
        "es": ["¿Me resumes esto?", "Resume lo siguiente en pocas líneas:"],
        "it": ["Puoi riassumere questo testo?", "Fammi un riassunto di questa mail:"],
        "pt": ["Podes resumir isto?", "Faz um resumo disso aqui pra mim:"],
        "nl": ["Kun je dit samenvatten?", "Vat dit even kort samen aub:"],
        "pl": ["Streść to proszę w kilku punktach:", "Możesz to podsumować?"],
        "sv": ["Kan du sammanfatta det här?"],
        "da": ["Kan du opsummere dette?"],
        "fi": ["Voitko tiivistää tämän?"],
        "tr": ["Bunu özetler misin?"],
    },
    "reply": {
        "en": [
            "Write a polite reply to this customer:",
            "Draft a response to the email below, friendly but firm:",
        ],
        "fr": ["Rédige une réponse polie à ce client :", "Écris une réponse à ce mail, ton cordial :"],
        "de": [
            "Schreib eine freundliche Antwort an diesen Kunden:",
            "Formuliere bitte eine Antwort auf folgende Mail:",
        ],
        "es": ["Escribe una respuesta educada a este cliente:", "Redacta una respuesta a este correo:"],
        "it": ["Scrivi una risposta cortese a questo cliente:", "Prepara una risposta a questa email:"],
        "pt": ["Escreve uma resposta educada a este cliente:", "Redige uma resposta para este e-mail:"],
        "nl": ["Schrijf een beleefd antwoord aan deze klant:", "Stel een reactie op deze mail op:"],
        "pl": ["Napisz uprzejmą odpowiedź do tego klienta:", "Przygotuj odpowiedź na tego maila:"],
        "sv": ["Skriv ett artigt svar till den här kunden:"],
        "da": ["Skriv et høfligt svar til denne kunde:"],
        "fi": ["Kirjoita kohtelias vastaus tälle asiakkaalle:"],
        "tr": ["Bu müşteriye kibar bir yanıt yaz:"],
    },
    "extract": {
        "en": [
            "Extract name, email and phone from this into a table:",
            "Pull out all the contact details from the text below",
        ],
        "fr": [
            "Extrais le nom, l'e-mail et le téléphone dans un tableau :",
            "Récupère les coordonnées dans ce texte :",
        ],
        "de": [
            "Extrahiere Name, E-Mail und Telefon in eine Tabelle:",
            "Zieh mir bitte die Kontaktdaten raus:",
        ],
        "es": [
            "Extrae nombre, correo y teléfono en una tabla:",
            "Sácame los datos de contacto de este texto:",
        ],
        "it": ["Estrai nome, email e telefono in una tabella:", "Tirami fuori i contatti da questo testo:"],
        "pt": ["Extrai nome, e-mail e telefone para uma tabela:", "Tira os dados de contato desse texto:"],
        "nl": [
            "Haal naam, e-mail en telefoon eruit in een tabel:",
            "Zet de contactgegevens uit deze tekst op een rij:",
        ],
        "pl": ["Wyciągnij imię, e-mail i telefon do tabeli:", "Wypisz dane kontaktowe z tego tekstu:"],
        "sv": ["Plocka ut namn, e-post och telefon i en tabell:"],
        "da": ["Udtræk navn, e-mail og telefon i en tabel:"],
        "fi": ["Poimi nimi, sähköposti ja puhelin taulukkoon:"],
        "tr": ["Ad, e-posta ve telefonu tabloya çıkar:"],
    },
    "dedupe": {
        "en": ["Find the duplicate customers in this list:", "Which of these rows are the same person?"],
        "fr": ["Trouve les doublons dans cette liste :", "Quelles lignes concernent la même personne ?"],
        "de": ["Finde die Dubletten in dieser Liste:", "Welche Zeilen sind dieselbe Person?"],
        "es": ["Encuentra los clientes duplicados:", "¿Qué filas son la misma persona?"],
        "it": ["Trova i duplicati in questa lista:", "Quali righe sono la stessa persona?"],
        "pt": ["Encontra os clientes duplicados nesta lista:", "Quais linhas são a mesma pessoa?"],
        "nl": ["Zoek de dubbele klanten in deze lijst:", "Welke regels zijn dezelfde persoon?"],
        "pl": ["Znajdź duplikaty klientów na tej liście:", "Które wiersze to ta sama osoba?"],
        "sv": ["Hitta dubbletterna i listan:"],
        "da": ["Find dubletterne i listen:"],
        "fi": ["Etsi listalta kaksoiskappaleet:"],
        "tr": ["Bu listedeki mükerrer kayıtları bul:"],
    },
    "translate": {
        "en": ["Translate this into German:", "Translate to French please, keep the formatting:"],
        "fr": ["Traduis ce message en anglais :", "Traduction en anglais stp :"],
        "de": ["Übersetz das bitte ins Englische:", "Bitte auf Englisch übersetzen:"],
        "es": ["Tradúceme esto al inglés:", "Traduce al inglés, por favor:"],
        "it": ["Traduci in inglese per favore:", "Mi traduci questo in inglese?"],
        "pt": ["Traduz isto para inglês:", "Traduz pro inglês por favor:"],
        "nl": ["Vertaal dit naar het Engels:", "Kun je dit in het Engels zetten?"],
        "pl": ["Przetłumacz to na angielski:", "Przetłumacz proszę na angielski:"],
        "sv": ["Översätt detta till engelska:"],
        "da": ["Oversæt dette til engelsk:"],
        "fi": ["Käännä tämä englanniksi:"],
        "tr": ["Bunu İngilizceye çevir:"],
    },
    "fix_sql": {
        "en": [
            "Why does this INSERT fail with a syntax error?",
            "Can you turn this into a proper bulk insert for Postgres?",
        ],
        "fr": ["Pourquoi cet INSERT plante ?", "Corrige cette requête SQL stp :"],
        "de": ["Warum schlägt dieses INSERT fehl?", "Kannst du das SQL hier korrigieren?"],
        "es": ["¿Por qué falla este INSERT?", "Corrige esta consulta SQL:"],
        "it": ["Perché questa INSERT va in errore?", "Sistemami questa query:"],
        "pt": ["Porque é que este INSERT dá erro?", "Corrige essa query SQL:"],
        "nl": ["Waarom faalt deze INSERT?", "Kun je deze SQL fixen?"],
        "pl": ["Czemu ten INSERT się wywala?", "Popraw to zapytanie SQL:"],
        "sv": ["Varför misslyckas den här INSERT-satsen?"],
        "da": ["Hvorfor fejler denne INSERT?"],
        "fi": ["Miksi tämä INSERT epäonnistuu?"],
        "tr": ["Bu INSERT neden hata veriyor?"],
    },
    "debug": {
        "en": [
            "What's going wrong here? Logs below",
            "Help me debug this, requests keep returning 500:",
            "any idea why this fails?",
        ],
        "fr": ["Qu'est-ce qui cloche ici ? Voici les logs :", "Aide-moi à débugger, j'ai des erreurs 500 :"],
        "de": ["Was läuft hier schief? Logs unten:", "Hilf mir beim Debuggen, die Requests liefern 500:"],
        "es": ["¿Qué está fallando aquí? Te paso los logs:", "Ayúdame a depurar esto, devuelve 500:"],
        "it": ["Cosa non va qui? Ecco i log:", "Aiutami a fare debug, ricevo 500:"],
        "pt": ["O que está a falhar aqui? Logs abaixo:", "Me ajuda a debugar isso, tá dando 500:"],
        "nl": ["Wat gaat hier mis? Logs hieronder:", "Help me debuggen, ik krijg steeds 500:"],
        "pl": ["Co tu jest nie tak? Logi poniżej:", "Pomóż mi to zdebugować, leci 500:"],
        "sv": ["Vad är det som går fel här? Loggar nedan:"],
        "da": ["Hvad går galt her? Logs nedenfor:"],
        "fi": ["Mikä tässä menee pieleen? Lokit alla:"],
        "tr": ["Burada ne ters gidiyor? Loglar aşağıda:"],
    },
    "format_table": {
        "en": ["Sort this table by last name and fix the alignment:", "Make this a clean markdown table"],
        "fr": ["Trie ce tableau par nom de famille :", "Remets ce tableau au propre"],
        "de": ["Sortier die Tabelle nach Nachname:", "Mach daraus eine saubere Markdown-Tabelle"],
        "es": ["Ordena esta tabla por apellido:", "Déjame esta tabla bien formateada"],
        "it": ["Ordina questa tabella per cognome:", "Sistema la formattazione di questa tabella"],
        "pt": ["Ordena esta tabela por apelido:", "Arruma essa tabela pra mim"],
        "nl": ["Sorteer deze tabel op achternaam:", "Maak er een nette tabel van"],
        "pl": ["Posortuj tabelę po nazwisku:", "Zrób z tego porządną tabelkę"],
        "sv": ["Sortera tabellen på efternamn:"],
        "da": ["Sortér tabellen efter efternavn:"],
        "fi": ["Järjestä taulukko sukunimen mukaan:"],
        "tr": ["Tabloyu soyada göre sırala:"],
    },
    "check_form": {
        "en": [
            "Check this form for missing or inconsistent fields:",
            "Does anything look off in this record?",
        ],
        "fr": [
            "Vérifie ce formulaire, il manque peut-être des champs :",
            "Est-ce que quelque chose cloche dans cette fiche ?",
        ],
        "de": ["Prüf bitte das Formular auf fehlende Angaben:", "Fällt dir an dem Datensatz was auf?"],
        "es": ["Revisa este formulario por si falta algo:", "¿Ves algo raro en esta ficha?"],
        "it": ["Controlla questo modulo, mancano campi?", "Vedi qualcosa di strano in questa scheda?"],
        "pt": ["Verifica este formulário, falta algum campo?", "Tem algo estranho nessa ficha?"],
        "nl": ["Controleer dit formulier op ontbrekende velden:", "Klopt er iets niet aan dit record?"],
        "pl": ["Sprawdź ten formularz pod kątem braków:", "Czy coś tu się nie zgadza?"],
        "sv": ["Kontrollera formuläret, saknas något?"],
        "da": ["Tjek formularen for manglende felter:"],
        "fi": ["Tarkista lomake, puuttuuko jotain?"],
        "tr": ["Bu formda eksik alan var mı kontrol et:"],
    },
    "fix_yaml": {
        "en": ["Fix the indentation of this YAML, the loader chokes on it:", "Is this YAML valid?"],
        "fr": ["Corrige l'indentation de ce YAML :", "Ce YAML est valide ?"],
        "de": ["Korrigier die Einrückung in diesem YAML:", "Ist das gültiges YAML?"],
        "es": ["Arregla la indentación de este YAML:", "¿Este YAML es válido?"],
        "it": ["Sistema l'indentazione di questo YAML:", "Questo YAML è valido?"],
        "pt": ["Corrige a indentação deste YAML:", "Esse YAML tá válido?"],
        "nl": ["Fix de inspringing van deze YAML:", "Is deze YAML geldig?"],
        "pl": ["Popraw wcięcia w tym YAML-u:", "Czy ten YAML jest poprawny?"],
        "sv": ["Rätta indenteringen i denna YAML:"],
        "da": ["Ret indrykningen i denne YAML:"],
        "fi": ["Korjaa tämän YAML:n sisennykset:"],
        "tr": ["Bu YAML'ın girintisini düzelt:"],
    },
    "handover": {
        "en": [
            "Summarise this patient record for the night-shift handover:",
            "Write a short discharge summary from these notes:",
        ],
        "fr": [
            "Résume ce dossier patient pour la relève :",
            "Rédige un compte-rendu de sortie à partir de ces notes :",
        ],
        "de": [
            "Fass die Patientenakte für die Übergabe zusammen:",
            "Schreib einen kurzen Arztbrief aus diesen Notizen:",
        ],
        "es": [
            "Resume esta historia para el relevo de turno:",
            "Redacta un informe de alta con estas notas:",
        ],
        "it": [
            "Riassumi questa cartella per il cambio turno:",
            "Scrivi una lettera di dimissione da questi appunti:",
        ],
        "pt": [
            "Resume este processo para a passagem de turno:",
            "Escreve uma nota de alta a partir destas notas:",
        ],
        "nl": [
            "Vat dit patiëntdossier samen voor de overdracht:",
            "Schrijf een korte ontslagbrief op basis hiervan:",
        ],
        "pl": ["Streść tę dokumentację na przekazanie dyżuru:", "Napisz krótki wypis na podstawie notatek:"],
        "sv": ["Sammanfatta journalen inför överlämningen:"],
        "da": ["Opsummer journalen til vagtskiftet:"],
        "fi": ["Tiivistä potilastiedot vuoronvaihtoa varten:"],
        "tr": ["Bu hasta kaydını nöbet devri için özetle:"],
    },
    "rewrite": {
        "en": ["Rewrite this note so it sounds more professional:", "Make this HR note more neutral in tone"],
        "fr": ["Reformule cette note de façon plus professionnelle :", "Rends cette note RH plus neutre"],
        "de": ["Formulier die Notiz professioneller:", "Mach die HR-Notiz bitte neutraler"],
        "es": ["Reescribe esta nota con un tono más profesional:", "Haz esta nota de RRHH más neutra"],
        "it": ["Riscrivi questa nota in modo più professionale:", "Rendi questa nota HR più neutra"],
        "pt": ["Reescreve esta nota de forma mais profissional:", "Deixa essa nota de RH mais neutra"],
        "nl": ["Herschrijf deze notitie professioneler:", "Maak deze HR-notitie wat neutraler"],
        "pl": ["Przeredaguj tę notatkę bardziej profesjonalnie:", "Zrób tę notatkę HR bardziej neutralną"],
        "sv": ["Skriv om anteckningen så att den låter mer professionell:"],
        "da": ["Omskriv notatet, så det lyder mere professionelt:"],
        "fi": ["Muotoile muistiinpano ammattimaisemmaksi:"],
        "tr": ["Bu notu daha profesyonel hale getir:"],
    },
    "validate": {
        "en": [
            "Are these IBANs and phone numbers in a valid format?",
            "Validate these records before I import them:",
        ],
        "fr": ["Ces IBAN et numéros sont-ils valides ?", "Valide ces enregistrements avant import :"],
        "de": ["Sind die IBANs und Nummern gültig?", "Prüf die Datensätze vor dem Import:"],
        "es": ["¿Son válidos estos IBAN y teléfonos?", "Valida estos registros antes de importarlos:"],
        "it": ["Questi IBAN e numeri sono validi?", "Valida questi record prima dell'import:"],
        "pt": ["Estes IBAN e números são válidos?", "Valida esses registros antes de importar:"],
        "nl": ["Zijn deze IBAN's en nummers geldig?", "Valideer deze records voor de import:"],
        "pl": ["Czy te IBAN-y i numery są poprawne?", "Zwaliduj te rekordy przed importem:"],
        "sv": ["Är dessa IBAN och nummer giltiga?"],
        "da": ["Er disse IBAN og numre gyldige?"],
        "fi": ["Ovatko nämä IBAN-numerot ja puhelinnumerot kelvollisia?"],
        "tr": ["Bu IBAN ve numaralar geçerli mi?"],
    },
    "code": {
        "en": [
            "Write a unit test for this fixture:",
            "Refactor this into a dataclass:",
            "why does this function crash on the second record?",
        ],
        "fr": ["Écris un test unitaire pour cette fixture :", "Refactorise ça en dataclass :"],
        "de": ["Schreib einen Unit-Test für diese Fixture:", "Bau das in eine Dataclass um:"],
        "es": ["Escribe un test unitario para este fixture:", "Refactoriza esto en una dataclass:"],
        "it": ["Scrivi un test per questa fixture:", "Rifattorizza questo in una dataclass:"],
        "pt": ["Escreve um teste unitário para esta fixture:", "Refatora isso numa dataclass:"],
        "nl": ["Schrijf een unittest voor deze fixture:", "Refactor dit naar een dataclass:"],
        "pl": ["Napisz test jednostkowy do tej fixtury:", "Przerób to na dataclass:"],
        "sv": ["Skriv ett enhetstest för den här fixturen:"],
        "da": ["Skriv en unittest til denne fixture:"],
        "fi": ["Kirjoita yksikkötesti tälle fixturelle:"],
        "tr": ["Bu fixture için bir birim testi yaz:"],
    },
}


def instr(task, lang):
    opts = INSTR[task].get(lang) or INSTR[task]["en"]
    return typo(ch(opts), 0.25)


FL_KEYS = [
    "first_name",
    "last_name",
    "name",
    "email",
    "phone",
    "address",
    "street",
    "postcode",
    "city",
    "dob",
    "customer_no",
    "member_no",
    "policy_no",
    "contract_no",
    "iban",
    "username",
    "diagnosis",
    "medication",
    "mrn",
    "id",
    "passport",
    "dl",
    "notes",
    "amount",
    "date",
    "status",
]
_FL = {
    "en": "First name|Last name|Full name|Email|Phone|Address|Street|Postcode|City|Date of birth|Customer no.|Member no.|Policy number|Contract no.|IBAN|Username|Diagnosis|Medication|MRN|ID number|Passport no.|Driving licence no.|Notes|Amount|Date|Status",
    "fr": "Prénom|Nom|Nom complet|E-mail|Téléphone|Adresse|Rue|Code postal|Ville|Date de naissance|N° client|N° adhérent|N° de police|N° de contrat|IBAN|Identifiant|Diagnostic|Traitement|N° de dossier|N° d'identité|N° de passeport|N° de permis|Remarques|Montant|Date|Statut",
    "de": "Vorname|Nachname|Name|E-Mail|Telefon|Anschrift|Straße|PLZ|Ort|Geburtsdatum|Kundennummer|Mitgliedsnummer|Versicherungsnummer|Vertragsnummer|IBAN|Benutzername|Diagnose|Medikation|Patientennummer|Ausweisnummer|Reisepassnummer|Führerscheinnummer|Bemerkungen|Betrag|Datum|Status",
    "es": "Nombre|Apellidos|Nombre completo|Correo electrónico|Teléfono|Dirección|Calle|Código postal|Localidad|Fecha de nacimiento|Nº cliente|Nº socio|Nº de póliza|Nº contrato|IBAN|Usuario|Diagnóstico|Medicación|Nº historia clínica|Documento|Nº pasaporte|Nº permiso de conducir|Observaciones|Importe|Fecha|Estado",
    "it": "Nome|Cognome|Nome e cognome|Email|Cellulare|Indirizzo|Via|CAP|Comune|Data di nascita|Codice cliente|N. tessera|N. polizza|N. contratto|IBAN|Nome utente|Diagnosi|Terapia|N. cartella clinica|Documento|N. passaporto|N. patente|Note|Importo|Data|Stato",
    "pt": "Nome|Apelido|Nome completo|E-mail|Telemóvel|Morada|Rua|Código postal|Localidade|Data de nascimento|Nº cliente|Nº sócio|Nº apólice|Nº contrato|IBAN|Utilizador|Diagnóstico|Medicação|Nº processo clínico|Documento|Nº passaporte|Nº carta de condução|Observações|Valor|Data|Estado",
    "nl": "Voornaam|Achternaam|Naam|E-mail|Telefoon|Adres|Straat|Postcode|Woonplaats|Geboortedatum|Klantnummer|Lidnummer|Polisnummer|Contractnummer|IBAN|Gebruikersnaam|Diagnose|Medicatie|Patiëntnummer|ID-nummer|Paspoortnummer|Rijbewijsnummer|Opmerkingen|Bedrag|Datum|Status",
    "pl": "Imię|Nazwisko|Imię i nazwisko|E-mail|Telefon|Adres|Ulica|Kod pocztowy|Miejscowość|Data urodzenia|Nr klienta|Nr członkowski|Nr polisy|Nr umowy|Nr rachunku (IBAN)|Login|Rozpoznanie|Leki|Nr historii choroby|Nr dokumentu|Nr paszportu|Nr prawa jazdy|Uwagi|Kwota|Data|Status",
    "sv": "Förnamn|Efternamn|Namn|E-post|Telefon|Adress|Gatuadress|Postnummer|Ort|Födelsedatum|Kundnummer|Medlemsnummer|Försäkringsnummer|Avtalsnummer|IBAN|Användarnamn|Diagnos|Läkemedel|Journalnummer|ID-nummer|Passnummer|Körkortsnummer|Anteckningar|Belopp|Datum|Status",
    "da": "Fornavn|Efternavn|Navn|E-mail|Telefon|Adresse|Vej|Postnr.|By|Fødselsdato|Kundenummer|Medlemsnummer|Policenummer|Kontraktnummer|IBAN|Brugernavn|Diagnose|Medicin|Journalnummer|ID-nummer|Pasnummer|Kørekortnummer|Bemærkninger|Beløb|Dato|Status",
    "fi": "Etunimi|Sukunimi|Nimi|Sähköposti|Puhelin|Osoite|Katuosoite|Postinumero|Postitoimipaikka|Syntymäaika|Asiakasnumero|Jäsennumero|Vakuutusnumero|Sopimusnumero|IBAN|Käyttäjätunnus|Diagnoosi|Lääkitys|Potilasnumero|Tunnus|Passin numero|Ajokortin numero|Huomautukset|Summa|Päivämäärä|Tila",
    "tr": "Ad|Soyad|Ad Soyad|E-posta|Telefon|Adres|Cadde/Sokak|Posta kodu|Şehir|Doğum tarihi|Müşteri no|Üye no|Poliçe no|Sözleşme no|IBAN|Kullanıcı adı|Tanı|İlaçlar|Hasta no|Kimlik no|Pasaport no|Ehliyet no|Notlar|Tutar|Tarih|Durum",
}
FL = {lg: dict(zip(FL_KEYS, v.split("|"))) for lg, v in _FL.items()}
SNAKE = {
    "first_name": ["first_name", "firstname", "fname", "given_name"],
    "last_name": ["last_name", "lastname", "surname", "family_name"],
    "name": ["name", "full_name", "customer_name", "contact"],
    "email": ["email", "e_mail", "email_address", "mail"],
    "phone": ["phone", "mobile", "tel", "phone_number"],
    "address": ["address", "postal_address", "addr"],
    "street": ["street", "address_line1", "street_address"],
    "postcode": ["zip", "postcode", "postal_code", "plz"],
    "city": ["city", "town", "locality"],
    "dob": ["dob", "birth_date", "date_of_birth", "birthdate"],
    "customer_no": ["customer_id", "customer_no", "cust_no", "client_id"],
    "member_no": ["member_id", "membership_no", "member_number"],
    "policy_no": ["policy_no", "policy_number", "policy_id"],
    "contract_no": ["contract_id", "contract_no"],
    "iban": ["iban", "bank_iban", "payout_iban"],
    "username": ["username", "login", "user_name", "handle"],
    "diagnosis": ["diagnosis", "dx", "condition"],
    "medication": ["medication", "meds", "rx"],
    "mrn": ["mrn", "patient_id", "chart_no"],
    "id": ["national_id", "id_number", "tax_id"],
    "passport": ["passport_no", "passport"],
    "dl": ["license_no", "driver_license"],
    "notes": ["notes", "comment", "remarks"],
    "amount": ["amount", "total", "amount_eur"],
    "date": ["created_at", "date", "updated_at"],
    "status": ["status", "state"],
}


def hdr(lang, key, snake=None):
    if snake is None:
        snake = chance(0.5)
    if snake:
        return ch(SNAKE[key])
    return FL[lang][key]


# medical vocab: condition key -> per-language term ; meds per condition
COND = {
    "diabetes": "type 2 diabetes|diabète de type 2|Diabetes mellitus Typ 2|diabetes tipo 2|diabete di tipo 2|diabetes tipo 2|diabetes type 2|cukrzyca typu 2|typ 2-diabetes|type 2-diabetes|tyypin 2 diabetes|tip 2 diyabet",
    "htn": "hypertension|hypertension artérielle|arterielle Hypertonie|hipertensión arterial|ipertensione arteriosa|hipertensão arterial|hypertensie|nadciśnienie tętnicze|hypertoni|forhøjet blodtryk|verenpainetauti|hipertansiyon",
    "asthma": "asthma|asthme|Asthma bronchiale|asma|asma bronchiale|asma|astma|astma oskrzelowa|astma|astma|astma|astım",
    "depression": "major depressive disorder|épisode dépressif majeur|rezidivierende depressive Störung|depresión mayor|depressione maggiore|depressão major|depressie|depresja|depression|depression|masennus|majör depresyon",
    "epilepsy": "epilepsy|épilepsie|Epilepsie|epilepsia|epilessia|epilepsia|epilepsie|padaczka|epilepsi|epilepsi|epilepsia|epilepsi",
    "crohn": "Crohn's disease|maladie de Crohn|Morbus Crohn|enfermedad de Crohn|morbo di Crohn|doença de Crohn|ziekte van Crohn|choroba Leśniowskiego-Crohna|Crohns sjukdom|Crohns sygdom|Crohnin tauti|Crohn hastalığı",
    "hiv": "HIV|VIH|HIV-Infektion|VIH|HIV|VIH|hiv|HIV|hiv|hiv|HIV|HIV",
    "hypothyroid": "hypothyroidism|hypothyroïdie|Hypothyreose|hipotiroidismo|ipotiroidismo|hipotiroidismo|hypothyreoïdie|niedoczynność tarczycy|hypotyreos|hypothyroidisme|kilpirauhasen vajaatoiminta|hipotiroidi",
    "anxiety": "generalised anxiety disorder|trouble anxieux généralisé|generalisierte Angststörung|trastorno de ansiedad generalizada|disturbo d'ansia generalizzato|perturbação de ansiedade generalizada|gegeneraliseerde angststoornis|zaburzenia lękowe uogólnione|generaliserat ångestsyndrom|generaliseret angst|yleistynyt ahdistuneisuushäiriö|yaygın anksiyete bozukluğu",
    "afib": "atrial fibrillation|fibrillation auriculaire|Vorhofflimmern|fibrilación auricular|fibrillazione atriale|fibrilhação auricular|boezemfibrilleren|migotanie przedsionków|förmaksflimmer|atrieflimren|eteisvärinä|atriyal fibrilasyon",
    "ms": "multiple sclerosis|sclérose en plaques|Multiple Sklerose|esclerosis múltiple|sclerosi multipla|esclerose múltipla|multiple sclerose|stwardnienie rozsiane|multipel skleros|sclerose|MS-tauti|multipl skleroz",
    "bipolar": "bipolar disorder|trouble bipolaire|bipolare Störung|trastorno bipolar|disturbo bipolare|perturbação bipolar|bipolaire stoornis|choroba afektywna dwubiegunowa|bipolär sjukdom|bipolar lidelse|kaksisuuntainen mielialahäiriö|bipolar bozukluk",
    "migraine": "migraine|migraine|Migräne|migraña|emicrania|enxaqueca|migraine|migrena|migrän|migræne|migreeni|migren",
    "copd": "COPD|BPCO|COPD|EPOC|BPCO|DPOC|COPD|POChP|KOL|KOL|keuhkoahtaumatauti|KOAH",
    "ra": "rheumatoid arthritis|polyarthrite rhumatoïde|rheumatoide Arthritis|artritis reumatoide|artrite reumatoide|artrite reumatoide|reumatoïde artritis|reumatoidalne zapalenie stawów|reumatoid artrit|leddegigt|nivelreuma|romatoid artrit",
}
COND = {k: dict(zip(LANGS, v.split("|"))) for k, v in COND.items()}
MEDS = {
    "diabetes": ["Metformin", "Ozempic", "Lantus", "Jardiance"],
    "htn": ["Ramipril", "Amlodipin", "Bisoprolol", "Lisinopril"],
    "asthma": ["Salbutamol", "Ventolin", "Symbicort", "Montelukast"],
    "depression": ["Sertralin", "Escitalopram", "Venlafaxin", "Mirtazapin"],
    "epilepsy": ["Levetiracetam", "Keppra", "Lamotrigin"],
    "crohn": ["Adalimumab", "Humira", "Azathioprin", "Budesonid"],
    "hiv": ["Biktarvy", "Dovato", "Descovy"],
    "hypothyroid": ["L-Thyroxin", "Levothyrox", "Eutirox", "Euthyrox", "Letrox"],
    "anxiety": ["Pregabalin", "Escitalopram", "Buspiron"],
    "afib": ["Apixaban", "Eliquis", "Rivaroxaban", "Xarelto"],
    "ms": ["Ocrevus", "Tecfidera", "Fingolimod"],
    "bipolar": ["Lithium", "Quetiapin", "Seroquel", "Lamotrigin"],
    "migraine": ["Sumatriptan", "Rizatriptan", "Aimovig"],
    "copd": ["Spiriva", "Tiotropium", "Trelegy"],
    "ra": ["Methotrexat", "Enbrel", "Humira"],
}
MED_LOCAL = {  # light localisation of generic names
    "en": lambda m: {
        "Sertralin": "Sertraline",
        "Amlodipin": "Amlodipine",
        "Venlafaxin": "Venlafaxine",
        "Mirtazapin": "Mirtazapine",
        "Lamotrigin": "Lamotrigine",
        "Azathioprin": "Azathioprine",
        "Budesonid": "Budesonide",
        "L-Thyroxin": "Levothyroxine",
        "Levothyrox": "Levothyroxine",
        "Eutirox": "Levothyroxine",
        "Letrox": "Levothyroxine",
        "Buspiron": "Buspirone",
        "Quetiapin": "Quetiapine",
        "Methotrexat": "Methotrexate",
    }.get(m, m),
    "fr": lambda m: {
        "Sertralin": "Sertraline",
        "Amlodipin": "Amlodipine",
        "Lamotrigin": "Lamotrigine",
        "L-Thyroxin": "Levothyrox",
        "Eutirox": "Levothyrox",
        "Methotrexat": "Méthotrexate",
        "Quetiapin": "Quétiapine",
        "Metformin": "Metformine",
    }.get(m, m),
    "es": lambda m: {
        "Sertralin": "Sertralina",
        "Amlodipin": "Amlodipino",
        "Metformin": "Metformina",
        "L-Thyroxin": "Eutirox",
        "Quetiapin": "Quetiapina",
        "Methotrexat": "Metotrexato",
        "Lamotrigin": "Lamotrigina",
    }.get(m, m),
    "it": lambda m: {
        "Sertralin": "Sertralina",
        "Amlodipin": "Amlodipina",
        "Metformin": "Metformina",
        "L-Thyroxin": "Eutirox",
        "Quetiapin": "Quetiapina",
        "Methotrexat": "Metotrexato",
        "Lithium": "Litio",
    }.get(m, m),
    "pt": lambda m: {
        "Sertralin": "Sertralina",
        "Amlodipin": "Amlodipina",
        "Metformin": "Metformina",
        "L-Thyroxin": "Levotiroxina",
        "Quetiapin": "Quetiapina",
        "Methotrexat": "Metotrexato",
        "Lithium": "Lítio",
    }.get(m, m),
    "nl": lambda m: {
        "Sertralin": "Sertraline",
        "Metformin": "Metformine",
        "L-Thyroxin": "Levothyroxine",
        "Methotrexat": "Methotrexaat",
        "Quetiapin": "Quetiapine",
        "Amlodipin": "Amlodipine",
        "Lamotrigin": "Lamotrigine",
        "Venlafaxin": "Venlafaxine",
        "Mirtazapin": "Mirtazapine",
        "Azathioprin": "Azathioprine",
        "Budesonide": "Budesonide",
        "Buspiron": "Buspiron",
    }.get(m, m),
    "pl": lambda m: {
        "Sertralin": "Sertralina",
        "Metformin": "Metformina",
        "L-Thyroxin": "Letrox",
        "Methotrexat": "Metotreksat",
        "Lithium": "Lit",
        "Quetiapin": "Kwetiapina",
        "Amlodipin": "Amlodypina",
        "Lamotrigin": "Lamotrygina",
        "Venlafaxin": "Wenlafaksyna",
    }.get(m, m),
    "tr": lambda m: {"Sertralin": "Sertralin", "Metformin": "Metformin", "L-Thyroxin": "Levotiron"}.get(m, m),
}


def med_cond(lang):
    k = ch(list(COND))
    m = ch(MEDS[k])
    m = MED_LOCAL.get(lang, lambda x: x)(m)
    return COND[k][lang], m, k


DOSE = [
    "5 mg",
    "10 mg 1-0-0",
    "500 mg 2x/d",
    "1000 mg",
    "50 µg",
    "100 mg 0-0-1",
    "2 puffs prn",
    "20 mg",
    "75 mg",
    "0,5 mg",
]

# ---------------------------------------------------------------- scenario helpers
NID_CCS = {
    "PL",
    "IN",
    "CA",
    "NL",
    "BR",
    "SE",
    "DK",
    "FI",
    "CN",
    "KR",
    "AU",
    "CH",
    "ZA",
    "MX",
    "CL",
    "TR",
    "FR",
    "DE",
    "ES",
    "IT",
    "BE",
    "NO",
    "PT",
    "IE",
    "RO",
    "BG",
    "EE",
    "LT",
    "US",
    "AT",
    "CZ",
    "HR",
    "IS",
    "IL",
    "GR",
}


def cached(p, key, fn):
    c = p.__dict__.setdefault("_c", {})
    if key not in c:
        c[key] = fn()
    return c[key]


def p_nid(p):
    cc = p.cc if p.cc in NID_CCS else "US"
    return cached(p, "nid", lambda: (gen_nid(cc, p.dob, p.gender, p.first, p.last), cc))


def p_iban(p, spaced=None):
    cc = p.cc if p.cc in IBAN_FMT else ch(["DE", "FR", "NL"])
    return cached(p, "iban", lambda: gen_iban(cc, spaced))


def V(key, p, lang, **kw):
    """A marked value for column/field `key` about person p."""
    if key == "first_name":
        return L("PERSON", p.first)
    if key == "last_name":
        return L("PERSON", p.last)
    if key == "name":
        if kw.get("reverse"):
            return L("PERSON", f"{p.last}, {p.first}")
        if kw.get("upper"):
            return L("PERSON", f"{p.last.upper()} {p.first}")
        return L("PERSON", p.full)
    if key == "email":
        return L("EMAIL_ADDRESS", cached(p, "work_email", p.work_email) if kw.get("work") else p.email)
    if key == "phone":
        return L("PHONE_NUMBER", p.mobile_intl if kw.get("intl") else p.phone)
    if key == "address":
        return L("STREET_ADDRESS", p.addr)
    if key == "street":
        return L("STREET_ADDRESS", p.street)
    if key == "postcode":
        return L("STREET_ADDRESS", p.postcode)
    if key == "city":
        return L("STREET_ADDRESS", p.city)
    if key == "dob":
        f = kw.get("fmt", "num")
        if f == "iso":
            return L("DATE_OF_BIRTH", p.dob.isoformat())
        if f == "words":
            return L("DATE_OF_BIRTH", dob_words(lang, p.dob))
        return L("DATE_OF_BIRTH", cached(p, "dobn_" + lang, lambda: dob_num(lang, p.dob, p.cc)))
    if key in ("customer_no", "member_no", "policy_no", "contract_no"):
        kind = {
            "customer_no": "customer",
            "member_no": "member",
            "policy_no": "policy",
            "contract_no": "contract",
        }[key]
        return L("ACCOUNT_NUMBER", cached(p, key, lambda: gen_acct(kind)))
    if key == "mrn":
        return L("MEDICAL_RECORD_NUMBER", cached(p, "mrn", lambda: gen_acct("patient")))
    if key == "iban":
        return L("IBAN_CODE", p_iban(p, kw.get("spaced")))
    if key == "username":
        return L("USERNAME", p.username)
    if key == "id":
        v, cc = p_nid(p)
        return L("NATIONAL_ID", v, cc)
    if key == "passport":
        return L("PASSPORT", cached(p, "pp", lambda: gen_passport(p.cc)))
    if key == "dl":
        return L("DRIVER_LICENSE", cached(p, "dl", lambda: gen_dl(p.cc, p)))
    if key == "card":
        return L("CREDIT_CARD", cached(p, "card", gen_card))
    if key == "ip":
        return L("IP_ADDRESS", cached(p, "ip", gen_ip))
    if key == "diagnosis":
        c, m, k = cached(p, "med", lambda: med_cond(lang))
        return L("MEDICAL_CONDITION", c)
    if key == "medication":
        c, m, k = cached(p, "med", lambda: med_cond(lang))
        return L("MEDICATION", m)
    raise KeyError(key)


def med_of(p, lang):
    return cached(p, "med", lambda: med_cond(lang))


def plain_date(lo=2019, hi=2025):
    d = datetime.date(R.randint(lo, hi), R.randint(1, 12), R.randint(1, 28))
    return d


def to_csv(rows, header=None, delim=",", quote_all=False):
    buf = io.StringIO()
    w = csv.writer(
        buf, delimiter=delim, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\n"
    )
    if header:
        w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().rstrip("\n")


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out)


def fence(body, lang_tag=""):
    return f"```{lang_tag}\n{body}\n```"


def join_prompt(instruction, body, sep=None):
    sep = sep if sep is not None else ch(["\n\n", "\n", "\n\n", "\n\n---\n"])
    return instruction + sep + body


def people(lang, n, **kw):
    return [person(lang, **kw) for _ in range(n)]


STATUS = {
    "en": ["active", "inactive", "pending"],
    "fr": ["actif", "inactif", "en attente"],
    "de": ["aktiv", "gekündigt", "offen"],
    "es": ["activo", "baja", "pendiente"],
    "it": ["attivo", "disdetto", "in attesa"],
    "pt": ["ativo", "inativo", "pendente"],
    "nl": ["actief", "opgezegd", "in behandeling"],
    "pl": ["aktywny", "nieaktywny", "oczekuje"],
    "sv": ["aktiv", "avslutad"],
    "da": ["aktiv", "opsagt"],
    "fi": ["aktiivinen", "päättynyt"],
    "tr": ["aktif", "pasif"],
}

HELLO = {
    "en": ["Hi", "Hello", "Dear"],
    "fr": ["Bonjour", "Madame, Monsieur,"],
    "de": ["Hallo", "Sehr geehrte Damen und Herren,", "Guten Tag"],
    "es": ["Hola", "Buenos días", "Estimados:"],
    "it": ["Buongiorno", "Salve", "Gentili signori,"],
    "pt": ["Olá", "Bom dia", "Boa tarde"],
    "nl": ["Hallo", "Beste", "Geachte heer/mevrouw,"],
    "pl": ["Dzień dobry", "Witam", "Szanowni Państwo,"],
    "sv": ["Hej", "Hejsan"],
    "da": ["Hej", "Kære"],
    "fi": ["Hei", "Moi"],
    "tr": ["Merhaba", "İyi günler"],
}

# ================================================================ structured scenarios
STRUCT = []


def sc(*langs, weight=1):
    def deco(fn):
        STRUCT.append((fn.__name__, fn, set(langs) if langs else None, weight))
        return fn

    return deco


DEPTS = ["IT", "Finance", "Ops", "Sales", "R&D", "Marketing", "Logistics", "HR", "Support"]


def _cell(k, p, lang, snake):
    if k == "status":
        return ch(STATUS[lang])
    if k == "date":
        return plain_date().isoformat() if snake else dob_num(lang, plain_date(), p.cc)
    if k == "dob":
        return V("dob", p, lang, fmt="iso" if snake and chance(0.7) else "num")
    if k == "dept":
        return ch(DEPTS)
    if k == "amount":
        return f"{R.randint(10, 4000)}.{rdig(2)}" if snake else f"{R.randint(10, 4000)},{rdig(2)}"
    v = V(k, p, lang)
    if chance(0.06):
        v = " " + v
    if chance(0.06):
        v = v + "  "
    return v


def _hdr_extra(k, lang, snake):
    extra = {
        "status": ("status", FL[lang]["status"]),
        "date": (ch(["created_at", "signup_date", "last_order"]), FL[lang]["date"]),
        "dept": (
            "department",
            {
                "de": "Abteilung",
                "fr": "Service",
                "es": "Departamento",
                "it": "Reparto",
                "pt": "Departamento",
                "nl": "Afdeling",
                "pl": "Dział",
            }.get(lang, "Department"),
        ),
        "amount": ("amount", FL[lang]["amount"]),
    }
    if k in extra:
        return extra[k][0] if snake else extra[k][1]
    return hdr(lang, k, snake)


def _csv_generic(lang, cols, ps, task_opts, intro_extra=""):
    snake = chance(0.5)
    delim = ch([",", ",", ";", "\t"]) if lang != "en" else ch([",", ",", ",", "\t"])
    header = [_hdr_extra(k, lang, snake) for k in cols]
    rows = [[_cell(k, p, lang, snake) for k in cols] for p in ps]
    if chance(0.35) and len(ps) > 2:  # duplicate person, slightly different
        p = R.choice(ps)
        p2 = p
        rows.insert(R.randrange(len(rows) + 1), [_cell(k, p2, lang, snake) for k in cols])
    with_header = chance(0.78)
    quote_all = chance(0.2)
    body = to_csv(rows, header if with_header else None, delim, quote_all)
    instruction = instr(ch(task_opts), lang)
    if not with_header and chance(0.5):
        instruction += (
            {
                "en": " (no header row, columns are ",
                "fr": " (pas d'en-tête, colonnes : ",
                "de": " (ohne Kopfzeile, Spalten: ",
                "es": " (sin cabecera, columnas: ",
                "it": " (senza intestazione, colonne: ",
                "pt": " (sem cabeçalho, colunas: ",
                "nl": " (geen header, kolommen: ",
                "pl": " (bez nagłówka, kolumny: ",
            }.get(lang, " (no header: ")
            + ", ".join(header)
            + ")"
        )
    if chance(0.3):
        body = fence(body, ch(["csv", "", "tsv" if delim == "\t" else "csv"]))
    return join_prompt(instruction + intro_extra, body)


@sc(weight=3)
def csv_crm(lang):
    ps = people(lang, R.randint(3, 7))
    cols = (
        ["customer_no"] + ch([["first_name", "last_name"], ["name"], ["last_name", "first_name"]]) + ["email"]
    )
    if chance(0.8):
        cols.append("phone")
    if chance(0.5):
        cols += ["street", "postcode", "city"]
    if chance(0.3):
        cols.append("dob")
    if chance(0.5):
        cols.append("status")
    if chance(0.3):
        cols.append("date")
    return "csv", "crm-export", _csv_generic(lang, cols, ps, ["csv_clean", "dedupe", "to_json", "csv_clean"])


@sc(weight=2)
def csv_hr(lang):
    ps = people(lang, R.randint(3, 6))
    cols = ch([["name"], ["first_name", "last_name"]]) + ["dept", "dob"]
    cols += R.sample(["id", "iban", "phone", "email", "address"], R.randint(2, 4))
    if chance(0.4):
        cols.append("date")
    for p in ps:
        p._c = {"work_email": p.work_email()}
    return "csv", "hr-export", _csv_generic(lang, cols, ps, ["csv_clean", "to_json", "validate"])


@sc(weight=2)
def csv_patients(lang):
    ps = people(lang, R.randint(3, 6))
    cols = ["mrn", "name", "dob", "diagnosis", "medication"]
    if chance(0.4):
        cols.insert(2, "phone")
    txt = _csv_generic(lang, cols, ps, ["handover", "format_table", "to_json"])
    return "csv", "patient-list", txt


@sc(weight=1)
def csv_newsletter(lang):
    ps = people(lang, R.randint(4, 9))
    cols = ["email", "first_name", "date"] + (["status"] if chance(0.5) else [])
    if chance(0.3):
        cols.insert(2, "postcode")
        cols = [c for c in cols]
    if "postcode" in cols:
        cols.remove("postcode")
    return "csv", "newsletter", _csv_generic(lang, cols, ps, ["csv_clean", "dedupe"])


@sc(weight=2)
def csv_claims(lang):
    ps = people(lang, R.randint(2, 5))
    snake = chance(0.5)
    delim = ch([",", ";"])
    desc = {
        "en": [
            "water damage kitchen",
            "windscreen crack",
            "bike stolen at station",
            "hail damage to car roof",
        ],
        "fr": ["dégât des eaux cuisine", "bris de glace", "vol de vélo", "grêle sur la voiture"],
        "de": ["Wasserschaden Küche", "Steinschlag Frontscheibe", "Fahrraddiebstahl", "Hagelschaden Dach"],
        "es": ["daños por agua en cocina", "rotura de luna", "robo de bicicleta", "granizo en el coche"],
        "it": ["danni da acqua in cucina", "rottura parabrezza", "furto bicicletta", "grandine sull'auto"],
        "pt": ["danos por água na cozinha", "vidro partido", "furto de bicicleta", "granizo no carro"],
        "nl": ["waterschade keuken", "ruitschade", "fiets gestolen", "hagelschade auto"],
        "pl": ["zalanie kuchni", "pęknięta szyba", "kradzież roweru", "grad uszkodził auto"],
    }.get(lang, ["water damage", "glass breakage", "theft"])
    header = [
        hdr(lang, "policy_no", snake),
        hdr(lang, "name", snake),
        hdr(lang, "dob", snake),
        "claim_date" if snake else FL[lang]["date"],
        hdr(lang, "amount", snake),
        "description" if snake else FL[lang]["notes"],
    ]
    health = chance(0.4)
    rows = []
    for p in ps:
        d = ch(desc)
        if health:
            cond, med, _ = med_of(p, lang)
            d = (
                L("MEDICAL_CONDITION", cond)
                + ch([" - ", ": ", ", "])
                + {
                    "en": "specialist visit",
                    "de": "Facharztbesuch",
                    "fr": "consultation spécialiste",
                    "es": "consulta especialista",
                    "it": "visita specialistica",
                    "pt": "consulta especialidade",
                    "nl": "specialist",
                    "pl": "wizyta u specjalisty",
                }.get(lang, "visit")
            )
        rows.append(
            [
                V("policy_no", p, lang),
                V("name", p, lang, upper=chance(0.2)),
                V("dob", p, lang, fmt="iso" if snake else "num"),
                plain_date(2024, 2025).isoformat(),
                f"{R.randint(80, 9000)}{',' if delim == ';' else '.'}{rdig(2)}",
                d,
            ]
        )
    body = to_csv(rows, header if chance(0.85) else None, delim, chance(0.3))
    return (
        "csv",
        "insurance-claims",
        join_prompt(instr(ch(["summarize", "csv_clean", "to_json"]), lang), body),
    )


@sc(weight=1)
def csv_members(lang):
    ps = people(lang, R.randint(3, 6))
    cols = ["member_no", "first_name", "last_name", "username"] + R.sample(
        ["phone", "iban", "email", "dob"], 2
    )
    return "csv", "membership", _csv_generic(lang, cols, ps, ["csv_clean", "to_json", "dedupe"])


# ---------------------------------------------------------------- json
@sc(weight=2)
def json_api_users(lang):
    ps = people(lang, R.randint(1, 4))
    style = ch(["camel", "snake"])
    k = (lambda c, s: c) if style == "camel" else (lambda c, s: s)
    objs = []
    for p in ps:
        o = {"id": la_uuid() if chance(0.6) else R.randint(1000, 99999)}
        if chance(0.5):
            o[k("firstName", "first_name")] = V("first_name", p, lang)
            o[k("lastName", "last_name")] = V("last_name", p, lang)
        else:
            o[k("displayName", "full_name")] = V("name", p, lang)
        o["email"] = V("email", p, lang)
        if chance(0.7):
            o["phone"] = V("phone", p, lang, intl=True)
        if chance(0.6):
            o["address"] = {
                "street": V("street", p, lang),
                k("postalCode", "zip"): V("postcode", p, lang),
                "city": V("city", p, lang),
                "country": p.cc,
            }
        if chance(0.5):
            o[k("birthDate", "date_of_birth")] = V("dob", p, lang, fmt="iso")
        if chance(0.3):
            o[k("customerNumber", "customer_no")] = V("customer_no", p, lang)
        o[k("createdAt", "created_at")] = (
            la_ts()
            if chance(0.3)
            else f"{plain_date().isoformat()}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:00Z"
        )
        o[k("marketingOptIn", "marketing_opt_in")] = chance(0.5)
        objs.append(o)
    root = (
        {"data": objs, "meta": {"page": 1, "per_page": 25, "total": len(objs)}}
        if chance(0.6)
        else (objs[0] if len(objs) == 1 else objs)
    )
    body = jdump(root, indent=ch([2, 2, 4, None]))
    if chance(0.5):
        body = fence(body, "json")
    task = ch(["to_json", "summarize", "extract", "debug"])
    ins = {
        "to_json": {
            "en": "Turn this API response into a CSV:",
            "fr": "Transforme cette réponse d'API en CSV :",
            "de": "Mach aus dieser API-Antwort eine CSV:",
            "es": "Convierte esta respuesta de la API a CSV:",
            "it": "Trasforma questa risposta API in CSV:",
            "pt": "Converte esta resposta da API em CSV:",
            "nl": "Zet deze API-response om naar CSV:",
            "pl": "Zamień tę odpowiedź API na CSV:",
        }.get(lang)
    }.get(task) or instr(task, lang)
    return "json", "api-response", join_prompt(typo(ins, 0.2), body)


@sc(weight=2)
def json_in_log(lang):
    p = person(lang)
    inner = {
        "firstName": V("first_name", p, lang),
        "lastName": V("last_name", p, lang),
        "email": V("email", p, lang),
    }
    if chance(0.6):
        inner["phone"] = V("phone", p, lang, intl=True)
    if chance(0.5):
        inner["dob"] = V("dob", p, lang, fmt="iso")
    if chance(0.4):
        inner["iban"] = V("iban", p, lang, spaced=False)
    if chance(0.4):
        inner["shipping"] = {
            "line1": V("street", p, lang),
            "zip": V("postcode", p, lang),
            "city": V("city", p, lang),
        }
    inner_s = jdump(inner, ascii_=chance(0.3))
    esc = jdump(inner_s)
    svc = ch(["checkout-svc", "crm-sync", "signup-api", "billing-worker", "kyc-adapter"])
    ts = f"2025-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}.{rdig(3)}Z"
    req = la_uuid()
    lines = [
        f"{ts} INFO  [{svc}] request_id={req} received POST /v1/customers",
        f'{ts} ERROR [{svc}] request_id={req} failed to persist customer payload={esc} err="duplicate key value violates unique constraint \\"customers_email_key\\""',
    ]
    if chance(0.5):
        lines = [
            json.dumps(
                {"ts": ts, "level": "error", "svc": svc, "msg": "validation failed", "body": "__B__"}
            ).replace('"__B__"', esc)
        ]
    if chance(0.4):
        lines.append(f"{ts} WARN  [{svc}] retry 1/3 request_id={req}")
    return "kv-log", "app-log", join_prompt(instr("debug", lang), "\n".join(lines))


@sc(weight=2)
def json_order_webhook(lang):
    p = person(lang)
    order = {
        "event": ch(["order.created", "order.paid", "checkout.completed"]),
        "order": {
            "id": la_order(),
            "total": f"{R.randint(10, 900)}.{rdig(2)}",
            "currency": ch(["EUR", "EUR", "PLN", "GBP", "SEK", "DKK", "TRY"]),
            "customer": {
                "customer_id": V("customer_no", p, lang),
                "first_name": V("first_name", p, lang),
                "last_name": V("last_name", p, lang),
                "email": V("email", p, lang),
                "phone": V("phone", p, lang, intl=True),
            },
            "shipping_address": {
                "name": V("name", p, lang),
                "line1": V("street", p, lang),
                "postal_code": V("postcode", p, lang),
                "city": V("city", p, lang),
                "country": p.cc,
            },
            "payment": {"method": "card", "brand": ch(["visa", "mastercard"]), "last4": rdig(4)},
        },
        "client_ip": V("ip", p, lang),
        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
    }
    if chance(0.4):
        order["order"]["notes"] = {
            "en": "please leave with neighbour",
            "de": "bitte beim Nachbarn abgeben",
            "fr": "laisser chez le voisin svp",
            "nl": "graag bij de buren afgeven",
            "pl": "proszę zostawić u sąsiada",
        }.get(lang, "-")
    body = jdump(order, indent=2)
    if chance(0.6):
        body = fence(body, "json")
    ins = {
        "en": "Our webhook handler crashes on this payload, why? (python, KeyError 'phone_number')",
        "de": "Unser Webhook-Handler stürzt bei diesem Payload ab, warum?",
        "fr": "Notre handler de webhook plante sur ce payload, pourquoi ?",
        "es": "Nuestro webhook falla con este payload, ¿por qué?",
        "it": "Il nostro webhook va in errore con questo payload, perché?",
        "pt": "O nosso webhook rebenta com este payload, porquê?",
        "nl": "Onze webhook-handler crasht op deze payload, waarom?",
        "pl": "Nasz webhook wywala się na tym payloadzie, czemu?",
        "sv": "Vår webhook kraschar på denna payload, varför?",
        "da": "Vores webhook crasher på denne payload, hvorfor?",
        "fi": "Webhook kaatuu tähän payloadiin, miksi?",
        "tr": "Webhook bu payload ile çöküyor, neden?",
    }[lang]
    return "json", "order-webhook", join_prompt(ins, body)


# ---------------------------------------------------------------- yaml
@sc(weight=2)
def yaml_fixture(lang):
    ps = people(lang, R.randint(2, 4))
    out = [
        ch(
            [
                "# seed data for staging",
                "# fixtures/users.yml",
                "# test users (copied from prod, TODO anonymise)",
                "---",
            ]
        ),
        "users:",
    ]
    broken = chance(0.4)
    for i, p in enumerate(ps):
        ind = "    " if (broken and i == 1) else "  "
        out.append(f"{ind}- username: {V('username', p, lang)}")
        out.append(
            f"{ind}  full_name: {V('name', p, lang)}"
            if chance(0.6)
            else f"{ind}  first_name: {V('first_name', p, lang)}\n{ind}  last_name: {V('last_name', p, lang)}"
        )
        out.append(f"{ind}  email: {V('email', p, lang)}")
        if chance(0.7):
            out.append(f'{ind}  phone: "{V("phone", p, lang, intl=True)}"')
        if chance(0.5):
            out.append(f"{ind}  birth_date: {V('dob', p, lang, fmt='iso')}")
        if chance(0.3):
            out.append(f'{ind}  address: "{V("address", p, lang)}"')
        out.append(f"{ind}  roles: [{ch(['editor', 'viewer', 'admin', 'billing'])}]")
    task = ch(["fix_yaml", "to_json", "code"])
    return (
        "yaml",
        "test-fixture",
        join_prompt(instr(task, lang), fence("\n".join(out), "yaml") if chance(0.5) else "\n".join(out)),
    )


@sc(weight=2)
def yaml_onboarding(lang):
    p, e = person(lang), person(lang)
    rel = {
        "en": ["spouse", "mother", "partner", "brother"],
        "fr": ["conjoint", "mère", "frère"],
        "de": ["Ehefrau", "Mutter", "Partner", "Bruder"],
        "es": ["esposa", "madre", "hermano"],
        "it": ["moglie", "madre", "fratello"],
        "pt": ["esposa", "mãe", "irmão"],
        "nl": ["partner", "moeder", "broer"],
        "pl": ["żona", "matka", "brat"],
        "sv": ["make", "mamma"],
        "da": ["ægtefælle", "mor"],
        "fi": ["puoliso", "äiti"],
        "tr": ["eşi", "annesi"],
    }[lang]
    nid_line = f'  tax_id: "{V("id", p, lang)}"\n' if p.cc in NID_CCS and chance(0.8) else ""
    y = (
        f'employee:\n  name: {V("name", p, lang)}\n  personal_email: {V("email", p, lang)}\n  mobile: "{V("phone", p, lang)}"\n'
        f'  date_of_birth: {V("dob", p, lang, fmt="iso")}\n  home_address:\n    street: {V("street", p, lang)}\n    postcode: "{V("postcode", p, lang)}"\n'
        f"    city: {V('city', p, lang)}\n{nid_line}  payroll:\n    iban: {V('iban', p, lang, spaced=False)}\n    start_date: {plain_date(2025, 2025).isoformat()}\n"
        f'  emergency_contact:\n    name: {V("name", e, lang)}\n    relation: {ch(rel)}\n    phone: "{V("phone", e, lang)}"\n'
    )
    ins = {
        "en": "Generate the HR system import from this YAML (fields: name, email, iban, tax id)",
        "de": "Erzeuge aus dem YAML den Import für unser HR-System:",
        "fr": "Génère l'import pour notre SIRH à partir de ce YAML :",
        "es": "Genera la importación para el sistema de RRHH desde este YAML:",
        "it": "Genera l'import per il gestionale HR da questo YAML:",
        "pt": "Gera a importação para o sistema de RH a partir deste YAML:",
        "nl": "Maak de import voor ons HR-systeem op basis van deze YAML:",
        "pl": "Przygotuj import do systemu kadrowego z tego YAML-a:",
        "sv": "Skapa importen till HR-systemet från denna YAML:",
        "da": "Lav importen til HR-systemet ud fra denne YAML:",
        "fi": "Tee HR-järjestelmän tuonti tästä YAML:sta:",
        "tr": "Bu YAML'dan İK sistemi için içe aktarma oluştur:",
    }[lang]
    return "yaml", "hr-onboarding", join_prompt(ins if chance(0.6) else instr("fix_yaml", lang), y.rstrip())


# ---------------------------------------------------------------- env / ini / properties
@sc(weight=2)
def env_app(lang):
    p, q = person(lang), person(lang)
    pw = password(lang)
    lines = [
        "APP_ENV=production",
        f"APP_URL=https://{ch(['portal', 'app', 'shop', 'intranet'])}.{ch(COMPANY_DOMAINS)}",
        f"ADMIN_EMAIL={V('email', p, lang, work=True)}",
        "MAIL_HOST=smtp.office365.com",
        "MAIL_PORT=587",
        f"MAIL_USERNAME={V('email', q, lang)}",
        f"MAIL_PASSWORD={L('SECRET', pw)}",
    ]
    if chance(0.6):
        lines.append(f'ONCALL_PHONE="{V("phone", p, lang, intl=True)}"  # {L("PERSON", p.first)}\'s mobile')
    if chance(0.5):
        lines.append(
            f"DATABASE_URL=postgresql://app_rw:{L('SECRET', password(lang, 'strong').replace('@', 'x').replace('/', 'y').replace('#', 'h'))}@db-prod-01:5432/app"
        )
    if chance(0.4):
        lines.append(f"INVOICE_SENDER_IBAN={V('iban', p, lang, spaced=False)}")
    lines += ["LOG_LEVEL=info", f"CACHE_TTL={ch([300, 600, 3600])}"]
    R.shuffle(lines[2:])
    ins = {
        "en": "Mails aren't being sent from prod, here's the .env — anything wrong?",
        "de": "Auf Prod gehen keine Mails raus, hier die .env – siehst du was?",
        "fr": "Les mails ne partent pas en prod, voici le .env, tu vois un souci ?",
        "es": "En producción no salen los correos, te paso el .env:",
        "it": "In produzione non partono le mail, ecco il .env:",
        "pt": "Em produção os e-mails não saem, segue o .env:",
        "nl": "Op productie gaan er geen mails uit, hier is de .env:",
        "pl": "Na produkcji nie wychodzą maile, tu jest .env:",
        "sv": "Mejlen skickas inte från prod, här är .env:",
        "da": "Der bliver ikke sendt mails fra prod, her er .env:",
        "fi": "Tuotannosta ei lähde sähköposteja, tässä .env:",
        "tr": "Prod'dan mail gitmiyor, .env burada:",
    }[lang]
    return (
        "env",
        "app-config",
        join_prompt(ins, "\n".join(lines) if chance(0.5) else fence("\n".join(lines), "env")),
    )


@sc(weight=2)
def ini_contacts(lang):
    p, q = person(lang), person(lang)
    if chance(0.5):
        body = (
            f"[owner]\nname = {V('name', p, lang)}\nemail = {V('email', p, lang)}\nphone = {V('phone', p, lang)}\n\n"
            f"[billing]\naccount_holder = {V('name', q, lang)}\ncustomer_number = {V('customer_no', q, lang)}\niban = {V('iban', q, lang, spaced=False)}\n\n"
            f"[sync]\ninterval = 15m\nretries = 3\nendpoint = https://sync.{ch(COMPANY_DOMAINS)}/v2"
        )
        fmt_note = "config.ini"
    else:
        body = (
            f"# notification settings\nnotification.enabled=true\nnotification.recipient.name={V('name', p, lang)}\n"
            f"notification.recipient.email={V('email', p, lang, work=True)}\nsms.fallback.number={V('phone', p, lang, intl=True)}\n"
            f"escalation.contact={V('email', q, lang)}\nescalation.username={V('username', q, lang)}\nretry.backoff.ms=2500"
        )
        fmt_note = "application.properties"
    ins = {
        "en": f"Convert this {fmt_note} to YAML:",
        "de": f"Konvertier die {fmt_note} bitte nach YAML:",
        "fr": f"Convertis ce {fmt_note} en YAML :",
        "es": f"Convierte este {fmt_note} a YAML:",
        "it": f"Converti questo {fmt_note} in YAML:",
        "pt": f"Converte este {fmt_note} para YAML:",
        "nl": f"Zet deze {fmt_note} om naar YAML:",
        "pl": f"Przerób ten {fmt_note} na YAML:",
        "sv": f"Konvertera {fmt_note} till YAML:",
        "da": f"Konvertér {fmt_note} til YAML:",
        "fi": f"Muunna {fmt_note} YAML-muotoon:",
        "tr": f"Bu {fmt_note} dosyasını YAML'a çevir:",
    }[lang]
    return "ini", "contacts-config", join_prompt(ins, body)


# ---------------------------------------------------------------- logs
@sc(weight=2)
def kv_auth_log(lang):
    ps = people(lang, R.randint(2, 3))
    lines = []
    base = datetime.datetime(2025, R.randint(1, 12), R.randint(1, 28), R.randint(0, 22), R.randint(0, 59))
    for i in range(R.randint(4, 7)):
        p = R.choice(ps)
        t = (base + datetime.timedelta(seconds=37 * i + R.randint(0, 30))).strftime("%Y-%m-%dT%H:%M:%SZ")
        ev = ch(
            [
                "login_failed",
                "login_failed",
                "login_ok",
                "password_reset_requested",
                "mfa_sms_sent",
                "account_locked",
            ]
        )
        if ev == "password_reset_requested":
            tail = f"email={V('email', p, lang)}"
        elif ev == "mfa_sms_sent":
            tail = f'user={V("username", p, lang)} phone="{V("phone", p, lang, intl=True)}"'
        else:
            tail = f"user={V('username', p, lang)}"
        lines.append(
            f'ts={t} level={"warn" if "fail" in ev or "lock" in ev else "info"} svc=auth event={ev} {tail} ip={V("ip", p, lang)} ua="{ch(["okhttp/4.12", "Mozilla/5.0", "curl/8.5.0"])}"'
        )
    return (
        "kv-log",
        "auth-log",
        join_prompt(
            instr("debug", lang)
            if chance(0.5)
            else {
                "en": "Is this a brute force attempt? what should we do",
                "de": "Ist das ein Brute-Force-Versuch?",
                "fr": "C'est une attaque par force brute ?",
                "pl": "Czy to atak brute force?",
                "nl": "Is dit een brute-force-aanval?",
            }.get(lang, instr("debug", lang)),
            "\n".join(lines),
        ),
    )


@sc(weight=2)
def kv_access_log(lang):
    ps = people(lang, R.randint(1, 3))
    lines = []
    for i in range(R.randint(3, 6)):
        p = R.choice(ps)
        day = f"{R.randint(10, 28)}/{ch(['Mar', 'Apr', 'Oct', 'Nov'])}/2025:{R.randint(10, 23)}:{R.randint(10, 59)}:{R.randint(10, 59)} +0100"
        if chance(0.5):
            q = f"/account/lookup?email={V('email', p, lang)}&ref=nl"
        elif chance(0.5):
            q = f"/api/v1/customers/{V('customer_no', p, lang)}/invoices"
        else:
            q = f"/static/app.{la_sha(8)}.js"
        lines.append(
            f'{V("ip", p, lang)} - - [{day}] "GET {q} HTTP/1.1" {ch([200, 200, 304, 404, 500])} {R.randint(200, 90000)} "-" "Mozilla/5.0"'
        )
    ins = {
        "en": "Can you parse these nginx lines into a table (ip, path, status)?",
        "de": "Kannst du die nginx-Zeilen in eine Tabelle parsen?",
        "fr": "Tu peux parser ces lignes nginx en tableau ?",
        "es": "¿Puedes parsear estas líneas de nginx en una tabla?",
        "it": "Puoi estrarre queste righe nginx in una tabella?",
        "pt": "Consegues passar estas linhas do nginx para uma tabela?",
        "nl": "Kun je deze nginx-regels in een tabel zetten?",
        "pl": "Możesz sparsować te linie z nginx do tabeli?",
    }.get(lang, instr("debug", lang))
    return "kv-log", "access-log", join_prompt(ins, "\n".join(lines))


# ---------------------------------------------------------------- http
def _urlenc(s):
    from urllib.parse import quote

    return quote(s, safe="")


@sc(weight=2)
def http_post(lang):
    p = person(lang)
    host = ch(["api.", "crm.", "backend.", "portal-api."]) + ch(COMPANY_DOMAINS)
    body = {
        "first_name": V("first_name", p, lang),
        "last_name": V("last_name", p, lang),
        "email": V("email", p, lang),
        "phone": V("phone", p, lang, intl=True),
    }
    if chance(0.5):
        body["birth_date"] = V("dob", p, lang, fmt="iso")
    if chance(0.4):
        body["address"] = V("address", p, lang)
    if chance(0.3) and p.cc in NID_CCS:
        body["national_id"] = V("id", p, lang)
    hdrs = [
        f"POST /api/v2/{ch(['customers', 'leads', 'contacts', 'signups'])} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"User-Agent: {ch(['PostmanRuntime/7.39.0', 'axios/1.7.2', 'python-requests/2.32.3'])}",
    ]
    if chance(0.7):
        hdrs.append(f"Authorization: Bearer {L('SECRET', tk_jwt(email=None))}")
    if chance(0.5):
        hdrs.append(
            f"Cookie: {ch(['sessionid', 'JSESSIONID', 'connect.sid', '_session'])}={L('SECRET', tok(B62, ch([32, 40])))}; lang={lang}"
        )
    if chance(0.5):
        hdrs.append(f"X-Forwarded-For: {V('ip', p, lang)}")
    hdrs.append(f"X-Request-Id: {la_uuid()}")
    req = "\n".join(hdrs) + "\n\n" + jdump(body, indent=2)
    resp = ""
    if chance(0.6):
        resp = "\n\nHTTP/1.1 422 Unprocessable Entity\nContent-Type: application/json\n\n" + jdump(
            {"error": "validation_failed", "field": ch(["phone", "birth_date", "email"])}
        )
    return "http", "api-request", join_prompt(instr("debug", lang), req + resp)


@sc(weight=2)
def http_get_query(lang):
    p = person(lang)
    enc = chance(0.5)
    em = p.email
    ph = p.mobile_intl
    em_s = _urlenc(em) if enc else em
    ph_s = _urlenc(ph) if enc else ph.replace(" ", "")
    qs = f"email={L('EMAIL_ADDRESS', em_s)}"
    if chance(0.6):
        qs += f"&phone={L('PHONE_NUMBER', ph_s)}"
    if chance(0.5):
        qs += f"&dob={V('dob', p, lang, fmt='iso')}"
    if chance(0.4):
        qs += f"&last_name={L('PERSON', _urlenc(p.last) if enc else p.last.replace(' ', '+'))}"
    qs += f"&utm_source=newsletter&page={R.randint(1, 5)}"
    host = ch(["shop.", "www.", "kundenportal.", "m."]) + ch(COMPANY_DOMAINS)
    req = (
        f"GET /api/v1/customers/search?{qs} HTTP/1.1\nHost: {host}\nAccept: application/json\n"
        f"Referer: https://{host}/account\nX-Real-IP: {V('ip', p, lang)}\n"
    )
    if chance(0.5):
        req += f"Cookie: session={L('SECRET', tok(HEX, 48))}\n"
    ins = {
        "en": "This request returns an empty array even though the customer exists. Why?",
        "de": "Der Request liefert ein leeres Array, obwohl es den Kunden gibt. Warum?",
        "fr": "Cette requête renvoie un tableau vide alors que le client existe. Pourquoi ?",
        "es": "Esta petición devuelve un array vacío aunque el cliente existe, ¿por qué?",
        "it": "Questa richiesta restituisce un array vuoto anche se il cliente esiste. Perché?",
        "pt": "Este pedido devolve um array vazio apesar de o cliente existir. Porquê?",
        "nl": "Deze request geeft een lege array terug terwijl de klant bestaat. Hoe kan dat?",
        "pl": "To zapytanie zwraca pustą tablicę, choć klient istnieje. Dlaczego?",
        "sv": "Anropet returnerar en tom lista fast kunden finns. Varför?",
        "da": "Kaldet returnerer et tomt array, selvom kunden findes. Hvorfor?",
        "fi": "Pyyntö palauttaa tyhjän taulukon vaikka asiakas on olemassa. Miksi?",
        "tr": "Müşteri var olduğu halde bu istek boş dizi döndürüyor. Neden?",
    }[lang]
    return "http", "search-request", join_prompt(ins, req.rstrip())


# ---------------------------------------------------------------- sql
def _sq(s):
    return "'" + s + "'"


@sc(weight=3)
def sql_insert(lang):
    ps = [p for p in people(lang, R.randint(2, 5)) if "'" not in p.full] or [person(lang)]
    table = ch(
        ["customers", "klienci", "kunden", "clientes", "clienti", "klanten", "users", "patients", "employees"]
    )
    opts = ch(
        [
            ["first_name", "last_name", "email", "phone"],
            ["name", "email", "dob", "iban"],
            ["first_name", "last_name", "dob", "id", "phone"],
            ["customer_no", "name", "email", "street", "postcode", "city"],
            ["username", "email", "first_name"],
            ["mrn", "name", "dob", "diagnosis"],
        ]
    )
    colnames = {
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
        "name": "full_name",
        "dob": "birth_date",
        "iban": "iban",
        "id": ch(["national_id", "pesel", "tax_id", "ssn", "nif"]),
        "customer_no": "customer_no",
        "street": "street",
        "postcode": "zip",
        "city": "city",
        "username": "username",
        "mrn": "mrn",
        "diagnosis": "diagnosis",
    }
    vals = []
    for p in ps:
        row = []
        for k in opts:
            if k == "dob":
                row.append(_sq(V("dob", p, lang, fmt="iso")))
            elif k == "iban":
                row.append(_sq(V("iban", p, lang, spaced=False)))
            else:
                row.append(_sq(V(k, p, lang)))
        if chance(0.5):
            row.append("NOW()")
        vals.append("(" + ", ".join(row) + ")")
    cols = [colnames[k] for k in opts] + (["created_at"] if vals[0].endswith("NOW())") else [])
    if any(v.endswith("NOW())") for v in vals) and not all(v.endswith("NOW())") for v in vals):
        pass  # deliberate column-count mismatch -> the 'bug' the user asks about
    sep = ch([",\n  ", ", ", ",\n"])
    stmt = f"INSERT INTO {table} ({', '.join(cols)}) VALUES\n  " + sep.join(vals) + ";"
    if chance(0.3):
        stmt = stmt.replace(";", "\nON CONFLICT (email) DO NOTHING;") if "email" in cols else stmt
    return (
        "sql",
        "db-migration",
        join_prompt(instr("fix_sql", lang), fence(stmt, "sql") if chance(0.5) else stmt),
    )


@sc(weight=2)
def sql_update(lang):
    p, q = person(lang), person(lang)
    if "'" in p.full + q.full:
        p, q = person(lang), person(lang)
    stmts = []
    r = R.random()
    if r < 0.33:
        stmts.append(
            f"UPDATE customers SET email = {_sq(V('email', p, lang))}, phone = {_sq(V('phone', p, lang))}\nWHERE customer_no = {_sq(V('customer_no', p, lang))};"
        )
        stmts.append(
            f"SELECT * FROM customers WHERE lower(last_name) = lower({_sq(V('last_name', p, lang))}) AND birth_date = {_sq(V('dob', p, lang, fmt='iso'))};"
        )
    elif r < 0.66:
        stmts.append(
            f"DELETE FROM newsletter_subscribers WHERE email IN ({_sq(V('email', p, lang))}, {_sq(V('email', q, lang))});"
        )
        stmts.append(f"-- GDPR request from {V('name', p, lang)}, ticket {la_order()}")
    else:
        col = ch(["national_id", "pesel", "bsn", "tax_id"]) if p.cc in NID_CCS else "passport_no"
        val = V("id", p, lang) if p.cc in NID_CCS else V("passport", p, lang)
        stmts.append(
            f"SELECT e.id, e.first_name, e.last_name, e.iban\nFROM employees e\nWHERE e.{col} = {_sq(val)}\n   OR e.username = {_sq(V('username', q, lang))};"
        )
    ins = {
        "en": "Is this query safe to run on prod? Any index I should add?",
        "de": "Kann ich das so auf Prod laufen lassen? Brauche ich einen Index?",
        "fr": "Je peux lancer ça en prod sans risque ? Il faut un index ?",
        "es": "¿Puedo lanzar esto en producción? ¿Hace falta un índice?",
        "it": "Posso lanciarla in produzione? Serve un indice?",
        "pt": "Posso correr isto em produção? Preciso de um índice?",
        "nl": "Kan ik dit veilig op productie draaien? Index nodig?",
        "pl": "Mogę to puścić na produkcji? Potrzebny indeks?",
        "sv": "Kan jag köra detta i produktion?",
        "da": "Kan jeg køre dette i produktion?",
        "fi": "Voinko ajaa tämän tuotannossa?",
        "tr": "Bunu prod'da çalıştırabilir miyim?",
    }[lang]
    return "sql", "db-maintenance", join_prompt(ins, "\n".join(stmts))


# ---------------------------------------------------------------- markdown tables
@sc(weight=3)
def md_roster(lang):
    ps = people(lang, R.randint(3, 6))
    kind = ch(["team", "emergency", "parents", "tenants"])
    if kind == "parents":
        kids = [Person(p.cc, name_origin=p.origin) for p in ps]
        head = {
            "en": ["Child", "Parent", "Mobile", "Email"],
            "de": ["Kind", "Elternteil", "Handy", "E-Mail"],
            "fr": ["Enfant", "Parent", "Portable", "E-mail"],
            "es": ["Niño/a", "Madre/Padre", "Móvil", "Correo"],
            "it": ["Bambino", "Genitore", "Cellulare", "Email"],
            "pt": ["Criança", "Encarregado", "Telemóvel", "E-mail"],
            "nl": ["Kind", "Ouder", "Mobiel", "E-mail"],
            "pl": ["Dziecko", "Rodzic", "Telefon", "E-mail"],
        }.get(lang, ["Child", "Parent", "Mobile", "Email"])
        rows = [
            [
                L("PERSON", k.first if chance(0.6) else f"{k.first} {p.last}"),
                V("name", p, lang),
                V("phone", p, lang),
                V("email", p, lang),
            ]
            for k, p in zip(kids, ps)
        ]
        ins = {
            "en": "Format this class contact list nicely, and sort by child name",
            "de": "Bitte die Klassenliste schön formatieren, sortiert nach Kind",
            "fr": "Mets en forme la liste des parents de la classe, triée par enfant",
            "es": "Formatea la lista de contactos de la clase, ordenada por niño",
            "it": "Sistema la lista dei contatti della classe, ordinata per bambino",
            "pt": "Formata a lista de contactos da turma, ordenada pela criança",
            "nl": "Maak de contactlijst van de klas netjes, gesorteerd op kind",
            "pl": "Sformatuj listę kontaktów klasy, posortuj po dziecku",
        }.get(lang, instr("format_table", lang))
    elif kind == "tenants":
        head = {
            "en": ["Unit", "Tenant", "Phone", "IBAN (rent)"],
            "de": ["Whg.", "Mieter", "Telefon", "IBAN (Miete)"],
            "fr": ["Lot", "Locataire", "Téléphone", "IBAN (loyer)"],
            "es": ["Piso", "Inquilino", "Teléfono", "IBAN"],
            "it": ["Int.", "Inquilino", "Telefono", "IBAN"],
            "pt": ["Fração", "Inquilino", "Telefone", "IBAN"],
            "nl": ["Nr.", "Huurder", "Telefoon", "IBAN"],
            "pl": ["Lokal", "Najemca", "Telefon", "IBAN"],
        }.get(lang, ["Unit", "Tenant", "Phone", "IBAN"])
        rows = [
            [
                f"{R.randint(1, 4)}{ch('ABCD')}",
                V("name", p, lang, reverse=chance(0.3)),
                V("phone", p, lang),
                V("iban", p, lang),
            ]
            for p in ps
        ]
        ins = instr(ch(["format_table", "validate"]), lang)
    else:
        role = (
            ["Lead", "Backend", "QA", "Design", "PM", "Ops", "Data"]
            if kind == "team"
            else ["Ersthelfer", "First aid", "Fire warden", "Security"]
        )
        head = (
            [FL[lang]["name"], "Role", FL[lang]["phone"], FL[lang]["email"]]
            if chance(0.6)
            else ["Name", "Role", "Mobile", "Email"]
        )
        if kind == "emergency" or chance(0.3):
            head.append(FL[lang]["dob"])
        rows = []
        for p in ps:
            r = [V("name", p, lang), ch(role), V("phone", p, lang), V("email", p, lang, work=chance(0.6))]
            if len(head) == 5:
                r.append(V("dob", p, lang))
            rows.append(r)
        ins = instr(ch(["format_table", "to_json", "extract"]), lang)
    return "markdown-table", "contact-list", join_prompt(ins, md_table(head, rows))


@sc(weight=1)
def md_patients(lang):
    ps = people(lang, R.randint(2, 5))
    head = [
        "Bed",
        FL[lang]["name"],
        FL[lang]["dob"],
        FL[lang]["mrn"],
        FL[lang]["diagnosis"],
        FL[lang]["medication"],
    ]
    rows = []
    for i, p in enumerate(ps):
        cond, med, _ = med_of(p, lang)
        rows.append(
            [
                str(R.randint(1, 30)) + ch("ab"),
                V("name", p, lang, upper=chance(0.3)),
                V("dob", p, lang),
                V("mrn", p, lang),
                L("MEDICAL_CONDITION", cond),
                L("MEDICATION", med) + " " + ch(DOSE),
            ]
        )
    return "markdown-table", "ward-list", join_prompt(instr("handover", lang), md_table(head, rows))


# ---------------------------------------------------------------- "Label: value" forms
_XL = {
    "nationality": "Nationality|Nationalité|Staatsangehörigkeit|Nacionalidad|Cittadinanza|Nacionalidade|Nationaliteit|Obywatelstwo|Medborgarskap|Nationalitet|Kansalaisuus|Uyruk",
    "doc": "ID document|Pièce d'identité|Ausweisdokument|Documento de identidad|Documento d'identità|Documento de identificação|Identiteitsbewijs|Dokument tożsamości|ID-handling|Legitimation|Henkilöllisyystodistus|Kimlik belgesi",
    "funds": "Source of funds|Origine des fonds|Herkunft der Mittel|Origen de los fondos|Origine dei fondi|Origem dos fundos|Herkomst van middelen|Źródło środków|Medlens ursprung|Midlernes oprindelse|Varojen alkuperä|Fon kaynağı",
    "job": "Occupation|Profession|Beruf|Profesión|Professione|Profissão|Beroep|Zawód|Yrke|Erhverv|Ammatti|Meslek",
    "emerg": "Emergency contact|Contact d'urgence|Notfallkontakt|Contacto de emergencia|Contatto di emergenza|Contacto de emergência|Contactpersoon bij nood|Kontakt w nagłych wypadkach|Nödkontakt|Nødkontakt|Hätäyhteyshenkilö|Acil durum kişisi",
    "allergies": "Allergies|Allergies|Allergien|Alergias|Allergie|Alergias|Allergieën|Alergie|Allergier|Allergier|Allergiat|Alerjiler",
    "gp": "GP|Médecin traitant|Hausarzt|Médico de cabecera|Medico di base|Médico de família|Huisarts|Lekarz rodzinny|Husläkare|Egen læge|Omalääkäri|Aile hekimi",
    "insurer": "Insurer / member no.|Mutuelle / n° adhérent|Krankenkasse / Versichertennr.|Aseguradora / nº socio|Assicurazione / n. tessera|Seguradora / nº beneficiário|Zorgverzekeraar / lidnr.|Ubezpieczyciel / nr|Försäkring / nr|Forsikring / nr.|Vakuutus / nro|Sigorta / üye no",
    "incident": "Date of incident|Date du sinistre|Schadendatum|Fecha del siniestro|Data del sinistro|Data do sinistro|Schadedatum|Data szkody|Skadedatum|Skadesdato|Vahinkopäivä|Hasar tarihi",
    "desc": "Description|Description|Schadenhergang|Descripción|Descrizione|Descrição|Omschrijving|Opis|Beskrivning|Beskrivelse|Kuvaus|Açıklama",
    "start": "Start date|Date d'entrée|Eintrittsdatum|Fecha de incorporación|Data di assunzione|Data de admissão|Startdatum|Data zatrudnienia|Startdatum|Startdato|Aloituspäivä|İşe başlama",
    "position": "Position|Poste|Position|Puesto|Ruolo|Função|Functie|Stanowisko|Befattning|Stilling|Tehtävä|Pozisyon",
    "company": "Company|Société|Firma|Empresa|Azienda|Empresa|Bedrijf|Firma|Företag|Virksomhed|Yritys|Şirket",
    "last_contact": "Last contact|Dernier contact|Letzter Kontakt|Último contacto|Ultimo contatto|Último contacto|Laatste contact|Ostatni kontakt|Senaste kontakt|Seneste kontakt|Viimeisin yhteys|Son temas",
    "reason": "Reason for visit|Motif de consultation|Vorstellungsgrund|Motivo de consulta|Motivo della visita|Motivo da consulta|Reden van komst|Powód wizyty|Besöksorsak|Årsag til besøg|Käynnin syy|Başvuru nedeni",
}
XL = {k: dict(zip(LANGS, v.split("|"))) for k, v in _XL.items()}
NATIONALITY = {
    "PL": "polska",
    "DE": "deutsch",
    "FR": "française",
    "ES": "española",
    "IT": "italiana",
    "PT": "portuguesa",
    "BR": "brasileira",
    "NL": "Nederlandse",
    "BE": "belge",
    "SE": "svensk",
    "DK": "dansk",
    "FI": "suomi",
    "TR": "T.C.",
    "GB": "British",
    "US": "US",
    "IE": "Irish",
    "CA": "Canadian",
    "AU": "Australian",
    "IN": "Indian",
    "ZA": "South African",
    "AT": "österreichisch",
    "CH": "Schweiz",
    "MX": "mexicana",
    "CL": "chilena",
}


JOBS = {
    "en": ["software engineer", "nurse", "teacher", "self-employed", "accountant", "bus driver"],
    "fr": ["infirmière", "enseignant", "ingénieur logiciel", "auto-entrepreneur", "comptable"],
    "de": ["Lehrerin", "Softwareentwickler", "Krankenpfleger", "selbstständig", "Buchhalterin"],
    "es": ["enfermera", "profesor", "autónomo", "ingeniera de software", "contable"],
    "it": ["infermiera", "insegnante", "libero professionista", "commercialista", "ingegnere"],
    "pt": ["enfermeira", "professor", "trabalhador independente", "engenheira informática", "contabilista"],
    "nl": ["verpleegkundige", "docent", "zzp'er", "software-ontwikkelaar", "boekhouder"],
    "pl": ["pielęgniarka", "nauczyciel", "własna działalność", "programista", "księgowa"],
    "sv": ["sjuksköterska", "lärare", "egenföretagare", "utvecklare"],
    "da": ["sygeplejerske", "lærer", "selvstændig", "udvikler"],
    "fi": ["sairaanhoitaja", "opettaja", "yrittäjä", "ohjelmistokehittäjä"],
    "tr": ["hemşire", "öğretmen", "serbest meslek", "yazılım mühendisi"],
}
FUNDS = {
    "en": ["salary", "savings", "inheritance", "sale of property"],
    "fr": ["salaire", "épargne", "héritage"],
    "de": ["Gehalt", "Ersparnisse", "Erbschaft"],
    "es": ["nómina", "ahorros", "herencia"],
    "it": ["stipendio", "risparmi", "eredità"],
    "pt": ["salário", "poupanças", "herança"],
    "nl": ["salaris", "spaargeld", "erfenis"],
    "pl": ["wynagrodzenie", "oszczędności", "spadek"],
    "sv": ["lön", "sparande", "arv"],
    "da": ["løn", "opsparing", "arv"],
    "fi": ["palkka", "säästöt", "perintö"],
    "tr": ["maaş", "birikim", "miras"],
}
PASSPORT_WORD = {
    "en": "Passport",
    "fr": "Passeport",
    "de": "Reisepass",
    "es": "Pasaporte",
    "it": "Passaporto",
    "pt": "Passaporte",
    "nl": "Paspoort",
    "pl": "Paszport",
    "sv": "Pass",
    "da": "Pas",
    "fi": "Passi",
    "tr": "Pasaport",
}
CARD_WORD = {
    "en": "Card number",
    "fr": "N° de carte",
    "de": "Kartennummer",
    "es": "Nº de tarjeta",
    "it": "N. carta",
    "pt": "Nº do cartão",
    "nl": "Kaartnummer",
    "pl": "Nr karty",
    "sv": "Kortnummer",
    "da": "Kortnummer",
    "fi": "Kortin numero",
    "tr": "Kart numarası",
}


def form_lines(pairs, sep=None):
    sep = sep or ch([": ", ": ", ":\t", " : " if True else ""])
    w = max(len(unmark(k)) for k, _ in pairs) + 1
    pad = chance(0.3)
    return "\n".join((k + ":").ljust(w + 1) + " " + v if pad else f"{k}{sep}{v}" for k, v in pairs)


@sc(weight=2)
def form_kyc(lang):
    p = person(lang)
    f, x = FL[lang], {k: v[lang] for k, v in XL.items()}
    doc_kind = ch(["passport", "id"]) if p.cc in NID_CCS else "passport"
    pairs = [
        (f["name"], V("name", p, lang, upper=chance(0.3))),
        (f["dob"], V("dob", p, lang)),
        (x["nationality"], NATIONALITY.get(p.cc, p.cc)),
    ]
    if doc_kind == "passport":
        pairs.append((x["doc"], f"{PASSPORT_WORD[lang]} {V('passport', p, lang)}"))
    else:
        pairs.append((x["doc"], f"{ch(NID_LABEL[p.cc])} {V('id', p, lang)}"))
    pairs += [
        (f["address"], V("address", p, lang)),
        (f["phone"], V("phone", p, lang)),
        (f["email"], V("email", p, lang)),
        (f["iban"], V("iban", p, lang)),
        (x["job"], ch(JOBS[lang])),
        (x["funds"], ch(FUNDS[lang])),
    ]
    if chance(0.3):
        pairs.append((CARD_WORD[lang], V("card", p, lang)))
    if chance(0.4):
        pairs.insert(1, (f["customer_no"], V("customer_no", p, lang)))
    body = form_lines(pairs)
    ins = {
        "en": "KYC check: does this onboarding record look complete? Flag anything suspicious.",
        "de": "KYC-Prüfung: Ist der Datensatz vollständig? Auffälligkeiten?",
        "fr": "Contrôle KYC : ce dossier est-il complet ? Signale ce qui cloche.",
        "es": "Revisión KYC: ¿está completo este expediente?",
        "it": "Verifica KYC: la pratica è completa?",
        "pt": "Verificação KYC: este registo está completo?",
        "nl": "KYC-check: is dit dossier compleet?",
        "pl": "Weryfikacja KYC: czy ten rekord jest kompletny?",
        "sv": "KYC-kontroll: är uppgifterna kompletta?",
        "da": "KYC-tjek: er oplysningerne komplette?",
        "fi": "KYC-tarkistus: ovatko tiedot täydelliset?",
        "tr": "KYC kontrolü: bu kayıt eksiksiz mi?",
    }[lang]
    return "form", "kyc", join_prompt(ins, body)


@sc(weight=2)
def form_onboarding(lang):
    p, e = person(lang), person(lang)
    f, x = FL[lang], {k: v[lang] for k, v in XL.items()}
    pairs = [
        (f["first_name"], V("first_name", p, lang)),
        (f["last_name"], V("last_name", p, lang)),
        (f["dob"], V("dob", p, lang)),
        (f["street"], V("street", p, lang)),
        (f["postcode"] + " / " + f["city"], V("postcode", p, lang) + " " + V("city", p, lang)),
        (f["phone"], V("phone", p, lang)),
        (f["email"], V("email", p, lang)),
    ]
    if p.cc in NID_CCS:
        pairs.append((ch(NID_LABEL[p.cc]).rstrip(":"), V("id", p, lang)))
    pairs += [
        (f["iban"], V("iban", p, lang)),
        (x["position"], ch(JOBS[lang])),
        (x["start"], dob_num(lang, plain_date(2025, 2025), p.cc)),
        (x["emerg"], V("name", e, lang) + f" ({V('phone', e, lang)})"),
    ]
    if chance(0.3):
        pairs.append((f["username"], V("username", p, lang)))
    if chance(0.25):
        pairs.insert(3, (f["passport"], V("passport", p, lang)))
    ins = instr(ch(["check_form", "to_json", "check_form"]), lang)
    return "form", "hr-onboarding", join_prompt(ins, form_lines(pairs))


@sc(weight=2)
def form_claim(lang):
    p = person(lang)
    f, x = FL[lang], {k: v[lang] for k, v in XL.items()}
    story = {
        "en": "Rear-ended at a red light on the ring road, bumper and tailgate damaged. Other driver admitted fault.",
        "fr": "Percuté à l'arrière à un feu rouge, pare-chocs et hayon endommagés. L'autre conducteur a reconnu sa faute.",
        "de": "An der roten Ampel von hinten aufgefahren, Stoßstange und Heckklappe beschädigt. Unfallgegner hat Schuld eingeräumt.",
        "es": "Me golpearon por detrás en un semáforo, parachoques y portón dañados. El otro conductor reconoció la culpa.",
        "it": "Tamponato al semaforo rosso, paraurti e portellone danneggiati. L'altro conducente ha ammesso la colpa.",
        "pt": "Embateram na traseira num semáforo vermelho, para-choques e porta da mala danificados.",
        "nl": "Van achteren aangereden bij rood licht, bumper en achterklep beschadigd.",
        "pl": "Najechano na mnie na czerwonym świetle, zderzak i klapa uszkodzone. Sprawca przyznał się do winy.",
        "sv": "Påkörd bakifrån vid rödljus, stötfångare skadad.",
        "da": "Påkørt bagfra ved rødt lys, kofanger beskadiget.",
        "fi": "Takaa-ajo liikennevaloissa, puskuri vaurioitui.",
        "tr": "Kırmızı ışıkta arkadan çarpıldı, tampon hasarlı.",
    }[lang]
    health = chance(0.35)
    pairs = [
        (f["policy_no"], V("policy_no", p, lang)),
        (f["name"], V("name", p, lang)),
        (f["dob"], V("dob", p, lang)),
        (f["address"], V("address", p, lang)),
        (f["phone"], V("phone", p, lang)),
        (x["incident"], dob_num(lang, plain_date(2025, 2025), p.cc)),
    ]
    if health:
        cond, med, _ = med_of(p, lang)
        pairs.append((f["diagnosis"], L("MEDICAL_CONDITION", cond)))
        pairs.append((f["medication"], L("MEDICATION", med) + " " + ch(DOSE)))
    else:
        pairs.append((x["desc"], story))
    if chance(0.5):
        pairs.append((f["iban"], V("iban", p, lang)))
    if chance(0.3):
        pairs.append(
            (
                ch(
                    [
                        "Licence plate",
                        "Kennzeichen",
                        "Immatriculation",
                        "Matrícula",
                        "Targa",
                        "Kenteken",
                        "Nr rejestracyjny",
                    ]
                ),
                ch(["B-KL 4821", "AB-123-CD", "1234 KLM", "GD 7P412", "XK-492-L"]),
            )
        )
    ins = {
        "en": "Write the claim acknowledgement letter for this:",
        "de": "Schreib das Bestätigungsschreiben zu dieser Schadenmeldung:",
        "fr": "Rédige le courrier d'accusé de réception pour ce sinistre :",
        "es": "Redacta la carta de acuse de recibo de este siniestro:",
        "it": "Scrivi la lettera di presa in carico per questo sinistro:",
        "pt": "Escreve a carta de confirmação deste sinistro:",
        "nl": "Schrijf de ontvangstbevestiging voor deze schademelding:",
        "pl": "Napisz potwierdzenie przyjęcia tej szkody:",
        "sv": "Skriv ett bekräftelsebrev för skadeanmälan:",
        "da": "Skriv kvitteringsbrevet for skadesanmeldelsen:",
        "fi": "Kirjoita vahinkoilmoituksen vastaanottokuittaus:",
        "tr": "Bu hasar bildirimi için onay mektubu yaz:",
    }[lang]
    return "form", "insurance-claim", join_prompt(ins, form_lines(pairs))


@sc(weight=3)
def form_intake(lang):
    p, gp, e = person(lang), person(lang), person(lang)
    f, x = FL[lang], {k: v[lang] for k, v in XL.items()}
    cond, med, key = med_of(p, lang)
    k2 = ch([k for k in COND if k != key])
    cond2 = COND[k2][lang]
    med2 = MED_LOCAL.get(lang, lambda m: m)(ch(MEDS[k2]))
    allergy = {
        "en": "penicillin allergy",
        "fr": "allergie à la pénicilline",
        "de": "Penicillinallergie",
        "es": "alergia a la penicilina",
        "it": "allergia alla penicillina",
        "pt": "alergia à penicilina",
        "nl": "penicillineallergie",
        "pl": "uczulenie na penicylinę",
        "sv": "penicillinallergi",
        "da": "penicillinallergi",
        "fi": "penisilliiniallergia",
        "tr": "penisilin alerjisi",
    }[lang]
    reason = {
        "en": "follow-up, dizziness",
        "fr": "suivi, vertiges",
        "de": "Kontrolle, Schwindel",
        "es": "control, mareos",
        "it": "controllo, vertigini",
        "pt": "seguimento, tonturas",
        "nl": "controle, duizeligheid",
        "pl": "kontrola, zawroty głowy",
        "sv": "uppföljning, yrsel",
        "da": "kontrol, svimmelhed",
        "fi": "kontrolli, huimaus",
        "tr": "kontrol, baş dönmesi",
    }[lang]
    pairs = [(f["name"], V("name", p, lang)), (f["dob"], V("dob", p, lang)), (f["mrn"], V("mrn", p, lang))]
    if chance(0.5):
        pairs.append(
            (
                x["insurer"],
                f"{ch(['AOK', 'TK', 'CPAM', 'Sanitas', 'Allianz', 'Zilveren Kruis', 'NFZ', 'Médis', 'Unimed', 'Bupa'])} / {V('member_no', p, lang)}",
            )
        )
    pairs += [
        (f["phone"], V("phone", p, lang)),
        (x["reason"], reason),
        (
            f["diagnosis"],
            L("MEDICAL_CONDITION", cond) + (", " + L("MEDICAL_CONDITION", cond2) if chance(0.5) else ""),
        ),
        (
            f["medication"],
            L("MEDICATION", med)
            + " "
            + ch(DOSE)
            + ("; " + L("MEDICATION", med2) + " " + ch(DOSE) if chance(0.5) else ""),
        ),
        (
            x["allergies"],
            L("MEDICAL_CONDITION", allergy)
            if chance(0.6)
            else {"en": "none known", "de": "keine bekannt", "fr": "aucune connue"}.get(lang, "-"),
        ),
        (x["gp"], ch(["Dr. ", "Dr ", "dr "]) + V("name", gp, lang)),
    ]
    if chance(0.5):
        pairs.append((x["emerg"], V("name", e, lang) + ", " + V("phone", e, lang)))
    if p.cc in NID_CCS and chance(0.3):
        pairs.insert(2, (ch(NID_LABEL[p.cc]).rstrip(":"), V("id", p, lang)))
    return (
        "form",
        "patient-intake",
        join_prompt(instr(ch(["handover", "check_form", "translate"]), lang), form_lines(pairs)),
    )


@sc(weight=2)
def form_crm(lang):
    p, agent = person(lang), person(lang)
    f, x = FL[lang], {k: v[lang] for k, v in XL.items()}
    sal = {
        "en": (["Mr", "Ms"], "Called {t} {s}, wants to downgrade plan. {s2} prefers email."),
        "fr": (
            ["M.", "Mme"],
            "Appel de {t} {s}, souhaite changer de formule. {s2} préfère être contacté(e) par mail.",
        ),
        "de": (
            ["Herr", "Frau"],
            "{t} {s} hat angerufen, möchte den Tarif wechseln. Bitte {s2} nur per Mail kontaktieren.",
        ),
        "es": (["Sr.", "Sra."], "Llamó {t} {s}, quiere cambiar de tarifa. {s2} prefiere correo."),
        "it": (["Sig.", "Sig.ra"], "Ha chiamato {t} {s}, vuole cambiare piano. {s2} preferisce la mail."),
        "pt": (["Sr.", "Sra."], "Ligou {t} {s}, quer mudar de plano. {s2} prefere e-mail."),
        "nl": (
            ["dhr.", "mevr."],
            "{t} {s} belde, wil overstappen naar een kleiner pakket. {s2} wil liever mail.",
        ),
        "pl": (["Pan", "Pani"], "Dzwonił(a) {t} {s}, chce zmienić pakiet. {s2} woli kontakt mailowy."),
        "sv": (["", ""], "{s} ringde, vill byta abonnemang. {s2} föredrar mejl."),
        "da": (["", ""], "{s} ringede, vil skifte abonnement. {s2} foretrækker mail."),
        "fi": (["", ""], "{s} soitti, haluaa vaihtaa liittymää. {s2} toivoo yhteydenottoa sähköpostilla."),
        "tr": (["Bey", "Hanım"], "{s} {t} aradı, paket değiştirmek istiyor. {s2} e-posta tercih ediyor."),
    }[lang]
    t = sal[0][0 if p.gender == "m" else 1]
    note = (
        sal[1]
        .format(t=t, s=L("PERSON", p.last), s2=L("PERSON", p.last if chance(0.5) else p.first))
        .replace("  ", " ")
        .strip()
    )
    pairs = [
        (f["customer_no"], V("customer_no", p, lang)),
        (f["name"], V("name", p, lang)),
        (
            x["company"],
            {
                "en": "private customer",
                "fr": "particulier",
                "de": "Privatkunde",
                "es": "particular",
                "it": "privato",
                "pt": "particular",
                "nl": "particulier",
                "pl": "osoba prywatna",
                "sv": "privatperson",
                "da": "privat",
                "fi": "yksityishenkilö",
                "tr": "bireysel",
            }[lang]
            if chance(0.7)
            else "-",
        ),
        (f["email"], V("email", p, lang)),
        (f["phone"], V("phone", p, lang)),
        (f["username"], V("username", p, lang)),
        (
            x["last_contact"],
            dob_num(lang, plain_date(2025, 2025), p.cc) + " (" + L("PERSON", agent.first) + ")",
        ),
        (f["notes"], note),
    ]
    if chance(0.4):
        pairs.insert(5, (f["contract_no"], V("contract_no", p, lang)))
    return (
        "form",
        "crm-record",
        join_prompt(instr(ch(["summarize", "reply", "rewrite"]), lang), form_lines(pairs)),
    )


RENTAL = {
    "en": ("Car rental booking", "Pick-up", "Return", "Renter", "Additional driver", "Payment"),
    "fr": ("Réservation de location", "Départ", "Retour", "Locataire", "Conducteur additionnel", "Paiement"),
    "de": ("Mietwagenbuchung", "Abholung", "Rückgabe", "Mieter", "Zusatzfahrer", "Zahlung"),
    "es": ("Reserva de alquiler", "Recogida", "Devolución", "Arrendatario", "Conductor adicional", "Pago"),
    "it": (
        "Prenotazione noleggio",
        "Ritiro",
        "Riconsegna",
        "Locatario",
        "Conducente aggiuntivo",
        "Pagamento",
    ),
    "pt": ("Reserva de aluguer", "Levantamento", "Devolução", "Locatário", "Condutor adicional", "Pagamento"),
    "nl": ("Huurboeking", "Ophalen", "Inleveren", "Huurder", "Extra bestuurder", "Betaling"),
    "pl": ("Rezerwacja wynajmu", "Odbiór", "Zwrot", "Najemca", "Dodatkowy kierowca", "Płatność"),
    "sv": ("Hyrbilsbokning", "Upphämtning", "Återlämning", "Hyrestagare", "Extra förare", "Betalning"),
    "da": ("Billejebooking", "Afhentning", "Aflevering", "Lejer", "Ekstra fører", "Betaling"),
    "fi": ("Autonvuokravaraus", "Nouto", "Palautus", "Vuokraaja", "Lisäkuljettaja", "Maksu"),
    "tr": ("Araç kiralama rezervasyonu", "Teslim alma", "İade", "Kiracı", "Ek sürücü", "Ödeme"),
}


@sc(weight=2)
def form_rental(lang):
    p, q = person(lang), person(lang)
    t = RENTAL[lang]
    f = FL[lang]
    exp = f"{R.randint(1, 12):02d}/{R.randint(26, 30)}"
    pairs = [
        (
            t[1],
            f"{dob_num(lang, plain_date(2025, 2025), p.cc)} 10:00, {ch(['MUC T2', 'CDG T1', 'BCN T1', 'FCO', 'LIS', 'AMS', 'WAW', 'ARN', 'CPH', 'HEL', 'IST'])}",
        ),
        (t[2], dob_num(lang, plain_date(2025, 2025), p.cc) + " 18:00"),
        (t[3], V("name", p, lang)),
        (f["dob"], V("dob", p, lang)),
        (f["dl"], V("dl", p, lang)),
        (f["passport"], V("passport", p, lang)),
        (f["phone"], V("phone", p, lang, intl=True)),
        (f["email"], V("email", p, lang)),
        (t[5], f"{ch(['Visa', 'Mastercard', 'Amex'])} {V('card', p, lang)} exp {exp}"),
    ]
    if chance(0.4):
        pairs.insert(6, (t[4], V("name", q, lang) + ", " + f["dl"] + " " + V("dl", q, lang)))
    body = t[0] + " " + la_order() + "\n" + form_lines(pairs)
    return "form", "car-rental", join_prompt(instr(ch(["check_form", "to_json", "translate"]), lang), body)


@sc(weight=1)
def kv_payment_log(lang):
    ps = people(lang, R.randint(1, 3))
    lines = []
    t0 = datetime.datetime(2025, R.randint(1, 12), R.randint(1, 28), R.randint(0, 20), R.randint(0, 59))
    for i in range(R.randint(3, 5)):
        p = R.choice(ps)
        t0 += datetime.timedelta(seconds=R.randint(3, 900))
        ts = t0.strftime("%Y-%m-%dT%H:%M:%SZ")
        ev = ch(["authorize", "authorize", "capture", "refund"])
        res = ch(["declined", "approved", "declined", "error"])
        lines.append(
            f"{ts} level={'warn' if res != 'approved' else 'info'} psp=adyen event={ev} result={res} pan={V('card', p, lang)} "
            f"email={V('email', p, lang)} ip={V('ip', p, lang)} amount={R.randint(5, 900)}.{rdig(2)} ref={la_order()}"
        )
    ins = {
        "en": "Why are so many authorizations declined? Excerpt from the payment log:",
        "de": "Warum werden so viele Autorisierungen abgelehnt? Auszug aus dem Payment-Log:",
        "fr": "Pourquoi autant d'autorisations refusées ? Extrait du log de paiement :",
        "es": "¿Por qué se rechazan tantas autorizaciones? Extracto del log de pagos:",
        "it": "Perché così tante autorizzazioni rifiutate? Estratto del log pagamenti:",
        "pt": "Porque é que tantas autorizações são recusadas? Excerto do log:",
        "nl": "Waarom worden zoveel autorisaties geweigerd? Stukje uit de betaallog:",
        "pl": "Czemu tyle autoryzacji jest odrzucanych? Fragment logu płatności:",
        "sv": "Varför nekas så många auktoriseringar? Utdrag ur betalloggen:",
        "da": "Hvorfor bliver så mange autorisationer afvist? Uddrag af betalingsloggen:",
        "fi": "Miksi niin moni valtuutus hylätään? Ote maksulokista:",
        "tr": "Neden bu kadar çok provizyon reddediliyor? Ödeme logundan alıntı:",
    }[lang]
    return "kv-log", "payment-log", join_prompt(ins, "\n".join(lines))


# ---------------------------------------------------------------- prose
TITLE = {
    "en": ("Mr", "Ms"),
    "fr": ("M.", "Mme"),
    "de": ("Herr", "Frau"),
    "es": ("el Sr.", "la Sra."),
    "it": ("il sig.", "la sig.ra"),
    "pt": ("o Sr.", "a Sra."),
    "nl": ("meneer", "mevrouw"),
    "pl": ("pan", "pani"),
    "sv": ("", ""),
    "da": ("", ""),
    "fi": ("", ""),
    "tr": ("Bey", "Hanım"),
}


def title_last(lang, p):
    t = TITLE[lang][0 if p.gender == "m" else 1]
    if lang == "tr":
        return L("PERSON", p.first) + " " + t
    return (t + " " if t else "") + L("PERSON", p.last)


SUPPORT = {
    "en": dict(
        open="{hello},\n\nmy name is {full} and I'm writing about my account (customer no. {cust}).",
        issues=[
            "I was charged twice on my card {card}, please refund one of them.",
            "I was charged twice for the March invoice and nobody picks up the phone.",
            "Since the app update I can't log in anymore — my username is {user}.",
            "I moved last month and my parcels still go to the old address. The new one is {addr}.",
            "Please change the mobile number on file to {phone}, the old one is gone.",
        ],
        extras=[
            "You can reach me on {phone} after 5pm or at {email}.",
            "For verification, my date of birth is {dob}.",
            "My partner {full2} is also on the contract, in case you need to talk to someone else.",
        ],
        close=["Thanks,\n{first}", "Best regards,\n{full}", "Cheers\n{first}"],
        note="--- internal note ({agent}): called {tl} back on {d}, no answer. {last} had already complained in January.",
    ),
    "fr": dict(
        open="{hello},\n\nJe m'appelle {full}, je vous écris au sujet de mon compte (n° client {cust}).",
        issues=[
            "J'ai été débité deux fois sur ma carte {card}, merci de rembourser.",
            "J'ai été prélevé deux fois pour la facture de mars et personne ne répond au téléphone.",
            "Depuis la mise à jour de l'appli je ne peux plus me connecter, mon identifiant est {user}.",
            "J'ai déménagé le mois dernier et mes colis partent toujours à l'ancienne adresse. La nouvelle : {addr}.",
            "Merci de remplacer mon numéro par le {phone}, l'ancien n'est plus attribué.",
        ],
        extras=[
            "Vous pouvez me joindre au {phone} après 18h ou par mail à {email}.",
            "Pour vérification, je suis {born} le {dob}.",
            "Mon conjoint, {full2}, est aussi titulaire du contrat.",
        ],
        close=["Cordialement,\n{full}", "Merci d'avance,\n{first}", "Bien à vous,\n{full}"],
        note="--- note interne ({agent}) : rappelé {tl} le {d}, pas de réponse. {last} s'était déjà plaint(e) en janvier.",
    ),
    "de": dict(
        open="{hello}\n\nmein Name ist {full}, ich schreibe wegen meines Kundenkontos (Kundennr. {cust}).",
        issues=[
            "Meine Karte {card} wurde doppelt belastet, bitte erstatten.",
            "Die Märzrechnung wurde zweimal abgebucht und telefonisch erreiche ich niemanden.",
            "Seit dem App-Update kann ich mich nicht mehr einloggen, mein Benutzername ist {user}.",
            "Ich bin letzten Monat umgezogen, die Pakete gehen aber immer noch an die alte Adresse. Neu: {addr}.",
            "Bitte ändern Sie meine Handynummer auf {phone}, die alte gibt es nicht mehr.",
        ],
        extras=[
            "Sie erreichen mich unter {phone} ab 17 Uhr oder per Mail an {email}.",
            "Zur Verifizierung: ich bin am {dob} geboren.",
            "Mein Mann {full2} steht ebenfalls im Vertrag, falls Sie jemanden anderen brauchen.",
        ],
        close=["Mit freundlichen Grüßen\n{full}", "Danke und viele Grüße\n{first}", "VG {first}"],
        note="--- interne Notiz ({agent}): {tl} am {d} zurückgerufen, nicht erreicht. {last} hatte sich schon im Januar beschwert.",
    ),
    "es": dict(
        open="{hello}:\n\nMe llamo {full} y les escribo por mi cuenta (nº de cliente {cust}).",
        issues=[
            "Me han cargado dos veces en la tarjeta {card}, devuélvanme uno.",
            "Me han cobrado dos veces la factura de marzo y nadie contesta al teléfono.",
            "Desde la actualización de la app no puedo entrar, mi usuario es {user}.",
            "Me mudé el mes pasado y los paquetes siguen yendo a la dirección antigua. La nueva es {addr}.",
            "Por favor cambien mi móvil a {phone}, el antiguo ya no existe.",
        ],
        extras=[
            "Pueden llamarme al {phone} por las tardes o escribirme a {email}.",
            "Para verificar: {born} el {dob}.",
            "Mi pareja, {full2}, también figura en el contrato.",
        ],
        close=["Un saludo,\n{full}", "Gracias,\n{first}", "Atentamente,\n{full}"],
        note="--- nota interna ({agent}): llamé a {tl} el {d}, no contesta. {last} ya se quejó en enero.",
    ),
    "it": dict(
        open="{hello},\n\nmi chiamo {full} e vi scrivo riguardo al mio account (codice cliente {cust}).",
        issues=[
            "Mi avete addebitato due volte sulla carta {card}, rimborsatemi.",
            "Mi avete addebitato due volte la fattura di marzo e al telefono non risponde nessuno.",
            "Dopo l'aggiornamento dell'app non riesco più ad accedere, il mio utente è {user}.",
            "Ho traslocato il mese scorso ma i pacchi vanno ancora al vecchio indirizzo. Quello nuovo è {addr}.",
            "Vi prego di aggiornare il mio cellulare a {phone}.",
        ],
        extras=[
            "Potete chiamarmi al {phone} dopo le 18 o scrivermi a {email}.",
            "Per la verifica: sono {born} il {dob}.",
            "Anche mia moglie/mio marito {full2} è intestatario del contratto.",
        ],
        close=["Cordiali saluti,\n{full}", "Grazie,\n{first}", "Saluti\n{first}"],
        note="--- nota interna ({agent}): richiamato/a {tl} il {d}, nessuna risposta. {last} aveva già fatto reclamo a gennaio.",
    ),
    "pt": dict(
        open="{hello},\n\no meu nome é {full} e escrevo por causa da minha conta (nº de cliente {cust}).",
        issues=[
            "Cobraram duas vezes no meu cartão {card}, devolvam um dos valores.",
            "Cobraram-me duas vezes a fatura de março e ninguém atende o telefone.",
            "Desde a atualização da app não consigo entrar, o meu utilizador é {user}.",
            "Mudei de casa no mês passado e as encomendas continuam a ir para a morada antiga. A nova é {addr}.",
            "Por favor atualizem o meu número para {phone}.",
        ],
        extras=[
            "Podem ligar-me para o {phone} ao fim da tarde ou escrever para {email}.",
            "Para verificação: {born} a {dob}.",
            "O/A meu/minha companheiro/a {full2} também é titular.",
        ],
        close=["Cumprimentos,\n{full}", "Obrigado,\n{first}", "Abraço\n{first}"],
        note="--- nota interna ({agent}): liguei a {tl} em {d}, sem resposta. {last} já tinha reclamado em janeiro.",
    ),
    "nl": dict(
        open="{hello},\n\nmijn naam is {full} en ik mail over mijn account (klantnummer {cust}).",
        issues=[
            "Mijn kaart {card} is twee keer belast, graag één terugboeken.",
            "De factuur van maart is twee keer afgeschreven en telefonisch krijg ik niemand te pakken.",
            "Sinds de app-update kan ik niet meer inloggen, mijn gebruikersnaam is {user}.",
            "Ik ben vorige maand verhuisd maar pakketjes gaan nog naar het oude adres. Nieuw adres: {addr}.",
            "Wilt u mijn mobiele nummer wijzigen in {phone}?",
        ],
        extras=[
            "Ik ben bereikbaar op {phone} na 17.00 uur of via {email}.",
            "Ter verificatie: ik ben geboren op {dob}.",
            "Mijn partner {full2} staat ook op het contract.",
        ],
        close=["Met vriendelijke groet,\n{full}", "Groetjes,\n{first}", "Mvg {full}"],
        note="--- interne notitie ({agent}): {tl} op {d} teruggebeld, geen gehoor. {last} had in januari ook al geklaagd.",
    ),
    "pl": dict(
        open="{hello},\n\nnazywam się {full} i piszę w sprawie mojego konta (nr klienta {cust}).",
        issues=[
            "Moja karta {card} została obciążona dwa razy, proszę o zwrot.",
            "Faktura za marzec została pobrana dwa razy, a na infolinii nikt nie odbiera.",
            "Od aktualizacji aplikacji nie mogę się zalogować, mój login to {user}.",
            "W zeszłym miesiącu się przeprowadziłem/am, a paczki dalej idą na stary adres. Nowy adres: {addr}.",
            "Proszę zmienić mój numer telefonu na {phone}.",
        ],
        extras=[
            "Można do mnie dzwonić pod {phone} po 17 albo pisać na {email}.",
            "Do weryfikacji: {born} {dob}.",
            "Współwłaścicielem umowy jest też {full2}.",
        ],
        close=["Pozdrawiam,\n{full}", "Dziękuję,\n{first}", "Z poważaniem\n{full}"],
        note="--- notatka wewnętrzna ({agent}): oddzwoniono do: {tl}, {d}, brak odpowiedzi. {last} reklamował(a) już w styczniu.",
    ),
    "sv": dict(
        open="{hello}!\n\nJag heter {full} och skriver angående mitt konto (kundnummer {cust}).",
        issues=[
            "Marsfakturan drogs två gånger och ingen svarar i telefon.",
            "Efter appuppdateringen kan jag inte logga in, mitt användarnamn är {user}.",
            "Jag har flyttat, ny adress: {addr}.",
        ],
        extras=["Ni når mig på {phone} eller {email}.", "Jag är född {dob}."],
        close=["Mvh\n{full}", "Tack,\n{first}"],
        note="--- intern anteckning ({agent}): ringde {last} {d}, inget svar.",
    ),
    "da": dict(
        open="{hello}\n\nJeg hedder {full} og skriver angående min konto (kundenummer {cust}).",
        issues=[
            "Martsregningen er trukket to gange, og ingen tager telefonen.",
            "Efter app-opdateringen kan jeg ikke logge ind, mit brugernavn er {user}.",
            "Jeg er flyttet, ny adresse: {addr}.",
        ],
        extras=["I kan træffe mig på {phone} eller {email}.", "Jeg er født den {dob}."],
        close=["Venlig hilsen\n{full}", "Tak,\n{first}"],
        note="--- internt notat ({agent}): ringede til {last} {d}, intet svar.",
    ),
    "fi": dict(
        open="{hello},\n\nolen {full} ja kirjoitan tililtäni (asiakasnumero {cust}).",
        issues=[
            "Maaliskuun lasku veloitettiin kahdesti eikä puhelimeen vastata.",
            "Sovelluspäivityksen jälkeen en pääse kirjautumaan, käyttäjätunnukseni on {user}.",
            "Muutin, uusi osoite: {addr}.",
        ],
        extras=["Tavoitatte minut numerosta {phone} tai osoitteesta {email}.", "Syntymäaikani on {dob}."],
        close=["Terveisin\n{full}", "Kiitos,\n{first}"],
        note="--- sisäinen muistiinpano ({agent}): soitettu {last} {d}, ei vastausta.",
    ),
    "tr": dict(
        open="{hello},\n\nBen {full}, hesabım hakkında yazıyorum (müşteri no {cust}).",
        issues=[
            "Mart faturası iki kez çekildi ve telefona kimse çıkmıyor.",
            "Uygulama güncellemesinden beri giriş yapamıyorum, kullanıcı adım {user}.",
            "Geçen ay taşındım, yeni adresim: {addr}.",
        ],
        extras=[
            "Bana {phone} numarasından ya da {email} adresinden ulaşabilirsiniz.",
            "Doğrulama için doğum tarihim {dob}.",
        ],
        close=["Saygılarımla,\n{full}", "Teşekkürler,\n{first}"],
        note="--- dahili not ({agent}): {tl} {d} tarihinde arandı, cevap yok.",
    ),
}
BORN = {
    "fr": ("né", "née"),
    "es": ("nacido", "nacida"),
    "it": ("nato", "nata"),
    "pt": ("nascido", "nascida"),
    "pl": ("urodzony", "urodzona"),
}


def born(lang, p):
    b = BORN.get(lang)
    return b[0 if p.gender == "m" else 1] if b else ""


_TITLE_RE = re.compile(
    r'(^|[.!?]\s+|\n|")((?:meneer|mevrouw|pan|pani|el Sr\.|la Sra\.|il sig\.|la sig\.ra|o Sr\.|a Sra\.) )'
)


def fill(tpl, **kw):
    s = tpl.format(**kw)
    return _TITLE_RE.sub(lambda m: m.group(1) + m.group(2)[0].upper() + m.group(2)[1:], s)


@sc(weight=4)
def prose_support(lang):
    p, p2, agent = person(lang), person(lang), person(lang)
    T = SUPPORT[lang]
    kw = dict(
        hello=ch(HELLO[lang]),
        full=V("name", p, lang),
        first=V("first_name", p, lang),
        last=V("last_name", p, lang),
        cust=V("customer_no", p, lang),
        user=V("username", p, lang),
        addr=V("address", p, lang),
        phone=V("phone", p, lang),
        email=V("email", p, lang),
        dob=V("dob", p, lang, fmt=ch(["num", "words"])),
        full2=V("name", p2, lang),
        born=born(lang, p),
        agent=L("PERSON", agent.first),
        tl=title_last(lang, p),
        d=dob_num(lang, plain_date(2025, 2025), p.cc),
        card=V("card", p, lang),
    )
    parts = [fill(T["open"], **kw)]
    parts.append(" ".join(fill(s, **kw) for s in R.sample(T["issues"], R.randint(1, 2))))
    ex = R.sample(T["extras"], R.randint(0, 2))
    if ex:
        parts.append(" ".join(fill(s, **kw) for s in ex))
    body = "\n\n".join(parts[:1]) + " " + " ".join(parts[1:]) if chance(0.5) else "\n\n".join(parts)
    body += "\n\n" + fill(ch(T["close"]), **kw)
    if chance(0.5):
        body += "\n\n" + fill(T["note"], **kw)
    return (
        "prose",
        "support-email",
        join_prompt(instr(ch(["reply", "reply", "summarize", "translate"]), lang), body),
    )


HRNOTE = {
    "en": [
        "{full} ({dept}) has been on sick leave since {d}. According to the doctor's note it is related to {cond}. {tl} asked that the team is not told the reason. "
        "{last} will do a phased return from next month; manager {mgr} will check in weekly. Personal mobile for HR only: {phone}.",
        "Performance concerns re {full}, born {dob}: missed three deadlines in Q2. When I raised it, {first} mentioned they are being treated for {cond} and taking {med}. "
        "Agreed to revisit targets. Follow-up with {last} on {d}.",
    ],
    "fr": [
        "{full} ({dept}) est en arrêt maladie depuis le {d}. D'après le certificat, c'est lié à {cond}. {tl} souhaite que l'équipe ne connaisse pas le motif. "
        "Reprise à temps partiel thérapeutique le mois prochain ; {mgr} fera un point chaque semaine. Portable perso (RH uniquement) : {phone}.",
        "Points d'attention concernant {full}, {born} le {dob} : trois échéances manquées. {first} m'a confié être suivi(e) pour {cond} et prendre du {med}. "
        "On revoit les objectifs avec {last} le {d}.",
    ],
    "de": [
        "{full} ({dept}) ist seit dem {d} krankgeschrieben. Laut Attest im Zusammenhang mit {cond}. {tl} möchte nicht, dass das Team den Grund erfährt. "
        "Wiedereingliederung ab nächstem Monat, {mgr} meldet sich wöchentlich. Private Handynummer (nur HR): {phone}.",
        "Leistungsthemen bei {full}, geb. {dob}: drei Deadlines verpasst. Im Gespräch erwähnte {first}, wegen {cond} in Behandlung zu sein und {med} zu nehmen. "
        "Ziele werden angepasst, Folgetermin mit {last} am {d}.",
    ],
    "es": [
        "{full} ({dept}) está de baja desde el {d}. Según el parte médico, por {cond}. {tl} pide que el equipo no conozca el motivo. "
        "{last} se reincorporará de forma progresiva; {mgr} hará seguimiento semanal. Móvil personal (solo RRHH): {phone}.",
        "Incidencias con {full}, {born} el {dob}: ha incumplido tres plazos. {first} me contó que está en tratamiento por {cond} y toma {med}. "
        "Revisamos objetivos con {last} el {d}.",
    ],
    "it": [
        "{full} ({dept}) è in malattia dal {d}. Dal certificato risulta legato a {cond}. {tl} chiede che il team non sappia il motivo. "
        "Rientro graduale dal mese prossimo, {mgr} farà il punto ogni settimana. Cellulare personale (solo HR): {phone}.",
        "Criticità su {full}, {born} il {dob}: tre scadenze mancate. {first} mi ha detto di essere in cura per {cond} e di prendere {med}. "
        "Rivediamo gli obiettivi con {last} il {d}.",
    ],
    "pt": [
        "{full} ({dept}) está de baixa desde {d}. Segundo o atestado, por {cond}. {tl} pede que a equipa não saiba o motivo. "
        "{last} regressa de forma faseada; {mgr} fará acompanhamento semanal. Telemóvel pessoal (só RH): {phone}.",
        "Problemas de desempenho de {full}, {born} a {dob}: falhou três prazos. {first} contou-me que está a ser tratado(a) por {cond} e toma {med}. "
        "Revemos objetivos com {last} a {d}.",
    ],
    "nl": [
        "{full} ({dept}) is sinds {d} ziek gemeld. Volgens de bedrijfsarts gaat het om {cond}. {tl} wil niet dat het team de reden weet. "
        "{last} start volgende maand met re-integratie; {mgr} belt wekelijks. Privénummer (alleen HR): {phone}.",
        "Zorgen over het functioneren van {full}, geboren op {dob}: drie deadlines gemist. {first} vertelde onder behandeling te zijn voor {cond} en {med} te gebruiken. "
        "Vervolggesprek met {last} op {d}.",
    ],
    "pl": [
        "{full} ({dept}) przebywa na L4 od {d}. Według zaświadczenia chodzi o {cond}. {tl} prosi, aby zespół nie znał przyczyny. "
        "{last} wraca stopniowo od przyszłego miesiąca; {mgr} będzie się kontaktować co tydzień. Prywatny telefon (tylko HR): {phone}.",
        "Uwagi dot. {full}, {born} {dob}: trzy przekroczone terminy. {first} powiedział(a), że leczy się na {cond} i bierze {med}. "
        "Kolejna rozmowa z {last} {d}.",
    ],
    "sv": [
        "{full} ({dept}) är sjukskriven sedan {d} på grund av {cond}. {last} vill inte att teamet får veta orsaken. Privat mobil (endast HR): {phone}."
    ],
    "da": [
        "{full} ({dept}) er sygemeldt siden {d} på grund af {cond}. {last} ønsker ikke, at teamet kender årsagen. Privat mobil (kun HR): {phone}."
    ],
    "fi": [
        "{full} ({dept}) on ollut sairauslomalla {d} alkaen, syynä {cond}. {last} ei halua tiimin tietävän syytä. Yksityinen puhelin (vain HR): {phone}."
    ],
    "tr": [
        "{full} ({dept}) {d} tarihinden beri raporlu, sebep {cond}. {tl} ekibin sebebi bilmesini istemiyor. Özel telefon (sadece İK): {phone}."
    ],
}


@sc(weight=3)
def prose_hr(lang):
    p, mgr = person(lang), person(lang)
    cond, med, _ = med_of(p, lang)
    kw = dict(
        full=V("name", p, lang),
        first=V("first_name", p, lang),
        last=V("last_name", p, lang),
        dept=ch(DEPTS),
        d=dob_num(lang, plain_date(2025, 2025), p.cc),
        cond=L("MEDICAL_CONDITION", cond),
        med=L("MEDICATION", med),
        tl=title_last(lang, p),
        mgr=V("name", mgr, lang),
        phone=V("phone", p, lang),
        dob=V("dob", p, lang, fmt=ch(["num", "words"])),
        born=born(lang, p),
    )
    body = fill(ch(HRNOTE[lang]), **kw)
    return "prose", "hr-note", join_prompt(instr(ch(["rewrite", "summarize", "rewrite"]), lang), body)


MEDSUM = {
    "en": "{full}, {age}-year-old {sex}, born {dob}, MRN {mrn}, admitted on {d} with an exacerbation of {cond}. Known history of {cond2}. "
    "On admission {tl} was started on {med} {dose}; home medication {med2} continued. {last} improved over 48h. "
    "Plan: discharge tomorrow, GP follow-up (Dr {gp}). Daughter {rel} ({relphone}) will pick {pron} up.",
    "fr": "{full}, {age} ans, {born} le {dob}, IPP {mrn}, hospitalisé(e) le {d} pour décompensation de {cond}. Antécédents : {cond2}. "
    "Mise sous {med} {dose} à l'entrée ; traitement habituel par {med2} poursuivi. Évolution favorable de {tl} en 48h. "
    "Sortie prévue demain, suivi par le Dr {gp}. Sa fille {rel} ({relphone}) viendra le/la chercher.",
    "de": "{full}, {age} J., geb. am {dob}, Pat.-Nr. {mrn}, stationäre Aufnahme am {d} bei Exazerbation einer {cond}. Vorerkrankungen: {cond2}. "
    "Bei Aufnahme Beginn mit {med} {dose}, Hausmedikation {med2} fortgeführt. {tl} stabilisierte sich innerhalb von 48 h. "
    "Entlassung morgen geplant, Weiterbehandlung durch Dr. {gp}. Tochter {rel} (Tel. {relphone}) holt ab.",
    "es": "{full}, {age} años, {born} el {dob}, NHC {mrn}, ingresa el {d} por descompensación de {cond}. Antecedentes: {cond2}. "
    "Al ingreso se inicia {med} {dose}; se mantiene {med2} domiciliario. {tl} mejora en 48 h. "
    "Alta prevista mañana, seguimiento por la Dra. {gp}. Su hija {rel} ({relphone}) vendrá a recogerle.",
    "it": "{full}, {age} anni, {born} il {dob}, cartella n. {mrn}, ricoverato/a il {d} per riacutizzazione di {cond}. Anamnesi: {cond2}. "
    "All'ingresso avviato {med} {dose}; proseguita terapia domiciliare con {med2}. {tl} migliorato/a in 48 ore. "
    "Dimissione prevista domani, controllo dal dott. {gp}. La figlia {rel} ({relphone}) passerà a prenderlo/a.",
    "pt": "{full}, {age} anos, {born} a {dob}, processo nº {mrn}, internado(a) a {d} por descompensação de {cond}. Antecedentes: {cond2}. "
    "Iniciou {med} {dose} à entrada; manteve {med2} habitual. {tl} melhorou em 48h. "
    "Alta prevista amanhã, seguimento pela Dra. {gp}. A filha {rel} ({relphone}) vem buscá-lo/a.",
    "nl": "{full}, {age} jaar, geboren op {dob}, patiëntnr. {mrn}, opgenomen op {d} met een exacerbatie van {cond}. Voorgeschiedenis: {cond2}. "
    "Bij opname gestart met {med} {dose}; thuismedicatie {med2} gecontinueerd. {tl} knapte binnen 48 uur op. "
    "Ontslag morgen, controle bij huisarts {gp}. Dochter {rel} ({relphone}) haalt op.",
    "pl": "{full}, lat {age}, {born} {dob}, nr historii choroby {mrn}, przyjęty/a {d} z zaostrzeniem: {cond}. W wywiadzie: {cond2}. "
    "Przy przyjęciu włączono {med} {dose}; kontynuacja {med2}. Stan: {tl} — poprawa w ciągu 48 h. "
    "Wypis jutro, dalsza opieka: dr {gp}. Córka {rel} ({relphone}) odbierze.",
    "sv": "{full}, {age} år, född {dob}, journalnr {mrn}, inlagd {d} med försämring av {cond}. Tidigare: {cond2}. Insatt {med} {dose}, fortsatt {med2}. "
    "{last} förbättrad efter 48 h. Dottern {rel} ({relphone}) hämtar.",
    "da": "{full}, {age} år, født {dob}, journalnr. {mrn}, indlagt {d} med forværring af {cond}. Tidligere: {cond2}. Opstartet {med} {dose}, fortsat {med2}. "
    "{last} bedret efter 48 timer. Datteren {rel} ({relphone}) henter.",
    "fi": "{full}, {age} v, syntynyt {dob}, potilasnro {mrn}, otettu osastolle {d}, syynä {cond} pahenemisvaihe. Taustalla {cond2}. Aloitettu {med} {dose}, jatkettu {med2}. "
    "{last} voi paremmin 48 tunnin jälkeen. Tytär {rel} ({relphone}) hakee.",
    "tr": "{full}, {age} yaşında, doğum tarihi {dob}, protokol no {mrn}, {d} tarihinde {cond} alevlenmesi ile yatırıldı. Özgeçmiş: {cond2}. {med} {dose} başlandı, {med2} devam. "
    "{tl} 48 saatte düzeldi. Kızı {rel} ({relphone}) alacak.",
}


@sc(weight=3)
def prose_medical(lang):
    p, gp = person(lang, dob=rand_dob(1935, 1975)), person(lang)
    rel = Person(p.cc, gender="f", name_origin=p.origin)
    rel.last = p.last
    cond, med, key = med_of(p, lang)
    k2 = ch([k for k in COND if k != key])
    med2 = MED_LOCAL.get(lang, lambda m: m)(ch(MEDS[k2]))
    sex = "man" if p.gender == "m" else "woman"
    kw = dict(
        full=V("name", p, lang),
        last=V("last_name", p, lang),
        age=p.age,
        sex=sex,
        born=born(lang, p),
        dob=V("dob", p, lang, fmt=ch(["num", "words"])),
        mrn=V("mrn", p, lang),
        d=dob_num(lang, plain_date(2025, 2025), p.cc),
        cond=L("MEDICAL_CONDITION", cond),
        cond2=L("MEDICAL_CONDITION", COND[k2][lang]),
        med=L("MEDICATION", med),
        dose=ch(DOSE),
        med2=L("MEDICATION", med2),
        tl=title_last(lang, p),
        gp=L("PERSON", gp.last),
        rel=L("PERSON", rel.first),
        relphone=V("phone", rel, lang),
        pron="him" if p.gender == "m" else "her",
    )
    body = fill(MEDSUM[lang], **kw)
    return (
        "prose",
        "medical-summary",
        join_prompt(instr(ch(["handover", "summarize", "translate"]), lang), body),
    )


CHAT = {
    "en": [
        "hey it's {first}, new number btw: {phone}",
        "ok saved. can you send me your address for the invite?",
        "sure, {addr}",
        "and {first2}'s email? she said {email2}",
        "yep that's it. also she was born {dob2} so the surprise party is on the day after",
    ],
    "fr": [
        "coucou c'est {first}, nouveau numéro : {phone}",
        "ok noté. tu m'envoies ton adresse pour le faire-part ?",
        "oui : {addr}",
        "et le mail de {first2} ? elle m'a dit {email2}",
        "c'est ça. elle est née le {dob2} donc on fait la surprise le lendemain",
    ],
    "de": [
        "hi, hier ist {first}, neue Nummer: {phone}",
        "ok gespeichert. schickst du mir deine Adresse für die Einladung?",
        "klar: {addr}",
        "und die Mail von {first2}? sie meinte {email2}",
        "genau. sie ist am {dob2} geboren, also Überraschung am Tag danach",
    ],
    "es": [
        "hola soy {first}, mi número nuevo: {phone}",
        "vale guardado. ¿me pasas tu dirección para la invitación?",
        "claro: {addr}",
        "¿y el correo de {first2}? me dijo {email2}",
        "sí. nació el {dob2} así que la sorpresa es al día siguiente",
    ],
    "it": [
        "ciao sono {first}, nuovo numero: {phone}",
        "ok salvato. mi mandi l'indirizzo per l'invito?",
        "certo: {addr}",
        "e la mail di {first2}? mi ha detto {email2}",
        "sì. è nata il {dob2} quindi la festa a sorpresa è il giorno dopo",
    ],
    "pt": [
        "olá é a {first}, número novo: {phone}",
        "ok guardado. mandas-me a morada para o convite?",
        "claro: {addr}",
        "e o email da {first2}? ela disse {email2}",
        "isso. ela nasceu a {dob2}, a surpresa é no dia seguinte",
    ],
    "nl": [
        "hoi met {first}, nieuw nummer: {phone}",
        "ok opgeslagen. stuur je je adres voor de uitnodiging?",
        "tuurlijk: {addr}",
        "en het mailadres van {first2}? ze zei {email2}",
        "klopt. ze is geboren op {dob2} dus de verrassing is de dag erna",
    ],
    "pl": [
        "hej tu {first}, nowy numer: {phone}",
        "ok zapisane. podeślesz adres do zaproszenia?",
        "jasne: {addr}",
        "a mail {first2}? mówiła {email2}",
        "tak. urodziła się {dob2} więc niespodzianka dzień później",
    ],
}


@sc("en", "fr", "de", "es", "it", "pt", "nl", "pl", weight=2)
def prose_chat(lang):
    p, q = person(lang), person(lang, gender="f")
    kw = dict(
        first=V("first_name", p, lang),
        phone=V("phone", p, lang),
        addr=V("address", p, lang),
        first2=V("first_name", q, lang),
        email2=V("email", q, lang),
        dob2=V("dob", q, lang, fmt=ch(["num", "words"])),
    )
    msgs = CHAT[lang]
    out = []
    t = datetime.datetime(2025, 5, 1, R.randint(8, 21), R.randint(0, 59))
    for i, m in enumerate(msgs):
        who = V("name", p, lang) if i % 2 == 0 else "me"
        t = t + datetime.timedelta(minutes=R.randint(0, 4))
        stamp = t.strftime("%H:%M")
        out.append(f"[{stamp}] {who}: {fill(m, **kw)}")
    ins = {
        "en": "Pull the contact info out of this WhatsApp chat and give me a vCard:",
        "fr": "Sors les coordonnées de cette conversation WhatsApp en vCard :",
        "de": "Mach mir aus dem WhatsApp-Chat eine vCard mit den Kontaktdaten:",
        "es": "Saca los datos de contacto de este chat de WhatsApp en formato vCard:",
        "it": "Estrai i contatti da questa chat WhatsApp in formato vCard:",
        "pt": "Tira os contactos desta conversa de WhatsApp para vCard:",
        "nl": "Haal de contactgegevens uit deze WhatsApp-chat en maak er een vCard van:",
        "pl": "Wyciągnij dane kontaktowe z tego czatu i zrób vCard:",
    }[lang]
    return "prose", "chat", join_prompt(ins, "\n".join(out))


LETTER = {
    "en": (
        "Write a firm letter to my landlord {full2} ({addr2}) about the mould in the bathroom. I'm {full}, tenant at {addr} since 2021. "
        "I told {last2} about it in January and again in March. Include my number {phone} and ask {last2} to reply to {email}."
    ),
    "fr": (
        "Écris une lettre ferme à mon propriétaire, {full2} ({addr2}), au sujet de l'humidité dans la salle de bain. Je suis {full}, locataire au {addr} depuis 2021. "
        "J'ai déjà prévenu {tl2} en janvier puis en mars. Mets mon numéro {phone} et demande une réponse à {email}."
    ),
    "de": (
        "Schreib einen bestimmten Brief an meinen Vermieter {full2} ({addr2}) wegen Schimmel im Bad. Ich bin {full}, Mieter in der {addr} seit 2021. "
        "Ich habe {tl2} schon im Januar und im März informiert. Bitte meine Nummer {phone} angeben und um Antwort an {email} bitten."
    ),
    "es": (
        "Escribe una carta firme a mi casero, {full2} ({addr2}), por la humedad del baño. Soy {full}, inquilina en {addr} desde 2021. "
        "Ya avisé a {tl2} en enero y en marzo. Pon mi teléfono {phone} y pide respuesta a {email}."
    ),
    "it": (
        "Scrivi una lettera decisa al mio padrone di casa {full2} ({addr2}) per la muffa in bagno. Sono {full}, inquilino in {addr} dal 2021. "
        "Ho già avvisato {tl2} a gennaio e a marzo. Metti il mio numero {phone} e chiedi risposta a {email}."
    ),
    "pt": (
        "Escreve uma carta firme ao meu senhorio, {full2} ({addr2}), sobre o bolor na casa de banho. Sou {full}, inquilino em {addr} desde 2021. "
        "Já avisei {tl2} em janeiro e em março. Inclui o meu número {phone} e pede resposta para {email}."
    ),
    "nl": (
        "Schrijf een stevige brief aan mijn verhuurder {full2} ({addr2}) over de schimmel in de badkamer. Ik ben {full}, huurder op {addr} sinds 2021. "
        "Ik heb {tl2} in januari en maart al ingelicht. Zet mijn nummer {phone} erin en vraag om antwoord via {email}."
    ),
    "pl": (
        "Napisz stanowcze pismo do mojego wynajmującego, {full2} ({addr2}), w sprawie grzyba w łazience. Jestem {full}, najemca lokalu {addr} od 2021. "
        "Informowałem/am {tl2} już w styczniu i w marcu. Podaj mój numer {phone} i poproś o odpowiedź na {email}."
    ),
    "sv": (
        "Skriv ett brev till min hyresvärd {full2} om mögel i badrummet. Jag heter {full} och bor på {addr}. Mitt nummer är {phone}, svar till {email}."
    ),
    "da": (
        "Skriv et brev til min udlejer {full2} om skimmel på badeværelset. Jeg hedder {full} og bor på {addr}. Mit nummer er {phone}, svar til {email}."
    ),
    "fi": (
        "Kirjoita vuokranantajalleni {full2} kirje kylpyhuoneen homeesta. Olen {full}, asun osoitteessa {addr}. Numeroni on {phone}, vastaus osoitteeseen {email}."
    ),
    "tr": (
        "Ev sahibim {full2} için banyodaki küf hakkında bir mektup yaz. Ben {full}, {addr} adresinde oturuyorum. Numaram {phone}, cevap {email} adresine."
    ),
}


@sc(weight=2)
def prose_letter(lang):
    p, q = person(lang), person(lang)
    kw = dict(
        full=V("name", p, lang),
        addr=V("address", p, lang),
        phone=V("phone", p, lang),
        email=V("email", p, lang),
        full2=V("name", q, lang),
        addr2=V("address", q, lang),
        last2=V("last_name", q, lang),
        tl2=title_last(lang, q),
    )
    return "prose", "tenancy-letter", typo(fill(LETTER[lang], **kw), 0.15)


REFERENCE = {
    "en": 'Can you polish this reference? "{full} worked with us as a {role} from 2019 to 2024. {first} was reliable and well liked. '
    'If you have questions about {last}, call me on {phone2}. — {full2}"',
    "de": 'Kannst du das Arbeitszeugnis verbessern? "{tl}, geboren am {dob}, war von 2019 bis 2024 als {role} bei uns tätig. {last} arbeitete stets zuverlässig. '
    'Rückfragen gerne an mich unter {phone2}. {full2}"',
    "nl": 'Kun je deze referentie verbeteren? "{full} werkte van 2019 tot 2024 bij ons als {role}. {first} was betrouwbaar en geliefd. '
    'Voor vragen over {last}: bel mij op {phone2}. — {full2}"',
    "pl": 'Popraw proszę tę referencję: "{full} pracował(a) u nas jako {role} w latach 2019–2024. {first} był(a) rzetelny(a). '
    'W razie pytań o {tl} proszę dzwonić: {phone2}. {full2}"',
    "fr": 'Tu peux améliorer cette lettre de recommandation ? "{full} a travaillé chez nous comme {role} de 2019 à 2024. {first} est fiable et apprécié(e). '
    'Pour toute question sur {tl}, joignez-moi au {phone2}. {full2}"',
    "es": '¿Puedes mejorar esta carta de recomendación? "{full} trabajó con nosotros como {role} de 2019 a 2024. {first} es una persona muy fiable. '
    'Para cualquier consulta sobre {last}, llámeme al {phone2}. {full2}"',
    "it": 'Puoi migliorare questa lettera di referenze? "{full} ha lavorato con noi come {role} dal 2019 al 2024. {first} è affidabile. '
    'Per informazioni su {tl} potete chiamarmi al {phone2}. {full2}"',
    "pt": 'Podes melhorar esta carta de referência? "{full} trabalhou connosco como {role} de 2019 a 2024. {first} é de confiança. '
    'Para questões sobre {tl}, liguem-me para o {phone2}. {full2}"',
    "sv": 'Kan du förbättra detta intyg? "{full} arbetade hos oss som {role} 2019–2024. {first} var pålitlig. Frågor om {last}: ring mig på {phone2}. {full2}"',
    "da": 'Kan du forbedre denne anbefaling? "{full} arbejdede hos os som {role} 2019–2024. {first} var pålidelig. Spørgsmål om {last}: ring på {phone2}. {full2}"',
    "fi": 'Voitko parantaa tätä suositusta? "{full} työskenteli meillä {role}na 2019–2024. {first} oli luotettava. Kysymykset: {phone2}. {full2}"',
    "tr": 'Bu referans mektubunu düzeltir misin? "{full} 2019-2024 arasında {role} olarak çalıştı. {first} çok güvenilirdi. Sorular için: {phone2}. {full2}"',
}


@sc(weight=1)
def prose_reference(lang):
    p, q = person(lang), person(lang)
    role = ch(
        [
            "warehouse lead",
            "Buchhalterin",
            "développeur",
            "enfermera",
            "magazziniere",
            "verkoper",
            "kierowca",
            "account manager",
        ]
    )
    kw = dict(
        full=V("name", p, lang),
        first=V("first_name", p, lang),
        last=V("last_name", p, lang),
        tl=title_last(lang, p),
        dob=V("dob", p, lang, fmt=ch(["num", "words"])),
        role=role,
        phone2=V("phone", q, lang),
        full2=V("name", q, lang),
    )
    return "prose", "reference-letter", fill(REFERENCE[lang], **kw)


ONELINER = {
    "en": [
        "is {card} a valid card number? {first} read it to me over the phone",
        "how old is someone born on {dob}? need it for {full}'s form",
        "is {email} a valid email format? it's {first}'s",
        "what timezone is {phone} in? trying to call {first} back",
        "{full} DOB {dob} — eligible for the over-60 railcard?",
    ],
    "fr": [
        "{card} c'est un numéro de carte valide ? {first} me l'a dicté au téléphone",
        "quel âge a quelqu'un {born} le {dob} ? c'est pour le dossier de {full}",
        "{full}, {born} le {dob} : a-t-il droit à la carte senior ?",
        "le numéro {phone} c'est un portable ? je dois rappeler {first}",
    ],
    "de": [
        "ist {card} eine gültige Kartennummer? hat mir {first} am Telefon durchgegeben",
        "wie alt ist jemand, der am {dob} geboren ist? brauch ich für {full}",
        "Ist {email} eine gültige Adresse? gehört {first}",
        "{full}, geb. {dob} – hat sie/er Anspruch auf das Seniorenticket?",
    ],
    "es": [
        "¿{card} es un número de tarjeta válido? me lo dictó {first} por teléfono",
        "¿cuántos años tiene alguien {born} el {dob}? es para la ficha de {full}",
        "¿{phone} es un móvil? tengo que llamar a {first}",
        "{full}, {born} el {dob}, ¿puede pedir la tarjeta dorada?",
    ],
    "it": [
        "quanti anni ha chi è {born} il {dob}? mi serve per la pratica di {full}",
        "{phone} è un cellulare? devo richiamare {first}",
    ],
    "pt": [
        "que idade tem alguém {born} a {dob}? é para a ficha de {full}",
        "o {phone} é telemóvel? tenho de ligar à {first}",
    ],
    "nl": [
        "hoe oud is iemand die geboren is op {dob}? voor het dossier van {full}",
        "is {phone} een mobiel nummer? moet {first} terugbellen",
    ],
    "pl": [
        "czy {card} to poprawny numer karty? {first} podyktował(a) mi go przez telefon",
        "ile lat ma osoba {born} {dob}? potrzebne do wniosku {full}",
        "czy {phone} to komórka? muszę oddzwonić do {first}",
    ],
    "sv": ["hur gammal är någon född {dob}? det gäller {full}"],
    "da": ["hvor gammel er en person født {dob}? det drejer sig om {full}"],
    "fi": ["kuinka vanha on {dob} syntynyt? kyse on {full}"],
    "tr": ["{dob} doğumlu biri kaç yaşında? {full} için lazım"],
}


@sc(weight=2)
def prose_oneliner(lang):
    p = person(lang)
    kw = dict(
        dob=V("dob", p, lang, fmt=ch(["num", "words"])),
        full=V("name", p, lang),
        first=V("first_name", p, lang),
        email=V("email", p, lang),
        phone=V("phone", p, lang),
        born=born(lang, p),
        card=V("card", p, lang),
    )
    return "prose", "quick-question", typo(fill(ch(ONELINER[lang]), **kw), 0.2)


# ---------------------------------------------------------------- code & command
@sc(weight=2)
def code_fixture(lang):
    ps = people(lang, R.randint(1, 3))
    style = ch(["py", "js", "java", "go"])
    if style == "py":
        items = []
        for p in ps:
            items.append(
                "    {\n"
                + f'        "name": "{V("name", p, lang)}",\n        "email": "{V("email", p, lang)}",\n'
                f'        "phone": "{V("phone", p, lang, intl=True)}",\n        "dob": date.fromisoformat("{V("dob", p, lang, fmt="iso")}"),\n'
                f'        "iban": "{V("iban", p, lang, spaced=False)}",\n    }}'
            )
        body = (
            "from datetime import date\n\nCUSTOMERS = [\n"
            + ",\n".join(items)
            + ",\n]\n\n\ndef test_export_sepa():\n    rows = export_sepa(CUSTOMERS)\n    assert len(rows) == len(CUSTOMERS)"
        )
        tag = "python"
    elif style == "js":
        p = ps[0]
        body = (
            f"const user = {{\n  id: '{la_uuid()}',\n  firstName: '{V('first_name', p, lang)}',\n  lastName: '{V('last_name', p, lang)}',\n"
            f"  email: '{V('email', p, lang)}',\n  username: '{V('username', p, lang)}',\n  address: {{ street: '{V('street', p, lang)}', zip: '{V('postcode', p, lang)}', city: '{V('city', p, lang)}' }},\n}};\n\n"
            "export function displayName(u) {\n  return `${u.firstname} ${u.lastName}`; // prints undefined?\n}"
        )
        tag = "js"
    elif style == "java":
        p = ps[0]
        body = (
            f'Customer c = Customer.builder()\n    .customerNo("{V("customer_no", p, lang)}")\n    .fullName("{V("name", p, lang)}")\n'
            f'    .email("{V("email", p, lang)}")\n    .phone("{V("phone", p, lang)}")\n    .birthDate(LocalDate.parse("{V("dob", p, lang, fmt="iso")}"))\n    .build();\n'
            "repo.save(c); // throws ConstraintViolationException"
        )
        tag = "java"
    else:
        p = ps[0]
        body = (
            f'func TestNormalize(t *testing.T) {{\n\tin := Contact{{Name: "{V("name", p, lang)}", Phone: "{V("phone", p, lang)}", Email: "{V("email", p, lang)}"}}\n'
            f'\tgot := Normalize(in)\n\tif got.Phone != "{V("phone", p, lang, intl=True)}" {{\n\t\tt.Fatalf("got %q", got.Phone)\n\t}}\n}}'
        )
        tag = "go"
    return "code", "test-fixture", join_prompt(instr("code", lang), fence(body, tag))


@sc(weight=2)
def command_pii(lang):
    p = person(lang)
    host = ch(COMPANY_DOMAINS)
    r = R.random()
    if r < 0.4:
        cmd = (
            f"curl -X POST https://api.{host}/v1/contacts \\\n  -H 'Content-Type: application/json' \\\n"
            f'  -d \'{{"name": "{V("name", p, lang)}", "email": "{V("email", p, lang)}", "phone": "{V("phone", p, lang, intl=True)}"}}\''
        )
    elif r < 0.7:
        cmd = f"psql -h db.{host} -U support -d crm -c \"UPDATE contacts SET phone='{V('phone', p, lang)}' WHERE email='{V('email', p, lang)}';\""
    else:
        cmd = (
            f"python manage.py createsuperuser --username {V('username', p, lang)} --email {V('email', p, lang, work=True)}\n"
            f"python manage.py shell -c \"from crm.models import Lead; Lead.objects.filter(last_name='{V('last_name', p, lang)}').update(status='won')\""
        )
    ins = {
        "en": "This command errors out, what's wrong with the quoting?",
        "de": "Der Befehl bricht ab, was stimmt mit den Anführungszeichen nicht?",
        "fr": "Cette commande plante, c'est un problème de guillemets ?",
        "es": "Este comando falla, ¿qué pasa con las comillas?",
        "it": "Questo comando dà errore, cosa c'è che non va con gli apici?",
        "pt": "Este comando dá erro, o que se passa com as aspas?",
        "nl": "Dit commando faalt, klopt de quoting niet?",
        "pl": "Ta komenda się wysypuje, co jest nie tak z cudzysłowami?",
        "sv": "Kommandot misslyckas, vad är fel med citattecknen?",
        "da": "Kommandoen fejler, hvad er der galt med anførselstegnene?",
        "fi": "Komento kaatuu, mikä lainausmerkeissä on vialla?",
        "tr": "Bu komut hata veriyor, tırnaklarda sorun ne?",
    }[lang]
    return "command", "cli", join_prompt(ins, cmd)


# ---------------------------------------------------------------- structured negatives (no PII)
@sc(weight=1)
def neg_struct(lang):
    r = R.random()
    if r < 0.2:
        rows = [
            [
                f"SKU-{rdig(5)}",
                ch(["Kaffeebecher", "Tasse à café", "Taza", "Mug", "Kubek", "Beker"]),
                f"{R.randint(3, 40)}.{rdig(2)}",
                la_isbn() if chance(0.3) else la_ean(),
                str(R.randint(0, 500)),
            ]
            for _ in range(R.randint(3, 6))
        ]
        return (
            "csv",
            "product-catalog",
            join_prompt(
                instr("to_json", lang),
                to_csv(rows, ["sku", "title", "price", "ean", "stock"], ch([",", ";"])),
            ),
        )
    if r < 0.4:
        lines = [
            f"ts={la_ts()} level=info svc=api route=/v1/orders/{la_order().replace(' ', '')} status={ch([200, 201, 404])} dur_ms={R.randint(3, 900)} build={la_sha(7)} version={la_version()}"
            for _ in range(R.randint(3, 6))
        ]
        return "kv-log", "app-log", join_prompt(instr("debug", lang), "\n".join(lines))
    if r < 0.6:
        y = (
            f"name: ci\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@{la_sha(40)}\n"
            f"      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.12'\n      - run: pytest -q\n        env:\n          API_KEY: ${{{{ secrets.API_KEY }}}}\n"
        )
        return "yaml", "ci-config", join_prompt(instr("fix_yaml", lang), y.rstrip())
    if r < 0.8:
        rows = [
            [
                la_version(),
                plain_date().isoformat(),
                la_sha(7),
                ch(["fix", "feat", "chore"])
                + ": "
                + ch(["bump deps", "retry on 503", "new export format", "translate UI"]),
            ]
            for _ in range(4)
        ]
        return (
            "markdown-table",
            "release-notes",
            join_prompt(
                instr(ch(["to_json", "summarize"]), lang),
                md_table(["Version", "Date", "Commit", "Change"], rows),
            ),
        )
    stmt = (
        "INSERT INTO orders (order_no, sku, qty, tracking) VALUES\n"
        + ",\n".join(
            f"  ('{la_order()}', 'SKU-{rdig(5)}', {R.randint(1, 9)}, '{la_tracking()}')" for _ in range(3)
        )
        + ";"
    )
    return "sql", "orders", join_prompt(instr("fix_sql", lang), stmt)


# ================================================================ credentials & identifiers
CRED = []


def cr(kind, *langs, weight=1):
    def deco(fn):
        CRED.append((fn.__name__, fn, kind, set(langs) if langs else None, weight))
        return fn

    return deco


def pw_url(lang="en"):
    s = password(lang, ch(["word", "strong", "leet", "mixed"]))
    for c in "@/:#?%& ":
        s = s.replace(c, ch(["x", "Z", "7", "_", "-"]))
    return s


SVC_USERS = [
    "root",
    "admin",
    "sa",
    "postgres",
    "app_rw",
    "svc_backup",
    "deploy",
    "default",
    "ci-bot",
    "etl_user",
    "reporting",
    "guest",
]

PWPROSE = {
    "en": [
        "Write a short welcome email to {full}. Their login is {user} and the temporary password is {pw} — remind them to change it on first login.",
        "my wifi password is {wifi} and the network is called {ssid}, can you make a QR code string for it?",
        'Is "{pw}" a strong enough password for online banking? I use it for my email too',
        "Note for the team: the shared NAS account is {svc} / {pw}. Please don't share it outside IT. – {first}",
        "I keep forgetting my phone PIN ({pin}) and the alarm code {pin2}. What's a good way to remember them?",
        'My passphrase for the password manager is "{phrase}" — is that long enough or should I add numbers?',
    ],
    "fr": [
        "Rédige un mail de bienvenue pour {full}. Son identifiant : {user}, mot de passe temporaire : {pw}, c'est à changer à la première connexion.",
        "Le mot de passe du wifi c'est {wifi} (réseau {ssid}), tu peux me faire un petit texte pour les invités ?",
        'Est-ce que "{pw}" est un mot de passe assez solide pour ma banque ?',
        "Mot de passe temporaire : {pw}, c'est pour le compte de {first}. Peux-tu formuler un SMS pour le lui envoyer ?",
        "Mon code PIN de carte bleue est {pin}, comment le retenir sans l'écrire ?",
        "Ma phrase de passe pour Bitwarden est « {phrase} », c'est suffisant ?",
    ],
    "de": [
        "Schreib eine Willkommensmail an {full}. Benutzername: {user}, das Passwort lautet {pw} (bitte beim ersten Login ändern).",
        "Unser WLAN-Schlüssel ist {wifi}, SSID {ssid}. Formulier mir einen Aushang für Gäste.",
        'Ist "{pw}" sicher genug für mein Onlinebanking?',
        "Das Passwort für den gemeinsamen Admin-Account {svc} lautet {pw}. Kannst du eine Mail an {full} schreiben, dass es ab Montag gilt?",
        "Meine Karten-PIN ist {pin}, der Entsperrcode der TAN-App {pin2}. Wie merke ich mir das am besten?",
        "Meine Passphrase für KeePass ist „{phrase}“ – reicht das?",
    ],
    "es": [
        "Escribe un correo de bienvenida a {full}. Su usuario es {user} y la contraseña es {pw}, que la cambie al entrar.",
        "La clave del wifi es {wifi} (red {ssid}), hazme un cartel para los clientes.",
        '¿"{pw}" es una contraseña segura para el banco?',
        "la contraseña del correo de {first} es {pw}, ¿cómo se la mando de forma segura?",
        "el PIN de mi tarjeta es {pin} y el de la alarma {pin2}, ¿algún truco para recordarlos?",
        'Mi frase de contraseña es "{phrase}", ¿es suficientemente larga?',
    ],
    "it": [
        "Scrivi una mail di benvenuto a {full}. Utente: {user}, la password è {pw} (da cambiare al primo accesso).",
        "La password del wifi è {wifi}, rete {ssid}. Mi fai un cartello per gli ospiti?",
        '"{pw}" è una password abbastanza sicura?',
        "la password di {first} per il gestionale è {pw}, come gliela mando in modo sicuro?",
        "Il PIN del bancomat è {pin}, come faccio a ricordarlo?",
        'La mia passphrase è "{phrase}": va bene così?',
    ],
    "pt": [
        "Escreve um e-mail de boas-vindas para {full}. O utilizador é {user} e a senha é {pw}, tem de a alterar no primeiro acesso.",
        "A senha do wifi é {wifi} (rede {ssid}), faz-me um aviso para os clientes.",
        '"{pw}" é uma senha forte o suficiente?',
        "a palavra-passe do e-mail da {first} é {pw}, como lha envio com segurança?",
        "O PIN do meu cartão é {pin}, como me lembro dele?",
        'A minha frase-passe é "{phrase}", chega?',
    ],
    "nl": [
        "Schrijf een welkomstmail aan {full}. Gebruikersnaam {user}, het wachtwoord is {pw} (bij eerste login wijzigen).",
        "Het wifi-wachtwoord is {wifi}, netwerk {ssid}. Maak er een briefje voor gasten van.",
        'Is "{pw}" sterk genoeg als wachtwoord?',
        "het wachtwoord van {first} voor de boekhouding is {pw}, hoe stuur ik dat veilig door?",
        "Mijn pincode is {pin}, hoe onthoud ik die het best?",
        'Mijn wachtzin voor 1Password is "{phrase}", is dat lang genoeg?',
    ],
    "pl": [
        "Napisz maila powitalnego do {full}. Login: {user}, hasło to {pw} (do zmiany przy pierwszym logowaniu).",
        "Hasło do wifi to {wifi}, sieć {ssid}. Zrób z tego kartkę dla gości.",
        'Czy "{pw}" to wystarczająco mocne hasło do banku?',
        "hasło {first} do systemu to {pw}, jak to bezpiecznie przekazać?",
        "Mój PIN do karty to {pin}, a do alarmu {pin2}. Jak je zapamiętać?",
        'Moje hasło-fraza do menedżera haseł to "{phrase}" — wystarczy?',
    ],
    "sv": [
        "Skriv ett välkomstmejl till {full}. Användarnamn {user}, lösenordet är {pw}.",
        "Wifi-lösenordet är {wifi} (nätverk {ssid}), gör en lapp till gästerna.",
        'Är "{pw}" ett tillräckligt starkt lösenord?',
        "Min PIN-kod är {pin}, hur kommer jag ihåg den?",
    ],
    "da": [
        "Skriv en velkomstmail til {full}. Brugernavn {user}, adgangskoden er {pw}.",
        "Wifi-koden er {wifi} (netværk {ssid}), lav en seddel til gæsterne.",
        'Er "{pw}" en stærk nok adgangskode?',
        "Min pinkode er {pin}, hvordan husker jeg den?",
    ],
    "fi": [
        "Kirjoita tervetuloviesti: {full}, käyttäjätunnus {user}, salasana on {pw}.",
        "Wifin salasana on {wifi} (verkko {ssid}), tee lappu vieraille.",
        'Onko "{pw}" tarpeeksi vahva salasana?',
        "PIN-koodini on {pin}, miten muistan sen?",
    ],
    "tr": [
        "{full} için bir hoş geldin e-postası yaz. Kullanıcı adı {user}, şifre {pw}.",
        "Wifi şifresi {wifi} (ağ {ssid}), misafirler için bir not hazırla.",
        '"{pw}" yeterince güçlü bir şifre mi?',
        "Kart şifrem {pin}, nasıl aklımda tutarım?",
    ],
}
SSIDS = [
    "FRITZ!Box 7590 XQ",
    "Livebox-A3F2",
    "Vodafone-3C7A",
    "UPC1234567",
    "TP-Link_5G_8E21",
    "Orange-7D1F",
    "Ziggo58211",
    "NETIASPOT-2.4GHz",
    "Telia-4F2A",
    "YouSee-9931",
    "DNA-WLAN-5G",
    "SUPERONLINE_WiFi_2231",
    "Cafe_Gast",
    "Praxis-Gast",
]


@cr("cred", weight=5)
def cred_prose(lang):
    p = person(lang)
    kw = dict(
        full=V("name", p, lang),
        first=V("first_name", p, lang),
        user=V("username", p, lang),
        pw=L("SECRET", password(lang)),
        wifi=L("SECRET", wifi_key()),
        ssid=ch(SSIDS),
        svc=ch(SVC_USERS),
        pin=L("SECRET", pin()),
        pin2=L("SECRET", pin()),
        phrase=L("SECRET", password(lang, "phrase")),
    )
    return "prose", "credentials-sharing", typo(fill(ch(PWPROSE[lang]), **kw), 0.15)


BACKUP_INTRO = {
    "en": "Format these 2FA backup codes as a printable list, 2 columns:",
    "fr": "Mets ces codes de secours 2FA en liste imprimable :",
    "de": "Formatier mir diese 2FA-Backup-Codes als druckbare Liste:",
    "es": "Dale formato a estos códigos de respaldo 2FA para imprimir:",
    "it": "Formatta questi codici di backup 2FA in una lista stampabile:",
    "pt": "Formata estes códigos de backup 2FA numa lista para imprimir:",
    "nl": "Zet deze 2FA-back-upcodes in een printbare lijst:",
    "pl": "Sformatuj te kody zapasowe 2FA jako listę do wydruku:",
    "sv": "Formatera dessa reservkoder för 2FA som en utskrivbar lista:",
    "da": "Formatér disse 2FA-backupkoder som en liste til print:",
    "fi": "Muotoile nämä 2FA-varakoodit tulostettavaksi listaksi:",
    "tr": "Bu 2FA yedek kodlarını yazdırılabilir liste yap:",
}


@cr("cred", weight=2)
def cred_backup_codes(lang):
    codes = backup_codes()
    svc = ch(["GitHub", "Google", "Microsoft", "Proton", "Discord", "Dropbox", "Binance", "Revolut"])
    p = person(lang)
    head = ch(
        [
            f"{svc} recovery codes for {V('email', p, lang)}",
            f"{svc} — backup codes",
            f"# {svc} 2FA ({V('username', p, lang)})",
        ]
    )
    lines = [L("SECRET", c) for c in codes]
    body = head + "\n" + ("\n".join(lines) if chance(0.6) else "  ".join(lines))
    return "prose", "2fa-backup", join_prompt(BACKUP_INTRO[lang], body)


@cr("cred", weight=2)
def cred_totp(lang):
    p = person(lang)
    seed = b32seed()
    issuer = ch(["GitHub", "AWS", "Okta", "Nextcloud", "Bitwarden", "GitLab", "Atlassian", "Kraken"])
    acct = p.email if chance(0.6) else p.username
    acct_l = L("EMAIL_ADDRESS", acct) if "@" in acct else L("USERNAME", acct)
    if chance(0.6):
        uri = f"otpauth://totp/{issuer}:{acct_l}?secret={L('SECRET', seed)}&issuer={issuer}&algorithm=SHA1&digits=6&period=30"
        ins = {
            "en": "Our new hire lost the QR code. Can you turn this otpauth URI into step-by-step manual entry instructions?",
            "de": "Der QR-Code ist weg. Kannst du aus dieser otpauth-URI eine Anleitung zur manuellen Eingabe machen?",
            "fr": "Le QR code est perdu. Tu peux transformer cette URI otpauth en instructions de saisie manuelle ?",
            "es": "Se perdió el QR. ¿Puedes convertir esta URI otpauth en instrucciones para introducirla a mano?",
            "it": "Il QR è andato perso. Puoi trasformare questa URI otpauth in istruzioni per l'inserimento manuale?",
            "pt": "Perdemos o QR code. Podes transformar esta URI otpauth em instruções de introdução manual?",
            "nl": "De QR-code is kwijt. Kun je van deze otpauth-URI handmatige instructies maken?",
            "pl": "Zgubiliśmy kod QR. Zrób z tego URI otpauth instrukcję ręcznego wpisania:",
            "sv": "QR-koden är borta. Gör om denna otpauth-URI till instruktioner för manuell inmatning:",
            "da": "QR-koden er væk. Lav denne otpauth-URI om til en vejledning til manuel indtastning:",
            "fi": "QR-koodi katosi. Tee tästä otpauth-URI:sta ohjeet käsin syöttämiseen:",
            "tr": "QR kod kayboldu. Bu otpauth URI'sini elle giriş talimatlarına çevir:",
        }[lang]
        body = uri
    else:
        grouped = " ".join(seed[i : i + 4] for i in range(0, len(seed), 4)).lower() if chance(0.5) else seed
        ins = {
            "en": f"Authenticator says 'invalid key' when I type the {issuer} setup key for {acct_l}: {L('SECRET', grouped)} — what am I doing wrong?",
            "de": f"Die Authenticator-App sagt 'ungültiger Schlüssel' beim {issuer}-Setup-Key für {acct_l}: {L('SECRET', grouped)} — was mache ich falsch?",
            "fr": f"L'appli d'authentification refuse la clé {issuer} pour {acct_l} : {L('SECRET', grouped)}. Une idée ?",
            "es": f"La app de autenticación dice 'clave no válida' con la clave de {issuer} para {acct_l}: {L('SECRET', grouped)}",
            "it": f"L'app authenticator dice 'chiave non valida' per {issuer} ({acct_l}): {L('SECRET', grouped)}",
            "pt": f"A app autenticadora diz 'chave inválida' para {issuer} ({acct_l}): {L('SECRET', grouped)}",
            "nl": f"De authenticator-app zegt 'ongeldige sleutel' voor {issuer} ({acct_l}): {L('SECRET', grouped)}",
            "pl": f"Aplikacja uwierzytelniająca mówi 'nieprawidłowy klucz' dla {issuer} ({acct_l}): {L('SECRET', grouped)}",
            "sv": f"Autentiseringsappen säger 'ogiltig nyckel' för {issuer} ({acct_l}): {L('SECRET', grouped)}",
            "da": f"Godkendelsesappen siger 'ugyldig nøgle' for {issuer} ({acct_l}): {L('SECRET', grouped)}",
            "fi": f"Todennussovellus sanoo 'virheellinen avain' palvelulle {issuer} ({acct_l}): {L('SECRET', grouped)}",
            "tr": f"Doğrulama uygulaması {issuer} ({acct_l}) için 'geçersiz anahtar' diyor: {L('SECRET', grouped)}",
        }[lang]
        body = ""
    return "prose", "totp", join_prompt(ins, body) if body else ins


# ---------------------------------------------------------------- commands
@cr("cred", weight=5)
def cred_command(lang):
    p = person(lang)
    host = ch(
        [
            "db01.internal",
            "prod-mysql.eu-west-1.rds.amazonaws.com",
            "nas.local",
            "backup.lan",
            "build-01",
            "files.corp.lan",
        ]
    )
    r = R.randrange(14)
    pw = password(lang, ch(["word", "strong", "leet", "mixed"]))
    pw = pw.replace("'", "").replace('"', "").replace("\\", "").replace("`", "")
    user_p = p.username
    U = L("USERNAME", user_p)
    if r == 0:
        cmd = f"mysql -h {host} -u {ch(['root', 'admin'])} -p{L('SECRET', pw)} shop_prod < dump.sql"
    elif r == 1:
        cmd = f"sshpass -p '{L('SECRET', pw)}' ssh {U}@{host} 'sudo systemctl restart nginx'"
    elif r == 2:
        cmd = f"curl -u {U}:{L('SECRET', pw_url(lang))} https://{host}/api/v1/export?format=csv -o export.csv"
    elif r == 3:
        cmd = f"psql \"postgresql://{ch(SVC_USERS)}:{L('SECRET', pw_url(lang))}@{host}:5432/analytics?sslmode=require\" -c '\\dt'"
    elif r == 4:
        t = tk_github()
        cmd = f"git clone https://{U}:{L('API_KEY', t)}@github.com/{ch(['acme-eu', 'nordwind', 'lumen-analytics'])}/{ch(['infra', 'billing', 'website'])}.git"
    elif r == 5:
        cmd = f"docker login registry.{ch(COMPANY_DOMAINS)} -u {U} -p {L('SECRET', pw)}"
    elif r == 6:
        cmd = f"net use Z: \\\\{host.split('.')[0]}\\share /user:CORP\\{U} {L('SECRET', pw)} /persistent:yes"
    elif r == 7:
        cmd = f"redis-cli -h {host} -p 6379 -a '{L('SECRET', pw)}' --no-auth-warning KEYS 'session:*'"
    elif r == 8:
        cmd = f'mongosh "mongodb+srv://{ch(SVC_USERS)}:{L("SECRET", pw_url(lang))}@cluster0.{tok(string.ascii_lowercase + DIG, 5)}.mongodb.net/orders"'
    elif r == 9:
        cmd = f"smbclient //{host}/scans -U {U}%{L('SECRET', pw_url(lang))} -c 'ls'"
    elif r == 10:
        cmd = f"wget --user={U} --password='{L('SECRET', pw)}' https://{host}/backups/latest.tar.gz"
    elif r == 11:
        cmd = f"lftp -u {U},{L('SECRET', pw_url(lang))} sftp://{host} -e 'mirror --reverse ./dist /var/www; bye'"
    elif r == 12:
        cmd = f"echo '{L('SECRET', pw)}' | sudo -S apt-get upgrade -y   # run as {U}"
    else:
        cmd = f"az login -u {L('EMAIL_ADDRESS', p.work_email())} -p '{L('SECRET', pw)}'"
    ins = {
        "en": [
            "Why does this command hang?",
            "Can you turn this into a cron job that runs nightly?",
            "Put this in a bash script with error handling:",
        ],
        "fr": ["Pourquoi cette commande bloque ?", "Tu peux en faire une tâche cron quotidienne ?"],
        "de": ["Warum hängt der Befehl?", "Mach daraus bitte ein Bash-Skript mit Fehlerbehandlung:"],
        "es": ["¿Por qué se queda colgado este comando?", "Conviértelo en un cron diario:"],
        "it": ["Perché questo comando si blocca?", "Trasformalo in un cron notturno:"],
        "pt": ["Porque é que este comando fica pendurado?", "Transforma isto num cron diário:"],
        "nl": ["Waarom blijft dit commando hangen?", "Maak hier een nachtelijke cronjob van:"],
        "pl": ["Czemu ta komenda się zawiesza?", "Zrób z tego crona na noc:"],
        "sv": ["Varför hänger sig kommandot?"],
        "da": ["Hvorfor hænger kommandoen?"],
        "fi": ["Miksi komento jumittaa?"],
        "tr": ["Bu komut neden takılıyor?"],
    }[lang]
    return "command", "cli", join_prompt(typo(ch(ins), 0.2), fence(cmd, "bash") if chance(0.4) else cmd)


# ---------------------------------------------------------------- http auth
@cr("cred", weight=4)
def cred_http(lang):
    p = person(lang)
    host = ch(["api.", "gateway.", "internal-api."]) + ch(COMPANY_DOMAINS)
    lines = [
        f"{ch(['GET', 'POST', 'PUT', 'DELETE'])} /v{R.randint(1, 3)}/{ch(['reports', 'invoices', 'users/me', 'webhooks', 'exports/42'])} HTTP/1.1",
        f"Host: {host}",
    ]
    r = R.randrange(5)
    if r == 0:
        up = f"{p.username}:{pw_url(lang)}"
        lines.append(f"Authorization: Basic {L('SECRET', base64.b64encode(up.encode()).decode())}")
    elif r == 1:
        lines.append(
            f"Authorization: Bearer {L('SECRET', tk_jwt(sub=str(R.randint(1000, 99999)), alg=ch(['HS256', 'RS256'])))}"
        )
    elif r == 2:
        name, env, g = provider()
        t = g()
        lines.append(f"{ch(['X-Api-Key', 'x-api-key', 'Api-Key', 'X-Auth-Token'])}: {L('API_KEY', t)}")
    elif r == 3:
        lines.append(
            f"Cookie: {ch(['sessionid', 'PHPSESSID', 'laravel_session', '__Secure-next-auth.session-token', 'JSESSIONID'])}={L('SECRET', tok(B64URL if chance(0.5) else HEX, ch([26, 32, 64])))}; theme=dark"
        )
    else:
        t = ch([tk_github, tk_gitlab, tk_hf, tk_openai, tk_anthropic, tk_do, tk_databricks])()
        lines.append(
            f"Authorization: {'token' if t.startswith('gh') and chance(0.5) else 'Bearer'} {L('API_KEY', t)}"
        )
    lines += [
        "Accept: application/json",
        f"User-Agent: {ch(['curl/8.5.0', 'insomnia/9.2', 'Go-http-client/2.0'])}",
    ]
    if chance(0.4):
        lines.append(f"X-Request-Id: {la_uuid()}")
    resp = ch(
        [
            '\n\nHTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer error="invalid_token"',
            "\n\nHTTP/1.1 403 Forbidden",
            "",
        ]
    )
    ins = {
        "en": "Why am I getting 401 with this request?",
        "fr": "Pourquoi j'ai un 401 avec cette requête ?",
        "de": "Warum bekomme ich hier 401?",
        "es": "¿Por qué me da 401 esta petición?",
        "it": "Perché ricevo 401 con questa richiesta?",
        "pt": "Porque recebo 401 com este pedido?",
        "nl": "Waarom krijg ik een 401 op dit request?",
        "pl": "Czemu dostaję 401 na tym żądaniu?",
        "sv": "Varför får jag 401?",
        "da": "Hvorfor får jeg 401?",
        "fi": "Miksi saan 401:n?",
        "tr": "Bu istekte neden 401 alıyorum?",
    }[lang]
    return "http", "api-auth", join_prompt(ins, "\n".join(lines) + resp)


# ---------------------------------------------------------------- connection strings
def connstr():
    """returns (marked string, family)"""
    pw = L("SECRET", pw_url())
    u = ch(SVC_USERS[:10])
    h = ch(
        [
            "db.internal",
            "pg-prod.cluster-c7x.eu-central-1.rds.amazonaws.com",
            "sql01.corp.lan",
            "localhost",
            "mysql.default.svc.cluster.local",
            "ora-fin-01",
        ]
    )
    fam = ch(
        ["postgres", "mysql", "mssql", "oracle", "mongo", "redis", "amqp", "kafka", "jdbc", "azure", "odbc"]
    )
    if fam == "postgres":
        return ch(
            [
                f"postgresql://{u}:{pw}@{h}:5432/{ch(['app', 'billing', 'crm'])}?sslmode=require",
                f"postgres://{u}:{pw}@{h}/app",
                f"host={h} port=5432 dbname=app user={u} password={pw} sslmode=verify-full",
            ]
        ), fam
    if fam == "mysql":
        return ch(
            [f"mysql://{u}:{pw}@{h}:3306/shop", f"mysql+pymysql://{u}:{pw}@{h}/wordpress?charset=utf8mb4"]
        ), fam
    if fam == "mssql":
        return (
            f"Server=tcp:{h},1433;Initial Catalog=Sales;Persist Security Info=False;User ID={u};Password={pw};Encrypt=True;TrustServerCertificate=False;",
            fam,
        )
    if fam == "odbc":
        return f"Driver={{ODBC Driver 18 for SQL Server}};Server={h};Database=HR;Uid={u};Pwd={pw};", fam
    if fam == "oracle":
        return ch([f"jdbc:oracle:thin:{u}/{pw}@//{h}:1521/FINPRD", f"{u}/{pw}@{h}:1521/ORCLPDB1"]), fam
    if fam == "mongo":
        return (
            f"mongodb+srv://{u}:{pw}@cluster0.{tok(string.ascii_lowercase + DIG, 5)}.mongodb.net/{ch(['orders', 'app'])}?retryWrites=true&w=majority",
            fam,
        )
    if fam == "redis":
        return ch([f"redis://:{pw}@{h}:6379/0", f"rediss://default:{pw}@{h}:6380"]), fam
    if fam == "amqp":
        return (
            f"amqp://{u}:{pw}@rabbitmq.{ch(['internal', 'svc.cluster.local'])}:5672/{ch(['%2F', 'orders', 'prod'])}",
            fam,
        )
    if fam == "kafka":
        return (
            f"sasl.mechanism=PLAIN\nsecurity.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
            f'username="{ch(["svc-orders", "connect", "ingest"])}" password="{pw}";'
        ), fam
    if fam == "jdbc":
        return (
            f"jdbc:{ch(['postgresql', 'mysql', 'mariadb'])}://{h}:{ch([5432, 3306])}/app?user={u}&password={pw}&ssl=true",
            fam,
        )
    return (
        f"DefaultEndpointsProtocol=https;AccountName={ch(['stprodeu', 'invoicesblob', 'mediastore01'])};AccountKey={L('API_KEY', tk_azure_storage())};EndpointSuffix=core.windows.net",
        fam,
    )


CONN_INS = {
    "en": [
        "Why can't my app connect with this connection string?",
        "Convert this to the format SQLAlchemy expects:",
        "Is this connection string correct?",
    ],
    "fr": [
        "Pourquoi mon appli n'arrive pas à se connecter avec cette chaîne ?",
        "Cette chaîne de connexion est correcte ?",
    ],
    "de": [
        "Warum verbindet sich die App mit diesem Connection-String nicht?",
        "Ist der Connection-String so richtig?",
    ],
    "es": ["¿Por qué no conecta con esta cadena de conexión?", "¿Está bien esta cadena de conexión?"],
    "it": [
        "Perché l'app non si connette con questa stringa di connessione?",
        "Questa connection string è corretta?",
    ],
    "pt": ["Porque é que a app não liga com esta connection string?", "Esta string de ligação está certa?"],
    "nl": [
        "Waarom maakt mijn app geen verbinding met deze connection string?",
        "Klopt deze connectiestring?",
    ],
    "pl": [
        "Czemu aplikacja nie łączy się z tym connection stringiem?",
        "Czy ten connection string jest poprawny?",
    ],
    "sv": ["Varför kan appen inte ansluta med den här anslutningssträngen?"],
    "da": ["Hvorfor kan appen ikke forbinde med denne forbindelsesstreng?"],
    "fi": ["Miksi sovellus ei saa yhteyttä tällä yhteysmerkkijonolla?"],
    "tr": ["Uygulama bu bağlantı dizesiyle neden bağlanamıyor?"],
}


@cr("cred", weight=5)
def cred_connstr(lang):
    cs, fam = connstr()
    wrap = ch(["raw", "env", "code", "yaml", "error"])
    fmt = "prose"
    if fam == "kafka":
        body, fmt = cs, "ini"
    elif wrap == "raw":
        body = cs
    elif wrap == "env":
        body, fmt = (
            f"{ch(['DATABASE_URL', 'DB_DSN', 'MONGO_URI', 'REDIS_URL', 'BROKER_URL', 'ConnectionStrings__Default', 'SPRING_DATASOURCE_URL'])}={cs}",
            "env",
        )
    elif wrap == "code":
        body, fmt = (
            fence(
                f'engine = create_engine("{cs}", pool_pre_ping=True)'
                if chance(0.5)
                else f'var conn = new SqlConnection(@"{cs}");\nconn.Open();',
                "python" if chance(0.5) else "csharp",
            ),
            "code",
        )
    elif wrap == "yaml":
        body, fmt = (
            f'spring:\n  datasource:\n    url: "{cs}"\n    hikari:\n      maximum-pool-size: 10',
            "yaml",
        )
    else:
        body, fmt = (
            f"Traceback (most recent call last):\n  ...\nsqlalchemy.exc.OperationalError: could not connect to server: Connection refused\n  (Background on this error at: https://sqlalche.me/e/20/e3q8)\n[SQL: connect] dsn='{cs}'",
            "kv-log",
        )
    return fmt, "connection-string", join_prompt(typo(ch(CONN_INS[lang]), 0.2), body)


# ---------------------------------------------------------------- provider tokens
@cr("cred", weight=5)
def cred_env_tokens(lang):
    k = R.randint(2, 5)
    provs = []
    while len(provs) < k:
        pr = provider()
        if pr[1] not in {q[1] for q in provs}:
            provs.append(pr)
    lines = [
        f"# {ch(['local dev', 'prod', 'staging', 'copied from 1password'])}",
        f"NODE_ENV={ch(['production', 'development'])}",
    ]
    for name, env, g in provs:
        lines.append(f"{env}={L('API_KEY', g())}")
    if chance(0.5):
        a, s = tk_aws()
        lines += [
            f"AWS_ACCESS_KEY_ID={L('API_KEY', a)}",
            f"AWS_SECRET_ACCESS_KEY={L('API_KEY', s)}",
            f"AWS_DEFAULT_REGION={ch(['eu-central-1', 'eu-west-1', 'us-east-1'])}",
        ]
    if chance(0.4):
        lines.append(f"SESSION_SECRET={L('SECRET', tok(HEX, 64))}")
    if chance(0.4):  # look-alikes mixed in
        lines.append(f"SENTRY_RELEASE={la_sha(40)}")
    if chance(0.3):
        lines.append("STRIPE_PUBLISHABLE_KEY=pk_test_xxxxxxxxxxxx")
    if chance(0.3):
        lines.append(f"FEATURE_FLAGS_ID={la_uuid()}")
    head = lines[:2]
    rest = lines[2:]
    R.shuffle(rest)
    body = "\n".join(head + rest)
    ins = {
        "en": [
            "Which of these env vars are unused in a Next.js app?",
            "Sort this .env alphabetically and group by provider:",
            "convert to a docker-compose environment block",
        ],
        "fr": [
            "Trie ce .env par ordre alphabétique :",
            "Transforme ce .env en bloc environment pour docker-compose",
        ],
        "de": [
            "Sortier die .env alphabetisch und gruppier nach Anbieter:",
            "Mach daraus einen environment-Block für docker-compose",
        ],
        "es": ["Ordena este .env alfabéticamente:", "Pásalo a un bloque environment de docker-compose"],
        "it": [
            "Ordina questo .env in ordine alfabetico:",
            "Trasformalo in un blocco environment di docker-compose",
        ],
        "pt": ["Ordena este .env alfabeticamente:", "Converte para um bloco environment do docker-compose"],
        "nl": ["Sorteer deze .env alfabetisch:", "Zet dit om naar een environment-blok voor docker-compose"],
        "pl": ["Posortuj ten .env alfabetycznie:", "Przerób to na blok environment do docker-compose"],
        "sv": ["Sortera denna .env alfabetiskt:"],
        "da": ["Sortér denne .env alfabetisk:"],
        "fi": ["Järjestä tämä .env aakkosjärjestykseen:"],
        "tr": ["Bu .env dosyasını alfabetik sırala:"],
    }[lang]
    return "env", "app-secrets", join_prompt(typo(ch(ins), 0.2), body if chance(0.6) else fence(body, "env"))


TOKEN_PROSE = {
    "en": [
        "I think I leaked my {prov} key in a public repo: {tok}. How do I rotate it and scrub git history?",
        "getting 401 from {prov} with {tok}, is the format right?",
        "Can you write a python snippet that calls the {prov} API? my key is {tok}",
    ],
    "fr": [
        "Je crois que j'ai publié ma clé {prov} sur un dépôt public : {tok}. Comment la révoquer ?",
        "J'ai une 401 chez {prov} avec la clé {tok}, le format est bon ?",
    ],
    "de": [
        "Ich glaube, ich habe meinen {prov}-Key in ein öffentliches Repo gepusht: {tok}. Wie rotiere ich den?",
        "Bekomme 401 von {prov} mit {tok} – stimmt das Format?",
    ],
    "es": [
        "Creo que subí mi clave de {prov} a un repo público: {tok}. ¿Cómo la revoco?",
        "Me da 401 en {prov} con {tok}, ¿el formato está bien?",
    ],
    "it": [
        "Credo di aver pubblicato la mia chiave {prov} in un repo pubblico: {tok}. Come la revoco?",
        "Ricevo 401 da {prov} con {tok}, il formato è giusto?",
    ],
    "pt": [
        "Acho que publiquei a minha chave {prov} num repo público: {tok}. Como a revogo?",
        "Estou a receber 401 da {prov} com {tok}, o formato está certo?",
    ],
    "nl": [
        "Ik denk dat ik mijn {prov}-key in een publieke repo heb gezet: {tok}. Hoe trek ik die in?",
        "Ik krijg 401 van {prov} met {tok}, klopt het formaat?",
    ],
    "pl": [
        "Chyba wrzuciłem klucz {prov} do publicznego repo: {tok}. Jak go unieważnić?",
        "Dostaję 401 z {prov} z kluczem {tok}, format jest ok?",
    ],
    "sv": ["Jag råkade pusha min {prov}-nyckel till ett publikt repo: {tok}. Hur roterar jag den?"],
    "da": ["Jeg kom til at pushe min {prov}-nøgle til et offentligt repo: {tok}. Hvordan roterer jeg den?"],
    "fi": ["Vahingossa julkaisin {prov}-avaimeni julkiseen repoon: {tok}. Miten vaihdan sen?"],
    "tr": ["{prov} anahtarımı yanlışlıkla herkese açık repoya attım: {tok}. Nasıl iptal ederim?"],
}


@cr("cred", weight=5)
def cred_token_prose(lang):
    name, env, g = provider()
    if chance(0.25):
        a, s = tk_aws()
        tokv = f"{L('API_KEY', a)} / {L('API_KEY', s)}"
        name = "AWS"
    elif chance(0.15):
        tokv = L("API_KEY", tk_slack_webhook())
        name = "Slack"
    else:
        tokv = L("API_KEY", g())
    return "prose", "token-leak", typo(fill(ch(TOKEN_PROSE[lang]), prov=name, tok=tokv), 0.15)


@cr("cred", weight=4)
def cred_code_tokens(lang):
    r = R.randrange(7)
    if r == 0:
        body = fence(
            f'from openai import OpenAI\n\nclient = OpenAI(api_key="{L("API_KEY", tk_openai())}")\nresp = client.responses.create(model="gpt-4.1-mini", input="hi")\nprint(resp.output_text)',
            "python",
        )
    elif r == 1:
        body = fence(
            f'import anthropic\n\nclient = anthropic.Anthropic(api_key="{L("API_KEY", tk_anthropic())}")\nmsg = client.messages.create(model="claude-sonnet-4-5", max_tokens=512, messages=[{{"role": "user", "content": "hello"}}])',
            "python",
        )
    elif r == 2:
        a, s = tk_aws()
        body = fence(
            f's3 = boto3.client(\n    "s3",\n    aws_access_key_id="{L("API_KEY", a)}",\n    aws_secret_access_key="{L("API_KEY", s)}",\n    region_name="eu-central-1",\n)\ns3.upload_file("report.pdf", "finance-reports", "2025/q1.pdf")',
            "python",
        )
    elif r == 3:
        body = fence(
            f"const stripe = require('stripe')('{L('API_KEY', tk_stripe())}');\n\nconst session = await stripe.checkout.sessions.create({{ mode: 'payment', line_items }});",
            "js",
        )
    elif r == 4:
        body = fence(
            f'provider "digitalocean" {{\n  token = "{L("API_KEY", tk_do())}"\n}}\n\nprovider "github" {{\n  token = "{L("API_KEY", tk_github())}"\n  owner = "acme-eu"\n}}',
            "hcl",
        )
    elif r == 5:
        body = fence(
            f'from huggingface_hub import login\nlogin(token="{L("API_KEY", tk_hf())}")\n\nfrom slack_sdk import WebClient\nslack = WebClient(token="{L("API_KEY", tk_slack("xoxb"))}")',
            "python",
        )
    else:
        body = fence(
            f"$headers = @{{ 'Authorization' = 'Bearer {L('API_KEY', tk_databricks())}' }}\nInvoke-RestMethod -Uri 'https://adb-{rdig(16)}.{rdig(1)}.azuredatabricks.net/api/2.0/clusters/list' -Headers $headers",
            "powershell",
        )
    return (
        "code",
        "source-code",
        join_prompt(
            instr("code", lang)
            if chance(0.3)
            else {
                "en": "Why doesn't this work?",
                "de": "Warum funktioniert das nicht?",
                "fr": "Pourquoi ça ne marche pas ?",
                "es": "¿Por qué no funciona?",
                "it": "Perché non funziona?",
                "pt": "Porque é que isto não funciona?",
                "nl": "Waarom werkt dit niet?",
                "pl": "Czemu to nie działa?",
                "sv": "Varför fungerar inte det här?",
                "da": "Hvorfor virker det ikke?",
                "fi": "Miksi tämä ei toimi?",
                "tr": "Bu neden çalışmıyor?",
            }[lang],
            body,
        ),
    )


@cr("cred", weight=3)
def cred_yaml(lang):
    r = R.randrange(4)
    if r == 0:
        body = (
            f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\n  namespace: {ch(['prod', 'payments', 'default'])}\ntype: Opaque\nstringData:\n"
            f'  DB_PASSWORD: "{L("SECRET", password(lang, "strong"))}"\n  SENDGRID_API_KEY: "{L("API_KEY", tk_sendgrid())}"\n  JWT_SIGNING_KEY: "{L("SECRET", tok(B64URL, 48))}"'
        )
    elif r == 1:
        body = (
            f"services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: {L('SECRET', password(lang, ch(['word', 'strong'])))}\n"
            f"  app:\n    build: .\n    environment:\n      DATABASE_URL: postgres://app:{L('SECRET', pw_url(lang))}@db:5432/app\n      MAILGUN_API_KEY: {L('API_KEY', tk_mailgun())}"
        )
    elif r == 2:
        body = (
            f"name: deploy\non: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      NPM_TOKEN: {L('API_KEY', tk_npm())}\n"
            f"      PYPI_TOKEN: {L('API_KEY', tk_pypi())}\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm publish"
        )
    else:
        body = (
            f"spring:\n  mail:\n    host: smtp.gmail.com\n    username: {V('email', person(lang), lang)}\n    password: {L('SECRET', ''.join(R.choice(string.ascii_lowercase) for _ in range(16)))}\n"
            f"  security:\n    oauth2:\n      client:\n        registration:\n          google:\n            client-id: {rdig(12)}-{tok(string.ascii_lowercase + DIG, 32)}.apps.googleusercontent.com\n"
            f"            client-secret: {L('API_KEY', tk_gocspx())}"
        )
    return "yaml", "deploy-config", join_prompt(instr("fix_yaml", lang), body)


@cr("cred", weight=3)
def cred_dotfiles(lang):
    p = person(lang)
    r = R.randrange(5)
    if r == 0:
        body, fmt, nm = (
            f"//registry.npmjs.org/:_authToken={L('API_KEY', tk_npm())}\n@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken={L('API_KEY', tk_github())}",
            "ini",
            ".npmrc",
        )
    elif r == 1:
        body, fmt, nm = (
            f"[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\npassword = {L('API_KEY', tk_pypi())}",
            "ini",
            ".pypirc",
        )
    elif r == 2:
        up = f"{p.username}:{pw_url(lang)}"
        body, fmt, nm = (
            jdump(
                {
                    "auths": {
                        "registry.gitlab.com": {"auth": L("SECRET", base64.b64encode(up.encode()).decode())},
                        "ghcr.io": {
                            "auth": L(
                                "SECRET", base64.b64encode(f"{p.username}:{tk_github()}".encode()).decode()
                            )
                        },
                    }
                },
                indent=2,
            ),
            "json",
            "~/.docker/config.json",
        )
    elif r == 3:
        body, fmt, nm = (
            f"machine api.heroku.com\n  login {L('EMAIL_ADDRESS', p.email)}\n  password {L('SECRET', la_uuid())}\nmachine ftp.{ch(COMPANY_DOMAINS)}\n  login {L('USERNAME', p.username)}\n  password {L('SECRET', password(lang))}",
            "ini",
            ".netrc",
        )
    else:
        body, fmt, nm = (
            (
                f"[default]\naws_access_key_id = {L('API_KEY', tk_aws()[0])}\naws_secret_access_key = {L('API_KEY', tok(B64, 40))}\n\n"
                f"[prod]\naws_access_key_id = {L('API_KEY', tk_aws()[0])}\naws_secret_access_key = {L('API_KEY', tok(B64, 40))}\nregion = eu-west-1"
            ),
            "ini",
            "~/.aws/credentials",
        )
    ins = {
        "en": f"Here's my {nm}, why does the CLI still ask me to log in?",
        "de": f"Hier meine {nm} – warum will das CLI trotzdem einen Login?",
        "fr": f"Voici mon {nm}, pourquoi la CLI me redemande de me connecter ?",
        "es": f"Este es mi {nm}, ¿por qué el CLI me sigue pidiendo login?",
        "it": f"Ecco il mio {nm}, perché la CLI mi chiede ancora il login?",
        "pt": f"Aqui está o meu {nm}, porque é que a CLI continua a pedir login?",
        "nl": f"Hier is mijn {nm}, waarom vraagt de CLI nog steeds om in te loggen?",
        "pl": f"Oto mój {nm}, czemu CLI dalej każe się logować?",
        "sv": f"Här är min {nm}, varför vill CLI:t fortfarande att jag loggar in?",
        "da": f"Her er min {nm}, hvorfor beder CLI'en stadig om login?",
        "fi": f"Tässä {nm}, miksi CLI pyytää yhä kirjautumaan?",
        "tr": f"İşte {nm} dosyam, CLI neden hâlâ giriş istiyor?",
    }[lang]
    return fmt, "dotfile", join_prompt(ins, body)


# ---------------------------------------------------------------- private keys
@cr("cred", weight=5)
def cred_private_key(lang):
    p = person(lang)
    r = R.randrange(6)
    cmt = f"{p.username}@{ch(['laptop', 'thinkpad', 'MacBook-Pro.local', 'build01'])}"
    if r <= 1:
        k = real_pem(ch(["rsa", "openssh", "ec", "pkcs8"]))
        body = L("PRIVATE_KEY", k)
        ins = {
            "en": "ssh says 'invalid format' for this key, what's wrong?",
            "de": "ssh meldet 'invalid format' bei diesem Key, was ist falsch?",
            "fr": "ssh me dit 'invalid format' avec cette clé, pourquoi ?",
            "es": "ssh dice 'invalid format' con esta clave, ¿qué pasa?",
            "it": "ssh dice 'invalid format' con questa chiave, cosa c'è che non va?",
            "pt": "o ssh diz 'invalid format' com esta chave, porquê?",
            "nl": "ssh geeft 'invalid format' bij deze sleutel, wat is er mis?",
            "pl": "ssh mówi 'invalid format' dla tego klucza, co jest nie tak?",
            "sv": "ssh säger 'invalid format' för nyckeln, vad är fel?",
            "da": "ssh siger 'invalid format' til nøglen, hvad er galt?",
            "fi": "ssh sanoo 'invalid format' tälle avaimelle, mikä on vialla?",
            "tr": "ssh bu anahtar için 'invalid format' diyor, sorun ne?",
        }[lang]
        if chance(0.4):
            body = (
                "$ cat ~/.ssh/id_"
                + ch(["rsa", "ed25519", "deploy"])
                + "\n"
                + body
                + f'\n$ ssh -i ~/.ssh/id_deploy {L("USERNAME", p.username)}@{ch(COMPANY_DOMAINS)}\nLoad key "/home/{p.username}/.ssh/id_deploy": invalid format'
            )
            body = body.replace(f"/home/{p.username}/", "/home/" + L("USERNAME", p.username) + "/")
        return "code", "private-key", join_prompt(ins, body)
    if r == 2:
        k = real_pem("pkcs8").replace("\n", "\\n") + "\\n"
        sa = {
            "type": "service_account",
            "project_id": f"{ch(['invoicing', 'ml-platform', 'data-lake'])}-{rdig(6)}",
            "private_key": L("PRIVATE_KEY", k),
            "client_email": L(
                "EMAIL_ADDRESS",
                f"{ch(['etl', 'deployer', 'bq-reader'])}@{ch(['invoicing', 'ml-platform'])}-{rdig(6)}.iam.gserviceaccount.com",
            ),
            "client_id": rdig(21),
            "token_uri": "https://oauth2.googleapis.com/token",
        }
        s = jdump(sa, indent=2).replace("\\\\n", "\\n")
        ins = {
            "en": "google-auth raises 'No key could be detected' with this service account JSON, why?",
            "de": "google-auth wirft 'No key could be detected' mit diesem Service-Account-JSON, warum?",
            "fr": "google-auth renvoie 'No key could be detected' avec ce JSON de compte de service, pourquoi ?",
            "es": "google-auth da 'No key could be detected' con este JSON de cuenta de servicio, ¿por qué?",
            "it": "google-auth restituisce 'No key could be detected' con questo JSON del service account, perché?",
            "pt": "o google-auth dá 'No key could be detected' com este JSON da conta de serviço, porquê?",
            "nl": "google-auth geeft 'No key could be detected' met deze service-account-JSON, waarom?",
            "pl": "google-auth zwraca 'No key could be detected' dla tego JSON-a konta usługi, czemu?",
            "sv": "google-auth säger 'No key could be detected' med denna JSON för tjänstkontot, varför?",
            "da": "google-auth giver 'No key could be detected' med denne service account-JSON, hvorfor?",
            "fi": "google-auth antaa virheen 'No key could be detected' tällä palvelutilin JSONilla, miksi?",
            "tr": "google-auth bu servis hesabı JSON'u ile 'No key could be detected' hatası veriyor, neden?",
        }[lang]
        return "json", "private-key", join_prompt(ins, fence(s, "json"))
    if r == 3:
        k = ppk_key(f"{ch(['rsa-key', 'eddsa-key'])}-2024{rdig(4)}")
        ins = {
            "en": "How do I convert this PuTTY key to OpenSSH format?",
            "de": "Wie konvertiere ich diesen PuTTY-Key ins OpenSSH-Format?",
            "fr": "Comment convertir cette clé PuTTY au format OpenSSH ?",
            "es": "¿Cómo convierto esta clave PuTTY a OpenSSH?",
            "it": "Come converto questa chiave PuTTY in formato OpenSSH?",
            "pt": "Como converto esta chave PuTTY para OpenSSH?",
            "nl": "Hoe zet ik deze PuTTY-sleutel om naar OpenSSH?",
            "pl": "Jak przekonwertować ten klucz PuTTY do OpenSSH?",
            "sv": "Hur konverterar jag denna PuTTY-nyckel till OpenSSH-format?",
            "da": "Hvordan konverterer jeg denne PuTTY-nøgle til OpenSSH-format?",
            "fi": "Miten muunnan tämän PuTTY-avaimen OpenSSH-muotoon?",
            "tr": "Bu PuTTY anahtarını OpenSSH formatına nasıl çeviririm?",
        }[lang]
        return "code", "private-key", join_prompt(ins, L("PRIVATE_KEY", k))
    if r == 4:
        k = tk_age()
        pub = "age1" + tok("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)
        body = f"# created: 2025-0{R.randint(1, 9)}-1{R.randint(0, 9)}T10:2{R.randint(0, 9)}:00+01:00\n# public key: {pub}\n{L('PRIVATE_KEY', k)}"
        ins = {
            "en": "sops can't decrypt with this keys.txt, is the file format right?",
            "de": "sops kann mit dieser keys.txt nicht entschlüsseln, stimmt das Format?",
            "fr": "sops n'arrive pas à déchiffrer avec ce keys.txt, le format est bon ?",
            "es": "sops no consigue descifrar con este keys.txt, ¿el formato está bien?",
            "it": "sops non riesce a decifrare con questo keys.txt, il formato è giusto?",
            "pt": "o sops não consegue desencriptar com este keys.txt, o formato está certo?",
            "nl": "sops kan niet ontsleutelen met deze keys.txt, klopt het formaat?",
            "pl": "sops nie może odszyfrować z tym keys.txt, format jest ok?",
            "sv": "sops kan inte dekryptera med denna keys.txt, stämmer formatet?",
            "da": "sops kan ikke dekryptere med denne keys.txt, er formatet rigtigt?",
            "fi": "sops ei pysty purkamaan salausta tällä keys.txt:llä, onko muoto oikein?",
            "tr": "sops bu keys.txt ile çözemiyor, format doğru mu?",
        }[lang]
        return "code", "private-key", join_prompt(ins, body)
    k = real_pem(ch(["ec", "rsa"]))
    pub = public_ssh_key(cmt)
    body = f"```\n# deploy key (public, safe to share)\n{pub}\n\n# private\n{L('PRIVATE_KEY', k)}\n```"
    ins = {
        "en": "Which one of these do I paste into GitHub deploy keys?",
        "de": "Welchen davon trage ich bei GitHub als Deploy-Key ein?",
        "fr": "Laquelle je colle dans les deploy keys GitHub ?",
        "es": "¿Cuál de estas pego en las deploy keys de GitHub?",
        "pl": "Który z nich wklejam do deploy keys na GitHubie?",
        "nl": "Welke van deze plak ik bij GitHub deploy keys?",
        "it": "Quale di queste incollo nelle deploy key di GitHub?",
        "pt": "Qual destas colo nas deploy keys do GitHub?",
        "sv": "Vilken av dessa klistrar jag in som deploy key på GitHub?",
        "da": "Hvilken af dem indsætter jeg som deploy key på GitHub?",
        "fi": "Kumman näistä liitän GitHubin deploy keyksi?",
        "tr": "Bunlardan hangisini GitHub deploy key olarak yapıştırıyorum?",
    }[lang]
    body = body.replace(f" {cmt}", " " + L("USERNAME", p.username) + cmt[len(p.username) :])
    return "code", "private-key", join_prompt(ins, body)


# ---------------------------------------------------------------- logs / sql / password exports
@cr("cred", weight=3)
def cred_log_leak(lang):
    p = person(lang)
    _t = [
        datetime.datetime(
            2025, R.randint(1, 12), R.randint(1, 28), R.randint(0, 22), R.randint(0, 59), R.randint(0, 59)
        )
    ]

    def ts():
        _t[0] += datetime.timedelta(milliseconds=R.randint(5, 4000))
        return _t[0].strftime("%Y-%m-%d %H:%M:%S,") + f"{_t[0].microsecond // 1000:03d}"

    lines = [
        f"{ts()} INFO  [main] Starting {ch(['billing-sync', 'report-worker', 'crm-bridge'])} {la_version()} (commit {la_sha(7)})"
    ]
    r = R.randrange(4)
    if r == 0:
        cs, _ = connstr()
        lines.append(f"{ts()} DEBUG [db] connecting with dsn={cs}")
        lines.append(f"{ts()} ERROR [db] FATAL: password authentication failed")
    elif r == 1:
        lines.append(f"{ts()} DEBUG [http] > GET https://api.{ch(COMPANY_DOMAINS)}/v1/me")
        lines.append(f"{ts()} DEBUG [http] > Authorization: Bearer {L('SECRET', tk_jwt(email=None))}")
        lines.append(f"{ts()} DEBUG [http] < 401 Unauthorized")
    elif r == 2:
        t = ch([tk_github, tk_slack, tk_sendgrid, tk_stripe, tk_google, tk_shopify, tk_telegram])()
        lines.append(f"{ts()} WARN  [config] using token from env: {L('API_KEY', t)}")
        lines.append(f"{ts()} ERROR [notify] request failed: 403 Forbidden (request_id={la_uuid()})")
    else:
        lines.append(
            f"{ts()} INFO  [auth] login attempt user={L('USERNAME', p.username)} password={L('SECRET', password(lang))} from {L('IP_ADDRESS', gen_ip())}"
        )
        lines.append(f"{ts()} WARN  [auth] invalid credentials for user={L('USERNAME', p.username)}")
    lines.append(f"{ts()} INFO  [main] shutting down, uptime={R.randint(1, 9000)}s")
    return "kv-log", "app-log", join_prompt(instr("debug", lang), "\n".join(lines))


@cr("cred", weight=2)
def cred_sql(lang):
    p = person(lang)
    r = R.randrange(3)
    if r == 0:
        stmt = f"CREATE USER {ch(['reporting', 'etl_user', 'grafana'])} WITH PASSWORD '{L('SECRET', password(lang, 'strong').replace(chr(39), ''))}';\nGRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;"
    elif r == 1:
        stmt = f'ALTER USER {L("USERNAME", p.username.replace(".", "_").replace("-", "_"))} IDENTIFIED BY "{L("SECRET", password(lang, "word"))}";'
    else:
        stmt = (
            f"INSERT INTO integrations (service, api_key, created_by) VALUES\n  ('stripe', '{L('API_KEY', tk_stripe())}', '{L('EMAIL_ADDRESS', p.work_email())}'),\n"
            f"  ('sendgrid', '{L('API_KEY', tk_sendgrid())}', '{L('EMAIL_ADDRESS', p.work_email())}');"
        )
    return "sql", "db-admin", join_prompt(instr("fix_sql", lang), stmt)


@cr("cred", weight=2)
def cred_pw_export(lang):
    ps = people(lang, R.randint(2, 4))
    rows = []
    for p in ps:
        site = ch(
            [
                "https://accounts.google.com",
                "https://www.netflix.com",
                "https://login.microsoftonline.com",
                "https://allegro.pl",
                "https://www.amazon.de",
                "https://www.leboncoin.fr",
                "https://online.bankofireland.com",
                "https://www.marktplaats.nl",
                "https://www.idealista.com",
            ]
        )
        login = L("EMAIL_ADDRESS", p.email) if chance(0.5) else L("USERNAME", p.username)
        rows.append([site.split("//")[1], site, login, L("SECRET", password(lang))])
    if chance(0.5):
        body = to_csv(rows, ["name", "url", "username", "password"])
        fmt = "csv"
    else:
        body = md_table(["Site", "URL", "Login", "Password"], rows)
        fmt = "markdown-table"
    ins = {
        "en": "I exported my Chrome passwords, which of these are weak or reused?",
        "de": "Ich habe meine Chrome-Passwörter exportiert – welche sind schwach?",
        "fr": "J'ai exporté mes mots de passe Chrome, lesquels sont faibles ?",
        "es": "Exporté mis contraseñas de Chrome, ¿cuáles son débiles?",
        "it": "Ho esportato le password di Chrome, quali sono deboli?",
        "pt": "Exportei as senhas do Chrome, quais são fracas?",
        "nl": "Ik heb mijn Chrome-wachtwoorden geëxporteerd, welke zijn zwak?",
        "pl": "Wyeksportowałem hasła z Chrome, które są słabe?",
        "sv": "Jag exporterade mina lösenord från Chrome, vilka är svaga?",
        "da": "Jeg eksporterede mine adgangskoder fra Chrome, hvilke er svage?",
        "fi": "Vein Chromen salasanat, mitkä ovat heikkoja?",
        "tr": "Chrome şifrelerimi dışa aktardım, hangileri zayıf?",
    }[lang]
    return fmt, "password-export", join_prompt(ins, body)


# ---------------------------------------------------------------- national identifiers
CC_LANG = {
    "PL": "pl",
    "FR": "fr",
    "BE": ch(["fr", "nl"]),
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "ES": "es",
    "MX": "es",
    "CL": "es",
    "IT": "it",
    "PT": "pt",
    "BR": "pt",
    "NL": "nl",
    "SE": "sv",
    "DK": "da",
    "FI": "fi",
    "TR": "tr",
    "NO": "en",
    "IN": "en",
    "CA": "en",
    "AU": "en",
    "ZA": "en",
    "US": "en",
    "IE": "en",
    "CN": "en",
    "KR": "en",
    "RO": "en",
    "BG": "en",
    "EE": "en",
    "LT": "en",
    "CZ": "en",
    "HR": "en",
    "IS": "en",
    "IL": "en",
    "GR": "en",
}
NID_TEXT = {
    "en": [
        "Fill in the tax form for {full}: {lbl} {id}, born {dob}.",
        "Can you check whether {id} is a valid {lbl} for my client {full}?",
        "{full}'s {lbl} is {id} — please add it to the payroll letter.",
        "We received {id} as the ID number for {first} but the name doesn't match, what should I ask?",
    ],
    "fr": [
        "Remplis l'attestation pour {full}, {lbl} : {id}, {born} le {dob}.",
        "Est-ce que {id} est un {lbl} valide pour {full} ?",
        "Le {lbl} de {first} est {id}, peux-tu l'ajouter au contrat ?",
    ],
    "de": [
        "Trag für {full} die {lbl} {id} ins Formular ein, geboren am {dob}.",
        "Ist {id} eine gültige {lbl}? Gehört zu {full}.",
        "Bitte die Lohnabrechnung für {full} anpassen, {lbl}: {id}.",
    ],
    "es": [
        "Rellena el formulario de {full}, {lbl}: {id}, {born} el {dob}.",
        "¿{id} es un {lbl} válido? Es de {full}.",
        "El {lbl} de {first} es {id}, añádelo al contrato por favor.",
    ],
    "it": [
        "Compila il modulo per {full}, {lbl}: {id}, {born} il {dob}.",
        "{id} è un {lbl} valido? È di {full}.",
        "Il {lbl} di {first} è {id}, aggiungilo al contratto.",
    ],
    "pt": [
        "Preenche o formulário de {full}, {lbl}: {id}, {born} a {dob}.",
        "{id} é um {lbl} válido? É do/da {full}.",
        "O {lbl} da {first} é {id}, acrescenta ao contrato.",
    ],
    "nl": [
        "Vul het formulier in voor {full}, {lbl}: {id}, geboren op {dob}.",
        "Is {id} een geldig {lbl}? Het is van {full}.",
        "Het {lbl} van {first} is {id}, zet dat in het contract.",
    ],
    "pl": [
        "Uzupełnij wniosek dla {full}, {lbl}: {id}, {born} {dob}.",
        "Czy {id} to poprawny {lbl}? Należy do {full}.",
        "{lbl} {first} to {id}, dopisz do umowy.",
    ],
    "sv": ["Fyll i blanketten för {full}, {lbl}: {id}.", "Är {id} ett giltigt {lbl}? Det gäller {full}."],
    "da": [
        "Udfyld blanketten for {full}, {lbl}: {id}.",
        "Er {id} et gyldigt {lbl}? Det drejer sig om {full}.",
    ],
    "fi": ["Täytä lomake: {full}, {lbl}: {id}.", "Onko {id} kelvollinen {lbl}? Kyse on henkilöstä {full}."],
    "tr": ["{full} için formu doldur, {lbl}: {id}.", "{id} geçerli bir {lbl} mi? {full} adına."],
}
NID_NOLABEL = {
    "en": [
        "{full} sent me {id} when I asked for the number, is that the right format?",
        "please add {id} to the file of {first} {last}",
        "Number on the card: {id}. Name: {full}.",
    ],
    "fr": ["{full} m'a envoyé {id}, c'est le bon format ?", "ajoute {id} au dossier de {full} stp"],
    "de": ["{full} hat mir {id} geschickt, passt das Format?", "bitte {id} in der Akte von {full} ergänzen"],
    "es": ["{full} me mandó {id}, ¿es el formato correcto?", "añade {id} al expediente de {full}"],
    "it": ["{full} mi ha mandato {id}, è il formato giusto?", "aggiungi {id} alla pratica di {full}"],
    "pt": ["{full} mandou-me {id}, é o formato certo?", "acrescenta {id} ao processo de {full}"],
    "nl": ["{full} stuurde me {id}, klopt dat formaat?", "zet {id} in het dossier van {full}"],
    "pl": ["{full} przysłał(a) mi {id}, czy to dobry format?", "dopisz {id} do akt {full}"],
    "sv": ["{full} skickade {id}, stämmer formatet?"],
    "da": ["{full} sendte {id}, passer formatet?"],
    "fi": ["{full} lähetti {id}, onko muoto oikein?"],
    "tr": ["{full} bana {id} gönderdi, format doğru mu?"],
}
_NID_QUEUE = []


def next_cc():
    global _NID_QUEUE
    if not _NID_QUEUE:
        _NID_QUEUE = sorted(NID_CCS)
        R.shuffle(_NID_QUEUE)
    return _NID_QUEUE.pop()


@cr("nid", weight=6)
def nid_sentence(lang_unused):
    cc = next_cc()
    lang = CC_LANG[cc]
    if cc == "BE":
        lang = ch(["fr", "nl"])
    p = Person(cc, name_origin=cc if (cc in EXTRA_NAMES or faker_for(cc)) else None)
    v, c = p_nid(p)
    labelled = chance(0.65)
    kw = dict(
        full=V("name", p, lang),
        first=V("first_name", p, lang),
        last=V("last_name", p, lang),
        id=L("NATIONAL_ID", v, c),
        lbl=ch(NID_LABEL[cc]).rstrip(":"),
        dob=V("dob", p, lang, fmt=ch(["num", "words"])),
        born=born(lang, p),
    )
    tpl = ch(NID_TEXT[lang]) if labelled else ch(NID_NOLABEL[lang])
    return "prose", "national-id", typo(fill(tpl, **kw), 0.1), lang


@cr("nid", weight=3)
def nid_table(lang_unused):
    ccs = [next_cc() for _ in range(R.randint(3, 6))]
    lang = ch(["en", "en", "de", "fr", "nl", "es"])
    rows = []
    for cc in ccs:
        p = Person(cc, name_origin=cc if (cc in EXTRA_NAMES or faker_for(cc)) else None)
        v, c = p_nid(p)
        rows.append((p, cc, L("NATIONAL_ID", v, c)))
    r = R.randrange(3)
    if r == 0:
        body = to_csv(
            [
                [V("name", p, lang), cc, ch(NID_LABEL[cc]).rstrip(":"), idv, V("dob", p, lang, fmt="iso")]
                for p, cc, idv in rows
            ],
            ["employee", "country", "id_type", "id_number", "birth_date"] if chance(0.8) else None,
            ch([",", ";"]),
        )
        fmt = "csv"
    elif r == 1:
        body = jdump(
            [{"name": V("name", p, lang), "country": cc, "taxId": idv} for p, cc, idv in rows], indent=2
        )
        body = fence(body, "json") if chance(0.5) else body
        fmt = "json"
    else:
        body = md_table(["Name", "Country", "ID"], [[V("name", p, lang), cc, idv] for p, cc, idv in rows])
        fmt = "markdown-table"
    ins = {
        "en": "Our international payroll file — can you validate the ID formats per country?",
        "de": "Unsere internationale Lohnliste – kannst du die ID-Formate pro Land prüfen?",
        "fr": "Notre fichier de paie international : peux-tu vérifier le format des identifiants par pays ?",
        "nl": "Ons internationale salarisbestand – klopt het ID-formaat per land?",
        "es": "Nuestro fichero de nóminas internacional: ¿puedes validar los formatos de ID por país?",
    }[lang]
    return fmt, "national-id", join_prompt(ins, body), lang


@cr("nid", weight=3)
def nid_form(lang_unused):
    cc = next_cc()
    lang = CC_LANG[cc] if cc != "BE" else ch(["fr", "nl"])
    p = Person(cc, name_origin=cc if (cc in EXTRA_NAMES or faker_for(cc)) else None)
    v, c = p_nid(p)
    f = FL[lang]
    pairs = [
        (f["name"], V("name", p, lang)),
        (f["dob"], V("dob", p, lang)),
        (ch(NID_LABEL[cc]).rstrip(":"), L("NATIONAL_ID", v, c)),
    ]
    if cc in CITIES:
        pairs.append((f["address"], V("address", p, lang)))
        if chance(0.5):
            pairs.append((f["phone"], V("phone", p, lang)))
    if chance(0.4):
        pairs.append((f["passport"], V("passport", p, lang)))
    if chance(0.3) and cc in ("GB", "US", "DE", "FR", "PL", "IT", "NL"):
        pairs.append((f["dl"], V("dl", p, lang)))
    return (
        "form",
        "national-id",
        join_prompt(instr(ch(["check_form", "to_json", "translate"]), lang), form_lines(pairs)),
        lang,
    )


# ---------------------------------------------------------------- look-alikes (labels == [])
def safe_digits(n):
    from stdnum import luhn

    while True:
        s = R.choice("123456789") + rdig(n - 1)
        if any(nid_valid(cc, s) for cc in NID_CCS):
            continue
        if luhn.is_valid(s):
            continue
        return s


def la_rf():
    from stdnum import iso11649

    body = rdig(R.randint(8, 14))
    for c1 in DIG:
        for c2 in DIG:
            ref = f"RF{c1}{c2}{body}"
            if iso11649.is_valid(ref):
                return " ".join(ref[i : i + 4] for i in range(0, len(ref), 4))
    return "RF18 5390 0754 7034"


NEG_INS = {
    "complain": {
        "en": "Write a complaint to the supplier about this:",
        "fr": "Rédige une réclamation au fournisseur :",
        "de": "Schreib eine Reklamation an den Lieferanten:",
        "es": "Redacta una reclamación al proveedor:",
        "it": "Scrivi un reclamo al fornitore:",
        "pt": "Escreve uma reclamação ao fornecedor:",
        "nl": "Schrijf een klacht aan de leverancier:",
        "pl": "Napisz reklamację do dostawcy:",
        "sv": "Skriv ett klagomål till leverantören:",
        "da": "Skriv en klage til leverandøren:",
        "fi": "Kirjoita reklamaatio toimittajalle:",
        "tr": "Tedarikçiye bir şikâyet yaz:",
    },
    "readme": {
        "en": "Translate this README section into German:",
        "fr": "Traduis cette section du README en français :",
        "de": "Übersetz diesen README-Abschnitt ins Deutsche:",
        "es": "Traduce esta sección del README al español:",
        "it": "Traduci questa sezione del README in italiano:",
        "pt": "Traduz esta secção do README para português:",
        "nl": "Vertaal dit stuk README naar het Nederlands:",
        "pl": "Przetłumacz ten fragment README na polski:",
        "sv": "Översätt detta README-avsnitt till svenska:",
        "da": "Oversæt dette README-afsnit til dansk:",
        "fi": "Käännä tämä README-osio suomeksi:",
        "tr": "Bu README bölümünü Türkçeye çevir:",
    },
    "commit": {
        "en": "Which of these commits most likely introduced the regression?",
        "fr": "Lequel de ces commits a introduit la régression ?",
        "de": "Welcher dieser Commits hat die Regression vermutlich eingeführt?",
        "es": "¿Qué commit introdujo probablemente la regresión?",
        "it": "Quale commit ha introdotto la regressione?",
        "pt": "Qual destes commits introduziu a regressão?",
        "nl": "Welke commit heeft de regressie geïntroduceerd?",
        "pl": "Który commit wprowadził regresję?",
        "sv": "Vilken commit införde regressionen?",
        "da": "Hvilken commit introducerede regressionen?",
        "fi": "Mikä commit aiheutti regression?",
        "tr": "Regresyonu hangi commit getirdi?",
    },
    "books": {
        "en": "Format these as an APA bibliography:",
        "fr": "Mets ces références au format APA :",
        "de": "Formatier das als Literaturverzeichnis (APA):",
        "es": "Dale formato APA a esta bibliografía:",
        "it": "Formatta questa bibliografia in stile APA:",
        "pt": "Formata isto como bibliografia APA:",
        "nl": "Zet dit om naar een APA-literatuurlijst:",
        "pl": "Sformatuj to jako bibliografię APA:",
        "sv": "Formatera som APA-referenser:",
        "da": "Formatér som APA-litteraturliste:",
        "fi": "Muotoile APA-lähdeluetteloksi:",
        "tr": "Bunları APA kaynakçası olarak biçimlendir:",
    },
}


def nins(key, lang):
    return NEG_INS[key].get(lang) or NEG_INS[key]["en"]


@cr("neg", weight=4)
def neg_orders(lang):
    o, i1, i2, t = la_order(), la_invoice(), la_invoice(), la_tracking()
    sup = ch(
        [
            "Bürobedarf Kunze GmbH",
            "PapeterieXpress",
            "Ofimática Sur SL",
            "Forniture Rossi srl",
            "Kantoorvak BV",
            "Biurex sp. z o.o.",
            "Nordic Office AB",
        ]
    )
    body = {
        "en": f"Order {o} from {sup} was invoiced twice ({i1} and {i2}). The parcel (tracking {t}) arrived on {plain_date(2025, 2025).isoformat()} with 2 of 5 items missing.",
        "de": f"Bestellung {o} bei {sup} wurde doppelt berechnet ({i1} und {i2}). Das Paket (Sendungsnummer {t}) kam am {plain_date(2025, 2025).strftime('%d.%m.%Y')} mit nur 3 von 5 Artikeln.",
        "fr": f"La commande {o} chez {sup} a été facturée deux fois ({i1} et {i2}). Le colis (suivi {t}) est arrivé incomplet.",
        "es": f"El pedido {o} a {sup} se facturó dos veces ({i1} y {i2}). El paquete (seguimiento {t}) llegó incompleto.",
        "it": f"L'ordine {o} presso {sup} è stato fatturato due volte ({i1} e {i2}). Il pacco (tracking {t}) è arrivato incompleto.",
        "pt": f"A encomenda {o} à {sup} foi faturada duas vezes ({i1} e {i2}). A encomenda (tracking {t}) chegou incompleta.",
        "nl": f"Bestelling {o} bij {sup} is twee keer gefactureerd ({i1} en {i2}). Het pakket (track & trace {t}) kwam onvolledig aan.",
        "pl": f"Zamówienie {o} w {sup} zostało zafakturowane dwa razy ({i1} i {i2}). Paczka (nr przesyłki {t}) dotarła niekompletna.",
        "sv": f"Order {o} hos {sup} fakturerades två gånger ({i1} och {i2}). Paketet ({t}) kom ofullständigt.",
        "da": f"Ordre {o} hos {sup} blev faktureret to gange ({i1} og {i2}). Pakken ({t}) kom ufuldstændig.",
        "fi": f"Tilaus {o} ({sup}) laskutettiin kahdesti ({i1} ja {i2}). Paketti ({t}) saapui vajaana.",
        "tr": f"{sup} siparişi {o} iki kez faturalandı ({i1} ve {i2}). Kargo ({t}) eksik geldi.",
    }[lang]
    return "prose", "orders", join_prompt(nins("complain", lang), body)


@cr("neg", weight=5)
def neg_placeholders(lang):
    r = R.randrange(3)
    if r == 0:
        body = (
            "## Configuration\n\nCopy `.env.example` to `.env` and fill in your own values:\n\n```env\n"
            "OPENAI_API_KEY=<your-api-key>\nSTRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxx\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nDB_PASSWORD=changeme\n```\n\n"
            "> Never commit the real `.env`. In CI the values come from `{{ secrets.GITHUB_TOKEN }}` and friends.\n"
        )
        fmt = "code"
    elif r == 1:
        body = (
            f"# docker-compose.override.yml (template)\nservices:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${{DB_PASSWORD:-changeme}}\n"
            f'  api:\n    environment:\n      SLACK_BOT_TOKEN: xoxb-your-bot-token\n      GITHUB_TOKEN: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n      SENTRY_DSN: ""   # optional\n    image: ghcr.io/acme/api@sha256:{la_sha(64)}'
        )
        fmt = "yaml"
    else:
        body = (
            f"curl https://api.{ch(['stripe.com', 'openai.com', 'sendgrid.com'])}/v1/{ch(['charges', 'models', 'mail/send'])} \\\n"
            f'  -H "Authorization: Bearer $API_KEY" \\\n  -H "Idempotency-Key: {la_uuid()}"\n\n# where API_KEY is e.g. {ch(["sk_test_xxxxxxxxxxxx", "<your-api-key>", "YOUR_TOKEN_HERE", "sk-..."])}\n'
            f"# password for the demo user: {ch(['changeme', '<password>', 'your-password-here', '********'])}"
        )
        fmt = "command"
    return fmt, "docs", join_prompt(nins("readme", lang), body)


@cr("neg", weight=4)
def neg_git(lang):
    msgs = [
        "fix: handle empty cart",
        "feat(api): add pagination",
        "chore(deps): bump axios to 1.7.4",
        "refactor: split invoice service",
        "fix: timezone offset in reports",
        "perf: cache product lookups",
        'revert "feat: new checkout"',
        "docs: update README",
        "test: add fixtures",
    ]
    lines = [
        f"{la_sha(ch([7, 8, 40]))} {ch(msgs)}" + (f" (tag: {la_version()})" if chance(0.2) else "")
        for _ in range(R.randint(5, 9))
    ]
    body = "$ git log --oneline v" + la_semver() + "..HEAD\n" + "\n".join(lines)
    if chance(0.4):
        body += f"\n\n$ git bisect start {la_sha(40)} {la_sha(40)}"
    return "kv-log", "git", join_prompt(nins("commit", lang), body)


@cr("neg", weight=3)
def neg_build(lang):
    img = ch(["node", "python", "eclipse-temurin", "nginx", "postgres"])
    lines = [
        f"#{i} [{ch(['build', 'stage-1', 'runtime'])} {i}/9] {ch(['RUN npm ci', 'COPY . .', 'RUN pip install -r requirements.txt', 'RUN ./gradlew build'])}"
        for i in range(1, R.randint(4, 7))
    ]
    lines.insert(0, f"#0 FROM docker.io/library/{img}:{la_semver()}@sha256:{la_sha(64)}")
    lines.append(f"#9 writing image sha256:{la_sha(64)} done")
    lines.append(f"#9 naming to registry.gitlab.com/acme/shop:{la_version()} done")
    lines.append(
        f"Build #{R.randint(1000, 99999)} finished at {la_ts()} (pipeline {rdig(9)}, job {rdig(10)})"
    )
    return "kv-log", "ci-log", join_prompt(instr("debug", lang), "\n".join(lines))


@cr("neg", weight=3)
def neg_isbn(lang):
    books = [
        ("Kleppmann, M.", "Designing Data-Intensive Applications", "O'Reilly", 2017),
        ("Hunt, A. & Thomas, D.", "The Pragmatic Programmer", "Addison-Wesley", 2019),
        ("Ousterhout, J.", "A Philosophy of Software Design", "Yaknyam Press", 2018),
        ("Beyer, B. et al.", "Site Reliability Engineering", "O'Reilly", 2016),
        ("Evans, E.", "Domain-Driven Design", "Addison-Wesley", 2003),
        ("Fowler, M.", "Refactoring", "Addison-Wesley", 2018),
    ]
    rows = [[a, t, pub, str(y), la_isbn()] for a, t, pub, y in R.sample(books, R.randint(3, 5))]
    body = (
        to_csv(rows, ["author", "title", "publisher", "year", "isbn"])
        if chance(0.5)
        else "\n".join(f"- {t} ({y}), ISBN {i}" for a, t, p, y, i in rows)
    )
    return (
        ("csv" if body.startswith("author") else "prose"),
        "bibliography",
        join_prompt(nins("books", lang), body),
    )


@cr("neg", weight=3)
def neg_fixture_ids(lang):
    items = [
        {
            "id": la_uuid() if chance(0.7) else f"00000000-0000-0000-0000-{i:012d}",
            "tenant": ch(["acme", "demo", "test-tenant"]),
            "plan": ch(["free", "pro", "enterprise"]),
            "sku": f"SKU-{rdig(5)}",
            "created_at": la_ts(),
            "trace_id": la_sha(32),
        }
        for i in range(1, R.randint(3, 5))
    ]
    body = jdump({"fixtures": items, "version": la_version()}, indent=2)
    return "json", "test-fixture", join_prompt(instr("code", lang), fence(body, "json"))


@cr("neg", weight=3)
def neg_invoice_numbers(lang):
    amt = f"{R.randint(100, 9999)},{rdig(2)} €"
    ref = la_rf()
    n1 = safe_digits(ch([9, 10, 11]))
    body = {
        "en": f"Supplier invoice {la_invoice()} for {amt}, payment reference {ref}, our PO {n1}, delivery note LS-{rdig(6)}. Due {plain_date(2025, 2025).isoformat()}.",
        "de": f"Lieferantenrechnung {la_invoice()} über {amt}, Verwendungszweck {ref}, unsere Bestellnummer {n1}, Lieferschein LS-{rdig(6)}. Fällig am {plain_date(2025, 2025).strftime('%d.%m.%Y')}.",
        "fr": f"Facture fournisseur {la_invoice()} de {amt}, référence de paiement {ref}, bon de commande {n1}, BL {rdig(6)}.",
        "es": f"Factura de proveedor {la_invoice()} por {amt}, referencia de pago {ref}, pedido {n1}, albarán {rdig(6)}.",
        "it": f"Fattura fornitore {la_invoice()} di {amt}, riferimento pagamento {ref}, ordine {n1}, DDT {rdig(6)}.",
        "pt": f"Fatura do fornecedor {la_invoice()} de {amt}, referência de pagamento {ref}, encomenda {n1}, guia {rdig(6)}.",
        "nl": f"Leveranciersfactuur {la_invoice()} van {amt}, betalingskenmerk {ref}, inkoopordernummer {n1}, pakbon {rdig(6)}.",
        "pl": f"Faktura {la_invoice()} na {amt}, tytuł przelewu {ref}, nr zamówienia {n1}, WZ {rdig(6)}.",
        "sv": f"Leverantörsfaktura {la_invoice()} på {amt}, OCR {ref}, inköpsorder {n1}.",
        "da": f"Leverandørfaktura {la_invoice()} på {amt}, reference {ref}, indkøbsordre {n1}.",
        "fi": f"Toimittajan lasku {la_invoice()}, {amt}, viite {ref}, ostotilaus {n1}.",
        "tr": f"Tedarikçi faturası {la_invoice()}, {amt}, ödeme referansı {ref}, sipariş no {n1}.",
    }[lang]
    ins = {
        "en": "Book this into accounting — which fields go where?",
        "de": "Wie buche ich das? Welche Felder gehören wohin?",
        "fr": "Comment je saisis ça en compta ?",
        "es": "¿Cómo contabilizo esto?",
        "it": "Come registro questa fattura?",
        "pt": "Como lanço isto na contabilidade?",
        "nl": "Hoe boek ik dit?",
        "pl": "Jak to zaksięgować?",
        "sv": "Hur bokför jag detta?",
        "da": "Hvordan bogfører jeg dette?",
        "fi": "Miten kirjaan tämän?",
        "tr": "Bunu muhasebeye nasıl işlerim?",
    }[lang]
    return "prose", "accounting", join_prompt(ins, body)


@cr("neg", weight=3)
def neg_hashes(lang):
    f = ch(["installer-x64.msi", "backup-2025-03-01.tar.gz", "firmware_v2.bin", "dataset.parquet"])
    body = (
        f"SHA256 ({f}) = {la_sha(64)}\nMD5 ({f}) = {la_sha(32)}\nexpected: {la_sha(64)}\nsize: {R.randint(10**6, 10**9)} bytes, "
        f"built {la_ts()}, version {la_version()}"
    )
    ins = {
        "en": "The checksums don't match — corrupted download or wrong file?",
        "de": "Die Prüfsummen stimmen nicht überein – Download kaputt?",
        "fr": "Les sommes de contrôle ne correspondent pas, fichier corrompu ?",
        "es": "Los checksums no coinciden, ¿descarga corrupta?",
        "it": "I checksum non corrispondono, download corrotto?",
        "pt": "Os checksums não batem, download corrompido?",
        "nl": "De checksums kloppen niet, corrupte download?",
        "pl": "Sumy kontrolne się nie zgadzają, uszkodzony plik?",
        "sv": "Kontrollsummorna stämmer inte – trasig nedladdning?",
        "da": "Kontrolsummerne passer ikke – er downloadet ødelagt?",
        "fi": "Tarkistussummat eivät täsmää – onko lataus rikki?",
        "tr": "Sağlama toplamları uyuşmuyor, indirme bozuk mu?",
    }[lang]
    return "kv-log", "checksums", join_prompt(ins, body)


@cr("neg", weight=3)
def neg_k8s(lang):
    body = (
        f'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels:\n    app.kubernetes.io/version: "{la_version()}"\nspec:\n  replicas: 3\n  template:\n    spec:\n'
        f"      containers:\n        - name: api\n          image: ghcr.io/acme/api@sha256:{la_sha(64)}\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n"
        f'                secretKeyRef:\n                  name: db-credentials\n                  key: password\n            - name: BUILD_SHA\n              value: "{la_sha(40)}"\n'
        f'            - name: LISTEN_ADDR\n              value: "0.0.0.0:8080"'
    )
    return "yaml", "k8s", join_prompt(instr("fix_yaml", lang), body)


@cr("neg", weight=3)
def neg_tracking(lang):
    ts = [la_tracking() for _ in range(R.randint(2, 3))]
    body = {
        "en": f"None of these parcels have moved in a week: {', '.join(ts)}. Write a message to the shop asking what's going on (order {la_order()}).",
        "de": f"Keine dieser Sendungen bewegt sich seit einer Woche: {', '.join(ts)}. Schreib dem Shop eine Nachricht (Bestellung {la_order()}).",
        "fr": f"Aucun de ces colis n'a bougé depuis une semaine : {', '.join(ts)}. Écris un message à la boutique (commande {la_order()}).",
        "es": f"Ninguno de estos envíos se ha movido en una semana: {', '.join(ts)}. Escribe a la tienda (pedido {la_order()}).",
        "it": f"Nessuna di queste spedizioni si muove da una settimana: {', '.join(ts)}. Scrivi al negozio (ordine {la_order()}).",
        "pt": f"Nenhuma destas encomendas se mexe há uma semana: {', '.join(ts)}. Escreve à loja (pedido {la_order()}).",
        "nl": f"Geen van deze pakketten is in een week verplaatst: {', '.join(ts)}. Schrijf de webshop een bericht (bestelling {la_order()}).",
        "pl": f"Żadna z tych przesyłek nie ruszyła się od tygodnia: {', '.join(ts)}. Napisz do sklepu (zamówienie {la_order()}).",
        "sv": f"Inget av paketen har rört sig på en vecka: {', '.join(ts)}. Skriv till butiken.",
        "da": f"Ingen af pakkerne har flyttet sig i en uge: {', '.join(ts)}. Skriv til butikken.",
        "fi": f"Mikään näistä paketeista ei ole liikkunut viikkoon: {', '.join(ts)}. Kirjoita kauppaan.",
        "tr": f"Bu kargoların hiçbiri bir haftadır hareket etmedi: {', '.join(ts)}. Mağazaya yaz.",
    }[lang]
    return "prose", "shipping", body


@cr("neg", weight=3)
def neg_telemetry(lang):
    evs = [
        {
            "ts": R.randint(1_700_000_000_000, 1_765_000_000_000),
            "event": ch(["page_view", "add_to_cart", "checkout_started"]),
            "session_bucket": R.randint(0, 99),
            "trace_id": la_sha(32),
            "span_id": la_sha(16),
            "app_version": la_version(),
            "sku": f"SKU-{rdig(5)}",
        }
        for _ in range(R.randint(2, 4))
    ]
    body = "\n".join(jdump(e) for e in evs)
    return "json", "telemetry", join_prompt(instr("summarize", lang), body)


# ---------------------------------------------------------------- mixed: real secrets next to look-alikes
@cr("mix", weight=3)
def mix_readme_real(lang):
    name, env, g = provider(ch(["OpenAI", "Anthropic", "Stripe", "GitHub", "Hugging Face", "SendGrid"]))
    t = g()
    body = {
        "en": f"The docs say `export {env}=<your-api-key>` so I did `export {env}={L('API_KEY', t)}` but I still get 401. The example in the docs uses {ch(['sk_test_xxxxxxxxxxxx', 'YOUR_TOKEN_HERE', 'sk-...'])} — is the prefix the problem? Running {la_version()}.",
        "de": f"In der Doku steht `export {env}=<your-api-key>`, also habe ich `export {env}={L('API_KEY', t)}` gesetzt, bekomme aber 401. Version {la_version()}.",
        "fr": f"La doc dit `export {env}=<your-api-key>`, j'ai donc fait `export {env}={L('API_KEY', t)}` mais j'ai toujours une 401. Version {la_version()}.",
        "es": f"La documentación dice `export {env}=<your-api-key>`, así que puse `export {env}={L('API_KEY', t)}` y sigo con 401. Versión {la_version()}.",
        "it": f"La documentazione dice `export {env}=<your-api-key>`, ho messo `export {env}={L('API_KEY', t)}` ma ricevo 401. Versione {la_version()}.",
        "pt": f"A documentação diz `export {env}=<your-api-key>`, então fiz `export {env}={L('API_KEY', t)}` mas continuo com 401. Versão {la_version()}.",
        "nl": f"De docs zeggen `export {env}=<your-api-key>`, dus ik deed `export {env}={L('API_KEY', t)}` maar krijg nog steeds 401. Versie {la_version()}.",
        "pl": f"Dokumentacja mówi `export {env}=<your-api-key>`, więc ustawiłem `export {env}={L('API_KEY', t)}`, a dalej jest 401. Wersja {la_version()}.",
    }.get(
        lang,
        f"Docs say `export {env}=<your-api-key>`; I set `export {env}={L('API_KEY', t)}`, still 401 ({la_version()}).",
    )
    return "prose", "token-leak", body


@cr("mix", weight=3)
def mix_diff(lang):
    name, env, g = provider()
    body = (
        f"diff --git a/config/settings.py b/config/settings.py\nindex {la_sha(7)}..{la_sha(7)} 100644\n--- a/config/settings.py\n+++ b/config/settings.py\n"
        f'@@ -12,7 +12,7 @@ DEBUG = False\n VERSION = "{la_version()}"\n-{env} = os.environ.get("{env}", "<your-api-key>")\n+{env} = "{L("API_KEY", g())}"\n'
        f' BUILD = "{la_sha(40)}"\n-DB_PASSWORD = "changeme"\n+DB_PASSWORD = "{L("SECRET", password(lang))}"\n'
    )
    ins = {
        "en": "Review this diff before I push:",
        "de": "Review bitte diesen Diff, bevor ich pushe:",
        "fr": "Relis ce diff avant que je pousse :",
        "es": "Revisa este diff antes de hacer push:",
        "it": "Rivedi questo diff prima del push:",
        "pt": "Revê este diff antes do push:",
        "nl": "Review deze diff voordat ik push:",
        "pl": "Zrób review tego diffa zanim wypchnę:",
    }.get(lang, "Review this diff:")
    return "code", "code-review", join_prompt(ins, fence(body, "diff"))


@cr("mix", weight=3)
def mix_ci_log(lang):
    kind = ch(["npm", "pypi", "gitlab", "do", "ghcr"])
    lines = [
        f"Running with gitlab-runner {la_version()} (commit {la_sha(8)})",
        f"Using docker image sha256:{la_sha(64)} for {ch(['node', 'python'])}:{R.randint(18, 22)}",
    ]
    ver = la_semver()
    if kind == "npm":
        lines += [
            f"$ npm config set //registry.npmjs.org/:_authToken {L('API_KEY', tk_npm())}",
            "$ npm ci",
            f"added {R.randint(200, 1500)} packages in {R.randint(5, 60)}s",
            "$ npm publish --tag next",
            f"npm ERR! 403 Forbidden - PUT https://registry.npmjs.org/@acme%2fui - You cannot publish over the previously published versions: {ver}",
        ]
    elif kind == "pypi":
        lines += [
            "$ python -m build",
            f"Successfully built acme_sdk-{ver}.tar.gz",
            f"$ twine upload -u __token__ -p {L('API_KEY', tk_pypi())} dist/*",
            "HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/ File already exists.",
        ]
    elif kind == "gitlab":
        lines += [
            f"$ git remote set-url origin https://oauth2:{L('API_KEY', tk_gitlab())}@gitlab.com/acme/infra.git",
            "$ git push origin HEAD:release",
            "remote: You are not allowed to push code to protected branches on this project.",
        ]
    elif kind == "do":
        lines += [
            f"$ doctl auth init -t {L('API_KEY', tk_do())}",
            "$ doctl registry login",
            "Error: Unable to initialize DigitalOcean API client: access token is required.",
        ]
    else:
        lines += [
            f"$ echo {L('API_KEY', tk_github('ghp_'))} | docker login ghcr.io -u ci-bot --password-stdin",
            f"$ docker push ghcr.io/acme/api:{ver}",
            "denied: permission_denied: write_package",
        ]
    lines.append(f"Job failed: exit code 1 (job {rdig(10)}, pipeline {rdig(9)})")
    return "kv-log", "ci-log", join_prompt(instr("debug", lang), "\n".join(lines))


@cr("mix", weight=3)
def mix_invoice_customer(lang):
    p = person(lang)
    body = {
        "en": f"Invoice {la_invoice()} (order {la_order()}, tracking {la_tracking()}) for {V('name', p, lang)}, {V('address', p, lang)}. Direct debit from {V('iban', p, lang)}, customer {V('customer_no', p, lang)}. Questions: {V('email', p, lang)}.",
        "de": f"Rechnung {la_invoice()} (Bestellung {la_order()}, Sendung {la_tracking()}) an {V('name', p, lang)}, {V('address', p, lang)}. Lastschrift von {V('iban', p, lang)}, Kundennr. {V('customer_no', p, lang)}. Rückfragen: {V('email', p, lang)}.",
        "fr": f"Facture {la_invoice()} (commande {la_order()}, suivi {la_tracking()}) pour {V('name', p, lang)}, {V('address', p, lang)}. Prélèvement sur {V('iban', p, lang)}, client {V('customer_no', p, lang)}. Contact : {V('email', p, lang)}.",
        "es": f"Factura {la_invoice()} (pedido {la_order()}, envío {la_tracking()}) a {V('name', p, lang)}, {V('address', p, lang)}. Domiciliación en {V('iban', p, lang)}, cliente {V('customer_no', p, lang)}.",
        "it": f"Fattura {la_invoice()} (ordine {la_order()}, spedizione {la_tracking()}) intestata a {V('name', p, lang)}, {V('address', p, lang)}. Addebito su {V('iban', p, lang)}, cliente {V('customer_no', p, lang)}.",
        "pt": f"Fatura {la_invoice()} (encomenda {la_order()}, envio {la_tracking()}) para {V('name', p, lang)}, {V('address', p, lang)}. Débito direto de {V('iban', p, lang)}, cliente {V('customer_no', p, lang)}.",
        "nl": f"Factuur {la_invoice()} (bestelling {la_order()}, zending {la_tracking()}) aan {V('name', p, lang)}, {V('address', p, lang)}. Incasso van {V('iban', p, lang)}, klantnr. {V('customer_no', p, lang)}.",
        "pl": f"Faktura {la_invoice()} (zamówienie {la_order()}, przesyłka {la_tracking()}) dla {V('name', p, lang)}, {V('address', p, lang)}. Polecenie zapłaty z {V('iban', p, lang)}, klient {V('customer_no', p, lang)}.",
    }.get(
        lang,
        f"Invoice {la_invoice()} for {V('name', p, lang)}, IBAN {V('iban', p, lang)}, order {la_order()}.",
    )
    return "prose", "invoice", join_prompt(instr(ch(["summarize", "translate"]), lang), body)


# ================================================================ assembly
MAIN8 = ["en", "fr", "de", "es", "it", "pt", "nl", "pl"]
SMALL4 = ["sv", "da", "fi", "tr"]
FORMATS = [
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
]
TYPES = [
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "DATE_OF_BIRTH",
    "NATIONAL_ID",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "PASSPORT",
    "DRIVER_LICENSE",
    "ACCOUNT_NUMBER",
    "USERNAME",
    "SECRET",
    "API_KEY",
    "PRIVATE_KEY",
    "MEDICAL_CONDITION",
    "MEDICATION",
    "MEDICAL_RECORD_NUMBER",
]


def weighted_pick(pool, k, distinct=True):
    pool = list(pool)
    out = []
    while len(out) < k and pool:
        tot = sum(w for *_, w in pool)
        x = R.uniform(0, tot)
        acc = 0
        for i, item in enumerate(pool):
            acc += item[-1]
            if x <= acc:
                out.append(item)
                if distinct:
                    pool.pop(i)
                break
    return out


def plan_struct():
    plan = []
    for lang in MAIN8 + SMALL4:
        pool = [s for s in STRUCT if s[2] is None or lang in s[2]]
        if lang in MAIN8:
            picks = list(pool) + weighted_pick(pool, 40 - len(pool), distinct=True)
        else:
            picks = weighted_pick(pool, 14, distinct=True)
        plan += [(lang, s) for s in picks]
    return plan


def plan_cred():
    plan = []
    cred = [c for c in CRED if c[2] == "cred"]
    neg = [c for c in CRED if c[2] == "neg"]
    mix = [c for c in CRED if c[2] == "mix"]
    nid = [c for c in CRED if c[2] == "nid"]
    for lang in MAIN8 + SMALL4:
        k = 15 if lang in MAIN8 else 6
        picks = weighted_pick(cred, min(k, len(cred)), True)
        picks += weighted_pick(cred, k - len(picks), False)
        plan += [(lang, c) for c in picks]
        kn = 10 if lang in MAIN8 else 4
        picks = weighted_pick(neg, min(kn, len(neg)), True)
        picks += weighted_pick(neg, kn - len(picks), False)
        plan += [(lang, c) for c in picks]
        if lang in MAIN8:
            plan += [(lang, c) for c in weighted_pick(mix, 2, True)]
    for i in range(60):
        plan.append((None, weighted_pick(nid, 1)[0]))
    return plan


def run_scenario(fn, lang):
    res = fn(lang)
    if len(res) == 4:
        fmt, domain, text, lang = res
    else:
        fmt, domain, text = res
    text, labels = finalize(text)
    assert fmt in FORMATS, fmt
    return {"lang": lang, "domain": domain, "format": fmt, "text": text, "labels": labels}


def assign_halves(rows):
    rng = random.Random(20261201)
    cells = defaultdict(list)
    for i, r in enumerate(rows):
        cells[(r["lang"], r["format"])].append(i)
    count = {"dev": 0, "test": 0}
    for key in sorted(cells):
        idx = cells[key][:]
        rng.shuffle(idx)
        first = (
            "dev"
            if count["dev"] < count["test"]
            else "test"
            if count["test"] < count["dev"]
            else rng.choice(["dev", "test"])
        )
        other = "test" if first == "dev" else "dev"
        for j, i in enumerate(idx):
            h = first if j % 2 == 0 else other
            rows[i]["half"] = h
            count[h] += 1
    # make sure every language and every format occurs in both halves
    for attr in ("lang", "format"):
        for _ in range(3):
            for val in sorted({r[attr] for r in rows}):
                grp = [i for i, r in enumerate(rows) if r[attr] == val]
                halves = Counter(rows[i]["half"] for i in grp)
                for h in ("dev", "test"):
                    if halves[h] == 0 and len(grp) > 1:
                        o = "test" if h == "dev" else "dev"
                        cand = [i for i in grp if rows[i]["half"] == o]
                        # prefer flipping an item whose other attribute stays covered
                        oattr = "format" if attr == "lang" else "lang"
                        cand.sort(
                            key=lambda i: (
                                -sum(1 for r in rows if r[oattr] == rows[i][oattr] and r["half"] == o)
                            )
                        )
                        rows[cand[0]]["half"] = h
    return rows


def build(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    results = {}
    for fname, plan, prefix in (
        ("structured.jsonl", plan_struct(), "s"),
        ("credentials_ids.jsonl", plan_cred(), "c"),
    ):
        rows, seen = [], set()
        for lang, item in plan:
            fn = item[1]
            for attempt in range(5):
                row = run_scenario(fn, lang)
                if row["text"] not in seen:
                    break
            seen.add(row["text"])
            rows.append(row)
        order = list(range(len(rows)))
        random.Random(7).shuffle(order)
        rows = [rows[i] for i in order]
        rows = assign_halves(rows)
        out = []
        for n, r in enumerate(rows, 1):
            out.append(
                {
                    "id": f"{prefix}-{n:04d}",
                    "lang": r["lang"],
                    "domain": r["domain"],
                    "format": r["format"],
                    "text": r["text"],
                    "labels": r["labels"],
                    "half": r["half"],
                }
            )
        with open(os.path.join(out_dir, fname), "w", encoding="utf-8") as fh:
            for o in out:
                fh.write(json.dumps(o, ensure_ascii=False) + "\n")
        results[fname] = out
    return results


# ================================================================ verification + README
FAMILIES = [
    ("github_pat_", "GitHub PAT"),
    ("ghp_", "GitHub"),
    ("gho_", "GitHub"),
    ("ghu_", "GitHub"),
    ("ghs_", "GitHub"),
    ("ghr_", "GitHub"),
    ("glpat-", "GitLab"),
    ("glptt-", "GitLab"),
    ("gldt-", "GitLab"),
    ("xox", "Slack"),
    ("xapp-", "Slack"),
    ("https://hooks.slack.com", "Slack webhook"),
    ("sk_live_", "Stripe"),
    ("rk_live_", "Stripe"),
    ("whsec_", "Stripe"),
    ("AKIA", "AWS key id"),
    ("ASIA", "AWS key id"),
    ("AIza", "Google"),
    ("sk-proj-", "OpenAI"),
    ("sk-svcacct-", "OpenAI"),
    ("sk-ant-", "Anthropic"),
    ("sk-", "OpenAI"),
    ("hf_", "Hugging Face"),
    ("dop_v1_", "DigitalOcean"),
    ("doo_v1_", "DigitalOcean"),
    ("shp", "Shopify"),
    ("dapi", "Databricks"),
    ("GOCSPX-", "Google OAuth"),
    ("npm_", "npm"),
    ("pypi-", "PyPI"),
    ("SG.", "SendGrid"),
    ("key-", "Mailgun"),
    ("ATATT", "Atlassian"),
    ("lin_api_", "Linear"),
    ("PMAK-", "Postman"),
    ("secret_", "Notion"),
    ("ntn_", "Notion"),
    ("figd_", "Figma"),
    ("glsa_", "Grafana"),
    ("sbp_", "Supabase"),
    ("NRAK-", "New Relic"),
    ("dp.pt.", "Doppler"),
    ("hvs.", "Vault"),
    ("sk.eyJ", "Mapbox"),
    ("EAAA", "Square"),
    ("sq0", "Square"),
    ("pul-", "Pulumi"),
    ("sntryu_", "Sentry"),
]


def api_family(v):
    for pre, fam in FAMILIES:
        if v.startswith(pre):
            return fam
    if ".atlasv1." in v:
        return "Terraform Cloud"
    if re.fullmatch(r"\d{8,10}:AA[\w-]+", v):
        return "Telegram"
    if re.fullmatch(r"[0-9a-f]{32}", v):
        return "Twilio/Datadog (32 hex)"
    if re.fullmatch(r"[A-Za-z0-9/+]{40}", v):
        return "AWS secret key"
    if v.endswith("=") or v.endswith("=="):
        return "Azure storage key"
    return "other"


def check(out_dir, write_readme=False):
    import stdnum.iban as siban
    from stdnum import luhn

    errors = []
    stats = {}
    mins = {"structured.jsonl": 320, "credentials_ids.jsonl": 220}
    keys = {"id", "lang", "domain", "format", "text", "labels", "half"}
    lkeys = {"type", "value", "start", "end", "country"}
    for fname in ("structured.jsonl", "credentials_ids.jsonl"):
        path = os.path.join(out_dir, fname)
        rows = []
        with open(path, encoding="utf-8") as fh:
            for ln, line in enumerate(fh, 1):
                try:
                    o = json.loads(line)
                except Exception as e:
                    errors.append(f"{fname}:{ln} invalid JSON: {e}")
                    continue
                rows.append(o)
                if set(o) != keys:
                    errors.append(f"{fname}:{ln} keys {sorted(o)}")
                if o.get("format") not in FORMATS:
                    errors.append(f"{fname}:{ln} bad format {o.get('format')}")
                if o.get("half") not in ("dev", "test"):
                    errors.append(f"{fname}:{ln} bad half")
                t = o["text"]
                prev_end = -1
                for lab in sorted(o["labels"], key=lambda x: x["start"]):
                    if set(lab) != lkeys:
                        errors.append(f"{o['id']} label keys {sorted(lab)}")
                    if lab["type"] not in TYPES:
                        errors.append(f"{o['id']} bad type {lab['type']}")
                    if t[lab["start"] : lab["end"]] != lab["value"]:
                        errors.append(f"{o['id']} offset mismatch {lab}")
                    if lab["start"] < prev_end:
                        errors.append(f"{o['id']} overlapping labels at {lab['start']}")
                    prev_end = lab["end"]
                    if not lab["value"] or lab["value"] != lab["value"].strip():
                        errors.append(f"{o['id']} empty/unstripped value {lab['value']!r}")
                    if lab["type"] == "NATIONAL_ID":
                        if not lab["country"] or not nid_valid(lab["country"], lab["value"]):
                            errors.append(
                                f"{o['id']} NATIONAL_ID fails stdnum: {lab['country']} {lab['value']}"
                            )
                    elif lab["country"] is not None:
                        errors.append(f"{o['id']} country set on {lab['type']}")
                    if lab["type"] == "IBAN_CODE" and not siban.is_valid(lab["value"]):
                        errors.append(f"{o['id']} invalid IBAN {lab['value']}")
                    if lab["type"] == "CREDIT_CARD" and not luhn.is_valid(re.sub(r"\D", "", lab["value"])):
                        errors.append(f"{o['id']} card fails Luhn {lab['value']}")
        ids = [r["id"] for r in rows]
        if len(set(ids)) != len(ids):
            errors.append(f"{fname}: duplicate ids")
        if len({r["text"] for r in rows}) != len(rows):
            errors.append(f"{fname}: duplicate texts")
        if len(rows) < mins[fname]:
            errors.append(f"{fname}: only {len(rows)} rows (< {mins[fname]})")
        langs = Counter(r["lang"] for r in rows)
        if len(langs) < 8:
            errors.append(f"{fname}: only {len(langs)} languages")
        for h in ("dev", "test"):
            hl = {r["lang"] for r in rows if r["half"] == h}
            hf = {r["format"] for r in rows if r["half"] == h}
            if hl != set(langs):
                errors.append(f"{fname}: half {h} misses languages {set(langs) - hl}")
            if hf != {r["format"] for r in rows}:
                errors.append(f"{fname}: half {h} misses formats")
        st = {
            "rows": len(rows),
            "lang": Counter(r["lang"] for r in rows),
            "format": Counter(r["format"] for r in rows),
            "half": Counter(r["half"] for r in rows),
            "type": Counter(l["type"] for r in rows for l in r["labels"]),
            "type_half": {
                h: Counter(l["type"] for r in rows if r["half"] == h for l in r["labels"])
                for h in ("dev", "test")
            },
            "nid_country": Counter(
                l["country"] for r in rows for l in r["labels"] if l["type"] == "NATIONAL_ID"
            ),
            "api_family": Counter(
                api_family(l["value"]) for r in rows for l in r["labels"] if l["type"] == "API_KEY"
            ),
            "no_label_rows": sum(1 for r in rows if not r["labels"]),
            "lang_half": Counter((r["lang"], r["half"]) for r in rows),
            "domain": Counter(r["domain"] for r in rows),
            "chars": (
                min(len(r["text"]) for r in rows),
                int(sum(len(r["text"]) for r in rows) / len(rows)),
                max(len(r["text"]) for r in rows),
            ),
        }
        stats[fname] = st
    cst = stats["credentials_ids.jsonl"]
    if len(cst["nid_country"]) < 25:
        errors.append(f"credentials_ids.jsonl: only {len(cst['nid_country'])} NATIONAL_ID countries")
    share = cst["no_label_rows"] / cst["rows"]
    if not 0.25 <= share <= 0.36:
        errors.append(f"credentials_ids.jsonl: look-alike share {share:.2f}")
    if write_readme:
        write_readme_md(out_dir, stats)
    return errors, stats


def _tbl(counter, head, keyorder=None):
    keys = keyorder or sorted(counter, key=lambda k: (-counter[k], str(k)))
    lines = [f"| {head} | count |", "|---|---:|"]
    lines += [f"| {k} | {counter[k]} |" for k in keys if counter[k]]
    return "\n".join(lines)


def write_readme_md(out_dir, stats):
    s, c = stats["structured.jsonl"], stats["credentials_ids.jsonl"]
    md = [
        "# Recall holdout corpus (blind)",
        "",
        "Labelled prompts that look like what people paste into an LLM chat: an instruction followed by pasted data (CSV/TSV exports, JSON, YAML, .env/INI/properties, "
        "logs, HTTP requests, SQL, markdown tables, `Label: value` forms, code, shell commands) or free prose (support e-mails, HR notes, medical summaries, chats). "
        "Written without looking at the product's code, packs or existing corpora. All people, numbers and keys are synthetic.",
        "",
        "## Files",
        "",
        f"* `structured.jsonl` — {s['rows']} prompts: structured pastes and realistic requests containing PII (names, contact data, addresses, dates of birth, "
        "account/member/policy numbers, IBANs, national IDs, health data) in 12 languages; a few prompts without any sensitive value.",
        f"* `credentials_ids.jsonl` — {c['rows']} prompts: (a) credentials in prose, commands, URLs, HTTP headers, connection strings, config files and code, provider tokens "
        "of many families, private keys, TOTP seeds; (b) national identifiers of "
        f"{len(c['nid_country'])} countries with valid check digits; (c) {c['no_label_rows']} look-alike prompts "
        f"({100 * c['no_label_rows'] / c['rows']:.0f}%) with `labels: []` (order/invoice numbers, ISBNs, versions, git SHAs, image digests, UUIDs, tracking numbers, "
        "timestamps, RF payment references, documented placeholders such as `sk_test_xxxxxxxxxxxx`, `AKIAIOSFODNN7EXAMPLE`, `<your-api-key>`, `changeme`). "
        "Some positive prompts mix real secrets with look-alikes.",
        "* `generate_recall.py` — the generator (`python generate_recall.py OUT_DIR`) and checker (`python generate_recall.py --check OUT_DIR`). Needs `python-stdnum` and `faker` "
        "(optionally `cryptography` for real freshly generated PEM keys).",
        "",
        "## Record format",
        "",
        "```json",
        '{"id": "s-0001", "lang": "de", "domain": "hr-export", "format": "csv", "text": "...", "labels": [{"type": "PERSON", "value": "Anna Kowalska", "start": 123, "end": 136, "country": null}], "half": "dev"}',
        "```",
        "",
        "`text[start:end] == value` for every label (Python string indices, i.e. Unicode code points). Every occurrence is labelled separately. "
        "`country` is the ISO 3166 alpha-2 code for `NATIONAL_ID` and `null` otherwise. `format` is one of "
        + ", ".join(f"`{f}`" for f in FORMATS)
        + ".",
        "",
        "## Label types and conventions",
        "",
        "* `PERSON` — private person's name: full name as one span (`Kowalska, Anna` and `KOWALSKA Anna` too), or a first name / surname alone when it refers to the person "
        "(greetings, signatures, `first_name` columns, 'Mrs Kowalska' → only the surname). Titles (Mr, Frau, Dr) are not part of the span. Company/product names are never labelled.",
        "* `EMAIL_ADDRESS`, `PHONE_NUMBER` (national or international format, as written; URL-encoded forms in query strings are labelled as written).",
        "* `STREET_ADDRESS` — a whole one-line address (street, number, postcode, city) is one span; when split into columns/fields, each of street, postcode and city is labelled. "
        "A city on its own is not labelled.",
        "* `DATE_OF_BIRTH` — only the date itself (`3 March 1985`, `12/04/1979`, `1990-02-01`), not 'born on'. Other dates are not labelled.",
        "* `NATIONAL_ID` — verified with python-stdnum (`is_valid`) for its country; formatted the way locals write it (with or without separators).",
        "* `IBAN_CODE` (valid check digits, stdnum), `CREDIT_CARD` (Luhn-valid; a `last4` alone is not labelled), `IP_ADDRESS` (customers'/users' public addresses only; "
        "`0.0.0.0`, `127.0.0.1`, hostnames are not labelled), `PASSPORT`, `DRIVER_LICENSE`.",
        "* `ACCOUNT_NUMBER` — customer, member, policy, contract numbers. Order numbers, invoice ids, tracking numbers, SKUs, request ids are NOT labelled.",
        "* `USERNAME` — a person's login or handle. Service/system accounts (`root`, `admin`, `sa`, `postgres`, `app_rw`, `__token__` …) are not labelled.",
        "* `SECRET` — passwords, passphrases, PINs, wifi keys, 2FA backup codes (each code separately), TOTP seeds (only the seed inside an `otpauth://` URI), session cookies, "
        "JWTs / generic bearer tokens, HTTP Basic credentials (the base64 blob), docker `auth` blobs, connection-string passwords (only the password part).",
        "* `API_KEY` — provider-issued tokens and keys: GitHub (`ghp_`, `gho_`, `github_pat_` …), GitLab, Slack (`xox*`, webhook URL), Stripe, AWS access key id and secret access key, "
        "Google `AIza`, OpenAI, Anthropic, Hugging Face, DigitalOcean, Shopify, Databricks, Google OAuth `GOCSPX-`, npm, PyPI, Twilio, SendGrid, Mailgun, Telegram, Atlassian, "
        "Linear, Postman, Notion, Figma, Grafana, Supabase, New Relic, Doppler, Vault, Mapbox, Square, Datadog, Pulumi, Terraform Cloud, Sentry, Azure storage account keys.",
        "* `PRIVATE_KEY` — the whole block (PEM RSA/EC/PKCS#8/OpenSSH incl. BEGIN/END lines, PuTTY `.ppk` file, `AGE-SECRET-KEY-1…`; inside a service-account JSON the escaped `\\n` form as written).",
        "* `MEDICAL_CONDITION`, `MEDICATION` (drug name without dose), `MEDICAL_RECORD_NUMBER`.",
        "* Values inside escaped JSON in log lines are labelled exactly as written (they may contain `\\uXXXX` escapes); leading/trailing padding "
        "spaces in CSV cells are outside the span. Google OAuth client ids (`…apps.googleusercontent.com`), `last4`, service-account e-mails are "
        "handled as described above (client ids not labelled, service-account e-mails labelled as `EMAIL_ADDRESS`).",
        "",
        "Token bodies come from Python's `secrets` module (never copied from real keys); a re-run keeps the structure (seeded) but draws new token bodies.",
        "",
        "## Halves",
        "",
        "`half` is assigned with `random.Random(20261201)`, stratified by (language, format) cell: each cell is shuffled and alternately split between `dev` and `test` "
        "(odd cells tip toward the smaller half), then a repair pass guarantees that every language and every format occurs in both halves.",
        "",
    ]
    for fname, st in (("structured.jsonl", s), ("credentials_ids.jsonl", c)):
        md += [
            f"## Counts — `{fname}`",
            "",
            f"{st['rows']} prompts; dev {st['half']['dev']} / test {st['half']['test']}; prompts without labels: {st['no_label_rows']}; "
            f"text length min/mean/max: {st['chars'][0]}/{st['chars'][1]}/{st['chars'][2]} chars; labels: {sum(st['type'].values())}.",
            "",
            "### Per language (dev / test)",
            "",
            "| lang | total | dev | test |",
            "|---|---:|---:|---:|",
        ]
        for lg in sorted(st["lang"], key=lambda k: -st["lang"][k]):
            md.append(
                f"| {lg} | {st['lang'][lg]} | {st['lang_half'][(lg, 'dev')]} | {st['lang_half'][(lg, 'test')]} |"
            )
        md += [
            "",
            "### Per format",
            "",
            _tbl(st["format"], "format"),
            "",
            "### Per label type (total / dev / test)",
            "",
            "| type | total | dev | test |",
            "|---|---:|---:|---:|",
        ]
        for t in sorted(st["type"], key=lambda k: -st["type"][k]):
            md.append(
                f"| {t} | {st['type'][t]} | {st['type_half']['dev'][t]} | {st['type_half']['test'][t]} |"
            )
        md += [""]
        if st["nid_country"]:
            md += [
                "### NATIONAL_ID per country",
                "",
                " · ".join(f"{k} {v}" for k, v in sorted(st["nid_country"].items())),
                "",
            ]
        if st["api_family"]:
            md += [
                "### API_KEY per provider family (by prefix/shape)",
                "",
                " · ".join(f"{k} {v}" for k, v in sorted(st["api_family"].items())),
                "",
            ]
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(md))


def main(argv):
    if len(argv) >= 2 and argv[1] == "--check":
        out = argv[2] if len(argv) > 2 else "."
        errs, stats = check(out)
    else:
        out = argv[1] if len(argv) > 1 else "."
        build(out)
        errs, stats = check(out, write_readme=True)
    for fname, st in stats.items():
        print(f"{fname}: {st['rows']} rows, halves {dict(st['half'])}, no-label {st['no_label_rows']}")
        print("  lang  :", dict(sorted(st["lang"].items())))
        print("  format:", dict(sorted(st["format"].items())))
        print("  types :", dict(sorted(st["type"].items())))
        if st["nid_country"]:
            print("  NID countries:", len(st["nid_country"]), dict(sorted(st["nid_country"].items())))
        if st["api_family"]:
            print("  API families:", len(st["api_family"]), dict(sorted(st["api_family"].items())))
    if errs:
        print(f"{len(errs)} ERRORS")
        for e in errs[:60]:
            print("  ", e)
        return 1
    print("ALL CHECKS PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
