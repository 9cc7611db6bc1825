"""redis-py against a Cairn server: python3 check.py PORT. Exits 0 when every check passed, 1 with the failures listed.

Run by ClientLibrariesIT with a Python that has redis-py (Debian's python3-redis, 4.3), which parses several replies
itself (INFO, CLIENT LIST, XINFO, XPENDING, ...): a field it cannot parse fails here.
"""
import sys
import threading
import time
import traceback

import redis

port = int(sys.argv[1])
failures = []


def check(fn):
    try:
        fn()
        print("ok", fn.__name__)
    except Exception:  # noqa: BLE001 - every failure is reported, then the next check runs
        failures.append(fn.__name__)
        print("FAIL", fn.__name__, traceback.format_exc())
    return fn


r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=10)
r.flushall()


@check
def strings_and_keys():
    assert r.set("s", "v") is True
    assert r.get("s") == "v"
    assert r.get("missing") is None
    assert r.incrby("n", 5) == 5
    assert r.incrbyfloat("f", 2.5) == 2.5
    assert r.mget("s", "missing", "n") == ["v", None, "5"]
    assert r.expire("s", 100) is True
    assert 90 < r.ttl("s") <= 100
    assert r.set("nx", "1", ex=10, nx=True) is True
    assert r.set("nx", "2", ex=10, nx=True) is None
    assert r.getex("s", persist=True) == "v" and r.ttl("s") == -1
    assert r.type("s") == "string"
    for i in range(300):
        r.set(f"scan:{i}", "x")
    assert len(set(r.scan_iter(match="scan:*", count=50))) == 300


@check
def collections():
    assert r.hset("h", mapping={"f1": "v1", "f2": "v2"}) == 2
    assert r.hgetall("h") == {"f1": "v1", "f2": "v2"}
    assert r.rpush("l", "a", "b", "c") == 3
    assert r.lrange("l", 0, -1) == ["a", "b", "c"]
    assert r.blpop(["l"], timeout=1) == ("l", "a")
    assert r.sadd("set", "x", "y") == 2 and r.smembers("set") == {"x", "y"}
    assert r.zadd("z", {"a": 1.5, "b": 2}) == 2
    assert r.zrange("z", 0, -1, withscores=True) == [("a", 1.5), ("b", 2.0)]
    assert r.zscore("z", "a") == 1.5
    assert r.pfadd("hll", "a", "b", "c") == 1 and r.pfcount("hll") == 3
    assert r.geoadd("geo", [13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"]) == 2
    assert abs(r.geodist("geo", "Palermo", "Catania", unit="km") - 166.2742) < 0.001
    near = r.geosearch("geo", longitude=15, latitude=37, radius=200, unit="km", withdist=True, sort="ASC")
    assert near[0][0] == "Catania" and abs(near[0][1] - 56.4413) < 0.001


@check
def streams_and_groups():
    id1 = r.xadd("st", {"k": "1"})
    r.xadd("st", {"k": "2"})
    assert r.xgroup_create("st", "g", id="0") is True
    read = r.xreadgroup("g", "c1", {"st": ">"}, count=10)
    assert read[0][0] == "st" and len(read[0][1]) == 2
    assert read[0][1][0] == (id1, {"k": "1"})
    pending = r.xpending("st", "g")
    assert pending["pending"] == 2 and pending["consumers"] == [{"name": "c1", "pending": 2}]
    info = r.xinfo_stream("st")
    assert info["length"] == 2 and info["groups"] == 1
    groups = r.xinfo_groups("st")
    assert groups[0]["name"] == "g" and groups[0]["pending"] == 2
    assert r.xack("st", "g", id1) == 1


@check
def pipeline_and_transactions():
    p = r.pipeline(transaction=True)
    p.set("t", "1").incr("t").get("t")
    assert p.execute() == [True, 2, "2"]
    p = r.pipeline(transaction=False)
    for i in range(100):
        p.incr("pc")
    assert p.execute()[-1] == 100

    def increment(pipe):
        value = int(pipe.get("w") or 0)
        pipe.multi()
        pipe.set("w", value + 1)

    r.transaction(increment, "w")
    assert r.get("w") == "1"


@check
def scripts_and_locks():
    assert r.eval("return redis.call('incrby', KEYS[1], ARGV[1])", 1, "e", 3) == 3
    script = r.register_script("return {1, 'two', {3}}")
    assert script() == [1, "two", [3]]
    # redis-py's Lock is SET NX PX plus Lua scripts for release and extend
    lock = r.lock("resource", timeout=5)
    assert lock.acquire(blocking=False)
    assert not r.lock("resource", timeout=5).acquire(blocking=False)
    lock.extend(5)
    lock.release()
    assert r.get("resource") is None
    try:
        r.eval("return redis.call('nosuchcommand')", 0)
        raise AssertionError("no error")
    except redis.ResponseError as e:
        assert "Unknown Redis command called from script" in str(e)


@check
def pub_sub():
    p = r.pubsub()
    p.subscribe("news")
    p.psubscribe("n*")
    for _ in range(2):
        assert p.get_message(timeout=5)["type"] in ("subscribe", "psubscribe")
    threading.Timer(0.1, lambda: r.publish("news", "hello")).start()
    got = set()
    deadline = time.time() + 5
    while len(got) < 2 and time.time() < deadline:
        m = p.get_message(timeout=1)
        if m:
            got.add((m["type"], m["channel"], m["data"]))
    assert got == {("message", "news", "hello"), ("pmessage", "news", "hello")}
    assert r.pubsub_numsub("news") == [("news", 1)]
    p.close()


@check
def server_replies_redis_py_parses():
    info = r.info()
    assert "redis_version" in info and isinstance(info["connected_clients"], int)
    assert isinstance(r.info("keyspace").get("db0"), dict)
    r.client_setname("rpy")
    clients = r.client_list()
    assert any(c["name"] == "rpy" for c in clients)
    assert r.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    assert r.dbsize() > 0
    assert isinstance(r.memory_usage("s"), int)
    seconds, _ = r.time()
    assert abs(seconds - time.time()) < 60
    assert r.slowlog_len() >= 0
    assert isinstance(r.command_count(), int)


@check
def errors():
    try:
        r.get("l")
        raise AssertionError("no error")
    except redis.ResponseError as e:
        assert str(e) == "WRONGTYPE Operation against a key holding the wrong kind of value"


if failures:
    print(f"{len(failures)} failed: {', '.join(failures)}")
    sys.exit(1)
print("all passed")
