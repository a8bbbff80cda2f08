"""With Redis, a process trusts a revision it read until a change is announced on its subscription,
or until Redis has been silent for a lease."""

import contextlib
import socket
import threading
import time

import pytest
import redis

from catalog import revisions as revisions_module
from catalog.revisions import CHANNEL, Revisions
from tests.factories import make_compound

TEST_REDIS = "redis://127.0.0.1:6379/9"


def redis_running() -> bool:
    try:
        return redis.Redis.from_url(TEST_REDIS, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def service():
    """A Revisions of the test's own: what one app server's process holds."""
    service = Revisions()
    yield service
    service.reset()


@pytest.fixture
def with_redis(settings, service):
    if not redis_running():
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.REDIS_URL = TEST_REDIS
    with redis.Redis.from_url(TEST_REDIS) as client:
        yield client


@pytest.fixture
def database_lookups(monkeypatch, service):
    """Records each slug the service asks of the database."""
    asked = []
    original = service.compound_from_database
    monkeypatch.setattr(service, "compound_from_database", lambda slug: asked.append(slug) or original(slug))
    return asked


@pytest.fixture
def compound(db):
    return make_compound(name="Milnacipran", slug="milnacipran")


@pytest.fixture
def lookups_for(service):
    def lookups(times: int, slug: str = "milnacipran") -> list:
        """(pk, revision) of each of ``times`` lookups, or None where there is no such compound."""
        states = [service.compound(slug) for _ in range(times)]
        return [None if state is None else (state.pk, state.revision) for state in states]

    return lookups


def announce_from_another_server(client) -> None:
    client.publish(CHANNEL, b"changed")
    client.ping()  # as Revisions.announce() does: the message is on every subscriber's socket now


def test_without_redis_every_lookup_asks_the_database(settings, service, compound, database_lookups, lookups_for):
    settings.REDIS_URL = ""
    lookups_for(3)
    assert database_lookups == ["milnacipran"] * 3


def test_with_redis_a_revision_read_is_remembered(with_redis, compound, database_lookups, lookups_for):
    assert (lookups_for(3), database_lookups) == ([(compound.pk, compound.revision)] * 3, ["milnacipran"])


def test_a_change_announced_by_another_server_sends_the_next_lookup_to_the_database(
    with_redis, compound, database_lookups, lookups_for
):
    lookups_for(2)
    announce_from_another_server(with_redis)
    lookups_for(2)
    assert database_lookups == ["milnacipran"] * 2


def test_a_committed_change_is_announced(
    with_redis, compound, database_lookups, lookups_for, django_capture_on_commit_callbacks
):
    lookups_for(2)  # remembered by this "server"; the save below announces from the process-wide service
    with django_capture_on_commit_callbacks(execute=True):
        compound.iupac_name = "changed"
        compound.save()
    assert (lookups_for(1)[0], len(database_lookups)) == ((compound.pk, compound.revision), 2)


def test_a_broken_subscription_trusts_nothing_remembered(with_redis, compound, database_lookups, lookups_for):
    lookups_for(2)
    with_redis.client_kill_filter(_type="pubsub")  # as a Redis restart would
    lookups_for(2)  # the first finds the subscription closed; until the retry both ask the database
    assert database_lookups == ["milnacipran"] * 3


def advance_clock(monkeypatch, seconds: float) -> None:
    clock = time.monotonic() + seconds
    monkeypatch.setattr(revisions_module.time, "monotonic", lambda: clock)


def test_remembered_revisions_expire(with_redis, service, compound, database_lookups, lookups_for, monkeypatch):
    service.LEASE_SECONDS = 10 * service.MAX_TRUST_SECONDS  # Redis's answers are not what this is about
    lookups_for(2)
    advance_clock(monkeypatch, service.MAX_TRUST_SECONDS + 1)
    lookups_for(1)
    assert database_lookups == ["milnacipran"] * 2


def test_redis_not_answering_means_asking_the_database(settings, service, compound, database_lookups, lookups_for):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert (lookups_for(2), database_lookups) == ([(compound.pk, compound.revision)] * 2, ["milnacipran"] * 2)


def test_an_unknown_slug_is_none_and_never_remembered(with_redis, db, database_lookups, lookups_for):
    assert (lookups_for(3, "nothing-here"), database_lookups) == ([None] * 3, ["nothing-here"] * 3)


@pytest.fixture
def announcements(with_redis):
    pubsub = with_redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(CHANNEL)
    pubsub.get_message(timeout=1)  # the confirmation
    yield lambda: [m for m in iter(lambda: pubsub.get_message(timeout=0.2), None)]
    pubsub.close()


def test_a_catalog_change_is_announced_once_committed(announcements, service, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service.catalog_changed()
    assert [m["data"] for m in announcements()] == [b"changed"]


def test_a_transaction_of_many_changes_announces_once(announcements, service, db, django_capture_on_commit_callbacks):
    compounds = [make_compound() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for compound in compounds:
            service.bump([compound.pk])
        service.catalog_changed()
    assert [m["data"] for m in announcements()] == [b"changed"]


def test_a_rolled_back_change_announces_nothing(announcements, service, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        service.catalog_changed()
    assert (announcements(), len(callbacks)) == ([], 1)


def test_a_failed_announcement_is_logged_and_this_process_forgets(
    settings, with_redis, service, compound, database_lookups, lookups_for, monkeypatch, caplog
):
    lookups_for(2)
    monkeypatch.setattr(revisions_module.time, "sleep", lambda seconds: None)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    service.announce()
    settings.REDIS_URL = TEST_REDIS
    lookups_for(1)
    assert ("could not announce a catalog change" in caplog.text, database_lookups) == (True, ["milnacipran"] * 2)


def test_a_failed_announcement_waits_out_the_lease(settings, service, monkeypatch):
    """So that no server still trusts the old revision when the editor's request returns."""
    waited = []
    monkeypatch.setattr(revisions_module.time, "sleep", waited.append)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    service.announce()
    assert len(waited) == 1 and 0 < waited[0] <= service.LEASE_SECONDS


def test_the_catalog_revision_is_remembered_until_a_change_is_announced(
    with_redis, service, db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    before = service.catalog()
    with django_assert_num_queries(0):
        service.catalog()
    with django_capture_on_commit_callbacks(execute=True):
        service.catalog_changed()
    assert service.catalog() == before + 1


class FrozenRedis:
    """A Redis that confirms a subscription, then never answers again (as a stopped redis-server)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.connections = []
        self.threads = [threading.Thread(target=self.serve, daemon=True)]
        self.threads[0].start()

    def serve(self) -> None:
        while True:
            try:
                peer, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(peer)
            self.threads.append(threading.Thread(target=self.answer, args=(peer,), daemon=True))
            self.threads[-1].start()

    @staticmethod
    def answer(peer: socket.socket) -> None:
        """OK to the connection's set-up commands, the confirmation to SUBSCRIBE, then silence."""
        while True:
            try:
                data = peer.recv(65536)
            except OSError:
                return
            if not data:
                return
            for command in data.split(b"\r\n*"):
                if b"SUBSCRIBE" in command.upper():
                    peer.sendall(b"*3\r\n$9\r\nsubscribe\r\n$15\r\ncatalog:changes\r\n:1\r\n")
                elif b"PING" not in command.upper():
                    peer.sendall(b"+OK\r\n")

    def close(self) -> None:
        """Stop its threads (shutdown wakes a blocked accept or recv; close alone does not), so that later
        tests run in a single-threaded process again: catalog.bounded forks, and a fork beside live
        threads is what Python warns about."""
        for sock in (self.listener, *self.connections):
            with contextlib.suppress(OSError):  # not connected
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self.threads:
            thread.join(timeout=5)


@pytest.fixture
def frozen_redis(settings):
    frozen = FrozenRedis()
    settings.REDIS_URL = frozen.url
    yield frozen
    frozen.close()


def test_a_silent_redis_is_trusted_only_for_a_lease(
    frozen_redis, service, compound, database_lookups, lookups_for, monkeypatch
):
    lookups_for(2)  # subscribed, then remembered
    advance_clock(monkeypatch, service.LEASE_SECONDS + 0.1)  # our PINGs go unanswered meanwhile
    lookups_for(2)
    assert database_lookups == ["milnacipran"] * 3
