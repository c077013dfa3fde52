"""The benchmark's peer: GET /users/{id}/profile (shared/API.md) on the asyncio stack that
Fanout's principles come from, built from Debian 12's packages only:

- FastAPI on uvicorn, with uvloop as the event loop and httptools as the HTTP parser;
- one shared httpx.AsyncClient with limits, for the three upstreams;
- an asyncpg pool for the user's row;
- asyncio.TaskGroup for the four parts at once, asyncio.timeout_at() per part and for the request.

Same contract as Fanout's profile: user and billing required, orders and recommendations
optional (a failed one is null, named in `degraded` and in X-Degraded, and the answer is still
200); a required part that fails cancels the others and the answer is problem+json 404, 502,
503 or 504. The timeouts, the deadline, the pool sizes and the bounds are read from Fanout's own
application.properties, with Quarkus' environment-variable overrides, so that both stacks run
with the same numbers by construction (see `Settings`).

Run by bench/run.sh:  /usr/bin/python3 bench/peers/asyncio/app.py
"""

import asyncio
import logging
import math
import os
import re
import resource
import uuid
from datetime import timezone
from pathlib import Path

import asyncpg
import httpcore
import httpx
import uvicorn
from httpcore._utils import is_socket_readable
from httpcore.backends.base import AsyncNetworkBackend, AsyncNetworkStream
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

LOG = logging.getLogger("peer")
# At import, so that every uvicorn worker process logs alike (they import this module, not __main__).
logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
PROBLEM_JSON = "application/problem+json"
SELECT_USER = "SELECT id, email, display_name, plan, created_at, updated_at FROM users WHERE id = $1"
DIGITS = re.compile(r"[0-9]+")


# ---------------------------------------------------------------- settings


class Settings:
    """Fanout's application.properties, read the way Quarkus reads it for the keys used here: an
    environment variable named after the key (FANOUT_UPSTREAM_CONNECTION_POOL_SIZE) wins,
    then the property, whose `${VAR:default}` is expanded. One source for both stacks: a timeout
    changed for Fanout changes here too."""

    def __init__(self, path):
        self.properties = {}
        for line in Path(path).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "%")) and "=" in line:
                key, value = line.split("=", 1)
                self.properties[key.strip()] = value.strip()

    def raw(self, key):
        env = re.sub(r"[^A-Za-z0-9]", "_", key).upper()
        if env in os.environ:
            return os.environ[env]
        if key not in self.properties:
            raise KeyError(f"{key} is not in application.properties")
        return re.sub(r"\$\{([^:}]+):?([^}]*)\}", lambda m: os.environ.get(m.group(1), m.group(2)),
                      self.properties[key])

    def integer(self, key):
        return int(self.raw(key))

    def seconds(self, key):
        """An ISO-8601 duration as Quarkus writes them here (PT1S, PT0.05S, PT10M)."""
        match = re.fullmatch(r"PT(?:([0-9.]+)M)?(?:([0-9.]+)S)?", self.raw(key))
        if not match:
            raise ValueError(f"{key}: unsupported duration {self.raw(key)}")
        return float(match.group(1) or 0) * 60 + float(match.group(2) or 0)


# ---------------------------------------------------------------- problems


class Problem(Exception):
    """An answer of its own (RFC 9457), with the same types and details as Fanout's."""

    def __init__(self, status, slug, title, detail, retry_after=False):
        super().__init__(detail)
        self.status, self.type, self.title, self.detail = status, f"urn:fanout:problem:{slug}", title, detail
        self.retry_after = retry_after

    def response(self):
        headers = {"Retry-After": "1"} if self.retry_after else None
        return problem_response(self.status, self.type, self.title, self.detail, headers)


def problem_response(status, type_, title, detail, headers=None):
    return JSONResponse({"type": type_, "title": title, "status": status, "detail": detail},
                        status_code=status, media_type=PROBLEM_JSON, headers=headers)


def invalid(detail):
    return Problem(400, "invalid-parameter", "Invalid parameter", detail)


def user_not_found(user_id):
    return Problem(404, "user-not-found", "User not found", f"There is no user {user_id}")


def deadline_exceeded(work):
    return Problem(504, "deadline-exceeded", "Deadline exceeded",
                   f"{work} did not complete within the request's deadline")


def upstream_timeout(upstream, waited):
    return Problem(504, "upstream-timeout", "Upstream timed out",
                   f"{upstream} did not answer within {round(waited * 1000)} ms")


