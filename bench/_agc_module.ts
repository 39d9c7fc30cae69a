/**
 * The TypeScript part of the AGC-like benchmark analysis: the trijet mass (the three good jets
 * whose summed transverse momentum is largest, at least one of them b-tagged), which needs
 * combinations the expression language does not have.
 * @module
 */
import type { AnalysisModule } from "@ristretto/core/processor";

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
        // Cartesian components once per jet, then every triple reuses them.
        const px = new Float64Array(stop), py = new Float64Array(stop);
        const pz = new Float64Array(stop), energy = new Float64Array(stop);
        for (let j = start; j < stop; j++) {
          px[j] = pt[j] * Math.cos(phi[j]);
          py[j] = pt[j] * Math.sin(phi[j]);
          pz[j] = pt[j] * Math.sinh(eta[j]);
          energy[j] = Math.sqrt(px[j] * px[j] + py[j] * py[j] + pz[j] * pz[j] + mass[j] * mass[j]);
        }
        const out = new Float64Array(events.length).fill(NaN);
        for (let e = 0; e < events.length; e++) {
          let bestPt2 = -1;
          for (let a = offsets[e]; a < offsets[e + 1]; a++) {
            for (let b = a + 1; b < offsets[e + 1]; b++) {
              for (let c = b + 1; c < offsets[e + 1]; c++) {
                if (btag[a] <= 0.5 && btag[b] <= 0.5 && btag[c] <= 0.5) continue;
                const x = px[a] + px[b] + px[c], y = py[a] + py[b] + py[c];
                const pt2 = x * x + y * y;
                if (pt2 <= bestPt2) continue;
                bestPt2 = pt2;
                const z = pz[a] + pz[b] + pz[c], t = energy[a] + energy[b] + energy[c];
                out[e] = Math.sqrt(Math.max(0, t * t - pt2 - z * z));
              }
            }
          }
        }
        return out;
      },
    },
  },
};
