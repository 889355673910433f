/**
 * The original virtual server's per-request DB cycle (backend/db/virtual.py), timed inside Python with
 * Debian's mongomock: read the state, import every collection, export it with the original's serialiser,
 * gzip + base64. The baseline the DB and engine benchmarks compare against.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPT = String.raw`
import base64, datetime, gzip, json, sys, time
import mongomock
import mongomock.collection
try:
    from bson import ObjectId
except ImportError:
    from mongomock import ObjectId

# With pymongo's bson importable (python3-pymongo, or pip's pymongo), mongomock checks each document
# with BSON.encode(check_keys=True), which pymongo 3 refuses for keys holding '.' (cc's '_ux.display')
# or starting with '$'. MongoDB 5+ stores such keys and pymongo 4 dropped check_keys, so the documents
# are still encoded (the check's cost stays in the cycle) but without the key rule.
_bson = getattr(mongomock.collection, "BSON", None)
if _bson is not None:
    class _BsonWithoutKeyCheck:
        @staticmethod
        def encode(document, check_keys=False, *args, **kwargs):
            try:
                return _bson.encode(document, False, *args, **kwargs)
            except TypeError:  # an encode without check_keys (pymongo 4)
                return _bson.encode(document, *args, **kwargs)
    mongomock.collection.BSON = _BsonWithoutKeyCheck

def serialize(value):  # backend/db/virtual.py's export serialiser
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: serialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [serialize(v) for v in value]
    return value

text = open(sys.argv[1]).read()
runs = int(sys.argv[2])
from_blob = sys.argv[3] == "blob"
projection = {"_id": 0} if sys.argv[4] == "drop-id" else None
times = []
for _ in range(runs):
    start = time.perf_counter()
    state = json.loads(gzip.decompress(base64.b64decode(text)) if from_blob else text)
    db = mongomock.MongoClient()["virtual"]
    for name, docs in state.items():
        if docs:
            db[name].insert_many(docs)
    out = {name: [serialize(d) for d in db[name].find({}, projection)] for name in db.list_collection_names()}
    blob = base64.b64encode(gzip.compress(json.dumps(out).encode())).decode()
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(json.dumps({"ms": times[len(times) // 2]}))
`;

/**
 * Installs Debian's python3-mongomock when /usr/bin/python3 cannot import mongomock and we are root (as
 * `npm test` does, scripts/setup-test-deps.mjs), so the ratios against the original print on a fresh
 * machine; otherwise says how. True when mongomock is importable afterwards.
 */
export function ensureMongomock(): boolean {
  const has = () => spawnSync("/usr/bin/python3", ["-c", "import mongomock"], { stdio: "ignore" }).status === 0;
  if (has()) return true;
  if (process.getuid?.() !== 0) {
    console.warn("the original's cycle needs Debian's python3-mongomock: sudo apt-get install -y python3-mongomock");
    return false;
  }
  console.warn("installing python3-mongomock for the original's cycle (apt-get) ...");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args: string[]) => spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
  if (!apt(["install", "-y", "-qq", "python3-mongomock"])) {
    apt(["update", "-qq"]);
    apt(["install", "-y", "-qq", "python3-mongomock"]);
  }
  return has();
}

export interface OriginalCycleOptions {
  /** What the request carries: the JSON text of the state, or the original's gzip + base64 blob. */
  input: "json" | "blob";
  /** Export without `_id` (what the engine round trip compares), or with it as the original stores it. */
  ids: "keep" | "drop";
}

/** Median milliseconds of `runs` cycles over `state`, or undefined (with a warning) when Python fails. */
export function originalCycleMs(state: string, runs: number, options: OriginalCycleOptions): number | undefined {
  const dir = mkdtempSync(join(tmpdir(), "wfv-bench-"));
  try {
    const path = join(dir, "state.txt");
    writeFileSync(path, state);
    const args = ["-c", SCRIPT, path, String(runs), options.input, options.ids === "drop" ? "drop-id" : "keep-id"];
    const result = spawnSync("/usr/bin/python3", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
      // The whole error: a traceback's last lines say what failed.
      console.warn(`the original's cycle failed in Python (exit ${result.status ?? result.signal}): ${result.error?.message ?? ""}${result.stderr}`);
      return undefined;
    }
    return (JSON.parse(result.stdout) as { ms: number }).ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
