"""The rest of an address block around a street line: unit, city, region, postcode, country.

Pattern detectors find "35116 Rua Arapiraca 1943"; a mailing address goes on ("Apt. 559",
"Teixeira de Freitas", "Brazil 35172") on the following lines or after commas. Leaving those in
clear leaks where the person lives, so a STREET_ADDRESS finding is extended over what follows it
while that reads as address parts: unit numbers, postcodes, and short runs of capitalized words that
end at a comma, a line end, a postcode or the end of a sentence. A blank line, a label ("Phone:") or
ordinary prose ends the block. A building or unit number right before the street on its line is
part of it too.
"""

from __future__ import annotations

from typing import Any

import regex

from .findings import recognizer_result
from .names import SENTENCE_WORDS, given_names, place_names, surnames, word_rank, word_set

NAME = "AddressBlockContinuation"
ENTITY = "STREET_ADDRESS"
MAX_PARTS = 6
MAX_EXTENSION = 160  # characters past the street finding

_UNIT = (
    r"(?:(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Bldg|Building|(?:P\.?\s?O\.?\s?)?Box)\.?\s*#?\d{1,6}[A-Za-z]?"
    # a flat in other languages: "lgh 1203" (sv), "apto 702" (pt), "Whg. 4" (de), "app. 12" (fr), "m. 5" (pl)
    r"|(?:lgh|lägenhet|apto|apt|apartamento|dpto|depto|Whg|Wohnung|app|appt|bte|bus|lok|m)\.?\s*\d{1,6}[A-Za-z]?"
    # a Romanian block, staircase, floor, flat, county or Bucharest sector: "bl. C3, sc. B, ap. 14, jud. Vâlcea"
    r"|(?:bl|sc|et|ap)\.\s*(?:[A-Z]\d{0,3}|\d{1,4}[A-Z]?)\b|(?:jud|județul|judetul)\.?\s+\p{Lu}[\p{L}-]+|sector(?:ul)?\s+\d"
    # a floor and side: "2. tv." (Danish), "st. th.", "3. OG", "1 tr" (Swedish), "2º B", "2.º esq." (they scan as "2o B", "2.o esq."), "4e étage"
    r"|(?:\d{1,2}\.|st\.)\s?(?:tv|th|mf|sal|OG|Stock|etg)\.?|\d{1,2}[ \t]?(?:tr|trappor|vån)\b\.?|\d{1,2}(?:\.?\s?°|\.?[oa](?=[\s,.]))\s?[A-Za-z]{0,4}\.?|\d{1,2}(?:e|er|ème)\s+étage(?:\s+(?:gauche|droite|face|fond))?"
    # a Catalan floor and door: "3r 2a", "1r 1a", "4t", "àtic", "baixos"; the Spanish "bajo", "ático", "pral."
    r"|\d{1,2}(?:r|n|t|è|er)(?:[ \t]+\d{1,2}a)?|àtic|baixos|bajo|ático|entl?o?\.|pral\."
    # an Italian staircase, flat and floor ("scala B, interno 9", "piano 3"); a Croatian floor and flat ("2. kat, stan 7")
    r"|(?:scala|interno|int\.|piano|stan|kat)[ \t]*[A-Z0-9]{1,3}\b|\d{1,2}\.[ \t]?kat\b"
    # a French building, a Portuguese ground floor and side, a Czech house number, a block, a house number
    # ("bât. B", "r/c dto.", "č. p. 57", "Block C", "House No. 14")
    r"|b[âa]t(?:iment|\.)?[ \t]*[A-Z0-9]{1,3}\b|r/c(?:[ \t]+(?:dto|esq|dt|e)\.?)?|č\.[ \t]?p\.[ \t]?\d{1,5}"
    r"|Block[ \t]+[A-Z0-9]{1,3}\b|House[ \t]+No\.?[ \t]*\d{1,5}[A-Za-z]?"
    # a Philippine barangay ("Brgy. Mabuhay")
    r"|(?:Brgy|Bgy|Barangay)\.?[ \t]+\p{Lu}[\p{L}.'-]*(?:[ \t]+\p{Lu}[\p{L}.'-]*){0,2}"
    # a Singapore or Malaysian floor and unit ("#05-61"); an Indian or South African phase, sector, site, plot
    # or stand ("Phase 3B-2", "Sector 60", "Site C", "Erf 1123"); a house number after its street ("Street 12,")
    r"|#\d{1,3}-\d{1,5}[A-Za-z]?|(?:Phase|Sector|Site|Plot|Stand|Erf|Pocket)[ \t]+(?:No\.?[ \t]*)?[A-Z0-9]{1,4}(?:-[A-Z0-9]{1,3})?\b"
    # an Indonesian neighbourhood unit ("RT 03/RW 05"), a Turkish flat and floor ("Daire: 6", "Kat 2"), a
    # Hebrew flat and floor ("דירה 8", "קומה 3"), a Vietnamese ward, district or province ("phường Láng
    # Thượng", "quận Đống Đa")
    r"|RT\.?[ \t]?\d{1,3}[ \t]?/[ \t]?RW\.?[ \t]?\d{1,3}|(?:Daire|Kat|D\.)[ \t]?:?[ \t]?\d{1,4}\b"
    r"|(?:דירה|קומה|כניסה)[ \t]\d{1,4}\b"
    r"|(?:phường|quận|huyện|xã|thị xã|tỉnh|thành phố|TP\.)[ \t]+\p{Lu}[\p{L}]*(?:[ \t]+\p{Lu}[\p{L}]*){0,3}"
    r"|\d{1,3}(?=[ \t]*,))"
)
_POSTCODE = (
    r"(?:[A-Z]{1,2}[ -])?\d{4,6}(?:-\d{4})?"  # 35172, D-10115, 62704-1234, NY 10118
    r"|[A-Z]\d[A-Z] ?\d[A-Z]\d"  # Canada
    r"|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"  # UK
    r"|\d{2}-\d{3}|\d{4,5}-\d{3}"  # Poland 44-230, Portugal 1000-001, Brazil 80010-000
)
_WORD = r"\p{Lu}[\p{L}'\u2019.-]*"
_PARTICLE = r"(?:de|del|da|do|dos|das|du|des|la|le|u|am|an|im|upon|on|sur|en|y|i|na)"
# A word that ends in three small letters and a full stop ends a sentence ("9000 Gent. Merci"); "St." does not.
_PLACE = rf"{_WORD}(?:(?<!\p{{Ll}}{{3}}\.)[ \t]+(?:{_PARTICLE}[ \t]+)?{_WORD}){{0,3}}"
# Between parts: spaces, at most one comma or semicolon, at most one line break (a blank line ends it).
_SEPARATOR = regex.compile(r"[ \t]*(?:[,;][ \t]*)?(?:\n[ \t]*)?(?:[,;][ \t]*)?")
# After a street, a three-digit postcode before its town counts too (Iceland: "Hringbraut 54, 101 Reykjavík").
_UNIT_OR_POSTCODE = regex.compile(rf"(?:{_UNIT}|{_POSTCODE}|\d{{3}}(?=[ \t]+\p{{Lu}}\p{{Ll}}))(?![\w@]|-\d)")
# A place run must end where an address line ends: comma, line break, postcode, sentence end, end.
# A postcode after the place ends it too: "Sheffield S6 3QT yes?".
# The mark of a town before its name in Cyrillic addresses ("m." of misto / gorod, "g.", "s.", "smt",
# "pgt": "\u043c. \u041b\u044c\u0432\u0456\u0432", Lviv), written with escapes here.
_TOWN_MARK = r"(?:(?:\u043c|\u0433|\u0433\u0440|\u0441|\u0441\u043c\u0442|\u043f\u0433\u0442)\.[ \t]?)?"
_PLACE_PART = regex.compile(
    rf"{_TOWN_MARK}(?P<place>{_PLACE})(?:[ \t]*[-\u2013/][ \t]*[A-Z]{{2}}\b)?"  # a state after a town: "Rio de Janeiro - RJ"
    rf"(?:[ \t]+(?P<postcode>{_POSTCODE})(?![\w@-])|(?=[ \t]*(?:[,;\n?!)\u00bb\u201d\"]|\.(?:[\s\u00bb\u201d\")]|$)|$)))"
)
# Or a town the place lists know, with the sentence going on: "Mustamäe tee 51, Tallinn veenäidud".
_TOWN_IN_PROSE = regex.compile(rf"(?P<place>{_WORD})(?=[ \t]+\p{{Ll}})")
# Words that start a label, a greeting or a sentence rather than a place.
_NOT_PLACES = SENTENCE_WORDS | word_set("""
    Please Thank Best Cheers Phone Mobile Tel Fax Email E-mail Website Web Name Address
    Desk Office Cell Date Subject Re Note Sent Cc Bcc Order Invoice Account Ref Reference Customer Patient Client Ticket
""")
_COMMON = 3_000  # an English word this frequent is prose, unless Faker knows it as a place


