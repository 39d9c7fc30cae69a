/**
 * pyhf's small validation models (../shared/specs/pyhf-examples): each becomes a workspace that
 * validates against the HistFactory schema, compiles and fits. The files carry no expected
 * results, so the checks are: convergence, a vanishing projected gradient, a positive-definite
 * Hessian, no better point nearby, and mu-hat = (n - b)/s where one bin makes it exact.
 * @module
 */
import { equal, ok } from "node:assert/strict";
import {
  exampleFiles,
  examplesPresent,
  exampleWorkspace,
  schemaPresent,
  workspaceValidator,
} from "./_test_helpers.ts";
import { compileModel, discoverySignificance, fit, profileInterval } from "./mod.ts";

Deno.test({
  name: "pyhf examples: validate against the schema, load and fit",
  ignore: !examplesPresent || !schemaPresent,
  fn: () => {
    const validate = workspaceValidator();
    const files = exampleFiles();
    ok(files.length >= 13, `${files.length} example files`);
    for (const file of files) {
      const workspace = exampleWorkspace(file);
      equal(validate(workspace), undefined, `${file} validates`);
      const model = compileModel(workspace);
      const best = fit(model, model.observed);
      ok(best.converged, `${file}: converged (|g| = ${best.gradientNorm})`);
      ok(best.gradientNorm < 1e-6, `${file}: projected gradient ${best.gradientNorm}`);
      ok(best.errors.every((e, k) => best.fixed[k] ? e === 0 : e > 0), `${file}: Hessian errors`);
      // No lower point in a small neighbourhood (within bounds).
      for (let trial = 0; trial < 20; trial++) {
        const x = Float64Array.from(best.values);
        for (let k = 0; k < x.length; k++) {
          if (best.fixed[k]) continue;
          const p = model.parameters[k];
          x[k] = Math.min(p.upper, Math.max(p.lower, x[k] + 1e-3 * Math.sin(7 * trial + 3 * k)));
        }
        ok(model.nll(x, model.observed) >= best.nll - 1e-9, `${file}: minimum`);
      }
      const interval = profileInterval(model, model.observed, { best });
      const poi = best.values[model.poi];
      ok(interval.lower <= poi && poi <= interval.upper, `${file}: interval contains mu-hat`);
      ok(discoverySignificance(model, model.observed, { best }).q0 >= 0);
    }
  },
});

Deno.test({
  name: "pyhf examples: one-bin models give mu-hat = (n - b)/s",
  ignore: !examplesPresent,
  fn: () => {
    for (const file of ["1bin_example1.json", "1bin_example1_q0.json", "1bin_histosys.json"]) {
      const workspace = exampleWorkspace(file);
      const model = compileModel(workspace);
      const best = fit(model, model.observed);
      const [signal, background] = workspace.channels[0].samples;
      const expected = (workspace.observations[0].data[0] - background.data[0]) / signal.data[0];
      ok(
        Math.abs(best.values[model.poi] - expected) < 1e-6,
        `${file}: mu-hat ${best.values[model.poi]} vs ${expected}`,
      );
    }
  },
});
