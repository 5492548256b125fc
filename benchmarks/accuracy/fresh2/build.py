#!/usr/bin/env python3
# ruff: noqa: E741, B023  (hand-written corpus script: `l` is a label throughout; cell() is used inside the loop)
"""Build the 'fresh2' privacy-filter evaluation corpus (second blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The script strips the markers, records a label for every marker with exact
character offsets into the cleaned text, checks the offsets, validates every
NATIONAL_ID / IBAN_CODE / CREDIT_CARD checksum (python-stdnum), checks that no
labelled value also occurs unlabelled elsewhere in the same prompt, assigns the
dev/test half with a fixed seed, and writes fresh2.jsonl next to this file.

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
# group pii (g-0001 .. g-0060)
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "school-parent-message",
    "prose",
    """
Can you help me rewrite this so it sounds less panicked? It's going to the class teacher.

Hi Mrs ⟦P:Okafor⟧,
Just a heads-up before Thursday's trip to the science museum: ⟦P:Toby⟧ has a severe ⟦MC:sesame allergy⟧ and carries a ⟦MED:Jext⟧ pen in the front pocket of his rucksack. He also had a ⟦MC:asthma⟧ flare-up last week so please make sure his blue ⟦MED:Salbutamol⟧ inhaler goes with him. If anything happens you can reach me on ⟦T:07700 918 342⟧ or his dad ⟦P:Gareth Pryce⟧ on ⟦T:07911 640 275⟧.
Thanks so much,
⟦P:Rhiannon Pryce⟧ (⟦P:Toby Pryce⟧'s mum, 4B)
""",
)
add(
    "pii",
    "de",
    "landlord-dispute",
    "prose",
    """
Bitte formuliere das als sachlichen, aber bestimmten Brief an die Hausverwaltung:

Ich, ⟦P:Dennis Hoffbauer⟧, wohnhaft ⟦A:Lindenhofstraße 17, 2. OG links, 68163 Mannheim⟧, bin am 30.09. ausgezogen und warte seit elf Wochen auf meine Kaution von 2.340 €. Die Wohnungsübergabe mit Herrn ⟦P:Krämer⟧ war ohne Mängel, das Protokoll liegt vor. Bitte überweisen Sie den Betrag auf mein Konto ⟦IBAN:DE22 3699 3563 2729 5181 75⟧ (Kontoinhaber ⟦P:Dennis Hoffbauer⟧). Für Rückfragen bin ich unter ⟦T:0176 48291730⟧ oder ⟦E:d.hoffbauer@posteo.example⟧ erreichbar. Sollte bis zum 15. keine Zahlung eingehen, schalte ich den Mieterverein ein.
""",
)
add(
    "pii",
    "en",
    "dating-app-moderation",
    "kv-log",
    """
Summarise this moderation case for the trust & safety queue, and tell me if the reported user broke the off-platform-contact rule:

2025-11-02T21:14:07Z report_id=RPT-88213 reporter=⟦U:sunny_kat88⟧ reported=⟦U:marco.v.gym⟧ reason=harassment
2025-11-02T21:14:07Z msg_excerpt="hey just text me on ⟦T:+44 7457 803 119⟧ this app is dead lol"
2025-11-02T21:14:09Z reported_last_ip=⟦IP:81.56.99.102⟧ device=iPhone15,3 app=6.42.1
2025-11-02T21:14:09Z reporter_last_ip=⟦IP:151.55.237.242⟧ device=SM-S918B
2025-11-02T21:15:40Z prior_reports[⟦U:marco.v.gym⟧]=3 verified_email=⟦E:marco.vettori91@mail.example⟧
""",
)
add(
    "pii",
    "fr",
    "legal-intake",
    "form",
    """
Fiche de premier rendez-vous – cabinet, droit de la famille. Peux-tu en tirer les points à vérifier pour la requête en divorce ?

Nom : ⟦P:Lemaire⟧
Prénom : ⟦P:Sandrine⟧
Née le : ⟦DOB:04/11/1983⟧
Adresse : ⟦A:12 allée des Tilleuls, 44300 Nantes⟧
Téléphone : ⟦T:06 72 18 45 90⟧
Courriel : ⟦E:sandrine.lemaire44@orange.example⟧
Conjoint : ⟦P:Julien Lemaire⟧, né le ⟦DOB:19/02/1981⟧
Enfants : ⟦P:Inès⟧ (9 ans), ⟦P:Hugo⟧ (6 ans)
Situation : séparés depuis mars, Madame suivie pour ⟦MC:dépression⟧ depuis 2023
""",
)
add(
    "pii",
    "nl",
    "vet-clinic-record",
    "form",
    """
Kun je deze dossierkaart omzetten naar een nette herinneringsmail voor de eigenaar? De inenting van de kat is over twee weken.

Klantnummer: ⟦ACC:DK-204817⟧
Eigenaar: ⟦P:Femke van der Heijden⟧
Adres: ⟦A:Burgemeester Reigerstraat 41, 3581 KP Utrecht⟧
Tel: ⟦T:06 41 27 83 90⟧
Dier: Pippa, Europese korthaar, 7 jaar
Laatste bezoek: 14-08 – tandsteen verwijderd, krijgt Metacam 3 dagen
Opmerking: eigenaar heeft zelf ⟦MC:kattenallergie⟧, graag afspraken aan huis via ⟦P:Femke⟧
""",
)
add(
    "pii",
    "en",
    "gym-membership-export",
    "csv",
    """
member_id,first_name,last_name,email,mobile,dob,plan,sort_code,account_no
⟦ACC:GM-0041873⟧,⟦P:Priya⟧,⟦P:Raghunathan⟧,⟦E:priya.r@fastmail.example⟧,⟦T:07488 215 903⟧,⟦DOB:1992-06-18⟧,off-peak,20-45-77,⟦ACC:41827365⟧
⟦ACC:GM-0041874⟧,⟦P:Callum⟧,⟦P:Whitlock⟧,⟦E:cwhitlock@outlook.example⟧,⟦T:07723 604 118⟧,⟦DOB:1987-01-30⟧,anytime,40-11-62,⟦ACC:93016642⟧
⟦ACC:GM-0041875⟧,⟦P:Aoife⟧,⟦P:Brennan⟧,⟦E:aoife.brennan@gmail.example⟧,⟦T:07395 772 041⟧,⟦DOB:2001-11-05⟧,student,30-96-26,⟦ACC:20571938⟧

Which of these members will turn 25 during their contract year? The contract runs Jan–Dec 2026.
""",
)
add(
    "pii",
    "pl",
    "delivery-driver-log",
    "kv-log",
    """
Przeanalizuj log kuriera i napisz, które paczki zostały doręczone z opóźnieniem (okno do 14:00):

08:12 stop=1 odbiorca="⟦P:Katarzyna Wróblewska⟧" adres="⟦A:ul. Zielona 8/14, 31-503 Kraków⟧" tel=⟦T:+48 601 238 774⟧ status=DORĘCZONO
09:47 stop=2 odbiorca="⟦P:Tomasz Bielecki⟧" adres="⟦A:os. Kolorowe 12/3, 31-938 Kraków⟧" tel=⟦T:512 904 336⟧ status=AWIZO notatka="domofon nie działa, klient prosi o telefon"
13:58 stop=3 odbiorca="⟦P:Agnieszka Dudek⟧" adres="⟦A:ul. Mogilska 65/2, 31-545 Kraków⟧" tel=⟦T:+48 698 457 120⟧ status=DORĘCZONO
14:31 stop=4 odbiorca="⟦P:Marek Sowa⟧" adres="⟦A:ul. Lublańska 27, 31-476 Kraków⟧" tel=⟦T:733 215 809⟧ status=DORĘCZONO notatka="zostawiono u sąsiada p. ⟦P:Nowickiej⟧"
""",
)
add(
    "pii",
    "en",
    "travel-booking",
    "form",
    """
Please check this group booking for problems before I send it to the airline (name/passport mismatches, expiry before return flight on 22 Mar 2026):

Booking ref: QX7H2M   Route: LHR–LIS–LHR
PAX 1: ⟦P:HALLORAN/SEAN⟧ MR  DOB ⟦DOB:03MAY79⟧  Passport ⟦PASS:558214306⟧ exp 11FEB26  FF: BA ⟦ACC:41938870⟧
PAX 2: ⟦P:HALLORAN/NIAMH⟧ MRS  DOB ⟦DOB:27SEP81⟧  Passport ⟦PASS:561037942⟧ exp 02JUL31
PAX 3: ⟦P:HALLORAN/ELLA⟧ MISS  DOB ⟦DOB:14JAN15⟧  Passport ⟦PASS:570118265⟧ exp 09OCT27
Contact: ⟦T:+44 7700 154 822⟧ / ⟦E:sean.halloran@btinternet.example⟧
SSR: WCHR for PAX 2 (⟦MC:knee replacement⟧ in January)
""",
)
add(
    "pii",
    "es",
    "payroll-slip",
    "form",
    """
¿Me explicas por qué la retención de IRPF de esta nómina es tan alta comparada con el mes pasado?

NÓMINA – OCTUBRE 2025
Empresa: Distribuciones Levante S.L.
Trabajador: ⟦P:Lucía Navarro Ferrer⟧
DNI: ⟦ID@ES:09464521K⟧
Categoría: Oficial 1ª administrativa
Antigüedad: 03/02/2019
Salario base: 1.684,20 €
Complemento: 212,00 €
IRPF (17,35 %): 329,02 €
Cuenta de abono: ⟦IBAN:ES80 2100 3191 5034 6580 7478⟧
""",
)
add(
    "pii",
    "it",
    "pharmacy-order",
    "json",
    """
Questo è l'ordine arrivato dal sito della farmacia, il campo "note" è finito nel posto sbagliato. Come lo correggo?

{
  "ordine": "FO-2025-118834",
  "cliente": {
    "nome": "⟦P:Chiara⟧",
    "cognome": "⟦P:Ferrante⟧",
    "codice_fiscale": "⟦ID@IT:FRRCHR85M52F205T⟧",
    "telefono": "⟦T:+39 347 812 6630⟧",
    "indirizzo": {"via": "⟦A:Via Pietro Custodi 14⟧", "cap": "⟦A:20136⟧", "citta": "⟦A:Milano⟧"}
  },
  "righe": [
    {"prodotto": "⟦MED:Eutirox⟧ 75 mcg 50 cpr", "qta": 2, "ricetta": "NRE 0300A4817263549"},
    {"prodotto": "Crema solare SPF50", "qta": 1}
  ],
  "note": "per ⟦MC:ipotiroidismo⟧, consegnare al portiere"
}
""",
)
add(
    "pii",
    "pt",
    "insurance-claim",
    "prose",
    """
Ajuda-me a responder a esta participação de sinistro com a lista de documentos em falta:

Exmos. Senhores,
Venho participar o acidente ocorrido no dia 3 de novembro em casa. A minha filha ⟦P:Matilde Carvalho⟧ caiu das escadas e sofreu uma ⟦MC:fratura do punho esquerdo⟧, tendo sido assistida no Hospital de Santa Maria. Apólice n.º ⟦ACC:AP-7710 2298 41⟧, tomador ⟦P:Rui Carvalho⟧, NIF ⟦ID@PT:273256408⟧. Morada: ⟦A:Rua Almirante Barroso 22, 3.º Esq., 1000-013 Lisboa⟧. Contacto: ⟦T:912 476 385⟧.
Com os melhores cumprimentos,
⟦P:Rui Carvalho⟧
""",
)
add(
    "pii",
    "en",
    "recruiting-ats-export",
    "json",
    """
Rank these two applicants for the backend role based only on experience. Ignore anything personal.

{"job_id": "BE-214", "applicants": [
  {"id": 90131, "name": "⟦P:Obinna Eze⟧", "contact": {"email": "⟦E:obinna.eze.dev@proton.example⟧", "phone": "⟦T:+1 415 555 0198⟧"},
   "links": {"github": "⟦U:obinnaeze⟧"}, "years_exp": 6, "notes": "needs visa sponsorship; disclosed ⟦MC:dyslexia⟧, requests written interview questions"},
  {"id": 90144, "name": "⟦P:Hannah Lindgren⟧", "contact": {"email": "⟦E:hlindgren@fastmail.example⟧", "phone": "⟦T:+1 (646) 555-0143⟧"},
   "links": {"github": "⟦U:hlindgren-codes⟧"}, "years_exp": 4, "notes": "referred by ⟦P:Tom Aschenbach⟧"}
]}
""",
)
add(
    "pii",
    "sv",
    "club-member-list",
    "markdown-table",
    """
Kan du sortera medlemslistan för körens julkonsert efter stämma och markera vem som inte betalat avgiften?

| Namn | Stämma | Telefon | Adress | Betalt |
|---|---|---|---|---|
| ⟦P:Ingrid Sjöberg⟧ | sopran | ⟦T:070-318 42 77⟧ | ⟦A:Tegnérgatan 9, 753 27 Uppsala⟧ | ja |
| ⟦P:Olof Hedlund⟧ | bas | ⟦T:073-904 15 62⟧ | ⟦A:Sysslomansgatan 21 lgh 1203, 753 11 Uppsala⟧ | nej |
| ⟦P:Maja Lundqvist⟧ | alt | ⟦T:076-221 08 93⟧ | ⟦A:Svartbäcksgatan 44, 753 33 Uppsala⟧ | ja |
| ⟦P:Göran Ek⟧ | tenor | ⟦T:070-655 39 10⟧ | ⟦A:Kungsgatan 61, 753 21 Uppsala⟧ | nej |
""",
)
add(
    "pii",
    "en",
    "customer-call-transcript",
    "prose",
    """
Turn this call transcript into a ticket summary. Remove small talk.

Agent: Thanks for calling Northway Energy, you're speaking with ⟦P:Dev⟧. Can I take your name?
Caller: Yeah it's ⟦P:Maureen Gallagher⟧.
Agent: And the first line of the address and postcode?
Caller: ⟦A:48 Ferndale Road, Leeds LS6 2RT⟧.
Agent: Lovely, and date of birth for security?
Caller: Twelfth of March, ⟦DOB:12/03/1958⟧.
Agent: Thanks ⟦P:Maureen⟧. What can I do for you?
Caller: You've taken two direct debits this month. My account number with you is ⟦ACC:10048829173⟧.
Agent: I can see that. I'll refund one now to the card ending 4417, is that okay?
Caller: Actually put it on my other card, ⟦CC:4620 9665 4287 0724⟧, the other one's being cancelled.
Agent: No problem. For the refund I'll need the expiry date and the name on the card.
Caller: 08/27, and the card's in my husband's name, ⟦P:Desmond Gallagher⟧. He's fine with it.
Agent: Okay. I also see a note that you're on our priority services register — is that still right?
Caller: Yes, ⟦P:Desmond⟧ is on home oxygen for his ⟦MC:emphysema⟧, so we can't have the power cut off.
Agent: Understood, that stays on the account. Is ⟦T:0113 496 0732⟧ still the best number?
Caller: Use my mobile, ⟦T:07700 900 418⟧. And send the confirmation to ⟦E:mo.gallagher58@btinternet.example⟧ please.
Agent: Done. You'll see the refund in three to five working days. Anything else, ⟦P:Maureen⟧?
Caller: No, that's all, thanks love.
""",
)
add(
    "pii",
    "en",
    "git-log",
    "command",
    """
Who touched the billing module most in the last release? Here's the log:

$ git log --since=2025-09-01 --format='%h %an <%ae> %s' -- src/billing/
a41f9c2 ⟦P:Fatima Zahra Benali⟧ <⟦E:fatima.benali@kestrel-soft.example⟧> fix rounding in VAT calc
9be0d17 ⟦P:Lukas Brandner⟧ <⟦E:lukas.brandner@kestrel-soft.example⟧> add SEPA mandate reference
7c2e551 ⟦P:Fatima Zahra Benali⟧ <⟦E:fatima.benali@kestrel-soft.example⟧> refactor invoice numbering
3d88a0e dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com> bump stripe from 7.1 to 7.3
e012b6f ⟦P:Wojtek Zając⟧ <⟦E:wzajac+work@gmail.example⟧> hotfix: credit notes negative totals
""",
)
add(
    "pii",
    "en",
    "crash-report",
    "json",
    """
What's the root cause of this crash? The user says it happens every time she opens the export screen.

{
  "app": "ledgerly-desktop", "version": "3.8.2", "os": "macOS 15.1",
  "user": {"id": "usr_5521908", "email": "⟦E:gemma.whitfield@icloud.example⟧", "display_name": "⟦P:Gemma Whitfield⟧"},
  "client_ip": "⟦IP:31.67.216.38⟧",
  "exception": "TypeError: Cannot read properties of undefined (reading 'currency')",
  "stack": [
    "at formatRow (/Users/⟦U:gwhitfield⟧/Library/Application Support/Ledgerly/app.asar/export.js:212:31)",
    "at Array.map (<anonymous>)",
    "at buildCsv (/Users/⟦U:gwhitfield⟧/Library/Application Support/Ledgerly/app.asar/export.js:188:18)"
  ],
  "breadcrumbs": ["open:export", "select:account=Joint – ⟦P:Gemma⟧ & ⟦P:Rob⟧"]
}
""",
)
add(
    "pii",
    "da",
    "screenshot-transcription",
    "prose",
    """
Jeg har skrevet teksten af fra et skærmbillede af en besked fra udlejeren. Er det lovligt at kræve det her?

"Hej ⟦P:Mikkel⟧. Huslejen for december er ikke kommet. Overfør 8.450 kr. til ⟦IBAN:DK77 5797 6676 2935 61⟧ senest fredag, ellers sender jeg rykker med gebyr. Og så vil jeg gerne se lejlighed ⟦A:Nørrebrogade 142, 3. th., 2200 København N⟧ på mandag kl. 10 – jeg har nøgle. Mvh ⟦P:Bent Rasmussen⟧, ⟦T:+45 22 61 48 09⟧"
""",
)
add(
    "pii",
    "en",
    "email-thread",
    "prose",
    """
Can you draft a reply to ⟦P:Jasmine⟧ that confirms the new date and politely declines the extra cost?

From: ⟦P:Jasmine Oyelaran⟧ <⟦E:jasmine@oyelaran-events.example⟧>
Sent: Tuesday 4 November 2025 16:02
To: ⟦P:Peter Szabo⟧
Subject: RE: Wedding venue – change of date

Hi ⟦P:Peter⟧, moving to 14 June is fine but there's a £350 re-booking fee. Let me know.

⟦P:Jasmine Oyelaran⟧
Oyelaran Events | ⟦T:07834 552 190⟧

> From: ⟦P:Peter Szabo⟧ <⟦E:peter.szabo.86@gmail.example⟧>
> Sent: Monday 3 November 2025 21:40
> Hi ⟦P:Jasmine⟧, my fiancée ⟦P:Clara⟧ has to have ⟦MC:gallbladder surgery⟧ in May so we need to move the wedding. Is 14 June possible?
> Thanks, ⟦P:Peter⟧ – ⟦T:07402 118 665⟧
>
>> From: ⟦P:Jasmine Oyelaran⟧ <⟦E:jasmine@oyelaran-events.example⟧>
>> Sent: Friday 12 September 2025 10:15
>> Dear ⟦P:Peter⟧ and ⟦P:Clara⟧, attached is the contract for Saturday 17 May at Hartwell Barn. The deposit of £1,200 is due within 14 days to the account on the invoice. Please let me know about dietary requirements — you mentioned your father has ⟦MC:coeliac disease⟧, so I've flagged a gluten-free main for him.
>> Best wishes, ⟦P:Jasmine⟧
""",
)
add(
    "pii",
    "en",
    "slack-export",
    "json",
    """
Summarise what the team decided in this Slack export. Keep it to 3 bullets.

[
 {"user": "U04KX1T2B", "user_profile": {"real_name": "⟦P:Nadia Haddad⟧", "display_name": "⟦U:nadia.h⟧"}, "text": "I'll be out Thu–Fri, starting ⟦MED:methotrexate⟧ for my ⟦MC:rheumatoid arthritis⟧ and the first doses knock me out", "ts": "1730801201.001200"},
 {"user": "U03QJ8Z9M", "user_profile": {"real_name": "⟦P:Ben Carrigan⟧", "display_name": "⟦U:bcarrigan⟧"}, "text": "no worries, I'll cover the release. <@U04KX1T2B> feel better!", "ts": "1730801290.004500"},
 {"user": "U05A7LLP1", "user_profile": {"real_name": "⟦P:Yuki Tanabe⟧", "display_name": "⟦U:yuki⟧"}, "text": "release moved to Monday then. <@U03QJ8Z9M> can you ping ⟦E:ops-lead.carrigan@gmail.example⟧ if the pager goes off?", "ts": "1730801355.006100"}
]
""",
)
add(
    "pii",
    "de",
    "calendar-invite",
    "code",
    """
Warum zeigt Outlook bei dieser Einladung die falsche Uhrzeit an?

BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:7f3c2a10-44b1-4d0e-9c55-0b1e2d9a7f10
DTSTART:20251118T090000Z
DTEND:20251118T100000
SUMMARY:Elterngespräch ⟦P:Jonas Albrecht⟧ (Förderplan ⟦MC:ADHS⟧)
ORGANIZER;CN=⟦P:Sabine Kürten⟧:mailto:⟦E:s.kuerten@gs-am-park.example⟧
ATTENDEE;CN=⟦P:Melanie Albrecht⟧;ROLE=REQ-PARTICIPANT:mailto:⟦E:melanie.albrecht@web.example⟧
LOCATION:Raum 1.14
DESCRIPTION:Bitte Arztbrief zu ⟦MED:Medikinet⟧ mitbringen. Rückruf unter ⟦T:0221 94837261⟧.
END:VEVENT
END:VCALENDAR
""",
)
add(
    "pii",
    "fr",
    "therapy-notes",
    "prose",
    """
Aide-moi à résumer mes notes de séance en trois lignes pour le dossier partagé (sans jargon) :

⟦P:Élodie Marchand⟧, 34 ans. Dort mal depuis la rentrée, crises d'angoisse dans le métro. Prend de la ⟦MED:sertraline⟧ depuis mars (prescrite par son généraliste), a arrêté le ⟦MED:Xanax⟧ d'elle-même. Son frère ⟦P:Nicolas⟧ est au courant. Prochain rendez-vous le 21. Joignable au ⟦T:07 81 42 96 03⟧ uniquement par SMS.
""",
)
add(
    "pii",
    "pl",
    "clinic-appointments",
    "sql",
    """
Dlaczego ten INSERT wywala błąd "value too long for type character varying(12)"?

INSERT INTO wizyty (pacjent, pesel, telefon, rozpoznanie, lek, data_wizyty) VALUES
  ('⟦P:Halina Grabowska⟧', '⟦ID@PL:87031432880⟧', '⟦T:+48 604 118 327⟧', '⟦MC:nadciśnienie tętnicze⟧', '⟦MED:Prestarium⟧', '2025-12-02 10:30'),
  ('⟦P:Kacper Lis⟧', '⟦ID@PL:02272549179⟧', '⟦T:797 330 412⟧', '⟦MC:astma oskrzelowa⟧', '⟦MED:Symbicort⟧', '2025-12-02 11:00');
""",
)
add(
    "pii",
    "it",
    "school-trip-roster",
    "yaml",
    """
Puoi trasformare questo YAML in una tabella da stampare per gli accompagnatori della gita?

gita: Firenze, 12-13 marzo
classe: 2B
studenti:
  - nome: ⟦P:Giulia Marras⟧
    nascita: ⟦DOB:2011-05-09⟧
    allergie: ⟦MC:allergia alle arachidi⟧
    farmaci: ⟦MED:Fastjekt⟧
    genitore: ⟦P:Paola Marras⟧
    tel_genitore: "⟦T:340 918 2274⟧"
  - nome: ⟦P:Edoardo Conti⟧
    nascita: ⟦DOB:2011-10-22⟧
    allergie: nessuna
    note: ⟦MC:diabete di tipo 1⟧, porta con sé il microinfusore
    genitore: ⟦P:Stefano Conti⟧
    tel_genitore: "⟦T:+39 335 604 7718⟧"
""",
)
add(
    "pii",
    "en",
    "seed-env-file",
    "env",
    """
Our staging seed script reads this .env. Why does the admin user end up without a phone number?

APP_ENV=staging
DATABASE_URL=postgres://localhost:5432/staging
SEED_ADMIN_NAME="⟦P:Rachel Donnelly⟧"
SEED_ADMIN_EMAIL=⟦E:rachel.donnelly@gmail.example⟧
SEED_ADMIN_PHONE= ⟦T:+353 87 419 2260⟧
SEED_ADMIN_DOB=⟦DOB:1990-08-14⟧
FEATURE_FLAGS=new-checkout,beta-reports
""",
)
add(
    "pii",
    "de",
    "legacy-app-config",
    "ini",
    """
Diese alte Konfigurationsdatei liegt noch auf dem Praxis-Server. Was bedeuten die Abschnitte?

[praxis]
name=Hausarztpraxis am Rathaus
kv_nummer=72 48113 00

[ansprechpartner]
name=⟦P:Gudrun Pohlmann⟧
telefon_privat=⟦T:0171 5520983⟧
email=⟦E:gudrun.pohlmann@t-online.example⟧

[testpatient]
; echter Patient, bitte nicht löschen!
name=⟦P:Erwin Schäfer⟧
geburtsdatum=⟦DOB:02.07.1944⟧
patientennummer=⟦MRN:PN-0018832⟧
versichertennummer=⟦ACC:K482917365⟧
""",
)
add(
    "pii",
    "en",
    "signup-request",
    "http",
    """
The backend returns 422 on this request. What's wrong with the payload?

POST /api/v2/signup HTTP/1.1
Host: app.tallyhq.example
Content-Type: application/json
X-Forwarded-For: ⟦IP:151.55.237.242⟧, 10.0.3.17
User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)

