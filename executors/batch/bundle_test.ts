import { deepEqual } from "node:assert/strict";
import { commandInBundle } from "./bundle.ts";

Deno.test("commandInBundle: project paths under project/, permission lists also grant the bundle's copies", () => {
  const command = [
    "/usr/local/bin/deno",
    "run",
    "--no-prompt",
    "--allow-read=/repo/cli,/repo/core,/home/me/.cache/deno,/data/inputs",
    "--allow-write=/out/.store",
    "--allow-ffi=/home/me/.cache/deno/npm",
    "--allow-env",
    "--config",
    "/repo/deno.json",
    "/repo/cli/main.ts",
    "work",
  ];
  deepEqual(
    commandInBundle(command, { root: "/repo", deno: "deno", denoDir: "/home/me/.cache/deno" }),
    [
      "deno",
      "run",
      "--no-prompt",
      // inputs stay where they are; the job's config/items (in/) and results (store/) are added
      "--allow-read=/repo/cli,/repo/core,/home/me/.cache/deno,/data/inputs," +
      "project/cli,project/core,deno_dir,in,store",
      "--allow-write=/out/.store,store",
      "--allow-ffi=/home/me/.cache/deno/npm,deno_dir/npm",
      "--allow-env",
      "--config",
      "project/deno.json",
      "project/cli/main.ts",
      "work",
    ],
  );
});
