/**
 * Contract suites of the plugins that work on events: weights, calibrators, cuts and
 * variables. Each runs the plugin on events built from ONLY the branches it declares as inputs
 * (what a run loads for it) plus the objects the author's fixture defines, and checks what the
 * pipeline relies on: shapes and types of the results, determinism, zero-event chunks, and that
 * the input events are left untouched.
 * @module
 */
import type { Column, NumericArray } from "../columns/types.ts";
import { isJagged } from "../columns/jagged.ts";
import { type Events, eventsFromBranches } from "../events/events.ts";
import type {
  CalibrationContext,
  Calibrator,
  CutProvider,
  VariableProvider,
  WeightProvider,
  WeightValues,
} from "../plugin/types.ts";
import {
  checkIdentity,
  CheckList,
  type ContractReport,
  copyColumn,
  describe,
  expect,
  expectNameList,
  sameColumn,
  sameCounts,
} from "./_contract_checks.ts";

/** The events a suite runs an event plugin on. */
export interface EventsFixture {
  /** NanoAOD branches (`Jet_pt`, `nJet`, `MET_pt`, ...) holding at least the plugin's inputs. */
  readonly branches: ReadonlyMap<string, Column>;
  /**
   * What the analysis defines before the plugin runs (e.g. `GoodMuon` from `Muon`), applied
   * to the events of the declared inputs; default none.
   */
  readonly objects?: (events: Events) => Events;
  /** Dataset and parameters; default a simulated 2018 dataset and no parameters. */
  readonly context?: CalibrationContext;
  /** A cut's `params` from the config, by cut name (cut suite only). */
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The context used when the fixture gives none. */
export const DEFAULT_CONTEXT: CalibrationContext = {
  dataset: { name: "conformance_2018", sample: "conformance", year: "2018", isMC: true },
  parameters: {},
};

/** Events of the declared inputs, snapshots to detect modification, and the zero-event case. */
class InputEvents {
  readonly events: Events;
  readonly empty: Events;
  readonly missing: string[];
  readonly #kept = new Map<string, Column>();
  readonly #snapshot = new Map<string, Column>();

