"""What leaves for a closed API, on the embedded default policy, for the cases the small NER model
gets wrong on its own: names of many cultures, CSV rows, address blocks, phones in any format,
escaped line breaks; and what must pass unchanged: common words, imperatives, public figures.

All values are synthetic (generated or reserved test ranges).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from privproxy import Guard
from privproxy.detect import public
from privproxy.policy.loader import portable_policy_text


@pytest.fixture(scope="module")
def guard(tmp_path_factory: pytest.TempPathFactory) -> Guard:
    return Guard(
        audit_log=tmp_path_factory.mktemp("audit") / "a.jsonl", hmac_key=b"q" * 32, reload_interval=None
    )


def assert_redacted(guard: Guard, text: str, parts: list[str]) -> str:
    """The prompt is redacted and none of `parts` is in what leaves; returns what leaves."""
    action, out = sent(guard, text)
    assert action == "redact"
    for part in parts:
        assert part not in out
    return out


def sent(guard: Guard, text: str) -> tuple[str, str]:
    """(action, the prompt as it would leave for a closed API)."""
    inspection = guard.inspect(text)
    content = inspection.sanitized["messages"][0]["content"] if inspection.sanitized else ""
    return inspection.action, content


def found_values(guard: Guard, text: str) -> list[str]:
    """The text of every finding `inspect` reports for `text`."""
    return [text[f["start"] : f["end"]] for f in guard.inspect(text).findings]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("I want to add Terence Vassiliev as a beneficiary to my account", ["Terence", "Vassiliev"]),
        ("Follow up with Đurđa Jovanović in a couple of months.", ["Jovanović"]),
        ("My name is Christiane S de Vaan but everyone calls me Christiane", ["Christiane", "Vaan"]),
        ("Pertti M. Palander will sign the lease.", ["Pertti", "Palander"]),
        ('user = {"id": 7, "label": "Ivan Petrov"}', ["Ivan", "Petrov"]),
    ],
)
def test_names_the_small_model_misses_do_not_leave(guard: Guard, text: str, values: list[str]) -> None:
    assert_redacted(guard, text, values)


def test_a_month_that_is_a_given_name_is_a_name_with_a_surname(guard: Guard) -> None:
    assert_redacted(guard, "Please forward the invoice to April Ludgate by Friday.", ["April", "Ludgate"])


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (  # vCard properties with parameters
            "Clean up this contact:\nFN:Nina K\nADR;TYPE=HOME:;;Skoufa 47;Athina;;106 72;Greece\nBDAY:1988-06-23",
            ["Skoufa 47", "Athina", "106 72", "1988-06-23"],
        ),
        ("Permiso de conducir nº: 11383057\nClase: B", ["11383057"]),  # a label ending in a number word
        (
            "Domiciliu: Str. Traian nr. 12, bl. C3, ap. 14, Râmnicu Vâlcea, jud. Vâlcea",
            ["Traian nr. 12", "C3", "Vâlcea"],
        ),
        (  # an Indonesian neighbourhood unit after the street, then the city and postcode
            "Tolong kirim paketnya ke Jl. Kenanga No. 12, RT 04/RW 07, Bandung 40115 ya.",
            ["Kenanga No. 12", "RT 04/RW 07", "Bandung 40115"],
        ),
        # Hindi form lines ended by a danda, and a name after a relation word, up to the postposition
        (
            "मेरे पिताजी कमल किशोर वर्मा का आवेदन। पता: म.न. 18, सेक्टर 9, करनाल। मोबाइल 98120 55417।",
            ["कमल किशोर वर्मा", "म.न. 18, सेक्टर 9", "98120 55417"],
        ),
    ],
)
def test_labels_and_addresses_of_more_shapes(guard: Guard, text: str, values: list[str]) -> None:
    assert_redacted(guard, text, values)


def test_csv_rows_lose_the_names_and_keep_their_shape(guard: Guard) -> None:
    out = assert_redacted(
        guard, "Convert to a table: id,name\n1,Anna Kowalski\n2,Ivan Petrov", ["Kowalski", "Petrov", "Anna"]
    )
    assert out.startswith("Convert to a table: id,name\n1,<PERSON_") and "\n2,<PERSON_" in out


def test_a_name_span_does_not_swallow_the_words_around_it(guard: Guard) -> None:
    _, out = sent(guard, "Meet John F. at noon")
    assert "John" not in out
    assert out.endswith(" at noon")


@pytest.mark.parametrize(
    "text",
    [
        "The grace period ends in summer; mark the page as read.",
        "Convert 100 Fahrenheit to Celsius.",
        "Write a SQL query that selects customer_id and email from users.",
        "How do I install Node.js and Django on Linux?",
        "What did Abraham Lincoln and Marie Curie have in common with Napoleon Bonaparte?",
        "What is the capital of France, and is Texas larger than Ontario?",
        "Is April or May a better time for a trip than August? June is when the holidays start.",
        "Der Kurs läuft von Juni bis August, jeden Montag.",
        "Explica a diferença entre os heterónimos de Fernando Pessoa.",  # the NER's span starts lower case
        "Wie ändert sich Gretchens Rolle in Goethes Faust I?",  # a German genitive, then a work
        "L'ordine ORD-2025-265259 presso Forniture Rossi srl è stato fatturato due volte.",  # a legal form
        "Scrivi un articolo sulla rivalità tra Enzo Ferrari e Ferruccio Lamborghini.",  # two names, one run
        "Plan the calendar: April launch post, May newsletter, June is Pride month, August is quiet.",
        "Vi har fire timer i Oslo på lørdag. Er Vigelandsparken verdt det?",  # "Vi": we, not a name
        "Kur geriausia paragauti cepelinų?",  # Lithuanian "where" starts the sentence
        "Who were Mary Todd Lincoln and Edwin Stanton to Abraham Lincoln in 1863?",  # history beside a figure
        "Pomóż mi napisać krótki referat o Marii Skłodowskiej-Curie.",  # a figure's name, inflected
        "Kde je Knihovna Václava Havla?",
        "Napisz notatkę o Robercie Lewandowskim i rekordzie Gerda Müllera z 1971/72.",  # Polish cases
        "Aita koostada lühike esitlus Arvo Pärdist.",  # an Estonian case on a changed stem (Pärt, Pärdi)
        "Potřebuji referát o knize Karla Čapka Válka s mloky.",  # the NER ran the name into the title
        # a year and "in" are no house number and street; a figure's birth a sentence later is history
        "I'm writing an essay on Rosalind Franklin. Key facts: born 25 July 1920 in Notting Hill.",
        'N\u00e2z\u0131m Hikmet 1963\'te \u00f6ld\u00fc. "Memleketimden \u0130nsan Manzaralar\u0131" hakk\u0131nda bir \u00f6zet yaz.',  # a title
        "Fă-mi un rezumat al carierei lui Gheorghe Hagi: 35 de goluri.",  # "al" here is no name particle
        "Is it right that Ofcom reserves 07700 900000 to 07700 900999 for drama, and the US 555-0100 to 555-0199?",
        # storms are named from lists of given names; a joint eponym is written with an en dash
        "| storm | year |\n|---|---|\n| Hurricane Hugo | 1989 |\n| Typhoon Haiyan | 2013 |\n\nWhy was Hugo so costly?",
        "Explain the Hardy\u2013Weinberg principle and the Michaelis\u2013Menten constant for my exam.",
        # a month after a day's number is a date, whatever the name-like words after it; a number and a
        # unit are a measure, no house number
        "¿Por qué la avenida 18 de Julio de Montevideo se llama así?",
        "Halve this brownie recipe: 200 g dark chocolate, 3 eggs, and bake in a 23 cm square tin.",
        # a UUID's last group is no national id; a validator's test input is nobody's number
        "Is the UUID 3f2b8c1e-9d4a-4e7b-a1c2-238746117500 in our fixtures safe to publish?",
        'def test_rejects():\n    assert not luhn_ok("4111 1111 1111 1112")\n    assert not is_valid("5500 0000 0000 0005")',
    ],
)
def test_ordinary_words_software_and_public_figures_pass(guard: Guard, text: str) -> None:
    action, out = sent(guard, text)
    assert (action, out) == ("allow", text)


def test_public_figures_are_a_policy_choice(tmp_path: Path) -> None:
    hipaa = Guard(
        policy=REPO / "policies" / "hipaa.yaml", audit_log=tmp_path / "a.jsonl", reload_interval=None
    )
    findings = hipaa.inspect("What did Abraham Lincoln think?").findings
    assert any(f["entity_type"] == "PERSON" for f in findings)  # hipaa.yaml does not include the list
    # hipaa.yaml keeps every drug in-house, about somebody or not (impersonal_health: redact).
    assert hipaa.inspect("What's the mechanism of action of metformin?").action == "local"


def test_places_pass_but_a_name_that_is_also_a_place_and_a_deny_term_do_not(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        portable_policy_text(REPO / "policies" / "default.yaml").replace(
            "  deny: {}", "  deny:\n    PROJECT_CODENAME: [Nevada]"
        )
        + "\n# codenames stay in-house\n"
    )
    text = policy.read_text().replace("  US_SSN: local\n", "  US_SSN: local\n  PROJECT_CODENAME: block\n", 1)
    policy.write_text(text)
    guard = Guard(policy=policy, audit_log=tmp_path / "a.jsonl", reload_interval=None)
    # "Nevada" is in the shared list of public places, but a deny term is more specific and wins.
    assert guard.inspect("Is the Nevada launch still on for Monday?").action == "block"
    assert guard.inspect("Is Oregon bigger than Ohio?").action == "allow"
    # Georgia is left off the places list on purpose: it is also a first name.
    assert_redacted(guard, "Georgia wants the lease signed by Friday.", ["Georgia"])


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Fax: +41 80 821 48 62", "821 48 62"),
        ("Can someone call me on 76 177 296? I have some questions.", "177 296"),
        ("Liisa\n723 813 266 office", "813 266"),
        ("How can we reach you? You can call 53-41-43-35", "43-35"),
        ("Mobile: 07700 900123", "900123"),
    ],
)
def test_phones_in_any_format_do_not_leave(guard: Guard, text: str, number: str) -> None:
    assert_redacted(guard, text, [number])


@pytest.mark.parametrize(
    "text",
    [
        "Release 3.11.4 fixed the office add-in",
        "Call the build step on 2024-03-05 at 10:30.",
        "The mobile release shipped on 12.03.2024",
        "Limit  (cost=0.57..1843.22 rows=20 width=24)",  # a range of decimals
        "The second is 9 192 631 770 Hz of the caesium transition.",  # a measurement
    ],
)
def test_versions_and_dates_are_not_phones(guard: Guard, text: str) -> None:
    assert not [f for f in guard.inspect(text).findings if f["entity_type"] == "PHONE_NUMBER"]


@pytest.mark.parametrize(
    "text",
    [
        "Please reconcile this remittance against our PO 5637464033 before Friday.",
        "Fattura fornitore 2023-912312: come la registro?",
        "The deploy failed at 23:48 (pipeline 850246759, job 0571519035).",
        "Rechnung Nr. 4471 2209 18 ist noch offen.",
        "Chase's ABA routing number 021000021 goes on the wire form.",
        "The vessel's IMO 9241061 and serial number 310627000 are on the certificate.",
    ],
)
def test_a_number_labelled_as_an_order_invoice_or_job_is_not_a_phone(guard: Guard, text: str) -> None:
    assert guard.inspect(text).action == "allow"


def test_a_phone_next_to_an_order_number_still_is_one(guard: Guard) -> None:
    assert_redacted(guard, "Order 4471 was late; call me on 0612 345 678 please.", ["345 678"])


@pytest.mark.parametrize(
    "text",
    [
        "Leaflet: Samaritans 116 123 (free, 24/7) and the National Domestic Abuse Helpline 0808 2000 247.",
        "If you are in crisis in the US, call 1-800-273-8255; in an emergency dial 112 or 999.",
        "Die Telefonseelsorge erreichen Sie unter 0800 111 0 111, das Bürgertelefon unter 0180 5 123456.",
    ],
)
def test_free_and_shared_cost_service_lines_are_nobody_s_phone(guard: Guard, text: str) -> None:
    assert not [f for f in guard.inspect(text).findings if f["entity_type"] == "PHONE_NUMBER"]


def test_a_number_that_is_a_service_line_only_in_another_country_stays_a_phone(guard: Guard) -> None:
    # a French shared-cost number, but no plan of an English text reads it so (a South African mobile)
    assert_redacted(
        guard, "Date of birth: 1984-11-23. Cell: 082 614 3390. Call me after five.", ["082 614 3390"]
    )
    assert_redacted(guard, "Reach me at 61 60 34, or the helpline 0808 2000 247.", ["61 60 34"])
    # a freephone line in New Zealand's plan, a mobile in Nigeria's, the country the text names
    assert_redacted(guard, "My cousin in Ibadan changed her number: it is now 0805 617 2248.", ["617 2248"])


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Stan: pani Fiedorczuk bez zmian, dalsza opieka: dr Drabczyk.", ["Fiedorczuk", "Drabczyk"]),
        ("Il sig. Agazzi è migliorato; controllo dal dott. Gigli domani.", ["Agazzi", "Gigli"]),
        ("Para cualquier consulta sobre el contrato, llámeme al 631802431.", ["631802431"]),
        ("W razie pytań proszę dzwonić: 638 368 820.", ["368 820"]),
    ],
)
def test_titles_and_phone_words_of_other_languages(guard: Guard, text: str, values: list[str]) -> None:
    action, out = sent(guard, text)
    assert action in ("redact", "local"), action
    for value in values:
        assert value not in out


def test_an_address_line_with_its_flat_and_postcode_leaves_whole(guard: Guard) -> None:
    # The floor and side between street and postcode (pt), a house-flat number before them (et).
    for text, values in [
        (
            "Reclamação: morada Rua de Cedofeita 318, 2.º esq., 4050-174 Porto, telemóvel 912 461 549.",
            ["esq"],
        ),
        ("Konto on minu oma, aadress Riia 140-8, 50411 Tartu, telefon 5112 7737.", ["Riia", "140-8"]),
    ]:
        assert_redacted(guard, text, values)


def test_a_famous_name_with_a_second_surname_in_a_form_is_somebody(guard: Guard) -> None:
    text = "Alumno: Hugo Sánchez Ortega   Fecha de nacimiento: 22/06/2016"
    assert_redacted(guard, text, ["Sánchez Ortega", "22/06/2016"])


def test_a_polish_name_in_another_case_is_a_name(guard: Guard) -> None:
    text = "Proszę o kontakt z mężem, Pawłem Kamińskim, gdyby Zosia źle się czuła."
    assert_redacted(guard, text, ["Pawłem", "Kamińskim"])


def test_a_lower_case_name_after_a_kinship_word_is_a_name(guard: Guard) -> None:
    text = "theres a planned outage on thursday and my wife rhian works from home all week"
    assert_redacted(guard, text, ["rhian"])
    # her home oxygen is health data: the whole request stays on the local model
    text = "theres a planned outage on thursday and my wife rhian is on a home oxygen concentrator"
    assert guard.inspect(text).action == "local"


def test_an_address_block_leaves_as_a_whole_placeholder(guard: Guard) -> None:
    text = "Ship to:\nFrancesca Freeman\n35116 Rua Arapiraca 1943\nApt. 559\nTeixeira de Freitas\nBrazil 35172\nThanks!"
    out = assert_redacted(guard, text, ["Francesca", "Arapiraca", "559", "Teixeira", "Freitas", "35172"])
    assert out.startswith("Ship to:\n") and out.endswith("\nThanks!")


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("The bus station is on Via Pasquale Scura 127", ["Scura", "127"]),
        # a village of ordinary words before a full British postcode, and the house name before it
        (
            "I can do Fri at Ridgeway Cottage, Lower Slaughter GL54 2HS, Jo does Mon",
            ["Ridgeway", "Slaughter"],
        ),
        # a Cyrillic town after its mark ("м." for misto) and a town before a closing quotation mark
        ("Адреса: вул. Городоцька, 174, кв. 35, м. Львів, 79022. Дякую", ["Городоцька", "Львів", "79022"]),
        ("«Тарас Бондар, вул. Сумська, 48, кв. 7, Харків.»", ["Сумська", "Харків"]),  # noqa: RUF001
        ("The bus drops you off at 6889 Lumbyholmvej 46 St.", ["Lumbyholmvej"]),
        ("What is your address? it is PSC 2322, Box 6025\nAPO AA 88307", ["2322", "6025", "88307"]),
        (
            "Send the statement to 84251 Hadikgasse 49 Apt. 542 KÖTTMANNSDORF Austria?",
            ["Hadikgasse", "542", "KÖTTMANNSDORF"],
        ),
        # a street with no street word, known by the suite under it; a building number before a street
        ("Eliza Emmett\n\n3772 Tiigi 34\n Suite 209\n Pärnselja", ["Tiigi", "3772", "209", "Pärnselja"]),
        ("Ship to 86589 8 Rue Hedi Labidi, Apt. 260, Cite El Wafa", ["86589", "Labidi", "260"]),
        # the town between a street and its postcode, a unit before a slash, a floor and side, a
        # hyphenated town after a Polish postcode
        ("Address for him is 27 Hollins Road, Sheffield S6 3QT yes?", ["Hollins", "Sheffield", "3QT"]),
        ("Invoice from\n3/41 Harbour Street, Fremantle WA 6160", ["3/41", "Harbour", "Fremantle", "6160"]),
        (
            "Vi bor på Nørrebrogade 88, 2. tv., 2200 København N. Hvad gør vi?",
            ["Nørrebrogade", "tv.", "2200"],
        ),
        ("Adres: ul. Kościuszki 12/3, 44-230 Czerwionka-Leszczyny", ["Kościuszki", "44-230", "Leszczyny"]),
        # a street line with no street word before a postcode and town; a flat in other languages; a
        # state after a town
        ("nájem za byt na adrese Jankova 1843/57, 130 00 Praha jsem platil včas", ["Jankova", "1843/57"]),
        ("| Olof Hedlund | Bergsgatan 21 lgh 1203, 753 11 Uppsala | nej |", ["lgh", "1203", "753 11"]),
        ("Ny adress: Storgatan 14, 2 tr, 903 26 Umeå. Vad behöver jag?", ["Storgatan", "2 tr", "903 26"]),
        (
            "Endereço: Rua das Flores 414, apto 702, Centro, Belo Horizonte - MG, 30110-002.",
            ["Flores", "702", "Belo Horizonte - MG", "30110"],
        ),
    ],
)
def test_european_and_military_addresses_do_not_leave(guard: Guard, text: str, parts: list[str]) -> None:
    assert_redacted(guard, text, parts)


def test_escaped_line_breaks_do_not_hide_a_number(guard: Guard) -> None:
    assert_redacted(guard, '{"note": "Phone:\\n+41 53 147 37 99\\nthanks"}', ["147 37 99"])


def test_mail_at_an_internal_domain_is_an_email(guard: Guard) -> None:
    text = "Draft a warning letter; cc hr@northwind.example and ops@corp.internal."
    assert_redacted(guard, text, ["hr@northwind.example", "ops@corp.internal"])


def test_an_ssn_is_an_ssn_when_the_prompt_says_so(guard: Guard) -> None:
    # 123-45-6789 is never issued, so Presidio's own recognizer sets it aside; next to "SSN" it counts.
    inspection = guard.inspect("Escalate: Kwame reports fraud on SSN 123-45-6789.")
    assert "US_SSN" in {f["entity_type"] for f in inspection.findings}
    assert inspection.action == "local"  # the default policy keeps national ids in-house


def test_short_card_numbers_need_a_card_word(guard: Guard) -> None:
    assert_redacted(guard, "I want to cancel my card 501803075628 because I lost it", ["501803075628"])
    assert not [
        f
        for f in guard.inspect("ticket 501803075628 is closed").findings
        if f["entity_type"] == "CREDIT_CARD"
    ]


def test_the_ner_gate_follows_the_policy(tmp_path: Path, guard: Guard) -> None:
    # The default policy lets dates through, so sentences that cannot hold a name skip the NER...
    assert guard.detector.ner_gate
    text = "The backlog dropped after the new triage process went live. McDowell and Merritt were there."
    names = {
        text[f["start"] : f["end"]] for f in guard.inspect(text).findings if f["entity_type"] == "PERSON"
    }
    assert {"McDowell", "Merritt"} <= names
    # ...and a policy that acts on dates reads every sentence: dates hide in lower-case text.
    policy = portable_policy_text(REPO / "policies" / "default.yaml")
    policy = policy.replace("  DATE_TIME: allow\n", "  DATE_TIME: redact\n")
    path = tmp_path / "dates.yaml"
    path.write_text(policy)
    strict = Guard(policy=path, audit_log=tmp_path / "a.jsonl", reload_interval=None)
    assert not strict.detector.ner_gate
    action, out = sent(strict, "the patient was admitted yesterday and discharged last week.")
    assert action == "redact" and "yesterday" not in out


def test_gated_reading_keeps_every_character_and_offset(guard: Guard) -> None:
    from privproxy.detect.nlp import gate_runs

    text = "Please restart it.\nThe invoice for Lucas Khan goes to 298 Oak Avenue. We agreed! Thanks?  "
    runs = gate_runs(text)
    assert "".join(piece for piece, _ in runs) == text
    assert [read for _, read in runs] == [False, True, False]
    findings = guard.inspect(text).findings
    assert any(text[f["start"] : f["end"]] == "Lucas Khan" for f in findings)


def test_the_longest_deny_list_term_wins(guard: Guard) -> None:
    # Presidio's deny list is one regex alternation: "Alzheimer's" listed first would cut the match short.
    text = "My mum was diagnosed with Alzheimer's disease last year."
    spans = {
        text[f["start"] : f["end"]]
        for f in guard.inspect(text).findings
        if f["entity_type"] == "MEDICAL_CONDITION"
    }
    assert "Alzheimer's disease" in spans


def test_a_uk_national_insurance_number_stays_in_house(guard: Guard) -> None:
    # National ids go to the local model on the default policy, like an SSN or a French NIR.
    assert sent(guard, "Update payroll: my National Insurance number is AB 12 34 56 C.") == ("local", "")
    assert sent(guard, "Use prefix BG 12 34 56 C in the test fixture.")[0] != "local"  # never issued


@pytest.mark.parametrize(
    "text",
    [
        "Wie kann ich die Partitionen in Spark zählen, bevor ich die Verlängerung nach Parquet schreibe?",
        "¿Cuál es la mejor manera de visitar el Schloss Neuschwanstein en invierno con niños pequeños?",
        # one-line questions the identifier is not sure of, but most likely in such a language
        "Hvordan bogfører jeg dette?",
        # Icelandic, Catalan, Croatian, Russian: languages the identifier knew nothing of were read
        # as the nearest one it did, and their capitalized words went through the English NER
        "Hvernig er best að ferðast frá Keflavík til Akureyrar á veturna með lest eða rútu?",
        "Quina és la millor manera de visitar la Sagrada Família i el Park Güell en un sol dia?",
        "Koji je najbolji način da posjetim Plitvička jezera i Zadar u jednom vikendu?",
        "Как лучше добраться из Шереметьево до Красной площади вечером в пятницу?",
    ],
)
def test_text_in_a_language_without_a_model_is_not_read_as_english(guard: Guard, text: str) -> None:
    assert sent(guard, text) == ("allow", text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a number written the national way is valid only in its own country's numbering plan: the
        # text's language says which (no label, no +34 / +354 / +385)
        ("Si no me encuentras en casa, mi hermana te abre: 612 345 678, pregunta por ella.", "612 345 678"),
        ("Ef ég svara ekki, hringdu í bróður minn í 691 2345 eftir klukkan fimm.", "691 2345"),
        ("Ako se ne javim, nazovi moju sestru na 091 234 5678 poslije pet sati.", "091 234 5678"),
    ],
)
def test_a_phone_without_label_or_country_code_is_read_with_the_texts_country(
    guard: Guard, text: str, value: str
) -> None:
    action, out = sent(guard, text)
    assert action == "redact" and value not in out


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Дата рождения: 14.02.1979\nАдрес: г. Тверь, ул. Советская, д. 12, кв. 5", ["14.02.1979"]),  # noqa: RUF001
        (
            "Prezime: Kovačević\nDatum rođenja: 7. 3. 1991.\nMobitel: 091 234 5678",
            ["Kovačević", "1991", "234 5678"],
        ),
        ("Nom i cognoms: Pau Ferrer\nData de naixement: 09/11/2001", ["Ferrer", "09/11/2001"]),
        ("Номер полиса: 7751 2290 0413 8812", ["7751 2290 0413 8812"]),
    ],
)
def test_form_labels_in_more_languages_type_their_values(guard: Guard, text: str, values: list[str]) -> None:
    action, out = sent(guard, text)
    assert action in ("redact", "local"), action
    for value in values:
        assert value not in out


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (
            "Cancel these too: Sam's Club membership 101 7730 5542, and the claim number 20041877321.",
            ["7730 5542", "20041877321"],
        ),
        ("Child: Tamsin Oakhurst\nAllergies: none", ["Tamsin", "Oakhurst"]),
        ("MAILJET_USERNAME=b.hofmann77\nMAILJET_HOST=in-v3.mailjet.com", ["b.hofmann77"]),
    ],
)
def test_member_and_claim_numbers_children_and_suffixed_logins(
    guard: Guard, text: str, values: list[str]
) -> None:
    action, out = sent(guard, text)
    assert action in ("redact", "local"), action
    for value in values:
        assert value not in out


def test_a_given_name_after_a_catalan_article_is_a_name_and_a_town_after_la_a_place(guard: Guard) -> None:
    assert_redacted(
        guard, "Ha trucat la Martina per la reunió d'avui a la tarda, diu que no pot venir.", ["Martina"]
    )
    text = "Mâine plec la Cluj cu trenul de dimineață și mă întorc vineri seara acasă."
    assert sent(guard, text) == ("allow", text)


def test_a_service_login_and_a_kubernetes_kind_are_no_person(guard: Guard) -> None:
    for text in (
        "DB_USERNAME=loja_app\nDB_HOST=db.internal",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web",
    ):
        assert sent(guard, text) == ("allow", text), guard.inspect(text).findings


@pytest.mark.parametrize(
    "text",
    [
        "Пароль от почты — Солнце*Волга88, если что.",  # noqa: RUF001
        "Пароль від кабінету — Карпати_2024, а ПІН-код картки 5307.",  # noqa: RUF001
        "Lozinka za Wi-Fi je Jadran_2019.",
        "La contrasenya del correu és Montseny#42 i el codi del garatge és 9051.",
        "Lykilorðið er Snæfell-2018 og kóðinn er 4402.",
    ],
)
def test_a_password_or_code_in_more_languages_blocks_the_request(guard: Guard, text: str) -> None:
    assert guard.inspect(text).action == "block"


def test_a_name_that_is_a_common_word_of_the_texts_language_is_that_word(guard: Guard) -> None:
    # "Killer" is a surname in the name lists, but a frequent German word: the English NER's finding
    # is dropped in a German text, while the name in the next sentence is still found.
    text = "Warum nennt man Feinstaub den „stillen Killer“? Frag Jonas Haller."
    out = assert_redacted(guard, text, ["Haller"])
    assert "Killer" in out


def test_the_language_of_an_instruction_above_pasted_data_is_its_own(guard: Guard) -> None:
    # The JSON lines would make the whole text read as English; the one line of prose is Polish.
    log = '{"ts": 1708004410370, "event": "page_view", "session_bucket": 5, "sku": "SKU-57448"}\n' * 2
    text = f"Możesz to podsumować?\n\n{log}"
    assert sent(guard, text) == ("allow", text)


@pytest.mark.parametrize(
    "text",
    [
        "Our Spark job writes ~40,000 tiny Parquet files per day into s3://analytics/raw/; how do I compact them?",
        "Socket connections drop after exactly 60 seconds. Config:\n\nupstream app {\n    server 10.0.0.5:8080;\n}",
        "¿Qué commit introdujo probablemente la regresión?\n\n$ git log --oneline v1.2.5..HEAD",
    ],
)
def test_a_tool_named_in_a_line_about_software_is_no_person(guard: Guard, text: str) -> None:
    assert not [f for f in guard.inspect(text).findings if f["entity_type"] in ("PERSON", "LOCATION")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kowalczyk broke the build in deploy.yml again", "Kowalczyk"),
        ("Please review Kowalczyk's changes to main.py before the release", "Kowalczyk"),
        ("Thanks Drabczyk, deploy.yml is fixed now", "Drabczyk"),
    ],
)
def test_a_person_in_a_line_about_software_is_still_a_person(guard: Guard, text: str, name: str) -> None:
    assert_redacted(guard, text, [name])


def test_a_word_of_the_texts_own_language_is_no_first_name_alone(guard: Guard) -> None:
    # "Tage" is a Swedish given name and a German word; in German text, alone, it is the word.
    text = "Niemand soll mehr als fünf Tage am Stück arbeiten, wie plane ich das für zwölf Leute?"
    assert sent(guard, text) == ("allow", text)


def test_a_name_the_lists_do_not_know_is_still_a_name_in_such_text(guard: Guard) -> None:
    text = "Kun je dit verbeteren? Nikos Nikolaidou werkte van 2019 tot 2024 bij ons als verpleegkundige."
    assert_redacted(guard, text, ["Nikolaidou"])
    # after an article, capitalized words are a thing or a place
    text = "Was besagt der Gaußsche Integralsatz, und wie folgt daraus die Divergenz?"
    assert sent(guard, text) == ("allow", text)


def test_a_thing_named_after_someone_is_no_person(guard: Guard) -> None:
    text = "Ich soll einen Text zur Matthäus-Passion schreiben."
    assert sent(guard, text) == ("allow", text)
    assert_redacted(guard, "Bitte schick das an Anna-Lena Müller-Lüdenscheidt.", ["Lüdenscheidt"])


def test_a_date_before_a_birth_word_is_a_date_of_birth(guard: Guard) -> None:
    text = "Wie alt ist jemand, der am 20.12.1972 geboren ist? Brauche ich für ein Formular."
    found = {f["entity_type"] for f in guard.inspect(text).findings}
    assert "DATE_OF_BIRTH" in found


def test_a_known_name_in_such_text_is_still_a_name(guard: Guard) -> None:
    assert_redacted(
        guard, "Bitte schreib Jonas Haller wegen der Verlängerung, er wartet seit Montag.", ["Jonas Haller"]
    )


@pytest.mark.parametrize(
    "text",
    [
        "Bind the dev server to 127.0.0.1:8080, or 0.0.0.0 inside the container.",
        "Why does dig @8.8.8.8 answer but 1.1.1.1 times out?",
        "git clone git@github.com:acme/payments.git fails with a permission error",
        "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE",
        "DATABASE_URL=postgres://app:${POSTGRES_PASSWORD}@db:5432/app",
        "Put sk_test_xxxxxxxxxxxxxxxxxxxx in your .env for local runs.",
        "Is ALTER USER inside psql enough, or do I need docker compose down -v?",  # a word, no login
        "Open the security group to 0.0.0.0/0 and route 10.0.0.0/8 via the VPN.",  # networks, no device
        # private networks' addresses in a text about no one: every home and office LAN reuses them
        "2026-11-02T10:01:22Z INFO upstream 10.0.3.17:8080 GET /health 200 in 3ms",
        "Our router at 192.168.1.1 keeps dropping the VPN tunnel to 172.16.4.20 and fd12:3456:789a:1::17.",
        '{"name": "s3-sink-bestellungen", "config": {"topics": "orders"}}',  # a name key, no person's name
        '{"app": {"name": "gestionale-ordini", "port": 8080}}',  # a slug names a service
        "settings:\n  SECRET_KEY: dev-only-not-secret\n  DEBUG: true",  # the value says it is none
        "backup finished version=restic/0.16.4 snapshot=8268361a files=1204",  # a hash, no licence
        "sku,ean,title\nMUG-CER-350-WHT,4006381333931,Ceramic mug 350 ml",  # a volume, no dose
        "Shipped: Mon 10 June 2024\nEstimated delivery: Thu 13 June 2024",  # dates, no street
        "Stripe's docs list 4242 4242 4242 4242 and 4000 0025 0000 3155 for 3D Secure tests.",  # test cards
        "Example from the docs: X-Forwarded-For: 203.0.113.195, 198.51.100.17 and 2001:db8::1",  # RFC 5737/3849
        "Avogadro: N_A = 6.022 140 76 \u00d7 10\u00b2\u00b3 per mole.",  # the digits after a decimal point
        "De gewichten zijn 4-3-2-7-6-5-4-3-2-1, modulus 11.",  # a sequence of digits, no phone
        "environment:\n  PGADMIN_DEFAULT_EMAIL: admin@example.com",  # a documentation domain's role account
        "database:\n  utente: mio_utente\n  password: changeme",  # "your_user" in Italian
        "environment:\n  ADMIN_PASSWORD: mot-de-passe-a-changer",  # "change me" in French
        "W .env wpisz DB_PASS=zmien-mnie i uruchom ponownie.",  # and in Polish
        'def key() -> bytes:\n    passwort = getpass.getpass("Passwort: ")\n    salz = os.urandom(16)',  # a prompt
        # a test's data: documentation mailboxes, reserved numbers as literals, a placeholder name
        '@pytest.fixture\ndef buyer():\n    return {"name": "John Doe", "email": "j.doe@example.net", "tel": "+1 312-555-0147"}',
        "module.exports = { mail: { user: process.env.MAIL_USER, pass: process.env.MAIL_PASS } };",  # references
        # published sandbox cards, and nothing else read on their digits
        "For our Braintree sandbox checklist: 3782 822463 10005 and 4000 1111 1111 1115 decline?",
        "console.log(letraDNI(12345678)); // counted digits are a dummy, whatever checksum they pass",
        "SESSION_SECRET=generate-with-openssl-rand-hex-32\nSECRET_KEY=replace_with_your_own",  # instructions
        "From KIX I'm taking the Haruka to Kyoto Station.",  # an English article makes a name a thing
        "Unit tests for the SSN validator: 078-05-1120 and 987-65-4320 must both be rejected.",  # SSA's own
        # a Python slice reads as a reserved IPv6 address ("1::"), no device's
        "def luhn(digits):\n    return sum(digits[-1::-2]) + sum(d * 2 for d in digits[-2::-2])",
        # the addresses a DNS lookup answered are a domain's servers
        "$ dig +short example.com @1.1.1.1\n93.184.215.14\n$ dig +short AAAA example.com\n"
        "2600:1406:3a00:21::173e:2e65\n$ host shop.example.net\nshop.example.net has address 151.101.1.195",
    ],
)
def test_placeholders_loopback_and_remotes_are_not_values(guard: Guard, text: str) -> None:
    assert sent(guard, text) == ("allow", text), guard.inspect(text).findings


def test_what_only_resembles_a_placeholder_or_a_lookup_stays_a_finding(guard: Guard) -> None:
    # a passphrase that starts with a verb is a passphrase; a card beside no test word is a card
    assert sent(guard, "SESSION_SECRET=copy-ninja-banana-42")[0] == "block"
    assert sent(guard, "Charge my card 3782 822463 10005 for the renewal, please.")[0] != "allow"
    # an address in a log line, not printed by a lookup, is a device's
    assert_redacted(guard, "Failed login from 81.2.69.160 for jdoe at 03:12", ["81.2.69.160"])
    # a login in `last` output; the name before a date of birth in brackets
    assert_redacted(guard, "$ last -i\nmfernand pts/3        86.152.44.201   Fri Nov 28 22:14", ["mfernand"])
    assert_redacted(
        guard, "Sky and River Keller ride the bus. River (DOB 4/30/2013) takes the 3:40 one.", ["River"]
    )
    # a name after "the" is a thing before "to" ("the Haruka to Kyoto"), somebody's before a noun
    assert_redacted(guard, "Unlike the Sigurmundsson novel, it is short. Ask Anna Berg.", ["Sigurmundsson"])
    # digits that do not count up or down by one stay an id
    assert sent(guard, "PESEL 44051401359, prosze o kontakt")[0] == "local"


@pytest.mark.parametrize(
    "text",
    [
        "Fill in the template: Dear [CUSTOMER NAME], your contract with <COMPANY> starts on {{START_DATE}}.",
        # somebody born long ago is history, with the date
        "Jozef Murgaš sa narodil 17. februára 1864 v Tajove a vynašiel bezdrôtový telegraf. Napíš o ňom báseň.",
        # a museum's address beside its compound name; a rank in a league table is no street number
        "Hinner vi Nobelmuseet (Stortorget 2) och Skansen på en eftermiddag?",
        "Wie viele Punkte fehlen Bremen noch auf Platz 4?",
    ],
)
def test_template_slots_history_venues_and_ranks_are_not_personal(guard: Guard, text: str) -> None:
    assert sent(guard, text) == ("allow", text), guard.inspect(text).findings


def test_a_forebear_the_writer_names_as_their_own_is_still_somebody(guard: Guard) -> None:
    text = "Moja prababička Mária Kováčová sa narodila 3. mája 1901 v Trnave, hľadám jej rodný list."
    assert_redacted(guard, text, ["Kováčová"])
    assert (
        "PERSON"
        in guard.inspect("Customer [ANNA KOWALSKA] called from +48 601 234 567").decision.entity_types
    )


def test_a_real_address_in_a_test_file_is_still_one(guard: Guard) -> None:
    text = '@pytest.fixture\ndef buyer():\n    return {"name": "Marta Kowal", "email": "marta.kowal84@gmail.com"}'
    inspection = guard.inspect(text)
    assert {"PERSON", "EMAIL_ADDRESS"} <= set(inspection.decision.entity_types)


def test_the_real_ones_next_to_them_still_are(guard: Guard) -> None:
    inspection = guard.inspect(
        "Customer at 81.2.69.160 wrote from alice.moreau@example.org: key sk_live_51HxQ2LJd8cWbq0pRt3uVz9Yk"
    )
    assert {"IP_ADDRESS", "EMAIL_ADDRESS", "API_KEY"} <= set(inspection.decision.entity_types)
    card = guard.inspect("Charge my card 4539 1488 0343 6467 again, and reply to ma_chen.")
    assert {"CREDIT_CARD"} <= set(card.decision.entity_types)
    # a documented test number or address is one only in a text about tests, docs or examples
    refund = guard.inspect("Dear Mr. Huang, your refund to card 4111 1111 1111 1111 was declined.")
    assert "CREDIT_CARD" in refund.decision.entity_types
    log = guard.inspect("Why? login failed for user=k.novak@globex.com from 203.0.113.42")
    assert "IP_ADDRESS" in log.decision.entity_types
    # a private network's address beside a person is that person's device
    granted = guard.inspect("Server access granted to 10.20.30.40 for Leo Fischer.")
    assert "IP_ADDRESS" in granted.decision.entity_types
    # a carrier-grade NAT address is one subscriber's, in the ISP's logs
    cgnat = guard.inspect("The customer's router shows WAN address 100.72.3.4 since the outage.")
    assert "IP_ADDRESS" in cgnat.decision.entity_types


def test_code_the_ner_reads_as_a_person_makes_no_private_address_somebodys(guard: Guard) -> None:
    # spaCy reads "proxy_set_header X-Real-IP" as a person; a name never holds "_", so the LAN address of
    # a backend server stays nobody's, while one beside a real name is still that person's device
    config = (
        "upstream app {\n    server 127.0.0.1:8080;\n    server 10.1.2.3:8080 backup;\n}\n"
        "server {\n  location /api/ {\n    proxy_set_header X-Real-IP $remote_addr;\n  }\n}"
    )
    assert "IP_ADDRESS" not in guard.inspect(config).decision.entity_types
    granted = guard.inspect("Server access granted to 10.20.30.40 for Leo Fischer.")
    assert "IP_ADDRESS" in granted.decision.entity_types
    # and a column default of one repeated digit is a mask, whatever detector read it
    table = "CREATE TABLE t (\n  pesel CHAR(11) DEFAULT '00000000000',\n  konto CHAR(11) DEFAULT '00000000000'\n);"
    assert "00000000000" not in found_values(guard, table)


def test_a_verb_opening_a_request_is_no_name(guard: Guard) -> None:
    # the NER reads a British imperative as a person; before its object it is the request's verb
    values = found_values(guard, "Summarise this memo for the board. The author is Orla Pemberton.")
    assert "Summarise" not in values and "Orla Pemberton" in values
    assert "Marek" in found_values(guard, "Marek this is urgent, call the Leeds office before noon")


def test_a_key_in_inline_code_ends_at_its_backtick(guard: Guard) -> None:
    # the closing backtick is no part of the value: a placeholder stays a placeholder, a live key is a key
    docs = "Set `STRIPE_SECRET_KEY=sk_test_xxx` and `STRIPE_PUBLISHABLE_KEY=pk_test_xxx` in `.env.example`."
    assert guard.inspect(docs).action == "allow"
    live = "Why does `STRIPE_SECRET_KEY=sk_live_4fT9qPzL2mXw8RkV3nB7yC1d` fail in CI?"
    assert guard.inspect(live).action == "block"
    # a payment platform's customer id is somebody's record
    assert "cus_Qm82kLx0TzA91b" in found_values(guard, "Stripe shows cus_Qm82kLx0TzA91b failed twice")


def test_an_ipv6_link_local_address_keeps_its_device_id(guard: Guard) -> None:
    inspection = guard.inspect("The printer answers on fe80::1ff:fe23:4567:890a from the office LAN.")
    assert "IP_ADDRESS" in inspection.decision.entity_types


def test_a_key_id_in_capitals_is_not_a_variable_name(guard: Guard) -> None:
    inspection = guard.inspect("AWS_ACCESS_KEY_ID=AKIAZ7AW3IURKSJ2OOTS and the app logs in as USER:PASSWORD")
    assert inspection.action == "block" and "API_KEY" in inspection.decision.entity_types


# Precision: names that identify nobody (privproxy.detect.public, privproxy.detect.code).


@pytest.mark.parametrize(
    "text",
    [
        "Why did Napoleon Bonaparte's invasion of Russia in 1812 fail?",
        "Compare Mr. Darcy and Elizabeth Bennet as romantic leads.",
        "Which records did Roger Federer hold, and how did Federer lose the 2008 final?",
        "Give me a three-day itinerary for Lisbon, Porto and Kyoto.",
        "Is the time zone Europe/Berlin right for partitioning, or should we use UTC?",
        "Plan an early April trip; the conference runs from 22 June to 3 July.",
        "Our ServiceNow incidents look like INC0012345 and CrashLoopBackOff shows in Node 14 logs.",
        "```go\nfunc StartWorkers(ctx context.Context) error {\n    return r.Err\n}\n```",
        # unfenced Python: a block header is code ("class Meta:")
        "Turn this into a fixture:\n\nclass CustomerFactory(factory.Factory):\n    class Meta:\n        model = Customer",
        "Why does the CI job fail on the 3 GB dimension table?",
        "Should Jinja render the template, or should Terraform do it before Nginx starts?",
        "Should I prioritise Pena Palace or Quinta da Regaleira, and is Sagrada Família better than Park Güell?",
        "Which countries does the Danube flow through, and how far is Fort William from Glencoe?",
        "Who won the first Wimbledon Championships in 1877, and did Arthur Ashe ever play John Isner?",
        # one-word figures whose name is a given name of one or two locales only; an office title
        "Was Cleopatra Greek by descent, and why did Napoleon's invasion of Russia in 1812 fail?",
        "Was President Lincoln's Emancipation Proclamation legally binding in Kentucky?",
        # a listed figure the NER calls a place, runs into the next word, or writes in the genitive
        "Explain how Pythagoras proved his theorem.",
        "J'ai lu chez Julia Child qu'elle conseillait de sécher la viande.",
        "Perché Giuseppe Garibaldi consegnò il Regno a Vittorio Emanuele II a Teano?",
        "Ich schreibe einen Einführungstext zu Johann Sebastian Bachs Matthäus-Passion.",
        # a regnal numeral inside the span; a station's abbreviation after its city
        "Kdy zemřel Karel IV. a kdo po něm vládl v Čechách?",
        "Der ICE von Köln Hbf nach Hamburg Hbf fällt heute aus; welche Rechte habe ich?",
        # a listed name with the family name of the birth register after a particle, and its birth
        "Escreva um resumo: Chico Buarque de Hollanda nasceu em 19 de junho de 1944 no Rio de Janeiro.",
        # a month or feast with a word of time next to it
        "When is the August bank holiday in England?",
        "Ich möchte eine Vorlage für den Monat August erstellen.",
        "We're planning the offsite for early April: which week avoids Easter this year?",
        # a place that is also a rare first name, among other places
        "Sort by population: Berlin 3,878,100; Madrid 3,332,035; Warsaw 1,861,975; Vienna 2,005,760.",
    ],
)
def test_public_names_places_code_and_calendar_words_leave_unchanged(guard: Guard, text: str) -> None:
    assert sent(guard, text) == ("allow", text)


def test_a_private_person_with_a_famous_name_is_still_a_person(guard: Guard) -> None:
    # "my neighbour", and contact data next to the name: a private person, whatever the name.
    assert_redacted(guard, "Remind my neighbour Michael Jordan about the fence.", ["Michael Jordan"])
    assert_redacted(guard, "Napoleon Bonaparte, +44 20 7946 0958, wants a call back.", ["Napoleon Bonaparte"])
    assert_redacted(
        guard, "Chico Buarque de Hollanda, +44 20 7946 0958, wants a call back.", ["Buarque de Hollanda"]
    )
    # A titled surname alone is somebody the writer knows, even where a famous person has it.
    assert_redacted(guard, "Mrs. Loewe flew to Oslo on Sunday morning; draft her a welcome note.", ["Loewe"])


def test_a_public_figure_the_ner_cut_short_is_still_public(guard: Guard) -> None:
    # The NER found "Jesse" alone; with the capitalized word after it, it is a listed character.
    text = "In Breaking Bad, why does Jesse Pinkman stay loyal for so long?"
    assert sent(guard, text) == ("allow", text)
    assert_redacted(guard, "My colleague Jesse Pinkman sent the report.", ["Jesse"])


def test_a_given_name_with_a_case_ending_is_still_a_name(guard: Guard) -> None:
    # Finnish and Hungarian glue the case to the name: "soita Hannalle", "Bencének adjanak".
    assert_redacted(
        guard,
        "Hätätilanteessa soita Hannalle tai Villelle, he tietävät missä avaimet ovat.",
        ["Hannalle", "Villelle"],
    )
    assert_redacted(
        guard, "Kérem, hogy Bencének adjanak haladékot a dolgozat megírására, köszönöm.", ["Bencének"]
    )


def test_a_found_name_is_found_again_with_a_case_ending(guard: Guard) -> None:
    # The nominative is found beside its label; the accusative further down is the same person.
    out = assert_redacted(
        guard,
        "Splnomocnenec: Marek Baláž, nar. 19. 12. 1992, trvalý pobyt Dlhá 88, 949 01 Nitra\n"
        "Týmto splnomocňujem Mareka Baláža, aby v mojom mene vykonal prepis vozidla.",
        ["Mareka", "Baláža"],
    )
    assert "splnomocňujem <PERSON" in out
    # a place or a frequent word that starts like a found name is no case of it
    _, out = sent(guard, "Customer: Frank Evans, Frankfurt branch. Evansville and Marketing are next.")
    assert "Frankfurt" in out and "Evansville" in out and "Marketing" in out


def test_a_given_name_in_another_case_of_a_language_that_changes_its_ending(guard: Guard) -> None:
    # Czech vocative, Lithuanian dative: the nominative ("Markéta", "Darius") is the listed name.
    assert_redacted(guard, "Ahoj Markéto, trezor v kanceláři má kód, který znáš. Díky!", ["Markéto"])
    assert_redacted(guard, "Jei kas nutiktų, skambink Dariui, jis turi raktus nuo buto.", ["Dariui"])


def test_a_public_figure_with_a_case_ending_is_still_public(guard: Guard) -> None:
    text = "Írj rövid ismertetőt Puskás Ferencről egy iskolai faliújságra."
    assert sent(guard, text) == ("allow", text)
    # a private name order stays as written: "Zhang Li" is not read as a famous "Li Zhang"
    assert_redacted(guard, "Prepare name badges for Zhang Li, Siobhan Kelly and Mateo Rossi.", ["Zhang Li"])


def test_a_transcripts_answer_takes_the_type_the_question_asks_for(guard: Guard) -> None:
    text = "Bot: What's your account number?\nUser: 8201 4477 3190\nBot: Thanks, one moment."
    assert_redacted(guard, text, ["8201 4477 3190"])


def test_an_identifier_given_as_an_example_is_no_ones(guard: Guard) -> None:
    for text in [
        "Wir testen mit der bekannten Testnummer 123456782 als BSN. Erkläre die Elfproef.",
        "Explica el IBAN del ejemplo de la documentación, ES91 2100 0418 4502 0005 1332: ¿qué es el control?",
    ]:
        assert sent(guard, text) == ("allow", text)
    # somebody's own, or a phone after "for example", stays protected; so do values at an .example domain
    assert sent(guard, "My example: IBAN DE89 3704 0044 0532 0130 00 is my salary account.")[0] != "allow"
    assert_redacted(guard, "For example, call Anna on 0612 345 678 tomorrow.", ["345 678"])
    assert_redacted(guard, "INSERT INTO t VALUES ('ava@owlpost.example', '+44 7852 390 114');", ["7852"])


def test_a_match_reports_teams_and_scorers_are_public(guard: Guard) -> None:
    report = (
        "Write a match report: Liverpool 2-1 Everton, goals from Salah and Núñez, Calvert-Lewin for Everton."
    )
    assert sent(guard, report) == ("allow", report)
    # the writer's own child stays private; a time and a ratio are no match result
    assert_redacted(
        guard, "Our son Tom scored twice when Riverside beat Hillcrest 3-1, write him a card.", ["Tom"]
    )
    assert_redacted(guard, "Meeting at 10:30 with Anna Kowalski about the 2-1 vote.", ["Kowalski"])
    # a range of days is no score ("Feb 3-7 I'm out" is not the match "Feb 3-7 I'm")
    assert_redacted(guard, "Lena Forsberg said thanks. Also Feb 3\u20137 I'm out.", ["Lena Forsberg"])


def test_a_name_in_a_string_literal_or_comment_inside_code_is_still_found(guard: Guard) -> None:
    code = '```python\nsend(to="Thembile Mokoena")  # then call Đurđa Jovanović\nx = compute(ctx)\n```'
    assert_redacted(guard, code, ["Mokoena", "Jovanović"])


def test_a_place_that_is_also_a_first_name_needs_a_place_word(guard: Guard) -> None:
    out = assert_redacted(guard, "Florence Nightingale-Okafor asked about the rota.", ["Okafor"])
    assert "Florence" not in out
    assert sent(guard, "We spent a week in Florence and two days in Siena.")[0] == "allow"


def test_hipaa_redacts_public_figures_and_places(tmp_path: Path) -> None:
    hipaa = Guard(
        policy=REPO / "policies" / "hipaa.yaml",
        audit_log=tmp_path / "a.jsonl",
        hmac_key=b"q" * 32,
        reload_interval=None,
    )
    inspection = hipaa.inspect("Napoleon Bonaparte was treated in Lisbon.")
    assert inspection.action != "allow"
    assert {f["entity_type"] for f in inspection.findings} >= {"PERSON"}


def test_types_the_policy_never_acts_on_are_not_looked_for(guard: Guard) -> None:
    # The default policy allows URL and DATE_TIME everywhere and skips them: their own detectors do
    # not run, so the e-mail's domain is not also reported as a URL; `explain` still runs them.
    text = "Email jane.doe@example.org by 3 May, the form is at https://example.org/form"
    inspection = guard.inspect(text)
    assert {f["entity_type"] for f in inspection.findings} & {"URL"} == set()
    assert "EMAIL_ADDRESS" in inspection.decision.entity_types
    assert {"URL", "DATE_TIME", "UUID"} <= guard.detector.not_looked_for
    assert "URL" in {f["entity_type"] for f in guard.detector.explain(text)}


def test_a_skipped_type_the_policy_acts_on_is_still_looked_for(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: s\ndetection: {skip: [URL, CREDIT_CARD]}\nactions: {default: redact, URL: allow}\n"
    )
    guard = Guard(policy=policy, audit_log=tmp_path / "a.jsonl", hmac_key=b"q" * 32, reload_interval=None)
    assert guard.detector.not_looked_for == {"URL"}
    assert guard.inspect("Card 4539 1488 0343 6467 please").action == "redact"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Why is Mai so impulsive?", ["Mai"]),  # a month name that is somebody's name, with no date near
        ("They had 6: Tara, Paul, Austin, Jean, Ashley and James.", ["Paul", "Austin"]),  # not "Les Paul"
        ("Aija shouted at Lauren: what are you doing here?", ["Lauren"]),  # not Ralph Lauren
        ("My name is Calan Stevenson but everyone calls me Calan", ["Calan"]),  # a name, though also a town
        ("Pavia had given Pavia his address: 07139 29 Wattle St", ["Pavia"]),  # a town, but a personal text
        (
            "Mrs. Lincoln called about the invoice.",
            ["Lincoln"],
        ),  # a courtesy title: somebody's, not the president
        ("August said he would call back tomorrow.", ["August"]),  # no word of time next to it
        ("Paris called; she flew from London to Madrid.", ["Paris"]),  # one other place is not a list of them
    ],
)
def test_names_that_are_also_months_famous_surnames_or_towns_stay_names(
    guard: Guard, text: str, values: list[str]
) -> None:
    assert_redacted(guard, text, values)


def test_a_name_listed_with_names_is_a_name(guard: Guard) -> None:
    # The NER finds two of the three; the third is an item of the same list of people.
    text = "They had three children: Sulimat, Brian and Susan."
    assert_redacted(guard, text, ["Sulimat", "Brian", "Susan"])
    # a company listed with a person, and departments listed with one, stay as they are
    out = assert_redacted(
        guard, "Finance, Legal and HR will review it with Anna Kowalski and Contoso Ltd.", ["Kowalski"]
    )
    assert "Finance" in out and "Contoso Ltd" in out


def test_naming_phrases_say_what_is_a_name(guard: Guard) -> None:
    assert_redacted(guard, "She was born on 12/29/1997. Her maiden name is Umeta", ["Umeta"])
    assert_redacted(guard, "Hallo, ich heiße Rive und habe eine Frage zu meiner Rechnung.", ["Rive"])


def test_the_authors_of_a_cited_book_or_paper_are_public(guard: Guard) -> None:
    # A line with an ISBN of valid check digit (or a DOI) and a year cites a published work.
    table = (
        "Format these as an APA bibliography:\n\nauthor,title,publisher,year,isbn\n"
        '"Hunt, A. & Thomas, D.",The Pragmatic Programmer,Addison-Wesley,2019,978-0-201-61622-4\n'
        '"Evans, E.",Domain-Driven Design,Addison-Wesley,2003,9780321125217'
    )
    assert sent(guard, table) == ("allow", table)
    prose = "Cite it: Kleppmann, M. (2017). Designing Data-Intensive Applications. doi:10.5555/3175428"
    assert sent(guard, prose) == ("allow", prose)
    # A wrong check digit cites nothing, and an e-mail makes the row somebody's record.
    assert_redacted(guard, "Evans, Eric, Domain-Driven Design, 2003, 978-0-321-12521-8", ["Evans"])
    assert_redacted(
        guard, "Eric Evans <eric.evans@mailbox.org> ordered 978-0-321-12521-7 (2003 edition)", ["Evans"]
    )


def test_a_drug_is_a_medication_in_any_language_and_a_field_name_is_not(guard: Guard) -> None:
    for text, drugs in [
        ("Résume la note : Mme Perrin prend de la sertraline et du donépézil.", ["sertraline", "donépézil"]),
        ("Pacjent przyjmuje lamotrygina 50 mg od 2021 roku, pan Nowak.", ["lamotrygina"]),
        ("Frau Weber nimmt seit März Budesonid.", ["Budesonid"]),
        (
            "Očkování mi kvůli léčbě Enbrelem podávali na imunologii, paní Dvořáková.",
            ["Enbrelem"],
        ),  # a case ending
    ]:
        inspection = guard.inspect(text)
        found = {text[f["start"] : f["end"]] for f in inspection.findings if f["entity_type"] == "MEDICATION"}
        assert set(drugs) <= found, (text, found)
        assert inspection.action != "allow"  # kept local or redacted by the default policy, never sent as is
    # "metadata" is no "Metadate", even in a manifest under an instruction in another language.
    manifest = "Revisa este manifiesto:\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api"
    assert sent(guard, manifest) == ("allow", manifest)


def test_a_condition_after_a_clinical_cue_stays_in_house_in_any_language(guard: Guard) -> None:
    for text, condition in [
        ("Étienne m'a confié être suivi(e) pour hypothyroïdie et prendre un traitement.", "hypothyroïdie"),
        (
            "Pani Fiedorczuk. W wywiadzie: choroba afektywna dwubiegunowa. Przy przyjęciu stabilna.",
            "dwubiegunowa",
        ),
        ("Kelly-Ann was diagnosed with recurrent bronchitis in January.", "recurrent bronchitis"),
    ]:
        inspection = guard.inspect(text)
        found = [
            text[f["start"] : f["end"]]
            for f in inspection.findings
            if f["entity_type"] == "MEDICAL_CONDITION"
        ]
        assert any(condition in span for span in found), (text, found)
        assert inspection.action == "local"  # the default policy keeps health data on the local model
    assert guard.inspect("Summarise the history of the project, treated as a whole.").action == "allow"


def test_an_unlisted_brand_in_a_list_with_a_drug_and_a_drug_in_another_script_is_a_drug(guard: Guard) -> None:
    # Brands are many and local: the list a name stands in says what it is.
    for text, brand in [
        ("Paziente: Marco Bellini. Farmaci in corso: Arcoxia 90 mg, Muscoril", "Muscoril"),
        ("Ja pijem Eliquis i Lupocet pa nisam za laptop.", "Lupocet"),
        ("My mum takes Zoloft, Trivexa and Lipitor every morning.", "Trivexa"),
    ]:
        found = found_values(guard, text)
        assert any(brand in value for value in found), (text, found)  # alone, or in the value of its field
    # a drug written in Cyrillic or Greek letters is read against the (Latin) list
    for text, drug in [
        ("Ліки: Метформін, Лізиноприл, Кардіомагніл. Син: Олександр Коваль", "Лізиноприл"),
        ("Мама принимает Метформин и Эналаприл.", "Эналаприл"),
        ("Ο πατέρας μου παίρνει Λεβοθυροξίνη.", "Λεβοθυροξίνη"),  # noqa: RUF001
    ]:
        found = found_values(guard, text)
        assert drug in found, (text, found)
    assert guard.inspect("Что такое метформин и как он работает?").action == "allow"  # nobody's
    # a brand-shaped word after a word for taking or prescribing one; a listed drug first in a compound
    for text, drug in [
        ("Mi médico me ha recetado Enantyum y Nolotil, dice mi madre.", "Enantyum"),
        ("Mi médico me ha recetado Enantyum y Nolotil, dice mi madre.", "Nolotil"),
        ("Moja córka przyjmuje też Vigantoletten.", "Vigantoletten"),
        ("Min søn tager Medikinet om morgenen.", "Medikinet"),
        ("Äiti sanoi, että Pirkolla on Xarelto-lääkitys.", "Xarelto"),
    ]:
        found = found_values(guard, text)
        assert drug in found, (text, found)
    # not after an everyday verb in English, nor a word of any language we read, a name or a place
    for text in [
        "My sister takes Nordwind to Madrid every summer.",
        "Mein Bruder nimmt Anna mit nach Berlin.",
        "Ma mère prend Paris comme exemple.",
    ]:
        found = [f for f in guard.inspect(text).findings if f["entity_type"] == "MEDICATION"]
        assert not found, (text, found)
    # after a comma a German sentence goes on with a capitalized noun: no drug
    text = "Mein Sohn nimmt morgens Ritalin, Wirkung lässt am Nachmittag nach."
    assert "Wirkung" not in found_values(guard, text)


def test_a_condition_spelled_as_its_language_sounds_it_is_the_listed_condition(guard: Guard) -> None:
    # Hungarian, Czech, Polish and the Baltic languages write Greek and Latin medical words by sound:
    # "mononukleózis" is mononucleosis, "hypoglykémií" hypoglycaemia, "osteoporozės" osteoporosis.
    for text, condition in [
        ("A fiam, Kovács Bence két hétig hiányzott mononukleózis miatt.", "mononukleózis"),
        ("Moje maminka má časté stavy hypoglykémií, píše Jana.", "hypoglykémií"),
        ("Mano mama serga osteoporozės forma, rašo Jonas.", "osteoporozės"),
    ]:
        found = found_values(guard, text)
        assert any(condition in span for span in found), (text, found)
    # a word that only sounds like a short brand is no drug: the drug list needs ten letters or more
    assert not [
        f
        for f in guard.inspect("Mein Vater sagt: Aktivasse bitte prüfen.").findings
        if f["entity_type"] == "MEDICATION"
    ]


def test_a_health_word_that_concerns_nobody_passes_and_one_about_somebody_stays_in_house(
    guard: Guard,
) -> None:
    # Health data is about somebody: a pharmacology question names drugs and diseases of no one.
    for question in [
        "What's the mechanism of action of metformin? My pharmacology textbook is vague about it.",
        "Make a revision table: ACE inhibitors (ramipril), loop diuretics (furosemide), beta blockers (bisoprolol).",
        "Wie entsteht Bluthochdruck, und warum nennt man ihn den stillen Killer?",
        "¿Cuáles son los efectos secundarios más comunes de la metformina?",
        # a drug the NER calls a person, a condition it calls a place: neither is one
        "| Drug | Class | Used for |\n|---|---|---|\n| Sertraline | SSRI | depression |\n"
        "| Metoprolol | beta blocker | hypertension, angina |",
        # a condition's kind after a word finds "Netzwerkstörung" too: with nobody there, no finding
        "Die Netzwerkstörung ist behoben, der Systemausfall war kurz.",
        # a common condition named in its own language, in a question about it
        "Czym się różni cukrzyca typu 1 od cukrzycy typu 2?",
        "Vad är skillnaden mellan stroke och hjärtinfarkt?",
        # a person word negated, or as the first part of a compound, is nobody
        "For a patient-education leaflet (no specific patient): what do metformin and insulin glargine do?",
        "Erkläre für eine Broschüre (kein bestimmter Patient), wie Metformin bei Diabetes Typ 2 wirkt.",
    ]:
        assert sent(guard, question) == ("allow", question)
    # A person in the sentence or the one before it (a pronoun, a relation, an age), or anywhere in the
    # text (a name, contact data), makes it somebody's health.
    for personal in [
        "I take metformin 500 mg twice a day; is that why I feel sick?",
        "Ma mère a 78 ans. Elle prend du lévothyrox depuis 2019.",
        "Mein Vater hat Bluthochdruck.",
        "My patient, not a child any more, takes metformin for type 2 diabetes.",
        "54 y/o M, hx of T2DM, on metformin.",
        "Mi hija toma metformina desde 2020.",
        "Summary for ops: bisoprolol refill due. Contact: +44 20 7946 0018.",
        "You mentioned your father has coeliac disease, so I flagged a gluten-free menu.",
        "Leon hat seit Sommer eine Lese-Rechtschreib-Schwäche, sagt seine Mutter.",
        # the common conditions, named in their own language with no clinical cue
        "Mein Vater hatte letztes Jahr einen Schlaganfall.",
        "Moja córka ma cukrzycę i astmę.",
        "Onze dochter heeft autisme.",
        "Minulla on astma, voinko juosta maratonin?",
        "Min mormor har Alzheimer.",
    ]:
        assert guard.inspect(personal).action == "local", personal


def test_two_names_the_ner_ran_together_are_judged_one_by_one(guard: Guard) -> None:
    # "Holmes e Hercule Poirot" was one PERSON span: neither public name was recognised in it.
    scene = (
        "Scrivi una breve scena in cui Sherlock Holmes e Hercule Poirot litigano su chi ha risolto il caso."
    )
    assert sent(guard, scene) == ("allow", scene)
    assert_redacted(guard, "Please add Anna Kowalska and Piotr Nowak to the invoice.", ["Kowalska", "Nowak"])


def test_a_surname_that_names_a_disease_or_a_law_is_no_person(guard: Guard) -> None:
    for text in [
        "Quelle est la différence entre la maladie d'Alzheimer et la maladie de Parkinson ?",
        "What's the Krebs cycle for, in one paragraph?",
        "Explain Bayes' theorem with a worked example.",
        "Explain the Doppler effect to a ten-year-old.",
    ]:
        findings = guard.inspect(text).findings
        assert not [f for f in findings if f["entity_type"] == "PERSON"], (text, findings)
    # a given name is somebody's, whatever follows it; a titled surname is somebody
    text = "Anna's disease got worse, her doctor Mr Krebs says."
    people = {
        text[f["start"] : f["end"]] for f in guard.inspect(text).findings if f["entity_type"] == "PERSON"
    }
    assert any("Anna" in p for p in people) and any("Krebs" in p for p in people), people


def test_two_surnames_joined_by_an_ampersand_are_a_firm(guard: Guard) -> None:
    text = "Compare the business models of Johnson & Johnson, Procter & Gamble and Marks & Spencer."
    assert sent(guard, text) == ("allow", text)
    # two given names so joined are people
    assert_redacted(guard, "Invite Anna & Tom Kowalski to the wedding dinner.", ["Anna"])


@pytest.mark.parametrize(
    "text",
    [
        "Is het Van Gogh Museum (Museumplein 6) of het Rijksmuseum leuker voor kinderen van tien?",
        "Lohnt sich das Schillerhaus in der Schillerstraße 12, oder reicht das Goethehaus?",
        "Three days in Lisbon: is the bakery at Rua de Belém 84-92 worth the queue?",
    ],
)
def test_the_address_of_a_museum_or_shop_in_a_travel_question_is_nobodys(guard: Guard, text: str) -> None:
    action, out = sent(guard, text)
    assert (action, out) == ("allow", text)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Mein Onkel wohnt in der Schillerstraße 12 neben dem Museum.", "Schillerstraße 12"),
        ("Ship the museum catalogue to Museumplein 6, Amsterdam.", "Museumplein 6"),
        ("The café at Rua de Belém 84 rang me on +351 912 345 678 about my order.", "Rua de Belém 84"),
    ],
)
def test_an_address_that_is_somebodys_still_leaves_redacted(guard: Guard, text: str, address: str) -> None:
    assert_redacted(guard, text, [address])


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("My wife Corinne has early-onset Alzheimer's and can't be left alone.", "early-onset Alzheimer's"),
        ("Since the crash my brother needs T10 paraplegia rehab.", "T10 paraplegia"),
        ("Min dotter fick diagnosen bipolär sjukdom typ II 2016.", "bipolär sjukdom typ II"),
        ("Conclusions pour mon fils : dyslexie-dysorthographie sévère.", "dyslexie-dysorthographie sévère"),
        ("I inject methotrexate myself for psoriatic arthritis.", "psoriatic arthritis"),
    ],
)
def test_a_condition_leaves_with_its_grade_type_and_severity(guard: Guard, text: str, condition: str) -> None:
    inspection = guard.inspect(text)
    found = {
        text[f["start"] : f["end"]] for f in inspection.findings if f["entity_type"] == "MEDICAL_CONDITION"
    }
    assert condition in found, found


def test_a_public_figures_birth_is_history_and_a_private_persons_is_not(guard: Guard) -> None:
    for text in (
        "My daughter has a history project on Abraham Lincoln. He was born on February 12, 1809.",
        "Anne Frank werd geboren op 12 juni 1929 in Frankfurt. Wat schreef zij in het Achterhuis?",
        # the figure named a sentence before the birth, and the small town of it after "in"
        "A talk on Katherine Johnson for 5th grade. Facts: born August 26, 1918 in White Sulphur Springs.",
        # the figure whose historic birth is told, and the people named beside them, are history
        "Explica os heterónimos de Fernando Pessoa (nascido a 13 de junho de 1888 em Lisboa): "
        "Alberto Caeiro, Ricardo Reis e Álvaro de Campos.",
    ):
        assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    private = guard.inspect("Anna Kowalski werd geboren op 12 juni 1989 in Frankfurt.")
    assert "DATE_OF_BIRTH" in private.decision.entity_types
    # a row of an export is somebody's record, whatever the name in it
    row = guard.inspect("name,email,dob\nJohn Glenn,jglenn@outlook.example,1987-01-30")
    assert "DATE_OF_BIRTH" in row.decision.entity_types


def test_a_place_after_in_is_nobody_s_until_somebody_is_named(guard: Guard) -> None:
    text = "Is the old spa hotel in White Sulphur Springs still open in winter?"
    assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    assert_redacted(guard, "My aunt Greta Holmberg lives in White Sulphur Springs now.", ["Holmberg"])
    kept = guard.inspect("My aunt Greta Holmberg lives in White Sulphur Springs now.")
    assert "LOCATION" in kept.decision.entity_types


def test_a_name_a_street_is_named_after_is_no_person_and_a_person_sent_via_is(guard: Guard) -> None:
    for text in (
        "¿El convento está en la calle Lope de Vega, cerca del Prado?",
        "Apre alle 9 la Galleria Borghese in Piazzale Scipione Borghese?",
        "Je fais visiter Paris à des lycéens la semaine prochaine.",
    ):
        assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    assert_redacted(guard, "I sent the contract via John Whitfield yesterday.", ["Whitfield"])


def test_an_article_number_and_the_head_of_an_isbn_are_no_phone_or_ssn(guard: Guard) -> None:
    for text in (
        "Hyllan (artikelnummer 002.638.50) i vitt?",
        "| Balladyna | 1839 | 978-83-7327-093-0 |",
        "Compute the ISBN-10 check digit of 0-306-40615-2 step by step.",  # a valid ISBN, named
    ):
        types = {f["entity_type"] for f in guard.inspect(text).findings}
        assert not types & {"PHONE_NUMBER", "US_SSN", "US_ITIN"}, (text, types)


def test_a_given_name_the_lists_keep_without_its_accent_is_found_with_it() -> None:
    # the name lists write "Roisin": the accented spelling is the same name (the name detector on its
    # own: the NER catches such a name in some sentences and not in others)
    from privproxy.detect.names import GivenNameRecognizer

    recognizer = GivenNameRecognizer()
    recognizer.load()

    def names(text: str) -> list[str]:
        return [text[r.start : r.end] for r in recognizer.analyze(text, ["PERSON"])]

    assert names("Book a table for six. Róisín is driving.") == ["Róisín"]
    # a consonant with a mark is another letter ("Ça" is no "Ca"); a frequent word keeps its accent
    assert names("Ça marche ? Más tarde, por favor. Está bien así.") == []


def test_a_lao_forms_labels_are_read_and_a_phones_dialling_code_starts_no_social_security_number(
    guard: Guard,
) -> None:
    # Lao labels are letters and vowel signs, which `\w` does not take; "856 20 7731" of a +856 number
    # is a phone's head, not a US SSN
    form = "ເບີໂທ: +856 20 7731 4208\nວັນເດືອນປີເກີດ: 05/09/1990\nທີ່ຢູ່: ບ້ານ ດົງໂດກ, ເມືອງ ໄຊທານີ"
    found = {form[f["start"] : f["end"]]: f["entity_type"] for f in guard.inspect(form).findings}
    assert found.get("+856 20 7731 4208") == "PHONE_NUMBER", found
    assert found.get("05/09/1990") == "DATE_OF_BIRTH", found
    assert found.get("ບ້ານ ດົງໂດກ, ເມືອງ ໄຊທານີ") == "STREET_ADDRESS", found
    assert "US_SSN" not in found.values(), found


def test_the_one_old_date_of_a_persons_form_under_a_label_of_any_language_is_the_birth_date(
    guard: Guard,
) -> None:
    # Esperanto: a language whose birth label the vocabulary need not know
    form = "Nomo: Teodoro Vinkelmano\nNaskiĝdato: 03/11/1979\nTelefono: +33 6 12 48 90 17\nRetpoŝto: teo.v@posteo.net"
    birth = [f for f in guard.inspect(form).findings if f["entity_type"] == "DATE_OF_BIRTH"]
    assert [form[f["start"] : f["end"]] for f in birth] == ["03/11/1979"]
    # two old dates (born, issued): which one is the birth is not known, so neither is taken as it
    two = form + "\nEldonita: 14/06/2001"
    assert not any(f["detector"] == "FormBirthDate" for f in guard.inspect(two).findings)
    # a date in a form with nobody's details in it
    plain = "Versio: 2.4\nEldonita: 14/06/2001\nLicenco: MIT"
    assert not any(f["entity_type"] == "DATE_OF_BIRTH" for f in guard.inspect(plain).findings)


def test_a_birth_date_in_a_record_and_a_street_with_a_house_number_stay_somebodys(guard: Guard) -> None:
    hl7 = "PID|1||00582214^^^STMARYS^MR||HUANG^MEI-LING||19670415|F|||4410 Cedar Ridge Dr^^Austin^TX^78731"
    found = {hl7[f["start"] : f["end"]]: f["entity_type"] for f in guard.inspect(hl7).findings}
    assert found.get("19670415") == "DATE_OF_BIRTH", found  # no words between: no "was born", no subject
    address = "Születési dátum: 1999. november 2., lakcím: 1117 Budapest, Bartók Béla út 61. 3/12."
    assert_redacted(guard, address, ["Bartók Béla út 61"])


def test_a_column_of_places_is_places_unless_the_rows_are_somebody_s(guard: Guard) -> None:
    sales = (
        "Sum the units per month:\n\nfecha;sku;unidades;almacén\n01/03/2024;ES-4471;12;Zaragoza\n"
        "02/04/2024;ES-5120;30;Valencia\n28/04/2024;ES-4471;5;Sevilla\n03/05/2024;ES-9002;17;Granada\n"
    )
    assert sent(guard, sales) == ("allow", sales)
    results = "date,home,away\n2024-10-19,Arsenal,Bournemouth\n2024-10-20,Liverpool,Chelsea\n2024-10-26,Newcastle,Brighton\n"
    assert sent(guard, results) == ("allow", results)
    # the same column beside the customers' e-mail addresses: the town is part of somebody's record
    customers = "name;email;city\nAna Ruiz;ana.ruiz@correo.example;Valencia\nLuis Gil;luis.gil@correo.example;Sevilla\n"
    action, out = sent(guard, customers)
    assert action == "redact" and "Ana Ruiz" not in out and "ana.ruiz@correo.example" not in out


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Κινητό: 694 112 7730\nΗμερομηνία γέννησης: 21/04/1979", ["694 112 7730", "21/04/1979"]),  # noqa: RUF001
        ("Gimimo data: 1988-02-14\nTelefonas: +370 612 48301", ["1988-02-14", "612 48301"]),
        ("Szabó Réka, született 1990. május 12., lakcím: 1117 Budapest", ["1990. május 12."]),
    ],
)
def test_form_labels_in_greek_baltic_and_hungarian(guard: Guard, text: str, values: list[str]) -> None:
    assert_redacted(guard, text, values)


def test_a_reserved_fictional_number_is_somebody_s_outside_talk_of_fiction(guard: Guard) -> None:
    assert_redacted(guard, "After the DNA test results, call her son Kevin on (617) 555-0192.", ["555-0192"])


def test_drug_names_with_finnish_long_vowels_and_baltic_endings(guard: Guard) -> None:
    text = "Pekka Laine käyttää rivastigmiinia ja midodriinia, Jonas vartoja metforminą."
    inspection = guard.inspect(text)
    drugs = {text[f["start"] : f["end"]] for f in inspection.findings if f["entity_type"] == "MEDICATION"}
    assert drugs == {"rivastigmiinia", "midodriinia", "metforminą"}
    assert inspection.action == "local"  # a person's medication stays on the local model


def test_a_private_name_beside_a_public_figure_in_history_stays_private(guard: Guard) -> None:
    assert_redacted(
        guard, "My grandfather Tomasz Wielgosz met Józef Piłsudski in 1920, he always said.", ["Wielgosz"]
    )


def test_a_name_in_quotes_is_still_a_name(guard: Guard) -> None:
    assert_redacted(guard, 'Write to "Anna Maria Kowalska" today about the lease.', ["Kowalska"])


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("My husband Callum Dunn (03.11.1988) has well-controlled epilepsy.", "03.11.1988"),
        ("Hej Birgitte! Asta (f. 4/2-2023, CPR 040223-4718) har svær ægallergi.", "4/2-2023"),
    ],
)
def test_a_date_in_brackets_after_a_name_is_that_person_s_birth(guard: Guard, text: str, date: str) -> None:
    findings = guard.inspect(text).findings
    assert any(text[f["start"] : f["end"]] == date and f["entity_type"] == "DATE_OF_BIRTH" for f in findings)


def test_years_in_brackets_after_a_figure_and_a_landmark_s_address_in_brackets_pass(guard: Guard) -> None:
    for text in (
        "Napoleon Bonaparte (1769-1821) lost at Waterloo.",
        "Ha senso fare Colosseo (piazza del Colosseo, 1) e Foro Romano la mattina?",
        "Vull portar la classe a la Sagrada Família (carrer de Mallorca, 401, Barcelona).",
    ):
        assert sent(guard, text) == ("allow", text), guard.inspect(text).findings


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (
            "page_view,https://shop.example/welcome?first=Oluwaseun&last=Adeyemi&zip=60640",
            ["Oluwaseun", "Adeyemi"],
        ),
        (
            'ssh_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk3mW0q8Dz1cLx4fJ2uRb7 akhanna@laptop"]',
            ["akhanna"],
        ),
        ("She lives at 22 Jubilee Tce, Bardon QLD 4065.", ["Jubilee", "Bardon", "4065"]),
        (
            "Responsable : Sophie Lejeune, rue Saint-Nicolas 22, 5000 Namur",
            ["Saint-Nicolas 22", "5000 Namur"],
        ),
    ],
)
def test_query_names_key_comments_and_addresses_of_more_countries(
    guard: Guard, text: str, values: list[str]
) -> None:
    assert_redacted(guard, text, values)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (  # a psql result: no pipe at either end, a "---+---" rule under the header
            " patron_id | card_no        | full_name\n-----------+----------------+-----------\n"
            "     88120 | 21982004417336 | Bernadette Ruiz\n",
            ["21982004417336", "Bernadette Ruiz"],
        ),
        (
            '"Employee","Relationship"\n"Nguyen, Bao","spouse"\n"DE LA CRUZ, Ana Sofía","father"',
            ["Nguyen", "Bao"],
        ),
        (
            'b = pd.DataFrame({"patient": ["ATKINS, Bronwyn", "DEMIR, Yusuf"], "plan": ["A", "B"]})',
            ["ATKINS", "DEMIR", "Bronwyn", "Yusuf"],
        ),
        (
            "$ git shortlog -sne\n   412  Mireille Santos <ms@lumen.example>\n     2  sandwich-dev <sd@pm.example>",
            ["sandwich-dev"],
        ),
        (
            '81.2.77.203 - - [18/Nov/2025:08:14:02 +0000] "GET /u/wildflower_meg/settings HTTP/2" 200',
            ["wildflower_meg"],
        ),
        ('{"name": "Ana Ruiz", "phone": "+1 505 555 0147"}', ["+1 505 555 0147"]),
        ("Καλησπέρα κ. Παπαδάκη, σας ενημερώνω ότι λείπω.", ["Παπαδάκη"]),
        ("Уважаеми г-н Петров, моля за неплатен отпуск.", ["Петров"]),  # noqa: RUF001
    ],
)
def test_psql_tables_name_lists_and_handles_in_logs(guard: Guard, text: str, values: list[str]) -> None:
    assert_redacted(guard, text, values)


def test_the_rest_of_an_endpoint_path_is_no_handle(guard: Guard) -> None:
    text = "GET /api/v2/users/{user_id}/settings and /users/me return 404."
    assert not [f for f in guard.inspect(text).findings if f["entity_type"] == "USERNAME"]


def test_a_possessive_eponym_is_the_whole_condition(guard: Guard) -> None:
    text = "My mum Ann Doyle has Parkinson's, and her brother had Hodgkin's lymphoma."
    inspection = guard.inspect(text)
    found = {
        text[f["start"] : f["end"]] for f in inspection.findings if f["entity_type"] == "MEDICAL_CONDITION"
    }
    assert {"Parkinson's", "Hodgkin's lymphoma"} <= found


def test_public_resolvers_v6_and_a_swedish_question_about_a_famous_author_pass(guard: Guard) -> None:
    for text in (
        "Is 2606:4700:4700::1111 faster than 2001:4860:4860::8888 for DNS over HTTPS?",
        "Vilka av Astrid Lindgrens böcker passar för högläsning för en sexåring?",
    ):
        assert sent(guard, text) == ("allow", text), guard.inspect(text).findings


def test_a_login_and_password_written_as_a_pair_after_a_label(guard: Guard) -> None:
    inspection = guard.inspect("Admin e-shopu: brigada.obchod / Bryndza&Halusky9. Packeta je v poriadku.")
    assert inspection.action == "block"
    found = {(f["entity_type"], f["start"]) for f in inspection.findings}
    assert ("USERNAME", 15) in found and ("SECRET", 32) in found


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Account reference: 60041728\nProperty: 14 Fennel Close", ["60041728"]),
        (
            "She is currently at Ballycarney, Enniscorthy, Co. Wexford, Y21 K7F3.",
            ["Ballycarney", "Enniscorthy"],
        ),
        ('Her note: "Sap in de koelkast, tablet max een uur per dag. Groetjes, Marloes"', ["Marloes"]),
        # the numbered street line or unit before the places, even of common words
        (
            "Please post it to 9 Hazel Park, Killarney, Co. Kerry, V93 K2P4 before the weekend.",
            ["9 Hazel Park", "Killarney"],
        ),
        (
            "Send it to Flat 4, Mill Court, Church Street, Tralee, V92 T3X9 thanks",
            ["Flat 4", "Mill Court", "Church"],
        ),
        ("Bydlím na adrese Lidická 87, 602 00 Brno 2 a telefon mám stejný.", ["Lidická 87", "Brno 2"]),
        # a village and a house name before the town right before a UK postcode; an Icelandic postcode
        (
            "Pick-up: Rose Cottage, Mill Lane, Great Totham, Maldon CM9 8DE\nDrop-off: the depot",
            ["Rose Cottage", "Great Totham", "Maldon"],
        ),
        ("Íbúðin er Laugavegur 31, 101 Reykjavík. Ég er", ["Laugavegur 31", "101 Reykjavík"]),
        # a house number's own suffix belongs to it
        ("Het adres is Biltstraat 142-bis, 3572 BG Utrecht. Bel me", ["142-bis", "Biltstraat", "Utrecht"]),
    ],
)
def test_reference_labels_townland_addresses_and_a_sign_off_on_the_same_line(
    guard: Guard, text: str, values: list[str]
) -> None:
    assert_redacted(guard, text, values)


def test_a_disease_head_word_and_its_romance_adjective_in_another_language(guard: Guard) -> None:
    text = "A minha mãe tem retinopatia diabética e neuropatia periférica; a irmã teve eclampsia."
    inspection = guard.inspect(text)
    found = {
        text[f["start"] : f["end"]] for f in inspection.findings if f["entity_type"] == "MEDICAL_CONDITION"
    }
    assert {"retinopatia diabética", "neuropatia periférica", "eclampsia"} <= found


def test_a_pregnancy_with_its_term_and_a_clinical_adjective_in_ive(guard: Guard) -> None:
    text = "Lena is 11 weeks pregnant; her sister Ana has photosensitive epilepsy."
    inspection = guard.inspect(text)
    found = {
        text[f["start"] : f["end"]] for f in inspection.findings if f["entity_type"] == "MEDICAL_CONDITION"
    }
    assert {"11 weeks pregnant", "photosensitive epilepsy"} <= found


def test_a_german_genitive_of_a_given_name_is_that_name(guard: Guard) -> None:
    text = "Die Belege von Jörgs Fahrten schicke ich nach, sagte meine Mutter gestern."
    found = [
        text[f["start"] : f["end"]] for f in guard.inspect(text).findings if f["entity_type"] == "PERSON"
    ]
    assert found == ["Jörgs"]


def test_a_name_before_an_age_in_brackets_unless_a_public_figure(guard: Guard) -> None:
    assert_redacted(guard, "Order: Hope Delacroix (age 7) plays first, then the duet.", ["Hope Delacroix"])
    text = "Napoleon Bonaparte (age 51) died on Saint Helena."
    assert "PERSON" not in {f["entity_type"] for f in guard.inspect(text).findings}


def test_the_speakers_of_a_pasted_chat_are_people(guard: Guard) -> None:
    # The time before a name at the start of a line says it is a chat's speaker, whatever the NER reads.
    chat = (
        "Turn this thread into a table.\n\n[9:02] Oona Tervahartiala: hi both, my shift starts Jan 6.\n"
        "[9:05] Kwabena Osei-Tutu: of course. Oona, take Tuesday?\n"
        "12/03/2024, 21:15 - Bryn: fine by me\nAnna Berg  9:02 AM\nsee you"
    )
    assert_redacted(guard, chat, ["Oona Tervahartiala", "Kwabena Osei-Tutu", "Bryn", "Anna Berg"])
    # a label before a time is no speaker: "Meeting: 10:00" is a form line
    text = "Agenda\nMeeting  10:00\nStandup: 9:30 every day"
    assert "PERSON" not in {f["entity_type"] for f in guard.inspect(text).findings}


def test_a_name_after_somebody_else_s_kin_word_is_nobody_famous(guard: Guard) -> None:
    assert_redacted(
        guard, "Summer Okonjo and her brother Chase play a duet; Chase turns the pages.", ["Chase"]
    )


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Verzekerde: Hendrik (Henk) Mulder\nPolisnummer: 210448193", ["Mulder"]),
        ('| Nate "Moose" Oduya | 12/01/2009 | Gail Sorensen |', ["Oduya", "Moose"]),
        (
            "Split it: Venmo handles: @kit-alvarez-3, @jonah_b, @marguerite-o. Thanks!",
            ["jonah_b", "marguerite-o"],
        ),
        ('Can you make this DM less awkward? "hey Precious! we are sending Dan flowers"', ["Precious"]),
    ],
)
def test_nicknames_handle_lists_and_a_name_after_a_greeting(
    guard: Guard, text: str, values: list[str]
) -> None:
    assert_redacted(guard, text, values)


@pytest.mark.parametrize(
    "text",
    [
        "<?php\n$agentKey = 'fcb8oy6sapzx36vz7b011madgf4smvvro39lvi9xwd';",
        "Token KSeF wygenerowałam wczoraj: 28D3E14BE535893B80598E7D8A50F510DC6C4393A96E78C3403049D3E8474F2A.",
        "Die TAN-App ist auf dem Vereinshandy, Entsperrcode 2 5 8 0 1 4.",
    ],
)
def test_keys_in_code_tokens_in_prose_and_spaced_unlock_codes_are_blocked(guard: Guard, text: str) -> None:
    assert guard.inspect(text).action == "block"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # a column of surname-first cells: one known given name types the column
        (
            'umpire,cell,court\n"Du Plessis, Johan",082 555 0199,1\n"Dlamini, Zanele",071 555 0123,2',
            ["Du Plessis, Johan", "Dlamini, Zanele"],
        ),
        ("| bed | patient |\n|---|---|\n| 2B | FAIRWEATHER, Maeve (79F) |", ["FAIRWEATHER, Maeve"]),
        ("surname,given,mobile\nPOTTS,Baz,0438 555 017", ["POTTS", "Baz"]),
        ("Beste dokter Verhoeven, ik heb sinds maandag koorts.", ["Verhoeven"]),
    ],
)
def test_surname_first_table_cells_a_given_column_and_a_doctor_word(
    guard: Guard, text: str, values: list[str]
) -> None:
    assert_redacted(guard, text, values)


def test_a_place_and_its_country_in_a_table_cell_is_no_surname_first_name(guard: Guard) -> None:
    text = 'venue,capacity\n"Lyon, France",59000\n"Porto, Portugal",50000'
    found = [f for f in guard.inspect(text).findings if f["detector"] == "RecordNameCells"]
    assert found == []


def test_month_abbreviations_are_dates_and_a_name_span_stops_at_a_json_string_end(guard: Guard) -> None:
    text = "Rota (Sep\u2013Dec): Sept \u2013 the library, Oct \u2013 the hall. The office shuts on Jan 1."
    assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    record = 'Fix this: {"patient": {"name":"Oonagh Brennan-Hale","dob":"1951-03-27","sex":"F"'
    names = [
        record[f["start"] : f["end"]] for f in guard.inspect(record).findings if f["entity_type"] == "PERSON"
    ]
    assert names and all('"' not in name for name in names)


def test_a_label_glued_to_its_id_by_json_punctuation_is_its_context(guard: Guard) -> None:
    # a CNIC passes its check too often to count alone: only its label makes it one
    inspection = guard.inspect('{"cnic":"43732-8483832-5","city":"Karachi"}')
    assert inspection.action == "local"
    assert guard.inspect('{"order":"43732-8483832-5"}').action != "local"


def test_more_taking_verbs_cyrillic_brands_and_qualifiers_of_strength_and_type(guard: Guard) -> None:
    text = (
        "Pacijentica Vesna Horvat (OIB 69435151530) uzimam Lopresor; "
        "Иван Петров пие Тромбекс. Ma sœur Inès a une forte myopie, mama ima dijabetes tipa 2."
    )
    found = {text[f["start"] : f["end"]] for f in guard.inspect(text).findings}
    assert {"Lopresor", "Тромбекс", "forte myopie", "dijabetes tipa 2"} <= found


def test_a_name_written_surname_first_with_a_known_given_name_after(guard: Guard) -> None:
    text = "A nagymamám lakását Tóth Erzsébet örökölte 2019-ben."
    assert_redacted(guard, text, ["Tóth", "Erzsébet"])


def test_a_name_under_a_name_key_is_no_landmark_but_a_famous_one_is_still_public(guard: Guard) -> None:
    rsvp = "| child | parent | phone |\n|---|---|---|\n| Bay Nguyen | Thu | (612) 555-0152 |"
    assert_redacted(guard, rsvp, ["Bay Nguyen", "Thu"])
    scorers = "| Player | Goals |\n|---|---|\n| Lionel Messi | 12 |\n| Erling Haaland | 27 |"
    assert sent(guard, scorers) == ("allow", scorers), guard.inspect(scorers).findings


def test_keys_and_headers_are_labels_not_data(guard: Guard) -> None:
    """A key or header the field vocabulary knows names a field: it is never redacted, in compact
    JSON, a YAML flow mapping, a CSV header or a markdown table; the values under it still are."""
    texts = {
        '{"_source":{"full_name":"Ana Lucía Rivera","email":"ana.rivera@postbox.example",\n'
        '  "phone":"+1 305 555 0148","dob":"1991-08-26",\n  "tags":["vip"]}}': [
            "Ana Lucía Rivera",
            "ana.rivera@postbox.example",
            "1991-08-26",
        ],
        'oncall:\n  primary: {name: "Oona Fitzgerald", slack: "@oona.fitz", phone: "+353 86 417 2290"}\n'
        '  backup:  {name: "Marek Nowicki", slack: "@mnowicki", phone: "+48 601 228 914"}': [
            "Oona Fitzgerald",
            "Marek Nowicki",
        ],
        "Date (UTC),User,Username,IP address,Status\n"
        "2026-12-01 08:41,Priya Raghunathan,priya.r@corvell.example,49.207.52.118,Failure\n"
        "2026-12-01 09:02,Stefan Wouters,stefan.w@corvell.example,81.82.200.4,Success": [
            "Priya Raghunathan",
            "Stefan Wouters",
        ],
        "| contractor | phone | paid 2025 | mailing address |\n|---|---|---|---|\n"
        "| Reyes, Tomás | (480) 555-0143 | $4,100 | 880 W Birch Ave, Apt 12, Mesa AZ 85201 |\n"
        "| Delaney Ruck | (602) 555-0187 | $7,250 | 3317 E Pinchot Ave, Phoenix AZ 85018 |": [
            "Reyes, Tomás",
            "(480) 555-0143",
        ],
    }
    for text, values in texts.items():
        action, out = sent(guard, text)
        assert action in ("redact", "local")
        labels = [
            '"full_name":"',
            '"email":"',
            '"dob":"',
            "name: ",
            "slack: ",
            "Username",
            "Status",
            "Failure",
        ]
        labels += ["| contractor | TIN | paid 2025 | mailing address |"]
        for label in labels:
            assert text.count(label) == out.count(label), (label, out)
        if action == "redact":
            assert not any(value in out for value in values), out


def test_a_month_the_ner_reads_as_a_date_is_one_unless_it_is_somebody_s(guard: Guard) -> None:
    for text in (
        "During the January assessment period I was ill.",
        "Timeline: June planning offsite, August freeze.",
    ):
        assert sent(guard, text) == ("allow", text)
    assert_redacted(guard, "August said he would call back tomorrow.", ["August"])
    assert_redacted(guard, "Ask April about the keys, her number is 07700 900123.", ["April"])


def test_a_date_built_by_a_call_in_a_repr_is_the_value_of_its_key(guard: Guard) -> None:
    text = "assert Customer(id=5521, name='Hannah Okonkwo', dob=datetime.date(1979, 4, 30)) == other"
    assert_redacted(guard, text, ["Hannah Okonkwo", "1979, 4, 30"])


def test_a_given_name_before_two_ordinary_words_names_a_thing(guard: Guard) -> None:
    catalogue = "Which of these sell best: Jordan Trail Shoe, Morgan Rain Jacket or the wool scarf?"
    assert sent(guard, catalogue) == ("allow", catalogue)
    assert_redacted(guard, "have you heard Nate Sage speak yet? Mail him at nate@sage.example", ["Nate Sage"])


def test_people_born_or_dead_long_ago_are_history_wherever_they_are_named(guard: Guard) -> None:
    for text in (
        "Organizza una gita a Vinci: Leonardo nacque il 15 aprile 1452 ad Anchiano.",
        "Faz um roteiro: Fernando Pessoa nasceu a 13 de junho de 1888; a Casa Fernando Pessoa fica no Campo de Ourique.",
    ):
        assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    assert_redacted(
        guard, "My great-grandmother Anna Kowalska, born 1901 in Kraków, kept a diary.", ["Kowalska"]
    )
    assert_redacted(guard, "Anna Kowalska, born 3 May 1985, asked for a refund.", ["Kowalska", "3 May 1985"])


def test_a_prescriber_s_verb_names_the_medicine_and_its_release_form_belongs_to_it(guard: Guard) -> None:
    text = (
        "La Núria Vidal diu que el metge li ha receptat Enantyum. Лікарка Олена Петренко призначила "
        "Ацикловір. Pan Jaroslav Kučera užívá Eliquis a Betaloc ZOK; his son Tom takes Concerta XL."
    )
    found = {
        text[f["start"] : f["end"]] for f in guard.inspect(text).findings if f["entity_type"] == "MEDICATION"
    }
    assert {"Enantyum", "Ацикловір", "Betaloc ZOK", "Concerta XL"} <= found, found


def test_the_name_before_a_personal_identifier_is_its_holder_s(guard: Guard) -> None:
    text = "I'm a single dad, Thabo Mokoena, ID 8807235082088. I earn R9,400 a month."
    inspection = guard.inspect(text)
    people = {text[f["start"] : f["end"]] for f in inspection.findings if f["entity_type"] == "PERSON"}
    assert "Thabo Mokoena" in people
    invoice = "Invoice from Acme Trading, VAT GB123456789, is overdue."
    assert not any(f["entity_type"] == "PERSON" for f in guard.inspect(invoice).findings)


def test_more_births_of_history_a_part_number_and_a_password_abbreviation(guard: Guard) -> None:
    castle = "Hrad založil Karel IV. (narozen 14. května 1316 v Praze), vlak jede z Prahy."
    assert sent(guard, castle) == ("allow", castle)
    assert_redacted(guard, "Jan Novák (narozen 14. května 1986) žije v Brně.", ["Novák", "1986"])
    part = "Box 3 of 7, part no. 0207-946-0321-B, batch code 44X"
    assert sent(guard, part) == ("allow", part)
    assert guard.inspect("bitwarden master pw is correct-Horse-lighthouse-1987").action == "block"


def test_a_typed_declaration_holds_its_value_and_a_public_key_is_no_secret(guard: Guard) -> None:
    # Rust, TypeScript: a type between the name and the value; the peer's public key is public
    rust = (
        'const PRIVATE_KEY: &str = "uB3qT8cW1zLr5yNx0vKa7hMd2sEo9pQj4fGi6tRb1Yw=";\n'
        'const PEER_PUBLIC_KEY: &str = "Zk4rP0wQ8nT2vB6xL1mC9sD3fH5jG7aE0uY2iO4kR8c=";'
    )
    values = found_values(guard, rust)
    assert "uB3qT8cW1zLr5yNx0vKa7hMd2sEo9pQj4fGi6tRb1Yw=" in values
    assert not any("Zk4rP0wQ8nT2vB6xL1mC9sD3fH5jG7aE0uY2iO4kR8c" in v for v in values)
    assert "Hx7!pL2qZ9mR" in found_values(guard, 'const dbPassword: string = "Hx7!pL2qZ9mR";')
    # only a public *key* is public: a token or a secret under a "pub" name is still one
    assert sent(guard, "PUB_TOKEN=Qm7vT2xLp9RkW4sZ8nBc3Hj6Yd1Fg5Ae")[0] == "block"


def test_a_name_written_out_from_a_mailbox_is_that_person_wherever_it_stands(guard: Guard) -> None:
    text = '<h2>Oriel Fenwick</h2>\n<a href="mailto:oriel.fenwick@mail.example">mail</a>'
    assert_redacted(guard, text, ["Oriel Fenwick", "oriel.fenwick@"])
    # a role mailbox's words are no one's name
    text = "Write to customer.service@shop.example. Customer Service answers within a day."
    people = [
        text[f["start"] : f["end"]] for f in guard.inspect(text).findings if f["entity_type"] == "PERSON"
    ]
    assert "Customer Service" not in people


def test_a_particle_between_two_found_parts_of_a_name_goes_with_them(guard: Guard) -> None:
    out = assert_redacted(
        guard,
        "Mijn dochter Fenna van Rijswijk is ziek. Contact: Ilse van Rijswijk, 06 41 27 93 58.",
        ["Fenna", "Ilse", "Rijswijk"],
    )
    assert " van " not in out.split("Contact:")[1]
    # "Ana y Luis": two people, two placeholders
    assert " y " in sent(guard, "Ana y Luis Pérez viven en Toledo.")[1]


def test_a_number_column_of_a_table_of_people_is_their_numbers(guard: Guard) -> None:
    table = (
        "| player | DOB | club id | league code |\n|---|---|---|---|\n"
        "| Tobiah Wrenfield | 2013-04-11 | 58204117 | 204981M |\n"
        "| Cressida Oyinlola | 2014-09-02 | 58211930 | 219044R |\n"
    )
    assert_redacted(guard, table, ["58204117", "204981M", "58211930", "219044R"])
    # an order's number in the same kind of table stays (it is no person's)
    orders = (
        "| customer | email | order no |\n|---|---|---|\n"
        "| Tobiah Wrenfield | t.w@mail.example | 77120458 |\n| Cressida Oyinlola | c.o@mail.example | 77120912 |\n"
    )
    assert "77120458" in sent(guard, orders)[1]
    # a header written as an identifier names its column the same way ("wwcc_number", "clubNo")
    csv = (
        "surname,given_name,dob,wwcc_number,clubNo\n"
        "Wrenfield,Tobiah,11/04/1983,WWC7730418E,C-558201\nOyinlola,Cressida,02/09/1979,WWC0193327E,C-558344\n"
    )
    assert_redacted(guard, csv, ["WWC7730418E", "WWC0193327E", "C-558201", "C-558344"])


def test_a_url_password_with_an_at_sign_is_whole(guard: Guard) -> None:
    action, _ = sent(guard, "DATABASE_URL=postgres://svc_rw:Kq2!vB8@xN5@pg.internal:5432/app")
    assert action == "block"
    assert "Kq2!vB8@xN5" in [
        v.split(":", 1)[-1] for v in found_values(guard, "postgres://svc_rw:Kq2!vB8@xN5@pg.internal:5432/app")
    ]


@pytest.mark.parametrize(
    "text",
    [
        'Mi validador acepta 87654321X y también "+34 000 000 000" como teléfono de ejemplo.',
        "Explain the check digits of the registry's example IBAN GB29 NWBK 6016 1331 9268 19.",
        "My regex rejects the example postcodes SW1A 2AA and W1A 0AX in the unit tests. Why?",
        "components:\n  schemas:\n    User:\n      properties:\n"
        '        phone: {type: string, example: "+1-202-555-0143"}\n'
        "        birth_date: {type: string, format: date}",
        "Summarise Roger Federer's career for a class: born August 8, 1981 in Basel; 20 Grand Slam titles.",
        "Írj egy kvízt: Kertész Imre (Sorstalanság) és Puskás Ferenc (született 1927. április 1.).",
        "How old would someone born on 3 March 2011 be at the 2034 World Cup? Mark Twain said it best.",
        "Mark your diaries: the fete is on Saturday.",
        "Yazar 1 Ocak 1900'de doğdu, 5 Mart 1961'de İstanbul'da öldü. Şiirlerini özetle.",
    ],
)
def test_examples_figures_and_hypothetical_births_pass_unchanged(guard: Guard, text: str) -> None:
    action, out = sent(guard, text)
    assert action == "allow" or out == text, found_values(guard, text)


def test_a_death_date_is_no_birth_date_but_the_birth_before_it_stays(guard: Guard) -> None:
    values = found_values(guard, "Ma grand-mère, née le 3 juin 1941, décédée le 4 mai 2020, vivait à Lyon.")
    assert "3 juin 1941" in values


def test_a_birth_label_keeps_its_date_when_the_death_field_follows_on_its_line(guard: Guard) -> None:
    text = "Deceased: Iorwerth Glyn Bevan\nDate of birth: 9 March 1931   Date of death: 2 May 2026\n"
    inspection = guard.inspect(text)
    births = [text[f["start"] : f["end"]] for f in inspection.findings if f["entity_type"] == "DATE_OF_BIRTH"]
    assert births == ["9 March 1931"]


def test_a_nickname_in_brackets_inside_a_capitals_or_double_barrelled_name_goes_with_it(guard: Guard) -> None:
    for text, name in (
        (
            "In loving memory of\n  MARGARET (PEGGY) KINSELLA\n  born 4th June 1939",
            "MARGARET (PEGGY) KINSELLA",
        ),
        ("Overleden: Johanna (Janny) Veenstra-Boekhout, weduwe", "Johanna (Janny) Veenstra-Boekhout"),
    ):
        assert name in found_values(guard, text), text


def test_a_birth_date_in_the_solar_hijri_calendar_is_a_living_persons(guard: Guard) -> None:
    # Persian digits, year first: 1369 is 1990 in the Gregorian calendar, not history
    text = "لطفا فرم را بررسی کن.\nتاریخ تولد: ۱۳۶۹/۰۴/۲۵\nشهر: شیراز"  # noqa: RUF001
    assert "۱۳۶۹/۰۴/۲۵" in found_values(guard, text)


def test_a_name_in_a_script_without_spaces_is_found_again_joined_and_inside_a_sentence(guard: Guard) -> None:
    # found once under its label (with its reading in brackets), then written without the space and
    # run into the words around it, as Japanese writes it
    text = "件名：口座変更（宇佐美 翔太）\n氏名：宇佐美 翔太（うさみ しょうた）\n担当の宇佐美翔太です。宇佐美が対応します。"  # noqa: RUF001
    inspection = guard.inspect(text)
    sent = inspection.sanitized["messages"][0]["content"]
    assert "宇佐美" not in sent and "うさみ" not in sent, sent
    # a two-character surname alone is taken where an honorific follows it, not inside a word
    text = "| 氏名 | 電話 |\n|---|---|\n| 村岡 ハル | 090-5521-3307 |\n\n村岡さんの担当は私です。村岡市の件とは別。"
    sent_text = guard.inspect(text).sanitized["messages"][0]["content"]
    assert "村岡さん" not in sent_text and "村岡市" in sent_text, sent_text


def test_a_surname_in_a_script_without_capitals_is_found_again_with_a_relatives_given_name(
    guard: Guard,
) -> None:
    # the form's name, then an emergency contact of the same family: the surname is found again, and the
    # word before it (no function word) is that relative's given name
    text = "שם מלא: מירב אלמוג-דהן\nנייד: 052-407-9316\nאיש קשר לחירום: עידו אלמוג-דהן 054-880-2471"  # noqa: RUF001
    sent_text = guard.inspect(text).sanitized["messages"][0]["content"]
    assert "אלמוג" not in sent_text and "עידו" not in sent_text, sent_text
    assert "איש קשר לחירום" in sent_text


def test_a_han_surname_found_again_after_a_particle_takes_the_given_name_written_after_it(
    guard: Guard,
) -> None:
    # a family's form: the applicant under its label, the grandchild in a sentence ("孫の" = the grandchild,
    # of); Han names are written surname first, so the relative's given name follows the surname
    text = "氏名：宇佐美 翔太\nフリガナ：ウサミ ショウタ\n電話：090-5521-3307\n使用者：孫の宇佐美 陽菜（中学2年）"  # noqa: RUF001
    sent_text = guard.inspect(text).sanitized["messages"][0]["content"]
    assert "宇佐美" not in sent_text and "陽菜" not in sent_text and "ウサミ" not in sent_text, sent_text
    assert "孫の" in sent_text and "中学2年" in sent_text, sent_text
    # a title after the surname is no given name
    text = "氏名：宇佐美 翔太\n担当は宇佐美 部長です。"  # noqa: RUF001
    sent_text = guard.inspect(text).sanitized["messages"][0]["content"]
    assert "部長" in sent_text and "宇佐美" not in sent_text, sent_text


def test_a_found_surname_written_again_after_an_unknown_given_name_takes_it_along(guard: Guard) -> None:
    # a table's emergency contact: the surname found in the first column, a given name the lists lack
    text = (
        "| Rider | Mobile | Emergency contact |\n|---|---|---|\n"
        "| Morwenna Treloar-Quick | 07700 900311 | Caradoc Treloar-Quick 07700 900312 |"
    )
    sent_text = guard.inspect(text).sanitized["messages"][0]["content"]
    assert "Caradoc" not in sent_text and "Treloar" not in sent_text, sent_text
    # a frequent word before the surname is no given name
    text = "Name: Margaret Glasspool\nThanks Glasspool for the keys."
    sent_text = guard.inspect(text).sanitized["messages"][0]["content"]
    assert "Thanks" in sent_text and "Glasspool" not in sent_text, sent_text


def test_a_surname_at_birth_key_holds_a_name(guard: Guard) -> None:
    text = '{"forenames": "Tamsin Rose", "surname": "Pengelly", "birth_surname": "McAlinden"}'
    findings = guard.inspect(text).findings
    assert any(text[f["start"] : f["end"]] == "McAlinden" and f["detector"] == "NameField" for f in findings)


def test_who_signed_off_a_form_is_a_person(guard: Guard) -> None:
    text = "Signed off by: Zennor Quintrell, 03/08/2024"
    findings = guard.inspect(text).findings
    assert any(
        "Zennor Quintrell" in text[f["start"] : f["end"]] and f["detector"] == "NameField" for f in findings
    )


def test_a_birth_of_someone_named_and_a_birth_before_a_death_stay_births(guard: Guard) -> None:
    values = found_values(guard, "how old is someone born on 14 October 1983? it's for Tendai Moyo's form")
    assert "14 October 1983" in values
    values = found_values(guard, "- Deceased: Harold Lusk, born 9 March 1941, died Tuesday at home")
    assert "9 March 1941" in values
    # a piece of a URL's path or of a zero-padded account is no piece of a token
    log = (
        '91.64.151.29 - - [11/Mar/2025:23:17:31 +0100] "GET /api/v1/customers/K-408113/invoices HTTP/1.1" 304 7\n'
        '91.64.151.29 - - [12/Mar/2025:23:17:31 +0100] "GET /api/v1/customers/68411945/invoices HTTP/1.1" 200 5'
    )
    assert "K-408113" in found_values(guard, log)
    assert "Mar" not in found_values(guard, log)  # a month in an access log's date
    assert_redacted(guard, "Kovács Anna bankszámlaszáma: 11773016-01472093-00000000", ["01472093"])


def test_an_address_with_its_postcode_and_town_first(guard: Guard) -> None:
    assert_redacted(guard, "Cím: 1137 Budapest, Pozsonyi út 12. 3/8, telefon", ["1137 Budapest", "Pozsonyi"])
    assert "4411 Versand" in sent(guard, "Bestellung 4411 Versand, Hauptstraße 5, 10115 Berlin")[1]


def test_a_birth_date_with_spaces_after_its_dots_in_brackets_after_a_name(guard: Guard) -> None:
    values = found_values(guard, "Vlagatelj: Nina Kovačič (2. 9. 1985), Celovška cesta 88, 1000 Ljubljana")
    assert "2. 9. 1985" in values
    assert "Nina Kovačič" in values


@pytest.mark.parametrize(
    "text",
    [
        "Ficha para la visita: Frida Kahlo nació el 6 de julio de 1907 en la Casa Azul (calle Londres 247,"
        " hoy Museo Frida Kahlo) y se casó con Diego Rivera en 1929.",
        "Texto para a visita: Amália Rodrigues viveu na Rua de São Bento 193, hoje Casa-Museu.",
        "Charles Dickens lived at 48 Doughty Street, now a museum. Plan a two-hour walk from there.",
    ],
)
def test_an_address_that_is_a_museum_today_is_nobodys(guard: Guard, text: str) -> None:
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


@pytest.mark.parametrize(
    "text",
    [
        "On visite la Maison de Balzac, au 47 rue Raynouard, avant de déjeuner à Passy ?",
        "Die Klasse besucht das Goethe-Haus am Großen Hirschgraben 23 in Frankfurt.",
        "We are taking the class to the Casa Pablo Neruda (Calle Marqués de la Plata 30) on Friday.",
    ],
)
def test_the_address_of_a_house_named_after_a_public_figure_is_nobodys(guard: Guard, text: str) -> None:
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


def test_a_characters_address_in_a_quiz_on_the_work_passes_but_one_written_as_the_readers_stays(
    guard: Guard,
) -> None:
    quiz = (
        "Write a quiz on Jane Eyre: Thornfield Hall, Mr Rochester, and the house at 8 Moor Lane in the novel."
    )
    action, out = sent(guard, quiz)
    assert action == "allow" and out == quiz, found_values(guard, quiz)
    assert_redacted(
        guard,
        "Write a quiz on Jane Eyre and post the answers to my flat at 8 Moor Lane, Leeds.",
        ["8 Moor Lane"],
    )


def test_an_address_somebody_lives_at_now_stays_found(guard: Guard) -> None:
    assert_redacted(
        guard, "Anna lives at 48 Doughty Street, next to the museum; call her on 07700 912345.", ["Doughty"]
    )


def test_the_logins_an_organisation_makes_of_a_found_name_are_usernames(guard: Guard) -> None:
    log = (
        "postfix/smtpd[21877]: 4F2A81C0E3: client=unknown[86.14.201.77], sasl_method=PLAIN, sasl_username=dpenhaligon\n"
        "postfix/qmgr[1102]: 4F2A81C0E3: from=<dora.penhaligon@penhaligon-accounts.example>, size=2210"
    )
    assert_redacted(guard, log, ["dpenhaligon", "dora.penhaligon"])


def test_a_hyphen_joining_a_latin_and_a_cyrillic_word_is_no_evasion(guard: Guard) -> None:
    # "PIN-код": folding its Cyrillic look-alikes to Latin made "код" unreadable for the PIN pattern
    action, _ = sent(guard, "Привіт! PIN-код від термінала в магазині 5519, дякую.")
    assert action == "block"


@pytest.mark.parametrize(
    "text, part",
    [
        ("The account RunnerRick_LDN keeps posting runs that start outside my house.", "RunnerRick_LDN"),
        ("Personas kods: 327265-83978\nPase: FT418290", "327265-83978"),
        ("Personas kods: 327265-83978\nPase: FT418290", "FT418290"),
        ("дата рождения 3 мая 1951 г., СНИЛС 454-990-781 39, проживает", "454-990-781 39"),  # noqa: RUF001
        ("дата рождения 3 мая 1951 г., СНИЛС 454-990-781 39, проживает", "1951 г."),  # noqa: RUF001
        ("Číslo pojistné smlouvy: 8201547736", "8201547736"),
        ("Household: husband Emrys, 81, vascular dementia", "Emrys"),
        ("Household: husband Emrys, 81, vascular dementia", "vascular dementia"),
        ('"Привіт, Тарасе! Поки я у відрядженні, все на тобі."', "Тарасе"),  # noqa: RUF001
    ],
)
def test_labels_handles_relations_and_greetings_of_more_languages(guard: Guard, text: str, part: str) -> None:
    assert any(part in value or value == part for value in found_values(guard, text)), found_values(
        guard, text
    )


@pytest.mark.parametrize(
    "text",
    [
        "Which of these are free from a UK mobile? Apple Support 0800 107 6285, BT 0800 800 151.",
        "Make a quiz for trainee clinical coders: E11.9 (type 2 diabetes without complications), I48.91 "
        "(atrial fibrillation), F32.A (depression, unspecified). No patient scenarios with names.",
        'Translate the login strings: "Username", "Password", "Forgot your password?", "Sign in".',
    ],
)
def test_service_lines_code_lists_and_interface_strings_pass_unchanged(guard: Guard, text: str) -> None:
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


def test_a_placeholder_name_written_apart_in_a_docs_example_is_nobody(guard: Guard) -> None:
    text = (
        'The docs example shows "Dear Ms Doe," for a record with first_name=Jane, last_name=Doe, '
        "phone=+44 20 7946 0000. How do I add a fallback?"
    )
    values = found_values(guard, text)
    assert not {"Jane", "Doe", "Ms Doe", "+44 20 7946 0000"} & set(values), values
    # a real person beside the placeholder in the same docs text stays found
    assert "Tamsin Oyelowo" in found_values(guard, text + " Our real customer Tamsin Oyelowo gets it too.")


@pytest.mark.parametrize(
    "text, name",
    [
        ("Beneficiari: Jordi Casadevall i Pujol, DNI a l'annex.", "Jordi Casadevall i Pujol"),
        ("Aanvrager: Jozefien Van den Abeele\nAdres: op aanvraag", "Jozefien Van den Abeele"),
        ("Sóc Montserrat Casadevall i Pujol i us escric per la factura.", "Montserrat Casadevall i Pujol"),
    ],
)
def test_a_name_with_particles_and_a_second_surname_is_one_name(guard: Guard, text: str, name: str) -> None:
    assert name in found_values(guard, text), found_values(guard, text)


def test_two_people_joined_by_and_are_still_two(guard: Guard) -> None:
    values = found_values(guard, "Thanks to Enzo Ferrante and Ferruccio Lambretti for the report.")
    assert "Enzo Ferrante" in values and "Ferruccio Lambretti" in values, values


def test_an_app_log_sign_in_user_is_a_username_wherever_it_recurs(guard: Guard) -> None:
    log = (
        "Which of these are my kids? (wren.k is my daughter)\n"
        "2025-02-01 20:11:04 [INF] User wren.k authenticated from 10.0.0.12\n"
        "2025-02-02 03:10:40 [WRN] Failed login for user admin from 203.0.113.9"
    )
    action, out = sent(guard, log)
    assert action == "redact" and "wren.k" not in out
    assert "user admin" in out  # a service account is nobody's login


def test_a_known_town_after_a_street_goes_with_it_though_the_sentence_goes_on(guard: Guard) -> None:
    _, out = sent(guard, "Korteriühistu Pärnu tee 17, Tallinn koosolek on reedel.")
    assert "Tallinn" not in out and "Pärnu tee 17" not in out
    _, out = sent(guard, "Send it to 4 Elm Road, Mum says it is fine.")
    assert "Mum says" in out  # a word that is no town ends the address


def test_input_masks_examples_and_descriptions_under_labels_are_no_values(guard: Guard) -> None:
    form = (
        "Helper text for our sign-up form's input masks:\n"
        "Date of birth: DD/MM/YYYY\nMobile: +44 7XXX XXXXXX\nNational Insurance number: AA 99 99 99 A\n"
        "Sort code: 00-00-00\nAccount number: 8 digits\nPostcode: e.g. AB1 2CD"
    )
    found = found_values(guard, form)
    assert not {"+44 7XXX XXXXXX", "AA 99 99 99 A", "8 digits", "e.g. AB1 2CD"} & set(found), found
    # a real value under the same labels is still one
    assert "+44 7700 183 442" in found_values(guard, "Mobile: +44 7700 183 442\nAccount number: 40912277")


def test_a_documentation_network_written_in_cidr_is_nobodys_address(guard: Guard) -> None:
    text = "Using only the documentation ranges, show 203.0.113.77/28 with its broadcast address."
    assert "203.0.113.77/28" not in found_values(guard, text)


def test_monarchs_by_regnal_number_or_sovereign_title_are_public_figures(guard: Guard) -> None:
    quiz = (
        "Write quiz answers: the execution of Charles I (30 January 1649), Queen Victoria's coronation "
        "(28 June 1838) and Elizabeth II's coronation (2 June 1953)."
    )
    action, out = sent(guard, quiz)
    assert action == "allow" and out == quiz, found_values(guard, quiz)
    # an American name suffix after a surname is somebody's: "Charles Ives II" is no king
    assert "Charles Ives II" in found_values(
        guard, "Please call my neighbour Charles Ives II about the fence."
    )


def test_the_year_of_a_date_is_no_phone_number(guard: Guard) -> None:
    assert "1649" not in found_values(guard, "Parliament met again on 30 January 1649 in the evening.")


def test_a_wallet_recovery_phrase_is_a_secret(guard: Guard) -> None:
    # BIP-39's own test vector: its checksum holds, so it is one even inside a sentence
    phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    action, _ = sent(guard, f"Is {phrase} enough to restore my wallet on a new phone?")
    assert action == "block"
    # twelve word-list words that fail the checksum are prose unless they stand alone or follow a seed word
    prose = "river tunnel giant absorb lunar kitten decade orbit velvet pony shiver fabric"
    assert sent(guard, f"Use {prose} in a spelling test for class.")[0] != "block"
    assert sent(guard, f"My recovery phrase, written on the card:\n{prose}")[0] == "block"


def test_a_smart_lock_logs_code_is_a_secret(guard: Guard) -> None:
    log = '2025-04-18T15:02:11Z lock=front action=unlock method=keypad code_name="guests" code=582031'
    _, out = sent(guard, log)
    assert "582031" not in out


def test_a_range_of_days_before_a_month_is_no_match_result(guard: Guard) -> None:
    text = "Bookings were Sigrun Aasheim 3-6 May and Tom & Ella Hartwell 6-9 May; the cleaner has a code."
    found = found_values(guard, text)
    assert "Sigrun Aasheim" in found and any("Hartwell" in value for value in found)


@pytest.mark.parametrize("login", ["fergus", "walsh"])
def test_a_login_that_is_somebodys_name_under_a_user_key_is_a_username(guard: Guard, login: str) -> None:
    assert login in found_values(guard, f'wifi_ssid: "Hollow Lane"\nmqtt_user: {login}\nmqtt_port: 1883')
    # a service's own login is a word of its own, and a common word is that word
    for service in ("postgres", "admin", "sales"):
        assert service not in found_values(guard, f"mqtt_user: {service}\nmqtt_port: 1883")


def test_a_given_name_after_the_last_sentence_of_a_quoted_message_signs_it(guard: Guard) -> None:
    text = 'Rewrite this for my brother: "The gate code changed on Monday, the new one is in the usual place. Fergus"'
    assert "Fergus" in found_values(guard, text)
    assert sent(guard, 'Rewrite this: "The build is green again. Thanks"')[0] == "allow"


def test_a_finnish_name_in_s_is_found_in_its_case_forms(guard: Guard) -> None:
    text = "Poikani Tobias Lehtinen sairastui. Tobiaksen isä on työmatkalla koko viikon."
    assert "Tobiaksen" in found_values(guard, text)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Post it to Room 4, 9 Highfield Park, London N5 2AB by Friday.",
            ["Room 4", "9 Highfield Park", "N5 2AB"],
        ),
        (
            "Her new address is Flat 3, Larch Court, 17 Chapel Road, Macclesfield SK11 6AA.",
            ["Flat 3", "Larch Court", "17 Chapel Road", "SK11 6AA"],
        ),
        (
            "Najmoprimac stanuje na adresi Ilica 12, 3. kat, stan 9, 10000 Zagreb.",
            ["Ilica 12", "stan 9", "10000"],
        ),
    ],
)
def test_an_address_line_with_a_town_named_like_a_person_or_units_before_the_postcode(
    guard: Guard, text: str, parts: list[str]
) -> None:
    _, out = sent(guard, text)
    assert not [part for part in parts if part in out], out


def test_the_names_on_a_reading_list_row_with_an_isbn_13_are_its_authors(guard: Guard) -> None:
    table = "| title | author | ISBN | pages |\n|---|---|---|---|\n| Piranesi | Susanna Clarke | 978-0-306-40615-7 | 272 |"
    assert sent(guard, f"Order these by pages:\n\n{table}") == ("allow", f"Order these by pages:\n\n{table}")
    # a check digit that fails makes it no ISBN: the row is somebody's record
    assert "Susanna Clarke" in found_values(guard, table.replace("40615-7", "40615-3"))


def test_towns_named_like_people_in_a_sentence_of_landmarks_and_places_are_places(guard: Guard) -> None:
    text = "Draft an itinerary: Chester first, then Preston and Florence (via Paris), a night in Fitzrovia and a flight from Heathrow."
    assert sent(guard, text) == ("allow", text)
    # with somebody's contact data in the text, a given name is somebody
    assert "Chester" in found_values(
        guard,
        "I met Chester at the pub in Fitzrovia, then we drove from Heathrow; his number is 07700 900123.",
    )


def test_a_condition_known_by_an_icd_10_cm_inclusion_term_is_health_data(guard: Guard) -> None:
    # ICD-10-CM E04.1 "Nontoxic single thyroid nodule" includes "Thyroid (cystic) nodule NOS"
    assert "thyroid nodule" in found_values(
        guard, "My son was told he has a thyroid nodule; his GP wants a scan."
    )
    # a lone adjective of a title is no condition: "Confluent" is a company, "macular" a region
    text = "We use Confluent Cloud for Kafka; the macular region of the diagram is confluent."
    assert sent(guard, text) == ("allow", text)


def test_openwrt_uci_options_are_read_as_keys_and_values(guard: Guard) -> None:
    config = (
        "config wifi-iface 'default_radio0'\n\toption ssid 'Fernhill-5G'\n\toption key 'heron-Moss-5512-lake'\n\n"
        "config interface 'wan'\n\toption proto 'pppoe'\n\toption username 'ab9912345@isp'\n"
        "\toption private_key 'mQpR2ZtV9xKc4Lw8Yb1Nf6Hd3Gs7Ja0Ue5Io2Py8Tr4='\n"
    )
    _, out = sent(guard, config)
    for value in ("heron-Moss-5512-lake", "ab9912345@isp", "mQpR2ZtV9xKc4Lw8Yb1Nf6Hd3Gs7Ja0Ue5Io2Py8Tr4="):
        assert value not in out
    # a section's name is no password, though "wifi" starts its type
    assert "default_radio0" not in found_values(
        guard, "config wifi-iface 'default_radio0'\n\toption ssid 'x'"
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Medlemsnummer i foreningen: M-5531", "M-5531"),
        ("Číslo účtu pro výplatu: 1234567899/0800", "1234567899/0800"),
        ("Lidnummer (uit de bevestigingsmail): LW-5512098", "LW-5512098"),
        ("Service user: Bethan Rhys-Llewellyn", "Bethan Rhys-Llewellyn"),
        ("nazwisko i imię;data ur.;telefon\nNowak Ewa;14.05.1961;601 223 118", "14.05.1961"),
    ],
)
def test_a_key_with_a_place_purpose_or_source_note_keeps_its_meaning(
    guard: Guard, text: str, value: str
) -> None:
    assert value in found_values(guard, text)


def test_names_written_with_a_common_given_name_first_or_surname_first_are_whole(guard: Guard) -> None:
    found = found_values(guard, "No\tMember\tPhone\n2\tGrace Wanjiku Kamau\t+254 712 305 118\n")
    assert "Grace Wanjiku Kamau" in found
    assert "Шевченко Артем" in found_values(guard, "2. Шевченко Артем, рівень B1, тел. 050 731 12 09")


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Adresse : 8, rue des Tanneurs, bât. C, 2e étage, 17000 La Rochelle",
            ["8, rue des Tanneurs", "bât. C"],
        ),
        ("residente na Rua do Almada, 41, r/c esq., 4050-038 Porto", ["Rua do Almada, 41", "r/c esq."]),
        ("Místo: Dolní Lomná č. p. 112, 739 91 Jablunkov", ["č. p. 112", "739 91"]),
        # a Singapore block and unit ("#05-61" is no range of house numbers); a South African site
        (
            "the flat at Blk 204 Tampines Street 21, #07-118, Singapore 520204.",
            ["Blk 204", "#07-118", "520204"],
        ),
        ("She has lived at 12 Mthawelanga Road, Site B, Khayelitsha since 2011.", ["Site B"]),
    ],
)
def test_buildings_ground_floors_and_house_numbers_join_the_address(
    guard: Guard, text: str, parts: list[str]
) -> None:
    _, out = sent(guard, text)
    assert not [part for part in parts if part in out], out


def test_the_nearest_date_after_born_is_the_birth_date(guard: Guard) -> None:
    assert "9 March 1951" in found_values(
        guard, "She is a widow, born 9 March 1951 (09/03/1951 on the form)."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Explain the check digit of a German IBAN with the Bundesbank example DE89 3704 0044 0532 0130 00 "
        "(BLZ 370 400 44, account 0532013000).",
        "Our form needs an input mask for the Canadian SIN; CRA's documentation uses 046 454 286 as the example.",
        "Spiegami il codice fiscale con l'esempio dei manuali: RSSMRA80A01H501U.",
    ],
)
def test_ids_their_issuers_print_as_examples_and_parts_of_example_ibans_pass(guard: Guard, text: str) -> None:
    assert sent(guard, text) == ("allow", text)


def test_a_call_in_code_is_no_value_of_its_field(guard: Guard) -> None:
    code = (
        '    email = request.form.get("email", "").strip().lower()\n'
        "    user = User.query.filter_by(email=email).first()\n"
    )
    assert found_values(guard, code) == []
    assert "Summer(2024)" in found_values(guard, "password: Summer(2024)")


def test_a_russian_given_name_in_the_dative_after_a_kinship_word_is_a_name(guard: Guard) -> None:
    assert "Сергею" in found_values(guard, "Если меня нет дома, звоните сыну Сергею: +7 925 318-11-04.")


@pytest.mark.parametrize(
    "text",
    [
        "- Phone: 10 digits, e.g. (555) 010-0100. Leave out the country code.",
        "Postcode: e.g. SW1A 1AA",
        "Die Mobilnummer bitte mit Vorwahl eintragen, z. B. 0171 2345678, ohne Leerzeichen davor.",
        "Data urodzenia w formacie DD.MM.RRRR, np. 14.03.1987.",
    ],
)
def test_a_value_right_after_e_g_or_for_example_shows_a_format(guard: Guard, text: str) -> None:
    assert found_values(guard, text) == []


def test_a_value_after_an_example_word_is_still_data_when_owned_or_written_again(guard: Guard) -> None:
    # "e.g. my own …" is the writer's number; a number the text gives again elsewhere is that number
    assert found_values(guard, "Use any mobile, e.g. my own 07700 981234, to test it.") == ["07700 981234"]
    text = "Ring a mobile, e.g. 07700 981234. That is Tom's: 07700 981234."
    _, out = sent(guard, text)
    assert "981234" not in out


@pytest.mark.parametrize(
    "text",
    [
        "Nominee: Jaskaran Sandhu, Aadhaar 2812 0538 7163\nWitness: Baljinder Kaur, 98141 22907",
        "Address: House No. 14, Sector 60, Mohali, Punjab 160059\nWitness: Baljinder Kaur, 98141 22907",
    ],
)
def test_a_national_number_of_a_country_the_text_names_or_holds_an_id_of_is_a_phone(
    guard: Guard, text: str
) -> None:
    assert "98141 22907" in found_values(guard, text)


def test_digits_in_a_text_that_names_no_country_are_not_read_with_every_plan(guard: Guard) -> None:
    # the same digits, with nothing that says India, are read with the policy's and language's plans only
    findings = guard.inspect("Batch 98141 22907 shipped on Monday.").findings
    assert not [f for f in findings if f["entity_type"] == "PHONE_NUMBER"]


def test_a_recovery_phrase_with_one_word_off_the_list_is_one_after_a_phrase_word(guard: Guard) -> None:
    words = "river tunnel giant absorb lunar kitten decade orbit velvet pony shiver gravel fabric"
    # after a phrase word of any language we read ("taastamisfraas", Estonian), a mistyped word stays in it
    assert words in found_values(guard, f"Mu taastamisfraas on: {words}")
    # without one, a run of list words with a word off the list is prose
    assert words not in found_values(guard, f"We wrote {words} on the whiteboard as a game.")
    # and a prose word before a whole phrase on its own line does not make it one with a word off the list
    phrase = "river tunnel giant absorb lunar kitten decade orbit velvet pony shiver fabric"
    assert phrase in found_values(guard, f"Underneath it says\n{phrase}")


def test_the_characters_of_a_work_named_beside_its_famous_people_are_no_private_persons(guard: Guard) -> None:
    for text in (
        # a text about a novel that names its author: the others are its characters
        "Essay plan for the novel: how does Tolstoy contrast Anna Karenina with Konstantin Levin and Kitty?",
        # names listed with two public figures or more: the same story's
        "Compare Sherlock Holmes and Hercule Poirot with Lestrade and Hastings as detective duos.",
    ):
        assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    # a name outside the list is somebody's, whoever the text compares
    assert_redacted(
        guard, "Lavinia Thorne asked me to compare Napoleon and Wellington for her history class.", ["Thorne"]
    )
    # a given name that is also a word about works ("Aria", "Roman") does not make its own text one
    for text in (
        "Aria Patel asked me to explain Napoleon's campaigns in Italy.",
        "Roman Kowalski asked me to explain Napoleon's campaigns in Italy.",
    ):
        assert_redacted(guard, text, ["Patel" if "Aria" in text else "Kowalski"])
    # and so is a name after a personal word in a text about a work
    assert_redacted(
        guard,
        "Can you explain the themes of chapter 2? My tutor Lavinia Thorne says Tolstoy and Dostoevsky differ.",
        ["Thorne"],
    )


def test_places_are_nobody_s_in_a_text_without_contact_data_unless_a_person_is_named_with_them(
    guard: Guard,
) -> None:
    for text in (
        "Is the Moulin Rouge worth it, or should we spend the evening at the Marais instead?",
        # a city a name detector read into "Paris Museum Pass" is still the city
        "Is the Paris Museum Pass worth it for four days in Paris?",
        # a German article makes a noun, not a name: "Der König", and no king's title is his name
        "Der König ließ das Schloss ab 1869 bauen. Bitte übersetze diesen Satz für ein Schild am Eingang ins Englische.",
    ):
        assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    # a place in the sentence that names somebody stays somebody's: see
    # test_a_place_after_in_is_nobody_s_until_somebody_is_named


def test_a_surname_that_is_a_word_under_a_surname_column_is_a_name_but_a_capitals_placeholder_is_not(
    guard: Guard,
) -> None:
    assert_redacted(
        guard, "title,first_name,last_name,postcode\nMs,Carol-Ann,Shilling,TN35 5BH", ["Shilling"]
    )
    text = 'private String firstName = "FIRST";\nprivate String lastName = "LAST";'
    assert "LAST" not in found_values(guard, text)


def test_a_comment_after_a_secret_s_value_is_no_part_of_it_and_a_hash_in_an_address_is_no_comment(
    guard: Guard,
) -> None:
    text = "direccion: Calle 45 # 78-22, apto 503, Laureles\nmyapp_dbpass: !Uy7=Kq2pLm9   # rotated in May"
    values = found_values(guard, text)
    assert "Calle 45 # 78-22, apto 503, Laureles" in values
    assert "!Uy7=Kq2pLm9" in values
    assert guard.inspect(text).action == "block"


def test_a_professional_team_s_line_up_is_public_and_a_youth_team_s_sheet_is_not(guard: Guard) -> None:
    text = (
        "Write a match preview. Bayern's usual line-up: Neuer; Kimmich, Upamecano, Kim Min-jae, Davies; "
        "Goretzka, Musiala, Sané; Gnabry, Müller, Kane."
    )
    assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    youth = (
        "Team sheet for Saturday: Oliver Hale; Harry Penn, Jack Moss, Noah Finch, Leo Dunn; "
        "Alfie Rowe, Theo Marsh, Finn Cole; Oscar Lane, Max Webb."
    )
    assert_redacted(guard, youth, ["Oliver Hale", "Max Webb"])


def test_the_other_candidates_of_a_list_a_password_is_written_in_are_passwords(guard: Guard) -> None:
    text = "Nemůžu otevřít soubor. Heslo bylo Zahrada2021!, zahrada_2021 nebo Kvetiny#21, nic nefunguje."
    values = found_values(guard, text)
    assert {"Zahrada2021!", "zahrada_2021", "Kvetiny#21"} <= set(values), values
    # a version or a build number in the same sentence is no candidate
    assert "2.1.0" not in found_values(guard, "the password is Hx7!qLm2, version 2.1.0 of the app")


def test_the_phone_number_after_a_venue_s_address_is_the_venue_s_but_not_after_call_me(guard: Guard) -> None:
    text = (
        "Plan a morning around the Empire State Building (20 W 34th St, New York, NY 10001; "
        "main line +1 212-736-3100) and lunch nearby."
    )
    assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    assert_redacted(
        guard,
        "Meet me at the Louvre (Rue de Rivoli, 75001 Paris), call me on 06 12 34 56 78 if lost.",
        ["06 12 34 56 78"],
    )


def test_a_dish_named_after_somebody_in_a_recipe_is_no_person_but_the_person_it_is_for_is(
    guard: Guard,
) -> None:
    for text in (
        "Beef Wellington for 6: can I assemble it the day before and keep it in the fridge? Oven at 200C.",
        "Scale this Victoria sponge recipe from 4 to 10 people: 200 g butter, 200 g sugar.",
    ):
        assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    assert_redacted(guard, "Bake a Victoria sponge for Lily Hartwell's birthday, recipe please", ["Hartwell"])


def test_a_cup_final_or_a_5g_network_makes_no_text_about_cooking() -> None:
    # only a quantity ("2 cups", "200 g") or a cooking word does; "World Cup" and "5G" say nothing of food
    text = "Ask Victoria Cake about the World Cup tickets and the 5G router."
    start = text.index("Victoria")
    assert not public.dish(text, start, start + len("Victoria"))
    recipe = "Victoria sponge: 2 cups of flour, 200 g sugar."
    assert public.dish(recipe, 0, len("Victoria"))


def test_a_famous_birth_date_is_no_street_and_a_chess_header_names_its_player_surname_first(
    guard: Guard,
) -> None:
    # "26 September 1981" was read as a house number, a street and a number: an address in the text made
    # the figure's biography somebody's record
    text = (
        "Summarise Serena Williams' career for a school presentation: born 26 September 1981 in Saginaw, "
        "Michigan; 23 Grand Slam singles titles."
    )
    assert sent(guard, text) == ("allow", text), guard.inspect(text).findings
    pgn = '[Event "Candidates"]\n[White "Carlsen, Magnus"]\n[Black "Kasparov, Garry"]\n[Result "1/2-1/2"]'
    assert sent(guard, pgn) == ("allow", pgn), guard.inspect(pgn).findings
    # somebody who is not famous keeps their name, written either way
    assert_redacted(guard, '[White "Whitlock, Dorothea"]\n[Black "Kasparov, Garry"]', ["Dorothea"])
    assert_redacted(guard, "Please send the lease to my address: 14 Mayfield 22, Leeds.", ["14 Mayfield 22"])


def test_a_row_s_postcode_after_its_street_is_no_venue_s_range_of_numbers(guard: Guard) -> None:
    # "39/35,97-300": the postcode after the comma is no "84-92" block of a venue, so the row's address and
    # phone stay somebody's (the phone after a comma has no phone label: no venue's number either)
    text = (
        "nr,imie_nazwisko,ulica,kod,miasto,telefon\n"
        "Z-1,Halina Wrona,aleja Lipowa 12/4,97-300,Piotrków Trybunalski,602 517 334"
    )
    assert_redacted(guard, text, ["aleja Lipowa 12/4", "602 517 334"])


@pytest.mark.parametrize(
    "text",
    [
        "We are bringing 20 pupils to the Foundling Museum (40 Brunswick Square). Its bookings line is"
        " +44 20 7405 3474 according to the website; please draft the email.",
        "Für den Ausflug ins Stadtmuseum: die Kasse erreicht man laut Website unter 0221 22125789.",
    ],
)
def test_a_contact_the_text_says_it_took_from_a_website_is_the_organisations(guard: Guard, text: str) -> None:
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


def test_a_number_on_a_website_that_is_somebodys_own_line_stays_found(guard: Guard) -> None:
    assert_redacted(
        guard,
        "Ring my mobile 07700 900461, it is also on my website, if the museum is closed.",
        ["07700 900461"],
    )


@pytest.mark.parametrize(
    "text",
    [
        "Wie kommen wir vom Bahnhof zur Käthe-Kollwitz-Straße und dann zum Richard-Wagner-Platz?",
        "Is the tram stop on the Frans Halsstraat or on the Ferdinand Bolstraat?",
    ],
)
def test_a_street_named_after_somebody_in_one_word_with_its_street_word_is_a_street(
    guard: Guard, text: str
) -> None:
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


def test_a_product_barcode_is_no_card_but_the_same_digits_as_a_card_are(guard: Guard) -> None:
    text = "返品します。JANコード 4901234567894、注文番号 250-0000000-0001。"
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)
    assert "4901234567894" in found_values(guard, "My card 4901234567894 was declined at the till.")


@pytest.mark.parametrize(
    "text",
    [
        "Walk from Rue Jean-Jacques-Rousseau to Place Charles-de-Gaulle, then end at 8 Avenue Winston-Churchill"
        " (the Petit Palais).",
        "Essay notes: the Peter principle, Parkinson's law and Hofstadter's law, who coined each and when?",
    ],
)
def test_streets_eponymous_laws_and_an_address_with_its_landmark_in_brackets_pass(
    guard: Guard, text: str
) -> None:
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


def test_a_given_name_before_a_law_word_with_a_possessive_or_a_condition_stays(guard: Guard) -> None:
    assert "Peter" in found_values(guard, "Ask Peter's law firm to call me back on 07700 900455.")
    assert any(
        f["entity_type"] == "MEDICAL_CONDITION"
        for f in guard.inspect("My father was diagnosed with Parkinson's disease in May.").findings
    )


def test_dishes_named_after_people_on_a_dinner_menu_pass(guard: Guard) -> None:
    text = (
        "Dinner menu for Saturday: Oysters Rockefeller, Beef Stroganoff and Peach Melba for dessert. Timings?"
    )
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # Frisian, Maori, Romansh, Afrikaans and Swahili form labels
        (
            "Namme: Hessel Hoekstra\nBertedatum: 4 maaie 1983\nTelefoan: 06 31 52 84 07",
            ["4 maaie 1983", "06 31 52 84 07"],
        ),
        (
            "Ingoa: Hemi Tautahi\nRā whānau: 3 Hōngongoi 1979\nNama pēke: 06-0158-0932817-00",
            ["3 Hōngongoi 1979", "06-0158-0932817-00"],
        ),
        (
            "Data da naschientscha: 9 da favrer 1968\nAdressa: Via Sura 7, 7500 San Murezzan",
            ["9 da favrer 1968"],
        ),
        ("Polisnommer: LP-3381-20917\nUitbetaling na tjekrekening 40718833251", ["LP-3381-20917"]),
        ("Akaunti ya benki: 0207113968400\nSimu: 0711 902 364", ["0207113968400", "0711 902 364"]),
        # a remark in brackets after the name under a relation label
        ("Eiser: Annelie du Toit (weduwee), selfoon 082 447 1190", ["Annelie du Toit"]),
    ],
)
def test_form_labels_of_more_languages_type_their_values(guard: Guard, text: str, values: list[str]) -> None:
    assert_redacted(guard, text, values)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("- Phạm Thị Lan, sinh 14/02/1981, quê Huế", "14/02/1981"),
        ("ús Tjitske (berne 2 july 2011) docht ek mei", "2 july 2011"),
        ("Páistí: Róisín (rugadh 07/09/2014)", "07/09/2014"),
        ("Hy is gebore op 21 Junie 1987 in Bloemfontein.", "21 Junie 1987"),
    ],
)
def test_birth_words_of_more_languages_mark_a_date_of_birth(guard: Guard, text: str, value: str) -> None:
    births = [
        text[f["start"] : f["end"]]
        for f in guard.inspect(text).findings
        if f["entity_type"] == "DATE_OF_BIRTH"
    ]
    assert value in births, found_values(guard, text)


def test_a_book_list_with_isbns_names_nobody(guard: Guard) -> None:
    text = (
        "Order for the reading group:\n- The Old Man and the Sea, Scribner — ISBN 978-0-684-80122-3\n"
        "- Brave New World, Vintage — ISBN 978-0-09-947446-4"
    )
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


def test_a_listed_record_with_a_phone_number_names_its_person_in_any_cased_script(guard: Guard) -> None:
    text = "Danh sách:\n- Đoàn Minh Khôi, sinh viên năm hai, SĐT 0916 488 307\n- Lý Thu Hà, SĐT 0987 120 446"
    assert_redacted(guard, text, ["Đoàn Minh Khôi", "Lý Thu Hà"])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Giao hàng tới 112/7 Cô Bắc, phường Cô Giang, quận 1, TP.HCM, gọi trước",
            "112/7 Cô Bắc, phường Cô Giang, quận 1, TP.HCM",
        ),
        (
            "Kargo Bostancı Mah., Emin Ali Paşa Cad. No: 31 D: 9, Kadıköy/İstanbul adresine",  # noqa: RUF001
            "Emin Ali Paşa Cad. No: 31 D: 9, Kadıköy/İstanbul",  # noqa: RUF001
        ),
    ],
)
def test_vietnamese_ward_addresses_and_turkish_door_numbers_are_addresses(
    guard: Guard, text: str, value: str
) -> None:
    streets = [
        text[f["start"] : f["end"]]
        for f in guard.inspect(text).findings
        if f["entity_type"] == "STREET_ADDRESS"
    ]
    assert any(value in street for street in streets), found_values(guard, text)


@pytest.mark.parametrize(
    "text",
    [
        "Ist diese Briefvorlage korrekt? Die Platzhalter ersetzen wir später.\n\nMax Mustermann\nMusterstraße 1\n"
        "12345 Musterstadt\nTelefon: 01234 567890\n\nSehr geehrte Frau Musterfrau,",
        "Our style guide says to show jane.doe@example.com and (212) 555-0142 in screenshots. Why is example.com safe?",
        'Seed data, all fake: {"name": "John Q. Public", "email": "jq.public@example.org"}',
        'Our API docs show: {"to": {"line1": "42 Sample Road", "city": "Anytown", "postcode": "AB1 2CD"}}',
    ],
)
def test_a_templates_placeholders_pass(guard: Guard, text: str) -> None:
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


def test_a_real_value_beside_a_templates_placeholders_is_still_found(guard: Guard) -> None:
    text = "Vorlage mit Platzhaltern: Max Mustermann, Musterstraße 1. Mein echter Kontakt: Heike Brandt, 0171 4429305."
    assert_redacted(guard, text, ["Heike Brandt", "0171 4429305"])


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "보험 명단입니다.\n1. 한지민 — 010-3928-4461 — 무릎 수술\n2. 오세훈 — 010-5510-2093",
            ["한지민", "오세훈"],
        ),
        (
            "عطیات:\n1. نعیم اختر، فون 0301-5538047، عطیہ 5,000 روپے\n2. صائمہ نورین، فون 0345-7736093",
            ["نعیم اختر", "صائمہ نورین"],
        ),
        (
            "| الطالب | ولي الأمر | الجوال |\n|---|---|---|\n| مريم فادي نصار | فادي نصار | 079 441 2380 |",
            ["مريم فادي نصار", "فادي نصار"],
        ),
        (
            "खाताधारक: रमेश कुमार वर्मा\nनामिती: पत्नी कविता वर्मा, जन्म तिथि 11/03/1975",
            ["रमेश कुमार वर्मा", "कविता वर्मा"],
        ),
    ],
)
def test_names_in_uncased_scripts_under_role_columns_and_in_numbered_records(
    guard: Guard, text: str, names: list[str]
) -> None:
    assert_redacted(guard, text, names)


def test_a_landmark_named_before_an_address_makes_it_the_landmarks(guard: Guard) -> None:
    text = "The Flatiron Building at 175 Fifth Avenue, New York, NY 10010 opened in 1902. How tall is it?"
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)
    assert_redacted(
        guard,
        "My flat faces the Flatiron Building, I live at 12 West 22nd Street, NY 10010.",
        ["12 West 22nd Street"],
    )


def test_a_number_in_a_check_digit_exercise_is_no_ones(guard: Guard) -> None:
    text = "Homework: find the check digit for 4539148803, using the Luhn algorithm, and show each step."
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)


def test_an_accounts_holder_in_brackets_is_a_name_found_everywhere_with_its_marks(guard: Guard) -> None:
    # Yoruba letters carry combining tone marks (ọ̀, ẹ́) and start with letters like Ọ: the holder's name
    # is still one to look for elsewhere, and a given name before its surname elsewhere takes it along
    text = "Ẹ jọ̀wọ́ ẹ fi ranṣẹ́ sí Ìyábọ̀ Ọlápàdé àti Bọ́lá Ọlápàdé.\nOwó: GTBank, 0139924871 (Bọ́lá Ọlápàdé)"
    assert_redacted(guard, text, ["Bọ́lá Ọlápàdé", "Ìyábọ̀ Ọlápàdé"])


def test_a_list_of_bare_postcodes_in_a_validators_test_is_nobodys(guard: Guard) -> None:
    text = "My postcode validator fails some tests: SW1A 1AA, EC1A 1BB, W1A 0AX and M1 1AE. Why?"
    action, out = sent(guard, text)
    assert action == "allow" and out == text, found_values(guard, text)
