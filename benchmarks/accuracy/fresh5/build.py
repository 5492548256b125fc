#!/usr/bin/env python3
# ruff: noqa: E741, B023  (hand-written corpus script: `l` is a label throughout; cell() is used inside the loop)
"""Build the 'fresh5' privacy-filter evaluation corpus (fifth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The script strips the markers, records a label for every marker with exact
character offsets into the cleaned text, checks the offsets, validates every
NATIONAL_ID / IBAN_CODE / CREDIT_CARD checksum (python-stdnum) and every
PHONE_NUMBER (phonenumbers), checks that no
labelled value also occurs unlabelled elsewhere in the same prompt, assigns the
dev/test half with a fixed seed, and writes fresh5.jsonl next to this file.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
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
    "GR": "stdnum.gr.amka",
    "SI": "stdnum.si.emso",
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
}
LANGS = {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da", "fi", "cs", "ro", "hu", "no", "tr"}

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
# group pii
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "customs-transfer-of-residence-relief",
    "form",
    """
I'm moving back to the UK from Canada and need to fill in the ToR01 form for transfer of residence relief. Can you check my answers read OK and tell me if the inventory description is specific enough for HMRC?

Full name: ⟦P:Harriet Okonjo-Blake⟧
Date of birth: ⟦DOB:11/02/1986⟧
Passport number: ⟦PASS:561204873⟧
Address abroad (last 12 months): ⟦A:2207-88 Harbour St, Toronto, ON M5J 0C3⟧
New UK address: ⟦A:14 Ashgrove Terrace, Leeds LS6 1PN⟧
UK phone: ⟦T:07723 418906⟧
Email: ⟦E:harriet.ob@postbox.example⟧
Goods: 38 boxes household effects, one upright piano (Yamaha U1, bought 2019), bicycle, books. Shipping via Maersk container, arriving Felixstowe.
Reason for move: returning home to care for my father, ⟦P:Desmond Blake⟧, who has ⟦MC:vascular Parkinsonism⟧.
""",
)
add(
    "pii",
    "en",
    "crowdfunding-payout-kyc",
    "prose",
    """
The fundraising platform froze the payout and asked me to "verify the beneficiary". Can you help me write a clear reply to their trust & safety team with everything they asked for, in a polite tone?

My name is ⟦P:Tamsin Reyes⟧ and I organised the campaign "Help ⟦P:Luis⟧ walk again" for my brother ⟦P:Luis Reyes⟧ (DOB ⟦DOB:06/23/1994⟧), who had a ⟦MC:spinal cord injury⟧ in a motorcycle crash in July and now needs ⟦MC:T10 paraplegia⟧ rehab that his plan won't cover. ⟦P:Luis⟧ is the beneficiary. His SSN is ⟦ID@US:618-27-8642⟧, his mailing address is ⟦A:5519 W Catalina Dr, Phoenix, AZ 85031⟧ and the payout should go to his checking account at Desert Financial, routing 322177573, account ⟦ACC:4402917735⟧. You can reach me at ⟦T:(602) 555-0147⟧ or ⟦E:tamsin.reyes@mailhub.example⟧; ⟦P:Luis⟧ is on ⟦T:(480) 555-0192⟧.
""",
)
add(
    "pii",
    "en",
    "organ-donor-family-letter",
    "prose",
    """
I've registered as an organ donor and want to leave a short letter for my family so there is no argument at the hospital. Can you make this warmer but keep it short?

To ⟦P:Rob⟧, ⟦P:Ellie⟧ and ⟦P:Sam⟧ — I've joined the NHS Organ Donor Register (my NHS number is ⟦ID@GB:495 298 7957⟧, registered with my email ⟦E:j.mcateer@cloudpost.example⟧). I want to donate everything that can be used, except my eyes. I know my ⟦MC:hepatitis C⟧ was treated years ago and the doctors said it doesn't rule me out. Please don't let ⟦P:Ellie⟧ talk you out of it. Dr ⟦P:Hughes⟧ at Riverside Surgery has a copy of this.
Love, ⟦P:Janet McAteer⟧, ⟦A:9 Glebe Crescent, Stirling FK8 2JB⟧
""",
)
add(
    "pii",
    "en",
    "jury-service-deferral",
    "prose",
    """
Can you rewrite this as a formal request to defer jury service? I want it to sound respectful, not like I'm dodging it.

Juror: ⟦P:Marcus Delgado-Whitfield⟧, born ⟦DOB:1979-03-30⟧, ⟦A:812 Alder Creek Rd, Eugene, OR 97404⟧, phone ⟦T:(541) 555-0138⟧.
I got the summons for the week of the 14th. I'm the only carer for my wife ⟦P:Corinne⟧, who has ⟦MC:early-onset Alzheimer's⟧ and can't be left alone, and her day program is closed that month. I also start ⟦MED:methotrexate⟧ injections myself for ⟦MC:psoriatic arthritis⟧ that week. I'd be happy to serve any time after March.
""",
)
add(
    "pii",
    "en",
    "adoption-home-study-excerpt",
    "prose",
    """
I'm a social worker. Please shorten this home-study section to about half and keep the facts; the agency template has a 250-word limit.

Applicants ⟦P:Daniel Abernathy⟧ (DOB ⟦DOB:August 2, 1982⟧, SSN ⟦ID@US:345-30-9079⟧) and ⟦P:Priya Abernathy⟧ (DOB ⟦DOB:January 17, 1985⟧) live at ⟦A:4031 Pinecrest Ave, Charlotte, NC 28205⟧. ⟦P:Daniel⟧ is a high-school chemistry teacher; ⟦P:Priya⟧ is a part-time pharmacist. ⟦P:Priya⟧ disclosed a history of ⟦MC:major depressive disorder⟧ (2011–2013), now in remission, last on ⟦MED:escitalopram⟧ in 2014; her psychiatrist's letter is attached. ⟦P:Daniel⟧ has ⟦MC:type 2 diabetes⟧, controlled with ⟦MED:metformin⟧. Reference given by neighbour ⟦P:Loretta Hammond⟧, ⟦T:(704) 555-0116⟧.
""",
)
add(
    "pii",
    "en",
    "deed-poll-name-change",
    "form",
    """
Please check this deed poll text for mistakes before I print it and get it witnessed.

CHANGE OF NAME DEED
I, ⟦P:Rebecca Louise Whitmore⟧, of ⟦A:Flat 3, 27 Cowley Road, Oxford OX4 1HP⟧, born ⟦DOB:19 August 1990⟧, absolutely renounce and abandon my former name of ⟦P:Rebecca Louise Pottinger⟧ and adopt the name ⟦P:Rebecca Louise Whitmore⟧.
Signed as a deed by ⟦P:Rebecca Louise Whitmore⟧ (formerly ⟦P:Rebecca Louise Pottinger⟧).
Witness 1: ⟦P:Tobias Ngata⟧, ⟦A:41 Divinity Road, Oxford OX4 1LH⟧, occupation: nurse
Witness 2: ⟦P:Clare Henshaw⟧, ⟦A:6 Magdalen Street, Oxford OX1 3AE⟧
Contact: ⟦T:07946 215380⟧
""",
)
add(
    "pii",
    "en",
    "babysitter-emergency-sheet",
    "markdown-table",
    """
Make this into a tidy one-page emergency sheet for our new babysitter, keep the table:

| | |
|---|---|
| Kids | ⟦P:Ollie Tran⟧ (6), ⟦P:Mia Tran⟧ (3) |
| Home | ⟦A:22 Kestrel Way, Glen Waverley VIC 3150⟧ |
| Mum (⟦P:Linh⟧) | ⟦T:0412 583 907⟧ |
| Dad (⟦P:Callum⟧) | ⟦T:0438 226 415⟧ |
| Allergies | ⟦P:Ollie⟧: ⟦MC:anaphylaxis to peanuts and cashews⟧ — ⟦MED:EpiPen Jr⟧ in the blue pouch on the fridge |
| Meds | ⟦P:Mia⟧: ⟦MED:Redipred⟧ only if the ⟦MC:croup⟧ cough comes back, 5 ml |
| Neighbour | ⟦P:Sharon Petrakis⟧, number 24, ⟦T:0421 907 336⟧ |
| GP | Glen Waverley Family Clinic |
""",
)
add(
    "pii",
    "en",
    "summer-camp-health-form",
    "form",
    """
Our camp's health form is a mess. Can you turn this parent submission into JSON with keys camper, dob, guardian, phone, conditions, medications, notes?

Camper name: ⟦P:Jaylen Brooks-Amari⟧
DOB: ⟦DOB:04/09/2013⟧
Parent/guardian: ⟦P:Nicole Brooks⟧
Cell: ⟦T:(313) 555-0175⟧
Home address: ⟦A:19340 Stoepel St, Detroit, MI 48221⟧
Health conditions: ⟦MC:ADHD⟧, ⟦MC:exercise-induced asthma⟧
Daily meds: ⟦MED:Vyvanse⟧ 30 mg in the morning (nurse to give at breakfast)
As needed: ⟦MED:albuterol⟧ inhaler before swimming
Other: afraid of deep water, please keep ⟦P:Jaylen⟧ in the shallow group. Insurance member ID ⟦ACC:XEH816204557⟧.
""",
)
add(
    "pii",
    "en",
    "hospital-parking-permit-dialysis",
    "prose",
    """
Can you write a short email to the hospital car-park office asking for a discounted long-stay permit? Here are my details:

I'm ⟦P:Siobhán Daly⟧, ⟦A:7 Ard na Gréine, Ballincollig, Co. Cork, P31 K8W2⟧, mobile ⟦T:086 418 2293⟧, PPS ⟦ID@IE:9875579AW⟧. I've been on ⟦MC:haemodialysis⟧ three times a week at CUH since my ⟦MC:kidney failure⟧ diagnosis in May, and my husband ⟦P:Fergal⟧ drives me. The renal unit said to quote my hospital number ⟦MRN:H0483317⟧.
""",
)
add(
    "pii",
    "en",
    "whois-registrant-record",
    "form",
    """
A client thinks their domain's WHOIS privacy isn't working. This is what `whois` returns — which fields are exposed that shouldn't be, and what should the registrar show instead?

Registrant Name: ⟦P:Gabriel Osei-Mensah⟧
Registrant Organization:
Registrant Street: ⟦A:58 Lavender Hill⟧
Registrant City: ⟦A:London⟧
Registrant Postal Code: ⟦A:SW11 5RH⟧
Registrant Country: GB
Registrant Phone: ⟦T:+44.7700312884⟧
Registrant Email: ⟦E:gabe.oseimensah@inboxly.example⟧
Admin Name: ⟦P:Gabriel Osei-Mensah⟧
Name Server: ns1.dnsimple.com
DNSSEC: unsigned
""",
)
add(
    "pii",
    "en",
    "gdpr-dsar-export",
    "json",
    """
We have to answer a subject access request by Friday. This is the export from our system for the requester. Can you write the cover letter explaining each field in plain English (no legal jargon)?

{
  "customer_id": "⟦ACC:CU-0088231⟧",
  "name": "⟦P:Yusuf Haddad⟧",
  "email": "⟦E:yhaddad@ownmail.example⟧",
  "username": "⟦U:yusuf_h88⟧",
  "phone": "⟦T:+44 7842 196305⟧",
  "delivery_addresses": ["⟦A:31 Moss Lane, Manchester M16 8HN⟧"],
  "national_id_verified": {"type": "teudat_zehut", "value": "⟦ID@IL:727224701⟧"},
  "login_ips": ["⟦IP:81.104.57.212⟧", "⟦IP:2a02:c7c:5b21:4d00:91f3:2a6e:11b0:7c4d⟧"],
  "marketing_opt_in": false,
  "last_order": "#UK-559301"
}
""",
)
add(
    "pii",
    "en",
    "jupyter-churn-dataframe",
    "code",
    """
In [14]: df[df.churned == 1][["name", "email", "phone", "postcode", "plan"]].head()
Out[14]:
              name                         email          phone  postcode     plan
112   ⟦P:Aaron Fitzpatrick⟧  ⟦E:aaron.fitz@quickmail.example⟧  ⟦T:07389 552104⟧  ⟦A:BS7 8QY⟧   family
587        ⟦P:Nadia Rahman⟧      ⟦E:nadia.r@netpost.example⟧  ⟦T:07452 663817⟧  ⟦A:B13 9PL⟧    solo
901      ⟦P:Connor Gallagher⟧  ⟦E:cgallagher@webpost.example⟧  ⟦T:07511 203946⟧  ⟦A:L18 3HU⟧    duo

Why does .head() only show 3 rows here when I asked for 5? And how do I plot churn by plan?
""",
)
add(
    "pii",
    "en",
    "hackathon-registration-csv",
    "csv",
    """
Here is the registration export for our hackathon in Bengaluru. Please group people into teams of 3 so each team has at least one backend person, and list the dietary needs for the caterer.

name,email,github,phone,aadhaar,role,diet
⟦P:Ananya Krishnan⟧,⟦E:ananya.k@devmail.example⟧,⟦U:ananyak-dev⟧,⟦T:+91 98450 31277⟧,⟦ID@IN:9829 5770 5518⟧,backend,veg
⟦P:Rohit Menon⟧,⟦E:rohit.menon@codepost.example⟧,⟦U:rmenon42⟧,⟦T:+91 99001 84520⟧,,frontend,"⟦MC:celiac disease⟧ - strictly gluten free"
⟦P:Farah Siddiqui⟧,⟦E:farah.sdq@devmail.example⟧,⟦U:farahcodes⟧,⟦T:+91 97316 40089⟧,,ml,non-veg
⟦P:Vikram Shetty⟧,⟦E:vshetty@hackbox.example⟧,⟦U:vik-shetty⟧,⟦T:+91 96860 27714⟧,,backend,"veg, ⟦MC:lactose intolerant⟧"
""",
)
add(
    "pii",
    "en",
    "conference-speaker-reimbursement",
    "json",
    """
Our finance tool rejects this reimbursement batch with "invalid tax_id for HR". Can you spot the issue, and also convert the amounts to EUR?

[
  {"speaker": "⟦P:Ivana Perić⟧", "email": "⟦E:ivana.peric@uni-mail.example⟧", "tax_id": "⟦ID@HR:07076487821⟧",
   "iban": "⟦IBAN:GR81 8016 0798 5059 0535 1300 322⟧", "passport": "⟦PASS:AN4417729⟧", "amount": 612.40, "currency": "EUR"},
  {"speaker": "⟦P:Tomás Quiroga⟧", "email": "⟦E:tquiroga@correo.example⟧", "tax_id": "⟦ID@CL:20.437.514-3⟧",
   "iban": null, "passport": "⟦PASS:P09184462⟧", "amount": 1480.00, "currency": "USD"},
  {"speaker": "⟦P:Heike Vosskuhle⟧", "email": "⟦E:h.vosskuhle@forschung.example⟧", "tax_id": "⟦ID@DE:35 714 484 092⟧",
   "iban": "⟦IBAN:DE20 1446 6781 1588 7914 63⟧", "passport": null, "amount": 389.90, "currency": "EUR"}
]
""",
)
add(
    "pii",
    "en",
    "ticket-resale-dispute-chat",
    "prose",
    """
Help me reply to this customer; the seller says the tickets were transferred but the buyer says no.

