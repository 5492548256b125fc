#!/usr/bin/env python3
"""Build the 'fresh8' privacy-filter evaluation corpus (eighth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script only holds the prompts,
assigns the ids ``l-0001`` … and writes fresh8.jsonl next to this file with
split seed 8088.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 8088
ID_PREFIX = "l"
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)

# ---------------------------------------------------------------------------
# group pii
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "conference-badge-print-export",
    "csv",
    """
Our badge printer chokes on this file (no header; columns are first, last, company, email, badge type, dietary). Fix the quoting so apostrophes and commas don't break it and tell me which rows were broken.

⟦P:Siobhan⟧,⟦P:O'Neill⟧,"Harbour & Pike, LLP",⟦E:siobhan.oneill@harbourpike.example⟧,SPEAKER,vegan
⟦P:Marco⟧,⟦P:D'Amico⟧,Finlytics,⟦E:m.damico@finlytics.example⟧,ATTENDEE,
⟦P:Anne-Marie⟧,⟦P:Fotheringham-Kaur⟧,NHS Digital Futures,⟦E:amfk@nhsdf.example⟧,ATTENDEE,⟦MC:coeliac⟧
⟦P:DeShawn⟧,⟦P:St. Claire⟧,Ridgeback Labs,"⟦E:deshawn.stclaire@ridgeback.example⟧",STAFF,halal
⟦P:Bo⟧,⟦P:Li⟧,,⟦E:bo.li.1987@mailbox.example⟧,PRESS,⟦MC:tree nut allergy⟧
⟦P:Guðrún⟧,⟦P:Sigurðardóttir⟧,"Norðurljós ehf.",⟦E:gudrun@nordurljos.example⟧,SPEAKER,
""",
)
add(
    "pii",
    "en",
    "court-date-reminder-sms",
    "markdown-table",
    """
Draft one SMS reminder (max 160 characters, friendly, no case numbers) for each of these clients of the county public defender's office. Hearings are at the Daley Center.

| client | DOB | cell | hearing | case no. |
|---|---|---|---|---|
| ⟦P:Tyrone Whitaker⟧ | ⟦DOB:03/14/1996⟧ | ⟦T:(312) 555-0148⟧ | Jun 9, 9:00 am, courtroom 302 | 24-CR-01187 |
| ⟦P:Brianna "Bree" Kowalski⟧ | ⟦DOB:11/02/2001⟧ | ⟦T:(312) 555-0171⟧ | Jun 11, 1:30 pm, courtroom 1704 | 24-MC-33410 |
| ⟦P:Héctor Ruiz-Delgado⟧ | ⟦DOB:07/29/1988⟧ | ⟦T:773-555-0126⟧ | Jun 12, 10:00 am, courtroom 302 | 23-CR-22906 |

Mr. ⟦P:Whitaker⟧'s mother ⟦P:Loretta Whitaker⟧ wants a copy too: ⟦T:708-555-0139⟧. ⟦P:Bree⟧ prefers texts in Spanish.
""",
)
add(
    "pii",
    "en",
    "hotel-pool-incident-report",
    "form",
    """
Turn the night manager's notes into a formal incident report for our liability insurer. Neutral tone, no admission of fault.

Guest: ⟦P:Naledi Mokoena⟧, room 412
SA ID: ⟦ID@ZA:8708251770087⟧ (DOB ⟦DOB:25/08/1987⟧)
Home address: ⟦A:58 Jan Smuts Avenue, Craighall Park, Johannesburg 2196⟧
Mobile: ⟦T:071 112 4719⟧
22:40 — slipped on the wet tiles by the pool bar, hit the back of her head. Conscious throughout. She told the lifeguard she has ⟦MC:epilepsy⟧ and takes ⟦MED:lamotrigine⟧, wasn't sure if she'd had a seizure or just slipped. Her husband ⟦P:Sipho⟧ (⟦T:+27 71 191 5995⟧) drove her to Christiaan Barnard hospital at 23:15.
Duty manager: ⟦P:Riaan van der Merwe⟧. Lifeguard: ⟦P:Thandeka Nkosi⟧. "Wet floor" sign was out but behind a lounger.
""",
)
add(
    "pii",
    "en",
    "unaccompanied-minor-rebooking",
    "prose",
    """
I work at the airline's UM desk. Write an email to the family explaining that the flight was cancelled and the child is rebooked on BA213 tomorrow at 09:35, same escort procedure. Details from the booking: unaccompanied minor ⟦P:Ethan Oyelaran-Price⟧, 9 years old, born ⟦DOB:3 October 2015⟧, passport ⟦PASS:563184920⟧. Dropping off at Heathrow: his mother ⟦P:Folasade Oyelaran-Price⟧, ⟦T:+44 7400 134922⟧, ⟦E:folasade.op@wavemail.example⟧. Collecting in Boston: grandfather ⟦P:Graham Price⟧, ⟦T:(617) 555-0182⟧, ⟦A:41 Pleasant St, Apt 2, Dorchester, MA 02125⟧. ⟦P:Ethan⟧ has ⟦MC:asthma⟧ and his ⟦MED:Ventolin⟧ inhaler is in his backpack, not in the checked bag.
""",
)
add(
    "pii",
    "en",
    "utility-priority-register-chatbot",
    "prose",
    """
Here's a transcript from our web chatbot. Summarise it for the Priority Services team and tell me whether the bot should have escalated sooner.

Bot: Hi, I'm Sparky! What's your account number?
User: ⟦ACC:8201 4477 3190⟧
Bot: Thanks! Can you confirm the name and address on the account?
User: ⟦P:gareth llewellyn-jones⟧, ⟦A:3 maes y dderwen, llandeilo sa19 6ht⟧
Bot: Great. How can I help today?
User: theres a planned outage on thursday 9-3 and my wife ⟦P:rhian⟧ is on a home oxygen concentrator for her ⟦MC:copd⟧. she cant be without it for 6 hours
Bot: I'm sorry to hear that. Would you like to join the Priority Services Register?
User: she should already be on it?? call me on ⟦T:07871 402556⟧
Bot: I can help with that! What's your date of birth?
User: mine or hers. hers is ⟦DOB:14/02/1958⟧
""",
)
add(
    "pii",
    "en",
    "dental-voicemail-transcripts",
    "prose",
    """
These are the weekend voicemails from our dental practice (auto-transcribed, so spelling is rough). Make a callback list for Monday: name, number, reason, urgency.

1) Sat 09:12 — "hi its ⟦P:pat o'rourke⟧ date of birth ⟦DOB:march third nineteen eighty two⟧ ive had a really bad toothache since thursday lower left and im on ⟦MED:warfarin⟧ so i dont know what painkillers i can have, call me back on ⟦T:07954 118203⟧ thanks"
2) Sat 16:40 — "hello this is ⟦P:Deborah Achterberg⟧ calling for my son ⟦P:Kieran⟧, he chipped his front tooth at rugby this morning, he's fourteen, born ⟦DOB:2nd of May 2011⟧, my number is ⟦T:0121 239 9792⟧"
3) Sun 11:05 — "yeah it's ⟦P:Will Hartigan⟧ I need to move my hygienist appointment on Tuesday, I'm ⟦MC:pregnant⟧ and the morning sickness is awful before eleven, ⟦T:07723 640 118⟧"
""",
)
add(
    "pii",
    "en",
    "cheque-ocr-mobile-deposit",
    "prose",
    """
I photographed a cheque for mobile deposit and the OCR text came out like this. Which fields did it read correctly? The bank app keeps rejecting it.

⟦P:MARGARET  E. HOLLIS⟧
⟦P:DONALD R   HOLLIS⟧
⟦A:1187 Sycamore Ridge Dr⟧
⟦A:Lexington, KY 40509⟧                       1043
                                     DATE  04 / 18 / 2025
PAY TO THE
ORDER OF   Cumberland Roofing LLC              $ 4,250.00
Four thousand two hundred fifty and 00/100 ---------- DOLLARS
MEMO  roof repair — claim 88-1193
⑆083000108⑆  ⟦ACC:0983371652⟧⑈  1043

The names came out as "⟦P:MARGARET  E. HOLLIS⟧" and "⟦P:DONALD R   HOLLIS⟧" with the extra spaces; the payee is the roofer.
""",
)
add(
    "pii",
    "en",
    "sentry-event-user-context",
    "json",
    """
Why is this Sentry event grouped under the generic "TypeError" issue instead of the checkout one? Raw event below.

{
  "event_id": "c1f4a9e27d8b4b6fa0e3d51c9b7a2f60",
  "level": "error",
  "platform": "javascript",
  "user": {
    "email": "⟦E:lena.marchetti@fastmail.example⟧",
    "username": "⟦U:lenam_88⟧",
    "ip_address": "⟦IP:81.2.69.160⟧",
    "geo": {"city": "London", "country_code": "GB"}
  },
  "request": {"url": "https://shop.example.com/checkout/step-2", "headers": {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)"}},
  "exception": {"values": [{"type": "TypeError", "value": "Cannot read properties of undefined (reading 'postcode')"}]},
  "breadcrumbs": [{"category": "ui.input", "message": "input[name=delivery_name] = ⟦P:Lena Marchetti⟧"}]
}
""",
)
add(
    "pii",
    "en",
    "email-signature-generator",
    "csv",
    """
Generate a simple HTML e-mail signature for each person below (name, title, then "Direct" and "Mobile" lines, then the e-mail as a mailto link). Use our navy #1B2A4A.

name,title,direct,mobile,email
Dr ⟦P:Priyanka Sethuraman⟧,Consultant Paediatrician,⟦T:0121 252 4461⟧,⟦T:07400 566260⟧,⟦E:p.sethuraman@kingsheathclinic.example⟧
⟦P:Tomás Ó Fearghail⟧,Practice Manager,⟦T:0121 239 4107⟧,,⟦E:tomas.ofearghail@kingsheathclinic.example⟧
⟦P:Hope Adebanjo-Reid⟧,Receptionist,,⟦T:07812 335 904⟧,⟦E:hope.ar@kingsheathclinic.example⟧
""",
)
add(
    "pii",
    "en",
    "cruise-shore-excursion-manifest",
    "csv",
    """
Check this shore-excursion manifest for the Kotor tender and flag anyone whose notes mean they can't do the old-town walking tour (steps, cobbles).

CABIN;SURNAME;GIVEN;DOB;PASSPORT;NOTES
8142;⟦P:MACLEOD⟧;⟦P:FIONNUALA⟧;⟦DOB:12APR1951⟧;⟦PASS:533719082⟧;WHEELCHAIR - ⟦MC:OSTEOARTHRITIS⟧ BOTH KNEES
8142;⟦P:MACLEOD⟧;⟦P:ANGUS⟧;⟦DOB:30SEP1949⟧;⟦PASS:533719105⟧;
9017;⟦P:VAN DEN BERG⟧;⟦P:JOHANNA⟧;⟦DOB:05JAN1960⟧;⟦PASS:NX7R4K2P9⟧;CPAP USER (⟦MC:SLEEP APNOEA⟧)
6633;⟦P:O'SULLIVAN-BYRNE⟧;⟦P:DECLAN⟧;⟦DOB:22FEB1972⟧;⟦PASS:PB4410736⟧;⟦MC:TYPE 1 DIABETIC⟧, CARRIES ⟦MED:NOVORAPID⟧ + GLUCOSE GEL
6633;⟦P:O'SULLIVAN-BYRNE⟧;⟦P:AOIFE⟧;⟦DOB:17NOV1974⟧;⟦PASS:PB4410729⟧;
""",
)
add(
    "pii",
    "en",
    "domestic-help-police-verification",
    "form",
    """
Help me fill in the Bengaluru City Police domestic-help verification form from my notes. Put each value on its own line like the form.

Employer: ⟦P:Ananya Krishnamurthy⟧
Employer address: ⟦A:Flat 1204, Tower C, Prestige Lakeside Habitat, Varthur Road, Bengaluru 560087⟧
Employer mobile: ⟦T:+91 98450 12763⟧
Domestic help name: ⟦P:Lakshmi Devi Rawat⟧
Father/Husband: ⟦P:Mohan Singh Rawat⟧
DOB: ⟦DOB:14-08-1985⟧
Aadhaar: ⟦ID@IN:9794 5909 1922⟧
PAN: ⟦ID@IN:BKZPR0740I⟧
Mobile: ⟦T:+91 81237 68963⟧
Permanent address: ⟦A:Village Khirsu, Tehsil Pauri, District Pauri Garhwal, Uttarakhand 246152⟧
Reference: her cousin ⟦P:Kamla Negi⟧, works at No. 17, 4th Cross, HSR Layout
""",
)
add(
    "pii",
    "en",
    "allergy-clinic-food-challenge",
    "prose",
    """
Can you write a short letter to my son's school explaining why he'll be off on 14 March and what the school should watch for afterwards? From the hospital letter: Patient ⟦P:Arlo Fitzgerald-Mensah⟧, DOB ⟦DOB:19/06/2017⟧, NHS No. ⟦ID@GB:289 672 8376⟧. Planned: hospital-based baked-egg food challenge. Known diagnoses: ⟦MC:IgE-mediated peanut allergy⟧, ⟦MC:egg allergy⟧ (resolving), ⟦MC:atopic eczema⟧. Current medication: ⟦MED:cetirizine⟧ 5 mg, ⟦MED:Epimax Junior⟧ auto-injector x2, ⟦MED:Epimax⟧ kept in the school office. Parent contact: ⟦P:Naomi Fitzgerald-Mensah⟧, ⟦T:07954 221 608⟧. Teacher is Mrs ⟦P:Kavanagh⟧ in Year 2.
""",
)
add(
    "pii",
    "en",
    "podiatry-diabetic-foot-review",
    "form",
    """
Summarise this podiatry review as a short letter to the GP. Plain English, keep the identifiers at the top.

Patient: ⟦P:Séamus Ó Briain⟧
DOB: ⟦DOB:02/11/1954⟧      PPSN: ⟦ID@IE:8620571W⟧      MRN: ⟦MRN:00481627⟧
Address: ⟦A:12 Ard na Gréine, Ballincollig, Co. Cork P31 X2F8⟧
Phone: ⟦T:085 020 9458⟧
Dx: ⟦MC:type 2 diabetes⟧ (HbA1c 71), ⟦MC:peripheral neuropathy⟧ both feet, ⟦MC:neuropathic ulcer⟧ L hallux 8 x 6 mm, no signs of infection
Meds: ⟦MED:metformin⟧ 1 g BD, ⟦MED:Jardiance⟧ 10 mg, ⟦MED:atorvastatin⟧ 40 mg
Plan: offloading boot, weekly dressings, review 3/52. Wife ⟦P:Máire⟧ does his dressings at home.
""",
)
add(
    "pii",
    "en",
    "dealer-finance-application",
    "form",
    """
The dealer's online finance form timed out twice. Put my details in the order below so I can paste them quickly next time.

Full legal name: ⟦P:Jerome Anthony Baptiste⟧
SSN: ⟦ID@US:444-62-4819⟧
Date of birth: ⟦DOB:02/09/1990⟧
Driver's license (FL): ⟦DL:B312-418-90-049-0⟧
Home: ⟦A:4417 NW 7th Ct, Fort Lauderdale, FL 33311⟧ (4 yrs, rent $1,650)
Phone: ⟦T:(954) 555-0163⟧
Email: ⟦E:jbaptiste.fl@sunmail.example⟧
Employer: Broward County Transit, bus operator, 6 yrs, $4,870/month gross
Checking account (Truist): ⟦ACC:1100284766319⟧
Vehicle: 2022 Toyota RAV4 LE, VIN 2T3H1RFV8NW201934, $27,400, $4,000 down
""",
)
add(
    "pii",
    "en",
    "probation-check-in-notes",
    "prose",
    """
I'm a probation officer. Turn these check-in notes into our standard supervision summary (Residence / Employment / Treatment / Compliance), no new facts:

Client ⟦P:Dustin Ray Pelfrey⟧ (DOB ⟦DOB:8/17/1993⟧) reported on time. Now staying with his aunt ⟦P:Brenda Sizemore⟧ at ⟦A:2209 Ohio Ave, Apt B, Ashland, KY 41101⟧, new cell ⟦T:(606) 555-0177⟧. Says 94 days sober, goes to meetings Tuesdays. Prescribed ⟦MED:naltrexone⟧ by Dr. ⟦P:Amy Castellano⟧ for ⟦MC:alcohol use disorder⟧; mentions ⟦MC:panic attacks⟧, not yet treated. Works at Tri-State Pallet, supervisor ⟦P:Jim Conley⟧ confirmed hours by phone. ⟦P:Dustin⟧ asked about travel to Huntington for his daughter's birthday.
""",
)
add(
    "pii",
    "en",
    "medical-fundraiser-story",
    "prose",
    """
Can you make our fundraiser story more moving but keep it honest and under 250 words?

"In February our daughter ⟦P:Maisie Harcourt⟧ (6) was diagnosed with ⟦MC:acute lymphoblastic leukaemia⟧. She's now in the maintenance phase of chemo with daily ⟦MED:mercaptopurine⟧ and monthly ⟦MED:vincristine⟧ at the John Radcliffe. ⟦P:Jess⟧ has had to give up work to be with her. Everything raised goes on travel, parking and the 4 nights a month we stay near the hospital. Cards for ⟦P:Maisie⟧ can go to ⟦A:9 Wren Close, Bicester OX26 3FJ⟧. You can also send money directly via PayPal to ⟦E:tom.harcourt82@postbox.example⟧. Thank you — ⟦P:Tom⟧ & ⟦P:Jess Harcourt⟧"
""",
)
add(
    "pii",
    "en",
    "discord-moderation-log",
    "kv-log",
    """
Summarise this moderation log for the other mods and say whether ban evasion is likely.

ts=2025-03-02T21:14:07Z action=warn mod=⟦U:kaiju_mum⟧ user=⟦U:xXv0idwalkerXx⟧ reason="slurs in #general"
ts=2025-03-02T21:31:55Z action=delete mod=⟦U:kaiju_mum⟧ user=⟦U:xXv0idwalkerXx⟧ reason="doxxing: posted ⟦P:Ellie⟧'s home address ⟦A:41 Birchfield Road, Redditch B97 4LX⟧"
ts=2025-03-02T21:32:10Z action=ban mod=⟦U:kaiju_mum⟧ user=⟦U:xXv0idwalkerXx⟧ ip=⟦IP:86.148.22.190⟧
ts=2025-03-03T07:02:44Z action=join user=⟦U:v0id_walker2⟧ ip=⟦IP:86.148.22.191⟧ account_age=3m
ts=2025-03-03T07:05:12Z action=message user=⟦U:v0id_walker2⟧ channel=#general text="hi ⟦U:ellie.b.draws⟧ miss me"
""",
)
add(
    "pii",
    "en",
    "concussion-return-to-play",
    "form",
    """
Our rugby club needs a graduated return-to-play plan for this player. Use the six-stage protocol and put dates on each stage (minimum 24 h each, under-19 rules).

Player: ⟦P:Rory McAteer⟧          DOB: ⟦DOB:21/01/2010⟧          Team: U15
Parent/guardian: ⟦P:Clodagh McAteer⟧, ⟦T:07725 190 446⟧
Injury: ⟦MC:concussion⟧ in the match on 12 October (head-on-head tackle), assessed at A&E the same day, CT normal.
GP clearance: Dr ⟦P:Helen Okafor⟧, 19 October
Other: ⟦MC:ADHD⟧, takes ⟦MED:Concerta⟧ on school days; previous ⟦MC:concussion⟧ March 2023.
Coach: ⟦P:Gavin Mulholland⟧
""",
)
add(
    "pii",
    "en",
    "food-bank-intake-sheet",
    "csv",
    """
This is our food bank's weekly intake sheet. Make a packing list per household; dietary needs matter more than preferences.

client_no,name,household,phone,address,notes
⟦ACC:FB-2231⟧,⟦P:Mariam Haddad⟧,5,⟦T:(416) 555-0117⟧,⟦A:88 Thorncliffe Park Dr Apt 1706⟧,halal; son ⟦P:Yusuf⟧ has ⟦MC:type 1 diabetes⟧
⟦ACC:FB-2240⟧,⟦P:Wojciech Zieliński⟧,1,⟦T:647-555-0198⟧,⟦A:2 Secord Ave⟧,low sodium (⟦MC:heart failure⟧)
⟦ACC:FB-2244⟧,⟦P:Precious Adeyemi-Blake⟧,3,⟦T:(416) 555-0184⟧,,⟦MC:celiac⟧; baby formula
⟦ACC:FB-2251⟧,⟦P:Dong-hyun Park⟧,2,⟦T:437-555-0152⟧,⟦A:1 Massey Sq Apt 3202⟧,no pork
""",
)
add(
    "pii",
    "en",
    "oncall-rotation-git-diff",
    "code",
    """
Review this diff to our on-call rotation file. Is the YAML still valid and is anyone on primary two weeks running?

diff --git a/oncall/rotation.yaml b/oncall/rotation.yaml
index 3b1e2f0..9c4d7aa 100644
--- a/oncall/rotation.yaml
+++ b/oncall/rotation.yaml
@@ -12,9 +12,15 @@ primary:
-  - name: ⟦P:Tomasz Wójcik⟧
-    phone: "⟦T:+48 512 958 141⟧"
-    week: 2025-W18
+  - name: ⟦P:Yuki Tanaka-Brooks⟧
+    phone: "⟦T:+1 415 555 0132⟧"
+    email: ⟦E:yuki.tb@northwind-ops.example⟧
+    slack: "@⟦U:yuki.tb⟧"
+    week: 2025-W18
+  - name: ⟦P:Tomasz Wójcik⟧
+    phone: "⟦T:+48 512 958 141⟧"
+    week: 2025-W19
 escalation:
   - name: ⟦P:Farah Siddiqui⟧
     phone: "⟦T:+353 85 067 2502⟧"
""",
)
add(
    "pii",
    "de",
    "auva-schulunfall-meldung",
    "form",
    """
Bitte formuliere daraus eine Unfallmeldung für die AUVA (Schülerunfallversicherung), sachlich und in ganzen Sätzen.

Schülerin: ⟦P:Lena Gruber-Hödl⟧, Klasse 6b
geb.: ⟦DOB:21.06.2013⟧
SV-Nr.: ⟦ID@AT:4612 210613⟧
Wohnadresse: ⟦A:Leopoldauer Straße 112/3/14, 1210 Wien⟧
Erziehungsberechtigte: ⟦P:Katharina Hödl⟧, ⟦T:0664 1468421⟧
Hergang: Am 4. März in der 3. Stunde (Turnen) beim Abgang vom Stufenbarren auf den linken Arm gestürzt. Im UKH Meidling geröntgt: ⟦MC:distale Radiusfraktur⟧ links, Gips für 5 Wochen. ⟦P:Lena⟧ hat außerdem ⟦MC:Asthma bronchiale⟧ und hatte ihr ⟦MED:Salbutamol⟧-Spray dabei, das war aber nicht nötig.
Aufsicht: Mag. ⟦P:Florian Steinbauer⟧
""",
)
add(
    "pii",
    "de",
    "fitnessstudio-sonderkuendigung-attest",
    "prose",
    """
Schreib mir bitte eine Sonderkündigung für mein Fitnessstudio, ein Attest liegt bei. Meine Daten: ⟦P:Jürgen Obermaier⟧, ⟦A:Schwanthalerstraße 87, 80336 München⟧, Mitgliedsnummer ⟦ACC:FM-0048213⟧, Vertrag seit 01.09.2023. Laut Attest von Dr. ⟦P:Sabine Klinger⟧ habe ich einen ⟦MC:Bandscheibenvorfall L4/L5⟧ mit ⟦MC:Ischialgie⟧ und darf mindestens zwölf Monate keinen Kraftsport machen. Die Beiträge werden per Lastschrift von ⟦IBAN:DE92 7571 1161 6585 2309 04⟧ eingezogen – bitte rein schreiben, dass sie die Lastschrift ab sofort stoppen sollen. Für Rückfragen: ⟦T:0151 23473707⟧.
""",
)
add(
    "pii",
    "de",
    "minijob-haushaltsscheck",
    "form",
    """
Ich beschäftige eine Putzhilfe im Minijob. Was fehlt noch im Haushaltsscheck, bevor ich ihn an die Minijob-Zentrale schicke?

Arbeitgeberin: ⟦P:Henrike Baumann-Schulze⟧
Anschrift: ⟦A:Hofweg 41, 22085 Hamburg⟧
Telefon: ⟦T:040 41976233⟧
Arbeitnehmerin: ⟦P:Olena Kravchenko⟧
geboren am ⟦DOB:09.03.1979⟧ in Charkiw
Anschrift: ⟦A:Steilshooper Allee 18, 22309 Hamburg⟧
Steuer-ID: ⟦ID@DE:68719255536⟧
IBAN für den Lohn: ⟦IBAN:DE77 6322 2572 1830 7584 88⟧
Arbeitszeit: dienstags 4 Std., 13,50 €/Std., ab 01.05.
""",
)
add(
    "pii",
    "fr",
    "permis-de-chasser-inscription",
    "form",
    """
Aide-moi à remplir la demande d'inscription à l'examen du permis de chasser (Cerfa 13945) et dis-moi s'il me manque une pièce.

Nom : ⟦P:LEBRETON⟧
Prénoms : ⟦P:Gaëtan Marie Joseph⟧
Né le ⟦DOB:7 août 1998⟧ à Vitré (35)
Adresse : ⟦A:14 rue du Bois-Cornillé, 35500 Val-d'Izé⟧
Tél. : ⟦T:06 12 17 87 15⟧
Courriel : ⟦E:gaetan.lebreton35@armor-mail.example⟧
Question : je suis suivi pour une ⟦MC:épilepsie⟧ stabilisée sous ⟦MED:Lamictal⟧ depuis 2019, sans crise depuis 3 ans. Est-ce que ça bloque le certificat médical ?
""",
)
add(
    "pii",
    "fr",
    "declaration-naissance-ixelles",
    "form",
    """
Je dois déclarer la naissance de notre fille à la commune d'Ixelles. Vérifie que j'ai tout et prépare la liste des documents à apporter.

Enfant : ⟦P:Inès Vandenbroucke-Diallo⟧, née le ⟦DOB:2 février 2025⟧ à 3 h 12 (CHU Saint-Pierre)
Père : ⟦P:Thibault Vandenbroucke⟧, né le ⟦DOB:18/04/1990⟧, NN ⟦ID@BE:90.04.18-875.18⟧
Mère : ⟦P:Aïssatou Diallo⟧, née le ⟦DOB:01/12/1992⟧, NN ⟦ID@BE:92.12.01-398.36⟧
Adresse : ⟦A:Rue de la Brasserie 71, boîte 4, 1050 Ixelles⟧
GSM : ⟦T:0450 18 86 39⟧
Nom choisi : double nom dans l'ordre père-mère.
""",
)
add(
    "pii",
    "fr",
    "incident-cantine-allergie",
    "prose",
    """
Je suis directrice d'école. Rédige un compte rendu d'incident pour l'inspection et un mot pour les familles de la classe (sans nommer l'enfant dans le mot).