{"first_name":"⟦P:Leonor⟧","last_name":"⟦P:Quintas⟧","email":"⟦E:leonor.quintas@sapo.example⟧","birthdate":"⟦DOB:31-02-1996⟧","phone":"⟦T:+351 936 204 571⟧","marketing":true}
""",
)
add(
    "pii",
    "nl",
    "sports-club-contacts",
    "markdown-table",
    """
Maak van deze tabel een rijschema voor de uitwedstrijden van JO11-2 (elke ouder max. 2 keer):

| Speler | Ouder | Mobiel | E-mail |
|---|---|---|---|
| ⟦P:Daan Verbeek⟧ | ⟦P:Ilse Verbeek⟧ | ⟦T:06-38291047⟧ | ⟦E:ilse.verbeek@ziggo.example⟧ |
| ⟦P:Sem Bakker⟧ | ⟦P:Ruud Bakker⟧ | ⟦T:06-51739204⟧ | ⟦E:ruudbakker71@hotmail.example⟧ |
| ⟦P:Noah El Idrissi⟧ | ⟦P:Samira El Idrissi⟧ | ⟦T:+31 6 24810395⟧ | ⟦E:s.elidrissi@kpnmail.example⟧ |
| ⟦P:Finn de Wit⟧ | ⟦P:Marloes de Wit⟧ | ⟦T:06 19283746⟧ | ⟦E:marloes.dewit@gmail.example⟧ |
""",
)
add(
    "pii",
    "de",
    "pharmacy-loyalty-export",
    "csv",
    """