[10:02] buyer ⟦P:Keisha Montgomery⟧: I paid $340 for two Beyoncé tickets and never got them. My card was ⟦CC:4772 2757 7349 4303⟧ and the order went to ⟦E:keisha.mont@fastmail.example⟧.
[10:03] buyer: the seller's username was ⟦U:tixqueen_ATL⟧ and she gave her number ⟦T:(404) 555-0181⟧
[10:05] agent: Thanks ⟦P:Keisha⟧, checking the transfer log now.
[10:07] agent: Transfer shows accepted by ⟦E:k.montgomery88@fastmail.example⟧ from IP ⟦IP:73.162.48.205⟧ — is that also your address?
""",
)
add(
    "pii",
    "en",
    "alumni-donation-sql",
    "sql",
    """
Why does this INSERT fail with "value too long for type character varying(12)"?

INSERT INTO donors (donor_no, full_name, email, phone, address, rrn, pledge_usd)
VALUES
 ('⟦ACC:DN-2024-00417⟧', '⟦P:Ji-woo Park⟧', '⟦E:jiwoo.park@alumnimail.example⟧', '⟦T:+82 10-4821-3307⟧', '⟦A:Seoul, Mapo-gu, Yanghwa-ro 45, 1203-ho⟧', '⟦ID@KR:890214-2218054⟧', 5000),
 ('⟦ACC:DN-2024-00418⟧', '⟦P:Bernard Kowalczyk⟧', '⟦E:bkowalczyk@homeinbox.example⟧', '⟦T:(312) 555-0166⟧', '⟦A:2245 W Cortland St, Chicago, IL 60647⟧', NULL, 250);
""",
)
add(
    "pii",
    "en",
    "research-participant-key",
    "markdown-table",
    """
I'm anonymising interview transcripts for my long-COVID study. Here's the key file; generate participant codes P01–P04 and a find/replace list I can run over the transcripts.

| Name | DOB | Phone | Condition notes | TFN (for gift-card payment) |
|---|---|---|---|---|
| ⟦P:Megan O'Rourke⟧ | ⟦DOB:1991-05-03⟧ | ⟦T:0403 118 529⟧ | ⟦MC:long COVID⟧, ⟦MC:POTS⟧ | ⟦ID@AU:726 895 959⟧ |
| ⟦P:Hamish Drummond⟧ | ⟦DOB:1966-12-19⟧ | ⟦T:0417 640 283⟧ | ⟦MC:long COVID⟧, on ⟦MED:ivabradine⟧ | |
| ⟦P:Thi Nguyen⟧ | ⟦DOB:1984-08-27⟧ | ⟦T:0455 902 174⟧ | ⟦MC:ME/CFS⟧ after infection | |
| ⟦P:Ruth Feldman⟧ | ⟦DOB:1958-02-11⟧ | ⟦T:0432 771 860⟧ | ⟦MC:brain fog⟧, ⟦MC:anosmia⟧ | |
""",
)
add(
    "pii",
    "en",
    "kiwisaver-hardship-withdrawal",
    "prose",
    """
Could you tidy up my statement for a KiwiSaver significant-hardship withdrawal? It needs to explain why I can't meet basic living costs.

I'm ⟦P:Aroha Tipene⟧, IRD number ⟦ID@NZ:27-515-215⟧, of ⟦A:16 Raroa Crescent, Kelburn, Wellington 6012⟧. Since March I've been off work with ⟦MC:stage 3 breast cancer⟧ and I'm on ⟦MED:tamoxifen⟧ after surgery and chemo. My partner ⟦P:Wiremu⟧ cut his hours to look after our kids. Our mortgage is with Kiwibank, loan ⟦ACC:38-9017-0452318-02⟧. Call me on ⟦T:021 488 3071⟧.
""",
)
add(
    "pii",
    "en",
    "airport-wheelchair-assistance",
    "prose",
    """
Please write a short message to the airline's special assistance desk for my dad's flight next week.

