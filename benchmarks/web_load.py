"""Load and faults for the web app, against a real `monell serve` on localhost.

    python benchmarks/web_load.py load   [--people 200] [--db sqlite|postgresql] [--quick]
    python benchmarks/web_load.py kill9  [--people 60] [--kills 3] [--db sqlite|postgresql]

`load`: N people at once (a bounded asyncio client, one task a person) each complete the
public interview screen by screen and ask for a consultation, and N API clients assess an
incident. Prints p50/p95 per page, throughput, errors, and lost submissions: references the
confirmation page showed that are not in the database afterwards (target 0 for both), and the
API assessment's warm p95 (target <= 50 ms).

`kill9`: people submit while the server is killed with SIGKILL a few times and restarted; after
the last restart every reference a person was shown must be stored, complete (its version and
assessment decrypt) — the confirmation is shown only after the commit.

Only loopback addresses are used; every loop is bounded in count and time. Figures go to
docs/performance.md; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
MONELL = [str(Path(sys.executable).with_name("monell"))]
INCIDENT = {
    "incident_date": "2023-03-10",
    "state": "MO",
    "city": "St. Louis",
    "agency": {"name": "St. Louis Metropolitan Police Department", "kind": "municipal_police"},
    "person": {"custody": "arrested"},
    "conduct": ["excessive_force", "false_arrest"],
    "criminal_case": {"status": "dismissed", "resolved_on": "2023-09-15"},
    "narrative": "Tackled and pepper-sprayed while handcuffed at a protest.",
}
REQUEST_TIMEOUT = 60.0
KILL_AFTER_S = float(os.environ.get("MONELL_BENCH_KILL_AFTER", "6.0"))
# One client address for every simulated person: lift the per-address and per-token limits
# for the benchmark's server only (they are tested in tests/web).
BENCH_RATES = {"MONELL_API_LEADS_RATE": "100000/m", "MONELL_PUBLIC_SUBMIT_RATE": "100000/m"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextmanager
def postgres() -> Any:
    """A throwaway PostgreSQL cluster on a Unix socket (as scripts/with_postgres.sh)."""
    if os.environ.get("MONELL_TEST_POSTGRES_URL"):
        yield os.environ["MONELL_TEST_POSTGRES_URL"]
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bins:
        raise SystemExit("no PostgreSQL server installed (scripts/system_deps.sh installs one)")
    pgbin = bins[-1]
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="monell-pg-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = free_port()
    subprocess.run([*run_as, str(pgbin / "initdb"), "-D", str(folder / "data"), "-A", "trust",
                    "-U", "monell"], check=True, capture_output=True)  # fmt: skip
    options = f"-k {folder} -p {port} -c listen_addresses='' -c max_connections=300"
    subprocess.run([*run_as, str(pgbin / "pg_ctl"), "-D", str(folder / "data"), "-w", "-l",
                    str(folder / "log"), "-o", options, "start"],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([*run_as, str(pgbin / "createdb"), "-h", str(folder), "-p", str(port), "-U",
                    "monell", "monell"], check=True)  # fmt: skip
    try:
        yield f"postgresql+psycopg://monell@/monell?host={folder}&port={port}"
    finally:
        subprocess.run([*run_as, str(pgbin / "pg_ctl"), "-D", str(folder / "data"), "-m",
                        "immediate", "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


class Server:
    """`monell serve` in a subprocess, restartable, killable."""

    def __init__(self, db_url: str, workdir: Path, threads: int = 16) -> None:
        self.db_url, self.workdir, self.threads = db_url, workdir, threads
        self.port = free_port()
        self.key_file = workdir / "keys.json"
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {**os.environ, "MONELL_KEY_FILE": str(self.key_file),
                    "MONELL_DB": db_url, "PYTHONUNBUFFERED": "1", **BENCH_RATES}  # fmt: skip

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 - the child owns it
        self.proc = subprocess.Popen(
            [*MONELL, "serve", "--db", self.db_url, "--port", str(self.port),
             "--threads", str(self.threads), "--key-file", str(self.key_file)],
            env=self.env, stdout=log, stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit("the server did not come up in 120 s; see server.log")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def token(self) -> str:
        out = subprocess.run(
            [*MONELL, "api-token", "create", f"bench-{time.time_ns()}", "--db", self.db_url,
             "--key-file", str(self.key_file)],
            env=self.env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        return out.strip().splitlines()[-1]

    def stored(self) -> dict[str, bool]:
        """Every stored lead's reference -> complete (a version and an assessment that
        decrypt), read through the app's own models in a separate process."""
        code = (
            "import json,sys\n"
            "from monell.web.bootstrap import start\n"
            f"start({self.db_url!r}, {str(self.key_file)!r})\n"
            "from monell.web.cases.models import Lead\n"
            "out={}\n"
            "for lead in Lead.objects.all():\n"
            "    v=lead.versions.first()\n"
            "    out[lead.reference]=bool(v and v.assessment and lead.contact.get('name'))\n"
            "print(json.dumps(out))\n"
        )
        done = subprocess.run([sys.executable, "-c", code], env=self.env, check=True,
                              capture_output=True, text=True)  # fmt: skip
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