⟦ACC:KK-3318204⟧;⟦P:Renate⟧;⟦P:Weißgerber⟧;⟦A:Am Kirchberg 3⟧;⟦A:97070⟧;⟦A:Würzburg⟧;⟦DOB:11.04.1951⟧;⟦MED:Marcumar⟧
⟦ACC:KK-3318217⟧;⟦P:Hakan⟧;⟦P:Yıldız⟧;⟦A:Sanderstraße 29⟧;⟦A:97070⟧;⟦A:Würzburg⟧;⟦DOB:23.09.1978⟧;⟦MED:Metformin⟧
⟦ACC:KK-3318225⟧;⟦P:Lena⟧;⟦P:Brückner⟧;⟦A:Zellerauer Str. 7a⟧;⟦A:97082⟧;⟦A:Würzburg⟧;⟦DOB:30.01.1999⟧;⟦MED:Levothyroxin⟧

Das ist ein Export aus unserem Kundenkartensystem ohne Kopfzeile. Welche Spalte ist vermutlich was? Ich brauche die Reihenfolge für den Import.
""",
)
add(
    "pii",
    "en",
    "crm-api-call",
    "command",
    """
This curl keeps returning 401 even though the contact looks fine. Anything obviously off?

curl -X POST https://crm.brightlane.example/api/contacts \\
  -H 'Content-Type: application/json' \\
  -d '{"name": "⟦P:Aaron Whitfield-Lowe⟧", "email": "⟦E:aaron.wl@yahoo.example⟧", "phone": "⟦T:(312) 555-0176⟧", "address": "⟦A:2217 N Halsted St Apt 3F, Chicago, IL 60614⟧", "tags": ["trial"]}'
""",
)
add(
    "pii",
    "en",
    "patient-fixture-code",
    "code",
    """
My teammate committed this test fixture. Is it OK to keep it in the repo, and how would you rewrite it with fake data?

def make_patient():
    return Patient(
        mrn="⟦MRN:MRN-00731845⟧",
        name="⟦P:Dolores Haverkamp⟧",
        dob="⟦DOB:1949-03-27⟧",
        phone="⟦T:+1 503 555 0131⟧",
        conditions=["⟦MC:COPD⟧", "⟦MC:atrial fibrillation⟧"],
        meds=[Med("⟦MED:apixaban⟧", "5 mg", "BID"), Med("⟦MED:tiotropium⟧", "18 mcg", "QD")],
    )
""",
)
add(
    "pii",
    "es",
    "car-rental-form",
    "form",
    """
Revisa este formulario de alquiler de coche y dime si falta algún dato obligatorio para el conductor adicional:

Conductor principal: ⟦P:Daniel Ashworth⟧
Fecha de nacimiento: ⟦DOB:04/12/1989⟧
Permiso de conducir (Reino Unido): ⟦DL:ASHWO812049D99KT⟧
Pasaporte: ⟦PASS:549201836⟧
Teléfono: ⟦T:+44 7700 183 406⟧
Tarjeta de garantía: ⟦CC:5370 4505 2855 9667⟧ cad. 09/28
Conductor adicional: ⟦P:Irene Salcedo⟧, nacida el ⟦DOB:02/12/1992⟧
Recogida: aeropuerto de Málaga, 21/12 10:00
""",
)
add(
    "pii",
    "en",
    "tenant-screening",
    "prose",
    """
I'm a small landlord. Is it legal for me to ask for all of this in a rental application in Ohio? Here's what the applicant sent:

"Hi, I'm ⟦P:Brandon Kessler⟧, applying for the 2BR on Elm. SSN ⟦ID@US:306-77-5937⟧, DOB ⟦DOB:7/22/1994⟧, current address ⟦A:1180 Parsons Ave Apt 6, Columbus, OH 43206⟧. My Ohio license is ⟦DL:RK419772⟧. I work at the Kroger distribution center. I do have a service dog for ⟦MC:PTSD⟧ — letter from my VA doctor attached. Call me at ⟦T:(614) 555-0187⟧."
""",
)
add(
    "pii",
    "de",
    "school-support-plan",
    "prose",
    """
Kannst du aus diesen Stichpunkten einen freundlichen Elternbrief machen?

- Schüler: ⟦P:Leon Baumgartner⟧, Klasse 5c
- Diagnose seit Sommer: ⟦MC:ADHS⟧ und ⟦MC:Lese-Rechtschreib-Schwäche⟧
- nimmt morgens ⟦MED:Ritalin⟧, Wirkung lässt ab der 5. Stunde nach
- Nachteilsausgleich: 25 % mehr Zeit bei Klassenarbeiten
- Mutter ⟦P:Claudia Baumgartner⟧ wünscht Gespräch, erreichbar unter ⟦T:0151 27748390⟧
- Schulbegleiterin Frau ⟦P:Yilmaz⟧ ab Januar
""",
)
add(
    "pii",
    "nl",
    "dental-insurance-claim",
    "form",
    """
Mijn tandartsdeclaratie is afgewezen. Kun je een bezwaarbrief schrijven op basis van deze gegevens?

Verzekerde: ⟦P:Joost Hermans⟧
Geboortedatum: ⟦DOB:08-05-1976⟧
BSN: ⟦ID@NL:534578688⟧
Polisnummer: ⟦ACC:ZV-88120347⟧
Adres: ⟦A:Kastanjelaan 19, 5616 LK Eindhoven⟧
IBAN voor uitbetaling: ⟦IBAN:NL78 RABO 0604 8063 58⟧
Behandeling: wortelkanaalbehandeling element 36, € 418,60
Reden afwijzing: "niet verzekerd in aanvullende module"
""",
)
add(
    "pii",
    "pl",
    "payroll-export",
    "csv",
    """
imie_nazwisko,pesel,stanowisko,brutto,rachunek
⟦P:Ewelina Szczepańska⟧,⟦ID@PL:87031432880⟧,księgowa,8200.00,⟦IBAN:PL32 5218 0465 1985 4580 5458 8778⟧
⟦P:Kacper Lis⟧,⟦ID@PL:02272549179⟧,magazynier,5400.00,⟦IBAN:PL61 1090 1014 0000 0712 1981 2874⟧

Policz proszę składki ZUS pracownika dla obu osób (emerytalna, rentowa, chorobowa) i podaj kwotę netto w przybliżeniu.
""",
)
add(
    "pii",
    "it",
    "discharge-letter",
    "prose",
    """
Puoi spiegarmi con parole semplici questa lettera di dimissione di mio padre?

Paziente: ⟦P:Salvatore Greco⟧, nato il ⟦DOB:14/06/1947⟧, cartella clinica n. ⟦MRN:2025/004718⟧.
Ricoverato per ⟦MC:scompenso cardiaco⟧ in paziente con ⟦MC:diabete mellito tipo 2⟧ e ⟦MC:insufficienza renale cronica⟧ stadio 3. Alla dimissione si consiglia ⟦MED:furosemide⟧ 25 mg, ⟦MED:bisoprololo⟧ 2,5 mg e prosecuzione di ⟦MED:insulina glargine⟧ 14 UI la sera. Controllo ambulatoriale tra 30 giorni.
""",
)
add(
    "pii",
    "sv",
    "recruiting-email",
    "prose",
    """
Hjälp mig svara kandidaten nedan att vi går vidare med någon annan, men vänligt:

Hej!
Tack för intervjun i fredags. Jag vill bara nämna att jag fick veta att jag är ⟦MC:gravid⟧ först efteråt, så jag vill vara öppen med det om det påverkar startdatumet. Jag nås på ⟦T:072-418 36 05⟧ eller ⟦E:sofia.nyberg89@telia.example⟧.
Vänliga hälsningar
⟦P:Sofia Nyberg⟧
""",
)
add(
    "pii",
    "pt",
    "rental-host-message",
    "prose",
    """
Me ajuda a responder esse hóspede de forma educada, explicando que check-in antes das 14h tem taxa:

"Oi! Aqui é o ⟦P:Thiago Albuquerque⟧, reservei o apê de vocês de 12 a 15/01. Vou chegar às 9h com minha esposa ⟦P:Fernanda⟧. Para o cadastro do condomínio: CPF ⟦ID@BR:522.267.077-51⟧, RG ⟦PASS:FZ482019⟧ (uso o passaporte mesmo), nascido em ⟦DOB:23/03/1988⟧. Meu WhatsApp é ⟦T:+55 21 98734-5120⟧. Endereço de cobrança: ⟦A:Rua Visconde de Pirajá 414, apto 702, Ipanema, Rio de Janeiro - RJ, 22410-002⟧."
""",
)
add(
    "pii",
    "en",
    "account-takeover-ticket",
    "kv-log",
    """
Does this look like an account takeover? What should support do next?

2025-10-29 03:12:44 login_success user=⟦U:harriet.moss⟧ ip=⟦IP:81.217.76.190⟧ country=AT ua="curl/8.4"
2025-10-29 03:13:02 email_changed user=⟦U:harriet.moss⟧ old=⟦E:harriet.moss@gmail.example⟧ new=⟦E:hm-recovery22@tutanota.example⟧ ip=⟦IP:81.217.76.190⟧
2025-10-29 03:13:30 payout_method_added user=⟦U:harriet.moss⟧ iban=⟦IBAN:AT66 5545 1413 8889 7097⟧
2025-10-29 08:40:11 support_chat user=⟦U:harriet.moss⟧ msg="I can't log in and I never changed my email!! call me ⟦T:+1 802 555 0164⟧"
""",
)
add(
    "pii",
    "da",
    "sick-leave-note",
    "prose",
    """
Kan du gøre denne besked til min chef kortere og mere neutral? Jeg vil ikke sige for meget.

Hej ⟦P:Lone⟧,
Jeg er sygemeldt resten af ugen. Lægen mener, det er ⟦MC:stress⟧ og begyndende ⟦MC:depression⟧, og jeg er sat i behandling med ⟦MED:Cipralex⟧. Jeg har en tid hos psykolog på torsdag. Du kan skrive til mig på ⟦E:jakob.thorsen@mail.example⟧, men jeg tager ikke telefonen.
Hilsen ⟦P:Jakob Thorsen⟧
""",
)
add(
    "pii",
    "en",
    "dog-walker-schedule",
    "markdown-table",
    """
Can you turn this into a route for Monday that minimises walking between houses?