Aujourd'hui à la cantine, ⟦P:Noé Chaabane⟧ (CE2) a mangé un morceau de gâteau apporté par un camarade alors qu'il a une ⟦MC:allergie sévère à l'arachide⟧ inscrite dans son PAI. Mme ⟦P:Fournier⟧, l'animatrice, a vu un ⟦MC:œdème des lèvres⟧ à 12 h 38, a injecté l'⟦MED:Anapen⟧ à 12 h 41 et appelé le 15. La maman, ⟦P:Samira Chaabane⟧ (⟦T:06 12 99 93 23⟧), est arrivée à 13 h 05. ⟦P:Noé⟧ est resté en observation à Robert-Debré jusqu'au soir.
""",
)
add(
    "pii",
    "es",
    "reclamacion-equipaje-medicacion",
    "prose",
    """
Ayúdame a redactar una reclamación a la aerolínea: perdieron la maleta de mi madre con su medicación y lleva tres días sin ella. Pasajera: ⟦P:Remedios Carvajal Ortuño⟧, DNI ⟦ID@ES:74687309F⟧, vuelo IB3171 Madrid–Bruselas del 3 de abril, expediente MADIB41872. En la maleta iban su ⟦MED:Sintrom⟧ y las plumas de ⟦MED:Tresiba⟧; tiene ⟦MC:fibrilación auricular⟧ y ⟦MC:diabetes tipo 2⟧ y hemos tenido que ir a urgencias a por recetas. Dirección de entrega: ⟦A:Calle Cardenal Belluga 22, 3.º B, 30001 Murcia⟧. Contacto: su hija ⟦P:Lucía Pastor Carvajal⟧, ⟦T:612 52 48 17⟧, ⟦E:lucia.pastor.c@correo-mur.example⟧.
""",
)
add(
    "pii",
    "es",
    "alta-imss-trabajadora-hogar",
    "form",
    """
Estoy dando de alta en el IMSS a la señora que nos ayuda en casa (programa de personas trabajadoras del hogar). Revisa que no falte nada:

Nombre: ⟦P:María Guadalupe Hernández Cruz⟧
CURP: ⟦ID@MX:HECG831207MOCRRD02⟧
RFC: ⟦ID@MX:HECG831207AA6⟧
NSS: ⟦ACC:41988312075⟧
Fecha de nacimiento: ⟦DOB:7 de diciembre de 1983⟧
Domicilio: ⟦A:Calle Margaritas 118, Col. Santa Úrsula Xitla, Tlalpan, 14420 Ciudad de México⟧
Celular: ⟦T:55 1987 4623⟧
Salario: $2,800 semanales, lunes a viernes
Persona empleadora: ⟦P:Rodrigo Salinas Treviño⟧
""",
)
add(
    "pii",
    "es",
    "turno-hospital-whatsapp",
    "prose",
    """
Tengo que pedir turno en cardiología para mi papá por WhatsApp y me piden todo en un solo mensaje. Armámelo prolijo: paciente ⟦P:Horacio Benítez⟧, DNI ⟦ID@AR:7.864.213⟧, nacido el ⟦DOB:11/05/1949⟧, OSDE credencial ⟦ACC:61448273801⟧. Tiene ⟦MC:estenosis aórtica⟧ moderada y toma ⟦MED:bisoprolol⟧ y ⟦MED:Xarelto⟧; el último eco fue en octubre con la Dra. ⟦P:Verónica Iturralde⟧. Preferimos mañanas. Mi celular: ⟦T:+54 9 11 2312-1070⟧ (⟦P:Florencia⟧, la hija).
""",
)
add(
    "pii",
    "it",
    "iscrizione-corso-vela",
    "form",
    """
Controlla che il modulo d'iscrizione al corso di vela estivo sia completo e scrivi una mail di accompagnamento alla segreteria del circolo.

Allievo: ⟦P:Tommaso Esposito⟧, nato a Napoli il ⟦DOB:14/07/2012⟧
C.F.: ⟦ID@IT:SPSTMS12L14F839C⟧
Genitore: ⟦P:Chiara Russo⟧, cell. ⟦T:331 842 6619⟧, ⟦E:chiara.russo.na@posta-web.example⟧
Residenza: ⟦A:Via Francesco Petrarca 96, 80122 Napoli⟧
Note sanitarie: ⟦MC:favismo⟧ (⟦MC:deficit di G6PD⟧), niente fave né piselli a merenda
Certificato medico non agonistico del dott. ⟦P:Gennaro Iovine⟧ allegato
""",
)
add(
    "pii",
    "it",
    "permessi-legge-104",
    "prose",
    """
Devo chiedere all'ufficio personale i permessi della legge 104 per assistere mia madre. Scrivimi la richiesta formale. Io sono ⟦P:Silvia Bonetti⟧, C.F. ⟦ID@IT:BNTSLV70P62A794G⟧, matricola ⟦ACC:004718⟧, reparto logistica. Mia madre è ⟦P:Graziella Fontana⟧, nata a Bergamo il ⟦DOB:3 marzo 1941⟧, C.F. ⟦ID@IT:FNTGZL41C43A794L⟧, residente in ⟦A:Via Borgo Palazzo 133, 24125 Bergamo⟧, riconosciuta in situazione di gravità (art. 3 comma 3) per ⟦MC:malattia di Parkinson⟧ in stadio avanzato; prende ⟦MED:Madopar⟧ cinque volte al giorno e non può restare sola. Sono l'unica figlia che vive in zona.
""",
)
add(
    "pii",
    "nl",
    "letselschade-fietsongeluk",
    "prose",
    """
Kun je deze mail aan het letselschadebureau zakelijker maken?

"Beste meneer ⟦P:Verhoeven⟧, op 14 januari werd ik op de Catharijnesingel in Utrecht aangereden door een bestelbus (kenteken VL-382-F) terwijl ik gewoon op het fietspad reed. Ik heb een ⟦MC:gebroken sleutelbeen⟧ en een ⟦MC:hersenschudding⟧ en slik sindsdien ⟦MED:oxycodon⟧ en ⟦MED:paracetamol⟧. Ik kan mijn werk als kapper niet doen. Mijn gegevens: ⟦P:Femke de Wit-Bakker⟧, ⟦A:Kanaalstraat 204bis, 3531 CM Utrecht⟧, ⟦T:06 12438839⟧, ⟦E:femke.dewit@polder-post.example⟧. Vergoedingen graag op ⟦IBAN:NL17 RABO 2882 1612 34⟧. Getuige: ⟦P:Joost Lammers⟧, ⟦T:06 12475466⟧. Groet, ⟦P:Femke⟧"
""",
)
add(
    "pii",
    "nl",
    "overstap-zorgverzekering",
    "form",
    """
Ik stap over naar een andere zorgverzekeraar. Vul het overstapformulier voor mij en mijn zoon in en zeg welk aanvullend pakket logisch is.

Verzekeringnemer: ⟦P:Ricardo Martens⟧, geb. ⟦DOB:30-10-1984⟧, BSN ⟦ID@NL:601284860⟧
Adres: ⟦A:Blaak 17c, 3011 TA Rotterdam⟧
Meeverzekerd: ⟦P:Milan Martens⟧, geb. ⟦DOB:11-06-2016⟧, BSN ⟦ID@NL:451611329⟧
Huidig polisnummer: ⟦ACC:ZK-73019458⟧
Premie-incasso van: ⟦IBAN:NL82 RABO 8917 8856 39⟧
Aanvullend: tandarts en fysio, want ⟦P:Milan⟧ krijgt in september een beugel en ik heb ⟦MC:artrose⟧ in beide knieën.
""",
)
add(
    "pii",
    "pl",
    "pcpr-turnus-rehabilitacyjny",
    "form",
    """
Pomóż mi wypełnić wniosek o dofinansowanie turnusu rehabilitacyjnego z PCPR dla mamy i napisz krótkie uzasadnienie.

Imię i nazwisko: ⟦P:Halina Wróblewska⟧
PESEL: ⟦ID@PL:58110453360⟧
Data urodzenia: ⟦DOB:4 listopada 1958⟧
Adres: ⟦A:ul. Żeromskiego 14 m. 7, 26-600 Radom⟧
Telefon: ⟦T:512 728 817⟧
Orzeczenie: stopień umiarkowany, symbol 05-R
Schorzenia: ⟦MC:choroba zwyrodnieniowa kręgosłupa⟧, ⟦MC:nadciśnienie tętnicze⟧
Leki: ⟦MED:Bisocard⟧, ⟦MED:Tramal⟧ doraźnie
Opiekun na turnusie: córka ⟦P:Agnieszka Wróblewska-Nowak⟧
""",
)
add(
    "pii",
    "pl",
    "upowaznienie-wyniki-badan",
    "prose",
    """