def extend_address_blocks(text: str, results: list[Any]) -> list[Any]:
    """Extra STREET_ADDRESS results covering the address block after each street finding."""
    extra: list[Any] = []
    for result in results:
        if result.entity_type != ENTITY:
            continue
        end = _block_end(text, result.end)
        number = _NUMBER_BEFORE.search(text, max(0, result.start - 16), result.start)
        start = number.start() if number else result.start
        if text[result.start : result.start + 1].isdigit():  # a postcode and town: its street line before it
            street = _STREET_BEFORE.search(text, max(0, result.start - 80), result.start)
            if street and not set(street.group().replace(",", " ").split()) & _NOT_PLACES:
                start = street.start()
        if start == result.start and _POSTCODE_ONLY.fullmatch(text, result.start, result.end):
            start = _places_before(text, result.start)  # "Ballycarney, Enniscorthy, Co. Wexford, Y21 K7F3"
        # postcode and town first, as Hungarian writes it: "6720 Szeged, Kárász utca 11."
        if (
            start == result.start
            and (town := _POSTCODE_TOWN_BEFORE.search(text, max(0, start - 40), start))
            and (
                _town(town.group("town"))
                # a small town before a Hungarian street, whose order this is: "6760 Kistelek, Kossuth u. 41."
                or (_HUNGARIAN_STREET.search(text, start, end) is not None and _is_place(town.group("town")))
            )
        ):
            start = town.start()
        if end > result.end or start < result.start:
            extra.append(_result(start, end, float(result.score)))
    return extra


