#!/usr/bin/env python3
"""Build the 'fresh16' privacy-filter evaluation corpus (sixteenth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script only holds the prompts,
assigns the ids ``t-0001`` … and writes fresh16.jsonl next to this file with
split seed 1616. All values are synthetic and written here as literals.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 1616
ID_PREFIX = "t"
HERE = Path(__file__).resolve().parent
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)

# ---------------------------------------------------------------------------
# group pii — English
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "beekeeping-swarm-rota",
    "csv",
    """
Our beekeeping association gets swarm calls all through May. Can you turn this list of volunteer swarm collectors into a rota, two per weekend, with the people who have a car first? Also note who shouldn't be sent up a ladder.

name,area,phone,email,notes
⟦P:Cedric Ashworth⟧,"⟦A:14 Pinfold Lane, Hebden Bridge HX7 8AT⟧",⟦T:07723 418905⟧,⟦E:cedric.ashworth@btinternet.example⟧,has van + ladder
⟦P:Honey Okonjo⟧,Todmorden,⟦T:07852 661230⟧,⟦E:honeyokonjo@gmail.example⟧,"no car, bus only; sells her honey at the market"
⟦P:Wilf Ramsbottom⟧,"⟦A:2 Chapel Fold, Mytholmroyd HX7 5DW⟧",⟦T:01422 884317⟧,,"⟦MC:bee venom allergy⟧ since last year, carries ⟦MED:Jext⟧ - indoor/bait-box jobs only"
⟦P:Bryony Kaye⟧,Hebden Bridge,⟦T:07946 203558⟧,⟦E:b.kaye@outlook.example⟧,"car; ⟦MC:7 months pregnant⟧ so no ladders"
""",
)
add(
    "pii",
    "en",
    "festival-welfare-tent-log",
    "kv-log",
    """
Can you summarise last night's welfare tent log into a short handover for the morning medics? Factual, no judgement.

2025-07-19T23:41 tent=W2 wristband=FX-448120 name="⟦P:Keeley Dunmore⟧" dob=⟦DOB:2004-02-11⟧ presenting="⟦MC:asthma attack⟧" action="own ⟦MED:Salamol⟧ inhaler x4 puffs, settled" contact="⟦P:Jordan⟧ (friend) ⟦T:07418 552093⟧"
2025-07-20T00:17 tent=W2 wristband=FX-391707 name="⟦P:Ravi Sandhu⟧" dob=⟦DOB:1999-09-30⟧ presenting="⟦MC:hypo⟧, ⟦MC:type 1 diabetic⟧, BM 2.9" action="glucose gel, ⟦MED:NovoRapid⟧ pen kept at tent until morning" contact="self ⟦T:07700 382614⟧"
2025-07-20T01:52 tent=W1 wristband=FX-502266 name="unknown male, ~25" presenting="intoxicated, no injuries" action="recovery position, left 04:10"
2025-07-20T02:30 tent=W1 wristband=FX-117954 name="⟦P:Tamsin Grey⟧" dob=⟦DOB:2001-06-05⟧ presenting="⟦MC:panic attack⟧, history of ⟦MC:PTSD⟧" action="quiet area, declined meds; her ⟦MED:sertraline⟧ is back at her tent" contact="mum ⟦T:01752 604381⟧"
""",
)
add(
    "pii",
    "en",
    "github-issue-own-data",
    "json",
    """
Help me write a clearer GitHub issue from this before I post it. Just improve the wording, I'll redact afterwards.

Title: Export to CSV crashes for my account
Steps: log in as `⟦U:moth_and_lantern⟧`, Settings -> Export -> CSV.
Response body:
{"error":"serialization failed","user":{"email":"⟦E:ines.ferraz.dev@proton.example⟧","display_name":"⟦P:Inês Ferraz⟧","last_login_ip":"⟦IP:81.193.47.206⟧","shipping":{"line1":"⟦A:Rua do Almada 231, 3.º esq., 4050-037 Porto⟧"}},"trace_id":"7f3c2a9be0d14c58","build":"3.14.2+g1a9e0c7"}
Firefox 128 on Fedora 40.
""",
)
add(
    "pii",
    "en",
    "postfix-maillog-bounce",
    "kv-log",
    """
Why did one of these two recipients bounce? Postfix log from our small accounting office server:

Mar  3 09:14:02 mx1 postfix/smtpd[21877]: connect from cpc112-stok18-2-0-cust201.1-4.cable.virginm.net[⟦IP:86.14.201.77⟧]
Mar  3 09:14:03 mx1 postfix/smtpd[21877]: 4F2A81C0E3: client=cpc112-stok18-2-0-cust201.1-4.cable.virginm.net[⟦IP:86.14.201.77⟧], sasl_method=PLAIN, sasl_username=⟦U:dpenhaligon⟧
Mar  3 09:14:04 mx1 postfix/qmgr[1102]: 4F2A81C0E3: from=<⟦E:dora.penhaligon@penhaligon-accounts.example⟧>, size=48213, nrcpt=2 (queue active)
Mar  3 09:14:06 mx1 postfix/smtp[21883]: 4F2A81C0E3: to=<⟦E:gethin.pryce1962@talktalk.example⟧>, relay=mx.talktalk.example[62.24.139.42]:25, delay=3.1, dsn=5.1.1, status=bounced (host said: 550 5.1.1 user unknown)
Mar  3 09:14:06 mx1 postfix/smtp[21883]: 4F2A81C0E3: to=<⟦E:mair.pryce@gmail.example⟧>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=2.4, dsn=2.0.0, status=sent (250 2.0.0 OK)
Mar  3 09:20:41 mx1 postfix/smtpd[21990]: NOQUEUE: reject: RCPT from unknown[185.234.216.19]: 554 5.7.1 <noreply@invoices-secure.example>: Relay access denied
""",
)
add(
    "pii",
    "en",
    "gp-surgery-phone-cdr",
    "csv",
    '''
Our surgery's phone system exported this call detail record. Can you work out the average wait before answer per hour? You can ignore the note column.

calldate,clid,src,dst,wait,billsec,disposition,note
2025-02-10 08:00:04,"""⟦P:MAUREEN HOLLIS⟧"" <⟦T:01142684419⟧>",⟦T:01142684419⟧,s-reception,412,97,ANSWERED,repeat ⟦MED:amlodipine⟧
2025-02-10 08:00:31,"""WIRELESS CALLER"" <⟦T:07520118743⟧>",⟦T:07520118743⟧,s-reception,389,0,NO ANSWER,
2025-02-10 08:02:15,"""⟦P:K JAGGER⟧"" <⟦T:07984330126⟧>",⟦T:07984330126⟧,s-reception,301,244,ANSWERED,
2025-02-10 08:03:50,"""Ext 204"" <204>",204,s-reception,0,12,ANSWERED,internal
2025-02-10 08:05:09,"""⟦P:PATEL NIKHIL⟧"" <⟦T:01143039921⟧>",⟦T:01143039921⟧,s-triage,188,402,ANSWERED,⟦MC:chest pain⟧ - advised 999
''',
)
add(
    "pii",
    "en",
    "jellyfin-activity-log",
    "kv-log",
    """
Someone keeps logging in to my Jellyfin server and I can't tell who. Here's the activity log - which of these are my family and which look dodgy? (⟦U:gran_edie⟧ is my mum, ⟦U:tobi.m⟧ is my son at uni in Leeds.)

2025-01-05 19:02:11 [INF] User ⟦U:kestrel⟧ authenticated from 192.168.1.23 (Jellyfin Android TV 0.16.11)
2025-01-05 19:40:57 [INF] User ⟦U:gran_edie⟧ authenticated from ⟦IP:90.218.77.14⟧ (Jellyfin Web, device "⟦P:Edie⟧'s iPad")
2025-01-05 21:15:03 [INF] User ⟦U:tobi.m⟧ authenticated from ⟦IP:2a02:c7c:a10f:4e00:9d2:51ff:fe33:18c0⟧ (Chrome 131, Windows)
2025-01-05 21:15:40 [INF] ⟦U:tobi.m⟧ started playing "The Fellowship of the Ring" on Chrome
2025-01-06 03:12:44 [WRN] Failed login for user admin from 45.134.26.91 (attempt 3)
2025-01-06 03:12:59 [WRN] Failed login for user root from 45.134.26.91 (attempt 4)
2025-01-06 03:20:10 [INF] Container jellyfin (172.18.0.4) healthcheck ok, version 10.10.3
""",
)
add(
    "pii",
    "en",
    "home-assistant-medication-reminder",
    "yaml",
    """
My Home Assistant automation for Mum never fires. Can you spot the problem?

homeassistant:
  name: "⟦A:Flat 3, 22 Garth Road, Bangor LL57 2SE⟧"
  time_zone: Europe/London

automation:
  - alias: "Remind ⟦P:Philippa⟧ about evening tablets"
    trigger:
      - platform: time
        at: "19:30"
    condition:
      - condition: state
        entity_id: person.mum
        state: "home"
    action:
      - service: notify.mobile_app_pixel_7
        data:
          title: "Tablets"
          message: "Time for your ⟦MED:Madopar⟧ and ⟦MED:ropinirole⟧, ⟦P:Pippa⟧ x  (for her ⟦MC:Parkinson's⟧, GP said 19:30 sharp)"
""",
)
add(
    "pii",
    "en",
    "prisma-seed-real-patients",
    "code",
    """
Our junior dev wrote this seed file with rows copied from the live clinic database. Can you rewrite it with @faker-js/faker so no real patients end up in the repo?

await prisma.patient.createMany({
  data: [
    { firstName: "⟦P:Oluwaseun⟧", lastName: "⟦P:Adebayo-Clarke⟧", dob: new Date("⟦DOB:1978-11-02⟧"), phone: "⟦T:+44 7911 204386⟧", email: "⟦E:seun.ac@yahoo.example⟧", mrn: "⟦MRN:RJZ4471093⟧", notes: "⟦MC:sickle cell trait⟧" },
    { firstName: "⟦P:Ffion⟧", lastName: "⟦P:Bowen⟧", dob: new Date("⟦DOB:1990-04-17⟧"), phone: "⟦T:+44 7462 880517⟧", email: "⟦E:ffionbowen90@icloud.example⟧", mrn: "⟦MRN:RJZ5102288⟧", notes: "⟦MC:endometriosis⟧, on ⟦MED:Zoladex⟧" },
  ],
});
""",
)
add(
    "pii",
    "en",
    "django-fixture-counselling-referrals",
    "json",
    """
Convert this Django fixture to YAML please, keep the pks.

[
  {"model": "pastoral.referral", "pk": 14, "fields": {"student_name": "⟦P:Mason Fairweather⟧", "student_dob": "⟦DOB:2011-03-22⟧", "year_group": 9, "reason": "⟦MC:self-harm⟧ disclosed to form tutor", "parent_phone": "⟦T:07547 918220⟧", "referred_by": "Mrs ⟦P:Okafor⟧"}},
  {"model": "pastoral.referral", "pk": 15, "fields": {"student_name": "⟦P:Lily-Mae Thorne⟧", "student_dob": "⟦DOB:2010-12-01⟧", "year_group": 10, "reason": "suspected ⟦MC:anorexia⟧; GP started ⟦MED:fluoxetine⟧", "parent_phone": "⟦T:07933 406125⟧", "referred_by": "Mr ⟦P:Hallett⟧"}}
]
""",
)
add(
    "pii",
    "en",
    "go-table-test-customer-rows",
    "code",
    """
The third case in this table test fails and I don't see why. (Yes, I know these are real customers, I'll swap them out.)

func TestValidatePayee(t *testing.T) {
	cases := []struct {
		name, iban, phone string
		want              bool
	}{
		{"⟦P:Marcus Elphick⟧", "⟦IBAN:GB30BARC99459896339518⟧", "⟦T:+44 20 8761 4432⟧", true},
		{"⟦P:Siobhán Nic Giolla Phádraig⟧", "⟦IBAN:IE33AIBK77377073993964⟧", "⟦T:+353 1 496 2207⟧", true},
		{"⟦P:Jürgen Abt⟧", "⟦IBAN:DE64 0472 7902 5575 7516 89⟧", "⟦T:+49 30 40751328⟧", true},
	}
	for _, c := range cases {
		if got := ValidatePayee(c.name, c.iban, c.phone); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
}
""",
)
add(
    "pii",
    "en",
    "yoga-retreat-intake",
    "form",
    """
Please tidy this retreat intake into two tables: one for the villa's guest registration (name, date of birth, passport) and one for the teachers (injuries, meds).

Full name: ⟦P:Saoirse Delahunt⟧
Date of birth: ⟦DOB:9 August 1986⟧
Passport no.: ⟦PASS:PY4471920⟧ (Irish)
Mobile: ⟦T:+353 87 614 2290⟧
Emergency contact: ⟦P:Dónal Delahunt⟧ (husband), ⟦T:+353 86 305 7718⟧
Injuries / conditions: ⟦MC:herniated disc⟧ L5/S1 (2023), ⟦MC:14 weeks pregnant⟧
Current medication: ⟦MED:sertraline⟧ 50 mg
Diet: vegan, no mushrooms
Deposit: paid with Amex ⟦CC:3422 649165 67562⟧ on 15 January
""",
)
add(
    "pii",
    "en",
    "pip-review-notes",
    "prose",
    """
Turn my notes into a neutral written summary for the employee's file:

PIP review 2 - ⟦P:Gareth Lloyd-Pugh⟧ (emp no. ⟦ACC:E104773⟧), HR (⟦P:Nadia⟧) present. ⟦P:Gareth⟧ disclosed he was diagnosed with ⟦MC:bipolar II⟧ in the spring and has been on ⟦MED:lithium⟧ since June; the missed deadlines in Q3 line up with a ⟦MC:depressive episode⟧ and a dose change. Asked for a 10am start on Mondays because of his blood tests. Agreed: pause PIP 6 weeks, OH referral, review 14 Nov.
""",
)
add(
    "pii",
    "en",
    "interview-adjustments-reply",
    "prose",
    """
I'm a recruiter. Candidate ⟦P:Malachy Strudwick⟧ (⟦E:malachy.strudwick@gmail.example⟧, ⟦T:07395 602748⟧) is ⟦MC:profoundly deaf⟧ and has asked for a BSL interpreter at the panel on 12 March, plus the questions in writing 24 hours before. He also mentioned ⟦MC:dyspraxia⟧, so the coding exercise should be untimed. Draft a warm reply from me, ⟦P:Anwen⟧, confirming all of that and asking if anything else would help.
""",
)
add(
    "pii",
    "en",
    "income-protection-claim",
    "form",
    """
Help me write the box "Describe how your condition affects your ability to work". Facts:

Policyholder: ⟦P:Tobias Wrenfield⟧
Policy no.: ⟦ACC:IP-20917735⟧
UTR: ⟦ID@GB:11210 28814⟧
DOB: ⟦DOB:02/05/1979⟧
Occupation: self-employed furniture maker
Condition: ⟦MC:ME/CFS⟧ after ⟦MC:glandular fever⟧ in 2024; GP Dr ⟦P:Sunita Rao⟧
Medication: ⟦MED:amitriptyline⟧ 10 mg at night
Can manage about 2 hours in the workshop before crashing for a day.
""",
)
add(
    "pii",
    "en",
    "doorbell-parcel-theft-email",
    "prose",
    """
Can you tidy this email to the police? "Hello, I'm ⟦P:Colette Barraclough⟧ of ⟦A:41 Wharfedale Crescent, Garforth, Leeds LS25 1JQ⟧, phone ⟦T:0113 286 5510⟧. My Ring doorbell filmed a man in a grey hoodie taking a parcel off my step at 14:22 on Tuesday. It was addressed to my neighbour Mr ⟦P:Ibrahim Saleh⟧ at ⟦A:43 Wharfedale Crescent⟧, who is away. Crime reference 13250041877. I can send the clip."
""",
)
add(
    "pii",
    "en",
    "eco4-boiler-grant",
    "form",
    """
Please check this ECO4 grant application reads clearly before I submit it for my neighbours:

Applicant: ⟦P:Glenys Pritchard⟧
Date of birth: ⟦DOB:17/11/1948⟧
Address: ⟦A:12 Heol y Felin, Aberdare CF44 8HR⟧
Phone: ⟦T:01685 872334⟧
Energy supplier account: ⟦ACC:8502 3318 7764⟧
Benefits: Pension Credit (guarantee)
Health: ⟦MC:COPD⟧, on ⟦MED:home oxygen⟧ at night; ⟦MC:arthritis⟧ in both hands
Household: husband ⟦P:Emrys⟧, 81, ⟦MC:vascular dementia⟧
Current heating: 1994 back boiler, two rooms unheated
""",
)
add(
    "pii",
    "en",
    "tool-library-overdue",
    "csv",
    """
Write a friendly overdue reminder template for our community tool library and tell me who is overdue as of 10 March.

member_no,name,phone,email,item,due
⟦ACC:TL-0419⟧,⟦P:Sunny Achebe⟧,⟦T:07811 442619⟧,⟦E:sunny.achebe@gmail.example⟧,SDS drill,2025-03-08
⟦ACC:TL-0233⟧,⟦P:Rowan Pike⟧,⟦T:07731 571304⟧,⟦E:rowanpike@hotmail.example⟧,wallpaper steamer,2025-03-12
⟦ACC:TL-0587⟧,⟦P:Maggie Thewlis⟧,⟦T:0161 442 9087⟧,,"tile cutter (she has ⟦MC:MS⟧, happy to collect)",2025-02-28
⟦ACC:TL-0102⟧,⟦P:Dev Karimi⟧,⟦T:07956 130477⟧,⟦E:dev.karimi@proton.example⟧,ladder 3.5 m,2025-03-10
""",
)
add(
    "pii",
    "en",
    "pta-raffle-winners",
    "markdown-table",
    """
Write a short Facebook post for the PTA page announcing the Christmas raffle winners - first names and ticket numbers only.

| ticket | prize | winner | phone |
|---|---|---|---|
| 0417 | hamper | ⟦P:Ruby Stainthorpe⟧ | ⟦T:07903 118452⟧ |
| 1122 | spa voucher | ⟦P:Pearl⟧ (Year 2 mum) | ⟦T:07538 270916⟧ |
| 0093 | Lego set | Mr ⟦P:Okonkwo⟧ | ⟦T:07412 665093⟧ |
| 2210 | bottle of port | ⟦P:Will Hardcastle⟧ | ⟦T:01904 622180⟧ |
""",
)
add(
    "pii",
    "en",
    "sickle-cell-school-healthcare-plan",
    "prose",
    """
Make this into a one-page individual healthcare plan for his new secondary school: ⟦P:Kofi Mensah-Bright⟧, born ⟦DOB:23.01.2013⟧, NHS number ⟦ID@GB:215 888 2522⟧. He has ⟦MC:sickle cell disease⟧ (HbSS), takes ⟦MED:hydroxycarbamide⟧ daily and ⟦MED:penicillin V⟧ twice a day. In a ⟦MC:pain crisis⟧ he needs fluids, warmth and ⟦MED:ibuprofen⟧; call us if pain is over 6/10 or he has a temperature. Must not get cold or dehydrated on PE days. Parents: ⟦P:Abena⟧ ⟦T:07456 330871⟧ and ⟦P:Kwame⟧ ⟦T:07983 214506⟧.
""",
)
add(
    "pii",
    "en",
    "migraine-diary-neurologist",
    "markdown-table",
    """
Summarise this for my neurologist in five bullet points:

Dr ⟦P:Hennessy⟧ - here's my diary since the ⟦MED:topiramate⟧ went up to 100 mg. Hospital no. ⟦MRN:K1183025⟧.

| date | pain 0-10 | hours | took | trigger? |
|---|---|---|---|---|
| Mon 3 Feb | 7 | 9 | ⟦MED:sumatriptan⟧ 50 | bad sleep |
| Thu 6 Feb | 5 | 4 | ⟦MED:sumatriptan⟧ 50 | - |
| Sun 9 Feb | 8 | 14 | ⟦MED:sumatriptan⟧ x2, ⟦MED:naproxen⟧ | red wine |
| Wed 12 Feb | 4 | 3 | nothing | screens |

Still about 9 ⟦MC:migraine⟧ days a month. Thanks, ⟦P:Aoife⟧
""",
)
add(
    "pii",
    "en",
    "stoma-nurse-message",
    "prose",
    """
Help me write a short, clear message to the stoma nurse. I'm ⟦P:Declan Furey⟧, DOB ⟦DOB:30/10/1971⟧, NHS no. ⟦ID@GB:442 378 3827⟧, hospital no. ⟦MRN:RTH0082417⟧. Three weeks after my ⟦MC:ileostomy⟧ for ⟦MC:Crohn's⟧, the skin round the stoma is red and weepy, the ⟦MED:Cavilon⟧ spray stings and the bag leaks at night. Still on ⟦MED:Humira⟧. Best number is ⟦T:07882 150943⟧, mornings.
""",
)
add(
    "pii",
    "en",
    "oral-immunotherapy-home-log",
    "csv",
    """
Our allergist wants the peanut OIT home log as a chart. Can you plot dose against reaction and tell me which weeks had a reaction? Patient ⟦P:Esme Oduya⟧, DOB ⟦DOB:04/07/2018⟧, ⟦MC:peanut allergy⟧, clinic Dr ⟦P:Faulkner⟧.

date,dose_mg,reaction,notes
2025-01-06,80,none,
2025-01-13,120,itchy mouth,gave ⟦MED:cetirizine⟧
2025-01-20,120,none,
2025-01-27,160,tummy ache 30 min,after swimming - skip exercise 2 h
2025-02-03,160,none,
""",
)
add(
    "pii",
    "en",
    "snap-recertification-checklist",
    "prose",
    """
I have my SNAP recertification phone interview Thursday. Can you make me a checklist of documents from these notes? Household: me, ⟦P:Latoya Greenlee⟧ (SSN ⟦ID@US:181-75-4565⟧, DOB ⟦DOB:6/14/1988⟧), my son ⟦P:Jaylen⟧ (DOB ⟦DOB:09/02/2015⟧, SSN ⟦ID@US:059-46-4459⟧) and my mother ⟦P:Bernice Greenlee⟧, 72, who has ⟦MC:type 2 diabetes⟧ and pays about $47 a month for ⟦MED:Januvia⟧. We live at ⟦A:2290 Ridgewood Ave Apt 3B, Dayton, OH 45406⟧. Case number 0042197731. They'll call me on ⟦T:(937) 555-0148⟧. I started a part-time job at Kroger in January.
""",
)
add(
    "pii",
    "en",
    "esa-letter-request",
    "prose",
    """
Can you draft a short request to my therapist for an emotional support animal letter for my new landlord? Me: ⟦P:Brandi Kowalczyk⟧, DOB ⟦DOB:March 3, 1995⟧, new address ⟦A:614 W Lakeview Ave, Unit 2, Chicago, IL 60613⟧. Diagnoses: ⟦MC:generalized anxiety disorder⟧ and ⟦MC:PTSD⟧, I take ⟦MED:buspirone⟧. Therapist is Dr. ⟦P:Lauren Whitcombe⟧, LCSW. The dog is a 4-year-old beagle called Biscuit.
""",
)
add(
    "pii",
    "en",
    "ss5-replacement-card",
    "form",
    """
Help me fill the SS-5 for my daughter's replacement Social Security card. What goes in box 7?

1. Name: ⟦P:Harper Quinn Delacroix⟧
2. Her SSN: ⟦ID@US:370-95-7399⟧
3. Place of birth: Baton Rouge, LA
4. Date of birth: ⟦DOB:07/19/2009⟧
5. Citizenship: U.S. citizen
6. Sex: Female
7. Mother: ⟦P:Simone Delacroix⟧, maiden name ⟦P:Broussard⟧, SSN ⟦ID@US:382-35-8718⟧
8. Father: ⟦P:André Delacroix⟧
9. Mailing address: ⟦A:1811 Government St, Baton Rouge, LA 70802⟧
10. Phone: ⟦T:(225) 555-0131⟧
""",
)
add(
    "pii",
    "en",
    "va-disability-personal-statement",
    "prose",
    """
Please help me turn this into a personal statement for my VA disability claim (⟦MC:tinnitus⟧ and ⟦MC:PTSD⟧). I'm ⟦P:Marcus T. Hollingsworth⟧, SSN ⟦ID@US:019-25-1236⟧, Army 2006-2014. I've had ⟦MC:tinnitus⟧ since an IED blast near Baqubah in 2008. ⟦MC:PTSD⟧ was diagnosed in 2019 at the Vet Center; I'm on ⟦MED:prazosin⟧ for the nightmares and ⟦MED:sertraline⟧. I can't work in open-plan offices and I've lost two jobs over it. My wife ⟦P:Keisha⟧ will write a buddy statement.
""",
)
add(
    "pii",
    "en",
    "cookie-booth-signup",
    "csv",
    """
Troop cookie booth sign-ups - who is double-booked, and which slots still need a second scout?

slot,scout,parent,parent_cell,notes
Sat 9-11 Kroger,⟦P:Addison R.⟧,⟦P:Jenna Ruiz⟧,⟦T:(614) 555-0172⟧,
Sat 9-11 Kroger,⟦P:Brooklyn⟧,⟦P:Tasha Greer⟧,⟦T:(614) 555-0119⟧,"⟦MC:tree nut allergy⟧, keep her off the Peanut Butter Patties table"
Sat 11-1 Lowe's,⟦P:Addison R.⟧,⟦P:Jenna Ruiz⟧,⟦T:(614) 555-0172⟧,
Sun 1-3 Walmart,⟦P:Journey⟧,⟦P:Dale Whitt⟧,⟦T:(740) 555-0193⟧,"needs to leave by 2:45"
""",
)
add(
    "pii",
    "en",
    "bmv-medical-review-seizure",
    "prose",
    """
I need to answer the Ohio BMV medical review letter after my ⟦MC:seizure⟧. Can you make this sound clear and calm? "My name is ⟦P:Cody Brennaman⟧, driver license ⟦DL:TR518274⟧, date of birth ⟦DOB:11-22-1990⟧. I was diagnosed with ⟦MC:epilepsy⟧ after a ⟦MC:seizure⟧ on August 14. I take ⟦MED:Keppra⟧ 500 mg twice a day and have had no seizures for six months, confirmed by my neurologist Dr. ⟦P:Anjali Mehta⟧. I need to drive to my job as an electrician."
""",
)
add(
    "pii",
    "en",
    "canada-child-benefit-rc66",
    "form",
    """
I'm filling in the RC66 after our baby was born. Which parent should apply if we share custody equally? Details:

Applicant: ⟦P:Geneviève Tremblay-Osei⟧, SIN ⟦ID@CA:350 425 211⟧, DOB ⟦DOB:1992-08-27⟧
Spouse: ⟦P:Kwabena Osei⟧, SIN ⟦ID@CA:580 986 909⟧
Child: ⟦P:Amara Osei⟧, born ⟦DOB:2025-01-09⟧ at the Civic campus
Address: ⟦A:88 Rideau Terrace, Ottawa ON K1M 2C6⟧
Direct deposit: institution 003, transit 00152, account ⟦ACC:5021337⟧
""",
)
add(
    "pii",
    "en",
    "ato-deceased-estate-letter",
    "prose",
    """
I'm the executor of my late father's estate. Please draft a letter to the ATO asking how to lodge his final tax return. Dad was ⟦P:Graham Leslie Pocock⟧, TFN ⟦ID@AU:918 068 653⟧, born ⟦DOB:4 June 1941⟧, died 2 December 2024; last address ⟦A:7/32 Esplanade, Glenelg SA 5045⟧. I'm ⟦P:Leanne Pocock-Harris⟧, ⟦T:0412 883 156⟧, ⟦E:leanne.ph@bigpond.example⟧. Probate was granted on 20 February 2025.
""",
)
add(
    "pii",
    "en",
    "studylink-allowance",
    "form",
    """
Can you rephrase the "special circumstances" paragraph so it's short and factual?

Name: ⟦P:Tama Ngata-Whitfield⟧
IRD number: ⟦ID@NZ:137-582-236⟧
Date of birth: ⟦DOB:15/03/2006⟧
Address: ⟦A:14B Kamo Road, Kensington, Whangārei 0112⟧
Phone: ⟦T:021 448 2097⟧
Special circumstances: my dad ⟦P:Rawiri⟧ has ⟦MC:kidney failure⟧ and is on ⟦MC:haemodialysis⟧ three days a week so he can't work, and mum's hours were cut, so their income this year is much lower than what IR has on file for last year.
""",
)
add(
    "pii",
    "en",
    "ie-medical-card-income-drop",
    "prose",
    """
Help me explain, in the "change of circumstances" box of the medical card form, why our income dropped. Me: ⟦P:Niamh Ó Súilleabháin⟧, PPSN ⟦ID@IE:7877419S⟧; my partner ⟦P:Cathal Breen⟧, PPSN ⟦ID@IE:6245746B⟧. We live at ⟦A:Apt 5, Cois Abhann, Ballincollig, Co. Cork P31 XK27⟧. ⟦P:Cathal⟧ was diagnosed with ⟦MC:multiple sclerosis⟧ last year, had to give up the job in Apple and now gets ⟦MED:Ocrevus⟧ infusions every six months in CUH.
""",
)
add(
    "pii",
    "en",
    "sassa-disability-grant-appeal",
    "prose",
    """
Please help me write an appeal for my mother's SASSA disability grant that was turned down. She is ⟦P:Nomsa Dlamini⟧, ID ⟦ID@ZA:6110122865083⟧, born ⟦DOB:12 October 1961⟧, living at ⟦A:1187 Mahalefele Road, Dube, Soweto 1801⟧. She has ⟦MC:diabetic neuropathy⟧ and a ⟦MC:below-knee amputation⟧ since March, injects ⟦MED:Humulin⟧ twice a day and cannot stand at her old job at the laundry. The doctor's report was done at Chris Hani Baragwanath. Reach me on ⟦T:072 518 4409⟧. - ⟦P:Thandi⟧
""",
)
add(
    "pii",
    "en",
    "tatkal-passport-parents",
    "form",
    """
Fill these into the right Passport Seva fields for my parents' Tatkal re-issue and tell me which annexure we need:

Father: ⟦P:Ramakrishnan Subramaniam⟧, DOB ⟦DOB:14-06-1956⟧, Aadhaar ⟦ID@IN:9602 6962 6837⟧, old passport ⟦PASS:J4821937⟧
Mother: ⟦P:Lalitha Ramakrishnan⟧, DOB ⟦DOB:02-11-1960⟧, Aadhaar ⟦ID@IN:5860 1819 1223⟧, old passport ⟦PASS:K2039485⟧
Address: ⟦A:No. 42, 3rd Cross, Malleswaram, Bengaluru 560003⟧
Mobile: ⟦T:+91 98450 22671⟧
""",
)
add(
    "pii",
    "en",
    "international-school-admissions-export",
    "csv",
    """
Our SIS import rejects the national_id column for some rows. Can you check the formats per country and tell me which rows look wrong?

student,dob,nationality,national_id,passport,parent_email
⟦P:Park Seo-yeon⟧,⟦DOB:2014-05-09⟧,KR,⟦ID@KR:140509-4834096⟧,⟦PASS:M73920481⟧,⟦E:park.jiho@naver.example⟧
⟦P:Haruto Sato⟧,⟦DOB:2013-11-21⟧,JP,⟦ID@JP:1235 1933 7058⟧,⟦PASS:TK3850172⟧,⟦E:sato.family@docomo.example⟧
⟦P:Li Xinyi⟧,⟦DOB:2015-02-14⟧,CN,⟦ID@CN:310104201502148561⟧,⟦PASS:E58316207⟧,⟦E:liwei.sh@163.example⟧
⟦P:Nur Aisyah binti Rahman⟧,⟦DOB:2014-08-30⟧,MY,⟦ID@MY:140830-14-1046⟧,⟦PASS:A51820394⟧,⟦E:rahman.azlan@yahoo.example⟧
⟦P:Noa Ben-David⟧,⟦DOB:2013-07-03⟧,IL,⟦ID@IL:106948771⟧,⟦PASS:33819204⟧,⟦E:bendavid.family@walla.example⟧
""",
)
add(
    "pii",
    "en",
    "laptop-customs-national-ids",
    "markdown-table",
    """
Our courier says recipients in these countries need a national ID number on the customs invoice for the new laptops. Can you check we have everything and draft a short email to whoever is missing one?

| employee | country | delivery address | phone | national id |
|---|---|---|---|---|
| ⟦P:Elif Karaca⟧ | TR | ⟦A:Moda Cad. No:114 D:6, 34710 Kadıköy/İstanbul⟧ | ⟦T:+90 532 417 2280⟧ | TCKN ⟦ID@TR:46504521962⟧ |
| ⟦P:Giannis Kostopoulos⟧ | GR | ⟦A:Odos Ermou 52, 54623 Thessaloniki⟧ | ⟦T:+30 694 518 2207⟧ | AFM ⟦ID@GR:815874887⟧ |
| ⟦P:Ivana Barić⟧ | HR | ⟦A:Ilica 208, 10000 Zagreb⟧ | ⟦T:+385 91 448 2093⟧ | OIB ⟦ID@HR:71293741509⟧ |
| ⟦P:Radu Ionescu⟧ | RO | ⟦A:Str. Dorobanților 71, ap. 12, Cluj-Napoca 400117⟧ | ⟦T:+40 744 218 903⟧ | CNP ⟦ID@RO:1900412127471⟧ |
| ⟦P:Desislava Petrova⟧ | BG | ⟦A:ul. Oborishte 41, 1504 Sofia⟧ | ⟦T:+359 88 742 1190⟧ | EGN ⟦ID@BG:8710024057⟧ |
| ⟦P:Matej Horvat⟧ | SI | ⟦A:Trubarjeva cesta 12, 1000 Ljubljana⟧ | ⟦T:+386 41 508 337⟧ | EMŠO ⟦ID@SI:3006992500319⟧ |
| ⟦P:Gunnhildur Sigurðardóttir⟧ | IS | ⟦A:Laugavegur 86, 101 Reykjavík⟧ | ⟦T:+354 847 2210⟧ | kennitala ⟦ID@IS:150179-0419⟧ |
| ⟦P:Linnea Bergqvist⟧ | SE | ⟦A:Södermannagatan 19, 116 40 Stockholm⟧ | ⟦T:+46 70 418 22 90⟧ | - |
""",
)
add(
    "pii",
    "en",
    "catering-card-authorisation",
    "prose",
    """
Is it safe to email this to the caterer? If not, what should I do instead?

"Card authorisation for the 50th birthday party on 14 June: Visa ⟦CC:4695 7500 1174 5819⟧, expiry 09/27, name on card ⟦P:Beverley A. Thistlethwaite⟧, billing address ⟦A:9 Ravensworth Gardens, Gateshead NE9 7RS⟧. If it declines, use my husband ⟦P:Neil⟧'s Mastercard ⟦CC:5431 4406 6734 1875⟧. Deposit £450, balance on the day."
""",
)
add(
    "pii",
    "en",
    "home-router-port-forward",
    "prose",
    """
My home broadband public IP is ⟦IP:82.31.140.226⟧ and since the router swap I also get ⟦IP:2a00:23c7:e28f:9a01:5d1e:7b2:41ac:9f0e⟧. Port 8123 is forwarded to 192.168.0.40 (Home Assistant) and it works from my phone on 4G, but my brother ⟦P:Lachlan⟧ can't reach it from his place in Brisbane (his IP shows as ⟦IP:101.186.42.77⟧ in the logs, then the connection resets). What should I check first?
""",
)
add(
    "pii",
    "en",
    "mission-trip-passport-check",
    "markdown-table",
    """
Flag any passport that expires within six months of our Guatemala mission trip (leaving 12 July 2025), and list the medical needs for the team leader.

| name | DOB | passport | expires | medical |
|---|---|---|---|---|
| Pastor ⟦P:Dwight Amesbury⟧ | ⟦DOB:05/02/1969⟧ | ⟦PASS:567204183⟧ | 2029-04-30 | ⟦MC:type 2 diabetes⟧, ⟦MED:metformin⟧ |
| ⟦P:Carol Amesbury⟧ | ⟦DOB:11/30/1971⟧ | ⟦PASS:561893027⟧ | 2025-10-02 | - |
| ⟦P:Tyrese Lumpkin⟧ | ⟦DOB:03/17/2007⟧ | ⟦PASS:A02918374⟧ | 2033-01-15 | ⟦MC:asthma⟧, ⟦MED:albuterol⟧ inhaler |
| ⟦P:Grace Hwang⟧ | ⟦DOB:08/09/1998⟧ | ⟦PASS:590411726⟧ | 2026-01-20 | ⟦MC:shellfish allergy⟧ |
""",
)
add(
    "pii",
    "en",
    "van-hire-form",
    "form",
    """
The van hire site keeps rejecting my licence number. Is it in the right format?

Driver: ⟦P:Kieran Mulgrew⟧
Date of birth: ⟦DOB:14/11/1985⟧
Licence number: ⟦DL:MULGR811145K99AB⟧
Address: ⟦A:23 Bramble Way, Great Sankey, Warrington WA5 3LP⟧
Mobile: ⟦T:07720 561938⟧
Email: ⟦E:kmulgrew85@hotmail.example⟧
Hire: Luton van, 21-23 March, collect Warrington depot
""",
)
add(
    "pii",
    "en",
    "strava-privacy-complaint",
    "prose",
    """
Please draft a firm but polite message to Strava support. The account ⟦U:RunnerRick_LDN⟧ keeps posting runs that start and finish outside my house at ⟦A:56 Albion Road, Walthamstow, London E17 3QE⟧, and I'm fairly sure it's my ex, ⟦P:Rick Sandoval⟧. I've blocked him, but the activities are public. My account is ⟦U:juno.pacing⟧ (email ⟦E:juno.achterberg@fastmail.example⟧).
""",
)
# ---------------------------------------------------------------------------
# group pii — other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "da",
    "patienterstatning-anmeldelse",
    "prose",
    """
Kan du hjælpe mig med at skrive beskrivelsen til min anmeldelse hos Patienterstatningen? Fakta: Jeg hedder ⟦P:Birgitte Højgaard Mikkelsen⟧, født ⟦DOB:12. maj 1968⟧, CPR-nr. ⟦ID@DK:120568-0624⟧, og bor på ⟦A:Vestergade 41, 2. th., 8600 Silkeborg⟧, tlf. ⟦T:21 47 83 09⟧. Jeg fik en ⟦MC:ny hofte⟧ på Regionshospitalet 3. oktober og fik bagefter en ⟦MC:dyb infektion⟧ og en ⟦MC:nerveskade⟧ i låret. Jeg har fået ⟦MED:dicloxacillin⟧ i seks uger og kan stadig ikke gå på arbejde. Overlægen, ⟦P:Søren Bach⟧, sagde at det "desværre sker".
""",
)
add(
    "pii",
    "da",
    "familieretshuset-samvaer",
    "form",
    """
Oversæt venligst til engelsk til min advokat i London:

Ansøger: ⟦P:Mads Kjærgaard⟧, CPR ⟦ID@DK:270185-0177⟧
Barnets navn: ⟦P:Freja Kjærgaard Lund⟧, født ⟦DOB:3.9.2016⟧, CPR ⟦ID@DK:030916-8316⟧
Barnets bopæl: hos mor, ⟦P:Line Lund⟧, ⟦A:Rosenvængets Allé 12, 1. tv., 2100 København Ø⟧
Ønsket samvær: hver anden weekend fra fredag kl. 15 til søndag kl. 18 samt halvdelen af sommerferien
Særlige forhold: ⟦P:Freja⟧ har ⟦MC:ADHD⟧ og får ⟦MED:Medikinet⟧; hun skal have faste rutiner ved skift.
""",
)
add(
    "pii",
    "no",
    "batplass-oppsigelse",
    "form",
    """
Kan du skrive en kort e-post til båtforeningen om at jeg vil si opp plassen fra 1. oktober? Her er det som står i leieavtalen:

Leietaker: ⟦P:Torstein Haugland⟧
Fødselsnummer: ⟦ID@NO:21077414905⟧
Adresse: ⟦A:Kirkeveien 118 B, 0361 Oslo⟧
Mobil: ⟦T:922 48 715⟧
E-post: ⟦E:torstein.haugland@online.example⟧
Båtplass: B-27, brygge 2
Depositum: 3 000 kr
""",
)
add(
    "pii",
    "no",
    "sio-psykolog-henvendelse",
    "prose",
    """
Hei! Kan du gjøre denne meldingen til studenthelsetjenesten litt bedre? "Hei, jeg er student ved UiO og vil gjerne ha time hos psykolog. Jeg har hatt ⟦MC:depresjon⟧ siden i fjor høst, og fastlegen min (⟦P:Ingrid Solberg⟧) skrev ut ⟦MED:Sertralin⟧ i januar, men jeg får fortsatt ⟦MC:panikkanfall⟧ på forelesninger. Fødselsnummer ⟦ID@NO:08110268255⟧, telefon ⟦T:+47 467 21 930⟧. Mvh ⟦P:Sunniva⟧"
""",
)
add(
    "pii",
    "cs",
    "vypoved-najmu-domov",
    "prose",
    """
Prosím uprav tuto výpověď nájmu, píšu ji za maminku: "Vážený pane ⟦P:Dvořáku⟧, moje matka ⟦P:Jarmila Šťastná⟧, nar. ⟦DOB:17. 2. 1941⟧, r. č. ⟦ID@CZ:415217/016⟧, bytem ⟦A:Křenová 52, 602 00 Brno⟧, tímto vypovídá nájemní smlouvu k bytu 2+1, protože se kvůli ⟦MC:Alzheimerově chorobě⟧ stěhuje do domova se zvláštním režimem. Klíče předám osobně. Kontakt: dcera ⟦P:Pavla Konečná⟧, tel. ⟦T:731 508 264⟧."
""",
)
add(
    "pii",
    "cs",
    "pojistna-udalost-mobil",
    "form",
    """
Pomůžeš mi napsat popis škody k pojistné události? Tady jsou údaje z formuláře:

Pojištěný: ⟦P:Ondřej Koubek⟧
Rodné číslo: ⟦ID@CZ:930608/6856⟧
Datum narození: ⟦DOB:08.06.1993⟧
Telefon: ⟦T:+420 604 218 337⟧
E-mail: ⟦E:ondra.koubek@seznam.example⟧
Číslo pojistné smlouvy: ⟦ACC:8201547736⟧
Zařízení: iPhone 14, IMEI 356789104523118, koupeno 3. 4. 2024
Co se stalo: při vystupování z lodičky na Vltavě mi telefon vypadl z kapsy do vody.
""",
)
add(
    "pii",
    "lt",
    "daugiabucio-balsavimas",
    "markdown-table",
    """
Ar gali suskaičiuoti balsus? Tai namo ⟦A:Savanorių pr. 174, Vilnius⟧ butų savininkų balsavimo lapas dėl stogo renovacijos.

| butas | savininkas | asmens kodas | tel. | balsas |
|---|---|---|---|---|
| 3 | ⟦P:Algirdas Vaitkus⟧ | ⟦ID@LT:35203196923⟧ | ⟦T:+370 612 48 305⟧ | už |
| 7 | ⟦P:Rasa Žemaitienė⟧ | ⟦ID@LT:47811023045⟧ | ⟦T:+370 687 20 114⟧ | prieš |
| 12 | ⟦P:Vytautas Mickevičius⟧ | ⟦ID@LT:34607258653⟧ | - | už (balsavo dukra ⟦P:Eglė⟧ pagal įgaliojimą, tėvas po ⟦MC:insulto⟧) |
| 15 | ⟦P:Tomas Jonaitis⟧ | - | ⟦T:+370 655 93 021⟧ | susilaikė |
""",
)
add(
    "pii",
    "lt",
    "skundas-greitoji-velavo",
    "prose",
    """
Padėk parašyti skundą dėl greitosios pagalbos vėlavimo. Mano tėtis ⟦P:Stasys Jankauskas⟧ (gim. ⟦DOB:1949 m. rugsėjo 3 d.⟧, asmens kodas ⟦ID@LT:34909031689⟧), gyvenantis ⟦A:Taikos pr. 61-24, Kaunas⟧, vasario 2 d. vakare pradėjo nebekalbėti, nusviro veido pusė. ⟦P:Stasiui⟧ iškvietėme greitąją 19:05, o ji atvyko tik 20:10. Ligoninėje (ligos istorijos Nr. ⟦MRN:KKL-2025-018833⟧) patvirtino ⟦MC:insultą⟧. Jis vartoja ⟦MED:Xarelto⟧ dėl ⟦MC:prieširdžių virpėjimo⟧. Mano tel. ⟦T:8 686 40 912⟧. ⟦P:Jurgita Jankauskaitė⟧
""",
)
add(
    "pii",
    "lv",
    "barintiesa-aizbildnis",
    "prose",
    """
Palīdzi uzrakstīt iesniegumu bāriņtiesai. Es, ⟦P:Ilze Kalniņa⟧, personas kods ⟦ID@LV:040463-17133⟧, dzīvoju ⟦A:Brīvības iela 88-14, Rīga, LV-1001⟧, tālr. ⟦T:29 418 653⟧. Lūdzu mani iecelt par aizbildni mazmeitai ⟦P:Elīnai Bērziņai⟧, personas kods ⟦ID@LV:220415-28096⟧, dzimusi ⟦DOB:2015. gada 22. aprīlī⟧, jo viņas mātei, manai meitai ⟦P:Lienei Bērziņai⟧, ir ⟦MC:atkarība no alkohola⟧ un viņa pašlaik ārstējas. ⟦P:Elīna⟧ jau pusgadu dzīvo pie manis.
""",
)
add(
    "pii",
    "lv",
    "valodas-kursi-pieteikums",
    "form",
    """
Pārtulko šo pieteikumu ukraiņu valodā, lai viņa var pārbaudīt, vai viss ir pareizi:

Vārds, uzvārds: ⟦P:Oksana Melnyk⟧
Personas kods: ⟦ID@LV:327265-83978⟧
Pase: ⟦PASS:FT418290⟧
Adrese: ⟦A:Maskavas iela 240 k-2 - 51, Rīga, LV-1063⟧
Tālrunis: ⟦T:+371 25 803 417⟧
E-pasts: ⟦E:oksana.melnyk.ua@ukr.example⟧
Līmenis: A1, vakara grupa
Veselība: ⟦MC:dzirdes traucējumi⟧ - lūdzu vietu pirmajā rindā
""",
)
add(
    "pii",
    "et",
    "korteriuhistu-veenaidud",
    "csv",
    """
Korteriühistu ⟦A:Mustamäe tee 51, Tallinn⟧ veenäidud märtsi kohta. Kas keegi on ilmselgelt valesti sisestanud?

korter;nimi;telefon;külm_m3;soe_m3;märkus
1;⟦P:Tiit Kask⟧;⟦T:5123 4870⟧;412,5;210,1;
4;⟦P:Maie Lepik⟧;⟦T:5340 9921⟧;88,2;1045,0;"proua ⟦P:Lepik⟧ on ⟦MC:dementsusega⟧, näidu tõi tütar ⟦P:Kadri⟧"
7;⟦P:Rein Saar⟧;⟦T:5819 0234⟧;301,7;188,4;
9;⟦P:Liis Tamm⟧;⟦T:5602 7713⟧;95,0;62,3;uus omanik alates 01.03
""",
)
add(
    "pii",
    "et",
    "nahaarsti-saatekiri",
    "prose",
    """
Palun kirjuta perearstile viisakas sõnum, et saada saatekiri nahaarsti juurde: ⟦P:Kristjan Oja⟧, isikukood ⟦ID@EE:38802144445⟧, sündinud ⟦DOB:14.02.1988⟧. ⟦MC:Psoriaas⟧ on talvel palju hullemaks läinud, ⟦MED:Daivobet⟧ enam ei aita ja põlved ning sõrmeliigesed valutavad hommikuti - kardan, et see on ⟦MC:psoriaatiline artriit⟧. Telefon ⟦T:+372 5561 2039⟧.
""",
)
add(
    "pii",
    "uk",
    "reiestratsiia-narodzhennia",
    "form",
    """
Допоможи перевірити заяву про державну реєстрацію народження, чи нічого не пропущено:

Дитина: ⟦P:Ткачук Соломія Андріївна⟧, дата народження ⟦DOB:19.01.2025⟧, місце народження: м. Львів
Мати: ⟦P:Ткачук Ірина Богданівна⟧, РНОКПП ⟦ID@UA:3439427921⟧
Батько: ⟦P:Ткачук Андрій Олегович⟧, РНОКПП ⟦ID@UA:3383029133⟧
Адреса: ⟦A:вул. Городоцька, 174, кв. 38, м. Львів, 79022⟧
Телефон: ⟦T:+380 67 412 5583⟧
""",
)
add(
    "pii",
    "uk",
    "insulin-volontery",
    "prose",
    """
Допоможіть скласти коротке повідомлення волонтерам. Моя мама, ⟦P:Галина Петрівна Коваль⟧, має ⟦MC:цукровий діабет 1 типу⟧, і в аптеках поруч немає ⟦MED:Лантуса⟧ та ⟦MED:Новорапіду⟧. Вона живе за адресою ⟦A:м. Херсон, вул. Перекопська, 21, кв. 7⟧, її телефон ⟦T:066 218 4407⟧. ⟦P:Галині Петрівні⟧ 74 роки, сама вийти не може через ⟦MC:ампутацію пальців стопи⟧. Дякую! ⟦P:Олена⟧
""",
)
add(
    "pii",
    "ru",
    "vozvrat-strakhovki-kredit",
    "form",
    """
Проверь, пожалуйста, заявление на возврат страховки по кредиту - всё ли заполнено?

ФИО: ⟦P:Сидоренко Марина Викторовна⟧
Дата рождения: ⟦DOB:22.07.1986⟧
Паспорт: ⟦PASS:4510 638291⟧
ИНН: ⟦ID@RU:776958271870⟧
Адрес: ⟦A:г. Москва, ул. Профсоюзная, д. 93, корп. 2, кв. 118⟧
Телефон: ⟦T:+7 916 408-22-71⟧
Кредитный договор № 625/0018-0392114 от 14.03.2025
Счёт для возврата: ⟦ACC:40817810938160452217⟧
""",
)
add(
    "pii",
    "ru",
    "pereraschet-pensii-otsa",
    "prose",
    """
Помогите составить заявление в Социальный фонд о перерасчёте пенсии отца: ⟦P:Григорьев Анатолий Степанович⟧, дата рождения ⟦DOB:3 мая 1951 г.⟧, СНИЛС ⟦ACC:454-990-781 39⟧, проживает по адресу ⟦A:г. Екатеринбург, ул. Бебеля, д. 138, кв. 12⟧. После ⟦MC:инфаркта⟧ в прошлом году ему установили ⟦MC:инвалидность II группы⟧, а надбавку так и не начислили. Заявителем буду я, сын, ⟦P:Дмитрий Анатольевич⟧, тел. ⟦T:8 (912) 604-31-88⟧.
""",
)
add(
    "pii",
    "ca",
    "reclamacio-operadora",
    "prose",
    """
Ajuda'm a redactar una reclamació a l'Agència Catalana del Consum. Sóc ⟦P:Montserrat Puigdomènech i Vila⟧, DNI ⟦ID@ES:26588316V⟧, amb domicili a ⟦A:Carrer de la Riera, 27, 3r 2a, 08301 Mataró⟧ i mòbil ⟦T:637 204 918⟧. L'operadora m'ha cobrat dues vegades la quota de febrer (número de client ⟦ACC:1847205331⟧) i, a més, em va tallar el fix ⟦T:937 58 21 64⟧ durant cinc dies. La meva mare, ⟦P:Roser⟧, viu amb mi, té ⟦MC:ELA⟧ i depèn d'aquesta línia per a la teleassistència.
""",
)
add(
    "pii",
    "ca",
    "habitatge-proteccio-oficial",
    "form",
    """
Revisa aquesta sol·licitud d'habitatge amb protecció oficial i digues-me si falta algun document:

Sol·licitant 1: ⟦P:Jordi Casals Ferrer⟧, DNI ⟦ID@ES:32894317Q⟧, nascut el ⟦DOB:9 de novembre de 1989⟧
Sol·licitant 2: ⟦P:Marc Font Tomàs⟧, NRT ⟦ID@AD:F-375150-H⟧ (fins ara resident a Andorra)
Adreça actual: ⟦A:Avinguda Meritxell, 88, 2n, AD500 Andorra la Vella⟧
Correu: ⟦E:jordi.casals.f@gmail.example⟧
Fill a càrrec: ⟦P:Pol⟧, 6 anys, amb ⟦MC:síndrome de Down⟧ (grau de discapacitat 45 %)
""",
)
add(
    "pii",
    "de",
    "tagespflege-anmeldung",
    "form",
    """
Bitte formuliere daraus ein kurzes Anschreiben an die Tagespflege "Am Stadtpark":

Name: ⟦P:Heinz-Dieter Kowalski⟧
Geburtsdatum: ⟦DOB:02.11.1939⟧
Versichertennummer: ⟦ACC:K804512336⟧
Pflegegrad: 3
Diagnosen: ⟦MC:Demenz vom Alzheimer-Typ⟧, ⟦MC:Vorhofflimmern⟧
Medikamente: ⟦MED:Donepezil⟧ 10 mg, ⟦MED:Eliquis⟧ 5 mg
Adresse: ⟦A:Am Hellweg 23, 44787 Bochum⟧
Gewünschte Tage: Di, Mi, Fr
Ansprechpartnerin: Tochter ⟦P:Sabine Kowalski-Brandt⟧, ⟦T:0176 24918350⟧
""",
)
add(
    "pii",
    "de",
    "haftpflicht-kind-auto-zerkratzt",
    "prose",
    """
Kannst du mir helfen, die Schadenmeldung an unsere Haftpflichtversicherung zu formulieren? Unser Sohn ⟦P:Jonas⟧ (7) ist am Samstag mit dem Fahrrad gegen das geparkte Auto von Herrn ⟦P:Uwe Lindemann⟧ (⟦A:Birkenweg 4, 71229 Leonberg⟧) gefahren und hat die Beifahrertür zerkratzt, Kennzeichen BB-UL 418. Versicherungsnehmerin bin ich, ⟦P:Katharina Vogt⟧, ⟦A:Birkenweg 9, 71229 Leonberg⟧, Tel. ⟦T:07152 9384412⟧, Vertragsnummer ⟦ACC:HV-4417290-03⟧. Herr ⟦P:Lindemann⟧ möchte das Geld direkt auf sein Konto: ⟦IBAN:DE77 2849 7593 8191 0616 06⟧.
""",
)
add(
    "pii",
    "de",
    "spitex-anmeldung-zuerich",
    "form",
    """
Bitte mach daraus eine übersichtliche Tabelle für die Spitex-Anmeldung:

Klientin: ⟦P:Verena Hürlimann-Frei⟧
AHV-Nr.: ⟦ID@CH:756.8889.7127.71⟧
Geburtsdatum: ⟦DOB:30.03.1944⟧
Adresse: ⟦A:Hofwiesenstrasse 212, 8057 Zürich⟧
Telefon: ⟦T:044 312 58 90⟧
Hausarzt: Dr. med. ⟦P:Beat Kunz⟧
Diagnosen: ⟦MC:Diabetes Typ 2⟧, ⟦MC:feuchte Makuladegeneration⟧
Medikamente: ⟦MED:NovoMix 30⟧, ⟦MED:Eylea⟧-Injektionen alle 8 Wochen
Angehörige: Sohn ⟦P:Marco⟧, ⟦T:079 448 21 07⟧
""",
)
add(
    "pii",
    "fr",
    "aide-juridictionnelle",
    "prose",
    """
Aide-moi à rédiger la partie « exposé de la situation » de ma demande d'aide juridictionnelle. Je m'appelle ⟦P:Sandrine Lefèvre-Bakari⟧, née le ⟦DOB:11 février 1983⟧, numéro fiscal ⟦ID@FR:16 69 712 522 093⟧, domiciliée ⟦A:17 rue des Tanneurs, 59000 Lille⟧, tél. ⟦T:06 72 18 44 39⟧. Mon ex-conjoint, ⟦P:Karim Bakari⟧, ne verse plus la pension alimentaire depuis septembre et je suis en arrêt maladie pour ⟦MC:dépression⟧ depuis mars. Je veux saisir le juge aux affaires familiales.
""",
)
add(
    "pii",
    "fr",
    "caf-changement-situation",
    "form",
    """
Peux-tu vérifier mon formulaire de changement de situation CAF et me dire s'il manque quelque chose ?

Allocataire : ⟦P:Julien Marchetti⟧
N° allocataire : ⟦ACC:4928172⟧
NIR : ⟦ID@FR:1 87 06 69 259 350 59⟧
Date de naissance : ⟦DOB:23/06/1987⟧
Enfants : ⟦P:Léa⟧ (née le ⟦DOB:04/09/2015⟧), ⟦P:Hugo⟧ (né le ⟦DOB:17/12/2018⟧)
Nouvelle adresse : ⟦A:5 allée des Cerisiers, bât. B, 69200 Vénissieux⟧
Courriel : ⟦E:j.marchetti87@free.example⟧
Changement : séparation au 1er février ; garde alternée une semaine sur deux
""",
)
add(
    "pii",
    "fr",
    "domiciliation-namur",
    "prose",
    """
Corrige cette lettre à la commune de Namur, s'il te plaît : « Madame, Monsieur, je soussignée ⟦P:Aline Dewulf⟧, née le ⟦DOB:5 août 1996⟧, numéro national ⟦ID@BE:96.08.05-530.34⟧, demande mon inscription au ⟦A:Rue de Fer 28, boîte 3, 5000 Namur⟧, où j'emménage le 1er avril avec mon compagnon ⟦P:Thibault Mertens⟧ (numéro national ⟦ID@BE:94.12.19-107.23⟧). Je reste joignable au ⟦T:0478 21 63 90⟧. »
""",
)
add(
    "pii",
    "es",
    "aplazamiento-hacienda",
    "prose",
    """
¿Me ayudas a redactar la solicitud de aplazamiento de la deuda con Hacienda? Datos: ⟦P:Rocío Valdivia Cárdenas⟧, DNI ⟦ID@ES:70700301A⟧, domicilio ⟦A:C/ Sierpes 48, 2.º izq., 41004 Sevilla⟧, teléfono ⟦T:654 31 28 90⟧, cuenta de domiciliación ⟦IBAN:ES95 3543 6584 3103 3665 8726⟧. Motivo: estoy de baja desde noviembre por un ⟦MC:cáncer de mama⟧, en tratamiento con ⟦MED:tamoxifeno⟧, y mis ingresos han bajado a la mitad.
""",
)
add(
    "pii",
    "es",
    "alta-prepaga-hija",
    "form",
    """
Ayudame a completar el alta de mi hija en la prepaga y decime qué certificado me van a pedir:

Titular: ⟦P:Federico Iturralde⟧, CUIT ⟦ID@AR:20-45721207-1⟧
Hija: ⟦P:Martina Iturralde⟧, DNI ⟦ID@AR:96.801.933⟧, nacida el ⟦DOB:12/04/2017⟧
Domicilio: ⟦A:Av. Corrientes 4521, 7° B, C1195 CABA⟧
Celular: ⟦T:11 5823-4417⟧
Condición preexistente: ⟦MC:celiaquía⟧ diagnosticada en 2023
""",
)
add(
    "pii",
    "es",
    "postulacion-subsidio-ds1",
    "form",
    """
Revisa esta postulación al subsidio habitacional DS1 y dime qué puntaje extra nos puede dar la discapacidad:

Postulante: ⟦P:Camila Andrea Fuentes Rojas⟧, RUT ⟦ID@CL:59.217.405-7⟧
Cónyuge: ⟦P:Matías Ignacio Soto Parra⟧, RUT ⟦ID@CL:72.119.219-9⟧
Dirección actual: ⟦A:Pasaje Los Aromos 1447, Villa Alemana⟧
Celular: ⟦T:+56 9 8721 4408⟧
Correo: ⟦E:camila.fuentes.r@gmail.example⟧
Integrante con discapacidad: hijo ⟦P:Benjamín⟧, 8 años, ⟦MC:trastorno del espectro autista⟧ (inscrito en el RND)
""",
)
add(
    "pii",
    "it",
    "invalidita-civile-padre",
    "prose",
    """
Mi aiuti a scrivere una mail al patronato per la domanda di invalidità civile di mio padre? ⟦P:Salvatore Esposito⟧, nato a Napoli l'⟦DOB:8 gennaio 1950⟧, codice fiscale ⟦ID@IT:SPSSVT50A08F839L⟧, residente in ⟦A:Via Foria 118, 80137 Napoli⟧. Ha una ⟦MC:BPCO⟧ grave con ossigeno di notte e una ⟦MC:cardiopatia ischemica⟧; prende ⟦MED:Spiriva⟧ e ⟦MED:Cardioaspirin⟧. Il certificato introduttivo l'ha già fatto il dottor ⟦P:Nicola Lorusso⟧. Il mio cellulare è ⟦T:339 412 8806⟧. Grazie, ⟦P:Gennaro⟧
""",
)
add(
    "pii",
    "it",
    "contratto-transitorio-studente",
    "form",
    """
Controlla questo contratto transitorio per studenti universitari: mancano clausole obbligatorie?

Locatrice: ⟦P:Giuliana Ferri⟧, C.F. ⟦ID@IT:FRRGLN62C54A944B⟧, nata a Bologna il ⟦DOB:14/03/1962⟧
Conduttore: ⟦P:Lorenzo Bianchini⟧, C.F. ⟦ID@IT:BNCLNZ03R27G478Q⟧, nato a Perugia il ⟦DOB:27/10/2003⟧
Immobile: ⟦A:Via del Pratello 61, int. 4, 40122 Bologna⟧
Durata: 12 mesi dal 1° settembre
Canone: 550 € al mese, bonifico su IBAN ⟦IBAN:IT79 H248 4288 4236 7148 3376 992⟧
""",
)
add(
    "pii",
    "it",
    "adi-nonna-asl",
    "prose",
    """
Scrivi una mail all'ASL per attivare l'assistenza domiciliare integrata per nonna ⟦P:Assunta Marino⟧ (C.F. ⟦ID@IT:MRNSNT36E61A662K⟧, nata a Bari il ⟦DOB:21/05/1936⟧), che vive in ⟦A:Via Sparano da Bari 44, 70121 Bari⟧. Dopo l'⟦MC:ictus⟧ di gennaio è allettata, ha due ⟦MC:piaghe da decubito⟧ e fa ⟦MED:Clexane⟧ ogni sera. Il medico curante è il dott. ⟦P:Vito Colella⟧. Per contatti: ⟦P:Francesca⟧, ⟦T:080 523 4417⟧.
""",
)
add(
    "pii",
    "pt",
    "porta-65-candidatura",
    "prose",
    """
Ajuda-me a preparar a candidatura ao Porta 65 Jovem. Somos a ⟦P:Beatriz Antunes Carvalho⟧ (NIF ⟦ID@PT:241699150⟧) e o ⟦P:Tiago Rebelo⟧ (NIF ⟦ID@PT:235792101⟧); o contrato de arrendamento é da ⟦A:Rua de Cedofeita 412, 2.º Dto., 4050-174 Porto⟧, renda de 750 €. O apoio deve ser pago para o IBAN ⟦IBAN:PT55 4910 8140 2592 4848 3658 2⟧. O meu telemóvel é ⟦T:912 448 306⟧. Que documentos tenho de anexar?
""",
)
add(
    "pii",
    "pt",
    "consulta-planeamento-familiar",
    "prose",
    """
Reescreve esta mensagem para o centro de saúde de forma mais clara: "Bom dia, chamo-me ⟦P:Inês Lacerda⟧, nº de utente ⟦ACC:284519736⟧, nascida a ⟦DOB:03-09-1998⟧. Queria marcar uma consulta de planeamento familiar para deixar a pílula ⟦MED:Yasmin⟧, porque comecei a ter ⟦MC:enxaquecas com aura⟧ e a médica de família, a Dra. ⟦P:Helena Sampaio⟧, disse que devia mudar de método. Contacto: ⟦T:936 201 584⟧."
""",
)
add(
    "pii",
    "pt",
    "cadastro-farmacia-popular",
    "form",
    """
Confere se este cadastro na Farmácia Popular está completo e explica como funciona a retirada mensal:

Nome: ⟦P:José Aparecido dos Santos⟧
CPF: ⟦ID@BR:081.889.305-20⟧
Data de nascimento: ⟦DOB:19/08/1958⟧
Endereço: ⟦A:Rua Voluntários da Pátria, 1820, apto 54, Santana, São Paulo - SP, 02011-200⟧
Celular: ⟦T:(11) 98734-2205⟧
Receita: ⟦MED:Losartana⟧ 50 mg e ⟦MED:Glifage XR⟧ 500 mg
Diagnóstico: ⟦MC:hipertensão⟧ e ⟦MC:diabetes tipo 2⟧
""",
)
add(
    "pii",
    "nl",
    "kwijtschelding-gemeentebelasting",
    "prose",
    """
Kun je deze aanvraag voor kwijtschelding van de gemeentelijke belastingen wat netter maken? "Ik ben ⟦P:Sanne de Groot⟧, BSN ⟦ID@NL:552358666⟧, en woon op ⟦A:Vondellaan 27 bis, 3521 GD Utrecht⟧. Sinds mijn ⟦MC:burn-out⟧ werk ik nog maar 12 uur per week en heb ik alleen een klein inkomen uit de WW. De aanslag (aanslagnummer 2025.0417.3381) kan ik niet betalen. Rekeningnummer: ⟦IBAN:NL77 INGB 6136 1566 51⟧. Telefoon: ⟦T:06 41 82 37 90⟧."
""",
)
add(
    "pii",
    "nl",
    "bbz-zelfstandige-rotterdam",
    "prose",
    """
Help me een bericht te schrijven aan de gemeente Rotterdam over Bbz-bijstand voor zelfstandigen. Gegevens: ⟦P:Youssef El Amrani⟧, BSN ⟦ID@NL:891732251⟧, eenmanszaak in fietsreparatie (KvK 81234567), adres ⟦A:Zwart Janstraat 61A, 3035 AN Rotterdam⟧, e-mail ⟦E:youssef.elamrani@ziggo.example⟧. Mijn omzet is sinds januari gehalveerd en mijn vrouw ⟦P:Samira⟧ is ⟦MC:zwanger⟧ van ons tweede kind, dus ze kan voorlopig niet bijspringen in de winkel.
""",
)
add(
    "pii",
    "nl",
    "zorgbudget-zwaar-zorgbehoevenden",
    "form",
    """
Vul met deze gegevens de aanvraag voor het zorgbudget voor zwaar zorgbehoevenden in en zeg welke bijlagen nodig zijn:

Zorgbehoevende: ⟦P:Godelieve Van den Broeck⟧
Rijksregisternummer: ⟦ID@BE:38.12.12-442.80⟧
Geboortedatum: ⟦DOB:12.12.1938⟧
Adres: ⟦A:Kerkstraat 14, 9050 Gentbrugge⟧
Aandoening: ⟦MC:ziekte van Alzheimer⟧, sinds 2022 volledig afhankelijk
Mantelzorger: dochter ⟦P:Hilde Van den Broeck⟧, ⟦T:0476 58 21 09⟧, ⟦E:hilde.vandenbroeck@telenet.example⟧
""",
)
add(
    "pii",
    "pl",
    "dodatek-oslonowy-wniosek",
    "form",
    """
Sprawdź, proszę, czy ten wniosek o dodatek osłonowy jest dobrze wypełniony:

Wnioskodawca: ⟦P:Krzysztof Wawrzyniak⟧, PESEL ⟦ID@PL:71050421437⟧
Członkowie gospodarstwa domowego:
- żona ⟦P:Bożena Wawrzyniak⟧, PESEL ⟦ID@PL:73092822241⟧
- syn ⟦P:Kacper Wawrzyniak⟧, PESEL ⟦ID@PL:08221199495⟧
Adres: ⟦A:ul. Kilińskiego 87 m. 14, 90-119 Łódź⟧
Numer rachunku: ⟦IBAN:PL05 6035 4754 0354 5793 2240 7625⟧
Telefon: ⟦T:602 418 773⟧
Źródło ogrzewania: kocioł gazowy
""",
)
add(
    "pii",
    "pl",
    "szkoda-oc-sprawcy",
    "prose",
    """
Pomóż mi opisać zdarzenie w zgłoszeniu szkody z OC sprawcy. Sprawca: ⟦P:Dariusz Nowicki⟧, polisa OC nr ⟦ACC:920018447261⟧, samochód WA 58213. Poszkodowana: ja, ⟦P:Agnieszka Sobczak⟧, PESEL ⟦ID@PL:90100616449⟧, prawo jazdy nr ⟦DL:04718/22/1465⟧, ⟦A:ul. Rydla 12/5, 30-087 Kraków⟧, tel. ⟦T:+48 512 904 336⟧. ⟦P:Dariusz Nowicki⟧ wjechał mi w tył na światłach na Alei Kijowskiej; rozmawiałam z ⟦P:Dariuszem Nowickim⟧ na miejscu i przyznał się do winy. Od tego czasu mam ⟦MC:skręcenie kręgosłupa szyjnego⟧, noszę kołnierz i biorę ⟦MED:Ketonal⟧. Świadkiem był pan ⟦P:Zbigniew⟧ z kiosku obok.
""",
)
add(
    "pii",
    "pl",
    "poradnia-psychologiczna-corka",
    "prose",
    """
Napisz, proszę, maila do poradni zdrowia psychicznego dla dzieci i młodzieży. Moja córka ⟦P:Zuzanna Michalak⟧ (ur. ⟦DOB:14.02.2009⟧, PESEL ⟦ID@PL:09221491822⟧) od jesieni prawie nie je i się izoluje; szkolna psycholog podejrzewa u ⟦P:Zuzanny⟧ ⟦MC:depresję⟧ i ⟦MC:zaburzenia odżywiania⟧. Prosimy o jak najszybszy termin. Kontakt: ⟦P:Monika Michalak⟧, tel. ⟦T:691 207 448⟧, ⟦E:monika.michalak@wp.example⟧.
""",
)
# ---------------------------------------------------------------------------
# group cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "spring-boot-prod-properties",
    "ini",
    """
Spring Boot won't start in prod: "Failed to bind properties under 'spring.kafka.properties.sasl.jaas.config'". This is the file from the server - what's wrong with it?

# application-prod.properties
spring.datasource.url=jdbc:mysql://db-prod.internal:3306/orders?useSSL=true
spring.datasource.username=orders_app
spring.datasource.password=⟦S:Qv7#kLm29!rTzw⟧
spring.rabbitmq.addresses=amqps://orders:⟦S:pC4vN8xR2sLqW⟧@rabbit.prod.internal:5671/orders
spring.kafka.bootstrap-servers=pkc-4r087.europe-west3.gcp.confluent.cloud:9092
spring.kafka.properties.security.protocol=SASL_SSL
spring.kafka.properties.sasl.mechanism=PLAIN
spring.kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='⟦K:UAUQ2VXM7DN19RJZ⟧' password='⟦K:T00Mk83fZpYK2kRaNfOKIp6OlgwEK7Lx+jFclfjlITQFfCrQfzU7JpCzENuc2jH0⟧'
spring.mail.host=smtp.gmail.com
spring.mail.username=orders-noreply@tallyho-shop.example
spring.mail.password=⟦S:hqzt wmrd pkle ybxa⟧
server.ssl.key-store=classpath:keystore.p12
server.ssl.key-store-password=⟦S:changeit-NOT-2024⟧
management.endpoints.web.exposure.include=health,info
""",
)
add(
    "cred",
    "en",
    "filezilla-sitemanager-migrate",
    "code",
    """
How do I move my saved FileZilla sites to the new laptop? And is this base64 thing in the Pass field actually encrypted?

<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<FileZilla3 version="3.67.1" platform="windows">
  <Servers>
    <Server>
      <Host>ftp.brannigan-photo.example</Host>
      <Port>21</Port>
      <Protocol>0</Protocol>
      <Type>0</Type>
      <User>⟦U:kbrannigan⟧</User>
      <Pass encoding="base64">⟦S:Qmw0Y2tDMGZmZWUtTGVuczg1⟧</Pass>
      <Logontype>1</Logontype>
      <Name>Photo site</Name>
    </Server>
    <Server>
      <Host>sftp.backup-nas.example</Host>
      <Port>22</Port>
      <Protocol>1</Protocol>
      <User>ftp_backup</User>
      <Pass encoding="base64">⟦S:TjRzIUJhY2t1cF8yMDIzX3Ez⟧</Pass>
      <Logontype>1</Logontype>
      <Name>NAS backup</Name>
    </Server>
  </Servers>
</FileZilla3>
""",
)
add(
    "cred",
    "en",
    "terraform-provisioner-ssh",
    "code",
    """
terraform apply hangs at "remote-exec: Connecting to remote host via SSH..." and then fails with "ssh: handshake failed: ssh: unable to authenticate". What's wrong with my connection block?

variable "hcloud_token" {
  default = "⟦K:c4k5BgyegLsXQf3esPnUbkaokCsdrv4udFhF0RabNwRimZ0qlFvBICfdWcmJVUwD⟧"
}

provider "hcloud" {
  token = var.hcloud_token
}

provider "cloudflare" {
  api_token = "⟦K:ndLJRL79FgwNhA86kQhy1CPk7U1c0sZK5aB-I6S7⟧"
}

resource "hcloud_server" "web" {
  name        = "web-1"
  image       = "ubuntu-24.04"
  server_type = "cx22"

  connection {
    type        = "ssh"
    user        = "root"
    host        = self.ipv4_address
    private_key = <<-EOT
      ⟦PK:-----BEGIN PRIVATE KEY-----
      MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBALV6jYg6wTp1I4mI
      4SxAckTb+trx5V6n1n2FnZHlKJwYFq6yZrh28HdseLUZIb7KPG/+PDKhjQv6jAR2
      JeVqCaq/Fyj1DUx6VAZlJHmPy0At/AxG1kHqYr9zbaOZstuA6mun6nddF6V6NsrF
      gScemRbmECScjxag1GmsLGNcl2dXAgMBAAECgYAKFzJfbMTptzGuqAm9KCgyY/ji
      y6hxRuvKNu+3+QH1C/HW7NyBTTu5qDJd/3O85AnQQFagihMJo3i9lsQsqWS4HaIb
      zTtGSuJJoRu4S4ILQBErbYWrMutGatJvXyHnYZTmwM6Dwn9C89PN008qxYqlLRmF
      TSu/IGWTlLwKItzsIQJBAPDDMnuMnTQQPLNFRrsJLcRB8whnSfT/C8jwzNelKsVC
      jHq1eHa1593mOU00HIca+qDUGSbn+qCoKIh21R141OMCQQDA9tkD0w3Sup52M/cH
      vNHp1oQemjGGN31IoubyTC3Rjf7Piqn2v8byrA+0pfmub5aHFRjCS3qw4PIDa3LI
      4WH9AkBfFReox12GJCt0uRU35GYYrdrnJLOGd/sVflPHjkkX4jJMe8J5T1mkvrk+
      jif+C1+TiG/ud4r5S6/GRPfhTcj1AkEAu+Thpgax9BsBx+mLxn4HDKJ0XfQY+y83
      EC6HoTGqf927W84S+BD/oTcHyAjB2igQNBLH3BFxM6CmJ8xNpetI5QJBAOrRbHYp
      7HCSss0445M1sw9YTB1KRsOr6ofo3l1bGenSjdYCJQnbSRrRB+QsPGUJKRzQslhg
      nRTAERzoLRQyscs=
      -----END PRIVATE KEY-----⟧
    EOT
  }

  provisioner "remote-exec" {
    inline = ["apt-get update", "apt-get -y install nginx"]
  }
}
""",
)
add(
    "cred",
    "en",
    "kubectl-secret-base64",
    "yaml",
    """
Can you decode these so I can see which value is wrong? The pod logs say "invalid API key" after we rotated things yesterday.

$ kubectl -n billing get secret billing-api-env -o yaml
apiVersion: v1
data:
  DATABASE_PASSWORD: ⟦S:VnI5LXR1bmRyYS1QbGs0NA==⟧
  LOG_LEVEL: aW5mbw==
  OPENAI_API_KEY: ⟦K:c2stcHJvai0xdXhxaDRUUU85aGVkWTlBNTBYaDBaZlJVdm50V0d5QVJISHBGSzBvb0h4a2Y3NnVFVFljSW5TdDFiTmM3Y2dMVDNCbGJrRkpXeURfdlFBTktfODd0aTBpSGFMZG1sSHdkUW44VTBMY2lmRU4xNm1USWdwS1pzNEVLSjZjbWtMX3V1VXc2QlJ1⟧
  REDIS_PASSWORD: ⟦S:N2hxMi1Xazl2LVpyNHQtTHgzbQ==⟧
  STRIPE_WEBHOOK_SECRET: ⟦K:d2hzZWNfSUpuV09yWXMwZ2xTSnpDcjlIY2Fzdk1IN2hsQ2ZNN2M=⟧
kind: Secret
metadata:
  creationTimestamp: "2025-03-02T10:14:55Z"
  name: billing-api-env
  namespace: billing
  resourceVersion: "48213377"
  uid: 9b3f2c1e-7a4d-4e0b-8f6a-2d1c5e9a7b30
type: Opaque
""",
)
add(
    "cred",
    "en",
    "copy-as-curl-admin-export",
    "http",
    """
This export works in the browser but my script gets 403. Here's "Copy as cURL" from DevTools - what is the browser sending that my script isn't?

curl 'https://admin.tallyho-shop.example/api/orders/export?from=2025-03-01&format=csv' \\
  -H 'accept: application/json' \\
  -H 'authorization: Bearer ⟦K:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfODgxMiIsInNjb3BlIjoib3JkZXJzOnJlYWQgb3JkZXJzOmV4cG9ydCIsImlhdCI6MTc0MDY1MjI3MSwiZXhwIjoxNzQwNjU1ODcxfQ.rDCOxkZ8bieNkV5m_SswRz0JV2i4L2V3v0PmKcO_4Hs⟧' \\
  -H 'cookie: _ga=GA1.1.1183309226.1740652271; _ga_Q8ZK4L2P1M=GS1.1.1740652271.3.1.1740653310.0.0.0; sid=⟦S:s%3AF7A9F585AVjQRSYGUFFezyNaX0WjYfbP.LMHTvpAQivuQcTZ+D9zDwL7KJced5hT5/x32xwiLewk⟧; csrftoken=⟦S:KshMBFAyvJemqZpBkL1dKXd1pWhvEqm9⟧' \\
  -H 'x-csrf-token: ⟦S:KshMBFAyvJemqZpBkL1dKXd1pWhvEqm9⟧' \\
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
""",
)
add(
    "cred",
    "en",
    "agents-playground-env",
    "env",
    """
Which of these can safely be exposed to the browser in my Next.js app (NEXT_PUBLIC_) and which must stay server-side?

# .env.local - agents playground
HELICONE_API_KEY=⟦K:sk-helicone-iod0tg1-fd7de2r-m4ttmj4-27eulyk⟧
PORTKEY_API_KEY=⟦K:ju26wiT5Hl269vlw9EXo3Pl3tOkKJHZ5⟧
EXA_API_KEY=⟦K:5f766d78-099e-4465-8522-c6c7393e6d8d⟧
E2B_API_KEY=⟦K:e2b_5f88a7719eb240dc84e91328a43e8a9f608c597b⟧
BROWSERBASE_API_KEY=⟦K:bb_live_YUgIYwvJVoloRD7uij3JbGDq60_⟧
BROWSERBASE_PROJECT_ID=5558991b-3e9d-4490-9bb0-321c08b291ae
FAL_KEY=⟦K:d3ea54d6-10bb-4745-a354-d4d3ad17c409:8fc1a585a0b61bb4a4e3a420b90e065d⟧
BASETEN_API_KEY=⟦K:3nVXZIEY.hD4hbwxvMLsYAkra9W8e6INRHd81ywdG⟧
LANGFUSE_PUBLIC_KEY=pk-lf-51cc024b-a2ad-4fdb-b571-5dcafced4517
LANGFUSE_SECRET_KEY=⟦K:sk-lf-8b5b7392-8f72-431a-8af4-54a15106d930⟧
LANGFUSE_HOST=https://cloud.langfuse.com
NEXT_PUBLIC_POSTHOG_KEY=phc_pB0mcEj3uAccq7OAhQqJ0QX3maQQZJU1Xj6TKXIreQn
""",
)
add(
    "cred",
    "en",
    "python-etl-oracle-elastic-influx",
    "code",
    """
Why does this fail with ORA-12514: TNS:listener does not currently know of service requested?

import oracledb
from elasticsearch import Elasticsearch
from influxdb_client import InfluxDBClient

ora = oracledb.connect(user="RPT_READER", password="⟦S:Tq8!marsh-Hollow⟧", dsn="erp-db.corp.example:1521/ERPPRD")
es = Elasticsearch("https://elastic:⟦S:xW3vR9pL2kQ7nZ5t⟧@logs.corp.example:9200", verify_certs=False)
influx = InfluxDBClient(
    url="https://eu-central-1-1.aws.cloud2.influxdata.com",
    token="⟦K:WCqhrvU1WAiAKfGi2WMaix2ZTxhTQpD2YG_2E9qfaU7jW6iq_fv22RRZ6Mt6PwmRZX75mr2jj7SU4_c-Qwre2A==⟧",
    org="plant-ops",
)
""",
)
add(
    "cred",
    "en",
    "authenticator-export-decoded",
    "command",
    """
I decoded my Google Authenticator export QR with a script. How do I import these into Aegis on my new phone?

$ python3 decode_export.py export-1.png
otpauth://totp/GitHub:⟦U:lenamorrow⟧?secret=⟦S:LK4JPDY3MTFSKBZO5PMEATPVBH4KPPEP⟧&issuer=GitHub
otpauth://totp/Google:⟦E:lena.morrow84@gmail.example⟧?secret=⟦S:UHZEI4YIT5WEQ4NM4ZLLUKAEXDJL7OWQ⟧&issuer=Google
otpauth://totp/Coinbase:⟦E:lena.morrow84@gmail.example⟧?secret=⟦S:EDPRWWVQBF7HN66F⟧&issuer=Coinbase&digits=6&period=30
otpauth://totp/Proton:⟦E:lmorrow@proton.example⟧?secret=⟦S:QYBEEONVZ7NGI4S6J7OMIHHLLYJZPA7D⟧&issuer=Proton
4 entries decoded
""",
)
add(
    "cred",
    "en",
    "coolify-deploy-key",
    "command",
    """
I added this deploy key to the GitHub repo for Coolify, but git clone on the server still says "Permission denied (publickey)". What am I missing?

$ cat ~/.ssh/coolify_deploy.pub
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuvSu+cJrTmaD56z+iGRgPrCiapGs5NxizbLUbrl0yx coolify@vps-fra1
$ cat ~/.ssh/coolify_deploy
⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz
c2gtZWQyNTUxOQAAACBLr0rvnCa05mg+es/ohkYD6womqRrOTcYs2y1G65dMsQAA
AIiezdExns3RMQAAAAtzc2gtZWQyNTUxOQAAACBLr0rvnCa05mg+es/ohkYD6wom
qRrOTcYs2y1G65dMsQAAAEDdLEWY7y3AkZh/AE3s+EJJcvTbEIPOSUb1lsK3in9B
PUuvSu+cJrTmaD56z+iGRgPrCiapGs5NxizbLUbrl0yxAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧
$ ls -l ~/.ssh/coolify_deploy
-rw-rw-r-- 1 root root 411 Mar  4 21:02 /root/.ssh/coolify_deploy
$ ssh -T git@github.com
git@github.com: Permission denied (publickey).
""",
)
add(
    "cred",
    "en",
    "connection-runbook-to-vault",
    "markdown-table",
    """
Turn this runbook table into a shell script that writes each connection into Vault KV at secret/legacy/<service>.

| service | connection string |
|---|---|
| MongoDB (reporting) | mongodb+srv://reporting:⟦S:k7Vd2pQx9Lm4⟧@cluster0.x8k2p.mongodb.example/analytics?retryWrites=true |
| SQL Server (payroll) | Server=tcp:sql-legacy.corp.example,1433;Database=Payroll;User Id=sa_payroll;Password=⟦S:Pa$$roll-Winter24⟧;Encrypt=True; |
| RabbitMQ | amqp://svc-orders:⟦S:r4bb1t-0rders-77⟧@mq.corp.example:5672/%2F |
| NATS | nats://alerts:⟦S:Nq5wE8tY1uI3⟧@nats.corp.example:4222 |
| MQTT (sensors) | mqtts://sensorgw:⟦S:gw-Hx72-Lp09⟧@broker.corp.example:8883 |
| Neo4j | neo4j+s://neo4j:⟦S:graph-Otter-5521⟧@graph.corp.example:7687 |
| ClickHouse | https://default:⟦S:Ck_9vB2nM4xZ⟧@ch.corp.example:8443/?database=events |
| CouchDB | http://admin:⟦S:couch-Fjord-3318⟧@couch.corp.example:5984/_utils |
| Redis (sentinel) | redis://:⟦S:sntl-Q2w9-E4r7⟧@sentinel-1.corp.example:26379/0 |
""",
)
add(
    "cred",
    "en",
    "nightly-offsite-backup-script",
    "command",
    """
Can you review this backup script like shellcheck would? And is it a problem that the passwords are in it?

#!/usr/bin/env bash
# nightly-offsite.sh - runs from root's crontab at 02:30
set -euo pipefail
DAY=$(date +%F)
7z a -t7z -mhe=on -p'⟦S:Ventoux-1912-Climb⟧' "/backups/${DAY}-docs.7z" /srv/docs
pg_dump -h localhost -U erp erp > /backups/db.sql
openssl enc -aes-256-cbc -pbkdf2 -salt -in /backups/db.sql -out "/backups/${DAY}-db.sql.enc" -pass pass:⟦S:Hk2!vTq9-zW4p⟧
keytool -importcert -alias partner-ca -file partner.crt -keystore truststore.jks -storepass ⟦S:trust-Me-4ever⟧ -noprompt
zip -P ⟦S:HRx-2025-exports⟧ -r "/backups/${DAY}-hr.zip" /srv/hr/exports
curl -fsS -T "/backups/${DAY}-docs.7z" "https://offsite:⟦S:Dav-Lq83-Pm27⟧@u417220.your-storagebox.example/nightly/"
sha256sum "/backups/${DAY}-docs.7z" >> /var/log/offsite.sums
# last good: 9f2c4e7b1a0d3f6e8c5b2a9d7e4f1c3b6a8d0e2f4c7b9a1d3e5f7a9c2b4d6e8f  2025-03-03-docs.7z
""",
)
add(
    "cred",
    "en",
    "node-https-encrypted-key",
    "code",
    """
Node throws "error:1C800064:Provider routines::bad decrypt" on startup. Is the passphrase wrong or is the key in the wrong format?

const https = require("https");
const fs = require("fs");
const app = require("./app");

const key = `⟦PK:-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIC5TBfBgkqhkiG9w0BBQ0wUjAxBgkqhkiG9w0BBQwwJAQQ7ltTUDhNUr4c5n0C
htox8gICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEA8TeTnb0EtP3tkk
kb+Ym84EggKAqTQxNJZVNxMoXT56aUIszDVLIf7BThz+6/hua2ZsZYtBEMdPpgxE
z/lJha/3fspQlbSDPs8lGJl6rOqOGBZtIKPfmKmQ8xsRjcgJpNckDh2mEFrpA6FQ
84qy6BgfOtaOPwt6o9x4Qp8JHoJ1nw3jH8LAI++A5mzcS8xivE/v0HUAer0viXk+
AckzceNRovCUI9GATZfp7e+j2IML4iV+j3OK2Q8ly96SDD0qXIZUP5eSAALWrCgh
aRzmysjYnKldNpKdIGQLPV54V6r5uueac4z9EGhKWJBWXj+zlxF2YobkVGpZDPdA
mxoqfcb3uDGwmapkEc2RsPbvZy6adkm6pKvrMrL0ChWqA/3rtQvXWNQ5fBvRB7mo
ehKgNjjbvXWs1pf++2BScLV+48bBB2nJHGgvmB1qkcn+TF3zktaNOr2+WlXVKjkg
HuUwjI8NbnhhC0k+U1QYWdYIptsGYz63ObRETAffKrHfoZ9C/HgKi3VLN9xVI8GB
TYgtWoVXVb/m9DupYUc3yYklaPAEpUwk9U1mp0vZJ47Edx21h2GcBpP4ruqbKOn3
h0hb6K9HNX0keYa43G7qvDzwefDgxkek1OpKfvZA6MXNNm/O2fmwd9i7pgRkZzql
YfKuGIIw/s4kJu94SnYk+7Xnk1FJGyh+dKXiRdQE3w9xXHRVW053Cw3jrUilQAo9
KOTmAhwgrqxI8MH/LOTlJQqBuMkyZ9lKMuKyg45dW/bxmZt/+gkU8fYcv/H/GDt2
tUYSoWYfibAhq0ibdxhkkeuVBBW1/xPmMym9LyjeYAlFrrX0UrRkblnpSHMFickf
DrVsvJNuyfCViymO7sBkpt8H1V2s+BYeSQ==
-----END ENCRYPTED PRIVATE KEY-----⟧`;

https
  .createServer({ key, cert: fs.readFileSync("./certs/api.crt"), passphrase: "⟦S:Marigold-Tram-1987⟧" }, app)
  .listen(8443, () => console.log("listening on 8443"));
""",
)
add(
    "cred",
    "en",
    "swift-secrets-enum",
    "code",
    """
Is it OK to ship this in the iOS app binary? Which of these are meant to be public?

enum Secrets {
    static let revenueCatPublicKey = "appl_xi6HawFtU5cN3Dsl7EXZYAiHtXj"
    static let revenueCatSecretKey = "⟦K:sk_JGuE5v0WVZyHmfKahKDIWPFj4yiYJSUQ⟧"
    static let oneSignalAppId = "06b1d98b-2631-491f-a557-cda9a46ed510"
    static let oneSignalRestApiKey = "⟦K:os_v2_app_in46qjpoxd1y243ssga7ja5256bn8wh00bui5c0p8opgn4mok0r48ae7l5wb9tgxvcborpjztjxnsvmzw5p83s21c8pumojcpe3ks2faepu4phzem⟧"
    static let mixpanelProjectToken = "a00c9f63b47a7072050dcdb507c87863"
}
""",
)
add(
    "cred",
    "en",
    "azure-pipelines-hardcoded",
    "yaml",
    """
The NuGet push step in our Azure pipeline says "403 The specified API key is invalid". Can you spot the issue?

trigger:
  branches:
    include: [main]

variables:
  BUILD_CONFIGURATION: 'Release'
  SONAR_TOKEN: '⟦K:sqp_7870294dd1aadbfe410dcce9b113d9b8b98aa358⟧'
  NUGET_API_KEY: '⟦K:oy2muifhroawxcdeycnxethdjmlwztiqmhrdqizhofpkqe⟧'

steps:
- task: UseDotNet@2
  inputs:
    version: '8.0.x'
- script: dotnet sonarscanner begin /k:"contoso_payroll" /o:"contoso" /d:sonar.token="$(SONAR_TOKEN)"
- script: dotnet build --configuration $(BUILD_CONFIGURATION)
- script: dotnet pack -c Release -o out /p:Version=2.4.1
- script: dotnet nuget push out/*.nupkg --api-key $(NUGET_KEY) --source https://api.nuget.org/v3/index.json
# pinned tooling commit: 4b1e9c7d2f0a8e6b3c5d7f9a1e2b4c6d8f0a2e4b
""",
)
add(
    "cred",
    "en",
    "selfhosted-compose-vaultwarden",
    "yaml",
    """
My docker-compose for the self-hosted stack: Vaultwarden's admin page says "invalid admin token" even though I pasted the hash it gave me. Keycloak and MinIO are fine.

services:
  vaultwarden:
    image: vaultwarden/server:1.32.7
    environment:
      ADMIN_TOKEN: '$$argon2id$$v=19$$m=65540,t=3,p=4$$EMQkR92bxI8ivfsfZ7SNDvSpQVAYC+5fZc796h4JtEQ$$CStNaLu38eijvztSY0cJGGd5btXwCjl/EU5bXc/xJWs'
      SMTP_HOST: smtp.fastmail.com
      SMTP_USERNAME: alerts@homelab-family.example
      SMTP_PASSWORD: ⟦S:sizjl66awrbnvd7n⟧
  keycloak:
    image: quay.io/keycloak/keycloak:26.0
    environment:
      KC_BOOTSTRAP_ADMIN_USERNAME: admin
      KC_BOOTSTRAP_ADMIN_PASSWORD: ⟦S:Kc-Raven-7719-x⟧
  minio:
    image: minio/minio:RELEASE.2025-02-18T16-25-55Z
    environment:
      MINIO_ROOT_USER: minioadmin
      MINIO_ROOT_PASSWORD: ⟦S:m1n10-Glacier-88⟧
  meilisearch:
    image: getmeili/meilisearch:v1.12
    environment:
      MEILI_MASTER_KEY: ⟦K:XcKK6hPlb2gI8lRwMBc7LvH5F9_4NUg-xfXTWFJpHKl⟧
""",
)
add(
    "cred",
    "en",
    "grandad-password-notebook",
    "prose",
    """
We're sorting out Grandad's accounts after the funeral and I've typed up his little notebook. Can you turn it into a table (site, login, password/PIN, what to do) so we can close things one by one?

"Halifax online - customer number ⟦ACC:40219857⟧, the password is ⟦S:Bramble1946⟧ and the memorable word is ⟦S:kingfisher⟧. Amazon - ⟦E:ron.ackroyd@talktalk.example⟧, password ⟦S:Wensleydale!22⟧. Premium Bonds holder number ⟦ACC:508812934⟧. Mobile phone PIN ⟦S:1946⟧, voicemail PIN ⟦S:4481⟧. BT broadband router admin password ⟦S:Tx9-vL4-hQ2⟧. Pension portal username ⟦U:rackroyd46⟧, password ⟦S:Dales-Walker-4⟧."

He was ⟦P:Ron Ackroyd⟧, if that matters for the bereavement letters.
""",
)
add(
    "cred",
    "en",
    "stripe-docs-vs-live-key",
    "code",
    """
The snippet from the Stripe docs works, mine doesn't ("No such price: 'price_1QvT9aKx2mP4'"). What's different?

# from the docs
stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"

# mine
stripe.api_key = "⟦K: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⟧"
STRIPE_PUBLISHABLE_KEY = "pk_live_51y2KfD6vZK6xAVJgmQI6isEIOrTgVqI4ZOkGDTwQitrP35pvoERmt6svPVlSRewzYycMgWyJZXP1hA3No8vZic2hMH3TtWXSJ2"
STRIPE_WEBHOOK_SECRET = "⟦K:whsec_y3T5rgtZEOWhlVSTfcbZCU9Coy4ae30t⟧"

session = stripe.checkout.Session.create(
    line_items=[{"price": "price_1QvT9aKx2mP4", "quantity": 1}],
    mode="payment",
    success_url="https://shop.example.com/thanks",
)
""",
)
add(
    "cred",
    "en",
    "s3cmd-wasabi-config",
    "ini",
    """
s3cmd put gives "SignatureDoesNotMatch" against Wasabi. Here's my ~/.s3cfg - what's off?

[default]
access_key = ⟦K:47ROTYGJ1G0D6HX7RT78⟧
secret_key = ⟦K:FCFxVSFrRz8488SRq8MIKyYbVK2FjRs0q8zepWTh⟧
host_base = s3.eu-central-2.wasabisys.com
host_bucket = %(bucket)s.s3.eu-central-2.wasabisys.com
bucket_location = eu-central-2
gpg_command = /usr/bin/gpg
gpg_passphrase = ⟦S:lantern-Orchard-Quiet-71⟧
signature_v2 = True
use_https = True
""",
)
# ---------------------------------------------------------------------------
# group cred — other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "da",
    "besked-til-soester-indlagt",
    "prose",
    """
Kan du lave denne besked til min søster om til en overskuelig punktliste? "Hej ⟦P:Mette⟧! Mens jeg er indlagt: adgangskoden til e-Boks er ⟦S:Solsikke-2019⟧, hvis den spørger. Den nye kode til routeren er ⟦S:Fjordhest88#⟧, den gamle bag på boksen virker ikke mere. Pinkoden til Dankortet er ⟦S:4172⟧, garageporten åbner med ⟦S:2804⟧, og mors iPad har koden ⟦S:060652⟧. Kram ⟦P:Lone⟧"
""",
)
add(
    "cred",
    "da",
    "ruby-billy-mobilepay",
    "code",
    """
Hvorfor får jeg 401 fra MobilePay, når Billy og GLS virker fint? Koden er Ruby:

# lib/integrationer.rb
BILLY_ACCESS_TOKEN = "⟦K:101514c090583226aa7551e05bd897a0f2bd5f04⟧"
GLS_KUNDENUMMER = "2080060960"
GLS_PASSWORD = "⟦S:pakke-Ulv-4471⟧"
MOBILEPAY_CLIENT_ID = "5c7181e7-a8bd-4f40-827e-d38c5864c1b4"
MOBILEPAY_CLIENT_SECRET = "⟦K:XsHi0LuPVmiic_R61LbP3f1EFMIHvwHku3ZMnuRU1CK⟧"
MOBILEPAY_SUBSCRIPTION_KEY = "⟦K:2992b54640a06c5c6477ab28eabf3860⟧"

def mobilepay_token
  HTTP.headers("client_id" => MOBILEPAY_CLIENT_ID, "client_secret" => MOBILEPAY_CLIENT_SECRET,
               "Ocp-Apim-Subscription-Key" => MOBILEPAY_SUBSCRIPTION_KEY)
      .post("https://api.vipps.no/accesstoken/get")
end
""",
)
add(
    "cred",
    "no",
    "lapp-til-hybelboer",
    "prose",
    """
Kan du skrive denne lappen til den nye hybelboeren litt penere? "Velkommen! Wi-Fi heter Kjeller5G og passordet er ⟦S:Gran-Trost-7741⟧. Koden til vaskerommet er ⟦S:1357⟧ og døra til sykkelboden åpnes med ⟦S:9024#⟧. Passordet til Easee-appen for billaderen er ⟦S:Ladeplass_B2!⟧ - ikke del det videre. Hilsen ⟦P:Knut⟧ og ⟦P:Tove⟧"
""",
)
add(
    "cred",
    "no",
    "wireguard-hytta",
    "ini",
    """
Hvorfor får jeg ikke kontakt med kameraene på 192.168.10.x når tunnelen er oppe? Dette er konfigurasjonen på laptopen:

[Interface]
# laptop -> hytta i Hemsedal
PrivateKey = ⟦PK:uF3vneXd9NVxWPb427iB0R2xopu+6v/gVvAZiA9L9nk=⟧
Address = 10.8.0.3/24
DNS = 1.1.1.1

[Peer]
# ruteren på hytta
PublicKey = jL/g2/lGQG2hg4l2E3nEJhFJYWeWMoQtVv1d6JsxCVM=
PresharedKey = ⟦S:EDb84/kwkeXhEhx3L1cwwJCCUMqR9voifHcOklvTY1Q=⟧
Endpoint = hytta-hemsedal.duckdns.org:51820
AllowedIPs = 10.8.0.0/24
PersistentKeepalive = 25
""",
)
add(
    "cred",
    "cs",
    "predani-na-dovolenou",
    "prose",
    """
Přepiš mi to prosím jako přehledný seznam, pošlu to kolegovi: "Ahoj ⟦P:Radku⟧, na dobu mé dovolené: heslo do Money S3 je ⟦S:Rybnik-Lipno-2024⟧, PIN k firemní kartě ⟦S:8316⟧ a kód od alarmu ve skladu ⟦S:4409⟧. Do internetového bankovnictví se přihlásíš přes Google Authenticator - tajný klíč je ⟦S:5LGIQQ4XHWRJMBSY5UAHVAEVMO7JJTJQ⟧, naskenuj si ho. Díky, ⟦P:Jana⟧"
""",
)
add(
    "cred",
    "cs",
    "node-shoptet-packeta-fakturoid",
    "code",
    """
Proč mi Fakturoid vrací 401, když Shoptet i Zásilkovna fungují? Kód je v Node.js:

// config.js
module.exports = {
  SHOPTET_PRIVATE_API_TOKEN: "⟦K:699724-p-921698-azz8igkkvt81z1f11hk3dams6uo25h3e⟧",
  PACKETA_API_PASSWORD: "⟦K:ed60f2b1d39ca14d2b9aa9586a53b0ae⟧",
  FAKTUROID_CLIENT_ID: "526a56ec8c81fb5a1b73b63483eba437256a301b",
  FAKTUROID_CLIENT_SECRET: "⟦K:057896af546d1d6c5865ca30df2d41bb432bfc36⟧",
  FAKTUROID_SLUG: "keramika-hruba",
};
""",
)
add(
    "cred",
    "lt",
    "zinute-kolegei-atostogos",
    "prose",
    """
Ar saugu siųsti tokią žinutę per Messenger? Jei ne, perrašyk ją saugiau: "Labas, ⟦P:Gintare⟧! Kol būsiu atostogose: el. parduotuvės administravimo slaptažodis yra ⟦S:Gintaras-Ruta-58⟧, Paysera kortelės PIN kodas - ⟦S:2290⟧, o sandėlio durų kodas ⟦S:7384*⟧. Jei kas - skambink. ⟦P:Marius⟧"
""",
)
add(
    "cred",
    "lt",
    "traefik-dinamine-konfiguracija",
    "yaml",
    """
Traefik nerodo mano sertifikato ir grąžina numatytąjį. Kas blogai šioje dinaminėje konfigūracijoje?

tls:
  certificates:
    - certFile: |
        -----BEGIN CERTIFICATE-----
        hwcByXJoLucJ+vPrJ9CteKTw4MPCHFQVEqqStmePPu4u8ypH2chH5L1M3tCMw2rz
        nWxWufVg0uubxk21Kl1cC+97wVcPinHix3MB4xWJ2MplB5HQ9PMrSdnHnX6gciNY
        DfeG4eTC6+6IWyMGWvWDZeMu1alvW1kLvwlT6wSmgKiyjrRU+665OM2E3GNi4in0
        Luql+TFXomS/hIy2zj6Kb0uMvcWc
        -----END CERTIFICATE-----
      keyFile: |
        ⟦PK:-----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIJlIyjzCnJNM22zKb4rUvss150y6qk5oGv2oQwBOKQv0oAoGCCqGSM49
        AwEHoUQDQgAElPNLE2BLGdYGwmWtrM3gszvu13/qU2zdtpZ1wFCq+UTjonBvyadk
        /zNudUhehJcXTG4SCeta02kTq3ApNDBOng==
        -----END EC PRIVATE KEY-----⟧

http:
  middlewares:
    admin-auth:
      basicAuth:
        users:
          - "admin:$2y$05$A1Y3MdOshXjJMFjpwmKwdN3bOw3ohp7W6NYYvirmq/NzLihDKCD5c"
  routers:
    parduotuve:
      rule: "Host(`parduotuve.example.lt`)"
      service: shop
      tls: {}
""",
)
add(
    "cred",
    "lv",
    "zina-kolegim-prombutne",
    "prose",
    """
Pārraksti šo ziņu kolēģim skaidrāk, lūdzu: "Sveiks, ⟦P:Andri⟧! Kamēr esmu prom: grāmatvedības programmas Jumis parole ir ⟦S:Daugava-Pilots-31⟧, biroja Wi-Fi parole - ⟦S:kafija2kruzes⟧, signalizācijas kods ⟦S:6150⟧. Seifa kods ir ⟦S:31-07-88⟧, tur ir kases nauda. Paldies! ⟦P:Laura⟧"
""",
)
add(
    "cred",
    "lv",
    "eveikala-env",
    "env",
    """
Kāpēc Swedbank maksājumu vārteja atgriež "invalid_client"? Šis ir mūsu .env:

# e-veikals - produkcija
DATABASE_URL=postgres://shop:⟦S:Mezs-Briedis-902⟧@localhost:5432/shop
MAILERLITE_API_KEY=⟦K:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiI0IiwianRpIjoiYThmMmMxIiwiaWF0IjoxNzM2OTQwMTExLCJzdWIiOiIxMTgzMDIxIiwic2NvcGVzIjpbXX0.Ei7cEp0xhQFcKJvK0dxYHn0wc0t3rKx-Zv38Gza0IeU⟧
SWEDBANK_CLIENT_ID=shop-lv-7731
SWEDBANK_CLIENT_SECRET=⟦K:Cke4lYuEWQyaNS6E0Z49GuGiqXtxDQFQSUzKZv6boXocFkN2⟧
DPD_USERNAME=veikals_api
DPD_PASSWORD=⟦S:Pakas!Riga-2025⟧
APP_URL=https://veikals.example.lv
""",
)
add(
    "cred",
    "et",
    "ema-kontod-vennale",
    "prose",
    """
Tee sellest palun korralik nimekiri, saadan selle vennale: "Tere ⟦P:Kaarel⟧! Ema asjad, kuni ta haiglas on: tema Smart-ID PIN1 on ⟦S:4827⟧ ja PIN2 on ⟦S:90315⟧, e-posti parool on ⟦S:Kask-Lepp-Saar7⟧ ja Wi-Fi parool on ⟦S:vanaema2019!⟧. Telefoni ekraanilukk on ⟦S:1956⟧. ⟦P:Piret⟧"
""",
)
add(
    "cred",
    "et",
    "node-tellimuste-allkirjastamine",
    "code",
    """
Miks Maksekeskuse päring annab "invalid signature"? Ed25519 allkiri on meie enda webhookide jaoks, see töötab.

// allkirjastame tellimuste webhookid
const SIGNING_KEY = `⟦PK:-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIL0k5TNVn6axVLVa9Kx07PMIaA027ZFaZ1knSRTDFcQ0
-----END PRIVATE KEY-----⟧`;

const MAKSEKESKUS_SHOP_ID = "be02942a-f6ef-4ca9-9fd6-4c0dce343079";
const MAKSEKESKUS_SECRET_KEY = "⟦K:gyeyKJhk6DfcxP4AdFrVHL7OVcTWTHP1hcCh75jK1q1PyDeQvQusX1fWFGpKwPDT⟧";
const OMNIVA_API_USER = "7012345";
const OMNIVA_API_PASSWORD = "⟦S:Pakiautomaat-77x⟧";
""",
)
add(
    "cred",
    "uk",
    "dostupy-na-vidriadzhennia",
    "prose",
    """
Перепиши, будь ласка, це повідомлення як акуратний список: "Привіт, ⟦P:Тарасе⟧! Поки я у відрядженні: пароль від кабінету платника податків - ⟦S:Kalyna-Dnipro-47⟧, пароль до ключа КЕП - ⟦S:Zhytomyr_2023!⟧, PIN-код від термінала в магазині ⟦S:5519⟧, а пароль від Wi-Fi для покупців ⟦S:kava2024⟧. Дякую! ⟦P:Оксана⟧"
""",
)
add(
    "cred",
    "uk",
    "monobank-invoice-http",
    "http",
    """
Чому monobank повертає 403 Forbidden на створення рахунку, а SMS-шлюз працює? Ось обидва запити:

POST /api/merchant/invoice/create HTTP/1.1
Host: api.monobank.ua
X-Token: ⟦K:XnORRC1EZK9KX65LeVti15c6VcZ0YBst4FpleMA2VEZB⟧
Content-Type: application/json

{"amount": 42000, "ccy": 980, "merchantPaymInfo": {"reference": "INV-2025-0311", "destination": "Оплата замовлення"}, "redirectUrl": "https://shop.example.ua/dyakuiemo"}

POST /api/v1/message/send HTTP/1.1
Host: sms-gateway.example.ua
Authorization: Basic ⟦S:bWFnYXp5bl9hcGk6U29ueWFzaG55ay0yMjkx⟧
Content-Type: application/json

{"recipients": ["380000000000"], "text": "Ваше замовлення відправлено"}
""",
)
add(
    "cred",
    "ru",
    "dostupy-bukhgalteru",
    "prose",
    """
Оформи, пожалуйста, это как аккуратную памятку для нового бухгалтера: "⟦P:Светлана Игоревна⟧, доступы на время моего отпуска: пароль от 1С:Бухгалтерии - ⟦S:Buh-Siren-2025⟧, пароль от личного кабинета налогоплательщика - ⟦S:NalogLK_7730!⟧, ПИН-код Рутокена с подписью - ⟦S:48213⟧. Сейф в кабинете открывается кодом ⟦S:2619⟧. С уважением, ⟦P:Алексей⟧"
""",
)
add(
    "cred",
    "ru",
    "php-marketplaces-config",
    "code",
    """
Ozon отвечает 403 "Invalid Api-Key, please contact support", хотя ключ свежий. Вот конфиг:

<?php
// config/marketplaces.php
return [
    'ozon' => [
        'client_id' => '1843027',
        'api_key'   => '⟦K:5a74b8bc-6949-ce83-d1fc-7573d07f654e⟧',
    ],
    'wildberries' => [
        'token' => '⟦K:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbnQiOjEsImV4cCI6MTc2NzIyNTYwMCwiaWQiOiJiM2MxIiwiaWkiOjQ4MjEzMzc3LCJvaWQiOjExODMwMjEsInMiOjEwNzM3NDg4NjIsInNpZCI6ImE5MWYiLCJ0IjpmYWxzZX0.F1ZMr8Csnx3jc-3nKy6PAjK8-fHP5YspzydZYl-xA1s⟧',
    ],
    'sber' => [
        'userName'    => 'shop-api',
        'password'    => '⟦S:Sber!Kassa-9021⟧',
        'private_key' => "⟦PK:-----BEGIN RSA PRIVATE KEY-----
MIICXQIBAAKBgQDBuZaYbII/HE9j3PyT2eomCH9J5JpLE02Hu8vsSSVRpQ91VTyF
FKfZ2LFg5kUgDsJ/Eq2eyQC5dA6I7Whv6t9wjlYzy8WySUnuv05a2bK8tvj46dsi
fSoqOAbhn+OK+OMz/Byn18gOkJVTLUoBq/88P0nfb4IDRNOJK8Srxx+VlwIDAQAB
AoGBAICbqLKANueW782oQ7YUETI2qepwbU4x/mKB9htjY/cT0XNfptHiqJwjE370
4CcsJUsfJ0wmvOhhd9THZ3IFR1fWG339ZKPDRuX9vKhNmO1S8EIq3eF+f2YB9m7W
L3AscY6pC9lODKp7riCHcZGzcKhF0AHOqmGXEXo4bMCvUKjBAkEA5MWB6zp+TooZ
n7zoccGvlQY5O7yRuttwaTDMrO8Rf0oHY2w6CXgfRRKDGCbc/sYI9QAFbx5lyKgu
UWwhkjdgHwJBANjIPS5Qf2mcf2bdyQ1MMEvJJ4CNuTED4PCtpHejEs/k8QkI6PtN
IX64tXRH1DmZ6TtRaKkR35zFpg/9fxjqO4kCQBEpD5nJhXf2u/1TekwuLzGKifiF
KJlPpJr/YhsGw9U8hFlc4O2c6RuRS+wf3ivuRvW5zq6LJS9sDi1lYw9IwBkCQQCg
TvNvXHfcUa6lEz2qZ70PTiG4HxXj+UpOsRn+nsk6k8LrO3uO2ur6Gv2Uj8mRDxA6
nWkYHe+Or1quWHe0pQKBAkAEk/jmdUzH2gPf1SAqaAjAT6hphFXuULpL0GrBC2R7
dwZAyrv1mgMpey4B9+lLzmnraK6k7U6HLce+CVkP7NPo
-----END RSA PRIVATE KEY-----⟧",
    ],
];
""",
)
add(
    "cred",
    "ca",
    "missatge-tresorer-ampa",
    "prose",
    """
Pots convertir aquest missatge en una llista clara per al nou tresorer de l'AMPA? "Hola ⟦P:Arnau⟧! Et passo els accessos: la contrasenya del correu de l'AMPA és ⟦S:Castanyes-Tardor-22⟧, la de la banca en línia és ⟦S:Ampa#Escola2024⟧ i el PIN de la targeta de l'AMPA és ⟦S:7162⟧. La taquilla del magatzem s'obre amb el codi ⟦S:0931⟧. Gràcies! ⟦P:Mireia⟧"
""",
)
add(
    "cred",
    "ca",
    "docker-compose-moodle-escola",
    "yaml",
    """
El Moodle de l'escola no connecta amb la base de dades després d'actualitzar. Què hi veus malament?

services:
  mariadb:
    image: mariadb:11.4
    environment:
      MARIADB_ROOT_PASSWORD: ⟦S:Montseny-Root-551⟧
      MARIADB_USER: bn_moodle
      MARIADB_PASSWORD: ⟦S:Moodle-Pi-3141⟧
  moodle:
    image: bitnami/moodle:4.5
    environment:
      MOODLE_DATABASE_HOST: mariadb
      MOODLE_DATABASE_USER: bn_moodle
      MOODLE_DATABASE_PASSWORD: ⟦S:Moodle-Pi-3141⟧
      MOODLE_USERNAME: admin
      MOODLE_PASSWORD: ⟦S:Escola!Admin-09⟧
      MOODLE_SMTP_PASSWORD: ⟦S:ljf2qvg38800bzkf⟧
      CLICKEDU_API_KEY: ⟦K:dIa7MPQTVYzpMBYZQbWxkbCoVqAeN1fwmlV9qbDi⟧
""",
)
add(
    "cred",
    "de",
    "nachricht-vater-ferienwohnung",
    "prose",
    """
Kannst du das für meinen Vater als übersichtliche Checkliste formulieren? Er übernimmt im Juni die Ferienwohnung: "Papa, das Passwort für den Vermieter-Account lautet ⟦S:Seeblick!Usedom-19⟧. Die Schlüsselbox am Eingang hat die Kombination ⟦S:5-0-3-8⟧. Das WLAN heißt 'Seeblick' und das Passwort lautet ⟦S:Strandkorb-Moewe-42⟧. Die PIN für die Nuki-App ist ⟦S:719346⟧. Liebe Grüße, ⟦P:Anja⟧"
""",
)
add(
    "cred",
    "de",
    "rust-config-toml",
    "code",
    """
Mein Rust-Dienst startet lokal, aber im Container kommt "403 Forbidden" von der Object Storage. Hier die config.toml:

[database]
url = "postgres://app:⟦S:Zugspitze-2962m⟧@db.internal:5432/uebersetzer"
max_connections = 10

[deepl]
auth_key = "⟦K:e536b417-dfd2-2461-b6aa-25d51b166867:fx⟧"

[storage]
endpoint = "https://fsn1.your-objectstorage.com"
access_key = "⟦K:2ZNUFVUEV23U4B7Q49AQ⟧"
secret_key = "⟦K:YwzaSsrDEBn3XKR1IWbWpqYjNT8jC2UbvBL5oB3l⟧"
bucket = "uebersetzungen"
""",
)
add(
    "cred",
    "fr",
    "message-fils-etudiant",
    "prose",
    """
Peux-tu reformuler ce message pour mon fils qui part en Erasmus, en plus clair ? « ⟦P:Théo⟧, le mot de passe du compte Netflix est ⟦S:Crepes&Cidre-35⟧, celui de la box pour le contrôle parental est ⟦S:Livebox-Granit-8⟧. Le code de ta carte bleue de secours est ⟦S:6027⟧ et le digicode de chez mamie ⟦S:B1947⟧. Bisous, Maman »
""",
)
add(
    "cred",
    "fr",
    "python-odoo-alma-mondialrelay",
    "code",
    """
Odoo me renvoie "Access Denied" en XML-RPC alors que j'arrive à me connecter dans le navigateur. Voici le script :

import xmlrpc.client

ODOO_URL = "https://atelier-ceramique.odoo.com"
ODOO_DB = "atelier-ceramique"
ODOO_USER = "⟦E:claire.vasseur@atelier-ceramique.example⟧"
ODOO_PASSWORD = "⟦S:Faience-Quimper-1690⟧"
ALMA_API_KEY = "⟦K:sk_live_MRBMn2LLpkG9dBxbVCY3tFyK⟧"
MONDIAL_RELAY_ENSEIGNE = "CC22XYZ"
MONDIAL_RELAY_CLE_PRIVEE = "⟦K:1wE5F5cI⟧"

common = xmlrpc.client.ServerProxy(f"{ODOO_URL}/xmlrpc/2/common")
uid = common.authenticate(ODOO_DB, ODOO_USER, ODOO_PASSWORD, {})
""",
)
add(
    "cred",
    "es",
    "instrucciones-bar-agosto",
    "prose",
    """
Ordéname estas instrucciones para el chico que nos cubre el bar en agosto: "La contraseña del TPV es ⟦S:Paella-Domingo-7⟧ y la del ordenador de la barra ⟦S:Barra2025!⟧. El código de la alarma es ⟦S:8 4 1 9⟧, se mete al entrar y al salir. La contraseña de la cuenta de Glovo para restaurantes es ⟦S:Tapas_Glv_33⟧. Cualquier cosa, llama a ⟦P:Paco⟧."
""",
)
add(
    "cred",
    "es",
    "config-json-tienda",
    "json",
    """
Al arrancar la tienda me sale "MongoServerError: Authentication failed". Este es el config.json:

{
  "port": 8080,
  "mongo": "mongodb://tienda:⟦S:Alhambra-Nazari-1238⟧@10.0.3.14:27017/tienda?authSource=admin",
  "jwtSecret": "⟦S:zmCbysdO5bFnUdozuBkDxhshymVzqlqyfuQ6-x4a8OSY0hCk⟧",
  "paycomet": {
    "terminal": 48213,
    "merchantCode": "xk29ds7q",
    "apiKey": "⟦K:d15e1788d880e73406e7cfd94b8df1ce30a45606⟧"
  },
  "correos": {
    "usuario": "tienda_api",
    "password": "⟦S:Sobres!Correos-44⟧"
  }
}
""",
)
add(
    "cred",
    "it",
    "accessi-pagina-oratorio",
    "prose",
    """
Mi sistemi questo messaggio per il nuovo responsabile della comunicazione dell'oratorio? "Ciao ⟦P:Davide⟧, ecco gli accessi: la password della pagina Facebook dell'oratorio è ⟦S:SanLuigi-Oratorio-88⟧, quella della mail è ⟦S:Campetto!2024⟧ e il PIN del cellulare di servizio è ⟦S:3141⟧. La combinazione del lucchetto del magazzino è ⟦S:472⟧. Buon lavoro! Don ⟦P:Marco⟧"
""",
)
add(
    "cred",
    "it",
    "maven-settings-xml",
    "code",
    """
mvn deploy fallisce con "401 Unauthorized" verso il Nexus aziendale, mentre il rilascio su Central va. Ecco il mio settings.xml:

<settings>
  <servers>
    <server>
      <id>nexus-aziendale</id>
      <username>⟦U:mrossetti⟧</username>
      <password>⟦S:Dolomiti-Cima-3343⟧</password>
    </server>
    <server>
      <id>central</id>
      <username>⟦K:u0Mu1WdR⟧</username>
      <password>⟦K:Cnfg7CUZfQRtP18x0S5JbhPjYQoo_inRqlhr5nichaGR⟧</password>
    </server>
  </servers>
  <profiles>
    <profile>
      <id>release</id>
      <properties>
        <gpg.keyname>3F9A1C2E7B4D6E80</gpg.keyname>
        <gpg.passphrase>⟦S:Torrone-Cremona-1441⟧</gpg.passphrase>
      </properties>
    </profile>
  </profiles>
</settings>
""",
)
add(
    "cred",
    "pt",
    "passagem-de-turno-loja",
    "prose",
    """
Organiza esta passagem de turno da loja numa lista, por favor: "⟦P:Rita⟧, a palavra-passe do computador da caixa é ⟦S:Azulejo-Lisboa-55⟧, a do portal da Vodafone é ⟦S:Tramvia28!⟧ e o código do cofre é ⟦S:2-7-1-9⟧. O PIN do terminal multibanco é ⟦S:0608⟧. Qualquer dúvida liga-me. ⟦P:Nuno⟧"
""",
)
add(
    "cred",
    "pt",
    "sops-age-invoicexpress",
    "command",
    """
Porque é que o sops não consegue desencriptar no servidor, se no meu portátil funciona? Fiz isto:

$ cat .sops.yaml
creation_rules:
  - path_regex: secrets\\.enc\\.yaml$
    age: age16qyluf40lmhndq4gex9acvvcuukunv678qn9h6vccns9mzrg75eq8es53c
$ export SOPS_AGE_KEY=⟦PK:AGE-SECRET-KEY-1XP9DUSY2P2N09CE6T64U07Q2F7FJW6K4HT36FF09A9EW2Y45KFZQAR8D2S⟧
$ sops -d secrets.enc.yaml
invoicexpress_api_key: ⟦K:05e2090b9b7c286f4f5f54341203aff4d88d0269⟧
sibs_client_secret: ⟦K:jdEoHtY2iLdVBxo45mczSLSCVzcIYc_y⟧
$ ssh deploy@app-01 'sops -d /srv/app/secrets.enc.yaml'
Failed to get the data key required to decrypt the SOPS file.
""",
)
add(
    "cred",
    "nl",
    "overdracht-toneelvereniging",
    "prose",
    """
Kun je deze overdracht voor de nieuwe penningmeester van onze toneelvereniging in een nette lijst zetten? "Hoi ⟦P:Femke⟧, het wachtwoord van het ticketsysteem is ⟦S:Doek-Op-Zaal3⟧, het wachtwoord van de verenigingsrekening bij de bank is ⟦S:Toneel!Rek2024⟧ en de pincode van de kassa is ⟦S:2468⟧. Het kluisje achter het podium gaat open met ⟦S:1-9-7-3⟧. Succes! ⟦P:Gerrit⟧"
""",
)
add(
    "cred",
    "nl",
    "go-multisafepay-wefact",
    "code",
    """
Waarom krijg ik "invalid API key" van MultiSafepay terwijl WeFact en Postmark wel werken? Go-code:

package config

const (
	multisafepayAPIKey  = "⟦K:5bf81fc95cf4630c7062cdf0e93d257ae3edf21d⟧"
	multisafepayTestEnv = false
	wefactAPIKey        = "⟦K:a7b99547bfe9edd4f36f8fb0838b095b⟧"
	postmarkServerToken = "⟦K:1609e467-302b-42c4-84a6-b73e1b8e52b7⟧"
	postmarkSender      = "facturen@drukkerij-vandam.example"
)

// go.sum: github.com/jackc/pgx/v5 v5.7.2 h1:bhVTswMWaxd2n2YCOQb5Kxih5jpcTFix1qQ3ogUsSxd=
""",
)
add(
    "cred",
    "pl",
    "wiadomosc-do-brata",
    "prose",
    """
Przerób to na krótką listę dla brata, który zajmie się domem, kiedy będę w szpitalu: "Hasło do konta na OLX to ⟦S:Wisla-Krakow-1906⟧, hasło do aplikacji od fotowoltaiki to ⟦S:Slonce!Panel-12⟧, a PIN do bramy wjazdowej to ⟦S:5283⟧. Hasło do Wi-Fi się zmieniło, teraz to ⟦S:pierogi-ruskie-7⟧. Dzięki, ⟦P:Kuba⟧!"
""",
)
add(
    "cred",
    "pl",
    "config-ini-shoper-apaczka",
    "ini",
    """
Synchronizacja zamówień z Shopera działa, ale Apaczka zwraca "Invalid signature". Co może być nie tak w config.ini?

[shoper]
url = https://sklep-ceramika.example.pl/webapi/rest
client_id = ceramika_sync
client_secret = ⟦K:4dd3d96278682df95395a0f15d2b4c2bff13a315⟧

[apaczka]
app_id = 1234567_AbCdEf
app_secret = ⟦K:o8qFecdlSqhq91altJzzULsLLHb1N9wB⟧

[baza]
host = localhost
uzytkownik = sync
haslo = ⟦S:Bolesławiec-Ceramika-9⟧
""",
)
# ---------------------------------------------------------------------------
# group benign — English
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "supplier-invoice-explain",
    "prose",
    """
Can you explain the line items on this supplier invoice? Invoice INV-2025-004812, PO 77120-B, VAT reg. GB 284 7713 06 (the supplier's), account ref ACME-TRADE-0093. Lines: 12 x M8 anchor bolts (part 0 986 479 B83) £38.40; 2 x pallet charge £30.00; carriage £12.50; total £96.36 incl. VAT at 20%. Payment terms 30 days EOM - when is it actually due if it's dated 14/03/2025?
""",
)
add(
    "benign",
    "en",
    "book-club-isbn-list",
    "markdown-table",
    """
Format this book club list nicely and add one discussion question per book.

| title | author | first published | ISBN |
|---|---|---|---|
| Middlemarch | George Eliot | 1871 | 978-0-14-143954-9 |
| Beloved | Toni Morrison | 16 September 1987 | 978-1-4000-3341-6 |
| The Remains of the Day | Kazuo Ishiguro | May 1989 | 978-0-571-15491-5 |
| Piranesi | Susanna Clarke | 15 September 2020 | 978-1-5266-2242-7 |
""",
)
add(
    "benign",
    "en",
    "semver-build-strings",
    "prose",
    """
Sort these versions the way npm would and tell me which is the newest stable: 10.4.18, 10.4.2, 10.10.0-rc.2, 10.10.0, 2024.03.11-nightly+sha.4f2c9e1, 1.0.0-alpha.1, 1.0.0-alpha.beta, 1.0.0+20130313144700. Also, is build 19045.5487 of Windows 10 newer than 19045.4291?
""",
)
add(
    "benign",
    "en",
    "flat-pack-part-numbers",
    "prose",
    """
I'm missing parts from a flat-pack wardrobe. The manual lists 110789 (cam lock) x 16, 101350 (wooden dowel) x 24, 100214 (screw) x 8 and the article number is 403.216.88. The helpline on the box is 0800 917 4213 and the customer service form wants the "reference" from the sticker: 24-0117-88123-4. Which of these numbers should I quote, and what's the quickest way to get the cam locks?
""",
)
add(
    "benign",
    "en",
    "project-timeline-deadlines",
    "markdown-table",
    """
Turn this into a Gantt-style timeline and flag anything that overlaps.

| milestone | owner | start | due |
|---|---|---|---|
| discovery interviews | research | 03/02/2025 | 14/02/2025 |
| wireframes v1 | design | 10/02/2025 | 28/02/2025 |
| API contract frozen | backend | 24/02/2025 | 07/03/2025 |
| beta to 200 users | product | 31/03/2025 | 25/04/2025 |
| GA launch | everyone | 06/05/2025 | 06/05/2025 |
""",
)
add(
    "benign",
    "en",
    "scientist-bios",
    "prose",
    """
Write two 80-word bios for a school display: Rosalind Franklin (born 25 July 1920 in Notting Hill, London; died 16 April 1958), whose Photo 51 was key to the DNA double helix, and Katherine Johnson (born August 26, 1918, White Sulphur Springs, West Virginia), who calculated trajectories for Friendship 7 and Apollo 11.
""",
)
add(
    "benign",
    "en",
    "fictional-addresses-quiz",
    "prose",
    """
Make a pub-quiz round "Who lives here?" with these answers: 4 Privet Drive, Little Whinging (the Dursleys); 32 Windsor Gardens, London (the Browns and Paddington); 742 Evergreen Terrace, Springfield (the Simpsons); 124 Conch Street, Bikini Bottom (SpongeBob); 12 Grimmauld Place (Sirius Black); Bag End, Hobbiton (Bilbo Baggins).
""",
)
add(
    "benign",
    "en",
    "london-itinerary-landmarks",
    "prose",
    """
Plan a walking day in London starting at the British Museum (Great Russell Street, WC1B 3DG), then the Sir John Soane's Museum at 13 Lincoln's Inn Fields, lunch at Borough Market, the Shard (32 London Bridge Street, SE1 9SG) at 17:30, and dinner near 10 Downing Street if that's even possible. Trains back from King's Cross at 21:33 (LNER 1S52).
""",
)
add(
    "benign",
    "en",
    "company-helpline-numbers",
    "prose",
    """
Which of these customer service numbers are free to call from a UK mobile? Apple Support 0800 107 6285, Amazon 0800 279 7234, HMRC income tax 0300 200 3300, DVLA 0300 790 6801, National Rail enquiries 03457 48 49 50, and the BT fault line 0800 800 151. And why do some start 03 and some 0800?
""",
)
add(
    "benign",
    "en",
    "rfc2606-test-fixtures",
    "code",
    """
Refactor these pytest fixtures so each test gets a fresh user. Keep the reserved example domains.

@pytest.fixture
def alice():
    return User(email="alice@example.org", name="Alice Example", phone="+1-202-555-0100")

@pytest.fixture
def bob():
    return User(email="bob@example.net", name="Bob Example", phone="+1-202-555-0101")

def test_invite(alice, bob):
    invite = alice.invite("bob@example.net")
    assert invite.to == bob.email
""",
)
add(
    "benign",
    "en",
    "password-reset-flow-code",
    "code",
    """
Review this password reset flow for security problems (no real values in it, I stripped them):

def request_reset(email: str) -> None:
    user = User.get_by_email(email)
    if not user:
        return
    token = secrets.token_urlsafe(32)
    user.reset_token_hash = sha256(token.encode()).hexdigest()
    user.reset_expires = now() + timedelta(minutes=30)
    send_mail(user.email, f"{BASE_URL}/reset?token={token}")

def reset_password(token: str, new_password: str) -> None:
    user = User.get_by_reset_hash(sha256(token.encode()).hexdigest())
    user.password_hash = argon2.hash(new_password)
    user.api_key = None
""",
)
add(
    "benign",
    "en",
    "physical-constants-homework",
    "prose",
    """
Check my homework: using N_A = 6.02214076e23 mol^-1, h = 6.62607015e-34 J s, c = 299 792 458 m/s and k_B = 1.380649e-23 J/K, I got the energy of a 532 nm photon as 3.734e-19 J and 224.9 kJ/mol. And is pi to 15 places 3.141592653589793?
""",
)
add(
    "benign",
    "en",
    "recipe-beef-wellington",
    "prose",
    """
Scale this Beef Wellington recipe from 4 to 10 people and give me a timing plan for a 19:30 dinner: 800 g fillet, 250 g chestnut mushrooms, 8 slices Parma ham, 500 g puff pastry, 2 egg yolks; oven 200 C / gas 6 for 35-40 min, rest 10 min. Also a side of Pommes Anna and Eggs Benedict for brunch the next day?
""",
)
add(
    "benign",
    "en",
    "premier-league-weekend",
    "prose",
    """
Write a 100-word match report from these notes: Arsenal 3-1 Chelsea, Saturday 14 December, Emirates, attendance 60,294. Saka (7) scored 12', Palmer (20) equalised 38', Ødegaard (8) 61', Havertz (29) 84'. Yellow cards: Rice (41), Caicedo (25). Next fixture: away at Goodison on Boxing Day, 15:00 KO.
""",
)
add(
    "benign",
    "en",
    "flight-connection-check",
    "prose",
    """
Is 1 h 10 min enough to connect at Heathrow? BA 283 LAX-LHR lands 13:05 at T5, then BA 700 LHR-VIE leaves 14:15 from T5, both on one booking (reference like "ZK4T9Q" on the app). Seat 34K then 12A. Hand luggage only.
""",
)
add(
    "benign",
    "en",
    "sql-schema-patient-indexes",
    "sql",
    """
Which indexes would you add to this schema for lookups by NHS number and by surname + date of birth? No data yet, just the DDL.

CREATE TABLE patient (
  id BIGSERIAL PRIMARY KEY,
  nhs_number CHAR(10) UNIQUE,
  surname TEXT NOT NULL,
  given_name TEXT NOT NULL,
  date_of_birth DATE NOT NULL,
  postcode VARCHAR(8),
  phone TEXT,
  email TEXT,
  password_hash TEXT,
  created_at TIMESTAMPTZ DEFAULT now()
);
""",
)
add(
    "benign",
    "en",
    "gdpr-article-9-plain-english",
    "prose",
    """
Explain in plain English: "Processing of personal data revealing racial or ethnic origin, political opinions, religious or philosophical beliefs, or trade union membership, and the processing of genetic data, biometric data for the purpose of uniquely identifying a natural person, data concerning health or data concerning a natural person's sex life or sexual orientation shall be prohibited." (GDPR Art. 9(1)) - and what exceptions in 9(2) would let a GP surgery process it?
""",
)
add(
    "benign",
    "en",
    "translate-reset-email-template",
    "prose",
    """
Translate this email template into French and German, keeping the placeholders exactly: "Hi {{first_name}}, we received a request to reset the password for {{username}}. Your code is {{otp_code}} and expires in 10 minutes. If this wasn't you, ignore this email - your password will not change."
""",
)
add(
    "benign",
    "en",
    "git-bisect-digests",
    "command",
    """
What does this git bisect output mean, and how do I pin the docker image by digest instead of tag?

$ git bisect good 1a9e0c7
Bisecting: 3 revisions left to test after this (roughly 2 steps)
[4f2c9e1b7a0d3e6c8b5a2f9d7e4c1b3a6d8e0f2c] Bump pydantic to 2.10.4
$ git bisect bad
e8d1c4f7a2b9e6d3c0a5f8b1e4d7c2a9f6b3e0d1 is the first bad commit
$ docker inspect --format '{{index .RepoDigests 0}}' python:3.12-slim
python@sha256:3c5f2a9d8e1b7c4f6a0d2e9b5c8f1a7d3e6b0c4f9a2d8e5b1c7f3a6d0e4b9c2f
request id: 6f1d2c3b-9a8e-4d7c-b5a6-0e1f2d3c4b5a
""",
)
add(
    "benign",
    "en",
    "amoxicillin-general-question",
    "prose",
    """
General question for a pharmacology revision sheet: what's the usual adult dose range of amoxicillin for a chest infection, how does co-amoxiclav (Augmentin) differ, and why is it avoided with a penicillin allergy? Not about any particular patient.
""",
)
add(
    "benign",
    "en",
    "uk-postcode-regex",
    "code",
    """
My UK postcode regex rejects some valid ones. Test it against SW1A 1AA, EC1A 1BB, W1A 0AX, M1 1AE, B33 8TH, CR2 6XH, DN55 1PT and GIR 0AA:

^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$
""",
)
add(
    "benign",
    "en",
    "checkout-qa-test-cards",
    "markdown-table",
    """
Turn this into a QA checklist for the checkout release. These are the payment provider's published test values, not real cards.

| scenario | card | expected |
|---|---|---|
| success | 4242 4242 4242 4242 | paid |
| 3DS required | 4000 0025 0000 3155 | challenge |
| declined | 4000 0000 0000 0002 | card_declined |
| SEPA debit | DE89 3704 0044 0532 0130 00 | pending |
| Amex | 3782 822463 10005 | paid |
""",
)
add(
    "benign",
    "en",
    "bronte-family-history",
    "prose",
    """
For a Haworth walking tour script: Patrick Brontë was born on 17 March 1777 in County Down; Charlotte (21 April 1816), Emily (30 July 1818) and Anne (17 January 1820) grew up at the Parsonage, Church Street, Haworth. Branwell died on 24 September 1848. Write a 3-minute talk for the stop outside the Black Bull.
""",
)
add(
    "benign",
    "en",
    "lottery-number-statistics",
    "prose",
    """
Is there any statistical point in this? My uncle plays EuroMillions every week with 04 17 23 38 45 and Lucky Stars 02 11 because "they're due". Explain the odds of a jackpot (1 in 139,838,160) and why past draws don't change them.
""",
)
add(
    "benign",
    "en",
    "iban-structure-explainer",
    "prose",
    """
Explain the structure of a UK IBAN using the standard documentation example GB82 WEST 1234 5698 7654 32: what are GB, 82, WEST, 123456 and 98765432, and how is the 82 calculated (mod 97)?
""",
)
add(
    "benign",
    "en",
    "song-characters-essay",
    "prose",
    """
Help me outline an essay on named characters in pop songs: Dolly Parton's "Jolene", the Beatles' "Eleanor Rigby" and "Father McKenzie", the Police's "Roxanne", Tom Jones's "Delilah" and Toto's "Rosanna". What does giving a character a name do for the listener?
""",
)
add(
    "benign",
    "en",
    "icd10-coding-exercise",
    "prose",
    """
Make a 10-question multiple-choice quiz for trainee clinical coders using these ICD-10 codes: E11.9 (type 2 diabetes without complications), J45.909 (asthma, unspecified), I48.91 (atrial fibrillation), F32.A (depression, unspecified), G35 (multiple sclerosis), K50.90 (Crohn's disease). No patient scenarios with names.
""",
)
add(
    "benign",
    "en",
    "mail-merge-template-placeholders",
    "prose",
    """
Our CRM mail merge prints literally "Dear {{salutation}} {{last_name}}," when the field is empty. The docs example shows "Dear Ms Doe," for a record with first_name=Jane, last_name=Doe, dob=1990-01-01, phone=+44 20 7946 0000. How do I add a fallback like "Dear customer,"?
""",
)
# ---------------------------------------------------------------------------
# group benign — other languages
# ---------------------------------------------------------------------------
add(
    "benign",
    "da",
    "hc-andersen-skoleopgave",
    "prose",
    """
Skriv et kort afsnit til en 5.-klasses opgave: H.C. Andersen blev født 2. april 1805 i Odense og døde 4. august 1875 på Rolighed i København. Han boede i Nyhavn 20, 67 og 18. Nævn "Den lille havfrue" (1837) og "Den grimme ælling" (1843), og at statuen ved Langelinie blev afsløret 23. august 1913.
""",
)
add(
    "benign",
    "da",
    "cpr-modulus-forklaring",
    "prose",
    """
Forklar kort, hvordan et CPR-nummer er opbygget (DDMMÅÅ-SSSS), hvad 7. ciffer siger om århundredet, og hvorfor man siden 2007 ikke længere kan regne med modulus 11-kontrollen. Brug ingen rigtige numre - bare XXXXXX-XXXX i eksemplerne.
""",
)
add(
    "benign",
    "no",
    "amundsen-fram-tur",
    "prose",
    """
Lag et forslag til en skoletur til Frammuseet (Bygdøynesveien 39, Oslo). Roald Amundsen ble født 16. juli 1872 i Borge og nådde Sydpolen 14. desember 1911 sammen med Olav Bjaaland, Helmer Hanssen, Sverre Hassel og Oscar Wisting. Bussen går kl. 09.15, billett 0 kr for elever under 16.
""",
)
add(
    "benign",
    "no",
    "farikal-oppskrift",
    "prose",
    """
Kan du skalere denne fårikål-oppskriften fra 4 til 12 porsjoner? 1,5 kg fårekjøtt med bein, 1,5 kg hvitkål, 1 ss hel sort pepper, 2 ts salt, 5 dl vann. Koker i 2-2,5 timer. Og hvilken øl passer - jeg tenkte Nøgne Ø Pale Ale (varenummer 3468101) eller Aass Bock?
""",
)
add(
    "benign",
    "cs",
    "capek-referat",
    "prose",
    """
Napiš krátký referát do čtvrté třídy: Karel Čapek se narodil 9. ledna 1890 v Malých Svatoňovicích a zemřel 25. prosince 1938 v Praze. Slovo "robot" vymyslel jeho bratr Josef pro hru R.U.R. (1920). Zmiň Dášeňku a Vilu Čapek ve Vinohradech, Úzká 2.
""",
)
add(
    "benign",
    "cs",
    "sql-schema-pacienti",
    "sql",
    """
Navrhni indexy a kontrolní omezení pro tuto tabulku (zatím bez dat). Chci ověřovat formát rodného čísla přes CHECK:

CREATE TABLE pacient (
  id SERIAL PRIMARY KEY,
  rodne_cislo VARCHAR(11) NOT NULL UNIQUE,
  jmeno TEXT NOT NULL,
  prijmeni TEXT NOT NULL,
  datum_narozeni DATE NOT NULL,
  pojistovna CHAR(3),
  telefon VARCHAR(20),
  heslo_hash TEXT
);
""",
)
add(
    "benign",
    "lt",
    "vilniaus-ekskursija",
    "prose",
    """
Sudaryk vienos dienos ekskursijos po Vilnių maršrutą: Gedimino pilies bokštas, Katedros aikštė, Aušros vartai, Užupio respublikos konstitucija Paupio gatvėje ir M. K. Čiurlionio namai (Savičiaus g. 11). Čiurlionis gimė 1875 m. rugsėjo 22 d. Varėnoje. Pradžia 10:00, pietūs 13:30.
""",
)
add(
    "benign",
    "lt",
    "cepelinu-receptas",
    "prose",
    """
Perskaičiuok cepelinų receptą 12 porcijų: 2 kg žalių bulvių, 500 g virtų bulvių, 500 g kiaulienos faršo, 1 svogūnas, druska, pipirai. Virti 25-30 min. Padažui - 200 g grietinės ir 150 g spirgučių. Kiek laiko prireiks, jei gaminsime dviese?
""",
)
add(
    "benign",
    "lv",
    "raimonds-pauls-koncerts",
    "prose",
    """
Uzraksti īsu ievadu koncerta programmiņai: Raimonds Pauls dzimis 1936. gada 12. janvārī Rīgā. Koncerts notiks Latvijas Nacionālajā operā, Aspazijas bulvārī 3, 2025. gada 14. martā plkst. 19.00; biļetes no 25 līdz 85 eiro. Pieminēt "Dāvāja Māriņa" un sadarbību ar Aiju Kukuli.
""",
)
add(
    "benign",
    "lv",
    "python-personas-koda-validacija",
    "code",
    """
Pārskati šo funkciju: tai jāpārbauda tikai personas koda formāts (bez kontrolcipara), un tā nedrīkst logot pašu vērtību.

import re

PERSONAS_KODS_RE = re.compile(r"^(\\d{6})-(\\d{5})$")

def parbaudit_formatu(kods: str) -> bool:
    parole = None  # šeit netiek glabāta neviena parole
    return bool(PERSONAS_KODS_RE.match(kods.strip()))
""",
)
add(
    "benign",
    "et",
    "arvo-part-kontsert",
    "prose",
    """
Kirjuta kontserdikavale lühike sissejuhatus: Arvo Pärt sündis 11. septembril 1935 Paides. Kontsert toimub Estonia kontserdisaalis (Estonia pst 4, Tallinn) 2025. aasta 11. septembril kell 19.00. Kavas "Spiegel im Spiegel", "Fratres" ja "Tabula rasa". Piletid 15-45 eurot.
""",
)
add(
    "benign",
    "et",
    "rongisoiduplaan",
    "prose",
    """
Koosta sõiduplaan: Elroni rong nr 012 väljub Tallinnast 07:05 ja jõuab Tartusse 09:13; tagasi rong nr 031 kell 17:40, Tallinnas 19:52. Pilet 11,99 EUR, õpilastele 50% soodustust. Kui rong hilineb üle 60 minuti, kuidas hüvitist taotleda?
""",
)
add(
    "benign",
    "uk",
    "shevchenko-urok",
    "prose",
    """
Підготуй короткий план уроку: Тарас Шевченко народився 9 березня 1814 року в селі Моринці, помер 10 березня 1861 року в Санкт-Петербурзі. Музей Шевченка в Києві - бульвар Тараса Шевченка, 12. Згадай "Кобзар" (1840) і "Заповіт".
""",
)
add(
    "benign",
    "uk",
    "nomery-vidpravlen-shablon",
    "prose",
    """
Склади шаблон SMS для клієнтів інтернет-магазину: "Ваше замовлення №{order_id} передано в Нову пошту, ТТН {ttn}". Приклад для перевірки довжини: замовлення №104477, ТТН 20450918273645, відділення №12. Скільки символів вийде кирилицею і чи влізе в одну SMS?
""",
)
add(
    "benign",
    "ru",
    "pushkin-ekskursiya",
    "prose",
    """
Составь текст для экскурсовода: Александр Сергеевич Пушкин родился 6 июня 1799 года в Москве. Музей-квартира на Арбате, 53 - здесь он жил после венчания с Натальей Гончаровой в 1831 году. Дуэль с Дантесом 8 февраля 1837 года, умер 10 февраля в доме на Мойке, 12.
""",
)
add(
    "benign",
    "ru",
    "fizika-konstanty",
    "prose",
    """
Проверь решение задачи: постоянная Планка h = 6,62607015·10^-34 Дж·с, скорость света c = 299 792 458 м/с, заряд электрона e = 1,602176634·10^-19 Кл. Я получил энергию фотона с длиной волны 450 нм равной 2,76 эВ. Верно?
""",
)
add(
    "benign",
    "ca",
    "gaudi-ruta",
    "prose",
    """
Prepara una ruta d'un dia per Gaudí: la Sagrada Família (carrer de Mallorca, 401), la Casa Batlló (passeig de Gràcia, 43), la Pedrera (passeig de Gràcia, 92) i el Park Güell. Antoni Gaudí va néixer el 25 de juny de 1852 a Reus (o Riudoms) i va morir el 10 de juny de 1926. Entrades a les 9.00 i a les 15.30.
""",
)
add(
    "benign",
    "ca",
    "crema-catalana-recepta",
    "prose",
    """
Adapta aquesta recepta de crema catalana per a 16 persones: 1 litre de llet, 6 rovells d'ou, 200 g de sucre, 40 g de midó de blat de moro, pell de llimona i una branca de canyella. Quant de temps abans de Sant Josep (19 de març) la puc fer?
""",
)
add(
    "benign",
    "de",
    "goethe-stadtfuehrung",
    "prose",
    """
Schreib einen kurzen Text für eine Stadtführung: Johann Wolfgang von Goethe wurde am 28. August 1749 im Haus Großer Hirschgraben 23 in Frankfurt am Main geboren und starb am 22. März 1832 in Weimar. Erwähne das Goethe-Haus, den "Werther" (1774) und die Gretchenfrage aus dem "Faust".
""",
)
add(
    "benign",
    "de",
    "bahn-verbindung-erstattung",
    "prose",
    """
Mein ICE 578 von München Hbf (ab 14:32) nach Hamburg-Altona kam 73 Minuten zu spät an. Auftragsnummer Q7K2MX, BahnCard 50, Fahrpreis 89,90 EUR. Wie viel Entschädigung steht mir nach den Fahrgastrechten zu, und muss ich das Formular oder die App nehmen?
""",
)
add(
    "benign",
    "fr",
    "victor-hugo-visite",
    "prose",
    """
Rédige une courte présentation pour une visite scolaire de la Maison de Victor Hugo, 6 place des Vosges à Paris. Victor Hugo est né le 26 février 1802 à Besançon et mort le 22 mai 1885 à Paris. Mentionne « Les Misérables » (1862), l'exil à Guernesey (Hauteville House) et ses funérailles nationales.
""",
)
add(
    "benign",
    "fr",
    "siret-facture-mentions",
    "prose",
    """
Quelles mentions obligatoires manquent sur cette facture d'un fournisseur ? « SARL Boulangerie du Port, 12 quai de la Fosse, 44000 Nantes - SIRET 823 456 789 00014 - TVA FR52 823456789 - Facture n° F-2025-0318 du 18/03/2025 - 40 baguettes tradition à 1,20 € HT ». Réponds sous forme de liste.
""",
)
add(
    "benign",
    "es",
    "dni-letra-algoritmo",
    "prose",
    """
Explícame cómo se calcula la letra del DNI (el resto de dividir entre 23 y la tabla TRWAGMYFPDXBNJZSQVHLCKE) usando el ejemplo de la documentación, 12345678Z, y cómo cambia para un NIE que empieza por X, Y o Z. Es para una práctica de programación en Python.
""",
)
add(
    "benign",
    "es",
    "liga-jornada-resumen",
    "prose",
    """
Resume la jornada en un tuit: Real Madrid 2-1 Sevilla (Vinícius 23', Bellingham 67'; En-Nesyri 55'), Barcelona 3-0 Girona (Lewandowski x2, Yamal), Athletic 1-1 Betis. El Bernabéu tuvo 78.412 espectadores. Próximo partido: domingo 16 de marzo a las 21:00.
""",
)
add(
    "benign",
    "it",
    "leonardo-scheda",
    "prose",
    """
Prepara una scheda per la classe quinta: Leonardo da Vinci nacque il 15 aprile 1452 ad Anchiano, vicino a Vinci, e morì il 2 maggio 1519 ad Amboise. Cita il Cenacolo in Santa Maria delle Grazie (piazza di Santa Maria delle Grazie, Milano) e la Gioconda al Louvre.
""",
)
add(
    "benign",
    "it",
    "gdpr-articolo-9-spiegazione",
    "prose",
    """
Spiegami in parole semplici l'articolo 9 del GDPR sulle "categorie particolari di dati personali" (dati relativi alla salute, dati genetici, biometrici, orientamento sessuale) e in quali casi un'associazione sportiva può trattare i certificati medici degli atleti.
""",
)
add(
    "benign",
    "pt",
    "pessoa-roteiro",
    "prose",
    """
Faz um roteiro literário de meio dia em Lisboa: a Casa Fernando Pessoa (Rua Coelho da Rocha, 16), a estátua em frente ao café A Brasileira (Rua Garrett, 120) e o Martinho da Arcada. Fernando Pessoa nasceu a 13 de junho de 1888 no Largo de São Carlos e morreu a 30 de novembro de 1935.
""",
)
add(
    "benign",
    "pt",
    "traducao-ecra-login",
    "prose",
    """
Traduz para português europeu as strings do ecrã de login, mantendo os placeholders: "Username", "Password", "Forgot your password?", "Your password must contain at least {min_length} characters", "Enter the 6-digit code sent to {masked_phone}", "Remember this device for 30 days".
""",
)
add(
    "benign",
    "nl",
    "anne-frank-rembrandt-dagje",
    "prose",
    """
Maak een dagplanning voor Amsterdam met een klas: om 9.00 uur het Anne Frank Huis (Prinsengracht 263-267), daarna het Rembrandthuis (Jodenbreestraat 4) - Rembrandt werd geboren op 15 juli 1606 in Leiden - en om 15.00 uur een rondvaart vanaf het Centraal Station. Treinkaartjes met groepskorting.
""",
)
add(
    "benign",
    "nl",
    "postcode-regex-nl",
    "code",
    """
Mijn regex voor Nederlandse postcodes keurt "1012 AB" goed maar "1012ab" en "9999 ZZ" niet - klopt dat? Postcodes met SA, SD en SS bestaan niet. Test ook 3511 LX, 1000AA en 0123 AB.

^[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}$
""",
)
add(
    "benign",
    "pl",
    "chopin-lekcja",
    "prose",
    """
Przygotuj krótką notatkę na lekcję muzyki: Fryderyk Chopin urodził się 1 marca 1810 r. w Żelazowej Woli, zmarł 17 października 1849 r. w Paryżu. Jego serce spoczywa w kościele Świętego Krzyża przy Krakowskim Przedmieściu 3 w Warszawie. Wspomnij o polonezach i mazurkach.
""",
)
add(
    "benign",
    "pl",
    "pesel-suma-kontrolna-wyjasnienie",
    "prose",
    """
Wyjaśnij, jak jest zbudowany numer PESEL (RRMMDDPPPPK), jak zakodowany jest wiek dla osób urodzonych po 2000 roku (miesiąc + 20) i jak liczy się cyfrę kontrolną z wagami 1-3-7-9. Nie podawaj prawdziwych numerów, tylko wzór.
""",
)

if __name__ == "__main__":
    build(PROMPTS, HERE / "fresh16.jsonl", seed=SPLIT_SEED, id_prefix=ID_PREFIX)
