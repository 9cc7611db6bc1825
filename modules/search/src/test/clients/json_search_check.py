"""redis-py's JSON and search clients (r.json(), r.ft() in Debian's python3-redis 4.3) against Cairn's bundled JSON
and search modules: python3 json_search_check.py PORT. Exits 0 when every check passed, 1 with the failures listed.
Run by SearchRedisPyIT.
"""
import sys
import traceback

import redis
from redis.commands.json.path import Path
from redis.commands.search.field import NumericField, TagField, TextField
from redis.commands.search.indexDefinition import IndexDefinition, IndexType
from redis.commands.search.query import NumericFilter, Query
import redis.commands.search.aggregation as aggregations
import redis.commands.search.reducers as reducers

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
j = r.json()


@check
def json_documents():
    doc = {"name": "Ann", "age": 33, "tags": ["a", "b"], "address": {"city": "Oslo"}}
    assert j.set("doc", Path.root_path(), doc) is True
    assert j.get("doc") == doc
    assert j.get("doc", Path(".address.city")) == "Oslo"
    assert j.get("doc", "$.tags[*]") == ["a", "b"]
    assert j.numincrby("doc", Path(".age"), 1) == 34
    assert j.arrappend("doc", Path(".tags"), "c") == 3
    assert j.arrlen("doc", Path(".tags")) == 3
    assert j.strappend("doc", "!", Path(".name")) == 4
    assert j.type("doc", Path(".address")) == "object"
    assert sorted(j.objkeys("doc", Path.root_path())) == ["address", "age", "name", "tags"]
    assert j.mget(["doc", "missing"], Path(".name")) == ["Ann!", None]
    assert j.delete("doc", Path(".address")) == 1
    assert j.toggle("flag", Path.root_path()) if j.set("flag", Path.root_path(), False) else False
    assert j.get("flag") is True


@check
def search_on_hashes():
    ft = r.ft("idx")
    ft.create_index([TextField("title", weight=5.0), TextField("body"), NumericField("price", sortable=True),
                     TagField("color")], definition=IndexDefinition(prefix=["item:"]))
    r.hset("item:1", mapping={"title": "red shoes", "body": "comfortable running shoes", "price": 50,
                              "color": "red"})
    r.hset("item:2", mapping={"title": "blue shirt", "body": "cotton shirt for running", "price": 20,
                              "color": "blue"})
    r.hset("item:3", mapping={"title": "red hat", "body": "a hat", "price": 15, "color": "red"})
    res = ft.search(Query("running").sort_by("price").paging(0, 10))
    assert res.total == 2 and [d.id for d in res.docs] == ["item:2", "item:1"], (res.total, res.docs)
    assert res.docs[0].title == "blue shirt"
    res = ft.search(Query("@color:{red}").add_filter(NumericFilter("price", 10, 20)))
    assert [d.id for d in res.docs] == ["item:3"]
    res = ft.search(Query("shoes").return_fields("title").with_scores())
    assert res.docs[0].id == "item:1" and float(res.docs[0].score) > 0 and res.docs[0].title == "red shoes"
    info = ft.info()
    assert info["index_name"] == "idx" and int(info["num_docs"]) == 3
    req = aggregations.AggregateRequest("*").group_by("@color", reducers.count().alias("n")).sort_by("@color")
    rows = ft.aggregate(req).rows
    assert rows == [["color", "blue", "n", "1"], ["color", "red", "n", "2"]], rows
    assert ft.explain("red shoes")
    ft.dropindex(delete_documents=False)
    assert r.exists("item:1") == 1


@check
def search_on_json():
    ft = r.ft("jidx")
    ft.create_index([TextField("$.name", as_name="name"), NumericField("$.age", as_name="age")],
                    definition=IndexDefinition(prefix=["person:"], index_type=IndexType.JSON))
    j.set("person:1", Path.root_path(), {"name": "Ann Smith", "age": 33})
    j.set("person:2", Path.root_path(), {"name": "Bob Smith", "age": 40})
    res = ft.search(Query("@name:smith @age:[35 50]"))
    assert res.total == 1 and res.docs[0].id == "person:2", res.docs


if failures:
    print(f"{len(failures)} failed: {', '.join(failures)}")
    sys.exit(1)
print("all passed")