# A postcode and its town right before a street, on the same line: "6720 Szeged, Kárász utca 11.", "1052
# Budapest, Váci utca 4." (Hungarian order).
_POSTCODE_TOWN_BEFORE = regex.compile(
    r"(?<![\w.,/-])\d{4}[ \t]+(?P<town>\p{Lu}[\p{L}\-]+(?:[ \t]+\p{Lu}[\p{L}\-]+)?),[ \t]*$"
)


_HUNGARIAN_STREET = regex.compile(r"\s(?:utca|u\.|út|útja|tér|körút|krt\.|köz|sor|sétány|rakpart)\s")


# A building or unit number right before the street on its line: "86589 8 Rue Hedi Labidi", "Apt 4, 12 Main St".
# Also a unit number joined by a slash: "3/41 Harbour Street" (Australia, New Zealand), and the word for
# a Singapore block before its number ("Blk 118 Bishan Street 12").
_NUMBER_BEFORE = regex.compile(
    rf"(?<![\w.,/-])(?:(?:{_UNIT}|\d{{1,6}}[A-Za-z]?|Blk|Bldg)[ \t]*,?[ \t]+|\d{{1,5}}[A-Za-z]?/)$"
)


# The street line right before a postcode and town, in any language: "Koněvova 1843/57, 130 00 Praha",
# "Riia 140-8, 50411 Tartu" (house and flat).
_STREET_BEFORE = regex.compile(
    rf"(?<![\w-])(?:{_WORD}[ \t]+(?:{_PARTICLE}[ \t]+)?){{1,3}}\d{{1,5}}(?:[/-]\d{{1,5}})?[A-Za-z]?,[ \t]*"
    rf"(?:(?:{_UNIT})[ \t]*,[ \t]*){{0,3}}$"  # its floor and flat: "Vlaška 40, 2. kat, stan 7, 10000 Zagreb"
)


# A finding that is a postcode alone (an Eircode, a UK postcode): an address with no house number may
# still name its places before it, each followed by a comma.
_POSTCODE_ONLY = regex.compile(rf"(?:{_POSTCODE}|[AC-FHKNPRTV-Y]\d[0-9W] ?[AC-FHKNPRTV-Y0-9]{{4}})")
_PLACE_BEFORE = regex.compile(rf"(?<![\w-])(?P<place>{_PLACE}),[ \t]*$")


def _places_before(text: str, position: int) -> int:
    """Where the run of comma-separated places that ends right before `position` starts (at most
    MAX_PARTS of them, on the same line, each a place by `_is_place` or a street by its type word),
    with the numbered street line or unit that starts the address ("7 Ashgrove Park, Ballincollig,")."""
    start = position
    # a full British postcode follows its town or village, whatever its words: "Lower Slaughter GL54 2HS"
    british = _BRITISH_POSTCODE.match(text, position) is not None
    for _ in range(MAX_PARTS):
        window = max(0, start - 72, text.rfind("\n", 0, start) + 1)
        numbered = _NUMBERED_LINE_BEFORE.search(text, window, start)
        if numbered and not set(numbered.group().replace(",", " ").split()) & _NOT_PLACES:
            return numbered.start()  # a house number or unit starts the address
        place = _PLACE_BEFORE.search(text, window, start)
        if place is None and start == position:  # the town right before a postcode: "Chelmsford CM3 4SS"
            place = _TOWN_BEFORE.search(text, window, start)
        run = place.group("place") if place else ""
        if not run or not (
            run.split()[-1] in _STREET_TYPES
            or _is_place(run)
            or (
                (start < position or british) and _village(run)
            )  # once a town is read: "Little Baddow, Chelmsford"
        ):
            break
        if run not in place_names() and _person(run.split()) and not _town(run):
            break  # not "Glenys Pritchard, Pontypridd, CF37 4LR": a person's name ends the run ("London" is a town)
        start = place.start()
    return start


