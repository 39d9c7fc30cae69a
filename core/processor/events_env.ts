import type { Events } from "../events/events.ts";
import type { ExprEnv } from "../expr/env.ts";

/** Lets compiled expressions read an Events batch (the expression language's view of it). */
export function eventsEnv(events: Events): ExprEnv {
  return {
    length: events.length,
    has: (path) => events.has(path),
    column: (path) => events.column(path),
    collectionOffsets: (name) => events.collection(name).offsets,
    names: () => events.names(),
  };
}