def upstream_failed(upstream, what):
    return Problem(502, "upstream-failed", "Upstream failed", f"{upstream} {what}")


def upstream_saturated(upstream):
    return Problem(503, "upstream-saturated", "Upstream saturated",
                   f"{upstream} has as many calls in flight as this instance allows; retry shortly", True)


def database_unavailable():
    return Problem(503, "database-unavailable", "Service Unavailable",
                   "The database cannot serve this request right now; retry shortly", True)


class UpstreamNotFound(Exception):
    """A 404 from an upstream: what it means is the caller's to say (billing: a failure)."""


# ---------------------------------------------------------------- deadlines


async def bounded(work, timeout, deadline, on_expiry):
    """Runs `work` for at most its own timeout, cut to what the request's deadline leaves.
    A timeout is its own outcome (`on_expiry(waited)`), never a generic error; a budget already
    spent fails at once, before any I/O."""
    loop = asyncio.get_running_loop()
    budget = min(timeout, deadline - loop.time())
    if budget <= 0:
        work.close()
        raise on_expiry(0)
    try:
        async with asyncio.timeout(budget):
            return await work
    except TimeoutError:
        raise on_expiry(budget) from None


# ---------------------------------------------------------------- the database


class Users:
    """The user's row from an asyncpg pool. Like Fanout's pool, it has a bounded wait line: past
    max-size holders and max-wait-queue waiters, a request is refused with 503 at once instead of
    queueing past its deadline."""

    def __init__(self, pool, max_size, max_waiting):
        self.pool, self.limit, self.admitted = pool, max_size + max_waiting, 0

    async def find(self, user_id):
        if self.admitted >= self.limit:
            raise database_unavailable()
        self.admitted += 1
        try:
            async with self.pool.acquire() as connection:
                row = await connection.fetchrow(SELECT_USER, user_id)
        except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.TooManyConnectionsError,
                asyncpg.CannotConnectNowError) as e:
            # Down, restarting or out of connections: a 503 the client may retry, as Fanout's.
            LOG.warning("Database unavailable: %r", e)
            raise database_unavailable() from e
        finally:
            self.admitted -= 1
        if row is None:
            raise user_not_found(user_id)
        return {"id": row["id"], "email": row["email"], "displayName": row["display_name"], "plan": row["plan"],
                "createdAt": instant(row["created_at"]), "updatedAt": instant(row["updated_at"])}