Passenger: ⟦P:Ezra Ben-David⟧, born ⟦DOB:3 April 1941⟧, passport ⟦PASS:31985204⟧. He needs WCHC (can't walk at all, needs to be carried to the seat) because of ⟦MC:advanced COPD⟧ and a ⟦MC:below-knee amputation⟧; he is on ⟦MED:supplemental oxygen⟧ at 2 L/min and travels with a portable concentrator (Inogen One G5, FAA approved). I'll accompany him — ⟦P:Noa Ben-David⟧, ⟦T:+972 52-618-4093⟧, ⟦E:noa.bendavid@mailbox.example⟧.
""",
)
add(
    "pii",
    "en",
    "rideshare-driver-onboarding-za",
    "form",
    """
I'm applying to drive for a ride-hailing app in Cape Town. Which of these do they actually need, and is my PrDP the right licence?

Full names: ⟦P:Thandiwe Mokoena⟧
ID number: ⟦ID@ZA:8411234310085⟧
Date of birth: ⟦DOB:1984-11-23⟧
Cell: ⟦T:082 614 3390⟧
Email: ⟦E:thandi.mokoena@mzansimail.example⟧
Residential address: ⟦A:12 Kloof Nek Road, Tamboerskloof, Cape Town 8001⟧
Driver's licence no.: ⟦DL:4050 0012 7TGH⟧
Bank: Capitec, account ⟦ACC:1458836205⟧
Medical: ⟦MC:controlled hypertension⟧, on ⟦MED:amlodipine⟧
""",
)
add(
    "pii",
    "en",
    "ontario-apprenticeship-application",
    "form",
    """
Can you help me fill the "why do you want this trade" part? The rest is done:

Applicant: ⟦P:Darnell Joseph-Fraser⟧
SIN: ⟦ID@CA:665 238 382⟧
Date of birth: ⟦DOB:2001-07-14⟧
Address: ⟦A:88 Kingsmere Blvd, Brampton, ON L6Y 3H4⟧
Phone: ⟦T:(905) 555-0139⟧
Email: ⟦E:darnell.jf@ontmail.example⟧
Trade: Electrician (309A), sponsor: Bright Spark Electrical
Accommodation needed: yes — ⟦MC:dyslexia⟧, extra time on the in-school exams
""",
)
add(
    "pii",
    "en",
    "relocation-agency-intake",
    "form",
    """
We're a relocation agency. Please turn this family intake into a checklist of which documents each person still needs for the Dutch residence permit.

Main applicant: ⟦P:Nikolaos Papadakis⟧, born ⟦DOB:05.05.1957⟧, AMKA ⟦ID@GR:05055793813⟧
Spouse: ⟦P:Sigríður Jónsdóttir⟧, born ⟦DOB:27.03.1999⟧, kennitala ⟦ID@IS:270399-3479⟧
Assistant travelling with them: ⟦P:Laura Bērziņa⟧, born ⟦DOB:21.08.1993⟧, personas kods ⟦ID@LV:210893-18931⟧
Driver: ⟦P:Darius Petrauskas⟧, born ⟦DOB:29.01.1971⟧, asmens kodas ⟦ID@LT:37101296169⟧
Contact: ⟦E:n.papadakis@hellasmail.example⟧, ⟦T:+30 694 521 8873⟧
Temporary address: ⟦A:Keizersgracht 512-2, 1017 EK Amsterdam⟧
""",
)
add(
    "pii",
    "en",
    "homestay-host-family-match",
    "prose",
    """
Our language school needs to email a host family about their new student. Write it friendly and mention the allergy clearly.

Student: ⟦P:Haruto Sato⟧, 17, from Osaka, arrives 2 Sept. My Number on the visa file ⟦ID@JP:5480 3851 8009⟧ (not to be shared with the family!). Severe ⟦MC:shellfish allergy⟧, carries ⟦MED:adrenaline auto-injector⟧.
Second student (adult evening course): ⟦P:Wei Zhang⟧, 35, resident ID ⟦ID@CN:110105199107076958⟧ — also not for the family.
Host family: ⟦P:Graham Pullman⟧ and ⟦P:Anita Pullman⟧, ⟦A:47 Ditchling Rise, Brighton BN1 4QN⟧, ⟦T:07850 337162⟧, ⟦E:pullman.family@seasidemail.example⟧.
""",
)
add(
    "pii",
    "en",
    "electoral-roll-correction",
    "prose",
    """
Can you draft a letter to the council's electoral services to fix my registration? They merged me with my late mother.

They have my entry as ⟦P:Edith M. Farraday⟧, born ⟦DOB:12 December 1949⟧, which is my mum — she died in January. I am ⟦P:Edith Margaret Farraday⟧, born ⟦DOB:8 July 1977⟧, still living at ⟦A:3 Millbrook Close, Exeter EX2 7QF⟧. My poll card reference is EX-44/1208. Please also remove ⟦P:Leonard Farraday⟧ (my dad moved to a care home with ⟦MC:dementia⟧; his postal vote is handled separately). Phone ⟦T:01392 458 771⟧.
""",
)
add(
    "pii",
    "de",
    "blutspende-fragebogen",
    "form",
    """
Ich habe den Spenderfragebogen für die Blutspende abfotografiert und abgetippt. Darf ich mit diesen Angaben überhaupt spenden? Bitte kurz erklären.

Name, Vorname: ⟦P:Brandstätter, Jonas⟧
Geburtsdatum: ⟦DOB:07.10.1990⟧
Anschrift: ⟦A:Lindenstraße 48, 04107 Leipzig⟧
Telefon: ⟦T:0176 41829057⟧
Spenderausweis-Nr.: ⟦ACC:SN-0338-41720⟧
Frage 12 – Nehmen Sie Medikamente? Ja: ⟦MED:Isotretinoin⟧ (bis vor 3 Wochen), ⟦MED:Cetirizin⟧ bei Bedarf
Frage 17 – Hatten Sie jemals: ⟦MC:Hepatitis B⟧ (als Kind, ausgeheilt laut Hausarzt)
Frage 21 – Tätowierung in den letzten 4 Monaten: nein
""",
)
add(
    "pii",
    "de",
    "kirchenaustritt-schreiben",
    "prose",
    """
Kannst du mir helfen, diese Notizen in ein sachliches Schreiben ans Standesamt zu verwandeln? Es geht um meinen Kirchenaustritt, der Termin ist schon gebucht.

Ich, ⟦P:Sabine Oberhuber⟧, geb. ⟦DOB:23.01.1974⟧ in Rosenheim, wohnhaft ⟦A:Herzog-Heinrich-Straße 19, 80336 München⟧, Steuer-ID ⟦ID@DE:24 937 335 860⟧, erkläre meinen Austritt aus der römisch-katholischen Kirche. Meine Tochter ⟦P:Lena Oberhuber⟧ (14) soll vorerst Mitglied bleiben. Bitte die Bescheinigung an ⟦E:sabine.oberhuber@posteo.example⟧ schicken, Rückfragen unter ⟦T:089 51628840⟧.
""",
)
add(
    "pii",
    "de",
    "au-pair-vertrag",
    "prose",
    """
Wir haben ein Au-pair aus Bulgarien. Bitte formuliere aus meinen Stichpunkten den Abschnitt "Persönliche Angaben und Gesundheit" für den Au-pair-Vertrag.

Au-pair: ⟦P:Stoyan Dimitrov⟧, 20 Jahre, aus Plowdiw. Bürge ist sein Vater ⟦P:Georgi Dimitrov⟧, geb. ⟦DOB:11.12.1985⟧, EGN ⟦ID@BG:8512117948⟧.
Gastfamilie: ⟦P:Katrin Ahlers⟧ und ⟦P:Bernd Ahlers⟧, ⟦A:Am Weinberg 7, 69117 Heidelberg⟧, ⟦T:+49 1512 3904471⟧.
Gesundheit: ⟦P:Stoyan⟧ hat ⟦MC:Typ-1-Diabetes⟧ und eine Insulinpumpe (⟦MED:Humalog⟧), bringt Vorrat für 3 Monate mit. Krankenversicherung über Care Concept, Police ⟦ACC:CC-AP-2291834⟧.
""",
)
add(
    "pii",
    "es",
    "premio-loteria-reclamacion",
    "form",
    """
Me ha tocado un premio de la Lotería de Navidad y el banco me pide este formulario. ¿Está bien rellenado? ¿Hacienda retiene el 20 % de todo o solo de lo que pasa de 40.000 €?

Nombre y apellidos: ⟦P:Rocío Villanueva Carrasco⟧
DNI: ⟦ID@ES:97626171A⟧
Fecha de nacimiento: ⟦DOB:14/03/1968⟧
Domicilio: ⟦A:Calle Feria 112, 3.º B, 41002 Sevilla⟧
Teléfono: ⟦T:654 218 937⟧
Cuenta para el abono: ⟦IBAN:ES22 2256 8106 7156 3627 0742⟧
Décimo n.º 04211, serie 117, fracción 6. Cotitular: mi cuñado ⟦P:Andrés Villanueva⟧ (50 %).
""",
)
add(
    "pii",
    "es",
    "consentimiento-fiv",
    "prose",
    """
Traduce al inglés este resumen del consentimiento de la clínica de fertilidad; mi pareja no habla español.

Pacientes: ⟦P:Mariana Costa Ribeiro⟧ (NIE ⟦ID@ES:Y6746304G⟧, nacida el ⟦DOB:9 de febrero de 1987⟧) y ⟦P:Jonathan Reid⟧. Diagnóstico: ⟦MC:endometriosis grado III⟧ y ⟦MC:reserva ovárica baja⟧ (AMH 0,6). Protocolo antagonista con ⟦MED:Gonal-f⟧ 300 UI y ⟦MED:Cetrotide⟧; inducción con ⟦MED:Ovitrelle⟧. Se transferirá un solo embrión. Historia clínica n.º ⟦MRN:HC-2023-118402⟧. Contacto: ⟦T:+34 622 480 915⟧.
""",
)
add(
    "pii",
    "es",
    "camino-albergue-reserva",
    "prose",
    """
¿Me ayudas a escribir un correo corto al albergue de Sarria confirmando la reserva? Estos son nuestros datos:

Somos dos peregrinos de Chile: ⟦P:Ignacio Fuenzalida⟧ (RUT ⟦ID@CL:15.627.606-5⟧) y ⟦P:Catalina Rojas⟧. Llegamos el 3 de junio. ⟦P:Catalina⟧ tiene ⟦MC:epilepsia⟧ controlada con ⟦MED:lamotrigina⟧, así que preferimos litera baja. Mi WhatsApp es ⟦T:+56 9 8714 2036⟧ y el correo ⟦E:ignacio.fuenzalida@correo.example⟧.
""",
)
add(
    "pii",
    "fr",
    "bilan-orthophonique",
    "prose",
    """
Pouvez-vous reformuler ce compte rendu de bilan orthophonique pour qu'il soit compréhensible par les parents, sans jargon ?

Enfant : ⟦P:Timéo Garnier⟧, né le ⟦DOB:17/05/2017⟧, CE2.
Parents : ⟦P:Aurélie Garnier⟧ et ⟦P:Yannick Garnier⟧, ⟦A:14 rue des Tanneurs, 67000 Strasbourg⟧, ⟦T:06 72 41 83 19⟧.
N° de sécurité sociale (père, ouvrant droit) : ⟦ID@FR:1 62 09 44 847 967 46⟧.
Conclusions : ⟦MC:dyslexie-dysorthographie⟧ sévère, ⟦MC:trouble déficitaire de l'attention⟧ suspecté (à confirmer par le neuropédiatre). ⟦P:Timéo⟧ bénéficie déjà d'un PAP. Rééducation : 2 séances par semaine.
""",
)
add(
    "pii",
    "fr",
    "covoiturage-groupe",
    "prose",
    """
Voici notre groupe de covoiturage pour aller au boulot. Fais-moi un planning de la semaine prochaine, sachant que ⟦P:Nadia⟧ ne peut pas conduire mardi.

[07:12] ⟦P:Nadia Benali⟧ : je prends la Clio lundi, départ ⟦A:8 allée des Pins, 33600 Pessac⟧ à 7h40
[07:13] ⟦P:Julien Mercier⟧ : ok, je suis au ⟦T:06 58 20 47 13⟧ si retard
[07:15] ⟦P:Nadia Benali⟧ : mardi j'ai rdv pour mon ⟦MC:diabète gestationnel⟧, pas de voiture
[07:16] ⟦P:Camille Roux⟧ : je peux mardi. ⟦P:Julien⟧ tu me rembourses l'essence sur ⟦IBAN:FR40 0461 3304 86CD WIQD 5D74 X29⟧ stp
""",
)
add(
    "pii",
    "fr",
    "reclamation-velo-partage-bruxelles",
    "prose",
    """
Mon compte de vélos partagés à Bruxelles a été débité de 150 € pour un vélo « non restitué ». Peux-tu rédiger une réclamation ferme mais polie ?

Titulaire : ⟦P:Élodie Vanhove⟧, numéro de registre national ⟦ID@BE:79.04.03-116.26⟧, ⟦A:Rue Américaine 27, 1060 Saint-Gilles⟧. Identifiant : ⟦U:elodie.vhv⟧. Carte débitée : ⟦CC:5176 0585 6543 2841⟧. J'ai rendu le vélo à la station Flagey à 18h12 ; un témoin, ⟦P:Karim Ouali⟧ (⟦T:0472 18 53 90⟧), était avec moi. Mon e-mail : ⟦E:elodie.vanhove@skynet.example⟧.
""",
)
add(
    "pii",
    "it",
    "piano-dietetico",
    "prose",
    """
Puoi trasformare queste note della dietista in un piano settimanale in tabella, colazione/pranzo/cena?

Paziente: ⟦P:Giulia Ferraresi⟧, CF ⟦ID@IT:FRRGLI94C48A944N⟧, nata a Bologna l'⟦DOB:8 marzo 1994⟧. ⟦MC:Sindrome dell'ovaio policistico⟧ con ⟦MC:insulino-resistenza⟧; assume ⟦MED:metformina⟧ 850 mg due volte al giorno e ⟦MED:inositolo⟧. Obiettivo: -6 kg in 4 mesi. Non mangia pesce. Recapito: ⟦T:347 218 9054⟧, ⟦E:giulia.ferraresi@libero.example⟧.
""",
)
add(
    "pii",
    "it",
    "concessione-cimiteriale",
    "form",
    """
Il comune mi ha mandato questo modulo per il rinnovo della concessione del loculo di mio padre. Cosa vuol dire "retrocessione" e mi conviene?

Richiedente: ⟦P:Zanetti Marco⟧
Codice fiscale: ⟦ID@IT:ZNTMRC69S21L219S⟧
Nato a Torino il ⟦DOB:21/11/1969⟧
Residente in ⟦A:Corso Francia 203, 10138 Torino⟧
Tel.: ⟦T:011 749 2286⟧
Defunto: ⟦P:Zanetti Aldo⟧, loculo n. 418, campo B
IBAN per eventuale rimborso: ⟦IBAN:IT09 R298 4464 969M NTJ9 CTSR R65⟧
""",
)
add(
    "pii",
    "it",
    "learning-agreement-erasmus",
    "form",
    """
Devo compilare il Learning Agreement per una studentessa slovena in arrivo. Mi spieghi cosa va nella sezione "Table A" e se i dati sotto bastano?

Student: ⟦P:Nika Kovačič⟧
Date of birth: ⟦DOB:02/02/1980⟧
EMŠO: ⟦ID@SI:0202980508821⟧
E-mail: ⟦E:nika.kovacic@student-mail.example⟧
Telefono: ⟦T:+386 41 523 870⟧
Sending institution: Univerza v Ljubljani
Note: studentessa adulta, ⟦MC:ipovedente⟧ — richiede materiali in formato accessibile
""",
)
add(
    "pii",
    "nl",
    "naturalisatie-aanvraag",
    "form",
    """
Kun je controleren of ik dit naturalisatieformulier goed heb ingevuld? Vooral het stuk over de optie- of naturalisatieprocedure snap ik niet.

Achternaam: ⟦P:Haddou⟧
Voornamen: ⟦P:Samira⟧
Geboortedatum: ⟦DOB:30-06-1992⟧
BSN: ⟦ID@NL:421416518⟧
Adres: ⟦A:Kanaalweg 83, 3526 KL Utrecht⟧
Telefoon: ⟦T:06-41827359⟧
E-mail: ⟦E:samira.haddou@kpnmail.example⟧
Inburgeringsdiploma: ja, 2021
Partner: ⟦P:Rachid Amrani⟧, Nederlander sinds 2015
""",
)
add(
    "pii",
    "nl",
    "reisvaccinatie-consult",
    "prose",
    """
Wil je dit verslag van de reisvaccinatie-afspraak samenvatten in een lijstje wat ik nog moet doen voor we naar Tanzania gaan?

Reiziger: ⟦P:Pieter-Jan de Wit⟧, BSN ⟦ID@NL:247539740⟧, ⟦DOB:12-09-1979⟧. Gegeven: gele koorts, hepatitis A. Let op: ⟦MC:verminderde weerstand⟧ door ⟦MED:methotrexaat⟧ voor ⟦MC:reumatoïde artritis⟧ — daarom gele koorts pas na overleg met reumatoloog gegeven. Malariaprofylaxe: ⟦MED:Malarone⟧ voorgeschreven. Reisgenoot ⟦P:Femke Jansen⟧ komt volgende week. Bereikbaar op ⟦T:06 28 47 19 35⟧.
""",
)
add(
    "pii",
    "nl",
    "aanstellingskeuring",
    "kv-log",
    """
Onze bedrijfsarts-software logt dit bij een aanstellingskeuring. Mag dit zo in het log, of moeten we iets weglaten volgens de AVG?

2025-03-04T09:12:44Z keuring=AK-5521 kandidaat="⟦P:Joris van Beek⟧" geb=⟦DOB:1996-11-21⟧ functie="heftruckchauffeur" resultaat=geschikt_met_beperking
2025-03-04T09:12:44Z keuring=AK-5521 anamnese="⟦MC:epilepsie⟧ (laatste aanval 2019), gebruikt ⟦MED:levetiracetam⟧" email=⟦E:joris.vanbeek@ziggomail.example⟧ tel=⟦T:+31 6 51829304⟧
2025-03-04T09:12:45Z keuring=AK-5521 keurend_arts="⟦P:M. Verhoeven⟧" advies="geen nachtdiensten"
""",
)
add(
    "pii",
    "pl",
    "ewidencja-jazd-szkola-jazdy",
    "markdown-table",
    """
Prowadzę szkołę jazdy. Z tej tabelki policz, ile godzin zostało każdemu kursantowi do 30 h, i napisz przypomnienie SMS.

| Kursant | PESEL | Telefon | Godziny | Uwagi |
|---|---|---|---|---|
| ⟦P:Kacper Wróblewski⟧ | ⟦ID@PL:03293085217⟧ | ⟦T:512 847 306⟧ | 22 | ⟦MC:daltonizm⟧ – zgoda lekarza jest |
| ⟦P:Zuzanna Lis⟧ | | ⟦T:698 204 551⟧ | 14 | |
| ⟦P:Oliwia Sadowska⟧ | | ⟦T:787 330 914⟧ | 27 | ⟦MC:cukrzyca typu 1⟧, ma przy sobie glukometr |
""",
)
add(
    "pii",
    "pl",
    "wizyta-okulistyczna",
    "prose",
    """
Przetłumacz to na angielski dla mojego syna, który mieszka w Dublinie i chce wiedzieć, co powiedział okulista.

Pacjentka: ⟦P:Halina Wójcik⟧, ur. ⟦DOB:30.11.1952⟧, ⟦A:ul. Ogrodowa 14 m. 5, 90-102 Łódź⟧. Rozpoznanie: ⟦MC:retinopatia cukrzycowa proliferacyjna⟧ oka prawego, ⟦MC:zaćma⟧ obu oczu. Zalecenie: iniekcje ⟦MED:aflibercept⟧ co 4 tygodnie, kontynuacja ⟦MED:insuliny⟧. Następna wizyta 12.05. Telefon do córki ⟦P:Agnieszka⟧: ⟦T:601 558 312⟧.
""",
)
add(
    "pii",
    "pl",
    "umowa-pozyczki-lombard",
    "form",
    """
Oddałam złoto do lombardu i dostałam taki kwit. Czy te 9 % miesięcznie to nie jest lichwa? Co mogę zrobić?

UMOWA POŻYCZKI POD ZASTAW nr L/0331/2025
Pożyczkobiorca: ⟦P:Renata Kamińska⟧
PESEL: ⟦ID@PL:87041293404⟧
Adres: ⟦A:ul. Piotrkowska 211/4, 90-451 Łódź⟧
Tel.: ⟦T:+48 533 902 418⟧
Zastaw: obrączka 585, łańcuszek 333, waga łącznie 9,2 g
Kwota pożyczki: 1 450 zł, termin zwrotu 30 dni
Wypłata na rachunek: ⟦IBAN:PL07 4363 7845 9913 5439 3475 8978⟧
""",
)
add(
    "pii",
    "pt",
    "traducao-certidao-nascimento",
    "form",
    """
Preciso de uma tradução para inglês desta certidão de nascimento brasileira, para o visto do meu filho. Mantenha o layout.

CERTIDÃO DE NASCIMENTO
Nome: ⟦P:Davi Henrique Albuquerque Santos⟧
CPF: ⟦ID@BR:226.081.518-92⟧
Data de nascimento: ⟦DOB:15 de agosto de 2015⟧
Local: Hospital São Luiz, São Paulo - SP
Pai: ⟦P:Rodrigo Albuquerque Santos⟧
Mãe: ⟦P:Fernanda Lima Albuquerque⟧
Avós paternos: ⟦P:José Carlos Santos⟧ e ⟦P:Maria Aparecida Albuquerque⟧
""",
)
add(
    "pii",
    "pt",
    "inscricao-escola-surf",
    "form",
    """
A escola de surf pediu estes dados para a inscrição do meu filho. Acham normal pedirem o NIF? Ajuda-me a responder ao ponto 6.

1. Nome: ⟦P:Tiago Moura Cardoso⟧
2. Data de nascimento: ⟦DOB:2011-04-28⟧
3. NIF do encarregado: ⟦ID@PT:117438600⟧ (⟦P:Sofia Moura⟧)
4. Telemóvel: ⟦T:916 402 187⟧
5. Morada: ⟦A:Rua do Farol 22, 2750-341 Cascais⟧
6. Condições médicas: ⟦MC:epilepsia de ausência⟧, medicado com ⟦MED:ácido valproico⟧; nunca teve crise na água
""",
)
add(
    "pii",
    "sv",
    "forskningsintervju-samtycke",
    "prose",
    """
Jag transkriberar intervjuer för min masteruppsats. Kan du pseudonymisera det här stycket (ersätt allt som kan identifiera personen) men behålla innehållet?

Intervju 4, ⟦P:Henrik Ståhlberg⟧ (personnummer ⟦ID@SE:791102-3591⟧), bor på ⟦A:Rosendalsvägen 18, 753 23 Uppsala⟧. Han berättar att han fick diagnosen ⟦MC:bipolär sjukdom typ II⟧ 2016 och tar ⟦MED:litium⟧ sedan dess. Hans fru ⟦P:Malin⟧ märkte det först. "⟦P:Henrik⟧ sov två timmar per natt i en vecka", säger hon. Kontakt: ⟦E:h.stahlberg@telia.example⟧, ⟦T:070-318 42 96⟧.
""",
)
add(
    "pii",
    "sv",
    "koloniloott-ko",
    "csv",
    """
Här är kölistan till koloniområdet. Sortera på ködatum och skriv ett mejl till de tre första om att en lott blivit ledig.

namn;personnummer;telefon;mejl;ködatum;kommentar
⟦P:Elin Forsgren⟧;⟦ID@SE:010516-6045⟧;⟦T:073-540 21 87⟧;⟦E:elin.forsgren@bredband.example⟧;2019-04-02;vill ha lott nära toaletten pga ⟦MC:Crohns sjukdom⟧
⟦P:Arvid Nyström⟧;;⟦T:076-214 90 33⟧;⟦E:arvid.n@post.example⟧;2018-11-20;
⟦P:Yasmin Karimi⟧;;⟦T:072-881 46 05⟧;⟦E:yasmin.karimi@mejl.example⟧;2020-01-15;rullstolsburen, behöver upphöjda bäddar
""",
)
add(
    "pii",
    "da",
    "kollegie-ansoegning",
    "form",
    """
Kan du hjælpe mig med at skrive begrundelsen til min ansøgning om kollegieværelse? Jeg har fået dispensation, fordi jeg har et handicap.

Navn: ⟦P:Freja Lindholm⟧
CPR-nr.: ⟦ID@DK:170292-0540⟧
Adresse: ⟦A:Vestergade 31, 2. tv., 8000 Aarhus C⟧
Telefon: ⟦T:28 41 93 67⟧
E-mail: ⟦E:freja.lindholm@stud.example⟧
Uddannelse: cand.mag. i dansk, Aarhus Universitet
Særlige behov: ⟦MC:cerebral parese⟧, bruger kørestol – har brug for handicapvenligt værelse i stueetagen
""",
)
add(
    "pii",
    "da",
    "cykeltyveri-anmeldelse",
    "prose",
    """
Min ladcykel er blevet stjålet. Skriv en kort anmeldelse til politiet og en mail til forsikringen ud fra det her:

Jeg hedder ⟦P:Mikkel Bech-Sørensen⟧, bor ⟦A:Jægersborggade 12, 1. th., 2200 København N⟧, mobil ⟦T:+45 31 84 62 09⟧. Cyklen (Christiania Light, grøn, stelnr. WAW4471K) blev taget fra gården natten til tirsdag. Min kone ⟦P:Signe⟧ så en mand med vinkelsliber kl. 02. Forsikring: Alm. Brand, police ⟦ACC:61-2284-0931⟧. Reg.nr./konto til udbetaling: ⟦IBAN:DK10 3843 1254 4425 26⟧.
""",
)
add(
    "pii",
    "no",
    "elbil-ladebrikke-klage",
    "prose",
    """
Kan du skrive en klage til ladeoperatøren? De har trukket meg for lading jeg ikke har gjort.

Jeg heter ⟦P:Ingrid Haugland⟧ og bor i ⟦A:Kong Oscars gate 54, 5017 Bergen⟧. Kundenummer ⟦ACC:LD-7730194⟧, ladebrikke ⟦ACC:0047-118-2094⟧. Den 3. mars ble det belastet 842 kr for 118 kWh i Trondheim — jeg var på sykehuset i Bergen den dagen for ⟦MC:nyresteinsanfall⟧. Kortet som ble belastet: ⟦CC:5587 3955 1034 0601⟧. Ring ⟦T:924 58 173⟧ eller skriv til ⟦E:ingrid.haugland@online.example⟧.
""",
)
add(
    "pii",
    "no",
    "ledsagerbevis-soknad",
    "form",
    """
Hjelp meg å skrive punkt 4 i søknaden om ledsagerbevis for datteren min, kort og tydelig.

Søker: ⟦P:Thea Solbakken⟧
Fødselsnummer: ⟦ID@NO:08129536080⟧
Adresse: ⟦A:Storgata 9B, 9008 Tromsø⟧
Foresatt/kontakt: ⟦P:Randi Solbakken⟧, ⟦T:481 29 057⟧
Diagnose: ⟦MC:autismespekterforstyrrelse⟧ og ⟦MC:moderat utviklingshemming⟧
4. Hvorfor trengs ledsager: 
""",
)
add(
    "pii",
    "fi",
    "vapaaehtoinen-asepalvelus-hakemus",
    "form",
    """
Haen naisten vapaaehtoiseen asepalvelukseen. Voitko tarkistaa, onko terveysosio riittävä, vai pitääkö liittää lääkärinlausunto?

Nimi: ⟦P:Aino Lehtonen⟧
Henkilötunnus: ⟦ID@FI:090104A6343⟧
Osoite: ⟦A:Hämeenkatu 27 B 14, 33200 Tampere⟧
Puhelin: ⟦T:040 718 2365⟧
Sähköposti: ⟦E:aino.lehtonen@kotiposti.example⟧
Terveydentila: ⟦MC:lievä astma⟧ lapsena, ei oireita viiteen vuoteen; ⟦MC:siitepölyallergia⟧, käytän ⟦MED:Zyrtec⟧ keväisin
""",
)
add(
    "pii",
    "fi",
    "tulkkipalvelu-tilaus",
    "prose",
    """
Kirjoita tästä tulkkipalvelun tilaus selkeäksi viestiksi. Tilaan viittomakielen tulkin pankkitapaamiseen.

Asiakas: ⟦P:Jari Koskinen⟧, hetu ⟦ID@FI:250768-2136⟧, ⟦MC:kuuro⟧ syntymästä, äidinkieli suomalainen viittomakieli. Tapaaminen Nordean konttorissa Aleksanterinkadulla 14.4. klo 13–14 (asuntolaina). Yhteys tekstiviestillä ⟦T:050 362 8814⟧ tai ⟦E:jari.koskinen@viittoja.example⟧. Vaimo ⟦P:Päivi Koskinen⟧ tulee mukaan.
""",
)
add(
    "pii",
    "cs",
    "oprava-ockovaciho-certifikatu",
    "prose",
    """
Potřebuju napsat e-mail na krajskou hygienu, že mám v očkovacím certifikátu špatně jméno. Můžeš to sepsat?

Jmenuji se ⟦P:Petra Dvořáková⟧, rodné číslo ⟦ID@CZ:765314/7470⟧, narozena ⟦DOB:14. 3. 1976⟧, bytem ⟦A:Údolní 42, 602 00 Brno⟧. V certifikátu mám ⟦P:Petra Dvořákova⟧ bez čárky nad druhým a. Očkování mi kvůli ⟦MC:revmatoidní artritidě⟧ a léčbě ⟦MED:Enbrelem⟧ podávali na imunologii FN Brno. Telefon ⟦T:604 218 735⟧.
""",
)
add(
    "pii",
    "cs",
    "osvobozeni-koncesionarske-poplatky",
    "form",
    """
Mám vyplnit oznámení o osvobození od rozhlasových a televizních poplatků. Je to takhle správně? Tchán je Slovák, ale žije u nás.

Poplatník: ⟦P:Marek Hudák⟧
Rodné číslo: ⟦ID@SK:901001/1406⟧
Adresa: ⟦A:Palackého 1187/12, 779 00 Olomouc⟧
Důvod osvobození: ⟦MC:úplná hluchota⟧ (průkaz ZTP ⟦ACC:ZTP-0241887⟧)
Číslo účtu: ⟦IBAN:CZ73 7844 4686 6785 8580 4467⟧
Kontakt: ⟦T:+420 731 590 264⟧
""",
)
add(
    "pii",
    "hu",
    "vizsgakedvezmeny-kerelem",
    "prose",
    """
Segítenél megírni a kérelmet az egyetem esélyegyenlőségi bizottságának? Vizsgakedvezményt szeretnék.

⟦P:Szabó Réka⟧ vagyok, Neptun-kód: ⟦U:K3WQ7Z⟧, születési dátum: ⟦DOB:1999. november 2.⟧, lakcím: ⟦A:1117 Budapest, Bartók Béla út 61. 3/12⟧. ⟦MC:Diszlexiával⟧ és ⟦MC:diszgráfiával⟧ diagnosztizáltak a Tanulási Képességet Vizsgáló Bizottságnál; írásbeli vizsgán 30% plusz időt és számítógép használatát kérem. Elérhetőség: ⟦T:+36 30 418 2753⟧, ⟦E:szabo.reka@egyetem-mail.example⟧.
""",
)
add(
    "pii",
    "hu",
    "hallokeszulek-tamogatas",
    "form",
    """
Anyósomnak kellene hallókészülék-támogatást igényelni. Mit írjak az indokláshoz? Itt vannak az adatai:

Név: ⟦P:Kovács Istvánné⟧
Születési név: ⟦P:Tóth Erzsébet⟧
Anyja neve: ⟦P:Varga Mária⟧
Születési dátum: ⟦DOB:1948. 04. 17.⟧
TAJ-szám: ⟦ACC:044 528 917⟧
Lakcím: ⟦A:6720 Szeged, Kárász utca 8. II/5⟧
Telefon: ⟦T:06 62 458 913⟧
Diagnózis: ⟦MC:kétoldali időskori nagyothallás⟧ (presbyacusis)
Számlaszám: ⟦IBAN:HU27 8844 0871 9547 6918 9608 5634⟧
""",
)
add(
    "pii",
    "ro",
    "portare-numar-mobil",
    "form",
    """
Vreau să-mi mut numărul la alt operator. Verifică, te rog, cererea de portare — e corect completată?

Nume și prenume: ⟦P:Andrei Constantinescu⟧
CNP: ⟦ID@RO:1830519256635⟧
Domiciliu: ⟦A:Str. Mihai Eminescu nr. 47, bl. B3, ap. 12, Sector 2, București⟧
Număr portat: ⟦T:0745 218 396⟧
Cod client operator donor: ⟦ACC:OR-55271904⟧
E-mail: ⟦E:andrei.constantinescu@yahoo.example⟧
""",
)
add(
    "pii",
    "ro",
    "cerere-rambursare-zbor",
    "prose",
    """
Zborul meu a fost anulat și compania nu răspunde. Scrie-mi o cerere de rambursare fermă, pe baza Regulamentului 261/2004.

Pasager: ⟦P:Ioana Mureșan⟧, ⟦A:Str. Observatorului 90, 400363 Cluj-Napoca⟧, ⟦T:0722 684 105⟧, ⟦E:ioana.muresan@gmail.example⟧. Rezervare cod KF7Q2L, zbor W6 3241 Cluj–Londra. Am plătit cu cardul ⟦CC:2221 6103 3506 8032⟧. Am avut nevoie de asistență specială pentru că sunt însărcinată în 7 luni (⟦MC:sarcină cu risc⟧) și nimeni nu m-a ajutat. Rambursare în contul ⟦IBAN:RO94 BRDE 4MTC KPT7 6KCG OOEV⟧.
""",
)
add(
    "pii",
    "tr",
    "imei-kayit-basvurusu",
    "form",
    """
Yurt dışından telefon getirdim, IMEI kaydı için e-Devlet'te bu bilgileri girdim. Harç ücreti ne kadar, ve 120 gün sınırı ne zaman başlıyor?

Ad Soyad: ⟦P:Emre Kılıçaslan⟧
T.C. Kimlik No: ⟦ID@TR:15506955174⟧
Doğum Tarihi: ⟦DOB:03.08.1990⟧
Pasaport No: ⟦PASS:U29814476⟧
Giriş tarihi: 12.01.2025, İstanbul Havalimanı
Cihaz: iPhone 15, kutusu yanımda
Telefon: ⟦T:0532 418 27 93⟧
Adres: ⟦A:Bağdat Caddesi No: 214 D: 7, Kadıköy, İstanbul⟧
""",
)
add(
    "pii",
    "tr",
    "evde-bakim-maasi-basvurusu",
    "prose",
    """
Annem için evde bakım maaşı başvurusu yapacağım. Dilekçeyi resmî bir dille yazar mısın?

Bakıma muhtaç kişi: ⟦P:Fatma Yıldırım⟧, T.C. ⟦ID@TR:89943790346⟧, doğum tarihi ⟦DOB:5 Mayıs 1949⟧. ⟦MC:Alzheimer hastalığı⟧ ve ⟦MC:kalça kırığı⟧ sonrası yatağa bağımlı; engelli sağlık kurulu raporunda %90 ağır engelli yazıyor. ⟦MED:Memantin⟧ ve ⟦MED:Donepezil⟧ kullanıyor. Bakım veren: oğlu ⟦P:Murat Yıldırım⟧, ⟦A:Atatürk Mahallesi 1203. Sokak No: 5, Çankaya, Ankara⟧, ⟦T:0505 382 41 67⟧.
""",
)
# ---------------------------------------------------------------------------
# group cred
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "terraform-hcloud-main-tf",
    "code",
    """
terraform plan says "Error: Invalid provider configuration" — what's wrong with this main.tf?

terraform {
  backend "s3" {
    bucket                      = "tfstate-kerbside"
    key                         = "prod/terraform.tfstate"
    endpoint                    = "https://s3.eu-central-003.backblazeb2.com"
    access_key                  = "⟦K:00568a552ab76ad7351ea45d9⟧"
    secret_key                  = "⟦K:K0050JuVvTWpDU1zjaMSFhvP0e4TdkO⟧"
    skip_credentials_validation = true
    region                      = "eu-central-003"
  }
}

provider "hcloud" {
  token = "⟦K:wBJz30ued1WiBjbfWIUdPY0TrV1Sxd2POJeAIVpUbGCfcwBR0a0AG6YToqji2KWN⟧"
}

resource "hcloud_server" "web" {
  name        = "web-1"
  server_type = "cx22"
  image       = "debian-12"
}
""",
)
add(
    "cred",
    "en",
    "github-actions-job-log",
    "kv-log",
    """
Our release job failed at the publish step. Here's the log — why is npm saying 403?

2025-02-11T14:03:51.2210447Z ##[group]Run npm publish --access public
2025-02-11T14:03:51.2211203Z npm publish --access public
2025-02-11T14:03:51.2239610Z shell: /usr/bin/bash -e {0}
2025-02-11T14:03:51.2240011Z env:
2025-02-11T14:03:51.2240398Z   NODE_AUTH_TOKEN: ⟦K:npm_qhhd2hgqavYOzLAj8U1pXNITV7lZbqUBMrny⟧
2025-02-11T14:03:51.2240752Z   GH_TOKEN: ⟦K:ghp_TCDVHCSxEmqaneilsuDEUDoAYNje91MyZzpW⟧
2025-02-11T14:03:51.2241080Z ##[endgroup]
2025-02-11T14:03:54.8820417Z npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access
2025-02-11T14:03:55.3127705Z npm error code E403
2025-02-11T14:03:55.3129016Z npm error 403 403 Forbidden - PUT https://registry.npmjs.org/@kerbside%2fui - You cannot publish over the previously published versions: 2.4.0.
""",
)
add(
    "cred",
    "en",
    "helm-values-observability",
    "yaml",
    """
Can you review this Helm values file before I install the chart? I'm not sure the SMTP block is right, and whether the TLS key should be a block scalar.

grafana:
  adminUser: admin
  adminPassword: "⟦S:Kx7!peat-Moss-Lantern⟧"
  grafana.ini:
    smtp:
      enabled: true
      host: smtp.eu.mailgun.org:587
      user: grafana-alerts
      password: "⟦S:c0ffee-Tundra-91-Wick⟧"
alloy:
  remoteWrite:
    token: "⟦K:glsa_SsIHRGPrISezEJbu9hHMgRMcO09Steo6_52fe802c⟧"
ingress:
  tls:
    key: |
      ⟦PK:-----BEGIN EC PRIVATE KEY-----
      MHcCAQEEIL+PyMEN+f3F66Ly6WrFY7vWfoJkMdj6mZ9YXmKOudmdoAoGCCqGSM49
      AwEHoUQDQgAEQeBVAgeLq+IQnFgEuJTEfgGCRTUjDNOTPqvErNXZS9ATQyOjgDMV
      2Y5JChhRDuqymGKSU9925Ru8gSPufYd7CA==
      -----END EC PRIVATE KEY-----⟧
sentry:
  authToken: "⟦K: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⟧"
""",
)
add(
    "cred",
    "en",
    "jenkins-credentials-xml",
    "code",
    """
We're migrating off Jenkins. From this credentials.xml, list each credential id and what type it is so I can recreate them in GitHub Actions.

<com.cloudbees.plugins.credentials.SystemCredentialsProvider>
  <domainCredentialsMap>
    <entry>
      <java.util.concurrent.CopyOnWriteArrayList>
        <com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
          <id>nexus-deploy</id>
          <username>deployer</username>
          <password>⟦S:Qw9#rT-harbour-55⟧</password>
        </com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
        <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
          <id>jira-token</id>
          <secret>⟦K:ATATT3xFfGF0D02y_CG3gqox0_2pRD2C69mBRrgh_E3hXxpBXjE9N_tsuDZ9IUjVx8mZ1KspgM9QbEMk1aUm_yey9fwx69jgOUW7wmMeEGo6f-B6mvbgC91AVg5mB0952iSBGKvTtOZGn_QsCL6a57nreymgTxaXFXo-hK7aepo2BBZCaoSrML=95FFFCBA⟧</secret>
        </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
        <com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey>
          <id>deploy-ssh</id>
          <username>deploy</username>
          <privateKeySource class="com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey$DirectEntryPrivateKeySource">
            <privateKey>⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACCqERUmUFZVhY3xNMBfQrOA/csXCnN2IpEmCsxOHBTvHQAAAIgtTIfVLUyH
1QAAAAtzc2gtZWQyNTUxOQAAACCqERUmUFZVhY3xNMBfQrOA/csXCnN2IpEmCsxOHBTvHQ
AAAEBRA2K2OAvH9n6v/0K+WCjR664+LOVk9qbj6vk6OJtAUKoRFSZQVlWFjfE0wF9Cs4D9
yxcKc3YikSYKzE4cFO8dAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧</privateKey>
          </privateKeySource>
        </com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey>
        <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
          <id>bitbucket-app-pw</id>
          <secret>⟦K:ATBBnXECgWZtYBc0Zmy5p6O0KPKHTd35Z3Vv⟧</secret>
        </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
      </java.util.concurrent.CopyOnWriteArrayList>
    </entry>
  </domainCredentialsMap>
</com.cloudbees.plugins.credentials.SystemCredentialsProvider>
""",
)
add(
    "cred",
    "en",
    "vscode-rest-client-http-file",
    "http",
    """
This .http file worked yesterday, now the second request returns 401. Is the Basic header encoded wrong?

### chat completion
POST https://api.x.ai/v1/chat/completions
Authorization: Bearer ⟦K:xai-fGNM4luDwQ7aEmtYZ9BiEkAcCWTfcXXIJsoIRF0n1o5qBgRywRef9Fb7ECwgYYo2BgS024yTT8sVgTzi⟧
Content-Type: application/json

{"model": "grok-3", "messages": [{"role": "user", "content": "ping"}]}

### internal billing API
GET https://billing.internal.kerbside.example/v2/invoices?status=open
Authorization: Basic ⟦S:b3BzLWJvdDpNb3NzLTg4LVRydW1wZXQh⟧
""",
)
add(
    "cred",
    "en",
    "bruno-collection-file",
    "code",
    """
I'm moving from Postman to Bruno. Is this .bru file syntax right? The payment call isn't picking up the header.

meta {
  name: create-payment
  type: http
  seq: 3
}

post {
  url: https://api.mollie.com/v2/payments
  body: json
  auth: bearer
}

auth:bearer {
  token: ⟦K:live_Uw3YkQQstVvpmWtwHe4JWeWW6nAiqF⟧
}

body:json {
  {"amount": {"currency": "EUR", "value": "10.00"}, "description": "Order #4471", "redirectUrl": "https://shop.example/return"}
}
""",
)
add(
    "cred",
    "en",
    "django-settings-py",
    "code",
    """
Django keeps throwing "ImproperlyConfigured: The SECRET_KEY setting must not be empty" on staging but not locally. Here's settings/staging.py:

from .base import *

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "⟦S:9h5@v9*t1=f*5m*wc)p7ip80!lwf#t^9$=)#&e11w54ac%(^h^⟧")
ALLOWED_HOSTS = ["staging.kerbside.example"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "kerbside",
        "USER": "kerbside_app",
        "PASSWORD": "⟦S:Tr0mbone!Gravel#2024⟧",
        "HOST": "10.20.0.15",
    }
}
STRIPE_SECRET_KEY = "⟦K: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⟧"
EMAIL_HOST_PASSWORD = "⟦K: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⟧"
""",
)
add(
    "cred",
    "en",
    "rails-decrypted-credentials",
    "yaml",
    """
