#!/usr/bin/env python3
# ruff: noqa: E741, B023  (hand-written corpus script: `l` is a label throughout; cell() is used inside the loop)
"""Build the 'fresh' privacy-filter evaluation corpus.

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The script strips the markers, records a label for every marker with exact
character offsets into the cleaned text, checks the offsets, validates every
NATIONAL_ID / IBAN_CODE / CREDIT_CARD checksum (python-stdnum), checks that no
labelled value also occurs unlabelled elsewhere in the same prompt, assigns the
dev/test half with a fixed seed, and writes fresh.jsonl next to this file.

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
}

MARK = re.compile(r"⟦([A-Z_]+)(?:@([A-Z]{2}))?:(.*?)⟧", re.S)

PROMPTS = []


def add(group, lang, domain, fmt, text):
    assert group in GROUPS, group
    assert fmt in FORMATS, fmt
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
# Group 1: personal data, English
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "support-email",
    "prose",
    r"""
Can you help me write a reply to this? Polite but firm — our policy is no refunds on opened software bundles, but I'm allowed to offer store credit plus free return shipping next time.

----- forwarded message -----
From: ⟦P:Travis Brown⟧ <⟦E:travis.brown81@hotmail.com⟧>
Subject: Order #A-558213 – STILL no refund???

Hi,
I sent the drawing tablet back on the 3rd and your portal still says "processing". This is the third time I'm writing. I want the $249.99 back on my card, not a voucher. If nobody calls me at ⟦T:(419) 858-5720⟧ by Friday I'm disputing the charge with my bank.
The shipping address on the order was ⟦A:68 Keller Trace Apt 637, Guerneville, CA 95446⟧ in case you need it for the label.

⟦P:Travis⟧

----- earlier in the thread -----
From: Tallyhq Customer Care
Hi ⟦P:Travis⟧, thanks for your patience. I've escalated this to our returns team; the tablet was scanned at our Reno warehouse on the 6th and inspection usually takes 3–5 business days. As the bundle's software licence was activated, the refund may be partial — I'll confirm once inspection is done. — ⟦P:Laura⟧, Customer Care

From: ⟦P:Travis Brown⟧ <⟦E:travis.brown81@hotmail.com⟧>
Hi, I printed the label you sent and dropped the box at the UPS store on the 3rd. The licence code was never used on another machine, I only activated it to test. Can you confirm you have it? My account email is this one and the order number is A-558213.
""",
)

add(
    "pii",
    "en",
    "crm-export",
    "csv",
    r"""
I exported our leads from HubSpot and there are duplicates. Dedupe by email (case-insensitive), keep the row with the most recent last_touch, and give me the CSV back in the same column order.

first_name,last_name,email,phone,company,last_touch
⟦P:Samantha⟧,⟦P:Moore⟧,⟦E:sam.moore@brightlane.io⟧,⟦T:+1 605 318 3159⟧,Brightlane,2024-03-02
⟦P:Nicholas⟧,⟦P:Ryan⟧,⟦E:nick.ryan@coastfreight.com⟧,⟦T:+1 512 940 2287⟧,Coast Freight,2024-02-17
⟦P:Samantha⟧,⟦P:Moore⟧,⟦E:Sam.Moore@BrightLane.io⟧,⟦T:+1 605 318 3159⟧,Brightlane Inc,2024-04-11
⟦P:Anthony⟧,⟦P:Johnston⟧,⟦E:ajohnston@wolfpeakdental.com⟧,⟦T:+1 785 903 7191⟧,Wolf Peak Dental,2023-12-08
⟦P:Nicholas⟧,⟦P:Ryan⟧,⟦E:NICK.RYAN@COASTFREIGHT.COM⟧,,Coast Freight LLC,2024-01-30
""",
)

add(
    "pii",
    "en",
    "newsletter-export",
    "csv",
    r"""
convert this to a JSON array of objects with keys name, email, signup_date, country. no header in the file, sorry

⟦P:Jennifer Smith⟧,⟦E:jen.smith.1948@btinternet.com⟧,2024-05-01,GB
⟦P:Lewis Willis⟧,⟦E:lewis.willis@outlook.com⟧,2024-05-01,GB
⟦P:Hema Luthra⟧,⟦E:hema.luthra@yahoo.co.in⟧,2024-05-03,IN
⟦P:Eunan Diggins⟧,⟦E:eunandiggins@eircom.net⟧,2024-05-04,IE
⟦P:Alexis Daigle⟧,⟦E:alexis.daigle@videotron.ca⟧,2024-05-06,CA
""",
)

add(
    "pii",
    "en",
    "patient-export",
    "json",
    r"""
I'm the night nurse on ward 4B. Turn this EHR export into a short SBAR handover I can read out in under a minute. Don't invent anything that isn't in the data.

{
  "patient": {
    "name": "⟦P:Margaret Ellison⟧",
    "dob": "⟦DOB:1941-09-22⟧",
    "mrn": "⟦MRN:MRN-00482213⟧",
    "admitted": "2024-06-09T21:14:00Z",
    "bed": "4B-12"
  },
  "problems": ["⟦MC:community-acquired pneumonia⟧", "⟦MC:type 2 diabetes⟧", "⟦MC:atrial fibrillation⟧"],
  "medications": [
    {"drug": "⟦MED:amoxicillin⟧", "dose": "1 g", "route": "PO", "freq": "TDS"},
    {"drug": "⟦MED:apixaban⟧", "dose": "5 mg", "route": "PO", "freq": "BD"},
    {"drug": "⟦MED:metformin⟧", "dose": "500 mg", "route": "PO", "freq": "BD", "held": true}
  ],
  "obs_latest": {"spo2": 93, "o2": "2L NC", "rr": 22, "hr": 104, "bp": "118/71", "temp": 38.1},
  "nok": {"name": "⟦P:Paul Ellison⟧", "relation": "son", "phone": "⟦T:07834 215 906⟧"}
}
""",
)

add(
    "pii",
    "en",
    "code-fixtures",
    "code",
    r"""
My pytest fixture started failing after we added a unique constraint on phone. What's the cleanest way to make each fixture user unique without hardcoding more rows?

```python
import pytest
from accounts.models import Customer

@pytest.fixture
def customers(db):
    rows = [
        dict(full_name="⟦P:Priya Raman⟧", email="⟦E:priya.raman@fastmail.com⟧",
             phone="⟦T:+1 415 692 0417⟧", dob="⟦DOB:1990-02-14⟧"),
        dict(full_name="⟦P:Oliver Benn⟧", email="⟦E:oliver.benn@gmail.com⟧",
             phone="⟦T:+1 415 692 0417⟧", dob="⟦DOB:1993-05-30⟧"),
        dict(full_name="⟦P:Warda Agate⟧", email="⟦E:warda.agate@proton.me⟧",
             phone="⟦T:+1 628 555 9031⟧", dob="⟦DOB:1949-06-01⟧"),
    ]
    return [Customer.objects.create(**r) for r in rows]
```

Error: `django.db.utils.IntegrityError: UNIQUE constraint failed: accounts_customer.phone`
""",
)

add(
    "pii",
    "en",
    "property-management",
    "markdown-table",
    r"""
Here's my rent tracker for the three flats. Can you draft a friendly reminder text for whoever is more than 5 days late as of today (12 June)? Keep it short, UK English.

| Flat | Tenant | Mobile | Email | Rent | Due | Paid on | Pays from |
|---|---|---|---|---|---|---|---|
| 1A | ⟦P:Patrick Manning⟧ | ⟦T:07912 448 301⟧ | ⟦E:p.manning77@gmail.com⟧ | £950 | 1st | 1 June | ⟦IBAN:GB80 LOYD 4524 2655 7069 84⟧ |
| 1B | ⟦P:Alexandra Edwards⟧ | ⟦T:07700 184 552⟧ | ⟦E:alex.edwards@hotmail.co.uk⟧ | £875 | 1st | — | ⟦IBAN:GB36 LOYD 5748 4665 2717 81⟧ |
| 2 | ⟦P:Alexander Collins⟧ | ⟦T:07458 930 117⟧ | ⟦E:alcollins65@yahoo.co.uk⟧ | £1,120 | 5th | — | standing order |
""",
)

add(
    "pii",
    "en",
    "kyc-form",
    "form",
    r"""
We're onboarding a new private-banking client. Check this form against our EDD checklist (proof of address < 3 months, source of wealth, PEP status, second ID) and tell me what's missing.

Full name: ⟦P:Nathaniel Osei-Bonsu⟧
Date of birth: ⟦DOB:04/11/1979⟧
Nationality: British / Ghanaian
Passport number: ⟦PASS:548213907⟧ (UK, expires 2031)
Driving licence: ⟦DL:OSEIB711049NB9KL⟧
Residential address: ⟦A:Flat 9, 14 Lansdowne Crescent, London W11 2NH⟧
Mobile: ⟦T:+44 7723 905 164⟧
Email: ⟦E:n.oseibonsu@icloud.com⟧
Occupation: Partner, architecture practice
Source of wealth: sale of business (2021)
PEP: No
Proof of address: council tax bill dated 02/01/2024
""",
)

add(
    "pii",
    "en",
    "database-seed",
    "sql",
    r"""
This seed script throws `ERROR: syntax error at or near "("` on line 3 in Postgres 15. What's wrong?

INSERT INTO customers (id, full_name, email, phone, city, created_at) VALUES
  (101, '⟦P:Nicholas Ryan⟧', '⟦E:nryan87@gmail.com⟧', '⟦T:+1 512 940 2287⟧', 'Austin', now()),
  (102, '⟦P:Samantha O'Neill⟧', '⟦E:sam.oneill@gmail.com⟧', '⟦T:+1 617 822 4410⟧', 'Boston', now())
  (103, '⟦P:Kwame Mensah⟧', '⟦E:kwame.mensah@outlook.com⟧', '⟦T:+1 404 771 3398⟧', 'Atlanta', now());
""",
)

add(
    "pii",
    "en",
    "api-debugging",
    "http",
    r"""
Why does our signup endpoint return 422 for this request? It worked yesterday. Raw request from the proxy logs:

POST /api/v2/signup HTTP/1.1
Host: app.tallyhq.com
Content-Type: application/json
X-Forwarded-For: ⟦IP:84.213.112.92⟧
User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15
Content-Length: 187

{"name":"⟦P:Linnea Dahl⟧","email":"⟦E:linnea.dahl@gmail.com⟧","phone":"⟦T:+47 918 44 210⟧","password":"⟦S:Fjord#Sommer2024⟧","birthdate":"⟦DOB:1995-07-31⟧","country":"no","marketing_opt_in":"yes"}
""",
)

add(
    "pii",
    "en",
    "auth-logs",
    "kv-log",
    r"""
Users are getting locked out after one failed attempt instead of five. Here are the auth-service logs for one of them — can you see what's going on?

2024-06-11T08:02:11.412Z level=info  svc=auth event=login_attempt user=⟦U:mgrayson⟧ email=⟦E:megan.grayson@northwind-legal.com⟧ ip=⟦IP:153.222.51.68⟧ result=fail reason=bad_password attempt=1
2024-06-11T08:02:11.415Z level=warn  svc=auth event=lockout_check user=⟦U:mgrayson⟧ failures_window=1 threshold=5 window_s=900
2024-06-11T08:02:11.416Z level=warn  svc=auth event=account_locked user=⟦U:mgrayson⟧ until=2024-06-11T08:17:11Z
2024-06-11T08:02:40.090Z level=info  svc=auth event=login_attempt user=⟦U:mgrayson⟧ ip=⟦IP:153.222.51.68⟧ result=locked
2024-06-11T08:03:05.771Z level=info  svc=auth event=password_reset_requested email=⟦E:megan.grayson@northwind-legal.com⟧ ip=⟦IP:153.222.51.68⟧
""",
)

add(
    "pii",
    "en",
    "hr-note",
    "prose",
    r"""
Please tidy this into a neutral, factual file note for the HR system. Remove anything that sounds like opinion.

Spoke with ⟦P:Darren Whitfield⟧ (warehouse team lead) today re: ⟦P:Kelly-Ann Brooks⟧'s absences. ⟦P:Kelly-Ann⟧ has had 9 days off since March, she told me it's ⟦MC:endometriosis⟧ and she's on a waiting list for surgery, currently taking ⟦MED:mefenamic acid⟧ which makes her drowsy so she can't drive the forklift on those days. ⟦P:Darren⟧ thinks she's "taking the mick" which frankly isn't helpful. Agreed: refer to occupational health, temporary move to the returns desk, review in 6 weeks. Her mobile for OH is ⟦T:07981 336 724⟧.
""",
)

add(
    "pii",
    "en",
    "chat-log",
    "prose",
    r"""
My landlord is now saying he never agreed to fix the boiler. Based on this WhatsApp export, did he agree or not? Just tell me what the messages actually say.

[03/01/2024, 19:12] ⟦P:Graham Pryce⟧: Hi ⟦P:Sophie⟧, got your message about the boiler. I'll get my guy ⟦P:Steve⟧ round this week, his number is ⟦T:07866 120 443⟧ if you want to arrange directly
[03/01/2024, 19:15] ⟦P:Sophie Tran⟧: Thanks ⟦P:Graham⟧. It's been off since Sunday and my daughter has ⟦MC:asthma⟧ so the cold isn't great
[03/01/2024, 19:31] ⟦P:Graham Pryce⟧: Understood. It's my responsibility, I'll cover it. Address for him is ⟦A:27 Hollins Road, Sheffield S6 3QT⟧ yes?
[03/01/2024, 19:32] ⟦P:Sophie Tran⟧: Yes that's right
[10/01/2024, 08:05] ⟦P:Sophie Tran⟧: Hi, ⟦P:Steve⟧ hasn't been in touch, any update?
""",
)

add(
    "pii",
    "en",
    "invoice",
    "form",
    r"""
Rewrite the payment note at the bottom of my invoice so it sounds less passive-aggressive. This is the third time they've paid late.

INVOICE  #2024-017
From: ⟦P:Chloe Abernethy⟧ — Illustration & Design
⟦A:3/41 Harbour Street, Fremantle WA 6160⟧
⟦E:hello.chloeabernethy@gmail.com⟧ · ⟦T:0412 558 903⟧

Bill to: Saltbush Coffee Roasters, Accounts Payable

Item: Packaging illustrations (4 SKUs) .......... $3,200.00
GST ........................................... $320.00
Total ......................................... $3,520.00

Pay to: ⟦P:C Abernethy⟧ · BSB 066-128 · Account ⟦ACC:1048 2276⟧
NOTE: As I have now said TWICE, payment is due within 14 days, not "whenever".
""",
)

add(
    "pii",
    "en",
    "insurance-letter",
    "prose",
    r"""
I need to appeal this. Can you write a formal letter to the insurer disputing the denial? Key point: my condition was diagnosed AFTER the policy started, the dates are below.

Policyholder: ⟦P:Rebecca Lindqvist⟧
Policy number: ⟦ACC:HLT-7734-220918⟧
Member ID: ⟦ACC:W88310452⟧
Date of birth: ⟦DOB:March 3, 1986⟧
Policy start: January 1, 2023
Diagnosis: ⟦MC:Crohn's disease⟧, diagnosed by colonoscopy on April 18, 2023 (Dr. ⟦P:Anjali Mehta⟧'s practice)
Denied claim: infusion therapy with ⟦MED:infliximab⟧, claim #CLM-2024-118845, denied as "pre-existing condition".
My address: ⟦A:1187 Maple Ridge Dr, Columbus, OH 43220⟧
""",
)

add(
    "pii",
    "en",
    "meeting-notes",
    "prose",
    r"""
turn my scrappy notes into a proper recap email to the team, with action items + owners

- kickoff w/ Halvorsen Logistics, their side: ⟦P:Ingrid Solberg⟧ (ops director) + ⟦P:Tom Hewitt⟧ (IT)
- ⟦P:Ingrid⟧ wants pilot live in 2 depots by Sept, Oslo + Bergen
- ⟦P:Tom⟧ to send SFTP details, his direct line ⟦T:+47 22 84 19 73⟧, email ⟦E:tom.hewitt@halvorsen-logistics.no⟧
- our side ⟦P:Marcus⟧ owns integration, ⟦P:Aisha⟧ owns training plan
- pricing: they pushed on per-device fee, I said we'd come back by Fri
- next call Tue 10:00 CET
""",
)

add(
    "pii",
    "en",
    "cv",
    "prose",
    r"""
Please improve my CV summary and bullet points — I'm applying for senior data analyst roles. Make it punchier but don't make anything up.

⟦P:Priya Raman⟧
⟦A:22 Elmwood Avenue, Leeds LS6 2HP⟧ · ⟦T:07541 902 338⟧ · ⟦E:priya.raman.data@gmail.com⟧ · github.com/⟦U:praman-ds⟧

SUMMARY
Data analyst with 6 years of experience in retail and NHS settings. I like SQL and Python and making dashboards that people actually use.

EXPERIENCE
Data Analyst, Harewood Retail Group (2021–present)
- made the weekly sales dashboard in Power BI
- helped with the migration from SSIS to dbt
- trained 4 junior analysts
Information Analyst, Leeds Teaching Hospitals NHS Trust (2018–2021)
- did A&E waiting time reports
""",
)

add(
    "pii",
    "en",
    "code-fixtures",
    "code",
    r"""
Our Prisma seed script runs twice in CI and the second run fails. How do I make it idempotent (upsert on email)?

