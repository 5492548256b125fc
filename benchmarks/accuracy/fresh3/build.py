#!/usr/bin/env python3
# ruff: noqa: E741, B023, W291  (hand-written corpus script: `l` is a label throughout; cell() is used inside the loop; TSV rows end in an empty cell)
"""Build the 'fresh3' privacy-filter evaluation corpus (third blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The script strips the markers, records a label for every marker with exact
character offsets into the cleaned text, checks the offsets, validates every
NATIONAL_ID / IBAN_CODE / CREDIT_CARD checksum (python-stdnum), checks that no
labelled value also occurs unlabelled elsewhere in the same prompt, assigns the
dev/test half with a fixed seed, and writes fresh3.jsonl next to this file.

Run:  python build.py            (needs python-stdnum)
"""

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
    "ES": ("stdnum.es.dni", "stdnum.es.nie"),
    "IT": "stdnum.it.codicefiscale",
    "SE": "stdnum.se.personnummer",
    "DK": "stdnum.dk.cpr",
    "FI": "stdnum.fi.hetu",
    "CA": "stdnum.ca.sin",
    "FR": "stdnum.fr.nir",
    "DE": "stdnum.de.idnr",
    "BE": "stdnum.be.nn",
    "CH": "stdnum.ch.ssn",
    "ZA": "stdnum.za.idnr",
    "MX": "stdnum.mx.curp",
    "CL": "stdnum.cl.rut",
    "TR": "stdnum.tr.tckimlik",
    "US": "stdnum.us.ssn",
    "GB": "stdnum.gb.nhs",
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
    "GR": "stdnum.gr.amka",
    "SI": "stdnum.si.emso",
    "KR": "stdnum.kr.rrn",
    "CN": "stdnum.cn.ric",
    "AU": "stdnum.au.tfn",
    "NZ": "stdnum.nz.ird",
    "IL": "stdnum.il.idnr",
    "AR": ("stdnum.ar.cuit", "stdnum.ar.dni"),
}
LANGS = {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da", "fi", "cs", "ro"}

MARK = re.compile(r"⟦([A-Z_]+)(?:@([A-Z]{2}))?:(.*?)⟧", re.S)

PROMPTS = []


def add(group, lang, domain, fmt, text):
    assert group in GROUPS, group
    assert fmt in FORMATS, fmt
    assert lang in LANGS, lang
    PROMPTS.append({"group": group, "lang": lang, "domain": domain, "format": fmt, "raw": text.strip("\n")})


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
# group pii (h-0001 .. h-0070)
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "wedding-guest-list-catering",
    "csv",
    """
Can you turn this guest list into a seating-plan table grouped by dietary need? The caterer wants it by Friday.

guest,plus_one,email,mobile,dietary
⟦P:Harriet Blackwood⟧,⟦P:Sunil Varma⟧,⟦E:harriet.blackwood@mailbox.example⟧,⟦T:07824 613 207⟧,vegetarian
⟦P:Connor McAteer⟧,,⟦E:c.mcateer84@inbox.example⟧,⟦T:07391 558 046⟧,⟦MC:coeliac⟧ - strictly no gluten
⟦P:Priya Varma⟧,⟦P:Tom Ashdown⟧,⟦E:priya.v@fastpost.example⟧,⟦T:07468 220 915⟧,none
⟦P:Eilidh Strachan⟧,,⟦E:eilidh.strachan@webmail.example⟧,⟦T:07957 304 182⟧,⟦MC:tree nut allergy⟧ (anaphylactic)
⟦P:Bernard Okonjo⟧,⟦P:Grace Okonjo⟧,⟦E:b.okonjo@mailbox.example⟧,⟦T:07812 667 530⟧,halal
""",
)
add(
    "pii",
    "en",
    "tenant-screening-summary",
    "prose",
    """
Summarise this rental application for the landlord in three bullet points, neutral tone, no opinions about the applicant's background.

Applicant: ⟦P:Darnell Whitaker⟧, DOB ⟦DOB:03/07/84⟧, SSN ⟦ID@US:045-09-5138⟧. Currently renting at ⟦A:2217 Larkspur Ave, Apt 3C, Columbus, OH 43215⟧ for four years; previous landlord ⟦P:Maureen Ostrowski⟧ (⟦T:(614) 555-0148⟧) confirms on-time rent. Employer: Scioto Valley Freight, dispatcher, $58,400/yr. Co-applicant is his sister ⟦P:Keisha Whitaker⟧, reachable at ⟦E:keisha.whitaker@inbox.example⟧. One late payment in 2022 explained by a hospital stay for ⟦MC:appendicitis⟧. ⟦P:Darnell⟧ has a 12-year-old dog (beagle, 11 kg).
""",
)
add(
    "pii",
    "de",
    "stipendium-bewerbung",
    "form",
    """
Kannst du prüfen, ob in diesem Bewerbungsbogen für das Stipendium der Stadtwerke-Stiftung etwas fehlt?

Name: ⟦P:Vogelsang⟧
Vorname: ⟦P:Leonie⟧
Geburtsdatum: ⟦DOB:07.03.2001⟧
Straße, Hausnr.: ⟦A:Am Kirchberg 4a⟧
PLZ: ⟦A:37073⟧
Ort: ⟦A:Göttingen⟧
E-Mail: ⟦E:leonie.vogelsang@uni-post.example⟧
Mobil: ⟦T:+49 1512 3348190⟧
Steuer-Identifikationsnummer: ⟦ID@DE:94015298760⟧
Studiengang: Agrarwissenschaften, 5. Fachsemester
Nachteilsausgleich: ja, wegen ⟦MC:Legasthenie⟧ (Gutachten liegt bei)
Bankverbindung für Auszahlung: ⟦IBAN:DE80 9416 0486 9203 8584 35⟧
""",
)
add(
    "pii",
    "fr",
    "fiche-hotel-client-etranger",
    "form",
    """
Traduis cette fiche individuelle de police en anglais pour le réceptionniste de nuit, garde la mise en forme :

FICHE INDIVIDUELLE DE POLICE — Hôtel des Tanneurs, chambre 14
Nom : ⟦P:Lindqvist⟧
Prénom : ⟦P:Annika⟧
Née le : ⟦DOB:22 août 1979⟧ à Uppsala (Suède)
Nationalité : suédoise
Passeport n° : ⟦PASS:AA7731924⟧
Domicile habituel : ⟦A:Kungsgatan 41, 753 21 Uppsala⟧, Suède
Date d'arrivée : 12/10 — départ prévu : 15/10
Enfant(s) de moins de 15 ans : 1 (⟦P:Elsa Lindqvist⟧, 9 ans)
Téléphone : ⟦T:+46 70 412 88 63⟧
""",
)
add(
    "pii",
    "es",
    "contrato-alquiler-coche",
    "form",
    """
Revisa este borrador del contrato de alquiler y dime si falta alguna cláusula obligatoria:

CONTRATO DE ARRENDAMIENTO DE VEHÍCULO SIN CONDUCTOR — Nº 2024/11-0873
Arrendatario: ⟦P:Iñaki Garmendia Zubiri⟧
DNI: ⟦ID@ES:11383057N⟧
Permiso de conducir nº: ⟦DL:11383057⟧ (clase B, expedido 2009)
Fecha de nacimiento: ⟦DOB:14/02/1987⟧
Domicilio: ⟦A:Calle Urbieta 22, 3º izda., 20006 Donostia⟧
Teléfono: ⟦T:+34 688 41 27 93⟧
Conductor adicional: ⟦P:Maialen Otegi⟧, permiso nº ⟦DL:72561049⟧
Tarjeta de garantía: ⟦CC:5192 3480 7925 6434⟧, cad. 09/27
Vehículo: Seat León 1.5 TSI, matrícula 4821 LMP, recogida en Aeropuerto de Bilbao.
""",
)
add(
    "pii",
    "en",
    "protective-order-petition-draft",
    "prose",
    """
Please tidy up the grammar of this statement for my protective order petition. Don't change the facts.

My name is ⟦P:Samantha Reyes-Coulter⟧ and I was born on ⟦DOB:19 September 1991⟧. I live at ⟦A:88 Quarry Hill Road, Unit 2, Burlington, VT 05401⟧ with my two children. The respondent, ⟦P:Travis Coulter⟧, is my ex-husband. On October 3rd he came to my workplace and then sent over 40 texts from ⟦T:(802) 555-0163⟧. He knows that I am being treated for ⟦MC:post-traumatic stress disorder⟧ and he has threatened to tell my employer. My sister ⟦P:Alicia Reyes⟧ witnessed the incident at my door and can be reached at ⟦T:(802) 555-0127⟧. I am asking the court to order ⟦P:Travis⟧ to stay 500 feet away from me and from the kids' school.
""",
)
add(
    "pii",
    "en",
    "support-chat-log-export",
    "kv-log",
    """
Summarise what went wrong in this support chat and draft the follow-up apology e-mail.

2024-11-02T09:14:07Z session=cs-88213 channel=web ip=⟦IP:81.132.45.207⟧ visitor="⟦P:Gwen Hollister⟧" email=⟦E:gwen.hollister@mailbox.example⟧
2024-11-02T09:14:21Z session=cs-88213 from=visitor msg="my order BK-55120-Q still hasn't shipped and I was charged twice"
2024-11-02T09:15:02Z session=cs-88213 from=agent agent=⟦U:tmorrow⟧ msg="Hi ⟦P:Gwen⟧, I'm sorry about that. Can you confirm the phone number on the account?"
2024-11-02T09:15:40Z session=cs-88213 from=visitor msg="⟦T:07403 918 274⟧, and the account number is ⟦ACC:CUST-00481937⟧"
2024-11-02T09:17:55Z session=cs-88213 from=agent agent=⟦U:tmorrow⟧ msg="Thanks. I see the duplicate charge. Refund raised as RF-20931."
2024-11-02T09:18:30Z session=cs-88213 event=closed csat=2
""",
)
add(
    "pii",
    "nl",
    "betwiste-kaarttransactie-brief",
    "prose",
    """
Maak van deze aantekeningen een formele brief aan mijn bank om een kaarttransactie te betwisten:

- ik: ⟦P:Joost van der Heijden⟧, ⟦A:Bilderdijkstraat 112-II, 1053 KZ Amsterdam⟧
- rekening: ⟦IBAN:NL74 RABO 9020 4340 86⟧
- creditcard ⟦CC:4799 8259 3336 2672⟧
- op 28 september € 649,00 afgeschreven door "GLOBETREK TRAVEL LTD", nooit iets besteld
- kaart zat al die tijd in mijn portemonnee, ik was thuis
- telefoon ⟦T:06 41 87 29 53⟧, mail ⟦E:joostvdheijden@kpnpost.example⟧
- heb de kaart op 29/9 laten blokkeren, referentie blokkade 7781-AX
""",
)
add(
    "pii",
    "en",
    "telemedicine-intake-json",
    "json",
    """
Write a short clinician-facing summary of this telehealth intake, max 80 words.

{
  "intake_id": "tv-2024-10-5521",
  "patient": {
    "name": "⟦P:Oluwaseun Adebayo⟧",
    "dob": "⟦DOB:1978-12-02⟧",
    "mrn": "⟦MRN:MRN-00734128⟧",
    "phone": "⟦T:+1 312-555-0186⟧",
    "email": "⟦E:seun.adebayo@inbox.example⟧"
  },
  "reason_for_visit": "persistent cough for 3 weeks, worse at night",
  "history": ["⟦MC:type 2 diabetes⟧", "⟦MC:hypertension⟧"],
  "current_medications": ["⟦MED:metformin⟧ 1000 mg bid", "⟦MED:lisinopril⟧ 10 mg daily"],
  "allergies": ["⟦MC:penicillin allergy⟧"],
  "pharmacy": "Walgreens #07712"
}
""",
)
add(
    "pii",
    "it",
    "iscrizione-scuola-primaria",
    "form",
    """
Mi aiuti a compilare la parte "note per la mensa" in modo chiaro? Ecco i dati del modulo d'iscrizione:

ALUNNO
Cognome e nome: ⟦P:Ferraresi Leonardo⟧
Codice fiscale: ⟦ID@IT:FRRLRD17P03A944H⟧
Nato a Bologna il ⟦DOB:3 settembre 2017⟧
Residenza: ⟦A:Via Mascarella 58, 40126 Bologna⟧
GENITORE / TUTORE
⟦P:Silvia Mantovani⟧ — cell. ⟦T:347 218 5593⟧ — ⟦E:silvia.mantovani@postamail.example⟧
Note sanitarie: ⟦MC:favismo⟧ (carenza di G6PD), niente fave né piselli; ⟦MC:intolleranza al lattosio⟧ lieve
""",
)
add(
    "pii",
    "en",
    "job-reference-letter",
    "prose",
    """
Make this reference letter sound warmer but keep it under 200 words.

To whom it may concern,
I managed ⟦P:Rukhsana Iqbal⟧ at Halden Logistics from 2019 to 2024 as a senior planner. ⟦P:Rukhsana⟧ rebuilt our routing spreadsheets and cut weekly overtime by a third. She took a few months of leave in 2022 for ⟦MC:breast cancer⟧ treatment and came back stronger than ever. I recommend her without reservation. Feel free to call me on ⟦T:0161 496 0732⟧ or write to ⟦E:m.treharne@halden-logistics.example⟧.
⟦P:Martin Treharne⟧, Operations Director
""",
)
add(
    "pii",
    "pl",
    "wniosek-wizowy-szkic",
    "form",
    """
Przetłumacz na angielski poniższe dane do wniosku wizowego (zachowaj układ):

Nazwisko: ⟦P:Zielińska⟧
Imię: ⟦P:Karolina⟧
Data urodzenia: ⟦DOB:07-03-2001⟧
Miejsce urodzenia: Lublin
PESEL: ⟦ID@PL:01230775940⟧
Numer paszportu: ⟦PASS:EK4093517⟧, ważny do 11.2031
Adres zamieszkania: ⟦A:ul. Narutowicza 19 m. 7, 20-016 Lublin⟧
Telefon: ⟦T:+48 512 604 338⟧
Cel podróży: studia (semestr wymiany, University of Waterloo)
Osoba kontaktowa w kraju: ⟦P:Grzegorz Zieliński⟧ (ojciec), ⟦T:+48 601 772 905⟧
""",
)
add(
    "pii",
    "en",
    "debt-collection-letter",
    "prose",
    """
Rewrite this collection letter so it complies with the FDCPA (no threats, include the validation notice).

Dear Mr ⟦P:Kowalczyk⟧,
RE: Account ⟦ACC:4471-009-238815⟧ — balance $2,318.40
Our records show that you, ⟦P:Adrian Kowalczyk⟧, of ⟦A:415 W Franklin St, Apt 9, Richmond, VA 23220⟧, have not paid this balance since March. If we do not hear from you by the 30th we will contact your employer and your mother ⟦P:Halina Kowalczyk⟧. Call ⟦T:(804) 555-0119⟧ to arrange payment.
""",
)
add(
    "pii",
    "sv",
    "traningsapp-export",
    "csv",
    """
Räkna ut genomsnittlig vilopuls per person och vecka ur den här exporten från träningsappen:

user,email,date,rest_hr,steps,note
⟦U:frida_l88⟧,⟦E:frida.lundgren@postlada.example⟧,2024-10-07,58,11204,
⟦U:frida_l88⟧,⟦E:frida.lundgren@postlada.example⟧,2024-10-08,61,9876,tog ⟦MED:Metoprolol⟧ på morgonen
⟦U:niklas.berg⟧,⟦E:niklas.berg@brevlada.example⟧,2024-10-07,72,4430,⟦MC:förmaksflimmer⟧ igen i kväll
⟦U:niklas.berg⟧,⟦E:niklas.berg@brevlada.example⟧,2024-10-08,69,6012,
""",
)
add(
    "pii",
    "en",
    "genealogy-research-notes",
    "prose",
    """
Turn my family-tree notes into a tidy narrative paragraph for the cousins' newsletter.

Great-grandfather ⟦P:Patrick Joseph Delaney⟧ emigrated from Clonakilty in 1911. His son ⟦P:Michael Delaney⟧ married ⟦P:Rose Tierney⟧ in Boston. Their daughter — my aunt ⟦P:Bernadette Delaney-Shaw⟧, born ⟦DOB:11 June 1949⟧ — still lives at ⟦A:27 Pleasant Street, Dorchester, MA 02125⟧ and has the original ship manifest. She was diagnosed with ⟦MC:Parkinson's disease⟧ last year, so call her son ⟦P:Kevin Shaw⟧ (⟦T:(617) 555-0192⟧) before visiting. My cousin ⟦P:Niamh Delaney⟧ (born ⟦DOB:4/2/1983⟧) did the DNA test.
""",
)
add(
    "pii",
    "da",
    "hittegods-anmeldelse",
    "form",
    """
Skriv en kort, venlig sms til ejeren baseret på denne hittegodsregistrering:

Hittegods nr. HG-24-3381 — Aarhus Rutebilstation
Genstand: sort rygsæk med bærbar computer og medicinæske (⟦MED:Eltroxin⟧)
Fundet: 21.10.2024 kl. 17.40, perron 6
Ejer (ifølge sygesikringskort i tasken): ⟦P:Mette Kragh Sørensen⟧
Fødselsdato: ⟦DOB:27.02.1986⟧
CPR: ⟦ID@DK:270286-2624⟧
Adresse: ⟦A:Frederiks Allé 73, 2. th., 8000 Aarhus C⟧
Telefon (fra visitkort): ⟦T:+45 28 47 19 06⟧
""",
)
add(
    "pii",
    "fr",
    "contestation-avis-de-contravention",
    "prose",
    """
Peux-tu rédiger une lettre de contestation à l'ANTAI à partir de ces éléments ?

Je m'appelle ⟦P:Thibault Marchetti⟧, né le ⟦DOB:17 janvier 1990⟧, domicilié ⟦A:9 rue des Carmes, 86000 Poitiers⟧. Avis de contravention n° 3218 4470 9915 pour stationnement gênant le 2 octobre à Tours. Or ce jour-là le véhicule était conduit par ma compagne, ⟦P:Inès Boukhari⟧, titulaire du permis n° ⟦DL:120586300417⟧. Moi-même j'étais hospitalisé au CHU de Poitiers pour une ⟦MC:pneumonie⟧ (bulletin de situation joint). Contact : ⟦T:06 72 18 45 90⟧, ⟦E:thibault.marchetti@courriel.example⟧.
""",
)
add(
    "pii",
    "en",
    "jira-ticket-customer-quote",
    "markdown-table",
    """
Convert this Jira ticket into release-notes language without any customer details.

**SUP-4412 — Address autocomplete overwrites flat number**

| field | value |
|---|---|
| Reporter | ⟦U:aisha.rahman⟧ (Support) |
| Customer | ⟦P:Declan Moriarty⟧ |
| Customer account | ⟦ACC:ACC-7720194⟧ |
| Contact | ⟦E:declan.moriarty@fastpost.example⟧, ⟦T:+353 87 214 6093⟧ |
| Quote | "I typed ⟦A:Flat 4, 19 Leeson Park, Dublin 6, D06 H2X3⟧ and it saved 19 Leeson Park only, so my parcel went back." |
| Priority | P2 |
""",
)
add(
    "pii",
    "de",
    "crm-notiz-kundenbetreuung",
    "prose",
    """
Fasse diese CRM-Notizen für die Übergabe an die Kollegin zusammen (Stichpunkte):

14.10. Anruf von Herrn ⟦P:Gerlach⟧ (Kundennr. ⟦ACC:K-4093317⟧), Tel. ⟦T:0221 94837162⟧. Will Vertrag auf seine Frau ⟦P:Birgit Gerlach⟧ umschreiben, weil er nach dem ⟦MC:Schlaganfall⟧ im Sommer nicht mehr selbst unterschreiben kann. Geburtsdatum Frau ⟦P:Gerlach⟧: ⟦DOB:02.11.1958⟧. Neue Anschrift ab 1.12.: ⟦A:Severinsmühlengasse 3, 50678 Köln⟧. Rückruf vereinbart für Donnerstag vormittag.
""",
)
add(
    "pii",
    "en",
    "nginx-access-log-signups",
    "kv-log",
    """
Which of these signup attempts look like bot traffic? Explain briefly.

2024-10-30T22:01:12+00:00 POST /api/signup status=201 ip=⟦IP:86.23.190.71⟧ email=⟦E:lucy.pemberton@inbox.example⟧ ua="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)" rt=0.312
2024-10-30T22:01:13+00:00 POST /api/signup status=201 ip=⟦IP:45.134.212.9⟧ email=⟦E:qx7b2z@tempbox.example⟧ ua="python-requests/2.31.0" rt=0.041
2024-10-30T22:01:13+00:00 POST /api/signup status=201 ip=⟦IP:45.134.212.9⟧ email=⟦E:qx7b3a@tempbox.example⟧ ua="python-requests/2.31.0" rt=0.039
2024-10-30T22:03:47+00:00 POST /api/signup status=409 ip=⟦IP:2a02:c7c:5d14:8e00:6d1e:3a9f:b2c4:11e0⟧ email=⟦E:tariq.osei@mailbox.example⟧ ua="Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0" rt=0.188
""",
)
add(
    "pii",
    "en",
    "sql-dump-loyalty-members",
    "sql",
    """
Write a migration that splits full_name into given_name and family_name for these rows:

INSERT INTO loyalty_members (member_no, full_name, email, phone, birth_date, postcode) VALUES
('⟦ACC:LM-2200418⟧', '⟦P:Hannah Zeller⟧', '⟦E:hannah.zeller@webmail.example⟧', '⟦T:+44 7723 480 119⟧', '⟦DOB:1995-04-18⟧', '⟦A:BS6 5QD⟧'),
('⟦ACC:LM-2200419⟧', '⟦P:Marcus O''Brien⟧', '⟦E:marcus.obrien@inbox.example⟧', '⟦T:+44 7858 136 702⟧', '⟦DOB:1968-10-02⟧', '⟦A:CF10 1EP⟧'),
('⟦ACC:LM-2200420⟧', '⟦P:Yusuf Demir⟧', '⟦E:y.demir@fastpost.example⟧', '⟦T:+44 7519 264 880⟧', '⟦DOB:2001-01-29⟧', '⟦A:LS2 9JT⟧');
""",
)
add(
    "pii",
    "es",
    "hoja-voluntarios-banco-alimentos",
    "csv",
    """
Organiza estos voluntarios del banco de alimentos en turnos de sábado por la mañana y por la tarde (pegado desde la hoja de cálculo):

nombre	apellidos	móvil	email	disponibilidad	observaciones
⟦P:Lucía⟧	⟦P:Ortega Bravo⟧	⟦T:654 120 887⟧	⟦E:lucia.ortega@correo.example⟧	mañana	
⟦P:Rafael⟧	⟦P:Quintana Ruiz⟧	⟦T:699 341 205⟧	⟦E:rafa.quintana@correo.example⟧	tarde	no puede cargar peso (⟦MC:hernia discal⟧)
⟦P:Dolores⟧	⟦P:Benítez Cano⟧	⟦T:622 908 416⟧	⟦E:lolabenitez@buzon.example⟧	ambas	⟦MC:diabética⟧, lleva ⟦MED:insulina⟧
""",
)
add(
    "pii",
    "en",
    "xml-customer-export",
    "code",
    """
Convert this XML export to JSON Lines, one customer per line:

<customers exported="2024-11-01">
  <customer id="c-1188">
    <name>⟦P:Ingrid Halvorsen⟧</name>
    <email>⟦E:ingrid.halvorsen@postkasse.example⟧</email>
    <phone>⟦T:+47 917 48 306⟧</phone>
    <address street="⟦A:Thereses gate 14B⟧" zip="⟦A:0168⟧" city="⟦A:Oslo⟧"/>
    <account>⟦ACC:NO-55102983⟧</account>
  </customer>
  <customer id="c-1189">
    <name>⟦P:Callum Fairbairn⟧</name>
    <email>⟦E:callum.fairbairn@mailbox.example⟧</email>
    <phone>⟦T:+44 131 496 0827⟧</phone>
    <address street="⟦A:12 Marchmont Crescent⟧" zip="⟦A:EH9 1HN⟧" city="⟦A:Edinburgh⟧"/>
    <account>⟦ACC:UK-55102984⟧</account>
  </customer>
</customers>
""",
)
add(
    "pii",
    "en",
    "vcard-contact-cleanup",
    "code",
    """
Fix this vCard so iOS imports the birthday and both phone numbers correctly:

BEGIN:VCARD
VERSION:3.0
N:⟦P:Papadakis⟧;⟦P:Eleni⟧;;;
FN:⟦P:Eleni Papadakis⟧
EMAIL;TYPE=HOME:⟦E:eleni.papadakis@inbox.example⟧
TEL;TYPE=CELL:⟦T:+30 694 512 7730⟧
TEL;TYPE=WORK:⟦T:+30 21 0364 1182⟧
ADR;TYPE=HOME:;;⟦A:Skoufa 47⟧;⟦A:Athina⟧;;⟦A:106 72⟧;Greece
BDAY:⟦DOB:1988-06-23⟧
NOTE:met at the Heraklion conference; ⟦MC:severe shellfish allergy⟧ - remember for dinner
END:VCARD
""",
)
add(
    "pii",
    "en",
    "email-headers-phishing-triage",
    "prose",
    """
Is this e-mail likely phishing? Look at the headers I copied:

Return-Path: <⟦E:billing-update@secure-paypa1.example⟧>
From: "Account Services" <⟦E:billing-update@secure-paypa1.example⟧>
To: ⟦P:Rebecca Stanhope⟧ <⟦E:rebecca.stanhope@inbox.example⟧>
Cc: ⟦P:Oliver Stanhope⟧ <⟦E:ollie.stanhope@mailbox.example⟧>
Date: Tue, 29 Oct 2024 06:12:44 +0000
Subject: Urgent: verify your account ending 4417
Received: from mail-relay.unknown ([⟦IP:185.220.101.47⟧]) by mx.inbox.example
X-Originating-IP: [⟦IP:185.220.101.47⟧]

Body starts "Dear ⟦P:Rebecca⟧, we noticed unusual sign-in activity..."
""",
)
add(
    "pii",
    "en",
    "hl7-adt-message-parse",
    "code",
    r"""
Parse this HL7 v2 ADT^A01 and list the segments with their meaning:

MSH|^~\&|EPICADT|STMARYS|LABSYS|STMARYS|202410291432||ADT^A01|MSG00427|P|2.5
PID|1||⟦MRN:00582214⟧^^^STMARYS^MR||⟦P:HUANG^MEI-LING⟧||⟦DOB:19670415⟧|F|||⟦A:4410 Cedar Ridge Dr^^Plano^TX^75093⟧||⟦T:(972)555-0134⟧
PV1|1|I|4W^412^B||||1043^⟦P:PATEL^ANIL⟧|||MED||||ADM|||||VN88213
DG1|1||E11.9^⟦MC:Type 2 diabetes mellitus without complications⟧^I10
RXE|1|⟦MED:Insulin glargine⟧ 100 U/mL|||
""",
)
add(
    "pii",
    "en",
    "fhir-patient-resource",
    "json",
    """
Validate this FHIR R4 Patient resource and tell me which required fields are wrong:

{
  "resourceType": "Patient",
  "id": "pt-7731",
  "identifier": [{"system": "urn:oid:2.16.840.1.113883.2.1.4.1", "value": "⟦ID@GB:977 563 8488⟧"},
                 {"system": "https://trust.example/mrn", "value": "⟦MRN:RX4-118820⟧"}],
  "name": [{"family": "⟦P:Abernathy⟧", "given": ["⟦P:Colin⟧"]}],
  "telecom": [{"system": "phone", "value": "⟦T:0113 496 0418⟧"}, {"system": "email", "value": "⟦E:colin.abernathy@webmail.example⟧"}],
  "gender": "male",
  "birthDate": "⟦DOB:1956-02-20⟧",
  "address": [{"line": ["⟦A:7 Ropewalk Lane⟧"], "city": "⟦A:Whitby⟧", "postalCode": "⟦A:YO21 3PU⟧"}]
}
""",
)
add(
    "pii",
    "en",
    "ldif-directory-import",
    "code",
    """
Why does ldapadd reject this entry with "object class violation"?

dn: uid=⟦U:nkaradzic⟧,ou=people,dc=kestrel,dc=example
objectClass: inetOrgPerson
uid: ⟦U:nkaradzic⟧
cn: ⟦P:Nina Karadžić⟧
sn: ⟦P:Karadžić⟧
givenName: ⟦P:Nina⟧
mail: ⟦E:nina.karadzic@kestrel.example⟧
telephoneNumber: ⟦T:+385 91 544 2087⟧
employeeNumber: 40217
postalAddress: ⟦A:Ilica 148$10000 Zagreb⟧
""",
)
add(
    "pii",
    "pt",
    "teleconsulta-resumo",
    "prose",
    """
Resume esta teleconsulta em linguagem simples para enviar ao paciente:

Teleconsulta de 30/10/2024 — Paciente: ⟦P:Rodrigo Azevedo Pinto⟧, nascido em ⟦DOB:12/05/1972⟧, processo n.º ⟦MRN:HSJ-2281473⟧, utente do SNS. Refere cefaleias frequentes há 2 meses. Antecedentes de ⟦MC:enxaqueca com aura⟧ e ⟦MC:hipotiroidismo⟧, medicado com ⟦MED:Eutirox⟧ 75 µg. Iniciou ⟦MED:topiramato⟧ 25 mg ao deitar. Contacto da esposa, ⟦P:Teresa Pinto⟧: ⟦T:912 447 310⟧. Reavaliação em 6 semanas.
""",
)
add(
    "pii",
    "ro",
    "cerere-bursa-sociala",
    "form",
    """
Verifică dacă dosarul pentru bursa socială are toate datele cerute de regulament:

Nume și prenume student: ⟦P:Andrei-Mihai Dumitrescu⟧
CNP: ⟦ID@RO:5040621382767⟧
Data nașterii: ⟦DOB:21.06.2004⟧
Domiciliu: ⟦A:Str. Traian nr. 12, bl. C3, ap. 14, Râmnicu Vâlcea, jud. Vâlcea⟧
Telefon: ⟦T:0745 318 226⟧
E-mail: ⟦E:andrei.dumitrescu@student.example⟧
Cont bancar (IBAN): ⟦IBAN:RO07 RNCB L7SN YURZ IS2A 5W7R⟧
Motivul cererii: venit pe membru de familie sub salariul minim; mama, ⟦P:Elena Dumitrescu⟧, pensionată pe caz de boală (⟦MC:scleroză multiplă⟧)
""",
)
add(
    "pii",
    "fi",
    "vapaaehtoisten-vuorolista",
    "markdown-table",
    """
Tee tästä vapaaehtoisten vuorolistasta viikkonäkymä, lauantai ja sunnuntai erikseen:

| nimi | puhelin | sähköposti | vuoro | huom |
|---|---|---|---|---|
| ⟦P:Aino Heikkilä⟧ | ⟦T:040 718 2935⟧ | ⟦E:aino.heikkila@posti.example⟧ | la 9–13 | |
| ⟦P:Jussi Mäkelä⟧ | ⟦T:050 366 1480⟧ | ⟦E:jussi.makela@posti.example⟧ | la 13–17 | ⟦MC:epilepsia⟧, ei yksin |
| ⟦P:Sanna Virtanen⟧ | ⟦T:044 902 5573⟧ | ⟦E:sanna.v@sahkoposti.example⟧ | su 10–14 | |
""",
)
add(
    "pii",
    "cs",
    "ubytovaci-kniha-penzion",
    "csv",
    """
Potřebuju z téhle ubytovací knihy spočítat poplatek z pobytu za říjen (Kč 50 za osobu a noc, děti do 18 let osvobozeny):

jméno;příjmení;datum narození;číslo dokladu;adresa;příjezd;odjezd
⟦P:Tereza⟧;⟦P:Horáková⟧;⟦DOB:2.12.1985⟧;⟦PASS:45887103⟧;⟦A:Veveří 61, 602 00 Brno⟧;11.10.;14.10.
⟦P:Ondřej⟧;⟦P:Horák⟧;⟦DOB:30.4.2011⟧;;⟦A:Veveří 61, 602 00 Brno⟧;11.10.;14.10.
⟦P:Wojciech⟧;⟦P:Nowicki⟧;⟦DOB:15.01.1977⟧;⟦PASS:ES2267419⟧;⟦A:ul. Ogrodowa 8, 58-500 Jelenia Góra⟧;18.10.;20.10.
""",
)
add(
    "pii",
    "it",
    "disconoscimento-addebito-sdd",
    "prose",
    """
Scrivimi una PEC alla banca per disconoscere questi addebiti SDD, tono formale:

Sono ⟦P:Matteo Esposito⟧ (C.F. ⟦ID@IT:SPSMTT84C07F839V⟧), nato a Napoli il ⟦DOB:7 marzo 1984⟧, residente in ⟦A:Via Foria 201, 80137 Napoli⟧. Sul mio conto ⟦IBAN:IT88 Z157 9603 015O IB72 40JS CO4⟧ ho trovato tre addebiti diretti da 39,90 € ciascuno a favore di "PRIMESTREAM DIGITAL", mandato mai firmato. Recapiti: ⟦T:+39 333 874 1092⟧, ⟦E:matteo.esposito84@posta.example⟧.
""",
)
add(
    "pii",
    "nl",
    "inschrijfformulier-basisschool",
    "form",
    """
Klopt dit inschrijfformulier? De school zegt dat het BSN niet geldig is.

Gegevens leerling
Achternaam: ⟦P:Bakker⟧
Roepnaam: ⟦P:Sem⟧
Geboortedatum: ⟦DOB:5 november 2019⟧
BSN: ⟦ID@NL:357410476⟧
Adres: ⟦A:Oudegracht 233⟧
Postcode en woonplaats: ⟦A:3511 NK⟧ ⟦A:Utrecht⟧
Medische bijzonderheden: ⟦MC:ADHD⟧ (in behandeling, gebruikt ⟦MED:Medikinet⟧ 's ochtends)
Ouder/verzorger 1: ⟦P:Femke Bakker-de Wit⟧, ⟦T:06 38 11 72 94⟧, ⟦E:femke.bakker@ziggopost.example⟧
""",
)
add(
    "pii",
    "en",
    "conference-badge-list",
    "markdown-table",
    """
Sort this badge print list by company and flag anyone missing a pronoun field.

| first | last | company | email | pronouns | access notes |
|---|---|---|---|---|---|
| ⟦P:Temperance⟧ | ⟦P:Okwu⟧ | Brightwater Analytics | ⟦E:t.okwu@brightwater.example⟧ | she/her | wheelchair user, needs step-free route |
| ⟦P:Lars⟧ | ⟦P:Eriksen⟧ | Nordfjell AS | ⟦E:lars.eriksen@nordfjell.example⟧ | he/him | |
| ⟦P:Dominika⟧ | ⟦P:Sýkorová⟧ | Kavárna Labs | ⟦E:dominika.sykorova@kavarnalabs.example⟧ | | ⟦MC:type 1 diabetes⟧, may need to eat during sessions |
| ⟦P:Hamish⟧ | ⟦P:Buchanan⟧ | self-employed | ⟦E:hamish.buchanan@mailbox.example⟧ | he/him | |
""",
)
add(
    "pii",
    "de",
    "online-sprechstunde-anamnese",
    "yaml",
    """
Mach aus diesem YAML einen kurzen Fließtext für die Ärztin (max. 5 Sätze):

patient:
  name: ⟦P:Jonas Brandtner⟧
  geburtsdatum: ⟦DOB:1993-08-19⟧
  versichertennummer: ⟦ACC:T884512093⟧
  telefon: "⟦T:+49 160 9472 3318⟧"
anliegen: seit 10 Tagen Schwindel beim Aufstehen
vorerkrankungen:
  - ⟦MC:Morbus Crohn⟧ (seit 2015)
  - ⟦MC:Eisenmangelanämie⟧
medikation:
  - ⟦MED:Humira⟧ 40 mg alle 2 Wochen
  - ⟦MED:Ferro sanol⟧ duodenal
""",
)
add(
    "pii",
    "fr",
    "export-crm-json-artisan",
    "json",
    """
Génère un courrier de relance personnalisé pour chaque client de cet export (devis non signés) :

[
  {"client": "⟦P:Gaëlle Le Bihan⟧", "tel": "⟦T:02 98 44 61 27⟧", "email": "⟦E:gaelle.lebihan@orange-mail.example⟧", "chantier": "⟦A:14 rue de Siam, 29200 Brest⟧", "devis": "D-2024-188", "montant": 7420},
  {"client": "⟦P:Yannick Kerouac⟧", "tel": "⟦T:06 59 03 18 74⟧", "email": "⟦E:ykerouac@laposte-mail.example⟧", "chantier": "⟦A:3 impasse des Mouettes, 29900 Concarneau⟧", "devis": "D-2024-193", "montant": 12950, "note": "client sous ⟦MED:Préviscan⟧, éviter travaux poussiéreux pendant sa présence"}
]
""",
)
add(
    "pii",
    "es",
    "carta-reclamacion-deuda",
    "prose",
    """
¿Esta carta de reclamación de deuda cumple la normativa de consumo? Si no, reescríbela:

Estimada Sra. ⟦P:Villalobos⟧:
Le recordamos que el préstamo nº de contrato ⟦ACC:PR-0098127734⟧ a nombre de ⟦P:Nuria Villalobos Serrano⟧, con domicilio en ⟦A:Avenida de la Constitución 45, 4ºB, 41001 Sevilla⟧, presenta un saldo impagado de 1.842,17 €. Sabemos que ha estado de baja por ⟦MC:depresión⟧, pero eso no la exime del pago. Si no regulariza antes del día 15, informaremos a ASNEF y llamaremos a su hermano ⟦P:Álvaro Villalobos⟧ al ⟦T:655 217 940⟧.
""",
)
add(
    "pii",
    "en",
    "parking-charge-appeal",
    "prose",
    """
Help me appeal this private parking charge to POPLA — make it firm but polite.

I am the registered keeper of the vehicle, but I was not driving. My name is ⟦P:Gareth Llewellyn-Price⟧, address ⟦A:6 Heol y Felin, Pontypridd CF37 4PP⟧. My driving licence number is ⟦DL:LLEWE752218GP9AB⟧. On 14 October the car was being used by my son ⟦P:Rhys⟧ to take me to an appointment at the Royal Glamorgan because of my ⟦MC:macular degeneration⟧ — I can no longer drive. The operator sent the charge (PCN 88219044) to my old e-mail ⟦E:gareth.lprice@btmail.example⟧ only.
""",
)
add(
    "pii",
    "pl",
    "zgloszenie-rzeczy-znalezionej",
    "prose",
    """
Popraw błędy w tym zgłoszeniu do biura rzeczy znalezionych:

Dnia 19.10.2024 w tramwaju linii 8 zgubiłem portfel. W środku był dowód osobisty na nazwisko ⟦P:Bartosz Wróblewski⟧, PESEL ⟦ID@PL:58083017396⟧, prawo jazdy nr ⟦DL:04512/19/1465⟧, karta płatnicza ⟦CC:5325 9437 6776 1057⟧ (zastrzeżona) oraz recepta na ⟦MED:Xarelto⟧. Adres do korespondencji: ⟦A:ul. Grunwaldzka 77/12, 80-244 Gdańsk⟧, tel. ⟦T:691 442 018⟧.
""",
)
add(
    "pii",
    "sv",
    "hyresgastansokan",
    "form",
    """
Skriv ett kort svar till hyresvärden där jag bekräftar att uppgifterna nedan stämmer:

Sökande: ⟦P:Margareta Öhman⟧
Personnummer: ⟦ID@SE:621030-5865⟧
Nuvarande adress: ⟦A:Storgatan 18 lgh 1102, 903 26 Umeå⟧
Telefon: ⟦T:070-318 44 92⟧
E-post: ⟦E:margareta.ohman@brevlada.example⟧
Arbetsgivare: Region Västerbotten
Övrigt: har ledarhund på grund av ⟦MC:retinitis pigmentosa⟧
""",
)
add(
    "pii",
    "sv",
    "blodgivning-kallelse",
    "prose",
    """
Översätt den här kallelsen till enkel engelska åt min sambo:

Hej ⟦P:Kristian Lindahl⟧! Du är välkommen att ge blod igen på Blodcentralen den 12 november kl. 15.20. Vi har noterat att du sedan förra gången börjat med ⟦MED:Roaccutan⟧ — då måste det gå fyra veckor efter sista dosen. Ditt givarnummer är ⟦ACC:GV-771203⟧. Ändra tid på ⟦T:010-103 58 00⟧. Bekräftelse skickas till ⟦E:kristian.lindahl@postlada.example⟧.
""",
)
add(
    "pii",
    "nl",
    "ziekmelding-hr-notitie",
    "prose",
    """
Herschrijf deze HR-notitie zodat er geen medische details meer in staan (AVG):

Medewerker ⟦P:Thijs Verhoeven⟧ (personeelsnr. 40881) heeft zich op 21-10 ziek gemeld. Volgens zijn vrouw ⟦P:Sanne⟧ gaat het om een ⟦MC:burn-out⟧ en slikt hij sinds vorige week ⟦MED:sertraline⟧. Bereikbaar op ⟦T:06 52 90 14 37⟧. Bedrijfsarts dr. ⟦P:Hakkert⟧ is ingeschakeld.
""",
)
add(
    "pii",
    "en",
    "marathon-registration-export",
    "csv",
    """
Make a list of runners whose emergency contact is missing or who flagged a medical condition, for the medical tent.

bib,first_name,last_name,dob,email,emergency_contact,emergency_phone,medical
1042,⟦P:Siobhan⟧,⟦P:Gallagher⟧,⟦DOB:12MAR88⟧,⟦E:siobhan.gallagher@inbox.example⟧,⟦P:Cathal Gallagher⟧,⟦T:+353 86 402 7719⟧,
1043,⟦P:Ravi⟧,⟦P:Chandrasekaran⟧,⟦DOB:03JUL79⟧,⟦E:ravi.c@mailbox.example⟧,,,⟦MC:exercise-induced asthma⟧; carries ⟦MED:Ventolin⟧
1044,⟦P:Marta⟧,⟦P:Nogueira⟧,⟦DOB:29NOV95⟧,⟦E:marta.nogueira@correio.example⟧,⟦P:Paulo Nogueira⟧,⟦T:+351 917 228 406⟧,⟦MC:hypertrophic cardiomyopathy⟧ (cleared by cardiologist)
""",
)
add(
    "pii",
    "da",
    "skoleindskrivning-bornehaveklasse",
    "form",
    """
Hjælp mig med at formulere feltet "Andre oplysninger til skolen" kort og præcist:

Barnets navn: ⟦P:Viggo Damgaard Holm⟧
CPR-nr.: ⟦ID@DK:140519-6015⟧
Adresse: ⟦A:Vestergade 9, 1. tv., 5000 Odense C⟧
Forælder 1: ⟦P:Line Damgaard⟧, tlf. ⟦T:31 64 08 27⟧, ⟦E:line.damgaard@postkasse.example⟧
Forælder 2: ⟦P:Anders Holm⟧, tlf. ⟦T:22 19 53 40⟧
Helbred: ⟦MC:jordnøddeallergi⟧, har ⟦MED:EpiPen Junior⟧ med i tasken; ⟦MC:høreapparat på venstre øre⟧
""",
)
add(
    "pii",
    "en",
    "api-request-log-debug",
    "http",
    """
Why does this request return 422? Here's what the load balancer logged:

GET /v2/customers/search?email=⟦E:francesca.doyle%40inbox.example⟧&dob=⟦DOB:1990-07-04⟧ HTTP/1.1
Host: api.tidewater-crm.example
X-Forwarded-For: ⟦IP:92.40.178.213⟧, 10.20.0.4
X-Request-Id: 7c0b9f4e-1d22-4a0a-9d2e-1f6ac0b1e3a7
Accept: application/json

HTTP/1.1 422 Unprocessable Entity
{"error": "dob must be DD/MM/YYYY", "echo": {"email": "⟦E:francesca.doyle@inbox.example⟧"}}
""",
)
add(
    "pii",
    "en",
    "k8s-configmap-oncall-roster",
    "yaml",
    """
Our alert router reads this ConfigMap. Can you restructure it so each rotation is a list?

apiVersion: v1
kind: ConfigMap
metadata:
  name: oncall-roster
  namespace: observability
data:
  primary: |
    name=⟦P:Kwame Mensah⟧ phone=⟦T:+44 7942 705 361⟧ slack=⟦U:@kwame.m⟧
  secondary: |
    name=⟦P:Ursula Fenwick⟧ phone=⟦T:+44 7380 512 946⟧ slack=⟦U:@ufenwick⟧
  escalation: |
    name=⟦P:Desmond Achterberg⟧ phone=⟦T:+31 6 21 48 73 09⟧ email=⟦E:d.achterberg@kestrel.example⟧
""",
)
add(
    "pii",
    "it",
    "ricerca-genealogica-appunti",
    "prose",
    """
Riordina questi appunti di genealogia in ordine cronologico:

Il bisnonno ⟦P:Giuseppe Tornatore Saitta⟧ partì da Messina nel 1908. La nonna ⟦P:Concetta Saitta⟧ (nata il ⟦DOB:02/08/1934⟧) vive ancora in ⟦A:Via Garibaldi 117, 98122 Messina⟧ ed è l'unica che ricorda i nomi dei fratelli. Da quando ha l'⟦MC:Alzheimer⟧ conviene parlarne con mia zia ⟦P:Rosalba Saitta⟧ (⟦T:340 661 2298⟧). Mio cugino ⟦P:Fabrizio⟧ ha trovato l'atto di nascita all'Archivio di Stato.
""",
)
add(
    "pii",
    "pt",
    "contrato-aluguer-viatura",
    "form",
    """
Confere se este contrato de aluguer tem os dados do condutor completos:

Cliente: ⟦P:Beatriz Correia Lopes⟧
NIF: ⟦ID@PT:248435159⟧
Carta de condução n.º: ⟦DL:L-1847203 5⟧
Data de nascimento: ⟦DOB:09-11-1992⟧
Morada: ⟦A:Rua de Cedofeita 318, 2.º Esq., 4050-174 Porto⟧
Telemóvel: ⟦T:936 118 402⟧
Email: ⟦E:beatriz.clopes@correio.example⟧
Cartão para caução: ⟦CC:4641 8924 2352 8907⟧
Levantamento: Aeroporto Francisco Sá Carneiro, 03/11, 10h00
""",
)
add(
    "pii",
    "ro",
    "somatie-recuperare-creanta",
    "prose",
    """
Reformulează această somație ca să nu fie intimidantă, dar să rămână fermă:

Către dl. ⟦P:Cristian Popescu⟧, domiciliat în ⟦A:Bd. Independenței nr. 45, bl. A2, sc. B, ap. 7, Iași⟧.
Vă notificăm că pentru contractul de credit nr. ⟦ACC:CR-77120934⟧ figurează o restanță de 3.412,50 lei. Am încercat să vă contactăm la ⟦T:0722 480 316⟧ și pe ⟦E:cristi.popescu@posta.example⟧, fără răspuns. Știm de la soția dvs., dna ⟦P:Ioana Popescu⟧, că ați fost internat pentru ⟦MC:infarct miocardic⟧, însă termenul de plată rămâne 30 noiembrie.
""",
)
add(
    "pii",
    "cs",
    "pracovni-reference",
    "prose",
    """
Přelož tuto pracovní referenci do angličtiny, ať zní přirozeně:

Paní ⟦P:Tereza Nováková⟧ pracovala v naší účetní kanceláři od roku 2018 do letošního září. Vždy byla pečlivá a spolehlivá; kvůli ⟦MC:roztroušené skleróze⟧ měla upravenou pracovní dobu, což nijak neovlivnilo kvalitu její práce. Doporučuji ji bez výhrad. V případě dotazů mě kontaktujte na ⟦T:+420 603 218 447⟧ nebo ⟦E:jiri.kratochvil@ucetni-kratochvil.example⟧.
⟦P:Jiří Kratochvíl⟧, jednatel
""",
)
add(
    "pii",
    "fi",
    "etavastaanotto-esitiedot",
    "form",
    """
Kirjoita näistä esitiedoista lyhyt yhteenveto lääkärille:

Potilas: ⟦P:Laura Nieminen⟧
Henkilötunnus: ⟦ID@FI:110290-246V⟧
Puhelin: ⟦T:+358 40 772 1936⟧
Osoite: ⟦A:Hämeenkatu 22 B 14, 33200 Tampere⟧
Syy: kuume ja nielukipu 4 päivää
Perussairaudet: ⟦MC:keliakia⟧, ⟦MC:astma⟧
Lääkitys: ⟦MED:Symbicort⟧ 160/4,5 tarvittaessa
Allergiat: ⟦MC:amoksisilliiniallergia⟧
""",
)
add(
    "pii",
    "nl",
    "crm-notities-installateur",
    "prose",
    """
Maak een planning voor de monteurs op basis van deze CRM-notities:

- ⟦P:Henk Smulders⟧, ⟦A:Kerkstraat 14, 5611 GK Eindhoven⟧, ⟦T:040 211 7730⟧: cv-ketel lekt, klantnr. ⟦ACC:KL-302917⟧. Let op: mevrouw ⟦P:Smulders⟧ is ⟦MC:slechthorend⟧, hard aanbellen.
- ⟦P:Fatima El Amrani⟧, ⟦A:Woenselse Markt 3B, 5612 CS Eindhoven⟧, ⟦T:06 17 48 92 05⟧: jaarlijks onderhoud, klantnr. ⟦ACC:KL-302944⟧.
""",
)
add(
    "pii",
    "de",
    "klageentwurf-amtsgericht",
    "prose",
    """
Bitte prüfe diesen Klageentwurf auf formale Fehler (Zivilprozess, Amtsgericht):

In dem Rechtsstreit
⟦P:Sabine Wehrmann⟧, ⟦A:Hohe Straße 27, 01069 Dresden⟧, – Klägerin –
gegen
⟦P:Marco Dietze⟧, ⟦A:Louisenstraße 91, 01099 Dresden⟧, – Beklagter –
wegen Forderung (1.950,00 €)
Die Klägerin überließ dem Beklagten am 04.03.2024 ein Darlehen in Höhe von 1.950,00 €, zahlbar auf ihr Konto ⟦IBAN:DE80 9416 0486 9203 8584 35⟧. Der Beklagte, geboren am ⟦DOB:23.07.1981⟧, hat trotz Mahnung vom 10.06.2024 nicht gezahlt.
""",
)
add(
    "pii",
    "en",
    "credit-union-membership-application",
    "form",
    """
Check this membership application for missing fields before I submit it:

Member name: ⟦P:Jolene Marchbanks⟧
Date of birth: ⟦DOB:October 4, 1977⟧
SSN: ⟦ID@US:313-32-0648⟧
Home address: ⟦A:1906 Prairie Wind Ct⟧
City/State/ZIP: ⟦A:Lawrence⟧, KS ⟦A:66047⟧
Phone: ⟦T:(785) 555-0171⟧
Email: ⟦E:jolene.marchbanks@inbox.example⟧
Joint owner: ⟦P:Dale Marchbanks⟧
Existing member number (if any): ⟦ACC:0087731562⟧
ID type/number: Kansas DL ⟦DL:K05-71-4418⟧
""",
)
add(
    "pii",
    "en",
    "zendesk-ticket-export",
    "csv",
    """
Group these tickets by root cause and estimate how many need a refund:

ticket_id,created,requester,requester_email,subject,body
88104,2024-10-28,⟦P:Beatrice Achebe⟧,⟦E:beatrice.achebe@mailbox.example⟧,Double charge,"Charged twice for order 55-18820, card ending 2201"
88111,2024-10-28,⟦P:Tobias Reinholt⟧,⟦E:tobias.reinholt@inbox.example⟧,Wrong size,"Please ship the L instead, I'm at ⟦A:29 Gorse Way, Harrogate HG1 4QX⟧ now"
88123,2024-10-29,⟦P:Min-jun Park⟧,⟦E:minjun.park@fastpost.example⟧,Refund?,"Call me on ⟦T:07596 843 021⟧, I can't do email during chemo for my ⟦MC:lymphoma⟧"
""",
)
add(
    "pii",
    "fr",
    "liste-invites-bapteme",
    "csv",
    """
Prépare le plan de table du baptême à partir de cette liste (max 8 par table, les enfants ensemble) :

nom;prénom;âge;téléphone;régime
⟦P:Lefebvre⟧;⟦P:Camille⟧;34;⟦T:06 21 44 87 19⟧;
⟦P:Lefebvre⟧;⟦P:Hugo⟧;6;;⟦MC:allergie à l'arachide⟧
⟦P:Nguyen⟧;⟦P:Thi Lan⟧;61;⟦T:01 43 72 19 08⟧;sans sel (⟦MC:insuffisance cardiaque⟧)
⟦P:Dubreuil⟧;⟦P:Maxence⟧;29;⟦T:07 68 30 55 42⟧;végétarien
""",
)
add(
    "pii",
    "es",
    "ficha-socio-biblioteca",
    "form",
    """
Pasa esta ficha de socio a un correo de bienvenida de la biblioteca municipal:

Nº de socio: ⟦ACC:BM-0041877⟧
Nombre: ⟦P:Esteban⟧
Apellidos: ⟦P:Caballero Ibáñez⟧
Fecha de nacimiento: ⟦DOB:30 de abril de 1968⟧
DNI: ⟦ID@ES:06426801A⟧
Dirección: ⟦A:Calle Mayor 12, 2º⟧, ⟦A:50001⟧ ⟦A:Zaragoza⟧
Correo: ⟦E:esteban.caballero@correo.example⟧
Observaciones: ⟦MC:baja visión⟧, prefiere audiolibros
""",
)
add(
    "pii",
    "en",
    "sshd-auth-log-review",
    "kv-log",
    """
Which of these logins are brute force and which are real staff? Suggest fail2ban settings.

Oct 31 02:14:09 bastion-01 sshd[18812]: Failed password for invalid user admin from ⟦IP:218.92.0.112⟧ port 40122 ssh2
Oct 31 02:14:11 bastion-01 sshd[18812]: Failed password for invalid user oracle from ⟦IP:218.92.0.112⟧ port 40130 ssh2
Oct 31 07:52:40 bastion-01 sshd[19044]: Accepted publickey for ⟦U:mgoldberg⟧ from ⟦IP:82.45.117.30⟧ port 51812 ssh2: ED25519 SHA256:Qm1sXv0cR2t9hZk3YwB7uJp4N6fLd8aEo5iTgHs2MxA
Oct 31 08:03:17 bastion-01 sshd[19102]: Failed password for ⟦U:aokafor⟧ from ⟦IP:31.94.66.201⟧ port 60331 ssh2
Oct 31 08:03:29 bastion-01 sshd[19102]: Accepted password for ⟦U:aokafor⟧ from ⟦IP:31.94.66.201⟧ port 60331 ssh2
""",
)
add(
    "pii",
    "es",
    "sql-citas-clinica-dental",
    "sql",
    """
Optimiza esta consulta; tarda 9 segundos. Te pego también las filas de ejemplo que devuelve:

SELECT p.nombre, p.telefono, c.fecha, c.motivo
FROM pacientes p JOIN citas c ON c.paciente_id = p.id
WHERE c.fecha >= CURRENT_DATE AND p.historia LIKE 'HC-%';

-- nombre                  | telefono      | fecha            | motivo
-- ⟦P:Marina Soler Vidal⟧       | ⟦T:611 204 378⟧   | 2024-11-04 10:00 | endodoncia, ⟦MC:alérgica al látex⟧
-- ⟦P:Joaquín Ferrer Mas⟧       | ⟦T:677 815 020⟧   | 2024-11-04 11:30 | extracción; toma ⟦MED:Sintrom⟧
-- ⟦P:Aitana Roig⟧              | ⟦T:633 490 711⟧   | 2024-11-05 09:15 | revisión
""",
)
add(
    "pii",
    "de",
    "anhoerungsbogen-verwarnungsgeld",
    "form",
    """
Was soll ich im Anhörungsbogen ankreuzen, wenn ich nicht selbst gefahren bin? Hier meine Angaben:

Angaben zur Person des Fahrzeughalters
Familienname: ⟦P:Kühnel⟧
Vorname: ⟦P:Ramona⟧
Geburtsdatum: ⟦DOB:11.12.1969⟧
Anschrift: ⟦A:Wilhelm-Külz-Straße 8, 04317 Leipzig⟧
Führerschein-Nr.: ⟦DL:J010000VN52⟧
Tatvorwurf: Überschreitung der zulässigen Höchstgeschwindigkeit um 18 km/h, Aktenzeichen 502.31.778912.4
Fahrer war mein Lebensgefährte ⟦P:Steffen Wolter⟧, ⟦A:Eisenbahnstraße 140, 04315 Leipzig⟧
""",
)
add(
    "pii",
    "en",
    "visa-invitation-letter",
    "prose",
    """
Proofread this invitation letter for my parents' UK visitor visa:

I, ⟦P:Adaeze Nwosu⟧, of ⟦A:Flat 12, Cressingham Court, 40 Lewisham Road, London SE13 7QR⟧, invite my parents ⟦P:Chukwuemeka Nwosu⟧ (passport no. ⟦PASS:B03317842⟧, born ⟦DOB:14 February 1958⟧) and ⟦P:Ngozi Nwosu⟧ (passport no. ⟦PASS:B03317907⟧, born ⟦DOB:2 August 1961⟧) to stay with me from 1 to 28 December. I will cover all costs. My father will bring his ⟦MED:amlodipine⟧ for his ⟦MC:high blood pressure⟧ and has travel insurance. You can contact me on ⟦T:07841 299 673⟧.
""",
)
add(
    "pii",
    "pl",
    "reklamacja-bank-przelew",
    "prose",
    """
Napisz reklamację do banku na podstawie tego opisu, oficjalnym językiem:

Nazywam się ⟦P:Agnieszka Domańska⟧, PESEL ⟦ID@PL:91112321848⟧, mieszkam przy ⟦A:ul. Kościuszki 34/5, 50-012 Wrocław⟧. 24.10 zleciłam przelew 2 300 zł z konta ⟦IBAN:PL52 0141 8270 8495 5404 6894 7844⟧ do wynajmującego, ⟦P:Pawła Sikory⟧, ale środki nie dotarły. Kontakt: ⟦T:+48 722 019 463⟧, ⟦E:a.domanska@skrzynka.example⟧.
""",
)
add(
    "pii",
    "it",
    "turni-volontari-protezione-civile",
    "csv",
    """
Crea i turni della settimana per l'emergenza alluvione a partire da questa lista:

cognome,nome,cellulare,email,patente,note
⟦P:Galli⟧,⟦P:Stefano⟧,⟦T:338 914 2207⟧,⟦E:stefano.galli@posta.example⟧,C,
⟦P:Rinaldi⟧,⟦P:Federica⟧,⟦T:349 522 8170⟧,⟦E:fede.rinaldi@posta.example⟧,B,⟦MC:asmatica⟧: evitare zone con fango secco/polveri
⟦P:Colombo⟧,⟦P:Ivo⟧,⟦T:320 117 6648⟧,⟦E:ivo.colombo@casella.example⟧,B,in terapia con ⟦MED:Coumadin⟧, no mansioni con motosega
""",
)
add(
    "pii",
    "cs",
    "rodokmen-poznamky",
    "prose",
    """
Sepiš z těchto poznámek krátký text do rodinné kroniky:

Praděda ⟦P:František Dvořáček⟧ měl mlýn u Třebíče. Jeho vnučka, moje máma ⟦P:Jana Dvořáčková⟧, se narodila ⟦DOB:2. prosince 1956⟧ a bydlí v ⟦A:Hasskova 14, 674 01 Třebíč⟧. Má ⟦MC:cukrovku⟧ a bere ⟦MED:Siofor⟧, takže na oslavě žádné sladké. Strýc ⟦P:Pavel⟧ má telefon ⟦T:732 118 904⟧.
""",
)
add(
    "pii",
    "da",
    "rykkerbrev-tandlaege",
    "prose",
    """
Kan du gøre dette rykkerbrev mindre hårdt i tonen?

Kære ⟦P:Jesper Kjærgaard⟧
Vi har endnu ikke modtaget betaling for din behandling den 12.08. (faktura 20417, kr. 4.380). Dit patientnummer hos os er ⟦MRN:TK-18275⟧. Beløbet bedes indbetalt på konto ⟦IBAN:DK13 0679 8507 8833 79⟧ senest 15.11. Har du spørgsmål, så ring til klinikken eller skriv til os. Vi sender også kopi til ⟦A:Jernbanegade 31, 4000 Roskilde⟧.
""",
)
add(
    "pii",
    "en",
    "scholarship-applicants-tsv",
    "csv",
    """
Rank these scholarship applicants by GPA and flag who asked for exam accommodations (pasted from Google Sheets):

applicant	student_id	email	gpa	accommodation
⟦P:Imani Walker⟧	⟦ACC:S20413877⟧	⟦E:imani.walker@student.example⟧	3.91	extra time (⟦MC:dyslexia⟧)
⟦P:Jakub Horvath⟧	⟦ACC:S20419021⟧	⟦E:jakub.horvath@student.example⟧	3.77	
⟦P:Leilani Kahale⟧	⟦ACC:S20420350⟧	⟦E:leilani.kahale@student.example⟧	3.85	rest breaks (⟦MC:Crohn's disease⟧)
⟦P:Owen Trask⟧	⟦ACC:S20422118⟧	⟦E:owen.trask@student.example⟧	3.62	separate room (⟦MC:generalised anxiety disorder⟧)
""",
)
add(
    "pii",
    "de",
    "selbsthilfegruppe-teilnehmerliste",
    "markdown-table",
    """
Erstelle aus dieser Teilnehmerliste eine Telefonkette (wer ruft wen an):

| Name | Telefon | Diagnose seit | Bemerkung |
|---|---|---|---|
| ⟦P:Ingeborg Laux⟧ | ⟦T:0651 4627193⟧ | ⟦MC:Fibromyalgie⟧ 2016 | fährt Auto |
| ⟦P:Uwe Schardt⟧ | ⟦T:0151 28374610⟧ | ⟦MC:Fibromyalgie⟧ 2021 | nimmt ⟦MED:Pregabalin⟧, nachmittags müde |
| ⟦P:Canan Yıldız⟧ | ⟦T:0176 90512238⟧ | ⟦MC:chronisches Erschöpfungssyndrom⟧ 2019 | nur per SMS |
""",
)
add(
    "pii",
    "en",
    "support-email-card-pasted",
    "prose",
    """
A customer sent this. Draft a reply telling her never to send card numbers by e-mail, and that we've deleted it.

From: ⟦P:Patricia Oyelowo-Grant⟧ <⟦E:patricia.og@mailbox.example⟧>
Subject: renewal failed again!!!
Hi, third time trying to renew. Just charge this one: ⟦CC:3744 132426 38586⟧ exp 08/27 CVV 4410. Name on card ⟦P:Patricia Oyelowo-Grant⟧, billing address ⟦A:55 Kingsway Gardens, Chandler's Ford, Eastleigh SO53 1FE⟧. Membership no. ⟦ACC:GYM-448120⟧.
Thanks, ⟦P:Trish⟧
""",
)
add(
    "pii",
    "ro",
    "fisa-anuntare-sosire-hotel",
    "form",
    """
Tradu în engleză fișa de anunțare a sosirii, pentru un oaspete care nu vorbește română:

Numele: ⟦P:Stan⟧
Prenumele: ⟦P:Gabriela⟧
Data nașterii: ⟦DOB:03.10.1988⟧
CNP: ⟦ID@RO:2881003029916⟧
Pașaport nr.: ⟦PASS:054118273⟧
Domiciliul: ⟦A:Str. Republicii nr. 9, 550164 Sibiu⟧
Sosit la data: 02.11.2024, camera 207
Plecare: 05.11.2024
""",
)
# ---------------------------------------------------------------------------
# group cred (h-0071 .. h-0120)
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "house-sitter-instructions",
    "prose",
    """
Turn this into a friendly one-page note for our house-sitter:

Wifi is "Hollybush_5G", password ⟦S:marmalade-Otter-1987⟧ (the guest network has no password). The alarm panel is by the back door: code ⟦S:4719⟧, and if the monitoring company calls, the code word is ⟦S:Bramblecroft⟧. Spare key is in the lockbox on the shed, combination ⟦S:0-3-6-2⟧. Cat food is in the pantry, the fish get fed on Tuesdays only.
""",
)
add(
    "cred",
    "de",
    "tablet-einrichtung-oma",
    "prose",
    """
Schreib mir eine einfache Schritt-für-Schritt-Anleitung für meine Oma, wie sie das Tablet entsperrt und ins WLAN kommt:

Entsperr-PIN vom Tablet: ⟦S:260419⟧
WLAN: FRITZ!Box 7590 XR, Netzwerkschlüssel ⟦S:8127 4409 3361 5520 7734⟧
Ihr Google-Konto: ⟦E:hildegard.brenner1941@gmail.example⟧, Passwort ⟦S:Rosengarten#Wiesbaden41⟧
Die SIM-PIN ist ⟦S:3098⟧, PUK steht auf der Karte im Schrank: ⟦S:61180427⟧
""",
)
add(
    "cred",
    "fr",
    "acces-appartement-location-courte",
    "prose",
    """
Rédige le message d'accueil pour nos locataires Airbnb avec ces infos d'accès :

Digicode de l'immeuble : ⟦S:A4791⟧, puis interphone « Rousseau ». La boîte à clés est à gauche de la porte du 3e, code ⟦S:8832⟧. Wi-Fi : Livebox-7F2A, clé ⟦S:qVd9kT4xRz2mEs7nPa⟧. Pour Netflix, le compte est déjà connecté ; ne touchez pas au mot de passe de la box (⟦S:Pivoine!2023⟧).
""",
)
add(
    "cred",
    "es",
    "movil-nuevo-configuracion",
    "prose",
    """
Mi padre cambió de móvil y no sabe qué va en cada sitio. Explícaselo fácil con estos datos:

El PIN de la SIM es ⟦S:7402⟧ y el PUK ⟦S:90815532⟧. La contraseña del correo (⟦E:ramon.fuentes.gil@correo.example⟧) es ⟦S:Albacete.1956!⟧. El patrón de desbloqueo era una L, pero ahora le he puesto el código ⟦S:195604⟧. La clave de la banca online se la he apuntado en papel, no la pongo aquí.
""",
)
add(
    "cred",
    "it",
    "spid-e-nas-appunti",
    "prose",
    """
Riordina questi appunti in un promemoria chiaro per mia sorella (li deve usare mentre sono in ospedale):

- NAS Synology in salotto: utente ⟦U:chiara.b⟧, password ⟦S:Girasole_Fiesole_77⟧
- SPID Poste: username = codice fiscale ⟦ID@IT:BLLCHR92A54D612J⟧, password ⟦S:Lungarno#1492vespa⟧
- PIN del bancomat NON scriverlo da nessuna parte (lo sa già)
- wifi di casa: TIM-58213477, chiave ⟦S:oN7fUq2Lr8ZcXw4Ke3Hv⟧
""",
)
add(
    "cred",
    "nl",
    "overdracht-beheerder-vereniging",
    "prose",
    """
Ik draag het beheer van de website van de tennisvereniging over. Maak hier een nette overdrachtsmail van:

De WordPress-login is ⟦U:marjolein.dekker⟧ met wachtwoord ⟦S:Gravel&Netpaal2019⟧. De ledenadministratie (AllUnited) gaat via mijn eigen account, dat moet je zelf aanvragen. De pincode van de kluis in het clubhuis is ⟦S:2785⟧ en het alarm zet je uit met ⟦S:1932⟧ + OK.
""",
)
add(
    "cred",
    "pl",
    "dostepy-dla-ksiegowej",
    "prose",
    """
Przeredaguj tę wiadomość do księgowej tak, żeby była uprzejma i krótka:

Pani Ewo, dane do logowania do systemu fakturowego: login ⟦E:kamil.kruk@stolarnia-kruk.example⟧, hasło ⟦S:Sosnowa!Deska88⟧. Do e-Urzędu Skarbowego proszę użyć mojego PESEL ⟦ID@PL:03240916713⟧ i profilu zaufanego (kod SMS przyjdzie na mój telefon, zadzwonię). Hasło do pliku PDF z wyciągami: ⟦S:kruk2024faktury⟧.
""",
)
add(
    "cred",
    "sv",
    "krypterad-disk-losenfras",
    "prose",
    """
Hjälp mig formulera instruktionen till min kollega om hur hon låser upp backupdisken om jag är sjuk:

Disken är krypterad med VeraCrypt. Lösenfrasen är ⟦S:korvbröd tältpinne midsommar regnrock⟧ (med mellanslag, små bokstäver). Backupservern loggar du in på med ⟦U:backup-lena⟧ / ⟦S:Q7t!mRv2#pLs9⟧. Mitt personnummer ⟦ID@SE:780614-5657⟧ behövs om du måste ringa supporten hos Telia.
""",
)
add(
    "cred",
    "da",
    "mitid-hjaelp-far",
    "prose",
    """
Kan du omskrive det her til en sms til min far, så han forstår det?

Far, din nye adgangskode til e-Boks-appen er ⟦S:Fjordhest-1959⟧, og koden til din telefon er stadig ⟦S:081059⟧. Dit CPR-nummer ⟦ID@DK:081059-1739⟧ skal du kun bruge, når kommunen spørger. Routerens kode står på bagsiden, men jeg har ændret den til ⟦S:SkagenMaagerne2024⟧.
""",
)
add(
    "cred",
    "fi",
    "kesamokki-ohjeet",
    "prose",
    """
Tee näistä tiedoista selkeä ohje vuokralaisille (suomeksi ja englanniksi):

Mökin avainboksin koodi on ⟦S:5590⟧. Langaton verkko: Mokki-Saimaa, salasana ⟦S:kuikka-laituri-2021⟧. Saunan lämmitin käynnistyy sovelluksella, tunnus ⟦U:virtasen.mokki⟧ ja salasana ⟦S:Loyly!Savonlinna9⟧. Hätätilanteessa soita 112.
""",
)
add(
    "cred",
    "cs",
    "predani-pristupu-eshop",
    "prose",
    """
Sepiš z toho předávací protokol pro nového správce e-shopu:

Administrace Shoptetu: ⟦U:martin.vesely⟧ / ⟦S:Kominik-Pardubice-31⟧. Heslo k e-mailu objednavky@ je ⟦S:r3Wq!x9LpB2v⟧. PIN k firemní platební kartě ti řeknu osobně. Rodné číslo jednatele (kvůli datové schránce) je ⟦ID@CZ:790811/6700⟧.
""",
)
add(
    "cred",
    "ro",
    "acces-contabilitate-firma",
    "prose",
    """
Fă o listă ordonată cu accesele de mai jos, pentru colegul care preia contabilitatea:

SPV ANAF: se intră cu certificatul digital, parola token-ului este ⟦S:Carpati#2024tok⟧. Aplicația de facturare: utilizator ⟦U:ana.munteanu⟧, parola ⟦S:Bucovina_Suceava78⟧. PIN-ul de la cardul de firmă este ⟦S:6631⟧ — te rog să-l schimbi imediat.
""",
)
add(
    "cred",
    "pt",
    "acessos-condominio",
    "prose",
    """
Resume isto numa mensagem curta para o novo administrador do condomínio:

A senha do portal do banco do condomínio é ⟦S:Alfama!Eletrico28⟧ (utilizador condominio.rua.graca). O código do portão da garagem é ⟦S:27183⟧# e o PIN do cartão de débito ⟦S:4082⟧. O NIF da administração é ⟦ID@PT:285149989⟧.
""",
)
add(
    "cred",
    "en",
    "mysql-command-slow-query",
    "command",
    """
This dump keeps timing out after 10 minutes. What flags should I add?

mysqldump -h db-reporting.internal.northgate.example -P 3306 -u ⟦U:kpatel_ro⟧ -p'⟦S:Vq8#nT2!wLx5Rz⟧' --single-transaction --routines warehouse > warehouse_$(date +%F).sql
""",
)
add(
    "cred",
    "en",
    "psql-uri-and-env",
    "command",
    """
Why does the second command prompt for a password when the first doesn't?

$ psql "postgresql://etl_loader:⟦S:Hp3xQ9vNs7Lm2Kd8⟧@pg-analytics.c7x1k2.eu-central-1.rds.amazonaws.com:5432/events?sslmode=verify-full"
$ PGPASSWORD='⟦S:Hp3xQ9vNs7Lm2Kd8⟧' psql -h pg-analytics.c7x1k2.eu-central-1.rds.amazonaws.com -U etl-loader events
psql: error: FATAL: password authentication failed for user "etl-loader"
""",
)
add(
    "cred",
    "en",
    "curl-basic-auth-jenkins",
    "command",
    """
How do I turn this into a Python requests call?

curl -sS -u ⟦U:amira.haddad⟧:⟦S:11d6e9f08c5b2a4437e1f0c9a8b7d6e5f4⟧ -X POST "https://jenkins.corp.saltmarsh.example/job/nightly-build/buildWithParameters?BRANCH=release/4.2"
""",
)
add(
    "cred",
    "en",
    "sshpass-deploy-script",
    "command",
    """
Is there a safer way to do this in our cron job?

#!/bin/bash
for host in edge-01 edge-02 edge-03; do
  sshpass -p '⟦S:L!ghthouse_Keeper_44⟧' rsync -az --delete ./dist/ ⟦U:fionnuala⟧@$host.cdn.bayleaf.example:/var/www/static/
done
""",
)
add(
    "cred",
    "en",
    "docker-login-ci-step",
    "command",
    """
Rewrite this step so it uses --password-stdin:

docker login registry.gitlab.com -u ⟦U:tomasz.wierzbicki⟧ -p ⟦K:glpat-mXQCFymRNuSnYqZHsGkD⟧
docker login -u ⟦U:jdelacroix⟧ -p ⟦K:dckr_pat_EOP4EMbAFNLzFgDGLUJInvISee7⟧
docker push registry.gitlab.com/halcyon/api:1.18.3
""",
)
add(
    "cred",
    "en",
    "git-remote-token-url",
    "command",
    """
git push started failing with 403. This is my remote config:

$ git remote -v
origin  https://⟦U:rosalind-ng⟧:⟦K: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⟧@github.com/⟦U:rosalind-ng⟧/thesis-pipeline.git (fetch)
origin  https://⟦U:rosalind-ng⟧:⟦K: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⟧@github.com/⟦U:rosalind-ng⟧/thesis-pipeline.git (push)
""",
)
add(
    "cred",
    "en",
    "lftp-ftp-url-backup",
    "command",
    """
lftp says "Login incorrect" but FileZilla works with the same details. What's different?

lftp -e "mirror -R /srv/backups /nightly; quit" ftp://bkp_marlowe:⟦S:s3aGull%21Rock⟧@ftp.marlowe-print.example
""",
)
add(
    "cred",
    "en",
    "appsettings-sqlserver",
    "json",
    """
EF Core can't connect with this appsettings.json — "Login failed for user". What's wrong?

{
  "ConnectionStrings": {
    "Default": "Server=tcp:sql-ledger-prod.database.windows.net,1433;Initial Catalog=ledger;Persist Security Info=False;User ID=ledger_app;Password=⟦S:Tq9$vW2m!Kx7pZr4⟧;Encrypt=True;Connection Timeout=30;"
  },
  "Storage": {
    "ConnectionString": "DefaultEndpointsProtocol=https;AccountName=ledgerdocs;AccountKey=⟦K:M/nLIy8WSswRa8iAZOHq8h/VAxwK72F4cF2u3+3FQduJgP/ZYXmXt5hVUtRpH8UdSUS0yjd5RihqJun5W1PkQA==⟧;EndpointSuffix=core.windows.net"
  }
}
""",
)
add(
    "cred",
    "en",
    "kafka-oracle-properties",
    "ini",
    """
The consumer fails with SaslAuthenticationException. Can you spot the problem in this properties file?

[kafka]
bootstrap.servers=pkc-4r087.westeurope.azure.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="svc-orders-consumer" password="⟦S:cflt8Gx2Qm7VbN4sLw9Rk3Tz6Hp1Jd5Yf0Ua2Ce8Xo⟧";

[oracle]
jdbc.url=jdbc:oracle:thin:billing_rw/⟦S:Ora_Tide_2024x⟧@//ora-billing.dc2.example:1521/BILLPDB
""",
)
add(
    "cred",
    "en",
    "dotenv-queue-cache",
    "env",
    """
Split this .env into per-service files for docker compose:

MONGO_URL=mongodb://catalog_svc:⟦S:pW7nX2qR9vL4tK8s⟧@mongo-0.mongo.internal:27017,mongo-1.mongo.internal:27017/catalog?replicaSet=rs0&authSource=admin
AMQP_URL=amqps://orders:⟦S:Rb4!kZ8mQw2Lx6Tn⟧@rabbit.eu1.cloudamqp.example/orders-vhost
REDIS_URL=rediss://:⟦S:f3Kq9Zr7Wm2Nx8Vb4Lt6Hs1P⟧@cache-prod.a1b2c3.use1.cache.amazonaws.com:6379/0
SENTRY_DSN=https://public@o0.ingest.sentry.example/0
LOG_LEVEL=info
""",
)
add(
    "cred",
    "en",
    "terraform-tfvars-providers",
    "code",
    """
Terraform says "Invalid provider configuration". Here's terraform.tfvars:

cloudflare_api_token = "⟦K:c3QVKyFD9dNFCjQ5k6N7F6lUh1MyxG-DZJt8fkM-⟧"
do_token             = "⟦K:dop_v1_fc5815f684e513b6c556af462920059807a7039316d6d19aa130e595c6243d7a⟧"
datadog_api_key      = "⟦K:3ef6f6701daac13639eb8a2ac9198238⟧"
datadog_app_key      = "⟦K:c983a53bd502ea7a21c70ee722ea3a3385b3fd2b⟧"
region               = "fra1"
droplet_size         = "s-2vcpu-4gb"
""",
)
add(
    "cred",
    "en",
    "k8s-secret-stringdata",
    "yaml",
    """
kubectl apply works but the pod still crashes with "missing STRIPE_SECRET_KEY". Why?

apiVersion: v1
kind: Secret
metadata:
  name: payments-env
  namespace: shop
type: Opaque
stringData:
  STRIPE_SECRET: "⟦K: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⟧"
  STRIPE_WEBHOOK_SECRET: "⟦S:whsec_EUvUzIDZV6Mp03vFWgJJkOzcHdW35qbq⟧"
  SENDGRID_API_KEY: "⟦K: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⟧"
""",
)
add(
    "cred",
    "en",
    "http-basic-and-cookie",
    "http",
    """
The API returns 401 even though the browser session works. Compare these two requests:

GET /admin/exports/latest.csv HTTP/1.1
Host: intranet.quayside-foods.example
Authorization: Basic ⟦S:bXdoaXRmaWVsZDpIYXJib3VyTGlnaHRzITIwMjQ=⟧

GET /admin/exports/latest.csv HTTP/1.1
Host: intranet.quayside-foods.example
Cookie: _ga=GA1.2.1180332915.1729000000; qf_session=⟦S:3xyOkHc-EoQcu_C1WAgh6CvSF56ShSrPCTHcNgmW⟧; theme=dark
""",
)
add(
    "cred",
    "en",
    "http-bearer-jwt-and-apikey",
    "http",
    """
Why does the gateway strip my auth header? Request as captured by mitmproxy:

POST /v1/payments/refunds HTTP/2
host: api.kettleworks.example
authorization: Bearer ⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1Xzg4MjEzIiwic2NvcGUiOiJwYXltZW50czp3cml0ZSIsImlhdCI6MTczMTQwMDAwMH0.fo_ZYMke0tSR_73IujkgWyshXQvygAe2E7YBDHYwZeg⟧
x-api-key: ⟦K:PMAK-3ab92eb5794cb3dbbbded8c3-08f5755ec504293880ece0cb004129abce⟧
content-type: application/json

{"payment_id": "pay_8812", "amount": 1250}
""",
)
add(
    "cred",
    "en",
    "python-llm-client-keys",
    "code",
    """
My script calls both APIs but the Anthropic one returns 401. What am I doing wrong?

import anthropic, openai

openai_client = openai.OpenAI(api_key="⟦K: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⟧")
claude = anthropic.Anthropic(api_key="⟦K:sk-ant-api03-Jp5IisRvwOh_b-AyKtdeuDHdtZRHJ9uhWLw01pufLW8YzalzTwUg-XRUA4Ysab2LJZnMhjZfcDxDAX5yoyean1zrkLA1KAA⟧", base_url="https://api.openai.com")

def summarise(text):
    return claude.messages.create(model="claude-3-5-sonnet-latest", max_tokens=400,
                                  messages=[{"role": "user", "content": text}])
""",
)
add(
    "cred",
    "en",
    "ci-log-leaked-tokens",
    "kv-log",
    """
Our CI printed its environment by mistake. Which of these need rotating first?

[2024-11-01 03:12:40] env GROQ_API_KEY=⟦K: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⟧
[2024-11-01 03:12:40] env HF_TOKEN=⟦K: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⟧
[2024-11-01 03:12:40] env NPM_TOKEN=⟦K:npm_yl1Dqrti30jQkYtrVIuXrosMUHV7FGggLPWk⟧
[2024-11-01 03:12:40] env DATABRICKS_TOKEN=⟦K:dapi56fbc1ad080bf8f0aaa8f9fbb622095c⟧
[2024-11-01 03:12:40] env NEW_RELIC_API_KEY=⟦K:NRAK-HOOC1N219GLGYBMXW61N2BSU4XI⟧
[2024-11-01 03:12:40] env CI_COMMIT_SHA=9f3b2c1d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c
[2024-11-01 03:12:40] env NODE_ENV=production
""",
)
add(
    "cred",
    "de",
    "docker-compose-mailversand",
    "yaml",
    """
Warum startet der Worker-Container nicht? Hier die docker-compose.yml:

services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: newsletter
      POSTGRES_PASSWORD: ⟦S:Zugspitze-Nebel-4812⟧
  worker:
    image: registry.example/newsletter-worker:2.3
    environment:
      DATABASE_URL: postgres://newsletter:⟦S:Zugspitze-Nebel-4812⟧@db:5432/newsletter
      MAILGUN_API_KEY: ⟦K:key-9bd749ed80e31367bf3a230643bce4e0⟧
      TWILIO_ACCOUNT_SID: ⟦K:AC05a75014c36a901ae6aea6503775a0b0⟧
      TWILIO_AUTH_TOKEN: ⟦K:fba3433ddb139499408b31f061b0f915⟧
    depends_on: [db]
""",
)
add(
    "cred",
    "en",
    "openssh-key-permissions",
    "command",
    """
ssh says "Load key: invalid format" for this key. I copied it from my old laptop's ~/.ssh/id_ed25519:

$ cat ~/.ssh/id_ed25519
⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACAH0AxZVXxuBG9hJ3MO6CyWRwp6vSBNlkPdmTRmX6850gAAAJjSswU/0rMF
PwAAAAtzc2gtZWQyNTUxOQAAACAH0AxZVXxuBG9hJ3MO6CyWRwp6vSBNlkPdmTRmX6850g
AAAEDDHh2mrqQrwkxl4QIFTw4ZOqfw7jakaiZwDbOeHdoLhgfQDFlVfG4Eb2Encw7oLJZH
Cnq9IE2WQ92ZNGZfrznSAAAAD21hcml0QGx1bWVuLWxhYgECAwQFBg==
-----END OPENSSH PRIVATE KEY-----⟧
$ ssh -i ~/.ssh/id_ed25519 ⟦U:marit⟧@build-01.lumen-lab.example
Load key "/home/⟦U:marit⟧/.ssh/id_ed25519": invalid format
""",
)
add(
    "cred",
    "en",
    "putty-ppk-convert",
    "code",
    """
How do I convert this PuTTY key to OpenSSH format on Linux so I can use it with git?

⟦PK:PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: work-laptop-2024
Public-Lines: 1
AAAAC3NzaC1lZDI1NTE5AAAAIB4dF314i6xYtzftSKwxUvD7U+S0/TARmzfkTdbgK6Ah
Private-Lines: 1
AAAAIJ+12aSUxStiKIUrNL4isbTpOilEPJRqJa6eJukhMMkZ
Private-MAC: 1fefe3f9d2a19be0d26b1087705c0c2fa2f081f21a29bc053e152fab45697be8⟧
""",
)
add(
    "cred",
    "en",
    "gcp-service-account-json",
    "json",
    r"""
gcloud auth activate-service-account fails with "invalid JWT signature". Here's the key file:

{
  "type": "service_account",
  "project_id": "orchard-telemetry-4471",
  "private_key_id": "6a4f0e2b9c1d7a3e5f8b2c4d6e9a1b3c5d7f9e0a",
  "private_key": "⟦PK:-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDatAECBRyhL29K\nC164vdGI4TZelme8plyzleYzwUxYUK3wn1MbxYjRZXB0bu08y0yURr974dUw/5G5\nHftHsOgwNcmmZ3akaoG+DZT9cwz6zW7K78rUAfAOf5gzxpZ1DF05bf/dkf+XdOD6\nWupCULKG9ci2xjj24ywkluie0nzpMQzvjQ3p4Gmw0Sz5p4MLxBQbJzhA5vb8ySo3\nW3ZbOtaT2wFgkMzaucWAo2UXBkOdN1wpbBUQu6wUSZCgAEe1suTKlrg8bc2fugxp\n6g/S0bUT3ymyfYejeqyV9ueBObTAyBRqHyI/s2Z0bA4V61IMmRtTyvnWTkd3FhTo\nOCOimtSNAgMBAAECggEAI1qgZBVz9pl+rdNPNWGYBv7TJXC+Zchl6XEEtN6dSxSF\nvcVfr7hbwO/bQTMyXhbGMx0JtMrBxik2QxzV41W1fx+e0Kveib8e6Jx09pC76yo8\n7Ajd+q4ygoF9VvdWGKdORauixkxk6zStbsM2JdC6P2dpkiRSjpSULPkJMy13HFHx\nQELUSMQI/iQh5u00d+jgMscdKqNe5tg3tSXA/YKTkJEY40A+7RgJoXyiqYsPK76/\nhONxzMygpbVXLGG0ziayXmIiB/Wg1ihUKAsXsK4F/9ZTyD254bESazDTTh6NGKGN\nS9WwH1VwofyQ+2oPXGZ+Y5XoCrIub8PQu7p66+KYiQKBgQD3THwtIZWcUsmOgtX4\n7YXNAYuAUG3Gph0d5KbqfY0e/JLHjR9Qy+fyf/4U1sQwmD4dvwgrL9qPQCTVa8EL\nroy+7COMW7h/Wd2Q5aDLF/GiYg5A2OUapRX/dVVvfHpzxo+4IYzi1Glzkg6Lg6/w\n/uw9uY564j66K2uta1scvQY4iQKBgQDiZfJyyQuvfYAbIAM6uXDO5fZPljtaIAWt\naPFy0c5u9+2qiWtnLxwWRk9xYz+S/a2S4LLHzqlRsQcBnN5A6yYcd5oC2dwi4q6U\n0dEL8zDDuUsAaIUAPUZ5fp98ytLC1jAfTuifh/U/n//73PbcgKIZf0lIGsKXnvcS\nHwLXDiOy5QKBgCSopuO9zcLNlulURcnP0/zO1NIhmhRPfZN32LJ8CBZm1I9WQSUm\nBO0ywgRuzchyWQrpzZkxT9HabVthzM0hg+WtdZuR4SintquLDqnsk7pBlOFSBaxM\nepVS3GZZaoGNFrLx7kOVv0gNh7Bwxf0QnQ6NWiynKytH0n9zoZ8B+lEZAoGBAOAR\n5F6E6qLahFLUYT3a0XKEmT51wvJVJSlW5zkru7OKgFg7v+gU8Sh+mBvyDbbOid8H\nswocWOo4WmXXOwVndoXQPca6lqyUTBOQgeTg4Y+lMT0LNS9idgDDONhK6UPatzAV\nahiSeEFrevBs5oqgaU7w8reBfLyRoZj2xlnQbbadAoGAIIOqxFYmMuUYNT/BhLiS\n+OQI5lSHAeWtLOghYzEyaiHOy5FotVFciW98kUKr9lRIX2ttk4jr5VSz5xGVo/mA\nZoxVmNAF1Ft9vMq5QlH/6Sx0y8LFVbrU33eXWXsaT468yER1kwt4kcSDhbkfaQxh\n/WXnkT2iMonrbGc2mXuuqmU=\n-----END PRIVATE KEY-----⟧\n",
  "client_email": "ingest-writer@orchard-telemetry-4471.iam.gserviceaccount.com",
  "client_id": "104827731950264811923",
  "token_uri": "https://oauth2.googleapis.com/token"
}
""",
)
add(
    "cred",
    "fr",
    "cle-ec-certificat-nginx",
    "code",
    """
Nginx refuse de démarrer : « key values mismatch ». Voici la clé que j'ai mise dans /etc/nginx/ssl/atelier.key, tu peux me dire si c'est bien une clé EC P-256 ?

⟦PK:-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIMdEyrJcr2V9m/wbAPhJYfCyhv/9ldqtJju89/IyNPFwoAoGCCqGSM49
AwEHoUQDQgAEaFKpOQcLattSsmwgEYYMKmRtoilYzRtPqgEh+8lSqpm6AoR8tJhx
ZcUuDsd23DcY3S93i2jNymFcglT1u2zkFg==
-----END EC PRIVATE KEY-----⟧

Et dans le vhost j'ai : ssl_certificate /etc/nginx/ssl/atelier.crt; ssl_certificate_key /etc/nginx/ssl/atelier.key;
""",
)
add(
    "cred",
    "de",
    "rsa-key-ansible-deploy",
    "yaml",
    """
Ansible meldet "Permissions 0644 for key are too open". Der Key steht direkt in group_vars/prod.yml — wie lagere ich ihn sauber aus?

deploy_user: deploy
deploy_ssh_private_key: |
  ⟦PK:-----BEGIN RSA PRIVATE KEY-----
  MIICXQIBAAKBgQC9pOKwkY6FTeBNu5jlXdR2NmPr77yLVb5hB2Zufx4iwNenFH+H
  JgGT1CHZlkBlLKb+ONr2lPJ9zCn18SSxhwH/sAjRQZLpSJ+e6vLu/hBLrxbYlt1L
  M6uY+FBZf6kjb70UZ+equY2j+1B1eSbBfRNp49FGzYsaSvgj4TIFLVr7HwIDAQAB
  AoGAM0srvVJBWDDuIFhDTJaKZsbjU+dt+cnhSmE0BWMAhanfKmPS8n0HJDLWTQHk
  vPjM2ioKn3M9+2SDXPAyWooHsedpazncwkPHz5jqIJY7rso06z9Le5cZLaRe4m72
  ZYNm4Uo3cYPmlGkU3ahmG7NtAkRLZ/LKHsFVjQpqYcNMF7ECQQDkGkZCVca03kFU
  j4jUG6aQTgylW5jOB8ACHB50ayOhSxMFnBW5KNjZKq53TspldWQ5MIqeJ+mvzn/Q
  6EaR1U5VAkEA1NaAjSWQVDzw22zhWXdUtVyL/agDaJqfblq4uJBXTKJnu8SGE/Jo
  aY9AY4/edfixn699yuYKoaDXGjQi/AavowJAWR9C8EwfVS+5itaB+Y3MKHm2Sy1c
  qLMyfCCMbaQmybBRgFGZ0zx4bXFVtVvdjIKvZADpSB4EGiKuoer/F5+l+QJBAKqP
  hw8Vhjbrazz8YQ6YIWsBUjIg/TJLju4Zh6RoD32bPDPtxmCfxuqo4Lmopma1uGo2
  cUEy3lwuD5KxK0P6e68CQQCuS+hoOt2JExV0oSG391gpsCEGTMjz+4NXqQR1OGNr
  UBFLm2CS3dtv9QL+jkROtCUN2FRut501XdTtGPQVzk6s
  -----END RSA PRIVATE KEY-----⟧
app_dir: /opt/lagerverwaltung
""",
)
add(
    "cred",
    "en",
    "totp-seed-migration",
    "prose",
    """
I'm moving 2FA to a new phone. The old app exported these — can you tell me which fields the new app needs?

otpauth://totp/Kestrel%20VPN:⟦U:hbjornsdottir⟧?secret=⟦S:HJ3RMTUKJUHLM5LWZEL5LFLJWBFRBRC4⟧&issuer=Kestrel%20VPN&digits=6&period=30
otpauth://totp/Payroll%20Portal:⟦E:hrafnhildur.bjornsdottir@kestrel.example⟧?secret=⟦S:VWGUPKCEDFRSJDXY⟧&issuer=Payroll%20Portal
Backup codes for the VPN: ⟦S:8841-2207⟧ ⟦S:5530-9916⟧ ⟦S:1072-4483⟧
""",
)
add(
    "cred",
    "en",
    "slack-discord-bot-config",
    "code",
    """
The bot connects to Slack but not to Discord. What's missing in config.py?

SLACK_BOT_TOKEN = "⟦K:xoxb-405843721174-1540554864594-TLDLtKuCN6MzUoKazRb2EpBq⟧"
SLACK_USER_TOKEN = "⟦K:xoxp-834248146435-868313676565-4040424834562-5477b85fdfaddf882b06266e772ad290⟧"
DISCORD_TOKEN = "⟦K:NjY4MzIwMTAzMTAwNTY1NTQ4.jbH1GM._VTvKDCTDPhe0kK7DBqseU2LdTUa-3ab1udjea⟧"
TELEGRAM_TOKEN = "⟦K:5372155760:AABcfWky23q7GeVZ8HRK5zd3eolXsU6M2Ny⟧"
COMMAND_PREFIX = "!"
""",
)
add(
    "cred",
    "en",
    "aws-credentials-file",
    "ini",
    """
aws s3 ls works with the default profile but "InvalidClientTokenId" with staging. What's wrong?

[default]
aws_access_key_id = ⟦K:AKIABIWTKVYWTFTMMRGS⟧
aws_secret_access_key = ⟦K:W/fC4nD6Za18vjmrd4erWRHU84mUxJDFBFJCfwnl⟧
region = eu-west-2

[staging]
aws_access_key_id = ⟦K:AKIA2DC6YMBBAZX67E3G⟧
aws_secret_access_key = ⟦K:7+8ZR2g3H99lucI0zxaBLjHN/rHEuDYCweG2N9QX⟧
aws_session_token =
""",
)
add(
    "cred",
    "en",
    "expat-tax-residency-ids",
    "form",
    """
I'm filling in a CRS self-certification for my new bank. Which of my tax numbers go in which box?

Account holder: ⟦P:Ingrid Solheim-Carter⟧
Date of birth: ⟦DOB:1 December 1994⟧
Tax residence 1: Norway — fødselsnummer ⟦ID@NO:01129418849⟧
Tax residence 2: Canada — SIN ⟦ID@CA:114 116 395⟧
Previous residence: Australia — TFN ⟦ID@AU:185 349 756⟧
Previous residence: New Zealand — IRD number ⟦ID@NZ:120-535-501⟧
""",
)
add(
    "cred",
    "en",
    "gp-registration-nhs-pps",
    "prose",
    """
I'm registering with a GP in Belfast after moving from Dublin. Is my NHS number or my PPS number the one they need?

My NHS number is ⟦ID@GB:865 183 4152⟧ (from when I lived in Leeds) and my PPSN is ⟦ID@IE:7564503L⟧. I don't have a medical card.
""",
)
add(
    "cred",
    "en",
    "hr-onboarding-intl-ids",
    "csv",
    """
Validate the format of these national ID numbers before we import them into payroll (just say which column they belong to):

employee,country,national_id
⟦P:Emre Aydın⟧,TR,⟦ID@TR:32166982906⟧
⟦P:Noa Ben-David⟧,IL,⟦ID@IL:09497307-0⟧
⟦P:Thabo Mokoena⟧,ZA,⟦ID@ZA:8201308428081⟧
⟦P:Ji-woo Han⟧,KR,⟦ID@KR:900505-2081557⟧
⟦P:Wang Fang⟧,CN,⟦ID@CN:110105198508207125⟧
""",
)
add(
    "cred",
    "en",
    "india-kyc-documents",
    "prose",
    """
The broker's KYC form keeps rejecting my details. Aadhaar: ⟦ID@IN:8103 9089 1723⟧, PAN: ⟦ID@IN:EEPPS7477J⟧, name as on PAN ⟦P:Ananya Srinivasan⟧. Is it the space in the Aadhaar number? Also, should the PAN be in capitals?
""",
)
add(
    "cred",
    "fr",
    "carte-vitale-nir-mutuelle",
    "prose",
    """
Aide-moi à remplir le formulaire d'adhésion à la mutuelle. Mon numéro de sécurité sociale : ⟦ID@FR:1 84 03 69 224 754 28⟧. Celui de ma mère, que je veux rattacher : ⟦ID@FR:2 57 10 33 953 076 11⟧. Dans quelle case va le numéro de ma mère si elle est ayant droit ?
""",
)
add(
    "cred",
    "nl",
    "belgisch-rijksregisternummer-huur",
    "prose",
    """
Mijn Belgische verhuurder vraagt mijn rijksregisternummer én mijn Nederlandse BSN voor de huurwaarborg. Klopt dat? Ik ben geboren op ⟦DOB:18 juli 1990⟧; rijksregisternummer ⟦ID@BE:90.07.18-024.17⟧, BSN ⟦ID@NL:263997546⟧. En mijn zoon, geboren ⟦DOB:5 november 2001⟧, heeft ⟦ID@BE:01.11.05-657.96⟧.
""",
)
add(
    "cred",
    "de",
    "dach-sozialversicherung-ids",
    "form",
    """
Ich wechsle von Wien nach Zürich und habe noch eine deutsche Steuer-ID. Welche Nummer brauche ich wo?

Österreich, Sozialversicherungsnummer: ⟦ID@AT:3478 220575⟧
Schweiz, AHV-Nr.: ⟦ID@CH:756.8236.8975.95⟧
Deutschland, Steuerliche Identifikationsnummer: ⟦ID@DE:89725132421⟧
Geburtsdatum: ⟦DOB:22.05.1975⟧
""",
)
add(
    "cred",
    "cs",
    "rodne-cislo-sk-cz-pojistovna",
    "prose",
    """
Přecházím ze slovenské zdravotní pojišťovny na VZP. Na přihlášce chtějí rodné číslo — mám slovenské ⟦ID@SK:935216/6307⟧, manžel české ⟦ID@CZ:856202/8288⟧... pardon, manželka, moje žena. Píše se rodné číslo s lomítkem, nebo bez?
""",
)
add(
    "cred",
    "es",
    "latam-identificadores-nomina",
    "markdown-table",
    """
Necesito saber qué identificador fiscal usar en la nómina de cada país para estos contratistas:

| contratista | país | identificador |
|---|---|---|
| ⟦P:Marisol García López⟧ | México | CURP ⟦ID@MX:GALM850312MJCRPR67⟧ |
| ⟦P:Cristóbal Henríquez⟧ | Chile | RUT ⟦ID@CL:10.911.864-8⟧ |
| ⟦P:Lautaro Ibarra⟧ | Argentina | CUIT ⟦ID@AR:20-68914335-1⟧ |
| ⟦P:Oumar Diallo⟧ | España (residente) | NIE ⟦ID@ES:Y6914412M⟧ |
""",
)
add(
    "cred",
    "pt",
    "cpf-cadastro-loja",
    "prose",
    """
Ao fazer o cadastro na loja online aparece "CPF inválido". Meu CPF é ⟦ID@BR:176.112.877-96⟧ e o da minha esposa é ⟦ID@BR:970.466.745-07⟧. Será que o site não aceita pontos e traço?
""",
)
add(
    "cred",
    "en",
    "baltic-balkan-ids-visa-agency",
    "csv",
    """
Our visa agency template has a column for national ID. Which of these are personal codes that encode the birth date?

traveller,nationality,personal_code
⟦P:Rasmus Tamm⟧,EE,⟦ID@EE:37104291307⟧
⟦P:Gabija Kazlauskaitė⟧,LT,⟦ID@LT:49911021298⟧
⟦P:Georgi Petrov⟧,BG,⟦ID@BG:6503197865⟧
⟦P:Luka Horvat⟧,HR,⟦ID@HR:72517270939⟧
⟦P:Matej Zupan⟧,SI,⟦ID@SI:1509976500168⟧
⟦P:Eleftheria Galani⟧,GR,⟦ID@GR:24128044609⟧
""",
)
add(
    "cred",
    "fi",
    "henkilotunnus-kela",
    "prose",
    """
Täytän Kelan lomaketta isäni puolesta. Hänen henkilötunnuksensa on ⟦ID@FI:050969-269Y⟧ ja minun ⟦ID@FI:110290-246V⟧. Kumpi merkitään hakijaksi, jos hän on asiakas ja minä valtuutettu? Lisäksi hänellä on islantilainen kennitala ⟦ID@IS:060687-6769⟧ — ei vaan se on minun mieheni, unohda se.
""",
)
# ---------------------------------------------------------------------------
# group benign (h-0121 .. h-0180)
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "history-question-lovelace",
    "prose",
    """
What exactly did Ada Lovelace add in her notes on Luigi Menabrea's paper about Babbage's Analytical Engine, and why is Note G often called the first computer program?
""",
)
add(
    "benign",
    "en",
    "essay-outline-physicists",
    "prose",
    """
I'm writing a 1,500-word essay comparing Marie Curie and Lise Meitner. Give me an outline: their education, Curie's two Nobel Prizes (1903 Physics with Pierre Curie and Henri Becquerel, 1911 Chemistry), Meitner's work with Otto Hahn on nuclear fission in 1938, and why Meitner's exclusion from Hahn's 1944 Nobel is still debated. Suggest three sources I could cite.
""",
)
add(
    "benign",
    "en",
    "fiction-sherlock-holmes",
    "prose",
    """
For a pub quiz: in Conan Doyle's stories, who lived at 221B Baker Street besides Sherlock Holmes, what was Mrs Hudson's role, and in which story does Dr John Watson first meet Holmes? Also, what was Holmes's brother Mycroft's club called?
""",
)
add(
    "benign",
    "en",
    "marketing-brands-named-after-people",
    "prose",
    """
Write a 100-word LinkedIn post about how many famous brands are just founders' surnames: Ferrari, Porsche, Dyson, Chanel, Hilton, Boeing, Disney, Kellogg's, Ben & Jerry's and Tommy Hilfiger. Keep it light and end with a question to the reader.
""",
)
add(
    "benign",
    "en",
    "nyc-itinerary-landmarks",
    "prose",
    """
Plan a two-day New York itinerary for a family with teenagers. Must-sees: the Empire State Building (350 Fifth Avenue, New York, NY 10118), the American Museum of Natural History at Central Park West & 79th Street, and the 9/11 Memorial at 180 Greenwich Street. We're staying near Times Square and prefer walking or the subway. Budget around $600 for tickets and food.
""",
)
add(
    "benign",
    "en",
    "calendar-words-jordan-trip",
    "prose",
    """
Is April or May a better time to visit Jordan than August? We'd like to see Petra and the Wadi Rum desert and float in the Dead Sea. June is when my school holidays start, so that's also possible. What are typical temperatures in Amman and Aqaba in each of those months?
""",
)
add(
    "benign",
    "en",
    "compose-placeholder-secrets",
    "yaml",
    """
Review this docker-compose template for our open-source project. Anything insecure about the defaults?

services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: ${DB_USER:-app}
      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}
  app:
    image: ghcr.io/example/wiki:latest
    environment:
      DATABASE_URL: postgres://${DB_USER:-app}:${DB_PASSWORD}@db:5432/wiki
      ADMIN_PASSWORD: changeme
      SECRET_KEY_BASE: <generate with `openssl rand -hex 64`>
    ports: ["8080:8080"]
""",
)
add(
    "benign",
    "en",
    "env-example-template",
    "env",
    """
Generate a README section that explains each variable in this .env.example:

# copy to .env and fill in
OPENAI_API_KEY=sk-...your-key-here...
ANTHROPIC_API_KEY=<your-anthropic-key>
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
SMTP_PASSWORD=
DATABASE_URL=postgresql://user:password@localhost:5432/mydb
JWT_SECRET=replace-me
""",
)
add(
    "benign",
    "en",
    "aws-docs-example-keys",
    "code",
    """
In the AWS CLI docs they show this config. Is the "EXAMPLE" suffix something AWS checks for, or just a convention?

[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = us-west-2
output = json
""",
)
add(
    "benign",
    "en",
    "changelog-versions-hashes",
    "markdown-table",
    """
Turn this release table into a changelog paragraph for each version:

| version | date | commit | image digest | notes |
|---|---|---|---|---|
| 4.12.0 | 2024-09-30 | 8c1e4b7f2a9d | sha256:3f9a6c1b8e2d4f7a0c5b9e1d3a6f8c2b4e7d9a1c3f5b7e9d2a4c6f8b0e1d3a5c | new export API |
| 4.12.1 | 2024-10-08 | b41d09e3c7aa | sha256:9d2e4a6c8f0b1d3e5a7c9f2b4d6e8a0c1f3b5d7e9a2c4f6b8d0e1a3c5f7b9d2e | fix CSV quoting |
| 4.13.0-rc.2 | 2024-10-29 | 0f7a3c5e1b9d | sha256:1a3c5e7f9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a | Python 3.13 support |
""",
)
add(
    "benign",
    "en",
    "trace-ids-uuid-log",
    "kv-log",
    """
These traces are from a load test. Which span is the bottleneck?

ts=2024-10-31T14:02:11.482Z level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 svc=gateway route=/v1/quote dur_ms=412
ts=2024-10-31T14:02:11.483Z level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=7a085853722dc6d2 svc=pricing dur_ms=388 request_id=1b4e28ba-2fa1-11d2-883f-0016d3cca427
ts=2024-10-31T14:02:11.484Z level=warn trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=b9c7c989f97918e1 svc=pricing-db dur_ms=351 rows=20000 host=10.12.4.7
ts=2024-10-31T14:02:11.486Z level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=e457b5a2e4d86bd1 svc=fx-rates dur_ms=9 cache=hit
""",
)
add(
    "benign",
    "en",
    "order-tracking-invoice-numbers",
    "prose",
    """
Our supplier sent three references and I'm confused which is which: PO-2024-00873, invoice INV/24/10/5521 and tracking number 1Z 4F8 E91 03 4471 8820. The invoice says payment terms net 30 from 28/10/2024. When is it due, and which number should go on the bank transfer reference?
""",
)
add(
    "benign",
    "en",
    "bibliography-isbn",
    "prose",
    """
Format these as APA 7th edition references:
- Kahneman, Daniel. Thinking, Fast and Slow. Farrar, Straus and Giroux, 2011. ISBN 978-0-374-27563-1
- Harari, Yuval Noah. Sapiens: A Brief History of Humankind. Harper, 2015. ISBN 978-0-06-231609-7
- Shelley, Mary. Frankenstein; or, The Modern Prometheus. Penguin Classics, 2003. ISBN 978-0-14-143947-1
""",
)
add(
    "benign",
    "en",
    "physics-constants-homework",
    "prose",
    """
Check my working: photon energy E = hc/λ with h = 6.62607015 × 10⁻³⁴ J·s, c = 299 792 458 m/s and λ = 532 nm. I got 3.734 × 10⁻¹⁹ J, which is about 2.33 eV using e = 1.602176634 × 10⁻¹⁹ C. Also, how many photons per second does a 5 mW laser pointer emit at that wavelength?
""",
)
add(
    "benign",
    "en",
    "sql-schema-pii-columns",
    "sql",
    """
Suggest indexes and which columns should be encrypted at rest for this schema:

CREATE TABLE patients (
    id              BIGSERIAL PRIMARY KEY,
    mrn             VARCHAR(20) UNIQUE NOT NULL,
    first_name      TEXT NOT NULL,
    last_name       TEXT NOT NULL,
    date_of_birth   DATE NOT NULL,
    ssn             CHAR(11),
    email           TEXT,
    phone           TEXT,
    street_address  TEXT,
    postcode        VARCHAR(10),
    diagnosis_codes TEXT[],
    created_at      TIMESTAMPTZ DEFAULT now()
);
CREATE TABLE prescriptions (id BIGSERIAL PRIMARY KEY, patient_id BIGINT REFERENCES patients(id), drug_name TEXT, dose_mg NUMERIC, start_date DATE);
""",
)
add(
    "benign",
    "en",
    "pharmacology-metformin-question",
    "prose",
    """
For a pharmacology exam: how does metformin lower blood glucose, why is it contraindicated in severe renal impairment (eGFR < 30), and why is lactic acidosis a concern with heavy alcohol use? Compare briefly with sulfonylureas such as gliclazide.
""",
)
add(
    "benign",
    "en",
    "network-config-reserved-ips",
    "code",
    """
Explain what each line of this nginx snippet does:

set_real_ip_from 10.0.0.0/8;
set_real_ip_from 172.16.0.0/12;
real_ip_header X-Forwarded-For;
allow 127.0.0.1;
allow 192.0.2.0/24;   # docs range used in our examples
deny all;
resolver 1.1.1.1 8.8.8.8 valid=300s;
""",
)
add(
    "benign",
    "en",
    "blank-form-example-formats",
    "form",
    """
Make this paper form accessible (labels, hints, error messages) for a web version:

Full name: ______________________
Date of birth (DD/MM/YYYY): __ / __ / ____
National Insurance number (e.g. QQ 12 34 56 C): ______________
Email (e.g. name@example.com): ______________________
Phone: +44 ____ ______
Card number: XXXX XXXX XXXX XXXX   Expiry: MM/YY   CVC: ___
Social Security Number (US applicants): XXX-XX-XXXX
""",
)
add(
    "benign",
    "en",
    "regex-validation-test-cards",
    "code",
    """
Why does my Luhn check fail on the second test card? Test data is from Stripe's docs.

import re
CARD_RE = re.compile(r"^\\d{13,19}$")
TEST_CARDS = ["4242424242424242", "5555 5555 5555 4444", "378282246310005"]

def luhn_ok(num: str) -> bool:
    digits = [int(d) for d in num]
    checksum = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
    return checksum % 10 == 0

for c in TEST_CARDS:
    print(c, bool(CARD_RE.match(c)), luhn_ok(c))
""",
)
add(
    "benign",
    "en",
    "postmortem-long-no-pii",
    "markdown-table",
    """
Tighten this postmortem draft and make the action items SMART. Keep the timeline table.

## Incident 2024-10-17: checkout latency spike

**Summary.** Between 13:05 and 13:52 UTC the p99 latency of the checkout API rose from 380 ms to 9.4 s and 7.2% of payment attempts timed out. The trigger was a configuration change that lowered the connection-pool size of the pricing service from 50 to 5 during a routine Helm upgrade (chart 3.8.2 → 3.9.0). The change passed review because the default value in the new chart had changed, not our override.

| time (UTC) | event |
|---|---|
| 12:58 | Helm upgrade of pricing to chart 3.9.0 rolled out to eu-west-1 |
| 13:05 | p99 latency alert fires (threshold 2 s) |
| 13:11 | on-call engineer acknowledges, suspects the payment provider |
| 13:24 | provider status page shows no incident; investigation moves to pricing |
| 13:40 | pool exhaustion identified from `pool_wait_seconds` metric |
| 13:46 | rollback to chart 3.8.2 |
| 13:52 | latency back to baseline |

**Impact.** About 4,100 failed checkout attempts; an estimated 1,350 orders were not retried. No data was lost. Two enterprise tenants opened support tickets (SUP-7712, SUP-7719).

**What went well.** The alert fired within seven minutes. Rollback took six minutes once the cause was known.

**What went wrong.** Chart defaults are not diffed in CI. The dashboard for pricing does not show pool saturation. The runbook still points to the old provider status URL.

**Action items.**
1. Add `helm diff` with defaults to the CI pipeline.
2. Add a pool-saturation panel to the pricing dashboard.
3. Update the runbook links.
4. Alert on `pool_wait_seconds` p95 > 200 ms for 5 minutes.
""",
)
add(
    "benign",
    "en",
    "phrasebook-translation-generic",
    "prose",
    """
I'm making a travel phrasebook card for people with allergies. Translate into Spanish, Italian and Portuguese: "I am allergic to peanuts." / "Does this contain gluten?" / "Please call an ambulance." / "I need my inhaler."
""",
)
add(
    "benign",
    "en",
    "recipe-scaling",
    "prose",
    """
Scale this banana bread recipe from one loaf to three and convert to grams: 3 ripe bananas, 1/3 cup melted butter, 3/4 cup sugar, 1 egg, 1 tsp vanilla, 1 tsp baking soda, a pinch of salt, 1 1/2 cups flour. Bake at 350°F for 60 minutes — what's that in °C for a fan oven?
""",
)
add(
    "benign",
    "en",
    "gdpr-article9-explainer",
    "prose",
    """
Explain in plain English what GDPR Article 9(1) covers: "Processing of personal data revealing racial or ethnic origin, political opinions, religious or philosophical beliefs, or trade union membership, and the processing of genetic data, biometric data for the purpose of uniquely identifying a natural person, data concerning health or data concerning a natural person's sex life or sexual orientation shall be prohibited." Then list the exceptions in 9(2) that a hospital would typically rely on.
""",
)
add(
    "benign",
    "en",
    "sports-results-analysis",
    "csv",
    """
Which team had the best goal difference over these matchdays? Make a small league table.

date,home,away,score
2024-10-19,Arsenal,Bournemouth,0-2
2024-10-20,Liverpool,Chelsea,2-1
2024-10-26,Newcastle,Chelsea,0-2
2024-10-27,Arsenal,Liverpool,2-2
2024-11-02,Liverpool,Brighton,2-1
2024-11-03,Chelsea,Arsenal,1-1
""",
)
add(
    "benign",
    "de",
    "faust-gretchenfrage",
    "prose",
    """
Erkläre mir für die Deutsch-Klausur die „Gretchenfrage“ in Goethes Faust I: Was fragt Margarete, warum weicht Faust aus, und welche Rolle spielt Mephisto in der Szene „Marthens Garten“?
""",
)
add(
    "benign",
    "de",
    "rezept-zwetschgenkuchen",
    "prose",
    """
Ich habe 1,5 kg Zwetschgen und ein Blech von 30 × 40 cm. Reicht das Rezept mit 500 g Mehl, 1 Würfel Hefe (42 g), 250 ml Milch, 75 g Zucker und 75 g Butter? Wie lange bei 180 °C Umluft? Und wann kommen Zimt und Streusel drauf?
""",
)
add(
    "benign",
    "de",
    "bgb-823-erklaerung",
    "prose",
    """
Fasse § 823 Abs. 1 BGB in einfachen Worten zusammen: „Wer vorsätzlich oder fahrlässig das Leben, den Körper, die Gesundheit, die Freiheit, das Eigentum oder ein sonstiges Recht eines anderen widerrechtlich verletzt, ist dem anderen zum Ersatz des daraus entstehenden Schadens verpflichtet.“ Gib zwei Beispiele aus dem Straßenverkehr.
""",
)
add(
    "benign",
    "de",
    "ibuprofen-allgemeine-frage",
    "prose",
    """
Allgemeine Frage: Warum soll man Ibuprofen nicht auf nüchternen Magen nehmen, und ab welcher Tagesdosis ist es bei Erwachsenen ohne ärztliche Rücksprache nicht mehr empfohlen? Wie unterscheidet sich das von Paracetamol?
""",
)
add(
    "benign",
    "de",
    "wegbeschreibung-stadtfest",
    "prose",
    """
Formuliere diese Wegbeschreibung für das Plakat vom Stadtfest freundlicher: Vom Hauptbahnhof die Bahnhofstraße geradeaus, an der Ampel links in die Goethestraße, dann die zweite rechts in die Schillerstraße bis zum Marktplatz. Parkplätze gibt es im Parkhaus am Rathaus (Einfahrt Lindenallee), Samstag 10–22 Uhr.
""",
)
add(
    "benign",
    "fr",
    "napoleon-code-civil",
    "prose",
    """
Pour un exposé : quel a été le rôle personnel de Napoléon Bonaparte dans la rédaction du Code civil de 1804, et qui étaient Portalis, Tronchet, Bigot de Préameneu et Maleville ? Cite l'article 544 sur la propriété.
""",
)
add(
    "benign",
    "fr",
    "recette-tarte-tatin",
    "prose",
    """
Ma tarte Tatin brûle toujours au démoulage. Recette : 6 pommes Golden, 120 g de sucre, 60 g de beurre demi-sel, une pâte feuilletée, 35 min à 200 °C. Est-ce le caramel qui est trop cuit ? Combien de temps attendre avant de retourner le moule ?
""",
)
add(
    "benign",
    "fr",
    "question-generale-paracetamol",
    "prose",
    """
Question générale de pharmacologie : pourquoi la dose maximale de paracétamol chez l'adulte est-elle de 4 g par jour, et pourquoi la réduit-on à 3 g en cas d'alcoolisme chronique ou de faible poids ? Quel est le rôle du NAPQI et de la N-acétylcystéine ?
""",
)
add(
    "benign",
    "fr",
    "bd-asterix-personnages",
    "prose",
    """
Fais-moi un quiz de 10 questions sur Astérix : le rôle de Panoramix, pourquoi Obélix n'a pas le droit à la potion magique, le nom du chef Abraracourcix et de sa femme Bonemine, et qui est Assurancetourix. Réponses à la fin.
""",
)
add(
    "benign",
    "es",
    "cien-anos-de-soledad",
    "prose",
    """
Estoy leyendo Cien años de soledad y me pierdo con los nombres. Hazme un árbol genealógico de los Buendía: José Arcadio Buendía, Úrsula Iguarán, los Aurelianos y los José Arcadios, Remedios la bella y Amaranta Úrsula. ¿Por qué García Márquez repite tanto los nombres?
""",
)
add(
    "benign",
    "es",
    "resultados-liga-analisis",
    "prose",
    """
Analiza la temporada: el Real Madrid ganó LaLiga 2023/24 con 95 puntos, el Barcelona fue segundo con 85 y el Girona tercero con 81. Jude Bellingham marcó 19 goles en liga y Artem Dovbyk fue pichichi con 24. Escribe un resumen de 150 palabras para un blog.
""",
)
add(
    "benign",
    "es",
    "indicaciones-calle-alcala",
    "prose",
    """
¿Cuál es la mejor forma de ir andando desde la Puerta del Sol hasta el Parque del Retiro? Había pensado en subir por la calle de Alcalá, pasar por la plaza de Cibeles y la Puerta de Alcalá, y entrar por la puerta de la calle O'Donnell. ¿Cuánto se tarda?
""",
)
add(
    "benign",
    "es",
    "formulario-en-blanco",
    "form",
    """
Traduce al inglés este formulario en blanco del ayuntamiento, manteniendo los huecos:

SOLICITUD DE EMPADRONAMIENTO
Nombre y apellidos: ________________________________
DNI/NIE/Pasaporte: ___________  (ej. 12345678Z)
Fecha de nacimiento: __/__/____
Domicilio: Calle __________________ nº ____ piso ____
Código postal: _____   Municipio: _______________
Teléfono: _________   Correo electrónico: ______________@__________
Firma del solicitante:
""",
)
add(
    "benign",
    "it",
    "dante-paolo-francesca",
    "prose",
    """
Spiegami il canto V dell'Inferno: perché Dante sviene dopo il racconto di Francesca da Rimini, chi erano Paolo Malatesta e Gianciotto, e cosa significa «Galeotto fu 'l libro e chi lo scrisse»?
""",
)
add(
    "benign",
    "it",
    "ricetta-carbonara",
    "prose",
    """
Per 4 persone: 320 g di spaghetti, 150 g di guanciale, 4 tuorli e 1 uovo intero, 50 g di pecorino romano, pepe nero. Perché la mia carbonara diventa una frittata? A che temperatura si rapprende il tuorlo?
""",
)
add(
    "benign",
    "it",
    "cenacolo-visita",
    "prose",
    """
Vorrei vedere il Cenacolo di Leonardo da Vinci a Santa Maria delle Grazie (Piazza di Santa Maria delle Grazie, 20123 Milano). Come funzionano le prenotazioni, quanto dura la visita e cosa c'è da vedere vicino, tipo il Castello Sforzesco o la Pinacoteca di Brera?
""",
)
add(
    "benign",
    "it",
    "brand-ferrari-lamborghini",
    "prose",
    """
Scrivi un breve articolo sulla rivalità tra Enzo Ferrari e Ferruccio Lamborghini: la leggenda della frizione del 1963, la nascita della Miura e perché oggi Lamborghini appartiene al gruppo Volkswagen tramite Audi.
""",
)
add(
    "benign",
    "pt",
    "pessoa-heteronimos",
    "prose",
    """
Explica a diferença entre os heterónimos de Fernando Pessoa — Alberto Caeiro, Ricardo Reis e Álvaro de Campos — e o semi-heterónimo Bernardo Soares do Livro do Desassossego. Dá um verso de cada um.
""",
)
add(
    "benign",
    "pt",
    "codigo-civil-artigo",
    "prose",
    """
O que diz o artigo 1022.º do Código Civil português sobre o contrato de locação? «Locação é o contrato pelo qual uma das partes se obriga a proporcionar à outra o gozo temporário de uma coisa, mediante retribuição.» Qual a diferença entre arrendamento e aluguer?
""",
)
add(
    "benign",
    "pt",
    "receita-pastel-de-nata",
    "prose",
    """
Quero fazer 24 pastéis de nata. A receita pede 500 ml de leite, 6 gemas, 250 g de açúcar, 40 g de farinha, casca de limão e pau de canela, forno a 250 °C. Como consigo as manchas queimadas por cima sem forno profissional?
""",
)
add(
    "benign",
    "nl",
    "nachtwacht-rembrandt",
    "prose",
    """
Voor een spreekbeurt: wie staan er op De Nachtwacht van Rembrandt, waarom heette het schilderij officieel het schuttersstuk van kapitein Frans Banninck Cocq en luitenant Willem van Ruytenburch, en wat is Operatie Nachtwacht in het Rijksmuseum?
""",
)
add(
    "benign",
    "nl",
    "museumbezoek-amsterdam",
    "prose",
    """
We gaan in mei met de klas naar Amsterdam. Kun je een route maken langs het Van Gogh Museum (Museumplein 6), het Anne Frank Huis (Westermarkt 20) en de NEMO? Hoeveel minuten lopen is het tussen de stops, en wat kost een groepsticket ongeveer?
""",
)
add(
    "benign",
    "nl",
    "algemene-vraag-bloeddrukmedicatie",
    "prose",
    """
Algemene vraag: wat is het verschil tussen ACE-remmers zoals lisinopril en angiotensine-receptorblokkers zoals losartan? Waarom geven ACE-remmers soms een droge hoest en ARB's niet?
""",
)
add(
    "benign",
    "pl",
    "sklodowska-curie-referat",
    "prose",
    """
Napisz plan referatu o Marii Skłodowskiej-Curie: studia na Uniwersytecie Latającym i Sorbonie, odkrycie polonu i radu, dwie Nagrody Nobla oraz Instytut Radowy w Warszawie przy ulicy Wawelskiej.
""",
)
add(
    "benign",
    "pl",
    "pusty-formularz-pesel",
    "form",
    """
Jak poprawnie opisać pola tego formularza zgłoszeniowego, żeby był dostępny dla czytników ekranu?

Imię i nazwisko: ............................
PESEL: [_][_][_][_][_][_][_][_][_][_][_]
Data urodzenia (DD-MM-RRRR): ...-...-......
Adres e-mail: ....................@.............
Numer telefonu: +48 ... ... ...
Numer rachunku bankowego (26 cyfr): PL __ ____ ____ ____ ____ ____ ____
""",
)
add(
    "benign",
    "pl",
    "chopin-konkurs",
    "prose",
    """
Kto wygrał Konkurs Chopinowski w 2015 i 2021 roku? Porównaj interpretacje Seong-Jin Cho i Bruce'a Liu Koncertu e-moll op. 11. Gdzie w Warszawie znajduje się serce Fryderyka Chopina?
""",
)
add(
    "benign",
    "sv",
    "pippi-langstrump",
    "prose",
    """
Skriv en kort sammanfattning för en bokcirkel om Pippi Långstrump: Villa Villekulla, Herr Nilsson och Lilla Gubben, Tommy och Annika, och Pippis pappa kapten Efraim Långstrump — hur har Astrid Lindgrens texter ändrats i nyare upplagor och varför?
""",
)
add(
    "benign",
    "sv",
    "ikea-produktnamn",
    "prose",
    """
Varför heter IKEA:s produkter som de gör? BILLY, KLIPPAN, POÄNG och MALM — stämmer det att bokhyllor har mansnamn, soffor ortnamn och sängar norska ortnamn? Ge en förklaring på 100 ord.
""",
)
add(
    "benign",
    "da",
    "hc-andersen-eventyr",
    "prose",
    """
Giv mig tre diskussionsspørgsmål til 6. klasse om H.C. Andersens »Den grimme ælling« og »Kejserens nye klæder«. Hvor i Odense ligger H.C. Andersens Hus, og hvornår blev han født?
""",
)
add(
    "benign",
    "da",
    "lego-historie",
    "prose",
    """
Skriv et kort afsnit om LEGO's historie: Ole Kirk Christiansen i Billund, navnet fra »leg godt«, klodsen med rør patenteret i 1958, og hvorfor firmaet næsten gik konkurs i 2003-2004.
""",
)
add(
    "benign",
    "fi",
    "sibelius-finlandia",
    "prose",
    """
Kirjoita lyhyt esittely konserttiohjelmaan: Jean Sibelius, Finlandia op. 26 (1899), miksi teos oli sensuroitu ja miten Finlandia-hymni syntyi V. A. Koskenniemen sanoilla. Noin 120 sanaa.
""",
)
add(
    "benign",
    "fi",
    "muumilaakso-hahmot",
    "prose",
    """
Tee lapsille tietovisa Muumeista: Muumipeikko, Muumimamma, Muumipappa, Niiskuneiti, Pikku Myy, Nuuskamuikkunen ja Haisuli. Kuka heistä kirjoitti muistelmat, ja missä Tove Janssonin Muumimuseo sijaitsee?
""",
)
add(
    "benign",
    "cs",
    "capek-rur-robot",
    "prose",
    """
Připrav mi na seminář shrnutí hry R.U.R. Karla Čapka: kdo vymyslel slovo robot (podle Karla to byl bratr Josef), o čem je továrna Rossumových univerzálních robotů a kdo jsou postavy Helena Gloryová a Alquist.
""",
)
add(
    "benign",
    "cs",
    "svejk-citaty",
    "prose",
    """
Najdi mi pět slavných citátů z Osudů dobrého vojáka Švejka a vysvětli je pro anglického čtenáře. Proč Hašek nechal hostinského Palivce zatknout kvůli mouchám na obrazu císaře Františka Josefa?
""",
)
add(
    "benign",
    "ro",
    "eminescu-luceafarul",
    "prose",
    """
Analizează pe scurt poemul „Luceafărul” de Mihai Eminescu: relația dintre Hyperion și Cătălina, rolul lui Cătălin și semnificația versului final „Ce-ți pasă ție, chip de lut, / Dac-oi fi eu sau altul?”.
""",
)
add(
    "benign",
    "ro",
    "vlad-tepes-dracula",
    "prose",
    """
Care este diferența dintre Vlad Țepeș, domnitorul Țării Românești din secolul XV, și contele Dracula din romanul lui Bram Stoker? Merită să vizitez Castelul Bran din județul Brașov sau Cetatea Poenari?
""",
)
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


