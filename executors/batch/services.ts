/**
 * The project's own batch services (.ci/services/*.sh): where they record how to reach them, and
 * adapter options pointing at them. Real clusters need none of this.
 * @module
 */
import { join } from "node:path";
import { runCommand } from "./_process.ts";

/** Where .ci/services/*.sh record their state (RISTRETTO_SERVICES_DIR overrides). */
export function servicesDir(): string {
  return Deno.env.get("RISTRETTO_SERVICES_DIR") ?? "/tmp/ristretto-services";
}

/**
 * The `env` file a started service wrote (`KEY=value` lines), or undefined when the service
 * was not started (or has been stopped).
 */
export async function serviceEnv(name: string): Promise<Record<string, string> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(servicesDir(), name, "env"));
  } catch {
    return undefined;
  }
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

/**
 * Why the service cannot take jobs, or undefined when it answers: `.ci/services/<name>.sh
 * status` when the script is found, else only its env file.
 */
export async function serviceDownReason(name: string): Promise<string | undefined> {
  const env = await serviceEnv(name);
  if (!env) {
    return `${name} is not started (no ${
      join(servicesDir(), name, "env")
    }; run .ci/services/${name}.sh start)`;
  }
  const script = new URL(`../../.ci/services/${name}.sh`, import.meta.url).pathname;
  try {
    await Deno.stat(script);
  } catch {
    return undefined;
  }
  const result = await runCommand(["bash", script, "status"], { timeoutMs: 60_000 }).catch((e) => ({
    code: -1,
    stdout: "",
    stderr: String(e),
  }));
  return result.code === 0
    ? undefined
    : `${name} does not answer (${
      (result.stdout + result.stderr).trim()
    }; run .ci/services/${name}.sh start)`;
}