I ran `bin/rails credentials:show` to debug. Why does Rails say "ActiveSupport::MessageEncryptor::InvalidMessage" on the server? The master.key there is ⟦S:ba51fe3c19cd56076670b1864ef6375b⟧.

secret_key_base: ⟦S:869b5893d8b103bae19baef89ebc641d29358449e6fb2a80a525e7bf5f2f8842⟧
aws:
  access_key_id: ⟦K:AKIA5LPJTF72QAZCMIUX⟧
  secret_access_key: ⟦K:+6qJHNwXgMBGdi6I+mr4GalqS27lKc7SnvnydgSt⟧
postmark:
  server_token: ⟦K:d525f8ee-096a-f886-fb13-0f58fc253110⟧
""",
)
add(
    "cred",
    "en",
    "systemd-unit-env",
    "ini",
    """
The service starts but the bot says "401 no auth credentials found". Did I quote the Environment= lines wrong?

[Unit]
Description=Kerbside support bot
After=network-online.target

[Service]
User=supportbot
WorkingDirectory=/opt/supportbot
Environment="OPENROUTER_API_KEY=⟦K: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⟧"
Environment=DOPPLER_TOKEN=⟦K:dp.st.prd.eYJjZFzcvZAVhedeKM0LKgEt0VsnX68728NzUb2ljvE⟧
ExecStart=/opt/supportbot/.venv/bin/python -m supportbot
Restart=on-failure