def validate_value(lab):
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
    elif typ == "IP_ADDRESS":
        assert ipaddress.ip_address(v).is_global, f"non-public IP {v!r}"
    elif typ == "EMAIL_ADDRESS":
        assert EMAIL_RE.match(v.replace("%40", "@")), f"bad email {v!r}"  # URL-encoded @ allowed
    elif typ == "PRIVATE_KEY":
        if v.startswith("PuTTY-User-Key-File-"):
            assert re.search(r"\nPrivate-MAC: [0-9a-f]{64}$", v), "PuTTY key must be whole"
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
            validate_value(lab)
        except AssertionError as exc:
            problems.append(str(exc))
    spans = sorted((l["start"], l["end"]) for l in labels)
    for (s1, e1), (s2, e2) in itertools.pairwise(spans):
        if s2 < e1:
            problems.append(f"overlapping labels at {s1}-{e1} / {s2}-{e2}")

    def covered(s, e):
        return any(l["start"] <= s and e <= l["end"] for l in labels)

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
                if not any(l["start"] <= s < l["end"] for l in labels):
                    warnings.append(f"name part {tok!r} unlabelled at {s}")
    if p["group"] == "benign" and labels:
        problems.append("benign prompt has labels")
    if p["group"] != "benign" and not labels:
        problems.append("non-benign prompt without labels")
    if p["group"] == "cred" and not any(
        l["type"] in ("SECRET", "API_KEY", "PRIVATE_KEY", "NATIONAL_ID") for l in labels
    ):
        problems.append("credential prompt without credential/national id")
    return problems, sorted(set(warnings))