def instant(moment):
    """As Fanout's Instant: UTC with a Z."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class NoResetConnection(asyncpg.Connection):
    """asyncpg runs `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` on every
    release to the pool. The profile's one SELECT leaves no such state, and Fanout's pool does not
    reset either, so that extra round trip per request would be measured for nothing. (asyncpg
    0.30 has `create_pool(reset=...)` for this; Debian 12 ships 0.27, where this hook is it.)"""

    def _get_reset_query(self):
        return ""


# ---------------------------------------------------------------- the upstreams


class AsyncioBackend(AsyncNetworkBackend):
    """httpcore's connections over asyncio's own streams instead of anyio's.

    Debian 12's anyio (3.6.2) leaks a cancellation into the calling task on Python 3.11 when it
    connects: connect_tcp races its attempts in a task group and cancels that group once one
    succeeds, and that cancel reaches the task that asked for the connection (seen here: a
    CancelledError in the next read of an orders call that nothing had cancelled, a 500 on the
    first profiles of every worker). Fixed in later anyio (agronholm/anyio#591, #606); asyncio's
    open_connection cancels nothing."""

    async def connect_tcp(self, host, port, timeout=None, local_address=None):
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(host, port, local_addr=local)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no connection in {timeout} s") from None
        except OSError as e:
            raise httpcore.ConnectError(str(e)) from e
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(self, path, timeout=None):
        raise httpcore.ConnectError("no Unix sockets here")

    async def sleep(self, seconds):
        await asyncio.sleep(seconds)


class AsyncioStream(AsyncNetworkStream):
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    async def read(self, max_bytes, timeout=None):
        try:
            async with asyncio.timeout(timeout):
                return await self.reader.read(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout(f"no answer in {timeout} s") from None
        except OSError as e:
            raise httpcore.ReadError(str(e)) from e

    async def write(self, buffer, timeout=None):
        if not buffer:
            return
        try:
            self.writer.write(buffer)
            async with asyncio.timeout(timeout):
                await self.writer.drain()
        except TimeoutError:
            raise httpcore.WriteTimeout(f"not written in {timeout} s") from None
        except OSError as e:
            raise httpcore.WriteError(str(e)) from e

    async def aclose(self):
        self.writer.close()

    def get_extra_info(self, info):
        if info == "is_readable":  # the pool's check that an idle connection was not closed
            return is_socket_readable(self.writer.get_extra_info("socket"))
        return self.writer.get_extra_info(info)



class Upstreams:
    """One shared httpx.AsyncClient for the three upstreams. Like Fanout's UpstreamCalls, each
    upstream may have at most `per_upstream` calls in flight (the size of Fanout's pool per
    upstream); past that a call is refused at once (503 for billing, degraded for the others),
    so the client's own pool never holds a waiting request."""

    def __init__(self, client, urls, per_upstream):
        self.client, self.urls, self.per_upstream = client, urls, per_upstream
        self.in_flight = dict.fromkeys(urls, 0)

    async def get_json(self, upstream, path, kind):
        if self.in_flight[upstream] >= self.per_upstream:
            raise upstream_saturated(upstream)
        self.in_flight[upstream] += 1
        try:
            answer = await self.client.get(self.urls[upstream] + path)
        except httpx.TransportError as e:
            raise upstream_failed(upstream, "could not be reached or dropped the connection") from e
        finally:
            self.in_flight[upstream] -= 1
        if answer.status_code == 404:
            raise UpstreamNotFound(upstream)
        if not 200 <= answer.status_code < 300:
            raise upstream_failed(upstream, f"answered HTTP {answer.status_code}")
        try:
            body = answer.json()
        except ValueError as e:
            raise upstream_failed(upstream, "sent a malformed answer") from e
        if not isinstance(body, kind):
            raise upstream_failed(upstream, "sent a malformed answer")
        return body


def fields(value, names, upstream):
    """Typed binding in miniature: the fields the profile shows, or a malformed answer."""
    try:
        return {name: value[name] for name in names}
    except (KeyError, TypeError) as e:
        raise upstream_failed(upstream, "sent a malformed answer") from e


# ---------------------------------------------------------------- the profile


def succeeded(task):
    return task.done() and not task.cancelled() and task.exception() is None


class Profiles:
    def __init__(self, users, upstreams, settings):
        self.users, self.upstreams = users, upstreams
        self.user_timeout = settings.seconds("fanout.profile.user.timeout")
        self.billing_timeout = settings.seconds("fanout.profile.billing.timeout")
        self.orders_timeout = settings.seconds("fanout.profile.orders.timeout")
        self.orders_limit = settings.integer("fanout.profile.orders.limit")
        self.recommendations_timeout = settings.seconds("fanout.profile.recommendations.timeout")

    async def profile_of(self, user_id, deadline):
        """All four parts at once in one TaskGroup, the whole under the request's deadline
        (asyncio.timeout_at) and each part under its own timeout cut to that deadline. A required
        part's failure cancels its siblings (their HTTP requests are closed, the query's connection
        goes back to the pool) and comes up in an ExceptionGroup. An optional part's failure or
        timeout degrades it. When the deadline cancels the group, what had finished decides, not
        which timer fired first: with user and billing in hand, the optional parts still pending
        degrade and the answer is 200; a 504 means a required part was still missing."""
        degraded, failure = [], None
        try:
            async with asyncio.timeout_at(deadline):
                async with asyncio.TaskGroup() as parts:
                    user = parts.create_task(self.user(user_id, deadline))
                    billing = parts.create_task(self.billing(user_id, deadline))
                    orders = parts.create_task(self.optional("orders", self.orders(user_id, deadline), degraded))
                    recommendations = parts.create_task(
                        self.optional("recommendations", self.recommendations(user_id, deadline), degraded))
        except* Problem as group:
            # The first failure decides the answer; all of them are logged together. (Raised
            # after the try: what an except* block raises comes out wrapped in a new group.)
            if len(group.exceptions) > 1:
                LOG.debug("profile failed: %s", [str(e) for e in group.exceptions])
            failure = group.exceptions[0]
        except* TimeoutError:
            if not (succeeded(user) and succeeded(billing)):
                failure = deadline_exceeded("profile")
        if failure is not None:
            raise failure
        for name, part in (("orders", orders), ("recommendations", recommendations)):
            if part.cancelled() and name not in degraded:  # cut by the deadline
                degraded.append(name)
        degraded.sort(key=("orders", "recommendations").index)  # in the parts' order, as Fanout names them
        return {"user": user.result(), "billing": billing.result(),
                "orders": None if orders.cancelled() else orders.result(),
                "recommendations": None if recommendations.cancelled() else recommendations.result(),
                "degraded": degraded}

    async def user(self, user_id, deadline):
        return await bounded(self.users.find(user_id), self.user_timeout, deadline,
                             lambda waited: deadline_exceeded("the user's read"))

    async def billing(self, user_id, deadline):
        try:
            account = await bounded(self.upstreams.get_json("billing", f"/accounts/{user_id}", dict),
                                    self.billing_timeout, deadline,
                                    lambda waited: upstream_timeout("billing", waited))
        except UpstreamNotFound:
            # Billing holds an account for every user we have, so a 404 is billing's fault.
            raise upstream_failed("billing", "has no account for this user") from None
        return fields(account, ("userId", "balance", "currency", "status"), "billing")

    async def orders(self, user_id, deadline):
        try:
            orders = await bounded(
                self.upstreams.get_json("orders", f"/users/{user_id}/orders?limit={self.orders_limit}", list),
                self.orders_timeout, deadline, lambda waited: upstream_timeout("orders", waited))
        except UpstreamNotFound:
            return []
        return [fields(order, ("id", "total", "currency", "placedAt"), "orders") for order in orders]

    async def recommendations(self, user_id, deadline):
        try:
            recommended = await bounded(
                self.upstreams.get_json("recommendations", f"/users/{user_id}/recommendations", list),
                self.recommendations_timeout, deadline, lambda waited: upstream_timeout("recommendations", waited))
        except UpstreamNotFound:
            return []
        return [fields(item, ("sku", "score"), "recommendations") for item in recommended]

    @staticmethod
    async def optional(name, work, degraded):
        """An optional part: any failure (a Problem, a timeout) becomes None and is named in
        `degraded`. Only Exceptions: a cancellation (BaseException) is never swallowed."""
        try:
            return await work
        except Exception as e:
            LOG.debug("profile degraded: %s (%s)", name, e)
            degraded.append(name)
            return None


# ---------------------------------------------------------------- the app


SETTINGS = Settings(os.environ.get("PEER_APPLICATION_PROPERTIES",
                                   Path(__file__).resolve().parents[3] / "src/main/resources/application.properties"))
WORKERS = int(os.environ.get("PEER_WORKERS", os.cpu_count() or 1))
MAX_DEADLINE = SETTINGS.seconds("fanout.request.max-deadline")
SAFETY_MARGIN = SETTINGS.seconds("fanout.request.safety-margin")

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


def per_worker(total):
    """Each uvicorn worker is a process with its own pools. The database's connections are
    PostgreSQL's to give (max_connections), so the workers share Fanout's number between them."""
    return max(1, math.ceil(total / WORKERS))


@app.on_event("startup")
async def start():
    db_pool = per_worker(SETTINGS.integer("quarkus.datasource.reactive.max-size"))
    db_waiting = per_worker(SETTINGS.integer("fanout.database.max-wait-queue"))
    # Not split: the kernel does not hand the accepted connections out evenly, and a worker with
    # more than half of them would refuse calls that Fanout, one process, makes (seen in a smoke
    # run's warm-up at 256 connections: "billing has as many calls in flight as this instance allows" with
    # 128 per worker). Each worker has a client of Fanout's pool size, as each of Fanout's upstream clients does.
    upstream_pool = SETTINGS.integer("fanout.upstream.connection-pool-size")
    pool = await asyncpg.create_pool(
        os.environ["QUARKUS_DATASOURCE_REACTIVE_URL"], user=os.environ.get("QUARKUS_DATASOURCE_USERNAME"), password=os.environ.get("QUARKUS_DATASOURCE_PASSWORD"),
        min_size=0, max_size=db_pool, connection_class=NoResetConnection,
        max_inactive_connection_lifetime=SETTINGS.seconds("quarkus.datasource.reactive.idle-timeout"),
        timeout=SETTINGS.seconds("fanout.database.connect-timeout"))
    urls = {name: os.environ[f"FANOUT_PROFILE_{name.upper()}_URL"].rstrip("/")
            for name in ("billing", "orders", "recommendations")}
    # Connect and read timeouts as Fanout's upstream clients; the read timeout is only a safety
    # net behind each call's own timeout. The pool may hold every upstream's share at once.
    limits = httpx.Limits(max_connections=3 * upstream_pool, max_keepalive_connections=3 * upstream_pool,
                          keepalive_expiry=SETTINGS.seconds("fanout.upstream.keep-alive-timeout"))
    transport = httpx.AsyncHTTPTransport(limits=limits)
    # httpx 0.23 takes no network backend, so its pool is replaced by the same pool on asyncio's streams.
    transport._pool = httpcore.AsyncConnectionPool(
        max_connections=limits.max_connections, max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry, network_backend=AsyncioBackend())
    client = httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(SETTINGS.seconds("fanout.upstream.read-timeout"),
                              connect=SETTINGS.seconds("fanout.upstream.connect-timeout"), pool=None))
    app.state.pool, app.state.client = pool, client
    app.state.profiles = Profiles(Users(pool, db_pool, db_waiting), Upstreams(client, urls, upstream_pool), SETTINGS)
    LOG.warning("peer worker %d started: DB pool %d (+%d waiting), %d calls in flight per upstream",
                os.getpid(), db_pool, db_waiting, upstream_pool)


