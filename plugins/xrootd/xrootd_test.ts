import assert from "node:assert/strict";
import { RistrettoError } from "@ristretto/core/errors";
import { Registry } from "@ristretto/core/plugin";
import {
  dataAnswer,
  type FakeRequest,
  frame,
  intText,
  openAnswer,
  serveFake,
} from "./_fake_server.ts";
import {
  httpByteSource,
  openXRootDFile,
  parseRootUrl,
  statXRootD,
  xrootdByteSource,
} from "./mod.ts";

const FILE = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
const FAST = { retryDelayMs: 5, requestTimeoutMs: 2000, connectTimeoutMs: 2000 };

/** Serves FILE: open, read, readv, stat, close. */
function fileHandler(request: FakeRequest) {
  switch (request.code) {
    case 3010:
      return { frames: [openAnswer(request.stream, FILE.length)] };
    case 3017:
      return {
        frames: [frame(request.stream, 0, new TextEncoder().encode(`1 ${FILE.length} 16 5\0`))],
      };
    case 3003:
      return { frames: [frame(request.stream, 0)] };
    default:
      return { frames: dataAnswer(request, FILE, 3000) };
  }
}

const url = (port: number, path = "/data/x.root") => `root://127.0.0.1:${port}/${path}`;

Deno.test("xrootd: parseRootUrl splits host, port, path and opaque", () => {
  assert.deepEqual(parseRootUrl("root://eos.cern.ch//eos/x.root"), {
    host: "eos.cern.ch",
    port: 1094,
    path: "/eos/x.root",
    opaque: undefined,
  });
  assert.deepEqual(parseRootUrl("root://[::1]:1095//a/b.root?svcClass=t1"), {
    host: "::1",
    port: 1095,
    path: "/a/b.root",
    opaque: "svcClass=t1",
  });
  assert.throws(
    () => parseRootUrl("root://host"),
    (e: unknown) => e instanceof RistrettoError && e.code === "XROOTD_URL",
  );
});