Napisz upoważnienie do odbioru wyników badania histopatologicznego w imieniu mojego taty, ⟦P:Zbigniewa Kaczmarczyka⟧ (PESEL ⟦ID@PL:49021732093⟧, ur. ⟦DOB:17.02.1949⟧). Badanie to biopsja prostaty w kierunku ⟦MC:raka prostaty⟧, robione 3 marca w szpitalu na Banacha. Upoważniona: ⟦P:Dorota Kaczmarczyk⟧, PESEL ⟦ID@PL:76083080042⟧, tel. ⟦T:+48 512 013 432⟧. Tata podpisze sam, tylko ręka mu drży po ⟦MC:udarze⟧.
""",
)
add(
    "pii",
    "pl",
    "zus-z15a-zasilek-opiekunczy",
    "form",
    """
Sprawdź, czy dobrze wypełniłam wniosek Z-15A o zasiłek opiekuńczy:

Wnioskodawczyni: ⟦P:Karolina Mazur⟧, PESEL ⟦ID@PL:88051270663⟧
Adres: ⟦A:ul. Lipowa 3/12, 20-020 Lublin⟧
Dziecko: ⟦P:Kacper Mazur⟧, PESEL ⟦ID@PL:19230837270⟧, ur. ⟦DOB:08.03.2019⟧
Okres opieki: 10–17.02
Choroba dziecka: ⟦MC:ospa wietrzna⟧ (zwolnienie wystawił lek. ⟦P:Tadeusz Kwiatkowski⟧)
Drugi rodzic: ⟦P:Marcin Mazur⟧ – nie pobiera zasiłku za ten okres
Konto: ⟦IBAN:PL91 6689 4673 5064 1740 5043 8322⟧
""",
)
add(
    "pii",
    "pt",
    "procuracao-inss",
    "prose",
    """
Preciso de uma procuração simples para a minha filha me representar no INSS no pedido de auxílio por incapacidade temporária. Outorgante: ⟦P:Josué Aparecido dos Santos⟧, CPF ⟦ID@BR:625.562.316-53⟧, nascido em ⟦DOB:19/04/1967⟧, residente na ⟦A:Rua Coronel Oscar Porto 812, ap. 43, Paraíso, São Paulo – SP, 04003-004⟧. Outorgada: ⟦P:Débora Cristina dos Santos⟧, CPF ⟦ID@BR:150.457.399-48⟧, celular ⟦T:(11) 96154-1719⟧. Estou afastado por ⟦MC:hérnia de disco lombar⟧ com ⟦MC:compressão do nervo ciático⟧ e tomo ⟦MED:pregabalina⟧, não consigo ficar na fila.
""",
)
add(
    "pii",
    "pt",
    "livro-reclamacoes-clinica",
    "prose",
    """
Quero fazer uma reclamação no Livro de Reclamações eletrónico contra uma clínica de fisioterapia. Ajuda-me a escrever de forma objetiva. Sou ⟦P:Rui Miguel Ferreira Lopes⟧, NIF ⟦ID@PT:271705191⟧, CC ⟦ID@PT:02144268 2 ZX5⟧, morada ⟦A:Rua de Cedofeita 318, 2.º esq., 4050-174 Porto⟧, telemóvel ⟦T:912 461 549⟧. Fui tratado a uma ⟦MC:tendinite do supraespinhoso⟧ entre janeiro e março; cobraram-me 12 sessões quando fiz 8, e a rececionista ⟦P:Sandra⟧ ligou para a minha entidade patronal a falar do meu diagnóstico sem autorização.
""",
)
add(
    "pii",
    "da",
    "efterskole-tilmelding",
    "form",
    """
Hjælp mig med at skrive en kort præsentation af min søn til efterskolen ud fra tilmeldingen herunder. Den skal lyde positiv, men ærlig om hans udfordringer.

Elev: ⟦P:Magnus Kjærgaard Holm⟧
CPR: ⟦ID@DK:140910-4453⟧
Født: ⟦DOB:14. september 2010⟧
Mor: ⟦P:Louise Kjærgaard⟧, CPR ⟦ID@DK:030679-9902⟧, tlf. ⟦T:21 74 39 06⟧
Adresse: ⟦A:Skovbrynet 23, 8600 Silkeborg⟧
Særlige forhold: ⟦MC:ordblindhed⟧ (bruger AppWriter), ⟦MC:ADHD⟧ – tager ⟦MED:Medikinet⟧ om morgenen
Interesser: håndbold, gaming, vil gerne på musiklinjen
""",
)
add(
    "pii",
    "da",
    "fagforening-a-kasse-indmeldelse",
    "form",
    """
Kan du tjekke min indmeldelse i fagforening og a-kasse, før jeg sender den? Mangler der noget om dagpengeret?

Navn: ⟦P:Sofie Damgaard Lund⟧
CPR-nr.: ⟦ID@DK:270191-2330⟧
Adresse: ⟦A:Nørrebrogade 148, 3. tv., 2200 København N⟧
Mobil: ⟦T:+45 28 61 40 97⟧
Arbejdsgiver: Region Hovedstaden, sygeplejerske på Bispebjerg
Lønkonto: reg.nr. 1551, kontonr. ⟦ACC:3124587691⟧
Bemærkning: jeg har været sygemeldt med ⟦MC:stress⟧ siden marts og er i gang med en delvis raskmelding.
""",
)
add(
    "pii",
    "no",
    "skolebytte-melding",
    "prose",
    """
Skriv en e-post til rektor på Ila skole om at datteren min begynner der etter vinterferien. Hun heter ⟦P:Ingrid Solheim Aasen⟧, fødselsnummer ⟦ID@NO:22041496251⟧, født ⟦DOB:22.04.2014⟧, og går nå i 5. klasse på Lambertseter. Ny adresse er ⟦A:Waldemar Thranes gate 61, 0173 Oslo⟧. ⟦P:Ingrid⟧ har ⟦MC:diabetes type 1⟧ og bruker insulinpumpe med ⟦MED:Fiasp⟧, så SFO-personalet må få opplæring. Kontakt meg, ⟦P:Kari Solheim⟧, på ⟦T:406 63 218⟧ eller ⟦E:kari.solheim@fjordpost.example⟧.
""",
)
add(
    "pii",
    "no",
    "lanekassen-sykdom-begrunnelse",
    "prose",
    """
Hjelp meg å skrive begrunnelsen til Lånekassen om omgjøring av lån til stipend på grunn av sykdom. Jeg heter ⟦P:Eirik Haugland⟧, fødselsnummer ⟦ID@NO:09100183908⟧, født ⟦DOB:9. oktober 2001⟧. Jeg var syk fra 1. februar til 30. april med ⟦MC:kyssesyke⟧ og etterpå ⟦MC:postviralt utmattelsessyndrom⟧, og klarte ikke å ta eksamenene. Fastlegen min, ⟦P:Marte Brekke⟧, har skrevet legeerklæring. Adresse: ⟦A:Nygårdsgaten 91, 5008 Bergen⟧, mobil ⟦T:+47 40 56 09 16⟧.
""",
)
add(
    "pii",
    "fi",
    "palvelutalo-kaatumisilmoitus",
    "prose",
    """
Kirjoita tästä virallinen poikkeamailmoitus ja lyhyt viesti omaiselle. Asukas ⟦P:Aino Virtanen⟧ (hetu ⟦ID@FI:110236-304T⟧) kaatui yöllä klo 3.20 huoneessaan matkalla vessaan. ⟦P:Ainolla⟧ on ⟦MC:osteoporoosi⟧ ja hän käyttää ⟦MED:Marevania⟧, joten lonkka kuvattiin aamulla Hatanpäällä, ei murtumaa. Yöhoitaja ⟦P:Jukka Lehtonen⟧ löysi ⟦P:Virtasen⟧ lattialta ja nosti hänet kahden hengen avulla. Omainen on tytär ⟦P:Sirpa Virtanen-Koski⟧, ⟦T:040 718 2265⟧; soitin ⟦P:Sirpalle⟧ klo 4.05.
""",
)
add(
    "pii",
    "fi",
    "kotitalousvahennys-veroneuvoja",
    "prose",
    """
Muotoile tämä sähköposti asiallisemmaksi:

"Hei ⟦P:Päivi⟧, tässä tiedot kotitalousvähennystä varten. Minä olen ⟦P:Mikko Heikkinen⟧, hetu ⟦ID@FI:190783-157C⟧, osoite ⟦A:Hämeenkatu 24 B 17, 33200 Tampere⟧. Kylpyhuoneremontti maksoi 14 300 €, työn osuus 8 900 €. Vaimoni ⟦P:Laura Heikkinen⟧ maksoi puolet, joten jaetaanko vähennys? ⟦P:Lauran⟧ tiedot lähetän erikseen. Olin itse sairauslomalla ⟦MC:välilevyn pullistuman⟧ takia, siksi tämä viivästyi. Mahdollinen palautus tilille ⟦IBAN:FI76 8881 6580 6365 32⟧. T. ⟦P:Mikko⟧"
""",
)
add(
    "pii",
    "cs",
    "prihlaska-zus-epilepsie",
    "form",
    """
Zkontroluj přihlášku do ZUŠ a napiš krátký průvodní e-mail paní učitelce.

Žákyně: ⟦P:Eliška Nováková⟧
Datum narození: ⟦DOB:5. 10. 2012⟧
Rodné číslo: ⟦ID@CZ:126005/7656⟧
Zákonný zástupce: ⟦P:Petr Novák⟧, tel. ⟦T:+420 601 941 221⟧, ⟦E:petr.novak@vltava-mail.example⟧
Bydliště: ⟦A:Křižíkova 58, 186 00 Praha 8⟧
Obor: klavír, 1. ročník
Zdravotní omezení: ⟦MC:epilepsie⟧ (absence), užívá ⟦MED:Orfiril⟧; při záchvatu prosím volat matce ⟦P:Janě Novákové⟧ na ⟦T:603 218 774⟧
""",
)
add(
    "pii",
    "cs",
    "plna-moc-doporuceny-dopis",
    "prose",
    """
Napiš plnou moc, abych mohla na poště vyzvednout doporučený dopis z úřadu za manžela. Zmocnitel: ⟦P:Radek Dvořák⟧, nar. ⟦DOB:28. 4. 1967⟧, r. č. ⟦ID@CZ:670428/1045⟧, trvale bytem ⟦A:Lidická 1193/22, 602 00 Brno⟧. Zmocněnec: ⟦P:Hana Dvořáková⟧, nar. ⟦DOB:2. 12. 1970⟧, r. č. ⟦ID@CZ:706202/8589⟧, stejná adresa. Manžel leží v nemocnici u sv. Anny po ⟦MC:infarktu myokardu⟧, takže nemůže přijít osobně.
""",
)
add(
    "pii",
    "hu",
    "iskolai-hianyzas-igazolas",
    "prose",
    """
Írj egy rövid, udvarias levelet az osztályfőnöknek: a fiam, ⟦P:Kovács Bence⟧ (8.b) két hétig hiányzott ⟦MC:mononukleózis⟧ miatt. Az orvosi igazolást dr. ⟦P:Szabó Erzsébet⟧ háziorvos állította ki, ⟦P:Bence⟧ TAJ-száma ⟦ACC:478 932 881⟧. Kérem, hogy ⟦P:Bencének⟧ adjanak haladékot a témazárókra, és hogy tesiből még egy hónapig legyen felmentve. Aláírás: ⟦P:Kovácsné Tóth Krisztina⟧, ⟦T:+36 20 142 9974⟧.
""",
)
add(
    "pii",
    "hu",
    "belepo-munkavallaloi-adatlap",
    "form",
    """
Töltsd ki helyettem a belépő munkavállalói adatlapot a lenti adatokból, és jelezd, mi hiányzik még a bérszámfejtésnek.

Név: ⟦P:Horváth-Lakatos Anikó⟧
Születési név: ⟦P:Lakatos Anikó⟧
Anyja neve: ⟦P:Farkas Ilona⟧
Születési hely, idő: Debrecen, ⟦DOB:1991. március 4.⟧
TAJ: ⟦ACC:040 723 860⟧
Lakcím: ⟦A:4026 Debrecen, Péterfia utca 31. 2/5.⟧
Bankszámla: ⟦IBAN:HU52 5267 6330 3823 3882 0416 8900⟧
Telefon: ⟦T:06 30 417 2286⟧
Megjegyzés: ⟦MC:cöliákiás⟧, a menzán gluténmentes étkezést kérek
""",
)
add(
    "pii",
    "ro",
    "concediu-ingrijire-copil-bolnav",
    "form",
    """
Completează cererea către resurse umane pentru concediul de îngrijire a copilului bolnav și spune-mi ce documente atașez.

Angajată: ⟦P:Andreea-Ioana Popescu⟧
CNP: ⟦ID@RO:2900614206245⟧
Copil: ⟦P:Luca Popescu⟧, CNP ⟦ID@RO:5171102067456⟧, născut la ⟦DOB:2 noiembrie 2017⟧
Diagnostic: ⟦MC:pneumonie⟧ (certificat medical seria CCMAM nr. 4471832)
Perioada: 12–18 februarie
Adresă: ⟦A:Str. Fabricii nr. 46, bl. C3, ap. 18, Cluj-Napoca 400632⟧
Telefon: ⟦T:0740 218 553⟧
""",
)
add(
    "pii",
    "ro",
    "cerere-pensie-de-urmas",
    "prose",
    """
Ajută-mă să scriu cererea pentru pensia de urmaș, pe un ton formal. Solicitant: ⟦P:Gheorghe Ionescu⟧, CNP ⟦ID@RO:1550123090863⟧, domiciliat în ⟦A:Bd. Carol I nr. 12, sc. B, ap. 7, Iași⟧, telefon ⟦T:0232 214 587⟧. Soția mea, ⟦P:Elena Ionescu⟧, a decedat la 3 ianuarie 2025 în urma unui ⟦MC:accident vascular cerebral⟧. Eu sunt pensionar de boală cu ⟦MC:insuficiență cardiacă⟧ și vreau să aleg pensia mai mare. Banii să vină în contul ⟦IBAN:RO69 INGB 9297 2299 3951 4426⟧.
""",
)
add(
    "pii",
    "tr",
    "okul-servisi-kayit",
    "form",
    """
Okul servisi kayıt formunu doldurmama yardım et, şoföre de kısa bir not yaz.

Öğrenci: ⟦P:Elif Naz Yıldırım⟧
T.C. Kimlik No: ⟦ID@TR:70153817732⟧
Doğum tarihi: ⟦DOB:17.05.2016⟧
Veli: ⟦P:Murat Yıldırım⟧, ⟦T:0532 418 27 63⟧
İkinci veli: ⟦P:Zeynep Yıldırım⟧, ⟦T:0533 604 19 85⟧
Adres: ⟦A:Bağdat Caddesi No: 214 Daire: 9, Caddebostan, 34728 Kadıköy/İstanbul⟧
Sağlık durumu: ⟦MC:epilepsi⟧, sabah ve akşam ⟦MED:Depakin⟧ kullanıyor; nöbet olursa önce annesini arayın.
""",
)
add(
    "pii",
    "tr",
    "enabiz-tahlil-yorumu",
    "prose",
    """
e-Nabız'dan indirdiğim tahlil sonuçlarını bana sade bir dille yorumlar mısın? Hasta: ⟦P:Hüseyin Aktaş⟧, TCKN ⟦ID@TR:34929633100⟧, doğum tarihi ⟦DOB:4 Mart 1961⟧. HbA1c %8,1; LDL 162 mg/dL; kreatinin 1,4 mg/dL; eGFR 52. Doktorum ⟦MC:tip 2 diyabet⟧ ve ⟦MC:evre 3a kronik böbrek hastalığı⟧ dedi, ⟦MED:Janumet⟧ ve ⟦MED:Lipitor⟧ yazdı. Eşim ⟦P:Sevim⟧ Hanım diyeti ayarlamak istiyor.
""",
)
add(
    "pii",
    "el",
    "aitisi-kartas-anapirias",
    "form",
    """
Βοήθησέ με να συμπληρώσω την αίτηση για την Κάρτα Αναπηρίας και πες μου τι δικαιολογητικά χρειάζομαι.

Ονοματεπώνυμο: ⟦P:Ευαγγελία Παπαδοπούλου⟧
ΑΜΚΑ: ⟦ID@GR:09036219146⟧
Ημερομηνία γέννησης: ⟦DOB:09/03/1962⟧
Διεύθυνση: ⟦A:Αγίου Δημητρίου 87, 546 31 Θεσσαλονίκη⟧
Τηλέφωνο: ⟦T:697 412 5830⟧
Πάθηση: ⟦MC:σκλήρυνση κατά πλάκας⟧, ποσοστό αναπηρίας 67%
Φάρμακα: ⟦MED:Aubagio⟧
Εκπρόσωπος: ο σύζυγός μου ⟦P:Γιώργος Παπαδόπουλος⟧
""",
)
add(
    "pii",
    "el",
    "email-logisti-enfia",
    "prose",
    """
Κάνε πιο επίσημο αυτό το email προς τον λογιστή:

«Κύριε ⟦P:Νικολάου⟧, σας στέλνω τα στοιχεία για τον ΕΝΦΙΑ της μητέρας μου, ⟦P:Αικατερίνης Σταυροπούλου⟧, ΑΦΜ ⟦ID@GR:144494520⟧, και του αδελφού μου ⟦P:Δημήτρη Σταυρόπουλου⟧, ΑΦΜ ⟦ID@GR:104229488⟧. Το διαμέρισμα είναι στη ⟦A:Λεωφόρο Αλεξάνδρας 112, 114 71 Αθήνα⟧. Η μητέρα μου νοσηλεύεται με ⟦MC:καρκίνο του παγκρέατος⟧ και δεν μπορεί να υπογράψει, οπότε θα έρθω εγώ. Τηλ. ⟦T:+30 694 118 2370⟧. ⟦P:Σοφία⟧»
""",
)
add(
    "pii",
    "lt",
    "laiskas-aukletojai-liga",
    "prose",
    """