```ts
// prisma/seed.ts
import { PrismaClient } from "@prisma/client";
const prisma = new PrismaClient();

async function main() {
  await prisma.user.create({
    data: {
      name: "⟦P:Jemma Cassidy⟧",
      email: "⟦E:jemma.cassidy@gmail.com⟧",
      phone: "⟦T:+353 87 214 9930⟧",
      address: { create: { line1: "⟦A:36 Sheehan Street⟧", city: "⟦A:Cork⟧", eircode: "⟦A:T12 X7P4⟧" } },
    },
  });
  await prisma.user.create({
    data: { name: "⟦P:Lee Redmond⟧", email: "⟦E:lee.redmond@eircom.net⟧", phone: "⟦T:+353 86 772 0148⟧" },
  });
}
main().finally(() => prisma.$disconnect());
```
""",
)

add(
    "pii",
    "en",
    "gp-practice-export",
    "csv",
    r"""
Our practice needs to invite patients for the shingles vaccine (eligible if aged 70–79 on 1 Sept 2024). From this export, which rows are eligible? Show your working.

nhs_number,surname,forename,dob,postcode,mobile
⟦ID@GB:496 587 2533⟧,⟦P:Hartley⟧,⟦P:Eileen⟧,⟦DOB:12/02/1951⟧,⟦A:BS7 8QD⟧,⟦T:07702 391 846⟧
⟦ID@GB:487 808 9334⟧,⟦P:Osman⟧,⟦P:Yusuf⟧,⟦DOB:30/09/1944⟧,⟦A:BS5 6JL⟧,⟦T:07931 550 207⟧
⟦ID@GB:424 749 1555⟧,⟦P:Pritchard⟧,⟦P:Glenys⟧,⟦DOB:01/09/1954⟧,⟦A:BS6 5BZ⟧,
""",
)

add(
    "pii",
    "en",
    "school-email",
    "prose",
    r"""
Can you make this email to my son's new teacher clearer and a bit shorter? I don't want to sound like a helicopter parent.

Dear Ms ⟦P:Okafor⟧,

I'm ⟦P:Hannah Kessler⟧, mum of ⟦P:Leo Kessler⟧ in Year 3. I wanted to flag a few things before the school trip on Thursday. ⟦P:Leo⟧ has a severe ⟦MC:peanut allergy⟧ and carries an ⟦MED:EpiPen⟧ in the front pocket of his bag, plus a spare is with the school office. He also takes ⟦MED:cetirizine⟧ in the mornings in summer for ⟦MC:hay fever⟧ which can make him a bit sleepy. If anything happens please call me on ⟦T:07817 402 995⟧ or his dad on ⟦T:07402 118 563⟧.

Many thanks,
⟦P:Hannah⟧
""",
)

add(
    "pii",
    "en",
    "app-config",
    "ini",
    r"""
This old desktop app stores its profile in an .ini and crashes on start with "KeyError: 'Signature'". What section/key is it probably expecting? Here's the file:

[Profile]
DisplayName=⟦P:Gareth Llewellyn⟧
Email=⟦E:gareth.llewellyn@talktalk.net⟧
Phone=⟦T:01792 648 215⟧
Company=Llewellyn & Daughters Joinery

[Mail]
SmtpServer=smtp.talktalk.net
SmtpPort=587
UseTLS=true

[Invoice]
Footer=Thank you for your business
NextNumber=1043
""",
)

add(
    "pii",
    "en",
    "home-automation",
    "env",
    r"""
My little Python script that texts me when the garage door is left open isn't picking up these values — `os.getenv("MY_PHONE")` returns None. This is the .env next to the script:

MY_NAME=⟦P:Carlos Medina⟧
MY_PHONE=⟦T:+1 480 736 2095⟧
MY_EMAIL=⟦E:carlos.medina.az@gmail.com⟧
HOME_ADDRESS="⟦A:4418 E Sandra Terrace, Phoenix, AZ 85032⟧"
SMTP_USER=⟦E:carlos.medina.az@gmail.com⟧
SMTP_PASS=⟦S:qkzt vmwp hjrl oaxe⟧
DOOR_SENSOR_PIN=17
""",
)

add(
    "pii",
    "en",
    "crm-api",
    "command",
    r"""
This curl returns `{"error":"invalid json"}` from our local CRM API. I think it's the quoting in zsh?

curl -X POST http://localhost:8080/api/contacts \
  -H "Content-Type: application/json" \
  -d "{"name": "⟦P:Bronagh Cumiskey⟧", "email": "⟦E:bronagh.cumiskey@gmail.com⟧", "phone": "⟦T:+353 85 166 4027⟧", "notes": "met at Dublin Tech Summit, interested in the team plan"}"
""",
)

add(
    "pii",
    "en",
    "webhook-payload",
    "json",
    r"""
Write a TypeScript type for this webhook payload our payment provider sends. Mark fields optional if they can be null.

{
  "id": "evt_1PQx7sLk0F2aBcD9",
  "type": "checkout.session.completed",
  "created": 1718112345,
  "client_ip": "⟦IP:139.255.215.202⟧",
  "data": {
    "customer_details": {
      "name": "⟦P:Isabelle Fontaine⟧",
      "email": "⟦E:isabelle.fontaine@gmail.com⟧",
      "phone": "⟦T:+1 514 882 3107⟧",
      "address": {
        "line1": "⟦A:4820 Rue Saint-Denis⟧",
        "line2": "⟦A:App. 3⟧",
        "city": "⟦A:Montréal⟧",
        "state": "QC",
        "postal_code": "⟦A:H2J 2L6⟧",
        "country": "CA"
      },
      "tax_ids": []
    },
    "amount_total": 4900,
    "currency": "cad",
    "payment_method_details": {"card": {"brand": "visa", "last4": "1746", "exp_month": 5, "exp_year": 2028}}
  }
}
""",
)

add(
    "pii",
    "en",
    "tenancy-letter",
    "prose",
    r"""
Help me write a formal letter to my letting agent about the damp and mould. I want it on record in case it goes to the council. Facts:

- I'm ⟦P:Aleksandra Wiśniewska⟧, tenant at ⟦A:Flat 4, 88 Cowley Road, Oxford OX4 1JE⟧ since Sept 2022
- black mould in the kids' bedroom since November, reported by phone 3 times
- my youngest (⟦P:Zofia⟧, 4) was diagnosed with ⟦MC:recurrent bronchitis⟧ in Jan and the GP letter mentions the damp
- agent is ⟦P:Mark Dawson⟧ at Cherwell Lettings
- my phone ⟦T:07469 284 017⟧, email ⟦E:ola.wisniewska@gmail.com⟧
""",
)

add(
    "pii",
    "en",
    "on-call-config",
    "yaml",
    r"""
Is this PagerDuty-style rotation config valid YAML? The linter complains about line 9.

schedule:
  name: platform-primary
  timezone: Europe/Dublin
  rotation: weekly
  handoff: "Monday 09:00"
  members:
    - name: ⟦P:Shannen Killoran⟧
      phone: "⟦T:+353 87 903 4471⟧"
       email: ⟦E:shannen.killoran@gmail.com⟧
    - name: ⟦P:Ruairí Ó Briain⟧
      phone: "⟦T:+353 83 118 6620⟧"
      email: ⟦E:ruairi.obriain@outlook.ie⟧
  escalation_after_minutes: 15
""",
)

add(
    "pii",
    "en",
    "sports-club",
    "markdown-table",
    r"""
I'm organising the U11 away match on Saturday. Which kids are 10 or younger on the day (15 June 2024), so they can play in the U10 friendly instead? Then list the parent phone numbers I need to text.

| Player | DOB | Parent | Parent phone |
|---|---|---|---|
| ⟦P:Harvey Doyle⟧ | ⟦DOB:2013-08-19⟧ | ⟦P:Claire Doyle⟧ | ⟦T:07723 440 918⟧ |
| ⟦P:Amir Haddad⟧ | ⟦DOB:2014-01-05⟧ | ⟦P:Rania Haddad⟧ | ⟦T:07956 207 331⟧ |
| ⟦P:Freddie Marsh⟧ | ⟦DOB:2013-06-20⟧ | ⟦P:Joe Marsh⟧ | ⟦T:07388 615 402⟧ |
| ⟦P:Oscar Lindgren⟧ | ⟦DOB:2014-06-14⟧ | ⟦P:Emma Lindgren⟧ | ⟦T:07512 974 260⟧ |
""",
)

add(
    "pii",
    "en",
    "payment-logs",
    "kv-log",
    r"""
Our payment service is logging full card numbers (PCI nightmare). Give me a Python regex + replacement that masks the PAN to first6/last4 in lines like these, without touching the order ids:

2024-06-10 14:22:07,118 INFO  charge.create order=ORD-2024-0611-8841 customer_email=⟦E:d.okonkwo@gmail.com⟧ client_ip=⟦IP:37.251.31.78⟧ pan=⟦CC:4877893287921746⟧ exp=05/28 amount=129.00 currency=USD status=approved
2024-06-10 14:25:51,902 INFO  charge.create order=ORD-2024-0611-8842 customer_email=⟦E:marisol.v@icloud.com⟧ client_ip=⟦IP:139.255.215.202⟧ pan=⟦CC:2297 9290 8100 3392⟧ exp=03/27 amount=54.50 currency=USD status=declined code=51
2024-06-10 14:31:13,447 INFO  charge.create order=ORD-2024-0611-8843 customer_email=⟦E:tbaker1962@aol.com⟧ client_ip=⟦IP:200.41.226.8⟧ pan=⟦CC:3483-470174-68147⟧ exp=01/30 amount=310.75 currency=USD status=approved
""",
)

add(
    "pii",
    "en",
    "api-debugging",
    "http",
    r"""
The browser sends this and the server still redirects to /login. Is the cookie being sent correctly? Copied from DevTools:

GET /account/orders?email=⟦E:hyejin.park@gmail.com⟧&phone=⟦T:4253081926⟧ HTTP/2
Host: shop.evergreenoutfitters.com
Accept: text/html
Cookie: _ga=GA1.2.1734882190.1717000000; sessionid=⟦S:q8w3z1n0v6k2r9tb4yx7hjm5ldp0ecsa⟧; csrftoken=Vn2kT8pQ
Referer: https://shop.evergreenoutfitters.com/login?next=/account/orders
""",
)
# ---------------------------------------------------------------------------
# Group 1: personal data, other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "de",
    "support-email",
    "prose",
    r"""
Kannst du mir helfen, diese Kündigung rechtssicher zu formulieren? Das Studio behauptet immer, es sei nichts angekommen. Ich will Einschreiben schicken.

Mein Entwurf:
Sehr geehrte Damen und Herren,
hiermit kündige ich meine Mitgliedschaft (Mitgliedsnummer ⟦ACC:FS-204417⟧) fristgerecht zum 31.08.2024. Ich bitte um schriftliche Bestätigung. Die Lastschrift von meinem Konto ⟦IBAN:DE19 2004 1133 5604 8063 58⟧ ist ab September einzustellen.
⟦P:Anica Kambs⟧
⟦A:Luisenstraße 92, 64283 Darmstadt⟧
Tel. ⟦T:0176 48215590⟧
""",
)

add(
    "pii",
    "de",
    "hr-note",
    "prose",
    r"""
Bitte formuliere aus meinen Stichpunkten eine sachliche Gesprächsnotiz für die Personalakte (BEM-Gespräch). Keine Wertungen.

- Gespräch am 04.06. mit ⟦P:Ingeborg Rädel⟧, Sachbearbeitung Buchhaltung, seit 2011 bei uns
- seit Februar 38 AU-Tage, Ursache laut ihr ⟦MC:Bandscheibenvorfall⟧ L4/L5, nimmt ⟦MED:Ibuprofen⟧ 600 und seit Kurzem ⟦MED:Pregabalin⟧
- wünscht höhenverstellbaren Schreibtisch + 2 Tage Homeoffice
- Betriebsrat (Herr ⟦P:Trüb⟧) war dabei
- nächster Termin nach der Reha, ca. Mitte August
""",
)

add(
    "pii",
    "de",
    "crm-export",
    "csv",
    r"""
Ich habe diese Kundenliste aus unserem Warenwirtschaftssystem als CSV exportiert. Welche Excel-Formel trennt die Spalte „Name" in Vorname und Nachname, wenn manche Namen ein „von" oder einen Doppelnamen haben?

Kundennr;Name;Straße;PLZ;Ort;Telefon;E-Mail
K-10231;⟦P:Mijo Oestrovsky⟧;⟦A:Mathildenstraße 31⟧;⟦A:09113⟧;⟦A:Chemnitz⟧;⟦T:0371 4418392⟧;⟦E:m.oestrovsky@web.de⟧
K-10232;⟦P:Mario Ullmann⟧;⟦A:Weitzelplatz 17⟧;⟦A:06295⟧;⟦A:Lutherstadt Eisleben⟧;⟦T:03475 602211⟧;⟦E:mario.ullmann@gmx.de⟧
K-10233;⟦P:Karl-Heinz von Bredow⟧;⟦A:Am Kanal 4⟧;⟦A:14467⟧;⟦A:Potsdam⟧;⟦T:0331 2907745⟧;⟦E:kh.vonbredow@t-online.de⟧
K-10234;⟦P:Aysel Hövel-Schmitz⟧;⟦A:Stolzestraße 6⟧;⟦A:34212⟧;⟦A:Melsungen⟧;⟦T:0160 93318274⟧;
""",
)

add(
    "pii",
    "de",
    "tenancy-application",
    "form",
    r"""
Ich bewerbe mich auf eine Wohnung in Leipzig. Kannst du aus diesen Angaben ein kurzes, sympathisches Anschreiben an die Vermieterin machen? Nicht zu förmlich.

Mieterselbstauskunft
Vorname: ⟦P:Jonas⟧
Nachname: ⟦P:Brenninkmeyer⟧
Geburtsdatum: ⟦DOB:17.03.1993⟧
Straße, Hausnr.: ⟦A:Karl-Liebknecht-Straße 118⟧
PLZ: ⟦A:04275⟧
Ort: ⟦A:Leipzig⟧
Telefon: ⟦T:0157 31904428⟧
E-Mail: ⟦E:jonas.brenninkmeyer@posteo.de⟧
Arbeitgeber: Stadtwerke Leipzig GmbH, unbefristet seit 2019
Nettoeinkommen: 3.150 €
Haustiere: eine Katze
Mitziehende Personen: ⟦P:Lena Vogt⟧ (Partnerin), Erzieherin
""",
)

add(
    "pii",
    "de",
    "patient-export",
    "json",
    r"""
Fasse diesen Datensatz aus unserer Praxissoftware als kurzen Überweisungstext an die Kardiologie zusammen (max. 5 Sätze):

{
  "patient": "⟦P:Nico Trübenbach⟧",
  "geburtsdatum": "⟦DOB:14.04.1957⟧",
  "patientennummer": "⟦MRN:PAT-0018832⟧",
  "versichertennummer": "⟦ACC:K284619357⟧",
  "kasse": "AOK Nordost",
  "diagnosen": [
    {"icd10": "I48.1", "text": "⟦MC:Vorhofflimmern, persistierend⟧"},
    {"icd10": "I10.00", "text": "⟦MC:arterielle Hypertonie⟧"}
  ],
  "medikation": ["⟦MED:Bisoprolol⟧ 5 mg 1-0-0", "⟦MED:Edoxaban⟧ 60 mg 1-0-0", "⟦MED:Candesartan⟧ 16 mg 1-0-0"],
  "befund": "Belastungsdyspnoe seit 3 Monaten, HF 118/min unregelmäßig",
  "telefon": "⟦T:030 84719026⟧"
}
""",
)

add(
    "pii",
    "de",
    "database-seed",
    "sql",
    r"""
Wie schreibe ich diese INSERTs so um, dass sie in MySQL 8 laufen (bei uns kommt Fehler 1064)? Die kommen aus einem Postgres-Dump.

INSERT INTO kunden (kundennr, vorname, nachname, email, telefon, geburtstag) VALUES
  ('K-55012', '⟦P:Gertrud⟧', '⟦P:Hellwig⟧', '⟦E:gertrud.hellwig@gmx.net⟧', '⟦T:+49 89 21093348⟧', DATE '⟦DOB:1960-01-31⟧'),
  ('K-55013', '⟦P:Emil⟧', '⟦P:Schaaf⟧', '⟦E:emil.schaaf@web.de⟧', '⟦T:+49 171 5520934⟧', DATE '⟦DOB:1988-10-31⟧')
ON CONFLICT (kundennr) DO NOTHING;
""",
)

add(
    "pii",
    "de",
    "meeting-notes",
    "prose",
    r"""
Mach aus meinem Protokoll vom Elternabend bitte eine freundliche Rundmail an alle Eltern der 4b. Die Handynummern bitte drinlassen, die sind für die Fahrgemeinschaften.

Elternabend 4b, 11.06.
- Klassenfahrt nach Rügen 16.–20.09., Kosten ca. 240 €
- Elternsprecherin neu: ⟦P:Sabine Kowalczyk⟧ (⟦T:0172 6638021⟧), Stellvertreter ⟦P:Murat Aydın⟧ (⟦T:0151 22470918⟧)
- Fahrgemeinschaft zum Bahnhof organisiert ⟦P:Murat⟧
- Frau ⟦P:Lindemann⟧ (Klassenlehrerin) bittet um Einverständniserklärungen bis 28.06.
- Spendenkonto Förderverein bleibt wie gehabt
""",
)

add(
    "pii",
    "fr",
    "insurance-letter",
    "prose",
    r"""
Peux-tu rédiger un courrier à mon assurance habitation pour déclarer un dégât des eaux ? Ton formel, lettre recommandée.

