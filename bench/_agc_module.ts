/**
 * The TypeScript part of the AGC-like benchmark analysis: the trijet mass (the three good jets
 * whose summed transverse momentum is largest, at least one of them b-tagged), which needs
 * combinations the expression language does not have.
 * @module
 */
import type { AnalysisModule } from "@ristretto/core/processor";

/** 0/1 without a branch (see core/columns/_bits.ts). */
const bit = (condition: boolean) => (condition as unknown as number) | 0;

/**
 * Per-jet scratch (px, py, pz, E, b-tagged) reused from call to call: the module runs once
 * per chunk and shape variation, and fresh arrays each time were measurable garbage.
 */
let scratch = new Float64Array(0);

/** The analysis module: one per-event variable, `trijetMass`. */
export const analysis: AnalysisModule = {
  variables: {
    trijetMass: {
      compute(events) {
        const jets = events.collection("GoodJet");
        const { offsets } = jets;
        const pt = jets.get("pt").content as Float32Array;
        const eta = jets.get("eta").content as Float32Array;
        const phi = jets.get("phi").content as Float32Array;
        const mass = jets.get("mass").content as Float32Array;
        const btag = jets.get("btagDeepFlavB").content as Float32Array;
        const start = offsets[0], stop = offsets[offsets.length - 1];
        if (scratch.length < 5 * stop) scratch = new Float64Array(5 * stop);
        const px = scratch.subarray(0, stop), py = scratch.subarray(stop, 2 * stop);
        const pz = scratch.subarray(2 * stop, 3 * stop);
        const energy = scratch.subarray(3 * stop, 4 * stop);
        const tagged = scratch.subarray(4 * stop, 5 * stop);
        for (let j = start; j < stop; j++) tagged[j] = bit(!(btag[j] <= 0.5));
        const out = new Float64Array(events.length).fill(NaN);
        for (let e = 0; e < events.length; e++) {
          const first = offsets[e], end = offsets[e + 1];
          let anyTagged = 0;
          for (let j = first; j < end; j++) anyTagged += tagged[j];
          if (anyTagged === 0) continue; // no triple with a b-tag: no candidate
          // Transverse components once per jet, then every triple reuses them; pz and E only
          // for the three jets picked (the choice needs the transverse momentum alone).
          for (let j = first; j < end; j++) {
            px[j] = pt[j] * Math.cos(phi[j]);
            py[j] = pt[j] * Math.sin(phi[j]);
          }
          // The best triple so far: whether a triple has a b-tag and whether it beats the
          // best are random from triple to triple, so both are arithmetic, not branches.
          let best = -1, bestA = -1, bestB = 0, bestC = 0;
          for (let a = first; a < end; a++) {
            for (let b = a + 1; b < end; b++) {
              const xab = px[a] + px[b], yab = py[a] + py[b], tab = tagged[a] + tagged[b];
              for (let c = b + 1; c < end; c++) {
                const x = xab + px[c], y = yab + py[c];
                const hasB = bit(tab + tagged[c] > 0);
                // pt^2 with a b-tag, -1 without (exact: pt^2 * 1 + 0, or 0 - 1).
                const key = (x * x + y * y) * hasB + (hasB - 1);
                const better = bit(key > best);
                best = better ? key : best;
                bestA = better ? a : bestA;
                bestB = better ? b : bestB;
                bestC = better ? c : bestC;
              }
            }
          }
          if (bestA < 0) continue;
          for (let k = 0; k < 3; k++) {
            const j = k === 0 ? bestA : k === 1 ? bestB : bestC;
            pz[j] = pt[j] * Math.sinh(eta[j]);
            energy[j] = Math.sqrt(
              px[j] * px[j] + py[j] * py[j] + pz[j] * pz[j] + mass[j] * mass[j],
            );
          }
          const x = px[bestA] + px[bestB] + px[bestC], y = py[bestA] + py[bestB] + py[bestC];
          const z = pz[bestA] + pz[bestB] + pz[bestC];
          const t = energy[bestA] + energy[bestB] + energy[bestC];
          out[e] = Math.sqrt(Math.max(0, t * t - (x * x + y * y) - z * z));
        }
        return out;
      },
    },
  },
};
