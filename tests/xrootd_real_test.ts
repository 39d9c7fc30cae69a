/**
 * Remote reading against a real XRootD server (.ci/services/xrootd.sh: Debian xrootd-server on
 * root://127.0.0.1:1094, its HTTP interface on :8080, a redirector on :1095). Real NanoAOD files
 * from ../shared/data/nanoaod are copied into the served folder at test time. Every read is
 * compared with the same read of the local file: sha256 of several branches through the ROOT
 * reader, and the histograms of a whole pipeline run.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { isJagged } from "@ristretto/core/columns";
import { configFromText } from "@ristretto/core/config";
import { RistrettoError } from "@ristretto/core/errors";
import { openLocalFile } from "@ristretto/core/io";
import type { ByteSource } from "@ristretto/core/plugin";
import { datasetOutputToJSON, runAnalysis } from "@ristretto/core/processor";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { inProcessExecutor } from "@ristretto/executor-local";
import { rootReader } from "@ristretto/root";
import { openXRootDFile, statXRootD } from "@ristretto/xrootd";
import { builtinRegistry } from "../cli/builtins.ts";
import { main } from "../cli/main.ts";
import { serveCopies, XROOTD, XROOTD_SKIP } from "./_xrootd_service.ts";

const FILES = ["nanoaod/nano_dy.root", "nanoaod/NanoAODv5_sample.root", "nanoaod/nano_dimuon.root"];
const BRANCHES = ["run", "event", "nJet", "Jet_pt", "Jet_eta", "Muon_pt", "Muon_charge", "MET_pt"];
const present = FILES.every((file) => hasSharedData(file));
const ignore = XROOTD_SKIP !== undefined || !present;
if (!present) console.warn("shared NanoAOD files absent: skipping the XRootD tests");

/** sha256 of every branch (offsets and content) and the sum of its values, via the ROOT reader. */
async function digest(source: ByteSource): Promise<Record<string, string>> {
  const file = await rootReader().open(source);
  try {
    const columns = await file.read("Events", BRANCHES);
    const out: Record<string, string> = {};
    for (const [name, column] of columns) {
      const parts = isJagged(column) ? [column.offsets, column.content] : [column];
      let sum = 0;
      const hashes: string[] = [];
      for (const part of parts) {
        const view = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
        const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", view.slice()));
        hashes.push(Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join(""));
      }
      const values = (isJagged(column) ? column.content : column) as ArrayLike<number>;
      for (let i = 0; i < values.length; i++) sum += Number(values[i]);
      out[name] = `${hashes.join("/")} sum=${sum}`;
    }
    return out;
  } finally {
    await file.close();
  }
}

Deno.test({
  name: "xrootd (real server): root://, the redirector and HTTP read the same bytes as local",
  ignore,
  async fn() {
    const served = await serveCopies(FILES.map(sharedDataPath));
    const registry = builtinRegistry();
    try {
      for (const file of FILES) {
        const name = file.split("/").pop()!;
        const local = await digest(await openLocalFile(sharedDataPath(file)));
        assert.equal(Object.keys(local).length, BRANCHES.length);
        const urls = [
          served.rootUrl(name),
          served.rootUrl(name, { redirector: true }),
          served.httpUrl(name),
        ];
        for (const url of urls) {
          const provider = registry.byteSourceFor(url);
          assert.ok(provider, `a byte source for ${url}`);
          assert.deepEqual(await digest(await provider.open(url)), local, url);
        }
      }
      // The redirector (:1095) holds no data: the file ends up open on the data server.
      const redirected = await openXRootDFile(served.rootUrl("nano_dy.root", { redirector: true }));
      assert.match((await redirected.endpoint())!, new RegExp(`:${XROOTD.port}$`));
      await redirected.close();
      const stat = await statXRootD(served.rootUrl("nano_dy.root", { redirector: true }));
      assert.equal(stat.size, (await Deno.stat(sharedDataPath(FILES[0]))).size);
      await assert.rejects(
        openXRootDFile(served.rootUrl("missing.root")),
        (e: unknown) =>
          e instanceof RistrettoError && e.code === "XROOTD_NOT_FOUND" &&
          e.message.startsWith(
            `Cannot open "${served.rootUrl("missing.root")}": server error 3011`,
          ),
      );
    } finally {
      await served.remove();
    }
  },
});