@app.on_event("shutdown")
async def stop():
    await app.state.client.aclose()
    await app.state.pool.close()
    LOG.warning("peer worker %d stopped", os.getpid())


@app.get("/users/{user_id}/profile")
async def profile(user_id: str, request: Request):
    arrival = asyncio.get_running_loop().time()
    try:
        user = positive_id(user_id)  # the id first, then the header, in Fanout's order
        deadline = arrival + budget_of(request.headers.get("Request-Timeout")) - SAFETY_MARGIN
        answer = await request.app.state.profiles.profile_of(user, deadline)
    except Problem as problem:
        if problem.status >= 500 and problem.type != "urn:fanout:problem:database-unavailable":
            LOG.warning("%d %s", problem.status, problem.detail)
        return problem.response()
    headers = {"X-Degraded": ",".join(answer["degraded"])} if answer["degraded"] else None
    return JSONResponse(answer, headers=headers)


def positive_id(raw):
    """As Fanout's Params.positiveId: a 400, not a 404 or FastAPI's 422, for a bad id."""
    if len(raw) > 19 or not DIGITS.fullmatch(raw) or not 0 < int(raw) < 2 ** 63:
        raise invalid("id must be a positive integer")
    return int(raw)


def budget_of(header):
    """The configured maximum, lowered by Request-Timeout: <ms>, as Fanout's RequestDeadlines."""
    if header is None:
        return MAX_DEADLINE
    value = header.strip()
    if len(value) > 9 or not DIGITS.fullmatch(value) or int(value) == 0:
        raise invalid("Request-Timeout must be a positive number of milliseconds")
    return min(MAX_DEADLINE, int(value) / 1000)