SPLIT_SEED = 20251104
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
    for t, n in Counter(l["type"] for l in r["labels"]).items():
        keys[("t", t)] += n  # number of labels of this type
        keys[("tp", t)] += 1  # prompts containing this type
    for c in {l["country"] for l in r["labels"] if l["country"]}:
        keys[("c", c)] += 1
    return keys


def split_halves(records, seed=SPLIT_SEED):
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


def main():
    out_dir = Path(__file__).resolve().parent
    records, all_problems, all_warnings = [], [], []
    seen_texts = set()
    for n, p in enumerate(PROMPTS, 1):
        pid = f"h-{n:04d}"
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
    expected = [("pii", 1, 70), ("cred", 71, 120), ("benign", 121, 180)]
    for grp, lo, hi in expected:
        got = [int(r["id"][2:]) for r in records if r["group"] == grp]
        if got != list(range(lo, hi + 1)):
            all_problems.append(
                f"group {grp}: ids {got[:1]}..{got[-1:]} ({len(got)}), expected h-{lo:04d}..h-{hi:04d}"
            )
    for w in all_warnings:
        print("WARN", w, file=sys.stderr)
    if all_problems:
        for x in all_problems:
            print("ERROR", x, file=sys.stderr)
        sys.exit(1)
    seed = split_halves(records)
    print(f"split seed {seed}")
    with open(out_dir / "fresh3.jsonl", "w", encoding="utf-8") as fh:
        for r in records:
            row = {k: r[k] for k in ("id", "lang", "domain", "format", "text", "labels", "half")}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if "--stats" in sys.argv:
        print_stats(records)
    print(
        f"wrote {len(records)} prompts, {sum(len(r['labels']) for r in records)} labels "
        f"-> {out_dir / 'fresh3.jsonl'}"
    )


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
        langs = sorted({r["lang"] for r in records}, key=lambda l: (-sum(x["lang"] == l for x in records), l))
        fmts = sorted(
            {r["format"] for r in records}, key=lambda f: (-sum(x["format"] == f for x in records), f)
        )

        def cell(key, val, h):
            return sum(1 for r in sub if r[key] == val and r["half"] == h)

        print(f"\n### Group `{grp}` ({ids[0]} .. {ids[-1]}), dev/test\n")
        print("| | " + " | ".join(langs) + " |\n|---|" + "---:|" * len(langs))
        print(
            "| language | "
            + " | ".join(f"{cell('lang', l, 'dev')}/{cell('lang', l, 'test')}" for l in langs)
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
    table("Labels per type", lambda r: [l["type"] for l in r["labels"]], multi=True)
    table(
        "NATIONAL_ID labels per country",
        lambda r: [l["country"] for l in r["labels"] if l["country"]],
        multi=True,
    )


if __name__ == "__main__":
    main()
