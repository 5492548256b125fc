"""Structure: a value gets the type its key implies, and one value found once is found everywhere."""

from __future__ import annotations

import pytest

from privproxy import Guard
from privproxy.detect.structure import FieldVocabulary, normalize_key, read_pairs

SHAPES = {
    "csv": (
        "first_name,last_name,dob\nAnna,Kowalska,1985-03-04\n",
        {"first_name": "Anna", "dob": "1985-03-04"},
    ),
    "csv quoted": ('name;city\n"Doe; Jane";Oslo\n', {"name": "Doe; Jane"}),
    "tsv": ("user\temail\nmkowal\tm@x.pl\n", {"user": "mkowal"}),
    "markdown": (
        "| Name | Phone |\n|---|---|\n| Bob Ray | 555 0101 |\n",
        {"Name": "Bob Ray", "Phone": "555 0101"},
    ),
    "json": (
        '```json\n{"patient": {"dob": "1990-01-02", "mrn": 48213}}\n```',
        {"dob": "1990-01-02", "mrn": "48213"},
    ),
    "escaped json": ('log: "{\\"pesel\\": \\"44051401359\\"}"', {"pesel": "44051401359"}),
    "python dict": (
        "ValidationError: row = {'member_no': 'CLF-004417', 'dob': '1993-02-13', 'age': 31}",
        {"member_no": "CLF-004417", "dob": "1993-02-13", "age": "31"},
    ),
    "form columns": (
        "RX# 0918342-04417   PATIENT: KOWALCZYK, TERESA M   DOB: 06/11/1977\nQTY 30   COPAY: $4.00",
        {"PATIENT": "KOWALCZYK, TERESA M", "DOB": "06/11/1977", "COPAY": "$4.00"},
    ),
    "php array on one line": (
        "$db = ['user' => 'bakery', 'pass' => 'jVJL#EhjjaMx3'];\n$c = [\"dsn\" => \"mysql:host=db\"];",
        {"user": "bakery", "pass": "jVJL#EhjjaMx3", "dsn": "mysql:host=db"},
    ),
    "yaml": ("customer:\n  vorname: Jürgen\n  geburtsdatum: 01.02.1990\n", {"vorname": "Jürgen"}),
    "env": ("DB_USER=svc\nDB_PASSWORD='hunter2Xq!9zz'\n", {"DB_PASSWORD": "hunter2Xq!9zz"}),
    "query": ("GET /api?user=jdoe&email=a%40b.c HTTP/1.1", {"user": "jdoe"}),
    "http header": (
        "Authorization: Bearer abc.def\nX-Forwarded-For: 198.51.100.23",
        {"X-Forwarded-For": "198.51.100.23"},
    ),
    "sql": ("INSERT INTO people (name, pesel) VALUES ('Ewa Lis', '44051401359');", {"pesel": "44051401359"}),
    "yaml block scalar": (
        "tls:\n  key: |\n    MIIEvQIBADANBgkq\n    hkiG9w0BAQEFAASC\n  cert: x.pem\n",
        {"key": "MIIEvQIBADANBgkq\n    hkiG9w0BAQEFAASC", "cert": "x.pem"},
    ),
    "form line": (
        "Kundennummer: 884213, Vertragsnummer: V-2231",
        {"Kundennummer": "884213", "Vertragsnummer": "V-2231"},
    ),
    "labels after a full stop": (
        "Duty manager: Riaan van der Merwe. Lifeguard: Thandeka Nkosi\nAdres: Cumhuriyet Cad. No: 45/3, Konak",
        {
            "Duty manager": "Riaan van der Merwe",
            "Lifeguard": "Thandeka Nkosi",
            "Adres": "Cumhuriyet Cad. No: 45/3, Konak",
        },
    ),
    "key/value table": (
        "| Field | Value |\n|---|---|\n| Reporter | jdoe |\n| **Date of birth:** | 1984-02-11 |\n",
        {"Reporter": "jdoe", "Date of birth": "1984-02-11"},
    ),
    "xml": (
        '<patient><ns:firstName>Anna</ns:firstName><field name="dob">1970-01-01</field></patient>\n'
        '<add key="DbPassword" value="s3cr3t!X"/>',
        {"firstName": "Anna", "dob": "1970-01-01", "DbPassword": "s3cr3t!X"},
    ),
    "named values": (
        '{"values": [{"key": "oktaApiToken", "value": "00oG8lsD", "type": "secret"}]}\n'
        'env:\n  - name: DB_PASSWORD\n    value: "hunter2Xq"\n',
        {"oktaApiToken": "00oG8lsD", "DB_PASSWORD": "hunter2Xq"},
    ),
    "aligned key and value columns": (
        "$ vault kv get secret/billing\n====== Data ======\nKey            Value\n---            -----\n"
        "smtp_password  Qx8-Lantern-Rue\nsmtp_user      billing-bot\n\nnext  paragraph\n",
        {"smtp_password": "Qx8-Lantern-Rue", "smtp_user": "billing-bot"},
    ),
    "question and answer members": (
        '{"answers": [{"question": "Passport number", "answer": "KR0739152"}, '
        '{"label": "Mobile", "response": "+45 31 62 07 84"}]}',
        {"Passport number": "KR0739152", "Mobile": "+45 31 62 07 84"},
    ),
    "dicom dump": (
        "(0010,0010) PN [HALVORSEN^TRUDY^M]                     #  18, 1 PatientName\n"
        "(0010,0030) DA [19580611]                               #   8, 1 PatientBirthDate\n"
        "(0010, 0020) Patient ID                          LO: 'P-77120'\n",
        {
            "last name": "HALVORSEN",
            "first name": "TRUDY",
            "PatientBirthDate": "19580611",
            "Patient ID": "P-77120",
        },
    ),
    "directory name": (
        "Manager           : CN=Shapiro\\, Eitan,OU=Finance,DC=corp,DC=example",
        {"last name": "Shapiro", "first name": "Eitan"},
    ),
    "php array": (
        "<?php return ['parameters' => [\n    'database_user' => 'ps_user',\n"
        "    'database_password' => 'Comte-Reblochon_36',\n]];",
        {"database_user": "ps_user", "database_password": "Comte-Reblochon_36"},
    ),
    "hl7 v2": (
        "MSH|^~\\&|EPIC|HOSP|||20240101||ADT^A01|1|P|2.5\r"
        "PID|1||MRN-4411^^^HOSP^MR||NOWAK^ANNA^M||19790312|F|||UL. LIPOWA 4^^KRAKOW^^30-001||601 222 333\r"
        "DG1|1||E11.9^Type 2 diabetes mellitus^I10\r",
        {
            "mrn": "MRN-4411",
            "last name": "NOWAK",
            "first name": "ANNA",
            "date of birth": "19790312",
            "street": "UL. LIPOWA 4",
            "postcode": "30-001",
            "phone": "601 222 333",
            "diagnosis": "Type 2 diabetes mellitus",
        },
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_reader_finds_key_value_pairs_in_every_shape(shape: str) -> None:
    text, expected = SHAPES[shape]
    found = {pair.key: text[pair.start : pair.end] for pair in read_pairs(text)}
    for key, value in expected.items():
        assert found.get(key) == value, (shape, key, found)


def test_a_two_column_row_is_a_header_only_above_a_markdown_rule() -> None:
    text = "| Name | Anna Berg |\n| Phone | 555 0101 |\n"
    found = {(pair.key, text[pair.start : pair.end]) for pair in read_pairs(text)}
    assert ("Name", "Anna Berg") in found and ("Phone", "555 0101") in found
    assert ("Name", "Phone") not in found  # the first row is data, not the table's header
    assert not [pair for pair in read_pairs("segments: PID|x|y\nOBX|1|z") if pair.key == "mrn"]


def test_placeholder_values_are_not_values() -> None:
    text = 'ssn: XXX-XX-XXXX\npassword: <redacted>\n{"dob": "N/A", "email": null, "pin": "****"}'
    assert [text[p.start : p.end] for p in read_pairs(text)] == []


def test_a_blank_forms_lines_and_code_that_reads_a_value_are_not_values() -> None:
    text = (
        "MRN: __________   NHS / insurance no.: ______________\n"
        "Allergies: ☐ none ☐ penicillin ☐ latex ☐ other: ________\n"
        'client = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"])\n'
    )
    assert [text[p.start : p.end] for p in read_pairs(text)] == []
    ticked = "Allergies: ☐ none ☒ penicillin"
    assert [ticked[p.start : p.end] for p in read_pairs(ticked)] == ["☐ none ☒ penicillin"]


def test_stand_ins_notes_and_calls_are_not_values() -> None:
    text = (
        "password: REPLACE_ME   # injected by ExternalSecret\n- secretKey: username\n"
        "STRIPE_SECRET_KEY=sk_test_...\nssn: XXX-XX-XXXX (last 4 only)\n"
        "    token = secrets.token_urlsafe(32)\ndef new_reset_token() -> str:\n"
    )
    assert [text[p.start : p.end] for p in read_pairs(text)] == []
    real = "password: Tr1cky-Pelican-88 # prod"
    # a real value keeps its note: what is covered must hold all of it
    assert [real[p.start : p.end] for p in read_pairs(real)] == ["Tr1cky-Pelican-88 # prod"]


def test_a_slash_between_two_letters_is_an_abbreviation_not_two_labels() -> None:
    text = "D/C meds: aspirin 100mg mane, ticagrelor 90mg BD (12/12)\nInsurer / member no: AOK / LID-0766\n"
    assert [(p.key, text[p.start : p.end]) for p in read_pairs(text)] == [
        ("D/C meds", "aspirin 100mg mane, ticagrelor 90mg BD (12/12)"),
        ("Insurer", "AOK"),
        ("member no", "LID-0766"),
    ]


def test_a_column_compared_in_a_where_clause_is_a_pair() -> None:
    text = "DELETE FROM members WHERE m.member_no = 0964;  -- moved away\nSELECT 1 FROM t WHERE status = 'active';\n"
    found = [(p.key, text[p.start : p.end]) for p in read_pairs(text)]
    assert ("member_no", "0964") in found and ("status", "active") in found


def test_help_text_in_place_of_a_value_is_not_a_value() -> None:
    # a form's instructions: a mask or an example after a description of the value
    help_text = (
        "- Social Security number: enter all nine digits as XXX-XX-XXXX, no spaces.\n"
        "- Date of birth: MM/DD/YYYY, e.g. 01/31/1960.\n"
        "- Phone: 10 digits, e.g. 0201234567.\n"
        "- Name: as it appears on your card, e.g. JOHN Q PUBLIC.\n"
        "- Member ID: the 9 characters on your insurance card (example: ABC123456).\n"
    )
    # (two lines of comma-separated cells read as a table have keys like "- Phone: 10 digits": not a label)
    assert [help_text[p.start : p.end] for p in read_pairs(help_text) if ":" not in p.key] == []
    # a value with a note, a list with an example in it, a domain named "example": values
    values = (
        "- Date of birth: 01/31/1960 (MM/DD/YYYY)\n- Name: Ann Lee, e.g. on the badge\n"
        "- Allergies: tree nuts, e.g. almonds\n- Email: jdoe at example dot org\n"
    )
    assert [values[p.start : p.end] for p in read_pairs(values) if ":" not in p.key] == [
        "01/31/1960 (MM/DD/YYYY)",
        "Ann Lee, e.g. on the badge",
        "tree nuts, e.g. almonds",
        "jdoe at example dot org",
    ]


def test_a_drama_number_quoted_in_a_record_that_names_somebody_is_theirs(shared_guard: Guard) -> None:
    # "seeds" makes this a text about test data, where a quoted 555-01xx number alone is an example;
    # next to a member's name and e-mail it is that member's number
    record = (
        "This YAML seeds our club directory app.\nmembers:\n  - name: Hope Castellano\n"
        '    phone: "(512) 555-0119"\n    email: hope.castellano@gmail.example\n'
    )
    found = shared_guard.inspect(record).findings
    assert any(
        f["entity_type"] == "PHONE_NUMBER" and "555-0119" in record[f["start"] : f["end"]] for f in found
    )
    example = 'The docs example writes the number as "(512) 555-0119", with a space after the bracket.'
    assert "PHONE_NUMBER" not in {f["entity_type"] for f in shared_guard.inspect(example).findings}


def test_masks_fictional_numbers_and_long_past_births_are_not_personal(shared_guard: Guard) -> None:
    blank = "Full name: ____\nDate of birth: MM/DD/YYYY\nSSN: XXX-XX-XXXX\nPhone: (555) 555-5555\n"
    assert shared_guard.inspect("Which input masks fit this form?\n" + blank).action == "allow"
    history = "Fernando Pessoa nasceu a 13 de junho de 1888 em Lisboa."
    assert "DATE_OF_BIRTH" not in {f["entity_type"] for f in shared_guard.inspect(history).findings}
    living = shared_guard.inspect("Kunde geboren am 14.03.1961, bitte prüfen.").findings
    assert "DATE_OF_BIRTH" in {f["entity_type"] for f in living}
    assert shared_guard.inspect("SSN: 123-45-6789").action != "allow"


def test_current_new_and_old_around_a_field_keep_its_type() -> None:
    vocabulary = FieldVocabulary({"STREET_ADDRESS": ["heimilisfang", "adresse", "anschrift", "dirección"]})
    for key in ("Núverandi heimilisfang", "Adresse actuelle", "Ständige Anschrift", "dirección anterior"):
        assert vocabulary.type_of(key) == "STREET_ADDRESS", key
    assert vocabulary.type_of("Adresse IP") is None


def test_an_issuer_before_a_label_keeps_the_label_s_type_but_names_no_person_or_street() -> None:
    vocabulary = FieldVocabulary(
        {
            "ACCOUNT_NUMBER": ["licence no", "member number"],
            "PASSPORT": ["passport"],
            "PERSON": ["name"],
            "STREET_ADDRESS": ["address"],
            "SECRET": ["password"],
        }
    )
    for key in ("BJA licence no", "RFU member number", "licence no", "Ontario licence no"):
        assert vocabulary.type_of(key) == "ACCOUNT_NUMBER", key
    assert vocabulary.type_of("US passport") == vocabulary.type_of("Irish passport") == "PASSPORT"
    # one word after it that names a person or a street, or no issuer's capital
    for key in ("DB name", "MAC address", "Pool name", "bja licence no", "Storing passwords"):
        assert vocabulary.type_of(key) is None, key


def test_a_number_column_takes_its_kind_from_the_row_s_label_cell(shared_guard: Guard) -> None:
    text = (
        "| who | document | number |\n|---|---|---|\n"
        "| me | Ohio driver's license | RT 417 882 035 |\n| me | shoe size | 44 |\n"
    )
    found = {(pair.key, text[pair.start : pair.end]) for pair in read_pairs(text)}
    assert ("Ohio driver's license", "RT 417 882 035") in found
    findings = shared_guard.inspect(text).findings
    assert [f["entity_type"] for f in findings if text[f["start"] : f["end"]] == "RT 417 882 035"] == [
        "DRIVER_LICENSE"
    ]
    assert not [f for f in findings if text[f["start"] : f["end"]] == "44"]


def test_keys_match_in_any_case_separator_language_and_owner() -> None:
    vocabulary = FieldVocabulary(
        {"DATE_OF_BIRTH": ["date of birth", "dob", "Geburtsdatum", "fecha de nacimiento"]}
    )
    for key in (
        "dateOfBirth",
        "DATE_OF_BIRTH",
        "d.o.b.",
        "geburtsdatum",
        "Fecha de nacimiento",
        "patient_dob",
    ):
        assert vocabulary.type_of(key) == "DATE_OF_BIRTH", key
    for key in ("created_at", "date", "birth_country", "dob_verified_flag"):
        assert vocabulary.type_of(key) is None, key
    assert normalize_key("Straße") == "strasse"


def test_a_label_of_alternatives_names_each_one_with_its_shared_head() -> None:
    vocabulary = FieldVocabulary(
        {"DATE_OF_BIRTH": ["születési idő", "geburtsdatum", "dob"], "PERSON": ["name"]}
    )
    assert vocabulary.type_of("Geburtsort/-datum") == "DATE_OF_BIRTH"  # "Geburts" + "datum"
    assert vocabulary.type_of("Geburtsort") is None
    text = "Születési hely, idő: Debrecen, 1968. 04. 17.\nName, DOB: Jana Novak, 04/11/1982\n"
    pairs = {(pair.key, text[pair.start : pair.end]) for pair in read_pairs(text)}
    assert ("Születési idő", "1968. 04. 17.") in pairs
    assert ("Születési hely", "Debrecen") in pairs
    assert ("Name", "Jana Novak") in pairs and ("DOB", "04/11/1982") in pairs


def test_a_key_with_a_qualifier_after_it_is_read_by_the_words_before() -> None:
    vocabulary = FieldVocabulary({"DATE_OF_BIRTH": ["birthday", "geburtsdatum"], "PHONE_NUMBER": ["phone"]})
    assert vocabulary.type_of("birthday as sent") == "DATE_OF_BIRTH"
    assert vocabulary.type_of("Geburtsdatum laut Ausweis") == "DATE_OF_BIRTH"
    assert vocabulary.type_of("phone if different") == "PHONE_NUMBER"
    assert vocabulary.type_of("as phone") is None  # the qualifier word must follow a field's name
    assert vocabulary.type_of("phone model") is None


def test_a_key_in_the_plural_is_read_as_its_singular_but_not_a_counter_or_pass() -> None:
    vocabulary = FieldVocabulary({"PERSON": ["given name", "surname"], "PASSPORT": ["pas"]})
    assert vocabulary.type_of("given_names") == vocabulary.type_of("Surnames") == "PERSON"
    assert vocabulary.type_of("pass") is None  # "pas" is a passport in Dutch; "pass" is no plural of it
    by_suffix = FieldVocabulary({"SECRET": ["token"]}, key_suffix=True)
    assert by_suffix.type_of("prompt_tokens") is None  # a count of tokens


def test_a_number_word_in_front_of_a_label_says_nothing_more() -> None:
    vocabulary = FieldVocabulary({"PASSPORT": ["passaporte", "paszportu", "passport"]})
    for key in ("Nº passaporte", "Nr paszportu", "No. of passport", "n° passport"):
        assert vocabulary.type_of(key) == "PASSPORT", key
    assert vocabulary.type_of("number of passports issued") is None


def test_a_key_suffix_vocabulary_reads_a_key_by_its_last_words() -> None:
    by_suffix = FieldVocabulary({"SECRET": ["token", "password"]}, key_suffix=True)
    exact = FieldVocabulary({"SECRET": ["token", "password"]})
    for key in ("TWILIO_AUTH_TOKEN", "sentryAuthToken"):
        assert by_suffix.type_of(key) == "SECRET", key
        assert exact.type_of(key) is None, key
    # a dotted properties or JSON path is read by its last parts in either vocabulary
    assert by_suffix.type_of("spring.datasource.password") == exact.type_of("db.password") == "SECRET"
    assert exact.type_of("db.password_policy") is None
    for key in ("token_type", "prompt_tokens", "password_policy"):
        assert by_suffix.type_of(key) is None, key
    # a long name glued to the word before it (`rootpassword`); a short one is too often a word's end
    short = FieldVocabulary({"SECRET": ["pass", "password"]}, key_suffix=True)
    assert short.type_of("rootpassword") == short.type_of("DB_ADMINPASSWORD") == "SECRET"
    assert short.type_of("bypass") is short.type_of("compass") is exact.type_of("rootpassword") is None


@pytest.fixture(scope="module")
def shared_guard(tmp_path_factory: pytest.TempPathFactory) -> Guard:
    path = tmp_path_factory.mktemp("structure") / "a.jsonl"
    return Guard(audit_log=path, hmac_key=b"k" * 32, reload_interval=None)


def _sent(guard: Guard, text: str) -> str | None:
    inspection = guard.inspect(text)
    return inspection.sanitized["messages"][0]["content"] if inspection.sanitized else None


def test_a_long_one_word_value_is_read_whole_and_a_long_sentence_is_not_a_value() -> None:
    token = "IQoJb3JpZ2luX2Vj" + "Eu9Hqr+kFV7ueOW7+80ORFvPwZ3mVfwlxw7KoRip/" * 20  # an STS session token
    text = '{"Credentials": {"SessionToken": "' + token + '", "Expiration": "2026-01-01T00:00:00Z"}}'
    pairs = {pair.key: text[pair.start : pair.end] for pair in read_pairs(text)}
    assert pairs["SessionToken"] == token
    prose = '{"note": "' + "the caller asked again about the invoice and the refund " * 10 + '"}'
    assert not [pair for pair in read_pairs(prose) if pair.key == "note"]


def test_values_take_the_type_of_their_key(shared_guard: Guard) -> None:
    text = "Clean up this export:\nvorname,nachname,geburtsdatum,kundennummer\nanna,kowalska,04.03.1985,KD-88421\n"
    found = {f["entity_type"]: text[f["start"] : f["end"]] for f in shared_guard.inspect(text).findings}
    assert found["DATE_OF_BIRTH"] == "04.03.1985" and found["ACCOUNT_NUMBER"] == "KD-88421"
    sent = _sent(shared_guard, text)
    assert sent is not None and "kowalska" not in sent and "04.03.1985" not in sent


def test_a_national_id_under_its_label_stays_local(shared_guard: Guard) -> None:
    assert shared_guard.inspect("Applicant\nPESEL: 44051401359\nStatus: pending").action == "local"


def test_a_date_of_birth_in_prose_is_not_just_a_date(shared_guard: Guard) -> None:
    for text, value in (
        ("She was born on 3 March 1985 in Leeds.", "3 March 1985"),
        ("Il est né le 12/04/1979 à Lyon.", "12/04/1979"),
        ("Er ist geboren am 01.02.1990 in Kiel.", "01.02.1990"),
    ):
        sent = _sent(shared_guard, text)
        assert sent is not None and value not in sent and "<DATE_OF_BIRTH_" in sent, text
    other = shared_guard.inspect("The meeting on 3 March 1985 was short.").findings
    assert "DATE_OF_BIRTH" not in {f["entity_type"] for f in other}


def test_an_hl7_message_leaves_without_its_patient(shared_guard: Guard) -> None:
    text = (
        "Why does our interface engine reject this ADT?\n"
        "MSH|^~\\&|EPIC|HOSP|||20240101||ADT^A01|1|P|2.5\n"
        "PID|1||MRN-4411^^^HOSP^MR||NOWAK^ANNA^M||19790312|F|||UL. LIPOWA 4^^KRAKOW^^30-001||601 222 333\n"
    )
    found = {text[f["start"] : f["end"]]: f["entity_type"] for f in shared_guard.inspect(text).findings}
    assert found.get("NOWAK") == "PERSON" and found.get("19790312") == "DATE_OF_BIRTH"
    assert found.get("MRN-4411") == "MEDICAL_RECORD_NUMBER" and found.get("601 222 333") == "PHONE_NUMBER"


def test_a_service_name_field_is_not_a_person(shared_guard: Guard) -> None:
    text = "name: build-and-test\nruns-on: ubuntu-latest\nsteps:\n  - name: checkout"
    assert shared_guard.inspect(text).action == "allow"


def test_one_value_one_fate_across_segments_and_parts(shared_guard: Guard) -> None:
    messages = [
        {"role": "user", "content": "Customer Anna Kowalska (anna.kowalska@wp.pl) wrote to us."},
        {"role": "assistant", "content": "Noted."},
        {"role": "user", "content": "Kowalska says the login anna.kowalska is locked. Reply to Anna."},
    ]
    inspection = shared_guard.inspect(messages)
    assert inspection.sanitized is not None
    later = inspection.sanitized["messages"][2]["content"]
    assert "Kowalska" not in later and "anna.kowalska" not in later and "Anna" not in later, later


def test_a_family_form_in_arabic_keeps_names_passports_and_the_address(shared_guard: Guard) -> None:
    text = (
        "الكفيل: سامي يوسف النجار\n"
        "رقم جواز السفر: P44019287\n"
        "الزوجة: سلمى فؤاد الخطيب، تاريخ الميلاد 03/07/1991\n"
        "العنوان: شقة 88، شارع النخيل، الشارقة"
    )
    found = {(text[f["start"] : f["end"]], f["entity_type"]) for f in shared_guard.inspect(text).findings}
    assert ("سامي يوسف النجار", "PERSON") in found
    assert ("P44019287", "PASSPORT") in found
    assert ("سلمى فؤاد الخطيب", "PERSON") in found  # the name before the Arabic comma, not the whole line
    assert any(entity == "STREET_ADDRESS" and value.startswith("شقة 88") for value, entity in found)


def test_a_connection_string_password_is_a_secret_wherever_else_it_stands(shared_guard: Guard) -> None:
    text = (
        '$ cat userlist.txt\n"billing" "Tq4#vLm8-zR2w"\n\n'
        "DATABASE_URL=postgres://billing:Tq4#vLm8-zR2w@10.0.0.5:6432/billing"
    )
    secrets = [f for f in shared_guard.inspect(text).findings if f["entity_type"] == "SECRET"]
    covered = {index for f in secrets for index in range(f["start"], f["end"])}
    first = text.index("Tq4#")
    assert set(range(first, first + len("Tq4#vLm8-zR2w"))) <= covered


def test_a_double_barrelled_name_after_a_title_is_found_whole_and_again_with_its_initials(
    shared_guard: Guard,
) -> None:
    text = 'Start with "Dear Mrs Adeyemi-Clarke". The payer shows as J B Adeyemi-Clarke, as I said.'
    inspection = shared_guard.inspect(text)
    assert inspection.sanitized is not None
    sent = inspection.sanitized["messages"][0]["content"]
    assert "Adeyemi" not in sent and "Clarke" not in sent and " J B " not in sent, sent
    assert "as I said" in sent  # the pronoun before a word is no initial


def test_a_key_is_read_with_any_number_word_in_any_order() -> None:
    vocabulary = FieldVocabulary(
        {"ACCOUNT_NUMBER": ["membership number", "numero cliente", "numéro d'adhérent"]}
    )
    # a number sign is a number word: "Membership #", "membership#"
    for key in (
        "membership_no",
        "Codice cliente",
        "N° adhérent",
        "MembershipNr",
        "cliente nº",
        "Membership #",
    ):
        assert vocabulary.type_of(key) == "ACCOUNT_NUMBER", key
    for key in ("client_id", "order number", "cliente", "numero", "#", "Order #"):
        assert vocabulary.type_of(key) is None, key


CODE_SHAPES = {
    "builder call": ('Customer.builder().customerNo("C-226277").build()', "customerNo", "C-226277"),
    "setter": ("user.setEmail('a.b@c.de');", "Email", "a.b@c.de"),
    "sql where": ("SELECT * FROM t WHERE customer_no = 'CL187103';", "customer_no", "CL187103"),
    "sql function": ("WHERE lower(last_name) = lower('Alves')", "last_name", "Alves"),
    "flag": ("manage.py createsuperuser --username arno_pon28 --noinput", "username", "arno_pon28"),
    "rest path": ('"GET /api/v1/customers/883 933 274/invoices HTTP/1.1"', "customer id", "883 933 274"),
    "two labels": ("Insurer / member no:  AOK / LID-07668", " member no", "LID-07668"),
    "keyed call": ("define( 'DB_PASSWORD', 'Gardenia#2023-rosas' );", "DB_PASSWORD", "Gardenia#2023-rosas"),
    "property setter": ('props.setProperty("mail.smtp.user", "ops-mailer");', "mail.smtp.user", "ops-mailer"),
    "php variable": ('$netgsmPass = "Netgsm!Kadikoy34";', "netgsmPass", "Netgsm!Kadikoy34"),
    "php array element": (
        "$cfg['Servers'][$i]['controlpass'] = 'Pma#ctl-4471';",
        "controlpass",
        "Pma#ctl-4471",
    ),
    "python subscript": ('os.environ["SMTP_USER"] = "m.novak"', "SMTP_USER", "m.novak"),
    "ruby default": ('ENV["DB_PASS"] ||= "Zx81-retro"', "DB_PASS", "Zx81-retro"),
    "makefile assignment": (
        "VERCEL_TOKEN := 1kebLmAZ0MCxx0n8rc\nREGION ?= eu",
        "VERCEL_TOKEN",
        "1kebLmAZ0MCxx0n8rc",
    ),
    "set command": (
        "aws configure set aws_secret_access_key Dt/FoziDBCiuDQlZBK67",
        "aws_secret_access_key",
        "Dt/FoziDBCiuDQlZBK67",
    ),
    "transcript answer": (
        "Bot: Thanks! What's your date of birth?\nUser: mine or hers? hers is 14/02/1958",
        "your date of birth",
        "14/02/1958",
    ),
    "git config": ("git config --global user.password 'Zx81-retro'", "user.password", "Zx81-retro"),
}


def test_code_lines_with_commas_are_not_a_table_and_string_edits_name_nothing() -> None:
    text = "define( 'DB_NAME', 'wp_shop' );\ndefine( 'DB_USER', 'wp_usr' );\ns = s.replace(\"password\", \"secret\")"
    keys = {pair.key for pair in read_pairs(text)}
    assert keys == {"DB_NAME", "DB_USER"}, keys


@pytest.mark.parametrize("shape", sorted(CODE_SHAPES))
def test_the_reader_finds_values_named_in_code_commands_and_paths(shape: str) -> None:
    text, key, value = CODE_SHAPES[shape]
    found = {(pair.key.strip(), text[pair.start : pair.end]) for pair in read_pairs(text)}
    assert (key.strip(), value) in found, found


def test_a_path_segment_without_a_digit_names_no_one() -> None:
    text = "GET /api/users/me/settings and /customers/search?q=x"
    assert not [p for p in read_pairs(text) if p.key.endswith(" id")]


def test_a_broken_insert_still_types_its_values() -> None:
    text = (
        "INSERT INTO u (username, email, first_name, created_at) VALUES\n('nigmet-761', 'n@y.tr', 'Nigmet');"
    )
    found = {pair.key: text[pair.start : pair.end] for pair in read_pairs(text)}
    assert found["username"] == "nigmet-761" and found["first_name"] == "Nigmet"


def test_an_unclosed_quote_in_one_insert_row_leaves_the_rows_below_it_typed() -> None:
    # the syntax error the user asks about: the phone value of the first row lost its closing quote
    text = (
        "INSERT INTO crew (handle, full_name, crew_dob, phone) VALUES\n"
        "('kestrel_ops', 'Ilse Varga', '1988-02-14', '0113 496 0321),\n"
        "('wren_b', 'Tomas Ferreira', '1979-10-03', '07700 900461');\n"
    )
    found = {(pair.key, text[pair.start : pair.end]) for pair in read_pairs(text)}
    assert {("handle", "kestrel_ops"), ("crew_dob", "1988-02-14")} <= found, found
    assert {("handle", "wren_b"), ("full_name", "Tomas Ferreira"), ("crew_dob", "1979-10-03")} <= found, found


@pytest.mark.timeout(20)
def test_an_unclosed_insert_row_is_read_in_one_pass() -> None:
    # each value of an unclosed row could be split many ways; a backtracking reader takes hours on this
    text = "INSERT INTO t (a, b) VALUES (" + "'x', " * 400 + "'" * 300
    assert read_pairs(text) == ()  # an unclosed row has no values to type


def test_a_header_listed_after_a_colon_in_prose_types_headerless_rows() -> None:
    text = (
        "Find duplicates (no header, columns: member_no, fname, dob)\n\n```csv\nM55104,Daisy,1961-05-22\n```"
    )
    found = {pair.key: text[pair.start : pair.end] for pair in read_pairs(text)}
    assert found["member_no"] == "M55104" and found["dob"] == "1961-05-22"


def test_a_header_listed_in_prose_types_rows_with_their_own_delimiter() -> None:
    text = 'Columns (first_name, last_name, dob, city):\n\n"Gabriele";"Benussi";"1994-06-26";"Milano"\n'
    found = {pair.key: text[pair.start : pair.end] for pair in read_pairs(text)}
    assert found["dob"] == "1994-06-26" and found["last_name"] == "Benussi"


def test_a_call_s_arguments_are_no_header_and_a_literal_s_prefix_is_no_value() -> None:
    text = (
        'req, _ := http.NewRequest("POST", "https://api.example.no/token", nil)\n'
        'req.Header.Set("client_secret", "Wq3Zt8Lm1Rx6Vb9Nc2Kd")\n'
        'session(server="fs01", username=r"CORP\\jnowak", password=r"Gl4ss\\Heron!")\n'
    )
    found = {(pair.key, text[pair.start : pair.end]) for pair in read_pairs(text)}
    assert not [key for key, value in found if "//" in key or key == "nil" or "Header.Set" in value], found
    assert ("password", "Gl4ss\\Heron!") in found and ("client_secret", "Wq3Zt8Lm1Rx6Vb9Nc2Kd") in found


def test_a_city_is_an_address_part_only_beside_the_rest_of_an_address(shared_guard: Guard) -> None:
    home = '{"street": "Vasagatan 117b", "postal_code": "753 20", "city": "Uppsala"}'
    assert "Uppsala" not in (_sent(shared_guard, f"Format this: {home}") or "Uppsala")
    weather = 'Call the weather tool with {"city": "Uppsala", "units": "metric"} please'
    assert "Uppsala" in (_sent(shared_guard, weather) or "")


def test_a_json_line_the_json_reader_cannot_take_gives_each_quoted_value_alone() -> None:
    # the object is cut off, so only the line reader sees it: a value ends at its closing quote
    text = 'payload: {"user": {\n "dob":"1988-04-02","phone":"+1 312 555 0188","tier":"gold",\n'
    pairs = {(p.key, text[p.start : p.end]) for p in read_pairs(text)}
    assert ("dob", "1988-04-02") in pairs
    assert not any(value.startswith('"') or '","' in value for _, value in pairs)


def test_a_value_that_is_its_own_types_field_name_is_a_column_not_a_value(shared_guard: Guard) -> None:
    code = "select {{ mask_pii('date_of_birth', 'dob') }}, {{ mask_pii('email', 'email') }} from customers"
    assert shared_guard.inspect(code).action == "allow"
    assert shared_guard.inspect("email: ana.ruiz@correo.example\ndob: 1990-01-02").action != "allow"


def test_a_key_with_whose_it_is_in_brackets_after_it_is_read_without_the_owner() -> None:
    vocabulary = FieldVocabulary({"PASSPORT": ["passport"], "PERSON": ["name"]})
    assert vocabulary.type_of("Passport (Josée Théberge)") == "PASSPORT"
    assert vocabulary.type_of("name (business name)") is None  # a note that changes what it names
    assert vocabulary.type_of("model (Passport)") is None


def test_a_javascript_object_and_a_terraform_variable_are_read_by_their_keys() -> None:
    text = "await db.patient.create({ firstName: \"Oluwaseun\", mrn: 'RJZ4471093', notes: `none` })"
    found = {(pair.key, text[pair.start : pair.end]) for pair in read_pairs(text)}
    assert {("firstName", "Oluwaseun"), ("mrn", "RJZ4471093")} <= found
    hcl = 'variable "db_admin" {\n  type      = string\n  default   = "Lomond-Harbour-19"\n  sensitive = true\n}'
    found = {(pair.key, hcl[pair.start : pair.end]) for pair in read_pairs(hcl)}
    assert {("db_admin", "Lomond-Harbour-19"), ("secret", "Lomond-Harbour-19")} <= found
    plain = 'variable "region" {\n  default = "fsn1"\n}'
    pairs = {(p.key, plain[p.start : p.end]) for p in read_pairs(plain)}
    assert ("region", "fsn1") in pairs and ("secret", "fsn1") not in pairs


def test_a_terraform_token_default_and_a_sensitive_default_are_blocked(guard: Guard) -> None:
    for text in (
        'variable "hcloud_token" {\n  default = "c4k5BgyegLsXQf3esPnUbkaokCsdrv4udFhF0RabNwRimZ0qlFvBICfdWcmJVUwD"\n}',
        'variable "db_admin" {\n  default   = "Lomond-Harbour-19"\n  sensitive = true\n}',
    ):
        assert guard.inspect(text).action == "block", text


def test_an_ssh_client_config_is_read_by_its_keywords_and_its_login_is_a_username(guard: Guard) -> None:
    config = "Host build-box\n    HostName 198.51.100.24\n    User tlindqvist\n    Port 2222\n"
    found = {(pair.key, config[pair.start : pair.end]) for pair in read_pairs(config)}
    assert {("HostName", "198.51.100.24"), ("User", "tlindqvist"), ("Port", "2222")} <= found
    findings = guard.inspect(config).findings
    assert any(
        config[f["start"] : f["end"]] == "tlindqvist" and f["entity_type"] == "USERNAME" for f in findings
    )
    # prose that starts a line with "User" is no config
    prose = "User tlindqvist reported the outage.\nPort the fix to 2.x as well."
    assert not any(pair.key == "User" for pair in read_pairs(prose))


def test_an_images_or_a_daemons_own_account_is_nobodys_login(guard: Guard) -> None:
    for config in ("Host *\n  User ubuntu\n", "Host ci\n  User ec2-user\n", "Match host *.corp\n  User %r\n"):
        assert guard.inspect(config).action == "allow", config


def test_an_assignment_inside_a_value_is_a_pair_of_its_own(guard: Guard) -> None:
    unit = '[Service]\nEnvironment="RESTIC_PASSWORD_PHRASE=Marble-Otter-52"\nEnvironment=PGUSER=app PGPASSFILE=/etc/pg'
    found = {(pair.key, unit[pair.start : pair.end]) for pair in read_pairs(unit)}
    assert {
        ("RESTIC_PASSWORD_PHRASE", "Marble-Otter-52"),
        ("PGUSER", "app"),
        ("PGPASSFILE", "/etc/pg"),
    } <= found
    assert guard.inspect('[Service]\nEnvironment="BACKUP_PASSPHRASE=Marble-Otter-52"').action == "block"


def test_welsh_and_irish_form_labels_type_their_values(guard: Guard) -> None:
    form = "Enw: Eurgain Penhallow\nDyddiad geni: 09/11/1979\nFfôn: 07700 900517\nUimhir chuntais: 55012877"
    types = {form[f["start"] : f["end"]]: f["entity_type"] for f in guard.inspect(form).findings}
    assert types.get("09/11/1979") == "DATE_OF_BIRTH"
    assert types.get("07700 900517") == "PHONE_NUMBER"
    assert types.get("55012877") == "ACCOUNT_NUMBER"


@pytest.mark.parametrize(
    ("form", "name"),
    [
        ("שם: נועה ברקוביץ\nטלפון: 052-000-0000", "נועה ברקוביץ"),  # noqa: RUF001
        ("ชื่อ-สกุล: นาย ธนกร ใจดีมาก\nโทร: 080 000 0000", "ธนกร ใจดีมาก"),
        ("والد: نعیم اختر، شناختی کارڈ نمبر 00000-0000000-0", "نعیم اختر"),
    ],
)
def test_a_name_label_of_hebrew_thai_or_urdu_types_its_value(guard: Guard, form: str, name: str) -> None:
    findings = guard.inspect(form).findings
    assert any(f["entity_type"] == "PERSON" and name in form[f["start"] : f["end"]] for f in findings), (
        findings
    )