Parašyk trumpą laišką klasės auklėtojai: mano sūnus ⟦P:Lukas Petrauskas⟧ (a. k. ⟦ID@LT:51105162970⟧, 7b klasė) dvi savaites sirgo ⟦MC:vėjaraupiais⟧. Pažymą išrašė šeimos gydytoja ⟦P:Rūta Kazlauskienė⟧, ją atnešiu pirmadienį. Prašau ⟦P:Luką⟧ atleisti nuo kūno kultūros dar savaitę ir leisti vėliau parašyti matematikos kontrolinį. Mano telefonas ⟦T:+370 612 48337⟧. ⟦P:Jurgita Petrauskienė⟧
""",
)
add(
    "pii",
    "lt",
    "automobilio-pirkimo-sutartis",
    "form",
    """
Sudaryk automobilio pirkimo–pardavimo sutartį pagal šiuos duomenis:

Pardavėja: ⟦P:Ieva Jankauskaitė⟧, a. k. ⟦ID@LT:48409034924⟧, gyv. ⟦A:Savanorių pr. 176-12, LT-03154 Vilnius⟧, tel. ⟦T:+370 614 20593⟧
Pirkėjas: ⟦P:Tomas Žukauskas⟧, a. k. ⟦ID@LT:37212217928⟧, gyv. ⟦A:Laisvės al. 53-4, LT-44309 Kaunas⟧
Automobilis: Škoda Octavia, 2017 m., VIN TMBJG7NE8H0128847, valst. nr. KRL 418
Kaina: 8 900 EUR, pervedama į pardavėjos sąskaitą ⟦IBAN:LT58 0354 9222 3708 9976⟧
""",
)
add(
    "pii",
    "lv",
    "vid-attaisnotie-izdevumi",
    "prose",
    """
Palīdzi uzrakstīt paskaidrojumu VID par attaisnotajiem izdevumiem. Es esmu ⟦P:Inese Bērziņa⟧, personas kods ⟦ID@LV:240758-17792⟧, dzīvoju ⟦A:Brīvības iela 144-21, Rīga, LV-1012⟧. 2024. gadā samaksāju par ⟦MC:gūžas locītavas artrozes⟧ operāciju privātklīnikā un par vīra ⟦P:Jāņa Bērziņa⟧ ⟦MED:insulīna⟧ adatām. Tālrunis ⟦T:+371 29 418 377⟧. Pārmaksu lūdzu uz ⟦IBAN:LV63 RIKO 0234 7491 3481 9⟧.
""",
)
add(
    "pii",
    "lv",
    "peldbaseins-seniora-abonements",
    "form",
    """
Aizpildi pieteikumu senioru peldbaseina abonementam un uzraksti īsu pavadvēstuli.

Vārds, uzvārds: ⟦P:Valdis Ozoliņš⟧
Personas kods: ⟦ID@LV:111147-11534⟧
Dzimšanas datums: ⟦DOB:11.11.1947⟧
Adrese: ⟦A:Jomas iela 27-3, Jūrmala, LV-2015⟧
Tālrunis: ⟦T:26 735 108⟧
Veselības stāvoklis: ⟦MC:stenokardija⟧, līdzi vienmēr ⟦MED:nitroglicerīns⟧; ārsta atļauja pievienota
Kontaktpersona: meita ⟦P:Līga Ozoliņa⟧, ⟦T:29 604 117⟧
""",
)
add(
    "pii",
    "et",
    "huviringi-registreerimine",
    "form",
    """
Aita mul täita lapse robootikaringi registreerimisvorm ja kirjuta juhendajale lühike sõnum.

Laps: ⟦P:Mia-Liis Tamm⟧
Isikukood: ⟦ID@EE:61502079469⟧
Lapsevanem: ⟦P:Andres Tamm⟧, isikukood ⟦ID@EE:38610307430⟧
Telefon: ⟦T:+372 5157 2933⟧
E-post: ⟦E:andres.tamm@laane-post.example⟧
Aadress: ⟦A:Pärnu mnt 154-12, 11317 Tallinn⟧
Tervis: ⟦MC:pähkliallergia⟧, ⟦MED:EpiPen⟧ on seljakoti välistaskus
Kuutasu arveldus: ⟦IBAN:EE30 8091 3367 1237 5765⟧
""",
)
add(
    "pii",
    "et",
    "tulumaksu-tagastus-kiri",
    "prose",
    """
Tee sellest e-kirjast viisakam: "Tere, ⟦P:Kadri⟧! Mina olen ⟦P:Triin Saar⟧, isikukood ⟦ID@EE:49308154884⟧. Minu tuludeklaratsiooni tagastus pole ikka laekunud, kuigi esitasin selle veebruaris. Kirjutan alles nüüd, sest olin märtsis haiglas ⟦MC:pimesoolepõletikuga⟧. Konto on ⟦IBAN:EE22 1123 7676 5493 8298⟧, aadress ⟦A:Riia 140-8, 50411 Tartu⟧, telefon ⟦T:5112 7737⟧. Aitäh!"
""",
)

# ---------------------------------------------------------------------------
# group cred
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "incident-shell-history",
    "command",
    """
I'm writing the postmortem for last night's outage. Here's the relevant part of my shell history — turn it into a timeline of what I did and why (assume each command worked).

 1012  PGPASSWORD='⟦S:wR4#tnVq82!Lc⟧' psql -h orders-db.internal -U ⟦U:dkessler⟧ -d orders -c "select count(*) from pg_stat_activity"
 1013  redis-cli -h cache-02.internal -a '⟦S:Zk9vQp2MxL7wTs4e⟧' INFO clients
 1014  sshpass -p '⟦S:Harbor-Lantern-58⟧' ssh ⟦U:dkessler⟧@bastion.internal
 1015  mysql -h legacy-crm.internal -u ⟦U:dkessler⟧ -p'⟦S:Mx!82vbq_Tq0⟧' crm -e "show processlist"
 1016  echo ⟦K:dckr_pat_SMSm-X-ije16AP4rj6SKdVEPF_3⟧ | docker login -u ⟦U:dkessler⟧ --password-stdin
 1017  docker login registry.internal -u ⟦U:dkessler⟧ -p '⟦S:Regi5try!Oct⟧'
 1018  HEROKU_API_KEY=⟦K:HRKU-AAKNjTjVRP-Q7S-RdHsnCAuHxmUnRWY5lXKynebCHYvXO1AIN8YNttuQsG⟧ heroku pg:backups:capture -a orders-api
 1019  aws configure set aws_access_key_id ⟦K:AKIAGWVNCO2B6TUQHWP5⟧
 1020  aws configure set aws_secret_access_key ⟦K:DtFoziDBCiuDQlZBK67nBxHW2bQvgG5gcbbDDgD/⟧
""",
)
add(
    "cred",
    "en",
    "flask-config-observability",
    "code",
    """
Refactor this Flask config so Production and Staging share a base class and nothing is duplicated:

class ProductionConfig:
    SENTRY_DSN = "https://⟦K:1f5219e702ddcb9480651b72955efa65⟧@o482113.ingest.sentry.io/4507283711"
    DD_API_KEY = "⟦K:e2c09239894f27896ac0ae0feefa89a1⟧"
    DD_APP_KEY = "⟦K:4f3a7825ecae23aa45892610c1c32f26b5cf9239⟧"
    NEW_RELIC_LICENSE_KEY = "⟦K:03d80374a285178ceb185720d6dfcbbb55b6NRAL⟧"
    MAILGUN_API_KEY = "⟦K:2563e46a672bca7f5d259c71ad9d80ae-e87e28c7-e6378e93⟧"
    ALGOLIA_APP_ID = "SZ2A2QD6AT"
    ALGOLIA_ADMIN_KEY = "⟦K:f21ee15af5630a71c067e3ddedd6362a⟧"
    SECRET_KEY = "⟦S:b7445594958fb700e7c072225401e491⟧"

class StagingConfig:
    SENTRY_DSN = "https://⟦K:1f5219e702ddcb9480651b72955efa65⟧@o482113.ingest.sentry.io/4507283711"
    MAPBOX_SECRET_TOKEN = "⟦K:sk.eyJ1IjoidmRiZXJnLW1hcHMiLCJhIjoiaGI2YXp2ZG9ndmE4cmdodWRnYzE2M2lqOSJ9.oBDHZBvv3N17TKVJDfoIGI⟧"
    SECRET_KEY = "dev-not-secret"
""",
)
add(
    "cred",
    "en",
    "k8s-secret-payments-worker",
    "yaml",
    """
kubectl apply gives "error decoding from json: illegal base64 data at input byte 12" for this Secret. Which value is broken?

apiVersion: v1
kind: Secret
metadata:
  name: payments-worker
  namespace: billing
type: Opaque
data:
  DB_USER: cGF5bWVudHNfc3Zj
  DB_PASSWORD: ⟦S:cTdIIXZSMm0jTHc5eFR6NA==⟧
  STRIPE_SECRET_KEY: ⟦S:c2tfbGl2ZV81MVBxUjd4S2oybU44dkI0dFk2d1owYUMzZEU1Zkc3aEo5a0wxblAzclM1dVc3eUE5Y0U=⟧
  STRIPE_WEBHOOK_SECRET: ⟦S:d2hzZWNfTWI4ekszcFE5dlQyeFI2blc0eUw3Y0YxaEo1ZEcwc0E=⟧
stringData:
  tls.key: |
    ⟦PK:-----BEGIN EC PRIVATE KEY-----
    MHcCAQEEIJbibQKD/3+6f7IcS/ng9am7dxMiIWF2AqUzM9zcXwJVoAoGCCqGSM49
    AwEHoUQDQgAEYsYhoaZ1mn+uNfM0znDulvKq16iRdpdyU4sd/XnS27/1nGwGQXVt
    /5tyqNDkL5J1OTZgKoLcbMU3vGMs1SHsiw==
    -----END EC PRIVATE KEY-----⟧
""",
)
add(
    "cred",
    "en",
    "ansible-vault-leftovers",
    "command",
    """
Someone left these in the repo after the migration. Which of them are actually a problem and what should we rotate?

$ cat group_vars/prod/vault.yml
$ANSIBLE_VAULT;1.1;AES256
62313365396662343061393464336163383764373764613633653634306231386433626437356262
3964623765316138373864353461306338353734613939640a316464353031646139363964336465
36313765636235353565316337653638353765373533366631643230626238646334386366336631
3238386332653331340a373231613238303064333462343561353266316535633730343562356636
6437
$ cat .vault_pass.txt
⟦S:correct-plinth-moss-tuba-71⟧
$ grep -n extra-vars deploy.sh
14:ansible-playbook site.yml -i inventories/prod --extra-vars "db_password=⟦S:9mQ!xe4Tz_Lr2w⟧ ansible_become_pass=⟦S:Sud0-Tangerine-44⟧"
$ cat files/deploy_key
⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz
c2gtZWQyNTUxOQAAACDdlIwbbzktkSxDz+nyKm7NDYwQYlarX0Mwz1k2j4DJ6AAA
AIiQe6zgkHus4AAAAAtzc2gtZWQyNTUxOQAAACDdlIwbbzktkSxDz+nyKm7NDYwQ
YlarX0Mwz1k2j4DJ6AAAAEBSAVC2YyoAGU6o+itLYaZXq4P84j7cQF1COB1MEHKJ
Kd2UjBtvOS2RLEPP6fIqbs0NjBBiVqtfQzDPWTaPgMnoAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧
""",
)
add(
    "cred",
    "en",
    "jupyter-workspace-sync",
    "code",
    """
This notebook cell syncs tasks between our tools and it's slow (about 4 minutes). How can I batch the requests?

In [7]:
import requests
NOTION_TOKEN = "⟦K: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⟧"
AIRTABLE_PAT = "⟦K:patTcrClhZI8LLNX4.87270eb68ff79c713d9e765746b33c95d730abcc0c04271215d575f133ee2ad6⟧"
LINEAR_KEY = "⟦K:lin_api_l7eH3yWfQlV5iXcUGB558v5TzhsGGafDy9mZrQXL⟧"
ASANA_PAT = "⟦K:2/7972588069334331/1508629449664144:610f6bc9c58860150a6f84320fc6bad2⟧"

for task in asana_tasks(ASANA_PAT, project="1204417781290031"):
    page = notion_upsert(NOTION_TOKEN, db="9d2f0c7a41b84c61a3b8f0e2d5c7a913", task=task)
    airtable_log(AIRTABLE_PAT, base="appX8kQ2mN4vB7cD1", row=page)
    if task["blocked"]:
        linear_issue(LINEAR_KEY, team="OPS", title=task["name"])
""",
)
add(
    "cred",
    "en",
    "llm-provider-comparison-script",
    "command",
    """
I'm comparing three providers with the same prompt. Why does the third call return 401 while the first two work?

curl -s https://api.anthropic.com/v1/messages \\
  -H "x-api-key: ⟦K:sk-ant-api03-nXFddtzzn15cuVeXa5ealAAVq3JrrIZ2a-Qg_9AmToyJ-XYMEKJKR7d7DsXRR1Y4DPNkmrZBQW-ANqTTIDPe5X_i1VyhCAA⟧" \\
  -H "anthropic-version: 2023-06-01" -H "content-type: application/json" \\
  -d @prompt_anthropic.json

curl -s https://api.openai.com/v1/chat/completions \\
  -H "Authorization: Bearer ⟦K: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⟧" \\
  -H "content-type: application/json" -d @prompt_openai.json

curl -s https://api.cohere.com/v2/chat \\
  -H "Authorization: ⟦K:dbdEuS1pDWj51xCx69IAHP9BW1JfdTN4exxHpxN5⟧" \\
  -H "content-type: application/json" -d @prompt_cohere.json
""",
)
add(
    "cred",
    "en",
    "uptime-monitor-notification-export",
    "json",
    """
I exported the notification settings from my home-lab uptime monitor. Convert them to the YAML format the new tool wants (type, name, settings).

[
  {"name": "homelab-slack", "type": "slack",
   "slackwebhookURL": "⟦K:https://hooks.slack.com/services/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⟧"},
  {"name": "phone", "type": "telegram",
   "telegramBotToken": "⟦K:7201722001:AA2VGevcO-0zDuAABktZaRfRnoGofzmDQjh⟧", "telegramChatID": "418827306"},
  {"name": "friends-discord", "type": "discord",
   "discordWebhookUrl": "⟦K:https://discord.com/api/webhooks/2928686397527933997/9jRgRJ-KqdVu0kHdOFgUcARKt2Oqy7-7SfQiRiSaSUXwfcX6CLPajI6uS0AIQMjQldIT⟧"},
  {"name": "pager", "type": "PagerDuty",
   "pagerdutyIntegrationKey": "⟦K:823338303dd5ff53d469f6bdc6e9f6ef⟧", "pagerdutyPriority": "P2"},
  {"name": "smtp", "type": "smtp", "smtpHost": "smtp.fastmail.com", "smtpUsername": "⟦E:nico.varga@fastmail.example⟧",
   "smtpPassword": "⟦S:7kzq5vmr3xw2hbtd⟧"}
]
""",
)
add(
    "cred",
    "en",
    "gcp-service-account-json",
    "json",
    """
Terraform says "invalid_grant: Invalid JWT Signature" with this service-account file. Is the key malformed or is it the clock?

{
  "type": "service_account",
  "project_id": "harvest-analytics-prod",
  "private_key_id": "4c1e0a7f93b2d85e61f0a4c9b7d3e2f1a0c5b8d6",
  "private_key": "⟦PK:-----BEGIN PRIVATE KEY-----\\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCuT94CPoQYWywV\\nlaX3B/JbBlQeMSt9syUe7wKp1G5+VNSJtqLguAael1q/PDDjEwyqQOzfjZF/2XdQ\\n1yDyq7TixZm54Ns3nuF0x6v35Kgh/uok5PeS9uZ3E6u79M15gHIvzLjXyZbLkj+N\\nzAmI/l3AJSaiD4iWSjL3175SiWdZSsXKtOztx2ZBhVIl00i+pggqq5EolPnWnNmc\\nMve9yKCsKWACsIiWHgcz+a34EIKfEDJVOhBBNHb99nSNjpCnqwQtYacia1vh9pMz\\n3KRwBzY9t0JnZQPIP8TYtuJmKxQ6mitKkxS7prOrn0MOlJmxotTepJQyPHH6xKaV\\nQHeMT3qTAgMBAAECggEABLsWLhQURwpHwAONEDn0UelyDv+2oSAOOdtdbyPc0SuW\\n48XugGV+MypYbtLrYL5Q8a32v8/PyxspKdXXhxPcl5WqqRN5NPaS7TXIwl7qUUHh\\n3kPN6acvH2bhRPtNOFGhcmVT/vHxrcS3r4QsyL2z6FXEc/wym3btZdyXxcBaQF9u\\nT8eav3vjVQ+Rhc00oPEXBLSZYM8V0OCecO+vgF+bxflnMVj8AwTCgnnT3o+K+1H/\\n3mP5UREIV0Vqy/4XHjNxe4TmJWpISwtRji781rRz9wbY2z7rqqBXAG6emJe80uVL\\nq+/6/IySuOPaGLRuxulgFH+peL2NyAxJ3TfZCB7MgQKBgQDjBwlREEOnI0gp17me\\nCg7+AMoFUW5If2z7f+YUhO0hvX9JeLr/Ne4K9BULQNDTB8Bl6K4Lpb6dB5c109kA\\nkKgzXjQqEKGwax5upoFo2yeOYQz90epr5XL/QcSNCig8LdTWXKZ0EyM/5CSilszK\\nCbu1f4g8At36lzjFmuIGLOd9qQKBgQDEjp72k0CPAWtrFRiMprerS+cyBMHy+iWa\\nViQkE8GRUbWgUFzG+fvCZ5GWYMjeAOjc3yLlj5ulVkNQLX3Yx5Pw0I/jNpJY8ktk\\nDFGWG8nHN5tQ8sa+bYush+/JYgIQeXef+nK7QbdfCO59pzNaHPE/JlggeZWQTDhR\\nN4glYh4D2wKBgQChvGSNxLl9u+vwK0iIZ4AQwr0plr6rlWQttAtUuPI65EZnMESA\\nBoqkcQkA8FcU0GPn9iDwGU83ja3S4i6pcWTy23zsLtcR2O5gQ+zTp7WBgHCB7udD\\noL4RTWhaVk8duET1xiGrderZ3I2g6y/QC6kXf1it8Bj2Kn9+f33gimMMqQKBgAcJ\\nO/ODrenwmRHKPYi7ZxPAsdP+i5rRDYuKzdxkwKcdD61fcxLEXBjHcFS7vjUEP1G4\\nwx0ImP/AKMSz/C9IZalXLe9qQq7gbYZ1Um5XLE/vU6YAKtEiRr+0VgcVdRF156xY\\nYMcHQTMrtK3W0GXHZ3NlQf5Xm90AfXuay0rbSkvFAoGBALFxlwZSoBQNfHNA94pF\\nRYuC59z4g0AQmRB+0tl99lReoW5nWnD01+WOOE13fYzsv/3cuBxAwCa4A9hmWblE\\nk37zaHhwdM7mLkX6d2HoaE8K0qVNPdZ91e9QaiQwcCV8DgWPkP/DE8Ek1VJPTW3V\\n077/9h9AMazr+iJtcEgZi5NO\\n-----END PRIVATE KEY-----⟧\\n",
  "client_email": "tf-runner@harvest-analytics-prod.iam.gserviceaccount.com",
  "client_id": "104882731550927716342",
  "token_uri": "https://oauth2.googleapis.com/token"
}
""",
)
add(
    "cred",
    "en",
    "git-remotes-and-pypirc",
    "command",
    """
