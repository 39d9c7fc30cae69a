/**
 * A worker started before its arguments are known: `deno run <flags> _warm_start.ts <cli main>`
 * imports the command line (most of a worker's start-up: ~0.7 s of module loading) at once,
 * then reads one line on stdin - the JSON array of arguments, e.g. `["work", "--config", ...]` -
 * and runs them as `cli/main.ts` would. End of input before that line: exit 0 (not needed).
 * The rest of stdin is left unread for the command (`work --serve` reads item hashes there).
 * @module
 */
import { pathToFileURL } from "node:url";

const [entry] = Deno.args;
const cli = await import(pathToFileURL(entry).href) as { main(args: string[]): Promise<number> };

/** One line of stdin, read byte by byte so nothing after it is consumed. */
async function readLine(): Promise<string | undefined> {
  const bytes: number[] = [];
  const one = new Uint8Array(1);
  while (true) {
    const n = await Deno.stdin.read(one);
    if (n === null) return undefined;
    if (one[0] === 0x0a) return new TextDecoder().decode(new Uint8Array(bytes));
    bytes.push(one[0]);
  }
}

const line = await readLine();
if (line === undefined) Deno.exit(0);
Deno.exit(await cli.main(JSON.parse(line) as string[]));
