/**
 * The `ristretto` command line: `deno task cli <command> [args]`.
 * Each subcommand lives in cli/commands/<name>.ts and exports a factory returning a commander
 * Command; this file only assembles them.
 * @module
 */
import { Command, CommanderError } from "commander";
import { RistrettoError } from "@ristretto/core/errors";
import { correctionsCommand } from "./commands/corrections.ts";
import { rootReader } from "@ristretto/root";
import { parquetReader } from "@ristretto/parquet";
import { inspectCommand } from "./commands/inspect.ts";
import { runCommand } from "./commands/run.ts";
import { cacheCommand } from "./commands/cache.ts";
import { statusCommand } from "./commands/status.ts";
import { workCommand } from "./commands/work.ts";
import { plotCommand } from "./commands/plot.ts";
import { statsCommands } from "./commands/fit.ts";
import { datasetsCommand } from "./commands/datasets.ts";
import { CommandExit, pluginsCommand } from "./commands/plugins.ts";
import { newCommand } from "./commands/new_plugin.ts";

/** Builds the whole command tree (exported so tests can run commands in-process). */
export function buildProgram(): Command {
  const program = new Command("ristretto")
    .description("Columnar analysis of CMS NanoAOD")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(runCommand());
  program.addCommand(workCommand());
  program.addCommand(statusCommand());
  program.addCommand(cacheCommand());
  program.addCommand(inspectCommand([rootReader(), parquetReader()]));
  program.addCommand(correctionsCommand());
  program.addCommand(plotCommand());
  statsCommands().forEach((command) => program.addCommand(command));
  program.addCommand(datasetsCommand());
  program.addCommand(pluginsCommand());
  program.addCommand(newCommand());
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
  const program = buildProgram();
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