Pushing to both remotes works from my laptop but not from the CI runner, and twine upload fails with 403. What's different?

$ git remote -v
origin	https://oauth2:⟦K:glpat-JAZI4Lx5q24apKNq1WnA⟧@gitlab.com/fernhill/geo-tiles.git (fetch)
origin	https://oauth2:⟦K:glpat-JAZI4Lx5q24apKNq1WnA⟧@gitlab.com/fernhill/geo-tiles.git (push)
mirror	https://⟦U:pmoretti⟧:⟦K:ATBBJygh6bOFYFqEjUd48EA7gnLghFNU36D1C1C2⟧@bitbucket.org/fernhill/geo-tiles.git (fetch)
mirror	https://⟦U:pmoretti⟧:⟦K:ATBBJygh6bOFYFqEjUd48EA7gnLghFNU36D1C1C2⟧@bitbucket.org/fernhill/geo-tiles.git (push)
$ cat ~/.pypirc
[distutils]
index-servers = pypi

[pypi]
username = __token__
password = ⟦K:pypi-AgEIcHlwaS5vcmcCJDrVIIuZXBERACL_LcI4i82ntRfRK7ZHSE6SUu6hp_t8fZNNJ7zFJtJHx8km5SMYebhpgKKSVtDyk-KJ9TWG4nfReDH4LADrDqlTrwZTQsvwBvV_GDR248MbBwbxNMDZztP-gTgaVPkpbTVQMsVWuIE5⟧
""",
)
add(
    "cred",
    "en",
    "static-site-deploy-makefile",
    "code",
    """
Our Makefile deploys the docs site to three hosts. Rewrite it so the tokens come from the environment instead, and add a `check-env` target.

NETLIFY_AUTH_TOKEN := ⟦K:nfp_L4vaFzMnP6cndNV9AhOwWyzIyQnv0LhJclbJ⟧
VERCEL_TOKEN := ⟦K:1kebLmAZ0MCxx0n8rceWXLee⟧
CLOUDFLARE_API_TOKEN := ⟦K:ptv5jpBdcx5VPUAVB5kl9VLmfUpSpok8qRgfOy4g⟧
FLY_API_TOKEN := ⟦K:FlyV1 fm2_QgasbusGja6Xn3embYjrIymolt8OLzF0sW4bOfQmHGLXGfNtbKjwsuSRzb/14mS1hUFXe6ScAySWMWpMF0MSuh8AMq9bwmtdgZKxeWjDFexX+hI2Y+5LMEOmF/4aavNW6+Afh3E4EoFmWmBes5abLxZHsw56rrSZ⟧
NPM_TOKEN := ⟦K:npm_SbbGUAUIg75Hx7VFnajOAyi3LouUpYngR4r1⟧

deploy: build
	netlify deploy --prod --dir=site --auth $(NETLIFY_AUTH_TOKEN)
	vercel deploy site --prod --token $(VERCEL_TOKEN)
	CLOUDFLARE_API_TOKEN=$(CLOUDFLARE_API_TOKEN) wrangler pages deploy site --project-name docs
	FLY_API_TOKEN="$(FLY_API_TOKEN)" fly deploy --app docs-preview

publish-widget:
	echo "//registry.npmjs.org/:_authToken=$(NPM_TOKEN)" > .npmrc && npm publish ./widget
""",
)
add(
    "cred",
    "en",
    "azure-function-blob-sms",
    "code",
    """
This Azure Function uploads a PDF and texts the customer a link. The SMS arrives but the link gives AuthenticationFailed. What's wrong with the SAS?

public static class SendStatement
{
    const string Storage = "DefaultEndpointsProtocol=https;AccountName=stmtstore01;AccountKey=⟦K:tpbzgwkGcf/gMEpNAtm7NewbBEojRzuIm8r+x+RzI3Ai2zQU7RKeM928lz5/xUvpvr+OW+PHhR6ggmt+E4Cxdw==⟧;EndpointSuffix=core.windows.net";
    const string LinkTemplate = "https://stmtstore01.blob.core.windows.net/statements/{0}?sv=2022-11-02&ss=b&srt=o&sp=r&se=2025-01-31T23:59:59Z&spr=https&sig=⟦K:oPiGPjn5KHAYafBS1W0rZ8gl1t4YvClrulVvnA%2BMzOI%3D⟧";
    const string TwilioSid = "⟦K:AC7c805717fec9cc7297eab10cfb1fe21d⟧";
    const string TwilioToken = "⟦K:106127cf4d68bd3ddc960d8c03f00afc⟧";
    const string PostmarkToken = "⟦K:1f06f58e-d2fd-4d33-8f2b-fa929960508a⟧";
}
""",
)
add(
    "cred",
    "en",
    "okta-auth0-raw-requests",
    "http",
    """
Two requests from my REST client. The first returns 401 "Invalid token provided", the second works. What's the difference in how they authenticate?

GET /api/v1/users?filter=status%20eq%20%22LOCKED_OUT%22 HTTP/1.1
Host: fernhill.okta.com
Accept: application/json
Authorization: SSWS ⟦K:00eKjpXEa-L1idZQ4KRSBeSsjDrjJEspxRdWhTwqSp⟧

POST /oauth/token HTTP/1.1
Host: fernhill.eu.auth0.com
Content-Type: application/x-www-form-urlencoded
Cookie: did=s%3Av0%3A8c1f2a30-ef11-11ee-9a5b-0b1c2d3e4f50; auth0_session=⟦S:eyJzaWQiOiJxWjdyTXA0dkxrMm5YOGJUIn0.Zt3KpA.h9Qw2LxV7mN4cR8sT1yU6eB0⟧

grant_type=client_credentials&client_id=⟦K:H1NFDdj5cqCuVRlLTPqV9LsF7oHWFdBk⟧&client_secret=⟦K:MzpMIH9pJz-P2QDc2JLGEH4157sK60r8_tMjAOYoq9qOfFmCZj6FCc4RtcbEUrD2⟧&audience=https%3A%2F%2Ffernhill.eu.auth0.com%2Fapi%2Fv2%2F
""",
)
add(
    "cred",
    "en",
    "database-migration-connection-strings",
    "prose",
    """
I'm writing the cut-over checklist for moving off the old data centre. For each connection below, tell me which driver option I need to change for TLS. Old → new:

1. Billing (SQL Server): Server=tcp:sql-bill-01.corp.local,1433;Database=Billing;User Id=billing_app;Password=⟦S:Tq7!mzR4vW2k#p⟧;Encrypt=False;
2. HR (Oracle): jdbc:oracle:thin:hr_ro/⟦S:Orcl_Birch_2291⟧@//ora-hr.corp.local:1521/HRPDB
3. Shop (MySQL): mysql://shop:⟦S:b8Lq2xVt9Kw4⟧@mysql-shop.corp.local:3306/shop?ssl-mode=DISABLED
4. Events (Kafka): sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="events-producer" password="⟦S:Jz5wQv8Rk2Tn7yLp⟧";
5. Jobs (RabbitMQ): amqps://jobs:⟦S:hB3nR7vK2qX9wM4t⟧@rabbit-01.corp.local:5671/prod
6. Reports (Postgres): jdbc:postgresql://pg-rep.corp.local:5432/reports?user=⟦U:mfarrell⟧&password=⟦S:Quarry!Fox!1988⟧&sslmode=disable
""",
)
add(
    "cred",
    "en",
    "discord-bot-env-onboarding",
    "env",
    """
New contributor here. The README says "copy the team .env" and the bot crashes on startup with "MongoServerSelectionError". Here's the .env I was sent:

DISCORD_TOKEN=⟦K:MTM4NjU1OTEwMTk5NTU4MjA0.dPpGjT.6Yk63UeRzFN59tiUoPLco90IoThNOmwydvUups⟧
MONGODB_URI=mongodb+srv://botadmin:⟦S:pX7vLq2RmZ9w⟧@cluster0.k3mzq.mongodb.net/artbot?retryWrites=true&w=majority
REDIS_URL=rediss://default:⟦S:Ak8Tq3vRz6Wm2Lp9Yx5N⟧@eu1-sharp-hare-40211.upstash.io:6379
REPLICATE_API_TOKEN=⟦K:r8_4dpVqcW6jSvxkphzI7CtH6zJZB31236FSeFwU⟧
PINECONE_API_KEY=⟦K:pcsk_asLeG3_VXgO7pBmPdwdlAkCqDYzibYYjHDhkQtTycbkExoKDMGsGT0idkPgK2qmmorxEG4⟧
SUPABASE_SERVICE_ROLE_KEY=⟦K:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InNpdHJ1c3VsanRpbmhjcHV6a2ZnIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcxODIwMzMyNCwiZXhwIjoyMDMzNzc5MzI0fQ.EI9DJuNjIelUw691VKze8rFM5uNCQJINMQm_2XncaGW⟧
FCM_SERVER_KEY=⟦K:AAAArJ7RsUf:APA91bKYQ6RtZO0VuNONLprszH0-AZJW-bs6OlSGHAHRy-VDeLKDZ62rwskCP-ReW6TvKpeaLeD6Wv8JPPGRXsZQQILxYjgFHFrZwFa7YcfkB96c4xMCf7QafeYnrGhiy0YkFmRPSP5i⟧
LOG_LEVEL=debug
""",
)
add(
    "cred",
    "en",
    "offboarding-handover-2fa-pgp",
    "prose",
    """
I'm leaving the company on Friday. Can you turn my notes into a tidy handover document for ⟦P:Priya⟧ (sections: accounts, 2FA, signing key)? Notes:

- the shared ops@ mailbox password is ⟦S:Lilac-Compass-Tundra-93⟧, change it after I leave
- 2FA seed for the registrar account (paste into any authenticator): ⟦S:FVLVBGTWKQNSTZFWRQBWI6XWHRMA4SSJ⟧, backup codes ⟦S:4829-1176⟧, ⟦S:7730-5512⟧, ⟦S:0961-8843⟧
- release signing key (passphrase is "⟦S:otter glacier 4 violin⟧"):
⟦PK:-----BEGIN PGP PRIVATE KEY BLOCK-----

lQHYOl72YCAxtAsVIz/P/4E1ZqQHdXx0Y36SMeXUZxZ8O8IFs0SFaHnm6WG5HalC
GP3QEGKe1GAbqQ5WPLAWf+emhOY1lM4kmxCK8gl9szEl8tyUdLqV4XFJjlva4G0i
KMOZGIiwULNb86TXfoCfMk8mW4dIgqgSzufbgemzizhYPugDS1c4RAhsQWBM1bTk
aiyoZR0q7qna+QYz+cQpTB0Dy8NhV9YrkW/nOyNokHJoahSWEUm3GAgVqRvDhYZc
J87vgXy1JvqaEDAE6SNXYqiSHr5MWVP3XQCl1X81D+CeCOL33sLO/dGULC1W+G5x
HhUzmjl/z3nKJ2EfG5S4c6UguHCDuRe37XiQZNFcdDkNMgxyHBs2uQG1mZzoBadd
1G6HF/r3v8GZgNG0kTOAOlKGYr6FpTIBSpxL6BS+Uu3o+2c5oUsUjGv6vl7O8b3Z
UoRNoNT1W8jlS6bYGzJ8XmD1ldjrTzRKZZxi1+uvhu+wulvSrZqVXKxtMn3Sh4HW
FEQpEX+73UX9a8cdn9TTRvxKRs3TgURG/uOhaT5cPvc/yoG/dT870M+YhtQyXn/H
G8scYxWnK8eR/m3rC8noIwWcMK9DFhh2dd6r50jskBcgm1vd+6cQUco=
=dmsr
-----END PGP PRIVATE KEY BLOCK-----⟧
""",
)
add(
    "cred",
    "de",
    "praxisvertretung-zugaenge",
    "prose",
    """
Mach aus meinen Stichpunkten eine ordentliche Übergabe für die Vertretungsärztin, Dr. ⟦P:Yasemin Aydın⟧, die ab Montag zwei Wochen meine Praxis übernimmt:

- Praxissoftware: Benutzer ⟦U:praxis.lindner⟧, Passwort ⟦S:Kastanie!Mai24⟧ (muss alle 90 Tage geändert werden)
- SMC-B-Karte im Kartenterminal am Empfang, PIN ⟦S:482913⟧
- mein eHBA für die eAU: PIN.QES ist ⟦S:719305⟧, bitte nicht dreimal falsch eingeben
- der BTM-Tresor im Labor geht mit ⟦S:3-17-42-8⟧ auf
- WLAN „Praxis-Intern“: ⟦S:Hufeisen-Nieren-2019⟧
Bei Problemen mit der TI: Herr ⟦P:Bauer⟧ vom Systemhaus, ⟦T:0711 2284 519⟧.
""",
)
add(
    "cred",
    "de",
    "matomo-config-ini",
    "ini",
    """
Matomo zeigt seit dem Update „Error: SQLSTATE[HY000] [1045] Access denied“. Hier meine config.ini.php – fällt dir etwas auf?

; <?php exit; ?> DO NOT REMOVE THIS LINE
[database]
host = "db.stadtwerke-intern.lan"
username = "matomo"
password = "⟦S:w9#Lq2vTz!m7Rk4⟧"
dbname = "matomo"
tables_prefix = "matomo_"
charset = "utf8mb4"

[General]
salt = "⟦S:e0420c89e90efd723bf2f426f1ef0ce4⟧"
trusted_hosts[] = "statistik.stadtwerke.example"
force_ssl = 1

; token_auth für den Reporting-Export (Benutzer ⟦U:k.hoffmann⟧): ⟦S:1fc77260b5cc97e440629c2fc043fc1a⟧
""",
)
add(
    "cred",
    "fr",
    "accueil-cabinet-remplacement",
    "prose",
    """
Peux-tu mettre en forme ce mémo pour la secrétaire intérimaire du cabinet ? Ton chaleureux mais clair.

Bonjour ⟦P:Mélanie⟧, pour la semaine : le mot de passe de Doctolib Pro c'est ⟦S:Glycine#Rouen76⟧ (identifiant ⟦E:secretariat.cabinet.dufresne@medmail.example⟧). La carte CPS du Dr ⟦P:Dufresne⟧ est dans le lecteur, son code porteur est ⟦S:6214⟧ – ne le note nulle part. Le coffre des ordonnanciers s'ouvre avec ⟦S:0-4-7-1-9⟧. Le Wi-Fi patients n'a pas de mot de passe, celui du secrétariat est ⟦S:Volets-Bleus-2021⟧. En cas de souci, appelle-moi au ⟦T:06 12 96 49 64⟧. ⟦P:Claire⟧
""",
)
add(
    "cred",
    "fr",
    "script-qonto-mailgun",
    "code",
    """
Mon script qui envoie chaque soir le relevé Qonto par mail plante avec « 401 Unauthorized » côté Qonto. Tu vois pourquoi ?

import requests

QONTO_LOGIN = "atelier-morel-8713"
QONTO_SECRET = "⟦K:a74adfd1d1521da4f443d35e8f0c2576⟧"
MAILGUN_KEY = "⟦K:e0017c4ed8b0cca3b3f67f679f6ba9d0-3f1d07ac-67372874⟧"

r = requests.get(
    "https://thirdparty.qonto.com/v2/transactions",
    headers={"Authorization": f"{QONTO_LOGIN}:{QONTO_SECRET}"},
    params={"bank_account_id": "atelier-morel-8713-bank-account-1", "status[]": "completed"},
)
requests.post(
    "https://api.eu.mailgun.net/v3/mg.atelier-morel.example/messages",
    auth=("api", MAILGUN_KEY),
    data={"from": "releves@mg.atelier-morel.example", "to": "⟦E:sandrine.morel@atelier-morel.example⟧", "subject": "Relevé du jour"},
)
""",
)
add(
    "cred",
    "es",
    "certificado-fnmt-dnie-gestoria",
    "prose",
    """
Mi gestora me pide por correo los datos para presentar el IVA trimestral en mi nombre. ¿Me ayudas a contestarle de forma más segura o al menos mejor redactada? Lo que pensaba mandarle: "Hola ⟦P:Nuria⟧: el certificado de la FNMT está en el USB que te dejé; la contraseña del archivo .pfx es ⟦S:Albufera_2023!⟧. Si hace falta el DNIe, mi DNI es ⟦ID@ES:10964317X⟧ y el PIN del chip es ⟦S:Tf8kW2qz⟧. La clave de firma de la app del banco es ⟦S:901274⟧. Un saludo, ⟦P:Vicente Albiol⟧"
""",
)
add(
    "cred",
    "es",
    "bot-whatsapp-apple-login-env",
    "env",
    """
Estoy montando el bot de WhatsApp de la clínica y el login con Apple de la app. ¿Por qué la verificación del webhook devuelve 403? Este es mi .env:

