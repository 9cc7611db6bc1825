"""redis-py's graph client (redis.commands.graph, as in Debian's python3-redis 4.3) against Cairn's graph module:
python3 graph_check.py PORT. Exits 0 when every check passed, 1 with the failures listed. The client sends compact
queries and resolves label, relationship-type and property ids through db.labels(), db.relationshipTypes() and
db.propertyKeys(), so this covers the compact reply format end to end. Run by GraphRedisPyIT.
"""
import sys
import traceback

import redis
from redis.commands.graph import Edge, Node, Path

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
g = r.graph("social")


@check
def build_with_nodes_and_edges():
    john = Node(label="person", properties={"name": "John Doe", "age": 33, "status": "single"})
    japan = Node(label="country", properties={"name": "Japan"})
    g.add_node(john)
    g.add_node(japan)
    g.add_edge(Edge(john, "visited", japan, properties={"purpose": "pleasure"}))
    result = g.commit()
    assert result.nodes_created == 2 and result.relationships_created == 1, (result.nodes_created,)
    assert result.properties_set == 5


@check
def scalar_rows():
    result = g.query("MATCH (p:person)-[v:visited]->(c:country) RETURN p.name, p.age, v.purpose, c.name")
    assert result.header == [[1, "p.name"], [1, "p.age"], [1, "v.purpose"], [1, "c.name"]], result.header
    assert result.result_set == [["John Doe", 33, "pleasure", "Japan"]], result.result_set


@check
def nodes_edges_and_paths():
    result = g.query("MATCH p = (a:person)-[v:visited]->(c:country) RETURN a, v, c, p")
    a, v, c, p = result.result_set[0]
    assert isinstance(a, Node) and a.label == "person" and a.properties["name"] == "John Doe"
    assert isinstance(v, Edge) and v.relation == "visited" and v.properties == {"purpose": "pleasure"}
    assert c.properties == {"name": "Japan"}
    assert isinstance(p, Path) and p.nodes_count() == 2 and p.edge_count() == 1


@check
def values_of_every_kind():
    result = g.query("RETURN 1.5, true, null, [1, 'a', [2]], {k: 'v', n: 2}, -7")
    assert result.result_set == [[1.5, True, None, [1, "a", [2]], {"k": "v", "n": 2}, -7]], result.result_set


@check
def parameters_and_read_only_queries():
    result = g.query("MATCH (p:person) WHERE p.age > $min RETURN count(p)", {"min": 30})
    assert result.result_set == [[1]]
    result = g.query("MATCH (p:person {name: $name}) RETURN p.status", {"name": "John Doe"}, read_only=True)
    assert result.result_set == [["single"]]
    try:
        g.query("CREATE (:x)", read_only=True)
        raise AssertionError("no error")
    except redis.ResponseError as e:
        assert "read-only" in str(e).lower() or "graph.ro_query is to be executed only on read-only queries" in str(e).lower(), str(e)


@check
def updates_and_statistics():
    result = g.query("MATCH (p:person) SET p.age = p.age + 1 RETURN p.age")
    assert result.result_set == [[34]] and result.properties_set == 1
    result = g.query("CREATE (:person {name: 'Ann'})-[:knows]->(:person {name: 'Bob'})")
    assert result.nodes_created == 2 and result.relationships_created == 1 and result.labels_added == 0
    # RedisGraph deletes a node's relationships with it, DETACH or not
    result = g.query("MATCH (n:person {name: 'Bob'}) DELETE n")
    assert result.nodes_deleted == 1 and result.relationships_deleted == 1


@check
def explain_and_procedures():
    plan = g.explain("MATCH (p:person) RETURN p")
    assert "Node By Label Scan" in str(plan) or "Scan" in str(plan), str(plan)
    assert {row[0] for row in g.labels()} >= {"person", "country"}
    assert ["visited"] in g.relationship_types()
    assert ["name"] in g.property_keys()


@check
def delete_graph():
    g.delete()
    assert r.exists("social") == 0


if failures:
    print(f"{len(failures)} failed: {', '.join(failures)}")
    sys.exit(1)
print("all passed")
