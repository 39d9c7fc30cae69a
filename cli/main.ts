/**
 * The `ristretto` command line: `deno task cli <command> [args]`.
 * Each subcommand lives in cli/commands/<name>.ts and exports a factory returning a commander
 * Command; this file only assembles them.
 * @module
 */
import { Command, CommanderError } from "commander";
import { RistrettoError } from "@ristretto/core/errors";
import { CommandExit } from "./commands/_command_exit.ts";

/**
 * Every subcommand by name, imported only when asked for: a worker process running `work`
 * then loads neither the executors nor the plotter nor the fit (~0.3 s of start-up each
 * worker pays).
 */
const SUBCOMMANDS: readonly { names: readonly string[]; load: () => Promise<Command[]> }[] = [
  { names: ["run"], load: async () => [(await import("./commands/run.ts")).runCommand()] },
  { names: ["work"], load: async () => [(await import("./commands/work.ts")).workCommand()] },
  {
    names: ["status"],
    load: async () => [(await import("./commands/status.ts")).statusCommand()],
  },
  { names: ["cache"], load: async () => [(await import("./commands/cache.ts")).cacheCommand()] },
  {
    names: ["inspect"],
    load: async () => {
      const { inspectCommand } = await import("./commands/inspect.ts");
      const { rootReader } = await import("@ristretto/root");
      const { parquetReader } = await import("@ristretto/parquet");
      return [inspectCommand([rootReader(), parquetReader()])];
    },
  },
  {
    names: ["corrections"],
    load: async () => [(await import("./commands/corrections.ts")).correctionsCommand()],
  },
  { names: ["plot"], load: async () => [(await import("./commands/plot.ts")).plotCommand()] },
  {
    names: ["fit", "datacards", "workspace"],
    load: async () => (await import("./commands/fit.ts")).statsCommands(),
  },
  {
    names: ["datasets"],
    load: async () => [(await import("./commands/datasets.ts")).datasetsCommand()],
  },
  {
    names: ["plugins"],
    load: async () => [(await import("./commands/plugins.ts")).pluginsCommand()],
  },
  { names: ["new"], load: async () => [(await import("./commands/new_plugin.ts")).newCommand()] },
];

/**
 * Builds the command tree: only the subcommand named `only` when it is one, else all of them
 * (for help, and "did you mean" on an unknown name). Exported so tests can build it.
 */
export async function buildProgram(options: { only?: string } = {}): Promise<Command> {
  const program = new Command("ristretto")
    .description("Columnar analysis of CMS NanoAOD")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  const wanted = SUBCOMMANDS.filter((entry) => entry.names.includes(options.only ?? ""));
  for (const entry of wanted.length > 0 ? wanted : SUBCOMMANDS) {
    for (const command of await entry.load()) program.addCommand(command);
  }
  // Subcommands added with addCommand do not inherit these settings: apply them everywhere.
  const configure = (command: Command) => {
    command.exitOverride().showHelpAfterError();
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs the CLI; returns the exit code. Input errors exit 2 with one clear line, no stack. */
export async function main(args: string[]): Promise<number> {
  const program = await buildProgram({ only: args[0] });
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ||
          error.code === "commander.help"
        ? 0
        : 2;
    }
    if (error instanceof CommandExit) return error.exitCode;
    if (error instanceof RistrettoError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