| Client | Dog | Address | Access | Phone |
|---|---|---|---|---|
| ⟦P:Imogen Fairley⟧ | Biscuit (lab) | ⟦A:14 Mornington Crescent, Bath BA1 2JS⟧ | key safe code ⟦S:4471⟧ | ⟦T:07812 336 901⟧ |
| ⟦P:Raj Malhotra⟧ | Luna (whippet) | ⟦A:3 Cavendish Place, Bath BA1 2UB⟧ | side gate, alarm ⟦S:2580⟧ then # | ⟦T:07956 240 117⟧ |
| ⟦P:Elspeth Carr⟧ | Monty (spaniel) | ⟦A:Flat 2, 9 Lansdown Road, Bath BA1 5DY⟧ | neighbour Mr ⟦P:Dunne⟧ has key | ⟦T:07701 448 273⟧ |
""",
)
add(
    "pii",
    "fr",
    "school-trip-passengers",
    "csv",
    """
nom;prénom;date_naissance;passeport;contact_urgence
⟦P:Benali⟧;⟦P:Yanis⟧;⟦DOB:12/03/2010⟧;⟦PASS:19AK52384⟧;⟦T:06 12 48 77 30⟧
⟦P:Rousseau⟧;⟦P:Camille⟧;⟦DOB:28/07/2010⟧;⟦PASS:20CF18265⟧;⟦T:07 68 20 41 95⟧
⟦P:Nguyen⟧;⟦P:Thomas⟧;⟦DOB:05/11/2009⟧;⟦PASS:18DE90143⟧;⟦T:06 33 59 02 84⟧

C'est la liste pour le voyage à Londres. Peux-tu vérifier quels élèves auront plus de 16 ans le jour du départ (14/04/2026) ?
""",
)
add(
    "pii",
    "es",
    "pharmacy-chat",
    "prose",
    """
¿Me puedes decir si es peligroso? Mi madre, ⟦P:Carmen Ibáñez⟧, tiene 78 años y toma ⟦MED:Sintrom⟧ desde que le pusieron la válvula. Ahora el médico le ha mandado ⟦MED:ibuprofeno⟧ para la rodilla y en la farmacia le han dicho que consulte. Tiene también ⟦MC:fibrilación auricular⟧. Si hace falta llamar, su teléfono es ⟦T:965 21 47 83⟧.
""",
)
add(
    "pii",
    "en",
    "small-claims-intake",
    "form",
    """
Please put this intake into a short demand letter (under 200 words):

Claimant: ⟦P:Shauna McBride⟧
Claimant address: ⟦A:77 Hollis Street, Unit 4, Halifax NS B3J 1V5⟧
Claimant phone: ⟦T:(902) 555-0148⟧
Defendant: ⟦P:Trevor Lindqvist⟧ (contractor, sole proprietor)
Defendant address: ⟦A:402 Herring Cove Rd, Halifax NS B3R 1V9⟧
Amount claimed: $4,750 (deposit for kitchen renovation, no work started)
Paid by: e-transfer to ⟦E:tlindqvist.reno@gmail.example⟧ on 2 Aug 2025
""",
)
add(
    "pii",
    "de",
    "gym-sepa-mandate",
    "json",
    """
Der Mitgliedsvertrag wird nicht angelegt, die API antwortet "mandate_reference missing". Siehst du den Fehler?

{
  "mitglied": {
    "mitgliedsnummer": "⟦ACC:FS-552019⟧",
    "vorname": "⟦P:Tobias⟧",
    "nachname": "⟦P:Reinhardt⟧",
    "geburtsdatum": "⟦DOB:1995-02-11⟧",
    "adresse": {"strasse": "⟦A:Goethestraße 52⟧", "plz": "⟦A:80336⟧", "ort": "⟦A:München⟧"}
  },
  "sepa": {
    "kontoinhaber": "⟦P:Tobias Reinhardt⟧",
    "iban": "⟦IBAN:DE89 1144 3330 5893 9623 96⟧",
    "mandat_referenz": ""
  },
  "tarif": "Flex 24"
}
""",
)
add(
    "pii",
    "it",
    "customer-call-transcript",
    "prose",
    """
Riassumi questa telefonata al servizio clienti in un ticket di due righe.

Operatore: Buongiorno, sono ⟦P:Marta⟧ di Telecasa, con chi parlo?
Cliente: Sono ⟦P:Vincenzo Russo⟧, chiamo per la bolletta.
Operatore: Mi conferma il codice cliente?
Cliente: ⟦ACC:7700418826⟧.
Operatore: E l'indirizzo di fornitura?
Cliente: ⟦A:Via Toledo 256, 80134 Napoli⟧.
Cliente: Mi avete addebitato due volte sulla carta ⟦CC:4297 1028 2251 2396⟧, voglio il rimborso. Il mio cellulare è ⟦T:333 912 4087⟧.
""",
)
add(
    "pii",
    "en",
    "crash-report-path",
    "kv-log",
    """
This stack trace came in from a customer's machine. Which line is actually failing?

[2025-11-07 14:02:19] ERROR Unhandled exception in worker-3
[2025-11-07 14:02:19] ERROR   File "C:\\Users\\⟦U:ktrojanowska⟧\\AppData\\Local\\Invoicr\\app\\sync.py", line 88, in push_batch
[2025-11-07 14:02:19] ERROR     resp = session.post(url, json=payload, timeout=10)
[2025-11-07 14:02:19] ERROR requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='api.invoicr.example', port=443)
[2025-11-07 14:02:19] INFO  license_owner="⟦P:Kinga Trojanowska⟧" license_email=⟦E:k.trojanowska@onet.example⟧ public_ip=⟦IP:31.67.216.38⟧
""",
)
add(
    "pii",
    "de",
    "crm-update",
    "sql",
    """
Ist dieses UPDATE sicher, oder überschreibe ich damit versehentlich alle Zeilen?

UPDATE kunden
SET telefon = '⟦T:+49 30 42087195⟧',
    email = '⟦E:m.oezdemir@gmx.example⟧',
    strasse = '⟦A:Sonnenallee 118⟧', plz = '⟦A:12045⟧', ort = '⟦A:Berlin⟧'
WHERE nachname = '⟦P:Özdemir⟧' AND vorname = '⟦P:Merve⟧';
""",
)
add(
    "pii",
    "en",
    "on-call-roster",
    "yaml",
    """
Generate a PagerDuty-style rotation from this YAML for the next 4 weeks, weekly handoff on Mondays.

team: platform
rotation:
  - name: ⟦P:Keisha Moreland⟧
    mobile: "⟦T:+1 206 555 0119⟧"
    slack: ⟦U:kmoreland⟧
  - name: ⟦P:Diego Paredes⟧
    mobile: "⟦T:+1 425 555 0172⟧"
    slack: ⟦U:dparedes⟧
    note: no nights until 15 Dec (⟦MC:sleep apnea⟧ treatment)
  - name: ⟦P:Anneke Vos⟧
    mobile: "⟦T:+31 6 47201938⟧"
    slack: ⟦U:annekev⟧
""",
)
add(
    "pii",
    "fr",
    "newsletter-unsubscribe",
    "http",
    """
Ce lien de désinscription renvoie une erreur 500. Tu vois pourquoi ?

GET /newsletter/unsubscribe?email=⟦E:gaelle.fontaine@laposte.example⟧&tel=⟦T:0612904473⟧&nom=⟦P:Fontaine⟧&token=abc HTTP/1.1
Host: news.la-fromagerie-du-coin.example
Accept: text/html
X-Real-IP: ⟦IP:176.31.204.88⟧
""",
)
add(
    "pii",
    "fi",
    "parent-message",
    "prose",
    """
Voitko kirjoittaa tämän viestin opettajalle vähän kohteliaammin?

Hei, ⟦P:Eetu⟧ ei voi syödä koulun ruokaa koska hänellä todettiin juuri ⟦MC:keliakia⟧. Hänellä on myös ⟦MC:laktoosi-intoleranssi⟧. Lääkärintodistus tulee ensi viikolla. Soittakaa tarvittaessa minulle numeroon ⟦T:040 728 3916⟧.
Terveisin ⟦P:Sanna Mäkelä⟧
""",
)
add(
    "pii",
    "cs",
    "landlord-dispute",
    "prose",
    """
Pomůžeš mi napsat odpověď pronajímateli? Tvrdí, že mu dlužím za energie.

Dobrý den, pane ⟦P:Horák⟧,
nájem za byt na adrese ⟦A:Koněvova 1843/57, 130 00 Praha 3⟧ jsem platil vždy včas z účtu ⟦IBAN:CZ70 5500 5144 2970 2577 4797⟧. Vyúčtování energií jsem od Vás nikdy nedostal. Prosím o zaslání na ⟦E:ondrej.kucera@seznam.example⟧, případně mi volejte na ⟦T:+420 604 218 735⟧.
S pozdravem
⟦P:Ondřej Kučera⟧
""",
)
add(
    "pii",
    "ro",
    "insurance-claim",
    "form",
    """
Te rog verifică dacă formularul de daună auto e complet înainte să-l trimit:

Nume asigurat: ⟦P:Ioana Dumitrescu⟧
CNP: ⟦ID@RO:2880419400273⟧
Data nașterii: ⟦DOB:19.04.1988⟧
Adresă: ⟦A:Str. Lizeanu nr. 21, bl. 5, ap. 14, sector 2, București⟧
Telefon: ⟦T:0722 514 836⟧
Număr poliță RCA: ⟦ACC:RO25-8841-0077⟧
Cont pentru despăgubire: ⟦IBAN:RO08 DQXX 5886 4865 2717 9440⟧
Descriere: tamponare ușoară în parcarea unui supermarket, fără vătămări
""",
)
add(
    "pii",
    "pt",
    "gym-registration",
    "form",
    """
Preciso de passar esta ficha de inscrição do ginásio para Excel. Que colunas sugeres?

Nome: ⟦P:Beatriz Seixas Monteiro⟧
Data de nascimento: ⟦DOB:30-09-1997⟧
Cartão de Cidadão: ⟦ID@PT:15873402 0 ZY3⟧
Morada: ⟦A:Rua de Cedofeita 318, 4050-174 Porto⟧
Telemóvel: ⟦T:+351 917 305 284⟧
Email: ⟦E:bia.monteiro@gmail.example⟧
Restrições médicas: ⟦MC:hérnia discal L4-L5⟧, evitar levantamento de pesos
""",
)
add(
    "pii",
    "en",
    "clinical-trial-screening",
    "markdown-table",
    """
Which of these screened patients meet the inclusion criterion HbA1c 7.0–10.0 and age 40–70 on 1 Jan 2026?

| MRN | Patient | DOB | Dx | HbA1c | Current meds |
|---|---|---|---|---|---|
| ⟦MRN:A0048213⟧ | ⟦P:Gordon Tate⟧ | ⟦DOB:1961-04-02⟧ | ⟦MC:type 2 diabetes⟧ | 8.4 | ⟦MED:metformin⟧, ⟦MED:empagliflozin⟧ |
| ⟦MRN:A0051976⟧ | ⟦P:Lucia Bertolini⟧ | ⟦DOB:1979-12-19⟧ | ⟦MC:type 2 diabetes⟧, ⟦MC:obesity⟧ | 9.7 | ⟦MED:semaglutide⟧ |
| ⟦MRN:A0062207⟧ | ⟦P:Harold Nkemelu⟧ | ⟦DOB:1950-07-30⟧ | ⟦MC:type 2 diabetes⟧ | 7.2 | ⟦MED:gliclazide⟧ |
""",
)
add(
    "pii",
    "en",
    "dating-app-appeal",
    "prose",
    """
I got banned from a dating app and want to appeal. Can you make this sound calmer?

To whoever reads this: my account ⟦U:lukeheartsdogs⟧ (registered with ⟦E:luke.ferris.1993@gmail.example⟧) was banned for "sharing contact details". I only put my Instagram handle @⟦U:luke.ferris.runs⟧ in my bio because EVERYONE does. I've been on the app since 2022 and paid for premium with my card ⟦CC:4086 9934 6736 5321⟧. Please restore it or refund me. — ⟦P:Luke Ferris⟧
""",
)
add(
    "pii",
    "en",
    "webhook-escaped-json",
    "json",
    r"""
Our form provider sends this webhook; the "payload" field is a JSON string inside JSON. How do I parse it in Node?

{
  "event": "form.submitted",
  "form_id": "contact-v3",
  "payload": "{\"full_name\":\"⟦P:Marisol Etxeberria⟧\",\"email\":\"⟦E:marisol.etx@euskaltel.example⟧\",\"phone\":\"⟦T:+34 688 204 517⟧\",\"message\":\"Necesito cambiar la cita, tengo ⟦MC:migraña⟧ crónica y hoy no puedo conducir\",\"ip\":\"⟦IP:88.27.140.61⟧\"}",
  "received_at": "2025-11-10T08:22:51Z"
}
""",
)
add(
    "pii",
    "pl",
    "email-signature-reply",
    "prose",
    """
Przetłumacz tę wymianę maili na angielski, zachowując formatowanie cytatu.

Dzień dobry Pani ⟦P:Moniko⟧,
potwierdzam termin odbioru mebli na sobotę. Proszę o kontakt z kierowcą dzień wcześniej.