Infos :
- Assurée : ⟦P:Valérie Jacquet⟧, contrat n° ⟦ACC:MRH-0048821576⟧
- Adresse du logement : ⟦A:42, chemin des Vignes, 69480 Anse⟧
- Sinistre découvert le 8 juin : fuite venant de l'appartement du dessus (M. ⟦P:Legrand⟧, 3e étage)
- Dégâts : plafond de la cuisine, parquet du séjour
- Téléphone : ⟦T:06 31 52 73 54⟧ – mail : ⟦E:valerie.jacquet@orange.fr⟧
""",
)

add(
    "pii",
    "fr",
    "club-members",
    "csv",
    r"""
Voici l'export des inscrits du club de badminton (pas d'en-tête : nom, prénom, date de naissance, téléphone, e-mail). Peux-tu me dire combien sont « jeunes » (moins de 18 ans au 1er septembre 2024) et combien sont vétérans (35 ans et plus) ?

⟦P:Fischer⟧,⟦P:Amélie⟧,⟦DOB:21/10/1973⟧,⟦T:06 14 75 46 78⟧,⟦E:amelie.fischer@free.fr⟧
⟦P:Georges⟧,⟦P:Pauline⟧,⟦DOB:26/04/2006⟧,⟦T:07 81 22 09 36⟧,⟦E:pauline.georges06@gmail.com⟧
⟦P:Techer⟧,⟦P:Vincent⟧,⟦DOB:15/07/1961⟧,⟦T:04 70 19 19 70⟧,⟦E:v.techer@wanadoo.fr⟧
⟦P:Benoit⟧,⟦P:Noël⟧,⟦DOB:02/12/2008⟧,⟦T:06 58 33 40 17⟧,
⟦P:Ndiaye-Diallo⟧,⟦P:Inès⟧,⟦DOB:30/08/1989⟧,⟦T:06 09 87 12 44⟧,⟦E:ines.md@laposte.net⟧
""",
)

add(
    "pii",
    "fr",
    "care-home",
    "markdown-table",
    r"""
Je suis infirmière coordinatrice en EHPAD. À partir de ce tableau, fais-moi un plan de distribution des médicaments pour la tournée de 8h, regroupé par étage.

| Chambre | Résident | Pathologies | Traitement du matin |
|---|---|---|---|
| 104 | Mme ⟦P:Odette Vallet⟧ | ⟦MC:maladie d'Alzheimer⟧, ⟦MC:hypothyroïdie⟧ | ⟦MED:Lévothyrox⟧ 75 µg, ⟦MED:donépézil⟧ 10 mg |
| 112 | M. ⟦P:Raymond Rémy⟧ | ⟦MC:insuffisance cardiaque⟧ | ⟦MED:furosémide⟧ 40 mg, ⟦MED:bisoprolol⟧ 2,5 mg |
| 207 | Mme ⟦P:Geneviève Chevalier⟧ | ⟦MC:diabète de type 2⟧ | ⟦MED:metformine⟧ 850 mg |
| 215 | M. ⟦P:Jacques Allard⟧ | ⟦MC:BPCO⟧ | ⟦MED:tiotropium⟧ (inhalation) |
""",
)

add(
    "pii",
    "fr",
    "tenancy-application",
    "form",
    r"""
Est-ce que mon dossier de location est complet pour une agence à Nantes ? Qu'est-ce qui manque en général ?

Nom : ⟦P:Legrand⟧
Prénom : ⟦P:Édouard⟧
Né le : ⟦DOB:21/03/1995⟧ à Angers
Adresse actuelle : ⟦A:34, rue de la Paix, 49100 Angers⟧
Téléphone : ⟦T:06 72 44 18 90⟧
Courriel : ⟦E:edouard.legrand95@gmail.com⟧
Situation : CDI chez Airbus Atlantic depuis 2021, 2 450 € net/mois
Garant : ⟦P:Claire Legrand⟧ (mère), retraitée
RIB pour les prélèvements : ⟦IBAN:FR75 3000 4366 2015 3929 4342 369⟧
""",
)

add(
    "pii",
    "fr",
    "marketplace-chat",
    "prose",
    r"""
J'ai vendu un vélo sur Leboncoin et l'acheteur dit maintenant que je lui ai promis la livraison. Voici l'échange, est-ce que j'ai promis quelque chose ?

Acheteur (⟦P:Rémy Clerc⟧) : Bonjour, le vélo est toujours dispo ? Vous pouvez me l'amener ?
Moi : Bonjour, oui il est dispo. Livraison possible si c'est sur Villeurbanne, sinon à récupérer sur place.
Acheteur : Ok je suis à ⟦A:12 rue Anatole France, 69100 Villeurbanne⟧, mon numéro ⟦T:07 68 20 41 55⟧
Moi : Parfait, je vous appelle samedi pour voir.
Acheteur : Super merci. Je paie en espèces à la livraison.
""",
)

add(
    "pii",
    "fr",
    "crm-export",
    "json",
    r"""
Transforme cet export de contacts en tableau Markdown (colonnes : nom, société, e-mail, téléphone, dernière interaction), trié par date décroissante.

[
  {"nom": "⟦P:Sébastien Guillon⟧", "societe": "Guillon Menuiserie", "email": "⟦E:s.guillon@guillon-menuiserie.fr⟧", "tel": "⟦T:02 40 71 33 18⟧", "derniere_interaction": "2024-05-28"},
  {"nom": "⟦P:Victoire Allard⟧", "societe": "Cabinet Allard", "email": "⟦E:victoire.allard@cabinet-allard.fr⟧", "tel": "⟦T:+33 6 12 80 47 93⟧", "derniere_interaction": "2024-06-05"},
  {"nom": "⟦P:Maurice Bailly⟧", "societe": null, "email": "⟦E:maurice.bailly@sfr.fr⟧", "tel": null, "derniere_interaction": "2024-03-17"}
]
""",
)

add(
    "pii",
    "es",
    "utility-complaint",
    "prose",
    r"""
Ayúdame a redactar una reclamación a la compañía eléctrica. Me han cobrado dos veces la factura de mayo y en el teléfono no me solucionan nada.

Datos:
Titular: ⟦P:Berta Gabaldón Gras⟧
DNI: ⟦ID@ES:46419244T⟧
Nº de contrato: ⟦ACC:0031-6628-4410⟧
Dirección de suministro: ⟦A:Calle Ciriaco Mena 45, 3º B, 48011 Bilbao⟧
Teléfono de contacto: ⟦T:688 415 092⟧
Cargo duplicado: 87,43 € el 03/06 y otra vez el 05/06, en la cuenta ⟦IBAN:ES22 0182 3315 5210 8843 3486⟧
""",
)

add(
    "pii",
    "es",
    "code-fixtures",
    "yaml",
    r"""
Tengo este fichero de fixtures para los tests de la API y Django me dice "DeserializationError: Invalid model identifier". ¿Qué está mal?

- model: usuarios.Usuario
  pk: 1
  fields:
    nombre: ⟦P:Rosendo Soto⟧
    email: ⟦E:rosendo.soto@yahoo.es⟧
    telefono: "⟦T:+34 623 381 297⟧"
    fecha_nacimiento: ⟦DOB:1990-05-16⟧
- model: Usuarios.usuario_perfil
  pk: 2
  fields:
    nombre: ⟦P:Jovita Bolaños⟧
    email: ⟦E:jovita.bolanos@gmail.com⟧
    telefono: "⟦T:+34 623 273 544⟧"
    fecha_nacimiento: ⟦DOB:1976-04-19⟧
""",
)

add(
    "pii",
    "es",
    "dental-clinic",
    "csv",
    r"""
Soy recepcionista en una clínica dental. Con estos datos, escríbeme un SMS de recordatorio para cada paciente con cita mañana (máximo 160 caracteres cada uno).

paciente,telefono,fecha_cita,hora,tratamiento
⟦P:Sol Miró Rosales⟧,⟦T:674 013 723⟧,2024-06-13,09:30,limpieza
⟦P:Joan Sánchez Lamas⟧,⟦T:+34 684 303 534⟧,2024-06-13,11:00,revisión ortodoncia
⟦P:Felicia Arévalo⟧,⟦T:630 402 457⟧,2024-06-14,16:15,endodoncia
⟦P:Cecilio Bonilla⟧,⟦T:611 920 386⟧,2024-06-13,18:45,extracción cordal
""",
)

add(
    "pii",
    "es",
    "api-debugging",
    "http",
    r"""
¿Por qué este PUT me devuelve 409 Conflict? Estoy actualizando el teléfono del cliente desde Postman.

PUT /api/clientes/88412 HTTP/1.1
Host: crm.ferreteriasolano.es
Authorization: Bearer ⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1aWQiOjQ4MjEzLCJzY29wZSI6InJlYWQgd3JpdGUiLCJpYXQiOjE3MjExMjAwMDAsImV4cCI6MTcyMTEyMzYwMH0.GNcGAKnF3LyGXkPsPeOi9IvphGTI-wRSYUTOaI2HeKc⟧
Content-Type: application/json
X-Real-IP: ⟦IP:200.41.226.8⟧
If-Match: "v17"

{"nombre": "⟦P:Ignacio Solano Pérez⟧", "telefono": "⟦T:+34 699 208 417⟧", "email": "⟦E:nacho.solano@hotmail.es⟧", "direccion": "⟦A:Avenida de la Constitución 12, 41001 Sevilla⟧"}
""",
)

add(
    "pii",
    "es",
    "hr-record",
    "form",
    r"""
Necesito que revises esta ficha de alta de un empleado nuevo en México y me digas si el formato de los campos es correcto para el IMSS.

Nombre completo: ⟦P:María Cristina Velasco Ortega⟧
CURP: ⟦ID@MX:VEOC800624MDFLRR04⟧
Fecha de nacimiento: ⟦DOB:24/06/1980⟧
Domicilio: ⟦A:Calle Almonte 76, Int. 8, Col. Roma Norte, 06700 Ciudad de México⟧
Celular: ⟦T:55 4131 4575⟧
Licencia de conducir: ⟦DL:A09182736⟧
Correo personal: ⟦E:mcvelasco80@gmail.com⟧
Puesto: Analista de nómina
Fecha de ingreso: 01/07/2024
""",
)

add(
    "pii",
    "es",
    "hr-email",
    "prose",
    r"""
Reescribe este correo para que sea más empático. Lo mando yo como responsable del equipo.

Hola ⟦P:Gonzalo⟧,
RRHH me confirma que ⟦P:Úrsula Leal⟧ estará de baja al menos hasta finales de julio por ⟦MC:depresión⟧. Necesito que asumas sus cuentas de Monterrey mientras tanto. No comentes nada del motivo con el equipo. Si algún cliente pregunta, di que está de vacaciones. Su móvil personal es ⟦T:81 1546 0904⟧ pero NO la llaméis.
Gracias,
⟦P:Rufino⟧
""",
)

add(
    "pii",
    "it",
    "condo-email",
    "prose",
    r"""
Mi aiuti a scrivere una mail all'amministratore di condominio? Il vicino del piano di sopra fa lavori rumorosi anche la domenica. Tono cortese ma deciso.

Dati miei: ⟦P:Patrizia Stein⟧, ⟦A:Via Lercari 9, 16122 Genova⟧, interno 7
Cell. ⟦T:347 581 2203⟧
Email ⟦E:patrizia.stein@libero.it⟧
Amministratore: rag. ⟦P:Salvatore Barbarigo⟧
Il vicino è il sig. ⟦P:Adelmo Pometta⟧, interno 9
""",
)

add(
    "pii",
    "it",
    "staff-rota",
    "markdown-table",
    r"""
Questi sono i turni del bar per la settimana prossima. Dimmi chi supera le 40 ore e proponimi uno scambio per rientrare, poi scrivi il messaggio WhatsApp per il gruppo.

| Dipendente | Cellulare | Lun | Mar | Mer | Gio | Ven | Sab | Dom |
|---|---|---|---|---|---|---|---|---|
| ⟦P:Giampaolo Musatti⟧ | ⟦T:333 918 2047⟧ | 7-15 | 7-15 | 7-15 | riposo | 7-15 | 7-15 | 7-13 |
| ⟦P:Loretta Platini⟧ | ⟦T:340 227 6619⟧ | 15-23 | riposo | 15-23 | 15-23 | 15-23 | 15-23 | riposo |
| ⟦P:Annibale Ponti⟧ | ⟦T:389 004 7712⟧ | riposo | 15-23 | 7-15 | 7-15 | riposo | 17-01 | 15-23 |
""",
)

add(
    "pii",
    "it",
    "gym-registration",
    "form",
    r"""
Un cliente si è iscritto in palestra e ha compilato questo modulo. Secondo te il certificato medico che ha allegato va bene per l'attività non agonistica? Cosa devo chiedergli?

MODULO DI ISCRIZIONE
Cognome: ⟦P:Aldobrandi⟧
Nome: ⟦P:Arnulfo⟧
Codice fiscale: ⟦ID@IT:LDBRLF69D22G491R⟧
Data di nascita: ⟦DOB:22/04/1969⟧
Indirizzo: ⟦A:Contrada Segrè 35⟧
CAP: ⟦A:51017⟧
Città: ⟦A:Pescia⟧
Telefono: ⟦T:0572 477 103⟧
Carta per l'addebito mensile: ⟦CC:5215 8923 7315 5704⟧ (scad. 09/27)
Patologie note: ⟦MC:ipertensione⟧ in trattamento con ⟦MED:ramipril⟧
Certificato: non agonistico, rilasciato dal medico di base il 12/01/2023
""",
)

add(
    "pii",
    "it",
    "ecommerce-order",
    "json",
    r"""
Il corriere mi rifiuta questo ordine dicendo "indirizzo non valido". Vedi qualcosa di strano nel JSON?

{
  "ordine": "IT-2024-104877",
  "cliente": {"nome": "⟦P:Rodolfo⟧", "cognome": "⟦P:Abate⟧", "email": "⟦E:rodolfo.abate58@alice.it⟧", "telefono": "⟦T:+39 351 059 2393⟧"},
  "spedizione": {
    "via": "⟦A:Piazza Vanessa 94⟧",
    "cap": "⟦A:24068⟧",
    "citta": "⟦A:Seriate⟧",
    "provincia": "BGG",
    "paese": "IT"
  },
  "righe": [{"sku": "CAF-ESP-1KG", "qta": 2, "prezzo": 18.9}]
}
""",
)

add(
    "pii",
    "it",
    "delivery-logs",
    "kv-log",
    r"""
Nel log della nostra app di consegne vedo che il rider viene assegnato due volte allo stesso ordine. Riesci a capire da queste righe dove nasce il problema?

2024-06-11 12:04:55 INFO dispatcher ordine=MI-77812 cliente="⟦P:Beatrice Colombo⟧" tel=⟦T:+39 348 220 1675⟧ indirizzo="⟦A:Via Paolo Sarpi 14, 20154 Milano⟧" ip_cliente=⟦IP:31.37.225.127⟧
2024-06-11 12:04:56 INFO dispatcher assegnato ordine=MI-77812 rider_id=R-0932 rider=⟦U:gionata.m⟧
2024-06-11 12:04:56 WARN dispatcher retry ordine=MI-77812 causa=timeout_ack
2024-06-11 12:04:57 INFO dispatcher assegnato ordine=MI-77812 rider_id=R-1107 rider=⟦U:liberto_sc⟧
""",
)

add(
    "pii",
    "pt",
    "hr-email",
    "prose",
    r"""
Me ajuda a responder esse e-mail do RH? Quero confirmar os dados e perguntar quando cai o primeiro salário.

Olá ⟦P:Aurora⟧, tudo bem?
Para finalizar sua admissão precisamos que confirme os dados abaixo:
Nome: ⟦P:Aurora Peixoto⟧
CPF: ⟦ID@BR:541.579.441-78⟧
Data de nascimento: ⟦DOB:04/09/1982⟧
Endereço: ⟦A:Rua Camargo, 9, Vila Piratininga, 13482-014 Limeira - SP⟧
Celular: ⟦T:(19) 97277-2201⟧
Chave Pix para o salário: ⟦E:aurora.peixoto@live.com⟧
Att., ⟦P:Enzo⟧ – Departamento Pessoal
""",
)

add(
    "pii",
    "pt",
    "crm-export",
    "csv",
    r"""
Preciso importar esta planilha de clientes no RD Station mas ele só aceita telefone no formato +55DDNNNNNNNNN. Pode converter a coluna de telefone?

nome;email;telefone;cidade
⟦P:Ana Lívia Rezende⟧;⟦E:analivia.rezende@hotmail.com⟧;⟦T:(21) 97553-8517⟧;Niterói
⟦P:José Pacheco⟧;⟦E:jose.pacheco55@outlook.com.br⟧;⟦T:(45) 99327-2350⟧;Cascavel
⟦P:Cecília Nunes⟧;⟦E:ceci.nunes@icloud.com⟧;⟦T:(84) 98434-7647⟧;Natal
⟦P:Matteo Cavalcante⟧;⟦E:matteo.cavalcante@gmail.com⟧;⟦T:(11) 95930-3246⟧;São Paulo
""",
)

add(
    "pii",
    "pt",
    "tenancy-letter",
    "prose",
    r"""
Preciso de escrever uma carta ao senhorio a pedir a devolução da caução. Saí da casa há 2 meses e ele não responde. Pode ser firme.

- Eu: ⟦P:Tatiana Pires⟧, NIF ⟦ID@PT:152999990⟧
- Morada antiga (arrendada): ⟦A:Avenida Dom Afonso Henriques 53, 2.º Esq., 2410-118 Leiria⟧
- Morada atual: ⟦A:Rua do Brasil 210, 3030-175 Coimbra⟧
- Senhorio: Sr. ⟦P:Paulo Maia⟧
- Caução: 1.300 €, entregue em março de 2021
- Entreguei as chaves a 15/04/2024, com fotografias da casa
- Telefone: ⟦T:930 898 500⟧
""",
)

add(
    "pii",
    "pt",
    "clinic-db",
    "sql",
    r"""