/** A second, private xrootd on a free port serving the same data folder; killed by the test. */
async function startPrivateXrootd(dir: string, reusePort?: number) {
  let port = reusePort ?? 0;
  if (port === 0) {
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    port = (probe.addr as Deno.NetAddr).port;
    probe.close();
  }
  for (const sub of ["admin", "run"]) await Deno.mkdir(join(dir, sub), { recursive: true });
  for (const sub of ["", "admin", "run"]) await Deno.chmod(join(dir, sub), 0o777);
  await Deno.writeTextFile(
    join(dir, "xrootd.cfg"),
    [
      "all.export /",
      `all.adminpath ${dir}/admin`,
      `all.pidpath ${dir}/run`,
      `oss.localroot ${XROOTD.data}`,
      "xrd.allow host localhost",
      `xrd.port ${port}`,
    ].join("\n") + "\n",
  );
  const runAs = Deno.uid() === 0 ? ["-R", Deno.env.get("RISTRETTO_XROOTD_USER") ?? "xrootd"] : [];
  const child = new Deno.Command("xrootd", {
    args: ["-c", join(dir, "xrootd.cfg"), "-l", join(dir, "xrootd.log"), ...runAs],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
  };
  for (let i = 0; i < 100; i++) { // at most 10 s
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return { port, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stop();
  throw new Error(`private xrootd did not listen on ${port} within 10 s`);
}

Deno.test({
  name: "xrootd (real server): a server stopped mid-read gives a clear error after retries",
  ignore,
  async fn() {
    const served = await serveCopies([sharedDataPath(FILES[1])]);
    const dir = await Deno.makeTempDir({ prefix: "ristretto_xrootd_" });
    const local = await Deno.readFile(sharedDataPath(FILES[1]));
    let server = await startPrivateXrootd(dir);
    try {
      const url = `root://127.0.0.1:${server.port}//${served.folder}/NanoAODv5_sample.root`;
      const file = await openXRootDFile(url, { retries: 2, retryDelayMs: 50 });
      assert.deepEqual(await file.read(0, 100_000), local.subarray(0, 100_000));
      await server.stop();
      await assert.rejects(file.read(123_456, 1000), (e: unknown) => {
        assert.ok(e instanceof RistrettoError);
        assert.match(
          e.message,
          new RegExp(
            `^Cannot read "${
              url.replace(/[.?]/g, "\\$&")
            }": .* during kXR_read at offset 123456 \\(after 3 attempts\\)$`,
          ),
        );
        assert.ok(["XROOTD_CLOSED", "XROOTD_CONNECT"].includes(e.code), e.code);
        return true;
      });
      await file.close();

      // The same failure with the server back (same port) before the retries run out: the
      // client reconnects, reopens the file and the read succeeds.
      server = await startPrivateXrootd(dir, server.port);
      const file3 = await openXRootDFile(
        `root://127.0.0.1:${server.port}//${served.folder}/NanoAODv5_sample.root`,
        { retries: 4, retryDelayMs: 300 },
      );
      await server.stop();
      const restart = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        server = await startPrivateXrootd(dir, server.port);
      })();
      const data = await file3.read(2_000_000, 50_000);
      await restart;
      assert.deepEqual(data, local.subarray(2_000_000, 2_050_000));
      await file3.close();
    } finally {
      await server.stop();
      await served.remove();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const PIPELINE = (built: string) => `
name: xrootd_pipeline
datasets:
  jsons: [${built}]
parameters:
  - {lumi: {picobarn: {"2018": 1000}}}
objects:
  GoodMuon: {from: Muon, where: "pt > 5 && abs(eta) < 2.4"}
  GoodJet: {from: Jet, where: "pt > 25 && abs(eta) < 2.5 && jetId >= 2"}
categories:
  all: "true"
  dimuon: count(GoodMuon) >= 2
weights:
  common: {inclusive: [genWeight, lumi, XS]}
histograms:
  mmumu:
    axes: [{expr: "mass(GoodMuon[0], GoodMuon[1])", bins: 30, start: 0, stop: 150}]
  njet:
    axes: [{expr: count(GoodJet), start: 0, stop: 8, integer: true}]
  jetpt:
    axes: [{expr: GoodJet.pt, bins: 20, start: 0, stop: 200}]
`;

Deno.test({
  name: "xrootd (real server): the pipeline on root:// files gives the histograms of local paths",
  ignore,
  async fn() {
    const files = [sharedDataPath(FILES[2]), sharedDataPath(FILES[1])];
    const served = await serveCopies(files);
    const dir = await Deno.makeTempDir({ prefix: "ristretto_xrootd_pipeline_" });
    try {
      const layout = (dimuon: string, sample: string) => ({
        DoubleMuon_2018_EraA: {
          metadata: {
            sample: "DoubleMuon",
            year: "2018",
            isMC: "False",
            era: "A",
            primaryDataset: "DoubleMuon",
          },
          files: [dimuon],
        },
        Sample_2018: {
          metadata: { sample: "Sample", year: "2018", isMC: "True", xsec: "2.5" },
          files: [sample],
        },
      });
      const runs: Record<string, unknown>[] = [];
      for (
        const [name, a, b] of [
          ["local", files[0], files[1]],
          ["root", served.rootUrl("nano_dimuon.root"), served.rootUrl("NanoAODv5_sample.root")],
          [
            "redirector",
            served.rootUrl("nano_dimuon.root", { redirector: true }),
            served.rootUrl("NanoAODv5_sample.root", { redirector: true }),
          ],
        ]
      ) {
        const built = join(dir, `${name}.json`);
        await Deno.writeTextFile(built, JSON.stringify(layout(a, b)));
        const result = await runAnalysis(configFromText(join(dir, "a.yaml"), PIPELINE(built)), {
          registry: builtinRegistry(),
          executor: inProcessExecutor(),
          chunkSize: 300,
        });
        assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
        const outputs: Record<string, unknown> = {};
        for (const [dataset, output] of result.outputs) {
          outputs[dataset] = datasetOutputToJSON(output);
        }
        runs.push({ outputs, scales: Object.fromEntries(result.scales), events: result.events });
      }
      assert.ok((runs[0].events as number) > 1000);
      assert.deepEqual(runs[1], runs[0]);
      assert.deepEqual(runs[2], runs[0]);
    } finally {
      await served.remove();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "xrootd (real server): datasets build from the HTTP listing, datasets check on root://",
  ignore,
  async fn() {
    const served = await serveCopies(FILES.map(sharedDataPath));
    const dir = await Deno.makeTempDir({ prefix: "ristretto_datasets_" });
    const lines: string[] = [];
    try {
      const definition = join(dir, "definition.yaml");
      await Deno.writeTextFile(
        definition,
        `
Remote:
  sample: Remote
  json_output: built/remote.json
  files:
    - http_index: http://${XROOTD.host}:${XROOTD.httpPort}/${served.folder}/
      pattern: "^nano_d"
      metadata: {year: "2018", isMC: true, xsec: 1.5, part: http}
`,
      );
      assert.equal(await main(["datasets", "build", definition]), 0);
      const built = JSON.parse(await Deno.readTextFile(join(dir, "built/remote.json")));
      assert.deepEqual(Object.keys(built), ["Remote_http_2018"]);
      assert.deepEqual(built.Remote_http_2018.files, [
        served.httpUrl("nano_dimuon.root"),
        served.httpUrl("nano_dy.root"),
      ]);
      const entries = Number(built.Remote_http_2018.metadata.nevents);
      assert.ok(entries > 0);

      // The same files as root:// URLs, one of them missing: check reports both.
      const rootBuilt = join(dir, "root.json");
      await Deno.writeTextFile(
        rootBuilt,
        JSON.stringify({
          Remote_2018: {
            metadata: {
              sample: "Remote",
              year: "2018",
              isMC: "True",
              xsec: "1",
              nevents: String(entries),
            },
            files: [
              served.rootUrl("nano_dimuon.root"),
              served.rootUrl("nano_dy.root", { redirector: true }),
            ],
          },
          Broken_2018: {
            metadata: { sample: "Broken", year: "2018", isMC: "True", xsec: "1" },
            files: [served.rootUrl("gone.root")],
          },
        }),
      );
      const { datasetsCommand } = await import("../cli/commands/datasets.ts");
      const command = datasetsCommand({ write: (t) => lines.push(t) });
      command.exitOverride();
      await assert.rejects(
        command.parseAsync(["check", rootBuilt], { from: "user" }),
        (e: unknown) =>
          e instanceof RistrettoError && e.code === "DATASETS_CHECK_FAILED" &&
          e.message === `Cannot check "${rootBuilt}": 1 of 3 files unreachable, ` +
              "0 dataset(s) with entries different from metadata.nevents",
      );
      assert.ok(
        lines.includes(
          `Remote_2018: 2/2 files reachable, ${entries} entries (metadata.nevents ${entries})`,
        ),
        lines.join("\n"),
      );
      assert.ok(lines.some((l) => l.startsWith("Broken_2018: 0/1 files reachable")));
      assert.ok(lines.some((l) => l.includes("unreachable") && l.includes("kXR_NotFound")));
    } finally {
      await served.remove();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