Pozdrawiam
⟦P:Grzegorz Wilczek⟧
Kierownik zmiany | Meble-Trans
tel. ⟦T:+48 507 338 921⟧

> W dniu 12.11.2025 o 19:40 ⟦P:Monika Pawlak⟧ <⟦E:monika.pawlak@wp.example⟧> napisała:
> Czy mogą Państwo przyjechać w sobotę na ⟦A:ul. Słowackiego 44/7, 80-257 Gdańsk⟧? Mój numer to ⟦T:698 014 223⟧.
""",
)
add(
    "pii",
    "es",
    "delivery-log",
    "csv",
    """
Con este CSV de repartos, ¿cuántas entregas fallaron por barrio?

pedido,destinatario,direccion,cp,telefono,estado
PED-550812,⟦P:Rocío Gallardo⟧,⟦A:Calle de Embajadores 112, 4º B⟧,⟦A:28045⟧,⟦T:611 204 873⟧,entregado
PED-550819,⟦P:Íñigo Larrañaga⟧,⟦A:Calle de Alcalá 301, 2º izq.⟧,⟦A:28027⟧,⟦T:+34 640 551 902⟧,ausente
PED-550833,⟦P:Wilson Cárdenas⟧,⟦A:Paseo de las Delicias 57, bajo⟧,⟦A:28045⟧,⟦T:622 913 048⟧,entregado
PED-550840,⟦P:Nerea Olmedo⟧,⟦A:Calle de Bravo Murillo 188, 6º A⟧,⟦A:28020⟧,⟦T:655 730 416⟧,ausente
""",
)
add(
    "pii",
    "en",
    "jest-fixture",
    "code",
    """
Why does this Jest test pass locally but fail in CI with "expected 2 received 1"?

const users = [
  { id: 1, name: "⟦P:Theodora Blake⟧", email: "⟦E:theo.blake@hey.example⟧", lastLoginIp: "⟦IP:212.58.119.7⟧" },
  { id: 2, name: "⟦P:Marcus Oyelowo⟧", email: "⟦E:m.oyelowo@zoho.example⟧", lastLoginIp: "192.168.1.24" },
];

test("filters external logins", () => {
  expect(users.filter((u) => !u.lastLoginIp.startsWith("192.168.")).length).toBe(2);
});
""",
)
# ---------------------------------------------------------------------------
# group cred (g-0061 .. g-0100)
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "home-router-help",
    "prose",
    """
My parents' new router keeps dropping the TV. The network is called Hendry_Home_5G and the key on the sticker is ⟦S:vt7q-m2xk-98pw⟧ but I changed it at Christmas to ⟦S:Barnaby&Toast2019⟧. Do I need to re-enter it on the TV after a firmware update?
""",
)
add(
    "cred",
    "de",
    "colleague-handover",
    "prose",
    """
Kannst du mir helfen, eine Übergabenotiz für meine Vertretung zu schreiben? Inhalt: Der Zugang zum Lieferantenportal läuft über meinen Account ⟦U:s.brenninkmeyer⟧, Kennwort ist ⟦S:Ostsee#Wind_2025⟧ – bitte nach meiner Rückkehr nicht ändern. Die Tresor-Kombination im Büro ist ⟦S:31-07-88⟧. Alles andere steht im Wiki.
""",
)
add(
    "cred",
    "fr",
    "sim-card-pin",
    "prose",
    """
J'ai bloqué ma carte SIM en me trompant trois fois. Le code PIN c'était ⟦S:7294⟧ et sur le support de la carte il y a le code PUK ⟦S:58210394⟧. Comment je le saisis sur un Android sans perdre mes contacts ?
""",
)
add(
    "cred",
    "es",
    "email-password",
    "prose",
    """
Mi padre no puede entrar en su correo desde el móvil nuevo. El usuario es ⟦E:jacinto.lorente52@telefonica.example⟧ y la contraseña que tiene apuntada en la agenda es ⟦S:Albacete*1952⟧. ¿Tiene que activar algo para que funcione en la app de Gmail?
""",
)
add(
    "cred",
    "it",
    "disk-encryption",
    "prose",
    """
Ho cifrato il disco esterno con VeraCrypt usando la frase segreta "⟦S:gatto arancione mangia lasagne a mezzanotte⟧" e ora non si monta più su Linux. Che opzioni devo usare con il comando veracrypt --mount?
""",
)
add(
    "cred",
    "pt",
    "bank-app-help",
    "prose",
    """
A minha avó não consegue entrar na app do banco. Ela escreveu num papel: utilizador ⟦U:mfatima1946⟧, código de acesso ⟦S:804417⟧, e o PIN do cartão ⟦S:2306⟧. Como lhe explico, por telefone, a maneira de alterar isto para algo mais seguro?
""",
)
add(
    "cred",
    "nl",
    "alarm-code",
    "prose",
    """
We gaan twee weken op vakantie en de buurvrouw geeft de planten water. Kun je een kort briefje voor haar schrijven? De alarmcode is ⟦S:1866⟧, en als de meldkamer belt is het wachtwoord "⟦S:zonnebloem⟧". De sleutel ligt onder de derde bloempot.
""",
)
add(
    "cred",
    "pl",
    "wifi-password",
    "prose",
    """
Napisz krótką kartkę dla gości w naszym domku letniskowym: sieć "Mazury_Domek", hasło do wifi ⟦S:szczupak-na-kolacje-77⟧, a do telewizora Netflix zalogowany jest na konto ⟦E:rodzina.zielinscy@onet.example⟧ z hasłem ⟦S:Mrągowo2023!⟧ — żeby go nie wylogowywali.
""",
)
add(
    "cred",
    "sv",
    "shared-account",
    "prose",
    """
Vi delar ett konto till bokföringsprogrammet på jobbet. Användarnamn ⟦U:ekonomi.lindahl⟧, lösen ⟦S:Kanelbulle!42⟧. Är det okej enligt GDPR att flera personer loggar in med samma konto, och vad borde vi göra i stället?
""",
)
add(
    "cred",
    "da",
    "tax-portal",
    "prose",
    """
Jeg skal hjælpe min mor med årsopgørelsen. Hendes CPR-nummer er ⟦ID@DK:120489-0227⟧... nej vent, det er min bror. Hendes er ⟦ID@DK:120489-1657⟧? Hmm, nej, det er også forkert. Under alle omstændigheder har hun en TastSelv-kode: ⟦S:hk49Lm2p⟧. Kan man stadig bruge TastSelv-kode i stedet for MitID?
""",
)
add(
    "cred",
    "en",
    "mysql-login",
    "command",
    """
Why does this give "Access denied" even though I can log in with the GUI?

$ mysql -h db-reporting.internal -u ⟦U:nsharma⟧ -p'⟦S:Q7!vPz#4rL2m⟧' --ssl-mode=REQUIRED analytics
ERROR 1045 (28000): Access denied for user '⟦U:nsharma⟧'@'10.20.4.31' (using password: YES)
""",
)
add(
    "cred",
    "en",
    "github-api-curl",
    "command",
    """
This returns 404 for a private repo. Does the token need extra scopes?

curl -s -H "Authorization: Bearer ⟦K:ghp_bwTd9cXmcmo8MnnHWalDqEw1xw65vpsbPCgk⟧" \\
     -H "Accept: application/vnd.github+json" \\
     https://api.github.com/repos/harbor-labs/payments-core/releases/latest
""",
)
add(
    "cred",
    "en",
    "git-clone-token",
    "command",
    """
git keeps asking for my password even though I put the token in the URL:

git clone https://⟦U:pmarchetti⟧:⟦K:glpat-26J1z5DKeBR7AmewezI3⟧@gitlab.com/ortica/infra/terraform-modules.git
Cloning into 'terraform-modules'...
remote: HTTP Basic: Access denied.
""",
)
add(
    "cred",
    "en",
    "connection-strings",
    "code",
    """
Can you convert these into a settings.py DATABASES dict and a separate MongoClient call?

PG = "postgresql://orders_app:⟦S:Tr1dent-Harbour-9⟧@pg-prod-01.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require"
MONGO = "mongodb+srv://⟦U:lmatsuda⟧:⟦S:w8Yx%40kp2!Nd⟧@cluster0.x7fqe.mongodb.net/catalog?retryWrites=true"
REDIS = "redis://default:⟦S:5JDVpcpFChY0!3W6⟧@redis-13021.c1.eu-central-1-1.ec2.cloud.redislabs.com:13021"
""",
)
add(
    "cred",
    "en",
    "github-actions",
    "yaml",
    """
Our workflow fails at the deploy step with "InvalidClientTokenId". What's wrong?

name: deploy
on: { push: { branches: [main] } }
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      AWS_ACCESS_KEY_ID: ⟦K:AKIAHZLZG55ODB7NCGDU⟧
      AWS_SECRET_ACCESS_KEY: ⟦K:/DNEHQYpmp6wAyasBStLxdURHoiyULZyPKXIlZmQ⟧
      AWS_REGION: eu-west-2
    steps:
      - uses: actions/checkout@v4
      - run: aws s3 sync ./dist s3://static-harbor-labs --delete
""",
)
add(
    "cred",
    "en",
    "docker-compose",
    "yaml",
    """
After `docker compose up` the app can't reach the database. Here's the compose file:

services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: wiki
      POSTGRES_PASSWORD: ⟦S:Vq%!9Eta0qw&oz--⟧
  app:
    image: requarks/wiki:2
    environment:
      DB_TYPE: postgres
      DB_HOST: database
      DB_USER: wiki
      DB_PASS: ⟦S:Vq%!9Eta0qw&oz--⟧
      SMTP_PASS: ⟦K: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⟧
    ports: ["3000:3000"]
  backup:
    image: offen/docker-volume-backup:v2
    environment:
      DIGITALOCEAN_TOKEN: ⟦K:dop_v1_1c51c2a67b83801a4b0ef5e331c852ec6ba0597c113a014b995b234c8668f044⟧
      AZURE_STORAGE_ACCOUNT_KEY: ⟦K:HWJn0BYuru8WfhMld4XDQ4b13Ei03oSIydKV9mpvXfBsMxoldsCHkc4cOIKaO1pM2/R5+Ke4tStKO+PAxYd7dw==⟧
""",
)
add(
    "cred",
    "en",
    "k8s-secret",
    "yaml",
    """
The pod says "password authentication failed". Did I encode the secret wrong?

apiVersion: v1
kind: Secret
metadata:
  name: billing-db
type: Opaque
data:
  username: c3ZjX2JpbGxpbmc=
  password: ⟦S:R3I0bjF0ZS1GYWxjb24tODg=⟧
stringData:
  STRIPE_KEY: ⟦K: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⟧
""",
)
add(
    "cred",
    "en",
    "http-headers",
    "http",
    """
Why does this request get a 401 from the API but works in the browser?

POST /v1/messages HTTP/1.1
Host: api.anthropic.com
x-api-key: ⟦K:sk-ant-api03-TriHmaVXOEpLJ0qrqKdHsF0qHM3XlSd-D9i_MEeq6iTqTfibBb5z6_aBfCt3xq6KceMheFYV_rKSteQVz1HwG9kX0HM9aAA⟧
anthropic-version: 2023-06-01
content-type: application/json
Cookie: _ga=GA1.1.123456789.1730000000; sessionid=⟦S:Q04VO1t4olge45sNVgjDFCeU4U4BN0HS8CZD_mu73Sg⟧

{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"ping"}]}
""",
)
add(
    "cred",
    "en",
    "dotenv-secrets",
    "env",
    """
Which of these variables should go into the CI secret store and which can stay in the repo?

NODE_ENV=production
PORT=8080
OPENAI_API_KEY=⟦K:sk-proj-NwnwicSuS6J8R6o2nZZOHMBTE9kMwJlUH2ZItbbMLwjiBceIT3BlbkFJu9RJs1xlJvS9XSgUJscQ6vBmOkclOfEzB3IIyxLP17yqg6nX⟧
STRIPE_SECRET_KEY=⟦K: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⟧
TWILIO_ACCOUNT_SID=⟦K:AC271932d393e744b3a8d26f5b8f305127⟧
TWILIO_AUTH_TOKEN=⟦K:be6ce56fa9e301ac87992412aa657d56⟧
GOOGLE_MAPS_API_KEY=⟦K:AIza9ez0ZrbOPyIUpF8L6VYudjfOL7ef8xuKWQe⟧
MAILGUN_API_KEY=⟦K:key-110a0de8b67d7873a10221c5727bed48⟧
SHOPIFY_ADMIN_TOKEN=⟦K: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⟧
DD_API_KEY=⟦K:dd630b2a5bb905716b736cf9a9f8dea8⟧
LOG_LEVEL=info
SESSION_SECRET=⟦S:ELc774gAUfW@w4E?Q#&⟧
""",
)
add(
    "cred",
    "en",
    "pypirc",
    "ini",
    """