Essa consulta deveria trazer os pacientes diabéticos com consulta em junho, mas vem vazia. Aqui estão os dados de teste e a query:

INSERT INTO pacientes (id, prontuario, nome, nascimento, telefone, diagnostico) VALUES
 (1, '⟦MRN:PR-2019-04471⟧', '⟦P:Yara Lima⟧', '⟦DOB:1966-06-02⟧', '⟦T:(71) 99232-3636⟧', '⟦MC:Diabetes mellitus tipo 2⟧'),
 (2, '⟦MRN:PR-2021-11803⟧', '⟦P:Ivo Magalhães⟧', '⟦DOB:1958-11-23⟧', '⟦T:(71) 98812-4470⟧', '⟦MC:Hipertensão arterial⟧');
INSERT INTO consultas (paciente_id, data) VALUES (1, '2024-06-18'), (2, '2024-06-20');

SELECT p.nome FROM pacientes p JOIN consultas c ON c.paciente_id = p.id
WHERE p.diagnostico = 'diabetes' AND c.data BETWEEN '2024-06-01' AND '2024-06-30';
""",
)

add(
    "pii",
    "pt",
    "chat-log",
    "prose",
    r"""
Podes resumir esta conversa do grupo do condomínio? Só quero saber o que ficou decidido sobre a limpeza das escadas.

[09/06 20:14] ⟦P:Beatriz Martins⟧: Boa noite! A empresa de limpeza subiu o preço para 95€/mês
[09/06 20:16] ⟦P:Pedro Mendes⟧: É muito. Eu conheço uma senhora, a Dona ⟦P:Lurdes⟧, cobra 70. O número dela é ⟦T:912 447 068⟧
[09/06 20:20] ⟦P:Iara Andrade⟧: Por mim pode ser, desde que passe recibo
[09/06 20:31] ⟦P:Beatriz Martins⟧: Então fica a Dona ⟦P:Lurdes⟧ a partir de julho, eu falo com ela. ⟦P:Pedro⟧ podes mandar-me o contacto em privado?
[09/06 20:33] ⟦P:Pedro Mendes⟧: Já mandei 👍
""",
)

add(
    "pii",
    "nl",
    "gp-email",
    "prose",
    r"""
Kun je deze mail aan de huisartsenpraktijk wat netter maken? Ik wil een herhaalrecept aanvragen en vragen of de dosis omlaag kan.

Beste assistente,
Graag zou ik een herhaalrecept willen voor mijn ⟦MED:sertraline⟧ 100 mg, ik heb nog voor 5 dagen. Ik gebruik het nu anderhalf jaar voor ⟦MC:angststoornis⟧ en het gaat veel beter, dus ik wil ook graag met dokter ⟦P:Van Herck⟧ bespreken of het af kan bouwen.
Mijn gegevens: ⟦P:Maria Laureys⟧, geboren ⟦DOB:17-09-1990⟧, ⟦A:Juliusstraat 4, 3521 EK Utrecht⟧.
Telefoon ⟦T:06 41 88 20 73⟧
Groet, ⟦P:Maria⟧
""",
)

add(
    "pii",
    "nl",
    "club-members",
    "csv",
    r"""
Ik ben penningmeester van de hockeyclub. Dit is de ledenlijst zonder kopregel (naam, geboortedatum, e-mail, IBAN, categorie). Kun je per categorie de contributie berekenen? Senioren €245, junioren €180, jongste jeugd €120.

⟦P:Christoph Demeyere⟧,⟦DOB:04-06-1989⟧,⟦E:c.demeyere@ziggo.nl⟧,⟦IBAN:NL84 INGB 0612 4906 52⟧,senioren
⟦P:Jill de Bock⟧,⟦DOB:11-02-2009⟧,⟦E:fam.debock@kpnmail.nl⟧,⟦IBAN:NL23 TRIO 0303 7486 25⟧,junioren
⟦P:Matteo Moreels⟧,⟦DOB:25-11-2016⟧,⟦E:moreels.thuis@gmail.com⟧,⟦IBAN:NL95 TRIO 0029 2961 11⟧,jongste jeugd
⟦P:Katrien Naessens⟧,⟦DOB:07-06-1983⟧,⟦E:katrien.naessens@hotmail.com⟧,⟦IBAN:NL04 KEMU 0181 5908 30⟧,senioren
""",
)

add(
    "pii",
    "nl",
    "rental-application",
    "form",
    r"""
Ik reageer op een huurwoning via een makelaar. Kun je een korte motivatiebrief schrijven op basis van mijn gegevens? Niet te slijmerig.

Naam: ⟦P:Sven Jonckheere⟧
Geboortedatum: ⟦DOB:29-02-1992⟧
Huidig adres: ⟦A:Oudegracht 211⟧
Postcode: ⟦A:3511 NJ⟧
Woonplaats: ⟦A:Utrecht⟧
Mobiel: ⟦T:06 18 33 47 90⟧
E-mail: ⟦E:sven.jonckheere@gmail.com⟧
Werkgever: gemeente Amersfoort, vast contract
Bruto maandinkomen: € 4.380
Huisdieren: geen
""",
)

add(
    "pii",
    "nl",
    "service-config",
    "yaml",
    r"""
Hoe lees ik in Go de escalatie-contactpersonen uit dit YAML-bestand in een struct? Ik wil per contact naam, telefoon en e-mail.

alerting:
  channel: "#storingen"
  escalatie:
    - niveau: 1
      naam: ⟦P:Willy Daniels⟧
      telefoon: "⟦T:+31 6 24 90 11 58⟧"
      email: ⟦E:willy.daniels@hetnet.nl⟧
    - niveau: 2
      naam: ⟦P:Paul de Kock⟧
      telefoon: "⟦T:+31 6 51 07 36 22⟧"
      email: ⟦E:paul.dekock@planet.nl⟧
  stille_uren: "23:00-07:00"
""",
)

add(
    "pii",
    "nl",
    "crm-export",
    "json",
    r"""
Schrijf een Python-functie die uit deze JSON alle klanten haalt waarvan het abonnement binnen 30 dagen afloopt, en voor elk een conceptmail maakt.

{"klanten": [
  {"klantnummer": "⟦ACC:KL-2019-4471⟧", "naam": "⟦P:Jean-Paul Janssens⟧", "email": "⟦E:jp.janssens@telenet.be⟧", "abonnement_einde": "2024-07-01"},
  {"klantnummer": "⟦ACC:KL-2021-0968⟧", "naam": "⟦P:Louise Heymans⟧", "email": "⟦E:louise.heymans@gmail.com⟧", "abonnement_einde": "2024-11-15"},
  {"klantnummer": "⟦ACC:KL-2022-1130⟧", "naam": "⟦P:Marleen Polfliet⟧", "email": "⟦E:marleen.polfliet@skynet.be⟧", "abonnement_einde": "2024-06-28"}
]}
""",
)

add(
    "pii",
    "pl",
    "complaint",
    "prose",
    r"""
Pomóż mi napisać reklamację do sklepu. Pralka cieknie od tygodnia, a serwis nie oddzwania. Ma być konkretnie i z powołaniem na rękojmię.

Dane:
⟦P:Klara Fąferek⟧
⟦A:ul. Piłsudskiego 72/4, 82-300 Elbląg⟧
tel. ⟦T:738 155 007⟧, e-mail ⟦E:klara.faferek@o2.pl⟧
Zamówienie nr 2024/05/118834 z 14.05.2024, pralka Beko WUE 7512
Zgłoszenie serwisowe z 03.06 przyjął pan ⟦P:Gustaw⟧ z infolinii
Płaciłam kartą ⟦CC:5116 1066 0497 2492⟧ (gdyby był potrzebny do zwrotu)
""",
)

add(
    "pii",
    "pl",
    "hr-list",
    "markdown-table",
    r"""
Przygotowuję zgłoszenie pracowników do ubezpieczenia grupowego. Sprawdź, czy w tabeli nie brakuje danych i czy daty urodzenia zgadzają się z numerami PESEL.

| Imię i nazwisko | PESEL | Data urodzenia | Telefon |
|---|---|---|---|
| ⟦P:Franciszek Samul⟧ | ⟦ID@PL:91062395630⟧ | ⟦DOB:23.06.1991⟧ | ⟦T:788 316 158⟧ |
| ⟦P:Apolonia Iciek⟧ | ⟦ID@PL:79012589409⟧ | ⟦DOB:25.01.1979⟧ | ⟦T:693 234 957⟧ |
| ⟦P:Rozalia Mikołajczyk⟧ | ⟦ID@PL:94081075781⟧ | ⟦DOB:10.08.1994⟧ | |
""",
)

add(
    "pii",
    "pl",
    "loan-application",
    "form",
    r"""
Czy ten wniosek o kredyt gotówkowy jest wypełniony poprawnie? Bank odrzucił go z powodu „niekompletnych danych".

Imię: ⟦P:Gustaw⟧
Nazwisko: ⟦P:Saran⟧
Data urodzenia: ⟦DOB:21.08.1994⟧
PESEL: ⟦ID@PL:94082191758⟧
Adres zamieszkania: ⟦A:ul. Kościuszki 12/3, 44-230 Czerwionka-Leszczyny⟧
Telefon: ⟦T:+48 32 762 13 48⟧
E-mail: ⟦E:gustaw.saran@onet.pl⟧
Źródło dochodu: umowa o pracę
Dochód netto: 6 200 zł
Numer rachunku do wypłaty: ⟦IBAN:PL32 1020 7362 9746 2873 3241 2914⟧
""",
)

add(
    "pii",
    "pl",
    "auth-logs",
    "kv-log",
    r"""
Mamy podejrzenie ataku credential stuffing na sklep. Czy z tych logów widać wzorzec? Co byś zablokował?

ts=2024-06-11T02:14:03Z ev=login ok=false login=⟦U:rozalia24⟧ email=⟦E:rozalia.m@wp.pl⟧ ip=⟦IP:59.85.15.117⟧ ua="python-requests/2.31"
ts=2024-06-11T02:14:03Z ev=login ok=false login=⟦U:elertrobert⟧ email=⟦E:robert.elert@interia.pl⟧ ip=⟦IP:59.85.15.117⟧ ua="python-requests/2.31"
ts=2024-06-11T02:14:04Z ev=login ok=true login=⟦U:mglaza⟧ email=⟦E:mikolaj.glaza@gmail.com⟧ ip=⟦IP:59.85.15.117⟧ ua="python-requests/2.31"
ts=2024-06-11T02:14:05Z ev=address_change login=⟦U:mglaza⟧ new_addr="⟦A:ul. Ptasia 15/15, 63-100 Śrem⟧" ip=⟦IP:59.85.15.117⟧
""",
)

add(
    "pii",
    "pl",
    "shop-export",
    "csv",
    r"""
Z eksportu zamówień potrzebuję listy adresów do etykiet InPost. Połącz ulicę, kod i miasto w jedną kolumnę i usuń duplikaty.

nr_zam,imie_nazwisko,ulica,kod,miasto,telefon
ZAM-88101,⟦P:Monika Rogala⟧,⟦A:aleja Sadowa 39/35⟧,⟦A:97-300⟧,⟦A:Piotrków Trybunalski⟧,⟦T:601 414 552⟧
ZAM-88102,⟦P:Jędrzej Ryszkiewicz⟧,⟦A:ul. Partyzantów 50⟧,⟦A:97-300⟧,⟦A:Piotrków Trybunalski⟧,⟦T:512 660 238⟧
ZAM-88107,⟦P:Monika Rogala⟧,⟦A:aleja Sadowa 39/35⟧,⟦A:97-300⟧,⟦A:Piotrków Trybunalski⟧,⟦T:601 414 552⟧
""",
)

add(
    "pii",
    "sv",
    "preschool-email",
    "prose",
    r"""
Kan du hjälpa mig skriva ett kort mejl till förskolan? Min dotter börjar på Solrosen i augusti och de behöver veta om hennes allergi.

Hej!
Jag är mamma till ⟦P:Ella Söderqvist⟧ (född ⟦DOB:2021-03-08⟧) som börjar i augusti. ⟦P:Ella⟧ har ⟦MC:celiaki⟧ och får inte äta gluten alls, och hon har också ⟦MC:atopiskt eksem⟧ som vi smörjer med ⟦MED:hydrokortison⟧ vid behov. Ni når mig på ⟦T:070-413 31 24⟧ eller pappa ⟦P:Karl-Erik⟧ på ⟦T:073-681 89 62⟧.
Vänliga hälsningar
⟦P:Linda Söderqvist⟧
""",
)

add(
    "pii",
    "sv",
    "housing-coop",
    "csv",
    r"""
Jag är sekreterare i bostadsrättsföreningen. Gör om den här medlemslistan till en snygg tabell sorterad på lägenhetsnummer, och markera vilka som saknar e-post.

lgh,namn,telefon,epost,inflyttad
1102,⟦P:Matilda Andersson⟧,⟦T:070-876 19 12⟧,⟦E:matilda.andersson@telia.com⟧,2015-04-01
1001,⟦P:Lars Mustafa⟧,⟦T:073-413 31 24⟧,,2009-10-15
1204,⟦P:Pia Jönsson Ibrahim⟧,⟦T:08-994 68 87⟧,⟦E:pia.jonsson.ibrahim@gmail.com⟧,2021-08-01
1003,⟦P:Mikael Bergström⟧,⟦T:076-557 30 41⟧,⟦E:mikael.bergstrom@bredband.net⟧,2018-02-01
""",
)

add(
    "pii",
    "da",
    "dentist-message",
    "prose",
    r"""
kan du gøre den her besked til tandlægen høfligere: "min far ⟦P:Otto Nørgaard⟧ (f. ⟦DOB:09.12.1950⟧) kan ikke komme tirsdag, flyt tiden. han får ⟦MED:Marevan⟧. ring til ⟦P:Heidi⟧ på ⟦T:27 62 74 28⟧"
""",
)
# ---------------------------------------------------------------------------
# Group 2: credentials, secrets and national identifiers, English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "home-wifi",
    "prose",
    r"""
Can you make me a cute printable card for our guest room with the wifi details? Something with a little house icon. Network is "Fernhill_Guest", password ⟦S:marmalade-otter-2291⟧. Also add a line underneath saying if the router needs restarting the admin password is ⟦S:Kx7#pq2Lw9⟧ and it's the white box behind the TV.
""",
)

add(
    "cred",
    "en",
    "db-ops",
    "command",
    r"""
I'm trying to dump one schema from prod to my laptop and pg_dump just hangs with no output. The psql line works fine. What's different?

$ psql "postgresql://app_rw:⟦S:h3Wq9ZtRk2LmXp7v⟧@pg-prod-01.internal.acmefreight.net:5432/freight?sslmode=require" -c "select 1"
$ PGPASSWORD='⟦S:rT7vLq2mZ9pXeB4n⟧' pg_dump -h pg-prod-01.internal.acmefreight.net -U reporting_ro -d freight -n billing -Fc -f billing.dump
""",
)

add(
    "cred",
    "en",
    "app-config",
    "env",
    r"""
python-dotenv loads everything except STRIPE_SECRET_KEY, which comes through as an empty string. Why? (yes I'll rotate these afterwards)

DEBUG=false
DATABASE_URL=postgres://shopapi:⟦S:Gd82nXqL0vTz5sKw⟧@db.prod.internal:5432/shop
REDIS_URL=redis://:⟦S:uR4pw8cZ1mQe⟧@cache.prod.internal:6379/0
STRIPE_SECRET_KEY=${STRIPE_LIVE}
OPENAI_API_KEY=⟦K:sk-proj-dOhhcGvl8LdD3QVlNStSB-ZpeQBluvJgAdU_dunnFyEcK_4HT3BlbkFJMnvsNl3gv9n4i6WJEogT-S8iWUx-6FOItxchM5R7yXV0jATS⟧
SESSION_SECRET=⟦S:f0a78cc7580d127303345018a8fa6c15⟧
STRIPE_LIVE=⟦K: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⟧
""",
)

add(
    "cred",
    "en",
    "api-debugging",
    "http",
    r"""
Shopify keeps returning 401 "[API] Invalid API key or access token (unrecognized login or wrong password)" but the same token works in Postman. This is what my Node script actually sends (from the debug output):

GET /admin/api/2024-04/orders.json?status=any&limit=50 HTTP/1.1
Host: northfield-candles.myshopify.com
Accept: application/json
X-Shopify-Access-Token: ⟦K: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⟧
Authorization: Bearer ⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4ZjNjMmE5MSIsIm5hbWUiOiJUb21hc3ogV3JvbmEiLCJyb2xlIjoiZWRpdG9yIiwiaWF0IjoxNzE4MDEyNDAwLCJleHAiOjE3MTgwOTg4MDB9.8rGhh_3O-9ECZApDPJpUyvDjO8m-3Lk1OywCqDXTnQw⟧
User-Agent: node-fetch/3.3.2
""",
)

add(
    "cred",
    "en",
    "cloud-code",
    "code",
    r"""
Refactor this so the credentials aren't in the code. We deploy on ECS, so what's the right way — env vars, IAM role, or Secrets Manager?

```python
import boto3

s3 = boto3.client(
    "s3",
    region_name="eu-west-1",
    aws_access_key_id="⟦K:AKIATSPVAWTY4IDLNZN3⟧",
    aws_secret_access_key="⟦K:p3F0syR+8FnOsZZ4bWEwoT1cbLf0DbPossNMLFPk⟧",
)

def upload_report(path: str, key: str) -> None:
    s3.upload_file(path, "acme-finance-reports", key)
```
""",
)

add(
    "cred",
    "en",
    "ci-config",
    "yaml",
    r"""
A teammate left a comment "please don't do this" on my workflow. I guess it's about the tokens? How do I move them into repository secrets and reference them?

name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      NODE_AUTH_TOKEN: ⟦K:npm_R9V3j3h8eNMCwdGFqrSSuDRhzgBLTZ9Cn3Ph⟧
      GH_TOKEN: ⟦K:ghp_Dz4PBlUUyVInCOTJKgQFcP5ET4SIsL9HH6R1⟧
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20, registry-url: "https://registry.npmjs.org" }
      - run: npm ci && npm publish --access public
      - run: gh release create "$GITHUB_REF_NAME" --generate-notes