Timings = dict[str, list[float]]


async def timed(
    timings: Timings, page: str, call: Callable[[], Awaitable[httpx.Response]]
) -> httpx.Response:
    start = time.perf_counter()
    response = await call()
    timings[page].append(time.perf_counter() - start)
    return response


def _form_fields(html: str) -> dict[str, str]:
    pattern = r'name="(csrfmiddlewaretoken|idempotency_key)" value="([^"]+)"'
    return dict(re.findall(pattern, html))


# The bundled St. Louis example as a person answers the interview, screen by screen.
SCREENS: list[tuple[str, dict[str, Any]]] = [
    ("who", {"who": "self"}),
    ("date", {"incident_date_month": "3", "incident_date_day": "10", "incident_date_year": "2023"}),
    ("place", {"state": "MO", "city": "St. Louis", "county": ""}),
    ("agency_name", {"agency_name": "St. Louis Metropolitan Police Department"}),
    ("agency_kind", {"agency_kind": "municipal_police"}),
    ("conduct", {"conduct": ["excessive_force", "false_arrest"]}),
    ("officers", {"name_0": "Officer A. Doe", "badge_0": "1234"}),
    ("custody", {"custody": "arrested"}),
    ("criminal_case", {"criminal_status": "dismissed"}),
    ("case_ended", {"resolved_on_month": "9", "resolved_on_day": "15", "resolved_on_year": "2023"}),
    ("first_court", {}),
    ("birth_date", {"birth_date_month": "6", "birth_date_day": "1", "birth_date_year": "1990"}),
    ("narrative", {"narrative": "I was filming. They tackled me and pepper-sprayed me."}),
]


async def prepare(client: httpx.AsyncClient, n: int, timings: Timings) -> dict[str, str]:
    """One person up to the consultation form: every interview screen in order (GET, then
    POST the answer), the review and the result. Returns the form to send."""
    home = await timed(timings, "GET /", lambda: client.get("/"))
    csrf = _form_fields(home.text).get("csrfmiddlewaretoken", "")
    await timed(timings, "POST /start/", lambda: client.post("/start/", data={
        "csrfmiddlewaretoken": csrf}))  # fmt: skip
    for slug, answers in SCREENS:
        url = f"/q/{slug}/"
        page = await timed(timings, "GET /q/<screen>/", lambda u=url: client.get(u))
        if page.status_code == 302:  # a screen that does not apply to these answers
            continue
        data = {**answers, "action": "next", **_form_fields(page.text)}
        sent = await timed(timings, "POST /q/<screen>/",
                           lambda u=url, d=data: client.post(u, data=d))  # fmt: skip
        if sent.status_code != 302:
            raise RuntimeError(f"{slug}: HTTP {sent.status_code}, expected a redirect")
    review = await timed(timings, "GET /q/review/", lambda: client.get("/q/review/"))
    await timed(timings, "POST /q/review/", lambda: client.post(
        "/q/review/", data=_form_fields(review.text)))  # fmt: skip
    result = await timed(timings, "GET /result/", lambda: client.get("/result/"))
    return {"name": f"Person {n}", "phone": "314-555-0100", "language": "en",
            "contact_time": "evening", "consent_privacy": "on",
            "consent_no_relationship": "on", **_form_fields(result.text)}  # fmt: skip


