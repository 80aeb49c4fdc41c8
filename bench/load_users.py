"""The users of the load benchmark (a locustfile; `bench/load.py` runs it headless and reads its CSV).

Each simulated user signs in as one bench account (the password, then a TOTP code for county level and above)
and does what that role does in a day, with 0.5–1.5 s to think between pages. The accounts, the persons they
open, their search terms and the figures they drill into come from the plan `bench/load.py` writes
(`LOAD_PLAN`, a JSON file). A plan whose mode is `probe` instead signs in as one account of each level in turn and opens
every page of that level once to warm up, then `rounds` times counted, one after another (the medians of the
growth ratio).

A request is named `page@level` (`dashboard@province`), so that the same page seen by different offices is
reported apart.
"""

import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time

import gevent
from locust import HttpUser, between, task
from locust.clients import HttpSession

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115 (read once at import)
ACCOUNTS = PLAN["accounts"]
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
_next_account = itertools.count()
_signed_in = itertools.count(1)

# What each level does, with how often (relative weights within the level).
MIX = {
    "township": {"work_list": 25, "person_file": 25, "visit": 10, "person_list": 10, "search_name": 5,
                 "search_pinyin": 3, "search_id": 4, "api_visits": 5, "api_persons": 3, "person_pdf": 1},
    "county": {"work_list": 8, "dashboard": 20, "drill_down": 8, "bulletin": 10, "person_list": 12,
               "search_name": 4, "search_pinyin": 4, "search_id": 4, "person_file": 15, "api_visits": 8},
    "prefecture": {"work_list": 5, "dashboard": 25, "drill_down": 8, "bulletin": 15, "person_list": 12,
                   "search_name": 4, "search_pinyin": 4, "search_id": 4, "person_file": 10, "api_visits": 8},
    "province": {"work_list": 5, "dashboard": 25, "drill_down": 8, "bulletin": 15, "person_list": 8,
                 "person_list_p200": 4, "search_name": 4, "search_pinyin": 4, "search_id": 4, "person_file": 10,
                 "api_visits": 8},
}  # fmt: skip


def totp(key_hex: str, at: float) -> str:
    """RFC 6238 with django-otp's defaults (SHA-1, 30 s steps, 6 digits)."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(client: HttpSession, account: dict) -> None:
    """The sign-in page, the password, and for officers the two-factor page; fails loudly if refused."""
    client.get("/accounts/login/", name="sign in")
    form = {"username": account["username"], "password": account["password"], "next": "/"}
    form["csrfmiddlewaretoken"] = client.cookies["csrftoken"]
    response = client.post("/accounts/login/", form, name="sign in")
    for _attempt in range(2):
        if "/accounts/two-factor/" not in response.url:
            break
        # A code is accepted once per 30 s step (django-otp): each simulated user has its own account, and an
        # account signing in again within the step waits for the next code.
        if _attempt:
            time.sleep(31 - time.time() % 30)
        token = {"token": totp(account["totp_key"], time.time()), "next": "/"}
        token["csrfmiddlewaretoken"] = client.cookies["csrftoken"]
        response = client.post("/accounts/two-factor/", token, name="sign in")
    if response.status_code != 200 or "/accounts/" in response.url:
        raise RuntimeError(f"{account['username']} could not sign in: {response.status_code} {response.url}")


def open_page(client: HttpSession, account: dict, page: str) -> None:
    """One page of the mix, as ``account``, named ``page@level``."""
    name = f"{page}@{account['level']}"
    person = random.choice(account["persons"])
    search = account["searches"]
    if page == "work_list":
        client.get("/", name=name)
    elif page == "person_file":
        client.get(f"/cases/persons/{person}/", name=name)
    elif page == "person_pdf":
        client.get(f"/cases/persons/{person}/file.pdf", name=name)
    elif page == "visit":
        record_visit(client, account, person)
    elif page == "person_list":
        client.get("/cases/persons/", name=name)
    elif page == "person_list_p200":
        client.get("/cases/persons/?page=200", name=name)
    elif page.startswith("search_"):
        client.get("/cases/persons/", params={"q": search[page.removeprefix("search_")]}, name=name)
    elif page == "dashboard":
        client.get("/reporting/dashboard/", name=name)
    elif page == "drill_down":
        client.get(f"/reporting/figures/{random.choice(account['drill_downs'])}/persons/", name=name)
    elif page == "bulletin":
        client.get("/reporting/bulletin/", name=name)
    elif page == "api_visits":
        client.get("/api/v1/visits/", name=name)
    elif page == "api_persons":
        client.get("/api/v1/persons/", name=name)
    else:
        raise ValueError(page)


def record_visit(client: HttpSession, account: dict, person: int) -> None:
    """The visit form, then saving a home visit of today; saved means redirected to the person's file, which the
    browser then opens: a request of its own (``person_file``), as it is one for the server."""
    level = account["level"]
    url = f"/cases/persons/{person}/records/visit/new/"
    form = dict(HIDDEN.findall(client.get(url, name=f"visit_form@{level}").text))
    form |= {"visited_on": dt.date.today().isoformat(), "kind": "home", "whereabouts_confirmed": "on",
             "visitors": "bench", "findings": ""}  # fmt: skip
    with client.post(url, form, name=f"visit_save@{level}", allow_redirects=False, catch_response=True) as response:
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith(f"/cases/persons/{person}/"):
            response.failure(f"the visit was not saved: {response.status_code} {location}")
            return
    client.get(location, name=f"person_file@{level}")


class Staff(HttpUser):
    """One member of staff at work: their own account, their level's mix of pages, 0.5–1.5 s between pages."""

    wait_time = between(*PLAN["think_s"])

    def on_start(self):
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        pages, weights = zip(*MIX[self.account["level"]].items(), strict=True)
        self.pages, self.weights = pages, weights
        sign_in(self.client, self.account)
        if PLAN["mode"] == "mix" and next(_signed_in) == int(os.environ["LOAD_USERS"]):
            # Everyone is at work: the statistics start now (not the sign-ins) and last LOAD_SECONDS.
            self.environment.runner.stats.reset_all()
            gevent.spawn_later(int(os.environ["LOAD_SECONDS"]), self.environment.runner.quit)

    @task
    def work(self):
        if PLAN["mode"] == "probe":
            self.probe()
        else:
            open_page(self.client, self.account, random.choices(self.pages, self.weights)[0])

    def probe(self):
        """Every page of each level, ``rounds`` times after a warm-up round that is not counted, then stop."""
        try:
            for level in MIX:
                account = next((a for a in ACCOUNTS if a["level"] == level), None)
                if account is None:
                    continue
                client = HttpSession(self.host, self.environment.events.request, self)
                warm_up = HttpSession(self.host, _Unrecorded(), self)  # the same session, its requests not counted
                warm_up.cookies = client.cookies
                sign_in(warm_up, account)
                for page in MIX[level]:
                    open_page(warm_up, account, page)
                for _round in range(PLAN["rounds"]):
                    for page in MIX[level]:
                        open_page(client, account, page)
        finally:
            self.environment.runner.quit()


class _Unrecorded:
    """A request event that records nothing."""

    def fire(self, **_kwargs):
        pass