WHATSAPP_PHONE_NUMBER_ID=118273645509182
WHATSAPP_ACCESS_TOKEN=⟦K:EAAGKx1cm7nheCDBH9tbayk1P2BV1ITVG6meQ2sFxdVHdeVZPffFm8gkABMTVx9Ea3aAV1toY4LwCBh7Lc6F8wzGj9Z8pEAbn14FccWgkhym5PUKWdu5HgaeeujiKxSpawmP0zJMyL1NZm7R7Ww0ti1oMzhG2Cu2XMxInEUy4NElhgfznzQx⟧
WHATSAPP_VERIFY_TOKEN=⟦S:clinica-sol-verify-71c2⟧
APPLE_TEAM_ID=8KQ3ZR27WD
APPLE_KEY_ID=M4XP9TQ2LA
APPLE_PRIVATE_KEY="⟦PK:-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4fcHC2Tm4Vvb5RC4
mbG92/y/cOXl586bgx0Q+A5uYI6hRANCAAQEXEazTdK1hOAfe+yAQ3WArm4gtilK
ynyRarZf9yucAWJd2TjVurA09D0NmLcm1CwpJNzEhxu+9+RcrGyU1g8U
-----END PRIVATE KEY-----⟧"
""",
)
add(
    "cred",
    "it",
    "credenziali-commercialista",
    "prose",
    """
Devo mandare al commercialista le credenziali per la dichiarazione. Riscrivimi il messaggio in modo più ordinato: "Dott. ⟦P:Galli⟧, le mando quanto richiesto. Codice fiscale ⟦ID@IT:FRRMRC75A10L219T⟧. Fisconline: la password è ⟦S:Superga#1975⟧ e il PIN completo è ⟦S:4817302956⟧. Per la firma digitale del kit Aruba il PIN è ⟦S:55310827⟧ e il PUK ⟦S:11904623⟧. Mi richiami pure al ⟦T:347 218 9054⟧. Cordiali saluti, ⟦P:Marco Ferraro⟧"
""",
)
add(
    "cred",
    "it",
    "invio-pec-smtplib",
    "code",
    """
Questo script invia le fatture via PEC ma si blocca con "SMTPAuthenticationError: 535". Cosa sbaglio?

import smtplib
from email.message import EmailMessage

PEC_USER = "⟦E:amministrazione.bellinistudio@pec.example⟧"
PEC_PASS = "⟦S:Lagh3tto!Pec2024⟧"

msg = EmailMessage()
msg["From"] = PEC_USER
msg["To"] = "fatture@pec.cliente.example"
msg["Subject"] = "Fattura 2024/118"
with smtplib.SMTP_SSL("smtps.pec.aruba.it", 465) as s:
    s.login(PEC_USER, PEC_PASS)
    s.send_message(msg)
""",
)
add(
    "cred",
    "nl",
    "clubhuis-overdracht-vrijwilligers",
    "prose",
    """
Kun je dit overdrachtsbriefje voor de nieuwe bardienstvrijwilligers van de hockeyclub netjes maken?

"Hoi allemaal! De sleutelkluis naast de kantinedeur heeft code ⟦S:7319⟧. Het alarm zet je uit met ⟦S:2846⟧ + OK (binnen 30 seconden!). De kassa-app log je in met ⟦E:bar@hcdewaterhoek.example⟧ en wachtwoord ⟦S:Stickbal-Oranje-88⟧. Sportlink-beheer (alleen voor ⟦P:Ruud⟧ en mij): ⟦S:Kunstgras!2025⟧. Wifi 'HCW-Kantine': ⟦S:pannenkoek-met-stroop⟧. Vragen? Bel ⟦P:Marieke⟧: ⟦T:06 12798537⟧."
""",
)
add(
    "cred",
    "nl",
    "powershell-backup-azure-sas",
    "code",
    """
Dit PowerShell-script maakt elke nacht een back-up van de administratiemap naar Azure. Sinds 1 januari faalt het met 403. Komt dat door de SAS?

$Bron = "D:\\Administratie"
$Container = "https://kantoorbackup.blob.core.windows.net/nachtelijk"
$Sas = "sv=2022-11-02&ss=b&srt=co&sp=rwlac&se=2024-12-31T23:00:00Z&st=2024-01-01T08:00:00Z&spr=https&sig=⟦K:jkH%2Fd%2Fcg7QUVTraUHDwYGJLxxh6EtyxoN9BtjLiZ4rQ%3D⟧"
$env:AZCOPY_SPA_CLIENT_SECRET = "⟦K:Q8w~r3JkL0vT.9zXpM2nB-5yHcA7dF1gE4sU6iOq⟧"
azcopy sync $Bron "$Container?$Sas" --recursive --delete-destination=false
Send-MailMessage -To "⟦E:j.vandam@kantoor-vandam.example⟧" -Subject "Back-up klaar" -SmtpServer smtp.kantoor-vandam.example
""",
)
add(
    "cred",
    "pl",
    "przekazanie-obowiazkow-ksiegowa",
    "prose",
    """
Przepisz to przekazanie obowiązków dla nowej księgowej tak, żeby było czytelne (punkty, nagłówki):

Pani ⟦P:Ewo⟧, bankowość firmowa: login ⟦U:BIURO.SZYMANSKA⟧, hasło ⟦S:Wisła!Kraków1987⟧, kody SMS przychodzą na telefon firmowy. Token do KSeF wygenerowałam w zeszłym tygodniu: ⟦K:20250311-EC-3B7F2A91C4-0D8E6F5A12-7B⟧. PIN do podpisu kwalifikowanego (karta w szufladzie): ⟦S:26051987⟧. Hasło do programu kadrowego to ⟦S:kadry_2025_Marzec⟧. W razie czego proszę dzwonić: ⟦T:+48 601 442 917⟧. ⟦P:Joanna Szymańska⟧
""",
)
add(
    "cred",
    "pl",
    "inpost-baselinker-config",
    "yaml",
    """
Integracja sklepu z InPostem przestała tworzyć przesyłki („401 token_invalid”). Oto config.yml — czy coś jest źle?

shop:
  name: Ceramika Zawadzki
  owner_email: ⟦E:pawel.zawadzki@ceramika-zawadzki.example⟧
inpost:
  organization_id: 48213
  api_url: https://api-shipx-pl.easypack24.net/v1
  token: "⟦K:eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJvcmdhbml6YXRpb25faWQiOjQ4MjEzLCJzY29wZSI6InNoaXBtZW50cyJ9.qk3Vx8LmR2tW9pZ4nB7cJ5hY1dF6sG0aE3uI8oK2wQ⟧"
baselinker:
  token: "⟦K:3008127-3021644-Q8ZK2M7RV4X1PT9LW3NB6YHC5JD0FGE2SA8U4KT7MX1QR9VB⟧"
  inventory_id: 7712
""",
)
add(
    "cred",
    "pt",
    "bilhete-empregada-casa",
    "prose",
    """
Podes pôr isto mais bonito para deixar na cozinha para a senhora ⟦P:Fátima⟧, que vem ficar com os miúdos esta semana?

"Olá ⟦P:Fátima⟧! O portão da garagem abre com o código ⟦S:5580⟧ e o alarme desliga-se com ⟦S:1943⟧. A rede Wi-Fi é CasaRibeiro5G e a palavra-passe é ⟦S:sardinha-assada-77⟧. O tablet dos miúdos tem o PIN ⟦S:2468⟧ (só depois dos trabalhos de casa!). Se precisar de alguma coisa, ligue ao ⟦P:Nuno⟧: ⟦T:912 786 493⟧. Obrigada! ⟦P:Inês⟧"
""",
)
add(
    "cred",
    "pt",
    "php-asaas-pagarme",
    "code",
    """
Meu checkout em PHP gera a cobrança no Asaas mas o estorno via Pagar.me volta 401. Dá uma olhada:

<?php
const ASAAS_API_KEY = '⟦K:$aact_YTU5YTE0M2M2N2I4MTliNzk0YTI5N2U5MzdjNWZmNDQ6OjAwMDAwMDAwMDAwMDAwNjQ3MTI6OiRhYWNoXzY3ZTk4NzEyLWQ1ZTAtNDU2Zi05ODZlLWJkYzNlZmUwNmJmNg==⟧';
const PAGARME_SECRET = '⟦K:sk_9f2c71e4ab3d4f6e8a1b0c5d7e2f9a34⟧';

$cobranca = asaas_post('/v3/payments', [
    'customer' => 'cus_000005219613',
    'billingType' => 'PIX',
    'value' => 189.90,
], ASAAS_API_KEY);

$estorno = pagarme_post("/core/v5/charges/ch_Kw8qZ3xR1nYp0vLm/refund", [], base64_encode(PAGARME_SECRET . ':'));
""",
)
add(
    "cred",
    "da",
    "sommerhus-ankomstbesked",
    "prose",
    """
Skriv den her besked pænere til vores venner, der låner sommerhuset i uge 29:

Hej ⟦P:Mette⟧ og ⟦P:Anders⟧! Nøgleboksen sidder til venstre for skuret, koden er ⟦S:0611⟧. Alarmen slår I fra med ⟦S:4471⟧ og så "OFF". Wi-Fi hedder Klitrosen og koden er ⟦S:Havtorn-Marsvin-42⟧. Til Viaplay på tv'et: ⟦E:lone.brix@havpost.example⟧ / ⟦S:Blaamusling2022⟧. Ring til naboen ⟦P:Erik⟧ på ⟦T:23 84 61 07⟧ hvis vandet driller. Kh ⟦P:Lone⟧
""",
)
add(
    "cred",
    "no",
    "tripletex-python-integrasjon",
    "code",
    """
Integrasjonen vår mot Tripletex får «401 Unauthorized» når den prøver å lage en session token. Ser du feilen?

import requests, datetime

CONSUMER_TOKEN = "⟦K:eyJ0b2tlbklkIjoxMjg4LCJ0b2tlbiI6ImQ4ZjJhMWM0LTliN2UtNGMzYS04ZjVkLTJlMWIwYzlhN2Q2MyJ9⟧"
EMPLOYEE_TOKEN = "⟦K:eyJ0b2tlbklkIjo4ODQxMjIsInRva2VuIjoiNmIxYzNmOWUtMmE0ZC00ZTdiLWExYzgtOWY1ZTNkMmIwYTc0In0=⟧"

expiration = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
r = requests.put(
    "https://tripletex.no/v2/token/session/:create",
    params={"consumerToken": CONSUMER_TOKEN, "employeeToken": EMPLOYEE_TOKEN, "expirationDate": expiration},
)
print(r.status_code, r.text)
""",
)
add(
    "cred",
    "fi",
    "au-pair-ohjeet",
    "prose",
    """
Kirjoita tästä selkeä ohjelappu au pairillemme englanniksi ja suomeksi:

Ulko-oven koodi on ⟦S:2580⟧#. Wi-Fi: Koivula_Home, salasana ⟦S:mustikkapiirakka-19⟧. Lasten iPadin näytön aikaraja-PIN on ⟦S:0707⟧. Kauppakassin tilaus: S-kaupan tunnus ⟦E:koivula.perhe@posti-mail.example⟧, salasana ⟦S:Ruisleipä!2024⟧. Hätätilanteessa soita ⟦P:Hannalle⟧ ⟦T:050 412 7736⟧ tai ⟦P:Villelle⟧ ⟦T:044 906 2281⟧.
""",
)
add(
    "cred",
    "cs",
    "predani-kancelare-ucetni",
    "prose",
    """
Uprav prosím tenhle vzkaz pro kolegyni, která mě zastupuje v kanceláři, aby byl přehledný:

„Ahoj ⟦P:Markéto⟧, trezor v kanceláři má kód ⟦S:19-07-33⟧. Do Pohody se přihlásíš jako ⟦U:mkrejci⟧, heslo ⟦S:Vltava*Podzim23⟧. Certifikát pro datovou schránku je na tokenu, PIN je ⟦S:804215⟧. Internetové bankovnictví nech být, to dělá ⟦P:Jirka⟧. Kdyby něco, volej na ⟦T:+420 731 406 218⟧. ⟦P:Lucie⟧“
""",
)
add(
    "cred",
    "hu",
    "szamlazz-barion-env",
    "env",
    """
A webshopom Számlázz.hu-s számlakiállítása működik, de a Barion fizetés után nem jön létre a számla. Itt a .env fájl, mit rontottam el?

APP_ENV=production
SZAMLAZZ_AGENT_KEY=⟦K:7n4qkx2wz8r5tyb3mv9p6cjh1dsgf0la5e8u2i7o⟧
BARION_POS_KEY=⟦K:cabb8a26cc03986bbb14f7b3bc4554bf⟧
BARION_PAYEE=⟦E:nagy.reka@kezmuves-szappan.example⟧
DB_PASSWORD=⟦S:Tisza-Kompot-71⟧
MAIL_FROM=rendeles@kezmuves-szappan.example
""",
)
add(
    "cred",
    "ro",
    "netopia-smartbill-php",
    "code",
    """
După plata prin Netopia, factura din SmartBill nu se mai emite automat. Poți verifica bucata asta de cod?

<?php
$netopiaSignature = '⟦K:2QKM-8VWE-LR4T-9JXB-H6CN⟧';
$netopiaApiKey = '⟦K:Yw7pLk2Qz9vRt4Xn8mBc3Hs6Jd1Fg5Ae0Ui2Ko7Np4Tq9WxZ3vYb⟧';
$smartbillUser = '⟦E:contabilitate@ceainaria-dobre.example⟧';
$smartbillToken = '⟦K:001f06c99babe3f58ab3792fbf0b2adb⟧';
$cif = 'RO41827355';

$auth = base64_encode($smartbillUser . ':' . $smartbillToken);
$factura = smartbill_post('/SBORO/api/invoice', $payload, $auth);
""",
)
add(
    "cred",
    "tr",
    "ev-bakicisi-notu-enabiz",
    "prose",
    """
Annemin yanında kalacak bakıcı için bu notu daha düzenli yazar mısın?

"⟦P:Ayşe⟧ Hanım merhaba, apartman kapısının şifresi ⟦S:3719⟧*. Modem adı Kaya_Ev, şifresi ⟦S:ayva-tatlisi-58⟧. Annemin e-Nabız girişi için T.C. kimlik numarası ⟦ID@TR:27390057148⟧, şifresi ⟦S:Nilufer1952!⟧; ilaç saatlerini oradan görebilirsiniz. Eczaneye borç ödemek için kartın şifresi ⟦S:6612⟧. Bir şey olursa beni arayın: ⟦T:0532 704 18 26⟧. ⟦P:Serkan⟧"
""",
)
add(
    "cred",
    "tr",
    "paytr-entegrasyon-env",
    "env",
    """
PayTR iFrame API'den sürekli "paytr_token geçersiz" hatası alıyorum. Aşağıdaki değerlerle hash'i doğru mu hesaplıyorum, kontrol eder misin?

PAYTR_MERCHANT_ID=382914
PAYTR_MERCHANT_KEY=⟦K:Xq7mRk2TzL9wVp4B⟧
PAYTR_MERCHANT_SALT=⟦K:hN3vYt8KcW5sQe1J⟧
PAYTR_TEST_MODE=0
NETGSM_USERCODE=8503051188
NETGSM_PASSWORD=⟦S:Kapadokya*2024⟧
""",
)
add(
    "cred",
    "el",
    "simeioma-katastimatos",
    "prose",
    """
Γράψε πιο καθαρά αυτό το σημείωμα για τη νέα υπάλληλο του καταστήματος:

«⟦P:Δέσποινα⟧, ο συναγερμός κλείνει με ⟦S:5172⟧ και μετά το κουμπί με το σπιτάκι. Το PIN του POS για επιστροφές είναι ⟦S:0839⟧. Το Wi-Fi του μαγαζιού είναι Kafeneio_Staff με κωδικό ⟦S:loukoumades-me-meli⟧. Στο e-shop μπαίνεις με ⟦E:shop@kafeneio-mitsou.example⟧ και κωδικό ⟦S:Plaka#2023!⟧. Για ό,τι χρειαστείς πάρε τον ⟦P:Στέλιο⟧ στο ⟦T:698 230 4417⟧.»
""",
)
add(
    "cred",
    "el",
    "acs-courier-python",
    "code",
    """
Το script που φτιάχνει vouchers στην ACS επιστρέφει «Invalid credentials». Μπορείς να δεις τι φταίει;

import requests

ACS_API_KEY = "⟦K:67fbd0c3a1e94e2b8c7d5f4a3b2e1d0c⟧"
ACS_COMPANY_ID = "801234567"
ACS_COMPANY_PASSWORD = "⟦S:Meteora!81⟧"
ACS_USER_ID = "eshop_api"
ACS_USER_PASSWORD = "⟦S:Zagori-Pita-44⟧"

payload = {"ACSAlias": "ACS_Create_Voucher", "ACSInputParameters": {
    "Company_ID": ACS_COMPANY_ID, "Company_Password": ACS_COMPANY_PASSWORD,
    "User_ID": ACS_USER_ID, "User_Password": ACS_USER_PASSWORD}}
r = requests.post("https://webservices.acscourier.net/ACSRestServices/api/ACSAutoRest",
                  json=payload, headers={"AcsApiKey": ACS_API_KEY})
""",
)
add(
    "cred",
    "lt",
    "raktai-kaimynei",
    "prose",
    """
Sutvarkyk šitą žinutę kaimynei, kuri prižiūrės katiną, kol būsime Palangoje:

„Labas, ⟦P:Rasa⟧! Laiptinės durų kodas ⟦S:4096⟧, buto raktas po kilimėliu. Wi-Fi „Namai_Zirnis“, slaptažodis ⟦S:cepelinai-su-spirgais⟧. Jei reikės užsakyti kačių maisto, Barbora paskyra ⟦E:zirniai.seima@pastas-lt.example⟧, slaptažodis ⟦S:Murkis2024!⟧. Skambink ⟦P:Dariui⟧: ⟦T:+370 617 79413⟧. Ačiū! ⟦P:Eglė⟧“
""",
)
add(
    "cred",
    "lt",
    "paysera-callback-php",
    "code",
    """
