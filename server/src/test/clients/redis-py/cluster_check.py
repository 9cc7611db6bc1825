"""redis-py's RedisCluster against a Cairn cluster: python3 cluster_check.py PORT [PORT ...].

Run by ClusterClientsIT on a cluster of three masters, one of them with a replica. Checks: commands routed by slot,
a cross-slot MGET split by the client, a pipeline, hash tags, a slot moved by hand (the client follows MOVED and its
slot table shows the new owner), a manual failover of the master with a replica (the client finds the new master),
and reads from replicas. Exits 0 when every check passed, 1 with the failures listed. Passes against Redis too.
"""
import logging
import sys
import time
import traceback

logging.disable(logging.CRITICAL)  # redis-py 4.3 logs every MOVED it follows, with a traceback

from redis import Redis
from redis.cluster import ClusterNode, RedisCluster
from redis.exceptions import ClusterCrossSlotError

ports = [int(p) for p in sys.argv[1:]]
failures = []


def check(name, body):
    try:
        body()
        print("ok", name)
    except Exception:
        failures.append(name)
        print("FAIL", name)
        traceback.print_exc(file=sys.stdout)


def wait(what, cond, seconds=30):
    deadline = time.time() + seconds
    while not cond():
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)


admins = {}


def admin(port):
    """A plain connection to one node, READONLY so that a replica answers reads of its master's slots."""
    if port not in admins:
        admins[port] = Redis(host="127.0.0.1", port=port, decode_responses=True, single_connection_client=True)
        admins[port].execute_command("READONLY")
    return admins[port]


def cluster_cmd(port, *args):
    # as separate words, so that redis-py returns the reply as sent rather than parsing CLUSTER NODES
    return admin(port).execute_command("CLUSTER", *args)


def nodes_view(port):
    """{id: (port, flags, master id, [slot ranges])} from CLUSTER NODES of the node at port."""
    out = {}
    for line in cluster_cmd(port, "NODES").splitlines():
        f = line.split()
        out[f[0]] = (int(f[1].split(":")[1].split("@")[0]), f[2], f[3], f[8:])
    return out


def owner_port(port, slot):
    for nid, (p, flags, _, ranges) in nodes_view(port).items():
        if "master" not in flags or "fail" in flags.split(","):
            continue
        for r in ranges:
            if r.startswith("["):
                continue
            lo, _, hi = r.partition("-")
            if int(lo) <= slot <= int(hi or lo):
                return p
    return None


rc = RedisCluster(startup_nodes=[ClusterNode("127.0.0.1", p) for p in ports], decode_responses=True,
                  read_from_replicas=False)


def routing():
    for i in range(300):
        assert rc.set(f"py:{i}", f"v{i}")
    for i in range(300):
        assert rc.get(f"py:{i}") == f"v{i}", i
    assert len(rc.get_primaries()) == 3, rc.get_primaries()
    assert len(rc.get_replicas()) == 1, rc.get_replicas()
    assert rc.mget_nonatomic([f"py:{i}" for i in range(50)]) == [f"v{i}" for i in range(50)]
    assert rc.set("{user1}:a", "1") and rc.set("{user1}:b", "2")
    assert rc.mget("{user1}:a", "{user1}:b") == ["1", "2"]
    assert rc.keyslot("{user1}:a") == rc.keyslot("{user1}:b")
    try:
        rc.execute_command("MGET", "{user1}:a", "py:1", target_nodes=rc.get_node_from_key("py:1"))
        raise AssertionError("cross-slot MGET was served")
    except ClusterCrossSlotError:
        pass
    pipe = rc.pipeline()
    for i in range(100):
        pipe.incr(f"pyc:{i}")
    assert pipe.execute() == [1] * 100
    assert rc.cluster_keyslot("py:1") == rc.keyslot("py:1")


def moved():
    key = "py:7"
    slot = rc.keyslot(key)
    src_port = owner_port(ports[0], slot)
    dst_port = next(p for p in (owner_port(ports[0], s) for s in (0, 8000, 16000)) if p != src_port)
    src, dst = admin(src_port), admin(dst_port)
    src_id, dst_id = cluster_cmd(src_port, "MYID"), cluster_cmd(dst_port, "MYID")
    assert cluster_cmd(dst_port, "SETSLOT", slot, "IMPORTING", src_id) == "OK"
    assert cluster_cmd(src_port, "SETSLOT", slot, "MIGRATING", dst_id) == "OK"
    # the client meets ASK for a new key of the slot while it migrates
    newkey = "{py:7}new"
    assert rc.set(newkey, "asked")
    while True:
        keys = cluster_cmd(src_port, "GETKEYSINSLOT", slot, 10)
        if not keys:
            break
        src.execute_command("MIGRATE", "127.0.0.1", dst_port, "", 0, 5000, "KEYS", *keys)
    for p in (dst_port, src_port):
        assert cluster_cmd(p, "SETSLOT", slot, "NODE", dst_id) == "OK"
    for nid, (p, flags, _, _) in nodes_view(src_port).items():
        if p not in (src_port, dst_port) and "master" in flags.split(","):
            assert cluster_cmd(p, "SETSLOT", slot, "NODE", dst_id) == "OK"
    assert rc.get(key) == "v7"
    assert rc.get(newkey) == "asked"
    assert rc.get_node_from_key(key).port == dst_port, (rc.get_node_from_key(key), dst_port)
    assert rc.set(key, "v7")


def failover():
    slot = 0
    old_port = owner_port(ports[0], slot)
    view = nodes_view(old_port)
    old_id = next(i for i, v in view.items() if v[0] == old_port)
    replica_port = next(v[0] for v in view.values() if "slave" in v[1] and v[2] == old_id)
    # a key the master to fail over serves
    key = next(f"fo:{i}" for i in range(100000) if owner_port(ports[0], rc.keyslot(f"fo:{i}")) == old_port)
    assert rc.set(key, "before")
    wait("the replica in sync", lambda: admin(replica_port).get(key) == "before")
    assert cluster_cmd(replica_port, "FAILOVER") == "OK"
    wait("the replica promoted", lambda: owner_port(replica_port, slot) == replica_port
         and owner_port(old_port, slot) == replica_port)
    deadline = time.time() + 30
    while True:  # the client learns the new master from MOVED (or a refresh after a connection error)
        try:
            assert rc.set(key, "after")
            break
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    assert rc.get(key) == "after"
    assert rc.get_node_from_key(key).port == replica_port, (rc.get_node_from_key(key), replica_port)
    assert admin(replica_port).get(key) == "after"


def replica_reads():
    ro = RedisCluster(startup_nodes=[ClusterNode("127.0.0.1", ports[0])], decode_responses=True,
                      read_from_replicas=True)
    for i in range(50):
        assert ro.get(f"py:{i}") == f"v{i}"
    ro.close()


check("routing by slot, hash tags, cross-slot, pipeline", routing)
check("a moved slot: ASK then MOVED followed", moved)
check("manual failover: the new master found", failover)
check("reads from replicas", replica_reads)
rc.close()
if failures:
    print("failed:", ", ".join(failures))
    sys.exit(1)
