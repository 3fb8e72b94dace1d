"""The meeting-day load: every soak cell meets at once, again and again, through the real pages and forms.

One thread per person (soak/accounts.py wrote who): each cell secretary plans a meeting on the calendar, opens it,
marks every member (through the htmx row, as the phone does), puts speakers down and ticks some, takes a show of
hands and, every other meeting, a secret ballot on three members' phones, ends the meeting (confirming the unticked
speakers), generates, edits and adopts the minutes and sometimes downloads them as .docx; members read their cell's
pages; a committee reader reads the dashboards. Think times keep the load bounded (a person taps every second or
few, not as fast as the server answers).

Every answer is checked: a server error, an unexpected status, a form refused (an error message after the redirect,
X-Not-Saved on an htmx answer) is a failure. After the deadline each secretary finishes the meeting in hand at once
(no think time), so no meeting is left half-held for the consistency check.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from soak.web import Client, Unexpected, log_in

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # settings.TIME_ZONE: the dates typed into the forms are local
REASONS = ["Ốm, có giấy của trạm y tế", "Đi công tác tỉnh", "Trông con nhỏ ốm", "Về quê có việc gia đình"]
REMARKS = [
    "Đề nghị chi bộ quan tâm công tác vệ sinh môi trường khu dân cư.",
    "Nhất trí với báo cáo, bổ sung kết quả thu quỹ khuyến học.",
    "Cần đôn đốc đảng viên đóng đảng phí đúng hạn.",
    "Đề xuất tổ chức sinh hoạt chuyên đề về chuyển đổi số.",
]


class Stats:
    """Every request's kind, time and status; the events done; the failures (the first ones in full)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.bad: Counter = Counter()  # failed requests by kind
        self.events: Counter = Counter()
        self.failures: list[str] = []
        self.failure_count = 0
        self.warm_until = 0.0  # requests started after this (monotonic) make the steady-state figures
        self.steady: list[float] = []

    def record(self, kind: str, seconds: float, status: int, ok: bool) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if time.monotonic() - seconds >= self.warm_until:
                self.steady.append(seconds)
            self.statuses[status] += 1
            if not ok:
                self.bad[kind] += 1

    def event(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.events[name] += n

    def fail(self, who: str, exc: BaseException) -> None:
        with self.lock:
            self.failure_count += 1
            if len(self.failures) < 40:
                self.failures.append(f"{time.strftime('%H:%M:%S')} {who}: {exc}")


class Run:
    def __init__(
        self,
        host: str,
        port: int,
        plan: dict,
        password: str,
        minutes: float,
        stats: Stats,
        *,
        think=1.0,
        tag: str = "",
        seed: int = 2026,
    ):
        self.host, self.port, self.plan, self.password = host, port, plan, password
        self.deadline = time.monotonic() + minutes * 60
        self.stats, self.think_scale, self.tag, self.seed = stats, think, tag or time.strftime("%H%M"), seed
        self.addresses = iter(f"10.13.{i // 250}.{i % 250 + 1}" for i in range(10_000))
        self.address_lock = threading.Lock()
        self.meetings: dict[int, list[int]] = defaultdict(list)  # cell -> the meetings held to the end
        self.marks: dict[int, dict[int, str]] = {}  # meeting -> member -> the last status marked
        self.ballots: dict[int, int] = {}  # secret vote -> ballots cast on phones
        self.phones: dict[str, Client] = {}  # the members' logged-in clients, by username

    @property
    def over(self) -> bool:
        return time.monotonic() >= self.deadline

    def client(self) -> Client:
        with self.address_lock:
            address = next(self.addresses)
        return Client(self.host, self.port, address, self.stats.record)

    def pause(self, rng: random.Random, low: float, high: float) -> None:
        if not self.over:
            time.sleep(rng.uniform(low, high) * self.think_scale)

    # ------------------------------------------------------------------------------------------ the secretary

    def secretary(self, cell: dict, index: int) -> None:
        rng = random.Random(self.seed * 1000 + index)
        time.sleep(rng.uniform(0, 60) * self.think_scale)  # they arrive over a minute, not all at one second
        c = self.client()
        try:
            log_in(c, cell["secretary"], self.password)
        except Unexpected as exc:
            self.stats.fail(cell["secretary"], exc)
            return
        n = 0
        while not self.over:
            n += 1
            try:
                # the secretary and the cell's two members (their own logged-in phones) vote in the secret votes
                voters = [c, *(self.phones[u] for u in cell["members"] if u in self.phones)]
                self.meeting(c, cell, n, rng, voters)
            except Unexpected as exc:
                self.stats.fail(cell["secretary"], exc)
                self.pause(rng, 5, 10)

    def meeting(self, c: Client, cell: dict, n: int, rng: random.Random, voters: list[Client]) -> None:
        cell_id = cell["cell"]
        now = datetime.now(ZONE) - timedelta(minutes=2)
        page = c.get("plan a meeting: form", f"/meetings/calendar/{cell_id}/new/")
        form = page.form(f"/meetings/calendar/{cell_id}/new/")
        if form is None or not form.fields.get("submission_token"):
            raise Unexpected("plan a meeting: no form with its one-time token")
        place = f"Hội trường thôn (soak {self.tag} #{n})"
        self.pause(rng, 3, 8)
        calendar = c.submit(
            "plan a meeting",
            form,
            {"kind": "regular", "scheduled_at": now.strftime("%d/%m/%Y %H:%M"), "place": place, "topic": ""},
        )
        ids = {int(m[1]) for href in calendar.row_links(place) if (m := re.fullmatch(r".*/meetings/(\d+)/", href))}
        if len(ids) != 1:
            raise Unexpected(f"plan a meeting: the calendar lists {len(ids)} meetings at {place!r}")
        mid = ids.pop()
        self.stats.event("meetings planned")
        detail = c.get("meeting page", f"/meetings/{mid}/")
        self.pause(rng, 2, 5)
        detail = c.submit("start the meeting", self._form(detail, f"/meetings/{mid}/start/"))
        self.stats.event("meetings started")
        present = self.roll_call(c, mid, detail, rng, set(cell["voters"]))
        self.speakers(c, mid, rng)
        self.vote(c, mid, present, rng)
        if n % 2 == 1 and len(voters) == 3:
            self.secret_vote(c, mid, rng, voters)
        self.end(c, mid, rng)
        self.minutes(c, mid, rng)
        self.meetings[cell_id].append(mid)
        self.stats.event("meetings held to the end")
        self.pause(rng, 5, 15)

    @staticmethod
    def _form(page, action):
        form = page.form(action if isinstance(action, re.Pattern) else action)
        if form is None:
            raise Unexpected(f"{page.url}: no form posting to {action}")
        return form

    def roll_call(self, c: Client, mid: int, detail, rng: random.Random, voters: set[int]) -> int:
        rows = [f for f in detail.forms if re.search(rf"/meetings/{mid}/attendance/\d+/$", f.action)]
        if not rows:
            raise Unexpected("meeting page: no attendance rows")
        marks = self.marks.setdefault(mid, {})
        present = 0
        for i, form in enumerate(rows):
            member = int(re.search(r"/attendance/(\d+)/$", form.action)[1])
            roll = rng.random()
            status, reason = "present", ""
            if member in voters:
                pass  # present: they vote on their phones
            elif roll > 0.96:
                status = "unexcused"
            elif roll > 0.90:
                status, reason = "excused", rng.choice(REASONS)
            elif roll > 0.85:
                status = "late"
            self.pause(rng, 2, 5)
            c.submit("mark attendance (htmx)", form, {"status": status, "reason": reason}, htmx=True)
            marks[member] = status
            present += status in ("present", "late")
            self.stats.event("attendance marks")
            if i % 6 == 5:
                c.get("live counts (htmx)", f"/meetings/{mid}/counts/", htmx=True)
        return present

    def speakers(self, c: Client, mid: int, rng: random.Random) -> None:
        detail = c.get("meeting page", f"/meetings/{mid}/")
        items = [f for f in detail.forms if re.search(r"/meetings/agenda/\d+/speakers/$", f.action)]
        if not items:
            raise Unexpected("meeting page: no agenda item takes speakers")
        for form in rng.sample(items, k=min(len(items), 2)):
            members = [v for v in form.options.get("speaker", []) if v.startswith("m")]
            fragment = None
            for speaker in rng.sample(members, k=min(len(members), rng.randint(1, 3))):
                self.pause(rng, 2, 6)
                fragment = c.submit(
                    "add a speaker (htmx)", form, {"speaker": speaker, "note": rng.choice(REMARKS)}, htmx=True
                )
                self.stats.event("speakers added")
            if fragment is None:
                continue
            records = [f for f in fragment.forms if re.search(r"/meetings/speakers/\d+/$", f.action)]
            for record in records[: len(records) // 2]:  # the rest are asked about when the meeting ends
                self.pause(rng, 1, 3)
                c.submit("tick a speaker (htmx)", record, {"spoken": "on"}, htmx=True)
                self.stats.event("speakers ticked")

    def vote(self, c: Client, mid: int, present: int, rng: random.Random) -> None:
        detail = c.get("meeting page", f"/meetings/{mid}/")
        self.pause(rng, 2, 5)
        purpose = "resolution" if rng.random() < 0.7 else "other"
        detail = c.submit(
            "open a vote",
            self._form(detail, f"/meetings/{mid}/votes/"),
            {"question": "Thông qua nghị quyết của chi bộ tháng này", "method": "open", "purpose": purpose},
        )
        counts = self._form(detail, re.compile(r"/meetings/votes/\d+/counts/$"))
        self.pause(rng, 3, 6)
        approving = max(1, present // 2)  # within the official members present whatever the probationers
        against = 1 if approving > 3 and rng.random() < 0.3 else 0
        detail = c.submit("enter a show of hands", counts, {"approving": approving, "against": against, "abstain": 0})
        self.pause(rng, 1, 3)
        c.submit("close the vote", self._form(detail, re.compile(r"/meetings/votes/\d+/close/$")))
        self.stats.event("votes closed")

    def secret_vote(self, c: Client, mid: int, rng: random.Random, voters: list[Client]) -> None:
        """A secret ballot cast on the phones of three official members present (the fewest whose result may be
        shown), then closed."""
        detail = c.get("meeting page", f"/meetings/{mid}/")
        self.pause(rng, 2, 5)
        detail = c.submit(
            "open a secret vote",
            self._form(detail, f"/meetings/{mid}/votes/"),
            {"question": "Giới thiệu đảng viên dự đại hội đảng bộ xã", "method": "secret", "purpose": "other"},
        )
        closes = [f for f in detail.forms if re.search(r"/meetings/votes/\d+/close/$", f.action)]
        vid = max(int(re.search(r"/votes/(\d+)/close/$", f.action)[1]) for f in closes)
        for voter in voters:
            self.pause(rng, 2, 6)
            ballot = voter.get("ballot page", f"/meetings/votes/{vid}/ballot/")
            form = ballot.form(f"/meetings/votes/{vid}/ballot/")
            if form is None:
                raise Unexpected(f"ballot page of vote {vid}: no ballot form")
            choice = rng.choices(["for", "against", "abstain"], weights=[8, 1, 1])[0]
            voter.submit("cast a ballot", form, {"choice": choice})
            self.stats.event("ballots cast")
        self.ballots[vid] = len(voters)
        detail = c.get("meeting page", f"/meetings/{mid}/")
        self.pause(rng, 1, 3)
        c.submit("close the secret vote", self._form(detail, f"/meetings/votes/{vid}/close/"))
        self.stats.event("secret votes closed")

    def end(self, c: Client, mid: int, rng: random.Random) -> None:
        detail = c.get("meeting page", f"/meetings/{mid}/")
        self.pause(rng, 2, 5)
        page = c.submit("end the meeting", self._form(detail, f"/meetings/{mid}/end/"), follow=False, expect=(200, 302))
        if page.status == 200:  # unticked speakers: the page asking who did speak, all ticked
            form = self._form(page, f"/meetings/{mid}/end/")
            values = {"spoken": form.options.get("spoken", []), "confirm": "1"}
            self.pause(rng, 2, 4)
            c.submit("end the meeting: confirm speakers", form, values)
        else:
            c.get("end the meeting (then)", page.headers["location"])
        self.stats.event("meetings ended")

    def minutes(self, c: Client, mid: int, rng: random.Random) -> None:
        url = f"/meetings/{mid}/minutes/"
        page = c.get("minutes page", url)
        page = c.submit("generate the minutes", self._form(page, f"{url}generate/"))
        self.pause(rng, 5, 15)
        editor = self._form(page, f"{url}save/")
        text = editor.fields.get("text", "") + "\n\nÝ kiến bổ sung: " + rng.choice(REMARKS)
        page = c.submit("save the minutes", editor, {"text": text})
        self.pause(rng, 3, 8)
        page = c.submit("adopt the minutes", self._form(page, f"{url}adopt/"))
        self.stats.event("minutes adopted")
        if rng.random() < 0.2:
            c.get("minutes .docx", f"/meetings/{mid}/documents/minutes.docx")
            self.stats.event("minutes downloaded")

    # ------------------------------------------------------------------------------------------ the readers

    def member(self, username: str, cell_id: int, index: int) -> None:
        rng = random.Random(self.seed * 7000 + index)
        time.sleep(rng.uniform(20, 120) * self.think_scale)  # members come in over the first two minutes
        c = self.client()
        try:
            log_in(c, username, self.password)
        except Unexpected as exc:
            self.stats.fail(username, exc)
            return
        self.phones[username] = c
        while not self.over:
            try:
                c.get("member: home", "/")
                self.pause(rng, 3, 10)
                mine = c.get("member: my meetings", "/meetings/mine/")
                self.pause(rng, 3, 10)
                c.get("member: cell page", f"/orgs/{cell_id}/")
                held = self.meetings.get(cell_id) or []
                links = sorted({int(m[1]) for h in mine.links if (m := re.fullmatch(r".*/meetings/(\d+)/", h))})
                mid = rng.choice(held[-3:]) if held and rng.random() < 0.6 else (rng.choice(links) if links else None)
                if mid is not None:
                    self.pause(rng, 3, 10)
                    c.get("member: meeting page", f"/meetings/{mid}/")
                    self.pause(rng, 3, 10)
                    c.get("member: minutes page", f"/meetings/{mid}/minutes/")
                self.stats.event("member visits")
                self.pause(rng, 10, 30)
            except Unexpected as exc:
                self.stats.fail(username, exc)
                self.pause(rng, 10, 20)

    def committee(self) -> None:
        reader = self.plan["committee"]
        rng = random.Random(self.seed * 9000)
        c = self.client()
        try:
            log_in(c, reader["username"], self.password, totp_key=reader.get("totp_key", ""))
        except Unexpected as exc:
            self.stats.fail(reader["username"], exc)
            return
        district, commune = reader["orgs"]
        while not self.over:
            try:
                for org in (district, commune):
                    c.get("committee: dashboard", f"/oversight/{org}/")
                    self.pause(rng, 5, 15)
                c.get("committee: warnings", f"/oversight/{commune}/warnings/")
                self.pause(rng, 5, 15)
                cell = rng.choice(reader["cells"])
                c.get("committee: cell dashboard", f"/oversight/{cell}/")
                self.pause(rng, 5, 15)
                c.get("committee: cell page", f"/orgs/{cell}/")
                self.stats.event("committee visits")
                self.pause(rng, 10, 20)
            except Unexpected as exc:
                self.stats.fail(reader["username"], exc)
                self.pause(rng, 10, 20)

    def start(self) -> list[threading.Thread]:
        threads = []
        for i, cell in enumerate(self.plan["cells"]):
            threads.append(threading.Thread(target=self.secretary, args=(cell, i), name=cell["secretary"]))
            for k, username in enumerate(cell["members"]):
                threads.append(
                    threading.Thread(target=self.member, args=(username, cell["cell"], 10 * i + k), name=username)
                )
        threads.append(threading.Thread(target=self.committee, name="committee"))
        for t in threads:
            t.daemon = True
            t.start()
        return threads