Paysera callback'as visada grąžina „Invalid sign“. Čia mano kodas — gal blogai naudoju slaptažodį?

<?php
$projectId = 248811;
$signPassword = '⟦K:abb8096e547676a7e8ea7b9c31ebe768⟧';
$data = $_GET['data'];
$ss1 = $_GET['ss1'];
if (md5($data . $signPassword) !== $ss1) {
    http_response_code(400);
    exit('Invalid sign');
}
$params = [];
parse_str(base64_decode(strtr($data, '-_', '+/')), $params);
mail('⟦E:tomas.vaitkus@medaus-krautuvele.example⟧', 'Apmokėta', print_r($params, true));
""",
)
add(
    "cred",
    "lv",
    "zinja-kaiminam-darzs",
    "prose",
    """
Pārraksti šo ziņu kaimiņam smukāk — viņš laistīs dārzu, kamēr mēs būsim prom:

„Sveiks, ⟦P:Jāni⟧! Vārtiņu kods ir ⟦S:8214⟧, siltumnīcas atslēga karājas pie šķūņa. Wi-Fi: Dārzs_Ozoli, parole ⟦S:rabarberu-pīrāgs-7⟧. Ja vajag, laistīšanas sistēmas aplikācijā ieej ar ⟦E:ozoli.majas@pasts-lv.example⟧ un ⟦S:Gurkis!2025⟧. Zvani ⟦P:Ilzei⟧ ⟦T:+371 26 184 509⟧. Paldies! ⟦P:Māris⟧“
""",
)
add(
    "cred",
    "lv",
    "omniva-dpd-env",
    "env",
    """
Mūsu e-veikals neģenerē Omniva uzlīmes — API atbild "Authentication failed". Vai šajā .env kaut kas nav pareizi?

OMNIVA_API_USER=7004231
OMNIVA_API_PASSWORD=⟦S:Vq8mT3zKx2Lw⟧
DPD_LV_TOKEN=⟦K:dpd_lv_2b065107fdd56f42220445b7744cbeac⟧
MAKSEKESKUS_SECRET=⟦K:Hk7Tq2Wz9Rp4Lx8Vm3Nb6Yc1Jd5Fg0Se2⟧
ADMIN_EMAIL=⟦E:kristaps.liepins@dizaina-svecites.example⟧
""",
)
add(
    "cred",
    "et",
    "sonum-majahoidjale",
    "prose",
    """
Tee sellest sõnumist korralik juhend sõbrannale, kes hoiab nädalavahetusel meie koera:

„Tere, ⟦P:Kertu⟧! Ukse kood on ⟦S:6103⟧, võti on postkastis. WiFi on Saar_Kodu, parool ⟦S:kamavaht-ja-mustikad⟧. Koeratoit tellitakse Barboralt, konto ⟦E:saar.pere@posti-ee.example⟧, parool ⟦S:Kuusk!Tartu88⟧. Kui midagi juhtub, helista ⟦P:Mardile⟧: ⟦T:+372 5199 7729⟧. Aitäh! ⟦P:Liina⟧“
""",
)
add(
    "cred",
    "et",
    "montonio-node-checkout",
    "code",
    """
Montonio makse loomine annab vea "Invalid signature". Kas JWT allkirjastamine on vale?

import jwt from "jsonwebtoken";

const ACCESS_KEY = "⟦K:5340421f-7bef-449d-b6a7-29ac8b580c10⟧";
const SECRET_KEY = "⟦K:BxUk/9sqJkiUv9Dqr9OQK0bk+nteMTbZtCH9j1QiUgg=⟧";

const payload = {
  accessKey: ACCESS_KEY,
  merchantReference: "TELLIMUS-10482",
  grandTotal: 49.9,
  currency: "EUR",
  billingAddress: { email: "⟦E:marko.kask@kasitoo-pood.example⟧" },
};
const token = jwt.sign(payload, SECRET_KEY, { algorithm: "HS256", expiresIn: "10m" });
""",
)

# ---------------------------------------------------------------------------
# group benign
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "unix-timestamp-conversion",
    "prose",
    """
Convert the Unix timestamp 1712345678 to UTC and to Europe/Berlin time, and tell me if it falls in daylight saving time.
""",
)
add(
    "benign",
    "en",
    "env-example-documentation",
    "env",
    """
Write the "Configuration" section of our README from this .env.example. Explain each variable in one line and say which ones are required.

# copy to .env and fill in
OPENAI_API_KEY=sk-...your-key-here...
DATABASE_URL=postgres://user:password@localhost:5432/app_dev
REDIS_URL=redis://localhost:6379/0
SESSION_SECRET=<generate with: openssl rand -hex 32>
SMTP_PASSWORD=
ADMIN_EMAIL=admin@example.com
SENTRY_DSN=https://<key>@o0.ingest.sentry.io/<project>
""",
)
add(
    "benign",
    "en",
    "secrets-from-env-python",
    "code",
    """
Is this a reasonable way to load secrets in a FastAPI app, or should I use pydantic-settings?

import os
import hvac

def get_settings():
    stripe_key = os.environ["STRIPE_SECRET_KEY"]
    db_password = os.getenv("DB_PASSWORD", "changeme")
    client = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"])
    mailgun = client.secrets.kv.v2.read_secret_version(path="mailgun")["data"]["data"]["api_key"]
    return {"stripe_key": stripe_key, "db_password": db_password, "mailgun": mailgun}
""",
)
add(
    "benign",
    "en",
    "pytest-fixture-fake-customer",
    "code",
    """
My test fails with "card_declined" even though I'm using a test card. Fixture below — what's wrong?

@pytest.fixture
def customer():
    return {
        "name": "Jane Doe",
        "email": "jane.doe@example.com",
        "phone": "+1-202-555-0100",
        "address": "123 Main Street, Anytown, ST 00000",
        "card": "4000 0000 0000 0002",
        "exp": "12/34",
        "cvc": "123",
    }

def test_checkout(client, customer):
    r = client.post("/checkout", json=customer)
    assert r.status_code == 200
""",
)
add(
    "benign",
    "en",
    "ansible-vault-rekey-question",
    "yaml",
    """
