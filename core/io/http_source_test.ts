import assert from "node:assert/strict";
import { RistrettoError } from "../errors/ristretto_error.ts";
import { hasSharedData, sharedDataPath } from "../testing/mod.ts";
import { openByteSource, openHttpFile } from "./mod.ts";

const FILE = "nanoaod/nano_dy.root";

/** A local HTTP server with Range support (or without, to test the refusal). */
function serve(bytes: Uint8Array, options: { ranges?: boolean; seen?: string[] } = {}) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    if (!new URL(request.url).pathname.endsWith("/data.root")) {
      return new Response("no", { status: 404 });
    }
    const range = request.headers.get("range");
    options.seen?.push(range ?? "");
    const match = range ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
    if (options.ranges === false || !match) return new Response(bytes.slice());
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), bytes.length - 1);
    return new Response(bytes.slice(start, end + 1), {
      status: 206,
      headers: { "content-range": `bytes ${start}-${end}/${bytes.length}` },
    });
  });
  const url = `http://127.0.0.1:${server.addr.port}/data.root`;
  return { server, url };
}

Deno.test({
  name: "http: Range reads and readMany return the file's bytes",
  ignore: !hasSharedData(FILE),
  async fn() {
    const bytes = await Deno.readFile(sharedDataPath(FILE));
    const seen: string[] = [];
    const { server, url } = serve(bytes, { seen });
    try {
      const source = await openHttpFile(url);
      assert.equal(await source.size(), bytes.length);
      assert.deepEqual(await source.read(0, 4), new TextEncoder().encode("root"));
      assert.deepEqual(await source.read(1000, 5000), bytes.subarray(1000, 6000));
      const many = await source.readMany([
        { offset: 10, length: 10 },
        { offset: bytes.length - 100, length: 100 },
        { offset: 5, length: 0 },
        { offset: 70000, length: 30000 },
      ]);
      assert.deepEqual(many[0], bytes.subarray(10, 20));
      assert.deepEqual(many[1], bytes.subarray(bytes.length - 100));
      assert.equal(many[2].length, 0);
      assert.deepEqual(many[3], bytes.subarray(70000, 100000));
      await assert.rejects(
        source.read(bytes.length - 2, 10),
        (e: unknown) => e instanceof RistrettoError && e.code === "IO_SHORT_READ",
      );
      assert.ok(seen.includes("bytes=1000-5999"));
      await source.close();
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test("http: a server that ignores Range, a 404 and a dead port are clear errors", async () => {
  const { server, url } = serve(new Uint8Array(100), { ranges: false });
  try {
    await assert.rejects(
      openHttpFile(url),
      (e: unknown) => e instanceof RistrettoError && e.code === "IO_NO_RANGE",
    );
    await assert.rejects(
      openHttpFile(url.replace("data.root", "x.root")),
      (e: unknown) =>
        e instanceof RistrettoError && e.code === "IO_OPEN" && e.message.includes("404"),
    );
  } finally {
    await server.shutdown();
  }
  await assert.rejects(
    openHttpFile(url),
    (e: unknown) => e instanceof RistrettoError && e.code === "IO_OPEN",
  );
});

Deno.test("http: the request spells the header exactly `Range:` (XRootD's HTTP server needs it)", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const heads: string[] = [];
  const serverDone = (async () => {
    for (let i = 0; i < 2; i++) {
      const conn = await listener.accept();
      const buffer = new Uint8Array(4096);
      let head = "";
      while (!head.includes("\r\n\r\n")) {
        const n = await conn.read(buffer);
        if (n === null) break;
        head += new TextDecoder().decode(buffer.subarray(0, n));
      }
      heads.push(head);
      const body = "ro";
      await conn.write(new TextEncoder().encode(
        `HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-${body.length - 1}/10\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      ));
      conn.close();
    }
    listener.close();
  })();
  const source = await openHttpFile(`http://127.0.0.1:${port}/f.root`);
  assert.equal(await source.size(), 10);
  assert.equal(new TextDecoder().decode(await source.read(0, 2)), "ro");
  await serverDone;
  assert.equal(heads.length, 2);
  for (const head of heads) assert.match(head, /\r\nRange: bytes=0-/);
});

Deno.test("open_byte_source: dispatches by scheme", async () => {
  await assert.rejects(
    openByteSource("root://eos.cern.ch//x.root"),
    (e: unknown) => e instanceof RistrettoError && e.code === "IO_UNSUPPORTED_SCHEME",
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.bin`, "abcdef");
    for (const url of [`${dir}/a.bin`, `file://${dir}/a.bin`]) {
      const source = await openByteSource(url);
      assert.equal(await source.size(), 6);
      assert.equal(new TextDecoder().decode(await source.read(2, 3)), "cde");
      await source.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
