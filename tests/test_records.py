"""Rows of people's records pasted without a header: columns typed by what the rows hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from privproxy import Guard


@pytest.fixture(scope="module")
def guard(tmp_path_factory: pytest.TempPathFactory) -> Guard:
    audit = Path(tmp_path_factory.mktemp("records")) / "audit.jsonl"
    return Guard(audit_log=audit, hmac_key=b"r" * 32, reload_interval=None)


def typed(guard: Guard, text: str) -> dict[str, set[str]]:
    """Each value the request's findings cover whole, with the types they gave it."""
    out: dict[str, set[str]] = {}
    for finding in guard.inspect(text).findings:
        out.setdefault(text[finding["start"] : finding["end"]], set()).add(finding["entity_type"])
    return out


PATIENTS = (
    "Mach daraus eine Tabelle\n\n"
    "NHC 1348974\tBruni Eigenwillig\t1959-06-07\tVorhofflimmern\tApixaban\n"
    "MRN8861195\tJeanette Fliegner\t1962-05-25\tHypothyreose\tLetrox\n"
    "76388677\tAoi Watanabe\t1990-02-08\tDiabetes mellitus Typ 2\tSertralin\n"
)


def test_headerless_patient_rows_lose_every_column_that_identifies_or_is_health_data(guard: Guard) -> None:
    found = typed(guard, PATIENTS)
    for number in ("NHC 1348974", "MRN8861195", "76388677"):
        assert "MEDICAL_RECORD_NUMBER" in found.get(number, set()), number
    for date in ("1959-06-07", "1962-05-25", "1990-02-08"):
        assert "DATE_OF_BIRTH" in found.get(date, set()), date
    assert "MEDICAL_CONDITION" in found.get("Hypothyreose", set())  # no detector knows the German word
    assert "MEDICATION" in found.get("Letrox", set())
    assert "PERSON" in found.get("Aoi Watanabe", set())  # a name the NER missed, in the name column
    assert guard.inspect(PATIENTS).action == "local"  # health data stays in-house


def test_headerless_customer_rows_lose_their_numbers_and_birth_dates(guard: Guard) -> None:
    text = (
        "Which of these look like duplicates?\n"
        "KD-4705106;Nicole Wojtach;n.wojtach@onet.pl;14.03.1988;2024-11-02;129.90\n"
        "KD-4705291;Pavel Novak;pavel.novak@seznam.cz;02.07.1979;2025-01-15;89.00\n"
        "KD-4705330;Ilse Brandt;ilse.b@posteo.de;30.11.1991;2025-02-01;12.50\n"
    )
    found = typed(guard, text)
    assert "ACCOUNT_NUMBER" in found.get("KD-4705106", set())  # no health data here: an account number
    assert "DATE_OF_BIRTH" in found.get("02.07.1979", set())
    # the order dates are recent and the amounts are decimals: neither is typed
    assert "2025-01-15" not in found
    assert "89.00" not in found


def test_a_table_that_names_nobody_is_left_alone(guard: Guard) -> None:
    text = (
        "Sum the stock per warehouse:\n"
        "SKU-574481\tBlue mug\t1998-01-01\t120\n"
        "SKU-574482\tRed mug\t1999-05-01\t80\n"
        "SKU-574483\tTea pot\t1997-03-09\t15\n"
    )
    assert guard.inspect(text).action == "allow"


def test_a_table_under_a_header_is_typed_by_its_column_names(guard: Guard) -> None:
    # The structure reader's job: the header row is no record, and "author" names nobody's record.
    text = (
        "member_no,given_name,email,birthdate\n"
        "LID-89362,Alma,a.ferrari@bluewin.ch,09/09/1950\n"
        "MBR592644,Luce,lucepascal86@wanadoo.fr,22/12/1986\n"
    )
    found = typed(guard, text)
    assert not {"member_no", "given_name", "email", "birthdate"} & set(found)
    assert "LID-89362" in found
    assert "22/12/1986" in found
    books = (
        "author,title,publisher,year,isbn\n"
        '"Evans, E.",Domain-Driven Design,Addison-Wesley,2003,9780321125217\n'
        '"Fowler, M.",Refactoring,Addison-Wesley,2018,9780134757599\n'
        '"Kleppmann, M.",Designing Data-Intensive Applications,O\'Reilly,2017,9781449373320\n'
    )
    assert all(f["detector"] != "RecordColumns" for f in guard.inspect(books).findings)


def test_a_column_of_names_under_a_header_of_any_language_is_names_in_every_cell(guard: Guard) -> None:
    # a list of contacts ("Ngalan" is "name" in Cebuano, a header the vocabulary need not know): most
    # cells of the column were found as names, so the one the NER missed (written in lower case) is a name too
    text = (
        "| Ngalan | Telepono |\n|---|---|\n"
        "| dodong lumapas | 0917 448 2210 |\n"
        "| Rechelle Tumbaga | 0998 310 5547 |\n"
        "| Kenneth Sarmiento | 0926 771 0834 |\n"
    )
    assert "dodong lumapas" in typed(guard, text)
    # a results table has names and no contacts: the other cells of its columns stay
    results = (
        "| Player | Club | Goals |\n|---|---|---|\n"
        "| Erling Haaland | Manchester City | 27 |\n"
        "| Mohamed Salah | Liverpool | 19 |\n"
        "| Ollie Watkins | Aston Villa | 19 |\n"
    )
    assert all(f["detector"] != "RecordColumns" for f in guard.inspect(results).findings)
