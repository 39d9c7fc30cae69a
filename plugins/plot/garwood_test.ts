import { ok } from "node:assert/strict";
import { gammaQuantile, garwoodInterval, lnGamma, regularizedGammaP } from "./garwood.ts";

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  ok(Math.abs(actual - expected) <= tolerance, `${what}: got ${actual}, expected ${expected}`);

Deno.test("Garwood 68% intervals match the tabulated values", () => {
  const table: [number, number, number][] = [
    [0, 0, 1.841],
    [1, 0.173, 3.300],
    [10, 6.891, 14.267],
  ];
  for (const [n, lower, upper] of table) {
    const [lo, hi] = garwoodInterval(n);
    close(lo, lower, 1e-3, `n=${n} lower`);
    close(hi, upper, 1e-3, `n=${n} upper`);
  }
});

Deno.test("gamma functions: known values and inversion", () => {
  close(lnGamma(5), Math.log(24), 1e-12, "lnGamma(5)");
  close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12, "lnGamma(1/2)");
  // P(1, x) = 1 - exp(-x); P(a, x) for integer a is a Poisson tail.
  close(regularizedGammaP(1, 2), 1 - Math.exp(-2), 1e-14, "P(1,2)");
  close(regularizedGammaP(3, 2), 1 - Math.exp(-2) * (1 + 2 + 2), 1e-14, "P(3,2)");
  close(regularizedGammaP(50, 60), 0.9156, 1e-3, "P(50,60)");
  for (const a of [0.3, 1, 2.5, 11, 150, 5000]) {
    for (const p of [1e-6, 0.15865, 0.5, 0.84135, 0.999]) {
      close(regularizedGammaP(a, gammaQuantile(p, a)), p, 1e-10, `P(a=${a}, Q(${p}))`);
    }
  }
});

Deno.test("Garwood intervals grow like sqrt(n) for large n", () => {
  const [lo, hi] = garwoodInterval(10000);
  close(10000 - lo, 100, 1, "lower");
  close(hi - 10000, 101, 1, "upper");
});
