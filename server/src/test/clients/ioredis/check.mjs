// ioredis against a Cairn server: node check.mjs PORT. Exits 0 when every check passed, 1 with the failures listed.
// Run by ClientLibrariesIT, which installs ioredis (npm ci) and starts the server.
import assert from "node:assert/strict";
import Redis from "ioredis";

const port = Number(process.argv[2]);
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

const r = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, lazyConnect: true });
await r.connect();
await r.flushall();

await check("strings and keys", async () => {
  assert.equal(await r.set("s", "v"), "OK");
  assert.equal(await r.get("s"), "v");
  assert.equal(await r.get("missing"), null);
  assert.equal(await r.incrby("n", 5), 5);
  assert.equal(await r.incrbyfloat("f", "2.5"), "2.5");
  assert.deepEqual(await r.mget("s", "missing", "n"), ["v", null, "5"]);
  assert.equal(await r.expire("s", 100), 1);
  const ttl = await r.ttl("s");
  assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await r.set("nx", "1", "EX", 10, "NX"), "OK");
  assert.equal(await r.set("nx", "2", "EX", 10, "NX"), null);
  const buf = await r.getBuffer("s");
  assert.ok(Buffer.isBuffer(buf) && buf.toString() === "v");
});

await check("hashes, lists, sets, sorted sets", async () => {
  assert.equal(await r.hset("h", { f1: "v1", f2: "v2" }), 2);
  assert.deepEqual(await r.hgetall("h"), { f1: "v1", f2: "v2" });
  assert.equal(await r.rpush("l", "a", "b", "c"), 3);
  assert.deepEqual(await r.lrange("l", 0, -1), ["a", "b", "c"]);
  assert.deepEqual(await r.blpop("l", 1), ["l", "a"]);
  assert.equal(await r.blpop("nothing", 0.1), null);
  assert.equal(await r.sadd("set", "x", "y"), 2);
  assert.deepEqual((await r.smembers("set")).sort(), ["x", "y"]);
  assert.equal(await r.zadd("z", 1.5, "a", 2, "b"), 2);
  assert.deepEqual(await r.zrange("z", 0, -1, "WITHSCORES"), ["a", "1.5", "b", "2"]);
  assert.equal(await r.zscore("z", "a"), "1.5");
});

await check("streams and groups", async () => {
  const id1 = await r.xadd("st", "*", "k", "1");
  await r.xadd("st", "*", "k", "2");
  assert.equal(await r.xgroup("CREATE", "st", "g", "0"), "OK");
  const read = await r.xreadgroup("GROUP", "g", "c1", "COUNT", 10, "STREAMS", "st", ">");
  assert.equal(read[0][0], "st");
  assert.equal(read[0][1].length, 2);
  assert.deepEqual(read[0][1][0], [id1, ["k", "1"]]);
  const pending = await r.xpending("st", "g");
  assert.equal(pending[0], 2);
});

await check("pipeline and multi", async () => {
  const results = await r.pipeline().set("p", "1").incr("p").get("p").exec();
  assert.deepEqual(results, [[null, "OK"], [null, 2], [null, "2"]]);
  const tx = await r.multi().set("t", "1").incr("t").exec();
  assert.deepEqual(tx, [[null, "OK"], [null, 2]]);
  // a queued command that fails at EXEC comes back as that command's error
  const mixed = await r.multi().set("w", "x").lpush("w", "y").exec();
  assert.equal(mixed[0][1], "OK");
  assert.match(String(mixed[1][0]), /WRONGTYPE/);
});

await check("scripts and custom commands", async () => {
  assert.equal(await r.eval("return redis.call('incrby', KEYS[1], ARGV[1])", 1, "e", 3), 3);
  r.defineCommand("twice", { numberOfKeys: 1, lua: "return tonumber(redis.call('get', KEYS[1])) * 2" });
  await r.set("tw", "21");
  assert.equal(await r.twice("tw"), 42);
  await assert.rejects(r.eval("return redis.call('nosuchcommand')", 0), /Unknown Redis command called from script/);
});

await check("scanStream", async () => {
  const p = r.pipeline();
  for (let i = 0; i < 300; i++) p.set(`scan:${i}`, "x");
  await p.exec();
  const seen = new Set();
  await new Promise((resolve, reject) => {
    const s = r.scanStream({ match: "scan:*", count: 50 });
    s.on("data", (keys) => keys.forEach((k) => seen.add(k)));
    s.on("end", resolve);
    s.on("error", reject);
  });
  assert.equal(seen.size, 300);
});

await check("pub/sub", async () => {
  const sub = new Redis({ port, host: "127.0.0.1" });
  const got = [];
  const arrived = new Promise((resolve) => {
    sub.on("message", (ch, msg) => { got.push(`${ch}=${msg}`); if (got.length === 2) resolve(); });
    sub.on("pmessage", (pat, ch, msg) => { got.push(`${pat}:${ch}=${msg}`); if (got.length === 2) resolve(); });
  });
  await sub.subscribe("news");
  await sub.psubscribe("n*");
  assert.equal(await r.publish("news", "hello"), 2);
  await arrived;
  assert.deepEqual(got.sort(), ["n*:news=hello", "news=hello"]);
  sub.disconnect();
});

await check("info and client commands", async () => {
  const info = await r.info("server");
  assert.match(info, /redis_version:/);
  assert.equal(await r.client("SETNAME", "ior"), "OK");
  assert.equal(await r.client("GETNAME"), "ior");
  const list = await r.client("LIST");
  assert.match(list, /name=ior/);
  const [seconds] = await r.time();
  assert.ok(Math.abs(Number(seconds) - Date.now() / 1000) < 60);
});

await check("errors", async () => {
  await assert.rejects(r.get("l"), /WRONGTYPE Operation against a key holding the wrong kind of value/);
  await assert.rejects(r.call("nosuchcmd"), /ERR unknown command 'nosuchcmd'/);
});

r.disconnect();
if (failures.length) {
  console.log(`${failures.length} failed: ${failures.join(", ")}`);
  process.exit(1);
}
console.log("all passed");
