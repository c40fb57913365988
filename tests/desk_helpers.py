"""Shared set-up for the desk tests: a data folder with accounts, a logged-in client, a round."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from conftest import SAMPLES

# argon2's cheapest parameters for the tests' accounts (also in the servers they start); one test
# checks the real defaults.
os.environ["PLANLINT_DESK_CHEAP_HASHES"] = "1"

CITY = SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
CHANGZHI = SAMPLES / "长治市市场监督管理局2023年度双随机抽查工作计划.xlsx"  # tasks for counties to initiate
ITEM_LIST = SAMPLES / "item-list" / "示例-抽查事项清单.xlsx"
ZEZHOU = SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
MODEL = SAMPLES / "示范-某县2025年度内部双随机抽查工作计划.xlsx"
PASSWORD = "correct-horse-1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    county: str | None = None


REVIEWER = Account("city", "reviewer")
ZZ = Account("zz", "editor", "泽州县")
GP = Account("gp", "editor", "高平市")
YC = Account("yc", "editor", "阳城县")  # a county that is not in the round
ACCOUNTS = (REVIEWER, ZZ, GP, YC)


def make_desk(data: Path, accounts=ACCOUNTS) -> Path:
    from planlint.desk import auth, db, store

    store.init(data)
    conn = db.connect(data)
    for a in accounts:
        auth.add_user(conn, a.username, a.role, a.county, PASSWORD)
    conn.close()
    return data


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, html[:500]
    return match.group(1)


def login(client, account: Account | str, password: str = PASSWORD):
    name = account if isinstance(account, str) else account.username
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"username": name, "password": password, "csrf_token": token}, follow_redirects=False
    )


def token(client) -> str:
    return csrf_of(client.get("/").text)


def open_round(
    client,
    counties=("泽州县", "高平市"),
    population: Path | None = None,
    require_clean=False,
    title="2025年度县级计划报送",
    profile="shanxi-2025",
    item_list: Path | None = None,
    superior: Path = CITY,
    year: int = 2025,
) -> str:
    data = {
        "csrf_token": token(client),
        "title": title,
        "year": str(year),
        "profile": profile,
        "due_date": "2025-03-31",
        "counties": "\n".join(counties),
    }
    if require_clean:
        data["require_clean"] = "on"
    files = {"superior": (superior.name, superior.read_bytes(), XLSX)}
    if population is not None:
        files["population"] = (population.name, population.read_bytes(), "text/csv")
    if item_list is not None:
        files["item_list"] = (item_list.name, item_list.read_bytes(), XLSX)
    r = client.post("/rounds", data=data, files=files, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/rounds/"), r.text
    return r.headers["location"].rsplit("/", 1)[1]


def county_path(rid: str, county: str) -> str:
    from urllib.parse import quote

    return f"/rounds/{rid}/c/{quote(county, safe='')}"


def upload(client, rid: str, county: str, path: Path, name: str | None = None):
    return client.post(
        f"{county_path(rid, county)}/upload",
        data={"csrf_token": token(client)},
        files={"plan": (name or path.name, path.read_bytes(), XLSX)},
        follow_redirects=False,
    )


def retitle(path: Path, old: str, new: str) -> Path:
    """Replace `old` by `new` in the title rows above the table (the plan's year and place)."""
    wb = openpyxl.load_workbook(path)
    for row in wb.active.iter_rows(max_row=3):
        for cell in row:
            if isinstance(cell.value, str) and old in cell.value:
                cell.value = cell.value.replace(old, new)
    wb.save(path)
    return path


def county_plan(tmp: Path, county: str, source: Path = MODEL, note: str = "") -> Path:
    """The model plan as a county's own: its title and file name name the county; `note` makes
    the bytes (and so the stored file) distinct, not the plan."""
    wb = openpyxl.load_workbook(source)
    ws = wb.active
    for row in ws.iter_rows(max_row=3):
        for cell in row:
            if isinstance(cell.value, str) and "某县" in cell.value:
                cell.value = cell.value.replace("某县", county)
    wb.properties.description = note  # different bytes, same plan
    path = tmp / f"{county}2025年度内部双随机抽查工作计划{note}.xlsx"
    wb.save(path)
    return path


def copy_as(tmp: Path, source: Path, name: str) -> Path:
    target = tmp / name
    shutil.copy(source, target)
    return target


_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/")


class Server:
    """`planlint desk serve DATA --port 0` in a subprocess; the port is read from its first line."""

    def __init__(self, data: Path, *extra: str, port: int = 0) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "planlint",
                "desk",
                "serve",
                str(data),
                "--port",
                str(port),
                "--lint-processes",
                "2",
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.output: list[str] = []
        try:
            self._wait_until_up()
        except BaseException:
            self.kill9()
            raise

    def _wait_until_up(self) -> None:
        import httpx

        deadline = time.time() + 60
        port = None
        while port is None:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("server exited: " + "".join(self.output))
            self.output.append(line)
            if m := _URL.search(line):
                port = int(m.group(1))
            assert time.time() < deadline, "".join(self.output)
        threading.Thread(target=self._drain, daemon=True).start()
        self.url = f"http://127.0.0.1:{port}"
        while True:
            try:
                if httpx.get(f"{self.url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.time() < deadline, "".join(self.output)
            time.sleep(0.1)

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)

    def kill9(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()


def session(server: Server, account: Account, headers: dict | None = None):
    """An httpx client logged in to a running server."""
    import httpx

    c = httpx.Client(base_url=server.url, follow_redirects=False, timeout=120, headers=headers or {})
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": account.username, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/", r.text[:300]
    return c


def two_table_plan(tmp: Path, county: str, revised: bool = False) -> Path:
    """The model plan split over two sheets (食品药品: its first five tasks, 计量特设: the rest).
    `revised`: the sheets in the other order, the first two tasks of 食品药品 swapped and a new
    task inserted after them, every table renumbered 1, 2, 3 … as an editor would."""
    wb = openpyxl.load_workbook(MODEL)
    food = wb.active
    for cell in food[1]:
        if isinstance(cell.value, str):
            cell.value = cell.value.replace("某县", county)
    food.title = "食品药品"
    rest = wb.copy_worksheet(food)
    rest.title = "计量特设"
    body = [[c.value for c in row] for row in food.iter_rows(min_row=3) if row[1].value]
    first, second = body[:5], body[5:]
    if revised:
        first = [first[1], first[0], *first[2:]]
        added = list(first[2])
        added[1:5] = ["对食品生产者的双随机抽查", "定向", "食品生产监督检查", "全县食品生产者"]
        first.insert(2, added)
        wb.move_sheet(rest, offset=-1)
    for sheet, tasks in ((food, first), (rest, second)):
        sheet.delete_rows(3, sheet.max_row)
        for i, values in enumerate(tasks):
            sheet.append([i + 1, *values[1:]])
    path = tmp / f"{county}2025年度内部双随机抽查工作计划{'（修改）' if revised else ''}.xlsx"
    wb.save(path)
    return path


def city_with_county_tasks(tmp: Path, seqs=("4", "6", "9")) -> Path:
    """晋城 2025 with tasks `seqs` handed to the counties (各县（市、区）局组织发起, 县抽县查): the tasks
    each county plan should take up, which the board's coverage column counts."""
    wb = openpyxl.load_workbook(CITY)
    for row in wb.active.iter_rows(min_row=3):
        if str(row[0].value).strip() in seqs:
            row[8].value, row[10].value = "各县（市、区）局组织发起", "县抽县查"
    path = tmp / CITY.name
    wb.save(path)
    return path
