// ioredis's Cluster against a Cairn cluster: node cluster.mjs PORT [PORT ...]. Run by ClusterClientsIT on a cluster of
// three masters, one of them with a replica. Checks: commands routed by slot, hash tags, a pipeline within a slot, a
// slot moved by hand (ASK then MOVED followed, the slot table refreshed), a manual failover (the new master found),
// reads from the replica (scaleReads). Exits 0 when every check passed, 1 with the failures listed.
import assert from "node:assert/strict";
import Redis from "ioredis";

const ports = process.argv.slice(2).map(Number);
const failures = [];

async function check(name, body) {
  try {
    await body();
    console.log(`ok ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function wait(what, cond, ms = 30000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const admins = new Map();
// a plain connection to one node, READONLY so that a replica answers reads of its master's slots
function admin(port) {
  if (!admins.has(port)) {
    const a = new Redis({ port, host: "127.0.0.1" });
    a.readonly();
    admins.set(port, a);
  }
  return admins.get(port);
}

// {id: {port, flags, master, ranges}} from CLUSTER NODES of the node at port
async function nodesView(port) {
  const out = {};
  for (const line of (await admin(port).cluster("NODES")).trim().split("\n")) {
    const f = line.trim().split(" ");
    out[f[0]] = { port: Number(f[1].split(":")[1].split("@")[0]), flags: f[2].split(","), master: f[3],
      ranges: f.slice(8) };
  }
  return out;
}

async function ownerPort(port, slot) {
  for (const n of Object.values(await nodesView(port))) {
    if (!n.flags.includes("master") || n.flags.includes("fail")) continue;
    for (const r of n.ranges) {
      if (r.startsWith("[")) continue;
      const [lo, hi] = r.split("-").map(Number);
      if (lo <= slot && slot <= (hi ?? lo)) return n.port;
    }
  }
  return null;
}

const cluster = new Redis.Cluster(ports.map((port) => ({ host: "127.0.0.1", port })), {
  slotsRefreshInterval: 1000,
  redisOptions: { maxRetriesPerRequest: 3 },
});
await new Promise((resolve, reject) => {
  cluster.once("ready", resolve);
  cluster.once("error", reject);
});

const slotOf = async (key) => Number(await cluster.cluster("KEYSLOT", key));

await check("routing by slot, hash tags, pipeline", async () => {
  for (let i = 0; i < 300; i++) assert.equal(await cluster.set(`io:${i}`, `v${i}`), "OK");
  for (let i = 0; i < 300; i++) assert.equal(await cluster.get(`io:${i}`), `v${i}`);
  assert.equal(cluster.nodes("master").length, 3);
  assert.equal(cluster.nodes("slave").length, 1);
  assert.equal(await cluster.set("{u}:a", "1"), "OK");
  assert.deepEqual(await cluster.mget("{u}:a", "{u}:b"), ["1", null]);
  await assert.rejects(cluster.mget("io:1", "io:2"),
    /CROSSSLOT|All keys in the pipeline should belong to the same slot/);
  const res = await cluster.pipeline().incr("{p}1").incr("{p}1").get("{p}1").exec();
  assert.deepEqual(res.map((r) => r[1]), [1, 2, "2"]);
});

await check("a moved slot: ASK then MOVED followed, the table refreshed", async () => {
  const key = "io:7";
  const slot = await slotOf(key);
  const srcPort = await ownerPort(ports[0], slot);
  let dstPort = null;
  for (const s of [0, 8000, 16000]) {
    const p = await ownerPort(ports[0], s);
    if (p !== srcPort) { dstPort = p; break; }
  }
  const src = admin(srcPort), dst = admin(dstPort);
  const srcId = await src.cluster("MYID"), dstId = await dst.cluster("MYID");
  assert.equal(await dst.cluster("SETSLOT", slot, "IMPORTING", srcId), "OK");
  assert.equal(await src.cluster("SETSLOT", slot, "MIGRATING", dstId), "OK");
  assert.equal(await cluster.set("{io:7}new", "asked"), "OK");
  for (;;) {
    const keys = await src.cluster("GETKEYSINSLOT", slot, 10);
    if (keys.length === 0) break;
    await src.migrate("127.0.0.1", dstPort, "", 0, 5000, "KEYS", ...keys);
  }
  for (const n of [dst, src]) assert.equal(await n.cluster("SETSLOT", slot, "NODE", dstId), "OK");
  for (const p of ports) {
    if (p === srcPort || p === dstPort) continue;
    const me = Object.values(await nodesView(p)).find((n) => n.flags.includes("myself"));
    if (me.flags.includes("master")) await admin(p).cluster("SETSLOT", slot, "NODE", dstId);
  }
  assert.equal(await cluster.get(key), "v7");
  assert.equal(await cluster.get("{io:7}new"), "asked");
  await wait("the slot table refreshed", async () => {
    const slots = cluster.slots[slot];
    return slots && slots[0] === `127.0.0.1:${dstPort}`;
  });
});

await check("manual failover: the new master found", async () => {
  const slot = 0;
  const oldPort = await ownerPort(ports[0], slot);
  const view = await nodesView(oldPort);
  const oldId = Object.keys(view).find((id) => view[id].port === oldPort);
  const replicaPort = Object.values(view).find((n) => n.flags.includes("slave") && n.master === oldId).port;
  let key = null;
  for (let i = 0; key === null; i++) {
    if ((await ownerPort(ports[0], await slotOf(`fo:${i}`))) === oldPort) key = `fo:${i}`;
  }
  assert.equal(await cluster.set(key, "before"), "OK");
  await wait("the replica in sync", async () => (await admin(replicaPort).get(key)) === "before");
  assert.equal(await admin(replicaPort).cluster("FAILOVER"), "OK");
  await wait("the replica promoted", async () => (await ownerPort(replicaPort, slot)) === replicaPort
    && (await ownerPort(oldPort, slot)) === replicaPort);
  assert.equal(await cluster.set(key, "after"), "OK");
  assert.equal(await cluster.get(key), "after");
  assert.equal(await admin(replicaPort).get(key), "after");
  await wait("the slot table refreshed", async () => cluster.slots[slot][0] === `127.0.0.1:${replicaPort}`);
});

await check("reads from the replica", async () => {
  const ro = new Redis.Cluster([{ host: "127.0.0.1", port: ports[0] }], { scaleReads: "slave" });
  await new Promise((resolve, reject) => { ro.once("ready", resolve); ro.once("error", reject); });
  for (let i = 0; i < 50; i++) assert.equal(await ro.get(`io:${i}`), `v${i}`);
  ro.disconnect();
});

cluster.disconnect();
for (const a of admins.values()) a.disconnect();
if (failures.length) {
  console.log(`failed: ${failures.join(", ")}`);
  process.exit(1);
}