@app.get("/q/health/ready")
async def ready(request: Request):
    try:
        async with asyncio.timeout(1):
            await request.app.state.pool.fetchval("SELECT 1")
    except Exception as e:
        return JSONResponse({"status": "DOWN", "checks": [{"name": "database", "status": "DOWN", "data": repr(e)}]}, 503)
    return {"status": "UP"}


@app.get("/q/health/live")
async def live():
    return {"status": "UP"}


@app.exception_handler(StarletteHTTPException)
async def http_problem(request, e):
    return problem_response(e.status_code, "about:blank", e.detail, e.detail)


@app.exception_handler(Exception)
async def unexpected(request, e):
    reference = str(uuid.uuid4())
    LOG.error("Unexpected failure, reference %s", reference, exc_info=e)
    return problem_response(500, "about:blank", "Internal Server Error",
                            f"An unexpected error occurred; quote reference {reference} when reporting it")


if __name__ == "__main__":
    # 1024 connections from wrk plus the pools' own need more descriptors than a common soft
    # limit of 1024; the JVM lifts its limit to the hard one by itself (MaxFDLimit), so does this.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    # One event loop per process, one process per core (PEER_WORKERS), as asyncio is deployed.
    uvicorn.run("app:app", host="127.0.0.1", port=int(SETTINGS.raw("quarkus.http.port")), workers=WORKERS,
                loop="uvloop", http="httptools", access_log=False, log_level="warning", backlog=4096,
                timeout_keep_alive=60)
