import assert from "node:assert/strict";
import { Random } from "./_random.ts";

Deno.test("Random: reproducible streams, distinct seeds, uniform in (0, 1)", () => {
  const a = new Random(123);
  const b = new Random(123);
  const c = new Random(124);
  const first = Array.from({ length: 8 }, () => a.nextUint32());
  assert.deepEqual(Array.from({ length: 8 }, () => b.nextUint32()), first);
  assert.notDeepEqual(Array.from({ length: 8 }, () => c.nextUint32()), first);
  // Seeds differing only above 2^32 give different streams too.
  assert.notEqual(new Random(2 ** 32 + 5).nextUint32(), new Random(5).nextUint32());
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = a.uniform();
    assert.ok(u > 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.005);
});

Deno.test("Random: gaussian, exponential and Poisson moments; truncated Breit-Wigner", () => {
  const random = new Random(7);
  const n = 200_000;
  let gaussianSum = 0, gaussianSquares = 0, exponentialSum = 0, poissonSmall = 0, poissonLarge = 0;
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const g = random.gaussian(3, 2);
    gaussianSum += g;
    gaussianSquares += (g - 3) ** 2;
    exponentialSum += random.exponential(4);
    poissonSmall += random.poisson(2.5);
    poissonLarge += random.poisson(40);
    const m = random.breitWigner(91.1876, 2.4952, 50, 250);
    assert.ok(m >= 50 && m <= 250);
    if (Math.abs(m - 91.1876) < 2.4952 / 2) inside++;
  }
  assert.ok(Math.abs(gaussianSum / n - 3) < 0.02);
  assert.ok(Math.abs(Math.sqrt(gaussianSquares / n) - 2) < 0.02);
  assert.ok(Math.abs(exponentialSum / n - 4) < 0.05);
  assert.ok(Math.abs(poissonSmall / n - 2.5) < 0.02);
  assert.ok(Math.abs(poissonLarge / n - 40) < 0.1);
  // Half of a Breit-Wigner lies within half a width of the peak (slightly more once truncated).
  assert.ok(Math.abs(inside / n - 0.5) < 0.02, `${inside / n}`);
});