async def send(client: httpx.AsyncClient, form: dict[str, str], timings: Timings) -> str | None:
    """Ask for the consultation; the reference the confirmation page shows, or None."""
    sent = await timed(timings, "POST /result/send/", lambda: client.post(
        "/result/send/", data=form))  # fmt: skip
    if sent.status_code != 302:
        raise RuntimeError(f"submit: HTTP {sent.status_code}")
    thanks = await timed(timings, "GET /thanks/", lambda: client.get("/thanks/"))
    match = re.search(r"MN-[A-Z0-9]{4}-[A-Z0-9]{4}", thanks.text)
    return match.group(0) if match else None


async def person(client: httpx.AsyncClient, n: int, timings: Timings) -> str | None:
    """One person, start to confirmation."""
    return await send(client, await prepare(client, n, timings), timings)


async def api_client(client: httpx.AsyncClient, token: str, timings: Timings, rounds: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(rounds):
        await timed(timings, "API assessments, during the load", lambda: client.post(
            "/api/v1/assessments", json=INCIDENT, headers=headers))  # fmt: skip


async def api_lead(client: httpx.AsyncClient, token: str, n: int, timings: Timings) -> str | None:
    body = {"incident": INCIDENT, "contact": {"name": f"Person {n}", "phone": "555-0100"},
            "consent": {"privacy": True, "no_relationship": True}}  # fmt: skip
    response = await timed(timings, "API leads", lambda: client.post(
        "/api/v1/leads", json=body, headers={"Authorization": f"Bearer {token}"}))  # fmt: skip
    return response.json()["reference"] if response.status_code == 201 else None


async def run_load(server: Server, people: int, api_rounds: int) -> dict[str, Any]:
    token = server.token()
    timings: Timings = defaultdict(list)
    errors: list[str] = []
    limits = httpx.Limits(max_connections=people + 10)
    via_api = os.environ.get("MONELL_BENCH_FLOW") == "api"
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=server.base, timeout=REQUEST_TIMEOUT,
                                 limits=limits) as api:  # fmt: skip
        # Warm the app (the first requests load the law data and templates), then time the
        # API alone, one request at a time: the "warm API assessment" figure.
        await api.get("/")
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(5):
            await api.post("/api/v1/assessments", json=INCIDENT, headers=headers)
        for _ in range(200):
            await timed(timings, "API assessments, warm, alone", lambda: api.post(
                "/api/v1/assessments", json=INCIDENT, headers=headers))  # fmt: skip

        async def one(n: int) -> str | None:
            async with httpx.AsyncClient(base_url=server.base, timeout=REQUEST_TIMEOUT) as c:
                try:
                    if via_api:
                        return await api_lead(c, token, n, timings)
                    return await person(c, n, timings)
                except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as exc:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
                    return None

        tasks = [one(n) for n in range(people)]
        tasks.append(api_client(api, token, timings, api_rounds))  # type: ignore[arg-type]
        started = time.perf_counter()
        results = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    confirmed = [r for r in results[:people] if r]
    stored = server.stored()
    lost = [r for r in confirmed if r not in stored]
    half = [r for r, ok in stored.items() if not ok]
    return {
        "flow": "api leads" if via_api else "public interview",
        "people": people, "elapsed_s": round(elapsed, 2),
        "submissions_per_s": round(len(confirmed) / elapsed, 2),
        "requests_per_s": round(sum(len(v) for v in timings.values()) / elapsed, 1),
        "confirmed": len(confirmed), "errors": len(errors), "error_samples": errors[:5],
        "lost": len(lost), "half_written": len(half),
        "pages": {page: {"n": len(v), "p50_ms": round(1000 * statistics.median(v), 1),
                         "p95_ms": round(1000 * pct(v, 0.95), 1)}
                  for page, v in sorted(timings.items())},
    }  # fmt: skip


def warm(server: Server, token: str) -> None:
    """One assessment first: a server answers its first request slowly (data loading)."""
    httpx.post(server.base + "/api/v1/assessments", json=INCIDENT, timeout=REQUEST_TIMEOUT,
               headers={"Authorization": f"Bearer {token}"})  # fmt: skip


