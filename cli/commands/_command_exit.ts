/**
 * CommandExit, in a module of its own so that cli/main.ts can recognise it without loading the
 * commands that throw it.
 * @module
 */

/** Thrown by a command that finished but must exit with a non-zero code (main returns it). */
export class CommandExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.exitCode = exitCode;
  }
}