[Install]
WantedBy=multi-user.target
""",
)
add(
    "cred",
    "en",
    "crontab-backup-lines",
    "command",
    """
My nightly backup stopped. This is `crontab -l` on the box — anything obviously broken?

# m h dom mon dow command
15 2 * * * mysqldump -u backup -p'⟦S:N1ghtOwl_Quarry^7⟧' --single-transaction shopdb | gzip > /srv/backup/shop-$(date +\\%F).sql.gz
45 2 * * * RESTIC_PASSWORD='⟦S:orchid-tramline-velvet-48⟧' restic -r s3:s3.eu-central-1.wasabisys.com/kerbside-bak backup /srv/backup
0 3 * * 0 find /srv/backup -mtime +14 -delete
""",
)
add(
    "cred",
    "en",
    "jupyter-llm-eval-cell",
    "code",
    """
Cell 3 of my eval notebook hangs forever. Is it the tracing setup?

# %% [cell 3]
import os
os.environ["OPENAI_API_KEY"] = "⟦K:sk-proj-vH2WeejKazRb8iuRUmDDAoXV-y2FbJzsX5tYTCyIfWYpzm99ECkDjcZ9zxhXuMLsDxorvYYUTZQNUlIpH4P8ULK1FTpWqFyNMroAyfJWy1F9QFEfXX-JKPA9Xqr8tCwHXSoHAXbK1ZAnXBs3uw3Bl_dNbhgq⟧"
os.environ["LANGSMITH_API_KEY"] = "⟦K: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⟧"
os.environ["LANGFUSE_SECRET_KEY"] = "⟦K:sk-lf-7a1f6ad3-aaa1-0648-6fdd-86e8659a68e0⟧"
os.environ["LANGFUSE_HOST"] = "https://cloud.langfuse.com"

from langfuse.openai import openai
resp = openai.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
""",
)
add(
    "cred",
    "en",
    "docker-run-vault-postgres",
    "command",
    """
Why can't the app container reach Vault? Here's how I start both:

docker run -d --name db -e POSTGRES_USER=ledger -e POSTGRES_PASSWORD='⟦S:Ledger-Fjord-2025!⟧' -p 5432:5432 postgres:16
docker run -d --name ledger-api --network host \\
  -e VAULT_ADDR=https://vault.internal.kerbside.example:8200 \\
  -e VAULT_TOKEN=⟦K:hvs.CAESIlztMkxMlT8XXZO2fGfDb7CgWDl2yDA0vNQbn0NPUzE7wvCNu4AMq18nZkGhHMOIqk15_-i9HTpJCY28wJhET1P⟧ \\
  -e DATABASE_URL=postgres://ledger:⟦S:Ledger-Fjord-2025!⟧@localhost:5432/ledger \\
  ghcr.io/kerbside/ledger-api:1.8.2
""",
)
add(
    "cred",
    "en",
    "netplan-wifi-eap",
    "yaml",
    """
Ubuntu won't join the university Wi-Fi with this netplan file. eduroam uses PEAP/MSCHAPv2 — is my auth block right? The home network works.

network:
  version: 2
  renderer: NetworkManager
  wifis:
    wlp2s0:
      dhcp4: true
      access-points:
        "eduroam":
          auth:
            key-management: eap
            method: peap
            identity: "⟦E:s2291847@ed.ac.example⟧"
            password: "⟦S:Heather&Thistle_1987⟧"
        "VM4471829":
          password: "⟦S:qd7Jxkp9wHbv⟧"
""",
)
add(
    "cred",
    "en",
    "dotenv-github-app-key",
    "env",
    r"""
Probot can't parse my private key from .env ("error:1E08010C:DECODER routines::unsupported"). Is it the quoting?

APP_ID=918274
WEBHOOK_SECRET=⟦S:kerb-hook-Ploughman-77⟧
PRIVATE_KEY="⟦PK:-----BEGIN RSA PRIVATE KEY-----\nMIICXAIBAAKBgQDD/JCEEcTXagAwADEMmRoXiEJVtJq1pHtb0Qvs7Faz33eMETxH\nvGZwkZkKO57Vuz1jh5Q5R7GHwFXGcpD9XfH+jlIlIzgRfaoaZTOOSAiHxoF2HYfZ\nAcUm9rD24A0Q8bQAVCWxxoyDot2zvo9oKLZ3ejIDOSUm80jgVHaFv61xJQIDAQAB\nAoGAbr/IQnlwDHKgDH/vN7lEn0umgJwAWOjLtMTawlWDYT3EZmhO8hKqqK3+F2Q9\ni3W1aQryXbP/xECRuASBnkt6NWn0WjVhTjZyF/DrD5I7IwQo3BpWcaPx2K2j9mOW\nMeJgY8P7C6Z+7MBBIa83oFu3HAxx1tvvlQ4UyVvfhz9GFjkCQQD8LQjf8SC02yl9\nDBATx9B/MlrVoV7wXYA/aq/hAUypzLu176BNLDs34h44ygA6F66BMiwrMLlaVClX\nnv/KHfMHAkEAxvVmE7jVt22U72C9TpIqPUlhksmKfVPSWgF4LOZflqZC4ybLRfTa\nXJdy9RF2ArnF+cY8TCozdxJVBKko7KJTcwJAO0amuGUop/qARRmJyeyFEPEYMvEs\nrNl9pOqCDyTMDXnHgdui1aEZBmjLa9Pnu8AHT+0oPrrERvxTf3orbCogDwJAN67a\nwM5MUigDNPPYR7M0yy5Mdq6dafIZv0MGBVr8icdClRx4a73Zl2xzqg8W/jBMLlnC\n6nYtLTgeP02wvHm57QJBALQp073l4TJmWEgvE6BKEp/eeHIsD+WhatJolURP6NFk\nZwGFA/yWiOyZu2M96HTuELt5Ug5QEVApU2rSBE4Nxs8=\n-----END RSA PRIVATE KEY-----⟧"
LOG_LEVEL=debug
""",
)
add(
    "cred",
    "en",
    "aspnet-appsettings-json",
    "json",
    """
In my ASP.NET app, `builder.Configuration["AzureOpenAI:Key"]` comes back null. Here's appsettings.Production.json — is the nesting wrong?

{
  "ConnectionStrings": {
    "Default": "Server=tcp:kerbside-sql.database.windows.net,1433;Initial Catalog=orders;User ID=orders_app;Password=⟦S:Wq#4vLm!92spruce⟧;Encrypt=True;"
  },
  "AzureOpenAI": {
    "Endpoint": "https://kerbside-oai.openai.azure.com/",
    "Key": "⟦K:8c0715036362544c5db8203facdfbea5⟧",
    "Deployment": "gpt-4o"
  },
  "Logging": { "LogLevel": { "Default": "Warning" } }
}
""",
)
add(
    "cred",
    "en",
    "go-twilio-sms-code",
    "code",
    """
Refactor this so the credentials come from the environment instead of being hard-coded, and add a timeout to the HTTP client:

package notify

const (
	twilioSID   = "⟦K:AC8dc6c625889ed23bbcaf8ba2cb8f8557⟧"
	twilioToken = "⟦K:b8c6849bbe5d4d090d9287a7f81987d7⟧"
	smtpUser    = "notify-svc"
	smtpPass    = "⟦S:mZ4!otter-Caravel⟧"
)

func SendSMS(to, body string) error {
	req, _ := http.NewRequest("POST", "https://api.twilio.com/2010-04-01/Accounts/"+twilioSID+"/Messages.json", strings.NewReader(url.Values{"To": {to}, "From": {"+15005550006"}, "Body": {body}}.Encode()))
	req.SetBasicAuth(twilioSID, twilioToken)
	_, err := http.DefaultClient.Do(req)
	return err
}
""",
)
add(
    "cred",
    "en",
    "nas-handover-message",
    "prose",
    """
I'm leaving the studio next month. Can you turn this into a proper handover doc with headings?

- NAS (Synology DS920+, 192.168.1.20): admin user is ⟦U:kwame.admin⟧, password ⟦S:Baobab!Lantern#62⟧. 2FA is on my phone — the emergency backup codes are ⟦S:4821-7730⟧, ⟦S:9915-0264⟧ and ⟦S:3307-5188⟧.
- Door alarm: code ⟦S:7419⟧, duress code ⟦S:7420⟧ (sends silent alert).
- Studio Wi-Fi "Kwame-Studio-5G": ⟦S:SunnyDaysInAccra!⟧
- Adobe team admin login is ⟦E:kwame.asante@studio-mail.example⟧ / ⟦S:Kente-Pattern-204⟧.
""",
)
add(
    "cred",
    "en",
    "nextjs-env-local",
    "env",
    """
My Next.js app works locally but on Vercel the Supabase calls fail with "Invalid API key". Which of these should be NEXT_PUBLIC and which must stay server-only?

NEXT_PUBLIC_SUPABASE_URL=https://qkzrnwtvbhplxoeyafmd.supabase.co
SUPABASE_SERVICE_ROLE_KEY=⟦K:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrenJud3R2YmhwbHhvZXlhZm1kIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTczMTQwMDAwMCwiZXhwIjoyMDQ2OTc2MDAwfQ.xvg4JZt6BNFeNzOJkK_-rKd9mp-e3qBEQALwyYdKYEb⟧
UPSTASH_REDIS_REST_URL=https://eu1-quick-owl-33120.upstash.io
UPSTASH_REDIS_REST_TOKEN=⟦K:AXogrMAAIjcDThyF1zzigLypLQXe5pj3kYGprseiQUEzRxy7GpXl8FivX7D1gu⟧
RESEND_API_KEY=⟦K:re_LKdNohxm_9gNOekqSYnVVvHSIiKMVH2qQ⟧
""",
)
add(
    "cred",
    "de",
    "vereinskasse-zugangsdaten-nachricht",
    "prose",
    """
Kannst du diese Übergabenotiz an meine Nachfolgerin als Kassenwartin etwas ordentlicher formulieren?

Hallo ⟦P:Bettina⟧, hier alles für die Vereinskasse: Online-Banking bei der Sparkasse, Anmeldename ⟦U:TSV-Kasse-0417⟧, PIN ⟦S:58302⟧. Die pushTAN-App ist noch auf meinem Handy, das ändern wir zusammen. Das Kassenbuch-Excel ist mit dem Passwort ⟦S:Handball1921!⟧ geschützt. Tresor im Vereinsheim: Kombination ⟦S:14-07-33⟧. Für die ELSTER-Meldung brauchst du meine österreichische SV-Nummer nicht mehr — die stand nur noch im alten Ordner (⟦ID@AT:8442 300672⟧), bitte schreddern.
""",
)
add(
    "cred",
    "de",
    "symfony-env-local",
    "env",
    """
Symfony meldet "Environment variable not found: MESSENGER_TRANSPORT_DSN". Hier meine .env.local – was fehlt?

# Lokale Überschreibungen – NICHT committen!
APP_ENV=prod
APP_SECRET=⟦S:7f3e9a01c4b28d65e7a90f1c2b3d4e5f⟧
DATABASE_URL="postgresql://shop:⟦S:npg_tl3yU7AyzM3n⟧@ep-calm-sun-a2x9k1.eu-central-1.aws.neon.tech/shop?sslmode=require"
MAILER_DSN=smtp://apikey:⟦K: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⟧@smtp.sendgrid.net:587
""",
)
add(
    "cred",
    "es",
    "clave-fiscal-afip-mensaje",
    "prose",
    """
Mi contador me pidió los datos para hacer la declaración jurada. ¿Me ayudás a escribirle un mensaje, pero diciendo que después voy a cambiar la clave?

Hola ⟦P:Gustavo⟧: mi CUIT es ⟦ID@AR:20-34775344-1⟧ y la clave fiscal de AFIP (nivel 3) es ⟦S:Mate&Medialunas2024⟧. Para Mercado Pago entrás con mi mail ⟦E:facundo.ibarra@correo.example⟧ y la contraseña ⟦S:RiverPlate_1901⟧. El token de la app es el que te llega por SMS. Gracias!
""",
)
add(
    "cred",
    "es",
    "paypal-python-comentarios",
    "code",
    """
Este script para cobrar con PayPal me da "invalid_client". ¿Está mal el endpoint de sandbox o las credenciales?

import requests

# credenciales de producción (¡no subir al repo!)
CLIENT_ID = "⟦K:AKrzEfPtLxxPwNXrLqPZUIebBVxpqUGdKyfnO56FlOfMYBC9fRqHlTejSEeoNTkxExuwaVymVlUE4iJ7⟧"
CLIENT_SECRET = "⟦K:EiaSpI5D_Uxbn8MRwWu3-HVbync4yP7lcnuCu2TTyTeNYHnTQYH7fKw3rYzla0Wj_p2BFLHKQx7EyqJz⟧"

def obtener_token():
    r = requests.post(
        "https://api-m.sandbox.paypal.com/v1/oauth2/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
    )
    return r.json()["access_token"]
