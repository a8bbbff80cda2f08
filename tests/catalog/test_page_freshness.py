"""With Redis, a process trusts a revision it read until a change is announced on its subscription."""

import pytest
import redis

from catalog import page_freshness
from catalog.models import CatalogState
from tests.factories import make_compound

TEST_REDIS = "redis://127.0.0.1:6379/9"


def redis_running() -> bool:
    try:
        return redis.Redis.from_url(TEST_REDIS, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def fresh_state(monkeypatch):
    monkeypatch.setattr(page_freshness, "_subscription", None)
    monkeypatch.setattr(page_freshness, "_retry_at", 0.0)
    page_freshness.forget_remembered()
    yield
    if page_freshness._subscription is not None:
        page_freshness._subscription.disconnect()
    page_freshness.forget_remembered()


@pytest.fixture
def with_redis(settings, fresh_state):
    if not redis_running():
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.REDIS_URL = TEST_REDIS
    with redis.Redis.from_url(TEST_REDIS) as client:
        yield client


@pytest.fixture
def database_lookups(monkeypatch):
    """Records each slug asked of the database."""
    asked = []
    original = page_freshness.revision_from_database
    monkeypatch.setattr(page_freshness, "revision_from_database", lambda slug: asked.append(slug) or original(slug))
    return asked


@pytest.fixture
def compound(db):
    return make_compound(name="Milnacipran", slug="milnacipran")


def lookups_for(times: int, slug: str = "milnacipran") -> list:
    """(pk, revision) of each of ``times`` lookups, or None where there is no such compound."""
    states = [page_freshness.compound_revision(slug) for _ in range(times)]
    return [None if state is None else (state.pk, state.revision) for state in states]


def announce_from_another_server(client) -> None:
    client.publish(page_freshness.CHANNEL, b"changed")
    client.ping()  # as announce_change() does: the message is on every subscriber's socket now


def test_without_redis_every_lookup_asks_the_database(settings, fresh_state, compound, database_lookups):
    settings.REDIS_URL = ""
    lookups_for(3)
    assert database_lookups == ["milnacipran"] * 3


def test_with_redis_a_revision_read_is_remembered(with_redis, compound, database_lookups):
    assert (lookups_for(3), database_lookups) == ([(compound.pk, compound.revision)] * 3, ["milnacipran"])


def test_a_change_announced_by_another_server_sends_the_next_lookup_to_the_database(
    with_redis, compound, database_lookups
):
    lookups_for(2)
    announce_from_another_server(with_redis)
    lookups_for(2)
    assert database_lookups == ["milnacipran"] * 2


def test_a_committed_change_is_announced(
    with_redis, compound, database_lookups, django_capture_on_commit_callbacks, monkeypatch
):
    lookups_for(2)
    # Keep what this process remembers, as another server would: only the announcement may tell it.
    monkeypatch.setattr(page_freshness, "forget_remembered", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        compound.iupac_name = "changed"
        compound.save()
    assert (lookups_for(1)[0], len(database_lookups)) == (
        (compound.pk, compound.revision),
        2,
    )


def test_a_broken_subscription_trusts_nothing_remembered(with_redis, compound, database_lookups):
    lookups_for(2)
    with_redis.client_kill_filter(_type="pubsub")  # as a Redis restart would
    lookups_for(2)  # the first finds the subscription closed; until the retry both ask the database
    assert database_lookups == ["milnacipran"] * 3


def test_remembered_revisions_expire(with_redis, compound, database_lookups, monkeypatch):
    lookups_for(2)
    clock = page_freshness.time.monotonic() + page_freshness.MAX_TRUST_SECONDS + 1
    monkeypatch.setattr(page_freshness.time, "monotonic", lambda: clock)
    page_freshness.compound_revision("milnacipran")
    assert database_lookups == ["milnacipran"] * 2


def test_redis_not_answering_means_asking_the_database(settings, fresh_state, compound, database_lookups):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert (lookups_for(2), database_lookups) == ([(compound.pk, compound.revision)] * 2, ["milnacipran"] * 2)


def test_an_unknown_slug_is_none_and_never_remembered(with_redis, db, database_lookups):
    assert (lookups_for(3, "nothing-here"), database_lookups) == ([None] * 3, ["nothing-here"] * 3)


@pytest.fixture
def announcements(with_redis):
    pubsub = with_redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(page_freshness.CHANNEL)
    pubsub.get_message(timeout=1)  # the confirmation
    yield lambda: [m for m in iter(lambda: pubsub.get_message(timeout=0.2), None)]
    pubsub.close()


def test_catalog_state_bump_announces_once_committed(announcements, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CatalogState.bump()
    assert [m["data"] for m in announcements()] == [b"changed"]


def test_a_rolled_back_change_announces_nothing(announcements, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CatalogState.bump()
    assert (announcements(), len(callbacks)) == ([], 1)


def test_a_failed_announcement_is_logged_and_this_process_forgets(
    settings, with_redis, compound, database_lookups, caplog
):
    lookups_for(2)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    page_freshness.announce_change()
    assert ("could not announce a catalog change" in caplog.text, dict(page_freshness._remembered)) == (True, {})


def test_the_catalog_revision_is_remembered_until_a_change_is_announced(
    with_redis, db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    before = page_freshness.catalog_revision()
    with django_assert_num_queries(0):
        page_freshness.catalog_revision()
    with django_capture_on_commit_callbacks(execute=True):
        CatalogState.bump()
    assert page_freshness.catalog_revision() == before + 1
