"""Credentials in prose and commands are secrets; every checksummed national id is kept in-house."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from privproxy import Guard


@pytest.fixture(scope="module")
def shared_guard(tmp_path_factory: pytest.TempPathFactory) -> Guard:
    return Guard(
        audit_log=tmp_path_factory.mktemp("ids") / "a.jsonl", hmac_key=b"k" * 32, reload_interval=None
    )


@pytest.mark.parametrize(
    "prompt",
    [
        "Can you log in for me? The password is Hx7!qLm2.",
        "Mon mot de passe temporaire : Lyon#2025, c'est urgent",
        "Das Passwort lautet Sommer2024! - bitte ändern",
        "la contraseña es Madrid_88 y no funciona",
        'is "Tr0ub4dor&3" strong enough as a password?',
        "run: mysql -u root -pS3cr3t! -h db.internal",
        "curl -u alice:wonderland42 https://api.example.net/v1/items",
        "GET /v1/me\nAuthorization: Basic YWxpY2U6d29uZGVybGFuZA==",
        # a password and a door code in languages whose words the lists lacked (Kurdish, Turkmen, Kazakh,
        # Haitian, Sundanese), and a log's auth= field
        "Silav, şîfreya komputera dikanê Kew-u-Baran_73 e.",
        "Ammaryň gapysynyň kody 580417, unutma.",
        "Пошта құпиясөзі: Жетісу_4418. Ешкімге айтпа.",
        "Modpas wifi a se Zanmi#2031, pa bay pèsonn.",
        "Sandina Gunung_Salak!29, ulah dibéjakeun.",
        'ts=2026-02-11T08:00:01Z level=debug path=/api auth="Basic Zm9vYmFyOnF1eDc3MjE=" status=200',
    ],
)
def test_a_credential_blocks_the_request(shared_guard: Guard, prompt: str) -> None:
    inspection = shared_guard.inspect(prompt)
    assert inspection.action == "block" and "SECRET" in inspection.decision.entity_types, prompt


@pytest.mark.parametrize(
    "prompt",
    [
        "the password is wrong again, what now?",
        "mkdir -p /var/log/app",
        "Authorization: Bearer <token>",
        # a constant's name, and a template's slots, where a value would be
        "GET /planetary/apod?api_key=DEMO_KEY&date=2025-07-04 HTTP/1.1",
        'return f"postgresql://{self.db_user}:{self.db_password}@db:5432/shop"',
        "    login = forms.CharField(max_length=30)\n    haslo = forms.CharField(widget=forms.PasswordInput)",
    ],
)
def test_talk_about_credentials_is_not_a_credential(shared_guard: Guard, prompt: str) -> None:
    assert "SECRET" not in shared_guard.inspect(prompt).decision.entity_types, prompt


@pytest.mark.parametrize(
    ("prompt", "country"),
    [
        ("Bitte prüfen: PESEL 44051401359 des Antragstellers", "PL"),
        ("O CPF do cliente é 390.533.447-05.", "BR"),
        ("CURP: BOXW310820HNERXN09", "MX"),
        ("Personnummer 880320-0016 saknas i systemet", "SE"),
        ("AHV-Nr. 756.9217.0769.85", "CH"),
        ("Her PPS number is 6433435F, please update the file", "IE"),
        ("NIK 3171011708450001 tidak valid?", "ID"),
        ("CNIC: 34201-0891231-8", "PK"),
        ("El CUIT 20-05536168-2 figura en la factura", "AR"),
        # the label holds SARA AM, which the scanned (NFKC) text splits in two
        ("เลขประจำตัวประชาชนของผู้ยื่นคำขอคือ 2-9226-77774-33-8 ค่ะ", "TH"),
        # the id's word in Tamil and in Urdu
        ("விண்ணப்பதாரர் விவரம், ஆதார் 6580 7302 1578, கைபேசி இணைக்கப்பட்டது", "IN"),
        ("درخواست گزار کا شناختی کارڈ نمبر 42101-3318042-7 ہے۔", "PK"),  # noqa: RUF001
    ],
)
def test_a_national_id_stays_local_and_names_its_country(
    shared_guard: Guard, prompt: str, country: str
) -> None:
    inspection = shared_guard.inspect(prompt)
    assert inspection.action == "local", prompt
    detectors = {f["detector"] for f in inspection.findings if f["entity_type"] == "NATIONAL_ID"}
    assert any(f"_{country}_" in name for name in detectors), detectors


def test_a_failed_checksum_is_no_national_id(shared_guard: Guard) -> None:
    assert "NATIONAL_ID" not in shared_guard.inspect("PESEL 44051401358").decision.entity_types


def test_the_national_id_pack_is_what_its_generator_writes() -> None:
    script = REPO / "detectors" / "generate_national_ids.py"
    code = f"import runpy; print(runpy.run_path({str(script)!r})['render'](), end='')"
    rendered = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert rendered == (REPO / "detectors" / "national_ids.yaml").read_text(encoding="utf-8")


def test_the_drug_name_list_is_what_its_generator_writes() -> None:
    script = REPO / "detectors" / "generate_medications.py"
    code = f"import runpy; print(runpy.run_path({str(script)!r})['render'](), end='')"
    rendered = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert rendered == (REPO / "detectors" / "medications.txt").read_text(encoding="utf-8")


def test_the_condition_name_list_is_what_its_generator_writes() -> None:
    script = REPO / "detectors" / "generate_conditions.py"
    code = f"import runpy; print(runpy.run_path({str(script)!r})['render'](), end='')"
    rendered = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert rendered == (REPO / "detectors" / "conditions.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "prompt",
    [
        "Why won't it connect? REDIS_URL=redis://:Xcbnqa29_nLl@cache.internal:6379/0",
        "Make this a cron job: echo 'L1$b0@2%' | sudo -S apt-get upgrade -y",
        "redis-cli -h cache.internal -p 6379 -a 'Sommer87!' --no-auth-warning KEYS '*'",
        "It says invalid key for the Okta setup key: s2b3 c3hq rawn mss2 ngs4 p2ld ma",
        "TOTP seed is JBSWY3DPEHPK3PXP, can you generate the current code?",
        "sqlplus -s system/Oracle_123@//db01.corp.local:1521/XE as sysdba fails with ORA-12541",
        "net use \\\\fs01\\finance /user:CORP\\mbrennan Winter2025! /persistent:yes",
        'docker login broke, config.json: {"auths": {"ghcr.io": {"auth": "bWJyZW5uYW46V2ludGVyMjAyNSE="}}}',
        "SENTRY_AUTH_TOKEN=sntryu_4f0c1e2d3b4a59687766554433221100ffeeddcc\nDEBUG=false",
        "GET /v1/data?api_key=X9k2m4Lq8Zp1Wc7T&date=2025-07-04 HTTP/1.1",
        "cqlsh cass-01.internal 9042 -u dwhitlock -p Ferns&Moss_2025 -e 'DESCRIBE KEYSPACES'",
        "Pour ameli, mot de passe ameli Pétanque1954!. Pour impots.gouv, voir plus bas.",
    ],
)
def test_credentials_in_urls_pipes_flags_and_setup_keys_block(shared_guard: Guard, prompt: str) -> None:
    assert shared_guard.inspect(prompt).action == "block"


@pytest.mark.parametrize(
    ("prompt", "number"),
    [
        # A table's generic "ID" column, a "personal code" and "ID number" in prose: checksum-valid
        # Estonian isikukood and South African id numbers (from python-stdnum's documentation).
        ("| Name | Country | ID |\n|---|---|---|\n| Liis Saar | EE | 50609191253 |", "50609191253"),
        ("Fill in the tax form for Liis Saar: personal code 50609191253.", "50609191253"),
        ("We received 7503305044089 as the ID number for Thembile.", "7503305044089"),
    ],
)
def test_an_id_under_generic_id_words_stays_local(shared_guard: Guard, prompt: str, number: str) -> None:
    inspection = shared_guard.inspect(prompt)
    assert inspection.action == "local"
    assert any(
        f["entity_type"] == "NATIONAL_ID" and prompt[f["start"] : f["end"]].strip() == number
        for f in inspection.findings
    )


def test_home_directories_and_netrc_logins_are_usernames(shared_guard: Guard) -> None:
    prompt = 'Load key "/home/sean.brown/.ssh/id_deploy": invalid format\nmachine ftp.example.fr login vermaa'
    found = {prompt[f["start"] : f["end"]] for f in shared_guard.inspect(prompt).findings}
    assert {"sean.brown", "vermaa"} <= found


def test_a_private_key_under_a_yaml_block_is_covered_line_by_line(tmp_path: Path) -> None:
    # With a policy that redacts secrets instead of blocking, every line of the key must be replaced.
    body = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj", "MzEfYyjiWA4R4/M2bS1GB4t7"]
    prompt = "apiVersion: v1\nstringData:\n  private_key: |\n    " + "\n    ".join(body) + "\n  region: eu\n"
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: redact-secrets\ndetection: {packs: [builtin, secrets, fields]}\nactions: {default: allow, SECRET: redact}\n",
        encoding="utf-8",
    )
    guard = Guard(policy=policy, audit_log=tmp_path / "a.jsonl", hmac_key=b"k" * 32, reload_interval=None)
    sent = guard.inspect(prompt).sanitized["messages"][0]["content"]
    assert not any(line in sent for line in body) and "region: eu" in sent


def test_a_number_a_checksum_module_cannot_judge_is_protected_not_an_error(shared_guard: Guard) -> None:
    # stdnum.cn.ric raises KeyError (not a validation error) for this 18-digit number: the request
    # must still be answered, with the number kept in-house rather than the whole detection failing.
    prompt = "Tracking id 652492709210264830 for the parcel, where is it?"
    inspection = shared_guard.inspect(prompt)
    assert inspection.action == "local"
    assert any(prompt[f["start"] : f["end"]] == "652492709210264830" for f in inspection.findings)


def test_an_unlabelled_id_counts_in_its_own_language_only(shared_guard: Guard) -> None:
    # A PESEL passes its check for 2% of random 11-digit numbers: alone, it counts in Polish text
    # (where a Polish id is what such a number most likely is), and needs its label elsewhere.
    polish = "Klientka przesłała mi wczoraj 44051401359, czy to jest poprawny format?"
    english = "The customer sent me 44051401359 yesterday, is that the right format?"
    assert shared_guard.inspect(polish).action == "local"
    assert "NATIONAL_ID" not in shared_guard.inspect(english).decision.entity_types
    assert "NATIONAL_ID" not in shared_guard.inspect(polish.replace("59,", "50,")).decision.entity_types


def test_secrets_on_a_diffs_added_lines_are_covered_and_code_on_its_removed_lines_is_not(
    tmp_path: Path,
) -> None:
    # A unified diff's "+KEY = value" line is a key/value line like any other; the removed line's
    # `os.environ.get(` is code, not the secret it names.
    token, password = "dp.pt.fmabAO8VKRRZgkAdMdL5AMFg43NRErWGyr4T4vU6kHz", "@mQ_#t#Z9bpoekf_!UJFQ"
    prompt = (
        "Review this diff:\n```diff\n--- a/settings.py\n+++ b/settings.py\n@@ -1,3 +1,3 @@\n"
        '-DOPPLER_TOKEN = os.environ.get("DOPPLER_TOKEN", "<your-api-key>")\n'
        f'+DOPPLER_TOKEN = "{token}"\n DEBUG = False\n-DB_PASSWORD = "changeme"\n+DB_PASSWORD = "{password}"\n```'
    )
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: redact-secrets\ndetection: {packs: [builtin, secrets, fields]}\n"
        "actions: {default: allow, SECRET: redact, API_KEY: redact}\n",
        encoding="utf-8",
    )
    guard = Guard(policy=policy, audit_log=tmp_path / "a.jsonl", hmac_key=b"k" * 32, reload_interval=None)
    sent = guard.inspect(prompt).sanitized["messages"][0]["content"]
    assert token not in sent and password not in sent
    assert 'os.environ.get("DOPPLER_TOKEN"' in sent


def test_an_oracle_dsn_with_its_password_blocks(shared_guard: Guard) -> None:
    assert (
        shared_guard.inspect("con = oracledb.connect(dsn='appuser/S3cretPw9@prod-db/XE')").action == "block"
    )
    assert shared_guard.inspect("con = oracledb.connect(dsn='db01.corp.local/XE')").action != "block"


def test_a_token_shape_inside_a_longer_token_covers_the_whole_token(shared_guard: Guard) -> None:
    # Mailgun's "key-" + 32 hex digits is found inside a payment provider's longer key: the finding is
    # the whole key, so its prefix does not go out beside the placeholder
    prompt = 'c.Headers.Add("Authorization", "prod-secret-key-0d9e3b1c5a7f2e4d6c8b0a1f3e5d7c9b");'
    findings = shared_guard.inspect(prompt).findings
    assert any(
        prompt[f["start"] : f["end"]] == "prod-secret-key-0d9e3b1c5a7f2e4d6c8b0a1f3e5d7c9b" for f in findings
    )


def test_an_unlabelled_id_counts_in_a_short_question_in_its_language(shared_guard: Guard) -> None:
    # One line is too little for the language identifier to be sure (0.8 Portuguese), but enough to
    # make a CPF that passes its check more likely an id than anything else.
    prompt = "A Maria mandou-me 39053344705, é o formato certo?"
    inspection = shared_guard.inspect(prompt)
    assert inspection.action == "local"
    assert any(prompt[f["start"] : f["end"]] == "39053344705" for f in inspection.findings)


@pytest.mark.parametrize(
    ("prompt", "secret"),
    [
        ("$ pass show shop/energy\nTeal-Orchard-Piano-58\nlogin: r.okafor", "Teal-Orchard-Piano-58"),
        (
            "# sasl_passwd\n[smtp.gmail.com]:587    ops.alerts@gmail.example:qhzt wmrk pyfe vabn",
            "qhzt wmrk pyfe vabn",
        ),
        (
            "MAILER_DSN=smtp://shop@gmail.example:qhzt wmrk pyfe vabn@smtp.gmail.com:587",
            "qhzt wmrk pyfe vabn",
        ),
        (
            "curl 'https://vault.example.com/api' -H 'cookie: _ga=GA1.2.1180452301.1739022011; "
            "cf_clearance=Qm4Lk2VtRz9aXc7PdWe1NsYb0HjUf3Gi'",
            "Qm4Lk2VtRz9aXc7PdWe1NsYb0HjUf3Gi",
        ),
        ("The EPP code for the domain transfer is Ux4-kP2-mZ9, thanks.", "Ux4-kP2-mZ9"),
        ("recovery: 9KQD-3MZP-W7TA", "9KQD-3MZP-W7TA"),
        ("El PIN de la targeta del compte de La Caixa és 6190 i prou.", "6190"),
        ("Der WLAN-Netzwerkschlüssel ist 8402 6613 9917 0254 3381.", "8402 6613 9917 0254 3381"),
        ("Das Kennwort für das Telekom-Kundencenter heißt „Rosenhof_1961“.", "Rosenhof_1961"),
    ],
)
def test_credentials_in_password_stores_mail_relays_cookies_and_local_phrasing_block(
    shared_guard: Guard, prompt: str, secret: str
) -> None:
    inspection = shared_guard.inspect(prompt)
    assert inspection.action == "block"
    assert any(
        f["entity_type"] == "SECRET" and secret in prompt[f["start"] : f["end"]] for f in inspection.findings
    )


@pytest.mark.parametrize(
    "prompt",
    [
        "Cookie: _ga=GA1.2.1180452301.1739022011; theme=dark; lang=en-GB",
        "Verbinde dich mit dem Wi-Fi „Gastnetz_Hof“ im Foyer.",
        "$ pass show -c bank/online\nCopied bank/online to clipboard. Will clear in 45 seconds.",
        "Recovery took 3-4 weeks after the op.",
    ],
)
def test_what_sits_where_those_credentials_would_is_not_one(shared_guard: Guard, prompt: str) -> None:
    assert not any(f["entity_type"] == "SECRET" for f in shared_guard.inspect(prompt).findings)


def test_the_documentation_example_token_is_no_secret_but_a_token_with_real_claims_is(
    shared_guard: Guard,
) -> None:
    # jwt.io's and the specs' example token (sub 1234567890, name John Doe): what the docs print
    example = (
        "Explain the three parts of the example token from jwt.io: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    )
    assert shared_guard.inspect(example).action == "allow"
    # the same shape issued to somebody (claims: sub 884213, a name and an e-mail address)
    issued = (
        "Why does this token fail? eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI4ODQyMTMiLCJuYW1lIjoiTWFyaWEgS293YWxza2Ei"
        "LCJlbWFpbCI6Im1rb3dhbHNrYUBnbWFpbC5jb20ifQ.abc123def456ghi789jkl012mno345pqr678stu901v"
    )
    assert shared_guard.inspect(issued).action == "block"
    # a real John Doe's token (another subject) is his
    john = (
        "Why is this token rejected? eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTQ4MjEzIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNzMzNDAwMDAwfQ"
        ".Qm4Lk2VtRz9aXc7PdWe1NsYb0HjUf3GiT8oPq2Rs"
    )
    assert shared_guard.inspect(john).action == "block"


def test_the_user_of_a_remotes_user_and_token_is_a_login(shared_guard: Guard) -> None:
    remote = (
        "origin\thttps://mnowak-ci:ghp_Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc2V@github.com/acme/app.git (fetch)"
    )
    found = {(remote[f["start"] : f["end"]], f["entity_type"]) for f in shared_guard.inspect(remote).findings}
    assert ("mnowak-ci", "USERNAME") in found
    ci = "git clone https://oauth2:$CI_JOB_TOKEN@gitlab.example.com/group/app.git"
    assert "USERNAME" not in {f["entity_type"] for f in shared_guard.inspect(ci).findings}


@pytest.mark.parametrize(
    ("prompt", "secrets"),
    [
        # a key named noun-first (Romance) or glued into a compound (Hungarian, Finnish)
        (
            "gateway:\n  chiave_mac: Qw8rTz3LmN5pXv7BcD9fGh2JkL4sA6yU1eR0oI3t",
            ["Qw8rTz3LmN5pXv7BcD9fGh2JkL4sA6yU1eR0oI3t"],
        ),
        (
            "Aláírókulcs: 9c3e71aa-04bd-4e2f-b61c-7d80e5a2c4f1QmTX",
            ["9c3e71aa-04bd-4e2f-b61c-7d80e5a2c4f1QmTX"],
        ),
        # a plural key holds a list of keys, each one
        (
            "APP_KEYS=Xk4pQz8rLm2vTb6nWc1dYf==,Hj7sNa3eRu9oKi5gPl0tMw==",
            ["Xk4pQz8rLm2vTb6nWc1dYf==", "Hj7sNa3eRu9oKi5gPl0tMw=="],
        ),
        # a PIN under a key that ends in one
        ("[till]\nsupervisor_pin = 60328", ["60328"]),
        # the other strong password a text gives beside a password found in prose, and a list's other one
        (
            "My current password is Pierogi*Ruskie*2022. For the new one I was thinking Wisla_Krakow_2026, ok?",
            ["Pierogi*Ruskie*2022", "Wisla_Krakow_2026"],
        ),
        (
            "En muista, kumpi tunnuslause on oikea: Saimaa-Norppa-1995 vai saimaa_norppa_95.",
            ["Saimaa-Norppa-1995", "saimaa_norppa_95"],
        ),
        # an app password (four groups of four letters) beside a password in prose; a code in brackets
        (
            "Min vanliga lösenord är Kattegatt#1988 men Outlook vill ha ett applösenord: vbtq mxle dwrk hnoa.",
            ["Kattegatt#1988", "vbtq mxle dwrk hnoa"],
        ),
        ("o código MB WAY (402718) ficou no telemóvel antigo", ["402718"]),
        # a key kept in a variable whose name says nothing, sent as a credential where it is used
        (
            'const SX = "c0ffee12ab34cd56ef7890ab12cd34ef56ab78cd";\n'
            "fetch(url, { headers: { Authorization: `Token ${SX}` } });",
            ["c0ffee12ab34cd56ef7890ab12cd34ef56ab78cd"],
        ),
        (
            'k = "Tr7Lq2Wm9Xc4Vb8Nz3Hp6Kd1"\nrequests.get(url, headers={"X-Api-Key": k})',
            ["Tr7Lq2Wm9Xc4Vb8Nz3Hp6Kd1"],
        ),
        (  # a provider's token longer than the pattern detect-secrets knows for it: the whole token
            'bot.run("NDQ3Mzc1NjU4NjQ3ODk5MzIw.Xk9fPq.aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5aB6")',
            ["NDQ3Mzc1NjU4NjQ3ODk5MzIw.Xk9fPq.aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5aB6"],
        ),
        (  # a key without a digit: long, mixed case
            'BILLING = "qWeRtyUiopLkjhgFdsa_ZxcvBNmqwe"\nheaders = {"Authorization": f"Bearer {BILLING}"}',
            ["qWeRtyUiopLkjhgFdsa_ZxcvBNmqwe"],
        ),
        # a command's argument that is a key share
        (
            "$ vault operator unseal Kq9Lm2Zx7Vb4Nc1Rt8Yh3Gf6Dp0Sa5We2Ui7Oo4Pq=",
            ["Kq9Lm2Zx7Vb4Nc1Rt8Yh3Gf6Dp0Sa5We2Ui7Oo4Pq="],
        ),
        # a key written as a byte or raw string literal, a salt with a run of four lower-case letters
        (
            'SHOP_ID = "220417"\nSHOP_KEY = b"Vn3kQpR8sLw2XcYt"\nSHOP_SALT = r"bqtzHe4LmP7xRn2W"',
            ["Vn3kQpR8sLw2XcYt", "bqtzHe4LmP7xRn2W"],
        ),
        # a bare token as an Authorization header (no scheme), a database password as a call's argument
        ("GET /v2/flags HTTP/1.1\nAuthorization: ak-41d09c2e-7b3a-4e58-a1f6-93c0d8b2e7f4\n", ["ak-41d09c2e"]),
        ("$pdo = new PDO('mysql:host=db;dbname=club', 'club', 'Heron_Dusk-73');", ["Heron_Dusk-73"]),
    ],
)
def test_keys_named_in_other_languages_lists_of_keys_pins_and_a_password_s_neighbours_are_secrets(
    shared_guard: Guard, prompt: str, secrets: list[str]
) -> None:
    findings = shared_guard.inspect(prompt).findings
    covered = [(f["start"], f["end"]) for f in findings if f["entity_type"] in ("SECRET", "API_KEY")]
    for secret in secrets:
        start = prompt.index(secret)
        assert any(a <= start and start + len(secret) <= b for a, b in covered), secret


@pytest.mark.parametrize(
    "prompt",
    [
        "usage:\n  prompt_tokens: 1234\n  completion_tokens: 56",  # a count, not a list of tokens
        "feature_flags=dark_mode,beta_search",
        "LED_PIN = 13\nBUTTON_PIN = 4",
        "vault operator unseal -reset",
        "$pdo = new PDO($dsn, $user, $password);",
        'headers = {"Authorization": auth_header}',
        "bucket_key: MonthlyReports2024x",
        # a variable used elsewhere than in a credential keeps what its own name says
        'label = "Quarterly-Report-2024"\nlog.info(f"token {label} sent")\nprint(f"Bearer {label}s")',
        'mode = "readonly_session"\nheaders = {"Authorization": f"Bearer {mode}"}',  # one case, a name
        "monkey: Kq9Lm2Zx7Vb4Nc1Rt8Yh3Gf6Dp0Sa5",  # "key" glued to a word of its own
        # a password in prose does not make a version, a standard or a date in its paragraph one
        "The password is Hx7!qLm2. We run v2.3.1-beta on ISO-8859-1 since 2024-05-01.",
        "The password is Hx7!qLm2, then make sure your wifi uses that same kind.",  # four words, not a code
    ],
)
def test_what_those_keys_and_neighbours_are_not(shared_guard: Guard, prompt: str) -> None:
    findings = shared_guard.inspect(prompt).findings
    flagged = [prompt[f["start"] : f["end"]] for f in findings if f["entity_type"] in ("SECRET", "API_KEY")]
    assert all(value in ("Hx7!qLm2",) for value in flagged), flagged