""",
)
add(
    "cred",
    "fr",
    "codes-acces-appartement-airbnb-perso",
    "prose",
    """
Je prête mon appartement à ma cousine pendant mes vacances. Peux-tu mettre ces infos dans un petit guide clair ?

Digicode de la rue : ⟦S:B4721⟧, puis interphone « ⟦P:Lemaire⟧ ». Code du hall : ⟦S:0358A⟧. La boîte à clés sur le palier a le code ⟦S:2906⟧. Wi-Fi « Freebox-7A21C4 », clé WPA : ⟦S:fragilis-aedificium-credo-marem⟧. Si l'alarme sonne, le code pour la couper est ⟦S:8153⟧ et le mot de passe à donner à la télésurveillance est « ⟦S:coquelicot⟧ ». Mon numéro AVS suisse est sur le contrat d'assurance si besoin : ⟦ID@CH:756.7396.0210.93⟧.
""",
)
add(
    "cred",
    "fr",
    "ovh-conf-api",
    "ini",
    """
Le script de renouvellement des certificats échoue avec « This credential is not valid ». Mon fichier ovh.conf est-il bien formé ?

; configuration de l'API OVHcloud – serveur de prod
[default]
endpoint=ovh-eu

[ovh-eu]
application_key=⟦K:SDV0Fju9Yp9pNWnS⟧
application_secret=⟦K:unZ09ZSgVs4khYeW5rNVXQqmInSLNsti⟧
consumer_key=⟦K:FunMJsbvB0TShqYkRL8IheYIMhcDVnyW⟧
""",
)
add(
    "cred",
    "it",
    "password-router-e-puk",
    "prose",
    """
Mia madre ha 78 anni e mi ha chiesto di scriverle le istruzioni per il telefono e il modem. Puoi renderle semplici, con elenco numerato?

Il PIN della SIM è ⟦S:2718⟧, se lo sbagli tre volte serve il PUK ⟦S:40917362⟧. Lo sblocco del telefono è ⟦S:190346⟧. La password del Wi-Fi (modem TIM in corridoio) è ⟦S:GattoRosso_Vesuvio58⟧. Per entrare nel modem: utente admin, password ⟦S:tim-M0dem-8842⟧. L'app di Poste la apri con il codice ⟦S:731905⟧.
""",
)
add(
    "cred",
    "it",
    "docker-compose-cloudinary-mailchimp",
    "yaml",
    """
Il container "newsletter" si riavvia in loop. Guardando il compose vedi qualcosa di sbagliato?

services:
  newsletter:
    image: ghcr.io/bottega-digitale/newsletter:2.3
    environment:
      # chiavi vere, da spostare nei secrets
      CLOUDINARY_URL: cloudinary://⟦K:133009686797880⟧:⟦K:pWwbgzoQGB0Pm5f_UlHk7G_b8j_⟧@bottega-digitale
      MAILCHIMP_API_KEY: ⟦K:89e968a4b6e5d93c141710b583b1a3b4-us21⟧
      DB_PASSWORD: ⟦S:Cannoli!Amalfi_2025⟧
    restart: always
""",
)
add(
    "cred",
    "nl",
    "vve-mailbox-wachtwoorden",
    "prose",
    """
Ik stop als secretaris van de VvE. Kun je van dit lijstje een nette overdrachtsmail maken voor mijn opvolger?

Het VvE-mailadres ⟦E:vve.lindelaan@kpnmail.example⟧ heeft wachtwoord ⟦S:Lindelaan-14-Dak!⟧. Bankieren bij de Rabobank gaat met de Rabo Scanner; de pincode van de VvE-pas is ⟦S:6630⟧. De sleutelkast in de meterkast heeft code ⟦S:1984⟧. Het wachtwoord van de Google Drive met notulen: ⟦S:notulen_2023_VvE⟧.
""",
)
add(
    "cred",
    "nl",
    "spraak-transcriptie-python",
    "code",
    """
Dit script moet Nederlandse voicemails transcriberen en terug laten voorlezen, maar Deepgram geeft 401. Zie jij het?

# transcriptie van voicemails – sleutels tijdelijk hier
DEEPGRAM_KEY = "⟦K:cb603cf58e9c57eea68992e8c449e3e5e0079f42⟧"
ELEVEN_KEY = "⟦K:sk_5c7d867cd008ecaa40d712c1ad19d1539c86cdc590776766⟧"

def transcribe(path):
    with open(path, "rb") as f:
        r = requests.post(
            "https://api.deepgram.com/v1/listen?language=nl&model=nova-2",
            headers={"Authorization": "Token " + DEEPGRAM_KEY, "Content-Type": "audio/wav"},
            data=f,
        )
    return r.json()["results"]["channels"][0]["alternatives"][0]["transcript"]
""",
)
add(
    "cred",
    "pl",
    "haslo-bankowosc-blik-wiadomosc",
    "prose",
    """
Napisz to ładniej jako wiadomość do brata, który przez tydzień będzie opłacał moje rachunki.

Login do banku: ⟦U:74028361⟧, hasło ⟦S:Wisla$Krakow_1906⟧. Kod do aplikacji mobilnej ⟦S:50817⟧. Jak będzie trzeba zapłacić BLIK-iem, zadzwoń, podam kod. PIN do karty ⟦S:3398⟧. Profil Zaufany masz na swoim koncie, nie na moim. Aha, i hasło do e-Urzędu Skarbowego to ⟦S:PIT37-Pomidorowa!⟧.
""",
)
add(
    "cred",
    "pl",
    "git-remote-deploy-token",
    "command",
    """
Dlaczego `git pull` na serwerze nagle pyta o hasło? Tak ustawiłem remote:

$ git remote -v
origin  https://gitlab+deploy-token-41:⟦K:gldt-1a9EttzzLPyVcp2dgnBr⟧@gitlab.firma.example/sklep/backend.git (fetch)
origin  https://gitlab+deploy-token-41:⟦K:gldt-1a9EttzzLPyVcp2dgnBr⟧@gitlab.firma.example/sklep/backend.git (push)
$ cat ~/.config/pip/pip.conf
[global]
index-url = https://__token__:⟦K:pypi-AgEIcHlwaS5vcmcJcHjzEvuoDlolV7R2asYiKwGnNjtJsTdJ5Zu4GEvxsrp9zvd14X9zH5m-SgcPO2kleMAhNHolPDPEB8_Q14Og2cAt5USyM9SQlqofHgAJyN6Z0T_YnAVdQ878bQ4asZaWpfKDVU0c2eH⟧@pypi.firma.example/simple
""",
)
add(
    "cred",
    "pt",
    "senha-wifi-portao-mensagem",
    "prose",
    """
Vou receber um amigo em casa enquanto viajo. Organiza estas informações numa mensagem de WhatsApp curta?

O código do portão da garagem é ⟦S:4471#⟧ e o do prédio ⟦S:1209⟧. Wi-Fi: rede "NOS-8F2A", senha ⟦S:pasteldenata2019⟧. A Netflix está na TV, mas se pedir a senha é ⟦S:Benfica!Lisboa77⟧. O meu CPF para a portaria (sou brasileira, eles pedem) é ⟦ID@BR:376.998.781-08⟧.
""",
)
add(
    "cred",
    "pt",
    "php-pdo-planetscale-resend",
    "code",
    """
Este PHP dá "SQLSTATE[HY000] [2002] SSL connection is required". Como ativo o SSL no PDO?

<?php
// conexão à base de dados da loja (PlanetScale)
$dsn  = 'mysql:host=aws.connect.psdb.cloud;dbname=loja;charset=utf8mb4';
$user = 'x7k2n9q4w1e8';
$pass = '⟦S:pscale_pw_m439ggmRQFq0JGWfXifwCJZM5RXn7iTxntPIxl4rme2⟧';
$pdo  = new PDO($dsn, $user, $pass);

// envio de e-mails de confirmação
define('RESEND_KEY', '⟦K:re_sKAdWxLX_TP1QYhDFKqUr2rns1fqn4rrB⟧');
""",
)
add(
    "cred",
    "sv",
    "portkod-och-bankid-meddelande",
    "prose",
    """
Kan du skriva om det här till en tydlig lapp till hemtjänstens vikarie? Pappa glömmer koder.

Portkoden är ⟦S:3917⟧, lägenhetsdörren öppnas med nyckeln i nyckelgömman (kod ⟦S:0624⟧). Pappas mobil låser du upp med ⟦S:112358⟧. Han har ingen BankID själv, jag sköter räkningarna. Om Försäkringskassan ringer: hans personnummer är ⟦ID@SE:480309-2131⟧.
""",
)
add(
    "cred",
    "sv",
    "ruby-gem-release-script",
    "code",
    """
Mitt release-skript för vår gem funkar inte i CI. Kan du skriva om det så att nycklarna läses från miljön?

# release.rb – körs manuellt av ⟦P:Johan⟧
ENV["GEM_HOST_API_KEY"] = "⟦K:rubygems_e6350e89ffb806a9b33e972a8c2f81b0964b9bf81785d88c⟧"
FIGMA_TOKEN = "⟦K:figd_JwBrWLnpfIyv2mCdTBCVvjG4ukYiBNAP-CCAH0fU⟧"  # för att hämta ikoner

system("gem build designsystem.gemspec") || abort("build failed")
system("gem push designsystem-#{Designsystem::VERSION}.gem") || abort("push failed")
""",
)
add(
    "cred",
    "da",
    "noeglebox-og-wifi-besked",
    "prose",
    """
Vi udlejer vores sommerhus til venner i uge 29. Kan du lave en venlig velkomstbesked med de her oplysninger?

Nøgleboksen ved skuret har kode ⟦S:5831⟧. Wi-Fi hedder "Klitgaarden", koden er ⟦S:Sandklit-Hvide-44⟧. Alarmen slås fra med ⟦S:2709⟧ inden for 30 sekunder. Hvis el-selskabet spørger, står huset på mit CPR-nummer ⟦ID@DK:271088-0929⟧. Varmepumpens app: ⟦E:klitgaarden.hus@privatmail.example⟧ / ⟦S:Varme!Pumpe2022⟧.
""",
)
add(
    "cred",
    "da",
    "android-gradle-properties",
    "ini",
    """
Release-buildet fejler med "Keystore was tampered with, or password was incorrect". Er der noget galt i gradle.properties?

# signering af release – flyt til CI-secrets senere
RELEASE_STORE_FILE=../keys/bageriet-release.jks
RELEASE_STORE_PASSWORD=⟦S:Rugbroed&Smoer_2024⟧
RELEASE_KEY_ALIAS=bageriet
RELEASE_KEY_PASSWORD=⟦S:Wienerbroed!77⟧
org.gradle.jvmargs=-Xmx4g
""",
)
add(
    "cred",
    "no",
    "garasjeport-og-wifi",
    "prose",
    """
Kan du sette opp dette som en ryddig huskeliste til naboen som skal passe huset og mate katten?

Garasjeporten åpnes med koden ⟦S:6042⟧ på tastaturet. Wi-Fi-passordet er ⟦S:Fjellrev_Lofoten88⟧. Dersom alarmen går: kode ⟦S:1357⟧, og kodeordet til vaktselskapet er «⟦S:multebær⟧». Hvis dyrlegen trenger det, står katten registrert på mitt fødselsnummer ⟦ID@NO:14069023941⟧.
""",
)
add(
    "cred",
    "fi",
    "e-residency-pin-koodit",
    "prose",
    """
Käännä tämä viesti englanniksi kirjanpitäjälleni Tallinnaan, ja muotoile se kohteliaasti.

Hei ⟦P:Kaarel⟧! Virolaisen e-residency-korttini PIN1 on ⟦S:4417⟧ ja PIN2 ⟦S:60295⟧, isikukood ⟦ID@EE:48806067095⟧. Tarvitset niitä vain ALV-ilmoituksen allekirjoitukseen, älä tallenna niitä mihinkään. LHV:n verkkopankkiin pääset Smart-ID:llä, mutta varakoodi on ⟦S:Kilu-Tallinn-2020⟧.
""",
)
add(
    "cred",
    "fi",
    "node-env-contentful-square",
    "env",
    """
Verkkokaupan build kaatuu: "Contentful: The access token you sent could not be found". Onko tässä .env-tiedostossa jotain pielessä?

# tuotanto – älä jaa
CONTENTFUL_SPACE_ID=k3x8vq2n1m7p
CONTENTFUL_MANAGEMENT_TOKEN=⟦K:CFPAT-G1jkXrhmRPS8k-AHz1hBCExEXIwV0ic3UyEz5CI0pJg⟧
SQUARE_ACCESS_TOKEN=⟦K:EAAAS3VUTFC3gkd_0D46L323AcPVaruhCW7aVcReDbmTqdwiJnQuq9xz5Iz28AzM⟧
ADMIN_PASSWORD=⟦S:Sauna&Salmiakki-91⟧
""",
)
add(
    "cred",
    "cs",
    "pin-sim-a-heslo-email",
    "prose",
    """
Můžeš z toho udělat přehledný seznam pro babičku? Velké písmo, krátké věty.

PIN k SIM kartě: ⟦S:6284⟧. Když se zablokuje, PUK je ⟦S:71930248⟧. Heslo k e-mailu na Seznamu: ⟦S:Kaprik_Vanoce1951⟧. Heslo do internetového bankovnictví ti nepíšu, to zadávám já. Přihlášení k datové schránce: uživatel ⟦U:hq7m2xp⟧, heslo ⟦S:Babicka-Ds!2024⟧.
""",
)
add(
    "cred",
    "cs",
    "python-snyk-postmark",
    "code",
    """
Tenhle skript má každé ráno poslat report zranitelností e-mailem, ale Postmark vrací 422. Najdeš chybu?

# noční report – tokeny zatím natvrdo, pak přesunout do trezoru
SNYK_TOKEN = "⟦K:28218eb7-58bb-00db-ba81-ddda0bc6e256⟧"
POSTMARK_TOKEN = "⟦K:6c6709cd-f7ed-2c74-4120-b418636419f8⟧"
# klíč pro podpis reportu (Ed25519)
PODPISOVY_KLIC = '''⟦PK:-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIBc32akryTRB352RWBIXHjIDoGOhblUDDo3SQ/ynzBNq
-----END PRIVATE KEY-----⟧'''

def posli_report(html):
    requests.post(
        "https://api.postmarkapp.com/email",
        headers={"X-Postmark-Server-Token": POSTMARK_TOKEN},
        json={"From": "", "To": "", "Subject": "Snyk report", "HtmlBody": html},
    )
""",
)
add(
    "cred",
    "hu",
    "berszamfejto-jelszo-atadas",
    "prose",
    """
Szabadságra megyek két hétre. Írd meg ezt hivatalosabban a helyettesemnek, pontokba szedve.

A bérszámfejtő programba a felhasználónevem ⟦U:nagyedit.ber⟧, a jelszó ⟦S:Bejgli-Dio_2023⟧. A NAV online számla technikai felhasználó jelszava ⟦S:TechUser#4419x⟧, a cserekulcs ⟦S:58fe2c1d9a7b3e06⟧. A széf kódja a könyvelésen ⟦S:8-3-6-1⟧. Ha kell az irodai Wi-Fi: ⟦S:Tokaji_Aszu_6puttonyos⟧.
""",
)
add(
    "cred",
    "hu",
    "gitlab-ci-pulumi",
    "yaml",
    """
A pipeline "pulumi: error: PULUMI_ACCESS_TOKEN must be set" hibával áll le, pedig beírtam. Mi a gond a .gitlab-ci.yml-lel?