_TOWN_BEFORE = regex.compile(rf"(?<![\w-])(?P<place>{_PLACE})[ \t]+$")
_BRITISH_POSTCODE = regex.compile(r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}(?![\w-])")


# The first part of an address before its places and postcode: a house number and street, or a unit
# ("14 Cois Cuain,", "Apartment 12,", "Flat 3, 22 Mill Road,"), a unit with its building's name first
# ("Flat 12, Beech Court, 40 Mobberley Road,").
_NUMBERED_LINE_BEFORE = regex.compile(
    rf"(?<![\w.,/-])(?:(?:{_UNIT})[ \t]*,[ \t]*(?:{_PLACE}[ \t]*,[ \t]*)?)?"
    rf"(?:(?:{_UNIT})|\d{{1,5}}[A-Za-z]?[ \t]+{_PLACE}),[ \t]*$"
)
# The type word that ends a street's name in English-speaking countries: a run that ends in one is a
# street, however common its other words are ("Bridge Street", "Riverside Court").
_STREET_TYPES = word_set("""
    Street St Road Rd Avenue Ave Lane Ln Drive Dr Court Ct Close Crescent Cres Grove Park Place Pl Square Sq
    Terrace Tce Way Gardens Gdns Hill Row Walk View Mews Rise Green Parade Heights Quay Wharf Boulevard Blvd
    Circle Parkway Highway Manor Lawn Lawns Meadows Downs Vale Glen Wood Woods Estate Cottages Villas
    Cottage Farm Lodge Barn Villa Mill House Hall
""")


def _block_end(text: str, position: int) -> int:
    end = position
    if position and text[position - 1].isdigit():  # the house number's own suffix: "301-bis", "12 ter"
        suffix = _NUMBER_SUFFIX.match(text, position)
        end = suffix.end() if suffix else position
    limit = min(len(text), position + MAX_EXTENSION)
    for _ in range(MAX_PARTS):
        separator = _SEPARATOR.match(text, end, limit)
        at = separator.end() if separator else end
        if at == end and end < limit and not text[end].isspace():
            break  # parts are separated by something
        part = _UNIT_OR_POSTCODE.match(text, at, limit)
        if part is None:
            part = _PLACE_PART.match(text, at, limit)
            if part is None and "\n" not in text[end:at]:  # the town on the street's own line
                part = _known_town(text, at, limit)
            if part is None or not (
                _is_place(part.group("place")) or part.group("place").split()[-1] in _STREET_TYPES
            ):
                break  # a place, or a named street or estate after a unit: "Flat 6, Ocean Pearl Estate"
        end = part.end()
    return end


def _known_town(text: str, at: int, limit: int) -> Any:
    from .public import fold, known_place

    town = _TOWN_IN_PROSE.match(text, at, limit)
    return town if town is not None and known_place(fold(town.group("place").rstrip("."))) else None


# What may follow a house number as part of it: "301-bis", "12 ter", "4-huis", "7-2".
_NUMBER_SUFFIX = regex.compile(r"(?:[ -](?:bis|ter|quater|huis|hs)|-\d{1,4}[A-Za-z]?)(?![\w-])")


def _village(run: str) -> bool:
    """A run of capitalized words that may be a village or a house's name: no label, greeting or
    sentence word, and not somebody's name (a given name alone, or a given name and a surname)."""
    words = [word.strip(".,'\u2019") for word in run.split()]
    return all(word[:1].isupper() and word not in _NOT_PLACES for word in words) and not _person(words)


def _town(run: str) -> bool:
    """A town of 15,000 people or more (GeoNames), whatever else its name is ("London", "Florence")."""
    from .public import fold, known_place

    return known_place(fold(run))


def _person(words: list[str]) -> bool:
    """A given name alone, or a given name and a surname ("Little Baddow" is neither)."""
    return words[0] in given_names() and (len(words) == 1 or words[-1] in surnames())


def _is_place(run: str) -> bool:
    if run in place_names():
        return True
    rank = word_rank("en")
    for word in run.split():
        bare = word.strip(".,'\u2019")
        if bare in _NOT_PLACES or bare.capitalize() in _NOT_PLACES:  # "TEL;TYPE=CELL:" on the next line
            return False
        if not bare[:1].isupper():
            continue  # a particle: "Teixeira de Freitas"
        if rank.get(bare.lower(), _COMMON) < _COMMON and bare not in place_names():
            return False
    return True


def _result(start: int, end: int, score: float) -> Any:
    return recognizer_result(ENTITY, start, end, score, NAME, "rest of an address block")