How do I rekey this vault file to a new password without decrypting it to disk, and how do I use a different vault ID for staging? The file looks like this (I don't have the password on this machine):

$ANSIBLE_VAULT;1.2;AES256;prod
33363965326261303234626463623963633531343539616138316433353830356566396130353436
3562643163366231316662386565383735653432386435610a306664636137376132643732393835
63383038383730306639353234326630666539346233376330303938323639306661313032396437
6233623062366136310a633866373936313238333730653739323461656662303864663666653563
3138
""",
)
add(
    "benign",
    "en",
    "grace-hopper-poster",
    "prose",
    """
Write a 120-word poster text about Grace Hopper for our computer-science club: born December 9, 1906, in New York City, Rear Admiral, worked on the Harvard Mark I, led the team behind the first compiler (A-0), pushed for COBOL, and popularised the word "debugging" after a moth was found in the Mark II on September 9, 1947. She died on January 1, 1992, in Arlington, Virginia.
""",
)
add(
    "benign",
    "en",
    "serena-williams-school-report",
    "prose",
    """
My daughter is writing a school report on Serena Williams (born September 26, 1981, in Saginaw, Michigan). Can you list her 23 Grand Slam singles titles by year and tournament so she can make a timeline?
""",
)
add(
    "benign",
    "en",
    "bilbo-birthday-party-speech",
    "prose",
    """
I'm hosting a Lord of the Rings themed birthday. Write a funny speech in the style of Bilbo Baggins of Bag End, Hobbiton, who celebrates his eleventy-first birthday on 22 September (Shire Reckoning 1401) together with Frodo's thirty-third. Mention the Sackville-Bagginses and the fireworks by Gandalf.
""",
)
add(
    "benign",
    "en",
    "dc-nyc-itinerary-landmarks",
    "prose",
    """
Plan a 3-day itinerary for a school group: day 1 the White House visitor centre (1450 Pennsylvania Avenue NW, Washington, DC 20004) and the Smithsonian National Air and Space Museum (600 Independence Ave SW); day 2 train to New York; day 3 the Empire State Building (20 W 34th St., New York, NY 10001) and the 9/11 Memorial (180 Greenwich St). Include opening hours and whether tickets must be booked.
""",
)
add(
    "benign",
    "en",
    "wimbledon-final-recap",
    "prose",
    """
Write a 150-word match recap: Wimbledon 2023 men's final, Carlos Alcaraz d. Novak Djokovic 1–6, 7–6(6), 6–1, 3–6, 6–4 in 4 hours 42 minutes, Alcaraz's first Wimbledon title at 20, ending Djokovic's 34-match winning streak on Centre Court.
""",
)
add(
    "benign",
    "en",
    "sourdough-bakers-percentages",
    "prose",
    """
Scale this sourdough recipe from 1 loaf to 3 loaves and give me a timeline if I mix at 8:00 am: 500 g bread flour (100%), 390 g water (78%), 100 g levain (20%), 10 g salt (2%). Bulk 4–5 h at 24 °C with 4 sets of stretch-and-folds 30 min apart, shape, then cold-retard 12–16 h at 4 °C. Bake at 250 °C covered for 20 min, then 230 °C uncovered for 25 min.
""",
)
add(
    "benign",
    "en",
    "taxicab-number-proof",
    "prose",
    """
Show that 1729 = 1³ + 12³ = 9³ + 10³ and explain why it's the smallest number expressible as a sum of two cubes in two different ways. Also, is 4104 the next one?
""",
)
add(
    "benign",
    "en",
    "escape-velocity-homework",
    "prose",
    """
Check my homework: escape velocity v = sqrt(2GM/R) with G = 6.674 × 10⁻¹¹ N·m²/kg², M = 5.972 × 10²⁴ kg, R = 6.371 × 10⁶ m. I got 11,186 m/s. Then do the same for the Moon (M = 7.342 × 10²² kg, R = 1.7374 × 10⁶ m).
""",
)
add(
    "benign",
    "en",
    "docker-images-prune",
    "command",
    """
Which of these images can I safely delete? I only deploy the tags in production.txt (api:2.14.1 and worker:2.14.1).

$ docker images --digests
REPOSITORY   TAG       DIGEST                                                                    IMAGE ID       CREATED        SIZE
api          2.14.1    sha256:9c4f2a1b7e3d8f60a5b2c9e1d7f4a3b8c6e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8   3f2a9b1c7d6e   2 days ago     212MB
api          2.14.0    sha256:1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809   8e7d6c5b4a39   9 days ago     211MB
worker       2.14.1    sha256:f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f   5a4b3c2d1e0f   2 days ago     198MB
<none>       <none>    <none>                                                                    0c1d2e3f4a5b   3 weeks ago    640MB
postgres     16.3      sha256:4d6e8f0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c   d5c4b3a29180   5 weeks ago    432MB
""",
)
add(
    "benign",
    "en",
    "app-log-request-ids",
    "kv-log",
    """
Parse these log lines and tell me which request was slowest and whether the retries came from the same pod.

2025-05-14T08:12:03.114Z level=info pod=api-7c9d5b8f6-x2kqp req_id=5f0c2a9e-4b71-4d3a-9e62-1c7b8a0d3f45 method=GET path=/v1/orders/ORD-20250514-00871 status=200 dur_ms=43 client=10.42.3.17
2025-05-14T08:12:03.902Z level=warn pod=api-7c9d5b8f6-x2kqp req_id=8b1e4c7d-2f90-4a6b-b3d8-5e7f0a1c9d26 method=POST path=/v1/payments status=502 dur_ms=3004 client=10.42.3.17 retry=1
2025-05-14T08:12:07.015Z level=info pod=api-7c9d5b8f6-m8rtz req_id=8b1e4c7d-2f90-4a6b-b3d8-5e7f0a1c9d26 method=POST path=/v1/payments status=201 dur_ms=611 client=10.42.1.9 retry=2
2025-05-14T08:12:09.440Z level=info pod=api-7c9d5b8f6-m8rtz req_id=c3d9f1a0-6e28-47b5-8c14-9a2b0e6d7f31 method=GET path=/healthz status=200 dur_ms=1 client=127.0.0.1
""",
)
add(
    "benign",
    "en",
    "order-vs-tracking-mismatch",
    "prose",
    """
My order 114-3941689-8772232 shows "Delivered" since yesterday, but the DHL tracking number JJD000390007612345678 still says "in transit at Leipzig hub", and the invoice INV-UK-2025-0448217 has a different delivery date. Which one should I trust and what should I write to customer service?
""",
)
add(
    "benign",
    "en",
    "citation-formatting-isbn-doi",
    "prose",
    """
Format these three references in APA 7th: Kernighan & Ritchie, The C Programming Language, 2nd ed., Prentice Hall 1988, ISBN 978-0-13-110362-7; LeCun, Bengio & Hinton, "Deep learning", Nature 521, 436–444 (2015), doi:10.1038/nature14539, ISSN 0028-0836; and Vaswani et al., "Attention Is All You Need", arXiv:1706.03762.
""",
)
add(
    "benign",
    "en",
    "ever-given-imo-summary",
    "prose",
    """
Summarise the Ever Given grounding for a logistics newsletter: container ship IMO 9811000, MMSI 353136000, Panama flag, grounded in the Suez Canal on 23 March 2021 at km 151 and refloated on 29 March. Roughly 369 ships queued; estimate the daily trade held up at $9.6 billion.
""",
)
add(
    "benign",
    "en",
    "wire-routing-number-question",
    "prose",
    """
A supplier asked for a wire. Our bank's site lists Wells Fargo routing number 121000248 for domestic wires and SWIFT code WFBIUS6S for international ones. Which do I give to a UK company paying in USD, and what's the difference between an ABA routing number and a SWIFT/BIC?
""",
)
add(
    "benign",
    "en",
    "diabetes-drugs-explainer",
    "prose",
    """
For a patient-education leaflet (no specific patient): explain in plain English the difference between type 1 and type 2 diabetes, and what metformin, insulin glargine (Lantus), empagliflozin (Jardiance) and semaglutide (Ozempic, Wegovy) each do. Add a line about hypoglycaemia symptoms and why HbA1c is measured every 3 months.
""",
)
add(
    "benign",
    "en",
    "passport-validity-calendar",
    "prose",
    """
If a passport expires on 14 March 2031 and the destination requires 6 months' validity beyond the departure date, what's the last day I could leave that country? And if the rule is "3 months beyond the date of entry" with a maximum 90-day stay, what's the last date I could enter?
""",
)
add(
    "benign",
    "en",
    "sms-template-translation",
    "prose",
    """
Translate this appointment-reminder template into German, Polish and Turkish. Keep the {{placeholders}} exactly as they are:

"Hi {{first_name}}, this is a reminder of your appointment with {{doctor_name}} on {{date}} at {{time}} at {{clinic_address}}. Please bring your {{insurance_card}}. Reply C to confirm or call {{clinic_phone}} to reschedule."
""",
)
add(
    "benign",
    "en",
    "email-regex-test-cases",
    "code",
    """
Write a Python test suite for my e-mail validator with these cases. Which ones should fail according to RFC 5322 (practically, not the full grammar)?

valid = ["user@example.com", "first.last+tag@sub.example.org", "o'brien@example.net", "x@example.co.uk"]
invalid = ["john@@example.com", "plainaddress", "@missing-local.org", "user@.example.com", "user@example..com", "user name@example.com"]
""",
)
add(
    "benign",
    "en",
    "support-macro-masked-values",
    "prose",
    """
Rewrite this support macro so it sounds friendlier. The masked values are filled in by the helpdesk tool:

"Dear {customer}, we have verified your identity using the card ending in ****, your date of birth (**/**/****) and the last four digits of your SSN (***-**-____). Your claim {claim_id} has been escalated. Do not reply to this e-mail with full card or account numbers."
""",
)
add(
    "benign",
    "en",
    "blank-intake-form-layout",
    "form",
    """
Turn this blank intake form into a clean two-column layout for a fillable PDF, and suggest which fields should be required:

Patient name: ______________________   Date of birth: __/__/____
MRN: __________   NHS / insurance no.: ______________
Address: ____________________________________________
Phone: (____) ____-______   Email: ____________@__________
Allergies: ☐ none ☐ penicillin ☐ latex ☐ other: ________
Current medications: ________________________________
Emergency contact: ____________________ Relationship: ________
""",
)
add(
    "benign",
    "en",
    "release-notes-from-git-log",
    "command",
    """
Write user-facing release notes for v3.8.0 from this log (skip chores and dependency bumps):

$ git log --oneline v3.7.2..v3.8.0
a91f3c2 (tag: v3.8.0) Release 3.8.0
7d2e0b4 feat(export): add XLSX export for reports
c4b18e9 fix(auth): refresh token rotated twice on slow networks (#2291)
e0a7f61 chore(deps): bump axios from 1.6.8 to 1.7.2 (dependabot[bot])
5f3c9d0 feat(ui): dark mode for the settings page
b8e21a7 fix(api): 500 on /v2/invoices when currency is null (#2287)
19cd4f2 docs: update self-hosting guide for Postgres 16
""",
)
add(
    "benign",
    "en",
    "sql-schema-pii-columns",
    "sql",
    """
Suggest indexes and a retention policy for this schema (we must delete patients' contact details 7 years after the last visit):

CREATE TABLE patients (
  id            BIGSERIAL PRIMARY KEY,
  full_name     TEXT NOT NULL,
  date_of_birth DATE NOT NULL,
  nhs_number    CHAR(10) UNIQUE,
  phone         TEXT,
  email         TEXT,
  address_line1 TEXT,
  postcode      TEXT,
  created_at    TIMESTAMPTZ DEFAULT now()
);
CREATE TABLE visits (id BIGSERIAL PRIMARY KEY, patient_id BIGINT REFERENCES patients(id), visited_at TIMESTAMPTZ, diagnosis_code TEXT);
""",
)
add(
    "benign",
    "en",
    "rfc7519-example-jwt",
    "prose",
    """
Decode the example JWT from RFC 7519 section 3.1 by hand and explain each part. It's:

eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk

Why does the header contain \\r\\n, and why can't I verify the signature without the key from the RFC's appendix?
""",
)
add(
    "benign",
    "en",
    "landmark-distance-coordinates",
    "prose",
    """
Compute the great-circle distance between the Eiffel Tower (48.8584° N, 2.2945° E) and Big Ben (51.5007° N, 0.1246° W) with the haversine formula, showing each step, and compare it with the Eurostar rail distance of about 492 km.
""",
)
add(
    "benign",
    "en",
    "cli-readme-auth-docs",
    "markdown-table",
    """
Proofread this section of our CLI's README. Keep the examples — they are documentation placeholders — but make the wording consistent.

## Authentication

`fernctl` reads credentials in this order:

| source | example | notes |
|---|---|---|
| flag | `fernctl --token ghp_16C7e42F292c6912E7710c838347Ae178B4a` | the token shown is GitHub's own documentation example |
| env | `export FERN_TOKEN=<YOUR_TOKEN>` | recommended in CI |
| file | `~/.config/fern/credentials` with `token = "${FERN_TOKEN}"` | file must be `chmod 600` |
| AWS | `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE` | the AWS docs example key; never commit real keys |
| DB | `postgres://fern:changeme@localhost:5432/fern` | local docker-compose only |

If you see `401 Unauthorized`, run `fernctl auth status`; it prints the token's scopes but never the token itself (it shows `ghp_****…4a`). Tokens created before 2024-01-01 use the old `fern_live_` prefix and must be regenerated. To rotate, run `fernctl auth rotate --expires 90d`, update the `FERN_TOKEN` secret in your CI (for GitHub Actions: `${{ secrets.FERN_TOKEN }}`), and revoke the old one in the web UI under Settings → API tokens.

### Proxy

Behind a corporate proxy, set `HTTPS_PROXY=http://proxy.internal:3128`. Certificates from a private CA go in `FERN_CA_BUNDLE=/etc/ssl/certs/corp-root.pem`. Do not disable verification with `--insecure` except for local testing against `https://127.0.0.1:8443`.
""",
)
add(
    "benign",
    "en",
    "restaurant-booking-bot-transcript",
    "prose",
    """
Review this restaurant booking bot transcript and suggest how to make it shorter:

Bot: Hi! Table for how many?
User: 4
Bot: Great, what day and time?
User: saturday 7:30
Bot: Saturday 17 May at 19:30 for 4 — we have the terrace or inside.
User: inside pls, one of us is in a wheelchair
Bot: Noted, step-free table. Your booking reference is QX7-221. Anything else?
User: no thanks
""",
)
add(
    "benign",
    "en",
    "release-checksums-public-keys",
    "prose",
    """
How do I verify this release? The download page lists these SHA-256 sums, the maintainers' PGP public key and the SSH signing key:

e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  fern-3.8.0.tar.gz
2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  fern-3.8.0-linux-amd64.zip

-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEZkF3mhYJKwYBBAHaRw8BAQdA3v9TQJxP1ZsbW2m0h9ZkK7cQ0r1c2mRmA9xk
bYz8Tje0H0Zlcm4gUmVsZWFzZXMgPHJlbGVhc2VAZmVybi5kZXY+iJMEExYKADsW
IQR0q2c6f0X6a1s9GQ2wYk3y1P9jZAUCZkF3mgIbAwULCQgHAgIiAgYVCgkICwIE
=Q2pk
-----END PGP PUBLIC KEY BLOCK-----

ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0fW2c5lV3nYkP8dR1aT7sM4jB9eX6zQ2oL0uC3vNw release-signing@fern.dev
""",
)
add(
    "benign",
    "en",
    "helpline-numbers-leaflet",
    "prose",
    """
Make a small wallet card for our community centre with these public UK helplines: NHS 111 (non-emergency medical), Samaritans 116 123 (free, 24/7), Shelter's housing advice line 0808 800 4444, and National Domestic Abuse Helpline 0808 2000 247. Add a line saying to call 999 in an emergency.
""",
)
add(
    "benign",
    "de",
    "konrad-zuse-museumsbesuch",
    "prose",
    """
Wir fahren mit der 7. Klasse ins Deutsche Museum (Museumsinsel 1, 80538 München). Schreib einen kurzen Infotext über Konrad Zuse, geboren am 22. Juni 1910 in Berlin-Wilmersdorf, gestorben am 18. Dezember 1995 in Hünfeld, und seine Z3 von 1941 – mit drei Quizfragen für die Schüler.
""",
)
add(
    "benign",
    "de",
    "spring-yaml-platzhalter",
    "yaml",
    """
Warum startet die Anwendung lokal, aber im Container kommt „Access denied for user“? Hier die application.yml – die Werte kommen eigentlich aus Umgebungsvariablen:

spring:
  datasource:
    url: jdbc:mysql://${DB_HOST:localhost}:3306/lager
    username: ${DB_USER:lager_app}
    password: ${DB_PASSWORD:bitte-aendern}
  mail:
    password: ${SMTP_PASSWORT}
app:
  jwt-secret: ${JWT_SECRET:<hier-eigenes-secret-eintragen>}
""",
)
add(
    "benign",
    "fr",
    "recette-quiche-lorraine",
    "prose",
    """
Adapte cette recette de quiche lorraine pour 12 personnes (deux moules de 28 cm) : 1 pâte brisée, 200 g de lardons fumés, 3 œufs, 20 cl de crème fraîche épaisse, 20 cl de lait entier, sel, poivre, muscade. Cuisson 35 min à 180 °C (th. 6). Donne aussi les quantités en grammes pour la pâte maison.
""",
)
add(
    "benign",
    "fr",
    "compte-rendu-rugby-toulouse-leinster",
    "prose",
    """
Rédige un compte rendu de 150 mots : finale de la Champions Cup 2024 à Tottenham, Stade Toulousain bat Leinster 31–22 après prolongation (22–22 à la 80e). Essais de Jack Willis et Mathis Castro-Ferreira ; Antoine Dupont élu meilleur joueur. Sixième titre européen pour Toulouse.
""",
)
add(
    "benign",
    "es",
    "estructura-iban-ejemplo",
    "prose",
    """
Explícame cómo se calcula el dígito de control de un IBAN español usando el ejemplo de la documentación, ES91 2100 0418 4502 0005 1332: qué es el código de entidad, la oficina, los dígitos de control nacionales y la cuenta, y por qué se mueve "ES91" al final para hacer el módulo 97.
""",
)
add(
    "benign",
    "es",
    "rafael-nadal-trabajo-escolar",
    "prose",
    """
Mi hijo tiene que hacer un trabajo sobre Rafael Nadal: nació el 3 de junio de 1986 en Manacor (Mallorca), ganó 14 Roland Garros y se retiró en la Copa Davis de Málaga en noviembre de 2024. Hazme un esquema con cinco apartados y una línea del tiempo.
""",
)
add(
    "benign",
    "it",
    "tiramisu-senza-uova-crude",
    "prose",
    """
Voglio fare il tiramisù per 8 persone ma senza uova crude. Partendo da 500 g di mascarpone, 4 uova, 100 g di zucchero, 300 g di savoiardi, caffè e cacao amaro, come lo adatto con la pâte à bombe (sciroppo a 121 °C)?
""",
)
add(
    "benign",
    "it",
    "giorno-della-settimana-storico",
    "prose",
    """
Che giorno della settimana era il 25 aprile 1945? E il 2 giugno 1946, giorno del referendum? Spiegami anche il metodo di Zeller passo per passo così lo uso in classe.
""",
)
add(
    "benign",
    "it",
    "python-getenv-pec",
    "code",
    """
È corretto questo modo di leggere la password della PEC? In locale uso un file .env che non committo.

import os
from dotenv import load_dotenv

load_dotenv()
PEC_USER = os.getenv("PEC_USER", "nome.cognome@pec.example")
PEC_PASSWORD = os.getenv("PEC_PASSWORD")  # es. "la-tua-password"
if not PEC_PASSWORD:
    raise RuntimeError("Imposta PEC_PASSWORD nel file .env")
""",
)
add(
    "benign",
    "nl",
    "johan-cruijff-arena-rondleiding",
    "prose",
    """
Ik neem mijn neefjes mee naar de stadiontour in de Johan Cruijff ArenA (Johan Cruijff Boulevard 1, 1101 AX Amsterdam). Vertel iets over Johan Cruijff (geboren 25 april 1947 in Amsterdam, overleden 24 maart 2016 in Barcelona) waar kinderen van 10 iets aan hebben, en hoe lang de tour duurt.
""",
)
add(
    "benign",
    "nl",
    "bsn-elfproef-testnummer",
    "prose",
    """
In onze testomgeving gebruiken we het bekende testnummer 123456782 als BSN. Leg uit hoe de elfproef werkt (gewichten 9 t/m 2 en −1) en reken voor waarom dit nummer erdoor komt. Welke testnummers raadt Logius aan voor acceptatieomgevingen?
""",
)
add(
    "benign",
    "pl",
    "lewandowski-notka",
    "prose",
    """
Napisz krótką notkę do gazetki szkolnej o Robercie Lewandowskim: urodził się 21 sierpnia 1988 w Warszawie, zaczynał w Zniczu Pruszków, potem Lech Poznań, Borussia Dortmund, Bayern Monachium i FC Barcelona; w 2015 strzelił Wolfsburgowi pięć goli w 8 minut i 59 sekund.
""",
)
add(
    "benign",
    "pl",
    "przepis-pierogi-ruskie",
    "prose",
    """
Przelicz przepis na pierogi ruskie z 40 na 100 sztuk: 500 g mąki, 250 ml ciepłej wody, 2 łyżki oleju, 1 kg ziemniaków, 400 g twarogu półtłustego, 2 cebule, sól, pieprz. Ile czasu zajmie lepienie, jeśli robią je trzy osoby?
""",
)
add(
    "benign",
    "pt",
    "eusebio-visita-estadio",
    "prose",
    """
Vou levar o meu pai à visita ao Estádio da Luz (Av. Eusébio da Silva Ferreira, 1500-313 Lisboa). Escreve um pequeno texto sobre o Eusébio — nasceu a 25 de janeiro de 1942 em Lourenço Marques e morreu a 5 de janeiro de 2014 em Lisboa — e o Mundial de 1966, com os 9 golos.
""",
)
add(
    "benign",
    "pt",
    "validacao-cpf-exemplo",
    "code",
    """
Escrevi esta função para validar CPF. Ela aceita o exemplo clássico 111.444.777-35, mas também aceita 111.111.111-11, o que está errado. Como corrijo?

def cpf_valido(cpf: str) -> bool:
    d = [int(c) for c in cpf if c.isdigit()]
    if len(d) != 11:
        return False
    for i in (9, 10):
        s = sum(d[j] * (i + 1 - j) for j in range(i))
        if (s * 10 % 11) % 10 != d[i]:
            return False
    return True
""",
)
add(
    "benign",
    "da",
    "karen-blixen-udflugt",
    "prose",
    """
Vi tager pensionistforeningen med til Karen Blixen Museet (Rungsted Strandvej 111, 2960 Rungsted Kyst). Skriv en kort tekst om Karen Blixen — født 17. april 1885 i Rungsted, død 7. september 1962 samme sted — og "Den afrikanske farm", som jeg kan læse højt i bussen.
""",
)
add(
    "benign",
    "da",
    "brunsviger-opskrift",
    "prose",
    """
Jeg skal bage brunsviger til 30 børn. Opskriften er til én bradepande (30 x 40 cm): 50 g gær, 3 dl mælk, 100 g smør, 2 æg, 500 g mel, 1 tsk kardemomme; fyld: 200 g smør, 250 g brun farin, 2 spsk sirup. Hvor mange bradepander skal jeg bruge, og hvordan timer jeg hævningen?
""",
)
add(
    "benign",
    "no",
    "sonja-henie-kunstsenter",
    "prose",
    """
Skriv en kort omtale av Sonja Henie til en skoleoppgave: født 8. april 1912 i Kristiania, tre OL-gull i kunstløp (1928, 1932, 1936), senere filmstjerne i Hollywood, og Henie Onstad Kunstsenter på Høvikodden som hun grunnla med Niels Onstad.
""",
)
add(
    "benign",
    "no",
    "flytid-tromso-longyearbyen",
    "prose",
    """
Flyet går fra Tromsø kl. 06:40 og lander i Longyearbyen kl. 08:20 lokal tid. Hvor lang er flytiden, er det tidsforskjell, og når er mørketiden på Svalbard (datoer)?
""",
)
add(
    "benign",
    "fi",
    "tove-jansson-esitelma",
    "prose",
    """
Tee 5 minuutin esitelmä Tove Janssonista: hän syntyi 9. elokuuta 1914 Helsingissä ja kuoli 27. kesäkuuta 2001. Kerro muumikirjoista, Klovharun saaresta ja siitä, miksi hänen muotokuvansa on ollut eurokolikossa.
""",
)
add(
    "benign",
    "fi",
    "hetu-tarkistusmerkki-esimerkki",
    "prose",
    """
Miten henkilötunnuksen tarkistusmerkki lasketaan? Käytä DVV:n ohjeissa olevaa esimerkkiä 131052-308T ja näytä jakojäännös 31:llä vaihe vaiheelta. Mitä välimerkki (-, A, Y…) tarkoittaa vuoden 2023 uudistuksen jälkeen?
""",
)
add(
    "benign",
    "cs",
    "emil-zatopek-referat",
    "prose",
    """
Pomoz mi s referátem o Emilu Zátopkovi: narodil se 19. září 1922 v Kopřivnici, na olympiádě v Helsinkách 1952 vyhrál 5 km, 10 km i maraton během osmi dní. Přidej tři zajímavosti o jeho tréninku a o tom, co se s ním stalo po roce 1968.
""",
)
add(
    "benign",
    "cs",
    "recept-svickova",
    "prose",
    """
Přepočítej recept na svíčkovou na smetaně pro 10 lidí: 1 kg hovězí svíčkové, 150 g slaniny, 2 mrkve, 1 petržel, půl celeru, 1 cibule, 250 ml smetany ke šlehání, bobkový list, nové koření, 1 lžíce hořčice. Kolik knedlíků počítat a kolik brusinek?
""",
)
add(
    "benign",
    "hu",
    "rubik-erno-kiallitas",
    "prose",
    """
Írj rövid ismertetőt egy iskolai kiállításhoz Rubik Ernőről: 1944. július 13-án született Budapesten, 1974-ben alkotta meg a bűvös kockát, amelynek 43 252 003 274 489 856 000 állása van. Adj hozzá két feladványt a gyerekeknek.
""",
)
add(
    "benign",
    "hu",
    "szja-szamitas",
    "prose",
    """
Bruttó 650 000 Ft havi fizetésből mennyi a 15% személyi jövedelemadó és a 18,5% társadalombiztosítási járulék, és mennyi marad nettóban? Számold ki a 25 év alattiak kedvezményével is (2025-ös értékekkel).
""",
)
add(
    "benign",
    "ro",
    "george-enescu-festival",
    "prose",
    """
Scrie o prezentare scurtă pentru un program de concert: George Enescu s-a născut la 19 august 1881 în Liveni (azi comuna George Enescu, județul Botoșani) și a murit la 4 mai 1955 la Paris. Menționează Rapsodiile române și Festivalul care îi poartă numele.
""",
)
add(
    "benign",
    "ro",
    "structura-cnp-explicatie",
    "prose",
    """
Explică-mi structura CNP-ului folosind doar șablonul SAALLZZJJNNNC: ce înseamnă fiecare literă, ce valori poate lua S pentru persoanele născute după 2000 și cum se calculează cifra de control cu constanta 279146358279.
""",
)
add(
    "benign",
    "tr",
    "sabiha-gokcen-sunum",
    "prose",
    """
Okulda sunum yapacağım: Sabiha Gökçen 22 Mart 1913'te Bursa'da doğdu, Türkiye'nin ilk kadın savaş pilotu oldu ve adı İstanbul'daki Sabiha Gökçen Havalimanı'na verildi. Bana 5 slaytlık bir taslak hazırlar mısın?
""",
)
add(
    "benign",
    "el",
    "kazantzakis-mouseio",
    "prose",
    """
Ετοίμασε ένα σύντομο κείμενο για σχολική εκδρομή στο Μουσείο Νίκου Καζαντζάκη στη Μυρτιά Ηρακλείου: ο Καζαντζάκης γεννήθηκε στις 18 Φεβρουαρίου 1883 στο Ηράκλειο και πέθανε στις 26 Οκτωβρίου 1957 στο Φράιμπουργκ. Ανέφερε τον «Βίο και Πολιτεία του Αλέξη Ζορμπά».
""",
)
add(
    "benign",
    "lt",
    "cepelinu-receptas",
    "prose",
    """
Kaip padaryti cepelinus 12 žmonių? Turiu receptą 4 žmonėms: 2 kg bulvių (3/4 tarkuotų žalių, 1/4 virtų), 500 g maltos kiaulienos, 1 svogūnas, druska, pipirai; padažui 200 g spirgų ir 300 g grietinės. Kiek laiko virti ir kaip, kad nesubyrėtų?
""",
)
add(
    "benign",
    "lv",
    "mihails-tals-saha-nodarbiba",
    "prose",
    """
Sagatavo šaha pulciņam īsu stāstu par Mihailu Tālu: dzimis 1936. gada 9. novembrī Rīgā, 1960. gadā kļuva par pasaules čempionu, uzvarot Botviņņiku 12,5 : 8,5. Pievieno vienu slavenu viņa kombināciju ar gājienu pierakstu.
""",
)
add(
    "benign",
    "et",
    "isikukood-kontrollnumber-naide",
    "prose",
    """
Kuidas arvutatakse isikukoodi kontrollnumbrit? Kasuta näitena dokumentatsioonis levinud koodi 37605030299 ja näita mõlemat kaaluastmestikku (1…9,1 ja 3…9,1,2,3). Mida tähendab esimene number?
""",
)


if __name__ == "__main__":
    build(PROMPTS, Path(__file__).resolve().parent / "fresh8.jsonl", SPLIT_SEED, ID_PREFIX)
