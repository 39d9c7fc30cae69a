import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import type { Jagged } from "@ristretto/core/columns";
import { openRootUrl } from "./mod.ts";

const FILE = "nanoaod/nano_dy.root";

Deno.test({
  name: "http: a NanoAOD file read over HTTP Range requests gives the known Jet_pt sum",
  ignore: !hasSharedData(FILE),
  async fn() {
    const bytes = await Deno.readFile(sharedDataPath(FILE));
    let requests = 0;
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
      requests++;
      const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.get("range") ?? "");
      if (!match) return new Response("range required", { status: 400 });
      const start = Number(match[1]);
      const end = Math.min(Number(match[2]), bytes.length - 1);
      return new Response(bytes.slice(start, end + 1), {
        status: 206,
        headers: { "content-range": `bytes ${start}-${end}/${bytes.length}` },
      });
    });
    try {
      const file = await openRootUrl(`http://127.0.0.1:${server.addr.port}/nano_dy.root`);
      const cols = await file.read("Events", ["nJet", "Jet_pt", "Jet_eta", "Jet_phi", "Muon_pt"]);
      let sum = 0;
      for (const x of (cols.get("Jet_pt") as Jagged<Float32Array>).content) sum += x;
      assert.equal(sum, 5737.7109375);
      // Nearby baskets are coalesced: far fewer requests than baskets.
      assert.ok(requests < 10, `${requests} requests`);
      await file.close();
    } finally {
      await server.shutdown();
    }
  },
});
