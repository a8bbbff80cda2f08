"""With Redis, a process trusts a revision it read only while the catalog epoch it read it under stands."""

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
    monkeypatch.setattr(page_freshness, "_client", None)
    monkeypatch.setattr(page_freshness, "_redis_down_until", 0.0)
    page_freshness.forget_remembered()
    yield
    page_freshness.forget_remembered()


@pytest.fixture
def with_redis(settings, fresh_state):
    if not redis_running():
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.REDIS_URL = TEST_REDIS
    client = redis.Redis.from_url(TEST_REDIS)
    client.delete(page_freshness.EPOCH_KEY)
    yield client
    client.delete(page_freshness.EPOCH_KEY)


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
    return [page_freshness.compound_revision(slug) for _ in range(times)]


def test_without_redis_every_lookup_asks_the_database(settings, fresh_state, compound, database_lookups):
    settings.REDIS_URL = ""
    lookups_for(3)
    assert database_lookups == ["milnacipran"] * 3


def test_with_redis_a_revision_read_under_the_current_epoch_is_remembered(with_redis, compound, database_lookups):
    lookups_for(3)  # the first creates the epoch, the second reads under it, the third trusts that
    assert database_lookups == ["milnacipran", "milnacipran"]


def test_a_committed_change_sends_the_next_lookup_to_the_database(
    with_redis, compound, database_lookups, django_capture_on_commit_callbacks, monkeypatch
):
    lookups_for(2)
    # Keep what this process remembers, as another server would: only the new epoch may tell it.
    monkeypatch.setattr(page_freshness, "forget_remembered", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        compound.iupac_name = "changed"
        compound.save()
    assert (page_freshness.compound_revision("milnacipran"), len(database_lookups)) == (
        (compound.pk, compound.revision),
        3,
    )


def test_a_change_on_another_server_is_seen_through_the_epoch_alone(with_redis, compound, database_lookups):
    lookups_for(2)
    with_redis.set(page_freshness.EPOCH_KEY, "another-servers-epoch")
    page_freshness.compound_revision("milnacipran")
    assert database_lookups == ["milnacipran"] * 3


def test_a_restarted_redis_without_an_epoch_trusts_nothing_remembered(with_redis, compound, database_lookups):
    lookups_for(2)
    with_redis.delete(page_freshness.EPOCH_KEY)
    lookups_for(2)  # the first finds no epoch (and starts one), the second reads under the new one
    assert database_lookups == ["milnacipran"] * 4


def test_remembered_revisions_expire(with_redis, compound, database_lookups, monkeypatch):
    lookups_for(2)
    clock = page_freshness.time.monotonic() + page_freshness.MAX_TRUST_SECONDS + 1
    monkeypatch.setattr(page_freshness.time, "monotonic", lambda: clock)
    page_freshness.compound_revision("milnacipran")
    assert database_lookups == ["milnacipran"] * 3


def test_redis_not_answering_means_asking_the_database(settings, fresh_state, compound, database_lookups):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert (lookups_for(2), database_lookups) == ([(compound.pk, compound.revision)] * 2, ["milnacipran"] * 2)


def test_an_unknown_slug_is_none_and_never_remembered(with_redis, db, database_lookups):
    lookups_for(3, "nothing-here")
    assert database_lookups == ["nothing-here"] * 3


def test_catalog_state_bump_publishes_a_new_epoch(with_redis, db, django_capture_on_commit_callbacks):
    with_redis.set(page_freshness.EPOCH_KEY, "before")
    with django_capture_on_commit_callbacks(execute=True):
        CatalogState.bump()
    assert with_redis.get(page_freshness.EPOCH_KEY) not in (None, b"before")


def test_a_rolled_back_change_publishes_nothing(with_redis, db, django_capture_on_commit_callbacks):
    with_redis.set(page_freshness.EPOCH_KEY, "before")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CatalogState.bump()
    assert (with_redis.get(page_freshness.EPOCH_KEY), len(callbacks)) == (b"before", 1)


def test_a_failed_publish_is_logged_and_this_process_forgets(
    settings, fresh_state, with_redis, compound, database_lookups, caplog
):
    lookups_for(2)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    page_freshness._client = None
    page_freshness.publish_new_epoch()
    assert ("could not publish a catalog change" in caplog.text, page_freshness._remembered) == (True, {})