""",
)

add(
    "cred",
    "en",
    "tax-form",
    "prose",
    r"""
I'm helping my mom do her W-4 because she just started a part-time job. She's ⟦P:Deborah Kline⟧, SSN ⟦ID@US:637-61-5418⟧, single, and she also gets Social Security. Do we need to fill in Step 2 or Step 4(a)? Her other income is about $1,450/month. I'm her son, ⟦P:Ryan Kline⟧, and I'd like to claim her as a dependent too — my SSN is ⟦ID@US:617-18-9116⟧ if that matters for anything.
""",
)

add(
    "cred",
    "en",
    "kyc-form",
    "form",
    r"""
Our fintech's KYC provider rejects this submission with "document mismatch". Which field is likely wrong?

Applicant name: ⟦P:Avni Wable⟧
Date of birth: ⟦DOB:03-01-1987⟧
Aadhaar number: ⟦ID@IN:9193 2047 2856⟧
PAN: ⟦ID@IN:BKRPW4821K⟧
Mobile (linked to Aadhaar): ⟦T:+91 98201 44375⟧
Address: ⟦A:35/953, Bawa Circle, Ongole, Andhra Pradesh 523001⟧
Document uploaded: PAN card (front), Aadhaar (front only)
""",
)

add(
    "cred",
    "en",
    "job-application",
    "prose",
    r"""
why would a job portal say "invalid ID number" for my SA ID ⟦ID@ZA:8604266921080⟧? it's straight from my green ID book
""",
)

add(
    "cred",
    "en",
    "payroll-email",
    "prose",
    r"""
Is it OK to send my SIN by email to our payroll person? Here's what I was going to send — please make it sound professional:

Hi ⟦P:Jenna⟧,
For payroll setup: my SIN is ⟦ID@CA:767 706 245⟧. For direct deposit, transit 00442, institution 003, account ⟦ACC:5123348⟧. My legal name is ⟦P:Mathieu Drouin⟧ (not Matt).
Thanks!
""",
)

add(
    "cred",
    "en",
    "ssh-automation",
    "code",
    r"""
paramiko raises "SSHException: not a valid RSA private key file" when loading this key. The key works with plain `ssh -i`. What am I doing wrong?

```python
import io, paramiko

KEY = '''⟦PK:-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIFM8r2n9gL+rmOP6vhDCMk4e25+3FXY63fvXhPSLHVlNoAoGCCqGSM49
AwEHoUQDQgAEfJsCZqxU8zIZzNm0G7EHekZCPaCdaOB8VFKCkvyQyTSIivfklTR5
5U1+ZEnSwg9kJN1PluCCZKfwi8FgbagR/Q==
-----END EC PRIVATE KEY-----⟧'''

pkey = paramiko.RSAKey.from_private_key(io.StringIO(KEY))
client = paramiko.SSHClient()
client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
client.connect("bastion.internal", username="deploy", pkey=pkey)
```
""",
)

add(
    "cred",
    "en",
    "packaging",
    "ini",
    r"""
twine upload works for TestPyPI but fails on real PyPI with 403 "Invalid or non-existent authentication information". Here's my ~/.pypirc:

[distutils]
index-servers =
    pypi
    testpypi

[pypi]
username = __token__
password = ⟦K:pypi-AgEIcHlwaS5vcmcyDneZX67mLxtyNGYCQjJHVuD9adUvdUpeg_V754bXd1XtNRtTcQ6lqy3PlDc⟧

[testpypi]
repository = https://test.pypi.org/legacy/
username = ⟦U:kgalanis⟧
password = ⟦S:Th3ssaloniki!Sunset⟧
""",
)

add(
    "cred",
    "en",
    "app-config",
    "json",
    r"""
Write me a Python function that loads this config and validates that all the provider keys are present and look the right shape (prefixes etc.):

{
  "env": "production",
  "llm": {"provider": "anthropic", "api_key": "⟦K:sk-ant-api03-TCaG_mQhjYLZBtfaltoHKdg9wEM4RCQ5aywyug0heN5izuvWA2NrXOrsGhHAQk3V0JEI7J4B1TJuAXEzhJpDzTV1yDcDbAA⟧", "model": "claude-3-5-sonnet-20240620"},
  "email": {"provider": "sendgrid", "api_key": "⟦K: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⟧", "from_name": "Lumenboard"},
  "sms": {"provider": "twilio", "account_sid": "⟦K:AC2e533d27ab815a0404ed8b6ca3cd9816⟧", "auth_token": "⟦K:2518cda563a318b060384fe454b4d77a⟧", "sender_id": "LUMENBOARD"},
  "hf_token": "⟦K:hf_PHCOhZ3SNkcFPHqkeW6jmB15tUKPHYRz0r⟧"
}
""",
)

add(
    "cred",
    "en",
    "visa-application",
    "prose",
    r"""
Can you translate the key points of this Schengen visa application summary from my notes into clean English for the cover letter? Notes:

applicant ⟦P:Elif Yıldırım⟧, born ⟦DOB:14.02.1991⟧ in İzmir, T.C. Kimlik No ⟦ID@TR:85063833130⟧, passport ⟦PASS:U18472093⟧ valid until 2032. going to Lisbon + Porto 12–26 Sept for a conference (invitation letter attached) and holiday. sponsor is my husband ⟦P:Kerem Yıldırım⟧, T.C. ⟦ID@TR:45040757866⟧. hotel booked, return flight booked. visa fee (€90) paid online with my card ⟦CC:4676 1127 0271 5770⟧, receipt attached.
""",
)

add(
    "cred",
    "en",
    "integration-logs",
    "kv-log",
    r"""
Our Slack notifier silently stopped posting. Here's the debug log — what's failing? (the first 401 is from our own API, the second is Slack)

2024-06-11T09:15:02Z DEBUG http.out method=GET url=https://api.internal.lumen.io/v1/alerts headers="{'Authorization': 'Basic ⟦S:bWtvd2FsY3p5azpMYXRvMjAyMyFHZGFuc2s=⟧'}"
2024-06-11T09:15:02Z DEBUG http.in status=401 body="{\"error\":\"password expired\"}"
2024-06-11T09:15:03Z DEBUG slack.post channel=C04RL2M8Q token=⟦K:xoxb-85071450442-9761938119755-RwXIRUY39Uundeo5PZKDeZ0k⟧ text="3 new alerts"
2024-06-11T09:15:03Z DEBUG http.in status=200 body="{\"ok\":false,\"error\":\"not_in_channel\"}"
""",
)
# ---------------------------------------------------------------------------
# Group 2: credentials, secrets and national identifiers, other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "de",
    "family-help",
    "prose",
    r"""
Schreib mir bitte eine ganz einfache Schritt-für-Schritt-Anleitung für meine Oma (82), wie sie ihr neues Tablet mit dem WLAN verbindet. Große Schrift, kurze Sätze.

Die Daten:
WLAN-Name: FRITZ!Box 7590 KW
WLAN-Schlüssel: ⟦S:5928 3710 4466 0192 8351⟧ (steht auch hinten auf dem Router)
Kennwort für die FRITZ!Box-Oberfläche: ⟦S:tinte4812⟧ (das braucht sie eigentlich nicht)
PIN vom Tablet: ⟦S:4719⟧
""",
)

add(
    "cred",
    "de",
    "hr-onboarding",
    "form",
    r"""
Ein neuer Kollege pendelt aus Salzburg zu uns nach Freilassing. Welche Felder im Personalfragebogen brauchen wir für die Lohnabrechnung in Deutschland zusätzlich, wenn er in Österreich wohnt?

Personalfragebogen
Name: ⟦P:Lukas Hofer⟧
Geburtsdatum: ⟦DOB:29.07.1992⟧
Anschrift: ⟦A:Ignaz-Harrer-Straße 41, 5020 Salzburg⟧
Steuerliche Identifikationsnummer: ⟦ID@DE:74 126 757 389⟧
Österreichische Sozialversicherungsnummer: ⟦ID@AT:3590 290792⟧
Bankverbindung: ⟦IBAN:AT69 5996 5358 0602 6184⟧
Führerscheinnummer (für Dienstwagen): ⟦DL:B072RRE2I55⟧
Konfession: rk
Steuerklasse: I
""",
)

add(
    "cred",
    "de",
    "self-hosting",
    "yaml",
    r"""