async def run_kill9(server: Server, people: int, kills: int) -> dict[str, Any]:
    token = server.token()
    via_api = os.environ.get("MONELL_BENCH_FLOW") == "api"
    confirmed: list[str] = []
    resent: list[str] = []
    cut: list[str] = []
    failed = 0
    for round_no in range(kills):
        timings: Timings = defaultdict(list)
        warm(server, token)

        if via_api:

            async def submit(n: int, r: int = round_no, timings: Timings = timings) -> None:
                """API leads again and again until the server dies under one (bounded)."""
                nonlocal failed
                async with httpx.AsyncClient(base_url=server.base,
                                             timeout=REQUEST_TIMEOUT) as c:  # fmt: skip
                    for i in range(50):
                        try:
                            ref = await api_lead(c, token, (r * 100 + n) * 100 + i, timings)
                        except httpx.HTTPError as exc:
                            failed += 1  # cut by the kill: never confirmed to the person
                            cut.append(type(exc).__name__)
                            return
                        if ref:
                            confirmed.append(ref)

            async def killer(r: int = round_no) -> None:
                await asyncio.sleep(KILL_AFTER_S + 1.5 * r)
                server.kill9()

            await asyncio.gather(*(submit(n) for n in range(people)), killer())
        else:
            # Everyone fills in the interview first; then all ask for a consultation at once
            # and the server is killed while those requests are in flight.
            clients = [httpx.AsyncClient(base_url=server.base, timeout=REQUEST_TIMEOUT)
                       for _ in range(people)]  # fmt: skip
            forms = await asyncio.gather(
                *(prepare(c, round_no * 1000 + n, timings) for n, c in enumerate(clients))
            )

            retry: list[tuple[httpx.AsyncClient, dict[str, str]]] = []

            async def one(
                c: httpx.AsyncClient,
                form: dict[str, str],
                timings: Timings = timings,
                retry: list[tuple[httpx.AsyncClient, dict[str, str]]] = retry,
            ) -> None:
                nonlocal failed
                try:
                    ref = await send(c, form, timings)
                except (httpx.HTTPError, RuntimeError) as exc:
                    failed += 1
                    cut.append(type(exc).__name__)
                    retry.append((c, form))
                    return
                if ref:
                    confirmed.append(ref)

            async def killer_soon(r: int = round_no) -> None:
                await asyncio.sleep(0.2 + 0.3 * r)
                server.kill9()

            await asyncio.gather(*(one(c, f) for c, f in zip(clients, forms, strict=True)),
                                 killer_soon())  # fmt: skip
            # The person whose request the kill cut presses "send" again after the restart:
            # the same form (same idempotency key) must give one lead, never two.
            server.start()
            for c, form in retry:
                try:
                    ref = await send(c, form, timings)
                except (httpx.HTTPError, RuntimeError):
                    ref = None
                if ref:
                    resent.append(ref)
            for c in clients:
                await c.aclose()
            continue
        server.start()
    stored = server.stored()
    return {
        "flow": "api leads" if via_api else "public interview",
        "kills": kills, "people_per_round": people, "confirmed": len(confirmed),
        "requests_cut_by_the_kill": failed, "how_cut": sorted(set(cut)),
        "stored": len(stored),
        "confirmed_but_missing": len([r for r in confirmed if r not in stored]),
        "cut_then_sent_again_and_confirmed": len(resent),
        "stored_but_never_confirmed": len(set(stored) - set(confirmed) - set(resent)),
        "duplicates": len(confirmed + resent) - len(set(confirmed + resent)),
        "half_written": len([r for r, ok in stored.items() if not ok]),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["load", "kill9"])
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="10 people: a smoke run")
    args = parser.parse_args()
    people = args.people or (10 if args.quick else (200 if args.mode == "load" else 60))
    workdir = Path(tempfile.mkdtemp(prefix="monell-web-bench-"))
    with postgres() if args.db == "postgresql" else _sqlite(workdir) as db_url:
        server = Server(db_url, workdir)
        server.start()
        try:
            if args.mode == "load":
                result = asyncio.run(run_load(server, people, api_rounds=max(50, people)))
            else:
                result = asyncio.run(run_kill9(server, people, args.kills))
        finally:
            server.stop()
    result.update({"db": args.db, "cpus": os.cpu_count(), "load_avg": os.getloadavg()[0]})
    print(json.dumps(result, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def _sqlite(workdir: Path) -> Any:
    yield f"sqlite:///{workdir / 'web.sqlite3'}"


if __name__ == "__main__":
    main()