stages: [deploy]

variables:
  # ideiglenesen itt, később CI/CD változóba
  PULUMI_ACCESS_TOKEN: "⟦K:pul-b6c0a144568687b10c79cf2fff751f26f78dcee6⟧"
  BUILDKITE_AGENT_TOKEN: "⟦K:bkua_511355bb4a8284602be68ecbc2584e7981468994⟧"

deploy:
  stage: deploy
  image: pulumi/pulumi-nodejs:3.140.0
  script:
    - pulumi stack select prod
    - pulumi up --yes
""",
)
add(
    "cred",
    "ro",
    "parola-wifi-pin-card-mesaj",
    "prose",
    """
Poți să aranjezi asta într-un mesaj clar pentru sora mea, care stă la mine cât sunt în spital?

Parola de la Wi-Fi (Digi) e ⟦S:Sarmale&Mamaliga88⟧. Codul de la interfonul blocului: ⟦S:27K5⟧. Dacă trebuie să plătești întreținerea, cardul meu are PIN-ul ⟦S:4096⟧. Contul de pe ghiseul.ro: utilizator ⟦U:cristina.olteanu84⟧, parola ⟦S:Ghiseu_Taxe-2024⟧.
""",
)
add(
    "cred",
    "tr",
    "ev-alarm-modem-sifresi",
    "prose",
    """
Tatilde evime bakacak arkadaşım için bu notları düzgün bir mesaja çevirir misin?

Apartman kapı şifresi ⟦S:2580⟧. Alarm paneli kodu ⟦S:9143⟧, yanlış girersen güvenlik şirketi arar, parola "⟦S:lale⟧". Modem (Türk Telekom) Wi-Fi şifresi ⟦S:Kadikoy_Moda_1907⟧. Kargo gelirse kimliğimi isteyebilirler, T.C. kimlik numaram ⟦ID@TR:84366885570⟧.
""",
)
# ---------------------------------------------------------------------------
# group benign
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "requests-retry-placeholder-key",
    "code",
    """
How do I add exponential backoff to this? The docs example uses a placeholder key, I'll swap in mine later.

import requests
from urllib3.util.retry import Retry
from requests.adapters import HTTPAdapter

API_KEY = "YOUR_API_KEY"  # get one at https://home.openweathermap.org/api_keys
session = requests.Session()
session.mount("https://", HTTPAdapter(max_retries=Retry(total=5, backoff_factor=0.5, status_forcelist=[429, 500, 502, 503])))
r = session.get("https://api.openweathermap.org/data/2.5/weather", params={"q": "London,uk", "appid": API_KEY})
print(r.status_code, r.json()["main"]["temp"])
""",
)
add(
    "benign",
    "en",
    "stripe-test-cards-question",
    "prose",
    """
For our checkout QA plan: Stripe's docs list 4242 4242 4242 4242 (Visa, succeeds), 4000 0025 0000 3155 (requires 3D Secure), 4000 0000 0000 9995 (insufficient funds) and 5555 5555 5555 4444 (Mastercard). Any expiry in the future and any CVC like 123 work. Which other decline codes should our test matrix cover, and how do I trigger a dispute in test mode?
""",
)
add(
    "benign",
    "en",
    "lincoln-gettysburg-history",
    "prose",
    """
My daughter has a history project on Abraham Lincoln. He was born on February 12, 1809, in a log cabin near Hodgenville, Kentucky, and gave the Gettysburg Address on November 19, 1863. Can you give her five surprising facts about him, suitable for a 10-year-old, and explain who Mary Todd Lincoln and Edwin Stanton were?
""",
)
add(
    "benign",
    "en",
    "harry-potter-privet-drive",
    "prose",
    """
Settle an argument: in the books, is number 4 Privet Drive in Little Whinging, Surrey, and did Harry's letters arrive addressed to "Mr H. Potter, The Cupboard under the Stairs"? Also, what's Dudley Dursley's birthday supposed to be — June 23?
""",
)
add(
    "benign",
    "en",
    "dc-itinerary-landmarks",
    "markdown-table",
    """
Can you re-order this Washington DC day so we walk less?

| Time | Place | Address |
|---|---|---|
| 09:00 | White House visitor center | 1450 Pennsylvania Ave NW, Washington, DC 20230 |
| 10:30 | National Archives | 701 Constitution Ave NW, Washington, DC 20408 |
| 12:30 | Ford's Theatre | 511 10th St NW, Washington, DC 20004 |
| 15:00 | Library of Congress | 101 Independence Ave SE, Washington, DC 20540 |
Phone for group tours at the Archives is on their website, (202) 357-5000 I think?
""",
)
add(
    "benign",
    "en",
    "premier-league-results",
    "prose",
    """
Write a short match report in the style of a local newspaper: Arsenal 3–1 Tottenham at the Emirates, attendance 60,283. Goals: Saka 12', Ødegaard 38', Son 61' (pen), Havertz 88'. Yellow cards for Romero and Rice. Arsenal move to 67 points from 29 games, two behind Liverpool.
""",
)
add(
    "benign",
    "en",
    "physics-constants-units",
    "prose",
    """
Check my numbers for a lab handout: c = 299 792 458 m/s (exact), h = 6.626 070 15 × 10⁻³⁴ J·s, e = 1.602 176 634 × 10⁻¹⁹ C, N_A = 6.022 140 76 × 10²³ mol⁻¹, k_B = 1.380 649 × 10⁻²³ J/K. Are these all exact since the 2019 SI redefinition, and what's G to 5 significant figures?
""",
)
add(
    "benign",
    "en",
    "resolv-conf-public-dns",
    "code",
    """
After switching to these resolvers, `dig` is slow for internal names. What's the right order and should I add a search domain?

# /etc/resolv.conf
nameserver 1.1.1.1
nameserver 8.8.8.8
nameserver 9.9.9.9
options timeout:2 attempts:3
# internal DNS is 10.0.0.2, VPN gateway 172.16.4.1, router 192.168.0.1
""",
)
add(
    "benign",
    "en",
    "citation-doi-isbn",
    "prose",
    """
Format these two references in APA 7th: Kahneman, D. (2011). Thinking, Fast and Slow. Farrar, Straus and Giroux. ISBN 978-0-374-27563-1. And: Vaswani, A. et al. (2017). Attention Is All You Need. NeurIPS 30, doi:10.48550/arXiv.1706.03762. Do I include the ISBN in APA at all?
""",
)
add(
    "benign",
    "en",
    "log4j-upgrade-cve",
    "prose",
    """
Our scanner flags log4j-core 2.14.1 (CVE-2021-44228, CVSS 10.0) and CVE-2021-45046 in the build of release 4.12.0-rc.3. Is upgrading to 2.17.1 enough, or do I need 2.23.1? Also explain the JndiLookup class removal workaround for a service we can't rebuild before 2025-01-31 18:00 UTC.
""",
)
add(
    "benign",
    "en",
    "diabetes-types-general",
    "prose",
    """
I'm a nursing student. In general terms, what's the difference between type 1 and type 2 diabetes, why is metformin first-line for type 2, when is insulin glargine used, and what HbA1c target do guidelines typically recommend for adults? No specific patient, just for my exam.
""",
)
add(
    "benign",
    "en",
    "sourdough-schedule",
    "prose",
    """
Plan my sourdough bake: 500 g bread flour, 375 g water (75%), 100 g active starter, 10 g salt. Kitchen is 21 °C. I want to bake Saturday at 10:00 in a Dutch oven at 250 °C. When should I feed the starter, mix, do stretch-and-folds and shape?
""",
)
add(
    "benign",
    "en",
    "nda-template-placeholders",
    "prose",
    """
Tighten this mutual NDA template; keep the placeholders exactly as they are:

This Mutual Non-Disclosure Agreement is made on [DATE] between [PARTY A NAME], of [PARTY A ADDRESS] ("Party A"), and [PARTY B NAME], of [PARTY B ADDRESS] ("Party B"). Each party may disclose Confidential Information, including trade secrets, customer lists, passwords and technical data, to the other. Notices shall be sent to [EMAIL ADDRESS] or by post. Signed: ______________ Title: ______________
""",
)
add(
    "benign",
    "en",
    "input-masks-regex",
    "prose",
    """
I'm building a form library. Give me regexes and input masks for: US phone "(999) 999-9999", SSN "999-99-9999" displayed as "XXX-XX-1234", US ZIP "99999-9999", credit card "9999 9999 9999 9999" with Luhn check, and dates "MM/DD/YYYY". Explain why masking the SSN on display isn't enough.
""",
)
add(
    "benign",
    "en",
    "sql-schema-pii-columns",
    "sql",
    """
Is this schema normalised enough, and which columns should be encrypted at rest?

CREATE TABLE patients (
  id BIGSERIAL PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  date_of_birth DATE,
  ssn CHAR(11),
  diagnosis_code VARCHAR(10),
  phone TEXT,
  email TEXT UNIQUE,
  password_hash TEXT NOT NULL,
  created_at TIMESTAMPTZ DEFAULT now()
);
CREATE INDEX ON patients (last_name, date_of_birth);
""",
)
add(
    "benign",
    "en",
    "git-rebase-tags",
    "command",
    """
I messed up a rebase. What's the safest way back?

$ git log --oneline -3
9f2c4e1 (HEAD -> feature/checkout) fix: round VAT to 2 decimals
3a7d0b8 feat: add PayPal button
e41b9c2 (tag: v3.2.1, origin/main) chore(release): 3.2.1
$ git reflog | head -2
9f2c4e1 HEAD@{0}: rebase (finish): returning to refs/heads/feature/checkout
c08f5a3 HEAD@{1}: commit: wip
""",
)
add(
    "benign",
    "en",
    "compose-readme-changeme",
    "yaml",
    """
Our README says "change the default password before deploying". Is using an env file enough for this compose setup?

services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-changeme}
  pgadmin:
    image: dpage/pgadmin4
    environment:
      PGADMIN_DEFAULT_EMAIL: admin@example.com
      PGADMIN_DEFAULT_PASSWORD: <password>
""",
)
add(
    "benign",
    "en",
    "jwt-io-example-token",
    "prose",
    """
Explain the three parts of this JWT from the jwt.io homepage: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c — why does the payload say "John Doe", and is "your-256-bit-secret" really the key they used?
""",
)
add(
    "benign",
    "en",
    "aws-docs-example-keys",
    "ini",
    """
The AWS CLI docs show this ~/.aws/credentials. Why do they use two profiles, and how do I switch between them with AWS_PROFILE?