Mein docker-compose startet, aber Paperless kann sich nicht mit Postgres verbinden („password authentication failed for user paperless"). Was übersehe ich?

services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: paperless
      POSTGRES_PASSWORD: ⟦S:Wq8vRt2nZk5pLm3x⟧
    volumes: [pgdata:/var/lib/postgresql/data]
  paperless:
    image: ghcr.io/paperless-ngx/paperless-ngx:2.10
    environment:
      PAPERLESS_DBHOST: db
      PAPERLESS_DBPASS: ⟦S:Wq8vRt2nZk5pLm3X⟧
      PAPERLESS_SECRET_KEY: ⟦S:dvpgEyf6jkvSjozyImyFLKQJ79e8NsqrCHT9tgmL2Ku=⟧
      PAPERLESS_EMAIL_HOST_PASSWORD: ⟦S:Hausboot!Elbe77⟧
      HF_TOKEN: ⟦K:hf_PHCOhZ3SNkcFPHqkeW6jmB15tUKPHYRz0r⟧
volumes:
  pgdata:
""",
)

add(
    "cred",
    "fr",
    "health-insurance",
    "prose",
    r"""
Je dois remplir le formulaire d'adhésion à la mutuelle de ma nouvelle boîte et je ne comprends pas la différence entre « numéro de sécurité sociale » et « numéro d'adhérent ». Mon numéro sur la carte Vitale c'est ⟦ID@FR:2 95 02 92 968 222 03⟧, je suis née le ⟦DOB:12/02/1995⟧, et sur l'ancienne mutuelle j'avais le numéro d'adhérent ⟦ACC:ADH-5520917⟧. Lequel je mets où ? Je m'appelle ⟦P:Pauline Georges⟧.
""",
)

add(
    "cred",
    "fr",
    "eid-help",
    "prose",
    r"""
Bonjour, ma carte d'identité belge est bloquée depuis que je me suis trompé de code trois fois en voulant me connecter à Itsme. Mon numéro de registre national est ⟦ID@BE:86.07.08-823.16⟧. Le code PIN que j'avais noté c'est ⟦S:4092⟧ et j'ai encore la lettre avec le code PUK ⟦S:8317264019⟧. Est-ce que je peux débloquer la carte moi-même avec le PUK ou je dois forcément aller à la commune ?
""",
)

add(
    "cred",
    "fr",
    "mail-config",
    "ini",
    r"""
Notre appli Flask n'envoie plus de mails depuis la migration. Voici le fichier de conf, tu vois une erreur ?

[smtp]
host = smtp.eu.mailgun.org
port = 587
user = ⟦E:camille.roux@atelier-cerise.fr⟧
password = ⟦S:9b!Kq3pTz8WmRx2⟧
use_tls = yes

[mailgun_api]
base_url = https://api.eu.mailgun.net/v3/mg.atelier-cerise.fr
api_key = ⟦K:key-e993119d462c58c89c13aa3d4acd1569⟧

[notifications]
destinataire_admin = ⟦E:camille.roux@atelier-cerise.fr⟧
copie = ⟦E:thomas.girardin@atelier-cerise.fr⟧
""",
)

add(
    "cred",
    "es",
    "rental-contract",
    "prose",
    r"""
Estamos preparando el contrato de alquiler con la gestoría y nos piden los datos de los dos inquilinos. ¿El NIE de mi pareja vale igual que un DNI para el contrato o necesita el TIE? Los datos son: yo, ⟦P:Álvaro Castaño Ruiz⟧, DNI ⟦ID@ES:85403077Y⟧; ella, ⟦P:Giulia Ferraro⟧, NIE ⟦ID@ES:X3534158R⟧ (italiana, lleva 3 años aquí; también tiene pasaporte italiano ⟦PASS:YA4827193⟧).
""",
)

add(
    "cred",
    "es",
    "banking-help",
    "prose",
    r"""
me bloquearon la CuentaRUT, rut ⟦ID@CL:17.144.506-K⟧, la clave era ⟦S:chocolo2019⟧ o ⟦S:Chocolo2024#⟧, ¿cómo la desbloqueo sin ir al banco?
""",
)

add(
    "cred",
    "es",
    "api-scripting",
    "command",
    r"""
Este script que lanzo desde cron falla con "curl: (22) The requested URL returned error: 403". A mano funciona. ¿Puede ser por el usuario con el que corre cron?

#!/bin/bash
curl -fsS -u ⟦U:jgarciamoreno⟧:⟦S:Tarifa.2024!viento⟧ https://intranet.viajesalborada.es/export/reservas.csv -o /tmp/reservas.csv
curl -fsS "https://maps.googleapis.com/maps/api/geocode/json?address=Sevilla&key=⟦K:AIzaxWF2ufaHmvx5DjrkUclpHIHUA_szC8WClUS⟧" > /tmp/geo.json
""",
)

add(
    "cred",
    "it",
    "public-services",
    "prose",
    r"""
Mi scade la tessera sanitaria e devo rinnovarla, ma intanto il medico mi chiede il codice fiscale per la ricetta dematerializzata. Il codice è ⟦ID@IT:BNFCHR87R42A944J⟧, io sono ⟦P:Chiara Bonfanti⟧. Posso usare il fascicolo sanitario con la CIE? Il PIN della carta d'identità elettronica ce l'ho, è ⟦S:51738204⟧, ma non so dove inserirlo.
""",
)

add(
    "cred",
    "it",
    "payroll-form",
    "form",
    r"""
Lavoro a Lugano e l'ufficio del personale mi ha mandato questo modulo. Mi spieghi cosa vuol dire "permesso G" e se ho compilato bene il numero AVS?

Cognome e nome: ⟦P:Rinaldi Marco⟧
Data di nascita: ⟦DOB:08.05.1984⟧
Domicilio: ⟦A:Via Borgovico 118, 22100 Como (IT)⟧
Numero AVS: ⟦ID@CH:756.2779.9217.62⟧
Permesso: G (frontaliere)
Conto per lo stipendio: ⟦IBAN:CH72 0037 0444 9756 5732 8⟧
""",
)

add(
    "cred",
    "it",
    "dev-setup",
    "command",
    r"""
Sul server di staging questi due comandi non funzionano: il primo dice "Access denied for user", il secondo "Authentication failed". Cosa controllo?

mysql -h 10.20.4.15 -u ⟦U:mario.rossi⟧ -p'⟦S:Vesuvio#88⟧' gestionale_staging
git clone https://⟦U:mrossi-dev⟧:⟦K: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⟧@github.com/officina-digitale/gestionale.git
""",
)

add(
    "cred",
    "pt",
    "household-employer",
    "prose",
    r"""
Vou registrar a babá no eSocial Doméstico e estou perdida. Tenho os dados dela: ⟦P:Cecília Nunes⟧, CPF ⟦ID@BR:085.028.265-90⟧, nascida em ⟦DOB:09/11/2001⟧. Ela me passou a senha do gov.br dela (⟦S:Natal@2001cn⟧) pra eu ver o CNIS, mas isso é seguro? Qual o passo a passo pra fazer a admissão?
""",
)

add(
    "cred",
    "pt",
    "tax-portal",
    "form",
    r"""
Estou a tentar aderir à autenticação.gov e dá erro "dados não coincidem". Confere se está tudo coerente?

Nome completo: ⟦P:Iara Sofia Andrade⟧
N.º do Cartão de Cidadão: ⟦ID@PT:52284093 4 X38⟧
NIF: ⟦ID@PT:153659912⟧
Data de nascimento: ⟦DOB:26/01/2006⟧
Senha do Portal das Finanças: ⟦S:Lourosa2345!⟧
Telemóvel: ⟦T:924 583 757⟧
""",
)

add(
    "cred",
    "nl",
    "tax-benefits",
    "prose",
    r"""
Ik heb een brief gekregen van Dienst Toeslagen dat ik €1.240 huurtoeslag moet terugbetalen over 2022. Ik snap niet waarom, mijn inkomen was toen lager. Op de brief staat mijn BSN ⟦ID@NL:318078375⟧ en als kenmerk 2022-HT-7714-0021. Kan ik bezwaar maken en wat schrijf ik dan? Ik ben ⟦P:Louis Heymans⟧, geboren ⟦DOB:29-02-1980⟧.
""",
)

add(
    "cred",
    "nl",
    "ci-logs",
    "kv-log",
    r"""
Onze GitLab-pipeline faalt sinds vanochtend bij het clonen van de submodule. Dit staat in de job log, wat is er mis?

2024-06-11T07:41:10Z job=4471823 step=get_sources msg="Fetching changes with git depth set to 20"
2024-06-11T07:41:11Z job=4471823 step=submodule cmd="git clone https://oauth2:⟦K:glpat-QRJNaStQGgZgsgRyBWk2⟧@gitlab.com/rijnmond-ict/shared-config.git"
2024-06-11T07:41:12Z job=4471823 step=submodule level=error msg="remote: HTTP Basic: Access denied. The provided password or token is incorrect or it has expired"
2024-06-11T07:41:12Z job=4471823 step=deploy_hook header="Authorization: Bearer ⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjdXN0XzU1MTIwIiwidGVuYW50IjoiYWNtZS1ldSIsImlhdCI6MTczMDAwMDAwMH0.KSvNjePgcaiJL922FVAJaBFldrn3MTrsiUyPPNlu7oU⟧" status=skipped
""",
)

add(
    "cred",
    "nl",
    "api-debugging",
    "http",
    r"""
Waarom krijg ik een 403 terug op dit verzoek naar onze eigen API? Met dezelfde gebruiker kan ik wel inloggen in de webinterface.

DELETE /api/v1/facturen/2024-00318 HTTP/1.1
Host: boekhouding.verbeek-installatie.nl
Authorization: Basic ⟦S:ai52ZXJiZWVrOlR1bHAjODh6b24=⟧
Accept: application/json
X-Requested-With: XMLHttpRequest
""",
)

add(
    "cred",
    "pl",
    "sick-leave",
    "prose",
    r"""
Pracodawca twierdzi, że nie widzi mojego zwolnienia lekarskiego na PUE ZUS. Lekarz wystawił e-ZLA wczoraj. Mój PESEL to ⟦ID@PL:90091849921⟧, nazywam się ⟦P:Katarzyna Wrona⟧. Co mam zrobić, żeby pracodawca je zobaczył? Czy muszę coś potwierdzić w swoim profilu?
""",
)

add(
    "cred",
    "pl",
    "password-check",
    "prose",
    r"""
czy hasło ⟦S:Kasia1990!⟧ do banku jest ok? pin do karty mam ⟦S:1990⟧ bo łatwo zapamiętać
""",
)

add(
    "cred",
    "pl",
    "db-admin",
    "sql",
    r"""
Po wykonaniu tego skryptu nowy użytkownik nie może się zalogować z innej maszyny („Host is not allowed to connect"). Co poprawić?

CREATE USER '⟦U:jan.nowak⟧'@'localhost' IDENTIFIED BY '⟦S:Wisla2024!Krakow⟧';
GRANT SELECT, INSERT, UPDATE ON sklep.* TO '⟦U:jan.nowak⟧'@'localhost';
FLUSH PRIVILEGES;
-- z laptopa: mysql -h 192.168.10.5 -u ⟦U:jan.nowak⟧ -p sklep
""",
)

add(
    "cred",
    "sv",
    "parental-benefit",
    "prose",
    r"""
Jag ska ansöka om föräldrapenning men Försäkringskassan säger att min sambo redan tagit ut dagarna för samma period. Vi har inte det. Mitt personnummer är ⟦ID@SE:780519-1249⟧ och hans är ⟦ID@SE:590608-1954⟧. Hur skriver jag en begäran om omprövning? Jag heter ⟦P:Matilda Andersson⟧.
""",
)

add(
    "cred",
    "sv",
    "fi-registration",
    "form",
    r"""
Jag har fått en blankett från Myndigheten för digitalisering och befolkningsdata i Finland. Kan du förklara vad "personbeteckning" är och om jag fyllt i rätt?

Efternamn: ⟦P:Lindholm⟧
Förnamn: ⟦P:Mikael⟧
Personbeteckning: ⟦ID@FI:251263-7154⟧
Adress: ⟦A:Strandvägen 7 B 12, 65100 Vasa⟧
Modersmål: svenska
""",
)

add(
    "cred",
    "sv",
    "family-note",
    "prose",
    r"""
Gör en snygg lapp som vi kan sätta på kylen till barnvakten i helgen. Ta med wifi, larmkoden och vad man gör om larmet går.

Wifi: Ekbacken_5G, lösenord ⟦S:blåbärspaj-1987⟧
Larmkod: ⟦S:6621⟧ (slå koden + OFF)
Om larmet går ändå: ring Securitas, de frågar efter lösenordet "⟦S:Kantarell⟧"
""",
)

add(
    "cred",
    "da",
    "student-grant",
    "prose",
    r"""
Min kæreste er norsk og flytter til Danmark i august. Skal han have et dansk CPR-nummer før han kan søge SU, og hvad skal vi bruge hans norske fødselsnummer til? Hans er ⟦ID@NO:24069272165⟧ (hans norske pas har nummer ⟦PASS:FH9271834⟧), og mit CPR er ⟦ID@DK:110797-0522⟧. Vi bor på ⟦A:Nørrebrogade 88, 2. tv., 2200 København N⟧.
""",
)

add(
    "cred",
    "da",
    "ssh-help",
    "command",
    r"""
Når jeg kører kommandoen herunder, siger ssh "Load key: invalid format". Jeg har kopieret nøglen fra min gamle computer ind i en ny fil. Hvad er der galt?

$ cat > ~/.ssh/id_ed25519 <<'EOF'
⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACA+3oFt+L7dfZXUuRnfhBXgDfbXDpygo2tSoOCk4I9b5gAAAIjFLEpoxSxK
aAAAAAtzc2gtZWQyNTUxOQAAACA+3oFt+L7dfZXUuRnfhBXgDfbXDpygo2tSoOCk4I9b5g
AAAEBrFYiZZ00krS+VC2FBq+LBRhlSzEkIueEy9icr/fVN9D7egW34vt19ldS5Gd+EFeAN
9tcOnKCja1Kg4KTgj1vmAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧
EOF
$ chmod 644 ~/.ssh/id_ed25519
$ ssh ⟦U:mhansen⟧@build01.lokal
""",
)
# ---------------------------------------------------------------------------
# Group 3: nothing private (labels: []), English
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "history",
    "prose",
    r"""
For my A-level essay: how far was the Peace of Westphalia (signed 24 October 1648 in Osnabrück and Münster) really the start of the modern state system? I need three arguments for and two against, with historians I can cite — I've got Leo Gross (1948) and Andreas Osiander (2001) so far. Also, was Cardinal Mazarin or Ferdinand III more important in the final negotiations?
""",
)

add(
    "benign",
    "en",
    "literature",
    "prose",
    r"""
I'm writing a 1,500-word essay on how Elizabeth Bennet's first impressions of Mr Darcy change between the Meryton assembly and her visit to Pemberley. Can you suggest a structure and key quotations with chapter numbers? I'm using the Penguin Classics edition (ISBN 978-0-14-143951-8), so page numbers won't match yours — chapters are fine. Bonus if you can connect it to Austen's original title, "First Impressions".
""",
)

add(
    "benign",
    "en",
    "science",
    "prose",
    r"""
Quick sanity check on my chem homework. A balloon holds 2.50 L of helium at 22.0 °C and 101.3 kPa. How many atoms is that? I used n = PV/RT with R = 8.314 J/(mol·K) and got 0.1033 mol, then multiplied by Avogadro's number 6.02214076 × 10^23 mol⁻¹ to get 6.22 × 10^22 atoms. Also, why is the Boltzmann constant 1.380649 × 10^-23 J/K exactly now — wasn't it measured?
""",
)

add(
    "benign",
    "en",
    "travel",
    "prose",
    r"""
Plan 3 days in Lisbon for two people in mid-October, moderate budget, we love food and viewpoints but hate queues. Must-sees: Belém Tower, Jerónimos Monastery, LX Factory, Miradouro da Senhora do Monte, a day trip to Sintra (Pena Palace opens 9:30). Should we get the Lisboa Card, and is tram 28 worth it or just a tourist trap? We land at 10:40 on the Thursday and fly out Sunday 19:15.
""",
)

add(
    "benign",
    "en",
    "cooking",
    "prose",
    r"""
My banana bread recipe makes one 900 g loaf (2 lb tin). I need to scale it for a 23 × 33 cm traybake for a bake sale. Original: 3 overripe bananas, 75 g melted butter, 150 g light brown sugar, 1 egg, 1 tsp vanilla, 1 tsp bicarbonate of soda, pinch of salt, 190 g plain flour. Baked 60 min at 175 °C (fan 155 °C). How much of each, and how long should the traybake bake?
""",
)

add(
    "benign",
    "en",
    "sport",
    "prose",
    r"""
did Emiliano Martínez save one or two penalties in the 2022 World Cup final shootout vs France?
""",
)

add(
    "benign",
    "en",
    "maths",
    "prose",
    r"""
Can you walk me through the Luhn algorithm step by step using the Wikipedia example 7992739871 (the check digit should come out as 3)? Then explain why it catches every single-digit error but not the transposition 09 ↔ 90. I'm teaching this to a Year 10 class tomorrow so keep it concrete.
""",
)

add(
    "benign",
    "en",
    "finance",
    "markdown-table",
    r"""
Compute the revenue CAGR for each segment from FY2020 to FY2024 and tell me which one is dragging the overall margin. Figures in $m from the annual reports:

| Segment | FY2020 | FY2021 | FY2022 | FY2023 | FY2024 | FY2024 op. margin |
|---|---|---|---|---|---|---|
| Cloud services | 412.0 | 498.5 | 611.2 | 702.9 | 804.3 | 24.1% |
| On-prem licences | 288.4 | 271.0 | 250.7 | 231.5 | 208.8 | 31.5% |
| Professional services | 96.2 | 104.7 | 118.3 | 125.0 | 129.6 | 6.2% |
| Hardware | 55.0 | 61.8 | 49.9 | 44.1 | 40.3 | -3.8% |
""",
)

add(
    "benign",
    "en",
    "legal",
    "prose",
    r"""
Explain in plain English the difference between relying on consent (Art. 6(1)(a) GDPR) and legitimate interests (Art. 6(1)(f)) for sending a B2B newsletter. Does recital 47 ("the processing of personal data for direct marketing purposes may be regarded as carried out for a legitimate interest") settle it, or does PECR regulation 22 still require consent in the UK? A one-page answer is fine.

For context, this is the bit of Article 17(1) our DPO keeps quoting at me, and I don't see how it relates to the newsletter question at all:

"The data subject shall have the right to obtain from the controller the erasure of personal data concerning him or her without undue delay and the controller shall have the obligation to erase personal data without undue delay where one of the following grounds applies: (a) the personal data are no longer necessary in relation to the purposes for which they were collected or otherwise processed; (b) the data subject withdraws consent on which the processing is based according to point (a) of Article 6(1), or point (a) of Article 9(2), and where there is no other legal ground for the processing; (c) the data subject objects to the processing pursuant to Article 21(1) and there are no overriding legitimate grounds for the processing, or the data subject objects to the processing pursuant to Article 21(2); (d) the personal data have been unlawfully processed; ..."

Is the point that an objection under Article 21(2) to direct marketing is absolute, so legitimate interests only gets us as far as the first unsubscribe?
""",
)

add(
    "benign",
    "en",
    "scheduling",
    "form",
    r"""
Turn this into a tidy agenda I can paste into the calendar invite. Keep the times in BST.

Event: Product & Engineering offsite
Date: Thursday 19 September – Friday 20 September
Venue: The Royal Society, 6–9 Carlton House Terrace, London SW1Y 5AG
Day 1: 09:30 arrival & coffee, 10:00 CEO update, 11:00 roadmap H1, 12:30 lunch, 13:30 breakout sessions (3 tracks), 16:00 demos, 18:30 dinner at a restaurant TBC near Piccadilly Circus
Day 2: 09:00 retrospectives, 10:30 OKR drafting, 12:00 wrap-up, 12:30 close
Dress code: casual
""",
)

add(
    "benign",
    "en",
    "translation",
    "prose",
    r"""
Translate this product description into German and French for our Shopify store. Keep "Trailhead 28" as the product name, use metric units only, and keep it punchy.

"The Trailhead 28 is a lightweight daypack built for long hikes and short commutes. 28 litres, 840 g, water-resistant 210D ripstop, a padded 16-inch laptop sleeve and a ventilated back panel that actually works in August. Comes in Moss, Slate and Ember. Lifetime warranty."
""",
)

add(
    "benign",
    "en",
    "debugging",
    "code",
    r"""
Our Celery worker crashes on this task every few hours. What's the likely cause?

```
[2024-06-11 03:12:44,118: ERROR/ForkPoolWorker-3] Task reports.tasks.build_pdf[cc19a14c-5842-4bb5-a701-01501a04a866] raised unexpected: OSError(24, 'Too many open files')
Traceback (most recent call last):
  File "/opt/venv/lib/python3.11/site-packages/celery/app/trace.py", line 477, in trace_task
    R = retval = fun(*args, **kwargs)
  File "/opt/venv/lib/python3.11/site-packages/celery/app/trace.py", line 760, in __protected_call__
    return self.run(*args, **kwargs)
  File "/srv/app/reports/tasks.py", line 88, in build_pdf
    with open(tmp_path, "wb") as fh:
[2024-06-11 03:12:44,131: WARNING/ForkPoolWorker-3] /opt/venv/lib/python3.11/site-packages/weasyprint/text/fonts.py:118: UserWarning: FontConfig: could not open cache file
[2024-06-11 03:12:44,402: ERROR/MainProcess] Process 'ForkPoolWorker-3' pid:4187 exited with 'signal 9 (SIGKILL)'
[2024-06-11 03:12:45,019: INFO/MainProcess] Task reports.tasks.build_pdf[c29d1604-edc9-48bb-a3bc-65ff7360d567] received
[2024-06-11 03:12:45,020: INFO/MainProcess] celery@worker-reports-2 ready. (celery 5.4.0, kombu 5.3.7, python 3.11.9)
OSError: [Errno 24] Too many open files: '/tmp/report-a44d20d9-0869-46a7-b726-c33b932443be.pdf'
```

tasks.py line 80–95 opens a WeasyPrint HTML(...) per chart and never closes the fonts, I think. ulimit -n is 1024.
""",
)

add(
    "benign",
    "en",
    "devops",
    "yaml",
    r"""
Is there anything wrong with this compose file for local dev? Postgres keeps saying "database "app" does not exist" on first start.

services:
  db:
    image: postgres:16.3-alpine
    environment:
      POSTGRES_USER: postgres
      POSTGRES_PASSWORD: changeme
      POSTGRES_DB: App
    ports: ["127.0.0.1:5432:5432"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 5s
  api:
    build: .
    environment:
      DATABASE_URL: postgresql://postgres:changeme@db:5432/app
      SECRET_KEY: dev-only-not-secret
    depends_on:
      db: { condition: service_healthy }
""",
)

add(
    "benign",
    "en",
    "devops",
    "env",
    r"""
I'm writing the README section for our .env.example. Can you document each variable in a table (name, required?, example, description)?

# Copy to .env and fill in real values. Never commit .env.
APP_ENV=development
APP_URL=http://localhost:3000
DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/myapp_dev
OPENAI_API_KEY=<your-openai-key>
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
STRIPE_WEBHOOK_SECRET=whsec_...
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
SMTP_PASSWORD=changeme
SENTRY_DSN=
""",
)

add(
    "benign",
    "en",
    "ops-logs",
    "kv-log",
    r"""
From these nginx logs (custom format), what's the p95 upstream time, and why are the health checks from 10.0.3.12 showing 499s?

ts=2024-06-11T10:00:01+00:00 remote=127.0.0.1 method=GET path=/healthz status=200 rt=0.002 urt=0.001 ua="kube-probe/1.29"
ts=2024-06-11T10:00:01+00:00 remote=10.0.3.12 method=GET path=/healthz status=499 rt=5.001 urt=- ua="ELB-HealthChecker/2.0"
ts=2024-06-11T10:00:02+00:00 remote=203.0.113.7 method=POST path=/api/v1/quotes status=201 rt=0.318 urt=0.311 ua="Mozilla/5.0"
ts=2024-06-11T10:00:02+00:00 remote=198.51.100.23 method=GET path=/api/v1/quotes/Q-20240611-0042 status=200 rt=0.041 urt=0.039 ua="okhttp/4.12.0"
ts=2024-06-11T10:00:03+00:00 remote=192.168.1.40 method=GET path=/static/app.9f3c1e.js status=304 rt=0.000 urt=- ua="Mozilla/5.0"
ts=2024-06-11T10:00:04+00:00 remote=203.0.113.19 method=POST path=/api/v1/quotes status=502 rt=30.004 urt=30.002 ua="python-httpx/0.27.0"
""",
)

add(
    "benign",
    "en",
    "api-docs",
    "http",
    r"""
Our API docs show this example. Can you rewrite it as a Python `requests` call and a JavaScript `fetch` call, keeping the placeholders?

POST /v1/invoices HTTP/1.1
Host: api.example.com
Authorization: Bearer YOUR_API_KEY
Idempotency-Key: <uuid>
Content-Type: application/json

{"customer": "cus_XXXXXXXXXXXX", "currency": "eur", "lines": [{"sku": "PLAN-PRO-M", "qty": 1}], "due_in_days": 14}
""",
)

add(
    "benign",
    "en",
    "database-design",
    "sql",
    r"""
Review this schema for a small booking app. Which indexes would you add for "upcoming bookings for a customer" and "find customer by email (case-insensitive)"? Postgres 16.

CREATE TABLE customers (
  id          bigserial PRIMARY KEY,
  full_name   text NOT NULL,
  email       text NOT NULL,
  phone       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE bookings (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers(id),
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz NOT NULL,
  status       text NOT NULL CHECK (status IN ('pending','confirmed','cancelled'))
);
SELECT * FROM bookings WHERE customer_id = $1 AND starts_at > now() ORDER BY starts_at LIMIT 20;
SELECT * FROM customers WHERE lower(email) = lower($1);
""",
)

add(
    "benign",
    "en",
    "dependencies",
    "json",
    r"""
npm ci fails with "EINTEGRITY sha512 checksum failed" for this package. Should I just delete the lockfile entry? Snippet from package-lock.json:

"node_modules/lodash.merge": {
  "version": "4.6.2",
  "resolved": "https://registry.npmjs.org/lodash.merge/-/lodash.merge-4.6.2.tgz",
  "integrity": "sha512-7xmD13d2gWdDgQRI7t0Gw5+ELAlKnLmU1dI/WDMB7aMoJpKvErETlbzDnFNLUlGxPJSP53enmK5rv9TU1+WZ0g==",
  "dev": true
},
"node_modules/lru-cache": {
  "version": "10.2.2",
  "resolved": "https://registry.npmjs.org/lru-cache/-/lru-cache-10.2.2.tgz",
  "integrity": "sha512-siq16nyRFUi/+Lkatq+z3h9zfBFQcZvA4cKTNyf361g5i1k8yMI8O42DoWlqM2AToESzFwPi5yJiYUI+AmmrTg==",
  "engines": { "node": "14 || >=16.14" }
}
""",
)

add(
    "benign",
    "en",
    "kubernetes",
    "yaml",
    r"""
Our pods get OOMKilled during the nightly batch even though the JVM heap is set to 1g. Here's the deployment — what limits would you set?

apiVersion: apps/v1
kind: Deployment
metadata:
  name: batch-reconciler
  labels: { app: batch-reconciler, tier: worker }
spec:
  replicas: 2
  selector: { matchLabels: { app: batch-reconciler } }
  template:
    metadata: { labels: { app: batch-reconciler } }
    spec:
      containers:
        - name: reconciler
          image: registry.internal/finance/reconciler@sha256:357dbf65539e48f88ed9f61155cb9263b40c1e19d764115f3561f2f192a5a6f9
          env:
            - { name: JAVA_OPTS, value: "-Xmx1g -XX:+UseG1GC" }
            - { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: reconciler-db, key: password } } }
          resources:
            requests: { cpu: "500m", memory: "1Gi" }
            limits: { memory: "1200Mi" }
""",
)

add(
    "benign",
    "en",
    "ecommerce",
    "csv",
    r"""
Find the products where the listed weight looks wrong compared with similar items, and check whether the EAN-13 check digits are valid.

sku,ean13,name,weight_g,price_eur
MUG-CER-350-WHT,4006381333931,Ceramic mug 350 ml white,340,8.90
MUG-CER-350-BLK,4006381333948,Ceramic mug 350 ml black,34,8.90
TUM-STL-500-GRN,5901234123457,Steel tumbler 500 ml green,410,19.50
BTL-GLS-750-CLR,9780201379624,Glass bottle 750 ml clear,520,12.00
BTL-GLS-750-AMB,4012345678901,Glass bottle 750 ml amber,5200,12.00
""",
)

add(
    "benign",
    "en",
    "shopping",
    "markdown-table",
    r"""
I'm choosing a work laptop for a data-science team, budget £1,800 each. Which of these would you pick and why? Anything I'm missing (e.g. RAM upgradability)?

| Model | CPU | RAM | GPU | Weight | Price |
|---|---|---|---|---|---|
| Lenovo ThinkPad P14s Gen 5 (21G2002DUK) | Ryzen 7 PRO 8840HS | 32 GB (soldered) | Radeon 780M | 1.31 kg | £1,649 |
| Dell Precision 3581 | Core i7-13800H | 32 GB (2× SODIMM) | RTX A1000 6 GB | 1.79 kg | £1,795 |
| Apple MacBook Pro 14" M3 Pro | 11-core M3 Pro | 18 GB unified | 14-core GPU | 1.61 kg | £1,899 |
| HP ZBook Firefly 14 G11 | Core Ultra 7 155H | 32 GB | Arc integrated | 1.41 kg | £1,720 |
""",
)

add(
    "benign",
    "en",
    "git",
    "command",
    r"""
I messed up my branch. I want to squash the last four commits into one but keep 78dc202 separate. What exact interactive rebase should I do?

$ git log --oneline -6
2d98543 (HEAD -> feature/export-csv) fix typo in header row
78dc202 add streaming writer for large exports
8b26382 wip
10457c5 wip 2
cb23190 tests for CSV quoting
8e61792 (origin/main, main) chore: bump version to 2.14.0
$ git --version
git version 2.45.1
""",
)

add(
    "benign",
    "en",
    "shipping",
    "form",
    r"""
The carrier says my parcel is "held at depot — address query" but the address on the label is our office. What should I ask them? Here are the details from the portal:

Tracking number: 1Z999AA10123456784
Service: UPS Standard
Order number: WEB-2024-118533
Invoice number: INV-0098721
Shipped: Mon 10 June 2024, 16:42
Weight: 12.4 kg, 1 of 2 packages
Status: Exception — held at depot (Coventry Hub)
Estimated delivery: Thu 13 June 2024
""",
)

add(
    "benign",
    "en",
    "creative-writing",
    "prose",
    r"""
Write the opening 300 words of a Sherlock Holmes pastiche set in winter 1894. Holmes and Watson are at 221B Baker Street when Mrs Hudson shows in a nervous clerk from the Bank of England. Keep Conan Doyle's voice — Watson narrates — and drop in a reference to Inspector Lestrade and the Diogenes Club.
""",
)

add(
    "benign",
    "en",
    "python-tooling",
    "ini",
    r"""
Why does tox ignore my pytest options? The tests run but without coverage. Here's tox.ini:

[tox]
envlist = py310, py311, py312
isolated_build = true

[testenv]
deps =
    pytest>=8.2
    pytest-cov>=5.0
commands = pytest {posargs}

[pytest]
addopts = --cov=src/mylib --cov-report=term-missing
testpaths = tests

[coverage:run]
branch = true
""",
)

add(
    "benign",
    "en",
    "business",
    "prose",
    r"""
Compare the leadership styles of Satya Nadella and Tim Cook in their first five years as CEO. Use concrete decisions — Nadella's "mobile-first, cloud-first" memo in 2014, the LinkedIn acquisition for $26.2 billion, Cook's push into services and wearables, the 2016 FBI encryption dispute. I need this for an MBA discussion post, about 400 words, neutral tone.
""",
)

add(
    "benign",
    "en",
    "code-review",
    "code",
    r"""
Is this email validator good enough, or should I just use a library? It should reject the bad ones in the test and accept normal addresses.

```python
import re

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)

def is_valid_email(s: str) -> bool:
    return bool(EMAIL_RE.match(s.strip()))

def test_rejects_garbage():
    for bad in ["", "plainaddress", "@missing-local.org", "name@", "two@@signs.com", "no tld@"]:
        assert not is_valid_email(bad)
```
""",
)

add(
    "benign",
    "en",
    "iot-data",
    "csv",
    r"""
This is a raw export from our greenhouse sensors (no header: timestamp, sensor id, temperature °C, relative humidity %, CO₂ ppm). Spot the faulty sensor and suggest a simple outlier rule.

2024-06-11T06:00:00Z,GH2-S01,18.4,71.2,412
2024-06-11T06:00:00Z,GH2-S02,18.6,70.8,418
2024-06-11T06:00:00Z,GH2-S03,-40.0,0.0,0
2024-06-11T06:15:00Z,GH2-S01,18.9,70.1,430
2024-06-11T06:15:00Z,GH2-S02,19.0,69.7,433
2024-06-11T06:15:00Z,GH2-S03,-40.0,0.0,0
2024-06-11T06:30:00Z,GH2-S01,19.7,68.4,455
""",
)

add(
    "benign",
    "en",
    "ops-logs",
    "kv-log",
    r"""
Our nightly backup job got slower every night this week. Anything in these summary lines that explains it?

2024-06-05T02:00:01Z job=pg-backup host=db-replica-2 version=restic/0.16.4 snapshot=8268361a files_new=1204 files_changed=318 added_mib=842.1 duration_s=412 status=ok
2024-06-07T02:00:01Z job=pg-backup host=db-replica-2 version=restic/0.16.4 snapshot=422efdd0 files_new=1311 files_changed=7740 added_mib=6120.9 duration_s=1905 status=ok
2024-06-09T02:00:02Z job=pg-backup host=db-replica-2 version=restic/0.16.4 snapshot=0eee59d6 files_new=1290 files_changed=15022 added_mib=11942.4 duration_s=3688 status=ok
2024-06-11T02:00:01Z job=pg-backup host=db-replica-2 version=restic/0.16.4 snapshot=421e7db8 files_new=1342 files_changed=15110 added_mib=12003.7 duration_s=3720 status=ok warn="prune skipped: lock held"
""",
)
# ---------------------------------------------------------------------------
# Group 3: nothing private (labels: []), other languages
# ---------------------------------------------------------------------------
add(
    "benign",
    "de",
    "cooking",
    "prose",
    r"""
Mein Rezept für Zwetschgendatschi ist für ein Blech (ca. 40 × 30 cm): 500 g Mehl, 1 Würfel Hefe (42 g), 250 ml lauwarme Milch, 60 g Zucker, 60 g Butter, 1 Ei, 1,5 kg Zwetschgen, Streusel aus 150 g Mehl, 100 g Zucker und 100 g Butter. Ich will nur eine runde Springform mit 26 cm Durchmesser backen. Wie viel brauche ich von allem, und wie lange bei 180 °C Ober-/Unterhitze?
""",
)

add(
    "benign",
    "de",
    "history",
    "prose",
    r"""
Ich schreibe eine Hausarbeit über Bismarcks Sozialgesetzgebung. Kannst du mir eine Gliederung vorschlagen? Es soll um das Krankenversicherungsgesetz von 1883, die Unfallversicherung 1884 und die Invaliditäts- und Altersversicherung 1889 gehen – und um die Frage, ob das eher „Zuckerbrot" zur Peitsche des Sozialistengesetzes von 1878 war. Welche Quellen (z. B. die Kaiserliche Botschaft vom 17. November 1881) sollte ich unbedingt zitieren?
""",
)

add(
    "benign",
    "de",
    "travel-planning",
    "form",
    r"""
Bitte mach daraus eine kurze Info-Mail fürs Team, wer wann wo sein muss. Keine Namen nötig, nur Zeiten und Treffpunkte.

Hinfahrt: Mittwoch, 18.09.
Zug: ICE 598, München Hbf ab 14:32 (Gleis 19) – Berlin Hbf an 18:34
Reservierung: Wagen 25, Plätze 61–68
Hotel: Motel One Berlin-Hauptbahnhof, Check-in ab 15:00
Messe: InnoTrans, Messe Berlin, Eingang Süd, Halle 7.2a, Stand 410
Rückfahrt: Freitag, 20.09., ICE 1007 Berlin Hbf ab 16:29 – München Hbf an 20:31
Buchungsnummer Bahn: 7X4KQ2
""",
)

add(
    "benign",
    "de",
    "sql-help",
    "sql",
    r"""
Warum liefert diese Abfrage doppelte Summen, sobald ich die Positionen dazujoine? Ich will pro Monat Umsatz und Anzahl Bestellungen.

SELECT date_trunc('month', b.bestelldatum) AS monat,
       count(*) AS anzahl,
       sum(b.gesamtbetrag) AS umsatz
FROM bestellungen b
JOIN bestellpositionen p ON p.bestell_id = b.id
WHERE b.bestelldatum >= '2024-01-01'
GROUP BY 1
ORDER BY 1;

-- bestellungen: id, bestelldatum, gesamtbetrag, status
-- bestellpositionen: id, bestell_id, artikelnr, menge, einzelpreis
""",
)

add(
    "benign",
    "de",
    "legal",
    "prose",
    r"""
Erklär mir bitte § 573c BGB in einfachen Worten. Wenn ich als Mieterin am 3. Juli kündige, wann endet das Mietverhältnis? Und gilt die Verlängerung der Kündigungsfrist nach fünf und acht Jahren auch für mich oder nur für den Vermieter? Gibt es eine BGH-Entscheidung zu Kündigungen, die erst am dritten Werktag ankommen, wenn ein Samstag dazwischen liegt?
""",
)

add(
    "benign",
    "de",
    "smart-home",
    "yaml",
    r"""
Home Assistant meckert beim Neustart: „Secret mqtt_password not defined". Ich dachte, das steht in secrets.yaml? Hier meine configuration.yaml:

homeassistant:
  name: Zuhause
  unit_system: metric
  time_zone: Europe/Berlin
mqtt:
  broker: 192.168.178.20
  port: 1883
  username: !secret mqtt_user
  password: !secret mqtt_password
http:
  server_port: 8123
  use_x_forwarded_for: true
  trusted_proxies:
    - 127.0.0.1
    - ::1
""",
)

add(
    "benign",
    "fr",
    "literature",
    "prose",
    r"""
Pour mon commentaire composé sur Madame Bovary (deuxième partie, chapitre 8, les comices agricoles), peux-tu m'expliquer comment Flaubert alterne le discours de Rodolphe à Emma et celui du conseiller Lieuvain ? Je voudrais trois axes : l'ironie, la satire de la bourgeoisie normande et le style indirect libre. J'utilise l'édition Folio classique de 2001.
""",
)

add(
    "benign",
    "fr",
    "cooking",
    "prose",
    r"""
Je fais une blanquette de veau pour 8 personnes samedi. Ma recette de base est pour 4 : 1 kg de tendron et épaule, 1 carotte, 1 oignon piqué de 2 clous de girofle, 1 bouquet garni, 250 g de champignons de Paris, 12 petits oignons grelots, 30 g de beurre, 30 g de farine, 20 cl de crème, 1 jaune d'œuf, le jus d'un demi-citron. Est-ce que je double tout, y compris le temps de cuisson (1 h 30) ? Et je peux la préparer la veille ?
""",
)

add(
    "benign",
    "fr",
    "science",
    "prose",
    r"""
Exercice de physique (terminale) : on éclaire une plaque de zinc avec une lumière de longueur d'onde 254 nm. Le travail d'extraction du zinc vaut 4,31 eV. Calculer l'énergie cinétique maximale des électrons émis. Données : h = 6,626 × 10⁻³⁴ J·s, c = 3,00 × 10⁸ m/s, 1 eV = 1,602 × 10⁻¹⁹ J. J'obtiens 0,57 eV, c'est juste ? Et pourquoi rien ne se passe avec une lampe à 400 nm même très puissante ?
""",
)

add(
    "benign",
    "fr",
    "translation",
    "prose",
    r"""
Peux-tu traduire ce courriel en anglais, ton professionnel mais chaleureux ?

« Bonjour, suite à notre échange de mardi, je vous confirme que nous pouvons livrer les 1 200 unités de la référence CX-400 avant le 15 juillet, à condition de recevoir le bon de commande signé d'ici vendredi. Le tarif reste celui du devis n° 2024-0587 (18,40 € HT l'unité, franco de port à partir de 1 000 unités). N'hésitez pas si vous avez des questions. Bien cordialement, le service commercial »
""",
)

add(
    "benign",
    "fr",
    "ops-logs",
    "kv-log",
    r"""
Depuis la mise à jour, la tâche cron de synchro s'exécute deux fois par nuit. Tu vois pourquoi dans ces logs ?

2024-06-10T01:00:00+02:00 host=srv-batch-01 job=sync-catalogue pid=20411 version=3.8.2 msg="démarrage" source=http://127.0.0.1:8081/export
2024-06-10T01:00:00+02:00 host=srv-batch-01 job=sync-catalogue pid=20412 version=3.8.2 msg="démarrage" source=http://127.0.0.1:8081/export
2024-06-10T01:04:37+02:00 host=srv-batch-01 job=sync-catalogue pid=20411 msg="terminé" articles=18422 duree_s=277
2024-06-10T01:04:39+02:00 host=srv-batch-01 job=sync-catalogue pid=20412 msg="erreur" detail="verrou déjà pris: /var/lock/sync-catalogue.lock"
""",
)

add(
    "benign",
    "fr",
    "association-budget",
    "markdown-table",
    r"""
Voici le budget prévisionnel de notre association de quartier pour 2025. Peux-tu vérifier les totaux et proposer une présentation plus lisible pour l'assemblée générale ?

| Poste | 2024 réalisé | 2025 prévu |
|---|---|---|
| Cotisations | 2 340 € | 2 500 € |
| Subvention mairie | 1 500 € | 1 500 € |
| Fête de quartier (recettes buvette) | 1 870 € | 2 000 € |
| **Total recettes** | **5 710 €** | **6 000 €** |
| Location de salle | 960 € | 1 000 € |
| Assurance | 412 € | 430 € |
| Matériel et fournitures | 1 205 € | 1 300 € |
| Fête de quartier (dépenses) | 2 630 € | 2 700 € |
| **Total dépenses** | **5 207 €** | **5 430 €** |
""",
)

add(
    "benign",
    "es",
    "travel",
    "prose",
    r"""
Quiero hacer una ruta de 5 días por Andalucía en tren en octubre: Sevilla, Córdoba y Granada. ¿Cómo repartirías los días? Lo imprescindible para mí: el Real Alcázar y la Catedral de Sevilla, la Mezquita-Catedral de Córdoba y la Alhambra con los Palacios Nazaríes. ¿Con cuánta antelación hay que sacar las entradas de la Alhambra y conviene el AVE o el Avant entre Sevilla y Córdoba?
""",
)

add(
    "benign",
    "es",
    "sport",
    "prose",
    r"""
¿Me haces un resumen de la final de la Champions de 2024 en Wembley entre el Real Madrid y el Borussia Dortmund? Sé que ganó el Madrid 2-0 con goles de Carvajal y Vinícius Jr., pero quiero saber cómo fue la primera parte, en la que el Dortmund tuvo ocasiones claras con Adeyemi y Füllkrug. Y ¿cuántas Champions tiene ya Ancelotti como entrenador?
""",
)

add(
    "benign",
    "es",
    "maths",
    "prose",
    r"""
Tengo un examen de estadística mañana. Si lanzo dos dados de seis caras, ¿cuál es la probabilidad de que la suma sea 7? ¿Y de que salga al menos un 6 en cuatro lanzamientos de un dado? Yo he calculado 1/6 para lo primero y 1 − (5/6)⁴ ≈ 0,518 para lo segundo. Explícame también por qué el problema del caballero de Méré tiene que ver con esto.
""",
)

add(
    "benign",
    "es",
    "frontend",
    "code",
    r"""
Me sale este error en la consola al cargar la página del carrito y no entiendo por qué, si el array existe:

```
Uncaught TypeError: Cannot read properties of undefined (reading 'map')
    at CartList (CartList.jsx:14:23)
    at renderWithHooks (react-dom.development.js:16305:18)
    at mountIndeterminateComponent (react-dom.development.js:20074:13)
```

```jsx
export function CartList({ cart }) {
  const [items, setItems] = useState();
  useEffect(() => { fetch("/api/cart").then(r => r.json()).then(d => setItems(d.items)); }, []);
  return <ul>{items.map(i => <li key={i.sku}>{i.name} × {i.qty}</li>)}</ul>;
}
```
""",
)

add(
    "benign",
    "es",
    "inventory",
    "csv",
    r"""
Con este inventario, dime qué referencias están por debajo del stock mínimo y cuántas unidades hay que pedir de cada una para llegar al stock objetivo.

referencia,descripcion,ubicacion,stock,minimo,objetivo
TOR-M8-40-ZN,Tornillo M8x40 zincado,A-03-2,1240,500,2000
TUE-M8-ZN,Tuerca M8 zincada,A-03-3,380,500,2000
ARA-M8-ZN,Arandela M8 zincada,A-03-4,2100,800,3000
TAC-NY-8,Taco nylon 8 mm,B-11-1,95,300,1200
BRO-HSS-6,Broca HSS 6 mm,C-02-5,44,40,120
""",
)

add(
    "benign",
    "it",
    "history",
    "prose",
    r"""
Devo preparare una presentazione di 10 minuti sulla Spedizione dei Mille. Mi fai una scaletta? Partenza da Quarto il 5 maggio 1860, sbarco a Marsala l'11 maggio, Calatafimi, Palermo, Milazzo, poi il Volturno e l'incontro di Teano con Vittorio Emanuele II il 26 ottobre. Vorrei anche una slide sul ruolo di Cavour e una sul perché Garibaldi si ritirò a Caprera.
""",
)

add(
    "benign",
    "it",
    "cooking",
    "prose",
    r"""
dosi carbonara per 6? per 2 uso 200 g spaghetti, 100 g guanciale, 2 tuorli + 1 uovo, 50 g pecorino
""",
)

add(
    "benign",
    "it",
    "app-config",
    "json",
    r"""
Questa configurazione viene caricata dalla nostra app Node ma i feature flag sembrano ignorati in staging. Vedi qualcosa che non va?

{
  "app": {"name": "gestionale-ordini", "version": "2.7.1", "port": 3000},
  "api": {"baseUrl": "http://localhost:8080/api", "timeoutMs": 8000},
  "featureFlags": {
    "nuovoCheckout": "true",
    "esportaPdf": true,
    "pagamentoRateale": false
  },
  "logging": {"level": "debug", "pretty": true},
  "environment": "staging",
  "buildSha": "0eee59d67fc2e0570471ce1552b7c4afbd5f4d2a"
}
""",
)

add(
    "benign",
    "it",
    "server-config",
    "ini",
    r"""
MySQL 8 sul nostro VPS consuma troppa RAM (4 GB totali). Mi suggerisci valori ragionevoli per questo my.cnf?

[mysqld]
bind-address = 127.0.0.1
port = 3306
innodb_buffer_pool_size = 3G
innodb_log_file_size = 512M
max_connections = 500
tmp_table_size = 256M
max_heap_table_size = 256M
performance_schema = ON

[client]
user = root
password = <inserire-password>
""",
)

add(
    "benign",
    "it",
    "business",
    "markdown-table",
    r"""
Ho questi dati del conto economico della nostra piccola torrefazione. Calcolami margine lordo e margine operativo per ciascun anno e commentali in 5 righe.

| Voce (€) | 2022 | 2023 |
|---|---|---|
| Ricavi | 612.400 | 688.900 |
| Costo del venduto | 318.200 | 372.600 |
| Personale | 148.000 | 156.500 |
| Affitto e utenze | 52.300 | 61.800 |
| Marketing | 18.700 | 24.100 |
| Ammortamenti | 21.000 | 23.500 |
""",
)

add(
    "benign",
    "pt",
    "literature",
    "prose",
    r"""
Estou a preparar um trabalho sobre Dom Casmurro, do Machado de Assis. Podes ajudar-me a organizar os argumentos sobre a questão "Capitu traiu ou não traiu Bentinho"? Quero falar do narrador não confiável, dos "olhos de ressaca" e do papel de Escobar e de José Dias. Também gostava de comparar com a leitura feminista de Helen Caldwell, de 1960.
""",
)

add(
    "benign",
    "pt",
    "sport",
    "prose",
    r"""
Qual foi o melhor Benfica de sempre? Estava a discutir com um amigo: eu digo a equipa das duas Taças dos Campeões Europeus (1961 contra o Barcelona em Berna e 1962 contra o Real Madrid em Amesterdão), com Eusébio, Coluna e José Águas, treinada por Béla Guttmann. Ele diz o Benfica de Jorge Jesus de 2013/14. Dá-me argumentos para os dois lados.
""",
)

add(
    "benign",
    "pt",
    "devops",
    "command",
    r"""
Fiz deploy com o Helm e os pods ficam em CrashLoopBackOff. O que devo verificar primeiro?

$ helm upgrade --install loja ./charts/loja -n producao -f values-prod.yaml --set image.tag=1.14.3
Release "loja" has been upgraded. Happy Helming!
$ kubectl get pods -n producao
NAME                          READY   STATUS             RESTARTS      AGE
loja-api-7d9c8f6b5d-2xkqp     0/1     CrashLoopBackOff   5 (42s ago)   4m
loja-api-7d9c8f6b5d-hm8tw     0/1     CrashLoopBackOff   5 (38s ago)   4m
loja-worker-5f4b9c7d8-qv2ln   1/1     Running            0             4m
$ kubectl logs loja-api-7d9c8f6b5d-2xkqp -n producao --previous | tail -2
Error: connect ECONNREFUSED 127.0.0.1:6379
    at TCPConnectWrapper.afterConnect [as oncomplete] (node:net:1595:16)
""",
)

add(
    "benign",
    "pt",
    "api-docs",
    "http",
    r"""
Na documentação da API do nosso parceiro aparece este exemplo. Podes explicar o que cada cabeçalho faz e como gerar o X-Signature em Python?

POST /v2/pagamentos HTTP/1.1
Host: sandbox.api.exemplo-pagamentos.pt
Authorization: Bearer {ACCESS_TOKEN}
X-Signature: {HMAC_SHA256_DO_CORPO}
X-Request-Id: c29d1604-edc9-48bb-a3bc-65ff7360d567
Content-Type: application/json

{"valor": 49.90, "moeda": "EUR", "referencia": "ENC-2024-0612-001", "metodo": "mbway"}
""",
)

add(
    "benign",
    "pt",
    "supplier-order",
    "form",
    r"""
Preciso de enviar esta encomenda ao fornecedor mas o sistema dele só aceita texto simples. Podes reformatar de forma clara e verificar se os totais batem certo?

Encomenda n.º: EC-2024-0417
Data: 12/06/2024
Artigo 1: Azulejo 15x15 branco mate (ref. AZ-1515-BM) — 40 caixas × 18,50 € = 740,00 €
Artigo 2: Cola flexível C2TE 25 kg (ref. CL-C2TE-25) — 12 sacos × 14,90 € = 178,80 €
Artigo 3: Betume de juntas cinza 5 kg (ref. BJ-CZ-5) — 8 × 9,75 € = 78,00 €
Total sem IVA: 996,80 €
Entrega: armazém, janela das 8h às 12h, sexta-feira
""",
)

add(
    "benign",
    "nl",
    "history",
    "prose",
    r"""
Ik moet een betoog schrijven over de vraag of de VOC vooral een handelsbedrijf of een koloniale staat was. Kun je argumenten geven aan beide kanten? Denk aan het octrooi van 1602, de verovering van Batavia in 1619 door Jan Pieterszoon Coen, de Banda-eilanden in 1621 en het faillissement in 1799. Welke historici kan ik gebruiken, bijvoorbeeld Femme Gaastra?
""",
)

add(
    "benign",
    "nl",
    "travel",
    "prose",
    r"""
We willen in september een fietstocht van drie dagen maken langs de Vecht, van Utrecht naar Muiden, met overnachtingen onderweg. Welke route raad je aan via de knooppunten, hoeveel kilometer is dat per dag, en zijn Slot Zuylen, Loenen aan de Vecht en het Muiderslot de moeite waard om te stoppen? We fietsen rustig, ongeveer 15 km/u.
""",
)

add(
    "benign",
    "nl",
    "devops",
    "env",
    r"""
Kun je voor dit .env.example een korte uitleg per variabele schrijven voor nieuwe collega's? Er staan nog geen echte waarden in.

# Kopieer naar .env en vul je eigen waarden in
APP_POORT=8000
DB_HOST=localhost
DB_GEBRUIKER=app
DB_WACHTWOORD=vul-hier-in
MOLLIE_API_KEY=test_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
POSTCODE_API_TOKEN=<jouw-token>
LOG_NIVEAU=info
""",
)

add(
    "benign",
    "nl",
    "sprint-planning",
    "markdown-table",
    r"""
Dit is onze sprintplanning. Klopt de capaciteit? We hebben 4 developers × 8 werkdagen × 6 productieve uren.

| Ticket | Omschrijving | Schatting (uur) | Team |
|---|---|---|---|
| WEB-1182 | Betaalpagina iDEAL 2.0 | 24 | Frontend |
| WEB-1190 | Exportknop facturen naar CSV | 10 | Backend |
| WEB-1201 | Cookiebanner herzien | 6 | Frontend |
| API-0877 | Rate limiting op /v2/orders | 16 | Backend |
| API-0881 | Migratie naar PostgreSQL 16 | 40 | Platform |
| OPS-0312 | Monitoring dashboards Grafana | 20 | Platform |
| OPS-0315 | Back-up restore test | 12 | Platform |
""",
)

add(
    "benign",
    "pl",
    "history",
    "prose",
    r"""
Przygotowuję prezentację na lekcję fizyki o Marii Skłodowskiej-Curie. Potrzebuję 8 slajdów: dzieciństwo w Warszawie, Latający Uniwersytet, wyjazd do Paryża w 1891 roku, odkrycie polonu i radu w 1898, Nagroda Nobla z fizyki (1903, razem z Piotrem Curie i Henrim Becquerelem) i z chemii (1911), Instytut Radowy. Możesz zaproponować treść każdego slajdu w punktach?
""",
)

add(
    "benign",
    "pl",
    "cooking",
    "prose",
    r"""
Robię pierogi ruskie na Wigilię dla 12 osób. Przepis z zeszytu babci jest na około 50 sztuk: 500 g mąki, 250 ml ciepłej wody, 2 łyżki oleju, szczypta soli; farsz: 1 kg ziemniaków, 400 g twarogu półtłustego, 2 duże cebule, sól, pieprz. Ile pierogów liczyć na osobę i jak przeliczyć składniki? Czy mogę je zamrozić dzień wcześniej?
""",
)

add(
    "benign",
    "pl",
    "database",
    "sql",
    r"""
Zapytanie trwa 9 sekund na tabeli z 40 mln wierszy. Jaki indeks dodać? Poniżej zapytanie i EXPLAIN.

SELECT status, count(*)
FROM zamowienia
WHERE sklep_id = 17 AND utworzono >= now() - interval '30 days'
GROUP BY status;

Seq Scan on zamowienia  (cost=0.00..1083421.50 rows=212004 width=9) (actual time=0.031..8874.112 rows=198771 loops=1)
  Filter: ((sklep_id = 17) AND (utworzono >= (now() - '30 days'::interval)))
  Rows Removed by Filter: 39801229
Planning Time: 0.118 ms
Execution Time: 9012.447 ms
""",
)

add(
    "benign",
    "pl",
    "statistics",
    "csv",
    r"""
Mam dane o średnich temperaturach miesięcznych z dwóch stacji IMGW za 2023 rok. Policz średnią roczną dla każdej stacji i pokaż, w którym miesiącu różnica była największa.

miesiac,warszawa_okecie,zakopane
styczeń,2.1,-2.4
luty,1.6,-3.0
marzec,4.8,0.2
kwiecień,8.0,3.1
maj,14.1,9.4
czerwiec,18.7,13.8
lipiec,20.4,15.6
sierpień,20.9,16.2
wrzesień,17.8,13.5
październik,10.6,7.1
listopad,4.2,0.8
grudzień,1.5,-2.9
""",
)

add(
    "benign",
    "sv",
    "cooking",
    "prose",
    r"""
Jag ska baka kanelbullar till kalaset på lördag och behöver dubbla satsen men har bara en ugn. Grundreceptet: 50 g jäst, 150 g smör, 5 dl mjölk, 1 dl socker, 1/2 tsk salt, 2 tsk malen kardemumma, ca 13 dl vetemjöl. Fyllning: 100 g smör, 1 dl socker, 1 msk kanel. Hur planerar jag jäsningen så att plåtarna inte står för länge? Ugnen är på 225 grader, 5–8 minuter.
""",
)

add(
    "benign",
    "sv",
    "event-planning",
    "form",
    r"""
Gör ett snyggt schema av det här som jag kan skriva ut och sätta upp i föreningslokalen.

Evenemang: Midsommarfirande på Ängen
Datum: fredag 21 juni 2024
11:00 Vi klär stången (alla hjälps åt, ta med blommor)
13:00 Stången reses
13:15 Dans kring midsommarstången – Små grodorna
14:30 Lekar för barnen: säckhoppning, äggrace
16:00 Kaffe och jordgubbstårta i paviljongen
18:00 Sillunch för anmälda (120 kr per person)
Vid regn: allt flyttas in i Folkets hus, stora salen
""",
)

add(
    "benign",
    "sv",
    "debugging",
    "code",
    r"""
Varför får jag det här felet när jag läser in CSV-filen med pandas? Filen kommer från Excel på en svensk dator.

```
Traceback (most recent call last):
  File "/home/ubuntu/rapport/las_in.py", line 6, in <module>
    df = pd.read_csv("försäljning_2024.csv")
  File "/usr/lib/python3/dist-packages/pandas/io/parsers/readers.py", line 1026, in read_csv
    return _read(filepath_or_buffer, kwds)
UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe4 in position 18: invalid continuation byte
```

Kolumnerna är separerade med semikolon och decimaltecknet är komma (t.ex. 1 249,50).
""",
)

add(
    "benign",
    "da",
    "history",
    "prose",
    r"""
Jeg skal holde et oplæg om Heisenbergs besøg hos Niels Bohr i København i september 1941. Hvad ved vi egentlig om, hvad de talte om, og hvorfor er det så omdiskuteret? Jeg har læst Michael Frayns skuespil "Copenhagen" fra 1998 og hørt om de breve fra Bohr, som Niels Bohr Arkivet offentliggjorde i 2002. Kan du give mig en kort, neutral gennemgang?
""",
)

add(
    "benign",
    "da",
    "travel",
    "prose",
    r"""
Vi kommer til København en lang weekend i december med to børn på 7 og 10. Hvad kan I anbefale? Vi har tænkt på Tivolis julemarked, Den Blå Planet, Rundetårn og en kanaltur fra Nyhavn, hvis de sejler om vinteren. Er Copenhagen Card pengene værd for en familie, og hvor lang tid tager metroen fra Kastrup til Kongens Nytorv?
""",
)

add(
    "benign",
    "da",
    "ci-config",
    "yaml",
    r"""
Vores GitLab-pipeline kører deploy-jobbet, selv når testene fejler. Hvad er der galt i konfigurationen?

stages: [test, build, deploy]
variables:
  DOCKER_IMAGE: "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"
  DEPLOY_TOKEN: "$PROD_DEPLOY_TOKEN"
test:
  stage: test
  image: python:3.12-slim
  script: [pip install -r requirements.txt, pytest -q]
  allow_failure: true
build:
  stage: build
  script: [docker build -t "$DOCKER_IMAGE" ., docker push "$DOCKER_IMAGE"]
deploy:
  stage: deploy
  script: [./scripts/deploy.sh "$DOCKER_IMAGE"]
  when: always
  only: [main]
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


SPLIT_SEED = 20240611
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
        pid = f"f-{n:04d}"
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
    with open(out_dir / "fresh.jsonl", "w", encoding="utf-8") as fh:
        for r in records:
            row = {k: r[k] for k in ("id", "lang", "domain", "format", "text", "labels", "half")}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if "--stats" in sys.argv:
        print_stats(records)
    print(
        f"wrote {len(records)} prompts, {sum(len(r['labels']) for r in records)} labels "
        f"-> {out_dir / 'fresh.jsonl'}"
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