  constructor(fixture: EventsFixture, inputs: readonly string[]) {
    this.missing = inputs.filter((name) => !fixture.branches.has(name));
    for (const name of inputs) {
      const column = fixture.branches.get(name);
      if (column === undefined) continue;
      this.#kept.set(name, column);
      // A run loads the counter of a collection with its fields.
      const at = name.indexOf("_");
      const counter = at > 0 ? `n${name.slice(0, at)}` : "";
      const counts = fixture.branches.get(counter);
      if (isJagged(column) && counts !== undefined) this.#kept.set(counter, counts);
    }
    let length: number | undefined;
    for (const column of fixture.branches.values()) {
      length = isJagged(column) ? column.offsets.length - 1 : column.length;
      break;
    }
    const base = eventsFromBranches(new Map(this.#kept), { length });
    const objects = fixture.objects ?? ((events: Events) => events);
    this.events = objects(base);
    this.empty = objects(base.selectEvents(new Uint8Array(base.length)));
    for (const [name, column] of this.#kept) this.#snapshot.set(name, copyColumn(column));
  }

  /** Throws naming the first input branch whose values changed since construction. */
  expectUntouched(): void {
    for (const [name, column] of this.#kept) {
      expect(
        sameColumn(column, this.#snapshot.get(name)!),
        `input branch "${name}" was modified in place (a plugin must return new arrays)`,
      );
    }
  }
}

async function inputChecks(
  checks: CheckList,
  plugin: { readonly inputs: readonly string[] },
  fixture: EventsFixture,
): Promise<InputEvents | undefined> {
  let input: InputEvents | undefined;
  await checks.check("the fixture has every declared input", () => {
    input = new InputEvents(fixture, Array.isArray(plugin.inputs) ? plugin.inputs : []);
    expect(
      input.missing.length === 0,
      `the fixture lacks declared inputs ${input.missing.join(", ")}`,
    );
  });
  return input;
}

function expectFiniteWeights(values: Float64Array | undefined, what: string, events: number) {
  expect(
    values instanceof Float64Array,
    `${what} is ${describe(values)}, expected a Float64Array`,
  );
  expect(values.length === events, `${what} has ${values.length} values for ${events} events`);
  for (let i = 0; i < values.length; i++) {
    expect(Number.isFinite(values[i]), `${what}[${i}] is ${values[i]}, expected a finite weight`);
  }
}

function expectWeightValues(values: WeightValues, events: number) {
  expect(typeof values === "object" && values !== null, `compute returned ${describe(values)}`);
  expectFiniteWeights(values.nominal, "nominal", events);
  expect(
    (values.up === undefined) === (values.down === undefined),
    `up is ${describe(values.up)} but down is ${describe(values.down)}: give both or neither`,
  );
  if (values.up) expectFiniteWeights(values.up, "up", events);
  if (values.down) expectFiniteWeights(values.down, "down", events);
}

function sameWeights(a: WeightValues, b: WeightValues): boolean {
  const same = (x?: Float64Array, y?: Float64Array) =>
    x === undefined ? y === undefined : y !== undefined && sameColumn(x, y);
  return same(a.nominal, b.nominal) && same(a.up, b.up) && same(a.down, b.down);
}

/**
 * The weight suite: for every weight it provides, `compute` on events of only its declared
 * inputs gives a finite Float64Array per event (nominal, and up/down both or neither), the same
 * values twice, empty arrays for zero events, and leaves the events untouched.
 */
export async function checkWeightConformance(
  plugin: WeightProvider,
  fixture: EventsFixture,
): Promise<ContractReport> {
  const checks = new CheckList();
  await checkIdentity(checks, plugin, "weight");
  await checks.check("declares weights and inputs", () => {
    expectNameList(plugin.weights, "weights");
    expectNameList(plugin.inputs, "inputs", true);
  });
  const input = await inputChecks(checks, plugin, fixture);
  if (input === undefined) return checks.report(plugin);
  const context = fixture.context ?? DEFAULT_CONTEXT;
  for (const name of Array.isArray(plugin.weights) ? plugin.weights : []) {
    let first: WeightValues | undefined;
    await checks.check(`weight "${name}" on only its declared inputs`, () => {
      first = plugin.compute(name, input.events, context);
      expectWeightValues(first, input.events.length);
    });
    if (first === undefined) continue;
    await checks.check(`weight "${name}" is deterministic`, () => {
      const again = plugin.compute(name, input.events, context);
      expect(sameWeights(first!, again), "a second compute gave different values");
    });
    await checks.check(`weight "${name}" on zero events`, () => {
      expectWeightValues(plugin.compute(name, input.empty, context), 0);
    });
  }
  await checks.check("does not modify its input events", () => input.expectUntouched());
  return checks.report(plugin);
}

/**
 * The calibrator suite: the nominal calibration and each `<variation>Up/Down` keep every event
 * and every object of the input collections and treat each event on its own, an unknown
 * variation is an error, zero events work, and the input events are left untouched.
 */
export async function checkCalibratorConformance(
  plugin: Calibrator,
  fixture: EventsFixture,
): Promise<ContractReport> {
  const checks = new CheckList();
  await checkIdentity(checks, plugin, "calibrator");
  await checks.check("declares variations and inputs", () => {
    expectNameList(plugin.variations, "variations", true);
    expectNameList(plugin.inputs, "inputs", true);
  });
  const input = await inputChecks(checks, plugin, fixture);
  if (input === undefined) return checks.report(plugin);
  const context = fixture.context ?? DEFAULT_CONTEXT;
  const variations = Array.isArray(plugin.variations) ? plugin.variations : [];
  const all = [undefined, ...variations.flatMap((v) => [`${v}Up`, `${v}Down`])];
  for (const variation of all) {
    const label = variation === undefined ? "the nominal calibration" : `variation "${variation}"`;
    await checks.check(`${label} keeps every event and object`, () => {
      const calibrated = plugin.calibrate(input.events, { ...context, variation });
      expect(
        calibrated !== null && typeof calibrated === "object" && "column" in calibrated,
        `calibrate returned ${describe(calibrated)}, expected Events`,
      );
      expect(
        calibrated.length === input.events.length,
        `it returned ${calibrated.length} events for ${input.events.length}`,
      );
      for (const name of plugin.inputs) {
        if (!input.events.has(name)) continue;
        const before = input.events.column(name);
        const after = calibrated.column(name);
        if (isJagged(before)) {
          expect(
            isJagged(after) && sameCounts(before.offsets, after.offsets),
            `"${name}" no longer has the same objects per event`,
          );
        } else {
          expect(
            !isJagged(after) && after.length === before.length,
            `"${name}" has ${describe(after)} for ${before.length} events`,
          );
        }
      }
    });
  }
  // The pipeline applies calibrators after cuts that do not depend on them (early
  // preselection), so calibrating a subset of events must give that subset of the result.
  for (const variation of all) {
    const label = variation === undefined ? "the nominal calibration" : `variation "${variation}"`;
    await checks.check(`${label} treats each event on its own`, () => {
      const length = input.events.length;
      const subsets = {
        "the even-numbered events": Uint8Array.from({ length }, (_, i) => (i % 2 === 0 ? 1 : 0)),
        "every event but the first": Uint8Array.from({ length }, (_, i) => (i > 0 ? 1 : 0)),
      };
      const calibrated = plugin.calibrate(input.events, { ...context, variation });
      for (const [which, mask] of Object.entries(subsets)) {
        const whole = calibrated.selectEvents(mask);
        const subset = plugin.calibrate(input.events.selectEvents(mask), {
          ...context,
          variation,
        });
        for (const name of plugin.inputs) {
          if (!whole.has(name)) continue;
          expect(
            subset.has(name) && sameColumn(whole.column(name), subset.column(name)),
            `"${name}" of ${which} differs when only those events are calibrated`,
          );
        }
      }
    });
  }
  await checks.check("an unknown variation is an error", () => {
    let threw = false;
    try {
      plugin.calibrate(input.events, { ...context, variation: "conformanceNoSuchVariationUp" });
    } catch {
      threw = true;
    }
    expect(threw, `calibrate accepted variation "conformanceNoSuchVariationUp"`);
  });
  await checks.check("the nominal calibration of zero events", () => {
    const calibrated = plugin.calibrate(input.empty, { ...context, variation: undefined });
    expect(calibrated.length === 0, `it returned ${calibrated.length} events for 0`);
  });
  await checks.check("does not modify its input events", () => input.expectUntouched());
  return checks.report(plugin);
}

function expectMask(mask: unknown, events: number): void {
  expect(mask instanceof Uint8Array, `mask is ${describe(mask)}, expected a Uint8Array`);
  expect(mask.length === events, `mask has ${mask.length} entries for ${events} events`);
  for (let i = 0; i < mask.length; i++) {
    expect(mask[i] === 0 || mask[i] === 1, `mask[${i}] is ${mask[i]}, expected 0 or 1`);
  }
}

/**
 * The cut suite: for every cut, `mask` on events of only its declared inputs is one 0/1 byte
 * per event, the same twice, empty for zero events, and leaves the events untouched.
 */
export async function checkCutConformance(
  plugin: CutProvider,
  fixture: EventsFixture,
): Promise<ContractReport> {
  const checks = new CheckList();
  await checkIdentity(checks, plugin, "cut");
  await checks.check("declares cuts and inputs", () => {
    expectNameList(plugin.cuts, "cuts");
    expectNameList(plugin.inputs, "inputs", true);
  });
  const input = await inputChecks(checks, plugin, fixture);
  if (input === undefined) return checks.report(plugin);
  const base = fixture.context ?? DEFAULT_CONTEXT;
  for (const name of Array.isArray(plugin.cuts) ? plugin.cuts : []) {
    const context = { ...base, params: fixture.params?.[name] ?? {} };
    let first: Uint8Array | undefined;
    await checks.check(`cut "${name}" on only its declared inputs`, () => {
      first = plugin.mask(name, input.events, context);
      expectMask(first, input.events.length);
    });
    if (first === undefined) continue;
    await checks.check(`cut "${name}" is deterministic`, () => {
      expect(
        sameColumn(first!, plugin.mask(name, input.events, context)),
        "a second mask differs",
      );
    });
    await checks.check(`cut "${name}" on zero events`, () => {
      expectMask(plugin.mask(name, input.empty, context), 0);
    });
  }
  await checks.check("does not modify its input events", () => input.expectUntouched());
  return checks.report(plugin);
}

function expectVariable(
  column: Column,
  spec: { readonly collection?: string; readonly type?: string },
  events: Events,
): void {
  let values: NumericArray;
  if (spec.collection !== undefined) {
    expect(
      isJagged(column),
      `it is ${describe(column)}, expected a jagged array aligned with ${spec.collection}`,
    );
    const objects = events.collection(spec.collection);
    expect(
      sameCounts(column.offsets, objects.offsets),
      `its objects per event differ from those of collection "${spec.collection}"`,
    );
    values = column.content.subarray(column.offsets[0], column.offsets[column.offsets.length - 1]);
  } else {
    expect(!isJagged(column), `it is ${describe(column)}, expected one value per event`);
    expect(
      ArrayBuffer.isView(column),
      `it is ${describe(column)}, expected a TypedArray`,
    );
    expect(column.length === events.length, `${column.length} values for ${events.length} events`);
    values = column;
  }
  if (spec.type === "bool") {
    expect(values instanceof Uint8Array, `a bool variable is ${describe(values)}, not 0/1 bytes`);
    const bad = values.findIndex((value) => value !== 0 && value !== 1);
    expect(bad < 0, `value ${bad} is ${values[bad]}, expected 0 or 1`);
  }
}

/**
 * The variable suite: each variable is one value per event, or (when it names a collection) a
 * jagged array with exactly the objects of that collection; bool variables are 0/1 bytes; the
 * same twice; zero events work; the input events are left untouched.
 */
export async function checkVariableConformance(
  plugin: VariableProvider,
  fixture: EventsFixture,
): Promise<ContractReport> {
  const checks = new CheckList();
  await checkIdentity(checks, plugin, "variable");
  await checks.check("declares variables and inputs", () => {
    expect(
      typeof plugin.variables === "object" && plugin.variables !== null,
      `variables is ${describe(plugin.variables)}, expected a map name -> {collection, type}`,
    );
    expectNameList(Object.keys(plugin.variables), "variables");
    for (const [name, spec] of Object.entries(plugin.variables)) {
      expect(
        spec.type === undefined || spec.type === "number" || spec.type === "bool",
        `variable "${name}" has type ${JSON.stringify(spec.type)}, expected "number" or "bool"`,
      );
    }
    expectNameList(plugin.inputs, "inputs", true);
  });
  const input = await inputChecks(checks, plugin, fixture);
  if (input === undefined) return checks.report(plugin);
  const context = fixture.context ?? DEFAULT_CONTEXT;
  const variables = typeof plugin.variables === "object" && plugin.variables !== null
    ? Object.entries(plugin.variables)
    : [];
  for (const [name, spec] of variables) {
    const shape = spec.collection === undefined ? "per event" : `per ${spec.collection} object`;
    let first: Column | undefined;
    await checks.check(`variable "${name}" ${shape} on only its declared inputs`, () => {
      first = plugin.compute(name, input.events, context);
      expectVariable(first, spec, input.events);
    });
    if (first === undefined) continue;
    await checks.check(`variable "${name}" is deterministic`, () => {
      expect(
        sameColumn(first!, plugin.compute(name, input.events, context)),
        "a second compute differs",
      );
    });
    await checks.check(`variable "${name}" on zero events`, () => {
      expectVariable(plugin.compute(name, input.empty, context), spec, input.empty);
    });
  }
  await checks.check("does not modify its input events", () => input.expectUntouched());
  return checks.report(plugin);
}