twine upload still says 403 Forbidden. Is my ~/.pypirc wrong?

[distutils]
index-servers =
    pypi

[pypi]
username = __token__
password = ⟦K:pypi-AgEIcHlwaS5vcmcTwNNfBzfOE7oI1Bpeu9pxzqv2jHkEAc46IG4q7S9FnriivEq1LcKXxUgjzGU⟧
""",
)
add(
    "cred",
    "en",
    "slack-bot-code",
    "code",
    """
The bot posts twice for every message. How do I dedupe events?

import os
from slack_bolt import App
from huggingface_hub import InferenceClient

app = App(token="⟦K:xoxb-472394087405-0629848126899-lIxmj0bYGgEgM4BtQG86zXL4⟧", signing_secret=os.environ["SLACK_SIGNING_SECRET"])
hf = InferenceClient(token="⟦K:hf_i8jOXEwK2D9kvxRpnQrroNGLgUZESKiErP⟧")
REPLICATE_API_TOKEN = "⟦K:r8_QPsWedZgnXCZC3U7K0UL95PubPUy0ybt028xT⟧"  # fallback model

@app.event("app_mention")
def reply(event, say):
    say(hf.text_generation(event["text"], max_new_tokens=120))
""",
)
add(
    "cred",
    "en",
    "ssh-key-paste",
    "prose",
    """
I generated this key on my laptop but the server still says "Permission denied (publickey)". Is something wrong with the key itself?

⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACCyRK+/FNUeEoFASm1SPQhwpATaKj7jk8V3tQkwMRJTbwAAAIiYlG3KmJRt
ygAAAAtzc2gtZWQyNTUxOQAAACCyRK+/FNUeEoFASm1SPQhwpATaKj7jk8V3tQkwMRJTbw
AAAEDF9URYC0OdfSE3s6NYUdq1eHpNW1EgIBDKI1XoLjQA+LJEr78U1R4SgUBKbVI9CHCk
BNoqPuOTxXe1CTAxElNvAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧

I'm connecting with `ssh -i ~/.ssh/id_ed25519 ⟦U:tomasz.reszka⟧@bastion.harbor-labs.example`.
""",
)
add(
    "cred",
    "de",
    "jwt-signing-code",
    "code",
    """
Warum schlägt die Signaturprüfung fehl? Der Schlüssel kommt aus unserem Vault.

const jose = require("jose");
const PRIVATE_PEM = `⟦PK:-----BEGIN EC PRIVATE KEY-----
MHcCAQEEILilFtte15ulO3g4bVzLpXGsiUu7Ij84vDH8lmmqtWrToAoGCCqGSM49
AwEHoUQDQgAEZuBNUvJVROEnPj0/0uEZma1yya8xk+Zl9fawuocThL9gqgQXlZZ5
O6UlVNwyrG/3ieIJK4MWmemSFIeJ7BOOTA==
-----END EC PRIVATE KEY-----⟧`;
const key = await jose.importPKCS8(PRIVATE_PEM, "ES256");
""",
)
add(
    "cred",
    "en",
    "npmrc-netrc",
    "ini",
    """
npm install works but `pip install` from our private index fails. Here are both config files:

# ~/.npmrc
//registry.npmjs.org/:_authToken=⟦K:npm_aefkbpfheefbU36rZ30xXxlCyMdBlEmGDu7e⟧
@harbor:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=⟦K:ghp_L9c0374nZ3z6ZsX01xvlTREvPtYPEPFaEbqI⟧

# ~/.netrc
machine pypi.harbor-labs.example
login ⟦U:ewa.grabarczyk⟧
password ⟦S:N2_gbaO^z42AEQ2R⟧

# ~/.git-credentials
https://⟦U:ewa.grabarczyk⟧:⟦K: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⟧@github.com
""",
)
add(
    "cred",
    "en",
    "api-gateway-log",
    "kv-log",
    """
Some requests are rejected as "token expired" even though the exp looks fine. Can you decode and check?

ts=2025-11-12T09:14:02Z level=warn route=/api/orders status=401 client_ip=⟦IP:185.44.130.9⟧ auth="Bearer ⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1XzQ4MjEzIiwibmFtZSI6Ik1pcmVsYSBEb2JyZSIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3MjI5MjAwfQ.bH_uFlnbuNGptviNQsXGtwohrnI0Fgwkfg6ZV7Dc1nw⟧"
ts=2025-11-12T09:14:05Z level=info route=/api/health status=200 client_ip=10.0.0.4
""",
)
add(
    "cred",
    "en",
    "ssn-sin-prose",
    "prose",
    """
I'm filling in a cross-border tax form for my wife and me. I'm a US citizen, SSN ⟦ID@US:306-77-5937⟧; she's Canadian and her social insurance number is ⟦ID@CA:365 951 599⟧. Which of the two numbers goes in box 3 of the W-8BEN, if any?
""",
)
add(
    "cred",
    "de",
    "tax-ids-form",
    "form",
    """
Für den Antrag auf Kindergeld (wir wohnen in Deutschland, mein Mann arbeitet in Österreich) – stimmen die Formate?

Antragstellerin: ⟦P:Verena Holzapfel⟧
Steuerliche Identifikationsnummer: ⟦ID@DE:27353316484⟧
Ehemann: ⟦P:Florian Holzapfel⟧
Sozialversicherungsnummer (AT): ⟦ID@AT:6646 140288⟧
Geburtsdatum Ehemann: ⟦DOB:14.02.1988⟧
""",
)
add(
    "cred",
    "fr",
    "social-security-numbers",
    "prose",
    """
Je travaille à Lille et j'habite à Tournai. Pour la mutuelle on me demande mon numéro de sécurité sociale français (⟦ID@FR:1 85 06 75 112 345 45⟧) et mon numéro de registre national belge ⟦ID@BE:85.06.17-637.01⟧. Est-ce normal qu'ils veuillent les deux ?
""",
)
add(
    "cred",
    "es",
    "ids-spanish-latam",
    "form",
    """
Estos son los datos de los tres socios para la escritura de la SL. ¿Algún documento parece incorrecto?

Socio 1: ⟦P:Marcos Villalobos⟧ – DNI ⟦ID@ES:09464521K⟧
Socio 2: ⟦P:Oksana Kovalenko⟧ – NIE ⟦ID@ES:Y9252090D⟧
Socio 3: ⟦P:Andrés Quintero Balderas⟧ – CURP ⟦ID@MX:QUBA901103HJCNLN06⟧, RUT chileno ⟦ID@CL:10.800.831-8⟧
""",
)
add(
    "cred",
    "it",
    "codice-fiscale",
    "prose",
    """
Devo compilare il modello 730 per mia moglie. Il suo codice fiscale è ⟦ID@IT:FRRCHR85M52F205T⟧ e la password dello SPID che usa è ⟦S:Lanterna_Rossa_85⟧. Conviene usare il precompilato o farlo al CAF?
""",
)
add(
    "cred",
    "pt",
    "brazil-portugal-ids",
    "prose",
    """
