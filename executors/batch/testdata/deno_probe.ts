// A job's proof that it found Deno, the project and its npm dependencies: parse YAML with the
// project's `yaml` package and write what Deno and the job saw.
import { parse } from "yaml";

const [out] = Deno.args;
const value = parse("probe: [1, 2, 3]") as { probe: number[] };
await Deno.writeTextFile(
  out,
  JSON.stringify({ deno: Deno.version.deno, sum: value.probe.reduce((a, b) => a + b, 0) }),
);