Deno.test("xrootd: open, read (multi-frame oksofar), readMany (readv), stat, close", async () => {
  const seen: number[] = [];
  const server = serveFake((request) => {
    seen.push(request.code);
    return fileHandler(request);
  });
  try {
    const file = await openXRootDFile(url(server.port), FAST);
    assert.equal(await file.size(), FILE.length);
    assert.deepEqual(await file.read(1000, 20_000), FILE.subarray(1000, 21_000));
    const ranges = [
      { offset: 0, length: 10 },
      { offset: 299_990, length: 10 },
      { offset: 5, length: 0 },
      { offset: 50_000, length: 123_456 },
    ];
    const many = await file.readMany(ranges);
    ranges.forEach((r, i) =>
      assert.deepEqual(many[i], FILE.subarray(r.offset, r.offset + r.length))
    );
    await assert.rejects(
      file.read(FILE.length - 2, 10),
      (e: unknown) => e instanceof RistrettoError && e.code === "IO_SHORT_READ",
    );
    await file.close();
    assert.deepEqual((await statXRootD(url(server.port), FAST)).size, FILE.length);
    assert.ok(seen.includes(3025), "readMany used kXR_readv");
    assert.ok(seen.includes(3003), "close sent kXR_close");
    assert.equal(seen.filter((c) => c === 3013).length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("xrootd: readMany splits more than 1024 ranges into several kXR_readv", async () => {
  const sizes: number[] = [];
  const server = serveFake((request) => {
    if (request.code === 3025) sizes.push(request.payload.length / 16);
    return fileHandler(request);
  });
  try {
    const file = await openXRootDFile(url(server.port), FAST);
    const ranges = Array.from({ length: 2500 }, (_, i) => ({ offset: i * 100, length: 50 }));
    const many = await file.readMany(ranges);
    ranges.forEach((r, i) => assert.deepEqual(many[i], FILE.subarray(r.offset, r.offset + 50)));
    assert.deepEqual(sizes.sort((a, b) => b - a), [1024, 1024, 452]);
    await file.close();
  } finally {
    await server.close();
  }
});

Deno.test("xrootd: kXR_error is not retried and names the URL and the error", async () => {
  const server = serveFake((request) =>
    request.code === 3010
      ? { frames: [frame(request.stream, 4003, intText(3011, "no such file\0"))] }
      : fileHandler(request)
  );
  try {
    await assert.rejects(openXRootDFile(url(server.port), FAST), (e: unknown) => {
      assert.ok(e instanceof RistrettoError);
      assert.equal(e.code, "XROOTD_NOT_FOUND");
      assert.match(e.message, /^Cannot open "root:\/\/127\.0\.0\.1:\d+\/\/data\/x\.root": /);
      assert.match(e.message, /3011 \(kXR_NotFound\): no such file/);
      return true;
    });
    assert.equal(server.connections(), 1);
  } finally {
    await server.close();
  }
});

Deno.test("xrootd: redirects are followed (with opaque) and bounded", async () => {
  let opaque = "";
  const target = serveFake((request) => {
    if (request.code === 3010) opaque = new TextDecoder().decode(request.payload);
    return fileHandler(request);
  });
  const redirector = serveFake((request) =>
    request.code === 3010
      ? { frames: [frame(request.stream, 4004, intText(target.port, "127.0.0.1?tried=x"))] }
      : fileHandler(request)
  );
  const loop = serveFake((request) => ({
    frames: [frame(request.stream, 4004, intText(request.port, "127.0.0.1"))],
  }));
  try {
    const file = await openXRootDFile(url(redirector.port), FAST);
    assert.deepEqual(await file.read(0, 100), FILE.subarray(0, 100));
    await file.close();
    assert.equal(opaque, "/data/x.root?tried=x");
    await assert.rejects(
      openXRootDFile(url(loop.port), { ...FAST, maxRedirects: 3 }),
      (e: unknown) =>
        e instanceof RistrettoError && e.code === "XROOTD_REDIRECT_LOOP" &&
        /more than 3 redirects/.test(e.message),
    );
  } finally {
    await Promise.all([target.close(), redirector.close(), loop.close()]);
  }
});

Deno.test("xrootd: kXR_wait resends; kXR_waitresp is answered by kXR_attn", async () => {
  let waits = 0;
  const server = serveFake((request) => {
    if (request.code === 3010 && waits++ === 0) {
      return { frames: [frame(request.stream, 4005, intText(0, "busy"))] };
    }
    if (request.code === 3013) {
      // waitresp, then the real answer inside an attn (kXR_asynresp = 5008) on stream 0.
      const [data] = dataAnswer(request, FILE, 1 << 20);
      const attn = new Uint8Array(8 + data.length);
      new DataView(attn.buffer).setInt32(0, 5008);
      attn.set(data, 8);
      return {
        frames: [frame(request.stream, 4006, intText(5)), frame(0, 4001, attn)],
        delayMs: 20,
      };
    }
    return fileHandler(request);
  });
  try {
    const file = await openXRootDFile(url(server.port), FAST);
    assert.equal(waits, 2);
    assert.deepEqual(await file.read(10, 1000), FILE.subarray(10, 1010));
    await file.close();
  } finally {
    await server.close();
  }
});

Deno.test("xrootd: a dropped connection is reopened and the read retried", async () => {
  let reads = 0;
  const server = serveFake((request) => {
    if (request.code === 3013 && reads++ === 0) {
      // Half a frame, then the connection goes.
      return { frames: [dataAnswer(request, FILE, 1 << 20)[0].slice(0, 500)], close: true };
    }
    return fileHandler(request);
  });
  try {
    const file = await openXRootDFile(url(server.port), FAST);
    assert.deepEqual(await file.read(1234, 5000), FILE.subarray(1234, 6234));
    assert.equal(server.connections(), 2);
    await file.close();
  } finally {
    await server.close();
  }
});

Deno.test("xrootd: a server that keeps dropping gives a clear error after the retries", async () => {
  const server = serveFake((request) =>
    request.code === 3013 ? { frames: [], close: true } : fileHandler(request)
  );
  try {
    const file = await openXRootDFile(url(server.port), { ...FAST, retries: 2 });
    await assert.rejects(file.read(1234, 10), (e: unknown) => {
      assert.ok(e instanceof RistrettoError);
      assert.equal(e.code, "XROOTD_CLOSED");
      assert.equal(
        e.message,
        `Cannot read "${url(server.port)}": server closed the connection during kXR_read ` +
          `at offset 1234 (after 3 attempts)`,
      );
      return true;
    });
    assert.equal(server.connections(), 3);
    await file.close();
  } finally {
    await server.close();
  }
});

Deno.test("xrootd: a silent server times out; a closed port fails to connect", async () => {
  const server = serveFake((request) =>
    request.code === 3013
      ? new Promise((resolve) => setTimeout(() => resolve({ frames: [] }), 400))
      : fileHandler(request)
  );
  const port = server.port;
  try {
    const file = await openXRootDFile(url(port), { ...FAST, requestTimeoutMs: 100, retries: 0 });
    await assert.rejects(
      file.read(0, 10),
      (e: unknown) =>
        e instanceof RistrettoError && e.code === "XROOTD_TIMEOUT" &&
        /no answer within \d+ ms to kXR_read/.test(e.message) &&
        /after 1 attempt\)/.test(e.message),
    );
    await file.close();
  } finally {
    await server.close();
  }
  await assert.rejects(
    openXRootDFile(url(port), { ...FAST, retries: 1 }),
    (e: unknown) =>
      e instanceof RistrettoError && e.code === "XROOTD_CONNECT" &&
      /cannot connect to 127\.0\.0\.1:\d+ .* during kXR_open \(after 2 attempts\)/.test(e.message),
  );
});

Deno.test("xrootd: the providers register for root:// and http(s)://", () => {
  const registry = new Registry().add(xrootdByteSource()).add(httpByteSource());
  assert.equal(registry.byteSourceFor("root://h//f.root")?.name, "xrootd");
  assert.equal(registry.byteSourceFor("xroot://h//f.root")?.name, "xrootd");
  assert.equal(registry.byteSourceFor("https://h/f.root")?.name, "http");
  assert.equal(registry.byteSourceFor("/tmp/f.root"), undefined);
});

Deno.test("xrootd: a server that keeps answering kXR_wait runs into maxWaitSeconds", async () => {
  let waits = 0;
  const server = serveFake((request) => {
    waits++;
    return { frames: [frame(request.stream, 4005, intText(0, "busy"))] };
  });
  try {
    await assert.rejects(
      openXRootDFile(url(server.port), { ...FAST, retries: 0, maxWaitSeconds: 0.3 }),
      (e: unknown) =>
        e instanceof RistrettoError && e.code === "XROOTD_TIMEOUT" &&
        /server kept asking to wait \(kXR_wait, 0\.3 s so far, limit 0\.3 s\) during kXR_open/
          .test(e.message),
    );
    assert.ok(waits >= 3 && waits <= 5, `${waits} waits`);
  } finally {
    await server.close();
  }
});