[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[user1]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
""",
)
add(
    "benign",
    "en",
    "support-macro-order-numbers",
    "prose",
    """
Write a polite support macro template for late deliveries. It should include placeholders like {{customer_first_name}}, {{order_number}} (looks like 114-3941689-8772232), {{tracking_number}} (e.g. 1Z999AA10123456784), and say we'll refund shipping if it doesn't arrive by {{promised_date}}.
""",
)
add(
    "benign",
    "en",
    "k8s-secretkeyref",
    "yaml",
    """
Is it fine to reference the secret like this, or should I mount it as a file?

apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.0
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: password
            - name: STRIPE_API_KEY
              valueFrom:
                secretKeyRef: {name: stripe, key: api_key}
""",
)
add(
    "benign",
    "en",
    "taylor-swift-tour-venues",
    "prose",
    """
What was Wembley Stadium's (London HA9 0WS) capacity for Taylor Swift's Eras Tour nights?
""",
)
add(
    "benign",
    "en",
    "pi-digits-mersenne",
    "prose",
    """
For a maths club poster: π ≈ 3.14159265358979323846, e ≈ 2.71828182845904523536, the Mersenne prime 2^61 − 1 = 2305843009213693951, and 6174 is Kaprekar's constant. Give me one fun sentence about each and check the digits.
""",
)
add(
    "benign",
    "en",
    "romeo-juliet-characters",
    "prose",
    """
Make a character map for Romeo and Juliet for Year 9: Romeo Montague, Juliet Capulet, Mercutio, Tybalt, Friar Laurence, the Nurse, Lord and Lady Capulet, Paris, Benvolio. Juliet is "not yet fourteen" — does the play say her birthday is Lammas Eve, 31 July?
""",
)
add(
    "benign",
    "en",
    "timezone-iso8601",
    "prose",
    """
A meeting is set for 2025-03-30T09:00:00+01:00 in London. That's the day the UK switches to BST — does 09:00 BST equal 08:00Z? Also convert it to New York (EDT, UTC−4) and Sydney (AEDT, UTC+11) and show the ISO 8601 strings.
""",
)
add(
    "benign",
    "en",
    "email-docs-example-addresses",
    "prose",
    """
Rewrite this paragraph from our API docs to be clearer: "To test delivery, send a message to user@example.com or to the sink address test@example.org. Replies from noreply@example.net are not monitored. Use +1 555 0100 in the phone field; the validator accepts the reserved 555-01XX range."
""",
)
add(
    "benign",
    "de",
    "goethe-haus-frankfurt",
    "prose",
    """
Wir sind nächstes Wochenende in Frankfurt. Lohnt sich das Goethe-Haus am Großen Hirschgraben 23–25? Goethe wurde dort am 28. August 1749 geboren. Und wie komme ich danach am besten zur Paulskirche und zum Römerberg? Bitte mit Öffnungszeiten, soweit du sie kennst.
""",
)
add(
    "benign",
    "de",
    "bundesliga-tabelle",
    "markdown-table",
    """
Schreib mir aus dieser Tabelle einen kurzen Kommentar zum 25. Spieltag:

| Platz | Verein | Sp. | Tore | Pkt. |
|---|---|---|---|---|
| 1 | Bayer 04 Leverkusen | 25 | 63:19 | 64 |
| 2 | FC Bayern München | 25 | 72:27 | 57 |
| 3 | VfB Stuttgart | 25 | 55:29 | 53 |
| 4 | Borussia Dortmund | 25 | 50:32 | 47 |
Ergebnisse: Leverkusen – Wolfsburg 2:0, Freiburg – Bayern 2:2.
""",
)
add(
    "benign",
    "de",
    "getpass-passwort-python",
    "code",
    """
Ist das so sicher genug? Das Passwort soll nirgendwo im Code stehen.

import getpass, hashlib, os

def passwort_abfragen() -> bytes:
    passwort = getpass.getpass("Passwort: ")
    salz = os.urandom(16)
    return salz + hashlib.scrypt(passwort.encode(), salt=salz, n=2**14, r=8, p=1)

# Beispiel aus der Doku: PASSWORT = "geheim123"  (nur für Tests!)
""",
)
add(
    "benign",
    "es",
    "cervantes-quijote",
    "prose",
    """
¿Es verdad que Miguel de Cervantes murió el 22 de abril de 1616 y lo enterraron el 23 en el convento de las Trinitarias Descalzas, en la calle Lope de Vega de Madrid? Y en el Quijote, ¿cómo se llama realmente Dulcinea del Toboso? Creo que Aldonza Lorenzo.
""",
)
add(
    "benign",
    "es",
    "receta-paella-valenciana",
    "prose",
    """
Dame la receta de paella valenciana para 6 personas: 600 g de arroz bomba, 1 pollo, 500 g de conejo, 200 g de garrofó, 250 g de judía ferraura, azafrán, pimentón y romero. ¿Cuánta agua exactamente para una paellera de 50 cm y cuántos minutos a fuego fuerte?
""",
)
add(
    "benign",
    "es",
    "plantilla-contrato-arrendamiento",
    "form",
    """
Revisa esta plantilla de contrato de alquiler de temporada; no rellenes nada:

REUNIDOS
De una parte, D./Dña. ____________________, con DNI n.º ________-_, y domicilio en ____________________ (ARRENDADOR).
De otra parte, D./Dña. ____________________, con NIE/pasaporte n.º __________ (ARRENDATARIO).
Fianza: ______ € (una mensualidad), ingresada en la cuenta ES__ ____ ____ __ __________.
Teléfono de contacto: +34 ___ ___ ___
""",
)
add(
    "benign",
    "fr",
    "maison-victor-hugo",
    "prose",
    """
Je fais visiter Paris à des lycéens. La Maison de Victor Hugo est bien au 6 place des Vosges, 75004 ? Hugo y a vécu de 1832 à 1848. Proposez un parcours à pied de 2 heures dans le Marais qui passe aussi par l'hôtel de Sully et la rue des Rosiers.
""",
)
add(
    "benign",
    "fr",
    "asthme-ventoline-general",
    "prose",
    """
Question générale pour un exposé de SVT : quelle est la différence entre un traitement de fond de l'asthme (corticoïdes inhalés comme le budésonide) et un traitement de crise (salbutamol, la fameuse Ventoline) ? Pourquoi utilise-t-on une chambre d'inhalation chez l'enfant ?
""",
)
add(
    "benign",
    "fr",
    "formulaire-vierge-secu",
    "form",
    """
Traduis ce formulaire vierge en anglais en gardant les cases :

Nom de naissance : ________________  Prénom(s) : ________________
N° de sécurité sociale : _ __ __ __ ___ ___ | __ |
Date de naissance : JJ/MM/AAAA
Adresse : N° ____ Rue ______________________ Code postal _____ Ville ____________
Téléphone : 0_ __ __ __ __   Courriel : ______@______
""",
)
add(
    "benign",
    "it",
    "colosseo-itinerario",
    "prose",
    """
Sarò a Roma un giorno solo. Ha senso fare Colosseo (piazza del Colosseo, 1), Foro Romano e Palatino la mattina, poi pranzo a Monti e Pantheon e Fontana di Trevi il pomeriggio? Quanto costa il biglietto Full Experience e serve prenotare l'orario?
""",
)
add(
    "benign",
    "it",
    "serie-a-derby-della-madonnina",
    "prose",
    """
Scrivi un breve articolo sul derby: Inter–Milan 2-1 a San Siro, 75.817 spettatori. Gol di Lautaro Martínez al 23', pareggio di Pulisic al 54', gol vittoria di Thuram all'89'. Espulso Theo Hernández. L'Inter sale a 71 punti dopo 29 giornate.
""",
)
add(
    "benign",
    "it",
    "config-esempio-changeme",
    "yaml",
    """
Nella documentazione del nostro prodotto c'è questo esempio. Come posso spiegare meglio che i valori vanno cambiati?

# config.example.yaml – copia in config.yaml e modifica
database:
  host: localhost
  port: 5432
  utente: mio_utente
  password: changeme
smtp:
  server: smtp.example.com
  mittente: noreply@example.com
  api_key: <LA_TUA_CHIAVE_API>
""",
)
add(
    "benign",
    "nl",
    "anne-frank-huis",
    "prose",
    """
Hoe laat moet ik online tickets kopen voor het Anne Frank Huis aan de Prinsengracht 263-267? Anne Frank werd geboren op 12 juni 1929 in Frankfurt. Kun je ook iets vertellen over Miep Gies en Otto Frank voor mijn kinderen van 12 en 14?
""",
)
add(
    "benign",
    "nl",
    "iban-formaat-uitleg",
    "prose",
    """
Leg uit hoe de IBAN-controle werkt met het voorbeeld uit de Wikipedia-pagina: NL91 ABNA 0417 1643 00. Welke stappen zet je (letters naar cijfers, modulo 97) en waarom is de uitkomst 1? Een nep-IBAN zoals NL00 BANK 0000 0000 00 faalt dan toch altijd?
""",
)
add(
    "benign",
    "nl",
    "stroopwafel-recept",
    "prose",
    """
Recept voor stroopwafels zonder wafelijzer met ruitjes? Ik heb 500 g bloem, 250 g boter, 150 g basterdsuiker, 7 g gist, 1 ei en voor de stroop 200 g keukenstroop, 100 g boter en kaneel. Hoeveel gram deeg per wafel, en hoe lang in een gewoon wafelijzer op 180 °C?
""",
)
add(
    "benign",
    "pl",
    "chopin-zelazowa-wola",
    "prose",
    """
Planuję wycieczkę do Żelazowej Woli, gdzie urodził się Fryderyk Chopin (1 marca 1810 r., choć w akcie chrztu jest 22 lutego). Jak dojechać z Warszawy Centralnej i czy w niedziele są koncerty w parku? Napisz też krótko o Konkursie Chopinowskim.
""",
)
add(
    "benign",
    "pl",
    "format-pesel-wyjasnienie",
    "prose",
    """
Wyjaśnij budowę numeru PESEL na lekcję informatyki: RRMMDDPPPPK, gdzie dla urodzonych w latach 2000–2099 do miesiąca dodaje się 20, cyfra płci jest parzysta dla kobiet, a K to cyfra kontrolna z wagami 1-3-7-9. Napisz funkcję w Pythonie, która to sprawdza, bez podawania prawdziwego numeru.
""",
)
add(
    "benign",
    "pl",
    "pierogi-ruskie",
    "prose",
    """
Ile farszu potrzebuję na pierogi ruskie z 1 kg mąki? Mam 1,5 kg ziemniaków, 500 g twarogu półtłustego i 3 cebule. Ile minut gotować po wypłynięciu i czy można je zamrozić surowe?
""",
)
add(
    "benign",
    "pt",
    "pele-maracana",
    "prose",
    """
Escreve um parágrafo sobre o milésimo golo de Pelé, marcado de pênalti contra o Vasco no Maracanã a 19 de novembro de 1969. Onde fica o estádio (Av. Presidente Castelo Branco, Rio de Janeiro) e dá para visitar o museu?
""",
)
add(
    "benign",
    "pt",
    "bacalhau-a-bras",
    "prose",
    """
Como se faz bacalhau à Brás para 4? Tenho 400 g de bacalhau demolhado, 500 g de batata palha, 6 ovos, 2 cebolas, azeitonas pretas e salsa. Os ovos devem ficar cremosos — a que temperatura e quanto tempo?
""",
)
add(
    "benign",
    "pt",
    "validacao-nif-codigo",
    "code",
    """
Este validador de NIF português está certo? Testei com 123456789 e deu válido — é um número de exemplo?

def nif_valido(nif: str) -> bool:
    if not nif.isdigit() or len(nif) != 9 or nif[0] not in "125689":
        return False
    soma = sum(int(d) * (9 - i) for i, d in enumerate(nif[:8]))
    controlo = 11 - soma % 11
    return int(nif[8]) == (0 if controlo >= 10 else controlo)
""",
)
add(
    "benign",
    "sv",
    "abba-museum",
    "prose",
    """
Vi ska till ABBA The Museum på Djurgårdsvägen 68 i Stockholm. Måste man boka tid? Och stämmer det att Agnetha Fältskog och Björn Ulvaeus gifte sig i Verum 1971? Föreslå gärna lunch i närheten, kanske på Djurgården.
""",
)
add(
    "benign",
    "sv",
    "kanelbullar-recept",
    "prose",
    """
Skala upp det här receptet på kanelbullar från 30 till 75 bullar: 50 g jäst, 5 dl mjölk, 150 g smör, 1 dl socker, 1 tsk kardemumma, ca 13 dl vetemjöl. Fyllning: 150 g smör, 1 dl socker, 2 msk kanel. Ugn 225 °C i 5–8 minuter.
""",
)
add(
    "benign",
    "da",
    "tivoli-besoeg",
    "prose",
    """
Hvornår åbner Tivoli på Vesterbrogade 3 i julesæsonen, og hvad koster en turpas? Vi er to voksne og et barn på 7. Kan I også foreslå en rute forbi Rådhuspladsen og Strøget til Nyhavn bagefter?
""",
)
add(
    "benign",
    "da",
    "cpr-modulus-11-forklaring",
    "prose",
    """
Forklar modulus 11-kontrollen for CPR-numre og hvorfor den blev opgivet i 2007. Brug formatet DDMMÅÅ-SSSS og vægtene 4-3-2-7-6-5-4-3-2-1, men find ikke på et rigtigt nummer — brug fx 010101-XXXX som eksempel.
""",
)
add(
    "benign",
    "no",
    "munch-museet",
    "prose",
    """
Er MUNCH i Bjørvika (Edvard Munchs plass 1, Oslo) åpent på mandager? Edvard Munch ble født 12. desember 1863 på Ådalsbruk i Løten. Hvilken versjon av «Skrik» er utstilt, og hvor lenge bør vi sette av?
""",
)
add(
    "benign",
    "no",
    "holmenkollen-resultater",
    "prose",
    """
Skriv en kort sak om Holmenkollen-helgen: Johannes Høsflot Klæbo vant 50 km fri på 2:05:41,3, Therese Johaug ble nummer to på damenes 50 km. Rekordpublikum på 35 000 i løypa. Neste renn er i Falun.
""",
)
add(
    "benign",
    "fi",
    "karjalanpiirakat",
    "prose",
    """
Miten teen karjalanpiirakoita 20 kappaletta? Kuoreen 3 dl vettä, 1 tl suolaa, 3 dl ruisjauhoja ja 2 dl vehnäjauhoja; puuroon 2 dl puuroriisiä ja 1 l maitoa. Uuni 300 °C — kuinka monta minuuttia, ja mihin munavoi tehdään?
""",
)
add(
    "benign",
    "fi",
    "raikkonen-ura",
    "prose",
    """
Tee lyhyt tietoisku Kimi Räikkösestä: syntynyt 17. lokakuuta 1979 Espoossa, maailmanmestari 2007 Ferrarilla, 21 GP-voittoa. Mikä oli hänen kuuluisa lausahduksensa Abu Dhabissa 2012?
""",
)
add(
    "benign",
    "fi",
    "hetu-tarkiste-selitys",
    "prose",
    """
Selitä henkilötunnuksen tarkistusmerkin laskenta ohjelmointikurssille: muoto PPKKVV-NNNT, välimerkit + 1800-luvulle, - 1900-luvulle ja A 2000-luvulle, tarkiste on jakojäännös 31:llä merkkijonosta 0123456789ABCDEFHJKLMNPRSTUVWXY. Älä käytä oikeaa tunnusta esimerkkinä.
""",
)
add(
    "benign",
    "cs",
    "karluv-most-prohlidka",
    "prose",
    """
Jak nejlépe projít Prahu za jeden den: Pražský hrad, Karlův most, Staroměstské náměstí s orlojem (vstup do radnice Staroměstské nám. 1/3)? Orloj prý sestrojil mistr Hanuš — nebo Mikuláš z Kadaně? A kde ochutnat svíčkovou?
""",
)
add(
    "benign",
    "cs",
    "dvorak-novy-svet",
    "prose",
    """
Připravuju úvodní slovo ke koncertu. Antonín Dvořák se narodil 8. září 1841 v Nelahozevsi a Symfonii č. 9 „Z Nového světa“ napsal v New Yorku v roce 1893. Napiš 150 slov, srozumitelně pro děti.
""",
)
add(
    "benign",
    "hu",
    "parlament-latogatas",
    "prose",
    """
Hogyan lehet jegyet venni az Országház látogatására (Kossuth Lajos tér 1–3., 1055 Budapest)? Utána szeretnénk elmenni a Nagy Vásárcsarnokba gulyást enni. Mennyi idő a séta, és melyik villamossal érdemes menni?
""",
)
add(
    "benign",
    "hu",
    "puskas-ferenc",
    "prose",
    """
Írj rövid ismertetőt Puskás Ferencről egy iskolai faliújságra: 1927. április 1-jén született Budapesten, 1953-ban a Wembley-ben 6:3-ra győzött az Aranycsapat Anglia ellen, később a Real Madrid legendája lett.
""",
)
add(
    "benign",
    "ro",
    "palatul-parlamentului-vizita",
    "prose",
    """
Vreau să vizitez Palatul Parlamentului din București (Strada Izvor 2–4). Trebuie programare cu buletinul? Cât durează turul și cât costă? Apoi aș merge pe jos prin Centrul Vechi până la Ateneul Român.
""",
)
add(
    "benign",
    "ro",
    "nadia-comaneci-montreal",
    "prose",
    """
Scrie un paragraf despre primul 10 din istoria gimnasticii: Nadia Comăneci, la 14 ani, Montreal, 18 iulie 1976, la paralele inegale. Tabela a afișat 1.00 pentru că nu avea loc pentru patru cifre. Adaugă și un citat cunoscut al lui Béla Károlyi.
""",
)
add(
    "benign",
    "tr",
    "ayasofya-gezi-plani",
    "prose",
    """
İstanbul'da bir gün: Ayasofya (Sultan Ahmet Mahallesi, Ayasofya Meydanı No: 1, Fatih), Sultanahmet Camii ve Yerebatan Sarnıcı. Hangi sırayla gezmeliyim, giriş ücretleri ne kadar, ve öğle yemeği için Sirkeci'de ne önerirsin?
""",
)
add(
    "benign",
    "tr",
    "orhan-pamuk-masumiyet-muzesi",
    "prose",
    """
Orhan Pamuk'un Masumiyet Müzesi romanı ile Çukurcuma'daki gerçek müze arasındaki ilişkiyi anlatır mısın? Romandaki Kemal ve Füsun karakterleri kimden esinlenmiş olabilir? Pamuk 2006'da Nobel aldı.
""",
)
add(
    "benign",
    "tr",
    "tckn-algoritma-odev",
    "code",
    """
Ödevim için T.C. kimlik numarası doğrulama algoritmasını yazdım. Doğru mu? Gerçek numara kullanmadan nasıl test edebilirim?

def tckn_gecerli(n: str) -> bool:
    if len(n) != 11 or not n.isdigit() or n[0] == "0":
        return False
    d = list(map(int, n))
    c10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    return c10 == d[9] and sum(d[:10]) % 10 == d[10]
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


SPLIT_SEED = 20261202
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
        pid = f"i-{n:04d}"
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
    n_pii = sum(p["group"] == "pii" for p in PROMPTS)
    n_cred = sum(p["group"] == "cred" for p in PROMPTS)
    expected = [
        ("pii", 1, n_pii),
        ("cred", n_pii + 1, n_pii + n_cred),
        ("benign", n_pii + n_cred + 1, len(PROMPTS)),
    ]
    for grp, lo, hi in expected:
        got = [int(r["id"][2:]) for r in records if r["group"] == grp]
        if got != list(range(lo, hi + 1)):
            all_problems.append(
                f"group {grp}: ids {got[:1]}..{got[-1:]} ({len(got)}), expected i-{lo:04d}..i-{hi:04d}"
            )
    for w in all_warnings:
        print("WARN", w, file=sys.stderr)
    if all_problems:
        for x in all_problems:
            print("ERROR", x, file=sys.stderr)
        sys.exit(1)
    seed = split_halves(records)
    print(f"split seed {seed}")
    with open(out_dir / "fresh5.jsonl", "w", encoding="utf-8") as fh:
        for r in records:
            row = {k: r[k] for k in ("id", "lang", "domain", "format", "text", "labels", "half")}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if "--stats" in sys.argv:
        print_stats(records)
    print(
        f"wrote {len(records)} prompts, {sum(len(r['labels']) for r in records)} labels "
        f"-> {out_dir / 'fresh5.jsonl'}"
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