Estou a abrir conta num banco português sendo brasileiro. Tenho CPF ⟦ID@BR:185.919.524-56⟧ e já recebi o NIF português ⟦ID@PT:273256408⟧. O gestor pediu também a senha do Portal das Finanças (é ⟦S:Saudade#2024⟧) — isso é normal ou devo desconfiar?
""",
)
add(
    "cred",
    "nl",
    "bsn-form",
    "form",
    """
Klopt het dat de kinderopvangtoeslag niet werkt als de BSN's in het verkeerde veld staan? Hier het formulier:

Aanvrager: ⟦P:Mark de Groot⟧
BSN aanvrager: ⟦ID@NL:785776266⟧
Toeslagpartner: ⟦P:Lotte Smit⟧
BSN partner: ⟦ID@NL:534578688⟧
DigiD-gebruikersnaam: ⟦U:mdegroot82⟧
""",
)
add(
    "cred",
    "pl",
    "pesel-prose",
    "prose",
    """
Córka ma PESEL ⟦ID@PL:02272549179⟧? Nie, to syn — ⟦P:Kuba⟧, ur. ⟦DOB:25.07.2002⟧. Potrzebuję go do wniosku o stypendium, a system wyrzuca "nieprawidłowa data urodzenia". Czy PESEL z miesiącem 27 jest w ogóle poprawny?
""",
)
add(
    "cred",
    "sv",
    "nordic-ids",
    "prose",
    """
Vi anställer tre personer i Norden. Kan du kontrollera att personnumren har rätt format? ⟦P:Elin⟧: ⟦ID@SE:910822-7647⟧, ⟦P:Ola⟧ (Norge): fødselsnummer ⟦ID@NO:03059416595⟧, ⟦P:Aino⟧ (Finland): henkilötunnus ⟦ID@FI:230776-294K⟧. Och hur ska vi lagra dem säkert?
""",
)
add(
    "cred",
    "en",
    "kyc-za-in",
    "csv",
    """
full_name,country,id_type,id_number
⟦P:Sipho Dlamini⟧,ZA,SA ID,⟦ID@ZA:9105235649082⟧
⟦P:Ananya Iyer⟧,IN,Aadhaar,⟦ID@IN:4773 3904 3492⟧
⟦P:Rohit Bansal⟧,IN,PAN,⟦ID@IN:BKZPR7256G⟧

This is from our KYC vendor. Write a pandas snippet that masks the id_number column except the last 4 characters.
""",
)
add(
    "cred",
    "en",
    "nhs-tc-prose",
    "prose",
    """
I'm registering with a GP in Manchester after moving from Istanbul. The receptionist wrote my old Turkish T.C. Kimlik No ⟦ID@TR:67610417710⟧ in the NHS number box, and my actual NHS number is ⟦ID@GB:801 895 8807⟧. How do I get this fixed in my record?
""",
)
add(
    "cred",
    "en",
    "ie-ch-ids",
    "prose",
    """
I'm moving from Zurich to Dublin. My AHV number is ⟦ID@CH:756.5875.6076.39⟧ and I've just got my PPSN, ⟦ID@IE:3066560M⟧. Do I need to tell the Swiss compensation office, or does the pension transfer happen automatically?
""",
)
add(
    "cred",
    "ro",
    "cnp-cz-ids",
    "prose",
    """
Lucrez pentru o firmă din Praga. Pentru contractul de muncă mi-au cerut CNP-ul (⟦ID@RO:2880419400273⟧) și un număr ceh de asigurare, mi-au dat rodné číslo ⟦ID@CZ:795607/7877⟧ — dar acela e al colegei mele, nu al meu! Ce fac?
""",
)
add(
    "cred",
    "en",
    "hr-export-multicountry",
    "csv",
    """
employee,country,national_id
⟦P:Ivana Perić⟧,HR,⟦ID@HR:67514848006⟧
⟦P:Guðrún Jónsdóttir⟧,IS,⟦ID@IS:150793-0929⟧
⟦P:Rasmus Tamm⟧,EE,⟦ID@EE:38409124236⟧
⟦P:Georgi Petrov⟧,BG,⟦ID@BG:7603025840⟧

Write a SQL CHECK constraint per country that validates the length/format of national_id for these four countries.
""",
)
add(
    "cred",
    "en",
    "db-user-setup",
    "sql",
    """
Review this migration before I run it on prod:

CREATE USER ⟦U:jfernandes⟧ WITH PASSWORD '⟦S:AwpunnEaRY_tOpj&⟧';
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO ⟦U:jfernandes⟧;
CREATE USER metrics_exporter WITH PASSWORD '⟦S:=LQsr*K_I!mXGb⟧';
INSERT INTO integrations (name, token) VALUES ('telegram-alerts', '⟦K:6450682866:AAXyorL30mFSZanLDEY91cNAfoxeObOAG0y⟧'),
  ('linear-sync', '⟦K:lin_api_cWBDnqAvalZt5xN5zzi2mAOEeuBR56C1kI8wxElU⟧'),
  ('notion-export', '⟦K: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⟧'),
  ('jira-bridge', '⟦K:ATATT3xFfGF00f_zdFgbcn5z05iilni4JI-NQXG14NfhgK0l7rAbjC1mQTS8orbslUjWVKTz5fZMxjsxc0hkLY_nDmiXTyTzpTUMw3ur3gA1mfQNCGgCo6Jl3vemxc4ajiUbZfZwHDcmaUri681EOz6wi8hfMwSCiHYwUBLpgE74adjuJ5iKJscw4t5z4EMf=8518DA5C⟧');
""",
)
# ---------------------------------------------------------------------------
# group benign (g-0101 .. g-0160): nothing private, labels: []
# ---------------------------------------------------------------------------
add(
    "benign",
    "sv",
    "history-question",
    "prose",
    """
Varför blev Ada Lovelaces anteckningar om Charles Babbages analytiska maskin kända först ett sekel senare? Nämn Alan Turings artikel från 1950 om det är relevant.
""",
)
add(
    "benign",
    "en",
    "pharmacology-study",
    "prose",
    """
I'm studying for my pharmacology exam. Can you explain why warfarin interacts with so many drugs, and why patients on it are told to keep vitamin K intake stable? Compare it with apixaban and rivaroxaban in a small table (mechanism, monitoring, reversal agent).
""",
)
add(
    "benign",
    "de",
    "medical-education",
    "prose",
    """
Erkläre mir für die Pflegeausbildung den Unterschied zwischen Diabetes mellitus Typ 1 und Typ 2: Ursachen, typische Symptome, und warum bei Typ 1 immer Insulin nötig ist, während bei Typ 2 oft zuerst Metformin gegeben wird.
""",
)
add(
    "benign",
    "it",
    "fiction-characters",
    "prose",
    """
Scrivi una breve scena in cui Sherlock Holmes e Hercule Poirot litigano su chi ha risolto il caso per primo, mentre il dottor Watson e il capitano Hastings cercano di calmarli. Ambientazione: il Ritz di Londra, 1923.
""",
)
add(
    "benign",
    "en",
    "devops-placeholders",
    "yaml",
    """
Is this Helm values file structured correctly? The secrets get injected at deploy time.

image:
  repository: ghcr.io/acme/api
  tag: "2.14.3"
  digest: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
env:
  DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app
  STRIPE_KEY: sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
  OPENAI_API_KEY: <your-openai-key>
  JWT_SECRET: changeme
resources:
  limits: { cpu: "500m", memory: 512Mi }
""",
)
add(
    "benign",
    "en",
    "aws-docs-example",
    "command",
    """
The AWS docs show this example. Which file does it write, and what does the `--profile` flag change?

$ aws configure --profile demo
AWS Access Key ID [None]: AKIAIOSFODNN7EXAMPLE
AWS Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
Default region name [None]: us-west-2
Default output format [None]: json
""",
)
add(
    "benign",
    "fr",
    "recipe",
    "prose",
    """
Peux-tu adapter la recette du bœuf bourguignon de Julia Child pour 4 personnes et une cocotte de 24 cm ? J'ai 1,2 kg de paleron, 750 ml de bourgogne, 200 g de lardons et 250 g de champignons de Paris. Cuisson prévue samedi 14 décembre vers 16 h.
""",
)
add(
    "benign",
    "en",
    "sports-stats",
    "markdown-table",
    """
Who had the better 2023-24 season? Give me a one-paragraph verdict.

| Player | Club | Apps | Goals | Assists | xG |
|---|---|---|---|---|---|
| Erling Haaland | Manchester City | 31 | 27 | 5 | 29.2 |
| Cole Palmer | Chelsea | 34 | 22 | 11 | 16.7 |
| Ollie Watkins | Aston Villa | 37 | 19 | 13 | 19.1 |
""",
)
add(
    "benign",
    "es",
    "legal-text",
    "prose",
    """
Explícame en lenguaje llano el artículo 1902 del Código Civil español: "El que por acción u omisión causa daño a otro, interviniendo culpa o negligencia, está obligado a reparar el daño causado." ¿Qué diferencia hay con la responsabilidad objetiva?
""",
)
add(
    "benign",
    "en",
    "uuid-hash-log",
    "kv-log",
    """
Why are these two requests logged with the same trace id? They're from different services.

2025-11-14T10:02:11.481Z svc=checkout trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 req_id=8d2b0c3e-6f1a-4c9e-b0a7-52e1f4d9a610 status=200 dur_ms=84
2025-11-14T10:02:11.502Z svc=inventory trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=53995c3f42cd8ad8 req_id=f47ac10b-58cc-4372-a567-0e02b2c3d479 status=200 dur_ms=12
2025-11-14T10:02:11.530Z svc=checkout build=git:3f2a91c version=5.2.0-rc.3 host=ip-10-0-12-44 node=v20.11.1
""",
)
add(
    "benign",
    "it",
    "travel-landmarks",
    "prose",
    """
Sto organizzando tre giorni a Roma. Mi fai un itinerario con Colosseo, Fori Imperiali, Musei Vaticani (Viale Vaticano, 00165 Roma) e Galleria Borghese (Piazzale Scipione Borghese 5)? Voglio evitare le code del martedì e sapere quali sono chiusi la domenica.
""",
)
add(
    "benign",
    "en",
    "order-tracking",
    "form",
    """
My parcel hasn't moved in six days. Can you write a polite complaint to the retailer using these details?

Order number: 114-7730291-5582613
Tracking number: 1Z 999 AA1 01 2345 6784
Carrier: UPS Standard
Item: Anker PowerCore 26800 (SKU A1277011)
Ordered: 3 November 2025
Promised delivery: 7 November 2025
""",
)
add(
    "benign",
    "pt",
    "literature",
    "prose",
    """
Faz-me um resumo de "Ensaio sobre a Cegueira" de José Saramago e compara-o com "A Peste" de Albert Camus. Porque é que o médico e a mulher do médico não têm nome no livro de Saramago?
""",
)
add(
    "benign",
    "en",
    "code-email-validation",
    "code",
    """
My email regex accepts "a@b" and rejects "first.last+tag@sub.example.co.uk". How do I fix it?

import re
EMAIL = re.compile(r"^[\\w.]+@[\\w]+$")

for s in ["a@b", "first.last+tag@sub.example.co.uk", "user@example.com", "not-an-email"]:
    print(s, bool(EMAIL.match(s)))
""",
)
add(
    "benign",
    "nl",
    "history-question",
    "prose",
    """
Waarom wordt Willem van Oranje de "Vader des Vaderlands" genoemd? En klopt het dat Balthasar Gerards hem in 1584 in Delft heeft vermoord, in het Prinsenhof aan de Sint Agathaplein 1?
""",
)
add(
    "benign",
    "en",
    "isbn-catalog",
    "csv",
    """
title,author,isbn13,year,pages
The Left Hand of Darkness,Ursula K. Le Guin,978-0-441-47812-5,1969,304
Beloved,Toni Morrison,978-1-4000-3341-6,1987,324
Pachinko,Min Jin Lee,978-1-4555-6393-7,2017,496

Convert this to a BibTeX file with one @book entry per row.
""",
)
add(
    "benign",
    "de",
    "constants-physics",
    "prose",
    """
Rechne mir bitte vor: Wie lange braucht Licht (c = 299 792 458 m/s) von der Sonne zur Erde bei 149 597 870,7 km? Und wie groß ist die Gravitationskonstante G = 6,674 30 × 10⁻¹¹ m³ kg⁻¹ s⁻²  im Vergleich zur Elementarladung 1,602 176 634 × 10⁻¹⁹ C (nur Größenordnung)?
""",
)
add(
    "benign",
    "en",
    "env-template",
    "env",
    """
This is our .env.example that goes in the repo. Is anything here risky to commit?

# copy to .env and fill in
DATABASE_URL=postgresql://user:password@localhost:5432/myapp
REDIS_URL=redis://localhost:6379/0
STRIPE_SECRET_KEY=sk_test_REPLACE_ME
GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
SENTRY_DSN=
ADMIN_EMAIL=admin@example.com
SECRET_KEY=your-secret-key-here
""",
)
add(
    "benign",
    "pl",
    "translation",
    "prose",
    """
Przetłumacz na angielski, zachowując oficjalny ton: "Szanowni Państwo, uprzejmie informujemy, że w dniu 11 listopada (Narodowe Święto Niepodległości) biuro będzie nieczynne. Zamówienia złożone po godzinie 12:00 w piątek zostaną zrealizowane w poniedziałek."
""",
)
add(
    "benign",
    "en",
    "not-phone-numbers",
    "prose",
    """
Our warehouse labels use part numbers like 0800-555-1234-A and 020 7946 0958-K and the scanner software keeps trying to dial them when I tap them on the tablet. How can I stop iOS from auto-detecting them as phone numbers in a web page?
""",
)
add(
    "benign",
    "sv",
    "public-figures",
    "prose",
    """
Skriv en kort text till skolbarn om Greta Garbo, Astrid Lindgren och Ingvar Kamprad: var de föddes, vad de är kända för, och varför IKEA heter som det gör.
""",
)
add(
    "benign",
    "en",
    "sql-schema",
    "sql",
    """
Can you add indexes to this schema for the queries "orders by customer in the last 30 days" and "lookup by email"?

CREATE TABLE customers (
  id BIGSERIAL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  phone TEXT,
  date_of_birth DATE,
  created_at TIMESTAMPTZ DEFAULT now()
);
CREATE TABLE orders (
  id BIGSERIAL PRIMARY KEY,
  customer_id BIGINT REFERENCES customers(id),
  total_cents INTEGER NOT NULL,
  placed_at TIMESTAMPTZ NOT NULL
);
""",
)
add(
    "benign",
    "fr",
    "medical-education",
    "prose",
    """
Pour un exposé de terminale : quelle est la différence entre la maladie d'Alzheimer et la maladie de Parkinson ? Quels médicaments sont utilisés (donépézil, lévodopa…) et pourquoi aucun ne guérit la maladie ?
""",
)
add(
    "benign",
    "da",
    "company-names",
    "prose",
    """
Sammenlign forretningsmodellerne hos Johnson & Johnson, Procter & Gamble, Marks & Spencer og Ben & Jerry's med én sætning hver. Hvilke af dem blev grundlagt af to personer, hvis efternavne står i navnet? Tag også Arla og Mærsk med.
""",
)
add(
    "benign",
    "es",
    "sports-history",
    "prose",
    """
¿Quién fue mejor en su época, Alfredo Di Stéfano o Ferenc Puskás? Dame datos de las cinco Copas de Europa del Real Madrid (1956–1960) y del partido contra el Eintracht Frankfurt en Hampden Park.
""",
)
add(
    "benign",
    "en",
    "http-example",
    "http",
    """
Is this request idempotent? I'm testing against the example server from the docs.

PUT /api/v1/items/42 HTTP/1.1
Host: api.example.com
Authorization: Bearer <token>
Content-Type: application/json
If-Match: "33a64df551425fcc55e4d42a148795d9f25f89d4"
X-Forwarded-For: 203.0.113.195, 198.51.100.17

{"name": "Widget", "price": 19.99, "sku": "WID-0042-BLK"}
""",
)
add(
    "benign",
    "it",
    "recipe",
    "prose",
    """
Qual è la differenza tra la carbonara "originale" e quella che si fa negli Stati Uniti? Dammi dosi per 4: 320 g di spaghetti, 150 g di guanciale, 4 tuorli e 1 uovo intero, 50 g di pecorino romano DOP. Tempi per una pentola da 5 litri.
""",
)
add(
    "benign",
    "de",
    "ini-example",
    "ini",
    """
Was bewirken die Einstellungen in dieser php.ini-Ausschnitt? Ich will Uploads bis 64 MB erlauben.

[PHP]
memory_limit = 256M
upload_max_filesize = 8M
post_max_size = 8M
max_execution_time = 30
date.timezone = Europe/Berlin

[Session]
session.name = PHPSESSID
session.cookie_secure = 1
session.gc_maxlifetime = 1440
""",
)
add(
    "benign",
    "nl",
    "weekdays-months",
    "prose",
    """
Maak een studierooster van maandag 5 januari tot vrijdag 30 januari: wiskunde op maandag en woensdag, scheikunde op dinsdag, geschiedenis op donderdag (de Tachtigjarige Oorlog: Willem van Oranje, Alva, Johan van Oldenbarnevelt) en vrijdag vrij. Markeer de week van 19 januari als proefwerkweek.
""",
)
add(
    "benign",
    "pt",
    "math-homework",
    "prose",
    """
O meu filho tem de resolver: um comboio sai de Lisboa às 8h15 a 120 km/h e outro sai do Porto às 9h00 a 150 km/h, numa linha de 313 km. A que horas se cruzam e a que distância de Lisboa? Explica passo a passo.
""",
)
add(
    "benign",
    "en",
    "pharmacology-table",
    "markdown-table",
    """
Check this revision table for mistakes before I share it with my nursing cohort:

| Drug | Class | Typical indication | Key side effect |
|---|---|---|---|
| Metoprolol | beta blocker | hypertension, angina | bradycardia |
| Omeprazole | proton pump inhibitor | GERD | low magnesium (long term) |
| Sertraline | SSRI | depression, anxiety | nausea, insomnia |
| Atorvastatin | statin | hyperlipidaemia | myalgia |
| Levothyroxine | thyroid hormone | hypothyroidism | palpitations if overdosed |
""",
)
add(
    "benign",
    "nl",
    "devops-question",
    "command",
    """
Waarom faalt dit commando met "connection refused"? Ik draai alles lokaal in Docker.

$ psql "postgresql://postgres:postgres@127.0.0.1:5432/postgres" -c "select version();"
psql: error: connection to server at "127.0.0.1", port 5432 failed: Connection refused
$ docker ps --format '{{.Names}} {{.Ports}}'
pg16 0.0.0.0:5433->5432/tcp
""",
)
add(
    "benign",
    "en",
    "json-api-schema",
    "json",
    """
Is this JSON schema for a user profile valid draft 2020-12? The "examples" should not be real people.

{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "UserProfile",
  "type": "object",
  "properties": {
    "name": {"type": "string", "examples": ["Jane Doe"]},
    "email": {"type": "string", "format": "email", "examples": ["jane.doe@example.com"]},
    "phone": {"type": "string", "pattern": "^\\\\+[1-9]\\\\d{6,14}$", "examples": ["+15555550100"]},
    "ip": {"type": "string", "format": "ipv4", "examples": ["192.0.2.1"]}
  },
  "required": ["name", "email"]
}
""",
)
add(
    "benign",
    "da",
    "public-venue",
    "prose",
    """
Vi er en skoleklasse fra Aarhus der skal til København. Hvad koster det at komme ind på Rundetaarn (Købmagergade 52A) og Tivoli (Vesterbrogade 3), og kan vi nå Den Lille Havfrue og Christiansborg på samme dag?
""",
)
add(
    "benign",
    "en",
    "git-history-question",
    "command",
    """
How do I find which commit introduced this line? `git blame` shows a merge commit.

$ git log --oneline -5
e3b0c44 Merge pull request #812 from feature/rate-limits
9a1f3d2 Add token bucket limiter
5d41402 Bump version to 4.7.0
7215ee9 Fix flaky test in scheduler
c4ca423 Update CHANGELOG for 4.6.2
""",
)
add(
    "benign",
    "fr",
    "legal-gdpr",
    "prose",
    """
Que dit l'article 9 du RGPD sur les « catégories particulières de données » (santé, opinions politiques, données biométriques) ? Donne-moi les exceptions du paragraphe 2 sous forme de liste courte.
""",
)
add(
    "benign",
    "cs",
    "history-question",
    "prose",
    """
Kdo byl Tomáš Garrigue Masaryk a proč se 28. říjen slaví jako Den vzniku samostatného československého státu? Zmiň i Edvarda Beneše a Milana Rastislava Štefánika.
""",
)
add(
    "benign",
    "pl",
    "measurements",
    "prose",
    """
Przelicz na miary amerykańskie: 250 g masła, 500 ml mleka, piekarnik 180 °C, tortownica 23 cm i 1,5 kg jabłek. Czy pół łyżeczki sody to to samo co 2,5 ml?
""",
)
add(
    "benign",
    "es",
    "code-regex",
    "code",
    """
Esta función debería validar un IBAN, pero acepta cualquier cosa de 24 caracteres. ¿Qué le falta?

def iban_valido(s: str) -> bool:
    s = s.replace(" ", "").upper()
    return len(s) == 24 and s[:2].isalpha()

print(iban_valido("XX00 0000 0000 0000 0000 0000"))  # True, pero no debería
""",
)
add(
    "benign",
    "en",
    "ip-networking",
    "prose",
    """
For my CCNA homework: split 10.42.0.0/16 into /20 subnets and list the first three with their broadcast addresses. Also explain why 172.16.5.4 and 192.168.0.1 are not routable on the internet but 8.8.8.8 is.
""",
)
add(
    "benign",
    "de",
    "csv-products",
    "csv",
    """
artikelnr;bezeichnung;ean;preis;lager
100-2040;Akkuschrauber 18V;4006825611563;89,90;14
100-2041;Bitset 32-tlg.;4006825611570;19,95;102
220-7781;Wasserwaage 60 cm;4002372115004;24,50;0

Welche Artikel muss ich nachbestellen, wenn der Mindestbestand 20 ist? Und sind die EAN-Prüfziffern korrekt?
""",
)
add(
    "benign",
    "en",
    "tax-form-blank",
    "form",
    """
What should I put in each field of this blank form? It's for a sole trader registration.

Full legal name: ____________
Trading name (if different): ____________
Date of birth: DD/MM/YYYY
National Insurance number: QQ 12 34 56 C (example format)
Business address: ____________
Start date of trading: ____________
""",
)
add(
    "benign",
    "ro",
    "literature",
    "prose",
    """
Fă-mi un rezumat al poemului "Luceafărul" de Mihai Eminescu și explică de ce Cătălin și Cătălina sunt opusul lui Hyperion. Am nevoie de 200 de cuvinte pentru bacalaureat.
""",
)
add(
    "benign",
    "en",
    "kubernetes-placeholders",
    "yaml",
    """
Why does `kubectl apply` reject this? I copied it from the official docs.

apiVersion: v1
kind: Secret
metadata:
  name: mysecret
type: Opaque
data:
  username: YWRtaW4=
  password: MWYyZDFlMmU2N2Rm
""",
)
add(
    "benign",
    "pl",
    "sports",
    "prose",
    """
Porównaj kariery Roberta Lewandowskiego i Zbigniewa Bońka: kluby, liczba goli w reprezentacji, największe sukcesy. Czy Lewandowski pobił rekord Gerda Müllera w Bundeslidze w sezonie 2020/21?
""",
)
add(
    "benign",
    "en",
    "stack-trace",
    "kv-log",
    """
What's causing this? It only happens under load.

2025-11-15 03:14:07,221 ERROR [pool-4-thread-17] c.a.p.OrderService - Failed to persist order 5512093
java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.
    at com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)
    at com.acme.payments.OrderService.save(OrderService.java:142)
    at com.acme.payments.CheckoutController.confirm(CheckoutController.java:88)
    at java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
    at org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)
    at org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:166)
    at org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)
Caused by: org.postgresql.util.PSQLException: FATAL: remaining connection slots are reserved for roles with the SUPERUSER attribute
    at org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)
    at org.postgresql.core.v3.ConnectionFactoryImpl.tryConnect(ConnectionFactoryImpl.java:203)
    at com.zaxxer.hikari.pool.PoolBase.newConnection(PoolBase.java:364)
    ... 41 common frames omitted
2025-11-15 03:14:07,224 WARN  [housekeeper] HikariPool-1 - Pool stats (total=10, active=10, idle=0, waiting=37)
2025-11-15 03:14:07,230 INFO  [main] c.a.p.Config - spring.datasource.hikari.maximum-pool-size=10, connection-timeout=30000, max_connections(db)=100, replicas=12
""",
)
add(
    "benign",
    "it",
    "medical-education",
    "prose",
    """
Per l'esame di farmacologia: perché l'amoxicillina si associa all'acido clavulanico? E qual è la differenza tra ibuprofene e paracetamolo nel trattamento della febbre nei bambini?
""",
)
add(
    "benign",
    "en",
    "calendar-public-event",
    "prose",
    """
Draft an announcement for our public meetup: "Intro to Rust" on Thursday 12 February, 18:30–21:00, at the Central Library, 100 Larkin St, San Francisco. Speakers: the talk is based on the book by Steve Klabnik and Carol Nichols. Free entry, RSVP on the meetup page.
""",
)
add(
    "benign",
    "fi",
    "history-question",
    "prose",
    """
Kerro lyhyesti, miksi Carl Gustaf Emil Mannerheim ja Urho Kekkonen ovat niin tärkeitä Suomen historiassa. Mainitse myös Jean Sibelius ja Finlandia-hymni.
""",
)
add(
    "benign",
    "en",
    "versions-hashes",
    "prose",
    """
Our lockfile has `lodash@4.17.21` with integrity `sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==` but npm audit still complains about CVE-2021-23337. Is that the fixed version, and what does the integrity hash actually verify?
""",
)
add(
    "benign",
    "sv",
    "recipe",
    "prose",
    """
Hur gör man riktiga kanelbullar till kanelbullens dag den 4 oktober? Jag har 25 g jäst, 5 dl mjölk, 150 g smör och 1,3 liter vetemjöl. Ge mig tider för en vanlig ugn på 225 °C.
""",
)
add(
    "benign",
    "en",
    "fake-data-generator",
    "code",
    """
Is this the right way to generate obviously-fake test users so nobody mistakes them for real data?

from faker import Faker
fake = Faker("en_US")
Faker.seed(1234)

def fake_user(i):
    return {
        "id": i,
        "name": fake.name(),
        "email": f"user{i}@example.invalid",
        "phone": "+1-555-0100",
        "card": "4111 1111 1111 1111",
    }
""",
)
add(
    "benign",
    "nl",
    "sql-question",
    "sql",
    """
Waarom geeft deze query dubbele rijen? Ik wil per maand de omzet.

SELECT date_trunc('month', o.placed_at) AS maand, SUM(oi.qty * oi.price_cents) / 100.0 AS omzet
FROM orders o
JOIN order_items oi ON oi.order_id = o.id
JOIN shipments s ON s.order_id = o.id
WHERE o.placed_at >= '2025-01-01'
GROUP BY 1 ORDER BY 1;
""",
)
add(
    "benign",
    "fi",
    "astronomy",
    "prose",
    """
Kuinka kaukana Proxima Centauri on valovuosina ja parsekeina, ja kauanko Voyager 1 (noin 17 km/s) matkaisi sinne? Kuka sen löysi – oliko se Robert Innes vuonna 1915?
""",
)
add(
    "benign",
    "cs",
    "recipe",
    "prose",
    """
Jak upéct vánočku podle tradičního receptu? Mám 500 g hladké mouky, 80 g cukru, 100 g másla, 2 žloutky, 20 g droždí a 200 ml mléka. Kolik pramenů se plete a při jaké teplotě péct?
""",
)
add(
    "benign",
    "en",
    "invoice-template",
    "markdown-table",
    """
Fill in the totals for this invoice template (VAT 20%):

| Item | Qty | Unit price | Line total |
|---|---|---|---|
| Consulting – architecture review | 3 days | £850.00 | |
| Travel (London – Edinburgh, return) | 1 | £214.60 | |
| Licence: JetBrains All Products Pack | 2 | £649.00 | |

Invoice no. INV-2025-0412, PO ref 4500187733, payment terms 30 days.
""",
)
add(
    "benign",
    "de",
    "fiction",
    "prose",
    """
Schreib eine kurze Gute-Nacht-Geschichte, in der Pippi Langstrumpf, der kleine Prinz und Jim Knopf gemeinsam auf Lummerland landen. Maximal 300 Wörter, für ein sechsjähriges Kind.
""",
)
add(
    "benign",
    "es",
    "devops-question",
    "env",
    """
¿Por qué mi aplicación Flask no lee estas variables? El archivo se llama .flaskenv.

FLASK_APP=app:create_app
FLASK_DEBUG=1
FLASK_RUN_PORT=5001
SQLALCHEMY_DATABASE_URI=sqlite:///dev.db
SECRET_KEY=dev
MAIL_SERVER=localhost
MAIL_PORT=1025
""",
)
add(
    "benign",
    "fr",
    "http-api-doc",
    "http",
    """
Que signifient les en-têtes de cette réponse ? Je débute avec les API REST.

HTTP/1.1 429 Too Many Requests
Date: Mon, 17 Nov 2025 08:12:44 GMT
Content-Type: application/problem+json
Retry-After: 120
X-RateLimit-Limit: 1000
X-RateLimit-Remaining: 0
X-Request-Id: 7d3c5b1e-0a2f-4f8e-9c61-2b5d8e4a9f03
ETag: W/"5e-1a2b3c4d"
""",
)
add(
    "benign",
    "pt",
    "football-stats",
    "csv",
    """
jogador,clube,jogos,golos
Cristiano Ronaldo,Al-Nassr,31,35
Viktor Gyökeres,Sporting CP,33,29
Rafa Silva,Benfica,34,11

Faz um gráfico de barras em matplotlib com estes dados da época 2023/24.
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
        assert EMAIL_RE.match(v), f"bad email {v!r}"
    elif typ == "PRIVATE_KEY":
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


SPLIT_SEED = 20250917
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
        pid = f"g-{n:04d}"
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
    for w in all_warnings:
        print("WARN", w, file=sys.stderr)
    if all_problems:
        for x in all_problems:
            print("ERROR", x, file=sys.stderr)
        sys.exit(1)
    seed = split_halves(records)
    print(f"split seed {seed}")
    with open(out_dir / "fresh2.jsonl", "w", encoding="utf-8") as fh:
        for r in records:
            row = {k: r[k] for k in ("id", "lang", "domain", "format", "text", "labels", "half")}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if "--stats" in sys.argv:
        print_stats(records)
    print(
        f"wrote {len(records)} prompts, {sum(len(r['labels']) for r in records)} labels "
        f"-> {out_dir / 'fresh2.jsonl'}"
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
